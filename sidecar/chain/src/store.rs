//! RocksDB storage of the local chain: objects (latest and every version), the owner and
//! dynamic-field indexes, transactions with effects and events, and checkpoints. Each executed
//! transaction is committed in one synced write batch, so a crash loses nothing committed and
//! never leaves half a transaction.

use std::path::Path;

use rocksdb::{ColumnFamilyDescriptor, DB, IteratorMode, Options, WriteBatch, WriteOptions};
use serde::{Deserialize, Serialize};
use sui_sdk_types::{
    CheckpointContents, CheckpointSummary, Digest, Object, Owner, SignedTransaction, TransactionEffects,
    TransactionEvents,
};
use walrus_contracts::ObjectId;

use crate::types::to_object_id;

const CF_OBJECTS: &str = "objects";
const CF_OBJECT_VERSIONS: &str = "object_versions";
const CF_OWNED: &str = "owned";
const CF_CHILDREN: &str = "children";
const CF_TRANSACTIONS: &str = "transactions";
const CF_CHECKPOINTS: &str = "checkpoints";
const CF_META: &str = "meta";
const META_LATEST_CHECKPOINT: &[u8] = b"latest_checkpoint";
const META_GENESIS_INFO: &[u8] = b"genesis_info";

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// RocksDB reported an error.
    #[error("chain database error: {0}; check the data directory's permissions and free disk space")]
    Db(#[from] rocksdb::Error),
    /// Stored bytes did not decode.
    #[error("chain database holds malformed {what}: {reason}; the data directory is corrupt or from another version")]
    Corrupt {
        /// What was being decoded.
        what: &'static str,
        /// The decoder's message.
        reason: String,
    },
}

/// A transaction as stored: what was signed, what it did, and where it landed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredTransaction {
    /// The signed transaction.
    pub transaction: SignedTransaction,
    /// Its effects.
    pub effects: TransactionEffects,
    /// Its events, if any.
    pub events: Option<TransactionEvents>,
    /// The checkpoint that contains it.
    pub checkpoint: u64,
    /// When it was executed.
    pub timestamp_ms: u64,
}

/// A checkpoint as stored.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredCheckpoint {
    /// The summary.
    pub summary: CheckpointSummary,
    /// The contents (transactions with effects digests).
    pub contents: CheckpointContents,
    /// The transaction digests, in order.
    pub transactions: Vec<Digest>,
}

/// Everything one transaction changes, committed atomically.
#[derive(Debug, Default)]
pub struct Commit {
    /// Objects written, each with its owner before the transaction (None if new).
    pub written: Vec<(Object, Option<Owner>)>,
    /// Objects deleted, with their owner before the transaction.
    pub deleted: Vec<(ObjectId, Owner)>,
    /// The transaction record.
    pub transaction: Option<(Digest, StoredTransaction)>,
    /// The checkpoint record.
    pub checkpoint: Option<(u64, StoredCheckpoint)>,
}

/// The chain's database.
pub struct Store {
    db: DB,
}

fn decode<T: for<'de> Deserialize<'de>>(what: &'static str, bytes: &[u8]) -> Result<T, StoreError> {
    bcs::from_bytes(bytes).map_err(|e| StoreError::Corrupt { what, reason: e.to_string() })
}

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    bcs::to_bytes(value).expect("chain records serialize")
}

fn version_key(id: &ObjectId, version: u64) -> Vec<u8> {
    let mut key = id.0.to_vec();
    key.extend_from_slice(&version.to_be_bytes());
    key
}

fn pair_key(a: &[u8; 32], b: &[u8; 32]) -> Vec<u8> {
    let mut key = a.to_vec();
    key.extend_from_slice(b);
    key
}

