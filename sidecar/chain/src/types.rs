//! How the twin's objects look on the chain: package ids, Move type tags, and the conversion
//! between typed objects and Sui `Object`s (BCS contents plus dynamic-field children).

use blake2::{Blake2b, Digest as _, digest::consts::U32};
use sui_sdk_types::{Address, Identifier, StructTag, TypeTag};
use walrus_contracts::{Coin, ObjectId, objects::Object as TwinObject};

/// The `wal` package's id on the local chain (fixed at genesis).
pub const WAL_PACKAGE: Address = Address::new(hex_id(0xa1));
/// The `walrus` package's id on the local chain (fixed at genesis).
pub const WALRUS_PACKAGE: Address = Address::new(hex_id(0xa2));
/// The Sui framework (`0x2`).
pub const SUI_FRAMEWORK: Address = Address::new(hex_id(0x02));

const fn hex_id(last: u8) -> [u8; 32] {
    let mut id = [0u8; 32];
    id[31] = last;
    id
}

/// Converts between the twin's ids and Sui addresses (both 32 bytes).
pub fn to_address(id: ObjectId) -> Address {
    Address::new(id.0)
}

/// The twin id of a Sui address.
pub fn to_object_id(address: Address) -> ObjectId {
    ObjectId(address.into_inner())
}

fn ident(s: &str) -> Identifier {
    Identifier::new(s).expect("static identifiers are valid")
}

/// `package::module::name<type_params>`.
pub fn struct_tag(package: Address, module: &str, name: &str, type_params: Vec<TypeTag>) -> StructTag {
    StructTag::new(package, ident(module), ident(name), type_params)
}

/// `0x2::sui::SUI`.
pub fn sui_type() -> TypeTag {
    TypeTag::Struct(Box::new(struct_tag(SUI_FRAMEWORK, "sui", "SUI", vec![])))
}

/// `wal::wal::WAL`.
pub fn wal_type() -> TypeTag {
    TypeTag::Struct(Box::new(struct_tag(WAL_PACKAGE, "wal", "WAL", vec![])))
}

/// `0x2::coin::Coin<T>`.
pub fn coin_tag(coin_type: TypeTag) -> StructTag {
    struct_tag(SUI_FRAMEWORK, "coin", "Coin", vec![coin_type])
}

/// Which coin a `Coin` object holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoinKind {
    /// Gas: `Coin<0x2::sui::SUI>`.
    Sui,
    /// `Coin<wal::wal::WAL>`.
    Wal,
}

impl CoinKind {
    /// The coin's type argument.
    pub fn type_tag(&self) -> TypeTag {
        match self {
            Self::Sui => sui_type(),
            Self::Wal => wal_type(),
        }
    }

    /// The kind named by a type argument, if the chain knows it.
    pub fn from_type_tag(tag: &TypeTag) -> Option<Self> {
        if *tag == sui_type() {
            Some(Self::Sui)
        } else if *tag == wal_type() {
            Some(Self::Wal)
        } else {
            None
        }
    }
}

/// A typed object as the executor handles it. Twin objects are stored inline: a transaction
/// holds few of them, and boxing them would only add indirection.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum Obj {
    /// An object of the `wal`/`walrus` packages, or a `Coin<WAL>`.
    Twin(TwinObject),
    /// A `Coin<SUI>` (gas).
    SuiCoin(Coin),
    /// The `0x2::clock::Clock` at `0x6`.
    Clock(walrus_contracts::Clock),
    /// The `0x2::random::Random` at `0x8`.
    Random(walrus_contracts::framework::Random),
}

impl Obj {
    /// The object's id.
    pub fn id(&self) -> ObjectId {
        match self {
            Self::Twin(o) => o.id(),
            Self::SuiCoin(c) => c.id,
            Self::Clock(c) => c.id,
            Self::Random(r) => r.id,
        }
    }

