//! The shard handover at an epoch change (`docs/node.md` §8).
//!
//! When an epoch begins (`EpochAdvanced` and `EpochChangeStart`, one transaction), the node
//! compares its shards in the new committee with those it held before:
//!
//! - **gained** shards: for every blob certified and live in the new epoch, the node fetches the
//!   pair of the shard from the shard's previous holder (`POST /v1/shards/{shard}/pairs`, a batch
//!   of blobs per request), verifies each against the blob id and stores it; what the previous
//!   holder cannot give (down, or bad data) is rebuilt from the other nodes' recovery symbols
//!   ([`crate::healing::recover_pairs`]). Once every gained shard is synced the node signals
//!   `epoch_sync_done`.
//! - **lost** shards: kept and served until the epoch change is done (`EpochChangeDone`, or the
//!   chain's staking state past it), then their column families are dropped.
//!
//! The plan and its progress are persisted ([`HandoverRecord`] in the `epochs` family), and the
//! slivers themselves are the per-blob progress: a restarted node re-plans nothing and fetches
//! only the pairs it still lacks. The committee of every epoch the node sees is persisted too,
//! so it knows the previous holders after a restart.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{
        Arc, RwLock,
        atomic::{AtomicU32, Ordering},
    },
    time::Duration,
};

use futures::{StreamExt as _, stream};
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, watch};
use walrus_contracts::{ObjectId, bls_aggregate::Committee, staking_inner::EpochState};
use walrus_core::{BlobId, EncodingConfig};

use crate::{
    chain::{ChainError, EpochCall, EpochSchedule},
    client::{ClientError, FetchedShardPairs},
    context::{CommitteeView, NodeContext},
    healing,
    storage::{Storage, StorageError},
};

/// Most blobs one `POST /v1/shards/{shard}/pairs` may ask for.
pub const MAX_SHARD_PAIRS_PER_REQUEST: usize = 64;
/// An answer to `POST /v1/shards/{shard}/pairs` stops taking more pairs once its slivers reach
/// this size (it always holds at least one pair); the receiver asks again for the rest.
pub const MAX_SHARD_PAIRS_RESPONSE_BYTES: usize = 64 << 20;
/// Gained shards fetched at once.
pub const MAX_CONCURRENT_SHARD_FETCHES: usize = 4;
/// Attempts per fetch request before the blobs of the request are recovered instead.
pub const FETCH_ATTEMPTS: u32 = 4;
/// Wait before the first retry of a fetch request; doubled per retry.
pub const FETCH_RETRY_DELAY: Duration = Duration::from_millis(200);
/// Wait before retrying a handover round that left pairs missing; doubled per failure.
pub const HANDOVER_RETRY_DELAY: Duration = Duration::from_secs(1);
/// The longest wait between two handover rounds.
pub const MAX_HANDOVER_RETRY_DELAY: Duration = Duration::from_secs(60);
/// Rounds after which the pairs no node could give are left to the healer and the shards count
/// as synced: one unrecoverable blob must not keep the node from signalling forever (the epoch
/// change would stall if the node holds more than a third of the shards).
pub const MAX_HANDOVER_ROUNDS: u32 = 5;
/// How often the handover looks again while it waits (for the event follower to reach the new
/// epoch, or for the epoch change to be done).
pub const HANDOVER_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// How often the handover looks for a new epoch when it has nothing to do (events wake it
/// sooner).
pub const HANDOVER_IDLE_INTERVAL: Duration = Duration::from_secs(10);

const KEY_HANDOVER: &[u8] = b"handover";
const COMMITTEE_KEY_PREFIX: &[u8] = b"committee/";

/// Why a handover step failed (it is retried with backoff).
#[derive(Debug, thiserror::Error)]
pub enum HandoverError {
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A chain call failed.
    #[error("the epoch_sync_done signal failed: {0}")]
    Chain(#[from] ChainError),
    /// The committee's shard count is not supported by the encoding.
    #[error("the committee of epoch {0} has a shard count the encoding does not support")]
    Committee(u32),
    /// Some pairs of gained shards could be neither fetched nor recovered yet.
    #[error(
        "{missing} pairs of gained shards {shards:?} are still missing after round {round}; retrying (the healer takes over after {MAX_HANDOVER_ROUNDS} rounds)"
    )]
    Incomplete {
        /// The shards not yet synced.
        shards: Vec<u16>,
        /// Pairs still missing.
        missing: usize,
        /// The round that just ended.
        round: u32,
    },
    /// A worker task failed.
    #[error("a worker task failed: {0}")]
    Worker(String),
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, HandoverError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| HandoverError::Worker(e.to_string()))
}

