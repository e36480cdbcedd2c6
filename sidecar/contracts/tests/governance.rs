//! Governance on the twin: the scenarios of `move/walrus/tests/governance_tests.move` (and the
//! vote lock of `staked_wal` and the growth of `storage_accounting`), with the same numbers and
//! abort codes.

mod common;

use common::*;
use walrus_contracts::{
    Clock, MoveResult, ObjectId,
    events::{
        DepositBurned, DepositReturned, Event, GovernanceEvent, ProposalCreated, ProposalExecuted, UpgradeCommitted,
        VoteCast,
    },
    framework::Balance,
    governance::{self, Governance, Parameter, Proposal},
    objects::Object,
    package::{self, UpgradeCap},
    staked_wal::{self, StakedWal},
    staking::{self, Staking},
    staking_inner,
    storage_accounting::FutureAccounting,
    system::System,
    system_state_inner,
};

const FROST_PER_WAL: u64 = 1_000_000_000;
const EPOCH_DURATION_MS: u64 = 3_600_000;
const TOTAL_STAKE: u64 = 10_000 * FROST_PER_WAL;
const MIN_DEPOSIT: u64 = 10 * FROST_PER_WAL;
const VOTING_MS: u64 = 1_000;
const DELAY_MS: u64 = 500;
const QUORUM_BPS: u16 = 5_000;
const THRESHOLD_BPS: u16 = 5_000;
const YES: u8 = 0;
const NO: u8 = 1;
const ABSTAIN: u8 = 2;

fn addr(last: u8) -> ObjectId {
    let mut id = [0u8; 32];
    id[31] = last;
    ObjectId(id)
}

fn digest() -> Vec<u8> {
    vec![1; 32]
}

/// Operator i of the genesis pools holds (i + 1) * 1000 WAL of active stake.
fn operator(i: u8) -> ObjectId {
    addr(0xA0 + i)
}

/// The staking world of `tests/staking.rs` plus governance.
struct World {
    system: System,
    staking: Staking,
    governance: Governance,
    proposals: Vec<Proposal>,
    clock: Clock,
    /// Each operator's genesis `StakedWal`, by operator index.
    staked: Vec<StakedWal>,
}

impl World {
    fn new(voting_ms: u64) -> Self {
        let (mut system, cap) = setup();
        let mut ctx = tx(ADMIN);
        let mut stake = mint_wal(10_000 * FROST_PER_WAL, &mut ctx);
        let clock = Clock::at(0);
        let operators: Vec<ObjectId> = (0..4).map(operator).collect();
        let amounts = (1..=4).map(|i| i * 1_000 * FROST_PER_WAL).collect();
        staking::create(
            cap,
            &mut system,
            operators.clone(),
            &mut stake,
            amounts,
            EPOCH_DURATION_MS,
            10,
            10,
            0,
            &clock,
            &mut ctx,
        )
        .unwrap();
        let Object::Staking(staking) = ctx.shared()[0].clone() else { panic!("create shares the Staking") };
        let staked = operators
            .iter()
            .map(|op| {
                ctx.transferred()
                    .iter()
                    .find_map(|(to, o)| match o {
                        Object::StakedWal(s) if to == op => Some(s.clone()),
                        _ => None,
                    })
                    .unwrap()
            })
            .collect();
        let governance = create_governance(voting_ms, THRESHOLD_BPS).unwrap();
        Self { system, staking, governance, proposals: Vec::new(), clock, staked }
    }

    fn advance_clock(&mut self, ms: u64) {
        self.clock.timestamp_ms += ms;
    }

    /// Operator `i` proposes; `kind` 0 parameter change, 1 upgrade, 2 text. Returns the
    /// proposal's index in `proposals` and the events.
    fn propose_as(&mut self, i: u8, kind: u8, parameter: u8, value: u64, deposit: u64) -> MoveResult<usize> {
        let mut ctx = tx(operator(i));
        let coin = mint_wal(deposit, &mut ctx);
        let staked = &self.staked[usize::from(i)];
        let description = "why".to_string();
        let id = match kind {
            0 => self.governance.propose_parameter_change(
                &self.staking,
                staked,
                parameter,
                value,
                description,
                coin,
                &self.clock,
                &mut ctx,
            )?,
            1 => self.governance.propose_upgrade(
                &self.staking,
                staked,
                digest(),
                description,
                coin,
                &self.clock,
                &mut ctx,
            )?,
            _ => self.governance.propose_text(&self.staking, staked, description, coin, &self.clock, &mut ctx)?,
        };
        let Object::Proposal(proposal) = ctx.shared()[0].clone() else { panic!("propose shares the Proposal") };
        assert_eq!(proposal.id, id);
        self.proposals.push(proposal);
        Ok(self.proposals.len() - 1)
    }

