//! Rebuilding a sliver pair whose metadata the node lost (wiped disk, missed upload).
//!
//! A node keeps only its own pairs' roots and proofs, so after losing them no other node can
//! hand them back. They are rebuilt instead: the node decodes each lost sliver from verified
//! recovery symbols (one codeword of the row or column code, exactly as `docs/encoding.md`
//! defines it: reed-solomon-simd on the symbols as shards), hashes it to its root, and fills
//! the pair tree from the pair metadata that came with the symbols (each sender's metadata gives
//! its leaf and its siblings on every level). If the rebuilt pair leaf then proves against the
//! blob root, both roots and the slivers are the committed ones; if not, the writer encoded the
//! blob inconsistently.

use std::collections::BTreeMap;

use walrus_core::{
    BlobLayout, RecoverySymbol, SliverKind, SliverPairMetadata, SliverPairRoots,
    merkle::{Digest, EMPTY_DIGEST, MerkleProof, inner_digest, tree_depth},
    recovery::{decode_codeword, symbols_needed},
};

/// Why a codeword could not be decoded or a pair not be rebuilt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    /// Fewer distinct verified symbols than the code needs.
    #[error("need {need} recovery symbols from distinct senders, have {have}; ask more nodes")]
    NotEnoughSymbols {
        /// How many there are.
        have: usize,
        /// How many the code needs.
        need: usize,
    },
    /// A symbol has a length other than the blob's symbol size.
    #[error("recovery symbol of {actual} bytes, the blob's symbols have {expected}")]
    WrongSymbolSize {
        /// Its length.
        actual: usize,
        /// The symbol size.
        expected: usize,
    },
    /// The pair tree lacks a sibling on the pair's path.
    #[error(
        "cannot rebuild the proof of pair {pair}: no known pair in the sibling subtree at level {level}; ask more nodes"
    )]
    MissingSibling {
        /// The pair.
        pair: u16,
        /// The tree level (0 = leaves).
        level: usize,
    },
}

/// Decodes sliver `target_kind` from symbols `(position, bytes)` of its expanded codeword, at
/// distinct positions in `0..n`. The first `originals` symbols are used.
pub fn decode_sliver(
    layout: &BlobLayout,
    target_kind: SliverKind,
    symbols: &[(usize, &[u8])],
) -> Result<Vec<u8>, CodecError> {
    let config = layout.config();
    let symbol_size = layout.symbol_size();
    let k = symbols_needed(config, target_kind);
    let mut chosen: BTreeMap<usize, &[u8]> = BTreeMap::new();
    for (position, bytes) in symbols {
        if bytes.len() != symbol_size {
            return Err(CodecError::WrongSymbolSize { actual: bytes.len(), expected: symbol_size });
        }
        if chosen.len() < k && *position < config.n() {
            chosen.entry(*position).or_insert(bytes);
        }
    }
    if chosen.len() < k {
        return Err(CodecError::NotEnoughSymbols { have: chosen.len(), need: k });
    }
    let chosen: Vec<(usize, &[u8])> = chosen.into_iter().collect();
    Ok(decode_codeword(layout, target_kind, &chosen).expect("k distinct in-range positions of the symbol size"))
}

/// Decodes target sliver `target_index` of `target_kind` from verified recovery symbols (those
/// of the other kind at that position; others are ignored).
pub fn decode_from_symbols(
    layout: &BlobLayout,
    target_kind: SliverKind,
    target_index: usize,
    symbols: &[RecoverySymbol],
) -> Result<Vec<u8>, CodecError> {
    let usable: Vec<(usize, &[u8])> = symbols
        .iter()
        .filter(|s| s.source_kind == target_kind.other() && usize::from(s.target_index) == target_index)
        .map(|s| (usize::from(s.source_index), s.symbol.as_slice()))
        .collect();
    decode_sliver(layout, target_kind, &usable)
}

/// A partly known tree over the `n` pair leaves: nodes learnt from verified pair metadata, and
/// candidate leaves of rebuilt pairs.
pub struct PairTree {
    n: usize,
    depth: usize,
    /// `levels[k]` maps a node index on level `k` (0 = leaves) to its digest.
    levels: Vec<BTreeMap<usize, Digest>>,
}

impl PairTree {
    /// An empty tree for `n` pairs, with the padding leaves (`n..2^depth`) known.
    pub fn new(n: usize) -> Self {
        let depth = tree_depth(n);
        let mut levels = vec![BTreeMap::new(); depth + 1];
        for index in n..(1usize << depth) {
            levels[0].insert(index, EMPTY_DIGEST);
        }
        Self { n, depth, levels }
    }

    /// Adds what one pair's verified metadata tells: its leaf, every node on its path and every
    /// sibling of those.
    pub fn add_verified(&mut self, metadata: &SliverPairMetadata) {
        let mut index = usize::from(metadata.pair_index);
        let mut node = metadata.roots.leaf();
        for (level, sibling) in metadata.proof.path.iter().enumerate().take(self.depth) {
            self.levels[level].insert(index, node);
            self.levels[level].insert(index ^ 1, *sibling);
            node = if index.is_multiple_of(2) { inner_digest(&node, sibling) } else { inner_digest(sibling, &node) };
            index /= 2;
        }
        self.levels[self.depth].insert(index, node);
    }

    /// Adds a candidate leaf (roots of rebuilt slivers), not yet known to be committed.
    pub fn add_candidate(&mut self, pair_index: usize, roots: &SliverPairRoots) {
        self.levels[0].entry(pair_index).or_insert(roots.leaf());
    }

