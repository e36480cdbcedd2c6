//! `walrus::committee`: committee selection (`docs/chain.md`, "Committee selection"): candidate
//! order, shards per member by the largest remainder method with a cap, shard lists that move
//! as few shards as possible, and the shard-weighted vote percentiles for prices and capacity.

use crate::{bls_aggregate::Committee, framework::ObjectId};

/// `sort_candidates`: by stake, highest first; equal stakes by node id, lowest first (the 32
/// bytes as a big-endian number, i.e. byte order).
pub fn sort_candidates(node_ids: &mut [ObjectId], stakes: &mut [u64]) {
    let mut pairs: Vec<(ObjectId, u64)> = node_ids.iter().copied().zip(stakes.iter().copied()).collect();
    // Stable, and the key is total: the same order as Move's insertion sort.
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.0.cmp(&b.0.0)));
    for (i, (id, stake)) in pairs.into_iter().enumerate() {
        node_ids[i] = id;
        stakes[i] = stake;
    }
}

/// `shard_counts`: `min(floor(n * s_i / S), cap)` each, then the leftover shards one at a time
/// by remainder `n * s_i mod S` (largest first, ties in candidate order), skipping capped
/// candidates, round after round. The cap is raised to `ceil(n / candidates)` if it is lower.
/// `stakes` must be non-empty with a positive total.
pub fn shard_counts(stakes: &[u64], n_shards: u16, max_shards_per_node: u16) -> Vec<u16> {
    let m = stakes.len() as u128;
    let n = u128::from(n_shards);
    let total_stake: u128 = stakes.iter().map(|&s| u128::from(s)).sum();
    let min_cap = n.div_ceil(m) as u64;
    let cap = u64::from(max_shards_per_node).max(min_cap);
    let mut counts: Vec<u64> = Vec::with_capacity(stakes.len());
    let mut remainders: Vec<u128> = Vec::with_capacity(stakes.len());
    for &stake in stakes {
        let product = n * u128::from(stake);
        counts.push(((product / total_stake) as u64).min(cap));
        remainders.push(product % total_stake);
    }
    let mut order: Vec<usize> = (0..stakes.len()).collect();
    order.sort_by(|&a, &b| remainders[b].cmp(&remainders[a]));
    let mut assigned: u64 = counts.iter().sum();
    while assigned < u64::from(n_shards) {
        for &index in &order {
            if assigned == u64::from(n_shards) {
                break;
            }
            if counts[index] < cap {
                counts[index] += 1;
                assigned += 1;
            }
        }
    }
    counts.into_iter().map(|c| c as u16).collect()
}

/// `assign_shards`: members of `previous` keep their previous shards, lowest first, up to their
/// new count; the shards nobody kept go, lowest first, to the members needing more, in member
/// order. Each list is increasing.
pub fn assign_shards(previous: &Committee, node_ids: &[ObjectId], counts: &[u16], n_shards: u16) -> Vec<Vec<u16>> {
    let mut used = vec![false; usize::from(n_shards)];
    let mut lists: Vec<Vec<u16>> = node_ids
        .iter()
        .zip(counts)
        .map(|(node_id, &count)| {
            let Some(index) = previous.index_of(node_id) else { return Vec::new() };
            let kept: Vec<u16> = previous.members[index]
                .shard_ids
                .iter()
                .copied()
                .filter(|&shard| shard < n_shards)
                .take(usize::from(count))
                .collect();
            for &shard in &kept {
                used[usize::from(shard)] = true;
            }
            kept
        })
        .collect();
    let mut free = (0..n_shards).filter(|&shard| !used[usize::from(shard)]);
    for (list, &count) in lists.iter_mut().zip(counts) {
        while list.len() < usize::from(count) {
            list.push(free.next().expect("the counts add up to n_shards"));
        }
        list.sort_unstable();
    }
    lists
}

/// `quorum_price`: the lowest vote that members holding more than 2/3 of the shards voted at
/// most. 0 without votes.
pub fn quorum_price(votes: &[u64], shards: &[u16]) -> u64 {
    quorum_vote(votes, shards, true)
}

/// `quorum_capacity`: the highest vote that members holding more than 2/3 of the shards voted
/// at least. 0 without votes.
pub fn quorum_capacity(votes: &[u64], shards: &[u16]) -> u64 {
    quorum_vote(votes, shards, false)
}

fn quorum_vote(votes: &[u64], shards: &[u16], ascending: bool) -> u64 {
    let total: u64 = shards.iter().map(|&s| u64::from(s)).sum();
    let mut order: Vec<usize> = (0..votes.len()).collect();
    if ascending {
        order.sort_by_key(|&i| votes[i]);
    } else {
        order.sort_by(|&a, &b| votes[b].cmp(&votes[a]));
    }
    let mut accumulated = 0u64;
    for index in order {
        accumulated += u64::from(shards[index]);
        if 3 * accumulated > 2 * total {
            return votes[index];
        }
    }
    0
}
