/// On-chain governance: stakers propose parameter changes, package upgrades and text
/// resolutions, vote with their staked WAL, and anyone executes an approved proposal after a
/// delay.
///
/// Objects. `Governance` (shared, one per system: `create` consumes the `GovernanceInitCap`
/// that `init` sends to the publisher) holds the parameters of new proposals, the proposals'
/// ids by number, and the walrus package's `UpgradeCap`. Each proposal is a shared `Proposal` of
/// its own, holding its tallies, its votes by `StakedWal` id and its deposit: votes touch only
/// the proposal they are about, so votes on different proposals never contend, and no vote
/// touches `Governance` (creating a proposal does, to number it).
///
/// Lifecycle of a proposal, with `now` the `0x6` clock:
/// - created by the holder of an active `StakedWal` (staked, activation epoch reached) with a
///   deposit of at least `min_deposit_frost`; it records the governance parameters of the
///   moment (quorum, threshold), the WAL active in all pools (the quorum's base), and its
///   deadlines: voting until `voting_end_ms = now + voting_duration_ms`, execution from
///   `executable_from_ms = voting_end_ms + execution_delay_ms`;
/// - while `now < voting_end_ms`, each `StakedWal` votes yes, no or abstain with its principal
///   as weight (active stake only); voting again replaces its vote (the old weight leaves the
///   tally, the new one enters). A vote locks the `StakedWal` until `voting_end_ms`
///   (`staked_wal::ELockedByVote`: no split, no join into another object, no withdrawal), so the
///   same WAL cannot vote twice on a proposal under another object id;
/// - once voting ended: the proposal reached its quorum if yes + no + abstain >= quorum_bps of
///   the recorded total stake, and is approved if it also has yes > approval_threshold_bps of
///   yes + no. Anyone settles the deposit (`settle_deposit`): back to the proposer if the quorum
///   was reached, otherwise set aside to be burned with the staking rewards
///   (`staking::burn_pending_rewards`). From `executable_from_ms` on, anyone executes an approved
///   proposal once: a parameter change calls the setter in `staking`, `system` or here; an
///   upgrade returns the `UpgradeTicket` for the proposal's digest (the same transaction runs
///   the `Upgrade` command and passes its receipt to `commit_upgrade`); a text proposal is only
///   marked executed.
module walrus::governance;

use std::string::String;
use sui::{
    balance::Balance,
    clock::Clock,
    coin::{Self, Coin},
    package::{Self, UpgradeCap, UpgradeTicket, UpgradeReceipt},
    table::{Self, Table}
};
use wal::wal::WAL;
use walrus::{
    events,
    staked_wal::{Self, StakedWal},
    staking::Staking,
    storage_challenge,
    system::System
};

/// Version of the `Governance` object this package understands.
const VERSION: u64 = 1;
/// Shares (quorum, threshold) are in basis points: 10_000 is 100%.
const MAX_BPS: u64 = 10_000;
/// Longest description (the text of a text proposal), in bytes.
const MAX_DESCRIPTION_BYTES: u64 = 4096;
/// An upgrade digest is a SHA-256 hash.
const DIGEST_BYTES: u64 = 32;
/// Longest voting period or execution delay: one year. Keeps deadlines far from overflow and a
/// proposal from locking votes for longer.
const MAX_DURATION_MS: u64 = 31_536_000_000;
/// The largest `max_epochs_ahead` a proposal may set (`system_state_inner`'s limit).
const MAX_EPOCHS_AHEAD_LIMIT: u64 = 1000;

/// Proposal kinds (events and accessors).
const KIND_PARAMETER: u8 = 0;
const KIND_UPGRADE: u8 = 1;
const KIND_TEXT: u8 = 2;

/// Vote choices.
const VOTE_YES: u8 = 0;
const VOTE_NO: u8 = 1;
const VOTE_ABSTAIN: u8 = 2;

