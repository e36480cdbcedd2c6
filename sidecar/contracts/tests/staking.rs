//! Staking, committee selection, epochs and rewards on the twin: the scenarios of
//! `move/walrus/tests/{staking_tests,committee_tests,staked_wal_tests}.move`, with the same
//! numbers.

mod common;

use common::*;
use walrus_contracts::{
    Clock, Coin, ObjectId,
    bls_aggregate::{Committee, GROUP_OPS_E_INVALID_INPUT},
    committee,
    events::{
        EpochAdvanced, EpochChangeStart, EpochChangeSync, EpochParametersSelected, Event, RewardsDistributed,
        StakeWithdrawn, StakedWalCreated, StakingEvent, StakingPoolRegistered,
    },
    framework::Balance,
    objects::Object,
    staked_wal::{self, StakedWal},
    staking::{self, Staking},
    staking_inner::{self as inner, StakingInnerV1},
    staking_pool::PoolExchangeRate,
    storage_node::StorageNodeCap,
    system::System,
    wal,
};
use walrus_core::messages::ProtocolKeyPair;

const FROST_PER_WAL: u64 = 1_000_000_000;
const EPOCH_DURATION_MS: u64 = 3_600_000;
const GIB: u64 = 1 << 30;
const CANDIDATE: ObjectId = ObjectId([0xCA; 32]);

fn addr(last: u8) -> ObjectId {
    let mut id = [0u8; 32];
    id[31] = last;
    ObjectId(id)
}

fn operators() -> Vec<ObjectId> {
    (0xA0..=0xA3).map(addr).collect()
}

fn node(i: usize) -> ObjectId {
    node_ids()[i]
}

fn genesis_stakes() -> Vec<u64> {
    (1..=4).map(|i| i * 1_000 * FROST_PER_WAL).collect()
}

fn candidate_key() -> ProtocolKeyPair {
    let mut secret = [0u8; 32];
    secret[31] = 5;
    ProtocolKeyPair::from_secret_bytes(&secret).unwrap()
}

/// The system, the staking object, the clock, and what transactions gave to whom.
struct World {
    system: System,
    staking: Staking,
    clock: Clock,
    owned: Vec<(ObjectId, Object)>,
}

impl World {
    fn new(burn_bps: u16) -> Self {
        let (mut system, cap) = setup();
        let mut ctx = tx(ADMIN);
        let mut stake = mint_wal(10_000 * FROST_PER_WAL, &mut ctx);
        let clock = Clock::at(0);
        staking::create(
            cap,
            &mut system,
            operators(),
            &mut stake,
            genesis_stakes(),
            EPOCH_DURATION_MS,
            10,
            10,
            burn_bps,
            &clock,
            &mut ctx,
        )
        .unwrap();
        assert_eq!(stake.value(), 0);
        let Object::Staking(staking) = ctx.shared()[0].clone() else { panic!("create shares the Staking") };
        let owned = ctx.transferred().to_vec();
        Self { system, staking, clock, owned }
    }

    fn inner(&self) -> &StakingInnerV1 {
        self.staking.inner().unwrap()
    }

    fn pool(&self, node_id: ObjectId) -> &walrus_contracts::staking_pool::StakingPool {
        self.inner().pool(&node_id).unwrap()
    }

    fn cap(&self, owner: ObjectId) -> StorageNodeCap {
        self.owned
            .iter()
            .find_map(|(to, o)| match o {
                Object::StorageNodeCap(cap) if *to == owner => Some(cap.clone()),
                _ => None,
            })
            .unwrap()
    }

    fn take_staked(&mut self, owner: ObjectId) -> StakedWal {
        let index = self.owned.iter().position(|(to, o)| *to == owner && matches!(o, Object::StakedWal(_))).unwrap();
        let Object::StakedWal(staked) = self.owned.remove(index).1 else { unreachable!() };
        staked
    }

    fn advance_clock(&mut self, ms: u64) {
        self.clock.timestamp_ms += ms;
    }

    fn voting_end(&mut self) -> Vec<Event> {
        self.advance_clock(EPOCH_DURATION_MS / 2);
        let mut ctx = tx(ADMIN);
        self.staking.voting_end(&self.clock, &mut ctx).unwrap();
        ctx.events().to_vec()
    }

