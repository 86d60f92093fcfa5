//! Pitfalls of single-flight code, through `Client::upsert` against the embedded emulator:
//! dropped callers, server failures in flight, content rejection of a merged request.
//!
//! "In flight" is observed, not assumed: the emulator's per-key in-flight tracker is entered
//! when the upsert handler starts its 200 ms commit window, so a write submitted after
//! [`wait_in_flight`] returns cannot ride in that request. Waits are bounded only to turn a
//! hang into a failure; nothing asserts on time.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use sforce::client::UpsertKey;
use sforce::error::ErrorCode;
use sforce_emulator::{Emulator, Failure};
use support::{HANG, stored_task, wait_idle, windowed};

/// Waits until an upsert is inside the emulator's commit window (high-water mark reset first
/// by the caller with `emu.reset_max_in_flight()`).
async fn wait_in_flight(emu: &Emulator) {
    tokio::time::timeout(HANG, async {
        while emu.max_in_flight_per_key() == 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    })
    .await
    .expect("no request went in flight");
}

fn patches(emu: &Emulator) -> Vec<Value> {
    emu.request_log()
        .iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect()
}

/// A caller whose future is dropped (never polled, or aborted mid-flight) still has its write
/// land; the other callers still resolve; the executor empties.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dropped_caller_futures_still_land() {
    let (emu, client) = windowed().await;
    let key = UpsertKey::new("Task", "uuid__c", "dropped-1");
    emu.reset_max_in_flight();
    let aborted = tokio::spawn(client.upsert(&key, &json!({"Subject": "first"})));
    wait_in_flight(&emu).await;
    aborted.abort(); // mid-flight
    drop(client.upsert(&key, &json!({"Description": "never polled"})));
    let kept = client.upsert(&key, &json!({"CallDurationInSeconds": 7}));
    let kept = tokio::time::timeout(HANG, kept)
        .await
        .unwrap()
        .expect("kept caller");
    assert_eq!(
        kept.merged_writes(),
        2,
        "waited together with the dropped one"
    );
    assert!(aborted.await.unwrap_err().is_cancelled());
    wait_idle(&client).await;
    let record = stored_task(&emu, "dropped-1");
    assert_eq!(record["Subject"], json!("first"));
    assert_eq!(record["Description"], json!("never polled"));
    assert_eq!(record["CallDurationInSeconds"], json!(7));
    assert_eq!(emu.max_in_flight_per_key(), 1);
}

/// A 500 on the in-flight request does not drop the writes waiting behind it, and each
/// caller gets the true outcome of the request that carried its write: the 500 for the
/// first, success for the merged ones. Then a merged flush that fails gives every write
/// drained into it that failure, and a write queued behind the failed flush still lands.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn server_error_in_flight_keeps_waiting_writes_and_reports_true_outcomes() {
    let (emu, client) = windowed().await;
    let key = UpsertKey::new("Task", "uuid__c", "fail-500");

    // The first request is processed, then its answer is replaced by a 500.
    emu.fail_next(
        Failure::status(500)
            .for_path_containing("uuid__c/fail-500")
            .after_processing(),
    );
    emu.reset_max_in_flight();
    let first = client.upsert(&key, &json!({"Subject": "one"}));
    wait_in_flight(&emu).await;
    let second = client.upsert(&key, &json!({"Description": "two"}));
    let third = client.upsert(&key, &json!({"Description": "three", "ReasonText__c": "3"}));
    let err = first.await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.api_code(), Some(&ErrorCode::UnknownException));
    let (second, third) = (second.await.expect("second"), third.await.expect("third"));
    assert_eq!((second.merged_writes(), third.merged_writes()), (2, 2));
    assert_eq!(second, third);
    let record = stored_task(&emu, "fail-500");
    assert_eq!(record["Description"], json!("three"));
    assert_eq!(record["ReasonText__c"], json!("3"));

    // A failed merged flush: 500 (not retried: UNKNOWN_EXCEPTION says nothing about whether
    // a resend would help) before processing, on the request after the in-flight one.
    emu.reset_max_in_flight();
    let fourth = client.upsert(&key, &json!({"Subject": "four"}));
    wait_in_flight(&emu).await;
    emu.fail_next(Failure::status(500).for_path_containing("uuid__c/fail-500"));
    let drained: Vec<_> = (0..3)
        .map(|i| client.upsert(&key, &json!({"CallDurationInSeconds": i})))
        .collect();
    fourth.await.expect("fourth");
    let mut behind = None;
    for (i, pending) in drained.into_iter().enumerate() {
        let err = pending.await.unwrap_err();
        assert_eq!(err.status(), Some(500), "drained write {i}");
        assert_eq!(err.api_code(), Some(&ErrorCode::UnknownException));
        if i == 0 {
            // Queued while the failed flush may still be in flight: must still land.
            behind = Some(client.upsert(&key, &json!({"Subject": "after"})));
        }
    }
    behind
        .unwrap()
        .await
        .expect("write behind the failed flush");
    wait_idle(&client).await;
    let record = stored_task(&emu, "fail-500");
    assert_eq!(record["Subject"], json!("after"));
    let duration = record.get("CallDurationInSeconds");
    assert!(
        duration.is_none_or(Value::is_null),
        "failed flush applied: {duration:?}"
    );
    assert_eq!(emu.max_in_flight_per_key(), 1);
}

