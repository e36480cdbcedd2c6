/// A registered blob: an owned object binding a blob id to the storage that pays for keeping it.
///
/// Lifecycle: the system registers a blob on a `Storage` covering the current epoch (nodes then
/// accept its slivers), certifies it once a quorum of nodes confirms they store it (from then on
/// the blob is available until `end_epoch`), may extend it, and, for deletable blobs, deletes it
/// and hands the storage back for reuse. The state-changing functions are package-only: the
/// public entry points are in `system`, which supplies the epoch, the committee and the invalid
/// blob ids. Anyone holding a blob may read it, burn it and edit its attributes.
module walrus::blob;

use std::string::String;
use sui::dynamic_field;
use walrus::{
    encoding,
    events,
    messages::StorageConfirmation,
    metadata::{Self, Metadata},
    storage_resource::Storage
};

/// Dynamic field name of a blob's attributes (a `vector<u8>`, so indexers can look it up
/// without knowing any Move type).
const METADATA_KEY: vector<u8> = b"metadata";

/// The blob id is not `encoding::derive_blob_id(root_hash, encoding_type, size)`.
const EWrongBlobId: u64 = 0;
/// The storage starts after the current epoch.
const EStorageNotStarted: u64 = 1;
/// The storage ended at or before the current epoch.
const EStorageExpired: u64 = 2;
/// The storage holds fewer bytes than the blob's encoded size.
const EStorageTooSmall: u64 = 3;
/// The blob is already certified.
const EAlreadyCertified: u64 = 4;
/// The blob's storage ended at or before the current epoch.
const EBlobExpired: u64 = 5;
/// The confirmation was signed in another epoch than the current one.
const EWrongMessageEpoch: u64 = 6;
/// The confirmation is about another blob id.
const EBlobIdMismatch: u64 = 7;
/// The confirmation's persistence (permanent, or deletable with this object id) is not the
/// blob's.
const EPersistenceMismatch: u64 = 8;
/// The blob is not certified.
const ENotCertified: u64 = 9;
/// The blob is not deletable.
const ENotDeletable: u64 = 10;
/// The extension does not start where the blob's storage ends.
const EExtensionNotAdjacent: u64 = 11;
/// The extension's size differs from the blob's storage size.
const EExtensionSizeMismatch: u64 = 12;
/// The blob already has attributes.
const EDuplicateMetadata: u64 = 13;
/// The blob has no attributes.
const EMissingMetadata: u64 = 14;

/// BCS layout, in this order (docs/chain.md): id, registered_epoch, blob_id, root_hash, size,
/// encoding_type, certified_epoch, storage, deletable.
public struct Blob has key, store {
    id: UID,
    /// Epoch of registration.
    registered_epoch: u32,
    /// `derive_blob_id(root_hash, encoding_type, size)`.
    blob_id: u256,
    /// Root of the Merkle tree over the sliver pair metadata.
    root_hash: u256,
    /// Unencoded size in bytes.
    size: u64,
    encoding_type: u8,
    /// Epoch of certification, `none` until certified.
    certified_epoch: Option<u32>,
    /// The storage the blob occupies; its end epoch is the blob's.
    storage: Storage,
    /// Whether the owner may delete the blob before `end_epoch`.
    deletable: bool,
}

/// Registers a blob in `current_epoch` on `storage`. Checks, in order: encoding type
/// (`encoding::EInvalidEncodingType`), blob id (`EWrongBlobId`), storage started
/// (`EStorageNotStarted`), storage not expired (`EStorageExpired`), encoded size
/// (`encoding::EInvalidShardCount`, `encoding::EBlobTooLarge`) fits (`EStorageTooSmall`).
/// Emits `BlobRegistered`.
public(package) fun new(
    storage: Storage,
    blob_id: u256,
    root_hash: u256,
    size: u64,
    encoding_type: u8,
    deletable: bool,
    current_epoch: u32,
    n_shards: u16,
    ctx: &mut TxContext,
): Blob {
    encoding::assert_valid_encoding_type(encoding_type);
    assert!(encoding::derive_blob_id(root_hash, encoding_type, size) == blob_id, EWrongBlobId);
    assert!(storage.start_epoch() <= current_epoch, EStorageNotStarted);
    assert!(current_epoch < storage.end_epoch(), EStorageExpired);
    assert!(encoding::encoded_size_bytes(size, n_shards) <= storage.size(), EStorageTooSmall);

    let id = object::new(ctx);
    events::emit_blob_registered(
        current_epoch,
        blob_id,
        size,
        encoding_type,
        storage.end_epoch(),
        deletable,
        id.to_inner(),
    );
    Blob {
        id,
        registered_epoch: current_epoch,
        blob_id,
        root_hash,
        size,
        encoding_type,
        certified_epoch: option::none(),
        storage,
        deletable,
    }
}

