//! `walrus::staking_inner`: the state of staking and epochs (version 1) and its rules. Reached
//! through `staking`. The epoch state machine, committee selection and reward arithmetic are
//! documented in `docs/chain.md` §3 and the Move module.

use serde::{Deserialize, Serialize};

use crate::{
    abort::{AbortCode, MoveAbort, MoveResult, ensure},
    bls_aggregate::{Committee, G1Element, MAX_NETWORK_ADDRESS_BYTES},
    committee,
    events::{
        ChallengeRewardWithheld, EpochChangeDone, EpochChangeStart, EpochChangeSync, EpochParametersSelected, Event,
        RewardsDistributed, StakeWithdrawn, StakedWalCreated, StakingEvent, StakingPoolRegistered, WithdrawRequested,
    },
    framework::{Address, Balance, Clock, DYNAMIC_FIELD_E_FIELD_DOES_NOT_EXIST, ObjectId, Table, TxContext},
    messages,
    objects::Object,
    staked_wal::{MIN_STAKE_FROST, StakedWal},
    staking_pool::{MAX_BPS, StakingPool},
    storage_challenge::{DEFAULT_SAMPLES_PER_NODE, StorageChallenges},
    storage_node::StorageNodeCap,
    system::System,
};

const MODULE: &str = "walrus::staking_inner";
/// `create`: zero epoch duration, committee size or shard cap, burn share above 100%, or
/// operator/stake vectors that do not match the committee.
pub const E_INVALID_PARAMETERS: AbortCode = AbortCode::new(MODULE, "EInvalidParameters", 0);
/// Empty or over-long network address.
pub const E_INVALID_NETWORK_ADDRESS: AbortCode = AbortCode::new(MODULE, "EInvalidNetworkAddress", 1);
/// Commission rate above 10_000 basis points.
pub const E_INVALID_COMMISSION_RATE: AbortCode = AbortCode::new(MODULE, "EInvalidCommissionRate", 2);
/// The proof of possession does not verify.
pub const E_INVALID_PROOF_OF_POSSESSION: AbortCode = AbortCode::new(MODULE, "EInvalidProofOfPossession", 3);
/// No pool has this node id.
pub const E_UNKNOWN_NODE: AbortCode = AbortCode::new(MODULE, "EUnknownNode", 4);
/// Stake below the minimum.
pub const E_STAKE_TOO_SMALL: AbortCode = AbortCode::new(MODULE, "EStakeTooSmall", 5);
/// The call does not fit the epoch state.
pub const E_WRONG_EPOCH_STATE: AbortCode = AbortCode::new(MODULE, "EWrongEpochState", 6);
/// The clock has not reached the time the call is allowed at.
pub const E_TOO_EARLY: AbortCode = AbortCode::new(MODULE, "ETooEarly", 7);
/// `epoch_sync_done` by a node outside the current committee.
pub const E_NOT_IN_COMMITTEE: AbortCode = AbortCode::new(MODULE, "ENotInCommittee", 8);
/// `epoch_sync_done` for another epoch.
pub const E_WRONG_EPOCH: AbortCode = AbortCode::new(MODULE, "EWrongEpoch", 9);
/// `request_withdraw_stake` on a withdrawing object.
pub const E_NOT_STAKED: AbortCode = AbortCode::new(MODULE, "ENotStaked", 10);
/// `request_withdraw_stake` on stake that is not active yet.
pub const E_NOT_ACTIVE: AbortCode = AbortCode::new(MODULE, "ENotActive", 11);
/// `withdraw_stake` too early, or of active stake without a request.
pub const E_NOT_WITHDRAWABLE: AbortCode = AbortCode::new(MODULE, "ENotWithdrawable", 12);

/// A commission change takes effect this many epochs after the epoch it was set in.
pub const COMMISSION_CHANGE_DELAY_EPOCHS: u32 = 2;

