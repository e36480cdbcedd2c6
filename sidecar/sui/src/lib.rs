//! The sidecar's one chain client: it speaks Sui's gRPC API to either the
//! embedded local chain or a real Sui network.
//!
//! - [`client`]: the [`WalrusChainClient`]: reads of the Walrus objects, one
//!   typed method per Move entry point, transactions built, signed, executed
//!   and awaited, coin selection, and a resumable [`EventStream`].
//! - [`wallet`]: Ed25519 [`AccountKey`]s with Sui address derivation and
//!   transaction signing, and a [`Keystore`] that reads and writes the Sui
//!   CLI's `sui.keystore` file, so the same keys work in both tools.
//! - [`config`]: the [`ClientConfig`] TOML file of named network
//!   [`Profile`]s (gRPC URL, Walrus package and object ids, faucet, keystore
//!   path, active address) with one active profile.
//!
//! ```no_run
//! use walrus_sui::{ClientConfig, ClientOptions, Keystore, WalrusChainClient};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = ClientConfig::load("client.toml")?;
//! let keystore = Keystore::load(config.active_keystore_path())?;
//! let client = WalrusChainClient::from_config(&config, &keystore, ClientOptions::default())?;
//! let system = client.system_info().await?;
//! println!("epoch {} with {} shards", system.epoch, system.n_shards);
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

pub mod client;
pub mod config;
mod fs_util;
pub mod wallet;

pub use client::{
    ChainError, ChainEvent, ChainObject, ChainResult, ClientOptions, EventCursor, EventStream, ExecutedTransaction,
    SystemInfo, WalrusChainClient, WalrusPtb,
};
pub use config::{ClientConfig, ConfigError, Deployment, Profile, SharedObjectRef};
pub use wallet::{AccountKey, Keystore, WalletError};
