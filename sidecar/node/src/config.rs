//! The node's configuration file (YAML) and key files.
//!
//! ```yaml
//! node_id: "0x00…01"             # the node's id in the committee (ObjectId)
//! data_dir: /var/lib/walrus-node # RocksDB lives here
//! api_listen_address: 127.0.0.1:9101
//! protocol_key_path: protocol.key # BLS12-381 key (hex secret scalar), mode 0600
//! account_key_path: account.key   # Ed25519 Sui account key (keystore entry), mode 0600
//! chain_rpc_url: http://127.0.0.1:9000
//! deployment:                     # where the contracts are (`walrus node run` needs it)
//!   wal_package: "0x…"
//!   walrus_package: "0x…"
//!   system_object: "0x…"
//!   system_initial_shared_version: 1
//! limits: { max_concurrent_requests: 256, ... } # optional, see NodeLimits
//! ```
//!
//! Relative paths are relative to the configuration file's directory.

use std::{
    fs::{self, OpenOptions},
    io::Write as _,
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};

use serde::{Deserialize, Serialize};
use sui_sdk_types::Address;
use walrus_contracts::ObjectId;
use walrus_core::messages::ProtocolKeyPair;
use walrus_sui::{AccountKey, Deployment};

/// Key files are readable and writable by their owner only.
pub const KEY_FILE_MODE: u32 = 0o600;
/// Bytes of key material drawn from the OS for a new protocol key (IETF KeyGen needs >= 32).
const PROTOCOL_KEY_IKM_BYTES: usize = 32;

/// Why loading or writing the configuration or a key failed.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A file could not be read or written.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was attempted.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The YAML did not parse or lacks fields.
    #[error("invalid node configuration {}: {reason}; see docs/node.md for the fields", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        reason: String,
    },
    /// A key file holds no valid key.
    #[error("key file {} is invalid: {reason}", path.display())]
    InvalidKey {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A key file is readable by others.
    #[error("key file {} has mode {mode:o}; it holds a private key: run `chmod 600` on it", path.display())]
    KeyFilePermissions {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// A key file already exists.
    #[error("key file {} already exists; refusing to overwrite a private key (delete it first if you mean to)", path.display())]
    KeyFileExists {
        /// The file.
        path: PathBuf,
    },
}

/// Limits of the node; every field has a default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NodeLimits {
    /// Requests served at once; more wait (and time out).
    pub max_concurrent_requests: usize,
    /// Time for one request, including reading an upload body, in milliseconds.
    pub request_timeout_ms: u64,
    /// Blobs recovered at once by the healer.
    pub max_concurrent_recoveries: usize,
    /// How often the healer scans for missing slivers, in milliseconds.
    pub healing_interval_ms: u64,
    /// How long an upload for a blob the node has not seen registered waits for the
    /// registration event, in milliseconds.
    pub registration_wait_ms: u64,
}

impl Default for NodeLimits {
    fn default() -> Self {
        Self {
            max_concurrent_requests: 256,
            request_timeout_ms: 120_000,
            max_concurrent_recoveries: 4,
            healing_interval_ms: 10_000,
            registration_wait_ms: 5_000,
        }
    }
}

impl NodeLimits {
    /// [`Self::request_timeout_ms`] as a duration.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }

    /// [`Self::healing_interval_ms`] as a duration.
    pub fn healing_interval(&self) -> Duration {
        Duration::from_millis(self.healing_interval_ms)
    }

    /// [`Self::registration_wait_ms`] as a duration.
    pub fn registration_wait(&self) -> Duration {
        Duration::from_millis(self.registration_wait_ms)
    }
}

/// The node's configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// The node's id in the committee.
    #[serde(with = "hex_object_id")]
    pub node_id: ObjectId,
    /// The directory of the node's database.
    pub data_dir: PathBuf,
    /// Where the HTTP API listens.
    pub api_listen_address: SocketAddr,
    /// The BLS12-381 protocol key file.
    pub protocol_key_path: PathBuf,
    /// The Ed25519 account key file (signs the node's chain transactions).
    pub account_key_path: PathBuf,
    /// The chain's gRPC URL.
    pub chain_rpc_url: String,
    /// Where the contracts are on that chain. Optional only for nodes that follow an in-memory
    /// chain (tests); `walrus node run` requires it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<DeploymentConfig>,
    /// Limits.
    #[serde(default)]
    pub limits: NodeLimits,
}

/// The package and object ids of a Walrus deployment, as the node's YAML spells them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentConfig {
    /// Package id of the WAL coin package.
    pub wal_package: Address,
    /// Package id of the Walrus system package.
    pub walrus_package: Address,
    /// Object id of the shared `System` object.
    pub system_object: Address,
    /// Version at which `System` became shared.
    pub system_initial_shared_version: u64,
    /// The first checkpoint that can hold the deployment's events: where a node with no saved
    /// event cursor starts reading. 0 (the default) reads from genesis, right for the local
    /// chain; on a Sui network use the checkpoint of the package's publish transaction, since
    /// reading every checkpoint from genesis would take days.
    #[serde(default)]
    pub first_checkpoint: u64,
}

