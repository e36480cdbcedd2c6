//! Self-healing: a background task that rebuilds the slivers of the node's shards it lacks for
//! every certified live blob (missed upload, wiped disk), from other nodes' recovery symbols.
//!
//! Per blob, the node asks every other committee member once for all the symbols it needs
//! (`GET /v1/blobs/{id}/recovery`), verifies each symbol against the commitment, and rebuilds
//! each missing pair: with the core's `recover_sliver` when it still has the pair's metadata,
//! otherwise by decoding and rebuilding the pair's roots and proof (`crate::codec`). If the
//! symbols prove the blob inconsistent, the node keeps the proof, collects invalid-blob
//! attestations from the other nodes until more than a third of the shards signed, aggregates
//! them and submits the certificate to the chain.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, atomic::Ordering},
    time::Duration,
};

use futures::{StreamExt as _, stream};
use tokio::{sync::watch, time::Instant};
use walrus_core::{
    BlobCommitment, BlobId, EncodingConfig, ExpandedSliver, InconsistencyProof, Recovered, RecoverySymbol, SliverKind,
    SliverPairMetadata, SliverPairRoots,
    config::BlobLayout,
    messages::{InvalidBlobMessage, PUBLIC_KEY_BYTES, SIGNATURE_BYTES, aggregate_signatures},
    recover_sliver,
    sliver::sliver_roots,
};

use crate::{
    client::{ClientError, verify_signed},
    codec::{CodecError, PairTree, decode_from_symbols},
    context::{CommitteeView, NodeContext},
    storage::{PairData, Storage, StorageError, StoredInconsistency},
};

/// Requests to other nodes in flight at once while recovering one blob.
pub const MAX_PEER_REQUESTS_PER_BLOB: usize = 16;
/// Attempts per request to another node before giving up on it for this round.
pub const PEER_REQUEST_ATTEMPTS: u32 = 3;
/// Wait before the first retry of a request to another node; doubled per retry.
pub const PEER_RETRY_DELAY: Duration = Duration::from_millis(200);
/// Wait before retrying a blob whose recovery failed; doubled per failure up to
/// [`MAX_BLOB_RETRY_DELAY`].
pub const BLOB_RETRY_DELAY: Duration = Duration::from_secs(1);
/// The longest wait between two recovery attempts of one blob.
pub const MAX_BLOB_RETRY_DELAY: Duration = Duration::from_secs(300);
/// After submitting an invalid-blob certificate, how long to wait for the chain's event before
/// submitting again.
pub const INVALIDATION_RESUBMIT_DELAY: Duration = Duration::from_secs(60);
/// Slivers of other pairs tried as targets when the node's own lost pair turns out inconsistent
/// but cannot itself be proven so (its committed roots were lost with it).
pub const MAX_INCONSISTENCY_PROBES: usize = 16;

/// Why healing a blob failed (it is retried with backoff).
#[derive(Debug, thiserror::Error)]
pub enum HealError {
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// No other node served the blob's commitment.
    #[error("no other node served the commitment of blob {0}")]
    NoCommitment(BlobId),
    /// Not enough symbols or pair metadata to rebuild.
    #[error("cannot rebuild pair {pair} of blob {blob_id}: {reason}")]
    NotEnough {
        /// The blob.
        blob_id: BlobId,
        /// The pair.
        pair: u16,
        /// Why.
        reason: String,
    },
    /// The node's lost pair does not match the commitment, and no probe found a provable target.
    #[error("blob {0} is inconsistent at this node's pairs, but no inconsistency proof was found yet")]
    UnprovableInconsistency(BlobId),
    /// Too few nodes attested that the blob is invalid.
    #[error(
        "only {signer_shards} of {n_shards} shards attested that blob {blob_id} is invalid; more than a third are needed"
    )]
    NotEnoughAttestations {
        /// The blob.
        blob_id: BlobId,
        /// Shards that signed.
        signer_shards: u64,
        /// All shards.
        n_shards: u16,
    },
    /// Submitting the certificate failed.
    #[error("submitting the invalid-blob certificate failed: {0}")]
    Chain(#[from] crate::chain::ChainError),
    /// A core operation failed unexpectedly.
    #[error("{0}")]
    Encoding(#[from] walrus_core::EncodingError),
    /// A worker task failed.
    #[error("a worker task failed: {0}")]
    Worker(String),
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, HealError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| HealError::Worker(e.to_string()))
}

