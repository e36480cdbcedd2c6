//! One typed method per public entry point of the `wal` and `walrus` packages (`move/README.md`),
//! on [`WalrusPtb`] (adds the call to a transaction) and on [`WalrusChainClient`] (runs it as a
//! transaction of its own), plus [`WalrusChainClient::reserve_and_register`].

use sui_rpc::field::{FieldMask, FieldMaskUtil};
use sui_rpc::proto::sui::rpc::v2 as proto;
use sui_sdk_types::{Address, ExecutionStatus, ObjectReference, Owner, StructTag, TransactionEffects};
use sui_transaction_builder::Argument;
use walrus_contracts::{
    Coin, U256, access_policy::AccessPolicyAdminCap, blob::Blob, shared_blob::SharedBlob, storage_resource::Storage,
};
use walrus_core::BlobCommitment;

use super::transactions::WalrusPtb;
use super::{ChainError, ChainObject, ChainResult, ExecutedTransaction, WalrusChainClient};

/// What the client reads back from the dry run of a read-only call: whether it aborted, and the
/// values it returned.
const DRY_RUN_READ_MASK: &[&str] = &["transaction.digest", "transaction.effects.bcs", "command_outputs"];

/// A certificate of the committee: an aggregate BLS signature of the members in the bitmap over
/// the message (`docs/chain.md` §5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    /// 96-byte compressed G2 aggregate signature.
    pub signature: Vec<u8>,
    /// Bit i (least significant first) of byte i / 8 is set if member i signed.
    pub signers_bitmap: Vec<u8>,
    /// The signed message bytes.
    pub message: Vec<u8>,
}

/// Move calls, as commands added to a transaction. Arguments are inputs or results of earlier
/// commands; each method returns the call's result.
impl WalrusPtb {
    /// `system::reserve_space(&mut System, storage_size, epochs_ahead, &mut Coin<WAL>): Storage`.
    pub fn reserve_space(
        &mut self,
        system: Argument,
        storage_size_bytes: u64,
        epochs_ahead: u32,
        payment: Argument,
    ) -> Argument {
        let size = self.pure(&storage_size_bytes);
        let epochs = self.pure(&epochs_ahead);
        self.walrus_call("system", "reserve_space", vec![system, size, epochs, payment])
    }

    /// `system::register_blob(&System, Storage, blob_id, root_hash, size, encoding_type,
    /// deletable): Blob`.
    pub fn register_blob(
        &mut self,
        system: Argument,
        storage: Argument,
        commitment: &BlobCommitment,
        deletable: bool,
    ) -> Argument {
        let blob_id = self.pure(&U256::from(commitment.blob_id()));
        let root_hash = self.pure(&U256(commitment.root));
        let size = self.pure(&commitment.unencoded_size_bytes);
        let encoding_type = self.pure(&commitment.encoding_type);
        let deletable = self.pure(&deletable);
        self.walrus_call(
            "system",
            "register_blob",
            vec![system, storage, blob_id, root_hash, size, encoding_type, deletable],
        )
    }

    /// `system::certify_blob(&System, &mut Blob, signature, signers_bitmap, message)`.
    pub fn certify_blob(&mut self, system: Argument, blob: Argument, certificate: &Certificate) -> Argument {
        let [signature, bitmap, message] = self.certificate(certificate);
        self.walrus_call("system", "certify_blob", vec![system, blob, signature, bitmap, message])
    }

    fn certificate(&mut self, certificate: &Certificate) -> [Argument; 3] {
        [self.pure(&certificate.signature), self.pure(&certificate.signers_bitmap), self.pure(&certificate.message)]
    }

    /// `system::extend_blob_with_resource(&System, &mut Blob, Storage)`.
    pub fn extend_blob_with_resource(&mut self, system: Argument, blob: Argument, extension: Argument) -> Argument {
        self.walrus_call("system", "extend_blob_with_resource", vec![system, blob, extension])
    }

    /// `system::extend_blob(&mut System, &mut Blob, epochs_ahead, &mut Coin<WAL>)`.
    pub fn extend_blob(&mut self, system: Argument, blob: Argument, epochs_ahead: u32, payment: Argument) -> Argument {
        let epochs = self.pure(&epochs_ahead);
        self.walrus_call("system", "extend_blob", vec![system, blob, epochs, payment])
    }

