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
