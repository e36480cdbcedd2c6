//! Loading typed objects from the store (with their dynamic fields) and turning them back into
//! Sui objects (with their dynamic fields as child objects).

use sui_sdk_types::{Digest, MoveStruct, Object, ObjectData, Owner, TypeTag};
use walrus_contracts::{
    Coin, ObjectId, U256,
    blob::Blob,
    governance::VoteRecord,
    metadata::Metadata,
    objects::Object as TwinObject,
    staked_wal::VOTE_LOCK_KEY,
    staking::Staking,
    staking_inner::StakingInnerV1,
    staking_pool::{PoolExchangeRate, StakingPool},
    system_state_inner::SystemStateInnerV1,
};

use crate::{
    store::{Store, StoreError},
    types::{
        CoinKind, METADATA_KEY, Obj, WAL_PACKAGE, WALRUS_PACKAGE, bytes_type, dynamic_field_id, exchange_rate_type,
        field_tag, id_type, metadata_type, staking_inner_type, staking_pool_type, system_inner_type, to_address,
        vote_record_type,
    },
};

/// `0x2::dynamic_field::Field<K, V> { id, name, value }`.
#[derive(serde::Serialize, serde::Deserialize)]
struct Field<K, V> {
    id: ObjectId,
    name: K,
    value: V,
}

fn corrupt(what: &'static str, e: impl ToString) -> StoreError {
    StoreError::Corrupt { what, reason: e.to_string() }
}

fn move_struct(object: &Object) -> Result<&MoveStruct, StoreError> {
    match object.data() {
        ObjectData::Struct(s) => Ok(s),
        ObjectData::Package(_) => Err(corrupt("object", "a package where a Move object was expected")),
    }
}

/// The typed value of a stored object, with its dynamic fields loaded. `None` for types the
/// chain does not execute (packages, foreign objects).
pub fn load(store: &Store, object: &Object) -> Result<Option<Obj>, StoreError> {
    let ObjectData::Struct(s) = object.data() else { return Ok(None) };
    let tag = s.object_type();
    let contents = s.contents();
    let module = tag.module().as_str();
    let name = tag.name().as_str();
    let decode = |what| -> Result<TwinObject, StoreError> {
        let object = match what {
            "Coin" => TwinObject::Coin(bcs::from_bytes(contents).map_err(|e| corrupt("coin", e))?),
            "Storage" => TwinObject::Storage(bcs::from_bytes(contents).map_err(|e| corrupt("storage", e))?),
            "Blob" => TwinObject::Blob(bcs::from_bytes(contents).map_err(|e| corrupt("blob", e))?),
            "SharedBlob" => TwinObject::SharedBlob(bcs::from_bytes(contents).map_err(|e| corrupt("shared blob", e))?),
            "System" => TwinObject::System(bcs::from_bytes(contents).map_err(|e| corrupt("system", e))?),
            "InitCap" => TwinObject::InitCap(bcs::from_bytes(contents).map_err(|e| corrupt("init cap", e))?),
            "AdminCap" => TwinObject::AdminCap(bcs::from_bytes(contents).map_err(|e| corrupt("admin cap", e))?),
            "AccessPolicy" => {
                TwinObject::AccessPolicy(bcs::from_bytes(contents).map_err(|e| corrupt("access policy", e))?)
            }
            "AccessPolicyAdminCap" => TwinObject::AccessPolicyAdminCap(
                bcs::from_bytes(contents).map_err(|e| corrupt("access policy admin cap", e))?,
            ),
            "ProtectedTreasury" => {
                TwinObject::ProtectedTreasury(bcs::from_bytes(contents).map_err(|e| corrupt("treasury", e))?)
            }
            "CoinMetadata" => TwinObject::CoinMetadata(bcs::from_bytes(contents).map_err(|e| corrupt("metadata", e))?),
            "Staking" => TwinObject::Staking(bcs::from_bytes(contents).map_err(|e| corrupt("staking", e))?),
            "StakedWal" => TwinObject::StakedWal(bcs::from_bytes(contents).map_err(|e| corrupt("staked wal", e))?),
            "StorageNodeCap" => {
                TwinObject::StorageNodeCap(bcs::from_bytes(contents).map_err(|e| corrupt("storage node cap", e))?)
            }
            "Governance" => TwinObject::Governance(bcs::from_bytes(contents).map_err(|e| corrupt("governance", e))?),
            "GovernanceInitCap" => {
                TwinObject::GovernanceInitCap(bcs::from_bytes(contents).map_err(|e| corrupt("governance init cap", e))?)
            }
            "Proposal" => TwinObject::Proposal(bcs::from_bytes(contents).map_err(|e| corrupt("proposal", e))?),
            _ => unreachable!("callers pass known names"),
        };
        Ok(object)
    };
    let obj = if *tag.address() == crate::types::SUI_FRAMEWORK && module == "coin" && name == "Coin" {
        let coin: Coin = bcs::from_bytes(contents).map_err(|e| corrupt("coin", e))?;
        match tag.type_params().first().and_then(CoinKind::from_type_tag) {
            Some(CoinKind::Sui) => Obj::SuiCoin(coin),
            Some(CoinKind::Wal) => Obj::Twin(TwinObject::Coin(coin)),
            None => return Ok(None),
        }
    } else if *tag.address() == crate::types::SUI_FRAMEWORK && module == "clock" && name == "Clock" {
        Obj::Clock(bcs::from_bytes(contents).map_err(|e| corrupt("clock", e))?)
    } else if *tag.address() == crate::types::SUI_FRAMEWORK && module == "random" && name == "Random" {
        Obj::Random(bcs::from_bytes(contents).map_err(|e| corrupt("random", e))?)
    } else if *tag.address() == crate::types::SUI_FRAMEWORK && module == "coin" && name == "CoinMetadata" {
        Obj::Twin(decode("CoinMetadata")?)
    } else if *tag.address() == WAL_PACKAGE && name == "ProtectedTreasury" {
        Obj::Twin(decode("ProtectedTreasury")?)
    } else if *tag.address() == WALRUS_PACKAGE
        && matches!(
            name,
            "Storage"
                | "Blob"
                | "SharedBlob"
                | "System"
                | "InitCap"
                | "AdminCap"
                | "AccessPolicy"
                | "AccessPolicyAdminCap"
                | "Staking"
                | "StakedWal"
                | "StorageNodeCap"
                | "Governance"
                | "GovernanceInitCap"
                | "Proposal"
        )
    {
        Obj::Twin(decode(name)?)
    } else {
        return Ok(None);
    };
    Ok(Some(attach_children(store, obj)?))
}