/// The recovery symbols of the stored slivers of `pairs`: for each `(kind, targets)`, the
/// symbols at `targets` of each stored sliver of that kind. Shared by the API and the healer.
pub fn symbols_from_storage(
    storage: &Storage,
    blob_id: &BlobId,
    layout: &BlobLayout,
    pairs: &[u16],
    requests: &[(SliverKind, Vec<usize>)],
) -> Result<Vec<RecoverySymbol>, SymbolsError> {
    let config = layout.config();
    let mut out = Vec::new();
    for &p in pairs {
        let Some(pair) = storage.pair(blob_id, p)? else { continue };
        for (kind, targets) in requests {
            if targets.is_empty() {
                continue;
            }
            let (index, sliver) = match kind {
                SliverKind::Primary => (usize::from(p), &pair.primary),
                SliverKind::Secondary => (config.secondary_index_of_pair(usize::from(p)), &pair.secondary),
            };
            let expanded = ExpandedSliver::new(layout, *kind, index, sliver).map_err(SymbolsError::Corrupt)?;
            for &target in targets {
                out.push(RecoverySymbol::produce(&expanded, &pair.metadata, target).map_err(SymbolsError::Target)?);
            }
        }
    }
    Ok(out)
}

/// Why symbols could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum SymbolsError {
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A stored sliver does not fit the blob's layout.
    #[error("a stored sliver does not expand: {0}; the database is corrupt")]
    Corrupt(walrus_core::EncodingError),
    /// A target is out of range.
    #[error("{0}")]
    Target(walrus_core::EncodingError),
}

/// Per-blob retry bookkeeping.
struct Backoff {
    failures: u32,
    next_attempt: Instant,
}

/// Runs the healer until `shutdown` turns true.
pub async fn run_healer(ctx: Arc<NodeContext>, mut shutdown: watch::Receiver<bool>) {
    let mut backoff: HashMap<BlobId, Backoff> = HashMap::new();
    loop {
        if *shutdown.borrow() {
            return;
        }
        if let Err(e) = heal_pass(&ctx, &mut backoff).await {
            tracing::warn!("healing pass failed: {e}");
        }
        tokio::select! {
            _ = tokio::time::sleep(ctx.limits.healing_interval()) => {}
            _ = ctx.heal_wakeup.notified() => {}
            _ = shutdown.changed() => return,
        }
    }
}

enum Work {
    Recover(BlobId, Vec<u16>),
    Invalidate(BlobId, StoredInconsistency),
}

