//! `walrus::storage_resource`: `Storage`, a reservation of encoded bytes for a period of epochs.

use serde::{Deserialize, Serialize};

use crate::{
    abort::{AbortCode, MoveResult, ensure},
    framework::{ObjectId, TxContext},
};

const MODULE: &str = "walrus::storage_resource";
/// Split epoch not strictly inside the period.
pub const E_INVALID_SPLIT_EPOCH: AbortCode = AbortCode::new(MODULE, "EInvalidSplitEpoch", 0);
/// Split size not strictly between 0 and the size.
pub const E_INVALID_SPLIT_SIZE: AbortCode = AbortCode::new(MODULE, "EInvalidSplitSize", 1);
/// Fuse: periods neither equal nor adjacent.
pub const E_INCOMPATIBLE_EPOCHS: AbortCode = AbortCode::new(MODULE, "EIncompatibleEpochs", 2);
/// Fuse: adjacent periods of different sizes.
pub const E_INCOMPATIBLE_SIZE: AbortCode = AbortCode::new(MODULE, "EIncompatibleSize", 3);
/// Empty period, or a non-increasing end on extension.
pub const E_INVALID_PERIOD: AbortCode = AbortCode::new(MODULE, "EInvalidPeriod", 4);

/// `Storage { id, start_epoch, end_epoch, storage_size }` (48 BCS bytes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Storage {
    /// Object id.
    pub id: ObjectId,
    /// First epoch covered.
    pub start_epoch: u32,
    /// First epoch no longer covered.
    pub end_epoch: u32,
    /// Encoded bytes.
    pub storage_size: u64,
}

impl Storage {
    /// `create_storage` (package-only in Move).
    pub fn create(start_epoch: u32, end_epoch: u32, storage_size: u64, ctx: &mut TxContext) -> MoveResult<Self> {
        ensure(start_epoch < end_epoch, E_INVALID_PERIOD)?;
        Ok(Self { id: ctx.fresh_id(), start_epoch, end_epoch, storage_size })
    }

    /// `start_epoch`.
    pub fn start_epoch(&self) -> u32 {
        self.start_epoch
    }

    /// `end_epoch` (exclusive).
    pub fn end_epoch(&self) -> u32 {
        self.end_epoch
    }

    /// `size`.
    pub fn size(&self) -> u64 {
        self.storage_size
    }

    /// `split_by_epoch`: returns `[split_epoch, end)`, keeps `[start, split_epoch)`.
    pub fn split_by_epoch(&mut self, split_epoch: u32, ctx: &mut TxContext) -> MoveResult<Storage> {
        ensure(split_epoch > self.start_epoch && split_epoch < self.end_epoch, E_INVALID_SPLIT_EPOCH)?;
        let end_epoch = self.end_epoch;
        self.end_epoch = split_epoch;
        Ok(Storage { id: ctx.fresh_id(), start_epoch: split_epoch, end_epoch, storage_size: self.storage_size })
    }

    /// `split_by_size`: returns `split_size` bytes, keeps the rest.
    pub fn split_by_size(&mut self, split_size: u64, ctx: &mut TxContext) -> MoveResult<Storage> {
        ensure(split_size > 0 && split_size < self.storage_size, E_INVALID_SPLIT_SIZE)?;
        self.storage_size -= split_size;
        Ok(Storage {
            id: ctx.fresh_id(),
            start_epoch: self.start_epoch,
            end_epoch: self.end_epoch,
            storage_size: split_size,
        })
    }

    /// `fuse_periods`: adjacent periods (either order) of equal size.
    pub fn fuse_periods(&mut self, other: Storage) -> MoveResult<()> {
        ensure(self.storage_size == other.storage_size, E_INCOMPATIBLE_SIZE)?;
        if self.end_epoch == other.start_epoch {
            self.end_epoch = other.end_epoch;
        } else {
            ensure(other.end_epoch == self.start_epoch, E_INCOMPATIBLE_EPOCHS)?;
            self.start_epoch = other.start_epoch;
        }
        Ok(())
    }

    /// `fuse_amount`: equal periods, sizes add.
    pub fn fuse_amount(&mut self, other: Storage) -> MoveResult<()> {
        ensure(self.start_epoch == other.start_epoch && self.end_epoch == other.end_epoch, E_INCOMPATIBLE_EPOCHS)?;
        self.storage_size += other.storage_size;
        Ok(())
    }

    /// `fuse`: `fuse_amount` for equal periods, else `fuse_periods`.
    pub fn fuse(&mut self, other: Storage) -> MoveResult<()> {
        if self.start_epoch == other.start_epoch && self.end_epoch == other.end_epoch {
            self.fuse_amount(other)
        } else {
            self.fuse_periods(other)
        }
    }

    /// `destroy`.
    pub fn destroy(self) {}

    /// `extend_end_epoch` (package-only in Move).
    pub fn extend_end_epoch(&mut self, new_end_epoch: u32) -> MoveResult<()> {
        ensure(new_end_epoch > self.end_epoch, E_INVALID_PERIOD)?;
        self.end_epoch = new_end_epoch;
        Ok(())
    }
}
