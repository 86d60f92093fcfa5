//! The request pipeline: the ONE entry point every request of a client goes through.
//!
//! [`Client::execute`] (and [`Client::execute_ok`], which also turns an error status into the
//! typed [`Error`]) is what every operation calls, with a [`Call`] describing the request and
//! whether it may be sent again ([`Call::resend`]). For each attempt, in order:
//!
//! 1. **Limit** ([`limit`]): wait, first come first served, for one of the client's
//!    [`max_in_flight`](super::ClientBuilder::max_in_flight) permits (shared by clones; the
//!    connection pool is sized to the same number). A request keeps its permit through its
//!    retries' backoff, so a retry is never queued again behind newer work, and a response
//!    whose body is read as it downloads (a Bulk API result file) keeps it until that body
//!    is read or dropped, since its connection is busy until then.
//! 2. **Session**: attach the cached bearer token; on 401 `INVALID_SESSION_ID` with a
//!    refreshable provider, refresh once (shared by concurrent rejections) and resend. A 401
//!    that survives is final: retrying is the session's business, not the retry policy's.
//! 3. **Send** under the per-request [`timeout`](super::ClientBuilder::timeout), with
//!    `Sforce-Limit-Info` tracking and a `sforce.request` tracing span.
//! 4. **Classify** ([`classify`]): success and permanent errors are returned; transient ones
//!    (`UNABLE_TO_LOCK_ROW`, 502/503/504, a concurrency `REQUEST_LIMIT_EXCEEDED` or 429,
//!    connection failures, timeouts, and for upserts a `DUPLICATE_VALUE` on their own key)
//!    are retried only if the call may be resent.
//! 5. **Policy** ([`RetryPolicy`]): attempts, jittered exponential backoff (or the server's
//!    `Retry-After`), total-time bound.
//! 6. **Budget** ([`RetryBudget`]): a token bucket shared by the client; an empty bucket
//!    returns the error at once.
//!
//! Every retry is counted in [`RequestStats`] and logged at INFO (`sforce.retry`, with the
//! reason, attempt, delay and path); a retry bound reached is logged at WARN.
//!
//! Callers that must wait for leave to send BEFORE they decide what to send (the write
//! executor: writes that arrive while it waits are merged into the request) take a permit
//! from the client's limiter first and hand it to [`Client::execute_admitted`].

mod budget;
mod classify;
mod limit;
mod policy;
mod stats;

use std::sync::Arc;
use std::time::{Duration, Instant};

pub use budget::RetryBudget;
pub use classify::RetryReason;
pub use limit::DEFAULT_MAX_IN_FLIGHT;
pub use policy::RetryPolicy;
pub use stats::RequestStats;

pub(crate) use classify::{Resend, parse_retry_after};
pub(crate) use limit::{Limiter, Permit};

use super::Client;
use super::path::check_path_len;
use super::request::{Call, Response};
use crate::error::Result;
use budget::Bucket;
use classify::{Verdict, classify};
use stats::Counters;

/// The pipeline state of one client, shared by its clones.
#[derive(Debug)]
pub(crate) struct Pipeline {
    limiter: Arc<Limiter>,
    policy: RetryPolicy,
    budget: Bucket,
    counters: Counters,
}

impl Pipeline {
    pub(crate) fn new(max_in_flight: usize, policy: RetryPolicy, budget: RetryBudget) -> Self {
        Pipeline {
            limiter: Arc::new(Limiter::new(max_in_flight)),
            policy,
            budget: Bucket::new(budget),
            counters: Counters::default(),
        }
    }

    pub(crate) fn limit(&self) -> usize {
        self.limiter.limit()
    }

    /// The limiter, for callers that take permits themselves (the write executor).
    pub(crate) fn limiter(&self) -> Arc<Limiter> {
        Arc::clone(&self.limiter)
    }

    pub(crate) fn counters(&self) -> &Counters {
        &self.counters
    }
}

impl Client {
    /// Sends `call` through the pipeline (limit, session, timeout, retry) and returns the last
    /// attempt's response whatever its status, or the error of an attempt that got none.
    /// [`Response::attempts`] says how many requests were sent.
    pub(crate) async fn execute(&self, call: &Call) -> Result<Response> {
        self.execute_admitted(call, None).await
    }

    /// [`Client::execute`], then any non-2xx status as its typed error.
    pub(crate) async fn execute_ok(&self, call: &Call) -> Result<Response> {
        self.execute(call).await?.error_for_status()
    }

