//! Reads: objects decoded into the twin structs of `walrus-contracts`, the system state, owned
//! objects, balances and prices.

use std::str::FromStr;

use serde::de::DeserializeOwned;
use sui_rpc::field::{FieldMask, FieldMaskUtil};
use sui_rpc::proto::sui::rpc::v2 as proto;
use sui_sdk_types::{Address, Digest, Identifier, ObjectReference, Owner, StructTag, TypeTag};
use walrus_contracts::{
    Coin,
    access_policy::{AccessPolicy, AccessPolicyAdminCap},
    blob::Blob,
    bls_aggregate::Committee,
    metadata::Metadata,
    shared_blob::SharedBlob,
    storage_resource::Storage,
    system::System,
    system_state_inner::{BYTES_PER_UNIT_SIZE, SystemStateInnerV1},
};

use super::{ChainError, ChainResult, WalrusChainClient};

/// The fields of an object the client decodes.
const OBJECT_READ_MASK: &str = "object_id,version,digest,owner,object_type,contents";
/// Objects per `ListOwnedObjects` page (Sui's maximum).
pub const OWNED_OBJECTS_PAGE_SIZE: u32 = 1000;
/// The key of a blob's attributes dynamic field: `b"metadata"` (`docs/chain.md` §2).
pub const BLOB_ATTRIBUTES_KEY: &[u8] = b"metadata";

/// An object as stored on chain: its reference, owner, Move type and BCS contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawObject {
    /// Id, version and digest: what a transaction names it by.
    pub reference: ObjectReference,
    /// Who owns it.
    pub owner: Owner,
    /// Its Move type.
    pub object_type: StructTag,
    /// The BCS bytes of the Move struct (dynamic fields are separate objects).
    pub contents: Vec<u8>,
}

impl RawObject {
    /// Decodes a `sui.rpc.v2` object read with the client's read mask.
    pub(crate) fn from_proto(operation: &'static str, message: &proto::Object) -> ChainResult<Self> {
        let malformed = |message: String| ChainError::MalformedResponse { operation, message };
        if let Some(bcs) = message.bcs.as_ref().filter(|_| message.contents.is_none()) {
            let object: sui_sdk_types::Object = bcs.deserialize().map_err(|e| malformed(format!("object bcs: {e}")))?;
            let reference = ObjectReference::new(object.object_id(), object.version(), object.digest());
            let s = object.as_struct().ok_or_else(|| malformed(format!("{} is a package", object.object_id())))?;
            return Ok(Self {
                reference,
                owner: *object.owner(),
                object_type: s.object_type().clone(),
                contents: s.contents().to_vec(),
            });
        }
        let id: Address = parse(message.object_id.as_deref(), "object_id").map_err(malformed)?;
        let version = message.version.ok_or_else(|| malformed(format!("object {id} has no version")))?;
        let digest: Digest = parse(message.digest.as_deref(), "digest").map_err(malformed)?;
        let owner = message
            .owner
            .as_ref()
            .ok_or_else(|| malformed(format!("object {id} has no owner")))
            .and_then(|o| Owner::try_from(o).map_err(|e| malformed(format!("owner of {id}: {e}"))))?;
        let object_type: StructTag = parse(message.object_type.as_deref(), "object_type").map_err(malformed)?;
        let contents = message
            .contents
            .as_ref()
            .and_then(|c| c.value.as_ref())
            .ok_or_else(|| malformed(format!("object {id} has no contents")))?
            .to_vec();
        Ok(Self { reference: ObjectReference::new(id, version, digest), owner, object_type, contents })
    }

    /// The object's id.
    pub fn id(&self) -> Address {
        *self.reference.object_id()
    }

    /// Decodes the contents as `T` after checking the type is `expected`.
    pub fn decode<T: DeserializeOwned>(self, expected: &StructTag) -> ChainResult<ChainObject<T>> {
        if &self.object_type != expected {
            return Err(ChainError::WrongObjectType {
                id: self.id(),
                expected: expected.to_string(),
                found: self.object_type.to_string(),
            });
        }
        let value = bcs::from_bytes(&self.contents).map_err(|e| ChainError::Decode {
            id: self.id(),
            type_name: expected.to_string(),
            message: e.to_string(),
        })?;
        Ok(ChainObject { reference: self.reference, owner: self.owner, value })
    }
}

fn parse<T: FromStr>(value: Option<&str>, field: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    let value = value.ok_or_else(|| format!("`{field}` is missing"))?;
    value.parse().map_err(|e| format!("`{field}` = {value:?}: {e}"))
}

