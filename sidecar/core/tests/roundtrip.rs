//! Encoding, decoding, recovery and corruption detection over many shard counts and sizes.

mod common;

use common::{blob, pair_of, primary_slivers, recovery_symbols, shuffled, sliver_refs};
use proptest::prelude::*;
use walrus_core::{
    EncodingConfig, EncodingError, ExpandedSliver, Recovered, SliverKind, VerifiedRoots, decode, encode, recover_sliver,
};

const SHARD_COUNTS: [u16; 6] = [4, 7, 10, 31, 100, 1000];

fn decode_from_random_subsets(n: u16, size: usize, seed: u64) {
    let config = EncodingConfig::new(n).unwrap();
    let data = blob(size, seed);
    let encoded = encode(&config, &data, 2).unwrap();
    assert_eq!(encoded.metadata().commitment.unencoded_size_bytes, size as u64);
    let roots = VerifiedRoots::from_metadata(config, encoded.metadata()).unwrap();

    let primary = primary_slivers(&encoded, shuffled(config.n(), seed)[..config.secondary_sliver_symbols()].to_vec());
    let decoded = decode(&roots, SliverKind::Primary, &sliver_refs(&primary), 2).unwrap();
    assert_eq!(decoded.data, data, "n={n} size={size} from primary slivers");
    assert!(decoded.rejected.is_empty());

    let gathered: Vec<_> = shuffled(config.n(), seed + 1)[..config.primary_sliver_symbols()]
        .iter()
        .map(|&i| (i, encoded.secondary_sliver(i)))
        .collect();
    let secondary: Vec<(usize, &[u8])> = gathered.iter().map(|(i, sliver)| (*i, &**sliver)).collect();
    let decoded = decode(&roots, SliverKind::Secondary, &secondary, 1).unwrap();
    assert_eq!(decoded.data, data, "n={n} size={size} from secondary slivers");
}

/// Threads take work items from a queue in whatever order they finish them: the encoding, the
/// decoding and the checks must not depend on the thread count.
#[test]
fn thread_count_changes_no_byte() {
    for (n, size) in [(10u16, 100_000usize), (31, 65_537), (100, 12_345), (100, 3_000_000), (1000, 1 << 20)] {
        let config = EncodingConfig::new(n).unwrap();
        let data = blob(size, u64::from(n));
        let one = encode(&config, &data, 1).unwrap();
        let roots = VerifiedRoots::from_metadata(config, one.metadata()).unwrap();
        let rows = config.secondary_sliver_symbols();
        for threads in [2usize, 3, 5] {
            let many = encode(&config, &data, threads).unwrap();
            assert_eq!(many.metadata(), one.metadata(), "n={n} size={size} threads={threads}");
            for i in 0..config.n() {
                assert!(many.primary_sliver(i) == one.primary_sliver(i), "primary {i}, n={n} threads={threads}");
                assert!(many.secondary_sliver(i) == one.secondary_sliver(i), "secondary {i}, n={n} threads={threads}");
            }
            // Recovery slivers only, so that the decoder codes every row.
            let slivers = primary_slivers(&one, config.n() - rows..config.n());
            let decoded = decode(&roots, SliverKind::Primary, &sliver_refs(&slivers), threads).unwrap();
            assert!(decoded.data == data, "decoded, n={n} size={size} threads={threads}");
        }
    }
}

#[test]
fn fixed_sizes_decode_at_every_shard_count() {
    for n in SHARD_COUNTS {
        for size in [0usize, 1, 2, 3, 1001, 65_537] {
            decode_from_random_subsets(n, size, size as u64 + u64::from(n));
        }
    }
}

