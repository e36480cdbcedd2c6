//! Encoding a blob into `n` sliver pairs and computing its metadata (`docs/encoding.md`).
//!
//! The blob is the row-major source matrix: row `i < n - 2f` is source primary sliver `i`, read
//! in place from the caller's buffer (only a zero-padded last part is copied). The encoder:
//!
//! 1. expands the source columns with the column code, giving primary slivers `n - 2f .. n`;
//! 2. expands the source rows with the row code, giving secondary slivers `n - f .. n`
//!    (secondary slivers `0 .. n - f` are the source columns, gathered from the blob only when
//!    asked for);
//! 3. expands the non-source secondary slivers with the column code to reach the last block of the
//!    `n x n` matrix, which is only hashed, never stored;
//! 4. builds the Merkle tree of every expanded primary sliver (a row of the matrix) and every
//!    expanded secondary sliver (a column) from one table of symbol leaf digests, hashing each
//!    of the `n^2` symbols once.
//!
//! Work is split across threads by columns or rows; every thread reuses one `Coder`.

use std::borrow::Cow;

use crate::{
    buffer,
    code::{self, Code, Coder},
    config::{BlobLayout, ENCODING_TYPE_RED_STUFF, EncodingConfig},
    error::EncodingError,
    merkle::{self, Digest, MerkleTree},
    metadata::{BlobCommitment, BlobMetadata, SliverPairMetadata, SliverPairRoots},
    parallel,
    sliver::{Expansion, SliverKind},
};

pub use crate::code::STRIPE_TARGET_BYTES;

/// The source rows of a blob: full rows borrowed from the caller, the rest zero-padded copies.
#[derive(Clone, Copy)]
pub(crate) struct SourceRows<'b> {
    blob: &'b [u8],
    padded: &'b [u8],
    full_rows: usize,
    row_bytes: usize,
}

impl<'b> SourceRows<'b> {
    pub(crate) fn row(&self, i: usize) -> &'b [u8] {
        if i < self.full_rows {
            &self.blob[i * self.row_bytes..(i + 1) * self.row_bytes]
        } else {
            let j = i - self.full_rows;
            &self.padded[j * self.row_bytes..(j + 1) * self.row_bytes]
        }
    }
}

/// A blob encoded into its sliver pairs, with its metadata. Source primary slivers borrow the
/// caller's blob, and source secondary slivers are read from it when asked for
/// ([`EncodedBlob::secondary_sliver`]): the encoder never writes the transposed source, which
/// saves a copy of the blob in time and in memory.
pub struct EncodedBlob<'a> {
    layout: BlobLayout,
    metadata: BlobMetadata,
    pair_tree: MerkleTree,
    blob: &'a [u8],
    full_rows: usize,
    padded_rows: Vec<u8>,
    /// The recovery primary slivers, in column blocks ([`RowBlocks`]).
    recovery_rows: Vec<u8>,
    /// The recovery secondary slivers (the last `f`), one after another.
    recovery_columns: Vec<u8>,
}

impl<'a> EncodedBlob<'a> {
    /// The blob's layout.
    pub fn layout(&self) -> &BlobLayout {
        &self.layout
    }

    /// The full metadata.
    pub fn metadata(&self) -> &BlobMetadata {
        &self.metadata
    }

    /// The blob id.
    pub fn blob_id(&self) -> crate::BlobId {
        self.metadata.blob_id()
    }

