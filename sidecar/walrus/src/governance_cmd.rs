//! `walrus governance`: propose parameter changes, package upgrades and text resolutions, vote
//! with staked WAL, execute approved proposals, settle deposits, release vote locks, and read
//! proposals and the governance parameters (`docs/chain.md`, "Governance"). Each prints for
//! people, or JSON with `--json`.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use base64::{Engine as _, engine::general_purpose::STANDARD as BASE64};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};
use sui_sdk_types::Address;
use walrus_contracts::governance::{DIGEST_BYTES, Parameter, Proposal};
use walrus_sui::client::{
    ProposalInfo, ProposalKind, VoteChoice, WalrusChainClient,
    governance::{DEFAULT_PROPOSAL_LIST_LIMIT, describe_action},
};

use crate::client_cmd::{ClientArgs, FROST_PER_WAL, Session, connect, parse_object_id, print_json};

/// `walrus governance`.
#[derive(Subcommand)]
pub enum GovernanceCommand {
    /// Open a proposal: a parameter change, a package upgrade or a text resolution.
    Propose(ProposeArgs),
    /// Vote on a proposal with staked WAL (a second vote replaces the first).
    Vote {
        /// The proposal's object id.
        proposal_id: String,
        /// The vote.
        choice: Choice,
        /// The StakedWal objects to vote with [default: every active one the address owns].
        #[arg(long = "staked-wal")]
        staked_wal: Vec<String>,
    },
    /// Execute an approved proposal once its delay passed (anyone may); settles its deposit.
    Execute {
        /// The proposal's object id.
        proposal_id: String,
        /// For an upgrade: the JSON `sui move build --dump-bytecode-as-base64` prints for the new
        /// package (its modules and dependencies; their digest must be the proposal's).
        #[arg(long)]
        upgrade_package: Option<PathBuf>,
    },
    /// Settle a proposal's deposit once its voting ended: back to the proposer on quorum,
    /// otherwise burned.
    Settle {
        /// The proposal's object id.
        proposal_id: String,
    },
    /// Release the vote locks of StakedWal objects whose votes ended, so they can be split,
    /// joined or withdrawn again.
    ReleaseLock {
        /// The StakedWal objects [default: every one the address owns whose lock ended].
        #[arg(long = "staked-wal")]
        staked_wal: Vec<String>,
    },
    /// The proposals, newest first.
    List {
        /// Show at most this many.
        #[arg(long, default_value_t = DEFAULT_PROPOSAL_LIST_LIMIT)]
        limit: u64,
    },
    /// One proposal with its tallies, status and deadlines.
    Show {
        /// The proposal's object id.
        proposal_id: String,
    },
    /// The governance parameters and the parameters a proposal can change.
    Info,
}

/// A vote.
#[derive(Clone, Copy, ValueEnum)]
pub enum Choice {
    /// For the proposal.
    Yes,
    /// Against it.
    No,
    /// Counts for the quorum only.
    Abstain,
}

impl From<Choice> for VoteChoice {
    fn from(choice: Choice) -> Self {
        match choice {
            Choice::Yes => Self::Yes,
            Choice::No => Self::No,
            Choice::Abstain => Self::Abstain,
        }
    }
}

/// `walrus governance propose`.
#[derive(Args)]
#[command(group = clap::ArgGroup::new("kind").required(true).args(["parameter", "upgrade_digest", "text"]))]
pub struct ProposeArgs {
    /// Change a parameter: NAME=VALUE (`walrus governance info` lists the names and ranges).
    #[arg(long)]
    parameter: Option<String>,
    /// Upgrade the walrus package to the bytecode with this digest (64 hex digits).
    #[arg(long)]
    upgrade_digest: Option<String>,
    /// A text resolution.
    #[arg(long)]
    text: Option<String>,
    /// Why (for a parameter change or an upgrade).
    #[arg(long, default_value = "")]
    description: String,
    /// The deposit in WAL (at least the governance's minimum; returned if the quorum is reached).
    #[arg(long)]
    deposit: String,
    /// The active StakedWal that entitles the address to propose [default: its largest active one].
    #[arg(long)]
    staked_wal: Option<String>,
}

