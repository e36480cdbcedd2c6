#[test_only]
module walrus::system_tests;

use std::unit_test::assert_eq;
use sui::{coin::Coin, event, test_scenario::{Self, Scenario}};
use wal::wal::WAL;
use walrus::{events, system::{Self, System, AdminCap, InitCap}, test_utils};

const ADMIN: address = @0xAD;
const USER: address = @0xB0B;
const MIB: u64 = 1_048_576;

fun setup(): Scenario {
    let mut scenario = test_scenario::begin(ADMIN);
    test_utils::setup(&mut scenario);
    scenario
}

/// Publishes the package and calls `create` with the given shard parameters.
fun create_with(
    n_shards: u16,
    shard_counts: vector<u16>,
    max_epochs_ahead: u32,
): (Scenario, AdminCap) {
    let mut scenario = test_scenario::begin(ADMIN);
    system::init_for_testing(scenario.ctx());
    scenario.next_tx(ADMIN);
    let init_cap = scenario.take_from_sender<InitCap>();
    let cap = system::create(
        init_cap,
        n_shards,
        test_utils::node_ids(),
        test_utils::public_keys(),
        test_utils::network_addresses(),
        shard_counts,
        1,
        1,
        1_000_000,
        max_epochs_ahead,
        scenario.ctx(),
    );
    (scenario, cap)
}

// === create ===

#[test]
fun create_shares_a_system_at_epoch_one() {
    let mut scenario = setup();
    let system = scenario.take_shared<System>();
    assert_eq!(system.version(), 1);
    assert_eq!(system.epoch(), 1);
    assert_eq!(system.n_shards(), 10);
    assert_eq!(system.committee().n_members(), 4);
    assert_eq!(system.committee().n_shards(), 10);
    assert_eq!(system.storage_price_per_unit_size(), test_utils::storage_price());
    assert_eq!(system.write_price_per_unit_size(), test_utils::write_price());
    assert_eq!(system.total_capacity_size(), test_utils::capacity());
    assert_eq!(system.used_capacity_size(), 0);
    assert_eq!(system.max_epochs_ahead(), 5);
    assert_eq!(system.rewards_value(), 0);
    assert_eq!(system.future_accounting().length(), 5);
    assert_eq!(system.future_accounting().account(0).epoch(), 1);
    assert_eq!(system.future_accounting().account(4).epoch(), 5);
    assert!(!system.is_blob_id_invalid(test_utils::invalid_blob_id()));
    test_scenario::return_shared(system);

    // The publisher holds the admin capability; the init capability is gone.
    assert!(test_scenario::has_most_recent_for_address<AdminCap>(ADMIN));
    assert!(!test_scenario::has_most_recent_for_address<InitCap>(ADMIN));
    scenario.end();
}

// === reserve_space ===

#[test]
fun reserve_space_charges_per_mib_and_epoch() {
    let mut scenario = setup();
    scenario.next_tx(USER);
    let mut system = scenario.take_shared<System>();
    let mut payment = test_utils::mint_wal(15_000, scenario.ctx());

    // 1 MiB + 1 byte is 2 units: 1000 * 2 * 3 epochs + 2000 * 2 write fee = 10000.
    assert_eq!(system.storage_cost(MIB + 1, 3), 10_000);
    let storage = system.reserve_space(MIB + 1, 3, &mut payment, scenario.ctx());
    assert_eq!(payment.value(), 5_000);
    assert_eq!(storage.start_epoch(), 1);
    assert_eq!(storage.end_epoch(), 4);
    assert_eq!(storage.size(), MIB + 1);

    // Each epoch's share sits in its own account; the write fee in the current one.
    let accounting = system.future_accounting();
    assert_eq!(accounting.account(0).funds_value(), 2_000 + 4_000);
    assert_eq!(accounting.account(1).funds_value(), 2_000);
    assert_eq!(accounting.account(2).funds_value(), 2_000);
    assert_eq!(accounting.account(3).funds_value(), 0);
    assert_eq!(accounting.account(2).used_capacity(), MIB + 1);
    assert_eq!(accounting.account(3).used_capacity(), 0);
    assert_eq!(system.used_capacity_size(), MIB + 1);

    // Exactly 1 MiB is one unit.
    assert_eq!(system.storage_cost(MIB, 1), 3_000);
    assert_eq!(system.storage_cost(0, 1), 0);

    storage.destroy();
    payment.burn_for_testing();
    test_scenario::return_shared(system);
    scenario.end();
}

