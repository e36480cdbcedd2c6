//! The local chain: genesis, sequential execution with one checkpoint per transaction, and the
//! queries the gRPC services answer.

use std::{
    path::Path,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{SystemTime, UNIX_EPOCH},
};

use sui_sdk_types::{
    Address, CheckpointContents, CheckpointSummary, CheckpointTransactionInfo, Digest, GasCostSummary, Object,
    SignedTransaction, Transaction, TransactionEffects, TransactionEvents,
};
use tokio::sync::watch;

use crate::{
    execute::{self, Rejection},
    genesis::{self, GenesisConfig, GenesisInfo},
    store::{Commit, Store, StoreError, StoredCheckpoint, StoredTransaction},
    types::{CLOCK_OBJECT, CoinKind, Obj, to_object_id},
};

/// The Sui epoch of the local chain. It never changes; Walrus epochs live in the `System`.
pub const SUI_EPOCH: u64 = 0;

/// Why the chain could not start.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The genesis configuration is invalid.
    #[error("invalid genesis configuration: {0}")]
    Genesis(String),
}

/// A transaction as executed: what clients get back.
#[derive(Clone, Debug)]
pub struct ExecutedTransaction {
    /// The transaction digest.
    pub digest: Digest,
    /// The effects.
    pub effects: TransactionEffects,
    /// The events, if any.
    pub events: Option<TransactionEvents>,
    /// The checkpoint that contains it.
    pub checkpoint: u64,
}

struct Head {
    sequence: u64,
    digest: Digest,
    network_total_transactions: u64,
    timestamp_ms: u64,
}

/// A transaction as simulated: what executing it would do. Nothing was committed.
#[derive(Clone, Debug)]
pub struct SimulatedTransaction {
    /// The effects it would have.
    pub effects: TransactionEffects,
    /// The events it would emit, if any.
    pub events: Option<TransactionEvents>,
    /// The objects it would write, at their new versions.
    pub written: Vec<Object>,
    /// Per command, the BCS bytes of each value it would return (e.g. a `bool` of
    /// `access_policy::can_read`); empty if it would fail.
    pub return_values: Vec<Vec<Vec<u8>>>,
}

/// The latest checkpoint, as published after each commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckpointTip {
    /// Its sequence number.
    pub sequence: u64,
    /// When it was made, in milliseconds since the Unix epoch.
    pub timestamp_ms: u64,
}

/// A single-validator chain over a RocksDB store.
pub struct LocalChain {
    store: Store,
    head: Mutex<Head>,
    info: GenesisInfo,
    chain_id: Digest,
    /// The latest checkpoint, published after each commit. A watch channel rather than a
    /// queue: subscribers that fall behind read the checkpoints they missed from the store, so
    /// none can lag out; and readers of the tip never wait for the execution lock.
    checkpoints: watch::Sender<CheckpointTip>,
    /// Added to the wall clock for the chain's time (`advance_clock_for_testing`).
    clock_offset_ms: AtomicU64,
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// The stored clock object `clock` at `timestamp_ms`, one version later.
fn clock_at(clock: &Object, timestamp_ms: u64) -> Object {
    let time = walrus_contracts::Clock::at(timestamp_ms);
    let mut data = clock.as_struct().expect("the clock is a Move object").clone();
    data = sui_sdk_types::MoveStruct::new(
        data.object_type().clone(),
        false,
        clock.version() + 1,
        bcs::to_bytes(&time).expect("the clock serializes"),
    )
    .expect("the clock starts with its id");
    Object::new(sui_sdk_types::ObjectData::Struct(data), *clock.owner(), clock.previous_transaction(), 0)
}

impl LocalChain {
    /// Opens the chain under `path`, running genesis with `config` if the store is empty. A
    /// restart resumes from the last checkpoint.
    pub fn open(path: &Path, config: &GenesisConfig) -> Result<Self, ChainError> {
        let store = Store::open(path)?;
        let (head, info) = match store.latest_checkpoint()? {
            Some(sequence) => {
                let checkpoint = store.checkpoint(sequence)?.ok_or_else(|| StoreError::Corrupt {
                    what: "checkpoint",
                    reason: format!("latest checkpoint {sequence} is missing"),
                })?;
                let info = store
                    .genesis_info()?
                    .ok_or_else(|| StoreError::Corrupt { what: "genesis info", reason: "missing".into() })?;
                let head = Head {
                    sequence,
                    digest: checkpoint.summary.digest(),
                    network_total_transactions: checkpoint.summary.network_total_transactions,
                    timestamp_ms: checkpoint.summary.timestamp_ms,
                };
                (head, info)
            }
            None => Self::genesis(&store, config)?,
        };
        let genesis = store.checkpoint(0)?.ok_or_else(|| StoreError::Corrupt {
            what: "checkpoint",
            reason: "the genesis checkpoint 0 is missing".into(),
        })?;
        let chain_id = genesis.summary.digest();
        let (checkpoints, _) =
            watch::channel(CheckpointTip { sequence: head.sequence, timestamp_ms: head.timestamp_ms });
        Ok(Self { store, head: Mutex::new(head), info, chain_id, checkpoints, clock_offset_ms: AtomicU64::new(0) })
    }

