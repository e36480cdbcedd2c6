//! Storage challenges (`docs/node.md` §9): every epoch each member of the committee proves that it
//! holds sampled symbols of its slivers, and checks the other members' proofs.
//!
//! 1. **Seed.** Once the epoch's committee synced (`EpochChangeDone`, or at start-up in a synced
//!    epoch), the node asks the chain to draw the epoch's seed (`staking::set_challenge_seed`).
//!    Member `i` waits `i` stagger steps first and sends only if the seed is still missing, so
//!    usually one transaction suffices; "already drawn" is the normal outcome of a race.
//! 2. **Snapshot.** When the follower applies `ChallengeSeedSet`, the node fixes the challenged
//!    blobs ([`challenged_blobs`]) from its state at exactly that event: every honest node has
//!    applied the same events by then, so all agree on the set. A node that applied the event
//!    before a restart takes the seed from the chain's record instead, once caught up.
//! 3. **Answer.** The node derives its own samples (`walrus_core::challenge::derive_samples`),
//!    reads each symbol with its proofs from its database, rebuilds lost pairs from other nodes
//!    first (bounded by [`ANSWER_HEAL_TIMEOUT`]), and serves the answer on
//!    `GET /v1/challenges/{epoch}` ([`serve_answer`]). A sample it still lacks is answered
//!    with no proof: it fails honestly.
//! 4. **Attest.** The node fetches every other member's answer, derives that member's samples
//!    itself, verifies every proof against the blob ids, and sends one
//!    `staking::attest_storage` with the members whose samples all verified. A member that does
//!    not answer within [`ATTEST_DEADLINE`] is left out.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, atomic::Ordering},
    time::Duration,
};

use axum::{
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures::StreamExt as _;
use serde::{Deserialize, Serialize};
use tokio::{sync::Notify, sync::watch, time::Instant};
use walrus_contracts::{ObjectId, bls_aggregate::Committee, events::ChallengeSeedSet, staking_inner::EpochState};
use walrus_core::{
    BlobId, EncodingConfig,
    challenge::{ChallengeSample, SampleProof, derive_samples, verify_sample_proof},
};

use crate::{
    api::{ApiError, BCS_CONTENT_TYPE},
    chain::EpochCall,
    client::ClientError,
    context::NodeContext,
    healing::{recover_pairs, symbols_from_storage},
    state::BlobState,
    storage::{Storage, StorageError},
};

/// How long the node rebuilds lost sampled pairs before it answers with what it has.
pub const ANSWER_HEAL_TIMEOUT: Duration = Duration::from_secs(30);
/// How long an attester keeps asking a member for its answer (it may not have seen the seed yet,
/// or still be healing).
pub const ATTEST_DEADLINE: Duration = Duration::from_secs(120);
/// First wait before asking a member for its answer again; doubled per attempt.
pub const ANSWER_RETRY_DELAY: Duration = Duration::from_millis(250);
/// Longest wait between two requests for a member's answer.
pub const MAX_ANSWER_RETRY_DELAY: Duration = Duration::from_secs(5);
/// How often the challenge task looks at the chain without being woken by an event.
pub const CHALLENGE_POLL_INTERVAL: Duration = Duration::from_secs(10);
/// Wait after a failed seed or attestation transaction before the next try.
pub const CHALLENGE_RETRY_DELAY: Duration = Duration::from_secs(2);
/// Members whose answers one node fetches and verifies at the same time.
pub const MAX_CONCURRENT_ANSWER_CHECKS: usize = 16;
/// Bytes an answer may take beyond its symbols: per sample the sample, the commitment, the
/// symbol's proof and the pair metadata (each `32 * depth` bytes plus fixed fields), and the
/// envelope. Generous: the largest committee has a depth of 12.
pub const ANSWER_OVERHEAD_BYTES_PER_SAMPLE: usize = 2048;

/// A member's answer to the storage challenge of an epoch (BCS on the wire).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeAnswer {
    /// The challenged epoch.
    pub epoch: u32,
    /// The answering node.
    pub node_id: ObjectId,
    /// One entry per sample, in sample order.
    pub samples: Vec<SampleAnswer>,
}

