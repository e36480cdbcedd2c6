//! Starting, resuming and stopping the local network.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    sync::Arc,
};

use sui_sdk_types::Address;
use tokio::net::TcpListener;
use walrus_chain::{Faucet, FaucetConfig, FaucetHandle, GenesisConfig, GenesisMember, LocalChain, RpcHandle};
use walrus_client::{
    ClientLimits, WalrusClient,
    daemon::{self, DaemonConfig, DaemonHandle},
};
use walrus_contracts::ObjectId;
use walrus_node::{
    NodeConfig, NodeHandle, NodeLimits, StorageNode,
    chain::sui::SuiChainSource,
    config::{generate_account_key, generate_protocol_key, load_account_key},
};
use walrus_sui::{
    AccountKey, ClientConfig, Deployment, Keystore, Profile, SharedObjectRef,
    client::{ClientOptions, WalrusChainClient},
};

use crate::manifest::{LocalOptions, MANIFEST_VERSION, Manifest, ManifestNode, loopback};

/// SUI each genesis account receives, in MIST (1,000 SUI).
pub const GENESIS_SUI_MIST: u64 = 1_000_000_000_000;
/// WAL the user's and the publisher's wallets receive at the first start (1,000,000 WAL).
pub const STARTING_WAL_FROST: u64 = 1_000_000 * 1_000_000_000;
/// Storage price: FROST per MiB of encoded size per epoch (as Walrus mainnet at launch).
pub const STORAGE_PRICE_FROST: u64 = 11_000;
/// Write price: FROST per MiB of encoded size, once.
pub const WRITE_PRICE_FROST: u64 = 20_000;
/// Encoded bytes the network sells per epoch (16 TiB: the local disk is the real limit).
pub const CAPACITY_BYTES: u64 = 16 << 40;
/// Epochs ahead storage can be bought (as Walrus mainnet).
pub const MAX_EPOCHS_AHEAD: u32 = 53;
/// The client config the network writes for its user.
pub const CLIENT_CONFIG_FILE: &str = "client/client_config.toml";

/// Why the local network could not start.
#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    /// Bad options.
    #[error("{0}")]
    Options(String),
    /// A file could not be read or written.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A port is taken.
    #[error("cannot listen on {address}: {source}; another process (an earlier `walrus local`?) uses the port")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The data directory holds something unexpected.
    #[error("{0}")]
    Corrupt(String),
    /// A component failed to start.
    #[error("{component} failed: {message}")]
    Component {
        /// Which part.
        component: &'static str,
        /// Its error.
        message: String,
    },
}

fn component(component: &'static str) -> impl Fn(&dyn std::fmt::Display) -> LocalError {
    move |e| LocalError::Component { component, message: e.to_string() }
}

async fn bind(address: SocketAddr) -> Result<TcpListener, LocalError> {
    TcpListener::bind(address).await.map_err(|source| LocalError::Bind { address, source })
}

fn create_dir(path: &Path) -> Result<(), LocalError> {
    std::fs::create_dir_all(path).map_err(|source| LocalError::Io { action: "create", path: path.into(), source })
}

/// A running local network.
pub struct LocalNetwork {
    data_dir: PathBuf,
    manifest: Manifest,
    deployment: Deployment,
    chain: Arc<LocalChain>,
    rpc: Option<RpcHandle>,
    faucet: Option<FaucetHandle>,
    nodes: Vec<NodeHandle>,
    daemon: Option<DaemonHandle>,
    user_key: AccountKey,
}

