//! How symbols are laid out for reed-solomon-simd, so that many codewords share one call.
//!
//! reed-solomon-simd works on 16-bit elements stored in 64-byte chunks: bytes `0..32` of a chunk
//! are the low bytes of 32 elements ("lanes"), bytes `32..64` their high bytes. A shard whose
//! length is not a multiple of 64 ends in a partial chunk whose first half holds low bytes and
//! second half high bytes. Every lane is coded independently and identically.
//!
//! The code of one symbol is defined as reed-solomon-simd applied to that symbol alone as a
//! shard (`docs/encoding.md`). To code many symbols in one call, [`Lanes`] packs them so each
//! symbol's elements occupy their own lanes: whole 64-byte chunks are copied as they are, and
//! each symbol's partial tail chunk becomes a run of lanes in a shared tail area. Because lanes
//! are independent, the result for each symbol equals coding it alone. When the symbol size is a
//! multiple of 64 bytes the packed shard is simply the symbols one after another.

/// The packing of `count` symbols of `symbol_size` bytes into one shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Lanes {
    symbol_size: usize,
    count: usize,
}

impl Lanes {
    /// The packing of `count` symbols of `symbol_size` bytes (even, non-zero).
    pub(crate) fn new(symbol_size: usize, count: usize) -> Self {
        assert!(symbol_size > 0 && symbol_size.is_multiple_of(2), "symbol size must be even and non-zero");
        assert!(count > 0, "a shard holds at least one symbol");
        Self { symbol_size, count }
    }

    /// Bytes of each symbol that are whole 64-byte chunks.
    fn whole_bytes(&self) -> usize {
        self.symbol_size - self.symbol_size % 64
    }

    /// Lanes in each symbol's tail (half of the tail's bytes).
    fn tail_lanes(&self) -> usize {
        (self.symbol_size % 64) / 2
    }

    /// True when the packed shard is the symbols concatenated, with nothing moved.
    #[cfg(test)]
    pub(crate) fn is_concatenation(&self) -> bool {
        self.symbol_size.is_multiple_of(64)
    }

    /// The length of the packed shard (a multiple of 64 bytes).
    pub(crate) fn shard_bytes(&self) -> usize {
        let tail_chunks = (self.count * self.tail_lanes()).div_ceil(32);
        self.count * self.whole_bytes() + 64 * tail_chunks
    }

    /// Copies symbol `index` into its place in `shard`.
    pub(crate) fn pack(&self, index: usize, symbol: &[u8], shard: &mut [u8]) {
        debug_assert_eq!(symbol.len(), self.symbol_size);
        debug_assert_eq!(shard.len(), self.shard_bytes());
        let whole = self.whole_bytes();
        shard[index * whole..(index + 1) * whole].copy_from_slice(&symbol[..whole]);
        let m = self.tail_lanes();
        if m == 0 {
            return;
        }
        let (lo, hi) = symbol[whole..].split_at(m);
        let tail_area = &mut shard[self.count * whole..];
        for_each_lane_run(index * m, m, |lane, offset, len| {
            let chunk = &mut tail_area[(lane / 32) * 64..(lane / 32 + 1) * 64];
            let l = lane % 32;
            copy_short(&mut chunk[l..l + len], &lo[offset..offset + len]);
            copy_short(&mut chunk[32 + l..32 + l + len], &hi[offset..offset + len]);
        });
    }

    /// Copies symbol `index` out of `shard` into `symbol`.
    pub(crate) fn unpack(&self, index: usize, shard: &[u8], symbol: &mut [u8]) {
        debug_assert_eq!(symbol.len(), self.symbol_size);
        debug_assert_eq!(shard.len(), self.shard_bytes());
        let whole = self.whole_bytes();
        symbol[..whole].copy_from_slice(&shard[index * whole..(index + 1) * whole]);
        let m = self.tail_lanes();
        if m == 0 {
            return;
        }
        let (lo, hi) = symbol[whole..].split_at_mut(m);
        let tail_area = &shard[self.count * whole..];
        for_each_lane_run(index * m, m, |lane, offset, len| {
            let chunk = &tail_area[(lane / 32) * 64..(lane / 32 + 1) * 64];
            let l = lane % 32;
            copy_short(&mut lo[offset..offset + len], &chunk[l..l + len]);
            copy_short(&mut hi[offset..offset + len], &chunk[32 + l..32 + l + len]);
        });
    }
}

