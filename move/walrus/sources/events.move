/// Events: how storage nodes and indexers learn what happened on chain.
///
/// Nodes do not read blob objects; they follow these events. Every event therefore carries all
/// a node needs to act on it without a further lookup: which blob (id and object id), until when
/// it must be stored (end epoch), and whether it can disappear early (deletable). Sui requires an
/// event type to be emitted from its own module, hence the emit functions here. Field order is the
/// BCS layout (docs/chain.md).
module walrus::events;

use std::string::String;
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

/// An access policy was created and shared; `admin_cap_id` is the cap that administers it.
public struct AccessPolicyCreated has copy, drop {
    policy_id: ID,
    admin_cap_id: ID,
    name: String,
    expiry_epoch: Option<u32>,
}

/// `reader` may read under the policy; `version` is the policy's version after the change.
public struct ReaderAdded has copy, drop {
    policy_id: ID,
    reader: address,
    version: u64,
}

/// `reader` may no longer read under the policy; `version` is the policy's version after the
/// change.
public struct ReaderRemoved has copy, drop {
    policy_id: ID,
    reader: address,
    version: u64,
}

/// The policy's expiry epoch changed (`none`: it never expires).
public struct AccessPolicyExpirySet has copy, drop {
    policy_id: ID,
    expiry_epoch: Option<u32>,
    version: u64,
}

/// The policy was renamed.
public struct AccessPolicyRenamed has copy, drop {
    policy_id: ID,
    name: String,
    version: u64,
}

/// The blob object `object_id` was put under the policy.
public struct BlobGoverned has copy, drop {
    policy_id: ID,
    blob_id: u256,
    object_id: ID,
}

