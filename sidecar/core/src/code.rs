//! The two Reed-Solomon codes of RedStuff, over reed-solomon-simd, coding many codewords per call.
//!
//! The *column code* turns the `n - 2f` symbols of a column into `n` (primary expansion); it uses
//! reed-solomon-simd's low-rate code. The *row code* turns the `n - f` symbols of a row into `n`
//! (secondary expansion); it uses the high-rate code. Both are systematic: positions below the
//! number of originals are the originals, position `originals + r` is recovery shard `r`. The
//! rates are fixed here, not chosen by reed-solomon-simd's heuristics, because encoder and
//! decoder must agree forever (`docs/encoding.md`).

use reed_solomon_simd::engine::{Engine, GF_MODULUS, GF_ORDER, GfElement, ShardsRefMut};

use crate::{config::EncodingConfig, engine::CodingEngine, lanes::Lanes};

/// Bytes of each packed shard handed to reed-solomon-simd in one call. Smaller shards keep its
/// working set (up to ~2n shards) in cache; larger ones amortise per-call costs. Measured in
/// `walrus bench encoding`; see `docs/benchmarks.md`.
pub const STRIPE_TARGET_BYTES: usize = 2048;

/// Splits the codewords `range` into consecutive stripes, each coded in one call with shards of
/// about [`STRIPE_TARGET_BYTES`].
pub(crate) fn stripes(range: std::ops::Range<usize>, symbol_size: usize) -> impl Iterator<Item = (usize, usize)> {
    stripes_of(range, stripe_width(symbol_size))
}

/// Splits the codewords `range` into consecutive stripes of `width` (the last may be narrower),
/// as `(start, end)` pairs.
pub(crate) fn stripes_of(range: std::ops::Range<usize>, width: usize) -> impl Iterator<Item = (usize, usize)> {
    let end = range.end;
    range.step_by(width).map(move |start| (start, (start + width).min(end)))
}

/// Codewords per stripe for symbols of `symbol_size` bytes (the last stripe of a range may be
/// narrower).
pub(crate) fn stripe_width(symbol_size: usize) -> usize {
    (STRIPE_TARGET_BYTES / symbol_size).max(1)
}

/// The widest stripe counted as narrow: its symbols (64 bytes or more at the stripe target) are
/// hashed apart from the coding, originals first, so that the coder finds them in cache
/// (`encoder.rs`, steps 1 and 3, and `sliver::Expansion`). Wider stripes of small symbols hash
/// all of a stripe in one call, since the hasher's 16-symbol batches leave a partial batch per
/// call.
pub(crate) const NARROW_STRIPE_MAX_CODEWORDS: usize = 32;

/// The byte ranges of a symbol that are coded in separate calls: the whole symbol when it is at
/// most [`STRIPE_TARGET_BYTES`], else pieces of that many bytes and a last piece with the rest.
///
/// Symbols of small `n` are large (2.4 MB for a 64 MiB blob at n = 10), and coding a whole one
/// per call makes reed-solomon-simd's working set (up to `2n` shards) far larger than the cache.
/// Pieces give the same bytes: reed-solomon-simd codes every 64-byte chunk of a shard on its
/// own (`lanes.rs`), the pieces start on chunk boundaries, and the last piece ends where the
/// symbol does, with the symbol's partial chunk.
pub(crate) fn pieces(symbol_size: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    // Decoding once used larger pieces, because reed-solomon-simd's decoders evaluate the
    // erasure locator on every call; `Erasures` now does that once per set of positions.
    const _: () = assert!(STRIPE_TARGET_BYTES.is_multiple_of(64));
    (0..symbol_size)
        .step_by(STRIPE_TARGET_BYTES)
        .map(move |start| start..(start + STRIPE_TARGET_BYTES).min(symbol_size))
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

    /// Which of the two codes.
    pub(crate) fn axis(&self) -> Axis {
        self.axis
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

/// The recovery symbols of one codeword, in place in a coder ([`Coder::encode_one`]).
pub(crate) struct CodedInPlace<'c> {
    work: &'c [[u8; 64]],
    len64: usize,
    symbol_size: usize,
}

impl<'c> CodedInPlace<'c> {
    /// Recovery symbol `r`.
    pub(crate) fn recovery(&self, r: usize) -> &'c [u8] {
        &self.work[r * self.len64..(r + 1) * self.len64].as_flattened()[..self.symbol_size]
    }
}

