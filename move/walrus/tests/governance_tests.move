/// Governance: proposals, votes, the vote lock against double counting, execution of parameter
/// changes, upgrades and text proposals, and deposits. `sidecar/contracts/tests/governance.rs`
/// runs the same scenarios on the Rust twin.
#[test_only]
module walrus::governance_tests;

use std::{string, unit_test::assert_eq};
use sui::{clock::Clock, coin::Coin, event, package, test_scenario::{Self, Scenario}};
use wal::wal::WAL;
use walrus::{
    events,
    governance::{Self, Governance, GovernanceInitCap, Proposal},
    staked_wal::StakedWal,
    staking::Staking,
    system::System,
    test_utils
};

const ADMIN: address = @0xAD;
const USER: address = @0xB0B;
/// Operators of the genesis pools: 1000, 2000, 3000 and 4000 WAL of active stake.
const OP0: address = @0xA0;
const OP1: address = @0xA1;
const OP2: address = @0xA2;
const OP3: address = @0xA3;
const FROST_PER_WAL: u64 = 1_000_000_000;
const TOTAL_STAKE: u64 = 10_000_000_000_000;

/// Governance parameters of the tests: 10 WAL deposit, 1 s of voting, 0.5 s of delay, a quorum
/// of half the stake and a simple majority.
const MIN_DEPOSIT: u64 = 10_000_000_000;
const VOTING_MS: u64 = 1_000;
const DELAY_MS: u64 = 500;
const QUORUM_BPS: u16 = 5_000;
const THRESHOLD_BPS: u16 = 5_000;

/// The package id the test `UpgradeCap` names.
const PACKAGE: address = @0x5A;

const YES: u8 = 0;
const NO: u8 = 1;
const ABSTAIN: u8 = 2;

const EPOCH_DURATION_PARAM: u8 = 0;
const MAX_EPOCHS_AHEAD_PARAM: u8 = 1;
const BURN_BPS_PARAM: u8 = 2;
const MAX_COMMITTEE_SIZE_PARAM: u8 = 3;
const MIN_STAKE_PARAM: u8 = 4;
const MIN_DEPOSIT_PARAM: u8 = 5;
const VOTING_DURATION_PARAM: u8 = 6;
const EXECUTION_DELAY_PARAM: u8 = 7;
const QUORUM_PARAM: u8 = 8;
const THRESHOLD_PARAM: u8 = 9;
const CHALLENGE_SAMPLES_PARAM: u8 = 10;

fun digest(): vector<u8> {
    x"0101010101010101010101010101010101010101010101010101010101010101"
}

/// Staking (clock at 0) and governance with `voting_ms` of voting. Ends at a new transaction by
/// ADMIN.
fun setup_with(voting_ms: u64): Scenario {
    let mut scenario = test_scenario::begin(ADMIN);
    test_utils::setup_with_staking(&mut scenario);
    governance::init_for_testing(scenario.ctx());
    scenario.next_tx(ADMIN);
    let init_cap = scenario.take_from_sender<GovernanceInitCap>();
    let upgrade_cap = package::test_publish(object::id_from_address(PACKAGE), scenario.ctx());
    governance::create(
        init_cap,
        upgrade_cap,
        MIN_DEPOSIT,
        voting_ms,
        DELAY_MS,
        QUORUM_BPS,
        THRESHOLD_BPS,
        scenario.ctx(),
    );
    scenario.next_tx(ADMIN);
    scenario
}

fun setup(): Scenario {
    setup_with(VOTING_MS)
}

/// `sender` proposes with its genesis `StakedWal` and a deposit of `deposit` FROST; `kind` 0
/// parameter change, 1 upgrade, 2 text. Returns the proposal's id.
fun propose_as(
    scenario: &mut Scenario,
    sender: address,
    kind: u8,
    parameter: u8,
    value: u64,
    deposit: u64,
): ID {
    scenario.next_tx(sender);
    let mut governance = scenario.take_shared<Governance>();
    let staking = scenario.take_shared<Staking>();
    let clock = scenario.take_shared<Clock>();
    let staked = scenario.take_from_sender<StakedWal>();
    let coin = test_utils::mint_wal(deposit, scenario.ctx());
    let description = string::utf8(b"why");
    let id = if (kind == 0) {
        governance.propose_parameter_change(
            &staking,
            &staked,
            parameter,
            value,
            description,
            coin,
            &clock,
            scenario.ctx(),
        )
    } else if (kind == 1) {
        governance.propose_upgrade(
            &staking,
            &staked,
            digest(),
            description,
            coin,
            &clock,
            scenario.ctx(),
        )
    } else {
        governance.propose_text(&staking, &staked, description, coin, &clock, scenario.ctx())
    };
    scenario.return_to_sender(staked);
    test_scenario::return_shared(clock);
    test_scenario::return_shared(staking);
    test_scenario::return_shared(governance);
    scenario.next_tx(sender);
    id
}

fun propose(scenario: &mut Scenario, parameter: u8, value: u64): ID {
    propose_as(scenario, OP3, 0, parameter, value, MIN_DEPOSIT)
}

/// `voter` votes `choice` with its genesis `StakedWal`.
fun vote_as(scenario: &mut Scenario, voter: address, proposal_id: ID, choice: u8) {
    scenario.next_tx(voter);
    let mut staked = scenario.take_from_sender<StakedWal>();
    vote_with(scenario, &mut staked, proposal_id, choice);
    scenario.return_to_sender(staked);
    scenario.next_tx(voter);
}

fun vote_with(scenario: &mut Scenario, staked: &mut StakedWal, proposal_id: ID, choice: u8) {
    let mut proposal = scenario.take_shared_by_id<Proposal>(proposal_id);
    let staking = scenario.take_shared<Staking>();
    let clock = scenario.take_shared<Clock>();
    governance::vote(&mut proposal, &staking, staked, choice, &clock, scenario.ctx());
    test_scenario::return_shared(clock);
    test_scenario::return_shared(staking);
    test_scenario::return_shared(proposal);
}

