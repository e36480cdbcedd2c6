/// The shared `Staking` object and the public entry points of staking, committee selection and
/// epochs.
///
/// Like `system::System`, `Staking` is an id and a version with the state
/// (`staking_inner::StakingInnerV1`) in a dynamic field keyed by the version, so an upgrade can
/// migrate the state without changing the shared object.
///
/// Creation: `system::create` returns the `AdminCap`, and `create` here consumes it, so exactly
/// one `Staking` drives a `System`; the system records its id (`system::staking_object_id`).
/// The genesis committee becomes the first staking pools. From then on, storage nodes register
/// pools (`register_candidate`), anyone stakes with them, and the epochs advance by the clock:
/// `voting_end` selects the next committee after half an epoch, `initiate_epoch_change` starts
/// the next epoch after a whole one, and the new committee's nodes signal `epoch_sync_done`.
module walrus::staking;

use std::string::String;
use sui::{balance::Balance, clock::Clock, coin::{Self, Coin}, dynamic_field, random::Random};
use wal::wal::{WAL, ProtectedTreasury};
use walrus::{
    bls_aggregate::Committee,
    staked_wal::StakedWal,
    staking_inner::{Self, StakingInnerV1},
    staking_pool::StakingPool,
    storage_challenge,
    storage_node::StorageNodeCap,
    system::{Self, System, AdminCap}
};

/// Version of the state this package understands; also the dynamic field key of the state.
const VERSION: u64 = 1;

/// The `Staking` object holds a state version this package does not understand.
const EWrongVersion: u64 = 0;
/// `initiate_epoch_change` with a `System` that this staking object does not drive.
const EWrongSystem: u64 = 1;

/// BCS layout: id (32 bytes), version (u64). The state is the dynamic field named
/// `VERSION: u64` with value `StakingInnerV1`.
public struct Staking has key {
    id: UID,
    version: u64,
}

/// Creates and shares the `Staking` object for `system`, consuming the `AdminCap`: every member
/// of the system's committee becomes a staking pool (cap to `operators[i]`, `stake_amounts[i]`
/// of `stake` staked with it, active now). Parameters: epoch length, the largest committee, the
/// most shards one node may hold, and the share of rewards burned (basis points). Aborts:
/// `EWrongVersion` (of the system), then as `staking_inner::create`.
public fun create(
    admin_cap: AdminCap,
    system: &mut System,
    operators: vector<address>,
    stake: &mut Coin<WAL>,
    stake_amounts: vector<u64>,
    epoch_duration_ms: u64,
    max_committee_size: u16,
    max_shards_per_node: u16,
    burn_bps: u16,
    clock: &Clock,
    ctx: &mut TxContext,
) {
    system::destroy_admin_cap(admin_cap);
    let mut staking = Staking { id: object::new(ctx), version: VERSION };
    let inner = staking_inner::create(
        system,
        operators,
        stake.balance_mut(),
        stake_amounts,
        epoch_duration_ms,
        max_committee_size,
        max_shards_per_node,
        burn_bps,
        clock,
        ctx,
    );
    dynamic_field::add(&mut staking.id, VERSION, inner);
    system.set_staking_object_id(object::id(&staking));
    transfer::share_object(staking);
}

// === Pools and stake ===

