/// Staking, committee selection, epochs and rewards. `sidecar/contracts/tests/staking.rs` runs
/// the same scenarios on the Rust twin.
#[test_only]
module walrus::staking_tests;

use std::{string, unit_test::assert_eq};
use sui::{clock::Clock, event, test_scenario::{Self, Scenario}};
use wal::wal::{Self, ProtectedTreasury};
use walrus::{
    events,
    staked_wal::StakedWal,
    staking::{Self, Staking},
    storage_node::StorageNodeCap,
    system::{Self, System, AdminCap, InitCap},
    test_utils
};

const ADMIN: address = @0xAD;
const USER: address = @0xB0B;
const CANDIDATE: address = @0xCA;
const FROST_PER_WAL: u64 = 1_000_000_000;
const MIB: u64 = 1_048_576;
const GIB: u64 = 1_073_741_824;

fun setup(): Scenario {
    let mut scenario = test_scenario::begin(ADMIN);
    test_utils::setup_with_staking(&mut scenario);
    scenario
}

fun node(n: address): ID {
    object::id_from_address(n)
}

/// Publishes the system and calls `staking::create` in the same transaction.
fun create_with(
    operators: vector<address>,
    amounts: vector<u64>,
    epoch_duration_ms: u64,
): Scenario {
    let mut scenario = test_scenario::begin(ADMIN);
    test_utils::setup(&mut scenario);
    let clock = sui::clock::create_for_testing(scenario.ctx());
    let mut system = scenario.take_shared<System>();
    let cap = scenario.take_from_sender<AdminCap>();
    let mut stake = test_utils::mint_wal(10_000 * FROST_PER_WAL, scenario.ctx());
    staking::create(
        cap,
        &mut system,
        operators,
        &mut stake,
        amounts,
        epoch_duration_ms,
        10,
        10,
        0,
        &clock,
        scenario.ctx(),
    );
    assert_eq!(stake.value(), 0);
    stake.burn_for_testing();
    clock.destroy_for_testing();
    test_scenario::return_shared(system);
    scenario
}

/// USER buys 2 MiB units for 3 epochs: epoch 1 receives 2000 + 4000 (write fee), epochs 2 and 3
/// receive 2000 each.
fun fund_three_epochs(scenario: &mut Scenario) {
    scenario.next_tx(USER);
    let mut system = scenario.take_shared<System>();
    let mut payment = test_utils::mint_wal(10_000, scenario.ctx());
    let storage = system.reserve_space(MIB + 1, 3, &mut payment, scenario.ctx());
    storage.destroy();
    payment.burn_for_testing();
    test_scenario::return_shared(system);
    scenario.next_tx(ADMIN);
}

/// The members holding 7 of the 10 shards (nodes 0x4 and 0x3) signal sync.
fun sync_quorum(scenario: &mut Scenario) {
    test_utils::sync_in_scenario(scenario, @0xA3);
    test_utils::sync_in_scenario(scenario, @0xA2);
}

// === create ===

#[test]
fun create_turns_the_genesis_committee_into_pools() {
    let mut scenario = create_with(test_utils::operators(), test_utils::genesis_stakes(), 1000);
    let registered = event::events_by_type<events::StakingPoolRegistered>();
    assert_eq!(registered.length(), 4);
    assert_eq!(registered[3], events::staking_pool_registered(1, node(@0x4)));
    assert_eq!(event::events_by_type<events::StakedWalCreated>().length(), 4);
    scenario.next_tx(ADMIN);

    let staking = scenario.take_shared<Staking>();
    let system = scenario.take_shared<System>();
    assert_eq!(system.staking_object_id(), option::some(object::id(&staking)));
    assert_eq!(staking.version(), 1);
    assert_eq!(staking.epoch(), 1);
    assert_eq!(staking.epoch_duration_ms(), 1000);
    assert!(staking.is_epoch_change_done());
    assert_eq!(staking.n_pools(), 4);
    assert_eq!(staking.pool_ids(), test_utils::node_ids());
    assert_eq!(*staking.committee(), *system.committee());
    let pool = staking.pool(node(@0x4));
    assert_eq!(pool.active_stake(), 4_000 * FROST_PER_WAL);
    assert_eq!(pool.commission_rate_bps(), 0);
    assert_eq!(pool.storage_price_vote(), test_utils::storage_price());
    assert_eq!(pool.write_price_vote(), test_utils::write_price());
    assert_eq!(pool.node_capacity_vote(), test_utils::capacity());
    assert_eq!(pool.network_address(), string::utf8(b"127.0.0.1:9104"));
    assert_eq!(pool.public_key_bytes(), test_utils::public_keys()[3]);
    test_scenario::return_shared(system);
    test_scenario::return_shared(staking);

    // Operator i holds node i's capability and its genesis stake, active now.
    scenario.next_tx(@0xA3);
    let cap = scenario.take_from_sender<StorageNodeCap>();
    assert_eq!(cap.node_id(), node(@0x4));
    let staked = scenario.take_from_sender<StakedWal>();
    assert_eq!(staked.node_id(), node(@0x4));
    assert_eq!(staked.value(), 4_000 * FROST_PER_WAL);
    assert_eq!(staked.activation_epoch(), 1);
    assert!(staked.is_staked());
    scenario.return_to_sender(cap);
    scenario.return_to_sender(staked);
    // The admin capability is gone.
    assert!(!test_scenario::has_most_recent_for_address<AdminCap>(ADMIN));
    scenario.end();
}

