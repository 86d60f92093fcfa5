//! fault_soak: every write accounted for under injected faults, and a flood absorbed.
//!
//! Scenarios (each runs in its own child process, so peak RSS is per scenario and includes the
//! embedded emulator, which runs in the same process as the client):
//! - `faults`: W writes (default 100,000) over K keys (default 10,000), skewed: a fifth of the
//!   writes go to 10 hot keys. The emulator answers after a random 0–20 ms and injects, per
//!   request, 10% 503 / `UNABLE_TO_LOCK_ROW` (half each), 5% dropped connections, 2% failures
//!   after processing (applied, connection dropped before the answer) and 1% answers slower
//!   than the client's 250 ms request timeout (after processing, see `faults`). The default
//!   client batches writes to distinct keys into collection requests, so few requests carry
//!   them. Reported: writes, errors delivered (retries ran out; by type), lost writes (a write that succeeded but whose value for a field was overwritten by an OLDER
//!   write), keys whose final fields differ from the last successful write per field,
//!   requests, retries by reason, most requests in flight per key (emulator) and overall
//!   (client; the emulator's count also includes handlers still running after the client's
//!   timeout gave up on them), and the key map at the end.
//! - `faults-single`: the same with batching off: one request per key's merged writes, so
//!   tens of thousands of requests meet the injected faults and the retry budget.
//! - `flood`: F upserts (default 200,000) over FK keys (default 50,000), all submitted at once
//!   to one client with the default limit on requests in flight.
//! - `bounded`: the same load, the caller keeping at most 256 writes in flight itself.
//!
//! Prints a table and one JSON line per scenario. No timing assertions. For `flood` and
//! `bounded` it also reports the live heap (a counting allocator): at the start, once every
//! write is submitted, at its peak (`heap_mib`), and at the end with the client dropped, which
//! is the emulator's stored records (`emu_mib`). Peak RSS is higher than the peak heap by what
//! the allocator keeps.
//!
//! Run (full size, release, as the integrator does):
//!   cargo run --release --example fault_soak
//! Smaller: `cargo run --example fault_soak -- --writes 5000 --keys 500 --flood 10000 --flood-keys 2500`

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use serde_json::{Map, Value, json};
use sforce::client::{BatchPolicy, Client, RetryReason, UpsertKey, WritePolicy};
use sforce::emulator::{Emulator, Failure};
use sforce::error::Error;

/// Counts live heap bytes and their peak, so the report can tell what the program holds from
/// what the allocator keeps (RSS).
struct CountingAlloc;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn mib(bytes: usize) -> f64 {
    (bytes as f64 / (1024.0 * 1024.0) * 10.0).round() / 10.0
}

const FIELDS: [&str; 4] = ["Subject", "Description", "ReasonText__c", "AudioFile__c"];
const TIMEOUT: Duration = Duration::from_millis(250);

#[derive(Clone, Copy, Debug)]
struct Sizes {
    writes: usize,
    keys: usize,
    flood: usize,
    flood_keys: usize,
    bound: usize,
}

fn parse_sizes() -> (Vec<String>, Sizes) {
    let mut sizes = Sizes {
        writes: 100_000,
        keys: 10_000,
        flood: 200_000,
        flood_keys: 50_000,
        bound: 256,
    };
    let mut scenarios = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> usize {
            args.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{name} needs a number"))
        };
        match arg.as_str() {
            "--writes" => sizes.writes = number("--writes"),
            "--keys" => sizes.keys = number("--keys"),
            "--flood" => sizes.flood = number("--flood"),
            "--flood-keys" => sizes.flood_keys = number("--flood-keys"),
            "--bound" => sizes.bound = number("--bound"),
            "faults" | "faults-single" | "flood" | "bounded" => scenarios.push(arg),
            other => panic!("unknown argument {other:?}"),
        }
    }
    (scenarios, sizes)
}

