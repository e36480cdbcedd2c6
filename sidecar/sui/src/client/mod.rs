//! The chain client: the one way the sidecar reaches the chain, over Sui's gRPC API
//! (`sui.rpc.v2`), identically against a Sui full node and the embedded local chain.
//!
//! - [`WalrusChainClient`] holds the gRPC connection, the account key and the [`Deployment`];
//!   it is cheap to clone and safe to share between tasks.
//! - Reads ([`reads`]): objects decoded into the twin structs of `walrus-contracts`, the
//!   system state as [`SystemInfo`], owned blobs, balances, storage prices.
//! - Transactions ([`transactions`]): built with `sui-transaction-builder` from explicit object
//!   references (re-read before every transaction), a gas coin the client picks, an explicit
//!   budget and price; signed with the account key; executed and awaited until checkpointed.
//! - Calls ([`calls`]): one typed method per public entry point of the `wal` and `walrus`
//!   packages, plus [`WalrusChainClient::reserve_and_register`].
//! - Coins ([`coins`]): WAL payment and gas coin selection, with a per-client lock so that
//!   concurrent transactions never pick the same coin.
//! - Events ([`events`]): an [`EventStream`] of the `walrus` package's events from a
//!   resumable [`EventCursor`].
//! - Staking ([`staking`]): storage-node registration with a proof of possession, stake and
//!   withdrawals, commission and votes, and the clock-driven epoch change (`voting_end`,
//!   `initiate_epoch_change`, `epoch_sync_done`), with reads of the `Staking` object.
//! - Governance ([`governance`]): proposals (parameter changes, upgrades, text), votes with
//!   `StakedWal` objects, execution, deposits, the vote lock, and reads of proposals with their
//!   tallies and status.
//!
//! Errors ([`ChainError`]) name what went wrong and what to do; Move aborts carry the module,
//! constant name and code of `walrus-contracts`.

pub mod calls;
pub mod coins;
pub mod error;
pub mod events;
pub mod governance;
pub mod reads;
pub mod staking;
pub mod transactions;

use std::sync::Arc;
use std::time::Duration;

use sui_sdk_types::Address;
use tokio::sync::OnceCell;

use crate::{AccountKey, ClientConfig, Deployment, Keystore};

pub use calls::Certificate;
pub use error::{ChainError, ChainResult};
pub use events::{ChainEvent, EventCursor, EventStream};
pub use governance::{CreatedProposal, ProposalInfo, ProposalKind, ProposalStatus, VoteChoice};
pub use reads::{ChainObject, RawObject, SystemInfo};
pub use staking::{NodeRegistration, StakingInfo};
pub use transactions::{ExecutedTransaction, WalrusPtb};

/// Gas budget of every transaction unless configured otherwise: 0.05 SUI, several times what a
/// blob registration costs on Sui and far above the local chain's flat fee.
pub const DEFAULT_GAS_BUDGET_MIST: u64 = 50_000_000;
/// How long one gRPC request may take.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a submitted transaction may take to appear in a checkpoint (Sui needs a few seconds;
/// the local chain checkpoints immediately).
pub const DEFAULT_CHECKPOINT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a transaction waits for a gas coin, WAL coin or owned object that another
/// transaction of the same client is using.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);
/// How often an [`EventStream`] looks for a new checkpoint once it has caught up. A storage node
/// accepts a blob's slivers only after it has seen the registration event, so this interval is
/// part of every store's latency; one small request per interval is cheap for a node.
pub const DEFAULT_EVENT_POLL_INTERVAL: Duration = Duration::from_millis(50);

/// Tunables of a [`WalrusChainClient`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientOptions {
    /// Gas budget of each transaction, in MIST. The gas coin must hold at least this much.
    pub gas_budget_mist: u64,
    /// Gas price in MIST per unit; `None` uses the network's reference gas price (read once).
    pub gas_price_mist: Option<u64>,
    /// Deadline of each gRPC request.
    pub request_timeout: Duration,
    /// How long to wait for a submitted transaction's checkpoint.
    pub checkpoint_timeout: Duration,
    /// How long to wait for coins and objects in use by this client's other transactions.
    pub lock_timeout: Duration,
    /// How often event streams poll for new checkpoints.
    pub event_poll_interval: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            gas_budget_mist: DEFAULT_GAS_BUDGET_MIST,
            gas_price_mist: None,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            checkpoint_timeout: DEFAULT_CHECKPOINT_TIMEOUT,
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            event_poll_interval: DEFAULT_EVENT_POLL_INTERVAL,
        }
    }
}

