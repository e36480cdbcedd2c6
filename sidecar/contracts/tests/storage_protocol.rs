//! The scenarios of `move/walrus/tests/{system,blob,shared_blob}_tests.move` and
//! `tests/lifecycle_tests.move`, run against the Rust twin: same flows, same outcomes, same abort
//! codes.

mod common;

use common::*;
use walrus_contracts::{
    U256,
    blob::{self, Blob},
    bls_aggregate, encoding,
    events::{BlobCertified, BlobDeleted, BlobRegistered, EpochAdvanced, Event, InvalidBlobId},
    messages,
    metadata::{self, Metadata},
    objects::Object,
    shared_blob, storage_resource,
    system::{self, System},
    system_state_inner as inner,
};

const ENCODED_10K: u64 = 41_300;

fn vector_blob_id(name: &str) -> (U256, U256, u64) {
    let v = vectors();
    let m = v.messages.iter().find(|m| m.name == name).unwrap();
    (U256(bytes32(&m.blob_id_hex)), U256(bytes32(&m.root_hash_hex)), m.unencoded_size)
}

fn register_vector_blob(system: &mut System, epochs: u32, ctx: &mut walrus_contracts::TxContext) -> Blob {
    let storage = buy(system, ENCODED_10K, epochs, ctx);
    let (blob_id, root_hash, size) = vector_blob_id("storage_confirmation_permanent");
    system.register_blob(storage, blob_id, root_hash, size, encoding::red_stuff(), false, ctx).unwrap()
}

// === system ===

#[test]
fn create_shares_a_system_at_epoch_one() {
    let (system, _cap) = setup();
    let inner = system.inner().unwrap();
    assert_eq!(system.version, 1);
    assert_eq!(inner.epoch, 1);
    assert_eq!(inner.n_shards, 10);
    assert_eq!(inner.committee.n_members(), 4);
    assert_eq!(inner.committee.n_shards(), 10);
    assert_eq!(inner.storage_price_per_unit_size, STORAGE_PRICE);
    assert_eq!(inner.write_price_per_unit_size, WRITE_PRICE);
    assert_eq!(inner.total_capacity_size, CAPACITY);
    assert_eq!(system.used_capacity_size().unwrap(), 0);
    assert_eq!(inner.max_epochs_ahead, 5);
    assert_eq!(system.rewards_value().unwrap(), 0);
    assert_eq!(inner.future_accounting.length(), 5);
    assert_eq!(inner.future_accounting.account(0).unwrap().epoch, 1);
    assert_eq!(inner.future_accounting.account(4).unwrap().epoch, 5);
    let (invalid_id, _, _) = vector_blob_id("invalid_blob_id");
    assert!(!system.is_blob_id_invalid(&invalid_id).unwrap());
}

#[test]
fn reserve_space_charges_per_mib_and_epoch() {
    let (mut system, _) = setup();
    let mut ctx = tx(USER);
    let mut payment = mint_wal(15_000, &mut ctx);
    // 1 MiB + 1 byte is 2 units: 1000 * 2 * 3 epochs + 2000 * 2 write fee = 10000.
    let mut expected = [0u8; 32];
    expected[..8].copy_from_slice(&10_000u64.to_le_bytes());
    assert_eq!(system.storage_cost(MIB + 1, 3).unwrap(), U256(expected));
    let storage = system.reserve_space(MIB + 1, 3, &mut payment, &mut ctx).unwrap();
    assert_eq!(payment.value(), 5_000);
    assert_eq!((storage.start_epoch(), storage.end_epoch(), storage.size()), (1, 4, MIB + 1));
    let accounting = &system.inner().unwrap().future_accounting;
    assert_eq!(accounting.account(0).unwrap().funds.value, 2_000 + 4_000);
    assert_eq!(accounting.account(1).unwrap().funds.value, 2_000);
    assert_eq!(accounting.account(2).unwrap().funds.value, 2_000);
    assert_eq!(accounting.account(3).unwrap().funds.value, 0);
    assert_eq!(accounting.account(2).unwrap().used_capacity, MIB + 1);
    assert_eq!(accounting.account(3).unwrap().used_capacity, 0);
    assert_eq!(system.used_capacity_size().unwrap(), MIB + 1);
    expected[..8].copy_from_slice(&3_000u64.to_le_bytes());
    assert_eq!(system.storage_cost(MIB, 1).unwrap(), U256(expected));
    assert_eq!(system.storage_cost(0, 1).unwrap(), U256::default());
}

