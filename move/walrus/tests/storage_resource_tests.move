#[test_only]
module walrus::storage_resource_tests;

use std::unit_test::assert_eq;
use sui::test_scenario;
use walrus::storage_resource::{Self, Storage};

const USER: address = @0xB0B;

fun assert_storage(storage: &Storage, start: u32, end: u32, size: u64) {
    assert_eq!(storage.start_epoch(), start);
    assert_eq!(storage.end_epoch(), end);
    assert_eq!(storage.size(), size);
}

#[test]
fun accessors_and_transfer() {
    let mut scenario = test_scenario::begin(USER);
    let storage = storage_resource::create_for_testing(2, 7, 1000, scenario.ctx());
    assert_storage(&storage, 2, 7, 1000);
    // Storage is an ordinary owned object.
    transfer::public_transfer(storage, USER);
    scenario.next_tx(USER);
    let storage = scenario.take_from_sender<Storage>();
    assert_storage(&storage, 2, 7, 1000);
    storage.destroy();
    scenario.end();
}

#[test]
fun split_by_epoch_and_fuse_back() {
    let mut scenario = test_scenario::begin(USER);
    let mut storage = storage_resource::create_for_testing(2, 7, 1000, scenario.ctx());
    let later = storage.split_by_epoch(4, scenario.ctx());
    assert_storage(&storage, 2, 4, 1000);
    assert_storage(&later, 4, 7, 1000);
    storage.fuse_periods(later);
    assert_storage(&storage, 2, 7, 1000);
    storage.destroy();
    scenario.end();
}

#[test]
fun fuse_periods_in_either_order() {
    let mut scenario = test_scenario::begin(USER);
    let mut storage = storage_resource::create_for_testing(2, 7, 1000, scenario.ctx());
    let mut later = storage.split_by_epoch(4, scenario.ctx());
    // The later part absorbs the earlier one.
    later.fuse_periods(storage);
    assert_storage(&later, 2, 7, 1000);
    later.destroy();
    scenario.end();
}

#[test]
fun split_by_size_and_fuse_back() {
    let mut scenario = test_scenario::begin(USER);
    let mut storage = storage_resource::create_for_testing(2, 7, 1000, scenario.ctx());
    let part = storage.split_by_size(300, scenario.ctx());
    assert_storage(&storage, 2, 7, 700);
    assert_storage(&part, 2, 7, 300);
    storage.fuse_amount(part);
    assert_storage(&storage, 2, 7, 1000);
    storage.destroy();
    scenario.end();
}

#[test]
fun fuse_dispatches_on_the_periods() {
    let mut scenario = test_scenario::begin(USER);
    let mut storage = storage_resource::create_for_testing(2, 7, 1000, scenario.ctx());
    // Same period: sizes add up.
    let same_period = storage_resource::create_for_testing(2, 7, 500, scenario.ctx());
    storage.fuse(same_period);
    assert_storage(&storage, 2, 7, 1500);
    // Adjacent period, same size: periods join.
    let next_period = storage_resource::create_for_testing(7, 9, 1500, scenario.ctx());
    storage.fuse(next_period);
    assert_storage(&storage, 2, 9, 1500);
    storage.destroy();
    scenario.end();
}

#[test]
fun extend_end_epoch_moves_the_end() {
    let mut scenario = test_scenario::begin(USER);
    let mut storage = storage_resource::create_for_testing(2, 7, 1000, scenario.ctx());
    storage.extend_end_epoch(9);
    assert_storage(&storage, 2, 9, 1000);
    storage.destroy();
    scenario.end();
}

// === Aborts ===

#[test, expected_failure(abort_code = walrus::storage_resource::EInvalidSplitEpoch)]
fun split_at_start_epoch_aborts() {
    let mut scenario = test_scenario::begin(USER);
    let mut storage = storage_resource::create_for_testing(2, 7, 1000, scenario.ctx());
    let _later = storage.split_by_epoch(2, scenario.ctx());
    abort 999
}

#[test, expected_failure(abort_code = walrus::storage_resource::EInvalidSplitEpoch)]
fun split_at_end_epoch_aborts() {
    let mut scenario = test_scenario::begin(USER);
    let mut storage = storage_resource::create_for_testing(2, 7, 1000, scenario.ctx());
    let _later = storage.split_by_epoch(7, scenario.ctx());
    abort 999
}

#[test, expected_failure(abort_code = walrus::storage_resource::EInvalidSplitSize)]
fun split_whole_size_aborts() {
    let mut scenario = test_scenario::begin(USER);
    let mut storage = storage_resource::create_for_testing(2, 7, 1000, scenario.ctx());
    let _part = storage.split_by_size(1000, scenario.ctx());
    abort 999
}

#[test, expected_failure(abort_code = walrus::storage_resource::EInvalidSplitSize)]
fun split_zero_size_aborts() {
    let mut scenario = test_scenario::begin(USER);
    let mut storage = storage_resource::create_for_testing(2, 7, 1000, scenario.ctx());
    let _part = storage.split_by_size(0, scenario.ctx());
    abort 999
}

#[test, expected_failure(abort_code = walrus::storage_resource::EIncompatibleEpochs)]
fun fuse_periods_with_gap_aborts() {
    let mut scenario = test_scenario::begin(USER);
    let mut storage = storage_resource::create_for_testing(2, 7, 1000, scenario.ctx());
    let gap = storage_resource::create_for_testing(8, 9, 1000, scenario.ctx());
    storage.fuse_periods(gap);
    abort 999
}

#[test, expected_failure(abort_code = walrus::storage_resource::EIncompatibleEpochs)]
fun fuse_amount_with_other_period_aborts() {
    let mut scenario = test_scenario::begin(USER);
    let mut storage = storage_resource::create_for_testing(2, 7, 1000, scenario.ctx());
    let other = storage_resource::create_for_testing(2, 8, 1000, scenario.ctx());
    storage.fuse_amount(other);
    abort 999
}

#[test, expected_failure(abort_code = walrus::storage_resource::EIncompatibleSize)]
fun fuse_periods_with_other_size_aborts() {
    let mut scenario = test_scenario::begin(USER);
    let mut storage = storage_resource::create_for_testing(2, 7, 1000, scenario.ctx());
    let next = storage_resource::create_for_testing(7, 9, 999, scenario.ctx());
    storage.fuse(next);
    abort 999
}

#[test, expected_failure(abort_code = walrus::storage_resource::EInvalidPeriod)]
fun empty_period_aborts() {
    let mut scenario = test_scenario::begin(USER);
    let _storage = storage_resource::create_for_testing(3, 3, 1000, scenario.ctx());
    abort 999
}
