//! The bounds for encoding speed, each the encoder's work of one kind alone:
//!
//! - the same Reed-Solomon coding the encoder does (the engine's transforms, with the symbols
//!   packed into and out of its work buffer), on one shared symbol that stays in cache, and no
//!   hashing;
//! - the same commitment hashing (a leaf digest of each of the `n * n` symbols of the expanded
//!   matrix, and the `2n` sliver trees over them), on symbols that stay in cache, and no coding.
//!
//! `walrus bench encoding` reports both beside the real encoder. Their sum is a floor under the
//! encoding time on the machine at that moment, whatever the encoder's loops do
//! (`docs/benchmarks.md`).
//!
//! For speed-ups, [`kernel_alone_time`] runs the hashing kernel on every thread with nothing
//! shared, which tells whether the machine's threads are cores of their own at that moment.

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
    merkle, parallel,
};

/// Time spent in commitment hashing alone for encoding a blob of `size_bytes` on `threads`
/// threads: a leaf digest of every symbol of the expanded `n x n` matrix, and the Merkle root of
/// every expanded primary sliver (a row) and secondary sliver (a column). The per-blob hashes
/// above them (`n` pair leaves and one tree) are left out; they are `O(n)`.
pub fn commitment_hash_time(
    config: &EncodingConfig,
    size_bytes: u64,
    threads: usize,
) -> Result<Duration, EncodingError> {
    let s = config.layout(size_bytes)?.symbol_size();
    let n = config.n();
    // One expanded sliver's symbols, hashed again for every sliver: the work per symbol does not
    // depend on its content, and reading them from cache makes this a floor.
    let sliver: Vec<u8> = (0..n * s).map(|i| (i % 251) as u8).collect();
    let start = Instant::now();
    let init = || (vec![merkle::EMPTY_DIGEST; n], Vec::new());
    parallel::run(parallel::split_for_threads(n, threads, 1), threads, init, |(leaves, scratch), columns| {
        for _ in columns {
            merkle::leaf_digests(|i| &sliver[i * s..(i + 1) * s], leaves);
            // Each column's leaves feed its own tree and one node of every row tree; every leaf
            // is hashed once and sits in two trees, so the trees cost two roots per column.
            std::hint::black_box(merkle::root_with_scratch(leaves, scratch));
            std::hint::black_box(merkle::root_with_scratch(leaves, scratch));
        }
    });
    Ok(start.elapsed())
}

/// Leaf batches each thread hashes in [`kernel_alone_time`]: about 30 ms on one core of the
/// project's VM, short enough to take a sample beside every encoding run.
pub const KERNEL_ALONE_BATCHES_PER_THREAD: usize = 30_000;

/// The time `threads` threads take when each hashes the same [`KERNEL_ALONE_BATCHES_PER_THREAD`]
/// batches of 16 leaves, on symbols of its own that stay in its core's L1 cache: the encoder's
/// hottest kernel, with no memory traffic and nothing shared between threads.
///
/// `threads * time(1) / time(threads)` is that kernel's speed-up. It is near `threads` when the
/// threads run on separate idle cores. It is lower when they share a core's execution units:
/// hyperthreads, or virtual CPUs that the host places on one physical core. The kernel keeps one
/// execution port busy, so it loses more from sharing than the encoder, which also waits for
/// memory: it is a witness of shared cores, not a ceiling for the encoder (`docs/benchmarks.md`,
/// session 9).
pub fn kernel_alone_time(threads: usize) -> Duration {
    let threads = threads.max(1);
    let hash_batches = || {
        let mut symbols = [[0u8; 64]; 16];
        let mut leaves = [merkle::EMPTY_DIGEST; 16];
        for batch in 0..KERNEL_ALONE_BATCHES_PER_THREAD {
            // Each batch depends on the last, so no batch can be skipped or hoisted.
            symbols[batch % 16][..32].copy_from_slice(&leaves[(batch + 1) % 16]);
            merkle::leaf_digests(|i| &symbols[i], &mut leaves);
        }
        std::hint::black_box(leaves);
    };
    let start = Instant::now();
    // One thread is spawned too, so that every thread count pays the same start-up.
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(hash_batches);
        }
    });
    start.elapsed()
}

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
        let ranges = parallel::split_for_threads(codewords, threads, code::stripe_width(symbol_size));
        parallel::run(ranges, threads, S::default, |state, range: std::ops::Range<usize>| {
            for (q0, q1) in code::stripes(range.clone(), symbol_size) {
                code_stripe(state, &code, q1 - q0);
            }
        });
    }
    Ok(start.elapsed())
}
