//! Genesis: the packages at fixed ids, the WAL supply, the `System` object with the first
//! committee, the `Staking` object with each member as a staking pool, the `0x6` Clock, the `0x8`
//! Random object, SUI for the funded accounts, and the `Governance` object holding the walrus
//! package's `UpgradeCap`, all at version 1 in checkpoint 0.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sui_sdk_types::{Address, Digest, MovePackage, Object, ObjectData, Owner};
use walrus_contracts::{
    Clock, Coin, ObjectId, TxContext,
    framework::{Balance, Random},
    governance,
    objects::Object as TwinObject,
    package::UpgradeCap,
    staking, system, wal,
};

use crate::{
    execute::objects::{Child, child_object, children_of, to_sui_object},
    types::{
        CLOCK_INITIAL_SHARED_VERSION, Obj, RANDOM_INITIAL_SHARED_VERSION, WAL_PACKAGE, WALRUS_PACKAGE, to_address,
        to_object_id,
    },
};

/// The version every genesis object has.
pub const GENESIS_VERSION: u64 = 1;
/// Epoch length when a genesis file does not name one: one hour.
pub const DEFAULT_EPOCH_DURATION_MS: u64 = 3_600_000;
/// Genesis stake of a member when a genesis file does not name one: 1000 WAL (in FROST), taken
/// from the admin's supply.
pub const DEFAULT_GENESIS_STAKE_FROST: u64 = 1_000 * wal::FROST_PER_WAL;
/// The largest committee `voting_end` selects (raised to the genesis committee's size if that
/// is larger).
pub const MAX_COMMITTEE_SIZE: u16 = 100;

fn default_epoch_duration_ms() -> u64 {
    DEFAULT_EPOCH_DURATION_MS
}

fn default_genesis_stake_frost() -> u64 {
    DEFAULT_GENESIS_STAKE_FROST
}

/// One member of the first committee.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenesisMember {
    /// The storage node's id.
    pub node_id: ObjectId,
    /// Its 48-byte compressed BLS public key.
    pub public_key: Vec<u8>,
    /// Where clients reach its storage API, `host:port`.
    pub network_address: String,
    /// Its shards (assigned contiguously in member order).
    pub shards: u16,
    /// WAL (in FROST) the admin stakes with its pool at genesis; 0 for none.
    #[serde(default = "default_genesis_stake_frost")]
    pub stake_frost: u64,
    /// Receives the node's `StorageNodeCap` and its genesis `StakedWal`; the admin if unset.
    #[serde(default)]
    pub operator: Option<Address>,
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
    /// Length of a Walrus epoch; `staking::voting_end` is allowed after half of it.
    #[serde(default = "default_epoch_duration_ms")]
    pub epoch_duration_ms: u64,
    /// The parameters of the `Governance` object (defaults: [`GovernanceGenesis::default`]).
    #[serde(default)]
    pub governance: GovernanceGenesis,
}

/// The parameters genesis gives `governance::create`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GovernanceGenesis {
    /// Smallest proposal deposit, in FROST.
    pub min_deposit_frost: u64,
    /// How long proposals are open for votes.
    pub voting_duration_ms: u64,
    /// How long an approved proposal waits after its vote.
    pub execution_delay_ms: u64,
    /// Turnout a proposal needs, in basis points of the active stake.
    pub quorum_bps: u16,
    /// Share of yes in yes + no a proposal must exceed, in basis points.
    pub approval_threshold_bps: u16,
}

/// A local network's governance: 100 WAL deposits, a vote of an hour (the default epoch), ten
/// minutes of delay, a third of the stake as quorum and a simple majority.
impl Default for GovernanceGenesis {
    fn default() -> Self {
        Self {
            min_deposit_frost: DEFAULT_MIN_DEPOSIT_FROST,
            voting_duration_ms: DEFAULT_VOTING_DURATION_MS,
            execution_delay_ms: DEFAULT_EXECUTION_DELAY_MS,
            quorum_bps: DEFAULT_QUORUM_BPS,
            approval_threshold_bps: DEFAULT_APPROVAL_THRESHOLD_BPS,
        }
    }
}

/// Default smallest proposal deposit: 100 WAL.
pub const DEFAULT_MIN_DEPOSIT_FROST: u64 = 100 * wal::FROST_PER_WAL;
/// Default voting period: one hour.
pub const DEFAULT_VOTING_DURATION_MS: u64 = 3_600_000;
/// Default execution delay: ten minutes.
pub const DEFAULT_EXECUTION_DELAY_MS: u64 = 600_000;
/// Default quorum: a third of the active stake.
pub const DEFAULT_QUORUM_BPS: u16 = 3_333;
/// Default approval threshold: more yes than no.
pub const DEFAULT_APPROVAL_THRESHOLD_BPS: u16 = 5_000;

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
    /// The shared `Staking` object (it consumed the `AdminCap`).
    pub staking_object: Address,
    /// The staking object's initial shared version.
    pub staking_initial_shared_version: u64,
    /// The shared `Governance` object (it holds the walrus package's `UpgradeCap`).
    pub governance_object: Address,
    /// The governance object's initial shared version.
    pub governance_initial_shared_version: u64,
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

