//! The bytes on the wire between clients and nodes (`docs/node.md`, "Wire formats"): the
//! framed upload body, and the request and response bodies of the API.
//!
//! Upload body: the magic `WNS1`, then frames `tag (u8) ++ length (u32 LE) ++ payload`: first
//! the commitment, then for every pair the node holds, in ascending pair order, the pair's
//! metadata, its primary sliver and its secondary sliver. Each frame's length is known before
//! its payload, and once the commitment is read every later frame's length is bounded by the
//! blob's layout, so the node parses and verifies the body while it streams in.

use base64::{Engine as _, engine::general_purpose::STANDARD as BASE64};
use serde::{Deserialize, Serialize};
use walrus_core::{
    BlobCommitment, BlobId, EncodedBlob, EncodingConfig, SliverKind, SliverPairMetadata,
    config::BlobLayout,
    messages::{BlobPersistence, SIGNATURE_BYTES},
};

use crate::storage::PairData;

/// The first bytes of an upload body (format version 1).
pub const UPLOAD_MAGIC: [u8; 4] = *b"WNS1";
/// Bytes of a frame header: tag and length.
pub const FRAME_HEADER_BYTES: usize = 5;
/// Frame tag of the blob commitment (BCS `BlobCommitment`).
pub const TAG_COMMITMENT: u8 = 1;
/// Frame tag of a pair's metadata (BCS `SliverPairMetadata`).
pub const TAG_PAIR_METADATA: u8 = 2;
/// Frame tag of a primary sliver.
pub const TAG_PRIMARY_SLIVER: u8 = 3;
/// Frame tag of a secondary sliver.
pub const TAG_SECONDARY_SLIVER: u8 = 4;
/// BCS bytes of a `BlobCommitment`: encoding type, size, root.
pub const COMMITMENT_BYTES: usize = 1 + 8 + 32;

/// Why an upload body could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The body does not start with [`UPLOAD_MAGIC`].
    #[error(
        "the upload body does not start with the magic bytes `WNS1`; build it with `walrus_node::wire::upload_body`"
    )]
    BadMagic,
    /// A frame has the wrong tag for its position.
    #[error("frame {index} has tag {tag}, expected {expected} ({what}); frames must follow the order in docs/node.md")]
    UnexpectedFrame {
        /// Frame number (0 is the commitment).
        index: usize,
        /// The tag found.
        tag: u8,
        /// The tag expected.
        expected: u8,
        /// What was expected.
        what: &'static str,
    },
    /// A frame is longer than its content can be.
    #[error("frame {index} ({what}) declares {length} bytes, but at most {max} fit this blob's layout")]
    FrameTooLong {
        /// Frame number.
        index: usize,
        /// What the frame holds.
        what: &'static str,
        /// The declared length.
        length: usize,
        /// The largest admissible length.
        max: usize,
    },
    /// The body ended inside a frame, or before every pair was sent.
    #[error("the upload body ended early: {0}")]
    Truncated(String),
    /// Bytes follow the last expected frame.
    #[error("the upload body has {0} bytes after the last pair's frames; send exactly the pairs of this node's shards")]
    TrailingBytes(usize),
    /// A payload is not valid BCS of its type.
    #[error("frame {index} is not a valid {what}: {reason}")]
    Malformed {
        /// Frame number.
        index: usize,
        /// What it should hold.
        what: &'static str,
        /// The decoder's message.
        reason: String,
    },
}

/// Bytes of a BCS `SliverPairMetadata` for `n` shards: pair index (2), two roots (64), the
/// proof's length (ULEB128) and its digests.
pub fn pair_metadata_bytes(config: &EncodingConfig) -> usize {
    let depth = config.pair_tree_depth();
    2 + 64 + uleb128_len(depth) + 32 * depth
}

fn uleb128_len(mut value: usize) -> usize {
    let mut len = 1;
    while value >= 0x80 {
        value >>= 7;
        len += 1;
    }
    len
}

