//! Staking, committee selection and epochs: one typed call per public function of
//! `walrus::staking` and `walrus::staked_wal` (on [`WalrusPtb`] and as transactions of their own
//! on [`WalrusChainClient`]), and reads of the `Staking` object, its pools, the `0x6` Clock and
//! the staked WAL and node capabilities an account owns.
//!
//! The `Staking` object is found through the `System` (`system::staking_object_id`), so a
//! [`crate::Deployment`] needs no more than the system's id.

use sui_sdk_types::{Address, Identifier, Owner, StructTag, TypeTag};
use sui_transaction_builder::Argument;
use walrus_contracts::{
    Clock, Coin,
    bls_aggregate::Committee,
    staked_wal::StakedWal,
    staking::Staking,
    staking_inner::{EpochState, StakingInnerV1},
    staking_pool::StakingPool,
    storage_node::StorageNodeCap,
};
use walrus_core::messages::ProtocolKeyPair;

use super::reads::{DynamicField, dynamic_field_type};
use super::transactions::WalrusPtb;
use super::{ChainError, ChainObject, ChainResult, ExecutedTransaction, WalrusChainClient};

/// The Clock's object id, `0x6`.
pub const CLOCK_OBJECT: Address = Address::from_static("0x6");
/// The Clock's initial shared version (it was shared at genesis).
pub const CLOCK_INITIAL_SHARED_VERSION: u64 = 1;
/// The `Random` object's id, `0x8`. Its initial shared version differs between networks (it was
/// created by a protocol upgrade), so the client reads it ([`WalrusChainClient::random_object`]).
pub const RANDOM_OBJECT: Address = Address::from_static("0x8");

/// What `staking::register_candidate` needs: the node's metadata, its BLS key with the proof of
/// possession, its commission and its first votes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeRegistration {
    /// A name for people.
    pub name: String,
    /// `host:port` of the node's storage API (1 to 256 bytes).
    pub network_address: String,
    /// The 48-byte compressed BLS12-381 G1 public key.
    pub public_key: Vec<u8>,
    /// The key's signature over the proof-of-possession message (`docs/chain.md` §5).
    pub proof_of_possession: Vec<u8>,
    /// Commission in basis points (at most 10_000).
    pub commission_rate_bps: u16,
    /// Vote: FROST per MiB per epoch.
    pub storage_price_vote: u64,
    /// Vote: FROST per MiB, once.
    pub write_price_vote: u64,
    /// Vote: total capacity in encoded bytes per epoch.
    pub node_capacity_vote: u64,
}

impl NodeRegistration {
    /// A registration by `sender` in staking epoch `epoch`, with the proof of possession of `key`
    /// and the given commission and votes.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        key: &ProtocolKeyPair,
        epoch: u32,
        sender: Address,
        name: impl Into<String>,
        network_address: impl Into<String>,
        commission_rate_bps: u16,
        storage_price_vote: u64,
        write_price_vote: u64,
        node_capacity_vote: u64,
    ) -> Self {
        Self {
            name: name.into(),
            network_address: network_address.into(),
            public_key: key.public_key().to_vec(),
            proof_of_possession: key.proof_of_possession(epoch, sender.into_inner()).to_vec(),
            commission_rate_bps,
            storage_price_vote,
            write_price_vote,
            node_capacity_vote,
        }
    }
}

/// The state of staking and epochs, read from the `Staking` object and its state field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StakingInfo {
    /// The `Staking` object.
    pub object: Address,
    /// Its initial shared version.
    pub initial_shared_version: u64,
    /// The current epoch.
    pub epoch: u32,
    /// Where the epoch change is.
    pub epoch_state: EpochState,
    /// Clock time the current epoch started, in milliseconds.
    pub epoch_start_ms: u64,
    /// Epoch length in milliseconds.
    pub epoch_duration_ms: u64,
    /// The committee of the current epoch.
    pub committee: Committee,
    /// The committee `voting_end` selected for the next epoch, once it ran.
    pub next_committee: Option<Committee>,
    /// Every pool's node id, in registration order.
    pub pool_ids: Vec<Address>,
    /// The full state (its pool table holds no entries: read pools with
    /// [`WalrusChainClient::get_staking_pool`]).
    pub state: StakingInnerV1,
}

