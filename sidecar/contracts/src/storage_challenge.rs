//! `walrus::storage_challenge`: the storage challenge of the current epoch (its seed, the
//! members' attestations, the samples parameter) and the rule that decides who keeps its
//! rewards. A field of `staking_inner::StakingInnerV1`; the entry points are in `staking`.
//! The protocol is described in the Move module and `docs/chain.md` §3.5.

use serde::{Deserialize, Serialize};

use crate::{
    abort::{AbortCode, MoveAbort, MoveResult, ensure},
    bls_aggregate::Committee,
    events::{ChallengeParametersSet, ChallengeSeedSet, Event, StakingEvent, StorageAttested},
    framework::{ObjectId, TxContext},
};

const MODULE: &str = "walrus::storage_challenge";
/// `samples_per_node` above [`MAX_SAMPLES_PER_NODE`].
pub const E_INVALID_CHALLENGE_PARAMETERS: AbortCode = AbortCode::new(MODULE, "EInvalidChallengeParameters", 0);
/// `samples_per_node` is 0: no seed can be drawn.
pub const E_CHALLENGES_DISABLED: AbortCode = AbortCode::new(MODULE, "EChallengesDisabled", 1);
/// The epoch's seed was already drawn.
pub const E_SEED_ALREADY_SET: AbortCode = AbortCode::new(MODULE, "ESeedAlreadySet", 2);
/// An attestation in an epoch without a seed.
pub const E_NO_CHALLENGE: AbortCode = AbortCode::new(MODULE, "ENoChallenge", 3);
/// The attester is not a member of the epoch's committee.
pub const E_NOT_COMMITTEE_MEMBER: AbortCode = AbortCode::new(MODULE, "ENotCommitteeMember", 4);
/// An attested node is not a member of the epoch's committee.
pub const E_UNKNOWN_CHALLENGED_NODE: AbortCode = AbortCode::new(MODULE, "EUnknownChallengedNode", 5);
/// A member attested itself.
pub const E_SELF_ATTESTATION: AbortCode = AbortCode::new(MODULE, "ESelfAttestation", 6);
/// The attester already attested this node this epoch (or named it twice).
pub const E_ALREADY_ATTESTED: AbortCode = AbortCode::new(MODULE, "EAlreadyAttested", 7);
/// The attestation is for another epoch than the current one.
pub const E_WRONG_EPOCH: AbortCode = AbortCode::new(MODULE, "EWrongEpoch", 8);

/// Bytes of a challenge seed.
pub const SEED_BYTES: usize = 32;
/// Samples each member answers, as set at `staking::create`.
pub const DEFAULT_SAMPLES_PER_NODE: u16 = 8;
/// The most samples a member may be asked for (bounds the size of one answer).
pub const MAX_SAMPLES_PER_NODE: u16 = 64;

/// `IssuedChallenge`: the challenge issued in an epoch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedChallenge {
    /// [`SEED_BYTES`] bytes from `sui::random`.
    pub seed: Vec<u8>,
    /// The samples each member answers.
    pub samples_per_node: u16,
}

/// `StorageChallenges`, field order as in Move.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageChallenges {
    /// Samples per member of the challenges issued from now on (0: switched off).
    pub samples_per_node: u16,
    /// The epoch the fields below are about.
    pub epoch: u32,
    /// The epoch's challenge, once its seed was drawn.
    pub issued: Option<IssuedChallenge>,
    /// Per member of the epoch's committee: bitmap of the members that attested it.
    pub attesters: Vec<Vec<u8>>,
    /// Per member: the shards of the members that attested it.
    pub attested_shards: Vec<u16>,
}

fn emit(ctx: &mut TxContext, event: StakingEvent) {
    ctx.emit(Event::Staking(event));
}

impl StorageChallenges {
    /// `new`.
    pub fn new(samples_per_node: u16, epoch: u32) -> MoveResult<Self> {
        ensure(samples_per_node <= MAX_SAMPLES_PER_NODE, E_INVALID_CHALLENGE_PARAMETERS)?;
        Ok(Self { samples_per_node, epoch, issued: None, attesters: Vec::new(), attested_shards: Vec::new() })
    }

