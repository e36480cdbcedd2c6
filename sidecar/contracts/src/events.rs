//! `walrus::events`: the events storage nodes follow (`docs/chain.md` §8). BCS field order is
//! the Move declaration order.

use serde::{Deserialize, Serialize};

use crate::framework::{Address, ObjectId, U256};

/// `events::BlobRegistered`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobRegistered {
    /// Epoch of registration.
    pub epoch: u32,
    /// The blob id.
    pub blob_id: U256,
    /// Unencoded size.
    pub size: u64,
    /// Encoding type.
    pub encoding_type: u8,
    /// End epoch (exclusive).
    pub end_epoch: u32,
    /// Deletable or permanent.
    pub deletable: bool,
    /// The Blob object.
    pub object_id: ObjectId,
}

/// `events::BlobCertified` (also emitted on extension, with `is_extension`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobCertified {
    /// Epoch of certification or extension.
    pub epoch: u32,
    /// The blob id.
    pub blob_id: U256,
    /// End epoch (exclusive), after an extension the new one.
    pub end_epoch: u32,
    /// Deletable or permanent.
    pub deletable: bool,
    /// The Blob object.
    pub object_id: ObjectId,
    /// True when the blob was extended rather than certified.
    pub is_extension: bool,
}

/// `events::BlobDeleted`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobDeleted {
    /// Epoch of deletion.
    pub epoch: u32,
    /// The blob id.
    pub blob_id: U256,
    /// The end epoch the blob had.
    pub end_epoch: u32,
    /// The Blob object.
    pub object_id: ObjectId,
    /// Whether it had been certified.
    pub was_certified: bool,
}

/// `events::InvalidBlobId`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidBlobId {
    /// Epoch of invalidation.
    pub epoch: u32,
    /// The invalid blob id.
    pub blob_id: U256,
}

/// `events::EpochAdvanced`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochAdvanced {
    /// The new epoch.
    pub epoch: u32,
    /// WAL released from the finished epoch's account into rewards.
    pub released_funds: u64,
}

/// `events::AccessPolicyCreated`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessPolicyCreated {
    /// The shared `AccessPolicy`.
    pub policy_id: ObjectId,
    /// Its `AccessPolicyAdminCap`.
    pub admin_cap_id: ObjectId,
    /// Its name.
    pub name: String,
    /// The first epoch in which it grants nothing, if any.
    pub expiry_epoch: Option<u32>,
}

/// `events::ReaderAdded`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReaderAdded {
    /// The policy.
    pub policy_id: ObjectId,
    /// The new reader.
    pub reader: Address,
    /// The policy's version after the change.
    pub version: u64,
}

/// `events::ReaderRemoved`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReaderRemoved {
    /// The policy.
    pub policy_id: ObjectId,
    /// The former reader.
    pub reader: Address,
    /// The policy's version after the change.
    pub version: u64,
}

/// `events::AccessPolicyExpirySet`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessPolicyExpirySet {
    /// The policy.
    pub policy_id: ObjectId,
    /// The new expiry epoch (`None`: never).
    pub expiry_epoch: Option<u32>,
    /// The policy's version after the change.
    pub version: u64,
}

/// `events::AccessPolicyRenamed`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessPolicyRenamed {
    /// The policy.
    pub policy_id: ObjectId,
    /// The new name.
    pub name: String,
    /// The policy's version after the change.
    pub version: u64,
}

/// `events::BlobGoverned`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobGoverned {
    /// The policy.
    pub policy_id: ObjectId,
    /// The blob id.
    pub blob_id: U256,
    /// The Blob object.
    pub object_id: ObjectId,
}

/// `events::BlobReleased`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobReleased {
    /// The policy.
    pub policy_id: ObjectId,
    /// The blob id.
    pub blob_id: U256,
    /// The Blob object.
    pub object_id: ObjectId,
}

