//! Every public Move entry point of `wal` and `walrus`, called through the client against the
//! local chain, with the resulting on-chain state checked.

use sui_sdk_types::{Address, Identifier, StructTag};
use walrus_contracts::{
    U256, blob,
    events::{Event, StakingEvent},
    metadata, system_state_inner,
    wal::ProtectedTreasury,
};
use walrus_core::messages::{BlobPersistence, StorageConfirmation};
use walrus_sui::ChainError;

use crate::harness::{
    MAX_EPOCHS_AHEAD, MEMBER_SHARDS, N_SHARDS, STORAGE_PRICE, TestChain, WAL, WRITE_PRICE, bounded, encode, fund_wal,
    node_id,
};

/// ceil(size / MiB): the unit prices are per.
fn units(storage_size: u64) -> u64 {
    storage_size.div_ceil(1 << 20)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_entry_point_through_the_client() {
    bounded(async {
        let chain = TestChain::start(&[2]).await;
        let admin = chain.client(1);
        let user = chain.client(2);
        fund_wal(&chain, 2, 100 * WAL).await;
        assert_eq!(user.wal_balance(user.address()).await.unwrap(), 100 * WAL);

        // The system as genesis made it.
        let info = user.system_info().await.unwrap();
        assert_eq!((info.epoch, info.n_shards, info.max_epochs_ahead), (1, N_SHARDS, MAX_EPOCHS_AHEAD));
        assert_eq!(info.committee.members.len(), 4);
        assert_eq!(info.committee.members[2].network_address, "127.0.0.1:9102");
        assert_eq!(info.committee.members[0].public_key.bytes, chain.committee[0].public_key().to_vec());
        assert_eq!(
            (info.storage_price_per_unit_size_frost, info.write_price_per_unit_size_frost),
            (STORAGE_PRICE, WRITE_PRICE)
        );

        // reserve_space + register_blob in one transaction, with a real encoded blob.
        let data = b"stored through the Walrus chain client".repeat(50);
        let commitment = encode(&data);
        let encoded_size = info.encoded_size_bytes(data.len() as u64).unwrap();
        let cost = user.storage_cost(encoded_size, 2).await.unwrap();
        assert_eq!(cost, u128::from(units(encoded_size) * (2 * STORAGE_PRICE + WRITE_PRICE)));
        let wal_before = user.wal_balance(user.address()).await.unwrap();
        let blob = user.reserve_and_register(&commitment, 2, false).await.unwrap();
        assert_eq!(user.wal_balance(user.address()).await.unwrap(), wal_before - cost as u64);
        assert_eq!(blob.value.blob_id, U256::from(commitment.blob_id()));
        assert_eq!(blob.value.root_hash, U256(commitment.root));
        assert_eq!(blob.value.size, data.len() as u64);
        assert_eq!((blob.value.storage.start_epoch, blob.value.storage.end_epoch), (1, 3));
        assert_eq!(blob.value.storage.storage_size, encoded_size);
        assert_eq!(blob.value.certified_epoch, None);
        let owned: Vec<Address> = user.owned_blobs(user.address()).await.unwrap().iter().map(|b| b.id()).collect();
        assert_eq!(owned, vec![blob.id()]);

        // certify_blob with a quorum certificate of the genesis committee.
        let executed = user.certify_blob(blob.id(), &chain.certify_permanent(1, commitment.blob_id())).await.unwrap();
        assert!(matches!(&executed.events[..], [Event::BlobCertified(e)] if !e.is_extension && e.end_epoch == 3));
        assert_eq!(user.get_blob(blob.id()).await.unwrap().value.certified_epoch, Some(1));

        // extend_blob, paid in WAL.
        let wal_before = user.wal_balance(user.address()).await.unwrap();
        user.extend_blob(blob.id(), 1).await.unwrap();
        assert_eq!(user.get_blob(blob.id()).await.unwrap().value.storage.end_epoch, 4);
        assert_eq!(user.wal_balance(user.address()).await.unwrap(), wal_before - units(encoded_size) * STORAGE_PRICE);

        // reserve_space, split_by_epoch, extend_blob_with_resource.
        let storage = user.reserve_space(encoded_size, 5).await.unwrap();
        assert_eq!((storage.value.start_epoch, storage.value.end_epoch), (1, 6));
        let later = user.split_storage_by_epoch(storage.id(), 4).await.unwrap();
        assert_eq!((later.value.start_epoch, later.value.end_epoch), (4, 6));
        assert_eq!(user.get_storage(storage.id()).await.unwrap().value.end_epoch, 4);
        let executed = user.extend_blob_with_resource(blob.id(), later.id()).await.unwrap();
        assert!(matches!(&executed.events[..], [Event::BlobCertified(e)] if e.is_extension && e.end_epoch == 6));
        assert_eq!(user.get_blob(blob.id()).await.unwrap().value.storage.end_epoch, 6);
        assert!(matches!(user.get_storage(later.id()).await, Err(ChainError::ObjectNotFound { .. })));

        // split_by_size and fuse, then register a deletable blob on the fused resource.
        let double = user.reserve_space(2 * encoded_size, 2).await.unwrap();
        let half = user.split_storage_by_size(double.id(), encoded_size).await.unwrap();
        assert_eq!(half.value.storage_size, encoded_size);
        assert_eq!(user.get_storage(double.id()).await.unwrap().value.storage_size, encoded_size);
        user.fuse_storage(double.id(), half.id()).await.unwrap();
        assert_eq!(user.get_storage(double.id()).await.unwrap().value.storage_size, 2 * encoded_size);
        let deletable_commitment = encode(b"a deletable blob");
        let deletable = user.register_blob(double.id(), &deletable_commitment, true).await.unwrap();
        assert!(deletable.value.deletable);
        assert_eq!(deletable.value.storage.id, double.value.id);
        let certificate = chain.certify_deletable(1, deletable_commitment.blob_id(), deletable.id());
        user.certify_blob(deletable.id(), &certificate).await.unwrap();

        // Attributes: insert, update, remove.
        user.set_blob_attribute(deletable.id(), "content-type", "text/plain").await.unwrap();
        user.set_blob_attribute(deletable.id(), "name", "notes.txt").await.unwrap();
        user.set_blob_attribute(deletable.id(), "content-type", "text/markdown").await.unwrap();
        let attributes = user.get_blob(deletable.id()).await.unwrap().value.metadata.unwrap();
        let pairs: Vec<(&str, &str)> =
            attributes.metadata.contents.iter().map(|e| (e.key.as_str(), e.value.as_str())).collect();
        assert_eq!(pairs, [("content-type", "text/markdown"), ("name", "notes.txt")]);
        user.remove_blob_attribute(deletable.id(), "content-type").await.unwrap();
        let attributes = user.blob_attributes(deletable.id()).await.unwrap().unwrap();
        assert_eq!(attributes.metadata.contents.len(), 1);
        let err = user.remove_blob_attribute(deletable.id(), "content-type").await.unwrap_err();
        assert_eq!(err.abort_code(), Some(metadata::E_KEY_NOT_FOUND), "{err}");

        // delete_blob returns the storage; destroy it.
        let freed = user.delete_blob(deletable.id()).await.unwrap();
        assert_eq!(freed.id(), double.id());
        assert_eq!(freed.value.storage_size, 2 * encoded_size);
        assert!(user.blob_attributes(deletable.id()).await.unwrap().is_none());
        user.destroy_storage(freed.id()).await.unwrap();
        let storage_left: Vec<Address> =
            user.owned_storage(user.address()).await.unwrap().iter().map(|s| s.id()).collect();
        assert_eq!(storage_left, vec![storage.id()]);

        // Shared blobs: new_funded, fund, extend (paid from the funds), and new.
        let shared_commitment = encode(b"a blob everyone can extend");
        let to_share = user.reserve_and_register(&shared_commitment, 1, false).await.unwrap();
        user.certify_blob(to_share.id(), &chain.certify_permanent(1, shared_commitment.blob_id())).await.unwrap();
        let shared = user.share_blob(to_share.id(), WAL).await.unwrap();
        assert!(shared.initial_shared_version().is_some());
        assert_eq!(shared.value.funds.value, WAL);
        assert_eq!(shared.value.blob.id, to_share.value.id);
        admin.fund_shared_blob(shared.id(), WAL).await.unwrap();
        admin.extend_shared_blob(shared.id(), 2).await.unwrap();
        let extended = user.get_shared_blob(shared.id()).await.unwrap();
        let shared_size = extended.value.blob.storage.storage_size;
        assert_eq!(extended.value.blob.storage.end_epoch, 4);
        assert_eq!(extended.value.funds.value, 2 * WAL - 2 * units(shared_size) * STORAGE_PRICE);
        let unfunded = user.reserve_and_register(&encode(b"shared without funds"), 1, false).await.unwrap();
        let unfunded = user.share_blob(unfunded.id(), 0).await.unwrap();
        assert_eq!(unfunded.value.funds.value, 0);

        // burn destroys the blob object.
        user.burn_blob(blob.id()).await.unwrap();
        assert!(matches!(user.get_blob(blob.id()).await, Err(ChainError::ObjectNotFound { .. })));
        assert!(user.owned_blobs(user.address()).await.unwrap().is_empty());

        // invalidate_blob_id with a validity certificate; the id can no longer be registered.
        let invalid = encode(b"inconsistently encoded, as a node proved");
        let executed = user.invalidate_blob_id(&chain.invalid_blob_certificate(1, invalid.blob_id())).await.unwrap();
        assert!(
            matches!(&executed.events[..], [Event::InvalidBlobId(e)] if e.blob_id == U256::from(invalid.blob_id()))
        );
        let err = user.reserve_and_register(&invalid, 1, false).await.unwrap_err();
        assert_eq!(err.abort_code(), Some(system_state_inner::E_BLOB_ID_INVALIDATED), "{err}");

        // wal::burn lowers the total supply.
        let treasury_type = StructTag::new(
            chain.info.wal_package,
            Identifier::new("wal").unwrap(),
            Identifier::new("ProtectedTreasury").unwrap(),
            vec![],
        );
        let supply = |treasury: walrus_sui::ChainObject<ProtectedTreasury>| treasury.value.total_supply();
        let before =
            supply(admin.get_raw_object(chain.info.treasury_object).await.unwrap().decode(&treasury_type).unwrap());
        let admin_wal = admin.wal_balance(admin.address()).await.unwrap();
        admin.burn_wal(chain.info.treasury_object, 3 * WAL).await.unwrap();
        let after =
            supply(admin.get_raw_object(chain.info.treasury_object).await.unwrap().decode(&treasury_type).unwrap());
        assert_eq!(after, before - 3 * WAL);
        assert_eq!(admin.wal_balance(admin.address()).await.unwrap(), admin_wal - 3 * WAL);

        // The epoch changes through staking, driven by the chain's clock: the finished epoch's
        // storage fund goes to the members' pools by shards.
        let executed = chain.epoch_change(&admin).await;
        let [Event::EpochAdvanced(advanced), Event::Staking(distributed), Event::Staking(started)] = &executed.events[..]
        else {
            panic!("{:?}", executed.events)
        };
        assert_eq!(advanced.epoch, 2);
        assert!(advanced.released_funds > 0);
        assert!(matches!(distributed, StakingEvent::RewardsDistributed(d) if d.epoch == 1 && d.rewards == advanced.released_funds));
        assert!(matches!(started, StakingEvent::EpochChangeStart(s) if s.epoch == 2));
        let info = user.system_info().await.unwrap();
        assert_eq!(info.epoch, 2);
        // Stake in proportion to the shards keeps them; the largest stake comes first.
        assert_eq!(info.committee.members[0].node_id, node_id(3));
        assert_eq!(info.committee.members[0].shard_ids, vec![6, 7, 8, 9]);
        let pool = user.get_staking_pool(Address::new(node_id(3).0)).await.unwrap();
        assert_eq!(pool.rewards.value, advanced.released_funds * u64::from(MEMBER_SHARDS[3]) / u64::from(N_SHARDS));

        // Confirmations of the old epoch no longer certify, even signed by the new committee
        // (whose member order follows stake: member 0 is node 3).
        let late = encode(b"registered in epoch 2");
        let late_blob = user.reserve_and_register(&late, 1, false).await.unwrap();
        let confirmation =
            |epoch| StorageConfirmation { epoch, blob_id: late.blob_id(), persistence: BlobPersistence::Permanent };
        let old = chain.certificate_of(&info.committee, confirmation(1).to_bytes());
        let err = user.certify_blob(late_blob.id(), &old).await.unwrap_err();
        assert_eq!(err.abort_code(), Some(blob::E_WRONG_MESSAGE_EPOCH), "{err}");
        let current = chain.certificate_of(&info.committee, confirmation(2).to_bytes());
        user.certify_blob(late_blob.id(), &current).await.unwrap();
    })
    .await;
}
