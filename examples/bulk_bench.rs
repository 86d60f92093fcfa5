//! bulk_bench: N Task upserts over K keys (default 1,000,000 over 900,000: 100,000 keys are
//! written twice) against the emulator, through
//! - `bulk`: Bulk API 2.0 ingest jobs (`client.bulk().upsert(..)`, the default upload limit
//!   of 32 MiB a job), records streamed from an iterator;
//! - `collections`: `Client::upsert_records` (sObject Collections, 200 records a request) over
//!   batches of 2,000 records built from the iterator, 4 batches at a time;
//! - `rest`: one `Client::upsert` per record (the write executor; 64 upserts awaited at a
//!   time).
//!
//! Each mode runs in its own process against its own emulator process, so the client's peak
//! RSS (`VmHWM`) is the client side's alone; the emulator's is reported beside it. Measured:
//! API requests (the emulator's `Sforce-Limit-Info` count), wall seconds, records per second,
//! the client's peak RSS in MB at the end and when 200k / 500k / 1M / ... records had their
//! result (flat once the first job is full: memory follows the job size, not the number of
//! records), the emulator's peak RSS. Prints a table and one JSON line per mode. No timing
//! assertions.
//!
//! ```text
//! cargo run --release --example bulk_bench                      # 1,000,000 over 900,000
//! cargo run --release --example bulk_bench -- 20000 18000       # smoke run
//! cargo run --release --example bulk_bench -- 20000 18000 bulk  # one mode
//! cargo run --release --example bulk_bench -- 1000000 900000 bulk 16  # 16 MB jobs
//! ```
//!
//! The optional fourth argument is the bulk upload limit in MiB (default: the library's
//! 32 MiB).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::json;
use sforce::Client;

#[path = "bulk_common/mod.rs"]
mod bulk_common;
use bulk_common::CallLog;

/// Records per `upsert_records` call in `collections` mode.
const COLLECTION_BATCH: usize = 2_000;

/// Record `i` of the workload: key `i % keys`, so keys below `records - keys` come twice.
fn record(i: u64, keys: u64) -> CallLog {
    CallLog {
        uuid: format!("bench-{:08}", i % keys),
        subject: Some(format!("Call {i}")),
        status: Some(
            if i.is_multiple_of(2) {
                "Completed"
            } else {
                "Not Started"
            }
            .into(),
        ),
        call_duration_in_seconds: Some((i % 1000) as i32),
    }
}

/// Peak resident set (`VmHWM`) of this process, in MB.
fn peak_rss_mb() -> f64 {
    peak_rss_mb_of("self")
}

/// Peak resident set of process `pid` (`self`, or a number), in MB.
fn peak_rss_mb_of(pid: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Record counts at which the client's peak RSS is noted, to show whether it grows with the
/// number of records.
const MILESTONES: [u64; 5] = [200_000, 500_000, 1_000_000, 2_000_000, 5_000_000];

/// The client's peak RSS when `done` records had their result, per milestone reached.
#[derive(Default)]
struct RssAt(Vec<(u64, f64)>);

impl RssAt {
    fn note(&mut self, done: u64) {
        if let Some(&m) = MILESTONES.get(self.0.len())
            && done >= m
        {
            self.0.push((m, (peak_rss_mb() * 10.0).round() / 10.0));
        }
    }

    fn json(&self) -> serde_json::Value {
        self.0
            .iter()
            .map(|(m, mb)| (m.to_string(), json!(mb)))
            .collect::<serde_json::Map<_, _>>()
            .into()
    }
}

/// `--serve`: an emulator until stdin closes.
async fn serve() -> Result<(), Box<dyn std::error::Error>> {
    let emu = sforce::emulator::Emulator::builder()
        .commit_latency(Duration::ZERO)
        .bulk_chunk_size(10_000)
        .start()
        .await?;
    println!("{}", emu.url());
    std::io::stdout().flush()?;
    tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        while std::io::stdin()
            .read_line(&mut line)
            .map(|n| n > 0)
            .unwrap_or(false)
        {}
    })
    .await?;
    Ok(())
}