/// Parameters a proposal can change (docs/chain.md, "Governance").
const PARAM_EPOCH_DURATION_MS: u8 = 0;
const PARAM_MAX_EPOCHS_AHEAD: u8 = 1;
const PARAM_BURN_BPS: u8 = 2;
const PARAM_MAX_COMMITTEE_SIZE: u8 = 3;
const PARAM_MIN_STAKE_FROST: u8 = 4;
const PARAM_MIN_DEPOSIT_FROST: u8 = 5;
const PARAM_VOTING_DURATION_MS: u8 = 6;
const PARAM_EXECUTION_DELAY_MS: u8 = 7;
const PARAM_QUORUM_BPS: u8 = 8;
const PARAM_APPROVAL_THRESHOLD_BPS: u8 = 9;
/// Storage challenges: samples per committee member (`storage_challenge`; 0 switches them off).
const PARAM_CHALLENGE_SAMPLES_PER_NODE: u8 = 10;
/// Number of parameters; ids are `0..N_PARAMETERS`.
const N_PARAMETERS: u8 = 11;

/// The `Governance` object holds a version this package does not understand.
const EWrongVersion: u64 = 0;
/// `create` with invalid parameters (see `is_valid_parameter_value` for each).
const EInvalidParameters: u64 = 1;
/// The parameter id is not one of `0..N_PARAMETERS`.
const EUnknownParameter: u64 = 2;
/// The value is outside the parameter's range.
const EInvalidParameterValue: u64 = 3;
/// The upgrade digest is not 32 bytes.
const EInvalidDigest: u64 = 4;
/// The description is longer than 4096 bytes.
const EDescriptionTooLong: u64 = 5;
/// The deposit is below `min_deposit_frost`.
const EDepositTooSmall: u64 = 6;
/// The `StakedWal` is withdrawing or not active yet: it can neither propose nor vote.
const ENoVotingPower: u64 = 7;
/// The vote is not 0 (yes), 1 (no) or 2 (abstain).
const EInvalidVote: u64 = 8;
/// The proposal's voting has ended.
const EVotingClosed: u64 = 9;
/// The proposal's voting has not ended yet.
const EVotingOpen: u64 = 10;
/// The proposal missed its quorum or its approval threshold.
const ENotApproved: u64 = 11;
/// The execution delay after the vote has not passed yet.
const EExecutionTooEarly: u64 = 12;
/// The proposal was executed already.
const EAlreadyExecuted: u64 = 13;
/// `execute` of an upgrade proposal, or `execute_upgrade` of another kind.
const EWrongProposalKind: u64 = 14;
/// The deposit was settled already.
const EDepositSettled: u64 = 15;
/// `release_vote_lock` before the last voting period the `StakedWal` took part in ended.
const EVoteLockActive: u64 = 16;

/// Sent to the publisher by `init`; consumed by `create`, so exactly one `Governance` exists.
public struct GovernanceInitCap has key {
    id: UID,
}

/// BCS layout: id, version, min_deposit_frost, voting_duration_ms, execution_delay_ms,
/// quorum_bps, approval_threshold_bps, proposals (`Table` id and size), upgrade_cap.
public struct Governance has key {
    id: UID,
    version: u64,
    /// Smallest deposit of a new proposal, in FROST.
    min_deposit_frost: u64,
    /// How long a new proposal is open for votes.
    voting_duration_ms: u64,
    /// How long an approved proposal waits after its vote before it can be executed.
    execution_delay_ms: u64,
    /// Turnout a proposal needs, in basis points of the total active stake.
    quorum_bps: u16,
    /// Share of yes in yes + no a proposal must exceed, in basis points.
    approval_threshold_bps: u16,
    /// Every proposal's object id, by number (0, 1, ...).
    proposals: Table<u64, ID>,
    /// The walrus package's upgrade capability: only approved proposals use it.
    upgrade_cap: UpgradeCap,
}

/// What a proposal does when executed. BCS: variant index (0, 1, 2), then the fields.
public enum ProposalAction has copy, drop, store {
    /// Sets parameter `parameter` to `value`.
    SetParameter { parameter: u8, value: u64 },
    /// Authorises an upgrade of the walrus package to the bytecode with this digest.
    Upgrade { digest: vector<u8> },
    /// Nothing beyond the record: a resolution.
    Text,
}

/// One `StakedWal`'s vote. BCS: choice (u8), weight (u64).
public struct VoteRecord has copy, drop, store {
    choice: u8,
    weight: u64,
}

