/// The state of the storage system and the logic over it (version 1).
///
/// `system::System` holds this struct in a dynamic field keyed by its version, so a package
/// upgrade can add a `SystemStateInnerV2` and migrate without changing the shared object's type
/// or id. Every function here is package-only and reached through `system`.
module walrus::system_state_inner;

use std::string::String;
use sui::{balance::{Self, Balance}, table::{Self, Table}};
use wal::wal::WAL;
use walrus::{
    blob::Blob,
    bls_aggregate::{Self, Committee},
    encoding,
    events,
    messages,
    storage_accounting::{Self, FutureAccounting},
    storage_resource::{Self, Storage}
};

/// The first epoch of a new system. Certificates name their epoch, so starting at 1 keeps the
/// all-zero epoch field from ever being valid.
const GENESIS_EPOCH: u32 = 1;
/// Prices are per MiB (2^20 bytes) of encoded size, rounded up.
const BYTES_PER_UNIT_SIZE: u64 = 1_048_576;
/// The largest `max_epochs_ahead` governance may set. Bounds the accounts ring buffer (one
/// account per epoch ahead), which purchases and extensions walk.
const MAX_EPOCHS_AHEAD_LIMIT: u32 = 1000;

/// `epochs_ahead` is 0, or the storage would end more than `max_epochs_ahead` epochs after the
/// current epoch.
const EInvalidEpochsAhead: u64 = 0;
/// Some epoch of the requested period has less free capacity than the requested size.
const EStorageExceeded: u64 = 1;
/// The payment is smaller than the price.
const EInsufficientFunds: u64 = 2;
/// The blob id was proven invalid.
const EBlobIdInvalidated: u64 = 3;
/// An invalid-blob-id attestation was signed in another epoch than the current one.
const EWrongMessageEpoch: u64 = 4;
/// The committee's shards do not add up to the system's `n_shards`.
const EShardCountMismatch: u64 = 5;
/// `max_epochs_ahead` is 0 (or, set by governance, above `MAX_EPOCHS_AHEAD_LIMIT`).
const EInvalidMaxEpochsAhead: u64 = 6;

/// BCS layout, in this order (docs/chain.md).
public struct SystemStateInnerV1 has store {
    /// The current epoch.
    epoch: u32,
    /// Number of shards; fixed for the life of the system.
    n_shards: u16,
    /// The committee of the current epoch.
    committee: Committee,
    /// WAL base units per MiB of encoded size per epoch.
    storage_price_per_unit_size: u64,
    /// WAL base units per MiB of encoded size, once per purchase (pays for the upload).
    write_price_per_unit_size: u64,
    /// Encoded bytes the nodes can store in any one epoch.
    total_capacity_size: u64,
    /// Storage may be bought for at most this many epochs, the current one included.
    max_epochs_ahead: u32,
    /// Capacity sold and WAL paid, per epoch from the current one on.
    future_accounting: FutureAccounting,
    /// WAL of finished epochs, waiting to be paid out to the nodes.
    rewards: Balance<WAL>,
    /// Blob ids proven invalid, with the epoch in which they were.
    invalid_blob_ids: Table<u256, u32>,
    /// The shared `staking::Staking` object that drives this system's epochs, once created.
    staking_object_id: Option<ID>,
}

/// A new system state at epoch 1. Checks, in order: `encoding::EInvalidShardCount`,
/// `EInvalidMaxEpochsAhead`, the committee (`bls_aggregate::EInvalidCommittee`, invalid keys
/// abort in `sui::group_ops`), `EShardCountMismatch`.
public(package) fun create(
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
): SystemStateInnerV1 {
    encoding::assert_valid_n_shards(n_shards);
    assert!(max_epochs_ahead > 0, EInvalidMaxEpochsAhead);
    let committee = bls_aggregate::new_committee(
        node_ids,
        public_keys,
        network_addresses,
        shard_counts,
    );
    assert!(committee.n_shards() == n_shards, EShardCountMismatch);
    SystemStateInnerV1 {
        epoch: GENESIS_EPOCH,
        n_shards,
        committee,
        storage_price_per_unit_size,
        write_price_per_unit_size,
        total_capacity_size,
        max_epochs_ahead,
        future_accounting: storage_accounting::new(GENESIS_EPOCH, max_epochs_ahead),
        rewards: balance::zero(),
        invalid_blob_ids: table::new(ctx),
        staking_object_id: option::none(),
    }
}

