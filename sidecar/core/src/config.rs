//! Encoding parameters: how many shards, how many symbols per sliver, how large a symbol is.
//!
//! See `docs/encoding.md` for the geometry. In short, for `n` shards and `f = (n - 1) / 3`:
//! the blob is laid out row-major as a matrix of `n - 2f` rows by `n - f` columns of symbols.
//! Expanding each column with the *column code* gives `n` rows: row `i` is **primary sliver** `i`
//! (`n - f` symbols). Expanding each row with the *row code* gives `n` columns: column `j` is
//! **secondary sliver** `j` (`n - 2f` symbols). Any `n - 2f` primary slivers or any `n - f`
//! secondary slivers determine the blob.

use crate::error::EncodingError;

/// The encoding type byte that enters the blob id: RedStuff over reed-solomon-simd with SHA-256
/// commitments, exactly as described in `docs/encoding.md`.
pub const ENCODING_TYPE_RED_STUFF: u8 = 1;

/// The smallest number of shards the encoding supports (`f = 1`).
pub const MIN_SHARDS: u16 = 4;

/// The largest number of shards the encoding supports. The encoder keeps one 32-byte leaf digest
/// per symbol of the fully expanded `n x n` matrix, so this bounds that table to 512 MiB.
pub const MAX_SHARDS: u16 = 4096;

/// The largest symbol, in bytes. With `n = 10` (28 source symbols) this admits blobs of 28 GiB,
/// with `n = 1000` (222,778 source symbols) it is never the binding limit.
pub const MAX_SYMBOL_SIZE_BYTES: u32 = 1 << 30;

/// The largest blob, in bytes, at any shard count (64 GiB). For small `n` the symbol-size limit
/// binds first: `n = 4` admits `6 * MAX_SYMBOL_SIZE_BYTES` = 6 GiB.
pub const MAX_UNENCODED_SIZE_BYTES: u64 = 64 << 30;

/// The parameters of the two-dimensional code for one shard count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EncodingConfig {
    n_shards: u16,
}

impl EncodingConfig {
    /// The configuration for `n_shards` shards; fails outside `MIN_SHARDS..=MAX_SHARDS`.
    pub fn new(n_shards: u16) -> Result<Self, EncodingError> {
        if !(MIN_SHARDS..=MAX_SHARDS).contains(&n_shards) {
            return Err(EncodingError::InvalidShardCount { n_shards });
        }
        Ok(Self { n_shards })
    }

    /// The number of shards `n`, which is also the number of sliver pairs per blob.
    pub fn n_shards(&self) -> u16 {
        self.n_shards
    }

    /// `n` as a `usize`, for indexing.
    pub fn n(&self) -> usize {
        usize::from(self.n_shards)
    }

    /// `f = (n - 1) / 3`, the number of shards that may fail or lie.
    pub fn max_faulty(&self) -> usize {
        (self.n() - 1) / 3
    }

    /// Symbols in a primary sliver (`n - f`); also the number of source secondary slivers and
    /// the number of secondary slivers needed to decode.
    pub fn primary_sliver_symbols(&self) -> usize {
        self.n() - self.max_faulty()
    }

    /// Symbols in a secondary sliver (`n - 2f`); also the number of source primary slivers and
    /// the number of primary slivers needed to decode.
    pub fn secondary_sliver_symbols(&self) -> usize {
        self.n() - 2 * self.max_faulty()
    }

    /// The number of source symbols a blob is split into: `(n - 2f) * (n - f)`.
    pub fn source_symbols(&self) -> u64 {
        (self.primary_sliver_symbols() * self.secondary_sliver_symbols()) as u64
    }

    /// Shard counts holding more than two thirds of all shards: a storage quorum.
    pub fn quorum_shards(&self) -> usize {
        2 * self.n() / 3 + 1
    }

    /// The symbol size for a blob of `unencoded_size_bytes`: the source symbols must hold the
    /// blob; at least 2 bytes and even, because the code works on 16-bit elements.
    pub fn symbol_size_bytes(&self, unencoded_size_bytes: u64) -> Result<u32, EncodingError> {
        if unencoded_size_bytes > MAX_UNENCODED_SIZE_BYTES {
            return Err(EncodingError::BlobTooLarge {
                size_bytes: unencoded_size_bytes,
                max_bytes: self.max_blob_size_bytes(),
            });
        }
        let mut size = unencoded_size_bytes.div_ceil(self.source_symbols()).max(1);
        size += size % 2;
        if size > u64::from(MAX_SYMBOL_SIZE_BYTES) {
            return Err(EncodingError::BlobTooLarge {
                size_bytes: unencoded_size_bytes,
                max_bytes: self.max_blob_size_bytes(),
            });
        }
        Ok(u32::try_from(size).expect("bounded by MAX_SYMBOL_SIZE_BYTES"))
    }

    /// The largest blob this shard count can encode.
    pub fn max_blob_size_bytes(&self) -> u64 {
        (self.source_symbols() * u64::from(MAX_SYMBOL_SIZE_BYTES)).min(MAX_UNENCODED_SIZE_BYTES)
    }

    /// The depth of the Merkle tree over the `n` sliver pairs (the length of a pair proof).
    pub fn pair_tree_depth(&self) -> usize {
        crate::merkle::tree_depth(self.n())
    }

    /// Bytes the network stores for one blob: every sliver pair plus, per pair, the two sliver
    /// roots and the Merkle proof of the pair. The Move function `encoding::encoded_size_bytes`
    /// computes the same number; storage is paid for by this size.
    pub fn encoded_size_bytes(&self, unencoded_size_bytes: u64) -> Result<u64, EncodingError> {
        let symbol_size = u64::from(self.symbol_size_bytes(unencoded_size_bytes)?);
        let symbols_per_pair = (self.primary_sliver_symbols() + self.secondary_sliver_symbols()) as u64;
        let metadata_per_pair = 64 + 32 * self.pair_tree_depth() as u64;
        Ok(self.n() as u64 * (symbols_per_pair * symbol_size + metadata_per_pair))
    }

