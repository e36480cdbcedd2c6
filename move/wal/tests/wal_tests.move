#[test_only, allow(deprecated_usage)]
module wal::wal_tests;

use std::unit_test::assert_eq;
use sui::{coin::{Coin, CoinMetadata}, test_scenario, url};
use wal::wal::{Self, WAL, ProtectedTreasury};

const PUBLISHER: address = @0xA;
const OTHER: address = @0xB;
const TOTAL_FROST: u64 = 5_000_000_000_000_000_000;

#[test]
fun publication_mints_the_whole_supply_to_the_publisher() {
    let mut scenario = test_scenario::begin(PUBLISHER);
    wal::init_for_testing(scenario.ctx());
    scenario.next_tx(PUBLISHER);

    let treasury = scenario.take_shared<ProtectedTreasury>();
    assert_eq!(treasury.total_supply(), TOTAL_FROST);
    assert_eq!(wal::initial_supply_wal() * wal::frost_per_wal(), TOTAL_FROST);
    test_scenario::return_shared(treasury);

    let coin = scenario.take_from_sender<Coin<WAL>>();
    assert_eq!(coin.value(), TOTAL_FROST);
    scenario.return_to_sender(coin);
    scenario.end();
}

#[test]
fun metadata_is_frozen_and_complete() {
    let mut scenario = test_scenario::begin(PUBLISHER);
    wal::init_for_testing(scenario.ctx());
    scenario.next_tx(PUBLISHER);

    let metadata = scenario.take_immutable<CoinMetadata<WAL>>();
    assert_eq!(metadata.get_decimals(), 9);
    assert_eq!(metadata.get_decimals(), wal::decimals());
    assert_eq!(metadata.get_symbol(), b"WAL".to_ascii_string());
    assert_eq!(metadata.get_name(), b"WAL Token".to_string());
    assert_eq!(
        metadata.get_description(),
        b"The token that pays for storage in the Walrus blob store.".to_string(),
    );
    assert_eq!(
        metadata.get_icon_url(),
        option::some(url::new_unsafe_from_bytes(b"https://walrus.invalid/wal-icon.svg")),
    );
    test_scenario::return_immutable(metadata);
    scenario.end();
}

#[test]
fun anyone_can_burn_and_supply_only_shrinks() {
    let mut scenario = test_scenario::begin(PUBLISHER);
    wal::init_for_testing(scenario.ctx());
    scenario.next_tx(PUBLISHER);

    // The publisher gives some WAL away; the recipient burns part of it.
    let mut coin = scenario.take_from_sender<Coin<WAL>>();
    let gift = coin.split(1_000 * wal::frost_per_wal(), scenario.ctx());
    transfer::public_transfer(gift, OTHER);
    scenario.return_to_sender(coin);
    scenario.next_tx(OTHER);

    let mut treasury = scenario.take_shared<ProtectedTreasury>();
    let mut gift = scenario.take_from_sender<Coin<WAL>>();
    let burned = gift.split(400 * wal::frost_per_wal(), scenario.ctx());
    treasury.burn(burned);
    assert_eq!(treasury.total_supply(), TOTAL_FROST - 400 * wal::frost_per_wal());
    assert_eq!(gift.value(), 600 * wal::frost_per_wal());

    // Burning the rest of the gift shrinks the supply again.
    treasury.burn(gift);
    assert_eq!(treasury.total_supply(), TOTAL_FROST - 1_000 * wal::frost_per_wal());
    test_scenario::return_shared(treasury);
    scenario.end();
}

#[test]
fun constants_are_consistent() {
    assert_eq!(wal::decimals(), 9);
    assert_eq!(wal::frost_per_wal(), 1_000_000_000);
    assert_eq!(wal::initial_supply_wal(), 5_000_000_000);
}
