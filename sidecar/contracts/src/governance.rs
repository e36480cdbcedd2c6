//! `walrus::governance`: proposals by stakers (parameter changes, package upgrades, text), votes
//! weighted by staked WAL with a lock against double counting, execution after a delay, and
//! deposits returned or burned. The rules are documented in the Move module and
//! `docs/chain.md` ("Governance").

use serde::{Deserialize, Serialize};

use crate::{
    abort::{AbortCode, MoveAbort, MoveResult, ensure},
    events::{
        DepositBurned, DepositReturned, Event, GovernanceEvent, ProposalCreated, ProposalExecuted, UpgradeCommitted,
        VoteCast,
    },
    framework::{Address, Balance, Clock, Coin, DYNAMIC_FIELD_E_FIELD_DOES_NOT_EXIST, ObjectId, Table, TxContext},
    objects::Object,
    package::{UpgradeCap, UpgradeReceipt, UpgradeTicket},
    staked_wal::{MIN_STAKE_FROST, StakedWal},
    staking::Staking,
    storage_challenge::MAX_SAMPLES_PER_NODE,
    system::System,
    system_state_inner::MAX_EPOCHS_AHEAD_LIMIT,
};

const MODULE: &str = "walrus::governance";
/// The `Governance` object holds a version this package does not understand.
pub const E_WRONG_VERSION: AbortCode = AbortCode::new(MODULE, "EWrongVersion", 0);
/// `create` with invalid parameters.
pub const E_INVALID_PARAMETERS: AbortCode = AbortCode::new(MODULE, "EInvalidParameters", 1);
/// The parameter id is not one of `0..N_PARAMETERS`.
pub const E_UNKNOWN_PARAMETER: AbortCode = AbortCode::new(MODULE, "EUnknownParameter", 2);
/// The value is outside the parameter's range.
pub const E_INVALID_PARAMETER_VALUE: AbortCode = AbortCode::new(MODULE, "EInvalidParameterValue", 3);
/// The upgrade digest is not 32 bytes.
pub const E_INVALID_DIGEST: AbortCode = AbortCode::new(MODULE, "EInvalidDigest", 4);
/// The description is longer than 4096 bytes.
pub const E_DESCRIPTION_TOO_LONG: AbortCode = AbortCode::new(MODULE, "EDescriptionTooLong", 5);
/// The deposit is below the minimum.
pub const E_DEPOSIT_TOO_SMALL: AbortCode = AbortCode::new(MODULE, "EDepositTooSmall", 6);
/// The `StakedWal` is withdrawing or not active yet.
pub const E_NO_VOTING_POWER: AbortCode = AbortCode::new(MODULE, "ENoVotingPower", 7);
/// The vote is not 0, 1 or 2.
pub const E_INVALID_VOTE: AbortCode = AbortCode::new(MODULE, "EInvalidVote", 8);
/// The voting has ended.
pub const E_VOTING_CLOSED: AbortCode = AbortCode::new(MODULE, "EVotingClosed", 9);
/// The voting has not ended yet.
pub const E_VOTING_OPEN: AbortCode = AbortCode::new(MODULE, "EVotingOpen", 10);
/// The proposal missed its quorum or threshold.
pub const E_NOT_APPROVED: AbortCode = AbortCode::new(MODULE, "ENotApproved", 11);
/// The execution delay has not passed.
pub const E_EXECUTION_TOO_EARLY: AbortCode = AbortCode::new(MODULE, "EExecutionTooEarly", 12);
/// The proposal was executed already.
pub const E_ALREADY_EXECUTED: AbortCode = AbortCode::new(MODULE, "EAlreadyExecuted", 13);
/// `execute` of an upgrade, or `execute_upgrade` of another kind.
pub const E_WRONG_PROPOSAL_KIND: AbortCode = AbortCode::new(MODULE, "EWrongProposalKind", 14);
/// The deposit was settled already.
pub const E_DEPOSIT_SETTLED: AbortCode = AbortCode::new(MODULE, "EDepositSettled", 15);
/// `release_vote_lock` before the lock's end.
pub const E_VOTE_LOCK_ACTIVE: AbortCode = AbortCode::new(MODULE, "EVoteLockActive", 16);

