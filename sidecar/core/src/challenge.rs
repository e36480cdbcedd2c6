//! Storage challenges: which symbols a storage node must prove it holds in an epoch, and how a
//! proof is checked (`docs/node.md`, "Storage challenges").
//!
//! The chain draws a 32-byte seed per epoch (`staking::set_challenge_seed`). From the seed, the
//! epoch, a node's id, the node's shards and the set of challenged blobs, [`derive_samples`]
//! picks `samples_per_node` samples: a blob, one of the node's sliver pairs, and one of the pair's
//! `2n` expanded symbols (positions `0..n` of the expanded primary sliver, then `0..n` of the
//! expanded secondary sliver). Every node that agrees on these inputs picks the same samples, so
//! any node can check any other node's answer. The answer to a sample is the symbol as a
//! [`RecoverySymbol`] (the symbol, its Merkle proof against the sliver root, and the pair's
//! metadata proving that root against the blob root) with the blob's commitment, which the blob id
//! authenticates ([`verify_sample_proof`]).

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::{BlobCommitment, BlobId, EncodingConfig, EncodingError, RecoverySymbol, SliverKind};

/// Domain separation of the sample derivation (version 1 of the format).
pub const SAMPLE_DERIVATION_DOMAIN: &[u8] = b"walrus-storage-challenge-v1";
/// Bytes of a challenge seed.
pub const CHALLENGE_SEED_BYTES: usize = 32;

/// One sample of a storage challenge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChallengeSample {
    /// The challenged blob.
    pub blob_id: BlobId,
    /// The sliver pair (= shard) of the challenged node.
    pub pair_index: u16,
    /// The symbol within the pair: `0..n` are the expanded primary sliver's positions, `n..2n`
    /// the expanded secondary sliver's positions `0..n`.
    pub symbol_index: u16,
}

impl ChallengeSample {
    /// The sliver and position the sample names: `(kind, sliver index, position)`. The
    /// secondary sliver of pair `p` is `n - 1 - p`.
    pub fn sliver_position(&self, config: &EncodingConfig) -> (SliverKind, usize, usize) {
        let n = config.n();
        let symbol = usize::from(self.symbol_index);
        let pair = usize::from(self.pair_index);
        if symbol < n {
            (SliverKind::Primary, pair, symbol)
        } else {
            (SliverKind::Secondary, config.secondary_index_of_pair(pair), symbol - n)
        }
    }
}

/// The proof of one sample: the blob's commitment and the symbol with its proofs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleProof {
    /// The blob's commitment (authenticated by the blob id).
    pub commitment: BlobCommitment,
    /// The symbol at the sample's position of the sample's sliver, with its Merkle proof and the
    /// pair's metadata.
    pub symbol: RecoverySymbol,
}

/// The samples node `node_id` answers in `epoch`.
///
/// `blob_ids` must be sorted ascending without duplicates and `shards` are the node's shards in
/// the epoch's committee of `n_shards` shards; no blobs or no shards give no samples. Sample `i`
/// (for `i` in `0..samples_per_node`) hashes
/// `h = SHA-256(SAMPLE_DERIVATION_DOMAIN || seed || epoch (u32 LE) || node_id (32) || i (u16 LE))`
/// and reads three little-endian `u64`s from it: `h[0..8] mod blobs` picks the blob,
/// `h[8..16] mod shards` the pair among `shards`, `h[16..24] mod 2 * n_shards` the symbol. Samples
/// are drawn with replacement (the modulo bias is below 2^-40 for any realistic set).
pub fn derive_samples(
    seed: &[u8],
    epoch: u32,
    node_id: &[u8; 32],
    blob_ids: &[BlobId],
    shards: &[u16],
    n_shards: u16,
    samples_per_node: u16,
) -> Vec<ChallengeSample> {
    if blob_ids.is_empty() || shards.is_empty() || n_shards == 0 {
        return Vec::new();
    }
    (0..samples_per_node)
        .map(|i| {
            let mut hasher = Sha256::new();
            hasher.update(SAMPLE_DERIVATION_DOMAIN);
            hasher.update(seed);
            hasher.update(epoch.to_le_bytes());
            hasher.update(node_id);
            hasher.update(i.to_le_bytes());
            let h: [u8; 32] = hasher.finalize().into();
            let word = |k: usize| u64::from_le_bytes(h[8 * k..8 * k + 8].try_into().expect("8 bytes"));
            let blob = (word(0) % blob_ids.len() as u64) as usize;
            let pair = (word(1) % shards.len() as u64) as usize;
            let symbol = word(2) % (2 * u64::from(n_shards));
            ChallengeSample {
                blob_id: blob_ids[blob],
                pair_index: shards[pair],
                symbol_index: u16::try_from(symbol).expect("below 2 * MAX_SHARDS"),
            }
        })
        .collect()
}

