/// Storage challenges: ongoing proofs that the members of the committee still hold their slivers.
///
/// Each epoch, once the committee synced its shards (the epoch state is no longer
/// `EpochChangeSync`), anyone calls `staking::set_challenge_seed`, which draws a 32-byte seed
/// from `sui::random`. From the seed, the epoch, a member's node id and the blobs certified
/// before the epoch, every node derives the same samples (blob, sliver pair of the member's
/// shards, symbol) the member must prove it holds (docs/node.md, "Storage challenges"). The other
/// members fetch the member's symbols with their Merkle proofs, verify them off chain against
/// the blobs' metadata, and each attests on chain (`staking::attest_storage`) the members whose
/// proofs verified, weighted by the attester's shards.
///
/// At the epoch's end (`staking_inner::initiate_epoch_change`) a member keeps its share of the
/// epoch's storage rewards only if the members that attested it hold more than two thirds of
/// the shards of the other members (`passed`); otherwise its share stays in the storage fund,
/// in the account of the next epoch. An epoch without a seed issued no challenge, so nobody
/// loses rewards.
///
/// This module keeps the state (a field of `staking_inner::StakingInnerV1`) and its rules; the
/// entry points are in `staking`.
module walrus::storage_challenge;

use walrus::{bls_aggregate::Committee, events};

/// Bytes of a challenge seed.
const SEED_BYTES: u64 = 32;
/// Samples each member answers, as set at `staking::create`.
const DEFAULT_SAMPLES_PER_NODE: u16 = 8;
/// The most samples a member may be asked for: one answer carries this many symbols with their
/// proofs, so this bounds its size.
const MAX_SAMPLES_PER_NODE: u16 = 64;

/// `samples_per_node` is above `MAX_SAMPLES_PER_NODE`.
const EInvalidChallengeParameters: u64 = 0;
/// `samples_per_node` is 0: challenges are switched off, no seed can be drawn.
const EChallengesDisabled: u64 = 1;
/// The seed of the epoch was already drawn.
const ESeedAlreadySet: u64 = 2;
/// An attestation in an epoch without a seed: nothing was challenged.
const ENoChallenge: u64 = 3;
/// The attester is not a member of the epoch's committee.
const ENotCommitteeMember: u64 = 4;
/// An attested node is not a member of the epoch's committee.
const EUnknownChallengedNode: u64 = 5;
/// A member attested itself.
const ESelfAttestation: u64 = 6;
/// The attester already attested this node this epoch (or named it twice).
const EAlreadyAttested: u64 = 7;
/// The attestation is for another epoch than the current one (it was sent before an epoch
/// change and arrived after it).
const EWrongEpoch: u64 = 8;

/// The challenge issued in an epoch.
public struct IssuedChallenge has copy, drop, store {
    /// `SEED_BYTES` bytes from `sui::random`.
    seed: vector<u8>,
    /// The samples each member answers (the parameter when the seed was drawn).
    samples_per_node: u16,
}

/// BCS layout, in this order (docs/chain.md).
public struct StorageChallenges has store {
    /// Samples each member answers in challenges issued from now on; 0 switches them off.
    samples_per_node: u16,
    /// The epoch the fields below are about (the staking epoch).
    epoch: u32,
    /// The epoch's challenge, once its seed was drawn.
    issued: Option<IssuedChallenge>,
    /// For member `i` of the epoch's committee: who attested it, as a bitmap over member indices
    /// (member `j` is bit `j % 8` of byte `j / 8`). One entry per member once the seed is drawn.
    attesters: vector<vector<u8>>,
    /// For member `i`: the shards of the members that attested it.
    attested_shards: vector<u16>,
}

/// The state of `epoch`, without a challenge. Checks `EInvalidChallengeParameters`.
public(package) fun new(samples_per_node: u16, epoch: u32): StorageChallenges {
    assert!(samples_per_node <= MAX_SAMPLES_PER_NODE, EInvalidChallengeParameters);
    StorageChallenges {
        samples_per_node,
        epoch,
        issued: option::none(),
        attesters: vector[],
        attested_shards: vector[],
    }
}

/// Sets the samples per member of the challenges issued from now on (a challenge already issued
/// this epoch keeps its count, which nodes read from its `ChallengeSeedSet` event); 0 switches
/// challenges off. Checks `EInvalidChallengeParameters`. Emits `ChallengeParametersSet`.
public(package) fun set_parameters(self: &mut StorageChallenges, samples_per_node: u16) {
    assert!(samples_per_node <= MAX_SAMPLES_PER_NODE, EInvalidChallengeParameters);
    self.samples_per_node = samples_per_node;
    events::emit_challenge_parameters_set(self.epoch, samples_per_node);
}

