//! race_bench: the upsert race, measured. Runs in ONE process against the embedded emulator
//! (200 ms commit window between an upsert's lookup and its commit, like Salesforce's).
//!
//! Modes:
//! - `naive`: the plain client, one request per write, no executor (`Client::upsert_raw`);
//! - `advice`: Salesforce support's advice, writes to one key at least 2 s apart
//!   (start to start), each awaited, through `upsert_raw`;
//! - `sforce`: `Client::upsert` through the keyed single-flight executor.
//!
//! Scenarios:
//! - `seed`: the telephony case of the README (a Task upserted by `uuid__c`): create it, update it 100 ms
//!   later; 10 repetitions on fresh keys (run concurrently);
//! - `burst`: 10,000 writes over 1,000 keys from 64 producer tasks, each pushing its writes
//!   without waiting for the previous ones. `naive` is capped at 1,000 requests in flight
//!   (the most sforce ever has for 1,000 keys; uncapped, 10,000 sockets on each side exhaust
//!   the file-descriptor limit). `advice` is capped to the writes of the first 100 keys;
//! - `burst-0ms` (commit latency 0, throughput): the same burst, `naive` vs `sforce`;
//! - `loop-0ms` (commit latency 0, executor overhead): 64 tasks each awaiting every write
//!   before the next, so almost nothing can be merged: `naive` vs `sforce`.
//!
//! Measured per scenario and mode: errors, lost writes (a write is lost when a field it was
//! the last, in issue order, to write does not hold its value at the end), upsert requests the
//! emulator received, wall seconds, and ratios to `sforce`. Prints a table, then one JSON line
//! per scenario and mode, then the issue's targets checked on those numbers.
//!
//! Run: `cargo run --release --example race_bench [seed|burst|burst-0ms|loop-0ms ...]`; one mode
//! of a scenario as `burst:batched`; `BATCH_LINGER_MS=n` gives the batched mode a linger. With
//! `TRACE_BATCHES=1`, each run also prints its upsert
//! requests (received and answered, in ms from the start, and the records each carried).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use sforce::client::{BatchPolicy, Client, UpsertKey, UpsertOutcome, WritePolicy};
use sforce::error::Result;
use sforce_emulator::Emulator;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

const WINDOW: Duration = Duration::from_millis(200);
const ADVICE_GAP: Duration = Duration::from_secs(2);
const NAIVE_CAP: usize = 1_000;

/// One write of a workload, in intended (issue) order.
#[derive(Clone)]
struct Write {
    key: String,
    body: Map<String, Value>,
    /// When, from the start, its producer issues it.
    offset: Duration,
    producer: usize,
    /// When it was actually issued (set by the run).
    issued_at: Option<Instant>,
}

struct Workload {
    scenario: &'static str,
    latency: Duration,
    writes: Vec<Write>,
    producers: usize,
    /// Producers wait for each write before issuing the next.
    closed_loop: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Naive,
    Advice,
    /// Per-key single flight, automatic batching off.
    Sforce,
    /// Per-key single flight plus automatic batching into collection upserts (the default).
    Batched,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Naive => "naive",
            Mode::Advice => "advice",
            Mode::Sforce => "sforce",
            Mode::Batched => "batched",
        }
    }
}

struct Measure {
    scenario: &'static str,
    mode: Mode,
    writes: usize,
    keys: usize,
    errors: usize,
    lost: usize,
    requests: usize,
    wall: f64,
    /// Keys written again while a request for them was in flight (see
    /// `written_again_in_flight`): what a per-key single flight must send again.
    again: usize,
    note: String,
}

/// Deterministic xorshift, so every run benchmarks the same workload.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn obj(value: Value) -> Map<String, Value> {
    value.as_object().cloned().expect("object")
}

fn seed_workload() -> Workload {
    let mut writes = Vec::new();
    for rep in 0..10 {
        let key = format!("a22ac4d6-e2c0-4e53-898d-ea1d0c80{rep:04}");
        let create = obj(json!({
            "Description": "Called C to discuss the reinstall.", "CallType": "Outbound",
            "Status": "In Progress", "Subject": "Call", "isTransfer__c": false,
            "AudioFile__c": format!("outgoing/2017-10-31/03-10-59_ID-{rep}.mp3"),
            "AsteriskId__c": format!("77947{rep:02}"),
        }));
        let update = obj(json!({
            "Status": "Completed", "CallDurationInSeconds": 597, "ReasonText__c": "Success call",
        }));
        for (body, offset) in [
            (create, Duration::ZERO),
            (update, Duration::from_millis(100)),
        ] {
            let key = key.clone();
            writes.push(Write {
                key,
                body,
                offset,
                producer: rep,
                issued_at: None,
            });
        }
    }
    Workload {
        scenario: "seed",
        latency: WINDOW,
        writes,
        producers: 10,
        closed_loop: false,
    }
}