#[test]
fn capacity_can_be_sold_out_and_frees_up_with_time() {
    let (mut system, cap) = setup();
    let mut ctx = tx(USER);
    let mut payment = mint_wal(1_000_000_000, &mut ctx);
    system.reserve_space(CAPACITY, 1, &mut payment, &mut ctx).unwrap();
    assert_eq!(system.used_capacity_size().unwrap(), CAPACITY);
    advance_epoch(&mut system, &cap);
    assert_eq!(system.used_capacity_size().unwrap(), 0);
    let second = system.reserve_space(CAPACITY, 2, &mut payment, &mut ctx).unwrap();
    assert_eq!((second.start_epoch(), second.end_epoch()), (2, 4));
}

#[test]
fn advance_epoch_moves_funds_to_rewards() {
    let (mut system, cap) = setup();
    let mut ctx = tx(ADMIN);
    let mut payment = mint_wal(10_000, &mut ctx);
    system.reserve_space(MIB + 1, 3, &mut payment, &mut ctx).unwrap();
    let mut epoch_ctx = tx(ADMIN);
    system
        .advance_epoch_for_testing(node_ids(), public_keys(), network_addresses(), shard_counts(), &mut epoch_ctx)
        .unwrap();
    assert_eq!(system.epoch().unwrap(), 2);
    assert_eq!(system.rewards_value().unwrap(), 6_000);
    assert_eq!(system.used_capacity_size().unwrap(), MIB + 1);
    let accounting = &system.inner().unwrap().future_accounting;
    assert_eq!(accounting.account(0).unwrap().epoch, 2);
    assert_eq!(accounting.account(4).unwrap().epoch, 6);
    assert_eq!(epoch_ctx.events(), &[Event::EpochAdvanced(EpochAdvanced { epoch: 2, released_funds: 6_000 })]);
    advance_epoch(&mut system, &cap);
    assert_eq!(system.rewards_value().unwrap(), 8_000);
    let rewards = system.withdraw_rewards_for_testing(&mut ctx).unwrap();
    assert_eq!(rewards.value(), 8_000);
    assert_eq!(system.rewards_value().unwrap(), 0);
}

#[test]
fn validity_certificate_invalidates_a_blob_id_once() {
    let (mut system, _) = setup();
    let (message, signature, bitmap) = vector_certificate("invalid_blob_id", "sub_quorum");
    let mut ctx = tx(USER);
    let blob_id = system.invalidate_blob_id(&signature, &bitmap, &message, &mut ctx).unwrap();
    assert_eq!(blob_id, vector_blob_id("invalid_blob_id").0);
    assert!(system.is_blob_id_invalid(&blob_id).unwrap());
    assert_eq!(ctx.events(), &[Event::InvalidBlobId(InvalidBlobId { epoch: 1, blob_id })]);
    let (message, signature, bitmap) = vector_certificate("invalid_blob_id", "quorum");
    let mut ctx = tx(USER);
    system.invalidate_blob_id(&signature, &bitmap, &message, &mut ctx).unwrap();
    assert!(system.is_blob_id_invalid(&blob_id).unwrap());
    assert!(ctx.events().is_empty());
}

#[test]
fn zero_epochs_abort() {
    let (mut system, _) = setup();
    let mut ctx = tx(USER);
    let mut payment = mint_wal(1_000_000, &mut ctx);
    assert_aborts!(system.reserve_space(MIB, 0, &mut payment, &mut ctx), inner::E_INVALID_EPOCHS_AHEAD);
}

#[test]
fn too_many_epochs_abort() {
    let (mut system, _) = setup();
    let mut ctx = tx(USER);
    let mut payment = mint_wal(1_000_000, &mut ctx);
    assert_aborts!(system.reserve_space(MIB, 6, &mut payment, &mut ctx), inner::E_INVALID_EPOCHS_AHEAD);
}

#[test]
fn more_than_capacity_aborts() {
    let (mut system, _) = setup();
    let mut ctx = tx(USER);
    let mut payment = mint_wal(1_000_000_000, &mut ctx);
    system.reserve_space(MIB, 2, &mut payment, &mut ctx).unwrap();
    assert_aborts!(system.reserve_space(CAPACITY, 2, &mut payment, &mut ctx), inner::E_STORAGE_EXCEEDED);
}

#[test]
fn underpayment_aborts() {
    let (mut system, _) = setup();
    let mut ctx = tx(USER);
    // 1 MiB for 2 epochs costs 1000 * 2 + 2000 = 4000.
    let mut payment = mint_wal(3_999, &mut ctx);
    assert_aborts!(system.reserve_space(MIB, 2, &mut payment, &mut ctx), inner::E_INSUFFICIENT_FUNDS);
    let mut payment = mint_wal(4_000, &mut ctx);
    system.reserve_space(MIB, 2, &mut payment, &mut ctx).unwrap();
    assert_eq!(payment.value(), 0);
}

