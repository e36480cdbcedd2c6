//! `walrus`: the command-line entry point. Subcommands grow with the system; today it runs the
//! encoding benchmark.

use anyhow::Result;
use clap::{Parser, Subcommand};

mod bench;
mod chain_cmd;
mod memory;

/// Store and read blobs on a Walrus-style decentralized blob store, run its nodes, benchmark it.
#[derive(Parser)]
#[command(name = "walrus", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Measure the system's speed.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Run the embedded local chain.
    Chain {
        /// What to do.
        #[command(subcommand)]
        command: chain_cmd::ChainCommand,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Bench(command) => bench::run(command),
        Command::Chain { command } => chain_cmd::run(command),
    }
}
