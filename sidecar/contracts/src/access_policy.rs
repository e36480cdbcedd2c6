//! `walrus::access_policy`: a shared allowlist of readers with an optional expiry epoch,
//! administered through an `AccessPolicyAdminCap`, and the blobs it governs through their
//! `access_policy` attribute. Same functions, checks (in the same order), abort codes, events and
//! BCS layout as the Move module.

use serde::{Deserialize, Serialize};

use crate::{
    abort::{AbortCode, MoveAbort, MoveResult, ensure},
    blob::Blob,
    events::{
        AccessPolicyCreated, AccessPolicyEvent, AccessPolicyExpirySet, AccessPolicyRenamed, BlobGoverned, BlobReleased,
        Event, ReaderAdded, ReaderRemoved,
    },
    framework::{Address, ObjectId, TxContext},
    objects::Object,
    system::System,
};

const MODULE: &str = "walrus::access_policy";
/// The blob attribute naming the policy that governs the blob.
pub const POLICY_ATTRIBUTE_KEY: &str = "access_policy";
/// Most readers a policy holds (the Move `MAX_READERS`).
pub const MAX_READERS: u64 = 100;
/// Longest policy name, in bytes of UTF-8.
pub const MAX_NAME_BYTES: u64 = 256;

/// The admin cap belongs to another policy.
pub const E_NOT_ADMIN: AbortCode = AbortCode::new(MODULE, "ENotAdmin", 0);
/// The address is already a reader.
pub const E_ALREADY_READER: AbortCode = AbortCode::new(MODULE, "EAlreadyReader", 1);
/// The address is not a reader.
pub const E_NOT_READER: AbortCode = AbortCode::new(MODULE, "ENotReader", 2);
/// The policy already has `MAX_READERS` readers.
pub const E_TOO_MANY_READERS: AbortCode = AbortCode::new(MODULE, "ETooManyReaders", 3);
/// The name is empty or longer than `MAX_NAME_BYTES` bytes.
pub const E_INVALID_NAME: AbortCode = AbortCode::new(MODULE, "EInvalidName", 4);
/// The blob already names a policy.
pub const E_ALREADY_GOVERNED: AbortCode = AbortCode::new(MODULE, "EAlreadyGoverned", 5);
/// The blob is not governed by this policy.
pub const E_NOT_GOVERNED: AbortCode = AbortCode::new(MODULE, "ENotGoverned", 6);
/// `seal_approve`: no access for the sender, or an identity outside the policy's namespace.
pub const E_NO_ACCESS: AbortCode = AbortCode::new(MODULE, "ENoAccess", 7);

/// `AccessPolicy { id, name, readers, expiry_epoch, version }` (shared).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessPolicy {
    /// Object id.
    pub id: ObjectId,
    /// The policy's name.
    pub name: String,
    /// The readers, in insertion order: a `VecSet<address>`, in BCS a `vector<address>`.
    pub readers: Vec<Address>,
    /// The first epoch in which the policy grants nothing; `None`: never expires.
    pub expiry_epoch: Option<u32>,
    /// Changes since creation.
    pub version: u64,
}

/// `AccessPolicyAdminCap { id, policy_id }` (owned, `key + store`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessPolicyAdminCap {
    /// Object id.
    pub id: ObjectId,
    /// The policy it administers.
    pub policy_id: ObjectId,
}

impl AccessPolicyAdminCap {
    /// `policy_id`.
    pub fn policy_id(&self) -> ObjectId {
        self.policy_id
    }
}

/// `new`: shares a policy without readers and returns its cap. Aborts with `EInvalidName`;
/// emits `AccessPolicyCreated`.
pub fn new(name: String, expiry_epoch: Option<u32>, ctx: &mut TxContext) -> MoveResult<AccessPolicyAdminCap> {
    assert_valid_name(&name)?;
    // Ids in Move's order: the policy's, then the cap's.
    let policy = AccessPolicy { id: ctx.fresh_id(), name, readers: Vec::new(), expiry_epoch, version: 0 };
    let cap = AccessPolicyAdminCap { id: ctx.fresh_id(), policy_id: policy.id };
    emit(
        ctx,
        AccessPolicyEvent::Created(AccessPolicyCreated {
            policy_id: policy.id,
            admin_cap_id: cap.id,
            name: policy.name.clone(),
            expiry_epoch,
        }),
    );
    ctx.share(Object::AccessPolicy(policy));
    Ok(cap)
}

