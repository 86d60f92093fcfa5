//! Test support: a fake asynchronous operation over an in-memory store, and hooks into the
//! runner. Compiled for unit tests only.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Map, Value};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

use super::{ExecutorFailure, Operation};

/// Hooks the runner calls at interesting points (tests only).
#[derive(Default)]
pub(super) struct Hooks {
    after_publish: Mutex<Option<Box<dyn FnMut() + Send>>>,
}

impl Hooks {
    /// Called by the runner right after answering a batch, before it looks at the map again.
    pub(super) fn after_publish(&self) {
        if let Some(hook) = self.after_publish.lock().unwrap().as_mut() {
            hook();
        }
    }

    pub(super) fn set_after_publish(&self, hook: impl FnMut() + Send + 'static) {
        *self.after_publish.lock().unwrap() = Some(Box::new(hook));
    }
}

pub(super) type Body = Map<String, Value>;

/// Builds a body from a `json!` object.
pub(super) fn body(value: Value) -> Body {
    value.as_object().cloned().expect("object")
}

/// What the fake operation answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Applied {
    /// 1-based number of the operation, across all keys.
    pub(super) op_number: u64,
    /// Whether the key had no record before.
    pub(super) created: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum FakeError {
    /// Rejected for its content: the write had a field named "bad".
    Content(String),
    /// Server failure injected with [`FakeOp::fail_op`].
    Server {
        status: u16,
        message: String,
    },
    Executor(ExecutorFailure),
}

/// A semaphore starting with no permits.
struct ClosedGate(Semaphore);

impl Default for ClosedGate {
    fn default() -> Self {
        Self(Semaphore::new(0))
    }
}

#[derive(Default)]
struct Inner {
    store: Mutex<HashMap<u32, Body>>,
    sent: Mutex<Vec<(u32, Body)>>,
    in_flight: Mutex<HashMap<u32, usize>>,
    max_in_flight: AtomicUsize,
    ops: AtomicU64,
    failures: Mutex<HashMap<u64, FakeError>>,
    slow_gate: ClosedGate,
    started: Mutex<Option<mpsc::UnboundedSender<(u32, Body)>>>,
    gate: Option<Semaphore>,
    jitter: bool,
    latency: Option<Duration>,
    /// Leave to run, shared by all keys (a stand-in for the client-wide request limit).
    admission: Option<Arc<Semaphore>>,
}

/// A fake write: applies a JSON body to an in-memory record per key.
///
/// Behaviour by content: a field `"panic"` panics; a field `"bad"` is a content rejection
/// (nothing applied); a field `"slow"` waits for [`FakeOp::release_slow`]. Gated mode holds every operation until [`FakeOp::release`].
#[derive(Clone, Default)]
pub(super) struct FakeOp {
    inner: Arc<Inner>,
}

impl FakeOp {
    pub(super) fn new() -> Self {
        Self::default()
    }

    /// Every operation announces itself on the returned channel, then waits for a permit.
    pub(super) fn gated() -> (Self, mpsc::UnboundedReceiver<(u32, Body)>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let op = Self {
            inner: Arc::new(Inner {
                started: Mutex::new(Some(tx)),
                gate: Some(Semaphore::new(0)),
                ..Inner::default()
            }),
        };
        (op, rx)
    }

    /// Operations yield a random number of times (and sometimes sleep) to shuffle schedules.
    pub(super) fn jittery() -> Self {
        Self {
            inner: Arc::new(Inner {
                jitter: true,
                ..Inner::default()
            }),
        }
    }

    /// Operations sleep this long (to keep writes waiting without gating).
    pub(super) fn with_latency(latency: Duration) -> Self {
        Self {
            inner: Arc::new(Inner {
                latency: Some(latency),
                ..Inner::default()
            }),
        }
    }

    /// Operations need one of `permits` shared permits to run ([`Operation::admit`]).
    pub(super) fn with_admission(permits: usize) -> Self {
        Self {
            inner: Arc::new(Inner {
                admission: Some(Arc::new(Semaphore::new(permits))),
                ..Inner::default()
            }),
        }
    }

    /// The shared admission semaphore (tests hold its permits to keep operations waiting).
    pub(super) fn admission(&self) -> Arc<Semaphore> {
        Arc::clone(self.inner.admission.as_ref().expect("with_admission"))
    }

    /// Lets `n` gated operations proceed.
    pub(super) fn release(&self, n: usize) {
        self.inner.gate.as_ref().expect("gated").add_permits(n);
    }