/// Reusable working state for coding. Coding drives the engine directly on one work buffer that
/// the symbols are packed into: reed-solomon-simd's rate coders would copy every shard once more
/// into a buffer of their own, and its decoders evaluate the erasure locator (two transforms
/// over all 65,536 field elements) on every call, where a blob's stripes all share one.
#[derive(Default)]
pub(crate) struct Coder {
    engine: Option<CodingEngine>,
    work: Vec<[u8; 64]>,
    erasures: Option<Erasures>,
    /// Small symbols gathered into a run before packing ([`Lanes::pack_each`]).
    staging: Vec<u8>,
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
        let Self { engine, work, staging, .. } = self;
        let engine = engine.get_or_insert_with(CodingEngine::new);
        for piece in pieces(symbol_size) {
            let lanes = Lanes::new(piece.len(), count);
            encode_in_place(engine, code, lanes, work, |k, shard| {
                lanes.pack_each(|q| &original(k, q)[piece.clone()], staging, shard);
            });
            let len64 = lanes.shard_bytes() / 64;
            for r in 0..code.recovery() {
                let shard = work[r * len64..(r + 1) * len64].as_flattened();
                for q in 0..count {
                    on_recovery(r, q, Piece { lanes, index: q, shard, range: piece.clone() });
                }
            }
        }
    }

    /// Like [`Self::encode`], but writes recovery symbol `r` of every codeword into `recovery[r]`
    /// (`count * symbol_size` bytes, codeword 0 first). When given, `original_run(k)` is original
    /// symbol `k` of every codeword, laid out the same way. Symbols smaller than a 64-byte chunk
    /// then move a chunk at a time ([`Lanes::pack_run`], [`Lanes::unpack_run`]).
    pub(crate) fn encode_runs<'a>(
        &mut self,
        code: &Code,
        symbol_size: usize,
        count: usize,
        original: impl Fn(usize, usize) -> &'a [u8],
        original_run: Option<&dyn Fn(usize) -> &'a [u8]>,
        recovery: &mut [&mut [u8]],
    ) {
        assert_eq!(recovery.len(), code.recovery(), "a run for every recovery symbol");
        assert!(recovery.iter().all(|run| run.len() == count * symbol_size), "runs of `count` symbols");
        let Self { engine, work, staging, .. } = self;
        let engine = engine.get_or_insert_with(CodingEngine::new);
        for piece in pieces(symbol_size) {
            let lanes = Lanes::new(piece.len(), count);
            // Pieces of large symbols are not runs: they move symbol by symbol.
            let whole_symbols = piece.len() == symbol_size;
            encode_in_place(engine, code, lanes, work, |k, shard| match original_run {
                Some(run) if whole_symbols => lanes.pack_run(run(k), shard),
                _ => lanes.pack_each(|q| &original(k, q)[piece.clone()], staging, shard),
            });
            let len64 = lanes.shard_bytes() / 64;
            for (r, run) in recovery.iter_mut().enumerate() {
                let shard = work[r * len64..(r + 1) * len64].as_flattened();
                if whole_symbols {
                    lanes.unpack_run(shard, run);
                } else {
                    for q in 0..count {
                        lanes.unpack(q, shard, &mut run[q * symbol_size + piece.start..][..piece.len()]);
                    }
                }
            }
        }
    }

    /// True when [`Self::encode_one`] can code a stripe of `count` codewords of `symbol_size`
    /// bytes: one codeword whose symbols are coded whole.
    pub(crate) fn codes_in_place(count: usize, symbol_size: usize) -> bool {
        count == 1 && symbol_size <= STRIPE_TARGET_BYTES
    }

    /// Encodes one codeword (`original(k)` is its original symbol `k`) and leaves its recovery
    /// symbols in the coder, each as `symbol_size` contiguous bytes: nothing is copied out, so a
    /// caller that only hashes them, or hashes them before storing them, reads them while they
    /// are in cache. Only for symbols coded whole (at most [`STRIPE_TARGET_BYTES`]); see
    /// [`Self::encode`] for any size.
    pub(crate) fn encode_one<'a>(
        &mut self,
        code: &Code,
        symbol_size: usize,
        original: impl Fn(usize) -> &'a [u8],
    ) -> CodedInPlace<'_> {
        assert!(Self::codes_in_place(1, symbol_size), "a symbol coded whole, not in pieces");
        let Self { engine, work, .. } = self;
        let engine = engine.get_or_insert_with(CodingEngine::new);
        let lanes = Lanes::new(symbol_size, 1);
        encode_in_place(engine, code, lanes, work, |k, shard| lanes.pack(0, original(k), shard));
        let len64 = lanes.shard_bytes() / 64;
        // A lone symbol's packed shard is the symbol, except that the high half of its partial
        // chunk starts 32 bytes into that chunk instead of right after the low half; moving it
        // down makes the shard's first `symbol_size` bytes the symbol.
        let (whole, m) = (symbol_size - symbol_size % 64, (symbol_size % 64) / 2);
        if m > 0 {
            for shard in work[..code.recovery() * len64].chunks_exact_mut(len64) {
                shard.as_flattened_mut().copy_within(whole + 32..whole + 32 + m, whole + m);
            }
        }
        CodedInPlace { work: &work[..code.recovery() * len64], len64, symbol_size }
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
        let Self { engine, work, erasures, staging } = self;
        let engine = engine.get_or_insert_with(CodingEngine::new);
        if erasures.as_ref().is_none_or(|e| !e.is_for(code, positions)) {
            *erasures = Some(Erasures::new(code, positions));
        }
        let erasures = erasures.as_ref().expect("just set");
        if erasures.missing.is_empty() {
            return;
        }
        for piece in pieces(symbol_size) {
            let lanes = Lanes::new(piece.len(), count);
            decode_in_place(engine, code, lanes, work, erasures, positions, |p, shard| {
                lanes.pack_each(|q| &known(p, q)[piece.clone()], staging, shard);
            });
            let len64 = lanes.shard_bytes() / 64;
            for &k in &erasures.missing {
                let at = erasures.original_base + k;
                let shard = work[at * len64..(at + 1) * len64].as_flattened();
                for q in 0..count {
                    on_restored(k, q, Piece { lanes, index: q, shard, range: piece.clone() });
                }
            }
        }
    }
}

