//! The programmable-transaction interpreter: input slots, results, argument access with Sui's
//! rules (by value, by mutable or immutable reference, pure BCS), and the built-in commands.

use serde::de::DeserializeOwned;
use sui_sdk_types::{
    Address, Argument, Command, CommandArgumentError, Digest, ExecutionError, Input, Object, Owner, Transaction,
    TransactionKind,
};
use walrus_contracts::{Coin, TxContext, events::Event as TwinEvent, framework::Balance};

use super::{CommandError, GAS_COST_MIST, InputKind, LoadedInput, Rejection, calls, objects};
use crate::{
    store::Store,
    types::{CoinKind, Obj, to_address, to_object_id},
};

/// A value in the interpreter. Objects are stored inline: a transaction holds few values, and
/// boxing them would only add indirection.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Value {
    /// Plain BCS bytes (an input or a non-object result).
    Pure(Vec<u8>),
    /// An object.
    Obj(Obj),
    /// The hot potato `governance::execute_upgrade` returns: only the `Upgrade` command consumes
    /// it, which the local chain rejects, so a transaction holding one always fails with
    /// `UnusedValueWithoutDrop` (after the call's own checks, which report as on Sui).
    UpgradeTicket(walrus_contracts::package::UpgradeTicket),
}

impl Value {
    /// The value's BCS bytes (an object's contents), as a simulation reports a return value.
    fn bcs(&self) -> Vec<u8> {
        match self {
            Self::Pure(bytes) => bytes.clone(),
            Self::Obj(obj) => obj.contents(),
            Self::UpgradeTicket(ticket) => bcs::to_bytes(ticket).expect("tickets serialize"),
        }
    }
}

#[allow(clippy::large_enum_variant)]
enum Slot {
    Pure(Vec<u8>),
    Object { value: Option<Obj>, kind: InputKind },
}

/// What remains after a successful run.
pub struct World {
    /// Per input: the object left in the slot (None for pure inputs and consumed objects).
    pub inputs: Vec<Option<Obj>>,
    /// Objects given an owner by the transaction: transferred, shared (`Shared(0)` = newly
    /// shared now), or frozen.
    pub placed: Vec<(Obj, Owner)>,
    /// The gas coins' balance before the fee.
    pub gas_balance: u64,
}

/// Interpreter state for one transaction.
pub struct Interp {
    inputs: Vec<Slot>,
    gas: Coin,
    results: Vec<Vec<Option<Value>>>,
    pub(super) ctx: TxContext,
    placed: Vec<(Obj, Owner)>,
    events: Vec<TwinEvent>,
    /// Per command, the BCS bytes of each value it returned.
    return_values: Vec<Vec<Vec<u8>>>,
}

/// An error about argument `index` of the current command.
pub fn arg_error(index: usize, kind: CommandArgumentError) -> ExecutionError {
    ExecutionError::CommandArgumentError { argument: index as u16, kind }
}

impl Interp {
    /// Sets up the slots from validated inputs.
    pub fn new(
        store: &Store,
        tx: &Transaction,
        digest: Digest,
        inputs: &[Option<LoadedInput>],
        gas_objects: &[Object],
        clock_ms: u64,
    ) -> Result<Self, Rejection> {
        let TransactionKind::ProgrammableTransaction(ptb) = &tx.kind else { unreachable!("validated") };
        let mut slots = Vec::with_capacity(inputs.len());
        for (input, loaded) in ptb.inputs.iter().zip(inputs) {
            slots.push(match (input, loaded) {
                (Input::Pure(bytes), _) => Slot::Pure(bytes.clone()),
                (_, Some(loaded)) => {
                    let value = objects::load(store, &loaded.object)?.ok_or_else(|| Rejection::NotUsable {
                        id: loaded.object.object_id(),
                        sender: tx.sender,
                        reason: "the local chain executes only wal, walrus and coin objects".into(),
                    })?;
                    // The clock reads the transaction's time, whatever version the store holds; the
                    // Random object the transaction's randomness (`Random::for_transaction`).
                    let value = match value {
                        Obj::Clock(clock) => Obj::Clock(walrus_contracts::Clock { timestamp_ms: clock_ms, ..clock }),
                        Obj::Random(random) => Obj::Random(random.for_transaction(digest.into_inner())),
                        other => other,
                    };
                    Slot::Object { value: Some(value), kind: loaded.kind }
                }
                (_, None) => unreachable!("object inputs are loaded"),
            });
        }
        let mut gas = Coin { id: to_object_id(gas_objects[0].object_id()), balance: Balance::default() };
        for object in gas_objects {
            if let Some(Obj::SuiCoin(coin)) = objects::load(store, object)? {
                gas.balance.join(coin.balance);
            }
        }
        Ok(Self {
            inputs: slots,
            gas,
            results: Vec::new(),
            ctx: TxContext::new(walrus_contracts::ObjectId(tx.sender.into_inner()), digest.into_inner()),
            placed: Vec::new(),
            events: Vec::new(),
            return_values: Vec::new(),
        })
    }

