//! The embedded local chain (`docs/chain.md`): a single-validator Sui-compatible chain that
//! executes real signed Sui transactions against the Rust twin of the Move packages
//! (`walrus-contracts`), stores objects, transactions and checkpoints in RocksDB, and serves
//! Sui's gRPC API, so the sidecar's one chain client works against it and against Sui alike.

#![deny(missing_docs)]

pub mod chain;
pub mod execute;
pub mod faucet;
pub mod genesis;
pub mod rpc;
pub mod store;
pub mod types;

pub use chain::{ChainError, CheckpointTip, ExecutedTransaction, LocalChain, SimulatedTransaction};
pub use execute::Rejection;
pub use faucet::{Faucet, FaucetConfig, FaucetHandle};
pub use genesis::{GenesisConfig, GenesisInfo, GenesisMember, GovernanceGenesis};
pub use rpc::{RpcHandle, ServeError, serve};
