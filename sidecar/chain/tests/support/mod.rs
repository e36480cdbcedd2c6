//! Shared by the local chain's integration tests: accounts, the committee of the test vectors,
//! a standard genesis, and signed programmable transactions.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

use std::path::PathBuf;

use sui_crypto::{SuiSigner, ed25519::Ed25519PrivateKey};
use sui_sdk_types::{
    Address, Argument, Command, GasPayment, Identifier, Input, MoveCall, Object, ObjectReference,
    ProgrammableTransaction, SharedInput, SignedTransaction, SplitCoins, Transaction, TransactionExpiration,
    TransactionKind, TransferObjects,
};
use walrus_chain::{
    GenesisConfig, GenesisMember, LocalChain,
    execute::objects::load,
    types::{CLOCK_INITIAL_SHARED_VERSION, CLOCK_OBJECT, CoinKind, Obj, WALRUS_PACKAGE},
};
use walrus_contracts::{
    ObjectId, objects::Object as Twin, staking::Staking, storage_node::StorageNodeCap, system::System,
};
use walrus_core::messages::ProtocolKeyPair;

/// MIST per SUI.
pub const SUI: u64 = 1_000_000_000;

/// A Sui account with its key.
pub struct Account {
    /// The signing key.
    pub key: Ed25519PrivateKey,
    /// Its address.
    pub address: Address,
}

/// A deterministic account.
pub fn account(seed: u8) -> Account {
    let key = Ed25519PrivateKey::new([seed; 32]);
    let address = key.public_key().derive_address();
    Account { key, address }
}

#[derive(serde::Deserialize)]
struct Vectors {
    committee: Vec<VectorMember>,
}

#[derive(serde::Deserialize)]
struct VectorMember {
    node_id_hex: String,
    secret_key_hex: String,
    public_key_hex: String,
    shards: u16,
}

/// The committee of `tests/vectors/certificates.json` (1, 2, 3 and 4 shards: n = 10) with its
/// protocol keys; member i at `127.0.0.1:9100+i`, with the default genesis stake and no operator.
pub fn vector_committee() -> Vec<(ProtocolKeyPair, GenesisMember)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/certificates.json");
    let vectors: Vectors = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    vectors
        .committee
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let key = ProtocolKeyPair::from_secret_bytes(&hex::decode(&m.secret_key_hex).unwrap()).unwrap();
            let member = GenesisMember {
                node_id: ObjectId(hex::decode(&m.node_id_hex).unwrap().try_into().unwrap()),
                public_key: hex::decode(&m.public_key_hex).unwrap(),
                network_address: format!("127.0.0.1:{}", 9100 + i),
                shards: m.shards,
                stake_frost: walrus_chain::genesis::DEFAULT_GENESIS_STAKE_FROST,
                operator: None,
            };
            (key, member)
        })
        .collect()
}

/// A genesis with the vectors' committee, `admin` holding the WAL supply and `funded` 100 SUI each.
pub fn genesis(admin: &Account, funded: &[&Account]) -> GenesisConfig {
    GenesisConfig {
        admin: admin.address,
        funded_accounts: funded.iter().map(|a| a.address).collect(),
        sui_per_account: 100 * SUI,
        n_shards: 10,
        committee: vector_committee().into_iter().map(|(_, m)| m).collect(),
        storage_price_per_unit_size: 1_000,
        write_price_per_unit_size: 2_000,
        total_capacity_size: 1 << 30,
        max_epochs_ahead: 5,
        epoch_duration_ms: walrus_chain::genesis::DEFAULT_EPOCH_DURATION_MS,
        governance: Default::default(),
    }
}

/// The object's current reference.
pub fn reference(object: &Object) -> ObjectReference {
    ObjectReference::new(object.object_id(), object.version(), object.digest())
}

/// Builds and signs a programmable transaction paid with the sender's first SUI coin.
pub fn sign(chain: &LocalChain, sender: &Account, inputs: Vec<Input>, commands: Vec<Command>) -> SignedTransaction {
    let (coins, _) = chain.balance(sender.address, CoinKind::Sui).unwrap();
    let transaction = Transaction {
        kind: TransactionKind::ProgrammableTransaction(ProgrammableTransaction { inputs, commands }),
        sender: sender.address,
        gas_payment: GasPayment {
            objects: vec![reference(&coins[0])],
            owner: sender.address,
            price: 1_000,
            budget: 50_000_000,
        },
        expiration: TransactionExpiration::None,
    };
    let signature = sender.key.sign_transaction(&transaction).unwrap();
    SignedTransaction { transaction, signatures: vec![signature] }
}

/// A pure input of `value`'s BCS bytes.
pub fn pure<T: serde::Serialize>(value: &T) -> Input {
    Input::Pure(bcs::to_bytes(value).unwrap())
}

