//! Starting and stopping a storage node: the API server, the event follower, the maintenance
//! task, the healer, the epoch clock and the shard handover, sharing one [`NodeContext`].

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::serve::ListenerExt as _;
use tokio::{net::TcpListener, sync::watch, task::JoinHandle};
use walrus_contracts::ObjectId;
use walrus_core::messages::PUBLIC_KEY_BYTES;

use crate::{
    api,
    chain::ChainSource,
    config::{ConfigError, NodeConfig, load_protocol_key},
    context::NodeContext,
    epoch, follower, handover, healing,
    storage::{Storage, StorageError},
};

/// How long [`NodeHandle::shutdown`] waits for the tasks (in-flight requests, a recovery) before
/// aborting them.
pub const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the node could not start.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// The configuration or a key file is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The database could not be opened.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The API address could not be bound.
    #[error("cannot listen on {address}: {source}; is another process using the port?")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
    /// A startup task failed.
    #[error("node startup failed: {0}")]
    Startup(String),
}

/// The storage node.
pub struct StorageNode;

impl StorageNode {
    /// Starts a node: opens its database, loads its protocol key, binds the API address and
    /// starts the API server, the event follower, the healer, the epoch clock and the shard
    /// handover. The account key (`config.account_key_path`) is for the chain client behind
    /// `chain`, which signs the node's transactions; it is not used here.
    pub async fn start(config: NodeConfig, chain: Arc<dyn ChainSource>) -> Result<NodeHandle, NodeError> {
        let listener = TcpListener::bind(config.api_listen_address)
            .await
            .map_err(|source| NodeError::Bind { address: config.api_listen_address, source })?;
        Self::start_with_listener(config, chain, listener).await
    }

    /// Like [`Self::start`], on an already bound listener (its address is the one the committee
    /// advertises; tests bind port 0 first to learn it).
    pub async fn start_with_listener(
        config: NodeConfig,
        chain: Arc<dyn ChainSource>,
        listener: TcpListener,
    ) -> Result<NodeHandle, NodeError> {
        let local_addr = listener.local_addr().map_err(|e| NodeError::Startup(e.to_string()))?;
        let key = load_protocol_key(&config.protocol_key_path)?;
        std::fs::create_dir_all(&config.data_dir).map_err(|source| ConfigError::Io {
            action: "create data directory",
            path: config.data_dir.clone(),
            source,
        })?;
        let data_dir = config.data_dir.clone();
        let storage = tokio::task::spawn_blocking(move || Storage::open(&data_dir))
            .await
            .map_err(|e| NodeError::Startup(e.to_string()))??;
        let ctx = Arc::new(NodeContext::new(config.node_id, key, Arc::new(storage), chain, config.limits.clone()));
        if let Err(e) = ctx.refresh_committee().await {
            tracing::warn!("the committee is not known yet ({e}); the node keeps asking");
        }
        let (shutdown, receiver) = watch::channel(false);
        let router = api::router(ctx.clone());
        let mut server_shutdown = receiver.clone();
        let server = tokio::spawn(async move {
            let stopped = async move {
                let _ = server_shutdown.wait_for(|stop| *stop).await;
            };
            if let Err(e) = axum::serve(listener.tap_io(no_delay), router).with_graceful_shutdown(stopped).await {
                tracing::error!("the API server failed: {e}");
            }
        });
        let tasks = vec![
            server,
            tokio::spawn(follower::run_follower(ctx.clone(), receiver.clone())),
            tokio::spawn(follower::run_maintenance(ctx.clone(), receiver.clone())),
            tokio::spawn(healing::run_healer(ctx.clone(), receiver.clone())),
            tokio::spawn(crate::challenge::run_challenges(ctx.clone(), receiver.clone())),
            tokio::spawn(epoch::run_epoch_driver(ctx.clone(), receiver.clone())),
            tokio::spawn(handover::run_handover(ctx.clone(), receiver)),
        ];
        tracing::info!("storage node {:?} listening on {local_addr}", config.node_id);
        Ok(NodeHandle { ctx, local_addr, shutdown, tasks })
    }
}

/// A running node. Dropping it without [`NodeHandle::shutdown`] aborts its tasks.
pub struct NodeHandle {
    ctx: Arc<NodeContext>,
    local_addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl NodeHandle {
    /// The address the API listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The node's id.
    pub fn node_id(&self) -> ObjectId {
        self.ctx.node_id
    }

    /// The node's BLS public key.
    pub fn public_key(&self) -> [u8; PUBLIC_KEY_BYTES] {
        self.ctx.key.public_key()
    }

    /// The node's database (for inspection; writes bypass the node's checks).
    pub fn storage(&self) -> Arc<Storage> {
        self.ctx.storage.clone()
    }

    /// The latest storage challenge the node fixed (`crate::challenge`), if any.
    pub fn storage_challenge(&self) -> Option<Arc<crate::challenge::EpochChallenge>> {
        self.ctx.challenges.current()
    }

    /// Wakes the healer now instead of at its next interval.
    pub fn heal_now(&self) {
        self.ctx.heal_wakeup.notify_one();
    }

    /// Stops the node: the server finishes in-flight requests, the tasks stop, the database is
    /// closed. Tasks still running after [`SHUTDOWN_TIMEOUT`] are aborted.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        let deadline = tokio::time::Instant::now() + SHUTDOWN_TIMEOUT;
        for task in self.tasks.drain(..) {
            let abort = task.abort_handle();
            if tokio::time::timeout_at(deadline, task).await.is_err() {
                abort.abort();
            }
        }
        // Blocking workers (a database write, a sliver expansion) may still hold the database;
        // wait for them so the data directory can be reopened as soon as this returns.
        while (Arc::strong_count(&self.ctx) > 1 || Arc::strong_count(&self.ctx.storage) > 1)
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for NodeHandle {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Sets TCP_NODELAY on an accepted connection: without it, Nagle's algorithm holds a small
/// response back until the client's delayed ACK, tens of milliseconds per request.
fn no_delay(stream: &mut tokio::net::TcpStream) {
    if let Err(e) = stream.set_nodelay(true) {
        tracing::debug!("cannot set TCP_NODELAY on a connection: {e}");
    }
}
