#[test_only]
module walrus::blob_tests;

use std::unit_test::assert_eq;
use sui::{event, test_scenario::{Self, Scenario}};
use walrus::{
    blob::Blob,
    encoding,
    events,
    messages,
    metadata,
    storage_resource::Storage,
    system::{System, AdminCap},
    test_utils
};

/// Publisher, admin and user at once.
const USER: address = @0xA;
/// Encoded size of the 10000-byte vector blobs on 10 shards.
const ENCODED_10K: u64 = 41300;

fun setup(): Scenario {
    let mut scenario = test_scenario::begin(USER);
    test_utils::setup(&mut scenario);
    scenario
}

/// Buys storage with freshly minted WAL.
fun buy(system: &mut System, size: u64, epochs: u32, ctx: &mut TxContext): Storage {
    let mut payment = test_utils::mint_wal(1_000_000_000_000, ctx);
    let storage = system.reserve_space(size, epochs, &mut payment, ctx);
    payment.burn_for_testing();
    storage
}

/// Registers the permanent blob of the certificate vectors for `epochs` epochs.
fun register_vector_blob(system: &mut System, epochs: u32, ctx: &mut TxContext): Blob {
    let storage = buy(system, ENCODED_10K, epochs, ctx);
    system.register_blob(
        storage,
        test_utils::permanent_blob_id(),
        test_utils::permanent_root_hash(),
        test_utils::permanent_size(),
        encoding::red_stuff(),
        false,
        ctx,
    )
}

/// Registers a RedStuff blob with the given root hash and size for `epochs` epochs.
fun register(
    system: &mut System,
    root_hash: u256,
    size: u64,
    deletable: bool,
    epochs: u32,
    ctx: &mut TxContext,
): Blob {
    let encoded_size = encoding::encoded_size_bytes(size, system.n_shards());
    let storage = buy(system, encoded_size, epochs, ctx);
    let blob_id = encoding::derive_blob_id(root_hash, encoding::red_stuff(), size);
    system.register_blob(storage, blob_id, root_hash, size, encoding::red_stuff(), deletable, ctx)
}

/// The storage confirmation of `blob` in `epoch`.
fun confirmation(blob: &Blob, epoch: u32): vector<u8> {
    let object_id = if (blob.is_deletable()) option::some(blob.object_id()) else option::none();
    messages::storage_confirmation_bytes(epoch, blob.blob_id(), object_id)
}

/// Certifies `blob` with a quorum certificate signed in Move.
fun certify(system: &System, blob: &mut Blob) {
    let message = confirmation(blob, system.epoch());
    let (signature, bitmap) = test_utils::quorum_certificate(&message);
    system.certify_blob(blob, signature, bitmap, message);
}

// === Registration and certification ===

#[test]
fun register_the_vector_blob() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let blob = register_vector_blob(&mut system, 2, scenario.ctx());

    assert_eq!(blob.registered_epoch(), 1);
    assert_eq!(blob.blob_id(), test_utils::permanent_blob_id());
    assert_eq!(blob.root_hash(), test_utils::permanent_root_hash());
    assert_eq!(blob.size(), 10000);
    assert_eq!(blob.encoding_type(), 1);
    assert_eq!(blob.certified_epoch(), option::none());
    assert!(!blob.is_certified());
    assert!(!blob.is_deletable());
    assert_eq!(blob.end_epoch(), 3);
    assert_eq!(blob.storage().start_epoch(), 1);
    assert_eq!(blob.storage().size(), ENCODED_10K);
    assert!(!blob.has_metadata());

    let emitted = event::events_by_type<events::BlobRegistered>();
    assert_eq!(emitted.length(), 1);
    assert_eq!(
        emitted[0],
        events::blob_registered(
            1,
            test_utils::permanent_blob_id(),
            10000,
            1,
            3,
            false,
            blob.object_id(),
        ),
    );

    // A blob is an ordinary owned object.
    transfer::public_transfer(blob, USER);
    test_scenario::return_shared(system);
    scenario.next_tx(USER);
    let blob = scenario.take_from_sender<Blob>();
    assert_eq!(blob.blob_id(), test_utils::permanent_blob_id());
    blob.burn();
    scenario.end();
}