#[test]
fun capacity_can_be_sold_out_and_frees_up_with_time() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut payment = test_utils::mint_wal(1_000_000_000, scenario.ctx());
    let capacity = system.total_capacity_size();

    // Sell the whole capacity of epoch 1 only, then all of epochs 2 and 3.
    let first = system.reserve_space(capacity, 1, &mut payment, scenario.ctx());
    assert_eq!(system.used_capacity_size(), capacity);
    test_scenario::return_shared(system);

    scenario.next_tx(ADMIN);
    test_utils::advance_epoch_in_scenario(&mut scenario);
    scenario.next_tx(ADMIN);
    let mut system = scenario.take_shared<System>();
    assert_eq!(system.used_capacity_size(), 0);
    let second = system.reserve_space(capacity, 2, &mut payment, scenario.ctx());
    assert_eq!(second.start_epoch(), 2);
    assert_eq!(second.end_epoch(), 4);

    first.destroy();
    second.destroy();
    payment.burn_for_testing();
    test_scenario::return_shared(system);
    scenario.end();
}

// === Epochs and rewards ===

#[test]
fun advance_epoch_moves_funds_to_rewards() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let cap = scenario.take_from_sender<AdminCap>();
    let mut payment = test_utils::mint_wal(10_000, scenario.ctx());
    let storage = system.reserve_space(MIB + 1, 3, &mut payment, scenario.ctx());
    payment.burn_for_testing();

    test_utils::advance_epoch(&mut system, &cap);
    assert_eq!(system.epoch(), 2);
    assert_eq!(system.rewards_value(), 6_000);
    assert_eq!(system.used_capacity_size(), MIB + 1);
    assert_eq!(system.future_accounting().account(0).epoch(), 2);
    assert_eq!(system.future_accounting().account(4).epoch(), 6);
    let emitted = event::events_by_type<events::EpochAdvanced>();
    assert_eq!(emitted.length(), 1);
    assert_eq!(emitted[0], events::epoch_advanced(2, 6_000));

    test_utils::advance_epoch(&mut system, &cap);
    assert_eq!(system.rewards_value(), 8_000);
    let rewards = test_utils::withdraw_rewards(&mut system, scenario.ctx());
    assert_eq!(rewards.value(), 8_000);
    assert_eq!(system.rewards_value(), 0);

    rewards.burn_for_testing();
    storage.destroy();
    scenario.return_to_sender(cap);
    test_scenario::return_shared(system);
    scenario.end();
}

// === Invalid blob ids ===

#[test]
fun validity_certificate_invalidates_a_blob_id_once() {
    let mut scenario = setup();
    scenario.next_tx(USER);
    let mut system = scenario.take_shared<System>();

    // 6 of 10 shards: no quorum, but more than a third.
    let blob_id = system.invalidate_blob_id(
        test_utils::invalid_sub_quorum_signature(),
        test_utils::sub_quorum_bitmap(),
        test_utils::invalid_message(),
    );
    assert_eq!(blob_id, test_utils::invalid_blob_id());
    assert!(system.is_blob_id_invalid(blob_id));
    let emitted = event::events_by_type<events::InvalidBlobId>();
    assert_eq!(emitted.length(), 1);
    assert_eq!(emitted[0], events::invalid_blob_id(1, blob_id));
    test_scenario::return_shared(system);

    // A second certificate for the same id changes nothing and emits nothing.
    scenario.next_tx(USER);
    let mut system = scenario.take_shared<System>();
    system.invalidate_blob_id(
        test_utils::invalid_quorum_signature(),
        test_utils::quorum_bitmap(),
        test_utils::invalid_message(),
    );
    assert!(system.is_blob_id_invalid(blob_id));
    test_scenario::return_shared(system);
    let effects = scenario.next_tx(USER);
    assert_eq!(effects.num_user_events(), 0);
    scenario.end();
}

