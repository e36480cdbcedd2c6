//! Typed errors of the core. Every message says what was wrong and what to do about it.

use thiserror::Error;

/// Why an encoding, decoding or verification step failed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum EncodingError {
    /// The shard count is outside what the encoding supports.
    #[error(
        "invalid shard count {n_shards}: the encoding needs between {} and {} shards",
        crate::config::MIN_SHARDS,
        crate::config::MAX_SHARDS
    )]
    InvalidShardCount {
        /// The rejected shard count.
        n_shards: u16,
    },
    /// The blob is larger than this shard count can encode.
    #[error("blob of {size_bytes} bytes is too large: at most {max_bytes} bytes can be encoded; split it")]
    BlobTooLarge {
        /// The size asked for.
        size_bytes: u64,
        /// The largest size this configuration admits.
        max_bytes: u64,
    },
    /// A sliver or symbol has the wrong length for the blob's layout.
    #[error(
        "{what} has {actual} bytes but the blob's layout needs {expected}; it is truncated or belongs to another blob"
    )]
    WrongLength {
        /// What was measured.
        what: &'static str,
        /// Its length.
        actual: usize,
        /// The length the layout requires.
        expected: usize,
    },
    /// An index is outside `0..n`.
    #[error("{what} index {index} is out of range: there are {count}")]
    IndexOutOfRange {
        /// What was indexed.
        what: &'static str,
        /// The bad index.
        index: usize,
        /// How many there are.
        count: usize,
    },
    /// The same index was supplied twice.
    #[error("{what} {index} was supplied twice; each may be used once")]
    DuplicateIndex {
        /// What was duplicated.
        what: &'static str,
        /// The duplicated index.
        index: usize,
    },
    /// Fewer pieces than decoding needs.
    #[error("not enough {what}: have {have} that verify, need {need}; fetch more from other nodes")]
    NotEnough {
        /// What is missing.
        what: &'static str,
        /// How many verified pieces there are.
        have: usize,
        /// How many are needed.
        need: usize,
    },
    /// A sliver does not hash to the root committed in the metadata.
    #[error("{kind} sliver {index} does not match its committed root: it is corrupt; fetch it from another node")]
    SliverMismatch {
        /// "primary" or "secondary".
        kind: &'static str,
        /// The sliver's index.
        index: usize,
    },
    /// A Merkle proof does not lead to the committed root.
    #[error("Merkle proof for {what} does not verify against the committed root: the data or proof is corrupt")]
    InvalidProof {
        /// What the proof was for.
        what: &'static str,
    },
    /// Metadata does not hash to the blob id it claims.
    #[error("metadata does not match blob id {blob_id}: it belongs to another blob or is corrupt")]
    BlobIdMismatch {
        /// The blob id that was expected.
        blob_id: String,
    },
    /// The metadata's parameters do not match the configuration.
    #[error("metadata is for {what} {actual}, but {expected} was expected")]
    MetadataMismatch {
        /// Which parameter.
        what: &'static str,
        /// The metadata's value.
        actual: u64,
        /// The expected value.
        expected: u64,
    },
    /// Slivers checked for one blob (or kind) were combined with another's.
    #[error("slivers checked as {actual} were used as {expected}: check and decode the slivers of one blob and kind")]
    CheckedForAnotherBlob {
        /// The blob id and sliver kind they were checked for.
        actual: String,
        /// The blob id and sliver kind they were used for.
        expected: String,
    },
    /// The decoded blob does not match the commitment: the writer encoded it inconsistently.
    #[error(
        "the decoded blob does not match the committed sliver roots: the blob was encoded inconsistently and is invalid"
    )]
    InconsistentEncoding,
    /// Bytes that should be BCS or another fixed format could not be parsed.
    #[error("malformed {what}: {reason}")]
    Malformed {
        /// What was being parsed.
        what: &'static str,
        /// Why it failed.
        reason: String,
    },
}
