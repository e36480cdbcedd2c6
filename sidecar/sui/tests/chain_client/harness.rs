//! The local chain with its gRPC server on 127.0.0.1, accounts, a committee with real BLS keys,
//! and certificates signed by it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use sui_sdk_types::Address;
use walrus_chain::{GenesisConfig, GenesisInfo, GenesisMember, GovernanceGenesis, LocalChain, RpcHandle};
use walrus_contracts::ObjectId;
use walrus_core::{
    BlobCommitment, BlobId, EncodingConfig,
    messages::{BlobPersistence, InvalidBlobMessage, ProtocolKeyPair, StorageConfirmation, aggregate_signatures},
};
use walrus_sui::client::Certificate;
use walrus_sui::{AccountKey, ClientOptions, Deployment, WalrusChainClient};

pub const SUI: u64 = 1_000_000_000;
pub const WAL: u64 = 1_000_000_000;
pub const N_SHARDS: u16 = 10;
/// Shards of the four committee members (bit i of a signer bitmap is member i).
pub const MEMBER_SHARDS: [u16; 4] = [1, 2, 3, 4];
pub const STORAGE_PRICE: u64 = 1_000;
pub const WRITE_PRICE: u64 = 2_000;
pub const MAX_EPOCHS_AHEAD: u32 = 5;
/// The Walrus epoch length of the test chain; tests move the chain's clock instead of waiting.
pub const EPOCH_MS: u64 = 60_000;
/// Governance of the test chain: a vote of 10 s and 5 s of delay (tests move the clock).
pub const GOVERNANCE_VOTING_MS: u64 = 10_000;
/// See [`GOVERNANCE_VOTING_MS`].
pub const GOVERNANCE_DELAY_MS: u64 = 5_000;
/// Seed of the account that operates member 0; member i is operated by `OPERATOR_SEED + i`.
pub const OPERATOR_SEED: u8 = 20;
/// Every test finishes well within this; a hung call fails the test instead of hanging the run.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(180);

/// The test accounts: seed 1 is the administrator (WAL supply, AdminCap), the others users.
pub fn account(seed: u8) -> AccountKey {
    AccountKey::from_seed([seed; 32])
}

/// The committee's BLS keys, derived as storage nodes derive theirs.
pub fn committee_keys() -> Vec<ProtocolKeyPair> {
    (0..MEMBER_SHARDS.len())
        .map(|i| ProtocolKeyPair::derive(&[0x40 + i as u8; 32]).expect("32 bytes of key material"))
        .collect()
}

pub fn node_id(member: usize) -> ObjectId {
    ObjectId([0x70 + member as u8; 32])
}

pub fn options() -> ClientOptions {
    ClientOptions {
        request_timeout: Duration::from_secs(20),
        checkpoint_timeout: Duration::from_secs(30),
        lock_timeout: Duration::from_secs(60),
        event_poll_interval: Duration::from_millis(20),
        ..ClientOptions::default()
    }
}

/// Runs `test` with a deadline.
pub async fn bounded<F: std::future::Future<Output = ()>>(test: F) {
    tokio::time::timeout(TEST_TIMEOUT, test).await.expect("the test finished in time");
}

/// The local chain in a temporary directory, served on 127.0.0.1.
pub struct TestChain {
    pub dir: tempfile::TempDir,
    pub genesis: GenesisConfig,
    pub info: GenesisInfo,
    pub committee: Vec<ProtocolKeyPair>,
    chain: Option<Arc<LocalChain>>,
    server: Option<RpcHandle>,
    addr: SocketAddr,
}

