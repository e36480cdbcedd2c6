//! Self-healing, invalidation of inconsistent blobs, and removal of deleted and expired blobs,
//! over real HTTP on 127.0.0.1 with several nodes and the in-memory chain.

mod common;

use common::{TestNetwork, blob_data, object_id, pair_metadata};
use walrus_core::{
    BlobCommitment, SliverKind, encode,
    messages::{BlobPersistence, InvalidBlobMessage},
    sliver::sliver_roots,
};
use walrus_node::{state::BlobStatusKind, wire::upload_body};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wiped_node_rebuilds_every_sliver_it_should_hold() {
    let mut net = TestNetwork::start(&[2, 2, 2, 1]).await;
    let config = net.encoding_config();
    let data = blob_data(20_000, 5);
    let encoded = encode(&config, &data, 1).unwrap();
    let blob_id = encoded.blob_id();
    net.chain.register_blob(blob_id, data.len() as u64, 5, false, object_id(1)).unwrap();
    for node in 0..4 {
        net.client(node)
            .store_slivers(&blob_id, &BlobPersistence::Permanent, net.body_for(&encoded, node))
            .await
            .unwrap();
    }
    net.chain.certify_blob(object_id(1)).unwrap();
    net.wait_for_status(1, &blob_id, "certified", |s| s.status == BlobStatusKind::Certified).await;

    // Node 1 (pairs 2 and 3, siblings in the pair tree) loses its whole data directory.
    net.restart(1, true).await;
    let status = net
        .wait_for_status(1, &blob_id, "pairs 2 and 3 rebuilt", |s| {
            s.status == BlobStatusKind::Certified && s.stored_pairs == vec![2, 3]
        })
        .await;
    assert!(status.missing_pairs.is_empty());
    let client = net.client(1);
    for pair in [2u16, 3] {
        let p = usize::from(pair);
        let primary = client.sliver(&blob_id, &config, pair, SliverKind::Primary).await.unwrap();
        assert_eq!(primary.sliver, *encoded.primary_sliver(p));
        assert_eq!(primary.pair, encoded.pair_metadata(p), "the rebuilt pair metadata is the committed one");
        let secondary = client.sliver(&blob_id, &config, pair, SliverKind::Secondary).await.unwrap();
        assert_eq!(secondary.sliver, *encoded.secondary_sliver(config.secondary_index_of_pair(p)));
    }
    let metrics = client.metrics().await.unwrap();
    assert!(metrics.contains("walrus_node_recoveries_done_total 2\n"), "{metrics}");
    // The rebuilt node serves confirmations again.
    client.confirmation(&blob_id, &BlobPersistence::Permanent).await.unwrap();
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_that_missed_the_upload_heals_after_certification() {
    let net = TestNetwork::start(&[1, 1, 1, 1]).await;
    let config = net.encoding_config();
    let data = blob_data(4_321, 6);
    let encoded = encode(&config, &data, 1).unwrap();
    let blob_id = encoded.blob_id();
    net.chain.register_blob(blob_id, data.len() as u64, 5, false, object_id(1)).unwrap();
    for node in 0..3 {
        net.client(node)
            .store_slivers(&blob_id, &BlobPersistence::Permanent, net.body_for(&encoded, node))
            .await
            .unwrap();
    }
    // Registered but not certified: nothing to heal yet.
    let status = net.wait_for_status(3, &blob_id, "registered", |s| s.status == BlobStatusKind::Registered).await;
    assert_eq!(status.missing_pairs, vec![3]);
    net.chain.certify_blob(object_id(1)).unwrap();
    net.wait_for_status(3, &blob_id, "pair 3 rebuilt", |s| s.stored_pairs == vec![3]).await;
    let sliver = net.client(3).sliver(&blob_id, &config, 3, SliverKind::Secondary).await.unwrap();
    assert_eq!(sliver.sliver, *encoded.secondary_sliver(0));
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inconsistently_encoded_blob_is_invalidated_with_a_valid_certificate() {
    let net = TestNetwork::start(&[1, 1, 1, 1]).await;
    let config = net.encoding_config();
    let data = blob_data(2_000, 7);
    let encoded = encode(&config, &data, 1).unwrap();
    // A malicious writer replaces secondary sliver 2 (pair 1) with garbage and commits to it,
    // as core's tests/inconsistency.rs does for a primary sliver.
    let forged_pair = 1;
    let forged_index = config.secondary_index_of_pair(forged_pair);
    let mut forged = encoded.secondary_sliver(forged_index).to_vec();
    for (i, b) in forged.iter_mut().enumerate() {
        *b ^= (i as u8).wrapping_mul(13) | 1;
    }
    let mut metadata = encoded.metadata().clone();
    metadata.pairs[forged_pair].secondary =
        sliver_roots(encoded.layout(), SliverKind::Secondary, &[&forged], 1).unwrap()[0];
    metadata.commitment = BlobCommitment { root: metadata.pair_tree().root(), ..metadata.commitment };
    let commitment = metadata.commitment;
    let blob_id = commitment.blob_id();
    net.chain.register_blob(blob_id, data.len() as u64, 5, false, object_id(7)).unwrap();

    // Every upload verifies (the forged sliver matches its forged root); node 3 gets none.
    for node in 0..3 {
        let pair = pair_metadata(&metadata, node);
        let primary = encoded.primary_sliver(node);
        let secondary = if node == forged_pair {
            std::borrow::Cow::Borrowed(forged.as_slice())
        } else {
            encoded.secondary_sliver(config.secondary_index_of_pair(node))
        };
        let body = upload_body(&commitment, [(&pair, &*primary, &*secondary)]);
        net.client(node).store_slivers(&blob_id, &BlobPersistence::Permanent, body).await.unwrap();
    }
    net.chain.certify_blob(object_id(7)).unwrap();

    // Node 3 heals, finds the inconsistency, collects attestations and invalidates the blob.
    let deadline = tokio::time::Instant::now() + common::WAIT_LIMIT;
    while !net.chain.is_invalid(&blob_id) {
        assert!(tokio::time::Instant::now() < deadline, "the blob was never invalidated");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let invalidations = net.chain.invalidations();
    let first = &invalidations[0];
    assert_eq!(first.message, InvalidBlobMessage { epoch: 1, blob_id }.to_bytes());
    // The chain verified it as Move would; check the certificate once more independently.
    assert!(3 * first.signer_shards > 4, "validity needs more than a third of the shards");
    net.committee.verify_validity(&first.signature, &first.signers_bitmap, &first.message).unwrap();
    assert_eq!(first.signers_bitmap[0] & 0b1000, 0b1000, "node 3 signed its own attestation");

    // Every node drops the invalid blob's data and refuses it from now on.
    for node in 0..4 {
        let status =
            net.wait_for_status(node, &blob_id, "invalid and empty", |s| s.status == BlobStatusKind::Invalid).await;
        assert!(status.stored_pairs.is_empty(), "node {node}: {status:?}");
    }
    let body = upload_body(
        &commitment,
        [(&pair_metadata(&metadata, 0), &*encoded.primary_sliver(0), &*encoded.secondary_sliver(3))],
    );
    let refused = net.client(0).store_slivers(&blob_id, &BlobPersistence::Permanent, body).await.unwrap_err();
    assert_eq!(refused.api_code(), Some("blob_invalid"));
    // The proof is kept and verifies.
    let kept = net.client(3).inconsistency_proof(&blob_id).await.unwrap().expect("node 3 keeps its proof");
    kept.proof.verify(&config, &kept.commitment).unwrap();
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleted_and_expired_blobs_lose_their_data() {
    let net = TestNetwork::start(&[1, 1, 1, 1]).await;
    let config = net.encoding_config();
    let deletable_data = blob_data(1_500, 8);
    let deletable = encode(&config, &deletable_data, 1).unwrap();
    let short_data = blob_data(1_700, 9);
    let short = encode(&config, &short_data, 1).unwrap();
    let (deletable_id, short_id) = (deletable.blob_id(), short.blob_id());
    net.chain.register_blob(deletable_id, deletable_data.len() as u64, 9, true, object_id(1)).unwrap();
    net.chain.register_blob(short_id, short_data.len() as u64, 2, false, object_id(2)).unwrap();
    let as_deletable = BlobPersistence::Deletable { object_id: object_id(1).0 };
    for node in 0..4 {
        let client = net.client(node);
        client.store_slivers(&deletable_id, &as_deletable, net.body_for(&deletable, node)).await.unwrap();
        client.store_slivers(&short_id, &BlobPersistence::Permanent, net.body_for(&short, node)).await.unwrap();
    }
    net.chain.certify_blob(object_id(1)).unwrap();
    net.chain.certify_blob(object_id(2)).unwrap();

    net.chain.delete_blob(object_id(1)).unwrap();
    for node in 0..4 {
        net.wait_for_status(node, &deletable_id, "deleted", |s| {
            s.status == BlobStatusKind::Nonexistent && s.stored_pairs.is_empty()
        })
        .await;
        let storage = net.nodes[node].handle.as_ref().unwrap().storage();
        assert_eq!(storage.commitment(&deletable_id).unwrap(), None);
        // The other blob is untouched.
        assert!(storage.has_pair(&short_id, node as u16).unwrap());
    }

    // Epoch 2 begins: the blob stored until epoch 2 expires and is collected.
    net.chain.advance_epoch(None).unwrap();
    for node in 0..4 {
        net.wait_for_status(node, &short_id, "expired", |s| s.epoch == 2 && s.stored_pairs.is_empty()).await;
        let storage = net.nodes[node].handle.as_ref().unwrap().storage();
        assert_eq!(storage.blob_state(&short_id).unwrap(), None);
        assert_eq!(storage.commitment(&short_id).unwrap(), None);
    }
    let gone = net.client(0).sliver(&short_id, &config, 0, SliverKind::Primary).await.unwrap_err();
    assert_eq!(gone.api_code(), Some("blob_not_found"));
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_shard_is_rebuilt_with_the_metadata_the_node_kept() {
    let net = TestNetwork::start(&[1, 1, 1, 1]).await;
    let config = net.encoding_config();
    let data = blob_data(3_333, 10);
    let encoded = encode(&config, &data, 1).unwrap();
    let blob_id = encoded.blob_id();
    net.chain.register_blob(blob_id, data.len() as u64, 5, false, object_id(1)).unwrap();
    for node in 0..4 {
        net.client(node)
            .store_slivers(&blob_id, &BlobPersistence::Permanent, net.body_for(&encoded, node))
            .await
            .unwrap();
    }
    net.chain.certify_blob(object_id(1)).unwrap();
    net.wait_for_status(2, &blob_id, "certified", |s| s.status == BlobStatusKind::Certified).await;

    // Shard 2's slivers are lost; its pair metadata (in the metadata family) is not.
    let handle = net.nodes[2].handle.as_ref().unwrap();
    handle.storage().drop_shard(2).unwrap();
    assert!(handle.storage().pair_metadata(&blob_id, 2).unwrap().is_some());
    handle.heal_now();
    net.wait_for_status(2, &blob_id, "shard 2 rebuilt", |s| s.stored_pairs == vec![2]).await;
    let (primary, secondary) = encoded.sliver_pair(2);
    let client = net.client(2);
    assert_eq!(client.sliver(&blob_id, &config, 2, SliverKind::Primary).await.unwrap().sliver, *primary);
    assert_eq!(client.sliver(&blob_id, &config, 2, SliverKind::Secondary).await.unwrap().sliver, *secondary);
    net.shutdown().await;
}