    /// `system::delete_blob(&System, Blob): Storage`.
    pub fn delete_blob(&mut self, system: Argument, blob: Argument) -> Argument {
        self.walrus_call("system", "delete_blob", vec![system, blob])
    }

    /// `system::invalidate_blob_id(&mut System, signature, signers_bitmap, message): u256`.
    pub fn invalidate_blob_id(&mut self, system: Argument, certificate: &Certificate) -> Argument {
        let [signature, bitmap, message] = self.certificate(certificate);
        self.walrus_call("system", "invalidate_blob_id", vec![system, signature, bitmap, message])
    }

    /// `blob::burn(Blob)`.
    pub fn burn_blob(&mut self, blob: Argument) -> Argument {
        self.walrus_call("blob", "burn", vec![blob])
    }

    /// `blob::insert_or_update_metadata_pair(&mut Blob, key, value)`.
    pub fn insert_or_update_metadata_pair(&mut self, blob: Argument, key: &str, value: &str) -> Argument {
        let key = self.pure(&key);
        let value = self.pure(&value);
        self.walrus_call("blob", "insert_or_update_metadata_pair", vec![blob, key, value])
    }

    /// `blob::remove_metadata_pair(&mut Blob, &key): (String, String)`.
    pub fn remove_metadata_pair(&mut self, blob: Argument, key: &str) -> Argument {
        let key = self.pure(&key);
        self.walrus_call("blob", "remove_metadata_pair", vec![blob, key])
    }

    /// `access_policy::new(name, expiry_epoch): AccessPolicyAdminCap` (the policy is shared).
    pub fn new_access_policy(&mut self, name: &str, expiry_epoch: Option<u32>) -> Argument {
        let name = self.pure(&name);
        let expiry_epoch = self.pure(&expiry_epoch);
        self.walrus_call("access_policy", "new", vec![name, expiry_epoch])
    }

    /// `access_policy::add_reader(&mut AccessPolicy, &AccessPolicyAdminCap, reader)`.
    pub fn add_policy_reader(&mut self, policy: Argument, admin_cap: Argument, reader: Address) -> Argument {
        let reader = self.pure(&reader);
        self.walrus_call("access_policy", "add_reader", vec![policy, admin_cap, reader])
    }

    /// `access_policy::remove_reader(&mut AccessPolicy, &AccessPolicyAdminCap, reader)`.
    pub fn remove_policy_reader(&mut self, policy: Argument, admin_cap: Argument, reader: Address) -> Argument {
        let reader = self.pure(&reader);
        self.walrus_call("access_policy", "remove_reader", vec![policy, admin_cap, reader])
    }

    /// `access_policy::set_expiry(&mut AccessPolicy, &AccessPolicyAdminCap, expiry_epoch)`.
    pub fn set_policy_expiry(&mut self, policy: Argument, admin_cap: Argument, expiry_epoch: Option<u32>) -> Argument {
        let expiry_epoch = self.pure(&expiry_epoch);
        self.walrus_call("access_policy", "set_expiry", vec![policy, admin_cap, expiry_epoch])
    }

    /// `access_policy::rename(&mut AccessPolicy, &AccessPolicyAdminCap, name)`.
    pub fn rename_access_policy(&mut self, policy: Argument, admin_cap: Argument, name: &str) -> Argument {
        let name = self.pure(&name);
        self.walrus_call("access_policy", "rename", vec![policy, admin_cap, name])
    }

    /// `access_policy::govern_blob(&AccessPolicy, &AccessPolicyAdminCap, &mut Blob)`.
    pub fn govern_blob(&mut self, policy: Argument, admin_cap: Argument, blob: Argument) -> Argument {
        self.walrus_call("access_policy", "govern_blob", vec![policy, admin_cap, blob])
    }

    /// `access_policy::release_blob(&AccessPolicy, &AccessPolicyAdminCap, &mut Blob)`.
    pub fn release_blob(&mut self, policy: Argument, admin_cap: Argument, blob: Argument) -> Argument {
        self.walrus_call("access_policy", "release_blob", vec![policy, admin_cap, blob])
    }

    /// `access_policy::can_read(&AccessPolicy, &System, &Blob, reader): bool`.
    pub fn can_read(&mut self, policy: Argument, system: Argument, blob: Argument, reader: Address) -> Argument {
        let reader = self.pure(&reader);
        self.walrus_call("access_policy", "can_read", vec![policy, system, blob, reader])
    }

