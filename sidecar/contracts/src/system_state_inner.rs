//! `walrus::system_state_inner`: the state of the storage system (version 1) and its rules.
//! Reached through `system`.

use serde::{Deserialize, Serialize};

use crate::{
    abort::{AbortCode, MoveResult, ensure},
    blob::Blob,
    bls_aggregate::Committee,
    encoding,
    events::{EpochAdvanced, Event, InvalidBlobId},
    framework::{Balance, ObjectId, Table, TxContext, U256},
    messages,
    storage_accounting::FutureAccounting,
    storage_resource::Storage,
};

const MODULE: &str = "walrus::system_state_inner";
/// `epochs_ahead` is 0 or beyond `max_epochs_ahead`.
pub const E_INVALID_EPOCHS_AHEAD: AbortCode = AbortCode::new(MODULE, "EInvalidEpochsAhead", 0);
/// An epoch of the period lacks the capacity.
pub const E_STORAGE_EXCEEDED: AbortCode = AbortCode::new(MODULE, "EStorageExceeded", 1);
/// Payment below the price.
pub const E_INSUFFICIENT_FUNDS: AbortCode = AbortCode::new(MODULE, "EInsufficientFunds", 2);
/// The blob id was proven invalid.
pub const E_BLOB_ID_INVALIDATED: AbortCode = AbortCode::new(MODULE, "EBlobIdInvalidated", 3);
/// Invalid-blob attestation not from the current epoch.
pub const E_WRONG_MESSAGE_EPOCH: AbortCode = AbortCode::new(MODULE, "EWrongMessageEpoch", 4);
/// Committee shards do not sum to `n_shards`.
pub const E_SHARD_COUNT_MISMATCH: AbortCode = AbortCode::new(MODULE, "EShardCountMismatch", 5);
/// `max_epochs_ahead` is 0 (or, set by governance, above [`MAX_EPOCHS_AHEAD_LIMIT`]).
pub const E_INVALID_MAX_EPOCHS_AHEAD: AbortCode = AbortCode::new(MODULE, "EInvalidMaxEpochsAhead", 6);

/// The first epoch of a new system.
pub const GENESIS_EPOCH: u32 = 1;
/// Prices are per MiB of encoded size, rounded up.
pub const BYTES_PER_UNIT_SIZE: u64 = 1 << 20;
/// The largest `max_epochs_ahead` governance may set (bounds the accounts ring buffer).
pub const MAX_EPOCHS_AHEAD_LIMIT: u32 = 1000;

/// `SystemStateInnerV1`, field order as in Move.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemStateInnerV1 {
    /// Current epoch.
    pub epoch: u32,
    /// Number of shards.
    pub n_shards: u16,
    /// Committee of the epoch.
    pub committee: Committee,
    /// WAL base units per MiB per epoch.
    pub storage_price_per_unit_size: u64,
    /// WAL base units per MiB, once.
    pub write_price_per_unit_size: u64,
    /// Encoded bytes per epoch.
    pub total_capacity_size: u64,
    /// Epochs storage can be bought for.
    pub max_epochs_ahead: u32,
    /// Per-epoch accounts.
    pub future_accounting: FutureAccounting,
    /// WAL of finished epochs.
    pub rewards: Balance,
    /// Invalid blob ids and the epoch of invalidation.
    pub invalid_blob_ids: Table<U256, u32>,
    /// The shared `staking::Staking` object that drives the epochs, once created.
    pub staking_object_id: Option<ObjectId>,
}

/// ceil(size / MiB), for the price products (which use `Price`, as Move uses `u256`).
fn storage_units(storage_size: u64) -> u128 {
    u128::from(storage_size.div_ceil(BYTES_PER_UNIT_SIZE))
}

