//! Epochs in a running network: five in-process nodes with 4-second epochs drive the epoch clock
//! themselves; stake moved to one node makes the next committee give it more shards; it fetches
//! them from their previous holders (restarted mid-handover, it resumes), the committee signals
//! `epoch_sync_done`, the previous holders drop the shards after `EpochChangeDone`, and every blob
//! stored over several epochs reads back byte for byte.

use std::time::Duration;

use walrus_client::{ClientLimits, StoreOptions, WalrusClient};
use walrus_contracts::{
    ObjectId,
    events::{Event, StakingEvent},
    staking_inner::EpochState,
};
use walrus_core::{BlobId, EncodingConfig, SliverKind, encode};
use walrus_e2e::{STEP_TIMEOUT, blob_bytes};
use walrus_local::{LocalNetwork, LocalOptions};
use walrus_node::{NodeClient, handover};
use walrus_sui::client::WalrusChainClient;

/// Short epochs: voting ends 2 s into an epoch, the next begins after 4 s.
const EPOCH_MS: u64 = 4_000;
/// Bound on waiting for the chain to reach a state.
const EPOCH_WAIT: Duration = Duration::from_secs(90);
/// 5 nodes with 2 shards each: n = 10.
const NODES: usize = 5;
const SHARDS_PER_NODE: u16 = 2;

async fn store(client: &WalrusClient, data: &[u8], stored: &mut Vec<(BlobId, Vec<u8>)>) {
    let options = StoreOptions { epochs_ahead: 20, deletable: false, force: false };
    let outcome = tokio::time::timeout(STEP_TIMEOUT, client.store_blob(data.to_vec(), options))
        .await
        .expect("store in time")
        .unwrap_or_else(|e| panic!("storing {} bytes: {e}", data.len()));
    stored.push((outcome.blob_id(), data.to_vec()));
}

async fn read_all(client: &WalrusClient, stored: &[(BlobId, Vec<u8>)], when: &str) {
    for (blob_id, data) in stored {
        let read = tokio::time::timeout(STEP_TIMEOUT, client.read_blob(blob_id))
            .await
            .expect("read in time")
            .unwrap_or_else(|e| panic!("reading {blob_id} {when}: {e}"));
        assert!(read == *data, "blob {blob_id} reads back byte for byte {when}");
    }
}

