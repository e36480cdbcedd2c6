//! Account keys and a keystore file compatible with the Sui CLI.
//!
//! # The `sui.keystore` format
//!
//! The Sui CLI (`sui-keys`' `FileBasedKeystore`) stores its keys as a pretty
//! printed JSON array of strings. Each string is the standard, padded Base64
//! of `flag || private key bytes`, where `flag` is the signature scheme byte
//! (`0x00` Ed25519, `0x01` Secp256k1, `0x02` Secp256r1) and, for Ed25519, the
//! private key is the 32-byte secret seed. The public key is not stored; the
//! address is derived from it as `blake2b256(0x00 || public key)`.
//!
//! Beside it the CLI keeps `sui.aliases` (the keystore path with its extension
//! replaced by `aliases`): a JSON array of `{"alias", "public_key_base64"}`
//! objects, where `public_key_base64` is Base64 of `flag || public key`. The
//! CLI regenerates that file when it is missing, but when it exists it only
//! knows the aliases listed in it, so [`Keystore::save`] appends an alias for
//! every key of ours that the file lacks.
//!
//! This crate signs with Ed25519 only. Entries it cannot use (other schemes,
//! or JSON values that are not strings, as a newer CLI may write) are kept
//! verbatim and written back on save, so sharing a keystore with the Sui CLI
//! never loses the CLI's keys.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sui_crypto::SuiSigner as _;
use sui_crypto::ed25519::Ed25519PrivateKey;
use sui_sdk_types::{Address, Ed25519PublicKey, PersonalMessage, Transaction, UserSignature};

use crate::fs_util::{parent_dir, write_atomic};

/// Signature scheme flag of Ed25519 in Sui's `flag || key` encodings.
const ED25519_FLAG: u8 = 0x00;

/// Owner read/write only: the file holds private keys.
const KEYSTORE_MODE: u32 = 0o600;

/// Everything that can go wrong with account keys and keystore files.
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    /// The keystore file does not exist.
    #[error(
        "keystore file {} does not exist; create it with `Keystore::create` (or \
         `Keystore::load_or_create`), or point the profile's `keystore_path` at an existing \
         Sui CLI keystore such as ~/.sui/sui_config/sui.keystore",
        path.display()
    )]
    KeystoreNotFound {
        /// The path that was looked up.
        path: PathBuf,
    },

    /// `Keystore::create` was asked to create a file that already exists.
    #[error(
        "keystore file {} already exists; load it with `Keystore::load` instead of creating \
         it, or choose another path (refusing to overwrite keys)",
        path.display()
    )]
    KeystoreExists {
        /// The existing file.
        path: PathBuf,
    },

    /// Reading or writing a file failed.
    #[error("could not {action} {}: {source}; check that the path and its directory exist and are accessible", path.display())]
    Io {
        /// What was being done, e.g. "read keystore file".
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// The keystore file is not a JSON array.
    #[error(
        "keystore file {} is malformed at line {line}, column {column}: {reason}; it must be a \
         JSON array of Base64 strings as written by the Sui CLI, fix the file or restore it \
         from a backup",
        path.display()
    )]
    MalformedKeystore {
        /// The keystore file.
        path: PathBuf,
        /// 1-based line of the problem (0 when unknown).
        line: usize,
        /// 1-based column of the problem (0 when unknown).
        column: usize,
        /// What the parser objected to.
        reason: String,
    },

    /// One entry of the keystore array is not a usable key.
    #[error(
        "entry {index} (0-based) of keystore file {} is invalid: {reason}; remove or fix that \
         entry (each entry is Base64 of flag || private key)",
        path.display()
    )]
    InvalidEntry {
        /// The keystore file.
        path: PathBuf,
        /// 0-based index of the entry in the JSON array.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },

    /// A private key string given by the caller could not be decoded.
    #[error("invalid private key: {reason}")]
    InvalidPrivateKey {
        /// What is wrong with it, and what to do.
        reason: String,
    },

    /// No key for the address is in the keystore.
    #[error(
        "no key for address {address} in keystore {} ({known} Ed25519 keys present); import \
         the key (e.g. `Keystore::import_suiprivkey` with the output of `sui keytool export`) \
         or select an address listed by `Keystore::addresses`",
        path.display()
    )]
    UnknownAddress {
        /// The address asked for.
        address: Address,
        /// The keystore searched.
        path: PathBuf,
        /// How many usable keys the keystore holds.
        known: usize,
    },

    /// The signer refused to sign.
    #[error("signing as {address} failed: {source}; the key may be corrupt, re-import it")]
    Signing {
        /// The signing address.
        address: Address,
        /// The underlying error.
        #[source]
        source: sui_crypto::SignatureError,
    },

    /// The keys were saved but the Sui CLI's alias file next to them was not updated.
    #[error(
        "keys were saved, but alias file {} could not be updated: {reason}; fix the file or \
         delete it (the Sui CLI recreates it from the keystore)",
        path.display()
    )]
    AliasFile {
        /// The `.aliases` file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
}

