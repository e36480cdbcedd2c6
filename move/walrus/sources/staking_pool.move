/// The staking pool of one storage node: its registration (name, address, BLS key), commission,
/// votes, and the accounting of the WAL staked with it.
///
/// Rewards are shared through an exchange rate between WAL and pool tokens, so that no staker
/// is ever iterated over. Stake that becomes active in epoch e is converted into pool tokens at
/// the rate of e; when it leaves in epoch w, its tokens convert back at the rate of w. Rewards
/// paid to the pool raise the WAL behind the tokens, hence the rate. The pool records the rate
/// of every epoch it lives through, after that epoch's rewards and before its stake changes.
///
/// Stake changes take effect at epoch boundaries only: new stake waits in `pending_stake` under
/// its activation epoch, withdrawals wait in `pending_withdraw_tokens` under their withdraw
/// epoch, and `advance_epoch` applies them.
module walrus::staking_pool;

use std::string::String;
use sui::{
    balance::{Self, Balance},
    bls12381::G1,
    group_ops::Element,
    table::{Self, Table},
    vec_map::{Self, VecMap}
};
use wal::wal::WAL;

/// Rates and commission shares are in basis points: 10_000 is 100%.
const MAX_BPS: u64 = 10_000;

/// WAL per pool token at the start of an epoch, as the ratio `wal_amount / pool_token_amount`.
/// A pool without tokens converts 1:1. BCS: wal_amount (u64), pool_token_amount (u64).
public struct PoolExchangeRate has copy, drop, store {
    wal_amount: u64,
    pool_token_amount: u64,
}

/// A commission rate that takes effect in `effective_epoch`.
public struct PendingCommission has copy, drop, store {
    rate_bps: u16,
    effective_epoch: u32,
}

/// BCS layout in declaration order (docs/chain.md).
public struct StakingPool has store {
    /// The node's id, also the pool's key in `staking_inner`.
    node_id: ID,
    name: String,
    /// `host:port` of the node's storage API.
    network_address: String,
    /// The node's BLS12-381 key, proven held at registration.
    public_key: Element<G1>,
    /// Share of the node's rewards that goes to the operator, in basis points.
    commission_rate_bps: u16,
    /// A commission change waiting for its epoch.
    pending_commission: Option<PendingCommission>,
    /// Commission earned and not collected yet.
    commission: Balance<WAL>,
    /// The node's votes for the next epochs' parameters.
    storage_price_vote: u64,
    write_price_vote: u64,
    node_capacity_vote: u64,
    /// WAL behind the active pool tokens: active principal plus the rewards earned on it.
    active_wal: u64,
    /// Pool tokens of the active stake.
    active_pool_tokens: u64,
    /// Principal waiting to become active, by activation epoch.
    pending_stake: VecMap<u32, u64>,
    /// Pool tokens waiting to leave, by withdraw epoch.
    pending_withdraw_tokens: VecMap<u32, u64>,
    /// Rewards earned by the stakers and not withdrawn yet (the principals stay in the
    /// `StakedWal` objects).
    rewards: Balance<WAL>,
    /// The exchange rate of every epoch since the pool's first one.
    exchange_rates: Table<u32, PoolExchangeRate>,
}

/// A new pool without stake.
public(package) fun new(
    node_id: ID,
    name: String,
    network_address: String,
    public_key: Element<G1>,
    commission_rate_bps: u16,
    storage_price_vote: u64,
    write_price_vote: u64,
    node_capacity_vote: u64,
    ctx: &mut TxContext,
): StakingPool {
    StakingPool {
        node_id,
        name,
        network_address,
        public_key,
        commission_rate_bps,
        pending_commission: option::none(),
        commission: balance::zero(),
        storage_price_vote,
        write_price_vote,
        node_capacity_vote,
        active_wal: 0,
        active_pool_tokens: 0,
        pending_stake: vec_map::empty(),
        pending_withdraw_tokens: vec_map::empty(),
        rewards: balance::zero(),
        exchange_rates: table::new(ctx),
    }
}

/// Stake of the genesis committee, active from `epoch` (the genesis epoch) on; records the rate
/// of `epoch`. Called once per pool, on a new pool.
public(package) fun add_genesis_stake(self: &mut StakingPool, amount: u64, epoch: u32) {
    self.active_wal = self.active_wal + amount;
    self.active_pool_tokens = self.active_pool_tokens + amount;
    self
        .exchange_rates
        .add(
            epoch,
            PoolExchangeRate {
                wal_amount: self.active_wal,
                pool_token_amount: self.active_pool_tokens,
            },
        );
}