#[test, expected_failure(abort_code = walrus::staking_inner::EInvalidParameters)]
fun create_with_zero_epoch_duration_aborts() {
    let _scenario = create_with(test_utils::operators(), test_utils::genesis_stakes(), 0);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking_inner::EInvalidParameters)]
fun create_with_missing_operator_aborts() {
    let _scenario = create_with(vector[@0xA0, @0xA1, @0xA2], test_utils::genesis_stakes(), 1000);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking_inner::EStakeTooSmall)]
fun create_with_dust_stake_aborts() {
    let _scenario = create_with(test_utils::operators(), vector[1, 0, 0, 0], 1000);
    abort 999
}

// === register_candidate ===

fun register(
    scenario: &mut Scenario,
    network_address: vector<u8>,
    public_key: vector<u8>,
    proof_of_possession: vector<u8>,
    commission_rate_bps: u16,
): StorageNodeCap {
    scenario.next_tx(CANDIDATE);
    let mut staking = scenario.take_shared<Staking>();
    let cap = staking.register_candidate(
        string::utf8(b"candidate"),
        string::utf8(network_address),
        public_key,
        proof_of_possession,
        commission_rate_bps,
        1,
        2,
        3,
        scenario.ctx(),
    );
    test_scenario::return_shared(staking);
    cap
}

fun candidate_key(): vector<u8> {
    test_utils::public_key_from_secret(&test_utils::candidate_secret_key())
}

fun candidate_pop(epoch: u32, sender: address): vector<u8> {
    test_utils::proof_of_possession(&test_utils::candidate_secret_key(), epoch, sender)
}

#[test]
fun register_candidate_creates_a_pool() {
    let mut scenario = setup();
    let cap = register(
        &mut scenario,
        b"127.0.0.1:9105",
        candidate_key(),
        candidate_pop(1, CANDIDATE),
        500,
    );
    assert_eq!(
        event::events_by_type<events::StakingPoolRegistered>(),
        vector[events::staking_pool_registered(1, cap.node_id())],
    );
    scenario.next_tx(CANDIDATE);
    let staking = scenario.take_shared<Staking>();
    assert_eq!(staking.n_pools(), 5);
    assert!(staking.has_pool(cap.node_id()));
    let pool = staking.pool(cap.node_id());
    assert_eq!(pool.node_id(), cap.node_id());
    assert_eq!(pool.name(), string::utf8(b"candidate"));
    assert_eq!(pool.network_address(), string::utf8(b"127.0.0.1:9105"));
    assert_eq!(pool.public_key_bytes(), candidate_key());
    assert_eq!(pool.commission_rate_bps(), 500);
    assert_eq!(pool.storage_price_vote(), 1);
    assert_eq!(pool.write_price_vote(), 2);
    assert_eq!(pool.node_capacity_vote(), 3);
    assert_eq!(pool.active_stake(), 0);
    test_scenario::return_shared(staking);
    cap.destroy_for_testing();
    scenario.end();
}

#[test, expected_failure(abort_code = walrus::staking_inner::EInvalidNetworkAddress)]
fun register_with_empty_network_address_aborts() {
    let mut scenario = setup();
    let _cap = register(&mut scenario, b"", candidate_key(), candidate_pop(1, CANDIDATE), 0);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking_inner::EInvalidCommissionRate)]