/// The exact size of an upload body carrying `pair_count` pairs of a blob with `layout`.
pub fn upload_body_bytes(layout: &BlobLayout, pair_count: usize) -> u64 {
    let per_pair = 3 * FRAME_HEADER_BYTES
        + pair_metadata_bytes(layout.config())
        + layout.primary_sliver_bytes()
        + layout.secondary_sliver_bytes();
    (UPLOAD_MAGIC.len() + FRAME_HEADER_BYTES + COMMITMENT_BYTES) as u64 + pair_count as u64 * per_pair as u64
}

fn push_frame(out: &mut Vec<u8>, tag: u8, payload: &[u8]) {
    push_frame_with(out, tag, payload.len(), |out| out.extend_from_slice(payload));
}

/// Pushes a frame whose `len`-byte payload `write` appends in place.
fn push_frame_with(out: &mut Vec<u8>, tag: u8, len: usize, write: impl FnOnce(&mut Vec<u8>)) {
    out.push(tag);
    out.extend_from_slice(&u32::try_from(len).expect("frames are below 4 GiB").to_le_bytes());
    let start = out.len();
    write(out);
    assert_eq!(out.len() - start, len, "a frame's payload has the length its header announces");
}

/// The magic bytes and the commitment frame that open every upload body.
fn push_body_start(out: &mut Vec<u8>, commitment: &BlobCommitment) {
    out.extend_from_slice(&UPLOAD_MAGIC);
    push_frame(out, TAG_COMMITMENT, &bcs::to_bytes(commitment).expect("commitment serializes"));
}

/// Builds an upload body from a commitment and the pairs `(metadata, primary, secondary)`,
/// which must be given in ascending pair order.
pub fn upload_body<'a>(
    commitment: &BlobCommitment,
    pairs: impl IntoIterator<Item = (&'a SliverPairMetadata, &'a [u8], &'a [u8])>,
) -> Vec<u8> {
    let mut out = Vec::new();
    push_body_start(&mut out, commitment);
    for (metadata, primary, secondary) in pairs {
        push_frame(&mut out, TAG_PAIR_METADATA, &bcs::to_bytes(metadata).expect("metadata serializes"));
        push_frame(&mut out, TAG_PRIMARY_SLIVER, primary);
        push_frame(&mut out, TAG_SECONDARY_SLIVER, secondary);
    }
    out
}

/// The upload body for the pairs `pair_indices` of an encoded blob (written in ascending order,
/// each once, whatever order they come in), in one allocation of its exact size; each sliver is
/// copied once, straight from the encoding (a source secondary sliver from the blob's columns).
pub fn upload_body_for(encoded: &EncodedBlob<'_>, pair_indices: impl IntoIterator<Item = u16>) -> Vec<u8> {
    let mut pairs: Vec<usize> = pair_indices.into_iter().map(usize::from).collect();
    pairs.sort_unstable();
    pairs.dedup();
    let layout = encoded.layout();
    let bytes = usize::try_from(upload_body_bytes(layout, pairs.len())).expect("an upload body fits in memory");
    let mut out = Vec::with_capacity(bytes);
    push_body_start(&mut out, &encoded.metadata().commitment);
    for p in pairs {
        push_frame(
            &mut out,
            TAG_PAIR_METADATA,
            &bcs::to_bytes(&encoded.pair_metadata(p)).expect("metadata serializes"),
        );
        push_frame_with(&mut out, TAG_PRIMARY_SLIVER, layout.primary_sliver_bytes(), |out| {
            encoded.append_primary_sliver(p, out);
        });
        let secondary = layout.config().secondary_index_of_pair(p);
        push_frame_with(&mut out, TAG_SECONDARY_SLIVER, layout.secondary_sliver_bytes(), |out| {
            encoded.append_secondary_sliver(secondary, out);
        });
    }
    debug_assert_eq!(out.len(), bytes, "upload_body_bytes is exact");
    out
}

/// A parsed piece of an upload body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UploadPart {
    /// The commitment (first).
    Commitment(BlobCommitment),
    /// One complete pair (metadata and both slivers), not yet verified.
    Pair(PairData),
}

