//! Storage challenges between seven nodes on 127.0.0.1 over the in-memory chain (n = 7, f = 2):
//! every node answers its samples and attests the others; a node that lost a shard rebuilds it
//! and passes; a node whose stored slivers were corrupted fails and nobody attests it.

mod common;

use common::{TestNetwork, blob_data, object_id};
use walrus_contracts::ObjectId;
use walrus_core::{BlobId, encode, messages::BlobPersistence};
use walrus_node::{
    ChainSource,
    chain::EpochCall,
    challenge::{AnswerError, EpochChallenge, check_answer},
    state::BlobStatusKind,
};

const NODES: usize = 7;
const CORRUPTED: usize = 6;
const WIPED: usize = 5;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn honest_nodes_attest_each_other_and_not_a_node_serving_corrupted_symbols() {
    let net = TestNetwork::start(&[1; NODES]).await;
    let config = net.encoding_config();
    let mut blobs = Vec::new();
    for (i, size) in [3_000usize, 9_000].into_iter().enumerate() {
        let data = blob_data(size, i as u64 + 1);
        let encoded = encode(&config, &data, 1).unwrap();
        let blob_id = encoded.blob_id();
        let object = object_id(i as u8 + 1);
        net.chain.register_blob(blob_id, size as u64, 10, false, object).unwrap();
        for node in 0..NODES {
            net.client(node)
                .store_slivers(&blob_id, &BlobPersistence::Permanent, net.body_for(&encoded, node))
                .await
                .unwrap();
        }
        net.chain.certify_blob(object).unwrap();
        for node in 0..NODES {
            net.wait_for_status(node, &blob_id, "certified", |s| s.status == BlobStatusKind::Certified).await;
        }
        blobs.push(blob_id);
    }
    // Blobs certified in epoch 1 are challenged in epoch 2, once its committee synced.
    net.chain.advance_epoch(None).unwrap();
    net.wait_until("the committee of epoch 2 synced", || !net.chain.is_syncing()).await;

    // The corrupted node's slivers are flipped byte by byte; the wiped node loses its shard.
    let storage = net.nodes[CORRUPTED].handle.as_ref().unwrap().storage();
    for blob_id in &blobs {
        let commitment = storage.commitment(blob_id).unwrap().unwrap();
        let shard = net.shards(CORRUPTED)[0];
        let mut pair = storage.pair(blob_id, shard).unwrap().unwrap();
        pair.primary.iter_mut().for_each(|b| *b ^= 0xff);
        pair.secondary.iter_mut().for_each(|b| *b ^= 0xff);
        assert!(storage.store_pairs(blob_id, &commitment, &[pair], |_| true).unwrap());
    }
    drop(storage);
    let wiped = net.nodes[WIPED].handle.as_ref().unwrap().storage();
    wiped.drop_shard(net.shards(WIPED)[0]).unwrap();
    assert!(!wiped.has_pair(&blobs[0], net.shards(WIPED)[0]).unwrap());
    drop(wiped);

    assert_eq!(net.chain.set_challenge_seed().await.unwrap(), EpochCall::Executed);
    assert!(matches!(net.chain.set_challenge_seed().await.unwrap(), EpochCall::NotDue { .. }));
    net.wait_until("every node attested", || net.chain.attestations().len() == NODES).await;

    let ids: Vec<ObjectId> = net.committee.members.iter().map(|m| m.node_id).collect();
    for attestation in net.chain.attestations() {
        assert_eq!(attestation.epoch, 2);
        let attester = ids.iter().position(|id| *id == attestation.attester).unwrap();
        let mut expected: Vec<ObjectId> =
            (0..NODES).filter(|&i| i != attester && i != CORRUPTED).map(|i| ids[i]).collect();
        expected.sort();
        let mut got = attestation.node_ids.clone();
        got.sort();
        assert_eq!(got, expected, "attestation of node {attester}");
    }

    // The answers as any node sees them: the wiped node rebuilt its pair and proves it; the
    // corrupted node's first sample does not verify.
    let challenge: std::sync::Arc<EpochChallenge> =
        net.nodes[0].handle.as_ref().unwrap().storage_challenge().expect("node 0 fixed the challenge");
    assert_eq!(challenge.epoch, 2);
    assert_eq!(challenge.blobs.keys().copied().collect::<Vec<BlobId>>(), sorted(&blobs));
    for node in [WIPED, CORRUPTED] {
        let samples = challenge.samples_of(node);
        assert_eq!(samples.len(), 8);
        let answer = net.client(node).challenge_answer(2, 1 << 20).await.unwrap();
        let checked = check_answer(&answer, 2, &ids[node], &samples, &config);
        if node == WIPED {
            assert_eq!(checked, Ok(8));
        } else {
            assert!(matches!(checked, Err((0, AnswerError::Invalid { .. }))), "{checked:?}");
        }
    }
    // An epoch without a challenge.
    let missing = net.client(0).challenge_answer(7, 1 << 20).await.unwrap_err();
    assert_eq!(missing.api_code(), Some("no_challenge"));
    let metrics = net.client(0).metrics().await.unwrap();
    assert!(metrics.contains("walrus_node_challenge_attestations_sent_total 1\n"), "{metrics}");
    assert!(metrics.contains("walrus_node_challenge_proofs_failed_total 1\n"), "{metrics}");
    assert!(metrics.contains("walrus_node_challenge_proofs_verified_total 40\n"), "{metrics}");
    net.shutdown().await;
}

fn sorted(blobs: &[BlobId]) -> Vec<BlobId> {
    let mut blobs = blobs.to_vec();
    blobs.sort();
    blobs
}