/// `EpochState` (a Move enum without fields: BCS is the variant index).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EpochState {
    /// The committee of the current epoch is syncing.
    EpochChangeSync,
    /// Synced; waiting for `voting_end`.
    EpochChangeDone,
    /// The next epoch's committee and parameters are selected.
    NextParamsSelected,
}

/// `EpochParams`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochParams {
    /// The next committee.
    pub committee: Committee,
    /// FROST per MiB per epoch.
    pub storage_price_per_unit_size: u64,
    /// FROST per MiB, once.
    pub write_price_per_unit_size: u64,
    /// Encoded bytes per epoch.
    pub total_capacity_size: u64,
}

/// `StakingInnerV1`, field order as in Move.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StakingInnerV1 {
    /// The system's shard count.
    pub n_shards: u16,
    /// Epoch length.
    pub epoch_duration_ms: u64,
    /// Largest committee.
    pub max_committee_size: u16,
    /// Most shards per member.
    pub max_shards_per_node: u16,
    /// Share of rewards burned, basis points.
    pub burn_bps: u16,
    /// Current epoch.
    pub epoch: u32,
    /// Where the epoch change is.
    pub epoch_state: EpochState,
    /// Clock time the current epoch started.
    pub epoch_start_ms: u64,
    /// The current committee.
    pub committee: Committee,
    /// Members that signalled `epoch_sync_done`.
    pub synced_nodes: Vec<ObjectId>,
    /// Their shards.
    pub synced_shards: u16,
    /// What `voting_end` selected.
    pub next_epoch_params: Option<EpochParams>,
    /// The pools by node id.
    pub pools: Table<ObjectId, StakingPool>,
    /// Pool ids in registration order.
    pub pool_ids: Vec<ObjectId>,
    /// Rewards (and missed-quorum governance deposits) set aside to burn.
    pub burn_pending: Balance,
    /// The smallest stake `stake_with_pool` accepts, in FROST (governance).
    pub min_stake_frost: u64,
    /// The storage challenge of the current epoch and its parameters.
    pub challenges: StorageChallenges,
}

fn emit(ctx: &mut TxContext, event: StakingEvent) {
    ctx.emit(Event::Staking(event));
}

impl StakingInnerV1 {
    /// `create`: the genesis committee of `system` becomes the first pools (see the Move doc).
    #[allow(clippy::too_many_arguments)]
    pub fn create(
        system: &System,
        operators: Vec<Address>,
        stake: &mut Balance,
        stake_amounts: Vec<u64>,
        epoch_duration_ms: u64,
        max_committee_size: u16,
        max_shards_per_node: u16,
        burn_bps: u16,
        clock: &Clock,
        ctx: &mut TxContext,
    ) -> MoveResult<Self> {
        let state = system.inner()?;
        let genesis_committee = state.committee.clone();
        let n_members = genesis_committee.members.len();
        ensure(
            epoch_duration_ms > 0
                && max_committee_size > 0
                && max_shards_per_node > 0
                && u64::from(burn_bps) <= MAX_BPS
                && operators.len() == n_members
                && stake_amounts.len() == n_members,
            E_INVALID_PARAMETERS,
        )?;
        for &amount in &stake_amounts {
            ensure(amount == 0 || amount >= MIN_STAKE_FROST, E_STAKE_TOO_SMALL)?;
        }
        let epoch = state.epoch;
        let mut inner = Self {
            n_shards: state.n_shards,
            epoch_duration_ms,
            max_committee_size,
            max_shards_per_node,
            burn_bps,
            epoch,
            epoch_state: EpochState::EpochChangeDone,
            epoch_start_ms: clock.timestamp_ms(),
            committee: genesis_committee.clone(),
            synced_nodes: Vec::new(),
            synced_shards: 0,
            next_epoch_params: None,
            pools: Table::new(ctx),
            pool_ids: Vec::new(),
            burn_pending: Balance::default(),
            min_stake_frost: MIN_STAKE_FROST,
            challenges: StorageChallenges::new(DEFAULT_SAMPLES_PER_NODE, epoch)?,
        };
        for ((member, operator), amount) in genesis_committee.members.iter().zip(operators).zip(stake_amounts) {
            let node_id = member.node_id;
            let mut pool = StakingPool::new(
                node_id,
                member.network_address.clone(),
                member.network_address.clone(),
                G1Element::from_bytes(member.public_key.bytes.clone())?,
                0,
                state.storage_price_per_unit_size,
                state.write_price_per_unit_size,
                state.total_capacity_size,
                ctx,
            );
            if amount > 0 {
                pool.add_genesis_stake(amount, epoch);
            }
            inner.pools.add(node_id, pool);
            inner.pool_ids.push(node_id);
            emit(ctx, StakingEvent::PoolRegistered(StakingPoolRegistered { epoch, node_id }));
            let cap = StorageNodeCap::new(node_id, ctx);
            ctx.transfer(Object::StorageNodeCap(cap), operator);
            if amount > 0 {
                let staked = StakedWal::mint(node_id, stake.split(amount)?, epoch, ctx);
                emit(
                    ctx,
                    StakingEvent::StakedWalCreated(StakedWalCreated {
                        epoch,
                        staked_wal_id: staked.id,
                        node_id,
                        amount,
                        activation_epoch: epoch,
                    }),
                );
                ctx.transfer(Object::StakedWal(staked), operator);
            }
        }
        Ok(inner)
    }