impl From<Deployment> for DeploymentConfig {
    fn from(d: Deployment) -> Self {
        Self {
            wal_package: d.wal_package,
            walrus_package: d.walrus_package,
            system_object: d.system_object,
            system_initial_shared_version: d.system_initial_shared_version,
            first_checkpoint: 0,
        }
    }
}

impl From<DeploymentConfig> for Deployment {
    fn from(d: DeploymentConfig) -> Self {
        Self {
            wal_package: d.wal_package,
            walrus_package: d.walrus_package,
            system_object: d.system_object,
            system_initial_shared_version: d.system_initial_shared_version,
            // Nodes do not take part in governance.
            governance: None,
        }
    }
}

impl NodeConfig {
    /// The deployment, or an error saying how to add it.
    pub fn deployment(&self, origin: &Path) -> Result<Deployment, ConfigError> {
        self.deployment.map(Deployment::from).ok_or_else(|| ConfigError::Invalid {
            path: origin.to_path_buf(),
            reason: "it has no `deployment` (the package and System object ids); write one with \
                     `walrus node config --client-config <client_config.toml>` or add the fields by hand"
                .into(),
        })
    }

    /// Parses YAML; relative paths are resolved against `base_dir`.
    pub fn from_yaml(text: &str, base_dir: &Path, origin: &Path) -> Result<Self, ConfigError> {
        let mut config: Self = serde_yaml_ng::from_str(text)
            .map_err(|e| ConfigError::Invalid { path: origin.to_path_buf(), reason: e.to_string() })?;
        for path in [&mut config.data_dir, &mut config.protocol_key_path, &mut config.account_key_path] {
            if path.is_relative() {
                *path = base_dir.join(&*path);
            }
        }
        Ok(config)
    }

    /// Loads the YAML file at `path`.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let text = fs::read_to_string(path).map_err(|source| ConfigError::Io {
            action: "read node configuration",
            path: path.into(),
            source,
        })?;
        let base = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        Self::from_yaml(&text, base, path)
    }

    /// The configuration as YAML.
    pub fn to_yaml(&self) -> String {
        serde_yaml_ng::to_string(self).expect("the configuration serializes")
    }

    /// Writes the configuration as YAML to `path`.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), ConfigError> {
        let path = path.as_ref();
        fs::write(path, self.to_yaml()).map_err(|source| ConfigError::Io {
            action: "write node configuration",
            path: path.into(),
            source,
        })
    }
}

/// `ObjectId` as `0x` + 64 hex digits.
mod hex_object_id {
    use serde::{Deserialize, Deserializer, Serializer};
    use walrus_contracts::ObjectId;

    pub fn serialize<S: Serializer>(id: &ObjectId, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("0x{}", hex::encode(id.0)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<ObjectId, D::Error> {
        let text = String::deserialize(deserializer)?;
        crate::wire::parse_object_id(&text).map(ObjectId).map_err(serde::de::Error::custom)
    }
}

/// Writes `contents` to a new file readable by its owner only; refuses to overwrite.
fn write_key_file(path: &Path, contents: &str) -> Result<(), ConfigError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(KEY_FILE_MODE);
    }
    let mut file = options.open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            ConfigError::KeyFileExists { path: path.into() }
        } else {
            ConfigError::Io { action: "create key file", path: path.into(), source }
        }
    })?;
    file.write_all(contents.as_bytes()).and_then(|()| file.sync_all()).map_err(|source| ConfigError::Io {
        action: "write key file",
        path: path.into(),
        source,
    })
}

/// Reads a key file, refusing one that others may read.
fn read_key_file(path: &Path) -> Result<String, ConfigError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let metadata = fs::metadata(path).map_err(|source| ConfigError::Io {
            action: "read key file",
            path: path.into(),
            source,
        })?;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(ConfigError::KeyFilePermissions { path: path.into(), mode });
        }
    }
    fs::read_to_string(path).map_err(|source| ConfigError::Io { action: "read key file", path: path.into(), source })
}

/// A new random protocol key.
pub fn random_protocol_key() -> ProtocolKeyPair {
    use rand_core::RngCore as _;
    let mut ikm = [0u8; PROTOCOL_KEY_IKM_BYTES];
    rand_core::OsRng.fill_bytes(&mut ikm);
    ProtocolKeyPair::derive(&ikm).expect("32 bytes of key material suffice")
}

/// Writes `key` to a new file (hex of the 32-byte secret scalar, mode 0600).
pub fn write_protocol_key(path: impl AsRef<Path>, key: &ProtocolKeyPair) -> Result<(), ConfigError> {
    write_key_file(path.as_ref(), &format!("{}\n", hex::encode(key.secret_bytes())))
}

/// Generates a protocol key and writes it to a new file.
pub fn generate_protocol_key(path: impl AsRef<Path>) -> Result<ProtocolKeyPair, ConfigError> {
    let key = random_protocol_key();
    write_protocol_key(path, &key)?;
    Ok(key)
}

