//! Everything the chain client can fail with, and the translation of what the chain reports
//! (gRPC statuses, rejected transactions, Move aborts) into errors that say what to do.

use std::time::Duration;

use sui_sdk_types::{Address, Digest};
use walrus_contracts::AbortCode;
use walrus_contracts::{
    access_policy, blob, bls_aggregate, encoding, framework, governance, messages, metadata, package, staked_wal,
    staking, staking_inner, storage_accounting, storage_challenge, storage_resource, system, system_state_inner,
};

use crate::{ConfigError, WalletError};

/// `0x2::balance::ENonZero`: destroying a coin or balance that is not empty.
pub const BALANCE_E_NON_ZERO: AbortCode = AbortCode::new("0x2::balance", "ENonZero", 0);

/// Every abort code of the `wal` and `walrus` packages (and the framework aborts they can cause),
/// with what the caller should do about it.
const ABORT_HINTS: &[(AbortCode, &str)] = &[
    (
        system::E_WRONG_VERSION,
        "the System object holds a state version this package does not know; use the package version the network's System was upgraded to",
    ),
    (
        system_state_inner::E_INVALID_EPOCHS_AHEAD,
        "epochs_ahead is 0 or the storage would end more than max_epochs_ahead epochs after the current epoch; ask for fewer epochs (see SystemInfo::max_epochs_ahead)",
    ),
    (
        system_state_inner::E_STORAGE_EXCEEDED,
        "an epoch of the period has no free capacity left; buy less storage or fewer epochs",
    ),
    (
        system_state_inner::E_INSUFFICIENT_FUNDS,
        "the payment is below the price; pay with more WAL (see storage_cost) or fund the shared blob",
    ),
    (
        system_state_inner::E_BLOB_ID_INVALIDATED,
        "the blob id was proven invalid (inconsistently encoded); re-encode the data correctly and use the new blob id",
    ),
    (
        system_state_inner::E_WRONG_MESSAGE_EPOCH,
        "the invalid-blob-id attestation was not signed in the current epoch; collect a fresh attestation",
    ),
    (
        system_state_inner::E_SHARD_COUNT_MISMATCH,
        "the committee's shards do not add up to the system's shard count; give every shard to exactly one member",
    ),
    (system_state_inner::E_INVALID_MAX_EPOCHS_AHEAD, "max_epochs_ahead must be at least 1"),
    (
        blob::E_WRONG_BLOB_ID,
        "the blob id does not match the root hash, encoding type and size; register the blob id the encoder derived from these",
    ),
    (
        blob::E_STORAGE_NOT_STARTED,
        "the storage resource starts after the current epoch; register with storage that covers the current epoch",
    ),
    (blob::E_STORAGE_EXPIRED, "the storage resource has ended; buy new storage"),
    (blob::E_STORAGE_TOO_SMALL, "the encoded size exceeds the storage resource; buy more storage"),
    (blob::E_ALREADY_CERTIFIED, "the blob is already certified; nothing to do"),
    (blob::E_BLOB_EXPIRED, "the blob's storage has ended; it can no longer be certified or extended"),
    (
        blob::E_WRONG_MESSAGE_EPOCH,
        "the storage confirmations were signed in another epoch; collect confirmations in the current epoch",
    ),
    (blob::E_BLOB_ID_MISMATCH, "the certificate confirms another blob id; certify with confirmations for this blob"),
    (
        blob::E_PERSISTENCE_MISMATCH,
        "the certificate's persistence (permanent, or deletable with this blob's object id) differs from the blob's; collect confirmations for this blob object",
    ),
    (blob::E_NOT_CERTIFIED, "only certified blobs can be extended; certify the blob first"),
    (blob::E_NOT_DELETABLE, "the blob was registered as permanent and cannot be deleted"),
    (
        blob::E_EXTENSION_NOT_ADJACENT,
        "the extension storage must start at the blob's end epoch; split or buy storage starting there",
    ),
    (blob::E_EXTENSION_SIZE_MISMATCH, "the extension storage must have the blob's storage size; split it to that size"),
    (blob::E_DUPLICATE_METADATA, "the blob already has attributes; update them pair by pair instead"),
    (blob::E_MISSING_METADATA, "the blob has no attributes; insert one first"),
    (metadata::E_KEY_NOT_FOUND, "the blob has no attribute with that key"),
    (encoding::E_INVALID_ENCODING_TYPE, "the encoding type is not RedStuff (1); encode the blob with walrus-core"),
    (encoding::E_INVALID_SHARD_COUNT, "the shard count is outside 4..=4096"),
    (
        encoding::E_BLOB_TOO_LARGE,
        "the blob is larger than the encoding supports (64 GiB, or 1 GiB symbols); split it into smaller blobs",
    ),
    (storage_resource::E_INVALID_SPLIT_EPOCH, "the split epoch must lie strictly inside the storage period"),
    (storage_resource::E_INVALID_SPLIT_SIZE, "the split size must be strictly between 0 and the storage size"),
    (storage_resource::E_INCOMPATIBLE_EPOCHS, "storage resources can only be fused with equal or adjacent periods"),
    (
        storage_resource::E_INCOMPATIBLE_SIZE,
        "storage resources with adjacent periods must have equal sizes to be fused",
    ),
    (storage_resource::E_INVALID_PERIOD, "the storage period is empty or does not grow"),
    (storage_accounting::E_EPOCH_OUT_OF_RANGE, "the epoch lies beyond the epochs storage can be bought for"),
    (
        messages::E_MESSAGE_TOO_SHORT,
        "the signed message is shorter than its layout; send the exact bytes the storage nodes signed",
    ),
    (messages::E_INVALID_INTENT_TYPE, "the signed message has the wrong intent type for this call"),
    (messages::E_INVALID_INTENT_VERSION, "the signed message's intent version is not 0"),
    (messages::E_INVALID_APP_ID, "the signed message's app id is not Walrus storage (3)"),
    (messages::E_INVALID_PERSISTENCE, "the storage confirmation's persistence tag is neither 0 nor 1"),
    (
        messages::E_TRAILING_BYTES,
        "the signed message has bytes after its layout; send the exact bytes the storage nodes signed",
    ),
    (
        bls_aggregate::E_INVALID_COMMITTEE,
        "the committee is invalid (vectors of different lengths, empty, a member without shards or with an empty or over-long network address, or too many shards)",
    ),
    (
        bls_aggregate::E_INVALID_BITMAP,
        "the signers bitmap must have ceil(members / 8) bytes and no bit past the last member",
    ),
    (
        bls_aggregate::E_NOT_ENOUGH_SHARDS,
        "the signers hold too few shards (a certificate needs more than 2/3, an invalid-blob attestation more than 1/3); collect more signatures",
    ),
    (
        bls_aggregate::E_INVALID_SIGNATURE,
        "the aggregate signature does not verify against the signers' keys; aggregate the signatures of exactly the members in the bitmap over the exact message",
    ),
    (bls_aggregate::GROUP_OPS_E_INVALID_INPUT, "a public key is not a valid compressed BLS12-381 G1 point"),
    (
        access_policy::E_NOT_ADMIN,
        "the admin cap belongs to another access policy; use the AccessPolicyAdminCap whose policy_id is this policy",
    ),
    (access_policy::E_ALREADY_READER, "the address is already a reader of the policy; nothing to do"),
    (access_policy::E_NOT_READER, "the address is not a reader of the policy; nothing to remove"),
    (
        access_policy::E_TOO_MANY_READERS,
        "the policy already has the most readers it can hold (100); remove readers or split the audience over several policies",
    ),
    (access_policy::E_INVALID_NAME, "the policy name must be 1 to 256 bytes of UTF-8"),
    (
        access_policy::E_ALREADY_GOVERNED,
        "the blob already names an access policy in its access_policy attribute; release it from that policy first",
    ),
    (
        access_policy::E_NOT_GOVERNED,
        "the blob is not governed by this policy; check the blob's access_policy attribute",
    ),
    (
        access_policy::E_NO_ACCESS,
        "the sender may not read under this policy now (not a reader, or the policy expired), or the identity is outside the policy's namespace",
    ),
    (
        staking::E_WRONG_VERSION,
        "the Staking object holds a state version this package does not know; use the package version the network's Staking was upgraded to",
    ),
    (staking::E_WRONG_SYSTEM, "this staking object does not drive that System; pass the deployment's System"),
    (
        staking_inner::E_INVALID_PARAMETERS,
        "the staking parameters are invalid (zero epoch duration, committee size or shard cap, a burn share above 10000 basis points, or operators/stakes that do not match the committee)",
    ),
    (staking_inner::E_INVALID_NETWORK_ADDRESS, "the node's network address must be 1 to 256 bytes (host:port)"),
    (staking_inner::E_INVALID_COMMISSION_RATE, "the commission rate must be at most 10000 basis points (100%)"),
    (
        staking_inner::E_INVALID_PROOF_OF_POSSESSION,
        "the proof of possession does not verify; sign the proof-of-possession message for the current staking epoch and the sending address with the node's BLS key",
    ),
    (staking_inner::E_UNKNOWN_NODE, "no staking pool has this node id; register the node first or check the id"),
    (
        staking_inner::E_STAKE_TOO_SMALL,
        "the stake is below the minimum stake (1 WAL unless governance raised it: `walrus governance info` shows min_stake_frost); stake more",
    ),
    (
        staking_inner::E_WRONG_EPOCH_STATE,
        "the epoch change is not at this step (voting_end needs a synced committee and runs once per epoch; initiate_epoch_change needs voting_end first); wait for the previous step",
    ),
    (
        staking_inner::E_TOO_EARLY,
        "too early in the epoch: voting_end needs half the epoch duration, initiate_epoch_change the whole; wait and retry",
    ),
    (staking_inner::E_NOT_IN_COMMITTEE, "the node is not in the current committee, so it has no shards to sync"),
    (staking_inner::E_WRONG_EPOCH, "the sync signal names another epoch; signal for the current epoch"),
    (staking_inner::E_NOT_STAKED, "the stake is already withdrawing; withdraw it once its withdraw epoch has begun"),
    (
        staking_inner::E_NOT_ACTIVE,
        "the stake is not active yet; withdraw it directly (it returns at once) instead of requesting a withdrawal",
    ),
    (
        staking_inner::E_NOT_WITHDRAWABLE,
        "the stake cannot be withdrawn yet: request a withdrawal first, then wait until its withdraw epoch begins",
    ),
    (
        storage_challenge::E_INVALID_CHALLENGE_PARAMETERS,
        "the samples per node of storage challenges must be at most storage_challenge::max_samples_per_node() (64)",
    ),
    (
        storage_challenge::E_CHALLENGES_DISABLED,
        "storage challenges are switched off (0 samples per node), so no seed can be drawn",
    ),
    (
        storage_challenge::E_SEED_ALREADY_SET,
        "the storage challenge of this epoch was already issued; nothing to do until the next epoch",
    ),
    (
        storage_challenge::E_NO_CHALLENGE,
        "no storage challenge was issued this epoch; wait for its seed (ChallengeSeedSet) before attesting",
    ),
    (
        storage_challenge::E_NOT_COMMITTEE_MEMBER,
        "only members of the current committee attest storage challenges; this node is not one",
    ),
    (
        storage_challenge::E_UNKNOWN_CHALLENGED_NODE,
        "an attested node is not a member of the current committee; attest only members",
    ),
    (storage_challenge::E_SELF_ATTESTATION, "a node cannot attest itself; leave its own id out"),
    (
        storage_challenge::E_WRONG_EPOCH,
        "the attestation names another epoch than the current one (an epoch change came first); the proofs it attests are no longer challenged",
    ),
    (
        storage_challenge::E_ALREADY_ATTESTED,
        "the node already attested one of these nodes this epoch (or named it twice); attest each node once",
    ),
    (staked_wal::E_INVALID_SPLIT_AMOUNT, "both parts of a split must hold at least the minimum stake of 1 WAL"),
    (
        staked_wal::E_INCOMPATIBLE_STAKED_WAL,
        "only staked WAL of the same pool, activation epoch and state (and withdraw epoch) can be joined",
    ),
    (staked_wal::E_NOT_WITHDRAWING, "the staked WAL is not withdrawing, so it has no withdraw epoch or pool tokens"),
    (
        staked_wal::E_LOCKED_BY_VOTE,
        "the staked WAL voted on a governance proposal and is locked until that voting ends (so the same WAL cannot vote twice); once it ended, release the lock with `walrus governance release-lock` and retry",
    ),
    (
        governance::E_WRONG_VERSION,
        "the Governance object holds a version this package does not know; use the package version the network's Governance was upgraded to",
    ),
    (
        governance::E_INVALID_PARAMETERS,
        "the governance parameters are invalid (a zero deposit, a voting period of 0 or above a year, a delay above a year, a quorum above 10000 or a threshold of 10000 or more basis points)",
    ),
    (
        governance::E_UNKNOWN_PARAMETER,
        "no governance parameter has this id; use one of the names `walrus governance info` lists",
    ),
    (
        governance::E_INVALID_PARAMETER_VALUE,
        "the value is outside the parameter's range (`walrus governance info` lists each range); propose a value inside it",
    ),
    (
        governance::E_INVALID_DIGEST,
        "an upgrade digest is 32 bytes (the SHA-256 `sui move build --dump-bytecode-as-base64` prints)",
    ),
    (governance::E_DESCRIPTION_TOO_LONG, "the description (or text) is longer than 4096 bytes; shorten it"),
    (
        governance::E_DEPOSIT_TOO_SMALL,
        "the deposit is below the governance's minimum deposit (`walrus governance info`); deposit more WAL",
    ),
    (
        governance::E_NO_VOTING_POWER,
        "the StakedWal has no voting power: it is withdrawing, or its stake is not active yet (it activates at the next epoch change); use active stake",
    ),
    (governance::E_INVALID_VOTE, "the vote must be 0 (yes), 1 (no) or 2 (abstain)"),
    (governance::E_VOTING_CLOSED, "the proposal's voting has ended; votes are no longer accepted"),
    (
        governance::E_VOTING_OPEN,
        "the proposal's voting has not ended yet; wait until its voting end (`walrus governance show`)",
    ),
    (
        governance::E_NOT_APPROVED,
        "the proposal missed its quorum or its approval threshold, so it cannot be executed; propose it again if it should pass",
    ),
    (
        governance::E_EXECUTION_TOO_EARLY,
        "the proposal is approved but its execution delay has not passed; wait until it is executable (`walrus governance show`)",
    ),
    (governance::E_ALREADY_EXECUTED, "the proposal was executed already; nothing to do"),
    (
        governance::E_WRONG_PROPOSAL_KIND,
        "upgrade proposals are executed with the new package (execute_upgrade, Upgrade, commit_upgrade), other proposals with execute",
    ),
    (governance::E_DEPOSIT_SETTLED, "the proposal's deposit was settled already; nothing to do"),
    (
        governance::E_VOTE_LOCK_ACTIVE,
        "the staked WAL stays locked until the last voting it took part in ends; wait for that time (`walrus staking list-stakes`)",
    ),
    (package::E_TOO_PERMISSIVE, "the upgrade policy is more permissive than the UpgradeCap allows"),
    (package::E_ALREADY_AUTHORIZED, "another upgrade of the package is in progress in this transaction"),
    (package::E_NOT_AUTHORIZED, "no upgrade was authorized; execute the approved upgrade proposal first"),
    (package::E_WRONG_UPGRADE_CAP, "the upgrade receipt belongs to another UpgradeCap"),
    (
        framework::DYNAMIC_FIELD_E_FIELD_DOES_NOT_EXIST,
        "an entry the call needs does not exist (e.g. a staking pool or an exchange rate); check the ids",
    ),
    (framework::BALANCE_E_NOT_ENOUGH, "a coin or balance holds less than the amount taken from it"),
    (BALANCE_E_NON_ZERO, "a coin that is not empty cannot be destroyed"),
];

