//! Storing a blob: encode, reserve and register, upload, certify (`docs/node.md`, `docs/chain.md`).

use std::{sync::Arc, time::Duration};

use bytes::Bytes;

use serde::Serialize;
use sui_sdk_types::Address;
use tokio::sync::{Semaphore, mpsc};
use walrus_contracts::blob::Blob;
use walrus_core::{
    BlobCommitment, BlobId, encode,
    messages::{BlobPersistence, SIGNATURE_BYTES, StorageConfirmation, aggregate_signatures},
};
use walrus_node::{
    client::{ClientError as NodeClientError, verify_signed},
    wire::{SignedMessage, upload_body_for},
};
use walrus_sui::client::{Certificate, ChainObject};

use crate::{ClientError, CommitteeView, NodeFailure, NodeHandle, WalrusClient};

/// How often a store starts its upload over with the new committee when an epoch change came
/// between reading the committee and certifying (the confirmations name the old epoch, which the
/// chain no longer accepts). Epochs last far longer than a store, so one retry is nearly always
/// enough.
pub const MAX_EPOCH_CHANGE_RETRIES: u32 = 2;

/// How to store a blob.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreOptions {
    /// Epochs to store it for, from the current one.
    pub epochs_ahead: u32,
    /// Deletable by its owner before it expires (otherwise permanent).
    pub deletable: bool,
    /// Store anew even if the owner already has the blob certified long enough.
    pub force: bool,
}

/// A blob object on-chain, as reported to users (the JSON matches Walrus' `blobObject`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlobOnChain {
    /// The `Blob` object's id.
    pub id: Address,
    /// Epoch of registration.
    pub registered_epoch: u32,
    /// The blob id (base64url).
    #[serde(serialize_with = "display")]
    pub blob_id: BlobId,
    /// Unencoded size in bytes.
    pub size: u64,
    /// Epoch of certification, if certified.
    pub certified_epoch: Option<u32>,
    /// The storage resource it occupies.
    pub storage: StorageOnChain,
    /// Deletable or permanent.
    pub deletable: bool,
}

/// The storage resource of a blob.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageOnChain {
    /// First epoch.
    pub start_epoch: u32,
    /// First epoch it is no longer stored (exclusive end).
    pub end_epoch: u32,
    /// Encoded bytes reserved.
    pub storage_size: u64,
}

fn display<S: serde::Serializer>(value: &BlobId, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

impl BlobOnChain {
    /// From a `Blob` object.
    pub fn from_object(object: &ChainObject<Blob>) -> Self {
        let blob = &object.value;
        Self {
            id: object.id(),
            registered_epoch: blob.registered_epoch,
            blob_id: BlobId(blob.blob_id.0),
            size: blob.size,
            certified_epoch: blob.certified_epoch,
            storage: StorageOnChain {
                start_epoch: blob.storage.start_epoch,
                end_epoch: blob.storage.end_epoch,
                storage_size: blob.storage.storage_size,
            },
            deletable: blob.deletable,
        }
    }

    /// First epoch the blob is no longer stored.
    pub fn end_epoch(&self) -> u32 {
        self.storage.end_epoch
    }
}

/// What a store did. As JSON: `{"newlyCreated": {...}}` or `{"alreadyCertified": {...}}`, as
/// Walrus' publisher answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum StoreOutcome {
    /// The blob was registered, uploaded and certified now.
    #[serde(rename_all = "camelCase")]
    NewlyCreated {
        /// The certified blob.
        blob_object: BlobOnChain,
        /// Encoded size paid for.
        encoded_size: u64,
        /// WAL paid, in FROST.
        cost: u64,
    },
    /// The owner already had the blob certified until at least the requested epoch; nothing
    /// was paid.
    #[serde(rename_all = "camelCase")]
    AlreadyCertified {
        /// The blob id.
        #[serde(serialize_with = "display")]
        blob_id: BlobId,
        /// The existing blob object's id.
        object: Address,
        /// First epoch it is no longer stored.
        end_epoch: u32,
    },
}

impl StoreOutcome {
    /// The blob id either way.
    pub fn blob_id(&self) -> BlobId {
        match self {
            Self::NewlyCreated { blob_object, .. } => blob_object.blob_id,
            Self::AlreadyCertified { blob_id, .. } => *blob_id,
        }
    }

    /// The blob object's id either way.
    pub fn object_id(&self) -> Address {
        match self {
            Self::NewlyCreated { blob_object, .. } => blob_object.id,
            Self::AlreadyCertified { object, .. } => *object,
        }
    }

