//! Recovery: rebuilding a lost sliver from other nodes' symbols, and proving inconsistency.
//!
//! Symbol `(i, j)` of the expanded matrix lies in expanded primary sliver `i` and expanded
//! secondary sliver `j`. A node that lost secondary sliver `j` asks holders of primary slivers
//! for their symbol at position `j`; `n - 2f` of them decode it with the column code. A node that
//! lost primary sliver `i` asks holders of secondary slivers for position `i`; `n - f` decode it
//! with the row code. Each symbol carries a Merkle proof against the sender's sliver root, and the
//! sender's pair metadata proves that root against the blob root. So a node receives
//! `O(blob size / n)` bytes per rebuilt sliver plus `O(log n)` hashes per symbol.
//!
//! If the proven symbols decode to a sliver whose root is not the committed one, the writer
//! encoded inconsistently; the symbols themselves are the [`InconsistencyProof`], checkable by
//! anyone who knows the blob id.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::{
    code::Coder,
    config::{BlobLayout, EncodingConfig},
    error::EncodingError,
    merkle::{self, Digest, MerkleProof},
    metadata::{BlobCommitment, SliverPairMetadata},
    sliver::{ExpandedSliver, SliverKind, sliver_roots},
};

/// One symbol a node serves to help another rebuild a sliver.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoverySymbol {
    /// The kind of the sender's sliver. The rebuilt sliver has the other kind.
    pub source_kind: SliverKind,
    /// The index of the sender's sliver.
    pub source_index: u16,
    /// The index of the sliver being rebuilt, which is this symbol's position in the sender's
    /// expanded sliver.
    pub target_index: u16,
    /// The symbol's bytes.
    pub symbol: Vec<u8>,
    /// The proof of the symbol against the sender's sliver root.
    pub proof: MerkleProof,
    /// The sender's sliver pair metadata, proving its sliver root against the blob root.
    pub source_pair: SliverPairMetadata,
}

impl RecoverySymbol {
    /// The symbol the holder of `expanded` serves for rebuilding sliver `target_index` of the
    /// other kind. `pair` is the holder's metadata for the pair containing `expanded`.
    pub fn produce(
        expanded: &ExpandedSliver,
        pair: &SliverPairMetadata,
        target_index: usize,
    ) -> Result<Self, EncodingError> {
        let proof = expanded.proof(target_index).ok_or(EncodingError::IndexOutOfRange {
            what: "recovery target",
            index: target_index,
            count: expanded.symbol_count(),
        })?;
        Ok(Self {
            source_kind: expanded.kind(),
            source_index: u16::try_from(expanded.index()).expect("index below MAX_SHARDS"),
            target_index: u16::try_from(target_index).expect("index below MAX_SHARDS"),
            symbol: expanded.symbol(target_index).to_vec(),
            proof,
            source_pair: pair.clone(),
        })
    }

    /// Checks the symbol: its length, its proof against the sender's sliver root, and the
    /// sender's pair metadata against the blob root.
    pub fn verify(&self, layout: &BlobLayout, commitment: &BlobCommitment) -> Result<(), EncodingError> {
        let config = layout.config();
        let n = config.n();
        let (source, target) = (usize::from(self.source_index), usize::from(self.target_index));
        for (what, index) in [("recovery source", source), ("recovery target", target)] {
            if index >= n {
                return Err(EncodingError::IndexOutOfRange { what, index, count: n });
            }
        }
        if self.symbol.len() != layout.symbol_size() {
            return Err(EncodingError::WrongLength {
                what: "recovery symbol",
                actual: self.symbol.len(),
                expected: layout.symbol_size(),
            });
        }
        let expected_pair = match self.source_kind {
            SliverKind::Primary => source,
            SliverKind::Secondary => config.pair_of_secondary(source),
        };
        if usize::from(self.source_pair.pair_index) != expected_pair {
            return Err(EncodingError::InvalidProof { what: "recovery symbol's sender pair" });
        }
        self.source_pair.verify(config, commitment)?;
        let root = match self.source_kind {
            SliverKind::Primary => &self.source_pair.roots.primary,
            SliverKind::Secondary => &self.source_pair.roots.secondary,
        };
        if !self.proof.verify(root, &merkle::leaf_digest(&self.symbol), target, n) {
            return Err(EncodingError::InvalidProof { what: "recovery symbol" });
        }
        Ok(())
    }
}

/// What rebuilding a sliver produced.
#[derive(Debug)]
pub enum Recovered {
    /// The sliver, which matches its committed root.
    Sliver(Vec<u8>),
    /// The symbols decode to a sliver that does not match its committed root: the blob is
    /// inconsistent, and this proves it.
    Inconsistent(InconsistencyProof),
}

/// How many symbols rebuilding a sliver of `kind` needs.
pub fn symbols_needed(config: &EncodingConfig, kind: SliverKind) -> usize {
    match kind {
        SliverKind::Primary => config.primary_sliver_symbols(),
        SliverKind::Secondary => config.secondary_sliver_symbols(),
    }
}

