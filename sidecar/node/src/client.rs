//! An HTTP client of the node API, used by other nodes (recovery, inconsistency attestations)
//! and by blob clients (upload, reads). Every answer that carries data is verified against the
//! blob id before it is returned, so a caller never sees bytes that do not belong to the blob.

use std::time::Duration;

use reqwest::StatusCode;
use walrus_core::{
    BlobCommitment, BlobId, CheckedSlivers, EncodingConfig, EncodingError, InconsistencyProof, RecoverySymbol,
    SliverKind, SliverPairMetadata, VerifiedRoots,
    messages::{BlobPersistence, SIGNATURE_BYTES},
    sliver::verify_sliver,
};

use crate::{
    storage::PairData,
    wire::{
        BlobStatusResponse, ErrorBody, HealthResponse, InconsistencyRequest, PersistenceQuery, PrimarySliversResponse,
        ShardPairsRequest, ShardPairsResponse, SignedMessage, SignedMessageJson, SliverResponse,
    },
};

/// Time to establish a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Time for a request that moves little data (metadata, status, symbols, attestations).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Time for an upload or a sliver read, which carry up to a node's share of a large blob.
pub const TRANSFER_TIMEOUT: Duration = Duration::from_secs(300);

/// Why a request to a node failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Build(String),
    /// The request did not complete (connection, timeout, body).
    #[error("request to {url} failed: {source}; the node may be down or slow, try another")]
    Transport {
        /// The URL.
        url: String,
        /// The transport error.
        source: reqwest::Error,
    },
    /// The node answered with an API error.
    #[error("node at {url} answered {status} {code}: {message}")]
    Api {
        /// The URL.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The API error code.
        code: String,
        /// The node's message.
        message: String,
    },
    /// The answer could not be decoded.
    #[error("node at {url} sent a malformed {what}: {reason}")]
    Malformed {
        /// The URL.
        url: String,
        /// What was decoded.
        what: &'static str,
        /// Why it failed.
        reason: String,
    },
    /// The answer does not verify against the blob id: the node is faulty or malicious.
    #[error("node at {url} sent {what} that does not verify: {source}; use another node")]
    Verification {
        /// The URL.
        url: String,
        /// What failed.
        what: &'static str,
        /// The verification error.
        source: EncodingError,
    },
}

impl ClientError {
    /// The API error code, if the node answered with one.
    pub fn api_code(&self) -> Option<&str> {
        match self {
            Self::Api { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// A sliver verified against its blob id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedSliver {
    /// The blob's commitment.
    pub commitment: BlobCommitment,
    /// The metadata of the sliver's pair.
    pub pair: SliverPairMetadata,
    /// Primary or secondary.
    pub kind: SliverKind,
    /// The sliver's index (`pair_index` for a primary sliver, `n - 1 - pair_index` for a
    /// secondary one).
    pub index: usize,
    /// The bytes.
    pub sliver: Vec<u8>,
}

/// A node's primary slivers of one blob, each checked against its pair's root, with the pairs.
#[derive(Debug)]
pub struct CheckedPrimarySlivers {
    /// The pairs' metadata, verified against the blob id.
    pub pairs: Vec<VerifiedPair>,
    /// The slivers, checked against those pairs' primary roots.
    pub slivers: CheckedSlivers<Vec<u8>>,
}

/// A sliver pair's metadata, verified against a blob id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedPair {
    /// The blob's commitment.
    pub commitment: BlobCommitment,
    /// The pair's metadata.
    pub pair: SliverPairMetadata,
}

/// Pairs of one shard fetched from a node, each verified against its blob id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FetchedShardPairs {
    /// The verified pairs with their blobs' commitments, in request order.
    pub verified: Vec<(BlobId, BlobCommitment, PairData)>,
    /// Pairs the node sent that do not verify (or were not asked for), with the reason.
    pub rejected: Vec<(BlobId, String)>,
    /// How many of the requested blobs the node looked at (a prefix of the request); the node
    /// does not hold the others of that prefix that are in neither list.
    pub examined: usize,
}

/// A client of one node.
#[derive(Clone, Debug)]
pub struct NodeClient {
    http: reqwest::Client,
    base_url: String,
}

impl NodeClient {
    /// A client of the node at `network_address` (`host:port`, or a full `http(s)://` URL).
    pub fn new(network_address: &str) -> Result<Self, ClientError> {
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .build()
            .map_err(|e| ClientError::Build(e.to_string()))?;
        Ok(Self::with_http(http, network_address))
    }