/// An event of `walrus::access_policy`: the audit trail of policies and the blobs they govern.
/// Grouped apart from the storage events, which storage nodes act on; nodes ignore these.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccessPolicyEvent {
    /// `AccessPolicyCreated`.
    Created(AccessPolicyCreated),
    /// `ReaderAdded`.
    ReaderAdded(ReaderAdded),
    /// `ReaderRemoved`.
    ReaderRemoved(ReaderRemoved),
    /// `AccessPolicyExpirySet`.
    ExpirySet(AccessPolicyExpirySet),
    /// `AccessPolicyRenamed`.
    Renamed(AccessPolicyRenamed),
    /// `BlobGoverned`.
    BlobGoverned(BlobGoverned),
    /// `BlobReleased`.
    BlobReleased(BlobReleased),
}

impl AccessPolicyEvent {
    /// Every event name of the group, as `walrus::events` declares them.
    pub const NAMES: [&'static str; 7] = [
        "AccessPolicyCreated",
        "ReaderAdded",
        "ReaderRemoved",
        "AccessPolicyExpirySet",
        "AccessPolicyRenamed",
        "BlobGoverned",
        "BlobReleased",
    ];

    /// The Move struct name within `walrus::events`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Created(_) => "AccessPolicyCreated",
            Self::ReaderAdded(_) => "ReaderAdded",
            Self::ReaderRemoved(_) => "ReaderRemoved",
            Self::ExpirySet(_) => "AccessPolicyExpirySet",
            Self::Renamed(_) => "AccessPolicyRenamed",
            Self::BlobGoverned(_) => "BlobGoverned",
            Self::BlobReleased(_) => "BlobReleased",
        }
    }

    /// The policy the event is about.
    pub fn policy_id(&self) -> ObjectId {
        match self {
            Self::Created(e) => e.policy_id,
            Self::ReaderAdded(e) => e.policy_id,
            Self::ReaderRemoved(e) => e.policy_id,
            Self::ExpirySet(e) => e.policy_id,
            Self::Renamed(e) => e.policy_id,
            Self::BlobGoverned(e) => e.policy_id,
            Self::BlobReleased(e) => e.policy_id,
        }
    }

    /// Decodes the BCS contents of the event named `name`; `None` for a name outside the group.
    pub fn from_bcs(name: &str, bytes: &[u8]) -> Option<Result<Self, bcs::Error>> {
        Some(match name {
            "AccessPolicyCreated" => bcs::from_bytes(bytes).map(Self::Created),
            "ReaderAdded" => bcs::from_bytes(bytes).map(Self::ReaderAdded),
            "ReaderRemoved" => bcs::from_bytes(bytes).map(Self::ReaderRemoved),
            "AccessPolicyExpirySet" => bcs::from_bytes(bytes).map(Self::ExpirySet),
            "AccessPolicyRenamed" => bcs::from_bytes(bytes).map(Self::Renamed),
            "BlobGoverned" => bcs::from_bytes(bytes).map(Self::BlobGoverned),
            "BlobReleased" => bcs::from_bytes(bytes).map(Self::BlobReleased),
            _ => return None,
        })
    }

    fn bcs(&self) -> Result<Vec<u8>, bcs::Error> {
        match self {
            Self::Created(e) => bcs::to_bytes(e),
            Self::ReaderAdded(e) => bcs::to_bytes(e),
            Self::ReaderRemoved(e) => bcs::to_bytes(e),
            Self::ExpirySet(e) => bcs::to_bytes(e),
            Self::Renamed(e) => bcs::to_bytes(e),
            Self::BlobGoverned(e) => bcs::to_bytes(e),
            Self::BlobReleased(e) => bcs::to_bytes(e),
        }
    }
}

/// `events::StakingPoolRegistered`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StakingPoolRegistered {
    /// Epoch of registration.
    pub epoch: u32,
    /// The new pool's (and node's) id.
    pub node_id: ObjectId,
}

/// `events::StakedWalCreated`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StakedWalCreated {
    /// Epoch of staking.
    pub epoch: u32,
    /// The `StakedWal` object.
    pub staked_wal_id: ObjectId,
    /// The pool.
    pub node_id: ObjectId,
    /// The WAL staked, in FROST.
    pub amount: u64,
    /// The first epoch in which the stake counts.
    pub activation_epoch: u32,
}

