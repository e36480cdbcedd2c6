//! Building, signing, executing and awaiting transactions.
//!
//! Every transaction is a programmable transaction built with `sui-transaction-builder`'s
//! offline `try_build`: owned inputs at the references read just before (under the client's
//! object locks), shared inputs with their initial shared version, a gas coin the client picked,
//! and an explicit budget and price, so nothing depends on server-side resolution. Pure inputs
//! are never merged (`pure_unique`), which keeps the bytes identical to what the TypeScript SDK
//! builds for the same calls (`tests/interop.rs`).

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use serde::Serialize;
use sui_rpc::client::ExecuteAndWaitError;
use sui_rpc::field::{FieldMask, FieldMaskUtil};
use sui_rpc::proto::sui::rpc::v2 as proto;
use sui_sdk_types::{
    Address, Digest, ExecutionStatus, Identifier, MoveLocation, ObjectIn, ObjectOut, ObjectReference, Owner, StructTag,
    Transaction, TransactionEffects, TypeTag, UserSignature,
};
use sui_transaction_builder::{Argument, Function, ObjectInput, TransactionBuilder};
use walrus_contracts::events::Event;

use super::events::decode_walrus_event;
use super::reads::RawObject;
use super::{ChainError, ChainObject, ChainResult, WalrusChainClient};
use crate::Deployment;

/// What the client reads back about an executed transaction.
const EXECUTE_READ_MASK: &[&str] = &[
    "digest",
    "effects.bcs",
    "events.events",
    "checkpoint",
    "objects.objects.object_id",
    "objects.objects.version",
    "objects.objects.digest",
    "objects.objects.owner",
    "objects.objects.object_type",
    "objects.objects.contents",
];
/// How often the client asks whether a transaction is checkpointed when the checkpoint
/// subscription could not tell.
const CHECKPOINT_POLL_INTERVAL: Duration = Duration::from_millis(250);

/// A programmable transaction under construction against a Walrus [`Deployment`].
///
/// The typed Move calls are in [`super::calls`]; this type holds the inputs and the plumbing.
pub struct WalrusPtb {
    builder: TransactionBuilder,
    deployment: Deployment,
}

impl WalrusPtb {
    /// An empty transaction against `deployment`.
    pub fn new(deployment: Deployment) -> Self {
        Self { builder: TransactionBuilder::new(), deployment }
    }

    /// The deployment calls go to.
    pub fn deployment(&self) -> &Deployment {
        &self.deployment
    }

    /// The underlying builder, for commands this type does not wrap.
    pub fn builder(&mut self) -> &mut TransactionBuilder {
        &mut self.builder
    }

    /// A pure (BCS) input. Never merged with an equal one, as the TypeScript SDK does not merge.
    pub fn pure<T: Serialize>(&mut self, value: &T) -> Argument {
        self.builder.pure_unique(value)
    }

    /// An owned (or immutable) object input at exactly `reference`.
    pub fn owned(&mut self, reference: &ObjectReference) -> Argument {
        self.builder.object(ObjectInput::owned(*reference.object_id(), reference.version(), *reference.digest()))
    }

    /// A shared object input; `mutable` if any command takes it by `&mut`.
    pub fn shared(&mut self, id: Address, initial_shared_version: u64, mutable: bool) -> Argument {
        self.builder.object(ObjectInput::shared(id, initial_shared_version, mutable))
    }

    /// The shared `System` object. Using it mutably once makes the input mutable.
    pub fn system(&mut self, mutable: bool) -> Argument {
        let d = self.deployment;
        self.shared(d.system_object, d.system_initial_shared_version, mutable)
    }

    /// One WAL coin holding the value of all of `coins`: the first, with the others merged into
    /// it. `coins` must not be empty.
    pub fn wal_payment(&mut self, coins: &[ObjectReference]) -> Argument {
        let mut arguments = coins.iter().map(|c| self.owned(c)).collect::<Vec<_>>().into_iter();
        let first = arguments.next().unwrap_or_else(|| unreachable!("callers select at least one coin"));
        let rest: Vec<Argument> = arguments.collect();
        if !rest.is_empty() {
            self.builder.merge_coins(first, rest);
        }
        first
    }

    /// A call of `package::module::function<type_arguments>(arguments)`.
    pub fn call(
        &mut self,
        package: Address,
        module: &str,
        function: &str,
        type_arguments: Vec<TypeTag>,
        arguments: Vec<Argument>,
    ) -> Argument {
        let ident = |name: &str| {
            Identifier::new(name).unwrap_or_else(|e| unreachable!("`{name}` is a fixed Move identifier: {e}"))
        };
        self.builder
            .move_call(Function::new(package, ident(module), ident(function)).with_type_args(type_arguments), arguments)
    }

