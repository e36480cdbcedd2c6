/// Staked WAL: an owned object holding WAL staked with one storage node's pool.
///
/// The principal stays inside the object; the pool keeps the accounting (pool tokens and
/// rewards). A `StakedWal` is `Staked` from creation on (active from `activation_epoch`), and
/// `Withdrawing` once its owner asked to withdraw: it then records the epoch it leaves the
/// pool's active stake and the pool tokens it is worth, which the pool converts back to WAL at
/// that epoch's exchange rate when it is withdrawn.
///
/// Governance votes lock the object: `governance::vote` records the vote by this object's id and
/// sets a dynamic field (`b"vote_lock"` -> the clock time the last voting period it took part in
/// ends). While the lock is set the object cannot be split, joined into another object or
/// withdrawn, so the WAL that voted cannot reappear under a new id and vote again on the same
/// proposal; `governance::release_vote_lock` removes the lock once that time has passed.
module walrus::staked_wal;

use sui::{balance::Balance, dynamic_field};
use wal::wal::WAL;

/// A split would leave a part below the minimum stake.
const EInvalidSplitAmount: u64 = 0;
/// `join`: the two objects differ in pool, activation epoch, state or withdraw epoch.
const EIncompatibleStakedWal: u64 = 1;
/// The object is not withdrawing, so it has no withdraw epoch or pool tokens.
const ENotWithdrawing: u64 = 2;
/// The object voted on a proposal whose voting is open: it cannot be split, joined into another
/// object or withdrawn until `governance::release_vote_lock` removes the lock.
const ELockedByVote: u64 = 3;

/// The dynamic field holding the vote lock: the clock time (ms) until which the object is locked.
const VOTE_LOCK_KEY: vector<u8> = b"vote_lock";

/// The smallest stake a `StakedWal` may hold: 1 WAL, in FROST. Keeps pools from being flooded
/// with dust stakes that cost more to process than they weigh.
const MIN_STAKE_FROST: u64 = 1_000_000_000;

/// BCS: variant index (ULEB128: 0 `Staked`, 1 `Withdrawing`), then the variant's fields.
public enum StakedWalState has copy, drop, store {
    /// Counts for the pool from `activation_epoch` on.
    Staked,
    /// Leaves the pool's active stake at `withdraw_epoch`; worth `pool_token_amount` tokens.
    Withdrawing { withdraw_epoch: u32, pool_token_amount: u64 },
}

/// BCS layout: id (32 bytes), node_id (32 bytes), principal (u64), activation_epoch (u32),
/// state (`StakedWalState`).
public struct StakedWal has key, store {
    id: UID,
    /// The pool (storage node) the WAL is staked with.
    node_id: ID,
    /// The WAL staked.
    principal: Balance<WAL>,
    /// The first epoch in which the stake counts for the committee.
    activation_epoch: u32,
    state: StakedWalState,
}

/// A new `Staked` object.
public(package) fun mint(
    node_id: ID,
    principal: Balance<WAL>,
    activation_epoch: u32,
    ctx: &mut TxContext,
): StakedWal {
    StakedWal {
        id: object::new(ctx),
        node_id,
        principal,
        activation_epoch,
        state: StakedWalState::Staked,
    }
}

/// Marks the object as withdrawing at `withdraw_epoch`, worth `pool_token_amount` tokens.
public(package) fun set_withdrawing(
    self: &mut StakedWal,
    withdraw_epoch: u32,
    pool_token_amount: u64,
) {
    self.state = StakedWalState::Withdrawing { withdraw_epoch, pool_token_amount };
}

/// Destroys the object and returns its principal. Aborts with `ELockedByVote` while the object
/// is locked by a vote.
public(package) fun into_balance(self: StakedWal): Balance<WAL> {
    assert!(!self.is_vote_locked(), ELockedByVote);
    let StakedWal { id, node_id: _, principal, activation_epoch: _, state: _ } = self;
    id.delete();
    principal
}

/// Splits `amount` of the principal off into a new object with the same pool, activation epoch
/// and state; a withdrawing object's pool tokens split in proportion (the new object gets the
/// rounded-down share). Both parts must hold at least the minimum stake (`EInvalidSplitAmount`);
/// an object locked by a vote cannot be split (`ELockedByVote`, checked first).
public fun split(self: &mut StakedWal, amount: u64, ctx: &mut TxContext): StakedWal {
    assert!(!self.is_vote_locked(), ELockedByVote);
    let principal = self.principal.value();
    assert!(
        amount >= MIN_STAKE_FROST && amount <= principal && principal - amount >= MIN_STAKE_FROST,
        EInvalidSplitAmount,
    );
    let (withdrawing, withdraw_epoch, tokens) = state_parts(&self.state);
    let state = if (withdrawing) {
        let split_tokens = (((tokens as u128) * (amount as u128) / (principal as u128)) as u64);
        self.state =
            StakedWalState::Withdrawing {
                withdraw_epoch,
                pool_token_amount: tokens - split_tokens,
            };
        StakedWalState::Withdrawing { withdraw_epoch, pool_token_amount: split_tokens }
    } else {
        StakedWalState::Staked
    };
    StakedWal {
        id: object::new(ctx),
        node_id: self.node_id,
        principal: self.principal.split(amount),
        activation_epoch: self.activation_epoch,
        state,
    }
}