/// `events::WithdrawRequested`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawRequested {
    /// Epoch of the request.
    pub epoch: u32,
    /// The `StakedWal` object.
    pub staked_wal_id: ObjectId,
    /// The pool.
    pub node_id: ObjectId,
    /// The pool tokens the stake is worth.
    pub pool_token_amount: u64,
    /// The epoch the stake leaves the pool.
    pub withdraw_epoch: u32,
}

/// `events::StakeWithdrawn`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StakeWithdrawn {
    /// Epoch of the withdrawal.
    pub epoch: u32,
    /// The `StakedWal` object (now deleted).
    pub staked_wal_id: ObjectId,
    /// The pool.
    pub node_id: ObjectId,
    /// The principal returned, in FROST.
    pub principal: u64,
    /// The rewards returned, in FROST.
    pub rewards: u64,
}

/// `events::EpochParametersSelected`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochParametersSelected {
    /// The epoch the parameters are for.
    pub next_epoch: u32,
    /// FROST per MiB per epoch.
    pub storage_price_per_unit_size: u64,
    /// FROST per MiB, once.
    pub write_price_per_unit_size: u64,
    /// Encoded bytes per epoch.
    pub total_capacity_size: u64,
}

/// `events::EpochChangeStart`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochChangeStart {
    /// The new epoch.
    pub epoch: u32,
}

/// `events::EpochChangeSync`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochChangeSync {
    /// The epoch being synced.
    pub epoch: u32,
    /// The node that finished syncing.
    pub node_id: ObjectId,
    /// Shards of all nodes that signalled so far.
    pub synced_shards: u16,
}

/// `events::EpochChangeDone`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochChangeDone {
    /// The epoch whose committee synced.
    pub epoch: u32,
    /// Clock time of the completing signal.
    pub timestamp_ms: u64,
}

/// `events::RewardsDistributed`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardsDistributed {
    /// The finished epoch whose storage fund was paid out.
    pub epoch: u32,
    /// The fund, in FROST.
    pub rewards: u64,
    /// The part set aside to burn, in FROST.
    pub burned: u64,
}

/// `events::ChallengeSeedSet`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeSeedSet {
    /// The challenged epoch.
    pub epoch: u32,
    /// The 32-byte seed.
    pub seed: Vec<u8>,
    /// Samples each member answers.
    pub samples_per_node: u16,
}

/// `events::StorageAttested`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageAttested {
    /// The challenged epoch.
    pub epoch: u32,
    /// The member that verified the proofs.
    pub attester: ObjectId,
    /// The member whose proofs verified.
    pub node_id: ObjectId,
    /// Shards of all members that attested `node_id` so far.
    pub attested_shards: u16,
}

/// `events::ChallengeRewardWithheld`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeRewardWithheld {
    /// The finished epoch.
    pub epoch: u32,
    /// The member that lacked a quorum of attestations.
    pub node_id: ObjectId,
    /// Its share, kept in the next epoch's storage fund, in FROST.
    pub amount: u64,
}

/// `events::ChallengeParametersSet`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeParametersSet {
    /// Epoch of the change.
    pub epoch: u32,
    /// Samples per member of the challenges issued from now on.
    pub samples_per_node: u16,
}

/// An event of `walrus::staking`: pools, stake, committee selection, epoch changes and storage
/// challenges. Grouped apart from the storage events; storage nodes follow `EpochChangeStart`
/// and the sync events to hand over shards, and `ChallengeSeedSet` to answer and check
/// challenges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StakingEvent {
    /// `StakingPoolRegistered`.
    PoolRegistered(StakingPoolRegistered),
    /// `StakedWalCreated`.
    StakedWalCreated(StakedWalCreated),
    /// `WithdrawRequested`.
    WithdrawRequested(WithdrawRequested),
    /// `StakeWithdrawn`.
    StakeWithdrawn(StakeWithdrawn),
    /// `EpochParametersSelected`.
    EpochParametersSelected(EpochParametersSelected),
    /// `EpochChangeStart`.
    EpochChangeStart(EpochChangeStart),
    /// `EpochChangeSync`.
    EpochChangeSync(EpochChangeSync),
    /// `EpochChangeDone`.
    EpochChangeDone(EpochChangeDone),
    /// `RewardsDistributed`.
    RewardsDistributed(RewardsDistributed),
    /// `ChallengeSeedSet`.
    ChallengeSeedSet(ChallengeSeedSet),
    /// `StorageAttested`.
    StorageAttested(StorageAttested),
    /// `ChallengeRewardWithheld`.
    ChallengeRewardWithheld(ChallengeRewardWithheld),
    /// `ChallengeParametersSet`.
    ChallengeParametersSet(ChallengeParametersSet),
}