fn child<V: for<'de> serde::Deserialize<'de>>(
    store: &Store,
    parent: ObjectId,
    key_type: &TypeTag,
    key_bytes: &[u8],
) -> Result<Option<V>, StoreError> {
    let id = dynamic_field_id(parent, key_type, key_bytes);
    let Some(object) = store.object(&id)? else { return Ok(None) };
    let s = move_struct(&object)?;
    // The field's name is of a type whose BCS we skip generically: decode as raw (id, rest).
    let contents = s.contents();
    let after_id = &contents[32..];
    let value_bytes = &after_id[key_bytes.len()..];
    Ok(Some(bcs::from_bytes(value_bytes).map_err(|e| corrupt("dynamic field", e))?))
}

fn load_blob_children(store: &Store, blob: &mut Blob) -> Result<(), StoreError> {
    let key = bcs::to_bytes(METADATA_KEY).expect("bytes serialize");
    blob.metadata = child::<Metadata>(store, blob.id, &bytes_type(), &key)?;
    Ok(())
}

fn attach_children(store: &Store, obj: Obj) -> Result<Obj, StoreError> {
    Ok(match obj {
        Obj::Twin(TwinObject::System(mut system)) => {
            let key = bcs::to_bytes(&system.version).expect("u64 serializes");
            let mut inner: SystemStateInnerV1 = child(store, system.id, &TypeTag::U64, &key)?
                .ok_or_else(|| corrupt("system", "the state dynamic field is missing"))?;
            for entry_id in store.children(&inner.invalid_blob_ids.id)? {
                let object = store.object(&entry_id)?.ok_or_else(|| corrupt("table entry", "dangling index"))?;
                let field: Field<U256, u32> =
                    bcs::from_bytes(move_struct(&object)?.contents()).map_err(|e| corrupt("table entry", e))?;
                inner.invalid_blob_ids.entries.insert(field.name, field.value);
            }
            system.inner = Some(inner);
            Obj::Twin(TwinObject::System(system))
        }
        Obj::Twin(TwinObject::Blob(mut blob)) => {
            load_blob_children(store, &mut blob)?;
            Obj::Twin(TwinObject::Blob(blob))
        }
        Obj::Twin(TwinObject::SharedBlob(mut shared)) => {
            load_blob_children(store, &mut shared.blob)?;
            Obj::Twin(TwinObject::SharedBlob(shared))
        }
        Obj::Twin(TwinObject::Staking(mut staking)) => {
            load_staking_children(store, &mut staking)?;
            Obj::Twin(TwinObject::Staking(staking))
        }
        Obj::Twin(TwinObject::StakedWal(mut staked)) => {
            let key = bcs::to_bytes(VOTE_LOCK_KEY).expect("bytes serialize");
            staked.vote_locked_until_ms = child::<u64>(store, staked.id, &bytes_type(), &key)?;
            Obj::Twin(TwinObject::StakedWal(staked))
        }
        Obj::Twin(TwinObject::Governance(mut governance)) => {
            for entry_id in store.children(&governance.proposals.id)? {
                let object = store.object(&entry_id)?.ok_or_else(|| corrupt("proposal entry", "dangling index"))?;
                let field: Field<u64, ObjectId> =
                    bcs::from_bytes(move_struct(&object)?.contents()).map_err(|e| corrupt("proposal entry", e))?;
                governance.proposals.entries.insert(field.name, field.value);
            }
            Obj::Twin(TwinObject::Governance(governance))
        }
        Obj::Twin(TwinObject::Proposal(mut proposal)) => {
            for entry_id in store.children(&proposal.votes.id)? {
                let object = store.object(&entry_id)?.ok_or_else(|| corrupt("vote entry", "dangling index"))?;
                let field: Field<ObjectId, VoteRecord> =
                    bcs::from_bytes(move_struct(&object)?.contents()).map_err(|e| corrupt("vote entry", e))?;
                proposal.votes.entries.insert(field.name, field.value);
            }
            Obj::Twin(TwinObject::Proposal(proposal))
        }
        other => other,
    })
}