/// Builds the genesis objects, with the clock at `timestamp_ms`. Fails only on an invalid
/// committee or staking configuration, with the Move abort.
pub fn build(
    config: &GenesisConfig,
    timestamp_ms: u64,
) -> Result<(Vec<Object>, GenesisInfo), walrus_contracts::MoveAbort> {
    let digest = genesis_digest();
    let mut ctx = TxContext::new(to_object_id(config.admin), digest.into_inner());
    let mut objects = vec![package(WAL_PACKAGE), package(WALRUS_PACKAGE)];
    let place = |obj: Obj, owner: Owner, objects: &mut Vec<Object>| {
        for Child { parent, tag, contents, .. } in children_of(&obj) {
            objects.push(child_object(parent, tag, contents, GENESIS_VERSION, digest));
        }
        objects.push(to_sui_object(&obj, owner, GENESIS_VERSION, digest));
    };
    // Genesis runs as three transactions (publication, `system::create`, `staking::create`),
    // each with its own digest so that new ids never collide.
    let next_ctx = |ctx: &mut TxContext, n: u8| {
        let mut next_digest = digest.into_inner();
        next_digest[0] ^= n;
        std::mem::replace(ctx, TxContext::new(to_object_id(config.admin), next_digest)).into_effects()
    };

    wal::init(&mut ctx);
    system::init(&mut ctx);
    let effects = next_ctx(&mut ctx, 1);
    let mut init_cap = None;
    let mut treasury = None;
    let mut supply = None;
    for (owner, object) in effects.transferred {
        match object {
            TwinObject::InitCap(cap) => init_cap = Some(cap),
            TwinObject::Coin(coin) if owner == to_object_id(config.admin) && supply.is_none() => supply = Some(coin),
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
    let effects = next_ctx(&mut ctx, 2);
    let Some(TwinObject::System(mut system)) = effects.shared.into_iter().next() else {
        unreachable!("system::create shares the System")
    };

    let clock = Clock::at(timestamp_ms);
    let mut supply = supply.expect("wal::init sends the supply to the publisher");
    let max_committee_size = MAX_COMMITTEE_SIZE.max(config.committee.len().try_into().unwrap_or(u16::MAX));
    staking::create(
        admin_cap,
        &mut system,
        config.committee.iter().map(|m| to_object_id(m.operator.unwrap_or(config.admin))).collect(),
        &mut supply,
        config.committee.iter().map(|m| m.stake_frost).collect(),
        config.epoch_duration_ms,
        max_committee_size,
        config.n_shards,
        0,
        &clock,
        &mut ctx,
    )?;
    let system_id = system.id;
    place(Obj::Twin(TwinObject::System(system)), Owner::Shared(GENESIS_VERSION), &mut objects);
    place(Obj::Twin(TwinObject::Coin(supply)), Owner::Address(config.admin), &mut objects);
    let mut staking_id = None;
    for object in ctx.shared().to_vec() {
        staking_id = Some(object.id());
        place(Obj::Twin(object), Owner::Shared(GENESIS_VERSION), &mut objects);
    }
    for (owner, object) in ctx.transferred().to_vec() {
        place(Obj::Twin(object), Owner::Address(to_address(owner)), &mut objects);
    }
    place(Obj::Clock(clock), Owner::Shared(CLOCK_INITIAL_SHARED_VERSION), &mut objects);
    for account in std::iter::once(&config.admin).chain(&config.funded_accounts) {
        let coin = Coin { id: ctx.fresh_id(), balance: Balance::new(config.sui_per_account) };
        place(Obj::SuiCoin(coin), Owner::Address(*account), &mut objects);
    }
    // Sui's `0x8` Random object; the local chain supplies each transaction's randomness itself.
    let random = Random::new(ctx.fresh_id());
    place(Obj::Random(random), Owner::Shared(RANDOM_INITIAL_SHARED_VERSION), &mut objects);

    // Governance, as two more transactions: `governance::init` sends the init cap to the
    // publisher, then `create` wraps the walrus package's `UpgradeCap` in the shared object.
    next_ctx(&mut ctx, 3);
    governance::init(&mut ctx);
    let Some((_, TwinObject::GovernanceInitCap(init_cap))) = ctx.transferred().first().cloned() else {
        unreachable!("governance::init sends the GovernanceInitCap")
    };
    next_ctx(&mut ctx, 4);
    let upgrade_cap = UpgradeCap::publish(to_object_id(WALRUS_PACKAGE), &mut ctx);
    let g = &config.governance;
    governance::create(
        init_cap,
        upgrade_cap,
        g.min_deposit_frost,
        g.voting_duration_ms,
        g.execution_delay_ms,
        g.quorum_bps,
        g.approval_threshold_bps,
        &mut ctx,
    )?;
    let Some(governance) = ctx.shared().first().cloned() else { unreachable!("governance::create shares it") };
    let governance_id = governance.id();
    place(Obj::Twin(governance), Owner::Shared(GENESIS_VERSION), &mut objects);
    let info = GenesisInfo {
        wal_package: WAL_PACKAGE,
        walrus_package: WALRUS_PACKAGE,
        system_object: to_address(system_id),
        system_initial_shared_version: GENESIS_VERSION,
        treasury_object: to_address(treasury.expect("wal::init shares the treasury")),
        treasury_initial_shared_version: GENESIS_VERSION,
        staking_object: to_address(staking_id.expect("staking::create shares the Staking")),
        staking_initial_shared_version: GENESIS_VERSION,
        governance_object: to_address(governance_id),
        governance_initial_shared_version: GENESIS_VERSION,
    };
    Ok((objects, info))
}