impl SystemStateInnerV1 {
    /// `create`.
    #[allow(clippy::too_many_arguments)]
    pub fn create(
        n_shards: u16,
        node_ids: Vec<ObjectId>,
        public_keys: Vec<Vec<u8>>,
        network_addresses: Vec<String>,
        shard_counts: Vec<u16>,
        storage_price_per_unit_size: u64,
        write_price_per_unit_size: u64,
        total_capacity_size: u64,
        max_epochs_ahead: u32,
        ctx: &mut TxContext,
    ) -> MoveResult<Self> {
        encoding::assert_valid_n_shards(n_shards)?;
        ensure(max_epochs_ahead > 0, E_INVALID_MAX_EPOCHS_AHEAD)?;
        let committee = Committee::new(node_ids, public_keys, network_addresses, shard_counts)?;
        ensure(committee.n_shards() == n_shards, E_SHARD_COUNT_MISMATCH)?;
        Ok(Self {
            epoch: GENESIS_EPOCH,
            n_shards,
            committee,
            storage_price_per_unit_size,
            write_price_per_unit_size,
            total_capacity_size,
            max_epochs_ahead,
            future_accounting: FutureAccounting::new(GENESIS_EPOCH, max_epochs_ahead),
            rewards: Balance::default(),
            invalid_blob_ids: Table::new(ctx),
            staking_object_id: None,
        })
    }

    /// `reserve_space`.
    pub fn reserve_space(
        &mut self,
        storage_size: u64,
        epochs_ahead: u32,
        payment: &mut Balance,
        ctx: &mut TxContext,
    ) -> MoveResult<Storage> {
        ensure(epochs_ahead > 0 && epochs_ahead <= self.max_epochs_ahead, E_INVALID_EPOCHS_AHEAD)?;
        self.reserve_capacity(0, epochs_ahead, storage_size)?;
        let units = storage_units(storage_size);
        let per_epoch = Price::from(self.storage_price_per_unit_size) * units;
        let write_fee = Price::from(self.write_price_per_unit_size) * units;
        let total = per_epoch * u128::from(epochs_ahead) + write_fee;
        ensure(total <= Price::from(payment.value), E_INSUFFICIENT_FUNDS)?;
        let write_fee = payment.split(write_fee.as_u64())?;
        self.future_accounting.account_mut(0)?.funds.join(write_fee);
        self.pay_epochs(0, epochs_ahead, per_epoch.as_u64(), payment)?;
        Storage::create(self.epoch, self.epoch + epochs_ahead, storage_size, ctx)
    }

    /// `storage_cost`, as the 32 little-endian bytes of the Move `u256`.
    pub fn storage_cost(&self, storage_size: u64, epochs_ahead: u32) -> U256 {
        let units = storage_units(storage_size);
        let total = Price::from(self.storage_price_per_unit_size) * units * u128::from(epochs_ahead)
            + Price::from(self.write_price_per_unit_size) * units;
        total.to_u256()
    }

    /// `register_blob`.
    #[allow(clippy::too_many_arguments)]
    pub fn register_blob(
        &self,
        storage: Storage,
        blob_id: U256,
        root_hash: U256,
        size: u64,
        encoding_type: u8,
        deletable: bool,
        ctx: &mut TxContext,
    ) -> MoveResult<Blob> {
        ensure(!self.invalid_blob_ids.contains(&blob_id), E_BLOB_ID_INVALIDATED)?;
        Blob::new(storage, blob_id, root_hash, size, encoding_type, deletable, self.epoch, self.n_shards, ctx)
    }

    /// `certify_blob`.
    pub fn certify_blob(
        &self,
        blob: &mut Blob,
        signature: &[u8],
        signers_bitmap: &[u8],
        message: &[u8],
        ctx: &mut TxContext,
    ) -> MoveResult<()> {
        ensure(!self.invalid_blob_ids.contains(&blob.blob_id), E_BLOB_ID_INVALIDATED)?;
        self.committee.verify_quorum(signature, signers_bitmap, message)?;
        let confirmation = messages::parse_storage_confirmation(message)?;
        blob.certify(self.epoch, &confirmation, ctx)
    }

    /// `extend_blob_with_resource`.
    pub fn extend_blob_with_resource(
        &self,
        blob: &mut Blob,
        extension: Storage,
        ctx: &mut TxContext,
    ) -> MoveResult<()> {
        blob.extend_with_storage(self.epoch, extension, ctx)
    }

