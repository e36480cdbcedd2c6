//! Slivers: checking them against their roots, and expanding them to serve recovery symbols.
//!
//! A primary sliver (`n - f` symbols) expands with the row code to a full row of `n` symbols; a
//! secondary sliver (`n - 2f` symbols) expands with the column code to a full column. A sliver's
//! root is the Merkle root over the leaf digests of its expanded symbols.

use serde::{Deserialize, Serialize};

use crate::{
    code::{self, Code, Coder},
    config::BlobLayout,
    error::EncodingError,
    merkle::{self, Digest, MerkleProof, MerkleTree},
    parallel,
};

/// Primary or secondary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SliverKind {
    /// A row of the blob matrix, `n - f` symbols.
    Primary,
    /// A column of the blob matrix, `n - 2f` symbols.
    Secondary,
}

impl SliverKind {
    /// "primary" or "secondary", for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Primary => "primary",
            Self::Secondary => "secondary",
        }
    }

    /// The other kind.
    pub fn other(&self) -> Self {
        match self {
            Self::Primary => Self::Secondary,
            Self::Secondary => Self::Primary,
        }
    }

    /// The code that expands a sliver of this kind.
    pub(crate) fn expansion_code(&self, layout: &BlobLayout) -> Code {
        match self {
            Self::Primary => Code::row(layout.config()),
            Self::Secondary => Code::column(layout.config()),
        }
    }

    /// Bytes in a sliver of this kind.
    pub fn sliver_bytes(&self, layout: &BlobLayout) -> usize {
        match self {
            Self::Primary => layout.primary_sliver_bytes(),
            Self::Secondary => layout.secondary_sliver_bytes(),
        }
    }
}

/// Checks that a sliver has the length its kind needs for this blob.
pub fn check_sliver_length(layout: &BlobLayout, kind: SliverKind, sliver: &[u8]) -> Result<(), EncodingError> {
    let expected = kind.sliver_bytes(layout);
    if sliver.len() != expected {
        return Err(EncodingError::WrongLength {
            what: match kind {
                SliverKind::Primary => "primary sliver",
                SliverKind::Secondary => "secondary sliver",
            },
            actual: sliver.len(),
            expected,
        });
    }
    Ok(())
}

/// The roots of the expanded slivers of one kind, computed in batches on up to `threads` threads.
pub fn sliver_roots(
    layout: &BlobLayout,
    kind: SliverKind,
    slivers: &[&[u8]],
    threads: usize,
) -> Result<Vec<Digest>, EncodingError> {
    for sliver in slivers {
        check_sliver_length(layout, kind, sliver)?;
    }
    let n = layout.config().n();
    let s = layout.symbol_size();
    let code = kind.expansion_code(layout);
    let mut roots = vec![merkle::EMPTY_DIGEST; slivers.len()];
    let ranges = parallel::split_for_threads(slivers.len(), threads, Expansion::width(s));
    let pieces = parallel::split_contiguous(&mut roots, 1, &ranges);
    let work: Vec<_> = ranges.into_iter().zip(pieces).collect();
    let init = || (Expansion::default(), Vec::new(), Vec::new());
    let work_item = |(expansion, scratch, leaves): &mut (Expansion, Vec<Digest>, Vec<Digest>),
                     (range, out): (std::ops::Range<usize>, &mut [Digest])| {
        for (q0, q1) in Expansion::stripes(range.clone(), s) {
            let count = q1 - q0;
            leaves.resize(count * n, merkle::EMPTY_DIGEST);
            expansion.leaves(&code, s, count, |k, q| &slivers[q0 + q][k * s..(k + 1) * s], leaves);
            for q in q0..q1 {
                out[q - range.start] = merkle::root_with_scratch(&leaves[(q - q0) * n..(q - q0 + 1) * n], scratch);
            }
        }
    };
    parallel::run(work, threads, init, work_item);
    Ok(roots)
}

/// Symbols from this size up are expanded one codeword per coding call ([`Expansion::width`]).
/// With several codewords per call, their recovery symbols must be copied out of the coder
/// before hashing; one at a time, they are hashed where the coder left them. Decoding 64 MiB at
/// n = 1000 (302-byte symbols) got 6-15% faster; with smaller symbols the calls' fixed costs win.
const IN_PLACE_MIN_SYMBOL_BYTES: usize = 256;

