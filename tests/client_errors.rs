//! Every error the emulator emits, received over real HTTP and parsed into the typed error;
//! transport, timeout and decode failures as their own variants.
//!
//! Tests that inject a failure into an upsert use `upsert_raw` (one request, no retry), and
//! the others a client whose retry policy is disabled, so the error reaches the caller
//! exactly as the server sent it (retries are tested in `tests/retry.rs`).

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use sforce::Id;
use sforce::client::{Client, Method, RetryPolicy, UpsertKey};
use sforce::error::{Chain, Error, ErrorCode, ExecutorFailure, RetryClass};
use sforce_emulator::{Emulator, Failure};
use support::{client, client_builder, emulator, emulator_with_latency};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Asserts an API error: status, first code, and that its text names method and path but not
/// the token.
fn assert_api(err: &Error, status: u16, code: ErrorCode, token: &str) {
    assert!(
        matches!(err, Error::Api { .. }),
        "expected Error::Api, got {err:?}"
    );
    assert_eq!(err.status(), Some(status), "{err}");
    assert_eq!(err.api_code(), Some(&code), "{err}");
    let text = err.to_string();
    let debug = format!("{err:?}");
    assert!(text.contains(code.as_str()), "{text}");
    assert!(text.contains("/services/data/v62.0/"), "{text}");
    assert!(
        !text.contains(token) && !debug.contains(token),
        "token leaked: {text}"
    );
}

async fn create_task(client: &Client, body: Value) -> Result<Id, Error> {
    client.create("Task", &body).await.map(|o| o.id().clone())
}

/// The error of a raw upsert of a Task with `uuid__c` = `value` (the body is a valid subject).
async fn failed_upsert(client: &Client, value: &str) -> Error {
    client
        .upsert_raw(
            &UpsertKey::new("Task", "uuid__c", value),
            &json!({"Subject": "x"}),
        )
        .await
        .unwrap_err()
}

/// The error of a global describe that the emulator answers with `failure`.
async fn failed_describe_global(failure: Failure) -> (Emulator, Error) {
    let emu = emulator().await;
    emu.fail_next(failure);
    let err = no_retry(&emu).describe_global().await.unwrap_err();
    (emu, err)
}

/// A client that sends every request once.
fn no_retry(emu: &Emulator) -> Client {
    client_builder(emu)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client")
}

#[tokio::test]
async fn invalid_field() {
    let emu = emulator().await;
    let err = create_task(&client(&emu), json!({"Subject": "x", "Nope__c": 1}))
        .await
        .unwrap_err();
    assert_api(&err, 400, ErrorCode::InvalidField, emu.token());
    assert!(err.api_errors()[0].message.contains("Nope__c"));
    assert!(err.is_content_rejection());
    assert_eq!(err.retry_class(), RetryClass::Permanent);
}

#[tokio::test]
async fn invalid_field_for_insert_update() {
    let emu = emulator().await;
    let err = create_task(&client(&emu), json!({"Subject": "x", "IsClosed": true}))
        .await
        .unwrap_err();
    assert_api(
        &err,
        400,
        ErrorCode::InvalidFieldForInsertUpdate,
        emu.token(),
    );
    assert_eq!(err.api_errors()[0].fields, vec!["IsClosed"]);
    assert!(err.is_content_rejection());
}

#[tokio::test]
async fn string_too_long() {
    let emu = emulator().await;
    let err = create_task(&client(&emu), json!({"Subject": "x".repeat(256)}))
        .await
        .unwrap_err();
    assert_api(&err, 400, ErrorCode::StringTooLong, emu.token());
    assert_eq!(err.api_errors()[0].fields, vec!["Subject"]);
    assert!(err.api_errors()[0].message.contains("max length=255"));
}

#[tokio::test]
async fn required_field_missing() {
    let emu = emulator().await;
    let err = client(&emu)
        .create("Account", &json!({"Website": "https://example.com"}))
        .await
        .unwrap_err();
    assert_api(&err, 400, ErrorCode::RequiredFieldMissing, emu.token());
    assert_eq!(err.api_errors()[0].fields, vec!["Name"]);
    assert_eq!(
        err.api_errors()[0].message,
        "Required fields are missing: [Name]"
    );
}

#[tokio::test]
async fn invalid_or_null_for_restricted_picklist() {
    let emu = emulator().await;
    let err = create_task(&client(&emu), json!({"Subject": "x", "Status": "Bogus"}))
        .await
        .unwrap_err();
    assert_api(
        &err,
        400,
        ErrorCode::InvalidOrNullForRestrictedPicklist,
        emu.token(),
    );
    assert_eq!(err.api_errors()[0].fields, vec!["Status"]);
}