    /// `extend_blob`.
    pub fn extend_blob(
        &mut self,
        blob: &mut Blob,
        epochs_ahead: u32,
        payment: &mut Balance,
        ctx: &mut TxContext,
    ) -> MoveResult<()> {
        blob.assert_extendable(self.epoch)?;
        let end_epoch = blob.end_epoch();
        let new_end_epoch = u64::from(end_epoch) + u64::from(epochs_ahead);
        ensure(
            epochs_ahead > 0 && new_end_epoch - u64::from(self.epoch) <= u64::from(self.max_epochs_ahead),
            E_INVALID_EPOCHS_AHEAD,
        )?;
        let first_offset = end_epoch - self.epoch;
        let end_offset = first_offset + epochs_ahead;
        let storage_size = blob.storage.size();
        self.reserve_capacity(first_offset, end_offset, storage_size)?;
        let per_epoch = Price::from(self.storage_price_per_unit_size) * storage_units(storage_size);
        ensure(per_epoch * u128::from(epochs_ahead) <= Price::from(payment.value), E_INSUFFICIENT_FUNDS)?;
        self.pay_epochs(first_offset, end_offset, per_epoch.as_u64(), payment)?;
        blob.extend_end_epoch(self.epoch, new_end_epoch as u32, ctx)
    }

    /// `delete_blob`.
    pub fn delete_blob(&self, blob: Blob, ctx: &mut TxContext) -> MoveResult<Storage> {
        blob.delete(self.epoch, ctx)
    }

    /// `invalidate_blob_id`.
    pub fn invalidate_blob_id(
        &mut self,
        signature: &[u8],
        signers_bitmap: &[u8],
        message: &[u8],
        ctx: &mut TxContext,
    ) -> MoveResult<U256> {
        self.committee.verify_validity(signature, signers_bitmap, message)?;
        let attestation = messages::parse_invalid_blob_id(message)?;
        ensure(attestation.epoch == self.epoch, E_WRONG_MESSAGE_EPOCH)?;
        let blob_id = attestation.blob_id;
        if !self.invalid_blob_ids.contains(&blob_id) {
            self.invalid_blob_ids.add(blob_id, self.epoch);
            ctx.emit(Event::InvalidBlobId(InvalidBlobId { epoch: self.epoch, blob_id }));
        }
        Ok(blob_id)
    }

    /// `advance_epoch`: the next epoch with `committee` and the given prices and capacity.
    pub fn advance_epoch(
        &mut self,
        committee: Committee,
        storage_price_per_unit_size: u64,
        write_price_per_unit_size: u64,
        total_capacity_size: u64,
        ctx: &mut TxContext,
    ) -> MoveResult<()> {
        ensure(committee.n_shards() == self.n_shards, E_SHARD_COUNT_MISMATCH)?;
        let released = self.future_accounting.advance();
        let released_funds = released.value;
        self.rewards.join(released);
        self.epoch += 1;
        self.committee = committee;
        self.storage_price_per_unit_size = storage_price_per_unit_size;
        self.write_price_per_unit_size = write_price_per_unit_size;
        self.total_capacity_size = total_capacity_size;
        ctx.emit(Event::EpochAdvanced(EpochAdvanced { epoch: self.epoch, released_funds }));
        Ok(())
    }

    /// `withdraw_rewards`.
    pub fn withdraw_rewards(&mut self) -> Balance {
        self.rewards.withdraw_all()
    }

    /// `set_max_epochs_ahead` (governance): grows the accounts if needed, never shrinks them.
    pub fn set_max_epochs_ahead(&mut self, max_epochs_ahead: u32) -> MoveResult<()> {
        ensure(max_epochs_ahead > 0 && max_epochs_ahead <= MAX_EPOCHS_AHEAD_LIMIT, E_INVALID_MAX_EPOCHS_AHEAD)?;
        self.future_accounting.grow(max_epochs_ahead);
        self.max_epochs_ahead = max_epochs_ahead;
        Ok(())
    }

    /// `add_to_current_epoch_funds`: the funds join the current epoch's account.
    pub fn add_to_current_epoch_funds(&mut self, funds: Balance) -> MoveResult<()> {
        self.future_accounting.account_mut(0)?.funds.join(funds);
        Ok(())
    }

    /// `used_capacity_size`: encoded bytes sold for the current epoch.
    pub fn used_capacity_size(&self) -> u64 {
        self.future_accounting.account(0).expect("max_epochs_ahead > 0").used_capacity
    }

