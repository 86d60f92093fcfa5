//! The race sforce exists to remove, reproduced and then removed, side by side.
//!
//! A call-center system creates a Task keyed by `uuid__c` when a call starts and updates it when
//! the call ends; both upserts can reach Salesforce within milliseconds of each other. A plain
//! client sends both at once: Salesforce looks the new key up twice, inserts twice, and the second
//! insert fails with `DUPLICATE_VALUE` (the second write is lost). sforce sends the same writes
//! through its keyed single-flight executor: no errors, nothing lost, no sleeps.
//!
//! Runs against the embedded emulator (200 ms commit window, like a busy org). Set
//! `SF_INSTANCE_URL` and credentials (see the README) to run it against a real org whose Task has
//! a unique, case-insensitive external-ID text field `uuid__c`.
//!
//! ```sh
//! cargo run --example race
//! ```

use std::time::{Duration, Instant};

use futures::StreamExt as _;
use futures::future::join_all;
use serde_json::{Map, Value, json};
use sforce::Client;
use sforce::client::{BatchPolicy, UpsertKey, WritePolicy};
use sforce::emulator::Emulator;

/// Seed scenario repetitions (each on a fresh key) and the size of the one-key burst.
const SEED_REPETITIONS: usize = 10;
const BURST_WRITES: usize = 20;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = Target::connect().await?;
    let client = &target.client;
    println!("sforce race demo against {}\n", target.describe());

    // Show the bug once, in detail.
    let (started, ended) = (call_started(), call_ended());
    let key = fresh_key("demo");
    let (first, second) = tokio::join!(
        client.upsert_raw(&key, &started),
        client.upsert_raw(&key, &ended),
    );
    println!(
        "Plain client, two concurrent upserts of one new key {}:",
        key.value()
    );
    for (label, result) in [("call started", first), ("call ended", second)] {
        match result {
            Ok(outcome) => println!(
                "  {label:<12} -> ok, id {} (created: {})",
                outcome.id(),
                outcome.created()
            ),
            Err(error) => println!("  {label:<12} -> ERROR {error}"),
        }
    }
    print_record("  record afterwards", client, &key).await?;

    let key = fresh_key("demo");
    let (first, second) = tokio::join!(client.upsert(&key, &started), client.upsert(&key, &ended),);
    println!("\nsforce, the same two upserts:");
    for (label, result) in [("call started", first), ("call ended", second)] {
        match result {
            Ok(outcome) => println!(
                "  {label:<12} -> ok, id {} (created: {}, {})",
                outcome.id(),
                outcome.created(),
                carried(outcome.merged_writes())
            ),
            Err(error) => println!("  {label:<12} -> ERROR {error}"),
        }
    }
    print_record("  record afterwards", client, &key).await?;

    // Then measure both scenarios with both clients.
    let mut rows = Vec::new();
    for mode in MODES {
        rows.push(seed_scenario(&target, mode).await?);
        rows.push(burst_scenario(&target, mode).await?);
    }
    println!();
    println!(
        "{:<24} {:<8} {:>6} {:>6} {:>11} {:>12} {:>8}",
        "scenario", "client", "writes", "errors", "lost writes", "API requests", "wall s"
    );
    for row in &rows {
        println!(
            "{:<24} {:<8} {:>6} {:>6} {:>11} {:>12} {:>8.3}",
            row.scenario,
            row.mode.name(),
            row.writes,
            row.errors,
            row.lost_writes,
            count_or_na(row.requests),
            row.wall.as_secs_f64()
        );
    }
    println!(
        "(errors: writes whose call returned an error; lost writes: writes whose fields, where no \
         later write overwrote them, are missing from the final record; API requests: upsert \
         requests the server received, single-record or collection)"
    );

    println!("\nTotals over both scenarios:");
    let mut sforce_failures = 0;
    for mode in MODES {
        let total = Totals::of(&rows, mode);
        println!(
            "  {:<8} {} writes: {} failed, {} lost, {} API requests",
            mode.name(),
            total.writes,
            total.errors,
            total.lost_writes,
            count_or_na(total.requests)
        );
        if mode != Mode::Plain {
            sforce_failures += total.errors + total.lost_writes;
        }
    }
    let [plain, per_key, batched] = api_requests_for_a_burst().await?;
    println!(
        "\nAPI requests per 10,000 writes over 1,000 keys, submitted at once (embedded emulator, \
         no commit window): plain {plain}, sforce per key {per_key}, sforce batched {batched}"
    );
    if sforce_failures > 0 {
        return Err("sforce lost or failed writes".into());
    }
    Ok(())
}

