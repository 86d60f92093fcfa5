//! [`RetryBudget`]: a token bucket shared by a client and its clones that bounds how much
//! retrying the whole client does, whatever each request's policy allows.
//!
//! The design follows the "standard" retry mode of the AWS SDKs (the Rust SDK's
//! `StandardRetryStrategy` and its token bucket): the bucket starts full (500 tokens); a retry
//! takes 5 tokens, or 10 when the failure was a timeout or a lost connection (those cost the
//! server most and say least); a request that succeeds after retries gives its last retry's
//! tokens back; a request that succeeds at once adds 1 token, up to the capacity. When the
//! bucket cannot pay for a retry the error is returned at once: during an outage the client
//! stops multiplying its load, and it recovers as requests succeed again. tower's retry
//! `Budget` bounds retries by the same idea (a share of recent successful requests).

use std::sync::Mutex;

/// Configuration of a client's retry budget. Set with
/// [`ClientBuilder::retry_budget`](crate::client::ClientBuilder::retry_budget).
///
/// ```
/// use sforce_core::client::RetryBudget;
/// let budget = RetryBudget::new().capacity(1000).retry_cost(2);
/// assert_eq!(budget.get_capacity(), 1000);
/// assert_eq!(RetryBudget::unlimited().get_retry_cost(), 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct RetryBudget {
    capacity: u32,
    retry_cost: u32,
    timeout_cost: u32,
    success_reward: u32,
}

impl Default for RetryBudget {
    /// Capacity 500, retry cost 5, timeout/connection-loss cost 10, success reward 1.
    fn default() -> Self {
        RetryBudget {
            capacity: 500,
            retry_cost: 5,
            timeout_cost: 10,
            success_reward: 1,
        }
    }
}

impl RetryBudget {
    /// The default budget (see [`RetryBudget::default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// A budget that never refuses a retry (retries are then bounded by the
    /// [`RetryPolicy`](super::RetryPolicy) alone).
    pub fn unlimited() -> Self {
        Self::default().retry_cost(0).timeout_cost(0)
    }

    /// Tokens in a full bucket (the bucket starts full).
    pub fn capacity(mut self, tokens: u32) -> Self {
        self.capacity = tokens;
        self
    }

    /// Tokens a retry takes.
    pub fn retry_cost(mut self, tokens: u32) -> Self {
        self.retry_cost = tokens;
        self
    }

    /// Tokens a retry after a timeout or a lost connection takes.
    pub fn timeout_cost(mut self, tokens: u32) -> Self {
        self.timeout_cost = tokens;
        self
    }

    /// Tokens a request that succeeds at its first attempt adds back (up to the capacity).
    pub fn success_reward(mut self, tokens: u32) -> Self {
        self.success_reward = tokens;
        self
    }

    /// Tokens in a full bucket.
    pub fn get_capacity(&self) -> u32 {
        self.capacity
    }

    /// Tokens a retry takes.
    pub fn get_retry_cost(&self) -> u32 {
        self.retry_cost
    }
}

/// The live bucket of one client.
#[derive(Debug)]
pub(crate) struct Bucket {
    config: RetryBudget,
    tokens: Mutex<u32>,
}

impl Bucket {
    pub(crate) fn new(config: RetryBudget) -> Self {
        let tokens = Mutex::new(config.capacity);
        Bucket { config, tokens }
    }

    /// Takes the cost of one retry; `None` (nothing taken) when the bucket cannot pay.
    pub(crate) fn withdraw(&self, costly: bool) -> Option<u32> {
        let cost = if costly {
            self.config.timeout_cost
        } else {
            self.config.retry_cost
        };
        let mut tokens = self.lock();
        let left = tokens.checked_sub(cost)?;
        *tokens = left;
        Some(cost)
    }

    /// A request succeeded: give back what its last retry took, or reward a first-attempt
    /// success.
    pub(crate) fn on_success(&self, last_retry_cost: Option<u32>) {
        let add = last_retry_cost.unwrap_or(self.config.success_reward);
        let mut tokens = self.lock();
        *tokens = tokens.saturating_add(add).min(self.config.capacity);
    }

    /// Tokens left.
    pub(crate) fn available(&self) -> u32 {
        *self.lock()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, u32> {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drains_refuses_and_recovers() {
        let bucket = Bucket::new(RetryBudget::new().capacity(20));
        assert_eq!(bucket.withdraw(false), Some(5));
        assert_eq!(bucket.withdraw(true), Some(10));
        assert_eq!(bucket.withdraw(true), None, "5 left cannot pay 10");
        assert_eq!(bucket.available(), 5);
        assert_eq!(bucket.withdraw(false), Some(5));
        assert_eq!(bucket.withdraw(false), None);
        bucket.on_success(Some(5));
        assert_eq!(bucket.available(), 5);
        for _ in 0..100 {
            bucket.on_success(None);
        }
        assert_eq!(bucket.available(), 20, "capped at the capacity");
        let free = Bucket::new(RetryBudget::unlimited().capacity(0));
        assert_eq!(free.withdraw(true), Some(0));
    }
}
