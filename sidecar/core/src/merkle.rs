//! SHA-256 Merkle trees with domain-separated leaves and inner nodes (`docs/encoding.md`).
//!
//! A tree over `L` leaf digests pads the leaf level to the next power of two with
//! [`EMPTY_DIGEST`]. A leaf is a full SHA-256 with a tag byte; an inner node is one SHA-256
//! compression of the 64-byte block `left || right` from a chaining value reserved for inner
//! nodes (see [`inner_digest`]). A proof is the list of sibling digests from the leaf up, so its
//! length is the tree depth `ceil(log2(L))`.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256, block_api::compress256};

use crate::sha256x;

/// A SHA-256 digest.
pub type Digest = [u8; 32];

/// Domain tag of a symbol leaf: `SHA-256(0x00 || symbol)`.
pub const LEAF_TAG: u8 = 0x00;
/// Domain tag of an inner node: the first byte of the block that derives the inner chaining value.
pub const INNER_TAG: u8 = 0x01;
/// Domain tag of a sliver pair leaf: `SHA-256(0x02 || primary_root || secondary_root)`.
pub const PAIR_TAG: u8 = 0x02;
/// The digest that pads a leaf level to a power of two. No SHA-256 output is known to be zero.
pub const EMPTY_DIGEST: Digest = [0; 32];

/// The largest tree depth a proof may claim (trees over at most `2^32` leaves).
pub const MAX_PROOF_DEPTH: usize = 32;

/// The leaf digest of one symbol: `SHA-256(0x00 || symbol)`.
pub fn leaf_digest(symbol: &[u8]) -> Digest {
    // Small blobs have tiny symbols and a million of them at n = 1000: hash those that fit one
    // padded block with a single compression, skipping the streaming hasher's bookkeeping.
    if symbol.len() <= 54 {
        let mut block = [0u8; 64];
        block[0] = LEAF_TAG;
        block[1..1 + symbol.len()].copy_from_slice(symbol);
        block[1 + symbol.len()] = 0x80;
        block[56..].copy_from_slice(&(((symbol.len() + 1) * 8) as u64).to_be_bytes());
        let mut state = SHA256_INITIAL;
        compress256(&mut state, &[block]);
        return sha256x::state_bytes(&state);
    }
    let mut h = Sha256::new();
    h.update([LEAF_TAG]);
    h.update(symbol);
    h.finalize().into()
}

/// The leaf digests of equal-length symbols: [`leaf_digest`] of `symbol(i)` into `out[i]` for
/// every `i < out.len()`, hashed many at a time ([`sha256x`]).
///
/// # Panics
///
/// When the symbols differ in length.
pub fn leaf_digests<'s>(symbol: impl Fn(usize) -> &'s [u8], out: &mut [Digest]) {
    sha256x::digests_with_prefix(LEAF_TAG, symbol, out);
}

/// The level above `children` (an even number of digests): `out[i]` is
/// `inner_digest(children[2i], children[2i + 1])`, hashed many at a time ([`sha256x`]).
///
/// # Panics
///
/// When `children.len() != 2 * out.len()`.
pub fn inner_level(children: &[Digest], out: &mut [Digest]) {
    assert_eq!(children.len(), 2 * out.len(), "two children per node");
    sha256x::compress_each(&INNER_CHAINING_VALUE, children.as_flattened(), out);
}

/// SHA-256's initial chaining value (FIPS 180-4).
const SHA256_INITIAL: [u32; 8] = sha256x::INITIAL_STATE;

/// The chaining value inner nodes start from: SHA-256's initial value compressed with the block
/// `0x01 || 0x00^63`. No full SHA-256 and no leaf starts from it, which separates the domains.
static INNER_CHAINING_VALUE: LazyLock<[u32; 8]> = LazyLock::new(|| {
    let mut state = SHA256_INITIAL;
    let mut block = [0u8; 64];
    block[0] = INNER_TAG;
    compress256(&mut state, &[block]);
    state
});

/// The digest of an inner node: one SHA-256 compression of `left || right` from
/// [`INNER_CHAINING_VALUE`], written big-endian like a SHA-256 output. Inputs have a fixed length,
/// so no length padding is needed; this costs one compression where `SHA-256(tag || l || r)`
/// costs two, and inner nodes are half of all hashing in the encoder.
pub fn inner_digest(left: &Digest, right: &Digest) -> Digest {
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(left);
    block[32..].copy_from_slice(right);
    let mut state = *INNER_CHAINING_VALUE;
    compress256(&mut state, &[block]);
    sha256x::state_bytes(&state)
}

