//! Criterion benchmarks of the encoder and decoder. `walrus bench encoding` is the fuller tool
//! (memory, raw Reed-Solomon bound, several thread counts); these track regressions.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use walrus_core::{EncodingConfig, SliverKind, VerifiedRoots, decode, encode};

fn blob(size: usize) -> Vec<u8> {
    (0..size).map(|i| (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15).to_le_bytes()[7]).collect()
}

fn encoding(c: &mut Criterion) {
    let mut group = c.benchmark_group("encode");
    group.sample_size(10);
    for (n, size) in [(10u16, 1usize << 20), (1000, 1 << 20), (1000, 16 << 20)] {
        let data = blob(size);
        let config = EncodingConfig::new(n).unwrap();
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(BenchmarkId::new(format!("n{n}"), size), &data, |b, data| {
            b.iter(|| encode(&config, data, 1).unwrap())
        });
    }
    group.finish();

    let mut group = c.benchmark_group("decode");
    group.sample_size(10);
    for (n, size) in [(10u16, 1usize << 20), (1000, 16 << 20)] {
        let data = blob(size);
        let config = EncodingConfig::new(n).unwrap();
        let encoded = encode(&config, &data, 1).unwrap();
        let roots = VerifiedRoots::from_metadata(config, encoded.metadata()).unwrap();
        // Source slivers are rows of the blob, borrowed.
        let slivers: Vec<(usize, std::borrow::Cow<'_, [u8]>)> =
            (0..config.secondary_sliver_symbols()).map(|i| (i, encoded.primary_sliver(i))).collect();
        let slivers: Vec<(usize, &[u8])> = slivers.iter().map(|(i, s)| (*i, &**s)).collect();
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function(BenchmarkId::new(format!("n{n}"), size), |b| {
            b.iter(|| decode(&roots, SliverKind::Primary, &slivers, 1).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, encoding);
criterion_main!(benches);
