//! `TransactionExecutionService`: executing signed transactions, and simulating unsigned ones
//! with the server-side resolution `sui_transaction_builder` relies on (object inputs given by
//! id only, gas selection, default gas price and budget).

use std::collections::BTreeSet;

use sui_rpc::proto::sui::rpc::v2::{
    self as proto, ExecuteTransactionRequest, ExecuteTransactionResponse, SimulateTransactionRequest,
    SimulateTransactionResponse, input::InputKind, transaction_execution_service_server::TransactionExecutionService,
    transaction_kind::Kind,
};
use sui_sdk_types::{
    Address, Input, ObjectReference, Owner, SignedTransaction, Transaction, TransactionExpiration, TransactionKind,
    UserSignature,
};
use tonic::{Request, Response, Status};

use super::{REFERENCE_GAS_PRICE_MIST, RpcService, convert, rejection_status, store_status};
use crate::{LocalChain, execute::GAS_COST_MIST, types::CoinKind};

/// Sui's default read mask for `ExecuteTransaction`.
const EXECUTE_MASK: &str = "effects.status,checkpoint";
/// The read mask for `SimulateTransaction` when the request gives none: the resolved
/// transaction, what it would do, and what its commands would return.
const SIMULATE_MASK: &str =
    "transaction.digest,transaction.transaction,transaction.effects,transaction.events,command_outputs";
/// The gas budget a simulation sets when the request leaves it to the server (and the gas coins
/// hold that much): ten times the flat fee, the same margin over the cost a Sui client's
/// estimate adds.
pub const DEFAULT_GAS_BUDGET_MIST: u64 = 10 * GAS_COST_MIST;
/// The most coins gas selection puts into one payment (Sui's limit).
pub const MAX_GAS_COINS: usize = 256;

fn decode_transaction(message: &proto::Transaction) -> Result<Transaction, Status> {
    Transaction::try_from(message).map_err(|e| {
        Status::invalid_argument(format!(
            "cannot decode the transaction: {e}; send `transaction.bcs` or a complete transaction"
        ))
    })
}

fn decode_signatures(messages: &[proto::UserSignature]) -> Result<Vec<UserSignature>, Status> {
    messages
        .iter()
        .map(|m| {
            UserSignature::try_from(m).map_err(|e| Status::invalid_argument(format!("cannot decode a signature: {e}")))
        })
        .collect()
}

/// Fills what a builder may leave out of an object input: its kind, version, digest and, for
/// shared objects, the initial shared version and mutability (mutable unless stated: the
/// conservative choice, which every by-value, `&mut` and `&` use accepts).
fn resolve_input(chain: &LocalChain, index: usize, input: &mut proto::Input) -> Result<(), Status> {
    if input.pure.is_some() && input.object_id.is_none() {
        if input.kind.is_none() {
            input.set_kind(InputKind::Pure);
        }
        return Ok(());
    }
    if input.object_id.is_none() {
        return Err(Status::invalid_argument(format!(
            "input {index} is neither a pure value nor an object id; unresolved literals are not supported, give BCS bytes"
        )));
    }
    let complete = match input.kind() {
        InputKind::ImmutableOrOwned | InputKind::Receiving => input.version.is_some() && input.digest.is_some(),
        InputKind::Shared => input.version.is_some() && (input.mutable.is_some() || input.mutability.is_some()),
        InputKind::Pure | InputKind::FundsWithdrawal => true,
        _ => false,
    };
    if complete {
        return Ok(());
    }
    let id = convert::parse_address(&format!("inputs[{index}].object_id"), input.object_id.as_deref())?;
    let object = chain
        .object(id)
        .map_err(store_status)?
        .ok_or_else(|| Status::not_found(format!("input {index}: object {id} does not exist (or was deleted)")))?;
    match object.owner() {
        Owner::Shared(initial) | Owner::ConsensusAddress { start_version: initial, .. } => {
            input.set_kind(InputKind::Shared);
            input.version = Some(*initial);
            if input.mutable.is_none() && input.mutability.is_none() {
                input.mutable = Some(true);
            }
            input.digest = None;
        }
        Owner::Address(_) | Owner::Immutable => {
            if input.kind() != InputKind::Receiving {
                input.set_kind(InputKind::ImmutableOrOwned);
            }
            input.version = Some(object.version());
            input.digest = Some(object.digest().to_string());
        }
        Owner::Object(parent) => {
            return Err(Status::invalid_argument(format!(
                "input {index}: object {id} is a child of {parent} and cannot be a transaction input"
            )));
        }
        _ => {
            return Err(Status::invalid_argument(format!(
                "input {index}: object {id} has an ownership the local chain does not support"
            )));
        }
    }
    Ok(())
}