    fn initiate_epoch_change(&mut self) -> Vec<Event> {
        self.advance_clock(EPOCH_DURATION_MS - EPOCH_DURATION_MS / 2);
        let mut ctx = tx(ADMIN);
        self.staking.initiate_epoch_change(&mut self.system, &self.clock, &mut ctx).unwrap();
        ctx.events().to_vec()
    }

    fn epoch_change(&mut self) {
        self.voting_end();
        self.initiate_epoch_change();
    }

    fn sync(&mut self, operator: ObjectId) -> Vec<Event> {
        let cap = self.cap(operator);
        let epoch = self.staking.epoch().unwrap();
        let mut ctx = tx(operator);
        self.staking.epoch_sync_done(&cap, epoch, &self.clock, &mut ctx).unwrap();
        ctx.events().to_vec()
    }

    /// Nodes 0x4 and 0x3 (7 of 10 shards) signal sync.
    fn sync_quorum(&mut self) {
        self.sync(addr(0xA3));
        self.sync(addr(0xA2));
    }

    /// USER buys 2 MiB units for 3 epochs: epoch 1 receives 6000, epochs 2 and 3 2000 each.
    fn fund_three_epochs(&mut self) {
        let mut ctx = tx(USER);
        let mut payment = mint_wal(10_000, &mut ctx);
        self.system.reserve_space(MIB + 1, 3, &mut payment, &mut ctx).unwrap();
    }

    fn register(
        &mut self,
        network_address: &str,
        public_key: Vec<u8>,
        proof: &[u8],
        commission_rate_bps: u16,
    ) -> walrus_contracts::MoveResult<StorageNodeCap> {
        let mut ctx = tx(CANDIDATE);
        self.staking.register_candidate(
            "candidate".into(),
            network_address.into(),
            public_key,
            proof,
            commission_rate_bps,
            1,
            2,
            3,
            &mut ctx,
        )
    }

    fn register_candidate(&mut self) -> StorageNodeCap {
        let key = candidate_key();
        let proof = key.proof_of_possession(1, CANDIDATE.0);
        self.register("127.0.0.1:9105", key.public_key().to_vec(), &proof, 0).unwrap()
    }

    fn stake(&mut self, node_id: ObjectId, amount: u64) -> walrus_contracts::MoveResult<StakedWal> {
        let mut ctx = tx(USER);
        let coin = mint_wal(amount, &mut ctx);
        self.staking.stake_with_pool(coin, node_id, &mut ctx)
    }
}

fn staking_events(events: &[Event]) -> Vec<StakingEvent> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Staking(e) => Some(e.clone()),
            _ => None,
        })
        .collect()
}

// === create ===

#[test]
fn create_turns_the_genesis_committee_into_pools() {
    let world = World::new(0);
    assert_eq!(world.system.staking_object_id().unwrap(), Some(world.staking.id));
    let inner = world.inner();
    assert_eq!((world.staking.version, inner.epoch, inner.epoch_duration_ms), (1, 1, EPOCH_DURATION_MS));
    assert_eq!(inner.epoch_state, inner::EpochState::EpochChangeDone);
    assert_eq!(inner.pool_ids, node_ids());
    assert_eq!(inner.committee, world.system.inner().unwrap().committee);
    let pool = world.pool(node(3));
    assert_eq!(pool.active_wal, 4_000 * FROST_PER_WAL);
    assert_eq!(pool.commission_rate_bps, 0);
    assert_eq!(
        (pool.storage_price_vote, pool.write_price_vote, pool.node_capacity_vote),
        (STORAGE_PRICE, WRITE_PRICE, CAPACITY)
    );
    assert_eq!(pool.network_address, "127.0.0.1:9104");
    assert_eq!(pool.public_key.bytes, public_keys()[3]);
    let cap = world.cap(addr(0xA3));
    assert_eq!(cap.node_id, node(3));
    let staked = world.owned.iter().find_map(|(to, o)| match o {
        Object::StakedWal(s) if *to == addr(0xA3) => Some(s.clone()),
        _ => None,
    });
    let staked = staked.unwrap();
    assert_eq!((staked.node_id, staked.value(), staked.activation_epoch), (node(3), 4_000 * FROST_PER_WAL, 1));
    assert!(staked.is_staked());
}

fn create_with(
    operators: Vec<ObjectId>,
    amounts: Vec<u64>,
    epoch_duration_ms: u64,
) -> walrus_contracts::MoveResult<Vec<Event>> {
    let (mut system, cap) = setup();
    let mut ctx = tx(ADMIN);
    let mut stake = mint_wal(10_000 * FROST_PER_WAL, &mut ctx);
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
        &Clock::at(0),
        &mut ctx,
    )?;
    Ok(ctx.events().to_vec())
}

