//! `StateService`: owned objects, coin balances and dynamic fields.

use std::collections::BTreeMap;

use prost::bytes::Bytes;
use sui_rpc::{
    field::FieldMaskTree,
    proto::sui::rpc::v2::{
        self as proto, GetBalanceRequest, GetBalanceResponse, ListBalancesRequest, ListBalancesResponse,
        ListDynamicFieldsRequest, ListDynamicFieldsResponse, ListOwnedObjectsRequest, ListOwnedObjectsResponse,
        dynamic_field::DynamicFieldKind, state_service_server::StateService,
    },
};
use sui_sdk_types::{Address, Identifier, Object, ObjectData, StructTag, TypeTag};
use tonic::{Request, Response, Status};

use super::{RpcService, convert, store_status};
use crate::{LocalChain, types::to_object_id};

/// Sui's default read masks for these calls.
const OWNED_OBJECTS_MASK: &str = "object_id,version,object_type";
const DYNAMIC_FIELDS_MASK: &str = "parent,field_id";
/// Page size when the request gives none.
pub const DEFAULT_PAGE_SIZE: usize = 50;
/// The largest page a request may ask for (Sui's limit).
pub const MAX_PAGE_SIZE: usize = 1000;

fn page_size(requested: Option<u32>) -> usize {
    match requested {
        None | Some(0) => DEFAULT_PAGE_SIZE,
        Some(size) => (size as usize).min(MAX_PAGE_SIZE),
    }
}

/// Page tokens are the sort key of the last item returned; the next page starts after it.
fn after_token(token: &Option<Bytes>) -> Option<&[u8]> {
    token.as_deref().filter(|t| !t.is_empty())
}

/// An object type filter: `address`, `address::module`, `address::module::Name` (any type
/// arguments) or a full type with arguments, as Sui accepts them.
enum TypeFilter {
    Package(Address),
    Module(Address, Identifier),
    Name(Address, Identifier, Identifier),
    Exact(StructTag),
}

impl TypeFilter {
    fn parse(filter: &str) -> Result<Self, Status> {
        let invalid = |e: &dyn std::fmt::Display| {
            Status::invalid_argument(format!("`object_type` = {filter:?} is not a Move type: {e}"))
        };
        if filter.contains('<') {
            return filter.parse().map(Self::Exact).map_err(|e| invalid(&e));
        }
        let parts: Vec<&str> = filter.split("::").collect();
        let address = || parts[0].parse::<Address>().map_err(|e| invalid(&e));
        let ident = |s: &str| Identifier::new(s).map_err(|e| invalid(&e));
        match parts.len() {
            1 => Ok(Self::Package(address()?)),
            2 => Ok(Self::Module(address()?, ident(parts[1])?)),
            3 => Ok(Self::Name(address()?, ident(parts[1])?, ident(parts[2])?)),
            _ => Err(invalid(&"expected address[::module[::Name[<T, ...>]]]")),
        }
    }

    fn matches(&self, object: &Object) -> bool {
        let ObjectData::Struct(s) = object.data() else { return false };
        let tag = s.object_type();
        match self {
            Self::Package(a) => tag.address() == a,
            Self::Module(a, m) => tag.address() == a && tag.module() == m,
            Self::Name(a, m, n) => tag.address() == a && tag.module() == m && tag.name() == n,
            Self::Exact(exact) => tag == exact,
        }
    }
}

fn parse_coin_type(value: Option<&str>) -> Result<TypeTag, Status> {
    let value = value.ok_or_else(|| Status::invalid_argument("missing `coin_type`, e.g. 0x2::sui::SUI"))?;
    value.parse().map_err(|e| Status::invalid_argument(format!("`coin_type` = {value:?} is not a Move type: {e}")))
}

