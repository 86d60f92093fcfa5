//! Automatic batching inside `Client::upsert`, against the emulator over real HTTP with the
//! 200 ms commit window open: outcomes routed per caller, races retried per record, no request
//! holding one key twice, final state equal to sequential application per key.
mod support;

use std::collections::HashMap;

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use sforce::client::{BatchPolicy, RetryBudget, RetryPolicy, RetryReason, UpsertKey, WritePolicy};
use sforce::error::ErrorCode;
use sforce_emulator::Emulator;
use support::{
    HANG, client, client_builder, emulator_with_latency, obj, stored_task, wait_idle,
    windowed_emulator,
};

fn key(value: &str) -> UpsertKey {
    UpsertKey::new("Task", "uuid__c", value)
}

/// The records (by folded key) of each collection upsert request in the emulator's log.
fn collection_keys(emu: &Emulator) -> Vec<Vec<String>> {
    emu.request_log()
        .iter()
        .filter(|r| r.method == "PATCH" && r.path.ends_with("/composite/sobjects/Task/uuid__c"))
        // A request answered by an injected failure may be logged without its body.
        .filter_map(|r| serde_json::from_str::<Value>(&r.body).ok())
        .map(|body| {
            body["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|rec| rec["uuid__c"].as_str().unwrap().to_lowercase())
                .collect()
        })
        .collect()
}

fn assert_no_request_holds_a_key_twice(emu: &Emulator) {
    for keys in collection_keys(emu) {
        let mut sorted = keys.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            sorted.len(),
            keys.len(),
            "a request holds a key twice: {keys:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_batch_mixing_created_updated_and_rejected_routes_each_outcome_to_its_caller() {
    let emu = windowed_emulator().await;
    let client = client(&emu);
    client
        .upsert(&key("Old"), &json!({"Subject": "before"}))
        .await
        .unwrap();
    emu.clear_request_log();

    let too_long = "x".repeat(300);
    let writes = [
        ("New1", json!({"Subject": "n1"})),
        ("Old", json!({"Subject": "after"})),
        ("Bad", json!({"Subject": too_long})),
        ("New2", json!({"Subject": "n2"})),
    ];
    let futures: Vec<_> = writes
        .iter()
        .map(|(k, body)| tokio::spawn(client.upsert(&key(k), body)))
        .collect();
    let mut results = Vec::new();
    for f in futures {
        results.push(tokio::time::timeout(HANG, f).await.unwrap().unwrap());
    }
    let new1 = results[0].as_ref().unwrap();
    assert!(new1.created());
    assert_eq!(new1.id().as_str(), stored_task(&emu, "New1")["Id"]);
    let old = results[1].as_ref().unwrap();
    assert!(!old.created());
    assert_eq!(old.id().as_str(), stored_task(&emu, "Old")["Id"]);
    let bad = results[2].as_ref().unwrap_err();
    assert_eq!(bad.api_code(), Some(&ErrorCode::StringTooLong));
    assert_eq!(bad.status(), Some(400));
    assert!(results[3].as_ref().unwrap().created());
    assert_eq!(stored_task(&emu, "Old")["Subject"], "after");
    // At least the last three went together (the first may have gone alone).
    let batches = collection_keys(&emu);
    assert!(batches.iter().any(|b| b.len() >= 3), "{batches:?}");
    assert_no_request_holds_a_key_twice(&emu);
    wait_idle(&client).await;
}

/// How many logged upsert requests carried `value`: in a collection body or as a
/// single-record PATCH.
fn requests_carrying(emu: &Emulator, value: &str) -> usize {
    let folded = value.to_lowercase();
    let in_collections = collection_keys(emu)
        .iter()
        .filter(|keys| keys.contains(&folded))
        .count();
    let alone = emu
        .request_log()
        .iter()
        .filter(|r| r.method == "PATCH" && r.path.ends_with(&format!("/uuid__c/{value}")))
        .count();
    in_collections + alone
}

/// Arms another process's insert of "Contested" inside the commit window of the upsert that
/// looks it up, then writes Free1, Contested and Free2 at once; returns their outcomes.
async fn race_contested(
    emu: &Emulator,
    client: &sforce::Client,
) -> Vec<sforce::error::Result<sforce::client::UpsertOutcome>> {
    let theirs = obj(json!({"uuid__c": "Contested", "Subject": "theirs", "Status": "Completed"}));
    emu.insert_during_commit_window("Task", "uuid__c", "Contested", theirs)
        .unwrap();
    let futures: Vec<_> = ["Free1", "Contested", "Free2"]
        .iter()
        .map(|k| tokio::spawn(client.upsert(&key(k), &json!({"Subject": format!("ours {k}")}))))
        .collect();
    let mut outcomes = Vec::new();
    for f in futures {
        outcomes.push(tokio::time::timeout(HANG, f).await.unwrap().unwrap());
    }
    outcomes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_record_racing_another_process_is_retried_alone() {
    let emu = windowed_emulator().await;
    let client = client(&emu);
    let outcomes = race_contested(&emu, &client).await;

    // Every caller got its true outcome: the free keys created at once, the contested one
    // updated on its second request (it lost the insert race, then found the record).
    for i in [0, 2] {
        let free = outcomes[i].as_ref().unwrap();
        assert!(free.created());
        assert_eq!(free.attempts(), 1);
    }
    let contested = outcomes[1].as_ref().unwrap();
    assert!(!contested.created());
    assert_eq!(contested.attempts(), 2);
    let record = stored_task(&emu, "Contested");
    assert_eq!(contested.id().as_str(), record["Id"]);
    assert_eq!(record["Subject"], "ours Contested");
    assert_eq!(record["Status"], "Completed");
    assert_eq!(
        emu.find_all_by_external_id("Task", "uuid__c", "Contested")
            .len(),
        1
    );
    // Exactly that record was sent again; the others were not re-sent.
    assert_eq!(requests_carrying(&emu, "Contested"), 2);
    assert_eq!(requests_carrying(&emu, "Free1"), 1);
    assert_eq!(requests_carrying(&emu, "Free2"), 1);
    // The retry is the pipeline's kind: counted by reason, paid from the budget.
    let requests = client.request_stats();
    assert_eq!(
        requests.retries_for(RetryReason::DuplicateKey),
        1,
        "{requests:?}"
    );
    assert_eq!(client.write_stats().duplicate_retries, 1);
    assert_no_request_holds_a_key_twice(&emu);
    wait_idle(&client).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_racing_record_is_not_retried_past_the_budget_or_the_policy() {
    for by_budget in [true, false] {
        let emu = windowed_emulator().await;
        let builder = client_builder(&emu);
        let client = if by_budget {
            builder.retry_budget(RetryBudget::new().capacity(0))
        } else {
            builder.retry_policy(RetryPolicy::new().max_attempts(1))
        }
        .build()
        .unwrap();
        let outcomes = race_contested(&emu, &client).await;
        // Only the raced record surfaces DUPLICATE_VALUE; the others were written once.
        let error = outcomes[1].as_ref().unwrap_err();
        assert_eq!(
            error.api_code(),
            Some(&ErrorCode::DuplicateValue),
            "{error}"
        );
        for (i, name) in [(0, "Free1"), (2, "Free2")] {
            assert!(outcomes[i].as_ref().unwrap().created());
            assert_eq!(stored_task(&emu, name)["Subject"], format!("ours {name}"));
            assert_eq!(requests_carrying(&emu, name), 1);
        }
        assert_eq!(requests_carrying(&emu, "Contested"), 1, "not retried");
        assert_eq!(stored_task(&emu, "Contested")["Subject"], "theirs");
        let stats = client.request_stats();
        assert_eq!(stats.retries_for(RetryReason::DuplicateKey), 0);
        assert_eq!(stats.exhausted_for(RetryReason::DuplicateKey), 1);
        assert_eq!(stats.budget_refusals, u64::from(by_budget), "{stats:?}");
        assert_eq!(stats.retries_exhausted, u64::from(!by_budget), "{stats:?}");
        assert_eq!(client.write_stats().retries_exhausted, 1);
        wait_idle(&client).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_keep_merging_while_their_record_waits_for_its_batch() {
    let emu = emulator_with_latency(std::time::Duration::from_millis(500)).await;
    let client = client(&emu);
    // A batch of the lane in flight: writes made ready now wait for the next one.
    let busy = tokio::spawn(client.upsert(&key("Busy"), &json!({"Subject": "b"})));
    while emu.max_in_flight_per_key() == 0 {
        tokio::task::yield_now().await;
    }
    let mut futures = Vec::new();
    for i in 1..=3 {
        for k in ["X", "Y"] {
            let body = json!({"Subject": format!("{k}{i}"), "Description": format!("d{i}")});
            futures.push(tokio::spawn(client.upsert(&key(k), &body)));
        }
    }
    busy.await.unwrap().unwrap();
    for f in futures {
        let outcome = tokio::time::timeout(HANG, f)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        // All three writes of each record rode in one record of one request.
        assert_eq!(outcome.merged_writes(), 3);
        assert!(outcome.created());
    }
    assert_eq!(requests_carrying(&emu, "X"), 1);
    assert_eq!(requests_carrying(&emu, "Y"), 1);
    // Together, in the one request after the busy one.
    let batches = collection_keys(&emu);
    assert_eq!(batches.len(), 1, "{batches:?}");
    let mut together = batches[0].clone();
    together.sort();
    assert_eq!(together, ["x", "y"]);
    for k in ["X", "Y"] {
        let stored = stored_task(&emu, k);
        assert_eq!(stored["Subject"], format!("{k}3"));
    }
    wait_idle(&client).await;
}

/// Group commit must not depend on how the runtime schedules the drivers a returning batch
/// wakes: the writes that waited while their records were in flight go out in ONE request,
/// even when answering that batch also wakes hundreds of callers on every worker.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_that_waited_behind_a_returning_batch_go_out_together() {
    const KEYS: usize = 150;
    const CALLERS_PER_KEY: usize = 4;
    let emu = emulator_with_latency(std::time::Duration::from_millis(300)).await;
    let client = client(&emu);
    let name = |k: usize| format!("G{k}");
    // A lone write in flight first, so the first writes of every key wait for one batch.
    let busy = tokio::spawn(client.upsert(&key("Busy"), &json!({"Subject": "b"})));
    while emu.max_in_flight_per_key() == 0 {
        tokio::task::yield_now().await;
    }
    let mut first = Vec::new();
    for k in 0..KEYS {
        first.push(tokio::spawn(
            client.upsert(&key(&name(k)), &json!({"Subject": "first"})),
        ));
    }
    busy.await.unwrap().unwrap();
    // Once that batch is in flight (the emulator logs a request only when it has answered
    // it), every later write waits for it to return.
    emu.reset_max_requests_in_flight();
    tokio::time::timeout(HANG, async {
        while emu.max_requests_in_flight() == 0 {
            tokio::task::yield_now().await;
        }
    })
    .await
    .unwrap();
    assert!(
        collection_keys(&emu).is_empty(),
        "submitted while it is in flight"
    );
    let mut later = Vec::new();
    for k in 0..KEYS {
        for c in 0..CALLERS_PER_KEY {
            let body = json!({"Subject": format!("later {c}")});
            later.push(tokio::spawn(client.upsert(&key(&name(k)), &body)));
        }
    }
    for f in first.into_iter().chain(later) {
        tokio::time::timeout(HANG, f)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
    }
    let batches = collection_keys(&emu);
    let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
    let log: Vec<String> = emu
        .request_log()
        .iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(sizes, [KEYS, KEYS], "one request per round trip: {log:#?}");
    for k in 0..KEYS {
        let stored = stored_task(&emu, &name(k));
        assert_eq!(stored["Subject"], format!("later {}", CALLERS_PER_KEY - 1));
    }
    assert_no_request_holds_a_key_twice(&emu);
    wait_idle(&client).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_request_level_failure_reaches_every_caller_in_it() {
    let emu = windowed_emulator().await;
    let client = client_builder(&emu)
        .retry_policy(sforce::client::RetryPolicy::disabled())
        .build()
        .unwrap();
    client
        .upsert(&key("warm"), &json!({"Subject": "w"}))
        .await
        .unwrap();
    emu.fail_next(
        sforce_emulator::Failure::status(400)
            .for_path_containing("/composite/sobjects/Task/uuid__c")
            .times(1),
    );
    let futures: Vec<_> = (0..5)
        .map(|i| tokio::spawn(client.upsert(&key(&format!("F{i}")), &json!({"Subject": "s"}))))
        .collect();
    let mut errors = 0;
    for (i, f) in futures.into_iter().enumerate() {
        match f.await.unwrap() {
            Err(error) => {
                // The injected request-level 400, unchanged, and nothing written for it.
                assert_eq!(error.status(), Some(400), "{error}");
                assert!(
                    emu.find_by_external_id("Task", "uuid__c", &format!("F{i}"))
                        .is_none()
                );
                errors += 1;
            }
            Ok(_) => assert!(
                emu.find_by_external_id("Task", "uuid__c", &format!("F{i}"))
                    .is_some()
            ),
        }
    }
    assert!(errors >= 1, "the failed request's callers got its error");
    wait_idle(&client).await;
}

/// Runs one burst of `writes` (key index, body) through `client`, all submitted before any is
/// awaited; returns how many callers resolved.
async fn run_burst(client: &sforce::Client, writes: &[(usize, Map<String, Value>)]) -> usize {
    let futures: Vec<_> = writes
        .iter()
        .map(|(k, body)| tokio::spawn(client.upsert(&key(&format!("P{k}")), body)))
        .collect();
    let mut resolved = 0;
    for f in futures {
        tokio::time::timeout(HANG, f)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        resolved += 1;
    }
    resolved
}

fn write_strategy() -> impl Strategy<Value = Vec<(usize, Map<String, Value>)>> {
    let body = prop::collection::btree_map(
        prop::sample::select(vec!["Subject", "Description", "ReasonText__c"]),
        prop::option::of("[a-z]{1,6}"),
        1..3,
    )
    .prop_map(|fields| {
        fields
            .into_iter()
            .map(|(f, v)| (f.to_owned(), v.map_or(Value::Null, Value::String)))
            .collect::<Map<String, Value>>()
    });
    prop::collection::vec((0usize..30, body), 1..120)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn random_bursts_equal_sequential_application_per_key(writes in write_strategy()) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let emu = support::emulator_with_latency(std::time::Duration::from_millis(20)).await;
            let client = client(&emu);
            let resolved = run_burst(&client, &writes).await;
            assert_eq!(resolved, writes.len(), "each caller resolved once");
            wait_idle(&client).await;
            // Sequential application per key.
            let mut expected: HashMap<usize, Map<String, Value>> = HashMap::new();
            for (k, body) in &writes {
                let record = expected.entry(*k).or_default();
                for (f, v) in body {
                    record.insert(f.clone(), v.clone());
                }
            }
            for (k, fields) in &expected {
                let stored = stored_task(&emu, &format!("P{k}"));
                for (f, v) in fields {
                    assert_eq!(stored.get(f).unwrap_or(&Value::Null), v, "P{k}.{f}");
                }
            }
            assert_eq!(emu.records("Task").len(), expected.len());
            assert_no_request_holds_a_key_twice(&emu);
            assert_eq!(emu.max_in_flight_per_key(), 1);
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn batching_off_and_old_api_versions_send_single_upserts() {
    let emu = windowed_emulator().await;
    for client in [
        client_builder(&emu)
            .write_policy(WritePolicy::new().batching(BatchPolicy::disabled()))
            .build()
            .unwrap(),
        client_builder(&emu).api_version("45.0").build().unwrap(),
    ] {
        let futures: Vec<_> = (0..10)
            .map(|i| {
                tokio::spawn(client.upsert(&key(&format!("S{i}")), &obj(json!({"Subject": "s"}))))
            })
            .collect();
        for f in futures {
            f.await.unwrap().unwrap();
        }
        assert_eq!(client.write_stats().collection_requests, 0);
    }
    assert!(collection_keys(&emu).is_empty());
}
