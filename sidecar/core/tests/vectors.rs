//! Test vectors shared with the Move tests and other implementations, in `tests/vectors/`.
//!
//! `encoding.json` is produced by this crate: set `WALRUS_WRITE_VECTORS=1` to rewrite it after
//! a deliberate format change. `blob_id_derivation.json` is produced independently (Python, see
//! `scripts/vectors/`) and must agree with this crate.

mod common;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use walrus_core::{BlobId, EncodingConfig, encode};

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

/// Blob contents that any implementation can reproduce: byte `k` is `(k * 31 + seed) mod 251`.
fn pattern(size: usize, seed: u64) -> Vec<u8> {
    (0..size as u64).map(|k| ((k * 31 + seed) % 251) as u8).collect()
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct EncodingVector {
    n_shards: u16,
    unencoded_size: u64,
    pattern_seed: u64,
    symbol_size: u32,
    encoded_size: u64,
    root_hash_hex: String,
    blob_id_hex: String,
    blob_id: String,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct EncodingVectors {
    description: String,
    vectors: Vec<EncodingVector>,
}

fn compute() -> EncodingVectors {
    let cases = [
        (4u16, 0u64, 0u64),
        (4, 1, 5),
        (10, 0, 0),
        (10, 13, 1),
        (10, 1000, 2),
        (31, 65_537, 3),
        (100, 12_345, 4),
        (1000, 1, 5),
    ];
    let vectors = cases
        .iter()
        .map(|&(n, size, seed)| {
            let config = EncodingConfig::new(n).unwrap();
            let data = pattern(size as usize, seed);
            let encoded = encode(&config, &data, 1).unwrap();
            let commitment = encoded.metadata().commitment;
            EncodingVector {
                n_shards: n,
                unencoded_size: size,
                pattern_seed: seed,
                symbol_size: config.symbol_size_bytes(size).unwrap(),
                encoded_size: config.encoded_size_bytes(size).unwrap(),
                root_hash_hex: hex::encode(commitment.root),
                blob_id_hex: hex::encode(encoded.blob_id().0),
                blob_id: encoded.blob_id().to_string(),
            }
        })
        .collect();
    EncodingVectors {
        description: "RedStuff encodings (docs/encoding.md). Blob byte k = (k * 31 + pattern_seed) mod 251. \
                      root_hash_hex is the blob root (also the BCS bytes of the Move u256); blob_id_hex is \
                      sha256(bcs(encoding_type=1, unencoded_size, root_hash)); blob_id is its URL-safe base64."
            .to_string(),
        vectors,
    }
}

#[test]
fn encoding_vectors_match() {
    let path = vectors_dir().join("encoding.json");
    let computed = compute();
    if std::env::var_os("WALRUS_WRITE_VECTORS").is_some() {
        std::fs::create_dir_all(vectors_dir()).unwrap();
        std::fs::write(&path, serde_json::to_string_pretty(&computed).unwrap() + "\n").unwrap();
    }
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with WALRUS_WRITE_VECTORS=1 to create it", path.display()));
    let stored: EncodingVectors = serde_json::from_str(&text).unwrap();
    assert_eq!(stored, computed, "the encoding changed; if deliberate, regenerate with WALRUS_WRITE_VECTORS=1");
}

#[derive(Deserialize)]
struct DerivationVector {
    encoding_type: u8,
    unencoded_size: u64,
    root_hash_hex: String,
    derivation_bcs_hex: String,
    blob_id_hex: String,
}

#[test]
fn independent_blob_id_derivation_vectors_match() {
    let path = vectors_dir().join("blob_id_derivation.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let vectors: Vec<DerivationVector> = serde_json::from_str(&text).unwrap();
    assert!(!vectors.is_empty());
    for v in vectors {
        let root: [u8; 32] = hex::decode(&v.root_hash_hex).unwrap().try_into().unwrap();
        let bytes = BlobId::derivation_bytes(v.encoding_type, v.unencoded_size, &root);
        assert_eq!(hex::encode(&bytes), v.derivation_bcs_hex);
        assert_eq!(hex::encode(BlobId::derive(v.encoding_type, v.unencoded_size, &root).0), v.blob_id_hex);
    }
}
