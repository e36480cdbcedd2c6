//! The local chain's gRPC API and faucet, exercised with Sui's own client (`sui_rpc::Client`,
//! `sui_transaction_builder`, `sui_rpc::faucet::FaucetClient`) over 127.0.0.1.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use futures::StreamExt;
use sui_crypto::SuiSigner;
use sui_rpc::{
    Client,
    faucet::FaucetClient,
    field::{FieldMask, FieldMaskUtil},
    proto::sui::rpc::v2::{
        ExecuteTransactionRequest, GetBalanceRequest, GetCheckpointRequest, GetEpochRequest, GetObjectRequest,
        GetServiceInfoRequest, GetTransactionRequest, ListBalancesRequest, ListDynamicFieldsRequest,
        ListOwnedObjectsRequest, SimulateTransactionRequest, SubscribeCheckpointsRequest,
        execution_error::ErrorDetails,
    },
};
use sui_sdk_types::{
    Address, Argument, Command, Identifier, Input, MoveCall, Object, SharedInput, SignedTransaction, SplitCoins,
    StructTag, Transaction, TransferObjects, TypeTag,
};
use sui_transaction_builder::{ObjectInput, TransactionBuilder};
use walrus_chain::{
    Faucet, FaucetConfig, GenesisConfig, LocalChain, RpcHandle, faucet,
    types::{CoinKind, WALRUS_PACKAGE, wal_type},
};
use walrus_contracts::{U256, events::BlobRegistered, system::System, system_state_inner::SystemStateInnerV1};

mod support;
use support::*;

/// Every test finishes well within this; a hung server fails the test instead of the run.
const TEST_TIMEOUT: Duration = Duration::from_secs(120);
const LOCALHOST: &str = "127.0.0.1:0";

struct Node {
    chain: Arc<LocalChain>,
    server: RpcHandle,
    client: Client,
}

async fn start(dir: &std::path::Path, config: &GenesisConfig) -> Node {
    let chain = Arc::new(LocalChain::open(dir, config).unwrap());
    let server = walrus_chain::serve(chain.clone(), LOCALHOST.parse().unwrap()).await.unwrap();
    let client = Client::new(format!("http://{}", server.local_addr())).unwrap();
    Node { chain, server, client }
}

async fn bounded<F: std::future::Future<Output = ()>>(test: F) {
    tokio::time::timeout(TEST_TIMEOUT, test).await.expect("the test finished in time");
}

fn wal_coin(chain: &LocalChain, owner: Address) -> Object {
    chain.balance(owner, CoinKind::Wal).unwrap().0.into_iter().next().expect("the account holds WAL")
}

/// The admin sends `amount` WAL to `recipient`: split the admin's WAL coin, transfer the part.
fn send_wal(chain: &LocalChain, admin: &Account, recipient: Address, amount: u64) -> SignedTransaction {
    sign(
        chain,
        admin,
        vec![Input::ImmutableOrOwned(reference(&wal_coin(chain, admin.address))), pure(&amount), pure(&recipient)],
        vec![
            Command::SplitCoins(SplitCoins { coin: Argument::Input(0), amounts: vec![Argument::Input(1)] }),
            Command::TransferObjects(TransferObjects {
                objects: vec![Argument::Result(0)],
                address: Argument::Input(2),
            }),
        ],
    )
}

fn system_call(chain: &LocalChain, function: &str, mut inputs: Vec<Input>, arguments: usize) -> (Vec<Input>, Command) {
    let info = chain.info();
    inputs.insert(0, Input::Shared(SharedInput::new(info.system_object, info.system_initial_shared_version, true)));
    let call = Command::MoveCall(MoveCall {
        package: WALRUS_PACKAGE,
        module: Identifier::new("system").unwrap(),
        function: Identifier::new(function).unwrap(),
        type_arguments: vec![],
        arguments: (0..arguments as u16).map(Argument::Input).collect(),
    });
    (inputs, call)
}

fn execute_request(signed: &SignedTransaction, mask: &str) -> ExecuteTransactionRequest {
    let mut request = ExecuteTransactionRequest::new(signed.transaction.clone().into());
    request.signatures = signed.signatures.iter().cloned().map(Into::into).collect();
    request.read_mask = Some(FieldMask::from_str(mask));
    request
}

