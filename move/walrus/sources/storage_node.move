/// The operator capability of a storage node.
///
/// `staking::register_candidate` creates a staking pool for a storage node and returns this
/// capability; whoever holds it operates the node on chain: sets its commission and votes,
/// collects its commission, and signals that it synced its shards after an epoch change. The
/// capability is transferable (`store`), so operation can move to another account.
module walrus::storage_node;

/// BCS layout: id (32 bytes), node_id (32 bytes).
public struct StorageNodeCap has key, store {
    id: UID,
    /// The node (and its staking pool) this capability operates.
    node_id: ID,
}

/// A capability for `node_id`.
public(package) fun new_cap(node_id: ID, ctx: &mut TxContext): StorageNodeCap {
    StorageNodeCap { id: object::new(ctx), node_id }
}

/// The node this capability operates.
public fun node_id(cap: &StorageNodeCap): ID {
    cap.node_id
}

#[test_only]
public fun new_cap_for_testing(node_id: ID, ctx: &mut TxContext): StorageNodeCap {
    new_cap(node_id, ctx)
}

#[test_only]
public fun destroy_for_testing(cap: StorageNodeCap) {
    let StorageNodeCap { id, node_id: _ } = cap;
    id.delete();
}
