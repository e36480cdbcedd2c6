//! The scenario helpers the twin's tests share, mirroring `walrus::test_utils` in Move: the
//! same test system (10 shards, prices 1000 / 2000 per MiB, 1 GiB capacity, 5 epochs ahead) and
//! the committee of `tests/vectors/certificates.json`.

#![allow(dead_code)]

use std::{cell::Cell, path::PathBuf};

use serde::Deserialize;
use walrus_contracts::{
    Coin, MoveResult, ObjectId, TxContext, U256,
    blob::Blob,
    encoding,
    framework::Balance,
    objects::Object,
    storage_resource::Storage,
    system::{self, AdminCap, System},
};
use walrus_core::messages::{ProtocolKeyPair, aggregate_signatures};

pub const N_SHARDS: u16 = 10;
pub const STORAGE_PRICE: u64 = 1_000;
pub const WRITE_PRICE: u64 = 2_000;
pub const CAPACITY: u64 = 1 << 30;
pub const MAX_EPOCHS_AHEAD: u32 = 5;
pub const MIB: u64 = 1 << 20;
pub const ADMIN: ObjectId = ObjectId([0xAD; 32]);
pub const USER: ObjectId = ObjectId([0xB0; 32]);

/// Asserts that a twin call aborts with `code`.
#[macro_export]
macro_rules! assert_aborts {
    ($call:expr, $code:expr) => {
        match $call {
            Err(abort) => assert_eq!(abort.code(), $code, "aborted with another code: {abort}"),
            Ok(_) => panic!("expected an abort with {:?}", $code),
        }
    };
}

thread_local! {
    static TX_COUNTER: Cell<u64> = const { Cell::new(0) };
}

/// A context for a new transaction by `sender` (distinct digests, so distinct object ids).
pub fn tx(sender: ObjectId) -> TxContext {
    let n = TX_COUNTER.with(|c| {
        let v = c.get() + 1;
        c.set(v);
        v
    });
    let mut digest = [0u8; 32];
    digest[..8].copy_from_slice(&n.to_le_bytes());
    TxContext::new(sender, digest)
}

#[derive(Deserialize)]
pub struct Vectors {
    pub committee: Vec<Member>,
    pub messages: Vec<VectorMessage>,
}

#[derive(Deserialize)]
pub struct Member {
    pub node_id_hex: String,
    pub secret_key_hex: String,
    pub public_key_hex: String,
    pub shards: u16,
}

#[derive(Deserialize)]
pub struct VectorMessage {
    pub name: String,
    pub root_hash_hex: String,
    pub blob_id_hex: String,
    pub unencoded_size: u64,
    pub object_id_hex: Option<String>,
    pub message_hex: String,
    pub certificates: Vec<VectorCertificate>,
}

#[derive(Deserialize)]
pub struct VectorCertificate {
    pub name: String,
    pub signers_bitmap_hex: String,
    pub signature_hex: String,
}

pub fn vectors() -> Vectors {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/certificates.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn bytes32(hex_text: &str) -> [u8; 32] {
    hex::decode(hex_text).unwrap().try_into().unwrap()
}

pub fn node_ids() -> Vec<ObjectId> {
    vectors().committee.iter().map(|m| ObjectId(bytes32(&m.node_id_hex))).collect()
}

pub fn public_keys() -> Vec<Vec<u8>> {
    vectors().committee.iter().map(|m| hex::decode(&m.public_key_hex).unwrap()).collect()
}

pub fn network_addresses() -> Vec<String> {
    (1..=4).map(|i| format!("127.0.0.1:910{i}")).collect()
}

pub fn shard_counts() -> Vec<u16> {
    vectors().committee.iter().map(|m| m.shards).collect()
}

pub fn keys() -> Vec<ProtocolKeyPair> {
    vectors()
        .committee
        .iter()
        .map(|m| ProtocolKeyPair::from_secret_bytes(&hex::decode(&m.secret_key_hex).unwrap()).unwrap())
        .collect()
}

/// The vector message called `name` and its certificate called `certificate`:
/// (message, signature, bitmap).
pub fn vector_certificate(name: &str, certificate: &str) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let v = vectors();
    let m = v.messages.iter().find(|m| m.name == name).unwrap();
    let c = m.certificates.iter().find(|c| c.name == certificate).unwrap();
    (
        hex::decode(&m.message_hex).unwrap(),
        hex::decode(&c.signature_hex).unwrap(),
        hex::decode(&c.signers_bitmap_hex).unwrap(),
    )
}

