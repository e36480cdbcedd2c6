//! Decoding a blob from primary or secondary slivers, and checking the result against the
//! commitment before returning it (`docs/encoding.md`, "Reading").
//!
//! Every sliver is first checked against its committed root, so up to `f` corrupt slivers are
//! set aside instead of poisoning the result. After decoding, the blob must reproduce the
//! committed primary roots of at least `n - f` rows. Any two readers that pass this check share
//! at least `n - 2f` such rows, which determine the blob: all readers of a blob id return the
//! same bytes, even when its writer encoded it inconsistently (then they fail instead).

use std::collections::{BTreeMap, BTreeSet};

use crate::{
    buffer,
    code::{self, Code, Coder},
    config::BlobLayout,
    error::EncodingError,
    metadata::VerifiedRoots,
    parallel,
    sliver::{SliverKind, check_sliver_length, sliver_roots},
};

/// A decoded blob and what was set aside on the way.
#[derive(Debug)]
pub struct DecodedBlob {
    /// The blob's bytes.
    pub data: Vec<u8>,
    /// Indices of supplied slivers that did not match their committed roots.
    pub rejected: Vec<usize>,
}

/// Decodes the blob from slivers of `kind`, given as `(index, bytes)`, whose roots are in
/// `roots`. Needs `n - 2f` primary or `n - f` secondary slivers that verify, and roots for at
/// least `n - f` sliver pairs in all.
pub fn decode(
    roots: &VerifiedRoots,
    kind: SliverKind,
    slivers: &[(usize, &[u8])],
    threads: usize,
) -> Result<DecodedBlob, EncodingError> {
    let checked = CheckedSlivers::check(roots, kind, slivers.iter().copied(), threads)?;
    decode_checked(roots, &checked, threads)
}

/// Slivers of one kind of one blob, each checked against its committed root: the part of
/// decoding that hashes every supplied sliver. A reader can check each node's slivers as they
/// arrive, overlapping that work with the network, then [`decode_checked`] the union.
/// `B` is the sliver's byte container (borrowed or owned).
#[derive(Debug)]
pub struct CheckedSlivers<B> {
    commitment: crate::metadata::BlobCommitment,
    kind: SliverKind,
    /// The slivers that match their roots, by index.
    good: BTreeMap<usize, B>,
    /// Indices of supplied slivers that did not match their committed roots.
    rejected: Vec<usize>,
}

impl<B: AsRef<[u8]>> CheckedSlivers<B> {
    /// Checks `slivers` of `kind` against `roots`; slivers whose root `roots` lacks are left out.
    ///
    /// # Errors
    ///
    /// An index out of range or given twice, or a sliver of the wrong length.
    pub fn check(
        roots: &VerifiedRoots,
        kind: SliverKind,
        slivers: impl IntoIterator<Item = (usize, B)>,
        threads: usize,
    ) -> Result<Self, EncodingError> {
        let config = *roots.config();
        let layout = config.layout(roots.commitment().unencoded_size_bytes)?;
        let n = config.n();
        let mut seen = BTreeSet::new();
        let mut checkable = Vec::new();
        for (index, sliver) in slivers {
            if index >= n {
                return Err(EncodingError::IndexOutOfRange { what: kind.name(), index, count: n });
            }
            if !seen.insert(index) {
                return Err(EncodingError::DuplicateIndex { what: kind.name(), index });
            }
            check_sliver_length(&layout, kind, sliver.as_ref())?;
            if committed_root(roots, kind, index).is_some() {
                checkable.push((index, sliver));
            }
        }
        let data: Vec<&[u8]> = checkable.iter().map(|(_, s)| s.as_ref()).collect();
        let computed = sliver_roots(&layout, kind, &data, threads)?;
        let mut checked = Self { commitment: *roots.commitment(), kind, good: BTreeMap::new(), rejected: Vec::new() };
        for ((index, sliver), root) in checkable.into_iter().zip(&computed) {
            if committed_root(roots, kind, index) == Some(root) {
                checked.good.insert(index, sliver);
            } else {
                checked.rejected.push(index);
            }
        }
        Ok(checked)
    }