// === Storage purchase ===

/// Sells `storage_size` encoded bytes for the `epochs_ahead` epochs starting now, taking the price
/// from `payment`. Checks, in order: `EInvalidEpochsAhead`, `EStorageExceeded`,
/// `EInsufficientFunds`. Price: storage_price * units * epochs_ahead + write_price * units with
/// units = ceil(storage_size / MiB); each epoch's storage share goes to that epoch's account and
/// the write fee to the current epoch's.
public(package) fun reserve_space(
    self: &mut SystemStateInnerV1,
    storage_size: u64,
    epochs_ahead: u32,
    payment: &mut Balance<WAL>,
    ctx: &mut TxContext,
): Storage {
    assert!(epochs_ahead > 0 && epochs_ahead <= self.max_epochs_ahead, EInvalidEpochsAhead);
    self.reserve_capacity(0, epochs_ahead, storage_size);

    let units = storage_units(storage_size);
    let per_epoch = (self.storage_price_per_unit_size as u256) * units;
    let write_fee = (self.write_price_per_unit_size as u256) * units;
    // u256: no product of u64 prices, sizes and u32 epochs can overflow it; once the total is
    // known to be at most the payment, every share fits in a u64.
    assert!(
        per_epoch * (epochs_ahead as u256) + write_fee <= (payment.value() as u256),
        EInsufficientFunds,
    );
    self.future_accounting.account_mut(0).add_funds(payment.split((write_fee as u64)));
    self.pay_epochs(0, epochs_ahead, (per_epoch as u64), payment);

    storage_resource::create_storage(self.epoch, self.epoch + epochs_ahead, storage_size, ctx)
}

/// The price `reserve_space` would charge, in WAL base units (u256: it may exceed any payment).
public(package) fun storage_cost(
    self: &SystemStateInnerV1,
    storage_size: u64,
    epochs_ahead: u32,
): u256 {
    let units = storage_units(storage_size);
    (self.storage_price_per_unit_size as u256) * units * (epochs_ahead as u256)
        + (self.write_price_per_unit_size as u256) * units
}

// === Blobs ===

/// Registers a blob. Checks `EBlobIdInvalidated`, then everything `blob::new` checks.
public(package) fun register_blob(
    self: &SystemStateInnerV1,
    storage: Storage,
    blob_id: u256,
    root_hash: u256,
    size: u64,
    encoding_type: u8,
    deletable: bool,
    ctx: &mut TxContext,
): Blob {
    assert!(!self.invalid_blob_ids.contains(blob_id), EBlobIdInvalidated);
    walrus::blob::new(
        storage,
        blob_id,
        root_hash,
        size,
        encoding_type,
        deletable,
        self.epoch,
        self.n_shards,
        ctx,
    )
}

/// Certifies a blob with a quorum certificate over a storage confirmation. Checks, in order:
/// `EBlobIdInvalidated`; the certificate (`bls_aggregate::EInvalidBitmap`, `ENotEnoughShards`,
/// `EInvalidSignature`); the message layout (`messages::*`); then everything `blob::certify`
/// checks.
public(package) fun certify_blob(
    self: &SystemStateInnerV1,
    blob: &mut Blob,
    signature: vector<u8>,
    signers_bitmap: vector<u8>,
    message: vector<u8>,
) {
    assert!(!self.invalid_blob_ids.contains(blob.blob_id()), EBlobIdInvalidated);
    self.committee.verify_quorum(&signature, &signers_bitmap, &message);
    let confirmation = messages::parse_storage_confirmation(message);
    blob.certify(self.epoch, &confirmation);
}

/// Extends a certified blob with storage bought earlier. Checks as `blob::extend_with_storage`.
public(package) fun extend_blob_with_resource(
    self: &SystemStateInnerV1,
    blob: &mut Blob,
    extension: Storage,
) {
    blob.extend_with_storage(self.epoch, extension);
}