    fn pool_mut(&mut self, node_id: &ObjectId) -> MoveResult<&mut StakingPool> {
        self.pools.get_mut(node_id).ok_or(MoveAbort(DYNAMIC_FIELD_E_FIELD_DOES_NOT_EXIST))
    }

    /// `pool`: aborts in `sui::dynamic_field` for an unknown node.
    pub fn pool(&self, node_id: &ObjectId) -> MoveResult<&StakingPool> {
        self.pools.get(node_id).ok_or(MoveAbort(DYNAMIC_FIELD_E_FIELD_DOES_NOT_EXIST))
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
        ensure(
            !network_address.is_empty() && network_address.len() <= MAX_NETWORK_ADDRESS_BYTES,
            E_INVALID_NETWORK_ADDRESS,
        )?;
        ensure(u64::from(commission_rate_bps) <= MAX_BPS, E_INVALID_COMMISSION_RATE)?;
        let key = G1Element::from_bytes(public_key)?;
        let message = messages::proof_of_possession_message(self.epoch, ctx.sender(), &key.bytes);
        let key_bytes: [u8; walrus_core::messages::PUBLIC_KEY_BYTES] =
            key.bytes.as_slice().try_into().expect("validated as a G1 point");
        // `bls12381_min_pk_verify` returns false for a malformed signature.
        let valid = <[u8; walrus_core::messages::SIGNATURE_BYTES]>::try_from(proof_of_possession)
            .is_ok_and(|signature| walrus_core::messages::verify(&key_bytes, &message, &signature));
        ensure(valid, E_INVALID_PROOF_OF_POSSESSION)?;
        let node_id = ctx.fresh_id();
        let pool = StakingPool::new(
            node_id,
            name,
            network_address,
            key,
            commission_rate_bps,
            storage_price_vote,
            write_price_vote,
            node_capacity_vote,
            ctx,
        );
        self.pools.add(node_id, pool);
        self.pool_ids.push(node_id);
        emit(ctx, StakingEvent::PoolRegistered(StakingPoolRegistered { epoch: self.epoch, node_id }));
        Ok(StorageNodeCap::new(node_id, ctx))
    }

