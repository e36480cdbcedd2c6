//! The publisher and aggregator: an HTTP front for [`WalrusClient`], compatible with Walrus'
//! `PUT /v1/blobs` and `GET /v1/blobs/{blob_id}`.
//!
//! The publisher stores request bodies as blobs, paying from its own wallet, so it can be
//! guarded with a bearer token; the aggregator reads blobs for anyone, with `Range` and `ETag`
//! support. One [`DaemonConfig`] enables either or both.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    net::SocketAddr,
    str::FromStr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

use axum::serve::ListenerExt as _;
use axum::{
    Json, Router,
    body::Bytes,
    extract::{DefaultBodyLimit, Path, Query, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;
use sui_sdk_types::Address;
use tokio::net::TcpListener;
use walrus_core::BlobId;

use crate::{ClientError, StoreOptions, WalrusClient};

/// Largest blob the publisher accepts by default, in bytes.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 30;
/// Epochs a blob is stored for when the request does not say.
pub const DEFAULT_EPOCHS: u32 = 1;
/// Blob attribute naming a blob's content type.
pub const CONTENT_TYPE_ATTRIBUTE: &str = "content-type";

/// What the daemon serves.
#[derive(Clone, Debug)]
pub struct DaemonConfig {
    /// Where to listen.
    pub bind_address: SocketAddr,
    /// Serve `PUT /v1/blobs` (publisher).
    pub publisher: bool,
    /// Serve `GET /v1/blobs/...` (aggregator).
    pub aggregator: bool,
    /// If set, `PUT` requests must carry `Authorization: Bearer <token>`.
    pub auth_token: Option<String>,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
}

/// Why the daemon could not start.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// The address could not be bound.
    #[error("cannot listen on {address}: {source}; is another process using the port?")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
}

/// A running daemon.
pub struct DaemonHandle {
    /// The bound address (useful with port 0).
    pub address: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl DaemonHandle {
    /// Stops accepting requests, lets running ones finish, and waits.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let _ = self.task.await;
    }
}

#[derive(Default)]
struct DaemonMetrics {
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    bytes_stored: AtomicU64,
    bytes_read: AtomicU64,
}

struct AppState {
    client: WalrusClient,
    config: DaemonConfig,
    metrics: DaemonMetrics,
}

/// Starts the daemon on `config.bind_address`.
pub async fn serve(client: WalrusClient, config: DaemonConfig) -> Result<DaemonHandle, DaemonError> {
    let listener = TcpListener::bind(config.bind_address)
        .await
        .map_err(|source| DaemonError::Bind { address: config.bind_address, source })?;
    serve_listener(client, config, listener)
}

/// Starts the daemon on an already bound listener (`config.bind_address` is not used), so that
/// a port picked earlier cannot be taken by another process in between.
pub fn serve_listener(
    client: WalrusClient,
    config: DaemonConfig,
    listener: TcpListener,
) -> Result<DaemonHandle, DaemonError> {
    let address = listener.local_addr().map_err(|source| DaemonError::Bind { address: config.bind_address, source })?;
    let app = router(client, config);
    let (shutdown, receiver) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let server = axum::serve(listener.tap_io(no_delay), app).with_graceful_shutdown(async {
            let _ = receiver.await;
        });
        if let Err(error) = server.await {
            tracing::error!(%error, "the publisher/aggregator stopped");
        }
    });
    Ok(DaemonHandle { address, shutdown: Some(shutdown), task })
}

/// The daemon's routes, for embedding.
pub fn router(client: WalrusClient, config: DaemonConfig) -> Router {
    let max_body_bytes = config.max_body_bytes;
    let state = Arc::new(AppState { client, config: config.clone(), metrics: DaemonMetrics::default() });
    let mut blobs = get(|| async { ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "aggregator_disabled", "") });
    if config.publisher {
        blobs = blobs.put(store_blob);
    }
    let mut app = Router::new()
        .route("/v1/blobs", blobs)
        .route("/v1/api", get(openapi))
        .route("/v1/health", get(|| async { Json(serde_json::json!({ "status": "ok" })) }))
        .route("/metrics", get(metrics));
    if config.aggregator {
        app = app
            .route("/v1/blobs/{blob_id}", get(read_by_blob_id))
            .route("/v1/blobs/by-object-id/{object_id}", get(read_by_object_id));
    }
    app.fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "no_such_route", "see GET /v1/api for the routes") })
        .layer(middleware::from_fn_with_state(state.clone(), authorize))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(state)
}

