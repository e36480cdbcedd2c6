//! The epoch clock: every node moves the staking contract's epoch state machine on time
//! (`docs/chain.md` §3.2, `docs/node.md` §8).
//!
//! From the staking state and the chain's time the driver calls `staking::voting_end` once half
//! the epoch has passed (state `EpochChangeDone`) and `staking::initiate_epoch_change` once the
//! whole epoch has (state `NextParamsSelected`). Every node may do it; to avoid a storm of
//! transactions of which all but one abort, node `i` of the committee waits `i` stagger steps
//! after the due time and reads the state again first, so usually only the first member sends.
//! The aborts that say "not now" (already done, too early) are the normal outcome of a race and
//! count as done. Failures are retried with a doubling delay. `EpochChangeSync` is left by the
//! members' `epoch_sync_done` signals, which the shard handover sends ([`crate::handover`]).

use std::{
    sync::{Arc, atomic::Ordering},
    time::Duration,
};

use tokio::sync::watch;
use walrus_contracts::staking_inner::EpochState;

use crate::{
    chain::{ChainError, EpochCall, EpochSchedule},
    context::NodeContext,
};

/// Shortest wait between two reads of the staking state.
pub const MIN_EPOCH_POLL_INTERVAL: Duration = Duration::from_millis(100);
/// Longest wait between two reads of the staking state.
pub const MAX_EPOCH_POLL_INTERVAL: Duration = Duration::from_secs(5);
/// Longest stagger step between two committee members' attempts.
pub const MAX_STAGGER_STEP: Duration = Duration::from_secs(2);
/// Shortest stagger step.
pub const MIN_STAGGER_STEP: Duration = Duration::from_millis(20);
/// Wait after the first failed call or read; doubled per failure.
pub const EPOCH_RETRY_DELAY: Duration = Duration::from_millis(500);
/// Longest wait after failures.
pub const MAX_EPOCH_RETRY_DELAY: Duration = Duration::from_secs(60);

/// The call the staking state asks for next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EpochAction {
    /// `voting_end`: select the next committee.
    VotingEnd,
    /// `initiate_epoch_change`: start the next epoch.
    InitiateEpochChange,
}

impl EpochAction {
    fn name(self) -> &'static str {
        match self {
            Self::VotingEnd => "voting_end",
            Self::InitiateEpochChange => "initiate_epoch_change",
        }
    }
}

/// What to do now, by the schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Send `action` now.
    Call(EpochAction),
    /// Read the state again after this long.
    Wait(Duration),
}

/// The wait between two reads of the staking state for an epoch of `epoch_duration_ms`: a
/// twentieth of the epoch, within [`MIN_EPOCH_POLL_INTERVAL`]..=[`MAX_EPOCH_POLL_INTERVAL`].
pub fn poll_interval(epoch_duration_ms: u64) -> Duration {
    Duration::from_millis(epoch_duration_ms / 20).clamp(MIN_EPOCH_POLL_INTERVAL, MAX_EPOCH_POLL_INTERVAL)
}

/// The delay between two committee positions: a fiftieth of the epoch, within
/// [`MIN_STAGGER_STEP`]..=[`MAX_STAGGER_STEP`].
pub fn stagger_step(epoch_duration_ms: u64) -> Duration {
    Duration::from_millis(epoch_duration_ms / 50).clamp(MIN_STAGGER_STEP, MAX_STAGGER_STEP)
}

/// What the node at committee `position` (non-members come after every member) does with
/// `schedule`.
pub fn decide(schedule: &EpochSchedule, position: usize) -> Decision {
    let poll = poll_interval(schedule.epoch_duration_ms);
    let (action, due_ms) = match schedule.state {
        EpochState::EpochChangeDone => (EpochAction::VotingEnd, schedule.voting_end_ms()),
        EpochState::NextParamsSelected => (EpochAction::InitiateEpochChange, schedule.epoch_end_ms()),
        // Left by the members' sync signals, not by the clock.
        EpochState::EpochChangeSync => return Decision::Wait(poll),
    };
    let stagger = stagger_step(schedule.epoch_duration_ms).saturating_mul(u32::try_from(position).unwrap_or(u32::MAX));
    let start_ms = due_ms.saturating_add(u64::try_from(stagger.as_millis()).unwrap_or(u64::MAX));
    if schedule.chain_time_ms >= start_ms {
        Decision::Call(action)
    } else {
        Decision::Wait(Duration::from_millis(start_ms - schedule.chain_time_ms).min(poll))
    }
}

