//! The reed-solomon-simd engine the codes run on: GFNI and AVX-512 kernels where the CPU has
//! them, reed-solomon-simd's own best engine elsewhere.
//!
//! reed-solomon-simd's codes are an FFT over GF(2^16) whose only arithmetic is `x ^= y * c` for
//! constants `c`; its engines differ only in how they compute that product, and its fastest x86
//! engine (AVX2) looks up each 4-bit nibble in 16-entry tables: 8 shuffles, 4 masks and shifts
//! and 6 xors for every 32 elements. Multiplying by a constant is linear over GF(2), so with the
//! GFNI instruction `vgf2p8affineqb`, which applies an 8x8 bit matrix to every byte, the product
//! of a whole 64-byte chunk (32 elements, low bytes then high bytes) is two matrix applications,
//! one lane swap and one xor. This engine also runs two FFT layers per chunk while the four
//! chunks are in registers, where reed-solomon-simd's engines make one pass over the shards per
//! layer.
//!
//! The results are bit for bit reed-solomon-simd's (the same transform; tests compare both
//! engines on every function), so the choice of engine never changes an encoding
//! (`docs/encoding.md`).

use reed_solomon_simd::engine::{DefaultEngine, Engine, GF_ORDER, GfElement, ShardsRefMut};

/// The engine: GFNI kernels when this CPU has them, else reed-solomon-simd's default engine.
pub(crate) enum CodingEngine {
    /// AVX-512 and GFNI kernels.
    #[cfg(target_arch = "x86_64")]
    Gfni(x86::Gfni),
    /// reed-solomon-simd's choice for this CPU (AVX2, SSSE3, NEON or portable).
    Default(DefaultEngine),
}

impl CodingEngine {
    /// The fastest engine this CPU runs.
    pub(crate) fn new() -> Self {
        #[cfg(target_arch = "x86_64")]
        if x86::available() {
            return Self::Gfni(x86::Gfni::new());
        }
        Self::Default(DefaultEngine::new())
    }

    /// reed-solomon-simd's default engine, whatever the CPU has (for comparisons in tests).
    #[cfg(test)]
    pub(crate) fn reference() -> Self {
        Self::Default(DefaultEngine::new())
    }
}

impl CodingEngine {
    /// The formal derivative of the `shard_count` shards of `len64` chunks in `work`:
    /// reed-solomon-simd's decoders take it between their transforms but do not export it.
    pub(crate) fn formal_derivative(&self, work: &mut [[u8; 64]], shard_count: usize, len64: usize) {
        assert!(shard_count.is_power_of_two() && work.len() >= shard_count * len64, "a whole work buffer");
        for i in 1..shard_count {
            let width = 1 << i.trailing_zeros();
            let (head, tail) = work.split_at_mut(i * len64);
            self.xor(&mut head[(i - width) * len64..], &tail[..width * len64]);
        }
    }

    /// The FFT of a copy: shards `src..src + size` of `work` (shards of `len64` chunks) are
    /// copied to `dst..dst + size` (`src + size <= dst`), and `fft(dst, size, truncated_size,
    /// skew_delta)` is applied there; the source is left as it was. The GFNI engine fuses the
    /// copy into the transform's first pass, which reads the source and writes the destination.
    #[allow(clippy::too_many_arguments, reason = "the transform's own parameters plus where it reads from")]
    pub(crate) fn fft_from(
        &self,
        work: &mut [[u8; 64]],
        len64: usize,
        src: usize,
        dst: usize,
        size: usize,
        truncated_size: usize,
        skew_delta: usize,
    ) {
        assert!(src + size <= dst && (dst + size) * len64 <= work.len(), "source below the destination, both in work");
        #[cfg(target_arch = "x86_64")]
        if let Self::Gfni(e) = self
            && size >= 4
            && truncated_size > 0
        {
            return e.fft_from(work, len64, src, dst, size, truncated_size, skew_delta);
        }
        work.copy_within(src * len64..(src + size) * len64, dst * len64);
        let mut shards = ShardsRefMut::new(dst + size, len64, work);
        self.fft(&mut shards, dst, size, truncated_size, skew_delta);
    }