/// WAL given as a decimal (`100`, `0.5`) in FROST.
fn parse_wal(text: &str) -> Result<u64> {
    let invalid = || anyhow::anyhow!("`{text}` is not an amount of WAL; write it like 100 or 0.5");
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() && fraction.is_empty() || fraction.len() > 9 {
        return Err(invalid());
    }
    let whole: u64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| invalid())? };
    let fraction: u64 =
        if fraction.is_empty() { 0 } else { format!("{fraction:0<9}").parse().map_err(|_| invalid())? };
    whole
        .checked_mul(FROST_PER_WAL)
        .and_then(|frost| frost.checked_add(fraction))
        .context("the amount of WAL is too large")
}

fn format_wal(frost: u64) -> String {
    format!("{}.{:09} WAL", frost / FROST_PER_WAL, frost % FROST_PER_WAL)
}

/// `NAME=VALUE` as a parameter and its value, checked against the parameter's range.
fn parse_parameter(text: &str) -> Result<(Parameter, u64)> {
    let (name, value) = text.split_once('=').with_context(|| format!("--parameter `{text}` is not NAME=VALUE"))?;
    let parameter = Parameter::from_name(name.trim()).with_context(|| {
        let names: Vec<&str> = Parameter::ALL.iter().map(|p| p.name()).collect();
        format!("no governance parameter is called `{name}`; choose one of {}", names.join(", "))
    })?;
    let value: u64 = value.trim().parse().with_context(|| format!("the value of {name} must be a whole number"))?;
    if !walrus_contracts::governance::is_valid_parameter_value(parameter.id(), value) {
        bail!("{value} is outside the range of {}: {}", parameter.name(), parameter.range());
    }
    Ok((parameter, value))
}

fn parse_digest(text: &str) -> Result<Vec<u8>> {
    let digest =
        hex::decode(text.trim_start_matches("0x")).with_context(|| format!("--upgrade-digest `{text}` is not hex"))?;
    if digest.len() != DIGEST_BYTES {
        bail!("--upgrade-digest must be {DIGEST_BYTES} bytes (64 hex digits), not {}", digest.len());
    }
    Ok(digest)
}

/// The active `StakedWal` objects of the client's address (staked, activation epoch reached),
/// largest first.
async fn active_stakes(chain: &WalrusChainClient) -> Result<Vec<(Address, u64)>> {
    let epoch = chain.staking_info().await?.epoch;
    let mut stakes: Vec<(Address, u64)> = chain
        .owned_staked_wal(chain.address())
        .await?
        .into_iter()
        .filter(|s| s.value.is_staked() && s.value.activation_epoch <= epoch)
        .map(|s| (s.id(), s.value.value()))
        .collect();
    stakes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(stakes)
}

fn status_name(info: &ProposalInfo) -> &'static str {
    match info.status {
        walrus_sui::client::ProposalStatus::Voting => "voting",
        walrus_sui::client::ProposalStatus::Rejected => "rejected",
        walrus_sui::client::ProposalStatus::Approved => "approved",
        walrus_sui::client::ProposalStatus::Executable => "executable",
        walrus_sui::client::ProposalStatus::Executed => "executed",
    }
}

fn proposal_json(info: &ProposalInfo) -> Value {
    let p: &Proposal = info.proposal();
    let (kind, parameter, value, digest) = p.action.parts();
    let kind_name = match kind {
        0 => "parameter",
        1 => "upgrade",
        _ => "text",
    };
    json!({
        "proposalId": info.object.id(), "number": p.number, "proposer": Address::new(p.proposer.0),
        "kind": kind_name, "action": describe_action(&p.action),
        "parameter": (kind == 0).then(|| Parameter::from_id(parameter).map(Parameter::name)),
        "value": (kind == 0).then_some(value), "digest": (kind == 1).then(|| hex::encode(&digest)),
        "description": p.description, "status": status_name(info),
        "yesFrost": p.yes_stake, "noFrost": p.no_stake, "abstainFrost": p.abstain_stake, "votes": p.votes.size,
        "totalStakeFrost": p.total_stake, "quorumBps": p.quorum_bps, "approvalThresholdBps": p.approval_threshold_bps,
        "reachedQuorum": p.reached_quorum(), "approved": p.is_approved(),
        "createdEpoch": p.created_epoch, "createdMs": p.created_ms, "votingEndMs": p.voting_end_ms,
        "executableFromMs": p.executable_from_ms, "nowMs": info.now_ms,
        "depositFrost": p.deposit_frost, "depositSettled": p.deposit_settled, "executed": p.executed,
    })
}