/// The known abort code `code` of `module` (as `package::module`, e.g. `walrus::blob`).
pub fn known_abort(module: &str, code: u64) -> Option<(AbortCode, &'static str)> {
    ABORT_HINTS.iter().find(|(abort, _)| abort.module == module && abort.code == code).copied()
}

/// Everything that can go wrong talking to the chain.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// The client configuration is incomplete.
    #[error(transparent)]
    Config(#[from] ConfigError),

    /// The wallet could not provide or use the key.
    #[error(transparent)]
    Wallet(#[from] WalletError),

    /// The gRPC URL cannot be used.
    #[error(
        "cannot use gRPC URL `{url}`: {message}; give an http:// or https:// URL of a Sui full node or the local chain"
    )]
    InvalidUrl {
        /// The URL.
        url: String,
        /// What is wrong with it.
        message: String,
    },

    /// A gRPC call failed.
    #[error("{operation} failed at {url}: {code:?}: {message}; {hint}")]
    Rpc {
        /// What was being done, e.g. "GetObject".
        operation: &'static str,
        /// The endpoint.
        url: String,
        /// The gRPC status code.
        code: tonic::Code,
        /// The server's message.
        message: String,
        /// What to do about it.
        hint: &'static str,
    },

    /// The server answered with something this client cannot use.
    #[error("{operation}: the server's answer is unusable: {message}; the node may run an incompatible Sui version")]
    MalformedResponse {
        /// What was being done.
        operation: &'static str,
        /// What is wrong with the answer.
        message: String,
    },

    /// An object does not exist.
    #[error("object {id} does not exist or was deleted; check the id (a deleted or burned object is gone for good)")]
    ObjectNotFound {
        /// The object id.
        id: Address,
    },

    /// An object has another type than the call needs.
    #[error("object {id} is a {found}, not a {expected}; pass the id of a {expected}")]
    WrongObjectType {
        /// The object id.
        id: Address,
        /// The type the call needs.
        expected: String,
        /// The object's type.
        found: String,
    },

    /// An object's contents could not be decoded as its Move type.
    #[error(
        "object {id} ({type_name}) could not be decoded: {message}; the deployment's package may differ from this client's"
    )]
    Decode {
        /// The object id.
        id: Address,
        /// The type it was decoded as.
        type_name: String,
        /// The decoder's complaint.
        message: String,
    },

    /// The sender does not own an object the transaction needs.
    #[error("object {id} is owned by {owner}, not by {sender}; only the owner can use it in a transaction")]
    NotOwner {
        /// The object id.
        id: Address,
        /// Its owner, as Sui describes it.
        owner: String,
        /// The address sending the transaction.
        sender: Address,
    },

    /// The transaction aborted in Move. Only the gas fee was charged.
    #[error("{module}::{name} ({code}): {message} (transaction {digest})")]
    MoveAbort {
        /// The module, as `package::module` (`walrus::blob`, `0x2::balance`, or a package id).
        module: String,
        /// The abort constant's name (`unknown` for a code this client does not know).
        name: String,
        /// The abort code.
        code: u64,
        /// What the abort means and what to do.
        message: String,
        /// The failed transaction (it is on chain: the gas fee was paid).
        digest: Digest,
    },

    /// The transaction failed during execution for another reason than an abort. Only the gas
    /// fee was charged.
    #[error(
        "transaction {digest} failed in command {command:?}: {error}; this is a bug in how the transaction was built"
    )]
    ExecutionFailed {
        /// The failed transaction.
        digest: Digest,
        /// The command that failed, if known.
        command: Option<u64>,
        /// Sui's description of the failure.
        error: String,
    },

    /// The chain refused the transaction's signature. Nothing changed.
    #[error(
        "the chain refused the transaction's signature: {message}; sign with the sender's key over the exact transaction bytes"
    )]
    InvalidSignature {
        /// The chain's message.
        message: String,
    },

    /// The transaction named an object version that is no longer current. Nothing changed.
    #[error(
        "the transaction used an outdated object version: {message}; read the object again and rebuild the transaction"
    )]
    StaleObject {
        /// The chain's message.
        message: String,
    },

    /// The chain refused an object of the transaction (someone else's, missing, wrong kind).
    /// Nothing changed.
    #[error("the chain refused an input object: {message}; use only objects the sender owns or shared objects")]
    ObjectNotUsable {
        /// The chain's message.
        message: String,
    },

    /// The chain refused the gas payment. Nothing changed.
    #[error("the chain refused the gas payment: {message}; get SUI (e.g. from the faucet) or lower the gas budget")]
    GasRejected {
        /// The chain's message.
        message: String,
    },

    /// The chain refused the transaction for another reason. Nothing changed.
    #[error("the chain refused the transaction: {message}")]
    Rejected {
        /// The chain's message.
        message: String,
    },

    /// No SUI coin of the sender can pay the gas budget.
    #[error(
        "no SUI coin of {address} holds the gas budget of {budget_mist} MIST (its largest free coin holds \
         {largest_mist} MIST); get SUI from the faucet, or merge coins"
    )]
    InsufficientGas {
        /// The sender.
        address: Address,
        /// The gas budget.
        budget_mist: u64,
        /// The largest coin not used otherwise by the transaction.
        largest_mist: u64,
    },

    /// The sender's WAL does not cover a payment.
    #[error("{address} holds {available_frost} FROST of WAL but the payment needs {needed_frost}; get more WAL")]
    InsufficientWal {
        /// The sender.
        address: Address,
        /// What the payment needs.
        needed_frost: u64,
        /// What the sender's coins hold in total.
        available_frost: u64,
    },

    /// Objects the transaction needs stayed in use by other transactions of this client.
    #[error(
        "{what} of {address} stayed in use by this client's other transactions for {waited:?}; wait for \
         them, or split coins so that concurrent transactions each have their own"
    )]
    Busy {
        /// What was waited for, e.g. "a gas coin".
        what: String,
        /// The sender.
        address: Address,
        /// How long the client waited.
        waited: Duration,
    },

    /// The transaction was submitted but its checkpoint did not arrive in time.
    #[error(
        "transaction {digest} was submitted but not seen in a checkpoint within {waited:?}; it may still \
         land: look it up by digest before retrying"
    )]
    CheckpointTimeout {
        /// The transaction.
        digest: Digest,
        /// How long the client waited.
        waited: Duration,
    },

    /// The transaction could not be built.
    #[error("could not build the transaction: {0}; this is a bug in the chain client")]
    Build(#[from] sui_transaction_builder::Error),

    /// A price does not fit into 128 bits.
    #[error("the price of {storage_size_bytes} bytes for {epochs_ahead} epochs overflows; buy less storage")]
    PriceOverflow {
        /// The storage size.
        storage_size_bytes: u64,
        /// The epochs.
        epochs_ahead: u32,
    },

    /// A call argument is unusable before anything is sent.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
}

