//! The client commands: `store`, `read`, `blob-status`, `list-blobs`, `info`, `extend`,
//! `delete`, `wallet`. Each prints for people, or JSON with `--json`.

use std::{
    io::Write,
    path::{Path, PathBuf},
    str::FromStr,
};

use crate::progress::StoreProgress;
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use serde_json::json;
use sui_sdk_types::Address;
use walrus_client::{BlobOnChain, ClientLimits, StoreOptions, StoreOutcome, WalrusClient};
use walrus_core::BlobId;
use walrus_sui::{
    ClientConfig, Keystore,
    client::{ClientOptions, WalrusChainClient},
};

/// FROST per WAL.
pub(crate) const FROST_PER_WAL: u64 = 1_000_000_000;
/// MIST per SUI.
const MIST_PER_SUI: u64 = 1_000_000_000;
/// Where the client config is looked for when neither `--config` nor `WALRUS_CONFIG` says.
const LOCAL_NETWORK_CONFIG: &str = "walrus-local/client/client_config.toml";

/// Options every client command takes.
#[derive(Args, Clone)]
pub struct ClientArgs {
    /// The client config [default: $WALRUS_CONFIG, else ./walrus-local/client/client_config.toml
    /// (written by `walrus local`), else ~/.config/walrus/client_config.toml].
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
}

/// `walrus store`.
#[derive(Args)]
pub struct StoreArgs {
    /// Files to store (glob patterns are expanded).
    #[arg(required = true)]
    files: Vec<String>,
    /// Epochs to store for, from the current one.
    #[arg(long, default_value_t = 1)]
    epochs: u32,
    /// Make the blobs deletable by their owner.
    #[arg(long, conflicts_with = "permanent")]
    deletable: bool,
    /// Make the blobs permanent (the default).
    #[arg(long)]
    permanent: bool,
    /// Store again even if the blob is already certified for long enough.
    #[arg(long)]
    force: bool,
}

/// `walrus read`.
#[derive(Args)]
pub struct ReadArgs {
    /// The blob id.
    blob_id: String,
    /// Write the blob to this file instead of standard output.
    #[arg(short, long)]
    out: Option<PathBuf>,
}

/// `walrus blob-status`.
#[derive(Args)]
pub struct BlobStatusArgs {
    /// The blob id.
    #[arg(required_unless_present = "file")]
    blob_id: Option<String>,
    /// Compute the blob id of this file instead.
    #[arg(long, conflicts_with = "blob_id")]
    file: Option<PathBuf>,
}

/// `walrus extend`.
#[derive(Args)]
pub struct ExtendArgs {
    /// The Blob object to extend.
    #[arg(long)]
    blob_obj_id: String,
    /// Epochs to add.
    #[arg(long)]
    epochs: u32,
}

/// `walrus delete`.
#[derive(Args)]
pub struct DeleteArgs {
    /// The deletable Blob object to delete.
    #[arg(long)]
    blob_obj_id: String,
}

/// `walrus wallet`.
#[derive(Subcommand)]
pub enum WalletCommand {
    /// The active address.
    Address,
    /// SUI and WAL balances of the active address.
    Balance,
    /// Ask the network's faucet for SUI and WAL (local network).
    Faucet {
        /// WAL to ask for.
        #[arg(long, default_value_t = 100)]
        wal: u64,
    },
}

pub(crate) struct Session {
    pub(crate) client: WalrusClient,
    pub(crate) config: ClientConfig,
    pub(crate) json: bool,
    pub(crate) runtime: tokio::runtime::Runtime,
}

fn config_path(args: &ClientArgs) -> Result<PathBuf> {
    if let Some(path) = &args.config {
        return Ok(path.clone());
    }
    if let Some(path) = std::env::var_os("WALRUS_CONFIG") {
        return Ok(PathBuf::from(path));
    }
    if Path::new(LOCAL_NETWORK_CONFIG).exists() {
        return Ok(PathBuf::from(LOCAL_NETWORK_CONFIG));
    }
    let home = std::env::var_os("HOME").context("HOME is not set; pass --config")?;
    Ok(PathBuf::from(home).join(".config/walrus/client_config.toml"))
}

pub(crate) fn connect(args: &ClientArgs) -> Result<Session> {
    let runtime = runtime()?;
    // The gRPC channel is created inside the runtime that drives it.
    let (client, config) = {
        let _guard = runtime.enter();
        load_client(args)?
    };
    Ok(Session { client, config, json: args.json, runtime })
}

