//! The node's HTTP API (`docs/node.md`, "API"): uploads with an immediate signed confirmation,
//! sliver and metadata reads, recovery symbols, inconsistency attestations, status, health,
//! the OpenAPI document and Prometheus metrics. Errors are JSON `{code, message}`.

use std::{sync::Arc, sync::atomic::Ordering, time::Duration};

use axum::{
    Json, Router,
    body::{Body, Bytes},
    error_handling::HandleErrorLayer,
    extract::{DefaultBodyLimit, MatchedPath, Path, Query, Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{get, post, put},
};
use futures::StreamExt as _;
use serde::Deserialize;
use tower::{BoxError, ServiceBuilder};
use walrus_core::{
    BlobCommitment, BlobId, EncodingConfig, RecoverySymbol, SliverKind,
    messages::{BlobPersistence, InvalidBlobMessage, StorageConfirmation},
    sliver::verify_sliver,
};

use crate::{
    context::{CommitteeView, NodeContext},
    healing::{SymbolsError, symbols_from_storage},
    state::BlobState,
    storage::{PairData, StorageError, StoredInconsistency},
    wire::{
        BlobStatusResponse, ErrorBody, HealthResponse, InconsistencyRequest, PersistenceQuery, PrimarySliversResponse,
        RegistrationJson, SignedMessage, SliverResponse, UploadParser, UploadPart, upload_body_bytes,
    },
};

/// Bytes an upload body may exceed its exact expected size by before it is refused. The
/// format has no optional parts, so this only absorbs a future header field.
pub const UPLOAD_OVERHEAD_BYTES: u64 = 1024;
/// The largest `POST /v1/inconsistency` body: a proof holds up to `n - f` symbols with proofs;
/// this admits proofs of blobs with symbols up to about 16 KiB at the largest `n`.
pub const MAX_INCONSISTENCY_BODY_BYTES: usize = 64 << 20;
/// How long a request body may stall between two chunks before the request fails.
pub const BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long `/metrics` waits for the chain's latest checkpoint.
const METRICS_CHAIN_TIMEOUT: Duration = Duration::from_secs(2);
/// The content type of BCS bodies.
pub const BCS_CONTENT_TYPE: &str = "application/octet-stream";
/// The largest `POST /v1/shards/{shard}/pairs` body: the ULEB128 count and 32 bytes per blob id.
pub const MAX_SHARD_PAIRS_BODY_BYTES: usize = 8 + 32 * crate::handover::MAX_SHARD_PAIRS_PER_REQUEST;

/// An API error: status, stable code, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The stable code (`docs/node.md`).
    pub code: &'static str,
    /// What was wrong and what to do.
    pub message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into() }
    }

    fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", message)
    }

    fn unavailable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, code, message)
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "storage_error", e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(ErrorBody { code: self.code.to_string(), message: self.message })).into_response()
    }
}

type ApiResult<T> = Result<T, ApiError>;
type Ctx = State<Arc<NodeContext>>;

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| ApiError::internal(format!("a worker task failed: {e}")))
}

fn bcs_response<T: serde::Serialize>(value: &T) -> Response {
    let bytes = bcs::to_bytes(value).expect("responses serialize");
    ([(header::CONTENT_TYPE, HeaderValue::from_static(BCS_CONTENT_TYPE))], bytes).into_response()
}

/// The API's router over `ctx`, with its limits (concurrency, time per request, body stalls).
pub fn router(ctx: Arc<NodeContext>) -> Router {
    let limits = ctx.limits.clone();
    let routes = Router::new()
        .route("/v1/health", get(health))
        .route("/v1/api", get(openapi))
        .route("/metrics", get(metrics))
        .route("/v1/blobs/{blob_id}/slivers", put(upload).layer(DefaultBodyLimit::disable()))
        .route("/v1/blobs/{blob_id}/confirmation", get(confirmation))
        .route("/v1/blobs/{blob_id}/metadata", get(metadata))
        .route("/v1/blobs/{blob_id}/slivers/primary", get(primary_slivers))
        .route("/v1/blobs/{blob_id}/slivers/{pair_index}/{kind}", get(sliver))
        .route("/v1/blobs/{blob_id}/recovery", get(recovery_batch))
        .route("/v1/blobs/{blob_id}/recovery/{pair_index}/{kind}", get(recovery_of_pair))
        .route("/v1/blobs/{blob_id}/inconsistency", get(stored_inconsistency))
        .route("/v1/blobs/{blob_id}/status", get(status))
        .route("/v1/challenges/{epoch}", get(crate::challenge::serve_answer))
        .route("/v1/inconsistency", post(inconsistency).layer(DefaultBodyLimit::max(MAX_INCONSISTENCY_BODY_BYTES)))
        .route("/v1/shards/{shard}/pairs", post(shard_pairs).layer(DefaultBodyLimit::max(MAX_SHARD_PAIRS_BODY_BYTES)))
        .route_layer(middleware::from_fn_with_state(ctx.clone(), track))
        .with_state(ctx);
    routes
        .fallback(|| async {
            ApiError::not_found("no_such_route", "no such route; GET /v1/api lists the routes").into_response()
        })
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(BODY_IDLE_TIMEOUT))
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(overloaded))
                .timeout(limits.request_timeout())
                .concurrency_limit(limits.max_concurrent_requests.max(1)),
        )
}