    fn source(&self) -> SourceRows<'_> {
        SourceRows {
            blob: self.blob,
            padded: &self.padded_rows,
            full_rows: self.full_rows,
            row_bytes: self.layout.primary_sliver_bytes(),
        }
    }

    fn row_blocks(&self) -> RowBlocks {
        RowBlocks::new(&self.layout)
    }

    /// Primary sliver `index` (`n - f` symbols). A source primary sliver (a row of the blob) is
    /// borrowed; a recovery one is gathered from the encoder's column blocks into a new buffer.
    pub fn primary_sliver(&self, index: usize) -> Cow<'_, [u8]> {
        match self.recovery_row(index) {
            None => Cow::Borrowed(self.source().row(index)),
            Some(r) => {
                let mut out = Vec::with_capacity(self.layout.primary_sliver_bytes());
                self.row_blocks().append_row(&self.recovery_rows, r, &mut out);
                Cow::Owned(out)
            }
        }
    }

    /// Appends primary sliver `index` to `out`: one copy, straight from the blob or the
    /// encoder's column blocks (an upload body is built this way).
    pub fn append_primary_sliver(&self, index: usize, out: &mut Vec<u8>) {
        match self.recovery_row(index) {
            None => out.extend_from_slice(self.source().row(index)),
            Some(r) => self.row_blocks().append_row(&self.recovery_rows, r, out),
        }
    }

    /// The recovery row of primary sliver `index` (`index - (n - 2f)`), or `None` for a source one.
    fn recovery_row(&self, index: usize) -> Option<usize> {
        let config = self.layout.config();
        assert!(index < config.n(), "primary sliver index {index} out of range");
        index.checked_sub(config.secondary_sliver_symbols())
    }

    /// Secondary sliver `index` (`n - 2f` symbols). A source secondary sliver (a column of the
    /// blob) is gathered into a new buffer; a recovery one is borrowed.
    pub fn secondary_sliver(&self, index: usize) -> Cow<'_, [u8]> {
        match self.recovery_column(index) {
            Some(column) => Cow::Borrowed(column),
            None => {
                let mut out = Vec::with_capacity(self.layout.secondary_sliver_bytes());
                self.append_secondary_sliver(index, &mut out);
                Cow::Owned(out)
            }
        }
    }

    /// Appends secondary sliver `index` to `out`: one copy, straight from the blob or the
    /// recovery slivers (an upload body is built this way).
    pub fn append_secondary_sliver(&self, index: usize, out: &mut Vec<u8>) {
        if let Some(column) = self.recovery_column(index) {
            out.extend_from_slice(column);
            return;
        }
        let s = self.layout.symbol_size();
        let source = self.source();
        out.reserve(self.layout.secondary_sliver_bytes());
        for i in 0..self.layout.config().secondary_sliver_symbols() {
            out.extend_from_slice(&source.row(i)[index * s..(index + 1) * s]);
        }
    }

    /// Recovery secondary sliver `index`, or `None` for a source one.
    fn recovery_column(&self, index: usize) -> Option<&[u8]> {
        let config = self.layout.config();
        assert!(index < config.n(), "secondary sliver index {index} out of range");
        let j = index.checked_sub(config.primary_sliver_symbols())?;
        let b = self.layout.secondary_sliver_bytes();
        Some(&self.recovery_columns[j * b..(j + 1) * b])
    }

    /// Sliver `index` of `kind` ([`EncodedBlob::primary_sliver`] or
    /// [`EncodedBlob::secondary_sliver`]).
    pub fn sliver(&self, kind: SliverKind, index: usize) -> Cow<'_, [u8]> {
        match kind {
            SliverKind::Primary => self.primary_sliver(index),
            SliverKind::Secondary => self.secondary_sliver(index),
        }
    }

    /// The metadata of sliver pair `pair_index`, as the node storing it keeps it.
    pub fn pair_metadata(&self, pair_index: usize) -> SliverPairMetadata {
        SliverPairMetadata {
            pair_index: u16::try_from(pair_index).expect("pair index below MAX_SHARDS"),
            roots: self.metadata.pairs[pair_index],
            proof: self.pair_tree.proof(pair_index).expect("pair index in range"),
        }
    }

    /// The primary and secondary sliver of pair `pair_index` (see
    /// [`EncodedBlob::primary_sliver`] and [`EncodedBlob::secondary_sliver`]).
    pub fn sliver_pair(&self, pair_index: usize) -> (Cow<'_, [u8]>, Cow<'_, [u8]>) {
        let secondary = self.layout.config().secondary_index_of_pair(pair_index);
        (self.primary_sliver(pair_index), self.secondary_sliver(secondary))
    }
}

impl Drop for EncodedBlob<'_> {
    fn drop(&mut self) {
        buffer::recycle(std::mem::take(&mut self.recovery_rows));
        buffer::recycle(std::mem::take(&mut self.recovery_columns));
    }
}