    /// A call into the `walrus` package.
    pub fn walrus_call(&mut self, module: &str, function: &str, arguments: Vec<Argument>) -> Argument {
        let package = self.deployment.walrus_package;
        self.call(package, module, function, vec![], arguments)
    }

    /// A call into the `wal` package.
    pub fn wal_call(&mut self, module: &str, function: &str, arguments: Vec<Argument>) -> Argument {
        let package = self.deployment.wal_package;
        self.call(package, module, function, vec![], arguments)
    }

    /// Splits `amount` off `coin` into a new coin.
    pub fn split(&mut self, coin: Argument, amount: u64) -> Argument {
        let amount = self.pure(&amount);
        self.builder.split_coins(coin, vec![amount])[0]
    }

    /// Sends `objects` to `recipient`.
    pub fn transfer(&mut self, objects: Vec<Argument>, recipient: Address) {
        let recipient = self.pure(&recipient);
        self.builder.transfer_objects(objects, recipient);
    }

    /// The finished transaction, paid with `gas` by `sender`.
    pub fn finish(
        mut self,
        sender: Address,
        gas: &ObjectReference,
        budget_mist: u64,
        price_mist: u64,
    ) -> ChainResult<Transaction> {
        self.builder.set_sender(sender);
        self.builder.add_gas_objects([ObjectInput::owned(*gas.object_id(), gas.version(), *gas.digest())]);
        self.builder.set_gas_budget(budget_mist);
        self.builder.set_gas_price(price_mist);
        Ok(self.builder.try_build()?)
    }
}

/// The owned objects a transaction was given, at their current references.
#[derive(Debug, Default)]
pub(crate) struct Inputs {
    owned: HashMap<Address, ObjectReference>,
    /// WAL coins covering the payment, if one was asked for.
    pub(crate) wal: Vec<ObjectReference>,
}

impl Inputs {
    /// The current reference of owned input `id` (one the transaction was planned with).
    pub(crate) fn owned(&self, id: Address) -> &ObjectReference {
        self.owned.get(&id).unwrap_or_else(|| unreachable!("{id} was locked and read for this transaction"))
    }
}

/// A transaction as executed and checkpointed.
#[derive(Clone, Debug)]
pub struct ExecutedTransaction {
    /// Its digest.
    pub digest: Digest,
    /// The checkpoint that contains it.
    pub checkpoint: u64,
    /// Its effects (successful: failures are returned as errors).
    pub effects: TransactionEffects,
    /// The `walrus` package events it emitted, in order.
    pub events: Vec<Event>,
    /// The objects it wrote, at their new versions, as far as the node returned them.
    pub written: Vec<RawObject>,
}

impl ExecutedTransaction {
    /// The version every object the transaction wrote has now.
    pub fn lamport_version(&self) -> u64 {
        match &self.effects {
            TransactionEffects::V2(effects) => effects.lamport_version,
            _ => 0,
        }
    }

    /// Objects that appeared (were created, or unwrapped from another object) with their owner
    /// and reference.
    pub fn new_objects(&self) -> Vec<(ObjectReference, Owner)> {
        let TransactionEffects::V2(effects) = &self.effects else { return Vec::new() };
        effects
            .changed_objects
            .iter()
            .filter_map(|change| match (&change.input_state, &change.output_state) {
                (ObjectIn::NotExist, ObjectOut::ObjectWrite { digest, owner }) => {
                    Some((ObjectReference::new(change.object_id, effects.lamport_version, *digest), *owner))
                }
                _ => None,
            })
            .collect()
    }

    /// Ids of the objects the transaction deleted or wrapped.
    pub fn removed_objects(&self) -> Vec<Address> {
        let TransactionEffects::V2(effects) = &self.effects else { return Vec::new() };
        effects
            .changed_objects
            .iter()
            .filter(|change| {
                matches!(change.input_state, ObjectIn::Exist { .. })
                    && matches!(change.output_state, ObjectOut::NotExist)
            })
            .map(|change| change.object_id)
            .collect()
    }

    /// The new reference of a written object.
    pub fn written_reference(&self, id: Address) -> Option<ObjectReference> {
        let TransactionEffects::V2(effects) = &self.effects else { return None };
        effects.changed_objects.iter().find(|c| c.object_id == id).and_then(|change| match &change.output_state {
            ObjectOut::ObjectWrite { digest, .. } => {
                Some(ObjectReference::new(change.object_id, effects.lamport_version, *digest))
            }
            _ => None,
        })
    }
}