#[test]
fn stale_invalid_blob_id_attestation_aborts() {
    let (mut system, cap) = setup();
    advance_epoch(&mut system, &cap);
    let (message, signature, bitmap) = vector_certificate("invalid_blob_id", "quorum");
    assert_aborts!(
        system.invalidate_blob_id(&signature, &bitmap, &message, &mut tx(USER)),
        inner::E_WRONG_MESSAGE_EPOCH
    );
}

#[test]
fn invalidation_below_validity_aborts() {
    let (mut system, _) = setup();
    let (message, signature, bitmap) = vector_certificate("invalid_blob_id", "below_validity");
    assert_aborts!(
        system.invalidate_blob_id(&signature, &bitmap, &message, &mut tx(USER)),
        bls_aggregate::E_NOT_ENOUGH_SHARDS
    );
}

fn create_with(n_shards: u16, shard_counts: Vec<u16>, max_epochs_ahead: u32) -> walrus_contracts::MoveResult<()> {
    let mut ctx = tx(ADMIN);
    system::init(&mut ctx);
    let Object::InitCap(cap) = ctx.transferred()[0].1.clone() else { panic!("no init cap") };
    system::create(
        cap,
        n_shards,
        node_ids(),
        public_keys(),
        network_addresses(),
        shard_counts,
        1,
        1,
        1_000_000,
        max_epochs_ahead,
        &mut tx(ADMIN),
    )
    .map(|_| ())
}

#[test]
fn create_with_wrong_shard_total_aborts() {
    assert_aborts!(create_with(11, vec![1, 2, 3, 4], 5), inner::E_SHARD_COUNT_MISMATCH);
}

#[test]
fn new_committee_with_other_shard_total_aborts() {
    let (mut system, _cap) = setup();
    assert_aborts!(
        system.advance_epoch_for_testing(
            node_ids(),
            public_keys(),
            network_addresses(),
            vec![1, 1, 1, 1],
            &mut tx(ADMIN)
        ),
        inner::E_SHARD_COUNT_MISMATCH
    );
}

#[test]
fn create_with_zero_max_epochs_aborts() {
    assert_aborts!(create_with(10, vec![1, 2, 3, 4], 0), inner::E_INVALID_MAX_EPOCHS_AHEAD);
}

#[test]
fn create_with_too_few_shards_aborts() {
    assert_aborts!(create_with(3, vec![1, 1, 1, 0], 5), encoding::E_INVALID_SHARD_COUNT);
}

#[test]
fn other_state_version_aborts() {
    let (mut system, _) = setup();
    system.version = 2;
    assert_aborts!(system.epoch(), system::E_WRONG_VERSION);
    assert_aborts!(
        system.reserve_space(MIB, 1, &mut mint_wal(1, &mut tx(USER)), &mut tx(USER)),
        system::E_WRONG_VERSION
    );
}

// === blob: registration and certification ===

#[test]
fn register_the_vector_blob() {
    let (mut system, _) = setup();
    let mut ctx = tx(USER);
    let blob = register_vector_blob(&mut system, 2, &mut ctx);
    let (blob_id, root_hash, _) = vector_blob_id("storage_confirmation_permanent");
    assert_eq!(blob.registered_epoch, 1);
    assert_eq!(blob.blob_id, blob_id);
    assert_eq!(blob.root_hash, root_hash);
    assert_eq!((blob.size, blob.encoding_type, blob.certified_epoch), (10_000, 1, None));
    assert!(!blob.is_certified() && !blob.deletable && !blob.has_metadata());
    assert_eq!(blob.end_epoch(), 3);
    assert_eq!((blob.storage.start_epoch(), blob.storage.size()), (1, ENCODED_10K));
    assert_eq!(
        ctx.events(),
        &[Event::BlobRegistered(BlobRegistered {
            epoch: 1,
            blob_id,
            size: 10_000,
            encoding_type: 1,
            end_epoch: 3,
            deletable: false,
            object_id: blob.id,
        })]
    );
}

#[test]
fn certify_with_the_vector_certificate() {
    let (mut system, _) = setup();
    let mut blob = register_vector_blob(&mut system, 2, &mut tx(USER));
    let (message, signature, bitmap) = vector_certificate("storage_confirmation_permanent", "quorum");
    let mut ctx = tx(USER);
    system.certify_blob(&mut blob, &signature, &bitmap, &message, &mut ctx).unwrap();
    assert_eq!(blob.certified_epoch, Some(1));
    assert_eq!(
        ctx.events(),
        &[Event::BlobCertified(BlobCertified {
            epoch: 1,
            blob_id: blob.blob_id,
            end_epoch: 3,
            deletable: false,
            object_id: blob.id,
            is_extension: false,
        })]
    );
}

#[test]
fn certify_in_a_later_epoch() {
    let (mut system, cap) = setup();
    let mut blob = register(&mut system, 7, 5_000, false, 3, &mut tx(USER));
    advance_epoch(&mut system, &cap);
    certify(&system, &mut blob, &mut tx(USER)).unwrap();
    assert_eq!(blob.certified_epoch, Some(2));
}