fun execute(scenario: &mut Scenario, proposal_id: ID) {
    scenario.next_tx(USER);
    let mut governance = scenario.take_shared<Governance>();
    let mut proposal = scenario.take_shared_by_id<Proposal>(proposal_id);
    let mut staking = scenario.take_shared<Staking>();
    let mut system = scenario.take_shared<System>();
    let clock = scenario.take_shared<Clock>();
    governance.execute(&mut proposal, &mut staking, &mut system, &clock);
    test_scenario::return_shared(clock);
    test_scenario::return_shared(system);
    test_scenario::return_shared(staking);
    test_scenario::return_shared(proposal);
    test_scenario::return_shared(governance);
    scenario.next_tx(USER);
}

fun settle(scenario: &mut Scenario, proposal_id: ID) {
    scenario.next_tx(USER);
    let mut proposal = scenario.take_shared_by_id<Proposal>(proposal_id);
    let mut staking = scenario.take_shared<Staking>();
    let clock = scenario.take_shared<Clock>();
    governance::settle_deposit(&mut proposal, &mut staking, &clock, scenario.ctx());
    test_scenario::return_shared(clock);
    test_scenario::return_shared(staking);
    test_scenario::return_shared(proposal);
    scenario.next_tx(USER);
}

/// Proposes `parameter = value`, votes yes with 7000 of the 10_000 WAL, waits for the end of the
/// voting and the delay, and executes.
fun pass(scenario: &mut Scenario, parameter: u8, value: u64): ID {
    // Twice the minimum deposit: still enough after the minimum is raised to 20 WAL.
    let id = propose_as(scenario, OP3, 0, parameter, value, 2 * MIN_DEPOSIT);
    vote_as(scenario, OP3, id, YES);
    vote_as(scenario, OP2, id, YES);
    test_utils::advance_clock(scenario, VOTING_MS + DELAY_MS);
    execute(scenario, id);
    id
}

fun is_executed(scenario: &Scenario, proposal_id: ID): bool {
    let proposal = scenario.take_shared_by_id<Proposal>(proposal_id);
    let executed = proposal.is_executed();
    test_scenario::return_shared(proposal);
    executed
}

// === create ===

#[test]
fun create_shares_governance_with_the_upgrade_cap() {
    let scenario = setup();
    let governance = scenario.take_shared<Governance>();
    assert_eq!(governance.version(), 1);
    assert_eq!(governance.min_deposit_frost(), MIN_DEPOSIT);
    assert_eq!(governance.voting_duration_ms(), VOTING_MS);
    assert_eq!(governance.execution_delay_ms(), DELAY_MS);
    assert_eq!(governance.quorum_bps(), QUORUM_BPS);
    assert_eq!(governance.approval_threshold_bps(), THRESHOLD_BPS);
    assert_eq!(governance.n_proposals(), 0);
    assert_eq!(governance.package_id(), object::id_from_address(PACKAGE));
    assert_eq!(governance.package_version(), 1);
    assert_eq!(governance::n_parameters(), 11);
    // The init cap is consumed: no second governance.
    assert!(!test_scenario::has_most_recent_for_address<GovernanceInitCap>(ADMIN));
    test_scenario::return_shared(governance);
    scenario.end();
}

#[test, expected_failure(abort_code = walrus::governance::EInvalidParameters)]
fun create_with_a_threshold_of_100_percent_aborts() {
    let mut scenario = test_scenario::begin(ADMIN);
    governance::init_for_testing(scenario.ctx());
    scenario.next_tx(ADMIN);
    let init_cap = scenario.take_from_sender<GovernanceInitCap>();
    let upgrade_cap = package::test_publish(object::id_from_address(PACKAGE), scenario.ctx());
    governance::create(
        init_cap,
        upgrade_cap,
        MIN_DEPOSIT,
        VOTING_MS,
        DELAY_MS,
        QUORUM_BPS,
        10_000,
        scenario.ctx(),
    );
    abort 999
}

#[test]
fun parameter_ranges() {
    assert!(governance::is_valid_parameter_value(EPOCH_DURATION_PARAM, 1));
    assert!(!governance::is_valid_parameter_value(EPOCH_DURATION_PARAM, 0));
    assert!(governance::is_valid_parameter_value(MAX_EPOCHS_AHEAD_PARAM, 1000));
    assert!(!governance::is_valid_parameter_value(MAX_EPOCHS_AHEAD_PARAM, 1001));
    assert!(!governance::is_valid_parameter_value(MAX_EPOCHS_AHEAD_PARAM, 0));
    assert!(governance::is_valid_parameter_value(BURN_BPS_PARAM, 10_000));
    assert!(!governance::is_valid_parameter_value(BURN_BPS_PARAM, 10_001));
    assert!(governance::is_valid_parameter_value(MAX_COMMITTEE_SIZE_PARAM, 65_535));
    assert!(!governance::is_valid_parameter_value(MAX_COMMITTEE_SIZE_PARAM, 65_536));
    assert!(!governance::is_valid_parameter_value(MAX_COMMITTEE_SIZE_PARAM, 0));
    assert!(governance::is_valid_parameter_value(MIN_STAKE_PARAM, FROST_PER_WAL));
    assert!(!governance::is_valid_parameter_value(MIN_STAKE_PARAM, FROST_PER_WAL - 1));
    assert!(!governance::is_valid_parameter_value(MIN_DEPOSIT_PARAM, 0));
    assert!(governance::is_valid_parameter_value(VOTING_DURATION_PARAM, 31_536_000_000));
    assert!(!governance::is_valid_parameter_value(VOTING_DURATION_PARAM, 31_536_000_001));
    assert!(!governance::is_valid_parameter_value(VOTING_DURATION_PARAM, 0));
    assert!(governance::is_valid_parameter_value(EXECUTION_DELAY_PARAM, 0));
    assert!(!governance::is_valid_parameter_value(EXECUTION_DELAY_PARAM, 31_536_000_001));
    assert!(governance::is_valid_parameter_value(QUORUM_PARAM, 10_000));
    assert!(!governance::is_valid_parameter_value(QUORUM_PARAM, 10_001));
    assert!(governance::is_valid_parameter_value(THRESHOLD_PARAM, 9_999));
    assert!(!governance::is_valid_parameter_value(THRESHOLD_PARAM, 10_000));
    assert!(governance::is_valid_parameter_value(CHALLENGE_SAMPLES_PARAM, 0));
    assert!(governance::is_valid_parameter_value(CHALLENGE_SAMPLES_PARAM, 64));
    assert!(!governance::is_valid_parameter_value(CHALLENGE_SAMPLES_PARAM, 65));
    assert!(!governance::is_valid_parameter_value(11, 1));
}

