/// Access policies: who may read the data of the blobs a policy governs.
///
/// A policy is a shared object holding an allowlist of reader addresses and an optional expiry
/// epoch; whoever holds its `AccessPolicyAdminCap` changes it. A blob's owner puts the blob under
/// a policy with `govern_blob`, which records the policy's object id in the blob's attributes
/// under the key `access_policy`. Key services dry-run `seal_approve` (the convention of Mysten's
/// Seal key servers) and clients dry-run `can_read` to decide whether an address may read.
///
/// Blob data on the storage nodes is public: a policy protects data only when the data is
/// encrypted and the keys are released by a service that consults the policy. The attribute is
/// only as trustworthy as the blob's owner, who can also edit attributes directly; `govern_blob`
/// is the path that proves administration of the policy and leaves an event.
///
/// Readers are a `VecSet` inside the policy object rather than a `Table`: one object read shows
/// the whole policy (key services and clients need no dynamic-field paging) and the policy is a
/// plain struct in BCS. Its checks are linear scans, hence the cap of `MAX_READERS` readers.
/// Every change increments `version` and emits an event from `walrus::events`, so the policy's
/// history is an on-chain audit trail.
module walrus::access_policy;

use std::string::{Self, String};
use sui::{hex, vec_set::{Self, VecSet}};
use walrus::{blob::Blob, events, system::System};

/// Blob attribute key naming the policy that governs the blob; the value is the policy's object
/// id as `0x` and 64 lowercase hex digits.
const POLICY_ATTRIBUTE_KEY: vector<u8> = b"access_policy";
/// Most readers a policy holds: membership checks scan the set, and 100 addresses (3.2 KB) keep
/// every check cheap. Larger audiences belong in a group object, not an address list.
const MAX_READERS: u64 = 100;
/// Longest policy name, in bytes of UTF-8.
const MAX_NAME_BYTES: u64 = 256;

/// The admin cap belongs to another policy.
const ENotAdmin: u64 = 0;
/// The address is already a reader.
const EAlreadyReader: u64 = 1;
/// The address is not a reader.
const ENotReader: u64 = 2;
/// The policy already has `MAX_READERS` readers.
const ETooManyReaders: u64 = 3;
/// The name is empty or longer than `MAX_NAME_BYTES` bytes.
const EInvalidName: u64 = 4;
/// The blob already names a policy in its `access_policy` attribute.
const EAlreadyGoverned: u64 = 5;
/// The blob is not governed by this policy.
const ENotGoverned: u64 = 6;
/// `seal_approve`: the sender may not read under this policy now, or the identity is outside the
/// policy's namespace.
const ENoAccess: u64 = 7;

/// BCS layout, in this order (docs/chain.md): id, name, readers (a `vector<address>`),
/// expiry_epoch, version.
public struct AccessPolicy has key {
    id: UID,
    /// What the policy is for, 1 to `MAX_NAME_BYTES` bytes.
    name: String,
    /// Addresses allowed to read, in insertion order.
    readers: VecSet<address>,
    /// The first epoch in which the policy grants nothing; `none` for a policy without end.
    expiry_epoch: Option<u32>,
    /// 0 at creation, incremented by every change, so a key service can tell which state of the
    /// policy a decision was based on.
    version: u64,
}

/// Authorises changes to the policy `policy_id`. It has `store`, so administration can be handed
/// over or held by another object.
public struct AccessPolicyAdminCap has key, store {
    id: UID,
    policy_id: ID,
}

/// Shares a new policy without readers, expiring at `expiry_epoch` (an epoch at or before the
/// current one makes it grant nothing), and returns its admin cap. Aborts with `EInvalidName`.
/// Emits `AccessPolicyCreated`.
public fun new(name: String, expiry_epoch: Option<u32>, ctx: &mut TxContext): AccessPolicyAdminCap {
    assert_valid_name(&name);
    let policy = AccessPolicy {
        id: object::new(ctx),
        name,
        readers: vec_set::empty(),
        expiry_epoch,
        version: 0,
    };
    let cap = AccessPolicyAdminCap { id: object::new(ctx), policy_id: object::id(&policy) };
    events::emit_access_policy_created(object::id(&policy), object::id(&cap), name, expiry_epoch);
    transfer::share_object(policy);
    cap
}

