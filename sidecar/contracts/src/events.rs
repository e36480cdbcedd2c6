//! `walrus::events`: the events storage nodes follow (`docs/chain.md` §8). BCS field order is
//! the Move declaration order.

use serde::{Deserialize, Serialize};

use crate::framework::{ObjectId, U256};

/// `events::BlobRegistered`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobRegistered {
    /// Epoch of registration.
    pub epoch: u32,
    /// The blob id.
    pub blob_id: U256,
    /// Unencoded size.
    pub size: u64,
    /// Encoding type.
    pub encoding_type: u8,
    /// End epoch (exclusive).
    pub end_epoch: u32,
    /// Deletable or permanent.
    pub deletable: bool,
    /// The Blob object.
    pub object_id: ObjectId,
}

/// `events::BlobCertified` (also emitted on extension, with `is_extension`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobCertified {
    /// Epoch of certification or extension.
    pub epoch: u32,
    /// The blob id.
    pub blob_id: U256,
    /// End epoch (exclusive), after an extension the new one.
    pub end_epoch: u32,
    /// Deletable or permanent.
    pub deletable: bool,
    /// The Blob object.
    pub object_id: ObjectId,
    /// True when the blob was extended rather than certified.
    pub is_extension: bool,
}

/// `events::BlobDeleted`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobDeleted {
    /// Epoch of deletion.
    pub epoch: u32,
    /// The blob id.
    pub blob_id: U256,
    /// The end epoch the blob had.
    pub end_epoch: u32,
    /// The Blob object.
    pub object_id: ObjectId,
    /// Whether it had been certified.
    pub was_certified: bool,
}

/// `events::InvalidBlobId`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidBlobId {
    /// Epoch of invalidation.
    pub epoch: u32,
    /// The invalid blob id.
    pub blob_id: U256,
}

/// `events::EpochAdvanced`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochAdvanced {
    /// The new epoch.
    pub epoch: u32,
    /// WAL released from the finished epoch's account into rewards.
    pub released_funds: u64,
}

/// Any event of the packages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// `BlobRegistered`.
    BlobRegistered(BlobRegistered),
    /// `BlobCertified`.
    BlobCertified(BlobCertified),
    /// `BlobDeleted`.
    BlobDeleted(BlobDeleted),
    /// `InvalidBlobId`.
    InvalidBlobId(InvalidBlobId),
    /// `EpochAdvanced`.
    EpochAdvanced(EpochAdvanced),
}

impl Event {
    /// The Move struct name within `walrus::events`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::BlobRegistered(_) => "BlobRegistered",
            Self::BlobCertified(_) => "BlobCertified",
            Self::BlobDeleted(_) => "BlobDeleted",
            Self::InvalidBlobId(_) => "InvalidBlobId",
            Self::EpochAdvanced(_) => "EpochAdvanced",
        }
    }

    /// The event's BCS contents, as Sui stores them.
    pub fn bcs(&self) -> Vec<u8> {
        let bytes = match self {
            Self::BlobRegistered(e) => bcs::to_bytes(e),
            Self::BlobCertified(e) => bcs::to_bytes(e),
            Self::BlobDeleted(e) => bcs::to_bytes(e),
            Self::InvalidBlobId(e) => bcs::to_bytes(e),
            Self::EpochAdvanced(e) => bcs::to_bytes(e),
        };
        bytes.expect("event structs always serialize")
    }
}
