//! Helpers shared by the core's integration tests.

#![allow(dead_code)]

use walrus_core::{EncodedBlob, EncodingConfig, ExpandedSliver, RecoverySymbol, SliverKind};

/// Deterministic pseudo-random bytes.
pub fn blob(size: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..size)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

/// A deterministic shuffle of `0..n`, used to pick random subsets of slivers.
pub fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n).collect();
    let mut state = seed | 1;
    for i in (1..n).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        v.swap(i, (state % (i as u64 + 1)) as usize);
    }
    v
}

/// The recovery symbols the holders of `senders` (slivers of the kind opposite to `target_kind`)
/// serve for rebuilding sliver `target_index`.
pub fn recovery_symbols(
    encoded: &EncodedBlob<'_>,
    target_kind: SliverKind,
    target_index: usize,
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
            RecoverySymbol::produce(&expanded, &encoded.pair_metadata(pair), target_index).unwrap()
        })
        .collect()
}

/// The pair holding sliver `index` of `kind`.
pub fn pair_of(config: &EncodingConfig, kind: SliverKind, index: usize) -> usize {
    match kind {
        SliverKind::Primary => index,
        SliverKind::Secondary => config.pair_of_secondary(index),
    }
}

/// Primary slivers `indices` of `encoded` as owned `(index, bytes)`: recovery primary slivers
/// are gathered from the encoder's blocks, so they cannot be borrowed.
pub fn primary_slivers(encoded: &EncodedBlob<'_>, indices: impl IntoIterator<Item = usize>) -> Vec<(usize, Vec<u8>)> {
    indices.into_iter().map(|i| (i, encoded.primary_sliver(i).into_owned())).collect()
}

/// `(index, bytes)` views of owned slivers, as the decoder takes them.
pub fn sliver_refs(slivers: &[(usize, Vec<u8>)]) -> Vec<(usize, &[u8])> {
    slivers.iter().map(|(i, s)| (*i, s.as_slice())).collect()
}
