//! Every object type the packages create, so the chain can store and route them.

use serde::{Deserialize, Serialize};

use crate::{
    access_policy::{AccessPolicy, AccessPolicyAdminCap},
    blob::Blob,
    framework::{Coin, ObjectId},
    governance::{Governance, GovernanceInitCap, Proposal},
    shared_blob::SharedBlob,
    staked_wal::StakedWal,
    staking::Staking,
    storage_node::StorageNodeCap,
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
    /// `access_policy::AccessPolicy`.
    AccessPolicy(AccessPolicy),
    /// `access_policy::AccessPolicyAdminCap`.
    AccessPolicyAdminCap(AccessPolicyAdminCap),
    /// `staking::Staking` with its state.
    Staking(Staking),
    /// `staked_wal::StakedWal`.
    StakedWal(StakedWal),
    /// `storage_node::StorageNodeCap`.
    StorageNodeCap(StorageNodeCap),
    /// `governance::Governance` (holds the walrus package's `UpgradeCap`).
    Governance(Governance),
    /// `governance::GovernanceInitCap`.
    GovernanceInitCap(GovernanceInitCap),
    /// `governance::Proposal`.
    Proposal(Proposal),
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
            Self::AccessPolicy(o) => o.id,
            Self::AccessPolicyAdminCap(o) => o.id,
            Self::Staking(o) => o.id,
            Self::StakedWal(o) => o.id,
            Self::StorageNodeCap(o) => o.id,
            Self::Governance(o) => o.id,
            Self::GovernanceInitCap(o) => o.id,
            Self::Proposal(o) => o.id,
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
            Self::AccessPolicy(_) => "walrus::access_policy::AccessPolicy",
            Self::AccessPolicyAdminCap(_) => "walrus::access_policy::AccessPolicyAdminCap",
            Self::Staking(_) => "walrus::staking::Staking",
            Self::StakedWal(_) => "walrus::staked_wal::StakedWal",
            Self::StorageNodeCap(_) => "walrus::storage_node::StorageNodeCap",
            Self::Governance(_) => "walrus::governance::Governance",
            Self::GovernanceInitCap(_) => "walrus::governance::GovernanceInitCap",
            Self::Proposal(_) => "walrus::governance::Proposal",
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
            Self::AccessPolicy(o) => bcs::to_bytes(o),
            Self::AccessPolicyAdminCap(o) => bcs::to_bytes(o),
            Self::Staking(o) => bcs::to_bytes(o),
            Self::StakedWal(o) => bcs::to_bytes(o),
            Self::StorageNodeCap(o) => bcs::to_bytes(o),
            Self::Governance(o) => bcs::to_bytes(o),
            Self::GovernanceInitCap(o) => bcs::to_bytes(o),
            Self::Proposal(o) => bcs::to_bytes(o),
        };
        bytes.expect("object structs always serialize")
    }
}
