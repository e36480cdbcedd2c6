//! `walrus::system`: the shared `System` object (versioned: its state is a dynamic field keyed by
//! the version) and the entry points of the storage protocol. Registering and certifying take the
//! system by shared reference, so users' blob operations never contend for it.

use serde::{Deserialize, Serialize};

use crate::{
    abort::{AbortCode, MoveResult, ensure},
    blob::Blob,
    bls_aggregate::Committee,
    framework::{Balance, Coin, ObjectId, TxContext, U256},
    objects::Object,
    storage_resource::Storage,
    system_state_inner::SystemStateInnerV1,
};

/// The state version this package understands.
pub const VERSION: u64 = 1;
/// The `System` holds a state version this package does not understand.
pub const E_WRONG_VERSION: AbortCode = AbortCode::new("walrus::system", "EWrongVersion", 0);

/// `System { id, version }`. The state (`SystemStateInnerV1`) is the dynamic field named by the
/// version; it is kept here beside the struct and stored by the chain as a child object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct System {
    /// Object id.
    pub id: ObjectId,
    /// State version.
    pub version: u64,
    /// The dynamic field `version -> SystemStateInnerV1` (not part of the BCS bytes).
    #[serde(skip)]
    pub inner: Option<SystemStateInnerV1>,
}

/// `InitCap { id }`: sent to the publisher at publication, consumed by `create`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitCap {
    /// Object id.
    pub id: ObjectId,
}

/// `AdminCap { id }`: returned by `create`; `staking::create` consumes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminCap {
    /// Object id.
    pub id: ObjectId,
}

/// `init` at publication: the `InitCap` goes to the publisher.
pub fn init(ctx: &mut TxContext) {
    let cap = InitCap { id: ctx.fresh_id() };
    let sender = ctx.sender();
    ctx.transfer(Object::InitCap(cap), sender);
}

/// `create`: shares a `System` at epoch 1 and returns the `AdminCap`.
#[allow(clippy::too_many_arguments)]
pub fn create(
    cap: InitCap,
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
) -> MoveResult<AdminCap> {
    let InitCap { id: _ } = cap;
    let inner = SystemStateInnerV1::create(
        n_shards,
        node_ids,
        public_keys,
        network_addresses,
        shard_counts,
        storage_price_per_unit_size,
        write_price_per_unit_size,
        total_capacity_size,
        max_epochs_ahead,
        ctx,
    )?;
    let system = System { id: ctx.fresh_id(), version: VERSION, inner: Some(inner) };
    ctx.share(Object::System(system));
    Ok(AdminCap { id: ctx.fresh_id() })
}

impl System {
    /// The state, after the version check.
    pub fn inner(&self) -> MoveResult<&SystemStateInnerV1> {
        ensure(self.version == VERSION, E_WRONG_VERSION)?;
        Ok(self.inner.as_ref().expect("the chain loads the state with the System"))
    }

    fn inner_mut(&mut self) -> MoveResult<&mut SystemStateInnerV1> {
        ensure(self.version == VERSION, E_WRONG_VERSION)?;
        Ok(self.inner.as_mut().expect("the chain loads the state with the System"))
    }

    /// `reserve_space`.
    pub fn reserve_space(
        &mut self,
        storage_size: u64,
        epochs_ahead: u32,
        payment: &mut Coin,
        ctx: &mut TxContext,
    ) -> MoveResult<Storage> {
        self.inner_mut()?.reserve_space(storage_size, epochs_ahead, &mut payment.balance, ctx)
    }

    /// `storage_cost`.
    pub fn storage_cost(&self, storage_size: u64, epochs_ahead: u32) -> MoveResult<U256> {
        Ok(self.inner()?.storage_cost(storage_size, epochs_ahead))
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
        self.inner()?.register_blob(storage, blob_id, root_hash, size, encoding_type, deletable, ctx)
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
        self.inner()?.certify_blob(blob, signature, signers_bitmap, message, ctx)
    }

    /// `extend_blob_with_resource`.
    pub fn extend_blob_with_resource(
        &self,
        blob: &mut Blob,
        extension: Storage,
        ctx: &mut TxContext,
    ) -> MoveResult<()> {
        self.inner()?.extend_blob_with_resource(blob, extension, ctx)
    }

    /// `extend_blob`.
    pub fn extend_blob(
        &mut self,
        blob: &mut Blob,
        epochs_ahead: u32,
        payment: &mut Coin,
        ctx: &mut TxContext,
    ) -> MoveResult<()> {
        self.inner_mut()?.extend_blob(blob, epochs_ahead, &mut payment.balance, ctx)
    }