impl WalrusChainClient {
    /// Runs one transaction: locks and reads the owned objects `owned` (which the sender must
    /// own), selects WAL coins covering `wal_frost` if given, lets `build` add the commands,
    /// picks a gas coin, signs, executes and waits for the checkpoint.
    pub(crate) async fn run<F>(
        &self,
        owned: &[Address],
        wal_frost: Option<u64>,
        build: F,
    ) -> ChainResult<ExecutedTransaction>
    where
        F: FnOnce(&mut WalrusPtb, &Inputs) -> ChainResult<()>,
    {
        let mut ids: Vec<Address> = owned.to_vec();
        ids.sort();
        ids.dedup();
        let timeout = self.options().lock_timeout;
        let mut guard = self.inner.locks.lock(&ids, timeout, self.address()).await?;
        let mut inputs = Inputs::default();
        for id in &ids {
            let object = self.get_raw_object(*id).await?;
            if object.owner != Owner::Address(self.address()) {
                return Err(ChainError::NotOwner {
                    id: *id,
                    owner: describe_owner(&object.owner),
                    sender: self.address(),
                });
            }
            inputs.owned.insert(*id, object.reference);
        }
        if let Some(amount) = wal_frost {
            let (coins, wal_guard) = self.select_wal_coins(amount).await?;
            guard.absorb(wal_guard);
            inputs.wal = coins;
        }
        let mut ptb = WalrusPtb::new(*self.deployment());
        build(&mut ptb, &inputs)?;
        let exclude: HashSet<Address> = ids.iter().copied().chain(inputs.wal.iter().map(|c| *c.object_id())).collect();
        let budget = self.options().gas_budget_mist;
        let (gas, gas_guard) = self.select_gas_coin(budget, &exclude).await?;
        guard.absorb(gas_guard);
        let price = self.gas_price().await?;
        let transaction = ptb.finish(self.address(), &gas, budget, price)?;
        let executed = self.sign_and_execute(&transaction).await;
        // The locks are released only now, once the new versions are readable.
        drop(guard);
        executed
    }

    /// Signs `transaction` with the client's key, executes it and waits for its checkpoint.
    pub async fn sign_and_execute(&self, transaction: &Transaction) -> ChainResult<ExecutedTransaction> {
        let signature = self.key().sign_transaction(transaction)?;
        self.execute_signed(transaction, vec![signature]).await
    }

    /// Executes an already signed transaction and waits for its checkpoint. A Move abort or
    /// another execution failure is an error (the gas fee was charged); a rejection changed
    /// nothing.
    pub async fn execute_signed(
        &self,
        transaction: &Transaction,
        signatures: Vec<UserSignature>,
    ) -> ChainResult<ExecutedTransaction> {
        let digest = transaction.digest();
        let request = proto::ExecuteTransactionRequest::default()
            .with_transaction(transaction.clone())
            .with_signatures(signatures.into_iter().map(Into::into).collect())
            .with_read_mask(FieldMask::from_paths(EXECUTE_READ_MASK));
        let timeout = self.options().checkpoint_timeout;
        let response =
            match self.rpc().execute_transaction_and_wait_for_checkpoint(self.request(request), timeout).await {
                Ok(response) => response.into_inner(),
                Err(ExecuteAndWaitError::RpcError(status)) => {
                    return Err(ChainError::rejection(self.grpc_url(), &status));
                }
                Err(ExecuteAndWaitError::CheckpointTimeout(_)) => {
                    return Err(ChainError::CheckpointTimeout { digest, waited: timeout });
                }
                Err(ExecuteAndWaitError::CheckpointStreamError { response, .. }) => {
                    // Executed, but the subscription broke: ask for the checkpoint directly.
                    let mut executed = response.into_inner();
                    let checkpoint = self.poll_checkpoint(digest, timeout).await?;
                    executed.transaction_mut().set_checkpoint(checkpoint);
                    executed
                }
                Err(other) => {
                    return Err(ChainError::MalformedResponse {
                        operation: "ExecuteTransaction",
                        message: other.to_string(),
                    });
                }
            };
        self.executed_from_proto(digest, response.transaction())
    }