    fn propose(&mut self, parameter: Parameter, value: u64) -> usize {
        self.propose_as(3, 0, parameter.id(), value, MIN_DEPOSIT).unwrap()
    }

    fn vote(&mut self, i: u8, proposal: usize, choice: u8) -> MoveResult<Vec<Event>> {
        let mut ctx = tx(operator(i));
        governance::vote(
            &mut self.proposals[proposal],
            &self.staking,
            &mut self.staked[usize::from(i)],
            choice,
            &self.clock,
            &mut ctx,
        )?;
        Ok(ctx.events().to_vec())
    }

    fn execute(&mut self, proposal: usize) -> MoveResult<Vec<Event>> {
        let mut ctx = tx(USER);
        self.governance.execute(
            &mut self.proposals[proposal],
            &mut self.staking,
            &mut self.system,
            &self.clock,
            &mut ctx,
        )?;
        Ok(ctx.events().to_vec())
    }

    fn settle(&mut self, proposal: usize) -> MoveResult<walrus_contracts::framework::Effects> {
        let mut ctx = tx(USER);
        governance::settle_deposit(&mut self.proposals[proposal], &mut self.staking, &self.clock, &mut ctx)?;
        Ok(ctx.into_effects())
    }

    /// Proposes (20 WAL deposit), votes yes with 7000 of 10_000 WAL, waits, executes.
    fn pass(&mut self, parameter: Parameter, value: u64) -> usize {
        let p = self.propose_as(3, 0, parameter.id(), value, 2 * MIN_DEPOSIT).unwrap();
        self.vote(3, p, YES).unwrap();
        self.vote(2, p, YES).unwrap();
        self.advance_clock(VOTING_MS + DELAY_MS);
        self.execute(p).unwrap();
        p
    }
}

fn create_governance(voting_ms: u64, threshold_bps: u16) -> MoveResult<Governance> {
    let mut ctx = tx(ADMIN);
    governance::init(&mut ctx);
    let Object::GovernanceInitCap(init_cap) = ctx.transferred()[0].1.clone() else { panic!("init sends the cap") };
    assert_eq!(ctx.transferred()[0].0, ADMIN);
    let mut ctx = tx(ADMIN);
    let upgrade_cap = UpgradeCap::publish(addr(0x5A), &mut ctx);
    governance::create(init_cap, upgrade_cap, MIN_DEPOSIT, voting_ms, DELAY_MS, QUORUM_BPS, threshold_bps, &mut ctx)?;
    let Object::Governance(governance) = ctx.shared()[0].clone() else { panic!("create shares the Governance") };
    Ok(governance)
}

fn governance_events(events: &[Event]) -> Vec<GovernanceEvent> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Governance(e) => Some(e.clone()),
            _ => None,
        })
        .collect()
}

// === create ===

#[test]
fn create_shares_governance_with_the_upgrade_cap() {
    let world = World::new(VOTING_MS);
    let g = &world.governance;
    assert_eq!(
        (
            g.version,
            g.min_deposit_frost,
            g.voting_duration_ms,
            g.execution_delay_ms,
            g.quorum_bps,
            g.approval_threshold_bps
        ),
        (1, MIN_DEPOSIT, VOTING_MS, DELAY_MS, QUORUM_BPS, THRESHOLD_BPS)
    );
    assert_eq!(g.n_proposals(), 0);
    assert_eq!((g.upgrade_cap.package, g.upgrade_cap.version), (addr(0x5A), 1));
    assert_eq!(Parameter::ALL.len(), 11);
}

#[test]
fn create_with_a_threshold_of_100_percent_aborts() {
    assert_aborts!(create_governance(VOTING_MS, 10_000), governance::E_INVALID_PARAMETERS);
}

