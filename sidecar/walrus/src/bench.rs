//! `walrus bench encoding`: encode and decode throughput, peak memory, and the bounds for the
//! same blob shape: the raw Reed-Solomon coding (the core's, and reed-solomon-simd's own
//! encoders), the commitment hashing alone, and the encoding floor they make together
//! (`walrus_core::bench`), as a table or JSON lines. Each row with several threads also gives its
//! speed-up over one thread, and the speed-up of the hashing kernel alone, measured beside every
//! run: how far the machine's threads were cores of their own at the time.
//! `walrus bench network`: store and read throughput through a whole local network.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use serde::Serialize;
use walrus_core::{
    EncodingConfig, SliverKind, VerifiedRoots,
    bench::{commitment_hash_time, kernel_alone_time, raw_reed_solomon_encode_time, reed_solomon_simd_encode_time},
    decode, encode,
};

use crate::memory;

/// Benchmarks.
#[derive(Subcommand)]
pub enum BenchCommand {
    /// Encoding and decoding speed of the RedStuff core.
    Encoding(EncodingArgs),
    /// Store and read speed through a local network started for the run (chain, nodes, client).
    Network(crate::bench_network::NetworkArgs),
}

/// Options of `walrus bench encoding`.
#[derive(Args)]
pub struct EncodingArgs {
    /// Blob sizes, comma-separated, with optional KiB/MiB/GiB suffix.
    #[arg(long, value_delimiter = ',', default_value = "1MiB,64MiB,256MiB")]
    sizes: Vec<String>,
    /// Shard counts, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1000")]
    shards: Vec<u16>,
    /// Thread counts, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,2")]
    threads: Vec<usize>,
    /// Runs per row; the median is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Print one JSON object per row instead of a table.
    #[arg(long)]
    json: bool,
}

/// One measured configuration.
#[derive(Serialize)]
struct Row {
    size_bytes: u64,
    n_shards: u16,
    threads: usize,
    encode_mb_per_s: f64,
    /// `encode_mb_per_s` over the one-thread row's (when one thread is measured too).
    encode_speed_up: Option<f64>,
    /// The speed-up of the hashing kernel alone on this many threads, with nothing shared, measured
    /// beside every encoding run (`walrus_core::bench::kernel_alone_time`): well below the thread
    /// count when the threads share cores.
    kernel_speed_up: f64,
    decode_mb_per_s: f64,
    decode_from_recovery_mb_per_s: f64,
    raw_reed_solomon_mb_per_s: f64,
    /// The same coding with reed-solomon-simd's own rate encoders and default engine.
    reed_solomon_simd_mb_per_s: f64,
    /// The commitment hashing alone (leaf digests of the expanded matrix and the sliver trees).
    commitment_hash_mb_per_s: f64,
    /// The encoding floor: the core's raw coding and the commitment hashing, one after the other.
    bound_mb_per_s: f64,
    peak_memory_bytes: Option<u64>,
    peak_memory_over_blob: Option<f64>,
}

pub fn run(command: BenchCommand) -> Result<()> {
    match command {
        BenchCommand::Encoding(args) => encoding(args),
        BenchCommand::Network(args) => crate::bench_network::run(args),
    }
}

pub(crate) fn parse_size(text: &str) -> Result<u64> {
    let t = text.trim();
    let (digits, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let value: u64 = digits.parse().with_context(|| format!("size {text:?} does not start with a number"))?;
    let factor = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kib" | "k" => 1 << 10,
        "mib" | "m" => 1 << 20,
        "gib" | "g" => 1 << 30,
        other => bail!("unknown size unit {other:?} in {text:?}: use B, KiB, MiB or GiB"),
    };
    Ok(value * factor)
}

/// Deterministic pseudo-random bytes (xorshift), so runs are comparable.
pub(crate) fn blob_bytes(size: usize) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut out = Vec::with_capacity(size);
    while out.len() < size {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let take = (size - out.len()).min(8);
        out.extend_from_slice(&state.to_le_bytes()[..take]);
    }
    out
}

pub(crate) fn mb_per_s(bytes: u64, time: Duration) -> f64 {
    bytes as f64 / 1e6 / time.as_secs_f64()
}

