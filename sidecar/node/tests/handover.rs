//! The shard handover at an epoch change, over real HTTP on 127.0.0.1 with four nodes and the
//! in-memory chain: gained shards are fetched from their previous holders (or recovered when a
//! holder is down), `epoch_sync_done` completes the change, lost shards are dropped after it, and
//! a node restarted mid-handover resumes without fetching again.

mod common;

use common::{TestNetwork, blob_data, object_id};
use walrus_contracts::bls_aggregate::Committee;
use walrus_core::{BlobId, EncodedBlob, SliverKind, encode, messages::BlobPersistence};
use walrus_node::{handover, state::BlobStatusKind, wire::upload_body_for};

/// The genesis committee of these tests: four nodes with two shards each (n = 8, f = 2).
const GENESIS: [u16; 4] = [2, 2, 2, 2];

/// Epoch 2's shards: node 0 gains shard 2 (from node 1) and shard 6 (from node 3).
fn moved_shards() -> Vec<Vec<u16>> {
    vec![vec![0, 1, 2, 6], vec![3], vec![4, 5], vec![7]]
}

fn committee_with(net: &TestNetwork, shards: Vec<Vec<u16>>) -> Committee {
    let members = &net.committee.members;
    Committee::new_with_shards(
        members.iter().map(|m| m.node_id).collect(),
        members.iter().map(|m| m.public_key.bytes.clone()).collect(),
        members.iter().map(|m| m.network_address.clone()).collect(),
        shards,
    )
    .unwrap()
}

/// Registers, uploads to every running node of the genesis committee, certifies, and waits
/// until node 0 sees the certification.
async fn store<'a>(net: &TestNetwork, encoded: &EncodedBlob<'a>, size: usize, object: u8) -> BlobId {
    let blob_id = encoded.blob_id();
    net.chain.register_blob(blob_id, size as u64, 10, false, object_id(object)).unwrap();
    for node in 0..net.nodes.len() {
        net.client(node)
            .store_slivers(&blob_id, &BlobPersistence::Permanent, net.body_for(encoded, node))
            .await
            .unwrap();
    }
    net.chain.certify_blob(object_id(object)).unwrap();
    for node in 0..net.nodes.len() {
        net.wait_for_status(node, &blob_id, "certified", |s| s.status == BlobStatusKind::Certified).await;
    }
    blob_id
}

fn metric(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("metric {name} missing from {text}"))
}

fn record(net: &TestNetwork, node: usize) -> Option<handover::HandoverRecord> {
    let storage = net.nodes[node].handle.as_ref()?.storage();
    handover::load_record(&storage).unwrap()
}

