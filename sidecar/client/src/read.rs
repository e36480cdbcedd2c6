//! Reading a blob: primary slivers from the nodes in parallel, each verified against the blob
//! id, then decoded and checked against the commitment (`docs/encoding.md`).

use tokio::task::JoinSet;
use walrus_core::{BlobId, CheckedSlivers, VerifiedRoots, decode_checked};
use walrus_node::client::{CheckedPrimarySlivers, ClientError as NodeClientError, VerifiedPair};

use crate::{ClientError, CommitteeView, NodeFailure, WalrusClient};

impl WalrusClient {
    /// Reads blob `blob_id` from the current committee. Up to a third of the shards' nodes may
    /// be down, slow or lying: the result is the stored bytes or an error, never other bytes.
    pub async fn read_blob(&self, blob_id: &BlobId) -> Result<Vec<u8>, ClientError> {
        let committee = self.committee().await?;
        self.read_blob_from(&committee, blob_id).await
    }

    /// Reads blob `blob_id` from `committee`.
    ///
    /// Slivers are fetched from just enough nodes to decode (`n - 2f` slivers), and only the pair
    /// metadata from the others (the decoder needs `n - f` verified roots), so a read moves about
    /// the blob's size instead of twice it. Each node's slivers are checked against their roots
    /// as they arrive (on blocking threads, while other nodes' slivers are still in flight), so
    /// what is left after the last answer is decoding. A node that fails a sliver request is
    /// replaced by asking one of the metadata-only nodes for its slivers.
    pub async fn read_blob_from(&self, committee: &CommitteeView, blob_id: &BlobId) -> Result<Vec<u8>, ClientError> {
        let config = committee.config;
        let n = config.n();
        let need_slivers = n - 2 * config.max_faulty();
        // The decoder checks the result against at least n - f committed primary roots, so that
        // every reader of an inconsistently encoded blob gets the same answer.
        let need_roots = n - config.max_faulty();

        // Start at a member derived from the blob id, so readers of different blobs spread their
        // sliver requests over the committee.
        let members = committee.nodes.len();
        let start = usize::from(blob_id.0[0]) % members.max(1);
        let order: Vec<usize> = (0..members).map(|i| (start + i) % members).collect();
        let mut planned_shards = 0;
        let mut full_first = Vec::new();
        let mut metadata_only = Vec::new();
        for &member in &order {
            if planned_shards < need_slivers {
                planned_shards += committee.nodes[member].n_shards();
                full_first.push(member);
            } else {
                metadata_only.push(member);
            }
        }

        let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(self.limits.read_concurrency));
        let mut requests = JoinSet::new();
        let spawn = |requests: &mut JoinSet<_>, member: usize, full: bool| {
            let (node, blob_id, permits) = (committee.nodes[member].clone(), *blob_id, permits.clone());
            requests.spawn(async move {
                let _permit = permits.acquire_owned().await;
                let answer = if full {
                    node.client.primary_slivers(&blob_id, &config).await.map(Answer::Slivers)
                } else {
                    node.client.primary_pair_metadata(&blob_id, &config).await.map(Answer::Pairs)
                };
                (member, full, answer)
            });
        };
        for &member in &full_first {
            spawn(&mut requests, member, true);
        }
        for &member in &metadata_only {
            spawn(&mut requests, member, false);
        }
        // Members asked for metadata only, in order, as stand-ins for failed sliver requests.
        let mut stand_ins = metadata_only.into_iter();