fn burst_writes(keys: usize, writes: usize, producers: usize) -> Vec<Write> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..writes)
        .map(|i| {
            let mut body = Map::new();
            for _ in 0..1 + rng.below(3) {
                let (field, value) = match rng.below(5) {
                    0 => ("Subject", json!(format!("w{i}"))),
                    1 => ("Description", json!(format!("w{i}"))),
                    2 => ("CallDurationInSeconds", json!(i)),
                    3 => ("ReasonText__c", json!(format!("w{i}"))),
                    _ => ("AsteriskId__c", Value::Null),
                };
                body.insert(field.to_owned(), value);
            }
            Write {
                key: format!("burst-{:04}", rng.below(keys)),
                body,
                offset: Duration::ZERO,
                producer: i % producers,
                issued_at: None,
            }
        })
        .collect()
}

fn client(emu: &Emulator, mode: Mode) -> Client {
    let batching = if mode == Mode::Batched {
        // `BATCH_LINGER_MS=n`: the batched mode with `BatchPolicy::linger` (default: none).
        let linger = std::env::var("BATCH_LINGER_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map_or(Duration::ZERO, Duration::from_millis);
        BatchPolicy::new().linger(linger)
    } else {
        BatchPolicy::disabled()
    };
    Client::builder()
        .instance_url(emu.url())
        .access_token(emu.token())
        .write_policy(WritePolicy::new().batching(batching))
        .build()
        .expect("client")
}

type Outcome = JoinHandle<Result<UpsertOutcome>>;

/// A mode to run, with an optional cap on the number of keys.
type Run = (Mode, Option<usize>);

/// Issues one write in `mode` (naive and sforce only) and returns its pending outcome.
fn issue(client: &Client, write: &Write, mode: Mode, cap: &Arc<Semaphore>) -> Outcome {
    let key = UpsertKey::new("Task", "uuid__c", write.key.clone());
    match mode {
        // Queued in the executor now (submission order = this call's order).
        Mode::Sforce | Mode::Batched => tokio::spawn(client.upsert(&key, &write.body)),
        _ => {
            let (client, body, cap) = (client.clone(), write.body.clone(), Arc::clone(cap));
            tokio::spawn(async move {
                let _permit = cap.acquire_owned().await.expect("open");
                client.upsert_raw(&key, &body).await
            })
        }
    }
}

/// Runs naive or sforce: each producer issues its writes at their offsets; returns the
/// writes in actual issue order and the number of errors.
async fn run_producers(client: &Client, load: &Workload, mode: Mode) -> (Vec<Write>, usize) {
    let start = Instant::now();
    let issued: Arc<Mutex<Vec<Write>>> = Arc::default();
    let cap = Arc::new(Semaphore::new(if mode == Mode::Naive {
        NAIVE_CAP
    } else {
        Semaphore::MAX_PERMITS
    }));
    let mut producers = Vec::new();
    for p in 0..load.producers {
        let mine: Vec<Write> = load
            .writes
            .iter()
            .filter(|w| w.producer == p)
            .cloned()
            .collect();
        let (client, issued, cap) = (client.clone(), Arc::clone(&issued), Arc::clone(&cap));
        let closed_loop = load.closed_loop;
        producers.push(tokio::spawn(async move {
            let mut pending = Vec::new();
            let mut errors = 0;
            for write in mine {
                tokio::time::sleep_until((start + write.offset).into()).await;
                let outcome = {
                    let mut issued = issued.lock().unwrap();
                    issued.push(Write {
                        issued_at: Some(Instant::now()),
                        ..write.clone()
                    });
                    issue(&client, &write, mode, &cap)
                };
                if closed_loop {
                    errors += usize::from(outcome.await.unwrap().is_err());
                } else {
                    pending.push(outcome);
                }
            }
            for outcome in pending {
                errors += usize::from(outcome.await.unwrap().is_err());
            }
            errors
        }));
    }
    let mut errors = 0;
    for producer in producers {
        errors += producer.await.unwrap();
    }
    let issued = issued.lock().unwrap().clone();
    (issued, errors)
}

/// Salesforce's advice: per key, writes in order, each awaited, starts at least 2 s apart.
async fn run_advice(client: &Client, writes: &[Write]) -> (Vec<Write>, usize) {
    let start = Instant::now();
    let mut by_key: HashMap<String, Vec<Write>> = HashMap::new();
    for write in writes {
        by_key
            .entry(write.key.clone())
            .or_default()
            .push(write.clone());
    }
    let tasks: Vec<JoinHandle<usize>> = by_key
        .into_values()
        .map(|writes| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut errors = 0;
                let mut last_start: Option<Instant> = None;
                for write in writes {
                    let mut at = start + write.offset;
                    if let Some(last) = last_start {
                        at = at.max(last + ADVICE_GAP);
                    }
                    tokio::time::sleep_until(at.into()).await;
                    last_start = Some(Instant::now());
                    let key = UpsertKey::new("Task", "uuid__c", write.key.clone());
                    errors += usize::from(client.upsert_raw(&key, &write.body).await.is_err());
                }
                errors
            })
        })
        .collect();
    let mut errors = 0;
    for task in tasks {
        errors += task.await.unwrap();
    }
    (writes.to_vec(), errors)
}

