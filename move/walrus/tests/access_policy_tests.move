#[test_only]
module walrus::access_policy_tests;

use std::{string::{Self, String}, unit_test::assert_eq};
use sui::{address, event, test_scenario::{Self, Scenario}};
use walrus::{
    access_policy::{Self, AccessPolicy, AccessPolicyAdminCap},
    blob::Blob,
    events,
    system::System,
    test_utils
};

/// Publisher of the system, administrator of the policies and owner of the blobs.
const ADMIN: address = @0xA;
const READER: address = @0xB;
const STRANGER: address = @0xC;
/// Encoded size of the 10000-byte vector blob on 10 shards.
const ENCODED_10K: u64 = 41300;

fun setup(): Scenario {
    let mut scenario = test_scenario::begin(ADMIN);
    test_utils::setup(&mut scenario);
    scenario
}

fun name(): String {
    string::utf8(b"team documents")
}

/// Creates a policy and moves to the next transaction (so the policy can be taken); returns the
/// cap.
fun create(scenario: &mut Scenario, expiry_epoch: Option<u32>): AccessPolicyAdminCap {
    let cap = access_policy::new(name(), expiry_epoch, scenario.ctx());
    scenario.next_tx(ADMIN);
    cap
}

fun take_policy(scenario: &Scenario, cap: &AccessPolicyAdminCap): AccessPolicy {
    scenario.take_shared_by_id<AccessPolicy>(cap.policy_id())
}

/// Registers the permanent blob of the certificate vectors for epochs [1, 3), then moves to the
/// next transaction: a shared object taken and returned in a transaction cannot be taken again
/// before the next one, and the callers take the `System` afterwards.
fun register_blob(scenario: &mut Scenario): Blob {
    let mut system = scenario.take_shared<System>();
    let mut payment = test_utils::mint_wal(1_000_000, scenario.ctx());
    let storage = system.reserve_space(ENCODED_10K, 2, &mut payment, scenario.ctx());
    payment.burn_for_testing();
    let blob = system.register_blob(
        storage,
        test_utils::permanent_blob_id(),
        test_utils::permanent_root_hash(),
        test_utils::permanent_size(),
        1,
        false,
        scenario.ctx(),
    );
    test_scenario::return_shared(system);
    scenario.next_tx(ADMIN);
    blob
}

/// The attribute value naming `policy`, built with `sui::address` rather than the module's own
/// encoder.
fun attribute_value(policy: &AccessPolicy): String {
    let mut value = string::utf8(b"0x");
    value.append(address::to_string(object::id(policy).to_address()));
    value
}

/// An identity in `policy`'s Seal namespace: its id bytes followed by `suffix`.
fun identity(policy: &AccessPolicy, suffix: vector<u8>): vector<u8> {
    let mut id = object::id(policy).to_bytes();
    id.append(suffix);
    id
}

// === Creation and changes ===

#[test]
fun new_shares_a_policy_and_returns_its_cap() {
    let mut scenario = setup();
    let cap = access_policy::new(name(), option::some(7), scenario.ctx());
    let created = event::events_by_type<events::AccessPolicyCreated>();
    assert_eq!(created.length(), 1);
    scenario.next_tx(ADMIN);

    let policy = take_policy(&scenario, &cap);
    assert_eq!(cap.policy_id(), object::id(&policy));
    assert_eq!(
        created[0],
        events::access_policy_created(
            object::id(&policy),
            object::id(&cap),
            name(),
            option::some(7),
        ),
    );
    assert_eq!(policy.name(), name());
    assert_eq!(policy.readers(), vector[]);
    assert_eq!(policy.reader_count(), 0);
    assert_eq!(policy.expiry_epoch(), option::some(7));
    assert_eq!(policy.version(), 0);
    assert!(!policy.is_reader(READER));
    assert_eq!(access_policy::max_readers(), 100);

    test_scenario::return_shared(policy);
    transfer::public_transfer(cap, ADMIN);
    scenario.end();
}

