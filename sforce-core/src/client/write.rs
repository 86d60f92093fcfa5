//! Upserts through the keyed single-flight write executor.
//!
//! Every [`Client::upsert`] is submitted to one [`Executor`] per client (shared by its clones),
//! keyed by (sObject, external-ID field, value normalized as [`UpsertKey`] describes):
//!
//! - one client never has two upsert requests for one record in flight;
//! - writes arriving while a request for their record is in flight, or while it waits for
//!   leave to be sent (the client's limit on requests in flight), wait, and are merged field
//!   by field (later wins, explicit null kept) into ONE request
//!   ([`WritePolicy::serialize`] sends each alone instead, in order); the merged request
//!   carries the FIRST waiting write's key spelling;
//! - every caller gets the outcome of the request that carried its fields
//!   ([`UpsertOutcome::merged_writes`]); a merged request rejected for its content (HTTP 400
//!   validation/field errors) is replayed write by write so only the culprit gets the error;
//! - retries (including a `DUPLICATE_VALUE` on the upsert's own external-ID field, a
//!   cross-process race) are the request pipeline's, with the client's
//!   [`RetryPolicy`](super::RetryPolicy) and retry budget.
//!
//! [`Client::upsert_raw`] remains the path without executor and without retry.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use futures::FutureExt as _;

use reqwest::Method;
use serde_json::{Map, Value};

use super::batch::{BatchPolicy, Batcher, Returning, Seat};
use super::collections::COLLECTION_UPSERT_SINCE;
use super::path::{check_name, encode_segment};
use super::pipeline::{Limiter, Permit, Resend, RetryReason};
use super::upsert::upsert_body;
use super::{Client, UpsertKey, UpsertOutcome};
use crate::error::{Error, RequestContext, Result};
use crate::executor::{
    DEFAULT_MAX_MERGED_WRITES, Executor, ExecutorFailure, Merge, Operation, Policy, Reply,
    Submitted,
};

/// How a client's upserts go through its write executor: merging policy and the cap on writes
/// merged into one request. Set with
/// [`ClientBuilder::write_policy`](super::ClientBuilder::write_policy); retries are the
/// client's [`RetryPolicy`](super::RetryPolicy).
///
/// ```
/// use sforce_core::client::{Client, WritePolicy};
/// let policy = WritePolicy::new().max_merged_writes(50);
/// let client = Client::builder()
///     .instance_url("https://example.my.salesforce.com")
///     .access_token("token")
///     .write_policy(policy)
///     .build()
///     .unwrap();
/// assert_eq!(client.write_policy().get_max_merged_writes(), 50);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct WritePolicy {
    coalescing: Policy,
    max_merged_writes: usize,
    batching: BatchPolicy,
}

impl Default for WritePolicy {
    /// Merge waiting writes, at most
    /// [`DEFAULT_MAX_MERGED_WRITES`](crate::executor::DEFAULT_MAX_MERGED_WRITES) into one
    /// request.
    fn default() -> Self {
        WritePolicy {
            coalescing: Policy::Merge,
            max_merged_writes: DEFAULT_MAX_MERGED_WRITES,
            batching: BatchPolicy::default(),
        }
    }
}

impl WritePolicy {
    /// The default policy (see [`WritePolicy::default`]).
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

    /// At most this many writes are merged into one request (at least 1); later ones wait for
    /// the next request, still in order. Bounds the work of replaying a merged request that
    /// was rejected for its content.
    pub fn max_merged_writes(mut self, writes: usize) -> Self {
        self.max_merged_writes = writes.max(1);
        self
    }

    /// The merging policy.
    pub fn coalescing(&self) -> Policy {
        self.coalescing
    }

    /// The cap on writes merged into one request.
    pub fn get_max_merged_writes(&self) -> usize {
        self.max_merged_writes
    }

    /// How ready writes of one (sObject, external-ID field) are grouped into collection
    /// upserts (default: [`BatchPolicy::new`], on; [`BatchPolicy::disabled`] turns it off).
    pub fn batching(mut self, batching: BatchPolicy) -> Self {
        self.batching = batching;
        self
    }

