//! The client configuration file: network profiles and which one is active.
//!
//! # Format
//!
//! TOML, for example:
//!
//! ```toml
//! active_profile = "local"
//!
//! [profiles.local]
//! grpc_url = "http://127.0.0.1:9000"
//! keystore_path = "sui.keystore"          # relative to this file's directory
//! active_address = "0x1ada6e6f3f3e4055096f606c746690f1108fcc2ca479055cc434a3e1d3f758aa"
//! # Written by the local network once it has published the contracts:
//! wal_package = "0x..."
//! walrus_package = "0x..."
//! system_object = "0x..."
//! system_initial_shared_version = 3
//! # Optional (both or neither): the shared Governance object; configs written before
//! # governance existed lack them and still load.
//! governance_object = "0x..."
//! governance_initial_shared_version = 1
//!
//! [profiles.testnet]
//! grpc_url = "https://fullnode.testnet.sui.io:443"
//! faucet_url = "https://faucet.testnet.sui.io"
//! keystore_path = "/home/me/.sui/sui_config/sui.keystore"
//! ```
//!
//! Why TOML rather than the Sui CLI's `client.yaml`: that file has no place
//! for the Walrus package and object ids, so it could not be shared with the
//! CLI anyway (and the CLI rewrites it wholesale, dropping unknown keys). The
//! keystore is the part worth sharing and it is shared, through
//! `keystore_path`. TOML is also the workspace's existing config language,
//! its parser reports the line and column of every error, and the
//! maintained YAML crates for serde are in flux since `serde_yaml` was
//! deprecated.
//!
//! Unknown keys are rejected, so a typo such as `grpc_ulr` is reported with
//! its line rather than silently ignored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sui_sdk_types::Address;
use toml::Spanned;

use crate::fs_util::write_atomic;

/// Name of the profile that points at the embedded local chain.
pub const LOCAL_PROFILE: &str = "local";

/// gRPC endpoint of the embedded local chain.
pub const LOCAL_GRPC_URL: &str = "http://127.0.0.1:9000";

/// Keystore file name used by new profiles, as in the Sui CLI.
pub const DEFAULT_KEYSTORE_FILE: &str = "sui.keystore";

/// The config is not secret, but there is no reason for others to write it.
const CONFIG_MODE: u32 = 0o644;

/// Everything that can go wrong with the client config.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file does not exist.
    #[error(
        "client config {} does not exist; create it, e.g. with \
         `ClientConfig::local_default().save(path)` for a `local` profile pointing at {}, or \
         pass the path of an existing config",
        path.display(),
        LOCAL_GRPC_URL
    )]
    NotFound {
        /// The path that was looked up.
        path: PathBuf,
    },

    /// Reading or writing the file failed.
    #[error("could not {action} {}: {source}; check that the path and its directory exist and are accessible", path.display())]
    Io {
        /// What was being done, e.g. "read client config".
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// The file is not valid TOML or does not have the expected fields.
    #[error(
        "client config {}:{line}:{column} is malformed: {message}; fix that line (the format \
         is documented in `walrus_sui::config`)",
        path.display()
    )]
    Parse {
        /// The config file.
        path: PathBuf,
        /// 1-based line of the problem (0 when the parser gave no position).
        line: usize,
        /// 1-based column of the problem (0 when the parser gave no position).
        column: usize,
        /// What the parser objected to.
        message: String,
    },

    /// The file parses but a value in it is not acceptable.
    #[error("client config {}:{line}: {message}", path.display())]
    Invalid {
        /// The config file.
        path: PathBuf,
        /// 1-based line of the offending value (0 when unknown).
        line: usize,
        /// What is wrong and what to do.
        message: String,
    },

    /// A profile, as built in code, is not acceptable.
    #[error("profile `{profile}`: {message}")]
    InvalidProfile {
        /// The profile's name.
        profile: String,
        /// What is wrong and what to do.
        message: String,
    },

    /// No profile has the requested name.
    #[error(
        "no profile named `{name}`; known profiles: {available}; pick one of those or add the profile to the config"
    )]
    UnknownProfile {
        /// The name asked for.
        name: String,
        /// The known names, comma separated.
        available: String,
    },

    /// Removing the active profile was requested.
    #[error("cannot remove profile `{name}` because it is active; select another profile first")]
    RemoveActiveProfile {
        /// The active profile's name.
        name: String,
    },

    /// The profile lacks the Walrus package and object ids.
    #[error(
        "profile `{profile}` has no Walrus deployment; start the local network (it fills these \
         in) or set wal_package, walrus_package, system_object and \
         system_initial_shared_version in that profile"
    )]
    NotDeployed {
        /// The profile's name.
        profile: String,
    },

    /// The profile has no active address.
    #[error(
        "profile `{profile}` has no active_address; generate or import a key into its keystore \
         and set active_address to its address"
    )]
    NoActiveAddress {
        /// The profile's name.
        profile: String,
    },

    /// The config could not be turned into TOML.
    #[error("could not serialise the client config: {message}; keystore paths must be valid UTF-8")]
    Serialize {
        /// What the serialiser objected to.
        message: String,
    },
}