#[test]
fn parameter_ranges() {
    let valid = |p: Parameter, v: u64| governance::is_valid_parameter_value(p.id(), v);
    assert!(valid(Parameter::EpochDurationMs, 1) && !valid(Parameter::EpochDurationMs, 0));
    assert!(valid(Parameter::MaxEpochsAhead, 1000) && !valid(Parameter::MaxEpochsAhead, 1001));
    assert!(!valid(Parameter::MaxEpochsAhead, 0));
    assert!(valid(Parameter::BurnBps, 10_000) && !valid(Parameter::BurnBps, 10_001));
    assert!(valid(Parameter::MaxCommitteeSize, 65_535) && !valid(Parameter::MaxCommitteeSize, 65_536));
    assert!(!valid(Parameter::MaxCommitteeSize, 0));
    assert!(valid(Parameter::MinStakeFrost, FROST_PER_WAL) && !valid(Parameter::MinStakeFrost, FROST_PER_WAL - 1));
    assert!(!valid(Parameter::MinDepositFrost, 0));
    assert!(valid(Parameter::VotingDurationMs, 31_536_000_000) && !valid(Parameter::VotingDurationMs, 31_536_000_001));
    assert!(!valid(Parameter::VotingDurationMs, 0));
    assert!(valid(Parameter::ExecutionDelayMs, 0) && !valid(Parameter::ExecutionDelayMs, 31_536_000_001));
    assert!(valid(Parameter::QuorumBps, 10_000) && !valid(Parameter::QuorumBps, 10_001));
    assert!(valid(Parameter::ApprovalThresholdBps, 9_999) && !valid(Parameter::ApprovalThresholdBps, 10_000));
    assert!(valid(Parameter::ChallengeSamplesPerNode, 0) && valid(Parameter::ChallengeSamplesPerNode, 64));
    assert!(!valid(Parameter::ChallengeSamplesPerNode, 65));
    assert!(!governance::is_valid_parameter_value(11, 1));
    for p in Parameter::ALL {
        assert_eq!(Parameter::from_name(p.name()), Some(p));
        assert_eq!(Parameter::from_id(p.id()), Some(p));
    }
}

// === Proposals ===

#[test]
fn propose_parameter_change_records_the_proposal() {
    let mut world = World::new(VOTING_MS);
    world.advance_clock(100);
    let mut ctx = tx(operator(3));
    let coin = mint_wal(MIN_DEPOSIT + 1, &mut ctx);
    let id = world
        .governance
        .propose_parameter_change(
            &world.staking,
            &world.staked[3],
            Parameter::EpochDurationMs.id(),
            60_000,
            "shorter epochs".into(),
            coin,
            &world.clock,
            &mut ctx,
        )
        .unwrap();
    assert_eq!(
        governance_events(ctx.events()),
        vec![GovernanceEvent::ProposalCreated(ProposalCreated {
            proposal_id: id,
            number: 0,
            proposer: operator(3),
            kind: 0,
            parameter: 0,
            value: 60_000,
            digest: vec![],
            description: "shorter epochs".into(),
            deposit: MIN_DEPOSIT + 1,
            voting_end_ms: 1_100,
            executable_from_ms: 1_600,
            total_stake: TOTAL_STAKE,
            quorum_bps: QUORUM_BPS,
            approval_threshold_bps: THRESHOLD_BPS,
        })]
    );
    assert_eq!((world.governance.n_proposals(), world.governance.proposal_id(0).unwrap()), (1, id));
    let Object::Proposal(p) = ctx.shared()[0].clone() else { panic!() };
    assert_eq!((p.number, p.proposer, p.kind(), p.description.as_str()), (0, operator(3), 0, "shorter epochs"));
    assert_eq!(
        (p.deposit_frost, p.deposit.value, p.created_epoch, p.created_ms),
        (MIN_DEPOSIT + 1, MIN_DEPOSIT + 1, 1, 100)
    );
    assert_eq!((p.voting_end_ms, p.executable_from_ms, p.total_stake), (1_100, 1_600, TOTAL_STAKE));
    assert_eq!((p.yes_stake, p.no_stake, p.abstain_stake, p.votes.size), (0, 0, 0, 0));
    assert!(!p.executed && !p.deposit_settled && !p.reached_quorum() && !p.is_approved());
    // BCS: the action is variant 0 with its u8 and u64 right after id, number and proposer.
    let bytes = Object::Proposal(p).bcs();
    assert_eq!(&bytes[72..82], &[0, 0, 0x60, 0xEA, 0, 0, 0, 0, 0, 0]);
}

#[test]
fn propose_upgrade_and_text_record_their_kind() {
    let mut world = World::new(VOTING_MS);
    let upgrade = world.propose_as(3, 1, 0, 0, MIN_DEPOSIT).unwrap();
    let text = world.propose_as(2, 2, 0, 0, MIN_DEPOSIT).unwrap();
    assert_eq!(world.proposals[upgrade].action.parts(), (1, 0, 0, digest()));
    assert_eq!(world.proposals[text].action.parts(), (2, 0, 0, vec![]));
    assert_eq!((world.proposals[text].number, world.proposals[text].proposer), (1, operator(2)));
    assert_eq!(
        (world.governance.n_proposals(), world.governance.proposal_id(1).unwrap()),
        (2, world.proposals[text].id)
    );
    assert_aborts!(world.governance.proposal_id(2), walrus_contracts::framework::DYNAMIC_FIELD_E_FIELD_DOES_NOT_EXIST);
}

