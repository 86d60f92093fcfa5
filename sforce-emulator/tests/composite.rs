//! `POST /composite` over real HTTP: references, allOrNone, the subrequest limit.
mod common;

use common::{Api, emulator};
use serde_json::{Value, json};

fn composite(all_or_none: bool, requests: Value) -> String {
    json!({"allOrNone": all_or_none, "compositeRequest": requests}).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn later_subrequests_use_earlier_answers_and_count_as_one_request() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let body = composite(
        false,
        json!([
            {"method": "POST", "url": "/services/data/v62.0/sobjects/Account",
             "referenceId": "NewAccount", "body": {"Name": "Acme"}},
            {"method": "PATCH", "url": "/services/data/v62.0/sobjects/Task/uuid__c/T1",
             "referenceId": "Call", "body": {"WhatId": "@{NewAccount.id}", "Subject": "for @{NewAccount.id}"}},
            {"method": "GET", "url": "/services/data/v62.0/sobjects/Account/@{NewAccount.id}?fields=Name",
             "referenceId": "Read"},
            {"method": "GET", "url": "/services/data/v62.0/sobjects/Account/@{Missing.id}",
             "referenceId": "Broken"},
        ]),
    );
    emu.clear_request_log();
    let answer = api.post("/composite", &body).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(
        emu.request_count(),
        1,
        "subrequests are not separate API requests"
    );
    let items = answer.json()["compositeResponse"].clone();
    assert_eq!(items[0]["httpStatusCode"], 201);
    assert_eq!(items[0]["referenceId"], "NewAccount");
    let account = items[0]["body"]["id"].as_str().unwrap().to_owned();
    assert_eq!(items[1]["httpStatusCode"], 201, "{items}");
    assert_eq!(items[2]["httpStatusCode"], 200);
    assert_eq!(items[2]["body"]["Name"], "Acme");
    assert_eq!(items[3]["httpStatusCode"], 400);
    assert_eq!(items[3]["body"][0]["errorCode"], "PROCESSING_HALTED");
    let task = emu.find_by_external_id("Task", "uuid__c", "T1").unwrap();
    assert_eq!(task["WhatId"], account.as_str());
    assert_eq!(task["Subject"], format!("for {account}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_or_none_rolls_back_every_subrequest() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let body = composite(
        true,
        json!([
            {"method": "POST", "url": "/services/data/v62.0/sobjects/Account",
             "referenceId": "A", "body": {"Name": "Rolled back"}},
            {"method": "PATCH", "url": "/services/data/v62.0/composite/sobjects/Task/uuid__c",
             "referenceId": "Tasks", "body": {"allOrNone": false, "records": [
                {"attributes": {"type": "Task"}, "uuid__c": "C1", "Subject": "x"}]}},
            {"method": "POST", "url": "/services/data/v62.0/sobjects/Account",
             "referenceId": "B", "body": {"Name": null}},
            {"method": "GET", "url": "/services/data/v62.0/limits", "referenceId": "C"},
        ]),
    );
    let items = api.post("/composite", &body).await.json()["compositeResponse"].clone();
    assert_eq!(items[2]["httpStatusCode"], 400);
    assert_eq!(items[2]["body"][0]["errorCode"], "REQUIRED_FIELD_MISSING");
    for i in [0, 1, 3] {
        assert_eq!(
            items[i]["body"][0]["errorCode"], "PROCESSING_HALTED",
            "{items}"
        );
    }
    assert!(emu.records("Account").is_empty());
    assert!(
        emu.records("Task").is_empty(),
        "the nested collection is rolled back too"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_25_subrequests_are_refused() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let requests: Vec<Value> = (0..26)
        .map(|i| json!({"method": "GET", "url": "/services/data/v62.0/limits", "referenceId": format!("r{i}")}))
        .collect();
    let answer = api
        .post("/composite", &composite(false, json!(requests)))
        .await;
    assert_eq!(answer.status, 400);
    let answer = api
        .post("/composite", &composite(false, json!(requests[..25])))
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json()["compositeResponse"].as_array().unwrap().len(),
        25
    );
}
