//! The parts of the Sui framework the packages use, with their BCS layouts: object ids,
//! `u256`, `Balance`, `Coin`, `VecMap`, `Table`, and the transaction context that creates ids,
//! collects events and records shared and transferred objects.

use std::collections::BTreeMap;

use blake2::{Blake2b, Digest as _, digest::consts::U32};
use serde::{Deserialize, Serialize};

use crate::{
    abort::{AbortCode, MoveResult, ensure},
    events::Event,
    objects::Object,
};

/// An object id (`ID`, `UID`) or address: 32 bytes in BCS.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ObjectId(pub [u8; 32]);

/// A Sui address.
pub type Address = ObjectId;

/// A Move `u256`, as its 32 little-endian BCS bytes. Blob ids and root hashes are the 32 hash
/// bytes in order, so they convert without reordering.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct U256(pub [u8; 32]);

impl From<walrus_core::BlobId> for U256 {
    fn from(id: walrus_core::BlobId) -> Self {
        Self(id.0)
    }
}

/// `0x2::balance::Balance<T>`: `{ value: u64 }`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    /// The amount in base units.
    pub value: u64,
}

/// `0x2::balance::ENotEnough`.
pub const BALANCE_E_NOT_ENOUGH: AbortCode = AbortCode::new("0x2::balance", "ENotEnough", 2);

impl Balance {
    /// A balance of `value`.
    pub fn new(value: u64) -> Self {
        Self { value }
    }

    /// Takes `amount` out (`balance::split`).
    pub fn split(&mut self, amount: u64) -> MoveResult<Balance> {
        ensure(self.value >= amount, BALANCE_E_NOT_ENOUGH)?;
        self.value -= amount;
        Ok(Balance { value: amount })
    }

    /// Adds `other` (`balance::join`).
    pub fn join(&mut self, other: Balance) {
        self.value = self.value.checked_add(other.value).expect("total WAL supply fits u64");
    }

    /// Takes everything (`balance::withdraw_all`).
    pub fn withdraw_all(&mut self) -> Balance {
        Balance { value: std::mem::take(&mut self.value) }
    }
}

/// `0x2::coin::Coin<T>`: `{ id: UID, balance: Balance<T> }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coin {
    /// The coin's object id.
    pub id: ObjectId,
    /// Its balance.
    pub balance: Balance,
}

impl Coin {
    /// `coin::value`.
    pub fn value(&self) -> u64 {
        self.balance.value
    }

    /// `coin::from_balance`.
    pub fn from_balance(balance: Balance, ctx: &mut TxContext) -> Self {
        Self { id: ctx.fresh_id(), balance }
    }
}

/// `0x2::vec_map::VecMap<K, V>`: entries in insertion order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VecMap<K, V> {
    /// The entries.
    pub contents: Vec<Entry<K, V>>,
}

/// One `VecMap` entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry<K, V> {
    /// The key.
    pub key: K,
    /// The value.
    pub value: V,
}

impl<K: PartialEq, V> Default for VecMap<K, V> {
    fn default() -> Self {
        Self { contents: Vec::new() }
    }
}

impl<K: PartialEq, V> VecMap<K, V> {
    /// Index of `key`.
    pub fn position(&self, key: &K) -> Option<usize> {
        self.contents.iter().position(|e| e.key == *key)
    }

    /// `vec_map::contains`.
    pub fn contains(&self, key: &K) -> bool {
        self.position(key).is_some()
    }

    /// `vec_map::get`.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.position(key).map(|i| &self.contents[i].value)
    }

    /// `vec_map::get_mut`.
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.position(key).map(|i| &mut self.contents[i].value)
    }

    /// `vec_map::insert`; the caller checks absence first, as Move's `insert` aborts otherwise.
    pub fn insert(&mut self, key: K, value: V) {
        assert!(!self.contains(&key), "vec_map::insert on an existing key; callers check contains first");
        self.contents.push(Entry { key, value });
    }

    /// `vec_map::remove`: takes the entry out, keeping the others in insertion order.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        self.position(key).map(|i| self.contents.remove(i).value)
    }
}

/// `0x2::table::Table<K, V>`: in BCS only `{ id: UID, size: u64 }`; the entries are dynamic
/// fields of the table object, which the chain stores as child objects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
// Only the id and size are (de)serialized, so neither needs bounds on the entry types.
#[serde(bound = "")]
pub struct Table<K: Ord, V> {
    /// The table object's id.
    pub id: ObjectId,
    /// Number of entries.
    pub size: u64,
    /// The entries (not part of the BCS bytes).
    #[serde(skip)]
    pub entries: BTreeMap<K, V>,
}

