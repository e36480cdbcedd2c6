/// Test fixtures shared by the `walrus` tests and the umbrella lifecycle tests: the test committee
/// and certificates of tests/vectors/certificates.json, a ready-made `System`, WAL, and in-Move BLS
/// signing for messages the vectors cannot contain (they name object ids chosen at run time).
///
/// It lives in `sources/` (not `tests/`) so that packages depending on `walrus` can use it in their
/// own tests; `#[test_only]` keeps it out of the published bytecode.
#[test_only]
module walrus::test_utils;

use std::string::{Self, String};
use sui::{bcs, bls12381, clock::{Self, Clock}, coin::{Self, Coin}, test_scenario::{Self, Scenario}};
use wal::wal::WAL;
use walrus::{messages, staking::{Self, Staking}, system::{Self, System, AdminCap, InitCap}};

// === Parameters of the test system ===

const N_SHARDS: u16 = 10;
/// WAL base units per MiB per epoch.
const STORAGE_PRICE: u64 = 1_000;
/// WAL base units per MiB, once.
const WRITE_PRICE: u64 = 2_000;
/// Encoded bytes per epoch: 1 GiB.
const CAPACITY: u64 = 1_073_741_824;
const MAX_EPOCHS_AHEAD: u32 = 5;

// === tests/vectors/certificates.json (regenerate with scripts/vectors/make_certificates.py) ===

// Committee: member i has node id 0x..0(i+1), shards i + 1; secret keys are 32-byte big-endian
// scalars, public keys 48-byte compressed G1 points.
const SK_0: vector<u8> = x"144b27828e305a2d67fc7f4eea6de706b405cdd1ab8ad2daec046ccdeeec8b79";
const PK_0: vector<u8> =
    x"95a254501b7733239ed3cec4d56737977bd09ede881d8a234560e83e5525017add3b1dcc3eabfb85e12a4131b19c253b";
const SK_1: vector<u8> = x"1ff56eef5220c383a6522aa9a92776e3034bf1153839d54c9e3d2bcb6c04948e";
const PK_1: vector<u8> =
    x"ac80a5e08c712d5f08f0306ad743f7d8c215d982489b84a1d6ba805733d94c006e8938f9089a75db3ffa135af33bc69a";
const SK_2: vector<u8> = x"70af5b11c1e57ab1ad314bf7178e5298a53d39922592216a21990e7e1293d0e2";
const PK_2: vector<u8> =
    x"96df714a5cc9ddd2298546dce3d6d3827762a6d5b1c2a91e5ca93c9c898b1b4319cc105c493212a55b63080732ec2249";
const SK_3: vector<u8> = x"47db882465dce1179503001f752877b84919f40a37b92f955aa527e5f7459a68";
const PK_3: vector<u8> =
    x"95e05aea89db0e84b87ab96a0203cbff924f86a35494c9a9ce274b768fc555a6b761f2fc2b1b58d9cda73d4cdf4bca24";

// storage_confirmation_permanent: epoch 1, encoding type 1.
const PERMANENT_ROOT_HASH: vector<u8> =
    x"d3d2178a7c6fb984d5699cfcc5fb17552e5291eff18f834862607c99562ed93b";
const PERMANENT_BLOB_ID: vector<u8> =
    x"c6c7fabf82c4920f51a35b2d24906fa5cd44adaf616ebe512d0287d994610d41";
const PERMANENT_SIZE: u64 = 10000;
const PERMANENT_MESSAGE: vector<u8> =
    x"00000301000000c6c7fabf82c4920f51a35b2d24906fa5cd44adaf616ebe512d0287d994610d4100";
const PERMANENT_QUORUM_SIGNATURE: vector<u8> =
    x"8dfb57aa2ec7019024447c4055bcedcc9903d1e2e78b64fe2db67c6ac87f19cf85bb70c3ad11892dfd96613244ffa810084ea9bf0d7da861fb22066dec6849749ee98d7df9a9546c5feae124f119a96b39c661dbe35c5295be790f0985d94d6f";
const PERMANENT_SUB_QUORUM_SIGNATURE: vector<u8> =
    x"b18f7dbd79c7fb2a6ef9ca3b8b917e5aea297d5e4d521d420b2c914fed9dba98d7f160b55c8aebede2fac500c9cee89b139a919a7e356b0b42fad65066dfea38bbc8307bbcbd4a59500278a0c3379104b9617189ff0240fe1b07cd11e50d3237";