#[test]
fn create_emits_one_registration_and_stake_per_member() {
    let events = staking_events(&create_with(operators(), genesis_stakes(), 1000).unwrap());
    assert_eq!(events.len(), 8);
    assert_eq!(events[6], StakingEvent::PoolRegistered(StakingPoolRegistered { epoch: 1, node_id: node(3) }));
    assert!(
        matches!(events[7], StakingEvent::StakedWalCreated(StakedWalCreated { amount, .. }) if amount == 4_000 * FROST_PER_WAL)
    );
}

#[test]
fn create_checks_its_parameters() {
    assert_aborts!(create_with(operators(), genesis_stakes(), 0), inner::E_INVALID_PARAMETERS);
    assert_aborts!(create_with(operators()[..3].to_vec(), genesis_stakes(), 1000), inner::E_INVALID_PARAMETERS);
    assert_aborts!(create_with(operators(), vec![1, 0, 0, 0], 1000), inner::E_STAKE_TOO_SMALL);
}

// === register_candidate ===

#[test]
fn register_candidate_creates_a_pool() {
    let mut world = World::new(0);
    let key = candidate_key();
    let proof = key.proof_of_possession(1, CANDIDATE.0);
    let mut ctx = tx(CANDIDATE);
    let cap = world
        .staking
        .register_candidate(
            "candidate".into(),
            "127.0.0.1:9105".into(),
            key.public_key().to_vec(),
            &proof,
            500,
            1,
            2,
            3,
            &mut ctx,
        )
        .unwrap();
    assert_eq!(
        staking_events(ctx.events()),
        vec![StakingEvent::PoolRegistered(StakingPoolRegistered { epoch: 1, node_id: cap.node_id })]
    );
    assert_eq!(world.inner().pool_ids.len(), 5);
    let pool = world.pool(cap.node_id);
    assert_eq!(
        (pool.node_id, pool.name.as_str(), pool.network_address.as_str()),
        (cap.node_id, "candidate", "127.0.0.1:9105")
    );
    assert_eq!(pool.public_key.bytes, key.public_key().to_vec());
    assert_eq!(pool.commission_rate_bps, 500);
    assert_eq!(
        (pool.storage_price_vote, pool.write_price_vote, pool.node_capacity_vote, pool.active_wal),
        (1, 2, 3, 0)
    );
}

#[test]
fn register_candidate_checks_in_order() {
    let mut world = World::new(0);
    let key = candidate_key();
    let public_key = key.public_key().to_vec();
    let proof = key.proof_of_possession(1, CANDIDATE.0);
    assert_aborts!(world.register("", public_key.clone(), &proof, 0), inner::E_INVALID_NETWORK_ADDRESS);
    assert_aborts!(
        world.register("127.0.0.1:9105", public_key.clone(), &proof, 10_001),
        inner::E_INVALID_COMMISSION_RATE
    );
    assert_aborts!(world.register("127.0.0.1:9105", vec![1, 2, 3], &[], 0), GROUP_OPS_E_INVALID_INPUT);
    // A proof for another sender or another epoch does not verify.
    let for_user = key.proof_of_possession(1, USER.0);
    assert_aborts!(
        world.register("127.0.0.1:9105", public_key.clone(), &for_user, 0),
        inner::E_INVALID_PROOF_OF_POSSESSION
    );
    let for_epoch_2 = key.proof_of_possession(2, CANDIDATE.0);
    assert_aborts!(world.register("127.0.0.1:9105", public_key, &for_epoch_2, 0), inner::E_INVALID_PROOF_OF_POSSESSION);
}

// === stake and withdrawals ===

#[test]
fn stake_activates_at_the_next_epoch_or_after_the_selection_the_one_after() {
    let mut world = World::new(0);
    let mut ctx = tx(USER);
    let coin = mint_wal(5 * FROST_PER_WAL, &mut ctx);
    let early = world.staking.stake_with_pool(coin, node(0), &mut ctx).unwrap();
    assert_eq!((early.activation_epoch, early.value()), (2, 5 * FROST_PER_WAL));
    assert_eq!(
        staking_events(ctx.events()),
        vec![StakingEvent::StakedWalCreated(StakedWalCreated {
            epoch: 1,
            staked_wal_id: early.id,
            node_id: node(0),
            amount: 5 * FROST_PER_WAL,
            activation_epoch: 2,
        })]
    );
    world.voting_end();
    let late = world.stake(node(0), 7 * FROST_PER_WAL).unwrap();
    assert_eq!(late.activation_epoch, 3);
    assert_eq!(world.pool(node(0)).pending_stake(2), 5 * FROST_PER_WAL);
    assert_eq!(world.pool(node(0)).pending_stake(3), 7 * FROST_PER_WAL);
}

