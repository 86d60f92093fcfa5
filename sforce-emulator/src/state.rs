//! The emulator's shared state, handed to every handler.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::failure::Failures;
use crate::ids::IdGenerator;
use crate::observe::{Concurrency, InFlight, RequestLog};
use crate::schema::Schema;
use crate::store::Store;
use crate::tokens::Tokens;

/// Oldest API version served (`v20.0`).
pub(crate) const MIN_API_VERSION: u32 = 20;

/// Everything the handlers share. Locks inside are held for map operations only.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) schema: Schema,
    pub(crate) store: Store,
    pub(crate) ids: IdGenerator,
    pub(crate) tokens: Tokens,
    pub(crate) log: RequestLog,
    pub(crate) in_flight: InFlight,
    /// Requests of any kind being handled at once.
    pub(crate) concurrency: Concurrency,
    pub(crate) failures: Failures,
    /// Inserts armed to race the next upsert of their key (`crate::competing`).
    pub(crate) competing: crate::competing::Competing,
    /// Open SOQL query cursors (`nextRecordsUrl`).
    pub(crate) cursors: crate::soql::cursor::Cursors,
    /// Next values of auto-number fields.
    pub(crate) auto_numbers: crate::fill::AutoNumbers,
    /// Bulk API 2.0 jobs (`crate::bulk`).
    pub(crate) bulk: crate::bulk::BulkJobs,
    /// The OAuth token endpoint (issue 6, `crate::oauth`).
    pub(crate) oauth: crate::oauth::OAuthState,
    /// Newest API version served (major number, e.g. 62 for `v62.0`).
    pub(crate) max_api_version: u32,
    /// The daily API request limit reported in `Sforce-Limit-Info` and `/limits`.
    pub(crate) api_limit: u64,
    pub(crate) api_usage: AtomicU64,
    commit_latency_nanos: AtomicU64,
    /// Largest request body accepted (checked after the token).
    pub(crate) max_body_bytes: usize,
    /// Longest body text kept per logged request.
    pub(crate) max_logged_body: usize,
    /// Each request first waits a random time up to this (0: none).
    pub(crate) latency_jitter_nanos: AtomicU64,
}

/// The state as handlers receive it.
pub(crate) type Shared = Arc<State>;

impl State {
    pub(crate) fn new(
        schema: Schema,
        commit_latency: Duration,
        max_api_version: u32,
        api_limit: u64,
    ) -> Self {
        let state = State {
            schema,
            store: Store::default(),
            ids: IdGenerator::default(),
            tokens: Tokens::default(),
            log: RequestLog::default(),
            in_flight: InFlight::default(),
            concurrency: Concurrency::default(),
            failures: Failures::default(),
            competing: Default::default(),
            cursors: Default::default(),
            auto_numbers: Default::default(),
            bulk: Default::default(),
            oauth: Default::default(),
            max_api_version,
            api_limit,
            api_usage: AtomicU64::new(0),
            commit_latency_nanos: AtomicU64::new(0),
            max_body_bytes: crate::intake::DEFAULT_MAX_BODY_BYTES,
            max_logged_body: crate::intake::DEFAULT_MAX_LOGGED_BODY,
            latency_jitter_nanos: AtomicU64::new(0),
        };
        state.set_commit_latency(commit_latency);
        state
    }

    /// The time between an upsert's lookup and its commit.
    pub(crate) fn commit_latency(&self) -> Duration {
        Duration::from_nanos(self.commit_latency_nanos.load(Ordering::Relaxed))
    }

    pub(crate) fn set_commit_latency(&self, latency: Duration) {
        let nanos = u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX);
        self.commit_latency_nanos.store(nanos, Ordering::Relaxed);
    }
}
