//! State shared by the node's tasks: identity, database, chain view, committee, metrics.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, RwLock},
};

use tokio::sync::{Notify, watch};
use walrus_contracts::ObjectId;
use walrus_core::{EncodingConfig, messages::ProtocolKeyPair};

use crate::{
    chain::{ChainError, ChainSource, EpochCommittee},
    client::NodeClient,
    config::NodeLimits,
    metrics::Metrics,
    storage::Storage,
};

/// The current committee as the node sees it, with the node's place in it.
#[derive(Clone, Debug)]
pub struct CommitteeView {
    /// Epoch and committee.
    pub current: EpochCommittee,
    /// The node's member index, if it is a member.
    pub own_index: Option<usize>,
}

impl CommitteeView {
    /// The view of `current` for the node `node_id`.
    pub fn new(current: EpochCommittee, node_id: &ObjectId) -> Self {
        let own_index = current.committee.members.iter().position(|m| m.node_id == *node_id);
        Self { current, own_index }
    }

    /// The current epoch.
    pub fn epoch(&self) -> u32 {
        self.current.epoch
    }

    /// The shards (= sliver pair indices) the node holds, increasing; empty if not a member.
    pub fn own_shards(&self) -> Vec<u16> {
        self.own_index.map_or_else(Vec::new, |i| self.current.committee.members[i].shard_ids.clone())
    }

    /// The encoding configuration of the committee's shard count.
    pub fn encoding_config(&self) -> Option<EncodingConfig> {
        EncodingConfig::new(self.current.committee.n_shards).ok()
    }
}

/// Everything the node's tasks share.
pub struct NodeContext {
    /// The node's id in the committee.
    pub node_id: ObjectId,
    /// The BLS protocol key that signs confirmations and attestations.
    pub key: ProtocolKeyPair,
    /// The database.
    pub storage: Arc<Storage>,
    /// The chain.
    pub chain: Arc<dyn ChainSource>,
    /// The current committee, once known.
    committee: RwLock<Option<CommitteeView>>,
    /// Metrics.
    pub metrics: Metrics,
    /// Limits from the configuration.
    pub limits: NodeLimits,
    /// Bumped after every applied event, so uploads can wait for a registration.
    pub events_applied: watch::Sender<u64>,
    /// Wakes the healer early (a blob was certified).
    pub heal_wakeup: Notify,
    /// HTTP clients of other nodes by network address.
    clients: Mutex<HashMap<String, NodeClient>>,
    /// The shards being handed over to this node at an epoch change.
    pub handover: crate::handover::ShardTransition,
    /// The storage challenges the node answers and checks.
    pub challenges: crate::challenge::Challenges,
}

impl NodeContext {
    /// A context; the committee is unknown until [`Self::refresh_committee`] succeeds.
    pub fn new(
        node_id: ObjectId,
        key: ProtocolKeyPair,
        storage: Arc<Storage>,
        chain: Arc<dyn ChainSource>,
        limits: NodeLimits,
    ) -> Self {
        Self {
            node_id,
            key,
            storage,
            chain,
            committee: RwLock::new(None),
            metrics: Metrics::default(),
            limits,
            events_applied: watch::Sender::new(0),
            heal_wakeup: Notify::new(),
            clients: Mutex::new(HashMap::new()),
            handover: crate::handover::ShardTransition::default(),
            challenges: crate::challenge::Challenges::default(),
        }
    }

    /// The shards whose slivers the node serves: its own in the current epoch and those it
    /// still keeps after losing them, until the epoch change that moved them is done (readers
    /// and the shards' new holders still need them). Ascending.
    pub fn served_shards(&self, view: &CommitteeView) -> Vec<u16> {
        let mut shards = view.own_shards();
        shards.extend(self.storage.shards());
        shards.sort_unstable();
        shards.dedup();
        shards
    }

    /// The committee view, if known.
    pub fn committee(&self) -> Option<CommitteeView> {
        self.committee.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Fetches the current committee from the chain and makes sure the database has a family
    /// for each of the node's shards.
    pub async fn refresh_committee(&self) -> Result<CommitteeView, ChainError> {
        let current = self.chain.current_committee().await?;
        let view = CommitteeView::new(current, &self.node_id);
        let storage = self.storage.clone();
        let shards = view.own_shards();
        match tokio::task::spawn_blocking(move || storage.ensure_shards(shards)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!("cannot create shard column families: {e}"),
            Err(e) => tracing::warn!("creating shard column families panicked: {e}"),
        }
        *self.committee.write().unwrap_or_else(|p| p.into_inner()) = Some(view.clone());
        Ok(view)
    }

    /// A client of the node at `network_address` (one per address, reused).
    pub fn client(&self, network_address: &str) -> Result<NodeClient, crate::client::ClientError> {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(client) = clients.get(network_address) {
            return Ok(client.clone());
        }
        let client = NodeClient::new(network_address)?;
        clients.insert(network_address.to_string(), client.clone());
        Ok(client)
    }
}