/// The blob object `object_id` was taken out of the policy.
public struct BlobReleased has copy, drop {
    policy_id: ID,
    blob_id: u256,
    object_id: ID,
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

public(package) fun emit_access_policy_created(
    policy_id: ID,
    admin_cap_id: ID,
    name: String,
    expiry_epoch: Option<u32>,
) {
    event::emit(AccessPolicyCreated { policy_id, admin_cap_id, name, expiry_epoch });
}

public(package) fun emit_reader_added(policy_id: ID, reader: address, version: u64) {
    event::emit(ReaderAdded { policy_id, reader, version });
}

public(package) fun emit_reader_removed(policy_id: ID, reader: address, version: u64) {
    event::emit(ReaderRemoved { policy_id, reader, version });
}

public(package) fun emit_access_policy_expiry_set(
    policy_id: ID,
    expiry_epoch: Option<u32>,
    version: u64,
) {
    event::emit(AccessPolicyExpirySet { policy_id, expiry_epoch, version });
}

public(package) fun emit_access_policy_renamed(policy_id: ID, name: String, version: u64) {
    event::emit(AccessPolicyRenamed { policy_id, name, version });
}

public(package) fun emit_blob_governed(policy_id: ID, blob_id: u256, object_id: ID) {
    event::emit(BlobGoverned { policy_id, blob_id, object_id });
}

public(package) fun emit_blob_released(policy_id: ID, blob_id: u256, object_id: ID) {
    event::emit(BlobReleased { policy_id, blob_id, object_id });
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

#[test_only]
public fun access_policy_created(
    policy_id: ID,
    admin_cap_id: ID,
    name: String,
    expiry_epoch: Option<u32>,
): AccessPolicyCreated {
    AccessPolicyCreated { policy_id, admin_cap_id, name, expiry_epoch }
}

#[test_only]
public fun reader_added(policy_id: ID, reader: address, version: u64): ReaderAdded {
    ReaderAdded { policy_id, reader, version }
}

#[test_only]
public fun reader_removed(policy_id: ID, reader: address, version: u64): ReaderRemoved {
    ReaderRemoved { policy_id, reader, version }
}

#[test_only]
public fun access_policy_expiry_set(
    policy_id: ID,
    expiry_epoch: Option<u32>,
    version: u64,
): AccessPolicyExpirySet {
    AccessPolicyExpirySet { policy_id, expiry_epoch, version }
}

#[test_only]
public fun access_policy_renamed(policy_id: ID, name: String, version: u64): AccessPolicyRenamed {
    AccessPolicyRenamed { policy_id, name, version }
}

#[test_only]
public fun blob_governed(policy_id: ID, blob_id: u256, object_id: ID): BlobGoverned {
    BlobGoverned { policy_id, blob_id, object_id }
}

#[test_only]
public fun blob_released(policy_id: ID, blob_id: u256, object_id: ID): BlobReleased {
    BlobReleased { policy_id, blob_id, object_id }
}

// === Staking and epochs (emitted by `staking`) ===

/// A storage node registered a staking pool; `node_id` is the pool's (and the node's) id.
public struct StakingPoolRegistered has copy, drop {
    epoch: u32,
    node_id: ID,
}

/// WAL was staked with the pool `node_id`; it counts for the committee from `activation_epoch`.
public struct StakedWalCreated has copy, drop {
    epoch: u32,
    staked_wal_id: ID,
    node_id: ID,
    amount: u64,
    activation_epoch: u32,
}

/// A staker asked to withdraw: the stake leaves the pool's active stake at `withdraw_epoch`
/// and can be withdrawn from then on.
public struct WithdrawRequested has copy, drop {
    epoch: u32,
    staked_wal_id: ID,
    node_id: ID,
    pool_token_amount: u64,
    withdraw_epoch: u32,
}

/// A `StakedWal` was withdrawn: its `principal` and `rewards` went back to the staker.
public struct StakeWithdrawn has copy, drop {
    epoch: u32,
    staked_wal_id: ID,
    node_id: ID,
    principal: u64,
    rewards: u64,
}

/// `voting_end` selected the committee and the prices and capacity of `next_epoch`.
public struct EpochParametersSelected has copy, drop {
    next_epoch: u32,
    storage_price_per_unit_size: u64,
    write_price_per_unit_size: u64,
    total_capacity_size: u64,
}

/// The system moved to `epoch`: its committee must now sync the shards it received.
public struct EpochChangeStart has copy, drop {
    epoch: u32,
}

/// A member of the committee of `epoch` finished syncing its shards; `synced_shards` is the
/// total of the shards whose holders have signalled so far.
public struct EpochChangeSync has copy, drop {
    epoch: u32,
    node_id: ID,
    synced_shards: u16,
}

/// Nodes holding more than two thirds of the shards of `epoch` finished syncing.
public struct EpochChangeDone has copy, drop {
    epoch: u32,
    timestamp_ms: u64,
}

/// The storage fund of the finished `epoch` was paid out: `rewards` in total, of which `burned`
/// was set aside to be burned.
public struct RewardsDistributed has copy, drop {
    epoch: u32,
    rewards: u64,
    burned: u64,
}

public(package) fun emit_staking_pool_registered(epoch: u32, node_id: ID) {
    event::emit(StakingPoolRegistered { epoch, node_id });
}

public(package) fun emit_staked_wal_created(
    epoch: u32,
    staked_wal_id: ID,
    node_id: ID,
    amount: u64,
    activation_epoch: u32,
) {
    event::emit(StakedWalCreated { epoch, staked_wal_id, node_id, amount, activation_epoch });
}

public(package) fun emit_withdraw_requested(
    epoch: u32,
    staked_wal_id: ID,
    node_id: ID,
    pool_token_amount: u64,
    withdraw_epoch: u32,
) {
    event::emit(WithdrawRequested {
        epoch,
        staked_wal_id,
        node_id,
        pool_token_amount,
        withdraw_epoch,
    });
}

public(package) fun emit_stake_withdrawn(
    epoch: u32,
    staked_wal_id: ID,
    node_id: ID,
    principal: u64,
    rewards: u64,
) {
    event::emit(StakeWithdrawn { epoch, staked_wal_id, node_id, principal, rewards });
}

public(package) fun emit_epoch_parameters_selected(
    next_epoch: u32,
    storage_price_per_unit_size: u64,
    write_price_per_unit_size: u64,
    total_capacity_size: u64,
) {
    event::emit(EpochParametersSelected {
        next_epoch,
        storage_price_per_unit_size,
        write_price_per_unit_size,
        total_capacity_size,
    });
}

public(package) fun emit_epoch_change_start(epoch: u32) {
    event::emit(EpochChangeStart { epoch });
}

public(package) fun emit_epoch_change_sync(epoch: u32, node_id: ID, synced_shards: u16) {
    event::emit(EpochChangeSync { epoch, node_id, synced_shards });
}

public(package) fun emit_epoch_change_done(epoch: u32, timestamp_ms: u64) {
    event::emit(EpochChangeDone { epoch, timestamp_ms });
}

public(package) fun emit_rewards_distributed(epoch: u32, rewards: u64, burned: u64) {
    event::emit(RewardsDistributed { epoch, rewards, burned });
}

#[test_only]
public fun staking_pool_registered(epoch: u32, node_id: ID): StakingPoolRegistered {
    StakingPoolRegistered { epoch, node_id }
}

#[test_only]
public fun staked_wal_created(
    epoch: u32,
    staked_wal_id: ID,
    node_id: ID,
    amount: u64,
    activation_epoch: u32,
): StakedWalCreated {
    StakedWalCreated { epoch, staked_wal_id, node_id, amount, activation_epoch }
}

#[test_only]
public fun withdraw_requested(
    epoch: u32,
    staked_wal_id: ID,
    node_id: ID,
    pool_token_amount: u64,
    withdraw_epoch: u32,
): WithdrawRequested {
    WithdrawRequested { epoch, staked_wal_id, node_id, pool_token_amount, withdraw_epoch }
}

#[test_only]
public fun stake_withdrawn(
    epoch: u32,
    staked_wal_id: ID,
    node_id: ID,
    principal: u64,
    rewards: u64,
): StakeWithdrawn {
    StakeWithdrawn { epoch, staked_wal_id, node_id, principal, rewards }
}

#[test_only]
public fun epoch_parameters_selected(
    next_epoch: u32,
    storage_price_per_unit_size: u64,
    write_price_per_unit_size: u64,
    total_capacity_size: u64,
): EpochParametersSelected {
    EpochParametersSelected {
        next_epoch,
        storage_price_per_unit_size,
        write_price_per_unit_size,
        total_capacity_size,
    }
}

#[test_only]
public fun epoch_change_start(epoch: u32): EpochChangeStart {
    EpochChangeStart { epoch }
}

#[test_only]
public fun epoch_change_sync(epoch: u32, node_id: ID, synced_shards: u16): EpochChangeSync {
    EpochChangeSync { epoch, node_id, synced_shards }
}

#[test_only]
public fun epoch_change_done(epoch: u32, timestamp_ms: u64): EpochChangeDone {
    EpochChangeDone { epoch, timestamp_ms }
}

#[test_only]
public fun rewards_distributed(epoch: u32, rewards: u64, burned: u64): RewardsDistributed {
    RewardsDistributed { epoch, rewards, burned }
}

// === Storage challenges (emitted by `staking`, through `storage_challenge`) ===

/// The storage challenge of `epoch` was issued: `seed` (32 bytes from `sui::random`) and
/// `samples_per_node` determine every member's samples (docs/node.md, "Storage challenges").
public struct ChallengeSeedSet has copy, drop {
    epoch: u32,
    seed: vector<u8>,
    samples_per_node: u16,
}

/// The member `attester` verified the challenge proofs of the member `node_id` in `epoch`;
/// `attested_shards` is the total of the shards of the members that attested `node_id` so far.
public struct StorageAttested has copy, drop {
    epoch: u32,
    attester: ID,
    node_id: ID,
    attested_shards: u16,
}

/// The member `node_id` lacked a quorum of attestations in the finished `epoch`: its share
/// `amount` of the epoch's rewards stays in the storage fund, in the next epoch's account.
public struct ChallengeRewardWithheld has copy, drop {
    epoch: u32,
    node_id: ID,
    amount: u64,
}

/// Challenges issued from now on ask each member for `samples_per_node` samples (0: none).
public struct ChallengeParametersSet has copy, drop {
    epoch: u32,
    samples_per_node: u16,
}

public(package) fun emit_challenge_seed_set(epoch: u32, seed: vector<u8>, samples_per_node: u16) {
    event::emit(ChallengeSeedSet { epoch, seed, samples_per_node });
}

public(package) fun emit_storage_attested(
    epoch: u32,
    attester: ID,
    node_id: ID,
    attested_shards: u16,
) {
    event::emit(StorageAttested { epoch, attester, node_id, attested_shards });
}

public(package) fun emit_challenge_reward_withheld(epoch: u32, node_id: ID, amount: u64) {
    event::emit(ChallengeRewardWithheld { epoch, node_id, amount });
}

public(package) fun emit_challenge_parameters_set(epoch: u32, samples_per_node: u16) {
    event::emit(ChallengeParametersSet { epoch, samples_per_node });
}

#[test_only]
public fun challenge_seed_set(
    epoch: u32,
    seed: vector<u8>,
    samples_per_node: u16,
): ChallengeSeedSet {
    ChallengeSeedSet { epoch, seed, samples_per_node }
}

#[test_only]
public fun storage_attested(
    epoch: u32,
    attester: ID,
    node_id: ID,
    attested_shards: u16,
): StorageAttested {
    StorageAttested { epoch, attester, node_id, attested_shards }
}

#[test_only]
public fun challenge_reward_withheld(
    epoch: u32,
    node_id: ID,
    amount: u64,
): ChallengeRewardWithheld {
    ChallengeRewardWithheld { epoch, node_id, amount }
}

#[test_only]
public fun challenge_parameters_set(epoch: u32, samples_per_node: u16): ChallengeParametersSet {
    ChallengeParametersSet { epoch, samples_per_node }
}

// === Governance (emitted by `governance`) ===

/// A proposal was created. `kind`: 0 parameter change (`parameter` set to `value`), 1 package
/// upgrade (to the package with `digest`), 2 text; fields of other kinds are zero or empty.
public struct ProposalCreated has copy, drop {
    proposal_id: ID,
    number: u64,
    proposer: address,
    kind: u8,
    parameter: u8,
    value: u64,
    digest: vector<u8>,
    description: String,
    deposit: u64,
    voting_end_ms: u64,
    executable_from_ms: u64,
    total_stake: u64,
    quorum_bps: u16,
    approval_threshold_bps: u16,
}

/// `staked_wal_id` voted `choice` (0 yes, 1 no, 2 abstain) with `weight` FROST; a changed vote
/// names the replaced choice and weight. The tallies are those after the vote.
public struct VoteCast has copy, drop {
    proposal_id: ID,
    staked_wal_id: ID,
    voter: address,
    choice: u8,
    weight: u64,
    previous_choice: Option<u8>,
    previous_weight: u64,
    yes_stake: u64,
    no_stake: u64,
    abstain_stake: u64,
}

/// An approved proposal was executed (for an upgrade: its ticket was issued).
public struct ProposalExecuted has copy, drop {
    proposal_id: ID,
    kind: u8,
    parameter: u8,
    value: u64,
    digest: vector<u8>,
    timestamp_ms: u64,
}

/// An upgrade authorised by governance was committed: the package is now `package_id`, at
/// `version`.
public struct UpgradeCommitted has copy, drop {
    package_id: ID,
    version: u64,
}

/// The proposal reached its quorum: its deposit went back to the proposer.
public struct DepositReturned has copy, drop {
    proposal_id: ID,
    proposer: address,
    amount: u64,
}

/// The proposal missed its quorum: its deposit was set aside to be burned.
public struct DepositBurned has copy, drop {
    proposal_id: ID,
    amount: u64,
}

public(package) fun emit_proposal_created(
    proposal_id: ID,
    number: u64,
    proposer: address,
    kind: u8,
    parameter: u8,
    value: u64,
    digest: vector<u8>,
    description: String,
    deposit: u64,
    voting_end_ms: u64,
    executable_from_ms: u64,
    total_stake: u64,
    quorum_bps: u16,
    approval_threshold_bps: u16,
) {
    event::emit(ProposalCreated {
        proposal_id,
        number,
        proposer,
        kind,
        parameter,
        value,
        digest,
        description,
        deposit,
        voting_end_ms,
        executable_from_ms,
        total_stake,
        quorum_bps,
        approval_threshold_bps,
    });
}

public(package) fun emit_vote_cast(
    proposal_id: ID,
    staked_wal_id: ID,
    voter: address,
    choice: u8,
    weight: u64,
    previous_choice: Option<u8>,
    previous_weight: u64,
    yes_stake: u64,
    no_stake: u64,
    abstain_stake: u64,
) {
    event::emit(VoteCast {
        proposal_id,
        staked_wal_id,
        voter,
        choice,
        weight,
        previous_choice,
        previous_weight,
        yes_stake,
        no_stake,
        abstain_stake,
    });
}

public(package) fun emit_proposal_executed(
    proposal_id: ID,
    kind: u8,
    parameter: u8,
    value: u64,
    digest: vector<u8>,
    timestamp_ms: u64,
) {
    event::emit(ProposalExecuted { proposal_id, kind, parameter, value, digest, timestamp_ms });
}

public(package) fun emit_upgrade_committed(package_id: ID, version: u64) {
    event::emit(UpgradeCommitted { package_id, version });
}

public(package) fun emit_deposit_returned(proposal_id: ID, proposer: address, amount: u64) {
    event::emit(DepositReturned { proposal_id, proposer, amount });
}

public(package) fun emit_deposit_burned(proposal_id: ID, amount: u64) {
    event::emit(DepositBurned { proposal_id, amount });
}

#[test_only]
public fun proposal_created(
    proposal_id: ID,
    number: u64,
    proposer: address,
    kind: u8,
    parameter: u8,
    value: u64,
    digest: vector<u8>,
    description: String,
    deposit: u64,
    voting_end_ms: u64,
    executable_from_ms: u64,
    total_stake: u64,
    quorum_bps: u16,
    approval_threshold_bps: u16,
): ProposalCreated {
    ProposalCreated {
        proposal_id,
        number,
        proposer,
        kind,
        parameter,
        value,
        digest,
        description,
        deposit,
        voting_end_ms,
        executable_from_ms,
        total_stake,
        quorum_bps,
        approval_threshold_bps,
    }
}

#[test_only]
public fun vote_cast(
    proposal_id: ID,
    staked_wal_id: ID,
    voter: address,
    choice: u8,
    weight: u64,
    previous_choice: Option<u8>,
    previous_weight: u64,
    yes_stake: u64,
    no_stake: u64,
    abstain_stake: u64,
): VoteCast {
    VoteCast {
        proposal_id,
        staked_wal_id,
        voter,
        choice,
        weight,
        previous_choice,
        previous_weight,
        yes_stake,
        no_stake,
        abstain_stake,
    }
}

#[test_only]
public fun proposal_executed(
    proposal_id: ID,
    kind: u8,
    parameter: u8,
    value: u64,
    digest: vector<u8>,
    timestamp_ms: u64,
): ProposalExecuted {
    ProposalExecuted { proposal_id, kind, parameter, value, digest, timestamp_ms }
}

#[test_only]
public fun upgrade_committed(package_id: ID, version: u64): UpgradeCommitted {
    UpgradeCommitted { package_id, version }
}

#[test_only]
public fun deposit_returned(proposal_id: ID, proposer: address, amount: u64): DepositReturned {
    DepositReturned { proposal_id, proposer, amount }
}

#[test_only]
public fun deposit_burned(proposal_id: ID, amount: u64): DepositBurned {
    DepositBurned { proposal_id, amount }
}