    /// `stake_with_pool`.
    pub fn stake_with_pool(
        &mut self,
        to_stake: Balance,
        node_id: ObjectId,
        ctx: &mut TxContext,
    ) -> MoveResult<StakedWal> {
        ensure(self.pools.contains(&node_id), E_UNKNOWN_NODE)?;
        let amount = to_stake.value;
        ensure(amount >= self.min_stake_frost, E_STAKE_TOO_SMALL)?;
        let epoch = self.epoch;
        let activation_epoch = self.next_change_epoch();
        self.pool_mut(&node_id)?.stake(amount, activation_epoch);
        let staked = StakedWal::mint(node_id, to_stake, activation_epoch, ctx);
        emit(
            ctx,
            StakingEvent::StakedWalCreated(StakedWalCreated {
                epoch,
                staked_wal_id: staked.id,
                node_id,
                amount,
                activation_epoch,
            }),
        );
        Ok(staked)
    }

    /// `request_withdraw_stake`.
    pub fn request_withdraw_stake(&mut self, staked: &mut StakedWal, ctx: &mut TxContext) -> MoveResult<()> {
        ensure(staked.is_staked(), E_NOT_STAKED)?;
        ensure(staked.activation_epoch <= self.epoch, E_NOT_ACTIVE)?;
        let epoch = self.epoch;
        let withdraw_epoch = self.next_change_epoch();
        let node_id = staked.node_id;
        let tokens =
            self.pool_mut(&node_id)?.request_withdraw(staked.value(), staked.activation_epoch, withdraw_epoch)?;
        staked.set_withdrawing(withdraw_epoch, tokens);
        emit(
            ctx,
            StakingEvent::WithdrawRequested(WithdrawRequested {
                epoch,
                staked_wal_id: staked.id,
                node_id,
                pool_token_amount: tokens,
                withdraw_epoch,
            }),
        );
        Ok(())
    }

    /// `withdraw_stake`.
    pub fn withdraw_stake(&mut self, staked: StakedWal, ctx: &mut TxContext) -> MoveResult<Balance> {
        let epoch = self.epoch;
        let node_id = staked.node_id;
        let principal = staked.value();
        let rewards = if staked.is_staked() {
            ensure(staked.activation_epoch > epoch, E_NOT_WITHDRAWABLE)?;
            self.pool_mut(&node_id)?.cancel_stake(principal, staked.activation_epoch);
            Balance::default()
        } else {
            let withdraw_epoch = staked.withdraw_epoch()?;
            ensure(withdraw_epoch <= epoch, E_NOT_WITHDRAWABLE)?;
            let tokens = staked.pool_token_amount()?;
            self.pool_mut(&node_id)?.withdraw_rewards(principal, tokens, withdraw_epoch)?
        };
        let rewards_value = rewards.value;
        let staked_id = staked.id;
        let mut withdrawn = staked.into_balance()?;
        withdrawn.join(rewards);
        emit(
            ctx,
            StakingEvent::StakeWithdrawn(StakeWithdrawn {
                epoch,
                staked_wal_id: staked_id,
                node_id,
                principal,
                rewards: rewards_value,
            }),
        );
        Ok(withdrawn)
    }

    /// `collect_commission`.
    pub fn collect_commission(&mut self, cap: &StorageNodeCap) -> MoveResult<Balance> {
        Ok(self.pool_mut(&cap.node_id)?.collect_commission())
    }

    /// `set_next_commission`.
    pub fn set_next_commission(&mut self, cap: &StorageNodeCap, commission_rate_bps: u16) -> MoveResult<()> {
        ensure(u64::from(commission_rate_bps) <= MAX_BPS, E_INVALID_COMMISSION_RATE)?;
        let effective_epoch = self.epoch + COMMISSION_CHANGE_DELAY_EPOCHS;
        self.pool_mut(&cap.node_id)?.set_next_commission(commission_rate_bps, effective_epoch);
        Ok(())
    }

    /// `set_storage_price_vote`.
    pub fn set_storage_price_vote(&mut self, cap: &StorageNodeCap, price: u64) -> MoveResult<()> {
        self.pool_mut(&cap.node_id)?.storage_price_vote = price;
        Ok(())
    }