#[test]
fn proposals_check_their_arguments() {
    let mut world = World::new(VOTING_MS);
    assert_aborts!(world.propose_as(3, 0, 11, 1, MIN_DEPOSIT), governance::E_UNKNOWN_PARAMETER);
    assert_aborts!(
        world.propose_as(3, 0, Parameter::BurnBps.id(), 10_001, MIN_DEPOSIT),
        governance::E_INVALID_PARAMETER_VALUE
    );
    assert_aborts!(world.propose_as(3, 2, 0, 0, MIN_DEPOSIT - 1), governance::E_DEPOSIT_TOO_SMALL);
    let mut ctx = tx(operator(3));
    let coin = mint_wal(MIN_DEPOSIT, &mut ctx);
    assert_aborts!(
        world.governance.propose_upgrade(
            &world.staking,
            &world.staked[3],
            vec![1, 2],
            String::new(),
            coin.clone(),
            &world.clock,
            &mut ctx
        ),
        governance::E_INVALID_DIGEST
    );
    assert_aborts!(
        world.governance.propose_text(
            &world.staking,
            &world.staked[3],
            "a".repeat(4097),
            coin.clone(),
            &world.clock,
            &mut ctx
        ),
        governance::E_DESCRIPTION_TOO_LONG
    );
    // Stake that activates in epoch 2 cannot propose in epoch 1.
    let fresh = world.staking.stake_with_pool(mint_wal(5 * FROST_PER_WAL, &mut ctx), node_ids()[0], &mut ctx).unwrap();
    assert_aborts!(
        world.governance.propose_text(&world.staking, &fresh, "x".into(), coin.clone(), &world.clock, &mut ctx),
        governance::E_NO_VOTING_POWER
    );
    world.governance.version = 2;
    assert_aborts!(world.propose_as(3, 2, 0, 0, MIN_DEPOSIT), governance::E_WRONG_VERSION);
}

// === Votes ===

#[test]
fn votes_add_up_and_a_second_vote_replaces_the_first() {
    let mut world = World::new(VOTING_MS);
    let p = world.propose(Parameter::EpochDurationMs, 60_000);
    world.vote(3, p, YES).unwrap();
    world.vote(1, p, NO).unwrap();
    let id = world.proposals[p].id;
    let staked_id = world.staked[0].id;
    assert_eq!(
        governance_events(&world.vote(0, p, ABSTAIN).unwrap()),
        vec![GovernanceEvent::VoteCast(VoteCast {
            proposal_id: id,
            staked_wal_id: staked_id,
            voter: operator(0),
            choice: ABSTAIN,
            weight: 1_000 * FROST_PER_WAL,
            previous_choice: None,
            previous_weight: 0,
            yes_stake: 4_000 * FROST_PER_WAL,
            no_stake: 2_000 * FROST_PER_WAL,
            abstain_stake: 1_000 * FROST_PER_WAL,
        })]
    );
    assert_eq!(
        governance_events(&world.vote(0, p, YES).unwrap()),
        vec![GovernanceEvent::VoteCast(VoteCast {
            proposal_id: id,
            staked_wal_id: staked_id,
            voter: operator(0),
            choice: YES,
            weight: 1_000 * FROST_PER_WAL,
            previous_choice: Some(ABSTAIN),
            previous_weight: 1_000 * FROST_PER_WAL,
            yes_stake: 5_000 * FROST_PER_WAL,
            no_stake: 2_000 * FROST_PER_WAL,
            abstain_stake: 0,
        })]
    );
    assert_eq!(world.staked[0].vote_locked_until_ms, Some(VOTING_MS));
    let proposal = &world.proposals[p];
    assert_eq!(
        (proposal.yes_stake, proposal.no_stake, proposal.abstain_stake),
        (5_000 * FROST_PER_WAL, 2_000 * FROST_PER_WAL, 0)
    );
    assert_eq!(proposal.votes.size, 3);
    let record = proposal.vote_of(&staked_id).unwrap();
    assert_eq!((record.choice, record.weight), (YES, 1_000 * FROST_PER_WAL));
    assert!(proposal.vote_of(&addr(1)).is_none());
    assert!(proposal.reached_quorum() && proposal.is_approved());
}

