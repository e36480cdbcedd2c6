//! `walrus::storage_node`: the operator capability of a storage node.

use serde::{Deserialize, Serialize};

use crate::framework::{ObjectId, TxContext};

/// `StorageNodeCap { id, node_id }`: operates the node `node_id` (commission, votes, epoch sync).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageNodeCap {
    /// Object id.
    pub id: ObjectId,
    /// The node (and staking pool) it operates.
    pub node_id: ObjectId,
}

impl StorageNodeCap {
    /// `new_cap` (package-only).
    pub fn new(node_id: ObjectId, ctx: &mut TxContext) -> Self {
        Self { id: ctx.fresh_id(), node_id }
    }

    /// `node_id`.
    pub fn node_id(&self) -> ObjectId {
        self.node_id
    }
}
