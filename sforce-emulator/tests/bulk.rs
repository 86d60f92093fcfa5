//! Bulk API 2.0 on the wire (plain HTTP): job info shapes, the one-upload rule, state
//! transitions, result files, and query result pages with their headers.

mod common;

use std::time::Duration;

use common::{Api, emulator};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sforce_emulator::Emulator;

async fn upload(api: &Api, job: &str, csv: &str) -> StatusCode {
    api.request(Method::PUT, &format!("/jobs/ingest/{job}/batches"), None)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap()
        .status()
}

/// Polls a job until it is terminal.
async fn finished(api: &Api, path: &str) -> Value {
    for _ in 0..2_000 {
        let info = api.get(path).await.json();
        if ["JobComplete", "Failed", "Aborted"].contains(&info["state"].as_str().unwrap()) {
            return info;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("{path} never finished")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingest_job_lifecycle_and_result_files() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let created = api
        .post(
            "/jobs/ingest",
            r#"{"object":"task","externalIdFieldName":"UUID__c","contentType":"CSV","operation":"upsert","lineEnding":"LF"}"#,
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    let info = created.json();
    let id = info["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("750") && id.len() == 18, "{id}");
    for key in [
        "operation",
        "object",
        "createdById",
        "createdDate",
        "systemModstamp",
        "state",
        "externalIdFieldName",
        "concurrencyMode",
        "contentType",
        "apiVersion",
        "contentUrl",
        "lineEnding",
        "columnDelimiter",
    ] {
        assert!(info.get(key).is_some(), "{key} missing: {info}");
    }
    assert_eq!(
        (
            info["object"].as_str(),
            info["externalIdFieldName"].as_str(),
            info["state"].as_str()
        ),
        (Some("Task"), Some("uuid__c"), Some("Open"))
    );
    assert_eq!(
        info["contentUrl"],
        json!(format!("services/data/v62.0/jobs/ingest/{id}/batches"))
    );

    // Closing before data is allowed; completing an open job is not a transition.
    let wrong = api
        .patch(&format!("/jobs/ingest/{id}"), r#"{"state":"JobComplete"}"#)
        .await;
    assert_eq!(
        (wrong.status, wrong.code()),
        (StatusCode::BAD_REQUEST, "INVALIDJOBSTATE".into())
    );
    let csv = "uuid__c,Subject,CallDurationInSeconds\nW1,one,1\nW2,two,abc\nW3,,#N/A\n";
    assert_eq!(upload(&api, &id, csv).await, StatusCode::CREATED);
    assert_eq!(upload(&api, &id, csv).await, StatusCode::BAD_REQUEST);
    let closed = api
        .patch(
            &format!("/jobs/ingest/{id}"),
            r#"{"state":"UploadComplete"}"#,
        )
        .await;
    assert_eq!(closed.json()["state"], "UploadComplete");
    let done = finished(&api, &format!("/jobs/ingest/{id}")).await;
    assert_eq!(done["state"], "JobComplete");
    assert_eq!(
        (
            done["numberRecordsProcessed"].as_u64(),
            done["numberRecordsFailed"].as_u64()
        ),
        (Some(3), Some(1))
    );
    for key in ["retries", "totalProcessingTime", "errorMessage"] {
        assert!(done.get(key).is_some(), "{key} missing: {done}");
    }
    let ok = api
        .get(&format!("/jobs/ingest/{id}/successfulResults"))
        .await;
    assert!(
        ok.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let lines: Vec<&str> = ok.text.lines().collect();
    assert_eq!(
        lines[0],
        "sf__Id,sf__Created,uuid__c,Subject,CallDurationInSeconds"
    );
    assert_eq!(lines.len(), 3, "{}", ok.text);
    assert!(
        lines.iter().any(|l| l.ends_with(",true,W1,one,1")),
        "{}",
        ok.text
    );
    let failed = api
        .get(&format!("/jobs/ingest/{id}/failedResults"))
        .await
        .text;
    assert!(failed.starts_with("sf__Id,sf__Error,uuid__c"), "{failed}");
    assert!(failed.contains("W2,two,abc"), "{failed}");
    let unprocessed = api
        .get(&format!("/jobs/ingest/{id}/unprocessedrecords"))
        .await
        .text;
    assert_eq!(unprocessed, "uuid__c,Subject,CallDurationInSeconds\n");
    let stored = emu.find_by_external_id("Task", "uuid__c", "W3").unwrap();
    assert_eq!(stored["CallDurationInSeconds"], Value::Null);
    assert_eq!(
        api.delete(&format!("/jobs/ingest/{id}")).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        api.get(&format!("/jobs/ingest/{id}")).await.status,
        StatusCode::NOT_FOUND
    );

    // An upsert job needs an external ID field that is one.
    let bad = api
        .post(
            "/jobs/ingest",
            r#"{"object":"Task","operation":"upsert","externalIdFieldName":"Subject"}"#,
        )
        .await;
    assert_eq!(
        (bad.status, bad.code()),
        (StatusCode::BAD_REQUEST, "INVALIDJOB".into())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_results_come_in_pages_with_locator_and_count_headers() {
    let emu = Emulator::builder()
        .commit_latency(Duration::ZERO)
        .start()
        .await
        .unwrap();
    for i in 0..5 {
        emu.insert_record(
            "Task",
            json!({"uuid__c": format!("P{i}"), "Subject": format!("s,{i}")})
                .as_object()
                .unwrap()
                .clone(),
        )
        .unwrap();
    }
    let api = Api::new(&emu);
    let bad = api
        .post(
            "/jobs/query",
            r#"{"operation":"query","query":"SELECT Nope FROM Task"}"#,
        )
        .await;
    assert_eq!(
        (bad.status, bad.code()),
        (StatusCode::BAD_REQUEST, "INVALID_FIELD".into())
    );
    let job = api
        .post(
            "/jobs/query",
            r#"{"operation":"query","query":"SELECT uuid__c, Subject FROM Task ORDER BY uuid__c"}"#,
        )
        .await
        .json();
    let id = job["id"].as_str().unwrap().to_owned();
    assert_eq!(job["state"], "UploadComplete");
    let done = finished(&api, &format!("/jobs/query/{id}")).await;
    assert_eq!(done["numberRecordsProcessed"], 5);
    let mut locator: Option<String> = None;
    let mut rows = Vec::new();
    let mut counts = Vec::new();
    loop {
        let path = match &locator {
            None => format!("/jobs/query/{id}/results?maxRecords=2"),
            Some(l) => format!("/jobs/query/{id}/results?maxRecords=2&locator={l}"),
        };
        let page = api.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        counts.push(
            page.headers["sforce-numberofrecords"]
                .to_str()
                .unwrap()
                .to_owned(),
        );
        let mut lines = page.text.lines();
        assert_eq!(lines.next(), Some("uuid__c,Subject"));
        rows.extend(lines.map(str::to_owned));
        match page.headers["sforce-locator"].to_str().unwrap() {
            "null" => break,
            next => locator = Some(next.to_owned()),
        }
    }
    assert_eq!(counts, ["2", "2", "1"]);
    assert_eq!(
        rows,
        [
            "P0,\"s,0\"",
            "P1,\"s,1\"",
            "P2,\"s,2\"",
            "P3,\"s,3\"",
            "P4,\"s,4\""
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_of_several_megabytes_is_accepted_and_an_aborted_open_job_keeps_it_unprocessed() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let id = api
        .post("/jobs/ingest", r#"{"object":"Task","operation":"insert"}"#)
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut csv = String::from("Subject\n");
    while csv.len() < 5 * 1024 * 1024 {
        csv.push_str("a subject long enough to make the body grow quickly\n");
    }
    assert_eq!(upload(&api, &id, &csv).await, StatusCode::CREATED);
    let aborted = api
        .patch(&format!("/jobs/ingest/{id}"), r#"{"state":"Aborted"}"#)
        .await;
    assert_eq!(aborted.json()["state"], "Aborted");
    let unprocessed = api
        .get(&format!("/jobs/ingest/{id}/unprocessedrecords"))
        .await
        .text;
    assert_eq!(unprocessed.len(), csv.len());
    assert!(emu.records("Task").is_empty());
}
