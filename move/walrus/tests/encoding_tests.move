#[test_only]
module walrus::encoding_tests;

use std::unit_test::assert_eq;
use walrus::{encoding, test_utils::u256_from_le_bytes};

// === derive_blob_id against tests/vectors/blob_id_derivation.json ===

/// Checks one vector: root hash and blob id are the hex of their BCS (little-endian) bytes.
fun check_vector(encoding_type: u8, size: u64, root_hash_le: vector<u8>, blob_id_le: vector<u8>) {
    let root_hash = u256_from_le_bytes(root_hash_le);
    assert_eq!(
        encoding::derive_blob_id(root_hash, encoding_type, size),
        u256_from_le_bytes(blob_id_le),
    );
}

#[test]
fun derive_blob_id_matches_vectors() {
    check_vector(
        1,
        0,
        x"0000000000000000000000000000000000000000000000000000000000000000",
        x"f350fbd7557ef9d0a8fb9906b5699288f3bf3f68ee9adbddb5d69c0bd39575c0",
    );
    check_vector(
        1,
        1,
        x"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        x"e79346f055ce3013bdcd843ac1ce5d05ab112ccd8b941f5a536545c93f723bdf",
    );
    check_vector(
        1,
        10000,
        x"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        x"55d0f1675fcbc44be9d006f851e1c943954dc96212494f2a225979aba2801435",
    );
    check_vector(
        1,
        1048576,
        x"390a064c9d20024cf71e8c4654e7ab6934ca3af8e919ef871ef0a3d8b68d5577",
        x"453ee3da0741a494b9b75d920641bd462bb602eb08a54f066d53a4c7ae20e728",
    );
    check_vector(
        1,
        123456789,
        x"f787fbf898e17be00f5919bd3b7f197d8b0685902df0294ec6e9d9e344ee4414",
        x"a8805df363afa82b81276cddfcea73a3e8a3d8c85ddacb1a4a3a0f548a979f92",
    );
    check_vector(
        1,
        68719476736,
        x"55accb6201af8a1f9b82aed2c567911896ec95e41dd96be0aaca4e146fee7b0a",
        x"caae5104abc00cc234ce2da5e3fa287348486abc8f9fdcf2824fed79516489b5",
    );
    check_vector(
        1,
        18446744073709551615,
        x"36ffdd59a31e2c18fa0b531235c8e6d6daa7d03bef70129c5326d4abaa7aa9b2",
        x"8e68c2d2c6b655248162d9056b009ae9dd065751b979d1684ab3c7885ab5e826",
    );
    check_vector(
        0,
        10000,
        x"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        x"6c7fbc3ceae54838d256ca772a6acaf0b0b6087d93eeaa40cd7884a5ded94df6",
    );
}