const BURST_10K_WRITES: usize = 10_000;
const BURST_10K_KEYS: usize = 1_000;

/// What a burst costs in API requests (Salesforce's daily allowance): 10,000 upserts over 1,000
/// keys submitted at once, sent by the plain client (one request each, 256 at a time), by
/// sforce with batching off (one request per key's merged writes) and by default sforce (ready
/// writes of distinct keys share collection requests of up to 200 records). Each against a
/// fresh embedded emulator, which counts the requests as Salesforce does.
async fn api_requests_for_a_burst() -> Result<[u64; 3], Box<dyn std::error::Error>> {
    let mut counts = [0; 3];
    for (i, batching) in [
        None,
        Some(BatchPolicy::disabled()),
        Some(BatchPolicy::new()),
    ]
    .into_iter()
    .enumerate()
    {
        let emu = Emulator::builder()
            .commit_latency(Duration::ZERO)
            .start()
            .await?;
        let client = Client::builder()
            .instance_url(emu.url())
            .access_token(emu.token())
            .write_policy(WritePolicy::default().batching(batching.clone().unwrap_or_default()))
            .build()?;
        let writes = (0..BURST_10K_WRITES).map(|w| {
            let key = UpsertKey::new("Task", "uuid__c", format!("burst-{}", w % BURST_10K_KEYS));
            (key, json!({ "Subject": format!("write {w}") }))
        });
        let failed = match batching {
            None => {
                futures::stream::iter(writes)
                    .map(|(key, body)| {
                        let client = &client;
                        async move { client.upsert_raw(&key, &body).await.is_err() }
                    })
                    .buffer_unordered(256)
                    .filter(|failed| std::future::ready(*failed))
                    .count()
                    .await
            }
            Some(_) => {
                let pending: Vec<_> = writes
                    .map(|(key, body)| client.upsert(&key, &body))
                    .collect();
                join_all(pending)
                    .await
                    .iter()
                    .filter(|r| r.is_err())
                    .count()
            }
        };
        if batching.is_some() && failed > 0 {
            return Err(format!("sforce: {failed} writes of the burst failed").into());
        }
        counts[i] = emu.api_usage();
    }
    Ok(counts)
}

/// What one request carrying a write means for that write.
fn carried(merged_writes: usize) -> String {
    match merged_writes {
        0 | 1 => "sent in its own request".to_owned(),
        n => format!("{n} writes merged into one request"),
    }
}

fn count_or_na(count: Option<usize>) -> String {
    count.map_or_else(|| "n/a".to_owned(), |n| n.to_string())
}

/// One client's sums over every scenario.
struct Totals {
    writes: usize,
    errors: usize,
    lost_writes: usize,
    /// None against a real org (requests are counted by the emulator).
    requests: Option<usize>,
}

impl Totals {
    fn of(rows: &[Row], mode: Mode) -> Totals {
        let rows = rows.iter().filter(|row| row.mode == mode);
        let mut total = Totals {
            writes: 0,
            errors: 0,
            lost_writes: 0,
            requests: Some(0),
        };
        for row in rows {
            total.writes += row.writes;
            total.errors += row.errors;
            total.lost_writes += row.lost_writes;
            total.requests = total.requests.zip(row.requests).map(|(a, b)| a + b);
        }
        total
    }
}

/// Where the demo runs: the embedded emulator, or a real org from the environment.
struct Target {
    client: Client,
    emulator: Option<Emulator>,
}