impl StakingInfo {
    /// When `voting_end` becomes allowed, in clock milliseconds.
    pub fn voting_end_ms(&self) -> u64 {
        self.epoch_start_ms.saturating_add(self.epoch_duration_ms / 2)
    }

    /// When `initiate_epoch_change` becomes allowed, in clock milliseconds.
    pub fn epoch_end_ms(&self) -> u64 {
        self.epoch_start_ms.saturating_add(self.epoch_duration_ms)
    }
}

/// The Move calls of staking, as commands added to a transaction.
impl WalrusPtb {
    /// The shared `Clock` (`0x6`), by immutable reference as Sui requires.
    pub fn clock(&mut self) -> Argument {
        self.shared(CLOCK_OBJECT, CLOCK_INITIAL_SHARED_VERSION, false)
    }

    /// `staking::register_candidate(&mut Staking, ...): StorageNodeCap`.
    pub fn register_candidate(&mut self, staking: Argument, registration: &NodeRegistration) -> Argument {
        let arguments = vec![
            staking,
            self.pure(&registration.name),
            self.pure(&registration.network_address),
            self.pure(&registration.public_key),
            self.pure(&registration.proof_of_possession),
            self.pure(&registration.commission_rate_bps),
            self.pure(&registration.storage_price_vote),
            self.pure(&registration.write_price_vote),
            self.pure(&registration.node_capacity_vote),
        ];
        self.walrus_call("staking", "register_candidate", arguments)
    }

    /// `staking::stake_with_pool(&mut Staking, Coin<WAL>, node_id): StakedWal`.
    pub fn stake_with_pool(&mut self, staking: Argument, to_stake: Argument, node_id: Address) -> Argument {
        let node_id = self.pure(&node_id);
        self.walrus_call("staking", "stake_with_pool", vec![staking, to_stake, node_id])
    }

    /// `staking::request_withdraw_stake(&mut Staking, &mut StakedWal)`.
    pub fn request_withdraw_stake(&mut self, staking: Argument, staked_wal: Argument) -> Argument {
        self.walrus_call("staking", "request_withdraw_stake", vec![staking, staked_wal])
    }

    /// `staking::withdraw_stake(&mut Staking, StakedWal): Coin<WAL>`.
    pub fn withdraw_stake(&mut self, staking: Argument, staked_wal: Argument) -> Argument {
        self.walrus_call("staking", "withdraw_stake", vec![staking, staked_wal])
    }

    /// `staked_wal::split(&mut StakedWal, amount): StakedWal`.
    pub fn split_staked_wal(&mut self, staked_wal: Argument, amount_frost: u64) -> Argument {
        let amount = self.pure(&amount_frost);
        self.walrus_call("staked_wal", "split", vec![staked_wal, amount])
    }

    /// `staked_wal::join(&mut StakedWal, StakedWal)`.
    pub fn join_staked_wal(&mut self, staked_wal: Argument, other: Argument) -> Argument {
        self.walrus_call("staked_wal", "join", vec![staked_wal, other])
    }

    /// `staking::collect_commission(&mut Staking, &StorageNodeCap): Coin<WAL>`.
    pub fn collect_commission(&mut self, staking: Argument, cap: Argument) -> Argument {
        self.walrus_call("staking", "collect_commission", vec![staking, cap])
    }

    /// `staking::set_next_commission(&mut Staking, &StorageNodeCap, commission_rate_bps)`.
    pub fn set_next_commission(&mut self, staking: Argument, cap: Argument, commission_rate_bps: u16) -> Argument {
        let rate = self.pure(&commission_rate_bps);
        self.walrus_call("staking", "set_next_commission", vec![staking, cap, rate])
    }