/// Where the Walrus contracts live on a network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deployment {
    /// Package id of the WAL coin package.
    pub wal_package: Address,
    /// Package id of the Walrus system package.
    pub walrus_package: Address,
    /// Object id of the shared `System` object.
    pub system_object: Address,
    /// Version at which `System` became shared; transactions need it to use the object.
    pub system_initial_shared_version: u64,
    /// The shared `governance::Governance` object, if the deployment names one (configs written
    /// before governance do not).
    pub governance: Option<SharedObjectRef>,
}

/// A shared object as transactions name it: its id and the version at which it became shared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SharedObjectRef {
    /// The object id.
    pub id: Address,
    /// The version at which it became shared.
    pub initial_shared_version: u64,
}

/// One network the client can talk to, and the account it acts as there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    name: String,
    /// gRPC endpoint of a Sui full node or of the local chain (`http://` or `https://`).
    pub grpc_url: String,
    /// Faucet endpoint for gas, where the network has one.
    pub faucet_url: Option<String>,
    /// The `sui.keystore` file; relative paths are relative to the config file's directory.
    pub keystore_path: PathBuf,
    /// The address transactions are sent from.
    pub active_address: Option<Address>,
    /// The Walrus contracts; `None` until they are published (local) or configured.
    pub deployment: Option<Deployment>,
}

impl Profile {
    /// A profile without deployment, faucet or active address.
    pub fn new(name: impl Into<String>, grpc_url: impl Into<String>, keystore_path: impl Into<PathBuf>) -> Self {
        Self {
            name: name.into(),
            grpc_url: grpc_url.into(),
            faucet_url: None,
            keystore_path: keystore_path.into(),
            active_address: None,
            deployment: None,
        }
    }

    /// The `local` profile: [`LOCAL_GRPC_URL`] and [`DEFAULT_KEYSTORE_FILE`].
    ///
    /// Its deployment is filled in by the local network after publishing.
    pub fn local() -> Self {
        Self::new(LOCAL_PROFILE, LOCAL_GRPC_URL, DEFAULT_KEYSTORE_FILE)
    }

    /// The profile's name, its key in the config file.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The Walrus deployment, or an error telling how to provide it.
    pub fn deployment(&self) -> Result<&Deployment, ConfigError> {
        self.deployment.as_ref().ok_or_else(|| ConfigError::NotDeployed { profile: self.name.clone() })
    }

    /// The active address, or an error telling how to set one.
    pub fn active_address(&self) -> Result<Address, ConfigError> {
        self.active_address.ok_or_else(|| ConfigError::NoActiveAddress { profile: self.name.clone() })
    }

    /// Checks what the type system cannot; returns a message saying what to do.
    fn check(&self) -> Result<(), String> {
        check_profile_name(&self.name)?;
        check_url("grpc_url", &self.grpc_url)?;
        if let Some(url) = &self.faucet_url {
            check_url("faucet_url", url)?;
        }
        if self.keystore_path.as_os_str().is_empty() {
            return Err("keystore_path is empty; set it to the sui.keystore file to use".into());
        }
        Ok(())
    }
}

fn check_profile_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(format!("profile name `{name}` is not allowed; use only letters, digits, `-`, `_` and `.`"))
    }
}

fn check_url(field: &str, url: &str) -> Result<(), String> {
    let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://"));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') && !rest.contains(' ') => Ok(()),
        _ => Err(format!(
            "{field} `{url}` is not an http:// or https:// URL with a host; write it like \
             `{LOCAL_GRPC_URL}`"
        )),
    }
}

