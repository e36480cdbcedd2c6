//! `walrus::staking`: the shared `Staking` object (versioned: its state is a dynamic field keyed
//! by the version) and the entry points of staking, committee selection and epochs.

use serde::{Deserialize, Serialize};

use crate::{
    abort::{AbortCode, MoveResult, ensure},
    framework::{Address, Balance, Clock, Coin, ObjectId, Random, TxContext},
    objects::Object,
    staked_wal::StakedWal,
    staking_inner::StakingInnerV1,
    storage_challenge::SEED_BYTES,
    storage_node::StorageNodeCap,
    system::{AdminCap, System},
    wal::ProtectedTreasury,
};

/// The state version this package understands.
pub const VERSION: u64 = 1;
/// The `Staking` object holds a state version this package does not understand.
pub const E_WRONG_VERSION: AbortCode = AbortCode::new("walrus::staking", "EWrongVersion", 0);
/// `initiate_epoch_change` with a `System` this staking object does not drive.
pub const E_WRONG_SYSTEM: AbortCode = AbortCode::new("walrus::staking", "EWrongSystem", 1);

/// `Staking { id, version }` with the state (`StakingInnerV1`) as the dynamic field named by the
/// version, kept beside the struct and stored by the chain as a child object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staking {
    /// Object id.
    pub id: ObjectId,
    /// State version.
    pub version: u64,
    /// The dynamic field `version -> StakingInnerV1` (not part of the BCS bytes).
    #[serde(skip)]
    pub inner: Option<StakingInnerV1>,
}

/// `create`: consumes the `AdminCap`, shares the `Staking` object for `system` (see the Move doc).
#[allow(clippy::too_many_arguments)]
pub fn create(
    admin_cap: AdminCap,
    system: &mut System,
    operators: Vec<Address>,
    stake: &mut Coin,
    stake_amounts: Vec<u64>,
    epoch_duration_ms: u64,
    max_committee_size: u16,
    max_shards_per_node: u16,
    burn_bps: u16,
    clock: &Clock,
    ctx: &mut TxContext,
) -> MoveResult<()> {
    let AdminCap { id: _ } = admin_cap;
    let id = ctx.fresh_id();
    let inner = StakingInnerV1::create(
        system,
        operators,
        &mut stake.balance,
        stake_amounts,
        epoch_duration_ms,
        max_committee_size,
        max_shards_per_node,
        burn_bps,
        clock,
        ctx,
    )?;
    system.set_staking_object_id(id)?;
    ctx.share(Object::Staking(Staking { id, version: VERSION, inner: Some(inner) }));
    Ok(())
}

impl Staking {
    /// The state, after the version check.
    pub fn inner(&self) -> MoveResult<&StakingInnerV1> {
        ensure(self.version == VERSION, E_WRONG_VERSION)?;
        Ok(self.inner.as_ref().expect("the chain loads the state with the Staking object"))
    }

    fn inner_mut(&mut self) -> MoveResult<&mut StakingInnerV1> {
        ensure(self.version == VERSION, E_WRONG_VERSION)?;
        Ok(self.inner.as_mut().expect("the chain loads the state with the Staking object"))
    }

    /// `register_candidate`.
    #[allow(clippy::too_many_arguments)]
    pub fn register_candidate(
        &mut self,
        name: String,
        network_address: String,
        public_key: Vec<u8>,
        proof_of_possession: &[u8],
        commission_rate_bps: u16,
        storage_price_vote: u64,
        write_price_vote: u64,
        node_capacity_vote: u64,
        ctx: &mut TxContext,
    ) -> MoveResult<StorageNodeCap> {
        self.inner_mut()?.register_candidate(
            name,
            network_address,
            public_key,
            proof_of_possession,
            commission_rate_bps,
            storage_price_vote,
            write_price_vote,
            node_capacity_vote,
            ctx,
        )
    }

    /// `stake_with_pool`.
    pub fn stake_with_pool(&mut self, to_stake: Coin, node_id: ObjectId, ctx: &mut TxContext) -> MoveResult<StakedWal> {
        self.inner_mut()?.stake_with_pool(to_stake.balance, node_id, ctx)
    }

    /// `request_withdraw_stake`.
    pub fn request_withdraw_stake(&mut self, staked_wal: &mut StakedWal, ctx: &mut TxContext) -> MoveResult<()> {
        self.inner_mut()?.request_withdraw_stake(staked_wal, ctx)
    }

    /// `withdraw_stake`.
    pub fn withdraw_stake(&mut self, staked_wal: StakedWal, ctx: &mut TxContext) -> MoveResult<Coin> {
        let withdrawn = self.inner_mut()?.withdraw_stake(staked_wal, ctx)?;
        Ok(Coin::from_balance(withdrawn, ctx))
    }

    /// `collect_commission`.
    pub fn collect_commission(&mut self, cap: &StorageNodeCap, ctx: &mut TxContext) -> MoveResult<Coin> {
        let commission = self.inner_mut()?.collect_commission(cap)?;
        Ok(Coin::from_balance(commission, ctx))
    }

    /// `set_next_commission`.
    pub fn set_next_commission(&mut self, cap: &StorageNodeCap, commission_rate_bps: u16) -> MoveResult<()> {
        self.inner_mut()?.set_next_commission(cap, commission_rate_bps)
    }

