/// Storage challenges: the seed, attestations, parameters and the effect on rewards.
/// `sidecar/contracts/tests/storage_challenge.rs` runs the same scenarios on the Rust twin.
#[test_only]
module walrus::storage_challenge_tests;

use std::unit_test::assert_eq;
use sui::{event, random::{Self, Random}, test_scenario::{Self, Scenario}};
use walrus::{
    events,
    staking::Staking,
    storage_challenge,
    storage_node::StorageNodeCap,
    system::System,
    test_utils
};

const ADMIN: address = @0xAD;
const USER: address = @0xB0B;
const MIB: u64 = 1_048_576;
/// Operators of nodes 0x1, 0x2, 0x3, 0x4 (1, 2, 3 and 4 of the 10 shards).
const OP1: address = @0xA0;
const OP2: address = @0xA1;
const OP3: address = @0xA2;
const OP4: address = @0xA3;

fun node(n: address): ID {
    object::id_from_address(n)
}

/// The `0x8` Random object with fixed randomness (created by the system address, as on Sui),
/// then the system and staking objects of `test_utils`, in epoch 1 (`EpochChangeDone`).
fun setup(): Scenario {
    let mut scenario = test_scenario::begin(@0x0);
    random::create_for_testing(scenario.ctx());
    scenario.next_tx(@0x0);
    let mut random = scenario.take_shared<Random>();
    random.update_randomness_state_for_testing(
        0,
        x"1F1F1F1F1F1F1F1F1F1F1F1F1F1F1F1F1F1F1F1F1F1F1F1F1F1F1F1F1F1F1F1F",
        scenario.ctx(),
    );
    test_scenario::return_shared(random);
    scenario.next_tx(ADMIN);
    test_utils::setup_with_staking(&mut scenario);
    scenario
}

/// `sender` draws the seed in a transaction of its own; the scenario stays in that transaction
/// so that its events can be checked.
fun set_seed_as(scenario: &mut Scenario, sender: address) {
    scenario.next_tx(sender);
    let mut staking = scenario.take_shared<Staking>();
    let random = scenario.take_shared<Random>();
    staking.set_challenge_seed_for_testing(&random, scenario.ctx());
    test_scenario::return_shared(random);
    test_scenario::return_shared(staking);
}

/// `operator` attests `nodes` with its cap in a transaction of its own; the scenario stays in
/// that transaction.
fun attest_as(scenario: &mut Scenario, operator: address, nodes: vector<ID>) {
    scenario.next_tx(operator);
    let mut staking = scenario.take_shared<Staking>();
    let cap = scenario.take_from_sender<StorageNodeCap>();
    let epoch = staking.epoch();
    staking.attest_storage(&cap, epoch, nodes);
    scenario.return_to_sender(cap);
    test_scenario::return_shared(staking);
}

fun set_samples(scenario: &mut Scenario, samples_per_node: u16) {
    scenario.next_tx(ADMIN);
    let mut staking = scenario.take_shared<Staking>();
    staking.set_challenge_parameters(samples_per_node);
    test_scenario::return_shared(staking);
}

/// USER buys 2 MiB units for 3 epochs: epoch 1 receives 6000, epochs 2 and 3 2000 each.
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

// === set_challenge_seed ===

