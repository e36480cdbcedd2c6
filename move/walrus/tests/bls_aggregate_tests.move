#[test_only]
module walrus::bls_aggregate_tests;

use std::unit_test::assert_eq;
use walrus::{bls_aggregate::{Self, Committee}, test_utils};

fun test_committee(): Committee {
    bls_aggregate::new_committee(
        test_utils::node_ids(),
        test_utils::public_keys(),
        test_utils::network_addresses(),
        test_utils::shard_counts(),
    )
}

#[test]
fun committee_of_the_vectors() {
    let committee = test_committee();
    assert_eq!(committee.n_members(), 4);
    assert_eq!(committee.n_shards(), 10);
    let node_ids = test_utils::node_ids();
    let public_keys = test_utils::public_keys();
    let shard_counts = test_utils::shard_counts();
    let network_addresses = test_utils::network_addresses();
    let mut i = 0;
    while (i < 4) {
        let member = committee.member(i);
        assert_eq!(member.node_id(), node_ids[i]);
        assert_eq!(member.public_key_bytes(), public_keys[i]);
        assert_eq!(member.member_shards(), shard_counts[i]);
        assert_eq!(member.shard_ids().length(), (shard_counts[i] as u64));
        assert_eq!(member.network_address(), network_addresses[i]);
        i = i + 1;
    };
}

#[test]
fun contiguous_committees_list_their_shards() {
    let committee = test_committee();
    assert_eq!(*committee.member(0).shard_ids(), vector[0]);
    assert_eq!(*committee.member(1).shard_ids(), vector[1, 2]);
    assert_eq!(*committee.member(2).shard_ids(), vector[3, 4, 5]);
    assert_eq!(*committee.member(3).shard_ids(), vector[6, 7, 8, 9]);
    assert_eq!(committee.index_of(object::id_from_address(@0x3)), option::some(2));
    assert_eq!(committee.index_of(object::id_from_address(@0x9)), option::none());
}

#[test]
fun explicit_shard_lists_weigh_certificates() {
    // Member 0 holds 4 shards here, member 3 one: members 0, 1, 2 hold 9 of 10, a quorum.
    let committee = with_shards(vector[
        vector[0, 5, 8, 9],
        vector[1, 2],
        vector[3, 4, 6],
        vector[7],
    ]);
    assert_eq!(committee.n_shards(), 10);
    assert_eq!(committee.member(0).member_shards(), 4);
    let message = test_utils::permanent_message();
    let signature = test_utils::sign(&message, vector[0, 1, 2]);
    assert_eq!(
        committee.verify_quorum(&signature, &test_utils::bitmap(vector[0, 1, 2]), &message),
        9,
    );
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::EInvalidCommittee)]
fun repeated_shard_aborts() {
    with_shards(vector[vector[0, 5, 8, 9], vector[1, 2], vector[3, 4, 6], vector[6]]);
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::EInvalidCommittee)]
fun shard_beyond_the_total_aborts() {
    with_shards(vector[vector[0, 5, 8, 10], vector[1, 2], vector[3, 4, 6], vector[7]]);
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::EInvalidCommittee)]
fun unsorted_shard_list_aborts() {
    with_shards(vector[vector[0, 8, 5, 9], vector[1, 2], vector[3, 4, 6], vector[7]]);
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::EInvalidCommittee)]
fun empty_shard_list_aborts() {
    with_shards(vector[vector[0, 5, 7, 8, 9], vector[1, 2], vector[3, 4, 6], vector[]]);
}

fun with_shards(shard_ids: vector<vector<u16>>): Committee {
    bls_aggregate::new_committee_with_shards(
        test_utils::node_ids(),
        test_utils::public_keys(),
        test_utils::network_addresses(),
        shard_ids,
    )
}

#[test]
fun vector_keys_match_their_secret_keys() {
    // Ties the Python-generated vectors to Sui's own BLS arithmetic.
    let secret_keys = test_utils::secret_keys();
    let public_keys = test_utils::public_keys();
    let mut i = 0;
    while (i < 4) {
        assert_eq!(test_utils::public_key_from_secret(&secret_keys[i]), public_keys[i]);
        i = i + 1;
    };
}