    /// Adds the slivers checked in `other` (of the same blob and kind); an index already
    /// present keeps its first sliver (both matched the same root, so they are equal).
    ///
    /// # Errors
    ///
    /// `other` is for another blob or the other kind.
    pub fn merge(&mut self, other: Self) -> Result<(), EncodingError> {
        if other.commitment != self.commitment || other.kind != self.kind {
            return Err(EncodingError::CheckedForAnotherBlob {
                actual: format!("{} slivers of blob {}", other.kind.name(), other.commitment.blob_id()),
                expected: format!("{} slivers of blob {}", self.kind.name(), self.commitment.blob_id()),
            });
        }
        for (index, sliver) in other.good {
            self.good.entry(index).or_insert(sliver);
        }
        self.rejected.extend(other.rejected);
        Ok(())
    }

    /// How many slivers matched their roots.
    pub fn len(&self) -> usize {
        self.good.len()
    }

    /// True when no sliver matched.
    pub fn is_empty(&self) -> bool {
        self.good.is_empty()
    }

    /// Indices of slivers that did not match their roots.
    pub fn rejected(&self) -> &[usize] {
        &self.rejected
    }
}

/// Decodes the blob from slivers checked with [`CheckedSlivers::check`] against (a subset of)
/// `roots`. Needs `n - 2f` primary or `n - f` secondary checked slivers, and roots for at least
/// `n - f` sliver pairs in all.
///
/// # Errors
///
/// Too few slivers or roots; slivers checked for another blob; an inconsistently encoded blob.
pub fn decode_checked<B: AsRef<[u8]>>(
    roots: &VerifiedRoots,
    checked: &CheckedSlivers<B>,
    threads: usize,
) -> Result<DecodedBlob, EncodingError> {
    if checked.commitment != *roots.commitment() {
        return Err(EncodingError::CheckedForAnotherBlob {
            actual: format!("{} slivers of blob {}", checked.kind.name(), checked.commitment.blob_id()),
            expected: format!("{} slivers of blob {}", checked.kind.name(), roots.commitment().blob_id()),
        });
    }
    let config = *roots.config();
    let layout = config.layout(roots.commitment().unencoded_size_bytes)?;
    let kind = checked.kind;
    // Sorted by index, as the map is.
    let good: Vec<(usize, &[u8])> = checked.good.iter().map(|(i, s)| (*i, s.as_ref())).collect();
    let code = match kind {
        SliverKind::Primary => Code::column(&config),
        SliverKind::Secondary => Code::row(&config),
    };
    let need = code.originals();
    if good.len() < need {
        return Err(EncodingError::NotEnough { what: "slivers", have: good.len(), need });
    }
    // Prefer source slivers (the lowest indices): they need no decoding.
    let chosen = &good[..need];

    let source = match kind {
        SliverKind::Primary => decode_rows_from_primary(&layout, chosen, threads),
        SliverKind::Secondary => decode_rows_from_secondary(&layout, chosen, threads),
    };
    let verified_rows: Vec<(usize, &[u8])> = match kind {
        SliverKind::Primary => good.clone(),
        SliverKind::Secondary => Vec::new(),
    };
    // Every good primary sliver below `n - 2f` is among `chosen` (the lowest indices) and was
    // copied into its row.
    debug_assert!(good.iter().filter(|(i, _)| *i < config.secondary_sliver_symbols()).all(|g| chosen.contains(g)));
    check_against_primary_roots(&layout, roots, &source, &verified_rows, kind == SliverKind::Primary, threads)?;

    let mut data = source;
    data.truncate(usize::try_from(layout.unencoded_size_bytes()).expect("checked against MAX blob size"));
    Ok(DecodedBlob { data, rejected: checked.rejected.clone() })
}

/// The committed root of sliver `index` of `kind`, if known.
fn committed_root(roots: &VerifiedRoots, kind: SliverKind, index: usize) -> Option<&crate::merkle::Digest> {
    match kind {
        SliverKind::Primary => roots.primary_root(index),
        SliverKind::Secondary => roots.secondary_root(index),
    }
}

/// The `n - 2f` source rows, concatenated, from `n - 2f` verified primary slivers.
fn decode_rows_from_primary(layout: &BlobLayout, chosen: &[(usize, &[u8])], threads: usize) -> Vec<u8> {
    let config = layout.config();
    let rows = config.secondary_sliver_symbols();
    let row_bytes = layout.primary_sliver_bytes();
    let s = layout.symbol_size();
    let mut out = buffer::zeroed(rows * row_bytes);
    for (index, sliver) in chosen.iter().filter(|(i, _)| *i < rows) {
        out[index * row_bytes..(index + 1) * row_bytes].copy_from_slice(sliver);
    }
    if chosen.iter().all(|(i, _)| *i < rows) {
        return out;
    }
    let code = Code::column(config);
    let positions: Vec<usize> = chosen.iter().map(|(i, _)| *i).collect();
    by_column_stripes(layout, &mut out, threads, |coder, (c0, c1), base, out_rows| {
        coder.decode(
            &code,
            s,
            c1 - c0,
            &positions,
            |p, q| {
                let sliver = chosen[positions.binary_search(&p).expect("chosen position")].1;
                &sliver[(c0 + q) * s..(c0 + q + 1) * s]
            },
            |k, q, piece| piece.write_to(&mut out_rows[k][(c0 + q - base) * s..][..s]),
        );
    });
    out
}

