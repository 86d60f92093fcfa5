//! Behaviour and pitfall tests of the executor, with a fake operation on a multi-threaded
//! runtime. No test asserts on timing; waits are bounded only to turn a hang into a failure.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::FutureExt as _;
use serde_json::json;

use super::testing::{Applied, Body, FakeError, FakeOp, apply_sequentially, body};
use super::{Completion, Executor, ExecutorFailure, Policy, Reply, Submitted, runner};

/// Generous bound turning a hang into a failure (not a timing assertion).
const HANG: Duration = Duration::from_secs(30);

async fn resolve(submitted: Submitted<FakeOp>) -> Reply<FakeOp> {
    tokio::time::timeout(HANG, submitted)
        .await
        .expect("caller never resolved")
}

async fn ok(submitted: Submitted<FakeOp>) -> Completion<Applied> {
    resolve(submitted).await.expect("write failed")
}

async fn wait_idle(executor: &Executor<FakeOp>) {
    tokio::time::timeout(HANG, async {
        while !executor.is_idle() {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    })
    .await
    .expect("executor never became idle");
}

async fn next_started(rx: &mut tokio::sync::mpsc::UnboundedReceiver<(u32, Body)>) -> (u32, Body) {
    tokio::time::timeout(HANG, rx.recv())
        .await
        .expect("no operation started")
        .expect("channel open")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn waiting_writes_are_merged_into_one_operation_later_wins_null_is_a_value() {
    let (op, mut started) = FakeOp::gated();
    let executor = Executor::new(op.clone());
    let first = executor.submit(1, body(json!({"A": 1, "B": 1})));
    assert_eq!(
        next_started(&mut started).await.1,
        body(json!({"A": 1, "B": 1}))
    );
    // These wait while the first is in flight.
    let second = executor.submit(1, body(json!({"B": 2, "C": 2})));
    let third = executor.submit(1, body(json!({"C": null, "D": 3})));
    op.release(1);
    let (_, merged) = next_started(&mut started).await;
    assert_eq!(merged, body(json!({"B": 2, "C": null, "D": 3})));
    op.release(1);

    let first = ok(first).await;
    let (second, third) = (ok(second).await, ok(third).await);
    assert_eq!((first.merged_writes(), first.output().created), (1, true));
    assert_eq!(second.merged_writes(), 2);
    assert_eq!(second, third, "both merged callers get the same outcome");
    assert!(!second.output().created);
    assert_eq!(op.ops(), 2);
    assert_eq!(
        op.record(1),
        Some(body(json!({"A": 1, "B": 2, "C": null, "D": 3})))
    );
    let stats = executor.stats();
    assert_eq!(
        (
            stats.writes_submitted,
            stats.operations,
            stats.writes_merged
        ),
        (3, 2, 1)
    );
    wait_idle(&executor).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn serialize_policy_sends_each_write_alone_in_order() {
    let op = FakeOp::with_latency(Duration::from_millis(2));
    let executor = Executor::with_policy(op.clone(), Policy::Serialize);
    let writes: Vec<Body> = (0..20)
        .map(|i| body(json!({"N": i, format!("F{i}"): i})))
        .collect();
    let submitted: Vec<_> = writes
        .iter()
        .map(|w| executor.submit(9, w.clone()))
        .collect();
    for s in submitted {
        assert_eq!(ok(s).await.merged_writes(), 1);
    }
    let sent: Vec<Body> = op.sent().into_iter().map(|(_, b)| b).collect();
    assert_eq!(sent, writes, "one operation per write, in submission order");
    assert_eq!(op.record(9), apply_sequentially(&writes));
    assert_eq!(op.max_in_flight(), 1);
    wait_idle(&executor).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn clones_never_run_two_operations_for_one_key_and_keep_submission_order() {
    let op = FakeOp::jittery();
    let executor = Executor::new(op.clone());
    // Submission order is recorded under this lock; submit queues before returning.
    let order: Arc<Mutex<Vec<(u32, Body)>>> = Arc::default();
    let mut tasks = Vec::new();
    for task in 0..64u32 {
        let (executor, order) = (executor.clone(), Arc::clone(&order));
        tasks.push(tokio::spawn(async move {
            for i in 0..16u32 {
                let key = fastrand::u32(0..8);
                let write = body(json!({format!("F{}", fastrand::u8(0..4)): task * 100 + i}));
                let submitted = {
                    let mut order = order.lock().unwrap();
                    order.push((key, write.clone()));
                    executor.submit(key, write)
                };
                ok(submitted).await;
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(
        op.max_in_flight(),
        1,
        "two operations for one key were in flight"
    );
    let order = order.lock().unwrap().clone();
    for key in 0..8 {
        let writes = order.iter().filter(|(k, _)| *k == key).map(|(_, w)| w);
        assert_eq!(op.record(key), apply_sequentially(writes), "key {key}");
    }
    wait_idle(&executor).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn content_rejected_merge_is_replayed_so_only_the_culprit_errs() {
    let (op, mut started) = FakeOp::gated();
    let executor = Executor::new(op.clone());
    let first = executor.submit(5, body(json!({"A": 1})));
    next_started(&mut started).await;
    let good1 = executor.submit(5, body(json!({"B": 2})));
    let culprit = executor.submit(5, body(json!({"bad": true, "C": 3})));
    let good2 = executor.submit(5, body(json!({"D": 4})));
    // first, the merged attempt, then three replays.
    op.release(5);
    ok(first).await;
    let (g1, g2) = (ok(good1).await, ok(good2).await);
    assert!(g1.replayed() && g2.replayed());
    assert_eq!((g1.merged_writes(), g2.merged_writes()), (1, 1));
    match resolve(culprit).await {
        Err(FakeError::Content(message)) => assert!(message.contains("bad")),
        other => panic!("culprit should get its own content error, got {other:?}"),
    }
    assert_eq!(op.record(5), Some(body(json!({"A": 1, "B": 2, "D": 4}))));
    let stats = executor.stats();
    assert_eq!(
        (stats.replays, stats.replayed_writes, stats.operations),
        (1, 3, 5)
    );
    wait_idle(&executor).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_slow_key_never_delays_another() {
    let op = FakeOp::new();
    let executor = Executor::new(op.clone());
    let mut slow = executor.submit(1, body(json!({"slow": true})));
    // Key 1 stays in flight until released; key 2's writes complete meanwhile.
    for i in 0..10 {
        ok(executor.submit(2, body(json!({"N": i})))).await;
    }
    assert!(
        (&mut slow).now_or_never().is_none(),
        "key 1 must still be in flight"
    );
    op.release_slow(1);
    ok(slow).await;
    wait_idle(&executor).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_runtime_and_runtime_shutdown_give_typed_errors() {
    let op = FakeOp::new();
    let executor = std::thread::spawn(move || Executor::new(op))
        .join()
        .unwrap();
    // Created outside a runtime, submitted outside one.
    let submitted = std::thread::spawn({
        let executor = executor.clone();
        move || executor.submit(1, body(json!({"A": 1})))
    })
    .join()
    .unwrap();
    assert_eq!(
        resolve(submitted).await,
        Err(FakeError::Executor(ExecutorFailure::NoRuntime))
    );

    // A write whose runtime shuts down mid-flight resolves with Abandoned, and the map empties.
    let (op, _started) = FakeOp::gated();
    let (executor, submitted) = std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let executor = Executor::new(op);
        let submitted = {
            let _entered = runtime.enter();
            executor.submit(1, body(json!({"A": 1})))
        };
        // Let the key's task start and block in the gated operation, then shut down.
        runtime.block_on(async { tokio::time::sleep(Duration::from_millis(20)).await });
        drop(runtime);
        (executor, submitted)
    })
    .join()
    .unwrap();
    assert_eq!(
        resolve(submitted).await,
        Err(FakeError::Executor(ExecutorFailure::Abandoned))
    );
    assert_eq!(executor.in_flight_keys(), 0);
}

// ---- Pitfalls of single-flight code (DESIGN.md), one test each. ----

/// Pitfall: unconditional key removal deletes a newer entry. A stale runner of an old
/// generation dropping late must not remove (or fail the writes of) the current entry.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pitfall_unconditional_removal_does_not_delete_a_newer_entry() {
    let (op, mut started) = FakeOp::gated();
    let executor = Executor::new(op.clone());
    op.release(1);
    ok(executor.submit(3, body(json!({"A": 1})))).await; // generation 1, finished
    next_started(&mut started).await;
    wait_idle(&executor).await;
    let second = executor.submit(3, body(json!({"B": 2}))); // generation 2, in flight
    next_started(&mut started).await;
    let third = executor.submit(3, body(json!({"C": 3}))); // waits in generation 2
    runner::drop_stale_runner(Arc::clone(&executor.shared), 3, 1);
    assert_eq!(executor.in_flight_keys(), 1, "the newer entry was removed");
    op.release(2);
    ok(second).await;
    ok(third).await;
    assert_eq!(op.record(3), Some(body(json!({"A": 1, "B": 2, "C": 3}))));
    assert_eq!(op.max_in_flight(), 1);
    wait_idle(&executor).await;
}

/// Pitfall: an `.await` between "result published" and "entry removed". A write submitted
/// in exactly that window (from the hook the runner calls right after publishing) must land.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pitfall_write_arriving_between_publish_and_removal_is_not_lost() {
    let op = FakeOp::new();
    let executor = Executor::new(op.clone());
    let (tx, rx) = std::sync::mpsc::channel();
    let mut hook_executor = Some(executor.clone());
    executor.shared.hooks.set_after_publish(move || {
        if let Some(executor) = hook_executor.take() {
            tx.send(executor.submit(4, body(json!({"late": true}))))
                .unwrap();
        }
    });
    let first = ok(executor.submit(4, body(json!({"early": true})))).await;
    assert_eq!(first.merged_writes(), 1);
    let late = rx.recv_timeout(HANG).expect("hook ran");
    ok(late).await;
    assert_eq!(
        op.record(4),
        Some(body(json!({"early": true, "late": true})))
    );
    wait_idle(&executor).await;
    assert_eq!(executor.stats().operations, 2);
}

/// Pitfall: work tied to one caller's cancellation. Dropping a caller's future, before or
/// while its operation is in flight, never cancels the write; the others still resolve.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pitfall_dropped_caller_future_does_not_cancel_its_write() {
    let (op, mut started) = FakeOp::gated();
    let executor = Executor::new(op.clone());
    let in_flight = executor.submit(6, body(json!({"A": 1})));
    next_started(&mut started).await;
    drop(in_flight); // dropped mid-flight
    drop(executor.submit(6, body(json!({"B": 2})))); // dropped while waiting
    let kept = executor.submit(6, body(json!({"C": 3})));
    // A caller polled inside a task that is aborted.
    let aborted = tokio::spawn(executor.submit(6, body(json!({"D": 4}))));
    aborted.abort();
    op.release(2);
    assert_eq!(ok(kept).await.merged_writes(), 3);
    assert_eq!(
        op.record(6),
        Some(body(json!({"A": 1, "B": 2, "C": 3, "D": 4})))
    );
    wait_idle(&executor).await;
}

/// Pitfall: followers hanging after a panic. The panicking operation's callers get a typed
/// error, writes waiting behind it still run, and the map empties.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pitfall_panic_never_strands_waiters() {
    let (op, mut started) = FakeOp::gated();
    let executor = Executor::new(op.clone());
    let first = executor.submit(7, body(json!({"A": 1})));
    next_started(&mut started).await;
    let panicking = executor.submit(7, body(json!({"panic": 1})));
    let merged_with_panic = executor.submit(7, body(json!({"B": 2})));
    op.release(2);
    ok(first).await;
    let panicked = Err(FakeError::Executor(ExecutorFailure::Panicked {
        message: "fake operation asked to panic".to_owned(),
    }));
    assert_eq!(resolve(panicking).await, panicked);
    assert_eq!(resolve(merged_with_panic).await, panicked);
    // The key keeps working afterwards.
    op.release(1);
    ok(executor.submit(7, body(json!({"C": 3})))).await;
    assert_eq!(op.record(7), Some(body(json!({"A": 1, "C": 3}))));
    assert_eq!(executor.stats().panics, 1);
    wait_idle(&executor).await;
}

/// Pitfall: followers receiving a fake error. Every caller of a failed merged operation gets
/// the operation's own error, unchanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pitfall_followers_receive_the_true_error() {
    let (op, mut started) = FakeOp::gated();
    let executor = Executor::new(op.clone());
    let first = executor.submit(8, body(json!({"A": 1})));
    next_started(&mut started).await;
    let followers: Vec<_> = (0..5)
        .map(|i| executor.submit(8, body(json!({format!("F{i}"): i}))))
        .collect();
    let error = FakeError::Server {
        status: 503,
        message: "SERVER_UNAVAILABLE: try again".to_owned(),
    };
    op.fail_op(2, error.clone()); // the merged operation of the five followers
    op.release(2);
    ok(first).await;
    for follower in followers {
        assert_eq!(resolve(follower).await, Err(error.clone()));
    }
    wait_idle(&executor).await;
}

/// Pitfall: key maps that grow with cancelled waiters. Thousands of writes whose callers all
/// stop waiting still run, and the map returns to empty.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pitfall_map_does_not_grow_with_cancelled_waiters() {
    let op = FakeOp::jittery();
    let executor = Executor::new(op.clone());
    let mut expected = std::collections::HashMap::new();
    for i in 0..10_000u32 {
        let key = i % 1_000;
        let write = body(json!({"N": i}));
        expected.insert(key, write.clone());
        drop(executor.submit(key, write));
    }
    wait_idle(&executor).await;
    assert_eq!(executor.in_flight_keys(), 0);
    assert_eq!(op.store(), expected);
    let stats = executor.stats();
    assert_eq!(stats.writes_submitted, 10_000);
    assert_eq!(stats.operations + stats.writes_merged, 10_000, "{stats:?}");
}

/// Pitfall: drained work lost when a flush fails. When the in-flight operation fails, the
/// writes waiting behind it still run; when a merged flush fails, every write drained into it
/// gets the error, and writes queued during the failed flush still run.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pitfall_drained_work_is_not_lost_when_a_flush_fails() {
    let (op, mut started) = FakeOp::gated();
    let executor = Executor::new(op.clone());
    let error = FakeError::Server {
        status: 500,
        message: "UNKNOWN_EXCEPTION".to_owned(),
    };
    op.fail_op(1, error.clone());
    op.fail_op(2, error.clone());
    let first = executor.submit(2, body(json!({"A": 1})));
    next_started(&mut started).await;
    let waiting: Vec<_> = (0..3)
        .map(|i| executor.submit(2, body(json!({"W": i}))))
        .collect();
    op.release(1);
    assert_eq!(resolve(first).await, Err(error.clone()));
    // The waiting writes are flushed as one operation...
    assert_eq!(next_started(&mut started).await.1, body(json!({"W": 2})));
    // ... which fails too (operation 2), while another write queues behind it.
    let after = executor.submit(2, body(json!({"Z": 9})));
    op.release(1);
    for w in waiting {
        assert_eq!(resolve(w).await, Err(error.clone()));
    }
    op.release(1);
    ok(after).await;
    assert_eq!(op.record(2), Some(body(json!({"Z": 9}))));
    assert_eq!(executor.stats().failed_operations, 2);
    wait_idle(&executor).await;
}
