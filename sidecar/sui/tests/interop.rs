//! The Rust client builds byte-for-byte the transactions the Sui TypeScript SDK (`@mysten/sui`)
//! builds for the same inputs: `scripts/interop/build_transaction.mjs` prints the SDK's bytes,
//! and the same calls through [`WalrusPtb`] must give the same bytes.
//!
//! Needs Node.js and `scripts/node_modules` (installed by `scripts/install-deps.sh`); without
//! them the test fails saying so rather than passing silently.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use sui_sdk_types::{Address, Digest, ObjectReference, Transaction};
use walrus_core::{BlobCommitment, EncodingConfig};
use walrus_sui::{AccountKey, Deployment, WalrusPtb};

/// The script gets this long to build a transaction (Node starts in well under a second).
const NODE_TIMEOUT: Duration = Duration::from_secs(60);
const N_SHARDS: u16 = 10;
const GAS_BUDGET_MIST: u64 = 50_000_000;
const GAS_PRICE_MIST: u64 = 1_000;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The TypeScript SDK's bytes for `request`.
fn typescript_bytes(request: &serde_json::Value) -> Vec<u8> {
    let root = repo_root();
    let sdk = root.join("scripts/node_modules/@mysten/sui/package.json");
    assert!(
        sdk.exists(),
        "{} is missing: run scripts/install-deps.sh (it installs the pinned @mysten/sui into scripts/node_modules)",
        sdk.display()
    );
    let mut child = Command::new("node")
        .arg(root.join("scripts/interop/build_transaction.mjs"))
        .arg(request.to_string())
        .current_dir(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `node` ({e}): install Node.js and run scripts/install-deps.sh"));
    let deadline = Instant::now() + NODE_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("build_transaction.mjs did not finish within {NODE_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(status.success(), "build_transaction.mjs failed ({status}): {stderr}");
    hex::decode(stdout.trim()).unwrap_or_else(|e| panic!("the script printed no hex ({e}): {stdout:?}"))
}

/// Compares the Rust transaction with the script's bytes, showing both decoded on a mismatch.
fn assert_same(rust: &Transaction, typescript: &[u8]) {
    let rust_bytes = bcs::to_bytes(rust).unwrap();
    if rust_bytes != typescript {
        let decoded: Result<Transaction, _> = bcs::from_bytes(typescript);
        panic!(
            "the Rust and TypeScript transactions differ\nrust:       {}\ntypescript: {}\nrust:       {rust:#?}\ntypescript: {decoded:#?}",
            hex::encode(&rust_bytes),
            hex::encode(typescript)
        );
    }
    let decoded: Transaction = bcs::from_bytes(typescript).unwrap();
    assert_eq!(decoded.digest(), rust.digest());
}

struct Fixture {
    sender: Address,
    gas: ObjectReference,
    deployment: Deployment,
}

impl Fixture {
    fn new() -> Self {
        let id = |byte: u8| Address::new([byte; 32]);
        Self {
            sender: AccountKey::from_seed([2; 32]).address(),
            gas: ObjectReference::new(id(0x11), 17, Digest::new([0x22; 32])),
            deployment: Deployment {
                wal_package: id(0xa1),
                walrus_package: id(0xa2),
                system_object: id(0x33),
                system_initial_shared_version: 5,
                governance: None,
            },
        }
    }

    /// The fields every request shares.
    fn request(&self, kind: &str) -> serde_json::Value {
        json!({
            "kind": kind,
            "sender": self.sender.to_string(),
            "gas": reference_json(&self.gas),
            "gas_budget": GAS_BUDGET_MIST.to_string(),
            "gas_price": GAS_PRICE_MIST.to_string(),
            "walrus_package": self.deployment.walrus_package.to_string(),
            "system_object": self.deployment.system_object.to_string(),
            "system_initial_shared_version": self.deployment.system_initial_shared_version,
        })
    }

    fn finish(&self, ptb: WalrusPtb) -> Transaction {
        ptb.finish(self.sender, &self.gas, GAS_BUDGET_MIST, GAS_PRICE_MIST).unwrap()
    }
}

fn reference_json(reference: &ObjectReference) -> serde_json::Value {
    json!({
        "object_id": reference.object_id().to_string(),
        "version": reference.version(),
        "digest": reference.digest().to_string(),
    })
}

fn merge(mut base: serde_json::Value, extra: serde_json::Value) -> serde_json::Value {
    let target = base.as_object_mut().unwrap();
    for (key, value) in extra.as_object().unwrap() {
        target.insert(key.clone(), value.clone());
    }
    base
}

fn commitment(data: &[u8]) -> BlobCommitment {
    let config = EncodingConfig::new(N_SHARDS).unwrap();
    walrus_core::encode(&config, data, 1).unwrap().metadata().commitment
}

#[test]
fn reserve_and_register_matches_the_typescript_sdk() {
    let fixture = Fixture::new();
    let data = b"the same transaction from Rust and from TypeScript".repeat(20);
    let commitment = commitment(&data);
    let storage_size = walrus_contracts::encoding::encoded_size_bytes(data.len() as u64, N_SHARDS).unwrap();
    let payment = [
        ObjectReference::new(Address::new([0x44; 32]), 9, Digest::new([0x55; 32])),
        ObjectReference::new(Address::new([0x66; 32]), 3, Digest::new([0x77; 32])),
    ];
    // Two requests: one coin pays, and two coins merged into the first pay.
    for coins in [&payment[..1], &payment[..]] {
        let mut ptb = WalrusPtb::new(fixture.deployment);
        ptb.reserve_and_register(coins, storage_size, 3, &commitment, true, fixture.sender);
        let rust = fixture.finish(ptb);
        let request = merge(
            fixture.request("reserve_and_register"),
            json!({
                "payment": coins.iter().map(reference_json).collect::<Vec<_>>(),
                "storage_size": storage_size.to_string(),
                "epochs_ahead": 3,
                "blob_id_hex": hex::encode(commitment.blob_id().0),
                "root_hash_hex": hex::encode(commitment.root),
                "size": commitment.unencoded_size_bytes.to_string(),
                "encoding_type": commitment.encoding_type,
                "deletable": true,
                "recipient": fixture.sender.to_string(),
            }),
        );
        assert_same(&rust, &typescript_bytes(&request));
    }
}

#[test]
fn certify_blob_matches_the_typescript_sdk() {
    let fixture = Fixture::new();
    let blob = ObjectReference::new(Address::new([0x88; 32]), 4, Digest::new([0x99; 32]));
    let certificate = walrus_sui::client::Certificate {
        signature: (0..96).collect(),
        signers_bitmap: vec![0x0e],
        message: (0..40).map(|i| i * 3).collect(),
    };
    // The client's certify_blob: the system read-only, the blob, the certificate.
    let mut ptb = WalrusPtb::new(fixture.deployment);
    let system = ptb.system(false);
    let blob_argument = ptb.owned(&blob);
    ptb.certify_blob(system, blob_argument, &certificate);
    let rust = fixture.finish(ptb);
    let request = merge(
        fixture.request("certify_blob"),
        json!({
            "blob": reference_json(&blob),
            "signature_hex": hex::encode(&certificate.signature),
            "signers_bitmap_hex": hex::encode(&certificate.signers_bitmap),
            "message_hex": hex::encode(&certificate.message),
        }),
    );
    assert_same(&rust, &typescript_bytes(&request));
}

#[test]
fn attribute_calls_match_the_typescript_sdk() {
    let fixture = Fixture::new();
    let blob = ObjectReference::new(Address::new([0x12; 32]), 8, Digest::new([0x34; 32]));
    let (key, value) = ("content-type", "text/plain; charset=utf-8 ✓");
    let mut ptb = WalrusPtb::new(fixture.deployment);
    let blob_argument = ptb.owned(&blob);
    ptb.insert_or_update_metadata_pair(blob_argument, key, value);
    // The same key again: a separate input, as the TypeScript SDK never merges pure values.
    ptb.remove_metadata_pair(blob_argument, key);
    let rust = fixture.finish(ptb);
    let request =
        merge(fixture.request("attributes"), json!({ "blob": reference_json(&blob), "key": key, "value": value }));
    assert_same(&rust, &typescript_bytes(&request));
}