/// One scan: every certified live blob whose pairs the node lacks is recovered (bounded
/// concurrency), every kept inconsistency proof not yet acted on by the chain is submitted.
async fn heal_pass(ctx: &Arc<NodeContext>, backoff: &mut HashMap<BlobId, Backoff>) -> Result<(), HealError> {
    let Some(view) = ctx.committee() else { return Ok(()) };
    let Some(config) = view.encoding_config() else { return Ok(()) };
    // Shards the node gains at an epoch change are fetched by the handover; until it has
    // planned this epoch's, the node does not know which those are.
    if !ctx.handover.is_planned(view.epoch()) {
        return Ok(());
    }
    let syncing = ctx.handover.syncing();
    let own: Vec<u16> = view.own_shards().into_iter().filter(|shard| !syncing.contains(shard)).collect();
    if own.is_empty() {
        return Ok(());
    }
    let epoch = view.epoch();
    let storage = ctx.storage.clone();
    let work = blocking(move || -> Result<Vec<Work>, StorageError> {
        let mut work = Vec::new();
        for (blob_id, state) in storage.blob_states()? {
            if !state.is_certified(epoch) {
                continue;
            }
            if let Some(stored) = storage.inconsistency(&blob_id)? {
                work.push(Work::Invalidate(blob_id, stored));
                continue;
            }
            let mut missing = Vec::new();
            for &p in &own {
                if !storage.has_pair(&blob_id, p)? {
                    missing.push(p);
                }
            }
            if !missing.is_empty() {
                work.push(Work::Recover(blob_id, missing));
            }
        }
        Ok(work)
    })
    .await??;
    let pending: usize = work.iter().map(|w| if let Work::Recover(_, m) = w { m.len() } else { 0 }).sum();
    ctx.metrics.recoveries_pending.store(pending as u64, Ordering::Relaxed);
    let now = Instant::now();
    backoff.retain(|id, _| work.iter().any(|w| matches!(w, Work::Recover(b, _) | Work::Invalidate(b, _) if b == id)));
    let due: Vec<Work> = work
        .into_iter()
        .filter(|w| {
            let (Work::Recover(id, _) | Work::Invalidate(id, _)) = w;
            backoff.get(id).is_none_or(|b| b.next_attempt <= now)
        })
        .collect();
    let results: Vec<(BlobId, bool, Result<usize, HealError>)> = stream::iter(due)
        .map(|w| {
            let ctx = ctx.clone();
            let view = view.clone();
            async move {
                match w {
                    Work::Recover(id, missing) => (id, false, heal_blob(&ctx, &view, config, id, missing).await),
                    Work::Invalidate(id, stored) => (
                        id,
                        true,
                        submit_invalidation(&ctx, &view, id, &stored.commitment, &stored.proof).await.map(|()| 0),
                    ),
                }
            }
        })
        .buffer_unordered(ctx.limits.max_concurrent_recoveries.max(1))
        .collect()
        .await;
    for (blob_id, invalidation, result) in results {
        match result {
            Ok(rebuilt) => {
                ctx.metrics.recoveries_done.fetch_add(rebuilt as u64, Ordering::Relaxed);
                if invalidation {
                    backoff.insert(
                        blob_id,
                        Backoff { failures: 0, next_attempt: Instant::now() + INVALIDATION_RESUBMIT_DELAY },
                    );
                } else {
                    backoff.remove(&blob_id);
                }
            }
            Err(e) => {
                ctx.metrics.recoveries_failed.fetch_add(1, Ordering::Relaxed);
                let entry = backoff.entry(blob_id).or_insert(Backoff { failures: 0, next_attempt: now });
                entry.failures += 1;
                let delay = BLOB_RETRY_DELAY.saturating_mul(1 << entry.failures.min(16)).min(MAX_BLOB_RETRY_DELAY);
                entry.next_attempt = Instant::now() + delay;
                tracing::warn!(
                    "healing blob {blob_id} failed (attempt {}): {e}; retrying in {delay:?}",
                    entry.failures
                );
            }
        }
    }
    Ok(())
}

/// Retries `f` a few times with a doubling delay.
async fn with_retries<T, F, Fut>(mut f: F) -> Result<T, ClientError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ClientError>>,
{
    let mut delay = PEER_RETRY_DELAY;
    let mut attempt = 1;
    loop {
        match f().await {
            Ok(value) => return Ok(value),
            // An API answer (404, 400) will not change on retry; a transport error may.
            Err(e @ ClientError::Transport { .. }) if attempt < PEER_REQUEST_ATTEMPTS => {
                tracing::debug!("retrying after {e}");
            }
            Err(e) => return Err(e),
        }
        tokio::time::sleep(delay).await;
        delay *= 2;
        attempt += 1;
    }
}

/// The other members of the committee: `(member index, network address)`.
fn peers(view: &CommitteeView) -> Vec<(usize, String)> {
    view.current
        .committee
        .members
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != view.own_index)
        .map(|(i, m)| (i, m.network_address.clone()))
        .collect()
}

/// The commitment, from the database or the first other node that serves a valid one.
async fn commitment_of(
    ctx: &Arc<NodeContext>,
    view: &CommitteeView,
    blob_id: BlobId,
) -> Result<BlobCommitment, HealError> {
    let storage = ctx.storage.clone();
    if let Some(commitment) = blocking(move || storage.commitment(&blob_id)).await?? {
        return Ok(commitment);
    }
    for (_, address) in peers(view) {
        let Ok(client) = ctx.client(&address) else { continue };
        match with_retries(|| client.metadata(&blob_id)).await {
            Ok(commitment) => return Ok(commitment),
            Err(e) => tracing::debug!("no commitment of {blob_id} from {address}: {e}"),
        }
    }
    Err(HealError::NoCommitment(blob_id))
}

