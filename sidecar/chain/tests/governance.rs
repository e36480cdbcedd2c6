//! Governance on the local chain with real signed transactions: the `Governance` object of
//! genesis, a parameter change proposed, voted with staked WAL and executed after the delay,
//! the vote lock against splitting voted stake, deposits, and the refusal of the `Upgrade`
//! command and of an unconsumed upgrade ticket.

use sui_sdk_types::{
    Address, Argument, Command, ExecutionError, ExecutionStatus, Input, Object, TransactionEffects, TransferObjects,
    Upgrade,
};
use walrus_chain::{
    GenesisConfig, GovernanceGenesis, LocalChain, Rejection,
    execute::objects::load,
    types::{CoinKind, Obj, WALRUS_PACKAGE, to_object_id},
};
use walrus_contracts::{
    governance::{self, Governance, Parameter, Proposal},
    objects::Object as Twin,
    staked_wal::{self, StakedWal},
};

mod support;
use support::*;

const VOTING_MS: u64 = 10_000;
const DELAY_MS: u64 = 5_000;
const DEPOSIT: u64 = 100 * SUI;

/// The vectors' committee, member i operated by `operators[i]` with a genesis stake of
/// (i + 1) * 1000 WAL, and governance with 10 s of voting and 5 s of delay.
fn genesis(admin: &Account, operators: &[Account]) -> GenesisConfig {
    let mut config = staked_genesis(admin, operators);
    config.governance = GovernanceGenesis {
        voting_duration_ms: VOTING_MS,
        execution_delay_ms: DELAY_MS,
        ..GovernanceGenesis::default()
    };
    config
}

fn governance_input(chain: &LocalChain) -> Input {
    let info = chain.info();
    shared_input(info.governance_object, info.governance_initial_shared_version, true)
}

fn governance_object(chain: &LocalChain) -> Governance {
    let Twin::Governance(g) = typed(chain, chain.info().governance_object) else { panic!("not the Governance") };
    g
}

fn proposal(chain: &LocalChain, id: Address) -> Proposal {
    let Twin::Proposal(p) = typed(chain, id) else { panic!("{id} is not a Proposal") };
    p
}

/// `owner`'s `StakedWal` (the genesis stake of its pool).
fn staked_wal(chain: &LocalChain, owner: Address) -> (Object, StakedWal) {
    for object in chain.owned_objects(owner).unwrap() {
        if let Some(Obj::Twin(Twin::StakedWal(staked))) = load(chain.store(), &object).unwrap() {
            return (object, staked);
        }
    }
    panic!("{owner} holds no StakedWal");
}

fn status(effects: &TransactionEffects) -> &ExecutionStatus {
    effects.status()
}

fn abort_of(effects: &TransactionEffects) -> (String, u64) {
    match status(effects) {
        ExecutionStatus::Failure { error: ExecutionError::MoveAbort { location, code }, .. } => {
            (location.module.as_str().to_string(), *code)
        }
        other => panic!("expected a Move abort, got {other:?}"),
    }
}

/// `sender` proposes `max_epochs_ahead = value` with its StakedWal and a 100 WAL deposit; returns
/// the proposal's id.
fn propose(chain: &LocalChain, sender: &Account, value: u64) -> Address {
    let (staked, _) = staked_wal(chain, sender.address);
    let (coins, _) = chain.balance(sender.address, CoinKind::Wal).unwrap();
    let tx = sign(
        chain,
        sender,
        vec![
            governance_input(chain),
            staking_input(chain, false),
            Input::ImmutableOrOwned(reference(&staked)),
            pure(&Parameter::MaxEpochsAhead.id()),
            pure(&value),
            pure(&"more epochs".to_string()),
            Input::ImmutableOrOwned(reference(&coins[0])),
            pure(&DEPOSIT),
            clock_input(false),
        ],
        vec![
            Command::SplitCoins(sui_sdk_types::SplitCoins {
                coin: Argument::Input(6),
                amounts: vec![Argument::Input(7)],
            }),
            call(
                "governance",
                "propose_parameter_change",
                vec![
                    Argument::Input(0),
                    Argument::Input(1),
                    Argument::Input(2),
                    Argument::Input(3),
                    Argument::Input(4),
                    Argument::Input(5),
                    Argument::NestedResult(0, 0),
                    Argument::Input(8),
                ],
            ),
        ],
    );
    let executed = chain.execute(tx).unwrap();
    assert_eq!(status(&executed.effects), &ExecutionStatus::Success);
    let events = executed.events.unwrap().0;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].type_.name().as_str(), "ProposalCreated");
    let created: walrus_contracts::events::ProposalCreated = bcs::from_bytes(&events[0].contents).unwrap();
    Address::new(created.proposal_id.0)
}

