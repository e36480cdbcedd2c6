/// Splitting and joining `StakedWal`; `sidecar/contracts/tests/staking.rs` runs the same cases.
#[test_only]
module walrus::staked_wal_tests;

use std::unit_test::assert_eq;
use sui::balance;
use walrus::staked_wal::{Self, StakedWal};

const FROST_PER_WAL: u64 = 1_000_000_000;

fun staked(amount: u64, activation_epoch: u32, ctx: &mut TxContext): StakedWal {
    staked_wal::mint_for_testing(
        object::id_from_address(@0x1),
        balance::create_for_testing(amount),
        activation_epoch,
        ctx,
    )
}

#[test]
fun split_and_join_a_staked_object() {
    let ctx = &mut tx_context::dummy();
    let mut whole = staked(10 * FROST_PER_WAL, 2, ctx);
    let part = whole.split(3 * FROST_PER_WAL, ctx);
    assert_eq!(whole.value(), 7 * FROST_PER_WAL);
    assert_eq!(part.value(), 3 * FROST_PER_WAL);
    assert_eq!(part.node_id(), whole.node_id());
    assert_eq!(part.activation_epoch(), 2);
    assert!(part.is_staked());
    whole.join(part);
    assert_eq!(whole.value(), 10 * FROST_PER_WAL);
    whole.destroy_for_testing();
}

#[test]
fun splitting_a_withdrawing_object_splits_its_tokens() {
    let ctx = &mut tx_context::dummy();
    let mut whole = staked(10 * FROST_PER_WAL, 2, ctx);
    whole.set_withdrawing_for_testing(5, 1_000);
    // 3 of 10 WAL: 300 of the 1000 tokens, rounded down.
    let part = whole.split(3 * FROST_PER_WAL, ctx);
    assert_eq!(part.withdraw_epoch(), 5);
    assert_eq!(part.pool_token_amount(), 300);
    assert_eq!(whole.pool_token_amount(), 700);
    whole.join(part);
    assert_eq!(whole.pool_token_amount(), 1_000);
    assert_eq!(whole.value(), 10 * FROST_PER_WAL);
    whole.destroy_for_testing();
}

#[test, expected_failure(abort_code = walrus::staked_wal::EInvalidSplitAmount)]
fun split_below_the_minimum_aborts() {
    let ctx = &mut tx_context::dummy();
    let mut whole = staked(10 * FROST_PER_WAL, 2, ctx);
    let _part = whole.split(FROST_PER_WAL - 1, ctx);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staked_wal::EInvalidSplitAmount)]
fun split_leaving_less_than_the_minimum_aborts() {
    let ctx = &mut tx_context::dummy();
    let mut whole = staked(10 * FROST_PER_WAL, 2, ctx);
    let _part = whole.split(10 * FROST_PER_WAL - 1, ctx);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staked_wal::EIncompatibleStakedWal)]
fun join_of_other_activation_epochs_aborts() {
    let ctx = &mut tx_context::dummy();
    let mut first = staked(10 * FROST_PER_WAL, 2, ctx);
    first.join(staked(10 * FROST_PER_WAL, 3, ctx));
    abort 999
}

#[test, expected_failure(abort_code = walrus::staked_wal::EIncompatibleStakedWal)]
fun join_of_staked_and_withdrawing_aborts() {
    let ctx = &mut tx_context::dummy();
    let mut first = staked(10 * FROST_PER_WAL, 2, ctx);
    let mut second = staked(10 * FROST_PER_WAL, 2, ctx);
    second.set_withdrawing_for_testing(5, 1_000);
    first.join(second);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staked_wal::ENotWithdrawing)]
fun withdraw_epoch_of_a_staked_object_aborts() {
    let ctx = &mut tx_context::dummy();
    let first = staked(10 * FROST_PER_WAL, 2, ctx);
    first.withdraw_epoch();
    abort 999
}