const PERMANENT_BELOW_VALIDITY_SIGNATURE: vector<u8> =
    x"93b19d1f9aace96b94d8ca84d3c13d8fbc328d214c9296f97c18e3621f6f1320bb1f8ff3fa91339a1c0d7455e7cc1d44050bca861c96317fbe095d202d77d78ed43647e73bc2e27c4daab46ceb5268002de343109559e53e49ef8058ea96b103";

// storage_confirmation_deletable: epoch 1, encoding type 1.
const DELETABLE_ROOT_HASH: vector<u8> =
    x"b5b5dfffa310e5ed216bf202654b8efda312475359ad1e9ffd2213cdd87050a7";
const DELETABLE_BLOB_ID: vector<u8> =
    x"6655444dd928213793e3f31f8123c4de0f617a0d21f9453fd87548d756a97ea9";
const DELETABLE_SIZE: u64 = 20000;
const DELETABLE_OBJECT_ID: address =
    @0x0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b;
const DELETABLE_MESSAGE: vector<u8> =
    x"000003010000006655444dd928213793e3f31f8123c4de0f617a0d21f9453fd87548d756a97ea9010b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b";
const DELETABLE_QUORUM_SIGNATURE: vector<u8> =
    x"946277a483747f57a235a7b677ecf88f58d652fb1b1fa2b1d2113fe566bc97bc801269e77808d122232bc7538a3347a704594fd66988b952a6b550d4f530fea4d8046dba50254e2d3be902552c38a9a4e5fac27022bcb89add98e06b1d6868b9";
const DELETABLE_SUB_QUORUM_SIGNATURE: vector<u8> =
    x"a6b2388621cb6b2029de439a126bb5f388666a50f7d69aada1a9e22102e225bb0a58a5999b7dfe5d5cbbe538fa50953a02c3be5361653ccd29a142f84fd3263657f1e43100a8d4a3877ff59bba505c690300769ea92988b13e5630d3869dcd56";
const DELETABLE_BELOW_VALIDITY_SIGNATURE: vector<u8> =
    x"a149e29f6e7f1b99a51528bae9527bcd8e6337c4979500cb93f1219b6c8e2b63d8f550a439c53c269e615ddbd7b3a33007ad4b98250574efd0bb8b068d2845e2fc8af5ffc205129a987913949e8551e471e8b0a71e3f6b37d3e44ad63ffd8d4b";

// invalid_blob_id: epoch 1, encoding type 1.
const INVALID_ROOT_HASH: vector<u8> =
    x"1a62860cc379cbd4fc3219952a7df27702bb0f7596e3167238dde7ac1c861936";
const INVALID_BLOB_ID: vector<u8> =
    x"08059d24ffa9af5a6421f6028249f608b1d519560b1af2dd95eee71fe99a4ca6";
const INVALID_SIZE: u64 = 30000;
const INVALID_MESSAGE: vector<u8> =
    x"0100030100000008059d24ffa9af5a6421f6028249f608b1d519560b1af2dd95eee71fe99a4ca6";
const INVALID_QUORUM_SIGNATURE: vector<u8> =
    x"9410f14e2ab807d8842d77a51e7a1835f55cf13a4fa38cdac639f8c055ab8fd24f86665058d45ed8f1c7563e0365321217ac8e8cbee07a64e7798f19e361dc9d77e6d18ca11bb803d378bc863b3ffbf51b9d375ba3c176eb4b8e43be84201f01";
const INVALID_SUB_QUORUM_SIGNATURE: vector<u8> =
    x"951503850af5bcc6ba98d3a26f1072d253a94ae8e55fb45aee95f361944fdbca449a8b3461bfd46d5c4a5ac6a673111910c52c603b847edae70dbbc0b0aebff8501e3c8f5ed61f9e69ff651159de6c16575c4c8bc7333314a70356e1224d11f3";
const INVALID_BELOW_VALIDITY_SIGNATURE: vector<u8> =
    x"9222023c4b9ad4c967c856eee804b047349191f0e8ac3ffe38def3cf69d3384a541011352f1304498e38d303f1615d5401363bf49bbe8bbbd2b3c648cfedadd2bc39f8520cb7ed318ac458f5b2506d075b63a2cc40013b16d3c9e676bf34a055";

const QUORUM_BITMAP: vector<u8> = x"0e";
const SUB_QUORUM_BITMAP: vector<u8> = x"07";
const BELOW_VALIDITY_BITMAP: vector<u8> = x"03";

// === Committee ===

public fun n_shards(): u16 {
    N_SHARDS
}

public fun storage_price(): u64 {
    STORAGE_PRICE
}

public fun write_price(): u64 {
    WRITE_PRICE
}

public fun capacity(): u64 {
    CAPACITY
}