fn resolve_reference(chain: &LocalChain, reference: &mut proto::ObjectReference) -> Result<(), Status> {
    if reference.version.is_some() && reference.digest.is_some() {
        return Ok(());
    }
    let id = convert::parse_address("gas_payment.objects.object_id", reference.object_id.as_deref())?;
    let object = chain
        .object(id)
        .map_err(store_status)?
        .ok_or_else(|| Status::not_found(format!("gas object {id} does not exist (or was deleted)")))?;
    reference.version = Some(object.version());
    reference.digest = Some(object.digest().to_string());
    Ok(())
}

/// Turns a simulation request's transaction into a complete one, resolving what the server
/// may resolve.
fn resolve_transaction(
    chain: &LocalChain,
    mut message: proto::Transaction,
    do_gas_selection: bool,
) -> Result<Transaction, Status> {
    let mut budget_given = true;
    let mut transaction = if message.bcs.is_some() {
        decode_transaction(&message)?
    } else {
        let sender = convert::parse_address("transaction.sender", message.sender.as_deref())?;
        message.version.get_or_insert(1);
        if message.expiration.is_none() {
            message.expiration = Some(TransactionExpiration::None.into());
        }
        if let Some(kind) = message.kind.as_mut() {
            if kind.kind.is_none() && kind.programmable_transaction_opt().is_some() {
                kind.set_kind(Kind::ProgrammableTransaction);
            }
            if let Some(ptb) = kind.programmable_transaction_opt_mut() {
                for (index, input) in ptb.inputs.iter_mut().enumerate() {
                    resolve_input(chain, index, input)?;
                }
            }
        }
        let gas = message.gas_payment.get_or_insert_with(Default::default);
        gas.owner.get_or_insert_with(|| sender.to_string());
        gas.price.get_or_insert(REFERENCE_GAS_PRICE_MIST);
        if gas.budget.is_none() {
            budget_given = false;
            // Decided below, once the gas coins are known.
            gas.budget = Some(0);
        }
        for reference in &mut gas.objects {
            resolve_reference(chain, reference)?;
        }
        decode_transaction(&message)?
    };
    if transaction.gas_payment.objects.is_empty() && do_gas_selection {
        transaction.gas_payment.objects = select_gas(chain, &transaction)?;
    }
    if !budget_given {
        let available = gas_balance(chain, &transaction.gas_payment.objects)?;
        transaction.gas_payment.budget = DEFAULT_GAS_BUDGET_MIST.min(available).max(GAS_COST_MIST);
    }
    Ok(transaction)
}

/// The total MIST in the given gas coins (missing or non-SUI objects count zero; execution
/// rejects them with the precise reason).
fn gas_balance(chain: &LocalChain, coins: &[ObjectReference]) -> Result<u64, Status> {
    let mut total = 0u64;
    for reference in coins {
        if let Some(object) = chain.object(*reference.object_id()).map_err(store_status)?
            && let Some((coin_type, value)) = convert::coin_balance(&object)
            && coin_type == CoinKind::Sui.type_tag()
        {
            total = total.saturating_add(value);
        }
    }
    Ok(total)
}

/// Picks the gas owner's largest SUI coins that the transaction does not use otherwise, until
/// they cover the budget (or the default budget when none is given).
fn select_gas(chain: &LocalChain, transaction: &Transaction) -> Result<Vec<ObjectReference>, Status> {
    let owner = transaction.gas_payment.owner;
    let used: BTreeSet<Address> = match &transaction.kind {
        TransactionKind::ProgrammableTransaction(ptb) => ptb
            .inputs
            .iter()
            .filter_map(|input| match input {
                Input::ImmutableOrOwned(reference) | Input::Receiving(reference) => Some(*reference.object_id()),
                Input::Shared(shared) => Some(shared.object_id()),
                _ => None,
            })
            .collect(),
        _ => BTreeSet::new(),
    };
    let (mut coins, _) = chain.balance(owner, CoinKind::Sui).map_err(store_status)?;
    coins.retain(|coin| !used.contains(&coin.object_id()));
    coins.sort_by_key(|coin| std::cmp::Reverse(convert::coin_balance(coin).map(|(_, v)| v).unwrap_or(0)));
    let needed = match transaction.gas_payment.budget {
        0 => DEFAULT_GAS_BUDGET_MIST,
        budget => budget,
    };
    let mut selected = Vec::new();
    let mut total = 0u64;
    for coin in coins.into_iter().take(MAX_GAS_COINS) {
        total = total.saturating_add(convert::coin_balance(&coin).map(|(_, v)| v).unwrap_or(0));
        selected.push(ObjectReference::new(coin.object_id(), coin.version(), coin.digest()));
        if total >= needed {
            break;
        }
    }
    if selected.is_empty() || total < GAS_COST_MIST {
        return Err(Status::failed_precondition(format!(
            "gas selection: {owner} has no Coin<SUI> beyond the transaction's inputs covering the {GAS_COST_MIST} MIST fee; get SUI from the faucet"
        )));
    }
    Ok(selected)
}

