//! Sui's gRPC API (`sui.rpc.v2`) over the local chain, so `sui_rpc::Client` and every tool built
//! on it (the sidecar's chain client, `sui_transaction_builder`) work against it as against a
//! Sui full node.
//!
//! Served: `LedgerService` (service info, objects, transactions, checkpoints, epoch),
//! `StateService` (owned objects, balances, dynamic fields), `TransactionExecutionService`
//! (execute, simulate with input resolution and gas selection) and
//! `SubscriptionService::SubscribeCheckpoints`. What is not served answers `UNIMPLEMENTED`;
//! `docs/chain.md` §9 lists both.
//!
//! Every RocksDB read and every execution runs on the blocking thread pool, so many clients can
//! be served concurrently while the chain executes transactions one at a time.

pub(crate) mod convert;
mod execution;
mod ledger;
mod state;
mod subscription;

use std::{net::SocketAddr, sync::Arc};

use sui_rpc::proto::sui::rpc::v2::{
    ledger_service_server::LedgerServiceServer, state_service_server::StateServiceServer,
    subscription_service_server::SubscriptionServiceServer,
    transaction_execution_service_server::TransactionExecutionServiceServer,
};
use tokio::{net::TcpListener, sync::watch, task::JoinHandle};
use tonic::{Response, Status, metadata::MetadataValue, transport::server::TcpIncoming};

use crate::{LocalChain, Rejection, chain::SUI_EPOCH, store::StoreError};

/// The chain name reported in `GetServiceInfo` and the `x-sui-chain` header.
pub const CHAIN_NAME: &str = "localnet";
/// The reference gas price, in MIST per unit. The local chain charges a flat fee
/// ([`crate::execute::GAS_COST_MIST`]) and ignores the price; this is Sui's usual value, used
/// where a client leaves the price to the server.
pub const REFERENCE_GAS_PRICE_MIST: u64 = 1_000;
/// The protocol version reported for the Sui epoch.
pub const PROTOCOL_VERSION: u64 = 1;