    /// `staking::set_storage_price_vote(&mut Staking, &StorageNodeCap, price)`.
    pub fn set_storage_price_vote(&mut self, staking: Argument, cap: Argument, price_frost: u64) -> Argument {
        let price = self.pure(&price_frost);
        self.walrus_call("staking", "set_storage_price_vote", vec![staking, cap, price])
    }

    /// `staking::set_write_price_vote(&mut Staking, &StorageNodeCap, price)`.
    pub fn set_write_price_vote(&mut self, staking: Argument, cap: Argument, price_frost: u64) -> Argument {
        let price = self.pure(&price_frost);
        self.walrus_call("staking", "set_write_price_vote", vec![staking, cap, price])
    }

    /// `staking::set_node_capacity_vote(&mut Staking, &StorageNodeCap, capacity)`.
    pub fn set_node_capacity_vote(&mut self, staking: Argument, cap: Argument, capacity_bytes: u64) -> Argument {
        let capacity = self.pure(&capacity_bytes);
        self.walrus_call("staking", "set_node_capacity_vote", vec![staking, cap, capacity])
    }

    /// `staking::voting_end(&mut Staking, &Clock)`.
    pub fn voting_end(&mut self, staking: Argument, clock: Argument) -> Argument {
        self.walrus_call("staking", "voting_end", vec![staking, clock])
    }

    /// `staking::initiate_epoch_change(&mut Staking, &mut System, &Clock)`.
    pub fn initiate_epoch_change(&mut self, staking: Argument, system: Argument, clock: Argument) -> Argument {
        self.walrus_call("staking", "initiate_epoch_change", vec![staking, system, clock])
    }

    /// `staking::epoch_sync_done(&mut Staking, &StorageNodeCap, epoch, &Clock)`.
    pub fn epoch_sync_done(&mut self, staking: Argument, cap: Argument, epoch: u32, clock: Argument) -> Argument {
        let epoch = self.pure(&epoch);
        self.walrus_call("staking", "epoch_sync_done", vec![staking, cap, epoch, clock])
    }

    /// `staking::set_challenge_seed(&mut Staking, &Random)` (an `entry` function: only
    /// `TransferObjects` and `MergeCoins` may follow it in the transaction).
    pub fn set_challenge_seed(&mut self, staking: Argument, random: Argument) -> Argument {
        self.walrus_call("staking", "set_challenge_seed", vec![staking, random])
    }

    /// `staking::attest_storage(&mut Staking, &StorageNodeCap, epoch: u32, node_ids: vector<ID>)`.
    pub fn attest_storage(&mut self, staking: Argument, cap: Argument, epoch: u32, node_ids: &[Address]) -> Argument {
        let epoch = self.pure(&epoch);
        let node_ids = self.pure(&node_ids.to_vec());
        self.walrus_call("staking", "attest_storage", vec![staking, cap, epoch, node_ids])
    }

    /// `staking::burn_pending_rewards(&mut Staking, &mut ProtectedTreasury)`.
    pub fn burn_pending_rewards(&mut self, staking: Argument, treasury: Argument) -> Argument {
        self.walrus_call("staking", "burn_pending_rewards", vec![staking, treasury])
    }
}

fn ident(name: &'static str) -> Identifier {
    Identifier::from_static(name)
}

impl WalrusChainClient {
    /// `walrus::staking::Staking`.
    pub fn staking_type(&self) -> StructTag {
        self.walrus_type("staking", "Staking")
    }

    /// `walrus::staked_wal::StakedWal`.
    pub fn staked_wal_type(&self) -> StructTag {
        self.walrus_type("staked_wal", "StakedWal")
    }

    /// `walrus::storage_node::StorageNodeCap`.
    pub fn storage_node_cap_type(&self) -> StructTag {
        self.walrus_type("storage_node", "StorageNodeCap")
    }

