//! `walrus::staked_wal`: WAL staked with one pool, as an owned object. The principal stays in
//! the object; the pool keeps the accounting. A governance vote locks the object (a dynamic
//! field `b"vote_lock"` holding the time the lock lasts until): no split, no join into another
//! object, no withdrawal until `governance::release_vote_lock` removes it.

use serde::{Deserialize, Serialize};

use crate::{
    abort::{AbortCode, MoveResult, ensure},
    framework::{Balance, ObjectId, TxContext},
};

const MODULE: &str = "walrus::staked_wal";
/// A split would leave a part below the minimum stake.
pub const E_INVALID_SPLIT_AMOUNT: AbortCode = AbortCode::new(MODULE, "EInvalidSplitAmount", 0);
/// `join` of objects with other pools, activation epochs, states or withdraw epochs.
pub const E_INCOMPATIBLE_STAKED_WAL: AbortCode = AbortCode::new(MODULE, "EIncompatibleStakedWal", 1);
/// The object is not withdrawing.
pub const E_NOT_WITHDRAWING: AbortCode = AbortCode::new(MODULE, "ENotWithdrawing", 2);
/// The object voted on a proposal whose voting is open: no split, join into another, withdrawal.
pub const E_LOCKED_BY_VOTE: AbortCode = AbortCode::new(MODULE, "ELockedByVote", 3);

/// The key of the vote lock's dynamic field: `b"vote_lock"` (a `vector<u8>`).
pub const VOTE_LOCK_KEY: &[u8] = b"vote_lock";

/// The smallest stake a `StakedWal` holds: 1 WAL, in FROST.
pub const MIN_STAKE_FROST: u64 = 1_000_000_000;

/// `StakedWalState`: a Move enum, BCS variant index then fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StakedWalState {
    /// Counts for the pool from the activation epoch on.
    Staked,
    /// Leaves the pool's active stake at `withdraw_epoch`.
    Withdrawing {
        /// The epoch the stake leaves the pool.
        withdraw_epoch: u32,
        /// The pool tokens it is worth.
        pool_token_amount: u64,
    },
}

/// `StakedWal { id, node_id, principal, activation_epoch, state }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StakedWal {
    /// Object id.
    pub id: ObjectId,
    /// The pool.
    pub node_id: ObjectId,
    /// The WAL staked.
    pub principal: Balance,
    /// The first epoch in which the stake counts.
    pub activation_epoch: u32,
    /// Staked or withdrawing.
    pub state: StakedWalState,
    /// The dynamic field `b"vote_lock" -> u64`: until when (clock ms) a governance vote locks
    /// the object (not part of the BCS bytes; the chain stores it as a child object).
    #[serde(skip)]
    pub vote_locked_until_ms: Option<u64>,
}

impl StakedWal {
    /// `mint` (package-only).
    pub fn mint(node_id: ObjectId, principal: Balance, activation_epoch: u32, ctx: &mut TxContext) -> Self {
        Self {
            id: ctx.fresh_id(),
            node_id,
            principal,
            activation_epoch,
            state: StakedWalState::Staked,
            vote_locked_until_ms: None,
        }
    }

    /// `into_balance` (package-only): destroys the object and returns its principal; aborts with
    /// `ELockedByVote` while a vote locks it.
    pub fn into_balance(self) -> MoveResult<Balance> {
        ensure(!self.is_vote_locked(), E_LOCKED_BY_VOTE)?;
        Ok(self.principal)
    }

    /// `is_vote_locked`.
    pub fn is_vote_locked(&self) -> bool {
        self.vote_locked_until_ms.is_some()
    }

    /// `lock_for_vote` (package-only): locks until at least `until_ms`.
    pub fn lock_for_vote(&mut self, until_ms: u64) {
        self.vote_locked_until_ms = Some(self.vote_locked_until_ms.map_or(until_ms, |locked| locked.max(until_ms)));
    }

