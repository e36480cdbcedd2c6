//! What the node needs from the chain, as a narrow object-safe trait: the current epoch and
//! committee, the `walrus::events` stream from a persisted cursor on, the latest checkpoint (for
//! the lag metric), and submitting an invalid-blob certificate; for the epoch clock and the shard
//! handover, the staking state with the chain's time and the three epoch-change calls.
//!
//! The gRPC chain client (`walrus-sui`) implements [`ChainSource`] for real deployments;
//! [`memory::InMemoryChain`] implements it for tests and local experiments.

pub mod memory;
pub mod sui;

use std::fmt;

use async_trait::async_trait;
use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};
use walrus_contracts::{ObjectId, bls_aggregate::Committee, events::Event, staking_inner::EpochState};

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

/// Where the epoch change stands, with the chain's time: what the epoch driver decides on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochSchedule {
    /// The staking epoch.
    pub epoch: u32,
    /// Where its epoch change is.
    pub state: EpochState,
    /// Clock time the epoch started, in milliseconds.
    pub epoch_start_ms: u64,
    /// Epoch length in milliseconds.
    pub epoch_duration_ms: u64,
    /// The chain's time now as best known (its `Clock`, never behind the wall clock), in
    /// milliseconds.
    pub chain_time_ms: u64,
    /// The epoch's committee.
    pub committee: Committee,
}

impl EpochSchedule {
    /// When `voting_end` becomes allowed, in clock milliseconds.
    pub fn voting_end_ms(&self) -> u64 {
        self.epoch_start_ms.saturating_add(self.epoch_duration_ms / 2)
    }

    /// When `initiate_epoch_change` becomes allowed, in clock milliseconds.
    pub fn epoch_end_ms(&self) -> u64 {
        self.epoch_start_ms.saturating_add(self.epoch_duration_ms)
    }
}

/// What an epoch-change call did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EpochCall {
    /// The transaction executed.
    Executed,
    /// The chain refused it because it is not (or no longer) due: already done by another node,
    /// too early, or another epoch. Nothing to retry.
    NotDue {
        /// The abort, for the log.
        reason: String,
    },
}

/// The storage challenge the chain issued in its current epoch (`docs/node.md`, "Storage
/// challenges").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedChallenge {
    /// The challenged epoch.
    pub epoch: u32,
    /// The 32-byte seed.
    pub seed: Vec<u8>,
    /// Samples each member answers.
    pub samples_per_node: u16,
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

    /// The staking epoch, its state and timing, and the chain's time; `None` when this chain has
    /// no epoch clock for the node to drive (epochs are advanced some other way, as in tests).
    async fn epoch_schedule(&self) -> Result<Option<EpochSchedule>, ChainError> {
        Ok(None)
    }

    /// Submits `staking::voting_end`: selects the next epoch's committee.
    async fn voting_end(&self) -> Result<EpochCall, ChainError> {
        Err(ChainError::Rejected { reason: "this chain has no epoch clock: voting_end is not available".into() })
    }

    /// Submits `staking::initiate_epoch_change`: starts the next epoch.
    async fn initiate_epoch_change(&self) -> Result<EpochCall, ChainError> {
        Err(ChainError::Rejected {
            reason: "this chain has no epoch clock: initiate_epoch_change is not available".into(),
        })
    }

    /// Submits `staking::epoch_sync_done` for the node `node_id` (with the `StorageNodeCap` its
    /// account owns): the node holds every shard of its own in `epoch`.
    async fn epoch_sync_done(&self, node_id: &ObjectId, epoch: u32) -> Result<EpochCall, ChainError>;

    /// Submits `staking::set_challenge_seed`: draws the current epoch's storage-challenge seed.
    /// `NotDue` when the chain refuses it as not needed now (already drawn, the committee still
    /// syncing, challenges switched off).
    async fn set_challenge_seed(&self) -> Result<EpochCall, ChainError> {
        Err(ChainError::Rejected { reason: "this chain issues no storage challenges".into() })
    }

    /// Submits `staking::attest_storage` for the node `node_id` (with the `StorageNodeCap` its
    /// account owns): `node_ids` answered the storage challenge of `epoch` with valid proofs.
    /// `NotDue` when the chain refuses it because `epoch` is over.
    async fn attest_storage(
        &self,
        node_id: &ObjectId,
        epoch: u32,
        node_ids: &[ObjectId],
    ) -> Result<EpochCall, ChainError> {
        let _ = (node_id, epoch, node_ids);
        Err(ChainError::Rejected { reason: "this chain issues no storage challenges".into() })
    }

    /// The storage challenge of the chain's current epoch, if one was issued (for a node that
    /// missed the `ChallengeSeedSet` event, e.g. across a restart).
    async fn issued_challenge(&self) -> Result<Option<IssuedChallenge>, ChainError> {
        Ok(None)
    }
}
