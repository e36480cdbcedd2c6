//! The access-policy calls of the chain client against the local chain on 127.0.0.1: create a
//! policy, change its readers, expiry and name, govern and release a blob, dry-run `can_read`,
//! read the policy and the caps, and the aborts a client can run into, named with what to do.

// The chain-client test binary's harness, shared without touching that binary.
#[allow(dead_code)]
#[path = "chain_client/harness.rs"]
mod harness;

use harness::{TestChain, WAL, bounded, encode, fund_wal};
use walrus_contracts::{
    ObjectId,
    access_policy::{self, AccessPolicy},
    events::{AccessPolicyEvent, Event},
};
use walrus_sui::ChainError;

fn object_id(address: sui_sdk_types::Address) -> ObjectId {
    ObjectId(address.into_inner())
}

/// The only access-policy event of `events`.
fn policy_event(events: &[Event]) -> &AccessPolicyEvent {
    match events {
        [Event::AccessPolicy(event)] => event,
        other => panic!("expected one access policy event, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_policies_through_the_client() {
    bounded(async {
        let chain = TestChain::start(&[2, 3, 4]).await;
        // The owner administers the policy and owns the blob.
        let (owner, reader, stranger) = (chain.client(2), chain.client(3), chain.client(4));
        fund_wal(&chain, 2, 10 * WAL).await;

        // create_access_policy: the policy is shared, the cap is the owner's.
        let (policy, cap) = owner.create_access_policy("team documents", None).await.unwrap();
        let read = owner.get_access_policy(policy).await.unwrap();
        assert!(read.initial_shared_version().is_some());
        assert_eq!(
            read.value,
            AccessPolicy {
                id: object_id(policy),
                name: "team documents".into(),
                readers: vec![],
                expiry_epoch: None,
                version: 0
            }
        );
        let caps = owner.owned_access_policy_admin_caps(owner.address()).await.unwrap();
        assert_eq!(caps.iter().map(|c| c.id()).collect::<Vec<_>>(), [cap]);
        assert_eq!(owner.get_access_policy_admin_cap(cap).await.unwrap().value.policy_id, object_id(policy));

        // add_policy_reader / remove_policy_reader, with their events.
        let executed = owner.add_policy_reader(policy, cap, reader.address()).await.unwrap();
        assert!(matches!(policy_event(&executed.events),
            AccessPolicyEvent::ReaderAdded(e) if e.reader == object_id(reader.address()) && e.version == 1));
        owner.add_policy_reader(policy, cap, stranger.address()).await.unwrap();
        let executed = owner.remove_policy_reader(policy, cap, stranger.address()).await.unwrap();
        assert!(matches!(policy_event(&executed.events),
            AccessPolicyEvent::ReaderRemoved(e) if e.reader == object_id(stranger.address()) && e.version == 3));
        assert_eq!(owner.get_access_policy(policy).await.unwrap().value.readers, [object_id(reader.address())]);

        // govern_blob: the blob's attribute names the policy; can_read answers from a dry run,
        // for anyone who asks.
        let blob = owner.reserve_and_register(&encode(b"a governed blob"), 2, false).await.unwrap();
        assert!(!reader.can_read(policy, blob.id(), reader.address()).await.unwrap());
        let sui_before = owner.sui_balance(owner.address()).await.unwrap();
        let executed = owner.govern_blob(policy, cap, blob.id()).await.unwrap();
        assert!(matches!(policy_event(&executed.events),
            AccessPolicyEvent::BlobGoverned(e) if e.object_id == object_id(blob.id()) && e.blob_id == blob.value.blob_id));
        let attributes = owner.blob_attributes(blob.id()).await.unwrap().unwrap();
        let value = attributes.get(&access_policy::POLICY_ATTRIBUTE_KEY.to_owned()).unwrap();
        assert_eq!(value, policy.to_string());
        let checkpoint = owner.latest_checkpoint().await.unwrap();
        let owner_sui = owner.sui_balance(owner.address()).await.unwrap();
        assert!(reader.can_read(policy, blob.id(), reader.address()).await.unwrap());
        assert!(!stranger.can_read(policy, blob.id(), stranger.address()).await.unwrap());
        // Dry runs execute nothing and cost nothing.
        assert_eq!(owner.latest_checkpoint().await.unwrap(), checkpoint);
        assert_eq!(owner.sui_balance(owner.address()).await.unwrap(), owner_sui);
        assert!(owner_sui < sui_before);

        // set_policy_expiry: an expiry at the current epoch (1) grants nothing; lifting it
        // restores access.
        let executed = owner.set_policy_expiry(policy, cap, Some(1)).await.unwrap();
        assert!(matches!(policy_event(&executed.events),
            AccessPolicyEvent::ExpirySet(e) if e.expiry_epoch == Some(1) && e.version == 4));
        assert!(!reader.can_read(policy, blob.id(), reader.address()).await.unwrap());
        owner.set_policy_expiry(policy, cap, None).await.unwrap();
        assert!(reader.can_read(policy, blob.id(), reader.address()).await.unwrap());

        // rename_access_policy.
        let executed = owner.rename_access_policy(policy, cap, "archive").await.unwrap();
        assert!(matches!(policy_event(&executed.events), AccessPolicyEvent::Renamed(e) if e.name == "archive"));
        let read = owner.get_access_policy(policy).await.unwrap().value;
        assert_eq!((read.name.as_str(), read.version), ("archive", 6));

        // Another policy's cap aborts with ENotAdmin, named with what to do; nothing changes.
        let (_, stranger_cap) = stranger.create_access_policy("mine", Some(9)).await.unwrap();
        let err = stranger.add_policy_reader(policy, stranger_cap, stranger.address()).await.unwrap_err();
        assert_eq!(err.abort_code(), Some(access_policy::E_NOT_ADMIN), "{err}");
        assert!(err.to_string().contains("use the AccessPolicyAdminCap whose policy_id is this policy"), "{err}");
        assert_eq!(owner.get_access_policy(policy).await.unwrap().value, read);
        // Someone else's cap or blob: the client refuses before sending.
        let err = stranger.govern_blob(policy, cap, blob.id()).await.unwrap_err();
        assert!(matches!(err, ChainError::NotOwner { .. }), "{err}");
        // Aborts of the policy's own rules.
        let err = owner.add_policy_reader(policy, cap, reader.address()).await.unwrap_err();
        assert_eq!(err.abort_code(), Some(access_policy::E_ALREADY_READER), "{err}");
        let err = owner.remove_policy_reader(policy, cap, stranger.address()).await.unwrap_err();
        assert_eq!(err.abort_code(), Some(access_policy::E_NOT_READER), "{err}");
        let err = owner.rename_access_policy(policy, cap, "").await.unwrap_err();
        assert_eq!(err.abort_code(), Some(access_policy::E_INVALID_NAME), "{err}");
        let err = owner.govern_blob(policy, cap, blob.id()).await.unwrap_err();
        assert_eq!(err.abort_code(), Some(access_policy::E_ALREADY_GOVERNED), "{err}");

        // release_blob: access ends, other attributes are untouched; releasing again aborts.
        owner.set_blob_attribute(blob.id(), "content-type", "text/plain").await.unwrap();
        let executed = owner.release_blob(policy, cap, blob.id()).await.unwrap();
        assert!(matches!(policy_event(&executed.events),
            AccessPolicyEvent::BlobReleased(e) if e.object_id == object_id(blob.id())));
        assert!(!reader.can_read(policy, blob.id(), reader.address()).await.unwrap());
        let attributes = owner.blob_attributes(blob.id()).await.unwrap().unwrap();
        assert_eq!(attributes.size(), 1);
        let err = owner.release_blob(policy, cap, blob.id()).await.unwrap_err();
        assert_eq!(err.abort_code(), Some(access_policy::E_NOT_GOVERNED), "{err}");

        // can_read of something that is not a blob is refused before any dry run.
        let err = reader.can_read(policy, cap, reader.address()).await.unwrap_err();
        assert!(matches!(err, ChainError::WrongObjectType { .. }), "{err}");
    })
    .await;
}
