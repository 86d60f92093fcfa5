//! The request pipeline against the emulator over real HTTP: which failures are retried, for
//! which operations, within which bounds, and what the client-wide limit does to a flood.
//! Assertions are on final state, request counts and errors seen; never on timing.

mod support;

use std::time::Duration;

use serde_json::json;
use sforce::client::{Client, RetryBudget, RetryPolicy, RetryReason, UpsertKey};
use sforce::error::{Error, ErrorCode};
use sforce_emulator::{Emulator, Failure};
use support::{client_builder, emulator, emulator_with_latency, stored_task, wait_idle};

/// Fast backoff so that tests do not sleep long (the delays are not asserted).
fn quick() -> RetryPolicy {
    RetryPolicy::new()
        .initial_backoff(Duration::from_millis(2))
        .max_backoff(Duration::from_millis(10))
}

fn client_with(emu: &Emulator, policy: RetryPolicy) -> Client {
    client_builder(emu)
        .retry_policy(policy)
        .build()
        .expect("client")
}

fn key(value: &str) -> UpsertKey {
    UpsertKey::new("Task", "uuid__c", value)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn row_lock_and_server_unavailable_are_retried_for_an_upsert() {
    let emu = emulator().await;
    let client = client_with(&emu, quick());
    emu.fail_next(
        Failure::unable_to_lock_row()
            .for_path_containing("uuid__c/locked")
            .times(2),
    );
    emu.fail_next(Failure::server_unavailable().for_path_containing("uuid__c/locked"));
    emu.fail_next(
        Failure::status(502)
            .body(json!({"proxy": "bad gateway"}))
            .for_path_containing("uuid__c/locked"),
    );
    let outcome = client
        .upsert(&key("locked"), &json!({"Subject": "after the lock"}))
        .await
        .expect("retried until it landed");
    assert_eq!(outcome.attempts(), 5);
    assert!(outcome.created());
    assert_eq!(emu.request_count_matching("PATCH", "uuid__c/locked"), 5);
    assert_eq!(
        stored_task(&emu, "locked")["Subject"],
        json!("after the lock")
    );
    let stats = client.request_stats();
    assert_eq!(stats.retries_for(RetryReason::RowLock), 2);
    assert_eq!(stats.retries_for(RetryReason::Unavailable), 2);
    assert_eq!(stats.retries, 4);
    assert_eq!(stats.requests_sent, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_create_is_not_retried_unless_the_caller_opts_in() {
    let emu = emulator().await;
    emu.fail_next(Failure::server_unavailable().for_method("POST"));
    let err = client_with(&emu, quick())
        .create("Task", &json!({"Subject": "once"}))
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(&ErrorCode::ServerUnavailable));
    assert_eq!(emu.request_count_matching("POST", "/sobjects/Task"), 1);
    assert!(emu.records("Task").is_empty());

    emu.fail_next(Failure::server_unavailable().for_method("POST"));
    let opted_in = client_with(&emu, quick().retry_creates(true));
    opted_in
        .create("Task", &json!({"Subject": "twice"}))
        .await
        .expect("retried create");
    assert_eq!(emu.request_count_matching("POST", "/sobjects/Task"), 3);
    assert_eq!(emu.records("Task").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reads_updates_and_deletes_are_retried_raw_upserts_are_not() {
    let emu = emulator().await;
    let client = client_with(&emu, quick());
    let id = client
        .create("Task", &json!({"Subject": "x"}))
        .await
        .unwrap()
        .id()
        .clone();
    emu.fail_next(Failure::status(504).for_method("GET"));
    let record: serde_json::Value = client.get("Task", &id, &["Subject"]).await.unwrap();
    assert_eq!(record["Subject"], json!("x"));
    emu.fail_next(Failure::unable_to_lock_row().for_method("PATCH"));
    client
        .update("Task", &id, &json!({"Subject": "y"}))
        .await
        .unwrap();
    emu.fail_next(Failure::server_unavailable().for_method("DELETE"));
    client.delete("Task", &id).await.unwrap();
    assert!(emu.records("Task").is_empty());
    assert_eq!(client.request_stats().retries, 3);

    emu.fail_next(Failure::unable_to_lock_row().for_method("PATCH"));
    let err = client
        .upsert_raw(&key("raw"), &json!({"Subject": "x"}))
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(&ErrorCode::UnableToLockRow));
    assert_eq!(emu.request_count_matching("PATCH", "uuid__c/raw"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn lost_connections_and_timeouts_are_retried_for_idempotent_requests() {
    let emu = emulator().await;
    let client = client_builder(&emu)
        .retry_policy(quick())
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    // Applied, then the answer is lost: the retry resolves to an update of the same record.
    emu.fail_next(
        Failure::drop_connection()
            .for_path_containing("uuid__c/dropped")
            .after_processing(),
    );
    let outcome = client
        .upsert(&key("dropped"), &json!({"Subject": "once"}))
        .await
        .expect("retried after the lost answer");
    assert_eq!(outcome.attempts(), 2);
    assert!(!outcome.created(), "the first attempt created it");
    assert_eq!(emu.records("Task").len(), 1);

    // Slower than the client's timeout once.
    emu.fail_next(Failure::delay(Duration::from_secs(3)).for_path_containing("uuid__c/slow"));
    let outcome = client
        .upsert(&key("slow"), &json!({"Subject": "late"}))
        .await
        .expect("retried after the timeout");
    assert_eq!(outcome.attempts(), 2);
    let stats = client.request_stats();
    assert_eq!(stats.retries_for(RetryReason::Transport), 1);
    assert_eq!(stats.retries_for(RetryReason::Timeout), 1);
    assert_eq!(stored_task(&emu, "slow")["Subject"], json!("late"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn request_limit_honours_retry_after_and_the_daily_quota_is_final() {
    let emu = emulator().await;
    let client = client_with(&emu, quick());
    emu.fail_next(Failure::concurrent_limit_exceeded(1).for_method("GET"));
    client
        .describe_global()
        .await
        .expect("retried after Retry-After");
    let stats = client.request_stats();
    assert_eq!(stats.retries_for(RetryReason::Throttled), 1);

    emu.fail_next(Failure::request_limit_exceeded().for_method("GET").times(5));
    let err = client.describe_global().await.unwrap_err();
    assert_eq!(err.api_code(), Some(&ErrorCode::RequestLimitExceeded));
    assert_eq!(
        client.request_stats().retries,
        1,
        "the daily quota is not retried"
    );
    emu.clear_failures();

    // A Retry-After beyond the policy's total time is not waited for.
    let short = client_with(&emu, quick().max_elapsed(Duration::from_millis(500)));
    emu.fail_next(Failure::concurrent_limit_exceeded(30).for_method("GET"));
    let err = short.describe_global().await.unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert_eq!(short.request_stats().retries_exhausted, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_401_stays_the_sessions_and_is_not_retried() {
    let emu = emulator().await;
    let client = client_with(&emu, quick());
    emu.revoke_token(emu.token());
    let err = client.describe_global().await.unwrap_err();
    assert_eq!(err.api_code(), Some(&ErrorCode::InvalidSessionId));
    assert_eq!(emu.request_count(), 1);
    assert_eq!(client.request_stats().retries, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn attempts_are_bounded_then_the_typed_error_is_returned() {
    let emu = emulator().await;
    let client = client_with(&emu, quick().max_attempts(3));
    emu.fail_next(
        Failure::server_unavailable()
            .for_path_containing("uuid__c/down")
            .times(100),
    );
    let err = client
        .upsert(&key("down"), &json!({"Subject": "x"}))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { status: 503, .. }), "{err:?}");
    assert_eq!(emu.request_count_matching("PATCH", "uuid__c/down"), 3);
    let stats = client.request_stats();
    assert_eq!(
        (stats.retries, stats.retries_exhausted),
        (2, 1),
        "{stats:?}"
    );
    assert_eq!(stats.exhausted_for(RetryReason::Unavailable), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_empty_budget_stops_retries_client_wide_and_refills_on_success() {
    let emu = emulator().await;
    let client = client_builder(&emu)
        .retry_policy(quick())
        .retry_budget(RetryBudget::new().capacity(10).retry_cost(5))
        .build()
        .unwrap();
    emu.fail_next(Failure::server_unavailable().for_method("GET").times(100));
    let err = client.describe_global().await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    let stats = client.request_stats();
    // Two retries emptied the bucket; the third was refused.
    assert_eq!((stats.retries, stats.budget_refusals), (2, 1), "{stats:?}");
    assert_eq!(stats.budget_available, 0);
    // A clone shares the bucket: its first failure is returned at once.
    let err = client.clone().describe_global().await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(client.request_stats().budget_refusals, 2);
    emu.clear_failures();
    for _ in 0..5 {
        client.describe_global().await.unwrap();
    }
    assert_eq!(client.request_stats().budget_available, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_limit_bounds_requests_in_flight_and_a_flood_merges_instead_of_failing() {
    let emu = emulator_with_latency(Duration::from_millis(20)).await;
    let client = client_builder(&emu).max_in_flight(4).build().unwrap();
    // 600 upserts over 12 keys, submitted at once.
    let pending: Vec<_> = (0..600)
        .map(|i| {
            let key = key(&format!("flood-{}", i % 12));
            client.upsert(&key, &json!({"Subject": format!("w{i}")}))
        })
        .collect();
    for (i, pending) in pending.into_iter().enumerate() {
        pending.await.unwrap_or_else(|e| panic!("write {i}: {e}"));
    }
    wait_idle(&client).await;
    let stats = client.request_stats();
    assert!(stats.max_in_flight <= 4, "{stats:?}");
    assert!(emu.max_requests_in_flight() <= 4);
    assert_eq!(emu.max_in_flight_per_key(), 1);
    // Writes waiting for a permit keep merging: far fewer requests than writes.
    let patches = emu.request_count_matching("PATCH", "uuid__c/flood-");
    assert!(patches <= 60, "{patches} requests for 600 writes");
    for k in 0..12 {
        let last = (0..600).filter(|i| i % 12 == k).max().unwrap();
        let stored = stored_task(&emu, &format!("flood-{k}"));
        assert_eq!(stored["Subject"], json!(format!("w{last}")));
    }
    assert_eq!(client.write_stats().writes_submitted, 600);
    assert_eq!(stats.in_flight, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_retry_keeps_its_place_ahead_of_newer_requests() {
    let emu = emulator().await;
    // One request at a time; a 150–300 ms backoff, so a newer request has every chance to be
    // sent during it if the retry gave its permit back.
    let policy = RetryPolicy::new()
        .initial_backoff(Duration::from_millis(300))
        .max_backoff(Duration::from_millis(300));
    let client = client_builder(&emu)
        .max_in_flight(1)
        .retry_policy(policy)
        .build()
        .unwrap();
    emu.fail_next(Failure::server_unavailable().for_path_containing("/sobjects/Task/describe"));
    let first = tokio::spawn({
        let client = client.clone();
        async move { client.describe("Task").await }
    });
    // The first attempt has been answered (503): the retry is backing off.
    while emu.request_count_matching("GET", "/sobjects/Task/describe") == 0 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let newer = client.describe("Account").await.expect("the newer request");
    let first = first.await.unwrap().expect("retried after the 503");
    assert_eq!(newer.name, "Account");
    assert_eq!(first.name, "Task");
    let order: Vec<(String, u16)> = emu
        .request_log()
        .into_iter()
        .filter(|r| r.path.contains("/describe"))
        .map(|r| (r.path.rsplit('/').nth(1).unwrap().to_owned(), r.status))
        .collect();
    assert_eq!(
        order,
        [
            ("Task".into(), 503),
            ("Task".into(), 200),
            ("Account".into(), 200)
        ],
        "the retry was queued behind the newer request"
    );
    assert_eq!(
        client.request_stats().retries_for(RetryReason::Unavailable),
        1
    );
}
