//! The signed messages and BLS signatures of this crate agree byte for byte with the independent
//! Python (py_ecc) vectors in `tests/vectors/certificates.json`, which the Move tests embed.

use std::path::PathBuf;

use serde::Deserialize;
use walrus_core::{
    BlobId,
    messages::{
        BlobPersistence, InvalidBlobMessage, ProtocolKeyPair, StorageConfirmation, aggregate_public_keys,
        aggregate_signatures, verify,
    },
};

#[derive(Deserialize)]
struct Vectors {
    ciphersuite: String,
    committee: Vec<Member>,
    messages: Vec<Message>,
}

#[derive(Deserialize)]
struct Member {
    secret_key_hex: String,
    public_key_hex: String,
}

#[derive(Deserialize)]
struct Message {
    name: String,
    intent_type: u8,
    epoch: u32,
    encoding_type: u8,
    unencoded_size: u64,
    root_hash_hex: String,
    blob_id_hex: String,
    deletable: Option<bool>,
    object_id_hex: Option<String>,
    message_hex: String,
    certificates: Vec<Certificate>,
}

#[derive(Deserialize)]
struct Certificate {
    name: String,
    signers: Vec<usize>,
    aggregate_public_key_hex: String,
    signature_hex: String,
}

fn array<const N: usize>(hex_text: &str) -> [u8; N] {
    hex::decode(hex_text).unwrap().try_into().unwrap()
}

#[test]
fn messages_and_signatures_match_the_independent_vectors() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/certificates.json");
    let vectors: Vectors = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(vectors.ciphersuite.as_bytes(), walrus_core::messages::BLS_DST);
    let keys: Vec<ProtocolKeyPair> = vectors
        .committee
        .iter()
        .map(|m| {
            let key = ProtocolKeyPair::from_secret_bytes(&hex::decode(&m.secret_key_hex).unwrap()).unwrap();
            assert_eq!(hex::encode(key.public_key()), m.public_key_hex);
            key
        })
        .collect();
    assert!(!vectors.messages.is_empty());
    for m in &vectors.messages {
        let root: [u8; 32] = array(&m.root_hash_hex);
        let blob_id = BlobId::derive(m.encoding_type, m.unencoded_size, &root);
        assert_eq!(hex::encode(blob_id.0), m.blob_id_hex, "{}", m.name);
        let bytes = match m.intent_type {
            0 => StorageConfirmation {
                epoch: m.epoch,
                blob_id,
                persistence: match (m.deletable, &m.object_id_hex) {
                    (Some(true), Some(id)) => BlobPersistence::Deletable { object_id: array(id) },
                    _ => BlobPersistence::Permanent,
                },
            }
            .to_bytes(),
            1 => InvalidBlobMessage { epoch: m.epoch, blob_id }.to_bytes(),
            other => panic!("unknown intent type {other}"),
        };
        assert_eq!(hex::encode(&bytes), m.message_hex, "{}", m.name);
        for cert in &m.certificates {
            let signatures: Vec<_> = cert.signers.iter().map(|&i| keys[i].sign(&bytes)).collect();
            let aggregate = aggregate_signatures(&signatures).unwrap();
            assert_eq!(hex::encode(aggregate), cert.signature_hex, "{} {}", m.name, cert.name);
            let public_keys: Vec<_> = cert.signers.iter().map(|&i| keys[i].public_key()).collect();
            let aggregate_key = aggregate_public_keys(&public_keys).unwrap();
            assert_eq!(hex::encode(aggregate_key), cert.aggregate_public_key_hex);
            assert!(verify(&aggregate_key, &bytes, &aggregate));
            // Another message, or a key set missing a signer, does not verify.
            let mut other = bytes.clone();
            other[3] ^= 1;
            assert!(!verify(&aggregate_key, &other, &aggregate));
            if public_keys.len() > 1 {
                let fewer = aggregate_public_keys(&public_keys[1..]).unwrap();
                assert!(!verify(&fewer, &bytes, &aggregate));
            }
        }
    }
}

#[test]
fn proof_of_possession_signs_the_documented_layout() {
    // docs/chain.md §5: [2, 0, 3] ++ epoch (LE) ++ sender (32) ++ public key (48) = 87 bytes.
    let key = ProtocolKeyPair::from_secret_bytes(&[[0u8; 31].as_slice(), &[5]].concat()).unwrap();
    let sender = [0xCA; 32];
    let message = walrus_core::messages::ProofOfPossessionMessage { epoch: 7, sender, public_key: key.public_key() };
    let bytes = message.to_bytes();
    assert_eq!(bytes.len(), 87);
    assert_eq!(&bytes[..7], &[2, 0, 3, 7, 0, 0, 0]);
    assert_eq!(&bytes[7..39], &sender);
    assert_eq!(&bytes[39..], &key.public_key());
    let proof = key.proof_of_possession(7, sender);
    assert!(verify(&key.public_key(), &bytes, &proof));
    // Bound to the epoch and the sender: another of either does not verify.
    let other_epoch = walrus_core::messages::ProofOfPossessionMessage { epoch: 8, ..message }.to_bytes();
    assert!(!verify(&key.public_key(), &other_epoch, &proof));
    let other_sender = walrus_core::messages::ProofOfPossessionMessage { sender: [0xB0; 32], ..message }.to_bytes();
    assert!(!verify(&key.public_key(), &other_sender, &proof));
}
