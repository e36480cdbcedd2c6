// The WAL coin: the token that pays for storage in the Walrus-style blob store.
//
// The whole supply (5 billion WAL) is minted once, when the package is published, and handed to
// the publisher. The `TreasuryCap` is then locked inside a shared `ProtectedTreasury` whose only
// supply-changing operation is `burn`: after publication the supply can shrink but never grow.
// (For that guarantee to be final the publisher must also make the package immutable, since an
// upgrade could add a minting function.)

// `coin::create_currency` and `sui::url` are deprecated in newer frameworks in favour of
// `coin_registry`, but they are the API that exists in every framework this package targets
// (Sui <= 1.63), so the deprecation warnings are silenced here on purpose.
#[allow(deprecated_usage)]
module wal::wal;

use sui::{coin::{Self, Coin, TreasuryCap}, url};

/// Number of decimal places: one WAL is 10^9 base units ("FROST").
const DECIMALS: u8 = 9;
/// Base units per WAL, 10^DECIMALS.
const FROST_PER_WAL: u64 = 1_000_000_000;
/// Total supply in whole WAL.
const TOTAL_SUPPLY_WAL: u64 = 5_000_000_000;
/// Total supply in base units: 5 * 10^18, below u64::MAX (about 1.8 * 10^19).
const TOTAL_SUPPLY_FROST: u64 = 5_000_000_000_000_000_000;

const SYMBOL: vector<u8> = b"WAL";
const NAME: vector<u8> = b"WAL Token";
const DESCRIPTION: vector<u8> = b"The token that pays for storage in the Walrus blob store.";
const ICON_URL: vector<u8> = b"https://walrus.invalid/wal-icon.svg";

/// One-time witness of the coin type.
public struct WAL has drop {}

/// Shared wrapper of the `TreasuryCap`. It has no `store` and exposes no `mint`, so nobody,
/// including the publisher, can mint more WAL; anyone can burn their own coins through it.
public struct ProtectedTreasury has key {
    id: UID,
    cap: TreasuryCap<WAL>,
}

fun init(otw: WAL, ctx: &mut TxContext) {
    let (mut cap, metadata) = coin::create_currency(
        otw,
        DECIMALS,
        SYMBOL,
        NAME,
        DESCRIPTION,
        option::some(url::new_unsafe_from_bytes(ICON_URL)),
        ctx,
    );
    let supply = cap.mint(TOTAL_SUPPLY_FROST, ctx);
    // Frozen metadata can never be edited, even though nobody could reach the cap anyway.
    transfer::public_freeze_object(metadata);
    transfer::share_object(ProtectedTreasury { id: object::new(ctx), cap });
    transfer::public_transfer(supply, ctx.sender());
}

/// Total WAL in existence, in base units.
public fun total_supply(self: &ProtectedTreasury): u64 {
    self.cap.total_supply()
}

/// Destroys `coin`, shrinking the total supply by its value.
public fun burn(self: &mut ProtectedTreasury, coin: Coin<WAL>) {
    self.cap.burn(coin);
}

/// Number of decimal places of WAL.
public fun decimals(): u8 {
    DECIMALS
}

/// Base units per WAL.
public fun frost_per_wal(): u64 {
    FROST_PER_WAL
}

/// Supply minted at publication, in whole WAL.
public fun initial_supply_wal(): u64 {
    TOTAL_SUPPLY_WAL
}

#[test_only]
/// Runs the publication logic in a test.
public fun init_for_testing(ctx: &mut TxContext) {
    init(WAL {}, ctx)
}
