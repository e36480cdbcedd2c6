//! The committee as the client sees it: who holds which shards and how to reach them.

use walrus_contracts::bls_aggregate::Committee;
use walrus_core::{EncodingConfig, messages::PUBLIC_KEY_BYTES};
use walrus_node::client::NodeClient;
use walrus_sui::client::SystemInfo;

use crate::ClientError;

/// One committee member with its HTTP client.
#[derive(Clone, Debug)]
pub struct NodeHandle {
    /// Index in the committee (bit of signer bitmaps).
    pub member: usize,
    /// `host:port` of its storage API.
    pub network_address: String,
    /// Its BLS public key.
    pub public_key: [u8; PUBLIC_KEY_BYTES],
    /// The shards (= sliver pair indices) it holds, increasing.
    pub shards: Vec<u16>,
    /// Its API client.
    pub client: NodeClient,
}

impl NodeHandle {
    /// How many shards it holds.
    pub fn n_shards(&self) -> usize {
        self.shards.len()
    }
}

/// The current epoch's committee, ready to talk to.
#[derive(Clone, Debug)]
pub struct CommitteeView {
    /// The Walrus epoch.
    pub epoch: u32,
    /// The encoding parameters for the committee's shard count.
    pub config: EncodingConfig,
    /// Members in committee order.
    pub nodes: Vec<NodeHandle>,
}

impl CommitteeView {
    /// Builds the view from the chain's system state.
    pub fn new(info: &SystemInfo, http: &reqwest::Client) -> Result<Self, ClientError> {
        Self::from_committee(info.epoch, &info.committee, http)
    }

    /// Builds the view of `committee` at `epoch`.
    pub fn from_committee(epoch: u32, committee: &Committee, http: &reqwest::Client) -> Result<Self, ClientError> {
        let config = EncodingConfig::new(committee.n_shards)?;
        let nodes = committee
            .members
            .iter()
            .enumerate()
            .map(|(member, m)| {
                let public_key: [u8; PUBLIC_KEY_BYTES] = m.public_key.bytes.as_slice().try_into().map_err(|_| {
                    ClientError::Internal(format!("committee member {member} has a malformed public key on-chain"))
                })?;
                Ok(NodeHandle {
                    member,
                    network_address: m.network_address.clone(),
                    public_key,
                    shards: m.shard_ids.clone(),
                    client: NodeClient::with_http(http.clone(), &m.network_address),
                })
            })
            .collect::<Result<Vec<_>, ClientError>>()?;
        Ok(Self { epoch, config, nodes })
    }

    /// Total shards.
    pub fn n_shards(&self) -> usize {
        self.config.n()
    }

    /// Whether `shards` signers form a quorum: more than two thirds of all shards.
    pub fn is_quorum(&self, shards: usize) -> bool {
        3 * shards > 2 * self.n_shards()
    }

    /// The fewest shards that form a quorum.
    pub fn quorum_shards(&self) -> usize {
        2 * self.n_shards() / 3 + 1
    }
}