/// The shards in transition, shared by the handover task, the API and the healer.
#[derive(Default)]
pub struct ShardTransition {
    /// Gained shards not yet synced: the healer leaves them to the handover.
    syncing: RwLock<BTreeSet<u16>>,
    /// The epoch the handover planned last (0: none yet).
    planned_epoch: AtomicU32,
    /// Wakes the handover task: an epoch began, or an epoch change finished.
    pub wakeup: Notify,
}

impl ShardTransition {
    /// Gained shards not yet synced.
    pub fn syncing(&self) -> BTreeSet<u16> {
        self.syncing.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// True when the handover has planned `epoch` (or a later one): until then the shards the
    /// node gains in `epoch` are not known to be in transition.
    pub fn is_planned(&self, epoch: u32) -> bool {
        self.planned_epoch.load(Ordering::Relaxed) >= epoch
    }

    fn publish(&self, record: &HandoverRecord) {
        *self.syncing.write().unwrap_or_else(|p| p.into_inner()) = record.pending().into_iter().collect();
        self.planned_epoch.fetch_max(record.epoch, Ordering::Relaxed);
    }
}

/// The shards a node gains and loses between two of its shard lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShardChanges {
    /// In `current`, not in `previous`; ascending.
    pub gained: Vec<u16>,
    /// In `previous`, not in `current`; ascending.
    pub lost: Vec<u16>,
}

/// The shards gained and lost from `previous` to `current`.
pub fn shard_changes(previous: &[u16], current: &[u16]) -> ShardChanges {
    let previous: BTreeSet<u16> = previous.iter().copied().collect();
    let current: BTreeSet<u16> = current.iter().copied().collect();
    ShardChanges {
        gained: current.difference(&previous).copied().collect(),
        lost: previous.difference(&current).copied().collect(),
    }
}

/// The handover of one epoch and its progress, persisted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverRecord {
    /// The epoch whose shards the node takes over.
    pub epoch: u32,
    /// The epoch whose committee names the gained shards' previous holders (`None`: unknown,
    /// every gained pair is recovered from symbols).
    pub previous_epoch: Option<u32>,
    /// Shards the node holds in `epoch` and did not hold before; ascending.
    pub gained: Vec<u16>,
    /// Gained shards synced for every blob; ascending.
    pub synced: Vec<u16>,
    /// Shards the node held before and no longer holds: served until the epoch change is done,
    /// then dropped; ascending.
    pub lost: Vec<u16>,
    /// Fetch-and-recover rounds that left pairs missing.
    pub rounds: u32,
    /// `epoch_sync_done` was sent and accepted (or not needed).
    pub sync_signalled: bool,
    /// The lost shards were dropped.
    pub lost_dropped: bool,
}

impl HandoverRecord {
    /// The record of a node that starts without one: nothing to take over.
    pub fn baseline(epoch: u32) -> Self {
        Self {
            epoch,
            previous_epoch: None,
            gained: Vec::new(),
            synced: Vec::new(),
            lost: Vec::new(),
            rounds: 0,
            sync_signalled: false,
            lost_dropped: false,
        }
    }

    /// Gained shards not yet synced; ascending.
    pub fn pending(&self) -> Vec<u16> {
        self.gained.iter().copied().filter(|s| !self.synced.contains(s)).collect()
    }

    /// True when nothing is left to do for the epoch.
    pub fn is_complete(&self) -> bool {
        self.pending().is_empty() && self.sync_signalled && self.lost_dropped
    }
}