public fun max_epochs_ahead(): u32 {
    MAX_EPOCHS_AHEAD
}

public fun node_ids(): vector<ID> {
    vector[
        object::id_from_address(@0x1),
        object::id_from_address(@0x2),
        object::id_from_address(@0x3),
        object::id_from_address(@0x4),
    ]
}

public fun public_keys(): vector<vector<u8>> {
    vector[PK_0, PK_1, PK_2, PK_3]
}

public fun secret_keys(): vector<vector<u8>> {
    vector[SK_0, SK_1, SK_2, SK_3]
}

public fun network_addresses(): vector<String> {
    vector[
        string::utf8(b"127.0.0.1:9101"),
        string::utf8(b"127.0.0.1:9102"),
        string::utf8(b"127.0.0.1:9103"),
        string::utf8(b"127.0.0.1:9104"),
    ]
}

public fun shard_counts(): vector<u16> {
    vector[1, 2, 3, 4]
}

/// Members 1, 2, 3: 9 of 10 shards, a quorum.
public fun quorum_bitmap(): vector<u8> {
    QUORUM_BITMAP
}

/// Members 0, 1, 2: 6 of 10 shards, validity but no quorum.
public fun sub_quorum_bitmap(): vector<u8> {
    SUB_QUORUM_BITMAP
}

/// Members 0, 1: 3 of 10 shards, below validity.
public fun below_validity_bitmap(): vector<u8> {
    BELOW_VALIDITY_BITMAP
}

// === Certificate vectors ===

/// Reads 32 little-endian bytes as a u256 (the BCS encoding of a u256).
public fun u256_from_le_bytes(bytes: vector<u8>): u256 {
    bcs::new(bytes).peel_u256()
}

public fun permanent_root_hash(): u256 {
    u256_from_le_bytes(PERMANENT_ROOT_HASH)
}

public fun permanent_blob_id(): u256 {
    u256_from_le_bytes(PERMANENT_BLOB_ID)
}

public fun permanent_size(): u64 {
    PERMANENT_SIZE
}

public fun permanent_message(): vector<u8> {
    PERMANENT_MESSAGE
}

public fun permanent_quorum_signature(): vector<u8> {
    PERMANENT_QUORUM_SIGNATURE
}

public fun permanent_sub_quorum_signature(): vector<u8> {
    PERMANENT_SUB_QUORUM_SIGNATURE
}

public fun permanent_below_validity_signature(): vector<u8> {
    PERMANENT_BELOW_VALIDITY_SIGNATURE
}

public fun deletable_root_hash(): u256 {
    u256_from_le_bytes(DELETABLE_ROOT_HASH)
}

public fun deletable_blob_id(): u256 {
    u256_from_le_bytes(DELETABLE_BLOB_ID)
}

public fun deletable_size(): u64 {
    DELETABLE_SIZE
}

public fun deletable_object_id(): ID {
    object::id_from_address(DELETABLE_OBJECT_ID)
}

public fun deletable_message(): vector<u8> {
    DELETABLE_MESSAGE
}

public fun deletable_quorum_signature(): vector<u8> {
    DELETABLE_QUORUM_SIGNATURE
}

public fun deletable_sub_quorum_signature(): vector<u8> {
    DELETABLE_SUB_QUORUM_SIGNATURE
}

public fun deletable_below_validity_signature(): vector<u8> {
    DELETABLE_BELOW_VALIDITY_SIGNATURE
}

public fun invalid_root_hash(): u256 {
    u256_from_le_bytes(INVALID_ROOT_HASH)
}

public fun invalid_blob_id(): u256 {
    u256_from_le_bytes(INVALID_BLOB_ID)
}

public fun invalid_size(): u64 {
    INVALID_SIZE
}

public fun invalid_message(): vector<u8> {
    INVALID_MESSAGE
}

public fun invalid_quorum_signature(): vector<u8> {
    INVALID_QUORUM_SIGNATURE
}

public fun invalid_sub_quorum_signature(): vector<u8> {
    INVALID_SUB_QUORUM_SIGNATURE
}

public fun invalid_below_validity_signature(): vector<u8> {
    INVALID_BELOW_VALIDITY_SIGNATURE
}

// === BLS signing ===

/// The min_pk public key (48-byte compressed G1) of a 32-byte big-endian secret scalar.
public fun public_key_from_secret(secret_key: &vector<u8>): vector<u8> {
    let scalar = bls12381::scalar_from_bytes(secret_key);
    let public_key = bls12381::g1_mul(&scalar, &bls12381::g1_generator());
    *public_key.bytes()
}

