//! Uploads, confirmations, reads and refusals over real HTTP on 127.0.0.1, with several nodes
//! over the in-memory chain.

mod common;

use common::{TestNetwork, blob_data, object_id};
use walrus_core::{
    BlobId, SliverKind, VerifiedRoots, encode,
    messages::{BlobPersistence, StorageConfirmation},
};
use walrus_node::{
    ClientError,
    client::verify_signed,
    openapi::ROUTES,
    state::BlobStatusKind,
    wire::{COMMITMENT_BYTES, upload_body, upload_body_for},
};

fn api_code(result: Result<impl std::fmt::Debug, ClientError>) -> String {
    match result {
        Err(ClientError::Api { code, .. }) => code,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn good_uploads_are_confirmed_and_reads_verify() {
    // n = 7 over 4 nodes with 2, 2, 2, 1 shards.
    let net = TestNetwork::start(&[2, 2, 2, 1]).await;
    let config = net.encoding_config();
    let data = blob_data(10_000, 1);
    let encoded = encode(&config, &data, 1).unwrap();
    let blob_id = encoded.blob_id();
    net.chain.register_blob(blob_id, data.len() as u64, 5, false, object_id(1)).unwrap();

    let expected = StorageConfirmation { epoch: 1, blob_id, persistence: BlobPersistence::Permanent }.to_bytes();
    for node in 0..4 {
        let client = net.client(node);
        let signed =
            client.store_slivers(&blob_id, &BlobPersistence::Permanent, net.body_for(&encoded, node)).await.unwrap();
        assert_eq!(signed.epoch, 1);
        assert!(verify_signed(&signed, &net.nodes[node].public_key, &expected), "node {node}'s confirmation");
        // A confirmation does not verify under another node's key.
        assert!(!verify_signed(&signed, &net.nodes[(node + 1) % 4].public_key, &expected));
        let again = client.confirmation(&blob_id, &BlobPersistence::Permanent).await.unwrap();
        assert!(verify_signed(&again, &net.nodes[node].public_key, &expected));
    }

    // Every sliver reads back and verifies against the blob id alone.
    for node in 0..4 {
        let client = net.client(node);
        assert_eq!(client.metadata(&blob_id).await.unwrap(), encoded.metadata().commitment);
        for pair in net.shards(node) {
            let p = usize::from(pair);
            let primary = client.sliver(&blob_id, &config, pair, SliverKind::Primary).await.unwrap();
            assert_eq!(primary.sliver, *encoded.primary_sliver(p));
            let secondary = client.sliver(&blob_id, &config, pair, SliverKind::Secondary).await.unwrap();
            assert_eq!(secondary.sliver, *encoded.secondary_sliver(config.secondary_index_of_pair(p)));
            assert_eq!(secondary.index, config.secondary_index_of_pair(p));
        }
        // Metadata only: the same pairs, verified, without slivers.
        let pairs = client.primary_pair_metadata(&blob_id, &config).await.unwrap();
        let indices: Vec<u16> = pairs.iter().map(|p| p.pair.pair_index).collect();
        assert_eq!(indices, net.shards(node));
        for verified in &pairs {
            assert_eq!(verified.pair, encoded.pair_metadata(usize::from(verified.pair.pair_index)));
        }
        let status = client.status(&blob_id).await.unwrap();
        assert_eq!(status.status, BlobStatusKind::Registered);
        assert_eq!(status.stored_pairs, net.shards(node));
        assert!(status.missing_pairs.is_empty());
    }
    let outside = net.client(3).sliver(&blob_id, &config, 0, SliverKind::Primary).await;
    assert_eq!(api_code(outside), "sliver_not_found");

    // A reader: one primary-sliver request per node gives enough to decode.
    let mut roots = VerifiedRoots::new(config, encoded.metadata().commitment);
    let mut checked: Option<walrus_core::CheckedSlivers<Vec<u8>>> = None;
    for node in 0..4 {
        let answer = net.client(node).primary_slivers(&blob_id, &config).await.unwrap();
        for verified in &answer.pairs {
            roots.insert(&verified.pair).unwrap();
        }
        match &mut checked {
            Some(all) => all.merge(answer.slivers).unwrap(),
            None => checked = Some(answer.slivers),
        }
    }
    let checked = checked.unwrap();
    assert_eq!((checked.len(), checked.rejected()), (7, &[][..]));
    assert_eq!(walrus_core::decode_checked(&roots, &checked, 1).unwrap().data, data);

    // Recovery symbols verify against the commitment.
    let symbols = net.client(1).recovery_symbols(&blob_id, &[0, 6], &[1]).await.unwrap();
    assert_eq!(symbols.len(), 2 * 3);
    for symbol in &symbols {
        symbol.verify(encoded.layout(), &encoded.metadata().commitment).unwrap();
    }
    let one = net.client(0).recovery_symbols_of(&blob_id, 1, SliverKind::Secondary, &[3]).await.unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!((one[0].source_index, one[0].target_index), (5, 3));
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_uploads_are_refused_with_a_clear_error_and_store_nothing() {
    let net = TestNetwork::start(&[1, 1, 1, 1]).await;
    let config = net.encoding_config();
    let data = blob_data(3_000, 2);
    let encoded = encode(&config, &data, 1).unwrap();
    let blob_id = encoded.blob_id();
    let client = net.client(1);
    let permanent = BlobPersistence::Permanent;

    // Not registered: refused before the body is read.
    let result = client.store_slivers(&blob_id, &permanent, net.body_for(&encoded, 1)).await;
    assert_eq!(api_code(result), "blob_not_registered");

    net.chain.register_blob(blob_id, data.len() as u64, 5, true, object_id(2)).unwrap();
    // A permanent confirmation for a blob only registered as deletable is refused; so is a
    // deletable one naming another object.
    let result = client.store_slivers(&blob_id, &permanent, net.body_for(&encoded, 1)).await;
    assert_eq!(api_code(result), "blob_not_registered");
    let other_object = BlobPersistence::Deletable { object_id: [9; 32] };
    let result = client.store_slivers(&blob_id, &other_object, net.body_for(&encoded, 1)).await;
    assert_eq!(api_code(result), "blob_not_registered");
    let deletable = BlobPersistence::Deletable { object_id: object_id(2).0 };

    // Another node's pair.
    let result = client.store_slivers(&blob_id, &deletable, upload_body_for(&encoded, [2])).await;
    assert_eq!(api_code(result), "wrong_shard");

    // A corrupt sliver.
    let pair = encoded.pair_metadata(1);
    let (primary, secondary) = encoded.sliver_pair(1);
    let mut corrupt = primary.to_vec();
    corrupt[0] ^= 1;
    let body = upload_body(&encoded.metadata().commitment, [(&pair, corrupt.as_slice(), &*secondary)]);
    assert_eq!(api_code(client.store_slivers(&blob_id, &deletable, body).await), "invalid_sliver");

    // A pair proof that does not lead to the root.
    let mut bad_pair = pair.clone();
    bad_pair.proof.path[0][0] ^= 1;
    let body = upload_body(&encoded.metadata().commitment, [(&bad_pair, &*primary, &*secondary)]);
    assert_eq!(api_code(client.store_slivers(&blob_id, &deletable, body).await), "invalid_pair_metadata");

    // Another blob's body under this blob id (same size, so the frames fit).
    let other = blob_data(3_000, 3);
    let other_encoded = encode(&config, &other, 1).unwrap();
    let result = client.store_slivers(&blob_id, &deletable, upload_body_for(&other_encoded, [1])).await;
    assert_eq!(api_code(result), "invalid_commitment");

    // A truncated body (the pair is missing) and an oversized one.
    let body = net.body_for(&encoded, 1);
    let truncated = body[..4 + 5 + COMMITMENT_BYTES].to_vec();
    assert_eq!(api_code(client.store_slivers(&blob_id, &deletable, truncated).await), "invalid_body");
    let mut oversized = body.clone();
    oversized.extend(std::iter::repeat_n(0u8, 4096));
    assert_eq!(api_code(client.store_slivers(&blob_id, &deletable, oversized).await), "body_too_large");
    let bad_id: BlobId = BlobId([0; 32]);
    assert_eq!(api_code(client.store_slivers(&bad_id, &deletable, body.clone()).await), "blob_not_registered");

    // Nothing was stored by any of these.
    let status = client.status(&blob_id).await.unwrap();
    assert!(status.stored_pairs.is_empty(), "{status:?}");
    assert_eq!(status.missing_pairs, vec![1]);
    assert_eq!(api_code(client.metadata(&blob_id).await), "blob_not_stored");
    assert_eq!(api_code(client.confirmation(&blob_id, &deletable).await), "blob_not_stored");

    // The good body is accepted afterwards.
    let signed = client.store_slivers(&blob_id, &deletable, body).await.unwrap();
    let expected = StorageConfirmation { epoch: 1, blob_id, persistence: deletable }.to_bytes();
    assert_eq!(signed.message.len(), 72);
    assert!(verify_signed(&signed, &net.nodes[1].public_key, &expected));
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_node_keeps_everything_it_confirmed() {
    let mut net = TestNetwork::start(&[2, 1, 1, 1]).await;
    let config = net.encoding_config();
    let data = blob_data(5_000, 4);
    let encoded = encode(&config, &data, 1).unwrap();
    let blob_id = encoded.blob_id();
    net.chain.register_blob(blob_id, data.len() as u64, 4, false, object_id(3)).unwrap();
    for node in 0..4 {
        net.client(node)
            .store_slivers(&blob_id, &BlobPersistence::Permanent, net.body_for(&encoded, node))
            .await
            .unwrap();
    }
    net.chain.certify_blob(object_id(3)).unwrap();
    net.wait_for_status(0, &blob_id, "certified", |s| s.status == BlobStatusKind::Certified).await;
    let cursor_before = net.client(0).health().await.unwrap().event_cursor;
    assert!(cursor_before.is_some());

    net.restart(0, false).await;
    let client = net.client(0);
    let health = client.health().await.unwrap();
    assert_eq!(health.shards, vec![0, 1]);
    assert_eq!(health.event_cursor, cursor_before);
    let status = client.status(&blob_id).await.unwrap();
    assert_eq!(status.status, BlobStatusKind::Certified);
    assert_eq!(status.stored_pairs, vec![0, 1]);
    for pair in [0u16, 1] {
        let sliver = client.sliver(&blob_id, &config, pair, SliverKind::Primary).await.unwrap();
        assert_eq!(sliver.sliver, *encoded.primary_sliver(usize::from(pair)));
    }
    let expected = StorageConfirmation { epoch: 1, blob_id, persistence: BlobPersistence::Permanent }.to_bytes();
    let signed = client.confirmation(&blob_id, &BlobPersistence::Permanent).await.unwrap();
    assert!(verify_signed(&signed, &net.nodes[0].public_key, &expected));
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_route_is_served_and_metrics_count_requests() {
    let net = TestNetwork::start(&[1, 1, 1, 1]).await;
    let base = format!("http://{}", net.nodes[0].address);
    let http = reqwest::Client::new();
    let doc: serde_json::Value = http.get(format!("{base}/v1/api")).send().await.unwrap().json().await.unwrap();
    assert_eq!(doc["openapi"], "3.0.3");
    let blob_id = BlobId([1; 32]).to_string();
    for (method, path) in ROUTES {
        assert!(doc["paths"][path][method].is_object(), "{method} {path} missing from /v1/api");
        let url = format!(
            "{base}{}",
            path.replace("{blob_id}", &blob_id)
                .replace("{pair_index}", "0")
                .replace("{kind}", "primary")
                .replace("{shard}", "0")
        );
        let request = match *method {
            "get" => http.get(&url),
            "put" => http.put(&url),
            "post" => http.post(&url),
            other => panic!("unexpected method {other}"),
        };
        let response = request.send().await.unwrap();
        assert_ne!(response.status(), reqwest::StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            let body: serde_json::Value = response.json().await.unwrap();
            assert_ne!(body["code"], "no_such_route", "{method} {path}");
        }
    }
    let unknown = http.get(format!("{base}/v1/nothing")).send().await.unwrap();
    assert_eq!(unknown.status(), reqwest::StatusCode::NOT_FOUND);
    let bad = net.client(0).status(&BlobId([1; 32])).await.unwrap();
    assert_eq!(bad.status, BlobStatusKind::Nonexistent);
    let invalid = http.get(format!("{base}/v1/blobs/not-a-blob-id/status")).send().await.unwrap();
    assert_eq!(invalid.status(), reqwest::StatusCode::BAD_REQUEST);
    let body: serde_json::Value = invalid.json().await.unwrap();
    assert_eq!(body["code"], "invalid_blob_id");

    let metrics = net.client(0).metrics().await.unwrap();
    assert!(metrics.contains("walrus_node_requests_total{route=\"/v1/api\",status=\"200\"} 2"), "{metrics}");
    assert!(metrics.contains("walrus_node_chain_event_lag_checkpoints 0"), "{metrics}");
    assert!(metrics.contains("walrus_node_bytes_out_total"), "{metrics}");
    net.shutdown().await;
}