#[test]
fn deletable_blob_lifecycle() {
    let (mut system, _) = setup();
    let mut blob = register(&mut system, 9, 20_000, true, 2, &mut tx(USER));
    assert!(blob.deletable);
    certify(&system, &mut blob, &mut tx(USER)).unwrap();
    let (id, blob_id, end_epoch) = (blob.id, blob.blob_id, blob.end_epoch());
    let mut ctx = tx(USER);
    let storage = system.delete_blob(blob, &mut ctx).unwrap();
    assert_eq!(storage.end_epoch(), end_epoch);
    assert_eq!(
        ctx.events(),
        &[Event::BlobDeleted(BlobDeleted { epoch: 1, blob_id, end_epoch, object_id: id, was_certified: true })]
    );
    // The storage can hold another blob.
    let blob_id = encoding::derive_blob_id(root(10), 1, 20_000);
    let again = system.register_blob(storage, blob_id, root(10), 20_000, 1, true, &mut tx(USER)).unwrap();
    assert_eq!(again.end_epoch(), end_epoch);
}

#[test]
fn extend_with_a_storage_resource() {
    let (mut system, _) = setup();
    let mut ctx = tx(USER);
    let mut blob = register(&mut system, 3, 5_000, false, 2, &mut ctx);
    certify(&system, &mut blob, &mut ctx).unwrap();
    let mut extension = buy(&mut system, blob.storage.size(), 4, &mut ctx);
    // `extension` keeps [1, 3); the split-off tail [3, 5) starts where the blob ends.
    let tail = extension.split_by_epoch(3, &mut ctx).unwrap();
    let mut ctx = tx(USER);
    system.extend_blob_with_resource(&mut blob, tail, &mut ctx).unwrap();
    assert_eq!(blob.end_epoch(), 5);
    match &ctx.events()[0] {
        Event::BlobCertified(e) => assert!(e.is_extension && e.end_epoch == 5),
        other => panic!("{other:?}"),
    }
}

#[test]
fn extend_by_paying() {
    let (mut system, _) = setup();
    let mut ctx = tx(USER);
    let mut blob = register(&mut system, 4, 5_000, false, 2, &mut ctx);
    certify(&system, &mut blob, &mut ctx).unwrap();
    let units = blob.storage.size().div_ceil(MIB);
    let mut payment = mint_wal(STORAGE_PRICE * units * 2 + 7, &mut ctx);
    system.extend_blob(&mut blob, 2, &mut payment, &mut ctx).unwrap();
    assert_eq!(blob.end_epoch(), 5);
    assert_eq!(payment.value(), 7);
}

#[test]
fn attributes() {
    let (mut system, _) = setup();
    let mut blob = register(&mut system, 5, 100, false, 1, &mut tx(USER));
    blob.insert_or_update_metadata_pair("content-type".into(), "text/plain".into());
    blob.insert_or_update_metadata_pair("name".into(), "a".into());
    blob.insert_or_update_metadata_pair("name".into(), "b".into());
    let m = blob.metadata().unwrap();
    assert_eq!(m.size(), 2);
    assert_eq!(m.get(&"name".to_string()), Some("b".to_string()));
    assert_eq!(blob.remove_metadata_pair(&"name".to_string()).unwrap(), ("name".to_string(), "b".to_string()));
    let taken = blob.take_metadata().unwrap();
    assert!(taken.contains(&"content-type".to_string()));
    assert!(!blob.has_metadata());
    blob.add_metadata(taken).unwrap();
    assert!(blob.has_metadata());
}

#[test]
fn delete_removes_attributes() {
    let (mut system, _) = setup();
    let mut blob = register(&mut system, 6, 100, true, 1, &mut tx(USER));
    blob.insert_or_update_metadata_pair("k".into(), "v".into());
    let mut ctx = tx(USER);
    let storage = system.delete_blob(blob, &mut ctx).unwrap();
    assert_eq!(storage.start_epoch(), 1);
    assert!(matches!(&ctx.events()[0], Event::BlobDeleted(e) if !e.was_certified));
}

// === blob: aborts ===

#[test]
fn register_with_wrong_blob_id_aborts() {
    let (mut system, _) = setup();
    let mut ctx = tx(USER);
    let storage = buy(&mut system, ENCODED_10K, 1, &mut ctx);
    let (blob_id, _, size) = vector_blob_id("storage_confirmation_permanent");
    assert_aborts!(system.register_blob(storage, blob_id, root(1), size, 1, false, &mut ctx), blob::E_WRONG_BLOB_ID);
}

