/// Storage: a paid-for reservation of `storage_size` encoded bytes for the epochs
/// [start_epoch, end_epoch).
///
/// Only the system mints `Storage` (when it is paid for), but once minted it is an ordinary owned
/// object: it can be split in time or in size, fused back, traded, attached to a blob, or
/// destroyed. Splitting and fusing conserve "bytes x epochs", so no operation here can create
/// capacity that was not paid for.
module walrus::storage_resource;

/// `split_by_epoch` needs start_epoch < split_epoch < end_epoch.
const EInvalidSplitEpoch: u64 = 0;
/// `split_by_size` needs 0 < split_size < storage_size.
const EInvalidSplitSize: u64 = 1;
/// Fusing needs equal periods, or adjacent periods (one ends where the other starts).
const EIncompatibleEpochs: u64 = 2;
/// Fusing adjacent periods needs equal sizes.
const EIncompatibleSize: u64 = 3;
/// A storage period must be non-empty: start_epoch < end_epoch.
const EInvalidPeriod: u64 = 4;

/// BCS layout (docs/chain.md): id (32 bytes), start_epoch (u32), end_epoch (u32),
/// storage_size (u64).
public struct Storage has key, store {
    id: UID,
    start_epoch: u32,
    /// Exclusive: the storage is valid in epochs start_epoch .. end_epoch - 1.
    end_epoch: u32,
    /// Encoded bytes, as computed by `encoding::encoded_size_bytes`.
    storage_size: u64,
}

/// Mints storage. Package-only: the system calls it after it has been paid.
public(package) fun create_storage(
    start_epoch: u32,
    end_epoch: u32,
    storage_size: u64,
    ctx: &mut TxContext,
): Storage {
    assert!(start_epoch < end_epoch, EInvalidPeriod);
    Storage { id: object::new(ctx), start_epoch, end_epoch, storage_size }
}

/// First epoch of the period.
public fun start_epoch(self: &Storage): u32 {
    self.start_epoch
}

/// First epoch after the period.
public fun end_epoch(self: &Storage): u32 {
    self.end_epoch
}

/// Reserved encoded bytes.
public fun size(self: &Storage): u64 {
    self.storage_size
}

/// Splits the period at `split_epoch`: `self` keeps [start, split_epoch) and the returned storage
/// gets [split_epoch, end), both with the full size. Aborts with `EInvalidSplitEpoch` unless
/// start < split_epoch < end.
public fun split_by_epoch(self: &mut Storage, split_epoch: u32, ctx: &mut TxContext): Storage {
    assert!(split_epoch > self.start_epoch && split_epoch < self.end_epoch, EInvalidSplitEpoch);
    let end_epoch = self.end_epoch;
    self.end_epoch = split_epoch;
    Storage {
        id: object::new(ctx),
        start_epoch: split_epoch,
        end_epoch,
        storage_size: self.storage_size,
    }
}

/// Splits off `split_size` bytes: the returned storage has `split_size` bytes and `self` keeps the
/// rest, both for the whole period. Aborts with `EInvalidSplitSize` unless
/// 0 < split_size < storage_size.
public fun split_by_size(self: &mut Storage, split_size: u64, ctx: &mut TxContext): Storage {
    assert!(split_size > 0 && split_size < self.storage_size, EInvalidSplitSize);
    self.storage_size = self.storage_size - split_size;
    Storage {
        id: object::new(ctx),
        start_epoch: self.start_epoch,
        end_epoch: self.end_epoch,
        storage_size: split_size,
    }
}

/// Joins two adjacent periods of equal size into one: `other` may come right after `self` or
/// right before it. Aborts with `EIncompatibleSize` if the sizes differ and `EIncompatibleEpochs`
/// if the periods are not adjacent.
public fun fuse_periods(self: &mut Storage, other: Storage) {
    let Storage { id, start_epoch, end_epoch, storage_size } = other;
    id.delete();
    assert!(self.storage_size == storage_size, EIncompatibleSize);
    if (self.end_epoch == start_epoch) {
        self.end_epoch = end_epoch;
    } else {
        assert!(end_epoch == self.start_epoch, EIncompatibleEpochs);
        self.start_epoch = start_epoch;
    }
}

/// Adds the size of `other` to `self`. Aborts with `EIncompatibleEpochs` unless both cover
/// exactly the same period.
public fun fuse_amount(self: &mut Storage, other: Storage) {
    let Storage { id, start_epoch, end_epoch, storage_size } = other;
    id.delete();
    assert!(self.start_epoch == start_epoch && self.end_epoch == end_epoch, EIncompatibleEpochs);
    self.storage_size = self.storage_size + storage_size;
}

/// Fuses `other` into `self`: sizes add up when the periods are equal, otherwise the periods are
/// joined as in `fuse_periods` (same aborts).
public fun fuse(self: &mut Storage, other: Storage) {
    if (self.start_epoch == other.start_epoch && self.end_epoch == other.end_epoch) {
        self.fuse_amount(other)
    } else {
        self.fuse_periods(other)
    }
}

/// Destroys the storage. The capacity stays reserved in the system until the period ends: it was
/// paid for, and freeing it early would let the owner resell capacity the nodes already sized
/// themselves for.
public fun destroy(self: Storage) {
    let Storage { id, .. } = self;
    id.delete();
}

/// Moves the end of the period to `new_end_epoch`, which the caller has paid for. Package-only:
/// used by the system when a blob is extended with WAL.
public(package) fun extend_end_epoch(self: &mut Storage, new_end_epoch: u32) {
    assert!(new_end_epoch > self.end_epoch, EInvalidPeriod);
    self.end_epoch = new_end_epoch;
}

#[test_only]
/// Mints storage without paying, for tests.
public fun create_for_testing(
    start_epoch: u32,
    end_epoch: u32,
    storage_size: u64,
    ctx: &mut TxContext,
): Storage {
    create_storage(start_epoch, end_epoch, storage_size, ctx)
}