/// Coin totals of an owner per coin type (keyed by the type's canonical string).
fn balances(chain: &LocalChain, owner: Address) -> Result<BTreeMap<String, (TypeTag, u64)>, Status> {
    let mut totals: BTreeMap<String, (TypeTag, u64)> = BTreeMap::new();
    for object in chain.owned_objects(owner).map_err(store_status)? {
        if let Some((coin_type, balance)) = convert::coin_balance(&object) {
            let entry = totals.entry(coin_type.to_string()).or_insert((coin_type, 0));
            // The supply of any coin fits in u64, so the sum of one owner's coins does too.
            entry.1 = entry.1.saturating_add(balance);
        }
    }
    Ok(totals)
}

fn balance_message(coin_type: &TypeTag, total: u64) -> proto::Balance {
    let mut balance = proto::Balance::default();
    balance.coin_type = Some(coin_type.to_string());
    balance.balance = Some(total);
    // The local chain has no address balances: everything is in coins.
    balance.address_balance = Some(0);
    balance.coin_balance = Some(total);
    balance
}

/// The BCS length of a value of `tag` at the start of `bytes`, for the key types dynamic
/// fields use (primitives and vectors of them). `None` for types whose layout needs the
/// package's type definitions (structs).
fn bcs_len(tag: &TypeTag, bytes: &[u8]) -> Option<usize> {
    Some(match tag {
        TypeTag::Bool | TypeTag::U8 => 1,
        TypeTag::U16 => 2,
        TypeTag::U32 => 4,
        TypeTag::U64 => 8,
        TypeTag::U128 => 16,
        TypeTag::U256 | TypeTag::Address | TypeTag::Signer => 32,
        TypeTag::Vector(element) => {
            let (count, mut offset) = uleb128(bytes)?;
            for _ in 0..count {
                offset += bcs_len(element, bytes.get(offset..)?)?;
            }
            offset
        }
        TypeTag::Struct(_) => return None,
    })
}

