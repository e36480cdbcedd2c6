/// End-to-end governance across the `wal` and `walrus` packages: proposals paid with real WAL,
/// a deposit returned to its proposer, and a deposit that missed its quorum burned from the WAL
/// supply through the `ProtectedTreasury`.
#[test_only]
module walrus_tests::governance_lifecycle_tests;

use std::{string, unit_test::assert_eq};
use sui::{clock::Clock, coin::Coin, package, test_scenario::{Self, Scenario}};
use wal::wal::{Self, WAL, ProtectedTreasury};
use walrus::{
    governance::{Self, Governance, GovernanceInitCap, Proposal},
    staked_wal::StakedWal,
    staking::Staking,
    system::System,
    test_utils
};

const ADMIN: address = @0xAD;
/// Operators of the genesis pools (1000, 2000, 3000 and 4000 WAL of active stake).
const OP0: address = @0xA0;
const OP2: address = @0xA2;
const OP3: address = @0xA3;
const VOTING_MS: u64 = 1_000;
const DELAY_MS: u64 = 500;

/// Publishes WAL, the system, staking and governance (100 WAL deposits, a quorum of half the
/// stake); OP0 and OP3 receive 100 WAL of the real supply each. Ends at a transaction by ADMIN.
fun publish(): Scenario {
    let mut scenario = test_scenario::begin(ADMIN);
    wal::init_for_testing(scenario.ctx());
    scenario.next_tx(ADMIN);
    test_utils::setup_with_staking(&mut scenario);
    governance::init_for_testing(scenario.ctx());
    scenario.next_tx(ADMIN);
    let init_cap = scenario.take_from_sender<GovernanceInitCap>();
    let cap = package::test_publish(object::id_from_address(@0x5A), scenario.ctx());
    let deposit = 100 * wal::frost_per_wal();
    governance::create(init_cap, cap, deposit, VOTING_MS, DELAY_MS, 5_000, 5_000, scenario.ctx());
    let mut supply = scenario.take_from_sender<Coin<WAL>>();
    transfer::public_transfer(supply.split(deposit, scenario.ctx()), OP0);
    transfer::public_transfer(supply.split(deposit, scenario.ctx()), OP3);
    scenario.return_to_sender(supply);
    scenario.next_tx(ADMIN);
    scenario
}

/// `proposer` spends its 100 WAL on a text proposal backed by its genesis stake, then votes yes.
fun propose_and_vote(scenario: &mut Scenario, proposer: address): ID {
    scenario.next_tx(proposer);
    let mut governance = scenario.take_shared<Governance>();
    let staking = scenario.take_shared<Staking>();
    let clock = scenario.take_shared<Clock>();
    let staked = scenario.take_from_sender<StakedWal>();
    let deposit = scenario.take_from_sender<Coin<WAL>>();
    let id = governance.propose_text(
        &staking,
        &staked,
        string::utf8(b"store more"),
        deposit,
        &clock,
        scenario.ctx(),
    );
    scenario.return_to_sender(staked);
    test_scenario::return_shared(clock);
    test_scenario::return_shared(staking);
    test_scenario::return_shared(governance);
    vote_yes(scenario, proposer, id);
    id
}

/// `voter` votes yes on `id` with its genesis stake.
fun vote_yes(scenario: &mut Scenario, voter: address, id: ID) {
    scenario.next_tx(voter);
    let mut proposal = scenario.take_shared_by_id<Proposal>(id);
    let staking = scenario.take_shared<Staking>();
    let clock = scenario.take_shared<Clock>();
    let mut staked = scenario.take_from_sender<StakedWal>();
    governance::vote(&mut proposal, &staking, &mut staked, 0, &clock, scenario.ctx());
    scenario.return_to_sender(staked);
    test_scenario::return_shared(clock);
    test_scenario::return_shared(staking);
    test_scenario::return_shared(proposal);
    scenario.next_tx(voter);
}

fun settle(scenario: &mut Scenario, id: ID) {
    scenario.next_tx(ADMIN);
    let mut proposal = scenario.take_shared_by_id<Proposal>(id);
    let mut staking = scenario.take_shared<Staking>();
    let clock = scenario.take_shared<Clock>();
    governance::settle_deposit(&mut proposal, &mut staking, &clock, scenario.ctx());
    test_scenario::return_shared(clock);
    test_scenario::return_shared(staking);
    test_scenario::return_shared(proposal);
    scenario.next_tx(ADMIN);
}

#[test]
fun deposits_come_back_with_a_quorum_and_burn_without_one() {
    let mut scenario = publish();
    // OP3 (4000 of 10_000 WAL) and OP2 (3000) back the first proposal: quorum, approved.
    let backed = propose_and_vote(&mut scenario, OP3);
    vote_yes(&mut scenario, OP2, backed);
    // OP0 (1000 WAL) alone backs the second: no quorum.
    let lonely = propose_and_vote(&mut scenario, OP0);

    test_utils::advance_clock(&mut scenario, VOTING_MS + DELAY_MS);
    settle(&mut scenario, backed);
    settle(&mut scenario, lonely);
    let returned = scenario.take_from_address<Coin<WAL>>(OP3);
    assert_eq!(returned.value(), 100 * wal::frost_per_wal());
    test_scenario::return_to_address(OP3, returned);
    assert!(!test_scenario::has_most_recent_for_address<Coin<WAL>>(OP0));

    // The executed text proposal changes nothing but its own record.
    let mut governance = scenario.take_shared<Governance>();
    let mut proposal = scenario.take_shared_by_id<Proposal>(backed);
    let mut staking = scenario.take_shared<Staking>();
    let mut system = scenario.take_shared<System>();
    let clock = scenario.take_shared<Clock>();
    governance.execute(&mut proposal, &mut staking, &mut system, &clock);
    assert!(proposal.is_executed());

    // The missed quorum's deposit leaves the WAL supply with the burned rewards.
    let mut treasury = scenario.take_shared<ProtectedTreasury>();
    let supply = treasury.total_supply();
    assert_eq!(staking.burn_pending_value(), 100 * wal::frost_per_wal());
    staking.burn_pending_rewards(&mut treasury, scenario.ctx());
    assert_eq!(treasury.total_supply(), supply - 100 * wal::frost_per_wal());
    assert_eq!(staking.burn_pending_value(), 0);
    test_scenario::return_shared(treasury);
    test_scenario::return_shared(clock);
    test_scenario::return_shared(system);
    test_scenario::return_shared(staking);
    test_scenario::return_shared(proposal);
    test_scenario::return_shared(governance);
    scenario.end();
}
