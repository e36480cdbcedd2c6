//! `walrus staking`: register a storage node, stake and unstake WAL, collect commission, vote on
//! prices and capacity, and drive epoch changes (`docs/chain.md` §3). Each prints for people, or
//! JSON with `--json`.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use serde_json::json;
use sui_sdk_types::Address;
use walrus_contracts::staked_wal::StakedWalState;
use walrus_node::config::load_protocol_key;

use crate::client_cmd::{ClientArgs, FROST_PER_WAL, Session, connect, parse_object_id, print_json};

/// Commission a new node charges unless told otherwise: 10%.
const DEFAULT_COMMISSION_BPS: u16 = 1_000;

/// `walrus staking`.
#[derive(Subcommand)]
pub enum StakingCommand {
    /// The staking state: epoch, epoch-change state, and every pool.
    Info,
    /// Register the active address as the operator of a new storage node (staking pool).
    RegisterNode(RegisterArgs),
    /// Stake WAL with a node's pool; active from the next committee selection.
    Stake {
        /// The node (pool) id.
        #[arg(long)]
        node_id: String,
        /// WAL to stake (whole WAL).
        #[arg(long)]
        amount: u64,
    },
    /// The active address's staked WAL.
    ListStakes,
    /// Ask to withdraw a StakedWal; it leaves the active stake at the next committee selection.
    RequestWithdraw {
        /// The StakedWal object.
        #[arg(long)]
        staked_wal_id: String,
    },
    /// Withdraw a StakedWal whose withdrawal is due: principal plus rewards come back as WAL.
    Withdraw {
        /// The StakedWal object.
        #[arg(long)]
        staked_wal_id: String,
    },
    /// Collect the commission a node earned (operator only).
    CollectCommission(CapArgs),
    /// Set a node's commission rate, effective after the commission delay (operator only).
    SetCommission {
        #[command(flatten)]
        cap: CapArgs,
        /// The new rate in basis points (100 = 1%).
        #[arg(long)]
        bps: u16,
    },
    /// Set a node's votes for the next epoch's prices and capacity (operator only).
    Vote(VoteArgs),
    /// Select the next committee and parameters (anyone, after half the epoch).
    VotingEnd,
    /// Start the next epoch (anyone, once the epoch is over).
    InitiateEpochChange,
}

/// The operator capability to use.
#[derive(Args)]
pub struct CapArgs {
    /// The StorageNodeCap object [default: the only one the active address owns].
    #[arg(long)]
    cap: Option<String>,
}

/// `walrus staking register-node`.
#[derive(Args)]
pub struct RegisterArgs {
    /// The node's BLS protocol key file (`walrus node keys generate`).
    #[arg(long)]
    protocol_key: PathBuf,
    /// A human-readable name.
    #[arg(long)]
    name: String,
    /// Where clients reach the node's storage API, `host:port`.
    #[arg(long)]
    network_address: String,
    /// Commission in basis points (100 = 1%).
    #[arg(long, default_value_t = DEFAULT_COMMISSION_BPS)]
    commission_bps: u16,
    /// The node's votes [default: the current price or capacity for each one not given].
    #[command(flatten)]
    votes: Votes,
}

/// `walrus staking vote`.
#[derive(Args)]
pub struct VoteArgs {
    #[command(flatten)]
    cap: CapArgs,
    #[command(flatten)]
    votes: Votes,
}

/// A node's votes for the next epoch's prices and capacity.
#[derive(Args)]
pub struct Votes {
    /// Storage price in FROST per MiB of encoded size per epoch.
    #[arg(long)]
    storage_price: Option<u64>,
    /// Write price in FROST per MiB of encoded size.
    #[arg(long)]
    write_price: Option<u64>,
    /// The system's capacity in encoded bytes.
    #[arg(long)]
    capacity: Option<u64>,
}

fn wal_to_frost(amount: u64) -> Result<u64> {
    if amount == 0 {
        bail!("--amount must be at least 1 WAL");
    }
    amount.checked_mul(FROST_PER_WAL).context("--amount is too large; it is in whole WAL")
}

/// The cap named by `args`, or the active address's only one.
fn cap_id(session: &Session, args: &CapArgs) -> Result<Address> {
    if let Some(text) = &args.cap {
        return parse_object_id(text);
    }
    let chain = session.client.chain();
    let caps = session.runtime.block_on(chain.owned_storage_node_caps(chain.address()))?;
    match caps.as_slice() {
        [cap] => Ok(cap.id()),
        [] => bail!("{} operates no storage node; register one with `walrus staking register-node`", chain.address()),
        _ => bail!("{} operates {} storage nodes; name one with --cap", chain.address(), caps.len()),
    }
}