/// A call of `walrus::module::function`.
pub fn call(module: &str, function: &str, arguments: Vec<Argument>) -> Command {
    Command::MoveCall(MoveCall {
        package: WALRUS_PACKAGE,
        module: Identifier::new(module).unwrap(),
        function: Identifier::new(function).unwrap(),
        type_arguments: vec![],
        arguments,
    })
}

/// A shared object as an input.
pub fn shared_input(id: Address, initial_shared_version: u64, mutable: bool) -> Input {
    Input::Shared(SharedInput::new(id, initial_shared_version, mutable))
}

/// `sender` buys `size_bytes` of storage for `epochs` epochs with `wal_coin` and keeps the
/// `Storage`.
pub fn reserve_space_tx(
    chain: &LocalChain,
    sender: &Account,
    wal_coin: &Object,
    size_bytes: u64,
    epochs: u32,
) -> SignedTransaction {
    sign(
        chain,
        sender,
        vec![
            system_input(chain, true),
            pure(&size_bytes),
            pure(&epochs),
            Input::ImmutableOrOwned(reference(wal_coin)),
            pure(&sender.address),
        ],
        vec![
            call(
                "system",
                "reserve_space",
                vec![Argument::Input(0), Argument::Input(1), Argument::Input(2), Argument::Input(3)],
            ),
            Command::TransferObjects(TransferObjects {
                objects: vec![Argument::Result(0)],
                address: Argument::Input(4),
            }),
        ],
    )
}

/// `sender` splits `amount` off `coin` and sends it to `recipient`.
pub fn pay_tx(
    chain: &LocalChain,
    sender: &Account,
    coin: &Object,
    amount: u64,
    recipient: Address,
) -> SignedTransaction {
    sign(
        chain,
        sender,
        vec![Input::ImmutableOrOwned(reference(coin)), pure(&amount), pure(&recipient)],
        vec![
            Command::SplitCoins(SplitCoins { coin: Argument::Input(0), amounts: vec![Argument::Input(1)] }),
            Command::TransferObjects(TransferObjects {
                objects: vec![Argument::NestedResult(0, 0)],
                address: Argument::Input(2),
            }),
        ],
    )
}

/// `staking::initiate_epoch_change(&mut Staking, &mut System, &Clock)` as `sender`.
pub fn initiate_epoch_change_tx(chain: &LocalChain, sender: &Account) -> SignedTransaction {
    sign(
        chain,
        sender,
        vec![staking_input(chain, true), system_input(chain, true), clock_input(false)],
        vec![call(
            "staking",
            "initiate_epoch_change",
            vec![Argument::Input(0), Argument::Input(1), Argument::Input(2)],
        )],
    )
}

/// The shared `System` object as an input.
pub fn system_input(chain: &LocalChain, mutable: bool) -> Input {
    let info = chain.info();
    shared_input(info.system_object, info.system_initial_shared_version, mutable)
}

/// The shared `Staking` object as an input.
pub fn staking_input(chain: &LocalChain, mutable: bool) -> Input {
    let info = chain.info();
    shared_input(info.staking_object, info.staking_initial_shared_version, mutable)
}

/// The `0x6` Clock as an input (Sui accepts it only immutably).
pub fn clock_input(mutable: bool) -> Input {
    shared_input(CLOCK_OBJECT, CLOCK_INITIAL_SHARED_VERSION, mutable)
}

/// [`genesis`] with committee member `i` operated by `operators[i]` and a genesis stake of
/// `(i + 1) * 1000` WAL.
pub fn staked_genesis(admin: &Account, operators: &[Account]) -> GenesisConfig {
    let funded: Vec<&Account> = operators.iter().collect();
    let mut config = genesis(admin, &funded);
    for (i, member) in config.committee.iter_mut().enumerate() {
        member.stake_frost = (i as u64 + 1) * 1_000 * SUI;
        member.operator = Some(operators[i].address);
    }
    config
}

/// Object `id` decoded as its twin struct.
pub fn typed(chain: &LocalChain, id: Address) -> Twin {
    let object = chain.object(id).unwrap().unwrap();
    match load(chain.store(), &object).unwrap().unwrap() {
        Obj::Twin(twin) => twin,
        other => panic!("{id} is {other:?}"),
    }
}

/// The `Staking` object.
pub fn staking(chain: &LocalChain) -> Staking {
    let Twin::Staking(staking) = typed(chain, chain.info().staking_object) else { panic!("not the Staking") };
    staking
}

/// The `System` object.
pub fn system(chain: &LocalChain) -> System {
    let Twin::System(system) = typed(chain, chain.info().system_object) else { panic!("not the System") };
    system
}

/// The `StorageNodeCap` `owner` holds, with its object.
pub fn cap_object(chain: &LocalChain, owner: Address) -> (Object, StorageNodeCap) {
    for object in chain.owned_objects(owner).unwrap() {
        if let Some(Obj::Twin(Twin::StorageNodeCap(cap))) = load(chain.store(), &object).unwrap() {
            return (object, cap);
        }
    }
    panic!("{owner} holds no StorageNodeCap");
}