/// The `Governance` version this package understands.
pub const VERSION: u64 = 1;
/// Shares are in basis points.
pub const MAX_BPS: u64 = 10_000;
/// Longest description, in bytes.
pub const MAX_DESCRIPTION_BYTES: usize = 4096;
/// Bytes of an upgrade digest (SHA-256).
pub const DIGEST_BYTES: usize = 32;
/// Longest voting period or execution delay: one year.
pub const MAX_DURATION_MS: u64 = 31_536_000_000;

/// Proposal kind: a parameter change.
pub const KIND_PARAMETER: u8 = 0;
/// Proposal kind: a package upgrade.
pub const KIND_UPGRADE: u8 = 1;
/// Proposal kind: a text resolution.
pub const KIND_TEXT: u8 = 2;

/// Vote: yes.
pub const VOTE_YES: u8 = 0;
/// Vote: no.
pub const VOTE_NO: u8 = 1;
/// Vote: abstain.
pub const VOTE_ABSTAIN: u8 = 2;

/// The parameters a proposal can change, by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Parameter {
    /// Staking: epoch length in ms (> 0).
    EpochDurationMs = 0,
    /// System: epochs ahead storage can be bought (1..=1000).
    MaxEpochsAhead = 1,
    /// Staking: share of rewards burned, bps (<= 10_000).
    BurnBps = 2,
    /// Staking: largest committee (1..=65_535).
    MaxCommitteeSize = 3,
    /// Staking: smallest new stake in FROST (>= 1 WAL).
    MinStakeFrost = 4,
    /// Governance: smallest deposit in FROST (> 0).
    MinDepositFrost = 5,
    /// Governance: voting period in ms (1..=1 year).
    VotingDurationMs = 6,
    /// Governance: delay between the end of the vote and execution, ms (<= 1 year).
    ExecutionDelayMs = 7,
    /// Governance: quorum, bps of the total active stake (<= 10_000).
    QuorumBps = 8,
    /// Governance: approval threshold, bps of yes + no (< 10_000).
    ApprovalThresholdBps = 9,
    /// Storage challenges: samples per member (<= 64; 0 switches them off).
    ChallengeSamplesPerNode = 10,
}

impl Parameter {
    /// Every parameter, in id order.
    pub const ALL: [Parameter; 11] = [
        Self::EpochDurationMs,
        Self::MaxEpochsAhead,
        Self::BurnBps,
        Self::MaxCommitteeSize,
        Self::MinStakeFrost,
        Self::MinDepositFrost,
        Self::VotingDurationMs,
        Self::ExecutionDelayMs,
        Self::QuorumBps,
        Self::ApprovalThresholdBps,
        Self::ChallengeSamplesPerNode,
    ];

    /// The parameter with id `id`.
    pub fn from_id(id: u8) -> Option<Self> {
        Self::ALL.get(usize::from(id)).copied()
    }

    /// The id proposals carry.
    pub fn id(self) -> u8 {
        self as u8
    }

    /// The name the CLI and docs use.
    pub fn name(self) -> &'static str {
        match self {
            Self::EpochDurationMs => "epoch_duration_ms",
            Self::MaxEpochsAhead => "max_epochs_ahead",
            Self::BurnBps => "burn_bps",
            Self::MaxCommitteeSize => "max_committee_size",
            Self::MinStakeFrost => "min_stake_frost",
            Self::MinDepositFrost => "min_deposit_frost",
            Self::VotingDurationMs => "voting_duration_ms",
            Self::ExecutionDelayMs => "execution_delay_ms",
            Self::QuorumBps => "quorum_bps",
            Self::ApprovalThresholdBps => "approval_threshold_bps",
            Self::ChallengeSamplesPerNode => "challenge_samples_per_node",
        }
    }

    /// The parameter called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// What values are accepted, for error messages.
    pub fn range(self) -> &'static str {
        match self {
            Self::EpochDurationMs => "at least 1 (milliseconds)",
            Self::MaxEpochsAhead => "1 to 1000",
            Self::BurnBps => "0 to 10000 (basis points)",
            Self::MaxCommitteeSize => "1 to 65535",
            Self::MinStakeFrost => "at least 1000000000 (1 WAL, in FROST)",
            Self::MinDepositFrost => "at least 1 (FROST)",
            Self::VotingDurationMs => "1 to 31536000000 (milliseconds, one year)",
            Self::ExecutionDelayMs => "0 to 31536000000 (milliseconds, one year)",
            Self::QuorumBps => "0 to 10000 (basis points)",
            Self::ApprovalThresholdBps => "0 to 9999 (basis points)",
            Self::ChallengeSamplesPerNode => "0 to 64 (0 switches storage challenges off)",
        }
    }
}