/// `seal_approve` (an `entry` function): aborts with `ENoAccess` unless `id` starts with the
/// policy's id bytes, the policy has not expired and the sender is a reader. Checks the system's
/// version first (`system::EWrongVersion`), as reading its epoch does in Move.
pub fn seal_approve(id: &[u8], policy: &AccessPolicy, system: &System, ctx: &TxContext) -> MoveResult<()> {
    let current_epoch = system.epoch()?;
    ensure(policy.approves(id, current_epoch, ctx.sender()), E_NO_ACCESS)
}

/// `max_readers`.
pub fn max_readers() -> u64 {
    MAX_READERS
}

fn emit(ctx: &mut TxContext, event: AccessPolicyEvent) {
    ctx.emit(Event::AccessPolicy(event));
}

fn assert_valid_name(name: &str) -> MoveResult<()> {
    ensure(!name.is_empty() && name.len() as u64 <= MAX_NAME_BYTES, E_INVALID_NAME)
}

/// Whether any policy is named in the blob's attributes.
fn is_governed(blob: &Blob) -> bool {
    blob.metadata.as_ref().is_some_and(|m| m.contains(&POLICY_ATTRIBUTE_KEY.to_owned()))
}

impl AccessPolicy {
    /// `add_reader`: checks `ENotAdmin`, `EAlreadyReader`, `ETooManyReaders`; emits
    /// `ReaderAdded`.
    pub fn add_reader(&mut self, cap: &AccessPolicyAdminCap, reader: Address, ctx: &mut TxContext) -> MoveResult<()> {
        self.assert_admin(cap)?;
        ensure(!self.is_reader(reader), E_ALREADY_READER)?;
        ensure(self.reader_count() < MAX_READERS, E_TOO_MANY_READERS)?;
        self.readers.push(reader);
        self.version += 1;
        emit(ctx, AccessPolicyEvent::ReaderAdded(ReaderAdded { policy_id: self.id, reader, version: self.version }));
        Ok(())
    }

    /// `remove_reader`: checks `ENotAdmin`, `ENotReader`; emits `ReaderRemoved`. The others keep
    /// their order, as `vec_set::remove` keeps it.
    pub fn remove_reader(
        &mut self,
        cap: &AccessPolicyAdminCap,
        reader: Address,
        ctx: &mut TxContext,
    ) -> MoveResult<()> {
        self.assert_admin(cap)?;
        let position = self.readers.iter().position(|r| *r == reader).ok_or(MoveAbort(E_NOT_READER))?;
        self.readers.remove(position);
        self.version += 1;
        emit(
            ctx,
            AccessPolicyEvent::ReaderRemoved(ReaderRemoved { policy_id: self.id, reader, version: self.version }),
        );
        Ok(())
    }

    /// `set_expiry`: checks `ENotAdmin`; emits `AccessPolicyExpirySet`.
    pub fn set_expiry(
        &mut self,
        cap: &AccessPolicyAdminCap,
        expiry_epoch: Option<u32>,
        ctx: &mut TxContext,
    ) -> MoveResult<()> {
        self.assert_admin(cap)?;
        self.expiry_epoch = expiry_epoch;
        self.version += 1;
        emit(
            ctx,
            AccessPolicyEvent::ExpirySet(AccessPolicyExpirySet {
                policy_id: self.id,
                expiry_epoch,
                version: self.version,
            }),
        );
        Ok(())
    }

    /// `rename`: checks `ENotAdmin`, `EInvalidName`; emits `AccessPolicyRenamed`.
    pub fn rename(&mut self, cap: &AccessPolicyAdminCap, name: String, ctx: &mut TxContext) -> MoveResult<()> {
        self.assert_admin(cap)?;
        assert_valid_name(&name)?;
        self.name = name.clone();
        self.version += 1;
        emit(ctx, AccessPolicyEvent::Renamed(AccessPolicyRenamed { policy_id: self.id, name, version: self.version }));
        Ok(())
    }