/// One command's return values as Sui reports them. The BCS bytes only: the interpreter does
/// not track Move types of plain values, so `name` (the type) stays unset, and values mutated
/// through references are not reported.
fn command_result(values: Vec<Vec<u8>>) -> proto::CommandResult {
    let mut result = proto::CommandResult::default();
    result.return_values = values
        .into_iter()
        .map(|bytes| {
            let mut value = proto::Bcs::default();
            value.value = Some(bytes.into());
            let mut output = proto::CommandOutput::default();
            output.value = Some(value);
            output
        })
        .collect();
    result
}

#[tonic::async_trait]
impl TransactionExecutionService for RpcService {
    async fn execute_transaction(
        &self,
        request: Request<ExecuteTransactionRequest>,
    ) -> Result<Response<ExecuteTransactionResponse>, Status> {
        let request = request.into_inner();
        let message = request
            .transaction
            .as_ref()
            .ok_or_else(|| Status::invalid_argument("missing `transaction`: send the signed transaction's BCS"))?;
        let transaction = decode_transaction(message)?;
        let signatures = decode_signatures(&request.signatures)?;
        let mask = convert::mask(request.read_mask.as_ref(), EXECUTE_MASK);
        let executed = self
            .blocking(move |chain| {
                let executed =
                    chain.execute(SignedTransaction { transaction, signatures }).map_err(rejection_status)?;
                convert::stored_transaction(chain, &executed.digest, &mask).map_err(store_status)?.ok_or_else(|| {
                    Status::internal(format!("transaction {} was executed but is not stored", executed.digest))
                })
            })
            .await?;
        Ok(self.respond(ExecuteTransactionResponse::new(executed)))
    }

    async fn simulate_transaction(
        &self,
        request: Request<SimulateTransactionRequest>,
    ) -> Result<Response<SimulateTransactionResponse>, Status> {
        let request = request.into_inner();
        let message = request
            .transaction
            .ok_or_else(|| Status::invalid_argument("missing `transaction`: send the transaction to simulate"))?;
        let mask = convert::mask(request.read_mask.as_ref(), SIMULATE_MASK);
        let submask = mask.subtree(SimulateTransactionResponse::TRANSACTION_FIELD.name);
        let do_gas_selection = request.do_gas_selection.unwrap_or(false);
        let (transaction, return_values) = self
            .blocking(move |chain| {
                let transaction = resolve_transaction(chain, message, do_gas_selection)?;
                let simulated = chain.simulate(&transaction).map_err(rejection_status)?;
                let Some(submask) = submask else { return Ok((None, simulated.return_values)) };
                let view = convert::TransactionView {
                    transaction: &transaction,
                    signatures: &[],
                    effects: &simulated.effects,
                    events: simulated.events.as_ref(),
                    checkpoint: None,
                    written: &simulated.written,
                };
                let transaction = view.to_proto(chain, &submask, None).map_err(store_status)?;
                Ok((Some(transaction), simulated.return_values))
            })
            .await?;
        let mut response = SimulateTransactionResponse::default();
        response.transaction = transaction;
        if mask.contains(SimulateTransactionResponse::COMMAND_OUTPUTS_FIELD.name) {
            response.command_outputs = return_values.into_iter().map(command_result).collect();
        }
        if mask.contains(SimulateTransactionResponse::SUGGESTED_GAS_PRICE_FIELD.name) {
            response.suggested_gas_price = Some(REFERENCE_GAS_PRICE_MIST);
        }
        Ok(self.respond(response))
    }
}