/// The staking state and its tables: the pools, and each pool's exchange rates.
fn load_staking_children(store: &Store, staking: &mut Staking) -> Result<(), StoreError> {
    let key = bcs::to_bytes(&staking.version).expect("u64 serializes");
    let mut inner: StakingInnerV1 = child(store, staking.id, &TypeTag::U64, &key)?
        .ok_or_else(|| corrupt("staking", "the state dynamic field is missing"))?;
    for entry_id in store.children(&inner.pools.id)? {
        let object = store.object(&entry_id)?.ok_or_else(|| corrupt("pool entry", "dangling index"))?;
        let field: Field<ObjectId, StakingPool> =
            bcs::from_bytes(move_struct(&object)?.contents()).map_err(|e| corrupt("pool entry", e))?;
        let mut pool = field.value;
        for rate_id in store.children(&pool.exchange_rates.id)? {
            let object = store.object(&rate_id)?.ok_or_else(|| corrupt("exchange rate", "dangling index"))?;
            let rate: Field<u32, PoolExchangeRate> =
                bcs::from_bytes(move_struct(&object)?.contents()).map_err(|e| corrupt("exchange rate", e))?;
            pool.exchange_rates.entries.insert(rate.name, rate.value);
        }
        inner.pools.entries.insert(field.name, pool);
    }
    staking.inner = Some(inner);
    Ok(())
}

/// The table objects under a staking object, whose entries are its grandchildren.
pub fn staking_tables(staking: &Staking) -> Vec<ObjectId> {
    let Some(inner) = &staking.inner else { return Vec::new() };
    std::iter::once(inner.pools.id).chain(inner.pools.entries.values().map(|p| p.exchange_rates.id)).collect()
}

/// A Sui object of `obj` at `version` with `owner`.
pub fn to_sui_object(obj: &Obj, owner: Owner, version: u64, previous_transaction: Digest) -> Object {
    let data = MoveStruct::new(obj.struct_tag(), obj.has_public_transfer(), version, obj.contents())
        .expect("every object starts with its id");
    Object::new(ObjectData::Struct(data), owner, previous_transaction, 0)
}

/// A dynamic field of an object, as a child object without a version yet.
pub struct Child {
    /// The object the field belongs to.
    pub parent: ObjectId,
    /// The field object's id.
    pub id: ObjectId,
    /// Its type, `0x2::dynamic_field::Field<K, V>`.
    pub tag: sui_sdk_types::StructTag,
    /// Its BCS contents.
    pub contents: Vec<u8>,
}