fun register_with_commission_above_100_percent_aborts() {
    let mut scenario = setup();
    let _cap = register(
        &mut scenario,
        b"127.0.0.1:9105",
        candidate_key(),
        candidate_pop(1, CANDIDATE),
        10_001,
    );
    abort 999
}

#[test, expected_failure(abort_code = 1, location = sui::group_ops)]
fun register_with_invalid_key_aborts() {
    let mut scenario = setup();
    let _cap = register(&mut scenario, b"127.0.0.1:9105", vector[1, 2, 3], vector[], 0);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking_inner::EInvalidProofOfPossession)]
fun register_with_someone_elses_proof_aborts() {
    let mut scenario = setup();
    // The proof names USER as the sender: CANDIDATE cannot replay it.
    let _cap = register(
        &mut scenario,
        b"127.0.0.1:9105",
        candidate_key(),
        candidate_pop(1, USER),
        0,
    );
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking_inner::EInvalidProofOfPossession)]
fun register_with_proof_of_another_epoch_aborts() {
    let mut scenario = setup();
    let _cap = register(
        &mut scenario,
        b"127.0.0.1:9105",
        candidate_key(),
        candidate_pop(2, CANDIDATE),
        0,
    );
    abort 999
}

// === stake_with_pool and withdrawals ===

fun stake(scenario: &mut Scenario, node_id: ID, amount: u64): StakedWal {
    scenario.next_tx(USER);
    let mut staking = scenario.take_shared<Staking>();
    let coin = test_utils::mint_wal(amount, scenario.ctx());
    let staked = staking.stake_with_pool(coin, node_id, scenario.ctx());
    test_scenario::return_shared(staking);
    staked
}

#[test]
fun stake_activates_at_the_next_epoch_or_after_the_selection_the_one_after() {
    let mut scenario = setup();
    let early = stake(&mut scenario, node(@0x1), 5 * FROST_PER_WAL);
    assert_eq!(early.activation_epoch(), 2);
    assert_eq!(early.value(), 5 * FROST_PER_WAL);
    assert_eq!(
        event::events_by_type<events::StakedWalCreated>(),
        vector[events::staked_wal_created(1, object::id(&early), node(@0x1), 5 * FROST_PER_WAL, 2)],
    );
    test_utils::voting_end_in_scenario(&mut scenario);
    let late = stake(&mut scenario, node(@0x1), 7 * FROST_PER_WAL);
    assert_eq!(late.activation_epoch(), 3);
    scenario.next_tx(USER);
    let staking = scenario.take_shared<Staking>();
    let pool = staking.pool(node(@0x1));
    assert_eq!(pool.pending_stake(2), 5 * FROST_PER_WAL);
    assert_eq!(pool.pending_stake(3), 7 * FROST_PER_WAL);
    test_scenario::return_shared(staking);
    early.destroy_for_testing();
    late.destroy_for_testing();
    scenario.end();
}

#[test, expected_failure(abort_code = walrus::staking_inner::EUnknownNode)]
fun stake_with_unknown_pool_aborts() {
    let mut scenario = setup();
    let _staked = stake(&mut scenario, node(@0x9), 5 * FROST_PER_WAL);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking_inner::EStakeTooSmall)]
fun stake_below_the_minimum_aborts() {
    let mut scenario = setup();
    let _staked = stake(&mut scenario, node(@0x1), FROST_PER_WAL - 1);
    abort 999
}

#[test]
fun stake_that_is_not_active_returns_at_once() {
    let mut scenario = setup();
    let staked = stake(&mut scenario, node(@0x1), 5 * FROST_PER_WAL);
    let staked_id = object::id(&staked);
    scenario.next_tx(USER);
    let mut staking = scenario.take_shared<Staking>();
    let coin = staking.withdraw_stake(staked, scenario.ctx());
    assert_eq!(coin.value(), 5 * FROST_PER_WAL);
    assert_eq!(staking.pool(node(@0x1)).pending_stake(2), 0);
    assert_eq!(
        event::events_by_type<events::StakeWithdrawn>(),
        vector[events::stake_withdrawn(1, staked_id, node(@0x1), 5 * FROST_PER_WAL, 0)],
    );
    coin.burn_for_testing();
    test_scenario::return_shared(staking);
    scenario.end();
}

#[test, expected_failure(abort_code = walrus::staking_inner::ENotActive)]
fun request_withdraw_of_pending_stake_aborts() {
    let mut scenario = setup();
    let mut staked = stake(&mut scenario, node(@0x1), 5 * FROST_PER_WAL);
    scenario.next_tx(USER);
    let mut staking = scenario.take_shared<Staking>();
    staking.request_withdraw_stake(&mut staked);
    abort 999
}