    /// `govern_blob`: checks `ENotAdmin`, `EAlreadyGoverned`; sets the blob's `access_policy`
    /// attribute to [`Self::id_string`]; emits `BlobGoverned`.
    pub fn govern_blob(&self, cap: &AccessPolicyAdminCap, blob: &mut Blob, ctx: &mut TxContext) -> MoveResult<()> {
        self.assert_admin(cap)?;
        ensure(!is_governed(blob), E_ALREADY_GOVERNED)?;
        blob.insert_or_update_metadata_pair(POLICY_ATTRIBUTE_KEY.to_owned(), self.id_string());
        emit(
            ctx,
            AccessPolicyEvent::BlobGoverned(BlobGoverned {
                policy_id: self.id,
                blob_id: blob.blob_id,
                object_id: blob.id,
            }),
        );
        Ok(())
    }

    /// `release_blob`: checks `ENotAdmin`, `ENotGoverned`; removes the attribute; emits
    /// `BlobReleased`.
    pub fn release_blob(&self, cap: &AccessPolicyAdminCap, blob: &mut Blob, ctx: &mut TxContext) -> MoveResult<()> {
        self.assert_admin(cap)?;
        ensure(self.governs(blob), E_NOT_GOVERNED)?;
        blob.remove_metadata_pair(&POLICY_ATTRIBUTE_KEY.to_owned())?;
        emit(
            ctx,
            AccessPolicyEvent::BlobReleased(BlobReleased {
                policy_id: self.id,
                blob_id: blob.blob_id,
                object_id: blob.id,
            }),
        );
        Ok(())
    }

    /// `can_read`: the blob names this policy, the policy has not expired at the system's
    /// epoch, and `reader` is a reader. Aborts only with `system::EWrongVersion`.
    pub fn can_read(&self, system: &System, blob: &Blob, reader: Address) -> MoveResult<bool> {
        let current_epoch = system.epoch()?;
        Ok(self.governs(blob) && self.is_active_at(current_epoch) && self.is_reader(reader))
    }

    /// `name`.
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// `readers`.
    pub fn readers(&self) -> Vec<Address> {
        self.readers.clone()
    }

    /// `is_reader`.
    pub fn is_reader(&self, reader: Address) -> bool {
        self.readers.contains(&reader)
    }

    /// `reader_count`.
    pub fn reader_count(&self) -> u64 {
        self.readers.len() as u64
    }

    /// `expiry_epoch`.
    pub fn expiry_epoch(&self) -> Option<u32> {
        self.expiry_epoch
    }

    /// `version`.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// `is_active`: aborts only with `system::EWrongVersion`.
    pub fn is_active(&self, system: &System) -> MoveResult<bool> {
        Ok(self.is_active_at(system.epoch()?))
    }

    /// Whether the policy grants access in `current_epoch` (expiry is exclusive).
    pub fn is_active_at(&self, current_epoch: u32) -> bool {
        self.expiry_epoch.is_none_or(|expiry| current_epoch < expiry)
    }

    /// `governs`: the blob's `access_policy` attribute names this policy.
    pub fn governs(&self, blob: &Blob) -> bool {
        blob.metadata.as_ref().and_then(|m| m.get(&POLICY_ATTRIBUTE_KEY.to_owned())) == Some(self.id_string())
    }

    /// The attribute value naming this policy: `0x` and the 64 lowercase hex digits of its id.
    pub fn id_string(&self) -> String {
        attribute_value(self.id)
    }

    fn assert_admin(&self, cap: &AccessPolicyAdminCap) -> MoveResult<()> {
        ensure(cap.policy_id == self.id, E_NOT_ADMIN)
    }

    fn approves(&self, id: &[u8], current_epoch: u32, caller: Address) -> bool {
        id.starts_with(&self.id.0) && self.is_active_at(current_epoch) && self.is_reader(caller)
    }
}

/// The `access_policy` attribute value naming the policy `policy_id`.
pub fn attribute_value(policy_id: ObjectId) -> String {
    let mut value = String::with_capacity(66);
    value.push_str("0x");
    for byte in policy_id.0 {
        value.push_str(&format!("{byte:02x}"));
    }
    value
}

#[cfg(test)]
mod tests {
    //! The scenarios of `move/walrus/tests/access_policy_tests.move`, one test per Move test.

    use std::path::PathBuf;

    use super::*;
    use crate::{
        encoding,
        framework::{Coin, U256},
        system::{self, AdminCap},
    };

