//! The `walrus` CLI against a local network: store (with a glob), read, blob-status,
//! list-blobs, info, extend, delete, attributes, share, wallet, `bench encoding`, and errors that say
//! what to do.

use std::{path::Path, process::Output};

use serde_json::Value;
use walrus_e2e::{blob_bytes, start_network};

/// Runs `walrus --config <config> <args>` off the async runtime; bounded by the CLI's own
/// timeouts and the test's.
async fn walrus(config: &Path, args: &[&str]) -> Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_walrus"));
    command.arg("--config").arg(config).args(args).kill_on_drop(true);
    tokio::time::timeout(walrus_e2e::STEP_TIMEOUT, command.output())
        .await
        .unwrap_or_else(|_| panic!("walrus {args:?} finished in time"))
        .expect("the walrus binary runs")
}

/// Runs a command that must succeed and print JSON.
async fn walrus_json(config: &Path, args: &[&str]) -> Value {
    let output = walrus(config, args).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "walrus {args:?} failed: {stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("walrus {args:?} printed no JSON ({e}): {stdout}"))
}

/// Runs a command that must fail; returns its stderr.
async fn walrus_fails(config: &Path, args: &[&str]) -> String {
    let output = walrus(config, args).await;
    assert!(!output.status.success(), "walrus {args:?} should fail");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_cli_stores_reads_and_manages_blobs() {
    let dir = tempfile::tempdir().unwrap();
    let network = start_network(&dir.path().join("network"), 4, 2).await;
    let config = network.client_config_path();
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    let contents = [blob_bytes(100_000, 1), blob_bytes(3, 2)];
    std::fs::write(files.join("a.bin"), &contents[0]).unwrap();
    std::fs::write(files.join("b.bin"), &contents[1]).unwrap();
    std::fs::write(files.join("note.txt"), b"not matched").unwrap();

    // Store two files through a glob the CLI expands itself.
    let pattern = format!("{}/*.bin", files.display());
    let stored = walrus_json(&config, &["store", &pattern, "--epochs", "2", "--json"]).await;
    let stored = stored.as_array().expect("one entry per file");
    assert_eq!(stored.len(), 2, "{stored:?}");
    let mut blobs = Vec::new();
    for (entry, data) in stored.iter().zip(&contents) {
        let object = &entry["blobStoreResult"]["newlyCreated"]["blobObject"];
        assert_eq!(object["size"].as_u64(), Some(data.len() as u64), "{entry}");
        assert!(object["certifiedEpoch"].is_u64(), "certified: {entry}");
        let blob_id = object["blobId"].as_str().unwrap().to_string();
        let object_id = object["id"].as_str().unwrap().to_string();
        blobs.push((blob_id, object_id, data.clone()));
    }

    // Read each back to a file; every byte matches.
    for (blob_id, _, data) in &blobs {
        let out = dir.path().join(format!("{blob_id}.out"));
        let output = walrus(&config, &["read", blob_id, "-o", out.to_str().unwrap()]).await;
        assert!(output.status.success(), "read: {}", String::from_utf8_lossy(&output.stderr));
        assert!(std::fs::read(&out).unwrap() == *data, "blob {blob_id} reads back");
    }
    // And to stdout.
    let output = walrus(&config, &["read", &blobs[1].0]).await;
    assert_eq!(output.stdout, blobs[1].2);

    // The nodes report it certified, with the end epoch; the file form computes the same id.
    let status = walrus_json(&config, &["blob-status", &blobs[0].0, "--json"]).await;
    assert_eq!(status["status"], "certified", "{status}");
    assert_eq!(status["nShards"], 8);
    let end_epoch = status["endEpoch"].as_u64().unwrap();
    let a_path = files.join("a.bin");
    let by_file = walrus_json(&config, &["blob-status", "--file", a_path.to_str().unwrap(), "--json"]).await;
    assert_eq!(by_file["blobId"], blobs[0].0.as_str());

    // Storing again reuses the certified blob.
    let again = walrus_json(&config, &["store", a_path.to_str().unwrap(), "--epochs", "1", "--json"]).await;
    assert_eq!(again[0]["blobStoreResult"]["alreadyCertified"]["blobId"], blobs[0].0.as_str(), "{again}");

    let listed = walrus_json(&config, &["list-blobs", "--json"]).await;
    let listed_ids: Vec<&str> = listed.as_array().unwrap().iter().map(|b| b["blobId"].as_str().unwrap()).collect();
    for (blob_id, _, _) in &blobs {
        assert!(listed_ids.contains(&blob_id.as_str()), "{blob_id} listed in {listed}");
    }

    let info = walrus_json(&config, &["info", "--json"]).await;
    assert_eq!(info["nShards"], 8);
    assert_eq!(info["committee"].as_array().unwrap().len(), 4);
    assert!(info["usedCapacityBytes"].as_u64().unwrap() > 0, "{info}");

    // Extend by two epochs.
    let extended = walrus_json(&config, &["extend", "--blob-obj-id", &blobs[0].1, "--epochs", "2", "--json"]).await;
    assert_eq!(extended["storage"]["endEpoch"].as_u64(), Some(end_epoch + 2), "{extended}");

    // A deletable blob can be deleted; a permanent one cannot.
    let c_path = files.join("c.bin");
    std::fs::write(&c_path, blob_bytes(5000, 3)).unwrap();
    let deletable = walrus_json(&config, &["store", c_path.to_str().unwrap(), "--deletable", "--json"]).await;
    let deletable_id =
        deletable[0]["blobStoreResult"]["newlyCreated"]["blobObject"]["id"].as_str().unwrap().to_string();
    let deleted = walrus_json(&config, &["delete", "--blob-obj-id", &deletable_id, "--json"]).await;
    assert_eq!(deleted["deleted"], deletable_id.as_str(), "{deleted}");
    let refused = walrus_fails(&config, &["delete", "--blob-obj-id", &blobs[0].1]).await;
    assert!(refused.contains("deletable"), "{refused}");

    // Attributes: set, read back through the CLI and as the aggregator's content type, remove.
    let object_b = blobs[1].1.clone();
    let set = ["set-blob-attribute", "--blob-obj-id", &object_b, "content-type=text/plain", "owner=cli", "--json"];
    walrus_json(&config, &set).await;
    let attributes = walrus_json(&config, &["get-blob-attribute", "--blob-obj-id", &object_b, "--json"]).await;
    assert_eq!(attributes["attributes"]["content-type"], "text/plain", "{attributes}");
    assert_eq!(attributes["attributes"]["owner"], "cli", "{attributes}");
    let url = format!("{}/v1/blobs/by-object-id/{object_b}", network.daemon_url());
    let response = reqwest::get(&url).await.unwrap();
    assert_eq!(response.headers()["content-type"], "text/plain");
    assert!(response.bytes().await.unwrap() == blobs[1].2);
    walrus_json(&config, &["remove-blob-attribute", "--blob-obj-id", &object_b, "owner", "--json"]).await;
    let missing_key = walrus_fails(&config, &["get-blob-attribute", "--blob-obj-id", &object_b, "owner"]).await;
    assert!(missing_key.contains("has no attribute `owner`"), "{missing_key}");
    let bad_pair = walrus_fails(&config, &["set-blob-attribute", "--blob-obj-id", &object_b, "novalue"]).await;
    assert!(bad_pair.contains("KEY=VALUE"), "{bad_pair}");

    // Sharing wraps the blob into a funded shared object; the owner no longer lists it.
    let shared = walrus_json(&config, &["share", "--blob-obj-id", &object_b, "--amount", "2", "--json"]).await;
    assert_eq!(shared["fundsFrost"], 2_000_000_000u64, "{shared}");
    assert!(shared["sharedBlobObjectId"].is_string(), "{shared}");
    let listed = walrus_json(&config, &["list-blobs", "--json"]).await;
    assert!(!listed.to_string().contains(&blobs[1].0), "a shared blob is not owned: {listed}");

    let balance = walrus_json(&config, &["wallet", "balance", "--json"]).await;
    assert!(balance["walFrost"].as_u64().unwrap() > 0, "{balance}");

    // Errors say what was wrong.
    let bad_id = walrus_fails(&config, &["read", "not-a-blob-id"]).await;
    assert!(bad_id.contains("is not a blob id"), "{bad_id}");
    let missing = walrus_fails(&config, &["store", dir.path().join("missing.bin").to_str().unwrap()]).await;
    assert!(missing.contains("cannot read"), "{missing}");
    let no_match = walrus_fails(&config, &["store", &format!("{}/*.none", files.display())]).await;
    assert!(no_match.contains("no file matches"), "{no_match}");
    let unknown_blob = walrus_fails(&config, &["read", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]).await;
    assert!(unknown_blob.contains("not stored"), "{unknown_blob}");
    let no_config = walrus_fails(&dir.path().join("absent.toml"), &["info"]).await;
    assert!(no_config.contains("walrus local"), "{no_config}");

    network.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_cli_registers_a_node_stakes_and_votes() {
    let dir = tempfile::tempdir().unwrap();
    let network = start_network(&dir.path().join("network"), 4, 2).await;
    let config = network.client_config_path();

    // A new node: keys, then registration with a proof of possession of its BLS key.
    let protocol_key = dir.path().join("protocol.key");
    let account_key = dir.path().join("account.key");
    let keys = walrus_json(
        &config,
        &[
            "node",
            "keys",
            "generate",
            "--protocol-key",
            protocol_key.to_str().unwrap(),
            "--account-key",
            account_key.to_str().unwrap(),
            "--json",
        ],
    )
    .await;
    assert!(keys["protocolPublicKey"].is_string(), "{keys}");
    let registered = walrus_json(
        &config,
        &[
            "staking",
            "register-node",
            "--protocol-key",
            protocol_key.to_str().unwrap(),
            "--name",
            "cli-node",
            "--network-address",
            "127.0.0.1:9999",
            "--storage-price",
            "12000",
            "--json",
        ],
    )
    .await;
    let node_id = registered["nodeId"].as_str().unwrap().to_string();
    let info = walrus_json(&config, &["staking", "info", "--json"]).await;
    let pools = info["pools"].as_array().unwrap();
    assert_eq!(pools.len(), 5, "four genesis pools and the new one: {info}");
    let pool = pools.iter().find(|p| p["nodeId"] == node_id.as_str()).expect("the new pool is listed");
    assert_eq!(pool["name"], "cli-node");
    assert_eq!(pool["storagePriceVote"], 12_000);
    assert_eq!(pool["shards"], 0, "not in the committee before the next selection");

    // Stake; the stake is not active yet, so it cannot be requested for withdrawal, but it can be
    // withdrawn at once, in full.
    let staked = walrus_json(&config, &["staking", "stake", "--node-id", &node_id, "--amount", "5", "--json"]).await;
    let staked_id = staked["stakedWal"].as_str().unwrap().to_string();
    assert_eq!(staked["principalFrost"], 5_000_000_000u64);
    assert_eq!(staked["activationEpoch"], info["epoch"].as_u64().unwrap() + 1, "{staked}");
    let stakes = walrus_json(&config, &["staking", "list-stakes", "--json"]).await;
    assert!(stakes.as_array().unwrap().iter().any(|s| s["stakedWal"] == staked_id.as_str() && s["state"] == "staked"));
    let early = walrus_fails(&config, &["staking", "request-withdraw", "--staked-wal-id", &staked_id]).await;
    assert!(early.contains("ENotActive"), "{early}");
    let withdrawn = walrus_json(&config, &["staking", "withdraw", "--staked-wal-id", &staked_id, "--json"]).await;
    assert_eq!(withdrawn["amountFrost"], 5_000_000_000u64, "{withdrawn}");

    // The operator votes and sets its commission with the cap it got (found automatically).
    walrus_json(&config, &["staking", "vote", "--write-price", "25000", "--capacity", "1000000000", "--json"]).await;
    walrus_json(&config, &["staking", "set-commission", "--bps", "500", "--json"]).await;
    let collected = walrus_json(&config, &["staking", "collect-commission", "--json"]).await;
    assert_eq!(collected["amountFrost"], 0, "no rewards yet: {collected}");
    let info = walrus_json(&config, &["staking", "info", "--json"]).await;
    let pool = info["pools"].as_array().unwrap().iter().find(|p| p["nodeId"] == node_id.as_str()).unwrap().clone();
    assert_eq!(pool["writePriceVote"], 25_000, "{pool}");
    assert_eq!(pool["nodeCapacityVote"], 1_000_000_000u64, "{pool}");
    assert_eq!(pool["commissionRateBps"], 1_000, "the new rate waits for the commission delay");

    // Epoch changes follow the clock: too early now, with a named abort.
    let too_early = walrus_fails(&config, &["staking", "voting-end"]).await;
    assert!(too_early.contains("ETooEarly"), "{too_early}");
    let no_vote = walrus_fails(&config, &["staking", "vote"]).await;
    assert!(no_vote.contains("at least one of"), "{no_vote}");

    network.shutdown().await;
}

/// Moves the chain's clock a whole epoch ahead and waits until the staking epoch is past
/// `epoch`; the nodes drive the change, and the CLI helps where they have not yet (a step
/// someone else took first fails harmlessly).
async fn next_epoch(network: &walrus_local::LocalNetwork, config: &Path, epoch: u64, epoch_ms: u64) {
    network.chain().advance_clock_for_testing(epoch_ms);
    let deadline = tokio::time::Instant::now() + walrus_e2e::STEP_TIMEOUT;
    loop {
        let info = walrus_json(config, &["staking", "info", "--json"]).await;
        if info["epoch"].as_u64().unwrap() > epoch {
            return;
        }
        match info["epochState"].as_str().unwrap() {
            "EpochChangeDone" => drop(walrus(config, &["staking", "voting-end"]).await),
            "NextParamsSelected" => drop(walrus(config, &["staking", "initiate-epoch-change"]).await),
            _ => {}
        }
        assert!(tokio::time::Instant::now() < deadline, "epoch {epoch} did not end in time: {info}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_cli_proposes_votes_and_executes_a_parameter_change() {
    let dir = tempfile::tempdir().unwrap();
    let network = start_network(&dir.path().join("network"), 4, 2).await;
    let config = network.client_config_path();

    let governance = walrus_json(&config, &["governance", "info", "--json"]).await;
    assert_eq!(governance["proposals"], 0, "{governance}");
    let parameters = governance["parameters"].as_array().unwrap();
    assert!(parameters.iter().any(|p| p["name"] == "max_epochs_ahead" && p["range"] == "1 to 1000"), "{governance}");

    // The user stakes 10,000 WAL; until that stake is active it cannot propose.
    let info = walrus_json(&config, &["staking", "info", "--json"]).await;
    let node_id = info["pools"][0]["nodeId"].as_str().unwrap().to_string();
    walrus_json(&config, &["staking", "stake", "--node-id", &node_id, "--amount", "10000", "--json"]).await;
    let propose = ["governance", "propose", "--parameter", "max_epochs_ahead=30", "--deposit", "100"];
    let inactive = walrus_fails(&config, &propose).await;
    assert!(inactive.contains("no active staked WAL"), "{inactive}");
    let out_of_range =
        walrus_fails(&config, &["governance", "propose", "--parameter", "max_epochs_ahead=0", "--deposit", "100"])
            .await;
    assert!(out_of_range.contains("1 to 1000"), "{out_of_range}");
    next_epoch(&network, &config, info["epoch"].as_u64().unwrap(), info["epochDurationMs"].as_u64().unwrap()).await;

    // Propose, vote yes with every active stake of the address (10,000 of about 14,000 WAL).
    let proposed =
        walrus_json(&config, &[&propose[..], &["--description", "sell storage further ahead", "--json"]].concat())
            .await;
    let proposal_id = proposed["proposalId"].as_str().unwrap().to_string();
    assert_eq!(
        (proposed["status"].as_str(), proposed["kind"].as_str()),
        (Some("voting"), Some("parameter")),
        "{proposed}"
    );
    let voted = walrus_json(&config, &["governance", "vote", &proposal_id, "yes", "--json"]).await;
    assert_eq!(voted["yesFrost"], 10_000_000_000_000u64, "{voted}");

    // Refused while the vote is open, then before the delay: each with its named abort.
    let voting = walrus_fails(&config, &["governance", "execute", &proposal_id]).await;
    assert!(voting.contains("EVotingOpen"), "{voting}");
    let voting_ms = governance["votingDurationMs"].as_u64().unwrap();
    let delay_ms = governance["executionDelayMs"].as_u64().unwrap();
    network.chain().advance_clock_for_testing(voting_ms);
    let early = walrus_fails(&config, &["governance", "execute", &proposal_id]).await;
    assert!(early.contains("EExecutionTooEarly"), "{early}");
    let late_vote = walrus_fails(&config, &["governance", "vote", &proposal_id, "no"]).await;
    assert!(late_vote.contains("EVotingClosed"), "{late_vote}");

    // After the delay it executes: the system now sells storage 30 epochs ahead.
    network.chain().advance_clock_for_testing(delay_ms);
    let executed = walrus_json(&config, &["governance", "execute", &proposal_id, "--json"]).await;
    assert_eq!(executed["status"], "executed", "{executed}");
    assert_eq!(executed["depositSettled"], true, "{executed}");
    let system = walrus_json(&config, &["info", "--json"]).await;
    assert_eq!(system["maxEpochsAhead"], 30, "{system}");
    let listed = walrus_json(&config, &["governance", "list", "--json"]).await;
    assert_eq!(listed[0]["proposalId"], proposal_id.as_str(), "{listed}");
    let again = walrus_fails(&config, &["governance", "execute", &proposal_id]).await;
    assert!(again.contains("EAlreadyExecuted"), "{again}");

    // The vote is over: the stake's lock is released and it can be withdrawn again.
    let released = walrus_json(&config, &["governance", "release-lock", "--json"]).await;
    assert_eq!(released["released"].as_array().unwrap().len(), 1, "{released}");

    network.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bench_encoding_prints_one_json_row_per_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("unused.toml");
    let args =
        ["bench", "encoding", "--sizes", "4KiB,1MiB", "--shards", "10", "--threads", "1,2", "--runs", "1", "--json"];
    let output = walrus(&config, &args).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "walrus {args:?} failed: {stderr}");
    let rows: Vec<Value> =
        String::from_utf8_lossy(&output.stdout).lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    let configurations: Vec<(u64, u64)> =
        rows.iter().map(|r| (r["size_bytes"].as_u64().unwrap(), r["threads"].as_u64().unwrap())).collect();
    assert_eq!(configurations, [(4096, 1), (4096, 2), (1 << 20, 1), (1 << 20, 2)]);
    for row in &rows {
        assert_eq!(row["n_shards"], 10);
        for field in [
            "encode_mb_per_s",
            "decode_mb_per_s",
            "decode_from_recovery_mb_per_s",
            "raw_reed_solomon_mb_per_s",
            "reed_solomon_simd_mb_per_s",
            "commitment_hash_mb_per_s",
            "bound_mb_per_s",
        ] {
            let value = row[field].as_f64().unwrap_or_else(|| panic!("{field} in {row}"));
            assert!(value.is_finite() && value > 0.0, "{field} = {value} in {row}");
        }
        // The floor is the coding and the hashing one after the other: slower than either.
        let rate = |field: &str| row[field].as_f64().unwrap();
        assert!(
            rate("bound_mb_per_s") < rate("raw_reed_solomon_mb_per_s").min(rate("commitment_hash_mb_per_s")),
            "{row}"
        );
    }
    // Speed-ups are over the one-thread row of the same size; the kernel's is measured for every
    // row with several threads, and is 1 for one thread.
    for pair in rows.chunks_exact(2) {
        let (one, two) = (&pair[0], &pair[1]);
        let expected = two["encode_mb_per_s"].as_f64().unwrap() / one["encode_mb_per_s"].as_f64().unwrap();
        let speed_up = two["encode_speed_up"].as_f64().unwrap();
        assert!((speed_up - expected).abs() < 1e-6 * expected, "{speed_up} against {expected}: {two}");
        assert_eq!(one["encode_speed_up"].as_f64(), Some(1.0), "{one}");
        assert_eq!(one["kernel_speed_up"].as_f64(), Some(1.0), "{one}");
        let kernel = two["kernel_speed_up"].as_f64().unwrap();
        assert!(kernel.is_finite() && kernel > 0.0 && kernel != 1.0, "measured, not defaulted: {two}");
    }
}
