//! The pure core of the blob store: RedStuff encoding, Merkle commitments, metadata and blob ids.
//! Nothing here does I/O or async; the encoder and decoder use threads only to compute.
//!
//! The formats are specified in `docs/encoding.md`; this crate is their reference.
//!
//! ```
//! use walrus_core::{EncodingConfig, SliverKind, VerifiedRoots, decode, encode};
//!
//! let config = EncodingConfig::new(10)?;
//! let blob = b"hello, walrus";
//! let encoded = encode(&config, blob, 1)?;
//! let roots = VerifiedRoots::from_metadata(config, encoded.metadata())?;
//! // Any n - 2f = 4 primary slivers suffice (recovery slivers come as owned copies).
//! let slivers: Vec<_> = [9, 2, 5, 7].iter().map(|&i| (i, encoded.primary_sliver(i))).collect();
//! let slivers: Vec<(usize, &[u8])> = slivers.iter().map(|(i, s)| (*i, &**s)).collect();
//! let decoded = decode(&roots, SliverKind::Primary, &slivers, 1)?;
//! assert_eq!(decoded.data, blob);
//! # Ok::<(), walrus_core::EncodingError>(())
//! ```

#![deny(missing_docs)]

pub mod bench;
pub mod blob_id;
mod buffer;
pub mod challenge;
mod code;
pub mod config;
pub mod decoder;
pub mod encoder;
pub mod engine;
pub mod error;
mod lanes;
pub mod merkle;
pub mod messages;
pub mod metadata;
mod parallel;
pub mod recovery;
pub mod sha256x;
pub mod sliver;

pub use blob_id::BlobId;
pub use config::{BlobLayout, ENCODING_TYPE_RED_STUFF, EncodingConfig};
pub use decoder::{CheckedSlivers, DecodedBlob, decode, decode_checked};
pub use encoder::{EncodedBlob, encode};
pub use error::EncodingError;
pub use metadata::{BlobCommitment, BlobMetadata, SliverPairMetadata, SliverPairRoots, VerifiedRoots};
pub use parallel::default_threads;
pub use recovery::{InconsistencyProof, Recovered, RecoverySymbol, recover_sliver};
pub use sliver::{ExpandedSliver, SliverKind};

/// Frees the large buffers that encoding keeps for reuse (at most 1 GiB; see `buffer.rs`). A
/// long-running process may call this after a burst of large blobs; the next encoding then
/// starts from fresh memory, which costs page faults but nothing else.
pub fn release_buffers() {
    buffer::release_all();
}
