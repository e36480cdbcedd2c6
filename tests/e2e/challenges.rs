//! Storage challenges in a running network: five in-process nodes draw each epoch's seed, answer
//! their samples and attest each other's proofs; a node whose stored slivers were corrupted
//! serves symbols that do not verify, gets no attestation, and its share of the epoch's rewards
//! stays in the storage fund.

use std::time::Duration;

use walrus_client::{ClientLimits, StoreOptions, WalrusClient};
use walrus_contracts::{
    ObjectId,
    events::{ChallengeRewardWithheld, Event, RewardsDistributed, StakingEvent},
    staking_inner::EpochState,
};
use walrus_core::BlobId;
use walrus_e2e::{STEP_TIMEOUT, blob_bytes, start_network};
use walrus_local::LocalNetwork;
use walrus_node::config::load_account_key;
use walrus_sui::client::{ClientOptions, WalrusChainClient};

/// Bound on waiting for the chain or the nodes to reach a state.
const WAIT: Duration = Duration::from_secs(120);
/// 5 nodes with 2 shards each: n = 10; every node holds 2 of the others' 8 shards.
const NODES: usize = 5;
const SHARDS_PER_NODE: u16 = 2;
/// The node whose data is corrupted.
const BAD: usize = 4;

async fn store(client: &WalrusClient, seed: u64) -> BlobId {
    let options = StoreOptions { epochs_ahead: 3, deletable: false, force: false };
    let outcome = tokio::time::timeout(STEP_TIMEOUT, client.store_blob(blob_bytes(20_000, seed), options))
        .await
        .expect("store in time")
        .expect("store succeeds");
    outcome.blob_id()
}

/// The chain clients of the nodes' accounts (which own their `StorageNodeCap`s).
fn node_chains(network: &LocalNetwork, dir: &std::path::Path) -> Vec<WalrusChainClient> {
    (0..NODES)
        .map(|i| {
            let key = load_account_key(dir.join(format!("nodes/node-{i}/account.key"))).unwrap();
            WalrusChainClient::new(&network.rpc_url(), key, network.deployment(), ClientOptions::default()).unwrap()
        })
        .collect()
}