/// An object decoded into its twin struct, with its reference and owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainObject<T> {
    /// Id, version and digest at the time of reading.
    pub reference: ObjectReference,
    /// Who owns it (an address, or `Shared` with its initial shared version).
    pub owner: Owner,
    /// The decoded Move struct.
    pub value: T,
}

impl<T> ChainObject<T> {
    /// The object's id.
    pub fn id(&self) -> Address {
        *self.reference.object_id()
    }

    /// The version read.
    pub fn version(&self) -> u64 {
        self.reference.version()
    }

    /// The version at which the object became shared, if it is shared.
    pub fn initial_shared_version(&self) -> Option<u64> {
        match self.owner {
            Owner::Shared(version) => Some(version),
            _ => None,
        }
    }
}

/// The state of the storage system, read from the `System` object and its state dynamic field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SystemInfo {
    /// The current Walrus epoch.
    pub epoch: u32,
    /// Number of shards.
    pub n_shards: u16,
    /// The committee of the current epoch.
    pub committee: Committee,
    /// Price of storage in FROST per MiB (unit size) of encoded size per epoch.
    pub storage_price_per_unit_size_frost: u64,
    /// One-off write fee in FROST per MiB of encoded size.
    pub write_price_per_unit_size_frost: u64,
    /// Encoded bytes the system sells per epoch.
    pub total_capacity_size_bytes: u64,
    /// Encoded bytes sold for the current epoch.
    pub used_capacity_size_bytes: u64,
    /// How many epochs ahead storage can be bought.
    pub max_epochs_ahead: u32,
    /// The shared `Staking` object that drives the epochs, once created.
    pub staking_object: Option<Address>,
    /// The full state, for what the fields above leave out.
    pub state: SystemStateInnerV1,
}

impl SystemInfo {
    fn new(state: SystemStateInnerV1) -> Self {
        let used_capacity_size_bytes = state.future_accounting.account(0).map(|a| a.used_capacity).unwrap_or(0);
        Self {
            epoch: state.epoch,
            n_shards: state.n_shards,
            committee: state.committee.clone(),
            storage_price_per_unit_size_frost: state.storage_price_per_unit_size,
            write_price_per_unit_size_frost: state.write_price_per_unit_size,
            total_capacity_size_bytes: state.total_capacity_size,
            used_capacity_size_bytes,
            max_epochs_ahead: state.max_epochs_ahead,
            staking_object: state.staking_object_id.map(|id| Address::new(id.0)),
            state,
        }
    }

    /// What `system::reserve_space(storage_size_bytes, epochs_ahead)` costs, in FROST: the same
    /// formula as the Move `system::storage_cost`.
    pub fn storage_cost_frost(&self, storage_size_bytes: u64, epochs_ahead: u32) -> ChainResult<u128> {
        let units = u128::from(storage_size_bytes.div_ceil(BYTES_PER_UNIT_SIZE));
        let overflow = || ChainError::PriceOverflow { storage_size_bytes, epochs_ahead };
        let per_epoch = u128::from(self.storage_price_per_unit_size_frost).checked_mul(units).ok_or_else(overflow)?;
        let write_fee = u128::from(self.write_price_per_unit_size_frost).checked_mul(units).ok_or_else(overflow)?;
        per_epoch.checked_mul(u128::from(epochs_ahead)).and_then(|p| p.checked_add(write_fee)).ok_or_else(overflow)
    }

    /// What `system::extend_blob` costs for a blob of `storage_size_bytes` and `epochs_ahead`
    /// more epochs, in FROST (no write fee).
    pub fn extension_cost_frost(&self, storage_size_bytes: u64, epochs_ahead: u32) -> ChainResult<u128> {
        let units = u128::from(storage_size_bytes.div_ceil(BYTES_PER_UNIT_SIZE));
        u128::from(self.storage_price_per_unit_size_frost)
            .checked_mul(units)
            .and_then(|p| p.checked_mul(u128::from(epochs_ahead)))
            .ok_or(ChainError::PriceOverflow { storage_size_bytes, epochs_ahead })
    }

    /// The encoded size of a blob of `unencoded_size_bytes` with this system's shard count: the
    /// storage it must be registered with.
    pub fn encoded_size_bytes(&self, unencoded_size_bytes: u64) -> ChainResult<u64> {
        walrus_contracts::encoding::encoded_size_bytes(unencoded_size_bytes, self.n_shards).map_err(|abort| {
            ChainError::InvalidArgument(format!(
                "a blob of {unencoded_size_bytes} bytes cannot be encoded for {} shards ({abort})",
                self.n_shards
            ))
        })
    }
}