impl StakingEvent {
    /// Every event name of the group, as `walrus::events` declares them.
    pub const NAMES: [&'static str; 13] = [
        "StakingPoolRegistered",
        "StakedWalCreated",
        "WithdrawRequested",
        "StakeWithdrawn",
        "EpochParametersSelected",
        "EpochChangeStart",
        "EpochChangeSync",
        "EpochChangeDone",
        "RewardsDistributed",
        "ChallengeSeedSet",
        "StorageAttested",
        "ChallengeRewardWithheld",
        "ChallengeParametersSet",
    ];

    /// The Move struct name within `walrus::events`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::PoolRegistered(_) => "StakingPoolRegistered",
            Self::StakedWalCreated(_) => "StakedWalCreated",
            Self::WithdrawRequested(_) => "WithdrawRequested",
            Self::StakeWithdrawn(_) => "StakeWithdrawn",
            Self::EpochParametersSelected(_) => "EpochParametersSelected",
            Self::EpochChangeStart(_) => "EpochChangeStart",
            Self::EpochChangeSync(_) => "EpochChangeSync",
            Self::EpochChangeDone(_) => "EpochChangeDone",
            Self::RewardsDistributed(_) => "RewardsDistributed",
            Self::ChallengeSeedSet(_) => "ChallengeSeedSet",
            Self::StorageAttested(_) => "StorageAttested",
            Self::ChallengeRewardWithheld(_) => "ChallengeRewardWithheld",
            Self::ChallengeParametersSet(_) => "ChallengeParametersSet",
        }
    }

    /// Decodes the BCS contents of the event named `name`; `None` for a name outside the group.
    pub fn from_bcs(name: &str, bytes: &[u8]) -> Option<Result<Self, bcs::Error>> {
        Some(match name {
            "StakingPoolRegistered" => bcs::from_bytes(bytes).map(Self::PoolRegistered),
            "StakedWalCreated" => bcs::from_bytes(bytes).map(Self::StakedWalCreated),
            "WithdrawRequested" => bcs::from_bytes(bytes).map(Self::WithdrawRequested),
            "StakeWithdrawn" => bcs::from_bytes(bytes).map(Self::StakeWithdrawn),
            "EpochParametersSelected" => bcs::from_bytes(bytes).map(Self::EpochParametersSelected),
            "EpochChangeStart" => bcs::from_bytes(bytes).map(Self::EpochChangeStart),
            "EpochChangeSync" => bcs::from_bytes(bytes).map(Self::EpochChangeSync),
            "EpochChangeDone" => bcs::from_bytes(bytes).map(Self::EpochChangeDone),
            "RewardsDistributed" => bcs::from_bytes(bytes).map(Self::RewardsDistributed),
            "ChallengeSeedSet" => bcs::from_bytes(bytes).map(Self::ChallengeSeedSet),
            "StorageAttested" => bcs::from_bytes(bytes).map(Self::StorageAttested),
            "ChallengeRewardWithheld" => bcs::from_bytes(bytes).map(Self::ChallengeRewardWithheld),
            "ChallengeParametersSet" => bcs::from_bytes(bytes).map(Self::ChallengeParametersSet),
            _ => return None,
        })
    }

    fn bcs(&self) -> Result<Vec<u8>, bcs::Error> {
        match self {
            Self::PoolRegistered(e) => bcs::to_bytes(e),
            Self::StakedWalCreated(e) => bcs::to_bytes(e),
            Self::WithdrawRequested(e) => bcs::to_bytes(e),
            Self::StakeWithdrawn(e) => bcs::to_bytes(e),
            Self::EpochParametersSelected(e) => bcs::to_bytes(e),
            Self::EpochChangeStart(e) => bcs::to_bytes(e),
            Self::EpochChangeSync(e) => bcs::to_bytes(e),
            Self::EpochChangeDone(e) => bcs::to_bytes(e),
            Self::RewardsDistributed(e) => bcs::to_bytes(e),
            Self::ChallengeSeedSet(e) => bcs::to_bytes(e),
            Self::StorageAttested(e) => bcs::to_bytes(e),
            Self::ChallengeRewardWithheld(e) => bcs::to_bytes(e),
            Self::ChallengeParametersSet(e) => bcs::to_bytes(e),
        }
    }
}