/// A JSON error `{ "code": ..., "message": ... }`.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "code": self.code, "message": self.message } });
        (self.status, Json(body)).into_response()
    }
}

impl From<ClientError> for ApiError {
    fn from(error: ClientError) -> Self {
        let (status, code) = match &error {
            ClientError::BlobNotFound { .. } => (StatusCode::NOT_FOUND, "blob_not_found"),
            ClientError::BlobTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "blob_too_large"),
            ClientError::Encoding(_) => (StatusCode::BAD_REQUEST, "cannot_encode"),
            ClientError::InconsistentBlob { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "inconsistent_blob"),
            ClientError::NotEnoughConfirmations { .. } | ClientError::NotEnoughSlivers { .. } => {
                (StatusCode::SERVICE_UNAVAILABLE, "not_enough_nodes")
            }
            ClientError::Chain(_) => (StatusCode::BAD_GATEWAY, "chain_error"),
            ClientError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
        };
        Self::new(status, code, error.to_string())
    }
}

async fn authorize(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let route = route_name(&request);
    if request.method() == axum::http::Method::PUT
        && let Some(token) = &state.config.auth_token
    {
        let expected = format!("Bearer {token}");
        let given = request.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        if given != Some(expected.as_str()) {
            let response = ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "this publisher needs `Authorization: Bearer <token>`",
            )
            .into_response();
            state.metrics.count(route, response.status());
            return response;
        }
    }
    let response = next.run(request).await;
    state.metrics.count(route, response.status());
    response
}

fn route_name(request: &Request) -> &'static str {
    let path = request.uri().path();
    match (request.method().as_str(), path) {
        ("PUT", "/v1/blobs") => "store",
        ("GET", p) if p.starts_with("/v1/blobs/by-object-id/") => "read_by_object_id",
        ("GET", p) if p.starts_with("/v1/blobs/") => "read",
        (_, "/metrics") => "metrics",
        (_, "/v1/api") => "api",
        (_, "/v1/health") => "health",
        _ => "other",
    }
}

impl DaemonMetrics {
    fn count(&self, route: &'static str, status: StatusCode) {
        let mut requests = self.requests.lock().expect("metrics lock is never poisoned");
        *requests.entry((route, status.as_u16())).or_default() += 1;
    }
}

/// Query of `PUT /v1/blobs`.
#[derive(Debug, Deserialize)]
struct StoreQuery {
    epochs: Option<u32>,
    #[serde(default)]
    deletable: bool,
    #[serde(default)]
    permanent: bool,
    #[serde(default)]
    force: bool,
}

async fn store_blob(
    State(state): State<Arc<AppState>>,
    Query(query): Query<StoreQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    if query.deletable && query.permanent {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "give `deletable` or `permanent`, not both",
        ));
    }
    let epochs_ahead = query.epochs.unwrap_or(DEFAULT_EPOCHS);
    if epochs_ahead == 0 {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", "`epochs` must be at least 1"));
    }
    let size = body.len() as u64;
    let options = StoreOptions { epochs_ahead, deletable: query.deletable, force: query.force };
    let outcome = state.client.store_blob(body.to_vec(), options).await?;
    state.metrics.bytes_stored.fetch_add(size, Ordering::Relaxed);
    Ok(Json(outcome).into_response())
}

