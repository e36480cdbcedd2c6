//! `SubscriptionService::SubscribeCheckpoints`: every checkpoint committed after the call, in
//! order, as the read mask asks for it.

use futures::stream;
use sui_rpc::{
    field::FieldMaskTree,
    proto::sui::rpc::v2::{
        SubscribeCheckpointsRequest, SubscribeCheckpointsResponse, subscription_service_server::SubscriptionService,
    },
};
use tokio::sync::watch;
use tonic::{Request, Response, Status, codegen::BoxStream};

use super::{RpcService, convert, store_status};
use crate::chain::CheckpointTip;

/// The read mask when the request gives none.
const CHECKPOINT_MASK: &str = "sequence_number,digest";

struct Subscription {
    service: RpcService,
    latest: watch::Receiver<CheckpointTip>,
    next: u64,
    mask: FieldMaskTree,
}

impl Subscription {
    /// The next checkpoint, waiting for it to be committed; `None` when the server shuts down.
    async fn next_checkpoint(&mut self) -> Option<Result<SubscribeCheckpointsResponse, Status>> {
        loop {
            if self.latest.borrow_and_update().sequence >= self.next {
                let sequence = self.next;
                self.next += 1;
                let mask = self.mask.clone();
                let checkpoint = self
                    .service
                    .blocking(move |chain| {
                        let stored = chain.checkpoint(sequence).map_err(store_status)?.ok_or_else(|| {
                            Status::internal(format!("checkpoint {sequence} was announced but is not stored"))
                        })?;
                        convert::checkpoint(chain, &stored, &mask).map_err(store_status)
                    })
                    .await;
                return Some(checkpoint.map(|checkpoint| {
                    let mut response = SubscribeCheckpointsResponse::default();
                    response.cursor = Some(sequence);
                    response.checkpoint = Some(checkpoint);
                    response
                }));
            }
            let mut shutdown = self.service.shutdown.clone();
            tokio::select! {
                changed = self.latest.changed() => changed.ok()?,
                _ = shutdown.wait_for(|stop| *stop) => return None,
            }
        }
    }
}

#[tonic::async_trait]
impl SubscriptionService for RpcService {
    async fn subscribe_checkpoints(
        &self,
        request: Request<SubscribeCheckpointsRequest>,
    ) -> Result<Response<BoxStream<SubscribeCheckpointsResponse>>, Status> {
        let request = request.into_inner();
        if request.filter.as_ref().is_some_and(|filter| !filter.terms.is_empty()) {
            return Err(Status::unimplemented(
                "checkpoint filters are not supported by the local chain; subscribe without a filter",
            ));
        }
        // Subscribed before answering, so a client that executes a transaction right after this
        // call returns sees its checkpoint.
        let latest = self.chain.subscribe_checkpoints();
        let next = latest.borrow().sequence + 1;
        let subscription = Subscription {
            service: self.clone(),
            latest,
            next,
            mask: convert::mask(request.read_mask.as_ref(), CHECKPOINT_MASK),
        };
        let checkpoints = stream::unfold(subscription, |mut subscription| async move {
            let item = subscription.next_checkpoint().await?;
            Some((item, subscription))
        });
        Ok(self.respond(Box::pin(checkpoints) as BoxStream<SubscribeCheckpointsResponse>))
    }
}