    /// The Move type.
    pub fn struct_tag(&self) -> StructTag {
        match self {
            Self::SuiCoin(_) => coin_tag(sui_type()),
            Self::Clock(_) => clock_tag(),
            Self::Random(_) => random_tag(),
            Self::Twin(o) => match o {
                TwinObject::Coin(_) => coin_tag(wal_type()),
                TwinObject::CoinMetadata(_) => struct_tag(SUI_FRAMEWORK, "coin", "CoinMetadata", vec![wal_type()]),
                TwinObject::ProtectedTreasury(_) => struct_tag(WAL_PACKAGE, "wal", "ProtectedTreasury", vec![]),
                TwinObject::System(_) => struct_tag(WALRUS_PACKAGE, "system", "System", vec![]),
                TwinObject::InitCap(_) => struct_tag(WALRUS_PACKAGE, "system", "InitCap", vec![]),
                TwinObject::AdminCap(_) => struct_tag(WALRUS_PACKAGE, "system", "AdminCap", vec![]),
                TwinObject::Storage(_) => struct_tag(WALRUS_PACKAGE, "storage_resource", "Storage", vec![]),
                TwinObject::Blob(_) => struct_tag(WALRUS_PACKAGE, "blob", "Blob", vec![]),
                TwinObject::SharedBlob(_) => struct_tag(WALRUS_PACKAGE, "shared_blob", "SharedBlob", vec![]),
                TwinObject::AccessPolicy(_) => struct_tag(WALRUS_PACKAGE, "access_policy", "AccessPolicy", vec![]),
                TwinObject::AccessPolicyAdminCap(_) => {
                    struct_tag(WALRUS_PACKAGE, "access_policy", "AccessPolicyAdminCap", vec![])
                }
                TwinObject::Staking(_) => struct_tag(WALRUS_PACKAGE, "staking", "Staking", vec![]),
                TwinObject::StakedWal(_) => struct_tag(WALRUS_PACKAGE, "staked_wal", "StakedWal", vec![]),
                TwinObject::StorageNodeCap(_) => struct_tag(WALRUS_PACKAGE, "storage_node", "StorageNodeCap", vec![]),
                TwinObject::Governance(_) => struct_tag(WALRUS_PACKAGE, "governance", "Governance", vec![]),
                TwinObject::GovernanceInitCap(_) => {
                    struct_tag(WALRUS_PACKAGE, "governance", "GovernanceInitCap", vec![])
                }
                TwinObject::Proposal(_) => struct_tag(WALRUS_PACKAGE, "governance", "Proposal", vec![]),
            },
        }
    }

    /// Whether the type has `store` (so `public_transfer` works on it).
    pub fn has_public_transfer(&self) -> bool {
        match self {
            Self::SuiCoin(_) => true,
            Self::Twin(o) => matches!(
                o,
                TwinObject::Coin(_)
                    | TwinObject::CoinMetadata(_)
                    | TwinObject::AdminCap(_)
                    | TwinObject::Storage(_)
                    | TwinObject::Blob(_)
                    | TwinObject::AccessPolicyAdminCap(_)
                    | TwinObject::StakedWal(_)
                    | TwinObject::StorageNodeCap(_)
            ),
            Self::Clock(_) | Self::Random(_) => false,
        }
    }

    /// The BCS contents of the object itself (dynamic fields excluded).
    pub fn contents(&self) -> Vec<u8> {
        match self {
            Self::Twin(o) => o.bcs(),
            Self::SuiCoin(c) => bcs::to_bytes(c).expect("coins serialize"),
            Self::Clock(c) => bcs::to_bytes(c).expect("the clock serializes"),
            Self::Random(r) => bcs::to_bytes(r).expect("the random object serializes"),
        }
    }

    /// The coin kind and coin, if this is a coin.
    pub fn as_coin_mut(&mut self) -> Option<(CoinKind, &mut Coin)> {
        match self {
            Self::SuiCoin(c) => Some((CoinKind::Sui, c)),
            Self::Twin(TwinObject::Coin(c)) => Some((CoinKind::Wal, c)),
            _ => None,
        }
    }

    /// A coin of `kind`.
    pub fn coin(kind: CoinKind, coin: Coin) -> Self {
        match kind {
            CoinKind::Sui => Self::SuiCoin(coin),
            CoinKind::Wal => Self::Twin(TwinObject::Coin(coin)),
        }
    }
}