    /// The batching policy.
    pub fn get_batching(&self) -> &BatchPolicy {
        &self.batching
    }
}

/// Counters of a client's upserts through the executor (shared by its clones); see
/// [`Client::write_stats`]. Counters only grow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WriteStats {
    /// Calls to [`Client::upsert`] accepted by the executor.
    pub writes_submitted: u64,
    /// Upsert operations the executor ran (one per merged request, replays included); each
    /// may have sent several HTTP requests (see [`Client::request_stats`]).
    pub requests_sent: u64,
    /// Requests saved by merging: writes that rode in another write's request.
    pub writes_merged: u64,
    /// `DUPLICATE_VALUE` races on the own external-ID field retried (client-wide).
    pub duplicate_retries: u64,
    /// Races still failing when the retry bound was reached (returned as errors).
    pub retries_exhausted: u64,
    /// Merged requests rejected for their content and replayed write by write.
    pub replays: u64,
    /// Writes resent alone during replays.
    pub replayed_writes: u64,
    /// Upserts (merged or not) that ended in an error.
    pub failed_upserts: u64,
    /// Panics caught in the executor (user `Merge` code, the operation).
    pub panics: u64,
    /// Collection upsert requests sent by automatic batching (see [`BatchPolicy`]).
    pub collection_requests: u64,
    /// Writes carried by those collection requests (record retries included).
    pub batched_writes: u64,
    /// Writes the batcher sent alone as single-record upserts (nothing else was ready).
    pub lone_requests: u64,
}

/// The executor of one client.
pub(super) struct Writes {
    executor: Executor<UpsertOperation>,
    policy: WritePolicy,
}

impl Writes {
    pub(super) fn new(policy: &WritePolicy, api_version: &str, limiter: Arc<Limiter>) -> Self {
        let op = UpsertOperation {
            api_version: api_version.to_owned(),
            limiter,
            batcher: (policy.batching.is_enabled()
                && major_version(api_version) >= COLLECTION_UPSERT_SINCE)
                .then(|| Arc::new(Batcher::new(policy.batching.clone()))),
        };
        Writes {
            executor: Executor::with_max_merged(op, policy.coalescing, policy.max_merged_writes),
            policy: policy.clone(),
        }
    }
}

/// The executor's key: every key that MAY name this record (see
/// [`UpsertKey::conservative_value`]): API names case-folded, numbers canonical, text
/// case-folded even for a field declared case-sensitive. Writes of one such class never have
/// two requests in flight; only writes naming the same record under the declared rules are
/// merged ([`UpsertWrite::can_merge`]).
///
/// It also keeps, between two operations of its runner, the batcher's token of the last
/// answer ([`Returning`]), handed to the next seat or dropped when the key goes idle. One
/// runner shares one `Arc<RecordKey>` with every write it carries, so the slot is that
/// runner's alone.
#[derive(Debug)]
struct RecordKey {
    sobject: String,
    field: String,
    value: String,
    returning: Mutex<Option<Returning>>,
}

impl RecordKey {
    fn of(key: &UpsertKey) -> Self {
        RecordKey {
            sobject: key.sobject().to_ascii_lowercase(),
            field: key.field().to_ascii_lowercase(),
            value: key.conservative_value(),
            returning: Mutex::new(None),
        }
    }

    fn identity(&self) -> (&str, &str, &str) {
        (&self.sobject, &self.field, &self.value)
    }

    fn returning(&self) -> MutexGuard<'_, Option<Returning>> {
        self.returning
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl PartialEq for RecordKey {
    fn eq(&self, other: &Self) -> bool {
        self.identity() == other.identity()
    }
}

impl Eq for RecordKey {}

impl std::hash::Hash for RecordKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.identity().hash(state);
    }
}

/// One write: the body, the key as the caller gave it, and the client that sends it (a strong
/// reference while the write is pending, so the client outlives its accepted writes).
#[derive(Clone)]
struct UpsertWrite {
    client: Client,
    key: UpsertKey,
    body: WriteBody,
}

