//! The two Reed-Solomon codes of RedStuff, over reed-solomon-simd, coding many codewords per call.
//!
//! The *column code* turns the `n - 2f` symbols of a column into `n` (primary expansion); it uses
//! reed-solomon-simd's low-rate code. The *row code* turns the `n - f` symbols of a row into `n`
//! (secondary expansion); it uses the high-rate code. Both are systematic: positions below the
//! number of originals are the originals, position `originals + r` is recovery shard `r`. The
//! rates are fixed here, not chosen by reed-solomon-simd's heuristics, because encoder and
//! decoder must agree forever (`docs/encoding.md`).

use reed_solomon_simd::rate::{
    HighRateDecoder, HighRateEncoder, LowRateDecoder, LowRateEncoder, RateDecoder, RateEncoder,
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

/// Reusable working state for coding: reed-solomon-simd's encoders and decoders keep their
/// buffers between calls, and one packing buffer is reused for every shard.
#[derive(Default)]
pub(crate) struct Coder {
    low_encoder: Option<LowRateEncoder<CodingEngine>>,
    high_encoder: Option<HighRateEncoder<CodingEngine>>,
    low_decoder: Option<LowRateDecoder<CodingEngine>>,
    high_decoder: Option<HighRateDecoder<CodingEngine>>,
    shard: Vec<u8>,
    symbol: Vec<u8>,
}

impl Coder {
    /// Encodes `count` codewords of `code` at once. `original(k, q)` is original symbol `k` of
    /// codeword `q`; `on_recovery(r, q, offset, bytes)` receives bytes `offset..` of recovery
    /// symbol `r` of codeword `q` (the whole symbol, or one of its [`pieces`]).
    pub(crate) fn encode<'a>(
        &mut self,
        code: &Code,
        symbol_size: usize,
        count: usize,
        original: impl Fn(usize, usize) -> &'a [u8],
        mut on_recovery: impl FnMut(usize, usize, usize, &[u8]),
    ) {
        let Self { low_encoder, high_encoder, shard, symbol, .. } = self;
        for piece in pieces(symbol_size) {
            let lanes = Lanes::new(piece.len(), count);
            let original = |k, q| &original(k, q)[piece.clone()];
            let on_recovery = |r, q, bytes: &[u8]| on_recovery(r, q, piece.start, bytes);
            match code.axis {
                Axis::Column => run_encoder(low_encoder, code, lanes, shard, symbol, original, on_recovery),
                Axis::Row => run_encoder(high_encoder, code, lanes, shard, symbol, original, on_recovery),
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
        let Self { low_encoder, high_encoder, shard, .. } = self;
        for piece in pieces(symbol_size) {
            let lanes = Lanes::new(piece.len(), count);
            let original = |k, q| &original(k, q)[piece.clone()];
            let emit = |r: usize, shard: &[u8]| {
                for q in 0..count {
                    let at = (q * recovery + r) * symbol_size + piece.start;
                    lanes.unpack(q, shard, &mut out[at..at + piece.len()]);
                }
            };
            match code.axis {
                Axis::Column => run_encoder_shards(low_encoder, code, lanes, shard, original, emit),
                Axis::Row => run_encoder_shards(high_encoder, code, lanes, shard, original, emit),
            }
        }
    }

    /// Restores the missing originals of `count` codewords of `code`. `positions` lists exactly
    /// `code.originals()` distinct positions in `0..n` whose symbols are known; `known(p, q)` is
    /// the symbol at position `p` of codeword `q`. `on_restored(k, q, offset, bytes)` receives
    /// bytes `offset..` of every original position `k` that is not in `positions` (the whole
    /// symbol, or one of its [`pieces`]).
    pub(crate) fn decode<'a>(
        &mut self,
        code: &Code,
        symbol_size: usize,
        count: usize,
        positions: &[usize],
        known: impl Fn(usize, usize) -> &'a [u8],
        mut on_restored: impl FnMut(usize, usize, usize, &[u8]),
    ) {
        assert_eq!(positions.len(), code.originals, "decoding needs exactly `originals` positions");
        let Self { low_decoder, high_decoder, shard, symbol, .. } = self;
        for piece in pieces_of(symbol_size, DECODE_PIECE_BYTES) {
            let lanes = Lanes::new(piece.len(), count);
            let known = |p, q| &known(p, q)[piece.clone()];
            let on_restored = |k, q, bytes: &[u8]| on_restored(k, q, piece.start, bytes);
            match code.axis {
                Axis::Column => run_decoder(low_decoder, code, lanes, shard, symbol, positions, known, on_restored),
                Axis::Row => run_decoder(high_decoder, code, lanes, shard, symbol, positions, known, on_restored),
            }
        }
    }
}

fn run_encoder<'a, E: RateEncoder<CodingEngine>>(
    slot: &mut Option<E>,
    code: &Code,
    lanes: Lanes,
    shard: &mut Vec<u8>,
    symbol: &mut Vec<u8>,
    original: impl Fn(usize, usize) -> &'a [u8],
    mut on_recovery: impl FnMut(usize, usize, &[u8]),
) {
    let count = lanes.count();
    run_encoder_shards(slot, code, lanes, shard, original, |r, recovered| {
        emit_symbols(&lanes, count, recovered, symbol, |q, s| on_recovery(r, q, s));
    });
}