fn vote(chain: &LocalChain, voter: &Account, proposal_id: Address, choice: u8) -> walrus_chain::ExecutedTransaction {
    let (staked, _) = staked_wal(chain, voter.address);
    let version = match chain.object(proposal_id).unwrap().unwrap().owner() {
        sui_sdk_types::Owner::Shared(version) => *version,
        other => panic!("the proposal is {other:?}"),
    };
    let tx = sign(
        chain,
        voter,
        vec![
            shared_input(proposal_id, version, true),
            staking_input(chain, false),
            Input::ImmutableOrOwned(reference(&staked)),
            pure(&choice),
            clock_input(false),
        ],
        vec![call(
            "governance",
            "vote",
            vec![Argument::Input(0), Argument::Input(1), Argument::Input(2), Argument::Input(3), Argument::Input(4)],
        )],
    );
    chain.execute(tx).unwrap()
}

fn proposal_input(chain: &LocalChain, proposal_id: Address) -> Input {
    let version = match chain.object(proposal_id).unwrap().unwrap().owner() {
        sui_sdk_types::Owner::Shared(version) => *version,
        other => panic!("the proposal is {other:?}"),
    };
    shared_input(proposal_id, version, true)
}

fn execute(chain: &LocalChain, sender: &Account, proposal_id: Address) -> walrus_chain::ExecutedTransaction {
    let tx = sign(
        chain,
        sender,
        vec![
            governance_input(chain),
            proposal_input(chain, proposal_id),
            staking_input(chain, true),
            system_input(chain, true),
            clock_input(false),
        ],
        vec![
            call(
                "governance",
                "execute",
                vec![
                    Argument::Input(0),
                    Argument::Input(1),
                    Argument::Input(2),
                    Argument::Input(3),
                    Argument::Input(4),
                ],
            ),
            call("governance", "settle_deposit", vec![Argument::Input(1), Argument::Input(2), Argument::Input(4)]),
        ],
    );
    chain.execute(tx).unwrap()
}

