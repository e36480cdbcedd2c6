//! The node's metrics, rendered in the Prometheus text format (version 0.0.4) on `GET /metrics`.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

/// Counters and gauges of one node. Cheap to update from any task.
#[derive(Default)]
pub struct Metrics {
    /// Requests by (route, status code).
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    /// Request body bytes received.
    pub bytes_in: AtomicU64,
    /// Response body bytes sent.
    pub bytes_out: AtomicU64,
    /// Slivers written by uploads.
    pub slivers_uploaded: AtomicU64,
    /// Storage confirmations signed.
    pub confirmations_signed: AtomicU64,
    /// Sliver pairs rebuilt by recovery.
    pub recoveries_done: AtomicU64,
    /// Recovery attempts that failed (retried later).
    pub recoveries_failed: AtomicU64,
    /// Sliver pairs waiting to be rebuilt.
    pub recoveries_pending: AtomicU64,
    /// Recovery symbols served to other nodes.
    pub recovery_symbols_served: AtomicU64,
    /// Inconsistency proofs found or received and verified.
    pub inconsistency_proofs: AtomicU64,
    /// Invalid-blob certificates submitted to the chain.
    pub invalidations_submitted: AtomicU64,
    /// Chain events applied.
    pub events_applied: AtomicU64,
    /// Checkpoint of the last applied event.
    pub event_checkpoint: AtomicU64,
    /// Blobs removed by garbage collection or deletion.
    pub blobs_collected: AtomicU64,
    /// Epoch-change calls (`voting_end`, `initiate_epoch_change`) this node executed.
    pub epoch_calls_executed: AtomicU64,
    /// Epoch-change calls the chain refused as not due (another node was first, or too early).
    pub epoch_calls_not_due: AtomicU64,
    /// Epoch-change calls that failed (retried with backoff).
    pub epoch_call_failures: AtomicU64,
    /// The epoch of the node's latest shard handover.
    pub handover_epoch: AtomicU64,
    /// Gained shards not yet synced.
    pub handover_shards_syncing: AtomicU64,
    /// Blobs' pairs of gained shards still to fetch or recover.
    pub handover_pairs_pending: AtomicU64,
    /// Pairs of gained shards fetched from their previous holders (verified and stored).
    pub handover_pairs_fetched: AtomicU64,
    /// Pairs of gained shards rebuilt from recovery symbols instead.
    pub handover_pairs_recovered: AtomicU64,
    /// Failed handover fetches and recoveries (retried with backoff).
    pub handover_failures: AtomicU64,
    /// Pairs served to nodes taking over shards.
    pub handover_pairs_served: AtomicU64,
    /// `epoch_sync_done` signals sent.
    pub epoch_sync_signals: AtomicU64,
    /// Shards dropped after the epoch change that moved them away was done.
    pub shards_dropped: AtomicU64,
    /// Storage-challenge seeds this node drew (`set_challenge_seed` executed).
    pub challenge_seeds_set: AtomicU64,
    /// Storage-challenge answers served to other nodes.
    pub challenges_answered: AtomicU64,
    /// Challenge samples of other nodes whose proofs verified.
    pub challenge_proofs_verified: AtomicU64,
    /// Challenge samples of other nodes whose proofs failed or were missing.
    pub challenge_proofs_failed: AtomicU64,
    /// `attest_storage` transactions sent.
    pub challenge_attestations_sent: AtomicU64,
}

impl Metrics {
    /// Counts one request.
    pub fn record_request(&self, route: &str, status: u16) {
        let mut requests = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        *requests.entry((route.to_string(), status)).or_default() += 1;
    }

