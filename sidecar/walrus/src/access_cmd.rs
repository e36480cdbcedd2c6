//! `walrus access-policy`: create access policies, manage their readers, expiry and name, put
//! blobs under them, and check who may read. Each prints for people, or JSON with `--json`.
//!
//! A policy is a shared object; changing it needs its admin cap (owned by whoever created the
//! policy, or was given the cap). Governing a blob also needs the blob: only its owner can.

use std::str::FromStr;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use serde_json::json;
use sui_sdk_types::Address;
use walrus_contracts::access_policy::{AccessPolicy, MAX_NAME_BYTES};
use walrus_sui::client::{ExecutedTransaction, WalrusChainClient};

use crate::client_cmd::{ClientArgs, connect_client};

/// `walrus access-policy ...`.
#[derive(Subcommand)]
pub enum AccessPolicyCommand {
    /// Create a policy without readers; its admin cap goes to the active address.
    Create {
        /// What the policy is for (1 to 256 bytes).
        #[arg(long)]
        name: String,
        /// The first epoch in which the policy grants nothing [default: never expires].
        #[arg(long)]
        expiry_epoch: Option<u32>,
    },
    /// Allow an address to read.
    AddReader(ReaderArgs),
    /// Stop an address from reading.
    RemoveReader(ReaderArgs),
    /// Set the first epoch in which the policy grants nothing, or make it never expire.
    SetExpiry {
        #[command(flatten)]
        policy: PolicyCapArgs,
        /// The new expiry epoch.
        #[arg(long, required_unless_present = "never", conflicts_with = "never")]
        expiry_epoch: Option<u32>,
        /// Remove the expiry.
        #[arg(long)]
        never: bool,
    },
    /// Rename the policy.
    Rename {
        #[command(flatten)]
        policy: PolicyCapArgs,
        /// The new name (1 to 256 bytes).
        #[arg(long)]
        name: String,
    },
    /// Put a blob object of the active address under the policy.
    Govern(BlobArgs),
    /// Take a blob object of the active address out of the policy.
    Release(BlobArgs),
    /// Whether an address may read a blob under the policy now (a dry run; nothing is paid).
    Check {
        /// The policy object.
        #[arg(long)]
        policy: String,
        /// The Blob object.
        #[arg(long)]
        blob_obj_id: String,
        /// The address that wants to read.
        #[arg(long)]
        address: String,
    },
    /// The policy: name, readers, expiry, version.
    Show {
        /// The policy object.
        #[arg(long)]
        policy: String,
    },
}

/// The policy to change and the admin cap that allows it.
#[derive(Args)]
pub struct PolicyCapArgs {
    /// The policy object.
    #[arg(long)]
    policy: String,
    /// The policy's admin cap (owned by the active address).
    #[arg(long)]
    cap: String,
}

/// `add-reader` / `remove-reader`.
#[derive(Args)]
pub struct ReaderArgs {
    #[command(flatten)]
    policy: PolicyCapArgs,
    /// The reader's address.
    address: String,
}

/// `govern` / `release`.
#[derive(Args)]
pub struct BlobArgs {
    #[command(flatten)]
    policy: PolicyCapArgs,
    /// The Blob object (owned by the active address).
    #[arg(long)]
    blob_obj_id: String,
}

fn parse_id(what: &str, text: &str) -> Result<Address> {
    Address::from_str(text)
        .map_err(|e| anyhow::anyhow!("{what} `{text}` is not valid ({e}); give 0x and up to 64 hex digits"))
}

impl PolicyCapArgs {
    fn ids(&self) -> Result<(Address, Address)> {
        Ok((parse_id("policy id", &self.policy)?, parse_id("cap id", &self.cap)?))
    }
}

fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() as u64 > MAX_NAME_BYTES {
        bail!("--name must be 1 to {MAX_NAME_BYTES} bytes, not {}", name.len());
    }
    Ok(())
}

fn print_json(value: &serde_json::Value) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn expiry_text(expiry_epoch: Option<u32>) -> String {
    expiry_epoch.map_or("never".to_owned(), |epoch| format!("at epoch {epoch} (grants nothing from then on)"))
}

fn readers(policy: &AccessPolicy) -> Vec<Address> {
    policy.readers.iter().map(|r| Address::new(r.0)).collect()
}

/// Runs `walrus access-policy ...`.
pub fn run(client_args: &ClientArgs, command: AccessPolicyCommand) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        // The gRPC channel is created inside the runtime that drives it.
        let client = connect_client(client_args)?;
        execute(client.chain(), client_args.json, command).await
    })
}