#[test]
fn stake_checks_the_pool_and_the_minimum() {
    let mut world = World::new(0);
    assert_aborts!(world.stake(addr(9), 5 * FROST_PER_WAL), inner::E_UNKNOWN_NODE);
    assert_aborts!(world.stake(node(0), FROST_PER_WAL - 1), inner::E_STAKE_TOO_SMALL);
}

#[test]
fn stake_that_is_not_active_returns_at_once() {
    let mut world = World::new(0);
    let staked = world.stake(node(0), 5 * FROST_PER_WAL).unwrap();
    let staked_id = staked.id;
    let mut ctx = tx(USER);
    let coin = world.staking.withdraw_stake(staked, &mut ctx).unwrap();
    assert_eq!(coin.value(), 5 * FROST_PER_WAL);
    assert_eq!(world.pool(node(0)).pending_stake(2), 0);
    assert_eq!(
        staking_events(ctx.events()),
        vec![StakingEvent::StakeWithdrawn(StakeWithdrawn {
            epoch: 1,
            staked_wal_id: staked_id,
            node_id: node(0),
            principal: 5 * FROST_PER_WAL,
            rewards: 0,
        })]
    );
}

#[test]
fn withdrawal_requests_and_withdrawals_check_the_state() {
    let mut world = World::new(0);
    let mut pending = world.stake(node(0), 5 * FROST_PER_WAL).unwrap();
    assert_aborts!(world.staking.request_withdraw_stake(&mut pending, &mut tx(USER)), inner::E_NOT_ACTIVE);
    let active = world.take_staked(addr(0xA3));
    assert_aborts!(world.staking.withdraw_stake(active.clone(), &mut tx(USER)), inner::E_NOT_WITHDRAWABLE);
    let mut withdrawing = active;
    world.staking.request_withdraw_stake(&mut withdrawing, &mut tx(USER)).unwrap();
    assert_eq!(withdrawing.withdraw_epoch().unwrap(), 2);
    assert_aborts!(world.staking.request_withdraw_stake(&mut withdrawing, &mut tx(USER)), inner::E_NOT_STAKED);
    assert_aborts!(world.staking.withdraw_stake(withdrawing, &mut tx(USER)), inner::E_NOT_WITHDRAWABLE);
}

// === Epochs ===