    /// Waits until transaction `digest` is in a checkpoint, asking every
    /// [`CHECKPOINT_POLL_INTERVAL`].
    async fn poll_checkpoint(&self, digest: Digest, timeout: Duration) -> ChainResult<u64> {
        let deadline = Instant::now() + timeout;
        loop {
            let request = proto::GetTransactionRequest::new(&digest).with_read_mask(FieldMask::from_str("checkpoint"));
            match self.rpc().ledger_client().get_transaction(self.request(request)).await {
                Ok(response) => {
                    if let Some(checkpoint) = response.get_ref().transaction().checkpoint_opt() {
                        return Ok(checkpoint);
                    }
                }
                Err(status) if status.code() == tonic::Code::NotFound => {}
                Err(status) => return Err(self.rpc_error("GetTransaction", &status)),
            }
            if Instant::now() + CHECKPOINT_POLL_INTERVAL > deadline {
                return Err(ChainError::CheckpointTimeout { digest, waited: timeout });
            }
            tokio::time::sleep(CHECKPOINT_POLL_INTERVAL).await;
        }
    }

    fn executed_from_proto(
        &self,
        digest: Digest,
        message: &proto::ExecutedTransaction,
    ) -> ChainResult<ExecutedTransaction> {
        let operation = "ExecuteTransaction";
        let malformed = |message: String| ChainError::MalformedResponse { operation, message };
        let effects =
            message.effects.as_ref().ok_or_else(|| malformed(format!("no effects for {digest}"))).and_then(|e| {
                TransactionEffects::try_from(e).map_err(|e| malformed(format!("effects of {digest}: {e}")))
            })?;
        if let ExecutionStatus::Failure { error, command } = effects.status() {
            return Err(match error {
                sui_sdk_types::ExecutionError::MoveAbort { location, code } => {
                    ChainError::move_abort(self.qualified_module(location), *code, digest)
                }
                other => ChainError::ExecutionFailed { digest, command: *command, error: format!("{other:?}") },
            });
        }
        let checkpoint = message.checkpoint.ok_or_else(|| malformed(format!("{digest} has no checkpoint")))?;
        let mut events = Vec::new();
        if let Some(list) = &message.events {
            let list = sui_sdk_types::TransactionEvents::try_from(list)
                .map_err(|e| malformed(format!("events of {digest}: {e}")))?;
            for event in &list.0 {
                if let Some(event) = decode_walrus_event(self.deployment(), event) {
                    events.push(event?);
                }
            }
        }
        let lamport = match &effects {
            TransactionEffects::V2(effects) => effects.lamport_version,
            _ => 0,
        };
        let mut written = Vec::new();
        for object in message.objects.iter().flat_map(|set| &set.objects) {
            // Packages cannot be written by these transactions; inputs are at older versions.
            if object.version == Some(lamport) && object.object_type.as_deref() != Some("package") {
                written.push(RawObject::from_proto(operation, object)?);
            }
        }
        Ok(ExecutedTransaction { digest, checkpoint, effects, events, written })
    }

    /// `location`'s module as `package::module`, naming the deployment's packages `wal` and
    /// `walrus` and the framework `0x1`/`0x2`, as the abort codes of `walrus-contracts` do.
    fn qualified_module(&self, location: &MoveLocation) -> String {
        let d = self.deployment();
        let package = if location.package == d.walrus_package {
            "walrus".to_owned()
        } else if location.package == d.wal_package {
            "wal".to_owned()
        } else if location.package == Address::TWO {
            "0x2".to_owned()
        } else if location.package == Address::from_static("0x1") {
            "0x1".to_owned()
        } else {
            location.package.to_string()
        };
        format!("{package}::{}", location.module)
    }

    /// The object of type `object_type` that `executed` created (or unwrapped), decoded.
    pub(crate) async fn new_object<T: serde::de::DeserializeOwned>(
        &self,
        executed: &ExecutedTransaction,
        object_type: &StructTag,
    ) -> ChainResult<ChainObject<T>> {
        for (reference, _) in executed.new_objects() {
            let id = *reference.object_id();
            let object = match executed.written.iter().find(|o| o.id() == id) {
                Some(object) => object.clone(),
                None => self.get_raw_object(id).await?,
            };
            if &object.object_type == object_type {
                return object.decode(object_type);
            }
        }
        Err(ChainError::MalformedResponse {
            operation: "ExecuteTransaction",
            message: format!("transaction {} created no {object_type}", executed.digest),
        })
    }
}

/// How Sui would describe an owner, for errors.
fn describe_owner(owner: &Owner) -> String {
    match owner {
        Owner::Address(address) => format!("address {address}"),
        Owner::Object(parent) => format!("object {parent}"),
        Owner::Shared(_) => "everyone (it is shared)".to_owned(),
        Owner::Immutable => "no one (it is immutable)".to_owned(),
        other => format!("{other:?}"),
    }
}