#[test]
fun u256_bcs_bytes_are_little_endian() {
    // The vectors' root_hash_hex is the BCS encoding of the u256: least significant byte first.
    assert_eq!(
        u256_from_le_bytes(x"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
        0x1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100,
    );
}

#[test]
fun derive_blob_id_depends_on_every_field() {
    let id = encoding::derive_blob_id(7, 1, 100);
    assert!(id != encoding::derive_blob_id(8, 1, 100));
    assert!(id != encoding::derive_blob_id(7, 2, 100));
    assert!(id != encoding::derive_blob_id(7, 1, 101));
}

// === encoded_size_bytes ===

#[test]
fun encoded_size_of_known_blobs() {
    // n = 10: f = 3, primary 7, secondary 4, source 28, depth 4, metadata 64 + 128 per pair.
    // Empty blob: symbol 2, per pair 11 * 2 + 192 = 214.
    assert_eq!(encoding::encoded_size_bytes(0, 10), 2140);
    // 10000 bytes: symbol ceil(10000 / 28) = 358, per pair 11 * 358 + 192 = 4130.
    assert_eq!(encoding::encoded_size_bytes(10000, 10), 41300);
    assert_eq!(encoding::encoded_size_bytes(20000, 10), 80680);
    assert_eq!(encoding::encoded_size_bytes(30000, 10), 119840);
    // n = 4: f = 1, primary 3, secondary 2, depth 2: 4 * (5 * 2 + 128) = 552.
    assert_eq!(encoding::encoded_size_bytes(0, 4), 552);
    assert_eq!(encoding::encoded_size_bytes(1, 4), 552);
    // n = 7: f = 2, primary 5, secondary 3, source 15, symbol ceil(100 / 15) = 7 -> 8, depth 3.
    assert_eq!(encoding::encoded_size_bytes(100, 7), 1568);
    // n = 1000, 1 MiB: f = 333, primary 667, secondary 334, symbol 5 -> 6, depth 10.
    assert_eq!(encoding::encoded_size_bytes(1048576, 1000), 6390000);
    // The largest blob on the largest committee stays far from overflow.
    assert_eq!(encoding::encoded_size_bytes(68719476736, 4096), 309147164672);
    assert_eq!(encoding::encoded_size_bytes(0, 4096), 35397632);
}

#[test]
fun largest_symbol_is_accepted() {
    // n = 4 has 6 source symbols: 6 GiB gives exactly 1 GiB symbols.
    assert_eq!(encoding::encoded_size_bytes(6 * 1073741824, 4), 21474836992);
    assert_eq!(encoding::symbol_size_bytes(6 * 1073741824, 4), encoding::max_symbol_size_bytes());
}

#[test]
fun code_parameters() {
    assert_eq!(encoding::max_faulty_shards(4), 1);
    assert_eq!(encoding::max_faulty_shards(10), 3);
    assert_eq!(encoding::max_faulty_shards(4096), 1365);
    assert_eq!(encoding::primary_symbols(10), 7);
    assert_eq!(encoding::secondary_symbols(10), 4);
    assert_eq!(encoding::primary_symbols(4096), 2731);
    assert_eq!(encoding::secondary_symbols(4096), 1366);
    assert_eq!(encoding::symbol_size_bytes(0, 10), 2);
    assert_eq!(encoding::symbol_size_bytes(28, 10), 2);
    assert_eq!(encoding::symbol_size_bytes(29, 10), 2);
    assert_eq!(encoding::symbol_size_bytes(57, 10), 4);
    assert_eq!(encoding::max_unencoded_size_bytes(), 68719476736);
    assert_eq!(encoding::max_symbol_size_bytes(), 1073741824);
    assert_eq!(encoding::red_stuff(), 1);
}

#[test]
fun merkle_depth_is_ceil_log2() {
    assert_eq!(encoding::merkle_depth_for_testing(1), 0);
    assert_eq!(encoding::merkle_depth_for_testing(2), 1);
    assert_eq!(encoding::merkle_depth_for_testing(4), 2);
    assert_eq!(encoding::merkle_depth_for_testing(5), 3);
    assert_eq!(encoding::merkle_depth_for_testing(10), 4);
    assert_eq!(encoding::merkle_depth_for_testing(1000), 10);
    assert_eq!(encoding::merkle_depth_for_testing(1024), 10);
    assert_eq!(encoding::merkle_depth_for_testing(1025), 11);
    assert_eq!(encoding::merkle_depth_for_testing(4096), 12);
}

#[test]
fun valid_parameters_pass_the_checks() {
    encoding::assert_valid_encoding_type(1);
    encoding::assert_valid_n_shards(4);
    encoding::assert_valid_n_shards(4096);
}

// === Agreement with the Rust encoder (tests/vectors/encoding.json, real encodings) ===

#[test]
fun encoded_sizes_match_the_rust_encoder() {
    assert_eq!(encoding::encoded_size_bytes(0, 4), 552);
    assert_eq!(encoding::symbol_size_bytes(0, 4), 2);
    assert_eq!(encoding::encoded_size_bytes(1, 4), 552);
    assert_eq!(encoding::symbol_size_bytes(1, 4), 2);
    assert_eq!(encoding::encoded_size_bytes(0, 10), 2140);
    assert_eq!(encoding::symbol_size_bytes(0, 10), 2);
    assert_eq!(encoding::encoded_size_bytes(13, 10), 2140);
    assert_eq!(encoding::symbol_size_bytes(13, 10), 2);
    assert_eq!(encoding::encoded_size_bytes(1000, 10), 5880);
    assert_eq!(encoding::symbol_size_bytes(1000, 10), 36);
    assert_eq!(encoding::encoded_size_bytes(65537, 31), 288672);
    assert_eq!(encoding::symbol_size_bytes(65537, 31), 284);
    assert_eq!(encoding::encoded_size_bytes(12345, 100), 89400);
    assert_eq!(encoding::symbol_size_bytes(12345, 100), 6);
    assert_eq!(encoding::encoded_size_bytes(1, 1000), 2386000);
    assert_eq!(encoding::symbol_size_bytes(1, 1000), 2);
}

#[test]
fun blob_ids_of_real_encodings() {
    check_vector(
        1,
        0,
        x"618ac04e9f1be87ef0d45d25b4380d152f2b4744ebf80a7dfefe19082f70cd7d",
        x"9a1fe8ddf9ca86d982d24ea29e11b56dcf1b2e433436092756afb05ab539a684",
    );
    check_vector(
        1,
        1,
        x"17c5ea12698fcd21050f4ea265a32a25bc3eda71fde1e35cd2330bcc8257455f",
        x"05c40528c2cedc49c471804e1da4033271ddc9c677183134a6ad1f88eb61705f",
    );
    check_vector(
        1,
        0,
        x"c6e99f1e920a2b4c39669d9138f790aac832fcc0e312ffb241a65bfd1c4d6c06",
        x"54e8c03f1f92f5360c80c751f000d27e0f8ed10dc4ba9f23fba4e6c08b36c1e9",
    );
    check_vector(
        1,
        13,
        x"6b9f96fa5d8ff8cfcb62b29a375b892a2b83b2625aa4515d1b7f5a4cf6340ca0",
        x"a9adeaaf7aae7701e4c70032d5d14061617435967de61d547d2a5921cbf4ee31",
    );
    check_vector(
        1,
        1000,
        x"a72f8a3100d8b25039c6a09546a3495d7b5ebef6048f9cbc7510a80e070281f4",
        x"cf03325a9824de78ceb77b07afa61b47722da5f70352ab1e45c21b64d3d06943",
    );
    check_vector(
        1,
        65537,
        x"54a5ed15a9f257d9cb9570b93549fdce6ae74a1028f1d5efe6afefaa501cd9a1",
        x"b73406f823778b713a986fcb8970d638ebc2c69680eb24e4d0e9169bbfb91aaa",
    );
    check_vector(
        1,
        12345,
        x"486c8d1f525575a3901b94ba7a1d3fea5b19a4688a31aa386d7d701ea7b655a9",
        x"f480af1f27bfa0f1dce5114bc5f20cba1e513dd7926609e6c735d72f1ab5730b",
    );
    check_vector(
        1,
        1,
        x"355f6dafcde7bbe7ad6c1cc6a35740ab11751473327e674e8bb53b6bef727b9d",
        x"363115fb1ca72fc77f65fe0d6b2eeb65865b2e2a88d04058a55d350958d90742",
    );
}

// === Aborts ===

#[test, expected_failure(abort_code = walrus::encoding::EInvalidEncodingType)]
fun unknown_encoding_type_aborts() {
    encoding::assert_valid_encoding_type(0);
}

#[test, expected_failure(abort_code = walrus::encoding::EInvalidShardCount)]
fun too_few_shards_abort() {
    encoding::encoded_size_bytes(100, 3);
}

#[test, expected_failure(abort_code = walrus::encoding::EInvalidShardCount)]
fun too_many_shards_abort() {
    encoding::assert_valid_n_shards(4097);
}

#[test, expected_failure(abort_code = walrus::encoding::EBlobTooLarge)]
fun blob_above_64_gib_aborts() {
    encoding::encoded_size_bytes(68719476737, 4096);
}

#[test, expected_failure(abort_code = walrus::encoding::EBlobTooLarge)]
fun symbol_above_1_gib_aborts() {
    // 6 GiB + 1 byte on 4 shards needs 1 GiB + 2 byte symbols.
    encoding::encoded_size_bytes(6 * 1073741824 + 1, 4);
}