/// The client configuration: named profiles and the active one.
///
/// There is always at least one profile and the active one always exists;
/// the methods keep it that way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientConfig {
    active_profile: String,
    profiles: BTreeMap<String, Profile>,
    /// Where the config was loaded from or last saved to; anchors relative paths.
    path: Option<PathBuf>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self::local_default()
    }
}

impl ClientConfig {
    /// A config with one profile, which is active.
    pub fn new(profile: Profile) -> Result<Self, ConfigError> {
        profile.check().map_err(|message| ConfigError::InvalidProfile { profile: profile.name.clone(), message })?;
        Ok(Self {
            active_profile: profile.name.clone(),
            profiles: BTreeMap::from([(profile.name.clone(), profile)]),
            path: None,
        })
    }

    /// A config whose only (and active) profile is [`Profile::local`].
    pub fn local_default() -> Self {
        let profile = Profile::local();
        Self {
            active_profile: profile.name.clone(),
            profiles: BTreeMap::from([(profile.name.clone(), profile)]),
            path: None,
        }
    }

    /// Reads and validates a config file.
    pub fn load(path: impl Into<PathBuf>) -> Result<Self, ConfigError> {
        let path = path.into();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ConfigError::NotFound { path });
            }
            Err(source) => {
                return Err(ConfigError::Io { action: "read client config", path, source });
            }
        };
        let mut config = Self::parse(&text, &path)?;
        config.path = Some(path);
        Ok(config)
    }

    /// Parses config text; `origin` only labels errors.
    pub fn parse(text: &str, origin: &Path) -> Result<Self, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((0, 0), |span| line_and_column(text, span.start));
            ConfigError::Parse { path: origin.to_path_buf(), line, column, message: e.message().trim().to_owned() }
        })?;
        let invalid = |span: std::ops::Range<usize>, message: String| ConfigError::Invalid {
            path: origin.to_path_buf(),
            line: line_and_column(text, span.start).0,
            message,
        };

        let mut profiles = BTreeMap::new();
        for (name, raw_profile) in raw.profiles {
            let span = raw_profile.span();
            let profile = raw_profile
                .into_inner()
                .into_profile(name.clone())
                .map_err(|(span, message)| invalid(span, format!("profile `{name}`: {message}")))?;
            profile.check().map_err(|message| invalid(span, format!("profile `{name}`: {message}")))?;
            profiles.insert(name, profile);
        }
        if profiles.is_empty() {
            return Err(invalid(
                0..0,
                "no profiles; add at least one `[profiles.<name>]` table with grpc_url and \
                 keystore_path"
                    .into(),
            ));
        }
        let active = raw.active_profile;
        if !profiles.contains_key(active.get_ref()) {
            return Err(invalid(
                active.span(),
                format!(
                    "active_profile `{}` is not one of the profiles ({}); set it to one of them",
                    active.get_ref(),
                    profiles.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        Ok(Self { active_profile: active.into_inner(), profiles, path: None })
    }

    /// The config as TOML text, in the format [`ClientConfig::parse`] reads.
    pub fn to_toml(&self) -> Result<String, ConfigError> {
        for profile in self.profiles.values() {
            profile
                .check()
                .map_err(|message| ConfigError::InvalidProfile { profile: profile.name.clone(), message })?;
        }
        let file = FileConfig {
            active_profile: &self.active_profile,
            profiles: self.profiles.iter().map(|(name, p)| (name.as_str(), FileProfile::from(p))).collect(),
        };
        toml::to_string_pretty(&file).map_err(|e| ConfigError::Serialize { message: e.to_string() })
    }

    /// Writes the config atomically to `path` (creating parent directories)
    /// and remembers `path` as the anchor for relative keystore paths.
    pub fn save(&mut self, path: impl Into<PathBuf>) -> Result<(), ConfigError> {
        let path = path.into();
        let text = self.to_toml()?;
        let dir = crate::fs_util::parent_dir(&path);
        std::fs::create_dir_all(&dir).map_err(|source| ConfigError::Io {
            action: "create config directory",
            path: dir,
            source,
        })?;
        write_atomic(&path, text.as_bytes(), CONFIG_MODE).map_err(|source| ConfigError::Io {
            action: "write client config",
            path: path.clone(),
            source,
        })?;
        self.path = Some(path);
        Ok(())
    }

    /// The file this config was loaded from or last saved to.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The active profile.
    pub fn active_profile(&self) -> &Profile {
        // `select_profile`, `remove_profile` and `parse` keep the active name a key.
        &self.profiles[&self.active_profile]
    }

    /// The active profile, mutably (e.g. to record a deployment or address).
    pub fn active_profile_mut(&mut self) -> &mut Profile {
        self.profiles.get_mut(&self.active_profile).unwrap_or_else(|| unreachable!("the active profile always exists"))
    }

    /// Makes `name` the active profile.
    pub fn select_profile(&mut self, name: &str) -> Result<&Profile, ConfigError> {
        if !self.profiles.contains_key(name) {
            return Err(self.unknown_profile(name));
        }
        self.active_profile = name.to_owned();
        Ok(self.active_profile())
    }

    /// The profile called `name`.
    pub fn profile(&self, name: &str) -> Result<&Profile, ConfigError> {
        self.profiles.get(name).ok_or_else(|| self.unknown_profile(name))
    }

    /// The profile called `name`, mutably.
    pub fn profile_mut(&mut self, name: &str) -> Result<&mut Profile, ConfigError> {
        if !self.profiles.contains_key(name) {
            return Err(self.unknown_profile(name));
        }
        Ok(self.profiles.get_mut(name).unwrap_or_else(|| unreachable!("checked above")))
    }

    /// All profile names, sorted.
    pub fn profile_names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }

    /// Adds `profile`, or replaces the one with its name; returns the replaced one.
    pub fn set_profile(&mut self, profile: Profile) -> Result<Option<Profile>, ConfigError> {
        profile.check().map_err(|message| ConfigError::InvalidProfile { profile: profile.name.clone(), message })?;
        Ok(self.profiles.insert(profile.name.clone(), profile))
    }

    /// Removes the profile called `name`; the active profile cannot be removed.
    pub fn remove_profile(&mut self, name: &str) -> Result<Profile, ConfigError> {
        if name == self.active_profile {
            return Err(ConfigError::RemoveActiveProfile { name: name.to_owned() });
        }
        self.profiles.remove(name).ok_or_else(|| self.unknown_profile(name))
    }

    /// `path` made absolute against the config file's directory, if it is relative
    /// and the config has a file; otherwise `path` unchanged.
    pub fn resolve_path(&self, path: &Path) -> PathBuf {
        match &self.path {
            Some(config_path) if path.is_relative() => crate::fs_util::parent_dir(config_path).join(path),
            _ => path.to_path_buf(),
        }
    }

    /// The active profile's keystore path, resolved with [`ClientConfig::resolve_path`].
    pub fn active_keystore_path(&self) -> PathBuf {
        self.resolve_path(&self.active_profile().keystore_path)
    }

    fn unknown_profile(&self, name: &str) -> ConfigError {
        ConfigError::UnknownProfile {
            name: name.to_owned(),
            available: self.profiles.keys().cloned().collect::<Vec<_>>().join(", "),
        }
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    active_profile: Spanned<String>,
    #[serde(default)]
    profiles: BTreeMap<String, Spanned<RawProfile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    grpc_url: String,
    #[serde(default)]
    faucet_url: Option<String>,
    keystore_path: PathBuf,
    #[serde(default)]
    active_address: Option<Address>,
    #[serde(default)]
    wal_package: Option<Spanned<Address>>,
    #[serde(default)]
    walrus_package: Option<Spanned<Address>>,
    #[serde(default)]
    system_object: Option<Spanned<Address>>,
    #[serde(default)]
    system_initial_shared_version: Option<Spanned<u64>>,
    #[serde(default)]
    governance_object: Option<Spanned<Address>>,
    #[serde(default)]
    governance_initial_shared_version: Option<Spanned<u64>>,
}

impl RawProfile {
    /// Fails, with the span of a value that is present, unless the deployment
    /// fields are all present or all absent: a partial set is a half-edited file.
    fn into_profile(self, name: String) -> Result<Profile, (std::ops::Range<usize>, String)> {
        let fields = [
            ("wal_package", self.wal_package.as_ref().map(Spanned::span)),
            ("walrus_package", self.walrus_package.as_ref().map(Spanned::span)),
            ("system_object", self.system_object.as_ref().map(Spanned::span)),
            ("system_initial_shared_version", self.system_initial_shared_version.as_ref().map(Spanned::span)),
        ];
        let governance = match (self.governance_object, self.governance_initial_shared_version) {
            (Some(id), Some(version)) => {
                Some(SharedObjectRef { id: id.into_inner(), initial_shared_version: version.into_inner() })
            }
            (None, None) => None,
            (Some(present), None) => {
                return Err((
                    present.span(),
                    "governance_object is set without governance_initial_shared_version; set both or \
                     neither"
                        .into(),
                ));
            }
            (None, Some(present)) => {
                return Err((
                    present.span(),
                    "governance_initial_shared_version is set without governance_object; set both or \
                     neither"
                        .into(),
                ));
            }
        };
        let deployment =
            match (self.wal_package, self.walrus_package, self.system_object, self.system_initial_shared_version) {
                (Some(wal), Some(walrus), Some(system), Some(version)) => Some(Deployment {
                    wal_package: wal.into_inner(),
                    walrus_package: walrus.into_inner(),
                    system_object: system.into_inner(),
                    system_initial_shared_version: version.into_inner(),
                    governance,
                }),
                (None, None, None, None) => None,
                _ => {
                    let span = fields.iter().find_map(|(_, s)| s.clone()).unwrap_or(0..0);
                    let missing: Vec<&str> = fields.iter().filter(|(_, s)| s.is_none()).map(|(n, _)| *n).collect();
                    return Err((
                        span,
                        format!(
                            "the Walrus deployment is incomplete, missing {}; set all of \
                         wal_package, walrus_package, system_object and \
                         system_initial_shared_version, or none of them",
                            missing.join(", ")
                        ),
                    ));
                }
            };
        Ok(Profile {
            name,
            grpc_url: self.grpc_url,
            faucet_url: self.faucet_url,
            keystore_path: self.keystore_path,
            active_address: self.active_address,
            deployment,
        })
    }
}

#[derive(Serialize)]
struct FileConfig<'a> {
    active_profile: &'a str,
    profiles: BTreeMap<&'a str, FileProfile<'a>>,
}

#[derive(Serialize)]
struct FileProfile<'a> {
    grpc_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    faucet_url: Option<&'a str>,
    keystore_path: &'a Path,
    #[serde(skip_serializing_if = "Option::is_none")]
    active_address: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    wal_package: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    walrus_package: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    system_object: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    system_initial_shared_version: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    governance_object: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    governance_initial_shared_version: Option<u64>,
}

