//! The two Reed-Solomon codes of RedStuff, over reed-solomon-simd, coding many codewords per call.
//!
//! The *column code* turns the `n - 2f` symbols of a column into `n` (primary expansion); it uses
//! reed-solomon-simd's low-rate code. The *row code* turns the `n - f` symbols of a row into `n`
//! (secondary expansion); it uses the high-rate code. Both are systematic: positions below the
//! number of originals are the originals, position `originals + r` is recovery shard `r`. The
//! rates are fixed here, not chosen by reed-solomon-simd's heuristics, because encoder and
//! decoder must agree forever (`docs/encoding.md`).

use reed_solomon_simd::{
    engine::{Engine, ShardsRefMut, utils},
    rate::{HighRateDecoder, LowRateDecoder, RateDecoder},
};

use crate::{config::EncodingConfig, engine::CodingEngine, lanes::Lanes};

/// Bytes of each packed shard handed to reed-solomon-simd in one call. Smaller shards keep its
/// working set (up to ~2n shards) in cache; larger ones amortise per-call costs. Measured in
/// `walrus bench encoding`; see `docs/benchmarks.md`.
pub const STRIPE_TARGET_BYTES: usize = 2048;

/// Splits the codewords `range` into consecutive stripes, each coded in one call with shards of
/// about [`STRIPE_TARGET_BYTES`].
pub(crate) fn stripes(range: std::ops::Range<usize>, symbol_size: usize) -> impl Iterator<Item = (usize, usize)> {
    let width = (STRIPE_TARGET_BYTES / symbol_size).max(1);
    let end = range.end;
    range.step_by(width).map(move |start| (start, (start + width).min(end)))
}

/// The byte ranges of a symbol that are coded in separate calls: the whole symbol when it is at
/// most [`STRIPE_TARGET_BYTES`], else pieces of that many bytes and a last piece with the rest.
///
/// Symbols of small `n` are large (2.4 MB for a 64 MiB blob at n = 10), and coding a whole one
/// per call makes reed-solomon-simd's working set (up to `2n` shards) far larger than the cache.
/// Pieces give the same bytes: reed-solomon-simd codes every 64-byte chunk of a shard on its
/// own (`lanes.rs`), the pieces start on chunk boundaries, and the last piece ends where the
/// symbol does, with the symbol's partial chunk.
pub(crate) fn pieces(symbol_size: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    pieces_of(symbol_size, STRIPE_TARGET_BYTES)
}

/// Bytes of a symbol decoded per call. Larger than encoding's pieces: every reed-solomon-simd
/// decode call first evaluates the erasure locator over the whole field (`eval_poly`, a
/// 65,536-point transform), the same for every piece, so 4 KiB pieces repeated it thousands of
/// times for the large symbols of small `n`: decoding 64 MiB at n = 10 from recovery slivers
/// took 3x longer than with whole symbols. 64 KiB pieces were the fastest measured (whole
/// symbols, 64 KiB and 256 KiB; `docs/benchmarks.md`).
pub(crate) const DECODE_PIECE_BYTES: usize = 64 << 10;

/// [`pieces`] of `piece_bytes` (a multiple of 64).
fn pieces_of(symbol_size: usize, piece_bytes: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    const _: () = assert!(STRIPE_TARGET_BYTES.is_multiple_of(64) && DECODE_PIECE_BYTES.is_multiple_of(64));
    (0..symbol_size).step_by(piece_bytes).map(move |start| start..(start + piece_bytes).min(symbol_size))
}

/// Which of the two codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Axis {
    /// `n - 2f` originals per codeword (a column of the blob matrix), low rate.
    Column,
    /// `n - f` originals per codeword (a row of the blob matrix), high rate.
    Row,
}

/// One of the two codes for a configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Code {
    axis: Axis,
    originals: usize,
    total: usize,
}

impl Code {
    /// The column code (`n - 2f` to `n`), which produces primary slivers.
    pub(crate) fn column(config: &EncodingConfig) -> Self {
        Self { axis: Axis::Column, originals: config.secondary_sliver_symbols(), total: config.n() }
    }