/// The `n - 2f` source rows, concatenated, from `n - f` verified secondary slivers.
fn decode_rows_from_secondary(layout: &BlobLayout, chosen: &[(usize, &[u8])], threads: usize) -> Vec<u8> {
    let config = layout.config();
    let rows = config.secondary_sliver_symbols();
    let cols = config.primary_sliver_symbols();
    let row_bytes = layout.primary_sliver_bytes();
    let s = layout.symbol_size();
    let mut out = buffer::zeroed(rows * row_bytes);
    let code = Code::row(config);
    let positions: Vec<usize> = chosen.iter().map(|(i, _)| *i).collect();
    let ranges = parallel::split_for_threads(rows, threads, code::stripe_width(s));
    // Each item owns whole rows here, so split the buffer into row blocks.
    let blocks = parallel::split_contiguous(&mut out, row_bytes, &ranges);
    let work: Vec<_> = ranges.into_iter().zip(blocks).collect();
    parallel::run(work, threads, Coder::default, |coder, (range, block): (std::ops::Range<usize>, &mut [u8])| {
        for (index, sliver) in chosen.iter().filter(|(i, _)| *i < cols) {
            for i in range.clone() {
                let at = (i - range.start) * row_bytes + index * s;
                block[at..at + s].copy_from_slice(&sliver[i * s..(i + 1) * s]);
            }
        }
        if chosen.iter().all(|(i, _)| *i < cols) {
            return;
        }
        for (r0, r1) in code::stripes(range.clone(), s) {
            coder.decode(
                &code,
                s,
                r1 - r0,
                &positions,
                |p, q| {
                    let sliver = chosen[positions.binary_search(&p).expect("chosen position")].1;
                    &sliver[(r0 + q) * s..(r0 + q + 1) * s]
                },
                |k, q, piece| piece.write_to(&mut block[(r0 + q - range.start) * row_bytes + k * s..][..s]),
            );
        }
    });
    out
}

