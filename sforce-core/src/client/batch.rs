//! Automatic batching of [`Client::upsert`]: ready writes of one (sObject, external-ID field)
//! go out together as one collection upsert (`PATCH /composite/sobjects/{S}/{field}`).
//!
//! The write executor still runs one driver per record (key); when a driver has its merged
//! write, it hands it to the [`Batcher`] instead of sending it. The batcher keeps one lane per
//! (sObject, field). Group commit: the first write of an idle lane starts a flusher, which
//! takes whatever is waiting (up to [`BatchPolicy::max_records`], the request-size bound, and
//! never one record twice) and sends it; writes that arrive while that request is in flight
//! wait and go in the next one. A full batch does not wait: it starts another flusher. No timer
//! delays a write unless [`BatchPolicy::linger`] is set.
//!
//! What each caller is told does not change (rule 9 of the executor contract):
//! - a lone write (nothing else ready) is the single-record upsert, as without batching;
//! - each record's result goes to the driver of that record, a record-level error only to it
//!   (as `Error::Api` with status 400, like a single-record rejection), a request-level
//!   failure to every record of the request;
//! - a record-level `DUPLICATE_VALUE` on the upsert's own field (another process inserted the
//!   key during the commit window) is retried for that record only, with the client's retry
//!   policy's backoff and bounds, in a later batch.
//!
//! Update-only upserts (collections have no `updateOnly`) and clients below API 46.0 (no
//! collection upsert) are never batched.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Map, Value};
use tokio::sync::oneshot;

use super::collections::{
    DEFAULT_MAX_REQUEST_BYTES, Encoded, MAX_COLLECTION_RECORDS, chunk_body, encode,
};
use super::collections::{folded, upsert_record};
use super::pipeline::Resend;
use super::{Client, UpsertKey, UpsertOutcome};
use crate::error::Result;

/// Most flushers (collection requests in flight) per lane; the client's limit on requests in
/// flight applies on top.
const MAX_FLUSHERS_PER_LANE: usize = 8;

/// How [`Client::upsert`] groups ready writes into collection upserts; set with
/// [`WritePolicy::batching`](super::WritePolicy::batching).
///
/// ```
/// use std::time::Duration;
/// use sforce_core::client::BatchPolicy;
/// let policy = BatchPolicy::new().max_records(100).linger(Duration::from_millis(2));
/// assert!(policy.is_enabled());
/// assert_eq!(policy.get_max_records(), 100);
/// assert!(!BatchPolicy::disabled().is_enabled());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct BatchPolicy {
    enabled: bool,
    max_records: usize,
    linger: Duration,
    max_request_bytes: usize,
}

impl Default for BatchPolicy {
    /// Enabled, 200 records and 5 MiB per request, no linger.
    fn default() -> Self {
        BatchPolicy {
            enabled: true,
            max_records: MAX_COLLECTION_RECORDS,
            linger: Duration::ZERO,
            max_request_bytes: DEFAULT_MAX_REQUEST_BYTES,
        }
    }
}

impl BatchPolicy {
    /// The default policy (batching on).
    pub fn new() -> Self {
        Self::default()
    }

    /// No batching: every upsert is its own single-record request.
    pub fn disabled() -> Self {
        BatchPolicy {
            enabled: false,
            ..Self::default()
        }
    }

    /// Most records per collection request, clamped to 1..=200.
    pub fn max_records(mut self, records: usize) -> Self {
        self.max_records = records.clamp(1, MAX_COLLECTION_RECORDS);
        self
    }

    /// How long an idle lane's first flush waits for more writes (default: none).
    pub fn linger(mut self, linger: Duration) -> Self {
        self.linger = linger;
        self
    }

    /// Upper bound of one request body in bytes (at least 1 KiB).
    pub fn max_request_bytes(mut self, bytes: usize) -> Self {
        self.max_request_bytes = bytes.max(1024);
        self
    }

    /// Whether upserts are batched.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Most records per collection request.
    pub fn get_max_records(&self) -> usize {
        self.max_records
    }

    /// The linger of an idle lane's first flush.
    pub fn get_linger(&self) -> Duration {
        self.linger
    }
}

/// One write waiting in a lane.
struct Pending {
    client: Client,
    key: UpsertKey,
    body: Map<String, Value>,
    record: Encoded,
    reply: oneshot::Sender<Result<UpsertOutcome>>,
    /// Requests that carried this write so far.
    attempt: u32,
    started: Instant,
}

#[derive(Default)]
struct Lane {
    waiting: VecDeque<Pending>,
    flushers: usize,
}

type LaneKey = (String, String);

