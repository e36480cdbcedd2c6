//! Reads with faulty nodes, and a 64 MiB blob, on a 10-node local network (n = 10, f = 3).
//!
//! Faults are injected by proxies between the client and real nodes: the client reads through a
//! committee view whose addresses point at proxies that corrupt, delay or drop the nodes'
//! answers. Up to f faulty nodes: the read returns the stored bytes. More: a clear error, never
//! other bytes.

use std::{net::SocketAddr, time::Duration};

use axum::{
    Router,
    body::{Body, Bytes},
    extract::{Request, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use walrus_client::{ClientError, ClientLimits, CommitteeView, StoreOptions, StoreOutcome, WalrusClient};
use walrus_core::BlobId;
use walrus_e2e::{STEP_TIMEOUT, blob_bytes, start_network};

/// What a proxy does to a node's answers.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// Flips one byte in the middle of every non-empty body.
    Corrupt,
    /// Answers correctly after a delay.
    Slow(Duration),
}

#[derive(Clone)]
struct Proxy {
    target: String,
    fault: Fault,
    http: reqwest::Client,
}

async fn forward(State(proxy): State<Proxy>, request: Request) -> Response {
    let path = request.uri().path_and_query().map_or("/", |p| p.as_str()).to_string();
    let method = request.method().clone();
    let body = axum::body::to_bytes(request.into_body(), usize::MAX).await.unwrap_or_default();
    let answer = match proxy.http.request(method, format!("http://{}{path}", proxy.target)).body(body).send().await {
        Ok(answer) => answer,
        Err(e) => return (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    };
    let status = answer.status();
    let headers = answer.headers().clone();
    let mut body = answer.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
    match proxy.fault {
        Fault::Corrupt => {
            if !body.is_empty() {
                let middle = body.len() / 2;
                body[middle] ^= 0x5a;
            }
        }
        Fault::Slow(delay) => tokio::time::sleep(delay).await,
    }
    let mut response = Response::new(Body::from(Bytes::from(body)));
    *response.status_mut() = status;
    for (name, value) in &headers {
        if name != "content-length" {
            response.headers_mut().insert(name, value.clone());
        }
    }
    response
}

/// Starts a proxy for the node at `target`; it runs until the test's runtime ends.
async fn start_proxy(target: &str, fault: Fault) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let proxy = Proxy { target: target.to_string(), fault, http: reqwest::Client::new() };
    let app = Router::new().fallback(forward).with_state(proxy);
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

/// An address where nothing listens (a node that is down).
async fn dead_address() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

/// The current committee with members' addresses replaced by faulty stand-ins.
async fn faulty_view(client: &WalrusClient, faults: &[(usize, Option<Fault>)]) -> CommitteeView {
    let mut info = client.chain().system_info().await.unwrap();
    for (member, fault) in faults {
        let node = &mut info.committee.members[*member];
        let address = match fault {
            Some(fault) => start_proxy(&node.network_address, *fault).await,
            None => dead_address().await,
        };
        node.network_address = address.to_string();
    }
    CommitteeView::from_committee(info.epoch, &info.committee, &reqwest::Client::new()).unwrap()
}

async fn store(client: &WalrusClient, data: Vec<u8>) -> BlobId {
    let options = StoreOptions { epochs_ahead: 1, deletable: false, force: false };
    let outcome = tokio::time::timeout(STEP_TIMEOUT, client.store_blob(data, options))
        .await
        .expect("store in time")
        .expect("store succeeds");
    assert!(matches!(outcome, StoreOutcome::NewlyCreated { .. }), "{outcome:?}");
    outcome.blob_id()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reads_survive_f_faulty_nodes_and_large_blobs_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let network = start_network(dir.path(), 10, 1).await;
    let client = network.user_client(ClientLimits::default()).unwrap();

    let small = blob_bytes(300_000, 7);
    let small_id = store(&client, small.clone()).await;

    // f = 3 faulty nodes: one corrupts, one is down, one is slow. The read still returns the
    // stored bytes.
    let faults = [(0, Some(Fault::Corrupt)), (4, None), (9, Some(Fault::Slow(Duration::from_secs(2))))];
    let view = faulty_view(&client, &faults).await;
    let read = tokio::time::timeout(STEP_TIMEOUT, client.read_blob_from(&view, &small_id)).await.unwrap().unwrap();
    assert!(read == small, "the read with f faulty nodes returns the stored bytes");

    // Three corrupting nodes are also f.
    let faults = [(1, Some(Fault::Corrupt)), (2, Some(Fault::Corrupt)), (3, Some(Fault::Corrupt))];
    let view = faulty_view(&client, &faults).await;
    let read = tokio::time::timeout(STEP_TIMEOUT, client.read_blob_from(&view, &small_id)).await.unwrap().unwrap();
    assert!(read == small, "the read with f corrupting nodes returns the stored bytes");

    // f + 1 faulty nodes: an error that names what is missing, never other bytes.
    let faults = [(0, Some(Fault::Corrupt)), (1, Some(Fault::Corrupt)), (2, None), (3, None)];
    let view = faulty_view(&client, &faults).await;
    let error = tokio::time::timeout(STEP_TIMEOUT, client.read_blob_from(&view, &small_id)).await.unwrap().unwrap_err();
    match &error {
        ClientError::NotEnoughSlivers { have_roots, need_roots, failures, .. } => {
            assert!(have_roots < need_roots, "{error}");
            assert_eq!(failures.len(), 4, "{error}");
        }
        other => panic!("expected NotEnoughSlivers, got {other}"),
    }

    // A 64 MiB blob stores and reads back, also with a node down.
    let large = blob_bytes(64 << 20, 8);
    let large_id = store(&client, large.clone()).await;
    let read = tokio::time::timeout(STEP_TIMEOUT, client.read_blob(&large_id)).await.unwrap().unwrap();
    assert!(read == large, "the 64 MiB blob reads back");
    let view = faulty_view(&client, &[(5, None)]).await;
    let read = tokio::time::timeout(STEP_TIMEOUT, client.read_blob_from(&view, &large_id)).await.unwrap().unwrap();
    assert!(read == large, "the 64 MiB blob reads back with a node down");

    network.shutdown().await;
}
