//! Bulk API 2.0 from typed structs: a streamed upsert with a progress bar, then a query job.
//!
//! Runs against the embedded emulator by default; set `SF_INSTANCE_URL` and `SF_ACCESS_TOKEN`
//! (or another flow of `Client::from_env`) to load a real org's Task object (it needs a unique
//! external ID field `uuid__c`).
//!
//! ```text
//! cargo run --example bulk -- 50000
//! ```
//!
//! The progress bar is drawn on stderr only when it is a terminal.

use std::sync::Arc;
use std::time::Duration;

use futures::TryStreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use sforce::bulk::{LoadOutcome, PollPolicy, ProgressEvent};
use sforce::{Client, SObject};

#[path = "bulk_common/mod.rs"]
mod bulk_common;
use bulk_common::CallLog;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let records: u64 = std::env::args()
        .nth(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(50_000);
    // Keep the emulator alive for the whole run when there is no org.
    let (client, _emulator) = if std::env::var_os("SF_INSTANCE_URL").is_some() {
        (Client::from_env()?, None)
    } else {
        let emu = sforce::emulator::Emulator::builder()
            .bulk_chunk_delay(Duration::from_millis(2))
            .start()
            .await?;
        let client = Client::builder()
            .instance_url(emu.url())
            .access_token(emu.token())
            .build()?;
        (client, Some(emu))
    };

    let bar = ProgressBar::new(records);
    bar.set_style(ProgressStyle::with_template(
        "{spinner} {msg:24} [{bar:40}] {pos}/{len} ({per_sec}, eta {eta})",
    )?);
    // Records of finished jobs, plus the current job's processed count.
    let done_before = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let progress_bar = bar.clone();
    let done = done_before.clone();
    let calls = (0..records).map(|i| CallLog {
        uuid: format!("bulk-example-{i}"),
        subject: Some(format!("Call {i}")),
        status: Some("Completed".into()),
        call_duration_in_seconds: Some((i % 600) as i32),
    });
    let mut failures = 0u64;
    let report = client
        .bulk()
        .upsert(CallLog::FIELD.uuid)
        .poll(
            PollPolicy::new()
                .initial(Duration::from_millis(100))
                .max(Duration::from_secs(2)),
        )
        .on_progress(move |event| match event {
            ProgressEvent::JobUploaded {
                job_id, records, ..
            } => {
                progress_bar.set_message(format!("job {job_id}: {records} rows"));
            }
            ProgressEvent::JobStatus { job } => {
                let before = done.load(std::sync::atomic::Ordering::Relaxed);
                progress_bar.set_position(before + job.number_records_processed);
                if job.state.is_terminal() {
                    done.fetch_add(
                        job.number_records_processed,
                        std::sync::atomic::Ordering::Relaxed,
                    );
                    progress_bar.set_message(format!("job {}: {}", job.id, job.state));
                }
            }
            ProgressEvent::JobAbandoned { job_id, .. } => {
                progress_bar.println(format!("job {job_id} abandoned"));
            }
            _ => {}
        })
        .on_result(move |result| {
            if let LoadOutcome::Failed { error, .. } = &result.outcome {
                failures += 1;
                if failures <= 5 {
                    eprintln!("record #{}: {error}", result.index);
                }
            }
        })
        .run_iter(calls)
        .await?;
    bar.finish_with_message("done");
    println!(
        "{} records in {} job(s): {} created, {} updated, {} failed, {} merged",
        report.records,
        report.jobs.len(),
        report.created,
        report.updated,
        report.failed,
        report.merged
    );

    let soql = format!(
        "SELECT {} FROM Task WHERE uuid__c LIKE 'bulk-example-%'",
        CallLog::select_fields().join(", ")
    );
    let rows: Vec<CallLog> = client
        .bulk()
        .query::<CallLog>(&soql)
        .stream()
        .try_collect()
        .await?;
    println!("query job returned {} rows", rows.len());
    Ok(())
}