async fn overloaded(error: BoxError) -> Response {
    if error.is::<tower::timeout::error::Elapsed>() {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            "the request took longer than the node's request timeout; retry, or send large uploads faster",
        )
        .into_response()
    } else {
        ApiError::unavailable("overloaded", format!("the node cannot serve the request now ({error}); retry later"))
            .into_response()
    }
}

/// Counts requests by route and status, and response bytes.
async fn track(State(ctx): Ctx, request: Request, next: Next) -> Response {
    let route =
        request.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
    let response = next.run(request).await;
    ctx.metrics.record_request(&route, response.status().as_u16());
    if let Some(length) = http_body::Body::size_hint(response.body()).exact() {
        ctx.metrics.bytes_out.fetch_add(length, Ordering::Relaxed);
    }
    response
}

fn parse_blob_id(text: &str) -> ApiResult<BlobId> {
    text.parse().map_err(|e: walrus_core::EncodingError| ApiError::bad_request("invalid_blob_id", e.to_string()))
}

fn parse_kind(text: &str) -> ApiResult<SliverKind> {
    match text {
        "primary" => Ok(SliverKind::Primary),
        "secondary" => Ok(SliverKind::Secondary),
        other => Err(ApiError::bad_request(
            "invalid_sliver_kind",
            format!("sliver kind must be `primary` or `secondary`, not `{other}`"),
        )),
    }
}

fn committee(ctx: &NodeContext) -> ApiResult<(CommitteeView, EncodingConfig)> {
    let view = ctx.committee().ok_or_else(|| {
        ApiError::unavailable("committee_unknown", "the node has not learnt the committee from the chain yet; retry")
    })?;
    let config = view.encoding_config().ok_or_else(|| {
        ApiError::unavailable("committee_invalid", "the committee's shard count is outside what the encoding supports")
    })?;
    Ok((view, config))
}

fn own_pairs(view: &CommitteeView) -> ApiResult<Vec<u16>> {
    let shards: Vec<u16> = view.own_shards();
    if shards.is_empty() {
        return Err(ApiError::unavailable(
            "not_in_committee",
            format!("this node holds no shards in epoch {}; ask the committee's members", view.epoch()),
        ));
    }
    Ok(shards)
}

async fn blob_state(ctx: &Arc<NodeContext>, blob_id: BlobId) -> ApiResult<Option<BlobState>> {
    let storage = ctx.storage.clone();
    Ok(blocking(move || storage.blob_state(&blob_id)).await??)
}

/// The blob's state once it is registered and live, waiting up to the registration wait for
/// the follower to apply a registration it has not seen yet.
async fn wait_for_registration(
    ctx: &Arc<NodeContext>,
    blob_id: BlobId,
    persistence: &BlobPersistence,
    epoch: u32,
) -> ApiResult<BlobState> {
    let mut applied = ctx.events_applied.subscribe();
    let deadline = tokio::time::Instant::now() + ctx.limits.registration_wait();
    loop {
        applied.borrow_and_update();
        let state = blob_state(ctx, blob_id).await?;
        if let Some(state) = &state {
            if state.is_invalid() {
                return Err(ApiError::conflict("blob_invalid", format!("blob {blob_id} was proven invalid")));
            }
            if state.has_live_registration(persistence, epoch) {
                return Ok(state.clone());
            }
        }
        if tokio::time::timeout_at(deadline, applied.changed()).await.is_err() {
            let message = match state {
                Some(s) if s.is_live(epoch) => format!(
                    "blob {blob_id} has no live {} registration; register it with this persistence first",
                    persistence_name(persistence)
                ),
                _ => format!(
                    "blob {blob_id} is not registered (or expired) on chain as of epoch {epoch}; \
                     register it, wait for the transaction, then upload"
                ),
            };
            return Err(ApiError::conflict("blob_not_registered", message));
        }
    }
}

