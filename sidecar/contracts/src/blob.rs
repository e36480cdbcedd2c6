//! `walrus::blob`: the `Blob` object, its certification, extension, deletion and attributes.
//! Registration and the rest are reached through `system`, as in Move.

use serde::{Deserialize, Serialize};

use crate::{
    abort::{AbortCode, MoveAbort, MoveResult, ensure},
    encoding,
    events::{BlobCertified, BlobDeleted, BlobRegistered, Event},
    framework::{ObjectId, TxContext, U256},
    messages::StorageConfirmation,
    metadata::Metadata,
    storage_resource::Storage,
};

const MODULE: &str = "walrus::blob";
/// Blob id != derive_blob_id(root_hash, encoding_type, size).
pub const E_WRONG_BLOB_ID: AbortCode = AbortCode::new(MODULE, "EWrongBlobId", 0);
/// Storage starts after the current epoch.
pub const E_STORAGE_NOT_STARTED: AbortCode = AbortCode::new(MODULE, "EStorageNotStarted", 1);
/// Storage ended at or before the current epoch.
pub const E_STORAGE_EXPIRED: AbortCode = AbortCode::new(MODULE, "EStorageExpired", 2);
/// Storage smaller than the encoded size.
pub const E_STORAGE_TOO_SMALL: AbortCode = AbortCode::new(MODULE, "EStorageTooSmall", 3);
/// Already certified.
pub const E_ALREADY_CERTIFIED: AbortCode = AbortCode::new(MODULE, "EAlreadyCertified", 4);
/// The blob's end epoch is past.
pub const E_BLOB_EXPIRED: AbortCode = AbortCode::new(MODULE, "EBlobExpired", 5);
/// Confirmation not from the current epoch.
pub const E_WRONG_MESSAGE_EPOCH: AbortCode = AbortCode::new(MODULE, "EWrongMessageEpoch", 6);
/// Confirmation for another blob id.
pub const E_BLOB_ID_MISMATCH: AbortCode = AbortCode::new(MODULE, "EBlobIdMismatch", 7);
/// Confirmation persistence or object id differs from the blob's.
pub const E_PERSISTENCE_MISMATCH: AbortCode = AbortCode::new(MODULE, "EPersistenceMismatch", 8);
/// Extending an uncertified blob.
pub const E_NOT_CERTIFIED: AbortCode = AbortCode::new(MODULE, "ENotCertified", 9);
/// Deleting a permanent blob.
pub const E_NOT_DELETABLE: AbortCode = AbortCode::new(MODULE, "ENotDeletable", 10);
/// Extension does not start at the blob's end.
pub const E_EXTENSION_NOT_ADJACENT: AbortCode = AbortCode::new(MODULE, "EExtensionNotAdjacent", 11);
/// Extension of another size.
pub const E_EXTENSION_SIZE_MISMATCH: AbortCode = AbortCode::new(MODULE, "EExtensionSizeMismatch", 12);
/// Attributes already present.
pub const E_DUPLICATE_METADATA: AbortCode = AbortCode::new(MODULE, "EDuplicateMetadata", 13);
/// No attributes.
pub const E_MISSING_METADATA: AbortCode = AbortCode::new(MODULE, "EMissingMetadata", 14);

/// `Blob` (159 BCS bytes, 163 certified). Attributes live in a dynamic field named
/// `b"metadata"`, kept here beside the struct and stored by the chain as a child object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blob {
    /// Object id.
    pub id: ObjectId,
    /// Epoch of registration.
    pub registered_epoch: u32,
    /// The blob id.
    pub blob_id: U256,
    /// The blob root.
    pub root_hash: U256,
    /// Unencoded size.
    pub size: u64,
    /// Encoding type.
    pub encoding_type: u8,
    /// Epoch of certification.
    pub certified_epoch: Option<u32>,
    /// The storage the blob occupies.
    pub storage: Storage,
    /// Deletable or permanent.
    pub deletable: bool,
    /// The `b"metadata"` dynamic field (not part of the BCS bytes).
    #[serde(skip)]
    pub metadata: Option<Metadata>,
}