fn wal_type_string() -> String {
    wal_type().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_info_objects_balances_and_dynamic_fields() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let (admin, user) = (account(1), account(2));
        let Node { chain, server: _server, mut client } = start(dir.path(), &genesis(&admin, &[&user])).await;

        let info = client.ledger_client().get_service_info(GetServiceInfoRequest::default()).await.unwrap();
        let info = info.into_inner();
        assert_eq!(info.chain_id(), chain.chain_id().to_string());
        assert_eq!((info.epoch(), info.checkpoint_height()), (0, 0));
        assert_eq!(info.chain(), "localnet");

        // The System object: BCS of the object and of its Move contents.
        let system_id = chain.info().system_object;
        let mut request = GetObjectRequest::new(&system_id);
        request.read_mask = Some(FieldMask::from_str("bcs,contents,object_type,owner,version,digest"));
        let object = client.ledger_client().get_object(request).await.unwrap().into_inner().object.unwrap();
        let system: System = bcs::from_bytes(object.contents().value()).unwrap();
        assert_eq!((system.id.0, system.version), (system_id.into_inner(), 1));
        assert_eq!(object.object_type(), format!("{WALRUS_PACKAGE}::system::System"));
        let decoded: Object = bcs::from_bytes(object.bcs().value()).unwrap();
        assert_eq!(decoded, chain.object(system_id).unwrap().unwrap());
        assert_eq!(object.version(), 1);

        // A missing object is NOT_FOUND.
        let missing = client.ledger_client().get_object(GetObjectRequest::new(&Address::new([7; 32]))).await;
        assert_eq!(missing.unwrap_err().code(), tonic::Code::NotFound);

        // Owned objects, one per page, and with a type filter.
        let expected = chain.owned_objects(admin.address).unwrap().len();
        assert!(expected >= 3, "the admin holds SUI, WAL, and the genesis pools' caps and stakes");
        let mut seen = Vec::new();
        let mut token = None;
        loop {
            let mut request = ListOwnedObjectsRequest::default();
            request.owner = Some(admin.address.to_string());
            request.page_size = Some(1);
            request.page_token = token.clone();
            let page = client.state_client().list_owned_objects(request).await.unwrap().into_inner();
            seen.extend(page.objects.iter().map(|o| o.object_id().to_owned()));
            match page.next_page_token {
                Some(next) => token = Some(next),
                None => break,
            }
        }
        assert_eq!(seen.len(), expected);
        let mut request = ListOwnedObjectsRequest::default();
        request.owner = Some(admin.address.to_string());
        request.object_type = Some(StructTag::coin(wal_type()).to_string());
        request.read_mask = Some(FieldMask::from_str("object_id,balance"));
        let coins = client.state_client().list_owned_objects(request).await.unwrap().into_inner().objects;
        assert_eq!(coins.len(), 1);
        // The supply, less the genesis stake of the four members.
        let staked = 4 * walrus_chain::genesis::DEFAULT_GENESIS_STAKE_FROST;
        assert_eq!(coins[0].balance(), 5_000_000_000 * SUI - staked);
        let mut request = ListOwnedObjectsRequest::default();
        request.owner = Some(admin.address.to_string());
        request.object_type = Some("0x2::coin::Coin".to_owned());
        assert_eq!(client.state_client().list_owned_objects(request).await.unwrap().into_inner().objects.len(), 2);

        // Balances.
        let mut request = GetBalanceRequest::default();
        request.owner = Some(user.address.to_string());
        request.coin_type = Some("0x2::sui::SUI".to_owned());
        let balance = client.state_client().get_balance(request).await.unwrap().into_inner().balance.unwrap();
        assert_eq!((balance.balance(), balance.coin_balance(), balance.address_balance()), (100 * SUI, 100 * SUI, 0));
        let mut request = ListBalancesRequest::default();
        request.owner = Some(admin.address.to_string());
        let balances = client.state_client().list_balances(request).await.unwrap().into_inner().balances;
        let wal = balances.iter().find(|b| b.coin_type() == wal_type_string()).expect("a WAL balance");
        assert_eq!(wal.balance(), 5_000_000_000 * SUI - staked);
        assert_eq!(balances.len(), 2);

        // Many clients at once: reads run side by side on the blocking pool.
        let reads = (0..32).map(|_| {
            let mut client = client.clone();
            let owner = user.address.to_string();
            async move {
                let mut request = GetBalanceRequest::default();
                request.owner = Some(owner);
                request.coin_type = Some("0x2::sui::SUI".to_owned());
                client.state_client().get_balance(request).await.unwrap().into_inner().balance.unwrap().balance()
            }
        });
        assert!(futures::future::join_all(reads).await.iter().all(|balance| *balance == 100 * SUI));

        // The System's state is its dynamic field named by the version.
        let mut request = ListDynamicFieldsRequest::default();
        request.parent = Some(system_id.to_string());
        request.read_mask = Some(FieldMask::from_str("parent,field_id,name,value,value_type"));
        let fields = client.state_client().list_dynamic_fields(request).await.unwrap().into_inner().dynamic_fields;
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].name().value(), 1u64.to_le_bytes());
        assert_eq!(fields[0].value_type(), format!("{WALRUS_PACKAGE}::system_state_inner::SystemStateInnerV1"));
        let state: SystemStateInnerV1 = bcs::from_bytes(fields[0].value().value()).unwrap();
        assert_eq!((state.epoch, state.n_shards, state.max_epochs_ahead), (1, 10, 5));

        // The Sui epoch never changes.
        let mut request = GetEpochRequest::latest();
        request.read_mask = Some(FieldMask::from_str("epoch,reference_gas_price,first_checkpoint"));
        let epoch = client.ledger_client().get_epoch(request).await.unwrap().into_inner().epoch.unwrap();
        assert_eq!((epoch.epoch(), epoch.reference_gas_price(), epoch.first_checkpoint()), (0, 1_000, 0));
        assert_eq!(
            client.ledger_client().get_epoch(GetEpochRequest::new(3)).await.unwrap_err().code(),
            tonic::Code::NotFound
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn executed_transactions_show_effects_events_and_checkpoints() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let (admin, user) = (account(1), account(2));
        let Node { chain, server: _server, mut client } = start(dir.path(), &genesis(&admin, &[&user])).await;

        // Subscribe before executing, as clients waiting for a checkpoint do.
        let mut request = SubscribeCheckpointsRequest::default();
        request.read_mask = Some(FieldMask::from_str("sequence_number,transactions.digest"));
        let mut checkpoints = client.subscription_client().subscribe_checkpoints(request).await.unwrap().into_inner();

        let signed = send_wal(&chain, &admin, user.address, 3 * SUI);
        let digest = signed.transaction.digest();
        let response = client
            .execution_client()
            .execute_transaction(execute_request(&signed, "digest,effects,checkpoint,balance_changes,events"))
            .await
            .unwrap()
            .into_inner();
        let executed = response.transaction.unwrap();
        assert_eq!(executed.digest(), digest.to_string());
        assert!(executed.effects().status().success());
        assert_eq!(executed.checkpoint(), 1);
        let effects: sui_sdk_types::TransactionEffects = bcs::from_bytes(executed.effects().bcs().value()).unwrap();
        assert_eq!(effects.digest().to_string(), executed.effects().digest());
        assert!(executed.effects().changed_objects.iter().all(|c| c.object_type.is_some()));
        let received = executed
            .balance_changes
            .iter()
            .find(|c| c.address() == user.address.to_string() && c.coin_type() == wal_type_string())
            .expect("the user's WAL balance change");
        assert_eq!(received.amount(), (3 * SUI).to_string());

        // The subscription delivers the new checkpoint with the transaction.
        let frame = checkpoints.next().await.unwrap().unwrap();
        assert_eq!(frame.cursor(), 1);
        let checkpoint = frame.checkpoint.unwrap();
        assert_eq!(checkpoint.sequence_number(), 1);
        assert_eq!(checkpoint.transactions[0].digest(), digest.to_string());

        // Register a blob: its event is in the transaction and in its checkpoint.
        let root_hash = U256([9; 32]);
        let size = 1_000u64;
        let blob_id = walrus_contracts::encoding::derive_blob_id(root_hash, 1, size);
        let (inputs, reserve) = system_call(
            &chain,
            "reserve_space",
            vec![pure(&1_000_000u64), pure(&2u32), Input::ImmutableOrOwned(reference(&wal_coin(&chain, user.address)))],
            4,
        );
        let mut inputs = inputs;
        inputs.extend([pure(&blob_id), pure(&root_hash), pure(&size), pure(&1u8), pure(&false), pure(&user.address)]);
        let register = Command::MoveCall(MoveCall {
            package: WALRUS_PACKAGE,
            module: Identifier::new("system").unwrap(),
            function: Identifier::new("register_blob").unwrap(),
            type_arguments: vec![],
            arguments: vec![
                Argument::Input(0),
                Argument::Result(0),
                Argument::Input(4),
                Argument::Input(5),
                Argument::Input(6),
                Argument::Input(7),
                Argument::Input(8),
            ],
        });
        let transfer = Command::TransferObjects(TransferObjects {
            objects: vec![Argument::Result(1)],
            address: Argument::Input(9),
        });
        let signed = sign(&chain, &user, inputs, vec![reserve, register, transfer]);
        let response = client
            .execute_transaction_and_wait_for_checkpoint(
                execute_request(&signed, "effects.status,events"),
                TEST_TIMEOUT,
            )
            .await
            .unwrap()
            .into_inner();
        let executed = response.transaction.unwrap();
        assert!(executed.effects().status().success(), "{:?}", executed.effects().status());
        assert_eq!(executed.checkpoint(), 2);
        let event = &executed.events().events[0];
        assert_eq!(event.event_type(), format!("{WALRUS_PACKAGE}::events::BlobRegistered"));
        assert_eq!(event.sender(), user.address.to_string());
        let registered: BlobRegistered = bcs::from_bytes(event.contents().value()).unwrap();
        assert_eq!((registered.blob_id, registered.size, registered.end_epoch), (blob_id, size, 3));

        let mut request = GetCheckpointRequest::by_sequence_number(2);
        request.read_mask =
            Some(FieldMask::from_str("sequence_number,summary.timestamp,transactions.events,transactions.digest"));
        let checkpoint = client.ledger_client().get_checkpoint(request).await.unwrap().into_inner().checkpoint.unwrap();
        assert_eq!(checkpoint.transactions[0].events().events[0].contents().value(), event.contents().value());
        let mut latest = GetCheckpointRequest::latest();
        latest.read_mask = Some(FieldMask::from_str("sequence_number,digest"));
        let latest = client.ledger_client().get_checkpoint(latest).await.unwrap().into_inner().checkpoint.unwrap();
        assert_eq!(latest.sequence_number(), 2);
        let by_digest = GetCheckpointRequest::by_digest(&latest.digest().parse().unwrap());
        let found = client.ledger_client().get_checkpoint(by_digest).await.unwrap().into_inner().checkpoint.unwrap();
        assert_eq!(found.sequence_number(), 2);

        let mut request = GetTransactionRequest::new(&signed.transaction.digest());
        request.read_mask = Some(FieldMask::from_str("transaction.bcs,signatures,checkpoint,timestamp"));
        let stored = client.ledger_client().get_transaction(request).await.unwrap().into_inner().transaction.unwrap();
        let transaction: Transaction = bcs::from_bytes(stored.transaction().bcs().value()).unwrap();
        assert_eq!(transaction, signed.transaction);
        assert_eq!((stored.checkpoint(), stored.signatures.len()), (2, 1));

        // A Move abort is a failed transaction with the abort's location and code.
        let (inputs, reserve) = system_call(
            &chain,
            "reserve_space",
            vec![pure(&1_000u64), pure(&0u32), Input::ImmutableOrOwned(reference(&wal_coin(&chain, user.address)))],
            4,
        );
        let signed = sign(&chain, &user, inputs, vec![reserve]);
        let response = client
            .execution_client()
            .execute_transaction(execute_request(&signed, "effects,checkpoint"))
            .await
            .unwrap();
        let executed = response.into_inner().transaction.unwrap();
        let status = executed.effects().status();
        assert!(!status.success());
        let Some(ErrorDetails::Abort(abort)) = &status.error().error_details else {
            panic!("expected a Move abort, got {status:?}")
        };
        assert_eq!((abort.location().module(), abort.abort_code()), ("system_state_inner", 0));
        assert_eq!(executed.checkpoint(), 3);

        // Rejections are errors and change nothing: a stale object, and a forged signature.
        let stale = send_wal(&chain, &admin, user.address, SUI);
        client.execution_client().execute_transaction(execute_request(&stale, "digest")).await.unwrap();
        let mut again = stale.clone();
        again.transaction.gas_payment.budget += 1;
        again.signatures = vec![admin.key.sign_transaction(&again.transaction).unwrap()];
        let error = client.execution_client().execute_transaction(execute_request(&again, "digest")).await.unwrap_err();
        assert_eq!(error.code(), tonic::Code::FailedPrecondition, "{error}");
        assert!(error.message().contains("stale"), "{error}");
        let mut forged = send_wal(&chain, &admin, user.address, SUI);
        forged.signatures = vec![user.key.sign_transaction(&forged.transaction).unwrap()];
        let error =
            client.execution_client().execute_transaction(execute_request(&forged, "digest")).await.unwrap_err();
        assert_eq!(error.code(), tonic::Code::InvalidArgument, "{error}");
        assert_eq!(chain.latest_checkpoint(), 4);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulation_and_the_transaction_builder() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let (admin, user) = (account(1), account(2));
        let Node { chain, server: _server, mut client } = start(dir.path(), &genesis(&admin, &[&user])).await;

        // Simulating a signed-shape transaction commits nothing.
        let signed = send_wal(&chain, &admin, user.address, SUI);
        let mut request = SimulateTransactionRequest::new(signed.transaction.clone().into());
        request.read_mask = Some(FieldMask::from_str("transaction.effects,transaction.balance_changes"));
        let simulated = client.execution_client().simulate_transaction(request).await.unwrap().into_inner();
        let simulated = simulated.transaction.unwrap();
        assert!(simulated.effects().status().success());
        assert!(simulated.balance_changes.iter().any(|c| c.address() == user.address.to_string()));
        assert_eq!(chain.latest_checkpoint(), 0);
        assert_eq!(chain.balance(user.address, CoinKind::Wal).unwrap().1, 0);

        // The builder names the WAL coin by id only and leaves gas to the server.
        let wal = wal_coin(&chain, admin.address);
        let mut builder = TransactionBuilder::new();
        builder.set_sender(admin.address);
        let coin = builder.object(ObjectInput::new(wal.object_id()));
        let amount = builder.pure(&(2 * SUI));
        let parts = builder.split_coins(coin, vec![amount]);
        let recipient = builder.pure(&user.address);
        builder.transfer_objects(parts, recipient);
        let transaction = builder.build(&mut client).await.unwrap();
        assert_eq!(transaction.gas_payment.objects.len(), 1);
        let signature = admin.key.sign_transaction(&transaction).unwrap();
        let signed = SignedTransaction { transaction, signatures: vec![signature] };
        let response = client
            .execute_transaction_and_wait_for_checkpoint(execute_request(&signed, "effects.status"), TEST_TIMEOUT)
            .await
            .unwrap();
        assert!(response.into_inner().transaction.unwrap().effects().status().success());
        assert_eq!(chain.balance(user.address, CoinKind::Wal).unwrap().1, u128::from(2 * SUI));

        // The builder also reaches shared objects by id: a Move call that aborts fails simulation.
        let mut builder = TransactionBuilder::new();
        builder.set_sender(user.address);
        let system = builder.object(ObjectInput::new(chain.info().system_object));
        let size = builder.pure(&1_000u64);
        let epochs = builder.pure(&0u32);
        let payment = builder.object(ObjectInput::new(wal_coin(&chain, user.address).object_id()));
        builder.move_call(
            sui_transaction_builder::Function::new(
                WALRUS_PACKAGE,
                Identifier::new("system").unwrap(),
                Identifier::new("reserve_space").unwrap(),
            ),
            vec![system, size, epochs, payment],
        );
        let error = builder.build(&mut client).await.unwrap_err();
        assert!(matches!(error, sui_transaction_builder::Error::SimulationFailure(_)), "{error}");
        assert_eq!(chain.latest_checkpoint(), 1);
        let _ = TypeTag::U8;
    })
    .await;
}