/// Records `amount` of principal becoming active in `activation_epoch`.
public(package) fun stake(self: &mut StakingPool, amount: u64, activation_epoch: u32) {
    add_to(&mut self.pending_stake, activation_epoch, amount);
}

/// Takes back principal that has not become active yet.
public(package) fun cancel_stake(self: &mut StakingPool, amount: u64, activation_epoch: u32) {
    take_from(&mut self.pending_stake, activation_epoch, amount);
}

/// Schedules active principal (that became active in `activation_epoch`) to leave in
/// `withdraw_epoch`; returns the pool tokens it is worth (rounded down).
public(package) fun request_withdraw(
    self: &mut StakingPool,
    principal: u64,
    activation_epoch: u32,
    withdraw_epoch: u32,
): u64 {
    let rate = self.exchange_rate(activation_epoch);
    let tokens = rate.to_pool_tokens(principal);
    add_to(&mut self.pending_withdraw_tokens, withdraw_epoch, tokens);
    tokens
}

/// The rewards of a stake of `principal` worth `pool_token_amount` tokens that left in
/// `withdraw_epoch` (which has begun): the WAL of the tokens at that epoch's rate minus the
/// principal, rounded down and never more than the pool holds.
public(package) fun withdraw_rewards(
    self: &mut StakingPool,
    principal: u64,
    pool_token_amount: u64,
    withdraw_epoch: u32,
): Balance<WAL> {
    let rate = self.exchange_rate(withdraw_epoch);
    let wal = rate.to_wal(pool_token_amount);
    let earned = if (wal > principal) wal - principal else 0;
    let available = self.rewards.value();
    let paid = if (earned < available) earned else available;
    self.rewards.split(paid)
}

/// The node's share of an epoch's rewards: the commission (at the current rate, rounded down)
/// to the operator, the rest to the stakers, raising the exchange rate. A pool without active
/// tokens has no stakers to pay: everything goes to the operator.
public(package) fun distribute(self: &mut StakingPool, mut reward: Balance<WAL>) {
    let total = reward.value();
    let commission = (
        ((total as u128) * (self.commission_rate_bps as u128) / (MAX_BPS as u128)) as u64,
    );
    self.commission.join(reward.split(commission));
    if (self.active_pool_tokens == 0) {
        self.commission.join(reward);
    } else {
        self.active_wal = self.active_wal + reward.value();
        self.rewards.join(reward);
    };
}

/// Enters `new_epoch`: records its exchange rate, then removes the stake leaving now and adds
/// the stake activating now (both at that rate), then applies a commission change that is due.
public(package) fun advance_epoch(self: &mut StakingPool, new_epoch: u32) {
    let rate = PoolExchangeRate {
        wal_amount: self.active_wal,
        pool_token_amount: self.active_pool_tokens,
    };
    self.exchange_rates.add(new_epoch, rate);
    if (self.pending_withdraw_tokens.contains(&new_epoch)) {
        let (_, tokens) = self.pending_withdraw_tokens.remove(&new_epoch);
        self.active_wal = self.active_wal - rate.to_wal(tokens);
        self.active_pool_tokens = self.active_pool_tokens - tokens;
    };
    if (self.pending_stake.contains(&new_epoch)) {
        let (_, amount) = self.pending_stake.remove(&new_epoch);
        self.active_pool_tokens = self.active_pool_tokens + rate.to_pool_tokens(amount);
        self.active_wal = self.active_wal + amount;
    };
    if (self.pending_commission.is_some()) {
        let pending = *self.pending_commission.borrow();
        if (pending.effective_epoch <= new_epoch) {
            self.commission_rate_bps = pending.rate_bps;
            self.pending_commission = option::none();
        };
    };
}

/// The stake that will be active in `next_epoch` as far as known now: the active WAL, plus the
/// stake activating then, minus the stake leaving then (at the current rate).
public(package) fun next_epoch_stake(self: &StakingPool, next_epoch: u32): u64 {
    let mut stake = self.active_wal;
    if (self.pending_stake.contains(&next_epoch)) {
        stake = stake + *self.pending_stake.get(&next_epoch);
    };
    if (self.pending_withdraw_tokens.contains(&next_epoch)) {
        let rate = PoolExchangeRate {
            wal_amount: self.active_wal,
            pool_token_amount: self.active_pool_tokens,
        };
        let leaving = rate.to_wal(*self.pending_withdraw_tokens.get(&next_epoch));
        stake = if (leaving < stake) stake - leaving else 0;
    };
    stake
}

/// Schedules `rate_bps` to take effect in `effective_epoch` (replacing a pending change).
public(package) fun set_next_commission(
    self: &mut StakingPool,
    rate_bps: u16,
    effective_epoch: u32,
) {
    self.pending_commission = option::some(PendingCommission { rate_bps, effective_epoch });
}