#[test]
fun move_signatures_match_vector_signatures() {
    // BLS signatures are deterministic: signing in Move reproduces the vectors byte for byte.
    let message = test_utils::permanent_message();
    assert_eq!(
        test_utils::sign(&message, vector[1, 2, 3]),
        test_utils::permanent_quorum_signature(),
    );
    assert_eq!(
        test_utils::sign(&message, vector[0, 1, 2]),
        test_utils::permanent_sub_quorum_signature(),
    );
    assert_eq!(test_utils::bitmap(vector[1, 2, 3]), test_utils::quorum_bitmap());
    assert_eq!(test_utils::bitmap(vector[0, 1, 2]), test_utils::sub_quorum_bitmap());
    assert_eq!(test_utils::bitmap(vector[0, 1]), test_utils::below_validity_bitmap());
}

#[test]
fun thresholds() {
    let committee = test_committee();
    // n = 10: quorum needs 3s > 20, validity 3s > 10.
    assert!(!committee.is_quorum(6));
    assert!(committee.is_quorum(7));
    assert!(!committee.is_validity(3));
    assert!(committee.is_validity(4));
}

#[test]
fun quorum_certificates_of_the_vectors_verify() {
    let committee = test_committee();
    let bitmap = test_utils::quorum_bitmap();
    assert_eq!(
        committee.verify_quorum(
            &test_utils::permanent_quorum_signature(),
            &bitmap,
            &test_utils::permanent_message(),
        ),
        9,
    );
    assert_eq!(
        committee.verify_quorum(
            &test_utils::deletable_quorum_signature(),
            &bitmap,
            &test_utils::deletable_message(),
        ),
        9,
    );
    assert_eq!(
        committee.verify_quorum(
            &test_utils::invalid_quorum_signature(),
            &bitmap,
            &test_utils::invalid_message(),
        ),
        9,
    );
}

#[test]
fun validity_certificates_of_the_vectors_verify() {
    let committee = test_committee();
    assert_eq!(
        committee.verify_validity(
            &test_utils::invalid_sub_quorum_signature(),
            &test_utils::sub_quorum_bitmap(),
            &test_utils::invalid_message(),
        ),
        6,
    );
    // A quorum is also a validity certificate.
    assert_eq!(
        committee.verify_validity(
            &test_utils::invalid_quorum_signature(),
            &test_utils::quorum_bitmap(),
            &test_utils::invalid_message(),
        ),
        9,
    );
    assert_eq!(
        committee.verify_validity(
            &test_utils::deletable_sub_quorum_signature(),
            &test_utils::sub_quorum_bitmap(),
            &test_utils::deletable_message(),
        ),
        6,
    );
}

#[test]
fun all_members_can_sign() {
    let committee = test_committee();
    let message = b"any message";
    let signature = test_utils::sign(&message, vector[0, 1, 2, 3]);
    assert_eq!(committee.verify_quorum(&signature, &x"0f", &message), 10);
}

// === Aborts ===

#[test, expected_failure(abort_code = walrus::bls_aggregate::EInvalidCommittee)]
fun mismatched_committee_vectors_abort() {
    bls_aggregate::new_committee(
        test_utils::node_ids(),
        test_utils::public_keys(),
        test_utils::network_addresses(),
        vector[1, 2, 3],
    );
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::EInvalidCommittee)]
fun empty_committee_aborts() {
    bls_aggregate::new_committee(vector[], vector[], vector[], vector[]);
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::EInvalidCommittee)]
fun member_without_shards_aborts() {
    bls_aggregate::new_committee(
        test_utils::node_ids(),
        test_utils::public_keys(),
        test_utils::network_addresses(),
        vector[1, 0, 3, 4],
    );
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::EInvalidCommittee)]
fun more_than_u16_shards_abort() {
    bls_aggregate::new_committee(
        test_utils::node_ids(),
        test_utils::public_keys(),
        test_utils::network_addresses(),
        vector[65535, 1, 1, 1],
    );
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::EInvalidCommittee)]
fun empty_network_address_aborts() {
    let mut addresses = test_utils::network_addresses();
    *(&mut addresses[2]) = std::string::utf8(b"");
    bls_aggregate::new_committee(
        test_utils::node_ids(),
        test_utils::public_keys(),
        addresses,
        test_utils::shard_counts(),
    );
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::EInvalidCommittee)]
fun over_long_network_address_aborts() {
    let mut bytes = vector[];
    257u64.do!(|_| bytes.push_back(97u8));
    let mut addresses = test_utils::network_addresses();
    *(&mut addresses[0]) = std::string::utf8(bytes);
    bls_aggregate::new_committee(
        test_utils::node_ids(),
        test_utils::public_keys(),
        addresses,
        test_utils::shard_counts(),
    );
}