/// `is_valid_parameter_value`: whether `value` is in the range of parameter `parameter`.
pub fn is_valid_parameter_value(parameter: u8, value: u64) -> bool {
    let Some(parameter) = Parameter::from_id(parameter) else { return false };
    match parameter {
        Parameter::EpochDurationMs => value > 0,
        Parameter::MaxEpochsAhead => value > 0 && value <= u64::from(MAX_EPOCHS_AHEAD_LIMIT),
        Parameter::BurnBps => value <= MAX_BPS,
        Parameter::MaxCommitteeSize => value > 0 && value <= u64::from(u16::MAX),
        Parameter::MinStakeFrost => value >= MIN_STAKE_FROST,
        Parameter::MinDepositFrost => value > 0,
        Parameter::VotingDurationMs => value > 0 && value <= MAX_DURATION_MS,
        Parameter::ExecutionDelayMs => value <= MAX_DURATION_MS,
        Parameter::QuorumBps => value <= MAX_BPS,
        Parameter::ApprovalThresholdBps => value < MAX_BPS,
        Parameter::ChallengeSamplesPerNode => value <= u64::from(MAX_SAMPLES_PER_NODE),
    }
}

/// `GovernanceInitCap { id }`: sent to the publisher by `init`, consumed by `create`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GovernanceInitCap {
    /// Object id.
    pub id: ObjectId,
}

/// `Governance`, field order as in Move.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Governance {
    /// Object id.
    pub id: ObjectId,
    /// Object version (not the package's).
    pub version: u64,
    /// Smallest deposit, FROST.
    pub min_deposit_frost: u64,
    /// Voting period of new proposals.
    pub voting_duration_ms: u64,
    /// Delay between the end of the vote and execution.
    pub execution_delay_ms: u64,
    /// Quorum, bps of the total active stake.
    pub quorum_bps: u16,
    /// Approval threshold, bps of yes + no.
    pub approval_threshold_bps: u16,
    /// Proposal object ids by number.
    pub proposals: Table<u64, ObjectId>,
    /// The walrus package's upgrade capability.
    pub upgrade_cap: UpgradeCap,
}

/// `ProposalAction`: a Move enum (BCS variant index, then fields).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProposalAction {
    /// Sets a parameter.
    SetParameter {
        /// Its id.
        parameter: u8,
        /// The new value.
        value: u64,
    },
    /// Authorises an upgrade to the bytecode with this digest.
    Upgrade {
        /// SHA-256 of the bytecode and dependencies.
        digest: Vec<u8>,
    },
    /// A resolution.
    Text,
}

impl ProposalAction {
    /// `action_parts`: (kind, parameter, value, digest).
    pub fn parts(&self) -> (u8, u8, u64, Vec<u8>) {
        match self {
            Self::SetParameter { parameter, value } => (KIND_PARAMETER, *parameter, *value, Vec::new()),
            Self::Upgrade { digest } => (KIND_UPGRADE, 0, 0, digest.clone()),
            Self::Text => (KIND_TEXT, 0, 0, Vec::new()),
        }
    }
}

/// `VoteRecord { choice, weight }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteRecord {
    /// 0 yes, 1 no, 2 abstain.
    pub choice: u8,
    /// Principal voted with, FROST.
    pub weight: u64,
}