/// A blob client for the active profile of the config `args` names; call it inside the runtime
/// that will drive it.
pub fn connect_client(args: &ClientArgs) -> Result<WalrusClient> {
    Ok(load_client(args)?.0)
}

/// The client config `args` names, its keystore, and a blob client for its active profile.
fn load_client(args: &ClientArgs) -> Result<(WalrusClient, ClientConfig)> {
    let path = config_path(args)?;
    let config = ClientConfig::load(&path).with_context(|| {
        format!(
            "cannot load the client config {}; start a local network with `walrus local` or pass --config",
            path.display()
        )
    })?;
    let keystore = Keystore::load(config.active_keystore_path())
        .with_context(|| format!("cannot load the keystore named in {}", path.display()))?;
    let chain = WalrusChainClient::from_config(&config, &keystore, ClientOptions::default())
        .with_context(|| format!("the active profile of {} is not usable", path.display()))?;
    Ok((WalrusClient::new(chain, ClientLimits::default())?, config))
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new().context("cannot start the async runtime")
}

pub(crate) fn print_json(value: &serde_json::Value) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn parse_blob_id(text: &str) -> Result<BlobId> {
    BlobId::from_str(text).map_err(|e| {
        anyhow::anyhow!("`{text}` is not a blob id: {e}; copy it from `walrus store` or `walrus list-blobs`")
    })
}

pub(crate) fn parse_object_id(text: &str) -> Result<Address> {
    Address::from_str(text)
        .map_err(|e| anyhow::anyhow!("`{text}` is not an object id ({e}); object ids are 0x and 64 hex digits"))
}

fn wal(frost: u64) -> String {
    format!("{}.{:09} WAL", frost / FROST_PER_WAL, frost % FROST_PER_WAL)
}

/// Expands glob patterns the shell left alone (`*`, `?`, `[`); plain paths pass through.
fn expand(patterns: &[String]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for pattern in patterns {
        if !pattern.contains(['*', '?', '[']) {
            files.push(PathBuf::from(pattern));
            continue;
        }
        let (dir, name_pattern) = match pattern.rsplit_once('/') {
            Some((dir, name)) => (PathBuf::from(if dir.is_empty() { "/" } else { dir }), name.to_string()),
            None => (PathBuf::from("."), pattern.clone()),
        };
        if dir.to_string_lossy().contains(['*', '?', '[']) {
            bail!("`{pattern}`: only the last path component may contain wildcards");
        }
        let mut matched: Vec<PathBuf> = std::fs::read_dir(&dir)
            .with_context(|| format!("cannot list {} for `{pattern}`", dir.display()))?
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
            .filter(|entry| wildcard_match(&name_pattern, &entry.file_name().to_string_lossy()))
            .map(|entry| if pattern.contains('/') { entry.path() } else { PathBuf::from(entry.file_name()) })
            .collect();
        if matched.is_empty() {
            bail!("no file matches `{pattern}`");
        }
        matched.sort();
        files.extend(matched);
    }
    Ok(files)
}