/// Encodes `blob` for `config` on up to `threads` threads.
pub fn encode<'a>(config: &EncodingConfig, blob: &'a [u8], threads: usize) -> Result<EncodedBlob<'a>, EncodingError> {
    let layout = config.layout(blob.len() as u64)?;
    let n = config.n();
    let s = layout.symbol_size();
    let rows = config.secondary_sliver_symbols(); // source rows, R
    let cols = config.primary_sliver_symbols(); // source columns, C
    let row_bytes = layout.primary_sliver_bytes();
    let column_bytes = layout.secondary_sliver_bytes();
    let column_code = Code::column(config);
    let row_code = Code::row(config);

    // Source rows: the caller's bytes where whole, a zero-padded copy of the rest.
    let full_rows = (blob.len() / row_bytes).min(rows);
    let mut padded_rows = buffer::zeroed((rows - full_rows) * row_bytes);
    let tail = &blob[full_rows * row_bytes..];
    padded_rows[..tail.len()].copy_from_slice(tail);
    let source = SourceRows { blob, padded: &padded_rows, full_rows, row_bytes };

    // Leaf digests of the whole n x n matrix, column-major: leaves[j * n + i] is symbol (i, j).
    let mut leaves: Vec<Digest> = buffer::scratch(n * n);
    let (left_leaves, right_leaves) = leaves.split_at_mut(cols * n);

    // 1. Primary expansion of the source columns, hashing columns 0..C entirely.
    let mut recovery_rows = buffer::scratch((n - rows) * row_bytes);
    {
        let blocks = RowBlocks::new(&layout);
        // Items of whole column blocks, each owning its blocks' contiguous part of the rows.
        let ranges = parallel::split_aligned(cols, threads, blocks.width);
        let block_pieces = parallel::split_contiguous(&mut recovery_rows, blocks.column_bytes(), &ranges);
        let leaf_pieces = parallel::split_contiguous(left_leaves, n, &ranges);
        let work: Vec<_> = ranges.iter().cloned().zip(block_pieces.into_iter().zip(leaf_pieces)).collect();
        let init = || (Coder::default(), Vec::<Digest>::new());
        parallel::run(work, threads, init, |(coder, by_row), (range, (out_blocks, leaves))| {
            let base = range.start;
            for (c0, c1) in code::stripes(range.clone(), s) {
                let count = c1 - c0;
                debug_assert!(c0 % blocks.width == 0 && count == blocks.width_at(c0), "a stripe is a block");
                let out_block =
                    &mut out_blocks[blocks.start(c0) - blocks.start(base)..blocks.start(c1) - blocks.start(base)];
                let table = &mut leaves[(c0 - base) * n..(c1 - base) * n];
                // Narrow stripes (large symbols) are hashed row by row, a run of `count`
                // adjacent symbols at a time: column by column, each batch of 16 would gather
                // from 16 rows a whole row apart. The source symbols go first, which also brings
                // them into cache for the coder's packing. Wide stripes (small symbols) are
                // hashed column by column, into the table directly: scattering row-ordered
                // leaves into hundreds of columns cost more than it saved.
                let row_major = count <= code::NARROW_STRIPE_MAX_CODEWORDS;
                if row_major {
                    by_row.resize(rows * count, merkle::EMPTY_DIGEST);
                    merkle::leaf_digests(|k| &source.row(k / count)[(c0 + k % count) * s..][..s], by_row);
                    scatter_leaves(by_row, count, 0, n, table);
                }
                if Coder::codes_in_place(count, s) {
                    // One column: hash its recovery symbols where the coder left them, while
                    // they are in cache, then store them.
                    let coded = coder.encode_one(&column_code, s, |k| &source.row(k)[c0 * s..][..s]);
                    merkle::leaf_digests(|r| coded.recovery(r), &mut table[rows..]);
                    for (r, symbol) in out_block.chunks_exact_mut(s).enumerate() {
                        symbol.copy_from_slice(coded.recovery(r));
                    }
                    continue;
                }
                let mut recovery: Vec<&mut [u8]> = out_block.chunks_exact_mut(count * s).collect();
                coder.encode_runs(
                    &column_code,
                    s,
                    count,
                    |k, q| &source.row(k)[(c0 + q) * s..(c0 + q + 1) * s],
                    Some(&|k| &source.row(k)[c0 * s..c1 * s]),
                    &mut recovery,
                );
                let out_block = &*out_block;
                let recovery_symbol = |r: usize, c: usize| &out_block[(r * count + c - c0) * s..][..s];
                if row_major {
                    by_row.resize((n - rows) * count, merkle::EMPTY_DIGEST);
                    merkle::leaf_digests(|k| recovery_symbol(k / count, c0 + k % count), by_row);
                    scatter_leaves(by_row, count, rows, n, table);
                } else {
                    // The stripe's whole columns in one call: the hasher works 16 symbols at a
                    // time, so only the stripe's last batch is partial.
                    merkle::leaf_digests(
                        |k| {
                            let (c, i) = (c0 + k / n, k % n);
                            match i.checked_sub(rows) {
                                None => &source.row(i)[c * s..(c + 1) * s],
                                Some(r) => recovery_symbol(r, c),
                            }
                        },
                        table,
                    );
                }
            }
        });
    }

    // 2. Secondary expansion of the source rows: the recovery columns. (The source columns are
    // the blob itself, read in place.)
    let mut recovery_columns = buffer::scratch((n - cols) * column_bytes);
    {
        let ranges = parallel::split_for_threads(rows, threads, code::stripe_width(s));
        let column_pieces = parallel::split_rows(&mut recovery_columns, column_bytes, s, &ranges);
        let work: Vec<_> = ranges.iter().cloned().zip(column_pieces).collect();
        parallel::run(work, threads, Coder::default, |coder, (range, mut out_columns)| {
            let base = range.start;
            for (r0, r1) in code::stripes(range.clone(), s) {
                // Each recovery column holds this stripe's rows one after another.
                let mut recovery: Vec<&mut [u8]> =
                    out_columns.iter_mut().map(|column| &mut column[(r0 - base) * s..(r1 - base) * s]).collect();
                coder.encode_runs(
                    &row_code,
                    s,
                    r1 - r0,
                    |k, q| &source.row(r0 + q)[k * s..(k + 1) * s],
                    None,
                    &mut recovery,
                );
            }
        });
    }

    // 3. The non-source secondary slivers: hash them, and expand them to hash the last block.
    {
        let ranges = parallel::split_for_threads(n - cols, threads, Expansion::width(s));
        let leaf_pieces = parallel::split_contiguous(right_leaves, n, &ranges);
        let recovery_columns = &recovery_columns;
        let column = |j: usize| &recovery_columns[(j - cols) * column_bytes..(j - cols + 1) * column_bytes];
        let work: Vec<_> = ranges.iter().cloned().zip(leaf_pieces).collect();
        parallel::run(work, threads, Expansion::default, |expansion, (range, leaves)| {
            let (start, end) = (cols + range.start, cols + range.end);
            for (j0, j1) in Expansion::stripes(start..end, s) {
                let count = j1 - j0;
                let table = &mut leaves[(j0 - start) * n..(j1 - start) * n];
                expansion.leaves(&column_code, s, count, |k, q| &column(j0 + q)[k * s..(k + 1) * s], table);
            }
        });
    }

    // 4. Roots of every expanded secondary sliver (a column) and primary sliver (a row).
    let (primary_roots, secondary_roots) = sliver_roots(&leaves, n, threads);
    buffer::recycle(leaves);
    let pairs: Vec<SliverPairRoots> = (0..n)
        .map(|p| SliverPairRoots {
            primary: primary_roots[p],
            secondary: secondary_roots[config.secondary_index_of_pair(p)],
        })
        .collect();
    let pair_leaves: Vec<Digest> = pairs.iter().map(SliverPairRoots::leaf).collect();
    let pair_tree = MerkleTree::new(&pair_leaves);
    let commitment = BlobCommitment {
        encoding_type: ENCODING_TYPE_RED_STUFF,
        unencoded_size_bytes: blob.len() as u64,
        root: pair_tree.root(),
    };
    Ok(EncodedBlob {
        layout,
        metadata: BlobMetadata { commitment, pairs },
        pair_tree,
        blob,
        full_rows,
        padded_rows,
        recovery_rows,
        recovery_columns,
    })
}

