/// The state of staking and epochs (version 1) and its rules: staking pools, stake, committee
/// selection, the epoch state machine and reward distribution. `staking::Staking` holds this
/// struct in a dynamic field keyed by its version; every function here is package-only and
/// reached through `staking`.
///
/// Epoch state machine, within epoch E that started at `epoch_start_ms`:
/// - `EpochChangeSync`: E's committee is syncing the shards it received. Once members holding
///   more than 2/3 of the shards called `epoch_sync_done`, the state is `EpochChangeDone`.
/// - `EpochChangeDone`: from `epoch_start_ms + epoch_duration_ms / 2` on, `voting_end` selects
///   the committee and parameters of E + 1 (`NextParamsSelected`). Stake added or withdrawn
///   from then on counts from E + 2.
/// - `NextParamsSelected`: from `epoch_start_ms + epoch_duration_ms` on,
///   `initiate_epoch_change` pays out E's storage fund, moves the system to E + 1 with the
///   selected committee and parameters, and starts `EpochChangeSync` of E + 1.
module walrus::staking_inner;

use std::string::String;
use sui::{balance::{Self, Balance}, bls12381, clock::Clock, table::{Self, Table}};
use wal::wal::WAL;
use walrus::{
    bls_aggregate::{Self, Committee},
    committee,
    events,
    messages,
    staked_wal::{Self, StakedWal},
    staking_pool::{Self, StakingPool},
    storage_challenge::{Self, StorageChallenges},
    storage_node::{Self, StorageNodeCap},
    system::System
};

/// Rates and the burn share are in basis points: 10_000 is 100%.
const MAX_BPS: u64 = 10_000;
/// A commission change takes effect this many epochs after the epoch it was set in, so that
/// stakers see it coming for a whole epoch and can withdraw before it applies.
const COMMISSION_CHANGE_DELAY_EPOCHS: u32 = 2;
/// Longest network address a node may announce (as `bls_aggregate`).
const MAX_NETWORK_ADDRESS_BYTES: u64 = 256;

/// `create`: a zero epoch duration, committee size or shard cap, a burn share above 100%, or
/// operator or stake vectors that do not match the committee.
const EInvalidParameters: u64 = 0;
/// The network address is empty or longer than 256 bytes.
const EInvalidNetworkAddress: u64 = 1;
/// The commission rate is above 10_000 basis points.
const EInvalidCommissionRate: u64 = 2;
/// The proof of possession does not verify against the public key.
const EInvalidProofOfPossession: u64 = 3;
/// No staking pool has this node id.
const EUnknownNode: u64 = 4;
/// The stake is below `staked_wal::min_stake_frost()`.
const EStakeTooSmall: u64 = 5;
/// The call does not fit the epoch state (e.g. `voting_end` twice in an epoch).
const EWrongEpochState: u64 = 6;
/// The clock has not reached the time the call is allowed at.
const ETooEarly: u64 = 7;
/// `epoch_sync_done` by a node that is not in the current committee.
const ENotInCommittee: u64 = 8;
/// `epoch_sync_done` for another epoch than the current one.
const EWrongEpoch: u64 = 9;
/// `request_withdraw_stake` on a `StakedWal` that is already withdrawing.
const ENotStaked: u64 = 10;
/// `request_withdraw_stake` on stake that is not active yet (withdraw it directly instead).
const ENotActive: u64 = 11;
/// `withdraw_stake` before the stake left the pool (or on active stake without a request).
const ENotWithdrawable: u64 = 12;

/// BCS: variant index as ULEB128 (0, 1, 2), no fields.
public enum EpochState has copy, drop, store {
    /// The committee of the current epoch is syncing its shards.
    EpochChangeSync,
    /// The committee synced; waiting for `voting_end`.
    EpochChangeDone,
    /// The next epoch's committee and parameters are selected; waiting for the epoch's end.
    NextParamsSelected,
}

