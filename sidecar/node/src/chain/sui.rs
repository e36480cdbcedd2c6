//! [`ChainSource`] over the gRPC chain client (`walrus-sui`): how a real node follows the chain,
//! whether that is the local chain or a Sui network.

use std::{
    sync::Arc,
    time::{SystemTime, UNIX_EPOCH},
};

use async_trait::async_trait;
use futures::StreamExt;
use sui_sdk_types::Address;
use walrus_contracts::{ObjectId, staking_inner};
use walrus_sui::client::{
    Certificate, ChainError as SuiChainError, EventCursor as SuiEventCursor, ExecutedTransaction, WalrusChainClient,
};

use super::{
    ChainError, ChainSource, EpochCall, EpochCommittee, EpochSchedule, EventCursor, EventStream, IssuedChallenge,
};

/// The node's chain view through its account's chain client.
#[derive(Clone, Debug)]
pub struct SuiChainSource {
    client: WalrusChainClient,
    /// The node's `StorageNodeCap`, once found among the account's objects.
    cap: Arc<tokio::sync::Mutex<Option<Address>>>,
    /// Where events are read from when the node has no saved cursor.
    first_checkpoint: u64,
}

impl SuiChainSource {
    /// Follows the chain through `client` (which signs the node's transactions), reading events
    /// from genesis on a first start.
    pub fn new(client: WalrusChainClient) -> Self {
        Self { client, cap: Arc::default(), first_checkpoint: 0 }
    }

    /// Reads events from `checkpoint` on a first start (`DeploymentConfig::first_checkpoint`).
    pub fn with_first_checkpoint(self, checkpoint: u64) -> Self {
        Self { first_checkpoint: checkpoint, ..self }
    }

    /// The id of the `StorageNodeCap` of `node_id` the account owns.
    async fn storage_node_cap(&self, node_id: &ObjectId) -> Result<Address, ChainError> {
        let mut cached = self.cap.lock().await;
        if let Some(cap) = *cached {
            return Ok(cap);
        }
        let owner = self.client.address();
        let caps = self.client.owned_storage_node_caps(owner).await.map_err(unavailable)?;
        let cap = caps.iter().find(|cap| cap.value.node_id == *node_id).ok_or_else(|| ChainError::Rejected {
            reason: format!(
                "the node's account {owner} owns no StorageNodeCap of node {node_id:?}; the account that registered \
                 the node (or received its cap) must be the node's account_key"
            ),
        })?;
        let id = cap.id();
        *cached = Some(id);
        Ok(id)
    }
}

