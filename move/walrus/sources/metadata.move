/// Free-form key-value attributes of a blob (content type, file name, ...).
///
/// Kept out of the `Blob` struct and attached as a dynamic field instead (see `blob`), so blobs
/// without attributes pay nothing for them and the `Blob` layout the storage nodes parse never
/// changes when attributes do.
module walrus::metadata;

use std::string::String;
use sui::vec_map::{Self, VecMap};

/// The key is not present.
const EKeyNotFound: u64 = 0;

/// BCS layout: metadata (VecMap<String, String>: a vector of (key, value) entries in insertion
/// order).
public struct Metadata has copy, drop, store {
    metadata: VecMap<String, String>,
}

/// Empty attributes.
public fun new(): Metadata {
    Metadata { metadata: vec_map::empty() }
}

/// Sets `key` to `value`, replacing any previous value.
public fun insert_or_update(self: &mut Metadata, key: String, value: String) {
    if (self.metadata.contains(&key)) {
        *self.metadata.get_mut(&key) = value;
    } else {
        self.metadata.insert(key, value);
    }
}

/// Removes `key` and returns the removed pair. Aborts with `EKeyNotFound` if it is absent.
public fun remove(self: &mut Metadata, key: &String): (String, String) {
    assert!(self.metadata.contains(key), EKeyNotFound);
    self.metadata.remove(key)
}

/// The value of `key`, if present.
public fun get(self: &Metadata, key: &String): Option<String> {
    if (self.metadata.contains(key)) {
        option::some(*self.metadata.get(key))
    } else {
        option::none()
    }
}

/// Whether `key` is present.
public fun contains(self: &Metadata, key: &String): bool {
    self.metadata.contains(key)
}

/// Number of attributes.
public fun size(self: &Metadata): u64 {
    self.metadata.size()
}

/// The underlying map.
public fun entries(self: &Metadata): &VecMap<String, String> {
    &self.metadata
}