    /// `access_policy::seal_approve(id, &AccessPolicy, &System)` (an `entry` function Seal key
    /// servers dry-run; it aborts unless the sender may read `id`).
    pub fn seal_approve(&mut self, id: &[u8], policy: Argument, system: Argument) -> Argument {
        let id = self.pure(&id);
        self.walrus_call("access_policy", "seal_approve", vec![id, policy, system])
    }

    /// `storage_resource::split_by_epoch(&mut Storage, split_epoch): Storage` (the later part).
    pub fn split_storage_by_epoch(&mut self, storage: Argument, split_epoch: u32) -> Argument {
        let epoch = self.pure(&split_epoch);
        self.walrus_call("storage_resource", "split_by_epoch", vec![storage, epoch])
    }

    /// `storage_resource::split_by_size(&mut Storage, split_size): Storage` (of `split_size`).
    pub fn split_storage_by_size(&mut self, storage: Argument, split_size_bytes: u64) -> Argument {
        let size = self.pure(&split_size_bytes);
        self.walrus_call("storage_resource", "split_by_size", vec![storage, size])
    }

    /// `storage_resource::fuse(&mut Storage, Storage)`: equal periods add sizes, adjacent periods
    /// of equal size join.
    pub fn fuse_storage(&mut self, storage: Argument, other: Argument) -> Argument {
        self.walrus_call("storage_resource", "fuse", vec![storage, other])
    }

    /// `storage_resource::destroy(Storage)`.
    pub fn destroy_storage(&mut self, storage: Argument) -> Argument {
        self.walrus_call("storage_resource", "destroy", vec![storage])
    }

    /// `shared_blob::new(Blob)`: shares the blob without funds.
    pub fn share_blob(&mut self, blob: Argument) -> Argument {
        self.walrus_call("shared_blob", "new", vec![blob])
    }

    /// `shared_blob::new_funded(Blob, Coin<WAL>)`.
    pub fn share_blob_funded(&mut self, blob: Argument, funds: Argument) -> Argument {
        self.walrus_call("shared_blob", "new_funded", vec![blob, funds])
    }

    /// `shared_blob::fund(&mut SharedBlob, Coin<WAL>)`.
    pub fn fund_shared_blob(&mut self, shared_blob: Argument, funds: Argument) -> Argument {
        self.walrus_call("shared_blob", "fund", vec![shared_blob, funds])
    }

    /// `shared_blob::extend(&mut SharedBlob, &mut System, epochs_ahead)`.
    pub fn extend_shared_blob(&mut self, shared_blob: Argument, system: Argument, epochs_ahead: u32) -> Argument {
        let epochs = self.pure(&epochs_ahead);
        self.walrus_call("shared_blob", "extend", vec![shared_blob, system, epochs])
    }

    /// `wal::burn(&mut ProtectedTreasury, Coin<WAL>)`.
    pub fn burn_wal(&mut self, treasury: Argument, coin: Argument) -> Argument {
        self.wal_call("wal", "burn", vec![treasury, coin])
    }

    /// The commands of [`WalrusChainClient::reserve_and_register`]: pays with `payment` (merged
    /// into its first coin), reserves `storage_size_bytes` for `epochs_ahead` epochs, registers
    /// the blob of `commitment` with it and sends the `Blob` to `recipient`.
    pub fn reserve_and_register(
        &mut self,
        payment: &[ObjectReference],
        storage_size_bytes: u64,
        epochs_ahead: u32,
        commitment: &BlobCommitment,
        deletable: bool,
        recipient: Address,
    ) {
        let system = self.system(true);
        let payment = self.wal_payment(payment);
        let storage = self.reserve_space(system, storage_size_bytes, epochs_ahead, payment);
        let blob = self.register_blob(system, storage, commitment, deletable);
        self.transfer(vec![blob], recipient);
    }
}

impl WalrusChainClient {
    /// Buys `storage_size_bytes` of encoded storage for `epochs_ahead` epochs from the current
    /// one, paid in WAL; the `Storage` goes to the sender.
    pub async fn reserve_space(&self, storage_size_bytes: u64, epochs_ahead: u32) -> ChainResult<ChainObject<Storage>> {
        let price = self.payment_frost(self.storage_cost(storage_size_bytes, epochs_ahead).await?)?;
        let sender = self.address();
        let executed = self
            .run(&[], Some(price), |ptb, inputs| {
                let system = ptb.system(true);
                let payment = ptb.wal_payment(&inputs.wal);
                let storage = ptb.reserve_space(system, storage_size_bytes, epochs_ahead, payment);
                ptb.transfer(vec![storage], sender);
                Ok(())
            })
            .await?;
        self.new_object(&executed, &self.storage_type()).await
    }

