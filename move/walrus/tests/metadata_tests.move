#[test_only]
module walrus::metadata_tests;

use std::unit_test::assert_eq;
use walrus::metadata;

#[test]
fun insert_update_get_remove() {
    let mut attrs = metadata::new();
    assert_eq!(attrs.size(), 0);
    attrs.insert_or_update(b"content-type".to_string(), b"text/plain".to_string());
    attrs.insert_or_update(b"name".to_string(), b"a.txt".to_string());
    assert_eq!(attrs.size(), 2);
    assert!(attrs.contains(&b"name".to_string()));
    assert_eq!(attrs.get(&b"name".to_string()), option::some(b"a.txt".to_string()));
    assert_eq!(attrs.get(&b"missing".to_string()), option::none());

    // Updating keeps one entry per key.
    attrs.insert_or_update(b"name".to_string(), b"b.txt".to_string());
    assert_eq!(attrs.size(), 2);
    assert_eq!(attrs.get(&b"name".to_string()), option::some(b"b.txt".to_string()));

    let (key, value) = attrs.remove(&b"content-type".to_string());
    assert_eq!(key, b"content-type".to_string());
    assert_eq!(value, b"text/plain".to_string());
    assert_eq!(attrs.size(), 1);
    assert!(!attrs.contains(&b"content-type".to_string()));
    assert_eq!(attrs.entries().size(), 1);
}

#[test, expected_failure(abort_code = walrus::metadata::EKeyNotFound)]
fun removing_a_missing_key_aborts() {
    let mut attrs = metadata::new();
    let (_, _) = attrs.remove(&b"missing".to_string());
}
