//! Sending one batch and answering each of its records.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;

use reqwest::Method;

use super::{Batcher, LaneKey, Pending, lane_key};
use crate::client::UpsertOutcome;
use crate::client::collections::chunk_body;
use crate::client::pipeline::{Resend, RetryReason};
use crate::error::Error;

impl Batcher {
    /// Sends one batch and answers (or requeues) each write in it.
    pub(super) async fn send(self: &Arc<Self>, mut batch: Vec<Pending>) {
        if batch.len() == 1 {
            // A lone write: the single-record upsert, exactly as without batching (the
            // pipeline retries its own DUPLICATE_VALUE races).
            let pending = batch.pop().expect("one");
            let lane_key = lane_key(pending.key.sobject(), pending.key.field());
            self.counters.lone_requests.fetch_add(1, Relaxed);
            let resend = Resend::Upsert {
                field: pending.key.field().to_owned(),
            };
            let result = pending
                .client
                .send_upsert(&pending.key, pending.body, resend, None)
                .await
                .map(|mut outcome| {
                    outcome.attempts += pending.attempt;
                    outcome
                });
            if let (Ok(_), Some(cost)) = (&result, pending.retry_cost) {
                pending.client.refund_retry(cost);
            }
            self.answer(&lane_key, pending.reply, result);
            return;
        }
        let first = &batch[0];
        let lane_key = lane_key(first.key.sobject(), first.key.field());
        let client = first.client.clone();
        let field = first.key.field().to_owned();
        let path = client.data_path(&format!(
            "composite/sobjects/{}/{}",
            first.key.sobject(),
            field
        ));
        let body = chunk_body(batch.iter().map(|p| &p.record), false);
        self.counters.collection_requests.fetch_add(1, Relaxed);
        self.counters
            .batched_writes
            .fetch_add(batch.len() as u64, Relaxed);
        tracing::debug!(records = batch.len(), %path, "sforce.batch: collection upsert");
        let answer = client
            .send_collection(
                Method::PATCH,
                path.clone(),
                Some(body),
                &[],
                batch.len(),
                Resend::Idempotent,
            )
            .await;
        let results = match answer {
            Ok(results) => results,
            Err(error) => {
                for pending in batch {
                    self.answer(&lane_key, pending.reply, Err(error.clone()));
                }
                return;
            }
        };
        for (mut pending, result) in batch.into_iter().zip(results) {
            pending.attempt += 1;
            match result {
                Ok(saved) => {
                    if let Some(cost) = pending.retry_cost {
                        pending.client.refund_retry(cost);
                    }
                    let outcome =
                        UpsertOutcome::new(saved.id().clone(), saved.created(), pending.attempt);
                    self.answer(&lane_key, pending.reply, Ok(outcome));
                }
                Err(error) if error.is_duplicate_on_field(&field) => {
                    self.retry_or_fail(&lane_key, pending, error, &path);
                }
                Err(error) => {
                    self.answer(&lane_key, pending.reply, Err(error));
                }
            }
        }
    }

    /// A record lost a race with another process: send it again (it now resolves to an
    /// update) after the retry policy's backoff, unless the policy's bounds or the client's
    /// retry budget say no; then its caller gets the `DUPLICATE_VALUE`.
    fn retry_or_fail(
        self: &Arc<Self>,
        lane_key: &LaneKey,
        mut pending: Pending,
        error: Error,
        path: &str,
    ) {
        let decision = pending.client.may_retry(
            RetryReason::DuplicateKey,
            None,
            pending.attempt,
            pending.started.elapsed(),
            path,
        );
        let Some((delay, cost)) = decision else {
            self.answer(lane_key, pending.reply, Err(error));
            return;
        };
        tracing::debug!(key = %pending.key, "sforce.batch: retrying one record of a batch alone");
        pending.retry_cost = Some(cost);
        let batcher = Arc::clone(self);
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            batcher.enqueue_ready(pending);
        });
    }
}
