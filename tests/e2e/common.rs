//! Shared helpers of the end-to-end tests.

use std::time::Duration;

use walrus_local::{LocalNetwork, LocalOptions};

/// Bound on any single end-to-end operation, so a hung network fails the test instead of CI.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(120);

/// Deterministic pseudo-random bytes (no RNG dependency; reproducible failures).
pub fn blob_bytes(size: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..size)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

/// Starts a network with system-chosen ports under `dir`.
pub async fn start_network(dir: &std::path::Path, n_nodes: usize, shards_per_node: u16) -> LocalNetwork {
    let options = LocalOptions::ephemeral(dir, n_nodes, shards_per_node);
    tokio::time::timeout(STEP_TIMEOUT, LocalNetwork::start(options))
        .await
        .expect("the network starts in time")
        .expect("the network starts")
}

/// Restarts a network from its data directory (same ports, from the manifest).
pub async fn restart_network(dir: &std::path::Path) -> LocalNetwork {
    let options = LocalOptions::new(dir);
    tokio::time::timeout(STEP_TIMEOUT, LocalNetwork::start(options))
        .await
        .expect("the network restarts in time")
        .expect("the network restarts")
}