/// Joins `other` into `self`: both must have the same pool, activation epoch and state (and,
/// when withdrawing, the same withdraw epoch; the pool tokens add up). Aborts with
/// `EIncompatibleStakedWal` otherwise, then with `ELockedByVote` if `other` is locked by a vote
/// (`self` may be locked: its recorded votes stay valid, and a changed vote weighs the joined
/// principal, which has not voted).
public fun join(self: &mut StakedWal, other: StakedWal) {
    let (withdrawing, withdraw_epoch, tokens) = state_parts(&self.state);
    let (other_withdrawing, other_withdraw_epoch, other_tokens) = state_parts(&other.state);
    assert!(
        self.node_id == other.node_id && self.activation_epoch == other.activation_epoch
            && withdrawing == other_withdrawing
            && withdraw_epoch == other_withdraw_epoch,
        EIncompatibleStakedWal,
    );
    if (withdrawing) {
        self.state =
            StakedWalState::Withdrawing {
                withdraw_epoch,
                pool_token_amount: tokens + other_tokens,
            };
    };
    let principal = other.into_balance();
    self.principal.join(principal);
}

// === Accessors ===

/// The pool the WAL is staked with.
public fun node_id(self: &StakedWal): ID {
    self.node_id
}

/// The principal, in FROST.
public fun value(self: &StakedWal): u64 {
    self.principal.value()
}

/// The first epoch in which the stake counts.
public fun activation_epoch(self: &StakedWal): u32 {
    self.activation_epoch
}

/// Whether the object is `Staked` (not withdrawing).
public fun is_staked(self: &StakedWal): bool {
    let (withdrawing, _, _) = state_parts(&self.state);
    !withdrawing
}

/// Whether the object is `Withdrawing`.
public fun is_withdrawing(self: &StakedWal): bool {
    !self.is_staked()
}

/// The epoch the stake leaves the pool; aborts with `ENotWithdrawing` if it is staked.
public fun withdraw_epoch(self: &StakedWal): u32 {
    let (withdrawing, withdraw_epoch, _) = state_parts(&self.state);
    assert!(withdrawing, ENotWithdrawing);
    withdraw_epoch
}

/// The pool tokens the stake is worth; aborts with `ENotWithdrawing` if it is staked.
public fun pool_token_amount(self: &StakedWal): u64 {
    let (withdrawing, _, tokens) = state_parts(&self.state);
    assert!(withdrawing, ENotWithdrawing);
    tokens
}

/// The smallest stake, in FROST.
public fun min_stake_frost(): u64 {
    MIN_STAKE_FROST
}

/// Whether a governance vote locks the object (`ELockedByVote`).
public fun is_vote_locked(self: &StakedWal): bool {
    dynamic_field::exists_with_type<vector<u8>, u64>(&self.id, VOTE_LOCK_KEY)
}

/// The clock time (ms) until which a vote locks the object, if it is locked.
public fun vote_locked_until_ms(self: &StakedWal): Option<u64> {
    if (self.is_vote_locked()) {
        option::some(*dynamic_field::borrow<vector<u8>, u64>(&self.id, VOTE_LOCK_KEY))
    } else {
        option::none()
    }
}

/// Locks the object until at least `until_ms` (a later existing lock stays).
public(package) fun lock_for_vote(self: &mut StakedWal, until_ms: u64) {
    if (self.is_vote_locked()) {
        let locked_until = dynamic_field::borrow_mut<vector<u8>, u64>(&mut self.id, VOTE_LOCK_KEY);
        if (until_ms > *locked_until) *locked_until = until_ms;
    } else {
        dynamic_field::add(&mut self.id, VOTE_LOCK_KEY, until_ms);
    }
}

/// Removes the vote lock and returns the time it lasted until (`none` if there was none).
public(package) fun unlock_vote(self: &mut StakedWal): Option<u64> {
    if (self.is_vote_locked()) {
        option::some(dynamic_field::remove<vector<u8>, u64>(&mut self.id, VOTE_LOCK_KEY))
    } else {
        option::none()
    }
}

/// (withdrawing, withdraw epoch, pool tokens); zeros for a staked object.
fun state_parts(state: &StakedWalState): (bool, u32, u64) {
    match (state) {
        StakedWalState::Staked => (false, 0, 0),
        StakedWalState::Withdrawing { withdraw_epoch, pool_token_amount } => (
            true,
            *withdraw_epoch,
            *pool_token_amount,
        ),
    }
}

#[test_only]
public fun mint_for_testing(
    node_id: ID,
    principal: Balance<WAL>,
    activation_epoch: u32,
    ctx: &mut TxContext,
): StakedWal {
    mint(node_id, principal, activation_epoch, ctx)
}

#[test_only]
public fun set_withdrawing_for_testing(
    self: &mut StakedWal,
    withdraw_epoch: u32,
    pool_token_amount: u64,
) {
    self.set_withdrawing(withdraw_epoch, pool_token_amount)
}

#[test_only]
public fun destroy_for_testing(mut self: StakedWal) {
    self.unlock_vote();
    self.into_balance().destroy_for_testing();
}
