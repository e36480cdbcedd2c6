//! The event follower: applies the chain's `walrus::events` to the node's state in order, each
//! with its cursor in one synced batch, and reopens the stream from the stored cursor after any
//! error. Also the maintenance task: committee refresh and garbage collection.

use std::{
    sync::{Arc, atomic::Ordering},
    time::Duration,
};

use futures::StreamExt as _;
use tokio::sync::watch;
use walrus_contracts::events::{Event, StakingEvent};

use crate::{context::NodeContext, storage::EventOutcome};

/// First wait before reopening the event stream after an error; doubled per failure.
pub const FOLLOWER_RETRY_DELAY: Duration = Duration::from_millis(200);
/// The longest wait before reopening the event stream.
pub const MAX_FOLLOWER_RETRY_DELAY: Duration = Duration::from_secs(30);
/// How often the committee is re-read and garbage collected even without events.
pub const MAINTENANCE_INTERVAL: Duration = Duration::from_secs(60);
/// How often the committee is asked for while it is unknown.
pub const COMMITTEE_RETRY_DELAY: Duration = Duration::from_secs(1);

/// Follows the chain's events until `shutdown` turns true.
pub async fn run_follower(ctx: Arc<NodeContext>, mut shutdown: watch::Receiver<bool>) {
    let mut delay = FOLLOWER_RETRY_DELAY;
    loop {
        if *shutdown.borrow() {
            return;
        }
        match follow_once(&ctx, &mut shutdown).await {
            Ok(FollowEnd::Shutdown) => return,
            Ok(FollowEnd::StreamEnded) => tracing::warn!("the chain's event stream ended; reopening it"),
            Err(e) => tracing::warn!("following chain events failed: {e}; retrying in {delay:?}"),
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = shutdown.changed() => return,
        }
        delay = (delay * 2).min(MAX_FOLLOWER_RETRY_DELAY);
    }
}

enum FollowEnd {
    Shutdown,
    StreamEnded,
}

async fn follow_once(ctx: &Arc<NodeContext>, shutdown: &mut watch::Receiver<bool>) -> Result<FollowEnd, String> {
    let storage = ctx.storage.clone();
    let cursor = tokio::task::spawn_blocking(move || storage.event_cursor())
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let mut events = tokio::select! {
        stream = ctx.chain.events_after(cursor) => stream.map_err(|e| e.to_string())?,
        _ = shutdown.changed() => return Ok(FollowEnd::Shutdown),
    };
    loop {
        let item = tokio::select! {
            item = events.next() => item,
            _ = shutdown.changed() => return Ok(FollowEnd::Shutdown),
        };
        let Some(item) = item else { return Ok(FollowEnd::StreamEnded) };
        let (cursor, event) = item.map_err(|e| e.to_string())?;
        let storage = ctx.storage.clone();
        let applied_event = event.clone();
        let outcome = tokio::task::spawn_blocking(move || storage.apply_event(cursor, &applied_event))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        if let EventOutcome::Applied { data_removed, .. } = outcome {
            ctx.metrics.events_applied.fetch_add(1, Ordering::Relaxed);
            ctx.metrics.event_checkpoint.store(cursor.checkpoint, Ordering::Relaxed);
            if data_removed {
                ctx.metrics.blobs_collected.fetch_add(1, Ordering::Relaxed);
            }
            match &event {
                Event::EpochAdvanced(advanced) => {
                    tracing::info!("epoch {} began", advanced.epoch);
                    if let Err(e) = ctx.refresh_committee().await {
                        tracing::warn!("cannot read the new committee: {e}");
                    }
                    collect_garbage(ctx).await;
                    ctx.handover.wakeup.notify_one();
                }
                // The shard handover starts with the epoch and drops lost shards once it is done.
                Event::Staking(StakingEvent::EpochChangeStart(_) | StakingEvent::EpochChangeDone(_)) => {
                    ctx.handover.wakeup.notify_one()
                }
                Event::BlobCertified(_) => ctx.heal_wakeup.notify_one(),
                _ => {}
            }
            // Storage challenges fix the challenged blobs at their seed's event, before the next.
            crate::challenge::on_event(ctx, &event).await;
        }
        ctx.events_applied.send_modify(|count| *count += 1);
    }
}

/// Removes expired blobs' data (as of the epoch of the last applied event).
pub async fn collect_garbage(ctx: &Arc<NodeContext>) {
    let storage = ctx.storage.clone();
    let result = tokio::task::spawn_blocking(move || {
        let epoch = storage.events_epoch()?;
        storage.collect_garbage(epoch)
    })
    .await;
    match result {
        Ok(Ok(removed)) => {
            if removed > 0 {
                tracing::info!("garbage collection removed {removed} blobs");
                ctx.metrics.blobs_collected.fetch_add(removed as u64, Ordering::Relaxed);
            }
        }
        Ok(Err(e)) => tracing::warn!("garbage collection failed: {e}"),
        Err(e) => tracing::warn!("garbage collection task failed: {e}"),
    }
}

/// Re-reads the committee and collects garbage every [`MAINTENANCE_INTERVAL`].
pub async fn run_maintenance(ctx: Arc<NodeContext>, mut shutdown: watch::Receiver<bool>) {
    loop {
        // Until the committee is known the node can serve nothing: ask again soon.
        let wait = if ctx.committee().is_none() { COMMITTEE_RETRY_DELAY } else { MAINTENANCE_INTERVAL };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.changed() => return,
        }
        if let Err(e) = ctx.refresh_committee().await {
            tracing::warn!("cannot refresh the committee: {e}");
        }
        collect_garbage(&ctx).await;
    }
}
