/// The worked examples of the committee selection algorithm (docs/chain.md, "Committee
/// selection"); `sidecar/contracts/tests/staking.rs` runs the same examples on the Rust twin.
#[test_only]
module walrus::committee_tests;

use std::unit_test::assert_eq;
use walrus::{bls_aggregate, committee, test_utils};

fun id(n: address): ID {
    object::id_from_address(n)
}

#[test]
fun candidates_sort_by_stake_then_lowest_id() {
    let mut node_ids = vector[id(@0x1), id(@0x3), id(@0x2), id(@0x4)];
    let mut stakes = vector[10, 20, 20, 30];
    committee::sort_candidates(&mut node_ids, &mut stakes);
    assert_eq!(node_ids, vector[id(@0x4), id(@0x2), id(@0x3), id(@0x1)]);
    assert_eq!(stakes, vector[30, 20, 20, 10]);
}

#[test]
fun shard_counts_are_exact_when_stake_divides() {
    // Example A: 40/30/20/10 of 10 shards.
    assert_eq!(committee::shard_counts(&vector[40, 30, 20, 10], 10, 10), vector[4, 3, 2, 1]);
}

#[test]
fun leftover_shards_go_to_the_largest_remainders() {
    // Example B: 10 * 3000 / 6000 = 5; 10 * 2000 / 6000 = 3 rem 2000; 10 * 1000 / 6000 = 1 rem
    // 4000: the one leftover shard goes to the third candidate.
    assert_eq!(committee::shard_counts(&vector[3000, 2000, 1000], 10, 10), vector[5, 3, 2]);
}

#[test]
fun the_cap_moves_shards_to_the_others() {
    // Example C: 7 / 2 / 1 with a cap of 4: the first is capped, the others fill up round by
    // round in remainder order (all remainders 0: candidate order).
    assert_eq!(committee::shard_counts(&vector[70, 20, 10], 10, 4), vector[4, 4, 2]);
}

#[test]
fun a_cap_too_low_is_raised() {
    // Example D: 3 candidates cannot hold 10 shards at 2 each; the cap becomes ceil(10 / 3) = 4.
    assert_eq!(committee::shard_counts(&vector[1, 1, 1], 10, 2), vector[4, 3, 3]);
}

#[test]
fun a_tiny_stake_gets_no_shard() {
    // Example E: 4 * 1 / 1001 rounds to 0 and its remainder loses to the first's.
    assert_eq!(committee::shard_counts(&vector[1000, 1], 4, 4), vector[4, 0]);
}

#[test]
fun members_keep_their_shards_and_free_ones_go_lowest_first() {
    // Example F: the test committee holds [0], [1, 2], [3, 4, 5], [6, 7, 8, 9]; node 0x4 leaves
    // and the others get 5, 3 and 2 shards.
    let previous = test_committee();
    let lists = committee::assign_shards(
        &previous,
        &vector[id(@0x3), id(@0x2), id(@0x1)],
        &vector[5, 3, 2],
        10,
    );
    assert_eq!(lists, vector[vector[3, 4, 5, 6, 7], vector[1, 2, 8], vector[0, 9]]);
}

#[test]
fun shrinking_members_keep_their_lowest_shards() {
    // Example G: 0x4 shrinks to 2 shards (keeps 6, 7), the new node 0x5 takes the lowest free
    // shards, 0x1 grows to 3.
    let previous = test_committee();
    let lists = committee::assign_shards(
        &previous,
        &vector[id(@0x4), id(@0x5), id(@0x1)],
        &vector[2, 5, 3],
        10,
    );
    assert_eq!(lists, vector[vector[6, 7], vector[1, 2, 3, 4, 5], vector[0, 8, 9]]);
}

#[test]
fun prices_are_the_lowest_a_quorum_accepts() {
    // Ascending: 100 (4 shards), 200 (3 shards): 7 of 10 shards > 2/3 at 200.
    assert_eq!(committee::quorum_price(&vector[100, 200, 300, 400], &vector[4, 3, 2, 1]), 200);
    // Only all four together exceed 2/3 here.
    assert_eq!(committee::quorum_price(&vector[100, 300, 200, 400], &vector[1, 2, 3, 4]), 400);
    assert_eq!(committee::quorum_price(&vector[], &vector[]), 0);
}

#[test]
fun capacity_is_the_highest_a_quorum_supports() {
    // Descending: 400 (4 shards), 300 (3 shards): 7 of 10 shards > 2/3 at 300.
    assert_eq!(committee::quorum_capacity(&vector[100, 200, 300, 400], &vector[1, 2, 3, 4]), 300);
    assert_eq!(committee::quorum_capacity(&vector[100, 200, 300, 400], &vector[4, 3, 2, 1]), 100);
}

#[test]
fun assigned_lists_form_a_valid_committee() {
    let previous = test_committee();
    let node_ids = vector[id(@0x3), id(@0x2), id(@0x1)];
    let lists = committee::assign_shards(&previous, &node_ids, &vector[5, 3, 2], 10);
    let keys = test_utils::public_keys();
    let addresses = test_utils::network_addresses();
    let next = bls_aggregate::new_committee_with_shards(
        node_ids,
        vector[keys[2], keys[1], keys[0]],
        vector[addresses[2], addresses[1], addresses[0]],
        lists,
    );
    assert_eq!(next.n_shards(), 10);
    assert_eq!(next.member(0).member_shards(), 5);
    assert_eq!(*next.member(2).shard_ids(), vector[0, 9]);
}

fun test_committee(): bls_aggregate::Committee {
    bls_aggregate::new_committee(
        test_utils::node_ids(),
        test_utils::public_keys(),
        test_utils::network_addresses(),
        test_utils::shard_counts(),
    )
}