/// One Ed25519 account: its private key, public key and Sui address.
///
/// `Debug` never prints the private key.
#[derive(Clone, PartialEq, Eq)]
pub struct AccountKey {
    private_key: Ed25519PrivateKey,
    public_key: Ed25519PublicKey,
    address: Address,
}

impl fmt::Debug for AccountKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountKey").field("address", &self.address).field("private_key", &"<elided>").finish()
    }
}

impl AccountKey {
    /// Wraps an existing private key and derives its public key and address.
    pub fn new(private_key: Ed25519PrivateKey) -> Self {
        let public_key = private_key.public_key();
        let address = public_key.derive_address();
        Self { private_key, public_key, address }
    }

    /// The key whose 32-byte Ed25519 secret seed is `seed`.
    ///
    /// Deterministic: the same seed always gives the same address. Meant for
    /// tests and reproducible local networks; real accounts should use
    /// [`AccountKey::generate`].
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self::new(Ed25519PrivateKey::new(seed))
    }

    /// A fresh key from the operating system's randomness.
    pub fn generate() -> Self {
        Self::generate_with_rng(&mut rand_core::OsRng)
    }

    /// A fresh key from the given cryptographically secure RNG.
    pub fn generate_with_rng<R>(rng: &mut R) -> Self
    where
        R: rand_core::RngCore + rand_core::CryptoRng,
    {
        Self::new(Ed25519PrivateKey::generate(rng))
    }

    /// Decodes one entry of a `sui.keystore` file: Base64 of `0x00 || 32-byte key`.
    pub fn from_keystore_entry(entry: &str) -> Result<Self, WalletError> {
        match decode_entry(entry) {
            Ok(Decoded::Ed25519(seed)) => Ok(Self::from_seed(seed)),
            Ok(Decoded::OtherScheme(flag)) => Err(WalletError::InvalidPrivateKey {
                reason: format!(
                    "scheme flag is {flag:#04x} ({}), but only Ed25519 (flag 0x00) keys are \
                     supported; generate an Ed25519 key with `sui keytool generate ed25519`",
                    scheme_name(flag)
                ),
            }),
            Err(reason) => Err(WalletError::InvalidPrivateKey { reason }),
        }
    }

    /// Encodes the key as one `sui.keystore` entry: Base64 of `0x00 || 32-byte key`.
    pub fn to_keystore_entry(&self) -> String {
        self.private_key.to_base64()
    }

    /// Decodes a Bech32 `suiprivkey1...` string, as printed by `sui keytool export`.
    pub fn from_suiprivkey(encoded: &str) -> Result<Self, WalletError> {
        Ed25519PrivateKey::from_suiprivkey(encoded.trim()).map(Self::new).map_err(|e| WalletError::InvalidPrivateKey {
            reason: format!(
                "{e}; expected an Ed25519 key in Bech32 `suiprivkey1...` form, as printed \
                     by `sui keytool export --key-identity <address>`"
            ),
        })
    }

    /// Encodes the key as a Bech32 `suiprivkey1...` string that `sui keytool import` accepts.
    pub fn to_suiprivkey(&self) -> String {
        // Encoding 33 bytes under a fixed, valid HRP cannot fail: bech32 only
        // rejects HRPs and over-long payloads.
        self.private_key
            .to_suiprivkey()
            .unwrap_or_else(|e| unreachable!("bech32 encoding of an ed25519 key failed: {e}"))
    }

    /// The account's Sui address.
    pub fn address(&self) -> Address {
        self.address
    }

    /// The account's public key.
    pub fn public_key(&self) -> &Ed25519PublicKey {
        &self.public_key
    }

    /// The account's private key, for signing APIs this type does not wrap.
    pub fn private_key(&self) -> &Ed25519PrivateKey {
        &self.private_key
    }

    /// Signs `transaction` (its intent-prefixed signing digest) with this key.
    ///
    /// The key need not be the transaction's sender: a gas sponsor signs the
    /// same transaction with its own key.
    pub fn sign_transaction(&self, transaction: &Transaction) -> Result<UserSignature, WalletError> {
        self.private_key
            .sign_transaction(transaction)
            .map_err(|source| WalletError::Signing { address: self.address, source })
    }

    /// Signs a personal message (intent-prefixed, so it can never pass as a transaction).
    pub fn sign_personal_message(&self, message: &[u8]) -> Result<UserSignature, WalletError> {
        self.private_key
            .sign_personal_message(&PersonalMessage(message.into()))
            .map_err(|source| WalletError::Signing { address: self.address, source })
    }

    /// Base64 of `0x00 || public key`, the form the Sui CLI's alias file uses.
    fn public_key_base64(&self) -> String {
        let mut bytes = Vec::with_capacity(1 + Ed25519PublicKey::LENGTH);
        bytes.push(ED25519_FLAG);
        bytes.extend_from_slice(self.public_key.inner());
        BASE64.encode(bytes)
    }
}