#[test]
fn register_with_unknown_encoding_aborts() {
    let (mut system, _) = setup();
    let mut ctx = tx(USER);
    let storage = buy(&mut system, ENCODED_10K, 1, &mut ctx);
    let blob_id = encoding::derive_blob_id(root(1), 2, 10);
    assert_aborts!(
        system.register_blob(storage, blob_id, root(1), 10, 2, false, &mut ctx),
        encoding::E_INVALID_ENCODING_TYPE
    );
}

#[test]
fn register_on_future_storage_aborts() {
    let (mut system, _) = setup();
    let mut ctx = tx(USER);
    let mut storage = buy(&mut system, ENCODED_10K, 3, &mut ctx);
    let future = storage.split_by_epoch(2, &mut ctx).unwrap();
    let blob_id = encoding::derive_blob_id(root(1), 1, 10);
    assert_aborts!(system.register_blob(future, blob_id, root(1), 10, 1, false, &mut ctx), blob::E_STORAGE_NOT_STARTED);
}

#[test]
fn register_on_expired_storage_aborts() {
    let (mut system, cap) = setup();
    let mut ctx = tx(USER);
    let storage = buy(&mut system, ENCODED_10K, 1, &mut ctx);
    advance_epoch(&mut system, &cap);
    let blob_id = encoding::derive_blob_id(root(1), 1, 10);
    assert_aborts!(system.register_blob(storage, blob_id, root(1), 10, 1, false, &mut ctx), blob::E_STORAGE_EXPIRED);
}

#[test]
fn register_on_too_little_storage_aborts() {
    let (mut system, _) = setup();
    let mut ctx = tx(USER);
    let storage = buy(&mut system, ENCODED_10K - 1, 1, &mut ctx);
    let (blob_id, root_hash, size) = vector_blob_id("storage_confirmation_permanent");
    assert_aborts!(
        system.register_blob(storage, blob_id, root_hash, size, 1, false, &mut ctx),
        blob::E_STORAGE_TOO_SMALL
    );
}

#[test]
fn register_invalid_blob_id_aborts() {
    let (mut system, _) = setup();
    let (message, signature, bitmap) = vector_certificate("invalid_blob_id", "quorum");
    system.invalidate_blob_id(&signature, &bitmap, &message, &mut tx(USER)).unwrap();
    let mut ctx = tx(USER);
    let (blob_id, root_hash, size) = vector_blob_id("invalid_blob_id");
    let storage = buy(&mut system, encoding::encoded_size_bytes(size, 10).unwrap(), 1, &mut ctx);
    assert_aborts!(
        system.register_blob(storage, blob_id, root_hash, size, 1, false, &mut ctx),
        inner::E_BLOB_ID_INVALIDATED
    );
}

#[test]
fn certify_invalid_blob_id_aborts() {
    let (mut system, _) = setup();
    let mut ctx = tx(USER);
    let (blob_id, root_hash, size) = vector_blob_id("invalid_blob_id");
    let storage = buy(&mut system, encoding::encoded_size_bytes(size, 10).unwrap(), 1, &mut ctx);
    let mut blob = system.register_blob(storage, blob_id, root_hash, size, 1, false, &mut ctx).unwrap();
    let (message, signature, bitmap) = vector_certificate("invalid_blob_id", "quorum");
    system.invalidate_blob_id(&signature, &bitmap, &message, &mut ctx).unwrap();
    assert_aborts!(certify(&system, &mut blob, &mut ctx), inner::E_BLOB_ID_INVALIDATED);
}

fn registered_vector_blob() -> (System, Blob) {
    let (mut system, _) = setup();
    let blob = register_vector_blob(&mut system, 2, &mut tx(USER));
    (system, blob)
}

#[test]
fn certify_without_quorum_aborts() {
    let (system, mut blob) = registered_vector_blob();
    let (message, signature, bitmap) = vector_certificate("storage_confirmation_permanent", "sub_quorum");
    assert_aborts!(
        system.certify_blob(&mut blob, &signature, &bitmap, &message, &mut tx(USER)),
        bls_aggregate::E_NOT_ENOUGH_SHARDS
    );
}

#[test]
fn certify_with_bad_signature_aborts() {
    let (system, mut blob) = registered_vector_blob();
    let (message, _, bitmap) = vector_certificate("storage_confirmation_permanent", "quorum");
    let (_, other_signature, _) = vector_certificate("storage_confirmation_deletable", "quorum");
    assert_aborts!(
        system.certify_blob(&mut blob, &other_signature, &bitmap, &message, &mut tx(USER)),
        bls_aggregate::E_INVALID_SIGNATURE
    );
}

#[test]
fn certify_with_malformed_message_aborts() {
    let (system, mut blob) = registered_vector_blob();
    let mut message = confirmation(&blob, 1);
    message.push(0);
    let (signature, bitmap) = certificate(&message, &QUORUM);
    assert_aborts!(
        system.certify_blob(&mut blob, &signature, &bitmap, &message, &mut tx(USER)),
        messages::E_TRAILING_BYTES
    );
}