/// The handover of `epoch` for the node `node_id`, from what it held before: its shards in the
/// `previous` committee (or, if that is unknown, the shards it has families for), the shards an
/// `old` handover had not synced yet and still gains, and the lost shards `old` still keeps.
pub fn plan_handover(
    epoch: u32,
    node_id: &ObjectId,
    current: &Committee,
    previous: Option<(u32, &Committee)>,
    held: &[u16],
    old: Option<&HandoverRecord>,
) -> HandoverRecord {
    let own = |committee: &Committee| {
        committee.index_of(node_id).map_or_else(Vec::new, |i| committee.members[i].shard_ids.clone())
    };
    let now = own(current);
    let before = previous.map_or_else(|| held.to_vec(), |(_, committee)| own(committee));
    let ShardChanges { gained, lost } = shard_changes(&before, &now);
    let mut gained: BTreeSet<u16> = gained.into_iter().collect();
    let mut lost: BTreeSet<u16> = lost.into_iter().collect();
    if let Some(old) = old.filter(|old| old.epoch < epoch) {
        // An earlier handover the node never finished: its shards are still to be fetched if the
        // node still holds them, and its lost shards still to be dropped if it does not.
        gained.extend(old.pending().into_iter().filter(|s| now.contains(s)));
        if !old.lost_dropped {
            lost.extend(old.lost.iter().copied().filter(|s| !now.contains(s)));
        }
    }
    HandoverRecord {
        epoch,
        previous_epoch: previous.map(|(e, _)| e),
        gained: gained.into_iter().collect(),
        synced: Vec::new(),
        lost: lost.into_iter().collect(),
        rounds: 0,
        sync_signalled: false,
        lost_dropped: false,
    }
}

fn committee_key(epoch: u32) -> Vec<u8> {
    let mut key = COMMITTEE_KEY_PREFIX.to_vec();
    key.extend_from_slice(&epoch.to_be_bytes());
    key
}

fn corrupt(what: &'static str) -> impl Fn(bcs::Error) -> StorageError {
    move |e| StorageError::Corrupt { what, reason: e.to_string() }
}

/// The persisted handover, if the node ever planned one.
pub fn load_record(storage: &Storage) -> Result<Option<HandoverRecord>, StorageError> {
    storage
        .epoch_record(KEY_HANDOVER)?
        .map(|bytes| bcs::from_bytes(&bytes).map_err(corrupt("handover record")))
        .transpose()
}

/// Persists the handover (synced).
pub fn save_record(storage: &Storage, record: &HandoverRecord) -> Result<(), StorageError> {
    storage.put_epoch_record(KEY_HANDOVER, &bcs::to_bytes(record).expect("records serialize"))
}

/// The committee of `epoch`, if the node saw it.
pub fn load_committee(storage: &Storage, epoch: u32) -> Result<Option<Committee>, StorageError> {
    storage
        .epoch_record(&committee_key(epoch))?
        .map(|bytes| bcs::from_bytes(&bytes).map_err(corrupt("epoch committee")))
        .transpose()
}

/// Remembers the committee of `epoch` (synced).
pub fn save_committee(storage: &Storage, epoch: u32, committee: &Committee) -> Result<(), StorageError> {
    storage.put_epoch_record(&committee_key(epoch), &bcs::to_bytes(committee).expect("committees serialize"))
}

/// What a handover step left to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Progress {
    /// Everything of the current epoch is done.
    Complete,
    /// Waiting for the event follower or for the epoch change to finish.
    Waiting,
}