/// One element of the keystore's JSON array.
#[derive(Clone)]
enum Entry {
    // Boxed: a key is ~300 bytes, a preserved JSON value ~32.
    Account(Box<AccountKey>),
    /// Kept only to be written back unchanged; may hold another scheme's secret.
    Preserved(serde_json::Value),
}

enum Decoded {
    /// The 32-byte secret seed.
    Ed25519([u8; 32]),
    OtherScheme(u8),
}

fn decode_entry(entry: &str) -> Result<Decoded, String> {
    let bytes = BASE64.decode(entry.trim()).map_err(|e| format!("not valid Base64 ({e})"))?;
    let Some((&flag, key)) = bytes.split_first() else {
        return Err("empty key".to_owned());
    };
    if flag != ED25519_FLAG {
        return Ok(Decoded::OtherScheme(flag));
    }
    let seed: [u8; 32] = key.try_into().map_err(|_| {
        if key.len() == 64 {
            // Keystores from 2022 stored flag || public key || private key.
            "has 65 bytes, the pre-2023 Sui format (flag || public key || private key); export \
             it with an old `sui keytool` and re-import it as a `suiprivkey` string"
                .to_owned()
        } else {
            format!("Ed25519 entry has {} key bytes after the flag, expected 32", key.len())
        }
    })?;
    Ok(Decoded::Ed25519(seed))
}

fn scheme_name(flag: u8) -> &'static str {
    match flag {
        0x01 => "Secp256k1",
        0x02 => "Secp256r1",
        _ => "unknown scheme",
    }
}

/// A `sui.keystore` file: the account keys the client can sign with.
///
/// Methods that add a key save the file before returning, so a key is never
/// handed out (and funded) without being on disk; if the save fails the key
/// is dropped again and the error returned.
#[derive(Clone)]
pub struct Keystore {
    path: PathBuf,
    entries: Vec<Entry>,
}

impl fmt::Debug for Keystore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keystore")
            .field("path", &self.path)
            .field("addresses", &self.addresses())
            .field("preserved_entries", &self.preserved_entry_count())
            .finish()
    }
}