    /// Fills every inner node whose two children are known.
    fn fill(&mut self) {
        for level in 1..=self.depth {
            let (below, above) = self.levels.split_at_mut(level);
            let children = &below[level - 1];
            let parents: Vec<usize> = children.keys().map(|i| i / 2).collect();
            for parent in parents {
                if above[0].contains_key(&parent) {
                    continue;
                }
                if let (Some(left), Some(right)) = (children.get(&(2 * parent)), children.get(&(2 * parent + 1))) {
                    above[0].insert(parent, inner_digest(left, right));
                }
            }
        }
    }

    /// The proof of pair `pair_index` from the known siblings on its path.
    pub fn proof(&mut self, pair_index: usize) -> Result<MerkleProof, CodecError> {
        debug_assert!(pair_index < self.n);
        self.fill();
        let mut path = Vec::with_capacity(self.depth);
        let mut index = pair_index;
        for level in 0..self.depth {
            let sibling = self.levels[level]
                .get(&(index ^ 1))
                .ok_or(CodecError::MissingSibling { pair: pair_index as u16, level })?;
            path.push(*sibling);
            index /= 2;
        }
        Ok(MerkleProof { path })
    }
}

#[cfg(test)]
mod tests {
    use walrus_core::{EncodingConfig, ExpandedSliver, encode, sliver::sliver_roots};

    use super::*;

    fn symbols_for(
        encoded: &walrus_core::EncodedBlob<'_>,
        target_kind: SliverKind,
        target: usize,
        senders: &[usize],
    ) -> Vec<RecoverySymbol> {
        let config = encoded.layout().config();
        senders
            .iter()
            .map(|&i| {
                let (kind, pair) = match target_kind {
                    SliverKind::Secondary => (SliverKind::Primary, i),
                    SliverKind::Primary => (SliverKind::Secondary, config.pair_of_secondary(i)),
                };
                let expanded = ExpandedSliver::new(encoded.layout(), kind, i, &encoded.sliver(kind, i)).unwrap();
                RecoverySymbol::produce(&expanded, &encoded.pair_metadata(pair), target).unwrap()
            })
            .collect()
    }

    #[test]
    fn decoding_matches_the_core_encoder_for_both_codes() {
        for n in [4u16, 7, 10] {
            let config = EncodingConfig::new(n).unwrap();
            let data: Vec<u8> = (0..5000u32).map(|i| (i * 31 + 7) as u8).collect();
            let encoded = encode(&config, &data, 1).unwrap();
            let n = config.n();
            // Recovery symbols only (the highest senders), so the decoder really decodes.
            let primary_senders: Vec<usize> = (n - config.primary_sliver_symbols()..n).collect();
            let secondary_senders: Vec<usize> = (n - config.secondary_sliver_symbols()..n).collect();
            for target in [0, n / 2, n - 1] {
                let symbols = symbols_for(&encoded, SliverKind::Primary, target, &primary_senders);
                let sliver = decode_from_symbols(encoded.layout(), SliverKind::Primary, target, &symbols).unwrap();
                assert_eq!(sliver, *encoded.primary_sliver(target), "n = {n}, primary {target}");
                let symbols = symbols_for(&encoded, SliverKind::Secondary, target, &secondary_senders);
                let sliver = decode_from_symbols(encoded.layout(), SliverKind::Secondary, target, &symbols).unwrap();
                assert_eq!(sliver, *encoded.secondary_sliver(target), "n = {n}, secondary {target}");
            }
            let too_few = symbols_for(&encoded, SliverKind::Secondary, 0, &secondary_senders[1..]);
            assert!(matches!(
                decode_from_symbols(encoded.layout(), SliverKind::Secondary, 0, &too_few),
                Err(CodecError::NotEnoughSymbols { .. })
            ));
        }
    }

    #[test]
    fn lost_pair_proofs_are_rebuilt_from_other_pairs_metadata() {
        let config = EncodingConfig::new(7).unwrap();
        let data = vec![42u8; 777];
        let encoded = encode(&config, &data, 1).unwrap();
        let root = encoded.metadata().commitment.root;
        // The node lost pairs 2 and 3 (siblings on level 0); everyone else's metadata is known.
        let mut tree = PairTree::new(7);
        for p in [0, 1, 4, 5, 6] {
            tree.add_verified(&encoded.pair_metadata(p));
        }
        for p in [2, 3] {
            let (primary, secondary) = encoded.sliver_pair(p);
            let layout = encoded.layout();
            let roots = SliverPairRoots {
                primary: sliver_roots(layout, SliverKind::Primary, &[&primary], 1).unwrap()[0],
                secondary: sliver_roots(layout, SliverKind::Secondary, &[&secondary], 1).unwrap()[0],
            };
            tree.add_candidate(p, &roots);
        }
        for p in [2, 3] {
            let proof = tree.proof(p).unwrap();
            assert_eq!(proof, encoded.pair_metadata(p).proof);
            assert!(proof.verify(&root, &encoded.metadata().pairs[p].leaf(), p, 7));
        }
        // Without pair 0 and 1's metadata, pair 2's level-1 sibling is unknown.
        let mut sparse = PairTree::new(7);
        sparse.add_verified(&encoded.pair_metadata(5));
        assert!(matches!(sparse.proof(2), Err(CodecError::MissingSibling { .. })));
    }
}