        let mut roots: Option<VerifiedRoots> = None;
        let mut slivers: Option<CheckedSlivers<Vec<u8>>> = None;
        let mut failures = Vec::new();
        let mut not_found = 0usize;
        let mut failed_members = std::collections::BTreeSet::new();
        while let Some(joined) = requests.join_next().await {
            let (member, full, result) =
                joined.map_err(|e| ClientError::Internal(format!("a read task failed: {e}")))?;
            let node = &committee.nodes[member];
            match result {
                Ok(Answer::Slivers(checked)) => {
                    accept(&mut roots, &mut slivers, checked, &config)
                        .map_err(|e| ClientError::Internal(format!("merging checked slivers: {e}")))?;
                }
                Ok(Answer::Pairs(pairs)) => accept_pairs(&mut roots, pairs, &config),
                Err(error) => {
                    if failed_members.insert(member) && is_not_found(&error) {
                        not_found += node.n_shards();
                    }
                    failures.push(NodeFailure {
                        member,
                        network_address: node.network_address.clone(),
                        reason: error.to_string(),
                    });
                    if full {
                        // Replace the lost slivers with a stand-in's, unless it failed already.
                        if let Some(next) = stand_ins.by_ref().find(|m| !failed_members.contains(m)) {
                            spawn(&mut requests, next, true);
                        }
                    }
                }
            }
            let have_roots = roots.as_ref().map_or(0, VerifiedRoots::len);
            let have_slivers = slivers.as_ref().map_or(0, CheckedSlivers::len);
            if have_slivers >= need_slivers && have_roots >= need_roots {
                // The remaining requests are not needed: dropping the set cancels them.
                requests.abort_all();
                let (roots, slivers) = (roots.expect("slivers imply roots"), slivers.expect("counted above"));
                return self.decode(*blob_id, roots, slivers).await;
            }
            if requests.is_empty() && have_slivers < need_slivers {
                // Every answer is in, but failed sliver requests outnumbered the stand-ins
                // launched so far: ask the remaining members that answered metadata only.
                for next in stand_ins.by_ref().filter(|m| !failed_members.contains(m)) {
                    spawn(&mut requests, next, true);
                }
            }
        }
        let have_slivers = slivers.as_ref().map_or(0, CheckedSlivers::len);
        if have_slivers == 0 && 3 * not_found > 2 * n {
            return Err(ClientError::BlobNotFound { blob_id: *blob_id });
        }
        Err(ClientError::NotEnoughSlivers {
            blob_id: *blob_id,
            have: have_slivers,
            need: need_slivers,
            have_roots: roots.as_ref().map_or(0, VerifiedRoots::len),
            need_roots,
            failures,
        })
    }

    async fn decode(
        &self,
        blob_id: BlobId,
        roots: VerifiedRoots,
        slivers: CheckedSlivers<Vec<u8>>,
    ) -> Result<Vec<u8>, ClientError> {
        let threads = self.limits.coding_threads;
        tokio::task::spawn_blocking(move || {
            decode_checked(&roots, &slivers, threads)
                .map(|decoded| decoded.data)
                .map_err(|e| ClientError::InconsistentBlob { blob_id, reason: e.to_string() })
        })
        .await
        .map_err(|e| ClientError::Internal(format!("the decoder task failed: {e}")))?
    }
}

/// What a node answered.
enum Answer {
    /// Its primary slivers, checked, with their pair metadata.
    Slivers(CheckedPrimarySlivers),
    /// Only its pairs' metadata.
    Pairs(Vec<VerifiedPair>),
}

/// Adds a node's verified pair roots.
fn accept_pairs(roots: &mut Option<VerifiedRoots>, pairs: Vec<VerifiedPair>, config: &walrus_core::EncodingConfig) {
    for verified in pairs {
        let roots = roots.get_or_insert_with(|| VerifiedRoots::new(*config, verified.commitment));
        // Pairs of another commitment (impossible after verification against the blob id) or
        // already known ones are skipped.
        let _ = roots.insert(&verified.pair);
    }
}

/// Adds a node's checked slivers and their pair roots.
fn accept(
    roots: &mut Option<VerifiedRoots>,
    slivers: &mut Option<CheckedSlivers<Vec<u8>>>,
    checked: CheckedPrimarySlivers,
    config: &walrus_core::EncodingConfig,
) -> Result<(), walrus_core::EncodingError> {
    accept_pairs(roots, checked.pairs, config);
    match slivers {
        Some(all) => all.merge(checked.slivers),
        None => {
            *slivers = Some(checked.slivers);
            Ok(())
        }
    }
}

fn is_not_found(error: &NodeClientError) -> bool {
    matches!(error.api_code(), Some("blob_not_found" | "blob_not_stored"))
}
