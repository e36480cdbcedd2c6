//! The bound for encoding speed: the same reed-solomon-simd calls the encoder makes, with the
//! shards already in place, and no hashing or packing. `walrus bench encoding` reports it beside
//! the real encoder so the overhead above raw Reed-Solomon is visible.

use std::time::{Duration, Instant};

use crate::{
    code::{self, Code, Coder},
    config::EncodingConfig,
    error::EncodingError,
    parallel,
};

/// Time spent in reed-solomon-simd alone for encoding a blob of `size_bytes` on `threads`
/// threads: the three expansions of the encoder, stripe by stripe, with the same shard sizes.
pub fn raw_reed_solomon_encode_time(
    config: &EncodingConfig,
    size_bytes: u64,
    threads: usize,
) -> Result<Duration, EncodingError> {
    let layout = config.layout(size_bytes)?;
    let s = layout.symbol_size();
    let n = config.n();
    let rows = config.secondary_sliver_symbols();
    let cols = config.primary_sliver_symbols();
    // The symbol content does not change the work; one shared symbol stands in for all.
    let symbol: Vec<u8> = (0..s).map(|i| i as u8).collect();
    let phases = [
        (Code::column(config), cols),     // primary expansion of the source columns
        (Code::row(config), rows),        // secondary expansion of the source rows
        (Code::column(config), n - cols), // the block that is only hashed
    ];
    let start = Instant::now();
    for (code, codewords) in phases {
        let ranges = parallel::split_range(codewords, threads);
        parallel::run(ranges, |_, range| {
            let mut coder = Coder::default();
            for (q0, q1) in code::stripes(range.clone(), s) {
                coder.encode(
                    &code,
                    s,
                    q1 - q0,
                    |_, _| &symbol,
                    |_, _, piece| {
                        std::hint::black_box(piece);
                    },
                );
            }
        });
    }
    Ok(start.elapsed())
}