impl TestChain {
    /// Genesis with account 1 as administrator and accounts `users` funded with SUI.
    pub async fn start(users: &[u8]) -> Self {
        let committee = committee_keys();
        let genesis = GenesisConfig {
            admin: account(1).address(),
            funded_accounts: users
                .iter()
                .map(|&seed| account(seed).address())
                .chain((0..MEMBER_SHARDS.len()).map(|i| account(OPERATOR_SEED + i as u8).address()))
                .collect(),
            sui_per_account: 100 * SUI,
            n_shards: N_SHARDS,
            committee: committee
                .iter()
                .enumerate()
                .map(|(i, key)| GenesisMember {
                    node_id: node_id(i),
                    public_key: key.public_key().to_vec(),
                    network_address: format!("127.0.0.1:{}", 9100 + i),
                    shards: MEMBER_SHARDS[i],
                    // In proportion to the shards, so staking keeps the shard counts.
                    stake_frost: (i as u64 + 1) * 1_000 * WAL,
                    operator: Some(account(OPERATOR_SEED + i as u8).address()),
                })
                .collect(),
            storage_price_per_unit_size: STORAGE_PRICE,
            write_price_per_unit_size: WRITE_PRICE,
            total_capacity_size: 1 << 30,
            max_epochs_ahead: MAX_EPOCHS_AHEAD,
            epoch_duration_ms: EPOCH_MS,
            governance: GovernanceGenesis {
                voting_duration_ms: GOVERNANCE_VOTING_MS,
                execution_delay_ms: GOVERNANCE_DELAY_MS,
                ..GovernanceGenesis::default()
            },
        };
        let dir = tempfile::tempdir().unwrap();
        let chain = Arc::new(LocalChain::open(dir.path(), &genesis).unwrap());
        let info = chain.info().clone();
        let server = walrus_chain::serve(chain.clone(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let addr = server.local_addr();
        Self { dir, genesis, info, committee, chain: Some(chain), server: Some(server), addr }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn deployment(&self) -> Deployment {
        Deployment {
            wal_package: self.info.wal_package,
            walrus_package: self.info.walrus_package,
            system_object: self.info.system_object,
            system_initial_shared_version: self.info.system_initial_shared_version,
            governance: Some(walrus_sui::SharedObjectRef {
                id: self.info.governance_object,
                initial_shared_version: self.info.governance_initial_shared_version,
            }),
        }
    }

    pub fn client(&self, seed: u8) -> WalrusChainClient {
        WalrusChainClient::new(&self.url(), account(seed), self.deployment(), options()).unwrap()
    }

    pub fn chain(&self) -> &LocalChain {
        self.chain.as_ref().expect("the chain is running")
    }

    /// Stops the server and closes the chain (releasing its database).
    pub async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await.unwrap();
        }
        self.chain = None;
    }

    /// Reopens the chain from its directory and serves it on the same address again.
    pub async fn restart(&mut self) {
        self.stop().await;
        let chain = Arc::new(LocalChain::open(self.dir.path(), &self.genesis).unwrap());
        let server = walrus_chain::serve(chain.clone(), self.addr).await.unwrap();
        self.chain = Some(chain);
        self.server = Some(server);
    }

    /// The client of the operator of genesis member `member` (it holds the member's
    /// `StorageNodeCap` and genesis stake).
    pub fn operator(&self, member: usize) -> WalrusChainClient {
        self.client(OPERATOR_SEED + member as u8)
    }

    /// Moves the chain's clock `ms` ahead.
    pub fn advance_clock(&self, ms: u64) {
        self.chain().advance_clock_for_testing(ms);
    }

    /// Half an epoch later `voting_end`, another half later `initiate_epoch_change`, both sent
    /// by `client`; returns the epoch change's transaction.
    pub async fn epoch_change(&self, client: &WalrusChainClient) -> walrus_sui::ExecutedTransaction {
        self.advance_clock(EPOCH_MS / 2);
        client.voting_end().await.unwrap();
        self.advance_clock(EPOCH_MS - EPOCH_MS / 2);
        client.initiate_epoch_change().await.unwrap()
    }

    /// Genesis members 3 and 2 (7 of 10 shards) signal `epoch_sync_done` for `epoch`.
    pub async fn sync_quorum(&self, epoch: u32) {
        for member in [3, 2] {
            let operator = self.operator(member);
            let cap = operator.owned_storage_node_caps(operator.address()).await.unwrap()[0].id();
            operator.epoch_sync_done(cap, epoch).await.unwrap();
        }
    }

    /// A certificate over `message` by every member of `committee` (any member order; the keys
    /// are found by node id).
    pub fn certificate_of(
        &self,
        committee: &walrus_contracts::bls_aggregate::Committee,
        message: Vec<u8>,
    ) -> Certificate {
        let signatures: Vec<_> = committee
            .members
            .iter()
            .map(|m| {
                let key = (0..self.committee.len()).find(|&i| node_id(i) == m.node_id).expect("a genesis member");
                self.committee[key].sign(&message)
            })
            .collect();
        let mut bitmap = vec![0u8; committee.members.len().div_ceil(8)];
        for i in 0..committee.members.len() {
            bitmap[i / 8] |= 1 << (i % 8);
        }
        Certificate { signature: aggregate_signatures(&signatures).unwrap().to_vec(), signers_bitmap: bitmap, message }
    }

    /// A quorum certificate (members 1, 2, 3: 9 of 10 shards) over `message`.
    pub fn quorum_certificate(&self, message: Vec<u8>) -> Certificate {
        self.certificate(&[1, 2, 3], message)
    }

    /// A certificate over `message` signed by `signers` (member indices).
    pub fn certificate(&self, signers: &[usize], message: Vec<u8>) -> Certificate {
        let signatures: Vec<_> = signers.iter().map(|&i| self.committee[i].sign(&message)).collect();
        let mut bitmap = vec![0u8; MEMBER_SHARDS.len().div_ceil(8)];
        for &i in signers {
            bitmap[i / 8] |= 1 << (i % 8);
        }
        Certificate { signature: aggregate_signatures(&signatures).unwrap().to_vec(), signers_bitmap: bitmap, message }
    }

    /// The certificate that certifies a permanent blob in `epoch`.
    pub fn certify_permanent(&self, epoch: u32, blob_id: BlobId) -> Certificate {
        self.quorum_certificate(
            StorageConfirmation { epoch, blob_id, persistence: BlobPersistence::Permanent }.to_bytes(),
        )
    }

    /// The certificate that certifies the deletable blob object `object` in `epoch`.
    pub fn certify_deletable(&self, epoch: u32, blob_id: BlobId, object: Address) -> Certificate {
        let persistence = BlobPersistence::Deletable { object_id: object.into_inner() };
        self.quorum_certificate(StorageConfirmation { epoch, blob_id, persistence }.to_bytes())
    }

    /// A validity certificate (member 3 alone: 4 of 10 shards) that `blob_id` is invalid.
    pub fn invalid_blob_certificate(&self, epoch: u32, blob_id: BlobId) -> Certificate {
        self.certificate(&[3], InvalidBlobMessage { epoch, blob_id }.to_bytes())
    }
}

/// The commitment of a real blob encoded for the test committee.
pub fn encode(data: &[u8]) -> BlobCommitment {
    let config = EncodingConfig::new(N_SHARDS).unwrap();
    walrus_core::encode(&config, data, 1).unwrap().metadata().commitment
}

/// Gives `seed`'s account `amount` WAL from the administrator.
pub async fn fund_wal(chain: &TestChain, seed: u8, amount: u64) {
    chain.client(1).transfer_wal(account(seed).address(), amount).await.unwrap();
}