    const ADMIN: Address = ObjectId([0xA; 32]);
    const READER: Address = ObjectId([0xB; 32]);
    const STRANGER: Address = ObjectId([0xC; 32]);
    const ENCODED_10K: u64 = 41300;

    fn assert_aborts<T: std::fmt::Debug>(result: MoveResult<T>, code: AbortCode) {
        match result {
            Err(abort) => assert_eq!(abort.code(), code, "aborted with another code: {abort}"),
            Ok(value) => panic!("expected an abort with {code:?}, got {value:?}"),
        }
    }

    /// A context for a new transaction by `sender`; `n` keeps digests (hence ids) distinct.
    fn tx(sender: Address, n: u8) -> TxContext {
        TxContext::new(sender, [n; 32])
    }

    #[derive(serde::Deserialize)]
    struct Vectors {
        committee: Vec<Member>,
    }

    #[derive(serde::Deserialize)]
    struct Member {
        node_id_hex: String,
        public_key_hex: String,
        shards: u16,
    }

    /// The committee of tests/vectors/certificates.json: node ids, keys, addresses, shards.
    fn committee() -> (Vec<ObjectId>, Vec<Vec<u8>>, Vec<String>, Vec<u16>) {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/certificates.json");
        let vectors: Vectors = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let members = &vectors.committee;
        (
            members.iter().map(|m| ObjectId(hex::decode(&m.node_id_hex).unwrap().try_into().unwrap())).collect(),
            members.iter().map(|m| hex::decode(&m.public_key_hex).unwrap()).collect(),
            (1..=members.len()).map(|i| format!("127.0.0.1:910{i}")).collect(),
            members.iter().map(|m| m.shards).collect(),
        )
    }

    /// `test_utils::setup`: the test system at epoch 1 and its admin cap.
    fn setup() -> (System, AdminCap) {
        let mut ctx = tx(ADMIN, 200);
        system::init(&mut ctx);
        let Object::InitCap(init_cap) = ctx.transferred()[0].1.clone() else { panic!("init sends the InitCap") };
        let (node_ids, keys, addresses, shards) = committee();
        let mut ctx = tx(ADMIN, 201);
        let admin = system::create(init_cap, 10, node_ids, keys, addresses, shards, 1_000, 2_000, 1 << 30, 5, &mut ctx)
            .unwrap();
        let Object::System(system) = ctx.shared()[0].clone() else { panic!("create shares the System") };
        (system, admin)
    }

    fn advance_epoch(system: &mut System, _cap: &AdminCap) {
        let (node_ids, keys, addresses, shards) = committee();
        system.advance_epoch_for_testing(node_ids, keys, addresses, shards, &mut tx(ADMIN, 202)).unwrap();
    }

    fn name() -> String {
        "team documents".to_owned()
    }

    /// `access_policy::new` in a transaction of its own: the shared policy and the cap.
    fn create(expiry_epoch: Option<u32>, n: u8) -> (AccessPolicy, AccessPolicyAdminCap) {
        let mut ctx = tx(ADMIN, n);
        let cap = new(name(), expiry_epoch, &mut ctx).unwrap();
        let Object::AccessPolicy(policy) = ctx.shared()[0].clone() else { panic!("new shares the policy") };
        (policy, cap)
    }

    /// A blob of 10000 bytes registered for epochs [1, 3).
    fn register_blob(system: &mut System, ctx: &mut TxContext) -> Blob {
        let mut payment = Coin { id: ctx.fresh_id(), balance: crate::framework::Balance::new(1_000_000) };
        let storage = system.reserve_space(ENCODED_10K, 2, &mut payment, ctx).unwrap();
        let root = U256([7; 32]);
        let blob_id = encoding::derive_blob_id(root, encoding::red_stuff(), 10_000);
        system.register_blob(storage, blob_id, root, 10_000, encoding::red_stuff(), false, ctx).unwrap()
    }

    fn policy_events(ctx: &TxContext) -> Vec<AccessPolicyEvent> {
        ctx.events()
            .iter()
            .filter_map(|e| match e {
                Event::AccessPolicy(e) => Some(e.clone()),
                _ => None,
            })
            .collect()
    }

    /// An identity in the policy's Seal namespace.
    fn identity(policy: &AccessPolicy, suffix: &[u8]) -> Vec<u8> {
        [&policy.id.0[..], suffix].concat()
    }

