//! From the chain's records to `sui.rpc.v2` messages, honouring read masks: each message is
//! built only as far as its mask asks, with `sui_rpc`'s `Merge` conversions doing the field
//! work, plus the fields those conversions leave to the server (coin balances, object types of
//! changed objects, balance changes, input and output objects).

use std::collections::BTreeMap;

use sui_rpc::{
    field::{FieldMask, FieldMaskTree, FieldMaskUtil},
    merge::Merge,
    proto::{sui::rpc::v2 as proto, timestamp_ms_to_proto},
};
use sui_sdk_types::{
    Address, BalanceChange, Digest, Object, ObjectData, ObjectIn, ObjectOut, Owner, Transaction, TransactionEffects,
    TransactionEvents, TypeTag, UserSignature,
};
use tonic::Status;

use crate::{LocalChain, store::StoreError, types::to_object_id};

/// The mask of a request: its own if it names any path, `default` otherwise.
pub(crate) fn mask(requested: Option<&FieldMask>, default: &str) -> FieldMaskTree {
    match requested {
        Some(mask) if !mask.paths.is_empty() => FieldMaskTree::from_field_mask(mask),
        _ => FieldMaskTree::from_field_mask(&FieldMask::from_str(default)),
    }
}

/// Parses an address (object id or account) given in a request field.
pub(crate) fn parse_address(field: &str, value: Option<&str>) -> Result<Address, Status> {
    let value =
        value.ok_or_else(|| Status::invalid_argument(format!("missing `{field}`: give a 0x-prefixed hex id")))?;
    value.parse().map_err(|e| {
        Status::invalid_argument(format!("`{field}` = {value:?} is not a valid address or object id: {e}"))
    })
}

/// Parses a digest given in a request field.
pub(crate) fn parse_digest(field: &str, value: Option<&str>) -> Result<Digest, Status> {
    let value = value.ok_or_else(|| Status::invalid_argument(format!("missing `{field}`: give a base58 digest")))?;
    value.parse().map_err(|e| Status::invalid_argument(format!("`{field}` = {value:?} is not a base58 digest: {e}")))
}

/// The balance of a `0x2::coin::Coin<T>` object (its contents are `id` then the `u64` balance).
pub(crate) fn coin_balance(object: &Object) -> Option<(TypeTag, u64)> {
    let ObjectData::Struct(s) = object.data() else { return None };
    let coin_type = s.object_type().is_coin()?;
    let bytes: [u8; 8] = s.contents().get(32..40)?.try_into().ok()?;
    Some((coin_type.clone(), u64::from_le_bytes(bytes)))
}

/// The Move type of an object, as Sui prints it (`package` for packages).
pub(crate) fn object_type(object: &Object) -> String {
    match object.data() {
        ObjectData::Struct(s) => s.object_type().to_string(),
        ObjectData::Package(_) => "package".to_owned(),
    }
}

/// An object as its mask asks for it.
pub(crate) fn object(object: &Object, mask: &FieldMaskTree) -> proto::Object {
    let mut message = proto::Object::merge_from(object.clone(), mask);
    if mask.contains(proto::Object::BALANCE_FIELD.name) {
        message.balance = coin_balance(object).map(|(_, balance)| balance);
    }
    message
}

/// An executed (or simulated) transaction, whatever its source.
pub(crate) struct TransactionView<'a> {
    /// The transaction.
    pub transaction: &'a Transaction,
    /// Its signatures (none for a simulation).
    pub signatures: &'a [UserSignature],
    /// Its effects.
    pub effects: &'a TransactionEffects,
    /// Its events.
    pub events: Option<&'a TransactionEvents>,
    /// Its checkpoint and timestamp, once committed.
    pub checkpoint: Option<(u64, u64)>,
    /// Objects written by a simulation, which the store does not hold.
    pub written: &'a [Object],
}