/// Operator 0xA3's genesis stake with node 0x4 (4000 WAL, active since epoch 1).
fun take_operator_stake(scenario: &mut Scenario): (Staking, StakedWal) {
    scenario.next_tx(@0xA3);
    let staking = scenario.take_shared<Staking>();
    let staked = scenario.take_from_sender<StakedWal>();
    (staking, staked)
}

#[test, expected_failure(abort_code = walrus::staking_inner::ENotStaked)]
fun request_withdraw_twice_aborts() {
    let mut scenario = setup();
    let (mut staking, mut staked) = take_operator_stake(&mut scenario);
    staking.request_withdraw_stake(&mut staked);
    staking.request_withdraw_stake(&mut staked);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking_inner::ENotWithdrawable)]
fun withdraw_of_active_stake_without_request_aborts() {
    let mut scenario = setup();
    let (mut staking, staked) = take_operator_stake(&mut scenario);
    let _coin = staking.withdraw_stake(staked, scenario.ctx());
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking_inner::ENotWithdrawable)]
fun withdraw_before_the_withdraw_epoch_aborts() {
    let mut scenario = setup();
    let (mut staking, mut staked) = take_operator_stake(&mut scenario);
    staking.request_withdraw_stake(&mut staked);
    assert_eq!(staked.withdraw_epoch(), 2);
    let _coin = staking.withdraw_stake(staked, scenario.ctx());
    abort 999
}

// === Epochs ===

#[test]
fun epoch_change_pays_rewards_and_withdrawals_take_them() {
    let mut scenario = setup();
    fund_three_epochs(&mut scenario);

    // Epoch 1 -> 2: 6000 FROST go to the four members by shards (1, 2, 3, 4 of 10).
    test_utils::voting_end_in_scenario(&mut scenario);
    let staking = scenario.take_shared<Staking>();
    assert!(staking.is_next_params_selected());
    let next = staking.next_committee().destroy_some();
    assert_eq!(next.member(0).node_id(), node(@0x4));
    assert_eq!(*next.member(0).shard_ids(), vector[6, 7, 8, 9]);
    assert_eq!(*next.member(3).shard_ids(), vector[0]);
    test_scenario::return_shared(staking);
    test_utils::initiate_epoch_change_in_scenario(&mut scenario);

    let staking = scenario.take_shared<Staking>();
    let system = scenario.take_shared<System>();
    assert_eq!(system.epoch(), 2);
    assert_eq!(staking.epoch(), 2);
    assert!(staking.is_epoch_change_sync());
    assert_eq!(*system.committee(), *staking.committee());
    assert_eq!(system.committee().member(0).node_id(), node(@0x4));
    assert_eq!(system.rewards_value(), 0);
    assert_eq!(staking.pool(node(@0x1)).rewards_value(), 600);
    assert_eq!(staking.pool(node(@0x2)).rewards_value(), 1_200);
    assert_eq!(staking.pool(node(@0x3)).rewards_value(), 1_800);
    assert_eq!(staking.pool(node(@0x4)).rewards_value(), 2_400);
    assert_eq!(staking.pool(node(@0x4)).active_stake(), 4_000 * FROST_PER_WAL + 2_400);
    // The rewards raised the exchange rate of epoch 2; the tokens stayed.
    let pool = staking.pool(node(@0x4));
    assert_eq!(pool.active_pool_tokens(), 4_000 * FROST_PER_WAL);
    assert!(pool.has_exchange_rate(1) && pool.has_exchange_rate(2) && !pool.has_exchange_rate(3));
    let rate = pool.exchange_rate(2);
    assert_eq!(rate.rate_wal_amount(), 4_000 * FROST_PER_WAL + 2_400);
    assert_eq!(rate.rate_pool_token_amount(), 4_000 * FROST_PER_WAL);
    assert_eq!(rate.to_wal(4_000 * FROST_PER_WAL), 4_000 * FROST_PER_WAL + 2_400);
    test_scenario::return_shared(system);
    test_scenario::return_shared(staking);

    // Operator 0xA3 asks to withdraw in epoch 2: the stake leaves in epoch 3.
    let (mut staking, mut staked) = take_operator_stake(&mut scenario);
    staking.request_withdraw_stake(&mut staked);
    assert!(staked.is_withdrawing());
    assert_eq!(staked.withdraw_epoch(), 3);
    assert_eq!(staked.pool_token_amount(), 4_000 * FROST_PER_WAL);
    scenario.return_to_sender(staked);
    test_scenario::return_shared(staking);

    // The committee syncs: 4 shards are not enough, 4 + 3 are.
    test_utils::sync_in_scenario(&mut scenario, @0xA3);
    let staking = scenario.take_shared<Staking>();
    assert_eq!(staking.synced_shards(), 4);
    assert!(staking.is_epoch_change_sync());
    test_scenario::return_shared(staking);
    test_utils::sync_in_scenario(&mut scenario, @0xA2);
    let staking = scenario.take_shared<Staking>();
    assert_eq!(staking.synced_shards(), 7);
    assert!(staking.is_epoch_change_done());
    test_scenario::return_shared(staking);

    // Epoch 2 -> 3: node 0x4 has no stake left for epoch 3 and leaves; its shards go to the
    // others (example F of the committee tests).
    test_utils::voting_end_in_scenario(&mut scenario);
    let staking = scenario.take_shared<Staking>();
    let next = staking.next_committee().destroy_some();
    assert_eq!(next.n_members(), 3);
    assert_eq!(next.member(0).node_id(), node(@0x3));
    assert_eq!(*next.member(0).shard_ids(), vector[3, 4, 5, 6, 7]);
    assert_eq!(*next.member(1).shard_ids(), vector[1, 2, 8]);
    assert_eq!(*next.member(2).shard_ids(), vector[0, 9]);
    test_scenario::return_shared(staking);
    test_utils::initiate_epoch_change_in_scenario(&mut scenario);

    // Epoch 2's 2000 FROST went to epoch 2's committee, 800 to node 0x4: the withdrawal
    // returns the principal with 2400 + 800 of rewards.
    let (mut staking, staked) = take_operator_stake(&mut scenario);
    let staked_id = object::id(&staked);
    let coin = staking.withdraw_stake(staked, scenario.ctx());
    assert_eq!(coin.value(), 4_000 * FROST_PER_WAL + 3_200);
    assert_eq!(
        event::events_by_type<events::StakeWithdrawn>(),
        vector[events::stake_withdrawn(3, staked_id, node(@0x4), 4_000 * FROST_PER_WAL, 3_200)],
    );
    assert_eq!(staking.pool(node(@0x4)).rewards_value(), 0);
    assert_eq!(staking.pool(node(@0x4)).active_stake(), 0);
    coin.burn_for_testing();
    test_scenario::return_shared(staking);
    scenario.end();
}