    // === Creation and changes ===

    #[test]
    fn new_shares_a_policy_and_returns_its_cap() {
        let mut ctx = tx(ADMIN, 1);
        let cap = new(name(), Some(7), &mut ctx).unwrap();
        let Object::AccessPolicy(policy) = ctx.shared()[0].clone() else { panic!("new shares the policy") };
        assert_eq!(cap.policy_id(), policy.id);
        assert_eq!(
            policy_events(&ctx),
            vec![AccessPolicyEvent::Created(AccessPolicyCreated {
                policy_id: policy.id,
                admin_cap_id: cap.id,
                name: name(),
                expiry_epoch: Some(7),
            })]
        );
        assert_eq!(policy.name(), name());
        assert_eq!(policy.readers(), Vec::<Address>::new());
        assert_eq!(policy.reader_count(), 0);
        assert_eq!(policy.expiry_epoch(), Some(7));
        assert_eq!(policy.version(), 0);
        assert!(!policy.is_reader(READER));
        assert_eq!(max_readers(), 100);
    }

    #[test]
    fn add_and_remove_readers() {
        let (mut policy, cap) = create(None, 1);
        let mut ctx = tx(ADMIN, 2);
        policy.add_reader(&cap, READER, &mut ctx).unwrap();
        policy.add_reader(&cap, STRANGER, &mut ctx).unwrap();
        assert_eq!(policy.readers(), vec![READER, STRANGER]);
        assert_eq!(policy.reader_count(), 2);
        assert!(policy.is_reader(READER));
        assert_eq!(policy.version(), 2);
        policy.remove_reader(&cap, READER, &mut ctx).unwrap();
        assert_eq!(policy.readers(), vec![STRANGER]);
        assert!(!policy.is_reader(READER));
        assert_eq!(policy.version(), 3);
        let id = policy.id;
        assert_eq!(
            policy_events(&ctx),
            vec![
                AccessPolicyEvent::ReaderAdded(ReaderAdded { policy_id: id, reader: READER, version: 1 }),
                AccessPolicyEvent::ReaderAdded(ReaderAdded { policy_id: id, reader: STRANGER, version: 2 }),
                AccessPolicyEvent::ReaderRemoved(ReaderRemoved { policy_id: id, reader: READER, version: 3 }),
            ]
        );
        // A removed reader can be added again.
        policy.add_reader(&cap, READER, &mut ctx).unwrap();
        assert_eq!(policy.readers(), vec![STRANGER, READER]);
    }

    #[test]
    fn set_expiry_and_rename() {
        let (mut policy, cap) = create(None, 1);
        let mut ctx = tx(ADMIN, 2);
        policy.set_expiry(&cap, Some(3), &mut ctx).unwrap();
        assert_eq!(policy.expiry_epoch(), Some(3));
        policy.set_expiry(&cap, None, &mut ctx).unwrap();
        assert_eq!(policy.expiry_epoch(), None);
        policy.rename(&cap, "archive".to_owned(), &mut ctx).unwrap();
        assert_eq!(policy.name(), "archive");
        assert_eq!(policy.version(), 3);
        let id = policy.id;
        assert_eq!(
            policy_events(&ctx),
            vec![
                AccessPolicyEvent::ExpirySet(AccessPolicyExpirySet {
                    policy_id: id,
                    expiry_epoch: Some(3),
                    version: 1
                }),
                AccessPolicyEvent::ExpirySet(AccessPolicyExpirySet { policy_id: id, expiry_epoch: None, version: 2 }),
                AccessPolicyEvent::Renamed(AccessPolicyRenamed {
                    policy_id: id,
                    name: "archive".to_owned(),
                    version: 3
                }),
            ]
        );
    }

    // === Blobs and reads ===

