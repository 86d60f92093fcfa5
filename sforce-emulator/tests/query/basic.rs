//! Field lists, WHERE with `=` and `AND`, COUNT(), response shapes, auth and injected failures.

use reqwest::Method;
use serde_json::json;
use sforce_emulator::Failure;

use super::common::{Api, emulator};
use super::{column, insert, query, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn select_where_and_returns_salesforce_shaped_records() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let call = insert(
        &emu,
        "Task",
        json!({"Subject": "Call", "Status": "Completed"}),
    );
    insert(
        &emu,
        "Task",
        json!({"Subject": "Call", "Status": "Not Started"}),
    );
    insert(
        &emu,
        "Task",
        json!({"Subject": "Email", "Status": "Completed"}),
    );

    let body = query(
        &api,
        "SELECT Id, Subject, Status, CallType FROM Task WHERE Status = 'Completed' AND Subject = 'Call'",
    )
    .await;
    assert_eq!(
        body,
        json!({"totalSize": 1, "done": true, "records": [{
            "attributes": {"type": "Task", "url": format!("/services/data/v62.0/sobjects/Task/{call}")},
            "Id": call, "Subject": "Call", "Status": "Completed", "CallType": null,
        }]})
    );
    // Key order as Salesforce sends it: attributes, then SELECT order.
    let keys: Vec<&String> = body["records"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["attributes", "Id", "Subject", "Status", "CallType"]);
    let top: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(top, ["totalSize", "done", "records"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keywords_and_names_are_case_insensitive_output_keeps_describe_spelling() {
    let emu = emulator().await;
    let api = Api::with_version(&emu, "58.0");
    let id = insert(&emu, "Task", json!({"Subject": "Call", "uuid__c": "k1"}));
    let body = query(
        &api,
        "select id, SUBJECT, UUID__C from TASK where subject = 'CALL' and Uuid__c = 'K1' limit 5",
    )
    .await;
    let record = &body["records"][0];
    let keys: Vec<&String> = record.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["attributes", "Id", "Subject", "uuid__c"]);
    assert_eq!(record["Id"], id);
    assert_eq!(
        record["attributes"]["url"],
        format!("/services/data/v58.0/sobjects/Task/{id}")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn count_answers_total_size_only() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    for status in ["Completed", "Completed", "Deferred"] {
        insert(&emu, "Task", json!({"Status": status}));
    }
    let body = query(&api, "SELECT COUNT() FROM Task WHERE Status = 'Completed'").await;
    assert_eq!(body, json!({"totalSize": 2, "done": true, "records": []}));
    let body = query(&api, "SELECT count() FROM Task").await;
    assert_eq!(body["totalSize"], 3);
    let body = query(&api, "SELECT COUNT() FROM Account").await;
    assert_eq!(body, json!({"totalSize": 0, "done": true, "records": []}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limit_offset_and_empty_results() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    for i in 0..5 {
        insert(&emu, "Task", json!({"Subject": format!("S{i}")}));
    }
    let body = query(&api, "SELECT Subject FROM Task LIMIT 2 OFFSET 1").await;
    assert_eq!(column(&body, "Subject"), [json!("S1"), json!("S2")]);
    assert_eq!(body["totalSize"], 2);
    let body = query(&api, "SELECT Subject FROM Task WHERE Subject = 'none'").await;
    assert_eq!(body, json!({"totalSize": 0, "done": true, "records": []}));
    let body = query(&api, "SELECT Subject FROM Task LIMIT 0").await;
    assert_eq!(body["totalSize"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_needs_a_token_and_honours_injected_failures() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    insert(&emu, "Task", json!({"Subject": "Call"}));
    let anonymous = reqwest::Client::new()
        .get(format!("{}/services/data/v62.0/query", emu.url()))
        .query(&[("q", "SELECT Id FROM Task")])
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);

    emu.fail_next(Failure::server_unavailable().for_path_containing("/query"));
    let failed = run(&api, "query", "SELECT Id FROM Task", None).await;
    assert_eq!(
        (failed.status.as_u16(), failed.code()),
        (503, "SERVER_UNAVAILABLE".into())
    );
    let ok = run(&api, "query", "SELECT Id FROM Task", None).await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json()["totalSize"], 1);
    assert!(ok.headers.contains_key("sforce-limit-info"));
    assert_eq!(emu.request_count_matching("GET", "/query"), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_query_text_and_unknown_version() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let answer = api.send(Method::GET, "/query", None).await;
    assert_eq!(
        (answer.status.as_u16(), answer.code()),
        (400, "MALFORMED_QUERY".into())
    );
    let old = Api::with_version(&emu, "19.0");
    let answer = run(&old, "query", "SELECT Id FROM Task", None).await;
    assert_eq!(answer.status, 404);
}