/// Where the encoder puts the recovery primary slivers: in blocks of `width` columns (the coding
/// stripe width), each block holding its columns' symbols of every recovery row, row after row:
/// symbol `(r, c)` is at `start(c0) + (r * w + c - c0) * s`, for the block starting at column
/// `c0` and `w` wide. Each stripe's output is then one contiguous run. Written in place as whole
/// rows, every stripe wrote a few KB into each of ~2n/3 rows far apart; the blocks made encoding
/// 3-5% faster (`docs/benchmarks.md`, session 7). A recovery sliver is gathered from its blocks
/// when asked for.
#[derive(Clone, Copy, Debug)]
struct RowBlocks {
    /// Columns per block (the last block may be narrower).
    width: usize,
    /// Columns in all (`n - f`).
    columns: usize,
    /// Recovery rows (`2f`).
    rows: usize,
    symbol_size: usize,
}

impl RowBlocks {
    fn new(layout: &BlobLayout) -> Self {
        let config = layout.config();
        Self {
            width: code::stripe_width(layout.symbol_size()),
            columns: config.primary_sliver_symbols(),
            rows: config.n() - config.secondary_sliver_symbols(),
            symbol_size: layout.symbol_size(),
        }
    }

    /// Bytes of one column's recovery symbols: the blocks hold this much per column.
    fn column_bytes(&self) -> usize {
        self.rows * self.symbol_size
    }

    /// The byte offset of the block that starts at column `c0` (or of the end, for `columns`).
    fn start(&self, c0: usize) -> usize {
        c0 * self.column_bytes()
    }