/// Runs the handover until `shutdown` turns true.
pub async fn run_handover(ctx: Arc<NodeContext>, mut shutdown: watch::Receiver<bool>) {
    let storage = ctx.storage.clone();
    match blocking(move || load_record(&storage)).await {
        Ok(Ok(Some(record))) => ctx.handover.publish(&record),
        Ok(Ok(None)) => {}
        Ok(Err(e)) => tracing::warn!("cannot read the shard handover's progress: {e}"),
        Err(e) => tracing::warn!("reading the shard handover's progress failed: {e}"),
    }
    let mut delay = HANDOVER_RETRY_DELAY;
    loop {
        if *shutdown.borrow() {
            return;
        }
        let wait = match handover_step(&ctx).await {
            Ok(Progress::Complete) => {
                delay = HANDOVER_RETRY_DELAY;
                HANDOVER_IDLE_INTERVAL
            }
            Ok(Progress::Waiting) => {
                delay = HANDOVER_RETRY_DELAY;
                HANDOVER_POLL_INTERVAL
            }
            Err(e) => {
                ctx.metrics.handover_failures.fetch_add(1, Ordering::Relaxed);
                tracing::warn!("shard handover: {e}; retrying in {delay:?}");
                let wait = delay;
                delay = (delay * 2).min(MAX_HANDOVER_RETRY_DELAY);
                wait
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = ctx.handover.wakeup.notified() => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// The committee view, refreshed when the follower has applied events of a later epoch.
async fn current_view(ctx: &Arc<NodeContext>) -> Option<CommitteeView> {
    let storage = ctx.storage.clone();
    let events_epoch = blocking(move || storage.events_epoch()).await.ok()?.ok()?;
    match ctx.committee() {
        Some(view) if view.epoch() >= events_epoch => Some(view),
        _ => match ctx.refresh_committee().await {
            Ok(view) => Some(view),
            Err(e) => {
                tracing::debug!("cannot read the committee for the shard handover: {e}");
                ctx.committee()
            }
        },
    }
}

/// One pass: plan a new epoch's handover, drop lost shards once the change is done, sync gained
/// shards, signal `epoch_sync_done`.
async fn handover_step(ctx: &Arc<NodeContext>) -> Result<Progress, HandoverError> {
    let Some(view) = current_view(ctx).await else { return Ok(Progress::Waiting) };
    let epoch = view.epoch();
    let storage = ctx.storage.clone();
    let node_id = ctx.node_id;
    let committee = view.current.committee.clone();
    let planned = blocking(move || -> Result<Option<HandoverRecord>, StorageError> {
        if load_committee(&storage, epoch)?.is_none() {
            save_committee(&storage, epoch, &committee)?;
        }
        let old = load_record(&storage)?;
        match old {
            None => {
                let record = HandoverRecord::baseline(epoch);
                save_record(&storage, &record)?;
                Ok(Some(record))
            }
            Some(old) if old.epoch < epoch => {
                // Blob states must include every certification before the epoch began.
                if storage.events_epoch()? < epoch {
                    return Ok(None);
                }
                let previous_epoch = (1..epoch)
                    .rev()
                    .take_while(|e| *e >= old.epoch)
                    .find_map(|e| load_committee(&storage, e).transpose().map(|c| c.map(|c| (e, c))))
                    .transpose()?;
                let held = storage.shards();
                let record = plan_handover(
                    epoch,
                    &node_id,
                    &committee,
                    previous_epoch.as_ref().map(|(e, c)| (*e, c)),
                    &held,
                    Some(&old),
                );
                save_record(&storage, &record)?;
                tracing::info!(
                    "epoch {epoch}: taking over shards {:?} (from epoch {:?}'s holders), giving up {:?}",
                    record.gained,
                    record.previous_epoch,
                    record.lost
                );
                Ok(Some(record))
            }
            Some(old) => Ok(Some(old)),
        }
    })
    .await??;
    let Some(mut record) = planned else { return Ok(Progress::Waiting) };
    if record.epoch > epoch {
        // The view lags the record (a refresh failed): wait for the committee.
        return Ok(Progress::Waiting);
    }
    ctx.handover.publish(&record);
    ctx.metrics.handover_epoch.store(u64::from(record.epoch), Ordering::Relaxed);
    ctx.metrics.handover_shards_syncing.store(record.pending().len() as u64, Ordering::Relaxed);
    if record.is_complete() {
        return Ok(Progress::Complete);
    }

    let schedule = match ctx.chain.epoch_schedule().await {
        Ok(schedule) => schedule,
        Err(e) => {
            tracing::debug!("cannot read the staking state: {e}");
            None
        }
    };
    drop_lost_shards(ctx, &view, &mut record, schedule.as_ref()).await?;
    if !record.pending().is_empty() {
        sync_gained_shards(ctx, &view, &mut record).await?;
    }
    if !record.sync_signalled {
        signal_sync_done(ctx, &view, schedule.as_ref()).await?;
        record.sync_signalled = true;
        persist(ctx, &record).await?;
    }
    drop_lost_shards(ctx, &view, &mut record, schedule.as_ref()).await?;
    Ok(if record.is_complete() { Progress::Complete } else { Progress::Waiting })
}

async fn persist(ctx: &Arc<NodeContext>, record: &HandoverRecord) -> Result<(), HandoverError> {
    let storage = ctx.storage.clone();
    let record_copy = record.clone();
    blocking(move || save_record(&storage, &record_copy)).await??;
    ctx.handover.publish(record);
    ctx.metrics.handover_shards_syncing.store(record.pending().len() as u64, Ordering::Relaxed);
    Ok(())
}

/// Drops the lost shards once the epoch change of the record's epoch is done.
async fn drop_lost_shards(
    ctx: &Arc<NodeContext>,
    view: &CommitteeView,
    record: &mut HandoverRecord,
    schedule: Option<&EpochSchedule>,
) -> Result<(), HandoverError> {
    if record.lost_dropped {
        return Ok(());
    }
    if record.lost.is_empty() {
        // Nothing to keep until the change is done.
        record.lost_dropped = true;
        return persist(ctx, record).await;
    }
    let epoch = record.epoch;
    let storage = ctx.storage.clone();
    let done_by_event = blocking(move || storage.epoch_change_done()).await??.is_some_and(|done| done >= epoch);
    let done_on_chain =
        schedule.is_some_and(|s| s.epoch > epoch || (s.epoch == epoch && s.state != EpochState::EpochChangeSync));
    if !done_by_event && !done_on_chain {
        return Ok(());
    }
    let keep: BTreeSet<u16> = view.own_shards().into_iter().chain(record.pending()).collect();
    let drop: Vec<u16> = record.lost.iter().copied().filter(|s| !keep.contains(s)).collect();
    let storage = ctx.storage.clone();
    let dropping = drop.clone();
    let dropped = blocking(move || -> Result<usize, StorageError> {
        let mut dropped = 0;
        for shard in dropping {
            if storage.has_shard(shard) {
                storage.drop_shard(shard)?;
                dropped += 1;
            }
        }
        Ok(dropped)
    })
    .await??;
    ctx.metrics.shards_dropped.fetch_add(dropped as u64, Ordering::Relaxed);
    if !drop.is_empty() {
        tracing::info!("epoch {epoch}: the epoch change is done; dropped shards {drop:?}");
    }
    record.lost_dropped = true;
    persist(ctx, record).await
}

/// Signals `epoch_sync_done` for the view's epoch, if the node is a member and the chain is
/// syncing that epoch.
async fn signal_sync_done(
    ctx: &Arc<NodeContext>,
    view: &CommitteeView,
    schedule: Option<&EpochSchedule>,
) -> Result<(), HandoverError> {
    let epoch = view.epoch();
    if view.own_index.is_none() {
        return Ok(());
    }
    if let Some(schedule) = schedule
        && (schedule.epoch != epoch || schedule.state != EpochState::EpochChangeSync)
    {
        // The change is done (or the chain moved on): a signal would change nothing.
        return Ok(());
    }
    match ctx.chain.epoch_sync_done(&ctx.node_id, epoch).await? {
        EpochCall::Executed => {
            ctx.metrics.epoch_sync_signals.fetch_add(1, Ordering::Relaxed);
            tracing::info!("epoch {epoch}: signalled epoch_sync_done");
        }
        EpochCall::NotDue { reason } => tracing::debug!("epoch {epoch}: epoch_sync_done not needed: {reason}"),
    }
    Ok(())
}

/// For each shard, the certified live blobs lacking its pair (blobs with a kept inconsistency
/// proof are being invalidated and are left out).
fn missing_pairs(storage: &Storage, epoch: u32, shards: &[u16]) -> Result<BTreeMap<u16, Vec<BlobId>>, StorageError> {
    let mut missing: BTreeMap<u16, Vec<BlobId>> = shards.iter().map(|s| (*s, Vec::new())).collect();
    for (blob_id, state) in storage.blob_states()? {
        if !state.is_certified(epoch) || storage.inconsistency(&blob_id)?.is_some() {
            continue;
        }
        for &shard in shards {
            if !storage.has_pair(&blob_id, shard)? {
                missing.get_mut(&shard).expect("every shard has an entry").push(blob_id);
            }
        }
    }
    Ok(missing)
}

/// Syncs the record's pending shards: fetch from the previous holders, recover the rest, then
/// mark the shards without missing pairs synced.
async fn sync_gained_shards(
    ctx: &Arc<NodeContext>,
    view: &CommitteeView,
    record: &mut HandoverRecord,
) -> Result<(), HandoverError> {
    let epoch = view.epoch();
    let config = view.encoding_config().ok_or(HandoverError::Committee(epoch))?;
    let pending = record.pending();
    let storage = ctx.storage.clone();
    let previous_epoch = record.previous_epoch;
    let scan_shards = pending.clone();
    let (previous, needed) = blocking(move || -> Result<_, StorageError> {
        let previous = previous_epoch.map(|e| load_committee(&storage, e)).transpose()?.flatten();
        Ok((previous, missing_pairs(&storage, epoch, &scan_shards)?))
    })
    .await??;
    let total: usize = needed.values().map(Vec::len).sum();
    ctx.metrics.handover_pairs_pending.store(total as u64, Ordering::Relaxed);

    // 1. Fetch each shard's pairs from its previous holder.
    let sources: Vec<(u16, Option<String>, Vec<BlobId>)> = needed
        .into_iter()
        .filter(|(_, blobs)| !blobs.is_empty())
        .map(|(shard, blobs)| {
            let source = previous.as_ref().and_then(|committee| {
                let member = &committee.members[committee.member_of_shard(shard)?];
                (member.node_id != ctx.node_id).then(|| member.network_address.clone())
            });
            (shard, source, blobs)
        })
        .collect();
    let unfetched: Vec<(u16, Vec<BlobId>)> = stream::iter(sources)
        .map(|(shard, source, blobs)| async move {
            let missing = fetch_shard(ctx, config, epoch, shard, source, blobs).await;
            (shard, missing)
        })
        .buffer_unordered(MAX_CONCURRENT_SHARD_FETCHES)
        .collect()
        .await;

    // 2. Recover what the previous holders could not give, all of a blob's shards at once.
    let mut by_blob: BTreeMap<BlobId, Vec<u16>> = BTreeMap::new();
    for (shard, blobs) in unfetched {
        for blob_id in blobs {
            by_blob.entry(blob_id).or_default().push(shard);
        }
    }
    let recovered: Vec<Result<usize, (BlobId, healing::HealError)>> = stream::iter(by_blob)
        .map(|(blob_id, shards)| {
            let view = view.clone();
            async move { healing::recover_pairs(ctx, &view, blob_id, shards).await.map_err(|e| (blob_id, e)) }
        })
        .buffer_unordered(ctx.limits.max_concurrent_recoveries.max(1))
        .collect()
        .await;
    for result in recovered {
        match result {
            Ok(rebuilt) => {
                ctx.metrics.handover_pairs_recovered.fetch_add(rebuilt as u64, Ordering::Relaxed);
            }
            Err((blob_id, e)) => {
                ctx.metrics.handover_failures.fetch_add(1, Ordering::Relaxed);
                tracing::warn!("epoch {epoch}: cannot recover the gained pairs of blob {blob_id}: {e}");
            }
        }
    }

    // 3. A shard is synced when no certified blob lacks its pair (this also sees blobs certified
    // meanwhile, whose uploads came to this node directly).
    let storage = ctx.storage.clone();
    let scan_shards = pending.clone();
    let still = blocking(move || missing_pairs(&storage, epoch, &scan_shards)).await??;
    let missing: usize = still.values().map(Vec::len).sum();
    ctx.metrics.handover_pairs_pending.store(missing as u64, Ordering::Relaxed);
    let unsynced: Vec<u16> = still.iter().filter(|(_, blobs)| !blobs.is_empty()).map(|(s, _)| *s).collect();
    for shard in &pending {
        if !unsynced.contains(shard) {
            record.synced.push(*shard);
        }
    }
    record.synced.sort_unstable();
    record.synced.dedup();
    if !unsynced.is_empty() {
        record.rounds += 1;
        if record.rounds >= MAX_HANDOVER_ROUNDS {
            tracing::warn!(
                "epoch {epoch}: {missing} pairs of shards {unsynced:?} could not be fetched or recovered in \
                 {MAX_HANDOVER_ROUNDS} rounds; the healer keeps trying, the shards count as synced"
            );
            record.synced.extend(&unsynced);
            record.synced.sort_unstable();
        } else {
            persist(ctx, record).await?;
            return Err(HandoverError::Incomplete { shards: unsynced, missing, round: record.rounds });
        }
    }
    tracing::info!("epoch {epoch}: gained shards {pending:?} are synced");
    persist(ctx, record).await
}

/// Retries `f` on transport errors and on answers that may change (overloaded, timeout, not
/// yet aware of the epoch), with a doubling delay.
async fn fetch_with_retries<F, Fut>(mut f: F) -> Result<FetchedShardPairs, ClientError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<FetchedShardPairs, ClientError>>,
{
    let mut delay = FETCH_RETRY_DELAY;
    let mut attempt = 1;
    loop {
        match f().await {
            Ok(value) => return Ok(value),
            Err(e) if attempt < FETCH_ATTEMPTS && retryable(&e) => tracing::debug!("retrying a shard fetch: {e}"),
            Err(e) => return Err(e),
        }
        tokio::time::sleep(delay).await;
        delay *= 2;
        attempt += 1;
    }
}

fn retryable(error: &ClientError) -> bool {
    match error {
        ClientError::Transport { .. } => true,
        ClientError::Api { status, code, .. } => *status >= 500 || code == "timeout",
        _ => false,
    }
}

/// Fetches the pairs of `shard` of `blobs` from `source` (the shard's previous holder), stores
/// the verified ones and returns the blobs it could not get.
async fn fetch_shard(
    ctx: &Arc<NodeContext>,
    config: EncodingConfig,
    epoch: u32,
    shard: u16,
    source: Option<String>,
    blobs: Vec<BlobId>,
) -> Vec<BlobId> {
    let Some(address) = source else { return blobs };
    let client = match ctx.client(&address) {
        Ok(client) => client,
        Err(e) => {
            tracing::warn!("epoch {epoch}: no client for {address}: {e}");
            return blobs;
        }
    };
    let mut missing = Vec::new();
    let mut rest: &[BlobId] = &blobs;
    while !rest.is_empty() {
        let batch = &rest[..rest.len().min(MAX_SHARD_PAIRS_PER_REQUEST)];
        let fetched = match fetch_with_retries(|| client.shard_pairs(shard, batch, &config)).await {
            Ok(fetched) => fetched,
            Err(e) => {
                ctx.metrics.handover_failures.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    "epoch {epoch}: cannot fetch shard {shard} from its previous holder {address}: {e}; \
                     recovering its {} remaining pairs from other nodes",
                    rest.len()
                );
                missing.extend_from_slice(rest);
                return missing;
            }
        };
        for (blob_id, reason) in &fetched.rejected {
            ctx.metrics.handover_failures.fetch_add(1, Ordering::Relaxed);
            tracing::warn!("epoch {epoch}: {address} sent a bad pair {shard} of blob {blob_id}: {reason}");
        }
        let got: BTreeSet<BlobId> = fetched.verified.iter().map(|(blob_id, _, _)| *blob_id).collect();
        missing.extend(batch[..fetched.examined].iter().filter(|b| !got.contains(b)));
        let storage = ctx.storage.clone();
        let verified = fetched.verified;
        let stored = tokio::task::spawn_blocking(move || {
            storage.store_pairs_of_blobs(&verified, |state| state.is_some_and(|s| s.is_certified(epoch)))
        })
        .await;
        match stored {
            Ok(Ok(stored)) => {
                ctx.metrics.handover_pairs_fetched.fetch_add(stored as u64, Ordering::Relaxed);
            }
            Ok(Err(e)) => {
                tracing::warn!("epoch {epoch}: storing fetched pairs of shard {shard} failed: {e}");
                missing.extend(got);
            }
            Err(e) => {
                tracing::warn!("epoch {epoch}: storing fetched pairs of shard {shard} panicked: {e}");
                missing.extend(got);
            }
        }
        rest = &rest[fetched.examined..];
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn committee(members: &[(u8, &[u16])]) -> Committee {
        let n_shards: usize = members.iter().map(|(_, shards)| shards.len()).sum();
        Committee::new_with_shards(
            members.iter().map(|(id, _)| ObjectId([*id; 32])).collect(),
            members
                .iter()
                .map(|(id, _)| {
                    let key = walrus_core::messages::ProtocolKeyPair::derive(&[*id; 32]).unwrap();
                    key.public_key().to_vec()
                })
                .collect(),
            members.iter().map(|(id, _)| format!("127.0.0.1:{}", 9000 + u16::from(*id))).collect(),
            members.iter().map(|(_, shards)| shards.to_vec()).collect(),
        )
        .unwrap_or_else(|e| panic!("test committee with {n_shards} shards: {e:?}"))
    }

    #[test]
    fn gained_and_lost_shards_are_the_set_differences() {
        assert_eq!(shard_changes(&[0, 1, 2], &[1, 2, 5, 7]), ShardChanges { gained: vec![5, 7], lost: vec![0] });
        assert_eq!(shard_changes(&[], &[3, 4]), ShardChanges { gained: vec![3, 4], lost: vec![] });
        assert_eq!(shard_changes(&[3, 4], &[]), ShardChanges { gained: vec![], lost: vec![3, 4] });
        assert_eq!(shard_changes(&[9, 1], &[1, 9]), ShardChanges::default());
    }

    #[test]
    fn a_plan_takes_shards_from_the_previous_committee() {
        let before = committee(&[(1, &[0, 1]), (2, &[2, 3]), (3, &[4, 5])]);
        let after = committee(&[(1, &[0, 1, 2, 4]), (2, &[3]), (3, &[5])]);
        let node = ObjectId([1; 32]);
        let plan = plan_handover(2, &node, &after, Some((1, &before)), &[0, 1, 2, 4], None);
        assert_eq!((plan.gained.clone(), plan.lost.clone(), plan.previous_epoch), (vec![2, 4], vec![], Some(1)));
        assert_eq!(plan.pending(), vec![2, 4]);
        assert!(!plan.is_complete());
        let loser = plan_handover(2, &ObjectId([2; 32]), &after, Some((1, &before)), &[2, 3], None);
        assert_eq!((loser.gained, loser.lost), (vec![], vec![2]));
        // A node that left the committee loses everything.
        let gone = committee(&[(1, &[0, 1, 2, 3]), (2, &[4, 5])]);
        let left = plan_handover(3, &ObjectId([3; 32]), &gone, Some((2, &after)), &[5], None);
        assert_eq!((left.gained, left.lost), (vec![], vec![5]));
    }

    #[test]
    fn an_unfinished_plan_carries_its_pending_and_lost_shards_over() {
        let e2 = committee(&[(1, &[0, 1, 2, 4]), (2, &[3]), (3, &[5])]);
        let e3 = committee(&[(1, &[0, 1, 2]), (2, &[3, 4]), (3, &[5])]);
        let node = ObjectId([1; 32]);
        let mut old = plan_handover(2, &node, &e2, None, &[0, 1], None);
        assert_eq!(old.gained, vec![2, 4], "without the previous committee, the held families are the base");
        old.synced = vec![4];
        old.lost = vec![7];
        let next = plan_handover(3, &node, &e3, Some((2, &e2)), &[0, 1, 2, 4, 7], Some(&old));
        // Shard 2 was never synced and is still the node's; 4 moved on; 7 was never dropped.
        assert_eq!((next.gained, next.lost), (vec![2], vec![4, 7]));
        // Once dropped, an old lost shard is not dropped again.
        old.lost_dropped = true;
        let next = plan_handover(3, &node, &e3, Some((2, &e2)), &[0, 1, 2, 4], Some(&old));
        assert_eq!(next.lost, vec![4]);
    }

    #[test]
    fn records_and_committees_persist() {
        let dir = tempfile::tempdir().unwrap();
        let c = committee(&[(1, &[0, 2]), (2, &[1, 3])]);
        let mut record = plan_handover(4, &ObjectId([2; 32]), &c, None, &[1], None);
        {
            let storage = Storage::open(dir.path()).unwrap();
            assert_eq!(load_record(&storage).unwrap(), None);
            assert_eq!(load_committee(&storage, 4).unwrap(), None);
            save_committee(&storage, 4, &c).unwrap();
            save_record(&storage, &record).unwrap();
            record.synced.push(3);
            record.sync_signalled = true;
            save_record(&storage, &record).unwrap();
        }
        let storage = Storage::open(dir.path()).unwrap();
        assert_eq!(load_committee(&storage, 4).unwrap(), Some(c));
        let loaded = load_record(&storage).unwrap().unwrap();
        assert_eq!(loaded, record);
        assert_eq!(loaded.gained, vec![3]);
        assert!(loaded.pending().is_empty());
        assert!(!loaded.is_complete(), "the lost shards are not dropped yet");
    }
}
