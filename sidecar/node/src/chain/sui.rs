//! [`ChainSource`] over the gRPC chain client (`walrus-sui`): how a real node follows the chain,
//! whether that is the local chain or a Sui network.

use async_trait::async_trait;
use futures::StreamExt;
use walrus_sui::client::{Certificate, ChainError as SuiChainError, EventCursor as SuiEventCursor, WalrusChainClient};

use super::{ChainError, ChainSource, EpochCommittee, EventCursor, EventStream};

/// The node's chain view through its account's chain client.
#[derive(Clone, Debug)]
pub struct SuiChainSource {
    client: WalrusChainClient,
}

impl SuiChainSource {
    /// Follows the chain through `client` (which signs the node's transactions).
    pub fn new(client: WalrusChainClient) -> Self {
        Self { client }
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
            None => self.client.events_from_checkpoint(0),
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
}
