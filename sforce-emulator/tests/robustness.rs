//! Server robustness over real HTTP: the body limit after the token check with a JSON answer,
//! the bounded request log, handlers that finish after the client gave up, and the order in
//! which injected failures are consumed.

mod common;

use std::time::Duration;

use common::{Api, emulator};
use reqwest::{Method, StatusCode};
use sforce_emulator::{Emulator, Failure};

const HANG: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bodies_are_read_after_the_token_check_and_limited_with_a_json_answer() {
    let emu = Emulator::builder()
        .commit_latency(Duration::ZERO)
        .max_body_bytes(1024 * 1024)
        .start()
        .await
        .unwrap();
    let api = Api::new(&emu);
    let big = format!(
        r#"{{"Subject":"x","Description":"{}"}}"#,
        "d".repeat(3 << 20)
    );

    // No token: refused without reading (or logging) the body.
    let unauthenticated = Api {
        token: "wrong".into(),
        ..api.clone()
    };
    let answer = unauthenticated.post("/sobjects/Task", &big).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.code(), "INVALID_SESSION_ID");
    let logged = emu.request_log();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].body, "", "an unauthenticated body is never read");

    // Over the limit: 413 with a Salesforce-shaped JSON body, nothing written.
    let answer = api.post("/sobjects/Task", &big).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.code(), "REQUEST_ENTITY_TOO_LARGE");
    assert!(emu.records("Task").is_empty());

    // Under the limit but over axum's 2 MB default: processed (the field validation answers).
    let roomy = Emulator::builder()
        .commit_latency(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let answer = Api::new(&roomy).post("/sobjects/Task", &big).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text);
    assert_eq!(answer.code(), "STRING_TOO_LONG");
    // The log keeps a bounded excerpt of the body, not 3 MB.
    let logged = roomy.request_log();
    assert!(logged[0].body.len() < 20 * 1024, "{}", logged[0].body.len());
    assert!(logged[0].body.ends_with("bytes in all)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_log_is_bounded_but_counts_everything() {
    let emu = Emulator::builder()
        .request_log_capacity(5)
        .start()
        .await
        .unwrap();
    let api = Api::new(&emu);
    for _ in 0..8 {
        assert_eq!(api.get("/limits").await.status, StatusCode::OK);
    }
    assert_eq!(emu.request_log().len(), 5);
    assert_eq!(emu.request_count(), 8);
    emu.clear_request_log();
    assert_eq!(emu.request_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_write_finishes_after_its_caller_gave_up() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    emu.fail_next(Failure::delay(Duration::from_millis(500)).for_method("PATCH"));
    let request = api
        .request(
            Method::PATCH,
            "/sobjects/Task/uuid__c/gave-up",
            Some(r#"{"Subject":"landed anyway"}"#),
        )
        .timeout(Duration::from_millis(100));
    let err = request.send().await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
    // The handler was not cancelled with the connection: the write lands.
    tokio::time::timeout(HANG, async {
        while emu
            .find_by_external_id("Task", "uuid__c", "gave-up")
            .is_none()
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the write never landed");
    let record = emu
        .find_by_external_id("Task", "uuid__c", "gave-up")
        .unwrap();
    assert_eq!(record["Subject"], "landed anyway");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_after_processing_failure_waits_for_a_request_that_was_processed() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    emu.fail_next(Failure::server_unavailable().for_method("PATCH"));
    emu.fail_next(Failure::status(500).for_method("PATCH").after_processing());
    let path = "/sobjects/Task/uuid__c/ordered";
    let body = r#"{"Subject":"x"}"#;
    // Refused before processing: the after-processing failure is not consumed by it.
    let first = api.patch(path, body).await;
    assert_eq!(first.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        emu.find_by_external_id("Task", "uuid__c", "ordered")
            .is_none()
    );
    // Processed, then its answer replaced.
    let second = api.patch(path, body).await;
    assert_eq!(second.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        emu.find_by_external_id("Task", "uuid__c", "ordered")
            .is_some()
    );
    // Nothing left: the third is answered normally.
    let third = api.patch(path, body).await;
    assert_eq!(third.status, StatusCode::OK, "{}", third.text);
}