#[test]
fn certify_twice_aborts() {
    let (system, mut blob) = registered_vector_blob();
    certify(&system, &mut blob, &mut tx(USER)).unwrap();
    assert_aborts!(certify(&system, &mut blob, &mut tx(USER)), blob::E_ALREADY_CERTIFIED);
}

#[test]
fn certify_expired_blob_aborts() {
    let (mut system, cap) = setup();
    let mut blob = register(&mut system, 1, 100, false, 1, &mut tx(USER));
    advance_epoch(&mut system, &cap);
    assert_aborts!(certify(&system, &mut blob, &mut tx(USER)), blob::E_BLOB_EXPIRED);
}

#[test]
fn certify_with_confirmation_of_another_epoch_aborts() {
    let (mut system, cap) = setup();
    let mut blob = register(&mut system, 1, 100, false, 3, &mut tx(USER));
    advance_epoch(&mut system, &cap);
    let message = confirmation(&blob, 1);
    let (signature, bitmap) = certificate(&message, &QUORUM);
    assert_aborts!(
        system.certify_blob(&mut blob, &signature, &bitmap, &message, &mut tx(USER)),
        blob::E_WRONG_MESSAGE_EPOCH
    );
}

#[test]
fn certify_with_confirmation_of_another_blob_aborts() {
    let (mut system, _) = setup();
    let mut blob = register(&mut system, 1, 100, false, 1, &mut tx(USER));
    let other = register(&mut system, 2, 100, false, 1, &mut tx(USER));
    let message = confirmation(&other, 1);
    let (signature, bitmap) = certificate(&message, &QUORUM);
    assert_aborts!(
        system.certify_blob(&mut blob, &signature, &bitmap, &message, &mut tx(USER)),
        blob::E_BLOB_ID_MISMATCH
    );
}

fn certify_with_persistence(
    deletable_blob: bool,
    tag_deletable: bool,
    own_id: bool,
) -> walrus_contracts::MoveResult<()> {
    let (mut system, _) = setup();
    let mut blob = register(&mut system, 1, 100, deletable_blob, 1, &mut tx(USER));
    let mut fake = blob.clone();
    fake.deletable = tag_deletable;
    if !own_id {
        fake.id = walrus_contracts::ObjectId([0x0b; 32]);
    }
    let message = confirmation(&fake, 1);
    let (signature, bitmap) = certificate(&message, &QUORUM);
    system.certify_blob(&mut blob, &signature, &bitmap, &message, &mut tx(USER))
}

#[test]
fn certify_permanent_blob_with_deletable_confirmation_aborts() {
    assert_aborts!(certify_with_persistence(false, true, true), blob::E_PERSISTENCE_MISMATCH);
}

#[test]
fn certify_deletable_blob_with_confirmation_of_another_object_aborts() {
    assert_aborts!(certify_with_persistence(true, true, false), blob::E_PERSISTENCE_MISMATCH);
}

#[test]
fn certify_deletable_blob_with_permanent_confirmation_aborts() {
    assert_aborts!(certify_with_persistence(true, false, true), blob::E_PERSISTENCE_MISMATCH);
}

#[test]
fn extend_uncertified_blob_with_resource_aborts() {
    let (mut system, _) = setup();
    let mut ctx = tx(USER);
    let mut blob = register(&mut system, 1, 100, false, 1, &mut ctx);
    let extension = buy(&mut system, blob.storage.size(), 2, &mut ctx);
    assert_aborts!(system.extend_blob_with_resource(&mut blob, extension, &mut ctx), blob::E_NOT_CERTIFIED);
}

#[test]
fn extend_uncertified_blob_by_paying_aborts() {
    let (mut system, _) = setup();
    let mut ctx = tx(USER);
    let mut blob = register(&mut system, 1, 100, false, 1, &mut ctx);
    let mut payment = mint_wal(1_000_000, &mut ctx);
    assert_aborts!(system.extend_blob(&mut blob, 1, &mut payment, &mut ctx), blob::E_NOT_CERTIFIED);
}

#[test]
fn extend_expired_blob_aborts() {
    let (mut system, cap) = setup();
    let mut ctx = tx(USER);
    let mut blob = register(&mut system, 1, 100, false, 1, &mut ctx);
    certify(&system, &mut blob, &mut ctx).unwrap();
    advance_epoch(&mut system, &cap);
    let mut payment = mint_wal(1_000_000, &mut ctx);
    assert_aborts!(system.extend_blob(&mut blob, 1, &mut payment, &mut ctx), blob::E_BLOB_EXPIRED);
}