#[test]
fun epoch_change_emits_its_events() {
    let mut scenario = setup();
    fund_three_epochs(&mut scenario);
    test_utils::voting_end_in_scenario(&mut scenario);
    test_utils::advance_clock(&mut scenario, test_utils::epoch_duration_ms());
    let mut staking = scenario.take_shared<Staking>();
    let mut system = scenario.take_shared<System>();
    let clock = scenario.take_shared<Clock>();
    staking.initiate_epoch_change(&mut system, &clock);
    assert_eq!(
        event::events_by_type<events::EpochAdvanced>(),
        vector[events::epoch_advanced(2, 6_000)],
    );
    assert_eq!(
        event::events_by_type<events::RewardsDistributed>(),
        vector[events::rewards_distributed(1, 6_000, 0)],
    );
    assert_eq!(
        event::events_by_type<events::EpochChangeStart>(),
        vector[events::epoch_change_start(2)],
    );
    assert_eq!(staking.epoch_start_ms(), clock.timestamp_ms());
    test_scenario::return_shared(clock);
    test_scenario::return_shared(system);
    test_scenario::return_shared(staking);
    scenario.end();
}

/// `operator` signals sync for `epoch` with its cap in a transaction of its own, and the
/// checks run in that transaction (where its events are visible).
fun sync_as(scenario: &mut Scenario, operator: address, epoch: u32, repeat: bool) {
    scenario.next_tx(operator);
    let mut staking = scenario.take_shared<Staking>();
    let clock = scenario.take_shared<Clock>();
    let cap = scenario.take_from_sender<StorageNodeCap>();
    staking.epoch_sync_done(&cap, epoch, &clock);
    if (repeat) staking.epoch_sync_done(&cap, epoch, &clock);
    scenario.return_to_sender(cap);
    test_scenario::return_shared(clock);
    test_scenario::return_shared(staking);
}

