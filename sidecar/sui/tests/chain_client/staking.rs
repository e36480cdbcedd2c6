//! Staking through the client against the local chain: registration with a proof of
//! possession, stake, split and join, withdrawals, commission and votes, and whole epoch changes
//! driven by the chain's clock with the committee's sync signals.

use sui_sdk_types::Address;
use walrus_contracts::{
    events::{Event, StakingEvent},
    staking_inner::{self, EpochState},
};
use walrus_core::messages::ProtocolKeyPair;
use walrus_sui::client::NodeRegistration;

use crate::harness::{EPOCH_MS, STORAGE_PRICE, TestChain, WAL, WRITE_PRICE, bounded, fund_wal, node_id};

fn node(member: usize) -> Address {
    Address::new(node_id(member).0)
}

fn staking_events(events: &[Event]) -> Vec<&StakingEvent> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Staking(e) => Some(e),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_stake_and_operator_calls() {
    bounded(async {
        let chain = TestChain::start(&[2, 3]).await;
        fund_wal(&chain, 2, 100 * WAL).await;
        let user = chain.client(2);
        let candidate = chain.client(3);

        // Genesis: the staking object behind the System, four pools, the clock running.
        let info = user.staking_info().await.unwrap();
        assert_eq!((info.object, info.initial_shared_version), (chain.info.staking_object, 1));
        assert_eq!((info.epoch, info.epoch_state, info.epoch_duration_ms), (1, EpochState::EpochChangeDone, EPOCH_MS));
        assert_eq!(info.pool_ids, (0..4).map(node).collect::<Vec<_>>());
        assert_eq!(info.voting_end_ms(), info.epoch_start_ms + EPOCH_MS / 2);
        let clock = user.clock_timestamp_ms().await.unwrap();
        assert!(clock >= info.epoch_start_ms);
        let pool = user.get_staking_pool(node(3)).await.unwrap();
        assert_eq!(
            (pool.active_wal, pool.storage_price_vote, pool.write_price_vote),
            (4_000 * WAL, STORAGE_PRICE, WRITE_PRICE)
        );

        // A node registers with a proof of possession; a proof for someone else fails.
        let key = ProtocolKeyPair::derive(&[0x55; 32]).unwrap();
        let stolen = NodeRegistration::new(&key, 1, user.address(), "n", "127.0.0.1:9105", 0, 1, 2, 3);
        let err = candidate.register_candidate(&stolen).await.unwrap_err();
        assert_eq!(err.abort_code(), Some(staking_inner::E_INVALID_PROOF_OF_POSSESSION), "{err}");
        let cap = candidate.register_node(&key, "candidate", "127.0.0.1:9105", 500, 1, 2, 3).await.unwrap();
        let pool = user.get_staking_pool(Address::new(cap.value.node_id.0)).await.unwrap();
        assert_eq!(
            (pool.name.as_str(), pool.commission_rate_bps, pool.public_key.bytes.clone()),
            ("candidate", 500, key.public_key().to_vec())
        );
        assert_eq!(candidate.owned_storage_node_caps(candidate.address()).await.unwrap(), vec![cap.clone()]);

        // The operator changes its votes and its commission (effective in two epochs).
        candidate.set_storage_price_vote(cap.id(), 11).await.unwrap();
        candidate.set_write_price_vote(cap.id(), 12).await.unwrap();
        candidate.set_node_capacity_vote(cap.id(), 13).await.unwrap();
        candidate.set_next_commission(cap.id(), 700).await.unwrap();
        let err = candidate.set_next_commission(cap.id(), 10_001).await.unwrap_err();
        assert_eq!(err.abort_code(), Some(staking_inner::E_INVALID_COMMISSION_RATE), "{err}");
        let pool = user.get_staking_pool(Address::new(cap.value.node_id.0)).await.unwrap();
        assert_eq!((pool.storage_price_vote, pool.write_price_vote, pool.node_capacity_vote), (11, 12, 13));
        assert_eq!(pool.pending_commission.map(|p| (p.rate_bps, p.effective_epoch)), Some((700, 3)));
        assert_eq!(candidate.collect_commission(cap.id()).await.unwrap().value.value(), 0);

        // Stake, split, join; stake that is not active yet returns at once.
        let staked = user.stake_with_pool(Address::new(cap.value.node_id.0), 10 * WAL).await.unwrap();
        assert_eq!((staked.value.value(), staked.value.activation_epoch), (10 * WAL, 2));
        let part = user.split_staked_wal(staked.id(), 4 * WAL).await.unwrap();
        assert_eq!(part.value.value(), 4 * WAL);
        assert_eq!(user.owned_staked_wal(user.address()).await.unwrap().len(), 2);
        user.join_staked_wal(staked.id(), part.id()).await.unwrap();
        assert_eq!(user.get_staked_wal(staked.id()).await.unwrap().value.value(), 10 * WAL);
        let err = user.request_withdraw_stake(staked.id()).await.unwrap_err();
        assert_eq!(err.abort_code(), Some(staking_inner::E_NOT_ACTIVE), "{err}");
        let wal_before = user.wal_balance(user.address()).await.unwrap();
        let returned = user.withdraw_stake(staked.id()).await.unwrap();
        assert_eq!(returned.value.value(), 10 * WAL);
        assert_eq!(user.wal_balance(user.address()).await.unwrap(), wal_before + 10 * WAL);
        let err = user.stake_with_pool(node(0), WAL - 1).await.unwrap_err();
        assert_eq!(err.abort_code(), Some(staking_inner::E_STAKE_TOO_SMALL), "{err}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_epoch_changes_with_rewards_and_withdrawals() {
    bounded(async {
        let chain = TestChain::start(&[2]).await;
        fund_wal(&chain, 2, 100 * WAL).await;
        let user = chain.client(2);
        let admin = chain.client(1);
        // Epoch 1's fund: 2 MiB units for 3 epochs, 2000 + 4000 (write fee) in epoch 1.
        user.reserve_space((1 << 20) + 1, 3).await.unwrap();

        // Too early for voting_end: the clock has not reached half the epoch.
        let err = admin.voting_end().await.unwrap_err();
        assert_eq!(err.abort_code(), Some(staking_inner::E_TOO_EARLY), "{err}");
        let err = admin.initiate_epoch_change().await.unwrap_err();
        assert_eq!(err.abort_code(), Some(staking_inner::E_WRONG_EPOCH_STATE), "{err}");

        chain.advance_clock(EPOCH_MS / 2);
        let voted = admin.voting_end().await.unwrap();
        assert!(matches!(
            staking_events(&voted.events)[..],
            [StakingEvent::EpochParametersSelected(p)] if p.next_epoch == 2 && p.storage_price_per_unit_size == STORAGE_PRICE
        ));
        let info = admin.staking_info().await.unwrap();
        assert_eq!(info.epoch_state, EpochState::NextParamsSelected);
        assert_eq!(info.next_committee.unwrap().members[0].node_id, node_id(3));
        chain.advance_clock(EPOCH_MS / 2);
        admin.initiate_epoch_change().await.unwrap();
        let info = admin.staking_info().await.unwrap();
        assert_eq!((info.epoch, info.epoch_state), (2, EpochState::EpochChangeSync));
        let rewards: Vec<u64> =
            pool_rewards(&admin, &[0, 1, 2, 3]).await;
        assert_eq!(rewards, vec![600, 1_200, 1_800, 2_400]);

        // Member 3's operator asks to withdraw its genesis stake (it leaves in epoch 3); the
        // committee syncs, and a signal for another epoch is refused.
        let operator = chain.operator(3);
        let staked = operator.owned_staked_wal(operator.address()).await.unwrap()[0].clone();
        operator.request_withdraw_stake(staked.id()).await.unwrap();
        let staked = operator.get_staked_wal(staked.id()).await.unwrap();
        assert_eq!(staked.value.withdraw_epoch().unwrap(), 3);
        let cap = operator.owned_storage_node_caps(operator.address()).await.unwrap()[0].id();
        let err = operator.epoch_sync_done(cap, 1).await.unwrap_err();
        assert_eq!(err.abort_code(), Some(staking_inner::E_WRONG_EPOCH), "{err}");
        chain.sync_quorum(2).await;
        assert_eq!(admin.staking_info().await.unwrap().epoch_state, EpochState::EpochChangeDone);

        // Epoch 2 -> 3: member 3 leaves the committee; its shards go to the others.
        chain.epoch_change(&admin).await;
        let system = admin.system_info().await.unwrap();
        assert_eq!(system.epoch, 3);
        let lists: Vec<Vec<u16>> = system.committee.members.iter().map(|m| m.shard_ids.clone()).collect();
        assert_eq!(lists, vec![vec![3, 4, 5, 6, 7], vec![1, 2, 8], vec![0, 9]]);

        // The withdrawal returns the principal with 2400 + 800 of rewards.
        let wal_before = operator.wal_balance(operator.address()).await.unwrap();
        let coin = operator.withdraw_stake(staked.id()).await.unwrap();
        assert_eq!(coin.value.value(), 4_000 * WAL + 3_200);
        assert_eq!(operator.wal_balance(operator.address()).await.unwrap(), wal_before + 4_000 * WAL + 3_200);
        // The burn share is 0 at genesis: nothing to burn, and burning it is harmless.
        admin.burn_pending_rewards(chain.info.treasury_object).await.unwrap();
    })
    .await;
}

async fn pool_rewards(client: &walrus_sui::WalrusChainClient, members: &[usize]) -> Vec<u64> {
    let mut rewards = Vec::new();
    for &member in members {
        rewards.push(client.get_staking_pool(node(member)).await.unwrap().rewards.value);
    }
    rewards
}