    #[test]
    fn govern_check_and_release_a_blob() {
        let (mut system, _) = setup();
        let (mut policy, cap) = create(None, 1);
        let mut ctx = tx(ADMIN, 2);
        let mut blob = register_blob(&mut system, &mut ctx);
        policy.add_reader(&cap, READER, &mut ctx).unwrap();
        blob.insert_or_update_metadata_pair("content-type".to_owned(), "text/plain".to_owned());
        assert!(!policy.governs(&blob));
        assert!(!policy.can_read(&system, &blob, READER).unwrap());

        policy.govern_blob(&cap, &mut blob, &mut ctx).unwrap();
        let key = POLICY_ATTRIBUTE_KEY.to_owned();
        let expected = format!("0x{}", hex::encode(policy.id.0));
        assert_eq!(blob.metadata().unwrap().get(&key), Some(expected));
        assert_eq!(blob.metadata().unwrap().size(), 2);
        assert!(policy.governs(&blob));
        assert!(policy.is_active(&system).unwrap());
        assert!(policy.can_read(&system, &blob, READER).unwrap());
        assert!(!policy.can_read(&system, &blob, STRANGER).unwrap());
        // Governing changes the blob, not the policy.
        assert_eq!(policy.version(), 1);

        policy.release_blob(&cap, &mut blob, &mut ctx).unwrap();
        assert!(!blob.metadata().unwrap().contains(&key));
        assert_eq!(blob.metadata().unwrap().size(), 1);
        assert!(!policy.governs(&blob));
        assert!(!policy.can_read(&system, &blob, READER).unwrap());
        let events = policy_events(&ctx);
        let (policy_id, blob_id, object_id) = (policy.id, blob.blob_id, blob.id);
        assert_eq!(
            events[events.len() - 2..],
            [
                AccessPolicyEvent::BlobGoverned(BlobGoverned { policy_id, blob_id, object_id }),
                AccessPolicyEvent::BlobReleased(BlobReleased { policy_id, blob_id, object_id }),
            ]
        );

        // Released, the blob can be put under a policy again.
        policy.govern_blob(&cap, &mut blob, &mut ctx).unwrap();
        assert!(policy.can_read(&system, &blob, READER).unwrap());
    }

    #[test]
    fn another_policys_blob_is_not_readable() {
        let (mut system, _) = setup();
        let (mut policy, cap) = create(None, 1);
        let (mut other, other_cap) = create(None, 2);
        let mut ctx = tx(ADMIN, 3);
        let mut blob = register_blob(&mut system, &mut ctx);
        policy.add_reader(&cap, READER, &mut ctx).unwrap();
        other.add_reader(&other_cap, READER, &mut ctx).unwrap();
        other.govern_blob(&other_cap, &mut blob, &mut ctx).unwrap();
        assert!(other.can_read(&system, &blob, READER).unwrap());
        assert!(!policy.governs(&blob));
        assert!(!policy.can_read(&system, &blob, READER).unwrap());
    }

    #[test]
    fn expiry_is_exclusive() {
        let (mut system, admin) = setup();
        let (mut policy, cap) = create(Some(2), 1);
        let mut ctx = tx(ADMIN, 2);
        let mut blob = register_blob(&mut system, &mut ctx);
        policy.add_reader(&cap, READER, &mut ctx).unwrap();
        policy.govern_blob(&cap, &mut blob, &mut ctx).unwrap();
        assert!(policy.is_active(&system).unwrap());
        assert!(policy.can_read(&system, &blob, READER).unwrap());

        advance_epoch(&mut system, &admin);
        assert_eq!(system.epoch().unwrap(), 2);
        assert!(!policy.is_active(&system).unwrap());
        assert!(!policy.can_read(&system, &blob, READER).unwrap());

        // Lifting the expiry restores access; an expiry in the past grants nothing at once.
        policy.set_expiry(&cap, None, &mut ctx).unwrap();
        assert!(policy.is_active(&system).unwrap());
        assert!(policy.can_read(&system, &blob, READER).unwrap());
        policy.set_expiry(&cap, Some(1), &mut ctx).unwrap();
        assert!(!policy.can_read(&system, &blob, READER).unwrap());
    }

    #[test]
    fn seal_approve_accepts_readers_in_the_namespace() {
        let (system, _) = setup();
        let (mut policy, cap) = create(None, 1);
        policy.add_reader(&cap, READER, &mut tx(ADMIN, 2)).unwrap();
        let ctx = tx(READER, 3);
        seal_approve(&identity(&policy, b"file-1"), &policy, &system, &ctx).unwrap();
        // The namespace itself is a valid identity.
        seal_approve(&identity(&policy, b""), &policy, &system, &ctx).unwrap();
    }

    // === Aborts ===

