//! The node's RocksDB database.
//!
//! Column families:
//!
//! | family | key | value |
//! |---|---|---|
//! | `metadata` | blob id (32) | BCS `BlobCommitment` |
//! | `metadata` | blob id (32) ++ pair index (u16 BE) | BCS `SliverPairMetadata` of a pair the node holds |
//! | `blob_state` | blob id | BCS [`BlobState`] |
//! | `event_cursor` | `cursor` / `epoch` | BCS [`EventCursor`] / epoch of the last event (u32 LE) |
//! | `event_cursor` | `change_done` | the last epoch whose `EpochChangeDone` was applied (u32 LE) |
//! | `epochs` | `committee/` ++ epoch (u32 BE) / `handover` | BCS `Committee` of an epoch / the shard handover's progress (`crate::handover`) |
//! | `inconsistency` | blob id | BCS [`StoredInconsistency`] |
//! | `shard-{i}` | blob id ++ kind (0 primary, 1 secondary) | the sliver's bytes |
//!
//! Slivers live in one family per shard (sliver pair index == shard index), so a whole shard can
//! be dropped or moved. Every change that a confirmation or the event cursor depends on is one
//! synced write batch: a crash never loses a confirmed sliver and never applies an event twice
//! or half.

use std::{
    collections::BTreeSet,
    path::Path,
    sync::{Mutex, MutexGuard, RwLock},
};

use rocksdb::{
    ColumnFamilyDescriptor, DBWithThreadMode, IteratorMode, MultiThreaded, Options, WriteBatch, WriteOptions,
};
use serde::{Deserialize, Serialize};
use walrus_contracts::events::{Event, StakingEvent};
use walrus_core::{BlobCommitment, BlobId, InconsistencyProof, SliverKind, SliverPairMetadata};

use crate::{
    chain::EventCursor,
    state::{BlobState, apply_event, event_blob_id, event_epoch},
};

const CF_METADATA: &str = "metadata";
const CF_BLOB_STATE: &str = "blob_state";
const CF_EVENT_CURSOR: &str = "event_cursor";
const CF_INCONSISTENCY: &str = "inconsistency";
/// Epoch bookkeeping: committees by epoch and the shard handover's progress.
const CF_EPOCHS: &str = "epochs";
const FIXED_FAMILIES: [&str; 5] = [CF_METADATA, CF_BLOB_STATE, CF_EVENT_CURSOR, CF_INCONSISTENCY, CF_EPOCHS];
const SHARD_FAMILY_PREFIX: &str = "shard-";
const KEY_CURSOR: &[u8] = b"cursor";
const KEY_EPOCH: &[u8] = b"epoch";
/// The last epoch whose `EpochChangeDone` was applied, written with the event's cursor.
const KEY_CHANGE_DONE_EPOCH: &[u8] = b"change_done";
/// The epoch a new system starts in (`docs/chain.md` §1), assumed until an event says otherwise.
pub const GENESIS_EPOCH: u32 = 1;

type Db = DBWithThreadMode<MultiThreaded>;

/// Why the database failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// RocksDB reported an error.
    #[error("node database error: {0}; check the data directory's permissions and free disk space")]
    Db(#[from] rocksdb::Error),
    /// Stored bytes did not decode.
    #[error("node database holds malformed {what}: {reason}; the data directory is corrupt or from another version")]
    Corrupt {
        /// What was being decoded.
        what: &'static str,
        /// The decoder's message.
        reason: String,
    },
}

/// One sliver pair as the node stores it: its metadata and its two slivers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PairData {
    /// The pair's metadata (index, roots, proof to the blob root).
    pub metadata: SliverPairMetadata,
    /// Primary sliver `metadata.pair_index`.
    pub primary: Vec<u8>,
    /// Secondary sliver `n - 1 - metadata.pair_index`.
    pub secondary: Vec<u8>,
}

/// A verified inconsistency proof the node keeps to serve it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredInconsistency {
    /// The commitment the proof was verified against.
    pub commitment: BlobCommitment,
    /// The proof.
    pub proof: InconsistencyProof,
}