/// Writes whose last-written fields do not hold their value at the end.
fn lost_writes(emu: &Emulator, issued: &[Write]) -> usize {
    let mut last_writer: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, write) in issued.iter().enumerate() {
        for field in write.body.keys() {
            last_writer.insert((write.key.as_str(), field.as_str()), i);
        }
    }
    let mut records: HashMap<&str, Option<Map<String, Value>>> = HashMap::new();
    let mut lost = 0;
    for (i, write) in issued.iter().enumerate() {
        let record = records
            .entry(write.key.as_str())
            .or_insert_with(|| emu.find_by_external_id("Task", "uuid__c", &write.key));
        let survived = write.body.iter().all(|(field, value)| {
            last_writer[&(write.key.as_str(), field.as_str())] != i
                || record
                    .as_ref()
                    .and_then(|r| r.get(field))
                    .unwrap_or(&Value::Null)
                    == value
        });
        lost += usize::from(!survived);
    }
    lost
}

/// The keys of an upsert request in the log: its path's value, or each record's `uuid__c`.
fn request_keys(request: &sforce_emulator::LoggedRequest) -> Vec<String> {
    if request.method != "PATCH" {
        return Vec::new();
    }
    if request.path.ends_with("/composite/sobjects/Task/uuid__c") {
        let body: Value = serde_json::from_str(&request.body).unwrap_or(Value::Null);
        return body["records"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["uuid__c"].as_str().map(str::to_owned))
            .collect();
    }
    match request.path.split_once("/sobjects/Task/uuid__c/") {
        Some((_, value)) => vec![value.to_owned()],
        None => Vec::new(),
    }
}

/// How many keys were written again while a request for them was in flight, the client's
/// view: keys carried by two or more upsert requests that had at least two writes issued
/// before their first request was answered (so one of them arrived after that request took
/// the key's writes, and had to wait for the next). Exact when every write precedes the
/// key's first answer, as in the burst; it would count a key re-written later by mistake.
fn written_again_in_flight(emu: &Emulator, issued: &[Write]) -> usize {
    let mut requests: HashMap<String, (usize, Instant)> = HashMap::new();
    for request in emu.request_log() {
        for key in request_keys(&request) {
            let entry = requests.entry(key).or_insert((0, request.answered));
            entry.0 += 1;
            entry.1 = entry.1.min(request.answered);
        }
    }
    let mut early: HashMap<&str, usize> = HashMap::new();
    for write in issued {
        let first_answer = requests.get(&write.key).map(|r| r.1);
        if let (Some(at), Some(answer)) = (write.issued_at, first_answer)
            && at < answer
        {
            *early.entry(write.key.as_str()).or_default() += 1;
        }
    }
    requests
        .iter()
        .filter(|(key, (count, _))| *count >= 2 && early.get(key.as_str()).is_some_and(|&n| n >= 2))
        .count()
}