/// `Proposal`, field order as in Move.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// Object id.
    pub id: ObjectId,
    /// Number within governance.
    pub number: u64,
    /// Who proposed.
    pub proposer: Address,
    /// What execution does.
    pub action: ProposalAction,
    /// What it is about.
    pub description: String,
    /// The deposit, until settled.
    pub deposit: Balance,
    /// The deposit at creation, FROST.
    pub deposit_frost: u64,
    /// Staking epoch of creation.
    pub created_epoch: u32,
    /// Clock time of creation.
    pub created_ms: u64,
    /// Votes are accepted before this time.
    pub voting_end_ms: u64,
    /// Execution is allowed from this time.
    pub executable_from_ms: u64,
    /// WAL active in all pools at creation.
    pub total_stake: u64,
    /// Quorum at creation, bps.
    pub quorum_bps: u16,
    /// Approval threshold at creation, bps.
    pub approval_threshold_bps: u16,
    /// Tally of yes, FROST.
    pub yes_stake: u64,
    /// Tally of no, FROST.
    pub no_stake: u64,
    /// Tally of abstain, FROST.
    pub abstain_stake: u64,
    /// Votes by `StakedWal` id.
    pub votes: Table<ObjectId, VoteRecord>,
    /// Executed already.
    pub executed: bool,
    /// Deposit settled already.
    pub deposit_settled: bool,
}

fn emit(ctx: &mut TxContext, event: GovernanceEvent) {
    ctx.emit(Event::Governance(event));
}

/// `init` at publication: the `GovernanceInitCap` to the publisher.
pub fn init(ctx: &mut TxContext) {
    let cap = GovernanceInitCap { id: ctx.fresh_id() };
    let sender = ctx.sender();
    ctx.transfer(Object::GovernanceInitCap(cap), sender);
}

/// `create`: shares the `Governance` holding `upgrade_cap`.
#[allow(clippy::too_many_arguments)]
pub fn create(
    init_cap: GovernanceInitCap,
    upgrade_cap: UpgradeCap,
    min_deposit_frost: u64,
    voting_duration_ms: u64,
    execution_delay_ms: u64,
    quorum_bps: u16,
    approval_threshold_bps: u16,
    ctx: &mut TxContext,
) -> MoveResult<()> {
    let GovernanceInitCap { id: _ } = init_cap;
    ensure(
        is_valid_parameter_value(Parameter::MinDepositFrost.id(), min_deposit_frost)
            && is_valid_parameter_value(Parameter::VotingDurationMs.id(), voting_duration_ms)
            && is_valid_parameter_value(Parameter::ExecutionDelayMs.id(), execution_delay_ms)
            && is_valid_parameter_value(Parameter::QuorumBps.id(), u64::from(quorum_bps))
            && is_valid_parameter_value(Parameter::ApprovalThresholdBps.id(), u64::from(approval_threshold_bps)),
        E_INVALID_PARAMETERS,
    )?;
    let governance = Governance {
        id: ctx.fresh_id(),
        version: VERSION,
        min_deposit_frost,
        voting_duration_ms,
        execution_delay_ms,
        quorum_bps,
        approval_threshold_bps,
        proposals: Table::new(ctx),
        upgrade_cap,
    };
    ctx.share(Object::Governance(governance));
    Ok(())
}

/// `voting_power`: the principal of an active, staked `StakedWal`, otherwise 0.
pub fn voting_power(staking: &Staking, staked_wal: &StakedWal) -> MoveResult<u64> {
    // Short-circuits as the Move `&&` does: `staking.epoch()` only runs for staked objects.
    Ok(if staked_wal.is_staked() && staked_wal.activation_epoch <= staking.epoch()? { staked_wal.value() } else { 0 })
}

/// `vote`.
pub fn vote(
    proposal: &mut Proposal,
    staking: &Staking,
    staked_wal: &mut StakedWal,
    choice: u8,
    clock: &Clock,
    ctx: &mut TxContext,
) -> MoveResult<()> {
    ensure(choice <= VOTE_ABSTAIN, E_INVALID_VOTE)?;
    ensure(clock.timestamp_ms() < proposal.voting_end_ms, E_VOTING_CLOSED)?;
    let weight = voting_power(staking, staked_wal)?;
    ensure(weight > 0, E_NO_VOTING_POWER)?;
    let staked_wal_id = staked_wal.id;
    let (previous_choice, previous_weight) = match proposal.votes.entries.remove(&staked_wal_id) {
        Some(old) => {
            proposal.votes.size -= 1;
            proposal.subtract_vote(old.choice, old.weight);
            (Some(old.choice), old.weight)
        }
        None => (None, 0),
    };
    proposal.votes.add(staked_wal_id, VoteRecord { choice, weight });
    proposal.add_vote(choice, weight);
    staked_wal.lock_for_vote(proposal.voting_end_ms);
    emit(
        ctx,
        GovernanceEvent::VoteCast(VoteCast {
            proposal_id: proposal.id,
            staked_wal_id,
            voter: ctx.sender(),
            choice,
            weight,
            previous_choice,
            previous_weight,
            yes_stake: proposal.yes_stake,
            no_stake: proposal.no_stake,
            abstain_stake: proposal.abstain_stake,
        }),
    );
    Ok(())
}