impl Lanes {
    /// Copies symbols `0..count`, given one after another in `symbols`, into `shard`: the same
    /// bytes as [`Lanes::pack`] for each, except that unused lanes of the last tail chunk may
    /// change (no symbol owns them, and lanes are coded independently).
    pub(crate) fn pack_run(&self, symbols: &[u8], shard: &mut [u8]) {
        assert_eq!(symbols.len(), self.count * self.symbol_size, "a run holds every symbol of the shard");
        assert_eq!(shard.len(), self.shard_bytes(), "a whole packed shard");
        #[cfg(target_arch = "x86_64")]
        if self.has_fast_runs() {
            return x86::pack_run(self, symbols, shard);
        }
        for (q, symbol) in symbols.chunks_exact(self.symbol_size).enumerate() {
            self.pack(q, symbol, shard);
        }
    }

    /// True when runs move a chunk at a time: symbols smaller than a chunk, on a CPU with
    /// AVX-512 VBMI. Elsewhere runs move symbol by symbol, as [`Lanes::pack`] does.
    fn has_fast_runs(&self) -> bool {
        #[cfg(target_arch = "x86_64")]
        return self.whole_bytes() == 0 && x86::available();
        #[cfg(not(target_arch = "x86_64"))]
        return false;
    }

    /// Copies symbols `0..count` into `shard`, symbol `q` being `symbol(q)`: [`Lanes::pack_run`]
    /// for symbols that are not one after another. Where runs are fast, symbols are gathered
    /// into `staging` first, with a few fixed-size moves each, and packed as a run: 13% faster
    /// encoding of 1 MiB at n = 1000 (`docs/benchmarks.md`, session 8).
    pub(crate) fn pack_each<'a>(&self, symbol: impl Fn(usize) -> &'a [u8], staging: &mut Vec<u8>, shard: &mut [u8]) {
        if self.has_fast_runs() && self.count > 1 {
            staging.resize(self.count * self.symbol_size, 0);
            for (q, slot) in staging.chunks_exact_mut(self.symbol_size).enumerate() {
                copy_small(slot, symbol(q));
            }
            return self.pack_run(staging, shard);
        }
        for q in 0..self.count {
            self.pack(q, symbol(q), shard);
        }
    }

    /// Copies symbols `0..count` out of `shard` into `symbols`, one after another: the inverse
    /// of [`Lanes::pack_run`]. Nothing outside `symbols` is written.
    pub(crate) fn unpack_run(&self, shard: &[u8], symbols: &mut [u8]) {
        assert_eq!(symbols.len(), self.count * self.symbol_size, "a run holds every symbol of the shard");
        assert_eq!(shard.len(), self.shard_bytes(), "a whole packed shard");
        #[cfg(target_arch = "x86_64")]
        if self.has_fast_runs() {
            return x86::unpack_run(self, shard, symbols);
        }
        for (q, symbol) in symbols.chunks_exact_mut(self.symbol_size).enumerate() {
            self.unpack(q, shard, symbol);
        }
    }
}

/// Copies fewer than 64 bytes with at most four fixed-size moves ([`copy_short`]).
#[inline(always)]
fn copy_small(dst: &mut [u8], src: &[u8]) {
    assert!(src.len() == dst.len() && src.len() < 64, "a small copy moves less than a chunk");
    if src.len() <= 32 {
        copy_short(dst, src);
    } else {
        copy_short(&mut dst[..32], &src[..32]);
        copy_short(&mut dst[32..], &src[32..]);
    }
}