/// `--mode <m> <url> <records> <keys>`: one measured run; prints one JSON line.
async fn run_mode(
    mode: &str,
    url: &str,
    records: u64,
    keys: u64,
    upload_mb: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder()
        .instance_url(url)
        .access_token(sforce::emulator::DEFAULT_TOKEN)
        .build()?;
    let started = Instant::now();
    let rss_at = std::sync::Arc::new(std::sync::Mutex::new(RssAt::default()));
    let (ok, failed) = match mode {
        "bulk" => {
            let rss = rss_at.clone();
            let mut done = 0u64;
            let report = client
                .bulk()
                .upsert(CallLog::FIELD.uuid)
                .max_upload_bytes(upload_mb * 1024 * 1024)
                .poll(
                    sforce::bulk::PollPolicy::new()
                        .initial(Duration::from_millis(50))
                        .max(Duration::from_millis(500)),
                )
                .on_result(move |_| {
                    done += 1;
                    rss.lock().unwrap().note(done);
                })
                .run_iter((0..records).map(|i| record(i, keys)))
                .await?;
            (
                report.created + report.updated,
                report.failed + report.unprocessed + report.invalid,
            )
        }
        "collections" => {
            let options = sforce::client::CollectionOptions::new();
            let mut ok = 0u64;
            let mut failed = 0u64;
            let mut batches = futures::stream::iter((0..records).step_by(COLLECTION_BATCH))
                .map(|start| {
                    let end = (start + COLLECTION_BATCH as u64).min(records);
                    let batch: Vec<CallLog> = (start..end).map(|i| record(i, keys)).collect();
                    let client = client.clone();
                    let options = options.clone();
                    async move {
                        client
                            .upsert_records(CallLog::FIELD.uuid, &batch, &options)
                            .await
                    }
                })
                .buffer_unordered(4);
            while let Some(results) = batches.next().await {
                for result in results? {
                    match result {
                        Ok(_) => ok += 1,
                        Err(_) => failed += 1,
                    }
                }
                rss_at.lock().unwrap().note(ok + failed);
            }
            (ok, failed)
        }
        "rest" => {
            let mut ok = 0u64;
            let mut failed = 0u64;
            let mut results = futures::stream::iter(0..records)
                .map(|i| {
                    let body = record(i, keys);
                    body.upsert(&client)
                })
                .buffer_unordered(64);
            while let Some(result) = results.next().await {
                match result {
                    Ok(_) => ok += 1,
                    Err(_) => failed += 1,
                }
                rss_at.lock().unwrap().note(ok + failed);
            }
            (ok, failed)
        }
        other => return Err(format!("unknown mode {other}").into()),
    };
    let wall = started.elapsed().as_secs_f64();
    // Responses may complete out of order: ask once more for the count (minus this request).
    client
        .request(sforce::client::Method::GET, "limits")
        .send()
        .await?;
    let requests = client.api_usage().map_or(0, |u| u.used.saturating_sub(1));
    println!(
        "{}",
        json!({
            "bench": "bulk_bench", "mode": mode, "records": records, "keys": keys,
            "upload_limit_mb": if mode == "bulk" { json!(upload_mb) } else { json!(null) },
            "ok": ok, "failed": failed, "api_requests": requests,
            "wall_s": (wall * 100.0).round() / 100.0,
            "records_per_s": (records as f64 / wall).round(),
            "peak_rss_mb": (peak_rss_mb() * 10.0).round() / 10.0,
            "peak_rss_mb_at": rss_at.lock().unwrap().json(),
        })
    );
    Ok(())
}

/// Starts an emulator process and returns it with its URL.
fn start_emulator() -> Result<(Child, String), Box<dyn std::error::Error>> {
    let mut child = Command::new(std::env::current_exe()?)
        .arg("--serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut url = String::new();
    BufReader::new(child.stdout.take().ok_or("no stdout")?).read_line(&mut url)?;
    Ok((child, url.trim().to_owned()))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match args.first().map(String::as_str) {
        Some("--serve") => return runtime.block_on(serve()),
        Some("--mode") => {
            let [_, mode, url, records, keys, upload_mb] = args.as_slice() else {
                return Err("--mode <mode> <url> <records> <keys> <upload MB>".into());
            };
            return runtime.block_on(run_mode(
                mode,
                url,
                records.parse()?,
                keys.parse()?,
                upload_mb.parse()?,
            ));
        }
        _ => {}
    }
    let records: u64 = args
        .first()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let keys: u64 = args
        .get(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(900_000);
    let modes: Vec<&str> = match args.get(2) {
        Some(m) => m.split(',').collect(),
        None => vec!["bulk", "collections", "rest"],
    };
    let upload_mb: usize = args
        .get(3)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(sforce::bulk::DEFAULT_MAX_UPLOAD_BYTES / (1024 * 1024));
    let mut lines = Vec::new();
    for mode in modes {
        let (mut emulator, url) = start_emulator()?;
        let out = Command::new(std::env::current_exe()?)
            .args([
                "--mode",
                mode,
                &url,
                &records.to_string(),
                &keys.to_string(),
                &upload_mb.to_string(),
            ])
            .stderr(Stdio::inherit())
            .output()?;
        let emulator_mb = peak_rss_mb_of(&emulator.id().to_string());
        drop(emulator.stdin.take());
        let _ = emulator.wait();
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text.lines().last().unwrap_or_default().to_owned();
        let mut value: serde_json::Value = serde_json::from_str(&line)
            .map_err(|e| format!("mode {mode} printed no result ({e}): {text}"))?;
        value["emulator_peak_rss_mb"] = json!((emulator_mb * 10.0).round() / 10.0);
        lines.push(value);
    }
    println!(
        "{:<11} {:>10} {:>9} {:>7} {:>12} {:>8} {:>10} {:>10} {:>40} {:>9}",
        "mode",
        "records",
        "keys",
        "failed",
        "api_requests",
        "wall_s",
        "records/s",
        "client_mb",
        "client_mb at 200k/500k/1M/...",
        "emu_mb"
    );
    for v in &lines {
        let cell = |key: &str| v[key].to_string();
        let at: Vec<String> = v["peak_rss_mb_at"]
            .as_object()
            .map(|m| m.values().map(|mb| mb.to_string()).collect())
            .unwrap_or_default();
        println!(
            "{:<11} {:>10} {:>9} {:>7} {:>12} {:>8} {:>10} {:>10} {:>40} {:>9}",
            v["mode"].as_str().unwrap_or(""),
            cell("records"),
            cell("keys"),
            cell("failed"),
            cell("api_requests"),
            cell("wall_s"),
            cell("records_per_s"),
            cell("peak_rss_mb"),
            at.join(" / "),
            cell("emulator_peak_rss_mb")
        );
    }
    for v in &lines {
        println!("{v}");
    }
    Ok(())
}