/// Loads a protocol key file.
pub fn load_protocol_key(path: impl AsRef<Path>) -> Result<ProtocolKeyPair, ConfigError> {
    let path = path.as_ref();
    let invalid = |reason: String| ConfigError::InvalidKey { path: path.into(), reason };
    let text = read_key_file(path)?;
    let bytes = hex::decode(text.trim()).map_err(|e| invalid(format!("{e}; expected 64 hex digits")))?;
    ProtocolKeyPair::from_secret_bytes(&bytes).map_err(|e| invalid(e.to_string()))
}

/// Writes `key` to a new file (one Sui keystore entry: base64 of `0x00 || seed`, mode 0600).
pub fn write_account_key(path: impl AsRef<Path>, key: &AccountKey) -> Result<(), ConfigError> {
    write_key_file(path.as_ref(), &format!("{}\n", key.to_keystore_entry()))
}

/// Generates an Ed25519 account key and writes it to a new file.
pub fn generate_account_key(path: impl AsRef<Path>) -> Result<AccountKey, ConfigError> {
    let key = AccountKey::generate();
    write_account_key(path, &key)?;
    Ok(key)
}

/// Loads an account key file.
pub fn load_account_key(path: impl AsRef<Path>) -> Result<AccountKey, ConfigError> {
    let path = path.as_ref();
    let text = read_key_file(path)?;
    AccountKey::from_keystore_entry(text.trim())
        .map_err(|e| ConfigError::InvalidKey { path: path.into(), reason: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(dir: &Path) -> NodeConfig {
        NodeConfig {
            node_id: ObjectId([0xa5; 32]),
            data_dir: dir.join("db"),
            api_listen_address: "127.0.0.1:9101".parse().unwrap(),
            protocol_key_path: dir.join("protocol.key"),
            account_key_path: dir.join("account.key"),
            chain_rpc_url: "http://127.0.0.1:9000".into(),
            deployment: Some(DeploymentConfig {
                wal_package: Address::new([1; 32]),
                walrus_package: Address::new([2; 32]),
                system_object: Address::new([3; 32]),
                system_initial_shared_version: 7,
                first_checkpoint: 1234,
            }),
            limits: NodeLimits::default(),
        }
    }

    #[test]
    fn configuration_round_trips_through_yaml_and_resolves_relative_paths() {
        let dir = tempfile::tempdir().unwrap();
        let config = sample(dir.path());
        let path = dir.path().join("node.yaml");
        config.save(&path).unwrap();
        assert_eq!(NodeConfig::load(&path).unwrap(), config);
        let text = format!(
            "node_id: \"0x{}\"\ndata_dir: db\napi_listen_address: 127.0.0.1:0\nprotocol_key_path: p.key\n\
             account_key_path: a.key\nchain_rpc_url: http://x\nlimits:\n  request_timeout_ms: 5\n",
            "01".repeat(32)
        );
        let parsed = NodeConfig::from_yaml(&text, Path::new("/etc/walrus"), Path::new("node.yaml")).unwrap();
        assert_eq!(parsed.data_dir, PathBuf::from("/etc/walrus/db"));
        assert_eq!(parsed.limits.request_timeout_ms, 5);
        assert_eq!(parsed.limits.max_concurrent_requests, NodeLimits::default().max_concurrent_requests);
        assert!(parsed.deployment(Path::new("node.yaml")).unwrap_err().to_string().contains("walrus node config"));
        assert_eq!(config.deployment(&path).unwrap().system_initial_shared_version, 7);
        assert_eq!(NodeConfig::load(&path).unwrap().deployment.unwrap().first_checkpoint, 1234);
        // Configs written before `first_checkpoint` existed still load, reading from genesis.
        let without = text.replace(
            "limits:",
            &format!(
                "deployment:\n  wal_package: \"0x{0}\"\n  walrus_package: \"0x{0}\"\n  system_object: \"0x{0}\"\n  \
             system_initial_shared_version: 1\nlimits:",
                "02".repeat(32)
            ),
        );
        let parsed = NodeConfig::from_yaml(&without, Path::new("."), Path::new("old.yaml")).unwrap();
        assert_eq!(parsed.deployment.unwrap().first_checkpoint, 0);
        let err = NodeConfig::from_yaml("node_id: 12\n", Path::new("."), Path::new("bad.yaml")).unwrap_err();
        assert!(err.to_string().contains("bad.yaml"), "{err}");
    }

    #[test]
    fn key_files_are_private_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let protocol = dir.path().join("protocol.key");
        let key = generate_protocol_key(&protocol).unwrap();
        assert_eq!(load_protocol_key(&protocol).unwrap().public_key(), key.public_key());
        assert!(matches!(generate_protocol_key(&protocol), Err(ConfigError::KeyFileExists { .. })));
        let account = dir.path().join("account.key");
        let account_key = generate_account_key(&account).unwrap();
        assert_eq!(load_account_key(&account).unwrap().address(), account_key.address());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(fs::metadata(&protocol).unwrap().permissions().mode() & 0o777, KEY_FILE_MODE);
            fs::set_permissions(&account, fs::Permissions::from_mode(0o644)).unwrap();
            assert!(matches!(load_account_key(&account), Err(ConfigError::KeyFilePermissions { .. })));
        }
    }
}
