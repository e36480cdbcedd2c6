//! `walrus::staking_pool`: one storage node's pool: registration, commission, votes, and the
//! accounting of its stake through a per-epoch exchange rate between WAL and pool tokens
//! (`docs/chain.md`, "Rewards").

use serde::{Deserialize, Serialize};

use crate::{
    abort::{MoveAbort, MoveResult},
    bls_aggregate::G1Element,
    framework::{Balance, DYNAMIC_FIELD_E_FIELD_DOES_NOT_EXIST, ObjectId, Table, TxContext, VecMap},
};

/// Basis points of 100%.
pub const MAX_BPS: u64 = 10_000;

/// `PoolExchangeRate { wal_amount, pool_token_amount }`: WAL per pool token at the start of an
/// epoch. A pool without tokens converts 1:1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolExchangeRate {
    /// WAL behind the tokens.
    pub wal_amount: u64,
    /// Tokens outstanding.
    pub pool_token_amount: u64,
}

impl PoolExchangeRate {
    /// `to_pool_tokens`: tokens for `wal`, rounded down.
    pub fn to_pool_tokens(&self, wal: u64) -> u64 {
        if self.wal_amount == 0 || self.pool_token_amount == 0 {
            wal
        } else {
            (u128::from(wal) * u128::from(self.pool_token_amount) / u128::from(self.wal_amount)) as u64
        }
    }

    /// `to_wal`: WAL for `tokens`, rounded down.
    pub fn to_wal(&self, tokens: u64) -> u64 {
        if self.wal_amount == 0 || self.pool_token_amount == 0 {
            tokens
        } else {
            (u128::from(tokens) * u128::from(self.wal_amount) / u128::from(self.pool_token_amount)) as u64
        }
    }
}

/// `PendingCommission { rate_bps, effective_epoch }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCommission {
    /// The new rate.
    pub rate_bps: u16,
    /// The epoch it applies from.
    pub effective_epoch: u32,
}

/// `StakingPool`, field order as in Move.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StakingPool {
    /// The node's id (the pool's key).
    pub node_id: ObjectId,
    /// The node's name.
    pub name: String,
    /// `host:port` of the storage API.
    pub network_address: String,
    /// The BLS key, proven held at registration.
    pub public_key: G1Element,
    /// Commission in basis points.
    pub commission_rate_bps: u16,
    /// A commission change waiting for its epoch.
    pub pending_commission: Option<PendingCommission>,
    /// Commission not collected yet.
    pub commission: Balance,
    /// Vote: FROST per MiB per epoch.
    pub storage_price_vote: u64,
    /// Vote: FROST per MiB, once.
    pub write_price_vote: u64,
    /// Vote: total capacity in encoded bytes per epoch.
    pub node_capacity_vote: u64,
    /// WAL behind the active pool tokens.
    pub active_wal: u64,
    /// Pool tokens of the active stake.
    pub active_pool_tokens: u64,
    /// Principal waiting to activate, by activation epoch.
    pub pending_stake: VecMap<u32, u64>,
    /// Tokens waiting to leave, by withdraw epoch.
    pub pending_withdraw_tokens: VecMap<u32, u64>,
    /// Rewards held for the stakers.
    pub rewards: Balance,
    /// The exchange rate of every epoch since the pool's first.
    pub exchange_rates: Table<u32, PoolExchangeRate>,
}

fn add_to(map: &mut VecMap<u32, u64>, epoch: u32, amount: u64) {
    match map.get_mut(&epoch) {
        Some(value) => *value += amount,
        None => map.insert(epoch, amount),
    }
}

