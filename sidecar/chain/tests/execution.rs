//! The local chain executing real signed Sui transactions against the twin: the storage
//! protocol end to end, rejections that change nothing, Move aborts that only cost gas, and a
//! restart that loses nothing.

use sui_crypto::SuiSigner;
use sui_sdk_types::{
    Address, Argument, Command, ExecutionError, ExecutionStatus, GasPayment, Input, Object, SignedTransaction,
    SplitCoins, TransactionEffects, TransferObjects, TypeTag,
};
use walrus_chain::{
    LocalChain, Rejection,
    types::{CoinKind, SUI_FRAMEWORK, wal_type},
};
use walrus_contracts::blob::Blob;
use walrus_core::{
    EncodingConfig,
    messages::{BlobPersistence, StorageConfirmation, aggregate_signatures},
};

mod support;
use support::*;

fn status(effects: &TransactionEffects) -> &ExecutionStatus {
    effects.status()
}

fn wal_coin(chain: &LocalChain, owner: Address) -> Object {
    let (coins, _) = chain.balance(owner, CoinKind::Wal).unwrap();
    coins.into_iter().next().expect("the account holds WAL")
}

fn owned_blob(chain: &LocalChain, owner: Address) -> (Object, Blob) {
    for object in chain.owned_objects(owner).unwrap() {
        let s = object.as_struct().unwrap();
        if s.object_type().name().as_str() == "Blob" {
            return (object.clone(), bcs::from_bytes(s.contents()).unwrap());
        }
    }
    panic!("no blob owned by {owner}");
}

#[test]
fn store_a_blob_on_chain_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (admin, user) = (account(1), account(2));
    let config = genesis(&admin, &[&user]);
    let chain = LocalChain::open(dir.path(), &config).unwrap();

    // The admin sends the user 1 WAL (split + transfer).
    let tx = sign(
        &chain,
        &admin,
        vec![
            Input::ImmutableOrOwned(reference(&wal_coin(&chain, admin.address))),
            pure(&1_000_000_000u64),
            pure(&user.address),
        ],
        vec![
            Command::SplitCoins(SplitCoins { coin: Argument::Input(0), amounts: vec![Argument::Input(1)] }),
            Command::TransferObjects(TransferObjects {
                objects: vec![Argument::Result(0)],
                address: Argument::Input(2),
            }),
        ],
    );
    let executed = chain.execute(tx).unwrap();
    assert_eq!(status(&executed.effects), &ExecutionStatus::Success);
    assert_eq!(chain.balance(user.address, CoinKind::Wal).unwrap().1, 1_000_000_000);

    // Encode a real blob, buy storage, register it, all in one transaction.
    let encoding = EncodingConfig::new(10).unwrap();
    let data = b"a blob stored through a signed Sui transaction".to_vec();
    let encoded = walrus_core::encode(&encoding, &data, 1).unwrap();
    let blob_id = encoded.blob_id();
    let size = encoding.encoded_size_bytes(data.len() as u64).unwrap();
    let tx = sign(
        &chain,
        &user,
        vec![
            system_input(&chain, true),
            pure(&size),
            pure(&2u32),
            Input::ImmutableOrOwned(reference(&wal_coin(&chain, user.address))),
            pure(&blob_id.0),
            pure(&encoded.metadata().commitment.root),
            pure(&(data.len() as u64)),
            pure(&1u8),
            pure(&false),
            pure(&user.address),
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
    let executed = chain.execute(tx).unwrap();
    assert_eq!(status(&executed.effects), &ExecutionStatus::Success, "{:?}", executed.effects);
    let events = executed.events.expect("BlobRegistered");
    assert_eq!(events.0.len(), 1);
    assert_eq!(events.0[0].type_.name().as_str(), "BlobRegistered");
    let (blob_object, blob) = owned_blob(&chain, user.address);
    assert_eq!(blob.blob_id.0, blob_id.0);
    assert_eq!(blob.certified_epoch, None);

    // Certify with a quorum certificate (members 1, 2, 3 of 4: 9 of 10 shards).
    let message = StorageConfirmation { epoch: 1, blob_id, persistence: BlobPersistence::Permanent }.to_bytes();
    let keys = vector_committee();
    let signature = aggregate_signatures(&[1, 2, 3].map(|i| keys[i].0.sign(&message))).unwrap().to_vec();
    let tx = sign(
        &chain,
        &user,
        vec![
            system_input(&chain, false),
            Input::ImmutableOrOwned(reference(&blob_object)),
            pure(&signature),
            pure(&vec![0x0eu8]),
            pure(&message),
        ],
        vec![call(
            "system",
            "certify_blob",
            vec![Argument::Input(0), Argument::Input(1), Argument::Input(2), Argument::Input(3), Argument::Input(4)],
        )],
    );
    let executed = chain.execute(tx).unwrap();
    assert_eq!(status(&executed.effects), &ExecutionStatus::Success, "{:?}", executed.effects);
    let (_, blob) = owned_blob(&chain, user.address);
    assert_eq!(blob.certified_epoch, Some(1));
    let checkpoint = chain.latest_checkpoint();
    assert_eq!(checkpoint, 3);

    // Restart: everything committed is still there.
    drop(chain);
    let chain = LocalChain::open(dir.path(), &config).unwrap();
    assert_eq!(chain.latest_checkpoint(), 3);
    let (_, blob) = owned_blob(&chain, user.address);
    assert_eq!(blob.certified_epoch, Some(1));
    let stored = chain.store().transaction(&executed.digest).unwrap().unwrap();
    assert_eq!(stored.checkpoint, 3);
}

#[test]
fn bad_transactions_are_rejected_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (admin, user, thief) = (account(1), account(2), account(3));
    let chain = LocalChain::open(dir.path(), &genesis(&admin, &[&user, &thief])).unwrap();
    let before = chain.latest_checkpoint();
    let coin = wal_coin(&chain, admin.address);
    let split = |sender: &Account, coin: &Object| {
        sign(
            &chain,
            sender,
            vec![Input::ImmutableOrOwned(reference(coin)), pure(&1u64), pure(&sender.address)],
            vec![
                Command::SplitCoins(SplitCoins { coin: Argument::Input(0), amounts: vec![Argument::Input(1)] }),
                Command::TransferObjects(TransferObjects {
                    objects: vec![Argument::Result(0)],
                    address: Argument::Input(2),
                }),
            ],
        )
    };

    // Someone else's object.
    assert!(matches!(chain.execute(split(&thief, &coin)), Err(Rejection::NotUsable { .. })));
    // A valid signature by another key, and a signature over other bytes.
    let mut forged = split(&admin, &coin);
    forged.signatures = vec![thief.key.sign_transaction(&forged.transaction).unwrap()];
    assert!(matches!(chain.execute(forged), Err(Rejection::WrongSigner { .. })));
    let mut tampered = split(&admin, &coin);
    tampered.transaction.gas_payment.budget += 1;
    assert!(matches!(chain.execute(tampered), Err(Rejection::InvalidSignature(_))));
    assert_eq!(chain.latest_checkpoint(), before);

    // A good one, then the same stale reference again.
    assert_eq!(status(&chain.execute(split(&admin, &coin)).unwrap().effects), &ExecutionStatus::Success);
    assert!(matches!(chain.execute(split(&admin, &coin)), Err(Rejection::StaleObject { .. })));
    assert_eq!(chain.latest_checkpoint(), before + 1);

    // A gas budget the coins cannot cover.
    let (coins, _) = chain.balance(user.address, CoinKind::Sui).unwrap();
    let mut transaction = split(&user, &wal_coin(&chain, admin.address)).transaction;
    transaction.gas_payment =
        GasPayment { objects: vec![reference(&coins[0])], owner: user.address, price: 1_000, budget: 1_000 * SUI };
    let signature = user.key.sign_transaction(&transaction).unwrap();
    assert!(matches!(
        chain.execute(SignedTransaction { transaction, signatures: vec![signature] }),
        Err(Rejection::NotUsable { .. }) | Err(Rejection::Gas(_))
    ));
}

