/// End-to-end tests across the `wal` and `walrus` packages: publish both, buy storage with real
/// WAL, register and certify blobs with the certificates of tests/vectors/certificates.json,
/// extend, delete, invalidate, share, and move through epochs.
#[test_only]
module walrus_tests::lifecycle_tests;

use std::unit_test::assert_eq;
use sui::{coin::Coin, event, test_scenario::{Self, Scenario}};
use wal::wal::{Self, WAL, ProtectedTreasury};
use walrus::{
    blob::Blob,
    encoding,
    events,
    messages,
    shared_blob::{Self, SharedBlob},
    system::{System, AdminCap},
    test_utils
};

const ADMIN: address = @0xAD;
const ALICE: address = @0xA11CE;
const BOB: address = @0xB0B;
/// Encoded size of a 10000-byte blob on 10 shards.
const ENCODED_10K: u64 = 41300;
/// Encoded size of a 20000-byte blob on 10 shards.
const ENCODED_20K: u64 = 80680;

/// Publishes WAL and the system (ADMIN holds all WAL and the AdminCap), and gives ALICE and BOB
/// 1000 WAL each. Ends at the start of a transaction by ALICE.
fun publish(): Scenario {
    let mut scenario = test_scenario::begin(ADMIN);
    wal::init_for_testing(scenario.ctx());
    scenario.next_tx(ADMIN);
    test_utils::setup(&mut scenario);

    let mut supply = scenario.take_from_sender<Coin<WAL>>();
    let amount = 1_000 * wal::frost_per_wal();
    transfer::public_transfer(supply.split(amount, scenario.ctx()), ALICE);
    transfer::public_transfer(supply.split(amount, scenario.ctx()), BOB);
    scenario.return_to_sender(supply);
    scenario.next_tx(ALICE);
    scenario
}

