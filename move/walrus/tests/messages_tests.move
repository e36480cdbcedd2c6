#[test_only]
module walrus::messages_tests;

use std::unit_test::assert_eq;
use walrus::{messages, test_utils};

// === Vectors of tests/vectors/certificates.json ===

#[test]
fun parse_permanent_confirmation_vector() {
    let confirmation = messages::parse_storage_confirmation(test_utils::permanent_message());
    assert_eq!(confirmation.epoch(), 1);
    assert_eq!(confirmation.blob_id(), test_utils::permanent_blob_id());
    assert!(!confirmation.is_deletable());
    assert_eq!(confirmation.object_id(), option::none());
}

#[test]
fun parse_deletable_confirmation_vector() {
    let confirmation = messages::parse_storage_confirmation(test_utils::deletable_message());
    assert_eq!(confirmation.epoch(), 1);
    assert_eq!(confirmation.blob_id(), test_utils::deletable_blob_id());
    assert!(confirmation.is_deletable());
    assert_eq!(confirmation.object_id(), option::some(test_utils::deletable_object_id()));
}

#[test]
fun parse_invalid_blob_id_vector() {
    let attestation = messages::parse_invalid_blob_id(test_utils::invalid_message());
    assert_eq!(attestation.epoch(), 1);
    assert_eq!(attestation.blob_id(), test_utils::invalid_blob_id());
}

#[test]
fun test_serializers_reproduce_the_vectors() {
    assert_eq!(
        messages::storage_confirmation_bytes(1, test_utils::permanent_blob_id(), option::none()),
        test_utils::permanent_message(),
    );
    assert_eq!(
        messages::storage_confirmation_bytes(
            1,
            test_utils::deletable_blob_id(),
            option::some(test_utils::deletable_object_id()),
        ),
        test_utils::deletable_message(),
    );
    assert_eq!(
        messages::invalid_blob_id_bytes(1, test_utils::invalid_blob_id()),
        test_utils::invalid_message(),
    );
}

#[test]
fun explicit_accessor_names() {
    let confirmation = messages::parse_storage_confirmation(
        messages::storage_confirmation_bytes(0xfffffffe, 42, option::none()),
    );
    assert_eq!(messages::storage_confirmation_epoch(&confirmation), 0xfffffffe);
    assert_eq!(messages::storage_confirmation_blob_id(&confirmation), 42);
    let attestation = messages::parse_invalid_blob_id(messages::invalid_blob_id_bytes(9, 43));
    assert_eq!(messages::invalid_blob_id_epoch(&attestation), 9);
    assert_eq!(messages::invalid_blob_id_blob_id(&attestation), 43);
}

// === Aborts ===

#[test, expected_failure(abort_code = walrus::messages::EMessageTooShort)]
fun header_too_short_aborts() {
    messages::parse_storage_confirmation(x"000003010000");
}

#[test, expected_failure(abort_code = walrus::messages::EMessageTooShort)]
fun confirmation_without_persistence_aborts() {
    // Header and blob id, no persistence tag.
    let mut message = test_utils::permanent_message();
    message.pop_back();
    messages::parse_storage_confirmation(message);
}

#[test, expected_failure(abort_code = walrus::messages::EMessageTooShort)]
fun deletable_confirmation_without_object_id_aborts() {
    let mut message = test_utils::deletable_message();
    message.pop_back();
    messages::parse_storage_confirmation(message);
}

#[test, expected_failure(abort_code = walrus::messages::EMessageTooShort)]
fun invalid_blob_id_message_too_short_aborts() {
    let mut message = test_utils::invalid_message();
    message.pop_back();
    messages::parse_invalid_blob_id(message);
}

#[test, expected_failure(abort_code = walrus::messages::EInvalidIntentType)]
fun confirmation_parsed_as_invalid_blob_id_aborts() {
    messages::parse_invalid_blob_id(test_utils::permanent_message());
}

#[test, expected_failure(abort_code = walrus::messages::EInvalidIntentType)]
fun invalid_blob_id_parsed_as_confirmation_aborts() {
    messages::parse_storage_confirmation(test_utils::invalid_message());
}

#[test, expected_failure(abort_code = walrus::messages::EInvalidIntentVersion)]
fun wrong_intent_version_aborts() {
    let mut message = test_utils::permanent_message();
    *(&mut message[1]) = 1;
    messages::parse_storage_confirmation(message);
}

#[test, expected_failure(abort_code = walrus::messages::EInvalidAppId)]
fun wrong_app_id_aborts() {
    let mut message = test_utils::permanent_message();
    *(&mut message[2]) = 2;
    messages::parse_storage_confirmation(message);
}

#[test, expected_failure(abort_code = walrus::messages::EInvalidPersistence)]
fun unknown_persistence_tag_aborts() {
    let mut message = test_utils::permanent_message();
    message.pop_back();
    message.push_back(2);
    messages::parse_storage_confirmation(message);
}

#[test, expected_failure(abort_code = walrus::messages::ETrailingBytes)]
fun trailing_byte_after_confirmation_aborts() {
    let mut message = test_utils::permanent_message();
    message.push_back(0);
    messages::parse_storage_confirmation(message);
}

#[test, expected_failure(abort_code = walrus::messages::ETrailingBytes)]
fun trailing_byte_after_invalid_blob_id_aborts() {
    let mut message = test_utils::invalid_message();
    message.push_back(0);
    messages::parse_invalid_blob_id(message);
}

/// The proof-of-possession message and proof of the candidate key (secret 5) for sender 0xCA in
/// epoch 1, as `walrus_core::messages::ProofOfPossessionMessage` and
/// `ProtocolKeyPair::proof_of_possession` produce them (`sidecar/contracts/tests/staking.rs`
/// checks the same bytes).
const POP_MESSAGE: vector<u8> =
    x"0200030100000000000000000000000000000000000000000000000000000000000000000000cab0e7791fb972fe014159aa33a98622da3cdc98ff707965e536d8636b5fcc5ac7a91a8c46e59a00dca575af0f18fb13dc";
const POP_SIGNATURE: vector<u8> =
    x"94f575951f7ca9f6905957ae8b0d808a8aa0484b0dec336579180c66d318d3bc5d92b0f99217fb1e39cff8f1bc574a2115e495a15ed15998d963f296ad79be1714e086359ecfbfec91c0f858727da3bd15973b123dd8c05e2ea7de9183910f12";

#[test]
fun proof_of_possession_matches_the_rust_core() {
    let secret_key = test_utils::candidate_secret_key();
    let public_key = test_utils::public_key_from_secret(&secret_key);
    let message = messages::proof_of_possession_message(1, @0xCA, public_key);
    assert_eq!(message.length(), 87);
    assert_eq!(message, POP_MESSAGE);
    assert_eq!(test_utils::proof_of_possession(&secret_key, 1, @0xCA), POP_SIGNATURE);
}
