//! The bound for encoding speed: the same Reed-Solomon coding the encoder does (the engine's
//! transforms, with the symbols packed into and out of its work buffer), on one shared symbol
//! that stays in cache, and no hashing. `walrus bench encoding` reports it beside the real
//! encoder so the overhead above raw Reed-Solomon is visible.

use std::time::{Duration, Instant};

use reed_solomon_simd::{
    engine::DefaultEngine,
    rate::{HighRateEncoder, LowRateEncoder, RateEncoder},
};

use crate::{
    code::{self, Axis, Code, Coder},
    config::EncodingConfig,
    error::EncodingError,
    lanes::Lanes,
    parallel,
};

/// Time spent in Reed-Solomon coding alone for encoding a blob of `size_bytes` on `threads`
/// threads: the three expansions of the encoder, stripe by stripe, with the same shard sizes.
pub fn raw_reed_solomon_encode_time(
    config: &EncodingConfig,
    size_bytes: u64,
    threads: usize,
) -> Result<Duration, EncodingError> {
    let s = config.layout(size_bytes)?.symbol_size();
    // The symbol content does not change the work; one shared symbol stands in for all.
    let symbol: Vec<u8> = (0..s).map(|i| i as u8).collect();
    time_expansions(config, s, threads, |coder: &mut Coder, code, count| {
        coder.encode(
            code,
            s,
            count,
            |_, _| &symbol,
            |_, _, piece| {
                std::hint::black_box(piece);
            },
        );
    })
}

/// The same as [`raw_reed_solomon_encode_time`] with reed-solomon-simd's own rate encoders and
/// its default engine (AVX2 here) on already packed shards: what the encoder's coding would cost
/// without the core's engine and coding loops (`docs/benchmarks.md`).
pub fn reed_solomon_simd_encode_time(
    config: &EncodingConfig,
    size_bytes: u64,
    threads: usize,
) -> Result<Duration, EncodingError> {
    #[derive(Default)]
    struct Encoders {
        low: Option<LowRateEncoder<DefaultEngine>>,
        high: Option<HighRateEncoder<DefaultEngine>>,
        shard: Vec<u8>,
    }
    fn run<E: RateEncoder<DefaultEngine>>(slot: &mut Option<E>, shard: &[u8], code: &Code) {
        let (k, r) = (code.originals(), code.recovery());
        let encoder = match slot {
            Some(encoder) => {
                encoder.reset(k, r, shard.len()).expect("valid code parameters");
                encoder
            }
            None => slot.insert(E::new(k, r, shard.len(), DefaultEngine::new(), None).expect("valid code parameters")),
        };
        for _ in 0..k {
            encoder.add_original_shard(shard).expect("shard size matches");
        }
        let result = encoder.encode().expect("all originals added");
        std::hint::black_box(result.recovery(0));
    }
    let s = config.layout(size_bytes)?.symbol_size();
    time_expansions(config, s, threads, |encoders: &mut Encoders, code, count| {
        for piece in code::pieces(s) {
            let shard_bytes = Lanes::new(piece.len(), count).shard_bytes();
            encoders.shard.resize(shard_bytes, 0x5A);
            match code.axis() {
                Axis::Column => run(&mut encoders.low, &encoders.shard, code),
                Axis::Row => run(&mut encoders.high, &encoders.shard, code),
            }
        }
    })
}

/// Runs `code_stripe(state, code, codewords)` over the stripes of the encoder's three
/// expansions on `threads` threads (one `state` per thread) and times it.
fn time_expansions<S: Default>(
    config: &EncodingConfig,
    symbol_size: usize,
    threads: usize,
    code_stripe: impl Fn(&mut S, &Code, usize) + Sync,
) -> Result<Duration, EncodingError> {
    let n = config.n();
    let rows = config.secondary_sliver_symbols();
    let cols = config.primary_sliver_symbols();
    let phases = [
        (Code::column(config), cols),     // primary expansion of the source columns
        (Code::row(config), rows),        // secondary expansion of the source rows
        (Code::column(config), n - cols), // the block that is only hashed
    ];
    let start = Instant::now();
    for (code, codewords) in phases {
        let ranges = parallel::split_range(codewords, threads);
        parallel::run(ranges, |_, range| {
            let mut state = S::default();
            for (q0, q1) in code::stripes(range.clone(), symbol_size) {
                code_stripe(&mut state, &code, q1 - q0);
            }
        });
    }
    Ok(start.elapsed())
}