    /// The column code with only its first `recovery` recovery symbols (at most `2f`). They
    /// equal the column code's: reed-solomon-simd's low-rate encoder evaluates recovery symbol
    /// `r` at a point fixed by `r` alone, so a shorter code computes a prefix of the same
    /// symbols with less work (tested below).
    pub(crate) fn column_prefix(config: &EncodingConfig, recovery: usize) -> Self {
        let column = Self::column(config);
        assert!(recovery <= column.recovery(), "at most 2f recovery symbols");
        Self { total: column.originals + recovery, ..column }
    }

    /// The row code (`n - f` to `n`), which produces secondary slivers.
    pub(crate) fn row(config: &EncodingConfig) -> Self {
        Self { axis: Axis::Row, originals: config.primary_sliver_symbols(), total: config.n() }
    }

    /// Original symbols per codeword.
    pub(crate) fn originals(&self) -> usize {
        self.originals
    }

    /// Recovery symbols per codeword.
    pub(crate) fn recovery(&self) -> usize {
        self.total - self.originals
    }
}

/// One coded piece of one symbol, still packed in the coder's shard: [`Piece::write_to`] copies
/// it straight into the symbol's place, so coded bytes are moved once.
pub(crate) struct Piece<'s> {
    lanes: Lanes,
    index: usize,
    shard: &'s [u8],
    range: std::ops::Range<usize>,
}

impl Piece<'_> {
    /// Writes the piece into `symbol` (the whole symbol, `symbol_size` bytes) at its offset.
    pub(crate) fn write_to(&self, symbol: &mut [u8]) {
        self.lanes.unpack(self.index, self.shard, &mut symbol[self.range.clone()]);
    }
}

/// Reusable working state for coding. Encoding drives the engine directly on one work buffer
/// that the originals are packed into (reed-solomon-simd's rate encoders would copy every
/// shard once more into a buffer of their own); its decoders keep their buffers between calls.
#[derive(Default)]
pub(crate) struct Coder {
    engine: Option<CodingEngine>,
    work: Vec<[u8; 64]>,
    low_decoder: Option<LowRateDecoder<CodingEngine>>,
    high_decoder: Option<HighRateDecoder<CodingEngine>>,
    shard: Vec<u8>,
}

impl Coder {
    /// Encodes `count` codewords of `code` at once. `original(k, q)` is original symbol `k` of
    /// codeword `q`; `on_recovery(r, q, piece)` receives a piece of recovery symbol `r` of
    /// codeword `q` (the whole symbol, or one of its [`pieces`]) to write where it belongs.
    pub(crate) fn encode<'a>(
        &mut self,
        code: &Code,
        symbol_size: usize,
        count: usize,
        original: impl Fn(usize, usize) -> &'a [u8],
        mut on_recovery: impl FnMut(usize, usize, Piece<'_>),
    ) {
        let Self { engine, work, .. } = self;
        let engine = engine.get_or_insert_with(CodingEngine::new);
        for piece in pieces(symbol_size) {
            let lanes = Lanes::new(piece.len(), count);
            encode_in_place(engine, code, lanes, work, |k, q| &original(k, q)[piece.clone()]);
            let len64 = lanes.shard_bytes() / 64;
            for r in 0..code.recovery() {
                let shard = work[r * len64..(r + 1) * len64].as_flattened();
                for q in 0..count {
                    on_recovery(r, q, Piece { lanes, index: q, shard, range: piece.clone() });
                }
            }
        }
    }

