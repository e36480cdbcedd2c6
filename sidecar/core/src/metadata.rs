//! Blob metadata: what the blob id commits to, the two sliver roots of every sliver pair, and the
//! small per-pair metadata a storage node keeps (its roots and a Merkle proof to the blob root).
//!
//! A node stores only its own pairs' metadata, `64 + 32 * ceil(log2 n)` bytes per pair, so the
//! metadata of a blob across all `n` nodes is O(n log n) rather than Walrus's O(n^2).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::{
    blob_id::BlobId,
    config::{ENCODING_TYPE_RED_STUFF, EncodingConfig},
    error::EncodingError,
    merkle::{Digest, MerkleProof, MerkleTree, PAIR_TAG},
};

/// What a blob id is derived from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobCommitment {
    /// The encoding type byte (`ENCODING_TYPE_RED_STUFF`).
    pub encoding_type: u8,
    /// The blob's size before encoding.
    pub unencoded_size_bytes: u64,
    /// The Merkle root over the sliver pair leaves.
    pub root: Digest,
}

impl BlobCommitment {
    /// The blob id of this commitment.
    pub fn blob_id(&self) -> BlobId {
        BlobId::derive(self.encoding_type, self.unencoded_size_bytes, &self.root)
    }

    /// Checks that this commitment belongs to `blob_id` and uses an encoding this code knows.
    pub fn verify(&self, blob_id: &BlobId) -> Result<(), EncodingError> {
        if self.encoding_type != ENCODING_TYPE_RED_STUFF {
            return Err(EncodingError::MetadataMismatch {
                what: "encoding type",
                actual: u64::from(self.encoding_type),
                expected: u64::from(ENCODING_TYPE_RED_STUFF),
            });
        }
        if self.blob_id() != *blob_id {
            return Err(EncodingError::BlobIdMismatch { blob_id: blob_id.to_string() });
        }
        Ok(())
    }
}

/// The roots of the Merkle trees over a sliver pair's two expanded slivers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SliverPairRoots {
    /// Root over the `n` symbols of the expanded primary sliver.
    pub primary: Digest,
    /// Root over the `n` symbols of the expanded secondary sliver.
    pub secondary: Digest,
}

impl SliverPairRoots {
    /// The pair's leaf in the blob tree: `SHA-256(0x02 || primary || secondary)`.
    pub fn leaf(&self) -> Digest {
        let mut h = Sha256::new();
        h.update([PAIR_TAG]);
        h.update(self.primary);
        h.update(self.secondary);
        h.finalize().into()
    }
}

/// The metadata one storage node keeps for one of its sliver pairs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SliverPairMetadata {
    /// The pair's index in `0..n`.
    pub pair_index: u16,
    /// The pair's two sliver roots.
    pub roots: SliverPairRoots,
    /// The proof from the pair's leaf to the blob root.
    pub proof: MerkleProof,
}

impl SliverPairMetadata {
    /// Checks the pair's proof against the commitment's root.
    pub fn verify(&self, config: &EncodingConfig, commitment: &BlobCommitment) -> Result<(), EncodingError> {
        let index = usize::from(self.pair_index);
        if index >= config.n() {
            return Err(EncodingError::IndexOutOfRange { what: "sliver pair", index, count: config.n() });
        }
        if !self.proof.verify(&commitment.root, &self.roots.leaf(), index, config.n()) {
            return Err(EncodingError::InvalidProof { what: "sliver pair metadata" });
        }
        Ok(())
    }

    /// Bytes this metadata occupies (roots plus proof), as counted in the encoded size.
    pub fn size_bytes(&self) -> usize {
        64 + 32 * self.proof.path.len()
    }
}

/// The full metadata of a blob, as the writer has it after encoding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobMetadata {
    /// What the blob id is derived from.
    pub commitment: BlobCommitment,
    /// The roots of every sliver pair, by pair index.
    pub pairs: Vec<SliverPairRoots>,
}

impl BlobMetadata {
    /// The blob id.
    pub fn blob_id(&self) -> BlobId {
        self.commitment.blob_id()
    }

    /// The Merkle tree over the pair leaves, whose root is the commitment's root.
    pub fn pair_tree(&self) -> MerkleTree {
        let leaves: Vec<Digest> = self.pairs.iter().map(SliverPairRoots::leaf).collect();
        MerkleTree::new(&leaves)
    }

    /// Checks that the pairs hash to the committed root and match the configuration.
    pub fn verify(&self, config: &EncodingConfig) -> Result<(), EncodingError> {
        if self.pairs.len() != config.n() {
            return Err(EncodingError::MetadataMismatch {
                what: "sliver pair count",
                actual: self.pairs.len() as u64,
                expected: config.n() as u64,
            });
        }
        if self.pair_tree().root() != self.commitment.root {
            return Err(EncodingError::InvalidProof { what: "blob metadata" });
        }
        Ok(())
    }
}

/// Sliver roots a reader or node has verified against one blob's commitment, by pair index.
#[derive(Clone, Debug)]
pub struct VerifiedRoots {
    config: EncodingConfig,
    commitment: BlobCommitment,
    pairs: BTreeMap<usize, SliverPairRoots>,
}

impl VerifiedRoots {
    /// An empty set for this commitment.
    pub fn new(config: EncodingConfig, commitment: BlobCommitment) -> Self {
        Self { config, commitment, pairs: BTreeMap::new() }
    }

    /// All pairs of full metadata (which is verified as a whole first).
    pub fn from_metadata(config: EncodingConfig, metadata: &BlobMetadata) -> Result<Self, EncodingError> {
        metadata.verify(&config)?;
        let pairs = metadata.pairs.iter().copied().enumerate().collect();
        Ok(Self { config, commitment: metadata.commitment, pairs })
    }

    /// Verifies one pair's metadata and adds it.
    pub fn insert(&mut self, pair: &SliverPairMetadata) -> Result<(), EncodingError> {
        pair.verify(&self.config, &self.commitment)?;
        self.pairs.insert(usize::from(pair.pair_index), pair.roots);
        Ok(())
    }

    /// The configuration.
    pub fn config(&self) -> &EncodingConfig {
        &self.config
    }

    /// The commitment the roots were checked against.
    pub fn commitment(&self) -> &BlobCommitment {
        &self.commitment
    }

    /// The root of primary sliver `index`, if its pair is known.
    pub fn primary_root(&self, index: usize) -> Option<&Digest> {
        self.pairs.get(&index).map(|p| &p.primary)
    }

    /// The root of secondary sliver `index`, if its pair is known.
    pub fn secondary_root(&self, index: usize) -> Option<&Digest> {
        if index >= self.config.n() {
            return None;
        }
        self.pairs.get(&self.config.pair_of_secondary(index)).map(|p| &p.secondary)
    }

    /// Indices of the pairs whose roots are known.
    pub fn known_pairs(&self) -> impl Iterator<Item = usize> + '_ {
        self.pairs.keys().copied()
    }

    /// How many pairs are known.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// True when no pair is known.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}
