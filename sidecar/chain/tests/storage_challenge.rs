//! Storage challenges on the local chain with real signed transactions: the `0x8` Random object
//! and Sui's rules for it, the seed, attestations by the nodes' caps, and the epoch change that
//! keeps an unattested node's share in the storage fund.

use sui_sdk_types::{Argument, ExecutionError, ExecutionStatus, Input, Owner};
use walrus_chain::{
    GenesisConfig, LocalChain, Rejection,
    execute::objects::load,
    types::{CoinKind, Obj, RANDOM_INITIAL_SHARED_VERSION, RANDOM_OBJECT},
};
use walrus_contracts::{
    ObjectId,
    events::{Event as TwinEvent, StakingEvent},
    storage_challenge::{E_SEED_ALREADY_SET, E_WRONG_EPOCH},
};

mod support;
use support::*;

const EPOCH_MS: u64 = 60_000;
const MIB: u64 = 1 << 20;

/// The vectors' committee (1, 2, 3, 4 shards), member i operated by `operators[i]`.
fn genesis(admin: &Account, operators: &[Account]) -> GenesisConfig {
    GenesisConfig { epoch_duration_ms: EPOCH_MS, ..staked_genesis(admin, operators) }
}

fn random_input(mutable: bool) -> Input {
    shared_input(RANDOM_OBJECT, RANDOM_INITIAL_SHARED_VERSION, mutable)
}

fn succeeded(executed: &walrus_chain::ExecutedTransaction) {
    assert_eq!(executed.effects.status(), &ExecutionStatus::Success);
}

fn aborted_with(executed: &walrus_chain::ExecutedTransaction, module: &str, code: u64) {
    match executed.effects.status() {
        ExecutionStatus::Failure { error: ExecutionError::MoveAbort { location, code: got }, .. } => {
            assert_eq!((location.module.as_str(), *got), (module, code));
        }
        other => panic!("expected an abort in {module} with {code}, got {other:?}"),
    }
}

fn staking_events(executed: &walrus_chain::ExecutedTransaction) -> Vec<StakingEvent> {
    executed
        .events
        .iter()
        .flat_map(|e| e.0.iter())
        .filter_map(|e| StakingEvent::from_bcs(e.type_.name().as_str(), &e.contents).map(|d| d.unwrap()))
        .collect()
}

fn set_seed(chain: &LocalChain, sender: &Account) -> walrus_chain::ExecutedTransaction {
    let tx = sign(
        chain,
        sender,
        vec![staking_input(chain, true), random_input(false)],
        vec![call("staking", "set_challenge_seed", vec![Argument::Input(0), Argument::Input(1)])],
    );
    chain.execute(tx).unwrap()
}

fn attest(chain: &LocalChain, operator: &Account, epoch: u32, nodes: &[ObjectId]) -> walrus_chain::ExecutedTransaction {
    let (cap, _) = cap_object(chain, operator.address);
    let tx = sign(
        chain,
        operator,
        vec![staking_input(chain, true), Input::ImmutableOrOwned(reference(&cap)), pure(&epoch), pure(&nodes.to_vec())],
        vec![call(
            "staking",
            "attest_storage",
            vec![Argument::Input(0), Argument::Input(1), Argument::Input(2), Argument::Input(3)],
        )],
    );
    chain.execute(tx).unwrap()
}