    /// The width of the block that starts at column `c0`.
    fn width_at(&self, c0: usize) -> usize {
        self.width.min(self.columns - c0)
    }

    /// Appends recovery row `r`, block by block, to `out`.
    fn append_row(&self, data: &[u8], r: usize, out: &mut Vec<u8>) {
        assert!(r < self.rows, "recovery row {r} out of range");
        out.reserve(self.columns * self.symbol_size);
        for c0 in (0..self.columns).step_by(self.width) {
            let run = self.width_at(c0) * self.symbol_size;
            out.extend_from_slice(&data[self.start(c0) + r * run..][..run]);
        }
    }
}

/// Writes leaves listed row by row (`count` per row, the first row being `first_row`) into
/// their places in a column-major table of `count` columns of `n` rows.
fn scatter_leaves(by_row: &[Digest], count: usize, first_row: usize, n: usize, table: &mut [Digest]) {
    debug_assert_eq!(table.len(), count * n);
    for (k, leaf) in by_row.iter().enumerate() {
        table[(k % count) * n + first_row + k / count] = *leaf;
    }
}

/// Rows of the leaf table gathered together when computing row roots.
const ROW_BLOCK: usize = 16;

/// The Merkle roots of all rows and all columns of a column-major `n x n` leaf table.
fn sliver_roots(leaves: &[Digest], n: usize, threads: usize) -> (Vec<Digest>, Vec<Digest>) {
    let ranges = parallel::split_for_threads(n, threads, ROW_BLOCK);
    let mut row_roots = vec![merkle::EMPTY_DIGEST; n];
    let mut column_roots = vec![merkle::EMPTY_DIGEST; n];
    {
        let row_pieces = parallel::split_contiguous(&mut row_roots, 1, &ranges);
        let column_pieces = parallel::split_contiguous(&mut column_roots, 1, &ranges);
        let work: Vec<_> = ranges.iter().cloned().zip(row_pieces.into_iter().zip(column_pieces)).collect();
        let init = || (Vec::with_capacity(n.next_power_of_two()), vec![merkle::EMPTY_DIGEST; ROW_BLOCK * n]);
        parallel::run(work, threads, init, |(scratch, gathered), (range, (rows_out, columns_out))| {
            for (k, idx) in range.clone().enumerate() {
                columns_out[k] = merkle::root_with_scratch(&leaves[idx * n..(idx + 1) * n], scratch);
            }
            // A row's leaves lie `n` digests apart. Gather a block of rows at once, so that each
            // column contributes one contiguous run of digests instead of one cache line per
            // row (a row at a time, the gather was ~8% of encoding a 1 MiB blob).
            let mut start = range.start;
            while start < range.end {
                let rows = (range.end - start).min(ROW_BLOCK);
                for j in 0..n {
                    for (r, leaf) in leaves[j * n + start..][..rows].iter().enumerate() {
                        gathered[r * n + j] = *leaf;
                    }
                }
                for r in 0..rows {
                    rows_out[start + r - range.start] =
                        merkle::root_with_scratch(&gathered[r * n..(r + 1) * n], scratch);
                }
                start += rows;
            }
        });
    }
    (row_roots, column_roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_slivers(encoded: &EncodedBlob<'_>) -> Vec<u8> {
        let n = encoded.layout().config().n();
        let mut out = Vec::new();
        for i in 0..n {
            out.extend_from_slice(&encoded.primary_sliver(i));
            out.extend_from_slice(&encoded.secondary_sliver(i));
        }
        out
    }

    /// Outputs are written into recycled buffers that still hold an earlier blob (poisoned in
    /// debug builds); every byte must be overwritten, so the result equals a fresh encoding.
    #[test]
    fn encoding_into_recycled_buffers_overwrites_every_byte() {
        let config = EncodingConfig::new(10).unwrap();
        let size = 12 << 20; // the recovery rows and secondary slivers exceed the pool's minimum
        let first: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let second: Vec<u8> = (0..size - 1000).map(|i| (i % 241) as u8 ^ 0x5C).collect();
        let fresh = encode(&config, &second, 2).unwrap();
        let (fresh_id, fresh_slivers) = (fresh.blob_id(), all_slivers(&fresh));
        drop(fresh);
        drop(encode(&config, &first, 2).unwrap());
        let reused = encode(&config, &second, 2).unwrap();
        assert_eq!(reused.blob_id(), fresh_id);
        assert!(all_slivers(&reused) == fresh_slivers, "slivers from recycled buffers differ");
    }
}