impl Keystore {
    /// Reads an existing keystore file.
    pub fn load(path: impl Into<PathBuf>) -> Result<Self, WalletError> {
        let path = path.into();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(WalletError::KeystoreNotFound { path });
            }
            Err(source) => {
                return Err(WalletError::Io { action: "read keystore file", path, source });
            }
        };
        let entries = parse_keystore(&path, &text)?;
        Ok(Self { path, entries })
    }

    /// Creates a new, empty keystore file (and its parent directories).
    ///
    /// Fails with [`WalletError::KeystoreExists`] rather than overwrite keys.
    pub fn create(path: impl Into<PathBuf>) -> Result<Self, WalletError> {
        let path = path.into();
        if path.exists() {
            return Err(WalletError::KeystoreExists { path });
        }
        let dir = parent_dir(&path);
        std::fs::create_dir_all(&dir).map_err(|source| WalletError::Io {
            action: "create keystore directory",
            path: dir,
            source,
        })?;
        let keystore = Self { path, entries: Vec::new() };
        keystore.save()?;
        Ok(keystore)
    }

    /// Loads the keystore at `path`, creating an empty one if there is none.
    pub fn load_or_create(path: impl Into<PathBuf>) -> Result<Self, WalletError> {
        match Self::load(path) {
            Err(WalletError::KeystoreNotFound { path }) => Self::create(path),
            other => other,
        }
    }

    /// The file this keystore is read from and saved to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn accounts(&self) -> impl Iterator<Item = &AccountKey> {
        self.entries.iter().filter_map(|e| match e {
            Entry::Account(key) => Some(key.as_ref()),
            Entry::Preserved(_) => None,
        })
    }

    /// The addresses of all usable (Ed25519) keys, in file order.
    pub fn addresses(&self) -> Vec<Address> {
        self.accounts().map(AccountKey::address).collect()
    }

    /// Number of usable (Ed25519) keys.
    pub fn len(&self) -> usize {
        self.accounts().count()
    }

    /// Whether there is no usable (Ed25519) key.
    pub fn is_empty(&self) -> bool {
        self.accounts().next().is_none()
    }

    /// Number of entries this client cannot use but keeps for the Sui CLI.
    pub fn preserved_entry_count(&self) -> usize {
        self.entries.len() - self.len()
    }

    /// Whether a key for `address` is present.
    pub fn contains(&self, address: &Address) -> bool {
        self.get(address).is_some()
    }

    /// The key for `address`, if present.
    pub fn get(&self, address: &Address) -> Option<&AccountKey> {
        self.accounts().find(|k| k.address == *address)
    }

    /// The key for `address`, or an error naming the keystore and what to do.
    pub fn key(&self, address: &Address) -> Result<&AccountKey, WalletError> {
        self.get(address).ok_or_else(|| WalletError::UnknownAddress {
            address: *address,
            path: self.path.clone(),
            known: self.len(),
        })
    }

    /// Adds `key` and saves the file; adding a key already present is a no-op.
    pub fn add_key(&mut self, key: AccountKey) -> Result<Address, WalletError> {
        let address = key.address;
        if self.contains(&address) {
            return Ok(address);
        }
        self.entries.push(Entry::Account(Box::new(key)));
        if let Err(e) = self.save() {
            self.entries.pop();
            return Err(e);
        }
        Ok(address)
    }

    /// Generates a key from OS randomness, adds it and saves the file.
    pub fn generate_key(&mut self) -> Result<Address, WalletError> {
        self.add_key(AccountKey::generate())
    }

    /// Adds the deterministic key for `seed` (see [`AccountKey::from_seed`]) and saves.
    pub fn generate_key_from_seed(&mut self, seed: [u8; 32]) -> Result<Address, WalletError> {
        self.add_key(AccountKey::from_seed(seed))
    }

    /// Imports a `suiprivkey1...` string (from `sui keytool export`) and saves.
    pub fn import_suiprivkey(&mut self, encoded: &str) -> Result<Address, WalletError> {
        self.add_key(AccountKey::from_suiprivkey(encoded)?)
    }

    /// Signs `transaction` with the key of its sender.
    pub fn sign_transaction(&self, transaction: &Transaction) -> Result<UserSignature, WalletError> {
        self.sign_transaction_as(&transaction.sender, transaction)
    }

    /// Signs `transaction` with the key of `signer` (e.g. a gas sponsor).
    pub fn sign_transaction_as(
        &self,
        signer: &Address,
        transaction: &Transaction,
    ) -> Result<UserSignature, WalletError> {
        self.key(signer)?.sign_transaction(transaction)
    }

    /// Writes the keystore atomically with owner-only permissions (0o600 on Unix).
    ///
    /// If the Sui CLI's alias file exists next to it, aliases for keys it
    /// does not list yet are appended, so `sui client` shows them too.
    pub fn save(&self) -> Result<(), WalletError> {
        let values: Vec<serde_json::Value> = self
            .entries
            .iter()
            .map(|e| match e {
                Entry::Account(key) => serde_json::Value::String(key.to_keystore_entry()),
                Entry::Preserved(v) => v.clone(),
            })
            .collect();
        let text = to_pretty_json(&values);
        write_atomic(&self.path, text.as_bytes(), KEYSTORE_MODE).map_err(|source| WalletError::Io {
            action: "write keystore file",
            path: self.path.clone(),
            source,
        })?;
        self.sync_aliases()
    }

    /// The Sui CLI's alias file for this keystore (`sui.keystore` -> `sui.aliases`).
    pub fn aliases_path(&self) -> PathBuf {
        self.path.with_extension("aliases")
    }

    fn sync_aliases(&self) -> Result<(), WalletError> {
        let path = self.aliases_path();
        let alias_error = |reason: String| WalletError::AliasFile { path: path.clone(), reason };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            // The CLI builds the file itself when it is absent.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(alias_error(e.to_string())),
        };
        let mut aliases: Vec<serde_json::Value> = serde_json::from_str(&text).map_err(|e| {
            alias_error(format!("not a JSON array of alias objects (line {}, column {}: {e})", e.line(), e.column()))
        })?;
        let field =
            |v: &serde_json::Value, name: &str| v.get(name).and_then(serde_json::Value::as_str).map(str::to_owned);
        let mut known_keys: HashSet<String> = aliases.iter().filter_map(|v| field(v, "public_key_base64")).collect();
        let mut names: HashSet<String> = aliases.iter().filter_map(|v| field(v, "alias")).collect();
        let before = aliases.len();
        for key in self.accounts() {
            let public_key_base64 = key.public_key_base64();
            if !known_keys.insert(public_key_base64.clone()) {
                continue;
            }
            let alias = unique_alias(&key.address, &names);
            names.insert(alias.clone());
            aliases.push(serde_json::json!({
                "alias": alias,
                "public_key_base64": public_key_base64,
            }));
        }
        if aliases.len() == before {
            return Ok(());
        }
        write_atomic(&path, to_pretty_json(&aliases).as_bytes(), KEYSTORE_MODE).map_err(|e| alias_error(e.to_string()))
    }
}

