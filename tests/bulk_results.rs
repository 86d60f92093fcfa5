//! Bulk API 2.0 loads against the embedded emulator (real HTTP): result files read as they
//! download (many chunks, quoted newlines) reach the right input records, and a key written
//! in two jobs of one load ends with the later write (jobs run one after another), and a
//! download holds its permit of the client's limit until its body is read.

mod support;

use std::sync::{Arc, Mutex};

use serde_json::json;
use sforce::bulk::LoadOutcome;
use sforce::{ErrorCode, SObject};
use support::{HANG, client, emulator, fast_poll};

#[derive(Debug, Clone, SObject)]
#[sobject(name = "Task")]
struct Note {
    #[external_id]
    #[sobject(rename = "uuid__c")]
    uuid: String,
    subject: Option<String>,
    status: Option<String>,
}

/// A subject with a newline, quotes and a comma: quoted in every CSV file.
fn subject(i: usize) -> String {
    format!("line one {i}\nline \"two\", {i}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_result_files_with_quoted_newlines_reach_their_input_records() {
    let emu = emulator().await;
    let client = client(&emu);
    const N: usize = 20_000;
    let failing = |i: usize| i % 97 == 5;
    let records = (0..N).map(|i| Note {
        uuid: format!("Q-{i}"),
        subject: Some(subject(i)),
        // A value outside the restricted picklist: the row is in failedResults.
        status: Some(if failing(i) { "Bogus" } else { "Completed" }.into()),
    });
    let results = Arc::new(Mutex::new(Vec::new()));
    let sink = results.clone();
    // Requests in flight seen while results are delivered: the download's connection is
    // busy until its body is read, so its permit must still be held.
    let in_flight_seen = Arc::new(Mutex::new(Vec::new()));
    let (seen_by_callback, observed) = (in_flight_seen.clone(), client.clone());
    let report = tokio::time::timeout(
        HANG,
        client
            .bulk()
            .upsert(Note::FIELD.uuid)
            .poll(fast_poll())
            .on_result(move |result| {
                sink.lock().unwrap().push(result);
                let in_flight = observed.request_stats().in_flight;
                seen_by_callback.lock().unwrap().push(in_flight);
            })
            .run_iter(records),
    )
    .await
    .unwrap()
    .unwrap();
    let in_flight_seen = std::mem::take(&mut *in_flight_seen.lock().unwrap());
    assert!(
        in_flight_seen.iter().all(|&n| n == 1),
        "a result download released its permit before its body was read: {:?}",
        in_flight_seen.iter().min()
    );
    assert_eq!(client.request_stats().in_flight, 0);
    let failed = (0..N).filter(|&i| failing(i)).count() as u64;
    assert_eq!(
        (report.created, report.failed, report.unprocessed),
        (N as u64 - failed, failed, 0),
        "{report:?}"
    );
    let results = std::mem::take(&mut *results.lock().unwrap());
    assert_eq!(results.len(), N);
    let mut seen = vec![false; N];
    for result in &results {
        let i = result.index as usize;
        assert!(!std::mem::replace(&mut seen[i], true), "#{i} twice");
        if failing(i) {
            assert!(
                matches!(&result.outcome, LoadOutcome::Failed { error, .. } if error.code == ErrorCode::InvalidOrNullForRestrictedPicklist),
                "{result:?}"
            );
            continue;
        }
        let LoadOutcome::Created { id } = &result.outcome else {
            panic!("{result:?}")
        };
        let stored = emu.record("Task", id.as_str()).unwrap();
        assert_eq!(stored["uuid__c"], json!(format!("Q-{i}")));
        assert_eq!(stored["Subject"], json!(subject(i)));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_written_in_two_jobs_ends_with_the_later_write() {
    let emu = emulator().await;
    let client = client(&emu);
    const KEYS: usize = 300;
    let mut records: Vec<Note> = (0..KEYS)
        .map(|i| Note {
            uuid: format!("J-{i:03}"),
            subject: Some("first".into()),
            status: None,
        })
        .collect();
    // The same key again at the end of the input: a later job than the first write.
    records.push(Note {
        uuid: "j-000".into(),
        subject: Some("second".into()),
        status: Some("Completed".into()),
    });
    let (report, results) = tokio::time::timeout(
        HANG,
        client
            .bulk()
            .upsert(Note::FIELD.uuid)
            .max_upload_bytes(1_000)
            .poll(fast_poll())
            .run_collect(futures::stream::iter(records)),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(report.jobs.len() >= 4, "{report:?}");
    assert_eq!((report.created, report.updated), (KEYS as u64, 1));
    let (LoadOutcome::Created { id: first }, LoadOutcome::Updated { id: second }) =
        (&results[0].outcome, &results[KEYS].outcome)
    else {
        panic!("{:?} / {:?}", results[0], results[KEYS]);
    };
    assert_eq!(first, second);
    assert_ne!(results[0].job_id, results[KEYS].job_id);
    let stored = emu.find_by_external_id("Task", "uuid__c", "J-000").unwrap();
    assert_eq!(stored["Subject"], json!("second"));
    assert_eq!(stored["Status"], json!("Completed"));
    // One job at a time: each job is created only after the previous one's results were read.
    let mut open = false;
    for request in emu.request_log() {
        if request.method == "POST" && request.path.ends_with("/jobs/ingest") {
            assert!(!open, "a job was created while another was unfinished");
            open = true;
        } else if request.method == "GET" && request.path.ends_with("/successfulResults") {
            open = false;
        }
    }
}
