//! `walrus chain serve`: runs the local chain over a data directory and serves Sui's gRPC API
//! and, optionally, the faucet, until Ctrl-C (or SIGTERM).

use std::{net::SocketAddr, path::PathBuf, sync::Arc};

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use sui_sdk_types::Address;
use walrus_chain::{Faucet, FaucetConfig, GenesisConfig, LocalChain, faucet};
use walrus_sui::Keystore;

/// The default gRPC address (Sui's usual local full-node port).
const DEFAULT_RPC_ADDR: &str = "127.0.0.1:9000";

/// Run the embedded local chain.
#[derive(Subcommand)]
pub enum ChainCommand {
    /// Serve the local chain: execute transactions, answer Sui's gRPC API, run a faucet.
    Serve(ServeArgs),
}

/// Arguments of `walrus chain serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Directory of the chain's database; created from the genesis file on first start, and
    /// resumed from its last checkpoint afterwards.
    #[arg(long)]
    data_dir: PathBuf,
    /// The genesis configuration (JSON, or TOML when the name ends in `.toml`). Only used when
    /// the data directory is new.
    #[arg(long)]
    genesis: PathBuf,
    /// Where to serve Sui's gRPC API (port 0 picks a free port; the bound one is printed).
    #[arg(long, default_value = DEFAULT_RPC_ADDR)]
    rpc_addr: SocketAddr,
    /// Where to serve the faucet's HTTP API; without it no faucet runs.
    #[arg(long, requires = "faucet_keystore")]
    faucet_addr: Option<SocketAddr>,
    /// A Sui CLI keystore holding the faucet account's key.
    #[arg(long)]
    faucet_keystore: Option<PathBuf>,
    /// The faucet account in that keystore [default: the genesis admin].
    #[arg(long)]
    faucet_address: Option<Address>,
    /// SUI sent per faucet request, in MIST.
    #[arg(long, default_value_t = faucet::DEFAULT_SUI_PER_REQUEST_MIST)]
    faucet_sui_mist: u64,
    /// The most WAL one faucet request may get, in FROST.
    #[arg(long, default_value_t = faucet::DEFAULT_MAX_WAL_PER_REQUEST_FROST)]
    faucet_max_wal_frost: u64,
}

/// Runs a `walrus chain` subcommand.
pub fn run(command: ChainCommand) -> Result<()> {
    match command {
        ChainCommand::Serve(args) => {
            let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
            runtime.block_on(serve(args))
        }
    }
}

fn load_genesis(path: &std::path::Path) -> Result<GenesisConfig> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read the genesis file {}", path.display()))?;
    let config = if path.extension().is_some_and(|e| e == "toml") {
        toml::from_str(&text)
            .with_context(|| format!("{} is not a valid TOML genesis configuration", path.display()))?
    } else {
        serde_json::from_str(&text)
            .with_context(|| format!("{} is not a valid JSON genesis configuration", path.display()))?
    };
    Ok(config)
}

async fn serve(args: ServeArgs) -> Result<()> {
    let genesis = load_genesis(&args.genesis)?;
    let admin = genesis.admin;
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("cannot create the data directory {}", args.data_dir.display()))?;
    let data_dir = args.data_dir.clone();
    let chain = tokio::task::spawn_blocking(move || LocalChain::open(&data_dir, &genesis))
        .await?
        .with_context(|| format!("cannot open the chain in {}", args.data_dir.display()))?;
    let chain = Arc::new(chain);

    let faucet_server = match args.faucet_addr {
        Some(addr) => {
            let keystore_path = args.faucet_keystore.as_ref().context("--faucet-addr needs --faucet-keystore")?;
            let keystore = Keystore::load(keystore_path)
                .with_context(|| format!("cannot load the faucet keystore {}", keystore_path.display()))?;
            let address = args.faucet_address.unwrap_or(admin);
            let key = keystore
                .key(&address)
                .with_context(|| format!("the keystore {} has no key for {address}", keystore_path.display()))?;
            let config = FaucetConfig {
                sui_per_request_mist: args.faucet_sui_mist,
                max_wal_per_request: args.faucet_max_wal_frost,
            };
            let faucet = Arc::new(Faucet::new(chain.clone(), key.private_key().clone(), config));
            Some(faucet::serve(faucet, addr).await?)
        }
        None => None,
    };
    let rpc = walrus_chain::serve(chain.clone(), args.rpc_addr).await?;

    // Printed for people and for tools that start the chain with port 0.
    println!("chain id: {}", chain.chain_id());
    println!("gRPC: http://{}", rpc.local_addr());
    if let Some(faucet) = &faucet_server {
        println!("faucet: http://{}", faucet.local_addr());
    }
    println!("latest checkpoint: {}", chain.latest_checkpoint());

    shutdown_signal().await?;
    eprintln!("shutting down");
    rpc.shutdown().await?;
    if let Some(faucet) = faucet_server {
        faucet.shutdown().await?;
    }
    Ok(())
}

/// Waits for Ctrl-C, or SIGTERM where there is one (how process supervisors stop services).
pub(crate) async fn shutdown_signal() -> Result<()> {
    #[cfg(unix)]
    {
        let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .context("cannot listen for SIGTERM")?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result.context("cannot listen for Ctrl-C")?,
            _ = terminate.recv() => {}
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.context("cannot listen for Ctrl-C")?;
        Ok(())
    }
}