/// BCS layout in declaration order (docs/chain.md).
public struct Proposal has key {
    id: UID,
    /// Position in `Governance::proposals`.
    number: u64,
    proposer: address,
    action: ProposalAction,
    /// What the proposal is about (the resolution itself for a text proposal).
    description: String,
    /// The deposit, until settled.
    deposit: Balance<WAL>,
    /// The deposit's amount at creation, in FROST.
    deposit_frost: u64,
    /// Staking epoch and clock time of creation.
    created_epoch: u32,
    created_ms: u64,
    /// Votes are accepted while the clock is before this time.
    voting_end_ms: u64,
    /// An approved proposal can be executed from this time on.
    executable_from_ms: u64,
    /// WAL active in all pools at creation: the base of the quorum.
    total_stake: u64,
    /// The governance parameters at creation.
    quorum_bps: u16,
    approval_threshold_bps: u16,
    /// Tallies, in FROST of principal.
    yes_stake: u64,
    no_stake: u64,
    abstain_stake: u64,
    /// Every vote by `StakedWal` id.
    votes: Table<ID, VoteRecord>,
    executed: bool,
    deposit_settled: bool,
}

fun init(ctx: &mut TxContext) {
    transfer::transfer(GovernanceInitCap { id: object::new(ctx) }, ctx.sender());
}

/// Creates and shares the `Governance` object holding the walrus package's `upgrade_cap`, with
/// the parameters of new proposals. Aborts: `EInvalidParameters` (a minimum deposit of 0, a
/// voting period of 0 or above a year, an execution delay above a year, a quorum above 10_000
/// or a threshold of 10_000 or more basis points).
public fun create(
    init_cap: GovernanceInitCap,
    upgrade_cap: UpgradeCap,
    min_deposit_frost: u64,
    voting_duration_ms: u64,
    execution_delay_ms: u64,
    quorum_bps: u16,
    approval_threshold_bps: u16,
    ctx: &mut TxContext,
) {
    let GovernanceInitCap { id } = init_cap;
    id.delete();
    assert!(
        is_valid_parameter_value(PARAM_MIN_DEPOSIT_FROST, min_deposit_frost)
            && is_valid_parameter_value(PARAM_VOTING_DURATION_MS, voting_duration_ms)
            && is_valid_parameter_value(PARAM_EXECUTION_DELAY_MS, execution_delay_ms)
            && is_valid_parameter_value(PARAM_QUORUM_BPS, (quorum_bps as u64))
            && is_valid_parameter_value(PARAM_APPROVAL_THRESHOLD_BPS, (approval_threshold_bps as u64)),
        EInvalidParameters,
    );
    transfer::share_object(Governance {
        id: object::new(ctx),
        version: VERSION,
        min_deposit_frost,
        voting_duration_ms,
        execution_delay_ms,
        quorum_bps,
        approval_threshold_bps,
        proposals: table::new(ctx),
        upgrade_cap,
    });
}

// === Proposals ===

/// Proposes to set `parameter` to `value` (docs/chain.md lists the ids and ranges), with
/// `deposit` and the holder's active `staked_wal`. Returns the shared `Proposal`'s id. Emits
/// `ProposalCreated`. Aborts: `EWrongVersion`, `EUnknownParameter`, `EInvalidParameterValue`,
/// `EDescriptionTooLong`, `EDepositTooSmall`, `ENoVotingPower`.
public fun propose_parameter_change(
    self: &mut Governance,
    staking: &Staking,
    staked_wal: &StakedWal,
    parameter: u8,
    value: u64,
    description: String,
    deposit: Coin<WAL>,
    clock: &Clock,
    ctx: &mut TxContext,
): ID {
    self.assert_version();
    assert!(parameter < N_PARAMETERS, EUnknownParameter);
    assert!(is_valid_parameter_value(parameter, value), EInvalidParameterValue);
    let action = ProposalAction::SetParameter { parameter, value };
    self.new_proposal(staking, staked_wal, action, description, deposit, clock, ctx)
}

