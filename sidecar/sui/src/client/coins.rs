//! Coins: picking a SUI gas coin and WAL coins for a payment, and the per-client locks that
//! keep concurrent transactions off each other's owned objects.
//!
//! A transaction names each owned input at an exact version; two transactions naming the same
//! coin (or blob) at once would make one of them stale. So every owned object a transaction of
//! this client uses (gas coin, WAL coins, blobs, storage) is locked from before its reference is
//! read until the transaction's effects are known, and other transactions of the client wait for
//! it or pick another coin.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sui_sdk_types::{Address, ObjectReference, StructTag, TypeTag};
use tokio::sync::Notify;
use walrus_contracts::Coin;

use super::{ChainError, ChainObject, ChainResult, WalrusChainClient};

/// How many times coin selection starts over when a selected coin changed between listing it
/// and locking it (another process spent it). Each retry lists the coins again.
const MAX_SELECTION_ATTEMPTS: usize = 5;

/// The owned objects the client's in-flight transactions use.
#[derive(Debug, Default)]
pub(crate) struct ObjectLocks {
    in_use: Mutex<HashSet<Address>>,
    released: Notify,
}

/// Holds objects locked until dropped.
#[derive(Debug)]
pub(crate) struct LockGuard {
    locks: Arc<ObjectLocks>,
    ids: Vec<Address>,
}

impl LockGuard {
    /// Adds the objects of `other` to this guard.
    pub(crate) fn absorb(&mut self, mut other: LockGuard) {
        self.ids.append(&mut other.ids);
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        if self.ids.is_empty() {
            return;
        }
        let mut in_use = self.locks.in_use.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for id in &self.ids {
            in_use.remove(id);
        }
        drop(in_use);
        self.locks.released.notify_waiters();
    }
}

impl ObjectLocks {
    fn in_use(&self) -> std::sync::MutexGuard<'_, HashSet<Address>> {
        // The set stays consistent even if a holder panicked: inserts and removes are atomic.
        self.in_use.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Locks all of `ids` if none is locked.
    fn try_lock(self: &Arc<Self>, ids: &[Address]) -> Option<LockGuard> {
        let mut in_use = self.in_use();
        if ids.iter().any(|id| in_use.contains(id)) {
            return None;
        }
        in_use.extend(ids.iter().copied());
        Some(LockGuard { locks: self.clone(), ids: ids.to_vec() })
    }

    /// Runs `pick` on the set of locked objects and locks what it returns, atomically.
    fn lock_picked<T>(
        self: &Arc<Self>,
        pick: impl FnOnce(&HashSet<Address>) -> Option<(Vec<Address>, T)>,
    ) -> Option<(LockGuard, T)> {
        let mut in_use = self.in_use();
        let (ids, value) = pick(&in_use)?;
        in_use.extend(ids.iter().copied());
        Some((LockGuard { locks: self.clone(), ids }, value))
    }

    /// Waits until some lock is released or `deadline` passes; `false` on the deadline.
    async fn wait_for_release(
        &self,
        notified: std::pin::Pin<&mut tokio::sync::futures::Notified<'_>>,
        deadline: Instant,
    ) -> bool {
        tokio::time::timeout_at(deadline.into(), notified).await.is_ok()
    }

    /// Locks all of `ids`, waiting up to `timeout` for other transactions to release them.
    pub(crate) async fn lock(
        self: &Arc<Self>,
        ids: &[Address],
        timeout: Duration,
        owner: Address,
    ) -> ChainResult<LockGuard> {
        let deadline = Instant::now() + timeout;
        loop {
            // Registered before trying, so a release between the try and the wait is not missed.
            let notified = self.released.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(guard) = self.try_lock(ids) {
                return Ok(guard);
            }
            if !self.wait_for_release(notified, deadline).await {
                return Err(ChainError::Busy {
                    what: format!("objects {}", ids.iter().map(Address::to_string).collect::<Vec<_>>().join(", ")),
                    address: owner,
                    waited: timeout,
                });
            }
        }
    }
}

/// A coin as selection sees it.
#[derive(Clone, Debug)]
struct CoinInfo {
    reference: ObjectReference,
    value: u64,
}

impl From<ChainObject<Coin>> for CoinInfo {
    fn from(coin: ChainObject<Coin>) -> Self {
        Self { value: coin.value.value(), reference: coin.reference }
    }
}

impl WalrusChainClient {
    async fn coins(&self, coin_type: &TypeTag) -> ChainResult<Vec<CoinInfo>> {
        Ok(self.owned_coins(self.address(), coin_type).await?.into_iter().map(CoinInfo::from).collect())
    }

