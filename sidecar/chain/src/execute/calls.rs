//! `MoveCall` dispatch: every public function of the `wal` and `walrus` packages, and the few
//! framework functions a client needs (`0x2::coin::{split, join, zero, destroy_zero, value}`,
//! `0x2::transfer::public_transfer`), each calling its Rust twin with Sui's argument rules.

use sui_sdk_types::{
    Address, Argument, CommandArgumentError as ArgErr, ExecutionError, Identifier, MoveCall, MoveLocation, TypeTag,
};
use walrus_contracts::{
    MoveAbort, ObjectId, U256, access_policy, committee, objects::Object as T, shared_blob, staking,
    staking_inner::EpochState, storage_node::StorageNodeCap,
};

use super::interp::{Interp, Value, arg_error};
use crate::types::{CoinKind, Obj, SUI_FRAMEWORK, WAL_PACKAGE, WALRUS_PACKAGE};

/// Extracts a twin object variant from an `Obj` or fails with a type mismatch at `$index`.
macro_rules! expect {
    ($obj:expr, $variant:ident, $index:expr) => {
        match $obj {
            Obj::Twin(T::$variant(inner)) => inner,
            _ => return Err(arg_error($index, ArgErr::TypeMismatch)),
        }
    };
}

/// A mutable view of a twin object variant inside an `Obj`, or a type mismatch at `$index`.
macro_rules! variant {
    ($obj:expr, $variant:ident, $index:expr) => {
        match &mut $obj {
            Obj::Twin(T::$variant(inner)) => inner,
            _ => return Err(arg_error($index, ArgErr::TypeMismatch)),
        }
    };
}

/// Borrows `&mut` the object at argument `$index`, runs `$body` with it bound to `$name`, and
/// returns it to its slot.
macro_rules! with_mut {
    ($interp:expr, $args:expr, $index:expr, $variant:ident, |$name:ident| $body:expr) => {{
        let mut obj = $interp.take_mut($index, $args[$index])?;
        let result = match &mut obj {
            Obj::Twin(T::$variant($name)) => $body,
            _ => return Err(arg_error($index, ArgErr::TypeMismatch)),
        };
        $interp.put_back($args[$index], obj);
        result
    }};
}

fn location(call: &MoveCall, abort: &MoveAbort) -> MoveLocation {
    let (package_name, module) = abort.code().module.split_once("::").unwrap_or(("walrus", abort.code().module));
    let package = match package_name {
        "wal" => WAL_PACKAGE,
        "walrus" => WALRUS_PACKAGE,
        _ => Address::from_hex(package_name).unwrap_or(SUI_FRAMEWORK),
    };
    let same_module = call.module.as_str() == module;
    MoveLocation {
        package,
        module: Identifier::new(module).expect("module names are identifiers"),
        function: 0,
        instruction: 0,
        function_name: same_module.then(|| call.function.clone()),
    }
}

fn arity(call: &MoveCall, n: usize) -> Result<(), ExecutionError> {
    if call.arguments.len() != n { Err(ExecutionError::ArityMismatch) } else { Ok(()) }
}

fn coin_kind(call: &MoveCall) -> Result<CoinKind, ExecutionError> {
    match &call.type_arguments[..] {
        [tag] => CoinKind::from_type_tag(tag).ok_or(ExecutionError::TypeArityMismatch),
        _ => Err(ExecutionError::TypeArityMismatch),
    }
}

fn u256(value: U256) -> Value {
    Value::Pure(bcs::to_bytes(&value).expect("u256 serializes"))
}

fn obj(object: T) -> Value {
    Value::Obj(Obj::Twin(object))
}

/// A non-object return value, as its BCS bytes.
fn pure<V: serde::Serialize>(value: &V) -> Value {
    Value::Pure(bcs::to_bytes(value).expect("return values serialize"))
}

/// Runs `$body` with `&` borrows of the objects at arguments `$i` (variant `$v`, bound to
/// `$name`), in order, and returns them to their slots.
macro_rules! with_refs {
    ($interp:expr, $args:expr, [$(($i:expr, $v:ident, $name:ident)),+], $body:expr) => {{
        $(let mut $name = $interp.take_ref($i, $args[$i])?;)+
        let result = {
            $(let $name = match &mut $name {
                Obj::Twin(T::$v(inner)) => &*inner,
                _ => return Err(arg_error($i, ArgErr::TypeMismatch)),
            };)+
            $body
        };
        $($interp.put_back($args[$i], $name);)+
        result
    }};
}

/// Executes one `MoveCall`.
pub fn call(interp: &mut Interp, call: &MoveCall) -> Result<Vec<Value>, ExecutionError> {
    dispatch(interp, call)?
        .map_err(|abort| ExecutionError::MoveAbort { location: location(call, &abort), code: abort.code().code })
}

