//! `walrus bench network`: starts a local network in a temporary directory (chain, storage
//! nodes, all in this process on loopback), stores blobs through the client library and reads
//! them back, and reports throughput and where a store spends its time.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};
use clap::Args;
use serde::Serialize;
use walrus_client::{ClientLimits, StoreObserver, StoreOptions, StoreOutcome, StoreStage};
use walrus_local::{LocalNetwork, LocalOptions};

use crate::bench::{blob_bytes, human, mb_per_s, median, parse_size};

/// Options of `walrus bench network`.
#[derive(Args)]
pub struct NetworkArgs {
    /// Storage nodes.
    #[arg(long, default_value_t = 10)]
    nodes: usize,
    /// Shards per node.
    #[arg(long, default_value_t = 10)]
    shards_per_node: u16,
    /// Blob sizes, comma-separated, with optional KiB/MiB/GiB suffix.
    #[arg(long, value_delimiter = ',', default_value = "1MiB,16MiB,64MiB,256MiB")]
    sizes: Vec<String>,
    /// Stores and reads per size; the median is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Print one JSON object per row instead of a table.
    #[arg(long)]
    json: bool,
}

/// One measured blob size.
#[derive(Serialize)]
struct Row {
    size_bytes: u64,
    n_nodes: usize,
    n_shards: usize,
    store_ms: f64,
    store_mb_per_s: f64,
    read_ms: f64,
    read_mb_per_s: f64,
    encode_ms: f64,
    register_ms: f64,
    upload_to_quorum_ms: f64,
    certify_ms: f64,
}

/// When each stage of one store began.
#[derive(Default)]
struct StageTimes {
    stages: Mutex<Vec<(&'static str, Instant)>>,
}

impl StoreObserver for StageTimes {
    fn on_stage(&self, stage: StoreStage) {
        let name = match stage {
            StoreStage::Encoding { .. } => "encode",
            StoreStage::Encoded { .. } => "encoded",
            StoreStage::Reused => "reused",
            StoreStage::Registering => "register",
            // Only the first report marks the start of the upload.
            StoreStage::Uploading { confirmed_nodes: 0, failed_nodes: 0, .. } => "upload",
            StoreStage::Uploading { .. } => return,
            StoreStage::Certifying => "certify",
            StoreStage::Done => "done",
        };
        self.stages.lock().expect("no panics while holding the lock").push((name, Instant::now()));
    }
}

impl StageTimes {
    /// Time from the start of `from` to the start of `to`.
    fn between(&self, from: &str, to: &str) -> Result<Duration> {
        let stages = self.stages.lock().expect("no panics while holding the lock");
        let at = |name: &str| {
            stages.iter().find(|(n, _)| *n == name).map(|(_, t)| *t).with_context(|| format!("no {name} stage"))
        };
        Ok(at(to)?.saturating_duration_since(at(from)?))
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// Runs the benchmark.
pub fn run(args: NetworkArgs) -> Result<()> {
    if args.runs == 0 {
        bail!("--runs must be at least 1");
    }
    let sizes: Vec<u64> = args.sizes.iter().map(|s| parse_size(s)).collect::<Result<_>>()?;
    let dir = tempfile::tempdir().context("cannot create a temporary directory for the network")?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let options = LocalOptions::ephemeral(dir.path(), args.nodes, args.shards_per_node);
        let network = LocalNetwork::start(options).await.context("cannot start the local network")?;
        let client = network.user_client(ClientLimits::default())?;
        let n_shards = args.nodes * usize::from(args.shards_per_node);
        if !args.json {
            println!("{} nodes, {n_shards} shards, median of {} runs", args.nodes, args.runs);
            println!(
                "{:>8} {:>10} {:>10} {:>9} {:>9} {:>10} {:>9} {:>10} {:>10}",
                "size",
                "store ms",
                "store MB/s",
                "read ms",
                "read MB/s",
                "encode ms",
                "reg. ms",
                "upload ms",
                "cert. ms"
            );
        }
        for (size_index, &size) in sizes.iter().enumerate() {
            let mut samples = Samples::default();
            for run in 0..args.runs {
                // A distinct blob per run: the same bytes would be reused, not stored.
                let mut data = blob_bytes(usize::try_from(size)?);
                let tag = ((size_index * args.runs + run) as u64).to_le_bytes();
                let tagged = data.len().min(tag.len());
                data[..tagged].copy_from_slice(&tag[..tagged]);
                let times = StageTimes::default();
                let options = StoreOptions { epochs_ahead: 1, deletable: false, force: true };
                let started = Instant::now();
                let outcome = client.store_blob_observed(data.clone(), options, &times).await?;
                samples.store.push(started.elapsed());
                let StoreOutcome::NewlyCreated { blob_object, .. } = outcome else {
                    bail!("the benchmark's blob was reused instead of stored");
                };
                samples.encode.push(times.between("encode", "register")?);
                samples.register.push(times.between("register", "upload")?);
                samples.upload.push(times.between("upload", "certify")?);
                samples.certify.push(times.between("certify", "done")?);
                let started = Instant::now();
                let read = client.read_blob(&blob_object.blob_id).await?;
                samples.read.push(started.elapsed());
                if read != data {
                    bail!("blob {} read back different bytes: the network is broken", blob_object.blob_id);
                }
            }
            let store = median(samples.store);
            let read = median(samples.read);
            let row = Row {
                size_bytes: size,
                n_nodes: args.nodes,
                n_shards,
                store_ms: ms(store),
                store_mb_per_s: mb_per_s(size, store),
                read_ms: ms(read),
                read_mb_per_s: mb_per_s(size, read),
                encode_ms: ms(median(samples.encode)),
                register_ms: ms(median(samples.register)),
                upload_to_quorum_ms: ms(median(samples.upload)),
                certify_ms: ms(median(samples.certify)),
            };
            if args.json {
                println!("{}", serde_json::to_string(&row)?);
            } else {
                println!(
                    "{:>8} {:>10.1} {:>10.1} {:>9.1} {:>9.1} {:>10.1} {:>9.1} {:>10.1} {:>10.1}",
                    human(row.size_bytes),
                    row.store_ms,
                    row.store_mb_per_s,
                    row.read_ms,
                    row.read_mb_per_s,
                    row.encode_ms,
                    row.register_ms,
                    row.upload_to_quorum_ms,
                    row.certify_ms
                );
            }
        }
        network.shutdown().await;
        Ok(())
    })
}

/// Durations of every run of one size.
#[derive(Default)]
struct Samples {
    store: Vec<Duration>,
    read: Vec<Duration>,
    encode: Vec<Duration>,
    register: Vec<Duration>,
    upload: Vec<Duration>,
    certify: Vec<Duration>,
}