#[test]
fn an_unattested_node_loses_its_share_through_signed_transactions() {
    let dir = tempfile::tempdir().unwrap();
    let admin = account(1);
    let operators: Vec<Account> = (10..14).map(account).collect();
    let chain = LocalChain::open(dir.path(), &genesis(&admin, &operators)).unwrap();

    // Genesis shares Sui's Random object at 0x8.
    let random = chain.object(RANDOM_OBJECT).unwrap().unwrap();
    assert_eq!(*random.owner(), Owner::Shared(RANDOM_INITIAL_SHARED_VERSION));
    assert!(matches!(load(chain.store(), &random).unwrap(), Some(Obj::Random(_))));

    // Random is only accepted by immutable reference, and only TransferObjects or MergeCoins may
    // follow a call that takes it.
    let tx = sign(
        &chain,
        &admin,
        vec![staking_input(&chain, true), random_input(true)],
        vec![call("staking", "set_challenge_seed", vec![Argument::Input(0), Argument::Input(1)])],
    );
    assert!(matches!(chain.execute(tx), Err(Rejection::NotUsable { .. })));
    let tx = sign(
        &chain,
        &admin,
        vec![staking_input(&chain, true), random_input(false)],
        vec![
            call("staking", "set_challenge_seed", vec![Argument::Input(0), Argument::Input(1)]),
            call("staking", "epoch", vec![Argument::Input(0)]),
        ],
    );
    assert!(matches!(chain.execute(tx), Err(Rejection::PostRandomCommand { index: 1 })));

    // The admin buys 2 MiB units for 3 epochs: epoch 1's fund holds 6000 FROST, epoch 2's 2000.
    let (coins, _) = chain.balance(admin.address, CoinKind::Wal).unwrap();
    let tx = reserve_space_tx(&chain, &admin, &coins[0], MIB + 1, 3);
    succeeded(&chain.execute(tx).unwrap());

    // Anyone draws the seed, once.
    let drawn = set_seed(&chain, &admin);
    succeeded(&drawn);
    let seed = staking(&chain).challenge_seed().unwrap().expect("the seed is set");
    assert_eq!(seed.len(), 32);
    assert!(matches!(
        &staking_events(&drawn)[..],
        [StakingEvent::ChallengeSeedSet(set)] if set.epoch == 1 && set.seed == seed && set.samples_per_node == 8
    ));
    aborted_with(&set_seed(&chain, &operators[0]), "storage_challenge", E_SEED_ALREADY_SET.code);

    // Nobody attests node 0; the others attest each other fully.
    let members: Vec<ObjectId> = staking(&chain).inner.unwrap().committee.members.iter().map(|m| m.node_id).collect();
    let others = |i: usize| -> Vec<ObjectId> { (1..4).filter(|&j| j != i).map(|j| members[j]).collect() };
    let attested = attest(&chain, &operators[0], 1, &others(0));
    succeeded(&attested);
    assert_eq!(staking_events(&attested).len(), 3);
    for (i, operator) in operators.iter().enumerate().skip(1) {
        succeeded(&attest(&chain, operator, 1, &others(i)));
    }
    let shards: Vec<u16> = members.iter().map(|id| staking(&chain).challenge_attested_shards(id).unwrap()).collect();
    assert_eq!(shards, vec![0, 8, 7, 6]);

    // The epoch change keeps node 0's 600 FROST in the fund of epoch 2.
    chain.advance_clock_for_testing(EPOCH_MS / 2);
    let tx = sign(
        &chain,
        &admin,
        vec![staking_input(&chain, true), clock_input(false)],
        vec![call("staking", "voting_end", vec![Argument::Input(0), Argument::Input(1)])],
    );
    succeeded(&chain.execute(tx).unwrap());
    chain.advance_clock_for_testing(EPOCH_MS / 2);
    let tx = initiate_epoch_change_tx(&chain, &admin);
    let changed = chain.execute(tx).unwrap();
    succeeded(&changed);
    let names: Vec<String> =
        changed.events.iter().flat_map(|e| e.0.iter()).map(|e| e.type_.name().to_string()).collect();
    assert_eq!(names, ["EpochAdvanced", "ChallengeRewardWithheld", "RewardsDistributed", "EpochChangeStart"]);
    assert!(staking_events(&changed).iter().any(
        |e| matches!(e, StakingEvent::ChallengeRewardWithheld(w) if w.epoch == 1 && w.node_id == members[0] && w.amount == 600)
    ));
    let inner = staking(&chain).inner.unwrap();
    let rewards: Vec<u64> = members.iter().map(|id| inner.pools.get(id).unwrap().rewards.value).collect();
    assert_eq!(rewards, vec![0, 1_200, 1_800, 2_400]);
    let account = system(&chain).inner().unwrap().future_accounting.account(0).unwrap().clone();
    assert_eq!((account.epoch, account.funds.value), (2, 2_000 + 600));
    assert!(inner.challenges.issued.is_none(), "epoch 2 starts without a challenge");

    // An attestation for the finished epoch arrives too late.
    aborted_with(&attest(&chain, &operators[1], 1, &[members[2]]), "storage_challenge", E_WRONG_EPOCH.code);
    // The events decode as the twin's.
    let withheld =
        changed.events.as_ref().unwrap().0.iter().find(|e| e.type_.name().as_str() == "ChallengeRewardWithheld");
    let decoded = StakingEvent::from_bcs("ChallengeRewardWithheld", &withheld.unwrap().contents).unwrap().unwrap();
    assert_eq!(TwinEvent::Staking(decoded).name(), "ChallengeRewardWithheld");
}