// === Proposals ===

#[test]
fun propose_parameter_change_records_the_proposal() {
    let mut scenario = setup();
    test_utils::advance_clock(&mut scenario, 100);
    scenario.next_tx(OP3);
    let mut governance = scenario.take_shared<Governance>();
    let staking = scenario.take_shared<Staking>();
    let clock = scenario.take_shared<Clock>();
    let staked = scenario.take_from_sender<StakedWal>();
    let coin = test_utils::mint_wal(MIN_DEPOSIT + 1, scenario.ctx());
    let id = governance.propose_parameter_change(
        &staking,
        &staked,
        EPOCH_DURATION_PARAM,
        60_000,
        string::utf8(b"shorter epochs"),
        coin,
        &clock,
        scenario.ctx(),
    );
    assert_eq!(
        event::events_by_type<events::ProposalCreated>(),
        vector[
            events::proposal_created(
                id,
                0,
                OP3,
                0,
                EPOCH_DURATION_PARAM,
                60_000,
                vector[],
                string::utf8(b"shorter epochs"),
                MIN_DEPOSIT + 1,
                1_100,
                1_600,
                TOTAL_STAKE,
                QUORUM_BPS,
                THRESHOLD_BPS,
            ),
        ],
    );
    assert_eq!(governance.n_proposals(), 1);
    assert_eq!(governance.proposal_id(0), id);
    scenario.return_to_sender(staked);
    test_scenario::return_shared(clock);
    test_scenario::return_shared(staking);
    test_scenario::return_shared(governance);

    scenario.next_tx(USER);
    let proposal = scenario.take_shared_by_id<Proposal>(id);
    assert_eq!(proposal.number(), 0);
    assert_eq!(proposal.proposer(), OP3);
    assert_eq!(proposal.kind(), 0);
    assert_eq!(proposal.parameter(), EPOCH_DURATION_PARAM);
    assert_eq!(proposal.value(), 60_000);
    assert_eq!(proposal.digest(), vector[]);
    assert_eq!(proposal.description(), string::utf8(b"shorter epochs"));
    assert_eq!(proposal.deposit_frost(), MIN_DEPOSIT + 1);
    assert_eq!(proposal.deposit_value(), MIN_DEPOSIT + 1);
    assert_eq!(proposal.created_epoch(), 1);
    assert_eq!(proposal.created_ms(), 100);
    assert_eq!(proposal.voting_end_ms(), 1_100);
    assert_eq!(proposal.executable_from_ms(), 1_600);
    assert_eq!(proposal.total_stake(), TOTAL_STAKE);
    assert_eq!(proposal.proposal_quorum_bps(), QUORUM_BPS);
    assert_eq!(proposal.proposal_approval_threshold_bps(), THRESHOLD_BPS);
    assert_eq!(proposal.yes_stake() + proposal.no_stake() + proposal.abstain_stake(), 0);
    assert_eq!(proposal.n_votes(), 0);
    assert!(!proposal.is_executed());
    assert!(!proposal.is_deposit_settled());
    assert!(!proposal.reached_quorum());
    assert!(!proposal.is_approved());
    test_scenario::return_shared(proposal);
    scenario.end();
}

#[test]
fun propose_upgrade_and_text_record_their_kind() {
    let mut scenario = setup();
    let upgrade = propose_as(&mut scenario, OP3, 1, 0, 0, MIN_DEPOSIT);
    let text = propose_as(&mut scenario, OP2, 2, 0, 0, MIN_DEPOSIT);
    let proposal = scenario.take_shared_by_id<Proposal>(upgrade);
    assert_eq!(proposal.kind(), 1);
    assert_eq!(proposal.digest(), digest());
    assert_eq!(proposal.parameter(), 0);
    assert_eq!(proposal.value(), 0);
    test_scenario::return_shared(proposal);
    let proposal = scenario.take_shared_by_id<Proposal>(text);
    assert_eq!(proposal.kind(), 2);
    assert_eq!(proposal.number(), 1);
    assert_eq!(proposal.proposer(), OP2);
    assert_eq!(proposal.digest(), vector[]);
    test_scenario::return_shared(proposal);
    let governance = scenario.take_shared<Governance>();
    assert_eq!(governance.n_proposals(), 2);
    assert_eq!(governance.proposal_id(1), text);
    test_scenario::return_shared(governance);
    scenario.end();
}

#[test, expected_failure(abort_code = walrus::governance::EWrongVersion)]
fun propose_through_a_wrong_version_aborts() {
    let mut scenario = setup();
    let mut governance = scenario.take_shared<Governance>();
    governance.set_version_for_testing(2);
    test_scenario::return_shared(governance);
    propose(&mut scenario, EPOCH_DURATION_PARAM, 1);
    abort 999
}

#[test, expected_failure(abort_code = walrus::governance::EUnknownParameter)]
fun propose_an_unknown_parameter_aborts() {
    let mut scenario = setup();
    propose(&mut scenario, 11, 1);
    abort 999
}

#[test, expected_failure(abort_code = walrus::governance::EInvalidParameterValue)]
fun propose_a_value_out_of_range_aborts() {
    let mut scenario = setup();
    propose(&mut scenario, BURN_BPS_PARAM, 10_001);
    abort 999
}

