//! Commands on one owned `Blob` object: `share`, `set-blob-attribute`, `get-blob-attribute`,
//! `remove-blob-attribute`. Each prints for people, or JSON with `--json`.

use anyhow::{Context, Result, bail};
use clap::Args;
use serde_json::json;

use crate::client_cmd::{ClientArgs, FROST_PER_WAL, connect, parse_object_id, print_json};

/// `walrus share`.
#[derive(Args)]
pub struct ShareArgs {
    /// The Blob object to share.
    #[arg(long)]
    blob_obj_id: String,
    /// WAL to put into the shared blob, from which anyone may extend it.
    #[arg(long, default_value_t = 0)]
    amount: u64,
}

/// `walrus set-blob-attribute`.
#[derive(Args)]
pub struct SetAttributeArgs {
    /// The Blob object.
    #[arg(long)]
    blob_obj_id: String,
    /// Attributes as `KEY=VALUE` (a later pair wins over an earlier one with the same key).
    #[arg(required = true)]
    pairs: Vec<String>,
}

/// `walrus get-blob-attribute` and `walrus remove-blob-attribute`.
#[derive(Args)]
pub struct AttributeKeysArgs {
    /// The Blob object.
    #[arg(long)]
    blob_obj_id: String,
    /// Keys; `get-blob-attribute` without keys prints every attribute.
    keys: Vec<String>,
}

fn parse_pair(text: &str) -> Result<(String, String)> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
        _ => bail!("`{text}` is not an attribute; write KEY=VALUE (for example content-type=image/png)"),
    }
}

/// `walrus share`: wraps the blob into a shared object, optionally funded.
pub fn share(client_args: &ClientArgs, args: ShareArgs) -> Result<()> {
    let object = parse_object_id(&args.blob_obj_id)?;
    let funds_frost = args.amount.checked_mul(FROST_PER_WAL).context("--amount is too large; it is in whole WAL")?;
    let ctx = connect(client_args)?;
    let shared = ctx.runtime.block_on(ctx.client.chain().share_blob(object, funds_frost))?;
    let shared_id = shared.id();
    if ctx.json {
        return print_json(
            &json!({ "sharedBlobObjectId": shared_id, "blobObjectId": object, "fundsFrost": funds_frost }),
        );
    }
    println!("Blob object {object} is now shared as {shared_id}, funded with {} WAL.", args.amount);
    println!("Anyone can extend it from its funds; `walrus extend` does not apply to shared blobs.");
    Ok(())
}

/// `walrus set-blob-attribute`.
pub fn set_attribute(client_args: &ClientArgs, args: SetAttributeArgs) -> Result<()> {
    let object = parse_object_id(&args.blob_obj_id)?;
    let pairs: Vec<(String, String)> = args.pairs.iter().map(|p| parse_pair(p)).collect::<Result<_>>()?;
    let ctx = connect(client_args)?;
    ctx.runtime.block_on(async {
        for (key, value) in &pairs {
            ctx.client
                .chain()
                .set_blob_attribute(object, key, value)
                .await
                .with_context(|| format!("cannot set attribute `{key}` on blob object {object}"))?;
        }
        anyhow::Ok(())
    })?;
    if ctx.json {
        let set: serde_json::Map<String, serde_json::Value> =
            pairs.into_iter().map(|(k, v)| (k, serde_json::Value::String(v))).collect();
        return print_json(&json!({ "blobObjectId": object, "set": set }));
    }
    println!("Set {} attribute(s) on blob object {object}.", pairs.len());
    Ok(())
}

/// `walrus get-blob-attribute`.
pub fn get_attribute(client_args: &ClientArgs, args: AttributeKeysArgs) -> Result<()> {
    let object = parse_object_id(&args.blob_obj_id)?;
    let ctx = connect(client_args)?;
    let attributes = ctx.runtime.block_on(ctx.client.chain().blob_attributes(object))?;
    let all: Vec<(String, String)> =
        attributes.map(|m| m.metadata.contents.into_iter().map(|e| (e.key, e.value)).collect()).unwrap_or_default();
    let selected: Vec<(String, String)> = if args.keys.is_empty() {
        all
    } else {
        args.keys
            .iter()
            .map(|key| {
                all.iter()
                    .find(|(k, _)| k == key)
                    .cloned()
                    .with_context(|| format!("blob object {object} has no attribute `{key}`"))
            })
            .collect::<Result<_>>()?
    };
    if ctx.json {
        let map: serde_json::Map<String, serde_json::Value> =
            selected.into_iter().map(|(k, v)| (k, serde_json::Value::String(v))).collect();
        return print_json(&json!({ "blobObjectId": object, "attributes": map }));
    }
    if selected.is_empty() {
        println!("Blob object {object} has no attributes.");
    }
    for (key, value) in selected {
        println!("{key}={value}");
    }
    Ok(())
}

/// `walrus remove-blob-attribute`.
pub fn remove_attribute(client_args: &ClientArgs, args: AttributeKeysArgs) -> Result<()> {
    let object = parse_object_id(&args.blob_obj_id)?;
    if args.keys.is_empty() {
        bail!("name the attribute keys to remove");
    }
    let ctx = connect(client_args)?;
    ctx.runtime.block_on(async {
        for key in &args.keys {
            ctx.client
                .chain()
                .remove_blob_attribute(object, key)
                .await
                .with_context(|| format!("cannot remove attribute `{key}` from blob object {object}"))?;
        }
        anyhow::Ok(())
    })?;
    if ctx.json {
        return print_json(&json!({ "blobObjectId": object, "removed": args.keys }));
    }
    println!("Removed {} attribute(s) from blob object {object}.", args.keys.len());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_pairs_parse_or_say_how_to_write_them() {
        assert_eq!(parse_pair("content-type=image/png").unwrap(), ("content-type".into(), "image/png".into()));
        assert_eq!(parse_pair("k=a=b").unwrap(), ("k".into(), "a=b".into()));
        assert_eq!(parse_pair("empty=").unwrap(), ("empty".into(), String::new()));
        for bad in ["novalue", "=value", ""] {
            assert!(parse_pair(bad).unwrap_err().to_string().contains("KEY=VALUE"), "{bad}");
        }
    }
}