    /// `extend_blob_with_balance` (package-only; used by `shared_blob::extend`).
    pub fn extend_blob_with_balance(
        &mut self,
        blob: &mut Blob,
        epochs_ahead: u32,
        payment: &mut Balance,
        ctx: &mut TxContext,
    ) -> MoveResult<()> {
        self.inner_mut()?.extend_blob(blob, epochs_ahead, payment, ctx)
    }

    /// `delete_blob`.
    pub fn delete_blob(&self, blob: Blob, ctx: &mut TxContext) -> MoveResult<Storage> {
        self.inner()?.delete_blob(blob, ctx)
    }

    /// `invalidate_blob_id`.
    pub fn invalidate_blob_id(
        &mut self,
        signature: &[u8],
        signers_bitmap: &[u8],
        message: &[u8],
        ctx: &mut TxContext,
    ) -> MoveResult<U256> {
        self.inner_mut()?.invalidate_blob_id(signature, signers_bitmap, message, ctx)
    }

    /// `advance_epoch` (package-only, called by `staking::initiate_epoch_change`).
    pub fn advance_epoch(
        &mut self,
        committee: Committee,
        storage_price_per_unit_size: u64,
        write_price_per_unit_size: u64,
        total_capacity_size: u64,
        ctx: &mut TxContext,
    ) -> MoveResult<()> {
        self.inner_mut()?.advance_epoch(
            committee,
            storage_price_per_unit_size,
            write_price_per_unit_size,
            total_capacity_size,
            ctx,
        )
    }

    /// `withdraw_rewards` (package-only, for `staking`).
    pub fn withdraw_rewards(&mut self) -> MoveResult<Balance> {
        Ok(self.inner_mut()?.withdraw_rewards())
    }

    /// `add_to_current_epoch_funds` (package-only, for `staking`).
    pub fn add_to_current_epoch_funds(&mut self, funds: Balance) -> MoveResult<()> {
        self.inner_mut()?.add_to_current_epoch_funds(funds)
    }

    /// `set_max_epochs_ahead` (package-only, for `governance`).
    pub fn set_max_epochs_ahead(&mut self, max_epochs_ahead: u32) -> MoveResult<()> {
        self.inner_mut()?.set_max_epochs_ahead(max_epochs_ahead)
    }

    /// `set_staking_object_id` (package-only, for `staking::create`).
    pub fn set_staking_object_id(&mut self, staking_object_id: ObjectId) -> MoveResult<()> {
        self.inner_mut()?.staking_object_id = Some(staking_object_id);
        Ok(())
    }

    /// `staking_object_id`.
    pub fn staking_object_id(&self) -> MoveResult<Option<ObjectId>> {
        Ok(self.inner()?.staking_object_id)
    }

    /// `advance_epoch_for_testing` (test-only in Move): the next epoch with a contiguous
    /// committee from the vectors and the same prices and capacity, without staking.
    pub fn advance_epoch_for_testing(
        &mut self,
        node_ids: Vec<ObjectId>,
        public_keys: Vec<Vec<u8>>,
        network_addresses: Vec<String>,
        shard_counts: Vec<u16>,
        ctx: &mut TxContext,
    ) -> MoveResult<()> {
        let committee = Committee::new(node_ids, public_keys, network_addresses, shard_counts)?;
        let inner = self.inner()?;
        let (storage, write, capacity) =
            (inner.storage_price_per_unit_size, inner.write_price_per_unit_size, inner.total_capacity_size);
        self.advance_epoch(committee, storage, write, capacity, ctx)
    }

    /// `withdraw_rewards_for_testing` (test-only in Move).
    pub fn withdraw_rewards_for_testing(&mut self, ctx: &mut TxContext) -> MoveResult<Coin> {
        Ok(Coin::from_balance(self.withdraw_rewards()?, ctx))
    }

    /// `epoch`.
    pub fn epoch(&self) -> MoveResult<u32> {
        Ok(self.inner()?.epoch)
    }

    /// `n_shards`.
    pub fn n_shards(&self) -> MoveResult<u16> {
        Ok(self.inner()?.n_shards)
    }

    /// `used_capacity_size`.
    pub fn used_capacity_size(&self) -> MoveResult<u64> {
        Ok(self.inner()?.used_capacity_size())
    }

    /// `rewards_value`.
    pub fn rewards_value(&self) -> MoveResult<u64> {
        Ok(self.inner()?.rewards.value)
    }

    /// `is_blob_id_invalid`.
    pub fn is_blob_id_invalid(&self, blob_id: &U256) -> MoveResult<bool> {
        Ok(self.inner()?.is_blob_id_invalid(blob_id))
    }
}