/// A write's fields. A waiting write keeps them as JSON text: a flood of writes waiting for
/// their turn then holds about 50 bytes per two-field body instead of about 400 for a map
/// (with serde_json's `preserve_order`, an `IndexMap` and its index). Merging and sending
/// open it once. Both forms are boxed, so a waiting write's queue slot stays small too.
///
/// The text reads back exactly: serde_json's `float_roundtrip` is on (without it, 30% of
/// random 64-bit patterns read back one unit in the last place off), and a body nested deeper
/// than serde_json's parser accepts stays a map.
#[derive(Clone)]
enum WriteBody {
    Text(Box<str>),
    Fields(Box<Map<String, Value>>),
}

impl WriteBody {
    fn pack(fields: Map<String, Value>) -> Self {
        if fields
            .values()
            .any(|value| nested_deeper_than(value, MAX_PACKED_NESTING))
        {
            return WriteBody::Fields(Box::new(fields));
        }
        // A map of JSON values always serializes.
        let text = serde_json::to_string(&fields).expect("a JSON object serializes");
        WriteBody::Text(text.into_boxed_str())
    }

    /// The fields, opened in place (once) for merging into.
    fn fields_mut(&mut self) -> &mut Map<String, Value> {
        if let WriteBody::Text(_) = self {
            let text = std::mem::replace(self, WriteBody::Fields(Box::default()));
            *self = WriteBody::Fields(Box::new(text.into_fields()));
        }
        match self {
            WriteBody::Fields(fields) => fields,
            WriteBody::Text(_) => unreachable!("opened above"),
        }
    }

    fn into_fields(self) -> Map<String, Value> {
        match self {
            WriteBody::Text(text) => {
                serde_json::from_str(&text).expect("a packed body is the text of a JSON object")
            }
            WriteBody::Fields(fields) => *fields,
        }
    }
}

/// Deepest field value kept as text: well below serde_json's parser limit of 128 levels.
const MAX_PACKED_NESTING: usize = 64;

/// Whether `value` nests arrays or objects more than `levels` deep (stops looking there).
fn nested_deeper_than(value: &Value, levels: usize) -> bool {
    let deeper = |child: &Value| levels == 0 || nested_deeper_than(child, levels - 1);
    match value {
        Value::Array(items) => items.iter().any(deeper),
        Value::Object(fields) => fields.values().any(deeper),
        _ => false,
    }
}

impl Merge for UpsertWrite {
    /// Fields merge later-wins; the key stays the FIRST write's, as sending the writes one
    /// after the other would create the record with the first spelling.
    fn merge(&mut self, later: Self) {
        self.body.fields_mut().merge(later.body.into_fields());
    }

    /// Only writes naming the same record under the declared rules, with the same update-only
    /// flag (their effect on a missing record differs), are merged; another waits for the
    /// next request.
    fn can_merge(&self, later: &Self) -> bool {
        self.key.is_update_only() == later.key.is_update_only() && self.key.same_record(&later.key)
    }
}

/// An upsert's leave to send (see [`UpsertOperation::admit`]).
enum Leave {
    Seat(Seat),
    Permit(Permit),
}

/// One upsert request through the pipeline, with a `DUPLICATE_VALUE` on its own key retried.
struct UpsertOperation {
    /// For the path in errors the executor itself produces.
    api_version: String,
    /// The client's limit on requests in flight.
    limiter: Arc<Limiter>,
    /// Groups ready writes into collection upserts (`batch.rs`); `None` when batching is off
    /// or the API version has no collection upsert.
    batcher: Option<Arc<Batcher>>,
}

impl Operation for UpsertOperation {
    type Key = Arc<RecordKey>;
    type Write = UpsertWrite;
    type Output = UpsertOutcome;
    type Error = Error;
    type Admission = Leave;