#[test]
fun add_and_remove_readers() {
    let mut scenario = setup();
    let cap = create(&mut scenario, option::none());
    let mut policy = take_policy(&scenario, &cap);
    let policy_id = object::id(&policy);

    policy.add_reader(&cap, READER);
    policy.add_reader(&cap, STRANGER);
    assert_eq!(policy.readers(), vector[READER, STRANGER]);
    assert_eq!(policy.reader_count(), 2);
    assert!(policy.is_reader(READER));
    assert_eq!(policy.version(), 2);
    let added = event::events_by_type<events::ReaderAdded>();
    assert_eq!(
        added,
        vector[
            events::reader_added(policy_id, READER, 1),
            events::reader_added(policy_id, STRANGER, 2),
        ],
    );

    policy.remove_reader(&cap, READER);
    assert_eq!(policy.readers(), vector[STRANGER]);
    assert!(!policy.is_reader(READER));
    assert_eq!(policy.version(), 3);
    let removed = event::events_by_type<events::ReaderRemoved>();
    assert_eq!(removed, vector[events::reader_removed(policy_id, READER, 3)]);

    // A removed reader can be added again.
    policy.add_reader(&cap, READER);
    assert_eq!(policy.readers(), vector[STRANGER, READER]);

    test_scenario::return_shared(policy);
    transfer::public_transfer(cap, ADMIN);
    scenario.end();
}

#[test]
fun set_expiry_and_rename() {
    let mut scenario = setup();
    let cap = create(&mut scenario, option::none());
    let mut policy = take_policy(&scenario, &cap);
    let policy_id = object::id(&policy);

    policy.set_expiry(&cap, option::some(3));
    assert_eq!(policy.expiry_epoch(), option::some(3));
    policy.set_expiry(&cap, option::none());
    assert_eq!(policy.expiry_epoch(), option::none());
    let set = event::events_by_type<events::AccessPolicyExpirySet>();
    assert_eq!(
        set,
        vector[
            events::access_policy_expiry_set(policy_id, option::some(3), 1),
            events::access_policy_expiry_set(policy_id, option::none(), 2),
        ],
    );

    policy.rename(&cap, string::utf8(b"archive"));
    assert_eq!(policy.name(), string::utf8(b"archive"));
    assert_eq!(policy.version(), 3);
    let renamed = event::events_by_type<events::AccessPolicyRenamed>();
    assert_eq!(
        renamed,
        vector[events::access_policy_renamed(policy_id, string::utf8(b"archive"), 3)],
    );

    test_scenario::return_shared(policy);
    transfer::public_transfer(cap, ADMIN);
    scenario.end();
}

// === Blobs and reads ===

#[test]
fun govern_check_and_release_a_blob() {
    let mut scenario = setup();
    let cap = create(&mut scenario, option::none());
    let mut policy = take_policy(&scenario, &cap);
    // Registering takes the System itself, so it comes first.
    let mut blob = register_blob(&mut scenario);
    let system = scenario.take_shared<System>();
    policy.add_reader(&cap, READER);
    blob.insert_or_update_metadata_pair(string::utf8(b"content-type"), string::utf8(b"text/plain"));
    assert!(!policy.governs(&blob));
    assert!(!policy.can_read(&system, &blob, READER));

    policy.govern_blob(&cap, &mut blob);
    let key = string::utf8(b"access_policy");
    assert_eq!(blob.metadata().get(&key), option::some(attribute_value(&policy)));
    assert_eq!(blob.metadata().size(), 2);
    assert!(policy.governs(&blob));
    assert!(policy.is_active(&system));
    assert!(policy.can_read(&system, &blob, READER));
    assert!(!policy.can_read(&system, &blob, STRANGER));
    // Governing changes the blob, not the policy.
    assert_eq!(policy.version(), 1);
    let governed = event::events_by_type<events::BlobGoverned>();
    assert_eq!(
        governed,
        vector[events::blob_governed(object::id(&policy), blob.blob_id(), blob.object_id())],
    );

    policy.release_blob(&cap, &mut blob);
    assert!(!blob.metadata().contains(&key));
    assert_eq!(blob.metadata().size(), 1);
    assert!(!policy.governs(&blob));
    assert!(!policy.can_read(&system, &blob, READER));
    let released = event::events_by_type<events::BlobReleased>();
    assert_eq!(
        released,
        vector[events::blob_released(object::id(&policy), blob.blob_id(), blob.object_id())],
    );

    // Released, the blob can be put under a policy again.
    policy.govern_blob(&cap, &mut blob);
    assert!(policy.can_read(&system, &blob, READER));

    blob.burn();
    test_scenario::return_shared(policy);
    test_scenario::return_shared(system);
    transfer::public_transfer(cap, ADMIN);
    scenario.end();
}