/// Reusable state for expanding codewords and hashing every symbol of each: the slivers a
/// reader checks, and the encoder's last block (`encoder.rs`, step 3).
#[derive(Default)]
pub(crate) struct Expansion {
    coder: Coder,
    /// Recovery symbols, codeword-major; they are only hashed.
    recovered: Vec<u8>,
    /// Leaves of one part (originals or recovery) of every codeword, codeword-major.
    part: Vec<Digest>,
}

impl Expansion {
    /// Codewords per call of [`Expansion::leaves`] for symbols of `symbol_size` bytes: one from
    /// [`IN_PLACE_MIN_SYMBOL_BYTES`] up, else the coder's stripe width.
    pub(crate) fn width(symbol_size: usize) -> usize {
        if symbol_size >= IN_PLACE_MIN_SYMBOL_BYTES { 1 } else { code::stripe_width(symbol_size) }
    }

    /// Splits the codewords `range` into consecutive stripes of [`Expansion::width`].
    pub(crate) fn stripes(range: std::ops::Range<usize>, symbol_size: usize) -> impl Iterator<Item = (usize, usize)> {
        code::stripes_of(range, Self::width(symbol_size))
    }

    /// Expands `count` codewords of `code` (`original(k, q)` is original symbol `k` of codeword
    /// `q`, `symbol_size` bytes) and writes the leaf digest of every symbol of each expanded
    /// codeword into `table`: symbol `i` of codeword `q` at `table[q * n + i]`.
    pub(crate) fn leaves<'a>(
        &mut self,
        code: &Code,
        symbol_size: usize,
        count: usize,
        original: impl Fn(usize, usize) -> &'a [u8],
        table: &mut [Digest],
    ) {
        let (k, r, s) = (code.originals(), code.recovery(), symbol_size);
        let n = k + r;
        assert_eq!(table.len(), count * n, "a leaf for every symbol of every codeword");
        // Narrow stripes (large symbols) hash the originals before coding, which brings them
        // into cache for the coder's packing (1-3% faster at 64 and 256 MiB, n = 1000). Wide
        // ones hash everything in one call after coding: the hasher works 16 equal-length
        // symbols at a time, and each extra call leaves a partial batch.
        let narrow = count <= code::NARROW_STRIPE_MAX_CODEWORDS;
        if narrow {
            self.part.resize(count * k, merkle::EMPTY_DIGEST);
            merkle::leaf_digests(|i| original(i % k, i / k), &mut self.part);
            for (q, part) in self.part.chunks_exact(k).enumerate() {
                table[q * n..q * n + k].copy_from_slice(part);
            }
        }
        if Coder::codes_in_place(count, s) {
            // One codeword: its recovery symbols are hashed where the coder left them.
            let coded = self.coder.encode_one(code, s, |i| original(i, 0));
            merkle::leaf_digests(|j| coded.recovery(j), &mut table[k..]);
            return;
        }
        self.recovered.resize(count * r * s, 0);
        self.coder.encode_into(code, s, count, &original, &mut self.recovered);
        let recovered = &self.recovered;
        if narrow {
            self.part.resize(count * r, merkle::EMPTY_DIGEST);
            merkle::leaf_digests(|i| &recovered[i * s..][..s], &mut self.part);
            for (q, part) in self.part.chunks_exact(r).enumerate() {
                table[q * n + k..(q + 1) * n].copy_from_slice(part);
            }
        } else {
            merkle::leaf_digests(
                |i| {
                    let (q, i) = (i / n, i % n);
                    match i.checked_sub(k) {
                        None => original(i, q),
                        Some(j) => &recovered[(q * r + j) * s..][..s],
                    }
                },
                table,
            );
        }
    }
}

/// Checks one sliver against its committed root.
pub fn verify_sliver(
    layout: &BlobLayout,
    kind: SliverKind,
    index: usize,
    sliver: &[u8],
    root: &Digest,
) -> Result<(), EncodingError> {
    let computed = sliver_roots(layout, kind, &[sliver], 1)?;
    if computed[0] != *root {
        return Err(EncodingError::SliverMismatch { kind: kind.name(), index });
    }
    Ok(())
}

