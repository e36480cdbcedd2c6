//! `LedgerService`: service info, objects, transactions, checkpoints and the Sui epoch.

use sui_rpc::field::FieldMaskTree;
use sui_rpc::proto::{
    google::rpc::Status as RpcStatus,
    sui::rpc::v2::{
        BatchGetObjectsRequest, BatchGetObjectsResponse, BatchGetTransactionsRequest, BatchGetTransactionsResponse,
        GetCheckpointRequest, GetCheckpointResponse, GetEpochRequest, GetEpochResponse, GetObjectRequest,
        GetObjectResponse, GetObjectResult, GetServiceInfoRequest, GetServiceInfoResponse, GetTransactionRequest,
        GetTransactionResponse, GetTransactionResult, get_checkpoint_request::CheckpointId,
        ledger_service_server::LedgerService,
    },
    timestamp_ms_to_proto,
};
use tonic::{Request, Response, Status};

use super::{RpcService, convert, store_status};
use crate::{LocalChain, chain::SUI_EPOCH, types::to_object_id};

/// Sui's default read masks for these calls.
const OBJECT_MASK: &str = "object_id,version,digest";
const TRANSACTION_MASK: &str = "digest";
const CHECKPOINT_MASK: &str = "sequence_number,digest";
const EPOCH_MASK: &str = "epoch";
/// The most objects or transactions one batch call may ask for (Sui's limit).
pub const MAX_BATCH_SIZE: usize = 200;

/// The server's name and version in `GetServiceInfo`.
const SERVER_NAME: &str = concat!("walrus-chain/", env!("CARGO_PKG_VERSION"));

fn get_object(
    chain: &LocalChain,
    object_id: Option<&str>,
    version: Option<u64>,
    mask: &FieldMaskTree,
) -> Result<sui_rpc::proto::sui::rpc::v2::Object, Status> {
    let id = convert::parse_address("object_id", object_id)?;
    let object = match version {
        Some(version) => chain.store().object_at(&to_object_id(id), version),
        None => chain.object(id),
    }
    .map_err(store_status)?;
    let object = object.ok_or_else(|| match version {
        Some(version) => Status::not_found(format!("object {id} has no version {version} on this chain")),
        None => Status::not_found(format!("object {id} does not exist (or was deleted)")),
    })?;
    Ok(convert::object(&object, mask))
}

fn get_transaction(
    chain: &LocalChain,
    digest: Option<&str>,
    mask: &FieldMaskTree,
) -> Result<sui_rpc::proto::sui::rpc::v2::ExecutedTransaction, Status> {
    let digest = convert::parse_digest("digest", digest)?;
    convert::stored_transaction(chain, &digest, mask)
        .map_err(store_status)?
        .ok_or_else(|| Status::not_found(format!("transaction {digest} was not executed on this chain")))
}

fn rpc_status(status: Status) -> RpcStatus {
    let mut message = RpcStatus::default();
    message.code = status.code() as i32;
    message.message = status.message().to_owned();
    message
}

fn check_batch(len: usize) -> Result<(), Status> {
    if len > MAX_BATCH_SIZE {
        return Err(Status::invalid_argument(format!(
            "{len} items requested; ask for at most {MAX_BATCH_SIZE} per call"
        )));
    }
    Ok(())
}

#[tonic::async_trait]
impl LedgerService for RpcService {
    async fn get_service_info(
        &self,
        _request: Request<GetServiceInfoRequest>,
    ) -> Result<Response<GetServiceInfoResponse>, Status> {
        let (height, timestamp_ms) = self.chain.latest_checkpoint_time();
        let mut info = GetServiceInfoResponse::default();
        info.chain_id = Some(self.chain.chain_id().to_string());
        info.chain = Some(super::CHAIN_NAME.to_owned());
        info.epoch = Some(SUI_EPOCH);
        info.checkpoint_height = Some(height);
        info.timestamp = Some(timestamp_ms_to_proto(timestamp_ms));
        info.lowest_available_checkpoint = Some(0);
        info.lowest_available_checkpoint_objects = Some(0);
        info.server = Some(SERVER_NAME.to_owned());
        Ok(self.respond(info))
    }

    async fn get_object(&self, request: Request<GetObjectRequest>) -> Result<Response<GetObjectResponse>, Status> {
        let request = request.into_inner();
        let mask = convert::mask(request.read_mask.as_ref(), OBJECT_MASK);
        let object =
            self.blocking(move |chain| get_object(chain, request.object_id.as_deref(), request.version, &mask)).await?;
        Ok(self.respond(GetObjectResponse::new(object)))
    }