    /// `set_parameters`.
    pub fn set_parameters(&mut self, samples_per_node: u16, ctx: &mut TxContext) -> MoveResult<()> {
        ensure(samples_per_node <= MAX_SAMPLES_PER_NODE, E_INVALID_CHALLENGE_PARAMETERS)?;
        self.samples_per_node = samples_per_node;
        emit(ctx, StakingEvent::ChallengeParametersSet(ChallengeParametersSet { epoch: self.epoch, samples_per_node }));
        Ok(())
    }

    /// `set_seed`.
    pub fn set_seed(&mut self, committee: &Committee, seed: Vec<u8>, ctx: &mut TxContext) -> MoveResult<()> {
        ensure(self.samples_per_node > 0, E_CHALLENGES_DISABLED)?;
        ensure(self.issued.is_none(), E_SEED_ALREADY_SET)?;
        let n_members = committee.members.len();
        self.attesters = vec![vec![0u8; n_members.div_ceil(8)]; n_members];
        self.attested_shards = vec![0; n_members];
        let samples_per_node = self.samples_per_node;
        emit(
            ctx,
            StakingEvent::ChallengeSeedSet(ChallengeSeedSet {
                epoch: self.epoch,
                seed: seed.clone(),
                samples_per_node,
            }),
        );
        self.issued = Some(IssuedChallenge { seed, samples_per_node });
        Ok(())
    }

    /// `attest`.
    pub fn attest(
        &mut self,
        committee: &Committee,
        attester: ObjectId,
        epoch: u32,
        node_ids: &[ObjectId],
        ctx: &mut TxContext,
    ) -> MoveResult<()> {
        ensure(epoch == self.epoch, E_WRONG_EPOCH)?;
        ensure(self.issued.is_some(), E_NO_CHALLENGE)?;
        let attester_index = committee.index_of(&attester).ok_or(MoveAbort(E_NOT_COMMITTEE_MEMBER))?;
        let weight = committee.members[attester_index].n_shards();
        let bit = 1u8 << (attester_index % 8);
        for node_id in node_ids {
            let index = committee.index_of(node_id).ok_or(MoveAbort(E_UNKNOWN_CHALLENGED_NODE))?;
            ensure(index != attester_index, E_SELF_ATTESTATION)?;
            let byte = &mut self.attesters[index][attester_index / 8];
            ensure(*byte & bit == 0, E_ALREADY_ATTESTED)?;
            *byte |= bit;
            let shards = &mut self.attested_shards[index];
            *shards += weight;
            let attested_shards = *shards;
            emit(
                ctx,
                StakingEvent::StorageAttested(StorageAttested {
                    epoch: self.epoch,
                    attester,
                    node_id: *node_id,
                    attested_shards,
                }),
            );
        }
        Ok(())
    }

    /// `passed`: whether member `index` of `committee` keeps its rewards.
    pub fn passed(&self, committee: &Committee, index: usize) -> bool {
        if self.issued.is_none() {
            return true;
        }
        let own_shards = u64::from(committee.members[index].n_shards());
        let other_shards = u64::from(committee.n_shards) - own_shards;
        other_shards == 0 || 3 * u64::from(self.attested_shards[index]) > 2 * other_shards
    }

    /// `start_epoch`.
    pub fn start_epoch(&mut self, epoch: u32) {
        self.epoch = epoch;
        self.issued = None;
        self.attesters.clear();
        self.attested_shards.clear();
    }

    /// `seed`.
    pub fn seed(&self) -> Option<Vec<u8>> {
        self.issued.as_ref().map(|issued| issued.seed.clone())
    }

    /// `issued_samples_per_node`.
    pub fn issued_samples_per_node(&self) -> u16 {
        self.issued.as_ref().map_or(0, |issued| issued.samples_per_node)
    }

    /// `attested_shards`.
    pub fn attested_shards(&self, index: usize) -> u16 {
        self.attested_shards.get(index).copied().unwrap_or(0)
    }

    /// `has_attested`.
    pub fn has_attested(&self, index: usize, attester_index: usize) -> bool {
        self.attesters
            .get(index)
            .and_then(|bitmap| bitmap.get(attester_index / 8))
            .is_some_and(|byte| byte & (1 << (attester_index % 8)) != 0)
    }
}
