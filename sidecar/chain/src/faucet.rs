//! The local chain's faucet: an HTTP service, compatible with Sui's faucet API, that sends SUI
//! (and, on an extra endpoint, WAL) from an account whose key it holds, through real signed
//! transactions on the chain.
//!
//! - `POST /v2/gas` with `{"FixedAmountRequest": {"recipient": "0x…"}}` sends
//!   [`FaucetConfig::sui_per_request_mist`] in one new `Coin<SUI>`; the answer is Sui's
//!   `{"status": "Success", "coins_sent": [{"amount", "id", "transferTxDigest"}]}`, which
//!   `sui_rpc::faucet::FaucetClient` reads.
//! - `POST /v1/wal` with `{"recipient": "0x…", "amount": <FROST>}` sends that much WAL (at most
//!   [`FaucetConfig::max_wal_per_request`]) in one new `Coin<WAL>`, with the same answer.
//!
//! Failures answer `{"status": {"Failure": {"Internal": "<reason>"}}}` with status 400 (a bad
//! request) or 500 (the faucet could not send).

use std::{net::SocketAddr, sync::Arc};

use axum::serve::ListenerExt as _;
use axum::{Json, Router, extract::State, http::StatusCode, routing::post};
use serde::{Deserialize, Serialize};
use sui_crypto::{SuiSigner, ed25519::Ed25519PrivateKey};
use sui_sdk_types::{
    Address, Argument, Command, Digest, ExecutionStatus, GasPayment, IdOperation, Input, Object, ObjectOut,
    ObjectReference, Owner, ProgrammableTransaction, SignedTransaction, SplitCoins, Transaction, TransactionExpiration,
    TransactionKind, TransferObjects,
};
use tokio::{net::TcpListener, sync::watch, task::JoinHandle};

use crate::{
    LocalChain, Rejection,
    execute::GAS_COST_MIST,
    rpc::{REFERENCE_GAS_PRICE_MIST, convert::coin_balance},
    store::StoreError,
    types::CoinKind,
};

/// MIST per SUI.
pub const MIST_PER_SUI: u64 = 1_000_000_000;
/// FROST (WAL base units) per WAL.
pub const FROST_PER_WAL: u64 = 1_000_000_000;
/// SUI sent per `/v2/gas` request unless configured otherwise: 10 SUI, enough for thousands of
/// transactions at the local chain's flat fee.
pub const DEFAULT_SUI_PER_REQUEST_MIST: u64 = 10 * MIST_PER_SUI;
/// The most WAL one `/v1/wal` request may ask for unless configured otherwise: 1,000 WAL.
pub const DEFAULT_MAX_WAL_PER_REQUEST_FROST: u64 = 1_000 * FROST_PER_WAL;
/// The gas budget of the faucet's transactions.
pub const FAUCET_GAS_BUDGET_MIST: u64 = 10 * GAS_COST_MIST;
/// How often a send is retried when its coin was used concurrently by another transaction of
/// the faucet's account (e.g. the same admin key used by a test harness).
const MAX_SEND_ATTEMPTS: usize = 3;

/// How much the faucet gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FaucetConfig {
    /// SUI per `/v2/gas` request, in MIST.
    pub sui_per_request_mist: u64,
    /// The most WAL per `/v1/wal` request, in FROST.
    pub max_wal_per_request: u64,
}

impl Default for FaucetConfig {
    fn default() -> Self {
        Self {
            sui_per_request_mist: DEFAULT_SUI_PER_REQUEST_MIST,
            max_wal_per_request: DEFAULT_MAX_WAL_PER_REQUEST_FROST,
        }
    }
}