impl TransactionView<'_> {
    /// An object at a version: from the simulation's writes, else from the store.
    fn object_at(&self, chain: &LocalChain, id: Address, version: u64) -> Result<Option<Object>, StoreError> {
        if let Some(object) = self.written.iter().find(|o| o.object_id() == id && o.version() == version) {
            return Ok(Some(object.clone()));
        }
        chain.store().object_at(&to_object_id(id), version)
    }

    /// The objects the transaction read (input states) and wrote (output states).
    fn input_and_output_objects(&self, chain: &LocalChain) -> Result<(Vec<Object>, Vec<Object>), StoreError> {
        let TransactionEffects::V2(effects) = self.effects else { return Ok((vec![], vec![])) };
        let mut inputs = Vec::new();
        let mut outputs = Vec::new();
        for change in &effects.changed_objects {
            if let ObjectIn::Exist { version, .. } = change.input_state
                && let Some(object) = self.object_at(chain, change.object_id, version)?
            {
                inputs.push(object);
            }
            if let ObjectOut::ObjectWrite { .. } | ObjectOut::PackageWrite { .. } = change.output_state
                && let Some(object) = self.object_at(chain, change.object_id, effects.lamport_version)?
            {
                outputs.push(object);
            }
        }
        for unchanged in &effects.unchanged_consensus_objects {
            if let sui_sdk_types::UnchangedConsensusKind::ReadOnlyRoot { version, .. } = unchanged.kind
                && let Some(object) = self.object_at(chain, unchanged.object_id, version)?
            {
                inputs.push(object);
            }
        }
        Ok((inputs, outputs))
    }

    /// Coin balance changes per owner and coin type, as Sui reports them.
    fn balance_changes(&self, inputs: &[Object], outputs: &[Object]) -> Vec<BalanceChange> {
        let mut changes: BTreeMap<(Address, String), (TypeTag, i128)> = BTreeMap::new();
        let mut add = |object: &Object, sign: i128| {
            let owner = match object.owner() {
                Owner::Address(owner) | Owner::ConsensusAddress { owner, .. } => *owner,
                _ => return,
            };
            if let Some((coin_type, balance)) = coin_balance(object) {
                let entry = changes.entry((owner, coin_type.to_string())).or_insert((coin_type, 0));
                entry.1 += sign * i128::from(balance);
            }
        };
        inputs.iter().for_each(|o| add(o, -1));
        outputs.iter().for_each(|o| add(o, 1));
        changes
            .into_iter()
            .filter(|(_, (_, amount))| *amount != 0)
            .map(|((address, _), (coin_type, amount))| BalanceChange { address, coin_type, amount })
            .collect()
    }

    /// The transaction as `mask` asks for it.
    pub fn to_proto(
        &self,
        chain: &LocalChain,
        mask: &FieldMaskTree,
        transaction_index: Option<u64>,
    ) -> Result<proto::ExecutedTransaction, StoreError> {
        let mut message = proto::ExecutedTransaction::default();
        if mask.contains(proto::ExecutedTransaction::DIGEST_FIELD.name) {
            message.digest = Some(self.transaction.digest().to_string());
        }
        if let Some(submask) = mask.subtree(proto::ExecutedTransaction::TRANSACTION_FIELD.name) {
            message.transaction = Some(proto::Transaction::merge_from(self.transaction.clone(), &submask));
        }
        if let Some(submask) = mask.subtree(proto::ExecutedTransaction::SIGNATURES_FIELD.name) {
            message.signatures =
                self.signatures.iter().map(|s| proto::UserSignature::merge_from(s.clone(), &submask)).collect();
        }
        let needs_objects = mask.contains(proto::ExecutedTransaction::BALANCE_CHANGES_FIELD.name)
            || mask.contains(proto::ExecutedTransaction::OBJECTS_FIELD.name)
            || mask.contains("effects.changed_objects.object_type")
            || mask.contains("effects.gas_object.object_type");
        let (inputs, outputs) =
            if needs_objects { self.input_and_output_objects(chain)? } else { (Vec::new(), Vec::new()) };
        if let Some(submask) = mask.subtree(proto::ExecutedTransaction::EFFECTS_FIELD.name) {
            let mut effects = proto::TransactionEffects::merge_from(self.effects, &submask);
            if needs_objects {
                let type_of = |id: &Option<String>| {
                    let id = id.as_deref()?;
                    outputs.iter().chain(&inputs).find(|o| o.object_id().to_string() == id).map(object_type)
                };
                for changed in effects.changed_objects.iter_mut().chain(effects.gas_object.iter_mut()) {
                    changed.object_type = type_of(&changed.object_id);
                }
            }
            message.effects = Some(effects);
        }
        if let Some(submask) = mask.subtree(proto::ExecutedTransaction::EVENTS_FIELD.name) {
            message.events = self.events.map(|events| proto::TransactionEvents::merge_from(events.clone(), &submask));
        }
        if let Some((checkpoint, timestamp_ms)) = self.checkpoint {
            if mask.contains(proto::ExecutedTransaction::CHECKPOINT_FIELD.name) {
                message.checkpoint = Some(checkpoint);
            }
            if mask.contains(proto::ExecutedTransaction::TIMESTAMP_FIELD.name) {
                message.timestamp = Some(timestamp_ms_to_proto(timestamp_ms));
            }
        }
        if mask.contains(proto::ExecutedTransaction::BALANCE_CHANGES_FIELD.name) {
            message.balance_changes = self.balance_changes(&inputs, &outputs).into_iter().map(Into::into).collect();
        }
        if let Some(submask) = mask.subtree(proto::ExecutedTransaction::OBJECTS_FIELD.name) {
            let object_mask =
                submask.subtree(proto::ObjectSet::OBJECTS_FIELD.name).unwrap_or_else(FieldMaskTree::new_wildcard);
            let mut set = proto::ObjectSet::default();
            set.objects = inputs.iter().chain(&outputs).map(|o| object(o, &object_mask)).collect();
            message.objects = Some(set);
        }
        if mask.contains(proto::ExecutedTransaction::TRANSACTION_INDEX_FIELD.name) {
            message.transaction_index = transaction_index;
        }
        Ok(message)
    }
}

