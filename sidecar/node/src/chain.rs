//! What the node needs from the chain, as a narrow object-safe trait: the current epoch and
//! committee, the `walrus::events` stream from a persisted cursor on, the latest checkpoint (for
//! the lag metric), and submitting an invalid-blob certificate.
//!
//! The gRPC chain client (`walrus-sui`) implements [`ChainSource`] for real deployments;
//! [`memory::InMemoryChain`] implements it for tests and local experiments.

pub mod memory;
pub mod sui;

use std::fmt;

use async_trait::async_trait;
use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};
use walrus_contracts::{bls_aggregate::Committee, events::Event};

/// The position of an event in the chain: checkpoint sequence number, index of the transaction
/// within the checkpoint, index of the event within the transaction. Ordered as the chain
/// emitted the events.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EventCursor {
    /// Checkpoint sequence number.
    pub checkpoint: u64,
    /// Index of the transaction within the checkpoint.
    pub transaction_index: u32,
    /// Index of the event within the transaction's events.
    pub event_index: u32,
}

impl fmt::Display for EventCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.checkpoint, self.transaction_index, self.event_index)
    }
}

/// The committee of one epoch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochCommittee {
    /// The epoch.
    pub epoch: u32,
    /// Its committee (member `i` holds shards `committee.members[i].shard_ids`).
    pub committee: Committee,
}

/// Why a chain call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// The chain could not be reached or answered with an error; the call may be retried.
    #[error(
        "the chain is unavailable: {reason}; check the chain RPC URL and that the chain is running (the node retries)"
    )]
    Unavailable {
        /// What went wrong.
        reason: String,
    },
    /// The chain executed the transaction and it failed (a Move abort or a validation error).
    #[error("the chain rejected the transaction: {reason}")]
    Rejected {
        /// The abort or validation error.
        reason: String,
    },
}

/// Events with their cursors, in chain order.
pub type EventStream = BoxStream<'static, Result<(EventCursor, Event), ChainError>>;

/// The node's view of the chain.
#[async_trait]
pub trait ChainSource: Send + Sync + 'static {
    /// The current epoch and its committee.
    async fn current_committee(&self) -> Result<EpochCommittee, ChainError>;

    /// The `walrus::events` events strictly after `cursor` (from the first event when `None`), in
    /// chain order; the stream waits for new events rather than ending. An error item ends the
    /// stream's usefulness: the caller reopens it from the last cursor it applied.
    async fn events_after(&self, cursor: Option<EventCursor>) -> Result<EventStream, ChainError>;

    /// The sequence number of the latest checkpoint, to measure how far the node lags.
    async fn latest_checkpoint(&self) -> Result<u64, ChainError>;

    /// Submits `system::invalidate_blob_id(signature, signers_bitmap, message)`: a certificate of
    /// more than a third of the shards that the blob id in `message` is invalid.
    async fn invalidate_blob_id(
        &self,
        signature: &[u8],
        signers_bitmap: &[u8],
        message: &[u8],
    ) -> Result<(), ChainError>;
}
