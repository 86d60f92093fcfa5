//! Counters of the request pipeline and their public snapshot, [`RequestStats`].

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use super::RetryReason;

const REASONS: usize = RetryReason::ALL.len();

/// A snapshot of a client's request pipeline (shared by its clones); see
/// [`Client::request_stats`](crate::client::Client::request_stats). Counters only grow; the
/// gauges (`in_flight`, `waiting`) are current values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestStats {
    /// HTTP requests sent (every attempt, retries and session-refresh resends included).
    pub requests_sent: u64,
    /// Attempts retried (the sum over [`RequestStats::retries_for`]).
    pub retries: u64,
    /// Requests whose last attempt failed with a retryable error but were not retried again
    /// because the policy's attempts or time ran out (the error was returned).
    pub retries_exhausted: u64,
    /// Retryable failures returned because the retry budget was empty.
    pub budget_refusals: u64,
    /// Tokens left in the retry budget.
    pub budget_available: u32,
    /// The configured limit on requests in flight.
    pub max_in_flight_limit: usize,
    /// Requests in flight now.
    pub in_flight: usize,
    /// The most requests ever in flight at once (never above the limit).
    pub max_in_flight: usize,
    /// Requests waiting for leave to be sent now.
    pub waiting: usize,
    /// Requests that had to wait for leave to be sent.
    pub waited: u64,
    pub(super) retries_by_reason: [u64; REASONS],
    pub(super) exhausted_by_reason: [u64; REASONS],
}

impl RequestStats {
    /// Attempts retried for `reason`.
    pub fn retries_for(&self, reason: RetryReason) -> u64 {
        self.retries_by_reason[reason.index()]
    }

    /// Errors returned for `reason` after the policy or the budget stopped retrying.
    pub fn exhausted_for(&self, reason: RetryReason) -> u64 {
        self.exhausted_by_reason[reason.index()]
    }
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    requests_sent: AtomicU64,
    retries: [AtomicU64; REASONS],
    exhausted: [AtomicU64; REASONS],
    retries_exhausted: AtomicU64,
    budget_refusals: AtomicU64,
}

impl Counters {
    pub(crate) fn sent(&self) {
        self.requests_sent.fetch_add(1, Relaxed);
    }

    pub(crate) fn retried(&self, reason: RetryReason) {
        self.retries[reason.index()].fetch_add(1, Relaxed);
    }

    pub(crate) fn gave_up(&self, reason: RetryReason, budget: bool) {
        self.exhausted[reason.index()].fetch_add(1, Relaxed);
        let counter = if budget {
            &self.budget_refusals
        } else {
            &self.retries_exhausted
        };
        counter.fetch_add(1, Relaxed);
    }

    pub(crate) fn snapshot(&self) -> RequestStats {
        let load = |counters: &[AtomicU64; REASONS]| counters.each_ref().map(|c| c.load(Relaxed));
        let retries_by_reason = load(&self.retries);
        RequestStats {
            requests_sent: self.requests_sent.load(Relaxed),
            retries: retries_by_reason.iter().sum(),
            retries_exhausted: self.retries_exhausted.load(Relaxed),
            budget_refusals: self.budget_refusals.load(Relaxed),
            retries_by_reason,
            exhausted_by_reason: load(&self.exhausted),
            ..RequestStats::default()
        }
    }
}