async fn read_by_blob_id(
    State(state): State<Arc<AppState>>,
    Path(blob_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let blob_id = BlobId::from_str(&blob_id).map_err(|e| {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_blob_id", format!("`{blob_id}` is not a blob id: {e}"))
    })?;
    respond_with_blob(&state, blob_id, None, &headers).await
}

async fn read_by_object_id(
    State(state): State<Arc<AppState>>,
    Path(object_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let object_id = Address::from_str(&object_id).map_err(|e| {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_object_id", format!("`{object_id}` is not an object id: {e}"))
    })?;
    let blob = state.client.chain().get_blob(object_id).await.map_err(|e| {
        ApiError::new(StatusCode::NOT_FOUND, "blob_object_not_found", format!("no Blob object {object_id}: {e}"))
    })?;
    // Attributes are optional: a failed lookup falls back to sniffing.
    let attributes = state.client.chain().blob_attributes(object_id).await.ok().flatten();
    let content_type = attributes.and_then(|m| m.get(&CONTENT_TYPE_ATTRIBUTE.to_string()));
    respond_with_blob(&state, BlobId(blob.value.blob_id.0), content_type, &headers).await
}

async fn respond_with_blob(
    state: &AppState,
    blob_id: BlobId,
    content_type: Option<String>,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    // Blobs are immutable: the blob id is a strong validator.
    let etag = format!("\"{blob_id}\"");
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| etag_matches(v, &etag)) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    let data = state.client.read_blob(&blob_id).await?;
    let content_type = content_type.unwrap_or_else(|| sniff_content_type(&data).to_string());
    let total = data.len() as u64;
    let range = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        Some(value) => match parse_range(value, total) {
            RangeRequest::Satisfiable(start, end) => Some((start, end)),
            RangeRequest::Ignored => None,
            RangeRequest::Unsatisfiable => {
                return Ok((StatusCode::RANGE_NOT_SATISFIABLE, [(header::CONTENT_RANGE, format!("bytes */{total}"))])
                    .into_response());
            }
        },
        None => None,
    };
    let mut response = match range {
        Some((start, end)) => {
            let part = data[start as usize..=end as usize].to_vec();
            state.metrics.bytes_read.fetch_add(part.len() as u64, Ordering::Relaxed);
            let mut response = (StatusCode::PARTIAL_CONTENT, part).into_response();
            response.headers_mut().insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes {start}-{end}/{total}")).expect("ASCII header"),
            );
            response
        }
        None => {
            state.metrics.bytes_read.fetch_add(total, Ordering::Relaxed);
            (StatusCode::OK, data).into_response()
        }
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, HeaderValue::from_str(&etag).expect("base64url is ASCII"));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    Ok(response)
}

fn etag_matches(header_value: &str, etag: &str) -> bool {
    header_value
        .split(',')
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == etag)
}

/// A parsed `Range` header.
#[derive(Debug, PartialEq, Eq)]
enum RangeRequest {
    /// One range, inclusive bounds.
    Satisfiable(u64, u64),
    /// Malformed or multi-range: answered with the whole blob, as RFC 9110 allows.
    Ignored,
    /// A well-formed range outside the blob.
    Unsatisfiable,
}

fn parse_range(value: &str, total: u64) -> RangeRequest {
    let Some(spec) = value.trim().strip_prefix("bytes=") else { return RangeRequest::Ignored };
    if spec.contains(',') {
        return RangeRequest::Ignored;
    }
    let Some((first, last)) = spec.split_once('-') else { return RangeRequest::Ignored };
    let (first, last) = (first.trim(), last.trim());
    let parsed = match (first.is_empty(), last.is_empty()) {
        // Suffix: the last `last` bytes.
        (true, false) => match last.parse::<u64>() {
            Ok(0) => return RangeRequest::Unsatisfiable,
            Ok(n) => (total.saturating_sub(n), total.saturating_sub(1)),
            Err(_) => return RangeRequest::Ignored,
        },
        (false, true) => match first.parse::<u64>() {
            Ok(start) => (start, total.saturating_sub(1)),
            Err(_) => return RangeRequest::Ignored,
        },
        (false, false) => match (first.parse::<u64>(), last.parse::<u64>()) {
            (Ok(start), Ok(end)) if start <= end => (start, end.min(total.saturating_sub(1))),
            _ => return RangeRequest::Ignored,
        },
        (true, true) => return RangeRequest::Ignored,
    };
    if total == 0 || parsed.0 >= total {
        return RangeRequest::Unsatisfiable;
    }
    RangeRequest::Satisfiable(parsed.0, parsed.1)
}