async fn measure(load: &Workload, mode: Mode, cap_keys: Option<usize>) -> Measure {
    let emu = Emulator::builder()
        .commit_latency(load.latency)
        // Whole collection bodies, to see which keys each request carried.
        .max_logged_body(1 << 20)
        .start()
        .await
        .expect("emulator");
    let client = client(&emu, mode);
    let mut writes = load.writes.clone();
    let mut note = String::new();
    if let Some(cap) = cap_keys {
        let mut keys: Vec<&str> = writes.iter().map(|w| w.key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        let kept: Vec<String> = keys.iter().take(cap).map(|k| k.to_string()).collect();
        writes.retain(|w| kept.contains(&w.key));
        note = format!("capped: first {cap} keys only");
    }
    let start = Instant::now();
    let (issued, errors) = match mode {
        Mode::Advice => run_advice(&client, &writes).await,
        _ => {
            let load = Workload {
                writes: writes.clone(),
                ..*load
            };
            run_producers(&client, &load, mode).await
        }
    };
    let wall = start.elapsed().as_secs_f64();
    if std::env::var_os("TRACE_BATCHES").is_some() {
        for r in emu.request_log() {
            eprintln!(
                "{:>6.1}ms..{:>6.1}ms {:>4} {}",
                (r.received - start).as_secs_f64() * 1e3,
                (r.answered - start).as_secs_f64() * 1e3,
                request_keys(&r).len(),
                r.path
            );
        }
        let last = issued.iter().filter_map(|w| w.issued_at).max().unwrap();
        eprintln!(
            "last write issued at {:.1}ms",
            (last - start).as_secs_f64() * 1e3
        );
    }
    if matches!(mode, Mode::Sforce | Mode::Batched) {
        let stats = client.write_stats();
        note = format!(
            "merged {} writes, {} race retries, {} replays, {} collection requests",
            stats.writes_merged, stats.duplicate_retries, stats.replays, stats.collection_requests
        );
        assert_eq!(client.writes_in_flight(), 0);
    } else if mode == Mode::Naive && load.writes.len() > NAIVE_CAP && !load.closed_loop {
        note = format!("capped: {NAIVE_CAP} requests in flight");
    }
    let mut keys: Vec<&str> = writes.iter().map(|w| w.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    Measure {
        scenario: load.scenario,
        mode,
        writes: writes.len(),
        keys: keys.len(),
        errors,
        lost: lost_writes(&emu, &issued),
        again: written_again_in_flight(&emu, &issued),
        requests: emu.request_count_matching("PATCH", "/sobjects/Task/uuid__c/")
            + emu.request_count_matching("PATCH", "/composite/sobjects/Task/uuid__c"),
        wall,
        note,
    }
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

fn fmt_ratio(r: Option<f64>) -> String {
    r.map_or("-".to_owned(), |r| format!("{r:.2}"))
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let burst = |scenario, latency, closed_loop| Workload {
        scenario,
        latency,
        writes: burst_writes(1_000, 10_000, 64),
        producers: 64,
        closed_loop,
    };
    let plan: Vec<(Workload, Vec<Run>)> = vec![
        (
            seed_workload(),
            vec![
                (Mode::Naive, None),
                (Mode::Advice, None),
                (Mode::Sforce, None),
                (Mode::Batched, None),
            ],
        ),
        (
            burst("burst", WINDOW, false),
            vec![
                (Mode::Naive, None),
                (Mode::Advice, Some(100)),
                (Mode::Sforce, None),
                (Mode::Batched, None),
            ],
        ),
        (
            burst("burst-0ms", Duration::ZERO, false),
            vec![(Mode::Naive, None), (Mode::Sforce, None)],
        ),
        (
            burst("loop-0ms", Duration::ZERO, true),
            vec![(Mode::Naive, None), (Mode::Sforce, None)],
        ),
    ];
    // Optional arguments select scenarios by name, or one mode of one as `scenario:mode`
    // (default: all).
    let only: Vec<String> = std::env::args().skip(1).collect();
    let wanted = |scenario: &str, mode: Mode| {
        only.is_empty()
            || only
                .iter()
                .any(|s| s == scenario || *s == format!("{scenario}:{}", mode.name()))
    };
    let mut results = Vec::new();
    for (load, modes) in &plan {
        for (mode, cap) in modes {
            if !wanted(load.scenario, *mode) {
                continue;
            }
            eprintln!("running {} / {} ...", load.scenario, mode.name());
            results.push(measure(load, *mode, *cap).await);
        }
    }

    println!(
        "{:<10} {:<7} {:>6} {:>5} {:>6} {:>5} {:>8} {:>8} {:>9} {:>9} {:>10}  note",
        "scenario",
        "mode",
        "writes",
        "keys",
        "errors",
        "lost",
        "requests",
        "wall_s",
        "req/sforce",
        "wall/sforce",
        "writes/s"
    );
    let mut lines = Vec::new();
    for m in &results {
        let base = results
            .iter()
            .find(|r| r.scenario == m.scenario && r.mode == Mode::Sforce);
        let req_ratio = base.and_then(|b| ratio(m.requests as f64, b.requests as f64));
        let wall_ratio = base.and_then(|b| ratio(m.wall, b.wall));
        let throughput = m.writes as f64 / m.wall;
        println!(
            "{:<10} {:<7} {:>6} {:>5} {:>6} {:>5} {:>8} {:>8.3} {:>10} {:>11} {:>10.0}  {}",
            m.scenario,
            m.mode.name(),
            m.writes,
            m.keys,
            m.errors,
            m.lost,
            m.requests,
            m.wall,
            fmt_ratio(req_ratio),
            fmt_ratio(wall_ratio),
            throughput,
            m.note
        );
        lines.push(json!({
            "scenario": m.scenario, "mode": m.mode.name(), "writes": m.writes, "keys": m.keys,
            "errors": m.errors, "lost_writes": m.lost, "requests": m.requests,
            "wall_seconds": (m.wall * 1000.0).round() / 1000.0,
            "requests_vs_sforce": req_ratio, "wall_vs_sforce": wall_ratio,
            "errors_vs_sforce": base.and_then(|b| ratio(m.errors as f64, b.errors as f64)),
            "writes_per_second": throughput.round(), "note": m.note,
        }));
    }
    println!();
    for line in &lines {
        println!("{line}");
    }

    // The issue's targets, checked on the numbers above.
    println!();
    let find = |s: &str, mode: Mode| results.iter().find(|r| r.scenario == s && r.mode == mode);
    let clean = results
        .iter()
        .filter(|r| matches!(r.mode, Mode::Sforce | Mode::Batched))
        .all(|r| r.errors == 0 && r.lost == 0);
    println!(
        "target sforce 0 errors and 0 lost writes everywhere: {}",
        verdict(clean)
    );
    if let Some(b) = find("burst", Mode::Sforce) {
        let mut per_key: HashMap<String, usize> = HashMap::new();
        for w in burst("burst", WINDOW, false).writes {
            *per_key.entry(w.key).or_default() += 1;
        }
        let bound = per_key.len() + per_key.values().filter(|&&n| n > 1).count();
        println!(
            "target burst requests {} <= 1.1 x (distinct keys + keys written while in flight = {bound}) = {:.0}: {}",
            b.requests,
            1.1 * bound as f64,
            verdict(b.requests as f64 <= 1.1 * bound as f64)
        );
    }
    if let Some(b) = find("burst", Mode::Batched) {
        // "Written again while in flight": see `written_again_in_flight`.
        let bound = b.keys.div_ceil(200) + b.again.div_ceil(200);
        println!(
            "target batched burst requests {} <= 1.1 x (ceil(keys {} / 200) + ceil(keys written again while in flight {} / 200) = {bound}) = {:.1}: {}",
            b.requests,
            b.keys,
            b.again,
            1.1 * bound as f64,
            verdict(b.requests as f64 <= 1.1 * bound as f64)
        );
    }
    for mode in [Mode::Sforce, Mode::Batched] {
        let Some(s) = find("seed", mode) else {
            continue;
        };
        // The advice's wall when it was not run: the update 2 s after the create, plus its
        // commit window (the advice row, when run, is the measured figure).
        let advice = find("seed", Mode::Advice)
            .map_or_else(|| (ADVICE_GAP + WINDOW).as_secs_f64(), |a| a.wall);
        println!(
            "target seed {} wall {:.3}s <= 1/5 of advice {advice:.3}s = {:.3}s: {}",
            mode.name(),
            s.wall,
            advice / 5.0,
            verdict(s.wall * 5.0 <= advice)
        );
    }
    for scenario in ["burst-0ms", "loop-0ms"] {
        if let (Some(s), Some(n)) = (find(scenario, Mode::Sforce), find(scenario, Mode::Naive)) {
            let (ts, tn) = (s.writes as f64 / s.wall, n.writes as f64 / n.wall);
            println!(
                "target {scenario} sforce throughput {ts:.0}/s >= 0.9 x naive {tn:.0}/s: {}",
                verdict(ts >= 0.9 * tn)
            );
        }
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "MET" } else { "NOT MET" }
}