fn has_shard(net: &TestNetwork, node: usize, shard: u16) -> bool {
    net.nodes[node].handle.as_ref().unwrap().storage().has_shard(shard)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gained_shards_are_fetched_and_lost_shards_dropped_once_the_change_is_done() {
    let net = TestNetwork::start(&GENESIS).await;
    let config = net.encoding_config();
    let blobs: Vec<Vec<u8>> = (0..3).map(|seed| blob_data(3_000 + 1_000 * seed as usize, seed)).collect();
    let encoded: Vec<EncodedBlob<'_>> = blobs.iter().map(|data| encode(&config, data, 1).unwrap()).collect();
    let mut ids = Vec::new();
    for (i, e) in encoded.iter().enumerate() {
        ids.push(store(&net, e, blobs[i].len(), i as u8 + 1).await);
    }

    let next = committee_with(&net, moved_shards());
    assert_eq!(net.chain.advance_epoch(Some(next)).unwrap(), 2);
    net.wait_until("the epoch change of epoch 2 is done", || !net.chain.is_syncing()).await;
    // Node 0 (4 of 8 shards) must be among the signallers: without it no quorum exists.
    assert!(net.chain.synced_nodes().contains(&net.committee.members[0].node_id));

    // Node 0 serves the moved shards' slivers, verified against the blob id.
    let client = net.client(0);
    for (e, blob_id) in encoded.iter().zip(&ids) {
        for pair in [2u16, 6] {
            let p = usize::from(pair);
            let primary = client.sliver(blob_id, &config, pair, SliverKind::Primary).await.unwrap();
            assert_eq!(primary.sliver, *e.primary_sliver(p));
            assert_eq!(primary.pair, e.pair_metadata(p));
            let secondary = client.sliver(blob_id, &config, pair, SliverKind::Secondary).await.unwrap();
            assert_eq!(secondary.sliver, *e.secondary_sliver(config.secondary_index_of_pair(p)));
        }
        let status = client.status(blob_id).await.unwrap();
        assert_eq!(status.stored_pairs, vec![0, 1, 2, 6]);
    }
    let metrics = client.metrics().await.unwrap();
    assert_eq!(metric(&metrics, "walrus_node_handover_pairs_fetched_total"), 6, "two shards of three blobs");
    assert_eq!(metric(&metrics, "walrus_node_handover_pairs_recovered_total"), 0);
    assert_eq!(metric(&metrics, "walrus_node_handover_shards_syncing"), 0);
    let done = record(&net, 0).unwrap();
    assert_eq!((done.epoch, done.gained.clone(), done.synced.clone()), (2, vec![2, 6], vec![2, 6]));
    assert!(done.sync_signalled);

    // The previous holders drop the lost shards once the change is done, and stop serving them.
    net.wait_until("node 1 drops shard 2 and node 3 shard 6", || !has_shard(&net, 1, 2) && !has_shard(&net, 3, 6))
        .await;
    assert!(has_shard(&net, 1, 3) && has_shard(&net, 3, 7), "kept shards stay");
    let lost = net.client(1).sliver(&ids[0], &config, 2, SliverKind::Primary).await.unwrap_err();
    assert_eq!(lost.api_code(), Some("sliver_not_found"));
    assert_eq!(record(&net, 1).unwrap().lost, vec![2]);
    assert!(record(&net, 1).unwrap().is_complete());

    // Uploads in epoch 2 go to the new holders: node 0 takes pairs 0, 1, 2 and 6.
    let data = blob_data(2_500, 77);
    let fresh = encode(&config, &data, 1).unwrap();
    let blob_id = fresh.blob_id();
    net.chain.register_blob(blob_id, data.len() as u64, 10, false, object_id(50)).unwrap();
    for (node, shards) in moved_shards().into_iter().enumerate() {
        let signed = net
            .client(node)
            .store_slivers_of_epoch(&blob_id, &BlobPersistence::Permanent, Some(2), upload_body_for(&fresh, shards))
            .await
            .unwrap();
        assert_eq!(signed.epoch, 2);
    }
    let status = net.client(0).status(&blob_id).await.unwrap();
    assert_eq!(status.stored_pairs, vec![0, 1, 2, 6]);
    // An upload cut for another epoch's committee is refused before its body is read: an
    // uploader behind the node must read the committee again, one ahead of it retries.
    let body = upload_body_for(&fresh, [0, 1]);
    let node0 = net.client(0);
    let behind = node0.store_slivers_of_epoch(&blob_id, &BlobPersistence::Permanent, Some(1), body.clone()).await;
    assert_eq!(behind.unwrap_err().api_code(), Some("wrong_epoch"));
    let ahead = node0.store_slivers_of_epoch(&blob_id, &BlobPersistence::Permanent, Some(3), body).await;
    assert_eq!(ahead.unwrap_err().api_code(), Some("committee_unknown"));
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gained_shard_whose_holder_is_down_is_recovered_from_symbols() {
    // n = 12, f = 3: node 1 holds [3, 4, 5]. Rebuilding pair 3 without its metadata needs its
    // sibling pair 2 in the pair tree, which node 0 holds.
    let mut net = TestNetwork::start(&[3, 3, 3, 3]).await;
    let config = net.encoding_config();
    let data = blob_data(6_000, 11);
    let encoded = encode(&config, &data, 1).unwrap();
    let blob_id = store(&net, &encoded, data.len(), 1).await;

    // Node 1, the holder of shard 3, is down across the epoch change; shard 9 comes from node 3.
    net.stop(1).await;
    let next = committee_with(&net, vec![vec![0, 1, 2, 3, 9], vec![4, 5], vec![6, 7, 8], vec![10, 11]]);
    net.chain.advance_epoch(Some(next)).unwrap();
    net.wait_until("the epoch change of epoch 2 is done", || !net.chain.is_syncing()).await;

    let client = net.client(0);
    let primary = client.sliver(&blob_id, &config, 3, SliverKind::Primary).await.unwrap();
    assert_eq!(primary.sliver, *encoded.primary_sliver(3));
    assert_eq!(primary.pair, encoded.pair_metadata(3), "the rebuilt pair metadata is the committed one");
    let secondary = client.sliver(&blob_id, &config, 3, SliverKind::Secondary).await.unwrap();
    assert_eq!(secondary.sliver, *encoded.secondary_sliver(config.secondary_index_of_pair(3)));
    let metrics = client.metrics().await.unwrap();
    assert_eq!(metric(&metrics, "walrus_node_handover_pairs_fetched_total"), 1, "shard 9 from node 3");
    assert_eq!(metric(&metrics, "walrus_node_handover_pairs_recovered_total"), 1, "shard 3 from symbols");
    assert_eq!(record(&net, 0).unwrap().rounds, 0, "synced in the first round");
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_restarted_mid_handover_resumes_without_fetching_again() {
    let mut net = TestNetwork::start(&GENESIS).await;
    let config = net.encoding_config();
    let blobs: Vec<Vec<u8>> = (0..2).map(|seed| blob_data(4_000, 20 + seed)).collect();
    let encoded: Vec<EncodedBlob<'_>> = blobs.iter().map(|data| encode(&config, data, 1).unwrap()).collect();
    let mut ids = Vec::new();
    for (i, e) in encoded.iter().enumerate() {
        ids.push(store(&net, e, blobs[i].len(), i as u8 + 1).await);
    }

    // Nodes 1 and 2 are down: shard 2's holder cannot give it, and the remaining pairs (0, 1,
    // 6, 7) are too few to recover a primary sliver (it takes n - f = 6). Shard 6 comes from
    // node 3.
    net.stop(1).await;
    net.stop(2).await;
    let next = committee_with(&net, moved_shards());
    net.chain.advance_epoch(Some(next)).unwrap();
    net.wait_until("node 0 synced shard 6 but not shard 2", || {
        record(&net, 0).is_some_and(|r| r.epoch == 2 && r.synced == vec![6] && r.rounds >= 1)
    })
    .await;
    assert!(net.chain.is_syncing(), "node 0 has not signalled");
    assert!(!net.chain.synced_nodes().contains(&net.committee.members[0].node_id));

    // Restart node 0 mid-handover; bring the holders back.
    net.stop(0).await;
    net.start_again(0).await;
    let resumed = record(&net, 0).unwrap();
    assert_eq!((resumed.gained.clone(), resumed.synced.clone()), (vec![2, 6], vec![6]), "progress survived");
    net.start_again(1).await;
    net.start_again(2).await;
    net.wait_until("the epoch change of epoch 2 is done", || !net.chain.is_syncing()).await;

    let client = net.client(0);
    for (e, blob_id) in encoded.iter().zip(&ids) {
        let primary = client.sliver(blob_id, &config, 2, SliverKind::Primary).await.unwrap();
        assert_eq!(primary.sliver, *e.primary_sliver(2));
        assert_eq!(client.status(blob_id).await.unwrap().stored_pairs, vec![0, 1, 2, 6]);
    }
    // After the restart only shard 2's pairs were fetched: shard 6's were not fetched again.
    let metrics = client.metrics().await.unwrap();
    assert_eq!(metric(&metrics, "walrus_node_handover_pairs_fetched_total"), 2);
    assert!(record(&net, 0).unwrap().sync_signalled);
    net.wait_until("node 3 drops shard 6", || !has_shard(&net, 3, 6)).await;
    net.shutdown().await;
}