/// Why the faucet could not send.
#[derive(Debug, thiserror::Error)]
pub enum FaucetError {
    /// The request asked for nothing.
    #[error("the amount must be positive")]
    ZeroAmount,
    /// The request asked for more than one request may get.
    #[error("{amount} is more than the {max} one request may get; ask for less")]
    AmountTooLarge {
        /// What was asked for.
        amount: u64,
        /// The limit.
        max: u64,
    },
    /// The faucet's account has no coin large enough.
    #[error(
        "the faucet account {faucet} has no {kind:?} coin holding {needed} (its largest holds {largest}); fund it or restart the local network"
    )]
    InsufficientFunds {
        /// The faucet's account.
        faucet: Address,
        /// Which coin.
        kind: CoinKind,
        /// What the send needs in one coin.
        needed: u64,
        /// The largest coin it has.
        largest: u64,
    },
    /// The chain rejected the faucet's transaction.
    #[error("the chain rejected the faucet's transaction: {0}")]
    Rejected(#[from] Rejection),
    /// The faucet's transaction executed but failed.
    #[error("the faucet's transaction {digest} failed: {status:?}")]
    Failed {
        /// The transaction.
        digest: Digest,
        /// Its status (boxed: Sui's execution errors are large).
        status: Box<ExecutionStatus>,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one request sent: a new coin owned by the recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentCoin {
    /// The new coin's id.
    pub id: Address,
    /// Its value (MIST or FROST).
    pub amount: u64,
    /// The transaction that created it.
    pub digest: Digest,
}

/// Sends coins from the faucet account. Sends are serialized: they all pay with the account's
/// coins, whose versions each send changes.
pub struct Faucet {
    chain: Arc<LocalChain>,
    key: Ed25519PrivateKey,
    address: Address,
    config: FaucetConfig,
    sending: std::sync::Mutex<()>,
}

impl Faucet {
    /// A faucet paying from the account of `key` (on the local network, the genesis admin, who
    /// holds all WAL and SUI).
    pub fn new(chain: Arc<LocalChain>, key: Ed25519PrivateKey, config: FaucetConfig) -> Self {
        let address = key.public_key().derive_address();
        Self { chain, key, address, config, sending: std::sync::Mutex::new(()) }
    }

    /// The faucet's account.
    pub fn address(&self) -> Address {
        self.address
    }

    /// How much the faucet gives.
    pub fn config(&self) -> FaucetConfig {
        self.config
    }

    /// Sends the configured SUI amount to `recipient`. Blocks while the transaction executes.
    pub fn send_sui(&self, recipient: Address) -> Result<SentCoin, FaucetError> {
        self.send(CoinKind::Sui, recipient, self.config.sui_per_request_mist)
    }

    /// Sends `amount` FROST of WAL to `recipient`. Blocks while the transaction executes.
    pub fn send_wal(&self, recipient: Address, amount: u64) -> Result<SentCoin, FaucetError> {
        if amount > self.config.max_wal_per_request {
            return Err(FaucetError::AmountTooLarge { amount, max: self.config.max_wal_per_request });
        }
        self.send(CoinKind::Wal, recipient, amount)
    }

    fn send(&self, kind: CoinKind, recipient: Address, amount: u64) -> Result<SentCoin, FaucetError> {
        if amount == 0 {
            return Err(FaucetError::ZeroAmount);
        }
        let _sending = self.sending.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut attempt = 1;
        loop {
            let signed = self.transaction(kind, recipient, amount)?;
            match self.chain.execute(signed) {
                Ok(executed) => {
                    if executed.effects.status() != &ExecutionStatus::Success {
                        return Err(FaucetError::Failed {
                            digest: executed.digest,
                            status: Box::new(executed.effects.status().clone()),
                        });
                    }
                    let id = created_for(&executed.effects, recipient).ok_or_else(|| StoreError::Corrupt {
                        what: "faucet effects",
                        reason: format!("transaction {} created no coin for {recipient}", executed.digest),
                    })?;
                    return Ok(SentCoin { id, amount, digest: executed.digest });
                }
                // Another user of the same account moved its coins between reading and executing.
                Err(Rejection::StaleObject { .. } | Rejection::DigestMismatch(_)) if attempt < MAX_SEND_ATTEMPTS => {
                    attempt += 1;
                }
                Err(rejection) => return Err(rejection.into()),
            }
        }
    }

    /// The largest coin of `kind` the faucet holds, excluding `except`, if it holds `needed`.
    fn coin(&self, kind: CoinKind, needed: u64, except: Option<Address>) -> Result<Object, FaucetError> {
        let (coins, _) = self.chain.balance(self.address, kind)?;
        let value = |coin: &Object| coin_balance(coin).map(|(_, value)| value).unwrap_or(0);
        let largest = coins.into_iter().filter(|coin| Some(coin.object_id()) != except).max_by_key(value);
        match largest {
            Some(coin) if value(&coin) >= needed => Ok(coin),
            other => Err(FaucetError::InsufficientFunds {
                faucet: self.address,
                kind,
                needed,
                largest: other.as_ref().map(value).unwrap_or(0),
            }),
        }
    }

    fn transaction(&self, kind: CoinKind, recipient: Address, amount: u64) -> Result<SignedTransaction, FaucetError> {
        let (inputs, coin, gas) = match kind {
            CoinKind::Sui => {
                let gas = self.coin(CoinKind::Sui, amount.saturating_add(FAUCET_GAS_BUDGET_MIST), None)?;
                (vec![pure(&amount), pure(&recipient)], Argument::Gas, gas)
            }
            CoinKind::Wal => {
                let wal = self.coin(CoinKind::Wal, amount, None)?;
                let gas = self.coin(CoinKind::Sui, FAUCET_GAS_BUDGET_MIST, Some(wal.object_id()))?;
                (
                    vec![pure(&amount), pure(&recipient), Input::ImmutableOrOwned(reference(&wal))],
                    Argument::Input(2),
                    gas,
                )
            }
        };
        let transaction = Transaction {
            kind: TransactionKind::ProgrammableTransaction(ProgrammableTransaction {
                inputs,
                commands: vec![
                    Command::SplitCoins(SplitCoins { coin, amounts: vec![Argument::Input(0)] }),
                    Command::TransferObjects(TransferObjects {
                        objects: vec![Argument::NestedResult(0, 0)],
                        address: Argument::Input(1),
                    }),
                ],
            }),
            sender: self.address,
            gas_payment: GasPayment {
                objects: vec![reference(&gas)],
                owner: self.address,
                price: REFERENCE_GAS_PRICE_MIST,
                budget: FAUCET_GAS_BUDGET_MIST,
            },
            expiration: TransactionExpiration::None,
        };
        let signature = self
            .key
            .sign_transaction(&transaction)
            .map_err(|e| Rejection::InvalidSignature(format!("the faucet could not sign: {e}")))?;
        Ok(SignedTransaction { transaction, signatures: vec![signature] })
    }
}

fn pure<T: Serialize>(value: &T) -> Input {
    Input::Pure(bcs::to_bytes(value).expect("amounts and addresses serialize"))
}

fn reference(object: &Object) -> ObjectReference {
    ObjectReference::new(object.object_id(), object.version(), object.digest())
}

/// The object the transaction created for `recipient`.
fn created_for(effects: &sui_sdk_types::TransactionEffects, recipient: Address) -> Option<Address> {
    let sui_sdk_types::TransactionEffects::V2(effects) = effects else { return None };
    effects.changed_objects.iter().find_map(|change| match (&change.id_operation, &change.output_state) {
        (IdOperation::Created, ObjectOut::ObjectWrite { owner: Owner::Address(owner), .. }) if *owner == recipient => {
            Some(change.object_id)
        }
        _ => None,
    })
}

/// `POST /v2/gas`: Sui's faucet request.
#[derive(Debug, Deserialize)]
enum GasRequest {
    FixedAmountRequest(FixedAmountRequest),
}

#[derive(Debug, Deserialize)]
struct FixedAmountRequest {
    recipient: Address,
}

/// `POST /v1/wal`.
#[derive(Debug, Deserialize)]
struct WalRequest {
    recipient: Address,
    amount: u64,
}

/// Sui's faucet answer.
#[derive(Debug, Serialize)]
struct FaucetResponse {
    status: RequestStatus,
    coins_sent: Option<Vec<CoinInfo>>,
}

#[derive(Debug, Serialize)]
enum RequestStatus {
    Success,
    Failure(FailureReason),
}

#[derive(Debug, Serialize)]
enum FailureReason {
    Internal(String),
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CoinInfo {
    amount: u64,
    id: Address,
    transfer_tx_digest: Digest,
}

type Answer = (StatusCode, Json<FaucetResponse>);

fn answer(result: Result<Result<SentCoin, FaucetError>, tokio::task::JoinError>) -> Answer {
    let failure = |status, reason: String| {
        (
            status,
            Json(FaucetResponse { status: RequestStatus::Failure(FailureReason::Internal(reason)), coins_sent: None }),
        )
    };
    match result {
        Ok(Ok(coin)) => (
            StatusCode::OK,
            Json(FaucetResponse {
                status: RequestStatus::Success,
                coins_sent: Some(vec![CoinInfo { amount: coin.amount, id: coin.id, transfer_tx_digest: coin.digest }]),
            }),
        ),
        Ok(Err(error @ (FaucetError::ZeroAmount | FaucetError::AmountTooLarge { .. }))) => {
            failure(StatusCode::BAD_REQUEST, error.to_string())
        }
        Ok(Err(error)) => {
            tracing::warn!(%error, "faucet request failed");
            failure(StatusCode::INTERNAL_SERVER_ERROR, error.to_string())
        }
        Err(error) => failure(StatusCode::INTERNAL_SERVER_ERROR, format!("the faucet's task failed: {error}")),
    }
}

async fn gas(State(faucet): State<Arc<Faucet>>, Json(request): Json<GasRequest>) -> Answer {
    let GasRequest::FixedAmountRequest(FixedAmountRequest { recipient }) = request;
    answer(tokio::task::spawn_blocking(move || faucet.send_sui(recipient)).await)
}

async fn wal(State(faucet): State<Arc<Faucet>>, Json(request): Json<WalRequest>) -> Answer {
    answer(tokio::task::spawn_blocking(move || faucet.send_wal(request.recipient, request.amount)).await)
}

/// The faucet's HTTP routes.
pub fn router(faucet: Arc<Faucet>) -> Router {
    Router::new().route("/v2/gas", post(gas)).route("/v1/wal", post(wal)).with_state(faucet)
}

/// Why the faucet's HTTP server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum FaucetServeError {
    /// The listening address could not be bound.
    #[error("cannot listen for faucet requests on {addr}: {source}; pick a free port (or port 0)")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The socket error.
        source: std::io::Error,
    },
    /// The server failed while running.
    #[error("the faucet's HTTP server failed: {0}")]
    Io(#[from] std::io::Error),
    /// The server task panicked or was cancelled.
    #[error("the faucet's HTTP server task ended abnormally: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// A running faucet server. Dropping the handle stops the server too, without waiting.
pub struct FaucetHandle {
    local_addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl FaucetHandle {
    /// The address the faucet listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops the server and waits until open requests are answered.
    pub async fn shutdown(mut self) -> Result<(), FaucetServeError> {
        self.shutdown.send_replace(true);
        match self.task.take() {
            Some(task) => Ok(task.await??),
            None => Ok(()),
        }
    }
}

impl Drop for FaucetHandle {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
    }
}

/// Serves the faucet's HTTP API on `addr` (port 0 picks a free port). Must be called inside a
/// Tokio runtime.
pub async fn serve(faucet: Arc<Faucet>, addr: SocketAddr) -> Result<FaucetHandle, FaucetServeError> {
    let listener = TcpListener::bind(addr).await.map_err(|source| FaucetServeError::Bind { addr, source })?;
    serve_listener(faucet, listener)
}

/// Serves the faucet's HTTP API on an already bound listener (so that a port picked earlier
/// cannot be taken by another process in between). Must be called inside a Tokio runtime.
pub fn serve_listener(faucet: Arc<Faucet>, listener: TcpListener) -> Result<FaucetHandle, FaucetServeError> {
    let local_addr = listener.local_addr()?;
    let (shutdown, mut stopped) = watch::channel(false);
    let app = router(faucet);
    let task = tokio::spawn(async move {
        axum::serve(listener.tap_io(crate::rpc::no_delay), app)
            .with_graceful_shutdown(async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            })
            .await
    });
    tracing::info!(%local_addr, "serving the faucet");
    Ok(FaucetHandle { local_addr, shutdown, task: Some(task) })
}
