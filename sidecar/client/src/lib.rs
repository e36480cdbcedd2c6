//! The blob client: what dApp developers use to store blobs on Walrus and read them back.
//!
//! Storing a blob ([`WalrusClient::store_blob`]) encodes it (`walrus-core`), buys storage and
//! registers the blob on-chain in one transaction, uploads every storage node's sliver pairs in
//! one request per node, in parallel, collects the nodes' signed storage confirmations until
//! more than two thirds of the shards are covered, aggregates them into a certificate and
//! certifies the blob on-chain. Reading ([`WalrusClient::read_blob`]) fetches primary slivers
//! from the nodes in parallel, verifies each against the blob id, decodes, and checks the result
//! against the commitment, so a reader gets exactly the bytes that were stored or an error.
//!
//! Protocols: `docs/encoding.md` (slivers and commitments), `docs/node.md` (the storage node
//! API), `docs/chain.md` (the contracts).

#![deny(missing_docs)]

mod client;
mod committee;
pub mod daemon;
mod error;
mod read;
mod store;

pub use client::{ClientLimits, WalrusClient};
pub use committee::{CommitteeView, NodeHandle};
pub use error::{ClientError, NodeFailure};
pub use store::{BlobOnChain, NoObserver, StorageOnChain, StoreObserver, StoreOptions, StoreOutcome, StoreStage};