/// A minimal HTTP/1.1 JSON POST, for the faucet endpoint Sui's client does not know.
async fn post_json(addr: SocketAddr, path: &str, body: &str) -> (u16, serde_json::Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response.split(' ').nth(1).unwrap().parse().unwrap();
    let (_, body) = response.split_once("\r\n\r\n").unwrap();
    (status, serde_json::from_str(body).unwrap_or(serde_json::Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_faucet_sends_sui_and_wal() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let (admin, user, newcomer) = (account(1), account(2), account(3));
        let chain = Arc::new(LocalChain::open(dir.path(), &genesis(&admin, &[&user])).unwrap());
        let config = FaucetConfig { sui_per_request_mist: 5 * SUI, max_wal_per_request: 10 * SUI };
        let faucet = Arc::new(Faucet::new(chain.clone(), admin.key.clone(), config));
        let server = faucet::serve(faucet, LOCALHOST.parse().unwrap()).await.unwrap();
        let url = format!("http://{}", server.local_addr());

        // Sui's own faucet client, against an account genesis did not fund.
        let coins = FaucetClient::new(url.as_str()).unwrap().request(newcomer.address).await.unwrap();
        assert_eq!(coins.len(), 1);
        assert_eq!(coins[0].amount, 5 * SUI);
        let (owned, total) = chain.balance(newcomer.address, CoinKind::Sui).unwrap();
        assert_eq!(total, u128::from(5 * SUI));
        assert_eq!(owned[0].object_id(), coins[0].id);
        assert!(chain.transaction(&coins[0].transfer_tx_digest).unwrap().is_some());

        // Concurrent requests are served one after the other from the same account.
        let recipients: Vec<Address> = (10..14).map(|seed| account(seed).address).collect();
        let requests = recipients.iter().map(|recipient| {
            let client = FaucetClient::new(url.as_str()).unwrap();
            async move { client.request(*recipient).await.unwrap() }
        });
        futures::future::join_all(requests).await;
        for recipient in &recipients {
            assert_eq!(chain.balance(*recipient, CoinKind::Sui).unwrap().1, u128::from(5 * SUI));
        }

        // WAL, within the limit and over it.
        let body = format!(r#"{{"recipient": "{}", "amount": {}}}"#, user.address, 4 * SUI);
        let (status, answer) = post_json(server.local_addr(), "/v1/wal", &body).await;
        assert_eq!((status, answer["status"].as_str()), (200, Some("Success")), "{answer}");
        assert_eq!(answer["coins_sent"][0]["amount"], 4 * SUI);
        assert_eq!(chain.balance(user.address, CoinKind::Wal).unwrap().1, u128::from(4 * SUI));
        let body = format!(r#"{{"recipient": "{}", "amount": {}}}"#, user.address, 11 * SUI);
        let (status, answer) = post_json(server.local_addr(), "/v1/wal", &body).await;
        assert_eq!(status, 400);
        assert!(answer["status"]["Failure"]["Internal"].as_str().unwrap().contains("more than"), "{answer}");
        assert_eq!(chain.balance(user.address, CoinKind::Wal).unwrap().1, u128::from(4 * SUI));
        server.shutdown().await.unwrap();

        // A faucet asked for more than its account's largest coin holds sends nothing.
        let greedy = FaucetConfig { sui_per_request_mist: 1_000 * SUI, ..config };
        let greedy = Faucet::new(chain.clone(), admin.key.clone(), greedy);
        let before = chain.latest_checkpoint();
        assert!(matches!(greedy.send_sui(newcomer.address), Err(faucet::FaucetError::InsufficientFunds { .. })));
        assert_eq!(chain.latest_checkpoint(), before);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_keeps_everything() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let (admin, user) = (account(1), account(2));
        let config = genesis(&admin, &[&user]);
        let Node { chain, server, mut client } = start(dir.path(), &config).await;
        let chain_id = chain.chain_id();
        let signed = send_wal(&chain, &admin, user.address, 7 * SUI);
        client.execution_client().execute_transaction(execute_request(&signed, "digest")).await.unwrap();
        server.shutdown().await.unwrap();
        drop((chain, client));

        let Node { chain, server: _server, mut client } = start(dir.path(), &config).await;
        assert_eq!(chain.latest_checkpoint(), 1);
        let info =
            client.ledger_client().get_service_info(GetServiceInfoRequest::default()).await.unwrap().into_inner();
        assert_eq!((info.chain_id(), info.checkpoint_height()), (chain_id.to_string().as_str(), 1));
        let mut request = GetTransactionRequest::new(&signed.transaction.digest());
        request.read_mask = Some(FieldMask::from_str("effects.status,checkpoint"));
        let stored = client.ledger_client().get_transaction(request).await.unwrap().into_inner().transaction.unwrap();
        assert!(stored.effects().status().success());
        assert_eq!(stored.checkpoint(), 1);
        let mut request = GetBalanceRequest::default();
        request.owner = Some(user.address.to_string());
        request.coin_type = Some(wal_type_string());
        let balance = client.state_client().get_balance(request).await.unwrap().into_inner().balance.unwrap();
        assert_eq!(balance.balance(), 7 * SUI);
        let mut request = GetCheckpointRequest::by_sequence_number(1);
        request.read_mask = Some(FieldMask::from_str("transactions.digest"));
        let checkpoint = client.ledger_client().get_checkpoint(request).await.unwrap().into_inner().checkpoint.unwrap();
        assert_eq!(checkpoint.transactions[0].digest(), signed.transaction.digest().to_string());
    })
    .await;
}