/// Rebuilds sliver `target_index` of `target_kind` from symbols sent by other nodes. Symbols that
/// fail verification are skipped; at least [`symbols_needed`] valid ones from distinct senders
/// are required. `target_pair` is the committed metadata of the pair holding the target sliver.
pub fn recover_sliver(
    layout: &BlobLayout,
    commitment: &BlobCommitment,
    target_kind: SliverKind,
    target_index: usize,
    target_pair: &SliverPairMetadata,
    symbols: &[RecoverySymbol],
) -> Result<Recovered, EncodingError> {
    let config = layout.config();
    check_target_pair(config, commitment, target_kind, target_index, target_pair)?;
    let need = symbols_needed(config, target_kind);
    let mut senders = BTreeSet::new();
    let mut valid: Vec<&RecoverySymbol> = Vec::with_capacity(need);
    for symbol in symbols {
        if valid.len() == need {
            break;
        }
        if symbol.source_kind != target_kind.other()
            || usize::from(symbol.target_index) != target_index
            || senders.contains(&symbol.source_index)
            || symbol.verify(layout, commitment).is_err()
        {
            continue;
        }
        senders.insert(symbol.source_index);
        valid.push(symbol);
    }
    if valid.len() < need {
        return Err(EncodingError::NotEnough { what: "recovery symbols", have: valid.len(), need });
    }
    let sliver = decode_symbols(layout, target_kind, &valid);
    let root = sliver_roots(layout, target_kind, &[&sliver], 1)?[0];
    if root == committed_root(target_kind, target_pair) {
        Ok(Recovered::Sliver(sliver))
    } else {
        Ok(Recovered::Inconsistent(InconsistencyProof {
            target_kind,
            target_index: u16::try_from(target_index).expect("index below MAX_SHARDS"),
            target_pair: target_pair.clone(),
            symbols: valid.into_iter().cloned().collect(),
        }))
    }
}

fn committed_root(kind: SliverKind, pair: &SliverPairMetadata) -> Digest {
    match kind {
        SliverKind::Primary => pair.roots.primary,
        SliverKind::Secondary => pair.roots.secondary,
    }
}

fn check_target_pair(
    config: &EncodingConfig,
    commitment: &BlobCommitment,
    kind: SliverKind,
    index: usize,
    pair: &SliverPairMetadata,
) -> Result<(), EncodingError> {
    if index >= config.n() {
        return Err(EncodingError::IndexOutOfRange { what: kind.name(), index, count: config.n() });
    }
    let expected_pair = match kind {
        SliverKind::Primary => index,
        SliverKind::Secondary => config.pair_of_secondary(index),
    };
    if usize::from(pair.pair_index) != expected_pair {
        return Err(EncodingError::InvalidProof { what: "target sliver pair" });
    }
    pair.verify(config, commitment)
}

/// Decodes the target sliver from exactly the needed number of verified symbols.
fn decode_symbols(layout: &BlobLayout, target_kind: SliverKind, symbols: &[&RecoverySymbol]) -> Vec<u8> {
    let by_position: Vec<(usize, &[u8])> =
        symbols.iter().map(|sym| (usize::from(sym.source_index), &sym.symbol[..])).collect();
    decode_codeword(layout, target_kind, &by_position).expect("verified symbols from distinct senders")
}

/// Decodes a sliver of `target_kind` from `symbols`, `(position, symbol)` pairs of its expanded
/// codeword: exactly [`symbols_needed`] of them, at distinct positions in `0..n`, each of the
/// layout's symbol size. Nothing is verified here: the caller checks the result against a
/// committed root (as [`recover_sliver`] does) or uses it to rebuild one.
///
/// Rebuilding a secondary sliver (a column) decodes a codeword of the column code, whose
/// positions are the senders' primary indices; and the other way round.
pub fn decode_codeword(
    layout: &BlobLayout,
    target_kind: SliverKind,
    symbols: &[(usize, &[u8])],
) -> Result<Vec<u8>, EncodingError> {
    let config = layout.config();
    let s = layout.symbol_size();
    let need = symbols_needed(config, target_kind);
    if symbols.len() != need {
        return Err(EncodingError::NotEnough { what: "recovery symbols", have: symbols.len(), need });
    }
    let mut by_position: Vec<(usize, &[u8])> = symbols.to_vec();
    by_position.sort_by_key(|(p, _)| *p);
    for (i, &(p, symbol)) in by_position.iter().enumerate() {
        if p >= config.n() {
            return Err(EncodingError::IndexOutOfRange { what: "symbol position", index: p, count: config.n() });
        }
        if i > 0 && by_position[i - 1].0 == p {
            return Err(EncodingError::DuplicateIndex { what: "symbol position", index: p });
        }
        if symbol.len() != s {
            return Err(EncodingError::WrongLength { what: "recovery symbol", actual: symbol.len(), expected: s });
        }
    }
    let code = target_kind.expansion_code(layout);
    let positions: Vec<usize> = by_position.iter().map(|(p, _)| *p).collect();
    let originals = code.originals();
    let mut sliver = vec![0u8; originals * s];
    for (p, symbol) in by_position.iter().filter(|(p, _)| *p < originals) {
        sliver[p * s..(p + 1) * s].copy_from_slice(symbol);
    }
    Coder::default().decode(
        &code,
        s,
        1,
        &positions,
        |p, _| by_position[positions.binary_search(&p).expect("known position")].1,
        |k, _, piece| piece.write_to(&mut sliver[k * s..(k + 1) * s]),
    );
    Ok(sliver)
}