#[test]
fun another_policys_blob_is_not_readable() {
    let mut scenario = setup();
    let cap = access_policy::new(name(), option::none(), scenario.ctx());
    let other_cap = access_policy::new(name(), option::none(), scenario.ctx());
    scenario.next_tx(ADMIN);
    let mut policy = take_policy(&scenario, &cap);
    let mut other = take_policy(&scenario, &other_cap);
    let mut blob = register_blob(&mut scenario);
    let system = scenario.take_shared<System>();
    policy.add_reader(&cap, READER);
    other.add_reader(&other_cap, READER);
    other.govern_blob(&other_cap, &mut blob);

    assert!(other.can_read(&system, &blob, READER));
    assert!(!policy.governs(&blob));
    assert!(!policy.can_read(&system, &blob, READER));

    blob.burn();
    test_scenario::return_shared(policy);
    test_scenario::return_shared(other);
    test_scenario::return_shared(system);
    transfer::public_transfer(cap, ADMIN);
    transfer::public_transfer(other_cap, ADMIN);
    scenario.end();
}

#[test]
fun expiry_is_exclusive() {
    let mut scenario = setup();
    // The system is at epoch 1; the policy grants access in epoch 1 only.
    let cap = create(&mut scenario, option::some(2));
    let mut policy = take_policy(&scenario, &cap);
    let mut blob = register_blob(&mut scenario);
    policy.add_reader(&cap, READER);
    policy.govern_blob(&cap, &mut blob);
    let system = scenario.take_shared<System>();
    assert!(policy.is_active(&system));
    assert!(policy.can_read(&system, &blob, READER));
    test_scenario::return_shared(system);

    // Each take of the `System` needs a transaction of its own.
    scenario.next_tx(ADMIN);
    test_utils::advance_epoch_in_scenario(&mut scenario);
    scenario.next_tx(ADMIN);
    let system = scenario.take_shared<System>();
    assert_eq!(system.epoch(), 2);
    assert!(!policy.is_active(&system));
    assert!(!policy.can_read(&system, &blob, READER));

    // Lifting the expiry restores access.
    policy.set_expiry(&cap, option::none());
    assert!(policy.is_active(&system));
    assert!(policy.can_read(&system, &blob, READER));
    // An expiry at or before the current epoch grants nothing at once.
    policy.set_expiry(&cap, option::some(1));
    assert!(!policy.can_read(&system, &blob, READER));

    blob.burn();
    test_scenario::return_shared(policy);
    test_scenario::return_shared(system);
    transfer::public_transfer(cap, ADMIN);
    scenario.end();
}

#[test]
fun seal_approve_accepts_readers_in_the_namespace() {
    let mut scenario = setup();
    let cap = create(&mut scenario, option::none());
    let mut policy = take_policy(&scenario, &cap);
    policy.add_reader(&cap, READER);
    test_scenario::return_shared(policy);

    scenario.next_tx(READER);
    let policy = take_policy(&scenario, &cap);
    let system = scenario.take_shared<System>();
    access_policy::seal_approve_for_testing(
        identity(&policy, b"file-1"),
        &policy,
        &system,
        scenario.ctx(),
    );
    // The namespace itself is a valid identity.
    access_policy::seal_approve_for_testing(
        identity(&policy, b""),
        &policy,
        &system,
        scenario.ctx(),
    );

    test_scenario::return_shared(policy);
    test_scenario::return_shared(system);
    transfer::public_transfer(cap, ADMIN);
    scenario.end();
}

// === Aborts ===

/// Two policies; returns (policy A taken, cap of policy B) for wrong-cap tests.
fun policy_and_foreign_cap(scenario: &mut Scenario): (AccessPolicy, AccessPolicyAdminCap) {
    let cap = access_policy::new(name(), option::none(), scenario.ctx());
    let foreign = access_policy::new(name(), option::none(), scenario.ctx());
    scenario.next_tx(ADMIN);
    let policy = take_policy(scenario, &cap);
    transfer::public_transfer(cap, ADMIN);
    (policy, foreign)
}