/// `release_vote_lock`.
pub fn release_vote_lock(staked_wal: &mut StakedWal, clock: &Clock) -> MoveResult<()> {
    let Some(locked_until) = staked_wal.vote_locked_until_ms else { return Ok(()) };
    ensure(clock.timestamp_ms() >= locked_until, E_VOTE_LOCK_ACTIVE)?;
    staked_wal.unlock_vote();
    Ok(())
}

/// `settle_deposit`.
pub fn settle_deposit(
    proposal: &mut Proposal,
    staking: &mut Staking,
    clock: &Clock,
    ctx: &mut TxContext,
) -> MoveResult<()> {
    ensure(clock.timestamp_ms() >= proposal.voting_end_ms, E_VOTING_OPEN)?;
    ensure(!proposal.deposit_settled, E_DEPOSIT_SETTLED)?;
    proposal.deposit_settled = true;
    let deposit = proposal.deposit.withdraw_all();
    let amount = deposit.value;
    if proposal.reached_quorum() {
        let coin = Coin::from_balance(deposit, ctx);
        ctx.transfer(Object::Coin(coin), proposal.proposer);
        let event = DepositReturned { proposal_id: proposal.id, proposer: proposal.proposer, amount };
        emit(ctx, GovernanceEvent::DepositReturned(event));
    } else {
        staking.add_burn_pending(deposit)?;
        emit(ctx, GovernanceEvent::DepositBurned(DepositBurned { proposal_id: proposal.id, amount }));
    }
    Ok(())
}

impl Governance {
    fn assert_version(&self) -> MoveResult<()> {
        ensure(self.version == VERSION, E_WRONG_VERSION)
    }

    /// `propose_parameter_change`; returns the proposal's id (the proposal is shared).
    #[allow(clippy::too_many_arguments)]
    pub fn propose_parameter_change(
        &mut self,
        staking: &Staking,
        staked_wal: &StakedWal,
        parameter: u8,
        value: u64,
        description: String,
        deposit: Coin,
        clock: &Clock,
        ctx: &mut TxContext,
    ) -> MoveResult<ObjectId> {
        self.assert_version()?;
        ensure(Parameter::from_id(parameter).is_some(), E_UNKNOWN_PARAMETER)?;
        ensure(is_valid_parameter_value(parameter, value), E_INVALID_PARAMETER_VALUE)?;
        let action = ProposalAction::SetParameter { parameter, value };
        self.new_proposal(staking, staked_wal, action, description, deposit, clock, ctx)
    }

    /// `propose_upgrade`.
    #[allow(clippy::too_many_arguments)]
    pub fn propose_upgrade(
        &mut self,
        staking: &Staking,
        staked_wal: &StakedWal,
        digest: Vec<u8>,
        description: String,
        deposit: Coin,
        clock: &Clock,
        ctx: &mut TxContext,
    ) -> MoveResult<ObjectId> {
        self.assert_version()?;
        ensure(digest.len() == DIGEST_BYTES, E_INVALID_DIGEST)?;
        self.new_proposal(staking, staked_wal, ProposalAction::Upgrade { digest }, description, deposit, clock, ctx)
    }

    /// `propose_text`.
    pub fn propose_text(
        &mut self,
        staking: &Staking,
        staked_wal: &StakedWal,
        text: String,
        deposit: Coin,
        clock: &Clock,
        ctx: &mut TxContext,
    ) -> MoveResult<ObjectId> {
        self.assert_version()?;
        self.new_proposal(staking, staked_wal, ProposalAction::Text, text, deposit, clock, ctx)
    }

