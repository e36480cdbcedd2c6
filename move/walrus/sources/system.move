/// The shared `System` object and the public entry points of the storage protocol.
///
/// `System` is deliberately thin: an id and a version, with the state (`SystemStateInnerV1`) in a
/// dynamic field keyed by the version. An upgrade can then migrate the state to a new type while
/// clients keep using the same shared object, and calls through an old package version abort
/// with `EWrongVersion` instead of acting on state they do not understand.
///
/// Contention: registering, certifying, extending with an owned `Storage` and deleting take the
/// `System` by immutable reference, so blob operations of different users never conflict on it
/// and run in parallel. Only buying storage or extending with WAL (they update the per-epoch
/// accounts), proving a blob id invalid (rare), and epoch changes (`staking`) take it mutably.
module walrus::system;

use std::string::String;
use sui::{balance::Balance, coin::Coin, dynamic_field};
use wal::wal::WAL;
use walrus::{
    blob::Blob,
    bls_aggregate::Committee,
    storage_accounting::FutureAccounting,
    storage_resource::Storage,
    system_state_inner::{Self, SystemStateInnerV1}
};

/// Version of the state this package understands; also the dynamic field key of the state.
const VERSION: u64 = 1;

/// The `System` holds a state version this package does not understand.
const EWrongVersion: u64 = 0;

/// BCS layout: id (32 bytes), version (u64). The state is the dynamic field named
/// `VERSION: u64` with value `SystemStateInnerV1`.
public struct System has key {
    id: UID,
    version: u64,
}

/// Sent to the publisher by `init`; consumed by `create`, so exactly one `System` ever exists.
public struct InitCap has key {
    id: UID,
}

/// Returned by `create`; `staking::create` consumes it to create the one staking object that
/// drives the system's epochs.
public struct AdminCap has key, store {
    id: UID,
}

fun init(ctx: &mut TxContext) {
    transfer::transfer(InitCap { id: object::new(ctx) }, ctx.sender());
}

/// Creates and shares the `System` at epoch 1 with the given committee (member i: `node_ids[i]`,
/// 48-byte BLS key `public_keys[i]`, `shard_counts[i]` shards, summing to `n_shards`), prices in
/// WAL base units per MiB of encoded size (storage: per epoch; write: once), total capacity in
/// encoded bytes per epoch, and how many epochs ahead storage may be bought. Returns the
/// `AdminCap`. Checks as `system_state_inner::create`.
public fun create(
    cap: InitCap,
    n_shards: u16,
    node_ids: vector<ID>,
    public_keys: vector<vector<u8>>,
    network_addresses: vector<String>,
    shard_counts: vector<u16>,
    storage_price_per_unit_size: u64,
    write_price_per_unit_size: u64,
    total_capacity_size: u64,
    max_epochs_ahead: u32,
    ctx: &mut TxContext,
): AdminCap {
    let InitCap { id } = cap;
    id.delete();
    let inner = system_state_inner::create(
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
    );
    let mut system = System { id: object::new(ctx), version: VERSION };
    dynamic_field::add(&mut system.id, VERSION, inner);
    transfer::share_object(system);
    AdminCap { id: object::new(ctx) }
}

// === Storage ===

/// Buys `storage_size` encoded bytes for the `epochs_ahead` epochs starting with the current one,
/// paying from `payment` (the change stays in it). Aborts: `EWrongVersion`, then
/// `system_state_inner::{EInvalidEpochsAhead, EStorageExceeded, EInsufficientFunds}`.
public fun reserve_space(
    self: &mut System,
    storage_size: u64,
    epochs_ahead: u32,
    payment: &mut Coin<WAL>,
    ctx: &mut TxContext,
): Storage {
    self.inner_mut().reserve_space(storage_size, epochs_ahead, payment.balance_mut(), ctx)
}

/// What `reserve_space(storage_size, epochs_ahead)` would cost now, in WAL base units.
public fun storage_cost(self: &System, storage_size: u64, epochs_ahead: u32): u256 {
    self.inner().storage_cost(storage_size, epochs_ahead)
}

// === Blobs ===