/// The depth of a tree over `leaf_count` leaves: `ceil(log2(leaf_count))`, 0 for one leaf.
pub fn tree_depth(leaf_count: usize) -> usize {
    assert!(leaf_count > 0, "a Merkle tree needs at least one leaf");
    leaf_count.next_power_of_two().trailing_zeros() as usize
}

/// The root over `leaves`, using `scratch` as working space (it is overwritten).
pub fn root_with_scratch(leaves: &[Digest], scratch: &mut Vec<Digest>) -> Digest {
    assert!(!leaves.is_empty(), "a Merkle tree needs at least one leaf");
    let width = leaves.len().next_power_of_two();
    if width == 1 {
        return leaves[0];
    }
    // The levels above the leaves, one after another: width / 2 nodes, width / 4, ..., 1.
    scratch.clear();
    scratch.resize(width - 1, EMPTY_DIGEST);
    let pairs = leaves.len() / 2;
    inner_level(&leaves[..2 * pairs], &mut scratch[..pairs]);
    if leaves.len() % 2 == 1 {
        scratch[pairs] = inner_digest(&leaves[2 * pairs], &EMPTY_DIGEST);
    }
    let padded = leaves.len().div_ceil(2);
    if padded < width / 2 {
        scratch[padded..width / 2].fill(inner_digest(&EMPTY_DIGEST, &EMPTY_DIGEST));
    }
    let (mut start, mut level) = (0, width / 2);
    while level > 1 {
        let (below, above) = scratch[start..].split_at_mut(level);
        inner_level(below, &mut above[..level / 2]);
        start += level;
        level /= 2;
    }
    scratch[start]
}

/// The root over `leaves`.
pub fn root(leaves: &[Digest]) -> Digest {
    root_with_scratch(leaves, &mut Vec::new())
}

/// A whole tree, kept to produce proofs for any leaf.
#[derive(Clone, Debug)]
pub struct MerkleTree {
    /// `levels[0]` are the padded leaves, the last level is the root.
    levels: Vec<Vec<Digest>>,
    leaf_count: usize,
}

impl MerkleTree {
    /// Builds the tree over `leaves` (at least one).
    pub fn new(leaves: &[Digest]) -> Self {
        assert!(!leaves.is_empty(), "a Merkle tree needs at least one leaf");
        let mut level = leaves.to_vec();
        level.resize(leaves.len().next_power_of_two(), EMPTY_DIGEST);
        let mut levels = vec![level];
        while levels.last().expect("non-empty").len() > 1 {
            let below = levels.last().expect("non-empty");
            let mut above = vec![EMPTY_DIGEST; below.len() / 2];
            inner_level(below, &mut above);
            levels.push(above);
        }
        Self { levels, leaf_count: leaves.len() }
    }

    /// The root digest.
    pub fn root(&self) -> Digest {
        self.levels.last().expect("non-empty")[0]
    }

    /// The number of (unpadded) leaves.
    pub fn leaf_count(&self) -> usize {
        self.leaf_count
    }

    /// The proof for leaf `index`; `None` if out of range.
    pub fn proof(&self, index: usize) -> Option<MerkleProof> {
        if index >= self.leaf_count {
            return None;
        }
        let mut path = Vec::with_capacity(self.levels.len() - 1);
        let mut i = index;
        for level in &self.levels[..self.levels.len() - 1] {
            path.push(level[i ^ 1]);
            i /= 2;
        }
        Some(MerkleProof { path })
    }
}

/// The sibling digests from a leaf up to (excluding) the root.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerkleProof {
    /// Sibling digests, leaf level first.
    pub path: Vec<Digest>,
}

impl MerkleProof {
    /// The root this proof leads to from `leaf` at `index`.
    pub fn compute_root(&self, leaf: &Digest, index: usize) -> Digest {
        let mut node = *leaf;
        let mut i = index;
        for sibling in &self.path {
            node = if i.is_multiple_of(2) { inner_digest(&node, sibling) } else { inner_digest(sibling, &node) };
            i /= 2;
        }
        node
    }