    /// `x[i] ^= y[i]`.
    pub(crate) fn xor(&self, x: &mut [[u8; 64]], y: &[[u8; 64]]) {
        match self {
            #[cfg(target_arch = "x86_64")]
            Self::Gfni(e) => e.xor(x, y),
            Self::Default(_) => {
                for (a, b) in x.iter_mut().zip(y) {
                    for (p, q) in a.iter_mut().zip(b) {
                        *p ^= q;
                    }
                }
            }
        }
    }
}

impl Default for CodingEngine {
    fn default() -> Self {
        Self::new()
    }
}

/// The engine's name, for reports: `"gfni-avx512"` or `"reed-solomon-simd default"`.
pub fn backend() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    if x86::available() {
        return "gfni-avx512";
    }
    "reed-solomon-simd default"
}

impl Engine for CodingEngine {
    fn fft(&self, data: &mut ShardsRefMut, pos: usize, size: usize, truncated_size: usize, skew_delta: usize) {
        match self {
            #[cfg(target_arch = "x86_64")]
            Self::Gfni(e) => e.fft(data, pos, size, truncated_size, skew_delta),
            Self::Default(e) => e.fft(data, pos, size, truncated_size, skew_delta),
        }
    }

    fn ifft(&self, data: &mut ShardsRefMut, pos: usize, size: usize, truncated_size: usize, skew_delta: usize) {
        match self {
            #[cfg(target_arch = "x86_64")]
            Self::Gfni(e) => e.ifft(data, pos, size, truncated_size, skew_delta),
            Self::Default(e) => e.ifft(data, pos, size, truncated_size, skew_delta),
        }
    }

    fn mul(&self, x: &mut [[u8; 64]], log_m: GfElement) {
        match self {
            #[cfg(target_arch = "x86_64")]
            Self::Gfni(e) => e.mul(x, log_m),
            Self::Default(e) => e.mul(x, log_m),
        }
    }

    fn eval_poly(erasures: &mut [GfElement; GF_ORDER], truncated_size: usize) {
        // An associated function: no engine value says which CPU path to take, so detect again
        // (std caches the detection).
        #[cfg(target_arch = "x86_64")]
        if x86::available() {
            return x86::Gfni::eval_poly(erasures, truncated_size);
        }
        DefaultEngine::eval_poly(erasures, truncated_size)
    }
}