/// The answer to one sample.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleAnswer {
    /// The sample, as the node derived it.
    pub sample: ChallengeSample,
    /// The proof; `None` if the node does not hold the symbol.
    pub proof: Option<SampleProof>,
}

/// The storage challenge of one epoch, as the node fixed it when it applied `ChallengeSeedSet`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochChallenge {
    /// The challenged epoch.
    pub epoch: u32,
    /// The seed.
    pub seed: Vec<u8>,
    /// Samples per member.
    pub samples_per_node: u16,
    /// The challenged blobs with their unencoded sizes, by blob id (ascending).
    pub blobs: BTreeMap<BlobId, u64>,
    /// The epoch's committee.
    pub committee: Committee,
}

impl EpochChallenge {
    /// The samples of member `index` of the committee.
    pub fn samples_of(&self, index: usize) -> Vec<ChallengeSample> {
        let member = &self.committee.members[index];
        let blob_ids: Vec<BlobId> = self.blobs.keys().copied().collect();
        derive_samples(
            &self.seed,
            self.epoch,
            &member.node_id.0,
            &blob_ids,
            &member.shard_ids,
            self.committee.n_shards,
            self.samples_per_node,
        )
    }

    /// The most bytes an honest answer to `samples` takes.
    pub fn max_answer_bytes(&self, config: &EncodingConfig, samples: &[ChallengeSample]) -> usize {
        let symbols: usize = samples
            .iter()
            .map(|s| {
                let size = self.blobs.get(&s.blob_id).copied().unwrap_or_default();
                config.layout(size).map_or(0, |layout| layout.symbol_size())
            })
            .sum();
        symbols + (samples.len() + 1) * ANSWER_OVERHEAD_BYTES_PER_SAMPLE
    }
}

/// The blobs challenged in `epoch`, with their unencoded sizes: not invalid, and with a
/// registration that is not deleted, was certified before `epoch` and ends after it. Only blobs
/// certified in an earlier epoch count, so the set does not depend on when in the epoch the seed
/// was drawn relative to certifications.
pub fn challenged_blobs(states: &[(BlobId, BlobState)], epoch: u32) -> BTreeMap<BlobId, u64> {
    states
        .iter()
        .filter(|(_, state)| !state.is_invalid())
        .filter(|(_, state)| {
            state
                .registrations
                .values()
                .any(|r| !r.deleted && r.end_epoch > epoch && r.certified_epoch.is_some_and(|c| c < epoch))
        })
        .filter_map(|(blob_id, state)| state.unencoded_size_bytes.map(|size| (*blob_id, size)))
        .collect()
}

/// What the node knows and did about the current storage challenge.
#[derive(Default)]
struct Book {
    /// The latest challenge the node fixed.
    current: Option<Arc<EpochChallenge>>,
    /// Whether `current` was taken from the chain's record rather than fixed at its event (the
    /// event, if the follower still applies it, replaces it).
    adopted: bool,
    /// The node's own answer to `current`, as BCS, once built.
    answer: Option<Arc<Vec<u8>>>,
    /// The epoch the node attested in.
    attested_epoch: Option<u32>,
    /// The epoch the node tried to draw the seed in.
    seed_attempt_epoch: Option<u32>,
}

/// The storage-challenge state of a node, shared by the follower, the API and the challenge task.
#[derive(Default)]
pub struct Challenges {
    book: Mutex<Book>,
    /// Wakes the challenge task (a seed was set, the committee synced).
    pub wakeup: Notify,
}

impl Challenges {
    fn book(&self) -> std::sync::MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The challenge the node fixed last, if any.
    pub fn current(&self) -> Option<Arc<EpochChallenge>> {
        self.book().current.clone()
    }

