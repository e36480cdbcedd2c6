//! Access policies on the local chain, through real signed transactions: create a policy, add a
//! reader, govern a blob, dry-run `can_read` and `seal_approve` for a reader and a stranger, and
//! a wrong admin cap that aborts with `access_policy::ENotAdmin` and changes nothing but gas.

use sui_crypto::SuiSigner;
use sui_sdk_types::{
    Address, Argument, Command, ExecutionError, ExecutionStatus, GasPayment, Input, Owner, ProgrammableTransaction,
    SharedInput, SignedTransaction, Transaction, TransactionEffects, TransactionExpiration, TransactionKind,
    TransferObjects,
};
use walrus_chain::{LocalChain, types::CoinKind};
use walrus_contracts::{
    ObjectId, U256,
    access_policy::{self, AccessPolicy, AccessPolicyAdminCap},
    encoding,
};

mod support;
use support::*;

/// Unencoded size of the test blob.
const BLOB_SIZE: u64 = 10_000;

/// A programmable transaction paid with the sender's first SUI coin.
fn transaction(chain: &LocalChain, sender: Address, inputs: Vec<Input>, commands: Vec<Command>) -> Transaction {
    let (coins, _) = chain.balance(sender, CoinKind::Sui).unwrap();
    Transaction {
        kind: TransactionKind::ProgrammableTransaction(ProgrammableTransaction { inputs, commands }),
        sender,
        gas_payment: GasPayment {
            objects: vec![reference(&coins[0])],
            owner: sender,
            price: 1_000,
            budget: 50_000_000,
        },
        expiration: TransactionExpiration::None,
    }
}

/// Signs and executes; returns the effects and the names of the emitted events.
fn execute(
    chain: &LocalChain,
    sender: &Account,
    inputs: Vec<Input>,
    commands: Vec<Command>,
) -> (TransactionEffects, Vec<String>) {
    let transaction = transaction(chain, sender.address, inputs, commands);
    let signature = sender.key.sign_transaction(&transaction).unwrap();
    let executed = chain.execute(SignedTransaction { transaction, signatures: vec![signature] }).unwrap();
    let events = executed.events.map(|e| e.0.iter().map(|e| e.type_.name().as_str().to_owned()).collect());
    (executed.effects, events.unwrap_or_default())
}

fn shared_input(chain: &LocalChain, id: Address, mutable: bool) -> Input {
    match chain.object(id).unwrap().unwrap().owner() {
        Owner::Shared(initial) => Input::Shared(SharedInput::new(id, *initial, mutable)),
        other => panic!("{id} is not shared but {other:?}"),
    }
}

fn owned_input(chain: &LocalChain, id: Address) -> Input {
    Input::ImmutableOrOwned(reference(&chain.object(id).unwrap().unwrap()))
}

fn assert_success(effects: &TransactionEffects) {
    assert_eq!(effects.status(), &ExecutionStatus::Success, "{effects:?}");
}

/// The object of Move type `name` that `owner` owns, with its id.
fn owned<T: serde::de::DeserializeOwned>(chain: &LocalChain, owner: Address, name: &str) -> Vec<(Address, T)> {
    chain
        .owned_objects(owner)
        .unwrap()
        .into_iter()
        .filter_map(|object| {
            let s = object.as_struct()?;
            (s.object_type().name().as_str() == name)
                .then(|| (object.object_id(), bcs::from_bytes(s.contents()).unwrap()))
        })
        .collect()
}

fn policy(chain: &LocalChain, id: Address) -> AccessPolicy {
    bcs::from_bytes(chain.object(id).unwrap().unwrap().as_struct().unwrap().contents()).unwrap()
}

/// Creates a policy as `admin` and sends the cap to `admin`: (policy id, cap id).
fn create_policy(chain: &LocalChain, admin: &Account, name: &str) -> (Address, Address) {
    let before: Vec<Address> = owned::<AccessPolicyAdminCap>(chain, admin.address, "AccessPolicyAdminCap")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let (effects, events) = execute(
        chain,
        admin,
        vec![pure(&name), pure(&None::<u32>), pure(&admin.address)],
        vec![
            call("access_policy", "new", vec![Argument::Input(0), Argument::Input(1)]),
            Command::TransferObjects(TransferObjects {
                objects: vec![Argument::Result(0)],
                address: Argument::Input(2),
            }),
        ],
    );
    assert_success(&effects);
    assert_eq!(events, ["AccessPolicyCreated"]);
    let (cap_id, cap) = owned::<AccessPolicyAdminCap>(chain, admin.address, "AccessPolicyAdminCap")
        .into_iter()
        .find(|(id, _)| !before.contains(id))
        .expect("the new cap");
    (Address::new(cap.policy_id.0), cap_id)
}

