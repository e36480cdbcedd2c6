//! `wal::wal`: the WAL coin. The whole supply is minted at publication to the publisher and the
//! treasury cap is locked in a shared `ProtectedTreasury` that can only burn.

use serde::{Deserialize, Serialize};

use crate::{
    framework::{Balance, Coin, ObjectId, TxContext},
    objects::Object,
};

/// Decimals of WAL.
pub const DECIMALS: u8 = 9;
/// Base units ("FROST") per WAL.
pub const FROST_PER_WAL: u64 = 1_000_000_000;
/// The supply in WAL.
pub const TOTAL_SUPPLY_WAL: u64 = 5_000_000_000;
/// The supply in base units.
pub const TOTAL_SUPPLY_FROST: u64 = TOTAL_SUPPLY_WAL * FROST_PER_WAL;
/// Coin symbol.
pub const SYMBOL: &str = "WAL";
/// Coin name.
pub const NAME: &str = "WAL Token";
/// Coin description.
pub const DESCRIPTION: &str = "The token that pays for storage in the Walrus blob store.";
/// Coin icon.
pub const ICON_URL: &str = "https://walrus.invalid/wal-icon.svg";

/// `0x2::balance::Supply<WAL>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supply {
    /// Coins in existence.
    pub value: u64,
}

/// `0x2::coin::TreasuryCap<WAL>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreasuryCap {
    /// Object id.
    pub id: ObjectId,
    /// The supply.
    pub total_supply: Supply,
}

/// `0x2::url::Url`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Url {
    /// The URL (ASCII).
    pub url: String,
}

/// `0x2::coin::CoinMetadata<WAL>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoinMetadata {
    /// Object id.
    pub id: ObjectId,
    /// Decimals.
    pub decimals: u8,
    /// Name.
    pub name: String,
    /// Symbol (ASCII).
    pub symbol: String,
    /// Description.
    pub description: String,
    /// Icon.
    pub icon_url: Option<Url>,
}

/// `ProtectedTreasury { id, cap }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectedTreasury {
    /// Object id.
    pub id: ObjectId,
    /// The locked cap.
    pub cap: TreasuryCap,
}

/// `init` at publication: creates the currency (cap, then metadata, as `coin::create_currency`
/// does), mints the supply, freezes the metadata, shares the treasury, and transfers the coin to
/// the publisher.
pub fn init(ctx: &mut TxContext) {
    let cap_id = ctx.fresh_id();
    let metadata = CoinMetadata {
        id: ctx.fresh_id(),
        decimals: DECIMALS,
        name: NAME.to_string(),
        symbol: SYMBOL.to_string(),
        description: DESCRIPTION.to_string(),
        icon_url: Some(Url { url: ICON_URL.to_string() }),
    };
    let supply = Coin { id: ctx.fresh_id(), balance: Balance::new(TOTAL_SUPPLY_FROST) };
    let cap = TreasuryCap { id: cap_id, total_supply: Supply { value: TOTAL_SUPPLY_FROST } };
    ctx.freeze(Object::CoinMetadata(metadata));
    let treasury = ProtectedTreasury { id: ctx.fresh_id(), cap };
    ctx.share(Object::ProtectedTreasury(treasury));
    let sender = ctx.sender();
    ctx.transfer(Object::Coin(supply), sender);
}

impl ProtectedTreasury {
    /// `total_supply`.
    pub fn total_supply(&self) -> u64 {
        self.cap.total_supply.value
    }

    /// `burn`.
    pub fn burn(&mut self, coin: Coin) {
        self.cap.total_supply.value -= coin.balance.value;
    }
}
