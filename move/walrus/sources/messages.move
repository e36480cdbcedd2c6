/// The messages storage nodes sign, and their parsers.
///
/// Every message starts with a 3-byte intent (type, version, app id) and the epoch it was signed
/// in, followed by the type-specific contents; everything is BCS, integers little-endian (byte
/// layouts in docs/chain.md). The intent keeps a signature over one kind of message from being
/// replayed as another, the app id keeps Walrus signatures apart from other uses of the same
/// keys, and the epoch ties a certificate to the committee that produced it.
///
/// Parsing is strict: anything but the exact layout aborts, trailing bytes included, so a byte
/// string means at most one message.
module walrus::messages;

use sui::bcs::{Self, BCS};

/// Intent type of a storage confirmation ("I store my slivers of this blob").
const INTENT_STORAGE_CONFIRMATION: u8 = 0;
/// Intent type of an invalid-blob-id attestation ("this blob id's encoding is inconsistent").
const INTENT_INVALID_BLOB_ID: u8 = 1;
/// Intent type of a proof of possession ("I hold the secret key of this BLS public key").
const INTENT_PROOF_OF_POSSESSION: u8 = 2;
/// The only intent version so far.
const INTENT_VERSION: u8 = 0;
/// Application id of Walrus messages.
const APP_ID: u8 = 3;
/// Persistence tag of a permanent blob.
const PERSISTENCE_PERMANENT: u8 = 0;
/// Persistence tag of a deletable blob; followed by the blob object's id.
const PERSISTENCE_DELETABLE: u8 = 1;

/// Intent (3 bytes) + epoch (4 bytes).
const HEADER_BYTES: u64 = 7;
/// A u256 blob id.
const BLOB_ID_BYTES: u64 = 32;
/// An object id.
const OBJECT_ID_BYTES: u64 = 32;

/// The message ends before its layout does.
const EMessageTooShort: u64 = 0;
/// The intent type is not the one the caller expects.
const EInvalidIntentType: u64 = 1;
/// The intent version is not 0.
const EInvalidIntentVersion: u64 = 2;
/// The app id is not 3.
const EInvalidAppId: u64 = 3;
/// The persistence tag is neither 0 (permanent) nor 1 (deletable).
const EInvalidPersistence: u64 = 4;
/// Bytes remain after the message.
const ETrailingBytes: u64 = 5;

public use fun storage_confirmation_epoch as StorageConfirmation.epoch;
public use fun storage_confirmation_blob_id as StorageConfirmation.blob_id;
public use fun invalid_blob_id_epoch as InvalidBlobIdMessage.epoch;
public use fun invalid_blob_id_blob_id as InvalidBlobIdMessage.blob_id;

/// A parsed storage confirmation.
public struct StorageConfirmation has copy, drop {
    epoch: u32,
    blob_id: u256,
    /// `some(blob object id)` for a deletable blob, `none` for a permanent one.
    object_id: Option<ID>,
}

/// A parsed invalid-blob-id attestation.
public struct InvalidBlobIdMessage has copy, drop {
    epoch: u32,
    blob_id: u256,
}

/// Parses a storage confirmation:
/// `[0, 0, 3] ++ epoch (4) ++ blob_id (32) ++ 0x00` for a permanent blob, or
/// `[0, 0, 3] ++ epoch (4) ++ blob_id (32) ++ 0x01 ++ object_id (32)` for a deletable one.
/// Checks, in order: length >= 7, intent type, intent version, app id, length >= 40, persistence
/// tag, length >= 72 (deletable only), no trailing bytes.
public fun parse_storage_confirmation(message: vector<u8>): StorageConfirmation {
    let len = message.length();
    let mut reader = bcs::new(message);
    let epoch = peel_header(&mut reader, len, INTENT_STORAGE_CONFIRMATION);
    assert!(len >= HEADER_BYTES + BLOB_ID_BYTES + 1, EMessageTooShort);
    let blob_id = reader.peel_u256();
    let tag = reader.peel_u8();
    let object_id = if (tag == PERSISTENCE_PERMANENT) {
        option::none()
    } else if (tag == PERSISTENCE_DELETABLE) {
        assert!(len >= HEADER_BYTES + BLOB_ID_BYTES + 1 + OBJECT_ID_BYTES, EMessageTooShort);
        option::some(object::id_from_address(reader.peel_address()))
    } else {
        abort EInvalidPersistence
    };
    assert!(reader.into_remainder_bytes().is_empty(), ETrailingBytes);
    StorageConfirmation { epoch, blob_id, object_id }
}

