//! A writer that encodes inconsistently (one sliver does not belong to the code, but its root
//! is committed) is caught: recovery yields a proof anyone can check, and readers that touch the
//! bad sliver fail instead of returning wrong bytes.

mod common;

use common::{blob, primary_slivers, recovery_symbols, sliver_refs};
use walrus_core::{
    BlobCommitment, BlobMetadata, EncodingConfig, EncodingError, InconsistencyProof, Recovered, SliverKind,
    VerifiedRoots, decode, encode, recover_sliver, sliver::sliver_roots,
};

/// Encodes honestly, then replaces primary sliver `bad` with garbage and recommits, as a
/// malicious writer would. Returns the forged metadata and the forged sliver.
fn forge(config: &EncodingConfig, encoded: &walrus_core::EncodedBlob<'_>, bad: usize) -> (BlobMetadata, Vec<u8>) {
    let mut sliver = encoded.primary_sliver(bad).to_vec();
    for (i, b) in sliver.iter_mut().enumerate() {
        *b ^= (i as u8).wrapping_mul(13) | 1;
    }
    let root = sliver_roots(encoded.layout(), SliverKind::Primary, &[&sliver], 1).unwrap()[0];
    let mut metadata = encoded.metadata().clone();
    metadata.pairs[bad].primary = root;
    metadata.commitment = BlobCommitment { root: metadata.pair_tree().root(), ..metadata.commitment };
    metadata.verify(config).unwrap();
    (metadata, sliver)
}

#[test]
fn inconsistent_writer_is_proven_and_readers_never_return_wrong_bytes() {
    let config = EncodingConfig::new(10).unwrap();
    let data = blob(4_000, 9);
    let encoded = encode(&config, &data, 1).unwrap();
    let bad = 8; // a non-source primary sliver
    let (metadata, forged) = forge(&config, &encoded, bad);
    let commitment = metadata.commitment;
    let tree = metadata.pair_tree();
    let pair_meta = |p: usize| walrus_core::SliverPairMetadata {
        pair_index: p as u16,
        roots: metadata.pairs[p],
        proof: tree.proof(p).unwrap(),
    };

    // Node 3 rebuilds its secondary sliver from primary holders including the forged one.
    let target = config.secondary_index_of_pair(3);
    let senders = [bad, 0, 1, 2];
    let mut symbols = recovery_symbols(&encoded, SliverKind::Secondary, target, &senders);
    let forged_expanded =
        walrus_core::ExpandedSliver::new(encoded.layout(), SliverKind::Primary, bad, &forged).unwrap();
    for (symbol, &sender) in symbols.iter_mut().zip(&senders) {
        let expanded;
        let source = if sender == bad {
            &forged_expanded
        } else {
            expanded = walrus_core::ExpandedSliver::new(
                encoded.layout(),
                SliverKind::Primary,
                sender,
                &encoded.primary_sliver(sender),
            )
            .unwrap();
            &expanded
        };
        *symbol = walrus_core::RecoverySymbol::produce(source, &pair_meta(sender), target).unwrap();
    }
    let recovered =
        recover_sliver(encoded.layout(), &commitment, SliverKind::Secondary, target, &pair_meta(3), &symbols).unwrap();
    let proof = match recovered {
        Recovered::Inconsistent(proof) => proof,
        Recovered::Sliver(_) => panic!("forged sliver went unnoticed"),
    };
    proof.verify(&config, &commitment).unwrap();
    // The proof survives serialization, and a tampered proof does not verify.
    let bytes = bcs::to_bytes(&proof).unwrap();
    let back: InconsistencyProof = bcs::from_bytes(&bytes).unwrap();
    back.verify(&config, &commitment).unwrap();
    let mut tampered = proof.clone();
    tampered.symbols[1].symbol[0] ^= 1;
    assert!(tampered.verify(&config, &commitment).is_err());

    // A reader that uses the forged sliver fails rather than returning other bytes.
    let roots = VerifiedRoots::from_metadata(config, &metadata).unwrap();
    let good = primary_slivers(&encoded, 0..3);
    let mut slivers = sliver_refs(&good);
    slivers.push((bad, &forged));
    assert_eq!(decode(&roots, SliverKind::Primary, &slivers, 1).unwrap_err(), EncodingError::InconsistentEncoding);
}

#[test]
fn a_proof_against_a_consistent_blob_does_not_verify() {
    let config = EncodingConfig::new(7).unwrap();
    let data = blob(999, 3);
    let encoded = encode(&config, &data, 1).unwrap();
    let commitment = encoded.metadata().commitment;
    let target = 2;
    let symbols = recovery_symbols(&encoded, SliverKind::Primary, target, &[0, 1, 3, 4, 6]);
    let proof = InconsistencyProof {
        target_kind: SliverKind::Primary,
        target_index: target as u16,
        target_pair: encoded.pair_metadata(target),
        symbols,
    };
    assert!(matches!(proof.verify(&config, &commitment), Err(EncodingError::InvalidProof { .. })));
}

/// A reader with the source slivers checks the lowest `f` rows beyond them (`n - f` in all),
/// computing only those rows: a forged row among them fails the read; a forged row above them
/// is outside what any reader with these slivers relies on, and the source bytes come back.
#[test]
fn readers_of_source_slivers_check_the_lowest_rows_beyond_them() {
    let config = EncodingConfig::new(10).unwrap(); // n - 2f = 4 source rows, f = 3
    let data = blob(4_000, 3);
    let encoded = encode(&config, &data, 1).unwrap();
    let source = primary_slivers(&encoded, 0..4);
    let source = sliver_refs(&source);
    for (bad, expect_ok) in [(4, false), (6, false), (7, true), (9, true)] {
        let (metadata, _) = forge(&config, &encoded, bad);
        let roots = VerifiedRoots::from_metadata(config, &metadata).unwrap();
        match decode(&roots, SliverKind::Primary, &source, 1) {
            Ok(decoded) => assert!(expect_ok && decoded.data == data, "forged row {bad}"),
            Err(e) => assert!(!expect_ok && e == EncodingError::InconsistentEncoding, "forged row {bad}: {e}"),
        }
    }
}