/// Ends the current epoch: moves the chain's clock past it and waits until the next epoch's
/// committee synced. The nodes drive the change; the test sends the same calls too (a repeated
/// or late call only aborts as "not due"), so it does not depend on their timing.
async fn next_epoch(network: &LocalNetwork, chain: &WalrusChainClient, nodes: &[WalrusChainClient]) -> u32 {
    let info = chain.staking_info().await.unwrap();
    let target = info.epoch + 1;
    network.chain().advance_clock_for_testing(info.epoch_duration_ms);
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let info = chain.staking_info().await.unwrap();
        if info.epoch == target && info.epoch_state != EpochState::EpochChangeSync {
            return target;
        }
        match (info.epoch == target, info.epoch_state) {
            (false, EpochState::EpochChangeDone) => drop(chain.voting_end().await),
            (false, EpochState::NextParamsSelected) => drop(chain.initiate_epoch_change().await),
            (true, EpochState::EpochChangeSync) => {
                for node in nodes {
                    let caps = node.owned_storage_node_caps(node.address()).await.unwrap();
                    drop(node.epoch_sync_done(caps[0].id(), target).await);
                }
            }
            _ => {}
        }
        assert!(tokio::time::Instant::now() < deadline, "epoch {target} did not start and sync in time");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The attested shards of every member in the current epoch's challenge (by member index), once
/// the seed is drawn.
async fn attested_shards(chain: &WalrusChainClient) -> Option<(u32, Vec<ObjectId>, Vec<u16>)> {
    let info = chain.staking_info().await.unwrap();
    let challenges = &info.state.challenges;
    challenges.issued.as_ref()?;
    let members = info.committee.members.iter().map(|m| m.node_id).collect();
    Some((challenges.epoch, members, challenges.attested_shards.clone()))
}

/// The withheld rewards and the `RewardsDistributed` of `epoch`, from the chain's events.
async fn payout_events(
    chain: &WalrusChainClient,
    epoch: u32,
) -> (Vec<ChallengeRewardWithheld>, Option<RewardsDistributed>) {
    let mut stream = chain.events_from_checkpoint(0);
    let (mut withheld, mut distributed) = (Vec::new(), None);
    while let Ok(next) = tokio::time::timeout(Duration::from_secs(1), stream.next()).await {
        match next.expect("events are readable").event {
            Event::Staking(StakingEvent::ChallengeRewardWithheld(w)) if w.epoch == epoch => withheld.push(w),
            Event::Staking(StakingEvent::RewardsDistributed(d)) if d.epoch == epoch => distributed = Some(d),
            _ => {}
        }
    }
    (withheld, distributed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_serving_corrupted_symbols_loses_its_epoch_reward() {
    let dir = tempfile::tempdir().unwrap();
    let network = start_network(dir.path(), NODES, SHARDS_PER_NODE).await;
    let client = network.user_client(ClientLimits::default()).unwrap();
    let chain = client.chain().clone();
    let nodes = node_chains(&network, dir.path());
    let manifest_nodes = network.manifest().nodes.clone();

    // Blobs certified in epoch 1 are challenged from epoch 2 on.
    let mut blobs = Vec::new();
    for seed in 1..=4 {
        blobs.push(store(&client, seed).await);
    }
    // The bad node's stored slivers are flipped byte by byte: it still "has" every pair, so it
    // does not heal, but no symbol it serves matches the blobs' commitments.
    let bad = &network.nodes()[BAD];
    let bad_id = bad.node_id();
    let storage = bad.storage();
    let mut corrupted = 0;
    for blob_id in &blobs {
        let commitment = storage.commitment(blob_id).unwrap().expect("the bad node stored the blob");
        for shard in storage.shards() {
            let Some(mut pair) = storage.pair(blob_id, shard).unwrap() else { continue };
            pair.primary.iter_mut().for_each(|b| *b ^= 0xff);
            pair.secondary.iter_mut().for_each(|b| *b ^= 0xff);
            assert!(storage.store_pairs(blob_id, &commitment, &[pair], |_| true).unwrap());
            corrupted += 1;
        }
    }
    assert_eq!(corrupted, blobs.len() * usize::from(SHARDS_PER_NODE));
    drop(storage);

    let epoch = next_epoch(&network, &chain, &nodes).await;
    assert_eq!(epoch, 2);
    // The nodes draw the seed, answer and attest: every honest node is attested by the four
    // others (8 shards), the bad node by nobody.
    let deadline = tokio::time::Instant::now() + WAIT;
    let bad_index = loop {
        if let Some((challenge_epoch, members, shards)) = attested_shards(&chain).await
            && challenge_epoch == epoch
        {
            let bad_index = members.iter().position(|id| *id == bad_id).unwrap();
            let honest_done = (0..members.len()).filter(|&i| i != bad_index).all(|i| shards[i] == 8);
            if honest_done {
                assert_eq!(shards[bad_index], 0, "nobody attests the bad node: {shards:?}");
                break bad_index;
            }
        }
        assert!(tokio::time::Instant::now() < deadline, "the attestations of epoch {epoch} did not land in time");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // Every node answered and attested; the honest nodes' checks failed on the bad node.
    for handle in network.nodes() {
        let metrics = walrus_node::NodeClient::new(&handle.local_addr().to_string()).unwrap().metrics().await.unwrap();
        assert!(metric(&metrics, "walrus_node_challenge_attestations_sent_total") >= 1, "{metrics}");
        assert!(metric(&metrics, "walrus_node_challenges_answered_total") >= 1, "{metrics}");
        if handle.node_id() != bad_id {
            assert!(metric(&metrics, "walrus_node_challenge_proofs_failed_total") >= 1, "{metrics}");
            assert!(metric(&metrics, "walrus_node_challenge_proofs_verified_total") >= 1, "{metrics}");
        }
    }

    let before = pool_rewards(&chain, &manifest_nodes).await;
    assert_eq!(next_epoch(&network, &chain, &nodes).await, 3);
    let after = pool_rewards(&chain, &manifest_nodes).await;

    let (withheld, distributed) = payout_events(&chain, epoch).await;
    let distributed = distributed.expect("epoch 2 was paid out");
    assert!(distributed.rewards > 0, "blobs paid for epoch 2");
    assert_eq!(withheld.len(), 1, "{withheld:?}");
    assert_eq!(withheld[0].node_id, bad_id);
    assert!(withheld[0].amount >= distributed.rewards / 5, "{withheld:?} of {distributed:?}");
    let bad_manifest = manifest_nodes.iter().position(|n| ObjectId(n.node_id.into_inner()) == bad_id).unwrap();
    for (i, (b, a)) in before.iter().zip(&after).enumerate() {
        if i == bad_manifest {
            assert_eq!(a, b, "the bad node's pool gets nothing for epoch 2");
        } else {
            assert!(a > b, "node {i} was paid for epoch 2: {b} -> {a}");
        }
    }
    // The withheld share stays in the storage fund: the account of epoch 3.
    let system = chain.system_info().await.unwrap();
    let account = system.state.future_accounting.account(0).unwrap();
    assert_eq!(account.epoch, 3);
    assert!(account.funds.value >= withheld[0].amount, "{account:?}");
    assert!(bad_index < NODES);
    network.shutdown().await;
}

/// The stakers' rewards in each node's pool, in manifest order.
async fn pool_rewards(chain: &WalrusChainClient, nodes: &[walrus_local::ManifestNode]) -> Vec<u64> {
    let mut rewards = Vec::new();
    for node in nodes {
        rewards.push(chain.get_staking_pool(node.node_id).await.unwrap().rewards.value);
    }
    rewards
}

/// The value of an unlabelled metric in Prometheus text.
fn metric(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("metric {name} missing"))
}