/// Runs a `walrus staking` subcommand.
pub fn run(client_args: &ClientArgs, command: StakingCommand) -> Result<()> {
    let session = connect(client_args)?;
    let chain = session.client.chain();
    let rt = &session.runtime;
    match command {
        StakingCommand::Info => {
            let info = rt.block_on(chain.staking_info())?;
            let mut pools = Vec::new();
            for node_id in &info.pool_ids {
                let pool = rt.block_on(chain.get_staking_pool(*node_id))?;
                let member = info.committee.members.iter().find(|m| Address::new(m.node_id.0) == *node_id);
                pools.push(json!({
                    "nodeId": node_id, "name": pool.name, "networkAddress": pool.network_address,
                    "commissionRateBps": pool.commission_rate_bps, "activeWalFrost": pool.active_wal,
                    "storagePriceVote": pool.storage_price_vote, "writePriceVote": pool.write_price_vote,
                    "nodeCapacityVote": pool.node_capacity_vote,
                    "shards": member.map_or(0, |m| m.shard_ids.len()),
                }));
            }
            let state = format!("{:?}", info.epoch_state);
            if session.json {
                return print_json(&json!({
                    "epoch": info.epoch, "epochState": state, "epochStartMs": info.epoch_start_ms,
                    "epochDurationMs": info.epoch_duration_ms, "votingEndMs": info.voting_end_ms(),
                    "epochEndMs": info.epoch_end_ms(), "pools": pools,
                }));
            }
            println!("Staking: epoch {} ({state})", info.epoch);
            println!("  voting ends at clock {} ms, epoch ends at {} ms", info.voting_end_ms(), info.epoch_end_ms());
            println!("  {} pools:", pools.len());
            for pool in &pools {
                println!(
                    "    {}  {:<16} {:>8} shards  {:>20} FROST active  commission {} bps  {}",
                    pool["nodeId"].as_str().unwrap_or_default(),
                    pool["name"].as_str().unwrap_or_default(),
                    pool["shards"],
                    pool["activeWalFrost"],
                    pool["commissionRateBps"],
                    pool["networkAddress"].as_str().unwrap_or_default()
                );
            }
            Ok(())
        }
        StakingCommand::RegisterNode(args) => {
            let key = load_protocol_key(&args.protocol_key)?;
            let system = rt.block_on(chain.system_info())?;
            let cap = rt.block_on(chain.register_node(
                &key,
                &args.name,
                &args.network_address,
                args.commission_bps,
                args.votes.storage_price.unwrap_or(system.storage_price_per_unit_size_frost),
                args.votes.write_price.unwrap_or(system.write_price_per_unit_size_frost),
                args.votes.capacity.unwrap_or(system.total_capacity_size_bytes),
            ))?;
            let node_id = Address::new(cap.value.node_id.0);
            if session.json {
                return print_json(&json!({ "nodeId": node_id, "storageNodeCap": cap.id() }));
            }
            println!("Registered node {node_id} ({}); operator capability {}.", args.name, cap.id());
            println!("Stake with it: walrus staking stake --node-id {node_id} --amount <WAL>");
            Ok(())
        }
        StakingCommand::Stake { node_id, amount } => {
            let node_id = parse_object_id(&node_id)?;
            let staked = rt.block_on(chain.stake_with_pool(node_id, wal_to_frost(amount)?))?;
            if session.json {
                return print_json(&json!({
                    "stakedWal": staked.id(), "nodeId": node_id,
                    "principalFrost": staked.value.principal.value,
                    "activationEpoch": staked.value.activation_epoch,
                }));
            }
            println!(
                "Staked {amount} WAL with {node_id} as {}; active from epoch {}.",
                staked.id(),
                staked.value.activation_epoch
            );
            Ok(())
        }
        StakingCommand::ListStakes => {
            let stakes = rt.block_on(chain.owned_staked_wal(chain.address()))?;
            let entries: Vec<_> = stakes
                .iter()
                .map(|s| {
                    let (state, withdraw_epoch) = match &s.value.state {
                        StakedWalState::Staked => ("staked", None),
                        StakedWalState::Withdrawing { withdraw_epoch, .. } => ("withdrawing", Some(*withdraw_epoch)),
                    };
                    json!({
                        "stakedWal": s.id(), "nodeId": Address::new(s.value.node_id.0),
                        "principalFrost": s.value.principal.value, "activationEpoch": s.value.activation_epoch,
                        "state": state, "withdrawEpoch": withdraw_epoch,
                    })
                })
                .collect();
            if session.json {
                return print_json(&json!(entries));
            }
            if entries.is_empty() {
                println!("{} has no staked WAL.", chain.address());
            }
            for e in &entries {
                println!(
                    "{}  node {}  {} FROST  from epoch {}  {}",
                    e["stakedWal"].as_str().unwrap_or_default(),
                    e["nodeId"].as_str().unwrap_or_default(),
                    e["principalFrost"],
                    e["activationEpoch"],
                    e["state"].as_str().unwrap_or_default()
                );
            }
            Ok(())
        }
        StakingCommand::RequestWithdraw { staked_wal_id } => {
            let id = parse_object_id(&staked_wal_id)?;
            rt.block_on(chain.request_withdraw_stake(id))?;
            let staked = rt.block_on(chain.get_staked_wal(id))?;
            let withdraw_epoch = match staked.value.state {
                StakedWalState::Withdrawing { withdraw_epoch, .. } => withdraw_epoch,
                StakedWalState::Staked => bail!("{id} is still staked after the request; this is a bug"),
            };
            if session.json {
                return print_json(&json!({ "stakedWal": id, "withdrawEpoch": withdraw_epoch }));
            }
            println!("{id} leaves the pool at epoch {withdraw_epoch}; then `walrus staking withdraw`.");
            Ok(())
        }
        StakingCommand::Withdraw { staked_wal_id } => {
            let id = parse_object_id(&staked_wal_id)?;
            let coin = rt.block_on(chain.withdraw_stake(id))?;
            let frost = coin.value.balance.value;
            if session.json {
                return print_json(&json!({ "stakedWal": id, "coin": coin.id(), "amountFrost": frost }));
            }
            println!("Withdrew {frost} FROST (principal and rewards) into coin {}.", coin.id());
            Ok(())
        }
        StakingCommand::CollectCommission(args) => {
            let cap = cap_id(&session, &args)?;
            let coin = rt.block_on(chain.collect_commission(cap))?;
            let frost = coin.value.balance.value;
            if session.json {
                return print_json(&json!({ "cap": cap, "coin": coin.id(), "amountFrost": frost }));
            }
            println!("Collected {frost} FROST of commission into coin {}.", coin.id());
            Ok(())
        }
        StakingCommand::SetCommission { cap, bps } => {
            if bps > 10_000 {
                bail!("--bps is at most 10000 (100%), not {bps}");
            }
            let cap = cap_id(&session, &cap)?;
            rt.block_on(chain.set_next_commission(cap, bps))?;
            if session.json {
                return print_json(&json!({ "cap": cap, "commissionRateBps": bps }));
            }
            println!("Commission set to {bps} bps, effective after the commission delay.");
            Ok(())
        }
        StakingCommand::Vote(VoteArgs { cap, votes: args }) => {
            if args.storage_price.is_none() && args.write_price.is_none() && args.capacity.is_none() {
                bail!("give at least one of --storage-price, --write-price, --capacity");
            }
            let cap = cap_id(&session, &cap)?;
            rt.block_on(async {
                if let Some(price) = args.storage_price {
                    chain.set_storage_price_vote(cap, price).await?;
                }
                if let Some(price) = args.write_price {
                    chain.set_write_price_vote(cap, price).await?;
                }
                if let Some(capacity) = args.capacity {
                    chain.set_node_capacity_vote(cap, capacity).await?;
                }
                anyhow::Ok(())
            })?;
            if session.json {
                return print_json(&json!({
                    "cap": cap, "storagePrice": args.storage_price, "writePrice": args.write_price,
                    "capacity": args.capacity,
                }));
            }
            println!("Votes recorded; the next committee selection uses them.");
            Ok(())
        }
        StakingCommand::VotingEnd => {
            let executed = rt.block_on(chain.voting_end())?;
            report_transaction(&session, &executed.digest.to_string(), "The next committee and parameters are selected")
        }
        StakingCommand::InitiateEpochChange => {
            let executed = rt.block_on(chain.initiate_epoch_change())?;
            report_transaction(&session, &executed.digest.to_string(), "The next epoch started")
        }
    }
}

/// Prints what a transaction did, with its digest.
fn report_transaction(session: &Session, digest: &str, what: &str) -> Result<()> {
    if session.json {
        return print_json(&json!({ "digest": digest }));
    }
    println!("{what} ({digest}).");
    Ok(())
}