#[test]
fun certify_with_the_vector_certificate() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register_vector_blob(&mut system, 2, scenario.ctx());

    system.certify_blob(
        &mut blob,
        test_utils::permanent_quorum_signature(),
        test_utils::quorum_bitmap(),
        test_utils::permanent_message(),
    );
    assert_eq!(blob.certified_epoch(), option::some(1));
    assert!(blob.is_certified());
    let emitted = event::events_by_type<events::BlobCertified>();
    assert_eq!(emitted.length(), 1);
    assert_eq!(
        emitted[0],
        events::blob_certified(1, blob.blob_id(), 3, false, blob.object_id(), false),
    );

    blob.burn();
    test_scenario::return_shared(system);
    scenario.end();
}

#[test]
fun certify_in_a_later_epoch() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let cap = scenario.take_from_sender<AdminCap>();
    let mut blob = register(&mut system, 7, 5000, false, 3, scenario.ctx());
    test_utils::advance_epoch(&mut system, &cap);
    certify(&system, &mut blob);
    assert_eq!(blob.certified_epoch(), option::some(2));
    assert_eq!(blob.registered_epoch(), 1);

    blob.burn();
    scenario.return_to_sender(cap);
    test_scenario::return_shared(system);
    scenario.end();
}

#[test]
fun deletable_blob_lifecycle() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register(&mut system, 42, 20000, true, 3, scenario.ctx());
    assert!(blob.is_deletable());
    // The confirmation names this very object.
    certify(&system, &mut blob);
    let blob_id = blob.blob_id();
    let object_id = blob.object_id();

    let storage = system.delete_blob(blob);
    let emitted = event::events_by_type<events::BlobDeleted>();
    assert_eq!(emitted.length(), 1);
    assert_eq!(emitted[0], events::blob_deleted(1, blob_id, 4, object_id, true));
    assert_eq!(storage.end_epoch(), 4);
    assert_eq!(storage.size(), 80680);

    // The storage is reused for another blob.
    let root_hash = 43;
    let blob_id = encoding::derive_blob_id(root_hash, 1, 20000);
    let blob = system.register_blob(storage, blob_id, root_hash, 20000, 1, true, scenario.ctx());
    let object_id = blob.object_id();
    let storage = system.delete_blob(blob);
    let emitted = event::events_by_type<events::BlobDeleted>();
    assert_eq!(emitted.length(), 2);
    assert_eq!(emitted[1], events::blob_deleted(1, blob_id, 4, object_id, false));

    storage.destroy();
    test_scenario::return_shared(system);
    scenario.end();
}

// === Extension ===

#[test]
fun extend_with_a_storage_resource() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    // Buy [1, 5) and keep [3, 5) for the extension.
    let mut storage = buy(&mut system, ENCODED_10K, 4, scenario.ctx());
    let extension = storage.split_by_epoch(3, scenario.ctx());
    let mut blob = system.register_blob(
        storage,
        test_utils::permanent_blob_id(),
        test_utils::permanent_root_hash(),
        test_utils::permanent_size(),
        1,
        false,
        scenario.ctx(),
    );
    assert_eq!(blob.end_epoch(), 3);
    system.certify_blob(
        &mut blob,
        test_utils::permanent_quorum_signature(),
        test_utils::quorum_bitmap(),
        test_utils::permanent_message(),
    );

    system.extend_blob_with_resource(&mut blob, extension);
    assert_eq!(blob.end_epoch(), 5);
    assert_eq!(blob.storage().start_epoch(), 1);
    let emitted = event::events_by_type<events::BlobCertified>();
    assert_eq!(emitted.length(), 2);
    assert_eq!(
        emitted[1],
        events::blob_certified(1, blob.blob_id(), 5, false, blob.object_id(), true),
    );

    blob.burn();
    test_scenario::return_shared(system);
    scenario.end();
}