/// Issues the epoch's challenge with `seed` to the members of `committee` (the epoch's).
/// Checks `EChallengesDisabled`, `ESeedAlreadySet`. Emits `ChallengeSeedSet`.
public(package) fun set_seed(
    self: &mut StorageChallenges,
    committee: &Committee,
    seed: vector<u8>,
) {
    assert!(self.samples_per_node > 0, EChallengesDisabled);
    assert!(self.issued.is_none(), ESeedAlreadySet);
    let n_members = committee.n_members();
    let mut empty_bitmap = vector[];
    let mut k = 0;
    while (k < (n_members + 7) / 8) {
        empty_bitmap.push_back(0u8);
        k = k + 1;
    };
    let mut attesters = vector[];
    let mut attested_shards = vector[];
    let mut i = 0;
    while (i < n_members) {
        attesters.push_back(empty_bitmap);
        attested_shards.push_back(0u16);
        i = i + 1;
    };
    self.attesters = attesters;
    self.attested_shards = attested_shards;
    let samples_per_node = self.samples_per_node;
    events::emit_challenge_seed_set(self.epoch, seed, samples_per_node);
    self.issued = option::some(IssuedChallenge { seed, samples_per_node });
}

/// The member `attester` of `committee` attests that each of `node_ids` answered the challenge
/// of `epoch` with proofs that verified; each attested member gains the attester's shards.
/// Checks `EWrongEpoch`, `ENoChallenge`, `ENotCommitteeMember`, then per node, in order:
/// `EUnknownChallengedNode`, `ESelfAttestation`, `EAlreadyAttested`. Emits `StorageAttested` per
/// node.
public(package) fun attest(
    self: &mut StorageChallenges,
    committee: &Committee,
    attester: ID,
    epoch: u32,
    node_ids: vector<ID>,
) {
    assert!(epoch == self.epoch, EWrongEpoch);
    assert!(self.issued.is_some(), ENoChallenge);
    let attester_index = committee.index_of(attester);
    assert!(attester_index.is_some(), ENotCommitteeMember);
    let attester_index = attester_index.destroy_some();
    let weight = committee.member(attester_index).member_shards();
    let bit = 1u8 << ((attester_index % 8) as u8);
    let mut i = 0;
    while (i < node_ids.length()) {
        let node_id = node_ids[i];
        let index = committee.index_of(node_id);
        assert!(index.is_some(), EUnknownChallengedNode);
        let index = index.destroy_some();
        assert!(index != attester_index, ESelfAttestation);
        let bitmap = &mut self.attesters[index];
        let byte = &mut bitmap[attester_index / 8];
        assert!((*byte & bit) == 0, EAlreadyAttested);
        *byte = *byte | bit;
        let shards = &mut self.attested_shards[index];
        *shards = *shards + weight;
        events::emit_storage_attested(epoch, attester, node_id, *shards);
        i = i + 1;
    };
}

/// Whether member `index` of `committee` (the epoch's) keeps its rewards: true if no challenge
/// was issued, if the other members hold no shards, or if the members that attested it hold more
/// than two thirds of the other members' shards. Its own shards do not count, so a member with
/// a third of the shards or more can pass too.
public(package) fun passed(self: &StorageChallenges, committee: &Committee, index: u64): bool {
    if (self.issued.is_none()) return true;
    let own_shards = (committee.member(index).member_shards() as u64);
    let other_shards = (committee.n_shards() as u64) - own_shards;
    other_shards == 0 || 3 * (self.attested_shards[index] as u64) > 2 * other_shards
}

/// Forgets the finished epoch's challenge and attestations; the state is now about `epoch`.
public(package) fun start_epoch(self: &mut StorageChallenges, epoch: u32) {
    self.epoch = epoch;
    self.issued = option::none();
    self.attesters = vector[];
    self.attested_shards = vector[];
}

// === Accessors ===

/// Samples per member of the challenges issued from now on (0: switched off).
public fun samples_per_node(self: &StorageChallenges): u16 {
    self.samples_per_node
}

/// The epoch the state is about.
public fun epoch(self: &StorageChallenges): u32 {
    self.epoch
}

/// The epoch's seed, once drawn.
public fun seed(self: &StorageChallenges): Option<vector<u8>> {
    if (self.issued.is_some()) option::some(self.issued.borrow().seed) else option::none()
}

/// The samples per member of the epoch's challenge (0 if none was issued).
public fun issued_samples_per_node(self: &StorageChallenges): u16 {
    if (self.issued.is_some()) self.issued.borrow().samples_per_node else 0
}

/// The shards of the members that attested member `index` this epoch (0 before the seed).
public fun attested_shards(self: &StorageChallenges, index: u64): u16 {
    if (index < self.attested_shards.length()) self.attested_shards[index] else 0
}

/// Whether member `attester_index` attested member `index` this epoch.
public fun has_attested(self: &StorageChallenges, index: u64, attester_index: u64): bool {
    if (index >= self.attesters.length()) return false;
    let bitmap = &self.attesters[index];
    attester_index / 8 < bitmap.length()
        && (bitmap[attester_index / 8] & (1u8 << ((attester_index % 8) as u8))) != 0
}

/// Bytes of a challenge seed (32).
public fun seed_bytes(): u64 {
    SEED_BYTES
}

/// The default samples per member (8).
public fun default_samples_per_node(): u16 {
    DEFAULT_SAMPLES_PER_NODE
}

/// The largest samples per member (64).
public fun max_samples_per_node(): u16 {
    MAX_SAMPLES_PER_NODE
}
