//! Model-based test: random interleavings of submits, dropped caller futures, injected
//! operation failures, content rejections and panics, on a paused-time runtime (virtual time:
//! the operation's latency elapses instantly and deterministically), checked against a
//! reference of sequential semantics:
//!
//! - every caller that kept its future resolves exactly once; a write fails only if it was
//!   rejected for its own content, or its operation failed or panicked;
//! - per key, the final record is the sequential application, in submission order, of the
//!   writes that succeeded, plus any subset of the dropped writes (their outcome is unseen)
//!   and nothing that failed;
//! - never two operations for one key at once, and the key map is empty at the end.

use std::time::Duration;

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::testing::{Body, FakeError, FakeOp, apply_sequentially};
use super::{Executor, Policy};

#[derive(Debug, Clone)]
enum Step {
    /// Submit a write; `drop` abandons the caller's future right away.
    Submit { key: u32, write: Body, drop: bool },
    /// Let virtual time pass (operations complete meanwhile).
    Advance(u8),
}

fn write_strategy() -> impl Strategy<Value = Body> {
    let value = prop_oneof![Just(Value::Null), (0i64..9).prop_map(Value::from)];
    let field = prop_oneof![
        6 => Just("A"),
        6 => Just("B"),
        6 => Just("C"),
        1 => Just("bad"),
        1 => Just("panic"),
    ];
    proptest::collection::vec((field, value), 1..3).prop_map(|fields| {
        let mut body = Map::new();
        for (field, value) in fields {
            body.insert(field.to_owned(), value);
        }
        body
    })
}

fn step_strategy() -> impl Strategy<Value = Step> {
    prop_oneof![
        5 => (0u32..3, write_strategy(), proptest::bool::weighted(0.2))
            .prop_map(|(key, write, drop)| Step::Submit { key, write, drop }),
        2 => (0u8..20).prop_map(Step::Advance),
    ]
}

/// Whether applying `kept` in order, plus some subset of `maybe` (each write keeps its place
/// in submission order), can give `actual`.
fn explains(writes: &[(usize, &Body, Outcome)], actual: &Option<Body>) -> bool {
    let maybe: Vec<usize> = writes
        .iter()
        .filter(|(_, _, o)| *o == Outcome::Unknown)
        .map(|(i, _, _)| *i)
        .collect();
    (0u32..1 << maybe.len().min(12)).any(|mask| {
        let applied = writes.iter().filter(|(i, _, o)| match o {
            Outcome::Ok => true,
            Outcome::Failed => false,
            Outcome::Unknown => {
                let bit = maybe.iter().position(|m| m == i).unwrap();
                mask & (1 << bit) != 0
            }
        });
        apply_sequentially(applied.map(|(_, b, _)| *b)) == *actual
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Ok,
    Failed,
    Unknown,
}

fn run_case(steps: Vec<Step>, failing_ops: Vec<u64>, policy: Policy) -> Result<(), TestCaseError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    runtime.block_on(async move {
        let op = FakeOp::with_latency(Duration::from_millis(3));
        for n in &failing_ops {
            op.fail_op(
                *n,
                FakeError::Server {
                    status: 503,
                    message: format!("injected on operation {n}"),
                },
            );
        }
        let executor = Executor::with_policy(op.clone(), policy);
        let mut submitted: Vec<(u32, Body, Option<tokio::task::JoinHandle<_>>)> = Vec::new();
        for step in &steps {
            match step {
                Step::Submit { key, write, drop } => {
                    let future = executor.submit(*key, write.clone());
                    let handle = if *drop {
                        std::mem::drop(future);
                        None
                    } else {
                        Some(tokio::spawn(future))
                    };
                    submitted.push((*key, write.clone(), handle));
                }
                Step::Advance(ms) => {
                    tokio::time::sleep(Duration::from_millis(u64::from(*ms))).await;
                }
            }
        }
        let mut outcomes = Vec::new();
        for (_, write, handle) in &mut submitted {
            let outcome = match handle.take() {
                None => Outcome::Unknown,
                Some(handle) => {
                    let reply = tokio::time::timeout(Duration::from_secs(3600), handle)
                        .await
                        .map_err(|_| TestCaseError::fail("a caller never resolved"))?
                        .unwrap();
                    match reply {
                        Ok(_) => {
                            prop_assert!(
                                !write.contains_key("bad") && !write.contains_key("panic")
                            );
                            Outcome::Ok
                        }
                        Err(FakeError::Content(_)) => {
                            prop_assert!(write.contains_key("bad"), "{write:?}");
                            Outcome::Failed
                        }
                        Err(_) => Outcome::Failed,
                    }
                }
            };
            outcomes.push(outcome);
        }
        // Dropped writes still run: wait until the executor is idle.
        tokio::time::timeout(Duration::from_secs(3600), async {
            while !executor.is_idle() {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        })
        .await
        .map_err(|_| TestCaseError::fail("the key map never emptied"))?;
        prop_assert!(op.max_in_flight() <= 1);
        for key in 0..3 {
            let writes: Vec<(usize, &Body, Outcome)> = submitted
                .iter()
                .zip(&outcomes)
                .enumerate()
                .filter(|(_, ((k, _, _), _))| *k == key)
                .map(|(i, ((_, body, _), outcome))| (i, body, *outcome))
                .collect();
            // A write with "bad" or "panic" never applies, whoever asked.
            let writes: Vec<_> = writes
                .into_iter()
                .map(|(i, b, o)| {
                    if b.contains_key("bad") || b.contains_key("panic") {
                        (i, b, Outcome::Failed)
                    } else {
                        (i, b, o)
                    }
                })
                .collect();
            let actual = op.record(key);
            prop_assert!(
                explains(&writes, &actual),
                "key {}: {:?} does not follow from {:?}",
                key,
                actual,
                writes
            );
        }
        Ok(())
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn interleavings_match_sequential_semantics(
        steps in proptest::collection::vec(step_strategy(), 1..50),
        failing_ops in proptest::collection::vec(1u64..60, 0..6),
        serialize in proptest::bool::weighted(0.25),
    ) {
        let policy = if serialize { Policy::Serialize } else { Policy::Merge };
        run_case(steps, failing_ops, policy)?;
    }
}