    /// The epoch the node sent its attestation in, if any.
    pub fn attested_epoch(&self) -> Option<u32> {
        self.book().attested_epoch
    }

    /// Fixes `challenge`, at its event (`adopted` false) or from the chain's record. An adopted
    /// challenge gives way to the same epoch's fixed at its event.
    fn fix(&self, challenge: EpochChallenge, adopted: bool) {
        let mut book = self.book();
        if let Some(current) = &book.current
            && (current.epoch > challenge.epoch || (current.epoch == challenge.epoch && (adopted || !book.adopted)))
        {
            return;
        }
        book.current = Some(Arc::new(challenge));
        book.adopted = adopted;
        book.answer = None;
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    tokio::task::spawn_blocking(f).await.map_err(|e| format!("a worker task failed: {e}"))
}

/// The challenge of `epoch` with the node's state as it is now, and the epoch's committee.
async fn fix_challenge(
    ctx: &Arc<NodeContext>,
    epoch: u32,
    seed: Vec<u8>,
    samples_per_node: u16,
) -> Result<EpochChallenge, String> {
    let storage = ctx.storage.clone();
    let states = blocking(move || storage.blob_states()).await?.map_err(|e| e.to_string())?;
    let blobs = challenged_blobs(&states, epoch);
    let view = match ctx.committee() {
        Some(view) if view.epoch() == epoch => view,
        _ => ctx.refresh_committee().await.map_err(|e| e.to_string())?,
    };
    if view.epoch() != epoch {
        return Err(format!("the chain's committee is of epoch {}, not of the challenged epoch {epoch}", view.epoch()));
    }
    Ok(EpochChallenge { epoch, seed, samples_per_node, blobs, committee: view.current.committee })
}

/// The follower's hook, called after each applied event and before the next one: fixes the
/// challenge at `ChallengeSeedSet`, and wakes the challenge task when the committee synced.
pub async fn on_event(ctx: &Arc<NodeContext>, event: &walrus_contracts::events::Event) {
    use walrus_contracts::events::{Event, StakingEvent};
    match event {
        Event::Staking(StakingEvent::ChallengeSeedSet(ChallengeSeedSet { epoch, seed, samples_per_node })) => {
            match fix_challenge(ctx, *epoch, seed.clone(), *samples_per_node).await {
                Ok(challenge) => {
                    tracing::info!(
                        "storage challenge of epoch {epoch}: {} samples per node over {} blobs",
                        samples_per_node,
                        challenge.blobs.len()
                    );
                    ctx.challenges.fix(challenge, false);
                }
                Err(e) => tracing::warn!("cannot fix the storage challenge of epoch {epoch}: {e}"),
            }
            ctx.challenges.wakeup.notify_one();
        }
        Event::Staking(StakingEvent::EpochChangeDone(_)) => ctx.challenges.wakeup.notify_one(),
        _ => {}
    }
}

/// Runs the challenge task until `shutdown` turns true.
pub async fn run_challenges(ctx: Arc<NodeContext>, mut shutdown: watch::Receiver<bool>) {
    loop {
        if *shutdown.borrow() {
            return;
        }
        let wait = match step(&ctx, &mut shutdown).await {
            Ok(()) => CHALLENGE_POLL_INTERVAL,
            Err(e) => {
                tracing::warn!("storage challenge step failed: {e}; retrying in {CHALLENGE_RETRY_DELAY:?}");
                CHALLENGE_RETRY_DELAY
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = ctx.challenges.wakeup.notified() => {}
            _ = shutdown.changed() => return,
        }
    }
}

async fn step(ctx: &Arc<NodeContext>, shutdown: &mut watch::Receiver<bool>) -> Result<(), String> {
    // A failed seed attempt must not keep the node from answering or attesting a known challenge.
    let seeded = draw_seed_if_due(ctx, shutdown).await;
    if let Err(e) = &seeded {
        tracing::warn!("storage-challenge seed: {e}");
    }
    let Some(challenge) = ctx.challenges.current() else { return seeded };
    let own_index = challenge.committee.index_of(&ctx.node_id);
    let answer_missing = ctx.challenges.book().answer.is_none();
    if let Some(index) = own_index
        && answer_missing
    {
        let answer = build_answer(ctx, &challenge, index).await?;
        let missing = answer.samples.iter().filter(|s| s.proof.is_none()).count();
        if missing > 0 {
            tracing::warn!("the node lacks {missing} of its {} challenged symbols", answer.samples.len());
        }
        let bytes = Arc::new(bcs::to_bytes(&answer).expect("answers serialize"));
        let mut book = ctx.challenges.book();
        // Unless the challenge was replaced meanwhile (a newer epoch's, or the one fixed at its
        // event instead of the adopted one).
        if book.current.as_ref().is_some_and(|c| Arc::ptr_eq(c, &challenge)) {
            book.answer = Some(bytes);
        }
    }
    if own_index.is_some() && ctx.challenges.attested_epoch() != Some(challenge.epoch) {
        attest(ctx, &challenge, shutdown).await?;
    }
    seeded
}

/// Draws the seed of the chain's current epoch if the committee synced and nobody has yet.
async fn draw_seed_if_due(ctx: &Arc<NodeContext>, shutdown: &mut watch::Receiver<bool>) -> Result<(), String> {
    let Some(schedule) = ctx.chain.epoch_schedule().await.map_err(|e| e.to_string())? else { return Ok(()) };
    if schedule.state == EpochState::EpochChangeSync
        || ctx.challenges.current().is_some_and(|c| c.epoch >= schedule.epoch)
        || ctx.challenges.book().seed_attempt_epoch == Some(schedule.epoch)
    {
        return Ok(());
    }
    // Drawn already: the follower fixes the challenge when it applies the seed's event. Only if
    // it has applied every checkpoint the seed can be in, the event came before this node's
    // (re)start: fix the challenge from the chain's record then.
    if let Some(issued) = ctx.chain.issued_challenge().await.map_err(|e| e.to_string())?
        && issued.epoch == schedule.epoch
    {
        let latest = ctx.chain.latest_checkpoint().await.map_err(|e| e.to_string())?;
        let storage = ctx.storage.clone();
        let applied = blocking(move || storage.event_cursor()).await?.map_err(|e| e.to_string())?;
        if applied.is_some_and(|cursor| cursor.checkpoint >= latest) {
            adopt(ctx, issued).await?;
        }
        return Ok(());
    }
    let position = schedule.committee.index_of(&ctx.node_id).unwrap_or(schedule.committee.members.len());
    let wait = crate::epoch::stagger_step(schedule.epoch_duration_ms).saturating_mul(position as u32);
    tokio::select! {
        _ = tokio::time::sleep(wait) => {}
        _ = shutdown.changed() => return Ok(()),
    }
    if let Some(issued) = ctx.chain.issued_challenge().await.map_err(|e| e.to_string())?
        && issued.epoch == schedule.epoch
    {
        return Ok(());
    }
    ctx.challenges.book().seed_attempt_epoch = Some(schedule.epoch);
    match ctx.chain.set_challenge_seed().await {
        Ok(EpochCall::Executed) => {
            ctx.metrics.challenge_seeds_set.fetch_add(1, Ordering::Relaxed);
            tracing::info!("drew the storage-challenge seed of epoch {}", schedule.epoch);
        }
        Ok(EpochCall::NotDue { reason }) => tracing::debug!("no storage-challenge seed needed: {reason}"),
        Err(e) => {
            ctx.challenges.book().seed_attempt_epoch = None;
            return Err(format!("drawing the storage-challenge seed failed: {e}"));
        }
    }
    Ok(())
}

/// Fixes a challenge the node learned from the chain rather than from its event (the node
/// missed the event): the challenged blobs are those of its state now, which differs from the
/// other nodes' only by events applied since the seed.
async fn adopt(ctx: &Arc<NodeContext>, issued: crate::chain::IssuedChallenge) -> Result<(), String> {
    if ctx.challenges.current().is_some_and(|c| c.epoch >= issued.epoch) {
        return Ok(());
    }
    tracing::info!("adopting the storage challenge of epoch {} from the chain's record", issued.epoch);
    let challenge = fix_challenge(ctx, issued.epoch, issued.seed, issued.samples_per_node).await?;
    ctx.challenges.fix(challenge, true);
    Ok(())
}

/// The symbol answering `sample`, from the node's database; `None` if the pair is not stored.
fn stored_proof(
    storage: &Storage,
    config: &EncodingConfig,
    sample: &ChallengeSample,
) -> Result<Option<SampleProof>, StorageError> {
    let Some(commitment) = storage.commitment(&sample.blob_id)? else { return Ok(None) };
    let Ok(layout) = config.layout(commitment.unencoded_size_bytes) else { return Ok(None) };
    let (kind, _, position) = sample.sliver_position(config);
    match symbols_from_storage(storage, &sample.blob_id, &layout, &[sample.pair_index], &[(kind, vec![position])]) {
        Ok(mut symbols) => Ok(symbols.pop().map(|symbol| SampleProof { commitment, symbol })),
        Err(crate::healing::SymbolsError::Storage(e)) => Err(e),
        // A stored sliver that does not expand cannot answer; the node fails the sample.
        Err(e) => {
            tracing::warn!("cannot answer challenge sample of blob {}: {e}", sample.blob_id);
            Ok(None)
        }
    }
}

fn read_answer(
    storage: &Storage,
    config: &EncodingConfig,
    samples: &[ChallengeSample],
) -> Result<Vec<Option<SampleProof>>, StorageError> {
    samples.iter().map(|sample| stored_proof(storage, config, sample)).collect()
}

/// The node's answer to `challenge` (it is member `index`): its samples from its database, after
/// rebuilding the sampled pairs it lacks (bounded by [`ANSWER_HEAL_TIMEOUT`]).
pub async fn build_answer(
    ctx: &Arc<NodeContext>,
    challenge: &EpochChallenge,
    index: usize,
) -> Result<ChallengeAnswer, String> {
    let config = EncodingConfig::new(challenge.committee.n_shards).map_err(|e| e.to_string())?;
    let samples = challenge.samples_of(index);
    let storage = ctx.storage.clone();
    let read = samples.clone();
    let mut proofs = blocking(move || read_answer(&storage, &config, &read)).await?.map_err(|e| e.to_string())?;
    let mut lost: BTreeMap<BlobId, Vec<u16>> = BTreeMap::new();
    for (sample, proof) in samples.iter().zip(&proofs) {
        if proof.is_none() {
            let pairs = lost.entry(sample.blob_id).or_default();
            if !pairs.contains(&sample.pair_index) {
                pairs.push(sample.pair_index);
            }
        }
    }
    if !lost.is_empty()
        && let Some(view) = ctx.committee()
    {
        tracing::info!("rebuilding {} blobs' sampled pairs before answering the storage challenge", lost.len());
        let heal = async {
            for (blob_id, pairs) in lost {
                if let Err(e) = recover_pairs(ctx, &view, blob_id, pairs).await {
                    tracing::warn!("cannot rebuild the sampled pairs of blob {blob_id}: {e}");
                }
            }
        };
        if tokio::time::timeout(ANSWER_HEAL_TIMEOUT, heal).await.is_err() {
            tracing::warn!(
                "rebuilding sampled pairs took longer than {ANSWER_HEAL_TIMEOUT:?}; answering with what the node has"
            );
        }
        let storage = ctx.storage.clone();
        let read = samples.clone();
        proofs = blocking(move || read_answer(&storage, &config, &read)).await?.map_err(|e| e.to_string())?;
    }
    Ok(ChallengeAnswer {
        epoch: challenge.epoch,
        node_id: ctx.node_id,
        samples: samples.into_iter().zip(proofs).map(|(sample, proof)| SampleAnswer { sample, proof }).collect(),
    })
}

/// Why a member's answer does not pass.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// The answer is for another epoch or node, or has other samples than derived.
    #[error("the answer does not match the challenge: {0}")]
    Mismatch(String),
    /// The member answered a sample without a proof.
    #[error("no proof for sample {index} (blob {blob_id}, pair {pair_index})")]
    Missing {
        /// The sample's position.
        index: usize,
        /// Its blob.
        blob_id: BlobId,
        /// Its pair.
        pair_index: u16,
    },
    /// A proof does not verify.
    #[error("the proof of sample {index} (blob {blob_id}) does not verify: {reason}")]
    Invalid {
        /// The sample's position.
        index: usize,
        /// Its blob.
        blob_id: BlobId,
        /// The verification error.
        reason: String,
    },
}

/// Checks `answer` as member `node_id`'s answer to `samples` of the challenge of `epoch` in a
/// committee with `config`: the same epoch, node and samples, and a proof that verifies for each.
/// Returns how many samples verified before the first failure, with the failure.
pub fn check_answer(
    answer: &ChallengeAnswer,
    epoch: u32,
    node_id: &ObjectId,
    samples: &[ChallengeSample],
    config: &EncodingConfig,
) -> Result<usize, (usize, AnswerError)> {
    if answer.epoch != epoch || answer.node_id != *node_id {
        return Err((0, AnswerError::Mismatch(format!("epoch {} of node {:?}", answer.epoch, answer.node_id))));
    }
    if answer.samples.len() != samples.len() {
        return Err((
            0,
            AnswerError::Mismatch(format!("{} samples instead of {}", answer.samples.len(), samples.len())),
        ));
    }
    for (index, (given, sample)) in answer.samples.iter().zip(samples).enumerate() {
        if given.sample != *sample {
            return Err((index, AnswerError::Mismatch(format!("sample {index} differs from the derived one"))));
        }
        let Some(proof) = &given.proof else {
            return Err((
                index,
                AnswerError::Missing { index, blob_id: sample.blob_id, pair_index: sample.pair_index },
            ));
        };
        verify_sample_proof(sample, config, proof)
            .map_err(|e| (index, AnswerError::Invalid { index, blob_id: sample.blob_id, reason: e.to_string() }))?;
    }
    Ok(samples.len())
}

/// Whether a failed request for an answer may succeed later (the member has not fixed the
/// challenge yet, is still building its answer, or is unreachable for now).
fn worth_retrying(error: &ClientError) -> bool {
    match error {
        ClientError::Transport { .. } => true,
        ClientError::Api { status, .. } => {
            *status == StatusCode::SERVICE_UNAVAILABLE.as_u16() || *status == StatusCode::NOT_FOUND.as_u16()
        }
        _ => false,
    }
}

/// Whether the node has moved past `challenge`'s epoch: it fixed a newer challenge or follows a
/// newer committee. An attestation for it would only be refused (`EWrongEpoch`), and members
/// that moved on no longer serve its answers, so waiting for them is pointless.
fn superseded(ctx: &NodeContext, challenge: &EpochChallenge) -> bool {
    ctx.challenges.current().is_some_and(|c| c.epoch > challenge.epoch)
        || ctx.committee().is_some_and(|view| view.current.epoch > challenge.epoch)
}

/// Fetches and checks member `index`'s answer until it passes, fails, the deadline passes, or
/// the epoch moves on.
async fn check_member(ctx: &Arc<NodeContext>, challenge: &EpochChallenge, index: usize, deadline: Instant) -> bool {
    let member = &challenge.committee.members[index];
    let Ok(config) = EncodingConfig::new(challenge.committee.n_shards) else { return false };
    let samples = challenge.samples_of(index);
    let max_bytes = challenge.max_answer_bytes(&config, &samples);
    let Ok(client) = ctx.client(&member.network_address) else { return false };
    let mut delay = ANSWER_RETRY_DELAY;
    loop {
        match client.challenge_answer(challenge.epoch, max_bytes).await {
            Ok(answer) => {
                return match check_answer(&answer, challenge.epoch, &member.node_id, &samples, &config) {
                    Ok(verified) => {
                        ctx.metrics.challenge_proofs_verified.fetch_add(verified as u64, Ordering::Relaxed);
                        true
                    }
                    Err((verified, error)) => {
                        ctx.metrics.challenge_proofs_verified.fetch_add(verified as u64, Ordering::Relaxed);
                        ctx.metrics.challenge_proofs_failed.fetch_add(1, Ordering::Relaxed);
                        tracing::warn!(
                            "node {:?} fails the storage challenge of epoch {}: {error}",
                            member.node_id,
                            challenge.epoch
                        );
                        false
                    }
                };
            }
            Err(_) if superseded(ctx, challenge) => {
                tracing::debug!("stopped asking {:?} for the answer of past epoch {}", member.node_id, challenge.epoch);
                return false;
            }
            Err(e) if worth_retrying(&e) && Instant::now() + delay < deadline => {
                tracing::debug!("no challenge answer from {:?} yet: {e}", member.node_id);
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(MAX_ANSWER_RETRY_DELAY);
            }
            Err(e) => {
                ctx.metrics.challenge_proofs_failed.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    "node {:?} gave no valid answer to the storage challenge of epoch {}: {e}",
                    member.node_id,
                    challenge.epoch
                );
                return false;
            }
        }
    }
}

