//! An in-memory [`ChainSource`] for tests and local experiments: a test drives it like a user of
//! the contracts (register, certify, extend, delete, advance the epoch) and it emits the same
//! `walrus::events` the Move packages would, one checkpoint per call. Invalid-blob certificates
//! are checked exactly as `system::invalidate_blob_id` checks them (the Rust twin's committee
//! and message parser), and every accepted one is recorded. Storage challenges: `set_challenge_seed`
//! issues a fixed seed per epoch, and accepted attestations are recorded (`attestations`). An epoch advance starts an epoch
//! change (`EpochChangeStart`) that `epoch_sync_done` of members with more than two thirds of the
//! shards completes (`EpochChangeSync`, `EpochChangeDone`), as `staking::epoch_sync_done` does.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
};

use async_trait::async_trait;
use futures::StreamExt as _;
use tokio::sync::watch;
use walrus_contracts::{
    ObjectId, U256,
    bls_aggregate::Committee,
    events::{
        BlobCertified, BlobDeleted, BlobRegistered, ChallengeSeedSet, EpochAdvanced, EpochChangeDone, EpochChangeStart,
        EpochChangeSync, Event, InvalidBlobId, StakingEvent, StorageAttested,
    },
    messages::parse_invalid_blob_id,
};
use walrus_core::{BlobId, ENCODING_TYPE_RED_STUFF};

use super::{ChainError, ChainSource, EpochCall, EpochCommittee, EventCursor, EventStream};

/// A certificate the chain accepted through [`ChainSource::invalidate_blob_id`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedInvalidation {
    /// The aggregate signature.
    pub signature: Vec<u8>,
    /// The signer bitmap.
    pub signers_bitmap: Vec<u8>,
    /// The signed message.
    pub message: Vec<u8>,
    /// The shards of the signers.
    pub signer_shards: u64,
}

/// A Blob object as the in-memory chain tracks it.
#[derive(Clone, Debug)]
struct BlobObject {
    blob_id: BlobId,
    end_epoch: u32,
    deletable: bool,
    certified: bool,
}

struct State {
    epoch: u32,
    committee: Committee,
    /// Every event with its cursor, in order.
    events: Vec<(EventCursor, Event)>,
    next_checkpoint: u64,
    objects: BTreeMap<ObjectId, BlobObject>,
    invalid: BTreeMap<BlobId, u32>,
    invalidations: Vec<RecordedInvalidation>,
    /// The epoch change of `epoch` is waiting for `epoch_sync_done` signals.
    syncing: bool,
    /// Members that signalled `epoch_sync_done` in this epoch.
    synced_nodes: Vec<ObjectId>,
    /// The latest storage challenge issued (`set_challenge_seed`).
    challenge: Option<super::IssuedChallenge>,
    /// Every storage attestation the chain accepted, in order.
    attestations: Vec<RecordedAttestation>,
}

/// A storage attestation the chain accepted through [`ChainSource::attest_storage`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedAttestation {
    /// The attesting node.
    pub attester: ObjectId,
    /// The challenged epoch.
    pub epoch: u32,
    /// The nodes it attested.
    pub node_ids: Vec<ObjectId>,
}

/// An in-memory chain. Cloning shares the chain.
#[derive(Clone)]
pub struct InMemoryChain {
    state: Arc<Mutex<State>>,
    /// The number of events, so waiting streams wake on new ones.
    events_len: Arc<watch::Sender<usize>>,
}

/// Why a call on the in-memory chain was refused: the Move abort the real chain would raise.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("in-memory chain refused the call: {0}")]
pub struct InMemoryChainError(pub String);

impl InMemoryChain {
    /// A chain at `epoch` with `committee`.
    pub fn new(committee: Committee, epoch: u32) -> Self {
        let state = State {
            epoch,
            committee,
            events: Vec::new(),
            next_checkpoint: 1,
            objects: BTreeMap::new(),
            invalid: BTreeMap::new(),
            invalidations: Vec::new(),
            syncing: false,
            synced_nodes: Vec::new(),
            challenge: None,
            attestations: Vec::new(),
        };
        Self { state: Arc::new(Mutex::new(state)), events_len: Arc::new(watch::Sender::new(0)) }
    }

