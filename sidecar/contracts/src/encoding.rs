//! `walrus::encoding`: blob id derivation and the encoded size storage is paid for, computed
//! exactly as the Move module does, in the same order of checks (`docs/chain.md` §4).

use crate::{
    abort::{AbortCode, MoveResult, ensure},
    framework::U256,
};

const MODULE: &str = "walrus::encoding";
/// The encoding type is not RedStuff.
pub const E_INVALID_ENCODING_TYPE: AbortCode = AbortCode::new(MODULE, "EInvalidEncodingType", 0);
/// `n_shards` outside [4, 4096].
pub const E_INVALID_SHARD_COUNT: AbortCode = AbortCode::new(MODULE, "EInvalidShardCount", 1);
/// Blob above 64 GiB or symbol above 1 GiB.
pub const E_BLOB_TOO_LARGE: AbortCode = AbortCode::new(MODULE, "EBlobTooLarge", 2);

/// `ENCODING_TYPE_RED_STUFF`.
pub const ENCODING_TYPE_RED_STUFF: u8 = walrus_core::ENCODING_TYPE_RED_STUFF;
const MAX_SYMBOL_SIZE_BYTES: u64 = walrus_core::config::MAX_SYMBOL_SIZE_BYTES as u64;
const MAX_UNENCODED_SIZE_BYTES: u64 = walrus_core::config::MAX_UNENCODED_SIZE_BYTES;
const MIN_N_SHARDS: u16 = walrus_core::config::MIN_SHARDS;
const MAX_N_SHARDS: u16 = walrus_core::config::MAX_SHARDS;

/// `red_stuff()`.
pub fn red_stuff() -> u8 {
    ENCODING_TYPE_RED_STUFF
}

/// `assert_valid_encoding_type`.
pub fn assert_valid_encoding_type(encoding_type: u8) -> MoveResult<()> {
    ensure(encoding_type == ENCODING_TYPE_RED_STUFF, E_INVALID_ENCODING_TYPE)
}

/// `assert_valid_n_shards`.
pub fn assert_valid_n_shards(n_shards: u16) -> MoveResult<()> {
    ensure((MIN_N_SHARDS..=MAX_N_SHARDS).contains(&n_shards), E_INVALID_SHARD_COUNT)
}

/// `derive_blob_id`: the core's derivation, as a `u256`.
pub fn derive_blob_id(root_hash: U256, encoding_type: u8, unencoded_size: u64) -> U256 {
    walrus_core::BlobId::derive(encoding_type, unencoded_size, &root_hash.0).into()
}

/// `max_faulty_shards`.
pub fn max_faulty_shards(n_shards: u16) -> MoveResult<u64> {
    assert_valid_n_shards(n_shards)?;
    Ok((u64::from(n_shards) - 1) / 3)
}

/// `primary_symbols`: symbols per primary sliver, `n - f`.
pub fn primary_symbols(n_shards: u16) -> MoveResult<u64> {
    Ok(u64::from(n_shards) - max_faulty_shards(n_shards)?)
}

/// `secondary_symbols`: symbols per secondary sliver, `n - 2f`.
pub fn secondary_symbols(n_shards: u16) -> MoveResult<u64> {
    Ok(u64::from(n_shards) - 2 * max_faulty_shards(n_shards)?)
}

/// `symbol_size_bytes` (no upper bound check).
pub fn symbol_size_bytes(unencoded_size: u64, n_shards: u16) -> MoveResult<u64> {
    let source_symbols = primary_symbols(n_shards)? * secondary_symbols(n_shards)?;
    let mut size = unencoded_size.div_ceil(source_symbols).max(1);
    size += size % 2;
    Ok(size)
}

/// `encoded_size_bytes`.
pub fn encoded_size_bytes(unencoded_size: u64, n_shards: u16) -> MoveResult<u64> {
    assert_valid_n_shards(n_shards)?;
    ensure(unencoded_size <= MAX_UNENCODED_SIZE_BYTES, E_BLOB_TOO_LARGE)?;
    let n = u64::from(n_shards);
    let symbol_size = symbol_size_bytes(unencoded_size, n_shards)?;
    ensure(symbol_size <= MAX_SYMBOL_SIZE_BYTES, E_BLOB_TOO_LARGE)?;
    let symbols_per_pair = primary_symbols(n_shards)? + secondary_symbols(n_shards)?;
    let depth = u64::from(n.next_power_of_two().trailing_zeros());
    Ok(n * (symbols_per_pair * symbol_size + 64 + 32 * depth))
}

/// `max_unencoded_size_bytes`.
pub fn max_unencoded_size_bytes() -> u64 {
    MAX_UNENCODED_SIZE_BYTES
}

/// `max_symbol_size_bytes`.
pub fn max_symbol_size_bytes() -> u64 {
    MAX_SYMBOL_SIZE_BYTES
}
