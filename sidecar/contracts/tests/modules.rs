//! The scenarios of the Move unit tests of `encoding`, `messages`, `bls_aggregate`, `metadata`,
//! `storage_resource`, `storage_accounting` and `wal`, against the twin, plus the BCS layouts of
//! `docs/chain.md`.

mod common;

use common::*;
use walrus_contracts::{
    ObjectId, U256,
    blob::Blob,
    bls_aggregate::{self, Committee},
    encoding,
    events::{BlobRegistered, Event},
    framework::Balance,
    messages,
    metadata::{self, Metadata},
    objects::Object,
    storage_accounting::{self, FutureAccounting},
    storage_resource::{self, Storage},
    wal,
};
use walrus_core::EncodingConfig;

// === encoding ===

#[derive(serde::Deserialize)]
struct EncodingVectors {
    vectors: Vec<EncodingVector>,
}

#[derive(serde::Deserialize)]
struct EncodingVector {
    n_shards: u16,
    unencoded_size: u64,
    symbol_size: u32,
    encoded_size: u64,
    root_hash_hex: String,
    blob_id_hex: String,
}

#[test]
fn encoded_sizes_and_blob_ids_match_the_rust_encoder() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/encoding.json");
    let vectors: EncodingVectors = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for v in vectors.vectors {
        assert_eq!(encoding::symbol_size_bytes(v.unencoded_size, v.n_shards).unwrap(), u64::from(v.symbol_size));
        assert_eq!(encoding::encoded_size_bytes(v.unencoded_size, v.n_shards).unwrap(), v.encoded_size);
        let id = encoding::derive_blob_id(U256(bytes32(&v.root_hash_hex)), 1, v.unencoded_size);
        assert_eq!(id, U256(bytes32(&v.blob_id_hex)));
    }
}

#[test]
fn encoded_size_of_known_blobs() {
    assert_eq!(encoding::encoded_size_bytes(0, 10).unwrap(), 2140);
    assert_eq!(encoding::encoded_size_bytes(10_000, 10).unwrap(), 41_300);
    assert_eq!(encoding::encoded_size_bytes(20_000, 10).unwrap(), 80_680);
    assert_eq!(encoding::encoded_size_bytes(30_000, 10).unwrap(), 119_840);
    assert_eq!(encoding::encoded_size_bytes(0, 4).unwrap(), 552);
    assert_eq!(encoding::encoded_size_bytes(1 << 20, 1000).unwrap(), 6_390_000);
    assert_eq!(encoding::encoded_size_bytes(64 << 30, 4096).unwrap(), 309_147_164_672);
    // The same as the core's, over a spread of sizes and shard counts.
    for n in [4u16, 7, 10, 100, 1000, 4096] {
        let config = EncodingConfig::new(n).unwrap();
        for size in [0u64, 1, 2, 3, 999, 1 << 20, (1 << 30) + 7] {
            assert_eq!(encoding::encoded_size_bytes(size, n).unwrap(), config.encoded_size_bytes(size).unwrap());
        }
    }
}

#[test]
fn code_parameters() {
    assert_eq!(encoding::max_faulty_shards(10).unwrap(), 3);
    assert_eq!(encoding::primary_symbols(10).unwrap(), 7);
    assert_eq!(encoding::secondary_symbols(10).unwrap(), 4);
    assert_eq!(encoding::symbol_size_bytes(57, 10).unwrap(), 4);
    assert_eq!(encoding::max_unencoded_size_bytes(), 1 << 36);
    assert_eq!(encoding::max_symbol_size_bytes(), 1 << 30);
}

#[test]
fn largest_symbol_is_accepted() {
    // n = 4: 6 source symbols of at most 1 GiB.
    assert!(encoding::encoded_size_bytes(6 << 30, 4).is_ok());
    assert_aborts!(encoding::encoded_size_bytes((6 << 30) + 1, 4), encoding::E_BLOB_TOO_LARGE);
}