/// Parses an invalid-blob-id attestation: `[1, 0, 3] ++ epoch (4) ++ blob_id (32)`.
/// Checks, in order: length >= 7, intent type, intent version, app id, length >= 39, no trailing
/// bytes.
public fun parse_invalid_blob_id(message: vector<u8>): InvalidBlobIdMessage {
    let len = message.length();
    let mut reader = bcs::new(message);
    let epoch = peel_header(&mut reader, len, INTENT_INVALID_BLOB_ID);
    assert!(len >= HEADER_BYTES + BLOB_ID_BYTES, EMessageTooShort);
    let blob_id = reader.peel_u256();
    assert!(reader.into_remainder_bytes().is_empty(), ETrailingBytes);
    InvalidBlobIdMessage { epoch, blob_id }
}

/// Epoch the confirmation was signed in.
public fun storage_confirmation_epoch(self: &StorageConfirmation): u32 {
    self.epoch
}

/// Blob id the confirmation is about.
public fun storage_confirmation_blob_id(self: &StorageConfirmation): u256 {
    self.blob_id
}

/// Whether the confirmation is for a deletable blob.
public fun is_deletable(self: &StorageConfirmation): bool {
    self.object_id.is_some()
}

/// The blob object id of a deletable confirmation, `none` for a permanent one.
public fun object_id(self: &StorageConfirmation): Option<ID> {
    self.object_id
}

/// Epoch the attestation was signed in.
public fun invalid_blob_id_epoch(self: &InvalidBlobIdMessage): u32 {
    self.epoch
}

/// Blob id the attestation declares invalid.
public fun invalid_blob_id_blob_id(self: &InvalidBlobIdMessage): u256 {
    self.blob_id
}

/// The message a storage node signs with its BLS key to prove that it holds the secret key
/// (`staking::register_candidate` checks it): `[2, 0, 3] ++ epoch (u32 LE) ++ sender (32-byte
/// address) ++ public_key (the 48 compressed bytes, no length prefix)`, 87 bytes for a valid
/// key. The sender binds the proof to the account registering, so a proof cannot be replayed
/// to register someone else's key; the epoch binds it to the registration's epoch.
public fun proof_of_possession_message(
    epoch: u32,
    sender: address,
    public_key: vector<u8>,
): vector<u8> {
    let mut bytes = vector[INTENT_PROOF_OF_POSSESSION, INTENT_VERSION, APP_ID];
    bytes.append(bcs::to_bytes(&epoch));
    bytes.append(bcs::to_bytes(&sender));
    bytes.append(public_key);
    bytes
}

/// Reads and checks the intent, returns the epoch.
fun peel_header(reader: &mut BCS, len: u64, intent_type: u8): u32 {
    assert!(len >= HEADER_BYTES, EMessageTooShort);
    assert!(reader.peel_u8() == intent_type, EInvalidIntentType);
    assert!(reader.peel_u8() == INTENT_VERSION, EInvalidIntentVersion);
    assert!(reader.peel_u8() == APP_ID, EInvalidAppId);
    reader.peel_u32()
}

#[test_only]
/// Serializes a storage confirmation (what storage nodes sign).
public fun storage_confirmation_bytes(
    epoch: u32,
    blob_id: u256,
    object_id: Option<ID>,
): vector<u8> {
    let mut bytes = header_bytes(INTENT_STORAGE_CONFIRMATION, epoch);
    bytes.append(bcs::to_bytes(&blob_id));
    if (object_id.is_some()) {
        bytes.push_back(PERSISTENCE_DELETABLE);
        bytes.append(object_id.destroy_some().to_bytes());
    } else {
        bytes.push_back(PERSISTENCE_PERMANENT);
    };
    bytes
}

#[test_only]
/// Serializes an invalid-blob-id attestation.
public fun invalid_blob_id_bytes(epoch: u32, blob_id: u256): vector<u8> {
    let mut bytes = header_bytes(INTENT_INVALID_BLOB_ID, epoch);
    bytes.append(bcs::to_bytes(&blob_id));
    bytes
}

#[test_only]
fun header_bytes(intent_type: u8, epoch: u32): vector<u8> {
    let mut bytes = vector[intent_type, INTENT_VERSION, APP_ID];
    bytes.append(bcs::to_bytes(&epoch));
    bytes
}