    async fn batch_get_objects(
        &self,
        request: Request<BatchGetObjectsRequest>,
    ) -> Result<Response<BatchGetObjectsResponse>, Status> {
        let request = request.into_inner();
        check_batch(request.requests.len())?;
        let mask = convert::mask(request.read_mask.as_ref(), OBJECT_MASK);
        let objects = self
            .blocking(move |chain| {
                Ok(request
                    .requests
                    .iter()
                    .map(|r| match get_object(chain, r.object_id.as_deref(), r.version, &mask) {
                        Ok(object) => GetObjectResult::new_object(object),
                        Err(status) => GetObjectResult::new_error(rpc_status(status)),
                    })
                    .collect())
            })
            .await?;
        Ok(self.respond(BatchGetObjectsResponse::new(objects)))
    }

    async fn get_transaction(
        &self,
        request: Request<GetTransactionRequest>,
    ) -> Result<Response<GetTransactionResponse>, Status> {
        let request = request.into_inner();
        let mask = convert::mask(request.read_mask.as_ref(), TRANSACTION_MASK);
        let transaction = self.blocking(move |chain| get_transaction(chain, request.digest.as_deref(), &mask)).await?;
        Ok(self.respond(GetTransactionResponse::new(transaction)))
    }

    async fn batch_get_transactions(
        &self,
        request: Request<BatchGetTransactionsRequest>,
    ) -> Result<Response<BatchGetTransactionsResponse>, Status> {
        let request = request.into_inner();
        check_batch(request.digests.len())?;
        let mask = convert::mask(request.read_mask.as_ref(), TRANSACTION_MASK);
        let transactions = self
            .blocking(move |chain| {
                Ok(request
                    .digests
                    .iter()
                    .map(|digest| match get_transaction(chain, Some(digest), &mask) {
                        Ok(transaction) => GetTransactionResult::new_transaction(transaction),
                        Err(status) => GetTransactionResult::new_error(rpc_status(status)),
                    })
                    .collect())
            })
            .await?;
        Ok(self.respond(BatchGetTransactionsResponse::new(transactions)))
    }

    async fn get_checkpoint(
        &self,
        request: Request<GetCheckpointRequest>,
    ) -> Result<Response<GetCheckpointResponse>, Status> {
        let request = request.into_inner();
        let mask = convert::mask(request.read_mask.as_ref(), CHECKPOINT_MASK);
        let checkpoint = self
            .blocking(move |chain| {
                let stored = match &request.checkpoint_id {
                    Some(CheckpointId::SequenceNumber(sequence)) => {
                        chain.checkpoint(*sequence).map_err(store_status)?.ok_or_else(|| {
                            Status::not_found(format!(
                                "checkpoint {sequence} does not exist yet; the latest is {}",
                                chain.latest_checkpoint()
                            ))
                        })?
                    }
                    Some(CheckpointId::Digest(digest)) => {
                        let digest = convert::parse_digest("digest", Some(digest))?;
                        chain
                            .checkpoint_by_digest(&digest)
                            .map_err(store_status)?
                            .ok_or_else(|| Status::not_found(format!("no checkpoint has digest {digest}")))?
                            .1
                    }
                    // A oneof variant added after this server was written: treat as "latest".
                    Some(_) | None => {
                        let latest = chain.latest_checkpoint();
                        chain.checkpoint(latest).map_err(store_status)?.ok_or_else(|| {
                            Status::internal(format!("the latest checkpoint {latest} is missing from the store"))
                        })?
                    }
                };
                convert::checkpoint(chain, &stored, &mask).map_err(store_status)
            })
            .await?;
        Ok(self.respond(GetCheckpointResponse::new(checkpoint)))
    }

    async fn get_epoch(&self, request: Request<GetEpochRequest>) -> Result<Response<GetEpochResponse>, Status> {
        let request = request.into_inner();
        if let Some(epoch) = request.epoch
            && epoch != SUI_EPOCH
        {
            return Err(Status::not_found(format!(
                "Sui epoch {epoch} does not exist: the local chain stays in epoch {SUI_EPOCH} (Walrus epochs are in the System object)"
            )));
        }
        let mask = convert::mask(request.read_mask.as_ref(), EPOCH_MASK);
        let epoch = self.blocking(move |chain| convert::epoch(chain, &mask).map_err(store_status)).await?;
        Ok(self.respond(GetEpochResponse::new(epoch)))
    }
}