/// Encodes the packed codewords and hands each recovery shard `r` to `on_shard(r, shard)`.
fn run_encoder_shards<'a, E: RateEncoder<CodingEngine>>(
    slot: &mut Option<E>,
    code: &Code,
    lanes: Lanes,
    shard: &mut Vec<u8>,
    original: impl Fn(usize, usize) -> &'a [u8],
    mut on_shard: impl FnMut(usize, &[u8]),
) {
    let shard_bytes = lanes.shard_bytes();
    let (originals, recovery) = (code.originals, code.recovery());
    let encoder = reuse_or_create(
        slot,
        |e| e.reset(originals, recovery, shard_bytes),
        || E::new(originals, recovery, shard_bytes, CodingEngine::new(), None),
    );
    shard.clear();
    shard.resize(shard_bytes, 0);
    let count = lanes.count();
    for k in 0..originals {
        for q in 0..count {
            lanes.pack(q, original(k, q), shard);
        }
        encoder.add_original_shard(&shard[..]).expect("shard size matches the encoder");
    }
    let result = encoder.encode().expect("all originals were added");
    for r in 0..recovery {
        on_shard(r, result.recovery(r).expect("recovery index in range"));
    }
}

#[allow(clippy::too_many_arguments)]
fn run_decoder<'a, D: RateDecoder<CodingEngine>>(
    slot: &mut Option<D>,
    code: &Code,
    lanes: Lanes,
    shard: &mut Vec<u8>,
    symbol: &mut Vec<u8>,
    positions: &[usize],
    known: impl Fn(usize, usize) -> &'a [u8],
    mut on_restored: impl FnMut(usize, usize, &[u8]),
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
            emit_symbols(&lanes, count, restored, symbol, |q, s| on_restored(k, q, s));
        }
    }
}

/// The coder in `slot`, reset to new parameters, or a new one: reed-solomon-simd keeps its
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

/// Hands every symbol of a coded shard to `f`, without copying when the packing allows.
fn emit_symbols(lanes: &Lanes, count: usize, shard: &[u8], symbol: &mut Vec<u8>, mut f: impl FnMut(usize, &[u8])) {
    if lanes.is_concatenation() {
        for q in 0..count {
            f(q, lanes.slice(q, shard).expect("concatenated packing"));
        }
    } else {
        symbol.resize(lanes.symbol_size(), 0);
        for q in 0..count {
            lanes.unpack(q, shard, symbol);
            f(q, symbol);
        }
    }
}

#[cfg(test)]
mod tests {
    use reed_solomon_simd::engine::DefaultEngine;

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
                    let mut batched = vec![vec![Vec::new(); code.recovery()]; count];
                    Coder::default().encode(
                        &code,
                        size,
                        count,
                        |k, q| &words[q][k],
                        |r, q, offset, s| {
                            batched[q][r].truncate(offset);
                            batched[q][r].extend_from_slice(s)
                        },
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
                        |r, q, offset, s| {
                            let at = (q * code.recovery() + r) * size + offset;
                            expected[at..at + s.len()].copy_from_slice(s);
                        },
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
                    |r, q, offset, s| full[q][code.originals() + r][offset..offset + s.len()].copy_from_slice(s),
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
                    |k, q, offset, s| {
                        restored[q][k][offset..offset + s.len()].copy_from_slice(s);
                        restored_bytes += s.len();
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