    /// `execute`: an approved parameter change or text proposal.
    pub fn execute(
        &mut self,
        proposal: &mut Proposal,
        staking: &mut Staking,
        system: &mut System,
        clock: &Clock,
        ctx: &mut TxContext,
    ) -> MoveResult<()> {
        self.assert_version()?;
        let (kind, parameter, value, digest) = proposal.action.parts();
        ensure(kind != KIND_UPGRADE, E_WRONG_PROPOSAL_KIND)?;
        proposal.assert_executable(clock)?;
        proposal.executed = true;
        if kind == KIND_PARAMETER {
            self.apply_parameter(staking, system, parameter, value, ctx)?;
        }
        let event = ProposalExecuted {
            proposal_id: proposal.id,
            kind,
            parameter,
            value,
            digest,
            timestamp_ms: clock.timestamp_ms(),
        };
        emit(ctx, GovernanceEvent::ProposalExecuted(event));
        Ok(())
    }

    /// `execute_upgrade`: the ticket for the approved upgrade.
    pub fn execute_upgrade(
        &mut self,
        proposal: &mut Proposal,
        clock: &Clock,
        ctx: &mut TxContext,
    ) -> MoveResult<UpgradeTicket> {
        self.assert_version()?;
        let (kind, parameter, value, digest) = proposal.action.parts();
        ensure(kind == KIND_UPGRADE, E_WRONG_PROPOSAL_KIND)?;
        proposal.assert_executable(clock)?;
        proposal.executed = true;
        let policy = self.upgrade_cap.policy;
        let ticket = self.upgrade_cap.authorize_upgrade(policy, digest.clone())?;
        let event = ProposalExecuted {
            proposal_id: proposal.id,
            kind,
            parameter,
            value,
            digest,
            timestamp_ms: clock.timestamp_ms(),
        };
        emit(ctx, GovernanceEvent::ProposalExecuted(event));
        Ok(ticket)
    }

    /// `commit_upgrade`.
    pub fn commit_upgrade(&mut self, receipt: UpgradeReceipt, ctx: &mut TxContext) -> MoveResult<()> {
        self.assert_version()?;
        self.upgrade_cap.commit_upgrade(receipt)?;
        let event = UpgradeCommitted { package_id: self.upgrade_cap.package, version: self.upgrade_cap.version };
        emit(ctx, GovernanceEvent::UpgradeCommitted(event));
        Ok(())
    }

    /// `n_proposals`.
    pub fn n_proposals(&self) -> u64 {
        self.proposals.size
    }

    /// `proposal_id`: aborts in `sui::dynamic_field` for an unknown number.
    pub fn proposal_id(&self, number: u64) -> MoveResult<ObjectId> {
        self.proposals.get(&number).copied().ok_or(MoveAbort(DYNAMIC_FIELD_E_FIELD_DOES_NOT_EXIST))
    }

    #[allow(clippy::too_many_arguments)]
    fn new_proposal(
        &mut self,
        staking: &Staking,
        staked_wal: &StakedWal,
        action: ProposalAction,
        description: String,
        deposit: Coin,
        clock: &Clock,
        ctx: &mut TxContext,
    ) -> MoveResult<ObjectId> {
        ensure(description.len() <= MAX_DESCRIPTION_BYTES, E_DESCRIPTION_TOO_LONG)?;
        let deposit_frost = deposit.value();
        ensure(deposit_frost >= self.min_deposit_frost, E_DEPOSIT_TOO_SMALL)?;
        ensure(voting_power(staking, staked_wal)? > 0, E_NO_VOTING_POWER)?;
        let now = clock.timestamp_ms();
        let voting_end_ms = now + self.voting_duration_ms;
        let executable_from_ms = voting_end_ms + self.execution_delay_ms;
        let number = self.proposals.size;
        let total_stake = staking.total_active_stake()?;
        let created_epoch = staking.epoch()?;
        let id = ctx.fresh_id();
        let proposer = ctx.sender();
        let (kind, parameter, value, digest) = action.parts();
        let proposal = Proposal {
            id,
            number,
            proposer,
            action,
            description: description.clone(),
            deposit: deposit.balance,
            deposit_frost,
            created_epoch,
            created_ms: now,
            voting_end_ms,
            executable_from_ms,
            total_stake,
            quorum_bps: self.quorum_bps,
            approval_threshold_bps: self.approval_threshold_bps,
            yes_stake: 0,
            no_stake: 0,
            abstain_stake: 0,
            votes: Table::new(ctx),
            executed: false,
            deposit_settled: false,
        };
        self.proposals.add(number, id);
        emit(
            ctx,
            GovernanceEvent::ProposalCreated(ProposalCreated {
                proposal_id: id,
                number,
                proposer,
                kind,
                parameter,
                value,
                digest,
                description,
                deposit: deposit_frost,
                voting_end_ms,
                executable_from_ms,
                total_stake,
                quorum_bps: self.quorum_bps,
                approval_threshold_bps: self.approval_threshold_bps,
            }),
        );
        ctx.share(Object::Proposal(proposal));
        Ok(id)
    }