/// What `voting_end` selected for the next epoch.
public struct EpochParams has copy, drop, store {
    committee: Committee,
    storage_price_per_unit_size: u64,
    write_price_per_unit_size: u64,
    total_capacity_size: u64,
}

/// BCS layout, in this order (docs/chain.md).
public struct StakingInnerV1 has store {
    /// The system's shard count.
    n_shards: u16,
    /// Length of an epoch.
    epoch_duration_ms: u64,
    /// The committee has at most this many members.
    max_committee_size: u16,
    /// A member holds at most this many shards (raised if too low to place all shards).
    max_shards_per_node: u16,
    /// Share of every epoch's rewards set aside to be burned, in basis points.
    burn_bps: u16,
    /// The current epoch (the system's).
    epoch: u32,
    epoch_state: EpochState,
    /// When the current epoch started (clock time of its `initiate_epoch_change`).
    epoch_start_ms: u64,
    /// The committee of the current epoch (the system's).
    committee: Committee,
    /// Nodes of the current committee that signalled `epoch_sync_done`, and their shards.
    synced_nodes: vector<ID>,
    synced_shards: u16,
    /// Set by `voting_end`, consumed by `initiate_epoch_change`.
    next_epoch_params: Option<EpochParams>,
    /// Every staking pool, by node id.
    pools: Table<ID, StakingPool>,
    /// The keys of `pools`, in registration order (the order pools are processed in).
    pool_ids: vector<ID>,
    /// Rewards set aside to be burned (`staking::burn_pending_rewards`), and the deposits of
    /// governance proposals that missed their quorum.
    burn_pending: Balance<WAL>,
    /// The smallest stake `stake_with_pool` accepts, in FROST (at least
    /// `staked_wal::min_stake_frost()`; changed by governance).
    min_stake_frost: u64,
    /// The storage challenge of the current epoch, its attestations and the parameters
    /// (`storage_challenge`).
    challenges: StorageChallenges,
}

/// The staking state for `system`, at its current epoch (state `EpochChangeDone`, the epoch
/// starting now). Every member of the system's committee becomes a staking pool with its node
/// id, key and address (its name is the address), commission 0 and votes equal to the
/// system's current prices and capacity; its `StorageNodeCap` goes to `operators[i]`, and if
/// `stake_amounts[i]` is not 0, that much WAL (taken from `stake`) is staked with it, active
/// now, as a `StakedWal` sent to `operators[i]`. Checks, in order: `EInvalidParameters`,
/// `EStakeTooSmall` (an amount between 0 and the minimum), then `sui::balance::ENotEnough` if
/// `stake` holds less than the amounts.
public(package) fun create(
    system: &System,
    operators: vector<address>,
    stake: &mut Balance<WAL>,
    stake_amounts: vector<u64>,
    epoch_duration_ms: u64,
    max_committee_size: u16,
    max_shards_per_node: u16,
    burn_bps: u16,
    clock: &Clock,
    ctx: &mut TxContext,
): StakingInnerV1 {
    let genesis_committee = *system.committee();
    let n_members = genesis_committee.n_members();
    assert!(
        epoch_duration_ms > 0 && max_committee_size > 0 && max_shards_per_node > 0
            && (burn_bps as u64) <= MAX_BPS
            && operators.length() == n_members
            && stake_amounts.length() == n_members,
        EInvalidParameters,
    );
    stake_amounts.do_ref!(|amount| {
        assert!(*amount == 0 || *amount >= staked_wal::min_stake_frost(), EStakeTooSmall);
    });
    let epoch = system.epoch();
    let mut inner = StakingInnerV1 {
        n_shards: system.n_shards(),
        epoch_duration_ms,
        max_committee_size,
        max_shards_per_node,
        burn_bps,
        epoch,
        epoch_state: EpochState::EpochChangeDone,
        epoch_start_ms: clock.timestamp_ms(),
        committee: genesis_committee,
        synced_nodes: vector[],
        synced_shards: 0,
        next_epoch_params: option::none(),
        pools: table::new(ctx),
        pool_ids: vector[],
        burn_pending: balance::zero(),
        min_stake_frost: staked_wal::min_stake_frost(),
        challenges: storage_challenge::new(storage_challenge::default_samples_per_node(), epoch),
    };
    let mut i = 0;
    while (i < n_members) {
        let member = genesis_committee.member(i);
        let node_id = member.node_id();
        let mut pool = staking_pool::new(
            node_id,
            member.network_address(),
            member.network_address(),
            bls12381::g1_from_bytes(&member.public_key_bytes()),
            0,
            system.storage_price_per_unit_size(),
            system.write_price_per_unit_size(),
            system.total_capacity_size(),
            ctx,
        );
        let amount = stake_amounts[i];
        if (amount > 0) pool.add_genesis_stake(amount, epoch);
        inner.pools.add(node_id, pool);
        inner.pool_ids.push_back(node_id);
        events::emit_staking_pool_registered(epoch, node_id);
        transfer::public_transfer(storage_node::new_cap(node_id, ctx), operators[i]);
        if (amount > 0) {
            let staked = staked_wal::mint(node_id, stake.split(amount), epoch, ctx);
            events::emit_staked_wal_created(epoch, object::id(&staked), node_id, amount, epoch);
            transfer::public_transfer(staked, operators[i]);
        };
        i = i + 1;
    };
    inner
}