    /// The end epoch either way.
    pub fn end_epoch(&self) -> u32 {
        match self {
            Self::NewlyCreated { blob_object, .. } => blob_object.end_epoch(),
            Self::AlreadyCertified { end_epoch, .. } => *end_epoch,
        }
    }
}

/// A stage of a store, reported as it happens (for progress bars and logs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreStage {
    /// Encoding started.
    Encoding {
        /// Unencoded size.
        size_bytes: u64,
    },
    /// The blob is encoded; its id is known.
    Encoded {
        /// The blob id.
        blob_id: BlobId,
        /// Encoded size (what storage is bought for).
        encoded_size_bytes: u64,
    },
    /// The owner already has the blob certified long enough; nothing more happens.
    Reused,
    /// Buying storage and registering the blob on-chain.
    Registering,
    /// Uploading to the nodes; reported at the start and after every node's answer.
    Uploading {
        /// Nodes that confirmed.
        confirmed_nodes: usize,
        /// Nodes that failed.
        failed_nodes: usize,
        /// Nodes in the committee.
        total_nodes: usize,
        /// Shards of the confirming nodes.
        confirmed_shards: usize,
        /// Shards needed for a certificate (more than two thirds).
        quorum_shards: usize,
    },
    /// Submitting the certificate on-chain.
    Certifying,
    /// Certified.
    Done,
}

/// Receives [`StoreStage`]s. Called on the store's task: keep it quick.
pub trait StoreObserver: Send + Sync {
    /// The store reached `stage`.
    fn on_stage(&self, stage: StoreStage);
}

/// Ignores every stage.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoObserver;

impl StoreObserver for NoObserver {
    fn on_stage(&self, _stage: StoreStage) {}
}

/// A node's confirmation, or why there is none.
struct UploadResult {
    member: usize,
    outcome: Result<SignedMessage, String>,
}

/// The upload body of each node, built from the encoded blob.
struct Prepared {
    commitment: BlobCommitment,
    encoded_size_bytes: u64,
    bodies: Vec<Bytes>,
}

impl WalrusClient {
    /// Stores `data` as a blob for `options.epochs_ahead` epochs. Returns once the blob is
    /// certified on-chain; uploads to nodes that had not answered by then continue in the
    /// background for a bounded time.
    pub async fn store_blob(&self, data: Vec<u8>, options: StoreOptions) -> Result<StoreOutcome, ClientError> {
        self.store_blob_observed(data, options, &NoObserver).await
    }

    /// [`Self::store_blob`], reporting each stage to `observer`.
    pub async fn store_blob_observed(
        &self,
        data: Vec<u8>,
        options: StoreOptions,
        observer: &dyn StoreObserver,
    ) -> Result<StoreOutcome, ClientError> {
        let size_bytes = data.len() as u64;
        if size_bytes > self.limits.max_blob_size_bytes {
            return Err(ClientError::BlobTooLarge { size_bytes, limit_bytes: self.limits.max_blob_size_bytes });
        }
        let info = self.chain.system_info().await?;
        let mut committee = CommitteeView::new(&info, &self.http)?;
        observer.on_stage(StoreStage::Encoding { size_bytes });
        // Shared, so that an epoch change can re-cut the upload bodies without a copy.
        let data = Arc::new(data);
        let prepared = self.prepare(data.clone(), &committee).await?;
        let blob_id = prepared.commitment.blob_id();
        observer.on_stage(StoreStage::Encoded { blob_id, encoded_size_bytes: prepared.encoded_size_bytes });
        let min_end_epoch = info.epoch.saturating_add(options.epochs_ahead);

        if !options.force
            && let Some(existing) = self.certified_blob(blob_id, options.deletable, min_end_epoch).await?
        {
            observer.on_stage(StoreStage::Reused);
            return Ok(StoreOutcome::AlreadyCertified {
                blob_id,
                object: existing.id,
                end_epoch: existing.end_epoch(),
            });
        }

        let cost_frost = u64::try_from(info.storage_cost_frost(prepared.encoded_size_bytes, options.epochs_ahead)?)
            .map_err(|_| ClientError::Internal("the storage cost exceeds u64".into()))?;
        observer.on_stage(StoreStage::Registering);
        let blob =
            self.chain.reserve_and_register(&prepared.commitment, options.epochs_ahead, options.deletable).await?;
        let persistence = if options.deletable {
            BlobPersistence::Deletable { object_id: blob.id().into_inner() }
        } else {
            BlobPersistence::Permanent
        };
        let mut bodies = prepared.bodies;
        let mut retries = 0;
        loop {
            let certified = async {
                let certificate = self.upload(&committee, blob_id, persistence, bodies.clone(), observer).await?;
                observer.on_stage(StoreStage::Certifying);
                self.chain.certify_blob(blob.id(), &certificate).await?;
                Ok::<(), ClientError>(())
            }
            .await;
            let Err(error) = certified else { break };
            if retries >= MAX_EPOCH_CHANGE_RETRIES {
                return Err(error);
            }
            let now = self.chain.system_info().await?;
            if now.epoch == committee.epoch || now.committee.n_shards != info.committee.n_shards {
                return Err(error);
            }
            // The committee changed under the store: the slivers go to the new holders, whose
            // confirmations are for the new epoch. The registration stays.
            tracing::info!(
                "epoch {} began while storing blob {blob_id} ({error}); uploading to its committee",
                now.epoch
            );
            retries += 1;
            committee = CommitteeView::new(&now, &self.http)?;
            bodies = self.prepare(data.clone(), &committee).await?.bodies;
        }
        let certified = self.chain.get_blob(blob.id()).await?;
        observer.on_stage(StoreStage::Done);
        Ok(StoreOutcome::NewlyCreated {
            blob_object: BlobOnChain::from_object(&certified),
            encoded_size: prepared.encoded_size_bytes,
            cost: cost_frost,
        })
    }

