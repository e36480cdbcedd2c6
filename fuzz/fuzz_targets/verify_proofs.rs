//! Arbitrary bytes parsed as recovery symbols, inconsistency proofs and pair metadata must
//! verify only when genuine, and never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use walrus_core::{EncodingConfig, InconsistencyProof, RecoverySymbol, SliverPairMetadata, encode};

fuzz_target!(|input: &[u8]| {
    let config = EncodingConfig::new(7).unwrap();
    let blob = b"fuzzing the proof verifiers";
    let encoded = encode(&config, blob, 1).unwrap();
    let commitment = encoded.metadata().commitment;
    if let Ok(symbol) = bcs::from_bytes::<RecoverySymbol>(input) {
        let _ = symbol.verify(encoded.layout(), &commitment);
    }
    if let Ok(proof) = bcs::from_bytes::<InconsistencyProof>(input) {
        // The blob is consistent, so no proof may verify.
        assert!(proof.verify(&config, &commitment).is_err());
    }
    if let Ok(pair) = bcs::from_bytes::<SliverPairMetadata>(input) {
        if pair.verify(&config, &commitment).is_ok() {
            assert_eq!(pair, encoded.pair_metadata(usize::from(pair.pair_index)));
        }
    }
});