#[test]
fun the_seed_is_drawn_once_per_epoch_with_the_samples_of_the_parameters() {
    let mut scenario = setup();
    scenario.next_tx(ADMIN);
    let staking = scenario.take_shared<Staking>();
    assert_eq!(staking.challenge_samples_per_node(), storage_challenge::default_samples_per_node());
    assert!(staking.challenge_seed().is_none());
    test_scenario::return_shared(staking);

    set_seed_as(&mut scenario, USER);
    // Events are per transaction, and a shared object returned in a transaction cannot be taken
    // again in it: keep the events, then read the seed in the next transaction.
    let seed_events = event::events_by_type<events::ChallengeSeedSet>();
    scenario.next_tx(USER);
    let staking = scenario.take_shared<Staking>();
    let seed = staking.challenge_seed().destroy_some();
    assert_eq!(seed.length(), storage_challenge::seed_bytes());
    assert_eq!(seed_events, vector[events::challenge_seed_set(1, seed, 8)]);
    test_scenario::return_shared(staking);

    // The next epoch starts without a seed; its committee syncs, then a new seed is drawn.
    test_utils::epoch_change_in_scenario(&mut scenario);
    let staking = scenario.take_shared<Staking>();
    assert!(staking.challenge_seed().is_none());
    test_scenario::return_shared(staking);
    test_utils::sync_in_scenario(&mut scenario, OP4);
    test_utils::sync_in_scenario(&mut scenario, OP3);
    set_samples(&mut scenario, 3);
    assert_eq!(
        event::events_by_type<events::ChallengeParametersSet>(),
        vector[events::challenge_parameters_set(2, 3)],
    );
    set_seed_as(&mut scenario, USER);
    let seed_events = event::events_by_type<events::ChallengeSeedSet>();
    scenario.next_tx(USER);
    let staking = scenario.take_shared<Staking>();
    let second = staking.challenge_seed().destroy_some();
    assert!(second != seed);
    assert_eq!(seed_events, vector[events::challenge_seed_set(2, second, 3)]);
    test_scenario::return_shared(staking);
    scenario.end();
}

#[test, expected_failure(abort_code = walrus::storage_challenge::ESeedAlreadySet)]
fun a_second_seed_in_an_epoch_aborts() {
    let mut scenario = setup();
    set_seed_as(&mut scenario, USER);
    set_seed_as(&mut scenario, ADMIN);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking_inner::EWrongEpochState)]
fun a_seed_while_the_committee_syncs_aborts() {
    let mut scenario = setup();
    test_utils::epoch_change_in_scenario(&mut scenario);
    set_seed_as(&mut scenario, USER);
    abort 999
}

#[test, expected_failure(abort_code = walrus::storage_challenge::EChallengesDisabled)]
fun a_seed_with_challenges_switched_off_aborts() {
    let mut scenario = setup();
    set_samples(&mut scenario, 0);
    set_seed_as(&mut scenario, USER);
    abort 999
}

#[test, expected_failure(abort_code = walrus::storage_challenge::EInvalidChallengeParameters)]
fun more_samples_than_the_maximum_abort() {
    let mut scenario = setup();
    set_samples(&mut scenario, storage_challenge::max_samples_per_node() + 1);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking::EWrongVersion)]
fun a_seed_on_another_state_version_aborts() {
    let mut scenario = setup();
    scenario.next_tx(USER);
    let mut staking = scenario.take_shared<Staking>();
    staking.set_version_for_testing(2);
    let random = scenario.take_shared<Random>();
    staking.set_challenge_seed_for_testing(&random, scenario.ctx());
    abort 999
}

// === attest_storage ===

#[test]
fun attestations_add_the_attesters_shards() {
    let mut scenario = setup();
    set_seed_as(&mut scenario, USER);
    attest_as(&mut scenario, OP3, vector[node(@0x1), node(@0x4)]);
    assert_eq!(
        event::events_by_type<events::StorageAttested>(),
        vector[
            events::storage_attested(1, node(@0x3), node(@0x1), 3),
            events::storage_attested(1, node(@0x3), node(@0x4), 3),
        ],
    );
    attest_as(&mut scenario, OP2, vector[node(@0x4)]);
    assert_eq!(
        event::events_by_type<events::StorageAttested>(),
        vector[events::storage_attested(1, node(@0x2), node(@0x4), 5)],
    );
    scenario.next_tx(OP2);
    let staking = scenario.take_shared<Staking>();
    assert_eq!(staking.challenge_attested_shards(node(@0x4)), 5);
    assert_eq!(staking.challenge_attested_shards(node(@0x1)), 3);
    assert_eq!(staking.challenge_attested_shards(node(@0x2)), 0);
    assert_eq!(staking.challenge_attested_shards(node(@0x5)), 0);
    test_scenario::return_shared(staking);
    scenario.end();
}