#[test]
fun full_lifecycle() {
    let mut scenario = publish();

    // --- Alice buys storage and registers the permanent blob of the vectors. ---
    let mut system = scenario.take_shared<System>();
    let mut wallet = scenario.take_from_sender<Coin<WAL>>();
    let start_balance = wallet.value();
    // 1 unit: 1000 per epoch for 2 epochs + 2000 write fee.
    let storage = system.reserve_space(ENCODED_10K, 2, &mut wallet, scenario.ctx());
    assert_eq!(start_balance - wallet.value(), 4_000);
    let mut blob = system.register_blob(
        storage,
        test_utils::permanent_blob_id(),
        test_utils::permanent_root_hash(),
        test_utils::permanent_size(),
        encoding::red_stuff(),
        false,
        scenario.ctx(),
    );
    let blob_object_id = blob.object_id();
    let registered = event::events_by_type<events::BlobRegistered>();
    assert_eq!(
        registered[0],
        events::blob_registered(
            1,
            test_utils::permanent_blob_id(),
            10000,
            1,
            3,
            false,
            blob_object_id,
        ),
    );

    // --- The storage nodes' quorum certificate (a real BLS aggregate) certifies it. ---
    system.certify_blob(
        &mut blob,
        test_utils::permanent_quorum_signature(),
        test_utils::quorum_bitmap(),
        test_utils::permanent_message(),
    );
    assert_eq!(blob.certified_epoch(), option::some(1));
    let certified = event::events_by_type<events::BlobCertified>();
    assert_eq!(
        certified[0],
        events::blob_certified(1, blob.blob_id(), 3, false, blob_object_id, false),
    );

    // --- ... and extends it by two epochs with WAL (no write fee this time). ---
    let before = wallet.value();
    system.extend_blob(&mut blob, 2, &mut wallet);
    assert_eq!(before - wallet.value(), 2_000);
    assert_eq!(blob.end_epoch(), 5);

    // Attributes travel with the blob.
    blob.insert_or_update_metadata_pair(b"content-type".to_string(), b"text/plain".to_string());
    transfer::public_transfer(blob, ALICE);
    scenario.return_to_sender(wallet);
    test_scenario::return_shared(system);

    // --- A deletable blob: certified with a confirmation naming its object, then deleted. ---
    scenario.next_tx(ALICE);
    let mut system = scenario.take_shared<System>();
    let mut wallet = scenario.take_from_sender<Coin<WAL>>();
    let storage = system.reserve_space(ENCODED_20K, 3, &mut wallet, scenario.ctx());
    let mut deletable = system.register_blob(
        storage,
        test_utils::deletable_blob_id(),
        test_utils::deletable_root_hash(),
        test_utils::deletable_size(),
        encoding::red_stuff(),
        true,
        scenario.ctx(),
    );
    let message = messages::storage_confirmation_bytes(
        1,
        deletable.blob_id(),
        option::some(deletable.object_id()),
    );
    let (signature, bitmap) = test_utils::quorum_certificate(&message);
    system.certify_blob(&mut deletable, signature, bitmap, message);
    assert!(deletable.is_certified());
    let deleted_object_id = deletable.object_id();
    let storage = system.delete_blob(deletable);
    let deleted = event::events_by_type<events::BlobDeleted>();
    assert_eq!(
        deleted[0],
        events::blob_deleted(1, test_utils::deletable_blob_id(), 4, deleted_object_id, true),
    );
    // The freed storage carries a new blob.
    let root_hash = 1234;
    let blob_id = encoding::derive_blob_id(root_hash, encoding::red_stuff(), 15000);
    let reused = system.register_blob(storage, blob_id, root_hash, 15000, 1, true, scenario.ctx());
    assert_eq!(reused.end_epoch(), 4);
    transfer::public_transfer(reused, ALICE);
    scenario.return_to_sender(wallet);
    test_scenario::return_shared(system);

    // --- Bob proves a blob id invalid with a validity (not quorum) certificate. ---
    scenario.next_tx(BOB);
    let mut system = scenario.take_shared<System>();
    let invalid = system.invalidate_blob_id(
        test_utils::invalid_sub_quorum_signature(),
        test_utils::sub_quorum_bitmap(),
        test_utils::invalid_message(),
    );
    assert_eq!(invalid, test_utils::invalid_blob_id());
    assert!(system.is_blob_id_invalid(invalid));
    test_scenario::return_shared(system);

    // --- Epoch 2: the funds of epoch 1 become rewards. ---
    scenario.next_tx(ADMIN);
    let mut system = scenario.take_shared<System>();
    let cap = scenario.take_from_sender<AdminCap>();
    // Epoch 1 received: 1000 + 2000 (first purchase) + 1000 + 2000 (deletable purchase).
    assert_eq!(system.future_accounting().account(0).funds_value(), 6_000);
    test_utils::advance_epoch(&mut system, &cap);
    assert_eq!(system.epoch(), 2);
    assert_eq!(system.rewards_value(), 6_000);
    let rewards = test_utils::withdraw_rewards(&mut system, scenario.ctx());
    assert_eq!(rewards.value(), 6_000);
    transfer::public_transfer(rewards, ADMIN);
    scenario.return_to_sender(cap);
    test_scenario::return_shared(system);

    // --- Alice hands her blob to the public; Bob keeps it alive. ---
    scenario.next_tx(ALICE);
    let blob = scenario.take_from_sender_by_id<Blob>(blob_object_id);
    assert_eq!(blob.metadata().size(), 1);
    let mut wallet = scenario.take_from_sender<Coin<WAL>>();
    let funds = wallet.split(1_000, scenario.ctx());
    shared_blob::new_funded(blob, funds, scenario.ctx());
    scenario.return_to_sender(wallet);

    scenario.next_tx(BOB);
    let mut shared = scenario.take_shared<SharedBlob>();
    let mut system = scenario.take_shared<System>();
    let mut wallet = scenario.take_from_sender<Coin<WAL>>();
    shared.fund(wallet.split(1_000, scenario.ctx()));
    // End 5 -> 6 is 4 epochs after epoch 2, within max_epochs_ahead.
    shared.extend(&mut system, 1);
    assert_eq!(shared.blob().end_epoch(), 6);
    assert_eq!(shared.funds(), 1_000);
    scenario.return_to_sender(wallet);
    test_scenario::return_shared(shared);
    test_scenario::return_shared(system);

    // --- WAL supply only shrinks. ---
    scenario.next_tx(BOB);
    let mut treasury = scenario.take_shared<ProtectedTreasury>();
    let supply_before = treasury.total_supply();
    let mut wallet = scenario.take_from_sender<Coin<WAL>>();
    treasury.burn(wallet.split(500, scenario.ctx()));
    assert_eq!(treasury.total_supply(), supply_before - 500);
    scenario.return_to_sender(wallet);
    test_scenario::return_shared(treasury);
    scenario.end();
}

