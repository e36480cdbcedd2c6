//! `walrus::messages`: parsing the signed messages (`docs/chain.md` §5), with the same checks in
//! the same order. The bytes are produced by `walrus_core::messages`.

use crate::{
    abort::{AbortCode, MoveResult, ensure},
    framework::{ObjectId, U256},
};

const MODULE: &str = "walrus::messages";
/// Message shorter than its layout.
pub const E_MESSAGE_TOO_SHORT: AbortCode = AbortCode::new(MODULE, "EMessageTooShort", 0);
/// Wrong intent type for the parser.
pub const E_INVALID_INTENT_TYPE: AbortCode = AbortCode::new(MODULE, "EInvalidIntentType", 1);
/// Intent version != 0.
pub const E_INVALID_INTENT_VERSION: AbortCode = AbortCode::new(MODULE, "EInvalidIntentVersion", 2);
/// App id != 3.
pub const E_INVALID_APP_ID: AbortCode = AbortCode::new(MODULE, "EInvalidAppId", 3);
/// Persistence tag not 0 or 1.
pub const E_INVALID_PERSISTENCE: AbortCode = AbortCode::new(MODULE, "EInvalidPersistence", 4);
/// Bytes after the message.
pub const E_TRAILING_BYTES: AbortCode = AbortCode::new(MODULE, "ETrailingBytes", 5);

use walrus_core::messages::{APP_ID_STORAGE, INTENT_INVALID_BLOB, INTENT_STORAGE_CONFIRMATION, INTENT_VERSION};

const HEADER_BYTES: usize = 7;

/// A parsed storage confirmation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StorageConfirmation {
    /// Epoch of the signature.
    pub epoch: u32,
    /// The blob id.
    pub blob_id: U256,
    /// The Blob object id for a deletable blob.
    pub object_id: Option<ObjectId>,
}

/// A parsed invalid-blob-id attestation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidBlobIdMessage {
    /// Epoch of the signature.
    pub epoch: u32,
    /// The invalid blob id.
    pub blob_id: U256,
}

/// A cursor over message bytes, like `sui::bcs::BCS`.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        // Lengths are checked before every read, as in the Move parser.
        let (head, rest) = self.bytes.split_at(N);
        self.bytes = rest;
        head.try_into().expect("split at N")
    }
}

fn peel_header(reader: &mut Reader<'_>, len: usize, intent_type: u8) -> MoveResult<u32> {
    ensure(len >= HEADER_BYTES, E_MESSAGE_TOO_SHORT)?;
    ensure(reader.take::<1>()[0] == intent_type, E_INVALID_INTENT_TYPE)?;
    ensure(reader.take::<1>()[0] == INTENT_VERSION, E_INVALID_INTENT_VERSION)?;
    ensure(reader.take::<1>()[0] == APP_ID_STORAGE, E_INVALID_APP_ID)?;
    Ok(u32::from_le_bytes(reader.take::<4>()))
}

/// `parse_storage_confirmation`.
pub fn parse_storage_confirmation(message: &[u8]) -> MoveResult<StorageConfirmation> {
    let len = message.len();
    let mut reader = Reader { bytes: message };
    let epoch = peel_header(&mut reader, len, INTENT_STORAGE_CONFIRMATION)?;
    // At least the blob id and the persistence tag.
    ensure(len > HEADER_BYTES + 32, E_MESSAGE_TOO_SHORT)?;
    let blob_id = U256(reader.take::<32>());
    let object_id = match reader.take::<1>()[0] {
        0 => None,
        1 => {
            ensure(len >= HEADER_BYTES + 32 + 1 + 32, E_MESSAGE_TOO_SHORT)?;
            Some(ObjectId(reader.take::<32>()))
        }
        _ => return Err(crate::abort::MoveAbort(E_INVALID_PERSISTENCE)),
    };
    ensure(reader.bytes.is_empty(), E_TRAILING_BYTES)?;
    Ok(StorageConfirmation { epoch, blob_id, object_id })
}

/// `parse_invalid_blob_id`.
pub fn parse_invalid_blob_id(message: &[u8]) -> MoveResult<InvalidBlobIdMessage> {
    let len = message.len();
    let mut reader = Reader { bytes: message };
    let epoch = peel_header(&mut reader, len, INTENT_INVALID_BLOB)?;
    ensure(len >= HEADER_BYTES + 32, E_MESSAGE_TOO_SHORT)?;
    let blob_id = U256(reader.take::<32>());
    ensure(reader.bytes.is_empty(), E_TRAILING_BYTES)?;
    Ok(InvalidBlobIdMessage { epoch, blob_id })
}

/// `proof_of_possession_message`: `[2, 0, 3] ++ epoch (u32 LE) ++ sender (32) ++ public_key`
/// (the key's bytes as given, no length prefix); what `walrus_core::messages::
/// ProofOfPossessionMessage` produces for a 48-byte key.
pub fn proof_of_possession_message(epoch: u32, sender: ObjectId, public_key: &[u8]) -> Vec<u8> {
    let mut bytes = vec![walrus_core::messages::INTENT_PROOF_OF_POSSESSION, INTENT_VERSION, APP_ID_STORAGE];
    bytes.extend_from_slice(&epoch.to_le_bytes());
    bytes.extend_from_slice(&sender.0);
    bytes.extend_from_slice(public_key);
    bytes
}