// === Aborts ===

#[test, expected_failure(abort_code = walrus::system_state_inner::EInvalidEpochsAhead)]
fun zero_epochs_abort() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut payment = test_utils::mint_wal(1_000_000, scenario.ctx());
    let _storage = system.reserve_space(MIB, 0, &mut payment, scenario.ctx());
    abort 999
}

#[test, expected_failure(abort_code = walrus::system_state_inner::EInvalidEpochsAhead)]
fun too_many_epochs_abort() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut payment = test_utils::mint_wal(1_000_000, scenario.ctx());
    let _storage = system.reserve_space(MIB, 6, &mut payment, scenario.ctx());
    abort 999
}

#[test, expected_failure(abort_code = walrus::system_state_inner::EStorageExceeded)]
fun more_than_capacity_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut payment = test_utils::mint_wal(1_000_000_000, scenario.ctx());
    let first = system.reserve_space(MIB, 2, &mut payment, scenario.ctx());
    // Epochs 1 and 2 have a MiB sold each: the whole capacity no longer fits in them.
    let capacity = system.total_capacity_size();
    let _second = system.reserve_space(capacity, 2, &mut payment, scenario.ctx());
    first.destroy();
    abort 999
}

#[test, expected_failure(abort_code = walrus::system_state_inner::EInsufficientFunds)]
fun underpayment_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    // 1 MiB for 2 epochs costs 1000 * 2 + 2000 = 4000.
    let mut payment: Coin<WAL> = test_utils::mint_wal(3_999, scenario.ctx());
    let _storage = system.reserve_space(MIB, 2, &mut payment, scenario.ctx());
    abort 999
}

#[test, expected_failure(abort_code = walrus::system_state_inner::EWrongMessageEpoch)]
fun stale_invalid_blob_id_attestation_aborts() {
    let mut scenario = setup();
    test_utils::advance_epoch_in_scenario(&mut scenario);
    scenario.next_tx(USER);
    let mut system = scenario.take_shared<System>();
    // The vector attestation was signed in epoch 1; the system is in epoch 2.
    system.invalidate_blob_id(
        test_utils::invalid_quorum_signature(),
        test_utils::quorum_bitmap(),
        test_utils::invalid_message(),
    );
    abort 999
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::ENotEnoughShards)]
fun invalidation_below_validity_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    system.invalidate_blob_id(
        test_utils::invalid_below_validity_signature(),
        test_utils::below_validity_bitmap(),
        test_utils::invalid_message(),
    );
    abort 999
}

#[test, expected_failure(abort_code = walrus::system_state_inner::EShardCountMismatch)]
fun create_with_wrong_shard_total_aborts() {
    let (_scenario, _cap) = create_with(12, test_utils::shard_counts(), 5);
    abort 999
}

#[test, expected_failure(abort_code = walrus::system_state_inner::EShardCountMismatch)]
fun new_committee_with_other_shard_total_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    system.advance_epoch_for_testing(
        test_utils::node_ids(),
        test_utils::public_keys(),
        test_utils::network_addresses(),
        vector[1, 1, 1, 1],
    );
    abort 999
}

#[test, expected_failure(abort_code = walrus::system_state_inner::EInvalidMaxEpochsAhead)]
fun create_with_zero_max_epochs_aborts() {
    let (_scenario, _cap) = create_with(10, test_utils::shard_counts(), 0);
    abort 999
}

#[test, expected_failure(abort_code = walrus::encoding::EInvalidShardCount)]
fun create_with_too_few_shards_aborts() {
    let (_scenario, _cap) = create_with(3, vector[1, 1, 1, 0], 5);
    abort 999
}

#[test, expected_failure(abort_code = walrus::system::EWrongVersion)]
fun other_state_version_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    system.set_version_for_testing(2);
    system.epoch();
    abort 999
}