    /// The `Staking` object's id and initial shared version, as the `System` names it.
    pub async fn staking_object(&self) -> ChainResult<(Address, u64)> {
        let id = self.system_info().await?.staking_object.ok_or_else(|| {
            ChainError::InvalidArgument(
                "the System has no staking object yet; create it with staking::create at genesis".into(),
            )
        })?;
        let object = self.get_raw_object(id).await?;
        match object.owner {
            Owner::Shared(version) => Ok((id, version)),
            _ => Err(ChainError::InvalidArgument(format!("the staking object {id} is not shared"))),
        }
    }

    /// The `Staking` object with its state (`staking.inner`; the pool table without entries).
    pub async fn get_staking(&self) -> ChainResult<ChainObject<Staking>> {
        let (id, _) = self.staking_object().await?;
        let mut staking: ChainObject<Staking> = self.get_raw_object(id).await?.decode(&self.staking_type())?;
        let key = bcs::to_bytes(&staking.value.version).unwrap_or_else(|e| unreachable!("u64 serializes: {e}"));
        let field_id = id.derive_dynamic_child_id(&TypeTag::U64, &key);
        let state_type = TypeTag::Struct(Box::new(self.walrus_type("staking_inner", "StakingInnerV1")));
        let field: ChainObject<DynamicField<u64, StakingInnerV1>> =
            self.get_raw_object(field_id).await?.decode(&dynamic_field_type(TypeTag::U64, state_type))?;
        staking.value.inner = Some(field.value.value);
        Ok(staking)
    }

    /// The current epoch, its state and timing, the committee and the pools' ids.
    pub async fn staking_info(&self) -> ChainResult<StakingInfo> {
        let staking = self.get_staking().await?;
        let initial_shared_version = staking.initial_shared_version().unwrap_or_default();
        let state = staking.value.inner.ok_or_else(|| ChainError::MalformedResponse {
            operation: "GetObject",
            message: "the Staking object has no state".into(),
        })?;
        Ok(StakingInfo {
            object: staking.reference.object_id().to_owned(),
            initial_shared_version,
            epoch: state.epoch,
            epoch_state: state.epoch_state,
            epoch_start_ms: state.epoch_start_ms,
            epoch_duration_ms: state.epoch_duration_ms,
            committee: state.committee.clone(),
            next_committee: state.next_epoch_params.as_ref().map(|p| p.committee.clone()),
            pool_ids: state.pool_ids.iter().map(|id| Address::new(id.0)).collect(),
            state,
        })
    }

    /// The staking pool of `node_id` (its exchange-rate table without entries).
    pub async fn get_staking_pool(&self, node_id: Address) -> ChainResult<StakingPool> {
        let info = self.staking_info().await?;
        let table = Address::new(info.state.pools.id.0);
        let id_type = TypeTag::Struct(Box::new(StructTag::new(Address::TWO, ident("object"), ident("ID"), vec![])));
        let key = bcs::to_bytes(&node_id).unwrap_or_else(|e| unreachable!("addresses serialize: {e}"));
        let field_id = table.derive_dynamic_child_id(&id_type, &key);
        let pool_type = TypeTag::Struct(Box::new(self.walrus_type("staking_pool", "StakingPool")));
        let field = self.try_get_raw_object(field_id).await?.ok_or_else(|| {
            ChainError::InvalidArgument(format!("no staking pool has node id {node_id}; register the node first"))
        })?;
        let field: ChainObject<DynamicField<Address, StakingPool>> =
            field.decode(&dynamic_field_type(id_type, pool_type))?;
        Ok(field.value.value)
    }

    /// The chain's clock (`0x6`), in milliseconds: the time of the latest transaction.
    pub async fn clock_timestamp_ms(&self) -> ChainResult<u64> {
        let tag = StructTag::new(Address::TWO, ident("clock"), ident("Clock"), vec![]);
        let clock: ChainObject<Clock> = self.get_raw_object(CLOCK_OBJECT).await?.decode(&tag)?;
        Ok(clock.value.timestamp_ms)
    }

