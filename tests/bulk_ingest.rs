//! Bulk API 2.0 ingest loads against the embedded emulator (real HTTP): typed rows through
//! CSV, jobs split by the upload limit, writes to one key merged before upload, results
//! joined back to input positions, abort, and a dropped load.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use sforce::bulk::{IngestOperation, LoadOutcome, ProgressEvent, ResultFile};
use sforce::emulator::{Emulator, Failure};
use sforce::{Date, DateTime, ErrorCode, Field, Id, SObject};
use support::{HANG, client, emulator, fast_poll, obj};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
enum CallType {
    Inbound,
    Outbound,
}

/// A parent set by its external ID: written as the column `What.ExtId__c`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct AccountRef {
    #[serde(rename = "ExtId__c")]
    ext_id: String,
}

/// Every kind of Task field the emulator describes.
#[derive(Debug, Clone, PartialEq, Default, SObject)]
#[sobject(name = "Task")]
struct CallLog {
    #[sobject(id)]
    id: Option<Id>,
    #[external_id]
    #[sobject(rename = "uuid__c")]
    uuid: String,
    subject: Option<String>,
    description: Field<String>,
    status: Option<String>,
    call_type: Option<CallType>,
    call_duration_in_seconds: Option<i32>,
    activity_date: Option<Date>,
    #[sobject(rename = "isTransfer__c")]
    is_transfer: Option<bool>,
    #[sobject(rename = "LegacyNumber__c")]
    legacy_number: Option<f64>,
    #[sobject(rename = "CallStarted__c")]
    call_started: Option<DateTime>,
    #[sobject(rename = "AsteriskId__c")]
    asterisk_id: Option<String>,
}

/// The same Task with a parent reference (only writable through Bulk CSV columns).
#[derive(Debug, Clone, Default, SObject)]
#[sobject(name = "Task")]
struct LinkedCall {
    #[external_id]
    #[sobject(rename = "uuid__c")]
    uuid: String,
    subject: Option<String>,
    #[sobject(rename = "What")]
    what: Option<AccountRef>,
}

/// A small Task for volume tests.
#[derive(Debug, Clone, SObject)]
#[sobject(name = "Task")]
struct Tiny {
    #[external_id]
    #[sobject(rename = "uuid__c")]
    uuid: String,
    subject: Option<String>,
}

