//! `walrus::bls_aggregate`: the committee and its certificates. A certificate is an aggregate
//! BLS12-381 min_pk signature with a signer bitmap; quorum is `3 * signer_shards > 2 * n_shards`,
//! validity `3 * signer_shards > n_shards` (`docs/chain.md` §5).

use serde::{Deserialize, Serialize};
use walrus_core::messages::{PUBLIC_KEY_BYTES, SIGNATURE_BYTES, aggregate_public_keys, verify};

use crate::{
    abort::{AbortCode, MoveResult, ensure},
    framework::ObjectId,
};

const MODULE: &str = "walrus::bls_aggregate";
/// Committee vectors of different lengths or empty; a member without shards, with a shard id out
/// of range, repeated or out of order, or with an empty or over-long network address; or more
/// than 65535 shards.
pub const E_INVALID_COMMITTEE: AbortCode = AbortCode::new(MODULE, "EInvalidCommittee", 0);
/// Bitmap length != ceil(members / 8) or a bit past the last member.
pub const E_INVALID_BITMAP: AbortCode = AbortCode::new(MODULE, "EInvalidBitmap", 1);
/// Signers below the threshold.
pub const E_NOT_ENOUGH_SHARDS: AbortCode = AbortCode::new(MODULE, "ENotEnoughShards", 2);
/// The aggregate signature does not verify.
pub const E_INVALID_SIGNATURE: AbortCode = AbortCode::new(MODULE, "EInvalidSignature", 3);
/// Longest network address a member may announce (`host:port` of its storage API).
pub const MAX_NETWORK_ADDRESS_BYTES: usize = 256;
/// Shard ids are `u16`, so a committee holds at most this many shards.
pub const MAX_SHARDS: u64 = 65535;

/// `0x2::group_ops::EInvalidInput`: a public key that is not a valid compressed G1 point.
pub const GROUP_OPS_E_INVALID_INPUT: AbortCode = AbortCode::new("0x2::group_ops", "EInvalidInput", 1);

/// `0x2::group_ops::Element<G1>`: `{ bytes: vector<u8> }` holding a compressed point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct G1Element {
    /// The 48 compressed bytes.
    pub bytes: Vec<u8>,
}

impl G1Element {
    /// `bls12381::g1_from_bytes`: aborts in `group_ops` unless `bytes` is a valid compressed G1
    /// point.
    pub fn from_bytes(bytes: Vec<u8>) -> MoveResult<Self> {
        let key: [u8; PUBLIC_KEY_BYTES] =
            bytes.as_slice().try_into().map_err(|_| crate::abort::MoveAbort(GROUP_OPS_E_INVALID_INPUT))?;
        ensure(aggregate_public_keys(&[key]).is_ok(), GROUP_OPS_E_INVALID_INPUT)?;
        Ok(Self { bytes })
    }
}

/// `CommitteeMember { node_id, public_key, shard_ids, network_address }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitteeMember {
    /// The storage node.
    pub node_id: ObjectId,
    /// Its BLS public key.
    pub public_key: G1Element,
    /// The shards it holds, strictly increasing; the members' lists partition `0..n_shards`.
    /// Sliver pair `p` of every blob is stored by the holder of shard `p`.
    pub shard_ids: Vec<u16>,
    /// Where clients reach its storage API, `host:port`.
    pub network_address: String,
}

impl CommitteeMember {
    /// `member_shards`: the number of shards, the member's weight in certificates.
    pub fn n_shards(&self) -> u16 {
        self.shard_ids.len() as u16
    }
}

/// `Committee { members, n_shards }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Committee {
    /// Members; member i is bit i of signer bitmaps.
    pub members: Vec<CommitteeMember>,
    /// Sum of the members' shards.
    pub n_shards: u16,
}

impl Committee {
    /// `new_committee`: member i holds `shard_counts[i]` shards, contiguously from the sum of
    /// the shards of members 0..i on. Checks as [`Committee::new_with_shards`].
    pub fn new(
        node_ids: Vec<ObjectId>,
        public_keys: Vec<Vec<u8>>,
        network_addresses: Vec<String>,
        shard_counts: Vec<u16>,
    ) -> MoveResult<Self> {
        let total: u64 = shard_counts.iter().map(|&c| u64::from(c)).sum();
        ensure(total <= MAX_SHARDS, E_INVALID_COMMITTEE)?;
        let mut next = 0u16;
        let shard_ids = shard_counts
            .iter()
            .map(|&count| {
                let ids = (next..next + count).collect();
                next += count;
                ids
            })
            .collect();
        Self::new_with_shards(node_ids, public_keys, network_addresses, shard_ids)
    }