/// The content type of `data` from its first bytes, for blobs without a `content-type`
/// attribute.
pub fn sniff_content_type(data: &[u8]) -> &'static str {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"%PDF-", "application/pdf"),
        (b"PK\x03\x04", "application/zip"),
        (b"\x1f\x8b", "application/gzip"),
        (b"\0asm", "application/wasm"),
    ];
    if let Some((_, content_type)) = SIGNATURES.iter().find(|(magic, _)| data.starts_with(magic)) {
        return content_type;
    }
    if data.len() >= 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        return "image/webp";
    }
    let head = &data[..data.len().min(1024)];
    let text = match std::str::from_utf8(head) {
        Ok(text) => Some(text),
        // A multi-byte character may be cut at the end of the sample.
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).ok(),
        Err(_) => None,
    };
    match text {
        Some(text) if !data.is_empty() && !text.contains('\0') => {
            let trimmed = text.trim_start();
            if trimmed.starts_with("<!DOCTYPE html") || trimmed.starts_with("<html") {
                "text/html; charset=utf-8"
            } else if trimmed.starts_with('{') || trimmed.starts_with('[') {
                "application/json"
            } else if trimmed.starts_with("<svg") || trimmed.starts_with("<?xml") {
                "image/svg+xml"
            } else {
                "text/plain; charset=utf-8"
            }
        }
        _ => "application/octet-stream",
    }
}

async fn metrics(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    let mut out = String::new();
    out.push_str("# HELP walrus_daemon_requests_total Requests by route and status.\n");
    out.push_str("# TYPE walrus_daemon_requests_total counter\n");
    for ((route, status), count) in state.metrics.requests.lock().expect("never poisoned").iter() {
        let _ = writeln!(out, "walrus_daemon_requests_total{{route=\"{route}\",status=\"{status}\"}} {count}");
    }
    for (name, help, value) in [
        ("walrus_daemon_stored_bytes_total", "Blob bytes stored.", &state.metrics.bytes_stored),
        ("walrus_daemon_read_bytes_total", "Blob bytes served.", &state.metrics.bytes_read),
    ] {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}", value.load(Ordering::Relaxed));
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out)
}

async fn openapi(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    Json(openapi_document(&state.config))
}