    /// Registers the blob of `commitment` with the `Storage` resource `storage`; the `Blob` goes
    /// to the sender.
    pub async fn register_blob(
        &self,
        storage: Address,
        commitment: &BlobCommitment,
        deletable: bool,
    ) -> ChainResult<ChainObject<Blob>> {
        let sender = self.address();
        let executed = self
            .run(&[storage], None, |ptb, inputs| {
                let system = ptb.system(false);
                let storage = ptb.owned(inputs.owned(storage));
                let blob = ptb.register_blob(system, storage, commitment, deletable);
                ptb.transfer(vec![blob], sender);
                Ok(())
            })
            .await?;
        self.new_object(&executed, &self.blob_type()).await
    }

    /// Buys exactly the storage the blob of `commitment` needs for `epochs_ahead` epochs and
    /// registers the blob with it, in one transaction; the `Blob` goes to the sender.
    pub async fn reserve_and_register(
        &self,
        commitment: &BlobCommitment,
        epochs_ahead: u32,
        deletable: bool,
    ) -> ChainResult<ChainObject<Blob>> {
        let system_info = self.system_info().await?;
        let storage_size_bytes = system_info.encoded_size_bytes(commitment.unencoded_size_bytes)?;
        let price = self.payment_frost(system_info.storage_cost_frost(storage_size_bytes, epochs_ahead)?)?;
        let sender = self.address();
        let executed = self
            .run(&[], Some(price), |ptb, inputs| {
                ptb.reserve_and_register(&inputs.wal, storage_size_bytes, epochs_ahead, commitment, deletable, sender);
                Ok(())
            })
            .await?;
        self.new_object(&executed, &self.blob_type()).await
    }

    /// Certifies the blob object `blob` with a quorum certificate of storage confirmations.
    pub async fn certify_blob(&self, blob: Address, certificate: &Certificate) -> ChainResult<ExecutedTransaction> {
        self.run(&[blob], None, |ptb, inputs| {
            let system = ptb.system(false);
            let blob = ptb.owned(inputs.owned(blob));
            ptb.certify_blob(system, blob, certificate);
            Ok(())
        })
        .await
    }

    /// Extends the certified blob `blob` by `epochs_ahead` epochs, paid in WAL.
    pub async fn extend_blob(&self, blob: Address, epochs_ahead: u32) -> ChainResult<ExecutedTransaction> {
        let storage_size_bytes = self.get_blob(blob).await?.value.storage.storage_size;
        let price =
            self.payment_frost(self.system_info().await?.extension_cost_frost(storage_size_bytes, epochs_ahead)?)?;
        self.run(&[blob], Some(price), |ptb, inputs| {
            let system = ptb.system(true);
            let blob = ptb.owned(inputs.owned(blob));
            let payment = ptb.wal_payment(&inputs.wal);
            ptb.extend_blob(system, blob, epochs_ahead, payment);
            Ok(())
        })
        .await
    }

    /// Extends the certified blob `blob` with the `Storage` resource `extension`, which must
    /// start at the blob's end epoch and have its storage size.
    pub async fn extend_blob_with_resource(
        &self,
        blob: Address,
        extension: Address,
    ) -> ChainResult<ExecutedTransaction> {
        self.run(&[blob, extension], None, |ptb, inputs| {
            let system = ptb.system(false);
            let blob = ptb.owned(inputs.owned(blob));
            let extension = ptb.owned(inputs.owned(extension));
            ptb.extend_blob_with_resource(system, blob, extension);
            Ok(())
        })
        .await
    }

    /// Deletes the deletable blob `blob`; its `Storage` goes back to the sender.
    pub async fn delete_blob(&self, blob: Address) -> ChainResult<ChainObject<Storage>> {
        let sender = self.address();
        let executed = self
            .run(&[blob], None, |ptb, inputs| {
                let system = ptb.system(false);
                let blob = ptb.owned(inputs.owned(blob));
                let storage = ptb.delete_blob(system, blob);
                ptb.transfer(vec![storage], sender);
                Ok(())
            })
            .await?;
        self.new_object(&executed, &self.storage_type()).await
    }