    /// `new_committee_with_shards`: explicit shard lists, which must partition `0..n` (n = the
    /// number of ids listed), each strictly increasing. Checks, in order: vector lengths equal
    /// and non-empty, total shards in 1..=65535; per member: a non-empty list of unused ids
    /// below the total in increasing order, a network address of 1 to 256 bytes
    /// (`E_INVALID_COMMITTEE`), a valid key (`GROUP_OPS_E_INVALID_INPUT`).
    pub fn new_with_shards(
        node_ids: Vec<ObjectId>,
        public_keys: Vec<Vec<u8>>,
        network_addresses: Vec<String>,
        shard_ids: Vec<Vec<u16>>,
    ) -> MoveResult<Self> {
        let n_members = node_ids.len();
        ensure(
            n_members > 0
                && public_keys.len() == n_members
                && network_addresses.len() == n_members
                && shard_ids.len() == n_members,
            E_INVALID_COMMITTEE,
        )?;
        let total: u64 = shard_ids.iter().map(|ids| ids.len() as u64).sum();
        ensure(total > 0 && total <= MAX_SHARDS, E_INVALID_COMMITTEE)?;
        let mut used = vec![false; total as usize];
        let mut members = Vec::with_capacity(n_members);
        let members_in = node_ids.into_iter().zip(public_keys).zip(network_addresses).zip(shard_ids);
        for (((node_id, public_key), network_address), ids) in members_in {
            ensure(!ids.is_empty(), E_INVALID_COMMITTEE)?;
            for (j, &shard) in ids.iter().enumerate() {
                let index = usize::from(shard);
                ensure(u64::from(shard) < total && !used[index], E_INVALID_COMMITTEE)?;
                ensure(j == 0 || ids[j - 1] < shard, E_INVALID_COMMITTEE)?;
                used[index] = true;
            }
            ensure(
                !network_address.is_empty() && network_address.len() <= MAX_NETWORK_ADDRESS_BYTES,
                E_INVALID_COMMITTEE,
            )?;
            let public_key = G1Element::from_bytes(public_key)?;
            members.push(CommitteeMember { node_id, public_key, shard_ids: ids, network_address });
        }
        Ok(Self { members, n_shards: total as u16 })
    }

    /// `n_members`.
    pub fn n_members(&self) -> u64 {
        self.members.len() as u64
    }

    /// `n_shards`.
    pub fn n_shards(&self) -> u16 {
        self.n_shards
    }

    /// `index_of`: the index of the member with `node_id`.
    pub fn index_of(&self, node_id: &ObjectId) -> Option<usize> {
        self.members.iter().position(|m| m.node_id == *node_id)
    }

    /// The member holding `shard`, if the shard exists. Not a Move function: the lookup storage
    /// nodes and clients use to find a sliver pair's node.
    pub fn member_of_shard(&self, shard: u16) -> Option<usize> {
        self.members.iter().position(|m| m.shard_ids.binary_search(&shard).is_ok())
    }

    /// `is_quorum`.
    pub fn is_quorum(&self, signer_shards: u64) -> bool {
        3 * signer_shards > 2 * u64::from(self.n_shards)
    }

    /// `is_validity`.
    pub fn is_validity(&self, signer_shards: u64) -> bool {
        3 * signer_shards > u64::from(self.n_shards)
    }

    /// `verify_quorum`: returns the signers' shards.
    pub fn verify_quorum(&self, signature: &[u8], signers_bitmap: &[u8], message: &[u8]) -> MoveResult<u64> {
        let (keys, signer_shards) = self.signers(signers_bitmap)?;
        ensure(self.is_quorum(signer_shards), E_NOT_ENOUGH_SHARDS)?;
        verify_signature(signature, &keys, message)?;
        Ok(signer_shards)
    }

    /// `verify_validity`: returns the signers' shards.
    pub fn verify_validity(&self, signature: &[u8], signers_bitmap: &[u8], message: &[u8]) -> MoveResult<u64> {
        let (keys, signer_shards) = self.signers(signers_bitmap)?;
        ensure(self.is_validity(signer_shards), E_NOT_ENOUGH_SHARDS)?;
        verify_signature(signature, &keys, message)?;
        Ok(signer_shards)
    }

    /// The signers' keys and total shards; checks the bitmap as Move's `aggregate_signers`.
    fn signers(&self, signers_bitmap: &[u8]) -> MoveResult<(Vec<[u8; PUBLIC_KEY_BYTES]>, u64)> {
        let n_members = self.members.len();
        ensure(signers_bitmap.len() == n_members.div_ceil(8), E_INVALID_BITMAP)?;
        let mut keys = Vec::new();
        let mut signer_shards = 0u64;
        for i in 0..signers_bitmap.len() * 8 {
            if (signers_bitmap[i / 8] >> (i % 8)) & 1 == 1 {
                ensure(i < n_members, E_INVALID_BITMAP)?;
                let member = &self.members[i];
                keys.push(member.public_key.bytes.as_slice().try_into().expect("validated at committee creation"));
                signer_shards += member.shard_ids.len() as u64;
            }
        }
        Ok((keys, signer_shards))
    }
}

fn verify_signature(signature: &[u8], keys: &[[u8; PUBLIC_KEY_BYTES]], message: &[u8]) -> MoveResult<()> {
    let valid = match (aggregate_public_keys(keys), <[u8; SIGNATURE_BYTES]>::try_from(signature)) {
        (Ok(aggregate), Ok(signature)) => verify(&aggregate, message, &signature),
        // A malformed signature is just an invalid one, as `bls12381_min_pk_verify` returns false.
        _ => false,
    };
    ensure(valid, E_INVALID_SIGNATURE)
}