/// An incremental parser of an upload body: feed it chunks as they arrive; it returns every
/// part completed so far and checks each frame's length before buffering its payload.
pub struct UploadParser {
    layout: BlobLayout,
    expected_pairs: usize,
    buffer: Vec<u8>,
    magic_seen: bool,
    frames_read: usize,
    pairs_done: usize,
    pending_metadata: Option<SliverPairMetadata>,
    pending_primary: Option<Vec<u8>>,
}

impl UploadParser {
    /// A parser for a body of `expected_pairs` pairs of a blob with `layout` (from the blob's
    /// registered size).
    pub fn new(layout: BlobLayout, expected_pairs: usize) -> Self {
        Self {
            layout,
            expected_pairs,
            buffer: Vec::new(),
            magic_seen: false,
            frames_read: 0,
            pairs_done: 0,
            pending_metadata: None,
            pending_primary: None,
        }
    }

    /// The tag, description and maximum length of the next frame.
    fn next_frame(&self) -> Option<(u8, &'static str, usize)> {
        if self.frames_read == 0 {
            return Some((TAG_COMMITMENT, "blob commitment", COMMITMENT_BYTES));
        }
        if self.pairs_done == self.expected_pairs {
            return None;
        }
        Some(match (self.frames_read - 1) % 3 {
            0 => (TAG_PAIR_METADATA, "sliver pair metadata", pair_metadata_bytes(self.layout.config())),
            1 => (TAG_PRIMARY_SLIVER, "primary sliver", self.layout.primary_sliver_bytes()),
            _ => (TAG_SECONDARY_SLIVER, "secondary sliver", self.layout.secondary_sliver_bytes()),
        })
    }

    /// Consumes `chunk`; returns the parts it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<Vec<UploadPart>, WireError> {
        self.buffer.extend_from_slice(chunk);
        let mut parts = Vec::new();
        let mut offset = 0;
        if !self.magic_seen {
            if self.buffer.len() < UPLOAD_MAGIC.len() {
                return Ok(parts);
            }
            if self.buffer[..UPLOAD_MAGIC.len()] != UPLOAD_MAGIC {
                return Err(WireError::BadMagic);
            }
            self.magic_seen = true;
            offset = UPLOAD_MAGIC.len();
        }
        loop {
            let available = &self.buffer[offset..];
            let Some((expected, what, max)) = self.next_frame() else {
                if !available.is_empty() {
                    return Err(WireError::TrailingBytes(available.len()));
                }
                break;
            };
            if available.len() < FRAME_HEADER_BYTES {
                break;
            }
            let tag = available[0];
            let index = self.frames_read;
            if tag != expected {
                return Err(WireError::UnexpectedFrame { index, tag, expected, what });
            }
            let length = u32::from_le_bytes(available[1..5].try_into().expect("4 bytes")) as usize;
            if length > max {
                return Err(WireError::FrameTooLong { index, what, length, max });
            }
            if available.len() < FRAME_HEADER_BYTES + length {
                break;
            }
            let payload = available[FRAME_HEADER_BYTES..FRAME_HEADER_BYTES + length].to_vec();
            offset += FRAME_HEADER_BYTES + length;
            self.frames_read += 1;
            let malformed = |reason: String| WireError::Malformed { index, what, reason };
            match tag {
                TAG_COMMITMENT => {
                    parts.push(UploadPart::Commitment(bcs::from_bytes(&payload).map_err(|e| malformed(e.to_string()))?))
                }
                TAG_PAIR_METADATA => {
                    self.pending_metadata = Some(bcs::from_bytes(&payload).map_err(|e| malformed(e.to_string()))?)
                }
                TAG_PRIMARY_SLIVER => self.pending_primary = Some(payload),
                _ => {
                    let metadata = self.pending_metadata.take().expect("frame order enforced");
                    let primary = self.pending_primary.take().expect("frame order enforced");
                    self.pairs_done += 1;
                    parts.push(UploadPart::Pair(PairData { metadata, primary, secondary: payload }));
                }
            }
        }
        self.buffer.drain(..offset);
        Ok(parts)
    }

    /// Checks that the body ended exactly after the last expected frame.
    pub fn finish(&self) -> Result<(), WireError> {
        if !self.magic_seen {
            return Err(WireError::Truncated("the magic bytes are missing".into()));
        }
        if self.next_frame().is_some() {
            return Err(WireError::Truncated(format!(
                "got {} of {} pairs (and {} buffered bytes); every pair of the node's shards must be sent",
                self.pairs_done,
                self.expected_pairs,
                self.buffer.len()
            )));
        }
        Ok(())
    }
}

