//! The storage node of the blob store (`docs/node.md`).
//!
//! A node holds the sliver pairs of its shards (committee member `i` holds the contiguous shard
//! range after the shards of members `0..i`; sliver pair index == shard index). It
//!
//! - follows the chain's `walrus::events` ([`chain::ChainSource`]) and keeps each blob's
//!   registrations, certification and invalidity in RocksDB ([`storage`]), with the event cursor
//!   in the same synced batch;
//! - accepts one upload per blob with the commitment and all its pairs, verifies everything
//!   against the blob id, stores it durably and answers with a signed storage confirmation
//!   ([`api`]);
//! - serves the commitment, slivers (with the proofs a reader needs) and recovery symbols;
//! - rebuilds the pairs it lacks from other nodes' symbols and, if the blob turns out
//!   inconsistently encoded, gets it invalidated on chain ([`healing`]);
//! - removes the data of deleted, expired and invalid blobs;
//! - drives the epoch clock (`voting_end`, `initiate_epoch_change`: [`epoch`]) and, at each
//!   epoch change, takes over the shards it gains from their previous holders, signals
//!   `epoch_sync_done` and drops the shards it lost once the change is done ([`handover`]).
//!
//! [`client::NodeClient`] speaks the API; [`node::StorageNode::start`] runs everything.

#![deny(missing_docs)]

pub mod api;
pub mod chain;
pub mod challenge;
pub mod client;
pub mod codec;
pub mod config;
pub mod context;
pub mod epoch;
pub mod follower;
pub mod handover;
pub mod healing;
pub mod metrics;
pub mod node;
pub mod openapi;
pub mod state;
pub mod storage;
pub mod wire;

pub use chain::{ChainError, ChainSource, EpochCommittee, EventCursor, memory::InMemoryChain};
pub use client::{ClientError, NodeClient};
pub use config::{NodeConfig, NodeLimits};
pub use node::{NodeError, NodeHandle, StorageNode};
