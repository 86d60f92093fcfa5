//! Property test: over random interleavings, policies and field sets (including explicit
//! nulls and content-rejected writes), the final state of every key equals applying its
//! writes sequentially in submission order, and every caller resolves exactly once with the
//! outcome its own write deserves.

use std::time::Duration;

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::testing::{Body, FakeError, FakeOp, apply_sequentially};
use super::{Executor, Policy};

#[derive(Debug, Clone)]
struct Step {
    key: u32,
    write: Body,
    /// Yields before the next submission, to vary what is in flight.
    pause: u8,
}

fn write_strategy() -> impl Strategy<Value = Body> {
    let value = prop_oneof![Just(Value::Null), (0i64..5).prop_map(Value::from)];
    let field = prop_oneof![Just("A"), Just("B"), Just("C"), Just("D"), Just("bad")];
    proptest::collection::vec((field, value), 1..4).prop_map(|fields| {
        let mut body = Map::new();
        for (field, value) in fields {
            body.insert(field.to_owned(), value);
        }
        body
    })
}

fn step_strategy() -> impl Strategy<Value = Step> {
    (0u32..4, write_strategy(), 0u8..4).prop_map(|(key, write, pause)| Step { key, write, pause })
}

fn run_case(steps: Vec<Step>, policy: Policy) -> Result<(), TestCaseError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(3)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let op = FakeOp::jittery();
        let executor = Executor::with_policy(op.clone(), policy);
        let mut callers = Vec::new();
        for step in &steps {
            let submitted = executor.submit(step.key, step.write.clone());
            callers.push(tokio::spawn(submitted));
            for _ in 0..step.pause {
                tokio::task::yield_now().await;
            }
        }
        let mut resolved = 0;
        for (step, caller) in steps.iter().zip(callers) {
            let reply = tokio::time::timeout(Duration::from_secs(30), caller)
                .await
                .map_err(|_| TestCaseError::fail("a caller never resolved"))?
                .unwrap();
            resolved += 1;
            if step.write.contains_key("bad") {
                prop_assert!(matches!(reply, Err(FakeError::Content(_))), "{reply:?}");
            } else {
                prop_assert!(reply.is_ok(), "{reply:?}");
            }
        }
        prop_assert_eq!(resolved, steps.len());
        prop_assert_eq!(op.max_in_flight(), 1);
        for key in 0..4 {
            let writes = steps.iter().filter(|s| s.key == key).map(|s| &s.write);
            prop_assert_eq!(op.record(key), apply_sequentially(writes), "key {}", key);
        }
        // Entries go away once every write resolved (the runner may still be exiting).
        let idle = tokio::time::timeout(Duration::from_secs(30), async {
            while !executor.is_idle() {
                tokio::task::yield_now().await;
            }
        });
        prop_assert!(idle.await.is_ok(), "key map never emptied");
        let stats = executor.stats();
        prop_assert_eq!(stats.writes_submitted, steps.len() as u64);
        if policy == Policy::Serialize {
            prop_assert_eq!(stats.operations, steps.len() as u64);
        }
        Ok(())
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn merged_execution_equals_sequential_application(
        steps in proptest::collection::vec(step_strategy(), 1..60),
    ) {
        run_case(steps, Policy::Merge)?;
    }

    #[test]
    fn serialized_execution_equals_sequential_application(
        steps in proptest::collection::vec(step_strategy(), 1..40),
    ) {
        run_case(steps, Policy::Serialize)?;
    }
}