    /// `set_storage_price_vote`.
    pub fn set_storage_price_vote(&mut self, cap: &StorageNodeCap, price: u64) -> MoveResult<()> {
        self.inner_mut()?.set_storage_price_vote(cap, price)
    }

    /// `set_write_price_vote`.
    pub fn set_write_price_vote(&mut self, cap: &StorageNodeCap, price: u64) -> MoveResult<()> {
        self.inner_mut()?.set_write_price_vote(cap, price)
    }

    /// `set_node_capacity_vote`.
    pub fn set_node_capacity_vote(&mut self, cap: &StorageNodeCap, capacity: u64) -> MoveResult<()> {
        self.inner_mut()?.set_node_capacity_vote(cap, capacity)
    }

    /// `voting_end`.
    pub fn voting_end(&mut self, clock: &Clock, ctx: &mut TxContext) -> MoveResult<()> {
        self.inner_mut()?.voting_end(clock, ctx)
    }

    /// `initiate_epoch_change`.
    pub fn initiate_epoch_change(&mut self, system: &mut System, clock: &Clock, ctx: &mut TxContext) -> MoveResult<()> {
        ensure(system.staking_object_id()? == Some(self.id), E_WRONG_SYSTEM)?;
        self.inner_mut()?.initiate_epoch_change(system, clock, ctx)
    }

    /// `epoch_sync_done`.
    pub fn epoch_sync_done(
        &mut self,
        cap: &StorageNodeCap,
        epoch: u32,
        clock: &Clock,
        ctx: &mut TxContext,
    ) -> MoveResult<()> {
        self.inner_mut()?.epoch_sync_done(cap, epoch, clock, ctx)
    }

    /// `set_challenge_seed` (an `entry` function): draws the seed from `random` (which the local
    /// chain loads with the transaction's randomness).
    pub fn set_challenge_seed(&mut self, random: &Random, ctx: &mut TxContext) -> MoveResult<()> {
        let inner = self.inner_mut()?;
        let mut generator = random.new_generator(ctx);
        let seed = generator.generate_bytes(SEED_BYTES as u16);
        inner.set_challenge_seed(seed, ctx)
    }

    /// `attest_storage`.
    pub fn attest_storage(
        &mut self,
        cap: &StorageNodeCap,
        epoch: u32,
        node_ids: &[ObjectId],
        ctx: &mut TxContext,
    ) -> MoveResult<()> {
        self.inner_mut()?.attest_storage(cap, epoch, node_ids, ctx)
    }

    /// `set_challenge_parameters` (package-only: `governance` calls it).
    pub fn set_challenge_parameters(&mut self, samples_per_node: u16, ctx: &mut TxContext) -> MoveResult<()> {
        self.inner_mut()?.set_challenge_parameters(samples_per_node, ctx)
    }

    /// `challenge_samples_per_node`.
    pub fn challenge_samples_per_node(&self) -> MoveResult<u16> {
        Ok(self.inner()?.challenges.samples_per_node)
    }

    /// `challenge_seed`.
    pub fn challenge_seed(&self) -> MoveResult<Option<Vec<u8>>> {
        Ok(self.inner()?.challenges.seed())
    }

    /// `challenge_attested_shards`.
    pub fn challenge_attested_shards(&self, node_id: &ObjectId) -> MoveResult<u16> {
        let inner = self.inner()?;
        Ok(inner.committee.index_of(node_id).map_or(0, |index| inner.challenges.attested_shards(index)))
    }

    /// `burn_pending_rewards`.
    pub fn burn_pending_rewards(&mut self, treasury: &mut ProtectedTreasury, ctx: &mut TxContext) -> MoveResult<()> {
        let pending: Balance = self.inner_mut()?.take_burn_pending();
        treasury.burn(Coin::from_balance(pending, ctx));
        Ok(())
    }

    /// `epoch`.
    pub fn epoch(&self) -> MoveResult<u32> {
        Ok(self.inner()?.epoch)
    }

    /// `set_epoch_duration_ms` (package-only: governance).
    pub fn set_epoch_duration_ms(&mut self, epoch_duration_ms: u64) -> MoveResult<()> {
        self.inner_mut()?.set_epoch_duration_ms(epoch_duration_ms)
    }

    /// `set_max_committee_size` (package-only: governance).
    pub fn set_max_committee_size(&mut self, max_committee_size: u16) -> MoveResult<()> {
        self.inner_mut()?.set_max_committee_size(max_committee_size)
    }

    /// `set_burn_bps` (package-only: governance).
    pub fn set_burn_bps(&mut self, burn_bps: u16) -> MoveResult<()> {
        self.inner_mut()?.set_burn_bps(burn_bps)
    }

    /// `set_min_stake_frost` (package-only: governance).
    pub fn set_min_stake_frost(&mut self, min_stake_frost: u64) -> MoveResult<()> {
        self.inner_mut()?.set_min_stake_frost(min_stake_frost)
    }

    /// `add_burn_pending` (package-only: governance deposits that missed their quorum).
    pub fn add_burn_pending(&mut self, to_burn: Balance) -> MoveResult<()> {
        self.inner_mut()?.add_burn_pending(to_burn);
        Ok(())
    }

    /// `total_active_stake`.
    pub fn total_active_stake(&self) -> MoveResult<u64> {
        Ok(self.inner()?.total_active_stake())
    }
}