impl Target {
    async fn connect() -> Result<Target, Box<dyn std::error::Error>> {
        if std::env::var_os("SF_INSTANCE_URL").is_some() {
            return Ok(Target {
                client: Client::from_env()?,
                emulator: None,
            });
        }
        let emulator = Emulator::builder()
            .commit_latency(Duration::from_millis(200))
            .start()
            .await?;
        let client = Client::builder()
            .instance_url(emulator.url())
            .access_token(emulator.token())
            .build()?;
        Ok(Target {
            client,
            emulator: Some(emulator),
        })
    }

    fn describe(&self) -> String {
        match &self.emulator {
            Some(emulator) => format!(
                "the embedded emulator at {} (commit window {} ms)",
                emulator.url(),
                emulator.commit_latency().as_millis()
            ),
            None => format!(
                "the org at {}",
                self.client.instance_url().unwrap_or_default()
            ),
        }
    }

    /// Upsert requests the emulator has received so far, single-record
    /// (`/sobjects/Task/uuid__c/<value>`) and collection (`/composite/sobjects/Task/uuid__c`)
    /// alike (None against a real org).
    fn upserts_seen(&self) -> Option<usize> {
        self.emulator
            .as_ref()
            .map(|emulator| emulator.request_count_matching("PATCH", "/sobjects/Task/uuid__c"))
    }
}

/// The clients compared, in table order.
const MODES: [Mode; 2] = [Mode::Plain, Mode::Sforce];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// One request per write, as every other client does.
    Plain,
    /// Every write through sforce's keyed single-flight executor.
    Sforce,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Plain => "plain",
            Mode::Sforce => "sforce",
        }
    }

    async fn write(self, client: &Client, key: &UpsertKey, body: &Map<String, Value>) -> bool {
        let result = match self {
            Mode::Plain => client.upsert_raw(key, body).await,
            Mode::Sforce => client.upsert(key, body).await,
        };
        result.is_ok()
    }
}

struct Row {
    scenario: String,
    mode: Mode,
    writes: usize,
    errors: usize,
    lost_writes: usize,
    requests: Option<usize>,
    wall: Duration,
}

/// The seed: "call started" then "call ended" for one new key, concurrently, on fresh keys.
async fn seed_scenario(target: &Target, mode: Mode) -> Result<Row, Box<dyn std::error::Error>> {
    let before = target.upserts_seen();
    let started = Instant::now();
    let keys: Vec<UpsertKey> = (0..SEED_REPETITIONS).map(|_| fresh_key("seed")).collect();
    let writes = [call_started(), call_ended()];
    let runs = keys.iter().map(|key| async {
        let (a, b) = tokio::join!(
            mode.write(&target.client, key, &writes[0]),
            mode.write(&target.client, key, &writes[1]),
        );
        usize::from(!a) + usize::from(!b)
    });
    let errors = join_all(runs).await.into_iter().sum();
    let wall = started.elapsed();
    let mut lost_writes = 0;
    for key in &keys {
        lost_writes += count_lost_writes(&target.client, key, &writes).await?;
    }
    Ok(Row {
        scenario: format!("seed x{SEED_REPETITIONS}"),
        mode,
        writes: 2 * SEED_REPETITIONS,
        errors,
        lost_writes,
        requests: requests_since(target, before),
        wall,
    })
}

/// A burst: many writes to one new key at once, each setting a different field value.
async fn burst_scenario(target: &Target, mode: Mode) -> Result<Row, Box<dyn std::error::Error>> {
    let before = target.upserts_seen();
    let started = Instant::now();
    let key = fresh_key("burst");
    let writes: Vec<Map<String, Value>> = (0..BURST_WRITES)
        .map(|n| object(json!({ "CallDurationInSeconds": n, "Subject": "Call" })))
        .collect();
    let results = join_all(
        writes
            .iter()
            .map(|body| mode.write(&target.client, &key, body)),
    )
    .await;
    let errors = results.iter().filter(|ok| !**ok).count();
    let wall = started.elapsed();
    // Writes are submitted in order, so the last one must be the final state.
    let lost_writes = count_lost_writes(&target.client, &key, &writes).await?;
    Ok(Row {
        scenario: format!("burst 1 key x{BURST_WRITES}"),
        mode,
        writes: BURST_WRITES,
        errors,
        lost_writes,
        requests: requests_since(target, before),
        wall,
    })
}