#[test]
fn a_parameter_change_is_proposed_voted_and_executed_through_signed_transactions() {
    let dir = tempfile::tempdir().unwrap();
    let admin = account(1);
    let operators: Vec<Account> = (10..14).map(account).collect();
    let chain = LocalChain::open(dir.path(), &genesis(&admin, &operators)).unwrap();
    for operator in &operators {
        let (coins, _) = chain.balance(admin.address, CoinKind::Wal).unwrap();
        let tx = pay_tx(&chain, &admin, &coins[0], 200 * SUI, operator.address);
        assert_eq!(status(&chain.execute(tx).unwrap().effects), &ExecutionStatus::Success);
    }

    // Genesis: the shared Governance holds the walrus package's UpgradeCap.
    let g = governance_object(&chain);
    assert_eq!(
        *chain.object(chain.info().governance_object).unwrap().unwrap().owner(),
        sui_sdk_types::Owner::Shared(1)
    );
    assert_eq!((g.voting_duration_ms, g.execution_delay_ms, g.n_proposals()), (VOTING_MS, DELAY_MS, 0));
    assert_eq!((g.upgrade_cap.package, g.upgrade_cap.version), (to_object_id(WALRUS_PACKAGE), 1));

    // Operator 3 proposes max_epochs_ahead = 8; the proposal is a shared object of its own.
    let proposal_id = propose(&chain, &operators[3], 8);
    assert_eq!(governance_object(&chain).proposal_id(0).unwrap(), to_object_id(proposal_id));
    let p = proposal(&chain, proposal_id);
    assert_eq!((p.number, p.deposit_frost, p.total_stake), (0, DEPOSIT, 10_000 * SUI));

    // Operators 3 and 2 vote yes (7000 of 10_000 WAL), operator 1 no, then changes to abstain.
    for (voter, choice) in [(3, 0u8), (2, 0), (1, 1), (1, 2)] {
        let voted = vote(&chain, &operators[voter], proposal_id, choice);
        assert_eq!(status(&voted.effects), &ExecutionStatus::Success);
    }
    let p = proposal(&chain, proposal_id);
    assert_eq!((p.yes_stake, p.no_stake, p.abstain_stake, p.votes.size), (7_000 * SUI, 0, 2_000 * SUI, 3));
    // The vote lock is a child object of the StakedWal and survives a reload.
    let (staked_object, staked) = staked_wal(&chain, operators[3].address);
    assert!(staked.vote_locked_until_ms.is_some());

    // The double-vote attack: splitting the voted stake is refused while the vote is open.
    let tx = sign(
        &chain,
        &operators[3],
        vec![Input::ImmutableOrOwned(reference(&staked_object)), pure(&(1_000 * SUI)), pure(&operators[0].address)],
        vec![
            call("staked_wal", "split", vec![Argument::Input(0), Argument::Input(1)]),
            Command::TransferObjects(TransferObjects {
                objects: vec![Argument::Result(0)],
                address: Argument::Input(2),
            }),
        ],
    );
    let split = chain.execute(tx).unwrap();
    assert_eq!(abort_of(&split.effects), ("staked_wal".into(), staked_wal::E_LOCKED_BY_VOTE.code));

    // Executing while the vote is open, then before the delay, is refused with the named aborts.
    let early = execute(&chain, &admin, proposal_id);
    assert_eq!(abort_of(&early.effects), ("governance".into(), governance::E_VOTING_OPEN.code));
    chain.advance_clock_for_testing(VOTING_MS);
    let before_delay = execute(&chain, &admin, proposal_id);
    assert_eq!(abort_of(&before_delay.effects), ("governance".into(), governance::E_EXECUTION_TOO_EARLY.code));
    let late_vote = vote(&chain, &operators[0], proposal_id, 0);
    assert_eq!(abort_of(&late_vote.effects), ("governance".into(), governance::E_VOTING_CLOSED.code));

    // After the delay anyone executes: the system sells 8 epochs ahead, the deposit goes back.
    chain.advance_clock_for_testing(DELAY_MS);
    let wal_before = chain.balance(operators[3].address, CoinKind::Wal).unwrap().1;
    let executed = execute(&chain, &admin, proposal_id);
    assert_eq!(status(&executed.effects), &ExecutionStatus::Success);
    let names: Vec<String> = executed.events.unwrap().0.iter().map(|e| e.type_.name().to_string()).collect::<Vec<_>>();
    assert_eq!(names, ["ProposalExecuted", "DepositReturned"]);
    let state = system(&chain).inner.unwrap();
    assert_eq!((state.max_epochs_ahead, state.future_accounting.length()), (8, 8));
    assert_eq!(chain.balance(operators[3].address, CoinKind::Wal).unwrap().1, wal_before + u128::from(DEPOSIT));
    let p = proposal(&chain, proposal_id);
    assert!(p.executed && p.deposit_settled);
    let again = execute(&chain, &admin, proposal_id);
    assert_eq!(abort_of(&again.effects), ("governance".into(), governance::E_ALREADY_EXECUTED.code));

    // Once the voting ended the lock can be released, and the stake splits again.
    let (staked_object, _) = staked_wal(&chain, operators[3].address);
    let tx = sign(
        &chain,
        &operators[3],
        vec![Input::ImmutableOrOwned(reference(&staked_object)), clock_input(false)],
        vec![call("governance", "release_vote_lock", vec![Argument::Input(0), Argument::Input(1)])],
    );
    assert_eq!(status(&chain.execute(tx).unwrap().effects), &ExecutionStatus::Success);
    let (staked_object, staked) = staked_wal(&chain, operators[3].address);
    assert_eq!(staked.vote_locked_until_ms, None);
    let tx = sign(
        &chain,
        &operators[3],
        vec![Input::ImmutableOrOwned(reference(&staked_object)), pure(&(1_000 * SUI)), pure(&operators[3].address)],
        vec![
            call("staked_wal", "split", vec![Argument::Input(0), Argument::Input(1)]),
            Command::TransferObjects(TransferObjects {
                objects: vec![Argument::Result(0)],
                address: Argument::Input(2),
            }),
        ],
    );
    assert_eq!(status(&chain.execute(tx).unwrap().effects), &ExecutionStatus::Success);
}

