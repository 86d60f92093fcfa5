//! Faults around the executor: admission (a client-wide limit) with writes merging while they
//! wait, the cap on merged writes, panics in user `Merge` code and in `executor_error`, and
//! the key count after the last reply.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;
use tokio::sync::Semaphore;

use super::testing::{Body, FakeError, FakeOp, apply_sequentially, body};
use super::{Executor, ExecutorFailure, Merge, Operation, Policy};

const HANG: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_waiting_for_admission_keep_merging() {
    let op = FakeOp::with_admission(1);
    let executor = Executor::new(op.clone());
    // Hold the only permit: every key's runner waits for admission.
    let held = op.admission().acquire_owned().await.unwrap();
    let mut writes: Vec<(u32, Body)> = Vec::new();
    let mut pending = Vec::new();
    for i in 0..100u32 {
        let key = i % 2;
        let write = body(json!({format!("F{}", i % 5): i}));
        writes.push((key, write.clone()));
        pending.push(executor.submit(key, write));
    }
    drop(held);
    for p in pending {
        let done = tokio::time::timeout(HANG, p).await.unwrap().unwrap();
        assert_eq!(done.merged_writes(), 50);
    }
    // One operation per key: the flood became two requests, not a hundred.
    assert_eq!(op.ops(), 2);
    for key in 0..2 {
        let of_key = writes.iter().filter(|(k, _)| *k == key).map(|(_, w)| w);
        assert_eq!(op.record(key), apply_sequentially(of_key));
    }
    assert_eq!(executor.in_flight_keys(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn merged_writes_are_capped_and_keep_their_order() {
    let (op, mut started) = FakeOp::gated();
    let executor = Executor::with_max_merged(op.clone(), Policy::Merge, 3);
    assert_eq!(executor.max_merged_writes(), 3);
    let first = executor.submit(1, body(json!({"N": 0})));
    started.recv().await.unwrap();
    let writes: Vec<Body> = (1..=7)
        .map(|i| body(json!({"N": i, format!("F{i}"): i})))
        .collect();
    let pending: Vec<_> = writes
        .iter()
        .map(|w| executor.submit(1, w.clone()))
        .collect();
    op.release(10);
    tokio::time::timeout(HANG, first).await.unwrap().unwrap();
    let mut merged = Vec::new();
    for p in pending {
        merged.push(
            tokio::time::timeout(HANG, p)
                .await
                .unwrap()
                .unwrap()
                .merged_writes(),
        );
    }
    assert_eq!(merged, [3, 3, 3, 3, 3, 3, 1]);
    assert_eq!(op.ops(), 4);
    let mut all = vec![body(json!({"N": 0}))];
    all.extend(writes);
    assert_eq!(op.record(1), apply_sequentially(&all));
}

/// A write whose `merge` (user code) panics when the later write says so.
#[derive(Clone, Debug)]
struct Touchy {
    body: Body,
    explode: bool,
}

impl Merge for Touchy {
    fn merge(&mut self, later: Self) {
        assert!(!later.explode, "Touchy refuses to merge {:?}", later.body);
        self.body.merge(later.body);
    }
}

/// Applies `Touchy` writes; each waits for a permit of `gate` (to keep writes queued); its
/// `executor_error` panics when `explosive_errors` is set.
struct TouchyOp {
    gate: Arc<Semaphore>,
    ops: AtomicUsize,
    explosive_errors: bool,
}

impl TouchyOp {
    fn new(explosive_errors: bool) -> Self {
        TouchyOp {
            gate: Arc::new(Semaphore::new(0)),
            ops: AtomicUsize::new(0),
            explosive_errors,
        }
    }
}

impl Operation for Arc<TouchyOp> {
    type Key = u32;
    type Write = Touchy;
    type Output = usize;
    type Error = FakeError;
    type Admission = ();

    async fn admit(&self, _key: &u32) {}

    async fn run(&self, _key: &u32, _write: Touchy, _admission: ()) -> Result<usize, FakeError> {
        self.gate.acquire().await.unwrap().forget();
        Ok(self.ops.fetch_add(1, Ordering::SeqCst) + 1)
    }

    fn executor_error(&self, _key: &u32, failure: ExecutorFailure) -> FakeError {
        assert!(
            !self.explosive_errors,
            "executor_error exploded on {failure}"
        );
        FakeError::Executor(failure)
    }
}

fn touchy(n: i64, explode: bool) -> Touchy {
    Touchy {
        body: body(json!({ "N": n })),
        explode,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_panic_in_merge_keeps_its_message_is_counted_and_strands_nobody() {
    let op = Arc::new(TouchyOp::new(false));
    let executor = Executor::new(Arc::clone(&op));
    let first = executor.submit(1, touchy(0, false));
    // Wait until the first operation is in flight (it waits on the gate).
    while op.gate.available_permits() != 0 || executor.stats().operations == 0 {
        tokio::task::yield_now().await;
    }
    let a = executor.submit(1, touchy(1, false));
    let b = executor.submit(1, touchy(2, true));
    op.gate.add_permits(1);
    assert_eq!(
        tokio::time::timeout(HANG, first)
            .await
            .unwrap()
            .unwrap()
            .output,
        1
    );
    let expected = Err(FakeError::Executor(ExecutorFailure::Panicked {
        message: "Touchy refuses to merge {\"N\": Number(2)}".to_owned(),
    }));
    assert_eq!(tokio::time::timeout(HANG, a).await.unwrap(), expected);
    assert_eq!(tokio::time::timeout(HANG, b).await.unwrap(), expected);
    assert_eq!(executor.stats().panics, 1);
    // The key keeps working.
    op.gate.add_permits(1);
    let after = executor.submit(1, touchy(3, false));
    assert!(tokio::time::timeout(HANG, after).await.unwrap().is_ok());
    assert_eq!(executor.in_flight_keys(), 0);
}

#[test]
fn a_panicking_executor_error_during_cleanup_does_not_abort() {
    let op = Arc::new(TouchyOp::new(true));
    let doomed = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let executor = doomed.block_on(async { Executor::new(Arc::clone(&op)) });
    let pending = doomed.block_on(async {
        let in_flight = executor.submit(1, touchy(0, false));
        let waiting = executor.submit(1, touchy(1, false));
        while executor.stats().operations == 0 {
            tokio::task::yield_now().await;
        }
        (in_flight, waiting)
    });
    // Shutting the runtime down drops the key's task mid-operation: its guard fails both
    // writes, and `executor_error` panics while it does. The process must survive.
    drop(doomed);
    let survivor = tokio::runtime::Runtime::new().unwrap();
    survivor.block_on(async {
        for submitted in [pending.0, pending.1] {
            // The reply slot was dropped unanswered; the caller builds the error in its own
            // task, where the (still exploding) executor_error panics: a task panic, no abort.
            let joined = tokio::spawn(submitted).await;
            assert!(joined.unwrap_err().is_panic());
        }
    });
    assert_eq!(executor.in_flight_keys(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_key_is_in_flight_once_the_last_caller_has_its_reply() {
    let op = FakeOp::jittery();
    let executor = Executor::new(op);
    for i in 0..300u32 {
        let done = executor.submit(i % 3, body(json!({ "N": i })));
        tokio::time::timeout(HANG, done).await.unwrap().unwrap();
        // Read at once, no waiting: the entry is removed before the last reply is sent.
        assert_eq!(executor.in_flight_keys(), 0, "after write {i}");
    }
}