/// A committed transaction by digest, as `mask` asks for it.
pub(crate) fn stored_transaction(
    chain: &LocalChain,
    digest: &Digest,
    mask: &FieldMaskTree,
) -> Result<Option<proto::ExecutedTransaction>, StoreError> {
    let Some(stored) = chain.transaction(digest)? else { return Ok(None) };
    let view = TransactionView {
        transaction: &stored.transaction.transaction,
        signatures: &stored.transaction.signatures,
        effects: &stored.effects,
        events: stored.events.as_ref(),
        checkpoint: Some((stored.checkpoint, stored.timestamp_ms)),
        written: &[],
    };
    // One transaction per checkpoint: it is always the checkpoint's first.
    view.to_proto(chain, mask, Some(0)).map(Some)
}

/// A checkpoint as `mask` asks for it: summary, contents, and with `transactions` its
/// transactions with effects and events (how clients follow events).
pub(crate) fn checkpoint(
    chain: &LocalChain,
    stored: &crate::store::StoredCheckpoint,
    mask: &FieldMaskTree,
) -> Result<proto::Checkpoint, StoreError> {
    let mut message = proto::Checkpoint::default();
    message.merge(&stored.summary, mask);
    message.merge(stored.contents.clone(), mask);
    let transactions_mask = mask.subtree(proto::Checkpoint::TRANSACTIONS_FIELD.name);
    let objects_mask = mask.subtree(proto::Checkpoint::OBJECTS_FIELD.name);
    if transactions_mask.is_none() && objects_mask.is_none() {
        return Ok(message);
    }
    let mut objects = Vec::new();
    for (index, digest) in stored.transactions.iter().enumerate() {
        // One read per transaction, with its objects if the checkpoint's object set is asked for.
        let mut combined = transactions_mask.clone().unwrap_or_default();
        if objects_mask.is_some() {
            combined.add_field_path(proto::ExecutedTransaction::OBJECTS_FIELD.name);
        }
        let full = stored_transaction(chain, digest, &combined)?.ok_or_else(|| missing_transaction(digest))?;
        if let Some(objects_mask) = &objects_mask {
            let object_mask =
                objects_mask.subtree(proto::ObjectSet::OBJECTS_FIELD.name).unwrap_or_else(FieldMaskTree::new_wildcard);
            objects.extend(
                full.objects.iter().flat_map(|set| &set.objects).map(|o| proto::Object::merge_from(o, &object_mask)),
            );
        }
        if let Some(transactions_mask) = &transactions_mask {
            let mut transaction = proto::ExecutedTransaction::merge_from(&full, transactions_mask);
            if transaction.transaction_index.is_some() {
                transaction.transaction_index = Some(index as u64);
            }
            message.transactions.push(transaction);
        }
    }
    if objects_mask.is_some() {
        let mut set = proto::ObjectSet::default();
        set.objects = objects;
        message.objects = Some(set);
    }
    Ok(message)
}

fn missing_transaction(digest: &Digest) -> StoreError {
    StoreError::Corrupt { what: "checkpoint", reason: format!("it lists transaction {digest}, which is not stored") }
}

/// The Sui epoch (there is only epoch 0) as `mask` asks for it.
pub(crate) fn epoch(chain: &LocalChain, mask: &FieldMaskTree) -> Result<proto::Epoch, StoreError> {
    let genesis = chain.checkpoint(0)?.ok_or_else(|| StoreError::Corrupt {
        what: "checkpoint",
        reason: "the genesis checkpoint 0 is missing".into(),
    })?;
    let mut full = proto::Epoch::default();
    full.epoch = Some(crate::chain::SUI_EPOCH);
    full.first_checkpoint = Some(0);
    full.start = Some(timestamp_ms_to_proto(genesis.summary.timestamp_ms));
    full.reference_gas_price = Some(super::REFERENCE_GAS_PRICE_MIST);
    let mut config = proto::ProtocolConfig::default();
    config.protocol_version = Some(super::PROTOCOL_VERSION);
    full.protocol_config = Some(config);
    Ok(proto::Epoch::merge_from(&full, mask))
}