/// Where a decoding puts its shards and what its erasure locator evaluates to, for one code and
/// one set of known positions; every stripe of a blob shares it.
///
/// The layout is reed-solomon-simd's (3.1, `rate_low.rs` and `rate_high.rs`): the low-rate
/// (column) code keeps originals at `0..k` and recovery shards from `k` rounded up to a power of
/// two; the high-rate (row) code keeps recovery shards at `0..r` and originals from `r` rounded
/// up.
struct Erasures {
    code: Code,
    positions: Vec<usize>,
    /// Work position of original 0 and of recovery shard 0.
    original_base: usize,
    recovery_base: usize,
    /// Shards in the work buffer (a power of two).
    work_count: usize,
    /// The transforms' truncated size: the end of the last data position.
    data_end: usize,
    /// Known positions, as work positions.
    received: Vec<bool>,
    /// The erasure locator's logarithms at every work position.
    log_locator: Box<[GfElement]>,
    /// Originals to restore.
    missing: Vec<usize>,
}

impl Erasures {
    fn new(code: &Code, positions: &[usize]) -> Self {
        let (k, r) = (code.originals, code.recovery());
        let (original_base, recovery_base, data_end) = match code.axis {
            Axis::Column => (0, k.next_power_of_two(), k.next_power_of_two() + r),
            Axis::Row => (r.next_power_of_two(), 0, r.next_power_of_two() + k),
        };
        let work_count = data_end.next_power_of_two();
        let mut received = vec![false; work_count];
        for &p in positions {
            assert!(p < code.total, "position {p} outside the code");
            let at = if p < k { original_base + p } else { recovery_base + p - k };
            assert!(!received[at], "position {p} given twice");
            received[at] = true;
        }
        let mut locator = vec![0 as GfElement; GF_ORDER];
        let is_data = |w: usize| {
            (original_base..original_base + k).contains(&w) || (recovery_base..recovery_base + r).contains(&w)
        };
        // Erased: data positions not received, the gap between recovery and originals (high
        // rate), and everything past the data (low rate); as reed-solomon-simd marks them.
        for (w, e) in locator.iter_mut().enumerate() {
            let erased = match code.axis {
                Axis::Column => (is_data(w) && !received[w]) || w >= data_end,
                Axis::Row => w < data_end && !(is_data(w) && received[w]),
            };
            *e = GfElement::from(erased);
        }
        let truncated = match code.axis {
            Axis::Column => GF_ORDER,
            Axis::Row => data_end,
        };
        let mut locator: Box<[GfElement; GF_ORDER]> = locator.into_boxed_slice().try_into().expect("GF_ORDER elements");
        CodingEngine::eval_poly(&mut locator, truncated);
        let missing = (0..k).filter(|&i| !received[original_base + i]).collect();
        Self {
            code: *code,
            positions: positions.to_vec(),
            original_base,
            recovery_base,
            work_count,
            data_end,
            received,
            log_locator: locator,
            missing,
        }
    }