    /// Taken before the executor drains the key's waiting writes, so writes keep merging
    /// while the record waits: a seat in the next batch of its lane under batching (the
    /// collection request takes the client's permit), else a permit of the client's limit on
    /// requests in flight.
    async fn admit(&self, key: &Arc<RecordKey>) -> Leave {
        match &self.batcher {
            Some(batcher) => {
                let returning = key.returning().take();
                Leave::Seat(batcher.seat(&key.sobject, &key.field, returning).await)
            }
            None => Leave::Permit(self.limiter.acquire().await),
        }
    }

    async fn run(
        &self,
        key: &Arc<RecordKey>,
        write: UpsertWrite,
        leave: Leave,
    ) -> Result<UpsertOutcome> {
        let body = write.body.into_fields();
        let permit = match leave {
            Leave::Seat(seat) if !write.key.is_update_only() => {
                let (result, returning) =
                    Batcher::upsert(seat, write.client, write.key, body).await;
                *key.returning() = returning;
                return result;
            }
            // An update-only write gives its seat back and takes a permit when it sends.
            Leave::Seat(_) => None,
            Leave::Permit(permit) => Some(permit),
        };
        let resend = Resend::Upsert {
            field: write.key.field().to_owned(),
        };
        write
            .client
            .send_upsert(&write.key, body, resend, permit)
            .await
    }

    /// 400 validation/field errors, except a `DUPLICATE_VALUE` on the key's own field (a race,
    /// not the content).
    fn is_content_rejection(&self, key: &Arc<RecordKey>, error: &Error) -> bool {
        error.is_content_rejection() && !error.is_duplicate_on_field(&key.field)
    }

    /// The key's runner stops: it asks for no further seat.
    fn idle(&self, key: &Arc<RecordKey>) {
        drop(key.returning().take());
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
        let write = body.and_then(|body| {
            check_name("sObject", key.sobject())?;
            check_name("field", key.field())?;
            encode_segment(key.value())?;
            Ok(UpsertWrite {
                client: self.clone(),
                key: key.clone(),
                body: WriteBody::pack(upsert_body(key, body)?),
            })
        });
        // The caller holds this future for as long as its write waits: a `Submitted` (a few
        // words) and a function pointer, never the write itself.
        let submitted = match write {
            Ok(write) => {
                let record = Arc::new(RecordKey::of(key));
                self.inner.writes.executor.submit(record, write)
            }
            Err(error) => Submitted::ready(Err(error)),
        };
        submitted.map(into_outcome as fn(Reply<UpsertOperation>) -> Result<UpsertOutcome>)
    }

    /// Counters of this client's upserts through the write executor (shared by its clones).
    pub fn write_stats(&self) -> WriteStats {
        let executor = self.inner.writes.executor.stats();
        let requests = self.request_stats();
        let batch = self.batch_stats();
        WriteStats {
            writes_submitted: executor.writes_submitted,
            requests_sent: executor.operations,
            writes_merged: executor.writes_merged,
            duplicate_retries: requests.retries_for(RetryReason::DuplicateKey),
            retries_exhausted: requests.exhausted_for(RetryReason::DuplicateKey),
            replays: executor.replays,
            replayed_writes: executor.replayed_writes,
            failed_upserts: executor.failed_operations,
            panics: executor.panics,
            ..batch
        }
    }

    /// Number of records with upserts in flight or waiting in this client's executor (0 once
    /// every accepted upsert has completed: the count drops before the last caller is answered).
    pub fn writes_in_flight(&self) -> usize {
        self.inner.writes.executor.in_flight_keys()
    }

    /// The merging policy of this client's write executor.
    pub fn write_coalescing(&self) -> Policy {
        self.inner.writes.executor.policy()
    }

    /// The write policy this client was built with.
    pub fn write_policy(&self) -> &WritePolicy {
        &self.inner.writes.policy
    }
}

/// A caller's outcome: the request's, with how many writes it carried.
fn into_outcome(reply: Reply<UpsertOperation>) -> Result<UpsertOutcome> {
    let completion = reply?;
    let merged_writes = completion.merged_writes();
    let mut outcome = completion.into_output();
    outcome.merged_writes = merged_writes;
    Ok(outcome)
}