fn print_proposal(info: &ProposalInfo) {
    let p = info.proposal();
    println!(
        "Proposal {} (#{}) by {}: {}",
        info.object.id(),
        p.number,
        Address::new(p.proposer.0),
        describe_action(&p.action)
    );
    if !p.description.is_empty() {
        println!("  {}", p.description);
    }
    println!("  status: {}", status_name(info));
    println!(
        "  yes {}  no {}  abstain {}  ({} votes)",
        format_wal(p.yes_stake),
        format_wal(p.no_stake),
        format_wal(p.abstain_stake),
        p.votes.size
    );
    println!(
        "  quorum {} bps of {} ({}), threshold {} bps of yes + no ({})",
        p.quorum_bps,
        format_wal(p.total_stake),
        if p.reached_quorum() { "reached" } else { "not reached" },
        p.approval_threshold_bps,
        if p.is_approved() { "approved" } else { "not approved" }
    );
    println!(
        "  voting until clock {} ms, executable from {} ms (now {} ms)",
        p.voting_end_ms, p.executable_from_ms, info.now_ms
    );
    println!("  deposit {} ({})", format_wal(p.deposit_frost), if p.deposit_settled { "settled" } else { "held" });
}

/// Runs a `walrus governance` subcommand.
pub fn run(client_args: &ClientArgs, command: GovernanceCommand) -> Result<()> {
    let session = connect(client_args)?;
    let chain = session.client.chain();
    let rt = &session.runtime;
    match command {
        GovernanceCommand::Propose(args) => {
            let kind = if let Some(text) = &args.parameter {
                let (parameter, value) = parse_parameter(text)?;
                ProposalKind::Parameter { parameter, value }
            } else if let Some(text) = &args.upgrade_digest {
                ProposalKind::Upgrade { digest: parse_digest(text)? }
            } else {
                ProposalKind::Text
            };
            let description = args.text.as_deref().unwrap_or(&args.description);
            let deposit = parse_wal(&args.deposit)?;
            let staked_wal = match &args.staked_wal {
                Some(text) => parse_object_id(text)?,
                None => rt.block_on(active_stakes(chain))?.first().map(|s| s.0).with_context(|| {
                    format!(
                        "{} has no active staked WAL to propose with; stake with `walrus staking stake` and wait \
                         for the next epoch",
                        chain.address()
                    )
                })?,
            };
            let created = rt.block_on(chain.propose(&kind, description, deposit, staked_wal))?;
            let info = rt.block_on(chain.proposal_info(created.proposal))?;
            if session.json {
                let mut value = proposal_json(&info);
                value["digestOfTransaction"] = json!(created.executed.digest.to_string());
                return print_json(&value);
            }
            println!("Created proposal {} (#{}).", created.proposal, created.number);
            print_proposal(&info);
            println!("Vote on it: walrus governance vote {} yes", created.proposal);
            Ok(())
        }
        GovernanceCommand::Vote { proposal_id, choice, staked_wal } => {
            let proposal = parse_object_id(&proposal_id)?;
            let staked: Vec<Address> = if staked_wal.is_empty() {
                let stakes = rt.block_on(active_stakes(chain))?;
                if stakes.is_empty() {
                    bail!(
                        "{} has no active staked WAL to vote with; stake with `walrus staking stake` and wait for \
                         the next epoch",
                        chain.address()
                    );
                }
                stakes.into_iter().map(|s| s.0).collect()
            } else {
                staked_wal.iter().map(|s| parse_object_id(s)).collect::<Result<_>>()?
            };
            let executed = rt.block_on(chain.vote(proposal, choice.into(), &staked))?;
            let info = rt.block_on(chain.proposal_info(proposal))?;
            let p = info.proposal();
            if session.json {
                return print_json(&json!({
                    "proposalId": proposal, "choice": VoteChoice::from(choice), "stakedWal": staked,
                    "digest": executed.digest.to_string(), "yesFrost": p.yes_stake, "noFrost": p.no_stake,
                    "abstainFrost": p.abstain_stake, "lockedUntilMs": p.voting_end_ms,
                }));
            }
            println!(
                "Voted with {} StakedWal object(s); yes {}, no {}, abstain {}.",
                staked.len(),
                format_wal(p.yes_stake),
                format_wal(p.no_stake),
                format_wal(p.abstain_stake)
            );
            println!("They stay locked (no split, join or withdrawal) until clock {} ms.", p.voting_end_ms);
            Ok(())
        }
        GovernanceCommand::Execute { proposal_id, upgrade_package } => {
            let proposal = parse_object_id(&proposal_id)?;
            let executed = match upgrade_package {
                Some(path) => {
                    let (modules, dependencies) = read_upgrade_package(&path)?;
                    rt.block_on(chain.execute_upgrade(proposal, modules, dependencies))?
                }
                None => rt.block_on(chain.execute_proposal(proposal))?,
            };
            let info = rt.block_on(chain.proposal_info(proposal))?;
            if session.json {
                let mut value = proposal_json(&info);
                value["digestOfTransaction"] = json!(executed.digest.to_string());
                return print_json(&value);
            }
            println!(
                "Executed proposal {proposal}: {} ({}).",
                describe_action(&info.proposal().action),
                executed.digest
            );
            Ok(())
        }
        GovernanceCommand::Settle { proposal_id } => {
            let proposal = parse_object_id(&proposal_id)?;
            let executed = rt.block_on(chain.settle_deposit(proposal))?;
            let info = rt.block_on(chain.proposal_info(proposal))?;
            let returned = info.proposal().reached_quorum();
            if session.json {
                return print_json(&json!({
                    "proposalId": proposal, "digest": executed.digest.to_string(),
                    "depositFrost": info.proposal().deposit_frost, "returned": returned,
                }));
            }
            let outcome = if returned { "returned to the proposer" } else { "set aside to be burned (no quorum)" };
            println!("The deposit of {} was {outcome}.", format_wal(info.proposal().deposit_frost));
            Ok(())
        }
        GovernanceCommand::ReleaseLock { staked_wal } => {
            let now = rt.block_on(chain.clock_timestamp_ms())?;
            let candidates: Vec<Address> = if staked_wal.is_empty() {
                rt.block_on(chain.owned_staked_wal(chain.address()))?.iter().map(|s| s.id()).collect()
            } else {
                staked_wal.iter().map(|s| parse_object_id(s)).collect::<Result<_>>()?
            };
            let mut released = Vec::new();
            let mut still_locked = Vec::new();
            for id in candidates {
                match rt.block_on(chain.vote_locked_until_ms(id))? {
                    Some(until) if until <= now => {
                        rt.block_on(chain.release_vote_lock(id))?;
                        released.push(id);
                    }
                    Some(until) => still_locked.push(json!({ "stakedWal": id, "lockedUntilMs": until })),
                    None => {}
                }
            }
            if session.json {
                return print_json(&json!({ "released": released, "stillLocked": still_locked }));
            }
            println!("Released {} vote lock(s).", released.len());
            for locked in &still_locked {
                println!(
                    "  {} stays locked until clock {} ms (its voting has not ended).",
                    locked["stakedWal"].as_str().unwrap_or_default(),
                    locked["lockedUntilMs"]
                );
            }
            Ok(())
        }
        GovernanceCommand::List { limit } => {
            let proposals = rt.block_on(chain.list_proposals(limit))?;
            if session.json {
                return print_json(&json!(proposals.iter().map(proposal_json).collect::<Vec<_>>()));
            }
            if proposals.is_empty() {
                println!("No proposals yet; open one with `walrus governance propose`.");
            }
            for info in &proposals {
                let p = info.proposal();
                println!(
                    "#{:<4} {}  {:<10}  yes {} / no {}  {}",
                    p.number,
                    info.object.id(),
                    status_name(info),
                    format_wal(p.yes_stake),
                    format_wal(p.no_stake),
                    describe_action(&p.action)
                );
            }
            Ok(())
        }
        GovernanceCommand::Show { proposal_id } => {
            let info = rt.block_on(chain.proposal_info(parse_object_id(&proposal_id)?))?;
            if session.json {
                return print_json(&proposal_json(&info));
            }
            print_proposal(&info);
            Ok(())
        }
        GovernanceCommand::Info => info(&session),
    }
}