    /// `set_write_price_vote`.
    pub fn set_write_price_vote(&mut self, cap: &StorageNodeCap, price: u64) -> MoveResult<()> {
        self.pool_mut(&cap.node_id)?.write_price_vote = price;
        Ok(())
    }

    /// `set_node_capacity_vote`.
    pub fn set_node_capacity_vote(&mut self, cap: &StorageNodeCap, capacity: u64) -> MoveResult<()> {
        self.pool_mut(&cap.node_id)?.node_capacity_vote = capacity;
        Ok(())
    }

    /// `voting_end`.
    pub fn voting_end(&mut self, clock: &Clock, ctx: &mut TxContext) -> MoveResult<()> {
        ensure(self.epoch_state == EpochState::EpochChangeDone, E_WRONG_EPOCH_STATE)?;
        self.assert_elapsed(clock, self.epoch_duration_ms / 2)?;
        let next_epoch = self.epoch + 1;
        let mut node_ids = Vec::new();
        let mut stakes = Vec::new();
        for node_id in &self.pool_ids {
            let stake = self.pool(node_id)?.next_epoch_stake(next_epoch);
            if stake > 0 {
                node_ids.push(*node_id);
                stakes.push(stake);
            }
        }
        committee::sort_candidates(&mut node_ids, &mut stakes);
        node_ids.truncate(usize::from(self.max_committee_size));
        stakes.truncate(usize::from(self.max_committee_size));
        let next_committee = if node_ids.is_empty() {
            // Nobody has stake: the committee and its shards stay.
            self.committee.clone()
        } else {
            let counts = committee::shard_counts(&stakes, self.n_shards, self.max_shards_per_node);
            let mut member_ids = Vec::new();
            let mut member_counts = Vec::new();
            let mut public_keys = Vec::new();
            let mut network_addresses = Vec::new();
            for (node_id, &count) in node_ids.iter().zip(&counts) {
                if count > 0 {
                    let pool = self.pool(node_id)?;
                    member_ids.push(*node_id);
                    member_counts.push(count);
                    public_keys.push(pool.public_key.bytes.clone());
                    network_addresses.push(pool.network_address.clone());
                }
            }
            let shard_ids = committee::assign_shards(&self.committee, &member_ids, &member_counts, self.n_shards);
            Committee::new_with_shards(member_ids, public_keys, network_addresses, shard_ids)?
        };
        let params = self.epoch_params(next_committee)?;
        emit(
            ctx,
            StakingEvent::EpochParametersSelected(EpochParametersSelected {
                next_epoch,
                storage_price_per_unit_size: params.storage_price_per_unit_size,
                write_price_per_unit_size: params.write_price_per_unit_size,
                total_capacity_size: params.total_capacity_size,
            }),
        );
        self.next_epoch_params = Some(params);
        self.epoch_state = EpochState::NextParamsSelected;
        Ok(())
    }

    /// `initiate_epoch_change`.
    pub fn initiate_epoch_change(&mut self, system: &mut System, clock: &Clock, ctx: &mut TxContext) -> MoveResult<()> {
        ensure(self.epoch_state == EpochState::NextParamsSelected, E_WRONG_EPOCH_STATE)?;
        self.assert_elapsed(clock, self.epoch_duration_ms)?;
        let EpochParams {
            committee: next_committee,
            storage_price_per_unit_size,
            write_price_per_unit_size,
            total_capacity_size,
        } = self.next_epoch_params.take().expect("NextParamsSelected holds the parameters");
        system.advance_epoch(
            next_committee.clone(),
            storage_price_per_unit_size,
            write_price_per_unit_size,
            total_capacity_size,
            ctx,
        )?;
        let rewards = system.withdraw_rewards()?;
        // The shares of members that failed the storage challenge stay in the storage fund: the
        // account of the epoch starting now.
        let withheld = self.distribute_rewards(rewards, ctx)?;
        system.add_to_current_epoch_funds(withheld)?;
        let new_epoch = self.epoch + 1;
        for node_id in self.pool_ids.clone() {
            self.pool_mut(&node_id)?.advance_epoch(new_epoch);
        }
        self.epoch = new_epoch;
        self.committee = next_committee;
        self.synced_nodes.clear();
        self.synced_shards = 0;
        self.challenges.start_epoch(new_epoch);
        self.epoch_state = EpochState::EpochChangeSync;
        self.epoch_start_ms = clock.timestamp_ms();
        emit(ctx, StakingEvent::EpochChangeStart(EpochChangeStart { epoch: new_epoch }));
        Ok(())
    }