    /// A client sharing an existing `reqwest` client (connection pool).
    pub fn with_http(http: reqwest::Client, network_address: &str) -> Self {
        let base_url = if network_address.starts_with("http://") || network_address.starts_with("https://") {
            network_address.trim_end_matches('/').to_string()
        } else {
            format!("http://{network_address}")
        };
        Self { http, base_url }
    }

    /// The node's base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    async fn send(&self, request: reqwest::RequestBuilder, url: &str) -> Result<reqwest::Response, ClientError> {
        let response = request.send().await.map_err(|source| ClientError::Transport { url: url.into(), source })?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status();
        let body = response.bytes().await.unwrap_or_default();
        let (code, message) = match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(error) => (error.code, error.message),
            Err(_) => (
                status.canonical_reason().unwrap_or("error").to_lowercase().replace(' ', "_"),
                String::from_utf8_lossy(&body).into_owned(),
            ),
        };
        Err(ClientError::Api { url: url.into(), status: status.as_u16(), code, message })
    }

    async fn bytes(&self, request: reqwest::RequestBuilder, url: &str) -> Result<Vec<u8>, ClientError> {
        let response = self.send(request, url).await?;
        Ok(response.bytes().await.map_err(|source| ClientError::Transport { url: url.into(), source })?.to_vec())
    }

    async fn bcs<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        url: &str,
        what: &'static str,
    ) -> Result<T, ClientError> {
        let bytes = self.bytes(request, url).await?;
        bcs::from_bytes(&bytes).map_err(|e| ClientError::Malformed { url: url.into(), what, reason: e.to_string() })
    }

    async fn json<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        url: &str,
        what: &'static str,
    ) -> Result<T, ClientError> {
        let bytes = self.bytes(request, url).await?;
        serde_json::from_slice(&bytes).map_err(|e| ClientError::Malformed {
            url: url.into(),
            what,
            reason: e.to_string(),
        })
    }

    async fn signed(
        &self,
        request: reqwest::RequestBuilder,
        url: &str,
        what: &'static str,
    ) -> Result<SignedMessage, ClientError> {
        let json: SignedMessageJson = self.json(request, url, what).await?;
        SignedMessage::from_json(&json).map_err(|reason| ClientError::Malformed { url: url.into(), what, reason })
    }

    /// Uploads `body` (built with [`crate::wire::upload_body`]: the commitment and every pair of
    /// the node's shards) and returns the node's signed storage confirmation.
    pub async fn store_slivers(
        &self,
        blob_id: &BlobId,
        persistence: &BlobPersistence,
        body: impl Into<bytes::Bytes>,
    ) -> Result<SignedMessage, ClientError> {
        self.store_slivers_of_epoch(blob_id, persistence, None, body).await
    }

    /// [`Self::store_slivers`] with the body cut for the committee of `epoch`: a node that has
    /// not seen that epoch yet answers `committee_unknown` (retry), one already past it
    /// `wrong_epoch`, instead of refusing the pairs of another shard assignment.
    pub async fn store_slivers_of_epoch(
        &self,
        blob_id: &BlobId,
        persistence: &BlobPersistence,
        epoch: Option<u32>,
        body: impl Into<bytes::Bytes>,
    ) -> Result<SignedMessage, ClientError> {
        // `Bytes` so that retries resend the same buffer instead of copying the body.
        let body: bytes::Bytes = body.into();
        let url = self.url(&format!("/v1/blobs/{blob_id}/slivers"));
        let mut request = self.http.put(&url).query(&PersistenceQuery::from_persistence(persistence));
        if let Some(epoch) = epoch {
            request = request.query(&[("epoch", epoch)]);
        }
        let request = request
            .timeout(TRANSFER_TIMEOUT)
            .header(reqwest::header::CONTENT_TYPE, crate::api::BCS_CONTENT_TYPE)
            .body(body);
        self.signed(request, &url, "storage confirmation").await
    }

    /// A new signed confirmation for a blob the node already stores.
    pub async fn confirmation(
        &self,
        blob_id: &BlobId,
        persistence: &BlobPersistence,
    ) -> Result<SignedMessage, ClientError> {
        let url = self.url(&format!("/v1/blobs/{blob_id}/confirmation"));
        let request =
            self.http.get(&url).query(&PersistenceQuery::from_persistence(persistence)).timeout(REQUEST_TIMEOUT);
        self.signed(request, &url, "storage confirmation").await
    }

    /// The blob's commitment, verified against `blob_id`.
    pub async fn metadata(&self, blob_id: &BlobId) -> Result<BlobCommitment, ClientError> {
        let url = self.url(&format!("/v1/blobs/{blob_id}/metadata"));
        let commitment: BlobCommitment =
            self.bcs(self.http.get(&url).timeout(REQUEST_TIMEOUT), &url, "blob commitment").await?;
        commitment.verify(blob_id).map_err(|source| ClientError::Verification {
            url: url.clone(),
            what: "a commitment",
            source,
        })?;
        Ok(commitment)
    }

    /// One sliver with its pair metadata, verified against `blob_id`.
    pub async fn sliver(
        &self,
        blob_id: &BlobId,
        config: &EncodingConfig,
        pair_index: u16,
        kind: SliverKind,
    ) -> Result<VerifiedSliver, ClientError> {
        let url = self.url(&format!("/v1/blobs/{blob_id}/slivers/{pair_index}/{}", kind.name()));
        let response: SliverResponse =
            self.bcs(self.http.get(&url).timeout(TRANSFER_TIMEOUT), &url, "sliver response").await?;
        if response.kind != kind || response.pair.pair_index != pair_index {
            return Err(ClientError::Malformed {
                url,
                what: "sliver response",
                reason: "it is for another sliver than requested".into(),
            });
        }
        verify_pair_sliver(&url, blob_id, config, response.commitment, response.pair, kind, response.sliver)
    }

    /// Every primary sliver the node stores of `blob_id` with its pair metadata: the pairs
    /// verified against the blob id, the slivers checked against their roots as
    /// [`CheckedSlivers`], ready for [`walrus_core::decode_checked`] without hashing them again.
    /// The hashing runs on a blocking thread, so a reader checks one node's slivers while
    /// others are still arriving. A sliver that does not match fails the whole answer.
    pub async fn primary_slivers(
        &self,
        blob_id: &BlobId,
        config: &EncodingConfig,
    ) -> Result<CheckedPrimarySlivers, ClientError> {
        let url = self.url(&format!("/v1/blobs/{blob_id}/slivers/primary"));
        let response: PrimarySliversResponse =
            self.bcs(self.http.get(&url).timeout(TRANSFER_TIMEOUT), &url, "primary slivers").await?;
        let fail = |what: &'static str| {
            let url = url.clone();
            move |source| ClientError::Verification { url, what, source }
        };
        let commitment = response.commitment;
        commitment.verify(blob_id).map_err(fail("a commitment"))?;
        let mut roots = VerifiedRoots::new(*config, commitment);
        let mut pairs = Vec::with_capacity(response.slivers.len());
        let mut slivers = Vec::with_capacity(response.slivers.len());
        for (pair, sliver) in response.slivers {
            roots.insert(&pair).map_err(fail("pair metadata"))?;
            slivers.push((usize::from(pair.pair_index), sliver));
            pairs.push(VerifiedPair { commitment, pair });
        }
        let checked =
            tokio::task::spawn_blocking(move || CheckedSlivers::check(&roots, SliverKind::Primary, slivers, 1))
                .await
                .map_err(|e| ClientError::Malformed {
                    url: url.clone(),
                    what: "primary slivers",
                    reason: format!("checking them failed: {e}"),
                })?
                .map_err(fail("a sliver"))?;
        if let Some(&index) = checked.rejected().first() {
            return Err(fail("a sliver")(EncodingError::SliverMismatch { kind: SliverKind::Primary.name(), index }));
        }
        Ok(CheckedPrimarySlivers { pairs, slivers: checked })
    }

    /// The pair metadata of every primary sliver the node stores of `blob_id`, without the
    /// slivers, each verified against the blob id (the commitment, then the pair's proof).
    pub async fn primary_pair_metadata(
        &self,
        blob_id: &BlobId,
        config: &EncodingConfig,
    ) -> Result<Vec<VerifiedPair>, ClientError> {
        let url = self.url(&format!("/v1/blobs/{blob_id}/slivers/primary"));
        let request = self.http.get(&url).query(&[("metadata_only", "true")]).timeout(REQUEST_TIMEOUT);
        let response: PrimarySliversResponse = self.bcs(request, &url, "primary pair metadata").await?;
        let fail = |what: &'static str| {
            let url = url.clone();
            move |source| ClientError::Verification { url, what, source }
        };
        response.commitment.verify(blob_id).map_err(fail("a commitment"))?;
        response
            .slivers
            .into_iter()
            .map(|(pair, _)| {
                pair.verify(config, &response.commitment).map_err(fail("pair metadata"))?;
                Ok(VerifiedPair { commitment: response.commitment, pair })
            })
            .collect()
    }

    /// Recovery symbols of all the node's slivers of `blob_id`: from each primary sliver the
    /// symbols at `from_primary` (targets: secondary slivers), from each secondary sliver those at
    /// `from_secondary` (targets: primary slivers). Not verified here: callers verify each
    /// against the commitment (`RecoverySymbol::verify`), which recovery does anyway.
    pub async fn recovery_symbols(
        &self,
        blob_id: &BlobId,
        from_primary: &[u16],
        from_secondary: &[u16],
    ) -> Result<Vec<RecoverySymbol>, ClientError> {
        let url = self.url(&format!("/v1/blobs/{blob_id}/recovery"));
        let join = |v: &[u16]| v.iter().map(u16::to_string).collect::<Vec<_>>().join(",");
        let request = self
            .http
            .get(&url)
            .query(&[("from_primary", join(from_primary)), ("from_secondary", join(from_secondary))])
            .timeout(REQUEST_TIMEOUT);
        self.bcs(request, &url, "recovery symbols").await
    }

    /// Recovery symbols of one sliver of the node: sliver `kind` of pair `pair_index`, at
    /// positions `targets`.
    pub async fn recovery_symbols_of(
        &self,
        blob_id: &BlobId,
        pair_index: u16,
        kind: SliverKind,
        targets: &[u16],
    ) -> Result<Vec<RecoverySymbol>, ClientError> {
        let url = self.url(&format!("/v1/blobs/{blob_id}/recovery/{pair_index}/{}", kind.name()));
        let target = targets.iter().map(u16::to_string).collect::<Vec<_>>().join(",");
        self.bcs(self.http.get(&url).query(&[("target", target)]).timeout(REQUEST_TIMEOUT), &url, "recovery symbols")
            .await
    }

    /// Sends an inconsistency proof; returns the node's signed invalid-blob attestation.
    pub async fn send_inconsistency_proof(
        &self,
        blob_id: &BlobId,
        commitment: &BlobCommitment,
        proof: &InconsistencyProof,
    ) -> Result<SignedMessage, ClientError> {
        let url = self.url("/v1/inconsistency");
        let body =
            bcs::to_bytes(&InconsistencyRequest { blob_id: *blob_id, commitment: *commitment, proof: proof.clone() })
                .expect("requests serialize");
        let request = self
            .http
            .post(&url)
            .timeout(REQUEST_TIMEOUT)
            .header(reqwest::header::CONTENT_TYPE, crate::api::BCS_CONTENT_TYPE)
            .body(body);
        self.signed(request, &url, "invalid-blob attestation").await
    }

    /// The inconsistency proof the node keeps for `blob_id`, if any.
    pub async fn inconsistency_proof(&self, blob_id: &BlobId) -> Result<Option<InconsistencyRequest>, ClientError> {
        let url = self.url(&format!("/v1/blobs/{blob_id}/inconsistency"));
        match self.bcs(self.http.get(&url).timeout(REQUEST_TIMEOUT), &url, "inconsistency proof").await {
            Ok(proof) => Ok(Some(proof)),
            Err(ClientError::Api { status, .. }) if status == StatusCode::NOT_FOUND.as_u16() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The node's view of `blob_id`.
    pub async fn status(&self, blob_id: &BlobId) -> Result<BlobStatusResponse, ClientError> {
        let url = self.url(&format!("/v1/blobs/{blob_id}/status"));
        self.json(self.http.get(&url).timeout(REQUEST_TIMEOUT), &url, "blob status").await
    }

    /// The pairs of shard `shard` of `blob_ids` (the shard handover: the new holder asks the
    /// previous one), each verified against its blob id: the commitment hashes to the blob id, the
    /// pair is the shard's and proves against the commitment, both slivers match their roots.
    pub async fn shard_pairs(
        &self,
        shard: u16,
        blob_ids: &[BlobId],
        config: &EncodingConfig,
    ) -> Result<FetchedShardPairs, ClientError> {
        let url = self.url(&format!("/v1/shards/{shard}/pairs"));
        let body = bcs::to_bytes(&ShardPairsRequest { blob_ids: blob_ids.to_vec() }).expect("requests serialize");
        let request = self
            .http
            .post(&url)
            .timeout(TRANSFER_TIMEOUT)
            .header(reqwest::header::CONTENT_TYPE, crate::api::BCS_CONTENT_TYPE)
            .body(body);
        let response: ShardPairsResponse = self.bcs(request, &url, "shard pairs").await?;
        let examined = usize::try_from(response.examined).unwrap_or(usize::MAX);
        if examined > blob_ids.len() || (examined == 0 && !blob_ids.is_empty()) {
            return Err(ClientError::Malformed {
                url,
                what: "shard pairs",
                reason: format!("it examined {examined} of {} requested blobs", blob_ids.len()),
            });
        }
        let mut fetched = FetchedShardPairs { examined, ..FetchedShardPairs::default() };
        let asked = &blob_ids[..examined];
        for entry in response.pairs {
            let blob_id = entry.blob_id;
            if !asked.contains(&blob_id) {
                fetched.rejected.push((blob_id, "a blob that was not asked for".into()));
                continue;
            }
            if entry.pair.pair_index != shard {
                fetched.rejected.push((blob_id, format!("pair {} instead of {shard}", entry.pair.pair_index)));
                continue;
            }
            let primary = verify_pair_sliver(
                &url,
                &blob_id,
                config,
                entry.commitment,
                entry.pair.clone(),
                SliverKind::Primary,
                entry.primary,
            );
            let secondary = primary.and_then(|primary| {
                verify_pair_sliver(
                    &url,
                    &blob_id,
                    config,
                    entry.commitment,
                    entry.pair.clone(),
                    SliverKind::Secondary,
                    entry.secondary,
                )
                .map(|secondary| (primary, secondary))
            });
            match secondary {
                Ok((primary, secondary)) => fetched.verified.push((
                    blob_id,
                    entry.commitment,
                    PairData { metadata: entry.pair, primary: primary.sliver, secondary: secondary.sliver },
                )),
                Err(e) => fetched.rejected.push((blob_id, e.to_string())),
            }
        }
        Ok(fetched)
    }

    /// The node's answer to the storage challenge of `epoch` (`GET /v1/challenges/{epoch}`),
    /// refused as malformed if its body exceeds `max_bytes` (the caller knows the largest honest
    /// answer from the samples). Not verified here: `crate::challenge` checks every sample.
    pub async fn challenge_answer(
        &self,
        epoch: u32,
        max_bytes: usize,
    ) -> Result<crate::challenge::ChallengeAnswer, ClientError> {
        let url = self.url(&format!("/v1/challenges/{epoch}"));
        let mut response = self.send(self.http.get(&url).timeout(REQUEST_TIMEOUT), &url).await?;
        let too_large = |length: usize| ClientError::Malformed {
            url: url.clone(),
            what: "challenge answer",
            reason: format!("{length} bytes or more, but an answer to its samples has at most {max_bytes}"),
        };
        let mut body = Vec::new();
        while let Some(chunk) =
            response.chunk().await.map_err(|source| ClientError::Transport { url: url.clone(), source })?
        {
            if body.len() + chunk.len() > max_bytes {
                return Err(too_large(body.len() + chunk.len()));
            }
            body.extend_from_slice(&chunk);
        }
        bcs::from_bytes(&body).map_err(|e| ClientError::Malformed {
            url: url.clone(),
            what: "challenge answer",
            reason: e.to_string(),
        })
    }

    /// The node's health.
    pub async fn health(&self) -> Result<HealthResponse, ClientError> {
        let url = self.url("/v1/health");
        self.json(self.http.get(&url).timeout(REQUEST_TIMEOUT), &url, "health").await
    }

    /// The node's metrics in Prometheus text format.
    pub async fn metrics(&self) -> Result<String, ClientError> {
        let url = self.url("/metrics");
        let bytes = self.bytes(self.http.get(&url).timeout(REQUEST_TIMEOUT), &url).await?;
        String::from_utf8(bytes).map_err(|e| ClientError::Malformed { url, what: "metrics", reason: e.to_string() })
    }
}

/// Verifies a sliver served with its pair metadata and commitment against `blob_id`.
fn verify_pair_sliver(
    url: &str,
    blob_id: &BlobId,
    config: &EncodingConfig,
    commitment: BlobCommitment,
    pair: SliverPairMetadata,
    kind: SliverKind,
    sliver: Vec<u8>,
) -> Result<VerifiedSliver, ClientError> {
    let fail = |what: &'static str| move |source| ClientError::Verification { url: url.into(), what, source };
    commitment.verify(blob_id).map_err(fail("a commitment"))?;
    pair.verify(config, &commitment).map_err(fail("pair metadata"))?;
    let layout = config.layout(commitment.unencoded_size_bytes).map_err(fail("a commitment"))?;
    let pair_index = usize::from(pair.pair_index);
    let (index, root) = match kind {
        SliverKind::Primary => (pair_index, pair.roots.primary),
        SliverKind::Secondary => (config.secondary_index_of_pair(pair_index), pair.roots.secondary),
    };
    verify_sliver(&layout, kind, index, &sliver, &root).map_err(fail("a sliver"))?;
    Ok(VerifiedSliver { commitment, pair, kind, index, sliver })
}

/// Checks a signed message's BLS signature under `public_key` and its bytes against
/// `expected_message`.
pub fn verify_signed(
    signed: &SignedMessage,
    public_key: &[u8; walrus_core::messages::PUBLIC_KEY_BYTES],
    expected_message: &[u8],
) -> bool {
    signed.message == expected_message
        && signed.signature.len() == SIGNATURE_BYTES
        && walrus_core::messages::verify(public_key, &signed.message, &signed.signature)
}
