//! Every object type the packages create, so the chain can store and route them.

use serde::{Deserialize, Serialize};

use crate::{
    blob::Blob,
    framework::{Coin, ObjectId},
    shared_blob::SharedBlob,
    storage_resource::Storage,
    system::{AdminCap, InitCap, System},
    wal::{CoinMetadata, ProtectedTreasury},
};

/// An object of the `wal` or `walrus` package (or a `Coin<WAL>`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Object {
    /// `Coin<WAL>`.
    Coin(Coin),
    /// `CoinMetadata<WAL>`.
    CoinMetadata(CoinMetadata),
    /// `wal::ProtectedTreasury`.
    ProtectedTreasury(ProtectedTreasury),
    /// `system::System` with its state.
    System(System),
    /// `system::InitCap`.
    InitCap(InitCap),
    /// `system::AdminCap`.
    AdminCap(AdminCap),
    /// `storage_resource::Storage`.
    Storage(Storage),
    /// `blob::Blob`.
    Blob(Blob),
    /// `shared_blob::SharedBlob`.
    SharedBlob(SharedBlob),
}

impl Object {
    /// The object's id.
    pub fn id(&self) -> ObjectId {
        match self {
            Self::Coin(o) => o.id,
            Self::CoinMetadata(o) => o.id,
            Self::ProtectedTreasury(o) => o.id,
            Self::System(o) => o.id,
            Self::InitCap(o) => o.id,
            Self::AdminCap(o) => o.id,
            Self::Storage(o) => o.id,
            Self::Blob(o) => o.id,
            Self::SharedBlob(o) => o.id,
        }
    }

    /// The Move type, as `module::Struct`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Coin(_) => "0x2::coin::Coin<wal::wal::WAL>",
            Self::CoinMetadata(_) => "0x2::coin::CoinMetadata<wal::wal::WAL>",
            Self::ProtectedTreasury(_) => "wal::wal::ProtectedTreasury",
            Self::System(_) => "walrus::system::System",
            Self::InitCap(_) => "walrus::system::InitCap",
            Self::AdminCap(_) => "walrus::system::AdminCap",
            Self::Storage(_) => "walrus::storage_resource::Storage",
            Self::Blob(_) => "walrus::blob::Blob",
            Self::SharedBlob(_) => "walrus::shared_blob::SharedBlob",
        }
    }

    /// The object's BCS contents, exactly as the Move struct (dynamic fields excluded).
    pub fn bcs(&self) -> Vec<u8> {
        let bytes = match self {
            Self::Coin(o) => bcs::to_bytes(o),
            Self::CoinMetadata(o) => bcs::to_bytes(o),
            Self::ProtectedTreasury(o) => bcs::to_bytes(o),
            Self::System(o) => bcs::to_bytes(o),
            Self::InitCap(o) => bcs::to_bytes(o),
            Self::AdminCap(o) => bcs::to_bytes(o),
            Self::Storage(o) => bcs::to_bytes(o),
            Self::Blob(o) => bcs::to_bytes(o),
            Self::SharedBlob(o) => bcs::to_bytes(o),
        };
        bytes.expect("object structs always serialize")
    }
}
