//! [`RetryPolicy`]: how many attempts, how long to wait between them, and in total.

use std::time::Duration;

/// The retry policy of a client: attempts, jittered exponential backoff and a total-time bound.
/// Set with [`ClientBuilder::retry_policy`](crate::client::ClientBuilder::retry_policy).
///
/// Which failures are retried is decided by the pipeline's classifier (see
/// [`RetryReason`](super::RetryReason)), and only for requests that may be sent twice: reads,
/// upserts by external ID, updates and deletes by Id, queries. A create is retried only when
/// nothing can have been applied (the connection was refused), unless
/// [`retry_creates`](Self::retry_creates) opts in. Each retry also needs a token from the
/// client's [`RetryBudget`](super::RetryBudget).
///
/// The delay before retry `n` (1-based) is drawn uniformly from `[d/2, d]` with
/// `d = min(initial_backoff * 2^(n-1), max_backoff)`, or is the server's `Retry-After` when it
/// sent one. Retrying stops after `max_attempts` requests in total, or when the next delay
/// would end after `max_elapsed` from the first request; the last error is then returned.
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
    retry_creates: bool,
}

impl Default for RetryPolicy {
    /// 6 attempts, 50 ms initial backoff doubling up to 1 s, 10 s in total, creates not retried.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            initial_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_secs(1),
            max_elapsed: Duration::from_secs(10),
            retry_creates: false,
        }
    }
}

impl RetryPolicy {
    /// The default policy (see [`RetryPolicy::default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Never retry: every request is sent once (a session refresh after a 401 still resends it
    /// once, see [`ClientBuilder::token_provider`](crate::client::ClientBuilder::token_provider)).
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

    /// Also retry creates (`POST /sobjects/{sObject}`) after failures that leave it unknown
    /// whether the record was created (timeouts, dropped connections, 5xx). A retried create
    /// can create the record twice: opt in only when duplicates are harmless or prevented
    /// (e.g. by a unique field). Default `false`.
    pub fn retry_creates(mut self, retry: bool) -> Self {
        self.retry_creates = retry;
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

    /// Whether creates are retried after ambiguous failures.
    pub fn retries_creates(&self) -> bool {
        self.retry_creates
    }

    /// The jittered delay before retry number `retry` (1-based).
    pub(crate) fn delay(&self, retry: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16));
        let ceiling = exp.min(self.max_backoff);
        let half = ceiling / 2;
        half + ceiling.saturating_sub(half).mul_f64(fastrand::f64())
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
}