#[test]
fn votes_check_their_arguments() {
    let mut world = World::new(VOTING_MS);
    let p = world.propose(Parameter::EpochDurationMs, 60_000);
    assert_aborts!(world.vote(3, p, 3), governance::E_INVALID_VOTE);
    let mut ctx = tx(operator(1));
    world.staking.request_withdraw_stake(&mut world.staked[1], &mut ctx).unwrap();
    assert_aborts!(world.vote(1, p, YES), governance::E_NO_VOTING_POWER);
    world.advance_clock(VOTING_MS);
    assert_aborts!(world.vote(3, p, YES), governance::E_VOTING_CLOSED);
}

#[test]
fn voting_power_is_the_active_principal() {
    let world = World::new(VOTING_MS);
    assert_eq!(governance::voting_power(&world.staking, &world.staked[2]).unwrap(), 3_000 * FROST_PER_WAL);
    assert_eq!(world.staking.total_active_stake().unwrap(), TOTAL_STAKE);
}

// === The vote lock: the same WAL cannot vote twice ===

#[test]
fn a_voted_object_cannot_be_split_joined_away_or_withdrawn() {
    let mut world = World::new(2 * EPOCH_DURATION_MS);
    let p = world.propose(Parameter::EpochDurationMs, 60_000);
    let mut ctx = tx(operator(3));
    // A second object of the same pool and activation epoch, split off before voting.
    let mut other = world.staked[3].split(1_000 * FROST_PER_WAL, &mut ctx).unwrap();
    world.vote(3, p, YES).unwrap();
    // The attack: split half off and vote with it.
    assert_aborts!(world.staked[3].split(1_000 * FROST_PER_WAL, &mut ctx), staked_wal::E_LOCKED_BY_VOTE);
    // Or join the voted object into one that has not voted.
    assert_aborts!(other.join(world.staked[3].clone()), staked_wal::E_LOCKED_BY_VOTE);
    // Or withdraw it once its withdraw epoch began while the vote is still open.
    world.staking.request_withdraw_stake(&mut world.staked[3], &mut ctx).unwrap();
    world.advance_clock(EPOCH_DURATION_MS / 2);
    world.staking.voting_end(&world.clock, &mut ctx).unwrap();
    world.advance_clock(EPOCH_DURATION_MS - EPOCH_DURATION_MS / 2);
    world.staking.initiate_epoch_change(&mut world.system, &world.clock, &mut ctx).unwrap();
    assert_aborts!(world.staking.withdraw_stake(world.staked[3].clone(), &mut ctx), staked_wal::E_LOCKED_BY_VOTE);
    // The tally counted the voted WAL once.
    assert_eq!(world.proposals[p].yes_stake, 3_000 * FROST_PER_WAL);
}

#[test]
fn joining_unvoted_stake_into_a_voted_object_weighs_it_on_a_changed_vote() {
    let mut world = World::new(VOTING_MS);
    let p = world.propose(Parameter::EpochDurationMs, 60_000);
    let other = world.staked[3].split(1_000 * FROST_PER_WAL, &mut tx(operator(3))).unwrap();
    world.vote(3, p, NO).unwrap();
    world.staked[3].join(other).unwrap();
    world.vote(3, p, YES).unwrap();
    let proposal = &world.proposals[p];
    assert_eq!((proposal.yes_stake, proposal.no_stake, proposal.votes.size), (4_000 * FROST_PER_WAL, 0, 1));
}

#[test]
fn release_vote_lock_after_the_voting_frees_the_object() {
    let mut world = World::new(VOTING_MS);
    let first = world.propose(Parameter::EpochDurationMs, 60_000);
    world.advance_clock(300);
    let second = world.propose_as(2, 2, 0, 0, MIN_DEPOSIT).unwrap();
    world.vote(3, first, YES).unwrap();
    world.vote(3, second, YES).unwrap();
    world.advance_clock(VOTING_MS - 1);
    assert_aborts!(governance::release_vote_lock(&mut world.staked[3], &world.clock), governance::E_VOTE_LOCK_ACTIVE);
    world.advance_clock(1);
    assert_eq!(world.staked[3].vote_locked_until_ms, Some(1_300));
    governance::release_vote_lock(&mut world.staked[3], &world.clock).unwrap();
    assert!(!world.staked[3].is_vote_locked());
    governance::release_vote_lock(&mut world.staked[3], &world.clock).unwrap();
    let half = world.staked[3].split(2_000 * FROST_PER_WAL, &mut tx(operator(3))).unwrap();
    assert_eq!(half.value(), 2_000 * FROST_PER_WAL);
}

