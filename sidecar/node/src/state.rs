//! What the node knows about a blob from the chain's events, and how each event changes it.
//!
//! A blob id may have several Blob objects (registrations), permanent and deletable; the blob is
//! live while any registration is live (not deleted and `end_epoch > epoch`). Applying an event
//! twice leaves the same state, because registrations are keyed by their object id and every
//! change sets a value rather than adding to one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use walrus_contracts::{ObjectId, events::Event};
use walrus_core::{BlobId, messages::BlobPersistence};

/// One Blob object of a blob id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// End epoch, exclusive (moved by extensions).
    pub end_epoch: u32,
    /// Whether the owner may delete it.
    pub deletable: bool,
    /// The epoch it was certified in, if it was.
    pub certified_epoch: Option<u32>,
    /// Whether it was deleted.
    pub deleted: bool,
}

impl Registration {
    /// Live in `epoch`: not deleted and not expired.
    pub fn is_live(&self, epoch: u32) -> bool {
        !self.deleted && self.end_epoch > epoch
    }
}

/// The node's persisted state of one blob id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobState {
    /// The unencoded size, from the registration (`None` only if a certification was seen
    /// without its registration).
    pub unencoded_size_bytes: Option<u64>,
    /// The encoding type from the registration.
    pub encoding_type: u8,
    /// The blob's registrations by Blob object id.
    pub registrations: BTreeMap<ObjectId, Registration>,
    /// The epoch the blob id was invalidated in, if it was.
    pub invalidated_epoch: Option<u32>,
}

/// The summary status of a blob, as the API reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlobStatusKind {
    /// No live registration is known.
    Nonexistent,
    /// Registered and live, not certified.
    Registered,
    /// Certified and live.
    Certified,
    /// Proven invalid.
    Invalid,
}

impl BlobState {
    /// True when the blob was proven invalid.
    pub fn is_invalid(&self) -> bool {
        self.invalidated_epoch.is_some()
    }

    /// True when some registration is live in `epoch` and the blob is not invalid.
    pub fn is_live(&self, epoch: u32) -> bool {
        !self.is_invalid() && self.registrations.values().any(|r| r.is_live(epoch))
    }

    /// True when some certified registration is live in `epoch` and the blob is not invalid.
    pub fn is_certified(&self, epoch: u32) -> bool {
        !self.is_invalid() && self.registrations.values().any(|r| r.is_live(epoch) && r.certified_epoch.is_some())
    }

    /// The status in `epoch`.
    pub fn status(&self, epoch: u32) -> BlobStatusKind {
        if self.is_invalid() {
            BlobStatusKind::Invalid
        } else if self.is_certified(epoch) {
            BlobStatusKind::Certified
        } else if self.is_live(epoch) {
            BlobStatusKind::Registered
        } else {
            BlobStatusKind::Nonexistent
        }
    }

    /// The latest end epoch of the live registrations.
    pub fn end_epoch(&self, epoch: u32) -> Option<u32> {
        self.registrations.values().filter(|r| r.is_live(epoch)).map(|r| r.end_epoch).max()
    }

    /// True when a live registration matches `persistence`: a permanent one for
    /// [`BlobPersistence::Permanent`], the deletable object itself for
    /// [`BlobPersistence::Deletable`].
    pub fn has_live_registration(&self, persistence: &BlobPersistence, epoch: u32) -> bool {
        if self.is_invalid() {
            return false;
        }
        match persistence {
            BlobPersistence::Permanent => self.registrations.values().any(|r| !r.deletable && r.is_live(epoch)),
            BlobPersistence::Deletable { object_id } => {
                self.registrations.get(&ObjectId(*object_id)).is_some_and(|r| r.deletable && r.is_live(epoch))
            }
        }
    }

    /// True when the state can be forgotten in `epoch`: nothing live and not invalid (invalid
    /// blob ids are remembered so that uploads for them keep being refused).
    pub fn is_garbage(&self, epoch: u32) -> bool {
        !self.is_invalid() && !self.is_live(epoch)
    }
}

/// The blob id an event is about, if any.
pub fn event_blob_id(event: &Event) -> Option<BlobId> {
    match event {
        Event::BlobRegistered(e) => Some(BlobId(e.blob_id.0)),
        Event::BlobCertified(e) => Some(BlobId(e.blob_id.0)),
        Event::BlobDeleted(e) => Some(BlobId(e.blob_id.0)),
        Event::InvalidBlobId(e) => Some(BlobId(e.blob_id.0)),
        Event::EpochAdvanced(_) => None,
        // Access policies govern who may decrypt, not what nodes store.
        Event::AccessPolicy(_) => None,
        // Staking and epoch-change events are about pools and committees, not blobs.
        Event::Staking(_) => None,
        // Governance changes parameters; nodes read those from the chain state.
        Event::Governance(_) => None,
    }
}

/// The epoch an event was emitted in (for `EpochAdvanced`, the new epoch).
pub fn event_epoch(event: &Event) -> u32 {
    match event {
        Event::BlobRegistered(e) => e.epoch,
        Event::BlobCertified(e) => e.epoch,
        Event::BlobDeleted(e) => e.epoch,
        Event::InvalidBlobId(e) => e.epoch,
        Event::EpochAdvanced(e) => e.epoch,
        // Policy events carry no epoch; 0 never moves the node's epoch (it takes the maximum).
        Event::AccessPolicy(_) => 0,
        // The node follows epochs through `EpochAdvanced`; staking events leave its epoch alone.
        Event::Staking(_) => 0,
        // Governance events carry no epoch.
        Event::Governance(_) => 0,
    }
}