#[test]
fn epoch_change_pays_rewards_and_withdrawals_take_them() {
    let mut world = World::new(0);
    world.fund_three_epochs();

    world.voting_end();
    let next = world.inner().next_epoch_params.as_ref().unwrap().committee.clone();
    assert_eq!(next.members[0].node_id, node(3));
    assert_eq!(next.members[0].shard_ids, vec![6, 7, 8, 9]);
    assert_eq!(next.members[3].shard_ids, vec![0]);
    world.initiate_epoch_change();

    let state = world.system.inner().unwrap();
    assert_eq!((state.epoch, world.staking.epoch().unwrap()), (2, 2));
    assert_eq!(world.inner().epoch_state, inner::EpochState::EpochChangeSync);
    assert_eq!(state.committee, world.inner().committee);
    assert_eq!(state.committee.members[0].node_id, node(3));
    assert_eq!(state.rewards.value, 0);
    let rewards: Vec<u64> = (0..4).map(|i| world.pool(node(i)).rewards.value).collect();
    assert_eq!(rewards, vec![600, 1_200, 1_800, 2_400]);
    assert_eq!(world.pool(node(3)).active_wal, 4_000 * FROST_PER_WAL + 2_400);
    let pool = world.pool(node(3));
    assert_eq!(pool.active_pool_tokens, 4_000 * FROST_PER_WAL);
    assert!(pool.exchange_rate(1).is_ok() && pool.exchange_rate(3).is_err());
    let rate = pool.exchange_rate(2).unwrap();
    assert_eq!((rate.wal_amount, rate.pool_token_amount), (4_000 * FROST_PER_WAL + 2_400, 4_000 * FROST_PER_WAL));
    assert_eq!(rate.to_wal(4_000 * FROST_PER_WAL), 4_000 * FROST_PER_WAL + 2_400);

    let mut staked = world.take_staked(addr(0xA3));
    world.staking.request_withdraw_stake(&mut staked, &mut tx(addr(0xA3))).unwrap();
    assert_eq!((staked.withdraw_epoch().unwrap(), staked.pool_token_amount().unwrap()), (3, 4_000 * FROST_PER_WAL));

    world.sync(addr(0xA3));
    assert_eq!((world.inner().synced_shards, world.inner().epoch_state), (4, inner::EpochState::EpochChangeSync));
    world.sync(addr(0xA2));
    assert_eq!((world.inner().synced_shards, world.inner().epoch_state), (7, inner::EpochState::EpochChangeDone));

    world.voting_end();
    let next = world.inner().next_epoch_params.as_ref().unwrap().committee.clone();
    assert_eq!(next.members.len(), 3);
    assert_eq!(next.members[0].node_id, node(2));
    let lists: Vec<_> = next.members.iter().map(|m| m.shard_ids.clone()).collect();
    assert_eq!(lists, vec![vec![3, 4, 5, 6, 7], vec![1, 2, 8], vec![0, 9]]);
    world.initiate_epoch_change();

    let staked_id = staked.id;
    let mut ctx = tx(addr(0xA3));
    let coin = world.staking.withdraw_stake(staked, &mut ctx).unwrap();
    assert_eq!(coin.value(), 4_000 * FROST_PER_WAL + 3_200);
    assert_eq!(
        staking_events(ctx.events()),
        vec![StakingEvent::StakeWithdrawn(StakeWithdrawn {
            epoch: 3,
            staked_wal_id: staked_id,
            node_id: node(3),
            principal: 4_000 * FROST_PER_WAL,
            rewards: 3_200,
        })]
    );
    assert_eq!((world.pool(node(3)).rewards.value, world.pool(node(3)).active_wal), (0, 0));
}

#[test]
fn epoch_change_emits_its_events() {
    let mut world = World::new(0);
    world.fund_three_epochs();
    world.voting_end();
    let events = world.initiate_epoch_change();
    assert_eq!(
        events,
        vec![
            Event::EpochAdvanced(EpochAdvanced { epoch: 2, released_funds: 6_000 }),
            Event::Staking(StakingEvent::RewardsDistributed(RewardsDistributed {
                epoch: 1,
                rewards: 6_000,
                burned: 0
            })),
            Event::Staking(StakingEvent::EpochChangeStart(EpochChangeStart { epoch: 2 })),
        ]
    );
    assert_eq!(world.inner().epoch_start_ms, world.clock.timestamp_ms);
}

#[test]
fn epoch_sync_emits_and_ignores_repeats() {
    let mut world = World::new(0);
    world.epoch_change();
    let first = world.sync(addr(0xA3));
    let repeat = world.sync(addr(0xA3));
    assert_eq!(
        staking_events(&first),
        vec![StakingEvent::EpochChangeSync(EpochChangeSync { epoch: 2, node_id: node(3), synced_shards: 4 })]
    );
    assert!(repeat.is_empty());
    let done = staking_events(&world.sync(addr(0xA2)));
    assert_eq!(done.len(), 2);
    assert!(
        matches!(done[1], StakingEvent::EpochChangeDone(ref e) if e.epoch == 2 && e.timestamp_ms == world.clock.timestamp_ms)
    );
    assert!(world.sync(addr(0xA0)).is_empty());
    assert_eq!((world.inner().synced_shards, world.inner().epoch_state), (7, inner::EpochState::EpochChangeDone));
}

#[test]
fn epoch_sync_checks_the_epoch_and_the_membership() {
    let mut world = World::new(0);
    let candidate = world.register_candidate();
    world.epoch_change();
    let cap = world.cap(addr(0xA3));
    let clock = world.clock.clone();
    assert_aborts!(world.staking.epoch_sync_done(&cap, 1, &clock, &mut tx(ADMIN)), inner::E_WRONG_EPOCH);
    assert_aborts!(world.staking.epoch_sync_done(&candidate, 2, &clock, &mut tx(ADMIN)), inner::E_NOT_IN_COMMITTEE);
}