/// A certificate by `signers` (member indices) over `message`: (signature, bitmap).
pub fn certificate(message: &[u8], signers: &[usize]) -> (Vec<u8>, Vec<u8>) {
    let keys = keys();
    let signatures: Vec<_> = signers.iter().map(|&i| keys[i].sign(message)).collect();
    let mut bitmap = vec![0u8; keys.len().div_ceil(8)];
    for &i in signers {
        bitmap[i / 8] |= 1 << (i % 8);
    }
    (aggregate_signatures(&signatures).unwrap().to_vec(), bitmap)
}

/// Members 1, 2, 3: 9 of 10 shards, a quorum.
pub const QUORUM: [usize; 3] = [1, 2, 3];
/// Members 0, 1, 2: 6 of 10 shards, validity but no quorum.
pub const SUB_QUORUM: [usize; 3] = [0, 1, 2];
/// Members 0, 1: 3 of 10 shards, below validity.
pub const BELOW_VALIDITY: [usize; 2] = [0, 1];

/// Publishes the package and creates the test system. Returns the system and the admin cap.
pub fn setup() -> (System, AdminCap) {
    let mut ctx = tx(ADMIN);
    system::init(&mut ctx);
    let cap = match &ctx.transferred()[0].1 {
        Object::InitCap(cap) => cap.clone(),
        other => panic!("init transferred {other:?}"),
    };
    let mut ctx = tx(ADMIN);
    let admin = system::create(
        cap,
        N_SHARDS,
        node_ids(),
        public_keys(),
        network_addresses(),
        shard_counts(),
        STORAGE_PRICE,
        WRITE_PRICE,
        CAPACITY,
        MAX_EPOCHS_AHEAD,
        &mut ctx,
    )
    .unwrap();
    let system = match &ctx.shared()[0] {
        Object::System(system) => system.clone(),
        other => panic!("create shared {other:?}"),
    };
    (system, admin)
}

/// Freshly minted WAL, as `test_utils::mint_wal`.
pub fn mint_wal(value: u64, ctx: &mut TxContext) -> Coin {
    Coin { id: ctx.fresh_id(), balance: Balance::new(value) }
}

/// Buys storage with plenty of WAL.
pub fn buy(system: &mut System, size: u64, epochs: u32, ctx: &mut TxContext) -> Storage {
    let mut payment = mint_wal(1_000_000_000_000, ctx);
    system.reserve_space(size, epochs, &mut payment, ctx).unwrap()
}

/// A root hash from a small number, as the Move tests use `u256` literals.
pub fn root(n: u8) -> U256 {
    let mut r = [0u8; 32];
    r[0] = n;
    U256(r)
}

/// Registers a blob with root `root(root_n)` and `size` for `epochs` epochs.
pub fn register(system: &mut System, root_n: u8, size: u64, deletable: bool, epochs: u32, ctx: &mut TxContext) -> Blob {
    try_register(system, root_n, size, deletable, epochs, ctx).unwrap()
}

pub fn try_register(
    system: &mut System,
    root_n: u8,
    size: u64,
    deletable: bool,
    epochs: u32,
    ctx: &mut TxContext,
) -> MoveResult<Blob> {
    let encoded = encoding::encoded_size_bytes(size, system.n_shards()?)?;
    let storage = buy(system, encoded, epochs, ctx);
    let blob_id = encoding::derive_blob_id(root(root_n), encoding::red_stuff(), size);
    system.register_blob(storage, blob_id, root(root_n), size, encoding::red_stuff(), deletable, ctx)
}

/// The storage confirmation of `blob` in `epoch`.
pub fn confirmation(blob: &Blob, epoch: u32) -> Vec<u8> {
    use walrus_core::messages::{BlobPersistence, StorageConfirmation};
    let persistence =
        if blob.deletable { BlobPersistence::Deletable { object_id: blob.id.0 } } else { BlobPersistence::Permanent };
    StorageConfirmation { epoch, blob_id: walrus_core::BlobId(blob.blob_id.0), persistence }.to_bytes()
}

/// Certifies `blob` with a quorum certificate for the current epoch.
pub fn certify(system: &System, blob: &mut Blob, ctx: &mut TxContext) -> MoveResult<()> {
    let message = confirmation(blob, system.epoch()?);
    let (signature, bitmap) = certificate(&message, &QUORUM);
    system.certify_blob(blob, &signature, &bitmap, &message, ctx)
}

/// Moves the system to the next epoch with the same committee, without staking (the cap only
/// shows who may do this in a test, as in `test_utils::advance_epoch`).
pub fn advance_epoch(system: &mut System, _cap: &AdminCap) {
    system
        .advance_epoch_for_testing(node_ids(), public_keys(), network_addresses(), shard_counts(), &mut tx(ADMIN))
        .unwrap();
}
