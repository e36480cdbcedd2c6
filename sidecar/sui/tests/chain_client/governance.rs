//! Governance through the client against the local chain: a parameter change proposed, voted
//! with staked WAL and executed after the delay; the vote lock; a proposal without quorum whose
//! deposit is burned; the reads; and the errors that say what to do.

use sui_sdk_types::Address;
use walrus_contracts::{
    events::{Event, GovernanceEvent},
    governance::{self, Parameter},
    staked_wal,
};
use walrus_sui::client::{ProposalKind, ProposalStatus, VoteChoice, WalrusChainClient, governance::proposal_status};

use crate::harness::{GOVERNANCE_DELAY_MS, GOVERNANCE_VOTING_MS, TestChain, WAL, bounded, fund_wal};

/// The genesis governance's minimum deposit (100 WAL).
const DEPOSIT: u64 = 100 * WAL;

async fn staked_wal(client: &WalrusChainClient) -> Address {
    client.owned_staked_wal(client.address()).await.unwrap()[0].id()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parameter_change_is_proposed_voted_and_executed() {
    bounded(async {
        let chain = TestChain::start(&[2]).await;
        let (proposer, supporter, opponent) = (chain.operator(3), chain.operator(2), chain.operator(1));
        fund_wal(&chain, crate::harness::OPERATOR_SEED + 3, 1_000 * WAL).await;
        let anyone = chain.client(2);

        let governance = anyone.get_governance().await.unwrap();
        assert_eq!(governance.id(), chain.info.governance_object);
        assert_eq!(
            (governance.value.voting_duration_ms, governance.value.execution_delay_ms, governance.value.n_proposals()),
            (GOVERNANCE_VOTING_MS, GOVERNANCE_DELAY_MS, 0)
        );

        // Operator 3 proposes max_epochs_ahead = 8 with its genesis stake.
        let kind = ProposalKind::Parameter { parameter: Parameter::MaxEpochsAhead, value: 8 };
        let created =
            proposer.propose(&kind, "sell storage further ahead", DEPOSIT, staked_wal(&proposer).await).await.unwrap();
        assert_eq!(created.number, 0);
        let listed = anyone.list_proposals(10).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!((listed[0].object.id(), listed[0].status), (created.proposal, ProposalStatus::Voting));
        assert_eq!(listed[0].proposal().description, "sell storage further ahead");
        assert_eq!(
            anyone.proposal_id(&anyone.get_governance().await.unwrap().value, 0).await.unwrap(),
            Some(created.proposal)
        );

        // Votes: 4000 + 3000 yes, 2000 no; each vote event carries the tallies.
        let supporter_stake = staked_wal(&supporter).await;
        for (client, choice) in
            [(&proposer, VoteChoice::Yes), (&supporter, VoteChoice::Yes), (&opponent, VoteChoice::No)]
        {
            let stake = staked_wal(client).await;
            let executed = client.vote(created.proposal, choice, &[stake]).await.unwrap();
            assert!(matches!(executed.events[..], [Event::Governance(GovernanceEvent::VoteCast(_))]), "{executed:?}");
        }
        let info = anyone.proposal_info(created.proposal).await.unwrap();
        let p = info.proposal();
        assert_eq!((p.yes_stake, p.no_stake, p.votes.size), (7_000 * WAL, 2_000 * WAL, 3));
        assert!(p.reached_quorum() && p.is_approved());
        let record = anyone.proposal_vote(p, supporter_stake).await.unwrap().unwrap();
        assert_eq!((record.choice, record.weight), (0, 3_000 * WAL));
        assert_eq!(anyone.proposal_vote(p, Address::ZERO).await.unwrap(), None);
        assert_eq!(anyone.vote_locked_until_ms(supporter_stake).await.unwrap(), Some(p.voting_end_ms));

        // The voted stake cannot be split while the vote is open; execution waits for the vote
        // and the delay, each refusal named.
        let err = supporter.split_staked_wal(supporter_stake, 1_000 * WAL).await.unwrap_err();
        assert_eq!(err.abort_code(), Some(staked_wal::E_LOCKED_BY_VOTE), "{err}");
        assert!(err.to_string().contains("release-lock"), "{err}");
        let err = anyone.execute_proposal(created.proposal).await.unwrap_err();
        assert_eq!(err.abort_code(), Some(governance::E_VOTING_OPEN), "{err}");
        chain.advance_clock(GOVERNANCE_VOTING_MS);
        let err = anyone.execute_proposal(created.proposal).await.unwrap_err();
        assert_eq!(err.abort_code(), Some(governance::E_EXECUTION_TOO_EARLY), "{err}");
        // The status follows the `0x6` clock, which the failed transaction moved on.
        let info = anyone.proposal_info(created.proposal).await.unwrap();
        assert_eq!(info.status, ProposalStatus::Approved);
        let executable_from = info.proposal().executable_from_ms;
        assert_eq!(proposal_status(info.proposal(), executable_from), ProposalStatus::Executable);
        chain.advance_clock(GOVERNANCE_DELAY_MS);

        // Anyone executes; the deposit goes back to the proposer in the same transaction.
        let before = proposer.wal_balance(proposer.address()).await.unwrap();
        let executed = anyone.execute_proposal(created.proposal).await.unwrap();
        assert!(matches!(
            executed.events[..],
            [
                Event::Governance(GovernanceEvent::ProposalExecuted(_)),
                Event::Governance(GovernanceEvent::DepositReturned(_))
            ]
        ));
        assert_eq!(anyone.system_info().await.unwrap().max_epochs_ahead, 8);
        assert_eq!(proposer.wal_balance(proposer.address()).await.unwrap(), before + DEPOSIT);
        assert_eq!(anyone.proposal_info(created.proposal).await.unwrap().status, ProposalStatus::Executed);

        // The lock ended with the vote: released, the stake splits again.
        supporter.release_vote_lock(supporter_stake).await.unwrap();
        assert_eq!(anyone.vote_locked_until_ms(supporter_stake).await.unwrap(), None);
        supporter.split_staked_wal(supporter_stake, 1_000 * WAL).await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proposal_without_quorum_loses_its_deposit_and_upgrades_need_sui() {
    bounded(async {
        let chain = TestChain::start(&[2]).await;
        let proposer = chain.operator(0);
        fund_wal(&chain, crate::harness::OPERATOR_SEED, 1_000 * WAL).await;
        let anyone = chain.client(2);
        let stake = staked_wal(&proposer).await;

        // A text proposal that only its proposer (1000 of 10_000 WAL) supports.
        let created = proposer.propose(&ProposalKind::Text, "walrus is great", DEPOSIT, stake).await.unwrap();
        proposer.vote(created.proposal, VoteChoice::Yes, &[stake]).await.unwrap();
        let err = anyone.settle_deposit(created.proposal).await.unwrap_err();
        assert_eq!(err.abort_code(), Some(governance::E_VOTING_OPEN), "{err}");
        chain.advance_clock(GOVERNANCE_VOTING_MS);
        let executed = anyone.settle_deposit(created.proposal).await.unwrap();
        assert!(matches!(executed.events[..], [Event::Governance(GovernanceEvent::DepositBurned(_))]));
        assert_eq!(anyone.proposal_info(created.proposal).await.unwrap().status, ProposalStatus::Rejected);
        assert_eq!(anyone.staking_info().await.unwrap().state.burn_pending.value, DEPOSIT);
        let err = anyone.execute_proposal(created.proposal).await.unwrap_err();
        assert_eq!(err.abort_code(), Some(governance::E_NOT_APPROVED), "{err}");

        // Stake that is not active yet has no voting power.
        let fresh = proposer.stake_with_pool(Address::new(crate::harness::node_id(0).0), 10 * WAL).await.unwrap();
        let err = proposer.propose(&ProposalKind::Text, "x", DEPOSIT, fresh.id()).await.unwrap_err();
        assert_eq!(err.abort_code(), Some(governance::E_NO_VOTING_POWER), "{err}");

        // An upgrade proposal passes, but the local chain cannot run the Upgrade command.
        let digest = vec![9u8; 32];
        let upgrade = proposer.propose(&ProposalKind::Upgrade { digest }, "v2", DEPOSIT, stake).await.unwrap();
        for member in [3, 2] {
            let operator = chain.operator(member);
            operator.vote(upgrade.proposal, VoteChoice::Yes, &[staked_wal(&operator).await]).await.unwrap();
        }
        chain.advance_clock(GOVERNANCE_VOTING_MS + GOVERNANCE_DELAY_MS);
        let err = anyone.execute_proposal(upgrade.proposal).await.unwrap_err();
        assert!(err.to_string().contains("execute_upgrade"), "{err}");
        let err = anyone.execute_upgrade(upgrade.proposal, vec![vec![0xa1, 0x1c]], vec![]).await.unwrap_err();
        assert!(err.to_string().contains("no Move VM"), "{err}");
        // Rejected before execution: nothing changed.
        assert!(!anyone.get_proposal(upgrade.proposal).await.unwrap().value.executed);

        // A deployment that names no Governance says what to configure.
        let mut deployment = chain.deployment();
        deployment.governance = None;
        let bare =
            WalrusChainClient::new(&chain.url(), crate::harness::account(2), deployment, crate::harness::options())
                .unwrap();
        let err = bare.get_governance().await.unwrap_err();
        assert!(err.to_string().contains("governance_object"), "{err}");
    })
    .await;
}