fn persistence_name(persistence: &BlobPersistence) -> String {
    match persistence {
        BlobPersistence::Permanent => "permanent".into(),
        BlobPersistence::Deletable { object_id } => format!("deletable (object 0x{})", hex::encode(object_id)),
    }
}

fn parse_persistence(query: &PersistenceQuery) -> ApiResult<BlobPersistence> {
    query.parse().map_err(|e| ApiError::bad_request("invalid_persistence", e))
}

fn sign_confirmation(ctx: &NodeContext, epoch: u32, blob_id: BlobId, persistence: BlobPersistence) -> SignedMessage {
    let message = StorageConfirmation { epoch, blob_id, persistence }.to_bytes();
    let signature = ctx.key.sign(&message);
    ctx.metrics.confirmations_signed.fetch_add(1, Ordering::Relaxed);
    SignedMessage { epoch, signature, message }
}

/// The optional `epoch` query parameter of an upload: the epoch of the committee the uploader
/// cut the body for.
#[derive(Debug, Default, Deserialize)]
struct UploadEpochQuery {
    epoch: Option<u32>,
}

/// The committee for an upload cut for `uploader_epoch`: if the uploader has seen a later epoch
/// than this node (its event follower has not applied the change yet), the committee is read
/// from the chain again; a node still behind answers `committee_unknown` (retried), and an
/// uploader behind the node `wrong_epoch` (its body is cut for the previous holders).
async fn committee_for_upload(
    ctx: &Arc<NodeContext>,
    uploader_epoch: Option<u32>,
) -> ApiResult<(CommitteeView, EncodingConfig)> {
    let (mut view, mut config) = committee(ctx)?;
    let Some(wanted) = uploader_epoch else { return Ok((view, config)) };
    if wanted > view.epoch() {
        if let Err(e) = ctx.refresh_committee().await {
            tracing::debug!("cannot refresh the committee for an upload of epoch {wanted}: {e}");
        }
        (view, config) = committee(ctx)?;
    }
    if wanted > view.epoch() {
        return Err(ApiError::unavailable(
            "committee_unknown",
            format!("this node is at epoch {}, the upload is for epoch {wanted}; retry shortly", view.epoch()),
        ));
    }
    if wanted < view.epoch() {
        return Err(ApiError::conflict(
            "wrong_epoch",
            format!(
                "the upload is cut for epoch {wanted}'s committee, but epoch {} began; read the committee again",
                view.epoch()
            ),
        ));
    }
    Ok((view, config))
}

