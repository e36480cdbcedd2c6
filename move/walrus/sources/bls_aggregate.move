/// The storage committee of an epoch and the verification of its certificates.
///
/// A certificate is one BLS12-381 min_pk aggregate signature (96-byte G2 point) over a message,
/// plus a bitmap saying which members signed: bit i (byte i / 8, bit i % 8, least significant
/// bit first) stands for member i. Verification adds up the signers' public keys (48-byte G1
/// points) and checks the signature once against the sum, so a certificate costs one pairing
/// check whatever the committee size. Votes are weighted by shards: a certificate carries the
/// shards of its signers.
///
/// Aggregating public keys is only sound if every key comes with a proof of possession of its
/// secret key (otherwise a member could pick a "rogue" key that cancels the others). The
/// committee is set by the system administrator, who must check those proofs before admitting a
/// key; the staking contract that will replace the administrator must check them on-chain.
module walrus::bls_aggregate;

use std::string::String;
use sui::{bls12381::{Self, G1}, group_ops::Element};

/// The committee vectors differ in length, are empty, give a member zero shards or a network
/// address that is empty or longer than `MAX_NETWORK_ADDRESS_BYTES`, or hold more than 65535
/// shards in total.
const EInvalidCommittee: u64 = 0;
/// The signer bitmap is not ceil(members / 8) bytes long, or sets a bit past the last member.
const EInvalidBitmap: u64 = 1;
/// The signers hold too few shards for the threshold asked for.
const ENotEnoughShards: u64 = 2;
/// The aggregate signature does not verify against the signers' aggregate key.
const EInvalidSignature: u64 = 3;

/// Longest network address a member may announce (`host:port` of its storage API).
const MAX_NETWORK_ADDRESS_BYTES: u64 = 256;

/// BCS layout: node_id (32 bytes), public_key (48 bytes: vector<u8> with its length prefix, as
/// `Element<G1>` is a struct with one `vector<u8>` field), n_shards (u16), network_address
/// (String: length-prefixed UTF-8).
public struct CommitteeMember has copy, drop, store {
    node_id: ID,
    /// Validated on admission, so certificates never re-check it.
    public_key: Element<G1>,
    n_shards: u16,
    /// Where clients reach the node's storage API, `host:port`.
    network_address: String,
}

/// BCS layout: members (vector<CommitteeMember>), n_shards (u16).
public struct Committee has copy, drop, store {
    members: vector<CommitteeMember>,
    /// Sum of the members' shards.
    n_shards: u16,
}

/// Builds a committee from parallel vectors: member i is `node_ids[i]`, with BLS public key
/// `public_keys[i]` (48-byte compressed G1), storage API at `network_addresses[i]` and
/// `shard_counts[i]` shards. Member i holds the shards from the sum of the shards of members
/// 0..i on, contiguously. Aborts with `EInvalidCommittee` for mismatched lengths, no members, a
/// member without shards, an empty or over-long network address, or more than 65535 shards;
/// aborts in `sui::group_ops` (code 1, `EInvalidInput`) for a key that is not a valid G1 point.
public fun new_committee(
    node_ids: vector<ID>,
    public_keys: vector<vector<u8>>,
    network_addresses: vector<String>,
    shard_counts: vector<u16>,
): Committee {
    let n_members = node_ids.length();
    assert!(
        n_members > 0 && public_keys.length() == n_members
            && network_addresses.length() == n_members
            && shard_counts.length() == n_members,
        EInvalidCommittee,
    );
    let mut members = vector[];
    let mut total_shards = 0u64;
    let mut i = 0;
    while (i < n_members) {
        let n_shards = shard_counts[i];
        assert!(n_shards > 0, EInvalidCommittee);
        let network_address = network_addresses[i];
        let address_bytes = network_address.length();
        assert!(address_bytes > 0 && address_bytes <= MAX_NETWORK_ADDRESS_BYTES, EInvalidCommittee);
        total_shards = total_shards + (n_shards as u64);
        members.push_back(CommitteeMember {
            node_id: node_ids[i],
            public_key: bls12381::g1_from_bytes(&public_keys[i]),
            n_shards,
            network_address,
        });
        i = i + 1;
    };
    assert!(total_shards <= 65535, EInvalidCommittee);
    Committee { members, n_shards: (total_shards as u16) }
}