#[test]
fun extend_by_paying() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register_vector_blob(&mut system, 2, scenario.ctx());
    certify(&system, &mut blob);
    let mut payment = test_utils::mint_wal(3_500, scenario.ctx());

    // One unit for two more epochs: 1000 * 2, no write fee.
    system.extend_blob(&mut blob, 2, &mut payment);
    assert_eq!(payment.value(), 1_500);
    assert_eq!(blob.end_epoch(), 5);
    let accounting = system.future_accounting();
    assert_eq!(accounting.account(1).funds_value(), 1_000);
    assert_eq!(accounting.account(2).funds_value(), 1_000);
    assert_eq!(accounting.account(3).funds_value(), 1_000);
    assert_eq!(accounting.account(4).funds_value(), 0);
    assert_eq!(accounting.account(3).used_capacity(), ENCODED_10K);
    assert_eq!(accounting.account(4).used_capacity(), 0);
    let emitted = event::events_by_type<events::BlobCertified>();
    assert_eq!(
        emitted[emitted.length() - 1],
        events::blob_certified(1, blob.blob_id(), 5, false, blob.object_id(), true),
    );

    // Up to max_epochs_ahead (5) epochs from now: the end may reach epoch 6.
    system.extend_blob(&mut blob, 1, &mut payment);
    assert_eq!(blob.end_epoch(), 6);
    assert_eq!(payment.value(), 500);

    payment.burn_for_testing();
    blob.burn();
    test_scenario::return_shared(system);
    scenario.end();
}

// === Attributes and burning ===

#[test]
fun attributes() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register_vector_blob(&mut system, 1, scenario.ctx());

    blob.insert_or_update_metadata_pair(b"content-type".to_string(), b"text/plain".to_string());
    blob.insert_or_update_metadata_pair(b"name".to_string(), b"a.txt".to_string());
    blob.insert_or_update_metadata_pair(b"name".to_string(), b"b.txt".to_string());
    assert!(blob.has_metadata());
    assert_eq!(blob.metadata().size(), 2);
    assert_eq!(blob.metadata().get(&b"name".to_string()), option::some(b"b.txt".to_string()));

    let (key, value) = blob.remove_metadata_pair(&b"content-type".to_string());
    assert_eq!(key, b"content-type".to_string());
    assert_eq!(value, b"text/plain".to_string());

    let attrs = blob.take_metadata();
    assert!(!blob.has_metadata());
    assert_eq!(attrs.size(), 1);
    blob.add_metadata(attrs);
    assert!(blob.has_metadata());

    // Burning removes the attributes with the blob.
    blob.burn();
    test_scenario::return_shared(system);
    scenario.end();
}

#[test]
fun delete_removes_attributes() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register(&mut system, 9, 100, true, 1, scenario.ctx());
    blob.add_metadata(metadata::new());
    let storage = system.delete_blob(blob);
    storage.destroy();
    test_scenario::return_shared(system);
    scenario.end();
}

// === Aborts: registration ===

#[test, expected_failure(abort_code = walrus::blob::EWrongBlobId)]
fun register_with_wrong_blob_id_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let storage = buy(&mut system, ENCODED_10K, 1, scenario.ctx());
    let _blob = system.register_blob(
        storage,
        test_utils::permanent_blob_id() ^ 1,
        test_utils::permanent_root_hash(),
        test_utils::permanent_size(),
        1,
        false,
        scenario.ctx(),
    );
    abort 999
}

#[test, expected_failure(abort_code = walrus::encoding::EInvalidEncodingType)]
fun register_with_unknown_encoding_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let storage = buy(&mut system, ENCODED_10K, 1, scenario.ctx());
    let blob_id = encoding::derive_blob_id(5, 2, 10000);
    let _blob = system.register_blob(storage, blob_id, 5, 10000, 2, false, scenario.ctx());
    abort 999
}

#[test, expected_failure(abort_code = walrus::blob::EStorageNotStarted)]
fun register_on_future_storage_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut storage = buy(&mut system, ENCODED_10K, 3, scenario.ctx());
    let later = storage.split_by_epoch(2, scenario.ctx());
    let _blob = system.register_blob(
        later,
        test_utils::permanent_blob_id(),
        test_utils::permanent_root_hash(),
        test_utils::permanent_size(),
        1,
        false,
        scenario.ctx(),
    );
    abort 999
}

#[test, expected_failure(abort_code = walrus::blob::EStorageExpired)]
fun register_on_expired_storage_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let cap = scenario.take_from_sender<AdminCap>();
    let storage = buy(&mut system, ENCODED_10K, 1, scenario.ctx());
    test_utils::advance_epoch(&mut system, &cap);
    let _blob = system.register_blob(
        storage,
        test_utils::permanent_blob_id(),
        test_utils::permanent_root_hash(),
        test_utils::permanent_size(),
        1,
        false,
        scenario.ctx(),
    );
    abort 999
}