/// `PUT /v1/blobs/{blob_id}/slivers`: verify and store every pair of the node's shards, then
/// answer with a signed confirmation.
async fn upload(
    State(ctx): Ctx,
    Path(blob_id): Path<String>,
    Query(query): Query<PersistenceQuery>,
    Query(uploader): Query<UploadEpochQuery>,
    request: Request,
) -> ApiResult<Response> {
    let blob_id = parse_blob_id(&blob_id)?;
    let persistence = parse_persistence(&query)?;
    let (view, _) = committee_for_upload(&ctx, uploader.epoch).await?;
    // Refuse early what no registration can make right.
    own_pairs(&view)?;
    let state = wait_for_registration(&ctx, blob_id, &persistence, view.epoch()).await?;
    // The follower may have applied an epoch change while the registration was awaited (it
    // refreshes the committee before applying later events): take the shards of the epoch now
    // current, which is the committee the uploader read.
    let (view, config) = committee(&ctx)?;
    let pairs = own_pairs(&view)?;
    let size = state
        .unencoded_size_bytes
        .ok_or_else(|| ApiError::conflict("blob_not_registered", "the blob's registration (and size) is unknown"))?;
    let layout = config.layout(size).map_err(|e| ApiError::bad_request("invalid_blob_size", e.to_string()))?;
    let limit = upload_body_bytes(&layout, pairs.len()) + UPLOAD_OVERHEAD_BYTES;
    let too_large = |got: u64| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!(
                "the upload body has at least {got} bytes, but {} pairs of this blob take {} bytes; \
                 send exactly this node's pairs {pairs:?}",
                pairs.len(),
                limit - UPLOAD_OVERHEAD_BYTES
            ),
        )
    };
    if let Some(length) = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse().ok())
        && length > limit
    {
        return Err(too_large(length));
    }

    let mut parser = UploadParser::new(layout, pairs.len());
    let mut stream = request.into_body().into_data_stream();
    let mut received = 0u64;
    let mut commitment: Option<BlobCommitment> = None;
    let mut verified: Vec<PairData> = Vec::with_capacity(pairs.len());
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| ApiError::bad_request("body_read_failed", format!("reading the body: {e}")))?;
        received += chunk.len() as u64;
        ctx.metrics.bytes_in.fetch_add(chunk.len() as u64, Ordering::Relaxed);
        if received > limit {
            return Err(too_large(received));
        }
        let parts = parser.feed(&chunk).map_err(|e| ApiError::bad_request("invalid_body", e.to_string()))?;
        for part in parts {
            match part {
                UploadPart::Commitment(c) => {
                    c.verify(&blob_id).map_err(|e| ApiError::bad_request("invalid_commitment", e.to_string()))?;
                    commitment = Some(c);
                }
                UploadPart::Pair(pair) => {
                    let commitment = commitment.expect("the parser yields the commitment first");
                    let expected = pairs[verified.len()];
                    check_pair_index(pair.metadata.pair_index, expected, &pairs)?;
                    let pair = blocking(move || verify_pair(&config, &commitment, pair)).await??;
                    verified.push(pair);
                }
            }
        }
    }
    parser.finish().map_err(|e| ApiError::bad_request("invalid_body", e.to_string()))?;
    let commitment = commitment.expect("finish() checked every frame");

    let storage = ctx.storage.clone();
    let epoch = view.epoch();
    let wanted = persistence;
    let stored = blocking(move || {
        storage.store_pairs(&blob_id, &commitment, &verified, |state| {
            state.is_some_and(|s| s.has_live_registration(&wanted, epoch))
        })
    })
    .await??;
    if !stored {
        return Err(ApiError::conflict(
            "blob_not_registered",
            format!("blob {blob_id} was deleted, expired or invalidated during the upload; nothing was stored"),
        ));
    }
    ctx.metrics.slivers_uploaded.fetch_add(2 * pairs.len() as u64, Ordering::Relaxed);
    // The slivers are durable (synced batch) before this signature exists.
    Ok(Json(sign_confirmation(&ctx, epoch, blob_id, persistence).to_json()).into_response())
}

fn check_pair_index(got: u16, expected: u16, pairs: &[u16]) -> ApiResult<()> {
    if got == expected {
        return Ok(());
    }
    if pairs.contains(&got) {
        Err(ApiError::bad_request(
            "missing_pair",
            format!("pair {got} arrived where pair {expected} was due; send every pair of {pairs:?} once, ascending"),
        ))
    } else {
        Err(ApiError::bad_request(
            "wrong_shard",
            format!("pair {got} is not one of this node's shards {pairs:?}; send it to the node holding shard {got}"),
        ))
    }
}

/// Checks a pair's metadata against the commitment and its slivers against the pair's roots.
fn verify_pair(config: &EncodingConfig, commitment: &BlobCommitment, pair: PairData) -> ApiResult<PairData> {
    let index = usize::from(pair.metadata.pair_index);
    pair.metadata
        .verify(config, commitment)
        .map_err(|e| ApiError::bad_request("invalid_pair_metadata", format!("pair {index}: {e}")))?;
    let layout = config.layout(commitment.unencoded_size_bytes).map_err(|e| ApiError::internal(e.to_string()))?;
    let invalid = |e: walrus_core::EncodingError| ApiError::bad_request("invalid_sliver", format!("pair {index}: {e}"));
    verify_sliver(&layout, SliverKind::Primary, index, &pair.primary, &pair.metadata.roots.primary).map_err(invalid)?;
    let secondary_index = config.secondary_index_of_pair(index);
    verify_sliver(&layout, SliverKind::Secondary, secondary_index, &pair.secondary, &pair.metadata.roots.secondary)
        .map_err(invalid)?;
    Ok(pair)
}

/// The node's pairs of `blob_id` that are stored, after checking the blob is live.
async fn stored_pairs(ctx: &Arc<NodeContext>, blob_id: BlobId, view: &CommitteeView) -> ApiResult<Vec<u16>> {
    let state = blob_state(ctx, blob_id).await?;
    if !state.as_ref().is_some_and(|s| s.is_live(view.epoch())) {
        return Err(ApiError::not_found(
            "blob_not_found",
            format!("blob {blob_id} is not registered, expired, deleted or invalid as of epoch {}", view.epoch()),
        ));
    }
    let storage = ctx.storage.clone();
    // Lost shards are served until they are dropped: their new holders fetch them, readers of
    // the previous committee still ask.
    let shards = ctx.served_shards(view);
    blocking(move || -> Result<Vec<u16>, StorageError> {
        let mut out = Vec::new();
        for p in shards {
            if storage.has_pair(&blob_id, p)? {
                out.push(p);
            }
        }
        Ok(out)
    })
    .await?
    .map_err(Into::into)
}