/// Proposes to upgrade the walrus package to the bytecode with SHA-256 `digest` (as
/// `sui move build --dump-bytecode-as-base64` prints it). Emits `ProposalCreated`. Aborts:
/// `EWrongVersion`, `EInvalidDigest`, `EDescriptionTooLong`, `EDepositTooSmall`,
/// `ENoVotingPower`.
public fun propose_upgrade(
    self: &mut Governance,
    staking: &Staking,
    staked_wal: &StakedWal,
    digest: vector<u8>,
    description: String,
    deposit: Coin<WAL>,
    clock: &Clock,
    ctx: &mut TxContext,
): ID {
    self.assert_version();
    assert!(digest.length() == DIGEST_BYTES, EInvalidDigest);
    let action = ProposalAction::Upgrade { digest };
    self.new_proposal(staking, staked_wal, action, description, deposit, clock, ctx)
}

/// Proposes the resolution `text`. Emits `ProposalCreated`. Aborts: `EWrongVersion`,
/// `EDescriptionTooLong`, `EDepositTooSmall`, `ENoVotingPower`.
public fun propose_text(
    self: &mut Governance,
    staking: &Staking,
    staked_wal: &StakedWal,
    text: String,
    deposit: Coin<WAL>,
    clock: &Clock,
    ctx: &mut TxContext,
): ID {
    self.assert_version();
    self.new_proposal(staking, staked_wal, ProposalAction::Text, text, deposit, clock, ctx)
}

// === Votes ===

/// `staked_wal` votes `choice` (0 yes, 1 no, 2 abstain) on `proposal` with its principal as
/// weight; a second vote replaces the first. Locks `staked_wal` until the voting ends. Emits
/// `VoteCast`. Aborts: `EInvalidVote`, `EVotingClosed`, `ENoVotingPower`.
public fun vote(
    proposal: &mut Proposal,
    staking: &Staking,
    staked_wal: &mut StakedWal,
    choice: u8,
    clock: &Clock,
    ctx: &TxContext,
) {
    assert!(choice <= VOTE_ABSTAIN, EInvalidVote);
    assert!(clock.timestamp_ms() < proposal.voting_end_ms, EVotingClosed);
    let weight = voting_power(staking, staked_wal);
    assert!(weight > 0, ENoVotingPower);
    let staked_wal_id = object::id(staked_wal);
    let (previous_choice, previous_weight) = if (proposal.votes.contains(staked_wal_id)) {
        let VoteRecord { choice: old_choice, weight: old_weight } = proposal
            .votes
            .remove(staked_wal_id);
        proposal.subtract_vote(old_choice, old_weight);
        (option::some(old_choice), old_weight)
    } else {
        (option::none(), 0)
    };
    proposal.votes.add(staked_wal_id, VoteRecord { choice, weight });
    proposal.add_vote(choice, weight);
    staked_wal.lock_for_vote(proposal.voting_end_ms);
    events::emit_vote_cast(
        object::id(proposal),
        staked_wal_id,
        ctx.sender(),
        choice,
        weight,
        previous_choice,
        previous_weight,
        proposal.yes_stake,
        proposal.no_stake,
        proposal.abstain_stake,
    );
}

/// Removes the vote lock of `staked_wal` once the last voting period it took part in has ended
/// (a no-op without a lock). Aborts: `EVoteLockActive`.
public fun release_vote_lock(staked_wal: &mut StakedWal, clock: &Clock) {
    let locked_until = staked_wal.vote_locked_until_ms();
    if (locked_until.is_none()) return;
    assert!(clock.timestamp_ms() >= locked_until.destroy_some(), EVoteLockActive);
    staked_wal.unlock_vote();
}

/// The weight `staked_wal` votes with: its principal if it is staked and active, otherwise 0.
public fun voting_power(staking: &Staking, staked_wal: &StakedWal): u64 {
    if (staked_wal.is_staked() && staked_wal.activation_epoch() <= staking.epoch()) {
        staked_wal.value()
    } else {
        0
    }
}

// === Execution ===