    /// Every storage attestation the chain accepted, in order.
    pub fn attestations(&self) -> Vec<RecordedAttestation> {
        self.lock().attestations.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Appends the events of one transaction as a new checkpoint.
    fn emit(&self, state: &mut State, events: Vec<Event>) {
        let checkpoint = state.next_checkpoint;
        state.next_checkpoint += 1;
        for (index, event) in events.into_iter().enumerate() {
            let cursor = EventCursor { checkpoint, transaction_index: 0, event_index: index as u32 };
            state.events.push((cursor, event));
        }
        let len = state.events.len();
        self.events_len.send_replace(len);
    }

    /// The current epoch.
    pub fn epoch(&self) -> u32 {
        self.lock().epoch
    }

    /// `register_blob`: a new Blob object `object_id` for `blob_id` of `size_bytes`, valid until
    /// `end_epoch` (exclusive).
    pub fn register_blob(
        &self,
        blob_id: BlobId,
        size_bytes: u64,
        end_epoch: u32,
        deletable: bool,
        object_id: ObjectId,
    ) -> Result<(), InMemoryChainError> {
        let mut state = self.lock();
        if state.invalid.contains_key(&blob_id) {
            return Err(InMemoryChainError("EBlobIdInvalidated: the blob id was proven invalid".into()));
        }
        if end_epoch <= state.epoch {
            return Err(InMemoryChainError("EStorageExpired: end epoch is not after the current epoch".into()));
        }
        if state.objects.contains_key(&object_id) {
            return Err(InMemoryChainError(format!("object {object_id:?} already exists")));
        }
        state.objects.insert(object_id, BlobObject { blob_id, end_epoch, deletable, certified: false });
        let event = Event::BlobRegistered(BlobRegistered {
            epoch: state.epoch,
            blob_id: U256::from(blob_id),
            size: size_bytes,
            encoding_type: ENCODING_TYPE_RED_STUFF,
            end_epoch,
            deletable,
            object_id,
        });
        self.emit(&mut state, vec![event]);
        Ok(())
    }

    /// `certify_blob` for the Blob object `object_id` (the certificate itself is not checked
    /// here; the nodes only see the event).
    pub fn certify_blob(&self, object_id: ObjectId) -> Result<(), InMemoryChainError> {
        let mut state = self.lock();
        let epoch = state.epoch;
        let blob = state.objects.get(&object_id).cloned().ok_or_else(|| unknown_object(&object_id))?;
        if state.invalid.contains_key(&blob.blob_id) {
            return Err(InMemoryChainError("EBlobIdInvalidated: the blob id was proven invalid".into()));
        }
        if blob.certified {
            return Err(InMemoryChainError("EAlreadyCertified".into()));
        }
        if blob.end_epoch <= epoch {
            return Err(InMemoryChainError("EBlobExpired".into()));
        }
        state.objects.get_mut(&object_id).expect("looked up above").certified = true;
        let event = Event::BlobCertified(BlobCertified {
            epoch,
            blob_id: U256::from(blob.blob_id),
            end_epoch: blob.end_epoch,
            deletable: blob.deletable,
            object_id,
            is_extension: false,
        });
        self.emit(&mut state, vec![event]);
        Ok(())
    }

    /// `extend_blob`: moves the certified blob's end epoch to `new_end_epoch`.
    pub fn extend_blob(&self, object_id: ObjectId, new_end_epoch: u32) -> Result<(), InMemoryChainError> {
        let mut state = self.lock();
        let epoch = state.epoch;
        let blob = state.objects.get_mut(&object_id).ok_or_else(|| unknown_object(&object_id))?;
        if !blob.certified {
            return Err(InMemoryChainError("ENotCertified".into()));
        }
        if blob.end_epoch <= epoch || new_end_epoch <= blob.end_epoch {
            return Err(InMemoryChainError("EBlobExpired or a non-increasing end epoch".into()));
        }
        blob.end_epoch = new_end_epoch;
        let event = Event::BlobCertified(BlobCertified {
            epoch,
            blob_id: U256::from(blob.blob_id),
            end_epoch: new_end_epoch,
            deletable: blob.deletable,
            object_id,
            is_extension: true,
        });
        self.emit(&mut state, vec![event]);
        Ok(())
    }

    /// `delete_blob` of a deletable Blob object.
    pub fn delete_blob(&self, object_id: ObjectId) -> Result<(), InMemoryChainError> {
        let mut state = self.lock();
        let blob = state.objects.get(&object_id).cloned().ok_or_else(|| unknown_object(&object_id))?;
        if !blob.deletable {
            return Err(InMemoryChainError("ENotDeletable".into()));
        }
        state.objects.remove(&object_id);
        let event = Event::BlobDeleted(BlobDeleted {
            epoch: state.epoch,
            blob_id: U256::from(blob.blob_id),
            end_epoch: blob.end_epoch,
            object_id,
            was_certified: blob.certified,
        });
        self.emit(&mut state, vec![event]);
        Ok(())
    }

    /// `initiate_epoch_change`, optionally replacing the committee (it must keep the shard
    /// count): emits `EpochAdvanced` and `EpochChangeStart` in one transaction, and the new
    /// committee syncs. Unlike the contract, it does not wait for the previous change to finish.
    pub fn advance_epoch(&self, committee: Option<Committee>) -> Result<u32, InMemoryChainError> {
        let mut state = self.lock();
        if let Some(committee) = committee {
            if committee.n_shards != state.committee.n_shards {
                return Err(InMemoryChainError("EShardCountMismatch".into()));
            }
            state.committee = committee;
        }
        state.epoch += 1;
        state.syncing = true;
        state.synced_nodes.clear();
        let epoch = state.epoch;
        let events = vec![
            Event::EpochAdvanced(EpochAdvanced { epoch, released_funds: 0 }),
            Event::Staking(StakingEvent::EpochChangeStart(EpochChangeStart { epoch })),
        ];
        self.emit(&mut state, events);
        Ok(epoch)
    }

    /// True while the current epoch's committee has not finished syncing.
    pub fn is_syncing(&self) -> bool {
        self.lock().syncing
    }

    /// The members that signalled `epoch_sync_done` in the current epoch, in order.
    pub fn synced_nodes(&self) -> Vec<ObjectId> {
        self.lock().synced_nodes.clone()
    }

    /// Every invalid-blob certificate the chain accepted, in order.
    pub fn invalidations(&self) -> Vec<RecordedInvalidation> {
        self.lock().invalidations.clone()
    }

    /// True when `blob_id` was invalidated.
    pub fn is_invalid(&self, blob_id: &BlobId) -> bool {
        self.lock().invalid.contains_key(blob_id)
    }

    /// Every event so far.
    pub fn events(&self) -> Vec<(EventCursor, Event)> {
        self.lock().events.clone()
    }
}

fn unknown_object(object_id: &ObjectId) -> InMemoryChainError {
    InMemoryChainError(format!("no Blob object {object_id:?}"))
}

#[async_trait]
impl ChainSource for InMemoryChain {
    async fn current_committee(&self) -> Result<EpochCommittee, ChainError> {
        let state = self.lock();
        Ok(EpochCommittee { epoch: state.epoch, committee: state.committee.clone() })
    }