/// Registers a blob on `storage`, which must cover the current epoch and hold the blob's encoded
/// size. Emits `BlobRegistered`. Aborts: `EWrongVersion`, `system_state_inner::EBlobIdInvalidated`,
/// then as `blob::new`.
public fun register_blob(
    self: &System,
    storage: Storage,
    blob_id: u256,
    root_hash: u256,
    size: u64,
    encoding_type: u8,
    deletable: bool,
    ctx: &mut TxContext,
): Blob {
    self.inner().register_blob(storage, blob_id, root_hash, size, encoding_type, deletable, ctx)
}

/// Certifies `blob` with a quorum certificate: an aggregate BLS signature by the members set in
/// `signers_bitmap` over the storage confirmation `message`. Emits `BlobCertified`. Aborts:
/// `EWrongVersion`, then as `system_state_inner::certify_blob`.
public fun certify_blob(
    self: &System,
    blob: &mut Blob,
    signature: vector<u8>,
    signers_bitmap: vector<u8>,
    message: vector<u8>,
) {
    self.inner().certify_blob(blob, signature, signers_bitmap, message)
}

/// Extends a certified blob with `extension`, which must start at the blob's end epoch and have
/// the same size. Emits `BlobCertified` (`is_extension`). Aborts: `EWrongVersion`, then as
/// `blob::extend_with_storage`.
public fun extend_blob_with_resource(self: &System, blob: &mut Blob, extension: Storage) {
    self.inner().extend_blob_with_resource(blob, extension)
}

/// Extends a certified blob by `epochs_ahead` epochs, paying the storage price from `payment`.
/// Emits `BlobCertified` (`is_extension`). Aborts: `EWrongVersion`, then as
/// `system_state_inner::extend_blob`.
public fun extend_blob(
    self: &mut System,
    blob: &mut Blob,
    epochs_ahead: u32,
    payment: &mut Coin<WAL>,
) {
    self.inner_mut().extend_blob(blob, epochs_ahead, payment.balance_mut())
}

/// As `extend_blob`, paying from a balance (used by `shared_blob`).
public(package) fun extend_blob_with_balance(
    self: &mut System,
    blob: &mut Blob,
    epochs_ahead: u32,
    payment: &mut Balance<WAL>,
) {
    self.inner_mut().extend_blob(blob, epochs_ahead, payment)
}

/// Deletes a deletable blob and returns its storage for reuse. Emits `BlobDeleted`. Aborts:
/// `EWrongVersion`, `blob::ENotDeletable`.
public fun delete_blob(self: &System, blob: Blob): Storage {
    self.inner().delete_blob(blob)
}

/// Marks a blob id invalid forever, given a certificate by more than a third of the shards over
/// an invalid-blob-id attestation of the current epoch; returns the blob id. Emits `InvalidBlobId`
/// the first time. Aborts: `EWrongVersion`, then as `system_state_inner::invalidate_blob_id`.
public fun invalidate_blob_id(
    self: &mut System,
    signature: vector<u8>,
    signers_bitmap: vector<u8>,
    message: vector<u8>,
): u256 {
    self.inner_mut().invalidate_blob_id(signature, signers_bitmap, message)
}

// === Epochs (driven by `staking`) ===

/// Ends the current epoch and starts the next one with `committee` (same total shards) and the
/// given prices and capacity. The finished epoch's storage fund moves to the rewards balance.
/// Emits `EpochAdvanced`. Aborts: `EWrongVersion`, `system_state_inner::EShardCountMismatch`.
/// Only `staking::initiate_epoch_change` calls it.
public(package) fun advance_epoch(
    self: &mut System,
    committee: Committee,
    storage_price_per_unit_size: u64,
    write_price_per_unit_size: u64,
    total_capacity_size: u64,
) {
    self
        .inner_mut()
        .advance_epoch(
            committee,
            storage_price_per_unit_size,
            write_price_per_unit_size,
            total_capacity_size,
        )
}

/// Takes the rewards of finished epochs, for `staking` to distribute. Aborts: `EWrongVersion`.
public(package) fun withdraw_rewards(self: &mut System): Balance<WAL> {
    self.inner_mut().withdraw_rewards()
}

/// Sets how many epochs ahead storage may be bought (`governance` executes approved changes).
/// Aborts: `EWrongVersion`, `system_state_inner::EInvalidMaxEpochsAhead`.
public(package) fun set_max_epochs_ahead(self: &mut System, max_epochs_ahead: u32) {
    self.inner_mut().set_max_epochs_ahead(max_epochs_ahead)
}