/// Executes an approved parameter change or text proposal (anyone may call it). Emits
/// `ProposalExecuted`. Aborts: `EWrongVersion`, `EWrongProposalKind` (an upgrade: use
/// `execute_upgrade`), `EAlreadyExecuted`, `EVotingOpen`, `ENotApproved`, `EExecutionTooEarly`,
/// then the setter's abort.
public fun execute(
    self: &mut Governance,
    proposal: &mut Proposal,
    staking: &mut Staking,
    system: &mut System,
    clock: &Clock,
) {
    self.assert_version();
    let (kind, parameter, value, digest) = action_parts(&proposal.action);
    assert!(kind != KIND_UPGRADE, EWrongProposalKind);
    proposal.assert_executable(clock);
    proposal.executed = true;
    if (kind == KIND_PARAMETER) self.apply_parameter(staking, system, parameter, value);
    events::emit_proposal_executed(
        object::id(proposal),
        kind,
        parameter,
        value,
        digest,
        clock.timestamp_ms(),
    );
}

/// Executes an approved upgrade proposal: returns the ticket for an upgrade of the walrus package
/// to the proposal's digest, under the cap's policy. The same transaction must run the `Upgrade`
/// command with it and pass the receipt to `commit_upgrade`. Emits `ProposalExecuted`. Aborts:
/// `EWrongVersion`, `EWrongProposalKind`, `EAlreadyExecuted`, `EVotingOpen`, `ENotApproved`,
/// `EExecutionTooEarly`.
public fun execute_upgrade(
    self: &mut Governance,
    proposal: &mut Proposal,
    clock: &Clock,
): UpgradeTicket {
    self.assert_version();
    let (kind, parameter, value, digest) = action_parts(&proposal.action);
    assert!(kind == KIND_UPGRADE, EWrongProposalKind);
    proposal.assert_executable(clock);
    proposal.executed = true;
    let policy = package::upgrade_policy(&self.upgrade_cap);
    let ticket = package::authorize_upgrade(&mut self.upgrade_cap, policy, digest);
    events::emit_proposal_executed(
        object::id(proposal),
        kind,
        parameter,
        value,
        digest,
        clock.timestamp_ms(),
    );
    ticket
}

/// Completes an upgrade: records the new package in the cap. Emits `UpgradeCommitted`. Aborts:
/// `EWrongVersion`, `0x2::package::{EWrongUpgradeCap, ENotAuthorized}`.
public fun commit_upgrade(self: &mut Governance, receipt: UpgradeReceipt) {
    self.assert_version();
    package::commit_upgrade(&mut self.upgrade_cap, receipt);
    events::emit_upgrade_committed(
        package::upgrade_package(&self.upgrade_cap),
        package::version(&self.upgrade_cap),
    );
}

/// Settles the deposit once the voting ended (anyone may call it): back to the proposer if the
/// proposal reached its quorum (`DepositReturned`), otherwise set aside in `staking` to be burned
/// (`DepositBurned`). Aborts: `EVotingOpen`, `EDepositSettled`.
public fun settle_deposit(
    proposal: &mut Proposal,
    staking: &mut Staking,
    clock: &Clock,
    ctx: &mut TxContext,
) {
    assert!(clock.timestamp_ms() >= proposal.voting_end_ms, EVotingOpen);
    assert!(!proposal.deposit_settled, EDepositSettled);
    proposal.deposit_settled = true;
    let deposit = proposal.deposit.withdraw_all();
    let amount = deposit.value();
    if (proposal.reached_quorum()) {
        transfer::public_transfer(coin::from_balance(deposit, ctx), proposal.proposer);
        events::emit_deposit_returned(object::id(proposal), proposal.proposer, amount);
    } else {
        staking.add_burn_pending(deposit);
        events::emit_deposit_burned(object::id(proposal), amount);
    }
}

// === Parameters ===

