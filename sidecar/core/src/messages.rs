//! The messages storage nodes sign, byte for byte as the Move module `walrus::messages` parses
//! them (`docs/chain.md`, "Messages"), and BLS12-381 min_pk signatures over them as Sui's
//! `bls12381_min_pk_verify` checks them.
//!
//! Layout: intent header `[intent_type, intent_version = 0, app_id = 3]`, epoch (u32 LE), then
//! the blob id (32 bytes, the little-endian bytes of the Move `u256`), then for a storage
//! confirmation the persistence: `0` permanent, or `1` deletable followed by the 32-byte object id.

use blst::{
    BLST_ERROR,
    min_pk::{AggregatePublicKey, AggregateSignature, PublicKey, SecretKey, Signature},
};

use crate::{blob_id::BlobId, error::EncodingError};

/// The ciphersuite of Sui's `bls12381_min_pk_verify`: signatures in G2, proof-of-possession-less
/// basic scheme.
pub const BLS_DST: &[u8] = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_";
/// Intent type of a storage confirmation.
pub const INTENT_STORAGE_CONFIRMATION: u8 = 0;
/// Intent type of an invalid-blob message.
pub const INTENT_INVALID_BLOB: u8 = 1;
/// Intent type of a proof of possession of a BLS key (`staking::register_candidate`).
pub const INTENT_PROOF_OF_POSSESSION: u8 = 2;
/// The only intent version.
pub const INTENT_VERSION: u8 = 0;
/// The application id of the storage protocol.
pub const APP_ID_STORAGE: u8 = 3;
/// Bytes of a compressed public key (G1).
pub const PUBLIC_KEY_BYTES: usize = 48;
/// Bytes of a compressed signature (G2).
pub const SIGNATURE_BYTES: usize = 96;

/// Whether a stored blob can be deleted by its owner, as the confirmation states.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlobPersistence {
    /// Cannot be deleted before it expires.
    Permanent,
    /// Deletable; bound to the on-chain Blob object with this id.
    Deletable {
        /// The Blob object's id.
        object_id: [u8; 32],
    },
}

/// "I store my slivers of this blob", signed by a storage node for the current epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StorageConfirmation {
    /// The epoch the confirmation is for.
    pub epoch: u32,
    /// The blob.
    pub blob_id: BlobId,
    /// Permanent or deletable.
    pub persistence: BlobPersistence,
}

impl StorageConfirmation {
    /// The signed bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = header(INTENT_STORAGE_CONFIRMATION, self.epoch);
        out.extend_from_slice(&self.blob_id.0);
        match self.persistence {
            BlobPersistence::Permanent => out.push(0),
            BlobPersistence::Deletable { object_id } => {
                out.push(1);
                out.extend_from_slice(&object_id);
            }
        }
        out
    }
}

/// "This blob id is invalid", signed when a node holds an inconsistency proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidBlobMessage {
    /// The epoch of the attestation.
    pub epoch: u32,
    /// The invalid blob.
    pub blob_id: BlobId,
}

impl InvalidBlobMessage {
    /// The signed bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = header(INTENT_INVALID_BLOB, self.epoch);
        out.extend_from_slice(&self.blob_id.0);
        out
    }
}

/// "I hold the secret key of this public key", signed by a storage node with that key when it
/// registers a staking pool. Binding the sender keeps a proof from being replayed by another
/// account; binding the epoch keeps it to the registration's epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProofOfPossessionMessage {
    /// The epoch of the registration.
    pub epoch: u32,
    /// The Sui address that registers (the transaction's sender).
    pub sender: [u8; 32],
    /// The compressed public key.
    pub public_key: [u8; PUBLIC_KEY_BYTES],
}

impl ProofOfPossessionMessage {
    /// The signed bytes: header (intent 2), the sender's 32 bytes, the 48 key bytes (87 bytes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = header(INTENT_PROOF_OF_POSSESSION, self.epoch);
        out.extend_from_slice(&self.sender);
        out.extend_from_slice(&self.public_key);
        out
    }
}

fn header(intent_type: u8, epoch: u32) -> Vec<u8> {
    let mut out = vec![intent_type, INTENT_VERSION, APP_ID_STORAGE];
    out.extend_from_slice(&epoch.to_le_bytes());
    out
}

