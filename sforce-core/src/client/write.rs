//! Upserts through the keyed single-flight write executor.
//!
//! Every [`Client::upsert`] is submitted to one [`Executor`] per client (shared by its clones),
//! keyed by (sObject, external-ID field, value normalized by the key's case sensitivity):
//!
//! - one client never has two upsert requests for one record in flight;
//! - writes arriving while a request for their record is in flight wait, and are merged field
//!   by field (later wins, explicit null kept) into ONE request sent when it finishes
//!   ([`WritePolicy::serialize`] sends each alone instead, in order);
//! - every caller gets the outcome of the request that carried its fields
//!   ([`UpsertOutcome::merged_writes`]); a merged request rejected for its content (HTTP 400
//!   validation/field errors) is replayed write by write so only the culprit gets the error;
//! - across processes, where merging cannot see the other writer, a `DUPLICATE_VALUE` naming
//!   the upsert's own external-ID field (a competing insert of the same key just committed) is
//!   retried as the same upsert with jittered exponential backoff, bounded by
//!   [`RetryPolicy`] (attempts and total time); any other error is returned as is.
//!
//! [`Client::upsert_raw`] remains the path without executor and without retry.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Map, Value};

use super::path::{check_name, encode_segment};
use super::upsert::upsert_body;
use super::{Client, UpsertKey, UpsertOutcome};
use crate::error::{Error, RequestContext, Result};
use crate::executor::{Executor, ExecutorFailure, Merge, Operation, Policy};

/// Retry of cross-process upsert races: `DUPLICATE_VALUE` on the upsert's own external-ID
/// field, retried as the same upsert.
///
/// The delay before retry `n` (1-based) is drawn uniformly from `[d/2, d]` with
/// `d = min(initial_backoff * 2^(n-1), max_backoff)`. Retrying stops after `max_attempts`
/// requests in total, or when the next delay would end after `max_elapsed` from the first
/// request; the `DUPLICATE_VALUE` error is then returned.
///
/// ```
/// use std::time::Duration;
/// use sforce_core::client::RetryPolicy;
/// let retry = RetryPolicy::new()
///     .max_attempts(4)
///     .initial_backoff(Duration::from_millis(100))
///     .max_elapsed(Duration::from_secs(5));
/// assert_eq!(retry.get_max_attempts(), 4);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// 6 attempts, 50 ms initial backoff doubling up to 1 s, 10 s in total.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            initial_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_secs(1),
            max_elapsed: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// The default policy (see [`RetryPolicy::default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Never retry: a `DUPLICATE_VALUE` is returned at once.
    pub fn disabled() -> Self {
        Self::default().max_attempts(1)
    }

    /// Requests in total, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Upper bound of the first delay.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Upper bound of any one delay.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Time budget from the first request: no retry is started whose delay would exceed it.
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// Requests in total, the first included.
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The time budget from the first request.
    pub fn get_max_elapsed(&self) -> Duration {
        self.max_elapsed
    }

    /// The jittered delay before retry number `retry` (1-based).
    fn delay(&self, retry: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16));
        let ceiling = exp.min(self.max_backoff);
        let half = ceiling / 2;
        half + ceiling.saturating_sub(half).mul_f64(fastrand::f64())
    }
}

/// How a client's upserts go through its write executor: merging policy and race retry.
/// Set with [`ClientBuilder::write_policy`](super::ClientBuilder::write_policy).
///
/// ```
/// use sforce_core::client::{Client, RetryPolicy, WritePolicy};
/// let policy = WritePolicy::new()
///     .serialize()
///     .retry(RetryPolicy::new().max_attempts(3));
/// let client = Client::builder()
///     .instance_url("https://example.my.salesforce.com")
///     .access_token("token")
///     .write_policy(policy)
///     .build()
///     .unwrap();
/// # let _ = client;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct WritePolicy {
    coalescing: Policy,
    retry: RetryPolicy,
}

impl WritePolicy {
    /// Merge waiting writes (the default) and retry races with [`RetryPolicy::default`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes waiting for an in-flight request to their record are merged into one request.
    pub fn merge(mut self) -> Self {
        self.coalescing = Policy::Merge;
        self
    }

    /// Each write is its own request, strictly in submission order (still never two in
    /// flight for one record).
    pub fn serialize(mut self) -> Self {
        self.coalescing = Policy::Serialize;
        self
    }