/// Whether `value` is in the range of `parameter` (false for an unknown parameter):
/// 0 epoch duration (ms) > 0; 1 max epochs ahead in 1..=1000; 2 burn share <= 10_000 bps;
/// 3 max committee size in 1..=65_535; 4 minimum stake >= 1 WAL; 5 minimum deposit > 0;
/// 6 voting duration in 1..=1 year (ms); 7 execution delay <= 1 year (ms); 8 quorum <= 10_000
/// bps; 9 approval threshold < 10_000 bps; 10 storage-challenge samples per member
/// <= `storage_challenge::max_samples_per_node()` (64).
public fun is_valid_parameter_value(parameter: u8, value: u64): bool {
    if (parameter == PARAM_EPOCH_DURATION_MS) value > 0
    else if (parameter == PARAM_MAX_EPOCHS_AHEAD) value > 0 && value <= MAX_EPOCHS_AHEAD_LIMIT
    else if (parameter == PARAM_BURN_BPS) value <= MAX_BPS
    else if (parameter == PARAM_MAX_COMMITTEE_SIZE) value > 0 && value <= 65_535
    else if (parameter == PARAM_MIN_STAKE_FROST) value >= staked_wal::min_stake_frost()
    else if (parameter == PARAM_MIN_DEPOSIT_FROST) value > 0
    else if (parameter == PARAM_VOTING_DURATION_MS) value > 0 && value <= MAX_DURATION_MS
    else if (parameter == PARAM_EXECUTION_DELAY_MS) value <= MAX_DURATION_MS
    else if (parameter == PARAM_QUORUM_BPS) value <= MAX_BPS
    else if (parameter == PARAM_APPROVAL_THRESHOLD_BPS) value < MAX_BPS
    else if (parameter == PARAM_CHALLENGE_SAMPLES_PER_NODE)
        value <= (storage_challenge::max_samples_per_node() as u64)
    else false
}

/// Number of parameters a proposal can change (ids `0..n_parameters()`).
public fun n_parameters(): u8 {
    N_PARAMETERS
}

// === Governance accessors ===

public fun version(self: &Governance): u64 {
    self.version
}

public fun min_deposit_frost(self: &Governance): u64 {
    self.min_deposit_frost
}

public fun voting_duration_ms(self: &Governance): u64 {
    self.voting_duration_ms
}

public fun execution_delay_ms(self: &Governance): u64 {
    self.execution_delay_ms
}

public fun quorum_bps(self: &Governance): u16 {
    self.quorum_bps
}

public fun approval_threshold_bps(self: &Governance): u16 {
    self.approval_threshold_bps
}

/// Number of proposals created so far.
public fun n_proposals(self: &Governance): u64 {
    self.proposals.length()
}

/// The object id of proposal `number` (aborts in `sui::dynamic_field` if there is none).
public fun proposal_id(self: &Governance, number: u64): ID {
    *self.proposals.borrow(number)
}

/// The id of the `UpgradeCap` governance holds.
public fun upgrade_cap_id(self: &Governance): ID {
    object::id(&self.upgrade_cap)
}

/// The latest package id of the walrus package (0x0 while an upgrade is in progress).
public fun package_id(self: &Governance): ID {
    package::upgrade_package(&self.upgrade_cap)
}

/// Upgrades committed through governance, plus the cap's initial version.
public fun package_version(self: &Governance): u64 {
    package::version(&self.upgrade_cap)
}

// === Proposal accessors ===

public fun number(self: &Proposal): u64 {
    self.number
}

public fun proposer(self: &Proposal): address {
    self.proposer
}

/// 0 parameter change, 1 upgrade, 2 text.
public fun kind(self: &Proposal): u8 {
    let (kind, _, _, _) = action_parts(&self.action);
    kind
}

/// The parameter a parameter change sets (0 for other kinds).
public fun parameter(self: &Proposal): u8 {
    let (_, parameter, _, _) = action_parts(&self.action);
    parameter
}

/// The value a parameter change sets (0 for other kinds).
public fun value(self: &Proposal): u64 {
    let (_, _, value, _) = action_parts(&self.action);
    value
}

/// The digest an upgrade authorises (empty for other kinds).
public fun digest(self: &Proposal): vector<u8> {
    let (_, _, _, digest) = action_parts(&self.action);
    digest
}

public fun description(self: &Proposal): String {
    self.description
}

/// The deposit paid at creation, in FROST.
public fun deposit_frost(self: &Proposal): u64 {
    self.deposit_frost
}

/// The deposit still held (0 once settled), in FROST.
public fun deposit_value(self: &Proposal): u64 {
    self.deposit.value()
}