/// The outer `Result` is an argument or dispatch error; the inner one a Move abort.
fn dispatch(interp: &mut Interp, call: &MoveCall) -> Result<Result<Vec<Value>, MoveAbort>, ExecutionError> {
    let args = &call.arguments;
    let module = call.module.as_str();
    let function = call.function.as_str();
    if call.package == SUI_FRAMEWORK {
        return framework(interp, call, module, function);
    }
    if call.package == WAL_PACKAGE {
        return match (module, function) {
            ("wal", "burn") => {
                arity(call, 2)?;
                let coin = expect!(interp.take_obj(1, args[1])?, Coin, 1);
                with_mut!(interp, args, 0, ProtectedTreasury, |treasury| treasury.burn(coin));
                Ok(Ok(vec![]))
            }
            ("wal", "total_supply") => {
                arity(call, 1)?;
                let obj = interp.take_ref(0, args[0])?;
                let supply = match &obj {
                    Obj::Twin(T::ProtectedTreasury(t)) => t.total_supply(),
                    _ => return Err(arg_error(0, ArgErr::TypeMismatch)),
                };
                interp.put_back(args[0], obj);
                Ok(Ok(vec![Value::Pure(bcs::to_bytes(&supply).expect("u64"))]))
            }
            _ => Err(ExecutionError::FunctionNotFound),
        };
    }
    if call.package != WALRUS_PACKAGE {
        return Err(ExecutionError::FunctionNotFound);
    }
    if module == "governance" {
        return governance::calls(interp, call, function);
    }
    if matches!(module, "staking" | "staked_wal" | "storage_node" | "committee") {
        return staking_calls(interp, call, module, function);
    }
    let ok = |values: Vec<Value>| Ok(Ok(values));
    match (module, function) {
        ("system", "reserve_space") => {
            arity(call, 4)?;
            let size: u64 = interp.pure(1, args[1])?;
            let epochs: u32 = interp.pure(2, args[2])?;
            let mut system = interp.take_mut(0, args[0])?;
            let mut coin = interp.take_mut(3, args[3])?;
            let result =
                variant!(system, System, 0).reserve_space(size, epochs, variant!(coin, Coin, 3), &mut interp.ctx);
            interp.put_back(args[0], system);
            interp.put_back(args[3], coin);
            Ok(result.map(|s| vec![obj(T::Storage(s))]))
        }
        ("system", "storage_cost") => {
            arity(call, 3)?;
            let size: u64 = interp.pure(1, args[1])?;
            let epochs: u32 = interp.pure(2, args[2])?;
            let mut system = interp.take_ref(0, args[0])?;
            let result = variant!(system, System, 0).storage_cost(size, epochs);
            interp.put_back(args[0], system);
            Ok(result.map(|c| vec![u256(c)]))
        }
        ("system", "register_blob") => {
            arity(call, 7)?;
            let blob_id: U256 = interp.pure(2, args[2])?;
            let root_hash: U256 = interp.pure(3, args[3])?;
            let size: u64 = interp.pure(4, args[4])?;
            let encoding_type: u8 = interp.pure(5, args[5])?;
            let deletable: bool = interp.pure(6, args[6])?;
            let storage = expect!(interp.take_obj(1, args[1])?, Storage, 1);
            let mut system = interp.take_ref(0, args[0])?;
            let result = variant!(system, System, 0).register_blob(
                storage,
                blob_id,
                root_hash,
                size,
                encoding_type,
                deletable,
                &mut interp.ctx,
            );
            interp.put_back(args[0], system);
            Ok(result.map(|b| vec![obj(T::Blob(b))]))
        }
        ("system", "certify_blob") => {
            arity(call, 5)?;
            let signature: Vec<u8> = interp.pure(2, args[2])?;
            let bitmap: Vec<u8> = interp.pure(3, args[3])?;
            let message: Vec<u8> = interp.pure(4, args[4])?;
            let mut system = interp.take_ref(0, args[0])?;
            let mut blob = interp.take_mut(1, args[1])?;
            let result = variant!(system, System, 0).certify_blob(
                variant!(blob, Blob, 1),
                &signature,
                &bitmap,
                &message,
                &mut interp.ctx,
            );
            interp.put_back(args[0], system);
            interp.put_back(args[1], blob);
            Ok(result.map(|()| vec![]))
        }
        ("system", "extend_blob_with_resource") => {
            arity(call, 3)?;
            let extension = expect!(interp.take_obj(2, args[2])?, Storage, 2);
            let mut system = interp.take_ref(0, args[0])?;
            let mut blob = interp.take_mut(1, args[1])?;
            let result = variant!(system, System, 0).extend_blob_with_resource(
                variant!(blob, Blob, 1),
                extension,
                &mut interp.ctx,
            );
            interp.put_back(args[0], system);
            interp.put_back(args[1], blob);
            Ok(result.map(|()| vec![]))
        }
        ("system", "extend_blob") => {
            arity(call, 4)?;
            let epochs: u32 = interp.pure(2, args[2])?;
            let mut system = interp.take_mut(0, args[0])?;
            let mut blob = interp.take_mut(1, args[1])?;
            let mut coin = interp.take_mut(3, args[3])?;
            let result = variant!(system, System, 0).extend_blob(
                variant!(blob, Blob, 1),
                epochs,
                variant!(coin, Coin, 3),
                &mut interp.ctx,
            );
            interp.put_back(args[0], system);
            interp.put_back(args[1], blob);
            interp.put_back(args[3], coin);
            Ok(result.map(|()| vec![]))
        }
        ("system", "delete_blob") => {
            arity(call, 2)?;
            let blob = expect!(interp.take_obj(1, args[1])?, Blob, 1);
            let mut system = interp.take_ref(0, args[0])?;
            let result = variant!(system, System, 0).delete_blob(blob, &mut interp.ctx);
            interp.put_back(args[0], system);
            Ok(result.map(|s| vec![obj(T::Storage(s))]))
        }
        ("system", "invalidate_blob_id") => {
            arity(call, 4)?;
            let signature: Vec<u8> = interp.pure(1, args[1])?;
            let bitmap: Vec<u8> = interp.pure(2, args[2])?;
            let message: Vec<u8> = interp.pure(3, args[3])?;
            let mut system = interp.take_mut(0, args[0])?;
            let result = variant!(system, System, 0).invalidate_blob_id(&signature, &bitmap, &message, &mut interp.ctx);
            interp.put_back(args[0], system);
            Ok(result.map(|id| vec![u256(id)]))
        }
        ("system", "staking_object_id") => {
            arity(call, 1)?;
            let result = with_refs!(interp, args, [(0, System, system)], system.staking_object_id());
            Ok(result.map(|id| vec![pure(&id)]))
        }
        ("blob", "burn") => {
            arity(call, 1)?;
            expect!(interp.take_obj(0, args[0])?, Blob, 0).burn();
            ok(vec![])
        }
        ("blob", "insert_or_update_metadata_pair") => {
            arity(call, 3)?;
            let key: String = interp.pure(1, args[1])?;
            let value: String = interp.pure(2, args[2])?;
            let mut blob = interp.take_mut(0, args[0])?;
            variant!(blob, Blob, 0).insert_or_update_metadata_pair(key, value);
            interp.put_back(args[0], blob);
            ok(vec![])
        }
        ("blob", "remove_metadata_pair") => {
            arity(call, 2)?;
            let key: String = interp.pure(1, args[1])?;
            let mut blob = interp.take_mut(0, args[0])?;
            let result = variant!(blob, Blob, 0).remove_metadata_pair(&key);
            interp.put_back(args[0], blob);
            Ok(result.map(|(k, v)| {
                vec![
                    Value::Pure(bcs::to_bytes(&k).expect("strings serialize")),
                    Value::Pure(bcs::to_bytes(&v).expect("strings serialize")),
                ]
            }))
        }
        ("storage_resource", "split_by_epoch") | ("storage_resource", "split_by_size") => {
            arity(call, 2)?;
            let mut storage = interp.take_mut(0, args[0])?;
            let result = if function == "split_by_epoch" {
                let epoch: u32 = interp.pure(1, args[1])?;
                variant!(storage, Storage, 0).split_by_epoch(epoch, &mut interp.ctx)
            } else {
                let size: u64 = interp.pure(1, args[1])?;
                variant!(storage, Storage, 0).split_by_size(size, &mut interp.ctx)
            };
            interp.put_back(args[0], storage);
            Ok(result.map(|s| vec![obj(T::Storage(s))]))
        }
        ("storage_resource", "fuse_periods" | "fuse_amount" | "fuse") => {
            arity(call, 2)?;
            let other = expect!(interp.take_obj(1, args[1])?, Storage, 1);
            let mut storage = interp.take_mut(0, args[0])?;
            let target = variant!(storage, Storage, 0);
            let result = match function {
                "fuse_periods" => target.fuse_periods(other),
                "fuse_amount" => target.fuse_amount(other),
                _ => target.fuse(other),
            };
            interp.put_back(args[0], storage);
            Ok(result.map(|()| vec![]))
        }
        ("storage_resource", "destroy") => {
            arity(call, 1)?;
            expect!(interp.take_obj(0, args[0])?, Storage, 0).destroy();
            ok(vec![])
        }
        ("shared_blob", "new") => {
            arity(call, 1)?;
            let blob = expect!(interp.take_obj(0, args[0])?, Blob, 0);
            shared_blob::new(blob, &mut interp.ctx);
            ok(vec![])
        }
        ("shared_blob", "new_funded") => {
            arity(call, 2)?;
            let blob = expect!(interp.take_obj(0, args[0])?, Blob, 0);
            let coin = expect!(interp.take_obj(1, args[1])?, Coin, 1);
            shared_blob::new_funded(blob, coin, &mut interp.ctx);
            ok(vec![])
        }
        ("shared_blob", "fund") => {
            arity(call, 2)?;
            let coin = expect!(interp.take_obj(1, args[1])?, Coin, 1);
            let mut shared = interp.take_mut(0, args[0])?;
            variant!(shared, SharedBlob, 0).fund(coin);
            interp.put_back(args[0], shared);
            ok(vec![])
        }
        ("shared_blob", "extend") => {
            arity(call, 3)?;
            let epochs: u32 = interp.pure(2, args[2])?;
            let mut shared = interp.take_mut(0, args[0])?;
            let mut system = interp.take_mut(1, args[1])?;
            let result = variant!(shared, SharedBlob, 0).extend(variant!(system, System, 1), epochs, &mut interp.ctx);
            interp.put_back(args[0], shared);
            interp.put_back(args[1], system);
            Ok(result.map(|()| vec![]))
        }
        ("access_policy", "new") => {
            arity(call, 2)?;
            let name: String = interp.pure(0, args[0])?;
            let expiry_epoch: Option<u32> = interp.pure(1, args[1])?;
            Ok(access_policy::new(name, expiry_epoch, &mut interp.ctx)
                .map(|cap| vec![obj(T::AccessPolicyAdminCap(cap))]))
        }
        ("access_policy", "add_reader" | "remove_reader" | "set_expiry" | "rename") => {
            // Every admin change has the shape (policy: &mut, cap: &, value).
            arity(call, 3)?;
            enum Change {
                Reader(ObjectId),
                Expiry(Option<u32>),
                Name(String),
            }
            let change = match function {
                "set_expiry" => Change::Expiry(interp.pure(2, args[2])?),
                "rename" => Change::Name(interp.pure(2, args[2])?),
                _ => Change::Reader(interp.pure(2, args[2])?),
            };
            let cap = with_refs!(interp, args, [(1, AccessPolicyAdminCap, cap)], cap.clone());
            let mut policy = interp.take_mut(0, args[0])?;
            let target = variant!(policy, AccessPolicy, 0);
            let ctx = &mut interp.ctx;
            let result = match change {
                Change::Reader(reader) if function == "add_reader" => target.add_reader(&cap, reader, ctx),
                Change::Reader(reader) => target.remove_reader(&cap, reader, ctx),
                Change::Expiry(expiry_epoch) => target.set_expiry(&cap, expiry_epoch, ctx),
                Change::Name(name) => target.rename(&cap, name, ctx),
            };
            interp.put_back(args[0], policy);
            Ok(result.map(|()| vec![]))
        }
        ("access_policy", "govern_blob" | "release_blob") => {
            arity(call, 3)?;
            let (policy, cap) = with_refs!(
                interp,
                args,
                [(0, AccessPolicy, policy), (1, AccessPolicyAdminCap, cap)],
                (policy.clone(), cap.clone())
            );
            let mut blob = interp.take_mut(2, args[2])?;
            let target = variant!(blob, Blob, 2);
            let result = if function == "govern_blob" {
                policy.govern_blob(&cap, target, &mut interp.ctx)
            } else {
                policy.release_blob(&cap, target, &mut interp.ctx)
            };
            interp.put_back(args[2], blob);
            Ok(result.map(|()| vec![]))
        }
        ("access_policy", "can_read") => {
            arity(call, 4)?;
            let reader: ObjectId = interp.pure(3, args[3])?;
            let result = with_refs!(
                interp,
                args,
                [(0, AccessPolicy, policy), (1, System, system), (2, Blob, blob)],
                policy.can_read(system, blob, reader)
            );
            Ok(result.map(|allowed| vec![pure(&allowed)]))
        }
        ("access_policy", "seal_approve") => {
            arity(call, 3)?;
            let id: Vec<u8> = interp.pure(0, args[0])?;
            let result = with_refs!(
                interp,
                args,
                [(1, AccessPolicy, policy), (2, System, system)],
                access_policy::seal_approve(&id, policy, system, &interp.ctx)
            );
            Ok(result.map(|()| vec![]))
        }
        ("access_policy", "name" | "readers" | "reader_count" | "expiry_epoch" | "version") => {
            arity(call, 1)?;
            let value = with_refs!(
                interp,
                args,
                [(0, AccessPolicy, policy)],
                match function {
                    "name" => pure(&policy.name()),
                    "readers" => pure(&policy.readers()),
                    "reader_count" => pure(&policy.reader_count()),
                    "expiry_epoch" => pure(&policy.expiry_epoch()),
                    _ => pure(&policy.version()),
                }
            );
            ok(vec![value])
        }
        ("access_policy", "is_reader") => {
            arity(call, 2)?;
            let reader: ObjectId = interp.pure(1, args[1])?;
            let is_reader = with_refs!(interp, args, [(0, AccessPolicy, policy)], policy.is_reader(reader));
            ok(vec![pure(&is_reader)])
        }
        ("access_policy", "is_active") => {
            arity(call, 2)?;
            let result =
                with_refs!(interp, args, [(0, AccessPolicy, policy), (1, System, system)], policy.is_active(system));
            Ok(result.map(|active| vec![pure(&active)]))
        }
        ("access_policy", "governs") => {
            arity(call, 2)?;
            let governs = with_refs!(interp, args, [(0, AccessPolicy, policy), (1, Blob, blob)], policy.governs(blob));
            ok(vec![pure(&governs)])
        }
        ("access_policy", "policy_id") => {
            arity(call, 1)?;
            let policy_id = with_refs!(interp, args, [(0, AccessPolicyAdminCap, cap)], cap.policy_id());
            ok(vec![pure(&policy_id)])
        }
        ("access_policy", "max_readers") => {
            arity(call, 0)?;
            ok(vec![pure(&access_policy::max_readers())])
        }
        _ => Err(ExecutionError::FunctionNotFound),
    }
}