#[test]
fn a_move_abort_fails_the_transaction_and_only_costs_gas() {
    let dir = tempfile::tempdir().unwrap();
    let admin = account(1);
    let chain = LocalChain::open(dir.path(), &genesis(&admin, &[])).unwrap();
    let wal_before = chain.balance(admin.address, CoinKind::Wal).unwrap().1;
    let sui_before = chain.balance(admin.address, CoinKind::Sui).unwrap().1;
    // Reserve zero epochs: walrus::system_state_inner::EInvalidEpochsAhead (0).
    let tx = sign(
        &chain,
        &admin,
        vec![
            system_input(&chain, true),
            pure(&1_000u64),
            pure(&0u32),
            Input::ImmutableOrOwned(reference(&wal_coin(&chain, admin.address))),
        ],
        vec![call(
            "system",
            "reserve_space",
            vec![Argument::Input(0), Argument::Input(1), Argument::Input(2), Argument::Input(3)],
        )],
    );
    let executed = chain.execute(tx).unwrap();
    match status(&executed.effects) {
        ExecutionStatus::Failure { error: ExecutionError::MoveAbort { location, code }, command } => {
            assert_eq!((location.module.as_str(), *code, *command), ("system_state_inner", 0, Some(0)));
        }
        other => panic!("expected a Move abort, got {other:?}"),
    }
    assert!(executed.events.is_none());
    assert_eq!(chain.balance(admin.address, CoinKind::Wal).unwrap().1, wal_before);
    assert_eq!(
        chain.balance(admin.address, CoinKind::Sui).unwrap().1,
        sui_before - u128::from(walrus_chain::execute::GAS_COST_MIST)
    );
    // An unused object result also fails the transaction (the Storage is neither used nor sent).
    let tx = sign(
        &chain,
        &admin,
        vec![
            system_input(&chain, true),
            pure(&1_000u64),
            pure(&1u32),
            Input::ImmutableOrOwned(reference(&wal_coin(&chain, admin.address))),
        ],
        vec![call(
            "system",
            "reserve_space",
            vec![Argument::Input(0), Argument::Input(1), Argument::Input(2), Argument::Input(3)],
        )],
    );
    let executed = chain.execute(tx).unwrap();
    assert!(matches!(
        status(&executed.effects),
        ExecutionStatus::Failure { error: ExecutionError::UnusedValueWithoutDrop { .. }, .. }
    ));
    assert_eq!(chain.balance(admin.address, CoinKind::Wal).unwrap().1, wal_before);
    let _ = (SUI_FRAMEWORK, wal_type(), TypeTag::U8);
}