fn main() {
    let (scenarios, sizes) = parse_sizes();
    if scenarios.len() == 1 {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let line = runtime.block_on(run(&scenarios[0], sizes));
        println!("{line}");
        return;
    }
    // Driver: each scenario in its own process (peak RSS per scenario).
    let exe = std::env::current_exe().expect("current exe");
    let passthrough: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !matches!(a.as_str(), "faults" | "faults-single" | "flood" | "bounded"))
        .collect();
    let mut lines = Vec::new();
    for scenario in ["faults", "faults-single", "flood", "bounded"] {
        if !scenarios.is_empty() && !scenarios.iter().any(|s| s == scenario) {
            continue;
        }
        let out = std::process::Command::new(&exe)
            .args(&passthrough)
            .arg(scenario)
            .output()
            .expect("child runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line = stdout.lines().last().unwrap_or("").to_owned();
        match serde_json::from_str::<Value>(&line) {
            Ok(value) => lines.push(value),
            Err(_) => {
                eprintln!(
                    "{scenario} failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
    }
    print_table(&lines);
    for line in &lines {
        println!("{line}");
    }
}

async fn run(scenario: &str, sizes: Sizes) -> Value {
    match scenario {
        "faults" => faults(sizes, BatchPolicy::default()).await,
        "faults-single" => faults(sizes, BatchPolicy::disabled()).await,
        "flood" => flood(sizes, None).await,
        "bounded" => flood(sizes, Some(sizes.bound)).await,
        _ => unreachable!(),
    }
}

/// Peak resident set size of this process, in MiB (Linux `VmHWM`).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn key(i: usize) -> UpsertKey {
    UpsertKey::new("Task", "uuid__c", format!("soak-{i}"))
}

/// One write: its key and the fields it sets (values are the write's sequence number).
struct Planned {
    key: usize,
    fields: Vec<usize>,
}

fn plan(writes: usize, keys: usize, hot: usize) -> Vec<Planned> {
    (0..writes)
        .map(|_| {
            let key = if hot > 0 && fastrand::u8(0..5) == 0 {
                fastrand::usize(0..hot.min(keys))
            } else {
                fastrand::usize(0..keys)
            };
            let mut fields: Vec<usize> = (0..FIELDS.len()).filter(|_| fastrand::bool()).collect();
            if fields.is_empty() {
                fields.push(fastrand::usize(0..FIELDS.len()));
            }
            Planned { key, fields }
        })
        .collect()
}

fn body(seq: usize, fields: &[usize]) -> Map<String, Value> {
    fields
        .iter()
        .map(|&f| (FIELDS[f].to_owned(), json!(format!("w{seq}"))))
        .collect()
}

fn error_kind(err: &Error) -> String {
    match err {
        Error::Api { status, errors, .. } => format!(
            "api_{status}_{}",
            errors.first().map(|e| e.code.as_str()).unwrap_or("?")
        ),
        Error::Http { status, .. } => format!("http_{status}"),
        Error::Transport { .. } => "transport".into(),
        Error::Timeout { .. } => "timeout".into(),
        Error::Executor { .. } => "executor".into(),
        other => format!("{:?}", std::mem::discriminant(other)),
    }
}

/// No commit window (the race is not what this measures), answers after a random 0–20 ms.
async fn jittery_emulator() -> Emulator {
    let emu = Emulator::builder()
        .commit_latency(Duration::ZERO)
        .request_log_capacity(0)
        .start()
        .await
        .expect("emulator");
    emu.set_latency_jitter(Duration::from_millis(20));
    emu
}

async fn faults(sizes: Sizes, batching: BatchPolicy) -> Value {
    let emu = jittery_emulator().await;
    for failure in [
        Failure::server_unavailable().randomly(0.05),
        Failure::unable_to_lock_row().randomly(0.05 / 0.95),
        Failure::drop_connection().randomly(0.05 / 0.90),
    ] {
        emu.fail_next(failure.for_method("PATCH"));
    }
    // Applied, then the answer is lost (2%) or comes after the client's timeout (1%). The slow
    // answers are slow AFTER processing: a request slowed before processing would commit
    // after the client's retry and later writes, which Salesforce's row lock prevents and the
    // emulator (no lock across requests) would not.
    for failure in [
        Failure::drop_connection().randomly(0.02),
        Failure::delay(TIMEOUT + Duration::from_millis(100)).randomly(0.01 / 0.98),
    ] {
        emu.fail_next(failure.for_method("PATCH").after_processing());
    }
    let client = Client::builder()
        .instance_url(emu.url())
        .access_token(emu.token())
        .timeout(TIMEOUT)
        .write_policy(WritePolicy::default().batching(batching.clone()))
        .build()
        .expect("client");
    let planned = plan(sizes.writes, sizes.keys, 10);
    let started = Instant::now();
    let pending: Vec<_> = planned
        .iter()
        .enumerate()
        .map(|(seq, p)| client.upsert(&key(p.key), &body(seq, &p.fields)))
        .collect();
    let results = futures::future::join_all(pending).await;
    let wall = started.elapsed();

    let mut errors: HashMap<String, usize> = HashMap::new();
    // Per key and field: (last successful seq, any failed write after it touched the field).
    let mut expected: HashMap<(usize, usize), (Option<usize>, bool)> = HashMap::new();
    for (seq, (p, result)) in planned.iter().zip(&results).enumerate() {
        match result {
            Ok(_) => {
                for &f in &p.fields {
                    expected.insert((p.key, f), (Some(seq), false));
                }
            }
            Err(err) => {
                *errors.entry(error_kind(err)).or_default() += 1;
                for &f in &p.fields {
                    expected.entry((p.key, f)).or_insert((None, false)).1 = true;
                }
            }
        }
    }
    let mut lost = 0;
    let mut differing_keys = std::collections::HashSet::new();
    for (&(k, f), &(last_ok, later_failure)) in &expected {
        let Some(last_ok) = last_ok else { continue };
        let stored = emu
            .find_by_external_id("Task", "uuid__c", &format!("soak-{k}"))
            .and_then(|r| r.get(FIELDS[f]).and_then(Value::as_str).map(str::to_owned));
        let stored_seq: Option<usize> = stored
            .as_deref()
            .and_then(|s| s.strip_prefix('w'))
            .and_then(|s| s.parse().ok());
        if stored_seq != Some(last_ok) {
            differing_keys.insert(k);
            // An older value than the last success: a lost write. A newer one can only come
            // from a failed write that was applied anyway (its error said "may have been").
            if stored_seq.is_none_or(|s| s < last_ok) || !later_failure {
                lost += 1;
            }
        }
    }
    let stats = client.request_stats();
    let write_stats = client.write_stats();
    let retries: Map<String, Value> = RetryReason::ALL
        .into_iter()
        .map(|r| (r.as_str().to_owned(), json!(stats.retries_for(r))))
        .collect();
    json!({
        "scenario": if batching.is_enabled() { "faults" } else { "faults-single" },
        "writes": sizes.writes,
        "keys": sizes.keys,
        "errors": errors.values().sum::<usize>(),
        "errors_by_type": errors,
        "lost_writes": lost,
        "keys_differing": differing_keys.len(),
        "requests": stats.requests_sent,
        "upsert_operations": write_stats.requests_sent,
        "writes_merged": write_stats.writes_merged,
        "retries": stats.retries,
        "retries_by_reason": retries,
        "retries_exhausted": stats.retries_exhausted,
        "budget_refusals": stats.budget_refusals,
        "max_in_flight_per_key": emu.max_in_flight_per_key(),
        "max_in_flight_client": stats.max_in_flight,
        "max_in_flight_server": emu.max_requests_in_flight(),
        "limit": stats.max_in_flight_limit,
        "key_map_at_end": client.writes_in_flight(),
        "wall_s": wall.as_secs_f64(),
        "peak_rss_mib": peak_rss_mib(),
    })
}

async fn flood(sizes: Sizes, bound: Option<usize>) -> Value {
    let emu = jittery_emulator().await;
    let client = Client::builder()
        .instance_url(emu.url())
        .access_token(emu.token())
        .build()
        .expect("client");
    let planned = plan(sizes.flood, sizes.flood_keys, 0);
    let heap_start = LIVE.load(Ordering::Relaxed);
    PEAK.store(heap_start, Ordering::Relaxed);
    // Live heap once every write is submitted (all of them wait in the client).
    let mut heap_submitted = None;
    let started = Instant::now();
    let results: Vec<Result<(), Error>> = match bound {
        None => {
            let pending: Vec<_> = planned
                .iter()
                .enumerate()
                .map(|(seq, p)| client.upsert(&key(p.key), &body(seq, &p.fields)))
                .collect();
            heap_submitted = Some(mib(LIVE.load(Ordering::Relaxed)));
            futures::future::join_all(pending)
                .await
                .into_iter()
                .map(|r| r.map(|_| ()))
                .collect()
        }
        Some(bound) => {
            futures::stream::iter(planned.iter().enumerate())
                .map(|(seq, p)| {
                    let write = client.upsert(&key(p.key), &body(seq, &p.fields));
                    async move { write.await.map(|_| ()) }
                })
                .buffered(bound)
                .collect()
                .await
        }
    };
    let wall = started.elapsed();
    let mut errors: HashMap<String, usize> = HashMap::new();
    for err in results.iter().filter_map(|r| r.as_ref().err()) {
        *errors.entry(error_kind(err)).or_default() += 1;
    }
    let stats = client.request_stats();
    let writes_merged = client.write_stats().writes_merged;
    let key_map_at_end = client.writes_in_flight();
    drop((results, client, planned));
    // What is left is the emulator: its stored records and its set-up.
    let heap_end = LIVE.load(Ordering::Relaxed);
    json!({
        "scenario": if bound.is_some() { "bounded" } else { "flood" },
        "writes": sizes.flood,
        "keys": sizes.flood_keys,
        "caller_bound": bound,
        "errors": errors.values().sum::<usize>(),
        "errors_by_type": errors,
        "requests": stats.requests_sent,
        "writes_merged": writes_merged,
        "max_in_flight_client": stats.max_in_flight,
        "max_in_flight_server": emu.max_requests_in_flight(),
        "max_in_flight_per_key": emu.max_in_flight_per_key(),
        "key_map_at_end": key_map_at_end,
        "wall_s": wall.as_secs_f64(),
        "peak_rss_mib": peak_rss_mib(),
        "heap_start_mib": mib(heap_start),
        "heap_submitted_mib": heap_submitted,
        "peak_heap_mib": mib(PEAK.load(Ordering::Relaxed)),
        "heap_end_emulator_mib": mib(heap_end),
    })
}

fn print_table(lines: &[Value]) {
    let get = |v: &Value, k: &str| v.get(k).map(|x| x.to_string()).unwrap_or_default();
    println!(
        "{:<13} {:>8} {:>7} {:>7} {:>6} {:>9} {:>8} {:>8} {:>6} {:>6} {:>8} {:>9} {:>10} {:>9}",
        "scenario",
        "writes",
        "errors",
        "lost",
        "diff",
        "requests",
        "retries",
        "in-fl/k",
        "in-fl",
        "map",
        "wall_s",
        "rss_mib",
        "heap_mib",
        "emu_mib"
    );
    for v in lines {
        println!(
            "{:<13} {:>8} {:>7} {:>7} {:>6} {:>9} {:>8} {:>8} {:>6} {:>6} {:>8.2} {:>9.1} {:>10} {:>9}",
            v["scenario"].as_str().unwrap_or(""),
            get(v, "writes"),
            get(v, "errors"),
            get(v, "lost_writes"),
            get(v, "keys_differing"),
            get(v, "requests"),
            get(v, "retries"),
            get(v, "max_in_flight_per_key"),
            get(v, "max_in_flight_client"),
            get(v, "key_map_at_end"),
            v["wall_s"].as_f64().unwrap_or(0.0),
            v["peak_rss_mib"].as_f64().unwrap_or(0.0),
            get(v, "peak_heap_mib"),
            get(v, "heap_end_emulator_mib"),
        );
    }
    let wall = |name: &str| {
        lines
            .iter()
            .find(|v| v["scenario"] == name)
            .and_then(|v| v["wall_s"].as_f64())
    };
    if let (Some(flood), Some(bounded)) = (wall("flood"), wall("bounded")) {
        println!(
            "flood wall / bounded wall = {:.2} (target <= 1.2)",
            flood / bounded
        );
    }
}
