//! `walrus::storage_accounting`: per-epoch accounts (capacity sold, WAL paid) as a ring buffer
//! over the epochs storage can be bought for.

use serde::{Deserialize, Serialize};

use crate::{
    abort::{AbortCode, MoveResult, ensure},
    framework::Balance,
};

/// Epoch offset past the last account.
pub const E_EPOCH_OUT_OF_RANGE: AbortCode = AbortCode::new("walrus::storage_accounting", "EEpochOutOfRange", 0);

/// `EpochAccount { epoch, used_capacity, funds }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochAccount {
    /// The account's epoch.
    pub epoch: u32,
    /// Encoded bytes sold for it.
    pub used_capacity: u64,
    /// WAL paid for it.
    pub funds: Balance,
}

/// `FutureAccounting { head, accounts }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FutureAccounting {
    /// Index of the current epoch's account.
    pub head: u64,
    /// The ring buffer.
    pub accounts: Vec<EpochAccount>,
}

impl FutureAccounting {
    /// `new`: empty accounts for `length` epochs from `first_epoch`.
    pub fn new(first_epoch: u32, length: u32) -> Self {
        let accounts = (0..length)
            .map(|offset| EpochAccount { epoch: first_epoch + offset, used_capacity: 0, funds: Balance::default() })
            .collect();
        Self { head: 0, accounts }
    }

    /// `length`.
    pub fn length(&self) -> u32 {
        self.accounts.len() as u32
    }

    fn slot(&self, offset: u32) -> MoveResult<usize> {
        let length = self.accounts.len() as u64;
        ensure(u64::from(offset) < length, E_EPOCH_OUT_OF_RANGE)?;
        Ok(((self.head + u64::from(offset)) % length) as usize)
    }

    /// `account`: the account of epoch `current + offset`.
    pub fn account(&self, offset: u32) -> MoveResult<&EpochAccount> {
        Ok(&self.accounts[self.slot(offset)?])
    }

    /// `account_mut`.
    pub fn account_mut(&mut self, offset: u32) -> MoveResult<&mut EpochAccount> {
        let slot = self.slot(offset)?;
        Ok(&mut self.accounts[slot])
    }

    /// `grow`: covers `length` epochs from the current one, the current epoch's account first,
    /// new empty accounts after the last one; a no-op if the accounts already cover `length`.
    pub fn grow(&mut self, length: u32) {
        let old_length = self.accounts.len();
        if length as usize <= old_length {
            return;
        }
        self.accounts.rotate_left(self.head as usize);
        self.head = 0;
        let mut next_epoch = self.accounts[old_length - 1].epoch + 1;
        while self.accounts.len() < length as usize {
            self.accounts.push(EpochAccount { epoch: next_epoch, used_capacity: 0, funds: Balance::default() });
            next_epoch += 1;
        }
    }

    /// `advance`: releases the current epoch's funds and recycles its slot.
    pub fn advance(&mut self) -> Balance {
        let length = self.accounts.len() as u64;
        let head = self.head as usize;
        let account = &mut self.accounts[head];
        let released = account.funds.withdraw_all();
        account.epoch += length as u32;
        account.used_capacity = 0;
        self.head = (self.head + 1) % length;
        released
    }
}