fn info(session: &Session) -> Result<()> {
    let chain = session.client.chain();
    let rt = &session.runtime;
    let governance = rt.block_on(chain.get_governance())?;
    let g = &governance.value;
    let staking = rt.block_on(chain.staking_info())?.state;
    let system = rt.block_on(chain.system_info())?;
    let current = |parameter: Parameter| -> u64 {
        match parameter {
            Parameter::EpochDurationMs => staking.epoch_duration_ms,
            Parameter::MaxEpochsAhead => u64::from(system.max_epochs_ahead),
            Parameter::BurnBps => u64::from(staking.burn_bps),
            Parameter::MaxCommitteeSize => u64::from(staking.max_committee_size),
            Parameter::MinStakeFrost => staking.min_stake_frost,
            Parameter::MinDepositFrost => g.min_deposit_frost,
            Parameter::VotingDurationMs => g.voting_duration_ms,
            Parameter::ExecutionDelayMs => g.execution_delay_ms,
            Parameter::QuorumBps => u64::from(g.quorum_bps),
            Parameter::ApprovalThresholdBps => u64::from(g.approval_threshold_bps),
            Parameter::ChallengeSamplesPerNode => u64::from(staking.challenges.samples_per_node),
        }
    };
    let parameters: Vec<Value> = Parameter::ALL
        .iter()
        .map(|p| json!({ "name": p.name(), "id": p.id(), "value": current(*p), "range": p.range() }))
        .collect();
    if session.json {
        return print_json(&json!({
            "governanceObject": governance.id(), "minDepositFrost": g.min_deposit_frost,
            "votingDurationMs": g.voting_duration_ms, "executionDelayMs": g.execution_delay_ms,
            "quorumBps": g.quorum_bps, "approvalThresholdBps": g.approval_threshold_bps,
            "proposals": g.n_proposals(), "upgradeCap": Address::new(g.upgrade_cap.id.0),
            "packageId": Address::new(g.upgrade_cap.package.0), "packageVersion": g.upgrade_cap.version,
            "parameters": parameters,
        }));
    }
    println!("Governance {}: {} proposals", governance.id(), g.n_proposals());
    println!(
        "  deposit at least {}, voting {} ms, delay {} ms, quorum {} bps, threshold {} bps",
        format_wal(g.min_deposit_frost),
        g.voting_duration_ms,
        g.execution_delay_ms,
        g.quorum_bps,
        g.approval_threshold_bps
    );
    println!(
        "  upgrades the walrus package {} (version {})",
        Address::new(g.upgrade_cap.package.0),
        g.upgrade_cap.version
    );
    println!("  parameters a proposal can change (--parameter NAME=VALUE):");
    for p in &parameters {
        println!(
            "    {:<28} = {:<16} range {}",
            p["name"].as_str().unwrap_or_default(),
            p["value"],
            p["range"].as_str().unwrap_or_default()
        );
    }
    Ok(())
}