/// The `EpochChangeSync` signallers and whether `EpochChangeDone` was emitted for `epoch`, from
/// the chain's events from checkpoint `from` on (read until the stream is caught up).
async fn epoch_change_events(chain: &WalrusChainClient, from: u64, epoch: u32) -> (Vec<ObjectId>, bool) {
    let mut stream = chain.events_from_checkpoint(from);
    let (mut synced, mut done) = (Vec::new(), false);
    while let Ok(next) = tokio::time::timeout(Duration::from_secs(1), stream.next()).await {
        match next.expect("events are readable").event {
            Event::Staking(StakingEvent::EpochChangeSync(sync)) if sync.epoch == epoch => synced.push(sync.node_id),
            Event::Staking(StakingEvent::EpochChangeDone(change)) if change.epoch == epoch => done = true,
            _ => {}
        }
    }
    (synced, done)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stake_moves_shards_and_every_blob_survives_the_epoch_changes() {
    let started = std::time::Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let options =
        LocalOptions { epoch_duration_ms: EPOCH_MS, ..LocalOptions::ephemeral(dir.path(), NODES, SHARDS_PER_NODE) };
    let mut network = tokio::time::timeout(STEP_TIMEOUT, LocalNetwork::start(options))
        .await
        .expect("the network starts in time")
        .expect("the network starts");
    let client = network.user_client(ClientLimits::default()).unwrap();
    let chain = client.chain().clone();
    let config = EncodingConfig::new(NODES as u16 * SHARDS_PER_NODE).unwrap();
    let nodes = network.manifest().nodes.clone();
    let node0 = ObjectId(nodes[0].node_id.into_inner());
    let genesis = chain.staking_info().await.unwrap();
    assert_eq!(genesis.epoch_duration_ms, EPOCH_MS);
    let genesis_shards: Vec<Vec<u16>> = genesis.committee.members.iter().map(|m| m.shard_ids.clone()).collect();

    let mut stored = Vec::new();
    store(&client, &blob_bytes(10_000, 1), &mut stored).await;
    // Three times the stake of any other node: its next committee gives node 0 four shards.
    chain.stake_with_pool(nodes[0].node_id, 2 * walrus_chain::genesis::DEFAULT_GENESIS_STAKE_FROST).await.unwrap();
    store(&client, &blob_bytes(1, 2), &mut stored).await;

    // Wait for the epoch whose committee moves shards to node 0, storing a blob in every epoch
    // on the way.
    let deadline = tokio::time::Instant::now() + EPOCH_WAIT;
    let mut last_epoch = genesis.epoch;
    let mut events_from = 0;
    let (moved_epoch, committee) = loop {
        let checkpoint = chain.latest_checkpoint().await.unwrap();
        let info = chain.staking_info().await.unwrap();
        let index = info.committee.index_of(&node0).expect("node 0 stays a member");
        if info.committee.members[index].shard_ids.len() > usize::from(SHARDS_PER_NODE) {
            break (info.epoch, info.committee);
        }
        // Not moved when read after `checkpoint`: the move's events all come after it.
        events_from = checkpoint;
        if info.epoch != last_epoch {
            last_epoch = info.epoch;
            store(&client, &blob_bytes(3_000 + info.epoch as usize, 10 + u64::from(info.epoch)), &mut stored).await;
        }
        assert!(tokio::time::Instant::now() < deadline, "no committee moved shards to node 0");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let own0 = committee.members[committee.index_of(&node0).unwrap()].shard_ids.clone();
    let gained: Vec<u16> = own0.iter().copied().filter(|s| !genesis_shards[0].contains(s)).collect();
    assert!(!gained.is_empty(), "node 0 gained shards in epoch {moved_epoch}: {own0:?}");
    // The previous holders of the gained shards (the committee kept genesis shards until then).
    let losers: Vec<(usize, u16)> = gained
        .iter()
        .map(|&shard| (genesis_shards.iter().position(|list| list.contains(&shard)).unwrap(), shard))
        .collect();

    // Restart node 0 as soon as its handover of the epoch is planned: it resumes and finishes.
    let storage = network.nodes()[0].storage();
    let planned_deadline = tokio::time::Instant::now() + EPOCH_WAIT;
    let at_restart = loop {
        if let Some(record) = handover::load_record(&storage).unwrap()
            && record.epoch == moved_epoch
        {
            break record;
        }
        assert!(tokio::time::Instant::now() < planned_deadline, "node 0 never planned epoch {moved_epoch}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    drop(storage);
    assert_eq!(at_restart.gained, gained);
    eprintln!(
        "{:?}: epoch {moved_epoch}: node 0 gains {gained:?} from {losers:?}; restarted with {:?} of them synced",
        started.elapsed(),
        at_restart.synced
    );
    network.restart_node(0).await.unwrap();
    // A blob stored while the shards move goes to the new committee.
    store(&client, &blob_bytes(20_000, 99), &mut stored).await;

    // Node 0 holds 4 of 10 shards: the change is done only once it signalled too.
    let done_deadline = tokio::time::Instant::now() + EPOCH_WAIT;
    loop {
        let info = chain.staking_info().await.unwrap();
        if info.epoch > moved_epoch || info.epoch_state != EpochState::EpochChangeSync {
            break;
        }
        assert!(tokio::time::Instant::now() < done_deadline, "the change of epoch {moved_epoch} never finished");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!("{:?}: the change of epoch {moved_epoch} is done", started.elapsed());
    let (synced, done) = epoch_change_events(&chain, events_from, moved_epoch).await;
    assert!(done, "EpochChangeDone of epoch {moved_epoch} is on chain");
    assert!(synced.contains(&node0), "node 0 signalled epoch_sync_done in epoch {moved_epoch}: {synced:?}");
    let record = handover::load_record(&network.nodes()[0].storage()).unwrap().unwrap();
    if record.epoch == moved_epoch {
        assert_eq!(record.synced, gained, "{record:?}");
        assert!(record.sync_signalled);
    }

    // Node 0 serves the moved shards' slivers for every blob, verified against the blob id.
    let node0_client = NodeClient::new(&nodes[0].api_address.to_string()).unwrap();
    for (blob_id, data) in &stored {
        let encoded = encode(&config, data, 1).unwrap();
        for &shard in &gained {
            let sliver = node0_client.sliver(blob_id, &config, shard, SliverKind::Primary).await.unwrap();
            assert_eq!(sliver.sliver, *encoded.primary_sliver(usize::from(shard)), "blob {blob_id} shard {shard}");
        }
    }
    // The previous holders dropped them after the change was done.
    let drop_deadline = tokio::time::Instant::now() + EPOCH_WAIT;
    for &(loser, shard) in &losers {
        let loser_id = ObjectId(nodes[loser].node_id.into_inner());
        let handle = network.nodes().iter().find(|h| h.node_id() == loser_id).unwrap();
        while handle.storage().has_shard(shard) {
            assert!(tokio::time::Instant::now() < drop_deadline, "node {loser} never dropped shard {shard}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    eprintln!("{:?}: the moved shards are served and dropped by their previous holders", started.elapsed());
    read_all(&client, &stored, "after the shards moved").await;
    store(&client, &blob_bytes(5_000, 123), &mut stored).await;
    read_all(&client, &stored, "in a later epoch").await;
    network.shutdown().await;
}