impl Store {
    /// Opens (or creates) the database under `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let mut options = Options::default();
        options.create_if_missing(true);
        options.create_missing_column_families(true);
        let families =
            [CF_OBJECTS, CF_OBJECT_VERSIONS, CF_OWNED, CF_CHILDREN, CF_TRANSACTIONS, CF_CHECKPOINTS, CF_META]
                .into_iter()
                .map(|name| ColumnFamilyDescriptor::new(name, Options::default()));
        Ok(Self { db: DB::open_cf_descriptors(&options, path, families)? })
    }

    fn cf(&self, name: &str) -> &rocksdb::ColumnFamily {
        self.db.cf_handle(name).expect("column families are created at open")
    }

    /// The latest version of an object.
    pub fn object(&self, id: &ObjectId) -> Result<Option<Object>, StoreError> {
        self.db.get_cf(self.cf(CF_OBJECTS), id.0)?.map(|b| decode("object", &b)).transpose()
    }

    /// An object at a given version.
    pub fn object_at(&self, id: &ObjectId, version: u64) -> Result<Option<Object>, StoreError> {
        self.db.get_cf(self.cf(CF_OBJECT_VERSIONS), version_key(id, version))?.map(|b| decode("object", &b)).transpose()
    }

    fn ids_with_prefix(&self, cf: &str, prefix: &[u8; 32]) -> Result<Vec<ObjectId>, StoreError> {
        let mut ids = Vec::new();
        let iter = self.db.iterator_cf(self.cf(cf), IteratorMode::From(prefix, rocksdb::Direction::Forward));
        for item in iter {
            let (key, _) = item?;
            if !key.starts_with(prefix) {
                break;
            }
            let id: [u8; 32] = key[32..]
                .try_into()
                .map_err(|_| StoreError::Corrupt { what: "index key", reason: format!("{} bytes", key.len()) })?;
            ids.push(ObjectId(id));
        }
        Ok(ids)
    }

    /// Ids of the objects an address owns.
    pub fn owned_by(&self, owner: &ObjectId) -> Result<Vec<ObjectId>, StoreError> {
        self.ids_with_prefix(CF_OWNED, &owner.0)
    }

    /// Ids of an object's children (its dynamic fields).
    pub fn children(&self, parent: &ObjectId) -> Result<Vec<ObjectId>, StoreError> {
        self.ids_with_prefix(CF_CHILDREN, &parent.0)
    }

    /// A transaction by digest.
    pub fn transaction(&self, digest: &Digest) -> Result<Option<StoredTransaction>, StoreError> {
        self.db.get_cf(self.cf(CF_TRANSACTIONS), digest.inner())?.map(|b| decode("transaction", &b)).transpose()
    }

    /// A checkpoint by sequence number.
    pub fn checkpoint(&self, sequence: u64) -> Result<Option<StoredCheckpoint>, StoreError> {
        self.db.get_cf(self.cf(CF_CHECKPOINTS), sequence.to_be_bytes())?.map(|b| decode("checkpoint", &b)).transpose()
    }

    /// The latest checkpoint's sequence number.
    pub fn latest_checkpoint(&self) -> Result<Option<u64>, StoreError> {
        self.db.get_cf(self.cf(CF_META), META_LATEST_CHECKPOINT)?.map(|b| decode("checkpoint number", &b)).transpose()
    }

    /// What genesis created, if genesis ran.
    pub fn genesis_info(&self) -> Result<Option<crate::genesis::GenesisInfo>, StoreError> {
        self.db.get_cf(self.cf(CF_META), META_GENESIS_INFO)?.map(|b| decode("genesis info", &b)).transpose()
    }

    /// Records what genesis created (before the genesis commit, which marks genesis as done).
    pub fn put_genesis_info(&self, info: &crate::genesis::GenesisInfo) -> Result<(), StoreError> {
        self.db.put_cf(self.cf(CF_META), META_GENESIS_INFO, encode(info))?;
        Ok(())
    }

    /// Applies a commit atomically and durably.
    pub fn commit(&self, commit: Commit) -> Result<(), StoreError> {
        let mut batch = WriteBatch::default();
        for (object, previous_owner) in &commit.written {
            let id = to_object_id(object.object_id());
            if let Some(previous) = previous_owner {
                self.unindex(&mut batch, &id, previous);
            }
            self.index(&mut batch, &id, object.owner());
            let bytes = encode(object);
            batch.put_cf(self.cf(CF_OBJECTS), id.0, &bytes);
            batch.put_cf(self.cf(CF_OBJECT_VERSIONS), version_key(&id, object.version()), &bytes);
        }
        for (id, previous_owner) in &commit.deleted {
            self.unindex(&mut batch, id, previous_owner);
            batch.delete_cf(self.cf(CF_OBJECTS), id.0);
        }
        if let Some((digest, record)) = &commit.transaction {
            batch.put_cf(self.cf(CF_TRANSACTIONS), digest.inner(), encode(record));
        }
        if let Some((sequence, record)) = &commit.checkpoint {
            batch.put_cf(self.cf(CF_CHECKPOINTS), sequence.to_be_bytes(), encode(record));
            batch.put_cf(self.cf(CF_META), META_LATEST_CHECKPOINT, encode(sequence));
        }
        let mut options = WriteOptions::default();
        options.set_sync(true);
        self.db.write_opt(batch, &options)?;
        Ok(())
    }

    fn index(&self, batch: &mut WriteBatch, id: &ObjectId, owner: &Owner) {
        match owner {
            Owner::Address(a) | Owner::ConsensusAddress { owner: a, .. } => {
                batch.put_cf(self.cf(CF_OWNED), pair_key(a.inner(), &id.0), [])
            }
            Owner::Object(parent) => batch.put_cf(self.cf(CF_CHILDREN), pair_key(parent.inner(), &id.0), []),
            _ => {}
        }
    }

    fn unindex(&self, batch: &mut WriteBatch, id: &ObjectId, owner: &Owner) {
        match owner {
            Owner::Address(a) | Owner::ConsensusAddress { owner: a, .. } => {
                batch.delete_cf(self.cf(CF_OWNED), pair_key(a.inner(), &id.0))
            }
            Owner::Object(parent) => batch.delete_cf(self.cf(CF_CHILDREN), pair_key(parent.inner(), &id.0)),
            _ => {}
        }
    }
}