// === Execution ===

#[test]
fn executed_staking_parameters_change_staking() {
    let mut world = World::new(VOTING_MS);
    let p = world.propose(Parameter::EpochDurationMs, 60_000);
    world.vote(3, p, YES).unwrap();
    world.vote(2, p, YES).unwrap();
    world.advance_clock(VOTING_MS + DELAY_MS);
    let events = world.execute(p).unwrap();
    assert_eq!(
        governance_events(&events),
        vec![GovernanceEvent::ProposalExecuted(ProposalExecuted {
            proposal_id: world.proposals[p].id,
            kind: 0,
            parameter: 0,
            value: 60_000,
            digest: vec![],
            timestamp_ms: 1_500,
        })]
    );
    assert!(world.proposals[p].executed);
    world.pass(Parameter::BurnBps, 2_500);
    world.pass(Parameter::MaxCommitteeSize, 3);
    world.pass(Parameter::MinStakeFrost, 2 * FROST_PER_WAL);
    world.pass(Parameter::ChallengeSamplesPerNode, 0);
    let inner = world.staking.inner().unwrap();
    assert_eq!(
        (inner.epoch_duration_ms, inner.burn_bps, inner.max_committee_size, inner.min_stake_frost),
        (60_000, 2_500, 3, 2 * FROST_PER_WAL)
    );
    assert_eq!(world.staking.challenge_samples_per_node().unwrap(), 0);
    let mut ctx = tx(USER);
    let coin = mint_wal(2 * FROST_PER_WAL - 1, &mut ctx);
    assert_aborts!(world.staking.stake_with_pool(coin, node_ids()[0], &mut ctx), staking_inner::E_STAKE_TOO_SMALL);
}

#[test]
fn executed_max_epochs_ahead_grows_the_accounts_and_a_lower_one_limits_purchases() {
    let mut world = World::new(VOTING_MS);
    world.pass(Parameter::MaxEpochsAhead, 8);
    let state = world.system.inner().unwrap();
    assert_eq!((state.max_epochs_ahead, state.future_accounting.length()), (8, 8));
    assert_eq!(state.future_accounting.account(7).unwrap().epoch, 8);
    world.pass(Parameter::MaxEpochsAhead, 2);
    let state = world.system.inner().unwrap();
    assert_eq!((state.max_epochs_ahead, state.future_accounting.length()), (2, 8));
    let mut ctx = tx(USER);
    let mut payment = mint_wal(1_000_000, &mut ctx);
    assert_aborts!(
        world.system.reserve_space(1_000, 3, &mut payment, &mut ctx),
        system_state_inner::E_INVALID_EPOCHS_AHEAD
    );
}

#[test]
fn executed_governance_parameters_apply_to_new_proposals() {
    let mut world = World::new(VOTING_MS);
    world.pass(Parameter::QuorumBps, 1_000);
    world.pass(Parameter::ApprovalThresholdBps, 6_000);
    world.pass(Parameter::ExecutionDelayMs, 0);
    world.pass(Parameter::MinDepositFrost, 20 * FROST_PER_WAL);
    world.pass(Parameter::VotingDurationMs, 5_000);
    let g = &world.governance;
    assert_eq!(
        (g.min_deposit_frost, g.voting_duration_ms, g.execution_delay_ms, g.quorum_bps, g.approval_threshold_bps),
        (20 * FROST_PER_WAL, 5_000, 0, 1_000, 6_000)
    );
    let p = world.propose_as(3, 2, 0, 0, 20 * FROST_PER_WAL).unwrap();
    let proposal = &world.proposals[p];
    assert_eq!(proposal.voting_end_ms, world.clock.timestamp_ms + 5_000);
    assert_eq!(proposal.executable_from_ms, proposal.voting_end_ms);
    assert_eq!((proposal.quorum_bps, proposal.approval_threshold_bps), (1_000, 6_000));
}

#[test]
fn executed_text_proposal_is_marked_executed() {
    let mut world = World::new(VOTING_MS);
    let p = world.propose_as(3, 2, 0, 0, MIN_DEPOSIT).unwrap();
    world.vote(3, p, YES).unwrap();
    world.vote(0, p, NO).unwrap();
    world.vote(1, p, ABSTAIN).unwrap();
    world.advance_clock(VOTING_MS + DELAY_MS);
    world.execute(p).unwrap();
    assert!(world.proposals[p].executed);
}

