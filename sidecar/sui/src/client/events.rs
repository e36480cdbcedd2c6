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
    AccessPolicyEvent, BlobCertified, BlobDeleted, BlobRegistered, EpochAdvanced, Event, GovernanceEvent,
    InvalidBlobId, StakingEvent,
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
        name if GovernanceEvent::NAMES.contains(&name) => {
            GovernanceEvent::from_bcs(name, bytes)?.map(Event::Governance)
        }
        name => AccessPolicyEvent::from_bcs(name, bytes)?.map(Event::AccessPolicy),
    };
    Some(decoded.map_err(|e| ChainError::MalformedResponse {
        operation: "GetCheckpoint",
        message: format!("event {tag} does not decode: {e}; the deployment's package may differ from this client's"),
    }))
}

/// How long a caught-up stream waits on its checkpoint subscription before asking the chain for
/// its latest checkpoint anyway: a safety net for a subscription that stalls without an error.
const SUBSCRIPTION_IDLE_CHECK: Duration = Duration::from_secs(5);

/// After a failed `SubscribeCheckpoints`, how long the stream polls before trying again.
const SUBSCRIBE_RETRY_DELAY: Duration = Duration::from_secs(30);

/// The `walrus` package's events, in chain order, from a starting point on. Reads the backlog
/// checkpoint by checkpoint; once caught up, takes new checkpoints from
/// `SubscriptionService.SubscribeCheckpoints` as the chain commits them, and falls back to
/// polling every [`super::ClientOptions::event_poll_interval`] where the server has no
/// subscriptions.
pub struct EventStream {
    client: WalrusChainClient,
    next_checkpoint: u64,
    /// Events at or before this cursor are skipped (resuming within a checkpoint).
    after: Option<EventCursor>,
    /// The latest checkpoint known to exist.
    latest_known: Option<u64>,
    buffered: VecDeque<ChainEvent>,
    poll_interval: Duration,
    /// New checkpoints with their events, once caught up.
    subscription: Option<tonic::Streaming<proto::SubscribeCheckpointsResponse>>,
    /// When subscribing last failed; the stream polls until [`SUBSCRIBE_RETRY_DELAY`] passed.
    subscribe_failed_at: Option<tokio::time::Instant>,
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
        Self {
            client,
            next_checkpoint,
            after,
            latest_known: None,
            buffered: VecDeque::new(),
            poll_interval,
            subscription: None,
            subscribe_failed_at: None,
        }
    }

    /// The next event, waiting for new checkpoints as long as it takes (wrap it in
    /// `tokio::time::timeout` to bound the wait).
    pub async fn next(&mut self) -> ChainResult<ChainEvent> {
        loop {
            if let Some(event) = self.buffered.pop_front() {
                return Ok(event);
            }
            if self.latest_known.is_some_and(|latest| self.next_checkpoint <= latest) {
                self.read_checkpoint(self.next_checkpoint).await?;
                self.next_checkpoint += 1;
                continue;
            }
            // Caught up with every checkpoint known to exist: wait for the next one.
            if let Some(subscription) = &mut self.subscription {
                match tokio::time::timeout(SUBSCRIPTION_IDLE_CHECK, subscription.message()).await {
                    Ok(Ok(Some(response))) => self.accept_subscribed(response)?,
                    Ok(Ok(None)) | Ok(Err(_)) => {
                        tracing::debug!("the checkpoint subscription ended; following the chain by polling");
                        self.subscription = None;
                        self.subscribe_failed_at = Some(tokio::time::Instant::now());
                    }
                    Err(_idle) => self.latest_known = Some(self.client.latest_checkpoint().await?),
                }
                continue;
            }
            self.latest_known = Some(self.client.latest_checkpoint().await?);
            if self.latest_known.is_some_and(|latest| self.next_checkpoint <= latest) {
                continue; // a backlog: read it before subscribing
            }
            if self.subscribe_failed_at.is_none_or(|at| at.elapsed() >= SUBSCRIBE_RETRY_DELAY) {
                self.subscribe().await;
                if self.subscription.is_some() {
                    // The subscription starts after the call: what was committed in between is
                    // read from the ledger.
                    self.latest_known = Some(self.client.latest_checkpoint().await?);
                    continue;
                }
            }
            tokio::time::sleep(self.poll_interval).await;
        }
    }

    /// Opens the checkpoint subscription; on failure the stream polls for a while.
    async fn subscribe(&mut self) {
        let mut request = proto::SubscribeCheckpointsRequest::default();
        request.read_mask = Some(FieldMask::from_paths(CHECKPOINT_READ_MASK));
        // No deadline: the stream lives as long as this event stream.
        match self.client.rpc().subscription_client().subscribe_checkpoints(tonic::Request::new(request)).await {
            Ok(response) => {
                self.subscription = Some(response.into_inner());
                self.subscribe_failed_at = None;
            }
            Err(status) => {
                tracing::debug!("cannot subscribe to checkpoints ({}); polling instead", status.message());
                self.subscribe_failed_at = Some(tokio::time::Instant::now());
            }
        }
    }

    /// Takes a subscribed checkpoint: the next one is read from the frame itself; a later one
    /// means checkpoints were missed (the subscription starts after the call), which the stream
    /// then reads one by one.
    fn accept_subscribed(&mut self, response: proto::SubscribeCheckpointsResponse) -> ChainResult<()> {
        let Some(sequence) = response.cursor.or_else(|| response.checkpoint.as_ref()?.sequence_number) else {
            return Err(ChainError::MalformedResponse {
                operation: "SubscribeCheckpoints",
                message: "a frame has neither a cursor nor a checkpoint".into(),
            });
        };
        self.latest_known = Some(self.latest_known.map_or(sequence, |latest| latest.max(sequence)));
        if sequence == self.next_checkpoint
            && let Some(checkpoint) = &response.checkpoint
        {
            self.ingest_checkpoint("SubscribeCheckpoints", sequence, checkpoint)?;
            self.next_checkpoint += 1;
        }
        Ok(())
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
        self.ingest_checkpoint("GetCheckpoint", sequence, response.get_ref().checkpoint())
    }

    /// Buffers the `walrus` events of checkpoint `sequence` that lie after the resume cursor.
    fn ingest_checkpoint(
        &mut self,
        operation: &'static str,
        sequence: u64,
        checkpoint: &proto::Checkpoint,
    ) -> ChainResult<()> {
        let malformed = |message: String| ChainError::MalformedResponse { operation, message };
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
