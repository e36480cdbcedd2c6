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