#[test, expected_failure(abort_code = walrus::blob::EStorageTooSmall)]
fun register_on_too_little_storage_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let storage = buy(&mut system, ENCODED_10K - 1, 1, scenario.ctx());
    let _blob = system.register_blob(
        storage,
        test_utils::permanent_blob_id(),
        test_utils::permanent_root_hash(),
        test_utils::permanent_size(),
        1,
        false,
        scenario.ctx(),
    );
    abort 999
}

#[test, expected_failure(abort_code = walrus::system_state_inner::EBlobIdInvalidated)]
fun register_invalid_blob_id_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    system.invalidate_blob_id(
        test_utils::invalid_quorum_signature(),
        test_utils::quorum_bitmap(),
        test_utils::invalid_message(),
    );
    let _blob = register(
        &mut system,
        test_utils::invalid_root_hash(),
        test_utils::invalid_size(),
        false,
        1,
        scenario.ctx(),
    );
    abort 999
}

// === Aborts: certification ===

#[test, expected_failure(abort_code = walrus::system_state_inner::EBlobIdInvalidated)]
fun certify_invalid_blob_id_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register(
        &mut system,
        test_utils::invalid_root_hash(),
        test_utils::invalid_size(),
        false,
        1,
        scenario.ctx(),
    );
    assert_eq!(blob.blob_id(), test_utils::invalid_blob_id());
    system.invalidate_blob_id(
        test_utils::invalid_sub_quorum_signature(),
        test_utils::sub_quorum_bitmap(),
        test_utils::invalid_message(),
    );
    certify(&system, &mut blob);
    abort 999
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::ENotEnoughShards)]
fun certify_without_quorum_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register_vector_blob(&mut system, 1, scenario.ctx());
    system.certify_blob(
        &mut blob,
        test_utils::permanent_sub_quorum_signature(),
        test_utils::sub_quorum_bitmap(),
        test_utils::permanent_message(),
    );
    abort 999
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::EInvalidSignature)]
fun certify_with_bad_signature_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register_vector_blob(&mut system, 1, scenario.ctx());
    system.certify_blob(
        &mut blob,
        test_utils::permanent_sub_quorum_signature(),
        test_utils::quorum_bitmap(),
        test_utils::permanent_message(),
    );
    abort 999
}

#[test, expected_failure(abort_code = walrus::messages::ETrailingBytes)]
fun certify_with_malformed_message_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register_vector_blob(&mut system, 1, scenario.ctx());
    // A valid certificate over bytes that are not a storage confirmation.
    let mut message = test_utils::permanent_message();
    message.push_back(0);
    let (signature, bitmap) = test_utils::quorum_certificate(&message);
    system.certify_blob(&mut blob, signature, bitmap, message);
    abort 999
}

#[test, expected_failure(abort_code = walrus::blob::EAlreadyCertified)]
fun certify_twice_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register_vector_blob(&mut system, 1, scenario.ctx());
    certify(&system, &mut blob);
    certify(&system, &mut blob);
    abort 999
}

#[test, expected_failure(abort_code = walrus::blob::EBlobExpired)]
fun certify_expired_blob_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let cap = scenario.take_from_sender<AdminCap>();
    let mut blob = register_vector_blob(&mut system, 1, scenario.ctx());
    test_utils::advance_epoch(&mut system, &cap);
    certify(&system, &mut blob);
    abort 999
}

#[test, expected_failure(abort_code = walrus::blob::EWrongMessageEpoch)]
fun certify_with_confirmation_of_another_epoch_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register_vector_blob(&mut system, 2, scenario.ctx());
    let message = confirmation(&blob, 2);
    let (signature, bitmap) = test_utils::quorum_certificate(&message);
    system.certify_blob(&mut blob, signature, bitmap, message);
    abort 999
}

#[test, expected_failure(abort_code = walrus::blob::EBlobIdMismatch)]
fun certify_with_confirmation_of_another_blob_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register(&mut system, 7, 10000, false, 1, scenario.ctx());
    system.certify_blob(
        &mut blob,
        test_utils::permanent_quorum_signature(),
        test_utils::quorum_bitmap(),
        test_utils::permanent_message(),
    );
    abort 999
}