impl WalrusChainClient {
    fn ident(name: &str) -> Identifier {
        Identifier::new(name).unwrap_or_else(|e| unreachable!("`{name}` is a fixed Move identifier: {e}"))
    }

    /// `<walrus package>::module::name`.
    pub(crate) fn walrus_type(&self, module: &str, name: &str) -> StructTag {
        StructTag::new(self.deployment().walrus_package, Self::ident(module), Self::ident(name), vec![])
    }

    /// The WAL coin type `<wal package>::wal::WAL`.
    pub fn wal_coin_type(&self) -> TypeTag {
        TypeTag::Struct(Box::new(StructTag::new(
            self.deployment().wal_package,
            Self::ident("wal"),
            Self::ident("WAL"),
            vec![],
        )))
    }

    /// `walrus::blob::Blob`.
    pub fn blob_type(&self) -> StructTag {
        self.walrus_type("blob", "Blob")
    }

    /// `walrus::storage_resource::Storage`.
    pub fn storage_type(&self) -> StructTag {
        self.walrus_type("storage_resource", "Storage")
    }

    /// `walrus::shared_blob::SharedBlob`.
    pub fn shared_blob_type(&self) -> StructTag {
        self.walrus_type("shared_blob", "SharedBlob")
    }

    /// `walrus::system::AdminCap`.
    pub fn admin_cap_type(&self) -> StructTag {
        self.walrus_type("system", "AdminCap")
    }

    /// `walrus::access_policy::AccessPolicy`.
    pub fn access_policy_type(&self) -> StructTag {
        self.walrus_type("access_policy", "AccessPolicy")
    }

    /// `walrus::access_policy::AccessPolicyAdminCap`.
    pub fn access_policy_admin_cap_type(&self) -> StructTag {
        self.walrus_type("access_policy", "AccessPolicyAdminCap")
    }

    /// Reads the latest version of an object.
    pub async fn get_raw_object(&self, id: Address) -> ChainResult<RawObject> {
        let request = proto::GetObjectRequest::new(&id).with_read_mask(FieldMask::from_str(OBJECT_READ_MASK));
        let response = self.rpc().ledger_client().get_object(self.request(request)).await.map_err(|status| {
            if status.code() == tonic::Code::NotFound {
                ChainError::ObjectNotFound { id }
            } else {
                self.rpc_error("GetObject", &status)
            }
        })?;
        RawObject::from_proto("GetObject", response.get_ref().object())
    }