    fn apply_parameter(
        &mut self,
        staking: &mut Staking,
        system: &mut System,
        parameter: u8,
        value: u64,
        ctx: &mut TxContext,
    ) -> MoveResult<()> {
        // Values were range-checked at proposal time, so the narrowing casts cannot truncate
        // (Move's `as` would abort where these would truncate).
        match Parameter::from_id(parameter) {
            Some(Parameter::EpochDurationMs) => staking.set_epoch_duration_ms(value),
            Some(Parameter::MaxEpochsAhead) => system.set_max_epochs_ahead(value as u32),
            Some(Parameter::BurnBps) => staking.set_burn_bps(value as u16),
            Some(Parameter::MaxCommitteeSize) => staking.set_max_committee_size(value as u16),
            Some(Parameter::MinStakeFrost) => staking.set_min_stake_frost(value),
            Some(Parameter::MinDepositFrost) => {
                self.min_deposit_frost = value;
                Ok(())
            }
            Some(Parameter::VotingDurationMs) => {
                self.voting_duration_ms = value;
                Ok(())
            }
            Some(Parameter::ExecutionDelayMs) => {
                self.execution_delay_ms = value;
                Ok(())
            }
            Some(Parameter::QuorumBps) => {
                self.quorum_bps = value as u16;
                Ok(())
            }
            Some(Parameter::ApprovalThresholdBps) => {
                self.approval_threshold_bps = value as u16;
                Ok(())
            }
            Some(Parameter::ChallengeSamplesPerNode) => staking.set_challenge_parameters(value as u16, ctx),
            None => Ok(()),
        }
    }
}

impl Proposal {
    /// `kind`.
    pub fn kind(&self) -> u8 {
        self.action.parts().0
    }

    /// `reached_quorum`.
    pub fn reached_quorum(&self) -> bool {
        let turnout = u128::from(self.yes_stake) + u128::from(self.no_stake) + u128::from(self.abstain_stake);
        turnout * u128::from(MAX_BPS) >= u128::from(self.total_stake) * u128::from(self.quorum_bps)
    }

    /// `is_approved`.
    pub fn is_approved(&self) -> bool {
        let yes = u128::from(self.yes_stake);
        let decided = yes + u128::from(self.no_stake);
        self.reached_quorum() && yes * u128::from(MAX_BPS) > decided * u128::from(self.approval_threshold_bps)
    }

    /// `vote_of`.
    pub fn vote_of(&self, staked_wal_id: &ObjectId) -> Option<VoteRecord> {
        self.votes.get(staked_wal_id).copied()
    }

    fn assert_executable(&self, clock: &Clock) -> MoveResult<()> {
        let now = clock.timestamp_ms();
        ensure(!self.executed, E_ALREADY_EXECUTED)?;
        ensure(now >= self.voting_end_ms, E_VOTING_OPEN)?;
        ensure(self.is_approved(), E_NOT_APPROVED)?;
        ensure(now >= self.executable_from_ms, E_EXECUTION_TOO_EARLY)
    }

    fn add_vote(&mut self, choice: u8, weight: u64) {
        match choice {
            VOTE_YES => self.yes_stake += weight,
            VOTE_NO => self.no_stake += weight,
            _ => self.abstain_stake += weight,
        }
    }

    fn subtract_vote(&mut self, choice: u8, weight: u64) {
        match choice {
            VOTE_YES => self.yes_stake -= weight,
            VOTE_NO => self.no_stake -= weight,
            _ => self.abstain_stake -= weight,
        }
    }
}