impl Blob {
    /// `new` (package-only): checks, in order, `encoding::EInvalidEncodingType`, `EWrongBlobId`,
    /// `EStorageNotStarted`, `EStorageExpired`, `encoding::{EInvalidShardCount, EBlobTooLarge}`,
    /// `EStorageTooSmall`; emits `BlobRegistered`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        storage: Storage,
        blob_id: U256,
        root_hash: U256,
        size: u64,
        encoding_type: u8,
        deletable: bool,
        current_epoch: u32,
        n_shards: u16,
        ctx: &mut TxContext,
    ) -> MoveResult<Self> {
        encoding::assert_valid_encoding_type(encoding_type)?;
        ensure(encoding::derive_blob_id(root_hash, encoding_type, size) == blob_id, E_WRONG_BLOB_ID)?;
        ensure(storage.start_epoch() <= current_epoch, E_STORAGE_NOT_STARTED)?;
        ensure(current_epoch < storage.end_epoch(), E_STORAGE_EXPIRED)?;
        ensure(encoding::encoded_size_bytes(size, n_shards)? <= storage.size(), E_STORAGE_TOO_SMALL)?;
        let id = ctx.fresh_id();
        ctx.emit(Event::BlobRegistered(BlobRegistered {
            epoch: current_epoch,
            blob_id,
            size,
            encoding_type,
            end_epoch: storage.end_epoch(),
            deletable,
            object_id: id,
        }));
        Ok(Self {
            id,
            registered_epoch: current_epoch,
            blob_id,
            root_hash,
            size,
            encoding_type,
            certified_epoch: None,
            storage,
            deletable,
            metadata: None,
        })
    }

    /// `certify` (package-only).
    pub fn certify(
        &mut self,
        current_epoch: u32,
        confirmation: &StorageConfirmation,
        ctx: &mut TxContext,
    ) -> MoveResult<()> {
        ensure(self.certified_epoch.is_none(), E_ALREADY_CERTIFIED)?;
        ensure(current_epoch < self.storage.end_epoch(), E_BLOB_EXPIRED)?;
        ensure(confirmation.epoch == current_epoch, E_WRONG_MESSAGE_EPOCH)?;
        ensure(confirmation.blob_id == self.blob_id, E_BLOB_ID_MISMATCH)?;
        let expected_object_id = self.deletable.then_some(self.id);
        ensure(confirmation.object_id == expected_object_id, E_PERSISTENCE_MISMATCH)?;
        self.certified_epoch = Some(current_epoch);
        self.emit_certified(current_epoch, false, ctx);
        Ok(())
    }

    /// `assert_extendable` (package-only).
    pub fn assert_extendable(&self, current_epoch: u32) -> MoveResult<()> {
        ensure(self.certified_epoch.is_some(), E_NOT_CERTIFIED)?;
        ensure(current_epoch < self.storage.end_epoch(), E_BLOB_EXPIRED)
    }

    /// `extend_with_storage` (package-only).
    pub fn extend_with_storage(
        &mut self,
        current_epoch: u32,
        extension: Storage,
        ctx: &mut TxContext,
    ) -> MoveResult<()> {
        self.assert_extendable(current_epoch)?;
        ensure(extension.start_epoch() == self.storage.end_epoch(), E_EXTENSION_NOT_ADJACENT)?;
        ensure(extension.size() == self.storage.size(), E_EXTENSION_SIZE_MISMATCH)?;
        self.storage.fuse_periods(extension)?;
        self.emit_certified(current_epoch, true, ctx);
        Ok(())
    }

    /// `extend_end_epoch` (package-only).
    pub fn extend_end_epoch(&mut self, current_epoch: u32, new_end_epoch: u32, ctx: &mut TxContext) -> MoveResult<()> {
        self.storage.extend_end_epoch(new_end_epoch)?;
        self.emit_certified(current_epoch, true, ctx);
        Ok(())
    }

    /// `delete` (package-only): returns the storage; emits `BlobDeleted`.
    pub fn delete(self, current_epoch: u32, ctx: &mut TxContext) -> MoveResult<Storage> {
        ensure(self.deletable, E_NOT_DELETABLE)?;
        ctx.emit(Event::BlobDeleted(BlobDeleted {
            epoch: current_epoch,
            blob_id: self.blob_id,
            end_epoch: self.storage.end_epoch(),
            object_id: self.id,
            was_certified: self.certified_epoch.is_some(),
        }));
        Ok(self.storage)
    }

    /// `burn`: destroys the blob, its storage and its attributes.
    pub fn burn(self) {}

    /// `end_epoch`.
    pub fn end_epoch(&self) -> u32 {
        self.storage.end_epoch()
    }

    /// `is_certified`.
    pub fn is_certified(&self) -> bool {
        self.certified_epoch.is_some()
    }

    /// `add_metadata`.
    pub fn add_metadata(&mut self, metadata: Metadata) -> MoveResult<()> {
        ensure(self.metadata.is_none(), E_DUPLICATE_METADATA)?;
        self.metadata = Some(metadata);
        Ok(())
    }

    /// `take_metadata`.
    pub fn take_metadata(&mut self) -> MoveResult<Metadata> {
        self.metadata.take().ok_or(MoveAbort(E_MISSING_METADATA))
    }

    /// `insert_or_update_metadata_pair`.
    pub fn insert_or_update_metadata_pair(&mut self, key: String, value: String) {
        self.metadata.get_or_insert_with(Metadata::new).insert_or_update(key, value);
    }

    /// `remove_metadata_pair`.
    pub fn remove_metadata_pair(&mut self, key: &String) -> MoveResult<(String, String)> {
        self.metadata.as_mut().ok_or(MoveAbort(E_MISSING_METADATA))?.remove(key)
    }

    /// `metadata`.
    pub fn metadata(&self) -> MoveResult<&Metadata> {
        self.metadata.as_ref().ok_or(MoveAbort(E_MISSING_METADATA))
    }

    /// `has_metadata`.
    pub fn has_metadata(&self) -> bool {
        self.metadata.is_some()
    }

    fn emit_certified(&self, current_epoch: u32, is_extension: bool, ctx: &mut TxContext) {
        ctx.emit(Event::BlobCertified(BlobCertified {
            epoch: current_epoch,
            blob_id: self.blob_id,
            end_epoch: self.storage.end_epoch(),
            deletable: self.deletable,
            object_id: self.id,
            is_extension,
        }));
    }
}