/// `events::ProposalCreated`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalCreated {
    /// The shared `Proposal`.
    pub proposal_id: ObjectId,
    /// Its number (0, 1, ...).
    pub number: u64,
    /// Who proposed (and gets the deposit back on quorum).
    pub proposer: Address,
    /// 0 parameter change, 1 upgrade, 2 text.
    pub kind: u8,
    /// The parameter a change sets (0 for other kinds).
    pub parameter: u8,
    /// The value a change sets (0 for other kinds).
    pub value: u64,
    /// The digest an upgrade authorises (empty for other kinds).
    pub digest: Vec<u8>,
    /// What the proposal is about (the resolution of a text proposal).
    pub description: String,
    /// The deposit, in FROST.
    pub deposit: u64,
    /// Votes are accepted before this clock time.
    pub voting_end_ms: u64,
    /// An approved proposal can be executed from this clock time.
    pub executable_from_ms: u64,
    /// WAL active in all pools at creation: the quorum's base.
    pub total_stake: u64,
    /// Turnout needed, basis points of `total_stake`.
    pub quorum_bps: u16,
    /// Share of yes in yes + no to exceed, basis points.
    pub approval_threshold_bps: u16,
}

/// `events::VoteCast`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteCast {
    /// The proposal.
    pub proposal_id: ObjectId,
    /// The `StakedWal` that voted.
    pub staked_wal_id: ObjectId,
    /// The sender.
    pub voter: Address,
    /// 0 yes, 1 no, 2 abstain.
    pub choice: u8,
    /// The principal voted with, in FROST.
    pub weight: u64,
    /// The replaced choice of a changed vote.
    pub previous_choice: Option<u8>,
    /// The replaced weight (0 for a first vote).
    pub previous_weight: u64,
    /// Tally of yes after the vote.
    pub yes_stake: u64,
    /// Tally of no after the vote.
    pub no_stake: u64,
    /// Tally of abstain after the vote.
    pub abstain_stake: u64,
}

/// `events::ProposalExecuted`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalExecuted {
    /// The proposal.
    pub proposal_id: ObjectId,
    /// 0 parameter change, 1 upgrade, 2 text.
    pub kind: u8,
    /// The parameter set (0 for other kinds).
    pub parameter: u8,
    /// The value set (0 for other kinds).
    pub value: u64,
    /// The digest authorised (empty for other kinds).
    pub digest: Vec<u8>,
    /// Clock time of the execution.
    pub timestamp_ms: u64,
}

/// `events::UpgradeCommitted`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeCommitted {
    /// The new package id.
    pub package_id: ObjectId,
    /// The cap's version after the upgrade.
    pub version: u64,
}

/// `events::DepositReturned`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepositReturned {
    /// The proposal.
    pub proposal_id: ObjectId,
    /// Who got it back.
    pub proposer: Address,
    /// In FROST.
    pub amount: u64,
}

/// `events::DepositBurned`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepositBurned {
    /// The proposal.
    pub proposal_id: ObjectId,
    /// Set aside to burn, in FROST.
    pub amount: u64,
}

/// An event of `walrus::governance`: proposals, votes, executions and deposits. Storage nodes
/// ignore them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GovernanceEvent {
    /// `ProposalCreated`.
    ProposalCreated(ProposalCreated),
    /// `VoteCast`.
    VoteCast(VoteCast),
    /// `ProposalExecuted`.
    ProposalExecuted(ProposalExecuted),
    /// `UpgradeCommitted`.
    UpgradeCommitted(UpgradeCommitted),
    /// `DepositReturned`.
    DepositReturned(DepositReturned),
    /// `DepositBurned`.
    DepositBurned(DepositBurned),
}