    async fn events_after(&self, cursor: Option<EventCursor>) -> Result<EventStream, ChainError> {
        let chain = self.clone();
        let receiver = self.events_len.subscribe();
        let stream = futures::stream::unfold((chain, receiver, cursor), |(chain, mut receiver, cursor)| async move {
            loop {
                let next = {
                    let state = chain.lock();
                    state.events.iter().find(|(c, _)| cursor.is_none_or(|after| *c > after)).cloned()
                };
                if let Some((next_cursor, event)) = next {
                    return Some((Ok((next_cursor, event)), (chain, receiver, Some(next_cursor))));
                }
                // The sender lives in `chain`, so it cannot be dropped while we wait.
                if receiver.changed().await.is_err() {
                    return None;
                }
            }
        });
        Ok(stream.boxed())
    }

    async fn latest_checkpoint(&self) -> Result<u64, ChainError> {
        Ok(self.lock().next_checkpoint - 1)
    }

    async fn invalidate_blob_id(
        &self,
        signature: &[u8],
        signers_bitmap: &[u8],
        message: &[u8],
    ) -> Result<(), ChainError> {
        let mut state = self.lock();
        let rejected = |e: walrus_contracts::MoveAbort| ChainError::Rejected { reason: e.to_string() };
        let signer_shards = state.committee.verify_validity(signature, signers_bitmap, message).map_err(rejected)?;
        let parsed = parse_invalid_blob_id(message).map_err(rejected)?;
        if parsed.epoch != state.epoch {
            return Err(ChainError::Rejected {
                reason: format!(
                    "EWrongMessageEpoch: the attestation is for epoch {}, the chain is at {}",
                    parsed.epoch, state.epoch
                ),
            });
        }
        state.invalidations.push(RecordedInvalidation {
            signature: signature.to_vec(),
            signers_bitmap: signers_bitmap.to_vec(),
            message: message.to_vec(),
            signer_shards,
        });
        let blob_id = BlobId(parsed.blob_id.0);
        if state.invalid.contains_key(&blob_id) {
            // Already invalid: a no-op without event, as in Move.
            return Ok(());
        }
        let epoch = state.epoch;
        state.invalid.insert(blob_id, epoch);
        self.emit(&mut state, vec![Event::InvalidBlobId(InvalidBlobId { epoch, blob_id: parsed.blob_id })]);
        Ok(())
    }