impl<K: Ord, V> Table<K, V> {
    /// `table::new`.
    pub fn new(ctx: &mut TxContext) -> Self {
        Self { id: ctx.fresh_id(), size: 0, entries: BTreeMap::new() }
    }

    /// `table::contains`.
    pub fn contains(&self, key: &K) -> bool {
        self.entries.contains_key(key)
    }

    /// `table::add`; the caller checks absence first, as Move's `add` aborts otherwise.
    pub fn add(&mut self, key: K, value: V) {
        let previous = self.entries.insert(key, value);
        assert!(previous.is_none(), "table::add on an existing key; callers check contains first");
        self.size += 1;
    }

    /// `table::borrow`; `None` where Move aborts in `sui::dynamic_field`.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.entries.get(key)
    }

    /// `table::borrow_mut`; `None` where Move aborts in `sui::dynamic_field`.
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.entries.get_mut(key)
    }
}

/// `0x2::dynamic_field::EFieldDoesNotExist`: a table or dynamic field lookup of a missing key.
pub const DYNAMIC_FIELD_E_FIELD_DOES_NOT_EXIST: AbortCode =
    AbortCode::new("0x2::dynamic_field", "EFieldDoesNotExist", 1);

/// `0x2::clock::Clock`: `{ id: UID, timestamp_ms: u64 }`, the shared object at `0x6`. Move
/// functions only ever read it (`&Clock`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// Always `0x6`.
    pub id: ObjectId,
    /// Milliseconds since the Unix epoch, as of the transaction.
    pub timestamp_ms: u64,
}

impl Clock {
    /// The clock's object id, `0x6`.
    pub const ID: ObjectId = ObjectId({
        let mut id = [0u8; 32];
        id[31] = 6;
        id
    });

    /// A clock at `timestamp_ms` (`clock::create_for_testing` + `set_for_testing` in Move).
    pub fn at(timestamp_ms: u64) -> Self {
        Self { id: Self::ID, timestamp_ms }
    }

    /// `clock::timestamp_ms`.
    pub fn timestamp_ms(&self) -> u64 {
        self.timestamp_ms
    }
}

/// `0x2::versioned::Versioned`: `{ id: UID, version: u64 }` (the state it versions is a dynamic
/// field of `id`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Versioned {
    /// The id the versioned state hangs off.
    pub id: ObjectId,
    /// The state's version.
    pub version: u64,
}

/// `0x2::random::Random`: `{ id: UID, inner: Versioned }`, the shared object at `0x8`. Move
/// functions take it as `&Random` only, and only non-public `entry` functions may take it.
///
/// On Sui the randomness beacon's latest output (`RandomInner.random_bytes`) is a dynamic field
/// of `inner`, updated by the validators every round. The local chain has no beacon: it supplies
/// each transaction's bytes itself ([`Random::for_transaction`], derived from the transaction
/// digest), which makes them predictable to the sender. Local only; a real network uses Sui's
/// beacon.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Random {
    /// Always `0x8`.
    pub id: ObjectId,
    /// The versioned state's handle.
    pub inner: Versioned,
    /// The randomness of the current transaction (not part of the BCS bytes).
    #[serde(skip)]
    pub random_bytes: [u8; 32],
}

/// Domain separation of the local chain's per-transaction randomness.
const LOCAL_RANDOMNESS_DOMAIN: &[u8] = b"walrus-local-chain-randomness";

impl Random {
    /// The object id of `Random`, `0x8`.
    pub const ID: ObjectId = ObjectId({
        let mut id = [0u8; 32];
        id[31] = 8;
        id
    });

    /// The object as genesis creates it (state version 1), with no randomness yet.
    pub fn new(versioned_id: ObjectId) -> Self {
        Self { id: Self::ID, inner: Versioned { id: versioned_id, version: 1 }, random_bytes: [0; 32] }
    }

    /// The object as the transaction with digest `tx_digest` sees it: its randomness is
    /// `Blake2b-256("walrus-local-chain-randomness" || tx_digest)`. Local chain only.
    pub fn for_transaction(mut self, tx_digest: [u8; 32]) -> Self {
        let mut hasher = Blake2b::<U32>::new();
        hasher.update(LOCAL_RANDOMNESS_DOMAIN);
        hasher.update(tx_digest);
        self.random_bytes = hasher.finalize().into();
        self
    }

    /// `random::new_generator`: a generator unique to this call, seeded from the transaction's
    /// randomness and a fresh object address (as on Sui, which uses HMAC-SHA3-256 where the
    /// local chain uses Blake2b-256).
    pub fn new_generator(&self, ctx: &mut TxContext) -> RandomGenerator {
        let address = ctx.fresh_id();
        let mut hasher = Blake2b::<U32>::new();
        hasher.update(self.random_bytes);
        hasher.update(address.0);
        RandomGenerator { seed: hasher.finalize().into(), counter: 0, buffer: Vec::new() }
    }
}

