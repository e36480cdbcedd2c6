//! What a local network is made of, written once at its first start and read at every restart.

use std::{
    net::{Ipv4Addr, SocketAddr, SocketAddrV4},
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};
use sui_sdk_types::Address;
use walrus_chain::GenesisConfig;

use crate::LocalError;

/// The manifest's file name in the data directory.
pub const MANIFEST_FILE: &str = "network.json";
/// The manifest format version. Bumped whenever a network written by an older `walrus` cannot be
/// resumed (version 2: the chain's genesis has staking pools and a Clock; version 3: it has
/// the Governance object, and the staking state a minimum stake).
pub const MANIFEST_VERSION: u32 = 3;
/// Most storage nodes a local network runs (all in one process).
pub const MAX_NODES: usize = 64;
/// The epoch length of a new local network unless chosen: an hour, as the chain's default.
pub const DEFAULT_EPOCH_DURATION_MS: u64 = walrus_chain::genesis::DEFAULT_EPOCH_DURATION_MS;
/// The shortest epoch a local network accepts: every epoch change moves through voting, the
/// change itself and the nodes' sync, each a few transactions.
pub const MIN_EPOCH_DURATION_MS: u64 = 1_000;

/// How to start a new local network. Ignored (except `data_dir`) when the data directory holds
/// one already.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalOptions {
    /// Where everything is kept.
    pub data_dir: PathBuf,
    /// Storage nodes.
    pub n_nodes: usize,
    /// Shards per node; the network has `n_nodes * shards_per_node` shards.
    pub shards_per_node: u16,
    /// Port of the chain's gRPC API (0: any free port).
    pub rpc_port: u16,
    /// Port of the faucet (0: any free port).
    pub faucet_port: u16,
    /// Port of the first storage node; node i listens on `node_base_port + i` (0: any free
    /// ports).
    pub node_base_port: u16,
    /// Port of the publisher/aggregator (0: any free port).
    pub daemon_port: u16,
    /// Length of an epoch in milliseconds (the genesis `epoch_duration_ms`): the nodes call
    /// `voting_end` after half of it and `initiate_epoch_change` after all of it.
    pub epoch_duration_ms: u64,
}

/// The defaults of `walrus local`: Sui's usual local ports for the chain (9000) and faucet
/// (9123), nodes from 9101, and Walrus' usual publisher port 31415.
impl LocalOptions {
    /// Default ports and sizes under `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            n_nodes: 10,
            shards_per_node: 10,
            rpc_port: 9000,
            faucet_port: 9123,
            node_base_port: 9101,
            daemon_port: 31415,
            epoch_duration_ms: DEFAULT_EPOCH_DURATION_MS,
        }
    }

    /// Every port picked by the system: for tests that run several networks at once.
    pub fn ephemeral(data_dir: impl Into<PathBuf>, n_nodes: usize, shards_per_node: u16) -> Self {
        Self {
            data_dir: data_dir.into(),
            n_nodes,
            shards_per_node,
            rpc_port: 0,
            faucet_port: 0,
            node_base_port: 0,
            daemon_port: 0,
            epoch_duration_ms: DEFAULT_EPOCH_DURATION_MS,
        }
    }

    pub(crate) fn check(&self) -> Result<(), LocalError> {
        let n_shards = self.n_nodes as u64 * u64::from(self.shards_per_node);
        if self.n_nodes == 0 || self.n_nodes > MAX_NODES {
            return Err(LocalError::Options(format!(
                "--nodes must be between 1 and {MAX_NODES}, not {}",
                self.n_nodes
            )));
        }
        if self.epoch_duration_ms < MIN_EPOCH_DURATION_MS {
            return Err(LocalError::Options(format!(
                "--epoch-duration must be at least {MIN_EPOCH_DURATION_MS} ms (nodes need time to hand shards over), not {} ms",
                self.epoch_duration_ms
            )));
        }
        if !(4..=4096).contains(&n_shards) {
            return Err(LocalError::Options(format!(
                "{} nodes x {} shards = {n_shards} shards; the network needs 4 to 4096",
                self.n_nodes, self.shards_per_node
            )));
        }
        Ok(())
    }

    pub(crate) fn node_port(&self, index: usize) -> u16 {
        if self.node_base_port == 0 { 0 } else { self.node_base_port + index as u16 }
    }
}

/// Loopback address with `port`.
pub(crate) fn loopback(port: u16) -> SocketAddr {
    SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port))
}

/// One storage node of the network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestNode {
    /// Its committee node id.
    pub node_id: Address,
    /// Where its API listens.
    pub api_address: SocketAddr,
    /// Its account (funded at genesis).
    pub account: Address,
}

/// The network's fixed facts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`MANIFEST_VERSION`].
    pub version: u32,
    /// The chain's gRPC address.
    pub rpc_address: SocketAddr,
    /// The faucet's address.
    pub faucet_address: SocketAddr,
    /// The publisher/aggregator's address.
    pub daemon_address: SocketAddr,
    /// The storage nodes, in committee order.
    pub nodes: Vec<ManifestNode>,
    /// The user's address (its key is in `client/sui.keystore`).
    pub user: Address,
    /// The publisher's address.
    pub publisher: Address,
    /// Whether the user and publisher received their WAL (done once, after genesis).
    pub funded: bool,
    /// The genesis the chain was created with.
    pub genesis: GenesisConfig,
}

impl Manifest {
    /// The manifest of the network in `data_dir`, if there is one.
    pub fn load(data_dir: &Path) -> Result<Option<Self>, LocalError> {
        let path = data_dir.join(MANIFEST_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(LocalError::Io { action: "read", path, source }),
        };
        let manifest: Self = serde_json::from_str(&text).map_err(|e| {
            LocalError::Corrupt(format!(
                "{} is not a valid manifest ({e}); remove the directory to start anew",
                path.display()
            ))
        })?;
        if manifest.version != MANIFEST_VERSION {
            return Err(LocalError::Corrupt(format!(
                "{} has version {}, this walrus understands {MANIFEST_VERSION}; remove the directory to start anew",
                path.display(),
                manifest.version
            )));
        }
        Ok(Some(manifest))
    }

    /// Writes the manifest atomically.
    pub fn save(&self, data_dir: &Path) -> Result<(), LocalError> {
        let path = data_dir.join(MANIFEST_FILE);
        let text = serde_json::to_string_pretty(self).expect("the manifest serializes");
        let temporary = data_dir.join(format!("{MANIFEST_FILE}.tmp"));
        std::fs::write(&temporary, text).map_err(|source| LocalError::Io {
            action: "write",
            path: temporary.clone(),
            source,
        })?;
        std::fs::rename(&temporary, &path).map_err(|source| LocalError::Io { action: "write", path, source })
    }
}