#[test]
fn epoch_steps_check_the_state_and_the_clock() {
    let mut world = World::new(0);
    world.advance_clock(EPOCH_DURATION_MS / 2 - 1);
    let clock = world.clock.clone();
    assert_aborts!(world.staking.voting_end(&clock, &mut tx(ADMIN)), inner::E_TOO_EARLY);
    // Before voting_end, the epoch cannot change even when it is over.
    world.advance_clock(EPOCH_DURATION_MS);
    let clock = world.clock.clone();
    assert_aborts!(
        world.staking.initiate_epoch_change(&mut world.system, &clock, &mut tx(ADMIN)),
        inner::E_WRONG_EPOCH_STATE
    );

    let mut world = World::new(0);
    world.voting_end();
    let clock = world.clock.clone();
    assert_aborts!(world.staking.voting_end(&clock, &mut tx(ADMIN)), inner::E_WRONG_EPOCH_STATE);
    assert_aborts!(world.staking.initiate_epoch_change(&mut world.system, &clock, &mut tx(ADMIN)), inner::E_TOO_EARLY);
    // Another system, not the one this staking object drives.
    let (mut other, _cap) = setup();
    world.advance_clock(EPOCH_DURATION_MS);
    let clock = world.clock.clone();
    assert_aborts!(world.staking.initiate_epoch_change(&mut other, &clock, &mut tx(ADMIN)), staking::E_WRONG_SYSTEM);
    world.initiate_epoch_change();
    // The new committee has not synced: no voting yet.
    world.advance_clock(EPOCH_DURATION_MS / 2);
    let clock = world.clock.clone();
    assert_aborts!(world.staking.voting_end(&clock, &mut tx(ADMIN)), inner::E_WRONG_EPOCH_STATE);
}

#[test]
fn a_registered_and_staked_candidate_joins_the_committee() {
    let mut world = World::new(0);
    let cap = world.register_candidate();
    world.stake(cap.node_id, 5_000 * FROST_PER_WAL).unwrap();
    world.epoch_change();
    let state = world.system.inner().unwrap();
    let c = &state.committee;
    assert_eq!(c.members.len(), 5);
    assert_eq!(c.members[0].node_id, cap.node_id);
    let lists: Vec<_> = c.members.iter().map(|m| m.shard_ids.clone()).collect();
    assert_eq!(lists, vec![vec![2, 5, 9], vec![6, 7, 8], vec![3, 4], vec![1], vec![0]]);
    assert_eq!(c.members[0].network_address, "127.0.0.1:9105");
    assert_eq!((state.storage_price_per_unit_size, state.total_capacity_size), (STORAGE_PRICE, CAPACITY));
    assert_eq!(world.pool(cap.node_id).active_wal, 5_000 * FROST_PER_WAL);
}

#[test]
fn exchange_rates_round_down_and_convert_one_to_one_when_empty() {
    let rate = PoolExchangeRate { wal_amount: 3, pool_token_amount: 2 };
    assert_eq!((rate.to_pool_tokens(10), rate.to_wal(5)), (6, 7));
    let empty = PoolExchangeRate { wal_amount: 0, pool_token_amount: 0 };
    assert_eq!((empty.to_pool_tokens(10), empty.to_wal(10)), (10, 10));
}

/// The bytes of `messages_tests.move::proof_of_possession_matches_the_rust_core`.
#[test]
fn proof_of_possession_matches_the_move_vector() {
    let key = candidate_key();
    let message = walrus_contracts::messages::proof_of_possession_message(1, addr(0xCA), &key.public_key());
    assert_eq!(
        hex::encode(&message),
        "0200030100000000000000000000000000000000000000000000000000000000000000000000cab0e7791fb972fe014159aa33a98622da3cdc98ff707965e536d8636b5fcc5ac7a91a8c46e59a00dca575af0f18fb13dc"
    );
    assert_eq!(
        hex::encode(key.proof_of_possession(1, addr(0xCA).0)),
        "94f575951f7ca9f6905957ae8b0d808a8aa0484b0dec336579180c66d318d3bc5d92b0f99217fb1e39cff8f1bc574a2115e495a15ed15998d963f296ad79be1714e086359ecfbfec91c0f858727da3bd15973b123dd8c05e2ea7de9183910f12"
    );
}

// === Commission, votes, burning ===