    /// Like [`Self::encode`], but writes the recovery symbols into `out`, codeword-major:
    /// recovery symbol `r` of codeword `q` at `out[(q * recovery + r) * symbol_size..]`.
    pub(crate) fn encode_into<'a>(
        &mut self,
        code: &Code,
        symbol_size: usize,
        count: usize,
        original: impl Fn(usize, usize) -> &'a [u8],
        out: &mut [u8],
    ) {
        let recovery = code.recovery();
        assert_eq!(out.len(), count * recovery * symbol_size, "room for every recovery symbol");
        self.encode(code, symbol_size, count, original, |r, q, piece| {
            piece.write_to(&mut out[(q * recovery + r) * symbol_size..][..symbol_size]);
        });
    }

    /// Restores the missing originals of `count` codewords of `code`. `positions` lists exactly
    /// `code.originals()` distinct positions in `0..n` whose symbols are known; `known(p, q)` is
    /// the symbol at position `p` of codeword `q`. `on_restored(k, q, piece)` receives a piece
    /// of every original position `k` that is not in `positions` (the whole symbol, or one of
    /// its [`pieces`]).
    pub(crate) fn decode<'a>(
        &mut self,
        code: &Code,
        symbol_size: usize,
        count: usize,
        positions: &[usize],
        known: impl Fn(usize, usize) -> &'a [u8],
        mut on_restored: impl FnMut(usize, usize, Piece<'_>),
    ) {
        assert_eq!(positions.len(), code.originals, "decoding needs exactly `originals` positions");
        let Self { low_decoder, high_decoder, shard, .. } = self;
        for piece in pieces_of(symbol_size, DECODE_PIECE_BYTES) {
            let lanes = Lanes::new(piece.len(), count);
            let known = |p, q| &known(p, q)[piece.clone()];
            let on_restored = |k, restored: &[u8]| {
                for q in 0..count {
                    on_restored(k, q, Piece { lanes, index: q, shard: restored, range: piece.clone() });
                }
            };
            match code.axis {
                Axis::Column => run_decoder(low_decoder, code, lanes, shard, positions, known, on_restored),
                Axis::Row => run_decoder(high_decoder, code, lanes, shard, positions, known, on_restored),
            }
        }
    }
}