/// The chain client of one account on one network. Clones share the connection, the gas price
/// and the coin locks, so concurrent transactions of the clones never pick the same coin.
#[derive(Clone)]
pub struct WalrusChainClient {
    inner: Arc<Inner>,
}

struct Inner {
    rpc: sui_rpc::Client,
    grpc_url: String,
    key: AccountKey,
    deployment: Deployment,
    options: ClientOptions,
    gas_price_mist: OnceCell<u64>,
    locks: Arc<coins::ObjectLocks>,
}

impl std::fmt::Debug for WalrusChainClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WalrusChainClient")
            .field("grpc_url", &self.inner.grpc_url)
            .field("address", &self.inner.key.address())
            .field("deployment", &self.inner.deployment)
            .finish()
    }
}

impl WalrusChainClient {
    /// A client for `key`'s account at `grpc_url` (a Sui full node or the local chain) using the
    /// Walrus contracts of `deployment`.
    ///
    /// Connects lazily: the first call opens the connection (and reports an unreachable node).
    /// Must be called inside a Tokio runtime.
    pub fn new(grpc_url: &str, key: AccountKey, deployment: Deployment, options: ClientOptions) -> ChainResult<Self> {
        let rpc = sui_rpc::Client::new(grpc_url).map_err(|status| ChainError::InvalidUrl {
            url: grpc_url.to_owned(),
            message: status.message().to_owned(),
        })?;
        Ok(Self {
            inner: Arc::new(Inner {
                rpc,
                grpc_url: grpc_url.to_owned(),
                key,
                deployment,
                options,
                gas_price_mist: OnceCell::new(),
                locks: Arc::default(),
            }),
        })
    }

    /// A client for the active profile of `config`: its gRPC URL, deployment, and the key of its
    /// active address from `keystore`.
    pub fn from_config(config: &ClientConfig, keystore: &Keystore, options: ClientOptions) -> ChainResult<Self> {
        let profile = config.active_profile();
        let deployment = *profile.deployment()?;
        let key = keystore.key(&profile.active_address()?)?.clone();
        Self::new(&profile.grpc_url, key, deployment, options)
    }

    /// The same connection, deployment and options, acting as another account. Its coin locks are
    /// its own (another account's coins never collide with this one's).
    pub fn with_key(&self, key: AccountKey) -> Self {
        Self {
            inner: Arc::new(Inner {
                rpc: self.inner.rpc.clone(),
                grpc_url: self.inner.grpc_url.clone(),
                key,
                deployment: self.inner.deployment,
                options: self.inner.options.clone(),
                gas_price_mist: self.inner.gas_price_mist.clone(),
                locks: Arc::default(),
            }),
        }
    }

    /// The address transactions are sent from.
    pub fn address(&self) -> Address {
        self.inner.key.address()
    }

    /// The account key transactions are signed with.
    pub fn key(&self) -> &AccountKey {
        &self.inner.key
    }

    /// Where the Walrus contracts are.
    pub fn deployment(&self) -> &Deployment {
        &self.inner.deployment
    }

    /// The options this client was made with.
    pub fn options(&self) -> &ClientOptions {
        &self.inner.options
    }

    /// The gRPC endpoint.
    pub fn grpc_url(&self) -> &str {
        &self.inner.grpc_url
    }

    /// A handle on the underlying `sui_rpc` client (shares the connection).
    pub fn rpc(&self) -> sui_rpc::Client {
        self.inner.rpc.clone()
    }

    /// A gRPC request carrying the client's deadline.
    pub(crate) fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        request.set_timeout(self.inner.options.request_timeout);
        request
    }

    /// A failed gRPC call of `operation` as a [`ChainError`].
    pub(crate) fn rpc_error(&self, operation: &'static str, status: &tonic::Status) -> ChainError {
        ChainError::rpc(operation, &self.inner.grpc_url, status)
    }
}