impl ChainError {
    /// A failed gRPC call, with a hint matching its status code.
    pub(crate) fn rpc(operation: &'static str, url: &str, status: &tonic::Status) -> Self {
        let hint = match status.code() {
            tonic::Code::Unavailable | tonic::Code::Unknown => {
                "check that the node is running and the profile's grpc_url points at it"
            }
            tonic::Code::DeadlineExceeded | tonic::Code::Cancelled => {
                "the node did not answer in time; retry, or raise the client's request timeout"
            }
            tonic::Code::Unimplemented => {
                "the node does not serve this part of Sui's gRPC API; use a full node that does"
            }
            tonic::Code::NotFound => "check the id or digest",
            tonic::Code::ResourceExhausted => "the node is rate limiting; retry later",
            _ => "see the server's message",
        };
        Self::Rpc { operation, url: url.to_owned(), code: status.code(), message: status.message().to_owned(), hint }
    }

    /// A transaction the server refused before execution, classified by its message. The
    /// classification reads the wording of Sui full nodes and of the local chain.
    pub(crate) fn rejection(url: &str, status: &tonic::Status) -> Self {
        let message = status.message().to_owned();
        let lower = message.to_lowercase();
        match status.code() {
            tonic::Code::InvalidArgument | tonic::Code::FailedPrecondition | tonic::Code::NotFound => {}
            _ => return Self::rpc("ExecuteTransaction", url, status),
        }
        if lower.contains("signature") || lower.contains("signed by") {
            Self::InvalidSignature { message }
        } else if lower.contains("stale")
            || lower.contains("not available for consumption")
            || lower.contains("digest does not match")
        {
            Self::StaleObject { message }
        } else if lower.contains("gas") {
            Self::GasRejected { message }
        } else if lower.contains("owned by") || lower.contains("cannot be used") || lower.contains("does not exist") {
            Self::ObjectNotUsable { message }
        } else {
            Self::Rejected { message }
        }
    }