pub(crate) fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn encoding(args: EncodingArgs) -> Result<()> {
    if args.runs == 0 {
        bail!("--runs must be at least 1");
    }
    let sizes: Vec<u64> = args.sizes.iter().map(|s| parse_size(s)).collect::<Result<_>>()?;
    if !args.json {
        println!(
            "# Reed-Solomon engine: {}; SHA-256 kernels: {}",
            walrus_core::engine::backend(),
            walrus_core::sha256x::backend()
        );
        println!(
            "{:>10} {:>6} {:>7} {:>12} {:>8} {:>8} {:>12} {:>14} {:>12} {:>14} {:>10} {:>11} {:>9}",
            "size",
            "n",
            "threads",
            "encode MB/s",
            "speed-up",
            "kernel x",
            "decode MB/s",
            "dec-recov MB/s",
            "raw RS MB/s",
            "rs-simd MB/s",
            "hash MB/s",
            "bound MB/s",
            "peak mem"
        );
    }
    for &n in &args.shards {
        let config = EncodingConfig::new(n)?;
        for &size in &sizes {
            let blob = blob_bytes(usize::try_from(size)?);
            for row in measure(&config, &blob, &args.threads, args.runs)? {
                if args.json {
                    println!("{}", serde_json::to_string(&row)?);
                } else {
                    println!(
                        "{:>10} {:>6} {:>7} {:>12.1} {:>8} {:>8.2} {:>12.1} {:>14.1} {:>12.1} {:>14.1} {:>10.1} {:>11.1} {:>9}",
                        human(row.size_bytes),
                        row.n_shards,
                        row.threads,
                        row.encode_mb_per_s,
                        row.encode_speed_up.map_or("n/a".to_string(), |x| format!("{x:.2}")),
                        row.kernel_speed_up,
                        row.decode_mb_per_s,
                        row.decode_from_recovery_mb_per_s,
                        row.raw_reed_solomon_mb_per_s,
                        row.reed_solomon_simd_mb_per_s,
                        row.commitment_hash_mb_per_s,
                        row.bound_mb_per_s,
                        row.peak_memory_over_blob.map_or("n/a".to_string(), |r| format!("{r:.2}x")),
                    );
                }
            }
        }
    }
    Ok(())
}

/// The samples of one thread count, one per run.
#[derive(Default)]
struct Samples {
    encode: Vec<Duration>,
    /// [`kernel_alone_time`] on one thread and on the row's threads, beside each encoding run.
    kernel: Vec<(Duration, Duration)>,
    decode: Vec<Duration>,
    decode_recovery: Vec<Duration>,
    raw: Vec<Duration>,
    rs_simd: Vec<Duration>,
    hash: Vec<Duration>,
    peak_memory_bytes: Option<u64>,
}