/// Checks every other member's answer and attests those that passed, in one transaction.
async fn attest(
    ctx: &Arc<NodeContext>,
    challenge: &Arc<EpochChallenge>,
    shutdown: &mut watch::Receiver<bool>,
) -> Result<(), String> {
    let deadline = Instant::now() + ATTEST_DEADLINE;
    let others: Vec<usize> = (0..challenge.committee.members.len())
        .filter(|&i| challenge.committee.members[i].node_id != ctx.node_id)
        .collect();
    let checks = futures::stream::iter(others)
        .map(|index| {
            let ctx = ctx.clone();
            let challenge = challenge.clone();
            async move { (index, check_member(&ctx, &challenge, index, deadline).await) }
        })
        .buffer_unordered(MAX_CONCURRENT_ANSWER_CHECKS)
        .collect::<Vec<_>>();
    let results = tokio::select! {
        results = checks => results,
        _ = shutdown.changed() => return Ok(()),
    };
    if superseded(ctx, challenge) {
        tracing::info!("the epoch moved past the storage challenge of epoch {}; not attesting it", challenge.epoch);
        ctx.challenges.book().attested_epoch = Some(challenge.epoch);
        return Ok(());
    }
    let mut passed: Vec<usize> = results.into_iter().filter_map(|(index, ok)| ok.then_some(index)).collect();
    passed.sort_unstable();
    let node_ids: Vec<ObjectId> = passed.iter().map(|&i| challenge.committee.members[i].node_id).collect();
    if node_ids.is_empty() {
        tracing::warn!("no other member passed the storage challenge of epoch {}", challenge.epoch);
        ctx.challenges.book().attested_epoch = Some(challenge.epoch);
        return Ok(());
    }
    match ctx.chain.attest_storage(&ctx.node_id, challenge.epoch, &node_ids).await {
        Ok(EpochCall::Executed) => {
            ctx.metrics.challenge_attestations_sent.fetch_add(1, Ordering::Relaxed);
            tracing::info!("attested {} members in the storage challenge of epoch {}", node_ids.len(), challenge.epoch);
        }
        Ok(EpochCall::NotDue { reason }) => {
            tracing::info!("the attestation of epoch {} is no longer due: {reason}", challenge.epoch);
        }
        Err(crate::chain::ChainError::Rejected { reason }) => {
            // An abort will not change on retry (e.g. an attestation that already landed).
            tracing::warn!("the chain refused the attestation of epoch {}: {reason}", challenge.epoch);
        }
        Err(e) => return Err(format!("sending the attestation failed: {e}")),
    }
    ctx.challenges.book().attested_epoch = Some(challenge.epoch);
    Ok(())
}