fn requests_since(target: &Target, before: Option<usize>) -> Option<usize> {
    Some(target.upserts_seen()? - before?)
}

/// Counts the writes whose effect is missing from the stored record: a write is lost when a
/// field it set, and no later write to the key overwrote, does not hold its value.
async fn count_lost_writes(
    client: &Client,
    key: &UpsertKey,
    writes: &[Map<String, Value>],
) -> Result<usize, Box<dyn std::error::Error>> {
    let expected = merged(writes);
    let fields: Vec<&str> = expected.keys().map(String::as_str).collect();
    let record: Map<String, Value> = match client
        .get_by_external_id("Task", key.field(), key.value(), &fields)
        .await
    {
        Ok(record) => record,
        Err(error) if error.is_not_found() => return Ok(writes.len()),
        Err(error) => return Err(error.into()),
    };
    let lost = writes.iter().enumerate().filter(|(n, write)| {
        let later = &writes[n + 1..];
        write.iter().any(|(name, value)| {
            let overwritten = later.iter().any(|w| w.contains_key(name));
            !overwritten && !same_value(record.get(name), value)
        })
    });
    Ok(lost.count())
}

/// Compares a written value with what reads back (datetimes come back as `.000+0000`).
fn same_value(stored: Option<&Value>, written: &Value) -> bool {
    fn datetime(text: &str) -> &str {
        let text = text
            .strip_suffix("+0000")
            .or_else(|| text.strip_suffix('Z'));
        let text = text.unwrap_or_default();
        text.strip_suffix(".000").unwrap_or(text)
    }
    match (stored, written) {
        (Some(Value::String(stored)), Value::String(written)) if written.ends_with('Z') => {
            datetime(stored) == datetime(written)
        }
        (Some(stored), written) => stored == written,
        (None, _) => false,
    }
}

async fn print_record(
    label: &str,
    client: &Client,
    key: &UpsertKey,
) -> Result<(), Box<dyn std::error::Error>> {
    let fields = [
        "Id",
        "Subject",
        "Status",
        "CallDurationInSeconds",
        "Description",
    ];
    let record: Map<String, Value> = client
        .get_by_external_id("Task", key.field(), key.value(), &fields)
        .await?;
    let shown: Map<String, Value> = fields
        .iter()
        .filter_map(|f| Some((f.to_string(), record.get(*f)?.clone())))
        .collect();
    println!("{label}: {}", Value::Object(shown));
    Ok(())
}

/// The first write of the seed: the telephony system creates the call record.
fn call_started() -> Map<String, Value> {
    object(json!({
        "Subject": "Call",
        "CallType": "Outbound",
        "Status": "In Progress",
        "isTransfer__c": false,
        "CallStarted__c": "2017-10-31T07:10:51Z",
        "AsteriskId__c": "7794786",
    }))
}

/// The second write of the seed, a moment later: the call ended.
fn call_ended() -> Map<String, Value> {
    object(json!({
        "Description": "Called C to discuss the reinstall.",
        "Status": "Completed",
        "CallDurationInSeconds": 597,
        "AudioFile__c": "outgoing/2017-10-31/03-10-59_ID-123.mp3",
        "CallHangup__c": "2017-10-31T07:20:56Z",
        "ReasonText__c": "Success call",
    }))
}

/// The state sequential application of `writes` produces (later fields win).
fn merged(writes: &[Map<String, Value>]) -> Map<String, Value> {
    let mut state = Map::new();
    for write in writes {
        state.extend(write.clone());
    }
    state
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => unreachable!("the literals above are objects"),
    }
}

/// A new, uuid-shaped external ID.
fn fresh_key(prefix: &str) -> UpsertKey {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let salt = fastrand::u64(..);
    UpsertKey::new(
        "Task",
        "uuid__c",
        format!("{prefix}-{:08x}-{:016x}", n as u32, salt),
    )
}