/// Takes the commission earned so far.
public(package) fun collect_commission(self: &mut StakingPool): Balance<WAL> {
    self.commission.withdraw_all()
}

public(package) fun set_storage_price_vote(self: &mut StakingPool, price: u64) {
    self.storage_price_vote = price;
}

public(package) fun set_write_price_vote(self: &mut StakingPool, price: u64) {
    self.write_price_vote = price;
}

public(package) fun set_node_capacity_vote(self: &mut StakingPool, capacity: u64) {
    self.node_capacity_vote = capacity;
}

// === Accessors ===

public fun node_id(self: &StakingPool): ID {
    self.node_id
}

public fun name(self: &StakingPool): String {
    self.name
}

public fun network_address(self: &StakingPool): String {
    self.network_address
}

/// The node's compressed BLS public key, 48 bytes.
public fun public_key_bytes(self: &StakingPool): vector<u8> {
    *self.public_key.bytes()
}

public fun commission_rate_bps(self: &StakingPool): u16 {
    self.commission_rate_bps
}

/// The commission rate of a pending change, if any.
public fun pending_commission_rate_bps(self: &StakingPool): Option<u16> {
    if (self.pending_commission.is_some()) {
        option::some(self.pending_commission.borrow().rate_bps)
    } else {
        option::none()
    }
}

/// The commission earned and not collected, in FROST.
public fun commission_value(self: &StakingPool): u64 {
    self.commission.value()
}

public fun storage_price_vote(self: &StakingPool): u64 {
    self.storage_price_vote
}

public fun write_price_vote(self: &StakingPool): u64 {
    self.write_price_vote
}

public fun node_capacity_vote(self: &StakingPool): u64 {
    self.node_capacity_vote
}

/// WAL behind the active pool tokens (the stake of the current epoch with its rewards).
public fun active_stake(self: &StakingPool): u64 {
    self.active_wal
}

public fun active_pool_tokens(self: &StakingPool): u64 {
    self.active_pool_tokens
}

/// Principal waiting to become active in `epoch`.
public fun pending_stake(self: &StakingPool, epoch: u32): u64 {
    if (self.pending_stake.contains(&epoch)) *self.pending_stake.get(&epoch) else 0
}

/// Rewards held for the stakers, in FROST.
public fun rewards_value(self: &StakingPool): u64 {
    self.rewards.value()
}

/// Whether the pool recorded the rate of `epoch`.
public fun has_exchange_rate(self: &StakingPool, epoch: u32): bool {
    self.exchange_rates.contains(epoch)
}

/// The rate of `epoch` (aborts in `sui::dynamic_field` if it was not recorded).
public fun exchange_rate(self: &StakingPool, epoch: u32): PoolExchangeRate {
    *self.exchange_rates.borrow(epoch)
}

/// The rate's WAL side.
public fun rate_wal_amount(rate: &PoolExchangeRate): u64 {
    rate.wal_amount
}

/// The rate's pool token side.
public fun rate_pool_token_amount(rate: &PoolExchangeRate): u64 {
    rate.pool_token_amount
}

/// Pool tokens for `wal` at this rate, rounded down.
public fun to_pool_tokens(rate: &PoolExchangeRate, wal: u64): u64 {
    if (rate.wal_amount == 0 || rate.pool_token_amount == 0) {
        wal
    } else {
        (((wal as u128) * (rate.pool_token_amount as u128) / (rate.wal_amount as u128)) as u64)
    }
}

/// WAL for `tokens` at this rate, rounded down.
public fun to_wal(rate: &PoolExchangeRate, tokens: u64): u64 {
    if (rate.wal_amount == 0 || rate.pool_token_amount == 0) {
        tokens
    } else {
        (((tokens as u128) * (rate.wal_amount as u128) / (rate.pool_token_amount as u128)) as u64)
    }
}

// === Internal ===

fun add_to(map: &mut VecMap<u32, u64>, epoch: u32, amount: u64) {
    if (map.contains(&epoch)) {
        let value = map.get_mut(&epoch);
        *value = *value + amount;
    } else {
        map.insert(epoch, amount);
    }
}

fun take_from(map: &mut VecMap<u32, u64>, epoch: u32, amount: u64) {
    let value = map.get_mut(&epoch);
    *value = *value - amount;
    if (*value == 0) {
        let (_, _) = map.remove(&epoch);
    }
}

#[test_only]
public fun new_rate_for_testing(wal_amount: u64, pool_token_amount: u64): PoolExchangeRate {
    PoolExchangeRate { wal_amount, pool_token_amount }
}
