//! Multi-buffer SHA-256: many independent messages hashed in lockstep on one core.
//!
//! The encoder hashes millions of independent, equal-length messages (symbol leaves, inner
//! Merkle nodes). Hashing them one at a time leaves most of a core idle: one SHA-256 compression
//! is a chain of 64 dependent rounds. This module hashes several at once:
//!
//! - **AVX-512, 16 lanes**: the SHA-256 rounds written with 512-bit integer operations, one
//!   message per 32-bit element (rotates and `vpternlogd` make a round about 17 operations for
//!   16 messages). On the benchmark machine (Xeon with SHA-NI and AVX-512) this is the fastest.
//! - **SHA-NI, 2 lanes**: the x86 SHA extensions with two messages interleaved, so that one
//!   message's `sha256rnds2` fills the other's latency. Used for the remainders of AVX-512
//!   batches and on CPUs without AVX-512.
//! - **Portable**: the `sha2` crate's compression, one message at a time, everywhere else.
//!
//! The kernels are chosen at run time with `is_x86_feature_detected!`. All give exactly SHA-256
//! (FIPS 180-4); the tests compare every available kernel with the `sha2` crate on every
//! message length below 300 bytes and on random inputs.
//!
//! The only unsafe code is in the `x86` module: calling `#[target_feature]` functions after the
//! run-time check, unaligned SIMD loads and stores on arrays of the right size, and masked loads
//! whose masks cover only bytes of the message they read (`EdgeBlock`).

use sha2::block_api::compress256;

/// A SHA-256 chaining value (eight 32-bit words, `a` first).
pub type State = [u32; 8];

/// SHA-256's initial chaining value (FIPS 180-4).
pub const INITIAL_STATE: State =
    [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/// Which kernels may run: what the CPU supports, or (in tests) less.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Kernels {
    /// The SHA-NI 2-lane kernel.
    sha_ni: bool,
    /// The AVX-512 16-lane kernel.
    avx512: bool,
}

impl Kernels {
    /// No SIMD kernel: the `sha2` crate only.
    #[cfg_attr(target_arch = "x86_64", allow(dead_code, reason = "used on other targets and in tests"))]
    const PORTABLE: Self = Self { sha_ni: false, avx512: false };

    /// Everything this CPU supports (std caches the detection).
    fn detect() -> Self {
        #[cfg(target_arch = "x86_64")]
        {
            Self { sha_ni: x86::sha_ni_available(), avx512: x86::avx512_available() }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            Self::PORTABLE
        }
    }
}

/// The kernels this CPU uses, for reports: e.g. `"avx512-x16 + sha-ni-x2"`.
pub fn backend() -> &'static str {
    match Kernels::detect() {
        Kernels { avx512: true, sha_ni: true } => "avx512-x16 + sha-ni-x2",
        Kernels { avx512: true, sha_ni: false } => "avx512-x16 + portable",
        Kernels { avx512: false, sha_ni: true } => "sha-ni-x2",
        Kernels { avx512: false, sha_ni: false } => "portable",
    }
}

/// Compresses one 64-byte block into each of two independent chaining values.
pub fn compress_x2(states: [&mut State; 2], blocks: [&[u8; 64]; 2]) {
    #[cfg(target_arch = "x86_64")]
    if Kernels::detect().sha_ni {
        x86::compress_x2(states, blocks);
        return;
    }
    for (state, block) in states.into_iter().zip(blocks) {
        compress256(state, std::slice::from_ref(block));
    }
}

/// `SHA-256(prefix || message(i))` into `out[i]` for every `i < out.len()`. `prefix` is a single
/// domain-tag byte.
///
/// Messages are fetched by index, so that the kernels gather a batch with inlined address
/// arithmetic instead of a call per message through an iterator chain.
///
/// # Panics
///
/// When the messages differ in length.
pub fn digests_with_prefix<'m>(prefix: u8, message: impl Fn(usize) -> &'m [u8], out: &mut [[u8; 32]]) {
    digests_on(Kernels::detect(), prefix, &message, out);
}

fn digests_on<'m>(kernels: Kernels, prefix: u8, message: &impl Fn(usize) -> &'m [u8], out: &mut [[u8; 32]]) {
    let Some(first) = out.first().map(|_| message(0)) else { return };
    // Every kernel checks each message's length against this (`Padding::check`).
    let padding = Padding::new(first.len());
    #[cfg(target_arch = "x86_64")]
    let done = if kernels.avx512 { x86::digests_avx512(prefix, padding, message, out) } else { 0 };
    #[cfg(not(target_arch = "x86_64"))]
    let done = 0;
    digests_narrow(kernels, prefix, padding, |i| message(done + i), &mut out[done..]);
}

/// Hashes with the SHA-NI kernel where allowed, else the portable one.
fn digests_narrow<'m>(
    kernels: Kernels,
    prefix: u8,
    padding: Padding,
    message: impl Fn(usize) -> &'m [u8],
    out: &mut [[u8; 32]],
) {
    #[cfg(target_arch = "x86_64")]
    if kernels.sha_ni {
        return x86::digests_sha_ni(prefix, padding, &message, out);
    }
    let _ = kernels;
    let mut block = [0u8; 64];
    for (i, digest) in out.iter_mut().enumerate() {
        let message = padding.check(message(i));
        let mut state = INITIAL_STATE;
        for b in 0..padding.blocks {
            match padding.in_place(b) {
                Some(range) => compress256(&mut state, &[*as_block(&message[range])]),
                None => {
                    padding.fill(prefix, message, b, &mut block);
                    compress256(&mut state, &[block]);
                }
            }
        }
        *digest = state_bytes(&state);
    }
}