    /// Locks a SUI coin of the sender holding at least `budget_mist` that is neither locked nor
    /// in `exclude`, and returns its current reference.
    pub(crate) async fn select_gas_coin(
        &self,
        budget_mist: u64,
        exclude: &HashSet<Address>,
    ) -> ChainResult<(ObjectReference, LockGuard)> {
        let sui: TypeTag = StructTag::sui().into();
        let timeout = self.options().lock_timeout;
        let deadline = Instant::now() + timeout;
        let mut attempts = 0;
        loop {
            let notified = self.inner.locks.released.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let mut coins = self.coins(&sui).await?;
            coins.retain(|c| !exclude.contains(c.reference.object_id()));
            // The smallest sufficient coin keeps the large ones free for large budgets.
            coins.sort_by_key(|c| c.value);
            let largest_mist = coins.last().map_or(0, |c| c.value);
            if largest_mist < budget_mist {
                return Err(ChainError::InsufficientGas { address: self.address(), budget_mist, largest_mist });
            }
            let picked = self.inner.locks.lock_picked(|in_use| {
                let coin =
                    coins.iter().find(|c| c.value >= budget_mist && !in_use.contains(c.reference.object_id()))?;
                Some((vec![*coin.reference.object_id()], coin.clone()))
            });
            if let Some((guard, coin)) = picked {
                // Listed before locking: another transaction may have used it meanwhile.
                let current = self.current_coin(&coin, &sui).await?;
                match current {
                    Some(current) if current.value >= budget_mist => return Ok((current.reference, guard)),
                    _ if attempts + 1 < MAX_SELECTION_ATTEMPTS => {
                        attempts += 1;
                        continue;
                    }
                    _ => {
                        return Err(ChainError::Busy {
                            what: "a gas coin".into(),
                            address: self.address(),
                            waited: timeout,
                        });
                    }
                }
            }
            if !self.inner.locks.wait_for_release(notified, deadline).await {
                return Err(ChainError::Busy { what: "a gas coin".into(), address: self.address(), waited: timeout });
            }
        }
    }

    /// Locks WAL coins of the sender that together hold at least `amount_frost`, fewest coins
    /// first (largest first), and returns their current references.
    pub(crate) async fn select_wal_coins(&self, amount_frost: u64) -> ChainResult<(Vec<ObjectReference>, LockGuard)> {
        let wal = self.wal_coin_type();
        let timeout = self.options().lock_timeout;
        let deadline = Instant::now() + timeout;
        let mut attempts = 0;
        loop {
            let notified = self.inner.locks.released.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let mut coins = self.coins(&wal).await?;
            let available_frost = coins.iter().fold(0u64, |sum, c| sum.saturating_add(c.value));
            if coins.is_empty() || available_frost < amount_frost {
                return Err(ChainError::InsufficientWal {
                    address: self.address(),
                    needed_frost: amount_frost,
                    available_frost,
                });
            }
            coins.sort_by_key(|c| std::cmp::Reverse(c.value));
            let picked = self.inner.locks.lock_picked(|in_use| {
                let mut chosen = Vec::new();
                let mut total = 0u64;
                for coin in coins.iter().filter(|c| !in_use.contains(c.reference.object_id())) {
                    if total >= amount_frost && !chosen.is_empty() {
                        break;
                    }
                    total = total.saturating_add(coin.value);
                    chosen.push(coin.clone());
                }
                (total >= amount_frost && !chosen.is_empty())
                    .then(|| (chosen.iter().map(|c| *c.reference.object_id()).collect(), chosen))
            });
            if let Some((guard, chosen)) = picked {
                let mut references = Vec::with_capacity(chosen.len());
                let mut total = 0u64;
                for coin in &chosen {
                    if let Some(current) = self.current_coin(coin, &wal).await? {
                        total = total.saturating_add(current.value);
                        references.push(current.reference);
                    }
                }
                if total >= amount_frost && references.len() == chosen.len() {
                    return Ok((references, guard));
                }
                if attempts + 1 >= MAX_SELECTION_ATTEMPTS {
                    return Err(ChainError::Busy {
                        what: "WAL coins".into(),
                        address: self.address(),
                        waited: timeout,
                    });
                }
                attempts += 1;
                continue;
            }
            if !self.inner.locks.wait_for_release(notified, deadline).await {
                return Err(ChainError::Busy { what: "WAL coins".into(), address: self.address(), waited: timeout });
            }
        }
    }

    /// The coin as it is now, if the sender still owns it.
    async fn current_coin(&self, coin: &CoinInfo, coin_type: &TypeTag) -> ChainResult<Option<CoinInfo>> {
        let Some(object) = self.try_get_raw_object(*coin.reference.object_id()).await? else { return Ok(None) };
        if object.owner != sui_sdk_types::Owner::Address(self.address()) {
            return Ok(None);
        }
        let coin: ChainObject<Coin> = object.decode(&StructTag::coin(coin_type.clone()))?;
        Ok(Some(coin.into()))
    }
}