    /// Encodes on the blocking pool and cuts the slivers into one upload body per node.
    async fn prepare(&self, data: Arc<Vec<u8>>, committee: &CommitteeView) -> Result<Prepared, ClientError> {
        let config = committee.config;
        let threads = self.limits.coding_threads;
        let shard_lists: Vec<Vec<u16>> = committee.nodes.iter().map(|n| n.shards.clone()).collect();
        tokio::task::spawn_blocking(move || {
            let encoded = encode(&config, &data, threads)?;
            let encoded_size_bytes = config.encoded_size_bytes(data.len() as u64)?;
            let bodies = shard_lists.into_iter().map(|shards| Bytes::from(upload_body_for(&encoded, shards))).collect();
            Ok(Prepared { commitment: encoded.metadata().commitment, encoded_size_bytes, bodies })
        })
        .await
        .map_err(|e| ClientError::Internal(format!("the encoder task failed: {e}")))?
    }

    /// The owner's certified blob object with this blob id, persistence and at least this end
    /// epoch, if any.
    async fn certified_blob(
        &self,
        blob_id: BlobId,
        deletable: bool,
        min_end_epoch: u32,
    ) -> Result<Option<BlobOnChain>, ClientError> {
        let owned = self.chain.owned_blobs(self.chain.address()).await?;
        Ok(owned
            .iter()
            .map(BlobOnChain::from_object)
            .filter(|b| {
                b.blob_id == blob_id
                    && b.certified_epoch.is_some()
                    && b.deletable == deletable
                    && b.end_epoch() >= min_end_epoch
            })
            .max_by_key(BlobOnChain::end_epoch))
    }

