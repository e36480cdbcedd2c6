//! `walrus`: store and read blobs, run the publisher/aggregator, the local network, the local
//! chain, and benchmarks.

use anyhow::Result;
use clap::{Parser, Subcommand};

mod access_cmd;
mod bench;
mod bench_network;
mod blob_cmd;
mod chain_cmd;
mod client_cmd;
mod daemon_cmd;
mod governance_cmd;
mod local_cmd;
mod memory;
mod node_cmd;
mod progress;
mod staking_cmd;

use client_cmd::ClientArgs;

/// Store and read blobs on a Walrus-style decentralized blob store, run its nodes, benchmark it.
#[derive(Parser)]
#[command(name = "walrus", version, about)]
struct Cli {
    #[command(flatten)]
    client: ClientArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Store files as blobs.
    Store(client_cmd::StoreArgs),
    /// Read a blob.
    Read(client_cmd::ReadArgs),
    /// What the storage nodes say about a blob.
    BlobStatus(client_cmd::BlobStatusArgs),
    /// The blobs the active address owns.
    ListBlobs {
        /// Include expired blobs.
        #[arg(long)]
        include_expired: bool,
    },
    /// The system: epoch, committee, prices, capacity.
    Info,
    /// Store a certified blob for more epochs.
    Extend(client_cmd::ExtendArgs),
    /// Delete a deletable blob, keeping its storage resource.
    Delete(client_cmd::DeleteArgs),
    /// Share a blob: anyone can then extend it, from the funds it holds.
    Share(blob_cmd::ShareArgs),
    /// Set key-value attributes on a blob object (e.g. content-type for the aggregator).
    SetBlobAttribute(blob_cmd::SetAttributeArgs),
    /// Print a blob object's attributes.
    GetBlobAttribute(blob_cmd::AttributeKeysArgs),
    /// Remove attributes from a blob object.
    RemoveBlobAttribute(blob_cmd::AttributeKeysArgs),
    /// The active address, its balances, the local faucet.
    #[command(subcommand)]
    Wallet(client_cmd::WalletCommand),
    /// Run the publisher and the aggregator (HTTP).
    Daemon(daemon_cmd::DaemonArgs),
    /// Run the publisher only: `PUT /v1/blobs`.
    Publisher(daemon_cmd::DaemonArgs),
    /// Run the aggregator only: `GET /v1/blobs/{blob_id}`.
    Aggregator(daemon_cmd::DaemonArgs),
    /// Run a whole network on this machine: chain, storage nodes, publisher/aggregator.
    Local(local_cmd::LocalArgs),
    /// Register a node, stake and unstake WAL, commission, votes, epoch changes.
    #[command(subcommand)]
    Staking(staking_cmd::StakingCommand),
    /// Run a storage node, generate its keys, write its configuration.
    #[command(subcommand)]
    Node(node_cmd::NodeCommand),
    /// Run the embedded local chain.
    Chain {
        /// What to do.
        #[command(subcommand)]
        command: chain_cmd::ChainCommand,
    },
    /// Measure the system's speed.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Access policies: who may read the blobs a policy governs.
    #[command(subcommand)]
    AccessPolicy(access_cmd::AccessPolicyCommand),
    /// Governance: propose parameter changes, upgrades and resolutions; vote with staked WAL;
    /// execute approved proposals.
    #[command(subcommand)]
    Governance(governance_cmd::GovernanceCommand),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_logging();
    match run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // One line with every cause, as ripgrep does; never a backtrace, even with
            // RUST_BACKTRACE set (`RUST_LOG=debug` shows where things went wrong).
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let client = &cli.client;
    match cli.command {
        Command::Store(args) => client_cmd::store(client, args),
        Command::Read(args) => client_cmd::read(client, args),
        Command::BlobStatus(args) => client_cmd::blob_status(client, args),
        Command::ListBlobs { include_expired } => client_cmd::list_blobs(client, include_expired),
        Command::Info => client_cmd::info(client),
        Command::Extend(args) => client_cmd::extend(client, args),
        Command::Delete(args) => client_cmd::delete(client, args),
        Command::Share(args) => blob_cmd::share(client, args),
        Command::SetBlobAttribute(args) => blob_cmd::set_attribute(client, args),
        Command::GetBlobAttribute(args) => blob_cmd::get_attribute(client, args),
        Command::RemoveBlobAttribute(args) => blob_cmd::remove_attribute(client, args),
        Command::Wallet(command) => client_cmd::wallet(client, command),
        Command::Daemon(args) => daemon_cmd::run(client, args, daemon_cmd::Role::Daemon),
        Command::Publisher(args) => daemon_cmd::run(client, args, daemon_cmd::Role::Publisher),
        Command::Aggregator(args) => daemon_cmd::run(client, args, daemon_cmd::Role::Aggregator),
        Command::Local(args) => local_cmd::run(args),
        Command::Chain { command } => chain_cmd::run(command),
        Command::Node(command) => node_cmd::run(command, client.json),
        Command::Staking(command) => staking_cmd::run(client, command),
        Command::Bench(command) => bench::run(command),
        Command::AccessPolicy(command) => access_cmd::run(client, command),
        Command::Governance(command) => governance_cmd::run(client, command),
    }
}

/// Logs to stderr at the level `RUST_LOG` names (default: warnings).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