fn certified(epochs: u32) -> (System, Blob, walrus_contracts::system::AdminCap) {
    let (mut system, cap) = setup();
    let mut ctx = tx(USER);
    let mut blob = register(&mut system, 1, 100, false, epochs, &mut ctx);
    certify(&system, &mut blob, &mut ctx).unwrap();
    (system, blob, cap)
}

#[test]
fn extend_with_overlapping_storage_aborts() {
    let (mut system, mut blob, _) = certified(2);
    let mut ctx = tx(USER);
    let extension = buy(&mut system, blob.storage.size(), 3, &mut ctx);
    assert_aborts!(system.extend_blob_with_resource(&mut blob, extension, &mut ctx), blob::E_EXTENSION_NOT_ADJACENT);
}

#[test]
fn extend_with_storage_of_another_size_aborts() {
    let (mut system, mut blob, _) = certified(1);
    let mut ctx = tx(USER);
    let mut extension = buy(&mut system, blob.storage.size() + 1, 2, &mut ctx);
    let tail = extension.split_by_epoch(2, &mut ctx).unwrap();
    assert_aborts!(system.extend_blob_with_resource(&mut blob, tail, &mut ctx), blob::E_EXTENSION_SIZE_MISMATCH);
}

#[test]
fn extend_by_zero_epochs_aborts() {
    let (mut system, mut blob, _) = certified(1);
    let mut ctx = tx(USER);
    let mut payment = mint_wal(1_000_000, &mut ctx);
    assert_aborts!(system.extend_blob(&mut blob, 0, &mut payment, &mut ctx), inner::E_INVALID_EPOCHS_AHEAD);
}

#[test]
fn extend_past_max_epochs_ahead_aborts() {
    let (mut system, mut blob, _) = certified(2);
    let mut ctx = tx(USER);
    let mut payment = mint_wal(1_000_000, &mut ctx);
    // Ends at 3; 3 more epochs would end at 6 > 1 + 5... 3 + 3 = 6, 6 - 1 = 5 is allowed; 4 is not.
    assert_aborts!(system.extend_blob(&mut blob, 4, &mut payment, &mut ctx), inner::E_INVALID_EPOCHS_AHEAD);
    system.extend_blob(&mut blob, 3, &mut payment, &mut ctx).unwrap();
    assert_eq!(blob.end_epoch(), 6);
}

#[test]
fn extend_into_sold_out_epochs_aborts() {
    let (mut system, _) = setup();
    let mut ctx = tx(USER);
    // Sell the whole capacity of epochs 1..5, and build the blob's storage from part of it.
    let mut everything = buy(&mut system, CAPACITY, 5, &mut ctx);
    let mut part = everything.split_by_size(ENCODED_10K, &mut ctx).unwrap();
    let _later = part.split_by_epoch(3, &mut ctx).unwrap();
    let (blob_id, root_hash, size) = vector_blob_id("storage_confirmation_permanent");
    let mut blob = system.register_blob(part, blob_id, root_hash, size, 1, false, &mut ctx).unwrap();
    certify(&system, &mut blob, &mut ctx).unwrap();
    let mut payment = mint_wal(1_000_000, &mut ctx);
    assert_aborts!(system.extend_blob(&mut blob, 1, &mut payment, &mut ctx), inner::E_STORAGE_EXCEEDED);
}

#[test]
fn extend_with_too_little_payment_aborts() {
    let (mut system, mut blob, _) = certified(1);
    let mut ctx = tx(USER);
    let units = blob.storage.size().div_ceil(MIB);
    let mut payment = mint_wal(STORAGE_PRICE * units * 2 - 1, &mut ctx);
    assert_aborts!(system.extend_blob(&mut blob, 2, &mut payment, &mut ctx), inner::E_INSUFFICIENT_FUNDS);
}

#[test]
fn delete_permanent_blob_aborts() {
    let (system, blob, _) = certified(1);
    assert_aborts!(system.delete_blob(blob, &mut tx(USER)), blob::E_NOT_DELETABLE);
}

#[test]
fn adding_attributes_twice_aborts() {
    let (_, mut blob, _) = certified(1);
    blob.add_metadata(Metadata::new()).unwrap();
    assert_aborts!(blob.add_metadata(Metadata::new()), blob::E_DUPLICATE_METADATA);
}

#[test]
fn taking_missing_attributes_aborts() {
    let (_, mut blob, _) = certified(1);
    assert_aborts!(blob.take_metadata(), blob::E_MISSING_METADATA);
}

#[test]
fn reading_missing_attributes_aborts() {
    let (_, blob, _) = certified(1);
    assert_aborts!(blob.metadata(), blob::E_MISSING_METADATA);
}

#[test]
fn removing_a_pair_without_attributes_aborts() {
    let (_, mut blob, _) = certified(1);
    assert_aborts!(blob.remove_metadata_pair(&"k".to_string()), blob::E_MISSING_METADATA);
}