    /// Uploads every node's body in parallel and returns a quorum certificate as soon as the
    /// confirming nodes hold more than two thirds of the shards.
    async fn upload(
        &self,
        committee: &CommitteeView,
        blob_id: BlobId,
        persistence: BlobPersistence,
        bodies: Vec<Bytes>,
        observer: &dyn StoreObserver,
    ) -> Result<Certificate, ClientError> {
        let expected = StorageConfirmation { epoch: committee.epoch, blob_id, persistence }.to_bytes();
        let (sender, mut receiver) = mpsc::channel(committee.nodes.len().max(1));
        let permits = Arc::new(Semaphore::new(self.limits.upload_concurrency));
        for (node, body) in committee.nodes.iter().zip(bodies) {
            let task = UploadTask {
                node: node.clone(),
                epoch: committee.epoch,
                blob_id,
                persistence,
                body,
                attempts: self.limits.upload_attempts,
                backoff: self.limits.retry_backoff,
            };
            let (sender, permits) = (sender.clone(), permits.clone());
            let deadline = self.limits.straggler_deadline;
            tokio::spawn(async move {
                let Ok(_permit) = permits.acquire_owned().await else { return };
                // Stragglers outlive the store call by at most the deadline.
                let outcome = match tokio::time::timeout(deadline, task.run()).await {
                    Ok(outcome) => outcome,
                    Err(_) => Err(format!("no confirmation within {deadline:?}")),
                };
                // The store may have finished already: nobody listens then.
                let _ = sender.send(UploadResult { member: task.node.member, outcome }).await;
            });
        }
        drop(sender);

        let mut signatures: Vec<(usize, [u8; SIGNATURE_BYTES])> = Vec::new();
        let mut confirmed_shards = 0;
        let mut failures = Vec::new();
        let report = |confirmed_nodes: usize, failed_nodes: usize, confirmed_shards: usize| {
            observer.on_stage(StoreStage::Uploading {
                confirmed_nodes,
                failed_nodes,
                total_nodes: committee.nodes.len(),
                confirmed_shards,
                quorum_shards: committee.quorum_shards(),
            });
        };
        report(0, 0, 0);
        while let Some(result) = receiver.recv().await {
            let node = &committee.nodes[result.member];
            let reason = match result.outcome {
                Ok(signed) if signed.epoch != committee.epoch => {
                    format!("confirmation is for epoch {}, not the current {}", signed.epoch, committee.epoch)
                }
                Ok(signed) if !verify_signed(&signed, &node.public_key, &expected) => {
                    "its confirmation does not verify under its public key".to_string()
                }
                Ok(signed) => {
                    signatures.push((node.member, signed.signature));
                    confirmed_shards += node.n_shards();
                    report(signatures.len(), failures.len(), confirmed_shards);
                    if committee.is_quorum(confirmed_shards) {
                        return certificate(committee, signatures, expected);
                    }
                    continue;
                }
                Err(reason) => reason,
            };
            tracing::warn!(member = node.member, address = %node.network_address, %reason, "upload failed");
            failures.push(NodeFailure { member: node.member, network_address: node.network_address.clone(), reason });
            report(signatures.len(), failures.len(), confirmed_shards);
        }
        Err(ClientError::NotEnoughConfirmations {
            blob_id,
            confirmed_shards,
            need_shards: committee.quorum_shards(),
            n_shards: committee.n_shards(),
            failures,
        })
    }
}

fn certificate(
    committee: &CommitteeView,
    mut signatures: Vec<(usize, [u8; SIGNATURE_BYTES])>,
    message: Vec<u8>,
) -> Result<Certificate, ClientError> {
    signatures.sort_by_key(|(member, _)| *member);
    let mut signers_bitmap = vec![0u8; committee.nodes.len().div_ceil(8)];
    for (member, _) in &signatures {
        signers_bitmap[member / 8] |= 1 << (member % 8);
    }
    let only: Vec<_> = signatures.into_iter().map(|(_, s)| s).collect();
    let signature = aggregate_signatures(&only)
        .map_err(|e| ClientError::Internal(format!("cannot aggregate verified signatures: {e}")))?;
    Ok(Certificate { signature: signature.to_vec(), signers_bitmap, message })
}

/// One node's upload with retries.
struct UploadTask {
    node: NodeHandle,
    /// The epoch of the committee the body is cut for.
    epoch: u32,
    blob_id: BlobId,
    persistence: BlobPersistence,
    body: Bytes,
    attempts: u32,
    backoff: Duration,
}

impl UploadTask {
    async fn run(&self) -> Result<SignedMessage, String> {
        let mut delay = self.backoff;
        let mut last_error = String::new();
        for attempt in 1..=self.attempts {
            let body = self.body.clone();
            match self
                .node
                .client
                .store_slivers_of_epoch(&self.blob_id, &self.persistence, Some(self.epoch), body)
                .await
            {
                Ok(signed) => return Ok(signed),
                Err(error) if attempt < self.attempts && retryable(&error) => {
                    tracing::debug!(member = self.node.member, attempt, %error, "upload will be retried");
                    last_error = error.to_string();
                }
                Err(error) => return Err(error.to_string()),
            }
            tokio::time::sleep(delay).await;
            delay = delay.saturating_mul(2);
        }
        Err(last_error)
    }
}

/// Transport failures and a node that has not yet seen the registration (its event follower
/// lags the chain) are worth retrying; a refusal of the data is not.
fn retryable(error: &NodeClientError) -> bool {
    match error {
        NodeClientError::Transport { .. } => true,
        NodeClientError::Api { code, .. } => {
            matches!(code.as_str(), "blob_not_registered" | "overloaded" | "committee_unknown")
        }
        _ => false,
    }
}