async fn stored_commitment(ctx: &Arc<NodeContext>, blob_id: BlobId) -> ApiResult<BlobCommitment> {
    let storage = ctx.storage.clone();
    blocking(move || storage.commitment(&blob_id)).await??.ok_or_else(|| {
        ApiError::not_found("blob_not_stored", format!("this node stores no metadata of blob {blob_id}"))
    })
}

/// `GET /v1/blobs/{blob_id}/confirmation`.
async fn confirmation(
    State(ctx): Ctx,
    Path(blob_id): Path<String>,
    Query(query): Query<PersistenceQuery>,
) -> ApiResult<Response> {
    let blob_id = parse_blob_id(&blob_id)?;
    let persistence = parse_persistence(&query)?;
    let (view, _) = committee(&ctx)?;
    let pairs = own_pairs(&view)?;
    let state = blob_state(&ctx, blob_id).await?;
    if !state.as_ref().is_some_and(|s| s.has_live_registration(&persistence, view.epoch())) {
        return Err(ApiError::conflict(
            "blob_not_registered",
            format!("blob {blob_id} has no live {} registration", persistence_name(&persistence)),
        ));
    }
    let stored: Vec<u16> =
        stored_pairs(&ctx, blob_id, &view).await?.into_iter().filter(|p| pairs.contains(p)).collect();
    if stored != pairs {
        return Err(ApiError::not_found(
            "blob_not_stored",
            format!(
                "this node stores pairs {stored:?} of blob {blob_id}, not all of its shards {pairs:?}; upload them"
            ),
        ));
    }
    Ok(Json(sign_confirmation(&ctx, view.epoch(), blob_id, persistence).to_json()).into_response())
}

/// `GET /v1/blobs/{blob_id}/metadata`: the BCS commitment.
async fn metadata(State(ctx): Ctx, Path(blob_id): Path<String>) -> ApiResult<Response> {
    let blob_id = parse_blob_id(&blob_id)?;
    let (view, _) = committee(&ctx)?;
    let state = blob_state(&ctx, blob_id).await?;
    if !state.as_ref().is_some_and(|s| s.is_live(view.epoch())) {
        return Err(ApiError::not_found("blob_not_found", format!("blob {blob_id} is not live on this node")));
    }
    Ok(bcs_response(&stored_commitment(&ctx, blob_id).await?))
}

/// `GET /v1/blobs/{blob_id}/slivers/{pair_index}/{kind}`.
async fn sliver(
    State(ctx): Ctx,
    Path((blob_id, pair_index, kind)): Path<(String, u16, String)>,
) -> ApiResult<Response> {
    let blob_id = parse_blob_id(&blob_id)?;
    let kind = parse_kind(&kind)?;
    let (view, _) = committee(&ctx)?;
    let stored = stored_pairs(&ctx, blob_id, &view).await?;
    if !stored.contains(&pair_index) {
        return Err(ApiError::not_found(
            "sliver_not_found",
            format!("this node does not store pair {pair_index} of blob {blob_id} (it stores {stored:?})"),
        ));
    }
    let commitment = stored_commitment(&ctx, blob_id).await?;
    let storage = ctx.storage.clone();
    let pair = blocking(move || storage.pair(&blob_id, pair_index))
        .await??
        .ok_or_else(|| ApiError::not_found("sliver_not_found", "the pair was removed meanwhile"))?;
    let sliver = match kind {
        SliverKind::Primary => pair.primary,
        SliverKind::Secondary => pair.secondary,
    };
    Ok(bcs_response(&SliverResponse { commitment, pair: pair.metadata, kind, sliver }))
}

/// Query of the primary slivers route.
#[derive(Debug, Default, Deserialize)]
struct PrimarySliversQuery {
    /// Only the pair metadata, with empty slivers: a reader that has enough slivers from other
    /// nodes still needs `n - f` verified roots.
    #[serde(default)]
    metadata_only: bool,
}

