//! Blob ids: the SHA-256 of the BCS encoding of (encoding type, unencoded size, root).
//!
//! The Move function `walrus::encoding::derive_blob_id` computes the same bytes with
//! `std::hash::sha2_256(bcs::to_bytes(&BlobIdDerivation { .. }))`; see `docs/encoding.md`.

use std::{fmt, str::FromStr};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::{error::EncodingError, merkle::Digest};

/// The identifier of a blob. Shown as URL-safe base64 without padding (43 characters), as
/// Walrus does; on-chain it is the `u256` whose little-endian bytes are these 32 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BlobId(pub [u8; 32]);

/// The struct whose BCS bytes are hashed. Field order is part of the format.
#[derive(Serialize)]
struct BlobIdDerivation {
    encoding_type: u8,
    unencoded_size: u64,
    /// A Move `u256` in BCS is 32 little-endian bytes: exactly the digest bytes in order.
    root_hash: [u8; 32],
}

/// The length of the derivation's BCS bytes: 1 + 8 + 32.
pub const BLOB_ID_DERIVATION_BYTES: usize = 41;

impl BlobId {
    /// The BCS bytes that are hashed into the blob id.
    pub fn derivation_bytes(encoding_type: u8, unencoded_size: u64, root: &Digest) -> Vec<u8> {
        let bytes = bcs::to_bytes(&BlobIdDerivation { encoding_type, unencoded_size, root_hash: *root })
            .expect("a fixed-size struct always serializes");
        debug_assert_eq!(bytes.len(), BLOB_ID_DERIVATION_BYTES);
        bytes
    }

    /// Derives the blob id of a blob with this encoding type, size and root.
    pub fn derive(encoding_type: u8, unencoded_size: u64, root: &Digest) -> Self {
        Self(Sha256::digest(Self::derivation_bytes(encoding_type, unencoded_size, root)).into())
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&URL_SAFE_NO_PAD.encode(self.0))
    }
}

impl fmt::Debug for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlobId({self})")
    }
}

impl FromStr for BlobId {
    type Err = EncodingError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let malformed = |reason: String| EncodingError::Malformed { what: "blob id", reason };
        let bytes = URL_SAFE_NO_PAD
            .decode(s.trim())
            .map_err(|e| malformed(format!("{e}; a blob id is 43 characters of URL-safe base64")))?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|b: Vec<u8>| malformed(format!("it decodes to {} bytes, a blob id has 32", b.len())))?;
        Ok(Self(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivation_layout_is_type_size_root() {
        let root = [7u8; 32];
        let bytes = BlobId::derivation_bytes(1, 0x0102, &root);
        assert_eq!(bytes[0], 1);
        assert_eq!(&bytes[1..9], &0x0102u64.to_le_bytes());
        assert_eq!(&bytes[9..], &root);
    }

    #[test]
    fn display_round_trips_and_rejects_garbage() {
        let id = BlobId::derive(1, 5, &[9; 32]);
        let text = id.to_string();
        assert_eq!(text.len(), 43);
        assert_eq!(text.parse::<BlobId>().unwrap(), id);
        assert!("not a blob id!".parse::<BlobId>().is_err());
        assert!("AAAA".parse::<BlobId>().is_err());
    }
}