/// `GET /v1/challenges/{epoch}`: the node's answer to the storage challenge of `epoch` (BCS
/// [`ChallengeAnswer`]). 404 `no_challenge` if the node knows no challenge of that epoch (it
/// may not have applied its seed yet), 503 `challenge_answer_pending` while it builds the
/// answer.
pub async fn serve_answer(State(ctx): State<Arc<NodeContext>>, Path(epoch): Path<String>) -> Response {
    let Ok(epoch) = epoch.parse::<u32>() else {
        return ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_epoch",
            message: format!("`{epoch}` is not an epoch number"),
        }
        .into_response();
    };
    let (current, answer) = {
        let book = ctx.challenges.book();
        (book.current.clone(), book.answer.clone())
    };
    match (current, answer) {
        (Some(challenge), Some(answer)) if challenge.epoch == epoch => {
            ctx.metrics.challenges_answered.fetch_add(1, Ordering::Relaxed);
            ([(header::CONTENT_TYPE, HeaderValue::from_static(BCS_CONTENT_TYPE))], answer.as_ref().clone())
                .into_response()
        }
        (Some(challenge), None) if challenge.epoch == epoch => ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "challenge_answer_pending",
            message: format!("the node is preparing its answer to the storage challenge of epoch {epoch}; retry"),
        }
        .into_response(),
        (current, _) => ApiError {
            status: StatusCode::NOT_FOUND,
            code: "no_challenge",
            message: format!(
                "the node knows no storage challenge of epoch {epoch} (its latest is {}); the seed may not be \
                 drawn or applied yet",
                current.map_or_else(|| "none".to_string(), |c| c.epoch.to_string())
            ),
        }
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use walrus_contracts::ObjectId;

    use super::*;
    use crate::state::Registration;

    fn state(certified_epoch: Option<u32>, end_epoch: u32, deleted: bool, invalid: bool) -> BlobState {
        let mut state = BlobState { unencoded_size_bytes: Some(100), encoding_type: 1, ..BlobState::default() };
        state
            .registrations
            .insert(ObjectId([1; 32]), Registration { end_epoch, deletable: true, certified_epoch, deleted });
        if invalid {
            state.invalidated_epoch = Some(1);
        }
        state
    }

    #[test]
    fn the_challenged_blobs_are_certified_before_the_epoch_live_and_valid() {
        let states = vec![
            (BlobId([1; 32]), state(Some(1), 5, false, false)),
            (BlobId([2; 32]), state(Some(3), 5, false, false)),
            (BlobId([3; 32]), state(None, 5, false, false)),
            (BlobId([4; 32]), state(Some(1), 3, false, false)),
            (BlobId([5; 32]), state(Some(1), 5, true, false)),
            (BlobId([6; 32]), state(Some(1), 5, false, true)),
            (BlobId([7; 32]), state(Some(2), 4, false, false)),
        ];
        let blobs = challenged_blobs(&states, 3);
        assert_eq!(blobs.keys().copied().collect::<Vec<_>>(), vec![BlobId([1; 32]), BlobId([7; 32])]);
        assert_eq!(blobs[&BlobId([1; 32])], 100);
    }
}