    fn genesis(store: &Store, config: &GenesisConfig) -> Result<(Head, GenesisInfo), ChainError> {
        let timestamp_ms = now_ms();
        let (objects, info) =
            genesis::build(config, timestamp_ms).map_err(|abort| ChainError::Genesis(abort.to_string()))?;
        let contents = CheckpointContents::new_v1(vec![]);
        let summary = CheckpointSummary {
            epoch: SUI_EPOCH,
            sequence_number: 0,
            network_total_transactions: 0,
            content_digest: contents.digest(),
            previous_digest: None,
            epoch_rolling_gas_cost_summary: GasCostSummary::default(),
            timestamp_ms,
            checkpoint_commitments: vec![],
            end_of_epoch_data: None,
            version_specific_data: vec![],
        };
        let head = Head {
            sequence: 0,
            digest: summary.digest(),
            network_total_transactions: 0,
            timestamp_ms: summary.timestamp_ms,
        };
        let commit = Commit {
            written: objects.into_iter().map(|o| (o, None)).collect(),
            deleted: vec![],
            transaction: None,
            checkpoint: Some((0, StoredCheckpoint { summary, contents, transactions: vec![] })),
        };
        store.put_genesis_info(&info)?;
        store.commit(commit)?;
        Ok((head, info))
    }

    /// What genesis created.
    pub fn info(&self) -> &GenesisInfo {
        &self.info
    }

    /// The chain id: the digest of the genesis checkpoint, as on Sui.
    pub fn chain_id(&self) -> Digest {
        self.chain_id
    }

    /// Follows the latest checkpoint; it changes after every commit.
    pub fn subscribe_checkpoints(&self) -> watch::Receiver<CheckpointTip> {
        self.checkpoints.subscribe()
    }

    /// The store, for queries.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Executes a signed transaction. A rejection changes nothing; otherwise the transaction
    /// (successful or failed, as its effects say) is committed in a new checkpoint.
    pub fn execute(&self, signed: SignedTransaction) -> Result<ExecutedTransaction, Rejection> {
        let mut head = self.head.lock().expect("the chain's lock is never poisoned by a panic-free executor");
        let digest = signed.transaction.digest();
        if let Some(existing) = self.store.transaction(&digest)? {
            // Re-submitting an executed transaction returns its result, as Sui does.
            return Ok(ExecutedTransaction {
                digest,
                effects: existing.effects,
                events: existing.events,
                checkpoint: existing.checkpoint,
            });
        }
        let timestamp_ms = self.clock_ms(&head);
        let executed = execute::execute(&self.store, &signed, SUI_EPOCH, timestamp_ms)?;
        let sequence = head.sequence + 1;
        let signatures = signed.signatures.clone();
        let contents = CheckpointContents::new_v1(vec![CheckpointTransactionInfo::new(
            digest,
            executed.effects.digest(),
            signatures,
        )]);
        let summary = CheckpointSummary {
            epoch: SUI_EPOCH,
            sequence_number: sequence,
            network_total_transactions: head.network_total_transactions + 1,
            content_digest: contents.digest(),
            previous_digest: Some(head.digest),
            epoch_rolling_gas_cost_summary: GasCostSummary::default(),
            timestamp_ms,
            checkpoint_commitments: vec![],
            end_of_epoch_data: None,
            version_specific_data: vec![],
        };
        let summary_digest = summary.digest();
        let mut commit = executed.commit;
        // The `0x6` Clock shows the time of the latest transaction, as Sui's consensus commit
        // prologue sets it before the transactions of a commit.
        if let Some(clock) = self.store.object(&to_object_id(CLOCK_OBJECT))? {
            commit.written.push((clock_at(&clock, timestamp_ms), Some(*clock.owner())));
        }
        commit.transaction = Some((
            digest,
            StoredTransaction {
                transaction: signed,
                effects: executed.effects.clone(),
                events: executed.events.clone(),
                checkpoint: sequence,
                timestamp_ms,
            },
        ));
        commit.checkpoint = Some((sequence, StoredCheckpoint { summary, contents, transactions: vec![digest] }));
        self.store.commit(commit)?;
        head.sequence = sequence;
        head.digest = summary_digest;
        head.network_total_transactions += 1;
        head.timestamp_ms = timestamp_ms;
        // Published under the lock, so subscribers see checkpoints in order.
        self.checkpoints.send_replace(CheckpointTip { sequence, timestamp_ms });
        Ok(ExecutedTransaction { digest, effects: executed.effects, events: executed.events, checkpoint: sequence })
    }