    async fn epoch_sync_done(&self, node_id: &ObjectId, epoch: u32) -> Result<EpochCall, ChainError> {
        let mut state = self.lock();
        if epoch != state.epoch {
            return Ok(EpochCall::NotDue {
                reason: format!("EWrongEpoch: the signal is for epoch {epoch}, the chain is at {}", state.epoch),
            });
        }
        if state.committee.index_of(node_id).is_none() {
            return Err(ChainError::Rejected {
                reason: format!("ENotInCommittee: node {node_id:?} is not a member in epoch {epoch}"),
            });
        }
        if !state.syncing || state.synced_nodes.contains(node_id) {
            // A repeated or late signal changes nothing, as in Move.
            return Ok(EpochCall::Executed);
        }
        state.synced_nodes.push(*node_id);
        let synced_shards: u64 = state
            .synced_nodes
            .iter()
            .filter_map(|id| state.committee.index_of(id))
            .map(|i| u64::from(state.committee.members[i].n_shards()))
            .sum();
        let mut events = vec![Event::Staking(StakingEvent::EpochChangeSync(EpochChangeSync {
            epoch,
            node_id: *node_id,
            synced_shards: synced_shards as u16,
        }))];
        if state.committee.is_quorum(synced_shards) {
            state.syncing = false;
            events.push(Event::Staking(StakingEvent::EpochChangeDone(EpochChangeDone { epoch, timestamp_ms: 0 })));
        }
        self.emit(&mut state, events);
        Ok(EpochCall::Executed)
    }

    /// As `staking::set_challenge_seed`, with a fixed seed per epoch (tests need reproducible
    /// samples): refused while the committee syncs or when the epoch's seed exists.
    async fn set_challenge_seed(&self) -> Result<EpochCall, ChainError> {
        let mut state = self.lock();
        let epoch = state.epoch;
        if state.syncing {
            return Ok(EpochCall::NotDue { reason: "EWrongEpochState: the committee is still syncing".into() });
        }
        if state.challenge.as_ref().is_some_and(|c| c.epoch == epoch) {
            return Ok(EpochCall::NotDue { reason: format!("ESeedAlreadySet: the seed of epoch {epoch} exists") });
        }
        let mut seed = vec![0x5e; walrus_contracts::storage_challenge::SEED_BYTES];
        seed[..4].copy_from_slice(&epoch.to_le_bytes());
        let samples_per_node = walrus_contracts::storage_challenge::DEFAULT_SAMPLES_PER_NODE;
        state.challenge = Some(super::IssuedChallenge { epoch, seed: seed.clone(), samples_per_node });
        let event = ChallengeSeedSet { epoch, seed, samples_per_node };
        self.emit(&mut state, vec![Event::Staking(StakingEvent::ChallengeSeedSet(event))]);
        Ok(EpochCall::Executed)
    }

    /// As `staking::attest_storage`: checks the epoch, the challenge, the members and repeats,
    /// records the attestation and emits `StorageAttested` per node.
    async fn attest_storage(
        &self,
        node_id: &ObjectId,
        epoch: u32,
        node_ids: &[ObjectId],
    ) -> Result<EpochCall, ChainError> {
        let mut state = self.lock();
        let rejected = |reason: String| Err(ChainError::Rejected { reason });
        if epoch != state.epoch {
            return Ok(EpochCall::NotDue { reason: format!("EWrongEpoch: epoch {epoch} is over") });
        }
        if state.challenge.as_ref().is_none_or(|c| c.epoch != epoch) {
            return rejected(format!("ENoChallenge: no seed was drawn in epoch {epoch}"));
        }
        let Some(attester_index) = state.committee.index_of(node_id) else {
            return rejected(format!("ENotCommitteeMember: {node_id:?}"));
        };
        let weight = state.committee.members[attester_index].n_shards();
        let mut events = Vec::new();
        for (i, attested) in node_ids.iter().enumerate() {
            if state.committee.index_of(attested).is_none() {
                return rejected(format!("EUnknownChallengedNode: {attested:?}"));
            }
            if attested == node_id {
                return rejected("ESelfAttestation".into());
            }
            let earlier = state
                .attestations
                .iter()
                .any(|a| a.epoch == epoch && a.attester == *node_id && a.node_ids.contains(attested));
            if earlier || node_ids[..i].contains(attested) {
                return rejected(format!("EAlreadyAttested: {attested:?}"));
            }
            let before: u16 = state
                .attestations
                .iter()
                .filter(|a| a.epoch == epoch && a.node_ids.contains(attested))
                .filter_map(|a| state.committee.index_of(&a.attester))
                .map(|index| state.committee.members[index].n_shards())
                .sum();
            events.push(Event::Staking(StakingEvent::StorageAttested(StorageAttested {
                epoch,
                attester: *node_id,
                node_id: *attested,
                attested_shards: before + weight,
            })));
        }
        state.attestations.push(RecordedAttestation { attester: *node_id, epoch, node_ids: node_ids.to_vec() });
        self.emit(&mut state, events);
        Ok(EpochCall::Executed)
    }

    async fn issued_challenge(&self) -> Result<Option<super::IssuedChallenge>, ChainError> {
        let state = self.lock();
        Ok(state.challenge.clone().filter(|c| c.epoch == state.epoch))
    }
}