    /// The events the twin emitted.
    pub fn take_events(&mut self) -> Vec<TwinEvent> {
        std::mem::take(&mut self.events)
    }

    /// Per command run, the BCS bytes of each value it returned (e.g. `access_policy::can_read`'s
    /// `bool`): what a simulation reports as command outputs.
    pub fn take_return_values(&mut self) -> Vec<Vec<Vec<u8>>> {
        std::mem::take(&mut self.return_values)
    }

    /// Runs the commands; on failure returns the error and the failing command's index.
    pub fn run(&mut self, commands: &[Command]) -> Result<World, CommandError> {
        for (index, command) in commands.iter().enumerate() {
            let results = self.command(command).map_err(|e| (e, Some(index)))?;
            self.return_values.push(results.iter().map(Value::bcs).collect());
            self.results.push(results.into_iter().map(Some).collect());
        }
        for (r, results) in self.results.iter().enumerate() {
            for (s, value) in results.iter().enumerate() {
                if matches!(value, Some(Value::Obj(_) | Value::UpgradeTicket(_))) {
                    return Err((
                        ExecutionError::UnusedValueWithoutDrop { result: r as u16, subresult: s as u16 },
                        None,
                    ));
                }
            }
        }
        let ctx = std::mem::replace(&mut self.ctx, TxContext::new(walrus_contracts::ObjectId::default(), [0; 32]));
        let effects = ctx.into_effects();
        self.events = effects.events;
        let mut placed = std::mem::take(&mut self.placed);
        placed.extend(effects.shared.into_iter().map(|o| (Obj::Twin(o), Owner::Shared(0))));
        placed.extend(effects.frozen.into_iter().map(|o| (Obj::Twin(o), Owner::Immutable)));
        placed.extend(effects.transferred.into_iter().map(|(to, o)| (Obj::Twin(o), Owner::Address(to_address(to)))));
        let inputs = self
            .inputs
            .iter_mut()
            .map(|slot| match slot {
                Slot::Pure(_) => None,
                Slot::Object { value, .. } => value.take(),
            })
            .collect();
        Ok(World { inputs, placed, gas_balance: self.gas.balance.value })
    }