fn uleb128(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut value = 0usize;
    for (i, byte) in bytes.iter().enumerate().take(10) {
        value |= usize::from(byte & 0x7f).checked_shl(7 * i as u32)?;
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

/// A child object `0x2::dynamic_field::Field<K, V>` as a `DynamicField`.
fn dynamic_field(parent: Address, field: &Object, mask: &FieldMaskTree) -> proto::DynamicField {
    let mut message = proto::DynamicField::default();
    if mask.contains(proto::DynamicField::KIND_FIELD.name) {
        message.set_kind(DynamicFieldKind::Field);
    }
    if mask.contains(proto::DynamicField::PARENT_FIELD.name) {
        message.parent = Some(parent.to_string());
    }
    if mask.contains(proto::DynamicField::FIELD_ID_FIELD.name) {
        message.field_id = Some(field.object_id().to_string());
    }
    if let Some(submask) = mask.subtree(proto::DynamicField::FIELD_OBJECT_FIELD.name) {
        message.field_object = Some(convert::object(field, &submask));
    }
    let Some(s) = field.as_struct() else { return message };
    let [key_type, value_type] = s.object_type().type_params() else { return message };
    // Contents: the field's UID, the name, the value.
    let after_id = s.contents().get(32..).unwrap_or_default();
    if let Some(name_len) = bcs_len(key_type, after_id).filter(|len| *len <= after_id.len()) {
        if mask.contains(proto::DynamicField::NAME_FIELD.name) {
            let mut name = proto::Bcs::from(after_id[..name_len].to_vec());
            name.name = Some(key_type.to_string());
            message.name = Some(name);
        }
        if mask.contains(proto::DynamicField::VALUE_FIELD.name) {
            let mut value = proto::Bcs::from(after_id[name_len..].to_vec());
            value.name = Some(value_type.to_string());
            message.value = Some(value);
        }
    }
    if mask.contains(proto::DynamicField::VALUE_TYPE_FIELD.name) {
        message.value_type = Some(value_type.to_string());
    }
    message
}

#[tonic::async_trait]
impl StateService for RpcService {
    async fn list_owned_objects(
        &self,
        request: Request<ListOwnedObjectsRequest>,
    ) -> Result<Response<ListOwnedObjectsResponse>, Status> {
        let request = request.into_inner();
        let owner = convert::parse_address("owner", request.owner.as_deref())?;
        let filter = request.object_type.as_deref().map(TypeFilter::parse).transpose()?;
        let mask = convert::mask(request.read_mask.as_ref(), OWNED_OBJECTS_MASK);
        let limit = page_size(request.page_size);
        let response = self
            .blocking(move |chain| {
                let after = after_token(&request.page_token);
                let mut response = ListOwnedObjectsResponse::default();
                let mut more = false;
                // Owned ids come sorted by id, the order pages follow.
                for id in chain.store().owned_by(&to_object_id(owner)).map_err(store_status)? {
                    if after.is_some_and(|after| id.0.as_slice() <= after) {
                        continue;
                    }
                    let Some(object) = chain.store().object(&id).map_err(store_status)? else { continue };
                    if filter.as_ref().is_some_and(|f| !f.matches(&object)) {
                        continue;
                    }
                    if response.objects.len() == limit {
                        more = true;
                        break;
                    }
                    response.objects.push(convert::object(&object, &mask));
                    response.next_page_token = Some(Bytes::copy_from_slice(&id.0));
                }
                if !more {
                    response.next_page_token = None;
                }
                Ok(response)
            })
            .await?;
        Ok(self.respond(response))
    }

    async fn get_balance(&self, request: Request<GetBalanceRequest>) -> Result<Response<GetBalanceResponse>, Status> {
        let request = request.into_inner();
        let owner = convert::parse_address("owner", request.owner.as_deref())?;
        let coin_type = parse_coin_type(request.coin_type.as_deref())?;
        let balance = self
            .blocking(move |chain| {
                let totals = balances(chain, owner)?;
                let total = totals.get(&coin_type.to_string()).map(|(_, total)| *total).unwrap_or(0);
                Ok(balance_message(&coin_type, total))
            })
            .await?;
        let mut response = GetBalanceResponse::default();
        response.balance = Some(balance);
        Ok(self.respond(response))
    }

    async fn list_balances(
        &self,
        request: Request<ListBalancesRequest>,
    ) -> Result<Response<ListBalancesResponse>, Status> {
        let request = request.into_inner();
        let owner = convert::parse_address("owner", request.owner.as_deref())?;
        let limit = page_size(request.page_size);
        let response = self
            .blocking(move |chain| {
                let after = after_token(&request.page_token);
                let mut response = ListBalancesResponse::default();
                let mut more = false;
                for (key, (coin_type, total)) in balances(chain, owner)? {
                    if after.is_some_and(|after| key.as_bytes() <= after) {
                        continue;
                    }
                    if response.balances.len() == limit {
                        more = true;
                        break;
                    }
                    response.balances.push(balance_message(&coin_type, total));
                    response.next_page_token = Some(Bytes::from(key.into_bytes()));
                }
                if !more {
                    response.next_page_token = None;
                }
                Ok(response)
            })
            .await?;
        Ok(self.respond(response))
    }

    async fn list_dynamic_fields(
        &self,
        request: Request<ListDynamicFieldsRequest>,
    ) -> Result<Response<ListDynamicFieldsResponse>, Status> {
        let request = request.into_inner();
        let parent = convert::parse_address("parent", request.parent.as_deref())?;
        let mask = convert::mask(request.read_mask.as_ref(), DYNAMIC_FIELDS_MASK);
        let limit = page_size(request.page_size);
        let response = self
            .blocking(move |chain| {
                let after = after_token(&request.page_token);
                let mut response = ListDynamicFieldsResponse::default();
                let mut more = false;
                for id in chain.store().children(&to_object_id(parent)).map_err(store_status)? {
                    if after.is_some_and(|after| id.0.as_slice() <= after) {
                        continue;
                    }
                    let Some(field) = chain.store().object(&id).map_err(store_status)? else { continue };
                    if response.dynamic_fields.len() == limit {
                        more = true;
                        break;
                    }
                    response.dynamic_fields.push(dynamic_field(parent, &field, &mask));
                    response.next_page_token = Some(Bytes::copy_from_slice(&id.0));
                }
                if !more {
                    response.next_page_token = None;
                }
                Ok(response)
            })
            .await?;
        Ok(self.respond(response))
    }
}