#[test]
fn execution_checks_its_conditions_in_order() {
    let mut world = World::new(VOTING_MS);
    // Approved: OP3 and OP2 say yes.
    let approved = world.propose(Parameter::EpochDurationMs, 60_000);
    world.vote(3, approved, YES).unwrap();
    world.vote(2, approved, YES).unwrap();
    // Below the quorum: OP3 alone.
    let no_quorum = world.propose(Parameter::EpochDurationMs, 60_000);
    world.vote(3, no_quorum, YES).unwrap();
    // A tie: 3000 yes against 3000 no.
    let tie = world.propose(Parameter::EpochDurationMs, 60_000);
    world.vote(0, tie, YES).unwrap();
    world.vote(1, tie, YES).unwrap();
    world.vote(2, tie, NO).unwrap();
    let upgrade = world.propose_as(3, 1, 0, 0, MIN_DEPOSIT).unwrap();
    world.vote(3, upgrade, YES).unwrap();
    world.vote(2, upgrade, YES).unwrap();

    assert_aborts!(world.execute(approved), governance::E_VOTING_OPEN);
    world.advance_clock(VOTING_MS + DELAY_MS - 1);
    assert_aborts!(world.execute(approved), governance::E_EXECUTION_TOO_EARLY);
    world.advance_clock(1);
    assert_aborts!(world.execute(no_quorum), governance::E_NOT_APPROVED);
    assert_aborts!(world.execute(tie), governance::E_NOT_APPROVED);
    assert_aborts!(world.execute(upgrade), governance::E_WRONG_PROPOSAL_KIND);
    let mut ctx = tx(USER);
    assert_aborts!(
        world.governance.execute_upgrade(&mut world.proposals[approved], &world.clock, &mut ctx),
        governance::E_WRONG_PROPOSAL_KIND
    );
    world.governance.version = 2;
    assert_aborts!(world.execute(approved), governance::E_WRONG_VERSION);
    world.governance.version = 1;
    world.execute(approved).unwrap();
    assert_aborts!(world.execute(approved), governance::E_ALREADY_EXECUTED);
}

// === Upgrades ===

#[test]
fn an_approved_upgrade_yields_its_ticket_and_commits() {
    let mut world = World::new(VOTING_MS);
    let p = world.propose_as(3, 1, 0, 0, MIN_DEPOSIT).unwrap();
    world.vote(3, p, YES).unwrap();
    world.vote(2, p, YES).unwrap();
    world.advance_clock(VOTING_MS + DELAY_MS);
    let mut ctx = tx(USER);
    let ticket = world.governance.execute_upgrade(&mut world.proposals[p], &world.clock, &mut ctx).unwrap();
    assert_eq!((ticket.digest.clone(), ticket.package, ticket.policy), (digest(), addr(0x5A), package::COMPATIBLE));
    let receipt = package::test_upgrade(ticket);
    let new_package = receipt.package;
    world.governance.commit_upgrade(receipt, &mut ctx).unwrap();
    assert_eq!(
        governance_events(ctx.events()),
        vec![
            GovernanceEvent::ProposalExecuted(ProposalExecuted {
                proposal_id: world.proposals[p].id,
                kind: 1,
                parameter: 0,
                value: 0,
                digest: digest(),
                timestamp_ms: 1_500,
            }),
            GovernanceEvent::UpgradeCommitted(UpgradeCommitted { package_id: new_package, version: 2 }),
        ]
    );
    assert_eq!((world.governance.upgrade_cap.package, world.governance.upgrade_cap.version), (new_package, 2));
    assert!(world.proposals[p].executed);
    assert_aborts!(
        world.governance.execute_upgrade(&mut world.proposals[p], &world.clock, &mut ctx),
        governance::E_ALREADY_EXECUTED
    );
}

#[test]
fn execute_upgrade_rejected_by_the_vote_aborts() {
    let mut world = World::new(VOTING_MS);
    let p = world.propose_as(3, 1, 0, 0, MIN_DEPOSIT).unwrap();
    world.vote(3, p, NO).unwrap();
    world.vote(2, p, YES).unwrap();
    world.advance_clock(VOTING_MS + DELAY_MS);
    assert_aborts!(
        world.governance.execute_upgrade(&mut world.proposals[p], &world.clock, &mut tx(USER)),
        governance::E_NOT_APPROVED
    );
}

// === Deposits ===