/// Counters of the batcher (see [`WriteStats`](super::WriteStats)).
#[derive(Debug, Default)]
pub(crate) struct BatchCounters {
    pub(crate) collection_requests: AtomicU64,
    pub(crate) batched_writes: AtomicU64,
    pub(crate) lone_requests: AtomicU64,
    pub(crate) duplicate_retries: AtomicU64,
    pub(crate) retries_exhausted: AtomicU64,
}

/// The lanes of one client (shared by its clones).
pub(crate) struct Batcher {
    policy: BatchPolicy,
    lanes: Mutex<HashMap<LaneKey, Lane>>,
    pub(crate) counters: BatchCounters,
}

impl Batcher {
    pub(crate) fn new(policy: BatchPolicy) -> Self {
        Batcher {
            policy,
            lanes: Mutex::default(),
            counters: BatchCounters::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<LaneKey, Lane>> {
        // Only plain map operations run under the lock.
        self.lanes.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues one record's (merged) write; resolves with that record's outcome.
    pub(crate) async fn upsert(
        self: &Arc<Self>,
        client: Client,
        key: UpsertKey,
        body: Map<String, Value>,
    ) -> Result<UpsertOutcome> {
        let record = encode(&upsert_record(&key, &body)?, Some(folded(&key)))?;
        let (reply, receiver) = oneshot::channel();
        self.enqueue(Pending {
            client,
            key,
            body,
            record,
            reply,
            attempt: 0,
            started: Instant::now(),
        });
        match receiver.await {
            Ok(result) => result,
            // A flusher never drops a reply unanswered unless its task was dropped (runtime
            // shutdown) or panicked.
            Err(_) => Err(crate::error::Error::executor(
                crate::error::RequestContext::new(Method::PATCH, "composite/sobjects"),
                crate::executor::ExecutorFailure::Abandoned,
            )),
        }
    }

    fn enqueue(self: &Arc<Self>, pending: Pending) {
        let lane_key = (
            pending.key.sobject().to_ascii_lowercase(),
            pending.key.field().to_ascii_lowercase(),
        );
        let start = {
            let mut lanes = self.lock();
            let lane = lanes.entry(lane_key.clone()).or_default();
            lane.waiting.push_back(pending);
            let start = lane.flushers == 0
                || (lane.waiting.len() >= self.policy.max_records
                    && lane.flushers < MAX_FLUSHERS_PER_LANE);
            if start {
                lane.flushers += 1;
            }
            start
        };
        if start {
            tokio::spawn(Arc::clone(self).flush(lane_key));
        }
    }

    /// A flusher: sends batches of its lane until the lane has nothing waiting.
    async fn flush(self: Arc<Self>, lane_key: LaneKey) {
        let mut guard = FlusherGuard {
            batcher: Arc::clone(&self),
            lane_key: lane_key.clone(),
            finished: false,
        };
        // Let writes made ready at the same moment (drivers scheduled together) join the first
        // batch; a timer only with an explicit linger.
        if self.policy.linger.is_zero() {
            tokio::task::yield_now().await;
        } else {
            tokio::time::sleep(self.policy.linger).await;
        }
        loop {
            let Some(batch) = self.take_batch(&lane_key) else {
                guard.finished = true;
                return;
            };
            self.send(batch).await;
        }
    }

    /// The next batch of a lane: waiting writes in order, skipping any whose record is
    /// already in the batch (it waits for the next one), within the count and size bounds.
    /// With nothing waiting, this flusher leaves the lane, in the same critical section.
    fn take_batch(&self, lane_key: &LaneKey) -> Option<Vec<Pending>> {
        let mut lanes = self.lock();
        let lane = lanes.get_mut(lane_key)?;
        if lane.waiting.is_empty() {
            lane.flushers -= 1;
            if lane.flushers == 0 {
                lanes.remove(lane_key);
            }
            return None;
        }
        let mut batch = Vec::new();
        let mut keys = HashSet::new();
        let mut bytes = 40;
        let mut kept = VecDeque::with_capacity(lane.waiting.len());
        while let Some(pending) = lane.waiting.pop_front() {
            let size = pending.record.bytes.len() + 1;
            let key = pending.record.key.clone().unwrap_or_default();
            let fits = batch.len() < self.policy.max_records
                && (batch.is_empty() || bytes + size <= self.policy.max_request_bytes);
            if fits && !keys.contains(&key) {
                bytes += size;
                keys.insert(key);
                batch.push(pending);
            } else {
                kept.push_back(pending);
                if batch.len() >= self.policy.max_records {
                    break;
                }
            }
        }
        kept.extend(lane.waiting.drain(..));
        lane.waiting = kept;
        Some(batch)
    }

    /// Sends one batch and answers (or requeues) each write in it.
    async fn send(self: &Arc<Self>, mut batch: Vec<Pending>) {
        if batch.len() == 1 {
            // A lone write: the single-record upsert, exactly as without batching (the
            // pipeline retries its own DUPLICATE_VALUE races).
            let mut pending = batch.pop().expect("one");
            self.counters.lone_requests.fetch_add(1, Relaxed);
            let resend = Resend::Upsert {
                field: pending.key.field().to_owned(),
            };
            let result = pending
                .client
                .send_upsert(&pending.key, &pending.body, resend, None)
                .await
                .map(|mut outcome| {
                    outcome.attempts += pending.attempt;
                    outcome
                });
            pending.attempt += 1;
            let _ = pending.reply.send(result);
            return;
        }
        let first = &batch[0];
        let client = first.client.clone();
        let field = first.key.field().to_owned();
        let path = client.data_path(&format!(
            "composite/sobjects/{}/{}",
            first.key.sobject(),
            field
        ));
        let records: Vec<Encoded> = batch.iter().map(|p| p.record.clone()).collect();
        let all: Vec<usize> = (0..records.len()).collect();
        let body = chunk_body(&records, &all, false);
        self.counters.collection_requests.fetch_add(1, Relaxed);
        self.counters
            .batched_writes
            .fetch_add(batch.len() as u64, Relaxed);
        tracing::debug!(records = batch.len(), %path, "sforce.batch: collection upsert");
        let answer = client
            .send_collection(
                Method::PATCH,
                path,
                Some(body),
                &[],
                batch.len(),
                Resend::Idempotent,
            )
            .await;
        match answer {
            Err(error) => {
                for pending in batch {
                    let _ = pending.reply.send(Err(error.clone()));
                }
            }
            Ok(results) => {
                for (mut pending, result) in batch.into_iter().zip(results) {
                    pending.attempt += 1;
                    match result {
                        Ok(saved) => {
                            let outcome = UpsertOutcome::new(
                                saved.id().clone(),
                                saved.created(),
                                pending.attempt,
                            );
                            let _ = pending.reply.send(Ok(outcome));
                        }
                        Err(error) if error.is_duplicate_on_field(&field) => {
                            self.retry_or_fail(pending, error);
                        }
                        Err(error) => {
                            let _ = pending.reply.send(Err(error));
                        }
                    }
                }
            }
        }
    }

    /// A record lost a race with another process: send it again (it now resolves to an
    /// update) after the retry policy's backoff, unless the policy's bounds are reached.
    fn retry_or_fail(self: &Arc<Self>, pending: Pending, error: crate::error::Error) {
        let policy = pending.client.retry_policy();
        let delay = policy.delay(pending.attempt);
        if pending.attempt >= policy.get_max_attempts()
            || pending.started.elapsed() + delay > policy.get_max_elapsed()
        {
            self.counters.retries_exhausted.fetch_add(1, Relaxed);
            tracing::warn!(key = %pending.key, attempts = pending.attempt, "sforce.batch: DUPLICATE_VALUE on the upsert's own key persists; retry bound reached");
            let _ = pending.reply.send(Err(error));
            return;
        }
        self.counters.duplicate_retries.fetch_add(1, Relaxed);
        tracing::info!(key = %pending.key, attempt = pending.attempt, delay_ms = delay.as_millis() as u64, "sforce.batch: DUPLICATE_VALUE on the upsert's own key (a competing insert committed); retrying this record");
        let batcher = Arc::clone(self);
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            batcher.enqueue(pending);
        });
    }
}

/// Leaves the lane if a flusher stops without doing so (its task dropped or panicked), and
/// hands what still waits to a new flusher.
struct FlusherGuard {
    batcher: Arc<Batcher>,
    lane_key: LaneKey,
    finished: bool,
}

impl Drop for FlusherGuard {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let restart = {
            let mut lanes = self.batcher.lock();
            let Some(lane) = lanes.get_mut(&self.lane_key) else {
                return;
            };
            lane.flushers -= 1;
            if lane.flushers == 0 && lane.waiting.is_empty() {
                lanes.remove(&self.lane_key);
                false
            } else if lane.flushers == 0 {
                lane.flushers = 1;
                true
            } else {
                false
            }
        };
        if restart && tokio::runtime::Handle::try_current().is_ok() {
            tokio::spawn(Arc::clone(&self.batcher).flush(self.lane_key.clone()));
        }
    }
}
