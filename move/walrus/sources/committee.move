/// Committee selection: which pools form the next committee, how many shards each gets, which
/// shards, and which prices and capacity the members' votes select. Pure functions over
/// vectors, used by `staking_inner` at `voting_end`; the algorithm with worked examples is in
/// docs/chain.md ("Committee selection"), and `sidecar/contracts` runs the same examples.
module walrus::committee;

use walrus::bls_aggregate::Committee;

/// Sorts candidates by stake, highest first; equal stakes by node id, lowest first (the id's
/// 32 bytes read as a big-endian number). `node_ids` and `stakes` are parallel.
public fun sort_candidates(node_ids: &mut vector<ID>, stakes: &mut vector<u64>) {
    let n = node_ids.length();
    let mut i = 1;
    while (i < n) {
        let mut j = i;
        while (j > 0 && ranks_before(node_ids[j], stakes[j], node_ids[j - 1], stakes[j - 1])) {
            node_ids.swap(j, j - 1);
            stakes.swap(j, j - 1);
            j = j - 1;
        };
        i = i + 1;
    };
}

/// The shards of each candidate, in proportion to `stakes` (all positive, at least one) by the
/// largest remainder method, with at most `max_shards_per_node` each. With `n` shards and total
/// stake `S`, candidate i first gets `min(floor(n * s_i / S), cap)`; the shards left over go one
/// at a time to the candidates in order of the remainder `n * s_i mod S`, largest first (ties:
/// earlier candidate first), skipping candidates at the cap, round after round until all are
/// placed. If the cap is too low to place every shard, it is raised to `ceil(n / candidates)`.
public fun shard_counts(
    stakes: &vector<u64>,
    n_shards: u16,
    max_shards_per_node: u16,
): vector<u16> {
    let m = stakes.length();
    let n = (n_shards as u128);
    let mut total_stake = 0u128;
    stakes.do_ref!(|stake| total_stake = total_stake + ((*stake) as u128));
    let min_cap = (((n + (m as u128) - 1) / (m as u128)) as u64);
    let cap = if ((max_shards_per_node as u64) < min_cap) min_cap
    else (max_shards_per_node as u64);
    let mut counts = vector[];
    let mut remainders = vector[];
    let mut assigned = 0u64;
    stakes.do_ref!(|stake| {
        let product = n * ((*stake) as u128);
        let quota = ((product / total_stake) as u64);
        let count = if (quota < cap) quota else cap;
        counts.push_back(count);
        remainders.push_back(product % total_stake);
        assigned = assigned + count;
    });
    // Candidate indices by remainder, largest first; the insertion sort is stable, so equal
    // remainders keep the candidates' order.
    let mut order = vector[];
    let mut i = 0;
    while (i < m) {
        order.push_back(i);
        let mut j = i;
        while (j > 0 && remainders[order[j]] > remainders[order[j - 1]]) {
            order.swap(j, j - 1);
            j = j - 1;
        };
        i = i + 1;
    };
    let n_shards = (n_shards as u64);
    while (assigned < n_shards) {
        let mut k = 0;
        while (k < m && assigned < n_shards) {
            let index = order[k];
            if (counts[index] < cap) {
                let count = &mut counts[index];
                *count = *count + 1;
                assigned = assigned + 1;
            };
            k = k + 1;
        };
    };
    let mut result = vector[];
    counts.do!(|count| result.push_back((count as u16)));
    result
}

/// The shard lists of the new members `node_ids` (with `counts` shards each, summing to
/// `n_shards`), moving as few shards as possible from `previous`: a member that was in the
/// previous committee keeps its previous shards, lowest ids first, up to its new count; the
/// shards nobody kept then go, lowest ids first, to the members that need more, in member order.
/// Each list is returned in increasing order.
public fun assign_shards(
    previous: &Committee,
    node_ids: &vector<ID>,
    counts: &vector<u16>,
    n_shards: u16,
): vector<vector<u16>> {
    let n = (n_shards as u64);
    let mut used = vector[];
    let mut k = 0;
    while (k < n) {
        used.push_back(false);
        k = k + 1;
    };
    let m = node_ids.length();
    let mut lists = vector[];
    let mut i = 0;
    while (i < m) {
        let mut kept = vector[];
        let index = previous.index_of(node_ids[i]);
        if (index.is_some()) {
            let old = previous.member(index.destroy_some()).shard_ids();
            let want = (counts[i] as u64);
            let mut j = 0;
            while (j < old.length() && kept.length() < want) {
                let shard = old[j];
                if ((shard as u64) < n) {
                    kept.push_back(shard);
                    let slot = &mut used[(shard as u64)];
                    *slot = true;
                };
                j = j + 1;
            };
        };
        lists.push_back(kept);
        i = i + 1;
    };
    let mut next_free = 0u64;
    let mut i = 0;
    while (i < m) {
        let want = (counts[i] as u64);
        let list = &mut lists[i];
        while (list.length() < want) {
            while (used[next_free]) {
                next_free = next_free + 1;
            };
            list.push_back((next_free as u16));
            let slot = &mut used[next_free];
            *slot = true;
        };
        sort_u16(list);
        i = i + 1;
    };
    lists
}

/// The price of the next epoch from the members' votes, weighted by their shards: the lowest
/// vote such that the members who voted at most that much hold more than two thirds of the
/// shards (a quorum accepts it). Sorted ascending, the vote at which the running shard total
/// first exceeds 2/3 of all shards. 0 without votes.
public fun quorum_price(votes: &vector<u64>, shards: &vector<u16>): u64 {
    quorum_vote(votes, shards, true)
}

/// The capacity of the next epoch from the members' votes, weighted by their shards: the
/// highest vote such that the members who voted at least that much hold more than two thirds
/// of the shards (a quorum supports it). 0 without votes.
public fun quorum_capacity(votes: &vector<u64>, shards: &vector<u16>): u64 {
    quorum_vote(votes, shards, false)
}

fun quorum_vote(votes: &vector<u64>, shards: &vector<u16>, ascending: bool): u64 {
    let m = votes.length();
    let mut total = 0u64;
    shards.do_ref!(|count| total = total + ((*count) as u64));
    let mut order = vector[];
    let mut i = 0;
    while (i < m) {
        order.push_back(i);
        let mut j = i;
        while (j > 0 && vote_before(votes[order[j]], votes[order[j - 1]], ascending)) {
            order.swap(j, j - 1);
            j = j - 1;
        };
        i = i + 1;
    };
    let mut accumulated = 0u64;
    let mut k = 0;
    while (k < m) {
        let index = order[k];
        accumulated = accumulated + (shards[index] as u64);
        if (3 * accumulated > 2 * total) return votes[index];
        k = k + 1;
    };
    0
}

fun vote_before(a: u64, b: u64, ascending: bool): bool {
    if (ascending) a < b else a > b
}

fun ranks_before(a_id: ID, a_stake: u64, b_id: ID, b_stake: u64): bool {
    a_stake > b_stake || (a_stake == b_stake && id_number(a_id) < id_number(b_id))
}

fun id_number(id: ID): u256 {
    sui::address::to_u256(id.to_address())
}

fun sort_u16(v: &mut vector<u16>) {
    let n = v.length();
    let mut i = 1;
    while (i < n) {
        let mut j = i;
        while (j > 0 && v[j - 1] > v[j]) {
            v.swap(j, j - 1);
            j = j - 1;
        };
        i = i + 1;
    };
}