/// Encodes the codewords packed by `lanes` with the engine, in `work`: recovery shard `r` ends
/// at shard `r` of `work`. The steps are those of reed-solomon-simd's rate encoders (3.1,
/// `rate_low.rs` and `rate_high.rs`), so the bytes are the same; tests compare the two.
fn encode_in_place<'a>(
    engine: &CodingEngine,
    code: &Code,
    lanes: Lanes,
    work: &mut Vec<[u8; 64]>,
    original: impl Fn(usize, usize) -> &'a [u8],
) {
    let len64 = lanes.shard_bytes() / 64;
    let (k, r) = (code.originals, code.recovery());
    // The low-rate code transforms the originals in one chunk of `k` rounded up to a power of
    // two and evaluates it chunk by chunk over the recovery positions; the high-rate code
    // transforms the originals in chunks of `r` rounded up and sums them into one.
    let (chunk, work_count) = match code.axis {
        Axis::Column => {
            let chunk = k.next_power_of_two();
            (chunk, r.next_multiple_of(chunk))
        }
        Axis::Row => {
            let chunk = r.next_power_of_two();
            (chunk, k.next_multiple_of(chunk))
        }
    };
    // Only the padding needs zeros; everything else is written before it is read.
    let zero_end = match code.axis {
        Axis::Column => chunk,
        Axis::Row => work_count,
    };
    if work.len() < work_count * len64 {
        work.resize(work_count * len64, [0; 64]);
    }
    work[k * len64..zero_end * len64].fill([0; 64]);
    for i in 0..k {
        let shard = work[i * len64..(i + 1) * len64].as_flattened_mut();
        for q in 0..lanes.count() {
            lanes.pack(q, original(i, q), shard);
        }
    }
    match code.axis {
        Axis::Column => {
            engine.ifft(&mut ShardsRefMut::new(work_count, len64, work), 0, chunk, k, 0);
            let mut start = chunk;
            while start < r {
                work.copy_within(0..chunk * len64, start * len64);
                start += chunk;
            }
            let mut shards = ShardsRefMut::new(work_count, len64, work);
            let mut start = 0;
            while start < r {
                engine.fft(&mut shards, start, chunk, chunk.min(r - start), start + chunk);
                start += chunk;
            }
        }
        Axis::Row => {
            let mut shards = ShardsRefMut::new(work_count, len64, work);
            engine.ifft(&mut shards, 0, chunk, k.min(chunk), chunk);
            let mut start = chunk;
            while start < k {
                engine.ifft(&mut shards, start, chunk, chunk.min(k - start), start + chunk);
                utils::xor_within(&mut shards, 0, start, chunk);
                start += chunk;
            }
            engine.fft(&mut shards, 0, chunk, r, 0);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn run_decoder<'a, D: RateDecoder<CodingEngine>>(
    slot: &mut Option<D>,
    code: &Code,
    lanes: Lanes,
    shard: &mut Vec<u8>,
    positions: &[usize],
    known: impl Fn(usize, usize) -> &'a [u8],
    mut on_restored: impl FnMut(usize, &[u8]),
) {
    let shard_bytes = lanes.shard_bytes();
    let (originals, recovery) = (code.originals, code.recovery());
    let decoder = reuse_or_create(
        slot,
        |e| e.reset(originals, recovery, shard_bytes),
        || D::new(originals, recovery, shard_bytes, CodingEngine::new(), None),
    );
    shard.clear();
    shard.resize(shard_bytes, 0);
    let count = lanes.count();
    for &p in positions {
        for q in 0..count {
            lanes.pack(q, known(p, q), shard);
        }
        if p < originals {
            decoder.add_original_shard(p, &shard[..]).expect("distinct positions in range");
        } else {
            decoder.add_recovery_shard(p - originals, &shard[..]).expect("distinct positions in range");
        }
    }
    let result = decoder.decode().expect("exactly `originals` distinct shards were added");
    for k in 0..originals {
        if let Some(restored) = result.restored_original(k) {
            on_restored(k, restored);
        }
    }
}

/// The decoder in `slot`, reset to new parameters, or a new one: reed-solomon-simd keeps its
/// working buffers across resets, so a thread allocates them once.
fn reuse_or_create<T>(
    slot: &mut Option<T>,
    reset: impl FnOnce(&mut T) -> Result<(), reed_solomon_simd::Error>,
    create: impl FnOnce() -> Result<T, reed_solomon_simd::Error>,
) -> &mut T {
    match slot {
        Some(coder) => {
            reset(coder).expect("code parameters are validated");
            coder
        }
        None => slot.insert(create().expect("code parameters are validated")),
    }
}

#[cfg(test)]
mod tests {
    use reed_solomon_simd::{
        engine::DefaultEngine,
        rate::{HighRateEncoder, LowRateEncoder, RateEncoder},
    };

    use super::*;

    fn symbols(count: usize, size: usize, seed: u8) -> Vec<Vec<u8>> {
        (0..count)
            .map(|k| (0..size).map(|b| (k as u8).wrapping_mul(37).wrapping_add(b as u8 ^ seed)).collect())
            .collect()
    }

    /// The code of a symbol is reed-solomon-simd applied to that symbol alone; packing many
    /// codewords into one call must not change any of them.
    #[test]
    fn batched_coding_equals_coding_each_symbol_alone() {
        for n in [4u16, 7, 10, 31] {
            let config = EncodingConfig::new(n).unwrap();
            for code in [Code::column(&config), Code::row(&config)] {
                // 4162 and 8254 are coded in pieces; the reference codes them whole.
                for size in [2usize, 6, 64, 66, 130, 4162, 8254] {
                    let count = 5;
                    let words: Vec<Vec<Vec<u8>>> =
                        (0..count).map(|q| symbols(code.originals(), size, q as u8)).collect();
                    let mut batched = vec![vec![vec![0u8; size]; code.recovery()]; count];
                    Coder::default().encode(
                        &code,
                        size,
                        count,
                        |k, q| &words[q][k],
                        |r, q, piece| piece.write_to(&mut batched[q][r]),
                    );
                    for q in 0..count {
                        let alone = if code.axis == Axis::Column {
                            let mut e = LowRateEncoder::<DefaultEngine>::new(
                                code.originals(),
                                code.recovery(),
                                size,
                                DefaultEngine::new(),
                                None,
                            )
                            .unwrap();
                            for w in &words[q] {
                                e.add_original_shard(w).unwrap();
                            }
                            let r = e.encode().unwrap();
                            (0..code.recovery()).map(|i| r.recovery(i).unwrap().to_vec()).collect::<Vec<_>>()
                        } else {
                            let mut e = HighRateEncoder::<DefaultEngine>::new(
                                code.originals(),
                                code.recovery(),
                                size,
                                DefaultEngine::new(),
                                None,
                            )
                            .unwrap();
                            for w in &words[q] {
                                e.add_original_shard(w).unwrap();
                            }
                            let r = e.encode().unwrap();
                            (0..code.recovery()).map(|i| r.recovery(i).unwrap().to_vec()).collect::<Vec<_>>()
                        };
                        assert_eq!(batched[q], alone, "n={n} {:?} size={size}", code.axis);
                    }
                }
            }
        }
    }

    #[test]
    fn column_code_prefixes_compute_the_same_recovery_symbols() {
        for n in [4u16, 10, 31, 100] {
            let config = EncodingConfig::new(n).unwrap();
            let full = Code::column(&config);
            let (size, count) = (66, 3);
            let words: Vec<Vec<Vec<u8>>> = (0..count).map(|q| symbols(full.originals(), size, q as u8)).collect();
            let mut expected = vec![0u8; count * full.recovery() * size];
            Coder::default().encode_into(&full, size, count, |k, q| &words[q][k], &mut expected);
            for recovery in [1, full.recovery() / 2, full.recovery() - 1] {
                let prefix = Code::column_prefix(&config, recovery);
                let mut out = vec![0u8; count * recovery * size];
                Coder::default().encode_into(&prefix, size, count, |k, q| &words[q][k], &mut out);
                for q in 0..count {
                    let full_q = &expected[q * full.recovery() * size..][..recovery * size];
                    assert_eq!(
                        &out[q * recovery * size..(q + 1) * recovery * size],
                        full_q,
                        "n={n} recovery={recovery}"
                    );
                }
            }
        }
    }

    #[test]
    fn encode_into_equals_encode() {
        for n in [4u16, 10, 31] {
            let config = EncodingConfig::new(n).unwrap();
            for code in [Code::column(&config), Code::row(&config)] {
                for size in [2usize, 6, 64, 66, 302, 8254] {
                    let count = 7;
                    let words: Vec<Vec<Vec<u8>>> =
                        (0..count).map(|q| symbols(code.originals(), size, q as u8)).collect();
                    let mut expected = vec![0u8; count * code.recovery() * size];
                    Coder::default().encode(
                        &code,
                        size,
                        count,
                        |k, q| &words[q][k],
                        |r, q, piece| piece.write_to(&mut expected[(q * code.recovery() + r) * size..][..size]),
                    );
                    let mut out = vec![0u8; expected.len()];
                    Coder::default().encode_into(&code, size, count, |k, q| &words[q][k], &mut out);
                    assert_eq!(out, expected, "n={n} {:?} size={size}", code.axis);
                }
            }
        }
    }

    #[test]
    fn decoding_restores_from_any_originals_count_positions() {
        let config = EncodingConfig::new(10).unwrap();
        for code in [Code::column(&config), Code::row(&config)] {
            // 8254 bytes is encoded in three pieces and decoded whole; 131,138 bytes is decoded
            // in three pieces.
            for size in [70, 8254, 131_138] {
                let count = 3;
                let words: Vec<Vec<Vec<u8>>> = (0..count).map(|q| symbols(code.originals(), size, q as u8)).collect();
                let mut full: Vec<Vec<Vec<u8>>> = words.clone();
                for word in &mut full {
                    word.resize(config.n(), vec![0; size]);
                }
                Coder::default().encode(
                    &code,
                    size,
                    count,
                    |k, q| &words[q][k],
                    |r, q, piece| piece.write_to(&mut full[q][code.originals() + r]),
                );
                // Take the last `originals` positions: mostly recovery symbols.
                let positions: Vec<usize> = (config.n() - code.originals()..config.n()).collect();
                let mut restored = vec![vec![vec![0u8; size]; code.originals()]; count];
                let mut restored_bytes = 0;
                Coder::default().decode(
                    &code,
                    size,
                    count,
                    &positions,
                    |p, q| &full[q][p],
                    |k, q, piece| {
                        piece.write_to(&mut restored[q][k]);
                        restored_bytes += piece.range.len();
                    },
                );
                let missing: Vec<usize> = (0..code.originals()).filter(|k| !positions.contains(k)).collect();
                assert_eq!(restored_bytes, missing.len() * count * size, "every missing byte once");
                for q in 0..count {
                    for &k in &missing {
                        assert_eq!(restored[q][k], words[q][k], "size {size} codeword {q} original {k}");
                    }
                }
            }
        }
    }
}