#[test]
fn removing_a_missing_pair_aborts() {
    let (_, mut blob, _) = certified(1);
    blob.insert_or_update_metadata_pair("a".into(), "b".into());
    assert_aborts!(blob.remove_metadata_pair(&"k".to_string()), metadata::E_KEY_NOT_FOUND);
}

// === shared_blob ===

#[test]
fn anyone_funds_and_extends_a_shared_blob() {
    let (mut system, blob, _) = certified(1);
    let mut ctx = tx(USER);
    let funds = mint_wal(10_000, &mut ctx);
    shared_blob::new_funded(blob, funds, &mut ctx);
    let Object::SharedBlob(mut shared) = ctx.shared()[0].clone() else { panic!("not shared") };
    let mut other = tx(ADMIN);
    shared.fund(mint_wal(5_000, &mut other));
    assert_eq!(shared.funds(), 15_000);
    shared.extend(&mut system, 2, &mut other).unwrap();
    assert_eq!(shared.blob.end_epoch(), 4);
    assert_eq!(shared.funds(), 15_000 - 2 * STORAGE_PRICE * shared.blob.storage.size().div_ceil(MIB));
    assert!(matches!(&other.events()[0], Event::BlobCertified(e) if e.is_extension));
}

#[test]
fn unfunded_shared_blob_starts_empty() {
    let (_, blob, _) = certified(1);
    let mut ctx = tx(USER);
    shared_blob::new(blob, &mut ctx);
    let Object::SharedBlob(shared) = &ctx.shared()[0] else { panic!("not shared") };
    assert_eq!(shared.funds(), 0);
}

#[test]
fn extending_beyond_the_funds_aborts() {
    let (mut system, blob, _) = certified(1);
    let mut ctx = tx(USER);
    shared_blob::new(blob, &mut ctx);
    let Object::SharedBlob(mut shared) = ctx.shared()[0].clone() else { panic!("not shared") };
    assert_aborts!(shared.extend(&mut system, 1, &mut ctx), inner::E_INSUFFICIENT_FUNDS);
}

// === the whole lifecycle (tests/lifecycle_tests.move) ===

#[test]
fn full_lifecycle() {
    let (mut system, cap) = setup();
    let mut ctx = tx(USER);
    // Reserve, register, certify, extend by resource and by payment, delete, invalidate.
    let mut blob = register(&mut system, 42, 123_456, true, 2, &mut ctx);
    certify(&system, &mut blob, &mut ctx).unwrap();
    let mut extension = buy(&mut system, blob.storage.size(), 4, &mut ctx);
    let tail = extension.split_by_epoch(3, &mut ctx).unwrap();
    system.extend_blob_with_resource(&mut blob, tail, &mut ctx).unwrap();
    let mut payment = mint_wal(1_000_000, &mut ctx);
    system.extend_blob(&mut blob, 1, &mut payment, &mut ctx).unwrap();
    assert_eq!(blob.end_epoch(), 6);
    advance_epoch(&mut system, &cap);
    let storage = system.delete_blob(blob, &mut ctx).unwrap();
    assert_eq!((storage.start_epoch(), storage.end_epoch()), (1, 6));
    let (message, signature, bitmap) = vector_certificate("invalid_blob_id", "quorum");
    assert_aborts!(system.invalidate_blob_id(&signature, &bitmap, &message, &mut ctx), inner::E_WRONG_MESSAGE_EPOCH);
    let kinds: Vec<&str> = ctx.events().iter().map(Event::name).collect();
    assert_eq!(kinds, ["BlobRegistered", "BlobCertified", "BlobCertified", "BlobCertified", "BlobDeleted"]);
}

#[test]
fn blob_expires_with_its_storage() {
    let (mut system, cap) = setup();
    let mut ctx = tx(USER);
    let mut blob = register(&mut system, 8, 1_000, false, 2, &mut ctx);
    certify(&system, &mut blob, &mut ctx).unwrap();
    advance_epoch(&mut system, &cap);
    advance_epoch(&mut system, &cap);
    let mut payment = mint_wal(1_000_000, &mut ctx);
    assert_aborts!(system.extend_blob(&mut blob, 1, &mut payment, &mut ctx), blob::E_BLOB_EXPIRED);
}

#[test]
fn storage_resources_split_and_fuse_as_in_move() {
    let mut ctx = tx(USER);
    let mut s = storage_resource::Storage::create(1, 5, 100, &mut ctx).unwrap();
    let tail = s.split_by_epoch(3, &mut ctx).unwrap();
    assert_eq!((s.end_epoch(), tail.start_epoch(), tail.end_epoch()), (3, 3, 5));
    s.fuse(tail).unwrap();
    assert_eq!((s.start_epoch(), s.end_epoch()), (1, 5));
}