#[test, expected_failure(abort_code = walrus::governance::EInvalidDigest)]
fun propose_an_upgrade_with_a_short_digest_aborts() {
    let mut scenario = setup();
    scenario.next_tx(OP3);
    let mut governance = scenario.take_shared<Governance>();
    let staking = scenario.take_shared<Staking>();
    let clock = scenario.take_shared<Clock>();
    let staked = scenario.take_from_sender<StakedWal>();
    let coin = test_utils::mint_wal(MIN_DEPOSIT, scenario.ctx());
    governance.propose_upgrade(
        &staking,
        &staked,
        x"0102",
        string::utf8(b""),
        coin,
        &clock,
        scenario.ctx(),
    );
    abort 999
}

#[test, expected_failure(abort_code = walrus::governance::EDescriptionTooLong)]
fun propose_a_text_above_4096_bytes_aborts() {
    let mut scenario = setup();
    scenario.next_tx(OP3);
    let mut governance = scenario.take_shared<Governance>();
    let staking = scenario.take_shared<Staking>();
    let clock = scenario.take_shared<Clock>();
    let staked = scenario.take_from_sender<StakedWal>();
    let coin = test_utils::mint_wal(MIN_DEPOSIT, scenario.ctx());
    let mut text = vector[];
    while (text.length() < 4097) text.push_back(0x61);
    governance.propose_text(&staking, &staked, string::utf8(text), coin, &clock, scenario.ctx());
    abort 999
}

#[test, expected_failure(abort_code = walrus::governance::EDepositTooSmall)]
fun propose_with_a_small_deposit_aborts() {
    let mut scenario = setup();
    propose_as(&mut scenario, OP3, 2, 0, 0, MIN_DEPOSIT - 1);
    abort 999
}

#[test, expected_failure(abort_code = walrus::governance::ENoVotingPower)]
fun propose_with_stake_that_is_not_active_aborts() {
    let mut scenario = setup();
    scenario.next_tx(USER);
    let mut staking = scenario.take_shared<Staking>();
    let coin = test_utils::mint_wal(5 * FROST_PER_WAL, scenario.ctx());
    let staked = staking.stake_with_pool(coin, object::id_from_address(@0x1), scenario.ctx());
    test_scenario::return_shared(staking);
    transfer::public_transfer(staked, USER);
    // USER's stake activates in epoch 2.
    propose_as(&mut scenario, USER, 2, 0, 0, MIN_DEPOSIT);
    abort 999
}

// === Votes ===

#[test]
fun votes_add_up_and_a_second_vote_replaces_the_first() {
    let mut scenario = setup();
    let id = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    vote_as(&mut scenario, OP3, id, YES);
    vote_as(&mut scenario, OP1, id, NO);

    scenario.next_tx(OP0);
    let mut staked = scenario.take_from_sender<StakedWal>();
    let staked_id = object::id(&staked);
    vote_with(&mut scenario, &mut staked, id, ABSTAIN);
    assert_eq!(
        event::events_by_type<events::VoteCast>(),
        vector[
            events::vote_cast(
                id,
                staked_id,
                OP0,
                ABSTAIN,
                1_000 * FROST_PER_WAL,
                option::none(),
                0,
                4_000 * FROST_PER_WAL,
                2_000 * FROST_PER_WAL,
                1_000 * FROST_PER_WAL,
            ),
        ],
    );
    // OP0 changes its mind: its 1000 WAL move from abstain to yes.
    scenario.next_tx(OP0);
    vote_with(&mut scenario, &mut staked, id, YES);
    assert_eq!(
        event::events_by_type<events::VoteCast>(),
        vector[
            events::vote_cast(
                id,
                staked_id,
                OP0,
                YES,
                1_000 * FROST_PER_WAL,
                option::some(ABSTAIN),
                1_000 * FROST_PER_WAL,
                5_000 * FROST_PER_WAL,
                2_000 * FROST_PER_WAL,
                0,
            ),
        ],
    );
    assert_eq!(staked.vote_locked_until_ms(), option::some(VOTING_MS));
    // Taken in an earlier transaction: sent back rather than returned.
    transfer::public_transfer(staked, OP0);

    scenario.next_tx(USER);
    let proposal = scenario.take_shared_by_id<Proposal>(id);
    assert_eq!(proposal.yes_stake(), 5_000 * FROST_PER_WAL);
    assert_eq!(proposal.no_stake(), 2_000 * FROST_PER_WAL);
    assert_eq!(proposal.abstain_stake(), 0);
    assert_eq!(proposal.n_votes(), 3);
    let record = proposal.vote_of(staked_id).destroy_some();
    assert_eq!(record.vote_choice(), YES);
    assert_eq!(record.vote_weight(), 1_000 * FROST_PER_WAL);
    assert!(proposal.vote_of(object::id_from_address(@0x1)).is_none());
    // 7000 of 10_000 WAL voted (quorum 50%); yes has 5000 of 7000 decided (> 50%).
    assert!(proposal.reached_quorum());
    assert!(proposal.is_approved());
    test_scenario::return_shared(proposal);
    scenario.end();
}

#[test, expected_failure(abort_code = walrus::governance::EInvalidVote)]
fun vote_with_an_invalid_choice_aborts() {
    let mut scenario = setup();
    let id = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    vote_as(&mut scenario, OP3, id, 3);
    abort 999
}

#[test, expected_failure(abort_code = walrus::governance::EVotingClosed)]
fun vote_after_the_voting_ended_aborts() {
    let mut scenario = setup();
    let id = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    test_utils::advance_clock(&mut scenario, VOTING_MS);
    vote_as(&mut scenario, OP3, id, YES);
    abort 999
}

