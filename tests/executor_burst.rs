//! The write executor under real concurrency, against the embedded emulator with its 200 ms
//! commit window open: bursts over many keys, cross-client races, key normalization, policy.
//! No timing assertions: counts come from the emulator's request log and in-flight tracker.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Map, Value, json};
use sforce::client::{Client, RetryPolicy, UpsertKey, WritePolicy};
use sforce_emulator::{Emulator, Failure};
use support::{HANG, client, client_builder, obj, stored_task, wait_idle, windowed_emulator};

fn client_with(emu: &Emulator, policy: WritePolicy) -> Client {
    client_builder(emu)
        .write_policy(policy)
        .build()
        .expect("client")
}

/// Upsert PATCH requests the emulator answered for `uuid__c` = `value` (exact segment).
fn patches_for(emu: &Emulator, value: &str) -> usize {
    let suffix = format!("/sobjects/Task/uuid__c/{value}");
    let in_collection = |body: &str| {
        serde_json::from_str::<Value>(body).is_ok_and(|b| {
            b["records"]
                .as_array()
                .is_some_and(|records| records.iter().any(|r| r["uuid__c"] == value))
        })
    };
    emu.request_log()
        .iter()
        .filter(|r| r.method == "PATCH")
        .filter(|r| {
            r.path.ends_with(&suffix)
                || (r.path.ends_with("/composite/sobjects/Task/uuid__c") && in_collection(&r.body))
        })
        .count()
}

/// Asserts that every field of `expected` is stored on the record with that value.
fn assert_record(emu: &Emulator, value: &str, expected: &Map<String, Value>) {
    let stored = stored_task(emu, value);
    for (field, want) in expected {
        assert_eq!(stored.get(field), Some(want), "{value}.{field}: {stored:?}");
    }
}

/// A random valid write over a few Task fields, explicit nulls included.
fn random_write(task: usize, seq: usize) -> Map<String, Value> {
    let mut body = Map::new();
    let stamp = format!("t{task}-w{seq}");
    for _ in 0..fastrand::usize(1..4) {
        match fastrand::u8(0..5) {
            0 => body.insert("Subject".into(), json!(stamp)),
            1 => body.insert("Description".into(), json!(stamp)),
            2 => body.insert(
                "CallDurationInSeconds".into(),
                json!(fastrand::i32(0..10_000)),
            ),
            3 => body.insert("ReasonText__c".into(), json!(stamp)),
            _ => body.insert("AsteriskId__c".into(), Value::Null),
        };
    }
    body
}

/// Fold of writes in order: the record each key must end with.
fn fold<'a>(writes: impl IntoIterator<Item = &'a Map<String, Value>>) -> Map<String, Value> {
    let mut record = Map::new();
    for write in writes {
        for (field, value) in write {
            record.insert(field.clone(), value.clone());
        }
    }
    record
}

/// Writes in submission order: (external-ID value, body).
type SubmissionLog = Arc<Mutex<Vec<(String, Map<String, Value>)>>>;