public fun created_epoch(self: &Proposal): u32 {
    self.created_epoch
}

public fun created_ms(self: &Proposal): u64 {
    self.created_ms
}

public fun voting_end_ms(self: &Proposal): u64 {
    self.voting_end_ms
}

public fun executable_from_ms(self: &Proposal): u64 {
    self.executable_from_ms
}

/// WAL active in all pools at creation, in FROST.
public fun total_stake(self: &Proposal): u64 {
    self.total_stake
}

public fun proposal_quorum_bps(self: &Proposal): u16 {
    self.quorum_bps
}

public fun proposal_approval_threshold_bps(self: &Proposal): u16 {
    self.approval_threshold_bps
}

public fun yes_stake(self: &Proposal): u64 {
    self.yes_stake
}

public fun no_stake(self: &Proposal): u64 {
    self.no_stake
}

public fun abstain_stake(self: &Proposal): u64 {
    self.abstain_stake
}

/// Number of `StakedWal` objects that voted.
public fun n_votes(self: &Proposal): u64 {
    self.votes.length()
}

/// The vote of `staked_wal_id` as (choice, weight), if it voted.
public fun vote_of(self: &Proposal, staked_wal_id: ID): Option<VoteRecord> {
    if (self.votes.contains(staked_wal_id)) {
        option::some(*self.votes.borrow(staked_wal_id))
    } else {
        option::none()
    }
}

public fun vote_choice(record: &VoteRecord): u8 {
    record.choice
}

public fun vote_weight(record: &VoteRecord): u64 {
    record.weight
}

public fun is_executed(self: &Proposal): bool {
    self.executed
}

public fun is_deposit_settled(self: &Proposal): bool {
    self.deposit_settled
}

/// Whether the turnout (yes + no + abstain) reaches `quorum_bps` of the recorded total stake.
public fun reached_quorum(self: &Proposal): bool {
    let turnout = (self.yes_stake as u128) + (self.no_stake as u128) + (self.abstain_stake as u128);
    turnout * (MAX_BPS as u128) >= (self.total_stake as u128) * (self.quorum_bps as u128)
}

/// Whether the tallies approve the proposal: quorum, and yes above the threshold share of
/// yes + no (final once the voting has ended).
public fun is_approved(self: &Proposal): bool {
    let yes = self.yes_stake as u128;
    let decided = yes + (self.no_stake as u128);
    self.reached_quorum()
        && yes * (MAX_BPS as u128) > decided * (self.approval_threshold_bps as u128)
}

// === Internal ===

fun assert_version(self: &Governance) {
    assert!(self.version == VERSION, EWrongVersion);
}

/// Creates, registers and shares a proposal. Checks `EDescriptionTooLong`, `EDepositTooSmall`,
/// `ENoVotingPower`.
fun new_proposal(
    self: &mut Governance,
    staking: &Staking,
    staked_wal: &StakedWal,
    action: ProposalAction,
    description: String,
    deposit: Coin<WAL>,
    clock: &Clock,
    ctx: &mut TxContext,
): ID {
    assert!(description.length() <= MAX_DESCRIPTION_BYTES, EDescriptionTooLong);
    let deposit_frost = deposit.value();
    assert!(deposit_frost >= self.min_deposit_frost, EDepositTooSmall);
    assert!(voting_power(staking, staked_wal) > 0, ENoVotingPower);
    let now = clock.timestamp_ms();
    let voting_end_ms = now + self.voting_duration_ms;
    let executable_from_ms = voting_end_ms + self.execution_delay_ms;
    let number = self.proposals.length();
    let total_stake = staking.total_active_stake();
    let proposal = Proposal {
        id: object::new(ctx),
        number,
        proposer: ctx.sender(),
        action,
        description,
        deposit: deposit.into_balance(),
        deposit_frost,
        created_epoch: staking.epoch(),
        created_ms: now,
        voting_end_ms,
        executable_from_ms,
        total_stake,
        quorum_bps: self.quorum_bps,
        approval_threshold_bps: self.approval_threshold_bps,
        yes_stake: 0,
        no_stake: 0,
        abstain_stake: 0,
        votes: table::new(ctx),
        executed: false,
        deposit_settled: false,
    };
    let proposal_id = object::id(&proposal);
    self.proposals.add(number, proposal_id);
    let (kind, parameter, value, digest) = action_parts(&action);
    events::emit_proposal_created(
        proposal_id,
        number,
        ctx.sender(),
        kind,
        parameter,
        value,
        digest,
        proposal.description,
        deposit_frost,
        voting_end_ms,
        executable_from_ms,
        total_stake,
        self.quorum_bps,
        self.approval_threshold_bps,
    );
    transfer::share_object(proposal);
    proposal_id
}

