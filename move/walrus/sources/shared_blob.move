/// A blob nobody owns: shared, funded by anyone, extended by anyone from its own funds.
///
/// Wrapping a blob in a `SharedBlob` gives up control of it for good (no function unwraps it), so
/// it can neither be deleted nor burned; in exchange, whoever cares about the data can keep it
/// alive by adding WAL and triggering extensions, without trusting an owner.
module walrus::shared_blob;

use sui::{balance::{Self, Balance}, coin::Coin};
use wal::wal::WAL;
use walrus::{blob::Blob, system::System};

/// BCS layout: id (32 bytes), blob (Blob), funds (Balance<WAL>: u64).
public struct SharedBlob has key {
    id: UID,
    blob: Blob,
    funds: Balance<WAL>,
}

/// Shares `blob` with no funds.
public fun new(blob: Blob, ctx: &mut TxContext) {
    transfer::share_object(SharedBlob { id: object::new(ctx), blob, funds: balance::zero() })
}

/// Shares `blob` with `funds` for future extensions.
public fun new_funded(blob: Blob, funds: Coin<WAL>, ctx: &mut TxContext) {
    transfer::share_object(SharedBlob {
        id: object::new(ctx),
        blob,
        funds: funds.into_balance(),
    })
}

/// Adds `added` to the funds. Anyone may call it.
public fun fund(self: &mut SharedBlob, added: Coin<WAL>) {
    self.funds.join(added.into_balance());
}

/// Extends the blob by `epochs_ahead` epochs, paid from the funds. Anyone may call it. Aborts as
/// `system::extend_blob` (`system_state_inner::EInsufficientFunds` when the funds fall short).
public fun extend(self: &mut SharedBlob, system: &mut System, epochs_ahead: u32) {
    system.extend_blob_with_balance(&mut self.blob, epochs_ahead, &mut self.funds)
}

/// The wrapped blob.
public fun blob(self: &SharedBlob): &Blob {
    &self.blob
}

/// WAL available for extensions, in base units.
public fun funds(self: &SharedBlob): u64 {
    self.funds.value()
}
