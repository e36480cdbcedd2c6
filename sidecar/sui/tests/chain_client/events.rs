//! The event stream: every `walrus` event in chain order, resumable from any cursor, and live.

use std::time::Duration;

use walrus_contracts::{U256, events::Event};

use walrus_sui::{ClientOptions, WalrusChainClient};

use crate::harness::{TestChain, WAL, account, bounded, encode, fund_wal, options};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_resumes_after_any_cursor() {
    bounded(async {
        let chain = TestChain::start(&[2]).await;
        fund_wal(&chain, 2, 10 * WAL).await;
        let user = chain.client(2);
        let admin = chain.client(1);

        let permanent = encode(b"permanent");
        let deletable = encode(b"deletable");
        let invalid = encode(b"invalid");
        let blob = user.reserve_and_register(&permanent, 2, false).await.unwrap();
        user.certify_blob(blob.id(), &chain.certify_permanent(1, permanent.blob_id())).await.unwrap();
        user.extend_blob(blob.id(), 1).await.unwrap();
        let gone = user.reserve_and_register(&deletable, 1, true).await.unwrap();
        user.delete_blob(gone.id()).await.unwrap();
        user.invalidate_blob_id(&chain.invalid_blob_certificate(1, invalid.blob_id())).await.unwrap();
        chain.epoch_change(&admin).await;

        let all = user.events_from_checkpoint(0).drain().await.unwrap();
        let kinds: Vec<&str> = all.iter().map(|e| e.event.name()).collect();
        assert_eq!(
            kinds,
            [
                "BlobRegistered",
                "BlobCertified",
                "BlobCertified",
                "BlobRegistered",
                "BlobDeleted",
                "InvalidBlobId",
                "EpochParametersSelected",
                "EpochAdvanced",
                "RewardsDistributed",
                "EpochChangeStart"
            ]
        );
        assert!(all.windows(2).all(|w| w[0].cursor < w[1].cursor), "cursors increase");
        match (&all[0].event, &all[2].event, &all[4].event) {
            (Event::BlobRegistered(r), Event::BlobCertified(c), Event::BlobDeleted(d)) => {
                assert_eq!(r.blob_id, U256::from(permanent.blob_id()));
                assert_eq!(r.object_id.0, blob.id().into_inner());
                assert!(c.is_extension && c.end_epoch == 4);
                assert_eq!(d.object_id.0, gone.id().into_inner());
            }
            other => panic!("unexpected events {other:?}"),
        }

        // Starting after each cursor yields exactly the events after it.
        for (i, event) in all.iter().enumerate() {
            let rest = user.events_after(event.cursor).drain().await.unwrap();
            assert_eq!(rest, all[i + 1..], "after event {i}");
        }
        // A cursor round-trips through JSON, as a storage node persists it.
        let saved = serde_json::to_string(&all[3].cursor).unwrap();
        let resumed = user.events_after(serde_json::from_str(&saved).unwrap()).drain().await.unwrap();
        assert_eq!(resumed, all[4..]);

        // Live: a stream that has caught up yields the next event once it lands.
        let mut live = user.events_after(all.last().unwrap().cursor);
        let waiting = tokio::spawn(async move { tokio::time::timeout(Duration::from_secs(30), live.next()).await });
        tokio::time::sleep(Duration::from_millis(100)).await;
        let late = encode(b"registered while someone listens");
        user.reserve_and_register(&late, 1, false).await.unwrap();
        let next = waiting.await.unwrap().expect("the event arrived in time").unwrap();
        assert!(matches!(&next.event, Event::BlobRegistered(r) if r.blob_id == U256::from(late.blob_id())));
        assert!(next.cursor > all.last().unwrap().cursor);
    })
    .await;
}

/// Once caught up, the stream learns of new checkpoints from `SubscribeCheckpoints`, not by
/// polling: with an hour between polls, an event still arrives at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caught_up_stream_follows_the_checkpoint_subscription() {
    bounded(async {
        let chain = TestChain::start(&[2]).await;
        fund_wal(&chain, 2, 10 * WAL).await;
        let user = chain.client(2);
        let never_polls = WalrusChainClient::new(
            &chain.url(),
            account(3),
            chain.deployment(),
            ClientOptions { event_poll_interval: Duration::from_secs(3600), ..options() },
        )
        .unwrap();
        let mut live = never_polls.events_from_checkpoint(0);
        let before = live.drain().await.unwrap();
        let waiting = tokio::spawn(async move {
            let mut seen = Vec::new();
            for _ in 0..2 {
                seen.push(tokio::time::timeout(Duration::from_secs(10), live.next()).await);
            }
            seen
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        let (first, second) = (encode(b"first while subscribed"), encode(b"second while subscribed"));
        user.reserve_and_register(&first, 1, false).await.unwrap();
        user.reserve_and_register(&second, 1, false).await.unwrap();
        let seen: Vec<_> =
            waiting.await.unwrap().into_iter().map(|e| e.expect("arrived without polling").unwrap()).collect();
        for (event, blob) in seen.iter().zip([&first, &second]) {
            assert!(matches!(&event.event, Event::BlobRegistered(r) if r.blob_id == U256::from(blob.blob_id())));
        }
        assert!(before.last().is_none_or(|last| last.cursor < seen[0].cursor) && seen[0].cursor < seen[1].cursor);
    })
    .await;
}