/// The aggregate min_pk signature (96-byte compressed G2) of the committee members at
/// `signers` over `message`. Signing is linear, so the aggregate is the signature under the sum
/// of the secret keys: one hash to the curve instead of one per signer.
public fun sign(message: &vector<u8>, signers: vector<u64>): vector<u8> {
    let secret_keys = secret_keys();
    let mut secret = bls12381::scalar_zero();
    signers.do!(|i| {
        let scalar = bls12381::scalar_from_bytes(&secret_keys[i]);
        secret = bls12381::scalar_add(&secret, &scalar);
    });
    let point = bls12381::hash_to_g2(message);
    let signature = bls12381::g2_mul(&secret, &point);
    *signature.bytes()
}

/// The min_pk signature (96-byte compressed G2) of one secret key over `message`.
public fun sign_with_secret(message: &vector<u8>, secret_key: &vector<u8>): vector<u8> {
    let scalar = bls12381::scalar_from_bytes(secret_key);
    let point = bls12381::hash_to_g2(message);
    let signature = bls12381::g2_mul(&scalar, &point);
    *signature.bytes()
}

/// The proof of possession of `secret_key` for a registration by `sender` in `epoch`.
public fun proof_of_possession(secret_key: &vector<u8>, epoch: u32, sender: address): vector<u8> {
    let message = messages::proof_of_possession_message(
        epoch,
        sender,
        public_key_from_secret(secret_key),
    );
    sign_with_secret(&message, secret_key)
}

/// The signer bitmap of `signers` for the 4-member test committee.
public fun bitmap(signers: vector<u64>): vector<u8> {
    let mut byte = 0u8;
    signers.do!(|i| byte = byte | (1u8 << (i as u8)));
    vector[byte]
}

/// A quorum certificate (members 1, 2, 3) over `message`: (signature, bitmap).
public fun quorum_certificate(message: &vector<u8>): (vector<u8>, vector<u8>) {
    (sign(message, vector[1, 2, 3]), QUORUM_BITMAP)
}

// === Scenario helpers ===

/// Publishes the system with the test committee; the sender keeps the `AdminCap`. Leaves the
/// scenario at the start of a new transaction by the same sender, with the `System` shared.
public fun setup(scenario: &mut Scenario) {
    let admin = scenario.sender();
    system::init_for_testing(scenario.ctx());
    scenario.next_tx(admin);
    let init_cap = scenario.take_from_sender<InitCap>();
    let admin_cap = system::create(
        init_cap,
        N_SHARDS,
        node_ids(),
        public_keys(),
        network_addresses(),
        shard_counts(),
        STORAGE_PRICE,
        WRITE_PRICE,
        CAPACITY,
        MAX_EPOCHS_AHEAD,
        scenario.ctx(),
    );
    transfer::public_transfer(admin_cap, admin);
    scenario.next_tx(admin);
}

/// Advances `system` one epoch without staking, keeping the test committee (the `AdminCap`
/// only shows who may do this in a test).
public fun advance_epoch(system: &mut System, _: &AdminCap) {
    system.advance_epoch_for_testing(
        node_ids(),
        public_keys(),
        network_addresses(),
        shard_counts(),
    );
}

/// Takes the shared `System`, advances one epoch without staking, returns it.
public fun advance_epoch_in_scenario(scenario: &mut Scenario) {
    let mut system = scenario.take_shared<System>();
    system.advance_epoch_for_testing(
        node_ids(),
        public_keys(),
        network_addresses(),
        shard_counts(),
    );
    test_scenario::return_shared(system);
}

/// Takes the rewards of finished epochs without staking.
public fun withdraw_rewards(system: &mut System, ctx: &mut TxContext): Coin<WAL> {
    system.withdraw_rewards_for_testing(ctx)
}

/// Mints WAL out of thin air (base units).
public fun mint_wal(value: u64, ctx: &mut TxContext): Coin<WAL> {
    coin::mint_for_testing<WAL>(value, ctx)
}

// === Staking ===

/// One WAL in FROST.
const FROST_PER_WAL: u64 = 1_000_000_000;
/// Epoch length of the test staking object: one hour.
const EPOCH_DURATION_MS: u64 = 3_600_000;
const MAX_COMMITTEE_SIZE: u16 = 10;
const MAX_SHARDS_PER_NODE: u16 = 10;
/// A BLS secret key outside the test committee, for registering new nodes.
const CANDIDATE_SK: vector<u8> =
    x"0000000000000000000000000000000000000000000000000000000000000005";

public fun frost_per_wal(): u64 {
    FROST_PER_WAL
}

public fun epoch_duration_ms(): u64 {
    EPOCH_DURATION_MS
}