fn framework(
    interp: &mut Interp,
    call: &MoveCall,
    module: &str,
    function: &str,
) -> Result<Result<Vec<Value>, MoveAbort>, ExecutionError> {
    let args = &call.arguments;
    match (module, function) {
        ("coin", "split") => {
            arity(call, 2)?;
            let kind = coin_kind(call)?;
            let amount: u64 = interp.pure(1, args[1])?;
            let mut coin = interp.take_mut(0, args[0])?;
            let (k, c) = coin.as_coin_mut().ok_or(arg_error(0, ArgErr::TypeMismatch))?;
            if k != kind {
                return Err(arg_error(0, ArgErr::TypeMismatch));
            }
            let part = match c.balance.split(amount) {
                Ok(part) => part,
                Err(abort) => return Ok(Err(abort)),
            };
            interp.put_back(args[0], coin);
            Ok(Ok(vec![Value::Obj(interp.new_coin(kind, part.value))]))
        }
        ("coin", "join") => {
            arity(call, 2)?;
            let kind = coin_kind(call)?;
            let mut other = interp.take_obj(1, args[1])?;
            let (k2, c2) = other.as_coin_mut().ok_or(arg_error(1, ArgErr::TypeMismatch))?;
            let amount = c2.balance.withdraw_all();
            let mut coin = interp.take_mut(0, args[0])?;
            let (k, c) = coin.as_coin_mut().ok_or(arg_error(0, ArgErr::TypeMismatch))?;
            if k != kind || k2 != kind {
                return Err(arg_error(0, ArgErr::TypeMismatch));
            }
            c.balance.join(amount);
            interp.put_back(args[0], coin);
            Ok(Ok(vec![]))
        }
        ("coin", "zero") => {
            arity(call, 0)?;
            let kind = coin_kind(call)?;
            Ok(Ok(vec![Value::Obj(interp.new_coin(kind, 0))]))
        }
        ("coin", "destroy_zero") => {
            arity(call, 1)?;
            coin_kind(call)?;
            let mut coin = interp.take_obj(0, args[0])?;
            let (_, c) = coin.as_coin_mut().ok_or(arg_error(0, ArgErr::TypeMismatch))?;
            if c.value() != 0 {
                // `0x2::balance::ENonZero`.
                return Ok(Err(MoveAbort(walrus_contracts::AbortCode::new("0x2::balance", "ENonZero", 0))));
            }
            Ok(Ok(vec![]))
        }
        ("coin", "value") => {
            arity(call, 1)?;
            coin_kind(call)?;
            let mut coin = interp.take_ref(0, args[0])?;
            let value = coin.as_coin_mut().ok_or(arg_error(0, ArgErr::TypeMismatch))?.1.value();
            interp.put_back(args[0], coin);
            Ok(Ok(vec![Value::Pure(bcs::to_bytes(&value).expect("u64"))]))
        }
        ("transfer", "public_transfer") => {
            arity(call, 2)?;
            if call.type_arguments.len() != 1 {
                return Err(ExecutionError::TypeArityMismatch);
            }
            let recipient: Address = interp.pure(1, args[1])?;
            let obj = interp.take_obj(0, args[0])?;
            if !obj.has_public_transfer() || TypeTag::Struct(Box::new(obj.struct_tag())) != call.type_arguments[0] {
                return Err(arg_error(0, ArgErr::TypeMismatch));
            }
            interp.transfer(obj, recipient);
            Ok(Ok(vec![]))
        }
        _ => Err(ExecutionError::FunctionNotFound),
    }
}