/// `GET /v1/blobs/{blob_id}/slivers/primary`: every primary sliver the node stores (or only
/// their pair metadata).
async fn primary_slivers(
    State(ctx): Ctx,
    Path(blob_id): Path<String>,
    Query(query): Query<PrimarySliversQuery>,
) -> ApiResult<Response> {
    let blob_id = parse_blob_id(&blob_id)?;
    let (view, _) = committee(&ctx)?;
    let stored = stored_pairs(&ctx, blob_id, &view).await?;
    if stored.is_empty() {
        return Err(ApiError::not_found("sliver_not_found", format!("this node stores no sliver of blob {blob_id}")));
    }
    let commitment = stored_commitment(&ctx, blob_id).await?;
    let storage = ctx.storage.clone();
    let slivers = blocking(move || -> Result<Vec<_>, StorageError> {
        let mut out = Vec::new();
        for p in stored {
            if let Some(pair) = storage.pair(&blob_id, p)? {
                let sliver = if query.metadata_only { Vec::new() } else { pair.primary };
                out.push((pair.metadata, sliver));
            }
        }
        Ok(out)
    })
    .await??;
    Ok(bcs_response(&PrimarySliversResponse { commitment, slivers }))
}

/// Query of the batched recovery route.
#[derive(Debug, Default, Deserialize)]
struct RecoveryBatchQuery {
    /// Comma-separated positions to take from each of the node's primary slivers.
    from_primary: Option<String>,
    /// Comma-separated positions to take from each of the node's secondary slivers.
    from_secondary: Option<String>,
}

/// Query of the per-pair recovery route.
#[derive(Debug, Default, Deserialize)]
struct RecoveryTargetQuery {
    /// Comma-separated target positions.
    target: Option<String>,
}

fn parse_positions(text: Option<&str>, n: usize) -> ApiResult<Vec<usize>> {
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for item in text.split(',') {
        let position: usize = item.trim().parse().map_err(|_| {
            ApiError::bad_request("invalid_target", format!("`{item}` is not a sliver index; use e.g. target=0,5"))
        })?;
        if position >= n {
            return Err(ApiError::bad_request(
                "invalid_target",
                format!("target {position} is out of range: the blob has {n} slivers of each kind"),
            ));
        }
        if !out.contains(&position) {
            out.push(position);
        }
    }
    Ok(out)
}

/// Produces the recovery symbols of the node's stored slivers: for each `(kind, targets)`, the
/// symbols at `targets` of every stored sliver of that kind among `pairs`.
async fn produce_symbols(
    ctx: &Arc<NodeContext>,
    blob_id: BlobId,
    config: EncodingConfig,
    pairs: Vec<u16>,
    requests: Vec<(SliverKind, Vec<usize>)>,
) -> ApiResult<Vec<RecoverySymbol>> {
    let commitment = stored_commitment(ctx, blob_id).await?;
    let storage = ctx.storage.clone();
    let symbols = blocking(move || -> ApiResult<Vec<RecoverySymbol>> {
        let layout = config.layout(commitment.unencoded_size_bytes).map_err(|e| ApiError::internal(e.to_string()))?;
        symbols_from_storage(&storage, &blob_id, &layout, &pairs, &requests).map_err(|e| match e {
            SymbolsError::Target(e) => ApiError::bad_request("invalid_target", e.to_string()),
            other => ApiError::internal(other.to_string()),
        })
    })
    .await??;
    ctx.metrics.recovery_symbols_served.fetch_add(symbols.len() as u64, Ordering::Relaxed);
    Ok(symbols)
}

/// `GET /v1/blobs/{blob_id}/recovery?from_primary=..&from_secondary=..`: symbols of all the
/// node's slivers of a blob in one response.
async fn recovery_batch(
    State(ctx): Ctx,
    Path(blob_id): Path<String>,
    Query(query): Query<RecoveryBatchQuery>,
) -> ApiResult<Response> {
    let blob_id = parse_blob_id(&blob_id)?;
    let (view, config) = committee(&ctx)?;
    let from_primary = parse_positions(query.from_primary.as_deref(), config.n())?;
    let from_secondary = parse_positions(query.from_secondary.as_deref(), config.n())?;
    let stored = stored_pairs(&ctx, blob_id, &view).await?;
    if stored.is_empty() {
        return Err(ApiError::not_found("sliver_not_found", format!("this node stores no sliver of blob {blob_id}")));
    }
    let requests = vec![(SliverKind::Primary, from_primary), (SliverKind::Secondary, from_secondary)];
    Ok(bcs_response(&produce_symbols(&ctx, blob_id, config, stored, requests).await?))
}