/// `persistence` and `object_id` query parameters of the upload and confirmation routes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersistenceQuery {
    /// `permanent` (default) or `deletable`.
    pub persistence: Option<String>,
    /// The Blob object id (`0x` + 64 hex digits), required for `deletable`.
    pub object_id: Option<String>,
}

impl PersistenceQuery {
    /// The query for `persistence`.
    pub fn from_persistence(persistence: &BlobPersistence) -> Self {
        match persistence {
            BlobPersistence::Permanent => Self { persistence: Some("permanent".into()), object_id: None },
            BlobPersistence::Deletable { object_id } => {
                Self { persistence: Some("deletable".into()), object_id: Some(format!("0x{}", hex::encode(object_id))) }
            }
        }
    }

    /// Parses the query.
    pub fn parse(&self) -> Result<BlobPersistence, String> {
        match self.persistence.as_deref().unwrap_or("permanent") {
            "permanent" => match &self.object_id {
                None => Ok(BlobPersistence::Permanent),
                Some(_) => Err("object_id is only allowed with persistence=deletable".into()),
            },
            "deletable" => {
                let text =
                    self.object_id.as_deref().ok_or("persistence=deletable needs object_id=0x<64 hex digits>")?;
                Ok(BlobPersistence::Deletable { object_id: parse_object_id(text)? })
            }
            other => Err(format!("persistence must be `permanent` or `deletable`, not `{other}`")),
        }
    }
}

/// Parses `0x` + 64 hex digits (the `0x` is optional).
pub fn parse_object_id(text: &str) -> Result<[u8; 32], String> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    let bytes = hex::decode(digits).map_err(|e| format!("object id `{text}` is not hex: {e}"))?;
    bytes.try_into().map_err(|b: Vec<u8>| format!("object id has {} bytes, expected 32 (64 hex digits)", b.len()))
}

/// A signed message as the API returns it: a storage confirmation or an invalid-blob attestation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedMessageJson {
    /// The epoch the message was signed for.
    pub epoch: u32,
    /// Standard base64 of the 96-byte BLS signature.
    pub signature: String,
    /// Standard base64 of the signed message bytes (`docs/chain.md` §5).
    pub message: String,
}

/// A decoded [`SignedMessageJson`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedMessage {
    /// The epoch the message was signed for.
    pub epoch: u32,
    /// The BLS signature.
    pub signature: [u8; SIGNATURE_BYTES],
    /// The signed bytes.
    pub message: Vec<u8>,
}

impl SignedMessage {
    /// The JSON form.
    pub fn to_json(&self) -> SignedMessageJson {
        SignedMessageJson {
            epoch: self.epoch,
            signature: BASE64.encode(self.signature),
            message: BASE64.encode(&self.message),
        }
    }

    /// Decodes the JSON form.
    pub fn from_json(json: &SignedMessageJson) -> Result<Self, String> {
        let signature = BASE64.decode(&json.signature).map_err(|e| format!("signature is not base64: {e}"))?;
        let signature = signature
            .try_into()
            .map_err(|s: Vec<u8>| format!("signature has {} bytes, expected {SIGNATURE_BYTES}", s.len()))?;
        let message = BASE64.decode(&json.message).map_err(|e| format!("message is not base64: {e}"))?;
        Ok(Self { epoch: json.epoch, signature, message })
    }
}