/// One compression of each 64-byte block of `blocks` from the chaining value `initial`, written
/// big-endian into `out` (`out.len()` equal to `blocks.len() / 64`).
///
/// # Panics
///
/// When `blocks` is not `64 * out.len()` bytes long.
pub fn compress_each(initial: &State, blocks: &[u8], out: &mut [[u8; 32]]) {
    compress_each_on(Kernels::detect(), initial, blocks, out);
}

fn compress_each_on(kernels: Kernels, initial: &State, blocks: &[u8], out: &mut [[u8; 32]]) {
    let (blocks, rest) = blocks.as_chunks::<64>();
    assert!(rest.is_empty() && blocks.len() == out.len(), "one whole block per output");
    #[cfg(target_arch = "x86_64")]
    let (blocks, out) = if kernels.avx512 {
        let done = x86::compress_each_avx512(initial, blocks, out);
        (&blocks[done..], &mut out[done..])
    } else {
        (blocks, out)
    };
    #[cfg(target_arch = "x86_64")]
    if kernels.sha_ni {
        return x86::compress_each_sha_ni(initial, blocks, out);
    }
    let _ = kernels;
    for (block, digest) in blocks.iter().zip(out) {
        let mut state = *initial;
        compress256(&mut state, std::slice::from_ref(block));
        *digest = state_bytes(&state);
    }
}

/// The padded blocks of `SHA-256(prefix || message)` for one message length.
#[derive(Clone, Copy, Debug)]
struct Padding {
    /// Bytes of prefix plus message.
    total: usize,
    /// Blocks after padding.
    blocks: usize,
}

impl Padding {
    fn new(message_len: usize) -> Self {
        let total = message_len + 1;
        Self { total, blocks: (total + 9).div_ceil(64) }
    }

    /// `message`, checked to have the length this padding is for.
    #[inline]
    fn check<'m>(&self, message: &'m [u8]) -> &'m [u8] {
        assert_eq!(message.len() + 1, self.total, "messages of one batch have equal lengths");
        message
    }

    /// When block `b` lies entirely inside the message (after the prefix), the message range
    /// that is that block, `64 * b - 1..64 * b + 63`: it is read in place.
    fn in_place(&self, b: usize) -> Option<std::ops::Range<usize>> {
        (b > 0 && 64 * b + 64 <= self.total).then(|| 64 * b - 1..64 * b + 63)
    }

    /// Writes padded block `b` of `prefix || message` into `block`.
    fn fill(&self, prefix: u8, message: &[u8], b: usize, block: &mut [u8; 64]) {
        if b == 0 && self.total >= 64 {
            // The common first block: fixed-size copies, no padding.
            block[0] = prefix;
            block[1..].copy_from_slice(&message[..63]);
            return;
        }
        let start = 64 * b;
        block.fill(0);
        if b == 0 {
            block[0] = prefix;
        }
        // Message byte `m` sits at position `m + 1` of the padded input.
        let (lo, hi) = (start.max(1), (start + 64).min(self.total));
        if lo < hi {
            block[lo - start..hi - start].copy_from_slice(&message[lo - 1..hi - 1]);
        }
        if (start..start + 64).contains(&self.total) {
            block[self.total - start] = 0x80;
        }
        if b + 1 == self.blocks {
            block[56..].copy_from_slice(&(self.total as u64 * 8).to_be_bytes());
        }
    }
}

/// A chaining value as the 32 big-endian bytes of a digest.
pub fn state_bytes(state: &State) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// A 64-byte slice as a block.
#[inline]
fn as_block(bytes: &[u8]) -> &[u8; 64] {
    bytes.try_into().expect("a 64-byte range")
}

