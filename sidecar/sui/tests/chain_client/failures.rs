//! Bad transactions: each gives a clear error and changes nothing (a Move abort only costs the
//! gas fee, as on Sui).

use sui_sdk_types::{Address, ObjectReference, StructTag, Transaction, TypeTag};
use walrus_chain::execute::GAS_COST_MIST;
use walrus_contracts::{blob, system_state_inner};
use walrus_sui::{ChainError, ClientOptions, WalrusChainClient, WalrusPtb};

use crate::harness::{SUI, TestChain, WAL, account, bounded, encode, fund_wal, options};

fn sui_type() -> TypeTag {
    StructTag::sui().into()
}

async fn gas_coin(client: &WalrusChainClient) -> ObjectReference {
    client.owned_coins(client.address(), &sui_type()).await.unwrap()[0].reference.clone()
}

/// A transaction of `client`'s account with the commands `build` adds, paid with its first SUI
/// coin, unsigned.
async fn transaction(client: &WalrusChainClient, budget_mist: u64, build: impl FnOnce(&mut WalrusPtb)) -> Transaction {
    let mut ptb = WalrusPtb::new(*client.deployment());
    build(&mut ptb);
    ptb.finish(client.address(), &gas_coin(client).await, budget_mist, 1_000).unwrap()
}

/// What a rejected transaction must leave untouched.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    checkpoint: u64,
    sui: Vec<u64>,
    wal: Vec<u64>,
    blob: ObjectReference,
}

