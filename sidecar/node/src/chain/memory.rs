//! An in-memory [`ChainSource`] for tests and local experiments: a test drives it like a user of
//! the contracts (register, certify, extend, delete, advance the epoch) and it emits the same
//! `walrus::events` the Move packages would, one checkpoint per call. Invalid-blob certificates
//! are checked exactly as `system::invalidate_blob_id` checks them (the Rust twin's committee
//! and message parser), and every accepted one is recorded.

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
    events::{BlobCertified, BlobDeleted, BlobRegistered, EpochAdvanced, Event, InvalidBlobId},
    messages::parse_invalid_blob_id,
};
use walrus_core::{BlobId, ENCODING_TYPE_RED_STUFF};

use super::{ChainError, ChainSource, EpochCommittee, EventCursor, EventStream};

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
        };
        Self { state: Arc::new(Mutex::new(state)), events_len: Arc::new(watch::Sender::new(0)) }
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

    /// `advance_epoch`, optionally replacing the committee (it must keep the shard count).
    pub fn advance_epoch(&self, committee: Option<Committee>) -> Result<u32, InMemoryChainError> {
        let mut state = self.lock();
        if let Some(committee) = committee {
            if committee.n_shards != state.committee.n_shards {
                return Err(InMemoryChainError("EShardCountMismatch".into()));
            }
            state.committee = committee;
        }
        state.epoch += 1;
        let event = Event::EpochAdvanced(EpochAdvanced { epoch: state.epoch, released_funds: 0 });
        self.emit(&mut state, vec![event]);
        Ok(state.epoch)
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
}