#[test]
fun epoch_sync_emits_and_ignores_repeats() {
    let mut scenario = setup();
    test_utils::epoch_change_in_scenario(&mut scenario);
    // A repeated signal counts once.
    sync_as(&mut scenario, @0xA3, 2, true);
    assert_eq!(
        event::events_by_type<events::EpochChangeSync>(),
        vector[events::epoch_change_sync(2, node(@0x4), 4)],
    );
    assert!(event::events_by_type<events::EpochChangeDone>().is_empty());
    sync_as(&mut scenario, @0xA2, 2, false);
    assert_eq!(
        event::events_by_type<events::EpochChangeSync>(),
        vector[events::epoch_change_sync(2, node(@0x3), 7)],
    );
    assert_eq!(event::events_by_type<events::EpochChangeDone>().length(), 1);
    // After the change is done, a late signal changes nothing.
    sync_as(&mut scenario, @0xA0, 2, false);
    assert!(event::events_by_type<events::EpochChangeSync>().is_empty());
    scenario.next_tx(ADMIN);
    let staking = scenario.take_shared<Staking>();
    assert_eq!(staking.synced_shards(), 7);
    assert!(staking.is_epoch_change_done());
    test_scenario::return_shared(staking);
    scenario.end();
}

#[test, expected_failure(abort_code = walrus::staking_inner::EWrongEpoch)]
fun epoch_sync_for_another_epoch_aborts() {
    let mut scenario = setup();
    test_utils::epoch_change_in_scenario(&mut scenario);
    scenario.next_tx(@0xA3);
    let mut staking = scenario.take_shared<Staking>();
    let clock = scenario.take_shared<Clock>();
    let cap = scenario.take_from_sender<StorageNodeCap>();
    staking.epoch_sync_done(&cap, 1, &clock);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking_inner::ENotInCommittee)]
fun epoch_sync_by_a_non_member_aborts() {
    let mut scenario = setup();
    let cap = register(
        &mut scenario,
        b"127.0.0.1:9105",
        candidate_key(),
        candidate_pop(1, CANDIDATE),
        0,
    );
    test_utils::epoch_change_in_scenario(&mut scenario);
    let mut staking = scenario.take_shared<Staking>();
    let clock = scenario.take_shared<Clock>();
    staking.epoch_sync_done(&cap, 2, &clock);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking_inner::ETooEarly)]
fun voting_end_before_half_the_epoch_aborts() {
    let mut scenario = setup();
    test_utils::advance_clock(&mut scenario, test_utils::epoch_duration_ms() / 2 - 1);
    let mut staking = scenario.take_shared<Staking>();
    let clock = scenario.take_shared<Clock>();
    staking.voting_end(&clock);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking_inner::EWrongEpochState)]
fun voting_end_twice_aborts() {
    let mut scenario = setup();
    test_utils::voting_end_in_scenario(&mut scenario);
    let mut staking = scenario.take_shared<Staking>();
    let clock = scenario.take_shared<Clock>();
    staking.voting_end(&clock);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking_inner::EWrongEpochState)]
fun voting_end_before_the_committee_synced_aborts() {
    let mut scenario = setup();
    test_utils::epoch_change_in_scenario(&mut scenario);
    test_utils::voting_end_in_scenario(&mut scenario);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking_inner::EWrongEpochState)]
fun epoch_change_before_voting_end_aborts() {
    let mut scenario = setup();
    test_utils::advance_clock(&mut scenario, test_utils::epoch_duration_ms());
    test_utils::initiate_epoch_change_in_scenario(&mut scenario);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking_inner::ETooEarly)]
fun epoch_change_before_the_epoch_ends_aborts() {
    let mut scenario = setup();
    test_utils::voting_end_in_scenario(&mut scenario);
    let mut staking = scenario.take_shared<Staking>();
    let mut system = scenario.take_shared<System>();
    let clock = scenario.take_shared<Clock>();
    staking.initiate_epoch_change(&mut system, &clock);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking::EWrongSystem)]