/// Checks, in order: `EAlreadyExecuted`, `EVotingOpen`, `ENotApproved`, `EExecutionTooEarly`.
fun assert_executable(self: &Proposal, clock: &Clock) {
    let now = clock.timestamp_ms();
    assert!(!self.executed, EAlreadyExecuted);
    assert!(now >= self.voting_end_ms, EVotingOpen);
    assert!(self.is_approved(), ENotApproved);
    assert!(now >= self.executable_from_ms, EExecutionTooEarly);
}

fun apply_parameter(
    self: &mut Governance,
    staking: &mut Staking,
    system: &mut System,
    parameter: u8,
    value: u64,
) {
    if (parameter == PARAM_EPOCH_DURATION_MS) {
        staking.set_epoch_duration_ms(value)
    } else if (parameter == PARAM_MAX_EPOCHS_AHEAD) {
        system.set_max_epochs_ahead((value as u32))
    } else if (parameter == PARAM_BURN_BPS) {
        staking.set_burn_bps((value as u16))
    } else if (parameter == PARAM_MAX_COMMITTEE_SIZE) {
        staking.set_max_committee_size((value as u16))
    } else if (parameter == PARAM_MIN_STAKE_FROST) {
        staking.set_min_stake_frost(value)
    } else if (parameter == PARAM_MIN_DEPOSIT_FROST) {
        self.min_deposit_frost = value;
    } else if (parameter == PARAM_VOTING_DURATION_MS) {
        self.voting_duration_ms = value;
    } else if (parameter == PARAM_EXECUTION_DELAY_MS) {
        self.execution_delay_ms = value;
    } else if (parameter == PARAM_QUORUM_BPS) {
        self.quorum_bps = (value as u16);
    } else if (parameter == PARAM_APPROVAL_THRESHOLD_BPS) {
        self.approval_threshold_bps = (value as u16);
    } else if (parameter == PARAM_CHALLENGE_SAMPLES_PER_NODE) {
        staking.set_challenge_parameters((value as u16))
    }
}

fun add_vote(self: &mut Proposal, choice: u8, weight: u64) {
    if (choice == VOTE_YES) {
        self.yes_stake = self.yes_stake + weight;
    } else if (choice == VOTE_NO) {
        self.no_stake = self.no_stake + weight;
    } else {
        self.abstain_stake = self.abstain_stake + weight;
    }
}

fun subtract_vote(self: &mut Proposal, choice: u8, weight: u64) {
    if (choice == VOTE_YES) {
        self.yes_stake = self.yes_stake - weight;
    } else if (choice == VOTE_NO) {
        self.no_stake = self.no_stake - weight;
    } else {
        self.abstain_stake = self.abstain_stake - weight;
    }
}

/// (kind, parameter, value, digest) of an action; zeros and an empty digest where they do not
/// apply.
fun action_parts(action: &ProposalAction): (u8, u8, u64, vector<u8>) {
    match (action) {
        ProposalAction::SetParameter { parameter, value } => (
            KIND_PARAMETER,
            *parameter,
            *value,
            vector[],
        ),
        ProposalAction::Upgrade { digest } => (KIND_UPGRADE, 0, 0, *digest),
        ProposalAction::Text => (KIND_TEXT, 0, 0, vector[]),
    }
}

#[test_only]
public fun init_for_testing(ctx: &mut TxContext) {
    init(ctx)
}

#[test_only]
/// Pretends the object was migrated by another package version.
public fun set_version_for_testing(self: &mut Governance, version: u64) {
    self.version = version;
}
