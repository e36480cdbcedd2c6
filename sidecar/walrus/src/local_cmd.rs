//! `walrus local`: the whole network on this machine, in this process, until Ctrl-C.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use walrus_local::{LocalNetwork, LocalOptions};

/// Arguments of `walrus local`.
#[derive(Args)]
pub struct LocalArgs {
    /// Where the network keeps its chain, nodes and wallets; reused on the next start.
    #[arg(long, default_value = "walrus-local")]
    data_dir: PathBuf,
    /// Storage nodes (first start only).
    #[arg(long, default_value_t = 10)]
    nodes: usize,
    /// Shards per node (first start only).
    #[arg(long, default_value_t = 10)]
    shards_per_node: u16,
    /// The chain's gRPC port (first start only).
    #[arg(long, default_value_t = 9000)]
    rpc_port: u16,
    /// The faucet's port (first start only).
    #[arg(long, default_value_t = 9123)]
    faucet_port: u16,
    /// The first storage node's port; node i uses this plus i (first start only).
    #[arg(long, default_value_t = 9101)]
    node_base_port: u16,
    /// The publisher/aggregator's port (first start only).
    #[arg(long, default_value_t = 31415)]
    daemon_port: u16,
}

/// Runs the local network until Ctrl-C or SIGTERM.
pub fn run(args: LocalArgs) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let options = LocalOptions {
            data_dir: args.data_dir.clone(),
            n_nodes: args.nodes,
            shards_per_node: args.shards_per_node,
            rpc_port: args.rpc_port,
            faucet_port: args.faucet_port,
            node_base_port: args.node_base_port,
            daemon_port: args.daemon_port,
        };
        let network = LocalNetwork::start(options)
            .await
            .with_context(|| format!("cannot start the local network in {}", args.data_dir.display()))?;
        print_endpoints(&network);
        crate::chain_cmd::shutdown_signal().await?;
        eprintln!("stopping the local network");
        network.shutdown().await;
        eprintln!("stopped; `walrus local --data-dir {}` resumes it", args.data_dir.display());
        Ok(())
    })
}

fn print_endpoints(network: &LocalNetwork) {
    let manifest = network.manifest();
    let config = network.client_config_path();
    println!(
        "Local Walrus network is up ({} storage nodes, {} shards).",
        manifest.nodes.len(),
        manifest.genesis.n_shards
    );
    println!("  chain gRPC:           {}", network.rpc_url());
    println!("  faucet:               {}", network.faucet_url());
    println!("  publisher/aggregator: {}", network.daemon_url());
    for (index, node) in manifest.nodes.iter().enumerate() {
        println!("  storage node {index}:       http://{}", node.api_address);
    }
    println!("  client config:        {}", config.display());
    println!();
    println!("Try, from another terminal:");
    println!("  export WALRUS_CONFIG={}", config.display());
    println!("  echo 'hello walrus' > hello.txt");
    println!("  walrus store hello.txt --epochs 2");
    println!("  walrus read <BLOB_ID> -o hello-again.txt");
    println!("or over HTTP:");
    println!("  curl -X PUT --data-binary @hello.txt '{}/v1/blobs?epochs=2'", network.daemon_url());
    println!("  curl '{}/v1/blobs/<BLOB_ID>'", network.daemon_url());
    println!();
    println!("Ctrl-C stops the network; starting it again resumes it with every blob.");
}
