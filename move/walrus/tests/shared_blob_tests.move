#[test_only]
module walrus::shared_blob_tests;

use std::unit_test::assert_eq;
use sui::test_scenario::{Self, Scenario};
use walrus::{blob::Blob, shared_blob::{Self, SharedBlob}, system::System, test_utils};

const PUBLISHER: address = @0xA;
const FUNDER: address = @0xF;
const ENCODED_10K: u64 = 41300;

/// A certified permanent blob (the certificate vector) stored for epochs [1, 3).
fun certified_blob(scenario: &mut Scenario): Blob {
    let mut system = scenario.take_shared<System>();
    let mut payment = test_utils::mint_wal(1_000_000, scenario.ctx());
    let storage = system.reserve_space(ENCODED_10K, 2, &mut payment, scenario.ctx());
    payment.burn_for_testing();
    let mut blob = system.register_blob(
        storage,
        test_utils::permanent_blob_id(),
        test_utils::permanent_root_hash(),
        test_utils::permanent_size(),
        1,
        false,
        scenario.ctx(),
    );
    system.certify_blob(
        &mut blob,
        test_utils::permanent_quorum_signature(),
        test_utils::quorum_bitmap(),
        test_utils::permanent_message(),
    );
    test_scenario::return_shared(system);
    blob
}

#[test]
fun anyone_funds_and_extends_a_shared_blob() {
    let mut scenario = test_scenario::begin(PUBLISHER);
    test_utils::setup(&mut scenario);
    let blob = certified_blob(&mut scenario);
    let funds = test_utils::mint_wal(5_000, scenario.ctx());
    shared_blob::new_funded(blob, funds, scenario.ctx());

    // Someone else tops it up and extends it by two epochs (1000 * 2).
    scenario.next_tx(FUNDER);
    let mut shared = scenario.take_shared<SharedBlob>();
    let mut system = scenario.take_shared<System>();
    assert_eq!(shared.funds(), 5_000);
    shared.fund(test_utils::mint_wal(100, scenario.ctx()));
    assert_eq!(shared.funds(), 5_100);
    shared.extend(&mut system, 2);
    assert_eq!(shared.funds(), 3_100);
    assert_eq!(shared.blob().end_epoch(), 5);
    assert_eq!(shared.blob().blob_id(), test_utils::permanent_blob_id());
    test_scenario::return_shared(shared);
    test_scenario::return_shared(system);
    scenario.end();
}

#[test]
fun unfunded_shared_blob_starts_empty() {
    let mut scenario = test_scenario::begin(PUBLISHER);
    test_utils::setup(&mut scenario);
    let blob = certified_blob(&mut scenario);
    shared_blob::new(blob, scenario.ctx());
    scenario.next_tx(FUNDER);
    let mut shared = scenario.take_shared<SharedBlob>();
    assert_eq!(shared.funds(), 0);
    shared.fund(test_utils::mint_wal(2_000, scenario.ctx()));
    let mut system = scenario.take_shared<System>();
    shared.extend(&mut system, 2);
    assert_eq!(shared.funds(), 0);
    assert_eq!(shared.blob().end_epoch(), 5);
    test_scenario::return_shared(shared);
    test_scenario::return_shared(system);
    scenario.end();
}

#[test, expected_failure(abort_code = walrus::system_state_inner::EInsufficientFunds)]
fun extending_beyond_the_funds_aborts() {
    let mut scenario = test_scenario::begin(PUBLISHER);
    test_utils::setup(&mut scenario);
    let blob = certified_blob(&mut scenario);
    shared_blob::new_funded(blob, test_utils::mint_wal(1_999, scenario.ctx()), scenario.ctx());
    scenario.next_tx(FUNDER);
    let mut shared = scenario.take_shared<SharedBlob>();
    let mut system = scenario.take_shared<System>();
    shared.extend(&mut system, 2);
    abort 999
}