    /// `unlock_vote` (package-only): removes the lock, returning the time it lasted until.
    pub fn unlock_vote(&mut self) -> Option<u64> {
        self.vote_locked_until_ms.take()
    }

    /// `set_withdrawing` (package-only).
    pub fn set_withdrawing(&mut self, withdraw_epoch: u32, pool_token_amount: u64) {
        self.state = StakedWalState::Withdrawing { withdraw_epoch, pool_token_amount };
    }

    /// `split`: `amount` of the principal into a new object; a withdrawing object's tokens split
    /// in proportion, rounded down for the new part.
    pub fn split(&mut self, amount: u64, ctx: &mut TxContext) -> MoveResult<StakedWal> {
        ensure(!self.is_vote_locked(), E_LOCKED_BY_VOTE)?;
        let principal = self.principal.value;
        ensure(
            amount >= MIN_STAKE_FROST && amount <= principal && principal - amount >= MIN_STAKE_FROST,
            E_INVALID_SPLIT_AMOUNT,
        )?;
        let state = match self.state {
            StakedWalState::Staked => StakedWalState::Staked,
            StakedWalState::Withdrawing { withdraw_epoch, pool_token_amount } => {
                let split_tokens = (u128::from(pool_token_amount) * u128::from(amount) / u128::from(principal)) as u64;
                self.state =
                    StakedWalState::Withdrawing { withdraw_epoch, pool_token_amount: pool_token_amount - split_tokens };
                StakedWalState::Withdrawing { withdraw_epoch, pool_token_amount: split_tokens }
            }
        };
        let id = ctx.fresh_id();
        Ok(StakedWal {
            id,
            node_id: self.node_id,
            principal: self.principal.split(amount)?,
            activation_epoch: self.activation_epoch,
            state,
            vote_locked_until_ms: None,
        })
    }

    /// `join`: same pool, activation epoch and state (withdraw epoch); tokens add up; `other`
    /// must not be locked by a vote.
    pub fn join(&mut self, other: StakedWal) -> MoveResult<()> {
        let same_state = match (self.state, other.state) {
            (StakedWalState::Staked, StakedWalState::Staked) => true,
            (
                StakedWalState::Withdrawing { withdraw_epoch: a, .. },
                StakedWalState::Withdrawing { withdraw_epoch: b, .. },
            ) => a == b,
            _ => false,
        };
        ensure(
            self.node_id == other.node_id && self.activation_epoch == other.activation_epoch && same_state,
            E_INCOMPATIBLE_STAKED_WAL,
        )?;
        let other_state = other.state;
        let principal = other.into_balance()?;
        if let (
            StakedWalState::Withdrawing { withdraw_epoch, pool_token_amount },
            StakedWalState::Withdrawing { pool_token_amount: other_tokens, .. },
        ) = (self.state, other_state)
        {
            self.state =
                StakedWalState::Withdrawing { withdraw_epoch, pool_token_amount: pool_token_amount + other_tokens };
        }
        self.principal.join(principal);
        Ok(())
    }

    /// `value`: the principal in FROST.
    pub fn value(&self) -> u64 {
        self.principal.value
    }

    /// `is_staked`.
    pub fn is_staked(&self) -> bool {
        self.state == StakedWalState::Staked
    }

    /// `withdraw_epoch`.
    pub fn withdraw_epoch(&self) -> MoveResult<u32> {
        match self.state {
            StakedWalState::Withdrawing { withdraw_epoch, .. } => Ok(withdraw_epoch),
            StakedWalState::Staked => Err(crate::abort::MoveAbort(E_NOT_WITHDRAWING)),
        }
    }

    /// `pool_token_amount`.
    pub fn pool_token_amount(&self) -> MoveResult<u64> {
        match self.state {
            StakedWalState::Withdrawing { pool_token_amount, .. } => Ok(pool_token_amount),
            StakedWalState::Staked => Err(crate::abort::MoveAbort(E_NOT_WITHDRAWING)),
        }
    }
}