/// Takes the `&Clock` at argument `index`; the caller puts it back.
fn take_clock(
    interp: &mut Interp,
    args: &[Argument],
    index: usize,
) -> Result<(Obj, walrus_contracts::Clock), ExecutionError> {
    let obj = interp.take_ref(index, args[index])?;
    match &obj {
        Obj::Clock(clock) => {
            let clock = clock.clone();
            Ok((obj, clock))
        }
        _ => Err(arg_error(index, ArgErr::TypeMismatch)),
    }
}

/// The `StorageNodeCap` at argument `index`, borrowed immutably (the slot keeps it).
fn cap_ref(interp: &mut Interp, args: &[Argument], index: usize) -> Result<StorageNodeCap, ExecutionError> {
    let obj = interp.take_ref(index, args[index])?;
    let cap = match &obj {
        Obj::Twin(T::StorageNodeCap(cap)) => cap.clone(),
        _ => return Err(arg_error(index, ArgErr::TypeMismatch)),
    };
    interp.put_back(args[index], obj);
    Ok(cap)
}

/// `walrus::{staking, staked_wal, storage_node, committee}`: staking, committee selection and
/// epochs.
fn staking_calls(
    interp: &mut Interp,
    call: &MoveCall,
    module: &str,
    function: &str,
) -> Result<Result<Vec<Value>, MoveAbort>, ExecutionError> {
    let args = &call.arguments;
    let ok = |values: Vec<Value>| Ok(Ok(values));
    match (module, function) {
        ("staking", "create") => {
            arity(call, 10)?;
            let operators: Vec<ObjectId> = interp.pure(2, args[2])?;
            let amounts: Vec<u64> = interp.pure(4, args[4])?;
            let epoch_duration_ms: u64 = interp.pure(5, args[5])?;
            let max_committee_size: u16 = interp.pure(6, args[6])?;
            let max_shards_per_node: u16 = interp.pure(7, args[7])?;
            let burn_bps: u16 = interp.pure(8, args[8])?;
            let admin_cap = expect!(interp.take_obj(0, args[0])?, AdminCap, 0);
            let (clock_obj, clock) = take_clock(interp, args, 9)?;
            let mut system = interp.take_mut(1, args[1])?;
            let mut stake = interp.take_mut(3, args[3])?;
            let result = staking::create(
                admin_cap,
                variant!(system, System, 1),
                operators,
                variant!(stake, Coin, 3),
                amounts,
                epoch_duration_ms,
                max_committee_size,
                max_shards_per_node,
                burn_bps,
                &clock,
                &mut interp.ctx,
            );
            interp.put_back(args[1], system);
            interp.put_back(args[3], stake);
            interp.put_back(args[9], clock_obj);
            Ok(result.map(|()| vec![]))
        }
        ("staking", "register_candidate") => {
            arity(call, 9)?;
            let name: String = interp.pure(1, args[1])?;
            let network_address: String = interp.pure(2, args[2])?;
            let public_key: Vec<u8> = interp.pure(3, args[3])?;
            let proof: Vec<u8> = interp.pure(4, args[4])?;
            let commission: u16 = interp.pure(5, args[5])?;
            let storage_price: u64 = interp.pure(6, args[6])?;
            let write_price: u64 = interp.pure(7, args[7])?;
            let capacity: u64 = interp.pure(8, args[8])?;
            let result = with_mut!(interp, args, 0, Staking, |staking| staking.register_candidate(
                name,
                network_address,
                public_key,
                &proof,
                commission,
                storage_price,
                write_price,
                capacity,
                &mut interp.ctx,
            ));
            Ok(result.map(|cap| vec![obj(T::StorageNodeCap(cap))]))
        }
        ("staking", "stake_with_pool") => {
            arity(call, 3)?;
            let node_id: ObjectId = interp.pure(2, args[2])?;
            let coin = expect!(interp.take_obj(1, args[1])?, Coin, 1);
            let result =
                with_mut!(interp, args, 0, Staking, |staking| staking.stake_with_pool(coin, node_id, &mut interp.ctx));
            Ok(result.map(|staked| vec![obj(T::StakedWal(staked))]))
        }
        ("staking", "request_withdraw_stake") => {
            arity(call, 2)?;
            let mut staking = interp.take_mut(0, args[0])?;
            let mut staked = interp.take_mut(1, args[1])?;
            let result =
                variant!(staking, Staking, 0).request_withdraw_stake(variant!(staked, StakedWal, 1), &mut interp.ctx);
            interp.put_back(args[0], staking);
            interp.put_back(args[1], staked);
            Ok(result.map(|()| vec![]))
        }
        ("staking", "withdraw_stake") => {
            arity(call, 2)?;
            let staked = expect!(interp.take_obj(1, args[1])?, StakedWal, 1);
            let result = with_mut!(interp, args, 0, Staking, |staking| staking.withdraw_stake(staked, &mut interp.ctx));
            Ok(result.map(|coin| vec![obj(T::Coin(coin))]))
        }
        ("staking", "collect_commission") => {
            arity(call, 2)?;
            let cap = cap_ref(interp, args, 1)?;
            let result =
                with_mut!(interp, args, 0, Staking, |staking| staking.collect_commission(&cap, &mut interp.ctx));
            Ok(result.map(|coin| vec![obj(T::Coin(coin))]))
        }
        ("staking", "set_next_commission") => {
            arity(call, 3)?;
            let rate: u16 = interp.pure(2, args[2])?;
            let cap = cap_ref(interp, args, 1)?;
            let result = with_mut!(interp, args, 0, Staking, |staking| staking.set_next_commission(&cap, rate));
            Ok(result.map(|()| vec![]))
        }
        ("staking", "set_storage_price_vote" | "set_write_price_vote" | "set_node_capacity_vote") => {
            arity(call, 3)?;
            let value: u64 = interp.pure(2, args[2])?;
            let cap = cap_ref(interp, args, 1)?;
            let result = with_mut!(interp, args, 0, Staking, |staking| match function {
                "set_storage_price_vote" => staking.set_storage_price_vote(&cap, value),
                "set_write_price_vote" => staking.set_write_price_vote(&cap, value),
                _ => staking.set_node_capacity_vote(&cap, value),
            });
            Ok(result.map(|()| vec![]))
        }
        ("staking", "voting_end") => {
            arity(call, 2)?;
            let (clock_obj, clock) = take_clock(interp, args, 1)?;
            let result = with_mut!(interp, args, 0, Staking, |staking| staking.voting_end(&clock, &mut interp.ctx));
            interp.put_back(args[1], clock_obj);
            Ok(result.map(|()| vec![]))
        }
        ("staking", "initiate_epoch_change") => {
            arity(call, 3)?;
            let (clock_obj, clock) = take_clock(interp, args, 2)?;
            let mut staking = interp.take_mut(0, args[0])?;
            let mut system = interp.take_mut(1, args[1])?;
            let result = variant!(staking, Staking, 0).initiate_epoch_change(
                variant!(system, System, 1),
                &clock,
                &mut interp.ctx,
            );
            interp.put_back(args[0], staking);
            interp.put_back(args[1], system);
            interp.put_back(args[2], clock_obj);
            Ok(result.map(|()| vec![]))
        }
        ("staking", "epoch_sync_done") => {
            arity(call, 4)?;
            let epoch: u32 = interp.pure(2, args[2])?;
            let cap = cap_ref(interp, args, 1)?;
            let (clock_obj, clock) = take_clock(interp, args, 3)?;
            let result = with_mut!(interp, args, 0, Staking, |staking| staking.epoch_sync_done(
                &cap,
                epoch,
                &clock,
                &mut interp.ctx
            ));
            interp.put_back(args[3], clock_obj);
            Ok(result.map(|()| vec![]))
        }
        ("staking", "set_challenge_seed") => {
            arity(call, 2)?;
            let random_obj = interp.take_ref(1, args[1])?;
            let random = match &random_obj {
                Obj::Random(random) => random.clone(),
                _ => return Err(arg_error(1, ArgErr::TypeMismatch)),
            };
            interp.put_back(args[1], random_obj);
            let result =
                with_mut!(interp, args, 0, Staking, |staking| staking.set_challenge_seed(&random, &mut interp.ctx));
            Ok(result.map(|()| vec![]))
        }
        ("staking", "attest_storage") => {
            arity(call, 4)?;
            let epoch: u32 = interp.pure(2, args[2])?;
            let node_ids: Vec<ObjectId> = interp.pure(3, args[3])?;
            let cap = cap_ref(interp, args, 1)?;
            let result = with_mut!(interp, args, 0, Staking, |staking| staking.attest_storage(
                &cap,
                epoch,
                &node_ids,
                &mut interp.ctx
            ));
            Ok(result.map(|()| vec![]))
        }
        ("staking", "challenge_samples_per_node" | "challenge_seed") => {
            arity(call, 1)?;
            let result = with_refs!(interp, args, [(0, Staking, staking)], {
                if function == "challenge_seed" {
                    staking.challenge_seed().map(|seed| pure(&seed))
                } else {
                    staking.challenge_samples_per_node().map(|samples| pure(&samples))
                }
            });
            Ok(result.map(|value| vec![value]))
        }
        ("staking", "challenge_attested_shards") => {
            arity(call, 2)?;
            let node_id: ObjectId = interp.pure(1, args[1])?;
            let result = with_refs!(
                interp,
                args,
                [(0, Staking, staking)],
                staking.challenge_attested_shards(&node_id).map(|shards| pure(&shards))
            );
            Ok(result.map(|value| vec![value]))
        }
        ("staking", "burn_pending_rewards") => {
            arity(call, 2)?;
            let mut staking = interp.take_mut(0, args[0])?;
            let mut treasury = interp.take_mut(1, args[1])?;
            let result = variant!(staking, Staking, 0)
                .burn_pending_rewards(variant!(treasury, ProtectedTreasury, 1), &mut interp.ctx);
            interp.put_back(args[0], staking);
            interp.put_back(args[1], treasury);
            Ok(result.map(|()| vec![]))
        }
        (
            "staking",
            "version"
            | "epoch"
            | "epoch_start_ms"
            | "epoch_duration_ms"
            | "is_epoch_change_sync"
            | "is_epoch_change_done"
            | "is_next_params_selected"
            | "synced_shards"
            | "n_pools"
            | "pool_ids"
            | "burn_pending_value"
            | "max_committee_size"
            | "burn_bps"
            | "min_stake_frost"
            | "total_active_stake",
        ) => {
            arity(call, 1)?;
            let result = with_refs!(interp, args, [(0, Staking, staking)], {
                let version = staking.version;
                staking.inner().map(|inner| match function {
                    "version" => pure(&version),
                    "epoch" => pure(&inner.epoch),
                    "epoch_start_ms" => pure(&inner.epoch_start_ms),
                    "epoch_duration_ms" => pure(&inner.epoch_duration_ms),
                    "is_epoch_change_sync" => pure(&(inner.epoch_state == EpochState::EpochChangeSync)),
                    "is_epoch_change_done" => pure(&(inner.epoch_state == EpochState::EpochChangeDone)),
                    "is_next_params_selected" => pure(&(inner.epoch_state == EpochState::NextParamsSelected)),
                    "synced_shards" => pure(&inner.synced_shards),
                    "n_pools" => pure(&(inner.pool_ids.len() as u64)),
                    "pool_ids" => pure(&inner.pool_ids),
                    "max_committee_size" => pure(&inner.max_committee_size),
                    "burn_bps" => pure(&inner.burn_bps),
                    "min_stake_frost" => pure(&inner.min_stake_frost),
                    "total_active_stake" => pure(&inner.total_active_stake()),
                    _ => pure(&inner.burn_pending.value),
                })
            });
            Ok(result.map(|value| vec![value]))
        }
        ("staking", "has_pool") => {
            arity(call, 2)?;
            let node_id: ObjectId = interp.pure(1, args[1])?;
            let result =
                with_refs!(interp, args, [(0, Staking, staking)], staking.inner().map(|i| i.pools.contains(&node_id)));
            Ok(result.map(|has| vec![pure(&has)]))
        }
        ("staked_wal", "split") => {
            arity(call, 2)?;
            let amount: u64 = interp.pure(1, args[1])?;
            let result = with_mut!(interp, args, 0, StakedWal, |staked| staked.split(amount, &mut interp.ctx));
            Ok(result.map(|part| vec![obj(T::StakedWal(part))]))
        }
        ("staked_wal", "join") => {
            arity(call, 2)?;
            let other = expect!(interp.take_obj(1, args[1])?, StakedWal, 1);
            let result = with_mut!(interp, args, 0, StakedWal, |staked| staked.join(other));
            Ok(result.map(|()| vec![]))
        }
        (
            "staked_wal",
            "node_id"
            | "value"
            | "activation_epoch"
            | "is_staked"
            | "is_withdrawing"
            | "withdraw_epoch"
            | "pool_token_amount"
            | "is_vote_locked"
            | "vote_locked_until_ms",
        ) => {
            arity(call, 1)?;
            let result = with_refs!(
                interp,
                args,
                [(0, StakedWal, staked)],
                match function {
                    "node_id" => Ok(pure(&staked.node_id)),
                    "value" => Ok(pure(&staked.value())),
                    "activation_epoch" => Ok(pure(&staked.activation_epoch)),
                    "is_staked" => Ok(pure(&staked.is_staked())),
                    "is_withdrawing" => Ok(pure(&!staked.is_staked())),
                    "withdraw_epoch" => staked.withdraw_epoch().map(|e| pure(&e)),
                    "is_vote_locked" => Ok(pure(&staked.is_vote_locked())),
                    "vote_locked_until_ms" => Ok(pure(&staked.vote_locked_until_ms)),
                    _ => staked.pool_token_amount().map(|t| pure(&t)),
                }
            );
            Ok(result.map(|value| vec![value]))
        }
        ("staked_wal", "min_stake_frost") => {
            arity(call, 0)?;
            ok(vec![pure(&walrus_contracts::staked_wal::MIN_STAKE_FROST)])
        }
        ("storage_node", "node_id") => {
            arity(call, 1)?;
            let cap = cap_ref(interp, args, 0)?;
            ok(vec![pure(&cap.node_id)])
        }
        ("committee", "shard_counts") => {
            arity(call, 3)?;
            let stakes: Vec<u64> = interp.pure(0, args[0])?;
            let n_shards: u16 = interp.pure(1, args[1])?;
            let cap: u16 = interp.pure(2, args[2])?;
            if stakes.is_empty() || stakes.iter().all(|&s| s == 0) {
                // Move divides by the total stake: an arithmetic error.
                return Err(ExecutionError::MovePrimitiveRuntimeError { location: None });
            }
            ok(vec![pure(&committee::shard_counts(&stakes, n_shards, cap))])
        }
        ("committee", "quorum_price" | "quorum_capacity") => {
            arity(call, 2)?;
            let votes: Vec<u64> = interp.pure(0, args[0])?;
            let shards: Vec<u16> = interp.pure(1, args[1])?;
            if votes.len() != shards.len() {
                // Move indexes `shards` by the votes' positions: out of bounds.
                return Err(ExecutionError::MovePrimitiveRuntimeError { location: None });
            }
            let value = if function == "quorum_price" {
                committee::quorum_price(&votes, &shards)
            } else {
                committee::quorum_capacity(&votes, &shards)
            };
            ok(vec![pure(&value)])
        }
        _ => Err(ExecutionError::FunctionNotFound),
    }
}

mod governance;