    /// A Move abort at `module` (already qualified as `package::module`) with `code`.
    pub(crate) fn move_abort(module: String, code: u64, digest: Digest) -> Self {
        match known_abort(&module, code) {
            Some((abort, hint)) => {
                Self::MoveAbort { module, name: abort.name.to_owned(), code, message: hint.to_owned(), digest }
            }
            None => Self::MoveAbort {
                module,
                name: "unknown".to_owned(),
                code,
                message: "this client does not know the abort code; check that the deployment's packages match \
                          this client"
                    .to_owned(),
                digest,
            },
        }
    }

    /// The abort code, if this is a Move abort of a code this client knows.
    pub fn abort_code(&self) -> Option<AbortCode> {
        match self {
            Self::MoveAbort { module, code, .. } => known_abort(module, *code).map(|(abort, _)| abort),
            _ => None,
        }
    }
}

/// Results of the chain client.
pub type ChainResult<T> = Result<T, ChainError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_abort_code_is_listed_once() {
        for (i, (a, _)) in ABORT_HINTS.iter().enumerate() {
            for (b, _) in &ABORT_HINTS[i + 1..] {
                assert!(!(a.module == b.module && a.code == b.code), "{a:?} and {b:?} collide");
            }
        }
        // Spot checks across modules.
        assert_eq!(known_abort("walrus::blob", 3).unwrap().0, blob::E_STORAGE_TOO_SMALL);
        assert_eq!(known_abort("walrus::system_state_inner", 2).unwrap().0, system_state_inner::E_INSUFFICIENT_FUNDS);
        assert_eq!(known_abort("0x2::balance", 2).unwrap().0, framework::BALANCE_E_NOT_ENOUGH);
        assert_eq!(known_abort("walrus::access_policy", 0).unwrap().0, access_policy::E_NOT_ADMIN);
        assert_eq!(known_abort("walrus::access_policy", 7).unwrap().0, access_policy::E_NO_ACCESS);
        assert!(known_abort("walrus::blob", 99).is_none());
        assert_eq!(known_abort("walrus::staking_inner", 7).unwrap().0, staking_inner::E_TOO_EARLY);
        assert_eq!(known_abort("walrus::staked_wal", 0).unwrap().0, staked_wal::E_INVALID_SPLIT_AMOUNT);
    }

    #[test]
    fn every_staking_abort_code_is_listed() {
        let codes = [
            staking::E_WRONG_VERSION,
            staking::E_WRONG_SYSTEM,
            staking_inner::E_INVALID_PARAMETERS,
            staking_inner::E_INVALID_NETWORK_ADDRESS,
            staking_inner::E_INVALID_COMMISSION_RATE,
            staking_inner::E_INVALID_PROOF_OF_POSSESSION,
            staking_inner::E_UNKNOWN_NODE,
            staking_inner::E_STAKE_TOO_SMALL,
            staking_inner::E_WRONG_EPOCH_STATE,
            staking_inner::E_TOO_EARLY,
            staking_inner::E_NOT_IN_COMMITTEE,
            staking_inner::E_WRONG_EPOCH,
            staking_inner::E_NOT_STAKED,
            staking_inner::E_NOT_ACTIVE,
            staking_inner::E_NOT_WITHDRAWABLE,
            staked_wal::E_INVALID_SPLIT_AMOUNT,
            staked_wal::E_INCOMPATIBLE_STAKED_WAL,
            staked_wal::E_NOT_WITHDRAWING,
            staked_wal::E_LOCKED_BY_VOTE,
            framework::DYNAMIC_FIELD_E_FIELD_DOES_NOT_EXIST,
        ];
        for code in codes {
            assert_eq!(
                known_abort(code.module, code.code).map(|(abort, _)| abort),
                Some(code),
                "{code:?} is not listed"
            );
        }
        // The codes of a module are 0, 1, 2, ... without gaps, as in the Move sources.
        for module in ["walrus::staking", "walrus::staking_inner", "walrus::staked_wal"] {
            let mut module_codes: Vec<u64> = codes.iter().filter(|c| c.module == module).map(|c| c.code).collect();
            module_codes.sort_unstable();
            assert_eq!(module_codes, (0..module_codes.len() as u64).collect::<Vec<_>>(), "{module}");
        }
    }

    #[test]
    fn every_governance_abort_code_is_listed() {
        let codes = [
            governance::E_WRONG_VERSION,
            governance::E_INVALID_PARAMETERS,
            governance::E_UNKNOWN_PARAMETER,
            governance::E_INVALID_PARAMETER_VALUE,
            governance::E_INVALID_DIGEST,
            governance::E_DESCRIPTION_TOO_LONG,
            governance::E_DEPOSIT_TOO_SMALL,
            governance::E_NO_VOTING_POWER,
            governance::E_INVALID_VOTE,
            governance::E_VOTING_CLOSED,
            governance::E_VOTING_OPEN,
            governance::E_NOT_APPROVED,
            governance::E_EXECUTION_TOO_EARLY,
            governance::E_ALREADY_EXECUTED,
            governance::E_WRONG_PROPOSAL_KIND,
            governance::E_DEPOSIT_SETTLED,
            governance::E_VOTE_LOCK_ACTIVE,
        ];
        // 0, 1, 2, ... without gaps, as in the Move source.
        for (expected, code) in codes.into_iter().enumerate() {
            assert_eq!(code.code, expected as u64, "{code:?}");
            assert_eq!(known_abort(code.module, code.code).map(|(abort, _)| abort), Some(code), "{code:?}");
        }
        for code in [package::E_TOO_PERMISSIVE, package::E_ALREADY_AUTHORIZED, package::E_NOT_AUTHORIZED] {
            assert_eq!(known_abort("0x2::package", code.code).map(|(abort, _)| abort), Some(code));
        }
    }

    #[test]
    fn every_storage_challenge_abort_code_is_listed() {
        let codes = [
            storage_challenge::E_INVALID_CHALLENGE_PARAMETERS,
            storage_challenge::E_CHALLENGES_DISABLED,
            storage_challenge::E_SEED_ALREADY_SET,
            storage_challenge::E_NO_CHALLENGE,
            storage_challenge::E_NOT_COMMITTEE_MEMBER,
            storage_challenge::E_UNKNOWN_CHALLENGED_NODE,
            storage_challenge::E_SELF_ATTESTATION,
            storage_challenge::E_ALREADY_ATTESTED,
            storage_challenge::E_WRONG_EPOCH,
        ];
        // 0, 1, 2, ... without gaps, as in the Move source.
        for (expected, code) in codes.into_iter().enumerate() {
            assert_eq!(code.code, expected as u64, "{code:?}");
            assert_eq!(
                known_abort(code.module, code.code).map(|(abort, _)| abort),
                Some(code),
                "{code:?} is not listed"
            );
        }
    }

    #[test]
    fn every_access_policy_abort_code_is_listed() {
        let codes = [
            access_policy::E_NOT_ADMIN,
            access_policy::E_ALREADY_READER,
            access_policy::E_NOT_READER,
            access_policy::E_TOO_MANY_READERS,
            access_policy::E_INVALID_NAME,
            access_policy::E_ALREADY_GOVERNED,
            access_policy::E_NOT_GOVERNED,
            access_policy::E_NO_ACCESS,
        ];
        // 0, 1, 2, ... without gaps, as in the Move source.
        for (expected, code) in codes.into_iter().enumerate() {
            assert_eq!(code.code, expected as u64, "{code:?}");
            assert_eq!(
                known_abort(code.module, code.code).map(|(abort, _)| abort),
                Some(code),
                "{code:?} is not listed"
            );
        }
    }

    #[test]
    fn move_abort_names_module_constant_code_and_fix() {
        let err = ChainError::move_abort("walrus::blob".into(), 3, Digest::ZERO);
        let text = err.to_string();
        assert!(text.starts_with("walrus::blob::EStorageTooSmall (3): the encoded size exceeds"), "{text}");
        assert!(text.contains("buy more storage"), "{text}");
        assert_eq!(err.abort_code(), Some(blob::E_STORAGE_TOO_SMALL));
        let unknown = ChainError::move_abort("0xabc::thing".into(), 7, Digest::ZERO);
        assert!(unknown.to_string().contains("0xabc::thing::unknown (7)"), "{unknown}");
        assert_eq!(unknown.abort_code(), None);
    }

    #[test]
    fn rejections_are_classified_by_their_message() {
        let status = |code, message: &str| tonic::Status::new(code, message.to_owned());
        let url = "http://127.0.0.1:1";
        assert!(matches!(
            ChainError::rejection(
                url,
                &status(tonic::Code::InvalidArgument, "transaction rejected: invalid signature: x")
            ),
            ChainError::InvalidSignature { .. }
        ));
        assert!(matches!(
            ChainError::rejection(
                url,
                &status(tonic::Code::FailedPrecondition, "object 0x1 is at version 3, not 2: the reference is stale")
            ),
            ChainError::StaleObject { .. }
        ));
        assert!(matches!(
            ChainError::rejection(url, &status(tonic::Code::FailedPrecondition, "gas: the gas coins hold 1 MIST")),
            ChainError::GasRejected { .. }
        ));
        assert!(matches!(
            ChainError::rejection(url, &status(tonic::Code::FailedPrecondition, "object 0x1 cannot be used by 0x2")),
            ChainError::ObjectNotUsable { .. }
        ));
        assert!(matches!(
            ChainError::rejection(url, &status(tonic::Code::Unavailable, "connection refused")),
            ChainError::Rpc { code: tonic::Code::Unavailable, .. }
        ));
    }
}