    /// Reads an object, or `None` if it does not exist.
    pub(crate) async fn try_get_raw_object(&self, id: Address) -> ChainResult<Option<RawObject>> {
        match self.get_raw_object(id).await {
            Ok(object) => Ok(Some(object)),
            Err(ChainError::ObjectNotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The current reference (id, version, digest) of an object.
    pub async fn object_reference(&self, id: Address) -> ChainResult<ObjectReference> {
        Ok(self.get_raw_object(id).await?.reference)
    }

    /// A `Blob` with its attributes (`blob.metadata`).
    pub async fn get_blob(&self, id: Address) -> ChainResult<ChainObject<Blob>> {
        let mut blob: ChainObject<Blob> = self.get_raw_object(id).await?.decode(&self.blob_type())?;
        blob.value.metadata = self.blob_attributes(id).await?;
        Ok(blob)
    }

    /// The attributes of the blob object `blob_object_id` (the `b"metadata"` dynamic field), or
    /// `None` if it has none.
    pub async fn blob_attributes(&self, blob_object_id: Address) -> ChainResult<Option<Metadata>> {
        let key = bcs::to_bytes(BLOB_ATTRIBUTES_KEY).unwrap_or_else(|e| unreachable!("bytes serialize: {e}"));
        let key_type = TypeTag::Vector(Box::new(TypeTag::U8));
        let field_id = blob_object_id.derive_dynamic_child_id(&key_type, &key);
        let Some(field) = self.try_get_raw_object(field_id).await? else { return Ok(None) };
        let value_type = TypeTag::Struct(Box::new(self.walrus_type("metadata", "Metadata")));
        let field: ChainObject<DynamicField<Vec<u8>, Metadata>> =
            field.decode(&dynamic_field_type(key_type, value_type))?;
        Ok(Some(field.value.value))
    }

    /// A `Storage` resource.
    pub async fn get_storage(&self, id: Address) -> ChainResult<ChainObject<Storage>> {
        self.get_raw_object(id).await?.decode(&self.storage_type())
    }

    /// A `SharedBlob` with its blob's attributes.
    pub async fn get_shared_blob(&self, id: Address) -> ChainResult<ChainObject<SharedBlob>> {
        let mut shared: ChainObject<SharedBlob> = self.get_raw_object(id).await?.decode(&self.shared_blob_type())?;
        shared.value.blob.metadata = self.blob_attributes(Address::new(shared.value.blob.id.0)).await?;
        Ok(shared)
    }

    /// An `AccessPolicy` (shared): name, readers, expiry epoch, version.
    pub async fn get_access_policy(&self, id: Address) -> ChainResult<ChainObject<AccessPolicy>> {
        self.get_raw_object(id).await?.decode(&self.access_policy_type())
    }

    /// An `AccessPolicyAdminCap`: which policy it administers.
    pub async fn get_access_policy_admin_cap(&self, id: Address) -> ChainResult<ChainObject<AccessPolicyAdminCap>> {
        self.get_raw_object(id).await?.decode(&self.access_policy_admin_cap_type())
    }

    /// The `AccessPolicyAdminCap`s `owner` owns.
    pub async fn owned_access_policy_admin_caps(
        &self,
        owner: Address,
    ) -> ChainResult<Vec<ChainObject<AccessPolicyAdminCap>>> {
        let cap_type = self.access_policy_admin_cap_type();
        self.owned_objects(owner, &cap_type).await?.into_iter().map(|o| o.decode(&cap_type)).collect()
    }

    /// The `System` object with its state (`system.inner`), read from the state dynamic field
    /// named by the system's version.
    pub async fn get_system(&self) -> ChainResult<ChainObject<System>> {
        let id = self.deployment().system_object;
        let mut system: ChainObject<System> =
            self.get_raw_object(id).await?.decode(&self.walrus_type("system", "System"))?;
        let key = bcs::to_bytes(&system.value.version).unwrap_or_else(|e| unreachable!("u64 serializes: {e}"));
        let field_id = id.derive_dynamic_child_id(&TypeTag::U64, &key);
        let state_type = TypeTag::Struct(Box::new(self.walrus_type("system_state_inner", "SystemStateInnerV1")));
        let field: ChainObject<DynamicField<u64, SystemStateInnerV1>> =
            self.get_raw_object(field_id).await?.decode(&dynamic_field_type(TypeTag::U64, state_type))?;
        system.value.inner = Some(field.value.value);
        Ok(system)
    }

    /// The current epoch, committee, prices and capacity.
    pub async fn system_info(&self) -> ChainResult<SystemInfo> {
        let system = self.get_system().await?;
        let state = system.value.inner.ok_or_else(|| ChainError::MalformedResponse {
            operation: "GetObject",
            message: "the System has no state".into(),
        })?;
        Ok(SystemInfo::new(state))
    }

    /// What reserving `storage_size_bytes` for `epochs_ahead` epochs costs now, in FROST (the
    /// Move `system::storage_cost`).
    pub async fn storage_cost(&self, storage_size_bytes: u64, epochs_ahead: u32) -> ChainResult<u128> {
        self.system_info().await?.storage_cost_frost(storage_size_bytes, epochs_ahead)
    }

    /// Every object of type `object_type` that `owner` owns, in the order the node lists them.
    pub async fn owned_objects(&self, owner: Address, object_type: &StructTag) -> ChainResult<Vec<RawObject>> {
        let mut objects = Vec::new();
        let mut page_token = None;
        loop {
            let mut request = proto::ListOwnedObjectsRequest::default()
                .with_owner(owner.to_string())
                .with_object_type(object_type.to_string())
                .with_page_size(OWNED_OBJECTS_PAGE_SIZE)
                .with_read_mask(FieldMask::from_str(OBJECT_READ_MASK));
            if let Some(token) = page_token.take() {
                request = request.with_page_token(token);
            }
            let response = self
                .rpc()
                .state_client()
                .list_owned_objects(self.request(request))
                .await
                .map_err(|status| self.rpc_error("ListOwnedObjects", &status))?
                .into_inner();
            for object in &response.objects {
                objects.push(RawObject::from_proto("ListOwnedObjects", object)?);
            }
            match response.next_page_token {
                Some(token) if !token.is_empty() => page_token = Some(token),
                _ => return Ok(objects),
            }
        }
    }

    /// The `Blob` objects `owner` owns (without attributes; [`Self::get_blob`] adds them).
    pub async fn owned_blobs(&self, owner: Address) -> ChainResult<Vec<ChainObject<Blob>>> {
        let blob_type = self.blob_type();
        self.owned_objects(owner, &blob_type).await?.into_iter().map(|o| o.decode(&blob_type)).collect()
    }

    /// The `Storage` resources `owner` owns.
    pub async fn owned_storage(&self, owner: Address) -> ChainResult<Vec<ChainObject<Storage>>> {
        let storage_type = self.storage_type();
        self.owned_objects(owner, &storage_type).await?.into_iter().map(|o| o.decode(&storage_type)).collect()
    }

    /// The `AdminCap`s `owner` owns (the administrator has one).
    pub async fn owned_admin_caps(&self, owner: Address) -> ChainResult<Vec<Address>> {
        Ok(self.owned_objects(owner, &self.admin_cap_type()).await?.iter().map(RawObject::id).collect())
    }

    /// The coins of `coin_type` that `owner` owns, decoded.
    pub async fn owned_coins(&self, owner: Address, coin_type: &TypeTag) -> ChainResult<Vec<ChainObject<Coin>>> {
        let tag = StructTag::coin(coin_type.clone());
        self.owned_objects(owner, &tag).await?.into_iter().map(|o| o.decode(&tag)).collect()
    }

    async fn balance(&self, owner: Address, coin_type: &TypeTag) -> ChainResult<u64> {
        let request =
            proto::GetBalanceRequest::default().with_owner(owner.to_string()).with_coin_type(coin_type.to_string());
        let response = self
            .rpc()
            .state_client()
            .get_balance(self.request(request))
            .await
            .map_err(|status| self.rpc_error("GetBalance", &status))?;
        Ok(response.get_ref().balance().balance())
    }

    /// The SUI `owner` holds, in MIST.
    pub async fn sui_balance(&self, owner: Address) -> ChainResult<u64> {
        self.balance(owner, &StructTag::sui().into()).await
    }

    /// The WAL `owner` holds, in FROST.
    pub async fn wal_balance(&self, owner: Address) -> ChainResult<u64> {
        self.balance(owner, &self.wal_coin_type()).await
    }

    /// The network's reference gas price, in MIST per unit.
    pub async fn reference_gas_price(&self) -> ChainResult<u64> {
        let request = proto::GetEpochRequest::latest().with_read_mask(FieldMask::from_str("reference_gas_price"));
        let response = self
            .rpc()
            .ledger_client()
            .get_epoch(self.request(request))
            .await
            .map_err(|status| self.rpc_error("GetEpoch", &status))?;
        response.get_ref().epoch().reference_gas_price_opt().ok_or_else(|| ChainError::MalformedResponse {
            operation: "GetEpoch",
            message: "no reference gas price".into(),
        })
    }

    /// The gas price transactions use: the configured one, else the reference price (read once).
    pub(crate) async fn gas_price(&self) -> ChainResult<u64> {
        if let Some(price) = self.options().gas_price_mist {
            return Ok(price);
        }
        self.inner.gas_price_mist.get_or_try_init(|| self.reference_gas_price()).await.copied()
    }

    /// The sequence number of the latest checkpoint.
    pub async fn latest_checkpoint(&self) -> ChainResult<u64> {
        let request = proto::GetCheckpointRequest::latest().with_read_mask(FieldMask::from_str("sequence_number"));
        let response = self
            .rpc()
            .ledger_client()
            .get_checkpoint(self.request(request))
            .await
            .map_err(|status| self.rpc_error("GetCheckpoint", &status))?;
        response.get_ref().checkpoint().sequence_number_opt().ok_or_else(|| ChainError::MalformedResponse {
            operation: "GetCheckpoint",
            message: "no sequence number".into(),
        })
    }
}

/// `0x2::dynamic_field::Field<K, V>`: a dynamic field as stored (its own UID, the name, the
/// value).
#[derive(serde::Deserialize)]
pub(crate) struct DynamicField<K, V> {
    _id: Address,
    _name: K,
    pub(crate) value: V,
}

pub(crate) fn dynamic_field_type(key: TypeTag, value: TypeTag) -> StructTag {
    StructTag::new(
        Address::TWO,
        Identifier::from_static("dynamic_field"),
        Identifier::from_static("Field"),
        vec![key, value],
    )
}
