//! The OpenAPI 3 document of the node API, served at `GET /v1/api`. Hand-written; tests check
//! that it documents every route of [`ROUTES`] and that the router serves each of them.

use serde_json::{Value, json};

/// The routes of the API as `(method, OpenAPI path)`, the single list the document and its test
/// are built from.
pub const ROUTES: &[(&str, &str)] = &[
    ("put", "/v1/blobs/{blob_id}/slivers"),
    ("get", "/v1/blobs/{blob_id}/confirmation"),
    ("get", "/v1/blobs/{blob_id}/metadata"),
    ("get", "/v1/blobs/{blob_id}/slivers/primary"),
    ("get", "/v1/blobs/{blob_id}/slivers/{pair_index}/{kind}"),
    ("get", "/v1/blobs/{blob_id}/recovery"),
    ("get", "/v1/blobs/{blob_id}/recovery/{pair_index}/{kind}"),
    ("get", "/v1/blobs/{blob_id}/inconsistency"),
    ("post", "/v1/inconsistency"),
    ("post", "/v1/shards/{shard}/pairs"),
    ("get", "/v1/blobs/{blob_id}/status"),
    ("get", "/v1/challenges/{epoch}"),
    ("get", "/v1/health"),
    ("get", "/v1/api"),
    ("get", "/metrics"),
];

fn blob_id_param() -> Value {
    json!({ "name": "blob_id", "in": "path", "required": true,
            "description": "The blob id: 43 characters of URL-safe base64 without padding.",
            "schema": { "type": "string" } })
}

fn pair_params() -> Value {
    json!([
        blob_id_param(),
        { "name": "pair_index", "in": "path", "required": true, "description": "Sliver pair (= shard) index.",
          "schema": { "type": "integer", "minimum": 0 } },
        { "name": "kind", "in": "path", "required": true, "schema": { "type": "string", "enum": ["primary", "secondary"] } }
    ])
}

fn persistence_params() -> Value {
    json!([
        blob_id_param(),
        { "name": "persistence", "in": "query", "required": false,
          "schema": { "type": "string", "enum": ["permanent", "deletable"], "default": "permanent" } },
        { "name": "object_id", "in": "query", "required": false,
          "description": "The Blob object id (0x + 64 hex digits); required with persistence=deletable.",
          "schema": { "type": "string" } }
    ])
}

fn binary(description: &str) -> Value {
    json!({ "description": description, "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } })
}

fn json_ref(description: &str, schema: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } })
}

fn errors() -> Value {
    json!({ "4XX": json_ref("A client error.", "Error"), "5XX": json_ref("A node error.", "Error") })
}

fn with_errors(mut responses: Value) -> Value {
    if let (Some(map), Value::Object(errors)) = (responses.as_object_mut(), errors()) {
        map.extend(errors);
    }
    responses
}

