//! The Rust twin of the Move packages `wal` and `walrus` (`move/`): the same modules, functions,
//! abort codes, events and BCS layouts (`docs/chain.md`), executed by the local chain. Pure: no
//! I/O; objects are plain structs the caller loads and stores.
//!
//! A function returns `Err(MoveAbort)` exactly where the Move function aborts, with the same
//! module and code. Dynamic fields (the system state, blob attributes, table entries) are fields
//! skipped in BCS, which the chain stores as child objects.

#![deny(missing_docs)]

pub mod abort;
pub mod access_policy;
pub mod blob;
pub mod bls_aggregate;
pub mod committee;
pub mod encoding;
pub mod events;
pub mod framework;
pub mod governance;
pub mod messages;
pub mod metadata;
pub mod objects;
pub mod package;
pub mod shared_blob;
pub mod staked_wal;
pub mod staking;
pub mod staking_inner;
pub mod staking_pool;
pub mod storage_accounting;
pub mod storage_challenge;
pub mod storage_node;
pub mod storage_resource;
pub mod system;
pub mod system_state_inner;
pub mod wal;

pub use abort::{AbortCode, MoveAbort, MoveResult};
pub use framework::{Address, Balance, Clock, Coin, ObjectId, TxContext, U256};
