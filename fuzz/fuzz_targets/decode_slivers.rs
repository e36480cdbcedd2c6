//! Arbitrary slivers (lengths, indices, bytes) fed to the decoder must give a result or a typed
//! error, never a panic, and a successful decode must return the original blob.
#![no_main]

use libfuzzer_sys::fuzz_target;
use walrus_core::{EncodingConfig, SliverKind, VerifiedRoots, decode, encode};

fuzz_target!(|input: &[u8]| {
    let Some((&control, rest)) = input.split_first() else { return };
    let config = EncodingConfig::new(4 + u16::from(control % 8)).unwrap();
    let blob: Vec<u8> = rest.iter().take(300).copied().collect();
    let encoded = encode(&config, &blob, 1).unwrap();
    let roots = VerifiedRoots::from_metadata(config, encoded.metadata()).unwrap();
    let kind = if control & 0x80 == 0 { SliverKind::Primary } else { SliverKind::Secondary };
    // Slivers: genuine ones, overwritten by fuzzer bytes where the input says so.
    let mut owned: Vec<(usize, Vec<u8>)> = Vec::new();
    for chunk in rest.chunks(7).take(config.n() + 2) {
        let index = usize::from(chunk[0]) % (config.n() + 1);
        let mut sliver = match (kind, index < config.n()) {
            (SliverKind::Primary, true) => encoded.primary_sliver(index).to_vec(),
            (SliverKind::Secondary, true) => encoded.secondary_sliver(index).to_vec(),
            _ => chunk.to_vec(),
        };
        if chunk.len() > 2 && chunk[1] % 3 == 0 && !sliver.is_empty() {
            let at = usize::from(chunk[2]) % sliver.len();
            sliver[at] ^= chunk.get(3).copied().unwrap_or(1) | 1;
        }
        if chunk.len() > 4 && chunk[4] % 5 == 0 {
            sliver.truncate(usize::from(chunk[4]) % (sliver.len() + 1));
        }
        owned.push((index, sliver));
    }
    let slivers: Vec<(usize, &[u8])> = owned.iter().map(|(i, s)| (*i, &s[..])).collect();
    if let Ok(decoded) = decode(&roots, kind, &slivers, 1) {
        assert_eq!(decoded.data, blob);
    }
});