/// The dynamic fields of `obj` as child objects.
pub fn children_of(obj: &Obj) -> Vec<Child> {
    let mut out = Vec::new();
    let blob_children = |blob: &Blob, out: &mut Vec<_>| {
        if let Some(metadata) = &blob.metadata {
            let key = bcs::to_bytes(METADATA_KEY).expect("bytes serialize");
            let id = dynamic_field_id(blob.id, &bytes_type(), &key);
            let field = Field { id, name: METADATA_KEY.to_vec(), value: metadata.clone() };
            out.push(Child {
                parent: blob.id,
                id,
                tag: field_tag(bytes_type(), metadata_type()),
                contents: bcs::to_bytes(&field).expect("fields serialize"),
            });
        }
    };
    match obj {
        Obj::Twin(TwinObject::System(system)) => {
            let inner = system.inner.as_ref().expect("loaded with the system");
            let key = bcs::to_bytes(&system.version).expect("u64 serializes");
            let id = dynamic_field_id(system.id, &TypeTag::U64, &key);
            let field = Field { id, name: system.version, value: inner };
            out.push(Child {
                parent: system.id,
                id,
                tag: field_tag(TypeTag::U64, system_inner_type()),
                contents: bcs::to_bytes(&field).expect("fields serialize"),
            });
            let table = inner.invalid_blob_ids.id;
            for (blob_id, epoch) in &inner.invalid_blob_ids.entries {
                let key = bcs::to_bytes(blob_id).expect("u256 serializes");
                let id = dynamic_field_id(table, &TypeTag::U256, &key);
                let field = Field { id, name: *blob_id, value: *epoch };
                out.push(Child {
                    parent: table,
                    id,
                    tag: field_tag(TypeTag::U256, TypeTag::U32),
                    contents: bcs::to_bytes(&field).expect("fields serialize"),
                });
            }
        }
        Obj::Twin(TwinObject::StakedWal(staked)) => {
            if let Some(locked_until) = staked.vote_locked_until_ms {
                let key = bcs::to_bytes(VOTE_LOCK_KEY).expect("bytes serialize");
                let id = dynamic_field_id(staked.id, &bytes_type(), &key);
                let field = Field { id, name: VOTE_LOCK_KEY.to_vec(), value: locked_until };
                out.push(Child {
                    parent: staked.id,
                    id,
                    tag: field_tag(bytes_type(), TypeTag::U64),
                    contents: bcs::to_bytes(&field).expect("fields serialize"),
                });
            }
        }
        Obj::Twin(TwinObject::Governance(governance)) => {
            let table = governance.proposals.id;
            for (number, proposal_id) in &governance.proposals.entries {
                let key = bcs::to_bytes(number).expect("u64 serializes");
                let id = dynamic_field_id(table, &TypeTag::U64, &key);
                let field = Field { id, name: *number, value: *proposal_id };
                out.push(Child {
                    parent: table,
                    id,
                    tag: field_tag(TypeTag::U64, id_type()),
                    contents: bcs::to_bytes(&field).expect("fields serialize"),
                });
            }
        }
        Obj::Twin(TwinObject::Proposal(proposal)) => {
            let table = proposal.votes.id;
            for (staked_wal_id, record) in &proposal.votes.entries {
                let key = bcs::to_bytes(staked_wal_id).expect("ids serialize");
                let id = dynamic_field_id(table, &id_type(), &key);
                let field = Field { id, name: *staked_wal_id, value: *record };
                out.push(Child {
                    parent: table,
                    id,
                    tag: field_tag(id_type(), vote_record_type()),
                    contents: bcs::to_bytes(&field).expect("fields serialize"),
                });
            }
        }
        Obj::Twin(TwinObject::Blob(blob)) => blob_children(blob, &mut out),
        Obj::Twin(TwinObject::SharedBlob(shared)) => blob_children(&shared.blob, &mut out),
        Obj::Twin(TwinObject::Staking(staking)) => {
            let inner = staking.inner.as_ref().expect("loaded with the staking object");
            let key = bcs::to_bytes(&staking.version).expect("u64 serializes");
            let id = dynamic_field_id(staking.id, &TypeTag::U64, &key);
            let field = Field { id, name: staking.version, value: inner };
            out.push(Child {
                parent: staking.id,
                id,
                tag: field_tag(TypeTag::U64, staking_inner_type()),
                contents: bcs::to_bytes(&field).expect("fields serialize"),
            });
            let table = inner.pools.id;
            for (node_id, pool) in &inner.pools.entries {
                let key = bcs::to_bytes(node_id).expect("ids serialize");
                let id = dynamic_field_id(table, &id_type(), &key);
                let field = Field { id, name: *node_id, value: pool };
                out.push(Child {
                    parent: table,
                    id,
                    tag: field_tag(id_type(), staking_pool_type()),
                    contents: bcs::to_bytes(&field).expect("fields serialize"),
                });
                let rates = pool.exchange_rates.id;
                for (epoch, rate) in &pool.exchange_rates.entries {
                    let key = bcs::to_bytes(epoch).expect("u32 serializes");
                    let id = dynamic_field_id(rates, &TypeTag::U32, &key);
                    let field = Field { id, name: *epoch, value: *rate };
                    out.push(Child {
                        parent: rates,
                        id,
                        tag: field_tag(TypeTag::U32, exchange_rate_type()),
                        contents: bcs::to_bytes(&field).expect("fields serialize"),
                    });
                }
            }
        }
        _ => {}
    }
    out
}

/// The Sui object of a dynamic field.
pub fn child_object(
    parent: ObjectId,
    tag: sui_sdk_types::StructTag,
    contents: Vec<u8>,
    version: u64,
    previous: Digest,
) -> Object {
    let data = MoveStruct::new(tag, false, version, contents).expect("fields start with their id");
    Object::new(ObjectData::Struct(data), Owner::Object(to_address(parent)), previous, 0)
}