impl LocalNetwork {
    /// Starts the network in `options.data_dir`, creating it on first use.
    pub async fn start(options: LocalOptions) -> Result<Self, LocalError> {
        options.check()?;
        let data_dir = options.data_dir.clone();
        create_dir(&data_dir)?;
        let (manifest, listeners) = match Manifest::load(&data_dir)? {
            Some(manifest) => (manifest, Listeners::default()),
            None => create(&options).await?,
        };
        let mut node_listeners = listeners.nodes;
        if node_listeners.is_empty() {
            for node in &manifest.nodes {
                node_listeners.push(bind(node.api_address).await?);
            }
        }
        let rpc_listener = match listeners.rpc {
            Some(listener) => listener,
            None => bind(manifest.rpc_address).await?,
        };
        let faucet_listener = match listeners.faucet {
            Some(listener) => listener,
            None => bind(manifest.faucet_address).await?,
        };
        let daemon_listener = match listeners.daemon {
            Some(listener) => listener,
            None => bind(manifest.daemon_address).await?,
        };
        let daemon_listener_address = manifest.daemon_address;

        let chain = LocalChain::open(&data_dir.join("chain"), &manifest.genesis)
            .map_err(|e| component("the local chain")(&e))?;
        let chain = Arc::new(chain);
        let rpc = walrus_chain::rpc::serve_listener(chain.clone(), rpc_listener)
            .map_err(|e| component("the gRPC server")(&e))?;
        let rpc_url = format!("http://{}", manifest.rpc_address);

        let admin_key = load_key(&data_dir.join("admin.keystore"), manifest.genesis.admin)?;
        // Sends only need modest amounts; the start-up funding asks for more in one request.
        let faucet_config = FaucetConfig { max_wal_per_request: STARTING_WAL_FROST, ..FaucetConfig::default() };
        let faucet = Arc::new(Faucet::new(chain.clone(), admin_key.private_key().clone(), faucet_config));
        let faucet_handle = walrus_chain::faucet::serve_listener(faucet.clone(), faucet_listener)
            .map_err(|e| component("the faucet")(&e))?;

        let mut manifest = manifest;
        if !manifest.funded {
            for recipient in [manifest.user, manifest.publisher] {
                let sender = faucet.clone();
                tokio::task::spawn_blocking(move || sender.send_wal(recipient, STARTING_WAL_FROST))
                    .await
                    .map_err(|e| component("funding the wallets")(&e))?
                    .map_err(|e| component("funding the wallets")(&e))?;
            }
            manifest.funded = true;
            manifest.save(&data_dir)?;
        }

        let deployment = deployment_of(&chain);
        let user_key = load_key(&data_dir.join("client/sui.keystore"), manifest.user)?;
        write_client_config(
            &data_dir,
            &rpc_url,
            &format!("http://{}", manifest.faucet_address),
            manifest.user,
            deployment,
        )?;

        let mut nodes = Vec::with_capacity(manifest.nodes.len());
        for (index, (node, listener)) in manifest.nodes.iter().zip(node_listeners).enumerate() {
            nodes.push(start_node(&data_dir, index, node, &rpc_url, deployment, listener).await?);
        }

        let publisher_key = load_key(&data_dir.join("publisher/sui.keystore"), manifest.publisher)?;
        let publisher_chain = WalrusChainClient::new(&rpc_url, publisher_key, deployment, ClientOptions::default())
            .map_err(|e| component("the publisher's chain client")(&e))?;
        let publisher =
            WalrusClient::new(publisher_chain, ClientLimits::default()).map_err(|e| component("the publisher")(&e))?;
        let daemon_config = DaemonConfig {
            bind_address: daemon_listener_address,
            publisher: true,
            aggregator: true,
            auth_token: None,
            max_body_bytes: daemon::DEFAULT_MAX_BODY_BYTES,
        };
        let daemon = daemon::serve_listener(publisher, daemon_config, daemon_listener)
            .map_err(|e| component("the publisher/aggregator")(&e))?;

        Ok(Self {
            data_dir,
            manifest,
            deployment,
            chain,
            rpc: Some(rpc),
            faucet: Some(faucet_handle),
            nodes,
            daemon: Some(daemon),
            user_key,
        })
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The chain's gRPC URL.
    pub fn rpc_url(&self) -> String {
        format!("http://{}", self.manifest.rpc_address)
    }

    /// The faucet's URL.
    pub fn faucet_url(&self) -> String {
        format!("http://{}", self.manifest.faucet_address)
    }

    /// The publisher/aggregator's URL.
    pub fn daemon_url(&self) -> String {
        format!("http://{}", self.daemon.as_ref().map_or(self.manifest.daemon_address, |d| d.address))
    }

    /// Where the contracts are.
    pub fn deployment(&self) -> Deployment {
        self.deployment
    }

    /// The client config written for the user.
    pub fn client_config_path(&self) -> PathBuf {
        self.data_dir.join(CLIENT_CONFIG_FILE)
    }

    /// The in-process chain (for tests that inspect it).
    pub fn chain(&self) -> &Arc<LocalChain> {
        &self.chain
    }

    /// The running storage nodes.
    pub fn nodes(&self) -> &[NodeHandle] {
        &self.nodes
    }

    /// A blob client paying from the user's wallet.
    pub fn user_client(&self, limits: ClientLimits) -> Result<WalrusClient, LocalError> {
        let chain =
            WalrusChainClient::new(&self.rpc_url(), self.user_key.clone(), self.deployment, ClientOptions::default())
                .map_err(|e| component("the user's chain client")(&e))?;
        WalrusClient::new(chain, limits).map_err(|e| component("the user's client")(&e))
    }

    /// Stops node `index` (it stays down until the network restarts).
    pub async fn stop_node(&mut self, index: usize) -> Option<SocketAddr> {
        if index >= self.nodes.len() {
            return None;
        }
        let node = self.nodes.remove(index);
        let address = node.local_addr();
        node.shutdown().await;
        Some(address)
    }

    /// Restarts storage node `index` of the manifest (stops it, then starts it again from its
    /// data directory on the same address), as after a crash or an upgrade.
    pub async fn restart_node(&mut self, index: usize) -> Result<(), LocalError> {
        let node = self
            .manifest
            .nodes
            .get(index)
            .cloned()
            .ok_or_else(|| LocalError::Options(format!("the network has no storage node {index}")))?;
        let node_id = ObjectId(node.node_id.into_inner());
        let position = self.nodes.iter().position(|handle| handle.node_id() == node_id).ok_or_else(|| {
            LocalError::Options(format!("storage node {index} was stopped; restart the network to start it"))
        })?;
        let old = self.nodes.remove(position);
        old.shutdown().await;
        let listener = bind(node.api_address).await?;
        let handle = start_node(&self.data_dir, index, &node, &self.rpc_url(), self.deployment, listener).await?;
        self.nodes.insert(position, handle);
        Ok(())
    }

    /// Stops everything, in the reverse order of starting.
    pub async fn shutdown(mut self) {
        if let Some(daemon) = self.daemon.take() {
            daemon.shutdown().await;
        }
        for node in self.nodes.drain(..) {
            node.shutdown().await;
        }
        if let Some(faucet) = self.faucet.take() {
            let _ = faucet.shutdown().await;
        }
        if let Some(rpc) = self.rpc.take() {
            let _ = rpc.shutdown().await;
        }
    }
}

/// Where genesis put the contracts of `chain`.
pub fn deployment_of(chain: &LocalChain) -> Deployment {
    let info = chain.info();
    Deployment {
        wal_package: info.wal_package,
        walrus_package: info.walrus_package,
        system_object: info.system_object,
        system_initial_shared_version: info.system_initial_shared_version,
        governance: Some(SharedObjectRef {
            id: info.governance_object,
            initial_shared_version: info.governance_initial_shared_version,
        }),
    }
}

/// Writes storage node `index`'s configuration and starts it on `listener`, following the chain
/// with its own account (which signs its epoch-change and sync transactions).
async fn start_node(
    data_dir: &Path,
    index: usize,
    node: &ManifestNode,
    rpc_url: &str,
    deployment: Deployment,
    listener: TcpListener,
) -> Result<NodeHandle, LocalError> {
    let dir = node_dir(data_dir, index);
    let config = NodeConfig {
        node_id: ObjectId(node.node_id.into_inner()),
        data_dir: dir.join("db"),
        api_listen_address: node.api_address,
        protocol_key_path: dir.join("protocol.key"),
        account_key_path: dir.join("account.key"),
        chain_rpc_url: rpc_url.to_string(),
        deployment: Some(deployment.into()),
        limits: NodeLimits::default(),
    };
    config.save(dir.join("node.yaml")).map_err(|e| component("a node's configuration")(&e))?;
    let account_key = load_account_key(&config.account_key_path).map_err(|e| component("a node's key")(&e))?;
    let chain_client = WalrusChainClient::new(rpc_url, account_key, deployment, ClientOptions::default())
        .map_err(|e| component("a node's chain client")(&e))?;
    StorageNode::start_with_listener(config, Arc::new(SuiChainSource::new(chain_client)), listener)
        .await
        .map_err(|e| component("a storage node")(&e))
}

fn node_dir(data_dir: &Path, index: usize) -> PathBuf {
    data_dir.join("nodes").join(format!("node-{index}"))
}

/// Creates keys, picks ports and writes the manifest of a new network. Returns the nodes'
/// listeners, already bound (their ports go into the genesis committee).
async fn create(options: &LocalOptions) -> Result<(Manifest, Listeners), LocalError> {
    let data_dir = &options.data_dir;
    let admin = new_wallet(&data_dir.join("admin.keystore"))?;
    let user = new_wallet(&data_dir.join("client/sui.keystore"))?;
    let publisher = new_wallet(&data_dir.join("publisher/sui.keystore"))?;

    let mut listeners = Vec::with_capacity(options.n_nodes);
    let mut nodes = Vec::with_capacity(options.n_nodes);
    let mut committee = Vec::with_capacity(options.n_nodes);
    for index in 0..options.n_nodes {
        let listener = bind(loopback(options.node_port(index))).await?;
        let api_address = listener.local_addr().map_err(|source| LocalError::Bind { address: loopback(0), source })?;
        let dir = node_dir(data_dir, index);
        create_dir(&dir)?;
        let protocol_key =
            generate_protocol_key(dir.join("protocol.key")).map_err(|e| component("generating a node key")(&e))?;
        let account_key =
            generate_account_key(dir.join("account.key")).map_err(|e| component("generating a node key")(&e))?;
        let mut node_id = [0u8; 32];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut node_id);
        committee.push(GenesisMember {
            node_id: ObjectId(node_id),
            public_key: protocol_key.public_key().to_vec(),
            network_address: api_address.to_string(),
            shards: options.shards_per_node,
            stake_frost: walrus_chain::genesis::DEFAULT_GENESIS_STAKE_FROST,
            // The node's own account operates its pool (StorageNodeCap and genesis stake).
            operator: Some(account_key.address()),
        });
        nodes.push(ManifestNode { node_id: Address::new(node_id), api_address, account: account_key.address() });
        listeners.push(listener);
    }
    // Bind the other ports now, so a restart finds them in the manifest; the listeners are kept
    // until their servers start, so no other process can take a port picked here.
    let mut other_ports = Vec::new();
    let mut other_listeners = Vec::new();
    for port in [options.rpc_port, options.faucet_port, options.daemon_port] {
        let listener = bind(loopback(port)).await?;
        other_ports.push(listener.local_addr().map_err(|source| LocalError::Bind { address: loopback(port), source })?);
        other_listeners.push(listener);
    }
    let [rpc, faucet, daemon] = <[TcpListener; 3]>::try_from(other_listeners).expect("three ports");
    let mut funded_accounts = vec![user, publisher];
    funded_accounts.extend(nodes.iter().map(|n| n.account));
    let genesis = GenesisConfig {
        admin,
        funded_accounts,
        sui_per_account: GENESIS_SUI_MIST,
        n_shards: options.n_nodes as u16 * options.shards_per_node,
        committee,
        storage_price_per_unit_size: STORAGE_PRICE_FROST,
        write_price_per_unit_size: WRITE_PRICE_FROST,
        total_capacity_size: CAPACITY_BYTES,
        max_epochs_ahead: MAX_EPOCHS_AHEAD,
        epoch_duration_ms: options.epoch_duration_ms,
        governance: Default::default(),
    };
    let manifest = Manifest {
        version: MANIFEST_VERSION,
        rpc_address: other_ports[0],
        faucet_address: other_ports[1],
        daemon_address: other_ports[2],
        nodes,
        user,
        publisher,
        funded: false,
        genesis,
    };
    manifest.save(data_dir)?;
    Ok((manifest, Listeners { nodes: listeners, rpc: Some(rpc), faucet: Some(faucet), daemon: Some(daemon) }))
}