/// Drives the epoch clock until `shutdown` turns true. Returns at once if the chain has no
/// epoch clock ([`crate::chain::ChainSource::epoch_schedule`] is `None`).
pub async fn run_epoch_driver(ctx: Arc<NodeContext>, mut shutdown: watch::Receiver<bool>) {
    let mut failures: u32 = 0;
    loop {
        if *shutdown.borrow() {
            return;
        }
        let wait = match epoch_step(&ctx).await {
            Ok(None) => return,
            Ok(Some(wait)) => {
                failures = 0;
                wait
            }
            Err(e) => {
                failures += 1;
                ctx.metrics.epoch_call_failures.fetch_add(1, Ordering::Relaxed);
                let delay = EPOCH_RETRY_DELAY.saturating_mul(1 << failures.min(16)).min(MAX_EPOCH_RETRY_DELAY);
                tracing::warn!("epoch clock: {e}; retrying in {delay:?} (failure {failures})");
                delay
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// One read of the schedule and, if due, one call. `None` when the chain has no epoch clock.
async fn epoch_step(ctx: &Arc<NodeContext>) -> Result<Option<Duration>, ChainError> {
    let Some(schedule) = ctx.chain.epoch_schedule().await? else { return Ok(None) };
    let members = &schedule.committee.members;
    let position = members.iter().position(|m| m.node_id == ctx.node_id).unwrap_or(members.len());
    let action = match decide(&schedule, position) {
        Decision::Wait(wait) => return Ok(Some(wait)),
        Decision::Call(action) => action,
    };
    let epoch = schedule.epoch;
    let outcome = match action {
        EpochAction::VotingEnd => ctx.chain.voting_end().await?,
        EpochAction::InitiateEpochChange => ctx.chain.initiate_epoch_change().await?,
    };
    match outcome {
        EpochCall::Executed => {
            ctx.metrics.epoch_calls_executed.fetch_add(1, Ordering::Relaxed);
            tracing::info!("epoch {epoch}: sent {}", action.name());
        }
        EpochCall::NotDue { reason } => {
            ctx.metrics.epoch_calls_not_due.fetch_add(1, Ordering::Relaxed);
            tracing::debug!("epoch {epoch}: {} was not due: {reason}", action.name());
        }
    }
    // Read the new state soon: the next step may be due at once (another node's, or the sync).
    Ok(Some(MIN_EPOCH_POLL_INTERVAL))
}

#[cfg(test)]
mod tests {
    use walrus_contracts::{ObjectId, bls_aggregate::Committee};

    use super::*;

    fn schedule(state: EpochState, elapsed_ms: u64) -> EpochSchedule {
        let key = walrus_core::messages::ProtocolKeyPair::derive(&[1; 32]).unwrap();
        EpochSchedule {
            epoch: 3,
            state,
            epoch_start_ms: 1_000_000,
            epoch_duration_ms: 10_000,
            chain_time_ms: 1_000_000 + elapsed_ms,
            committee: Committee::new(
                vec![ObjectId([1; 32])],
                vec![key.public_key().to_vec()],
                vec!["127.0.0.1:1".into()],
                vec![4],
            )
            .unwrap(),
        }
    }

    #[test]
    fn voting_ends_after_half_the_epoch_and_the_epoch_changes_after_all_of_it() {
        // 10 s epoch: poll every 500 ms, stagger 200 ms per position.
        assert_eq!(decide(&schedule(EpochState::EpochChangeDone, 4_999), 0), Decision::Wait(Duration::from_millis(1)));
        assert_eq!(decide(&schedule(EpochState::EpochChangeDone, 5_000), 0), Decision::Call(EpochAction::VotingEnd));
        assert_eq!(decide(&schedule(EpochState::EpochChangeDone, 0), 0), Decision::Wait(Duration::from_millis(500)));
        assert_eq!(
            decide(&schedule(EpochState::NextParamsSelected, 9_000), 0),
            Decision::Wait(Duration::from_millis(500))
        );
        assert_eq!(
            decide(&schedule(EpochState::NextParamsSelected, 10_000), 0),
            Decision::Call(EpochAction::InitiateEpochChange)
        );
        // The sync is left by signals, never by the clock.
        assert_eq!(
            decide(&schedule(EpochState::EpochChangeSync, 50_000), 0),
            Decision::Wait(Duration::from_millis(500))
        );
    }

    #[test]
    fn later_positions_wait_their_stagger() {
        let due = schedule(EpochState::NextParamsSelected, 10_000);
        assert_eq!(decide(&due, 2), Decision::Wait(Duration::from_millis(400)));
        assert_eq!(
            decide(&schedule(EpochState::NextParamsSelected, 10_400), 2),
            Decision::Call(EpochAction::InitiateEpochChange)
        );
        assert_eq!(stagger_step(10_000), Duration::from_millis(200));
        assert_eq!(stagger_step(3_600_000), MAX_STAGGER_STEP);
        assert_eq!(stagger_step(100), MIN_STAGGER_STEP);
        assert_eq!(poll_interval(3_600_000), MAX_EPOCH_POLL_INTERVAL);
        assert_eq!(poll_interval(1_000), MIN_EPOCH_POLL_INTERVAL);
    }
}