    /// The operation numbered `op_number` (1-based, all keys) fails with `error`, applying
    /// nothing.
    pub(super) fn fail_op(&self, op_number: u64, error: FakeError) {
        self.inner.failures.lock().unwrap().insert(op_number, error);
    }

    /// Lets `n` operations whose write has a field `"slow"` proceed.
    pub(super) fn release_slow(&self, n: usize) {
        self.inner.slow_gate.0.add_permits(n);
    }

    pub(super) fn record(&self, key: u32) -> Option<Body> {
        self.inner.store.lock().unwrap().get(&key).cloned()
    }

    pub(super) fn store(&self) -> HashMap<u32, Body> {
        self.inner.store.lock().unwrap().clone()
    }

    /// Bodies as the operation received them, in order.
    pub(super) fn sent(&self) -> Vec<(u32, Body)> {
        self.inner.sent.lock().unwrap().clone()
    }

    pub(super) fn ops(&self) -> u64 {
        self.inner.ops.load(Ordering::SeqCst)
    }

    pub(super) fn max_in_flight(&self) -> usize {
        self.inner.max_in_flight.load(Ordering::SeqCst)
    }
}

/// Decrements the key's in-flight count even when the operation panics.
struct InFlight<'a> {
    inner: &'a Inner,
    key: u32,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        *self
            .inner
            .in_flight
            .lock()
            .unwrap()
            .get_mut(&self.key)
            .unwrap() -= 1;
    }
}

impl Operation for FakeOp {
    type Key = u32;
    type Write = Body;
    type Output = Applied;
    type Error = FakeError;
    type Admission = Option<OwnedSemaphorePermit>;

    async fn admit(&self, _key: &u32) -> Option<OwnedSemaphorePermit> {
        match &self.inner.admission {
            Some(semaphore) => Some(Arc::clone(semaphore).acquire_owned().await.expect("open")),
            None => None,
        }
    }

    async fn run(
        &self,
        key: &u32,
        write: Body,
        _admission: Option<OwnedSemaphorePermit>,
    ) -> Result<Applied, FakeError> {
        let inner = &*self.inner;
        let key = *key;
        {
            let mut in_flight = inner.in_flight.lock().unwrap();
            let now = in_flight.entry(key).or_default();
            *now += 1;
            inner.max_in_flight.fetch_max(*now, Ordering::SeqCst);
        }
        let _in_flight = InFlight { inner, key };
        let op_number = inner.ops.fetch_add(1, Ordering::SeqCst) + 1;
        inner.sent.lock().unwrap().push((key, write.clone()));
        let started = inner.started.lock().unwrap().clone();
        if let Some(started) = started {
            let _ = started.send((key, write.clone()));
        }
        if let Some(gate) = &inner.gate {
            gate.acquire().await.expect("gate open").forget();
        }
        if write.contains_key("slow") {
            inner.slow_gate.0.acquire().await.expect("open").forget();
        }
        if let Some(latency) = inner.latency {
            tokio::time::sleep(latency).await;
        }
        if inner.jitter {
            for _ in 0..fastrand::usize(0..4) {
                tokio::task::yield_now().await;
            }
            if fastrand::u8(0..8) == 0 {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
        assert!(
            !write.contains_key("panic"),
            "fake operation asked to panic"
        );
        if write.contains_key("bad") {
            return Err(FakeError::Content(format!(
                "key {key}: no such field 'bad'"
            )));
        }
        let failure = inner.failures.lock().unwrap().remove(&op_number);
        if let Some(error) = failure {
            return Err(error);
        }
        let mut store = inner.store.lock().unwrap();
        let created = !store.contains_key(&key);
        let record = store.entry(key).or_default();
        for (field, value) in write {
            record.insert(field, value);
        }
        Ok(Applied { op_number, created })
    }

    fn is_content_rejection(&self, _key: &u32, error: &FakeError) -> bool {
        matches!(error, FakeError::Content(_))
    }

    fn executor_error(&self, _key: &u32, failure: ExecutorFailure) -> FakeError {
        FakeError::Executor(failure)
    }
}

/// Applies writes one after the other, skipping content-rejected ones: the reference model.
pub(super) fn apply_sequentially<'a>(writes: impl IntoIterator<Item = &'a Body>) -> Option<Body> {
    let mut record: Option<Body> = None;
    for write in writes {
        if write.contains_key("bad") {
            continue;
        }
        let record = record.get_or_insert_with(Body::new);
        for (field, value) in write {
            record.insert(field.clone(), value.clone());
        }
    }
    record
}