/// Recovery symbols from every other node (one request each) and from the node's own stored
/// pairs, verified against the commitment.
async fn gather_symbols(
    ctx: &Arc<NodeContext>,
    view: &CommitteeView,
    blob_id: BlobId,
    commitment: BlobCommitment,
    layout: BlobLayout,
    from_primary: Vec<u16>,
    from_secondary: Vec<u16>,
) -> Result<Vec<RecoverySymbol>, HealError> {
    let remote: Vec<Vec<RecoverySymbol>> = stream::iter(peers(view))
        .map(|(_, address)| {
            let (from_primary, from_secondary) = (from_primary.clone(), from_secondary.clone());
            async move {
                let client = ctx.client(&address).ok()?;
                match with_retries(|| client.recovery_symbols(&blob_id, &from_primary, &from_secondary)).await {
                    Ok(symbols) => Some(symbols),
                    Err(e) => {
                        tracing::debug!("no recovery symbols of {blob_id} from {address}: {e}");
                        None
                    }
                }
            }
        })
        .buffer_unordered(MAX_PEER_REQUESTS_PER_BLOB)
        .filter_map(|x| async move { x })
        .collect()
        .await;
    let storage = ctx.storage.clone();
    let own: Vec<u16> = view.own_shards();
    blocking(move || -> Result<Vec<RecoverySymbol>, HealError> {
        let requests = [
            (SliverKind::Primary, from_primary.iter().map(|&t| usize::from(t)).collect()),
            (SliverKind::Secondary, from_secondary.iter().map(|&t| usize::from(t)).collect()),
        ];
        let local = symbols_from_storage(&storage, &blob_id, &layout, &own, &requests)
            .map_err(|e| HealError::Worker(e.to_string()))?;
        let mut symbols: Vec<RecoverySymbol> = local;
        symbols.extend(remote.into_iter().flatten().filter(|s| s.verify(&layout, &commitment).is_ok()));
        // Senders in ascending order, so that every node decodes from the same symbols.
        symbols.sort_by_key(|s| (s.target_index, s.source_kind == SliverKind::Secondary, s.source_index));
        symbols.dedup_by_key(|s| (s.target_index, s.source_kind == SliverKind::Secondary, s.source_index));
        Ok(symbols)
    })
    .await?
}

/// What rebuilding one lost pair gave.
enum Rebuilt {
    Pair(PairData),
    Inconsistent(InconsistencyProof),
    /// The rebuilt pair does not match the commitment, but the node cannot prove it with its
    /// own pair (its committed roots are gone).
    Mismatch,
}

/// Rebuilds `pairs` of `blob_id` from other nodes' recovery symbols and stores them (while the
/// blob is certified), as the healer does; returns how many were rebuilt. The shard handover's
/// fallback when a shard's previous holder cannot give a pair.
pub async fn recover_pairs(
    ctx: &Arc<NodeContext>,
    view: &CommitteeView,
    blob_id: BlobId,
    pairs: Vec<u16>,
) -> Result<usize, HealError> {
    let config = view.encoding_config().ok_or_else(|| {
        HealError::Worker(format!("the committee of epoch {} has an unsupported shard count", view.epoch()))
    })?;
    heal_blob(ctx, view, config, blob_id, pairs).await
}

/// Recovers the missing pairs of one blob; returns how many were rebuilt.
async fn heal_blob(
    ctx: &Arc<NodeContext>,
    view: &CommitteeView,
    config: EncodingConfig,
    blob_id: BlobId,
    missing: Vec<u16>,
) -> Result<usize, HealError> {
    let commitment = commitment_of(ctx, view, blob_id).await?;
    let layout = config.layout(commitment.unencoded_size_bytes)?;
    let n = config.n();
    // Primary sliver p is rebuilt from the secondary slivers' symbols at position p; secondary
    // sliver n - 1 - p from the primary slivers' symbols at that position.
    let from_secondary: Vec<u16> = missing.clone();
    let from_primary: Vec<u16> = missing.iter().map(|&p| (n - 1 - usize::from(p)) as u16).collect();
    let symbols = gather_symbols(ctx, view, blob_id, commitment, layout, from_primary, from_secondary).await?;
    let storage = ctx.storage.clone();
    let missing_pairs = missing.clone();
    let results =
        blocking(move || rebuild_pairs(&storage, &blob_id, &commitment, &layout, &missing_pairs, &symbols)).await??;

    let mut pairs = Vec::new();
    let mut proof = None;
    let mut mismatch = false;
    for result in results {
        match result {
            Rebuilt::Pair(pair) => pairs.push(pair),
            Rebuilt::Inconsistent(p) => proof = proof.or(Some(p)),
            Rebuilt::Mismatch => mismatch = true,
        }
    }
    let rebuilt = pairs.len();
    if !pairs.is_empty() {
        let storage = ctx.storage.clone();
        let epoch = view.epoch();
        blocking(move || {
            storage.store_pairs(&blob_id, &commitment, &pairs, |s| s.is_some_and(|s| s.is_certified(epoch)))
        })
        .await??;
    }
    if mismatch && proof.is_none() {
        proof = probe_inconsistency(ctx, view, blob_id, commitment, layout).await?;
    }
    if let Some(proof) = proof {
        tracing::warn!("blob {blob_id} is inconsistently encoded; collecting attestations to invalidate it");
        ctx.metrics.inconsistency_proofs.fetch_add(1, Ordering::Relaxed);
        let storage = ctx.storage.clone();
        let stored = StoredInconsistency { commitment, proof: proof.clone() };
        blocking(move || storage.store_inconsistency(&blob_id, &stored)).await??;
        submit_invalidation(ctx, view, blob_id, &commitment, &proof).await?;
        return Ok(rebuilt);
    }
    if mismatch {
        return Err(HealError::UnprovableInconsistency(blob_id));
    }
    Ok(rebuilt)
}