    fn is_for(&self, code: &Code, positions: &[usize]) -> bool {
        self.code == *code && self.positions == positions
    }
}

/// Restores the missing originals of the codewords packed by `lanes`, in `work` (original `i`
/// ends at work position `erasures.original_base + i`); `pack_known(p, shard)` packs the known
/// symbols at position `p` of every codeword into its shard. The steps of reed-solomon-simd's rate
/// decoders, with the erasure locator evaluated once in `erasures`.
fn decode_in_place(
    engine: &CodingEngine,
    code: &Code,
    lanes: Lanes,
    work: &mut Vec<[u8; 64]>,
    erasures: &Erasures,
    positions: &[usize],
    mut pack_known: impl FnMut(usize, &mut [u8]),
) {
    let len64 = lanes.shard_bytes() / 64;
    let k = code.originals;
    if work.len() < erasures.work_count * len64 {
        work.resize(erasures.work_count * len64, [0; 64]);
    }
    let work = &mut work[..erasures.work_count * len64];
    // Unreceived positions are zero; received ones are packed, then scaled by the locator.
    for (w, shard) in work.chunks_exact_mut(len64).enumerate() {
        if !erasures.received[w] {
            shard.as_flattened_mut().fill(0);
        }
    }
    for &p in positions {
        let at = if p < k { erasures.original_base + p } else { erasures.recovery_base + p - k };
        let shard = &mut work[at * len64..(at + 1) * len64];
        pack_known(p, shard.as_flattened_mut());
        engine.mul(shard, erasures.log_locator[at]);
    }
    let mut shards = ShardsRefMut::new(erasures.work_count, len64, work);
    engine.ifft(&mut shards, 0, erasures.work_count, erasures.data_end, 0);
    engine.formal_derivative(work, erasures.work_count, len64);
    let mut shards = ShardsRefMut::new(erasures.work_count, len64, work);
    engine.fft(&mut shards, 0, erasures.work_count, erasures.data_end, 0);
    for &i in &erasures.missing {
        let at = erasures.original_base + i;
        engine.mul(&mut shards[at], GF_MODULUS - erasures.log_locator[at]);
    }
}