async fn snapshot(chain: &TestChain, clients: &[&WalrusChainClient], blob: Address) -> Snapshot {
    let mut sui = Vec::new();
    let mut wal = Vec::new();
    for client in clients {
        sui.push(client.sui_balance(client.address()).await.unwrap());
        wal.push(client.wal_balance(client.address()).await.unwrap());
    }
    Snapshot {
        checkpoint: chain.chain().latest_checkpoint(),
        sui,
        wal,
        blob: clients[0].object_reference(blob).await.unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_transactions_change_nothing() {
    bounded(async {
        let chain = TestChain::start(&[2, 3]).await;
        let (user, other) = (chain.client(2), chain.client(3));
        fund_wal(&chain, 2, 10 * WAL).await;
        let blob = user.reserve_and_register(&encode(b"the user's blob"), 2, false).await.unwrap();
        let before = snapshot(&chain, &[&user, &other], blob.id()).await;
        let set_attribute = |reference: ObjectReference| {
            move |ptb: &mut WalrusPtb| {
                let blob = ptb.owned(&reference);
                ptb.insert_or_update_metadata_pair(blob, "k", "v");
            }
        };

        // Signed by another key than the sender's.
        let tx = transaction(&user, 10 * GAS_COST_MIST, set_attribute(before.blob.clone())).await;
        let forged = account(3).sign_transaction(&tx).unwrap();
        let err = user.execute_signed(&tx, vec![forged]).await.unwrap_err();
        assert!(matches!(err, ChainError::InvalidSignature { .. }), "{err}");
        assert!(err.to_string().contains("sign with the sender's key"), "{err}");
        // A signature over other bytes.
        let signature = account(2).sign_transaction(&tx).unwrap();
        let mut tampered = tx.clone();
        tampered.gas_payment.budget += 1;
        let err = user.execute_signed(&tampered, vec![signature]).await.unwrap_err();
        assert!(matches!(err, ChainError::InvalidSignature { .. }), "{err}");
        assert_eq!(snapshot(&chain, &[&user, &other], blob.id()).await, before);

        // Someone else's object: the client refuses before sending, the chain refuses too.
        let err = other.set_blob_attribute(blob.id(), "k", "v").await.unwrap_err();
        assert!(matches!(err, ChainError::NotOwner { id, .. } if id == blob.id()), "{err}");
        let tx = transaction(&other, 10 * GAS_COST_MIST, set_attribute(before.blob.clone())).await;
        let err = other.sign_and_execute(&tx).await.unwrap_err();
        assert!(matches!(err, ChainError::ObjectNotUsable { .. }), "{err}");
        assert_eq!(snapshot(&chain, &[&user, &other], blob.id()).await, before);

        // A gas budget beyond the gas coin: refused by the chain, and by the client up front.
        let tx = transaction(&user, 1_000 * SUI, set_attribute(before.blob.clone())).await;
        let err = user.sign_and_execute(&tx).await.unwrap_err();
        assert!(matches!(err, ChainError::GasRejected { .. }), "{err}");
        let greedy = WalrusChainClient::new(
            &chain.url(),
            account(2),
            chain.deployment(),
            ClientOptions { gas_budget_mist: 1_000 * SUI, ..options() },
        )
        .unwrap();
        let err = greedy.set_blob_attribute(blob.id(), "k", "v").await.unwrap_err();
        assert!(matches!(err, ChainError::InsufficientGas { .. }), "{err}");
        assert!(err.to_string().contains("faucet"), "{err}");

        // Not enough WAL: the client says so before sending anything.
        let err = other.reserve_space(1 << 20, 1).await.unwrap_err();
        assert!(
            matches!(err, ChainError::InsufficientWal { needed_frost, available_frost: 0, .. } if needed_frost == 3_000),
            "{err}"
        );
        assert_eq!(snapshot(&chain, &[&user, &other], blob.id()).await, before);

        // A stale version of the blob: the reference read before the blob last changed.
        user.set_blob_attribute(blob.id(), "fresh", "yes").await.unwrap();
        let changed = snapshot(&chain, &[&user, &other], blob.id()).await;
        assert_ne!(changed.blob, before.blob);
        let stale = transaction(&user, 10 * GAS_COST_MIST, set_attribute(before.blob.clone())).await;
        let err = user.sign_and_execute(&stale).await.unwrap_err();
        assert!(matches!(err, ChainError::StaleObject { .. }), "{err}");
        assert!(err.to_string().contains("read the object again"), "{err}");
        assert_eq!(snapshot(&chain, &[&user, &other], blob.id()).await, changed);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn move_aborts_are_named_and_only_cost_gas() {
    bounded(async {
        let chain = TestChain::start(&[2, 3]).await;
        let user = chain.client(2);
        fund_wal(&chain, 2, 10 * WAL).await;

        // Storage too small for the blob: walrus::blob::EStorageTooSmall.
        let storage = user.reserve_space(1_000, 2).await.unwrap();
        let commitment = encode(&[7u8; 100_000]);
        let sui_before = user.sui_balance(user.address()).await.unwrap();
        let wal_before = user.wal_balance(user.address()).await.unwrap();
        let checkpoint_before = chain.chain().latest_checkpoint();
        let err = user.register_blob(storage.id(), &commitment, false).await.unwrap_err();
        match &err {
            ChainError::MoveAbort { module, name, code, message, .. } => {
                assert_eq!((module.as_str(), name.as_str(), *code), ("walrus::blob", "EStorageTooSmall", 3));
                assert!(message.contains("buy more storage"), "{message}");
            }
            other => panic!("expected a Move abort, got {other}"),
        }
        assert!(err.to_string().starts_with("walrus::blob::EStorageTooSmall (3): the encoded size exceeds"), "{err}");
        assert_eq!(err.abort_code(), Some(blob::E_STORAGE_TOO_SMALL));
        // Executed and checkpointed, but only the fee was paid and the storage is unchanged.
        assert_eq!(chain.chain().latest_checkpoint(), checkpoint_before + 1);
        assert_eq!(user.sui_balance(user.address()).await.unwrap(), sui_before - GAS_COST_MIST);
        assert_eq!(user.wal_balance(user.address()).await.unwrap(), wal_before);
        assert_eq!(user.get_storage(storage.id()).await.unwrap().value, storage.value);
        assert!(user.owned_blobs(user.address()).await.unwrap().is_empty());

        // No epochs: walrus::system_state_inner::EInvalidEpochsAhead.
        let err = user.reserve_space(1_000, 0).await.unwrap_err();
        assert_eq!(err.abort_code(), Some(system_state_inner::E_INVALID_EPOCHS_AHEAD), "{err}");
        assert!(err.to_string().contains("ask for fewer epochs"), "{err}");

        // A WAL coin below the price, sent without the client's check:
        // walrus::system_state_inner::EInsufficientFunds.
        let poor = chain.client(3);
        fund_wal(&chain, 3, 100).await;
        let coin = poor.owned_coins(poor.address(), &poor.wal_coin_type()).await.unwrap()[0].reference.clone();
        let address = poor.address();
        let tx = transaction(&poor, 10 * GAS_COST_MIST, |ptb| {
            let system = ptb.system(true);
            let payment = ptb.owned(&coin);
            let storage = ptb.reserve_space(system, 1 << 20, 1, payment);
            ptb.transfer(vec![storage], address);
        })
        .await;
        let err = poor.sign_and_execute(&tx).await.unwrap_err();
        assert_eq!(err.abort_code(), Some(system_state_inner::E_INSUFFICIENT_FUNDS), "{err}");
        assert!(err.to_string().contains("pay with more WAL"), "{err}");
        assert_eq!(poor.wal_balance(poor.address()).await.unwrap(), 100);
    })
    .await;
}