/// `GET /v1/blobs/{blob_id}/slivers/{pair_index}/{kind}` (BCS): the sliver with what a reader
/// needs to verify it against the blob id alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SliverResponse {
    /// The blob's commitment (hashes to the blob id).
    pub commitment: BlobCommitment,
    /// The metadata of the pair holding the sliver (proven against the commitment's root).
    pub pair: SliverPairMetadata,
    /// Primary or secondary.
    pub kind: SliverKind,
    /// The sliver's bytes.
    #[serde(with = "byte_vec")]
    pub sliver: Vec<u8>,
}

/// `GET /v1/blobs/{blob_id}/slivers/primary` (BCS): every primary sliver the node holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimarySliversResponse {
    /// The blob's commitment.
    pub commitment: BlobCommitment,
    /// `(pair metadata, primary sliver)` for each of the node's pairs, ascending.
    #[serde(with = "pairs_with_slivers")]
    pub slivers: Vec<(SliverPairMetadata, Vec<u8>)>,
}

/// A byte vector as serde bytes. BCS writes both a `Vec<u8>` sequence and bytes as a ULEB128
/// length and the bytes, so the wire format is the same; but as a sequence `bcs` serializes and
/// parses one call per byte, which was ~8% of a 64 MiB read's CPU time
/// (`walrus bench network`, `perf`). As bytes it is one copy.
pub(crate) mod byte_vec {
    use serde::{Deserializer, Serializer, de};

    /// Writes `bytes` with `serialize_bytes`.
    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(bytes)
    }

    /// Reads bytes written by [`serialize`] (or a sequence of `u8`, as self-describing formats
    /// may give).
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        deserializer.deserialize_byte_buf(ByteVec)
    }

    struct ByteVec;

    impl<'de> de::Visitor<'de> for ByteVec {
        type Value = Vec<u8>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("bytes")
        }

        fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Vec<u8>, E> {
            Ok(bytes.to_vec())
        }

        fn visit_byte_buf<E: de::Error>(self, bytes: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(bytes)
        }

        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
            let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
            while let Some(byte) = seq.next_element()? {
                bytes.push(byte);
            }
            Ok(bytes)
        }
    }
}

/// `Vec<(SliverPairMetadata, Vec<u8>)>` with each sliver as [`byte_vec`] (same BCS bytes).
mod pairs_with_slivers {
    use serde::{Deserialize, Deserializer, Serialize, Serializer, ser::SerializeSeq};
    use walrus_core::SliverPairMetadata;

    /// A tuple struct has a tuple's BCS layout.
    #[derive(Serialize)]
    struct Borrowed<'a>(&'a SliverPairMetadata, #[serde(with = "super::byte_vec")] &'a [u8]);

    #[derive(Deserialize)]
    struct Owned(SliverPairMetadata, #[serde(with = "super::byte_vec")] Vec<u8>);

    pub fn serialize<S: Serializer>(pairs: &[(SliverPairMetadata, Vec<u8>)], serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(pairs.len()))?;
        for (pair, sliver) in pairs {
            seq.serialize_element(&Borrowed(pair, sliver))?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<(SliverPairMetadata, Vec<u8>)>, D::Error> {
        let owned = Vec::<Owned>::deserialize(deserializer)?;
        Ok(owned.into_iter().map(|Owned(pair, sliver)| (pair, sliver)).collect())
    }
}

/// `POST /v1/inconsistency` (BCS): a proof that `blob_id` was encoded inconsistently.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InconsistencyRequest {
    /// The blob.
    pub blob_id: BlobId,
    /// Its commitment (must hash to `blob_id`).
    pub commitment: BlobCommitment,
    /// The proof.
    pub proof: walrus_core::InconsistencyProof,
}

/// `GET /v1/blobs/{blob_id}/status` (JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobStatusResponse {
    /// The blob id.
    pub blob_id: String,
    /// The epoch the status is for.
    pub epoch: u32,
    /// `nonexistent`, `registered`, `certified` or `invalid`.
    pub status: crate::state::BlobStatusKind,
    /// The latest end epoch of the live registrations.
    pub end_epoch: Option<u32>,
    /// Every registration the node knows.
    pub registrations: Vec<RegistrationJson>,
    /// The node's pairs (shards) whose slivers it stores.
    pub stored_pairs: Vec<u16>,
    /// The node's pairs it should hold but lacks.
    pub missing_pairs: Vec<u16>,
}