    /// Destroys the blob object `blob` with its storage and attributes (the data stays on the
    /// storage nodes until the storage ends).
    pub async fn burn_blob(&self, blob: Address) -> ChainResult<ExecutedTransaction> {
        self.run(&[blob], None, |ptb, inputs| {
            let blob = ptb.owned(inputs.owned(blob));
            ptb.burn_blob(blob);
            Ok(())
        })
        .await
    }

    /// Marks a blob id invalid with a validity certificate of an invalid-blob-id message.
    pub async fn invalidate_blob_id(&self, certificate: &Certificate) -> ChainResult<ExecutedTransaction> {
        self.run(&[], None, |ptb, _| {
            let system = ptb.system(true);
            ptb.invalidate_blob_id(system, certificate);
            Ok(())
        })
        .await
    }

    /// Sets attribute `key` of blob `blob` to `value` (creating the attributes if needed).
    pub async fn set_blob_attribute(&self, blob: Address, key: &str, value: &str) -> ChainResult<ExecutedTransaction> {
        self.run(&[blob], None, |ptb, inputs| {
            let blob = ptb.owned(inputs.owned(blob));
            ptb.insert_or_update_metadata_pair(blob, key, value);
            Ok(())
        })
        .await
    }

    /// Removes attribute `key` of blob `blob`.
    pub async fn remove_blob_attribute(&self, blob: Address, key: &str) -> ChainResult<ExecutedTransaction> {
        self.run(&[blob], None, |ptb, inputs| {
            let blob = ptb.owned(inputs.owned(blob));
            ptb.remove_metadata_pair(blob, key);
            Ok(())
        })
        .await
    }

    /// Splits `storage` at `split_epoch`: it keeps `[start, split_epoch)`, the returned new
    /// resource (sent to the sender) covers `[split_epoch, end)`.
    pub async fn split_storage_by_epoch(
        &self,
        storage: Address,
        split_epoch: u32,
    ) -> ChainResult<ChainObject<Storage>> {
        self.split_storage(storage, |ptb, storage| ptb.split_storage_by_epoch(storage, split_epoch)).await
    }

    /// Splits `split_size_bytes` off `storage` into a new resource sent to the sender.
    pub async fn split_storage_by_size(
        &self,
        storage: Address,
        split_size_bytes: u64,
    ) -> ChainResult<ChainObject<Storage>> {
        self.split_storage(storage, |ptb, storage| ptb.split_storage_by_size(storage, split_size_bytes)).await
    }

    async fn split_storage(
        &self,
        storage: Address,
        split: impl FnOnce(&mut WalrusPtb, Argument) -> Argument,
    ) -> ChainResult<ChainObject<Storage>> {
        let sender = self.address();
        let executed = self
            .run(&[storage], None, |ptb, inputs| {
                let storage = ptb.owned(inputs.owned(storage));
                let part = split(ptb, storage);
                ptb.transfer(vec![part], sender);
                Ok(())
            })
            .await?;
        self.new_object(&executed, &self.storage_type()).await
    }

    /// Fuses `other` into `storage` (equal periods: sizes add; adjacent periods of equal size:
    /// periods join). `other` is consumed.
    pub async fn fuse_storage(&self, storage: Address, other: Address) -> ChainResult<ExecutedTransaction> {
        self.run(&[storage, other], None, |ptb, inputs| {
            let storage = ptb.owned(inputs.owned(storage));
            let other = ptb.owned(inputs.owned(other));
            ptb.fuse_storage(storage, other);
            Ok(())
        })
        .await
    }

    /// Destroys a `Storage` resource (its capacity is forfeited).
    pub async fn destroy_storage(&self, storage: Address) -> ChainResult<ExecutedTransaction> {
        self.run(&[storage], None, |ptb, inputs| {
            let storage = ptb.owned(inputs.owned(storage));
            ptb.destroy_storage(storage);
            Ok(())
        })
        .await
    }

    /// Turns the blob `blob` into a `SharedBlob`, funded with `funds_frost` WAL if non-zero.
    pub async fn share_blob(&self, blob: Address, funds_frost: u64) -> ChainResult<ChainObject<SharedBlob>> {
        let wal = (funds_frost > 0).then_some(funds_frost);
        let executed = self
            .run(&[blob], wal, |ptb, inputs| {
                let blob = ptb.owned(inputs.owned(blob));
                if funds_frost > 0 {
                    let payment = ptb.wal_payment(&inputs.wal);
                    let funds = ptb.split(payment, funds_frost);
                    ptb.share_blob_funded(blob, funds);
                } else {
                    ptb.share_blob(blob);
                }
                Ok(())
            })
            .await?;
        self.new_object(&executed, &self.shared_blob_type()).await
    }

