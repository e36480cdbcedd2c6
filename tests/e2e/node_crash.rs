//! Storage nodes as real processes (`walrus node run`) against a local chain served over gRPC:
//! a node killed with SIGKILL in the middle of uploads keeps, after a restart, every sliver it
//! had confirmed.

use std::{net::SocketAddr, path::Path, process::Stdio, sync::Arc, time::Duration};

use tokio::{process::Child, task::JoinSet};
use walrus_chain::{Faucet, FaucetConfig, GenesisConfig, GenesisMember, LocalChain};
use walrus_contracts::ObjectId;
use walrus_core::{BlobId, EncodingConfig, encode, messages::BlobPersistence};
use walrus_e2e::{STEP_TIMEOUT, blob_bytes};
use walrus_node::{
    NodeClient, NodeConfig, NodeLimits,
    config::{generate_account_key, generate_protocol_key},
    wire::upload_body_for,
};
use walrus_sui::{
    AccountKey, Deployment,
    client::{ClientOptions, WalrusChainClient},
};

/// Nodes in the network, one shard each (n = 4, f = 1).
const N_NODES: usize = 4;
/// Blobs uploaded while the node is killed.
const N_BLOBS: usize = 12;
/// Size of each blob.
const BLOB_BYTES: usize = 2 << 20;

/// A storage node process and how to restart it.
struct NodeProcess {
    config_path: std::path::PathBuf,
    address: SocketAddr,
    child: Child,
}

impl NodeProcess {
    async fn spawn(config_path: &Path, address: SocketAddr) -> Self {
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_walrus"))
            .args(["node", "run", "--config"])
            .arg(config_path)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("walrus node run starts");
        let node = Self { config_path: config_path.to_path_buf(), address, child };
        node.wait_healthy().await;
        node
    }

