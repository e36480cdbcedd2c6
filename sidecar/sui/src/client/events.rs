//! Following the `walrus` package's events from a resumable cursor.
//!
//! The stream reads checkpoints in order with `LedgerService.GetCheckpoint` (transactions and
//! their events in the read mask), so it needs nothing beyond what every full node serves and
//! sees every event exactly once, in chain order. An [`EventCursor`] names an event's position;
//! a stream started after a cursor yields exactly the events after it, so a storage node that
//! persists the cursor of the last event it processed resumes without gaps or repeats.

use std::collections::VecDeque;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sui_rpc::field::{FieldMask, FieldMaskUtil};
use sui_rpc::proto::sui::rpc::v2 as proto;
use sui_sdk_types::Digest;
use walrus_contracts::events::{
    AccessPolicyEvent, BlobCertified, BlobDeleted, BlobRegistered, EpochAdvanced, Event, InvalidBlobId, StakingEvent,
};

use super::{ChainError, ChainResult, WalrusChainClient};
use crate::Deployment;

/// What the stream reads of each checkpoint.
const CHECKPOINT_READ_MASK: &[&str] = &["sequence_number", "transactions.digest", "transactions.events.events"];

/// The position of an event on chain. Ordered as the chain orders events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EventCursor {
    /// The checkpoint of the emitting transaction.
    pub checkpoint: u64,
    /// The transaction's position within the checkpoint.
    pub transaction_index: u64,
    /// The event's position within the transaction's events (all packages' events count).
    pub event_index: u64,
}

/// A `walrus` event with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainEvent {
    /// Where it is; pass it to [`WalrusChainClient::events_after`] to resume after it.
    pub cursor: EventCursor,
    /// The emitting transaction.
    pub transaction: Digest,
    /// The decoded event.
    pub event: Event,
}

/// Decodes `event` if it is one of the `walrus` package's events (`walrus::events::*`);
/// `None` for other packages' events.
pub(crate) fn decode_walrus_event(deployment: &Deployment, event: &sui_sdk_types::Event) -> Option<ChainResult<Event>> {
    let tag = &event.type_;
    if *tag.address() != deployment.walrus_package || tag.module().as_str() != "events" {
        return None;
    }
    let bytes = &event.contents;
    let decoded = match tag.name().as_str() {
        "BlobRegistered" => bcs::from_bytes::<BlobRegistered>(bytes).map(Event::BlobRegistered),
        "BlobCertified" => bcs::from_bytes::<BlobCertified>(bytes).map(Event::BlobCertified),
        "BlobDeleted" => bcs::from_bytes::<BlobDeleted>(bytes).map(Event::BlobDeleted),
        "InvalidBlobId" => bcs::from_bytes::<InvalidBlobId>(bytes).map(Event::InvalidBlobId),
        "EpochAdvanced" => bcs::from_bytes::<EpochAdvanced>(bytes).map(Event::EpochAdvanced),
        name if StakingEvent::NAMES.contains(&name) => StakingEvent::from_bcs(name, bytes)?.map(Event::Staking),
        name => AccessPolicyEvent::from_bcs(name, bytes)?.map(Event::AccessPolicy),
    };
    Some(decoded.map_err(|e| ChainError::MalformedResponse {
        operation: "GetCheckpoint",
        message: format!("event {tag} does not decode: {e}; the deployment's package may differ from this client's"),
    }))
}

/// The `walrus` package's events, in chain order, from a starting point on. Reads checkpoints
/// as they appear, polling every [`super::ClientOptions::event_poll_interval`] once caught up.
pub struct EventStream {
    client: WalrusChainClient,
    next_checkpoint: u64,
    /// Events at or before this cursor are skipped (resuming within a checkpoint).
    after: Option<EventCursor>,
    /// The latest checkpoint known to exist.
    latest_known: Option<u64>,
    buffered: VecDeque<ChainEvent>,
    poll_interval: Duration,
}

impl WalrusChainClient {
    /// The events from checkpoint `checkpoint` on (0: from genesis).
    pub fn events_from_checkpoint(&self, checkpoint: u64) -> EventStream {
        EventStream::new(self.clone(), checkpoint, None)
    }

