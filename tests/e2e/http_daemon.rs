//! The publisher/aggregator over HTTP on a local network: store, read, ranges, ETags, errors.

use walrus_e2e::{blob_bytes, start_network};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn publisher_and_aggregator_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let network = start_network(dir.path(), 4, 2).await;
    let base = network.daemon_url();
    let http = reqwest::Client::new();
    let data = blob_bytes(200_000, 7);

    let response = http.put(format!("{base}/v1/blobs?epochs=2")).body(data.clone()).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let json: serde_json::Value = response.json().await.unwrap();
    let created = &json["newlyCreated"]["blobObject"];
    let blob_id = created["blobId"].as_str().expect("blob id in the answer").to_string();
    assert_eq!(created["size"], 200_000);
    assert_eq!(created["storage"]["endEpoch"], created["registeredEpoch"].as_u64().unwrap() + 2);

    // The same bytes again: already certified, nothing paid.
    let again: serde_json::Value =
        http.put(format!("{base}/v1/blobs?epochs=1")).body(data.clone()).send().await.unwrap().json().await.unwrap();
    assert_eq!(again["alreadyCertified"]["blobId"], blob_id.as_str());

    let response = http.get(format!("{base}/v1/blobs/{blob_id}")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(response.headers()["content-type"], "application/octet-stream");
    assert!(response.bytes().await.unwrap() == data);

    let response =
        http.get(format!("{base}/v1/blobs/{blob_id}")).header("range", "bytes=1000-1999").send().await.unwrap();
    assert_eq!(response.status(), 206);
    assert_eq!(response.headers()["content-range"], "bytes 1000-1999/200000");
    assert!(response.bytes().await.unwrap() == data[1000..2000]);

    let response = http.get(format!("{base}/v1/blobs/{blob_id}")).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(response.status(), 304);

    let object_id = created["id"].as_str().unwrap();
    let response = http.get(format!("{base}/v1/blobs/by-object-id/{object_id}")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.unwrap() == data);

    // Errors are JSON with a code.
    let response = http.get(format!("{base}/v1/blobs/not-a-blob-id")).send().await.unwrap();
    assert_eq!(response.status(), 400);
    let error: serde_json::Value = response.json().await.unwrap();
    assert_eq!(error["error"]["code"], "invalid_blob_id");
    let unknown = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let response = http.get(format!("{base}/v1/blobs/{unknown}")).send().await.unwrap();
    assert_eq!(response.status(), 404, "{:?}", response.text().await);
    let response = http.put(format!("{base}/v1/blobs?epochs=0")).body("x").send().await.unwrap();
    assert_eq!(response.status(), 400);
    let response = http.put(format!("{base}/v1/blobs?deletable=true&permanent=true")).body("x").send().await.unwrap();
    assert_eq!(response.status(), 400);

    network.shutdown().await;
}