/// The OpenAPI 3.0 document.
pub fn document() -> Value {
    let signed = json_ref("A signed message.", "SignedMessage");
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Walrus sidecar storage node API",
            "version": "1",
            "description": "Stores a committee member's sliver pairs, signs storage confirmations, serves slivers and recovery symbols. Formats: docs/node.md."
        },
        "paths": {
            "/v1/blobs/{blob_id}/slivers": { "put": {
                "summary": "Upload the commitment and every pair of this node's shards; returns a signed storage confirmation.",
                "parameters": persistence_params(),
                "requestBody": { "required": true, "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } },
                                 "description": "Framed upload body (magic WNS1, then tag/length frames), docs/node.md." },
                "responses": with_errors(json!({ "200": signed }))
            }},
            "/v1/blobs/{blob_id}/confirmation": { "get": {
                "summary": "A new storage confirmation for a blob this node stores.",
                "parameters": persistence_params(),
                "responses": with_errors(json!({ "200": signed }))
            }},
            "/v1/blobs/{blob_id}/metadata": { "get": {
                "summary": "The blob's commitment (BCS BlobCommitment, 41 bytes).",
                "parameters": [blob_id_param()],
                "responses": with_errors(json!({ "200": binary("BCS BlobCommitment.") }))
            }},
            "/v1/blobs/{blob_id}/slivers/primary": { "get": {
                "summary": "Every primary sliver this node stores of the blob, with pair metadata.",
                "parameters": [blob_id_param(),
                    { "name": "metadata_only", "in": "query", "required": false,
                      "description": "Only the pair metadata; the slivers are empty.",
                      "schema": { "type": "boolean", "default": false } }],
                "responses": with_errors(json!({ "200": binary("BCS PrimarySliversResponse.") }))
            }},
            "/v1/blobs/{blob_id}/slivers/{pair_index}/{kind}": { "get": {
                "summary": "One sliver with its pair metadata and the commitment.",
                "parameters": pair_params(),
                "responses": with_errors(json!({ "200": binary("BCS SliverResponse.") }))
            }},
            "/v1/blobs/{blob_id}/recovery": { "get": {
                "summary": "Recovery symbols of all this node's slivers of the blob.",
                "parameters": [blob_id_param(),
                    { "name": "from_primary", "in": "query", "description": "Comma-separated positions in each primary sliver.", "schema": { "type": "string" } },
                    { "name": "from_secondary", "in": "query", "description": "Comma-separated positions in each secondary sliver.", "schema": { "type": "string" } }],
                "responses": with_errors(json!({ "200": binary("BCS vector<RecoverySymbol>.") }))
            }},
            "/v1/blobs/{blob_id}/recovery/{pair_index}/{kind}": { "get": {
                "summary": "Recovery symbols of one sliver of this node.",
                "parameters": pair_params().as_array().cloned().unwrap_or_default().into_iter().chain([
                    json!({ "name": "target", "in": "query", "required": true, "description": "Comma-separated target positions.", "schema": { "type": "string" } })
                ]).collect::<Vec<_>>(),
                "responses": with_errors(json!({ "200": binary("BCS vector<RecoverySymbol>.") }))
            }},
            "/v1/blobs/{blob_id}/inconsistency": { "get": {
                "summary": "The inconsistency proof this node keeps for the blob.",
                "parameters": [blob_id_param()],
                "responses": with_errors(json!({ "200": binary("BCS InconsistencyRequest.") }))
            }},
            "/v1/inconsistency": { "post": {
                "summary": "Verify an inconsistency proof and return a signed invalid-blob attestation.",
                "requestBody": { "required": true, "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } },
                                 "description": "BCS InconsistencyRequest { blob_id, commitment, proof }." },
                "responses": with_errors(json!({ "200": signed }))
            }},
            "/v1/shards/{shard}/pairs": { "post": {
                "summary": "The stored pairs of one shard of the requested blobs, for the node taking the shard over at an epoch change (docs/node.md section 8). At most 64 blob ids; the answer stops after 64 MiB of slivers and says how many requested blobs it examined.",
                "parameters": [{ "name": "shard", "in": "path", "required": true, "description": "Shard (= sliver pair) index.",
                                 "schema": { "type": "integer", "minimum": 0 } }],
                "requestBody": { "required": true, "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } },
                                 "description": "BCS ShardPairsRequest { blob_ids: vector<blob id> }." },
                "responses": with_errors(json!({ "200": binary("BCS ShardPairsResponse { pairs: vector<{ blob_id, commitment, pair, primary, secondary }>, examined: u32 }.") }))
            }},
            "/v1/challenges/{epoch}": { "get": {
                "summary": "This node's answer to the storage challenge of the epoch (docs/node.md section 9): for each of its samples, derived from the epoch's seed, the symbol with its Merkle proof, the pair metadata and the blob's commitment, or no proof if it lacks the symbol. 404 no_challenge before the node applied the seed, 503 challenge_answer_pending while it builds the answer.",
                "parameters": [{ "name": "epoch", "in": "path", "required": true, "description": "The challenged epoch.",
                                 "schema": { "type": "integer", "minimum": 0 } }],
                "responses": with_errors(json!({ "200": binary("BCS ChallengeAnswer { epoch: u32, node_id: ID, samples: vector<{ sample: { blob_id, pair_index: u16, symbol_index: u16 }, proof: Option<{ commitment, symbol: RecoverySymbol }> }> }.") }))
            }},
            "/v1/blobs/{blob_id}/status": { "get": {
                "summary": "What this node knows about the blob.",
                "parameters": [blob_id_param()],
                "responses": with_errors(json!({ "200": json_ref("Blob status.", "BlobStatus") }))
            }},
            "/v1/health": { "get": {
                "summary": "Liveness, identity, epoch, shards, event cursor.",
                "responses": with_errors(json!({ "200": json_ref("Health.", "Health") }))
            }},
            "/v1/api": { "get": {
                "summary": "This document.",
                "responses": { "200": { "description": "OpenAPI 3 JSON.", "content": { "application/json": {} } } }
            }},
            "/metrics": { "get": {
                "summary": "Prometheus metrics (text format 0.0.4).",
                "responses": { "200": { "description": "Metrics.", "content": { "text/plain": {} } } }
            }}
        },
        "components": { "schemas": {
            "Error": { "type": "object", "required": ["code", "message"],
                       "properties": { "code": { "type": "string" }, "message": { "type": "string" } } },
            "SignedMessage": { "type": "object", "required": ["epoch", "signature", "message"],
                "properties": { "epoch": { "type": "integer" },
                                "signature": { "type": "string", "description": "Base64 of the 96-byte BLS12-381 min_pk signature." },
                                "message": { "type": "string", "description": "Base64 of the signed bytes (docs/chain.md section 5)." } } },
            "BlobStatus": { "type": "object", "properties": {
                "blob_id": { "type": "string" }, "epoch": { "type": "integer" },
                "status": { "type": "string", "enum": ["nonexistent", "registered", "certified", "invalid"] },
                "end_epoch": { "type": "integer", "nullable": true },
                "registrations": { "type": "array", "items": { "type": "object" } },
                "stored_pairs": { "type": "array", "items": { "type": "integer" } },
                "missing_pairs": { "type": "array", "items": { "type": "integer" } } } },
            "Health": { "type": "object", "properties": {
                "status": { "type": "string" }, "node_id": { "type": "string" }, "public_key": { "type": "string" },
                "epoch": { "type": "integer", "nullable": true }, "shards": { "type": "array", "items": { "type": "integer" } },
                "event_cursor": { "type": "string", "nullable": true } } }
        }}
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_describes_every_route() {
        let doc = document();
        assert_eq!(doc["openapi"], "3.0.3");
        for (method, path) in ROUTES {
            assert!(doc["paths"][path][method].is_object(), "{method} {path} is not documented");
        }
        assert_eq!(doc["paths"].as_object().unwrap().len(), ROUTES.len());
    }
}
