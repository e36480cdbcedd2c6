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

    /// How many symbols the shard holds.
    pub(crate) fn count(&self) -> usize {
        self.count
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
}