/// One burst: `tasks` tasks submit `writes` writes over `keys` keys as fast as they can (each
/// task queues all its writes, then awaits them). Submission order is recorded under a lock
/// around the (synchronous) submission, so it is the executor's order exactly.
async fn burst(
    client: &Client,
    tasks: usize,
    writes: usize,
    keys: &[String],
    order: &SubmissionLog,
) -> usize {
    let barrier = Arc::new(tokio::sync::Barrier::new(tasks));
    let mut handles = Vec::new();
    for task in 0..tasks {
        let (client, order, barrier) = (client.clone(), Arc::clone(order), Arc::clone(&barrier));
        let keys = keys.to_vec();
        let mine = writes / tasks + usize::from(task < writes % tasks);
        handles.push(tokio::spawn(async move {
            barrier.wait().await;
            let mut pending = Vec::new();
            for seq in 0..mine {
                let value = keys[fastrand::usize(0..keys.len())].clone();
                let write = random_write(task, seq);
                let key = UpsertKey::new("Task", "uuid__c", value.clone());
                let mut order = order.lock().unwrap();
                pending.push(client.upsert(&key, &write));
                order.push((value, write));
            }
            let mut errors = Vec::new();
            for outcome in pending {
                if let Err(err) = outcome.await {
                    errors.push(err);
                }
            }
            errors
        }));
    }
    let mut errors = Vec::new();
    for handle in handles {
        errors.extend(
            tokio::time::timeout(HANG, handle)
                .await
                .expect("hang")
                .unwrap(),
        );
    }
    assert!(
        errors.is_empty(),
        "{} errors, first: {}",
        errors.len(),
        errors[0]
    );
    errors.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thousand_writes_fifty_keys_sixty_four_tasks_no_error_in_order_at_most_two_requests_per_key()
 {
    let emu = windowed_emulator().await;
    let client = client(&emu);
    let keys: Vec<String> = (0..50).map(|i| format!("burst-{i}")).collect();
    let order = Arc::new(Mutex::new(Vec::new()));

    // Burst 1 creates the records, burst 2 updates them.
    for round in 1..=2 {
        assert_eq!(burst(&client, 64, 1_000, &keys, &order).await, 0);
        wait_idle(&client).await;
        let order = order.lock().unwrap().clone();
        for key in &keys {
            let writes = order.iter().filter(|(k, _)| k == key).map(|(_, w)| w);
            assert_record(&emu, key, &fold(writes));
            let requests = patches_for(&emu, key);
            assert!(
                requests <= 2 * round,
                "{key}: {requests} requests after {round} burst(s)"
            );
        }
    }
    assert_eq!(emu.max_in_flight_per_key(), 1);
    assert_eq!(emu.records("Task").len(), 50, "one record per key");
    assert_eq!(client.writes_in_flight(), 0);
    let stats = client.write_stats();
    assert_eq!(stats.writes_submitted, 2_000);
    // With automatic batching, one operation per record rides in a collection request or
    // goes alone: the HTTP requests are the batcher's.
    assert_eq!(
        (stats.lone_requests + stats.collection_requests) as usize,
        emu.request_count_matching("PATCH", "/uuid__c")
    );
    assert_eq!(
        stats.requests_sent + stats.writes_merged,
        2_000,
        "{stats:?}"
    );
    assert_eq!((stats.duplicate_retries, stats.failed_upserts), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_clients_racing_on_one_new_key_both_succeed_after_one_retry() {
    let emu = windowed_emulator().await;
    // Two clients = two executors, as two processes would have.
    let (a, b) = (client(&emu), client(&emu));
    let key = UpsertKey::new("Task", "uuid__c", "cross-process-1");
    let write_a = json!({"Subject": "from A", "Description": "A"});
    let write_b = json!({"CallDurationInSeconds": 42, "ReasonText__c": "B"});
    let (ra, rb) = tokio::join!(
        tokio::spawn(a.upsert(&key, &write_a)),
        tokio::spawn(b.upsert(&key, &write_b)),
    );
    let (ra, rb) = (ra.unwrap().expect("A"), rb.unwrap().expect("B"));
    assert_eq!(ra.id(), rb.id());
    let (winner, loser) = if ra.created() { (ra, rb) } else { (rb, ra) };
    assert!(winner.created() && !loser.created());
    assert_eq!(winner.attempts(), 1);
    assert!(loser.attempts() >= 2, "the loser retried: {loser:?}");
    let retries = a.write_stats().duplicate_retries + b.write_stats().duplicate_retries;
    assert_eq!(retries as u32, loser.attempts() - 1);
    // The DUPLICATE_VALUE the loser hit is in the log, followed by its successful retry.
    let log = emu.request_log();
    assert_eq!(log.iter().filter(|r| r.status == 400).count(), 1);
    assert_eq!(emu.records("Task").len(), 1);
    let mut expected = obj(write_a);
    expected.extend(obj(write_b));
    assert_record(&emu, "cross-process-1", &expected);
}

fn duplicate_on(field: &str) -> Failure {
    Failure::status(400).body(json!([{
        "message": format!("duplicate value found: {field} duplicates value on record with id: 00T000000000001EAA"),
        "errorCode": "DUPLICATE_VALUE",
        "fields": []
    }]))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn race_retry_is_bounded_then_surfaces_duplicate_value_and_other_fields_are_not_retried() {
    let emu = windowed_emulator().await;
    emu.set_commit_latency(Duration::ZERO);
    let retry = RetryPolicy::new()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(5));
    let client = client_builder(&emu)
        .retry_policy(retry)
        .build()
        .expect("client");

    // A DUPLICATE_VALUE on the key's own field that never clears: 3 attempts, then the error.
    emu.fail_next(
        duplicate_on("uuid__c")
            .for_path_containing("uuid__c/persist")
            .times(10),
    );
    let key = UpsertKey::new("Task", "uuid__c", "persist");
    let err = client
        .upsert(&key, &json!({"Subject": "x"}))
        .await
        .unwrap_err();
    assert!(err.is_duplicate_on_field("uuid__c"), "{err}");
    assert_eq!(patches_for(&emu, "persist"), 3);
    let stats = client.write_stats();
    assert_eq!((stats.duplicate_retries, stats.retries_exhausted), (2, 1));

    // A DUPLICATE_VALUE on another unique field is the content's fault: not retried.
    emu.clear_failures();
    emu.fail_next(duplicate_on("Code__c").for_path_containing("uuid__c/other"));
    let key = UpsertKey::new("Task", "uuid__c", "other");
    let err = client
        .upsert(&key, &json!({"Code__c": "X"}))
        .await
        .unwrap_err();
    assert!(err.is_duplicate_on_field("Code__c"), "{err}");
    assert_eq!(patches_for(&emu, "other"), 1);
    assert_eq!(client.write_stats().duplicate_retries, 2);

    // Retry disabled: the race's DUPLICATE_VALUE surfaces on the first attempt.
    let none = client_builder(&emu)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");
    emu.fail_next(duplicate_on("uuid__c").for_path_containing("uuid__c/once"));
    let key = UpsertKey::new("Task", "uuid__c", "once");
    let err = none
        .upsert(&key, &json!({"Subject": "x"}))
        .await
        .unwrap_err();
    assert!(err.is_duplicate_on_field("uuid__c"));
    assert_eq!(patches_for(&emu, "once"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn keys_differing_only_in_case_are_one_record_and_never_overlap() {
    let emu = windowed_emulator().await;
    let client = client(&emu);
    let values = ["Case-Key", "case-key", "CASE-KEY", "cAsE-kEy"];
    let pending: Vec<_> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let key = UpsertKey::new("Task", "uuid__c", *v);
            client.upsert(&key, &json!({"Subject": format!("w{i}")}))
        })
        .collect();
    let mut outcomes = Vec::new();
    for p in pending {
        outcomes.push(p.await.expect("no error"));
    }
    assert!(outcomes.iter().all(|o| o.id() == outcomes[0].id()));
    assert_eq!(emu.records("Task").len(), 1);
    assert_eq!(emu.max_in_flight_per_key(), 1);
    assert_eq!(client.write_stats().duplicate_retries, 0);
    assert_record(&emu, "case-key", &obj(json!({"Subject": "w3"})));

    // Declared case-sensitive keys (Code__c is case-sensitive in the seed) stay apart.
    let upper = UpsertKey::new("Task", "Code__c", "AB").case_sensitive(true);
    let lower = UpsertKey::new("Task", "Code__c", "ab").case_sensitive(true);
    let (u, l) = tokio::join!(
        client.upsert(&upper, &json!({"Subject": "upper"})),
        client.upsert(&lower, &json!({"Subject": "lower"})),
    );
    assert_ne!(u.unwrap().id(), l.unwrap().id());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn serialize_policy_sends_each_write_alone_in_submission_order() {
    let emu = windowed_emulator().await;
    emu.set_commit_latency(Duration::from_millis(20));
    let client = client_with(&emu, WritePolicy::new().serialize());
    let key = UpsertKey::new("Task", "uuid__c", "serial-1");
    let writes: Vec<Value> = (0..6)
        .map(|i| json!({"Subject": format!("s{i}"), "Description": format!("d{i}")}))
        .collect();
    let pending: Vec<_> = writes.iter().map(|w| client.upsert(&key, w)).collect();
    for (i, p) in pending.into_iter().enumerate() {
        let outcome = p.await.expect("no error");
        assert_eq!(outcome.merged_writes(), 1);
        assert_eq!(outcome.created(), i == 0);
    }
    assert_eq!(patches_for(&emu, "serial-1"), 6);
    let bodies: Vec<Value> = emu
        .request_log()
        .iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect();
    assert_eq!(bodies, writes, "one request per write, in order");
    assert_eq!(emu.max_in_flight_per_key(), 1);
}