#[test]
fn upgrades_need_a_move_vm_which_the_local_chain_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let admin = account(1);
    let operators: Vec<Account> = (10..14).map(account).collect();
    let chain = LocalChain::open(dir.path(), &genesis(&admin, &operators)).unwrap();

    // An `Upgrade` command is rejected before execution, saying why.
    let tx = sign(
        &chain,
        &admin,
        vec![governance_input(&chain), clock_input(false)],
        vec![Command::Upgrade(Upgrade {
            modules: vec![vec![0xa1, 0x1c]],
            dependencies: vec![],
            package: WALRUS_PACKAGE,
            ticket: Argument::Input(0),
        })],
    );
    match chain.execute(tx) {
        Err(rejection @ Rejection::UnsupportedCommand { index: 0, command: "Upgrade" }) => {
            assert!(rejection.to_string().contains("no Move VM"), "{rejection}");
        }
        Err(other) => panic!("expected UnsupportedCommand, got {other}"),
        Ok(executed) => panic!("expected a rejection, got {:?}", executed.effects.status()),
    }

    // `execute_upgrade` on a fresh proposal checks as on Sui (the vote is open) ...
    let (staked, _) = staked_wal(&chain, operators[3].address);
    let (coins, _) = chain.balance(admin.address, CoinKind::Wal).unwrap();
    let tx = pay_tx(&chain, &admin, &coins[0], DEPOSIT, operators[3].address);
    assert_eq!(status(&chain.execute(tx).unwrap().effects), &ExecutionStatus::Success);
    let (coins, _) = chain.balance(operators[3].address, CoinKind::Wal).unwrap();
    let tx = sign(
        &chain,
        &operators[3],
        vec![
            governance_input(&chain),
            staking_input(&chain, false),
            Input::ImmutableOrOwned(reference(&staked)),
            pure(&vec![7u8; 32]),
            pure(&"v2".to_string()),
            Input::ImmutableOrOwned(reference(&coins[0])),
            clock_input(false),
        ],
        vec![call("governance", "propose_upgrade", (0..7).map(Argument::Input).collect())],
    );
    let created = chain.execute(tx).unwrap();
    assert_eq!(status(&created.effects), &ExecutionStatus::Success);
    let event = &created.events.unwrap().0[0];
    let created: walrus_contracts::events::ProposalCreated = bcs::from_bytes(&event.contents).unwrap();
    let proposal_id = Address::new(created.proposal_id.0);
    for voter in [3, 2] {
        assert_eq!(status(&vote(&chain, &operators[voter], proposal_id, 0).effects), &ExecutionStatus::Success);
    }
    let upgrade = |chain: &LocalChain| {
        let tx = sign(
            chain,
            &admin,
            vec![governance_input(chain), proposal_input(chain, proposal_id), clock_input(false)],
            vec![call(
                "governance",
                "execute_upgrade",
                vec![Argument::Input(0), Argument::Input(1), Argument::Input(2)],
            )],
        );
        chain.execute(tx).unwrap()
    };
    assert_eq!(abort_of(&upgrade(&chain).effects), ("governance".into(), governance::E_VOTING_OPEN.code));
    // ... and once it may run, the ticket it returns cannot be consumed: the transaction fails
    // and the proposal stays unexecuted.
    chain.advance_clock_for_testing(VOTING_MS + DELAY_MS);
    match status(&upgrade(&chain).effects) {
        ExecutionStatus::Failure {
            error: ExecutionError::UnusedValueWithoutDrop { result: 0, subresult: 0 }, ..
        } => {}
        other => panic!("expected UnusedValueWithoutDrop, got {other:?}"),
    }
    assert!(!proposal(&chain, proposal_id).executed);
    assert_eq!(governance_object(&chain).upgrade_cap.version, 1);
}