#[test]
fn commission_changes_after_two_epochs_and_is_collected() {
    let mut world = World::new(0);
    world.fund_three_epochs();
    let cap = world.cap(addr(0xA3));
    world.staking.set_next_commission(&cap, 2_000).unwrap();
    assert_eq!(world.pool(node(3)).pending_commission.map(|p| p.rate_bps), Some(2_000));
    assert_aborts!(world.staking.set_next_commission(&cap, 10_001), inner::E_INVALID_COMMISSION_RATE);

    world.epoch_change();
    world.sync_quorum();
    world.epoch_change();
    let pool = world.pool(node(3));
    assert_eq!((pool.commission_rate_bps, pool.pending_commission, pool.commission.value), (2_000, None, 0));
    assert_eq!(pool.rewards.value, 2_400 + 800);

    world.sync_quorum();
    world.epoch_change();
    assert_eq!(world.pool(node(3)).rewards.value, 2_400 + 800 + 640);
    let commission = world.staking.collect_commission(&cap, &mut tx(addr(0xA3))).unwrap();
    assert_eq!(commission.value(), 160);
    assert_eq!(world.pool(node(3)).commission.value, 0);
}

#[test]
fn votes_of_a_quorum_set_the_next_prices_and_capacity() {
    let mut world = World::new(0);
    for operator in [addr(0xA3), addr(0xA2)] {
        let cap = world.cap(operator);
        world.staking.set_storage_price_vote(&cap, 1_500).unwrap();
        world.staking.set_write_price_vote(&cap, 2_500).unwrap();
        world.staking.set_node_capacity_vote(&cap, 2 * GIB).unwrap();
    }
    let events = world.voting_end();
    assert_eq!(
        staking_events(&events),
        vec![StakingEvent::EpochParametersSelected(EpochParametersSelected {
            next_epoch: 2,
            storage_price_per_unit_size: 1_500,
            write_price_per_unit_size: 2_500,
            total_capacity_size: 2 * GIB,
        })]
    );
    world.initiate_epoch_change();
    let state = world.system.inner().unwrap();
    assert_eq!(
        (state.storage_price_per_unit_size, state.write_price_per_unit_size, state.total_capacity_size),
        (1_500, 2_500, 2 * GIB)
    );
}

#[test]
fn the_burn_share_of_rewards_is_burned() {
    let mut ctx = tx(ADMIN);
    wal::init(&mut ctx);
    let Object::ProtectedTreasury(mut treasury) = ctx.shared()[0].clone() else { panic!("init shares the treasury") };
    let mut world = World::new(1_000);
    world.fund_three_epochs();
    world.epoch_change();
    assert_eq!(world.inner().burn_pending.value, 600);
    assert_eq!(world.pool(node(3)).rewards.value, 2_160);
    let supply = treasury.total_supply();
    world.staking.burn_pending_rewards(&mut treasury, &mut tx(ADMIN)).unwrap();
    assert_eq!(treasury.total_supply(), supply - 600);
    assert_eq!(world.inner().burn_pending.value, 0);
}

#[test]
fn other_state_version_aborts() {
    let mut world = World::new(0);
    world.staking.version = 2;
    assert_aborts!(world.staking.epoch(), staking::E_WRONG_VERSION);
}

// === committee_tests.move: the worked examples ===

#[test]
fn candidates_sort_by_stake_then_lowest_id() {
    let mut ids = vec![addr(1), addr(3), addr(2), addr(4)];
    let mut stakes = vec![10, 20, 20, 30];
    committee::sort_candidates(&mut ids, &mut stakes);
    assert_eq!(ids, vec![addr(4), addr(2), addr(3), addr(1)]);
    assert_eq!(stakes, vec![30, 20, 20, 10]);
}

#[test]
fn shard_count_examples() {
    assert_eq!(committee::shard_counts(&[40, 30, 20, 10], 10, 10), vec![4, 3, 2, 1]); // A
    assert_eq!(committee::shard_counts(&[3000, 2000, 1000], 10, 10), vec![5, 3, 2]); // B
    assert_eq!(committee::shard_counts(&[70, 20, 10], 10, 4), vec![4, 4, 2]); // C
    assert_eq!(committee::shard_counts(&[1, 1, 1], 10, 2), vec![4, 3, 3]); // D
    assert_eq!(committee::shard_counts(&[1000, 1], 4, 4), vec![4, 0]); // E
}

fn test_committee() -> Committee {
    Committee::new(node_ids(), public_keys(), network_addresses(), shard_counts()).unwrap()
}

