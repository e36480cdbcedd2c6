//! Staking and epochs on the local chain with real signed transactions: the `0x6` Clock and its
//! rules, `voting_end` and `initiate_epoch_change` driven by the chain's clock, the committee's
//! `epoch_sync_done`, and the rewards of the finished epoch in the pools.

use sui_sdk_types::{Argument, ExecutionError, ExecutionStatus, Input, TransactionEffects};
use walrus_chain::{
    GenesisConfig, LocalChain, Rejection,
    execute::objects::load,
    types::{CLOCK_OBJECT, CoinKind, Obj, to_object_id},
};
use walrus_contracts::{
    events::Event as TwinEvent,
    staking_inner::{E_TOO_EARLY, EpochState},
};

mod support;
use support::*;

const EPOCH_MS: u64 = 60_000;
const MIB: u64 = 1 << 20;

/// The vectors' committee (1, 2, 3, 4 shards), member i operated by `operators[i]` with a
/// genesis stake of (i + 1) * 1000 WAL.
fn genesis(admin: &Account, operators: &[Account]) -> GenesisConfig {
    GenesisConfig { epoch_duration_ms: EPOCH_MS, ..staked_genesis(admin, operators) }
}

fn status(effects: &TransactionEffects) -> &ExecutionStatus {
    effects.status()
}

fn clock_ms(chain: &LocalChain) -> u64 {
    match load(chain.store(), &chain.object(CLOCK_OBJECT).unwrap().unwrap()).unwrap().unwrap() {
        Obj::Clock(clock) => clock.timestamp_ms,
        other => panic!("0x6 is {other:?}"),
    }
}

/// Runs `staking::<function>(&mut Staking, &Clock)` as `sender`.
fn with_clock(chain: &LocalChain, sender: &Account, function: &str) -> walrus_chain::ExecutedTransaction {
    let tx = sign(
        chain,
        sender,
        vec![staking_input(chain, true), clock_input(false)],
        vec![call("staking", function, vec![Argument::Input(0), Argument::Input(1)])],
    );
    chain.execute(tx).unwrap()
}

fn event_names(executed: &walrus_chain::ExecutedTransaction) -> Vec<String> {
    executed.events.iter().flat_map(|e| e.0.iter()).map(|e| e.type_.name().to_string()).collect()
}

#[test]
fn a_whole_epoch_change_with_rewards_through_signed_transactions() {
    let dir = tempfile::tempdir().unwrap();
    let admin = account(1);
    let operators: Vec<Account> = (10..14).map(account).collect();
    let chain = LocalChain::open(dir.path(), &genesis(&admin, &operators)).unwrap();

    // Genesis: the clock at 0x6, the staking object with the four pools, the system knows it.
    let genesis_ms = clock_ms(&chain);
    assert!(genesis_ms > 0);
    assert_eq!(*chain.object(CLOCK_OBJECT).unwrap().unwrap().owner(), sui_sdk_types::Owner::Shared(1));
    let inner = staking(&chain).inner.unwrap();
    assert_eq!((inner.epoch, inner.epoch_state, inner.pool_ids.len()), (1, EpochState::EpochChangeDone, 4));
    assert_eq!(system(&chain).staking_object_id().unwrap(), Some(to_object_id(chain.info().staking_object)));
    let (_, cap) = cap_object(&chain, operators[3].address);
    assert_eq!(cap.node_id, inner.committee.members[3].node_id);

    // The clock is only accepted by immutable reference.
    let tx = sign(
        &chain,
        &admin,
        vec![staking_input(&chain, true), clock_input(true)],
        vec![call("staking", "voting_end", vec![Argument::Input(0), Argument::Input(1)])],
    );
    assert!(matches!(chain.execute(tx), Err(Rejection::NotUsable { .. })));

    // The admin buys 2 MiB units for 3 epochs: epoch 1's fund holds 2000 + 4000 FROST.
    let (coins, _) = chain.balance(admin.address, CoinKind::Wal).unwrap();
    let tx = reserve_space_tx(&chain, &admin, &coins[0], MIB + 1, 3);
    assert_eq!(status(&chain.execute(tx).unwrap().effects), &ExecutionStatus::Success);

    // Too early: the abort of staking_inner::ETooEarly, only gas is charged.
    let early = with_clock(&chain, &admin, "voting_end");
    match status(&early.effects) {
        ExecutionStatus::Failure { error: ExecutionError::MoveAbort { location, code }, .. } => {
            assert_eq!((location.module.as_str(), *code), ("staking_inner", E_TOO_EARLY.code));
        }
        other => panic!("expected ETooEarly, got {other:?}"),
    }

    // Half an epoch later the next committee is selected; a whole epoch later it takes over.
    chain.advance_clock_for_testing(EPOCH_MS / 2);
    let voted = with_clock(&chain, &admin, "voting_end");
    assert_eq!(status(&voted.effects), &ExecutionStatus::Success);
    assert_eq!(event_names(&voted), ["EpochParametersSelected"]);
    assert!(clock_ms(&chain) >= genesis_ms + EPOCH_MS / 2);
    chain.advance_clock_for_testing(EPOCH_MS / 2);
    let tx = initiate_epoch_change_tx(&chain, &admin);
    let changed = chain.execute(tx).unwrap();
    assert_eq!(status(&changed.effects), &ExecutionStatus::Success);
    assert_eq!(event_names(&changed), ["EpochAdvanced", "RewardsDistributed", "EpochChangeStart"]);
    assert_eq!(system(&chain).epoch().unwrap(), 2);
    let inner = staking(&chain).inner.unwrap();
    assert_eq!((inner.epoch, inner.epoch_state), (2, EpochState::EpochChangeSync));
    // Rewards by shards: node 3 (4 of 10 shards) gets 2400 of 6000, node 0 (1 shard) 600.
    let rewards: Vec<u64> = inner.pool_ids.iter().map(|id| inner.pools.get(id).unwrap().rewards.value).collect();
    assert_eq!(rewards, vec![600, 1_200, 1_800, 2_400]);

    // The committee signals sync with its caps: nodes 3 and 2 hold 7 of 10 shards.
    for (i, expected) in [(3, vec!["EpochChangeSync"]), (2, vec!["EpochChangeSync", "EpochChangeDone"])] {
        let (cap_object, _) = cap_object(&chain, operators[i].address);
        let tx = sign(
            &chain,
            &operators[i],
            vec![
                staking_input(&chain, true),
                Input::ImmutableOrOwned(reference(&cap_object)),
                pure(&2u32),
                clock_input(false),
            ],
            vec![call(
                "staking",
                "epoch_sync_done",
                vec![Argument::Input(0), Argument::Input(1), Argument::Input(2), Argument::Input(3)],
            )],
        );
        let executed = chain.execute(tx).unwrap();
        assert_eq!(status(&executed.effects), &ExecutionStatus::Success);
        assert_eq!(event_names(&executed), expected);
    }
    assert_eq!(staking(&chain).inner.unwrap().epoch_state, EpochState::EpochChangeDone);
    // The events decode as the twin's.
    let done =
        changed.events.as_ref().unwrap().0.iter().find(|e| e.type_.name().as_str() == "EpochChangeStart").unwrap();
    let decoded =
        walrus_contracts::events::StakingEvent::from_bcs("EpochChangeStart", &done.contents).unwrap().unwrap();
    assert_eq!(TwinEvent::Staking(decoded).name(), "EpochChangeStart");
}