async fn execute(chain: &WalrusChainClient, json: bool, command: AccessPolicyCommand) -> Result<()> {
    match command {
        AccessPolicyCommand::Create { name, expiry_epoch } => {
            check_name(&name)?;
            let (policy, cap) = chain
                .create_access_policy(&name, expiry_epoch)
                .await
                .with_context(|| format!("cannot create the access policy `{name}`"))?;
            if json {
                return print_json(&json!({ "policyId": policy, "adminCapId": cap, "name": name,
                    "expiryEpoch": expiry_epoch }));
            }
            println!("Created access policy `{name}`.");
            println!("  Policy ID:     {policy}");
            println!("  Admin cap ID:  {cap} (owned by {})", chain.address());
            println!("  Expires:       {}", expiry_text(expiry_epoch));
            Ok(())
        }
        AccessPolicyCommand::AddReader(args) => change_reader(chain, json, args, true).await,
        AccessPolicyCommand::RemoveReader(args) => change_reader(chain, json, args, false).await,
        AccessPolicyCommand::SetExpiry { policy: args, expiry_epoch, never } => {
            let (policy, cap) = args.ids()?;
            let expiry_epoch = if never { None } else { expiry_epoch };
            let executed = chain
                .set_policy_expiry(policy, cap, expiry_epoch)
                .await
                .with_context(|| format!("cannot set the expiry of access policy {policy}"))?;
            let version = chain.get_access_policy(policy).await?.value.version;
            if json {
                return print_json(&json!({ "policyId": policy, "expiryEpoch": expiry_epoch, "version": version,
                    "transaction": executed.digest.to_string() }));
            }
            println!("Access policy {policy} now expires {} (version {version}).", expiry_text(expiry_epoch));
            Ok(())
        }
        AccessPolicyCommand::Rename { policy: args, name } => {
            check_name(&name)?;
            let (policy, cap) = args.ids()?;
            let executed = chain
                .rename_access_policy(policy, cap, &name)
                .await
                .with_context(|| format!("cannot rename access policy {policy}"))?;
            let version = chain.get_access_policy(policy).await?.value.version;
            if json {
                return print_json(&json!({ "policyId": policy, "name": name, "version": version,
                    "transaction": executed.digest.to_string() }));
            }
            println!("Access policy {policy} is now called `{name}` (version {version}).");
            Ok(())
        }
        AccessPolicyCommand::Govern(args) => change_blob(chain, json, args, true).await,
        AccessPolicyCommand::Release(args) => change_blob(chain, json, args, false).await,
        AccessPolicyCommand::Check { policy, blob_obj_id, address } => {
            let policy = parse_id("policy id", &policy)?;
            let blob = parse_id("blob object id", &blob_obj_id)?;
            let reader = parse_id("address", &address)?;
            let allowed = chain
                .can_read(policy, blob, reader)
                .await
                .with_context(|| format!("cannot check access to blob object {blob} under policy {policy}"))?;
            if json {
                return print_json(&json!({ "policyId": policy, "blobObjectId": blob, "address": reader,
                    "allowed": allowed }));
            }
            if allowed {
                println!("allowed: {reader} may read blob object {blob} under access policy {policy}");
            } else {
                println!(
                    "denied: {reader} may not read blob object {blob} under access policy {policy} (the blob is \
                     not governed by it, the policy expired, or the address is not a reader)"
                );
            }
            Ok(())
        }
        AccessPolicyCommand::Show { policy } => {
            let policy = parse_id("policy id", &policy)?;
            let object = chain.get_access_policy(policy).await.with_context(|| format!("cannot read {policy}"))?;
            let epoch = chain.system_info().await?.epoch;
            let value = &object.value;
            let active = value.is_active_at(epoch);
            if json {
                return print_json(&json!({
                    "policyId": policy, "name": value.name, "readers": readers(value),
                    "expiryEpoch": value.expiry_epoch, "version": value.version,
                    "initialSharedVersion": object.initial_shared_version(), "currentEpoch": epoch,
                    "active": active,
                }));
            }
            println!("Access policy `{}`", value.name);
            println!("  Policy ID:     {policy}");
            println!("  Version:       {} (changes since creation)", value.version);
            println!("  Expires:       {}", expiry_text(value.expiry_epoch));
            println!("  Active:        {} (current epoch {epoch})", if active { "yes" } else { "no" });
            println!("  Readers ({}):", value.readers.len());
            for reader in readers(value) {
                println!("    {reader}");
            }
            Ok(())
        }
    }
}

async fn change_reader(chain: &WalrusChainClient, json: bool, args: ReaderArgs, add: bool) -> Result<()> {
    let (policy, cap) = args.policy.ids()?;
    let reader = parse_id("address", &args.address)?;
    let executed: ExecutedTransaction = if add {
        chain.add_policy_reader(policy, cap, reader).await.with_context(|| format!("cannot add reader {reader}"))?
    } else {
        chain
            .remove_policy_reader(policy, cap, reader)
            .await
            .with_context(|| format!("cannot remove reader {reader}"))?
    };
    let version = chain.get_access_policy(policy).await?.value.version;
    if json {
        return print_json(&json!({ "policyId": policy, "reader": reader, "added": add, "version": version,
            "transaction": executed.digest.to_string() }));
    }
    if add {
        println!("{reader} may now read under access policy {policy} (version {version}).");
    } else {
        println!("{reader} may no longer read under access policy {policy} (version {version}).");
    }
    Ok(())
}

async fn change_blob(chain: &WalrusChainClient, json: bool, args: BlobArgs, govern: bool) -> Result<()> {
    let (policy, cap) = args.policy.ids()?;
    let blob = parse_id("blob object id", &args.blob_obj_id)?;
    let executed = if govern {
        chain
            .govern_blob(policy, cap, blob)
            .await
            .with_context(|| format!("cannot put blob object {blob} under {policy}"))
    } else {
        chain
            .release_blob(policy, cap, blob)
            .await
            .with_context(|| format!("cannot release blob object {blob} from {policy}"))
    }?;
    if json {
        return print_json(&json!({ "policyId": policy, "blobObjectId": blob, "governed": govern,
            "transaction": executed.digest.to_string() }));
    }
    if govern {
        println!("Blob object {blob} is now governed by access policy {policy}.");
    } else {
        println!("Blob object {blob} is no longer governed by access policy {policy}.");
    }
    Ok(())
}