/// Marks the blob certified in `current_epoch`, given a confirmation whose certificate the caller
/// has verified. Checks, in order: `EAlreadyCertified`, `EBlobExpired`, `EWrongMessageEpoch`,
/// `EBlobIdMismatch`, `EPersistenceMismatch`. Emits `BlobCertified` with `is_extension == false`.
public(package) fun certify(
    self: &mut Blob,
    current_epoch: u32,
    confirmation: &StorageConfirmation,
) {
    assert!(self.certified_epoch.is_none(), EAlreadyCertified);
    assert!(current_epoch < self.storage.end_epoch(), EBlobExpired);
    assert!(confirmation.epoch() == current_epoch, EWrongMessageEpoch);
    assert!(confirmation.blob_id() == self.blob_id, EBlobIdMismatch);
    // A deletable blob's confirmation names the object, so it cannot certify another object
    // with the same blob id; a permanent blob's confirmation names none.
    let expected_object_id = if (self.deletable) {
        option::some(self.id.to_inner())
    } else {
        option::none()
    };
    assert!(confirmation.object_id() == expected_object_id, EPersistenceMismatch);

    self.certified_epoch.fill(current_epoch);
    events::emit_blob_certified(
        current_epoch,
        self.blob_id,
        self.storage.end_epoch(),
        self.deletable,
        self.id.to_inner(),
        false,
    );
}

/// Checks that the blob can be extended in `current_epoch`: `ENotCertified`, then `EBlobExpired`.
public(package) fun assert_extendable(self: &Blob, current_epoch: u32) {
    assert!(self.certified_epoch.is_some(), ENotCertified);
    assert!(current_epoch < self.storage.end_epoch(), EBlobExpired);
}

/// Extends the blob with `extension`, which must start where the blob's storage ends and have the
/// same size. Checks, in order: `ENotCertified`, `EBlobExpired`, `EExtensionNotAdjacent`,
/// `EExtensionSizeMismatch`. Emits `BlobCertified` with `is_extension == true`.
public(package) fun extend_with_storage(self: &mut Blob, current_epoch: u32, extension: Storage) {
    self.assert_extendable(current_epoch);
    assert!(extension.start_epoch() == self.storage.end_epoch(), EExtensionNotAdjacent);
    assert!(extension.size() == self.storage.size(), EExtensionSizeMismatch);
    self.storage.fuse_periods(extension);
    self.emit_extended(current_epoch);
}

/// Moves the blob's end epoch to `new_end_epoch`, which the caller has charged for and checked
/// with `assert_extendable`. Emits `BlobCertified` with `is_extension == true`.
public(package) fun extend_end_epoch(self: &mut Blob, current_epoch: u32, new_end_epoch: u32) {
    self.storage.extend_end_epoch(new_end_epoch);
    self.emit_extended(current_epoch);
}

/// Deletes a deletable blob and returns its storage. Aborts with `ENotDeletable` for a permanent
/// blob. Emits `BlobDeleted`.
public(package) fun delete(mut self: Blob, current_epoch: u32): Storage {
    assert!(self.deletable, ENotDeletable);
    self.drop_metadata();
    let Blob { id, blob_id, certified_epoch, storage, .. } = self;
    events::emit_blob_deleted(
        current_epoch,
        blob_id,
        storage.end_epoch(),
        id.to_inner(),
        certified_epoch.is_some(),
    );
    id.delete();
    storage
}