    /// Adds `amount_frost` WAL to the funds of the shared blob `shared_blob`.
    pub async fn fund_shared_blob(&self, shared_blob: Address, amount_frost: u64) -> ChainResult<ExecutedTransaction> {
        let initial_shared_version = self.initial_shared_version(shared_blob).await?;
        self.run(&[], Some(amount_frost), |ptb, inputs| {
            let shared = ptb.shared(shared_blob, initial_shared_version, true);
            let payment = ptb.wal_payment(&inputs.wal);
            let funds = ptb.split(payment, amount_frost);
            ptb.fund_shared_blob(shared, funds);
            Ok(())
        })
        .await
    }

    /// Extends the shared blob `shared_blob` by `epochs_ahead` epochs, paid from its funds.
    pub async fn extend_shared_blob(
        &self,
        shared_blob: Address,
        epochs_ahead: u32,
    ) -> ChainResult<ExecutedTransaction> {
        let initial_shared_version = self.initial_shared_version(shared_blob).await?;
        self.run(&[], None, |ptb, _| {
            let shared = ptb.shared(shared_blob, initial_shared_version, true);
            let system = ptb.system(true);
            ptb.extend_shared_blob(shared, system, epochs_ahead);
            Ok(())
        })
        .await
    }

    /// Burns `amount_frost` of the sender's WAL through the shared `ProtectedTreasury`
    /// `treasury` (lowering the total supply).
    pub async fn burn_wal(&self, treasury: Address, amount_frost: u64) -> ChainResult<ExecutedTransaction> {
        let initial_shared_version = self.initial_shared_version(treasury).await?;
        self.run(&[], Some(amount_frost), |ptb, inputs| {
            let treasury = ptb.shared(treasury, initial_shared_version, true);
            let payment = ptb.wal_payment(&inputs.wal);
            let burned = ptb.split(payment, amount_frost);
            ptb.burn_wal(treasury, burned);
            Ok(())
        })
        .await
    }

    /// Sends `amount_frost` of the sender's WAL to `recipient` as a new coin.
    pub async fn transfer_wal(&self, recipient: Address, amount_frost: u64) -> ChainResult<ChainObject<Coin>> {
        let executed = self
            .run(&[], Some(amount_frost), |ptb, inputs| {
                let payment = ptb.wal_payment(&inputs.wal);
                let coin = ptb.split(payment, amount_frost);
                ptb.transfer(vec![coin], recipient);
                Ok(())
            })
            .await?;
        self.new_object(&executed, &StructTag::coin(self.wal_coin_type())).await
    }

    /// Sends the owned object `object` (a blob, storage resource, coin, ...) to `recipient`.
    pub async fn transfer_object(&self, object: Address, recipient: Address) -> ChainResult<ExecutedTransaction> {
        self.run(&[object], None, |ptb, inputs| {
            let object = ptb.owned(inputs.owned(object));
            ptb.transfer(vec![object], recipient);
            Ok(())
        })
        .await
    }

    /// Creates and shares an access policy named `name` that grants nothing from `expiry_epoch`
    /// on (`None`: never expires); its admin cap goes to the sender. Returns (policy id, admin
    /// cap id).
    pub async fn create_access_policy(&self, name: &str, expiry_epoch: Option<u32>) -> ChainResult<(Address, Address)> {
        let sender = self.address();
        let executed = self
            .run(&[], None, |ptb, _| {
                let admin_cap = ptb.new_access_policy(name, expiry_epoch);
                ptb.transfer(vec![admin_cap], sender);
                Ok(())
            })
            .await?;
        let admin_cap: ChainObject<AccessPolicyAdminCap> =
            self.new_object(&executed, &self.access_policy_admin_cap_type()).await?;
        Ok((Address::new(admin_cap.value.policy_id.0), admin_cap.id()))
    }

    /// Lets `reader` read under `policy` (the sender must own `admin_cap`, the policy's cap).
    pub async fn add_policy_reader(
        &self,
        policy: Address,
        admin_cap: Address,
        reader: Address,
    ) -> ChainResult<ExecutedTransaction> {
        self.change_policy(policy, admin_cap, |ptb, policy, cap| ptb.add_policy_reader(policy, cap, reader)).await
    }

