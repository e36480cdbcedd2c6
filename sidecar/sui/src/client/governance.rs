//! Governance: one typed call per public function of `walrus::governance` (on [`WalrusPtb`] and
//! as transactions of their own on [`WalrusChainClient`]), and reads of the `Governance` object,
//! its proposals with their tallies and votes, and the vote lock of a `StakedWal`.
//!
//! The `Governance` object is named by the deployment ([`crate::Deployment::governance`]); each
//! proposal is a shared object of its own, found through the `Governance` object's table of
//! proposal ids by number.

use serde::Serialize;
use sui_sdk_types::{Address, Identifier, Owner, StructTag, TypeTag};
use sui_transaction_builder::Argument;
use walrus_contracts::{
    events::{Event, GovernanceEvent},
    governance::{Governance, KIND_UPGRADE, Parameter, Proposal, ProposalAction, VoteRecord},
    staked_wal::VOTE_LOCK_KEY,
};

use super::reads::{DynamicField, dynamic_field_type};
use super::transactions::WalrusPtb;
use super::{ChainError, ChainObject, ChainResult, ExecutedTransaction, WalrusChainClient};
use crate::SharedObjectRef;

/// Most proposals [`WalrusChainClient::list_proposals`] reads by default (the newest).
pub const DEFAULT_PROPOSAL_LIST_LIMIT: u64 = 100;

/// A vote: yes, no or abstain (the `choice` of `governance::vote`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum VoteChoice {
    /// 0.
    Yes,
    /// 1.
    No,
    /// 2.
    Abstain,
}

impl VoteChoice {
    /// The `u8` the contract takes.
    pub fn code(self) -> u8 {
        match self {
            Self::Yes => 0,
            Self::No => 1,
            Self::Abstain => 2,
        }
    }

    /// The choice of code `code`.
    pub fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(Self::Yes),
            1 => Some(Self::No),
            2 => Some(Self::Abstain),
            _ => None,
        }
    }
}

/// Where a proposal stands, from its tallies and the chain's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ProposalStatus {
    /// Votes are accepted.
    Voting,
    /// The vote ended without quorum or approval: it can never be executed.
    Rejected,
    /// Approved; waiting for the execution delay.
    Approved,
    /// Approved and past the delay: anyone may execute it.
    Executable,
    /// Executed.
    Executed,
}

/// A proposal with what a client needs to show it and act on it. The status is computed with
/// the `0x6` clock, i.e. the time of the chain's latest transaction (on Sui, of the latest
/// checkpoint).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposalInfo {
    /// The shared `Proposal` object.
    pub object: ChainObject<Proposal>,
    /// Its status at `now_ms`.
    pub status: ProposalStatus,
    /// The chain's clock when read.
    pub now_ms: u64,
}

impl ProposalInfo {
    /// The proposal.
    pub fn proposal(&self) -> &Proposal {
        &self.object.value
    }
}

/// The status of `proposal` at clock time `now_ms`.
pub fn proposal_status(proposal: &Proposal, now_ms: u64) -> ProposalStatus {
    if proposal.executed {
        ProposalStatus::Executed
    } else if now_ms < proposal.voting_end_ms {
        ProposalStatus::Voting
    } else if !proposal.is_approved() {
        ProposalStatus::Rejected
    } else if now_ms < proposal.executable_from_ms {
        ProposalStatus::Approved
    } else {
        ProposalStatus::Executable
    }
}

/// A proposal as created: its object id and the transaction.
#[derive(Clone, Debug)]
pub struct CreatedProposal {
    /// The new shared `Proposal`.
    pub proposal: Address,
    /// Its number.
    pub number: u64,
    /// The transaction.
    pub executed: ExecutedTransaction,
}

/// What a new proposal does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProposalKind {
    /// Set `parameter` to `value`.
    Parameter {
        /// The parameter.
        parameter: Parameter,
        /// The new value.
        value: u64,
    },
    /// Upgrade the walrus package to the bytecode with this 32-byte digest.
    Upgrade {
        /// SHA-256 of the bytecode and dependencies.
        digest: Vec<u8>,
    },
    /// A resolution (the description is its text).
    Text,
}