/// The SIMD kernels.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod x86 {
    use std::arch::x86_64::*;

    use super::{Padding, State, as_block};

    /// SHA-256 round constants (FIPS 180-4, 4.2.2).
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
        0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
        0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
        0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
        0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
        0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
        0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];

    /// True when the CPU has the SHA extensions and the SSE levels the SHA-NI kernel uses.
    pub(super) fn sha_ni_available() -> bool {
        std::is_x86_feature_detected!("sha")
            && std::is_x86_feature_detected!("sse2")
            && std::is_x86_feature_detected!("ssse3")
            && std::is_x86_feature_detected!("sse4.1")
    }

    /// True when the CPU has the AVX-512 subsets the 16-lane kernel uses.
    pub(super) fn avx512_available() -> bool {
        std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512bw")
    }

    // ---- SHA-NI, two lanes ----

    /// A chaining value in `sha256rnds2` layout: `[abef, cdgh]`.
    type Packed = [__m128i; 2];

    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn pack(s: &State) -> Packed {
        let w = |i: usize| s[i] as i32;
        [_mm_set_epi32(w(0), w(1), w(4), w(5)), _mm_set_epi32(w(2), w(3), w(6), w(7))]
    }

    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn unpack(p: Packed) -> State {
        let mut out = [0u32; 8];
        let [dcba, hgfe] = to_words(p);
        // SAFETY: `out` is 32 bytes, two unaligned 16-byte stores fit; `storeu` needs no alignment.
        unsafe {
            _mm_storeu_si128(out.as_mut_ptr().cast(), dcba);
            _mm_storeu_si128(out.as_mut_ptr().add(4).cast(), hgfe);
        }
        out
    }

    /// `[abef, cdgh]` back to the words `a..d` and `e..h` in lane order.
    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn to_words([abef, cdgh]: Packed) -> [__m128i; 2] {
        let feba = _mm_shuffle_epi32(abef, 0x1B);
        let dchg = _mm_shuffle_epi32(cdgh, 0xB1);
        [_mm_blend_epi16(feba, dchg, 0xF0), _mm_alignr_epi8(dchg, feba, 8)]
    }

    /// Byte order swap inside each 32-bit word.
    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn bswap32(v: __m128i) -> __m128i {
        _mm_shuffle_epi8(v, _mm_set_epi64x(0x0C0D_0E0F_0809_0A0B, 0x0405_0607_0001_0203))
    }

    /// Writes a chaining value as a big-endian digest.
    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn store_digest(p: Packed, out: &mut [u8; 32]) {
        let [dcba, hgfe] = to_words(p);
        // SAFETY: `out` is 32 bytes, two unaligned 16-byte stores fit; `storeu` needs no alignment.
        unsafe {
            _mm_storeu_si128(out.as_mut_ptr().cast(), bswap32(dcba));
            _mm_storeu_si128(out.as_mut_ptr().add(16).cast(), bswap32(hgfe));
        }
    }

    /// The four big-endian message words of each 16-byte quarter of a block.
    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn load_block(block: &[u8; 64]) -> [__m128i; 4] {
        let (quarters, _) = block.as_chunks::<16>();
        std::array::from_fn(|i| {
            // SAFETY: `quarters[i]` is 16 bytes; `loadu` needs no alignment.
            let w = unsafe { _mm_loadu_si128(quarters[i].as_ptr().cast()) };
            bswap32(w)
        })
    }

    /// Four rounds on each lane, with message words plus constants `wk`.
    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn rounds4<const N: usize>(states: &mut [Packed; N], wk: [__m128i; N]) {
        for (state, wk) in states.iter_mut().zip(wk) {
            state[1] = _mm_sha256rnds2_epu32(state[1], state[0], wk);
            state[0] = _mm_sha256rnds2_epu32(state[0], state[1], _mm_shuffle_epi32(wk, 0x0E));
        }
    }

    /// The round constants `K[4g..4g + 4]`.
    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn k4(g: usize) -> __m128i {
        _mm_set_epi32(K[4 * g + 3] as i32, K[4 * g + 2] as i32, K[4 * g + 1] as i32, K[4 * g] as i32)
    }

    /// Rounds `4G..4G + 4` (`G >= 4`) on every lane: first the next four message words from the
    /// sixteen before them (`w` holds those, oldest first), then the rounds.
    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn scheduled_group<const N: usize, const G: usize>(states: &mut [Packed; N], w: &mut [[__m128i; 4]; N]) {
        for w in w.iter_mut() {
            let [w0, w1, w2, w3] = *w;
            // W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16]: msg1 adds s0, alignr gives W[t-7].
            let t = _mm_add_epi32(_mm_sha256msg1_epu32(w0, w1), _mm_alignr_epi8(w3, w2, 4));
            *w = [w1, w2, w3, _mm_sha256msg2_epu32(t, w3)];
        }
        let k = k4(G);
        rounds4(states, std::array::from_fn(|l| _mm_add_epi32(w[l][3], k)));
    }

    /// One compression of `blocks[i]` into `states[i]` for every lane, the lanes interleaved.
    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn compress<const N: usize>(states: &mut [Packed; N], blocks: [&[u8; 64]; N]) {
        let saved = *states;
        let mut w: [[__m128i; 4]; N] = std::array::from_fn(|l| load_block(blocks[l]));
        for (g, k) in (0..4).map(|g| (g, k4(g))) {
            rounds4(states, std::array::from_fn(|l| _mm_add_epi32(w[l][g], k)));
        }
        // Written out so that every message word stays in a register.
        scheduled_group::<N, 4>(states, &mut w);
        scheduled_group::<N, 5>(states, &mut w);
        scheduled_group::<N, 6>(states, &mut w);
        scheduled_group::<N, 7>(states, &mut w);
        scheduled_group::<N, 8>(states, &mut w);
        scheduled_group::<N, 9>(states, &mut w);
        scheduled_group::<N, 10>(states, &mut w);
        scheduled_group::<N, 11>(states, &mut w);
        scheduled_group::<N, 12>(states, &mut w);
        scheduled_group::<N, 13>(states, &mut w);
        scheduled_group::<N, 14>(states, &mut w);
        scheduled_group::<N, 15>(states, &mut w);
        for (state, saved) in states.iter_mut().zip(saved) {
            state[0] = _mm_add_epi32(state[0], saved[0]);
            state[1] = _mm_add_epi32(state[1], saved[1]);
        }
    }

    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn compress_x2_impl(states: [&mut State; 2], blocks: [&[u8; 64]; 2]) {
        let mut packed = [pack(states[0]), pack(states[1])];
        compress(&mut packed, blocks);
        for (state, packed) in states.into_iter().zip(packed) {
            *state = unpack(packed);
        }
    }

    pub(super) fn compress_x2(states: [&mut State; 2], blocks: [&[u8; 64]; 2]) {
        assert!(sha_ni_available());
        // SAFETY: the target features of the callee were detected at run time just above.
        unsafe { compress_x2_impl(states, blocks) }
    }

    /// Hashes `N` messages of `padding`'s length with the SHA-NI kernel.
    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn digest_lanes<const N: usize>(prefix: u8, padding: Padding, messages: [&[u8]; N], out: [&mut [u8; 32]; N]) {
        let mut states = [pack(&super::INITIAL_STATE); N];
        let mut buffers = [[0u8; 64]; N];
        for b in 0..padding.blocks {
            match padding.in_place(b) {
                Some(range) => compress(&mut states, std::array::from_fn(|l| as_block(&messages[l][range.clone()]))),
                None => {
                    for (buffer, message) in buffers.iter_mut().zip(messages) {
                        padding.fill(prefix, message, b, buffer);
                    }
                    compress(&mut states, std::array::from_fn(|l| &buffers[l]));
                }
            }
        }
        for (state, out) in states.into_iter().zip(out) {
            store_digest(state, out);
        }
    }

    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn digests_sha_ni_impl<'m>(
        prefix: u8,
        padding: Padding,
        message: &impl Fn(usize) -> &'m [u8],
        out: &mut [[u8; 32]],
    ) {
        let (pairs, last) = out.as_chunks_mut::<2>();
        for (p, [o0, o1]) in pairs.iter_mut().enumerate() {
            let messages = [padding.check(message(2 * p)), padding.check(message(2 * p + 1))];
            digest_lanes(prefix, padding, messages, [o0, o1]);
        }
        if let [o] = last {
            digest_lanes(prefix, padding, [padding.check(message(2 * pairs.len()))], [o]);
        }
    }

    /// `SHA-256(prefix || message(i))` into `out[i]`; all messages have `padding`'s length.
    pub(super) fn digests_sha_ni<'m>(
        prefix: u8,
        padding: Padding,
        message: &impl Fn(usize) -> &'m [u8],
        out: &mut [[u8; 32]],
    ) {
        assert!(sha_ni_available());
        // SAFETY: the target features of the callee were detected at run time just above.
        unsafe { digests_sha_ni_impl(prefix, padding, message, out) }
    }

    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn compress_each_sha_ni_impl(initial: &State, blocks: &[[u8; 64]], out: &mut [[u8; 32]]) {
        let initial = pack(initial);
        let (pairs, last) = blocks.as_chunks::<2>();
        let (out_pairs, out_last) = out.as_chunks_mut::<2>();
        for ([b0, b1], [o0, o1]) in pairs.iter().zip(out_pairs) {
            let mut states = [initial; 2];
            compress(&mut states, [b0, b1]);
            store_digest(states[0], o0);
            store_digest(states[1], o1);
        }
        for (b, o) in last.iter().zip(out_last) {
            let mut states = [initial];
            compress(&mut states, [b]);
            store_digest(states[0], o);
        }
    }

    /// One compression of each block from `initial`, as big-endian digests.
    pub(super) fn compress_each_sha_ni(initial: &State, blocks: &[[u8; 64]], out: &mut [[u8; 32]]) {
        assert!(sha_ni_available());
        // SAFETY: the target features of the callee were detected at run time just above.
        unsafe { compress_each_sha_ni_impl(initial, blocks, out) }
    }

    // ---- AVX-512, sixteen lanes ----

    /// Messages the AVX-512 kernel hashes at once: one per 32-bit element of a register.
    pub(super) const WIDE: usize = 16;

    /// 16 chaining values, word `i` of lane `l` in element `l` of register `i`.
    type Wide = [__m512i; 8];

    /// A 64-byte block in a register.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn load(block: &[u8; 64]) -> __m512i {
        // SAFETY: the block is 64 readable bytes; `loadu` needs no alignment.
        unsafe { _mm512_loadu_si512(block.as_ptr().cast()) }
    }

    /// Sixteen 64-byte blocks (one per register) as sixteen registers of message words: element
    /// `l` of register `t` is big-endian word `t` of block `l`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw")]
    fn transposed(blocks: [__m512i; WIDE]) -> [__m512i; 16] {
        let swap = _mm512_set4_epi32(0x0C0D_0E0F, 0x0809_0A0B, 0x0405_0607, 0x0001_0203);
        let mut r = blocks;
        for row in &mut r {
            *row = _mm512_shuffle_epi8(*row, swap);
        }
        // 16 x 16 transpose of 32-bit words: pairs of words, then quads, then 128-bit lanes.
        let a: [__m512i; 16] = std::array::from_fn(|i| {
            let (x, y) = (r[i & !1], r[i | 1]);
            if i % 2 == 0 { _mm512_unpacklo_epi32(x, y) } else { _mm512_unpackhi_epi32(x, y) }
        });
        // b[4j + m], 128-bit lane k: word 4k + m of blocks 4j..4j + 4.
        let b: [__m512i; 16] = std::array::from_fn(|i| {
            let (j, m) = (i / 4, i % 4);
            let (x, y) = (a[4 * j + m / 2], a[4 * j + m / 2 + 2]);
            if m % 2 == 0 { _mm512_unpacklo_epi64(x, y) } else { _mm512_unpackhi_epi64(x, y) }
        });
        let mut out = [_mm512_setzero_si512(); 16];
        for m in 0..4 {
            let c0 = _mm512_shuffle_i32x4::<0x44>(b[m], b[4 + m]);
            let c1 = _mm512_shuffle_i32x4::<0xEE>(b[m], b[4 + m]);
            let c2 = _mm512_shuffle_i32x4::<0x44>(b[8 + m], b[12 + m]);
            let c3 = _mm512_shuffle_i32x4::<0xEE>(b[8 + m], b[12 + m]);
            out[m] = _mm512_shuffle_i32x4::<0x88>(c0, c2);
            out[4 + m] = _mm512_shuffle_i32x4::<0xDD>(c0, c2);
            out[8 + m] = _mm512_shuffle_i32x4::<0x88>(c1, c3);
            out[12 + m] = _mm512_shuffle_i32x4::<0xDD>(c1, c3);
        }
        out
    }

    /// One SHA-256 round on 16 lanes. `v` is `[a, b, c, d, e, f, g, h]`; returns the new `(a, e)`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn round16(v: [__m512i; 8], kw: __m512i) -> (__m512i, __m512i) {
        let [a, b, c, d, e, f, g, h] = v;
        let s1 = _mm512_ternarylogic_epi32::<0x96>(
            _mm512_ror_epi32::<6>(e),
            _mm512_ror_epi32::<11>(e),
            _mm512_ror_epi32::<25>(e),
        );
        let ch = _mm512_ternarylogic_epi32::<0xCA>(e, f, g);
        let t1 = _mm512_add_epi32(_mm512_add_epi32(h, kw), _mm512_add_epi32(s1, ch));
        let s0 = _mm512_ternarylogic_epi32::<0x96>(
            _mm512_ror_epi32::<2>(a),
            _mm512_ror_epi32::<13>(a),
            _mm512_ror_epi32::<22>(a),
        );
        let maj = _mm512_ternarylogic_epi32::<0xE8>(a, b, c);
        (_mm512_add_epi32(t1, _mm512_add_epi32(s0, maj)), _mm512_add_epi32(d, t1))
    }

    /// `W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16]` on 16 lanes, in the ring `w`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn schedule16(w: &mut [__m512i; 16], t: usize) {
        let (x15, x2) = (w[(t + 1) % 16], w[(t + 14) % 16]);
        let s0 = _mm512_ternarylogic_epi32::<0x96>(
            _mm512_ror_epi32::<7>(x15),
            _mm512_ror_epi32::<18>(x15),
            _mm512_srli_epi32::<3>(x15),
        );
        let s1 = _mm512_ternarylogic_epi32::<0x96>(
            _mm512_ror_epi32::<17>(x2),
            _mm512_ror_epi32::<19>(x2),
            _mm512_srli_epi32::<10>(x2),
        );
        w[t % 16] = _mm512_add_epi32(_mm512_add_epi32(w[t % 16], w[(t + 9) % 16]), _mm512_add_epi32(s0, s1));
    }

    /// One compression of `blocks[l]` into lane `l` of `state`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw")]
    fn compress16(state: &mut Wide, blocks: [__m512i; WIDE]) {
        let mut w = transposed(blocks);
        let mut v = *state;
        // Rounds are written out eight at a time (`t` constant in each) so that the working
        // variables rotate by renaming, not by moves, and the ring `w` stays in registers.
        macro_rules! eight {
            ($t:expr) => {
                for i in 0..8 {
                    let t = $t + i;
                    if t >= 16 {
                        schedule16(&mut w, t);
                    }
                    let kw = _mm512_add_epi32(w[t % 16], _mm512_set1_epi32(K[t] as i32));
                    let (a, e) = round16(v, kw);
                    v = [a, v[0], v[1], v[2], e, v[4], v[5], v[6]];
                }
            };
        }
        eight!(0);
        eight!(8);
        eight!(16);
        eight!(24);
        eight!(32);
        eight!(40);
        eight!(48);
        eight!(56);
        for (s, v) in state.iter_mut().zip(v) {
            *s = _mm512_add_epi32(*s, v);
        }
    }

    /// The same chaining value in every lane.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn broadcast(s: &State) -> Wide {
        std::array::from_fn(|i| _mm512_set1_epi32(s[i] as i32))
    }

    /// Lane `l` of `state` as a big-endian digest into `out[l]`: the 8 x 16 word transpose is
    /// done in registers, then each digest is one 32-byte store (done through memory, the
    /// compiler turned it into gathers).
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw")]
    fn store_wide(state: &Wide, out: [&mut [u8; 32]; WIDE]) {
        let swap = _mm512_set4_epi32(0x0C0D_0E0F, 0x0809_0A0B, 0x0405_0607, 0x0001_0203);
        let mut v = *state;
        for word in &mut v {
            *word = _mm512_shuffle_epi8(*word, swap);
        }
        // In 128-bit lane k (messages 4k..4k + 4): t[2m] holds words 2m, 2m + 1 of messages
        // 4k, 4k + 1 interleaved; t[2m + 1] the same words of messages 4k + 2, 4k + 3.
        let mut t = [_mm512_setzero_si512(); 8];
        for (i, t) in t.iter_mut().enumerate() {
            let (x, y) = (v[i & !1], v[i | 1]);
            *t = if i % 2 == 0 { _mm512_unpacklo_epi32(x, y) } else { _mm512_unpackhi_epi32(x, y) };
        }
        // In lane k: low[j] holds words 0..4 of message 4k + j, high[j] words 4..8.
        let mut low = [_mm512_setzero_si512(); 4];
        let mut high = [_mm512_setzero_si512(); 4];
        for j in 0..4 {
            // Plain branches, no closure: a closure would not inherit the target features.
            let pair = j / 2;
            if j % 2 == 0 {
                low[j] = _mm512_unpacklo_epi64(t[pair], t[2 + pair]);
                high[j] = _mm512_unpacklo_epi64(t[4 + pair], t[6 + pair]);
            } else {
                low[j] = _mm512_unpackhi_epi64(t[pair], t[2 + pair]);
                high[j] = _mm512_unpackhi_epi64(t[4 + pair], t[6 + pair]);
            }
        }
        let [o0, o1, o2, o3, o4, o5, o6, o7, o8, o9, o10, o11, o12, o13, o14, o15] = out;
        let mut out = [[o0, o4, o8, o12], [o1, o5, o9, o13], [o2, o6, o10, o14], [o3, o7, o11, o15]];
        for (j, [m0, m1, m2, m3]) in out.iter_mut().enumerate() {
            // [low.lane0, high.lane0, low.lane1, high.lane1]: messages j and 4 + j; then the
            // same for lanes 2 and 3: messages 8 + j and 12 + j.
            let front = _mm512_shuffle_i32x4::<0b01_00_01_00>(low[j], high[j]);
            let front = _mm512_shuffle_i32x4::<0b11_01_10_00>(front, front);
            let back = _mm512_shuffle_i32x4::<0b11_10_11_10>(low[j], high[j]);
            let back = _mm512_shuffle_i32x4::<0b11_01_10_00>(back, back);
            // SAFETY: each digest is 32 writable bytes; `storeu` needs no alignment.
            unsafe {
                _mm256_storeu_si256(m0.as_mut_ptr().cast(), _mm512_castsi512_si256(front));
                _mm256_storeu_si256(m1.as_mut_ptr().cast(), _mm512_extracti64x4_epi64::<1>(front));
                _mm256_storeu_si256(m2.as_mut_ptr().cast(), _mm512_castsi512_si256(back));
                _mm256_storeu_si256(m3.as_mut_ptr().cast(), _mm512_extracti64x4_epi64::<1>(back));
            }
        }
    }

    /// How block `b` of every padded message `prefix || message` is read when it is not
    /// wholly inside the message: the message bytes it holds by a masked load, the rest (tag,
    /// `0x80`, length) from a constant. Built in registers, so no block is written to memory and
    /// read back (such reloads stall on store forwarding).
    #[derive(Clone, Copy)]
    struct EdgeBlock {
        /// The message offset that block byte 0 stands for: `64 * b - 1` (the tag shifts the
        /// message by one byte). For `b = 0` the load starts at offset 0 and is shifted in the
        /// register instead, so that no pointer goes before the message.
        offset: usize,
        /// Which block bytes come from the message.
        mask: u64,
        /// The bytes that do not: the tag, the `0x80` and the length where they fall.
        fixed: __m512i,
    }

    impl EdgeBlock {
        #[inline]
        #[target_feature(enable = "avx512f,avx512bw")]
        fn new(prefix: u8, padding: Padding, b: usize) -> Self {
            let start = 64 * b;
            let mut fixed = [0u8; 64];
            if b == 0 {
                fixed[0] = prefix;
            }
            if (start..start + 64).contains(&padding.total) {
                fixed[padding.total - start] = 0x80;
            }
            if b + 1 == padding.blocks {
                fixed[56..].copy_from_slice(&(padding.total as u64 * 8).to_be_bytes());
            }
            // Block bytes `lo..hi` hold message bytes `lo - 1..hi - 1`.
            let (lo, hi) = (start.max(1), (start + 64).min(padding.total));
            let count = hi.saturating_sub(lo);
            let mask = if count == 64 { u64::MAX } else { ((1u64 << count) - 1) << (lo - start) };
            Self { offset: start.saturating_sub(1), mask, fixed: load(&fixed) }
        }

        /// The block for `message`.
        #[inline]
        #[target_feature(enable = "avx512f,avx512bw")]
        fn read(&self, message: &[u8]) -> __m512i {
            if self.offset == 0 {
                // Block 0: message bytes 0..63 go to block bytes 1..64. Load them at 0..63 and
                // move every byte up by one: within each 128-bit lane by `alignr`, which takes
                // byte 15 of the lane below (`below`); byte 0 is then replaced by the tag.
                // SAFETY: the mask (moved down by one) covers only message bytes; masked-off
                // bytes are not accessed.
                let x = unsafe { _mm512_maskz_loadu_epi8(self.mask >> 1, message.as_ptr().cast()) };
                let below = _mm512_shuffle_i32x4::<0b10_01_00_00>(x, x);
                let shifted = _mm512_maskz_mov_epi8(!1, _mm512_alignr_epi8::<15>(x, below));
                return _mm512_or_si512(shifted, self.fixed);
            }
            // SAFETY: when the mask is not empty, `offset` is inside the message and the mask
            // covers only message bytes; masked-off bytes are not accessed.
            let x = unsafe { _mm512_maskz_loadu_epi8(self.mask, message.as_ptr().wrapping_add(self.offset).cast()) };
            _mm512_or_si512(x, self.fixed)
        }
    }

    /// Hashes one batch of sixteen messages into `out`, and prefetches the next batch's.
    #[target_feature(enable = "avx512f,avx512bw")]
    fn digest_batch_impl(
        prefix: u8,
        padding: Padding,
        messages: &[&[u8]; WIDE],
        next: Option<&[&[u8]; WIDE]>,
        out: &mut [[u8; 32]; WIDE],
    ) {
        // The next batch's messages are usually far apart (one per row of a matrix), so the
        // hardware prefetchers do not see them coming: fetch them while this batch hashes.
        for next in next.into_iter().flatten() {
            let misalignment = next.as_ptr() as usize % 64;
            for line in (0..next.len() + misalignment).step_by(64) {
                let address = next.as_ptr().wrapping_sub(misalignment).wrapping_add(line);
                // A prefetch is a hint: it never faults, even outside `next`.
                _mm_prefetch::<_MM_HINT_T0>(address.cast());
            }
        }
        let mut state = broadcast(&super::INITIAL_STATE);
        for b in 0..padding.blocks {
            // Plain loops: a closure (as in `array::map`) would not inherit this function's
            // target features, and the per-lane reads would become calls.
            let mut rows = [_mm512_setzero_si512(); WIDE];
            match padding.in_place(b) {
                Some(range) => {
                    for (row, message) in rows.iter_mut().zip(messages) {
                        *row = load(as_block(&message[range.clone()]));
                    }
                }
                None => {
                    let edge = EdgeBlock::new(prefix, padding, b);
                    for (row, message) in rows.iter_mut().zip(messages) {
                        *row = edge.read(message);
                    }
                }
            }
            compress16(&mut state, rows);
        }
        store_wide(&state, out.each_mut());
    }

    /// Hashes whole batches of sixteen messages, `message(i)` into `out[i]`; returns how many
    /// were done (the rest, fewer than sixteen, are left).
    ///
    /// Messages are fetched here, outside the `#[target_feature]` kernel, so that `message`
    /// inlines: called from the kernel it stayed a call per message.
    pub(super) fn digests_avx512<'m>(
        prefix: u8,
        padding: Padding,
        message: &impl Fn(usize) -> &'m [u8],
        out: &mut [[u8; 32]],
    ) -> usize {
        assert!(avx512_available());
        let (batches, _) = out.as_chunks_mut::<WIDE>();
        let count = batches.len();
        // Two slots, filled in place and used in turn: this batch's messages and the next's.
        let mut slots: [[&'m [u8]; WIDE]; 2] = [[&[]; WIDE]; 2];
        let fetch = |slot: &mut [&'m [u8]; WIDE], b: usize| {
            for (l, m) in slot.iter_mut().enumerate() {
                *m = padding.check(message(WIDE * b + l));
            }
        };
        if count > 0 {
            fetch(&mut slots[0], 0);
        }
        for (b, outs) in batches.iter_mut().enumerate() {
            let [even, odd] = &mut slots;
            let (current, next) = if b % 2 == 0 { (even, odd) } else { (odd, even) };
            let has_next = b + 1 < count;
            if has_next {
                fetch(next, b + 1);
            }
            // SAFETY: the target features of the callee were detected at run time above.
            unsafe { digest_batch_impl(prefix, padding, current, has_next.then_some(&*next), outs) };
        }
        count * WIDE
    }

    #[target_feature(enable = "avx512f,avx512bw")]
    fn compress_each_avx512_impl(initial: &State, blocks: &[[u8; 64]], out: &mut [[u8; 32]]) -> usize {
        let initial = broadcast(initial);
        let (batches, _) = blocks.as_chunks::<WIDE>();
        let (out_batches, _) = out.as_chunks_mut::<WIDE>();
        for (i, (b, o)) in batches.iter().zip(out_batches.iter_mut()).enumerate() {
            // The hardware prefetchers do not keep ahead of a stream read in bursts of 16 lines
            // with a long computation between them: fetch the next batch while this one hashes.
            if let Some(next) = batches.get(i + 1) {
                for block in next {
                    _mm_prefetch::<_MM_HINT_T0>(block.as_ptr().cast());
                }
            }
            let mut state = initial;
            let mut rows = [_mm512_setzero_si512(); WIDE];
            for (row, block) in rows.iter_mut().zip(b) {
                *row = load(block);
            }
            compress16(&mut state, rows);
            store_wide(&state, o.each_mut());
        }
        batches.len() * WIDE
    }

    /// Compresses whole batches of sixteen blocks from `initial`; returns how many were done.
    pub(super) fn compress_each_avx512(initial: &State, blocks: &[[u8; 64]], out: &mut [[u8; 32]]) -> usize {
        assert!(avx512_available());
        // SAFETY: the target features of the callee were detected at run time just above.
        unsafe { compress_each_avx512_impl(initial, blocks, out) }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use sha2::{Digest as _, Sha256};

    use super::*;

    fn reference(prefix: u8, message: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update([prefix]);
        h.update(message);
        h.finalize().into()
    }

    fn message(len: usize, seed: u64) -> Vec<u8> {
        (0..len as u64).map(|i| (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ seed).to_le_bytes()[7]).collect()
    }

    /// Every combination of kernels this CPU can run, the portable one included.
    fn kernel_sets() -> Vec<Kernels> {
        let cpu = Kernels::detect();
        let mut sets = vec![Kernels::PORTABLE];
        if cpu.sha_ni {
            sets.push(Kernels { sha_ni: true, avx512: false });
        }
        if cpu.avx512 {
            sets.push(Kernels { sha_ni: false, avx512: true });
        }
        if cpu.sha_ni && cpu.avx512 {
            sets.push(cpu);
        }
        sets
    }

    fn digests(kernels: Kernels, prefix: u8, messages: &[Vec<u8>]) -> Vec<[u8; 32]> {
        let mut out = vec![[0u8; 32]; messages.len()];
        digests_on(kernels, prefix, &|i| messages[i].as_slice(), &mut out);
        out
    }

    fn compressions(kernels: Kernels, initial: &State, blocks: &[u8]) -> Vec<[u8; 32]> {
        let mut out = vec![[0u8; 32]; blocks.len() / 64];
        compress_each_on(kernels, initial, blocks, &mut out);
        out
    }

    #[test]
    fn reports_the_kernels_it_tests() {
        eprintln!("sha256x backend: {}; testing {:?}", backend(), kernel_sets());
        assert!(!kernel_sets().is_empty());
    }

    #[test]
    fn every_length_below_300_equals_sha256_on_every_kernel() {
        for kernels in kernel_sets() {
            for len in 0..300 {
                // Batch sizes around the lane counts: remainders of 2 and of 16.
                for count in [1usize, 2, 3, 15, 16, 17, 35] {
                    let messages: Vec<Vec<u8>> = (0..count).map(|q| message(len, q as u64 + 1)).collect();
                    for (m, d) in messages.iter().zip(digests(kernels, 0x00, &messages)) {
                        assert_eq!(d, reference(0x00, m), "{kernels:?}, length {len}, batch {count}");
                    }
                }
            }
        }
    }

    #[test]
    fn empty_batches_do_nothing() {
        for kernels in kernel_sets() {
            assert!(digests(kernels, 0x00, &[]).is_empty());
            assert!(compressions(kernels, &INITIAL_STATE, &[]).is_empty());
        }
    }

    #[test]
    #[should_panic(expected = "equal lengths")]
    fn unequal_lengths_are_rejected() {
        digests(Kernels::detect(), 0x00, &[vec![1, 2], vec![3]]);
    }

    #[test]
    fn compress_each_equals_one_compression_per_block_on_every_kernel() {
        let initial = [1, 2, 3, 4, 5, 6, 7, 0xFFFF_FFFF];
        for count in [0usize, 1, 2, 3, 15, 16, 17, 33, 50] {
            let blocks = message(64 * count, count as u64);
            let expected: Vec<[u8; 32]> = blocks
                .as_chunks::<64>()
                .0
                .iter()
                .map(|block| {
                    let mut state = initial;
                    compress256(&mut state, std::slice::from_ref(block));
                    state_bytes(&state)
                })
                .collect();
            for kernels in kernel_sets() {
                assert_eq!(compressions(kernels, &initial, &blocks), expected, "{kernels:?}, {count} blocks");
            }
        }
    }

    #[test]
    fn compress_x2_equals_two_compressions() {
        let blocks = message(128, 7);
        let (b0, b1) = blocks.split_at(64);
        let (b0, b1) = (as_block(b0), as_block(b1));
        let (mut s0, mut s1) = (INITIAL_STATE, [9, 8, 7, 6, 5, 4, 3, 2]);
        compress_x2([&mut s0, &mut s1], [b0, b1]);
        let (mut r0, mut r1) = (INITIAL_STATE, [9, 8, 7, 6, 5, 4, 3, 2]);
        compress256(&mut r0, &[*b0]);
        compress256(&mut r1, &[*b1]);
        assert_eq!((s0, s1), (r0, r1));
    }

    proptest! {
        #[test]
        fn random_batches_equal_sha256(
            prefix in any::<u8>(),
            len in 0usize..700,
            seeds in proptest::collection::vec(any::<u64>(), 0..40),
        ) {
            let messages: Vec<Vec<u8>> = seeds.iter().map(|&s| message(len, s)).collect();
            let expected: Vec<[u8; 32]> = messages.iter().map(|m| reference(prefix, m)).collect();
            for kernels in kernel_sets() {
                prop_assert_eq!(digests(kernels, prefix, &messages), expected.clone());
            }
        }

        #[test]
        fn random_blocks_compress_like_sha2(
            blocks in (0usize..40).prop_flat_map(|count| proptest::collection::vec(any::<u8>(), 64 * count)),
            initial in any::<[u32; 8]>(),
        ) {
            let expected = compressions(Kernels::PORTABLE, &initial, &blocks);
            for kernels in kernel_sets() {
                prop_assert_eq!(compressions(kernels, &initial, &blocks), expected.clone());
            }
        }
    }
}