#[test]
fn encoding_aborts() {
    assert_aborts!(encoding::assert_valid_encoding_type(0), encoding::E_INVALID_ENCODING_TYPE);
    assert_aborts!(encoding::encoded_size_bytes(0, 3), encoding::E_INVALID_SHARD_COUNT);
    assert_aborts!(encoding::encoded_size_bytes(0, 4097), encoding::E_INVALID_SHARD_COUNT);
    assert_aborts!(encoding::encoded_size_bytes((64 << 30) + 1, 1000), encoding::E_BLOB_TOO_LARGE);
}

// === messages ===

#[test]
fn parse_the_vector_messages() {
    let (message, _, _) = vector_certificate("storage_confirmation_permanent", "quorum");
    let parsed = messages::parse_storage_confirmation(&message).unwrap();
    assert_eq!((parsed.epoch, parsed.object_id), (1, None));
    let (message, _, _) = vector_certificate("storage_confirmation_deletable", "quorum");
    let parsed = messages::parse_storage_confirmation(&message).unwrap();
    assert_eq!(parsed.object_id, Some(ObjectId([0x0b; 32])));
    let (message, _, _) = vector_certificate("invalid_blob_id", "quorum");
    assert_eq!(messages::parse_invalid_blob_id(&message).unwrap().epoch, 1);
}

#[test]
fn message_aborts_in_the_move_order() {
    let (confirmation, _, _) = vector_certificate("storage_confirmation_permanent", "quorum");
    let (deletable, _, _) = vector_certificate("storage_confirmation_deletable", "quorum");
    let (invalid, _, _) = vector_certificate("invalid_blob_id", "quorum");
    assert_aborts!(messages::parse_storage_confirmation(&confirmation[..6]), messages::E_MESSAGE_TOO_SHORT);
    assert_aborts!(messages::parse_storage_confirmation(&confirmation[..39]), messages::E_MESSAGE_TOO_SHORT);
    assert_aborts!(messages::parse_storage_confirmation(&deletable[..71]), messages::E_MESSAGE_TOO_SHORT);
    assert_aborts!(messages::parse_invalid_blob_id(&invalid[..38]), messages::E_MESSAGE_TOO_SHORT);
    assert_aborts!(messages::parse_invalid_blob_id(&confirmation), messages::E_INVALID_INTENT_TYPE);
    assert_aborts!(messages::parse_storage_confirmation(&invalid), messages::E_INVALID_INTENT_TYPE);
    let mut bad = confirmation.clone();
    bad[1] = 1;
    assert_aborts!(messages::parse_storage_confirmation(&bad), messages::E_INVALID_INTENT_VERSION);
    let mut bad = confirmation.clone();
    bad[2] = 4;
    assert_aborts!(messages::parse_storage_confirmation(&bad), messages::E_INVALID_APP_ID);
    let mut bad = confirmation.clone();
    bad[39] = 2;
    assert_aborts!(messages::parse_storage_confirmation(&bad), messages::E_INVALID_PERSISTENCE);
    let mut bad = confirmation.clone();
    bad.push(0);
    assert_aborts!(messages::parse_storage_confirmation(&bad), messages::E_TRAILING_BYTES);
    let mut bad = invalid.clone();
    bad.push(0);
    assert_aborts!(messages::parse_invalid_blob_id(&bad), messages::E_TRAILING_BYTES);
}

// === bls_aggregate ===

fn committee() -> Committee {
    Committee::new(node_ids(), public_keys(), network_addresses(), shard_counts()).unwrap()
}