#[test, expected_failure(abort_code = walrus::storage_challenge::ENoChallenge)]
fun an_attestation_without_a_seed_aborts() {
    let mut scenario = setup();
    attest_as(&mut scenario, OP3, vector[node(@0x1)]);
    abort 999
}

#[test, expected_failure(abort_code = walrus::storage_challenge::ENotCommitteeMember)]
fun an_attestation_by_a_non_member_aborts() {
    let mut scenario = setup();
    set_seed_as(&mut scenario, USER);
    scenario.next_tx(USER);
    let mut staking = scenario.take_shared<Staking>();
    let cap = walrus::storage_node::new_cap_for_testing(node(@0x5), scenario.ctx());
    staking.attest_storage(&cap, 1, vector[node(@0x1)]);
    abort 999
}

#[test, expected_failure(abort_code = walrus::storage_challenge::EUnknownChallengedNode)]
fun an_attestation_of_a_non_member_aborts() {
    let mut scenario = setup();
    set_seed_as(&mut scenario, USER);
    attest_as(&mut scenario, OP3, vector[node(@0x1), node(@0x5)]);
    abort 999
}

#[test, expected_failure(abort_code = walrus::storage_challenge::ESelfAttestation)]
fun a_self_attestation_aborts() {
    let mut scenario = setup();
    set_seed_as(&mut scenario, USER);
    attest_as(&mut scenario, OP3, vector[node(@0x3)]);
    abort 999
}

#[test, expected_failure(abort_code = walrus::storage_challenge::EAlreadyAttested)]
fun attesting_a_node_twice_aborts() {
    let mut scenario = setup();
    set_seed_as(&mut scenario, USER);
    attest_as(&mut scenario, OP3, vector[node(@0x1)]);
    attest_as(&mut scenario, OP3, vector[node(@0x2), node(@0x1)]);
    abort 999
}

#[test, expected_failure(abort_code = walrus::storage_challenge::EAlreadyAttested)]
fun naming_a_node_twice_in_one_attestation_aborts() {
    let mut scenario = setup();
    set_seed_as(&mut scenario, USER);
    attest_as(&mut scenario, OP3, vector[node(@0x1), node(@0x1)]);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking::EWrongVersion)]
fun an_attestation_on_another_state_version_aborts() {
    let mut scenario = setup();
    scenario.next_tx(OP3);
    let mut staking = scenario.take_shared<Staking>();
    staking.set_version_for_testing(2);
    let cap = scenario.take_from_sender<StorageNodeCap>();
    staking.attest_storage(&cap, 1, vector[node(@0x1)]);
    abort 999
}

#[test, expected_failure(abort_code = walrus::storage_challenge::EWrongEpoch)]
fun an_attestation_for_another_epoch_aborts() {
    let mut scenario = setup();
    set_seed_as(&mut scenario, USER);
    scenario.next_tx(OP3);
    let mut staking = scenario.take_shared<Staking>();
    let cap = scenario.take_from_sender<StorageNodeCap>();
    staking.attest_storage(&cap, 2, vector[node(@0x1)]);
    abort 999
}

// === Rewards ===