/// Rebuilds each missing pair from verified symbols.
fn rebuild_pairs(
    storage: &Storage,
    blob_id: &BlobId,
    commitment: &BlobCommitment,
    layout: &BlobLayout,
    missing: &[u16],
    symbols: &[RecoverySymbol],
) -> Result<Vec<Rebuilt>, HealError> {
    let config = layout.config();
    let n = config.n();
    let mut out = Vec::new();
    let mut candidates: Vec<(u16, SliverPairRoots, Vec<u8>, Vec<u8>)> = Vec::new();
    for &p in missing {
        let index = usize::from(p);
        let secondary_index = n - 1 - index;
        let not_enough = |reason: String| HealError::NotEnough { blob_id: *blob_id, pair: p, reason };
        if let Some(metadata) = storage.pair_metadata(blob_id, p)? {
            // The committed roots are at hand: the core rebuilds and proves inconsistency.
            let mut slivers = Vec::new();
            let mut inconsistent = None;
            for (kind, target) in [(SliverKind::Primary, index), (SliverKind::Secondary, secondary_index)] {
                match recover_sliver(layout, commitment, kind, target, &metadata, symbols)
                    .map_err(|e| not_enough(e.to_string()))?
                {
                    Recovered::Sliver(sliver) => slivers.push(sliver),
                    Recovered::Inconsistent(proof) => inconsistent = inconsistent.or(Some(proof)),
                }
            }
            match inconsistent {
                Some(proof) => out.push(Rebuilt::Inconsistent(proof)),
                None => {
                    let secondary = slivers.pop().expect("two slivers");
                    let primary = slivers.pop().expect("two slivers");
                    out.push(Rebuilt::Pair(PairData { metadata, primary, secondary }));
                }
            }
            continue;
        }
        let decode = |kind, target| {
            decode_from_symbols(layout, kind, target, symbols).map_err(|e: CodecError| not_enough(e.to_string()))
        };
        let primary = decode(SliverKind::Primary, index)?;
        let secondary = decode(SliverKind::Secondary, secondary_index)?;
        let roots = SliverPairRoots {
            primary: sliver_roots(layout, SliverKind::Primary, &[&primary], 1)?[0],
            secondary: sliver_roots(layout, SliverKind::Secondary, &[&secondary], 1)?[0],
        };
        candidates.push((p, roots, primary, secondary));
    }
    if candidates.is_empty() {
        return Ok(out);
    }
    // The lost pairs' proofs, from the pair metadata that came with the symbols.
    let mut tree = PairTree::new(n);
    let mut seen = BTreeMap::new();
    for symbol in symbols {
        seen.entry(symbol.source_pair.pair_index).or_insert_with(|| symbol.source_pair.clone());
    }
    for metadata in seen.values() {
        tree.add_verified(metadata);
    }
    for (p, roots, _, _) in &candidates {
        tree.add_candidate(usize::from(*p), roots);
    }
    for (p, roots, primary, secondary) in candidates {
        let proof = tree.proof(usize::from(p)).map_err(|e| HealError::NotEnough {
            blob_id: *blob_id,
            pair: p,
            reason: e.to_string(),
        })?;
        if proof.verify(&commitment.root, &roots.leaf(), usize::from(p), n) {
            let metadata = SliverPairMetadata { pair_index: p, roots, proof };
            out.push(Rebuilt::Pair(PairData { metadata, primary, secondary }));
        } else {
            out.push(Rebuilt::Mismatch);
        }
    }
    Ok(out)
}