/// A sliver expanded to all `n` symbols with its Merkle tree, ready to serve recovery symbols.
pub struct ExpandedSliver {
    kind: SliverKind,
    index: usize,
    symbol_size: usize,
    symbols: Vec<u8>,
    tree: MerkleTree,
}

impl ExpandedSliver {
    /// Expands sliver `index` of `kind`.
    pub fn new(layout: &BlobLayout, kind: SliverKind, index: usize, sliver: &[u8]) -> Result<Self, EncodingError> {
        check_sliver_length(layout, kind, sliver)?;
        let n = layout.config().n();
        if index >= n {
            return Err(EncodingError::IndexOutOfRange { what: kind.name(), index, count: n });
        }
        let s = layout.symbol_size();
        let code = kind.expansion_code(layout);
        let mut symbols = Vec::with_capacity(n * s);
        symbols.extend_from_slice(sliver);
        symbols.resize(n * s, 0);
        let originals = code.originals();
        Coder::default().encode(
            &code,
            s,
            1,
            |k, _| &sliver[k * s..(k + 1) * s],
            |r, _, piece| piece.write_to(&mut symbols[(originals + r) * s..][..s]),
        );
        let mut leaves = vec![merkle::EMPTY_DIGEST; n];
        merkle::leaf_digests(|i| &symbols[i * s..(i + 1) * s], &mut leaves);
        Ok(Self { kind, index, symbol_size: s, symbols, tree: MerkleTree::new(&leaves) })
    }

    /// The kind of the expanded sliver.
    pub fn kind(&self) -> SliverKind {
        self.kind
    }

    /// Its index.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The Merkle root over the expanded symbols.
    pub fn root(&self) -> Digest {
        self.tree.root()
    }

    /// The number of expanded symbols (`n`).
    pub fn symbol_count(&self) -> usize {
        self.symbols.len() / self.symbol_size
    }

    /// Expanded symbol `position` (`0..n`).
    pub fn symbol(&self, position: usize) -> &[u8] {
        &self.symbols[position * self.symbol_size..(position + 1) * self.symbol_size]
    }

    /// The proof of symbol `position` against [`Self::root`].
    pub fn proof(&self, position: usize) -> Option<MerkleProof> {
        self.tree.proof(position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EncodingConfig;

    /// `Expansion::leaves` against the plain way: each codeword coded alone, each symbol hashed
    /// alone. Both sides of the narrow-stripe limit, and symbols with and without partial chunks.
    #[test]
    fn expansion_leaves_equal_coding_and_hashing_one_codeword_at_a_time() {
        let config = EncodingConfig::new(10).unwrap();
        let mut expansion = Expansion::default();
        for code in [Code::row(&config), Code::column(&config)] {
            let (k, r) = (code.originals(), code.recovery());
            let n = k + r;
            for (s, count) in
                [(2, 33), (6, 40), (2, 1), (6, 3), (64, 1), (64, 32), (284, 7), (1206, 1), (1206, 2), (2048, 1)]
            {
                let data: Vec<u8> = (0..count * k * s).map(|i| (i * 131 % 251) as u8 ^ (s as u8)).collect();
                let original = |i: usize, q: usize| &data[(q * k + i) * s..][..s];
                let mut table = vec![merkle::EMPTY_DIGEST; count * n];
                expansion.leaves(&code, s, count, original, &mut table);
                for q in 0..count {
                    let mut recovery = vec![0u8; r * s];
                    Coder::default().encode_into(&code, s, 1, |i, _| original(i, q), &mut recovery);
                    let symbols = (0..k).map(|i| original(i, q)).chain(recovery.chunks_exact(s));
                    for (i, symbol) in symbols.enumerate() {
                        assert_eq!(
                            table[q * n + i],
                            merkle::leaf_digest(symbol),
                            "{:?} code, symbol size {s}, {count} codewords: leaf {i} of codeword {q}",
                            code.axis()
                        );
                    }
                }
            }
        }
    }
}
