/// Per-epoch accounts of the epochs storage can be bought for: the capacity already sold in each
/// future epoch and the WAL paid for that epoch (the storage fund).
///
/// Payments are split by epoch when storage is bought, so the WAL for epoch e sits in e's account
/// until e ends and is then released to the nodes that stored the data during e, never earlier.
/// The accounts form a ring buffer over the `max_epochs_ahead` epochs starting at the current
/// one: advancing the epoch releases the oldest account and reuses its slot for the newest epoch,
/// so the buffer does not grow with time. It grows only when governance raises `max_epochs_ahead`
/// beyond it (`grow`), and never shrinks: a lowered `max_epochs_ahead` keeps the accounts of
/// storage already sold.
module walrus::storage_accounting;

use sui::balance::{Self, Balance};
use wal::wal::WAL;

/// The epoch offset is past the last account (>= max_epochs_ahead).
const EEpochOutOfRange: u64 = 0;

/// The account of one epoch.
public struct EpochAccount has store {
    epoch: u32,
    /// Encoded bytes sold for this epoch.
    used_capacity: u64,
    /// WAL paid for storage during this epoch, released when the epoch ends.
    funds: Balance<WAL>,
}

/// Ring buffer of `EpochAccount`s; the account at offset k is for epoch `current + k`.
public struct FutureAccounting has store {
    /// Index in `accounts` of the current epoch's account.
    head: u64,
    accounts: vector<EpochAccount>,
}

/// Empty accounts for the `length` epochs starting at `first_epoch`.
public(package) fun new(first_epoch: u32, length: u32): FutureAccounting {
    let mut accounts = vector[];
    let mut offset = 0;
    while (offset < length) {
        accounts.push_back(EpochAccount {
            epoch: first_epoch + offset,
            used_capacity: 0,
            funds: balance::zero(),
        });
        offset = offset + 1;
    };
    FutureAccounting { head: 0, accounts }
}

/// Number of epochs covered, the current one included (at least `max_epochs_ahead`).
public fun length(self: &FutureAccounting): u32 {
    (self.accounts.length() as u32)
}

/// The account of epoch `current + offset`; aborts with `EEpochOutOfRange` past the last one.
public fun account(self: &FutureAccounting, offset: u32): &EpochAccount {
    let slot = self.slot(offset);
    &self.accounts[slot]
}

/// Mutable access to the account of epoch `current + offset`.
public(package) fun account_mut(self: &mut FutureAccounting, offset: u32): &mut EpochAccount {
    let slot = self.slot(offset);
    &mut self.accounts[slot]
}

/// Closes the current epoch: returns its funds and reuses its slot, emptied, for the epoch
/// `length` epochs later. The next epoch's account becomes offset 0.
public(package) fun advance(self: &mut FutureAccounting): Balance<WAL> {
    let length = self.accounts.length();
    let head = self.head;
    let account = &mut self.accounts[head];
    let released = account.funds.withdraw_all();
    account.epoch = account.epoch + (length as u32);
    account.used_capacity = 0;
    self.head = (head + 1) % length;
    released
}

/// Extends the accounts to cover `length` epochs from the current one: reorders the ring so the
/// current epoch's account comes first, then appends empty accounts for the following epochs.
/// A no-op if they already cover `length` epochs.
public(package) fun grow(self: &mut FutureAccounting, length: u32) {
    let old_length = self.accounts.length();
    if ((length as u64) <= old_length) return;
    // Rotate left by `head` in O(n): after reversing, `pop_back` yields slots 0, 1, ... in order.
    let head = self.head;
    self.accounts.reverse();
    let mut wrapped = vector[];
    let mut i = 0;
    while (i < head) {
        wrapped.push_back(self.accounts.pop_back());
        i = i + 1;
    };
    self.accounts.reverse();
    self.accounts.append(wrapped);
    self.head = 0;
    let mut next_epoch = self.accounts[old_length - 1].epoch + 1;
    while (self.accounts.length() < (length as u64)) {
        self
            .accounts
            .push_back(EpochAccount {
                epoch: next_epoch,
                used_capacity: 0,
                funds: balance::zero(),
            });
        next_epoch = next_epoch + 1;
    };
}

/// The epoch of the account.
public fun epoch(self: &EpochAccount): u32 {
    self.epoch
}

/// Encoded bytes sold for the account's epoch.
public fun used_capacity(self: &EpochAccount): u64 {
    self.used_capacity
}

/// WAL held for the account's epoch, in base units.
public fun funds_value(self: &EpochAccount): u64 {
    self.funds.value()
}

/// Records `size` more bytes sold for the epoch (the caller checks the capacity).
public(package) fun add_used_capacity(self: &mut EpochAccount, size: u64) {
    self.used_capacity = self.used_capacity + size;
}

/// Adds WAL paid for the epoch.
public(package) fun add_funds(self: &mut EpochAccount, funds: Balance<WAL>) {
    self.funds.join(funds);
}

fun slot(self: &FutureAccounting, offset: u32): u64 {
    let length = self.accounts.length();
    assert!((offset as u64) < length, EEpochOutOfRange);
    (self.head + (offset as u64)) % length
}

#[test_only]
/// Destroys the accounts and the WAL in them.
public fun destroy_for_testing(self: FutureAccounting) {
    let FutureAccounting { head: _, accounts } = self;
    accounts.destroy!(|account| {
        let EpochAccount { epoch: _, used_capacity: _, funds } = account;
        funds.destroy_for_testing();
    });
}