/// The OpenAPI 3 description of the enabled routes.
pub fn openapi_document(config: &DaemonConfig) -> serde_json::Value {
    use serde_json::json;
    let error = json!({ "description": "error", "content": { "application/json": { "schema": {
        "type": "object", "properties": { "error": { "type": "object", "properties": {
            "code": { "type": "string" }, "message": { "type": "string" } } } } } } } });
    let blob_response = json!({
        "200": { "description": "the blob", "content": { "application/octet-stream": {} } },
        "206": { "description": "the requested range" },
        "304": { "description": "not modified (If-None-Match)" },
        "400": error, "404": error, "416": { "description": "range not satisfiable" }, "503": error
    });
    let mut paths = serde_json::Map::new();
    if config.publisher {
        paths.insert(
            "/v1/blobs".into(),
            json!({ "put": {
                "summary": "Store the request body as a blob",
                "parameters": [
                    { "name": "epochs", "in": "query", "schema": { "type": "integer", "minimum": 1 } },
                    { "name": "deletable", "in": "query", "schema": { "type": "boolean" } },
                    { "name": "permanent", "in": "query", "schema": { "type": "boolean" } },
                    { "name": "force", "in": "query", "schema": { "type": "boolean" } }
                ],
                "requestBody": { "content": { "application/octet-stream": {} } },
                "responses": { "200": { "description": "newlyCreated or alreadyCertified",
                    "content": { "application/json": {} } }, "400": error, "401": error, "413": error, "503": error }
            }}),
        );
    }
    if config.aggregator {
        paths.insert(
            "/v1/blobs/{blob_id}".into(),
            json!({ "get": { "summary": "Read a blob by blob id",
            "parameters": [{ "name": "blob_id", "in": "path", "required": true, "schema": { "type": "string" } }],
            "responses": blob_response.clone() }}),
        );
        paths.insert(
            "/v1/blobs/by-object-id/{object_id}".into(),
            json!({ "get": {
            "summary": "Read a blob by its Blob object id; the content type comes from its `content-type` attribute",
            "parameters": [{ "name": "object_id", "in": "path", "required": true, "schema": { "type": "string" } }],
            "responses": blob_response }}),
        );
    }
    paths.insert("/v1/health".into(), json!({ "get": { "responses": { "200": { "description": "up" } } } }));
    paths.insert("/metrics".into(), json!({ "get": { "responses": { "200": { "description": "Prometheus text" } } } }));
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Walrus publisher and aggregator", "version": env!("CARGO_PKG_VERSION") },
        "paths": paths,
    })
}

/// Sets TCP_NODELAY on an accepted connection: without it, Nagle's algorithm holds a small
/// response back until the client's delayed ACK, tens of milliseconds per request.
fn no_delay(stream: &mut tokio::net::TcpStream) {
    if let Err(e) = stream.set_nodelay(true) {
        tracing::debug!("cannot set TCP_NODELAY on a connection: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100), RangeRequest::Satisfiable(0, 9));
        assert_eq!(parse_range("bytes=90-", 100), RangeRequest::Satisfiable(90, 99));
        assert_eq!(parse_range("bytes=-10", 100), RangeRequest::Satisfiable(90, 99));
        assert_eq!(parse_range("bytes=-1000", 100), RangeRequest::Satisfiable(0, 99));
        assert_eq!(parse_range("bytes=50-1000", 100), RangeRequest::Satisfiable(50, 99));
        assert_eq!(parse_range("bytes=100-", 100), RangeRequest::Unsatisfiable);
        assert_eq!(parse_range("bytes=0-0", 0), RangeRequest::Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 100), RangeRequest::Unsatisfiable);
        assert_eq!(parse_range("bytes=5-2", 100), RangeRequest::Ignored);
        assert_eq!(parse_range("bytes=0-1,5-6", 100), RangeRequest::Ignored);
        assert_eq!(parse_range("items=0-1", 100), RangeRequest::Ignored);
        assert_eq!(parse_range("bytes=x-1", 100), RangeRequest::Ignored);
    }

    #[test]
    fn content_types() {
        assert_eq!(sniff_content_type(b"\x89PNG\r\n\x1a\nrest"), "image/png");
        assert_eq!(sniff_content_type(b"hello world"), "text/plain; charset=utf-8");
        assert_eq!(sniff_content_type(b"{\"a\": 1}"), "application/json");
        assert_eq!(sniff_content_type(b"<!DOCTYPE html><p>"), "text/html; charset=utf-8");
        assert_eq!(sniff_content_type(&[0, 1, 2, 255]), "application/octet-stream");
        assert_eq!(sniff_content_type(b""), "application/octet-stream");
        // A multi-byte character cut by the sample boundary is still text.
        let mut text = vec![b'a'; 1023];
        text.extend_from_slice("é".as_bytes());
        assert_eq!(sniff_content_type(&text), "text/plain; charset=utf-8");
    }

    #[test]
    fn etags() {
        assert!(etag_matches("\"abc\"", "\"abc\""));
        assert!(etag_matches("W/\"abc\", \"x\"", "\"abc\""));
        assert!(etag_matches("*", "\"abc\""));
        assert!(!etag_matches("\"abd\"", "\"abc\""));
    }
}