/// The Move calls of governance, as commands added to a transaction.
impl WalrusPtb {
    /// `governance::propose_parameter_change(&mut Governance, &Staking, &StakedWal, u8, u64,
    /// String, Coin<WAL>, &Clock): ID`.
    #[allow(clippy::too_many_arguments)]
    pub fn propose_parameter_change(
        &mut self,
        governance: Argument,
        staking: Argument,
        staked_wal: Argument,
        parameter: Parameter,
        value: u64,
        description: &str,
        deposit: Argument,
        clock: Argument,
    ) -> Argument {
        let parameter = self.pure(&parameter.id());
        let value = self.pure(&value);
        let description = self.pure(&description);
        let arguments = vec![governance, staking, staked_wal, parameter, value, description, deposit, clock];
        self.walrus_call("governance", "propose_parameter_change", arguments)
    }

    /// `governance::propose_upgrade(&mut Governance, &Staking, &StakedWal, digest, String,
    /// Coin<WAL>, &Clock): ID`.
    #[allow(clippy::too_many_arguments)]
    pub fn propose_upgrade(
        &mut self,
        governance: Argument,
        staking: Argument,
        staked_wal: Argument,
        digest: &[u8],
        description: &str,
        deposit: Argument,
        clock: Argument,
    ) -> Argument {
        let digest = self.pure(&digest.to_vec());
        let description = self.pure(&description);
        let arguments = vec![governance, staking, staked_wal, digest, description, deposit, clock];
        self.walrus_call("governance", "propose_upgrade", arguments)
    }

    /// `governance::propose_text(&mut Governance, &Staking, &StakedWal, String, Coin<WAL>,
    /// &Clock): ID`.
    pub fn propose_text(
        &mut self,
        governance: Argument,
        staking: Argument,
        staked_wal: Argument,
        text: &str,
        deposit: Argument,
        clock: Argument,
    ) -> Argument {
        let text = self.pure(&text);
        self.walrus_call("governance", "propose_text", vec![governance, staking, staked_wal, text, deposit, clock])
    }

    /// `governance::vote(&mut Proposal, &Staking, &mut StakedWal, choice, &Clock)`.
    pub fn governance_vote(
        &mut self,
        proposal: Argument,
        staking: Argument,
        staked_wal: Argument,
        choice: VoteChoice,
        clock: Argument,
    ) -> Argument {
        let choice = self.pure(&choice.code());
        self.walrus_call("governance", "vote", vec![proposal, staking, staked_wal, choice, clock])
    }

    /// `governance::release_vote_lock(&mut StakedWal, &Clock)`.
    pub fn release_vote_lock(&mut self, staked_wal: Argument, clock: Argument) -> Argument {
        self.walrus_call("governance", "release_vote_lock", vec![staked_wal, clock])
    }

    /// `governance::execute(&mut Governance, &mut Proposal, &mut Staking, &mut System, &Clock)`.
    pub fn execute_proposal(
        &mut self,
        governance: Argument,
        proposal: Argument,
        staking: Argument,
        system: Argument,
        clock: Argument,
    ) -> Argument {
        self.walrus_call("governance", "execute", vec![governance, proposal, staking, system, clock])
    }

    /// `governance::execute_upgrade(&mut Governance, &mut Proposal, &Clock): UpgradeTicket`.
    pub fn execute_upgrade(&mut self, governance: Argument, proposal: Argument, clock: Argument) -> Argument {
        self.walrus_call("governance", "execute_upgrade", vec![governance, proposal, clock])
    }

    /// `governance::commit_upgrade(&mut Governance, UpgradeReceipt)`.
    pub fn commit_upgrade(&mut self, governance: Argument, receipt: Argument) -> Argument {
        self.walrus_call("governance", "commit_upgrade", vec![governance, receipt])
    }

    /// `governance::settle_deposit(&mut Proposal, &mut Staking, &Clock)`.
    pub fn settle_deposit(&mut self, proposal: Argument, staking: Argument, clock: Argument) -> Argument {
        self.walrus_call("governance", "settle_deposit", vec![proposal, staking, clock])
    }

    /// `governance::create(GovernanceInitCap, UpgradeCap, min_deposit_frost, voting_duration_ms,
    /// execution_delay_ms, quorum_bps, approval_threshold_bps)`: once, by the publisher, on a Sui
    /// network (the local chain creates its `Governance` at genesis).
    #[allow(clippy::too_many_arguments)]
    pub fn create_governance(
        &mut self,
        init_cap: Argument,
        upgrade_cap: Argument,
        min_deposit_frost: u64,
        voting_duration_ms: u64,
        execution_delay_ms: u64,
        quorum_bps: u16,
        approval_threshold_bps: u16,
    ) -> Argument {
        let arguments = vec![
            init_cap,
            upgrade_cap,
            self.pure(&min_deposit_frost),
            self.pure(&voting_duration_ms),
            self.pure(&execution_delay_ms),
            self.pure(&quorum_bps),
            self.pure(&approval_threshold_bps),
        ];
        self.walrus_call("governance", "create", arguments)
    }