/// Copies at most 32 bytes with two fixed-size, possibly overlapping copies: tails are a few
/// dozen bytes each and there are millions of them, where a `memcpy` call per run cost more
/// than the copy.
#[inline(always)]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    let len = src.len();
    assert!(len == dst.len() && len <= 32, "a lane run is at most 32 bytes");
    if len >= 16 {
        dst[..16].copy_from_slice(&src[..16]);
        dst[len - 16..].copy_from_slice(&src[len - 16..]);
    } else if len >= 8 {
        dst[..8].copy_from_slice(&src[..8]);
        dst[len - 8..].copy_from_slice(&src[len - 8..]);
    } else if len >= 4 {
        dst[..4].copy_from_slice(&src[..4]);
        dst[len - 4..].copy_from_slice(&src[len - 4..]);
    } else if len >= 2 {
        dst[..2].copy_from_slice(&src[..2]);
        dst[len - 2..].copy_from_slice(&src[len - 2..]);
    } else if len == 1 {
        // Not a loop: LLVM turns a byte loop back into a `memcpy` call.
        dst[0] = src[0];
    }
}

/// Splits the lanes `first..first + count` into runs that stay inside one 32-lane chunk and calls
/// `f(lane, offset_in_symbol, run_length)` for each.
fn for_each_lane_run(first: usize, count: usize, mut f: impl FnMut(usize, usize, usize)) {
    let mut done = 0;
    while done < count {
        let lane = first + done;
        let len = (32 - lane % 32).min(count - done);
        f(lane, done, len);
        done += len;
    }
}