/// Dry-runs `access_policy::can_read(policy, system, blob, reader)` as the blob's owner: the
/// `bool` the call returns.
fn can_read(chain: &LocalChain, owner: Address, policy: Address, blob: Address, reader: Address) -> bool {
    let transaction = transaction(
        chain,
        owner,
        vec![shared_input(chain, policy, false), system_input(chain, false), owned_input(chain, blob), pure(&reader)],
        vec![call(
            "access_policy",
            "can_read",
            vec![Argument::Input(0), Argument::Input(1), Argument::Input(2), Argument::Input(3)],
        )],
    );
    let simulated = chain.simulate(&transaction).unwrap();
    assert_success(&simulated.effects);
    bcs::from_bytes(&simulated.return_values[0][0]).unwrap()
}

/// Dry-runs `access_policy::seal_approve(id, policy, system)` as `sender`: the effects.
fn seal_approve(chain: &LocalChain, sender: Address, id: Vec<u8>, policy: Address) -> TransactionEffects {
    let transaction = transaction(
        chain,
        sender,
        vec![pure(&id), shared_input(chain, policy, false), system_input(chain, false)],
        vec![call("access_policy", "seal_approve", vec![Argument::Input(0), Argument::Input(1), Argument::Input(2)])],
    );
    chain.simulate(&transaction).unwrap().effects
}

fn assert_aborts(effects: &TransactionEffects, module: &str, expected_code: u64) {
    match effects.status() {
        ExecutionStatus::Failure { error: ExecutionError::MoveAbort { location, code }, command } => {
            assert_eq!((location.module.as_str(), *code, *command), (module, expected_code, Some(0)));
        }
        other => panic!("expected a Move abort in {module}, got {other:?}"),
    }
}