    /// The `StakedWal` objects `owner` owns.
    pub async fn owned_staked_wal(&self, owner: Address) -> ChainResult<Vec<ChainObject<StakedWal>>> {
        let staked_type = self.staked_wal_type();
        self.owned_objects(owner, &staked_type).await?.into_iter().map(|o| o.decode(&staked_type)).collect()
    }

    /// The `StorageNodeCap`s `owner` owns.
    pub async fn owned_storage_node_caps(&self, owner: Address) -> ChainResult<Vec<ChainObject<StorageNodeCap>>> {
        let cap_type = self.storage_node_cap_type();
        self.owned_objects(owner, &cap_type).await?.into_iter().map(|o| o.decode(&cap_type)).collect()
    }

    /// A `StakedWal`.
    pub async fn get_staked_wal(&self, id: Address) -> ChainResult<ChainObject<StakedWal>> {
        self.get_raw_object(id).await?.decode(&self.staked_wal_type())
    }

    /// Registers a staking pool for a storage node; the `StorageNodeCap` goes to the sender.
    pub async fn register_candidate(
        &self,
        registration: &NodeRegistration,
    ) -> ChainResult<ChainObject<StorageNodeCap>> {
        let (staking_id, version) = self.staking_object().await?;
        let sender = self.address();
        let executed = self
            .run(&[], None, |ptb, _| {
                let staking = ptb.shared(staking_id, version, true);
                let cap = ptb.register_candidate(staking, registration);
                ptb.transfer(vec![cap], sender);
                Ok(())
            })
            .await?;
        self.new_object(&executed, &self.storage_node_cap_type()).await
    }

    /// Registers the node of BLS key `key` as the sender, with the proof of possession for the
    /// current staking epoch.
    #[allow(clippy::too_many_arguments)]
    pub async fn register_node(
        &self,
        key: &ProtocolKeyPair,
        name: &str,
        network_address: &str,
        commission_rate_bps: u16,
        storage_price_vote: u64,
        write_price_vote: u64,
        node_capacity_vote: u64,
    ) -> ChainResult<ChainObject<StorageNodeCap>> {
        let epoch = self.staking_info().await?.epoch;
        let registration = NodeRegistration::new(
            key,
            epoch,
            self.address(),
            name,
            network_address,
            commission_rate_bps,
            storage_price_vote,
            write_price_vote,
            node_capacity_vote,
        );
        self.register_candidate(&registration).await
    }

    /// Stakes `amount_frost` of the sender's WAL with the pool of `node_id`; the `StakedWal` goes
    /// to the sender.
    pub async fn stake_with_pool(&self, node_id: Address, amount_frost: u64) -> ChainResult<ChainObject<StakedWal>> {
        let (staking_id, version) = self.staking_object().await?;
        let sender = self.address();
        let executed = self
            .run(&[], Some(amount_frost), |ptb, inputs| {
                let staking = ptb.shared(staking_id, version, true);
                let payment = ptb.wal_payment(&inputs.wal);
                let coin = ptb.split(payment, amount_frost);
                let staked = ptb.stake_with_pool(staking, coin, node_id);
                ptb.transfer(vec![staked], sender);
                Ok(())
            })
            .await?;
        self.new_object(&executed, &self.staked_wal_type()).await
    }

    /// Asks to withdraw the active `StakedWal` `staked_wal`.
    pub async fn request_withdraw_stake(&self, staked_wal: Address) -> ChainResult<ExecutedTransaction> {
        let (staking_id, version) = self.staking_object().await?;
        self.run(&[staked_wal], None, |ptb, inputs| {
            let staking = ptb.shared(staking_id, version, true);
            let staked = ptb.owned(inputs.owned(staked_wal));
            ptb.request_withdraw_stake(staking, staked);
            Ok(())
        })
        .await
    }