/// The modules and dependencies in the JSON `sui move build --dump-bytecode-as-base64` prints.
fn read_upgrade_package(path: &std::path::Path) -> Result<(Vec<Vec<u8>>, Vec<Address>)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let value: Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not the JSON of `sui move build --dump-bytecode-as-base64`", path.display()))?;
    let modules = value["modules"]
        .as_array()
        .with_context(|| format!("{} has no `modules` array", path.display()))?
        .iter()
        .map(|m| {
            let text = m.as_str().context("a module is not a base64 string")?;
            BASE64.decode(text).context("a module is not valid base64")
        })
        .collect::<Result<Vec<_>>>()?;
    let dependencies = value["dependencies"]
        .as_array()
        .with_context(|| format!("{} has no `dependencies` array", path.display()))?
        .iter()
        .map(|d| parse_object_id(d.as_str().unwrap_or_default()))
        .collect::<Result<Vec<_>>>()?;
    Ok((modules, dependencies))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wal_amounts_parse_to_frost() {
        assert_eq!(parse_wal("100").unwrap(), 100 * FROST_PER_WAL);
        assert_eq!(parse_wal("0.5").unwrap(), FROST_PER_WAL / 2);
        assert_eq!(parse_wal("1.000000001").unwrap(), FROST_PER_WAL + 1);
        for bad in ["", ".", "1.0000000001", "x", "-1"] {
            assert!(parse_wal(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parameters_parse_by_name_within_their_range() {
        assert_eq!(parse_parameter("max_epochs_ahead=30").unwrap(), (Parameter::MaxEpochsAhead, 30));
        let unknown = parse_parameter("epochs=3").unwrap_err().to_string();
        assert!(unknown.contains("max_epochs_ahead"), "{unknown}");
        let range = parse_parameter("burn_bps=10001").unwrap_err().to_string();
        assert!(range.contains("0 to 10000"), "{range}");
        assert!(parse_parameter("burn_bps").is_err());
        assert_eq!(parse_digest(&"ab".repeat(32)).unwrap(), vec![0xab; 32]);
        assert!(parse_digest("abcd").unwrap_err().to_string().contains("32 bytes"));
    }
}