    fn command(&mut self, command: &Command) -> Result<Vec<Value>, ExecutionError> {
        match command {
            Command::MoveCall(call) => calls::call(self, call),
            Command::SplitCoins(split) => {
                let mut amounts = Vec::with_capacity(split.amounts.len());
                for (i, amount) in split.amounts.iter().enumerate() {
                    amounts.push(self.pure::<u64>(i + 1, *amount)?);
                }
                if split.coin == Argument::Gas {
                    let total: u128 = amounts.iter().map(|&a| u128::from(a)).sum();
                    if total + u128::from(GAS_COST_MIST) > u128::from(self.gas.value()) {
                        return Err(ExecutionError::InsufficientCoinBalance);
                    }
                    return Ok(amounts
                        .into_iter()
                        .map(|a| {
                            self.gas.balance.value -= a;
                            Value::Obj(Obj::SuiCoin(Coin { id: self.ctx.fresh_id(), balance: Balance::new(a) }))
                        })
                        .collect());
                }
                let mut coin = self.take_mut(0, split.coin)?;
                let (kind, c) = coin.as_coin_mut().ok_or(arg_error(0, CommandArgumentError::TypeMismatch))?;
                let mut out = Vec::new();
                for a in amounts {
                    let part = c.balance.split(a).map_err(|_| ExecutionError::InsufficientCoinBalance)?;
                    out.push(Value::Obj(Obj::coin(kind, Coin { id: self.ctx.fresh_id(), balance: part })));
                }
                self.put_back(split.coin, coin);
                Ok(out)
            }
            Command::MergeCoins(merge) => {
                let mut sources = Vec::new();
                for (i, source) in merge.coins_to_merge.iter().enumerate() {
                    if *source == Argument::Gas {
                        return Err(arg_error(i + 1, CommandArgumentError::InvalidGasCoinUsage));
                    }
                    sources.push(self.take_value(i + 1, *source)?);
                }
                if merge.coin == Argument::Gas {
                    for (i, source) in sources.into_iter().enumerate() {
                        match source {
                            Value::Obj(Obj::SuiCoin(c)) => self.gas.balance.join(c.balance),
                            _ => return Err(arg_error(i + 1, CommandArgumentError::TypeMismatch)),
                        }
                    }
                    return Ok(vec![]);
                }
                let mut target = self.take_mut(0, merge.coin)?;
                let (kind, t) = target.as_coin_mut().ok_or(arg_error(0, CommandArgumentError::TypeMismatch))?;
                for (i, source) in sources.into_iter().enumerate() {
                    let Value::Obj(mut source) = source else {
                        return Err(arg_error(i + 1, CommandArgumentError::TypeMismatch));
                    };
                    match source.as_coin_mut() {
                        Some((k, c)) if k == kind => t.balance.join(c.balance.withdraw_all()),
                        _ => return Err(arg_error(i + 1, CommandArgumentError::TypeMismatch)),
                    }
                }
                self.put_back(merge.coin, target);
                Ok(vec![])
            }
            Command::TransferObjects(transfer) => {
                let n = transfer.objects.len();
                let recipient: Address = self.pure(n, transfer.address)?;
                for (i, arg) in transfer.objects.iter().enumerate() {
                    if *arg == Argument::Gas {
                        return Err(arg_error(i, CommandArgumentError::InvalidGasCoinUsage));
                    }
                    match self.take_value(i, *arg)? {
                        Value::Obj(obj) if obj.has_public_transfer() => {
                            self.placed.push((obj, Owner::Address(recipient)))
                        }
                        _ => return Err(arg_error(i, CommandArgumentError::InvalidTransferObject)),
                    }
                }
                Ok(vec![])
            }
            // MakeMoveVector, Publish, Upgrade and future commands.
            _ => Err(ExecutionError::FeatureNotYetSupported),
        }
    }

    /// A pure value of type `T` (exact BCS, no trailing bytes).
    pub fn pure<T: DeserializeOwned>(&self, index: usize, arg: Argument) -> Result<T, ExecutionError> {
        let bytes = match arg {
            Argument::Input(i) => match self.inputs.get(i as usize) {
                Some(Slot::Pure(bytes)) => bytes,
                Some(_) => return Err(arg_error(index, CommandArgumentError::TypeMismatch)),
                None => return Err(arg_error(index, CommandArgumentError::IndexOutOfBounds { index: i })),
            },
            Argument::Result(_) | Argument::NestedResult(..) => match self.result_ref(index, arg)? {
                Value::Pure(bytes) => bytes,
                Value::Obj(_) | Value::UpgradeTicket(_) => {
                    return Err(arg_error(index, CommandArgumentError::TypeMismatch));
                }
            },
            Argument::Gas => return Err(arg_error(index, CommandArgumentError::TypeMismatch)),
        };
        bcs::from_bytes(bytes).map_err(|_| arg_error(index, CommandArgumentError::InvalidBcsBytes))
    }

    fn result_ref(&self, index: usize, arg: Argument) -> Result<&Value, ExecutionError> {
        let (r, s) = match arg {
            Argument::Result(r) => {
                let results = self
                    .results
                    .get(r as usize)
                    .ok_or(arg_error(index, CommandArgumentError::IndexOutOfBounds { index: r }))?;
                if results.len() != 1 {
                    return Err(arg_error(index, CommandArgumentError::InvalidResultArity { result: r }));
                }
                (r, 0)
            }
            Argument::NestedResult(r, s) => (r, s),
            _ => unreachable!("only results"),
        };
        self.results
            .get(r as usize)
            .and_then(|v| v.get(s as usize))
            .ok_or(arg_error(index, CommandArgumentError::SecondaryIndexOutOfBounds { result: r, subresult: s }))?
            .as_ref()
            .ok_or(arg_error(index, CommandArgumentError::ArgumentWithoutValue))
    }

    fn result_slot(&mut self, index: usize, arg: Argument) -> Result<&mut Option<Value>, ExecutionError> {
        let (r, s) = match arg {
            Argument::Result(r) => (r, 0),
            Argument::NestedResult(r, s) => (r, s),
            _ => unreachable!("only results"),
        };
        self.results
            .get_mut(r as usize)
            .and_then(|v| v.get_mut(s as usize))
            .ok_or(arg_error(index, CommandArgumentError::SecondaryIndexOutOfBounds { result: r, subresult: s }))
    }