/// `GET /v1/blobs/{blob_id}/recovery/{pair_index}/{kind}?target=..`: symbols of one sliver.
async fn recovery_of_pair(
    State(ctx): Ctx,
    Path((blob_id, pair_index, kind)): Path<(String, u16, String)>,
    Query(query): Query<RecoveryTargetQuery>,
) -> ApiResult<Response> {
    let blob_id = parse_blob_id(&blob_id)?;
    let kind = parse_kind(&kind)?;
    let (view, config) = committee(&ctx)?;
    let targets = parse_positions(query.target.as_deref(), config.n())?;
    if targets.is_empty() {
        return Err(ApiError::bad_request("invalid_target", "give the positions to serve, e.g. ?target=3,4"));
    }
    let stored = stored_pairs(&ctx, blob_id, &view).await?;
    if !stored.contains(&pair_index) {
        return Err(ApiError::not_found(
            "sliver_not_found",
            format!("this node does not store pair {pair_index} of blob {blob_id}"),
        ));
    }
    Ok(bcs_response(&produce_symbols(&ctx, blob_id, config, vec![pair_index], vec![(kind, targets)]).await?))
}

/// `POST /v1/inconsistency`: verify a proof, keep it, and sign an invalid-blob attestation.
async fn inconsistency(State(ctx): Ctx, body: Bytes) -> ApiResult<Response> {
    ctx.metrics.bytes_in.fetch_add(body.len() as u64, Ordering::Relaxed);
    let request: InconsistencyRequest = bcs::from_bytes(&body).map_err(|e| {
        ApiError::bad_request("invalid_body", format!("the body is not a BCS InconsistencyRequest: {e}"))
    })?;
    let (view, config) = committee(&ctx)?;
    let blob_id = request.blob_id;
    request.commitment.verify(&blob_id).map_err(|e| ApiError::bad_request("invalid_commitment", e.to_string()))?;
    let InconsistencyRequest { commitment, proof, .. } = request;
    let proof = blocking(move || proof.verify(&config, &commitment).map(|()| proof))
        .await?
        .map_err(|e| ApiError::bad_request("invalid_proof", format!("the inconsistency proof does not hold: {e}")))?;
    ctx.metrics.inconsistency_proofs.fetch_add(1, Ordering::Relaxed);
    let storage = ctx.storage.clone();
    blocking(move || storage.store_inconsistency(&blob_id, &StoredInconsistency { commitment, proof })).await??;
    let epoch = view.epoch();
    let message = InvalidBlobMessage { epoch, blob_id }.to_bytes();
    let signature = ctx.key.sign(&message);
    Ok(Json(SignedMessage { epoch, signature, message }.to_json()).into_response())
}

/// `GET /v1/blobs/{blob_id}/inconsistency`: a kept proof (BCS `InconsistencyRequest`).
async fn stored_inconsistency(State(ctx): Ctx, Path(blob_id): Path<String>) -> ApiResult<Response> {
    let blob_id = parse_blob_id(&blob_id)?;
    let storage = ctx.storage.clone();
    let stored = blocking(move || storage.inconsistency(&blob_id)).await??.ok_or_else(|| {
        ApiError::not_found(
            "no_inconsistency_proof",
            format!("this node knows no inconsistency proof of blob {blob_id}"),
        )
    })?;
    Ok(bcs_response(&InconsistencyRequest { blob_id, commitment: stored.commitment, proof: stored.proof }))
}