/// An alias matching the Sui CLI's rule (a letter, then letters, digits, `-`, `_`).
fn unique_alias(address: &Address, taken: &HashSet<String>) -> String {
    let hex = address.to_string();
    let base = format!("walrus-{}", &hex[2..10]);
    if !taken.contains(&base) {
        return base;
    }
    (2u32..).map(|n| format!("{base}-{n}")).find(|candidate| !taken.contains(candidate)).unwrap_or(base)
}

fn to_pretty_json(values: &[serde_json::Value]) -> String {
    // Serialising `Value`s cannot fail: their map keys are always strings.
    serde_json::to_string_pretty(values).unwrap_or_else(|e| unreachable!("serialising JSON values failed: {e}"))
}

fn parse_keystore(path: &Path, text: &str) -> Result<Vec<Entry>, WalletError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| WalletError::MalformedKeystore {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        reason: e.to_string(),
    })?;
    let serde_json::Value::Array(items) = value else {
        return Err(WalletError::MalformedKeystore {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            reason: "the top-level value is not an array".to_owned(),
        });
    };
    let mut seen = HashSet::new();
    let mut entries = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let serde_json::Value::String(s) = &item else {
            entries.push(Entry::Preserved(item));
            continue;
        };
        match decode_entry(s) {
            Ok(Decoded::Ed25519(seed)) => {
                let key = AccountKey::from_seed(seed);
                // The CLI keys its map by address, so duplicates collapse there too.
                if seen.insert(key.address) {
                    entries.push(Entry::Account(Box::new(key)));
                }
            }
            Ok(Decoded::OtherScheme(_)) => entries.push(Entry::Preserved(item)),
            Err(reason) => {
                return Err(WalletError::InvalidEntry { path: path.to_path_buf(), index, reason });
            }
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sui_crypto::SuiVerifier as _;
    use sui_crypto::ed25519::Ed25519Verifier;
    use sui_sdk_types::{
        Digest, GasPayment, ObjectReference, ProgrammableTransaction, TransactionExpiration, TransactionKind,
    };

    /// Keystore entries and addresses from the Sui repository's keytool tests
    /// (`crates/sui/src/unit_tests/keytool_tests.rs`, `test_mnemonics_ed25519`),
    /// shared with the TypeScript SDK's `ed25519-keypair.test.ts`.
    const SUI_CLI_VECTORS: [(&str, &str); 2] = [
        (
            "AN0JMHpDum3BhrVwnkylH0/HGRHBQ/fO/8+MYOawO8j6",
            "0xa2d14fad60c56049ecf75246a481934691214ce413e6a8ae2fe6834c173a6133",
        ),
        (
            "AJrA997C1eVz6wYIp7bO8dpITSRBXpvg1m70/P3gusu2",
            "0x1ada6e6f3f3e4055096f606c746690f1108fcc2ca479055cc434a3e1d3f758aa",
        ),
    ];

    /// Upstream `Ed25519KeyPair::generate(StdRng::from_seed([0; 32]))` as
    /// `suiprivkey`, quoted in sui-crypto's own tests from sui-types' crypto tests.
    const UPSTREAM_SUIPRIVKEY: &str = "suiprivkey1qzdlfxn2qa2lj5uprl8pyhexs02sg2wrhdy7qaq50cqgnffw4c2477kg9h3";

    fn sample_transaction(sender: Address) -> Transaction {
        Transaction {
            kind: TransactionKind::ProgrammableTransaction(ProgrammableTransaction {
                inputs: vec![],
                commands: vec![],
            }),
            sender,
            gas_payment: GasPayment {
                objects: vec![ObjectReference::new(Address::new([7; 32]), 3, Digest::new([9; 32]))],
                owner: sender,
                price: 1_000,
                budget: 50_000_000,
            },
            expiration: TransactionExpiration::None,
        }
    }

    fn keystore_in(dir: &tempfile::TempDir) -> PathBuf {
        dir.path().join("sui_config").join("sui.keystore")
    }

    #[test]
    fn sui_cli_entries_decode_to_the_cli_addresses_and_re_encode_identically() {
        for (entry, address) in SUI_CLI_VECTORS {
            let key = AccountKey::from_keystore_entry(entry).unwrap();
            assert_eq!(key.address(), Address::from_hex(address).unwrap());
            assert_eq!(key.to_keystore_entry(), entry);
        }
    }

    #[test]
    fn suiprivkey_round_trips_and_matches_the_keystore_encoding() {
        let key = AccountKey::from_suiprivkey(UPSTREAM_SUIPRIVKEY).unwrap();
        assert_eq!(key.to_suiprivkey(), UPSTREAM_SUIPRIVKEY);
        let again = AccountKey::from_keystore_entry(&key.to_keystore_entry()).unwrap();
        assert_eq!(again, key);
        let err = AccountKey::from_suiprivkey("suiprivkey1notakey").unwrap_err();
        assert!(err.to_string().contains("sui keytool export"), "{err}");
    }

    #[test]
    fn seeds_are_deterministic_and_os_keys_are_distinct() {
        assert_eq!(AccountKey::from_seed([1; 32]).address(), AccountKey::from_seed([1; 32]).address());
        assert_ne!(AccountKey::from_seed([1; 32]).address(), AccountKey::from_seed([2; 32]).address());
        assert_ne!(AccountKey::generate().address(), AccountKey::generate().address());
    }

    #[test]
    fn address_is_blake2b_of_flag_and_public_key() {
        let key = AccountKey::from_seed([5; 32]);
        let mut hasher = sui_sdk_types::hash::Hasher::new();
        hasher.update([ED25519_FLAG]);
        hasher.update(key.public_key().inner());
        assert_eq!(key.address(), Address::new(hasher.finalize().into_inner()));
    }

    #[test]
    fn debug_output_hides_the_private_key() {
        let key = AccountKey::from_seed([3; 32]);
        let debug = format!("{key:?}");
        assert!(!debug.contains(&key.to_keystore_entry()));
        assert!(debug.contains("elided"));
    }

    #[test]
    fn signed_transaction_verifies_and_tampering_is_detected() {
        let key = AccountKey::from_seed([42; 32]);
        let tx = sample_transaction(key.address());
        let signature = key.sign_transaction(&tx).unwrap();
        Ed25519Verifier::new().verify_transaction(&tx, &signature).unwrap();
        key.private_key().verifying_key().verify_transaction(&tx, &signature).unwrap();

        let mut tampered = tx.clone();
        tampered.gas_payment.budget += 1;
        assert!(Ed25519Verifier::new().verify_transaction(&tampered, &signature).is_err());

        let other = AccountKey::from_seed([43; 32]);
        assert!(other.private_key().verifying_key().verify_transaction(&tx, &signature).is_err());
    }

    #[test]
    fn personal_message_signature_is_not_a_transaction_signature() {
        let key = AccountKey::from_seed([8; 32]);
        let signature = key.sign_personal_message(b"hello").unwrap();
        Ed25519Verifier::new()
            .verify_personal_message(&PersonalMessage(b"hello".as_slice().into()), &signature)
            .unwrap();
    }

    #[test]
    fn create_generate_save_and_load_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = keystore_in(&dir);
        let mut store = Keystore::create(&path).unwrap();
        assert!(store.is_empty());
        let a = store.generate_key_from_seed([1; 32]).unwrap();
        let b = store.generate_key().unwrap();
        assert_eq!(store.generate_key_from_seed([1; 32]).unwrap(), a);

        let loaded = Keystore::load(&path).unwrap();
        assert_eq!(loaded.addresses(), vec![a, b]);
        assert_eq!(loaded.key(&a).unwrap(), &AccountKey::from_seed([1; 32]));

        // The file is exactly what the Sui CLI writes: a JSON array of strings.
        let raw: Vec<String> = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(raw[0], AccountKey::from_seed([1; 32]).to_keystore_entry());
        assert_eq!(raw.len(), 2);
    }

    #[test]
    fn loads_a_sui_cli_keystore_and_signs_for_its_sender() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sui.keystore");
        let entries: Vec<&str> = SUI_CLI_VECTORS.iter().map(|(e, _)| *e).collect();
        std::fs::write(&path, serde_json::to_string_pretty(&entries).unwrap()).unwrap();

        let store = Keystore::load(&path).unwrap();
        let sender = Address::from_hex(SUI_CLI_VECTORS[1].1).unwrap();
        assert!(store.contains(&sender));
        let tx = sample_transaction(sender);
        let signature = store.sign_transaction(&tx).unwrap();
        Ed25519Verifier::new().verify_transaction(&tx, &signature).unwrap();

        let stranger = AccountKey::from_seed([9; 32]).address();
        let err = store.sign_transaction(&sample_transaction(stranger)).unwrap_err();
        assert!(matches!(err, WalletError::UnknownAddress { known: 2, .. }));
        assert!(err.to_string().contains("import"), "{err}");
    }

    #[test]
    fn foreign_entries_survive_a_save() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sui.keystore");
        // A Secp256k1 entry (flag 0x01) and a non-string item.
        let secp = BASE64.encode([[1u8].as_slice(), &[0x11; 32]].concat());
        let original = serde_json::json!([secp, {"future": "format"}, SUI_CLI_VECTORS[0].0]);
        std::fs::write(&path, original.to_string()).unwrap();

        let mut store = Keystore::load(&path).unwrap();
        assert_eq!(store.len(), 1);
        assert_eq!(store.preserved_entry_count(), 2);
        store.generate_key_from_seed([4; 32]).unwrap();

        let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let saved = saved.as_array().unwrap();
        assert_eq!(&saved[..3], original.as_array().unwrap().as_slice());
        assert_eq!(saved.len(), 4);
        assert!(!format!("{store:?}").contains(&secp));
    }

    #[test]
    fn existing_alias_file_gets_aliases_for_new_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sui.keystore");
        let mut store = Keystore::create(&path).unwrap();
        let aliases_path = dir.path().join("sui.aliases");
        assert_eq!(store.aliases_path(), aliases_path);
        std::fs::write(&aliases_path, r#"[{"alias": "cli-key", "public_key_base64": "AAAA"}]"#).unwrap();

        let address = store.generate_key_from_seed([6; 32]).unwrap();
        store.save().unwrap();
        let aliases: Vec<serde_json::Value> = serde_json::from_slice(&std::fs::read(&aliases_path).unwrap()).unwrap();
        assert_eq!(aliases.len(), 2, "saving twice must not duplicate: {aliases:?}");
        assert_eq!(aliases[0]["alias"], "cli-key");
        let key = store.key(&address).unwrap();
        assert_eq!(aliases[1]["public_key_base64"], key.public_key_base64());
        assert_eq!(aliases[1]["alias"], format!("walrus-{}", &address.to_string()[2..10]));
    }

    #[test]
    fn no_alias_file_is_created_when_absent() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Keystore::create(dir.path().join("sui.keystore")).unwrap();
        store.generate_key_from_seed([6; 32]).unwrap();
        assert!(!store.aliases_path().exists());
    }

    #[test]
    fn alias_names_avoid_collisions() {
        let address = AccountKey::from_seed([1; 32]).address();
        let base = unique_alias(&address, &HashSet::new());
        let taken: HashSet<String> = [base.clone(), format!("{base}-2")].into();
        assert_eq!(unique_alias(&address, &taken), format!("{base}-3"));
    }

    #[cfg(unix)]
    #[test]
    fn keystore_file_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = Keystore::create(keystore_in(&dir)).unwrap();
        let mode = std::fs::metadata(store.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn errors_name_the_file_and_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sui.keystore");

        let err = Keystore::load(&path).unwrap_err();
        assert!(matches!(err, WalletError::KeystoreNotFound { .. }));
        assert!(err.to_string().contains(&path.display().to_string()));
        assert!(err.to_string().contains("Keystore::create"));

        std::fs::write(&path, "[\n  \"AAAA\",\n  oops\n]").unwrap();
        match Keystore::load(&path).unwrap_err() {
            WalletError::MalformedKeystore { line, .. } => assert_eq!(line, 3),
            other => panic!("unexpected {other}"),
        }

        std::fs::write(&path, r#"{"keys": []}"#).unwrap();
        assert!(matches!(Keystore::load(&path).unwrap_err(), WalletError::MalformedKeystore { .. }));

        std::fs::write(&path, r#"["AN0JMHpDum3BhrVwnkylH0/HGRHBQ/fO/8+MYOawO8j6", "!!"]"#).unwrap();
        match Keystore::load(&path).unwrap_err() {
            WalletError::InvalidEntry { index, reason, .. } => {
                assert_eq!(index, 1);
                assert!(reason.contains("Base64"), "{reason}");
            }
            other => panic!("unexpected {other}"),
        }

        let short = BASE64.encode([0u8; 17]);
        std::fs::write(&path, format!("[\"{short}\"]")).unwrap();
        let err = Keystore::load(&path).unwrap_err();
        assert!(err.to_string().contains("expected 32"), "{err}");

        assert!(matches!(Keystore::create(&path).unwrap_err(), WalletError::KeystoreExists { .. }));
    }

    #[test]
    fn non_ed25519_entry_is_rejected_for_direct_use() {
        let secp = BASE64.encode([[1u8].as_slice(), &[0x11; 32]].concat());
        let err = AccountKey::from_keystore_entry(&secp).unwrap_err();
        assert!(err.to_string().contains("Secp256k1"), "{err}");
    }

    #[test]
    fn load_or_create_creates_once_then_loads() {
        let dir = tempfile::tempdir().unwrap();
        let path = keystore_in(&dir);
        let mut store = Keystore::load_or_create(&path).unwrap();
        let a = store.generate_key_from_seed([2; 32]).unwrap();
        assert_eq!(Keystore::load_or_create(&path).unwrap().addresses(), vec![a]);
    }

    #[cfg(unix)]
    #[test]
    fn failed_save_does_not_keep_the_new_key() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("sui.keystore");
        let mut store = Keystore::create(&path).unwrap();
        let sub = dir.path().join("sub");
        std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o500)).unwrap();
        // Root ignores directory permissions, so only assert when the write really failed.
        if let Err(e) = store.generate_key_from_seed([7; 32]) {
            assert!(matches!(e, WalletError::Io { .. }), "{e}");
            assert!(store.is_empty());
        }
        std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
}