/// The wall clock in Unix milliseconds.
fn wall_clock_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The outcome of an epoch-change transaction: the aborts that only say "not now" (already done
/// by another node, too early, another epoch) are answers, not failures.
fn epoch_call(result: Result<ExecutedTransaction, SuiChainError>) -> Result<EpochCall, ChainError> {
    match result {
        Ok(_) => Ok(EpochCall::Executed),
        Err(error) => match error.abort_code() {
            Some(code)
                if [staking_inner::E_WRONG_EPOCH_STATE, staking_inner::E_TOO_EARLY, staking_inner::E_WRONG_EPOCH]
                    .contains(&code) =>
            {
                Ok(EpochCall::NotDue { reason: error.to_string() })
            }
            Some(_) => Err(ChainError::Rejected { reason: error.to_string() }),
            None => Err(unavailable(error)),
        },
    }
}

fn unavailable(error: SuiChainError) -> ChainError {
    ChainError::Unavailable { reason: error.to_string() }
}

fn to_sui(cursor: EventCursor) -> SuiEventCursor {
    SuiEventCursor {
        checkpoint: cursor.checkpoint,
        transaction_index: u64::from(cursor.transaction_index),
        event_index: u64::from(cursor.event_index),
    }
}

fn from_sui(cursor: SuiEventCursor) -> Result<EventCursor, ChainError> {
    let narrow = |value: u64, what: &str| {
        u32::try_from(value)
            .map_err(|_| ChainError::Unavailable { reason: format!("event cursor {what} {value} overflows u32") })
    };
    Ok(EventCursor {
        checkpoint: cursor.checkpoint,
        transaction_index: narrow(cursor.transaction_index, "transaction index")?,
        event_index: narrow(cursor.event_index, "event index")?,
    })
}

#[async_trait]
impl ChainSource for SuiChainSource {
    async fn current_committee(&self) -> Result<EpochCommittee, ChainError> {
        let info = self.client.system_info().await.map_err(unavailable)?;
        Ok(EpochCommittee { epoch: info.epoch, committee: info.committee })
    }

    async fn events_after(&self, cursor: Option<EventCursor>) -> Result<EventStream, ChainError> {
        let stream = match cursor {
            Some(cursor) => self.client.events_after(to_sui(cursor)),
            None => self.client.events_from_checkpoint(self.first_checkpoint),
        };
        let events = futures::stream::unfold(stream, |mut stream| async move {
            let item = match stream.next().await {
                Ok(event) => from_sui(event.cursor).map(|cursor| (cursor, event.event)),
                Err(error) => Err(unavailable(error)),
            };
            Some((item, stream))
        });
        Ok(events.boxed())
    }

    async fn latest_checkpoint(&self) -> Result<u64, ChainError> {
        self.client.latest_checkpoint().await.map_err(unavailable)
    }

    async fn invalidate_blob_id(
        &self,
        signature: &[u8],
        signers_bitmap: &[u8],
        message: &[u8],
    ) -> Result<(), ChainError> {
        let certificate = Certificate {
            signature: signature.to_vec(),
            signers_bitmap: signers_bitmap.to_vec(),
            message: message.to_vec(),
        };
        match self.client.invalidate_blob_id(&certificate).await {
            Ok(_) => Ok(()),
            Err(error) if error.abort_code().is_some() => Err(ChainError::Rejected { reason: error.to_string() }),
            Err(error) => Err(unavailable(error)),
        }
    }

    async fn epoch_schedule(&self) -> Result<Option<EpochSchedule>, ChainError> {
        let info = self.client.staking_info().await.map_err(unavailable)?;
        let clock_ms = self.client.clock_timestamp_ms().await.map_err(unavailable)?;
        Ok(Some(EpochSchedule {
            epoch: info.epoch,
            state: info.epoch_state,
            epoch_start_ms: info.epoch_start_ms,
            epoch_duration_ms: info.epoch_duration_ms,
            // The Clock shows the time of the latest transaction; the next one runs at least at
            // the wall clock's time.
            chain_time_ms: clock_ms.max(wall_clock_ms()),
            committee: info.committee,
        }))
    }

    async fn voting_end(&self) -> Result<EpochCall, ChainError> {
        epoch_call(self.client.voting_end().await)
    }

    async fn initiate_epoch_change(&self) -> Result<EpochCall, ChainError> {
        epoch_call(self.client.initiate_epoch_change().await)
    }

    async fn epoch_sync_done(&self, node_id: &ObjectId, epoch: u32) -> Result<EpochCall, ChainError> {
        let cap = self.storage_node_cap(node_id).await?;
        epoch_call(self.client.epoch_sync_done(cap, epoch).await)
    }

    async fn set_challenge_seed(&self) -> Result<EpochCall, ChainError> {
        challenge_call(self.client.set_challenge_seed().await)
    }

    async fn attest_storage(
        &self,
        node_id: &ObjectId,
        epoch: u32,
        node_ids: &[ObjectId],
    ) -> Result<EpochCall, ChainError> {
        let cap = self.storage_node_cap(node_id).await?;
        let node_ids: Vec<Address> = node_ids.iter().map(|id| Address::new(id.0)).collect();
        challenge_call(self.client.attest_storage(cap, epoch, &node_ids).await)
    }

    async fn issued_challenge(&self) -> Result<Option<IssuedChallenge>, ChainError> {
        let info = self.client.staking_info().await.map_err(unavailable)?;
        let challenges = &info.state.challenges;
        Ok(challenges.issued.as_ref().map(|issued| IssuedChallenge {
            epoch: challenges.epoch,
            seed: issued.seed.clone(),
            samples_per_node: issued.samples_per_node,
        }))
    }
}

/// The outcome of a storage-challenge transaction: the aborts that only say "not now" (the seed
/// was drawn by another node, the committee is still syncing, challenges are switched off) are
/// answers, not failures.
fn challenge_call(result: Result<ExecutedTransaction, SuiChainError>) -> Result<EpochCall, ChainError> {
    use walrus_contracts::storage_challenge::{E_CHALLENGES_DISABLED, E_SEED_ALREADY_SET, E_WRONG_EPOCH};
    match result {
        Ok(_) => Ok(EpochCall::Executed),
        Err(error) => match error.abort_code() {
            Some(code)
                if [E_SEED_ALREADY_SET, E_CHALLENGES_DISABLED, E_WRONG_EPOCH, staking_inner::E_WRONG_EPOCH_STATE]
                    .contains(&code) =>
            {
                Ok(EpochCall::NotDue { reason: error.to_string() })
            }
            Some(_) => Err(ChainError::Rejected { reason: error.to_string() }),
            None => Err(unavailable(error)),
        },
    }
}