    /// The deployment's shared `Governance` object, mutably.
    fn governance(&mut self) -> ChainResult<Argument> {
        let governance = governance_ref(self.deployment().governance)?;
        Ok(self.shared(governance.id, governance.initial_shared_version, true))
    }
}

fn governance_ref(governance: Option<SharedObjectRef>) -> ChainResult<SharedObjectRef> {
    governance.ok_or_else(|| {
        ChainError::InvalidArgument(
            "the deployment names no Governance object; set governance_object and \
             governance_initial_shared_version in the client config profile (the local network writes them)"
                .into(),
        )
    })
}

fn ident(name: &'static str) -> Identifier {
    Identifier::from_static(name)
}

impl WalrusChainClient {
    /// `walrus::governance::Governance`.
    pub fn governance_type(&self) -> StructTag {
        self.walrus_type("governance", "Governance")
    }

    /// `walrus::governance::Proposal`.
    pub fn proposal_type(&self) -> StructTag {
        self.walrus_type("governance", "Proposal")
    }

    /// The deployment's `Governance` object and its initial shared version.
    pub fn governance_object(&self) -> ChainResult<SharedObjectRef> {
        governance_ref(self.deployment().governance)
    }

    /// The `Governance` object (its proposal table without entries).
    pub async fn get_governance(&self) -> ChainResult<ChainObject<Governance>> {
        let governance = self.governance_object()?;
        self.get_raw_object(governance.id).await?.decode(&self.governance_type())
    }

    /// The object id of proposal `number`, if there is one.
    pub async fn proposal_id(&self, governance: &Governance, number: u64) -> ChainResult<Option<Address>> {
        let table = Address::new(governance.proposals.id.0);
        let key = bcs::to_bytes(&number).unwrap_or_else(|e| unreachable!("u64 serializes: {e}"));
        let field_id = table.derive_dynamic_child_id(&TypeTag::U64, &key);
        let Some(field) = self.try_get_raw_object(field_id).await? else { return Ok(None) };
        let field: ChainObject<DynamicField<u64, Address>> =
            field.decode(&dynamic_field_type(TypeTag::U64, id_type()))?;
        Ok(Some(field.value.value))
    }

    /// A `Proposal` (its vote table without entries: read votes with [`Self::proposal_vote`]).
    pub async fn get_proposal(&self, id: Address) -> ChainResult<ChainObject<Proposal>> {
        let object = self.try_get_raw_object(id).await?.ok_or_else(|| {
            ChainError::InvalidArgument(format!(
                "no object {id} exists; list the proposals (`walrus governance list`) for their ids"
            ))
        })?;
        object.decode(&self.proposal_type())
    }

    /// The proposal with its status now.
    pub async fn proposal_info(&self, id: Address) -> ChainResult<ProposalInfo> {
        let object = self.get_proposal(id).await?;
        let now_ms = self.clock_timestamp_ms().await?;
        let status = proposal_status(&object.value, now_ms);
        Ok(ProposalInfo { object, status, now_ms })
    }

    /// The newest `limit` proposals, newest first, with their status now.
    pub async fn list_proposals(&self, limit: u64) -> ChainResult<Vec<ProposalInfo>> {
        let governance = self.get_governance().await?.value;
        let now_ms = self.clock_timestamp_ms().await?;
        let n = governance.n_proposals();
        let mut proposals = Vec::new();
        for number in (n.saturating_sub(limit)..n).rev() {
            let id = self.proposal_id(&governance, number).await?.ok_or_else(|| ChainError::MalformedResponse {
                operation: "GetObject",
                message: format!("the governance table has no entry for proposal {number} of {n}"),
            })?;
            let object = self.get_proposal(id).await?;
            let status = proposal_status(&object.value, now_ms);
            proposals.push(ProposalInfo { object, status, now_ms });
        }
        Ok(proposals)
    }

    /// The vote `staked_wal` cast on `proposal`, if any.
    pub async fn proposal_vote(&self, proposal: &Proposal, staked_wal: Address) -> ChainResult<Option<VoteRecord>> {
        let table = Address::new(proposal.votes.id.0);
        let key = bcs::to_bytes(&staked_wal).unwrap_or_else(|e| unreachable!("addresses serialize: {e}"));
        let field_id = table.derive_dynamic_child_id(&id_type(), &key);
        let Some(field) = self.try_get_raw_object(field_id).await? else { return Ok(None) };
        let record_type = TypeTag::Struct(Box::new(self.walrus_type("governance", "VoteRecord")));
        let field: ChainObject<DynamicField<Address, VoteRecord>> =
            field.decode(&dynamic_field_type(id_type(), record_type))?;
        Ok(Some(field.value.value))
    }