/// Checks `proof` as the answer to `sample` in a committee of `config.n()` shards: the commitment
/// belongs to the sample's blob id, the symbol is at the sample's sliver and position, and the
/// symbol's proofs lead to the blob root.
pub fn verify_sample_proof(
    sample: &ChallengeSample,
    config: &EncodingConfig,
    proof: &SampleProof,
) -> Result<(), EncodingError> {
    proof.commitment.verify(&sample.blob_id)?;
    let layout = config.layout(proof.commitment.unencoded_size_bytes)?;
    let (kind, index, position) = sample.sliver_position(config);
    let symbol = &proof.symbol;
    if symbol.source_kind != kind || usize::from(symbol.source_index) != index {
        return Err(EncodingError::InvalidProof { what: "challenge answer: symbol of another sliver" });
    }
    if usize::from(symbol.target_index) != position {
        return Err(EncodingError::InvalidProof { what: "challenge answer: symbol at another position" });
    }
    symbol.verify(&layout, &proof.commitment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ExpandedSliver, encode};

    fn blob_ids(n: u8) -> Vec<BlobId> {
        (1..=n).map(|i| BlobId([i; 32])).collect()
    }

    #[test]
    fn samples_are_deterministic_and_depend_on_every_input() {
        let seed = [7u8; 32];
        let node = [1u8; 32];
        let blobs = blob_ids(5);
        let samples = derive_samples(&seed, 3, &node, &blobs, &[2, 5], 10, 16);
        assert_eq!(samples.len(), 16);
        assert_eq!(samples, derive_samples(&seed, 3, &node, &blobs, &[2, 5], 10, 16));
        assert!(samples.iter().all(|s| blobs.contains(&s.blob_id) && [2, 5].contains(&s.pair_index)));
        assert!(samples.iter().all(|s| s.symbol_index < 20));
        assert_ne!(samples, derive_samples(&[8u8; 32], 3, &node, &blobs, &[2, 5], 10, 16));
        assert_ne!(samples, derive_samples(&seed, 4, &node, &blobs, &[2, 5], 10, 16));
        assert_ne!(samples, derive_samples(&seed, 3, &[2u8; 32], &blobs, &[2, 5], 10, 16));
        // A prefix of a longer draw: sample i only depends on i.
        assert_eq!(derive_samples(&seed, 3, &node, &blobs, &[2, 5], 10, 4), samples[..4]);
        assert!(derive_samples(&seed, 3, &node, &[], &[2, 5], 10, 16).is_empty());
        assert!(derive_samples(&seed, 3, &node, &blobs, &[], 10, 16).is_empty());
    }

    #[test]
    fn samples_cover_the_blobs_pairs_and_both_slivers() {
        let blobs = blob_ids(3);
        let samples = derive_samples(&[9u8; 32], 1, &[4u8; 32], &blobs, &[0, 1, 2], 4, 64);
        for blob in &blobs {
            assert!(samples.iter().any(|s| s.blob_id == *blob));
        }
        assert!(samples.iter().any(|s| s.symbol_index < 4) && samples.iter().any(|s| s.symbol_index >= 4));
        assert!((0..3).all(|p| samples.iter().any(|s| s.pair_index == p)));
    }

    #[test]
    fn a_proof_verifies_only_for_its_sample() {
        let config = EncodingConfig::new(4).unwrap();
        let data: Vec<u8> = (0..500u32).map(|i| (i * 7) as u8).collect();
        let encoded = encode(&config, &data, 1).unwrap();
        let blob_id = encoded.blob_id();
        let commitment = encoded.metadata().commitment;
        let layout = config.layout(data.len() as u64).unwrap();
        let answer = |sample: &ChallengeSample| {
            let (kind, index, position) = sample.sliver_position(&config);
            let pair = usize::from(sample.pair_index);
            let (primary, secondary) = encoded.sliver_pair(pair);
            let sliver = if kind == SliverKind::Primary { &primary } else { &secondary };
            let expanded = ExpandedSliver::new(&layout, kind, index, sliver).unwrap();
            let symbol = RecoverySymbol::produce(&expanded, &encoded.pair_metadata(pair), position).unwrap();
            SampleProof { commitment, symbol }
        };
        for symbol_index in [0u16, 3, 4, 7] {
            let sample = ChallengeSample { blob_id, pair_index: 1, symbol_index };
            let proof = answer(&sample);
            verify_sample_proof(&sample, &config, &proof).unwrap();
            // The same proof does not answer another position, pair or blob.
            let other = ChallengeSample { symbol_index: (symbol_index + 1) % 8, ..sample };
            assert!(verify_sample_proof(&other, &config, &proof).is_err());
            let other_pair = ChallengeSample { pair_index: 2, ..sample };
            assert!(verify_sample_proof(&other_pair, &config, &proof).is_err());
            let other_blob = ChallengeSample { blob_id: BlobId([0; 32]), ..sample };
            assert!(verify_sample_proof(&other_blob, &config, &proof).is_err());
            // A flipped symbol byte fails.
            let mut corrupted = proof.clone();
            corrupted.symbol.symbol[0] ^= 1;
            assert!(verify_sample_proof(&sample, &config, &corrupted).is_err());
        }
    }
}
