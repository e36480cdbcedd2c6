//! Many clients and many tasks at once: every transaction succeeds, none picks a coin another
//! one is using.

use walrus_contracts::U256;

use crate::harness::{TestChain, WAL, bounded, encode};

const ACCOUNTS: u8 = 8;
const FIRST_SEED: u8 = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_accounts_each_send_five_transactions_in_parallel() {
    bounded(async {
        let seeds: Vec<u8> = (FIRST_SEED..FIRST_SEED + ACCOUNTS).collect();
        let chain = TestChain::start(&seeds).await;
        let admin = chain.client(1);

        // The administrator funds everyone at once from clones of one client: the transfers
        // share its single WAL coin and gas coin, so the client's locks must serialize them.
        let funding: Vec<_> = seeds
            .iter()
            .map(|&seed| {
                let admin = admin.clone();
                let recipient = crate::harness::account(seed).address();
                tokio::spawn(async move { admin.transfer_wal(recipient, 10 * WAL).await })
            })
            .collect();
        for task in funding {
            assert_eq!(task.await.unwrap().unwrap().value.value(), 10 * WAL);
        }

        let workers: Vec<_> = seeds
            .iter()
            .map(|&seed| {
                let client = chain.client(seed);
                let certificate_for = {
                    let commitment = encode(format!("blob of account {seed}").as_bytes());
                    (commitment, chain.certify_permanent(1, commitment.blob_id()))
                };
                tokio::spawn(async move {
                    let (commitment, certificate) = certificate_for;
                    let blob = client.reserve_and_register(&commitment, 2, false).await?;
                    client.certify_blob(blob.id(), &certificate).await?;
                    client.set_blob_attribute(blob.id(), "owner-seed", &seed.to_string()).await?;
                    client.extend_blob(blob.id(), 1).await?;
                    let storage = client.reserve_space(1 << 20, 3).await?;
                    Ok::<_, walrus_sui::ChainError>((client, blob.id(), storage.id(), commitment))
                })
            })
            .collect();
        for (task, seed) in workers.into_iter().zip(&seeds) {
            let (client, blob, storage, commitment) =
                task.await.unwrap().unwrap_or_else(|e| panic!("account {seed}: {e}"));
            let blob = client.get_blob(blob).await.unwrap();
            assert_eq!(blob.value.blob_id, U256::from(commitment.blob_id()));
            assert_eq!(blob.value.certified_epoch, Some(1));
            assert_eq!(blob.value.storage.end_epoch, 4);
            let attributes = blob.value.metadata.unwrap();
            assert_eq!(attributes.metadata.contents[0].value, seed.to_string());
            assert_eq!(client.get_storage(storage).await.unwrap().value.storage_size, 1 << 20);
            assert_eq!(client.owned_blobs(client.address()).await.unwrap().len(), 1);
        }
        // Funding (8) and five transactions per account, one checkpoint each.
        assert_eq!(chain.chain().latest_checkpoint(), u64::from(ACCOUNTS) * 6);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_account_runs_concurrent_transactions_on_its_single_gas_coin() {
    bounded(async {
        let chain = TestChain::start(&[2]).await;
        crate::harness::fund_wal(&chain, 2, 10 * WAL).await;
        let user = chain.client(2);
        let sui_type = sui_sdk_types::StructTag::sui().into();
        assert_eq!(user.owned_coins(user.address(), &sui_type).await.unwrap().len(), 1);

        let tasks: Vec<_> = (0..6u8)
            .map(|i| {
                let user = user.clone();
                tokio::spawn(async move {
                    let blob = user.reserve_and_register(&encode(&[i; 1000]), 1, true).await?;
                    user.set_blob_attribute(blob.id(), "index", &i.to_string()).await?;
                    Ok::<_, walrus_sui::ChainError>(blob.id())
                })
            })
            .collect();
        let mut blobs = Vec::new();
        for task in tasks {
            blobs.push(task.await.unwrap().unwrap());
        }
        let owned = user.owned_blobs(user.address()).await.unwrap();
        assert_eq!(owned.len(), 6);
        for blob in blobs {
            assert!(user.get_blob(blob).await.unwrap().value.metadata.is_some());
        }
    })
    .await;
}
