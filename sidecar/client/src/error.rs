//! What can go wrong when storing or reading a blob.

use walrus_core::{BlobId, EncodingError};
use walrus_sui::client::ChainError;

/// One storage node's failure during a store or read, kept for the error report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeFailure {
    /// The committee member index.
    pub member: usize,
    /// Its network address.
    pub network_address: String,
    /// What went wrong.
    pub reason: String,
}

impl std::fmt::Display for NodeFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "node {} ({}): {}", self.member, self.network_address, self.reason)
    }
}

fn list(failures: &[NodeFailure]) -> String {
    if failures.is_empty() {
        return "no node failed".into();
    }
    failures.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

/// Why a store or read failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The chain refused or failed a transaction or read.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// The blob cannot be encoded (too large for the committee's shards, say).
    #[error("cannot encode the blob: {0}")]
    Encoding(#[from] EncodingError),
    /// The blob is larger than this client accepts.
    #[error("the blob is {size_bytes} bytes, more than the {limit_bytes}-byte limit of this network; split it")]
    BlobTooLarge {
        /// The blob's size.
        size_bytes: u64,
        /// The limit.
        limit_bytes: u64,
    },
    /// Too few nodes confirmed storage for a certificate.
    #[error(
        "only {confirmed_shards} of {n_shards} shards confirmed storing blob {blob_id} ({need_shards} \
         needed); the blob is registered but not certified: retry the store later. Failures: {}",
        list(.failures)
    )]
    NotEnoughConfirmations {
        /// The blob.
        blob_id: BlobId,
        /// Shards of the nodes that confirmed.
        confirmed_shards: usize,
        /// Shards needed for a certificate.
        need_shards: usize,
        /// All shards.
        n_shards: usize,
        /// What the other nodes answered.
        failures: Vec<NodeFailure>,
    },
    /// No node stores the blob.
    #[error("blob {blob_id} is not stored on this network (no node knows it); check the blob id")]
    BlobNotFound {
        /// The blob.
        blob_id: BlobId,
    },
    /// Too few correct slivers could be fetched to decode.
    #[error(
        "could not fetch enough correct slivers of blob {blob_id}: {have} of {need} slivers and {have_roots} of \
         {need_roots} sliver roots; too many nodes are down or faulty, retry later. Failures: {}",
        list(.failures)
    )]
    NotEnoughSlivers {
        /// The blob.
        blob_id: BlobId,
        /// Verified primary slivers fetched.
        have: usize,
        /// Primary slivers needed.
        need: usize,
        /// Verified pair roots fetched.
        have_roots: usize,
        /// Pair roots needed.
        need_roots: usize,
        /// What the failing nodes answered.
        failures: Vec<NodeFailure>,
    },
    /// The slivers decode to data that contradicts the commitment: the writer encoded the blob
    /// inconsistently; storage nodes will mark it invalid.
    #[error("blob {blob_id} was encoded inconsistently by its writer and cannot be read: {reason}")]
    InconsistentBlob {
        /// The blob.
        blob_id: BlobId,
        /// What did not match.
        reason: String,
    },
    /// A background task panicked or was cancelled.
    #[error("internal error: {0}; this is a bug, please report it")]
    Internal(String),
}