    /// True when `leaf` is leaf `index` of a tree over `leaf_count` leaves with root `root`.
    /// The path length must equal the depth for `leaf_count`, so a proof cannot claim another
    /// position by being shorter or longer.
    pub fn verify(&self, root: &Digest, leaf: &Digest, index: usize, leaf_count: usize) -> bool {
        leaf_count > 0
            && index < leaf_count
            && self.path.len() <= MAX_PROOF_DEPTH
            && self.path.len() == tree_depth(leaf_count)
            && self.compute_root(leaf, index) == *root
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<Digest> {
        (0..n).map(|i| leaf_digest(&(i as u32).to_le_bytes())).collect()
    }

    #[test]
    fn single_leaf_tree_is_the_leaf() {
        let l = leaves(1);
        assert_eq!(root(&l), l[0]);
        assert!(MerkleTree::new(&l).proof(0).unwrap().path.is_empty());
    }

    #[test]
    fn proofs_verify_for_every_leaf_and_size() {
        for n in [1usize, 2, 3, 4, 5, 7, 8, 9, 31, 100] {
            let l = leaves(n);
            let tree = MerkleTree::new(&l);
            assert_eq!(tree.root(), root(&l));
            for (i, leaf) in l.iter().enumerate() {
                let proof = tree.proof(i).unwrap();
                assert!(proof.verify(&tree.root(), leaf, i, n));
                // Wrong position, wrong leaf or wrong count all fail.
                if n > 1 {
                    assert!(!proof.verify(&tree.root(), leaf, (i + 1) % n, n));
                }
                assert!(!proof.verify(&tree.root(), &leaf_digest(b"x"), i, n));
                assert!(!proof.verify(&tree.root(), leaf, i, 2 * n.next_power_of_two()));
            }
            assert!(tree.proof(n).is_none());
        }
    }

    #[test]
    fn flipped_bit_in_proof_is_detected() {
        let l = leaves(10);
        let tree = MerkleTree::new(&l);
        let proof = tree.proof(3).unwrap();
        for level in 0..proof.path.len() {
            let mut bad = proof.clone();
            bad.path[level][5] ^= 1;
            assert!(!bad.verify(&tree.root(), &l[3], 3, 10));
        }
    }

    #[test]
    fn single_block_leaves_equal_streaming_sha256() {
        for len in 0..80 {
            let symbol: Vec<u8> = (0..len as u8).collect();
            let mut h = Sha256::new();
            h.update([LEAF_TAG]);
            h.update(&symbol);
            let expected: Digest = h.finalize().into();
            assert_eq!(leaf_digest(&symbol), expected, "length {len}");
        }
    }

    #[test]
    fn compression_matches_sha256_on_a_padded_message() {
        // Sanity check of the raw compression: the initial value compressed with the padded
        // empty message is SHA-256 of the empty string.
        let mut state = SHA256_INITIAL;
        let mut block = [0u8; 64];
        block[0] = 0x80;
        compress256(&mut state, &[block]);
        let mut out = [0u8; 32];
        for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        let expected: [u8; 32] = Sha256::digest(b"").into();
        assert_eq!(out, expected);
    }

    /// The tree as the format defines it, one node at a time.
    fn reference_root(leaves: &[Digest]) -> Digest {
        let mut level = leaves.to_vec();
        level.resize(leaves.len().next_power_of_two(), EMPTY_DIGEST);
        while level.len() > 1 {
            level = level.chunks_exact(2).map(|p| inner_digest(&p[0], &p[1])).collect();
        }
        level[0]
    }

    #[test]
    fn batched_roots_equal_the_node_by_node_tree() {
        let mut scratch = Vec::new();
        for n in [1usize, 2, 3, 4, 5, 15, 16, 17, 31, 33, 100, 1000, 1024] {
            let l = leaves(n);
            let expected = reference_root(&l);
            assert_eq!(root_with_scratch(&l, &mut scratch), expected, "{n} leaves");
            assert_eq!(MerkleTree::new(&l).root(), expected, "{n} leaves");
        }
    }

    #[test]
    fn batched_leaves_equal_leaf_digest() {
        for size in [0usize, 1, 6, 54, 55, 62, 64, 302, 1000] {
            let symbols: Vec<Vec<u8>> = (0..37).map(|q| (0..size).map(|b| (q * 7 + b * 3) as u8).collect()).collect();
            let mut out = vec![EMPTY_DIGEST; symbols.len()];
            leaf_digests(|i| symbols[i].as_slice(), &mut out);
            for (symbol, digest) in symbols.iter().zip(&out) {
                assert_eq!(*digest, leaf_digest(symbol), "size {size}");
            }
        }
    }

    #[test]
    fn inner_level_equals_inner_digest() {
        let l = leaves(40);
        let mut out = vec![EMPTY_DIGEST; 20];
        inner_level(&l, &mut out);
        for (i, node) in out.iter().enumerate() {
            assert_eq!(*node, inner_digest(&l[2 * i], &l[2 * i + 1]));
        }
    }

    #[test]
    fn leaf_and_inner_domains_differ() {
        let a = leaf_digest(b"a");
        let b = leaf_digest(b"b");
        let mut concat = vec![];
        concat.extend_from_slice(&a);
        concat.extend_from_slice(&b);
        assert_ne!(inner_digest(&a, &b), leaf_digest(&concat));
    }
}
