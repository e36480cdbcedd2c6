//! A local network of storage nodes on 127.0.0.1 over the in-memory chain, for the node's
//! integration tests.

#![allow(dead_code)]

use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

use tempfile::TempDir;
use tokio::net::TcpListener;
use walrus_contracts::{ObjectId, bls_aggregate::Committee};
use walrus_core::{BlobCommitment, BlobId, EncodedBlob, EncodingConfig, SliverPairMetadata, encode};
use walrus_node::{
    InMemoryChain, NodeClient, NodeConfig, NodeHandle, NodeLimits, StorageNode,
    config::{generate_account_key, generate_protocol_key},
    wire::{BlobStatusResponse, upload_body_for},
};

/// Everything a test waits for is bounded by this.
pub const WAIT_LIMIT: Duration = Duration::from_secs(60);

/// Limits that keep tests fast: quick healing, a short wait for registrations.
pub fn test_limits() -> NodeLimits {
    NodeLimits {
        max_concurrent_requests: 64,
        request_timeout_ms: 30_000,
        max_concurrent_recoveries: 4,
        healing_interval_ms: 200,
        registration_wait_ms: 1_000,
    }
}

pub struct TestNode {
    pub config: NodeConfig,
    pub address: SocketAddr,
    pub public_key: [u8; 48],
    pub handle: Option<NodeHandle>,
    _dir: TempDir,
}

pub struct TestNetwork {
    pub chain: InMemoryChain,
    pub committee: Committee,
    pub nodes: Vec<TestNode>,
}

/// Deterministic pseudo-random bytes.
pub fn blob_data(size: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..size)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

pub fn object_id(n: u8) -> ObjectId {
    ObjectId([n; 32])
}

impl TestNetwork {
    /// Starts one node per entry of `shard_counts` (its number of shards).
    pub async fn start(shard_counts: &[u16]) -> Self {
        let mut prepared = Vec::new();
        for (i, _) in shard_counts.iter().enumerate() {
            let dir = tempfile::tempdir().unwrap();
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let address = listener.local_addr().unwrap();
            let config = NodeConfig {
                node_id: ObjectId([0xa0 + i as u8; 32]),
                data_dir: dir.path().join("db"),
                api_listen_address: address,
                protocol_key_path: dir.path().join("protocol.key"),
                account_key_path: dir.path().join("account.key"),
                chain_rpc_url: "http://127.0.0.1:1".into(),
                deployment: None,
                limits: test_limits(),
            };
            let key = generate_protocol_key(&config.protocol_key_path).unwrap();
            generate_account_key(&config.account_key_path).unwrap();
            prepared.push((dir, listener, config, key.public_key()));
        }
        let committee = Committee::new(
            prepared.iter().map(|(_, _, c, _)| c.node_id).collect(),
            prepared.iter().map(|(_, _, _, pk)| pk.to_vec()).collect(),
            prepared.iter().map(|(_, l, _, _)| l.local_addr().unwrap().to_string()).collect(),
            shard_counts.to_vec(),
        )
        .unwrap();
        let chain = InMemoryChain::new(committee.clone(), 1);
        let mut nodes = Vec::new();
        for (dir, listener, config, public_key) in prepared {
            let address = listener.local_addr().unwrap();
            let handle =
                StorageNode::start_with_listener(config.clone(), Arc::new(chain.clone()), listener).await.unwrap();
            nodes.push(TestNode { config, address, public_key, handle: Some(handle), _dir: dir });
        }
        Self { chain, committee, nodes }
    }

    pub fn encoding_config(&self) -> EncodingConfig {
        EncodingConfig::new(self.committee.n_shards).unwrap()
    }

    pub fn client(&self, node: usize) -> NodeClient {
        NodeClient::new(&self.nodes[node].address.to_string()).unwrap()
    }

    pub fn shards(&self, node: usize) -> Vec<u16> {
        self.committee.members[node].shard_ids.clone()
    }

    /// Stops node `node`; with `wipe`, deletes its data directory; starts it again on the same
    /// address.
    pub async fn restart(&mut self, node: usize, wipe: bool) {
        let test_node = &mut self.nodes[node];
        test_node.handle.take().unwrap().shutdown().await;
        if wipe {
            std::fs::remove_dir_all(&test_node.config.data_dir).unwrap();
        }
        let listener = TcpListener::bind(test_node.address).await.unwrap();
        let handle = StorageNode::start_with_listener(test_node.config.clone(), Arc::new(self.chain.clone()), listener)
            .await
            .unwrap();
        test_node.handle = Some(handle);
    }

    /// Stops node `node` (it keeps its data directory and address).
    pub async fn stop(&mut self, node: usize) {
        self.nodes[node].handle.take().expect("the node runs").shutdown().await;
    }

    /// Starts the stopped node `node` again on its address.
    pub async fn start_again(&mut self, node: usize) {
        let test_node = &mut self.nodes[node];
        assert!(test_node.handle.is_none(), "node {node} runs already");
        let listener = TcpListener::bind(test_node.address).await.unwrap();
        let handle = StorageNode::start_with_listener(test_node.config.clone(), Arc::new(self.chain.clone()), listener)
            .await
            .unwrap();
        test_node.handle = Some(handle);
    }

    /// Polls `done` until it holds (bounded by [`WAIT_LIMIT`]).
    pub async fn wait_until(&self, what: &str, mut done: impl FnMut() -> bool) {
        let deadline = tokio::time::Instant::now() + WAIT_LIMIT;
        while !done() {
            assert!(tokio::time::Instant::now() < deadline, "never happened: {what}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn data_dir(&self, node: usize) -> PathBuf {
        self.nodes[node].config.data_dir.clone()
    }

    /// The upload body of node `node` for an encoded blob.
    pub fn body_for(&self, encoded: &EncodedBlob<'_>, node: usize) -> Vec<u8> {
        upload_body_for(encoded, self.shards(node))
    }

    /// Polls `status` of `blob_id` on `node` until `done` holds (bounded by [`WAIT_LIMIT`]).
    pub async fn wait_for_status(
        &self,
        node: usize,
        blob_id: &BlobId,
        what: &str,
        done: impl Fn(&BlobStatusResponse) -> bool,
    ) -> BlobStatusResponse {
        let client = self.client(node);
        let deadline = tokio::time::Instant::now() + WAIT_LIMIT;
        loop {
            if let Ok(status) = client.status(blob_id).await
                && done(&status)
            {
                return status;
            }
            assert!(tokio::time::Instant::now() < deadline, "node {node} never reached: {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn shutdown(mut self) {
        for node in &mut self.nodes {
            if let Some(handle) = node.handle.take() {
                handle.shutdown().await;
            }
        }
    }
}

/// Pair metadata of a (possibly forged) full metadata.
pub fn pair_metadata(metadata: &walrus_core::BlobMetadata, pair: usize) -> SliverPairMetadata {
    SliverPairMetadata {
        pair_index: pair as u16,
        roots: metadata.pairs[pair],
        proof: metadata.pair_tree().proof(pair).unwrap(),
    }
}

pub fn encode_blob(config: &EncodingConfig, data: &[u8]) -> (BlobId, BlobCommitment) {
    let encoded = encode(config, data, 1).unwrap();
    (encoded.blob_id(), encoded.metadata().commitment)
}