/// Why the gRPC server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The listening address could not be bound.
    #[error("cannot listen for gRPC on {addr}: {source}; pick a free port (or port 0) on a local address")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The socket error.
        source: std::io::Error,
    },
    /// The bound listener has no local address.
    #[error("cannot read the gRPC listener's address: {0}")]
    LocalAddr(#[source] std::io::Error),
    /// The server failed while running.
    #[error("the gRPC server failed: {0}")]
    Transport(#[from] tonic::transport::Error),
    /// The server task panicked or was cancelled.
    #[error("the gRPC server task ended abnormally: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// A running gRPC server. Dropping the handle stops the server too, without waiting.
pub struct RpcHandle {
    local_addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<Result<(), tonic::transport::Error>>>,
}

impl RpcHandle {
    /// The address the server listens on (with the real port when port 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops accepting connections, ends open subscriptions, and waits until every connection
    /// has closed, so the chain (and its database lock) is released when this returns.
    pub async fn shutdown(mut self) -> Result<(), ServeError> {
        self.shutdown.send_replace(true);
        match self.task.take() {
            Some(task) => Ok(task.await??),
            None => Ok(()),
        }
    }
}

impl Drop for RpcHandle {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
    }
}

/// Serves Sui's gRPC API for `chain` on `addr` (port 0 picks a free port; see
/// [`RpcHandle::local_addr`]). Must be called inside a Tokio runtime; the server runs on it
/// until the handle is shut down or dropped.
pub async fn serve(chain: Arc<LocalChain>, addr: SocketAddr) -> Result<RpcHandle, ServeError> {
    let listener = TcpListener::bind(addr).await.map_err(|source| ServeError::Bind { addr, source })?;
    serve_listener(chain, listener)
}

/// Serves Sui's gRPC API for `chain` on an already bound listener.
pub fn serve_listener(chain: Arc<LocalChain>, listener: TcpListener) -> Result<RpcHandle, ServeError> {
    let local_addr = listener.local_addr().map_err(ServeError::LocalAddr)?;
    let (shutdown, mut stopped) = watch::channel(false);
    let service = RpcService { chain, shutdown: shutdown.subscribe() };
    let router = tonic::transport::Server::builder()
        .add_service(LedgerServiceServer::new(service.clone()))
        .add_service(StateServiceServer::new(service.clone()))
        .add_service(TransactionExecutionServiceServer::new(service.clone()))
        .add_service(SubscriptionServiceServer::new(service));
    let task = tokio::spawn(async move {
        router
            // Without TCP_NODELAY, Nagle's algorithm holds small responses back until the
            // client's delayed ACK (tens of milliseconds per request on Linux).
            .serve_with_incoming_shutdown(TcpIncoming::from(listener).with_nodelay(Some(true)), async move {
                // Either an explicit shutdown or the handle being dropped (the sender closes).
                let _ = stopped.wait_for(|stop| *stop).await;
            })
            .await
    });
    tracing::info!(%local_addr, "serving Sui gRPC API");
    Ok(RpcHandle { local_addr, shutdown, task: Some(task) })
}

/// Sets TCP_NODELAY on an accepted connection: without it, Nagle's algorithm holds a small
/// response back until the client's delayed ACK, tens of milliseconds per request.
pub(crate) fn no_delay(stream: &mut tokio::net::TcpStream) {
    if let Err(e) = stream.set_nodelay(true) {
        tracing::debug!("cannot set TCP_NODELAY on a connection: {e}");
    }
}

/// The state every service shares.
#[derive(Clone)]
pub(crate) struct RpcService {
    chain: Arc<LocalChain>,
    /// Turns true when the server shuts down; subscriptions end then.
    shutdown: watch::Receiver<bool>,
}

impl RpcService {
    /// Runs `work` with the chain on the blocking pool: RocksDB reads and execution block.
    async fn blocking<T, F>(&self, work: F) -> Result<T, Status>
    where
        T: Send + 'static,
        F: FnOnce(&LocalChain) -> Result<T, Status> + Send + 'static,
    {
        let chain = self.chain.clone();
        tokio::task::spawn_blocking(move || work(&chain))
            .await
            .map_err(|e| Status::internal(format!("the request's task failed: {e}")))?
    }

    /// A response carrying Sui's chain-state headers (`x-sui-chain-id`, checkpoint height, ...),
    /// which `sui_rpc::client::ResponseExt` reads.
    fn respond<T>(&self, message: T) -> Response<T> {
        let mut response = Response::new(message);
        let (height, timestamp_ms) = self.chain.latest_checkpoint_time();
        let metadata = response.metadata_mut();
        let mut insert = |key: &'static str, value: String| {
            if let Ok(value) = MetadataValue::try_from(value) {
                metadata.insert(key, value);
            }
        };
        insert(sui_rpc::headers::X_SUI_CHAIN_ID, self.chain.chain_id().to_string());
        insert(sui_rpc::headers::X_SUI_CHAIN, CHAIN_NAME.to_owned());
        insert(sui_rpc::headers::X_SUI_EPOCH, SUI_EPOCH.to_string());
        insert(sui_rpc::headers::X_SUI_CHECKPOINT_HEIGHT, height.to_string());
        insert(sui_rpc::headers::X_SUI_TIMESTAMP_MS, timestamp_ms.to_string());
        insert(sui_rpc::headers::X_SUI_LOWEST_AVAILABLE_CHECKPOINT, "0".to_owned());
        insert(sui_rpc::headers::X_SUI_LOWEST_AVAILABLE_CHECKPOINT_OBJECTS, "0".to_owned());
        response
    }
}

/// A store failure as a gRPC status.
pub(crate) fn store_status(error: StoreError) -> Status {
    Status::internal(error.to_string())
}

/// A rejected transaction as a gRPC status: malformed or badly signed transactions are invalid
/// arguments; transactions that are well formed but do not fit the current state (stale,
/// foreign or missing objects, gas) fail a precondition.
pub(crate) fn rejection_status(rejection: Rejection) -> Status {
    let message = format!("transaction rejected: {rejection}");
    match rejection {
        Rejection::InvalidSignature(_)
        | Rejection::WrongSigner { .. }
        | Rejection::NotProgrammable
        | Rejection::TooLarge(_)
        | Rejection::PostRandomCommand { .. }
        | Rejection::UnsupportedCommand { .. }
        | Rejection::DuplicateInput(_) => Status::invalid_argument(message),
        Rejection::ObjectNotFound(_)
        | Rejection::StaleObject { .. }
        | Rejection::DigestMismatch(_)
        | Rejection::NotUsable { .. }
        | Rejection::Gas(_) => Status::failed_precondition(message),
        Rejection::Store(e) => store_status(e),
    }
}