/// The encoder's sliver roots equal those of each sliver expanded on its own (one codeword at a
/// time, symbol by symbol), at every way the encoder cuts its work: wide stripes of small
/// symbols, narrow stripes, one codeword per stripe, and symbols coded in pieces.
#[test]
fn sliver_roots_equal_slivers_expanded_alone_at_every_stripe_width() {
    for n in [10u16, 31] {
        let config = EncodingConfig::new(n).unwrap();
        let source_symbols = config.primary_sliver_symbols() * config.secondary_sliver_symbols();
        for symbol_size in [6usize, 100, 300, 1500, 3000] {
            let data = blob(source_symbols * symbol_size - 5, u64::from(n) + symbol_size as u64);
            let encoded = encode(&config, &data, 2).unwrap();
            let layout = encoded.layout();
            assert_eq!(layout.symbol_size(), symbol_size, "the blob size picks the symbol size");
            for (p, roots) in encoded.metadata().pairs.iter().enumerate() {
                let primary = ExpandedSliver::new(layout, SliverKind::Primary, p, &encoded.primary_sliver(p)).unwrap();
                assert_eq!(primary.root(), roots.primary, "n {n}, symbol size {symbol_size}, primary {p}");
                let j = config.secondary_index_of_pair(p);
                let secondary =
                    ExpandedSliver::new(layout, SliverKind::Secondary, j, &encoded.secondary_sliver(j)).unwrap();
                assert_eq!(secondary.root(), roots.secondary, "n {n}, symbol size {symbol_size}, secondary {j}");
            }
        }
    }
}