/// Registers a staking pool for a storage node and returns the node's capability. The proof of
/// possession is a BLS signature by `public_key` over
/// `messages::proof_of_possession_message(epoch(), sender, public_key)`. Emits
/// `StakingPoolRegistered`. Aborts: `EWrongVersion`, then as `staking_inner::register_candidate`.
public fun register_candidate(
    self: &mut Staking,
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
    self
        .inner_mut()
        .register_candidate(
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

/// Stakes `to_stake` with the pool of `node_id` (at least `min_stake_frost()`). Emits
/// `StakedWalCreated`. Aborts: `EWrongVersion`, `staking_inner::{EUnknownNode, EStakeTooSmall}`.
public fun stake_with_pool(
    self: &mut Staking,
    to_stake: Coin<WAL>,
    node_id: ID,
    ctx: &mut TxContext,
): StakedWal {
    self.inner_mut().stake_with_pool(to_stake.into_balance(), node_id, ctx)
}

/// Asks to withdraw an active `StakedWal`. Emits `WithdrawRequested`. Aborts: `EWrongVersion`,
/// `staking_inner::{ENotStaked, ENotActive}`.
public fun request_withdraw_stake(self: &mut Staking, staked_wal: &mut StakedWal) {
    self.inner_mut().request_withdraw_stake(staked_wal)
}

/// Withdraws a `StakedWal`: its principal, plus its rewards if it was active. Emits
/// `StakeWithdrawn`. Aborts: `EWrongVersion`, `staking_inner::ENotWithdrawable`.
public fun withdraw_stake(
    self: &mut Staking,
    staked_wal: StakedWal,
    ctx: &mut TxContext,
): Coin<WAL> {
    coin::from_balance(self.inner_mut().withdraw_stake(staked_wal), ctx)
}

// === Operator ===

/// The node's commission so far. Aborts: `EWrongVersion`.
public fun collect_commission(
    self: &mut Staking,
    cap: &StorageNodeCap,
    ctx: &mut TxContext,
): Coin<WAL> {
    coin::from_balance(self.inner_mut().collect_commission(cap), ctx)
}

/// Sets the node's commission rate (basis points) from two epochs on. Aborts: `EWrongVersion`,
/// `staking_inner::EInvalidCommissionRate`.
public fun set_next_commission(self: &mut Staking, cap: &StorageNodeCap, commission_rate_bps: u16) {
    self.inner_mut().set_next_commission(cap, commission_rate_bps)
}

/// The node's vote for the storage price (FROST per MiB per epoch). Aborts: `EWrongVersion`.
public fun set_storage_price_vote(self: &mut Staking, cap: &StorageNodeCap, price: u64) {
    self.inner_mut().set_storage_price_vote(cap, price)
}

/// The node's vote for the write price (FROST per MiB). Aborts: `EWrongVersion`.
public fun set_write_price_vote(self: &mut Staking, cap: &StorageNodeCap, price: u64) {
    self.inner_mut().set_write_price_vote(cap, price)
}

/// The node's vote for the total capacity (encoded bytes per epoch). Aborts: `EWrongVersion`.
public fun set_node_capacity_vote(self: &mut Staking, cap: &StorageNodeCap, capacity: u64) {
    self.inner_mut().set_node_capacity_vote(cap, capacity)
}

// === Epochs ===

/// Selects the next epoch's committee and parameters (anyone may call it once half the epoch
/// has passed). Emits `EpochParametersSelected`. Aborts: `EWrongVersion`,
/// `staking_inner::{EWrongEpochState, ETooEarly}`.
public fun voting_end(self: &mut Staking, clock: &Clock) {
    self.inner_mut().voting_end(clock)
}

/// Starts the next epoch (anyone may call it once the epoch duration has passed). Emits
/// `EpochAdvanced`, `RewardsDistributed`, `EpochChangeStart`. Aborts: `EWrongVersion`,
/// `EWrongSystem`, `staking_inner::{EWrongEpochState, ETooEarly}`.
public fun initiate_epoch_change(self: &mut Staking, system: &mut System, clock: &Clock) {
    assert!(system.staking_object_id() == option::some(object::id(self)), EWrongSystem);
    self.inner_mut().initiate_epoch_change(system, clock)
}

/// A node of the current committee signals that it synced its shards for `epoch`. Emits
/// `EpochChangeSync` (and `EpochChangeDone`). Aborts: `EWrongVersion`,
/// `staking_inner::{EWrongEpoch, ENotInCommittee}`.
public fun epoch_sync_done(self: &mut Staking, cap: &StorageNodeCap, epoch: u32, clock: &Clock) {
    self.inner_mut().epoch_sync_done(cap, epoch, clock)
}

/// Burns the rewards set aside by the burn share, lowering the WAL supply (anyone may call
/// it). Aborts: `EWrongVersion`.
public fun burn_pending_rewards(
    self: &mut Staking,
    treasury: &mut ProtectedTreasury,
    ctx: &mut TxContext,
) {
    let pending = self.inner_mut().take_burn_pending();
    treasury.burn(coin::from_balance(pending, ctx));
}

// === Storage challenges ===

/// Draws the current epoch's storage-challenge seed, `storage_challenge::seed_bytes()` bytes
/// from `sui::random`, and issues the challenge to the current committee (anyone may call it,
/// once per epoch, after the committee synced; storage nodes do). Emits `ChallengeSeedSet`.
/// Aborts: `EWrongVersion`, `staking_inner::EWrongEpochState` (still syncing),
/// `storage_challenge::{EChallengesDisabled, ESeedAlreadySet}`.
///
/// An `entry` function that is not `public`, as Sui requires of functions taking `Random`: no
/// other contract can call it and inspect the seed within its transaction, and Sui only lets
/// `TransferObjects` and `MergeCoins` follow it in a programmable transaction.
entry fun set_challenge_seed(self: &mut Staking, random: &Random, ctx: &mut TxContext) {
    let inner = self.inner_mut();
    let mut generator = random.new_generator(ctx);
    let seed = generator.generate_bytes((storage_challenge::seed_bytes() as u16));
    inner.set_challenge_seed(seed);
}

/// The node of `cap` (a member of the current committee) attests that each of `node_ids`
/// answered the storage challenge of `epoch`, which must be the current epoch, with proofs that
/// verified. Each attester attests each node at most once per epoch. Emits `StorageAttested` per
/// node. Aborts: `EWrongVersion`, `storage_challenge::{EWrongEpoch, ENoChallenge,
/// ENotCommitteeMember, EUnknownChallengedNode, ESelfAttestation, EAlreadyAttested}`.
public fun attest_storage(
    self: &mut Staking,
    cap: &StorageNodeCap,
    epoch: u32,
    node_ids: vector<ID>,
) {
    self.inner_mut().attest_storage(cap, epoch, node_ids)
}

/// Sets the samples per member of the storage challenges issued from now on (0 switches them
/// off; `governance` executes approved changes). Emits `ChallengeParametersSet`. Aborts:
/// `EWrongVersion`, `storage_challenge::EInvalidChallengeParameters` (above
/// `storage_challenge::max_samples_per_node()`).
public(package) fun set_challenge_parameters(self: &mut Staking, samples_per_node: u16) {
    self.inner_mut().set_challenge_parameters(samples_per_node)
}

// === Governance (`governance` executes approved parameter changes) ===

/// Sets the epoch length. Aborts: `EWrongVersion`, `staking_inner::EInvalidParameters`.
public(package) fun set_epoch_duration_ms(self: &mut Staking, epoch_duration_ms: u64) {
    self.inner_mut().set_epoch_duration_ms(epoch_duration_ms)
}

/// Sets the largest committee. Aborts: `EWrongVersion`, `staking_inner::EInvalidParameters`.
public(package) fun set_max_committee_size(self: &mut Staking, max_committee_size: u16) {
    self.inner_mut().set_max_committee_size(max_committee_size)
}

/// Sets the share of rewards burned. Aborts: `EWrongVersion`,
/// `staking_inner::EInvalidParameters`.
public(package) fun set_burn_bps(self: &mut Staking, burn_bps: u16) {
    self.inner_mut().set_burn_bps(burn_bps)
}

/// Sets the smallest new stake. Aborts: `EWrongVersion`, `staking_inner::EInvalidParameters`.
public(package) fun set_min_stake_frost(self: &mut Staking, min_stake_frost: u64) {
    self.inner_mut().set_min_stake_frost(min_stake_frost)
}

/// Sets WAL aside to be burned by `burn_pending_rewards`. Aborts: `EWrongVersion`.
public(package) fun add_burn_pending(self: &mut Staking, to_burn: Balance<WAL>) {
    self.inner_mut().add_burn_pending(to_burn)
}

// === Accessors ===

public fun version(self: &Staking): u64 {
    self.version
}

/// The current epoch.
public fun epoch(self: &Staking): u32 {
    self.inner().epoch()
}

/// When the current epoch started, in clock milliseconds.
public fun epoch_start_ms(self: &Staking): u64 {
    self.inner().epoch_start_ms()
}

public fun epoch_duration_ms(self: &Staking): u64 {
    self.inner().epoch_duration_ms()
}

/// Whether the current committee is still syncing.
public fun is_epoch_change_sync(self: &Staking): bool {
    self.inner().is_epoch_change_sync()
}

/// Whether the current committee synced and `voting_end` has not run yet.
public fun is_epoch_change_done(self: &Staking): bool {
    self.inner().is_epoch_change_done()
}

/// Whether `voting_end` selected the next epoch's committee and parameters.
public fun is_next_params_selected(self: &Staking): bool {
    self.inner().is_next_params_selected()
}

/// The committee of the current epoch.
public fun committee(self: &Staking): &Committee {
    self.inner().committee()
}

/// The committee selected for the next epoch, if `voting_end` ran this epoch.
public fun next_committee(self: &Staking): Option<Committee> {
    self.inner().next_committee()
}

/// Shards of the current committee whose holders signalled `epoch_sync_done`.
public fun synced_shards(self: &Staking): u16 {
    self.inner().synced_shards()
}

public fun n_pools(self: &Staking): u64 {
    self.inner().n_pools()
}

/// Every pool's node id, in registration order.
public fun pool_ids(self: &Staking): vector<ID> {
    self.inner().pool_ids()
}

public fun has_pool(self: &Staking, node_id: ID): bool {
    self.inner().has_pool(node_id)
}

/// The pool of `node_id` (aborts in `sui::dynamic_field` if there is none).
public fun pool(self: &Staking, node_id: ID): &StakingPool {
    self.inner().pool(node_id)
}

/// Rewards (and missed-quorum governance deposits) set aside to be burned, in FROST.
public fun burn_pending_value(self: &Staking): u64 {
    self.inner().burn_pending_value()
}

/// The largest committee `voting_end` selects.
public fun max_committee_size(self: &Staking): u16 {
    self.inner().max_committee_size()
}

/// The share of rewards burned, in basis points.
public fun burn_bps(self: &Staking): u16 {
    self.inner().burn_bps()
}

/// The smallest stake `stake_with_pool` accepts, in FROST.
public fun min_stake_frost(self: &Staking): u64 {
    self.inner().min_stake_frost()
}

/// The WAL active in all pools in the current epoch, in FROST (principal plus compounded
/// rewards): the base of governance quorums.
public fun total_active_stake(self: &Staking): u64 {
    self.inner().total_active_stake()
}

/// The samples per member of the storage challenges issued from now on (0: switched off).
public fun challenge_samples_per_node(self: &Staking): u16 {
    self.inner().challenges().samples_per_node()
}

/// The current epoch's storage-challenge seed, once drawn.
public fun challenge_seed(self: &Staking): Option<vector<u8>> {
    self.inner().challenges().seed()
}

/// The shards of the members that attested `node_id` in the current epoch's storage challenge
/// (0 before the seed or for a node outside the committee).
public fun challenge_attested_shards(self: &Staking, node_id: ID): u16 {
    let inner = self.inner();
    let index = inner.committee().index_of(node_id);
    if (index.is_none()) return 0;
    inner.challenges().attested_shards(index.destroy_some())
}

fun inner(self: &Staking): &StakingInnerV1 {
    assert!(self.version == VERSION, EWrongVersion);
    dynamic_field::borrow(&self.id, VERSION)
}

fun inner_mut(self: &mut Staking): &mut StakingInnerV1 {
    assert!(self.version == VERSION, EWrongVersion);
    dynamic_field::borrow_mut(&mut self.id, VERSION)
}

#[test_only]
/// Calls the `entry` function `set_challenge_seed` from tests.
public fun set_challenge_seed_for_testing(
    self: &mut Staking,
    random: &Random,
    ctx: &mut TxContext,
) {
    set_challenge_seed(self, random, ctx)
}

#[test_only]
/// Pretends the object was migrated by another package version.
public fun set_version_for_testing(self: &mut Staking, version: u64) {
    self.version = version;
}