#[tokio::test]
async fn malformed_id_in_a_reference_field() {
    let emu = emulator().await;
    let err = create_task(
        &client(&emu),
        json!({"Subject": "x", "WhatId": "not-an-id"}),
    )
    .await
    .unwrap_err();
    assert_api(&err, 400, ErrorCode::MalformedId, emu.token());
    assert_eq!(err.api_errors()[0].fields, vec!["WhatId"]);
}

#[tokio::test]
async fn malformed_id_in_the_path() {
    let emu = emulator().await;
    // A valid Account Id used as a Task Id.
    let account_id = Id::new("001000000000001AAA").unwrap();
    let err = client(&emu)
        .get::<Value>("Task", &account_id, &[])
        .await
        .unwrap_err();
    assert_api(&err, 400, ErrorCode::MalformedId, emu.token());
    let err = client(&emu)
        .update("Task", &account_id, &json!({"Subject": "x"}))
        .await
        .unwrap_err();
    assert_api(&err, 400, ErrorCode::MalformedId, emu.token());
}

#[tokio::test]
async fn json_parser_error_for_a_wrong_json_type() {
    let emu = emulator().await;
    let err = create_task(
        &client(&emu),
        json!({"Subject": "x", "CallDurationInSeconds": {"not": "a number"}}),
    )
    .await
    .unwrap_err();
    assert_api(&err, 400, ErrorCode::JsonParserError, emu.token());
    assert!(err.is_content_rejection());
}