/// The four 8x8 bit matrices of multiplying by `exp(log_m)`, as `vgf2p8affineqb` operands:
/// `[lo <- lo, hi <- hi, lo <- hi, hi <- lo]`, where `a <- b` maps the input's byte `b` (low or
/// high byte of each element) to its contribution to the output's byte `a`.
///
/// Row `i` of a matrix (output bit `i`) is byte `7 - i` of the `u64`; bit `k` of a row selects
/// input bit `k` (Intel's definition of `vgf2p8affineqb`).
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
fn multiplication_matrices(log_m: GfElement) -> [u64; 4] {
    use reed_solomon_simd::engine::tables;
    let exp_log = tables::get_exp_log();
    // The image of each input bit: column k of the 16x16 matrix.
    let columns: [GfElement; 16] = std::array::from_fn(|k| tables::mul(1 << k, log_m, &exp_log.exp, &exp_log.log));
    let matrix = |input_byte: usize, output_byte: usize| -> u64 {
        let mut m = 0u64;
        for i in 0..8 {
            let mut row = 0u64;
            for k in 0..8 {
                row |= u64::from((columns[8 * input_byte + k] >> (8 * output_byte + i)) & 1) << k;
            }
            m |= row << (8 * (7 - i));
        }
        m
    };
    [matrix(0, 0), matrix(1, 1), matrix(1, 0), matrix(0, 1)]
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod x86 {
    //! The only unsafe code of the engine: calling `#[target_feature]` functions after the
    //! run-time check, and unaligned 64-byte loads and stores of `[u8; 64]` chunks.

    use std::arch::x86_64::*;
    use std::sync::OnceLock;

    use reed_solomon_simd::engine::{
        GF_MODULUS, GF_ORDER, GfElement, ShardsRefMut,
        tables::{self, Skew},
        utils,
    };

    /// True when the CPU has what the kernels use.
    pub(super) fn available() -> bool {
        std::is_x86_feature_detected!("avx512f")
            && std::is_x86_feature_detected!("avx512bw")
            && std::is_x86_feature_detected!("gfni")
    }

    /// The matrices of every multiplier (2 MiB, built once per process in a few milliseconds).
    fn matrices() -> &'static [[u64; 4]] {
        static MATRICES: OnceLock<Vec<[u64; 4]>> = OnceLock::new();
        MATRICES.get_or_init(|| (0..GF_ORDER).map(|m| super::multiplication_matrices(m as GfElement)).collect())
    }

    /// The GFNI engine. Only built after [`available`] returned true.
    pub(crate) struct Gfni {
        skew: &'static Skew,
        matrices: &'static [[u64; 4]],
    }

    impl Gfni {
        pub(super) fn new() -> Self {
            assert!(available(), "the GFNI engine needs AVX-512 (F, BW) and GFNI");
            Self { skew: tables::get_skew(), matrices: matrices() }
        }

        /// The multiplier `log_m` of the FFT butterflies, or `None` for GF_MODULUS, which the
        /// butterflies treat as zero (reed-solomon-simd's convention).
        fn butterfly_multiplier(&self, log_m: GfElement) -> Option<[u64; 4]> {
            (log_m != GF_MODULUS).then(|| self.matrices[usize::from(log_m)])
        }

        pub(super) fn fft(
            &self,
            data: &mut ShardsRefMut,
            pos: usize,
            size: usize,
            truncated_size: usize,
            skew_delta: usize,
        ) {
            // SAFETY: `Gfni` exists only when `available()` returned true.
            unsafe { self.fft_avx512(data, pos, size, truncated_size, skew_delta) }
        }

        pub(super) fn ifft(
            &self,
            data: &mut ShardsRefMut,
            pos: usize,
            size: usize,
            truncated_size: usize,
            skew_delta: usize,
        ) {
            // SAFETY: as in `fft`.
            unsafe { self.ifft_avx512(data, pos, size, truncated_size, skew_delta) }
        }

        pub(super) fn mul(&self, x: &mut [[u8; 64]], log_m: GfElement) {
            // SAFETY: as in `fft`.
            unsafe { mul_avx512(x, &self.matrices[usize::from(log_m)]) }
        }

        pub(super) fn xor(&self, x: &mut [[u8; 64]], y: &[[u8; 64]]) {
            // SAFETY: as in `fft`.
            unsafe { xor_avx512(x, y) }
        }

        pub(super) fn eval_poly(erasures: &mut [GfElement; GF_ORDER], truncated_size: usize) {
            assert!(available(), "checked by the caller");
            // SAFETY: the features were just detected.
            unsafe { eval_poly_avx512(erasures, truncated_size) }
        }

        /// Two layers of the FFT or (`INVERSE`) the IFFT, of half-widths `dist` and `2 * dist`,
        /// over every group of `4 * dist` positions that starts below `truncated_size`.
        #[inline]
        #[target_feature(enable = "avx512f,avx512bw,gfni")]
        fn two_layer_pass<const INVERSE: bool>(
            &self,
            data: &mut ShardsRefMut,
            pos: usize,
            dist: usize,
            truncated_size: usize,
            skew_delta: usize,
        ) {
            let mut r = 0;
            while r < truncated_size {
                let base = r + dist + skew_delta - 1;
                let m01 = self.butterfly_multiplier(self.skew[base]);
                let m02 = self.butterfly_multiplier(self.skew[base + dist]);
                let m23 = self.butterfly_multiplier(self.skew[base + dist * 2]);
                for i in r..r + dist {
                    let (s0, s1, s2, s3) = data.dist4_mut(pos + i, dist);
                    two_layers::<INVERSE>(s0, s1, s2, s3, m01, m02, m23);
                }
                r += 4 * dist;
            }
        }

        /// The same decimation-in-time FFT as reed-solomon-simd's engines: layers of
        /// butterflies, two at a time, then one more when the number of layers is odd.
        #[target_feature(enable = "avx512f,avx512bw,gfni")]
        fn fft_avx512(
            &self,
            data: &mut ShardsRefMut,
            pos: usize,
            size: usize,
            truncated_size: usize,
            skew_delta: usize,
        ) {
            self.fft_passes(data, pos, size, truncated_size, skew_delta);
        }

        /// The FFT's passes over groups of `group` positions and smaller: two layers at a time
        /// (half-widths `group / 4` and `group / 2`), then one more when an odd number of layers
        /// is left. The whole FFT of `size` is `fft_passes(size)`.
        #[inline]
        #[target_feature(enable = "avx512f,avx512bw,gfni")]
        fn fft_passes(
            &self,
            data: &mut ShardsRefMut,
            pos: usize,
            group: usize,
            truncated_size: usize,
            skew_delta: usize,
        ) {
            let mut dist4 = group;
            let mut dist = group >> 2;
            while dist != 0 {
                self.two_layer_pass::<false>(data, pos, dist, truncated_size, skew_delta);
                dist4 = dist;
                dist >>= 2;
            }
            if dist4 == 2 {
                let mut r = 0;
                while r < truncated_size {
                    let m = self.butterfly_multiplier(self.skew[r + skew_delta]);
                    let (x, y) = data.dist2_mut(pos + r, 1);
                    layer::<false>(x, y, m);
                    r += 2;
                }
            }
        }

        /// [`CodingEngine::fft_from`] for `size >= 4`: the first two-layer pass (one group over
        /// the whole `size`) reads the source shards and writes the destination's, then the
        /// other passes run in place.
        #[allow(clippy::too_many_arguments, reason = "as CodingEngine::fft_from")]
        pub(super) fn fft_from(
            &self,
            work: &mut [[u8; 64]],
            len64: usize,
            src: usize,
            dst: usize,
            size: usize,
            truncated_size: usize,
            skew_delta: usize,
        ) {
            assert!(
                size >= 4 && size.is_power_of_two() && truncated_size > 0 && src + size <= dst,
                "a whole, non-empty transform below dst"
            );
            // SAFETY: `Gfni` exists only when `available()` returned true.
            unsafe { self.fft_from_avx512(work, len64, src, dst, size, truncated_size, skew_delta) }
        }

        #[allow(clippy::too_many_arguments, reason = "as CodingEngine::fft_from")]
        #[target_feature(enable = "avx512f,avx512bw,gfni")]
        fn fft_from_avx512(
            &self,
            work: &mut [[u8; 64]],
            len64: usize,
            src: usize,
            dst: usize,
            size: usize,
            truncated_size: usize,
            skew_delta: usize,
        ) {
            let dist = size >> 2;
            // The first pass of `fft_avx512`, whose only group starts at 0.
            let base = dist + skew_delta - 1;
            let m01 = self.butterfly_multiplier(self.skew[base]);
            let m02 = self.butterfly_multiplier(self.skew[base + dist]);
            let m23 = self.butterfly_multiplier(self.skew[base + dist * 2]);
            let (below, above) = work.split_at_mut(dst * len64);
            let input = &below[src * len64..(src + size) * len64];
            let output = &mut above[..size * len64];
            let d = dist * len64;
            let (o0, rest) = output.split_at_mut(d);
            let (o1, rest) = rest.split_at_mut(d);
            let (o2, o3) = rest.split_at_mut(d);
            let inputs = [&input[..d], &input[d..2 * d], &input[2 * d..3 * d], &input[3 * d..]];
            two_layers_from(inputs, [o0, o1, o2, o3], m01, m02, m23);
            // The remaining passes, in place, over groups of a quarter of the first one's.
            let mut shards = ShardsRefMut::new(dst + size, len64, work);
            self.fft_passes(&mut shards, dst, dist, truncated_size, skew_delta);
        }

        /// The inverse of [`Self::fft_avx512`], as reed-solomon-simd computes it.
        #[target_feature(enable = "avx512f,avx512bw,gfni")]
        fn ifft_avx512(
            &self,
            data: &mut ShardsRefMut,
            pos: usize,
            size: usize,
            truncated_size: usize,
            skew_delta: usize,
        ) {
            let mut dist = 1;
            let mut dist4 = 4;
            while dist4 <= size {
                self.two_layer_pass::<true>(data, pos, dist, truncated_size, skew_delta);
                dist = dist4;
                dist4 <<= 2;
            }
            if dist < size {
                let m = self.butterfly_multiplier(self.skew[dist + skew_delta - 1]);
                if m.is_none() {
                    utils::xor_within(data, pos + dist, pos, dist);
                } else {
                    let (mut a, mut b) = data.split_at_mut(pos + dist);
                    for i in 0..dist {
                        layer::<true>(&mut a[pos + i], &mut b[i], m);
                    }
                }
            }
        }
    }

    /// A multiplier ready for [`Multiplier::apply`].
    #[derive(Clone, Copy)]
    struct Multiplier {
        /// `lo <- lo` in the low 256 bits, `hi <- hi` in the high 256 bits.
        straight: __m512i,
        /// `lo <- hi` in the low 256 bits, `hi <- lo` in the high 256 bits.
        crossed: __m512i,
    }

    impl Multiplier {
        #[inline]
        #[target_feature(enable = "avx512f,avx512bw,gfni")]
        fn new(m: &[u64; 4]) -> Self {
            let halves = |low: u64, high: u64| {
                _mm512_inserti64x4::<1>(_mm512_set1_epi64(low as i64), _mm256_set1_epi64x(high as i64))
            };
            Self { straight: halves(m[0], m[1]), crossed: halves(m[2], m[3]) }
        }

        /// The product of the 32 elements of chunk `x` (low bytes, then high bytes).
        #[inline]
        #[target_feature(enable = "avx512f,avx512bw,gfni")]
        fn apply(self, x: __m512i) -> __m512i {
            // Swapping the halves puts each element's other byte where its product goes.
            let swapped = _mm512_shuffle_i64x2::<0b01_00_11_10>(x, x);
            _mm512_xor_si512(
                _mm512_gf2p8affine_epi64_epi8::<0>(x, self.straight),
                _mm512_gf2p8affine_epi64_epi8::<0>(swapped, self.crossed),
            )
        }
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,gfni")]
    fn load(chunk: &[u8; 64]) -> __m512i {
        // SAFETY: 64 readable bytes; `loadu` needs no alignment.
        unsafe { _mm512_loadu_si512(chunk.as_ptr().cast()) }
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,gfni")]
    fn store(chunk: &mut [u8; 64], v: __m512i) {
        // SAFETY: 64 writable bytes; `storeu` needs no alignment.
        unsafe { _mm512_storeu_si512(chunk.as_mut_ptr().cast(), v) }
    }

    /// FFT butterfly: `x ^= y * m` (nothing when `m` is zero), then `y ^= x`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,gfni")]
    fn fft_butterfly(x: __m512i, y: __m512i, m: Option<Multiplier>) -> (__m512i, __m512i) {
        let x = match m {
            Some(m) => _mm512_xor_si512(x, m.apply(y)),
            None => x,
        };
        (x, _mm512_xor_si512(y, x))
    }

    /// IFFT butterfly: `y ^= x`, then `x ^= y * m` (nothing when `m` is zero).
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,gfni")]
    fn ifft_butterfly(x: __m512i, y: __m512i, m: Option<Multiplier>) -> (__m512i, __m512i) {
        let y = _mm512_xor_si512(y, x);
        let x = match m {
            Some(m) => _mm512_xor_si512(x, m.apply(y)),
            None => x,
        };
        (x, y)
    }

    /// Two layers on four shards (positions `i`, `i + d`, `i + 2d`, `i + 3d` of a group): the
    /// FFT's butterflies `(0, 2)` and `(1, 3)` with `m02`, then `(0, 1)` with `m01` and `(2, 3)`
    /// with `m23`; the IFFT's (`INVERSE`) the other way round.
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,gfni")]
    fn two_layers<const INVERSE: bool>(
        s0: &mut [[u8; 64]],
        s1: &mut [[u8; 64]],
        s2: &mut [[u8; 64]],
        s3: &mut [[u8; 64]],
        m01: Option<[u64; 4]>,
        m02: Option<[u64; 4]>,
        m23: Option<[u64; 4]>,
    ) {
        let (m01, m02, m23) =
            (m01.map(|m| Multiplier::new(&m)), m02.map(|m| Multiplier::new(&m)), m23.map(|m| Multiplier::new(&m)));
        for (((c0, c1), c2), c3) in s0.iter_mut().zip(s1.iter_mut()).zip(s2.iter_mut()).zip(s3.iter_mut()) {
            let (mut a0, mut a1, mut a2, mut a3) = (load(c0), load(c1), load(c2), load(c3));
            if INVERSE {
                (a0, a1) = ifft_butterfly(a0, a1, m01);
                (a2, a3) = ifft_butterfly(a2, a3, m23);
                (a0, a2) = ifft_butterfly(a0, a2, m02);
                (a1, a3) = ifft_butterfly(a1, a3, m02);
            } else {
                (a0, a2) = fft_butterfly(a0, a2, m02);
                (a1, a3) = fft_butterfly(a1, a3, m02);
                (a0, a1) = fft_butterfly(a0, a1, m01);
                (a2, a3) = fft_butterfly(a2, a3, m23);
            }
            store(c0, a0);
            store(c1, a1);
            store(c2, a2);
            store(c3, a3);
        }
    }

    /// The FFT's [`two_layers`] reading `input` and writing `output` (the same shards, moved).
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,gfni")]
    fn two_layers_from(
        input: [&[[u8; 64]]; 4],
        output: [&mut [[u8; 64]]; 4],
        m01: Option<[u64; 4]>,
        m02: Option<[u64; 4]>,
        m23: Option<[u64; 4]>,
    ) {
        let (m01, m02, m23) =
            (m01.map(|m| Multiplier::new(&m)), m02.map(|m| Multiplier::new(&m)), m23.map(|m| Multiplier::new(&m)));
        let [i0, i1, i2, i3] = input;
        let [o0, o1, o2, o3] = output;
        for c in 0..i0.len() {
            let (mut a0, mut a1, mut a2, mut a3) = (load(&i0[c]), load(&i1[c]), load(&i2[c]), load(&i3[c]));
            (a0, a2) = fft_butterfly(a0, a2, m02);
            (a1, a3) = fft_butterfly(a1, a3, m02);
            (a0, a1) = fft_butterfly(a0, a1, m01);
            (a2, a3) = fft_butterfly(a2, a3, m23);
            store(&mut o0[c], a0);
            store(&mut o1[c], a1);
            store(&mut o2[c], a2);
            store(&mut o3[c], a3);
        }
    }

    /// One layer: the butterflies `(x[c], y[c])` with `m`, of the FFT or (`INVERSE`) the IFFT.
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,gfni")]
    fn layer<const INVERSE: bool>(x: &mut [[u8; 64]], y: &mut [[u8; 64]], m: Option<[u64; 4]>) {
        let m = m.map(|m| Multiplier::new(&m));
        for (cx, cy) in x.iter_mut().zip(y.iter_mut()) {
            let (a, b) =
                if INVERSE { ifft_butterfly(load(cx), load(cy), m) } else { fft_butterfly(load(cx), load(cy), m) };
            store(cx, a);
            store(cy, b);
        }
    }

    #[target_feature(enable = "avx512f,avx512bw,gfni")]
    fn mul_avx512(x: &mut [[u8; 64]], m: &[u64; 4]) {
        let m = Multiplier::new(m);
        for chunk in x.iter_mut() {
            store(chunk, m.apply(load(chunk)));
        }
    }

    #[target_feature(enable = "avx512f,avx512bw,gfni")]
    fn xor_avx512(x: &mut [[u8; 64]], y: &[[u8; 64]]) {
        for (a, b) in x.iter_mut().zip(y) {
            store(a, _mm512_xor_si512(load(a), load(b)));
        }
    }

    /// reed-solomon-simd's evaluation, compiled for AVX-512 (it is written to vectorise).
    #[target_feature(enable = "avx512f,avx512bw")]
    fn eval_poly_avx512(erasures: &mut [GfElement; GF_ORDER], truncated_size: usize) {
        utils::eval_poly(erasures, truncated_size);
    }
}

#[cfg(test)]
mod tests {
    use reed_solomon_simd::engine::{GF_MODULUS, tables};

    use super::*;

    fn random_chunks(count: usize, seed: u64) -> Vec<[u8; 64]> {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..count)
            .map(|_| {
                std::array::from_fn(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state as u8
                })
            })
            .collect()
    }

    /// The element at `lane` of a chunk: low byte in the first half, high byte in the second.
    fn element(chunk: &[u8; 64], lane: usize) -> u16 {
        u16::from(chunk[lane]) | u16::from(chunk[32 + lane]) << 8
    }

    #[test]
    fn multiplication_matches_the_field_tables() {
        eprintln!("Reed-Solomon engine under test: {}", backend());
        let exp_log = tables::get_exp_log();
        let engine = CodingEngine::new();
        let input = random_chunks(4, 1);
        // Every multiplier, including 0 and GF_MODULUS, on 128 random elements.
        for log_m in (0..=GF_MODULUS).step_by(7).chain([0, 1, 2, GF_MODULUS - 1, GF_MODULUS]) {
            let mut x = input.clone();
            engine.mul(&mut x, log_m);
            for (before, after) in input.iter().zip(&x) {
                for lane in 0..32 {
                    let expected = tables::mul(element(before, lane), log_m, &exp_log.exp, &exp_log.log);
                    assert_eq!(element(after, lane), expected, "log_m {log_m} lane {lane}");
                }
            }
        }
    }

    /// Runs `f` on a copy of `data` with this engine and with reed-solomon-simd's, and compares
    /// shards `compared`.
    fn same_as_reference(
        data: &[[u8; 64]],
        shards: usize,
        compared: std::ops::Range<usize>,
        what: &str,
        f: impl Fn(&CodingEngine, &mut ShardsRefMut),
    ) {
        let shard_len_64 = data.len() / shards;
        let run = |engine: CodingEngine| {
            let mut copy = data.to_vec();
            f(&engine, &mut ShardsRefMut::new(shards, shard_len_64, &mut copy));
            copy[compared.start * shard_len_64..compared.end * shard_len_64].to_vec()
        };
        assert!(run(CodingEngine::new()) == run(CodingEngine::reference()), "{what}");
    }

    /// Both transforms, on every size up to 2^11 (odd and even numbers of layers), truncated, at
    /// offsets and skews. What
    /// reed-solomon-simd specifies is compared: an FFT's outputs below the truncation, and an
    /// IFFT's outputs when the inputs at and beyond the truncation are zero.
    #[test]
    fn transforms_equal_reed_solomon_simd_engines() {
        for size in (0..=11).map(|k| 1usize << k) {
            for shard_len_64 in [1usize, 3] {
                let shards = 2 * size;
                let data = random_chunks(shards * shard_len_64, size as u64 * 31 + shard_len_64 as u64);
                let mut truncations = vec![size, size / 2 + 1, size / 3 + 1, 1];
                truncations.dedup();
                for truncated in truncations.into_iter().filter(|&t| t >= 1 && t <= size) {
                    for (pos, skew_delta) in [(0, 0), (0, size), (size, 3 * size)] {
                        let what =
                            format!("size {size} len {shard_len_64} truncated {truncated} pos {pos} skew {skew_delta}");
                        same_as_reference(&data, shards, pos..pos + truncated, &format!("fft {what}"), |e, d| {
                            e.fft(d, pos, size, truncated, skew_delta)
                        });
                        let mut zero_tail = data.clone();
                        zero_tail[(pos + truncated) * shard_len_64..(pos + size) * shard_len_64].fill([0; 64]);
                        same_as_reference(&zero_tail, shards, 0..shards, &format!("ifft {what}"), |e, d| {
                            e.ifft(d, pos, size, truncated, skew_delta)
                        });
                    }
                }
            }
        }
    }

    /// The FFT of a copy equals copying, then reed-solomon-simd's FFT, and leaves the source as
    /// it was: every size up to 2^11, truncated, at gaps between source and destination.
    #[test]
    fn fft_from_equals_a_copy_then_the_fft() {
        for size in (0..=11).map(|k| 1usize << k) {
            let len64 = 2;
            for gap in [0usize, 1, size] {
                let dst = size + gap;
                let shards = dst + size;
                let data = random_chunks(shards * len64, (size * 7 + gap) as u64);
                for truncated in [0, 1, size / 3 + 1, size] {
                    let skew_delta = dst + size;
                    let mut expected = data.clone();
                    expected.copy_within(0..size * len64, dst * len64);
                    let mut reference = ShardsRefMut::new(shards, len64, &mut expected);
                    CodingEngine::reference().fft(&mut reference, dst, size, truncated, skew_delta);
                    for engine in [CodingEngine::new(), CodingEngine::reference()] {
                        let mut got = data.clone();
                        engine.fft_from(&mut got, len64, 0, dst, size, truncated, skew_delta);
                        let what = format!("size {size} gap {gap} truncated {truncated}");
                        assert!(got[..size * len64] == data[..size * len64], "source changed: {what}");
                        // What reed-solomon-simd specifies: the outputs below the truncation.
                        let outputs = dst * len64..(dst + truncated) * len64;
                        assert!(got[outputs.clone()] == expected[outputs], "outputs differ: {what}");
                    }
                }
            }
        }
    }

    #[test]
    fn formal_derivative_equals_reed_solomon_simds_definition() {
        for (shard_count, len64) in [(1usize, 1usize), (2, 1), (8, 3), (64, 2)] {
            let data = random_chunks(shard_count * len64, shard_count as u64);
            let mut expected = data.clone();
            let mut shards = ShardsRefMut::new(shard_count, len64, &mut expected);
            for i in 1..shard_count {
                let width = 1 << i.trailing_zeros();
                reed_solomon_simd::engine::utils::xor_within(&mut shards, i - width, i, width);
            }
            for engine in [CodingEngine::new(), CodingEngine::reference()] {
                let mut got = data.clone();
                engine.formal_derivative(&mut got, shard_count, len64);
                assert!(got == expected, "{shard_count} shards of {len64} chunks");
            }
        }
    }

    #[test]
    fn polynomial_evaluation_equals_reed_solomon_simd() {
        for truncated in [1usize, 100, 1000, GF_ORDER] {
            let mut erasures = [0 as GfElement; GF_ORDER];
            for (i, e) in erasures.iter_mut().enumerate().take(truncated) {
                *e = u16::from(i % 3 == 0);
            }
            let mut expected = erasures;
            CodingEngine::eval_poly(&mut erasures, truncated);
            DefaultEngine::eval_poly(&mut expected, truncated);
            assert!(erasures == expected, "truncated {truncated}");
        }
    }
}