/// `0x2::random::RandomGenerator`: 32-byte blocks `H(seed || counter)`, consumed as Sui does.
#[derive(Clone, Debug)]
pub struct RandomGenerator {
    seed: [u8; 32],
    counter: u16,
    buffer: Vec<u8>,
}

impl RandomGenerator {
    fn derive_next_block(&mut self) -> [u8; 32] {
        // Sui aborts on the overflow of its u16 counter (more than 2 MiB from one generator).
        self.counter = self.counter.checked_add(1).expect("at most u16::MAX blocks per generator, as on Sui");
        let mut hasher = Blake2b::<U32>::new();
        hasher.update(self.seed);
        hasher.update(self.counter.to_le_bytes());
        hasher.finalize().into()
    }

    /// `random::generate_bytes`: whole blocks first, the rest from the back of a buffered block.
    pub fn generate_bytes(&mut self, num_of_bytes: u16) -> Vec<u8> {
        let mut result = Vec::with_capacity(usize::from(num_of_bytes));
        for _ in 0..num_of_bytes / 32 {
            result.extend_from_slice(&self.derive_next_block());
        }
        let remaining = usize::from(num_of_bytes) - result.len();
        if self.buffer.len() < remaining {
            let block = self.derive_next_block();
            self.buffer.extend_from_slice(&block);
        }
        for _ in 0..remaining {
            result.push(self.buffer.pop().expect("the buffer holds the remaining bytes"));
        }
        result
    }
}

/// Sui's `TxContext` for one transaction: the sender, the digest new object ids derive from, and
/// what the transaction produced (events, shared and transferred objects).
#[derive(Debug)]
pub struct TxContext {
    sender: Address,
    digest: [u8; 32],
    ids_created: u64,
    events: Vec<Event>,
    shared: Vec<Object>,
    frozen: Vec<Object>,
    transferred: Vec<(Address, Object)>,
}

impl TxContext {
    /// The context of a transaction with this digest, sent by `sender`.
    pub fn new(sender: Address, digest: [u8; 32]) -> Self {
        Self {
            sender,
            digest,
            ids_created: 0,
            events: Vec::new(),
            shared: Vec::new(),
            frozen: Vec::new(),
            transferred: Vec::new(),
        }
    }

    /// The sender.
    pub fn sender(&self) -> Address {
        self.sender
    }

    /// The transaction digest.
    pub fn digest(&self) -> [u8; 32] {
        self.digest
    }

    /// A new object id, derived as Sui does:
    /// `Blake2b-256(0xf1 || tx_digest || ids_created as u64 LE)`.
    pub fn fresh_id(&mut self) -> ObjectId {
        let mut hasher = Blake2b::<U32>::new();
        hasher.update([0xf1]);
        hasher.update(self.digest);
        hasher.update(self.ids_created.to_le_bytes());
        self.ids_created += 1;
        ObjectId(hasher.finalize().into())
    }

    /// `event::emit`.
    pub fn emit(&mut self, event: Event) {
        self.events.push(event);
    }

    /// `transfer::share_object`.
    pub fn share(&mut self, object: Object) {
        self.shared.push(object);
    }

    /// `transfer::public_freeze_object`: the object becomes immutable.
    pub fn freeze(&mut self, object: Object) {
        self.frozen.push(object);
    }

    /// Objects frozen so far.
    pub fn frozen(&self) -> &[Object] {
        &self.frozen
    }

    /// `transfer::transfer` / `public_transfer`.
    pub fn transfer(&mut self, object: Object, recipient: Address) {
        self.transferred.push((recipient, object));
    }

    /// Events emitted so far, in order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Objects shared so far.
    pub fn shared(&self) -> &[Object] {
        &self.shared
    }

    /// Objects transferred so far, with their recipients.
    pub fn transferred(&self) -> &[(Address, Object)] {
        &self.transferred
    }

    /// Takes what the transaction produced.
    pub fn into_effects(self) -> Effects {
        Effects { events: self.events, shared: self.shared, frozen: self.frozen, transferred: self.transferred }
    }
}

/// What a transaction produced besides the values its calls returned.
#[derive(Debug)]
pub struct Effects {
    /// Events, in order.
    pub events: Vec<Event>,
    /// Newly shared objects.
    pub shared: Vec<Object>,
    /// Newly frozen (immutable) objects.
    pub frozen: Vec<Object>,
    /// Transferred objects and their recipients.
    pub transferred: Vec<(Address, Object)>,
}