/// The major number of an API version text (`"62.0"` → 62).
fn major_version(api_version: &str) -> u32 {
    api_version
        .split('.')
        .next()
        .and_then(|major| major.parse().ok())
        .unwrap_or(0)
}

impl Client {
    /// The batcher's share of [`WriteStats`] (zero without batching); its race retries are
    /// counted by the pipeline.
    fn batch_stats(&self) -> WriteStats {
        let Some(batcher) = &self.inner.writes.executor.operation().batcher else {
            return WriteStats::default();
        };
        let c = &batcher.counters;
        let load = |n: &std::sync::atomic::AtomicU64| n.load(std::sync::atomic::Ordering::Relaxed);
        WriteStats {
            collection_requests: load(&c.collection_requests),
            batched_writes: load(&c.batched_writes),
            lone_requests: load(&c.lone_requests),
            ..WriteStats::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(body: Value) -> UpsertWrite {
        let client = Client::builder()
            .instance_url("https://example.my.salesforce.com")
            .access_token("token")
            .build()
            .unwrap();
        UpsertWrite {
            client,
            key: UpsertKey::new("Task", "uuid__c", "k"),
            body: WriteBody::pack(body.as_object().unwrap().clone()),
        }
    }

    #[test]
    fn packed_bodies_merge_later_wins_null_kept_order_first_seen() {
        let mut first = write(serde_json::json!({"Z": 1, "A": "x", "N": 2.5}));
        first.merge(write(serde_json::json!({"M": true, "Z": null})));
        first.merge(write(serde_json::json!({"A": "é/% ✓"})));
        let merged = first.body.into_fields();
        assert_eq!(
            Value::Object(merged.clone()),
            serde_json::json!({"Z": null, "A": "é/% ✓", "N": 2.5, "M": true})
        );
        assert!(merged.keys().eq(["Z", "A", "N", "M"]));
        assert!(merged["N"].is_f64());
    }

    #[test]
    fn packed_bodies_read_back_exactly() {
        // Doubles serde_json's default parser reads one unit in the last place off.
        let doubles: [f64; 4] = [
            -1.8218816927580057e294,
            -1.0729132283643165e-38,
            2.744938900923684e-298,
            0.1 + 0.2,
        ];
        for double in doubles {
            let fields = write(serde_json::json!({"D": double})).body.into_fields();
            assert_eq!(fields["D"].as_f64().unwrap().to_bits(), double.to_bits());
        }
        // Deeper than serde_json parses: kept as a map, read back as it was.
        let mut deep = serde_json::json!("leaf");
        for _ in 0..200 {
            deep = serde_json::json!([deep]);
        }
        let body = write(serde_json::json!({"Deep": deep.clone()})).body;
        assert!(matches!(body, WriteBody::Fields(_)));
        assert_eq!(body.into_fields()["Deep"], deep);
        assert!(!nested_deeper_than(
            &serde_json::json!({"a": [1, {"b": 2}]}),
            3
        ));
        assert!(nested_deeper_than(
            &serde_json::json!({"a": [1, {"b": [2]}]}),
            3
        ));
    }

    #[test]
    fn record_keys_fold_case_and_numbers() {
        let a = RecordKey::of(&UpsertKey::new("Task", "uuid__c", "AbC"));
        let b = RecordKey::of(&UpsertKey::new("task", "UUID__C", "abc"));
        assert_eq!(a, b);
        // A case-sensitive declaration still shares the class: the server may fold.
        let c = RecordKey::of(&UpsertKey::new("Task", "Code__c", "AbC").case_sensitive(true));
        let d = RecordKey::of(&UpsertKey::new("Task", "Code__c", "abc").case_sensitive(true));
        assert_eq!(c, d);
        let n = RecordKey::of(&UpsertKey::new("Account", "Num__c", "1000").number(true));
        let m = RecordKey::of(&UpsertKey::new("Account", "Num__c", "1000.0").number(true));
        assert_eq!(n, m);
    }
}