#[test]
fn certificates_of_the_vectors_verify() {
    let c = committee();
    assert_eq!((c.n_members(), c.n_shards()), (4, 10));
    for name in ["storage_confirmation_permanent", "storage_confirmation_deletable", "invalid_blob_id"] {
        let (m, s, b) = vector_certificate(name, "quorum");
        assert_eq!(c.verify_quorum(&s, &b, &m).unwrap(), 9);
        assert_eq!(c.verify_validity(&s, &b, &m).unwrap(), 9);
        let (m, s, b) = vector_certificate(name, "sub_quorum");
        assert_aborts!(c.verify_quorum(&s, &b, &m), bls_aggregate::E_NOT_ENOUGH_SHARDS);
        assert_eq!(c.verify_validity(&s, &b, &m).unwrap(), 6);
        let (m, s, b) = vector_certificate(name, "below_validity");
        assert_aborts!(c.verify_validity(&s, &b, &m), bls_aggregate::E_NOT_ENOUGH_SHARDS);
    }
}

#[test]
fn thresholds() {
    let c = committee();
    assert!(!c.is_quorum(6) && c.is_quorum(7));
    assert!(!c.is_validity(3) && c.is_validity(4));
}

#[test]
fn all_members_can_sign() {
    let c = committee();
    let message = b"any message".to_vec();
    let (signature, bitmap) = certificate(&message, &[0, 1, 2, 3]);
    assert_eq!(bitmap, vec![0x0f]);
    assert_eq!(c.verify_quorum(&signature, &bitmap, &message).unwrap(), 10);
}

#[test]
fn committee_aborts() {
    let mut keys = public_keys();
    assert_aborts!(
        Committee::new(node_ids(), keys[..3].to_vec(), network_addresses(), shard_counts()),
        bls_aggregate::E_INVALID_COMMITTEE
    );
    assert_aborts!(Committee::new(vec![], vec![], vec![], vec![]), bls_aggregate::E_INVALID_COMMITTEE);
    assert_aborts!(
        Committee::new(node_ids(), public_keys(), network_addresses(), vec![1, 0, 3, 4]),
        bls_aggregate::E_INVALID_COMMITTEE
    );
    assert_aborts!(
        Committee::new(node_ids(), public_keys(), network_addresses(), vec![u16::MAX, 1, 1, 1]),
        bls_aggregate::E_INVALID_COMMITTEE
    );
    keys[2][5] ^= 0xff;
    assert_aborts!(
        Committee::new(node_ids(), keys, network_addresses(), shard_counts()),
        bls_aggregate::GROUP_OPS_E_INVALID_INPUT
    );
}

#[test]
fn committee_members_keep_their_fields_in_order() {
    let c = committee();
    for (i, member) in c.members.iter().enumerate() {
        assert_eq!(member.node_id, node_ids()[i]);
        assert_eq!(member.public_key.bytes, public_keys()[i]);
        assert_eq!(member.network_address, network_addresses()[i]);
        assert_eq!(member.n_shards(), shard_counts()[i]);
    }
    // Shards 1, 2, 3, 4 per member: contiguous lists in member order.
    let lists: Vec<_> = c.members.iter().map(|m| m.shard_ids.clone()).collect();
    assert_eq!(lists, vec![vec![0], vec![1, 2], vec![3, 4, 5], vec![6, 7, 8, 9]]);
    assert_eq!(c.index_of(&node_ids()[2]), Some(2));
    assert_eq!(c.index_of(&ObjectId([9; 32])), None);
    let owners: Vec<_> = (0..11).map(|shard| c.member_of_shard(shard)).collect();
    let expected = [0, 1, 1, 2, 2, 2, 3, 3, 3, 3].map(Some).into_iter().chain([None]).collect::<Vec<_>>();
    assert_eq!(owners, expected);
}