#[test]
fun members_without_a_quorum_of_attestations_lose_their_share_to_the_next_epoch() {
    let mut scenario = setup();
    fund_three_epochs(&mut scenario);
    set_seed_as(&mut scenario, USER);
    // Node 0x1 is attested by nobody. Node 0x4 (others: 6 shards) is attested by 0x1 and 0x3,
    // exactly two thirds of the others: not more, so it fails too. Nodes 0x2 (others: 8) and
    // 0x3 (others: 7) are attested by everyone else.
    attest_as(&mut scenario, OP1, vector[node(@0x2), node(@0x3), node(@0x4)]);
    attest_as(&mut scenario, OP2, vector[node(@0x3)]);
    attest_as(&mut scenario, OP3, vector[node(@0x2), node(@0x4)]);
    attest_as(&mut scenario, OP4, vector[node(@0x2), node(@0x3)]);
    scenario.next_tx(ADMIN);
    let staking = scenario.take_shared<Staking>();
    assert_eq!(staking.challenge_attested_shards(node(@0x4)), 4);
    test_scenario::return_shared(staking);

    // Epoch 1 -> 2: of the 6000 FROST, 600 (0x1) and 2400 (0x4) stay in the fund, in epoch 2's
    // account, which already held 2000.
    test_utils::voting_end_in_scenario(&mut scenario);
    test_utils::advance_clock(&mut scenario, test_utils::epoch_duration_ms());
    let mut staking = scenario.take_shared<Staking>();
    let mut system = scenario.take_shared<System>();
    let clock = scenario.take_shared<sui::clock::Clock>();
    staking.initiate_epoch_change(&mut system, &clock);
    assert_eq!(
        event::events_by_type<events::ChallengeRewardWithheld>(),
        vector[
            events::challenge_reward_withheld(1, node(@0x1), 600),
            events::challenge_reward_withheld(1, node(@0x4), 2_400),
        ],
    );
    assert_eq!(
        event::events_by_type<events::RewardsDistributed>(),
        vector[events::rewards_distributed(1, 6_000, 0)],
    );
    assert_eq!(staking.pool(node(@0x1)).rewards_value(), 0);
    assert_eq!(staking.pool(node(@0x2)).rewards_value(), 1_200);
    assert_eq!(staking.pool(node(@0x3)).rewards_value(), 1_800);
    assert_eq!(staking.pool(node(@0x4)).rewards_value(), 0);
    assert_eq!(system.future_accounting().account(0).epoch(), 2);
    assert_eq!(system.future_accounting().account(0).funds_value(), 2_000 + 3_000);
    // The new epoch starts without a challenge.
    assert!(staking.challenge_seed().is_none());
    assert_eq!(staking.challenge_attested_shards(node(@0x2)), 0);
    test_scenario::return_shared(clock);
    test_scenario::return_shared(system);
    test_scenario::return_shared(staking);

    // Epoch 2 issues no challenge: its 5000 FROST go to every member by shards.
    test_utils::sync_in_scenario(&mut scenario, OP4);
    test_utils::sync_in_scenario(&mut scenario, OP3);
    test_utils::epoch_change_in_scenario(&mut scenario);
    let staking = scenario.take_shared<Staking>();
    assert_eq!(staking.pool(node(@0x1)).rewards_value(), 500);
    assert_eq!(staking.pool(node(@0x4)).rewards_value(), 2_000);
    assert_eq!(staking.pool(node(@0x2)).rewards_value(), 1_200 + 1_000);
    test_scenario::return_shared(staking);
    scenario.end();
}

#[test]
fun members_that_pass_are_paid_as_without_a_challenge() {
    let mut scenario = setup();
    fund_three_epochs(&mut scenario);
    set_seed_as(&mut scenario, USER);
    attest_as(&mut scenario, OP1, vector[node(@0x2), node(@0x3), node(@0x4)]);
    attest_as(&mut scenario, OP2, vector[node(@0x1), node(@0x3), node(@0x4)]);
    attest_as(&mut scenario, OP3, vector[node(@0x1), node(@0x2), node(@0x4)]);
    attest_as(&mut scenario, OP4, vector[node(@0x1), node(@0x2), node(@0x3)]);
    scenario.next_tx(ADMIN);
    test_utils::epoch_change_in_scenario(&mut scenario);
    let staking = scenario.take_shared<Staking>();
    let system = scenario.take_shared<System>();
    assert_eq!(staking.pool(node(@0x1)).rewards_value(), 600);
    assert_eq!(staking.pool(node(@0x2)).rewards_value(), 1_200);
    assert_eq!(staking.pool(node(@0x3)).rewards_value(), 1_800);
    assert_eq!(staking.pool(node(@0x4)).rewards_value(), 2_400);
    assert_eq!(system.future_accounting().account(0).funds_value(), 2_000);
    test_scenario::return_shared(system);
    test_scenario::return_shared(staking);
    scenario.end();
}