/// Destroys the blob object and its storage. The blob's data is not affected: nodes keep a
/// certified blob until its end epoch (use deletion to end a deletable blob early).
public fun burn(mut self: Blob) {
    self.drop_metadata();
    let Blob { id, storage, .. } = self;
    id.delete();
    storage.destroy();
}

// === Accessors ===

/// The blob object's id.
public fun object_id(self: &Blob): ID {
    self.id.to_inner()
}

public fun registered_epoch(self: &Blob): u32 {
    self.registered_epoch
}

public fun blob_id(self: &Blob): u256 {
    self.blob_id
}

public fun root_hash(self: &Blob): u256 {
    self.root_hash
}

/// Unencoded size in bytes.
public fun size(self: &Blob): u64 {
    self.size
}

public fun encoding_type(self: &Blob): u8 {
    self.encoding_type
}

public fun certified_epoch(self: &Blob): Option<u32> {
    self.certified_epoch
}

public fun is_certified(self: &Blob): bool {
    self.certified_epoch.is_some()
}

public fun storage(self: &Blob): &Storage {
    &self.storage
}

/// The first epoch in which the blob is no longer stored.
public fun end_epoch(self: &Blob): u32 {
    self.storage.end_epoch()
}

public fun is_deletable(self: &Blob): bool {
    self.deletable
}

// === Attributes ===

/// Attaches `metadata`. Aborts with `EDuplicateMetadata` if the blob already has attributes.
public fun add_metadata(self: &mut Blob, metadata: Metadata) {
    assert!(!self.has_metadata(), EDuplicateMetadata);
    dynamic_field::add(&mut self.id, METADATA_KEY, metadata);
}

/// Detaches and returns the attributes. Aborts with `EMissingMetadata` if there are none.
public fun take_metadata(self: &mut Blob): Metadata {
    assert!(self.has_metadata(), EMissingMetadata);
    dynamic_field::remove(&mut self.id, METADATA_KEY)
}

/// Sets one attribute, attaching empty attributes first if the blob has none.
public fun insert_or_update_metadata_pair(self: &mut Blob, key: String, value: String) {
    if (!self.has_metadata()) self.add_metadata(metadata::new());
    self.metadata_mut().insert_or_update(key, value);
}

/// Removes one attribute and returns it. Aborts with `EMissingMetadata` if the blob has no
/// attributes and with `metadata::EKeyNotFound` if the key is absent.
public fun remove_metadata_pair(self: &mut Blob, key: &String): (String, String) {
    self.metadata_mut().remove(key)
}

/// The blob's attributes. Aborts with `EMissingMetadata` if there are none.
public fun metadata(self: &Blob): &Metadata {
    assert!(self.has_metadata(), EMissingMetadata);
    dynamic_field::borrow(&self.id, METADATA_KEY)
}

/// Whether attributes are attached.
public fun has_metadata(self: &Blob): bool {
    dynamic_field::exists_with_type<vector<u8>, Metadata>(&self.id, METADATA_KEY)
}

fun metadata_mut(self: &mut Blob): &mut Metadata {
    assert!(self.has_metadata(), EMissingMetadata);
    dynamic_field::borrow_mut(&mut self.id, METADATA_KEY)
}

/// Removes the attributes, if any, so deleting the blob leaves no orphaned dynamic field.
fun drop_metadata(self: &mut Blob) {
    if (self.has_metadata()) {
        dynamic_field::remove<vector<u8>, Metadata>(&mut self.id, METADATA_KEY);
    }
}

fun emit_extended(self: &Blob, current_epoch: u32) {
    events::emit_blob_certified(
        current_epoch,
        self.blob_id,
        self.storage.end_epoch(),
        self.deletable,
        self.id.to_inner(),
        true,
    );
}

#[test_only]
/// Registers a blob without a system, for tests.
public fun new_for_testing(
    storage: Storage,
    blob_id: u256,
    root_hash: u256,
    size: u64,
    encoding_type: u8,
    deletable: bool,
    current_epoch: u32,
    n_shards: u16,
    ctx: &mut TxContext,
): Blob {
    new(storage, blob_id, root_hash, size, encoding_type, deletable, current_epoch, n_shards, ctx)
}