#[test]
fn explicit_shard_lists_are_checked_and_weigh_certificates() {
    let with_shards =
        |lists: Vec<Vec<u16>>| Committee::new_with_shards(node_ids(), public_keys(), network_addresses(), lists);
    // As bls_aggregate_tests: member 0 holds 4 shards, members 0, 1, 2 hold 9 of 10.
    let c = with_shards(vec![vec![0, 5, 8, 9], vec![1, 2], vec![3, 4, 6], vec![7]]).unwrap();
    assert_eq!((c.n_shards(), c.members[0].n_shards()), (10, 4));
    assert_eq!(c.member_of_shard(8), Some(0));
    assert_eq!(c.member_of_shard(7), Some(3));
    assert_eq!(c.member_of_shard(10), None);
    let message = vector_certificate("storage_confirmation_permanent", "quorum").0;
    let (signature, bitmap) = certificate(&message, &[0, 1, 2]);
    assert_eq!(c.verify_quorum(&signature, &bitmap, &message).unwrap(), 9);
    for bad in [
        vec![vec![0, 5, 8, 9], vec![1, 2], vec![3, 4, 6], vec![6]],
        vec![vec![0, 5, 8, 10], vec![1, 2], vec![3, 4, 6], vec![7]],
        vec![vec![0, 8, 5, 9], vec![1, 2], vec![3, 4, 6], vec![7]],
        vec![vec![0, 5, 7, 8, 9], vec![1, 2], vec![3, 4, 6], vec![]],
    ] {
        assert_aborts!(with_shards(bad), bls_aggregate::E_INVALID_COMMITTEE);
    }
}

#[test]
fn network_address_limits() {
    let with_address = |index: usize, address: String| {
        let mut addresses = network_addresses();
        addresses[index] = address;
        Committee::new(node_ids(), public_keys(), addresses, shard_counts())
    };
    assert_aborts!(with_address(2, String::new()), bls_aggregate::E_INVALID_COMMITTEE);
    assert_aborts!(
        with_address(0, "a".repeat(bls_aggregate::MAX_NETWORK_ADDRESS_BYTES + 1)),
        bls_aggregate::E_INVALID_COMMITTEE
    );
    let longest = with_address(0, "a".repeat(bls_aggregate::MAX_NETWORK_ADDRESS_BYTES)).unwrap();
    assert_eq!(longest.members[0].network_address.len(), 256);
}

#[test]
fn bitmap_and_signature_aborts() {
    let c = committee();
    let (m, s, _) = vector_certificate("storage_confirmation_permanent", "quorum");
    assert_aborts!(c.verify_quorum(&s, &[0x0e, 0], &m), bls_aggregate::E_INVALID_BITMAP);
    assert_aborts!(c.verify_quorum(&s, &[], &m), bls_aggregate::E_INVALID_BITMAP);
    assert_aborts!(c.verify_quorum(&s, &[0x1e], &m), bls_aggregate::E_INVALID_BITMAP);
    let mut other = m.clone();
    other[3] = 9;
    assert_aborts!(c.verify_quorum(&s, &[0x0e], &other), bls_aggregate::E_INVALID_SIGNATURE);
    // Signed by 1, 2, 3 but claimed as 0, 2, 3 (8 shards, still a quorum).
    assert_aborts!(c.verify_quorum(&s, &[0x0d], &m), bls_aggregate::E_INVALID_SIGNATURE);
    assert_aborts!(c.verify_quorum(&s[..95], &[0x0e], &m), bls_aggregate::E_INVALID_SIGNATURE);
}

// === metadata, storage_resource, storage_accounting ===

#[test]
fn metadata_insert_update_get_remove() {
    let mut m = Metadata::new();
    m.insert_or_update("a".into(), "1".into());
    m.insert_or_update("b".into(), "2".into());
    m.insert_or_update("a".into(), "3".into());
    assert_eq!((m.size(), m.get(&"a".into())), (2, Some("3".to_string())));
    assert_eq!(m.remove(&"a".into()).unwrap(), ("a".to_string(), "3".to_string()));
    assert!(!m.contains(&"a".into()) && m.contains(&"b".into()));
    assert_aborts!(m.remove(&"a".into()), metadata::E_KEY_NOT_FOUND);
}