    /// [`Client::execute`] whose first attempt uses `permit`, already taken from the
    /// client's limiter (retries keep it).
    pub(crate) async fn execute_admitted(
        &self,
        call: &Call,
        mut permit: Option<Permit>,
    ) -> Result<Response> {
        let query_bytes = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&call.query)
            .finish()
            .len();
        check_path_len(call.path.len() + query_bytes)?;
        let pipeline = &self.inner.pipeline;
        let started = Instant::now();
        let mut attempt = 0u32;
        let mut last_retry_cost = None;
        loop {
            attempt += 1;
            let held = match permit.take() {
                Some(permit) => permit,
                None => pipeline.limiter.acquire().await,
            };
            let outcome = self.attempt(call).await;
            let verdict = classify(&call.resend, pipeline.policy.retries_creates(), &outcome);
            let Verdict::Retry { reason, after } = verdict else {
                if let Ok(response) = &outcome {
                    if response.status.is_success() {
                        pipeline.budget.on_success(last_retry_cost);
                    }
                    // A body still downloading keeps its connection busy, so its permit.
                    response.hold_until_read(held);
                }
                return with_attempts(outcome, attempt);
            };
            let Some((delay, cost)) =
                self.may_retry(reason, after, attempt, started.elapsed(), &call.path)
            else {
                return with_attempts(outcome, attempt);
            };
            last_retry_cost = Some(cost);
            // The retry keeps its permit through the backoff. Queued again behind a flood of
            // fresh requests, it would wait far longer than its backoff, holding its budget
            // tokens, and the delayed retries would all arrive at once and drain the bucket
            // (fault_soak `faults-single`: 3,000+ errors at an 18% fault rate that way).
            tokio::time::sleep(delay).await;
            permit = Some(held);
        }
    }

    /// Whether a failure of `reason` at attempt `attempt` (1-based), `elapsed` after the first
    /// one started, is retried: the policy's attempts and total time, then the budget. Counts
    /// and logs the decision. Returns the delay before the next attempt (the server's
    /// `after`, else the policy's backoff) and the tokens the retry took. Also used by the
    /// batcher, whose per-record `DUPLICATE_VALUE` retries are not the pipeline's own.
    pub(crate) fn may_retry(
        &self,
        reason: RetryReason,
        after: Option<Duration>,
        attempt: u32,
        elapsed: Duration,
        path: &str,
    ) -> Option<(Duration, u32)> {
        let pipeline = &self.inner.pipeline;
        let delay = after.unwrap_or_else(|| pipeline.policy.delay(attempt));
        if attempt >= pipeline.policy.get_max_attempts()
            || elapsed + delay > pipeline.policy.get_max_elapsed()
        {
            pipeline.counters.gave_up(reason, false);
            tracing::warn!(
                reason = reason.as_str(),
                attempts = attempt,
                elapsed_ms = millis(elapsed),
                %path,
                "sforce.retry: retry bound reached; returning the error"
            );
            return None;
        }
        let Some(cost) = pipeline.budget.withdraw(reason.is_costly()) else {
            pipeline.counters.gave_up(reason, true);
            tracing::warn!(
                reason = reason.as_str(),
                attempts = attempt,
                %path,
                "sforce.retry: retry budget exhausted; returning the error"
            );
            return None;
        };
        pipeline.counters.retried(reason);
        tracing::info!(
            reason = reason.as_str(),
            attempt,
            delay_ms = millis(delay),
            retry_after = after.is_some(),
            %path,
            "sforce.retry: retrying"
        );
        Some((delay, cost))
    }

    /// A retried write succeeded: its last retry's tokens go back to the budget.
    pub(crate) fn refund_retry(&self, cost: u32) {
        self.inner.pipeline.budget.on_success(Some(cost));
    }

    /// Counters and gauges of this client's request pipeline (shared by its clones).
    pub fn request_stats(&self) -> RequestStats {
        let pipeline = &self.inner.pipeline;
        let (in_flight, max_in_flight, waiting, waited) = pipeline.limiter.gauges();
        RequestStats {
            budget_available: pipeline.budget.available(),
            max_in_flight_limit: pipeline.limit(),
            in_flight,
            max_in_flight,
            waiting,
            waited,
            ..pipeline.counters.snapshot()
        }
    }

    /// The retry policy of this client.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.pipeline.policy
    }
}

fn with_attempts(outcome: Result<Response>, attempts: u32) -> Result<Response> {
    outcome.map(|mut response| {
        response.attempts = attempts;
        response
    })
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