/// One registration in a [`BlobStatusResponse`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationJson {
    /// The Blob object id, `0x` + hex.
    pub object_id: String,
    /// End epoch (exclusive).
    pub end_epoch: u32,
    /// Deletable or permanent.
    pub deletable: bool,
    /// Epoch of certification.
    pub certified_epoch: Option<u32>,
    /// Deleted by its owner.
    pub deleted: bool,
}

/// `GET /v1/health` (JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthResponse {
    /// `ok`.
    pub status: String,
    /// The node's id, `0x` + hex.
    pub node_id: String,
    /// Base64 of the node's 48-byte BLS public key.
    pub public_key: String,
    /// The current epoch, if the committee is known.
    pub epoch: Option<u32>,
    /// The shards the node holds in the current committee.
    pub shards: Vec<u16>,
    /// The last applied event, `checkpoint/transaction/event`.
    pub event_cursor: Option<String>,
}

/// An API error body (JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable machine-readable code (`docs/node.md`).
    pub code: String,
    /// What was wrong and what to do.
    pub message: String,
}

/// `POST /v1/shards/{shard}/pairs` (BCS): the blobs whose pair of `shard` a node taking the shard
/// over asks the shard's previous holder for (at most `api::MAX_SHARD_PAIRS_PER_REQUEST`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardPairsRequest {
    /// The blobs, in the order the answer follows.
    pub blob_ids: Vec<BlobId>,
}

/// One blob's pair of a shard, with what the receiver verifies it against the blob id with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardPair {
    /// The blob.
    pub blob_id: BlobId,
    /// Its commitment (hashes to `blob_id`).
    pub commitment: BlobCommitment,
    /// The pair's metadata (`pair_index` is the shard).
    pub pair: SliverPairMetadata,
    /// Primary sliver `pair_index`.
    #[serde(with = "byte_vec")]
    pub primary: Vec<u8>,
    /// Secondary sliver `n - 1 - pair_index`.
    #[serde(with = "byte_vec")]
    pub secondary: Vec<u8>,
}

/// Answer to [`ShardPairsRequest`] (BCS): the stored pairs of the first `examined` requested
/// blobs, in request order (a blob the node does not store, or no longer holds live, is left
/// out). `examined` is less than the request's length when the answer reached its size bound:
/// ask again for the rest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardPairsResponse {
    /// The pairs found.
    pub pairs: Vec<ShardPair>,
    /// How many of the requested blobs were looked at.
    pub examined: u32,
}

#[cfg(test)]
mod tests {
    use walrus_core::encode;

    use super::*;

    /// Slivers as serde bytes keep the BCS layout of `Vec<u8>`: old and new peers interoperate.
    #[test]
    fn slivers_as_bytes_have_the_bcs_layout_of_byte_vectors() {
        let config = EncodingConfig::new(7).unwrap();
        let data: Vec<u8> = (0..5000u32).map(|i| (i * 13) as u8).collect();
        let encoded = encode(&config, &data, 1).unwrap();
        let slivers: Vec<(SliverPairMetadata, Vec<u8>)> =
            (0..3).map(|p| (encoded.pair_metadata(p), encoded.primary_sliver(p).to_vec())).collect();
        let response = PrimarySliversResponse { commitment: encoded.metadata().commitment, slivers: slivers.clone() };
        let bytes = bcs::to_bytes(&response).unwrap();
        assert_eq!(bytes, bcs::to_bytes(&(encoded.metadata().commitment, &slivers)).unwrap());
        assert_eq!(bcs::from_bytes::<PrimarySliversResponse>(&bytes).unwrap(), response);

        let (pair, kind) = (encoded.pair_metadata(1), SliverKind::Primary);
        let single = SliverResponse {
            commitment: encoded.metadata().commitment,
            pair: pair.clone(),
            kind,
            sliver: encoded.primary_sliver(1).to_vec(),
        };
        let bytes = bcs::to_bytes(&single).unwrap();
        assert_eq!(bytes, bcs::to_bytes(&(single.commitment, &pair, kind, &single.sliver)).unwrap());
        assert_eq!(bcs::from_bytes::<SliverResponse>(&bytes).unwrap(), single);
        // JSON, a self-describing format, reads bytes written as a sequence too.
        let json = serde_json::to_string(&single).unwrap();
        assert_eq!(serde_json::from_str::<SliverResponse>(&json).unwrap(), single);
    }