fun epoch_change_with_another_system_aborts() {
    let mut scenario = setup();
    let first = test_scenario::most_recent_id_shared<System>().destroy_some();
    system::init_for_testing(scenario.ctx());
    scenario.next_tx(ADMIN);
    let init_cap = scenario.take_from_sender<InitCap>();
    let admin_cap = system::create(
        init_cap,
        10,
        test_utils::node_ids(),
        test_utils::public_keys(),
        test_utils::network_addresses(),
        test_utils::shard_counts(),
        1,
        1,
        1,
        5,
        scenario.ctx(),
    );
    transfer::public_transfer(admin_cap, ADMIN);
    test_utils::voting_end_in_scenario(&mut scenario);
    test_utils::advance_clock(&mut scenario, test_utils::epoch_duration_ms());
    let mut staking = scenario.take_shared<Staking>();
    let second = test_scenario::most_recent_id_shared<System>().destroy_some();
    assert!(first != second);
    let mut other = scenario.take_shared_by_id<System>(second);
    let clock = scenario.take_shared<Clock>();
    staking.initiate_epoch_change(&mut other, &clock);
    abort 999
}

#[test]
fun a_registered_and_staked_candidate_joins_the_committee() {
    let mut scenario = setup();
    let cap = register(
        &mut scenario,
        b"127.0.0.1:9105",
        candidate_key(),
        candidate_pop(1, CANDIDATE),
        0,
    );
    let staked = stake(&mut scenario, cap.node_id(), 5_000 * FROST_PER_WAL);
    test_utils::epoch_change_in_scenario(&mut scenario);

    // Stakes 5000 (candidate), 4000, 3000, 2000, 1000 WAL: 3, 3, 2, 1, 1 shards.
    let staking = scenario.take_shared<Staking>();
    let system = scenario.take_shared<System>();
    let committee = system.committee();
    assert_eq!(committee.n_members(), 5);
    assert_eq!(committee.member(0).node_id(), cap.node_id());
    assert_eq!(*committee.member(0).shard_ids(), vector[2, 5, 9]);
    assert_eq!(*committee.member(1).shard_ids(), vector[6, 7, 8]);
    assert_eq!(*committee.member(2).shard_ids(), vector[3, 4]);
    assert_eq!(*committee.member(3).shard_ids(), vector[1]);
    assert_eq!(*committee.member(4).shard_ids(), vector[0]);
    assert_eq!(committee.member(0).network_address(), string::utf8(b"127.0.0.1:9105"));
    // The candidate's low votes are outvoted: the prices and capacity stay.
    assert_eq!(system.storage_price_per_unit_size(), test_utils::storage_price());
    assert_eq!(system.total_capacity_size(), test_utils::capacity());
    assert_eq!(staking.pool(cap.node_id()).active_stake(), 5_000 * FROST_PER_WAL);
    test_scenario::return_shared(system);
    test_scenario::return_shared(staking);
    cap.destroy_for_testing();
    staked.destroy_for_testing();
    scenario.end();
}

#[test]
fun exchange_rates_round_down_and_convert_one_to_one_when_empty() {
    let rate = walrus::staking_pool::new_rate_for_testing(3, 2);
    assert_eq!(rate.to_pool_tokens(10), 6);
    assert_eq!(rate.to_wal(5), 7);
    let empty = walrus::staking_pool::new_rate_for_testing(0, 0);
    assert_eq!(empty.to_pool_tokens(10), 10);
    assert_eq!(empty.to_wal(10), 10);
}

// === Commission, votes, burning ===

fun set_commission(scenario: &mut Scenario, operator: address, rate_bps: u16) {
    scenario.next_tx(operator);
    let mut staking = scenario.take_shared<Staking>();
    let cap = scenario.take_from_sender<StorageNodeCap>();
    staking.set_next_commission(&cap, rate_bps);
    scenario.return_to_sender(cap);
    test_scenario::return_shared(staking);
    scenario.next_tx(ADMIN);
}

#[test]
fun commission_changes_after_two_epochs_and_is_collected() {
    let mut scenario = setup();
    fund_three_epochs(&mut scenario);
    set_commission(&mut scenario, @0xA3, 2_000);
    let staking = scenario.take_shared<Staking>();
    assert_eq!(staking.pool(node(@0x4)).pending_commission_rate_bps(), option::some(2_000));
    test_scenario::return_shared(staking);

    // Epochs 1 and 2 are paid at the old rate (0).
    test_utils::epoch_change_in_scenario(&mut scenario);
    sync_quorum(&mut scenario);
    test_utils::epoch_change_in_scenario(&mut scenario);
    let staking = scenario.take_shared<Staking>();
    let pool = staking.pool(node(@0x4));
    assert_eq!(pool.commission_rate_bps(), 2_000);
    assert_eq!(pool.pending_commission_rate_bps(), option::none());
    assert_eq!(pool.commission_value(), 0);
    assert_eq!(pool.rewards_value(), 2_400 + 800);
    test_scenario::return_shared(staking);

    // Epoch 3's 2000 FROST: node 0x4 gets 800, of which 20% (160) is commission.
    sync_quorum(&mut scenario);
    test_utils::epoch_change_in_scenario(&mut scenario);
    scenario.next_tx(@0xA3);
    let mut staking = scenario.take_shared<Staking>();
    let cap = scenario.take_from_sender<StorageNodeCap>();
    assert_eq!(staking.pool(node(@0x4)).rewards_value(), 2_400 + 800 + 640);
    let commission = staking.collect_commission(&cap, scenario.ctx());
    assert_eq!(commission.value(), 160);
    assert_eq!(staking.pool(node(@0x4)).commission_value(), 0);
    commission.burn_for_testing();
    scenario.return_to_sender(cap);
    test_scenario::return_shared(staking);
    scenario.end();
}

