//! Genesis: the packages at fixed ids, the WAL supply, the `System` object with the first
//! committee, and SUI for the funded accounts, all at version 1 in checkpoint 0.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sui_sdk_types::{Address, Digest, MovePackage, Object, ObjectData, Owner};
use walrus_contracts::{Coin, ObjectId, TxContext, framework::Balance, objects::Object as TwinObject, system, wal};

use crate::{
    execute::objects::{Child, child_object, children_of, to_sui_object},
    types::{Obj, WAL_PACKAGE, WALRUS_PACKAGE, to_address, to_object_id},
};

/// The version every genesis object has.
pub const GENESIS_VERSION: u64 = 1;

/// One member of the first committee.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenesisMember {
    /// The storage node's id.
    pub node_id: ObjectId,
    /// Its 48-byte compressed BLS public key.
    pub public_key: Vec<u8>,
    /// Where clients reach its storage API, `host:port`.
    pub network_address: String,
    /// Its shards.
    pub shards: u16,
}

/// What genesis creates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenesisConfig {
    /// Receives the WAL supply, the `AdminCap`, and SUI.
    pub admin: Address,
    /// Further accounts that receive SUI (storage nodes, clients, the faucet).
    pub funded_accounts: Vec<Address>,
    /// SUI (in MIST) each funded account and the admin receive, as one coin.
    pub sui_per_account: u64,
    /// Number of shards.
    pub n_shards: u16,
    /// The first committee.
    pub committee: Vec<GenesisMember>,
    /// WAL base units per MiB per epoch.
    pub storage_price_per_unit_size: u64,
    /// WAL base units per MiB, once.
    pub write_price_per_unit_size: u64,
    /// Encoded bytes per epoch.
    pub total_capacity_size: u64,
    /// Epochs storage can be bought for.
    pub max_epochs_ahead: u32,
}

/// What genesis created, for clients to find it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenesisInfo {
    /// The `wal` package id.
    pub wal_package: Address,
    /// The `walrus` package id.
    pub walrus_package: Address,
    /// The shared `System` object.
    pub system_object: Address,
    /// The `System`'s initial shared version.
    pub system_initial_shared_version: u64,
    /// The shared `ProtectedTreasury`.
    pub treasury_object: Address,
    /// The treasury's initial shared version.
    pub treasury_initial_shared_version: u64,
    /// The admin's `AdminCap`.
    pub admin_cap: Address,
}

/// The digest genesis objects name as their previous transaction.
pub fn genesis_digest() -> Digest {
    Digest::new([0x6e; 32])
}

fn package(id: Address) -> Object {
    let package = MovePackage {
        id,
        version: GENESIS_VERSION,
        modules: BTreeMap::new(),
        type_origin_table: Vec::new(),
        linkage_table: BTreeMap::new(),
    };
    Object::new(ObjectData::Package(package), Owner::Immutable, genesis_digest(), 0)
}

/// Builds the genesis objects. Fails only on an invalid committee, with the Move abort.
pub fn build(config: &GenesisConfig) -> Result<(Vec<Object>, GenesisInfo), walrus_contracts::MoveAbort> {
    let digest = genesis_digest();
    let mut ctx = TxContext::new(to_object_id(config.admin), digest.into_inner());
    let mut objects = vec![package(WAL_PACKAGE), package(WALRUS_PACKAGE)];
    let place = |obj: Obj, owner: Owner, objects: &mut Vec<Object>| {
        for Child { parent, tag, contents, .. } in children_of(&obj) {
            objects.push(child_object(parent, tag, contents, GENESIS_VERSION, digest));
        }
        objects.push(to_sui_object(&obj, owner, GENESIS_VERSION, digest));
    };

    wal::init(&mut ctx);
    system::init(&mut ctx);
    // Genesis runs as two transactions (publication, then `system::create`), so the second gets
    // its own digest and new ids never collide with the first's.
    let mut second_digest = digest.into_inner();
    second_digest[0] ^= 1;
    let effects = std::mem::replace(&mut ctx, TxContext::new(to_object_id(config.admin), second_digest)).into_effects();
    let mut init_cap = None;
    let mut treasury = None;
    for (owner, object) in effects.transferred {
        match object {
            TwinObject::InitCap(cap) => init_cap = Some(cap),
            other => place(Obj::Twin(other), Owner::Address(to_address(owner)), &mut objects),
        }
    }
    for object in effects.shared {
        if let TwinObject::ProtectedTreasury(t) = &object {
            treasury = Some(t.id);
        }
        place(Obj::Twin(object), Owner::Shared(GENESIS_VERSION), &mut objects);
    }
    for object in effects.frozen {
        place(Obj::Twin(object), Owner::Immutable, &mut objects);
    }
    let admin_cap = system::create(
        init_cap.expect("system::init transfers the InitCap"),
        config.n_shards,
        config.committee.iter().map(|m| m.node_id).collect(),
        config.committee.iter().map(|m| m.public_key.clone()).collect(),
        config.committee.iter().map(|m| m.network_address.clone()).collect(),
        config.committee.iter().map(|m| m.shards).collect(),
        config.storage_price_per_unit_size,
        config.write_price_per_unit_size,
        config.total_capacity_size,
        config.max_epochs_ahead,
        &mut ctx,
    )?;
    let admin_cap_id = admin_cap.id;
    place(Obj::Twin(TwinObject::AdminCap(admin_cap)), Owner::Address(config.admin), &mut objects);
    let mut system_id = None;
    for object in ctx.shared().to_vec() {
        system_id = Some(object.id());
        place(Obj::Twin(object), Owner::Shared(GENESIS_VERSION), &mut objects);
    }
    for account in std::iter::once(&config.admin).chain(&config.funded_accounts) {
        let coin = Coin { id: ctx.fresh_id(), balance: Balance::new(config.sui_per_account) };
        place(Obj::SuiCoin(coin), Owner::Address(*account), &mut objects);
    }
    let info = GenesisInfo {
        wal_package: WAL_PACKAGE,
        walrus_package: WALRUS_PACKAGE,
        system_object: to_address(system_id.expect("system::create shares the System")),
        system_initial_shared_version: GENESIS_VERSION,
        treasury_object: to_address(treasury.expect("wal::init shares the treasury")),
        treasury_initial_shared_version: GENESIS_VERSION,
        admin_cap: to_address(admin_cap_id),
    };
    Ok((objects, info))
}