/// Adds `funds` to the storage fund of the current epoch, paid out at its end (`staking` puts
/// back the rewards of nodes that failed their storage challenge). Aborts: `EWrongVersion`.
public(package) fun add_to_current_epoch_funds(self: &mut System, funds: Balance<WAL>) {
    self.inner_mut().add_to_current_epoch_funds(funds)
}

/// Records the staking object that drives the epochs. Aborts: `EWrongVersion`.
public(package) fun set_staking_object_id(self: &mut System, staking_object_id: ID) {
    self.inner_mut().set_staking_object_id(staking_object_id)
}

/// Consumes the administrator's capability (`staking::create` takes it, so that exactly one
/// staking object drives the system).
public(package) fun destroy_admin_cap(cap: AdminCap) {
    let AdminCap { id } = cap;
    id.delete();
}

// === Accessors ===

public fun version(self: &System): u64 {
    self.version
}

/// The current epoch.
public fun epoch(self: &System): u32 {
    self.inner().epoch()
}

public fun n_shards(self: &System): u16 {
    self.inner().n_shards()
}

/// The committee of the current epoch.
public fun committee(self: &System): &Committee {
    self.inner().committee()
}

/// WAL base units per MiB of encoded size per epoch.
public fun storage_price_per_unit_size(self: &System): u64 {
    self.inner().storage_price_per_unit_size()
}

/// WAL base units per MiB of encoded size, once per purchase.
public fun write_price_per_unit_size(self: &System): u64 {
    self.inner().write_price_per_unit_size()
}

/// Encoded bytes the nodes can store in any one epoch.
public fun total_capacity_size(self: &System): u64 {
    self.inner().total_capacity_size()
}

/// Encoded bytes sold for the current epoch.
public fun used_capacity_size(self: &System): u64 {
    self.inner().used_capacity_size()
}

public fun max_epochs_ahead(self: &System): u32 {
    self.inner().max_epochs_ahead()
}

/// Per-epoch capacity and funds, from the current epoch on.
public fun future_accounting(self: &System): &FutureAccounting {
    self.inner().future_accounting()
}

/// WAL of finished epochs not yet withdrawn.
public fun rewards_value(self: &System): u64 {
    self.inner().rewards_value()
}

/// Whether `blob_id` was proven invalid.
public fun is_blob_id_invalid(self: &System, blob_id: u256): bool {
    self.inner().is_blob_id_invalid(blob_id)
}

/// The shared `staking::Staking` object that drives the epochs, once created.
public fun staking_object_id(self: &System): Option<ID> {
    self.inner().staking_object_id()
}

fun inner(self: &System): &SystemStateInnerV1 {
    assert!(self.version == VERSION, EWrongVersion);
    dynamic_field::borrow(&self.id, VERSION)
}

fun inner_mut(self: &mut System): &mut SystemStateInnerV1 {
    assert!(self.version == VERSION, EWrongVersion);
    dynamic_field::borrow_mut(&mut self.id, VERSION)
}

#[test_only]
public fun init_for_testing(ctx: &mut TxContext) {
    init(ctx)
}

#[test_only]
/// Advances one epoch with a committee built from the vectors (contiguous shards), keeping the
/// prices and capacity: for tests of the storage protocol that need epochs without staking.
public fun advance_epoch_for_testing(
    self: &mut System,
    node_ids: vector<ID>,
    public_keys: vector<vector<u8>>,
    network_addresses: vector<String>,
    shard_counts: vector<u16>,
) {
    let committee = walrus::bls_aggregate::new_committee(
        node_ids,
        public_keys,
        network_addresses,
        shard_counts,
    );
    let storage_price = self.storage_price_per_unit_size();
    let write_price = self.write_price_per_unit_size();
    let capacity = self.total_capacity_size();
    self.advance_epoch(committee, storage_price, write_price, capacity);
}

#[test_only]
/// Takes the rewards of finished epochs, for tests without staking.
public fun withdraw_rewards_for_testing(self: &mut System, ctx: &mut TxContext): Coin<WAL> {
    sui::coin::from_balance(self.withdraw_rewards(), ctx)
}

#[test_only]
/// Pretends the object was migrated by another package version.
public fun set_version_for_testing(self: &mut System, version: u64) {
    self.version = version;
}
