//! Automatic batching of [`Client::upsert`]: ready writes of one (sObject, external-ID field)
//! go out together as one collection upsert (`PATCH /composite/sobjects/{S}/{field}`).
//!
//! The write executor still runs one driver per record (key). Under batching, a driver's
//! leave to send ([`Operation::admit`](crate::executor::Operation::admit)) is a [`Seat`] in
//! the next batch of its lane (one lane per (sObject, field)); the driver drains and merges its
//! key's waiting writes only once it has the seat, so writes to a record keep merging while
//! the record waits for its batch, exactly as they do while a request waits for the client's
//! limit on requests in flight.
//!
//! Group commit: the first seat asked for in an idle lane starts a flusher. The flusher lets
//! the tasks that are already runnable ask for their seats (a bounded number of
//! `yield_now`s, no timer unless [`BatchPolicy::linger`] is set), grants up to
//! [`BatchPolicy::max_records`] seats, waits for their records, and sends them. Seats asked
//! for while that request is in flight are granted in the next batch. When a full batch is
//! waiting, another flusher starts (at most a few per lane; the client's limit on requests in
//! flight applies on top).
//!
//! What each caller is told does not change (rule 9 of the executor contract):
//! - a lone write (nothing else ready) is the single-record upsert, as without batching;
//! - each record's result goes to the driver of that record, a record-level error only to it
//!   (as `Error::Api` with status 400, like a single-record rejection), a request-level
//!   failure to every record of the request;
//! - a record-level `DUPLICATE_VALUE` on the upsert's own field (another process inserted the
//!   key during the commit window) is retried for that record only, in a later batch, under
//!   the client's retry policy and retry budget, and counted in
//!   [`Client::request_stats`] as [`RetryReason::DuplicateKey`](super::RetryReason).
//!
//! Update-only upserts (collections have no `updateOnly`) and clients below API 46.0 (no
//! collection upsert) are never batched.

mod lane;
mod policy;
mod send;

pub use policy::BatchPolicy;

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use reqwest::Method;
use serde_json::{Map, Value};
use tokio::sync::{mpsc, oneshot};

use super::collections::{Encoded, encode, folded, upsert_record};
use super::{Client, UpsertKey, UpsertOutcome};
use crate::error::{Error, RequestContext, Result};
use crate::executor::ExecutorFailure;
use lane::Lane;

/// One record waiting in a lane or riding in a batch.
struct Pending {
    client: Client,
    key: UpsertKey,
    body: Map<String, Value>,
    record: Encoded,
    reply: oneshot::Sender<Result<UpsertOutcome>>,
    /// Requests that carried this write so far.
    attempt: u32,
    started: Instant,
    /// Tokens the last race retry took from the budget (given back if it succeeds).
    retry_cost: Option<u32>,
}

/// (sObject, field), both ASCII-lowercased.
type LaneKey = (String, String);

/// Where a filled seat's record goes: the flusher that granted it.
type Filler = mpsc::UnboundedSender<Option<Pending>>;

/// A driver's leave to put its record in the next batch of its lane. Filled with the record
/// ([`Batcher::upsert`]), or dropped unfilled (the flusher then stops waiting for it).
pub(crate) struct Seat {
    batcher: Arc<Batcher>,
    filler: Option<Filler>,
}

impl Drop for Seat {
    fn drop(&mut self) {
        if let Some(filler) = self.filler.take() {
            let _ = filler.send(None);
        }
    }
}

/// Counters of the batcher (see [`WriteStats`](super::WriteStats)).
#[derive(Debug, Default)]
pub(crate) struct BatchCounters {
    pub(crate) collection_requests: AtomicU64,
    pub(crate) batched_writes: AtomicU64,
    pub(crate) lone_requests: AtomicU64,
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

    /// Waits for a seat in the next batch of the (sObject, field) lane.
    pub(crate) async fn seat(self: &Arc<Self>, sobject: &str, field: &str) -> Seat {
        let (grant, granted) = oneshot::channel();
        self.arrive(lane_key(sobject, field), |lane| lane.seats.push_back(grant));
        granted.await.unwrap_or_else(|_| Seat {
            // The lane dropped the request unanswered (runtime shutdown): a seatless record
            // waits in the lane for any flusher.
            batcher: Arc::clone(self),
            filler: None,
        })
    }

    /// Fills `seat` with one record's (merged) write; resolves with that record's outcome.
    pub(crate) async fn upsert(
        mut seat: Seat,
        client: Client,
        key: UpsertKey,
        body: Map<String, Value>,
    ) -> Result<UpsertOutcome> {
        let record = encode(&upsert_record(&key, &body)?, Some(folded(&key)))?;
        let (reply, receiver) = oneshot::channel();
        let pending = Pending {
            client,
            key,
            body,
            record,
            reply,
            attempt: 0,
            started: Instant::now(),
            retry_cost: None,
        };
        let filled = match seat.filler.take() {
            Some(filler) => filler.send(Some(pending)).map_err(|e| e.0),
            None => Err(Some(pending)),
        };
        if let Err(Some(pending)) = filled {
            // The flusher that granted the seat is gone: wait in the lane for the next one.
            seat.batcher.enqueue_ready(pending);
        }
        match receiver.await {
            Ok(result) => result,
            // A flusher never drops a reply unanswered unless its task was dropped (runtime
            // shutdown) or panicked.
            Err(_) => Err(Error::executor(
                RequestContext::new(Method::PATCH, "composite/sobjects"),
                ExecutorFailure::Abandoned,
            )),
        }
    }
}

fn lane_key(sobject: &str, field: &str) -> LaneKey {
    (sobject.to_ascii_lowercase(), field.to_ascii_lowercase())
}