impl GovernanceEvent {
    /// Every event name of the group, as `walrus::events` declares them.
    pub const NAMES: [&'static str; 6] =
        ["ProposalCreated", "VoteCast", "ProposalExecuted", "UpgradeCommitted", "DepositReturned", "DepositBurned"];

    /// The Move struct name within `walrus::events`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::ProposalCreated(_) => "ProposalCreated",
            Self::VoteCast(_) => "VoteCast",
            Self::ProposalExecuted(_) => "ProposalExecuted",
            Self::UpgradeCommitted(_) => "UpgradeCommitted",
            Self::DepositReturned(_) => "DepositReturned",
            Self::DepositBurned(_) => "DepositBurned",
        }
    }

    /// Decodes the BCS contents of the event named `name`; `None` for a name outside the group.
    pub fn from_bcs(name: &str, bytes: &[u8]) -> Option<Result<Self, bcs::Error>> {
        Some(match name {
            "ProposalCreated" => bcs::from_bytes(bytes).map(Self::ProposalCreated),
            "VoteCast" => bcs::from_bytes(bytes).map(Self::VoteCast),
            "ProposalExecuted" => bcs::from_bytes(bytes).map(Self::ProposalExecuted),
            "UpgradeCommitted" => bcs::from_bytes(bytes).map(Self::UpgradeCommitted),
            "DepositReturned" => bcs::from_bytes(bytes).map(Self::DepositReturned),
            "DepositBurned" => bcs::from_bytes(bytes).map(Self::DepositBurned),
            _ => return None,
        })
    }

    fn bcs(&self) -> Result<Vec<u8>, bcs::Error> {
        match self {
            Self::ProposalCreated(e) => bcs::to_bytes(e),
            Self::VoteCast(e) => bcs::to_bytes(e),
            Self::ProposalExecuted(e) => bcs::to_bytes(e),
            Self::UpgradeCommitted(e) => bcs::to_bytes(e),
            Self::DepositReturned(e) => bcs::to_bytes(e),
            Self::DepositBurned(e) => bcs::to_bytes(e),
        }
    }
}

/// Any event of the packages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// `BlobRegistered`.
    BlobRegistered(BlobRegistered),
    /// `BlobCertified`.
    BlobCertified(BlobCertified),
    /// `BlobDeleted`.
    BlobDeleted(BlobDeleted),
    /// `InvalidBlobId`.
    InvalidBlobId(InvalidBlobId),
    /// `EpochAdvanced`.
    EpochAdvanced(EpochAdvanced),
    /// One of the `walrus::access_policy` events.
    AccessPolicy(AccessPolicyEvent),
    /// One of the `walrus::staking` events.
    Staking(StakingEvent),
    /// One of the `walrus::governance` events.
    Governance(GovernanceEvent),
}

impl Event {
    /// The Move struct name within `walrus::events`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::BlobRegistered(_) => "BlobRegistered",
            Self::BlobCertified(_) => "BlobCertified",
            Self::BlobDeleted(_) => "BlobDeleted",
            Self::InvalidBlobId(_) => "InvalidBlobId",
            Self::EpochAdvanced(_) => "EpochAdvanced",
            Self::AccessPolicy(e) => e.name(),
            Self::Staking(e) => e.name(),
            Self::Governance(e) => e.name(),
        }
    }

    /// The event's BCS contents, as Sui stores them.
    pub fn bcs(&self) -> Vec<u8> {
        let bytes = match self {
            Self::BlobRegistered(e) => bcs::to_bytes(e),
            Self::BlobCertified(e) => bcs::to_bytes(e),
            Self::BlobDeleted(e) => bcs::to_bytes(e),
            Self::InvalidBlobId(e) => bcs::to_bytes(e),
            Self::EpochAdvanced(e) => bcs::to_bytes(e),
            Self::AccessPolicy(e) => e.bcs(),
            Self::Staking(e) => e.bcs(),
            Self::Governance(e) => e.bcs(),
        };
        bytes.expect("event structs always serialize")
    }
}