    /// The metrics in Prometheus text format; `stored_slivers` and `latest_checkpoint` are
    /// sampled by the caller.
    pub fn render(&self, stored_slivers: u64, latest_checkpoint: Option<u64>) -> String {
        let mut out = String::new();
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        out.push_str("# HELP walrus_node_requests_total HTTP requests by route and status code.\n");
        out.push_str("# TYPE walrus_node_requests_total counter\n");
        for ((route, status), count) in self.requests.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            let route = route.replace('\\', "\\\\").replace('"', "\\\"");
            let _ = writeln!(out, "walrus_node_requests_total{{route=\"{route}\",status=\"{status}\"}} {count}");
        }
        let mut metric = |name: &str, kind: &str, help: &str, value: u64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}");
        };
        metric("walrus_node_bytes_in_total", "counter", "Request body bytes received.", get(&self.bytes_in));
        metric("walrus_node_bytes_out_total", "counter", "Response body bytes sent.", get(&self.bytes_out));
        metric("walrus_node_stored_slivers", "gauge", "Slivers stored (estimate).", stored_slivers);
        metric(
            "walrus_node_slivers_uploaded_total",
            "counter",
            "Slivers written by uploads.",
            get(&self.slivers_uploaded),
        );
        metric(
            "walrus_node_confirmations_signed_total",
            "counter",
            "Storage confirmations signed.",
            get(&self.confirmations_signed),
        );
        metric("walrus_node_recoveries_done_total", "counter", "Sliver pairs rebuilt.", get(&self.recoveries_done));
        metric(
            "walrus_node_recoveries_failed_total",
            "counter",
            "Failed recovery attempts (retried).",
            get(&self.recoveries_failed),
        );
        metric(
            "walrus_node_recoveries_pending",
            "gauge",
            "Sliver pairs waiting to be rebuilt.",
            get(&self.recoveries_pending),
        );
        metric(
            "walrus_node_recovery_symbols_served_total",
            "counter",
            "Recovery symbols served.",
            get(&self.recovery_symbols_served),
        );
        metric(
            "walrus_node_inconsistency_proofs_total",
            "counter",
            "Inconsistency proofs verified.",
            get(&self.inconsistency_proofs),
        );
        metric(
            "walrus_node_invalidations_submitted_total",
            "counter",
            "Invalid-blob certificates submitted.",
            get(&self.invalidations_submitted),
        );
        metric("walrus_node_chain_events_applied_total", "counter", "Chain events applied.", get(&self.events_applied));
        let applied = get(&self.event_checkpoint);
        metric("walrus_node_chain_event_checkpoint", "gauge", "Checkpoint of the last applied event.", applied);
        if let Some(latest) = latest_checkpoint {
            metric(
                "walrus_node_chain_event_lag_checkpoints",
                "gauge",
                "Checkpoints between the chain's latest and the last applied event.",
                latest.saturating_sub(applied),
            );
        }
        metric(
            "walrus_node_blobs_collected_total",
            "counter",
            "Blobs whose data was removed.",
            get(&self.blobs_collected),
        );
        let epoch_metrics: [(&str, &str, &str, &AtomicU64); 12] = [
            (
                "walrus_node_epoch_calls_executed_total",
                "counter",
                "voting_end and initiate_epoch_change calls executed.",
                &self.epoch_calls_executed,
            ),
            (
                "walrus_node_epoch_calls_not_due_total",
                "counter",
                "Epoch-change calls refused as not due (done by another node, or too early).",
                &self.epoch_calls_not_due,
            ),
            (
                "walrus_node_epoch_call_failures_total",
                "counter",
                "Epoch-change calls that failed (retried).",
                &self.epoch_call_failures,
            ),
            ("walrus_node_handover_epoch", "gauge", "Epoch of the latest shard handover.", &self.handover_epoch),
            (
                "walrus_node_handover_shards_syncing",
                "gauge",
                "Gained shards not yet synced.",
                &self.handover_shards_syncing,
            ),
            (
                "walrus_node_handover_pairs_pending",
                "gauge",
                "Pairs of gained shards still to fetch or recover.",
                &self.handover_pairs_pending,
            ),
            (
                "walrus_node_handover_pairs_fetched_total",
                "counter",
                "Pairs of gained shards fetched from their previous holders.",
                &self.handover_pairs_fetched,
            ),
            (
                "walrus_node_handover_pairs_recovered_total",
                "counter",
                "Pairs of gained shards rebuilt from recovery symbols.",
                &self.handover_pairs_recovered,
            ),
            (
                "walrus_node_handover_failures_total",
                "counter",
                "Failed handover fetches and recoveries (retried).",
                &self.handover_failures,
            ),
            (
                "walrus_node_handover_pairs_served_total",
                "counter",
                "Pairs served to nodes taking over shards.",
                &self.handover_pairs_served,
            ),
            (
                "walrus_node_epoch_sync_signals_total",
                "counter",
                "epoch_sync_done signals sent.",
                &self.epoch_sync_signals,
            ),
            (
                "walrus_node_shards_dropped_total",
                "counter",
                "Shards dropped after their move was done.",
                &self.shards_dropped,
            ),
        ];
        for (name, kind, help, value) in epoch_metrics {
            metric(name, kind, help, get(value));
        }
        let challenge_metrics: [(&str, &str, &AtomicU64); 5] = [
            ("walrus_node_challenge_seeds_set_total", "Storage-challenge seeds drawn.", &self.challenge_seeds_set),
            ("walrus_node_challenges_answered_total", "Storage-challenge answers served.", &self.challenges_answered),
            (
                "walrus_node_challenge_proofs_verified_total",
                "Other nodes' challenge samples whose proofs verified.",
                &self.challenge_proofs_verified,
            ),
            (
                "walrus_node_challenge_proofs_failed_total",
                "Other nodes' challenge samples whose proofs failed or were missing.",
                &self.challenge_proofs_failed,
            ),
            (
                "walrus_node_challenge_attestations_sent_total",
                "attest_storage transactions sent.",
                &self.challenge_attestations_sent,
            ),
        ];
        for (name, help, value) in challenge_metrics {
            metric(name, "counter", help, get(value));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text() {
        let metrics = Metrics::default();
        metrics.record_request("/v1/health", 200);
        metrics.record_request("/v1/health", 200);
        metrics.recoveries_done.fetch_add(3, Ordering::Relaxed);
        metrics.event_checkpoint.store(5, Ordering::Relaxed);
        let text = metrics.render(8, Some(9));
        assert!(text.contains("walrus_node_requests_total{route=\"/v1/health\",status=\"200\"} 2\n"));
        assert!(text.contains("walrus_node_recoveries_done_total 3\n"));
        assert!(text.contains("walrus_node_stored_slivers 8\n"));
        assert!(text.contains("walrus_node_chain_event_lag_checkpoints 4\n"));
        assert!(text.contains("# TYPE walrus_node_recoveries_pending gauge\n"));
    }
}