/// Checks that the decoded source rows reproduce the committed primary roots of at least
/// `n - f` rows. A row already verified against its root counts when its bytes equal the decoded
/// blob's row (a comparison, no hashing); other rows are recomputed and hashed. Source rows are
/// preferred because rows beyond them need the column code over the whole blob.
///
/// `verified_source_rows_copied`: the verified rows below `n - 2f` are the very bytes the
/// decoded blob's rows were copied from ([`decode_rows_from_primary`] copies every verified
/// source row it is given), so they count without a comparison.
fn check_against_primary_roots(
    layout: &BlobLayout,
    roots: &VerifiedRoots,
    source: &[u8],
    verified: &[(usize, &[u8])],
    verified_source_rows_copied: bool,
    threads: usize,
) -> Result<(), EncodingError> {
    let config = layout.config();
    let rows = config.secondary_sliver_symbols();
    let row_bytes = layout.primary_sliver_bytes();
    let need = config.n() - config.max_faulty();
    let known: Vec<usize> = roots.known_pairs().collect();
    if known.len() < need {
        return Err(EncodingError::NotEnough { what: "sliver pair roots", have: known.len(), need });
    }
    let verified: BTreeMap<usize, &[u8]> = verified.iter().copied().collect();
    let verified_bytes = |i: usize| verified.get(&i).copied();
    let mut confirmed = 0;
    let mut to_hash = Vec::new();
    for &i in known.iter().filter(|&&i| i < rows) {
        match verified_bytes(i) {
            Some(bytes) if verified_source_rows_copied => {
                debug_assert!(bytes == &source[i * row_bytes..(i + 1) * row_bytes], "copied row {i}");
                confirmed += 1;
            }
            Some(bytes) if bytes == &source[i * row_bytes..(i + 1) * row_bytes] => confirmed += 1,
            Some(_) => return Err(EncodingError::InconsistentEncoding),
            None => to_hash.push(i),
        }
    }
    // Rows beyond the source, when needed: verified ones first (a comparison), then others
    // (hashed), lowest first, so the column code computes the shortest prefix of recovery rows.
    let mut compare = Vec::new();
    if confirmed + to_hash.len() < need {
        let (with_bytes, without): (Vec<usize>, Vec<usize>) =
            known.iter().copied().filter(|&i| i >= rows).partition(|&i| verified_bytes(i).is_some());
        compare = with_bytes.into_iter().take(need - confirmed - to_hash.len()).collect();
        to_hash.extend(without.into_iter().take(need - confirmed - to_hash.len() - compare.len()));
    }
    let recovery_rows = compare.iter().chain(&to_hash).map(|&i| i + 1).max().unwrap_or(0).saturating_sub(rows);
    let beyond = (recovery_rows > 0).then(|| column_expand(layout, source, recovery_rows, threads));
    let row = |i: usize| -> &[u8] {
        if i < rows {
            &source[i * row_bytes..(i + 1) * row_bytes]
        } else {
            let r = beyond.as_ref().expect("computed up to the last row beyond the source in use");
            &r[(i - rows) * row_bytes..(i - rows + 1) * row_bytes]
        }
    };
    for i in compare {
        if verified_bytes(i) != Some(row(i)) {
            return Err(EncodingError::InconsistentEncoding);
        }
        confirmed += 1;
    }
    to_hash.truncate(need.saturating_sub(confirmed));
    debug_assert!(confirmed + to_hash.len() >= need, "known roots cover n - f rows");
    let slivers: Vec<&[u8]> = to_hash.iter().map(|&i| row(i)).collect();
    let computed = sliver_roots(layout, SliverKind::Primary, &slivers, threads)?;
    for (i, root) in to_hash.iter().zip(&computed) {
        if roots.primary_root(*i) != Some(root) {
            return Err(EncodingError::InconsistentEncoding);
        }
    }
    drop(slivers);
    if let Some(beyond) = beyond {
        buffer::recycle(beyond);
    }
    Ok(())
}

/// The first `recovery_rows` primary slivers beyond the source (`n - 2f ..`) of a blob given its
/// source rows. A prefix costs less than all `2f`: the column code's recovery symbols do not
/// depend on how many are computed (`Code::column_prefix`).
pub(crate) fn column_expand(layout: &BlobLayout, source: &[u8], recovery_rows: usize, threads: usize) -> Vec<u8> {
    let config = layout.config();
    let row_bytes = layout.primary_sliver_bytes();
    let s = layout.symbol_size();
    let code = Code::column_prefix(config, recovery_rows);
    // Every byte is written: each recovery row, every column.
    let mut out = buffer::scratch(recovery_rows * row_bytes);
    by_column_stripes(layout, &mut out, threads, |coder, (c0, c1), base, out_rows| {
        coder.encode(
            &code,
            s,
            c1 - c0,
            |k, q| &source[k * row_bytes + (c0 + q) * s..k * row_bytes + (c0 + q + 1) * s],
            |r, q, piece| piece.write_to(&mut out_rows[r][(c0 + q - base) * s..][..s]),
        );
    });
    out
}

/// Codes the `n - f` columns of a blob stripe by stripe on up to `threads` threads; each thread
/// writes its own columns of every row of `out` (rows of a primary sliver's length).
/// `work(coder, (c0, c1), base, rows)` codes columns `c0..c1`; `rows[k]` holds the thread's
/// columns `base..` of row `k`.
fn by_column_stripes(
    layout: &BlobLayout,
    out: &mut [u8],
    threads: usize,
    work: impl Fn(&mut Coder, (usize, usize), usize, &mut [&mut [u8]]) + Sync,
) {
    let s = layout.symbol_size();
    let ranges = parallel::split_for_threads(layout.config().primary_sliver_symbols(), threads, code::stripe_width(s));
    let pieces = parallel::split_rows(out, layout.primary_sliver_bytes(), s, &ranges);
    let items: Vec<_> = ranges.into_iter().zip(pieces).collect();
    parallel::run(
        items,
        threads,
        Coder::default,
        |coder, (range, mut rows): (std::ops::Range<usize>, Vec<&mut [u8]>)| {
            for stripe in code::stripes(range.clone(), s) {
                work(coder, stripe, range.start, &mut rows);
            }
        },
    );
}