#[test, expected_failure(abort_code = walrus::governance::ENoVotingPower)]
fun vote_with_withdrawing_stake_aborts() {
    let mut scenario = setup();
    let id = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    scenario.next_tx(OP1);
    let mut staked = scenario.take_from_sender<StakedWal>();
    let mut staking = scenario.take_shared<Staking>();
    staking.request_withdraw_stake(&mut staked);
    test_scenario::return_shared(staking);
    scenario.next_tx(OP1);
    vote_with(&mut scenario, &mut staked, id, YES);
    abort 999
}

#[test]
fun voting_power_is_the_active_principal() {
    let mut scenario = setup();
    scenario.next_tx(OP2);
    let staked = scenario.take_from_sender<StakedWal>();
    let staking = scenario.take_shared<Staking>();
    assert_eq!(governance::voting_power(&staking, &staked), 3_000 * FROST_PER_WAL);
    assert_eq!(staking.total_active_stake(), TOTAL_STAKE);
    test_scenario::return_shared(staking);
    scenario.return_to_sender(staked);
    scenario.end();
}

// === The vote lock: the same WAL cannot vote twice ===

/// OP3 votes yes, splits half of its stake off and tries to vote with the half: the split is
/// refused while the vote is open.
#[test, expected_failure(abort_code = walrus::staked_wal::ELockedByVote)]
fun split_after_voting_aborts() {
    let mut scenario = setup();
    let id = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    vote_as(&mut scenario, OP3, id, YES);
    scenario.next_tx(OP3);
    let mut staked = scenario.take_from_sender<StakedWal>();
    let half = staked.split(2_000 * FROST_PER_WAL, scenario.ctx());
    transfer::public_transfer(half, USER);
    abort 999
}

/// OP3 votes yes, then joins its object into an object that has not voted: refused.
#[test, expected_failure(abort_code = walrus::staked_wal::ELockedByVote)]
fun join_of_a_voted_object_into_another_aborts() {
    let mut scenario = setup();
    let id = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    // A second object of the same pool and activation epoch, not locked.
    scenario.next_tx(OP3);
    let mut staked = scenario.take_from_sender<StakedWal>();
    let other = staked.split(1_000 * FROST_PER_WAL, scenario.ctx());
    vote_with(&mut scenario, &mut staked, id, YES);
    let mut other = other;
    other.join(staked);
    abort 999
}

#[test]
fun joining_unvoted_stake_into_a_voted_object_weighs_it_on_a_changed_vote() {
    let mut scenario = setup();
    let id = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    scenario.next_tx(OP3);
    let mut staked = scenario.take_from_sender<StakedWal>();
    let other = staked.split(1_000 * FROST_PER_WAL, scenario.ctx());
    vote_with(&mut scenario, &mut staked, id, NO);
    staked.join(other);
    scenario.next_tx(OP3);
    vote_with(&mut scenario, &mut staked, id, YES);
    transfer::public_transfer(staked, OP3);
    scenario.next_tx(USER);
    let proposal = scenario.take_shared_by_id<Proposal>(id);
    assert_eq!(proposal.yes_stake(), 4_000 * FROST_PER_WAL);
    assert_eq!(proposal.no_stake(), 0);
    assert_eq!(proposal.n_votes(), 1);
    test_scenario::return_shared(proposal);
    scenario.end();
}

/// A withdrawal of an object that voted waits for the end of the voting, even once its
/// withdraw epoch has begun (here the voting lasts two epochs).
#[test, expected_failure(abort_code = walrus::staked_wal::ELockedByVote)]
fun withdraw_after_voting_aborts() {
    let mut scenario = setup_with(2 * test_utils::epoch_duration_ms());
    let id = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    vote_as(&mut scenario, OP3, id, YES);
    scenario.next_tx(OP3);
    let mut staked = scenario.take_from_sender<StakedWal>();
    let mut staking = scenario.take_shared<Staking>();
    staking.request_withdraw_stake(&mut staked);
    test_scenario::return_shared(staking);
    scenario.return_to_sender(staked);
    test_utils::epoch_change_in_scenario(&mut scenario);
    scenario.next_tx(OP3);
    let staked = scenario.take_from_sender<StakedWal>();
    let mut staking = scenario.take_shared<Staking>();
    let coin = staking.withdraw_stake(staked, scenario.ctx());
    transfer::public_transfer(coin, OP3);
    abort 999
}

#[test]
fun release_vote_lock_after_the_voting_frees_the_object() {
    let mut scenario = setup();
    let first = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    test_utils::advance_clock(&mut scenario, 300);
    let second = propose_as(&mut scenario, OP2, 2, 0, 0, MIN_DEPOSIT);
    vote_as(&mut scenario, OP3, first, YES);
    vote_as(&mut scenario, OP3, second, YES);
    // The lock lasts until the later voting end.
    test_utils::advance_clock(&mut scenario, VOTING_MS);
    scenario.next_tx(OP3);
    let mut staked = scenario.take_from_sender<StakedWal>();
    assert_eq!(staked.vote_locked_until_ms(), option::some(1_300));
    let clock = scenario.take_shared<Clock>();
    assert_eq!(clock.timestamp_ms(), 1_300);
    governance::release_vote_lock(&mut staked, &clock);
    assert!(!staked.is_vote_locked());
    // Releasing again is a no-op.
    governance::release_vote_lock(&mut staked, &clock);
    let half = staked.split(2_000 * FROST_PER_WAL, scenario.ctx());
    assert_eq!(half.value(), 2_000 * FROST_PER_WAL);
    test_scenario::return_shared(clock);
    transfer::public_transfer(half, OP3);
    scenario.return_to_sender(staked);
    scenario.end();
}

#[test, expected_failure(abort_code = walrus::governance::EVoteLockActive)]
fun release_vote_lock_while_voting_aborts() {
    let mut scenario = setup();
    let id = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    vote_as(&mut scenario, OP3, id, YES);
    test_utils::advance_clock(&mut scenario, VOTING_MS - 1);
    scenario.next_tx(OP3);
    let mut staked = scenario.take_from_sender<StakedWal>();
    let clock = scenario.take_shared<Clock>();
    governance::release_vote_lock(&mut staked, &clock);
    abort 999
}