/// What applying one event did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventOutcome {
    /// The event was at or before the stored cursor: nothing changed.
    AlreadyApplied,
    /// The event was applied; for a blob event, its blob id and whether the blob's data was
    /// removed (deleted or invalid).
    Applied {
        /// The blob the event is about.
        blob_id: Option<BlobId>,
        /// True when the blob's slivers and metadata were removed.
        data_removed: bool,
    },
}

/// The node's database.
pub struct Storage {
    db: Db,
    /// Serialises writes that read state first (uploads, events, garbage collection), so that
    /// garbage collection never races an upload of the same blob.
    write_lock: Mutex<()>,
    /// The shards with a family, kept in step with creating and dropping them: asked on every
    /// read request, far cheaper than listing the database's families.
    shard_families: RwLock<BTreeSet<u16>>,
}

fn decode<T: for<'de> Deserialize<'de>>(what: &'static str, bytes: &[u8]) -> Result<T, StorageError> {
    bcs::from_bytes(bytes).map_err(|e| StorageError::Corrupt { what, reason: e.to_string() })
}

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    bcs::to_bytes(value).expect("node records serialize")
}

fn shard_family(shard: u16) -> String {
    format!("{SHARD_FAMILY_PREFIX}{shard}")
}

fn pair_key(blob_id: &BlobId, pair_index: u16) -> Vec<u8> {
    let mut key = blob_id.0.to_vec();
    key.extend_from_slice(&pair_index.to_be_bytes());
    key
}

fn sliver_key(blob_id: &BlobId, kind: SliverKind) -> Vec<u8> {
    let mut key = blob_id.0.to_vec();
    key.push(match kind {
        SliverKind::Primary => 0,
        SliverKind::Secondary => 1,
    });
    key
}

fn synced() -> WriteOptions {
    let mut options = WriteOptions::default();
    options.set_sync(true);
    options
}

impl Storage {
    /// Opens (or creates) the database in `path`, with every shard family it already has.
    pub fn open(path: &Path) -> Result<Self, StorageError> {
        let mut options = Options::default();
        options.create_if_missing(true);
        options.create_missing_column_families(true);
        let existing = Db::list_cf(&options, path).unwrap_or_default();
        let mut families: Vec<String> = FIXED_FAMILIES.iter().map(|s| s.to_string()).collect();
        families.extend(existing.into_iter().filter(|name| name.starts_with(SHARD_FAMILY_PREFIX)));
        let shard_families =
            families.iter().filter_map(|name| name.strip_prefix(SHARD_FAMILY_PREFIX)?.parse().ok()).collect();
        let descriptors = families.into_iter().map(|name| ColumnFamilyDescriptor::new(name, Options::default()));
        let db = Db::open_cf_descriptors(&options, path, descriptors)?;
        Ok(Self { db, write_lock: Mutex::new(()), shard_families: RwLock::new(shard_families) })
    }