#[test]
fn storage_resource_aborts() {
    let mut ctx = tx(USER);
    let mut s = Storage::create(1, 4, 100, &mut ctx).unwrap();
    assert_aborts!(s.split_by_epoch(1, &mut ctx), storage_resource::E_INVALID_SPLIT_EPOCH);
    assert_aborts!(s.split_by_epoch(4, &mut ctx), storage_resource::E_INVALID_SPLIT_EPOCH);
    assert_aborts!(s.split_by_size(100, &mut ctx), storage_resource::E_INVALID_SPLIT_SIZE);
    assert_aborts!(s.split_by_size(0, &mut ctx), storage_resource::E_INVALID_SPLIT_SIZE);
    let gap = Storage::create(5, 6, 100, &mut ctx).unwrap();
    assert_aborts!(s.clone().fuse_periods(gap), storage_resource::E_INCOMPATIBLE_EPOCHS);
    let other_period = Storage::create(1, 3, 100, &mut ctx).unwrap();
    assert_aborts!(s.clone().fuse_amount(other_period), storage_resource::E_INCOMPATIBLE_EPOCHS);
    let other_size = Storage::create(4, 6, 50, &mut ctx).unwrap();
    assert_aborts!(s.clone().fuse_periods(other_size), storage_resource::E_INCOMPATIBLE_SIZE);
    assert_aborts!(Storage::create(3, 3, 1, &mut ctx), storage_resource::E_INVALID_PERIOD);
    assert_aborts!(s.extend_end_epoch(4), storage_resource::E_INVALID_PERIOD);
}

#[test]
fn storage_resource_splits_and_fuses() {
    let mut ctx = tx(USER);
    let mut s = Storage::create(1, 4, 100, &mut ctx).unwrap();
    let part = s.split_by_size(30, &mut ctx).unwrap();
    assert_eq!((s.size(), part.size()), (70, 30));
    s.fuse(part).unwrap();
    assert_eq!(s.size(), 100);
    let head = Storage::create(0, 1, 100, &mut ctx).unwrap();
    s.fuse_periods(head).unwrap();
    assert_eq!((s.start_epoch(), s.end_epoch()), (0, 4));
    s.extend_end_epoch(6).unwrap();
    assert_eq!(s.end_epoch(), 6);
}

#[test]
fn accounting_ring_buffer() {
    let mut a = FutureAccounting::new(1, 3);
    assert_eq!(a.length(), 3);
    a.account_mut(0).unwrap().funds.join(Balance::new(5));
    a.account_mut(2).unwrap().used_capacity = 9;
    assert_eq!(a.advance().value, 5);
    assert_eq!(a.account(0).unwrap().epoch, 2);
    assert_eq!(a.account(1).unwrap().used_capacity, 9);
    assert_eq!((a.account(2).unwrap().epoch, a.account(2).unwrap().used_capacity), (4, 0));
    assert_aborts!(a.account(3), storage_accounting::E_EPOCH_OUT_OF_RANGE);
}

// === wal ===

#[test]
fn publication_mints_the_whole_supply_to_the_publisher() {
    let mut ctx = tx(ADMIN);
    wal::init(&mut ctx);
    let effects = ctx.into_effects();
    let [(owner, Object::Coin(coin))] = &effects.transferred[..] else { panic!("{:?}", effects.transferred) };
    assert_eq!((*owner, coin.value()), (ADMIN, 5_000_000_000 * 1_000_000_000));
    let [Object::ProtectedTreasury(treasury)] = &effects.shared[..] else { panic!("no treasury") };
    assert_eq!(treasury.total_supply(), wal::TOTAL_SUPPLY_FROST);
    let [Object::CoinMetadata(metadata)] = &effects.frozen[..] else { panic!("no metadata") };
    assert_eq!((metadata.decimals, metadata.symbol.as_str(), metadata.name.as_str()), (9, "WAL", "WAL Token"));
    let mut treasury = treasury.clone();
    let mut coin = coin.clone();
    let part = coin.balance.split(1_000).unwrap();
    treasury.burn(walrus_contracts::Coin { id: ObjectId([1; 32]), balance: part });
    assert_eq!(treasury.total_supply(), wal::TOTAL_SUPPLY_FROST - 1_000);
}