// === Execution ===

#[test]
fun executed_staking_parameters_change_staking() {
    let mut scenario = setup();
    let id = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    vote_as(&mut scenario, OP3, id, YES);
    vote_as(&mut scenario, OP2, id, YES);
    test_utils::advance_clock(&mut scenario, VOTING_MS + DELAY_MS);
    scenario.next_tx(USER);
    let mut governance = scenario.take_shared<Governance>();
    let mut proposal = scenario.take_shared_by_id<Proposal>(id);
    let mut staking = scenario.take_shared<Staking>();
    let mut system = scenario.take_shared<System>();
    let clock = scenario.take_shared<Clock>();
    governance.execute(&mut proposal, &mut staking, &mut system, &clock);
    assert_eq!(
        event::events_by_type<events::ProposalExecuted>(),
        vector[events::proposal_executed(id, 0, EPOCH_DURATION_PARAM, 60_000, vector[], 1_500)],
    );
    assert!(proposal.is_executed());
    test_scenario::return_shared(clock);
    test_scenario::return_shared(system);
    test_scenario::return_shared(staking);
    test_scenario::return_shared(proposal);
    test_scenario::return_shared(governance);
    pass(&mut scenario, BURN_BPS_PARAM, 2_500);
    pass(&mut scenario, MAX_COMMITTEE_SIZE_PARAM, 3);
    pass(&mut scenario, MIN_STAKE_PARAM, 2 * FROST_PER_WAL);
    pass(&mut scenario, CHALLENGE_SAMPLES_PARAM, 0);
    let staking = scenario.take_shared<Staking>();
    assert_eq!(staking.challenge_samples_per_node(), 0);
    assert_eq!(staking.epoch_duration_ms(), 60_000);
    assert_eq!(staking.burn_bps(), 2_500);
    assert_eq!(staking.max_committee_size(), 3);
    assert_eq!(staking.min_stake_frost(), 2 * FROST_PER_WAL);
    test_scenario::return_shared(staking);
    scenario.end();
}

#[test, expected_failure(abort_code = walrus::staking_inner::EStakeTooSmall)]
fun stake_below_a_raised_minimum_aborts() {
    let mut scenario = setup();
    pass(&mut scenario, MIN_STAKE_PARAM, 2 * FROST_PER_WAL);
    let mut staking = scenario.take_shared<Staking>();
    let coin = test_utils::mint_wal(2 * FROST_PER_WAL - 1, scenario.ctx());
    let staked = staking.stake_with_pool(coin, object::id_from_address(@0x1), scenario.ctx());
    transfer::public_transfer(staked, USER);
    abort 999
}

#[test]
fun executed_max_epochs_ahead_grows_the_accounts() {
    let mut scenario = setup();
    pass(&mut scenario, MAX_EPOCHS_AHEAD_PARAM, 8);
    let system = scenario.take_shared<System>();
    assert_eq!(system.max_epochs_ahead(), 8);
    assert_eq!(system.future_accounting().length(), 8);
    assert_eq!(system.future_accounting().account(7).epoch(), 8);
    test_scenario::return_shared(system);
    scenario.end();
}

/// Lowering `max_epochs_ahead` keeps the accounts but limits new purchases.
#[test, expected_failure(abort_code = walrus::system_state_inner::EInvalidEpochsAhead)]
fun purchase_beyond_a_lowered_max_epochs_ahead_aborts() {
    let mut scenario = setup();
    pass(&mut scenario, MAX_EPOCHS_AHEAD_PARAM, 2);
    let mut system = scenario.take_shared<System>();
    assert_eq!(system.max_epochs_ahead(), 2);
    assert_eq!(system.future_accounting().length(), test_utils::max_epochs_ahead());
    let mut payment = test_utils::mint_wal(1_000_000, scenario.ctx());
    let storage = system.reserve_space(1_000, 3, &mut payment, scenario.ctx());
    storage.destroy();
    abort 999
}

#[test]
fun executed_governance_parameters_apply_to_new_proposals() {
    let mut scenario = setup();
    // In an order that keeps `pass` working: its deposit is 20 WAL, and it waits 1.5 s.
    pass(&mut scenario, QUORUM_PARAM, 1_000);
    pass(&mut scenario, THRESHOLD_PARAM, 6_000);
    pass(&mut scenario, EXECUTION_DELAY_PARAM, 0);
    pass(&mut scenario, MIN_DEPOSIT_PARAM, 20 * FROST_PER_WAL);
    pass(&mut scenario, VOTING_DURATION_PARAM, 5_000);
    let governance = scenario.take_shared<Governance>();
    assert_eq!(governance.min_deposit_frost(), 20 * FROST_PER_WAL);
    assert_eq!(governance.voting_duration_ms(), 5_000);
    assert_eq!(governance.execution_delay_ms(), 0);
    assert_eq!(governance.quorum_bps(), 1_000);
    assert_eq!(governance.approval_threshold_bps(), 6_000);
    test_scenario::return_shared(governance);
    let id = propose_as(&mut scenario, OP3, 2, 0, 0, 20 * FROST_PER_WAL);
    let proposal = scenario.take_shared_by_id<Proposal>(id);
    let clock = scenario.take_shared<Clock>();
    assert_eq!(proposal.voting_end_ms(), clock.timestamp_ms() + 5_000);
    assert_eq!(proposal.executable_from_ms(), proposal.voting_end_ms());
    assert_eq!(proposal.proposal_quorum_bps(), 1_000);
    assert_eq!(proposal.proposal_approval_threshold_bps(), 6_000);
    test_scenario::return_shared(clock);
    test_scenario::return_shared(proposal);
    scenario.end();
}