/// Proof that a blob was encoded inconsistently: symbols, each proven against the blob root,
/// that decode to a sliver whose root differs from the committed one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InconsistencyProof {
    /// The kind of the sliver the symbols decode to.
    pub target_kind: SliverKind,
    /// Its index.
    pub target_index: u16,
    /// The committed metadata of the pair holding that sliver.
    pub target_pair: SliverPairMetadata,
    /// Exactly as many verified symbols from distinct senders as decoding needs.
    pub symbols: Vec<RecoverySymbol>,
}

impl InconsistencyProof {
    /// Checks the proof against the blob's commitment: `Ok(())` means the blob is inconsistent.
    pub fn verify(&self, config: &EncodingConfig, commitment: &BlobCommitment) -> Result<(), EncodingError> {
        let layout = config.layout(commitment.unencoded_size_bytes)?;
        let target = usize::from(self.target_index);
        check_target_pair(config, commitment, self.target_kind, target, &self.target_pair)?;
        let need = symbols_needed(config, self.target_kind);
        if self.symbols.len() != need {
            return Err(EncodingError::NotEnough { what: "symbols in the proof", have: self.symbols.len(), need });
        }
        let mut senders = BTreeSet::new();
        for symbol in &self.symbols {
            if symbol.source_kind != self.target_kind.other() || usize::from(symbol.target_index) != target {
                return Err(EncodingError::InvalidProof { what: "inconsistency proof symbol" });
            }
            if !senders.insert(symbol.source_index) {
                return Err(EncodingError::DuplicateIndex { what: "sender", index: usize::from(symbol.source_index) });
            }
            symbol.verify(&layout, commitment)?;
        }
        let refs: Vec<&RecoverySymbol> = self.symbols.iter().collect();
        let sliver = decode_symbols(&layout, self.target_kind, &refs);
        let root = sliver_roots(&layout, self.target_kind, &[&sliver], 1)?[0];
        if root == committed_root(self.target_kind, &self.target_pair) {
            return Err(EncodingError::InvalidProof {
                what: "inconsistency proof (the symbols decode to the committed sliver; the blob is consistent)",
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode;

    fn as_refs(v: &[(usize, Vec<u8>)]) -> Vec<(usize, &[u8])> {
        v.iter().map(|(p, b)| (*p, b.as_slice())).collect()
    }

    #[test]
    fn decode_codeword_rejects_bad_symbol_sets_with_typed_errors() {
        let config = EncodingConfig::new(7).unwrap();
        let data: Vec<u8> = (0..3000u32).map(|i| (i * 13 + 5) as u8).collect();
        let encoded = encode(&config, &data, 1).unwrap();
        let layout = *encoded.layout();
        // A secondary sliver is a column: any `n - 2f` primary slivers' symbols at its position.
        let target = 2;
        let s = layout.symbol_size();
        let need = symbols_needed(&config, SliverKind::Secondary);
        let symbols: Vec<(usize, Vec<u8>)> = (config.n() - need..config.n())
            .map(|i| (i, encoded.primary_sliver(i)[target * s..(target + 1) * s].to_vec()))
            .collect();
        let decoded = decode_codeword(&layout, SliverKind::Secondary, &as_refs(&symbols)).unwrap();
        assert_eq!(decoded, *encoded.secondary_sliver(target));

        let err = |v: Vec<(usize, Vec<u8>)>| decode_codeword(&layout, SliverKind::Secondary, &as_refs(&v)).unwrap_err();
        assert!(matches!(err(symbols[1..].to_vec()), EncodingError::NotEnough { .. }));
        let mut duplicate = symbols.clone();
        duplicate[0].0 = duplicate[1].0;
        assert!(matches!(err(duplicate), EncodingError::DuplicateIndex { .. }));
        let mut out_of_range = symbols.clone();
        out_of_range[0].0 = config.n();
        assert!(matches!(err(out_of_range), EncodingError::IndexOutOfRange { .. }));
        let mut short = symbols;
        short[0].1.pop();
        assert!(matches!(err(short), EncodingError::WrongLength { .. }));
    }
}