// === BCS layouts (docs/chain.md §2, §8) ===

#[test]
fn bcs_layouts_match_the_move_structs() {
    let (mut system, _) = setup();
    let mut ctx = tx(USER);
    let storage = buy(&mut system, 41_300, 2, &mut ctx);
    assert_eq!(bcs::to_bytes(&storage).unwrap().len(), 48);
    let mut blob: Blob = register(&mut system, 1, 10_000, false, 2, &mut ctx);
    let bytes = bcs::to_bytes(&blob).unwrap();
    assert_eq!(bytes.len(), 159);
    // id, registered_epoch, blob_id, root_hash, size, encoding_type, certified_epoch, ...
    assert_eq!(&bytes[..32], &blob.id.0);
    assert_eq!(&bytes[32..36], &1u32.to_le_bytes());
    assert_eq!(&bytes[36..68], &blob.blob_id.0);
    assert_eq!(&bytes[68..100], &blob.root_hash.0);
    assert_eq!(&bytes[100..108], &10_000u64.to_le_bytes());
    assert_eq!(bytes[108], 1);
    assert_eq!(bytes[109], 0); // None
    blob.insert_or_update_metadata_pair("k".into(), "v".into());
    certify(&system, &mut blob, &mut ctx).unwrap();
    let bytes = bcs::to_bytes(&blob).unwrap();
    assert_eq!(bytes.len(), 163, "attributes are a dynamic field, not struct bytes");
    assert_eq!(&bytes[109..114], &[1, 1, 0, 0, 0]);
    let back: Blob = bcs::from_bytes(&bytes).unwrap();
    assert_eq!((back.blob_id, back.certified_epoch), (blob.blob_id, Some(1)));
    assert_eq!(Object::Blob(blob.clone()).bcs(), bytes);
    // System: id and version only; the state is a dynamic field.
    assert_eq!(bcs::to_bytes(&system).unwrap().len(), 40);
    // A committee member's key is a `vector<u8>`: 0x30 then 48 bytes.
    let member = bcs::to_bytes(&system.inner().unwrap().committee.members[0]).unwrap();
    // Then the shard ids (vector<u16>: here one shard, 0) and the network address as a
    // length-prefixed string.
    let address = network_addresses()[0].clone();
    assert_eq!((member.len(), member[32]), (32 + 49 + 3 + 1 + address.len(), 0x30));
    assert_eq!(&member[81..84], &[1, 0, 0]);
    assert_eq!(member[84] as usize, address.len());
    assert_eq!(&member[85..], address.as_bytes());
    // Events: field order as declared.
    let event = Event::BlobRegistered(BlobRegistered {
        epoch: 7,
        blob_id: U256([2; 32]),
        size: 3,
        encoding_type: 1,
        end_epoch: 9,
        deletable: true,
        object_id: ObjectId([4; 32]),
    });
    let b = event.bcs();
    assert_eq!(b.len(), 4 + 32 + 8 + 1 + 4 + 1 + 32);
    assert_eq!((&b[..4], b[44], b[49]), (&7u32.to_le_bytes()[..], 1, 1));
}

#[test]
fn fresh_ids_are_distinct_and_deterministic() {
    let mut a = walrus_contracts::TxContext::new(USER, [7; 32]);
    let mut b = walrus_contracts::TxContext::new(USER, [7; 32]);
    let ids: Vec<_> = (0..3).map(|_| a.fresh_id()).collect();
    assert_eq!(ids, (0..3).map(|_| b.fresh_id()).collect::<Vec<_>>());
    assert!(ids[0] != ids[1] && ids[1] != ids[2]);
}
