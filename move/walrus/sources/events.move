/// Events: how storage nodes and indexers learn what happened on chain.
///
/// Nodes do not read blob objects; they follow these events. Every event therefore carries all
/// a node needs to act on it without a further lookup: which blob (id and object id), until when
/// it must be stored (end epoch), and whether it can disappear early (deletable). Sui requires an
/// event type to be emitted from its own module, hence the emit functions here. Field order is the
/// BCS layout (docs/chain.md).
module walrus::events;

use sui::event;

/// A blob was registered: nodes should expect its slivers.
public struct BlobRegistered has copy, drop {
    epoch: u32,
    blob_id: u256,
    size: u64,
    encoding_type: u8,
    end_epoch: u32,
    deletable: bool,
    object_id: ID,
}

/// A blob was certified (`is_extension == false`) or the storage of a certified blob was extended
/// to `end_epoch` (`is_extension == true`).
public struct BlobCertified has copy, drop {
    epoch: u32,
    blob_id: u256,
    end_epoch: u32,
    deletable: bool,
    object_id: ID,
    is_extension: bool,
}

/// A deletable blob was deleted: nodes may drop its slivers unless another live blob object has
/// the same blob id.
public struct BlobDeleted has copy, drop {
    epoch: u32,
    blob_id: u256,
    end_epoch: u32,
    object_id: ID,
    was_certified: bool,
}

/// A blob id was proven invalid (its encoding is inconsistent): nodes may drop its slivers, and it
/// can never be registered or certified again.
public struct InvalidBlobId has copy, drop {
    epoch: u32,
    blob_id: u256,
}

/// The system moved to `epoch`; `released_funds` WAL (base units) paid for the finished epoch
/// moved to the rewards balance.
public struct EpochAdvanced has copy, drop {
    epoch: u32,
    released_funds: u64,
}

public(package) fun emit_blob_registered(
    epoch: u32,
    blob_id: u256,
    size: u64,
    encoding_type: u8,
    end_epoch: u32,
    deletable: bool,
    object_id: ID,
) {
    event::emit(BlobRegistered {
        epoch,
        blob_id,
        size,
        encoding_type,
        end_epoch,
        deletable,
        object_id,
    });
}

public(package) fun emit_blob_certified(
    epoch: u32,
    blob_id: u256,
    end_epoch: u32,
    deletable: bool,
    object_id: ID,
    is_extension: bool,
) {
    event::emit(BlobCertified { epoch, blob_id, end_epoch, deletable, object_id, is_extension });
}

public(package) fun emit_blob_deleted(
    epoch: u32,
    blob_id: u256,
    end_epoch: u32,
    object_id: ID,
    was_certified: bool,
) {
    event::emit(BlobDeleted { epoch, blob_id, end_epoch, object_id, was_certified });
}

public(package) fun emit_invalid_blob_id(epoch: u32, blob_id: u256) {
    event::emit(InvalidBlobId { epoch, blob_id });
}

public(package) fun emit_epoch_advanced(epoch: u32, released_funds: u64) {
    event::emit(EpochAdvanced { epoch, released_funds });
}

// === Test-only constructors, to compare emitted events with expected ones ===

#[test_only]
public fun blob_registered(
    epoch: u32,
    blob_id: u256,
    size: u64,
    encoding_type: u8,
    end_epoch: u32,
    deletable: bool,
    object_id: ID,
): BlobRegistered {
    BlobRegistered { epoch, blob_id, size, encoding_type, end_epoch, deletable, object_id }
}

#[test_only]
public fun blob_certified(
    epoch: u32,
    blob_id: u256,
    end_epoch: u32,
    deletable: bool,
    object_id: ID,
    is_extension: bool,
): BlobCertified {
    BlobCertified { epoch, blob_id, end_epoch, deletable, object_id, is_extension }
}

#[test_only]
public fun blob_deleted(
    epoch: u32,
    blob_id: u256,
    end_epoch: u32,
    object_id: ID,
    was_certified: bool,
): BlobDeleted {
    BlobDeleted { epoch, blob_id, end_epoch, object_id, was_certified }
}

#[test_only]
public fun invalid_blob_id(epoch: u32, blob_id: u256): InvalidBlobId {
    InvalidBlobId { epoch, blob_id }
}

#[test_only]
public fun epoch_advanced(epoch: u32, released_funds: u64): EpochAdvanced {
    EpochAdvanced { epoch, released_funds }
}