    /// Two policies: (policy A, cap of policy B).
    fn policy_and_foreign_cap() -> (AccessPolicy, AccessPolicyAdminCap) {
        let (policy, _) = create(None, 1);
        let (_, foreign) = create(None, 2);
        (policy, foreign)
    }

    #[test]
    fn add_reader_with_another_policys_cap_aborts() {
        let (mut policy, foreign) = policy_and_foreign_cap();
        assert_aborts(policy.add_reader(&foreign, READER, &mut tx(ADMIN, 3)), E_NOT_ADMIN);
    }

    #[test]
    fn remove_reader_with_another_policys_cap_aborts() {
        let (mut policy, foreign) = policy_and_foreign_cap();
        assert_aborts(policy.remove_reader(&foreign, READER, &mut tx(ADMIN, 3)), E_NOT_ADMIN);
    }

    #[test]
    fn set_expiry_with_another_policys_cap_aborts() {
        let (mut policy, foreign) = policy_and_foreign_cap();
        assert_aborts(policy.set_expiry(&foreign, Some(5), &mut tx(ADMIN, 3)), E_NOT_ADMIN);
    }

    #[test]
    fn rename_with_another_policys_cap_aborts() {
        let (mut policy, foreign) = policy_and_foreign_cap();
        assert_aborts(policy.rename(&foreign, "mine now".to_owned(), &mut tx(ADMIN, 3)), E_NOT_ADMIN);
    }

    #[test]
    fn govern_blob_with_another_policys_cap_aborts() {
        let (mut system, _) = setup();
        let (policy, foreign) = policy_and_foreign_cap();
        let mut ctx = tx(ADMIN, 3);
        let mut blob = register_blob(&mut system, &mut ctx);
        assert_aborts(policy.govern_blob(&foreign, &mut blob, &mut ctx), E_NOT_ADMIN);
        assert!(!blob.has_metadata());
    }

    #[test]
    fn release_blob_with_another_policys_cap_aborts() {
        let (mut system, _) = setup();
        let (policy, cap) = create(None, 1);
        let (_, foreign) = create(None, 2);
        let mut ctx = tx(ADMIN, 3);
        let mut blob = register_blob(&mut system, &mut ctx);
        policy.govern_blob(&cap, &mut blob, &mut ctx).unwrap();
        assert_aborts(policy.release_blob(&foreign, &mut blob, &mut ctx), E_NOT_ADMIN);
        assert!(policy.governs(&blob));
    }

    #[test]
    fn adding_a_reader_twice_aborts() {
        let (mut policy, cap) = create(None, 1);
        let mut ctx = tx(ADMIN, 2);
        policy.add_reader(&cap, READER, &mut ctx).unwrap();
        assert_aborts(policy.add_reader(&cap, READER, &mut ctx), E_ALREADY_READER);
    }

    #[test]
    fn removing_a_missing_reader_aborts() {
        let (mut policy, cap) = create(None, 1);
        let mut ctx = tx(ADMIN, 2);
        policy.add_reader(&cap, READER, &mut ctx).unwrap();
        assert_aborts(policy.remove_reader(&cap, STRANGER, &mut ctx), E_NOT_READER);
    }

    #[test]
    fn more_than_max_readers_aborts() {
        let (mut policy, cap) = create(None, 1);
        let mut ctx = tx(ADMIN, 2);
        for i in 0..MAX_READERS {
            let mut reader = [0u8; 32];
            reader[24..].copy_from_slice(&(i + 0x1000).to_be_bytes());
            policy.add_reader(&cap, ObjectId(reader), &mut ctx).unwrap();
        }
        assert_eq!(policy.reader_count(), MAX_READERS);
        assert_aborts(policy.add_reader(&cap, READER, &mut ctx), E_TOO_MANY_READERS);
        // A duplicate is reported as such even when the policy is full.
        let first = policy.readers[0];
        assert_aborts(policy.add_reader(&cap, first, &mut ctx), E_ALREADY_READER);
    }

    #[test]
    fn an_empty_name_aborts() {
        assert_aborts(new(String::new(), None, &mut tx(ADMIN, 1)), E_INVALID_NAME);
    }

