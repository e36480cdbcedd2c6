//! `MoveCall` dispatch: every public function of the `wal` and `walrus` packages, and the few
//! framework functions a client needs (`0x2::coin::{split, join, zero, destroy_zero, value}`,
//! `0x2::transfer::public_transfer`), each calling its Rust twin with Sui's argument rules.

use sui_sdk_types::{
    Address, CommandArgumentError as ArgErr, ExecutionError, Identifier, MoveCall, MoveLocation, TypeTag,
};
use walrus_contracts::{MoveAbort, ObjectId, U256, objects::Object as T, shared_blob};

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
        ("system", "advance_epoch") => {
            arity(call, 6)?;
            let node_ids: Vec<ObjectId> = interp.pure(2, args[2])?;
            let keys: Vec<Vec<u8>> = interp.pure(3, args[3])?;
            let network_addresses: Vec<String> = interp.pure(4, args[4])?;
            let shards: Vec<u16> = interp.pure(5, args[5])?;
            let mut system = interp.take_mut(0, args[0])?;
            let mut cap = interp.take_ref(1, args[1])?;
            let cap_ref = variant!(cap, AdminCap, 1).clone();
            let result = variant!(system, System, 0).advance_epoch(
                &cap_ref,
                node_ids,
                keys,
                network_addresses,
                shards,
                &mut interp.ctx,
            );
            interp.put_back(args[0], system);
            interp.put_back(args[1], cap);
            Ok(result.map(|()| vec![]))
        }
        ("system", "withdraw_rewards") => {
            arity(call, 2)?;
            let mut system = interp.take_mut(0, args[0])?;
            let mut cap = interp.take_ref(1, args[1])?;
            let cap_ref = variant!(cap, AdminCap, 1).clone();
            let result = variant!(system, System, 0).withdraw_rewards(&cap_ref, &mut interp.ctx);
            interp.put_back(args[0], system);
            interp.put_back(args[1], cap);
            Ok(result.map(|c| vec![obj(T::Coin(c))]))
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