/// Allows `reader` to read. Checks, in order: `ENotAdmin`, `EAlreadyReader`, `ETooManyReaders`.
/// Emits `ReaderAdded`.
public fun add_reader(self: &mut AccessPolicy, cap: &AccessPolicyAdminCap, reader: address) {
    self.assert_admin(cap);
    assert!(!self.readers.contains(&reader), EAlreadyReader);
    assert!(self.readers.size() < MAX_READERS, ETooManyReaders);
    self.readers.insert(reader);
    self.version = self.version + 1;
    events::emit_reader_added(self.id.to_inner(), reader, self.version);
}

/// Stops `reader` from reading. Checks, in order: `ENotAdmin`, `ENotReader`. Emits
/// `ReaderRemoved`.
public fun remove_reader(self: &mut AccessPolicy, cap: &AccessPolicyAdminCap, reader: address) {
    self.assert_admin(cap);
    assert!(self.readers.contains(&reader), ENotReader);
    self.readers.remove(&reader);
    self.version = self.version + 1;
    events::emit_reader_removed(self.id.to_inner(), reader, self.version);
}

/// Sets the expiry epoch (`none`: the policy never expires). Aborts with `ENotAdmin`. Emits
/// `AccessPolicyExpirySet`.
public fun set_expiry(
    self: &mut AccessPolicy,
    cap: &AccessPolicyAdminCap,
    expiry_epoch: Option<u32>,
) {
    self.assert_admin(cap);
    self.expiry_epoch = expiry_epoch;
    self.version = self.version + 1;
    events::emit_access_policy_expiry_set(self.id.to_inner(), expiry_epoch, self.version);
}

/// Renames the policy. Checks, in order: `ENotAdmin`, `EInvalidName`. Emits
/// `AccessPolicyRenamed`.
public fun rename(self: &mut AccessPolicy, cap: &AccessPolicyAdminCap, name: String) {
    self.assert_admin(cap);
    assert_valid_name(&name);
    self.name = name;
    self.version = self.version + 1;
    events::emit_access_policy_renamed(self.id.to_inner(), name, self.version);
}

/// Puts `blob` under the policy: sets its `access_policy` attribute to the policy's object id.
/// Only the blob's owner can pass `&mut Blob`; the cap proves administration of the policy.
/// Checks, in order: `ENotAdmin`, `EAlreadyGoverned` (any policy; release it first). Emits
/// `BlobGoverned`.
public fun govern_blob(self: &AccessPolicy, cap: &AccessPolicyAdminCap, blob: &mut Blob) {
    self.assert_admin(cap);
    assert!(!is_governed(blob), EAlreadyGoverned);
    blob.insert_or_update_metadata_pair(string::utf8(POLICY_ATTRIBUTE_KEY), self.id_string());
    events::emit_blob_governed(self.id.to_inner(), blob.blob_id(), blob.object_id());
}

/// Takes `blob` out of the policy: removes its `access_policy` attribute (other attributes
/// stay). Checks, in order: `ENotAdmin`, `ENotGoverned`. Emits `BlobReleased`.
public fun release_blob(self: &AccessPolicy, cap: &AccessPolicyAdminCap, blob: &mut Blob) {
    self.assert_admin(cap);
    assert!(self.governs(blob), ENotGoverned);
    let key = string::utf8(POLICY_ATTRIBUTE_KEY);
    let (_, _) = blob.remove_metadata_pair(&key);
    events::emit_blob_released(self.id.to_inner(), blob.blob_id(), blob.object_id());
}

/// Whether `reader` may read `blob` now: the blob's `access_policy` attribute names this policy,
/// the policy has not expired at the system's current epoch, and `reader` is a reader. Never
/// aborts but with `system::EWrongVersion`; meant to be dry-run by clients and key services.
public fun can_read(self: &AccessPolicy, system: &System, blob: &Blob, reader: address): bool {
    let current_epoch = system.epoch();
    self.governs(blob) && self.is_active_at(current_epoch) && self.readers.contains(&reader)
}