#[test, expected_failure(abort_code = walrus::access_policy::ENotAdmin)]
fun add_reader_with_another_policys_cap_aborts() {
    let mut scenario = setup();
    let (mut policy, foreign) = policy_and_foreign_cap(&mut scenario);
    policy.add_reader(&foreign, READER);
    abort 999
}

#[test, expected_failure(abort_code = walrus::access_policy::ENotAdmin)]
fun remove_reader_with_another_policys_cap_aborts() {
    let mut scenario = setup();
    let (mut policy, foreign) = policy_and_foreign_cap(&mut scenario);
    policy.remove_reader(&foreign, READER);
    abort 999
}

#[test, expected_failure(abort_code = walrus::access_policy::ENotAdmin)]
fun set_expiry_with_another_policys_cap_aborts() {
    let mut scenario = setup();
    let (mut policy, foreign) = policy_and_foreign_cap(&mut scenario);
    policy.set_expiry(&foreign, option::some(5));
    abort 999
}

#[test, expected_failure(abort_code = walrus::access_policy::ENotAdmin)]
fun rename_with_another_policys_cap_aborts() {
    let mut scenario = setup();
    let (mut policy, foreign) = policy_and_foreign_cap(&mut scenario);
    policy.rename(&foreign, string::utf8(b"mine now"));
    abort 999
}

#[test, expected_failure(abort_code = walrus::access_policy::ENotAdmin)]
fun govern_blob_with_another_policys_cap_aborts() {
    let mut scenario = setup();
    let (policy, foreign) = policy_and_foreign_cap(&mut scenario);
    let mut blob = register_blob(&mut scenario);
    policy.govern_blob(&foreign, &mut blob);
    abort 999
}

#[test, expected_failure(abort_code = walrus::access_policy::ENotAdmin)]
fun release_blob_with_another_policys_cap_aborts() {
    let mut scenario = setup();
    let cap = create(&mut scenario, option::none());
    let foreign = access_policy::new(name(), option::none(), scenario.ctx());
    let policy = take_policy(&scenario, &cap);
    let mut blob = register_blob(&mut scenario);
    policy.govern_blob(&cap, &mut blob);
    policy.release_blob(&foreign, &mut blob);
    abort 999
}

#[test, expected_failure(abort_code = walrus::access_policy::EAlreadyReader)]
fun adding_a_reader_twice_aborts() {
    let mut scenario = setup();
    let cap = create(&mut scenario, option::none());
    let mut policy = take_policy(&scenario, &cap);
    policy.add_reader(&cap, READER);
    policy.add_reader(&cap, READER);
    abort 999
}

#[test, expected_failure(abort_code = walrus::access_policy::ENotReader)]
fun removing_a_missing_reader_aborts() {
    let mut scenario = setup();
    let cap = create(&mut scenario, option::none());
    let mut policy = take_policy(&scenario, &cap);
    policy.add_reader(&cap, READER);
    policy.remove_reader(&cap, STRANGER);
    abort 999
}

#[test, expected_failure(abort_code = walrus::access_policy::ETooManyReaders)]
fun more_than_max_readers_aborts() {
    let mut scenario = setup();
    let cap = create(&mut scenario, option::none());
    let mut policy = take_policy(&scenario, &cap);
    let mut i = 0;
    while (i < access_policy::max_readers()) {
        policy.add_reader(&cap, address::from_u256(((i + 0x1000) as u256)));
        i = i + 1;
    };
    assert_eq!(policy.reader_count(), access_policy::max_readers());
    policy.add_reader(&cap, READER);
    abort 999
}

#[test, expected_failure(abort_code = walrus::access_policy::EInvalidName)]
fun an_empty_name_aborts() {
    let mut scenario = setup();
    let _cap = access_policy::new(string::utf8(b""), option::none(), scenario.ctx());
    abort 999
}