// === Pools ===

/// Registers a staking pool for a new storage node and returns its capability. The node id is
/// a fresh object id. Checks, in order: `EInvalidNetworkAddress`, `EInvalidCommissionRate`, the
/// key (`sui::group_ops` code 1 if it is not a compressed G1 point), `EInvalidProofOfPossession`
/// (a min_pk signature by the key over `messages::proof_of_possession_message(epoch, sender,
/// public_key)`). Emits `StakingPoolRegistered`.
public(package) fun register_candidate(
    self: &mut StakingInnerV1,
    name: String,
    network_address: String,
    public_key: vector<u8>,
    proof_of_possession: vector<u8>,
    commission_rate_bps: u16,
    storage_price_vote: u64,
    write_price_vote: u64,
    node_capacity_vote: u64,
    ctx: &mut TxContext,
): StorageNodeCap {
    let address_bytes = network_address.length();
    assert!(
        address_bytes > 0 && address_bytes <= MAX_NETWORK_ADDRESS_BYTES,
        EInvalidNetworkAddress,
    );
    assert!((commission_rate_bps as u64) <= MAX_BPS, EInvalidCommissionRate);
    let key = bls12381::g1_from_bytes(&public_key);
    let message = messages::proof_of_possession_message(self.epoch, ctx.sender(), public_key);
    assert!(
        bls12381::bls12381_min_pk_verify(&proof_of_possession, key.bytes(), &message),
        EInvalidProofOfPossession,
    );
    let node_id = object::id_from_address(ctx.fresh_object_address());
    let pool = staking_pool::new(
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
    self.pool_ids.push_back(node_id);
    events::emit_staking_pool_registered(self.epoch, node_id);
    storage_node::new_cap(node_id, ctx)
}

/// Stakes `to_stake` with the pool `node_id`; it becomes active at the next committee
/// selection's epoch (`next_change_epoch`). Checks `EUnknownNode`, `EStakeTooSmall` (below
/// `min_stake_frost`). Emits `StakedWalCreated`.
public(package) fun stake_with_pool(
    self: &mut StakingInnerV1,
    to_stake: Balance<WAL>,
    node_id: ID,
    ctx: &mut TxContext,
): StakedWal {
    assert!(self.pools.contains(node_id), EUnknownNode);
    let amount = to_stake.value();
    assert!(amount >= self.min_stake_frost, EStakeTooSmall);
    let epoch = self.epoch;
    let activation_epoch = self.next_change_epoch();
    self.pools.borrow_mut(node_id).stake(amount, activation_epoch);
    let staked = staked_wal::mint(node_id, to_stake, activation_epoch, ctx);
    events::emit_staked_wal_created(epoch, object::id(&staked), node_id, amount, activation_epoch);
    staked
}

/// Asks to withdraw active stake: it leaves the pool (and the committee's stake) at the next
/// committee selection's epoch, and can be withdrawn from then on with its rewards. Checks
/// `ENotStaked`, `ENotActive`. Emits `WithdrawRequested`.
public(package) fun request_withdraw_stake(self: &mut StakingInnerV1, staked: &mut StakedWal) {
    assert!(staked.is_staked(), ENotStaked);
    assert!(staked.activation_epoch() <= self.epoch, ENotActive);
    let epoch = self.epoch;
    let withdraw_epoch = self.next_change_epoch();
    let node_id = staked.node_id();
    let tokens = self
        .pools
        .borrow_mut(node_id)
        .request_withdraw(staked.value(), staked.activation_epoch(), withdraw_epoch);
    staked.set_withdrawing(withdraw_epoch, tokens);
    events::emit_withdraw_requested(epoch, object::id(staked), node_id, tokens, withdraw_epoch);
}

/// Withdraws a `StakedWal`: stake that is not active yet returns at once (no rewards); a
/// withdrawing one returns its principal and rewards once its withdraw epoch has begun. Checks
/// `ENotWithdrawable`. Emits `StakeWithdrawn`.
public(package) fun withdraw_stake(self: &mut StakingInnerV1, staked: StakedWal): Balance<WAL> {
    let epoch = self.epoch;
    let node_id = staked.node_id();
    let staked_id = object::id(&staked);
    let principal = staked.value();
    let rewards = if (staked.is_staked()) {
        assert!(staked.activation_epoch() > epoch, ENotWithdrawable);
        self.pools.borrow_mut(node_id).cancel_stake(principal, staked.activation_epoch());
        balance::zero()
    } else {
        assert!(staked.withdraw_epoch() <= epoch, ENotWithdrawable);
        self
            .pools
            .borrow_mut(node_id)
            .withdraw_rewards(principal, staked.pool_token_amount(), staked.withdraw_epoch())
    };
    let rewards_value = rewards.value();
    let mut withdrawn = staked.into_balance();
    withdrawn.join(rewards);
    events::emit_stake_withdrawn(epoch, staked_id, node_id, principal, rewards_value);
    withdrawn
}

// === Operator ===

/// Takes the node's commission so far.
public(package) fun collect_commission(
    self: &mut StakingInnerV1,
    cap: &StorageNodeCap,
): Balance<WAL> {
    self.pools.borrow_mut(cap.node_id()).collect_commission()
}

/// Sets the node's commission rate from `COMMISSION_CHANGE_DELAY_EPOCHS` epochs on. Checks
/// `EInvalidCommissionRate`.
public(package) fun set_next_commission(
    self: &mut StakingInnerV1,
    cap: &StorageNodeCap,
    commission_rate_bps: u16,
) {
    assert!((commission_rate_bps as u64) <= MAX_BPS, EInvalidCommissionRate);
    let effective_epoch = self.epoch + COMMISSION_CHANGE_DELAY_EPOCHS;
    self.pools.borrow_mut(cap.node_id()).set_next_commission(commission_rate_bps, effective_epoch);
}

public(package) fun set_storage_price_vote(
    self: &mut StakingInnerV1,
    cap: &StorageNodeCap,
    price: u64,
) {
    self.pools.borrow_mut(cap.node_id()).set_storage_price_vote(price);
}

public(package) fun set_write_price_vote(
    self: &mut StakingInnerV1,
    cap: &StorageNodeCap,
    price: u64,
) {
    self.pools.borrow_mut(cap.node_id()).set_write_price_vote(price);
}

public(package) fun set_node_capacity_vote(
    self: &mut StakingInnerV1,
    cap: &StorageNodeCap,
    capacity: u64,
) {
    self.pools.borrow_mut(cap.node_id()).set_node_capacity_vote(capacity);
}

// === Epochs ===

/// Selects the committee and parameters of the next epoch (docs/chain.md, "Committee
/// selection"). Checks `EWrongEpochState` (must be `EpochChangeDone`), `ETooEarly` (half the
/// epoch must have passed). Emits `EpochParametersSelected`.
public(package) fun voting_end(self: &mut StakingInnerV1, clock: &Clock) {
    assert!(self.epoch_state == EpochState::EpochChangeDone, EWrongEpochState);
    let half_epoch_ms = self.epoch_duration_ms / 2;
    self.assert_elapsed(clock, half_epoch_ms);
    let next_epoch = self.epoch + 1;
    let mut node_ids = vector[];
    let mut stakes = vector[];
    let mut i = 0;
    while (i < self.pool_ids.length()) {
        let node_id = self.pool_ids[i];
        let stake = self.pools.borrow(node_id).next_epoch_stake(next_epoch);
        if (stake > 0) {
            node_ids.push_back(node_id);
            stakes.push_back(stake);
        };
        i = i + 1;
    };
    committee::sort_candidates(&mut node_ids, &mut stakes);
    while (node_ids.length() > (self.max_committee_size as u64)) {
        node_ids.pop_back();
        stakes.pop_back();
    };
    let next_committee = if (node_ids.is_empty()) {
        // Nobody has stake: the committee and its shards stay.
        self.committee
    } else {
        let counts = committee::shard_counts(&stakes, self.n_shards, self.max_shards_per_node);
        // Candidates whose share rounds to no shard do not join the committee.
        let mut member_ids = vector[];
        let mut member_counts = vector[];
        let mut public_keys = vector[];
        let mut network_addresses = vector[];
        let mut i = 0;
        while (i < node_ids.length()) {
            if (counts[i] > 0) {
                let pool = self.pools.borrow(node_ids[i]);
                member_ids.push_back(node_ids[i]);
                member_counts.push_back(counts[i]);
                public_keys.push_back(pool.public_key_bytes());
                network_addresses.push_back(pool.network_address());
            };
            i = i + 1;
        };
        let shard_ids = committee::assign_shards(
            &self.committee,
            &member_ids,
            &member_counts,
            self.n_shards,
        );
        bls_aggregate::new_committee_with_shards(
            member_ids,
            public_keys,
            network_addresses,
            shard_ids,
        )
    };
    let params = self.epoch_params(next_committee);
    events::emit_epoch_parameters_selected(
        next_epoch,
        params.storage_price_per_unit_size,
        params.write_price_per_unit_size,
        params.total_capacity_size,
    );
    self.next_epoch_params = option::some(params);
    self.epoch_state = EpochState::NextParamsSelected;
}

/// Ends the current epoch: pays out its storage fund (docs/chain.md, "Rewards"), moves `system`
/// to the next epoch with the selected committee and parameters, and moves every pool's stake
/// changes due then. Checks `EWrongEpochState` (must be `NextParamsSelected`), `ETooEarly` (the
/// epoch duration must have passed). Emits (besides the system's `EpochAdvanced`)
/// `RewardsDistributed` and `EpochChangeStart`.
public(package) fun initiate_epoch_change(
    self: &mut StakingInnerV1,
    system: &mut System,
    clock: &Clock,
) {
    assert!(self.epoch_state == EpochState::NextParamsSelected, EWrongEpochState);
    let epoch_duration_ms = self.epoch_duration_ms;
    self.assert_elapsed(clock, epoch_duration_ms);
    let params = self.next_epoch_params.extract();
    let EpochParams {
        committee: next_committee,
        storage_price_per_unit_size,
        write_price_per_unit_size,
        total_capacity_size,
    } = params;
    system.advance_epoch(
        next_committee,
        storage_price_per_unit_size,
        write_price_per_unit_size,
        total_capacity_size,
    );
    let rewards = system.withdraw_rewards();
    // The shares of members that failed the epoch's storage challenge stay in the storage fund:
    // the account of the epoch starting now, paid out at its end.
    let withheld = self.distribute_rewards(rewards);
    system.add_to_current_epoch_funds(withheld);
    let new_epoch = self.epoch + 1;
    let mut i = 0;
    while (i < self.pool_ids.length()) {
        let node_id = self.pool_ids[i];
        self.pools.borrow_mut(node_id).advance_epoch(new_epoch);
        i = i + 1;
    };
    self.epoch = new_epoch;
    self.committee = next_committee;
    self.synced_nodes = vector[];
    self.synced_shards = 0;
    self.challenges.start_epoch(new_epoch);
    self.epoch_state = EpochState::EpochChangeSync;
    self.epoch_start_ms = clock.timestamp_ms();
    events::emit_epoch_change_start(new_epoch);
}

/// A member of the current committee signals that it synced its shards for `epoch`. Checks
/// `EWrongEpoch`, `ENotInCommittee`. A repeated signal, or one after the change is done, is a
/// no-op. Emits `EpochChangeSync`, and `EpochChangeDone` once the members that signalled hold
/// more than two thirds of the shards.
public(package) fun epoch_sync_done(
    self: &mut StakingInnerV1,
    cap: &StorageNodeCap,
    epoch: u32,
    clock: &Clock,
) {
    assert!(epoch == self.epoch, EWrongEpoch);
    let node_id = cap.node_id();
    let index = self.committee.index_of(node_id);
    assert!(index.is_some(), ENotInCommittee);
    if (self.epoch_state != EpochState::EpochChangeSync || self.synced_nodes.contains(&node_id)) {
        return
    };
    let shards = self.committee.member(index.destroy_some()).member_shards();
    self.synced_nodes.push_back(node_id);
    self.synced_shards = self.synced_shards + shards;
    events::emit_epoch_change_sync(epoch, node_id, self.synced_shards);
    if (self.committee.is_quorum((self.synced_shards as u64))) {
        self.epoch_state = EpochState::EpochChangeDone;
        events::emit_epoch_change_done(epoch, clock.timestamp_ms());
    };
}

/// Takes the rewards set aside to be burned.
public(package) fun take_burn_pending(self: &mut StakingInnerV1): Balance<WAL> {
    self.burn_pending.withdraw_all()
}

/// Sets WAL aside to be burned with the rewards (a governance deposit that missed its quorum).
public(package) fun add_burn_pending(self: &mut StakingInnerV1, to_burn: Balance<WAL>) {
    self.burn_pending.join(to_burn);
}

// === Parameters (set by `governance`) ===

/// Sets the epoch length; the current epoch's `voting_end` and `initiate_epoch_change` times
/// move with it. Checks `EInvalidParameters` (0).
public(package) fun set_epoch_duration_ms(self: &mut StakingInnerV1, epoch_duration_ms: u64) {
    assert!(epoch_duration_ms > 0, EInvalidParameters);
    self.epoch_duration_ms = epoch_duration_ms;
}

/// Sets the largest committee `voting_end` selects. Checks `EInvalidParameters` (0).
public(package) fun set_max_committee_size(self: &mut StakingInnerV1, max_committee_size: u16) {
    assert!(max_committee_size > 0, EInvalidParameters);
    self.max_committee_size = max_committee_size;
}

/// Sets the share of rewards burned from the next distribution on. Checks
/// `EInvalidParameters` (above 10_000 basis points).
public(package) fun set_burn_bps(self: &mut StakingInnerV1, burn_bps: u16) {
    assert!((burn_bps as u64) <= MAX_BPS, EInvalidParameters);
    self.burn_bps = burn_bps;
}

/// Sets the smallest stake `stake_with_pool` accepts; existing stake is unaffected. Checks
/// `EInvalidParameters` (below `staked_wal::min_stake_frost()`, which splits keep to).
public(package) fun set_min_stake_frost(self: &mut StakingInnerV1, min_stake_frost: u64) {
    assert!(min_stake_frost >= staked_wal::min_stake_frost(), EInvalidParameters);
    self.min_stake_frost = min_stake_frost;
}

// === Storage challenges ===

/// Issues the current epoch's storage challenge with `seed` (drawn by
/// `staking::set_challenge_seed`). Checks `EWrongEpochState` (the committee is still syncing:
/// shards are still moving, so nobody can be expected to hold them yet), then as
/// `storage_challenge::set_seed`. Emits `ChallengeSeedSet`.
public(package) fun set_challenge_seed(self: &mut StakingInnerV1, seed: vector<u8>) {
    assert!(self.epoch_state != EpochState::EpochChangeSync, EWrongEpochState);
    self.challenges.set_seed(&self.committee, seed);
}

/// The node of `cap` attests that `node_ids` answered the challenge of `epoch` (the current one)
/// with proofs that verified. Checks as `storage_challenge::attest`. Emits `StorageAttested` per
/// node.
public(package) fun attest_storage(
    self: &mut StakingInnerV1,
    cap: &StorageNodeCap,
    epoch: u32,
    node_ids: vector<ID>,
) {
    self.challenges.attest(&self.committee, cap.node_id(), epoch, node_ids);
}

/// Sets the samples per member of the challenges issued from now on (0 switches them off).
/// Checks `storage_challenge::EInvalidChallengeParameters`. Emits `ChallengeParametersSet`.
public(package) fun set_challenge_parameters(self: &mut StakingInnerV1, samples_per_node: u16) {
    self.challenges.set_parameters(samples_per_node);
}

/// The storage challenge state of the current epoch.
public(package) fun challenges(self: &StakingInnerV1): &StorageChallenges {
    &self.challenges
}

// === Accessors ===

public(package) fun epoch(self: &StakingInnerV1): u32 {
    self.epoch
}

public(package) fun epoch_start_ms(self: &StakingInnerV1): u64 {
    self.epoch_start_ms
}

public(package) fun epoch_duration_ms(self: &StakingInnerV1): u64 {
    self.epoch_duration_ms
}

public(package) fun is_epoch_change_sync(self: &StakingInnerV1): bool {
    self.epoch_state == EpochState::EpochChangeSync
}

public(package) fun is_epoch_change_done(self: &StakingInnerV1): bool {
    self.epoch_state == EpochState::EpochChangeDone
}

public(package) fun is_next_params_selected(self: &StakingInnerV1): bool {
    self.epoch_state == EpochState::NextParamsSelected
}

public(package) fun committee(self: &StakingInnerV1): &Committee {
    &self.committee
}

/// The committee `voting_end` selected for the next epoch, if it ran this epoch.
public(package) fun next_committee(self: &StakingInnerV1): Option<Committee> {
    if (self.next_epoch_params.is_some()) {
        option::some(self.next_epoch_params.borrow().committee)
    } else {
        option::none()
    }
}

public(package) fun synced_shards(self: &StakingInnerV1): u16 {
    self.synced_shards
}

public(package) fun n_pools(self: &StakingInnerV1): u64 {
    self.pool_ids.length()
}

public(package) fun pool_ids(self: &StakingInnerV1): vector<ID> {
    self.pool_ids
}

public(package) fun has_pool(self: &StakingInnerV1, node_id: ID): bool {
    self.pools.contains(node_id)
}

public(package) fun pool(self: &StakingInnerV1, node_id: ID): &StakingPool {
    self.pools.borrow(node_id)
}

public(package) fun burn_pending_value(self: &StakingInnerV1): u64 {
    self.burn_pending.value()
}

public(package) fun max_committee_size(self: &StakingInnerV1): u16 {
    self.max_committee_size
}

public(package) fun burn_bps(self: &StakingInnerV1): u16 {
    self.burn_bps
}

public(package) fun min_stake_frost(self: &StakingInnerV1): u64 {
    self.min_stake_frost
}

/// The WAL active in all pools in the current epoch (principal plus compounded rewards).
public(package) fun total_active_stake(self: &StakingInnerV1): u64 {
    let mut total = 0;
    let mut i = 0;
    while (i < self.pool_ids.length()) {
        total = total + self.pools.borrow(self.pool_ids[i]).active_stake();
        i = i + 1;
    };
    total
}

// === Internal ===

/// The epoch from which stake added or withdrawn now counts: the next one, or the one after it
/// if the next committee is already selected.
fun next_change_epoch(self: &StakingInnerV1): u32 {
    if (self.epoch_state == EpochState::NextParamsSelected) self.epoch + 2 else self.epoch + 1
}

/// Aborts with `ETooEarly` unless `duration_ms` passed since the epoch started.
fun assert_elapsed(self: &StakingInnerV1, clock: &Clock, duration_ms: u64) {
    let now = clock.timestamp_ms();
    assert!(now >= self.epoch_start_ms && now - self.epoch_start_ms >= duration_ms, ETooEarly);
}

/// The parameters `committee`'s votes select, weighted by its members' shards.
fun epoch_params(self: &StakingInnerV1, selected: Committee): EpochParams {
    let mut storage_votes = vector[];
    let mut write_votes = vector[];
    let mut capacity_votes = vector[];
    let mut shards = vector[];
    let mut i = 0;
    while (i < selected.n_members()) {
        let member = selected.member(i);
        let pool = self.pools.borrow(member.node_id());
        storage_votes.push_back(pool.storage_price_vote());
        write_votes.push_back(pool.write_price_vote());
        capacity_votes.push_back(pool.node_capacity_vote());
        shards.push_back(member.member_shards());
        i = i + 1;
    };
    EpochParams {
        committee: selected,
        storage_price_per_unit_size: committee::quorum_price(&storage_votes, &shards),
        write_price_per_unit_size: committee::quorum_price(&write_votes, &shards),
        total_capacity_size: committee::quorum_capacity(&capacity_votes, &shards),
    }
}

/// Pays out the finished epoch's storage fund: `burn_bps` of it (rounded down) is set aside to
/// burn; of the rest each member of the finished committee gets the share of its shards
/// (rounded down), and member 0 also gets what rounding left over. Each member's pool takes
/// its commission and passes the rest to its stakers, except for members that failed the
/// epoch's storage challenge (`storage_challenge::passed`): their whole shares are returned, for
/// the storage fund of the next epoch. Emits `ChallengeRewardWithheld` per failed member, then
/// `RewardsDistributed`.
fun distribute_rewards(self: &mut StakingInnerV1, mut rewards: Balance<WAL>): Balance<WAL> {
    let total = rewards.value();
    let burned = (((total as u128) * (self.burn_bps as u128) / (MAX_BPS as u128)) as u64);
    self.burn_pending.join(rewards.split(burned));
    let distributable = (rewards.value() as u128);
    let n_shards = (self.committee.n_shards() as u128);
    let n_members = self.committee.n_members();
    let mut shares = vector[];
    let mut paid = 0u64;
    let mut i = 0;
    while (i < n_members) {
        let member_shards = (self.committee.member(i).member_shards() as u128);
        let share = ((distributable * member_shards / n_shards) as u64);
        shares.push_back(share);
        paid = paid + share;
        i = i + 1;
    };
    let leftover = (distributable as u64) - paid;
    let first = &mut shares[0];
    *first = *first + leftover;
    let mut withheld = balance::zero();
    let mut i = 0;
    while (i < n_members) {
        let node_id = self.committee.member(i).node_id();
        let share = rewards.split(shares[i]);
        if (self.challenges.passed(&self.committee, i)) {
            self.pools.borrow_mut(node_id).distribute(share);
        } else {
            events::emit_challenge_reward_withheld(self.epoch, node_id, share.value());
            withheld.join(share);
        };
        i = i + 1;
    };
    rewards.destroy_zero();
    events::emit_rewards_distributed(self.epoch, total, burned);
    withheld
}
