#[test_only]
module walrus::storage_accounting_tests;

use std::unit_test::assert_eq;
use sui::{balance, test_scenario};
use wal::wal::WAL;
use walrus::storage_accounting;

const USER: address = @0xB0B;

#[test]
fun new_accounts_cover_the_next_epochs() {
    let accounting = storage_accounting::new(7, 3);
    assert_eq!(accounting.length(), 3);
    assert_eq!(accounting.account(0).epoch(), 7);
    assert_eq!(accounting.account(1).epoch(), 8);
    assert_eq!(accounting.account(2).epoch(), 9);
    assert_eq!(accounting.account(2).used_capacity(), 0);
    assert_eq!(accounting.account(2).funds_value(), 0);
    accounting.destroy_for_testing();
}

#[test]
fun advance_releases_the_current_epoch_and_recycles_its_slot() {
    let scenario = test_scenario::begin(USER);
    let mut accounting = storage_accounting::new(1, 3);
    accounting.account_mut(0).add_funds(balance::create_for_testing<WAL>(100));
    accounting.account_mut(0).add_used_capacity(10);
    accounting.account_mut(1).add_funds(balance::create_for_testing<WAL>(200));
    accounting.account_mut(1).add_used_capacity(20);
    accounting.account_mut(1).add_used_capacity(5);

    let released = accounting.advance();
    assert_eq!(released.destroy_for_testing(), 100);
    // Offset 0 is now epoch 2, and the old slot is the empty account of epoch 4.
    assert_eq!(accounting.account(0).epoch(), 2);
    assert_eq!(accounting.account(0).funds_value(), 200);
    assert_eq!(accounting.account(0).used_capacity(), 25);
    assert_eq!(accounting.account(1).epoch(), 3);
    assert_eq!(accounting.account(2).epoch(), 4);
    assert_eq!(accounting.account(2).funds_value(), 0);
    assert_eq!(accounting.account(2).used_capacity(), 0);

    // Wrapping around the ring twice keeps epochs consecutive.
    let mut i = 0;
    while (i < 5) {
        accounting.advance().destroy_for_testing();
        i = i + 1;
    };
    assert_eq!(accounting.account(0).epoch(), 7);
    assert_eq!(accounting.account(1).epoch(), 8);
    assert_eq!(accounting.account(2).epoch(), 9);

    accounting.destroy_for_testing();
    scenario.end();
}

#[test, expected_failure(abort_code = walrus::storage_accounting::EEpochOutOfRange)]
fun offset_past_the_last_account_aborts() {
    let accounting = storage_accounting::new(1, 3);
    accounting.account(3);
    abort 999
}

#[test]
fun grow_keeps_the_accounts_in_epoch_order_and_appends_empty_ones() {
    let mut accounting = storage_accounting::new(1, 3);
    accounting.account_mut(2).add_funds(balance::create_for_testing<WAL>(300));
    // Two advances: the head is at slot 2, offsets 0..3 are epochs 3, 4, 5.
    accounting.advance().destroy_for_testing();
    accounting.advance().destroy_for_testing();
    accounting.account_mut(1).add_used_capacity(40);
    accounting.grow(5);
    assert_eq!(accounting.length(), 5);
    let mut offset = 0;
    while (offset < 5) {
        assert_eq!(accounting.account(offset).epoch(), 3 + offset);
        offset = offset + 1;
    };
    assert_eq!(accounting.account(0).funds_value(), 300);
    assert_eq!(accounting.account(1).used_capacity(), 40);
    assert_eq!(accounting.account(4).funds_value(), 0);
    // Growing to a length it already has is a no-op; advancing wraps the longer ring.
    accounting.grow(2);
    assert_eq!(accounting.length(), 5);
    assert_eq!(accounting.advance().destroy_for_testing(), 300);
    assert_eq!(accounting.account(4).epoch(), 8);
    accounting.destroy_for_testing();
}
