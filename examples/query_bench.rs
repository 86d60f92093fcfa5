//! query_bench: decoding and streaming query results.
//!
//! 1. `decode`: N Task records (default 100,000) as Salesforce query pages of 2,000 (JSON bytes
//!    built in memory, each record with its `attributes`), decoded three ways:
//!    - `value`: `serde_json::Value` (the baseline);
//!    - `typed`: a `#[derive(SObject)]` struct, as `Select::stream` decodes a page;
//!    - `serde`: a `#[derive(serde::Deserialize)]` struct, as `Client::query` decodes a page.
//!
//!    Reported: records/s and the ratio to the baseline.
//! 2. `stream`: M records (default 1,000,000) streamed with `Select::stream` over real HTTP from
//!    a loopback server that generates each page on request (so the server holds nothing),
//!    2,000 records a page. Reported: peak RSS (VmHWM) of the process after 100,000 records and
//!    after all of them; flat = the stream holds one page at a time.
//!
//! Prints a table, then one JSON line per measurement. No assertions on timings.
//!
//! Run: `cargo run --release --example query_bench -- [decode N] [stream M]`
//! (both with the defaults when no argument is given).

use std::time::Instant;

use futures::TryStreamExt;
use serde_json::{Value, json};
use sforce::query::QueryResult;
use sforce::{Client, DateTime, Id, Record, SObject};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const PAGE: usize = 2_000;

#[derive(Debug, SObject)]
#[sobject(name = "Task")]
#[allow(dead_code)] // decoded, never read: the decode is what is measured
struct Task {
    #[sobject(id)]
    id: Option<Id>,
    #[external_id]
    #[sobject(rename = "uuid__c")]
    uuid: String,
    subject: Option<String>,
    status: Option<String>,
    description: Option<String>,
    call_type: Option<String>,
    call_duration_in_seconds: Option<i32>,
    #[sobject(rename = "isTransfer__c")]
    is_transfer: Option<bool>,
    #[sobject(rename = "CallStarted__c")]
    call_started: Option<DateTime>,
    owner_id: Option<Id>,
    what_id: Option<Id>,
    #[sobject(read_only)]
    created_date: Option<DateTime>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
struct SerdeTask {
    id: Option<Id>,
    #[serde(rename = "uuid__c")]
    uuid: String,
    subject: Option<String>,
    status: Option<String>,
    description: Option<String>,
    call_type: Option<String>,
    call_duration_in_seconds: Option<f64>, // Salesforce sends numbers as doubles
    #[serde(rename = "isTransfer__c")]
    is_transfer: Option<bool>,
    #[serde(rename = "CallStarted__c")]
    call_started: Option<DateTime>,
    owner_id: Option<Id>,
    what_id: Option<Id>,
    created_date: Option<DateTime>,
}

/// A valid 18-character Id for record `n` (the checksum suffix computed by `Id`).
fn id(prefix: &str, n: usize) -> String {
    let fifteen = format!("{prefix}{n:012}");
    Id::new(fifteen).expect("id").as_str().to_owned()
}

fn record(n: usize) -> Value {
    let task_id = id("00T", n);
    json!({
        "attributes": {"type": "Task", "url": format!("/services/data/v62.0/sobjects/Task/{task_id}")},
        "Id": task_id,
        "uuid__c": format!("a22ac4d6-e2c0-4e53-898d-{n:012}"),
        "Subject": "Call",
        "Status": "Completed",
        "Description": format!("Called customer {n} to discuss the reinstall."),
        "CallType": "Outbound",
        "CallDurationInSeconds": (n % 3600) as f64,
        "isTransfer__c": n.is_multiple_of(2),
        "CallStarted__c": "2017-10-31T07:10:51.000+0000",
        "OwnerId": id("005", n % 50),
        "WhatId": id("001", n % 1000),
        "CreatedDate": "2017-10-31T07:20:56.000+0000",
    })
}

/// The page holding records `start..start + len` of `total`, as Salesforce sends it.
fn page(start: usize, len: usize, total: usize, locator: bool) -> Vec<u8> {
    let end = (start + len).min(total);
    let done = end >= total;
    let mut body = json!({
        "totalSize": total,
        "done": done,
        "records": (start..end).map(record).collect::<Vec<_>>(),
    });
    if !done && locator {
        body["nextRecordsUrl"] = json!(format!("/services/data/v62.0/query/01gBENCH-{end}"));
    }
    serde_json::to_vec(&body).expect("json")
}

struct Row {
    name: &'static str,
    records: usize,
    seconds: f64,
    extra: Value,
}

fn decode(n: usize) -> Vec<Row> {
    let pages: Vec<Vec<u8>> = (0..n)
        .step_by(PAGE)
        .map(|s| page(s, PAGE, n, false))
        .collect();
    let bytes: usize = pages.iter().map(Vec::len).sum();
    let mut rows = Vec::new();
    let mut run = |name: &'static str, f: &dyn Fn(&[u8]) -> usize| {
        // One warm-up pass, then the measured one.
        let _ = pages.iter().map(|p| f(p)).sum::<usize>();
        let started = Instant::now();
        let count: usize = pages.iter().map(|p| f(p)).sum();
        let seconds = started.elapsed().as_secs_f64();
        assert_eq!(count, n, "{name} decoded every record");
        rows.push(Row {
            name,
            records: n,
            seconds,
            extra: json!({"bytes": bytes}),
        });
    };
    run("decode value", &|p| {
        let page: Value = serde_json::from_slice(p).expect("value");
        page["records"].as_array().map_or(0, Vec::len)
    });
    run("decode typed", &|p| {
        let page: QueryResult<Record<Task>> = serde_json::from_slice(p).expect("typed");
        page.records.len()
    });
    run("decode serde", &|p| {
        let page: QueryResult<SerdeTask> = serde_json::from_slice(p).expect("serde");
        page.records.len()
    });
    let baseline = rows[0].records as f64 / rows[0].seconds;
    for row in &mut rows {
        let ratio = (row.records as f64 / row.seconds) / baseline;
        row.extra["ratio_to_value"] = json!((ratio * 1000.0).round() / 1000.0);
    }
    rows
}

