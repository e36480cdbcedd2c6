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
/// Committee vectors of different lengths, empty, a member with 0 shards or an empty or over-long
/// network address, or > 65535 shards.
pub const E_INVALID_COMMITTEE: AbortCode = AbortCode::new(MODULE, "EInvalidCommittee", 0);
/// Bitmap length != ceil(members / 8) or a bit past the last member.
pub const E_INVALID_BITMAP: AbortCode = AbortCode::new(MODULE, "EInvalidBitmap", 1);
/// Signers below the threshold.
pub const E_NOT_ENOUGH_SHARDS: AbortCode = AbortCode::new(MODULE, "ENotEnoughShards", 2);
/// The aggregate signature does not verify.
pub const E_INVALID_SIGNATURE: AbortCode = AbortCode::new(MODULE, "EInvalidSignature", 3);
/// Longest network address a member may announce (`host:port` of its storage API).
pub const MAX_NETWORK_ADDRESS_BYTES: usize = 256;

/// `0x2::group_ops::EInvalidInput`: a public key that is not a valid compressed G1 point.
pub const GROUP_OPS_E_INVALID_INPUT: AbortCode = AbortCode::new("0x2::group_ops", "EInvalidInput", 1);

/// `0x2::group_ops::Element<G1>`: `{ bytes: vector<u8> }` holding a compressed point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct G1Element {
    /// The 48 compressed bytes.
    pub bytes: Vec<u8>,
}

/// `CommitteeMember { node_id, public_key, n_shards }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitteeMember {
    /// The storage node.
    pub node_id: ObjectId,
    /// Its BLS public key.
    pub public_key: G1Element,
    /// Its shards.
    pub n_shards: u16,
    /// Where clients reach its storage API, `host:port`.
    pub network_address: String,
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
    /// `new_committee`. Member i holds the shards from the sum of the shards of members 0..i on,
    /// contiguously (see [`Committee::shard_range`]).
    pub fn new(
        node_ids: Vec<ObjectId>,
        public_keys: Vec<Vec<u8>>,
        network_addresses: Vec<String>,
        shard_counts: Vec<u16>,
    ) -> MoveResult<Self> {
        let n_members = node_ids.len();
        ensure(
            n_members > 0
                && public_keys.len() == n_members
                && network_addresses.len() == n_members
                && shard_counts.len() == n_members,
            E_INVALID_COMMITTEE,
        )?;
        let mut members = Vec::with_capacity(n_members);
        let mut total_shards = 0u64;
        let members_in = node_ids.into_iter().zip(public_keys).zip(network_addresses).zip(shard_counts);
        for (((node_id, public_key), network_address), n_shards) in members_in {
            ensure(n_shards > 0, E_INVALID_COMMITTEE)?;
            ensure(
                !network_address.is_empty() && network_address.len() <= MAX_NETWORK_ADDRESS_BYTES,
                E_INVALID_COMMITTEE,
            )?;
            total_shards += u64::from(n_shards);
            // `bls12381::g1_from_bytes` aborts in group_ops on anything but a valid point.
            let key: [u8; PUBLIC_KEY_BYTES] =
                public_key.as_slice().try_into().map_err(|_| crate::abort::MoveAbort(GROUP_OPS_E_INVALID_INPUT))?;
            ensure(aggregate_public_keys(&[key]).is_ok(), GROUP_OPS_E_INVALID_INPUT)?;
            members.push(CommitteeMember {
                node_id,
                public_key: G1Element { bytes: public_key },
                n_shards,
                network_address,
            });
        }
        ensure(total_shards <= 65535, E_INVALID_COMMITTEE)?;
        Ok(Self { members, n_shards: total_shards as u16 })
    }

    /// `n_members`.
    pub fn n_members(&self) -> u64 {
        self.members.len() as u64
    }

    /// `n_shards`.
    pub fn n_shards(&self) -> u16 {
        self.n_shards
    }

    /// The shards member `index` holds: the range after those of members `0..index`. Not a Move
    /// function: the rule storage nodes and clients share (`docs/node.md`).
    pub fn shard_range(&self, index: usize) -> std::ops::Range<u16> {
        let start: u16 = self.members[..index].iter().map(|m| m.n_shards).sum();
        start..start + self.members[index].n_shards
    }

    /// The member holding `shard`, if the shard exists.
    pub fn member_of_shard(&self, shard: u16) -> Option<usize> {
        let mut end = 0u16;
        for (index, member) in self.members.iter().enumerate() {
            end += member.n_shards;
            if shard < end {
                return Some(index);
            }
        }
        None
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
                signer_shards += u64::from(member.n_shards);
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
