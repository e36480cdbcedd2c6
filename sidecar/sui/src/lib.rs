//! The sidecar's one chain client: it speaks Sui's gRPC API to either the
//! embedded local chain or a real Sui network.
//!
//! This crate currently holds the client's identity and settings; the gRPC
//! calls build on them:
//!
//! - [`wallet`]: Ed25519 [`AccountKey`]s with Sui address derivation and
//!   transaction signing, and a [`Keystore`] that reads and writes the Sui
//!   CLI's `sui.keystore` file, so the same keys work in both tools.
//! - [`config`]: the [`ClientConfig`] TOML file of named network
//!   [`Profile`]s (gRPC URL, Walrus package and object ids, faucet, keystore
//!   path, active address) with one active profile.
//!
//! ```no_run
//! use walrus_sui::{ClientConfig, Keystore};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = ClientConfig::load("client.toml")?;
//! let keystore = Keystore::load(config.active_keystore_path())?;
//! let sender = config.active_profile().active_address()?;
//! let key = keystore.key(&sender)?;
//! # let _ = key;
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

pub mod config;
mod fs_util;
pub mod wallet;

pub use config::{ClientConfig, ConfigError, Deployment, Profile};
pub use wallet::{AccountKey, Keystore, WalletError};