    /// Withdraws the `StakedWal` `staked_wal` (principal and rewards); the WAL goes to the sender.
    pub async fn withdraw_stake(&self, staked_wal: Address) -> ChainResult<ChainObject<Coin>> {
        let (staking_id, version) = self.staking_object().await?;
        let sender = self.address();
        let executed = self
            .run(&[staked_wal], None, |ptb, inputs| {
                let staking = ptb.shared(staking_id, version, true);
                let staked = ptb.owned(inputs.owned(staked_wal));
                let coin = ptb.withdraw_stake(staking, staked);
                ptb.transfer(vec![coin], sender);
                Ok(())
            })
            .await?;
        self.new_object(&executed, &StructTag::coin(self.wal_coin_type())).await
    }

    /// Splits `amount_frost` of `staked_wal` off into a new `StakedWal` sent to the sender.
    pub async fn split_staked_wal(
        &self,
        staked_wal: Address,
        amount_frost: u64,
    ) -> ChainResult<ChainObject<StakedWal>> {
        let sender = self.address();
        let executed = self
            .run(&[staked_wal], None, |ptb, inputs| {
                let staked = ptb.owned(inputs.owned(staked_wal));
                let part = ptb.split_staked_wal(staked, amount_frost);
                ptb.transfer(vec![part], sender);
                Ok(())
            })
            .await?;
        self.new_object(&executed, &self.staked_wal_type()).await
    }

    /// Joins `other` into `staked_wal` (same pool, activation epoch and state).
    pub async fn join_staked_wal(&self, staked_wal: Address, other: Address) -> ChainResult<ExecutedTransaction> {
        self.run(&[staked_wal, other], None, |ptb, inputs| {
            let staked = ptb.owned(inputs.owned(staked_wal));
            let other = ptb.owned(inputs.owned(other));
            ptb.join_staked_wal(staked, other);
            Ok(())
        })
        .await
    }

    /// Collects the commission of the node of `cap` (the sender's `StorageNodeCap`); the WAL goes
    /// to the sender.
    pub async fn collect_commission(&self, cap: Address) -> ChainResult<ChainObject<Coin>> {
        let (staking_id, version) = self.staking_object().await?;
        let sender = self.address();
        let executed = self
            .run(&[cap], None, |ptb, inputs| {
                let staking = ptb.shared(staking_id, version, true);
                let cap = ptb.owned(inputs.owned(cap));
                let coin = ptb.collect_commission(staking, cap);
                ptb.transfer(vec![coin], sender);
                Ok(())
            })
            .await?;
        self.new_object(&executed, &StructTag::coin(self.wal_coin_type())).await
    }

    /// A call `(&mut Staking, &StorageNodeCap, ...)` of the node of `cap`.
    async fn operator_call(
        &self,
        cap: Address,
        call: impl FnOnce(&mut WalrusPtb, Argument, Argument),
    ) -> ChainResult<ExecutedTransaction> {
        let (staking_id, version) = self.staking_object().await?;
        self.run(&[cap], None, |ptb, inputs| {
            let staking = ptb.shared(staking_id, version, true);
            let cap = ptb.owned(inputs.owned(cap));
            call(ptb, staking, cap);
            Ok(())
        })
        .await
    }

    /// Sets the node's commission from two epochs on (basis points).
    pub async fn set_next_commission(
        &self,
        cap: Address,
        commission_rate_bps: u16,
    ) -> ChainResult<ExecutedTransaction> {
        self.operator_call(cap, |ptb, staking, cap| {
            ptb.set_next_commission(staking, cap, commission_rate_bps);
        })
        .await
    }

    /// The node's storage price vote (FROST per MiB per epoch).
    pub async fn set_storage_price_vote(&self, cap: Address, price_frost: u64) -> ChainResult<ExecutedTransaction> {
        self.operator_call(cap, |ptb, staking, cap| {
            ptb.set_storage_price_vote(staking, cap, price_frost);
        })
        .await
    }

    /// The node's write price vote (FROST per MiB).
    pub async fn set_write_price_vote(&self, cap: Address, price_frost: u64) -> ChainResult<ExecutedTransaction> {
        self.operator_call(cap, |ptb, staking, cap| {
            ptb.set_write_price_vote(staking, cap, price_frost);
        })
        .await
    }