/// `POST /v1/shards/{shard}/pairs`: the stored pairs of `shard` of the requested blobs, for the
/// node taking the shard over (`docs/node.md` §8), bounded in count and size.
async fn shard_pairs(State(ctx): Ctx, Path(shard): Path<u16>, body: Bytes) -> ApiResult<Response> {
    use crate::{
        handover::{MAX_SHARD_PAIRS_PER_REQUEST, MAX_SHARD_PAIRS_RESPONSE_BYTES},
        wire::{ShardPair, ShardPairsRequest, ShardPairsResponse},
    };
    ctx.metrics.bytes_in.fetch_add(body.len() as u64, Ordering::Relaxed);
    let request: ShardPairsRequest = bcs::from_bytes(&body)
        .map_err(|e| ApiError::bad_request("invalid_body", format!("the body is not a BCS ShardPairsRequest: {e}")))?;
    if request.blob_ids.len() > MAX_SHARD_PAIRS_PER_REQUEST {
        return Err(ApiError::bad_request(
            "invalid_body",
            format!(
                "{} blob ids requested; ask for at most {MAX_SHARD_PAIRS_PER_REQUEST} per request",
                request.blob_ids.len()
            ),
        ));
    }
    let (view, config) = committee(&ctx)?;
    if usize::from(shard) >= config.n() {
        return Err(ApiError::bad_request(
            "wrong_shard",
            format!("shard {shard} does not exist: the system has {} shards", config.n()),
        ));
    }
    if !ctx.served_shards(&view).contains(&shard) {
        return Err(ApiError::not_found(
            "shard_not_held",
            format!("this node does not hold shard {shard} (any more); ask its holder or recover the slivers"),
        ));
    }
    let epoch = view.epoch();
    let storage = ctx.storage.clone();
    let response = blocking(move || -> Result<ShardPairsResponse, StorageError> {
        let mut pairs = Vec::new();
        let mut bytes = 0usize;
        let mut examined = 0u32;
        for blob_id in request.blob_ids {
            if bytes >= MAX_SHARD_PAIRS_RESPONSE_BYTES {
                break;
            }
            examined += 1;
            if !storage.blob_state(&blob_id)?.is_some_and(|s| s.is_live(epoch)) {
                continue;
            }
            let (Some(commitment), Some(pair)) = (storage.commitment(&blob_id)?, storage.pair(&blob_id, shard)?) else {
                continue;
            };
            bytes += pair.primary.len() + pair.secondary.len();
            pairs.push(ShardPair {
                blob_id,
                commitment,
                pair: pair.metadata,
                primary: pair.primary,
                secondary: pair.secondary,
            });
        }
        Ok(ShardPairsResponse { pairs, examined })
    })
    .await??;
    ctx.metrics.handover_pairs_served.fetch_add(response.pairs.len() as u64, Ordering::Relaxed);
    Ok(bcs_response(&response))
}

/// `GET /v1/blobs/{blob_id}/status`.
async fn status(State(ctx): Ctx, Path(blob_id): Path<String>) -> ApiResult<Response> {
    let blob_id = parse_blob_id(&blob_id)?;
    let (view, _) = committee(&ctx)?;
    let epoch = view.epoch();
    let state = blob_state(&ctx, blob_id).await?.unwrap_or_default();
    let storage = ctx.storage.clone();
    let shards = view.own_shards();
    let (stored, missing) = blocking(move || -> Result<(Vec<u16>, Vec<u16>), StorageError> {
        let (mut stored, mut missing) = (Vec::new(), Vec::new());
        for p in shards {
            if storage.has_pair(&blob_id, p)? { stored.push(p) } else { missing.push(p) }
        }
        Ok((stored, missing))
    })
    .await??;
    let live = state.is_live(epoch);
    Ok(Json(BlobStatusResponse {
        blob_id: blob_id.to_string(),
        epoch,
        status: state.status(epoch),
        end_epoch: state.end_epoch(epoch),
        registrations: state
            .registrations
            .iter()
            .map(|(id, r)| RegistrationJson {
                object_id: format!("0x{}", hex::encode(id.0)),
                end_epoch: r.end_epoch,
                deletable: r.deletable,
                certified_epoch: r.certified_epoch,
                deleted: r.deleted,
            })
            .collect(),
        stored_pairs: stored,
        missing_pairs: if live { missing } else { Vec::new() },
    })
    .into_response())
}

/// `GET /v1/health`.
async fn health(State(ctx): Ctx) -> ApiResult<Response> {
    let view = ctx.committee();
    let storage = ctx.storage.clone();
    let cursor = blocking(move || storage.event_cursor()).await??;
    use base64::Engine as _;
    Ok(Json(HealthResponse {
        status: "ok".into(),
        node_id: format!("0x{}", hex::encode(ctx.node_id.0)),
        public_key: base64::engine::general_purpose::STANDARD.encode(ctx.key.public_key()),
        epoch: view.as_ref().map(CommitteeView::epoch),
        shards: view.map(|v| v.own_shards()).unwrap_or_default(),
        event_cursor: cursor.map(|c| c.to_string()),
    })
    .into_response())
}

/// `GET /v1/api`: the OpenAPI document.
async fn openapi() -> Response {
    Json(crate::openapi::document()).into_response()
}

/// `GET /metrics`.
async fn metrics(State(ctx): Ctx) -> ApiResult<Response> {
    let storage = ctx.storage.clone();
    let stored = blocking(move || storage.estimated_sliver_count()).await?;
    let latest =
        tokio::time::timeout(METRICS_CHAIN_TIMEOUT, ctx.chain.latest_checkpoint()).await.ok().and_then(Result::ok);
    let text = ctx.metrics.render(stored, latest);
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4"))], Body::from(text))
        .into_response())
}
