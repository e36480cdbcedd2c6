//! `walrus::metadata`: a blob's key-value attributes.

use serde::{Deserialize, Serialize};

use crate::{
    abort::{AbortCode, MoveResult, ensure},
    framework::{Entry, VecMap},
};

/// Attribute key absent.
pub const E_KEY_NOT_FOUND: AbortCode = AbortCode::new("walrus::metadata", "EKeyNotFound", 0);

/// `Metadata { metadata: VecMap<String, String> }`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// The pairs, in insertion order.
    pub metadata: VecMap<String, String>,
}

impl Metadata {
    /// `new`.
    pub fn new() -> Self {
        Self::default()
    }

    /// `insert_or_update`.
    pub fn insert_or_update(&mut self, key: String, value: String) {
        match self.metadata.position(&key) {
            Some(i) => self.metadata.contents[i].value = value,
            None => self.metadata.contents.push(Entry { key, value }),
        }
    }

    /// `remove`: returns the pair. Like `vec_map::remove`, the remaining entries keep their order.
    pub fn remove(&mut self, key: &String) -> MoveResult<(String, String)> {
        let position = self.metadata.position(key);
        ensure(position.is_some(), E_KEY_NOT_FOUND)?;
        let entry = self.metadata.contents.remove(position.expect("checked"));
        Ok((entry.key, entry.value))
    }

    /// `get`.
    pub fn get(&self, key: &String) -> Option<String> {
        self.metadata.position(key).map(|i| self.metadata.contents[i].value.clone())
    }

    /// `contains`.
    pub fn contains(&self, key: &String) -> bool {
        self.metadata.position(key).is_some()
    }

    /// `size`.
    pub fn size(&self) -> u64 {
        self.metadata.contents.len() as u64
    }
}