/// Looks for a provable inconsistency: rebuilds slivers of other nodes' pairs, whose committed
/// metadata comes with their symbols, until one does not match its committed root.
async fn probe_inconsistency(
    ctx: &Arc<NodeContext>,
    view: &CommitteeView,
    blob_id: BlobId,
    commitment: BlobCommitment,
    layout: BlobLayout,
) -> Result<Option<InconsistencyProof>, HealError> {
    let n = layout.config().n();
    let own: Vec<u16> = view.own_shards();
    let targets: Vec<(SliverKind, usize)> = (0..n as u16)
        .filter(|p| !own.contains(p))
        .flat_map(|p| {
            let p = usize::from(p);
            [(SliverKind::Primary, p), (SliverKind::Secondary, n - 1 - p)]
        })
        .take(MAX_INCONSISTENCY_PROBES)
        .collect();
    for (kind, target) in targets {
        let t = target as u16;
        let (from_primary, from_secondary) = match kind {
            SliverKind::Primary => (vec![], vec![t]),
            SliverKind::Secondary => (vec![t], vec![]),
        };
        let symbols = gather_symbols(ctx, view, blob_id, commitment, layout, from_primary, from_secondary).await?;
        let pair_index = match kind {
            SliverKind::Primary => target,
            SliverKind::Secondary => n - 1 - target,
        };
        // The target pair's committed metadata, as its holder sent it with its own symbols.
        let Some(target_pair) =
            symbols.iter().map(|s| &s.source_pair).find(|m| usize::from(m.pair_index) == pair_index).cloned()
        else {
            continue;
        };
        let found =
            blocking(move || recover_sliver(&layout, &commitment, kind, target, &target_pair, &symbols)).await?;
        if let Ok(Recovered::Inconsistent(proof)) = found {
            return Ok(Some(proof));
        }
    }
    Ok(None)
}

/// Collects invalid-blob attestations for `blob_id` (the node's own and the other nodes'),
/// and once more than a third of the shards signed, submits the aggregate certificate.
pub async fn submit_invalidation(
    ctx: &Arc<NodeContext>,
    view: &CommitteeView,
    blob_id: BlobId,
    commitment: &BlobCommitment,
    proof: &InconsistencyProof,
) -> Result<(), HealError> {
    let committee = &view.current.committee;
    let message = InvalidBlobMessage { epoch: view.epoch(), blob_id }.to_bytes();
    let mut signatures: BTreeMap<usize, [u8; SIGNATURE_BYTES]> = BTreeMap::new();
    if let Some(own) = view.own_index {
        signatures.insert(own, ctx.key.sign(&message));
    }
    let attestations: Vec<(usize, [u8; SIGNATURE_BYTES])> = stream::iter(peers(view))
        .map(|(index, address)| {
            let message = &message;
            async move {
                let client = ctx.client(&address).ok()?;
                let signed = with_retries(|| client.send_inconsistency_proof(&blob_id, commitment, proof))
                    .await
                    .map_err(|e| tracing::debug!("no attestation for {blob_id} from {address}: {e}"))
                    .ok()?;
                let key: [u8; PUBLIC_KEY_BYTES] =
                    committee.members[index].public_key.bytes.as_slice().try_into().ok()?;
                verify_signed(&signed, &key, message).then_some((index, signed.signature))
            }
        })
        .buffer_unordered(MAX_PEER_REQUESTS_PER_BLOB)
        .filter_map(|x| async move { x })
        .collect()
        .await;
    signatures.extend(attestations);
    let signer_shards: u64 = signatures.keys().map(|&i| u64::from(committee.members[i].n_shards())).sum();
    if !committee.is_validity(signer_shards) {
        return Err(HealError::NotEnoughAttestations { blob_id, signer_shards, n_shards: committee.n_shards });
    }
    let list: Vec<[u8; SIGNATURE_BYTES]> = signatures.values().copied().collect();
    let aggregate = aggregate_signatures(&list)?;
    let mut bitmap = vec![0u8; committee.members.len().div_ceil(8)];
    for &i in signatures.keys() {
        bitmap[i / 8] |= 1 << (i % 8);
    }
    ctx.chain.invalidate_blob_id(&aggregate, &bitmap, &message).await?;
    ctx.metrics.invalidations_submitted.fetch_add(1, Ordering::Relaxed);
    tracing::info!("submitted the invalidation of blob {blob_id} with {signer_shards} shards");
    Ok(())
}