#[test]
fn several_mebibytes_decode() {
    for n in [10u16, 100, 1000] {
        decode_from_random_subsets(n, (3 << 20) + 17, u64::from(n));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn random_sizes_and_subsets_decode(
        n_index in 0usize..5,
        size in prop_oneof![0usize..64, 64usize..5_000, 5_000usize..200_000],
        seed in any::<u64>(),
    ) {
        decode_from_random_subsets(SHARD_COUNTS[n_index], size, seed);
    }

    #[test]
    fn any_flipped_byte_in_a_sliver_is_detected(
        n_index in 0usize..4,
        size in 1usize..20_000,
        seed in any::<u64>(),
        position in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let config = EncodingConfig::new(SHARD_COUNTS[n_index]).unwrap();
        let data = blob(size, seed);
        let encoded = encode(&config, &data, 1).unwrap();
        let roots = VerifiedRoots::from_metadata(config, encoded.metadata()).unwrap();
        let order = shuffled(config.n(), seed);
        let bad = order[0];
        let mut corrupt = encoded.primary_sliver(bad).to_vec();
        let at = position.index(corrupt.len());
        corrupt[at] ^= 1 << bit;
        // The corrupt sliver plus enough good ones: it is set aside and the blob still decodes.
        let good = primary_slivers(&encoded, order[1..=config.secondary_sliver_symbols()].to_vec());
        let mut slivers: Vec<(usize, &[u8])> = vec![(bad, &corrupt)];
        slivers.extend(sliver_refs(&good));
        let decoded = decode(&roots, SliverKind::Primary, &slivers, 1).unwrap();
        prop_assert_eq!(decoded.rejected, vec![bad]);
        prop_assert_eq!(&decoded.data, &data);
        // With only the corrupt one and too few good ones, decoding refuses.
        let too_few = &slivers[..config.secondary_sliver_symbols()];
        let err = decode(&roots, SliverKind::Primary, too_few, 1).unwrap_err();
        prop_assert!(matches!(err, EncodingError::NotEnough { .. }), "{err}");
    }
}

/// Every sliver of every pair can be rebuilt from random subsets of the other nodes.
#[test]
fn every_sliver_recovers_from_random_subsets() {
    for n in [4u16, 7, 10, 31, 100, 1000] {
        let config = EncodingConfig::new(n).unwrap();
        let data = blob(5_000 + usize::from(n), u64::from(n));
        let encoded = encode(&config, &data, 2).unwrap();
        let commitment = encoded.metadata().commitment;
        // Every sliver for small n; a spread sample for large n keeps the test quick.
        let targets: Vec<usize> =
            if n <= 31 { (0..config.n()).collect() } else { vec![0, 1, 2, n as usize / 2, n as usize - 1] };
        for kind in [SliverKind::Primary, SliverKind::Secondary] {
            for &target in &targets {
                let need = walrus_core::recovery::symbols_needed(&config, kind);
                let senders: Vec<usize> = shuffled(config.n(), target as u64 * 7 + 1)
                    .into_iter()
                    .filter(|&i| i != target)
                    .take(need)
                    .collect();
                let symbols = recovery_symbols(&encoded, kind, target, &senders);
                let pair = encoded.pair_metadata(pair_of(&config, kind, target));
                let recovered = recover_sliver(encoded.layout(), &commitment, kind, target, &pair, &symbols).unwrap();
                let expected = encoded.sliver(kind, target);
                match recovered {
                    Recovered::Sliver(sliver) => assert_eq!(sliver[..], *expected, "n={n} {kind:?} {target}"),
                    Recovered::Inconsistent(_) => panic!("consistent blob reported inconsistent"),
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

    /// A flipped bit in a recovery symbol, its proof, or the sender's pair metadata is caught.
    #[test]
    fn corrupt_recovery_symbols_are_rejected(
        seed in any::<u64>(),
        which in 0usize..4,
        position in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let config = EncodingConfig::new(10).unwrap();
        let data = blob(3_000, seed);
        let encoded = encode(&config, &data, 1).unwrap();
        let commitment = encoded.metadata().commitment;
        let target = (seed % 10) as usize;
        let senders: Vec<usize> = (0..10).filter(|&i| i != target).collect();
        let mut symbols = recovery_symbols(&encoded, SliverKind::Secondary, target, &senders);
        let sym = &mut symbols[0];
        match which {
            0 => { let i = position.index(sym.symbol.len()); sym.symbol[i] ^= 1 << bit; }
            1 => { let i = position.index(sym.proof.path.len()); sym.proof.path[i][bit as usize] ^= 1; }
            2 => { sym.source_pair.roots.primary[position.index(32)] ^= 1 << bit; }
            _ => { let i = position.index(sym.source_pair.proof.path.len()); sym.source_pair.proof.path[i][0] ^= 1 << bit; }
        }
        prop_assert!(symbols[0].verify(encoded.layout(), &commitment).is_err());
        // Recovery skips the bad symbol and still succeeds with the others.
        let pair = encoded.pair_metadata(pair_of(&config, SliverKind::Secondary, target));
        let recovered = recover_sliver(encoded.layout(), &commitment, SliverKind::Secondary, target, &pair, &symbols).unwrap();
        match recovered {
            Recovered::Sliver(s) => prop_assert_eq!(&s[..], &*encoded.secondary_sliver(target)),
            Recovered::Inconsistent(_) => prop_assert!(false, "reported inconsistent"),
        }
    }
}

#[test]
fn bad_inputs_give_typed_errors() {
    let config = EncodingConfig::new(10).unwrap();
    let data = blob(500, 1);
    let encoded = encode(&config, &data, 1).unwrap();
    let roots = VerifiedRoots::from_metadata(config, encoded.metadata()).unwrap();
    let s0 = encoded.primary_sliver(0);
    let s0: &[u8] = &s0;
    let short = &s0[..s0.len() - 2];
    assert!(matches!(decode(&roots, SliverKind::Primary, &[(0, short)], 1), Err(EncodingError::WrongLength { .. })));
    assert!(matches!(decode(&roots, SliverKind::Primary, &[(10, s0)], 1), Err(EncodingError::IndexOutOfRange { .. })));
    assert!(matches!(
        decode(&roots, SliverKind::Primary, &[(0, s0), (0, s0)], 1),
        Err(EncodingError::DuplicateIndex { .. })
    ));
    // Pair metadata from another blob does not verify.
    let other_data = blob(500, 2);
    let other = encode(&config, &other_data, 1).unwrap();
    let mut partial = VerifiedRoots::new(config, encoded.metadata().commitment);
    assert!(partial.insert(&other.pair_metadata(3)).is_err());
    assert!(partial.insert(&encoded.pair_metadata(3)).is_ok());
    // Too few known roots to check the result against the commitment.
    let slivers = primary_slivers(&encoded, 0..4);
    let slivers = sliver_refs(&slivers);
    let mut few = VerifiedRoots::new(config, encoded.metadata().commitment);
    for p in 0..4 {
        few.insert(&encoded.pair_metadata(p)).unwrap();
    }
    assert!(matches!(decode(&few, SliverKind::Primary, &slivers, 1), Err(EncodingError::NotEnough { .. })));
    // Exactly n - f known roots suffice.
    for p in 4..7 {
        few.insert(&encoded.pair_metadata(p)).unwrap();
    }
    assert_eq!(decode(&few, SliverKind::Primary, &slivers, 1).unwrap().data, data);
    // Blob too large for the configuration.
    assert!(matches!(config.layout(config.max_blob_size_bytes() + 1), Err(EncodingError::BlobTooLarge { .. })));
}

/// Slivers checked node by node as they arrive, then merged and decoded, give the blob; a
/// corrupt sliver is set aside at its check; slivers checked for another blob are refused.
#[test]
fn slivers_checked_in_parts_decode_like_all_at_once() {
    use walrus_core::{CheckedSlivers, decode_checked};
    let config = EncodingConfig::new(10).unwrap();
    let data = blob(100_000, 5);
    let encoded = encode(&config, &data, 1).unwrap();
    let roots = VerifiedRoots::from_metadata(config, encoded.metadata()).unwrap();
    let mut corrupt = encoded.primary_sliver(6).to_vec();
    corrupt[3] ^= 1;
    // Three "nodes": owned buffers, as a reader receives them.
    let parts: [Vec<(usize, Vec<u8>)>; 3] = [
        vec![(9, encoded.primary_sliver(9).to_vec()), (6, corrupt)],
        vec![(2, encoded.primary_sliver(2).to_vec()), (5, encoded.primary_sliver(5).to_vec())],
        vec![(7, encoded.primary_sliver(7).to_vec()), (2, encoded.primary_sliver(2).to_vec())],
    ];
    let mut checked: Option<CheckedSlivers<Vec<u8>>> = None;
    for part in parts {
        let part = CheckedSlivers::check(&roots, SliverKind::Primary, part, 1).unwrap();
        match &mut checked {
            Some(all) => all.merge(part).unwrap(),
            None => checked = Some(part),
        }
    }
    let checked = checked.unwrap();
    assert_eq!((checked.len(), checked.rejected()), (4, &[6][..]), "9, 2, 5, 7 match; 6 is corrupt");
    let decoded = decode_checked(&roots, &checked, 1).unwrap();
    assert_eq!(decoded.data, data);
    assert_eq!(decoded.rejected, [6]);

    // Another blob's roots or checked slivers do not mix with these.
    let other = encode(&config, b"another blob", 1).unwrap();
    let other_roots = VerifiedRoots::from_metadata(config, other.metadata()).unwrap();
    assert!(matches!(
        decode_checked(&other_roots, &checked, 1).unwrap_err(),
        EncodingError::CheckedForAnotherBlob { .. }
    ));
    let mut mine = CheckedSlivers::check(&roots, SliverKind::Primary, [(0, encoded.primary_sliver(0))], 1).unwrap();
    let theirs = CheckedSlivers::check(&other_roots, SliverKind::Primary, [(0, other.primary_sliver(0))], 1).unwrap();
    assert!(matches!(mine.merge(theirs).unwrap_err(), EncodingError::CheckedForAnotherBlob { .. }));
}