    /// The retry policy for cross-process races.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The merging policy.
    pub fn coalescing(&self) -> Policy {
        self.coalescing
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }
}

/// Counters of a client's upserts through the executor (shared by its clones); see
/// [`Client::write_stats`]. Counters only grow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WriteStats {
    /// Calls to [`Client::upsert`] accepted by the executor.
    pub writes_submitted: u64,
    /// Upsert HTTP requests sent by the executor (retries and replays included).
    pub requests_sent: u64,
    /// Requests saved by merging: writes that rode in another write's request.
    pub writes_merged: u64,
    /// `DUPLICATE_VALUE` races on the own external-ID field retried.
    pub duplicate_retries: u64,
    /// Races still failing when the retry bound was reached (returned as errors).
    pub retries_exhausted: u64,
    /// Merged requests rejected for their content and replayed write by write.
    pub replays: u64,
    /// Writes resent alone during replays.
    pub replayed_writes: u64,
    /// Upserts (merged or not) that ended in an error.
    pub failed_upserts: u64,
}

/// The executor of one client and its request counters.
pub(super) struct Writes {
    executor: Executor<UpsertOperation>,
}

impl Writes {
    pub(super) fn new(policy: &WritePolicy, api_version: &str) -> Self {
        let op = UpsertOperation {
            retry: policy.retry.clone(),
            counters: Arc::default(),
            api_version: api_version.to_owned(),
        };
        Writes {
            executor: Executor::with_policy(op, policy.coalescing),
        }
    }
}

/// The executor's key: one record. API names are case-insensitive in Salesforce; the value is
/// case-folded unless the key is declared case-sensitive. Shared behind an `Arc` (the executor
/// clones keys into its map, its task and each caller's future).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct RecordKey {
    sobject: String,
    field: String,
    value: String,
}

impl RecordKey {
    fn of(key: &UpsertKey) -> Self {
        RecordKey {
            sobject: key.sobject().to_ascii_lowercase(),
            field: key.field().to_ascii_lowercase(),
            value: key.normalized_value().into_owned(),
        }
    }
}

/// One write: the body, the key as the caller gave it, and the client that sends it (a strong
/// reference while the write is pending, so the client outlives its accepted writes).
#[derive(Clone)]
struct UpsertWrite {
    client: Client,
    key: UpsertKey,
    body: Map<String, Value>,
}

impl Merge for UpsertWrite {
    fn merge(&mut self, later: Self) {
        self.body.merge(later.body);
        self.key = later.key;
    }

    /// An update-only upsert and a create-or-update one are never merged (their effect on a
    /// missing record differs); the later one waits for the next request.
    fn can_merge(&self, later: &Self) -> bool {
        self.key.is_update_only() == later.key.is_update_only()
    }
}

#[derive(Debug, Default)]
struct RequestCounters {
    requests: AtomicU64,
    duplicate_retries: AtomicU64,
    retries_exhausted: AtomicU64,
}

/// One upsert request, retried on a race with another process.
struct UpsertOperation {
    retry: RetryPolicy,
    counters: Arc<RequestCounters>,
    /// For the path in errors the executor itself produces.
    api_version: String,
}

impl Operation for UpsertOperation {
    type Key = Arc<RecordKey>;
    type Write = UpsertWrite;
    type Output = UpsertOutcome;
    type Error = Error;