#[tokio::test]
async fn json_parser_error_for_a_malformed_request_body() {
    let emu = emulator().await;
    let err = client(&emu)
        .request(Method::POST, "sobjects/Task")
        .body("application/json", r#"{"Subject": "x",,}"#)
        .send()
        .await
        .unwrap_err();
    assert_api(&err, 400, ErrorCode::JsonParserError, emu.token());
    assert!(emu.records("Task").is_empty());
}

#[tokio::test]
async fn raw_request_refuses_an_authorization_header_before_sending() {
    let emu = emulator().await;
    let err = client(&emu)
        .request(Method::GET, "limits")
        .header("Authorization", "Bearer other")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    let err = client(&emu)
        .request(Method::GET, "limits")
        .header("bad header", "x")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert_eq!(emu.request_count(), 0);
    let ok = client(&emu)
        .request(Method::GET, "limits")
        .header("Sforce-Call-Options", "client=sforce-tests")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn duplicate_value_from_the_unique_index_on_create() {
    let emu = emulator().await;
    let client = client(&emu);
    let first = create_task(&client, json!({"Subject": "x", "uuid__c": "dup-1"}))
        .await
        .unwrap();
    let err = create_task(&client, json!({"Subject": "y", "uuid__c": "DUP-1"}))
        .await
        .unwrap_err();
    assert_api(&err, 400, ErrorCode::DuplicateValue, emu.token());
    let dup = err.duplicate_value().unwrap();
    assert_eq!(dup.field, "uuid__c");
    assert_eq!(dup.record_id, Some(first));
}

#[tokio::test]
async fn not_found_for_unknown_record_and_unknown_sobject() {
    let emu = emulator().await;
    let client = client(&emu);
    let missing = Id::new("00T000000000001EAA").unwrap();
    let err = client
        .get::<Value>("Task", &missing, &[])
        .await
        .unwrap_err();
    assert_api(&err, 404, ErrorCode::NotFound, emu.token());
    assert!(err.is_not_found());
    assert!(err.api_errors()[0].fields.is_empty());
    let err = client.describe("NoSuchThing__c").await.unwrap_err();
    assert_api(&err, 404, ErrorCode::NotFound, emu.token());
    let err = client
        .get_by_external_id::<Value>("Task", "uuid__c", "nobody", &[])
        .await
        .unwrap_err();
    assert_api(&err, 404, ErrorCode::NotFound, emu.token());
}

#[tokio::test]
async fn method_not_allowed() {
    let emu = emulator().await;
    let err = client(&emu)
        .request(Method::POST, "sobjects/Task/uuid__c")
        .json(&json!({}))
        .send()
        .await
        .unwrap_err();
    assert_api(&err, 405, ErrorCode::MethodNotAllowed, emu.token());
}

#[tokio::test]
async fn wrong_token_is_invalid_session_id_without_leaking_it() {
    let emu = emulator().await;
    let wrong = "00D000000000001!wrong-token-value";
    let client = Client::builder()
        .instance_url(emu.url())
        .access_token(wrong)
        .build()
        .unwrap();
    let err = failed_upsert(&client, "k").await;
    assert_api(&err, 401, ErrorCode::InvalidSessionId, wrong);
    assert!(err.is_session_expired());
    assert_eq!(err.retry_class(), RetryClass::SessionExpired);
    assert_eq!(err.api_errors()[0].message, "Session expired or invalid");
    // A fixed token cannot be refreshed: exactly one request was sent.
    assert_eq!(emu.request_count(), 1);
    assert!(emu.records("Task").is_empty());
}

#[tokio::test]
async fn revoked_token_is_invalid_session_id() {
    let emu = emulator().await;
    let client = client(&emu);
    client.describe_global().await.unwrap();
    emu.revoke_token(emu.token());
    let err = client.describe_global().await.unwrap_err();
    assert_api(&err, 401, ErrorCode::InvalidSessionId, emu.token());
}

#[tokio::test]
async fn injected_unable_to_lock_row_is_transient() {
    let emu = emulator().await;
    emu.fail_next(Failure::unable_to_lock_row().for_method("PATCH"));
    let err = failed_upsert(&client(&emu), "locked").await;
    assert_api(&err, 400, ErrorCode::UnableToLockRow, emu.token());
    assert_eq!(err.retry_class(), RetryClass::Transient);
    assert!(err.is_retryable());
    assert!(!err.is_content_rejection());
}

#[tokio::test]
async fn injected_server_unavailable_is_transient() {
    let (emu, err) = failed_describe_global(Failure::server_unavailable()).await;
    assert_api(&err, 503, ErrorCode::ServerUnavailable, emu.token());
    assert_eq!(err.retry_class(), RetryClass::Transient);
}

#[tokio::test]
async fn injected_request_limit_exceeded_daily_quota_is_permanent() {
    let (emu, err) = failed_describe_global(Failure::request_limit_exceeded()).await;
    assert_api(&err, 403, ErrorCode::RequestLimitExceeded, emu.token());
    assert_eq!(err.retry_class(), RetryClass::Permanent);
}

#[tokio::test]
async fn injected_unknown_exception_500() {
    let (emu, err) = failed_describe_global(Failure::status(500)).await;
    assert_api(&err, 500, ErrorCode::UnknownException, emu.token());
}

#[tokio::test]
async fn unknown_code_is_kept_verbatim() {
    let (emu, err) = failed_describe_global(Failure::status(400).body(json!([
        {"message": "something new", "errorCode": "BRAND_NEW_CODE", "fields": ["A"]}
    ])))
    .await;
    assert_api(
        &err,
        400,
        ErrorCode::Other("BRAND_NEW_CODE".into()),
        emu.token(),
    );
    assert_eq!(err.api_errors()[0].fields, vec!["A"]);
}

#[tokio::test]
async fn collection_style_status_code_key_is_accepted() {
    let (emu, err) = failed_describe_global(Failure::status(400).body(json!([
        {"statusCode": "MALFORMED_ID", "message": "bad id", "fields": ["Id"]}
    ])))
    .await;
    assert_api(&err, 400, ErrorCode::MalformedId, emu.token());
}

#[tokio::test]
async fn non_salesforce_error_body_is_an_http_error_with_excerpt() {
    let (_emu, err) =
        failed_describe_global(Failure::status(502).body(json!({"proxy": "bad gateway"}))).await;
    match &err {
        Error::Http {
            status,
            body_excerpt,
            ..
        } => {
            assert_eq!(*status, 502);
            assert!(body_excerpt.contains("bad gateway"), "{body_excerpt}");
        }
        other => panic!("expected Error::Http, got {other:?}"),
    }
    assert_eq!(err.retry_class(), RetryClass::Transient);
}

#[tokio::test]
async fn unexpected_response_shape_is_a_decode_error_with_excerpt() {
    let emu = emulator().await;
    emu.fail_next(
        Failure::status(201)
            .body(json!({"unexpected": "shape"}))
            .for_method("PATCH"),
    );
    let err = failed_upsert(&client(&emu), "k").await;
    match &err {
        Error::Decode {
            context,
            status,
            body_excerpt,
            ..
        } => {
            assert_eq!(*status, 201);
            assert_eq!(context.path, "/services/data/v62.0/sobjects/Task/uuid__c/k");
            assert!(body_excerpt.contains("unexpected"), "{body_excerpt}");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn decode_error_excerpt_redacts_token_like_values() {
    let emu = emulator().await;
    emu.fail_next(Failure::status(200).body(json!({"access_token": "00D!super-secret"})));
    let err = client(&emu)
        .request(Method::GET, "limits")
        .send()
        .await
        .unwrap()
        .json::<Vec<String>>()
        .unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(!text.contains("super-secret"), "{text}");
    assert!(text.contains("[redacted]"), "{text}");
}

/// A server that answers every request with `200` and a body that is not JSON at all.
async fn malformed_json_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let _ = socket.read(&mut buf).await;
                let body = "{\"id\": \"00T000000000001EAA\", oops";
                let response = format!(
                    "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn malformed_json_response_is_a_typed_decode_error() {
    let url = malformed_json_server().await;
    let client = Client::builder()
        .instance_url(url)
        .access_token("00D000000000001!token")
        .build()
        .unwrap();
    let err = client
        .upsert_raw(&UpsertKey::new("Task", "uuid__c", "k"), &json!({}))
        .await
        .unwrap_err();
    match &err {
        Error::Decode {
            status,
            message,
            body_excerpt,
            ..
        } => {
            assert_eq!(*status, 201);
            assert!(!message.is_empty());
            assert!(body_excerpt.contains("oops"), "{body_excerpt}");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    assert!(!format!("{err:?}").contains("00D000000000001!token"));
}

#[tokio::test]
async fn dropped_connection_is_a_typed_transport_error() {
    let emu = emulator().await;
    emu.fail_next(Failure::drop_connection().for_method("PATCH"));
    let err = failed_upsert(&client(&emu), "dropped").await;
    let Error::Transport { context, .. } = &err else {
        panic!("expected Error::Transport, got {err:?}");
    };
    assert_eq!(context.method, Method::PATCH);
    assert_eq!(
        context.path,
        "/services/data/v62.0/sobjects/Task/uuid__c/dropped"
    );
    assert_eq!(err.retry_class(), RetryClass::Ambiguous);
    // The message names the request; the cause is the source, printed by `Chain`.
    assert_eq!(
        err.to_string(),
        "PATCH /services/data/v62.0/sobjects/Task/uuid__c/dropped: transport error"
    );
    assert!(std::error::Error::source(&err).is_some());
    let text = Chain(&err).to_string();
    assert!(!text.contains(emu.token()), "{text}");
    assert!(
        text.len() > err.to_string().len() && text.starts_with(&err.to_string()),
        "{text}"
    );
}

#[test]
fn upsert_without_a_runtime_is_an_executor_error() {
    // Built and called outside any Tokio runtime: the executor has nowhere to run the write.
    let client = Client::builder()
        .instance_url("http://127.0.0.1:9")
        .access_token("00D000000000001!token")
        .build()
        .unwrap();
    let key = UpsertKey::new("Task", "uuid__c", "no-runtime");
    let err =
        futures::executor::block_on(client.upsert(&key, &json!({"Subject": "x"}))).unwrap_err();
    let Error::Executor {
        context, source, ..
    } = &err
    else {
        panic!("expected Error::Executor, got {err:?}");
    };
    assert_eq!(source, &ExecutorFailure::NoRuntime);
    assert_eq!(context.method, Method::PATCH);
    // The executor's key is case-folded (API names are case-insensitive).
    assert!(
        context
            .path
            .eq_ignore_ascii_case("/services/data/v62.0/sobjects/Task/uuid__c/no-runtime"),
        "{context}"
    );
    assert_eq!(err.retry_class(), RetryClass::Permanent);
    let cause = std::error::Error::source(&err).expect("the failure is the source");
    assert_eq!(cause.to_string(), ExecutorFailure::NoRuntime.to_string());
}

#[tokio::test]
async fn dropped_connection_after_processing_wrote_the_record() {
    let emu = emulator().await;
    emu.fail_next(
        Failure::drop_connection()
            .for_method("PATCH")
            .after_processing(),
    );
    let key = UpsertKey::new("Task", "uuid__c", "landed");
    let err = client(&emu)
        .upsert_raw(&key, &json!({"Subject": "x"}))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(
        emu.find_by_external_id("Task", "uuid__c", "landed")
            .is_some()
    );
    // The upsert is idempotent: sending it again resolves to an update.
    let outcome = client(&emu)
        .upsert(&key, &json!({"Subject": "y"}))
        .await
        .unwrap();
    assert!(!outcome.created());
}

#[tokio::test]
async fn request_timeout_is_a_typed_timeout() {
    let emu = emulator_with_latency(Duration::from_secs(3)).await;
    let client = client_builder(&emu)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = failed_upsert(&client, "slow").await;
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(err.retry_class(), RetryClass::Ambiguous);
    assert_eq!(
        err.context().unwrap().path,
        "/services/data/v62.0/sobjects/Task/uuid__c/slow"
    );
}

#[tokio::test]
async fn connection_refused_is_a_typed_transport_error() {
    // Bind then drop a listener to get a port nobody listens on.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .instance_url(format!("http://127.0.0.1:{port}"))
        .access_token("00D000000000001!token")
        .build()
        .unwrap();
    let err = client.describe_global().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
}