    async fn wait_healthy(&self) {
        let client = NodeClient::new(&self.address.to_string()).unwrap();
        let deadline = tokio::time::Instant::now() + STEP_TIMEOUT;
        while client.health().await.is_err() {
            assert!(tokio::time::Instant::now() < deadline, "node {} became healthy in time", self.address);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL: no shutdown code runs.
    async fn kill(&mut self) {
        self.child.start_kill().expect("the node process can be killed");
        self.child.wait().await.expect("the killed node is reaped");
    }
}

/// The chain (in this process, served over gRPC) and node processes.
struct ProcessNetwork {
    _chain: Arc<LocalChain>,
    rpc: walrus_chain::RpcHandle,
    deployment: Deployment,
    user: AccountKey,
    nodes: Vec<NodeProcess>,
}

async fn free_address() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

async fn start(dir: &Path) -> ProcessNetwork {
    let admin = AccountKey::generate();
    let user = AccountKey::generate();
    let mut members = Vec::new();
    let mut prepared = Vec::new();
    for index in 0..N_NODES {
        let node_dir = dir.join(format!("node-{index}"));
        std::fs::create_dir_all(&node_dir).unwrap();
        let protocol_key = generate_protocol_key(node_dir.join("protocol.key")).unwrap();
        generate_account_key(node_dir.join("account.key")).unwrap();
        let address = free_address().await;
        let node_id = ObjectId([0x10 + index as u8; 32]);
        members.push(GenesisMember {
            node_id,
            public_key: protocol_key.public_key().to_vec(),
            network_address: address.to_string(),
            shards: 1,
            stake_frost: walrus_chain::genesis::DEFAULT_GENESIS_STAKE_FROST,
            operator: None,
        });
        prepared.push((node_dir, node_id, address));
    }
    let genesis = GenesisConfig {
        admin: admin.address(),
        funded_accounts: vec![user.address()],
        sui_per_account: 1_000_000_000_000,
        n_shards: N_NODES as u16,
        committee: members,
        storage_price_per_unit_size: 1,
        write_price_per_unit_size: 1,
        total_capacity_size: 1 << 40,
        max_epochs_ahead: 10,
        epoch_duration_ms: walrus_chain::genesis::DEFAULT_EPOCH_DURATION_MS,
        governance: Default::default(),
    };
    let chain = Arc::new(LocalChain::open(&dir.join("chain"), &genesis).unwrap());
    let faucet = Faucet::new(chain.clone(), admin.private_key().clone(), FaucetConfig::default());
    let recipient = user.address();
    tokio::task::spawn_blocking(move || faucet.send_wal(recipient, FaucetConfig::default().max_wal_per_request))
        .await
        .unwrap()
        .unwrap();
    let rpc = walrus_chain::serve(chain.clone(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let deployment = walrus_local::deployment_of(&chain);
    let mut nodes = Vec::new();
    for (node_dir, node_id, address) in prepared {
        let config = NodeConfig {
            node_id,
            data_dir: node_dir.join("db"),
            api_listen_address: address,
            protocol_key_path: node_dir.join("protocol.key"),
            account_key_path: node_dir.join("account.key"),
            chain_rpc_url: format!("http://{}", rpc.local_addr()),
            deployment: Some(deployment.into()),
            limits: NodeLimits::default(),
        };
        let config_path = node_dir.join("node.yaml");
        config.save(&config_path).unwrap();
        nodes.push(NodeProcess::spawn(&config_path, address).await);
    }
    ProcessNetwork { _chain: chain, rpc, deployment, user, nodes }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_killed_during_uploads_keeps_everything_it_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let mut network = start(dir.path()).await;
    let rpc_url = format!("http://{}", network.rpc.local_addr());
    let chain =
        WalrusChainClient::new(&rpc_url, network.user.clone(), network.deployment, ClientOptions::default()).unwrap();
    let config = EncodingConfig::new(N_NODES as u16).unwrap();

    // Register every blob first, so the uploads below race only with the kill.
    let mut uploads = Vec::new();
    for seed in 0..N_BLOBS {
        let data = blob_bytes(BLOB_BYTES, seed as u64 + 100);
        let encoded = encode(&config, &data, 1).unwrap();
        let commitment = encoded.metadata().commitment;
        chain.reserve_and_register(&commitment, 2, false).await.unwrap();
        // Node 0 holds shard 0, which is sliver pair 0.
        uploads.push((commitment.blob_id(), upload_body_for(&encoded, [0u16])));
    }

    // Upload to node 0 two at a time; kill it with SIGKILL as soon as the first confirmation
    // arrives, while other uploads are in flight.
    let node0 = NodeClient::new(&network.nodes[0].address.to_string()).unwrap();
    let permits = Arc::new(tokio::sync::Semaphore::new(2));
    let mut tasks = JoinSet::new();
    for (blob_id, body) in uploads {
        let (node0, permits) = (node0.clone(), permits.clone());
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            (blob_id, node0.store_slivers(&blob_id, &BlobPersistence::Permanent, body).await)
        });
    }
    let mut confirmed: Vec<BlobId> = Vec::new();
    let mut refused = 0;
    let mut killed = false;
    while let Some(joined) = tokio::time::timeout(STEP_TIMEOUT, tasks.join_next()).await.expect("uploads end in time") {
        let (blob_id, result) = joined.unwrap();
        match result {
            Ok(_) => confirmed.push(blob_id),
            Err(_) => refused += 1,
        }
        if !killed && !confirmed.is_empty() {
            network.nodes[0].kill().await;
            killed = true;
        }
    }
    assert!(killed && !confirmed.is_empty(), "at least one upload was confirmed before the kill");
    assert!(refused > 0, "uploads after the kill fail ({} confirmed)", confirmed.len());

    // Restarted, the node serves every sliver it confirmed, verified against the blob id.
    let restarted = NodeProcess::spawn(&network.nodes[0].config_path, network.nodes[0].address).await;
    network.nodes[0] = restarted;
    for blob_id in &confirmed {
        let slivers = tokio::time::timeout(STEP_TIMEOUT, node0.primary_slivers(blob_id, &config))
            .await
            .expect("read in time")
            .unwrap_or_else(|e| panic!("confirmed blob {blob_id} lost after SIGKILL: {e}"));
        assert_eq!(slivers.pairs.len(), 1, "node 0 holds its one primary sliver of {blob_id}");
        assert_eq!(slivers.pairs[0].pair.pair_index, 0);
        assert_eq!(slivers.slivers.len(), 1, "and it matches its root");
    }
    for node in &mut network.nodes {
        node.kill().await;
    }
}
