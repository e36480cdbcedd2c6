//! `walrus local`: the whole network on this machine, in this process, until Ctrl-C.

use std::{path::PathBuf, time::Duration};

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
    /// Length of an epoch, e.g. `1h`, `10m`, `30s` (first start only). The nodes end the voting
    /// after half of it and start the next epoch after all of it, handing shards over when the
    /// committee changes.
    #[arg(long, default_value = "1h", value_parser = parse_duration)]
    epoch_duration: Duration,
}

/// Parses `<number><unit>` with unit `ms`, `s`, `m`, `h` or `d` (e.g. `90s`, `1h`).
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: u64 = number.parse().map_err(|_| format!("`{text}` is not a duration; write e.g. 30s, 10m or 1h"))?;
    let unit_ms: u64 = match unit.trim() {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        other => return Err(format!("unknown duration unit `{other}` in `{text}`; use ms, s, m, h or d")),
    };
    value.checked_mul(unit_ms).map(Duration::from_millis).ok_or_else(|| format!("the duration `{text}` is too long"))
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
            epoch_duration_ms: u64::try_from(args.epoch_duration.as_millis()).unwrap_or(u64::MAX),
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

/// A duration in the largest unit that divides it (`1h`, `90s`, `1500ms`).
fn format_duration(duration: Duration) -> String {
    let ms = duration.as_millis();
    for (unit, unit_ms) in [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)] {
        if ms >= unit_ms && ms.is_multiple_of(unit_ms) {
            return format!("{}{unit}", ms / unit_ms);
        }
    }
    format!("{ms}ms")
}

fn print_endpoints(network: &LocalNetwork) {
    let manifest = network.manifest();
    let config = network.client_config_path();
    println!(
        "Local Walrus network is up ({} storage nodes, {} shards, epochs of {}).",
        manifest.nodes.len(),
        manifest.genesis.n_shards,
        format_duration(Duration::from_millis(manifest.genesis.epoch_duration_ms))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_print_in_their_units() {
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1500ms"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert!(parse_duration("10").unwrap_err().contains("unit"));
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("5 weeks").is_err());
        assert_eq!(format_duration(Duration::from_secs(3600)), "1h");
        assert_eq!(format_duration(Duration::from_secs(90)), "90s");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1500ms");
    }
}