/// The Seal key servers' check: aborts with `ENoAccess` unless `id` starts with the policy's
/// object id bytes (the policy's identity namespace), the policy has not expired and the sender
/// is a reader. Key servers dry-run it before releasing a key for `id`.
entry fun seal_approve(id: vector<u8>, policy: &AccessPolicy, system: &System, ctx: &TxContext) {
    let current_epoch = system.epoch();
    assert!(policy.approves(&id, current_epoch, ctx.sender()), ENoAccess);
}

// === Accessors ===

/// The policy's name.
public fun name(self: &AccessPolicy): String {
    self.name
}

/// The readers, in insertion order.
public fun readers(self: &AccessPolicy): vector<address> {
    *self.readers.keys()
}

/// Whether `reader` is a reader (regardless of expiry).
public fun is_reader(self: &AccessPolicy, reader: address): bool {
    self.readers.contains(&reader)
}

/// Number of readers.
public fun reader_count(self: &AccessPolicy): u64 {
    self.readers.size()
}

/// The first epoch in which the policy grants nothing, if any.
public fun expiry_epoch(self: &AccessPolicy): Option<u32> {
    self.expiry_epoch
}

/// The number of changes since creation.
public fun version(self: &AccessPolicy): u64 {
    self.version
}

/// Whether the policy grants access at the system's current epoch. Aborts with
/// `system::EWrongVersion` only.
public fun is_active(self: &AccessPolicy, system: &System): bool {
    self.is_active_at(system.epoch())
}

/// Whether `blob`'s `access_policy` attribute names this policy.
public fun governs(self: &AccessPolicy, blob: &Blob): bool {
    if (!blob.has_metadata()) return false;
    let key = string::utf8(POLICY_ATTRIBUTE_KEY);
    blob.metadata().get(&key) == option::some(self.id_string())
}

/// The policy an admin cap administers.
public fun policy_id(cap: &AccessPolicyAdminCap): ID {
    cap.policy_id
}

/// `MAX_READERS`.
public fun max_readers(): u64 {
    MAX_READERS
}

// === Internal ===

fun assert_admin(self: &AccessPolicy, cap: &AccessPolicyAdminCap) {
    assert!(cap.policy_id == self.id.to_inner(), ENotAdmin);
}

fun assert_valid_name(name: &String) {
    assert!(!name.is_empty() && name.length() <= MAX_NAME_BYTES, EInvalidName);
}

/// Expiry is exclusive: a policy expiring at epoch `e` grants access in epochs before `e`.
fun is_active_at(self: &AccessPolicy, current_epoch: u32): bool {
    self.expiry_epoch.is_none() || current_epoch < *self.expiry_epoch.borrow()
}

/// The attribute value naming this policy: `0x` and the 64 lowercase hex digits of its id.
fun id_string(self: &AccessPolicy): String {
    let mut bytes = b"0x";
    bytes.append(hex::encode(self.id.to_bytes()));
    string::utf8(bytes)
}

/// Whether any policy is named in `blob`'s attributes.
fun is_governed(blob: &Blob): bool {
    if (!blob.has_metadata()) return false;
    let key = string::utf8(POLICY_ATTRIBUTE_KEY);
    blob.metadata().contains(&key)
}

/// Seal's namespace rule: `id` starts with the policy's object id bytes; then expiry and
/// membership of `caller`.
fun approves(self: &AccessPolicy, id: &vector<u8>, current_epoch: u32, caller: address): bool {
    let namespace = self.id.to_bytes();
    is_prefix(&namespace, id) && self.is_active_at(current_epoch) && self.readers.contains(&caller)
}

fun is_prefix(prefix: &vector<u8>, bytes: &vector<u8>): bool {
    let length = prefix.length();
    if (length > bytes.length()) return false;
    let mut i = 0;
    while (i < length) {
        if (*prefix.borrow(i) != *bytes.borrow(i)) return false;
        i = i + 1;
    };
    true
}

#[test_only]
/// Calls the `entry` function `seal_approve`, which other modules cannot call.
public fun seal_approve_for_testing(
    id: vector<u8>,
    policy: &AccessPolicy,
    system: &System,
    ctx: &TxContext,
) {
    seal_approve(id, policy, system, ctx)
}