/// Runs of symbols smaller than a chunk (`2m` bytes, `m < 32` lanes each), moved a tail chunk
/// at a time with AVX-512 VBMI byte permutes. Symbol by symbol, each symbol took a call and a
/// few short copies (ten calls per chunk for 6-byte symbols): most of the copying for small
/// blobs (`docs/benchmarks.md`, session 8).
///
/// Tail chunk `c` holds lanes `32c .. 32c + 32` of the run. Its first lane is lane `j0 = 32c % m`
/// of symbol `q0 = 32c / m`, and all its bytes lie in the 128-byte window of the run starting at
/// byte `q0 * 2m + j0`. (The chunk's lane `l < 32` is lane `j0 + l = t * m + j` counted from
/// symbol `q0`; its high byte lies `l + t * m + m <= l + j0 + l + m <= 2m + 61 < 128` bytes into
/// the window, its low byte `m` before.) A chunk is one two-register permute of the window
/// (packing) or two one-register permutes and two masked stores (unpacking); which bytes go where
/// depends only on `m` and `j0`, so the permutes are tabulated once per `m`.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod x86 {
    use std::{arch::x86_64::*, sync::OnceLock};

    use super::Lanes;

    /// True when the CPU has AVX-512 F, BW and VBMI (`std` caches the detection).
    #[inline]
    pub(super) fn available() -> bool {
        std::is_x86_feature_detected!("avx512f")
            && std::is_x86_feature_detected!("avx512bw")
            && std::is_x86_feature_detected!("avx512vbmi")
    }

    /// The byte moves between one tail chunk and its 128-byte window, for one `(m, j0)`.
    struct Pattern {
        /// Packing: chunk byte `b` is window byte `gather[b]`.
        gather: [u8; 64],
        /// Unpacking: window byte `64h + p` is chunk byte `scatter[h][p]` where `mask[h]` has
        /// bit `p` set (the window's other bytes belong to neighbouring chunks).
        scatter: [[u8; 64]; 2],
        mask: [u64; 2],
    }

    impl Pattern {
        fn new(m: usize, j0: usize) -> Self {
            let s = 2 * m;
            let mut gather = [0u8; 64];
            for (b, g) in gather.iter_mut().enumerate() {
                let (l, high) = (b % 32, b >= 32);
                let (t, j) = ((j0 + l) / m, (j0 + l) % m);
                let at = t * s + j + if high { m } else { 0 } - j0;
                assert!(at < 128, "a chunk's bytes lie in its window");
                *g = at as u8;
            }
            let (mut scatter, mut mask) = ([[0u8; 64]; 2], [0u64; 2]);
            for p in 0..128 {
                let (t, x) = ((j0 + p) / s, (j0 + p) % s);
                let (j, high) = if x < m { (x, false) } else { (x - m, true) };
                // The lane of byte `p`, counted from the chunk's first lane.
                let Some(l) = (t * m + j).checked_sub(j0).filter(|&l| l < 32) else { continue };
                scatter[p / 64][p % 64] = (l + if high { 32 } else { 0 }) as u8;
                mask[p / 64] |= 1 << (p % 64);
            }
            Self { gather, scatter, mask }
        }
    }

    /// The patterns for symbols of `m` lanes, indexed by `j0`.
    fn patterns(m: usize) -> &'static [Pattern] {
        static TABLES: [OnceLock<Vec<Pattern>>; 32] = [const { OnceLock::new() }; 32];
        TABLES[m].get_or_init(|| (0..m).map(|j0| Pattern::new(m, j0)).collect())
    }

    /// Where chunk `c`'s window starts in the run, and its pattern.
    fn window(m: usize, c: usize) -> (usize, &'static Pattern) {
        let (q0, j0) = ((32 * c) / m, (32 * c) % m);
        (q0 * 2 * m + j0, &patterns(m)[j0])
    }

    /// Masks of the window bytes that lie inside a run of `len` bytes, from `start` on.
    fn inside(start: usize, len: usize) -> [u64; 2] {
        let n = len.saturating_sub(start).min(128);
        let low = if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
        let high = if n >= 128 {
            u64::MAX
        } else if n > 64 {
            (1u64 << (n - 64)) - 1
        } else {
            0
        };
        [low, high]
    }

    fn checked(lanes: &Lanes) -> usize {
        assert!(available() && lanes.whole_bytes() == 0, "runs of sub-chunk symbols on AVX-512 VBMI");
        lanes.tail_lanes()
    }

    /// [`Lanes::pack_run`] for symbols smaller than a chunk.
    pub(super) fn pack_run(lanes: &Lanes, symbols: &[u8], shard: &mut [u8]) {
        let m = checked(lanes);
        // SAFETY: the CPU features were checked above.
        unsafe { pack_run_avx512(m, symbols, shard) }
    }

    /// [`Lanes::unpack_run`] for symbols smaller than a chunk.
    pub(super) fn unpack_run(lanes: &Lanes, shard: &[u8], symbols: &mut [u8]) {
        let m = checked(lanes);
        // SAFETY: the CPU features were checked above.
        unsafe { unpack_run_avx512(m, shard, symbols) }
    }

    #[target_feature(enable = "avx512f,avx512bw,avx512vbmi")]
    fn pack_run_avx512(m: usize, symbols: &[u8], shard: &mut [u8]) {
        for (c, chunk) in shard.chunks_exact_mut(64).enumerate() {
            let (start, pattern) = window(m, c);
            let [low, high] = inside(start, symbols.len());
            // SAFETY: each load touches only the bytes its mask selects, and those lie inside
            // `symbols` (`inside`); masked-off bytes are not accessed, so the pointers may point
            // past the end. The store writes the 64 bytes of `chunk`.
            unsafe {
                let base = symbols.as_ptr().wrapping_add(start);
                let a = _mm512_maskz_loadu_epi8(low, base.cast());
                let b = _mm512_maskz_loadu_epi8(high, base.wrapping_add(64).cast());
                let index = _mm512_loadu_si512(pattern.gather.as_ptr().cast());
                _mm512_storeu_si512(chunk.as_mut_ptr().cast(), _mm512_permutex2var_epi8(a, index, b));
            }
        }
    }

    #[target_feature(enable = "avx512f,avx512bw,avx512vbmi")]
    fn unpack_run_avx512(m: usize, shard: &[u8], symbols: &mut [u8]) {
        for (c, chunk) in shard.chunks_exact(64).enumerate() {
            let (start, pattern) = window(m, c);
            let [low, high] = inside(start, symbols.len());
            // SAFETY: the load reads the 64 bytes of `chunk`. Each store writes only the bytes
            // its mask selects, which lie inside `symbols` (`inside`); masked-off bytes are not
            // accessed.
            unsafe {
                let v = _mm512_loadu_si512(chunk.as_ptr().cast());
                let base = symbols.as_mut_ptr().wrapping_add(start);
                for (h, mask) in [low & pattern.mask[0], high & pattern.mask[1]].into_iter().enumerate() {
                    let index = _mm512_loadu_si512(pattern.scatter[h].as_ptr().cast());
                    _mm512_mask_storeu_epi8(base.wrapping_add(64 * h).cast(), mask, _mm512_permutexvar_epi8(index, v));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_then_unpack_round_trips() {
        for symbol_size in [2usize, 4, 6, 30, 46, 62, 64, 66, 128, 190, 302] {
            for count in [1usize, 2, 3, 7, 33] {
                let lanes = Lanes::new(symbol_size, count);
                assert_eq!(lanes.shard_bytes() % 64, 0);
                let symbols: Vec<Vec<u8>> =
                    (0..count).map(|q| (0..symbol_size).map(|b| (q * 31 + b * 7) as u8).collect()).collect();
                let mut shard = vec![0u8; lanes.shard_bytes()];
                for (q, s) in symbols.iter().enumerate() {
                    lanes.pack(q, s, &mut shard);
                }
                for (q, s) in symbols.iter().enumerate() {
                    let mut out = vec![0u8; symbol_size];
                    lanes.unpack(q, &shard, &mut out);
                    assert_eq!(&out, s, "size {symbol_size} count {count} index {q}");
                }
            }
        }
    }

    #[test]
    fn short_copies_copy_every_length() {
        for len in 0..=32 {
            let src: Vec<u8> = (0..len as u8).map(|b| b.wrapping_mul(7) ^ 0x5A).collect();
            let mut dst = vec![0xEEu8; len];
            copy_short(&mut dst, &src);
            assert_eq!(dst, src, "len {len}");
        }
    }

    #[test]
    fn tails_are_packed_without_waste() {
        // 100 symbols of 6 bytes (3 lanes each) need 300 lanes = 10 chunks.
        assert_eq!(Lanes::new(6, 100).shard_bytes(), 640);
        assert!(Lanes::new(128, 3).is_concatenation());
        assert_eq!(Lanes::new(128, 3).shard_bytes(), 384);
    }

    /// Runs, and symbols gathered into runs, equal symbol-by-symbol packing for every sub-chunk
    /// symbol size (the AVX-512 path where the CPU has it) and for sizes with whole chunks, and
    /// unpacking writes nothing outside the run.
    #[test]
    fn runs_equal_packing_symbol_by_symbol() {
        let sizes = (1..32).map(|m| 2 * m).chain([64, 66, 100, 190, 302]);
        for symbol_size in sizes {
            for count in [1usize, 2, 3, 7, 31, 33, 100, 341] {
                let lanes = Lanes::new(symbol_size, count);
                let run: Vec<u8> = (0..count * symbol_size).map(|b| (b * 37 + symbol_size) as u8 | 1).collect();
                let mut expected = vec![0u8; lanes.shard_bytes()];
                for (q, symbol) in run.chunks_exact(symbol_size).enumerate() {
                    lanes.pack(q, symbol, &mut expected);
                }
                // Lanes no symbol owns hold zeros after either packing of a zeroed shard.
                let mut shard = vec![0u8; lanes.shard_bytes()];
                lanes.pack_run(&run, &mut shard);
                assert!(shard == expected, "pack_run, size {symbol_size}, count {count}");
                let mut gathered = vec![0u8; lanes.shard_bytes()];
                lanes.pack_each(|q| &run[q * symbol_size..][..symbol_size], &mut Vec::new(), &mut gathered);
                assert!(gathered == expected, "pack_each, size {symbol_size}, count {count}");
                let mut out = vec![0xEEu8; run.len() + 256];
                lanes.unpack_run(&shard, &mut out[128..128 + run.len()]);
                assert!(out[128..128 + run.len()] == run[..], "unpack_run, size {symbol_size}, count {count}");
                assert!(out[..128].iter().chain(&out[128 + run.len()..]).all(|&b| b == 0xEE), "wrote outside the run");
            }
        }
    }
}
