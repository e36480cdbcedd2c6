//! The client handle: a chain client, a shared HTTP connection pool, and the limits.

use std::time::Duration;

use walrus_sui::client::WalrusChainClient;

use crate::{ClientError, CommitteeView};

/// Uploads to this many nodes at once.
pub const DEFAULT_UPLOAD_CONCURRENCY: usize = 32;
/// Reads from this many nodes at once.
pub const DEFAULT_READ_CONCURRENCY: usize = 32;
/// Attempts per node upload (transport errors, and nodes that have not seen the registration
/// yet).
pub const DEFAULT_UPLOAD_ATTEMPTS: u32 = 6;
/// First retry delay; doubles on each attempt.
pub const DEFAULT_RETRY_BACKOFF: Duration = Duration::from_millis(100);
/// How long uploads to the nodes that had not answered when the quorum was reached keep going
/// in the background, so every node gets its slivers without recovery.
pub const DEFAULT_STRAGGLER_DEADLINE: Duration = Duration::from_secs(60);
/// TCP connect timeout to storage nodes.
pub const NODE_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Tunables of a [`WalrusClient`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientLimits {
    /// Nodes uploaded to at once.
    pub upload_concurrency: usize,
    /// Nodes read from at once.
    pub read_concurrency: usize,
    /// Attempts per node upload.
    pub upload_attempts: u32,
    /// First retry delay (doubling).
    pub retry_backoff: Duration,
    /// Background upload time after the quorum.
    pub straggler_deadline: Duration,
    /// Threads for encoding and decoding.
    pub coding_threads: usize,
    /// Largest blob this client stores, in bytes.
    pub max_blob_size_bytes: u64,
}

impl Default for ClientLimits {
    fn default() -> Self {
        Self {
            upload_concurrency: DEFAULT_UPLOAD_CONCURRENCY,
            read_concurrency: DEFAULT_READ_CONCURRENCY,
            upload_attempts: DEFAULT_UPLOAD_ATTEMPTS,
            retry_backoff: DEFAULT_RETRY_BACKOFF,
            straggler_deadline: DEFAULT_STRAGGLER_DEADLINE,
            coding_threads: walrus_core::default_threads(),
            // The encoder holds the blob and its slivers (about 5x) in memory.
            max_blob_size_bytes: 4 << 30,
        }
    }
}

/// Stores and reads blobs. Cheap to clone; clones share connections.
#[derive(Clone, Debug)]
pub struct WalrusClient {
    pub(crate) chain: WalrusChainClient,
    pub(crate) http: reqwest::Client,
    pub(crate) limits: ClientLimits,
}

impl WalrusClient {
    /// A client paying and signing with `chain`'s account.
    pub fn new(chain: WalrusChainClient, limits: ClientLimits) -> Result<Self, ClientError> {
        assert!(limits.upload_concurrency > 0 && limits.read_concurrency > 0 && limits.upload_attempts > 0);
        let http = reqwest::Client::builder()
            .connect_timeout(NODE_CONNECT_TIMEOUT)
            .build()
            .map_err(|e| ClientError::Internal(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self { chain, http, limits })
    }

    /// The chain client.
    pub fn chain(&self) -> &WalrusChainClient {
        &self.chain
    }

    /// The limits.
    pub fn limits(&self) -> &ClientLimits {
        &self.limits
    }

    /// The current committee, read from the chain.
    pub async fn committee(&self) -> Result<CommitteeView, ClientError> {
        let info = self.chain.system_info().await?;
        CommitteeView::new(&info, &self.http)
    }
}
