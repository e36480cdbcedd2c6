//! The one-command local network (`walrus local`): the embedded chain serving Sui's gRPC API and
//! a faucet, `n` storage nodes in the genesis committee, and a publisher/aggregator, all on
//! loopback and all persisted under one data directory, so starting again resumes with every
//! blob still readable.
//!
//! Layout of the data directory:
//!
//! ```text
//! network.json            the manifest: ports, node ids, genesis parameters
//! admin.keystore          the genesis admin (holds the WAL supply; pays the faucet)
//! chain/                  the local chain's RocksDB
//! client/                 client_config.toml + sui.keystore: the user's wallet, funded
//! publisher/              the publisher's wallet
//! nodes/node-<i>/         node.yaml, protocol.key, account.key, db/
//! ```

#![deny(missing_docs)]

mod manifest;
mod network;

pub use manifest::{DEFAULT_EPOCH_DURATION_MS, LocalOptions, MIN_EPOCH_DURATION_MS, Manifest, ManifestNode};
pub use network::{LocalError, LocalNetwork, deployment_of};
