//! `walrus node`: run a storage node, generate its keys, write a starting configuration
//! (`docs/node.md`).

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    sync::Arc,
};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use serde_json::json;
use walrus_contracts::ObjectId;
use walrus_node::{
    NodeConfig, NodeLimits, StorageNode,
    chain::sui::SuiChainSource,
    config::{DeploymentConfig, generate_account_key, generate_protocol_key, load_account_key},
    wire::parse_object_id,
};
use walrus_sui::{
    ClientConfig,
    client::{ClientOptions, WalrusChainClient},
};

use crate::chain_cmd::shutdown_signal;

/// Run and set up a storage node.
// Parsed once per process: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum NodeCommand {
    /// Run a storage node until Ctrl-C or SIGTERM.
    Run {
        /// The node's configuration (YAML).
        #[arg(long)]
        config: PathBuf,
    },
    /// Generate the node's keys, each in a new owner-only file.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Write a starting configuration file.
    Config(ConfigArgs),
}

/// `walrus node keys`.
#[derive(Subcommand)]
pub enum KeysCommand {
    /// Generate a BLS12-381 protocol key and an Ed25519 account key (refuses to overwrite).
    Generate {
        /// Where to write the protocol key.
        #[arg(long, default_value = "protocol.key")]
        protocol_key: PathBuf,
        /// Where to write the account key.
        #[arg(long, default_value = "account.key")]
        account_key: PathBuf,
    },
}

/// `walrus node config`.
#[derive(Args)]
pub struct ConfigArgs {
    /// Where to write the configuration.
    #[arg(short, long, default_value = "node.yaml")]
    out: PathBuf,
    /// The node's id in the committee (0x + 64 hex digits).
    #[arg(long)]
    node_id: String,
    /// The node's database directory (relative paths are relative to the configuration file).
    #[arg(long, default_value = "db")]
    data_dir: PathBuf,
    /// Where the node's HTTP API listens.
    #[arg(long, default_value = "0.0.0.0:9185")]
    api_listen_address: SocketAddr,
    /// The protocol key file.
    #[arg(long, default_value = "protocol.key")]
    protocol_key_path: PathBuf,
    /// The account key file.
    #[arg(long, default_value = "account.key")]
    account_key_path: PathBuf,
    /// Take the chain's gRPC URL and the deployment ids from this client config's active
    /// profile (as `walrus local` writes one).
    #[arg(long, conflicts_with_all = ["chain_rpc_url", "wal_package"])]
    client_config: Option<PathBuf>,
    /// The chain's gRPC URL.
    #[arg(long, requires_all = ["wal_package", "walrus_package", "system_object", "system_initial_shared_version"])]
    chain_rpc_url: Option<String>,
    /// Package id of the WAL package.
    #[arg(long)]
    wal_package: Option<String>,
    /// Package id of the Walrus package.
    #[arg(long)]
    walrus_package: Option<String>,
    /// Object id of the System object.
    #[arg(long)]
    system_object: Option<String>,
    /// Version at which the System object became shared.
    #[arg(long)]
    system_initial_shared_version: Option<u64>,
    /// The checkpoint of the deployment's publication: a node without saved state reads events
    /// from here (0: from genesis, as on the local chain).
    #[arg(long, default_value_t = 0)]
    first_checkpoint: u64,
    /// Overwrite an existing configuration file.
    #[arg(long)]
    force: bool,
}

/// Runs a `walrus node` subcommand.
pub fn run(command: NodeCommand, json: bool) -> Result<()> {
    match command {
        NodeCommand::Run { config } => {
            let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
            runtime.block_on(run_node(&config))
        }
        NodeCommand::Keys(KeysCommand::Generate { protocol_key, account_key }) => {
            let protocol = generate_protocol_key(&protocol_key)?;
            let account = generate_account_key(&account_key)?;
            let public_key = hex::encode(protocol.public_key());
            if json {
                println!(
                    "{}",
                    json!({
                        "protocolKeyPath": protocol_key,
                        "protocolPublicKey": public_key,
                        "accountKeyPath": account_key,
                        "accountAddress": account.address().to_string(),
                    })
                );
            } else {
                println!("protocol key: {} (public key {public_key})", protocol_key.display());
                println!("account key:  {} (address {})", account_key.display(), account.address());
            }
            Ok(())
        }
        NodeCommand::Config(args) => write_config(args, json),
    }
}

async fn run_node(path: &Path) -> Result<()> {
    let config = NodeConfig::load(path)?;
    let deployment = config.deployment(path)?;
    let account_key = load_account_key(&config.account_key_path)?;
    let chain = WalrusChainClient::new(&config.chain_rpc_url, account_key, deployment, ClientOptions::default())
        .with_context(|| format!("cannot create a chain client for {}", config.chain_rpc_url))?;
    let first_checkpoint = config.deployment.map_or(0, |d| d.first_checkpoint);
    let source = SuiChainSource::new(chain).with_first_checkpoint(first_checkpoint);
    let node = StorageNode::start(config, Arc::new(source)).await?;
    // Printed for people and for tools that start nodes with port 0.
    println!("storage node {:?} listening on http://{}", node.node_id(), node.local_addr());
    shutdown_signal().await?;
    eprintln!("shutting down");
    node.shutdown().await;
    Ok(())
}

fn object_id(text: &str, what: &str) -> Result<ObjectId> {
    parse_object_id(text).map(ObjectId).map_err(|e| anyhow::anyhow!("--{what}: {e}"))
}

fn address(text: &str, what: &str) -> Result<sui_sdk_types::Address> {
    sui_sdk_types::Address::from_hex(text).map_err(|e| anyhow::anyhow!("--{what} {text:?}: {e}; expected 0x + hex"))
}

fn write_config(args: ConfigArgs, json: bool) -> Result<()> {
    if args.out.exists() && !args.force {
        bail!("{} already exists; pass --force to overwrite it", args.out.display());
    }
    let (chain_rpc_url, deployment) = match (&args.client_config, &args.chain_rpc_url) {
        (Some(path), _) => {
            let client = ClientConfig::load(path)
                .with_context(|| format!("cannot load the client config {}", path.display()))?;
            let profile = client.active_profile();
            let deployment = DeploymentConfig {
                first_checkpoint: args.first_checkpoint,
                ..DeploymentConfig::from(*profile.deployment()?)
            };
            (profile.grpc_url.clone(), deployment)
        }
        (None, Some(url)) => {
            let deployment = DeploymentConfig {
                wal_package: address(args.wal_package.as_deref().unwrap_or_default(), "wal-package")?,
                walrus_package: address(args.walrus_package.as_deref().unwrap_or_default(), "walrus-package")?,
                system_object: address(args.system_object.as_deref().unwrap_or_default(), "system-object")?,
                system_initial_shared_version: args.system_initial_shared_version.unwrap_or_default(),
                first_checkpoint: args.first_checkpoint,
            };
            (url.clone(), deployment)
        }
        (None, None) => {
            bail!("say where the chain is: --client-config FILE, or --chain-rpc-url with the deployment ids")
        }
    };
    let config = NodeConfig {
        node_id: object_id(&args.node_id, "node-id")?,
        data_dir: args.data_dir,
        api_listen_address: args.api_listen_address,
        protocol_key_path: args.protocol_key_path,
        account_key_path: args.account_key_path,
        chain_rpc_url,
        deployment: Some(deployment),
        limits: NodeLimits::default(),
    };
    config.save(&args.out)?;
    if json {
        println!("{}", json!({ "path": args.out }));
    } else {
        println!("wrote {}; start the node with `walrus node run --config {}`", args.out.display(), args.out.display());
    }
    Ok(())
}