/// `*`, `?` and `[...]` classes, as shells match file names.
fn wildcard_match(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some('*') => (0..=n.len()).any(|i| go(&p[1..], &n[i..])),
            Some('?') => !n.is_empty() && go(&p[1..], &n[1..]),
            Some('[') => match p.iter().position(|c| *c == ']') {
                Some(end) if !n.is_empty() => {
                    let class = &p[1..end];
                    let (negate, class) = match class.first() {
                        Some('!' | '^') => (true, &class[1..]),
                        _ => (false, class),
                    };
                    let mut hit = false;
                    let mut i = 0;
                    while i < class.len() {
                        if i + 2 < class.len() && class[i + 1] == '-' {
                            hit |= class[i] <= n[0] && n[0] <= class[i + 2];
                            i += 3;
                        } else {
                            hit |= class[i] == n[0];
                            i += 1;
                        }
                    }
                    hit != negate && go(&p[end + 1..], &n[1..])
                }
                _ => false,
            },
            Some(c) => n.first() == Some(c) && go(&p[1..], &n[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    go(&p, &n)
}

/// `walrus store`.
pub fn store(client_args: &ClientArgs, args: StoreArgs) -> Result<()> {
    if args.epochs == 0 {
        bail!("--epochs must be at least 1");
    }
    let files = expand(&args.files)?;
    let ctx = connect(client_args)?;
    let options = StoreOptions { epochs_ahead: args.epochs, deletable: args.deletable, force: args.force };
    let mut results = Vec::new();
    ctx.runtime.block_on(async {
        for path in &files {
            let data = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let progress = StoreProgress::new(&path.display().to_string(), ctx.json);
            let outcome = ctx.client.store_blob_observed(data, options, &progress).await;
            progress.finish();
            let outcome = outcome.with_context(|| format!("cannot store {}", path.display()))?;
            results.push((path.clone(), outcome));
        }
        anyhow::Ok(())
    })?;
    if ctx.json {
        let entries: Vec<_> =
            results.iter().map(|(path, outcome)| json!({ "path": path, "blobStoreResult": outcome })).collect();
        return print_json(&json!(entries));
    }
    for (path, outcome) in results {
        match &outcome {
            StoreOutcome::NewlyCreated { blob_object, encoded_size, cost } => {
                println!("Stored {} as a new blob.", path.display());
                println!("  Blob ID:         {}", blob_object.blob_id);
                println!("  Sui object ID:   {}", blob_object.id);
                println!("  Unencoded size:  {} bytes", blob_object.size);
                println!("  Encoded size:    {encoded_size} bytes (including metadata)");
                println!("  Stored until:    epoch {} (exclusive)", blob_object.end_epoch());
                println!("  Cost:            {}", wal(*cost));
                println!("  Deletable:       {}", blob_object.deletable);
            }
            StoreOutcome::AlreadyCertified { blob_id, object, end_epoch } => {
                println!("{} is already stored and certified until epoch {end_epoch}; nothing paid.", path.display());
                println!("  Blob ID:         {blob_id}");
                println!("  Sui object ID:   {object}");
            }
        }
    }
    Ok(())
}

/// `walrus read`.
pub fn read(client_args: &ClientArgs, args: ReadArgs) -> Result<()> {
    let blob_id = parse_blob_id(&args.blob_id)?;
    let ctx = connect(client_args)?;
    let data =
        ctx.runtime.block_on(ctx.client.read_blob(&blob_id)).with_context(|| format!("cannot read blob {blob_id}"))?;
    match &args.out {
        Some(path) => {
            std::fs::write(path, &data).with_context(|| format!("cannot write {}", path.display()))?;
            if ctx.json {
                print_json(&json!({ "blobId": blob_id.to_string(), "path": path, "size": data.len() }))?;
            } else {
                eprintln!("Blob {blob_id} ({} bytes) written to {}.", data.len(), path.display());
            }
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&data).context("cannot write to standard output")?;
            stdout.flush()?;
        }
    }
    Ok(())
}

/// `walrus blob-status`: what the storage nodes say about a blob.
pub fn blob_status(client_args: &ClientArgs, args: BlobStatusArgs) -> Result<()> {
    let ctx = connect(client_args)?;
    let rt = &ctx.runtime;
    let blob_id = match (&args.blob_id, &args.file) {
        (Some(text), _) => parse_blob_id(text)?,
        (None, Some(path)) => {
            let data = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let committee = rt.block_on(ctx.client.committee())?;
            walrus_core::encode(&committee.config, &data, ctx.client.limits().coding_threads)?.blob_id()
        }
        (None, None) => bail!("give a blob id or --file"),
    };
    let committee = rt.block_on(ctx.client.committee())?;
    let answers = rt.block_on(async {
        let mut answers = Vec::new();
        for node in &committee.nodes {
            answers.push((node.clone(), node.client.status(&blob_id).await));
        }
        answers
    });
    // The status most shards report; a third of the shards may be wrong.
    let mut shards_by_status = std::collections::BTreeMap::<String, usize>::new();
    let mut end_epoch = None;
    for (node, answer) in &answers {
        if let Ok(status) = answer {
            *shards_by_status.entry(format!("{:?}", status.status).to_lowercase()).or_default() += node.n_shards();
            end_epoch = end_epoch.max(status.end_epoch);
        }
    }
    let (status, shards) = shards_by_status
        .iter()
        .max_by_key(|(_, shards)| **shards)
        .map(|(s, n)| (s.clone(), *n))
        .unwrap_or(("unknown".into(), 0));
    if ctx.json {
        return print_json(&json!({
            "blobId": blob_id.to_string(), "status": status, "endEpoch": end_epoch,
            "reportingShards": shards, "nShards": committee.n_shards(), "epoch": committee.epoch,
        }));
    }
    println!("Blob {blob_id}: {status} (reported by nodes with {shards} of {} shards)", committee.n_shards());
    if let Some(end_epoch) = end_epoch {
        println!("  Stored until epoch {end_epoch} (exclusive); current epoch {}", committee.epoch);
    }
    Ok(())
}

/// `walrus list-blobs`.
pub fn list_blobs(client_args: &ClientArgs, include_expired: bool) -> Result<()> {
    let ctx = connect(client_args)?;
    let rt = &ctx.runtime;
    let chain = ctx.client.chain();
    let (blobs, epoch) = rt.block_on(async {
        let blobs = chain.owned_blobs(chain.address()).await?;
        let epoch = chain.system_info().await?.epoch;
        anyhow::Ok((blobs, epoch))
    })?;
    let mut blobs: Vec<BlobOnChain> =
        blobs.iter().map(BlobOnChain::from_object).filter(|b| include_expired || b.end_epoch() > epoch).collect();
    blobs.sort_by_key(|b| (b.registered_epoch, b.blob_id));
    if ctx.json {
        return print_json(&serde_json::to_value(&blobs)?);
    }
    if blobs.is_empty() {
        println!("No blobs owned by {} (current epoch {epoch}).", chain.address());
        return Ok(());
    }
    println!("{:<44} {:>12} {:>10} {:>9} {:>9}  object id", "blob id", "size", "certified", "end", "deletable");
    for blob in blobs {
        let certified = blob.certified_epoch.map_or("no".to_string(), |e| format!("epoch {e}"));
        println!(
            "{:<44} {:>12} {:>10} {:>9} {:>9}  {}",
            blob.blob_id.to_string(),
            blob.size,
            certified,
            blob.end_epoch(),
            blob.deletable,
            blob.id
        );
    }
    Ok(())
}

/// Increasing shard ids as runs `start..end` (end exclusive), e.g. `0..3, 7..8`.
fn shard_runs(shard_ids: &[u16]) -> String {
    let mut runs: Vec<(u16, u16)> = Vec::new();
    for &shard in shard_ids {
        match runs.last_mut() {
            Some((_, end)) if *end == shard => *end += 1,
            _ => runs.push((shard, shard + 1)),
        }
    }
    runs.iter().map(|(start, end)| format!("{start}..{end}")).collect::<Vec<_>>().join(", ")
}

/// `walrus info`.
pub fn info(client_args: &ClientArgs) -> Result<()> {
    let ctx = connect(client_args)?;
    let info = ctx.runtime.block_on(ctx.client.chain().system_info())?;
    let committee = &info.committee;
    if ctx.json {
        let members: Vec<_> = committee
            .members
            .iter()
            .map(|m| {
                json!({ "nodeId": Address::new(m.node_id.0), "networkAddress": m.network_address,
                    "shards": m.n_shards(), "firstShard": m.shard_ids.first(), "shardIds": m.shard_ids })
            })
            .collect();
        return print_json(&json!({
            "epoch": info.epoch, "nShards": info.n_shards, "maxEpochsAhead": info.max_epochs_ahead,
            "storagePricePerMiBPerEpochFrost": info.storage_price_per_unit_size_frost,
            "writePricePerMiBFrost": info.write_price_per_unit_size_frost,
            "totalCapacityBytes": info.total_capacity_size_bytes, "usedCapacityBytes": info.used_capacity_size_bytes,
            "committee": members,
        }));
    }
    println!("Walrus system ({})", ctx.config.active_profile().name());
    println!("  Current epoch:      {}", info.epoch);
    println!("  Shards:             {}", info.n_shards);
    println!("  Storage price:      {} per MiB of encoded size per epoch", wal(info.storage_price_per_unit_size_frost));
    println!("  Write price:        {} per MiB of encoded size", wal(info.write_price_per_unit_size_frost));
    println!(
        "  Capacity:           {} of {} bytes used this epoch",
        info.used_capacity_size_bytes, info.total_capacity_size_bytes
    );
    println!("  Max epochs ahead:   {}", info.max_epochs_ahead);
    println!("  Committee ({} nodes):", committee.members.len());
    for (i, member) in committee.members.iter().enumerate() {
        println!(
            "    {i:>3}  {}  shards {}  {}",
            Address::new(member.node_id.0),
            shard_runs(&member.shard_ids),
            member.network_address
        );
    }
    Ok(())
}

/// `walrus extend`.
pub fn extend(client_args: &ClientArgs, args: ExtendArgs) -> Result<()> {
    let object = parse_object_id(&args.blob_obj_id)?;
    if args.epochs == 0 {
        bail!("--epochs must be at least 1");
    }
    let ctx = connect(client_args)?;
    let blob = ctx.runtime.block_on(async {
        ctx.client.chain().extend_blob(object, args.epochs).await?;
        anyhow::Ok(ctx.client.chain().get_blob(object).await?)
    })?;
    let blob = BlobOnChain::from_object(&blob);
    if ctx.json {
        return print_json(&serde_json::to_value(&blob)?);
    }
    println!("Blob {} ({}) is now stored until epoch {} (exclusive).", blob.blob_id, blob.id, blob.end_epoch());
    Ok(())
}

/// `walrus delete`.
pub fn delete(client_args: &ClientArgs, args: DeleteArgs) -> Result<()> {
    let object = parse_object_id(&args.blob_obj_id)?;
    let ctx = connect(client_args)?;
    let rt = &ctx.runtime;
    let blob = rt.block_on(ctx.client.chain().get_blob(object))?;
    if !blob.value.deletable {
        bail!("blob object {object} is permanent; only deletable blobs can be deleted (store with --deletable)");
    }
    let storage = rt.block_on(ctx.client.chain().delete_blob(object))?;
    if ctx.json {
        return print_json(&json!({ "deleted": object, "blobId": BlobId(blob.value.blob_id.0).to_string(),
            "storage": storage.id() }));
    }
    println!(
        "Deleted blob {} (object {object}); its storage resource {} is yours to reuse.",
        BlobId(blob.value.blob_id.0),
        storage.id()
    );
    Ok(())
}

/// `walrus wallet ...`.
pub fn wallet(client_args: &ClientArgs, command: WalletCommand) -> Result<()> {
    let ctx = connect(client_args)?;
    let chain = ctx.client.chain();
    let address = chain.address();
    let rt = &ctx.runtime;
    match command {
        WalletCommand::Address => {
            if ctx.json {
                print_json(&json!({ "address": address }))?;
            } else {
                println!("{address}");
            }
        }
        WalletCommand::Balance => {
            let (sui, wal_frost) = rt.block_on(async {
                anyhow::Ok((chain.sui_balance(address).await?, chain.wal_balance(address).await?))
            })?;
            if ctx.json {
                print_json(&json!({ "address": address, "suiMist": sui, "walFrost": wal_frost }))?;
            } else {
                println!("{address}");
                println!("  SUI: {}.{:09}", sui / MIST_PER_SUI, sui % MIST_PER_SUI);
                println!("  WAL: {}", wal(wal_frost));
            }
        }
        WalletCommand::Faucet { wal: amount } => {
            let faucet = ctx.config.active_profile().faucet_url.clone().with_context(|| {
                format!(
                    "profile `{}` has no faucet_url; only local networks have a faucet",
                    ctx.config.active_profile().name()
                )
            })?;
            let frost = amount.checked_mul(FROST_PER_WAL).context("--wal is too large")?;
            rt.block_on(async {
                let http = reqwest::Client::new();
                for (path, body) in [
                    ("/v2/gas", json!({ "FixedAmountRequest": { "recipient": address } })),
                    ("/v1/wal", json!({ "recipient": address, "amount": frost })),
                ] {
                    let url = format!("{}{path}", faucet.trim_end_matches('/'));
                    let response = http
                        .post(&url)
                        .json(&body)
                        .send()
                        .await
                        .with_context(|| format!("cannot reach the faucet at {url}"))?;
                    let status = response.status();
                    if !status.is_success() {
                        let text = response.text().await.unwrap_or_default();
                        bail!("the faucet at {url} answered {status}: {text}");
                    }
                }
                anyhow::Ok(())
            })?;
            if ctx.json {
                print_json(&json!({ "address": address, "walFrost": frost }))?;
            } else {
                println!("The faucet sent SUI and {amount} WAL to {address}.");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{shard_runs, wildcard_match};

    #[test]
    fn shard_lists_print_as_runs() {
        assert_eq!(shard_runs(&[0, 1, 2]), "0..3");
        assert_eq!(shard_runs(&[2, 5, 6, 9]), "2..3, 5..7, 9..10");
        assert_eq!(shard_runs(&[]), "");
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*.txt", "a.txt"));
        assert!(!wildcard_match("*.txt", "a.txt.bak"));
        assert!(wildcard_match("file?.bin", "file1.bin"));
        assert!(wildcard_match("[ab]*", "banana"));
        assert!(!wildcard_match("[!ab]*", "banana"));
        assert!(wildcard_match("x[0-9]", "x7"));
        assert!(wildcard_match("*", ""));
    }
}
