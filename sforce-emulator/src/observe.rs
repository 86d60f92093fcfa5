//! What tests inspect: the request log and the per-key in-flight high-water mark.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

/// One request the emulator answered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoggedRequest {
    /// HTTP method, upper case.
    pub method: String,
    /// The path as sent (still percent-encoded).
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// The status answered; `0` when the connection was dropped without an answer.
    pub status: u16,
    /// The request body (lossy UTF-8); `[redacted]` for OAuth token requests.
    pub body: String,
    /// When the emulator received the request (this process's clock).
    pub received: Instant,
    /// When it answered (or dropped) it.
    pub answered: Instant,
}

/// Requests the log keeps by default; older ones are dropped first.
pub const DEFAULT_REQUEST_LOG_CAPACITY: usize = 100_000;

/// The request log: the most recent requests (bounded) and a count of all of them.
#[derive(Debug)]
pub(crate) struct RequestLog {
    entries: Mutex<VecDeque<LoggedRequest>>,
    capacity: usize,
    total: AtomicUsize,
}

impl Default for RequestLog {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_REQUEST_LOG_CAPACITY)
    }
}

impl RequestLog {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        RequestLog {
            entries: Mutex::new(VecDeque::new()),
            capacity,
            total: AtomicUsize::new(0),
        }
    }

    pub(crate) fn push(&self, entry: LoggedRequest) {
        self.total.fetch_add(1, Relaxed);
        if self.capacity == 0 {
            return;
        }
        let mut entries = self.lock();
        if entries.len() == self.capacity {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    pub(crate) fn snapshot(&self) -> Vec<LoggedRequest> {
        self.lock().iter().cloned().collect()
    }

    /// Every request logged since start (or the last clear), kept or not.
    pub(crate) fn len(&self) -> usize {
        self.total.load(Relaxed)
    }

    pub(crate) fn clear(&self) {
        let mut entries = self.lock();
        entries.clear();
        self.total.store(0, Relaxed);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<LoggedRequest>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Counts upsert requests in flight per key and remembers the highest count seen.
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    inner: Mutex<InFlightInner>,
}

#[derive(Debug, Default)]
struct InFlightInner {
    current: HashMap<String, usize>,
    max: usize,
}

impl InFlight {
    /// Marks a request for `key` in flight until the guard drops.
    pub(crate) fn enter(&self, key: String) -> InFlightGuard<'_> {
        let mut inner = self.lock();
        let n = inner.current.entry(key.clone()).or_default();
        *n += 1;
        let n = *n;
        inner.max = inner.max.max(n);
        InFlightGuard { owner: self, key }
    }

    pub(crate) fn max(&self) -> usize {
        self.lock().max
    }

    pub(crate) fn reset(&self) {
        self.lock().max = 0;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, InFlightInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Leaves the in-flight set on drop (also when the client disconnects mid-request).
pub(crate) struct InFlightGuard<'a> {
    owner: &'a InFlight,
    key: String,
}

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        let mut inner = self.owner.lock();
        if let Some(n) = inner.current.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                inner.current.remove(&self.key);
            }
        }
    }
}

/// Counts requests of any kind being handled at once, and the highest count seen.
#[derive(Debug, Default)]
pub(crate) struct Concurrency {
    current: AtomicUsize,
    max: AtomicUsize,
}

/// One request being handled; leaves the count when dropped.
pub(crate) struct ConcurrencyGuard<'a>(&'a Concurrency);

impl Concurrency {
    pub(crate) fn enter(&self) -> ConcurrencyGuard<'_> {
        let now = self.current.fetch_add(1, Relaxed) + 1;
        self.max.fetch_max(now, Relaxed);
        ConcurrencyGuard(self)
    }

    pub(crate) fn max(&self) -> usize {
        self.max.load(Relaxed)
    }

    pub(crate) fn reset(&self) {
        self.max.store(self.current.load(Relaxed), Relaxed);
    }
}

impl Drop for ConcurrencyGuard<'_> {
    fn drop(&mut self) {
        self.0.current.fetch_sub(1, Relaxed);
    }
}