    /// Until when (clock ms) a governance vote locks `staked_wal`, if it does.
    pub async fn vote_locked_until_ms(&self, staked_wal: Address) -> ChainResult<Option<u64>> {
        let key = bcs::to_bytes(VOTE_LOCK_KEY).unwrap_or_else(|e| unreachable!("bytes serialize: {e}"));
        let key_type = TypeTag::Vector(Box::new(TypeTag::U8));
        let field_id = staked_wal.derive_dynamic_child_id(&key_type, &key);
        let Some(field) = self.try_get_raw_object(field_id).await? else { return Ok(None) };
        let field: ChainObject<DynamicField<Vec<u8>, u64>> =
            field.decode(&dynamic_field_type(key_type, TypeTag::U64))?;
        Ok(Some(field.value.value))
    }

    /// Opens a proposal with `deposit_frost` of the sender's WAL and its active `StakedWal`
    /// `staked_wal`.
    pub async fn propose(
        &self,
        kind: &ProposalKind,
        description: &str,
        deposit_frost: u64,
        staked_wal: Address,
    ) -> ChainResult<CreatedProposal> {
        let (staking_id, staking_version) = self.staking_object().await?;
        let executed = self
            .run(&[staked_wal], Some(deposit_frost), |ptb, inputs| {
                let governance = ptb.governance()?;
                let staking = ptb.shared(staking_id, staking_version, false);
                let staked = ptb.owned(inputs.owned(staked_wal));
                let payment = ptb.wal_payment(&inputs.wal);
                let deposit = ptb.split(payment, deposit_frost);
                let clock = ptb.clock();
                match kind {
                    ProposalKind::Parameter { parameter, value } => ptb.propose_parameter_change(
                        governance,
                        staking,
                        staked,
                        *parameter,
                        *value,
                        description,
                        deposit,
                        clock,
                    ),
                    ProposalKind::Upgrade { digest } => {
                        ptb.propose_upgrade(governance, staking, staked, digest, description, deposit, clock)
                    }
                    ProposalKind::Text => ptb.propose_text(governance, staking, staked, description, deposit, clock),
                };
                Ok(())
            })
            .await?;
        let created = executed.events.iter().find_map(|event| match event {
            Event::Governance(GovernanceEvent::ProposalCreated(created)) => Some(created.clone()),
            _ => None,
        });
        let created = created.ok_or_else(|| ChainError::MalformedResponse {
            operation: "ExecuteTransaction",
            message: format!("transaction {} emitted no ProposalCreated", executed.digest),
        })?;
        Ok(CreatedProposal { proposal: Address::new(created.proposal_id.0), number: created.number, executed })
    }

    /// Votes `choice` on `proposal` with each of `staked_wals` (the sender's), in one
    /// transaction.
    pub async fn vote(
        &self,
        proposal: Address,
        choice: VoteChoice,
        staked_wals: &[Address],
    ) -> ChainResult<ExecutedTransaction> {
        if staked_wals.is_empty() {
            return Err(ChainError::InvalidArgument(
                "no StakedWal to vote with; stake WAL first (`walrus staking stake`) or name one".into(),
            ));
        }
        let proposal_version = self.shared_version(proposal, "proposal").await?;
        let (staking_id, staking_version) = self.staking_object().await?;
        self.run(staked_wals, None, |ptb, inputs| {
            let proposal = ptb.shared(proposal, proposal_version, true);
            let staking = ptb.shared(staking_id, staking_version, false);
            let clock = ptb.clock();
            for id in staked_wals {
                let staked = ptb.owned(inputs.owned(*id));
                ptb.governance_vote(proposal, staking, staked, choice, clock);
            }
            Ok(())
        })
        .await
    }

    /// Removes the vote lock of `staked_wal` once the voting it took part in has ended.
    pub async fn release_vote_lock(&self, staked_wal: Address) -> ChainResult<ExecutedTransaction> {
        self.run(&[staked_wal], None, |ptb, inputs| {
            let staked = ptb.owned(inputs.owned(staked_wal));
            let clock = ptb.clock();
            ptb.release_vote_lock(staked, clock);
            Ok(())
        })
        .await
    }