/// A storage node's BLS12-381 protocol key.
pub struct ProtocolKeyPair {
    secret: SecretKey,
    public: [u8; PUBLIC_KEY_BYTES],
}

impl ProtocolKeyPair {
    /// The key pair for a 32-byte big-endian secret scalar.
    pub fn from_secret_bytes(bytes: &[u8]) -> Result<Self, EncodingError> {
        let secret = SecretKey::from_bytes(bytes).map_err(|e| EncodingError::Malformed {
            what: "BLS secret key",
            reason: format!("{e:?}; expected 32 big-endian bytes of a non-zero scalar below the group order"),
        })?;
        let public = secret.sk_to_pk().compress();
        Ok(Self { secret, public })
    }

    /// A key pair derived from at least 32 bytes of input key material (IETF KeyGen).
    pub fn derive(ikm: &[u8]) -> Result<Self, EncodingError> {
        let secret = SecretKey::key_gen(ikm, &[]).map_err(|e| EncodingError::Malformed {
            what: "BLS key material",
            reason: format!("{e:?}; provide at least 32 random bytes"),
        })?;
        let public = secret.sk_to_pk().compress();
        Ok(Self { secret, public })
    }

    /// The 32-byte big-endian secret scalar.
    pub fn secret_bytes(&self) -> [u8; 32] {
        self.secret.to_bytes()
    }

    /// The compressed public key.
    pub fn public_key(&self) -> [u8; PUBLIC_KEY_BYTES] {
        self.public
    }

    /// Signs `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; SIGNATURE_BYTES] {
        self.secret.sign(message, BLS_DST, &[]).compress()
    }

    /// The proof of possession of this key for a pool registration by `sender` in `epoch`: the
    /// signature over [`ProofOfPossessionMessage`].
    pub fn proof_of_possession(&self, epoch: u32, sender: [u8; 32]) -> [u8; SIGNATURE_BYTES] {
        self.sign(&ProofOfPossessionMessage { epoch, sender, public_key: self.public }.to_bytes())
    }
}

fn malformed(what: &'static str, e: BLST_ERROR) -> EncodingError {
    EncodingError::Malformed { what, reason: format!("{e:?}") }
}

/// Aggregates signatures over the same message into one.
pub fn aggregate_signatures(signatures: &[[u8; SIGNATURE_BYTES]]) -> Result<[u8; SIGNATURE_BYTES], EncodingError> {
    let parsed: Vec<Signature> = signatures
        .iter()
        .map(|s| Signature::sig_validate(s, true).map_err(|e| malformed("BLS signature", e)))
        .collect::<Result<_, _>>()?;
    let refs: Vec<&Signature> = parsed.iter().collect();
    let aggregate = AggregateSignature::aggregate(&refs, false).map_err(|e| malformed("BLS signatures", e))?;
    Ok(aggregate.to_signature().compress())
}

/// Aggregates public keys (the signers' keys of an aggregate signature).
pub fn aggregate_public_keys(keys: &[[u8; PUBLIC_KEY_BYTES]]) -> Result<[u8; PUBLIC_KEY_BYTES], EncodingError> {
    let parsed: Vec<PublicKey> = keys
        .iter()
        .map(|k| PublicKey::key_validate(k).map_err(|e| malformed("BLS public key", e)))
        .collect::<Result<_, _>>()?;
    let refs: Vec<&PublicKey> = parsed.iter().collect();
    let aggregate = AggregatePublicKey::aggregate(&refs, false).map_err(|e| malformed("BLS public keys", e))?;
    Ok(aggregate.to_public_key().compress())
}

/// True when `signature` is a valid signature of `message` under `public_key` (which may be an
/// aggregate of the signers' keys), as `sui::bls12381::bls12381_min_pk_verify` decides.
pub fn verify(public_key: &[u8; PUBLIC_KEY_BYTES], message: &[u8], signature: &[u8; SIGNATURE_BYTES]) -> bool {
    let (Ok(pk), Ok(sig)) = (PublicKey::key_validate(public_key), Signature::sig_validate(signature, true)) else {
        return false;
    };
    sig.verify(true, message, BLS_DST, &[], &pk, false) == BLST_ERROR::BLST_SUCCESS
}
