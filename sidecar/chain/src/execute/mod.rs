//! Executing signed Sui transactions.
//!
//! [`validate`] rejects what Sui would reject before execution (bad signature, wrong sender,
//! unknown, stale or foreign objects, gas problems): nothing changes and nothing is charged.
//! [`execute`] then runs the programmable transaction against the Rust twin: on success every
//! change is kept; on a Move abort or a misused argument nothing is kept but the gas charge, and
//! the effects report the failure with the Move module and abort code, as Sui does.

// Errors carry Sui's `ExecutionError`, which is large; they occur once per failed transaction,
// so boxing them would buy nothing.
#![allow(clippy::result_large_err)]

mod calls;
mod interp;
pub mod objects;

use std::collections::{BTreeMap, BTreeSet};

use sui_crypto::{SuiVerifier, ed25519::Ed25519Verifier};
use sui_sdk_types::{
    Address, ChangedObject, Digest, Event, ExecutionError, ExecutionStatus, GasCostSummary, IdOperation, Input, Object,
    ObjectIn, ObjectOut, Owner, SignedTransaction, SimpleSignature, TransactionEffects, TransactionEffectsV2,
    TransactionEvents, TransactionKind, UnchangedConsensusKind, UnchangedConsensusObject, UserSignature,
};
use walrus_contracts::ObjectId;

use crate::{
    store::{Commit, Store, StoreError},
    types::{Obj, to_object_id},
};

/// The flat computation cost of a transaction, in MIST. The local chain does not meter; it
/// charges a fixed fee so gas coins are used and checked as on Sui.
pub const GAS_COST_MIST: u64 = 1_000_000;
/// The largest number of commands in one programmable transaction (Sui's limit).
pub const MAX_COMMANDS: usize = 1024;
/// The largest number of inputs in one programmable transaction (Sui's limit).
pub const MAX_INPUTS: usize = 2048;