    /// Takes a value by value (moving an object out of its slot).
    pub fn take_value(&mut self, index: usize, arg: Argument) -> Result<Value, ExecutionError> {
        match arg {
            Argument::Gas => Err(arg_error(index, CommandArgumentError::InvalidGasCoinUsage)),
            Argument::Input(i) => match self.inputs.get_mut(i as usize) {
                Some(Slot::Pure(bytes)) => Ok(Value::Pure(bytes.clone())),
                Some(Slot::Object { value, kind: InputKind::Owned }) => {
                    value.take().map(Value::Obj).ok_or(arg_error(index, CommandArgumentError::ArgumentWithoutValue))
                }
                Some(Slot::Object { .. }) => Err(arg_error(index, CommandArgumentError::InvalidObjectByValue)),
                None => Err(arg_error(index, CommandArgumentError::IndexOutOfBounds { index: i })),
            },
            _ => {
                let slot = self.result_slot(index, arg)?;
                match slot {
                    Some(Value::Pure(bytes)) => Ok(Value::Pure(bytes.clone())),
                    Some(Value::Obj(_) | Value::UpgradeTicket(_)) => Ok(slot.take().expect("checked")),
                    None => Err(arg_error(index, CommandArgumentError::ArgumentWithoutValue)),
                }
            }
        }
    }

    /// Takes an object by value.
    pub fn take_obj(&mut self, index: usize, arg: Argument) -> Result<Obj, ExecutionError> {
        match self.take_value(index, arg)? {
            Value::Obj(obj) => Ok(obj),
            Value::Pure(_) | Value::UpgradeTicket(_) => Err(arg_error(index, CommandArgumentError::TypeMismatch)),
        }
    }

    /// Takes an object out for a `&mut` borrow; the caller must `put_back` it.
    pub fn take_mut(&mut self, index: usize, arg: Argument) -> Result<Obj, ExecutionError> {
        match arg {
            Argument::Input(i) => match self.inputs.get_mut(i as usize) {
                Some(Slot::Object { value, kind: InputKind::Owned | InputKind::Shared { mutable: true } }) => {
                    value.take().ok_or(arg_error(index, CommandArgumentError::ArgumentWithoutValue))
                }
                Some(Slot::Object { .. }) => Err(arg_error(index, CommandArgumentError::InvalidObjectByMutRef)),
                Some(Slot::Pure(_)) => Err(arg_error(index, CommandArgumentError::TypeMismatch)),
                None => Err(arg_error(index, CommandArgumentError::IndexOutOfBounds { index: i })),
            },
            Argument::Gas => Err(arg_error(index, CommandArgumentError::InvalidGasCoinUsage)),
            _ => self.take_obj(index, arg),
        }
    }

    /// Takes an object out for a `&` borrow; the caller must `put_back` it.
    pub fn take_ref(&mut self, index: usize, arg: Argument) -> Result<Obj, ExecutionError> {
        match arg {
            Argument::Input(i) => match self.inputs.get_mut(i as usize) {
                Some(Slot::Object { value, .. }) => {
                    value.take().ok_or(arg_error(index, CommandArgumentError::ArgumentWithoutValue))
                }
                Some(Slot::Pure(_)) => Err(arg_error(index, CommandArgumentError::TypeMismatch)),
                None => Err(arg_error(index, CommandArgumentError::IndexOutOfBounds { index: i })),
            },
            _ => self.take_mut(index, arg),
        }
    }

    /// Returns a borrowed object to its slot.
    pub fn put_back(&mut self, arg: Argument, obj: Obj) {
        match arg {
            Argument::Input(i) => {
                if let Some(Slot::Object { value, .. }) = self.inputs.get_mut(i as usize) {
                    *value = Some(obj);
                }
            }
            Argument::Gas => {}
            _ => {
                if let Ok(slot) = self.result_slot(0, arg) {
                    *slot = Some(Value::Obj(obj));
                }
            }
        }
    }

    /// A new coin of `kind` with `value`, or the type error if `kind` is unknown.
    pub fn new_coin(&mut self, kind: CoinKind, value: u64) -> Obj {
        Obj::coin(kind, Coin { id: self.ctx.fresh_id(), balance: Balance::new(value) })
    }

    /// Records an object given to `recipient` by `0x2::transfer::public_transfer`.
    pub fn transfer(&mut self, obj: Obj, recipient: Address) {
        self.placed.push((obj, Owner::Address(recipient)));
    }
}