public fun max_committee_size(): u16 {
    MAX_COMMITTEE_SIZE
}

public fun max_shards_per_node(): u16 {
    MAX_SHARDS_PER_NODE
}

public fun candidate_secret_key(): vector<u8> {
    CANDIDATE_SK
}

/// Operators of the genesis pools: member i's `StorageNodeCap` and stake go to operator i.
public fun operators(): vector<address> {
    vector[@0xA0, @0xA1, @0xA2, @0xA3]
}

/// Genesis stake of member i: (i + 1) * 1000 WAL, in proportion to its shards.
public fun genesis_stakes(): vector<u64> {
    vector[
        1_000 * FROST_PER_WAL,
        2_000 * FROST_PER_WAL,
        3_000 * FROST_PER_WAL,
        4_000 * FROST_PER_WAL,
    ]
}

/// Publishes the system (as `setup`) and the staking object with the genesis stakes and
/// `burn_bps`, and shares a clock at time 0. Leaves the scenario at the start of a new
/// transaction by the same sender.
public fun setup_with_staking_and_burn(scenario: &mut Scenario, burn_bps: u16) {
    setup(scenario);
    let admin = scenario.sender();
    let clock = clock::create_for_testing(scenario.ctx());
    let mut system = scenario.take_shared<System>();
    let cap = scenario.take_from_sender<AdminCap>();
    let mut stake = mint_wal(10_000 * FROST_PER_WAL, scenario.ctx());
    staking::create(
        cap,
        &mut system,
        operators(),
        &mut stake,
        genesis_stakes(),
        EPOCH_DURATION_MS,
        MAX_COMMITTEE_SIZE,
        MAX_SHARDS_PER_NODE,
        burn_bps,
        &clock,
        scenario.ctx(),
    );
    stake.burn_for_testing();
    clock.share_for_testing();
    test_scenario::return_shared(system);
    scenario.next_tx(admin);
}

/// `setup_with_staking_and_burn` without burning.
public fun setup_with_staking(scenario: &mut Scenario) {
    setup_with_staking_and_burn(scenario, 0)
}

/// Moves the shared clock `ms` milliseconds forward, then starts a new transaction by the same
/// sender (as all the scenario helpers below do).
public fun advance_clock(scenario: &mut Scenario, ms: u64) {
    let mut clock = scenario.take_shared<Clock>();
    clock.increment_for_testing(ms);
    test_scenario::return_shared(clock);
    let sender = scenario.sender();
    scenario.next_tx(sender);
}

/// Half an epoch later, `voting_end`.
public fun voting_end_in_scenario(scenario: &mut Scenario) {
    advance_clock(scenario, EPOCH_DURATION_MS / 2);
    let mut staking = scenario.take_shared<Staking>();
    let clock = scenario.take_shared<Clock>();
    staking.voting_end(&clock);
    test_scenario::return_shared(clock);
    test_scenario::return_shared(staking);
    let sender = scenario.sender();
    scenario.next_tx(sender);
}

/// Another half epoch later, `initiate_epoch_change`.
public fun initiate_epoch_change_in_scenario(scenario: &mut Scenario) {
    advance_clock(scenario, EPOCH_DURATION_MS - EPOCH_DURATION_MS / 2);
    let mut staking = scenario.take_shared<Staking>();
    let mut system = scenario.take_shared<System>();
    let clock = scenario.take_shared<Clock>();
    staking.initiate_epoch_change(&mut system, &clock);
    test_scenario::return_shared(clock);
    test_scenario::return_shared(system);
    test_scenario::return_shared(staking);
    let sender = scenario.sender();
    scenario.next_tx(sender);
}

/// `operator` signals `epoch_sync_done` for the current epoch with its `StorageNodeCap`.
public fun sync_in_scenario(scenario: &mut Scenario, operator: address) {
    let sender = scenario.sender();
    scenario.next_tx(operator);
    let mut staking = scenario.take_shared<Staking>();
    let clock = scenario.take_shared<Clock>();
    let cap = scenario.take_from_sender<walrus::storage_node::StorageNodeCap>();
    let epoch = staking.epoch();
    staking.epoch_sync_done(&cap, epoch, &clock);
    scenario.return_to_sender(cap);
    test_scenario::return_shared(clock);
    test_scenario::return_shared(staking);
    scenario.next_tx(sender);
}

/// `voting_end`, then `initiate_epoch_change`, each as soon as allowed.
public fun epoch_change_in_scenario(scenario: &mut Scenario) {
    voting_end_in_scenario(scenario);
    initiate_epoch_change_in_scenario(scenario);
}