    #[test]
    fn a_body_parses_back_in_any_chunking_and_has_the_predicted_size() {
        let config = EncodingConfig::new(7).unwrap();
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
        let encoded = encode(&config, &data, 1).unwrap();
        let body = upload_body_for(&encoded, [2, 3]);
        assert_eq!(body.len() as u64, upload_body_bytes(encoded.layout(), 2));
        for chunk in [1, 7, 64, body.len()] {
            let mut parser = UploadParser::new(*encoded.layout(), 2);
            let mut parts = Vec::new();
            for piece in body.chunks(chunk) {
                parts.extend(parser.feed(piece).unwrap());
            }
            parser.finish().unwrap();
            assert_eq!(parts.len(), 3);
            assert_eq!(parts[0], UploadPart::Commitment(encoded.metadata().commitment));
            let UploadPart::Pair(pair) = &parts[2] else { panic!("expected a pair") };
            assert_eq!(pair.metadata, encoded.pair_metadata(3));
            assert_eq!(pair.primary, *encoded.primary_sliver(3));
            assert_eq!(pair.secondary, *encoded.secondary_sliver(3));
        }
    }

    #[test]
    fn pairs_are_written_ascending_and_once_whatever_order_they_come_in() {
        let config = EncodingConfig::new(7).unwrap();
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 5) as u8).collect();
        let encoded = encode(&config, &data, 1).unwrap();
        // Pair 0 holds a recovery secondary sliver and a source primary sliver, pair 3 a source
        // secondary sliver (a column of the blob) and a recovery primary sliver (gathered from the
        // encoder's blocks).
        let expected = upload_body(
            &encoded.metadata().commitment,
            [0, 3]
                .map(|p| (encoded.pair_metadata(p), encoded.sliver_pair(p)))
                .iter()
                .map(|(m, (primary, secondary))| (m, &**primary, &**secondary)),
        );
        assert_eq!(upload_body_for(&encoded, [3, 0, 3]), expected);
        assert_eq!(upload_body_for(&encoded, [0, 3]), expected);
    }

    #[test]
    fn malformed_bodies_are_refused_with_the_reason() {
        let config = EncodingConfig::new(4).unwrap();
        let encoded = encode(&config, b"abc", 1).unwrap();
        let body = upload_body_for(&encoded, [0]);
        let mut parser = UploadParser::new(*encoded.layout(), 2);
        parser.feed(&body).unwrap();
        assert!(matches!(parser.finish(), Err(WireError::Truncated(_))));
        let mut parser = UploadParser::new(*encoded.layout(), 0);
        assert!(matches!(parser.feed(&body), Err(WireError::TrailingBytes(_))));
        let mut bad = body.clone();
        bad[0] = b'X';
        assert_eq!(UploadParser::new(*encoded.layout(), 1).feed(&bad), Err(WireError::BadMagic));
        // A primary sliver frame claiming more bytes than the layout allows.
        let mut long = body[..4 + 5 + COMMITMENT_BYTES].to_vec();
        long.push(TAG_PAIR_METADATA);
        long.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(UploadParser::new(*encoded.layout(), 1).feed(&long), Err(WireError::FrameTooLong { .. })));
    }

    #[test]
    fn persistence_queries_round_trip() {
        let deletable = BlobPersistence::Deletable { object_id: [0xab; 32] };
        assert_eq!(PersistenceQuery::from_persistence(&deletable).parse().unwrap(), deletable);
        assert_eq!(PersistenceQuery::default().parse().unwrap(), BlobPersistence::Permanent);
        let missing = PersistenceQuery { persistence: Some("deletable".into()), object_id: None };
        assert!(missing.parse().is_err());
    }
}