    #[test]
    fn renaming_to_an_overlong_name_aborts() {
        let (mut policy, cap) = create(None, 1);
        let mut ctx = tx(ADMIN, 2);
        assert_aborts(policy.rename(&cap, "a".repeat(257), &mut ctx), E_INVALID_NAME);
        // Exactly the longest name is fine; the limit counts bytes, not characters.
        policy.rename(&cap, "a".repeat(256), &mut ctx).unwrap();
        assert_aborts(policy.rename(&cap, "é".repeat(129), &mut ctx), E_INVALID_NAME);
    }

    #[test]
    fn governing_a_governed_blob_aborts() {
        let (mut system, _) = setup();
        let (policy, cap) = create(None, 1);
        let (other, other_cap) = create(None, 2);
        let mut ctx = tx(ADMIN, 3);
        let mut blob = register_blob(&mut system, &mut ctx);
        policy.govern_blob(&cap, &mut blob, &mut ctx).unwrap();
        assert_aborts(other.govern_blob(&other_cap, &mut blob, &mut ctx), E_ALREADY_GOVERNED);
    }

    #[test]
    fn releasing_an_ungoverned_blob_aborts() {
        let (mut system, _) = setup();
        let (policy, cap) = create(None, 1);
        let mut ctx = tx(ADMIN, 2);
        let mut blob = register_blob(&mut system, &mut ctx);
        assert_aborts(policy.release_blob(&cap, &mut blob, &mut ctx), E_NOT_GOVERNED);
    }

    #[test]
    fn releasing_another_policys_blob_aborts() {
        let (mut system, _) = setup();
        let (policy, cap) = create(None, 1);
        let (other, other_cap) = create(None, 2);
        let mut ctx = tx(ADMIN, 3);
        let mut blob = register_blob(&mut system, &mut ctx);
        other.govern_blob(&other_cap, &mut blob, &mut ctx).unwrap();
        assert_aborts(policy.release_blob(&cap, &mut blob, &mut ctx), E_NOT_GOVERNED);
    }

    #[test]
    fn seal_approve_refuses_a_stranger() {
        let (system, _) = setup();
        let (mut policy, cap) = create(None, 1);
        policy.add_reader(&cap, READER, &mut tx(ADMIN, 2)).unwrap();
        assert_aborts(seal_approve(&identity(&policy, b"x"), &policy, &system, &tx(STRANGER, 3)), E_NO_ACCESS);
    }

    #[test]
    fn seal_approve_refuses_an_identity_outside_the_namespace() {
        let (system, _) = setup();
        let (mut policy, cap) = create(None, 1);
        policy.add_reader(&cap, READER, &mut tx(ADMIN, 2)).unwrap();
        let mut id = policy.id.0.to_vec();
        id[31] ^= 1;
        assert_aborts(seal_approve(&id, &policy, &system, &tx(READER, 3)), E_NO_ACCESS);
        // Shorter than the namespace.
        assert_aborts(seal_approve(&policy.id.0[..31], &policy, &system, &tx(READER, 3)), E_NO_ACCESS);
    }

    #[test]
    fn seal_approve_refuses_after_expiry() {
        let (mut system, admin) = setup();
        let (mut policy, cap) = create(Some(2), 1);
        policy.add_reader(&cap, READER, &mut tx(ADMIN, 2)).unwrap();
        advance_epoch(&mut system, &admin);
        assert_aborts(seal_approve(&identity(&policy, b"x"), &policy, &system, &tx(READER, 3)), E_NO_ACCESS);
    }

    // === Layout ===

    #[test]
    fn bcs_layout_matches_the_move_structs() {
        let policy = AccessPolicy {
            id: ObjectId([1; 32]),
            name: "ab".to_owned(),
            readers: vec![ObjectId([2; 32])],
            expiry_epoch: Some(5),
            version: 3,
        };
        let mut expected = vec![1u8; 32];
        expected.extend([2, b'a', b'b', 1]);
        expected.extend([2u8; 32]);
        expected.extend([1, 5, 0, 0, 0]);
        expected.extend(3u64.to_le_bytes());
        assert_eq!(Object::AccessPolicy(policy).bcs(), expected);
        let cap = AccessPolicyAdminCap { id: ObjectId([3; 32]), policy_id: ObjectId([1; 32]) };
        assert_eq!(Object::AccessPolicyAdminCap(cap).bcs(), [[3u8; 32], [1u8; 32]].concat());
        assert_eq!(attribute_value(ObjectId([0xab; 32])), format!("0x{}", "ab".repeat(32)));
    }
}