#[test, expected_failure(abort_code = walrus::access_policy::EInvalidName)]
fun renaming_to_an_overlong_name_aborts() {
    let mut scenario = setup();
    let cap = create(&mut scenario, option::none());
    let mut policy = take_policy(&scenario, &cap);
    // 257 bytes: one more than the longest name.
    let mut long = vector[];
    while (long.length() < 257) long.push_back(97);
    policy.rename(&cap, string::utf8(long));
    abort 999
}

#[test, expected_failure(abort_code = walrus::access_policy::EAlreadyGoverned)]
fun governing_a_governed_blob_aborts() {
    let mut scenario = setup();
    let cap = access_policy::new(name(), option::none(), scenario.ctx());
    let other_cap = access_policy::new(name(), option::none(), scenario.ctx());
    scenario.next_tx(ADMIN);
    let policy = take_policy(&scenario, &cap);
    let other = take_policy(&scenario, &other_cap);
    let mut blob = register_blob(&mut scenario);
    policy.govern_blob(&cap, &mut blob);
    other.govern_blob(&other_cap, &mut blob);
    abort 999
}

#[test, expected_failure(abort_code = walrus::access_policy::ENotGoverned)]
fun releasing_an_ungoverned_blob_aborts() {
    let mut scenario = setup();
    let cap = create(&mut scenario, option::none());
    let policy = take_policy(&scenario, &cap);
    let mut blob = register_blob(&mut scenario);
    policy.release_blob(&cap, &mut blob);
    abort 999
}

#[test, expected_failure(abort_code = walrus::access_policy::ENotGoverned)]
fun releasing_another_policys_blob_aborts() {
    let mut scenario = setup();
    let cap = access_policy::new(name(), option::none(), scenario.ctx());
    let other_cap = access_policy::new(name(), option::none(), scenario.ctx());
    scenario.next_tx(ADMIN);
    let policy = take_policy(&scenario, &cap);
    let other = take_policy(&scenario, &other_cap);
    let mut blob = register_blob(&mut scenario);
    other.govern_blob(&other_cap, &mut blob);
    policy.release_blob(&cap, &mut blob);
    abort 999
}

#[test, expected_failure(abort_code = walrus::access_policy::ENoAccess)]
fun seal_approve_refuses_a_stranger() {
    let mut scenario = setup();
    let cap = create(&mut scenario, option::none());
    let mut policy = take_policy(&scenario, &cap);
    policy.add_reader(&cap, READER);
    test_scenario::return_shared(policy);
    scenario.next_tx(STRANGER);
    let policy = take_policy(&scenario, &cap);
    let system = scenario.take_shared<System>();
    access_policy::seal_approve_for_testing(
        identity(&policy, b"x"),
        &policy,
        &system,
        scenario.ctx(),
    );
    abort 999
}

#[test, expected_failure(abort_code = walrus::access_policy::ENoAccess)]
fun seal_approve_refuses_an_identity_outside_the_namespace() {
    let mut scenario = setup();
    let cap = create(&mut scenario, option::none());
    let mut policy = take_policy(&scenario, &cap);
    policy.add_reader(&cap, READER);
    test_scenario::return_shared(policy);
    scenario.next_tx(READER);
    let policy = take_policy(&scenario, &cap);
    let system = scenario.take_shared<System>();
    // The id bytes with the last one changed.
    let mut id = object::id(&policy).to_bytes();
    let last = id.pop_back();
    id.push_back(last ^ 1);
    access_policy::seal_approve_for_testing(id, &policy, &system, scenario.ctx());
    abort 999
}

#[test, expected_failure(abort_code = walrus::access_policy::ENoAccess)]
fun seal_approve_refuses_after_expiry() {
    let mut scenario = setup();
    let cap = create(&mut scenario, option::some(2));
    let mut policy = take_policy(&scenario, &cap);
    policy.add_reader(&cap, READER);
    test_scenario::return_shared(policy);
    test_utils::advance_epoch_in_scenario(&mut scenario);
    scenario.next_tx(READER);
    let policy = take_policy(&scenario, &cap);
    let system = scenario.take_shared<System>();
    access_policy::seal_approve_for_testing(
        identity(&policy, b"x"),
        &policy,
        &system,
        scenario.ctx(),
    );
    abort 999
}