/// Sockets bound before the servers start: all of them for a new network, none on a restart.
#[derive(Default)]
struct Listeners {
    nodes: Vec<TcpListener>,
    rpc: Option<TcpListener>,
    faucet: Option<TcpListener>,
    daemon: Option<TcpListener>,
}

fn new_wallet(path: &Path) -> Result<Address, LocalError> {
    if let Some(parent) = path.parent() {
        create_dir(parent)?;
    }
    let mut keystore = Keystore::create(path).map_err(|e| component("creating a wallet")(&e))?;
    let address = keystore.generate_key().map_err(|e| component("creating a wallet")(&e))?;
    keystore.save().map_err(|e| component("creating a wallet")(&e))?;
    Ok(address)
}

fn load_key(path: &Path, address: Address) -> Result<AccountKey, LocalError> {
    let keystore = Keystore::load(path).map_err(|e| component("loading a wallet")(&e))?;
    keystore.key(&address).cloned().map_err(|e| component("loading a wallet")(&e))
}

fn write_client_config(
    data_dir: &Path,
    rpc_url: &str,
    faucet_url: &str,
    user: Address,
    deployment: Deployment,
) -> Result<(), LocalError> {
    let mut profile = Profile::new(walrus_sui::config::LOCAL_PROFILE, rpc_url, "sui.keystore");
    profile.faucet_url = Some(faucet_url.to_string());
    profile.active_address = Some(user);
    profile.deployment = Some(deployment);
    let mut config = ClientConfig::new(profile).map_err(|e| component("writing the client config")(&e))?;
    config.save(data_dir.join(CLIENT_CONFIG_FILE)).map_err(|e| component("writing the client config")(&e))
}