    /// Stops `reader` from reading under `policy`.
    pub async fn remove_policy_reader(
        &self,
        policy: Address,
        admin_cap: Address,
        reader: Address,
    ) -> ChainResult<ExecutedTransaction> {
        self.change_policy(policy, admin_cap, |ptb, policy, cap| ptb.remove_policy_reader(policy, cap, reader)).await
    }

    /// Sets the first epoch in which `policy` grants nothing (`None`: never expires).
    pub async fn set_policy_expiry(
        &self,
        policy: Address,
        admin_cap: Address,
        expiry_epoch: Option<u32>,
    ) -> ChainResult<ExecutedTransaction> {
        self.change_policy(policy, admin_cap, |ptb, policy, cap| ptb.set_policy_expiry(policy, cap, expiry_epoch)).await
    }

    /// Renames `policy`.
    pub async fn rename_access_policy(
        &self,
        policy: Address,
        admin_cap: Address,
        name: &str,
    ) -> ChainResult<ExecutedTransaction> {
        self.change_policy(policy, admin_cap, |ptb, policy, cap| ptb.rename_access_policy(policy, cap, name)).await
    }

    /// A transaction changing the shared `policy` with the owned `admin_cap`.
    async fn change_policy(
        &self,
        policy: Address,
        admin_cap: Address,
        change: impl FnOnce(&mut WalrusPtb, Argument, Argument) -> Argument,
    ) -> ChainResult<ExecutedTransaction> {
        let initial_shared_version = self.initial_shared_version(policy).await?;
        self.run(&[admin_cap], None, |ptb, inputs| {
            let policy = ptb.shared(policy, initial_shared_version, true);
            let cap = ptb.owned(inputs.owned(admin_cap));
            change(ptb, policy, cap);
            Ok(())
        })
        .await
    }

    /// Puts the sender's blob object `blob` under `policy` (its `access_policy` attribute names
    /// the policy). The sender must own both the blob and `admin_cap`.
    pub async fn govern_blob(
        &self,
        policy: Address,
        admin_cap: Address,
        blob: Address,
    ) -> ChainResult<ExecutedTransaction> {
        self.policy_blob_call(policy, admin_cap, blob, WalrusPtb::govern_blob).await
    }

    /// Takes the sender's blob object `blob` out of `policy` (removes its `access_policy`
    /// attribute).
    pub async fn release_blob(
        &self,
        policy: Address,
        admin_cap: Address,
        blob: Address,
    ) -> ChainResult<ExecutedTransaction> {
        self.policy_blob_call(policy, admin_cap, blob, WalrusPtb::release_blob).await
    }

    async fn policy_blob_call(
        &self,
        policy: Address,
        admin_cap: Address,
        blob: Address,
        call: fn(&mut WalrusPtb, Argument, Argument, Argument) -> Argument,
    ) -> ChainResult<ExecutedTransaction> {
        let initial_shared_version = self.initial_shared_version(policy).await?;
        self.run(&[admin_cap, blob], None, |ptb, inputs| {
            // Governing reads the policy only: no contention with its administration.
            let policy = ptb.shared(policy, initial_shared_version, false);
            let cap = ptb.owned(inputs.owned(admin_cap));
            let blob = ptb.owned(inputs.owned(blob));
            call(ptb, policy, cap, blob);
            Ok(())
        })
        .await
    }