/// Applies a blob event to the blob's state (`None` if unknown); returns the new state. Events
/// without a blob id leave the state as it is.
pub fn apply_event(state: Option<BlobState>, event: &Event) -> Option<BlobState> {
    match event {
        Event::BlobRegistered(e) => {
            let mut state = state.unwrap_or_default();
            state.unencoded_size_bytes = Some(e.size);
            state.encoding_type = e.encoding_type;
            let registration = state.registrations.entry(e.object_id).or_insert(Registration {
                end_epoch: e.end_epoch,
                deletable: e.deletable,
                certified_epoch: None,
                deleted: false,
            });
            registration.end_epoch = registration.end_epoch.max(e.end_epoch);
            Some(state)
        }
        Event::BlobCertified(e) => {
            let mut state = state.unwrap_or_default();
            let registration = state.registrations.entry(e.object_id).or_insert(Registration {
                end_epoch: e.end_epoch,
                deletable: e.deletable,
                certified_epoch: None,
                deleted: false,
            });
            // An extension carries the new end epoch; end epochs never move backwards, so the
            // maximum makes a replayed older event harmless.
            registration.end_epoch = registration.end_epoch.max(e.end_epoch);
            if registration.certified_epoch.is_none() {
                registration.certified_epoch = Some(e.epoch);
            }
            Some(state)
        }
        Event::BlobDeleted(e) => {
            let mut state = state?;
            if let Some(registration) = state.registrations.get_mut(&e.object_id) {
                registration.deleted = true;
            }
            Some(state)
        }
        Event::InvalidBlobId(e) => {
            let mut state = state.unwrap_or_default();
            state.invalidated_epoch = Some(state.invalidated_epoch.map_or(e.epoch, |old| old.min(e.epoch)));
            Some(state)
        }
        Event::EpochAdvanced(_) | Event::AccessPolicy(_) | Event::Staking(_) | Event::Governance(_) => state,
    }
}

#[cfg(test)]
mod tests {
    use walrus_contracts::{
        U256,
        events::{BlobCertified, BlobDeleted, BlobRegistered, InvalidBlobId},
    };

    use super::*;

    const BLOB: [u8; 32] = [7; 32];

    fn registered(object: u8, deletable: bool, end_epoch: u32) -> Event {
        Event::BlobRegistered(BlobRegistered {
            epoch: 1,
            blob_id: U256(BLOB),
            size: 100,
            encoding_type: 1,
            end_epoch,
            deletable,
            object_id: ObjectId([object; 32]),
        })
    }

    fn certified(object: u8, end_epoch: u32, is_extension: bool) -> Event {
        Event::BlobCertified(BlobCertified {
            epoch: 1,
            blob_id: U256(BLOB),
            end_epoch,
            deletable: false,
            object_id: ObjectId([object; 32]),
            is_extension,
        })
    }

    fn apply_all(events: &[Event]) -> Option<BlobState> {
        events.iter().fold(None, apply_event)
    }

    #[test]
    fn a_blob_lives_while_any_registration_lives() {
        let deleted = Event::BlobDeleted(BlobDeleted {
            epoch: 2,
            blob_id: U256(BLOB),
            end_epoch: 5,
            object_id: ObjectId([2; 32]),
            was_certified: false,
        });
        let state = apply_all(&[registered(1, false, 3), registered(2, true, 5), deleted]).unwrap();
        assert_eq!(state.status(1), BlobStatusKind::Registered);
        assert!(state.is_live(2));
        // Object 2 (deletable, until 5) is deleted; object 1 expires at 3.
        assert!(!state.is_live(3));
        assert!(state.is_garbage(3));
        assert!(state.has_live_registration(&BlobPersistence::Permanent, 2));
        assert!(!state.has_live_registration(&BlobPersistence::Deletable { object_id: [2; 32] }, 2));
    }

    #[test]
    fn certification_and_extension_apply_idempotently() {
        let events = [registered(1, false, 3), certified(1, 3, false), certified(1, 6, true)];
        let once = apply_all(&events).unwrap();
        let twice = apply_all(&[events.as_slice(), events.as_slice()].concat()).unwrap();
        assert_eq!(once, twice);
        assert_eq!(once.status(5), BlobStatusKind::Certified);
        assert_eq!(once.end_epoch(5), Some(6));
        assert_eq!(once.registrations[&ObjectId([1; 32])].certified_epoch, Some(1));
    }

    #[test]
    fn an_invalid_blob_is_never_live_and_never_forgotten() {
        let invalid = Event::InvalidBlobId(InvalidBlobId { epoch: 2, blob_id: U256(BLOB) });
        let state = apply_all(&[registered(1, false, 9), certified(1, 9, false), invalid]).unwrap();
        assert_eq!(state.status(2), BlobStatusKind::Invalid);
        assert!(!state.is_live(2));
        assert!(!state.is_garbage(20));
        assert!(!state.has_live_registration(&BlobPersistence::Permanent, 2));
    }
}