/// Why a transaction was rejected before execution. Nothing changed.
#[derive(Debug, thiserror::Error)]
pub enum Rejection {
    /// The signature is missing or does not verify.
    #[error("invalid signature: {0}; sign the transaction's signing digest with the sender's Ed25519 key")]
    InvalidSignature(String),
    /// The signer is not the sender.
    #[error("the transaction is signed by {signer} but its sender is {sender}; sign with the sender's key")]
    WrongSigner {
        /// The sender.
        sender: Address,
        /// Who signed.
        signer: Address,
    },
    /// Only programmable transactions are accepted.
    #[error("only programmable transactions can be executed on the local chain")]
    NotProgrammable,
    /// Too many inputs or commands.
    #[error("transaction too large: {0}")]
    TooLarge(String),
    /// An input object does not exist.
    #[error("object {0} does not exist (or was deleted); refresh your object references")]
    ObjectNotFound(Address),
    /// An owned input object is not at the referenced version.
    #[error("object {id} is at version {current}, not {given}: the reference is stale; fetch the object again")]
    StaleObject {
        /// The object.
        id: Address,
        /// The version the transaction names.
        given: u64,
        /// The current version.
        current: u64,
    },
    /// The digest does not match.
    #[error("object {0}: digest does not match the object at that version")]
    DigestMismatch(Address),
    /// The object belongs to someone else or cannot be used this way.
    #[error("object {id} cannot be used by {sender}: {reason}")]
    NotUsable {
        /// The object.
        id: Address,
        /// The sender.
        sender: Address,
        /// Why.
        reason: String,
    },
    /// A command other than `TransferObjects` or `MergeCoins` follows a `MoveCall` that takes the
    /// `Random` object (Sui's rule: nothing may act on randomness within the transaction).
    #[error(
        "command {index} follows a MoveCall that uses Random (0x8); only TransferObjects and MergeCoins may follow \
         it: move the other commands into another transaction"
    )]
    PostRandomCommand {
        /// The offending command.
        index: usize,
    },
    /// A `Publish` or `Upgrade` command: the local chain runs the Rust twin of the packages, not
    /// a Move VM, so it cannot load new bytecode.
    #[error(
        "command {index} is {command}, which the local chain does not support: it executes the Rust twin of the \
         wal and walrus packages and has no Move VM to publish or upgrade bytecode; run package upgrades \
         (governance::execute_upgrade, Upgrade, governance::commit_upgrade) on a Sui network"
    )]
    UnsupportedCommand {
        /// The offending command.
        index: usize,
        /// Its kind (`Publish` or `Upgrade`).
        command: &'static str,
    },
    /// The same object appears twice among the inputs.
    #[error("object {0} appears more than once among the inputs and gas")]
    DuplicateInput(Address),
    /// The gas payment is unusable.
    #[error("gas: {0}")]
    Gas(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The result of executing a transaction: effects, events, and the changes to commit.
pub struct Executed {
    /// The effects.
    pub effects: TransactionEffects,
    /// The events (None when there are none).
    pub events: Option<TransactionEvents>,
    /// Objects written and deleted.
    pub commit: Commit,
    /// Per command, the BCS bytes of each value it returned; empty if execution failed.
    pub return_values: Vec<Vec<Vec<u8>>>,
}

/// An input object after validation.
struct LoadedInput {
    object: Object,
    kind: InputKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum InputKind {
    Owned,
    Immutable,
    Shared { mutable: bool },
}

/// Checks signature, sender, inputs and gas against the store. Returns the loaded inputs.
fn validate(store: &Store, signed: &SignedTransaction) -> Result<(Vec<Option<LoadedInput>>, Vec<Object>), Rejection> {
    check_signature(signed)?;
    validate_unsigned(store, &signed.transaction)
}

/// Checks that the transaction carries exactly one Ed25519 signature by its sender.
fn check_signature(signed: &SignedTransaction) -> Result<(), Rejection> {
    let tx = &signed.transaction;
    let [signature] = &signed.signatures[..] else {
        return Err(Rejection::InvalidSignature(format!(
            "{} signatures; exactly one is supported",
            signed.signatures.len()
        )));
    };
    Ed25519Verifier::new().verify_transaction(tx, signature).map_err(|e| Rejection::InvalidSignature(e.to_string()))?;
    let UserSignature::Simple(SimpleSignature::Ed25519 { public_key, .. }) = signature else {
        return Err(Rejection::InvalidSignature("only Ed25519 signatures are supported".into()));
    };
    let signer = public_key.derive_address();
    if signer != tx.sender {
        return Err(Rejection::WrongSigner { sender: tx.sender, signer });
    }
    Ok(())
}

/// Checks everything but the signature: inputs and gas against the store.
fn validate_unsigned(
    store: &Store,
    tx: &sui_sdk_types::Transaction,
) -> Result<(Vec<Option<LoadedInput>>, Vec<Object>), Rejection> {
    let TransactionKind::ProgrammableTransaction(ptb) = &tx.kind else { return Err(Rejection::NotProgrammable) };
    if ptb.inputs.len() > MAX_INPUTS || ptb.commands.len() > MAX_COMMANDS {
        return Err(Rejection::TooLarge(format!("{} inputs, {} commands", ptb.inputs.len(), ptb.commands.len())));
    }
    let mut seen = BTreeSet::new();
    let mut inputs = Vec::with_capacity(ptb.inputs.len());
    for input in &ptb.inputs {
        inputs.push(match input {
            Input::Pure(_) => None,
            Input::ImmutableOrOwned(reference) => {
                let id = *reference.object_id();
                let object = load_referenced(store, &mut seen, reference)?;
                let kind = match object.owner() {
                    Owner::Address(owner) if *owner == tx.sender => InputKind::Owned,
                    Owner::Immutable => InputKind::Immutable,
                    other => {
                        return Err(Rejection::NotUsable {
                            id,
                            sender: tx.sender,
                            reason: format!("it is owned by {other:?}"),
                        });
                    }
                };
                Some(LoadedInput { object, kind })
            }
            Input::Shared(shared) => {
                let id = shared.object_id();
                if !seen.insert(id) {
                    return Err(Rejection::DuplicateInput(id));
                }
                let object = current(store, id)?;
                match object.owner() {
                    Owner::Shared(initial) if *initial == shared.version() => {}
                    Owner::Shared(initial) => {
                        return Err(Rejection::NotUsable {
                            id,
                            sender: tx.sender,
                            reason: format!("its initial shared version is {initial}, not {}", shared.version()),
                        });
                    }
                    _ => {
                        return Err(Rejection::NotUsable { id, sender: tx.sender, reason: "it is not shared".into() });
                    }
                }
                let mutable = matches!(shared.mutability(), sui_sdk_types::Mutability::Mutable);
                if mutable && id == crate::types::RANDOM_OBJECT {
                    // Sui's rule: Random can only be read, as the Clock.
                    return Err(Rejection::NotUsable {
                        id,
                        sender: tx.sender,
                        reason: "Random (0x8) can only be used by immutable reference; pass it as an immutable \
                                 shared input"
                            .into(),
                    });
                }
                if mutable && id == crate::types::CLOCK_OBJECT {
                    // Sui's rule: the clock can only be read, so it may only be an immutable input.
                    return Err(Rejection::NotUsable {
                        id,
                        sender: tx.sender,
                        reason: "the Clock (0x6) can only be used by immutable reference; pass it as an \
                                 immutable shared input"
                            .into(),
                    });
                }
                Some(LoadedInput { object, kind: InputKind::Shared { mutable } })
            }
            _ => {
                return Err(Rejection::NotUsable {
                    id: Address::ZERO,
                    sender: tx.sender,
                    reason: "receiving and funds-withdrawal inputs are not supported on the local chain".into(),
                });
            }
        });
    }
    check_post_random_commands(ptb)?;
    check_supported_commands(ptb)?;
    let gas = &tx.gas_payment;
    if gas.objects.is_empty() {
        return Err(Rejection::Gas("no gas coin; add a Coin<SUI> owned by the sender".into()));
    }
    if gas.owner != tx.sender {
        return Err(Rejection::Gas(
            "sponsored transactions are not supported; the gas owner must be the sender".into(),
        ));
    }
    if gas.budget < GAS_COST_MIST {
        return Err(Rejection::Gas(format!("budget {} is below the cost of {GAS_COST_MIST} MIST", gas.budget)));
    }
    let mut gas_objects = Vec::new();
    let mut balance = 0u128;
    for reference in &gas.objects {
        let id = *reference.object_id();
        let object = load_referenced(store, &mut seen, reference)?;
        if *object.owner() != Owner::Address(tx.sender) {
            return Err(Rejection::NotUsable {
                id,
                sender: tx.sender,
                reason: "gas coins must be owned by the sender".into(),
            });
        }
        match objects::load(store, &object)? {
            Some(Obj::SuiCoin(coin)) => balance += u128::from(coin.value()),
            _ => return Err(Rejection::Gas(format!("{id} is not a Coin<SUI>"))),
        }
        gas_objects.push(object);
    }
    if balance < u128::from(gas.budget) {
        return Err(Rejection::Gas(format!(
            "the gas coins hold {balance} MIST, less than the budget of {}; get SUI from the faucet",
            gas.budget
        )));
    }
    Ok((inputs, gas_objects))
}

/// Rejects the commands that need a Move VM (`Publish`, `Upgrade`) before anything runs.
fn check_supported_commands(ptb: &sui_sdk_types::ProgrammableTransaction) -> Result<(), Rejection> {
    for (index, command) in ptb.commands.iter().enumerate() {
        let unsupported = match command {
            sui_sdk_types::Command::Publish(_) => "Publish",
            sui_sdk_types::Command::Upgrade(_) => "Upgrade",
            _ => continue,
        };
        return Err(Rejection::UnsupportedCommand { index, command: unsupported });
    }
    Ok(())
}

/// Sui's restriction on randomness: after a `MoveCall` that takes the `Random` input, only
/// `TransferObjects` and `MergeCoins` may follow, so no later command can inspect what the
/// randomness produced and abort the transaction when it dislikes it.
fn check_post_random_commands(ptb: &sui_sdk_types::ProgrammableTransaction) -> Result<(), Rejection> {
    let random_inputs: BTreeSet<u16> = ptb
        .inputs
        .iter()
        .enumerate()
        .filter(
            |(_, input)| matches!(input, Input::Shared(shared) if shared.object_id() == crate::types::RANDOM_OBJECT),
        )
        .map(|(index, _)| index as u16)
        .collect();
    if random_inputs.is_empty() {
        return Ok(());
    }
    let mut random_used = false;
    for (index, command) in ptb.commands.iter().enumerate() {
        if random_used
            && !matches!(command, sui_sdk_types::Command::TransferObjects(_) | sui_sdk_types::Command::MergeCoins(_))
        {
            return Err(Rejection::PostRandomCommand { index });
        }
        if let sui_sdk_types::Command::MoveCall(call) = command
            && call
                .arguments
                .iter()
                .any(|a| matches!(a, sui_sdk_types::Argument::Input(i) if random_inputs.contains(i)))
        {
            random_used = true;
        }
    }
    Ok(())
}

/// The object a transaction references by id, version and digest: each object at most once per
/// transaction, and only at its current version and digest.
fn load_referenced(
    store: &Store,
    seen: &mut BTreeSet<Address>,
    reference: &sui_sdk_types::ObjectReference,
) -> Result<Object, Rejection> {
    let id = *reference.object_id();
    if !seen.insert(id) {
        return Err(Rejection::DuplicateInput(id));
    }
    let object = current(store, id)?;
    if object.version() != reference.version() {
        return Err(Rejection::StaleObject { id, given: reference.version(), current: object.version() });
    }
    if object.digest() != *reference.digest() {
        return Err(Rejection::DigestMismatch(id));
    }
    Ok(object)
}

fn current(store: &Store, id: Address) -> Result<Object, Rejection> {
    store.object(&to_object_id(id))?.ok_or(Rejection::ObjectNotFound(id))
}

/// Validates and executes `signed` with the clock at `clock_ms`. A rejection changes nothing; an
/// execution (successful or failed) yields effects and the commit to apply.
pub fn execute(store: &Store, signed: &SignedTransaction, epoch: u64, clock_ms: u64) -> Result<Executed, Rejection> {
    let (inputs, gas_objects) = validate(store, signed)?;
    run(store, &signed.transaction, inputs, gas_objects, epoch, clock_ms)
}

/// Executes `transaction` as [`execute`] would, without requiring a signature: the dry run
/// behind transaction simulation. It reads the store and never writes to it; the returned
/// commit is what executing the signed transaction would apply, and callers drop it.
pub fn dry_run(
    store: &Store,
    transaction: &sui_sdk_types::Transaction,
    epoch: u64,
    clock_ms: u64,
) -> Result<Executed, Rejection> {
    let (inputs, gas_objects) = validate_unsigned(store, transaction)?;
    run(store, transaction, inputs, gas_objects, epoch, clock_ms)
}

fn run(
    store: &Store,
    tx: &sui_sdk_types::Transaction,
    inputs: Vec<Option<LoadedInput>>,
    gas_objects: Vec<Object>,
    epoch: u64,
    clock_ms: u64,
) -> Result<Executed, Rejection> {
    let digest = tx.digest();
    let TransactionKind::ProgrammableTransaction(ptb) = &tx.kind else { unreachable!("validated") };

    let lamport = 1 + inputs
        .iter()
        .flatten()
        .map(|i| i.object.version())
        .chain(gas_objects.iter().map(Object::version))
        .max()
        .unwrap_or(0);

    let mut interp = interp::Interp::new(store, tx, digest, &inputs, &gas_objects, clock_ms)?;
    let outcome = interp.run(&ptb.commands);
    let (status, world, twin_events) = match outcome {
        Ok(world) => (ExecutionStatus::Success, Some(world), interp.take_events()),
        Err((error, command)) => (ExecutionStatus::Failure { error, command: command.map(|c| c as u64) }, None, vec![]),
    };

    let mut changes = Changes::new(lamport, digest);
    // Gas: all coins merged into the first, minus the fee.
    let total_gas: u64 = gas_objects
        .iter()
        .map(|o| match objects::load(store, o) {
            Ok(Some(Obj::SuiCoin(c))) => c.value(),
            _ => 0,
        })
        .sum();
    let gas_after = world.as_ref().map(|w| w.gas_balance).unwrap_or(total_gas) - GAS_COST_MIST;
    let Some(Obj::SuiCoin(mut gas_coin)) = objects::load(store, &gas_objects[0])? else { unreachable!("validated") };
    gas_coin.balance.value = gas_after;
    changes.write(&gas_objects[0], Obj::SuiCoin(gas_coin), Owner::Address(tx.sender));
    for extra in &gas_objects[1..] {
        changes.delete(extra);
    }

    let return_values = if world.is_some() { interp.take_return_values() } else { Vec::new() };
    let mut unchanged = Vec::new();
    if let Some(world) = world {
        apply_world(store, &inputs, world, &mut changes, &mut unchanged)?;
    } else {
        // Failed: shared inputs are still sequenced; immutable and read-only ones are unchanged.
        for input in inputs.iter().flatten() {
            match input.kind {
                InputKind::Shared { mutable: true } | InputKind::Owned => {
                    // Sui bumps the version of mutable inputs even when execution fails.
                    let obj = objects::load(store, &input.object)?.expect("validated inputs are known objects");
                    changes.write(&input.object, obj, *input.object.owner());
                }
                InputKind::Shared { mutable: false } => unchanged.push(UnchangedConsensusObject {
                    object_id: input.object.object_id(),
                    kind: UnchangedConsensusKind::ReadOnlyRoot {
                        version: input.object.version(),
                        digest: input.object.digest(),
                    },
                }),
                InputKind::Immutable => {}
            }
        }
    }

    let module = ptb.commands.iter().find_map(|c| match c {
        sui_sdk_types::Command::MoveCall(call) => Some(call.module.clone()),
        _ => None,
    });
    let events: Vec<Event> = twin_events
        .into_iter()
        .map(|e| Event {
            package_id: crate::types::WALRUS_PACKAGE,
            module: module.clone().unwrap_or_else(|| sui_sdk_types::Identifier::new("events").expect("valid")),
            sender: tx.sender,
            type_: crate::types::struct_tag(crate::types::WALRUS_PACKAGE, "events", e.name(), vec![]),
            contents: e.bcs(),
        })
        .collect();
    let events = (!events.is_empty()).then(|| TransactionEvents(events));

    let gas_id = gas_objects[0].object_id();
    let dependencies: BTreeSet<Digest> = inputs
        .iter()
        .flatten()
        .map(|i| i.object.previous_transaction())
        .chain(gas_objects.iter().map(Object::previous_transaction))
        .collect();
    let (changed_objects, commit) = changes.finish();
    let gas_object_index = changed_objects.iter().position(|c| c.object_id == gas_id).map(|i| i as u32);
    let effects = TransactionEffects::V2(Box::new(TransactionEffectsV2 {
        status,
        epoch,
        gas_used: GasCostSummary {
            computation_cost: GAS_COST_MIST,
            storage_cost: 0,
            storage_rebate: 0,
            non_refundable_storage_fee: 0,
        },
        transaction_digest: digest,
        gas_object_index,
        events_digest: events.as_ref().map(TransactionEvents::digest),
        dependencies: dependencies.into_iter().collect(),
        lamport_version: lamport,
        changed_objects,
        unchanged_consensus_objects: unchanged,
        auxiliary_data_digest: None,
    }));
    Ok(Executed { effects, events, commit, return_values })
}

/// Turns the interpreter's final world into writes and deletions: first every object that
/// remains (so dynamic fields that move with a wrapped object are kept), then the deletions.
fn apply_world(
    store: &Store,
    inputs: &[Option<LoadedInput>],
    world: interp::World,
    changes: &mut Changes,
    unchanged: &mut Vec<UnchangedConsensusObject>,
) -> Result<(), Rejection> {
    let placed: BTreeSet<ObjectId> = world.placed.iter().map(|(obj, _)| obj.id()).collect();
    for (obj, owner) in world.placed {
        match store.object(&obj.id())? {
            Some(previous) => changes.write_with_children(store, &previous, obj, owner)?,
            None => changes.create_with_children(obj, owner),
        }
    }
    let mut consumed = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        let Some(input) = input else { continue };
        let id = to_object_id(input.object.object_id());
        match (&world.inputs[index], input.kind) {
            (Some(_), InputKind::Immutable) => {}
            (Some(_), InputKind::Shared { mutable: false }) => unchanged.push(UnchangedConsensusObject {
                object_id: input.object.object_id(),
                kind: UnchangedConsensusKind::ReadOnlyRoot {
                    version: input.object.version(),
                    digest: input.object.digest(),
                },
            }),
            (Some(obj), _) => changes.write_with_children(store, &input.object, obj.clone(), *input.object.owner())?,
            (None, _) if placed.contains(&id) => {}
            (None, _) => consumed.push(&input.object),
        }
    }
    for object in consumed {
        changes.delete_with_children(store, object)?;
    }
    Ok(())
}

/// Accumulates object changes with their effects entries.
struct Changes {
    lamport: u64,
    digest: Digest,
    entries: BTreeMap<Address, ChangedObject>,
    commit: Commit,
    /// Dynamic-field objects written by this transaction, which deletions must not remove.
    kept_children: BTreeSet<ObjectId>,
}

impl Changes {
    fn new(lamport: u64, digest: Digest) -> Self {
        Self { lamport, digest, entries: BTreeMap::new(), commit: Commit::default(), kept_children: BTreeSet::new() }
    }

    fn resolve_owner(&self, owner: Owner) -> Owner {
        match owner {
            // A newly shared object's initial shared version is this transaction's version.
            Owner::Shared(0) => Owner::Shared(self.lamport),
            other => other,
        }
    }

    fn write(&mut self, previous: &Object, obj: Obj, owner: Owner) {
        let owner = self.resolve_owner(owner);
        let object = objects::to_sui_object(&obj, owner, self.lamport, self.digest);
        self.entries.insert(
            previous.object_id(),
            ChangedObject {
                object_id: previous.object_id(),
                input_state: ObjectIn::Exist {
                    version: previous.version(),
                    digest: previous.digest(),
                    owner: *previous.owner(),
                },
                output_state: ObjectOut::ObjectWrite { digest: object.digest(), owner },
                id_operation: IdOperation::None,
            },
        );
        self.commit.written.push((object, Some(*previous.owner())));
    }

    fn create(&mut self, object: Object) {
        self.entries.insert(
            object.object_id(),
            ChangedObject {
                object_id: object.object_id(),
                input_state: ObjectIn::NotExist,
                output_state: ObjectOut::ObjectWrite { digest: object.digest(), owner: *object.owner() },
                id_operation: IdOperation::Created,
            },
        );
        self.commit.written.push((object, None));
    }

    fn delete(&mut self, previous: &Object) {
        self.entries.insert(
            previous.object_id(),
            ChangedObject {
                object_id: previous.object_id(),
                input_state: ObjectIn::Exist {
                    version: previous.version(),
                    digest: previous.digest(),
                    owner: *previous.owner(),
                },
                output_state: ObjectOut::NotExist,
                id_operation: IdOperation::Deleted,
            },
        );
        self.commit.deleted.push((to_object_id(previous.object_id()), *previous.owner()));
    }

    fn write_children(&mut self, store: &Store, obj: &Obj) -> Result<(), StoreError> {
        for objects::Child { parent, id, tag, contents } in objects::children_of(obj) {
            let previous = store.object(&id)?;
            let unchanged =
                previous.as_ref().and_then(|p| p.as_struct()).is_some_and(|p| p.contents() == &contents[..]);
            self.kept_children.insert(id);
            if unchanged {
                continue;
            }
            let object = objects::child_object(parent, tag, contents, self.lamport, self.digest);
            match previous {
                Some(previous) => {
                    self.entries.insert(
                        previous.object_id(),
                        ChangedObject {
                            object_id: previous.object_id(),
                            input_state: ObjectIn::Exist {
                                version: previous.version(),
                                digest: previous.digest(),
                                owner: *previous.owner(),
                            },
                            output_state: ObjectOut::ObjectWrite { digest: object.digest(), owner: *object.owner() },
                            id_operation: IdOperation::None,
                        },
                    );
                    self.commit.written.push((object, Some(*previous.owner())));
                }
                None => self.create(object),
            }
        }
        Ok(())
    }

    /// Deletes the stored children of `parents` that this transaction did not write.
    fn delete_stale_children(&mut self, store: &Store, parents: &[ObjectId]) -> Result<(), StoreError> {
        for parent in parents {
            for child in store.children(parent)? {
                if !self.kept_children.contains(&child)
                    && let Some(previous) = store.object(&child)?
                {
                    self.delete(&previous);
                }
            }
        }
        Ok(())
    }

    fn parents(obj: &Obj) -> Vec<ObjectId> {
        use walrus_contracts::objects::Object as T;
        match obj {
            Obj::Twin(T::System(s)) => {
                vec![s.id, s.inner.as_ref().map(|i| i.invalid_blob_ids.id).unwrap_or_default()]
            }
            Obj::Twin(T::Blob(b)) => vec![b.id],
            Obj::Twin(T::SharedBlob(s)) => vec![s.blob.id],
            Obj::Twin(T::Staking(s)) => std::iter::once(s.id).chain(objects::staking_tables(s)).collect(),
            Obj::Twin(T::StakedWal(s)) => vec![s.id],
            Obj::Twin(T::Governance(g)) => vec![g.proposals.id],
            Obj::Twin(T::Proposal(p)) => vec![p.votes.id],
            _ => vec![],
        }
    }

    fn write_with_children(
        &mut self,
        store: &Store,
        previous: &Object,
        obj: Obj,
        owner: Owner,
    ) -> Result<(), StoreError> {
        self.write_children(store, &obj)?;
        self.delete_stale_children(store, &Self::parents(&obj))?;
        self.write(previous, obj, owner);
        Ok(())
    }

    fn create_with_children(&mut self, obj: Obj, owner: Owner) {
        let owner = self.resolve_owner(owner);
        for objects::Child { parent, id, tag, contents } in objects::children_of(&obj) {
            self.create(objects::child_object(parent, tag, contents, self.lamport, self.digest));
            self.kept_children.insert(id);
        }
        let object = objects::to_sui_object(&obj, owner, self.lamport, self.digest);
        self.create(object);
    }

    fn delete_with_children(&mut self, store: &Store, previous: &Object) -> Result<(), StoreError> {
        let id = to_object_id(previous.object_id());
        // A deleted object's dynamic fields go with it (Move requires removing them first;
        // the twin's delete and burn drop them).
        if let Some(obj) = objects::load(store, previous)? {
            self.delete_stale_children(store, &Self::parents(&obj))?;
        } else {
            self.delete_stale_children(store, &[id])?;
        }
        self.delete(previous);
        Ok(())
    }

    fn finish(self) -> (Vec<ChangedObject>, Commit) {
        (self.entries.into_values().collect(), self.commit)
    }
}

/// An execution error at a command, in Sui's terms.
pub(crate) type CommandError = (ExecutionError, Option<usize>);
