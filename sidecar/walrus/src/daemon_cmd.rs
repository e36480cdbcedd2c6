//! `walrus daemon`, `walrus publisher`, `walrus aggregator`: the HTTP front of the client.

use std::net::SocketAddr;

use anyhow::{Context, Result};
use clap::Args;
use walrus_client::daemon::{self, DaemonConfig};

use crate::client_cmd::{ClientArgs, connect_client};

/// Arguments of the daemon commands.
#[derive(Args)]
pub struct DaemonArgs {
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:31415")]
    bind_address: SocketAddr,
    /// Require `Authorization: Bearer <TOKEN>` on PUT (publisher) requests.
    #[arg(long, env = "WALRUS_PUBLISHER_TOKEN")]
    auth_token: Option<String>,
    /// Largest blob accepted, in bytes.
    #[arg(long, default_value_t = daemon::DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
}

/// Which roles to serve.
#[derive(Clone, Copy)]
pub enum Role {
    /// Both.
    Daemon,
    /// Stores only.
    Publisher,
    /// Reads only.
    Aggregator,
}

/// Runs the daemon until Ctrl-C.
pub fn run(client_args: &ClientArgs, args: DaemonArgs, role: Role) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let client = connect_client(client_args)?;
        let config = DaemonConfig {
            bind_address: args.bind_address,
            publisher: matches!(role, Role::Daemon | Role::Publisher),
            aggregator: matches!(role, Role::Daemon | Role::Aggregator),
            auth_token: args.auth_token,
            max_body_bytes: args.max_body_bytes,
        };
        let handle = daemon::serve(client, config).await?;
        println!("serving on http://{} (OpenAPI at /v1/api)", handle.address);
        crate::chain_cmd::shutdown_signal().await?;
        handle.shutdown().await;
        Ok(())
    })
}
