//! Failure injection and the request log.
mod common;

use std::time::Duration;

use common::{Api, emulator};
use reqwest::Method;
use serde_json::json;
use sforce_emulator::Failure;

#[tokio::test]
async fn injected_status_applies_to_matching_requests_only_n_times() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    emu.fail_next(
        Failure::status(500)
            .for_path_containing("uuid__c/K1")
            .times(2),
    );
    assert_eq!(
        api.patch("/sobjects/Task/uuid__c/K2", "{}").await.status,
        201
    );
    let first = api.patch("/sobjects/Task/uuid__c/K1", "{}").await;
    assert_eq!(first.status, 500);
    assert_eq!(first.code(), "UNKNOWN_EXCEPTION");
    assert_eq!(
        api.patch("/sobjects/Task/uuid__c/K1", "{}").await.status,
        500
    );
    assert!(
        emu.find_by_external_id("Task", "uuid__c", "K1").is_none(),
        "failed before processing"
    );
    assert_eq!(
        api.patch("/sobjects/Task/uuid__c/K1", "{}").await.status,
        201
    );
}

#[tokio::test]
async fn unable_to_lock_row_server_unavailable_and_custom_bodies() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    emu.fail_next(Failure::unable_to_lock_row().for_method("patch"));
    emu.fail_next(Failure::server_unavailable());
    emu.fail_next(Failure::unable_to_lock_row().with_status(503));
    emu.fail_next(Failure::status(418).body(json!({"custom": true})));
    // A GET does not match the first (PATCH-only) failure: it takes the second.
    let get = api.get("/sobjects/Task/describe").await;
    assert_eq!(
        (get.status.as_u16(), get.code()),
        (503, "SERVER_UNAVAILABLE".to_owned())
    );
    let lock = api.patch("/sobjects/Task/uuid__c/L", "{}").await;
    assert_eq!(
        (lock.status.as_u16(), lock.code()),
        (400, "UNABLE_TO_LOCK_ROW".to_owned())
    );
    let lock503 = api.patch("/sobjects/Task/uuid__c/L", "{}").await;
    assert_eq!(
        (lock503.status.as_u16(), lock503.code()),
        (503, "UNABLE_TO_LOCK_ROW".to_owned())
    );
    let custom = api.get("/limits").await;
    assert_eq!(
        (custom.status.as_u16(), custom.json()),
        (418, json!({"custom": true}))
    );
    assert_eq!(api.get("/limits").await.status, 200);
}

#[tokio::test]
async fn dropped_connection_gets_no_answer_and_writes_nothing() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    emu.fail_next(Failure::drop_connection().for_path_containing("uuid__c/D"));
    let result = api
        .request(Method::PATCH, "/sobjects/Task/uuid__c/D", Some("{}"))
        .send()
        .await;
    assert!(
        result.is_err(),
        "expected a transport error, got {result:?}"
    );
    assert!(emu.records("Task").is_empty());
    // The server is fine afterwards.
    assert_eq!(
        api.patch("/sobjects/Task/uuid__c/D", "{}").await.status,
        201
    );
    let log = emu.request_log();
    assert_eq!(log[0].status, 0);
    assert_eq!(log[1].status, 201);
}

#[tokio::test]
async fn after_processing_failures_hide_a_committed_write() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    emu.fail_next(Failure::status(500).after_processing());
    assert_eq!(
        api.patch("/sobjects/Task/uuid__c/A", "{}").await.status,
        500
    );
    assert!(
        emu.find_by_external_id("Task", "uuid__c", "A").is_some(),
        "the write landed"
    );
    emu.fail_next(Failure::drop_connection().after_processing());
    let result = api
        .request(Method::PATCH, "/sobjects/Task/uuid__c/B", Some("{}"))
        .send()
        .await;
    assert!(result.is_err());
    assert!(
        emu.find_by_external_id("Task", "uuid__c", "B").is_some(),
        "the write landed"
    );
    emu.fail_next(Failure::status(500));
    emu.clear_failures();
    assert_eq!(api.get("/limits").await.status, 200);
}

#[tokio::test]
async fn request_log_records_method_path_query_status_and_body() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    api.patch("/sobjects/Task/uuid__c/a%2Fb", r#"{"Subject":"Call"}"#)
        .await;
    api.get("/sobjects/Task/uuid__c/a%2Fb?fields=Subject").await;
    api.get("/sobjects/Nope/describe").await;
    let log = emu.request_log();
    assert_eq!(log.len(), 3);
    assert_eq!(emu.request_count(), 3);
    assert_eq!(
        (
            log[0].method.as_str(),
            log[0].path.as_str(),
            log[0].status,
            log[0].body.as_str()
        ),
        (
            "PATCH",
            "/services/data/v62.0/sobjects/Task/uuid__c/a%2Fb",
            201,
            r#"{"Subject":"Call"}"#
        )
    );
    assert_eq!(
        (log[1].query.as_deref(), log[1].status),
        (Some("fields=Subject"), 200)
    );
    assert_eq!(log[2].status, 404);
    assert_eq!(emu.request_count_matching("PATCH", "uuid__c/a/b"), 1);
    assert_eq!(emu.request_count_matching("GET", "uuid__c/a%2Fb"), 1);
    emu.clear_request_log();
    assert_eq!(emu.request_count(), 0);
}

#[tokio::test]
async fn delay_makes_a_slow_server_for_client_timeouts() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    emu.fail_next(Failure::delay(Duration::from_secs(30)).for_path_containing("uuid__c/slow"));
    let result = api
        .request(Method::PATCH, "/sobjects/Task/uuid__c/slow", Some("{}"))
        .timeout(Duration::from_millis(200))
        .send()
        .await;
    assert!(result.unwrap_err().is_timeout());
    // Other requests are not held up; a delayed request still completes normally.
    emu.fail_next(Failure::delay(Duration::from_millis(50)));
    assert_eq!(
        api.patch("/sobjects/Task/uuid__c/fast", "{}").await.status,
        201
    );
}
