//! The first vertical slice: blobs stored on a local network through the library and read back,
//! also after a restart and with a node down.

use walrus_client::{ClientLimits, StoreOptions, StoreOutcome};
use walrus_e2e::{STEP_TIMEOUT, blob_bytes, restart_network, start_network};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn blobs_survive_restart_and_a_stopped_node() {
    let dir = tempfile::tempdir().unwrap();
    // 5 nodes x 2 shards: n = 10, f = 3; one node down leaves 8 shards.
    let network = start_network(dir.path(), 5, 2).await;
    let client = network.user_client(ClientLimits::default()).unwrap();
    let options = StoreOptions { epochs_ahead: 2, deletable: false, force: false };

    let mut stored = Vec::new();
    for (seed, size) in [(1, 0usize), (2, 1), (3, 1000), (4, 3 << 20)] {
        let data = blob_bytes(size, seed);
        let outcome = tokio::time::timeout(STEP_TIMEOUT, client.store_blob(data.clone(), options))
            .await
            .expect("store in time")
            .unwrap_or_else(|e| panic!("storing {size} bytes: {e}"));
        let StoreOutcome::NewlyCreated { blob_object, .. } = &outcome else { panic!("new blob expected: {outcome:?}") };
        assert_eq!(blob_object.size, size as u64);
        assert!(blob_object.certified_epoch.is_some(), "certified");
        stored.push((outcome.blob_id(), data));
    }
    for (blob_id, data) in &stored {
        let read = tokio::time::timeout(STEP_TIMEOUT, client.read_blob(blob_id)).await.expect("read in time").unwrap();
        assert!(read == *data, "blob {blob_id} reads back");
    }

    // Storing the same bytes again reuses the certified blob.
    let again = client.store_blob(stored[3].1.clone(), options).await.unwrap();
    assert!(matches!(again, StoreOutcome::AlreadyCertified { .. }), "{again:?}");

    network.shutdown().await;
    let mut network = restart_network(dir.path()).await;
    let client = network.user_client(ClientLimits::default()).unwrap();
    network.stop_node(0).await.expect("node 0 runs");
    for (blob_id, data) in &stored {
        let read = tokio::time::timeout(STEP_TIMEOUT, client.read_blob(blob_id)).await.expect("read in time").unwrap();
        assert!(read == *data, "blob {blob_id} reads back after the restart with a node down");
    }
    network.shutdown().await;
}
