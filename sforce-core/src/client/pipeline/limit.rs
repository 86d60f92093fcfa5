//! The client-wide limit on requests in flight: a FIFO-fair semaphore plus gauges.
//!
//! `tokio::sync::Semaphore` hands out permits in the order they were requested, so a request
//! that has waited longest is sent first and none starves under a flood. A request holds its
//! permit until it is done, retries and their backoff included: a retry queued again behind a
//! flood would wait far past its backoff, and the delayed retries would arrive together and
//! drain the retry budget. The HTTP connection pool is sized to the same limit, so the limit
//! also bounds open connections.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Requests a client (and its clones) sends at once by default. See
/// [`ClientBuilder::max_in_flight`](crate::client::ClientBuilder::max_in_flight).
pub const DEFAULT_MAX_IN_FLIGHT: usize = 64;

/// The limiter of one client.
#[derive(Debug)]
pub(crate) struct Limiter {
    semaphore: Arc<Semaphore>,
    limit: usize,
    gauges: Arc<Gauges>,
}

#[derive(Debug, Default)]
struct Gauges {
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    waiting: AtomicUsize,
    waited: AtomicU64,
}

/// Leave to send one request; released when dropped.
#[derive(Debug)]
pub(crate) struct Permit {
    _permit: OwnedSemaphorePermit,
    gauges: Arc<Gauges>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.gauges.in_flight.fetch_sub(1, Relaxed);
    }
}

/// Decrements the waiting gauge even when the waiter is cancelled.
struct Waiting<'a>(&'a Gauges);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.waiting.fetch_sub(1, Relaxed);
    }
}

impl Limiter {
    pub(crate) fn new(limit: usize) -> Self {
        let limit = limit.clamp(1, Semaphore::MAX_PERMITS);
        Limiter {
            semaphore: Arc::new(Semaphore::new(limit)),
            limit,
            gauges: Arc::default(),
        }
    }

    /// The configured limit.
    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    /// Waits (in FIFO order) for leave to send one request.
    pub(crate) async fn acquire(&self) -> Permit {
        let permit = match Arc::clone(&self.semaphore).try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                self.gauges.waiting.fetch_add(1, Relaxed);
                self.gauges.waited.fetch_add(1, Relaxed);
                let _waiting = Waiting(&self.gauges);
                Arc::clone(&self.semaphore)
                    .acquire_owned()
                    .await
                    .expect("the limiter's semaphore is never closed")
            }
        };
        let now = self.gauges.in_flight.fetch_add(1, Relaxed) + 1;
        self.gauges.max_in_flight.fetch_max(now, Relaxed);
        Permit {
            _permit: permit,
            gauges: Arc::clone(&self.gauges),
        }
    }

    /// (in flight now, most ever in flight, waiting now, requests that had to wait).
    pub(crate) fn gauges(&self) -> (usize, usize, usize, u64) {
        let g = &self.gauges;
        (
            g.in_flight.load(Relaxed),
            g.max_in_flight.load(Relaxed),
            g.waiting.load(Relaxed),
            g.waited.load(Relaxed),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn never_more_than_the_limit_and_fifo() {
        let limiter = Arc::new(Limiter::new(1));
        let held = limiter.acquire().await;
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for i in 0..20 {
            let (shared, order) = (Arc::clone(&limiter), Arc::clone(&order));
            tasks.push(tokio::spawn(async move {
                let _permit = shared.acquire().await;
                order.lock().unwrap().push(i);
            }));
            // Each waiter is queued before the next one starts.
            while limiter.gauges().2 < i + 1 {
                tokio::task::yield_now().await;
            }
        }
        drop(held);
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), (0..20).collect::<Vec<_>>());
        let (in_flight, max, waiting, waited) = limiter.gauges();
        assert_eq!((in_flight, max, waiting, waited), (0, 1, 0, 20));
    }
}