/// Extends a certified blob by `epochs_ahead` epochs past its end, paying from `payment`.
/// Checks, in order: `blob::ENotCertified`, `blob::EBlobExpired`, `EInvalidEpochsAhead` (0, or new
/// end more than `max_epochs_ahead` after the current epoch), `EStorageExceeded`,
/// `EInsufficientFunds`. Price: storage_price * units * epochs_ahead (no write fee: the data is
/// already stored).
public(package) fun extend_blob(
    self: &mut SystemStateInnerV1,
    blob: &mut Blob,
    epochs_ahead: u32,
    payment: &mut Balance<WAL>,
) {
    blob.assert_extendable(self.epoch);
    let end_epoch = blob.end_epoch();
    let new_end_epoch = (end_epoch as u64) + (epochs_ahead as u64);
    assert!(
        epochs_ahead > 0
            && new_end_epoch - (self.epoch as u64) <= (self.max_epochs_ahead as u64),
        EInvalidEpochsAhead,
    );
    let first_offset = end_epoch - self.epoch;
    let end_offset = first_offset + epochs_ahead;
    let storage_size = blob.storage().size();
    self.reserve_capacity(first_offset, end_offset, storage_size);

    let per_epoch = (self.storage_price_per_unit_size as u256) * storage_units(storage_size);
    assert!(per_epoch * (epochs_ahead as u256) <= (payment.value() as u256), EInsufficientFunds);
    self.pay_epochs(first_offset, end_offset, (per_epoch as u64), payment);

    blob.extend_end_epoch(self.epoch, (new_end_epoch as u32));
}

/// Deletes a deletable blob and returns its storage. Checks as `blob::delete`.
public(package) fun delete_blob(self: &SystemStateInnerV1, blob: Blob): Storage {
    blob.delete(self.epoch)
}

/// Records a blob id as invalid given a validity certificate (more than a third of the shards)
/// over an invalid-blob-id attestation; returns the blob id. Checks, in order: the certificate
/// (`bls_aggregate::*`), the message layout (`messages::*`), `EWrongMessageEpoch`. Emits
/// `InvalidBlobId` the first time a blob id is recorded; later certificates for it are no-ops.
public(package) fun invalidate_blob_id(
    self: &mut SystemStateInnerV1,
    signature: vector<u8>,
    signers_bitmap: vector<u8>,
    message: vector<u8>,
): u256 {
    self.committee.verify_validity(&signature, &signers_bitmap, &message);
    let attestation = messages::parse_invalid_blob_id(message);
    assert!(attestation.epoch() == self.epoch, EWrongMessageEpoch);
    let blob_id = attestation.blob_id();
    if (!self.invalid_blob_ids.contains(blob_id)) {
        self.invalid_blob_ids.add(blob_id, self.epoch);
        events::emit_invalid_blob_id(self.epoch, blob_id);
    };
    blob_id
}

// === Epochs ===

/// Moves to the next epoch with `committee` and the given prices and capacity: the finished
/// epoch's funds move to the rewards balance and its account is reused for the epoch
/// `max_epochs_ahead` ahead. Checks `EShardCountMismatch`. Emits `EpochAdvanced`. Called by the
/// staking contract at the epoch change.
public(package) fun advance_epoch(
    self: &mut SystemStateInnerV1,
    committee: Committee,
    storage_price_per_unit_size: u64,
    write_price_per_unit_size: u64,
    total_capacity_size: u64,
) {
    assert!(committee.n_shards() == self.n_shards, EShardCountMismatch);
    let released = self.future_accounting.advance();
    let released_funds = released.value();
    self.rewards.join(released);
    self.epoch = self.epoch + 1;
    self.committee = committee;
    self.storage_price_per_unit_size = storage_price_per_unit_size;
    self.write_price_per_unit_size = write_price_per_unit_size;
    self.total_capacity_size = total_capacity_size;
    events::emit_epoch_advanced(self.epoch, released_funds);
}

/// Takes all accumulated rewards (for the staking contract to distribute).
public(package) fun withdraw_rewards(self: &mut SystemStateInnerV1): Balance<WAL> {
    self.rewards.withdraw_all()
}