fn full_call(uuid: &str) -> CallLog {
    CallLog {
        id: None,
        uuid: uuid.to_owned(),
        subject: Some("Call, \"quoted\"\nsecond line".to_owned()),
        description: Field::Set("é 日本 😀".to_owned()),
        status: Some("Completed".to_owned()),
        call_type: Some(CallType::Outbound),
        call_duration_in_seconds: Some(597),
        activity_date: Some("2021-07-20".parse().unwrap()),
        is_transfer: Some(true),
        legacy_number: Some(1234.0), // scale 0 in the describe: Salesforce rounds
        call_started: Some("2017-10-31T07:10:51.000Z".parse().unwrap()),
        asterisk_id: Some("7794786".to_owned()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_field_type_round_trips_through_csv() {
    let emu = emulator().await;
    let client = client(&emu);
    let account = emu
        .insert_record("Account", obj(json!({"Name": "Acme", "ExtId__c": "ACC-1"})))
        .unwrap();
    let full = full_call("RT-1");
    let mut sparse = CallLog {
        uuid: "RT-2".into(),
        description: Field::Null,
        ..CallLog::default()
    };
    sparse.call_duration_in_seconds = Some(0);
    let report = tokio::time::timeout(
        HANG,
        client
            .bulk()
            .upsert(CallLog::FIELD.uuid)
            .poll(fast_poll())
            .run_iter(vec![full.clone(), sparse.clone()]),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(report.created, 2, "{report:?}");
    assert_eq!(report.jobs.len(), 1);

    // Read back through REST (typed) and through a query job (typed, from CSV).
    let rest = CallLog::get_by_uuid(&client, "RT-1").await.unwrap();
    assert_eq!(CallLog { id: None, ..rest }, full);
    let stored = emu.find_by_external_id("Task", "uuid__c", "RT-2").unwrap();
    assert_eq!(stored["Description"], json!(null));
    assert_eq!(stored["CallDurationInSeconds"], json!(0));

    use futures::TryStreamExt;
    let soql = format!("SELECT {} FROM Task", CallLog::select_fields().join(", "));
    let mut rows: Vec<CallLog> = tokio::time::timeout(
        HANG,
        client
            .bulk()
            .query::<CallLog>(&soql)
            .poll(fast_poll())
            .stream()
            .try_collect(),
    )
    .await
    .unwrap()
    .unwrap();
    rows.sort_by(|a, b| a.uuid.cmp(&b.uuid));
    assert_eq!(rows.len(), 2);
    assert!(rows[0].id.is_some());
    assert_eq!(
        CallLog {
            id: None,
            ..rows[0].clone()
        },
        full
    );
    assert_eq!(rows[1].uuid, "RT-2");
    assert_eq!(rows[1].call_duration_in_seconds, Some(0));
    assert_eq!(rows[1].description, Field::Null);
    assert_eq!(rows[1].subject, None);

    // A parent by external ID: the column What.ExtId__c.
    let linked = LinkedCall {
        uuid: "RT-3".into(),
        subject: Some("linked".into()),
        what: Some(AccountRef {
            ext_id: "acc-1".into(),
        }),
    };
    let report = client
        .bulk()
        .upsert(LinkedCall::FIELD.uuid)
        .poll(fast_poll())
        .run_iter([linked])
        .await
        .unwrap();
    assert_eq!(report.created, 1, "{report:?}");
    let stored = emu.find_by_external_id("Task", "uuid__c", "RT-3").unwrap();
    assert_eq!(stored["WhatId"], json!(account));
    let upload = emu
        .request_log()
        .into_iter()
        .rfind(|r| r.method == "PUT")
        .unwrap();
    assert!(
        upload.body.starts_with("uuid__c,Subject,What.ExtId__c\n"),
        "{}",
        upload.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_and_five_records_split_into_the_right_number_of_jobs() {
    let emu = Emulator::builder()
        .commit_latency(Duration::ZERO)
        .bulk_chunk_size(5_000)
        .start()
        .await
        .unwrap();
    let client = client(&emu);
    const N: u64 = 100_005;
    const LIMIT: usize = 100_000;
    // Fixed-width rows: "K0000001,S\n" under the header "uuid__c,Subject\n".
    let header = "uuid__c,Subject\n".len();
    let row = "K0000001,S\n".len();
    let per_job = (LIMIT - header) / row;
    let expected_jobs = N.div_ceil(per_job as u64) as usize;
    let records = futures::stream::iter((0..N).map(|i| Tiny {
        uuid: format!("K{i:07}"),
        subject: Some("S".into()),
    }));
    let report = tokio::time::timeout(
        Duration::from_secs(300),
        client
            .bulk()
            .upsert(Tiny::FIELD.uuid)
            .max_upload_bytes(LIMIT)
            .poll(fast_poll())
            .run(records),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(report.jobs.len(), expected_jobs, "{report:?}");
    assert_eq!(report.records, N);
    assert_eq!(report.rows, N);
    assert_eq!(report.created, N);
    let uploads: Vec<usize> = emu
        .request_log()
        .iter()
        .filter(|r| r.method == "PUT" && r.path.ends_with("/batches"))
        .map(|r| r.body.len())
        .collect();
    assert_eq!(uploads.len(), expected_jobs);
    assert!(uploads.iter().all(|&len| len <= LIMIT), "{uploads:?}");
    assert_eq!(emu.records("Task").len() as u64, N);
    assert_eq!(
        emu.request_count_matching("POST", "/jobs/ingest"),
        expected_jobs
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_to_one_key_are_merged_before_upload_and_every_writer_gets_the_row_outcome() {
    let emu = emulator().await;
    let client = client(&emu);
    let first = CallLog {
        uuid: "DUP-1".into(),
        subject: Some("first".into()),
        status: Some("Not Started".into()),
        ..CallLog::default()
    };
    let other = CallLog {
        uuid: "DUP-2".into(),
        ..CallLog::default()
    };
    let second = CallLog {
        uuid: "dup-1".into(), // case-insensitive external ID: the same key
        status: Some("Completed".into()),
        description: Field::Null,
        ..CallLog::default()
    };
    let (report, results) = client
        .bulk()
        .upsert(CallLog::FIELD.uuid)
        .poll(fast_poll())
        .run_collect(futures::stream::iter(vec![first, other, second]))
        .await
        .unwrap();
    assert_eq!(
        (report.rows, report.merged, report.created),
        (2, 1, 3),
        "{report:?}"
    );
    let upload = emu
        .request_log()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    assert_eq!(
        upload.body.matches("DUP-1").count() + upload.body.matches("dup-1").count(),
        1,
        "{}",
        upload.body
    );
    let stored = emu.find_by_external_id("Task", "uuid__c", "DUP-1").unwrap();
    assert_eq!(stored["Subject"], json!("first"));
    assert_eq!(stored["Status"], json!("Completed"));
    assert_eq!(stored["Description"], json!(null));
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].outcome, results[2].outcome);
    assert_eq!(
        (results[0].merged, results[1].merged, results[2].merged),
        (2, 1, 2)
    );
    assert!(matches!(results[1].outcome, LoadOutcome::Created { .. }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_and_invalid_rows_reach_their_input_record() {
    let emu = emulator().await;
    let client = client(&emu);
    let mut records: Vec<CallLog> = (0..20)
        .map(|i| CallLog {
            uuid: format!("F-{i}"),
            subject: Some(format!("s{i}")),
            ..CallLog::default()
        })
        .collect();
    records[3].asterisk_id = Some("x".repeat(51)); // STRING_TOO_LONG (length 50)
    records[11].status = Some("Bogus".into()); // restricted picklist
    records[17].uuid = String::new(); // no key: never sent
    let (report, results) = client
        .bulk()
        .upsert(CallLog::FIELD.uuid)
        .poll(fast_poll())
        .run_collect(futures::stream::iter(records))
        .await
        .unwrap();
    assert_eq!(results.len(), 20);
    assert_eq!(
        (report.created, report.failed, report.invalid),
        (17, 2, 1),
        "{report:?}"
    );
    for result in &results {
        match result.index {
            3 => assert!(
                matches!(&result.outcome, LoadOutcome::Failed { error, .. } if error.code == ErrorCode::StringTooLong && error.fields == ["AsteriskId__c"]),
                "{result:?}"
            ),
            11 => assert!(
                matches!(&result.outcome, LoadOutcome::Failed { error, .. } if error.code == ErrorCode::InvalidOrNullForRestrictedPicklist),
                "{result:?}"
            ),
            17 => assert!(
                matches!(result.outcome, LoadOutcome::Invalid { .. }),
                "{result:?}"
            ),
            i => {
                let LoadOutcome::Created { id } = &result.outcome else {
                    panic!("{result:?}")
                };
                let stored = emu.record("Task", id.as_str()).unwrap();
                assert_eq!(stored["uuid__c"], json!(format!("F-{i}")));
            }
        }
    }
}

/// An emulator processing bulk jobs one chunk of `chunk` rows at a time, each after `delay`.
async fn slow_emulator(chunk: usize, delay: Duration) -> (Emulator, sforce::Client) {
    let emu = Emulator::builder()
        .commit_latency(Duration::ZERO)
        .bulk_chunk_size(chunk)
        .bulk_parallelism(1)
        .bulk_chunk_delay(delay)
        .start()
        .await
        .unwrap();
    let client = client(&emu);
    (emu, client)
}

/// A load of `n` records keyed `<prefix>-<i>` that records its progress events in `events`.
fn recorded_load(
    client: &sforce::Client,
    prefix: &'static str,
    n: u64,
    events: &Arc<Mutex<Vec<ProgressEvent>>>,
) -> impl std::future::Future<Output = sforce::Result<sforce::bulk::LoadReport>> + use<> {
    let seen = events.clone();
    client
        .bulk()
        .upsert(Tiny::FIELD.uuid)
        .poll(fast_poll())
        .on_progress(move |e| seen.lock().unwrap().push(e.clone()))
        .run_iter((0..n).map(move |i| Tiny {
            uuid: format!("{prefix}-{i}"),
            subject: None,
        }))
}

/// The load's job, once the emulator has it.
async fn wait_for_job(emu: &Emulator, state: &str) -> String {
    tokio::time::timeout(HANG, async {
        loop {
            if let Some(job) = emu.bulk_jobs().into_iter().find(|j| j["state"] == state) {
                return job["id"].as_str().unwrap().to_owned();
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no job reached {state}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aborted_mid_way_the_rest_is_unprocessed_and_reaches_its_input_record() {
    let (emu, client) = slow_emulator(10, Duration::from_millis(30)).await;
    let load = client
        .bulk()
        .upsert(Tiny::FIELD.uuid)
        .poll(fast_poll())
        .run_collect(futures::stream::iter((0..200).map(|i| Tiny {
            uuid: format!("A-{i}"),
            subject: None,
        })));
    let load = tokio::spawn(load);
    let job = wait_for_job(&emu, "InProgress").await;
    tokio::time::timeout(HANG, async {
        while emu.bulk_jobs()[0]["numberRecordsProcessed"].as_u64() < Some(10) {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    })
    .await
    .unwrap();
    let info = client.bulk().abort(&job).await.unwrap();
    assert_eq!(info.state, sforce::bulk::JobState::Aborted);
    let (report, results) = tokio::time::timeout(HANG, load)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(results.len(), 200);
    assert!(report.created >= 10 && report.unprocessed > 0, "{report:?}");
    assert_eq!(report.created + report.unprocessed, 200);
    for result in &results {
        let stored = emu.find_by_external_id("Task", "uuid__c", &format!("A-{}", result.index));
        match &result.outcome {
            LoadOutcome::Created { id } => assert_eq!(stored.unwrap()["Id"], json!(id.as_str())),
            LoadOutcome::Unprocessed => assert!(stored.is_none(), "{result:?}"),
            other => panic!("{other:?}"),
        }
    }
    // Aborting again is a wrong transition.
    let err = client.bulk().abort(&job).await.unwrap_err();
    assert_eq!(
        err.api_code(),
        Some(&ErrorCode::Other("INVALIDJOBSTATE".into()))
    );
    let unprocessed = client
        .bulk()
        .results(&job, ResultFile::Unprocessed)
        .await
        .unwrap();
    let lines = String::from_utf8(unprocessed).unwrap().lines().count() as u64;
    assert_eq!(lines, 1 + report.unprocessed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_load_dropped_during_upload_aborts_its_open_job_and_says_so() {
    let emu = emulator().await;
    let client = client(&emu);
    emu.fail_next(
        Failure::delay(Duration::from_secs(30))
            .for_method("PUT")
            .for_path_containing("/batches"),
    );
    let events = Arc::new(Mutex::new(Vec::new()));
    let load = recorded_load(&client, "D", 5, &events);
    let _ = tokio::time::timeout(Duration::from_millis(300), load).await;
    let abandoned: Vec<ProgressEvent> = events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| matches!(e, ProgressEvent::JobAbandoned { .. }))
        .cloned()
        .collect();
    assert!(
        matches!(
            abandoned.as_slice(),
            [ProgressEvent::JobAbandoned { aborted: true, .. }]
        ),
        "{abandoned:?}"
    );
    wait_for_job(&emu, "Aborted").await;
    assert!(emu.records("Task").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_load_dropped_while_its_job_runs_stops_polling_and_reports_the_running_job() {
    let (emu, client) = slow_emulator(1, Duration::from_millis(20)).await;
    let events = Arc::new(Mutex::new(Vec::new()));
    let load = recorded_load(&client, "R", 100, &events);
    let handle = tokio::spawn(load);
    let job = wait_for_job(&emu, "InProgress").await;
    // The emulator's state changes before the load reads the answer to its close: wait until
    // the load has read the job's status, so its own view is no longer `Open` (dropped before
    // that, it aborts the job: `a_load_dropped_during_upload_aborts_its_open_job_and_says_so`).
    tokio::time::timeout(HANG, async {
        while !events
            .lock()
            .unwrap()
            .iter()
            .any(|e| matches!(e, ProgressEvent::JobStatus { .. }))
        {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    })
    .await
    .expect("the load reads its job's status");
    handle.abort();
    let _ = handle.await;
    // A poll sent just before the drop may still reach the log: let it land first, then watch
    // for six poll periods (the poll policy backs off to 50 ms at most).
    tokio::time::sleep(Duration::from_millis(200)).await;
    let polls = emu.request_count_matching("GET", &job);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        emu.request_count_matching("GET", &job),
        polls,
        "still polling after drop"
    );
    let events = events.lock().unwrap();
    assert!(
        events.iter().any(|e| matches!(e,
            ProgressEvent::JobAbandoned { job_id, aborted: false, .. } if *job_id == job)),
        "{events:?}"
    );
    // The job itself keeps running on the server.
    assert_ne!(emu.bulk_jobs()[0]["state"], "Aborted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_upload_per_job_wrong_transitions_and_duplicate_keys_inside_a_raw_job() {
    let emu = emulator().await;
    let client = client(&emu);
    let bulk = client.bulk();
    let job = bulk
        .create_job("Task", IngestOperation::Upsert, Some("uuid__c"))
        .await
        .unwrap();
    assert_eq!(job.state, sforce::bulk::JobState::Open);
    assert_eq!(job.external_id_field_name.as_deref(), Some("uuid__c"));
    assert!(job.content_url.as_deref().unwrap().ends_with("/batches"));
    let invalid_state = ErrorCode::Other("INVALIDJOBSTATE".into());
    // Results before the job ends: refused.
    let err = bulk
        .results(&job.id, ResultFile::Successful)
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(&invalid_state));
    let csv = b"uuid__c,Subject\nX1,a\nx1,b\nX2,c\n".to_vec();
    bulk.upload(&job.id, csv.clone()).await.unwrap();
    let err = bulk.upload(&job.id, csv).await.unwrap_err();
    assert_eq!(err.api_code(), Some(&invalid_state));
    assert!(err.to_string().contains("only do 'PUT' once"), "{err}");
    bulk.close(&job.id).await.unwrap();
    let err = bulk.close(&job.id).await.unwrap_err();
    assert_eq!(err.api_code(), Some(&invalid_state));
    let done = bulk.wait(&job.id, &fast_poll()).await.unwrap();
    assert_eq!(done.state, sforce::bulk::JobState::JobComplete);
    assert_eq!(
        (done.number_records_processed, done.number_records_failed),
        (3, 2)
    );
    let failed =
        String::from_utf8(bulk.results(&job.id, ResultFile::Failed).await.unwrap()).unwrap();
    assert_eq!(
        failed
            .matches("DUPLICATE_VALUE:Duplicate external id specified")
            .count(),
        2,
        "{failed}"
    );
    assert!(emu.find_by_external_id("Task", "uuid__c", "X1").is_none());
    assert!(emu.find_by_external_id("Task", "uuid__c", "X2").is_some());
    bulk.delete_job(&job.id).await.unwrap();
    assert!(bulk.job(&job.id).await.unwrap_err().is_not_found());
    // An unknown column fails the whole job; its rows are unprocessed.
    let job = bulk
        .create_job("Task", IngestOperation::Insert, None)
        .await
        .unwrap();
    bulk.upload(&job.id, b"Nope__c\n1\n".to_vec())
        .await
        .unwrap();
    bulk.close(&job.id).await.unwrap();
    let done = bulk.wait(&job.id, &fast_poll()).await.unwrap();
    assert_eq!(done.state, sforce::bulk::JobState::Failed);
    assert!(done.error_message.unwrap().contains("Nope__c"));
}