    async fn run(&self, key: &Arc<RecordKey>, write: UpsertWrite) -> Result<UpsertOutcome> {
        let started = Instant::now();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            self.counters.requests.fetch_add(1, Relaxed);
            let error = match write.client.send_upsert(&write.key, &write.body).await {
                Ok(mut outcome) => {
                    outcome.attempts = attempt;
                    return Ok(outcome);
                }
                Err(error) => error,
            };
            if !error.is_duplicate_on_field(write.key.field()) {
                return Err(error);
            }
            let delay = self.retry.delay(attempt);
            if attempt >= self.retry.max_attempts
                || started.elapsed() + delay > self.retry.max_elapsed
            {
                self.counters.retries_exhausted.fetch_add(1, Relaxed);
                tracing::warn!(
                    record = ?key,
                    attempts = attempt,
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "sforce.write: DUPLICATE_VALUE on the upsert's own external ID persists; retry bound reached"
                );
                return Err(error);
            }
            self.counters.duplicate_retries.fetch_add(1, Relaxed);
            tracing::info!(
                record = ?key,
                attempt,
                delay_ms = delay.as_millis() as u64,
                "sforce.write: DUPLICATE_VALUE on the upsert's own external ID (a competing insert committed); retrying the same upsert"
            );
            tokio::time::sleep(delay).await;
        }
    }

    /// 400 validation/field errors, except a `DUPLICATE_VALUE` on the key's own field (a race,
    /// not the content).
    fn is_content_rejection(&self, key: &Arc<RecordKey>, error: &Error) -> bool {
        error.is_content_rejection() && !error.is_duplicate_on_field(&key.field)
    }

    fn executor_error(&self, key: &Arc<RecordKey>, failure: ExecutorFailure) -> Error {
        let value = encode_segment(&key.value).unwrap_or_default();
        let path = format!(
            "/services/data/v{}/sobjects/{}/{}/{value}",
            self.api_version, key.sobject, key.field
        );
        Error::executor(RequestContext::new(Method::PATCH, path), failure)
    }
}

impl Client {
    /// Submits an upsert to the executor. The write is queued before this returns (submission
    /// order is call order); the future only waits for its outcome, and dropping it does not
    /// cancel the write.
    pub(crate) fn submit_upsert(
        &self,
        key: &UpsertKey,
        body: Result<Map<String, Value>>,
    ) -> impl Future<Output = Result<UpsertOutcome>> + Send + 'static + use<> {
        let submitted = body.and_then(|body| {
            check_name("sObject", key.sobject())?;
            check_name("field", key.field())?;
            encode_segment(key.value())?;
            let body = upsert_body(key, &body)?;
            let write = UpsertWrite {
                client: self.clone(),
                key: key.clone(),
                body,
            };
            let record = Arc::new(RecordKey::of(key));
            Ok(self.inner.writes.executor.submit(record, write))
        });
        async move {
            let completion = submitted?.await?;
            let merged_writes = completion.merged_writes();
            let mut outcome = completion.into_output();
            outcome.merged_writes = merged_writes;
            Ok(outcome)
        }
    }

    /// Counters of this client's upserts through the write executor (shared by its clones).
    pub fn write_stats(&self) -> WriteStats {
        let executor = self.inner.writes.executor.stats();
        let requests = &self.inner.writes.executor.operation().counters;
        WriteStats {
            writes_submitted: executor.writes_submitted,
            requests_sent: requests.requests.load(Relaxed),
            writes_merged: executor.writes_merged,
            duplicate_retries: requests.duplicate_retries.load(Relaxed),
            retries_exhausted: requests.retries_exhausted.load(Relaxed),
            replays: executor.replays,
            replayed_writes: executor.replayed_writes,
            failed_upserts: executor.failed_operations,
        }
    }

    /// Number of records with upserts in flight or waiting in this client's executor (0 once
    /// every accepted upsert has completed).
    pub fn writes_in_flight(&self) -> usize {
        self.inner.writes.executor.in_flight_keys()
    }

    /// The merging policy of this client's write executor.
    pub fn write_coalescing(&self) -> Policy {
        self.inner.writes.executor.policy()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_jittered_and_bounded() {
        let retry = RetryPolicy::new()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(300));
        for _ in 0..100 {
            let first = retry.delay(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let second = retry.delay(2);
            assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200));
            let capped = retry.delay(30);
            assert!(capped >= Duration::from_millis(150) && capped <= Duration::from_millis(300));
        }
        assert_eq!(RetryPolicy::disabled().get_max_attempts(), 1);
        assert_eq!(RetryPolicy::new().max_attempts(0).get_max_attempts(), 1);
    }

    #[test]
    fn record_keys_fold_case_unless_case_sensitive() {
        let a = RecordKey::of(&UpsertKey::new("Task", "uuid__c", "AbC"));
        let b = RecordKey::of(&UpsertKey::new("task", "UUID__C", "abc"));
        assert_eq!(a, b);
        let c = RecordKey::of(&UpsertKey::new("Task", "Code__c", "AbC").case_sensitive(true));
        let d = RecordKey::of(&UpsertKey::new("Task", "Code__c", "abc").case_sensitive(true));
        assert_ne!(c, d);
    }
}
