//! Storage challenges on the twin: the scenarios of
//! `move/walrus/tests/storage_challenge_tests.move`, with the same numbers.

mod common;

use common::*;
use walrus_contracts::{
    Clock, ObjectId,
    events::{ChallengeParametersSet, ChallengeRewardWithheld, ChallengeSeedSet, Event, StakingEvent, StorageAttested},
    framework::Random,
    objects::Object,
    staking::{self, E_WRONG_VERSION, Staking},
    staking_inner as inner,
    storage_challenge::{self as challenge, DEFAULT_SAMPLES_PER_NODE, MAX_SAMPLES_PER_NODE, SEED_BYTES},
    storage_node::StorageNodeCap,
    system::System,
};

const FROST_PER_WAL: u64 = 1_000_000_000;
const EPOCH_DURATION_MS: u64 = 3_600_000;

fn addr(last: u8) -> ObjectId {
    let mut id = [0u8; 32];
    id[31] = last;
    ObjectId(id)
}

/// Operator of node `i` (0-based: node 0x1 is operated by 0xA0).
fn operator(i: u8) -> ObjectId {
    addr(0xA0 + i)
}

fn node(i: usize) -> ObjectId {
    node_ids()[i]
}

/// The system, the staking object, the clock, the `0x8` Random object and the caps.
struct World {
    system: System,
    staking: Staking,
    clock: Clock,
    random: Random,
    caps: Vec<(ObjectId, StorageNodeCap)>,
}

impl World {
    fn new() -> Self {
        let (mut system, cap) = setup();
        let mut ctx = tx(ADMIN);
        let mut stake = mint_wal(10_000 * FROST_PER_WAL, &mut ctx);
        let clock = Clock::at(0);
        let stakes = (1..=4).map(|i| i * 1_000 * FROST_PER_WAL).collect();
        let operators = (0..4).map(operator).collect();
        staking::create(
            cap,
            &mut system,
            operators,
            &mut stake,
            stakes,
            EPOCH_DURATION_MS,
            10,
            10,
            0,
            &clock,
            &mut ctx,
        )
        .unwrap();
        let Object::Staking(staking) = ctx.shared()[0].clone() else { panic!("create shares the Staking") };
        let caps = ctx
            .transferred()
            .iter()
            .filter_map(|(to, o)| match o {
                Object::StorageNodeCap(cap) => Some((*to, cap.clone())),
                _ => None,
            })
            .collect();
        let random = Random::new(addr(0x88)).for_transaction([0x1F; 32]);
        Self { system, staking, clock, random, caps }
    }

    fn cap(&self, owner: ObjectId) -> StorageNodeCap {
        self.caps.iter().find(|(to, _)| *to == owner).map(|(_, cap)| cap.clone()).unwrap()
    }

    fn set_seed(&mut self) -> walrus_contracts::MoveResult<Vec<Event>> {
        let mut ctx = tx(USER);
        let random = self.random.clone();
        self.staking.set_challenge_seed(&random, &mut ctx)?;
        Ok(ctx.events().to_vec())
    }

    fn attest(&mut self, operator_index: u8, nodes: &[usize]) -> walrus_contracts::MoveResult<Vec<Event>> {
        let cap = self.cap(operator(operator_index));
        let node_ids: Vec<ObjectId> = nodes.iter().map(|&i| node(i)).collect();
        let mut ctx = tx(cap.node_id);
        let epoch = self.staking.inner().map_or(0, |inner| inner.epoch);
        self.staking.attest_storage(&cap, epoch, &node_ids, &mut ctx)?;
        Ok(ctx.events().to_vec())
    }

    fn set_samples(&mut self, samples_per_node: u16) -> walrus_contracts::MoveResult<Vec<Event>> {
        let mut ctx = tx(ADMIN);
        self.staking.set_challenge_parameters(samples_per_node, &mut ctx)?;
        Ok(ctx.events().to_vec())
    }

    /// USER buys 2 MiB units for 3 epochs: epoch 1 receives 6000, epochs 2 and 3 2000 each.
    fn fund_three_epochs(&mut self) {
        let mut ctx = tx(USER);
        let mut payment = mint_wal(10_000, &mut ctx);
        self.system.reserve_space(MIB + 1, 3, &mut payment, &mut ctx).unwrap();
    }

    fn voting_end(&mut self) {
        self.clock.timestamp_ms += EPOCH_DURATION_MS / 2;
        self.staking.voting_end(&self.clock, &mut tx(ADMIN)).unwrap();
    }

    fn initiate_epoch_change(&mut self) -> Vec<Event> {
        self.clock.timestamp_ms += EPOCH_DURATION_MS - EPOCH_DURATION_MS / 2;
        let mut ctx = tx(ADMIN);
        self.staking.initiate_epoch_change(&mut self.system, &self.clock, &mut ctx).unwrap();
        ctx.events().to_vec()
    }

