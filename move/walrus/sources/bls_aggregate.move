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
/// secret key (otherwise a member could pick a "rogue" key that cancels the others). Keys of the
/// genesis committee are vouched for by the administrator who creates the system; every later
/// member is a staking pool whose key `staking::register_candidate` checked on-chain.
module walrus::bls_aggregate;

use std::string::String;
use sui::{bls12381::{Self, G1}, group_ops::Element};

/// The committee vectors differ in length or are empty; a member has no shard, a shard id out of
/// range, repeated or out of order, or a network address that is empty or longer than
/// `MAX_NETWORK_ADDRESS_BYTES`; or the committee holds more than 65535 shards.
const EInvalidCommittee: u64 = 0;
/// The signer bitmap is not ceil(members / 8) bytes long, or sets a bit past the last member.
const EInvalidBitmap: u64 = 1;
/// The signers hold too few shards for the threshold asked for.
const ENotEnoughShards: u64 = 2;
/// The aggregate signature does not verify against the signers' aggregate key.
const EInvalidSignature: u64 = 3;

/// Longest network address a member may announce (`host:port` of its storage API).
const MAX_NETWORK_ADDRESS_BYTES: u64 = 256;
/// Shard ids are `u16`, so a committee holds at most this many shards.
const MAX_SHARDS: u64 = 65535;

/// BCS layout: node_id (32 bytes), public_key (48 bytes: vector<u8> with its length prefix, as
/// `Element<G1>` is a struct with one `vector<u8>` field), shard_ids (vector<u16>), network_address
/// (String: length-prefixed UTF-8).
public struct CommitteeMember has copy, drop, store {
    node_id: ID,
    /// Validated on admission, so certificates never re-check it.
    public_key: Element<G1>,
    /// The shards the member holds, strictly increasing. The lists of all members are disjoint
    /// and together cover `0..n_shards`; sliver pair `p` of every blob is stored by the holder
    /// of shard `p`.
    shard_ids: vector<u16>,
    /// Where clients reach the node's storage API, `host:port`.
    network_address: String,
}

/// BCS layout: members (vector<CommitteeMember>), n_shards (u16).
public struct Committee has copy, drop, store {
    members: vector<CommitteeMember>,
    /// Sum of the members' shards.
    n_shards: u16,
}

/// Builds a committee from parallel vectors with a contiguous shard assignment: member i is
/// `node_ids[i]`, with BLS public key `public_keys[i]` (48-byte compressed G1), storage API at
/// `network_addresses[i]` and `shard_counts[i]` shards, the ones from the sum of the shards of
/// members 0..i on. Checks as `new_committee_with_shards`.
public fun new_committee(
    node_ids: vector<ID>,
    public_keys: vector<vector<u8>>,
    network_addresses: vector<String>,
    shard_counts: vector<u16>,
): Committee {
    let mut total = 0u64;
    shard_counts.do_ref!(|count| total = total + ((*count) as u64));
    // Checked before building the lists, so absurd counts never allocate.
    assert!(total <= MAX_SHARDS, EInvalidCommittee);
    let mut shard_ids = vector[];
    let mut next = 0u64;
    shard_counts.do_ref!(|count| {
        let end = next + ((*count) as u64);
        let mut ids = vector[];
        while (next < end) {
            ids.push_back((next as u16));
            next = next + 1;
        };
        shard_ids.push_back(ids);
    });
    new_committee_with_shards(node_ids, public_keys, network_addresses, shard_ids)
}

/// Builds a committee with explicit shard lists: member i is `node_ids[i]` with key
/// `public_keys[i]`, address `network_addresses[i]` and the shards `shard_ids[i]`. The committee
/// holds as many shards as the lists have entries together, and the lists must partition
/// `0..n_shards`, each strictly increasing. Checks, in order: vector lengths equal and non-empty,
/// total shards in 1..=65535 (`EInvalidCommittee`); then per member: a non-empty list of unused
/// shard ids below the total in increasing order, a network address of 1 to 256 bytes
/// (`EInvalidCommittee`), a valid key (`sui::group_ops` code 1, `EInvalidInput`).
public fun new_committee_with_shards(
    node_ids: vector<ID>,
    public_keys: vector<vector<u8>>,
    network_addresses: vector<String>,
    shard_ids: vector<vector<u16>>,
): Committee {
    let n_members = node_ids.length();
    assert!(
        n_members > 0 && public_keys.length() == n_members
            && network_addresses.length() == n_members
            && shard_ids.length() == n_members,
        EInvalidCommittee,
    );
    let mut total = 0u64;
    shard_ids.do_ref!(|ids| total = total + ids.length());
    assert!(total > 0 && total <= MAX_SHARDS, EInvalidCommittee);
    let mut used = vector[];
    let mut k = 0;
    while (k < total) {
        used.push_back(false);
        k = k + 1;
    };
    let mut members = vector[];
    let mut i = 0;
    while (i < n_members) {
        let ids = shard_ids[i];
        assert!(!ids.is_empty(), EInvalidCommittee);
        let mut j = 0;
        while (j < ids.length()) {
            let shard = (ids[j] as u64);
            assert!(shard < total && !used[shard], EInvalidCommittee);
            assert!(j == 0 || ids[j - 1] < ids[j], EInvalidCommittee);
            let slot = &mut used[shard];
            *slot = true;
            j = j + 1;
        };
        let network_address = network_addresses[i];
        let address_bytes = network_address.length();
        assert!(address_bytes > 0 && address_bytes <= MAX_NETWORK_ADDRESS_BYTES, EInvalidCommittee);
        members.push_back(CommitteeMember {
            node_id: node_ids[i],
            public_key: bls12381::g1_from_bytes(&public_keys[i]),
            shard_ids: ids,
            network_address,
        });
        i = i + 1;
    };
    // Every id is below `total`, none repeats and there are `total` of them: they cover all.
    Committee { members, n_shards: (total as u16) }
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

/// The index of the member with node id `node_id`, if it is a member.
public fun index_of(self: &Committee, node_id: ID): Option<u64> {
    self.members.find_index!(|member| member.node_id == node_id)
}

/// The member's node id.
public fun node_id(self: &CommitteeMember): ID {
    self.node_id
}

/// The member's compressed public key, 48 bytes.
public fun public_key_bytes(self: &CommitteeMember): vector<u8> {
    *self.public_key.bytes()
}

/// The number of shards the member holds: its weight in certificates.
public fun member_shards(self: &CommitteeMember): u16 {
    (self.shard_ids.length() as u16)
}

/// The shards the member holds, strictly increasing.
public fun shard_ids(self: &CommitteeMember): &vector<u16> {
    &self.shard_ids
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
            signer_shards = signer_shards + member.shard_ids.length();
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
