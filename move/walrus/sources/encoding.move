/// Blob identity and encoded size: the two facts about the erasure code that the chain must know.
///
/// The chain never encodes data. It only needs to (1) recompute a blob id from the metadata a
/// client registers, so nobody can register metadata under someone else's id, and (2) know how
/// many bytes the storage nodes will hold for a blob in total, which is what storage is paid for.
/// Both computations are mirrored bit for bit by the Rust encoder (see docs/encoding.md and
/// docs/chain.md), so every constant and rounding step here is part of the protocol.
module walrus::encoding;

use std::hash;
use sui::bcs;

/// The only encoding so far: two-dimensional Reed-Solomon "RedStuff".
const ENCODING_TYPE_RED_STUFF: u8 = 1;

/// Largest symbol, 1 GiB; bounds the blob size for a given shard count.
const MAX_SYMBOL_SIZE_BYTES: u64 = 1_073_741_824;
/// Largest blob accepted regardless of shard count, 64 GiB.
const MAX_UNENCODED_SIZE_BYTES: u64 = 68_719_476_736;
/// Fewest shards for which f = (n - 1) / 3 >= 1, i.e. the code tolerates a faulty shard.
const MIN_N_SHARDS: u16 = 4;
/// Most shards; keeps every size computation below far below 2^64 (see `encoded_size_bytes`).
const MAX_N_SHARDS: u16 = 4096;
/// Bytes of the two hashes stored per sliver pair (primary and secondary sliver hash).
const SLIVER_PAIR_HASH_BYTES: u64 = 64;
/// Bytes of one Merkle-proof node.
const DIGEST_BYTES: u64 = 32;

/// The encoding type is not one this package knows.
const EInvalidEncodingType: u64 = 0;
/// The shard count is outside [MIN_N_SHARDS, MAX_N_SHARDS].
const EInvalidShardCount: u64 = 1;
/// The blob exceeds MAX_UNENCODED_SIZE_BYTES or its symbols would exceed MAX_SYMBOL_SIZE_BYTES.
const EBlobTooLarge: u64 = 2;

/// What a blob id commits to. The field order is the BCS layout that gets hashed, so it must not
/// change: 1 byte type, 8 bytes size (LE), 32 bytes root hash (LE u256) = 41 bytes.
#[allow(unused_field)]
public struct BlobIdDerivation has drop {
    encoding_type: u8,
    unencoded_size: u64,
    root_hash: u256,
}

/// The RedStuff encoding type byte.
public fun red_stuff(): u8 {
    ENCODING_TYPE_RED_STUFF
}

/// Aborts with `EInvalidEncodingType` unless `encoding_type` is a known encoding.
public fun assert_valid_encoding_type(encoding_type: u8) {
    assert!(encoding_type == ENCODING_TYPE_RED_STUFF, EInvalidEncodingType);
}

/// Aborts with `EInvalidShardCount` unless `n_shards` is in [4, 4096].
public fun assert_valid_n_shards(n_shards: u16) {
    assert!(n_shards >= MIN_N_SHARDS && n_shards <= MAX_N_SHARDS, EInvalidShardCount);
}

/// The blob id: SHA-256 of the BCS bytes of `BlobIdDerivation`, read as a little-endian u256.
/// Pure: it does not check the encoding type, so ids of future encodings can be computed too.
public fun derive_blob_id(root_hash: u256, encoding_type: u8, unencoded_size: u64): u256 {
    let derivation = BlobIdDerivation { encoding_type, unencoded_size, root_hash };
    let digest = hash::sha2_256(bcs::to_bytes(&derivation));
    bcs::new(digest).peel_u256()
}

/// Total bytes stored by all `n_shards` nodes for a blob of `unencoded_size` bytes: for every
/// shard, one primary sliver of `primary_symbols` symbols, one secondary sliver of
/// `secondary_symbols` symbols, and the sliver pair metadata (two sliver hashes plus a Merkle
/// proof of `depth` nodes).
///
/// Aborts with `EInvalidShardCount` for a shard count outside [4, 4096] and `EBlobTooLarge` for a
/// blob above 64 GiB or one whose symbols would exceed 1 GiB.
///
/// Bound: with n <= 4096, primary + secondary = 2n - 3f <= n + 3, symbol <= 2^30 and
/// depth <= 12, the result is below n * ((n + 3) * 2^30 + 448) < 2^55, so u64 arithmetic cannot
/// overflow.
public fun encoded_size_bytes(unencoded_size: u64, n_shards: u16): u64 {
    assert_valid_n_shards(n_shards);
    assert!(unencoded_size <= MAX_UNENCODED_SIZE_BYTES, EBlobTooLarge);
    let n = (n_shards as u64);
    let symbol_size = symbol_size_bytes(unencoded_size, n_shards);
    assert!(symbol_size <= MAX_SYMBOL_SIZE_BYTES, EBlobTooLarge);
    let symbols_per_pair = primary_symbols(n_shards) + secondary_symbols(n_shards);
    let metadata_per_pair = SLIVER_PAIR_HASH_BYTES + DIGEST_BYTES * merkle_depth(n);
    n * (symbols_per_pair * symbol_size + metadata_per_pair)
}

/// Faulty shards tolerated: f = (n - 1) / 3. Aborts with `EInvalidShardCount` like every
/// function below that takes a shard count.
public fun max_faulty_shards(n_shards: u16): u64 {
    assert_valid_n_shards(n_shards);
    ((n_shards as u64) - 1) / 3
}

/// Symbols in a primary sliver: n - f (the source symbol rows).
public fun primary_symbols(n_shards: u16): u64 {
    (n_shards as u64) - max_faulty_shards(n_shards)
}

/// Symbols in a secondary sliver: n - 2f (the source symbol columns).
public fun secondary_symbols(n_shards: u16): u64 {
    (n_shards as u64) - 2 * max_faulty_shards(n_shards)
}

/// Symbol size: ceil(unencoded_size / source symbols), at least 1, rounded up to an even number
/// of bytes (the Reed-Solomon field elements are 2 bytes wide). No upper-bound check.
public fun symbol_size_bytes(unencoded_size: u64, n_shards: u16): u64 {
    let source_symbols = primary_symbols(n_shards) * secondary_symbols(n_shards);
    let mut symbol_size = div_ceil(unencoded_size, source_symbols);
    if (symbol_size == 0) symbol_size = 1;
    if (symbol_size % 2 == 1) symbol_size = symbol_size + 1;
    symbol_size
}

/// Largest accepted blob size, in bytes.
public fun max_unencoded_size_bytes(): u64 {
    MAX_UNENCODED_SIZE_BYTES
}

/// Largest accepted symbol size, in bytes.
public fun max_symbol_size_bytes(): u64 {
    MAX_SYMBOL_SIZE_BYTES
}

/// ceil(log2(n)): the depth of a Merkle tree over n leaves (0 for n <= 1).
fun merkle_depth(n: u64): u64 {
    let mut depth = 0;
    let mut leaves = 1;
    while (leaves < n) {
        leaves = leaves * 2;
        depth = depth + 1;
    };
    depth
}

fun div_ceil(a: u64, b: u64): u64 {
    if (a % b == 0) a / b else a / b + 1
}

#[test_only]
/// Test access to the private Merkle depth helper.
public fun merkle_depth_for_testing(n: u64): u64 {
    merkle_depth(n)
}