    /// `epoch_sync_done`.
    pub fn epoch_sync_done(
        &mut self,
        cap: &StorageNodeCap,
        epoch: u32,
        clock: &Clock,
        ctx: &mut TxContext,
    ) -> MoveResult<()> {
        ensure(epoch == self.epoch, E_WRONG_EPOCH)?;
        let node_id = cap.node_id;
        let index = self.committee.index_of(&node_id).ok_or(MoveAbort(E_NOT_IN_COMMITTEE))?;
        if self.epoch_state != EpochState::EpochChangeSync || self.synced_nodes.contains(&node_id) {
            return Ok(());
        }
        let shards = self.committee.members[index].n_shards();
        self.synced_nodes.push(node_id);
        self.synced_shards += shards;
        emit(ctx, StakingEvent::EpochChangeSync(EpochChangeSync { epoch, node_id, synced_shards: self.synced_shards }));
        if self.committee.is_quorum(u64::from(self.synced_shards)) {
            self.epoch_state = EpochState::EpochChangeDone;
            emit(ctx, StakingEvent::EpochChangeDone(EpochChangeDone { epoch, timestamp_ms: clock.timestamp_ms() }));
        }
        Ok(())
    }

    /// `set_challenge_seed`.
    pub fn set_challenge_seed(&mut self, seed: Vec<u8>, ctx: &mut TxContext) -> MoveResult<()> {
        ensure(self.epoch_state != EpochState::EpochChangeSync, E_WRONG_EPOCH_STATE)?;
        self.challenges.set_seed(&self.committee, seed, ctx)
    }

    /// `attest_storage`.
    pub fn attest_storage(
        &mut self,
        cap: &StorageNodeCap,
        epoch: u32,
        node_ids: &[ObjectId],
        ctx: &mut TxContext,
    ) -> MoveResult<()> {
        self.challenges.attest(&self.committee, cap.node_id, epoch, node_ids, ctx)
    }

    /// `set_challenge_parameters`.
    pub fn set_challenge_parameters(&mut self, samples_per_node: u16, ctx: &mut TxContext) -> MoveResult<()> {
        self.challenges.set_parameters(samples_per_node, ctx)
    }

    /// `take_burn_pending`.
    pub fn take_burn_pending(&mut self) -> Balance {
        self.burn_pending.withdraw_all()
    }

    /// `add_burn_pending` (governance deposits that missed their quorum).
    pub fn add_burn_pending(&mut self, to_burn: Balance) {
        self.burn_pending.join(to_burn);
    }

    /// `set_epoch_duration_ms` (governance).
    pub fn set_epoch_duration_ms(&mut self, epoch_duration_ms: u64) -> MoveResult<()> {
        ensure(epoch_duration_ms > 0, E_INVALID_PARAMETERS)?;
        self.epoch_duration_ms = epoch_duration_ms;
        Ok(())
    }

    /// `set_max_committee_size` (governance).
    pub fn set_max_committee_size(&mut self, max_committee_size: u16) -> MoveResult<()> {
        ensure(max_committee_size > 0, E_INVALID_PARAMETERS)?;
        self.max_committee_size = max_committee_size;
        Ok(())
    }

