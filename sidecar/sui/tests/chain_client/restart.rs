//! The chain stops and restarts from its directory midway: clients made from the same client
//! config carry on, and nothing acknowledged is lost.

use walrus_sui::{ClientConfig, Keystore, Profile, WalrusChainClient};

use crate::harness::{TestChain, WAL, account, bounded, encode, fund_wal, options};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_continue_across_a_chain_restart() {
    bounded(async {
        let mut chain = TestChain::start(&[2]).await;
        fund_wal(&chain, 2, 10 * WAL).await;

        // A client config and keystore on disk, as the CLI and storage nodes use them.
        let config_dir = tempfile::tempdir().unwrap();
        let config_path = config_dir.path().join("client.toml");
        let mut keystore = Keystore::create(config_dir.path().join("sui.keystore")).unwrap();
        let address = keystore.add_key(account(2)).unwrap();
        let mut profile = Profile::new("local", chain.url(), "sui.keystore");
        profile.active_address = Some(address);
        profile.deployment = Some(chain.deployment());
        let mut config = ClientConfig::new(profile).unwrap();
        config.save(&config_path).unwrap();

        let config = ClientConfig::load(&config_path).unwrap();
        let keystore = Keystore::load(config.active_keystore_path()).unwrap();
        let client = WalrusChainClient::from_config(&config, &keystore, options()).unwrap();
        assert_eq!(client.address(), account(2).address());

        let commitment = encode(b"registered before the restart");
        let blob = client.reserve_and_register(&commitment, 3, false).await.unwrap();
        let checkpoint = chain.chain().latest_checkpoint();
        let mut events = client.events_from_checkpoint(0);
        let before: Vec<_> = events.drain().await.unwrap();
        assert_eq!(before.len(), 1);

        chain.stop().await;
        // While the chain is down, calls fail with an error that says to check the node.
        let err = client.system_info().await.unwrap_err();
        assert!(err.to_string().contains("check that the node is running"), "{err}");

        chain.restart().await;
        assert_eq!(chain.chain().latest_checkpoint(), checkpoint);
        // The same client reconnects; the blob registered before is there.
        let read = client.get_blob(blob.id()).await.unwrap();
        assert_eq!(read.value, blob.value);
        client.certify_blob(blob.id(), &chain.certify_permanent(1, commitment.blob_id())).await.unwrap();
        // A fresh client from the same config works too.
        let config = ClientConfig::load(&config_path).unwrap();
        let fresh = WalrusChainClient::from_config(&config, &keystore, options()).unwrap();
        assert_eq!(fresh.get_blob(blob.id()).await.unwrap().value.certified_epoch, Some(1));
        fresh.extend_blob(blob.id(), 1).await.unwrap();
        assert_eq!(client.get_blob(blob.id()).await.unwrap().value.storage.end_epoch, 5);
        // The event stream opened before the restart carries on where it was.
        let after = events.drain().await.unwrap();
        assert_eq!(after.len(), 2, "{after:?}");
        assert!(after[0].cursor > before[0].cursor && after[1].cursor > after[0].cursor);
    })
    .await;
}