#[test, expected_failure(abort_code = walrus::blob::EPersistenceMismatch)]
fun certify_permanent_blob_with_deletable_confirmation_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register_vector_blob(&mut system, 1, scenario.ctx());
    let message = messages::storage_confirmation_bytes(
        1,
        blob.blob_id(),
        option::some(blob.object_id()),
    );
    let (signature, bitmap) = test_utils::quorum_certificate(&message);
    system.certify_blob(&mut blob, signature, bitmap, message);
    abort 999
}

#[test, expected_failure(abort_code = walrus::blob::EPersistenceMismatch)]
fun certify_deletable_blob_with_confirmation_of_another_object_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    // Same blob id as the deletable vector, but the vector names object 0x0b0b...
    let mut blob = register(
        &mut system,
        test_utils::deletable_root_hash(),
        test_utils::deletable_size(),
        true,
        1,
        scenario.ctx(),
    );
    assert_eq!(blob.blob_id(), test_utils::deletable_blob_id());
    system.certify_blob(
        &mut blob,
        test_utils::deletable_quorum_signature(),
        test_utils::quorum_bitmap(),
        test_utils::deletable_message(),
    );
    abort 999
}

#[test, expected_failure(abort_code = walrus::blob::EPersistenceMismatch)]
fun certify_deletable_blob_with_permanent_confirmation_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register(&mut system, 11, 10000, true, 1, scenario.ctx());
    let message = messages::storage_confirmation_bytes(1, blob.blob_id(), option::none());
    let (signature, bitmap) = test_utils::quorum_certificate(&message);
    system.certify_blob(&mut blob, signature, bitmap, message);
    abort 999
}

// === Aborts: extension ===

#[test, expected_failure(abort_code = walrus::blob::ENotCertified)]
fun extend_uncertified_blob_with_resource_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut storage = buy(&mut system, ENCODED_10K, 4, scenario.ctx());
    let extension = storage.split_by_epoch(3, scenario.ctx());
    let mut blob = system.register_blob(
        storage,
        test_utils::permanent_blob_id(),
        test_utils::permanent_root_hash(),
        test_utils::permanent_size(),
        1,
        false,
        scenario.ctx(),
    );
    system.extend_blob_with_resource(&mut blob, extension);
    abort 999
}

#[test, expected_failure(abort_code = walrus::blob::ENotCertified)]
fun extend_uncertified_blob_by_paying_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register_vector_blob(&mut system, 1, scenario.ctx());
    let mut payment = test_utils::mint_wal(1_000_000, scenario.ctx());
    system.extend_blob(&mut blob, 1, &mut payment);
    abort 999
}

#[test, expected_failure(abort_code = walrus::blob::EBlobExpired)]
fun extend_expired_blob_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let cap = scenario.take_from_sender<AdminCap>();
    let mut blob = register_vector_blob(&mut system, 1, scenario.ctx());
    certify(&system, &mut blob);
    test_utils::advance_epoch(&mut system, &cap);
    let mut payment = test_utils::mint_wal(1_000_000, scenario.ctx());
    system.extend_blob(&mut blob, 1, &mut payment);
    abort 999
}

#[test, expected_failure(abort_code = walrus::blob::EExtensionNotAdjacent)]
fun extend_with_overlapping_storage_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register_vector_blob(&mut system, 2, scenario.ctx());
    certify(&system, &mut blob);
    let extension = buy(&mut system, ENCODED_10K, 3, scenario.ctx());
    system.extend_blob_with_resource(&mut blob, extension);
    abort 999
}

#[test, expected_failure(abort_code = walrus::blob::EExtensionSizeMismatch)]
fun extend_with_storage_of_another_size_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut storage = buy(&mut system, 100_000, 4, scenario.ctx());
    let extension = storage.split_by_epoch(3, scenario.ctx());
    // The blob keeps 41300 bytes of [1, 3); the extension has 100000 bytes of [3, 5).
    let _rest = storage.split_by_size(100_000 - ENCODED_10K, scenario.ctx());
    let mut blob = system.register_blob(
        storage,
        test_utils::permanent_blob_id(),
        test_utils::permanent_root_hash(),
        test_utils::permanent_size(),
        1,
        false,
        scenario.ctx(),
    );
    certify(&system, &mut blob);
    system.extend_blob_with_resource(&mut blob, extension);
    abort 999
}