#[test]
fun longest_network_address_is_accepted() {
    let mut bytes = vector[];
    256u64.do!(|_| bytes.push_back(97u8));
    let mut addresses = test_utils::network_addresses();
    *(&mut addresses[0]) = std::string::utf8(bytes);
    let committee = bls_aggregate::new_committee(
        test_utils::node_ids(),
        test_utils::public_keys(),
        addresses,
        test_utils::shard_counts(),
    );
    assert_eq!(committee.member(0).network_address().length(), 256);
}

#[test, expected_failure(abort_code = 1, location = sui::group_ops)]
fun invalid_public_key_aborts() {
    // 48 bytes that are not a compressed G1 point.
    let mut keys = test_utils::public_keys();
    *(&mut keys[0]) =
        x"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001";
    bls_aggregate::new_committee(
        test_utils::node_ids(),
        keys,
        test_utils::network_addresses(),
        test_utils::shard_counts(),
    );
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::EInvalidBitmap)]
fun bitmap_too_long_aborts() {
    let committee = test_committee();
    committee.verify_quorum(
        &test_utils::permanent_quorum_signature(),
        &x"0e00",
        &test_utils::permanent_message(),
    );
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::EInvalidBitmap)]
fun empty_bitmap_aborts() {
    let committee = test_committee();
    committee.verify_quorum(
        &test_utils::permanent_quorum_signature(),
        &vector[],
        &test_utils::permanent_message(),
    );
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::EInvalidBitmap)]
fun bitmap_bit_past_last_member_aborts() {
    // Bit 4 names a fifth member of a 4-member committee.
    let committee = test_committee();
    committee.verify_quorum(
        &test_utils::permanent_quorum_signature(),
        &x"1e",
        &test_utils::permanent_message(),
    );
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::ENotEnoughShards)]
fun sub_quorum_is_no_quorum() {
    let committee = test_committee();
    committee.verify_quorum(
        &test_utils::permanent_sub_quorum_signature(),
        &test_utils::sub_quorum_bitmap(),
        &test_utils::permanent_message(),
    );
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::ENotEnoughShards)]
fun below_validity_is_no_validity() {
    let committee = test_committee();
    committee.verify_validity(
        &test_utils::invalid_below_validity_signature(),
        &test_utils::below_validity_bitmap(),
        &test_utils::invalid_message(),
    );
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::EInvalidSignature)]
fun signature_over_another_message_aborts() {
    let committee = test_committee();
    committee.verify_quorum(
        &test_utils::deletable_quorum_signature(),
        &test_utils::quorum_bitmap(),
        &test_utils::permanent_message(),
    );
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::EInvalidSignature)]
fun signature_with_wrong_signers_aborts() {
    // Members 1, 2, 3 signed; the bitmap claims all four.
    let committee = test_committee();
    committee.verify_quorum(
        &test_utils::permanent_quorum_signature(),
        &x"0f",
        &test_utils::permanent_message(),
    );
}

#[test, expected_failure(abort_code = walrus::bls_aggregate::EInvalidSignature)]
fun malformed_signature_aborts() {
    let committee = test_committee();
    committee.verify_quorum(&x"00", &test_utils::quorum_bitmap(), &test_utils::permanent_message());
}