impl<'a> From<&'a Profile> for FileProfile<'a> {
    fn from(p: &'a Profile) -> Self {
        let d = p.deployment.as_ref();
        Self {
            grpc_url: &p.grpc_url,
            faucet_url: p.faucet_url.as_deref(),
            keystore_path: &p.keystore_path,
            active_address: p.active_address,
            wal_package: d.map(|d| d.wal_package),
            walrus_package: d.map(|d| d.walrus_package),
            system_object: d.map(|d| d.system_object),
            system_initial_shared_version: d.map(|d| d.system_initial_shared_version),
            governance_object: d.and_then(|d| d.governance).map(|g| g.id),
            governance_initial_shared_version: d.and_then(|d| d.governance).map(|g| g.initial_shared_version),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(byte: u8) -> Address {
        Address::new([byte; 32])
    }

    fn deployment() -> Deployment {
        Deployment {
            wal_package: addr(1),
            walrus_package: addr(2),
            system_object: addr(3),
            system_initial_shared_version: 7,
            governance: Some(SharedObjectRef { id: addr(4), initial_shared_version: 8 }),
        }
    }

    fn parse(text: &str) -> Result<ClientConfig, ConfigError> {
        ClientConfig::parse(text, Path::new("client.toml"))
    }

    #[test]
    fn local_default_points_at_the_local_chain() {
        let config = ClientConfig::local_default();
        let local = config.active_profile();
        assert_eq!(local.name(), LOCAL_PROFILE);
        assert_eq!(local.grpc_url, "http://127.0.0.1:9000");
        assert_eq!(local.keystore_path, Path::new("sui.keystore"));
        assert!(local.deployment.is_none() && local.active_address.is_none());
        assert!(matches!(local.deployment(), Err(ConfigError::NotDeployed { .. })));
        assert!(matches!(local.active_address(), Err(ConfigError::NoActiveAddress { .. })));
    }

    #[test]
    fn save_and_load_round_trip_with_relative_keystore() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("conf").join("client.toml");
        let mut config = ClientConfig::local_default();
        {
            let local = config.active_profile_mut();
            local.deployment = Some(deployment());
            local.active_address = Some(addr(9));
        }
        let mut testnet = Profile::new("testnet", "https://fullnode.testnet.sui.io:443", "/abs/sui.keystore");
        testnet.faucet_url = Some("https://faucet.testnet.sui.io".into());
        assert!(config.set_profile(testnet).unwrap().is_none());
        config.save(&path).unwrap();

        let loaded = ClientConfig::load(&path).unwrap();
        assert_eq!(loaded.path(), Some(path.as_path()));
        assert_eq!(loaded, config);
        assert_eq!(loaded.active_keystore_path(), dir.path().join("conf").join("sui.keystore"));
        let testnet = loaded.profile("testnet").unwrap();
        assert_eq!(loaded.resolve_path(&testnet.keystore_path), Path::new("/abs/sui.keystore"));
        assert_eq!(loaded.profile_names().collect::<Vec<_>>(), ["local", "testnet"]);
    }

    #[test]
    fn saved_file_is_readable_toml_with_hex_ids() {
        let mut config = ClientConfig::local_default();
        config.active_profile_mut().deployment = Some(deployment());
        let text = config.to_toml().unwrap();
        assert!(text.contains("active_profile = \"local\""), "{text}");
        assert!(text.contains("[profiles.local]"), "{text}");
        assert!(text.contains(&format!("system_object = \"{}\"", addr(3))), "{text}");
        assert!(text.contains("system_initial_shared_version = 7"), "{text}");
        assert!(text.contains(&format!("governance_object = \"{}\"", addr(4))), "{text}");
        assert!(text.contains("governance_initial_shared_version = 8"), "{text}");
        assert!(!text.contains("faucet_url"), "{text}");
    }

    #[test]
    fn a_config_without_governance_still_loads_and_half_of_it_is_refused() {
        let base = "active_profile = \"local\"\n[profiles.local]\ngrpc_url = \"http://x:1\"\nkeystore_path = \"k\"\n\
                    wal_package = \"0x01\"\nwalrus_package = \"0x02\"\nsystem_object = \"0x03\"\n\
                    system_initial_shared_version = 3\n";
        let config = parse(base).unwrap();
        assert_eq!(config.active_profile().deployment().unwrap().governance, None);
        let with = format!("{base}governance_object = \"0x04\"\ngovernance_initial_shared_version = 9\n");
        let governance = parse(&with).unwrap().active_profile().deployment().unwrap().governance.unwrap();
        assert_eq!((governance.id, governance.initial_shared_version), (Address::from_hex("0x4").unwrap(), 9));
        let half = format!("{base}governance_object = \"0x04\"\n");
        let message = parse(&half).unwrap_err().to_string();
        assert!(message.contains("set both or neither") && message.contains(":9"), "{message}");
    }

    #[test]
    fn parses_the_documented_example() {
        let text = r#"
active_profile = "testnet"

[profiles.local]
grpc_url = "http://127.0.0.1:9000"
keystore_path = "sui.keystore"

[profiles.testnet]
grpc_url = "https://fullnode.testnet.sui.io:443"
faucet_url = "https://faucet.testnet.sui.io"
keystore_path = "/home/me/.sui/sui_config/sui.keystore"
active_address = "0x1ada6e6f3f3e4055096f606c746690f1108fcc2ca479055cc434a3e1d3f758aa"
wal_package = "0x01"
walrus_package = "0x02"
system_object = "0x03"
system_initial_shared_version = 3
"#;
        let config = parse(text).unwrap();
        let active = config.active_profile();
        assert_eq!(active.name(), "testnet");
        let d = active.deployment().unwrap();
        assert_eq!(d.system_object, Address::from_hex("0x3").unwrap());
        assert_eq!(d.system_initial_shared_version, 3);
    }

    #[test]
    fn select_profile_switches_or_names_the_known_ones() {
        let mut config = ClientConfig::local_default();
        config.set_profile(Profile::new("devnet", "https://d.example:443", "k")).unwrap();
        assert_eq!(config.select_profile("devnet").unwrap().name(), "devnet");
        assert_eq!(config.active_profile().name(), "devnet");

        let err = config.select_profile("mainnet").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("`mainnet`") && text.contains("devnet, local"), "{text}");
        assert_eq!(config.active_profile().name(), "devnet");
        assert!(matches!(config.profile_mut("nope"), Err(ConfigError::UnknownProfile { .. })));
    }

    #[test]
    fn active_profile_cannot_be_removed() {
        let mut config = ClientConfig::local_default();
        config.set_profile(Profile::new("other", "http://h:1", "k")).unwrap();
        assert!(matches!(config.remove_profile("local"), Err(ConfigError::RemoveActiveProfile { .. })));
        assert_eq!(config.remove_profile("other").unwrap().name(), "other");
        assert!(matches!(config.remove_profile("other"), Err(ConfigError::UnknownProfile { .. })));
    }

    #[test]
    fn missing_file_says_which_and_how_to_create_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("client.toml");
        let err = ClientConfig::load(&path).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, ConfigError::NotFound { .. }));
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert!(text.contains("local_default().save"), "{text}");
    }

    #[test]
    fn syntax_error_reports_its_line() {
        let text = "active_profile = \"local\"\n\n[profiles.local]\ngrpc_url = http://x\n";
        match parse(text).unwrap_err() {
            ConfigError::Parse { line, column, .. } => {
                assert_eq!(line, 4);
                assert!(column > 1);
            }
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn unknown_key_reports_its_line() {
        let text = "active_profile = \"local\"\n[profiles.local]\ngrpc_url = \"http://x:1\"\nkeystore_path = \"k\"\ngrpc_ulr = \"typo\"\n";
        let err = parse(text).unwrap_err();
        let message = err.to_string();
        match err {
            ConfigError::Parse { line, .. } => assert_eq!(line, 5, "{message}"),
            other => panic!("unexpected {other}"),
        }
        assert!(message.contains("grpc_ulr"), "{message}");
    }

    #[test]
    fn bad_address_reports_its_line() {
        let text = "active_profile = \"local\"\n[profiles.local]\ngrpc_url = \"http://x:1\"\nkeystore_path = \"k\"\nactive_address = \"0xzz\"\n";
        match parse(text).unwrap_err() {
            ConfigError::Parse { line, .. } => assert_eq!(line, 5),
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn semantic_errors_report_line_and_fix() {
        let unknown_active =
            "active_profile = \"prod\"\n[profiles.local]\ngrpc_url = \"http://x:1\"\nkeystore_path = \"k\"\n";
        match parse(unknown_active).unwrap_err() {
            ConfigError::Invalid { line, message, .. } => {
                assert_eq!(line, 1);
                assert!(message.contains("local"), "{message}");
            }
            other => panic!("unexpected {other}"),
        }

        let bad_url =
            "active_profile = \"local\"\n[profiles.local]\ngrpc_url = \"127.0.0.1:9000\"\nkeystore_path = \"k\"\n";
        let err = parse(bad_url).unwrap_err();
        assert!(err.to_string().contains("http://"), "{err}");

        let partial = "active_profile = \"local\"\n[profiles.local]\ngrpc_url = \"http://x:1\"\nkeystore_path = \"k\"\nwalrus_package = \"0x2\"\n";
        match parse(partial).unwrap_err() {
            ConfigError::Invalid { line, message, .. } => {
                assert_eq!(line, 5);
                assert!(message.contains("missing wal_package, system_object"), "{message}");
            }
            other => panic!("unexpected {other}"),
        }

        let no_profiles = "active_profile = \"local\"\n";
        assert!(matches!(parse(no_profiles).unwrap_err(), ConfigError::Invalid { .. }));
    }

    #[test]
    fn invalid_profiles_are_refused_in_code_too() {
        let mut config = ClientConfig::local_default();
        assert!(matches!(
            config.set_profile(Profile::new("bad name", "http://h:1", "k")),
            Err(ConfigError::InvalidProfile { .. })
        ));
        config.active_profile_mut().grpc_url = "ftp://nope".into();
        assert!(matches!(config.to_toml(), Err(ConfigError::InvalidProfile { .. })));
        assert!(ClientConfig::new(Profile::new("ok", "", "k")).is_err());
    }

    #[test]
    fn line_and_column_count_characters() {
        assert_eq!(line_and_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_and_column("é\nx", 3), (2, 1));
        assert_eq!(line_and_column("abc", 99), (1, 4));
    }
}