#[test]
fn policies_govern_blobs_and_answer_dry_runs() {
    let dir = tempfile::tempdir().unwrap();
    let (admin, reader, stranger) = (account(1), account(2), account(3));
    let chain = LocalChain::open(dir.path(), &genesis(&admin, &[&reader, &stranger])).unwrap();

    // Create a policy; the cap goes to the admin.
    let (policy_id, cap_id) = create_policy(&chain, &admin, "team documents");
    let created = policy(&chain, policy_id);
    assert_eq!((created.name.as_str(), created.version, created.expiry_epoch), ("team documents", 0, None));
    assert!(matches!(chain.object(policy_id).unwrap().unwrap().owner(), Owner::Shared(_)));

    // Add a reader.
    let (effects, events) = execute(
        &chain,
        &admin,
        vec![shared_input(&chain, policy_id, true), owned_input(&chain, cap_id), pure(&reader.address)],
        vec![call("access_policy", "add_reader", vec![Argument::Input(0), Argument::Input(1), Argument::Input(2)])],
    );
    assert_success(&effects);
    assert_eq!(events, ["ReaderAdded"]);
    let with_reader = policy(&chain, policy_id);
    assert_eq!(with_reader.readers, vec![ObjectId(reader.address.into_inner())]);
    assert_eq!(with_reader.version, 1);

    // Buy storage, register a blob and keep it, in one transaction.
    let root = U256([9; 32]);
    let blob_id = encoding::derive_blob_id(root, encoding::red_stuff(), BLOB_SIZE);
    let encoded_size = encoding::encoded_size_bytes(BLOB_SIZE, 10).unwrap();
    let (wal, _) = chain.balance(admin.address, CoinKind::Wal).unwrap();
    let (effects, _) = execute(
        &chain,
        &admin,
        vec![
            system_input(&chain, true),
            pure(&encoded_size),
            pure(&2u32),
            Input::ImmutableOrOwned(reference(&wal[0])),
            pure(&blob_id),
            pure(&root),
            pure(&BLOB_SIZE),
            pure(&encoding::red_stuff()),
            pure(&false),
            pure(&admin.address),
        ],
        vec![
            call(
                "system",
                "reserve_space",
                vec![Argument::Input(0), Argument::Input(1), Argument::Input(2), Argument::Input(3)],
            ),
            call(
                "system",
                "register_blob",
                vec![
                    Argument::Input(0),
                    Argument::Result(0),
                    Argument::Input(4),
                    Argument::Input(5),
                    Argument::Input(6),
                    Argument::Input(7),
                    Argument::Input(8),
                ],
            ),
            Command::TransferObjects(TransferObjects {
                objects: vec![Argument::Result(1)],
                address: Argument::Input(9),
            }),
        ],
    );
    assert_success(&effects);
    let (blob, _) = owned::<walrus_contracts::blob::Blob>(&chain, admin.address, "Blob").remove(0);
    assert!(!can_read(&chain, admin.address, policy_id, blob, reader.address));

    // Govern the blob: the policy is read-only, the blob gets its attribute.
    let (effects, events) = execute(
        &chain,
        &admin,
        vec![shared_input(&chain, policy_id, false), owned_input(&chain, cap_id), owned_input(&chain, blob)],
        vec![call("access_policy", "govern_blob", vec![Argument::Input(0), Argument::Input(1), Argument::Input(2)])],
    );
    assert_success(&effects);
    assert_eq!(events, ["BlobGoverned"]);
    assert_eq!(policy(&chain, policy_id), with_reader);

    // Dry runs: the reader may read, a stranger may not; nothing is committed.
    let checkpoint = chain.latest_checkpoint();
    assert!(can_read(&chain, admin.address, policy_id, blob, reader.address));
    assert!(!can_read(&chain, admin.address, policy_id, blob, stranger.address));
    let identity = [&policy_id.into_inner()[..], b"file-1"].concat();
    assert_success(&seal_approve(&chain, reader.address, identity.clone(), policy_id));
    assert_aborts(&seal_approve(&chain, stranger.address, identity, policy_id), "access_policy", 7);
    let outside = [&[0u8; 32][..], b"file-1"].concat();
    assert_aborts(&seal_approve(&chain, reader.address, outside, policy_id), "access_policy", 7);
    assert_eq!(chain.latest_checkpoint(), checkpoint);

    // Another policy's cap aborts with ENotAdmin (0) and changes nothing but the gas coin (and the
    // version of the mutable shared input, as on Sui).
    let (_, other_cap) = create_policy(&chain, &admin, "other");
    let checkpoint = chain.latest_checkpoint();
    let (sui_before, wal_before) = (
        chain.balance(admin.address, CoinKind::Sui).unwrap().1,
        chain.balance(admin.address, CoinKind::Wal).unwrap().1,
    );
    let (effects, events) = execute(
        &chain,
        &admin,
        vec![shared_input(&chain, policy_id, true), owned_input(&chain, other_cap), pure(&stranger.address)],
        vec![call("access_policy", "add_reader", vec![Argument::Input(0), Argument::Input(1), Argument::Input(2)])],
    );
    assert_aborts(&effects, "access_policy", access_policy::E_NOT_ADMIN.code);
    assert!(events.is_empty());
    assert_eq!(chain.latest_checkpoint(), checkpoint + 1);
    assert_eq!(policy(&chain, policy_id), with_reader);
    assert_eq!(
        chain.balance(admin.address, CoinKind::Sui).unwrap().1,
        sui_before - u128::from(walrus_chain::execute::GAS_COST_MIST)
    );
    assert_eq!(chain.balance(admin.address, CoinKind::Wal).unwrap().1, wal_before);
    assert!(!can_read(&chain, admin.address, policy_id, blob, stranger.address));

    // Releasing the blob ends access; the remaining attributes stay with the blob.
    let (effects, events) = execute(
        &chain,
        &admin,
        vec![shared_input(&chain, policy_id, false), owned_input(&chain, cap_id), owned_input(&chain, blob)],
        vec![call("access_policy", "release_blob", vec![Argument::Input(0), Argument::Input(1), Argument::Input(2)])],
    );
    assert_success(&effects);
    assert_eq!(events, ["BlobReleased"]);
    assert!(!can_read(&chain, admin.address, policy_id, blob, reader.address));
}