    /// The node's capacity vote (total encoded bytes per epoch).
    pub async fn set_node_capacity_vote(&self, cap: Address, capacity_bytes: u64) -> ChainResult<ExecutedTransaction> {
        self.operator_call(cap, |ptb, staking, cap| {
            ptb.set_node_capacity_vote(staking, cap, capacity_bytes);
        })
        .await
    }

    /// Ends the voting of the current epoch: selects the next committee and parameters.
    pub async fn voting_end(&self) -> ChainResult<ExecutedTransaction> {
        let (staking_id, version) = self.staking_object().await?;
        self.run(&[], None, |ptb, _| {
            let staking = ptb.shared(staking_id, version, true);
            let clock = ptb.clock();
            ptb.voting_end(staking, clock);
            Ok(())
        })
        .await
    }

    /// Starts the next epoch with the selected committee, paying out the finished epoch.
    pub async fn initiate_epoch_change(&self) -> ChainResult<ExecutedTransaction> {
        let (staking_id, version) = self.staking_object().await?;
        self.run(&[], None, |ptb, _| {
            let staking = ptb.shared(staking_id, version, true);
            let system = ptb.system(true);
            let clock = ptb.clock();
            ptb.initiate_epoch_change(staking, system, clock);
            Ok(())
        })
        .await
    }

    /// Signals that the node of `cap` synced its shards for `epoch`.
    pub async fn epoch_sync_done(&self, cap: Address, epoch: u32) -> ChainResult<ExecutedTransaction> {
        self.operator_call(cap, |ptb, staking, cap| {
            let clock = ptb.clock();
            ptb.epoch_sync_done(staking, cap, epoch, clock);
        })
        .await
    }

    /// The `Random` object's (`0x8`) initial shared version.
    pub async fn random_object(&self) -> ChainResult<u64> {
        match self.get_raw_object(RANDOM_OBJECT).await?.owner {
            Owner::Shared(version) => Ok(version),
            _ => Err(ChainError::InvalidArgument("the Random object (0x8) is not shared".into())),
        }
    }

    /// Draws the current epoch's storage-challenge seed from `sui::random` (anyone may; storage
    /// nodes do once their committee synced). Aborts with `storage_challenge::ESeedAlreadySet` if
    /// someone else was first.
    pub async fn set_challenge_seed(&self) -> ChainResult<ExecutedTransaction> {
        let (staking_id, version) = self.staking_object().await?;
        let random_version = self.random_object().await?;
        self.run(&[], None, |ptb, _| {
            let staking = ptb.shared(staking_id, version, true);
            let random = ptb.shared(RANDOM_OBJECT, random_version, false);
            ptb.set_challenge_seed(staking, random);
            Ok(())
        })
        .await
    }

    /// Attests, as the node of `cap`, that `node_ids` answered the storage challenge of `epoch`
    /// (the current epoch; `storage_challenge::EWrongEpoch` otherwise) with proofs that verified.
    pub async fn attest_storage(
        &self,
        cap: Address,
        epoch: u32,
        node_ids: &[Address],
    ) -> ChainResult<ExecutedTransaction> {
        self.operator_call(cap, |ptb, staking, cap| {
            ptb.attest_storage(staking, cap, epoch, node_ids);
        })
        .await
    }

    /// Burns the rewards set aside by the burn share through the shared `ProtectedTreasury`
    /// `treasury`.
    pub async fn burn_pending_rewards(&self, treasury: Address) -> ChainResult<ExecutedTransaction> {
        let (staking_id, version) = self.staking_object().await?;
        let treasury_version = match self.get_raw_object(treasury).await?.owner {
            Owner::Shared(version) => version,
            _ => return Err(ChainError::InvalidArgument(format!("the treasury {treasury} is not shared"))),
        };
        self.run(&[], None, |ptb, _| {
            let staking = ptb.shared(staking_id, version, true);
            let treasury = ptb.shared(treasury, treasury_version, true);
            ptb.burn_pending_rewards(staking, treasury);
            Ok(())
        })
        .await
    }
}