#[test]
fun executed_text_proposal_is_marked_executed() {
    let mut scenario = setup();
    let id = propose_as(&mut scenario, OP3, 2, 0, 0, MIN_DEPOSIT);
    vote_as(&mut scenario, OP3, id, YES);
    vote_as(&mut scenario, OP0, id, NO);
    vote_as(&mut scenario, OP1, id, ABSTAIN);
    test_utils::advance_clock(&mut scenario, VOTING_MS + DELAY_MS);
    execute(&mut scenario, id);
    assert!(is_executed(&scenario, id));
    scenario.end();
}

#[test, expected_failure(abort_code = walrus::governance::EWrongVersion)]
fun execute_through_a_wrong_version_aborts() {
    let mut scenario = setup();
    let id = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    vote_as(&mut scenario, OP3, id, YES);
    vote_as(&mut scenario, OP2, id, YES);
    test_utils::advance_clock(&mut scenario, VOTING_MS + DELAY_MS);
    let mut governance = scenario.take_shared<Governance>();
    governance.set_version_for_testing(2);
    test_scenario::return_shared(governance);
    execute(&mut scenario, id);
    abort 999
}

#[test, expected_failure(abort_code = walrus::governance::EAlreadyExecuted)]
fun execute_twice_aborts() {
    let mut scenario = setup();
    let id = pass(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    execute(&mut scenario, id);
    abort 999
}

#[test, expected_failure(abort_code = walrus::governance::EVotingOpen)]
fun execute_while_voting_aborts() {
    let mut scenario = setup();
    let id = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    vote_as(&mut scenario, OP3, id, YES);
    vote_as(&mut scenario, OP2, id, YES);
    execute(&mut scenario, id);
    abort 999
}

#[test, expected_failure(abort_code = walrus::governance::ENotApproved)]
fun execute_without_quorum_aborts() {
    let mut scenario = setup();
    let id = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    // 4000 of 10_000 WAL: below the quorum of half.
    vote_as(&mut scenario, OP3, id, YES);
    test_utils::advance_clock(&mut scenario, VOTING_MS + DELAY_MS);
    execute(&mut scenario, id);
    abort 999
}

#[test, expected_failure(abort_code = walrus::governance::ENotApproved)]
fun execute_of_a_tie_aborts() {
    let mut scenario = setup();
    let id = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    // Yes 3000 (OP0 + OP1) against no 3000 (OP2): quorum, but yes is not above half.
    vote_as(&mut scenario, OP0, id, YES);
    vote_as(&mut scenario, OP1, id, YES);
    vote_as(&mut scenario, OP2, id, NO);
    test_utils::advance_clock(&mut scenario, VOTING_MS + DELAY_MS);
    execute(&mut scenario, id);
    abort 999
}

#[test, expected_failure(abort_code = walrus::governance::EExecutionTooEarly)]
fun execute_before_the_delay_aborts() {
    let mut scenario = setup();
    let id = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    vote_as(&mut scenario, OP3, id, YES);
    vote_as(&mut scenario, OP2, id, YES);
    test_utils::advance_clock(&mut scenario, VOTING_MS + DELAY_MS - 1);
    execute(&mut scenario, id);
    abort 999
}

#[test, expected_failure(abort_code = walrus::governance::EWrongProposalKind)]
fun execute_of_an_upgrade_aborts() {
    let mut scenario = setup();
    let id = propose_as(&mut scenario, OP3, 1, 0, 0, MIN_DEPOSIT);
    vote_as(&mut scenario, OP3, id, YES);
    vote_as(&mut scenario, OP2, id, YES);
    test_utils::advance_clock(&mut scenario, VOTING_MS + DELAY_MS);
    execute(&mut scenario, id);
    abort 999
}

// === Upgrades ===

#[test]
fun an_approved_upgrade_yields_its_ticket_and_commits() {
    let mut scenario = setup();
    let id = propose_as(&mut scenario, OP3, 1, 0, 0, MIN_DEPOSIT);
    vote_as(&mut scenario, OP3, id, YES);
    vote_as(&mut scenario, OP2, id, YES);
    test_utils::advance_clock(&mut scenario, VOTING_MS + DELAY_MS);
    scenario.next_tx(USER);
    let mut governance = scenario.take_shared<Governance>();
    let mut proposal = scenario.take_shared_by_id<Proposal>(id);
    let clock = scenario.take_shared<Clock>();
    let ticket = governance.execute_upgrade(&mut proposal, &clock);
    assert_eq!(*package::ticket_digest(&ticket), digest());
    assert_eq!(package::ticket_package(&ticket), object::id_from_address(PACKAGE));
    assert_eq!(package::ticket_policy(&ticket), package::compatible_policy());
    assert_eq!(
        event::events_by_type<events::ProposalExecuted>(),
        vector[events::proposal_executed(id, 1, 0, 0, digest(), 1_500)],
    );
    // The Upgrade command of the same transaction turns the ticket into a receipt.
    let receipt = package::test_upgrade(ticket);
    let new_package = package::receipt_package(&receipt);
    governance.commit_upgrade(receipt);
    assert_eq!(
        event::events_by_type<events::UpgradeCommitted>(),
        vector[events::upgrade_committed(new_package, 2)],
    );
    assert_eq!(governance.package_id(), new_package);
    assert_eq!(governance.package_version(), 2);
    assert!(proposal.is_executed());
    test_scenario::return_shared(clock);
    test_scenario::return_shared(proposal);
    test_scenario::return_shared(governance);
    scenario.end();
}

#[test, expected_failure(abort_code = walrus::governance::EWrongProposalKind)]
fun execute_upgrade_of_a_text_proposal_aborts() {
    let mut scenario = setup();
    let id = propose_as(&mut scenario, OP3, 2, 0, 0, MIN_DEPOSIT);
    vote_as(&mut scenario, OP3, id, YES);
    vote_as(&mut scenario, OP2, id, YES);
    test_utils::advance_clock(&mut scenario, VOTING_MS + DELAY_MS);
    scenario.next_tx(USER);
    let mut governance = scenario.take_shared<Governance>();
    let mut proposal = scenario.take_shared_by_id<Proposal>(id);
    let clock = scenario.take_shared<Clock>();
    let ticket = governance.execute_upgrade(&mut proposal, &clock);
    let receipt = package::test_upgrade(ticket);
    governance.commit_upgrade(receipt);
    abort 999
}

#[test, expected_failure(abort_code = walrus::governance::ENotApproved)]
fun execute_upgrade_rejected_by_the_vote_aborts() {
    let mut scenario = setup();
    let id = propose_as(&mut scenario, OP3, 1, 0, 0, MIN_DEPOSIT);
    vote_as(&mut scenario, OP3, id, NO);
    vote_as(&mut scenario, OP2, id, YES);
    test_utils::advance_clock(&mut scenario, VOTING_MS + DELAY_MS);
    scenario.next_tx(USER);
    let mut governance = scenario.take_shared<Governance>();
    let mut proposal = scenario.take_shared_by_id<Proposal>(id);
    let clock = scenario.take_shared<Clock>();
    let ticket = governance.execute_upgrade(&mut proposal, &clock);
    let receipt = package::test_upgrade(ticket);
    governance.commit_upgrade(receipt);
    abort 999
}

// === Deposits ===

#[test]
fun deposit_goes_back_when_the_quorum_was_reached() {
    let mut scenario = setup();
    let id = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    // Quorum, but rejected: the deposit still goes back.
    vote_as(&mut scenario, OP3, id, NO);
    vote_as(&mut scenario, OP2, id, YES);
    test_utils::advance_clock(&mut scenario, VOTING_MS);
    settle(&mut scenario, id);
    let coin = scenario.take_from_address<Coin<WAL>>(OP3);
    assert_eq!(coin.value(), MIN_DEPOSIT);
    test_scenario::return_to_address(OP3, coin);
    let proposal = scenario.take_shared_by_id<Proposal>(id);
    assert!(proposal.is_deposit_settled());
    assert_eq!(proposal.deposit_value(), 0);
    test_scenario::return_shared(proposal);
    scenario.end();
}

#[test]
fun deposit_is_burned_without_quorum() {
    let mut scenario = setup();
    let id = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    vote_as(&mut scenario, OP3, id, YES);
    test_utils::advance_clock(&mut scenario, VOTING_MS);
    scenario.next_tx(USER);
    let mut proposal = scenario.take_shared_by_id<Proposal>(id);
    let mut staking = scenario.take_shared<Staking>();
    let clock = scenario.take_shared<Clock>();
    governance::settle_deposit(&mut proposal, &mut staking, &clock, scenario.ctx());
    assert_eq!(
        event::events_by_type<events::DepositBurned>(),
        vector[events::deposit_burned(id, MIN_DEPOSIT)],
    );
    assert_eq!(staking.burn_pending_value(), MIN_DEPOSIT);
    test_scenario::return_shared(clock);
    test_scenario::return_shared(staking);
    test_scenario::return_shared(proposal);
    scenario.next_tx(USER);
    assert!(!test_scenario::has_most_recent_for_address<Coin<WAL>>(OP3));
    scenario.end();
}

#[test]
fun deposit_returned_event_names_the_proposer() {
    let mut scenario = setup();
    let id = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    vote_as(&mut scenario, OP3, id, ABSTAIN);
    vote_as(&mut scenario, OP2, id, ABSTAIN);
    test_utils::advance_clock(&mut scenario, VOTING_MS);
    scenario.next_tx(USER);
    let mut proposal = scenario.take_shared_by_id<Proposal>(id);
    let mut staking = scenario.take_shared<Staking>();
    let clock = scenario.take_shared<Clock>();
    governance::settle_deposit(&mut proposal, &mut staking, &clock, scenario.ctx());
    assert_eq!(
        event::events_by_type<events::DepositReturned>(),
        vector[events::deposit_returned(id, OP3, MIN_DEPOSIT)],
    );
    test_scenario::return_shared(clock);
    test_scenario::return_shared(staking);
    test_scenario::return_shared(proposal);
    scenario.end();
}

#[test, expected_failure(abort_code = walrus::governance::EVotingOpen)]
fun settle_while_voting_aborts() {
    let mut scenario = setup();
    let id = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    settle(&mut scenario, id);
    abort 999
}

#[test, expected_failure(abort_code = walrus::governance::EDepositSettled)]
fun settle_twice_aborts() {
    let mut scenario = setup();
    let id = propose(&mut scenario, EPOCH_DURATION_PARAM, 60_000);
    test_utils::advance_clock(&mut scenario, VOTING_MS);
    settle(&mut scenario, id);
    settle(&mut scenario, id);
    abort 999
}

// === Setters (reached only through approved proposals, which check the same ranges) ===

#[test, expected_failure(abort_code = walrus::staking_inner::EInvalidParameters)]
fun set_epoch_duration_to_zero_aborts() {
    let scenario = setup();
    let mut staking = scenario.take_shared<Staking>();
    staking.set_epoch_duration_ms(0);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking_inner::EInvalidParameters)]
fun set_max_committee_size_to_zero_aborts() {
    let scenario = setup();
    let mut staking = scenario.take_shared<Staking>();
    staking.set_max_committee_size(0);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking_inner::EInvalidParameters)]
fun set_burn_share_above_100_percent_aborts() {
    let scenario = setup();
    let mut staking = scenario.take_shared<Staking>();
    staking.set_burn_bps(10_001);
    abort 999
}

#[test, expected_failure(abort_code = walrus::staking_inner::EInvalidParameters)]
fun set_min_stake_below_one_wal_aborts() {
    let scenario = setup();
    let mut staking = scenario.take_shared<Staking>();
    staking.set_min_stake_frost(FROST_PER_WAL - 1);
    abort 999
}

#[test, expected_failure(abort_code = walrus::system_state_inner::EInvalidMaxEpochsAhead)]
fun set_max_epochs_ahead_above_the_limit_aborts() {
    let scenario = setup();
    let mut system = scenario.take_shared<System>();
    system.set_max_epochs_ahead(1001);
    abort 999
}