/// Encodes the codewords packed by `lanes` with the engine, in `work`: `pack_original(i, shard)`
/// packs original `i` of every codeword into its shard, and recovery shard `r` ends at shard `r`
/// of `work`. The steps are those of reed-solomon-simd's rate encoders (3.1,
/// `rate_low.rs` and `rate_high.rs`), so the bytes are the same; tests compare the two.
fn encode_in_place(
    engine: &CodingEngine,
    code: &Code,
    lanes: Lanes,
    work: &mut Vec<[u8; 64]>,
    mut pack_original: impl FnMut(usize, &mut [u8]),
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
    work[k * len64..zero_end * len64].as_flattened_mut().fill(0);
    for i in 0..k {
        pack_original(i, work[i * len64..(i + 1) * len64].as_flattened_mut());
    }
    match code.axis {
        Axis::Column => {
            engine.ifft(&mut ShardsRefMut::new(work_count, len64, work), 0, chunk, k, 0);
            // Every chunk of recovery positions is the FFT of the transformed originals in
            // chunk 0: the later chunks read them from there, then chunk 0 is done in place.
            let mut start = chunk;
            while start < r {
                engine.fft_from(work, len64, 0, start, chunk, chunk.min(r - start), start + chunk);
                start += chunk;
            }
            engine.fft(&mut ShardsRefMut::new(work_count, len64, work), 0, chunk, chunk.min(r), chunk);
        }
        Axis::Row => {
            engine.ifft(&mut ShardsRefMut::new(work_count, len64, work), 0, chunk, k.min(chunk), chunk);
            let mut start = chunk;
            while start < k {
                engine.ifft(
                    &mut ShardsRefMut::new(work_count, len64, work),
                    start,
                    chunk,
                    chunk.min(k - start),
                    start + chunk,
                );
                let (sum, transformed) = work.split_at_mut(start * len64);
                engine.xor(&mut sum[..chunk * len64], &transformed[..chunk * len64]);
                start += chunk;
            }
            engine.fft(&mut ShardsRefMut::new(work_count, len64, work), 0, chunk, r, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use reed_solomon_simd::{
        engine::DefaultEngine,
        rate::{HighRateEncoder, LowRateEncoder, RateEncoder},
    };

    use super::*;

    /// The recovery symbols of one codeword `originals` from reed-solomon-simd's own encoder.
    fn alone<E: RateEncoder<DefaultEngine>>(code: &Code, size: usize, originals: &[Vec<u8>]) -> Vec<Vec<u8>> {
        let mut encoder = E::new(code.originals(), code.recovery(), size, DefaultEngine::new(), None).unwrap();
        for original in originals {
            encoder.add_original_shard(original).unwrap();
        }
        let result = encoder.encode().unwrap();
        (0..code.recovery()).map(|i| result.recovery(i).unwrap().to_vec()).collect()
    }

    /// A coder on this CPU's engine, and one on reed-solomon-simd's default engine.
    fn coders() -> [Coder; 2] {
        [CodingEngine::new(), CodingEngine::reference()]
            .map(|engine| Coder { engine: Some(engine), ..Coder::default() })
    }

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
                    // The coding loops on this CPU's engine and on reed-solomon-simd's (what CPUs
                    // without GFNI run), against reed-solomon-simd's own encoders.
                    for mut coder in coders() {
                        let mut batched = vec![vec![vec![0u8; size]; code.recovery()]; count];
                        coder.encode(
                            &code,
                            size,
                            count,
                            |k, q| &words[q][k],
                            |r, q, piece| piece.write_to(&mut batched[q][r]),
                        );
                        for q in 0..count {
                            let alone = match code.axis {
                                Axis::Column => alone::<LowRateEncoder<DefaultEngine>>(&code, size, &words[q]),
                                Axis::Row => alone::<HighRateEncoder<DefaultEngine>>(&code, size, &words[q]),
                            };
                            assert_eq!(batched[q], alone, "n={n} {:?} size={size}", code.axis);
                        }
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
        for n in [4u16, 10, 31, 100] {
            let config = EncodingConfig::new(n).unwrap();
            for code in [Code::column(&config), Code::row(&config)] {
                // 8254 and 131,138 bytes are coded in pieces.
                let sizes: &[usize] = if n <= 10 { &[70, 8254, 131_138] } else { &[70, 302] };
                for &size in sizes {
                    let count = 3;
                    let words: Vec<Vec<Vec<u8>>> =
                        (0..count).map(|q| symbols(code.originals(), size, q as u8)).collect();
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
                    // The last `originals` positions (mostly recovery symbols), and every
                    // third position from a rotating start, in descending order.
                    let last: Vec<usize> = (config.n() - code.originals()..config.n()).collect();
                    let mut scattered: Vec<usize> =
                        (0..config.n()).map(|i| (i * 3 + 1) % config.n()).take(code.originals()).collect();
                    scattered.sort_unstable_by(|a, b| b.cmp(a));
                    // One coder for all sets, so its cached erasure evaluation must follow; on
                    // this CPU's engine and on reed-solomon-simd's.
                    for mut coder in coders() {
                        for positions in [last.clone(), scattered.clone(), scattered.clone()] {
                            let mut restored = vec![vec![vec![0u8; size]; code.originals()]; count];
                            let mut restored_bytes = 0;
                            coder.decode(
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
                            let missing: Vec<usize> =
                                (0..code.originals()).filter(|k| !positions.contains(k)).collect();
                            assert_eq!(restored_bytes, missing.len() * count * size, "every missing byte once");
                            for q in 0..count {
                                for &k in &missing {
                                    assert_eq!(
                                        restored[q][k], words[q][k],
                                        "n {n} {:?} size {size} codeword {q} original {k}",
                                        code.axis
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