/// Peak and current resident set size of this process, in KiB (Linux `/proc/self/status`).
fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// A loopback HTTP/1.1 server answering `/query?q=` and `/query/01gBENCH-<offset>` with pages
/// of `total` generated records (keep-alive, GET only).
async fn serve(total: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                    buf.drain(..end + 4);
                    let path = head.split_whitespace().nth(1).unwrap_or("/");
                    let start = path
                        .rsplit_once("01gBENCH-")
                        .and_then(|(_, offset)| offset.parse().ok())
                        .unwrap_or(0);
                    let body = page(start, PAGE, total, true);
                    let header = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        body.len()
                    );
                    if socket.write_all(header.as_bytes()).await.is_err()
                        || socket.write_all(&body).await.is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

async fn stream(m: usize) -> Vec<Row> {
    let url = serve(m).await;
    let client = Client::builder()
        .instance_url(url)
        .access_token("bench")
        .build()
        .expect("client");
    let mut rows = Vec::new();
    let mut stream = Task::select().stream(&client);
    let started = Instant::now();
    let mut seen = 0usize;
    let mut checkpoints = vec![100_000.min(m), m];
    checkpoints.dedup();
    let mut next = 0;
    while let Some(task) = stream.try_next().await.expect("stream") {
        std::hint::black_box(&task);
        seen += 1;
        if seen == checkpoints[next] {
            let (peak, current) = rss_kib();
            rows.push(Row {
                name: "stream typed",
                records: seen,
                seconds: started.elapsed().as_secs_f64(),
                extra: json!({"peak_rss_kib": peak, "rss_kib": current, "pages": stream.pages_received()}),
            });
            next += 1;
            if next == checkpoints.len() {
                break;
            }
        }
    }
    assert_eq!(seen, m, "every record streamed");
    rows
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut plan: Vec<(&str, usize)> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let n = args.get(i + 1).and_then(|v| v.parse().ok());
        match (args[i].as_str(), n) {
            ("decode", Some(n)) => plan.push(("decode", n)),
            ("stream", Some(n)) => plan.push(("stream", n)),
            _ => {
                eprintln!("usage: query_bench [decode N] [stream M]");
                std::process::exit(2);
            }
        }
        i += 2;
    }
    if plan.is_empty() {
        plan = vec![("decode", 100_000), ("stream", 1_000_000)];
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut rows = Vec::new();
    for (what, n) in plan {
        match what {
            "decode" => rows.extend(decode(n)),
            _ => rows.extend(runtime.block_on(stream(n))),
        }
    }
    println!(
        "{:<14} {:>10} {:>9} {:>12}  extra",
        "measure", "records", "seconds", "records/s"
    );
    for row in &rows {
        println!(
            "{:<14} {:>10} {:>9.3} {:>12.0}  {}",
            row.name,
            row.records,
            row.seconds,
            row.records as f64 / row.seconds,
            row.extra
        );
    }
    for row in &rows {
        let mut line = json!({
            "bench": "query",
            "measure": row.name,
            "records": row.records,
            "seconds": row.seconds,
            "records_per_s": (row.records as f64 / row.seconds).round(),
        });
        if let (Value::Object(line), Value::Object(extra)) = (&mut line, &row.extra) {
            line.extend(extra.clone());
        }
        println!("{line}");
    }
}