#[test, expected_failure(abort_code = walrus::staking_inner::EInvalidCommissionRate)]
fun commission_above_100_percent_aborts() {
    let mut scenario = setup();
    set_commission(&mut scenario, @0xA3, 10_001);
    abort 999
}

fun vote(scenario: &mut Scenario, operator: address, storage: u64, write: u64, capacity: u64) {
    scenario.next_tx(operator);
    let mut staking = scenario.take_shared<Staking>();
    let cap = scenario.take_from_sender<StorageNodeCap>();
    staking.set_storage_price_vote(&cap, storage);
    staking.set_write_price_vote(&cap, write);
    staking.set_node_capacity_vote(&cap, capacity);
    scenario.return_to_sender(cap);
    test_scenario::return_shared(staking);
    scenario.next_tx(ADMIN);
}

#[test]
fun votes_of_a_quorum_set_the_next_prices_and_capacity() {
    let mut scenario = setup();
    // Nodes 0x4 and 0x3 (7 of 10 shards) vote for higher prices and twice the capacity.
    vote(&mut scenario, @0xA3, 1_500, 2_500, 2 * GIB);
    vote(&mut scenario, @0xA2, 1_500, 2_500, 2 * GIB);
    test_utils::advance_clock(&mut scenario, test_utils::epoch_duration_ms() / 2);
    let mut staking = scenario.take_shared<Staking>();
    let clock = scenario.take_shared<Clock>();
    staking.voting_end(&clock);
    assert_eq!(
        event::events_by_type<events::EpochParametersSelected>(),
        vector[events::epoch_parameters_selected(2, 1_500, 2_500, 2 * GIB)],
    );
    test_scenario::return_shared(clock);
    test_scenario::return_shared(staking);
    scenario.next_tx(ADMIN);
    test_utils::initiate_epoch_change_in_scenario(&mut scenario);
    let system = scenario.take_shared<System>();
    assert_eq!(system.storage_price_per_unit_size(), 1_500);
    assert_eq!(system.write_price_per_unit_size(), 2_500);
    assert_eq!(system.total_capacity_size(), 2 * GIB);
    test_scenario::return_shared(system);
    scenario.end();
}

#[test]
fun the_burn_share_of_rewards_is_burned() {
    let mut scenario = test_scenario::begin(ADMIN);
    wal::init_for_testing(scenario.ctx());
    scenario.next_tx(ADMIN);
    test_utils::setup_with_staking_and_burn(&mut scenario, 1_000);
    fund_three_epochs(&mut scenario);
    test_utils::epoch_change_in_scenario(&mut scenario);

    // 10% of 6000 is set aside; node 0x4 gets 4/10 of the remaining 5400.
    let mut staking = scenario.take_shared<Staking>();
    assert_eq!(staking.burn_pending_value(), 600);
    assert_eq!(staking.pool(node(@0x4)).rewards_value(), 2_160);
    let mut treasury = scenario.take_shared<ProtectedTreasury>();
    let supply = treasury.total_supply();
    staking.burn_pending_rewards(&mut treasury, scenario.ctx());
    assert_eq!(treasury.total_supply(), supply - 600);
    assert_eq!(staking.burn_pending_value(), 0);
    test_scenario::return_shared(treasury);
    test_scenario::return_shared(staking);
    scenario.end();
}

#[test, expected_failure(abort_code = walrus::staking::EWrongVersion)]
fun other_state_version_aborts() {
    let mut scenario = setup();
    let mut staking = scenario.take_shared<Staking>();
    staking.set_version_for_testing(2);
    staking.epoch();
    abort 999
}