    /// `set_burn_bps` (governance).
    pub fn set_burn_bps(&mut self, burn_bps: u16) -> MoveResult<()> {
        ensure(u64::from(burn_bps) <= MAX_BPS, E_INVALID_PARAMETERS)?;
        self.burn_bps = burn_bps;
        Ok(())
    }

    /// `set_min_stake_frost` (governance).
    pub fn set_min_stake_frost(&mut self, min_stake_frost: u64) -> MoveResult<()> {
        ensure(min_stake_frost >= MIN_STAKE_FROST, E_INVALID_PARAMETERS)?;
        self.min_stake_frost = min_stake_frost;
        Ok(())
    }

    /// `total_active_stake`: the WAL active in all pools in the current epoch.
    pub fn total_active_stake(&self) -> u64 {
        self.pool_ids.iter().filter_map(|id| self.pools.get(id)).map(|pool| pool.active_wal).sum()
    }

    /// The epoch from which stake added or withdrawn now counts.
    pub fn next_change_epoch(&self) -> u32 {
        if self.epoch_state == EpochState::NextParamsSelected { self.epoch + 2 } else { self.epoch + 1 }
    }

    fn assert_elapsed(&self, clock: &Clock, duration_ms: u64) -> MoveResult<()> {
        let now = clock.timestamp_ms();
        ensure(now >= self.epoch_start_ms && now - self.epoch_start_ms >= duration_ms, E_TOO_EARLY)
    }

    fn epoch_params(&self, selected: Committee) -> MoveResult<EpochParams> {
        let mut storage_votes = Vec::new();
        let mut write_votes = Vec::new();
        let mut capacity_votes = Vec::new();
        let mut shards = Vec::new();
        for member in &selected.members {
            let pool = self.pool(&member.node_id)?;
            storage_votes.push(pool.storage_price_vote);
            write_votes.push(pool.write_price_vote);
            capacity_votes.push(pool.node_capacity_vote);
            shards.push(member.n_shards());
        }
        Ok(EpochParams {
            committee: selected,
            storage_price_per_unit_size: committee::quorum_price(&storage_votes, &shards),
            write_price_per_unit_size: committee::quorum_price(&write_votes, &shards),
            total_capacity_size: committee::quorum_capacity(&capacity_votes, &shards),
        })
    }

    /// Pays out the finished epoch; returns the shares of the members that failed the storage
    /// challenge.
    fn distribute_rewards(&mut self, mut rewards: Balance, ctx: &mut TxContext) -> MoveResult<Balance> {
        let total = rewards.value;
        let burned = (u128::from(total) * u128::from(self.burn_bps) / u128::from(MAX_BPS)) as u64;
        let set_aside = rewards.split(burned)?;
        self.burn_pending.join(set_aside);
        let distributable = u128::from(rewards.value);
        let n_shards = u128::from(self.committee.n_shards);
        let mut shares: Vec<u64> = self
            .committee
            .members
            .iter()
            .map(|m| (distributable * u128::from(m.n_shards()) / n_shards) as u64)
            .collect();
        let paid: u64 = shares.iter().sum();
        shares[0] += distributable as u64 - paid;
        let members: Vec<ObjectId> = self.committee.members.iter().map(|m| m.node_id).collect();
        let mut withheld = Balance::default();
        for (index, (node_id, share)) in members.iter().zip(shares).enumerate() {
            let part = rewards.split(share)?;
            if self.challenges.passed(&self.committee, index) {
                self.pool_mut(node_id)?.distribute(part);
            } else {
                let event = ChallengeRewardWithheld { epoch: self.epoch, node_id: *node_id, amount: part.value };
                emit(ctx, StakingEvent::ChallengeRewardWithheld(event));
                withheld.join(part);
            }
        }
        debug_assert_eq!(rewards.value, 0, "every FROST is paid out or withheld");
        emit(ctx, StakingEvent::RewardsDistributed(RewardsDistributed { epoch: self.epoch, rewards: total, burned }));
        Ok(withheld)
    }
}