/// Sets how many epochs ahead storage may be bought (governance). Raising it beyond the accounts
/// grows them with empty accounts; lowering it keeps the accounts (storage already sold stays
/// paid for its epochs) and only limits new purchases and extensions. Checks
/// `EInvalidMaxEpochsAhead` (0 or above `MAX_EPOCHS_AHEAD_LIMIT`).
public(package) fun set_max_epochs_ahead(self: &mut SystemStateInnerV1, max_epochs_ahead: u32) {
    assert!(
        max_epochs_ahead > 0 && max_epochs_ahead <= MAX_EPOCHS_AHEAD_LIMIT,
        EInvalidMaxEpochsAhead,
    );
    self.future_accounting.grow(max_epochs_ahead);
    self.max_epochs_ahead = max_epochs_ahead;
}

/// The largest `max_epochs_ahead` governance may set.
public(package) fun max_epochs_ahead_limit(): u32 {
    MAX_EPOCHS_AHEAD_LIMIT
}

/// Adds `funds` to the current epoch's account: they are released with it at the epoch's end.
public(package) fun add_to_current_epoch_funds(self: &mut SystemStateInnerV1, funds: Balance<WAL>) {
    self.future_accounting.account_mut(0).add_funds(funds);
}

/// Records the staking object that drives the epochs (once, at its creation).
public(package) fun set_staking_object_id(self: &mut SystemStateInnerV1, staking_object_id: ID) {
    self.staking_object_id = option::some(staking_object_id);
}

// === Accessors ===

public(package) fun epoch(self: &SystemStateInnerV1): u32 {
    self.epoch
}

public(package) fun n_shards(self: &SystemStateInnerV1): u16 {
    self.n_shards
}

public(package) fun committee(self: &SystemStateInnerV1): &Committee {
    &self.committee
}

public(package) fun storage_price_per_unit_size(self: &SystemStateInnerV1): u64 {
    self.storage_price_per_unit_size
}

public(package) fun write_price_per_unit_size(self: &SystemStateInnerV1): u64 {
    self.write_price_per_unit_size
}

public(package) fun total_capacity_size(self: &SystemStateInnerV1): u64 {
    self.total_capacity_size
}

/// Encoded bytes sold for the current epoch.
public(package) fun used_capacity_size(self: &SystemStateInnerV1): u64 {
    self.future_accounting.account(0).used_capacity()
}

public(package) fun max_epochs_ahead(self: &SystemStateInnerV1): u32 {
    self.max_epochs_ahead
}

public(package) fun future_accounting(self: &SystemStateInnerV1): &FutureAccounting {
    &self.future_accounting
}

public(package) fun rewards_value(self: &SystemStateInnerV1): u64 {
    self.rewards.value()
}

public(package) fun is_blob_id_invalid(self: &SystemStateInnerV1, blob_id: u256): bool {
    self.invalid_blob_ids.contains(blob_id)
}

public(package) fun staking_object_id(self: &SystemStateInnerV1): Option<ID> {
    self.staking_object_id
}

// === Internal ===

/// Sells `storage_size` bytes in each epoch at offsets [first_offset, end_offset), aborting with
/// `EStorageExceeded` if any of them lacks the room.
fun reserve_capacity(
    self: &mut SystemStateInnerV1,
    first_offset: u32,
    end_offset: u32,
    storage_size: u64,
) {
    let total = self.total_capacity_size;
    let mut offset = first_offset;
    while (offset < end_offset) {
        let account = self.future_accounting.account_mut(offset);
        let used = account.used_capacity();
        // Compared as a difference: `used + size` could overflow for absurd sizes. An epoch may
        // hold more than the capacity if the capacity was voted down after the sale.
        assert!(used <= total && storage_size <= total - used, EStorageExceeded);
        account.add_used_capacity(storage_size);
        offset = offset + 1;
    };
}

/// Moves `per_epoch` from `payment` into each epoch account at offsets [first_offset, end_offset).
fun pay_epochs(
    self: &mut SystemStateInnerV1,
    first_offset: u32,
    end_offset: u32,
    per_epoch: u64,
    payment: &mut Balance<WAL>,
) {
    let mut offset = first_offset;
    while (offset < end_offset) {
        self.future_accounting.account_mut(offset).add_funds(payment.split(per_epoch));
        offset = offset + 1;
    };
}

/// ceil(size / MiB), as u256 for the price products.
fun storage_units(storage_size: u64): u256 {
    let units = storage_size / BYTES_PER_UNIT_SIZE;
    let units = if (storage_size % BYTES_PER_UNIT_SIZE == 0) units else units + 1;
    (units as u256)
}