    /// Nodes 0x4 and 0x3 (7 of 10 shards) signal sync.
    fn sync_quorum(&mut self) {
        for i in [3, 2] {
            let cap = self.cap(operator(i));
            let epoch = self.staking.epoch().unwrap();
            self.staking.epoch_sync_done(&cap, epoch, &self.clock, &mut tx(ADMIN)).unwrap();
        }
    }

    fn rewards(&self, i: usize) -> u64 {
        self.staking.inner().unwrap().pool(&node(i)).unwrap().rewards.value
    }

    fn current_epoch_funds(&self) -> (u32, u64) {
        let account = self.system.inner().unwrap().future_accounting.account(0).unwrap().clone();
        (account.epoch, account.funds.value)
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

// === set_challenge_seed ===

#[test]
fn the_seed_is_drawn_once_per_epoch_with_the_samples_of_the_parameters() {
    let mut world = World::new();
    assert_eq!(world.staking.challenge_samples_per_node().unwrap(), DEFAULT_SAMPLES_PER_NODE);
    assert_eq!(world.staking.challenge_seed().unwrap(), None);

    let events = world.set_seed().unwrap();
    let seed = world.staking.challenge_seed().unwrap().unwrap();
    assert_eq!(seed.len(), SEED_BYTES);
    assert_eq!(
        staking_events(&events),
        vec![StakingEvent::ChallengeSeedSet(ChallengeSeedSet { epoch: 1, seed: seed.clone(), samples_per_node: 8 })]
    );

    world.voting_end();
    world.initiate_epoch_change();
    assert_eq!(world.staking.challenge_seed().unwrap(), None);
    world.sync_quorum();
    assert_eq!(
        staking_events(&world.set_samples(3).unwrap()),
        vec![StakingEvent::ChallengeParametersSet(ChallengeParametersSet { epoch: 2, samples_per_node: 3 })]
    );
    let events = world.set_seed().unwrap();
    let second = world.staking.challenge_seed().unwrap().unwrap();
    assert_ne!(second, seed);
    assert_eq!(
        staking_events(&events),
        vec![StakingEvent::ChallengeSeedSet(ChallengeSeedSet { epoch: 2, seed: second, samples_per_node: 3 })]
    );
}

#[test]
fn the_seed_comes_from_the_transactions_randomness() {
    // The same randomness and object-id counter give the same seed; other randomness another.
    let mut ctx = tx(USER);
    let digest = ctx.digest();
    let seed = |random: &Random| {
        let mut ctx = walrus_contracts::TxContext::new(USER, digest);
        random.new_generator(&mut ctx).generate_bytes(32)
    };
    let random = Random::new(addr(0x88)).for_transaction([7; 32]);
    assert_eq!(seed(&random), seed(&random));
    assert_ne!(seed(&random), seed(&Random::new(addr(0x88)).for_transaction([8; 32])));
    // As Sui's generator: 32 bytes are one whole block; 33 bytes take a second block whose last
    // byte comes first.
    let mut generator = random.new_generator(&mut ctx);
    let first = generator.generate_bytes(33);
    assert_eq!(first.len(), 33);
    let mut again = random.new_generator(&mut walrus_contracts::TxContext::new(USER, digest));
    assert_eq!(again.generate_bytes(32), first[..32]);
}

#[test]
fn seeds_check_the_epoch_state_the_parameters_and_the_version() {
    let mut world = World::new();
    world.set_seed().unwrap();
    assert_aborts!(world.set_seed(), challenge::E_SEED_ALREADY_SET);

    let mut world = World::new();
    world.voting_end();
    world.initiate_epoch_change();
    assert_aborts!(world.set_seed(), inner::E_WRONG_EPOCH_STATE);

    let mut world = World::new();
    world.set_samples(0).unwrap();
    assert_aborts!(world.set_seed(), challenge::E_CHALLENGES_DISABLED);
    assert_aborts!(world.set_samples(MAX_SAMPLES_PER_NODE + 1), challenge::E_INVALID_CHALLENGE_PARAMETERS);

    let mut world = World::new();
    world.staking.version = 2;
    assert_aborts!(world.set_seed(), E_WRONG_VERSION);
}

// === attest_storage ===

#[test]
fn attestations_add_the_attesters_shards() {
    let mut world = World::new();
    world.set_seed().unwrap();
    let attested = |attester: usize, node_index: usize, attested_shards: u16| {
        StakingEvent::StorageAttested(StorageAttested {
            epoch: 1,
            attester: node(attester),
            node_id: node(node_index),
            attested_shards,
        })
    };
    assert_eq!(staking_events(&world.attest(2, &[0, 3]).unwrap()), vec![attested(2, 0, 3), attested(2, 3, 3)]);
    assert_eq!(staking_events(&world.attest(1, &[3]).unwrap()), vec![attested(1, 3, 5)]);
    let shards: Vec<u16> = (0..4).map(|i| world.staking.challenge_attested_shards(&node(i)).unwrap()).collect();
    assert_eq!(shards, vec![3, 0, 0, 5]);
    assert_eq!(world.staking.challenge_attested_shards(&addr(0x5)).unwrap(), 0);
    let challenges = &world.staking.inner().unwrap().challenges;
    assert!(challenges.has_attested(3, 1) && challenges.has_attested(3, 2) && !challenges.has_attested(3, 0));
}

#[test]
fn attestations_check_the_challenge_the_members_and_repeats() {
    let mut world = World::new();
    assert_aborts!(world.attest(2, &[0]), challenge::E_NO_CHALLENGE);
    world.set_seed().unwrap();
    let outsider = StorageNodeCap { id: addr(0x77), node_id: addr(0x5) };
    assert_aborts!(
        world.staking.attest_storage(&outsider, 1, &[node(0)], &mut tx(USER)),
        challenge::E_NOT_COMMITTEE_MEMBER
    );
    let mut unknown = world.staking.clone();
    let cap = world.cap(operator(2));
    assert_aborts!(
        unknown.attest_storage(&cap, 1, &[node(0), addr(0x5)], &mut tx(USER)),
        challenge::E_UNKNOWN_CHALLENGED_NODE
    );
    assert_aborts!(world.staking.clone().attest_storage(&cap, 2, &[node(0)], &mut tx(USER)), challenge::E_WRONG_EPOCH);
    assert_aborts!(world.attest(2, &[2]), challenge::E_SELF_ATTESTATION);
    assert_aborts!(world.attest(2, &[0, 0]), challenge::E_ALREADY_ATTESTED);
    let mut world = World::new();
    world.set_seed().unwrap();
    world.attest(2, &[0]).unwrap();
    assert_aborts!(world.attest(2, &[1, 0]), challenge::E_ALREADY_ATTESTED);
    world.staking.version = 2;
    assert_aborts!(world.attest(2, &[1]), E_WRONG_VERSION);
}

// === Rewards ===

#[test]
fn members_without_a_quorum_of_attestations_lose_their_share_to_the_next_epoch() {
    let mut world = World::new();
    world.fund_three_epochs();
    world.set_seed().unwrap();
    // Node 0x1 is attested by nobody; node 0x4 by exactly two thirds of the others' shards.
    world.attest(0, &[1, 2, 3]).unwrap();
    world.attest(1, &[2]).unwrap();
    world.attest(2, &[1, 3]).unwrap();
    world.attest(3, &[1, 2]).unwrap();
    assert_eq!(world.staking.challenge_attested_shards(&node(3)).unwrap(), 4);

    world.voting_end();
    let events = staking_events(&world.initiate_epoch_change());
    let withheld: Vec<_> = events.iter().filter(|e| matches!(e, StakingEvent::ChallengeRewardWithheld(_))).collect();
    assert_eq!(
        withheld,
        vec![
            &StakingEvent::ChallengeRewardWithheld(ChallengeRewardWithheld { epoch: 1, node_id: node(0), amount: 600 }),
            &StakingEvent::ChallengeRewardWithheld(ChallengeRewardWithheld {
                epoch: 1,
                node_id: node(3),
                amount: 2_400
            }),
        ]
    );
    assert!(events.iter().any(|e| matches!(e, StakingEvent::RewardsDistributed(d) if d.rewards == 6_000)));
    assert_eq!((0..4).map(|i| world.rewards(i)).collect::<Vec<_>>(), vec![0, 1_200, 1_800, 0]);
    assert_eq!(world.current_epoch_funds(), (2, 2_000 + 3_000));
    assert_eq!(world.staking.challenge_seed().unwrap(), None);
    assert_eq!(world.staking.challenge_attested_shards(&node(1)).unwrap(), 0);

    // Epoch 2 issues no challenge: its 5000 FROST go to every member by shards.
    world.sync_quorum();
    world.voting_end();
    world.initiate_epoch_change();
    assert_eq!((0..4).map(|i| world.rewards(i)).collect::<Vec<_>>(), vec![500, 2_200, 3_300, 2_000]);
}

#[test]
fn members_that_pass_are_paid_as_without_a_challenge() {
    let mut world = World::new();
    world.fund_three_epochs();
    world.set_seed().unwrap();
    world.attest(0, &[1, 2, 3]).unwrap();
    world.attest(1, &[0, 2, 3]).unwrap();
    world.attest(2, &[0, 1, 3]).unwrap();
    world.attest(3, &[0, 1, 2]).unwrap();
    world.voting_end();
    let events = staking_events(&world.initiate_epoch_change());
    assert!(!events.iter().any(|e| matches!(e, StakingEvent::ChallengeRewardWithheld(_))));
    assert_eq!((0..4).map(|i| world.rewards(i)).collect::<Vec<_>>(), vec![600, 1_200, 1_800, 2_400]);
    assert_eq!(world.current_epoch_funds(), (2, 2_000));
}