/// Measures one blob at every thread count in `thread_counts`, one row each.
///
/// The thread counts take turns run by run, so that every row's runs are spread over the same
/// minutes: this VM's speed changes by up to 1.5x from one minute to the next, and a row measured
/// a minute after another made the two-thread speed-up swing between 1.5x and 2.2x
/// (`docs/benchmarks.md`, session 8).
fn measure(config: &EncodingConfig, blob: &[u8], thread_counts: &[usize], runs: usize) -> Result<Vec<Row>> {
    let size = blob.len() as u64;
    let mut samples: Vec<Samples> = thread_counts.iter().map(|_| Samples::default()).collect();
    for run in 0..runs {
        for (&threads, samples) in thread_counts.iter().zip(&mut samples) {
            if run == 0 {
                // The first run starts from fresh memory, so that its peak counts every buffer;
                // later runs reuse the buffers the encoder keeps, as a publisher encoding blob
                // after blob does, and the median is theirs.
                walrus_core::release_buffers();
            }
            let baseline = memory::rss_bytes();
            let can_reset = memory::reset_peak();
            let start = Instant::now();
            let encoded = encode(config, blob, threads)?;
            samples.encode.push(start.elapsed());
            if threads > 1 {
                samples.kernel.push((kernel_alone_time(1), kernel_alone_time(threads)));
            }
            if run == 0
                && let (true, Some(p), Some(b)) = (can_reset, memory::peak_rss_bytes(), baseline)
            {
                // The blob itself is counted: it is resident before and during encoding.
                samples.peak_memory_bytes = Some(p.saturating_sub(b) + size);
            }
            drop(encoded);
        }
    }
    let encoded = encode(config, blob, 1)?;
    let roots = VerifiedRoots::from_metadata(*config, encoded.metadata())?;
    let rows = config.secondary_sliver_symbols();
    let n = config.n();
    let slivers: Vec<(usize, std::borrow::Cow<'_, [u8]>)> =
        (0..rows).chain(n - rows..n).map(|i| (i, encoded.primary_sliver(i))).collect();
    let refs = |range: std::ops::Range<usize>| -> Vec<(usize, &[u8])> {
        slivers.iter().filter(|(i, _)| range.contains(i)).map(|(i, s)| (*i, &**s)).collect()
    };
    let (source, recovery) = (refs(0..rows), refs(n - rows..n));
    let time_decode = |slivers: &[(usize, &[u8])], threads: usize| -> Result<Duration> {
        let start = Instant::now();
        let decoded = decode(&roots, SliverKind::Primary, slivers, threads)?;
        let elapsed = start.elapsed();
        if decoded.data != blob {
            bail!("decoded blob differs from the original: the encoder or decoder is broken");
        }
        Ok(elapsed)
    };
    for _ in 0..runs {
        for (&threads, samples) in thread_counts.iter().zip(&mut samples) {
            samples.decode.push(time_decode(&source, threads)?);
            samples.decode_recovery.push(time_decode(&recovery, threads)?);
            samples.raw.push(raw_reed_solomon_encode_time(config, size, threads)?);
            samples.rs_simd.push(reed_solomon_simd_encode_time(config, size, threads)?);
            samples.hash.push(commitment_hash_time(config, size, threads)?);
        }
    }
    let one_thread_encode = thread_counts.iter().position(|&t| t == 1).map(|i| median(samples[i].encode.clone()));
    Ok(thread_counts
        .iter()
        .zip(samples)
        .map(|(&threads, samples)| {
            let (raw, hash) = (median(samples.raw), median(samples.hash));
            let encode = median(samples.encode);
            Row {
                size_bytes: size,
                n_shards: config.n_shards(),
                threads,
                encode_mb_per_s: mb_per_s(size, encode),
                encode_speed_up: one_thread_encode.map(|one| one.as_secs_f64() / encode.as_secs_f64()),
                kernel_speed_up: speed_up(threads, &samples.kernel),
                decode_mb_per_s: mb_per_s(size, median(samples.decode)),
                decode_from_recovery_mb_per_s: mb_per_s(size, median(samples.decode_recovery)),
                raw_reed_solomon_mb_per_s: mb_per_s(size, raw),
                reed_solomon_simd_mb_per_s: mb_per_s(size, median(samples.rs_simd)),
                commitment_hash_mb_per_s: mb_per_s(size, hash),
                bound_mb_per_s: mb_per_s(size, raw + hash),
                peak_memory_bytes: samples.peak_memory_bytes,
                peak_memory_over_blob: samples.peak_memory_bytes.map(|p| p as f64 / size.max(1) as f64),
            }
        })
        .collect())
}

/// The speed-up on `threads` threads from `(one thread, threads)` samples of work where each thread
/// does what the one thread did ([`kernel_alone_time`]): `threads` times the median one-thread
/// time over the median many-thread time. 1 for one thread.
fn speed_up(threads: usize, samples: &[(Duration, Duration)]) -> f64 {
    if threads <= 1 || samples.is_empty() {
        return 1.0;
    }
    let one = median(samples.iter().map(|s| s.0).collect());
    let many = median(samples.iter().map(|s| s.1).collect());
    threads as f64 * one.as_secs_f64() / many.as_secs_f64()
}

pub(crate) fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{}GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{}MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{}KiB", b >> 10),
        b => format!("{b}B"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_ups_are_the_thread_count_times_the_ratio_of_median_times() {
        let ms = Duration::from_millis;
        assert_eq!(speed_up(1, &[]), 1.0);
        assert_eq!(speed_up(2, &[]), 1.0, "nothing measured");
        // Medians: one thread 10 ms, two threads 12 ms (each thread doing the one thread's work).
        let samples = [(ms(10), ms(12)), (ms(9), ms(20)), (ms(11), ms(11))];
        assert!((speed_up(2, &samples) - 2.0 * 10.0 / 12.0).abs() < 1e-9);
        assert!((speed_up(4, &[(ms(10), ms(10))]) - 4.0).abs() < 1e-9, "no slowdown: the thread count");
    }
}