    /// `is_blob_id_invalid`.
    pub fn is_blob_id_invalid(&self, blob_id: &U256) -> bool {
        self.invalid_blob_ids.contains(blob_id)
    }

    fn reserve_capacity(&mut self, first_offset: u32, end_offset: u32, storage_size: u64) -> MoveResult<()> {
        let total = self.total_capacity_size;
        for offset in first_offset..end_offset {
            let account = self.future_accounting.account_mut(offset)?;
            // A capacity voted down after the sale leaves `used > total`.
            let used = account.used_capacity;
            ensure(used <= total && storage_size <= total - used, E_STORAGE_EXCEEDED)?;
            account.used_capacity += storage_size;
        }
        Ok(())
    }

    fn pay_epochs(
        &mut self,
        first_offset: u32,
        end_offset: u32,
        per_epoch: u64,
        payment: &mut Balance,
    ) -> MoveResult<()> {
        for offset in first_offset..end_offset {
            let share = payment.split(per_epoch)?;
            self.future_accounting.account_mut(offset)?.funds.join(share);
        }
        Ok(())
    }
}

/// A price in WAL base units, wide enough for any product of a `u64` price, `u64` units and a
/// `u32` epoch count (< 2^160), like the Move `u256` arithmetic. Saturates at 2^256 - 1, which no
/// product reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Price {
    /// Little-endian 64-bit limbs.
    limbs: [u64; 4],
}

impl From<u64> for Price {
    fn from(v: u64) -> Self {
        Self { limbs: [v, 0, 0, 0] }
    }
}

impl Ord for Price {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.limbs.iter().rev().cmp(other.limbs.iter().rev())
    }
}

impl PartialOrd for Price {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::ops::Mul<u128> for Price {
    type Output = Price;
    fn mul(self, rhs: u128) -> Price {
        let rhs = [rhs as u64, (rhs >> 64) as u64];
        let mut out = [0u128; 6];
        for (i, &a) in self.limbs.iter().enumerate() {
            for (j, &b) in rhs.iter().enumerate() {
                let product = u128::from(a) * u128::from(b);
                out[i + j] += product & u128::from(u64::MAX);
                out[i + j + 1] += product >> 64;
            }
        }
        let mut limbs = [0u64; 4];
        let mut carry = 0u128;
        for (k, limb) in limbs.iter_mut().enumerate() {
            let v = out[k] + carry;
            *limb = v as u64;
            carry = v >> 64;
        }
        assert!(carry == 0 && out[4] == 0 && out[5] == 0, "prices stay far below 2^256");
        Price { limbs }
    }
}

impl std::ops::Add for Price {
    type Output = Price;
    fn add(self, rhs: Price) -> Price {
        let mut limbs = [0u64; 4];
        let mut carry = false;
        for (k, limb) in limbs.iter_mut().enumerate() {
            let (v, c1) = self.limbs[k].overflowing_add(rhs.limbs[k]);
            let (v, c2) = v.overflowing_add(u64::from(carry));
            *limb = v;
            carry = c1 || c2;
        }
        assert!(!carry, "prices stay far below 2^256");
        Price { limbs }
    }
}

impl Price {
    /// The value as `u64`; callers only convert after checking it is at most a `u64` payment.
    fn as_u64(self) -> u64 {
        assert!(self.limbs[1..].iter().all(|&l| l == 0), "checked against a u64 payment first");
        self.limbs[0]
    }

    fn to_u256(self) -> U256 {
        let mut out = [0u8; 32];
        for (k, limb) in self.limbs.iter().enumerate() {
            out[k * 8..(k + 1) * 8].copy_from_slice(&limb.to_le_bytes());
        }
        U256(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn price_arithmetic_is_exact_beyond_u128() {
        let big = Price::from(u64::MAX) * (u128::from(u64::MAX) << 20) * u128::from(u32::MAX);
        assert!(big > Price::from(u64::MAX));
        assert!(Price::from(3) * 5 + Price::from(1) == Price::from(16));
        assert!(Price::from(1) * (1u128 << 64) > Price::from(u64::MAX));
        assert_eq!((Price::from(1) * (1u128 << 64)).to_u256().0[8], 1);
        assert!(Price::from(2) < Price::from(3));
    }
}