/// A merged request rejected for one caller's bad field (unknown field: 400 INVALID_FIELD)
/// is replayed write by write: only that caller gets the error, the others land, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn merged_request_with_one_bad_field_is_replayed_so_only_its_caller_errs() {
    let (emu, client) = windowed().await;
    let key = UpsertKey::new("Task", "uuid__c", "replay-1");
    emu.reset_max_in_flight();
    let first = client.upsert(&key, &json!({"Subject": "one"}));
    wait_in_flight(&emu).await;
    let good1 = client.upsert(&key, &json!({"Description": "two"}));
    let culprit = client.upsert(&key, &json!({"NoSuchField__c": 1, "ReasonText__c": "bad"}));
    let good2 = client.upsert(&key, &json!({"CallDurationInSeconds": 4}));

    assert!(first.await.expect("first").created());
    let (g1, g2) = (good1.await.expect("good1"), good2.await.expect("good2"));
    assert_eq!((g1.merged_writes(), g2.merged_writes()), (1, 1));
    let err = culprit.await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.api_code(), Some(&ErrorCode::InvalidField));
    assert!(err.to_string().contains("NoSuchField__c"), "{err}");

    let record = stored_task(&emu, "replay-1");
    assert_eq!(record["Subject"], json!("one"));
    assert_eq!(record["Description"], json!("two"));
    assert_eq!(record["CallDurationInSeconds"], json!(4));
    assert_ne!(
        record.get("ReasonText__c"),
        Some(&json!("bad")),
        "culprit's write applied"
    );
    // first; the merged attempt; then the three writes alone, in submission order.
    let sent = patches(&emu);
    assert_eq!(sent.len(), 5);
    assert_eq!(
        &sent[2..],
        &[
            json!({"Description": "two"}),
            json!({"NoSuchField__c": 1, "ReasonText__c": "bad"}),
            json!({"CallDurationInSeconds": 4}),
        ]
    );
    let stats = client.write_stats();
    assert_eq!((stats.replays, stats.replayed_writes), (1, 3));
    wait_idle(&client).await;
}

/// A write submitted right after its predecessor resolved (while the key's entry may be
/// being removed) is never lost, over many rounds and concurrent keys.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_chasing_their_predecessor_are_never_lost() {
    let (emu, client) = windowed().await;
    emu.set_commit_latency(Duration::ZERO);
    let mut tasks = Vec::new();
    for k in 0..8 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let key = UpsertKey::new("Task", "uuid__c", format!("chase-{k}"));
            for i in 0..40 {
                client
                    .upsert(&key, &json!({"CallDurationInSeconds": i}))
                    .await
                    .expect("no error");
            }
        }));
    }
    for task in tasks {
        tokio::time::timeout(HANG, task).await.unwrap().unwrap();
    }
    for k in 0..8 {
        assert_eq!(
            stored_task(&emu, &format!("chase-{k}"))["CallDurationInSeconds"],
            json!(39)
        );
    }
    wait_idle(&client).await;
    assert_eq!(emu.max_in_flight_per_key(), 1);
}