#[test]
fun blob_expires_with_its_storage() {
    let mut scenario = publish();
    let mut system = scenario.take_shared<System>();
    let mut wallet = scenario.take_from_sender<Coin<WAL>>();
    let storage = system.reserve_space(ENCODED_10K, 1, &mut wallet, scenario.ctx());
    let mut blob = system.register_blob(
        storage,
        test_utils::permanent_blob_id(),
        test_utils::permanent_root_hash(),
        test_utils::permanent_size(),
        1,
        false,
        scenario.ctx(),
    );
    system.certify_blob(
        &mut blob,
        test_utils::permanent_quorum_signature(),
        test_utils::quorum_bitmap(),
        test_utils::permanent_message(),
    );
    assert_eq!(blob.end_epoch(), 2);
    scenario.return_to_sender(wallet);
    test_scenario::return_shared(system);

    scenario.next_tx(ADMIN);
    test_utils::advance_epoch_in_scenario(&mut scenario);

    // In epoch 2 the blob is past its end: it can no longer be extended, only burned.
    scenario.next_tx(ALICE);
    let system = scenario.take_shared<System>();
    assert_eq!(system.epoch(), 2);
    assert!(system.epoch() >= blob.end_epoch());
    blob.burn();
    test_scenario::return_shared(system);
    scenario.end();
}

#[test, expected_failure(abort_code = walrus::system_state_inner::EBlobIdInvalidated)]
fun invalid_blob_id_cannot_be_registered() {
    let mut scenario = publish();
    let mut system = scenario.take_shared<System>();
    system.invalidate_blob_id(
        test_utils::invalid_quorum_signature(),
        test_utils::quorum_bitmap(),
        test_utils::invalid_message(),
    );
    let mut wallet = scenario.take_from_sender<Coin<WAL>>();
    let storage = system.reserve_space(
        encoding::encoded_size_bytes(test_utils::invalid_size(), 10),
        1,
        &mut wallet,
        scenario.ctx(),
    );
    let _blob = system.register_blob(
        storage,
        test_utils::invalid_blob_id(),
        test_utils::invalid_root_hash(),
        test_utils::invalid_size(),
        1,
        false,
        scenario.ctx(),
    );
    abort 999
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::ENotEnoughShards)]
fun sub_quorum_cannot_certify() {
    let mut scenario = publish();
    let mut system = scenario.take_shared<System>();
    let mut wallet = scenario.take_from_sender<Coin<WAL>>();
    let storage = system.reserve_space(ENCODED_10K, 1, &mut wallet, scenario.ctx());
    let mut blob = system.register_blob(
        storage,
        test_utils::permanent_blob_id(),
        test_utils::permanent_root_hash(),
        test_utils::permanent_size(),
        1,
        false,
        scenario.ctx(),
    );
    system.certify_blob(
        &mut blob,
        test_utils::permanent_sub_quorum_signature(),
        test_utils::sub_quorum_bitmap(),
        test_utils::permanent_message(),
    );
    abort 999
}