impl StakingPool {
    /// `new` (package-only): a pool without stake.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        node_id: ObjectId,
        name: String,
        network_address: String,
        public_key: G1Element,
        commission_rate_bps: u16,
        storage_price_vote: u64,
        write_price_vote: u64,
        node_capacity_vote: u64,
        ctx: &mut TxContext,
    ) -> Self {
        Self {
            node_id,
            name,
            network_address,
            public_key,
            commission_rate_bps,
            pending_commission: None,
            commission: Balance::default(),
            storage_price_vote,
            write_price_vote,
            node_capacity_vote,
            active_wal: 0,
            active_pool_tokens: 0,
            pending_stake: VecMap::default(),
            pending_withdraw_tokens: VecMap::default(),
            rewards: Balance::default(),
            exchange_rates: Table::new(ctx),
        }
    }

    /// `add_genesis_stake`: active from `epoch` on; records the rate of `epoch`.
    pub fn add_genesis_stake(&mut self, amount: u64, epoch: u32) {
        self.active_wal += amount;
        self.active_pool_tokens += amount;
        self.exchange_rates
            .add(epoch, PoolExchangeRate { wal_amount: self.active_wal, pool_token_amount: self.active_pool_tokens });
    }

    /// `stake`.
    pub fn stake(&mut self, amount: u64, activation_epoch: u32) {
        add_to(&mut self.pending_stake, activation_epoch, amount);
    }

    /// `cancel_stake`.
    pub fn cancel_stake(&mut self, amount: u64, activation_epoch: u32) {
        let value = self.pending_stake.get_mut(&activation_epoch).expect("a StakedWal's stake is pending");
        *value -= amount;
        if *value == 0 {
            self.pending_stake.remove(&activation_epoch);
        }
    }

    /// `request_withdraw`: the tokens of `principal` at its activation rate, pending removal.
    pub fn request_withdraw(&mut self, principal: u64, activation_epoch: u32, withdraw_epoch: u32) -> MoveResult<u64> {
        let tokens = self.exchange_rate(activation_epoch)?.to_pool_tokens(principal);
        add_to(&mut self.pending_withdraw_tokens, withdraw_epoch, tokens);
        Ok(tokens)
    }

    /// `withdraw_rewards`: the tokens' WAL at the withdraw epoch's rate minus the principal,
    /// at most what the pool holds.
    pub fn withdraw_rewards(
        &mut self,
        principal: u64,
        pool_token_amount: u64,
        withdraw_epoch: u32,
    ) -> MoveResult<Balance> {
        let wal = self.exchange_rate(withdraw_epoch)?.to_wal(pool_token_amount);
        let earned = wal.saturating_sub(principal);
        let paid = earned.min(self.rewards.value);
        self.rewards.split(paid)
    }

    /// `distribute`: commission (rounded down) to the operator, the rest to the stakers; all to
    /// the operator if the pool has no active tokens.
    pub fn distribute(&mut self, mut reward: Balance) {
        let total = reward.value;
        let commission = (u128::from(total) * u128::from(self.commission_rate_bps) / u128::from(MAX_BPS)) as u64;
        let part = reward.split(commission).expect("the commission is a share of the reward");
        self.commission.join(part);
        if self.active_pool_tokens == 0 {
            self.commission.join(reward);
        } else {
            self.active_wal += reward.value;
            self.rewards.join(reward);
        }
    }

    /// `advance_epoch`: records the rate of `new_epoch`, then applies the withdrawals and
    /// activations due and a due commission change.
    pub fn advance_epoch(&mut self, new_epoch: u32) {
        let rate = PoolExchangeRate { wal_amount: self.active_wal, pool_token_amount: self.active_pool_tokens };
        self.exchange_rates.add(new_epoch, rate);
        if let Some(tokens) = self.pending_withdraw_tokens.remove(&new_epoch) {
            self.active_wal -= rate.to_wal(tokens);
            self.active_pool_tokens -= tokens;
        }
        if let Some(amount) = self.pending_stake.remove(&new_epoch) {
            self.active_pool_tokens += rate.to_pool_tokens(amount);
            self.active_wal += amount;
        }
        if let Some(pending) = self.pending_commission
            && pending.effective_epoch <= new_epoch
        {
            self.commission_rate_bps = pending.rate_bps;
            self.pending_commission = None;
        }
    }

    /// `next_epoch_stake`: active WAL, plus the stake activating in `next_epoch`, minus the
    /// stake leaving then at the current rate.
    pub fn next_epoch_stake(&self, next_epoch: u32) -> u64 {
        let mut stake = self.active_wal;
        if let Some(amount) = self.pending_stake.get(&next_epoch) {
            stake += amount;
        }
        if let Some(&tokens) = self.pending_withdraw_tokens.get(&next_epoch) {
            let rate = PoolExchangeRate { wal_amount: self.active_wal, pool_token_amount: self.active_pool_tokens };
            stake = stake.saturating_sub(rate.to_wal(tokens));
        }
        stake
    }

    /// `set_next_commission`.
    pub fn set_next_commission(&mut self, rate_bps: u16, effective_epoch: u32) {
        self.pending_commission = Some(PendingCommission { rate_bps, effective_epoch });
    }

    /// `collect_commission`.
    pub fn collect_commission(&mut self) -> Balance {
        self.commission.withdraw_all()
    }

    /// `pending_stake`: principal activating in `epoch`.
    pub fn pending_stake(&self, epoch: u32) -> u64 {
        self.pending_stake.get(&epoch).copied().unwrap_or(0)
    }

    /// `exchange_rate`: aborts in `sui::dynamic_field` for an epoch without a rate.
    pub fn exchange_rate(&self, epoch: u32) -> MoveResult<PoolExchangeRate> {
        self.exchange_rates.get(&epoch).copied().ok_or(MoveAbort(DYNAMIC_FIELD_E_FIELD_DOES_NOT_EXIST))
    }
}