    /// The events after `cursor`: exactly those a stream that yielded `cursor` would have
    /// yielded next.
    pub fn events_after(&self, cursor: EventCursor) -> EventStream {
        EventStream::new(self.clone(), cursor.checkpoint, Some(cursor))
    }
}

impl EventStream {
    fn new(client: WalrusChainClient, next_checkpoint: u64, after: Option<EventCursor>) -> Self {
        let poll_interval = client.options().event_poll_interval;
        Self { client, next_checkpoint, after, latest_known: None, buffered: VecDeque::new(), poll_interval }
    }

    /// The next event, waiting for new checkpoints as long as it takes (wrap it in
    /// `tokio::time::timeout` to bound the wait).
    pub async fn next(&mut self) -> ChainResult<ChainEvent> {
        loop {
            if let Some(event) = self.buffered.pop_front() {
                return Ok(event);
            }
            if self.latest_known.is_none_or(|latest| self.next_checkpoint > latest) {
                let latest = self.client.latest_checkpoint().await?;
                self.latest_known = Some(latest);
                if self.next_checkpoint > latest {
                    tokio::time::sleep(self.poll_interval).await;
                    continue;
                }
            }
            self.read_checkpoint(self.next_checkpoint).await?;
            self.next_checkpoint += 1;
        }
    }

    /// The events that are on chain now and not yet yielded, without waiting for more.
    pub async fn drain(&mut self) -> ChainResult<Vec<ChainEvent>> {
        let latest = self.client.latest_checkpoint().await?;
        self.latest_known = Some(latest);
        while self.next_checkpoint <= latest {
            self.read_checkpoint(self.next_checkpoint).await?;
            self.next_checkpoint += 1;
        }
        Ok(self.buffered.drain(..).collect())
    }

    /// The checkpoint the stream reads next.
    pub fn next_checkpoint(&self) -> u64 {
        self.next_checkpoint
    }

    async fn read_checkpoint(&mut self, sequence: u64) -> ChainResult<()> {
        let request = proto::GetCheckpointRequest::by_sequence_number(sequence)
            .with_read_mask(FieldMask::from_paths(CHECKPOINT_READ_MASK));
        let response = self
            .client
            .rpc()
            .ledger_client()
            .get_checkpoint(self.client.request(request))
            .await
            .map_err(|status| self.client.rpc_error("GetCheckpoint", &status))?;
        let checkpoint = response.get_ref().checkpoint();
        let malformed = |message: String| ChainError::MalformedResponse { operation: "GetCheckpoint", message };
        for (transaction_index, transaction) in checkpoint.transactions.iter().enumerate() {
            let Some(events) = &transaction.events else { continue };
            let digest: Digest = transaction
                .digest
                .as_deref()
                .ok_or_else(|| malformed(format!("a transaction of checkpoint {sequence} has no digest")))?
                .parse()
                .map_err(|e| malformed(format!("a transaction digest of checkpoint {sequence}: {e}")))?;
            let events = sui_sdk_types::TransactionEvents::try_from(events)
                .map_err(|e| malformed(format!("events of {digest}: {e}")))?;
            for (event_index, event) in events.0.iter().enumerate() {
                let cursor = EventCursor {
                    checkpoint: sequence,
                    transaction_index: transaction_index as u64,
                    event_index: event_index as u64,
                };
                if self.after.is_some_and(|after| cursor <= after) {
                    continue;
                }
                if let Some(decoded) = decode_walrus_event(self.client.deployment(), event) {
                    self.buffered.push_back(ChainEvent { cursor, transaction: digest, event: decoded? });
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_order_by_checkpoint_then_transaction_then_event() {
        let c = |checkpoint, transaction_index, event_index| EventCursor { checkpoint, transaction_index, event_index };
        let mut cursors = vec![c(2, 0, 0), c(1, 1, 0), c(1, 0, 5), c(1, 0, 1), c(0, 9, 9)];
        cursors.sort();
        assert_eq!(cursors, vec![c(0, 9, 9), c(1, 0, 1), c(1, 0, 5), c(1, 1, 0), c(2, 0, 0)]);
        let json = serde_json::to_string(&c(3, 1, 2)).unwrap();
        assert_eq!(json, r#"{"checkpoint":3,"transaction_index":1,"event_index":2}"#);
        assert_eq!(serde_json::from_str::<EventCursor>(&json).unwrap(), c(3, 1, 2));
    }
}