/// Number of members.
public fun n_members(self: &Committee): u64 {
    self.members.length()
}

/// Total shards of the committee.
public fun n_shards(self: &Committee): u16 {
    self.n_shards
}

/// The member at `index` (aborts if out of bounds).
public fun member(self: &Committee, index: u64): &CommitteeMember {
    &self.members[index]
}

/// The member's node id.
public fun node_id(self: &CommitteeMember): ID {
    self.node_id
}

/// The member's compressed public key, 48 bytes.
public fun public_key_bytes(self: &CommitteeMember): vector<u8> {
    *self.public_key.bytes()
}

/// The member's shards.
public fun member_shards(self: &CommitteeMember): u16 {
    self.n_shards
}

/// The member's storage API address, `host:port`.
public fun network_address(self: &CommitteeMember): String {
    self.network_address
}

/// Whether `signer_shards` is a quorum: more than two thirds of all shards, 3 * s > 2 * n.
/// Any two quorums then share more than a third of the shards, at least one honest.
public fun is_quorum(self: &Committee, signer_shards: u64): bool {
    3 * signer_shards > 2 * (self.n_shards as u64)
}

/// Whether `signer_shards` is more than a third of all shards, 3 * s > n: at least one honest
/// signer, enough to establish a fact every honest node can check (an invalid blob id).
public fun is_validity(self: &Committee, signer_shards: u64): bool {
    3 * signer_shards > (self.n_shards as u64)
}

/// Verifies a quorum certificate on `message` and returns the signers' shards. Checks, in order:
/// bitmap (`EInvalidBitmap`), quorum (`ENotEnoughShards`), signature (`EInvalidSignature`).
public fun verify_quorum(
    self: &Committee,
    signature: &vector<u8>,
    signers_bitmap: &vector<u8>,
    message: &vector<u8>,
): u64 {
    let (aggregate_key, signer_shards) = self.aggregate_signers(signers_bitmap);
    assert!(self.is_quorum(signer_shards), ENotEnoughShards);
    verify_signature(signature, &aggregate_key, message);
    signer_shards
}

/// Verifies a validity certificate (more than a third of the shards) on `message` and returns
/// the signers' shards. Same checks and aborts as `verify_quorum` with the lower threshold.
public fun verify_validity(
    self: &Committee,
    signature: &vector<u8>,
    signers_bitmap: &vector<u8>,
    message: &vector<u8>,
): u64 {
    let (aggregate_key, signer_shards) = self.aggregate_signers(signers_bitmap);
    assert!(self.is_validity(signer_shards), ENotEnoughShards);
    verify_signature(signature, &aggregate_key, message);
    signer_shards
}

/// Sums the public keys and shards of the members whose bits are set.
fun aggregate_signers(self: &Committee, signers_bitmap: &vector<u8>): (Element<G1>, u64) {
    let n_members = self.members.length();
    // Exact length: a bitmap has a single encoding, so the Rust side can compare bytes.
    assert!(signers_bitmap.length() == (n_members + 7) / 8, EInvalidBitmap);
    let mut aggregate_key = bls12381::g1_identity();
    let mut signer_shards = 0u64;
    let mut i = 0;
    while (i < signers_bitmap.length() * 8) {
        let byte = signers_bitmap[i / 8];
        if (((byte >> ((i % 8) as u8)) & 1) == 1) {
            assert!(i < n_members, EInvalidBitmap);
            let member = &self.members[i];
            aggregate_key = bls12381::g1_add(&aggregate_key, &member.public_key);
            signer_shards = signer_shards + (member.n_shards as u64);
        };
        i = i + 1;
    };
    (aggregate_key, signer_shards)
}

fun verify_signature(signature: &vector<u8>, aggregate_key: &Element<G1>, message: &vector<u8>) {
    assert!(
        bls12381::bls12381_min_pk_verify(signature, aggregate_key.bytes(), message),
        EInvalidSignature,
    );
}