#[test]
fn deposit_goes_back_when_the_quorum_was_reached() {
    let mut world = World::new(VOTING_MS);
    let p = world.propose(Parameter::EpochDurationMs, 60_000);
    world.vote(3, p, NO).unwrap();
    world.vote(2, p, YES).unwrap();
    assert_aborts!(world.settle(p), governance::E_VOTING_OPEN);
    world.advance_clock(VOTING_MS);
    let effects = world.settle(p).unwrap();
    let [(to, Object::Coin(coin))] = &effects.transferred[..] else { panic!("{:?}", effects.transferred) };
    assert_eq!((*to, coin.value()), (operator(3), MIN_DEPOSIT));
    assert_eq!(
        governance_events(&effects.events),
        vec![GovernanceEvent::DepositReturned(DepositReturned {
            proposal_id: world.proposals[p].id,
            proposer: operator(3),
            amount: MIN_DEPOSIT,
        })]
    );
    assert!(world.proposals[p].deposit_settled);
    assert_eq!(world.proposals[p].deposit, Balance::default());
    assert_aborts!(world.settle(p), governance::E_DEPOSIT_SETTLED);
}

#[test]
fn deposit_is_burned_without_quorum() {
    let mut world = World::new(VOTING_MS);
    let p = world.propose(Parameter::EpochDurationMs, 60_000);
    world.vote(3, p, YES).unwrap();
    world.advance_clock(VOTING_MS);
    let effects = world.settle(p).unwrap();
    assert!(effects.transferred.is_empty());
    assert_eq!(
        governance_events(&effects.events),
        vec![GovernanceEvent::DepositBurned(DepositBurned { proposal_id: world.proposals[p].id, amount: MIN_DEPOSIT })]
    );
    assert_eq!(world.staking.inner().unwrap().burn_pending.value, MIN_DEPOSIT);
}

// === Setters ===

#[test]
fn setters_check_their_ranges() {
    let mut world = World::new(VOTING_MS);
    assert_aborts!(world.staking.set_epoch_duration_ms(0), staking_inner::E_INVALID_PARAMETERS);
    assert_aborts!(world.staking.set_max_committee_size(0), staking_inner::E_INVALID_PARAMETERS);
    assert_aborts!(world.staking.set_burn_bps(10_001), staking_inner::E_INVALID_PARAMETERS);
    assert_aborts!(world.staking.set_min_stake_frost(FROST_PER_WAL - 1), staking_inner::E_INVALID_PARAMETERS);
    assert_aborts!(world.system.set_max_epochs_ahead(1001), system_state_inner::E_INVALID_MAX_EPOCHS_AHEAD);
    assert_aborts!(world.system.set_max_epochs_ahead(0), system_state_inner::E_INVALID_MAX_EPOCHS_AHEAD);
}

// === storage_accounting_tests.move: grow ===

#[test]
fn grow_keeps_the_accounts_in_epoch_order_and_appends_empty_ones() {
    let mut accounting = FutureAccounting::new(1, 3);
    accounting.account_mut(2).unwrap().funds.join(Balance::new(300));
    accounting.advance();
    accounting.advance();
    accounting.account_mut(1).unwrap().used_capacity += 40;
    accounting.grow(5);
    assert_eq!(accounting.length(), 5);
    for offset in 0..5 {
        assert_eq!(accounting.account(offset).unwrap().epoch, 3 + offset);
    }
    assert_eq!(accounting.account(0).unwrap().funds.value, 300);
    assert_eq!(accounting.account(1).unwrap().used_capacity, 40);
    accounting.grow(2);
    assert_eq!(accounting.length(), 5);
    assert_eq!(accounting.advance().value, 300);
    assert_eq!(accounting.account(4).unwrap().epoch, 8);
}

// === staked_wal: the lock travels with neither split nor BCS ===

#[test]
fn the_vote_lock_is_a_dynamic_field_outside_the_bcs_bytes() {
    let mut staked = StakedWal::mint(addr(1), Balance::new(10 * FROST_PER_WAL), 1, &mut tx(USER));
    let unlocked = bcs::to_bytes(&staked).unwrap();
    staked.lock_for_vote(500);
    staked.lock_for_vote(300);
    assert_eq!(staked.vote_locked_until_ms, Some(500));
    assert_eq!(bcs::to_bytes(&staked).unwrap(), unlocked);
    assert_aborts!(staked.clone().into_balance(), staked_wal::E_LOCKED_BY_VOTE);
    assert_eq!(staked.unlock_vote(), Some(500));
    assert_eq!(staked.into_balance().unwrap().value, 10 * FROST_PER_WAL);
}