/// The id of the dynamic field `key` (of type `key_type`, BCS `key_bytes`) under `parent`, as
/// Sui derives it: `Blake2b-256(0xf0 || parent || len(key) as u64 LE || key || bcs(key_type))`.
pub fn dynamic_field_id(parent: ObjectId, key_type: &TypeTag, key_bytes: &[u8]) -> ObjectId {
    let mut hasher = Blake2b::<U32>::new();
    hasher.update([0xf0]);
    hasher.update(parent.0);
    hasher.update((key_bytes.len() as u64).to_le_bytes());
    hasher.update(key_bytes);
    hasher.update(bcs::to_bytes(key_type).expect("type tags serialize"));
    ObjectId(hasher.finalize().into())
}

/// `0x2::dynamic_field::Field<K, V>`.
pub fn field_tag(key_type: TypeTag, value_type: TypeTag) -> StructTag {
    struct_tag(SUI_FRAMEWORK, "dynamic_field", "Field", vec![key_type, value_type])
}

/// The type of `walrus::system_state_inner::SystemStateInnerV1`.
pub fn system_inner_type() -> TypeTag {
    TypeTag::Struct(Box::new(struct_tag(WALRUS_PACKAGE, "system_state_inner", "SystemStateInnerV1", vec![])))
}

/// `0x2::clock::Clock`.
pub fn clock_tag() -> StructTag {
    struct_tag(SUI_FRAMEWORK, "clock", "Clock", vec![])
}

/// The clock's object id, `0x6`.
pub const CLOCK_OBJECT: Address = Address::new(hex_id(0x06));

/// The initial shared version of the clock, as on Sui.
pub const CLOCK_INITIAL_SHARED_VERSION: u64 = 1;

/// `0x2::random::Random`.
pub fn random_tag() -> StructTag {
    struct_tag(SUI_FRAMEWORK, "random", "Random", vec![])
}

/// The `Random` object's id, `0x8`.
pub const RANDOM_OBJECT: Address = Address::new(hex_id(0x08));

/// The initial shared version of `Random` on the local chain (created at genesis; on Sui it is
/// whatever version the protocol upgrade that created it had).
pub const RANDOM_INITIAL_SHARED_VERSION: u64 = 1;

/// The type of `walrus::staking_inner::StakingInnerV1`.
pub fn staking_inner_type() -> TypeTag {
    TypeTag::Struct(Box::new(struct_tag(WALRUS_PACKAGE, "staking_inner", "StakingInnerV1", vec![])))
}

/// The type of `walrus::staking_pool::StakingPool`.
pub fn staking_pool_type() -> TypeTag {
    TypeTag::Struct(Box::new(struct_tag(WALRUS_PACKAGE, "staking_pool", "StakingPool", vec![])))
}

/// The type of `walrus::staking_pool::PoolExchangeRate`.
pub fn exchange_rate_type() -> TypeTag {
    TypeTag::Struct(Box::new(struct_tag(WALRUS_PACKAGE, "staking_pool", "PoolExchangeRate", vec![])))
}

/// The Move type `0x2::object::ID`.
pub fn id_type() -> TypeTag {
    TypeTag::Struct(Box::new(struct_tag(SUI_FRAMEWORK, "object", "ID", vec![])))
}

/// The type of `walrus::metadata::Metadata`.
pub fn metadata_type() -> TypeTag {
    TypeTag::Struct(Box::new(struct_tag(WALRUS_PACKAGE, "metadata", "Metadata", vec![])))
}

/// The Move type of `vector<u8>`.
pub fn bytes_type() -> TypeTag {
    TypeTag::Vector(Box::new(TypeTag::U8))
}

/// The key of a blob's attributes dynamic field: `b"metadata"`.
pub const METADATA_KEY: &[u8] = b"metadata";

/// The type of `walrus::governance::VoteRecord` (the entries of a proposal's `votes`).
pub fn vote_record_type() -> TypeTag {
    TypeTag::Struct(Box::new(struct_tag(WALRUS_PACKAGE, "governance", "VoteRecord", vec![])))
}

/// `0x2::package::UpgradeTicket`, the hot potato `governance::execute_upgrade` returns.
pub fn upgrade_ticket_tag() -> StructTag {
    struct_tag(SUI_FRAMEWORK, "package", "UpgradeTicket", vec![])
}