    /// The index of the secondary sliver stored in sliver pair `pair_index`. Pair `p` holds
    /// primary sliver `p` and secondary sliver `n - 1 - p`, so that the source primary slivers
    /// (the first rows) and the source secondary slivers (the first columns) land on different
    /// pairs.
    pub fn secondary_index_of_pair(&self, pair_index: usize) -> usize {
        debug_assert!(pair_index < self.n());
        self.n() - 1 - pair_index
    }

    /// The sliver pair that stores secondary sliver `secondary_index`.
    pub fn pair_of_secondary(&self, secondary_index: usize) -> usize {
        debug_assert!(secondary_index < self.n());
        self.n() - 1 - secondary_index
    }

    /// The layout of a blob of `unencoded_size_bytes` under this configuration.
    pub fn layout(&self, unencoded_size_bytes: u64) -> Result<BlobLayout, EncodingError> {
        Ok(BlobLayout {
            config: *self,
            unencoded_size_bytes,
            symbol_size: self.symbol_size_bytes(unencoded_size_bytes)? as usize,
        })
    }
}

/// The geometry of one blob: its configuration, size and symbol size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlobLayout {
    config: EncodingConfig,
    unencoded_size_bytes: u64,
    symbol_size: usize,
}

impl BlobLayout {
    /// The encoding configuration.
    pub fn config(&self) -> &EncodingConfig {
        &self.config
    }

    /// The blob's size before encoding.
    pub fn unencoded_size_bytes(&self) -> u64 {
        self.unencoded_size_bytes
    }

    /// Bytes per symbol (even, at least 2).
    pub fn symbol_size(&self) -> usize {
        self.symbol_size
    }

    /// Bytes in one primary sliver.
    pub fn primary_sliver_bytes(&self) -> usize {
        self.config.primary_sliver_symbols() * self.symbol_size
    }

    /// Bytes in one secondary sliver.
    pub fn secondary_sliver_bytes(&self) -> usize {
        self.config.secondary_sliver_symbols() * self.symbol_size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometry_follows_the_shard_count() {
        let c = EncodingConfig::new(10).unwrap();
        assert_eq!(c.max_faulty(), 3);
        assert_eq!(c.primary_sliver_symbols(), 7);
        assert_eq!(c.secondary_sliver_symbols(), 4);
        assert_eq!(c.source_symbols(), 28);
        assert_eq!(c.quorum_shards(), 7);
        let c = EncodingConfig::new(1000).unwrap();
        assert_eq!(c.max_faulty(), 333);
        assert_eq!(c.primary_sliver_symbols(), 667);
        assert_eq!(c.secondary_sliver_symbols(), 334);
        assert_eq!(c.quorum_shards(), 667);
    }

    #[test]
    fn shard_count_out_of_range_is_rejected() {
        assert!(EncodingConfig::new(3).is_err());
        assert!(EncodingConfig::new(MAX_SHARDS + 1).is_err());
        assert!(EncodingConfig::new(MIN_SHARDS).is_ok());
    }

    #[test]
    fn symbol_size_is_even_and_holds_the_blob() {
        let c = EncodingConfig::new(10).unwrap();
        assert_eq!(c.symbol_size_bytes(0).unwrap(), 2);
        assert_eq!(c.symbol_size_bytes(1).unwrap(), 2);
        assert_eq!(c.symbol_size_bytes(56).unwrap(), 2);
        assert_eq!(c.symbol_size_bytes(57).unwrap(), 4);
        for size in [0u64, 1, 99, 1 << 20, (1 << 20) + 1] {
            let s = u64::from(c.symbol_size_bytes(size).unwrap());
            assert_eq!(s % 2, 0);
            assert!(s * c.source_symbols() >= size);
        }
    }

    #[test]
    fn required_blob_sizes_fit() {
        assert!(EncodingConfig::new(10).unwrap().max_blob_size_bytes() >= 4 << 30);
        assert!(EncodingConfig::new(1000).unwrap().max_blob_size_bytes() >= 13 << 30);
        let c = EncodingConfig::new(1000).unwrap();
        assert!(c.symbol_size_bytes(13 << 30).is_ok());
        assert!(matches!(c.symbol_size_bytes(MAX_UNENCODED_SIZE_BYTES + 1), Err(EncodingError::BlobTooLarge { .. })));
        let small = EncodingConfig::new(4).unwrap();
        assert!(small.symbol_size_bytes(small.max_blob_size_bytes()).is_ok());
        assert!(small.symbol_size_bytes(small.max_blob_size_bytes() + 1).is_err());
    }

    #[test]
    fn encoded_size_matches_the_move_formula() {
        // n = 10, empty blob: 10 * ((7 + 4) * 2 + 64 + 32 * 4) = 2140 (the Move tests use it too).
        assert_eq!(EncodingConfig::new(10).unwrap().encoded_size_bytes(0).unwrap(), 2140);
        // A 1-byte blob at n = 1000 costs well under 3 MB across the network.
        let big = EncodingConfig::new(1000).unwrap().encoded_size_bytes(1).unwrap();
        assert!(big < 3_000_000, "{big}");
    }

    #[test]
    fn pair_mapping_is_an_involution() {
        let c = EncodingConfig::new(7).unwrap();
        for p in 0..7 {
            assert_eq!(c.pair_of_secondary(c.secondary_index_of_pair(p)), p);
        }
    }
}