    /// Executes `transaction` without a signature and without committing anything: what
    /// executing it signed would do now. Rejections are those of [`LocalChain::execute`] but
    /// for the signature checks.
    pub fn simulate(&self, transaction: &Transaction) -> Result<SimulatedTransaction, Rejection> {
        // Holding the lock keeps a concurrent commit from changing objects mid-run.
        let head = self.head.lock().expect("the chain's lock is never poisoned by a panic-free executor");
        let executed = execute::dry_run(&self.store, transaction, SUI_EPOCH, self.clock_ms(&head))?;
        let written = executed.commit.written.into_iter().map(|(object, _)| object).collect();
        Ok(SimulatedTransaction {
            effects: executed.effects,
            events: executed.events,
            written,
            return_values: executed.return_values,
        })
    }

    /// The chain's time for the next transaction: the wall clock plus the test offset, never
    /// before the previous checkpoint's time (the chain's time only moves forward).
    fn clock_ms(&self, head: &Head) -> u64 {
        let now = now_ms().saturating_add(self.clock_offset_ms.load(Ordering::Relaxed));
        now.max(head.timestamp_ms)
    }

    /// Moves the chain's clock `ms` milliseconds ahead of the wall clock, for tests of
    /// time-driven contracts (epochs): the next transaction and checkpoint see the new time.
    /// Offsets add up; time never moves backwards.
    pub fn advance_clock_for_testing(&self, ms: u64) {
        self.clock_offset_ms.fetch_add(ms, Ordering::Relaxed);
    }

    /// A checkpoint by sequence number.
    pub fn checkpoint(&self, sequence: u64) -> Result<Option<StoredCheckpoint>, StoreError> {
        self.store.checkpoint(sequence)
    }

    /// A checkpoint by digest, with its sequence number. The store has no digest index, so
    /// this scans from the latest checkpoint backwards: recent checkpoints, the ones clients
    /// ask for, are found first.
    pub fn checkpoint_by_digest(&self, digest: &Digest) -> Result<Option<(u64, StoredCheckpoint)>, StoreError> {
        let latest = self.latest_checkpoint();
        for sequence in (0..=latest).rev() {
            if let Some(checkpoint) = self.store.checkpoint(sequence)?
                && checkpoint.summary.digest() == *digest
            {
                return Ok(Some((sequence, checkpoint)));
            }
        }
        Ok(None)
    }

    /// An executed transaction by digest.
    pub fn transaction(&self, digest: &Digest) -> Result<Option<StoredTransaction>, StoreError> {
        self.store.transaction(digest)
    }

    /// The latest checkpoint's sequence number.
    pub fn latest_checkpoint(&self) -> u64 {
        self.head.lock().expect("never poisoned").sequence
    }

    /// The latest checkpoint's sequence number and timestamp (milliseconds since the Unix epoch).
    /// Never waits for a running execution.
    pub fn latest_checkpoint_time(&self) -> (u64, u64) {
        let tip = *self.checkpoints.borrow();
        (tip.sequence, tip.timestamp_ms)
    }

    /// The latest version of an object.
    pub fn object(&self, id: Address) -> Result<Option<Object>, StoreError> {
        self.store.object(&to_object_id(id))
    }

    /// The objects an address owns.
    pub fn owned_objects(&self, owner: Address) -> Result<Vec<Object>, StoreError> {
        let mut out = Vec::new();
        for id in self.store.owned_by(&to_object_id(owner))? {
            if let Some(object) = self.store.object(&id)? {
                out.push(object);
            }
        }
        Ok(out)
    }

    /// The coins of `kind` an address owns, and their total.
    pub fn balance(&self, owner: Address, kind: CoinKind) -> Result<(Vec<Object>, u128), StoreError> {
        let mut coins = Vec::new();
        let mut total = 0u128;
        for object in self.owned_objects(owner)? {
            let is_kind = match crate::execute::objects::load(&self.store, &object)? {
                Some(Obj::SuiCoin(c)) if kind == CoinKind::Sui => Some(c.value()),
                Some(Obj::Twin(walrus_contracts::objects::Object::Coin(c))) if kind == CoinKind::Wal => Some(c.value()),
                _ => None,
            };
            if let Some(value) = is_kind {
                total += u128::from(value);
                coins.push(object);
            }
        }
        Ok((coins, total))
    }
}