    /// Executes the approved parameter change or text proposal `proposal` (anyone may), and
    /// settles its deposit in the same transaction if nobody did yet.
    pub async fn execute_proposal(&self, proposal: Address) -> ChainResult<ExecutedTransaction> {
        let object = self.get_proposal(proposal).await?;
        let proposal_version = object.initial_shared_version().unwrap_or_default();
        if object.value.kind() == KIND_UPGRADE {
            return Err(ChainError::InvalidArgument(format!(
                "proposal {proposal} is a package upgrade: execute it with the new package's modules \
                 (WalrusChainClient::execute_upgrade)"
            )));
        }
        let settle = !object.value.deposit_settled;
        let (staking_id, staking_version) = self.staking_object().await?;
        self.run(&[], None, |ptb, _| {
            let governance = ptb.governance()?;
            let proposal = ptb.shared(proposal, proposal_version, true);
            let staking = ptb.shared(staking_id, staking_version, true);
            let system = ptb.system(true);
            let clock = ptb.clock();
            ptb.execute_proposal(governance, proposal, staking, system, clock);
            if settle {
                ptb.settle_deposit(proposal, staking, clock);
            }
            Ok(())
        })
        .await
    }

    /// Executes the approved upgrade proposal `proposal`: `execute_upgrade`, the `Upgrade`
    /// command with `modules` (compiled bytecode) and `dependencies` (the package ids they link
    /// to), then `commit_upgrade`, in one transaction. The digest of `modules` and
    /// `dependencies` must be the proposal's. Needs a Sui network: the local chain has no Move
    /// VM and rejects the `Upgrade` command.
    pub async fn execute_upgrade(
        &self,
        proposal: Address,
        modules: Vec<Vec<u8>>,
        dependencies: Vec<Address>,
    ) -> ChainResult<ExecutedTransaction> {
        let object = self.get_proposal(proposal).await?;
        let proposal_version = object.initial_shared_version().unwrap_or_default();
        if object.value.kind() != KIND_UPGRADE {
            return Err(ChainError::InvalidArgument(format!(
                "proposal {proposal} is not a package upgrade; execute it with execute_proposal"
            )));
        }
        let package = Address::new(self.get_governance().await?.value.upgrade_cap.package.0);
        self.run(&[], None, |ptb, _| {
            let governance = ptb.governance()?;
            let proposal = ptb.shared(proposal, proposal_version, true);
            let clock = ptb.clock();
            let ticket = ptb.execute_upgrade(governance, proposal, clock);
            let receipt = ptb.builder().upgrade(modules, dependencies, package, ticket);
            ptb.commit_upgrade(governance, receipt);
            Ok(())
        })
        .await
    }

    /// Settles the deposit of `proposal` once its voting ended (anyone may): back to the
    /// proposer on quorum, otherwise set aside to be burned.
    pub async fn settle_deposit(&self, proposal: Address) -> ChainResult<ExecutedTransaction> {
        let proposal_version = self.shared_version(proposal, "proposal").await?;
        let (staking_id, staking_version) = self.staking_object().await?;
        self.run(&[], None, |ptb, _| {
            let proposal = ptb.shared(proposal, proposal_version, true);
            let staking = ptb.shared(staking_id, staking_version, true);
            let clock = ptb.clock();
            ptb.settle_deposit(proposal, staking, clock);
            Ok(())
        })
        .await
    }

    /// The initial shared version of the shared object `id` (`what` names it in errors).
    async fn shared_version(&self, id: Address, what: &str) -> ChainResult<u64> {
        let object = self.try_get_raw_object(id).await?.ok_or_else(|| {
            ChainError::InvalidArgument(format!("no {what} {id} exists; check the id (`walrus governance list`)"))
        })?;
        match object.owner {
            Owner::Shared(version) => Ok(version),
            _ => Err(ChainError::InvalidArgument(format!("{id} is not a shared {what}"))),
        }
    }
}

/// `0x2::object::ID`.
fn id_type() -> TypeTag {
    TypeTag::Struct(Box::new(StructTag::new(Address::TWO, ident("object"), ident("ID"), vec![])))
}

/// A proposal's action in words: `set max_epochs_ahead = 30`, `upgrade to 0x…`, `text`.
pub fn describe_action(action: &ProposalAction) -> String {
    match action {
        ProposalAction::SetParameter { parameter, value } => match Parameter::from_id(*parameter) {
            Some(parameter) => format!("set {} = {value}", parameter.name()),
            None => format!("set parameter {parameter} = {value}"),
        },
        ProposalAction::Upgrade { digest } => {
            let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
            format!("upgrade the walrus package to digest {hex}")
        }
        ProposalAction::Text => "text".to_owned(),
    }
}