    /// Whether `reader` may read the blob object `blob` under `policy` now: `access_policy::
    /// can_read`, dry-run with SimulateTransaction (nothing is executed or paid).
    ///
    /// Sui lets only an object's owner name it in a transaction, even read-only, so the dry run
    /// is sent as the blob's owner, paid (notionally) with the owner's largest SUI coin.
    pub async fn can_read(&self, policy: Address, blob: Address, reader: Address) -> ChainResult<bool> {
        let initial_shared_version = self.initial_shared_version(policy).await?;
        let blob_object = self.get_raw_object(blob).await?;
        if blob_object.object_type != self.blob_type() {
            return Err(ChainError::WrongObjectType {
                id: blob,
                expected: self.blob_type().to_string(),
                found: blob_object.object_type.to_string(),
            });
        }
        let sender = match blob_object.owner {
            Owner::Address(owner) => owner,
            Owner::Immutable => self.address(),
            other => {
                return Err(ChainError::InvalidArgument(format!(
                    "blob object {blob} is owned by {other:?}; only blobs owned by an address (or frozen) can be checked"
                )));
            }
        };
        let budget = self.options().gas_budget_mist;
        let gas = self
            .owned_coins(sender, &StructTag::sui().into())
            .await?
            .into_iter()
            .max_by_key(|coin| coin.value.value())
            .filter(|coin| coin.value.value() > 0)
            .ok_or(ChainError::InsufficientGas { address: sender, budget_mist: budget, largest_mist: 0 })?;
        let budget = budget.min(gas.value.value());
        let price = self.gas_price().await?;
        let mut ptb = WalrusPtb::new(*self.deployment());
        let policy = ptb.shared(policy, initial_shared_version, false);
        let system = ptb.system(false);
        let blob_argument = ptb.owned(&blob_object.reference);
        ptb.can_read(policy, system, blob_argument, reader);
        let transaction = ptb.finish(sender, &gas.reference, budget, price)?;
        let returned = self.dry_run(transaction).await?;
        let bytes =
            returned.first().and_then(|values| values.first()).ok_or_else(|| ChainError::MalformedResponse {
                operation: "SimulateTransaction",
                message: "no return value of access_policy::can_read; the node must serve command_outputs".into(),
            })?;
        bcs::from_bytes(bytes).map_err(|e| ChainError::MalformedResponse {
            operation: "SimulateTransaction",
            message: format!("access_policy::can_read returned {} bytes, not a bool: {e}", bytes.len()),
        })
    }

    /// Simulates `transaction`: a Move abort is an error as in execution; otherwise the BCS bytes
    /// of each command's return values.
    async fn dry_run(&self, transaction: sui_sdk_types::Transaction) -> ChainResult<Vec<Vec<Vec<u8>>>> {
        let digest = transaction.digest();
        let request = proto::SimulateTransactionRequest::default()
            .with_transaction(transaction)
            .with_read_mask(FieldMask::from_paths(DRY_RUN_READ_MASK));
        let response = self
            .rpc()
            .execution_client()
            .simulate_transaction(self.request(request))
            .await
            .map_err(|status| ChainError::rejection(self.grpc_url(), &status))?
            .into_inner();
        let malformed = |message: String| ChainError::MalformedResponse { operation: "SimulateTransaction", message };
        let effects = response
            .transaction
            .as_ref()
            .and_then(|t| t.effects.as_ref())
            .ok_or_else(|| malformed(format!("no effects for the dry run {digest}")))
            .and_then(|e| {
                TransactionEffects::try_from(e).map_err(|e| malformed(format!("effects of {digest}: {e}")))
            })?;
        if let ExecutionStatus::Failure { error, command } = effects.status() {
            return Err(match error {
                sui_sdk_types::ExecutionError::MoveAbort { location, code } => {
                    let d = self.deployment();
                    let package = if location.package == d.walrus_package {
                        "walrus".to_owned()
                    } else if location.package == d.wal_package {
                        "wal".to_owned()
                    } else {
                        location.package.to_string()
                    };
                    ChainError::move_abort(format!("{package}::{}", location.module), *code, digest)
                }
                other => ChainError::ExecutionFailed { digest, command: *command, error: format!("{other:?}") },
            });
        }
        Ok(response
            .command_outputs
            .iter()
            .map(|result| {
                result
                    .return_values
                    .iter()
                    .map(|output| {
                        output.value.as_ref().and_then(|v| v.value.as_ref()).map(|b| b.to_vec()).unwrap_or_default()
                    })
                    .collect()
            })
            .collect())
    }

    /// The version at which the shared object `id` became shared.
    async fn initial_shared_version(&self, id: Address) -> ChainResult<u64> {
        let object = self.get_raw_object(id).await?;
        match object.owner {
            Owner::Shared(version) => Ok(version),
            _ => Err(ChainError::InvalidArgument(format!("object {id} ({}) is not shared", object.object_type))),
        }
    }

    /// A price as a WAL payment amount: prices above the WAL supply cannot be paid.
    fn payment_frost(&self, price: u128) -> ChainResult<u64> {
        u64::try_from(price).map_err(|_| {
            ChainError::InvalidArgument(format!("the price of {price} FROST exceeds any WAL payment; buy less storage"))
        })
    }
}