#[test]
fn shard_assignment_examples() {
    let previous = test_committee();
    // F: node 0x4 leaves, the others get 5, 3, 2.
    assert_eq!(
        committee::assign_shards(&previous, &[node(2), node(1), node(0)], &[5, 3, 2], 10),
        vec![vec![3, 4, 5, 6, 7], vec![1, 2, 8], vec![0, 9]]
    );
    // G: 0x4 shrinks to 2, a new node takes 5, 0x1 grows to 3.
    assert_eq!(
        committee::assign_shards(&previous, &[node(3), addr(5), node(0)], &[2, 5, 3], 10),
        vec![vec![6, 7], vec![1, 2, 3, 4, 5], vec![0, 8, 9]]
    );
}

#[test]
fn vote_percentile_examples() {
    assert_eq!(committee::quorum_price(&[100, 200, 300, 400], &[4, 3, 2, 1]), 200);
    assert_eq!(committee::quorum_price(&[100, 300, 200, 400], &[1, 2, 3, 4]), 400);
    assert_eq!(committee::quorum_price(&[], &[]), 0);
    assert_eq!(committee::quorum_capacity(&[100, 200, 300, 400], &[1, 2, 3, 4]), 300);
    assert_eq!(committee::quorum_capacity(&[100, 200, 300, 400], &[4, 3, 2, 1]), 100);
}

// === staked_wal_tests.move ===

fn staked(amount: u64, activation_epoch: u32) -> StakedWal {
    StakedWal::mint(addr(1), Balance::new(amount), activation_epoch, &mut tx(USER))
}

#[test]
fn split_and_join() {
    let mut ctx = tx(USER);
    let mut whole = staked(10 * FROST_PER_WAL, 2);
    let part = whole.split(3 * FROST_PER_WAL, &mut ctx).unwrap();
    assert_eq!((whole.value(), part.value(), part.activation_epoch), (7 * FROST_PER_WAL, 3 * FROST_PER_WAL, 2));
    assert!(part.is_staked());
    whole.join(part).unwrap();
    assert_eq!(whole.value(), 10 * FROST_PER_WAL);

    whole.set_withdrawing(5, 1_000);
    let part = whole.split(3 * FROST_PER_WAL, &mut ctx).unwrap();
    assert_eq!((part.withdraw_epoch().unwrap(), part.pool_token_amount().unwrap()), (5, 300));
    assert_eq!(whole.pool_token_amount().unwrap(), 700);
    whole.join(part).unwrap();
    assert_eq!((whole.pool_token_amount().unwrap(), whole.value()), (1_000, 10 * FROST_PER_WAL));
}

#[test]
fn split_and_join_check_their_arguments() {
    let mut ctx = tx(USER);
    let mut whole = staked(10 * FROST_PER_WAL, 2);
    assert_aborts!(whole.split(FROST_PER_WAL - 1, &mut ctx), staked_wal::E_INVALID_SPLIT_AMOUNT);
    assert_aborts!(whole.split(10 * FROST_PER_WAL - 1, &mut ctx), staked_wal::E_INVALID_SPLIT_AMOUNT);
    assert_aborts!(whole.join(staked(10 * FROST_PER_WAL, 3)), staked_wal::E_INCOMPATIBLE_STAKED_WAL);
    let mut withdrawing = staked(10 * FROST_PER_WAL, 2);
    withdrawing.set_withdrawing(5, 1_000);
    assert_aborts!(whole.join(withdrawing), staked_wal::E_INCOMPATIBLE_STAKED_WAL);
    assert_aborts!(whole.withdraw_epoch(), staked_wal::E_NOT_WITHDRAWING);
}

#[test]
fn bcs_layouts_of_the_staking_objects() {
    let world = World::new(0);
    // Staking: id and version; the state is a dynamic field.
    assert_eq!(Object::Staking(world.staking.clone()).bcs().len(), 40);
    // StakedWal: id, node id, principal, activation epoch, state (variant 0, no fields).
    let s = staked(10, 2);
    let bytes = bcs::to_bytes(&s).unwrap();
    assert_eq!(bytes.len(), 32 + 32 + 8 + 4 + 1);
    assert_eq!(bytes[76], 0);
    let mut w = s.clone();
    w.set_withdrawing(5, 7);
    let bytes = bcs::to_bytes(&w).unwrap();
    assert_eq!(&bytes[76..], &[1, 5, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0]);
    // StorageNodeCap: id, node id.
    assert_eq!(bcs::to_bytes(&world.cap(addr(0xA0))).unwrap().len(), 64);
    let _: Coin = mint_wal(1, &mut tx(USER));
}