#[test, expected_failure(abort_code = walrus::system_state_inner::EInvalidEpochsAhead)]
fun extend_by_zero_epochs_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register_vector_blob(&mut system, 2, scenario.ctx());
    certify(&system, &mut blob);
    let mut payment = test_utils::mint_wal(1_000_000, scenario.ctx());
    system.extend_blob(&mut blob, 0, &mut payment);
    abort 999
}

#[test, expected_failure(abort_code = walrus::system_state_inner::EInvalidEpochsAhead)]
fun extend_past_max_epochs_ahead_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register_vector_blob(&mut system, 2, scenario.ctx());
    certify(&system, &mut blob);
    let mut payment = test_utils::mint_wal(1_000_000, scenario.ctx());
    // End 3 + 4 = 7 is 6 epochs after epoch 1; at most 5 are allowed.
    system.extend_blob(&mut blob, 4, &mut payment);
    abort 999
}

#[test, expected_failure(abort_code = walrus::system_state_inner::EStorageExceeded)]
fun extend_into_sold_out_epochs_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    // Sell the whole capacity of epochs 1..5, and build the blob's storage from part of it.
    let mut everything = buy(&mut system, test_utils::capacity(), 5, scenario.ctx());
    let mut part = everything.split_by_size(ENCODED_10K, scenario.ctx());
    let _later = part.split_by_epoch(3, scenario.ctx());
    let mut blob = system.register_blob(
        part,
        test_utils::permanent_blob_id(),
        test_utils::permanent_root_hash(),
        test_utils::permanent_size(),
        1,
        false,
        scenario.ctx(),
    );
    certify(&system, &mut blob);
    let mut payment = test_utils::mint_wal(1_000_000, scenario.ctx());
    system.extend_blob(&mut blob, 1, &mut payment);
    abort 999
}

#[test, expected_failure(abort_code = walrus::system_state_inner::EInsufficientFunds)]
fun extend_with_too_little_payment_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register_vector_blob(&mut system, 2, scenario.ctx());
    certify(&system, &mut blob);
    let mut payment = test_utils::mint_wal(1_999, scenario.ctx());
    system.extend_blob(&mut blob, 2, &mut payment);
    abort 999
}

// === Aborts: deletion and attributes ===

#[test, expected_failure(abort_code = walrus::blob::ENotDeletable)]
fun delete_permanent_blob_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let blob = register_vector_blob(&mut system, 1, scenario.ctx());
    let _storage = system.delete_blob(blob);
    abort 999
}

#[test, expected_failure(abort_code = walrus::blob::EDuplicateMetadata)]
fun adding_attributes_twice_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register_vector_blob(&mut system, 1, scenario.ctx());
    blob.add_metadata(metadata::new());
    blob.add_metadata(metadata::new());
    abort 999
}

#[test, expected_failure(abort_code = walrus::blob::EMissingMetadata)]
fun taking_missing_attributes_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register_vector_blob(&mut system, 1, scenario.ctx());
    let _attrs = blob.take_metadata();
    abort 999
}

#[test, expected_failure(abort_code = walrus::blob::EMissingMetadata)]
fun reading_missing_attributes_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let blob = register_vector_blob(&mut system, 1, scenario.ctx());
    blob.metadata();
    abort 999
}

#[test, expected_failure(abort_code = walrus::blob::EMissingMetadata)]
fun removing_a_pair_without_attributes_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register_vector_blob(&mut system, 1, scenario.ctx());
    let (_, _) = blob.remove_metadata_pair(&b"name".to_string());
    abort 999
}

#[test, expected_failure(abort_code = walrus::metadata::EKeyNotFound)]
fun removing_a_missing_pair_aborts() {
    let mut scenario = setup();
    let mut system = scenario.take_shared<System>();
    let mut blob = register_vector_blob(&mut system, 1, scenario.ctx());
    blob.insert_or_update_metadata_pair(b"name".to_string(), b"a.txt".to_string());
    let (_, _) = blob.remove_metadata_pair(&b"other".to_string());
    abort 999
}