    fn lock(&self) -> MutexGuard<'_, ()> {
        self.write_lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn cf(&self, name: &str) -> std::sync::Arc<rocksdb::BoundColumnFamily<'_>> {
        self.db.cf_handle(name).expect("fixed column families are created on open")
    }

    /// Creates the families of `shards` that do not exist yet.
    pub fn ensure_shards(&self, shards: impl IntoIterator<Item = u16>) -> Result<(), StorageError> {
        for shard in shards {
            if self.has_shard(shard) {
                continue;
            }
            // Under the set's lock, so that two writers never both create the family.
            let mut families = self.shard_families.write().unwrap_or_else(|p| p.into_inner());
            let name = shard_family(shard);
            if self.db.cf_handle(&name).is_none() {
                self.db.create_cf(&name, &Options::default())?;
            }
            families.insert(shard);
        }
        Ok(())
    }

    /// True when the database has a family for `shard`.
    pub fn has_shard(&self, shard: u16) -> bool {
        self.shard_families.read().unwrap_or_else(|p| p.into_inner()).contains(&shard)
    }

    /// The shards the database has families for, ascending.
    pub fn shards(&self) -> Vec<u16> {
        self.shard_families.read().unwrap_or_else(|p| p.into_inner()).iter().copied().collect()
    }

    /// Drops a shard's family with every sliver in it (the shard moved to another node).
    pub fn drop_shard(&self, shard: u16) -> Result<(), StorageError> {
        let _guard = self.lock();
        let mut families = self.shard_families.write().unwrap_or_else(|p| p.into_inner());
        let name = shard_family(shard);
        if self.db.cf_handle(&name).is_some() {
            self.db.drop_cf(&name)?;
        }
        families.remove(&shard);
        Ok(())
    }

    /// The cursor of the last applied event.
    pub fn event_cursor(&self) -> Result<Option<EventCursor>, StorageError> {
        self.db.get_cf(&self.cf(CF_EVENT_CURSOR), KEY_CURSOR)?.map(|bytes| decode("event cursor", &bytes)).transpose()
    }

    /// The epoch of the last applied event ([`GENESIS_EPOCH`] before any).
    pub fn events_epoch(&self) -> Result<u32, StorageError> {
        match self.db.get_cf(&self.cf(CF_EVENT_CURSOR), KEY_EPOCH)? {
            None => Ok(GENESIS_EPOCH),
            Some(bytes) => Ok(u32::from_le_bytes(bytes.as_slice().try_into().map_err(|_| StorageError::Corrupt {
                what: "events epoch",
                reason: format!("{} bytes, expected 4", bytes.len()),
            })?)),
        }
    }

    /// The last epoch whose `EpochChangeDone` event was applied, if any.
    pub fn epoch_change_done(&self) -> Result<Option<u32>, StorageError> {
        self.db
            .get_cf(&self.cf(CF_EVENT_CURSOR), KEY_CHANGE_DONE_EPOCH)?
            .map(|bytes| {
                Ok(u32::from_le_bytes(bytes.as_slice().try_into().map_err(|_| StorageError::Corrupt {
                    what: "epoch change done epoch",
                    reason: format!("{} bytes, expected 4", bytes.len()),
                })?))
            })
            .transpose()
    }

    /// A record of the `epochs` family (committees by epoch, handover progress), raw.
    pub fn epoch_record(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.db.get_cf(&self.cf(CF_EPOCHS), key)?)
    }

    /// Writes a record of the `epochs` family (synced).
    pub fn put_epoch_record(&self, key: &[u8], value: &[u8]) -> Result<(), StorageError> {
        self.db.put_cf_opt(&self.cf(CF_EPOCHS), key, value, &synced())?;
        Ok(())
    }

    /// Stores pairs of several blobs in one synced batch (the shard handover's unit of
    /// progress): each `(blob id, commitment, pair)` only while `still_wanted` holds for the
    /// blob's current state, checked under the write lock as in [`Self::store_pairs`]. Returns
    /// how many pairs were stored.
    pub fn store_pairs_of_blobs(
        &self,
        items: &[(BlobId, BlobCommitment, PairData)],
        still_wanted: impl Fn(Option<&BlobState>) -> bool,
    ) -> Result<usize, StorageError> {
        self.ensure_shards(items.iter().map(|(_, _, pair)| pair.metadata.pair_index))?;
        let _guard = self.lock();
        let metadata = self.cf(CF_METADATA);
        let mut batch = WriteBatch::default();
        let mut stored = 0;
        for (blob_id, commitment, pair) in items {
            if !still_wanted(self.blob_state(blob_id)?.as_ref()) {
                continue;
            }
            let index = pair.metadata.pair_index;
            let shard = self.db.cf_handle(&shard_family(index)).expect("created above");
            batch.put_cf(&metadata, blob_id.0, encode(commitment));
            batch.put_cf(&metadata, pair_key(blob_id, index), encode(&pair.metadata));
            batch.put_cf(&shard, sliver_key(blob_id, SliverKind::Primary), &pair.primary);
            batch.put_cf(&shard, sliver_key(blob_id, SliverKind::Secondary), &pair.secondary);
            stored += 1;
        }
        if stored > 0 {
            self.db.write_opt(batch, &synced())?;
        }
        Ok(stored)
    }

    /// Applies one event and moves the cursor to it, in one synced batch. Events at or before
    /// the stored cursor are skipped, so a replay after a restart changes nothing. A blob that
    /// is deleted (no live registration left in the event's epoch) or invalid loses its slivers
    /// and metadata in the same batch.
    pub fn apply_event(&self, cursor: EventCursor, event: &Event) -> Result<EventOutcome, StorageError> {
        let _guard = self.lock();
        if self.event_cursor()?.is_some_and(|stored| stored >= cursor) {
            return Ok(EventOutcome::AlreadyApplied);
        }
        let epoch = self.events_epoch()?.max(event_epoch(event));
        let mut batch = WriteBatch::default();
        let blob_id = event_blob_id(event);
        let mut data_removed = false;
        if let Some(blob_id) = blob_id {
            let old = self.blob_state(&blob_id)?;
            let new = apply_event(old, event);
            match new {
                Some(state) if state.is_garbage(epoch) => {
                    batch.delete_cf(&self.cf(CF_BLOB_STATE), blob_id.0);
                    self.remove_blob_data(&mut batch, &blob_id);
                    data_removed = true;
                }
                Some(state) => {
                    if state.is_invalid() {
                        self.remove_blob_data(&mut batch, &blob_id);
                        data_removed = true;
                    }
                    batch.put_cf(&self.cf(CF_BLOB_STATE), blob_id.0, encode(&state));
                }
                None => {}
            }
        }
        let cursor_cf = self.cf(CF_EVENT_CURSOR);
        if let Event::Staking(StakingEvent::EpochChangeDone(done)) = event {
            // With the cursor, so that a restart never loses the signal to drop lost shards.
            let epoch = self.epoch_change_done()?.map_or(done.epoch, |stored| stored.max(done.epoch));
            batch.put_cf(&cursor_cf, KEY_CHANGE_DONE_EPOCH, epoch.to_le_bytes());
        }
        batch.put_cf(&cursor_cf, KEY_CURSOR, encode(&cursor));
        batch.put_cf(&cursor_cf, KEY_EPOCH, epoch.to_le_bytes());
        self.db.write_opt(batch, &synced())?;
        Ok(EventOutcome::Applied { blob_id, data_removed })
    }

    /// Deletes the commitment, pair metadata and slivers of `blob_id` in `batch`.
    fn remove_blob_data(&self, batch: &mut WriteBatch, blob_id: &BlobId) {
        let metadata = self.cf(CF_METADATA);
        batch.delete_cf(&metadata, blob_id.0);
        batch.delete_range_cf(&metadata, pair_key(blob_id, 0), {
            // One past the last pair key of this blob.
            let mut end = blob_id.0.to_vec();
            end.extend_from_slice(&[0xff, 0xff, 0xff]);
            end
        });
        for shard in self.shards() {
            if let Some(cf) = self.db.cf_handle(&shard_family(shard)) {
                batch.delete_cf(&cf, sliver_key(blob_id, SliverKind::Primary));
                batch.delete_cf(&cf, sliver_key(blob_id, SliverKind::Secondary));
            }
        }
    }

    /// Forgets every blob with no live registration in `epoch` (expired or deleted, not
    /// invalid), with its slivers and metadata, and drops metadata of blobs the node has no
    /// state for. Returns how many blobs were removed.
    pub fn collect_garbage(&self, epoch: u32) -> Result<usize, StorageError> {
        let _guard = self.lock();
        let mut batch = WriteBatch::default();
        let mut removed = 0;
        for (blob_id, state) in self.blob_states()? {
            if state.is_garbage(epoch) {
                batch.delete_cf(&self.cf(CF_BLOB_STATE), blob_id.0);
                batch.delete_cf(&self.cf(CF_INCONSISTENCY), blob_id.0);
                self.remove_blob_data(&mut batch, &blob_id);
                removed += 1;
            }
        }
        // Metadata without state (e.g. its state was forgotten in an earlier run that crashed
        // between the batches of a previous version) is garbage too.
        for blob_id in self.blobs_with_metadata()? {
            if self.blob_state(&blob_id)?.is_none() {
                self.remove_blob_data(&mut batch, &blob_id);
                removed += 1;
            }
        }
        if removed > 0 {
            self.db.write_opt(batch, &synced())?;
        }
        Ok(removed)
    }

    /// The state of `blob_id`, if the node knows it.
    pub fn blob_state(&self, blob_id: &BlobId) -> Result<Option<BlobState>, StorageError> {
        self.db.get_cf(&self.cf(CF_BLOB_STATE), blob_id.0)?.map(|bytes| decode("blob state", &bytes)).transpose()
    }

    /// Every known blob with its state.
    pub fn blob_states(&self) -> Result<Vec<(BlobId, BlobState)>, StorageError> {
        let cf = self.cf(CF_BLOB_STATE);
        let mut out = Vec::new();
        for item in self.db.iterator_cf(&cf, IteratorMode::Start) {
            let (key, value) = item?;
            let id: [u8; 32] = key.as_ref().try_into().map_err(|_| StorageError::Corrupt {
                what: "blob state key",
                reason: format!("{} bytes, expected 32", key.len()),
            })?;
            out.push((BlobId(id), decode("blob state", &value)?));
        }
        Ok(out)
    }

    fn blobs_with_metadata(&self) -> Result<Vec<BlobId>, StorageError> {
        let cf = self.cf(CF_METADATA);
        let mut out = Vec::new();
        for item in self.db.iterator_cf(&cf, IteratorMode::Start) {
            let (key, _) = item?;
            if let Ok(id) = <[u8; 32]>::try_from(key.as_ref()) {
                out.push(BlobId(id));
            }
        }
        Ok(out)
    }

    /// The commitment of `blob_id`, if stored.
    pub fn commitment(&self, blob_id: &BlobId) -> Result<Option<BlobCommitment>, StorageError> {
        self.db.get_cf(&self.cf(CF_METADATA), blob_id.0)?.map(|bytes| decode("blob commitment", &bytes)).transpose()
    }

    /// The metadata of pair `pair_index` of `blob_id`, if stored.
    pub fn pair_metadata(&self, blob_id: &BlobId, pair_index: u16) -> Result<Option<SliverPairMetadata>, StorageError> {
        self.db
            .get_cf(&self.cf(CF_METADATA), pair_key(blob_id, pair_index))?
            .map(|bytes| decode("sliver pair metadata", &bytes))
            .transpose()
    }

    /// The sliver of `kind` of pair (shard) `pair_index`, if stored.
    pub fn sliver(&self, blob_id: &BlobId, pair_index: u16, kind: SliverKind) -> Result<Option<Vec<u8>>, StorageError> {
        let Some(cf) = self.db.cf_handle(&shard_family(pair_index)) else {
            return Ok(None);
        };
        Ok(self.db.get_cf(&cf, sliver_key(blob_id, kind))?)
    }

    /// The whole pair `pair_index` of `blob_id` if its metadata and both slivers are stored.
    pub fn pair(&self, blob_id: &BlobId, pair_index: u16) -> Result<Option<PairData>, StorageError> {
        let Some(metadata) = self.pair_metadata(blob_id, pair_index)? else {
            return Ok(None);
        };
        let primary = self.sliver(blob_id, pair_index, SliverKind::Primary)?;
        let secondary = self.sliver(blob_id, pair_index, SliverKind::Secondary)?;
        Ok(primary.zip(secondary).map(|(primary, secondary)| PairData { metadata, primary, secondary }))
    }

    /// True when the metadata and both slivers of pair `pair_index` are stored.
    pub fn has_pair(&self, blob_id: &BlobId, pair_index: u16) -> Result<bool, StorageError> {
        let cf = self.cf(CF_METADATA);
        if self.db.get_pinned_cf(&cf, pair_key(blob_id, pair_index))?.is_none() {
            return Ok(false);
        }
        let Some(shard) = self.db.cf_handle(&shard_family(pair_index)) else {
            return Ok(false);
        };
        for kind in [SliverKind::Primary, SliverKind::Secondary] {
            if self.db.get_pinned_cf(&shard, sliver_key(blob_id, kind))?.is_none() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Stores the commitment and `pairs` of `blob_id` durably (one synced batch), but only while
    /// `still_wanted` holds for the blob's current state, checked under the write lock so that
    /// an event that deletes or invalidates the blob cannot slip in between. Returns false (and
    /// stores nothing) otherwise. The shards' families are created as needed.
    pub fn store_pairs(
        &self,
        blob_id: &BlobId,
        commitment: &BlobCommitment,
        pairs: &[PairData],
        still_wanted: impl FnOnce(Option<&BlobState>) -> bool,
    ) -> Result<bool, StorageError> {
        self.ensure_shards(pairs.iter().map(|p| p.metadata.pair_index))?;
        let _guard = self.lock();
        if !still_wanted(self.blob_state(blob_id)?.as_ref()) {
            return Ok(false);
        }
        let metadata = self.cf(CF_METADATA);
        let mut batch = WriteBatch::default();
        batch.put_cf(&metadata, blob_id.0, encode(commitment));
        for pair in pairs {
            let index = pair.metadata.pair_index;
            let shard = self.db.cf_handle(&shard_family(index)).expect("created above");
            batch.put_cf(&metadata, pair_key(blob_id, index), encode(&pair.metadata));
            batch.put_cf(&shard, sliver_key(blob_id, SliverKind::Primary), &pair.primary);
            batch.put_cf(&shard, sliver_key(blob_id, SliverKind::Secondary), &pair.secondary);
        }
        self.db.write_opt(batch, &synced())?;
        Ok(true)
    }

    /// Keeps a verified inconsistency proof for `blob_id` (synced).
    pub fn store_inconsistency(&self, blob_id: &BlobId, stored: &StoredInconsistency) -> Result<(), StorageError> {
        self.db.put_cf_opt(&self.cf(CF_INCONSISTENCY), blob_id.0, encode(stored), &synced())?;
        Ok(())
    }

    /// The inconsistency proof kept for `blob_id`, if any.
    pub fn inconsistency(&self, blob_id: &BlobId) -> Result<Option<StoredInconsistency>, StorageError> {
        self.db
            .get_cf(&self.cf(CF_INCONSISTENCY), blob_id.0)?
            .map(|bytes| decode("inconsistency proof", &bytes))
            .transpose()
    }

    /// An estimate of the slivers stored across all shards (RocksDB's key count estimate).
    pub fn estimated_sliver_count(&self) -> u64 {
        self.shards()
            .into_iter()
            .filter_map(|shard| {
                let cf = self.db.cf_handle(&shard_family(shard))?;
                self.db.property_int_value_cf(&cf, "rocksdb.estimate-num-keys").ok().flatten()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use walrus_contracts::{
        ObjectId, U256,
        events::{BlobDeleted, BlobRegistered, EpochAdvanced},
    };
    use walrus_core::{EncodingConfig, encode as encode_blob};

    use super::*;

    fn cursor(checkpoint: u64) -> EventCursor {
        EventCursor { checkpoint, transaction_index: 0, event_index: 0 }
    }

    fn registered(blob_id: BlobId, deletable: bool, end_epoch: u32) -> Event {
        Event::BlobRegistered(BlobRegistered {
            epoch: 1,
            blob_id: U256(blob_id.0),
            size: 10,
            encoding_type: 1,
            end_epoch,
            deletable,
            object_id: ObjectId([1; 32]),
        })
    }

    fn pairs_of(encoded: &walrus_core::EncodedBlob<'_>, range: std::ops::Range<usize>) -> Vec<PairData> {
        range
            .map(|p| {
                let (primary, secondary) = encoded.sliver_pair(p);
                PairData {
                    metadata: encoded.pair_metadata(p),
                    primary: primary.to_vec(),
                    secondary: secondary.to_vec(),
                }
            })
            .collect()
    }

    #[test]
    fn events_apply_once_and_the_cursor_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let blob_id = BlobId([3; 32]);
        {
            let storage = Storage::open(dir.path()).unwrap();
            assert_eq!(storage.event_cursor().unwrap(), None);
            let outcome = storage.apply_event(cursor(1), &registered(blob_id, false, 5)).unwrap();
            assert_eq!(outcome, EventOutcome::Applied { blob_id: Some(blob_id), data_removed: false });
            assert_eq!(
                storage.apply_event(cursor(1), &registered(blob_id, false, 9)).unwrap(),
                EventOutcome::AlreadyApplied
            );
        }
        let storage = Storage::open(dir.path()).unwrap();
        assert_eq!(storage.event_cursor().unwrap(), Some(cursor(1)));
        // The replayed event with another end epoch was not applied.
        let state = storage.blob_state(&blob_id).unwrap().unwrap();
        assert_eq!(state.end_epoch(1), Some(5));
    }

    #[test]
    fn slivers_are_stored_per_shard_and_removed_with_the_blob() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::open(dir.path()).unwrap();
        let config = EncodingConfig::new(4).unwrap();
        let data = vec![5u8; 300];
        let encoded = encode_blob(&config, &data, 1).unwrap();
        let blob_id = encoded.blob_id();
        storage.apply_event(cursor(1), &registered(blob_id, true, 3)).unwrap();
        let pairs = pairs_of(&encoded, 1..3);
        assert!(storage.store_pairs(&blob_id, &encoded.metadata().commitment, &pairs, |s| s.is_some()).unwrap());
        assert_eq!(storage.shards(), vec![1, 2]);
        assert!(storage.has_pair(&blob_id, 1).unwrap());
        assert!(!storage.has_pair(&blob_id, 0).unwrap());
        assert_eq!(storage.pair(&blob_id, 2).unwrap().unwrap(), pairs[1]);

        // Deleting the only registration removes everything in the event's batch.
        let deleted = Event::BlobDeleted(BlobDeleted {
            epoch: 1,
            blob_id: U256(blob_id.0),
            end_epoch: 3,
            object_id: ObjectId([1; 32]),
            was_certified: false,
        });
        let outcome = storage.apply_event(cursor(2), &deleted).unwrap();
        assert_eq!(outcome, EventOutcome::Applied { blob_id: Some(blob_id), data_removed: true });
        assert!(!storage.has_pair(&blob_id, 1).unwrap());
        assert_eq!(storage.commitment(&blob_id).unwrap(), None);
        assert_eq!(storage.blob_state(&blob_id).unwrap(), None);
        // An upload racing the deletion stores nothing.
        assert!(!storage.store_pairs(&blob_id, &encoded.metadata().commitment, &pairs, |s| s.is_some()).unwrap());
        assert!(!storage.has_pair(&blob_id, 1).unwrap());
    }

    #[test]
    fn expired_blobs_are_collected() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::open(dir.path()).unwrap();
        let config = EncodingConfig::new(4).unwrap();
        let data = vec![9u8; 100];
        let encoded = encode_blob(&config, &data, 1).unwrap();
        let blob_id = encoded.blob_id();
        storage.apply_event(cursor(1), &registered(blob_id, false, 2)).unwrap();
        storage.store_pairs(&blob_id, &encoded.metadata().commitment, &pairs_of(&encoded, 0..1), |_| true).unwrap();
        assert_eq!(storage.collect_garbage(1).unwrap(), 0);
        storage.apply_event(cursor(2), &Event::EpochAdvanced(EpochAdvanced { epoch: 2, released_funds: 0 })).unwrap();
        assert_eq!(storage.events_epoch().unwrap(), 2);
        assert_eq!(storage.collect_garbage(2).unwrap(), 1);
        assert!(!storage.has_pair(&blob_id, 0).unwrap());
        assert_eq!(storage.blob_state(&blob_id).unwrap(), None);
        storage.drop_shard(0).unwrap();
        assert!(storage.shards().is_empty());
    }
}
