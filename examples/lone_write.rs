//! lone_write: what a lone upsert (nothing else ready) should be sent as, measured. Runs in
//! ONE process against the embedded emulator with no commit latency, so the figures are the
//! client's and the wire's share only.
//!
//! Each variant awaits its writes one by one (a lone write every time): `ROUNDS` creates on
//! fresh keys, then `ROUNDS` updates of the same keys.
//! - `single PATCH (upsert_raw)`: `PATCH /sobjects/Task/uuid__c/{value}`, no executor;
//! - `1-record collection (upsert_all)`: `PATCH /composite/sobjects/Task/uuid__c`, one record;
//! - `Client::upsert, batching on`: the executor and the batcher (a lone write goes as the
//!   single PATCH);
//! - `Client::upsert, batching off`: the executor alone.
//!
//! Prints per variant: mean, p50 and p99 latency per write (microseconds), API requests the
//! emulator counted, and request bytes (path and body) per write. Every variant runs twice;
//! the second pass is printed.
//!
//! Run: `cargo run --release --example lone_write [rounds]` (default 500).

use std::time::{Duration, Instant};

use serde_json::json;
use sforce::client::{BatchPolicy, Client, CollectionOptions, UpsertKey, WritePolicy};
use sforce_emulator::Emulator;

#[derive(Clone, Copy)]
enum Variant {
    Single,
    Collection,
    Batched,
    Unbatched,
}

impl Variant {
    fn name(self) -> &'static str {
        match self {
            Variant::Single => "single PATCH (upsert_raw)",
            Variant::Collection => "1-record collection (upsert_all)",
            Variant::Batched => "Client::upsert, batching on",
            Variant::Unbatched => "Client::upsert, batching off",
        }
    }
}

async fn run(variant: Variant, rounds: usize, print: bool) {
    let emu = Emulator::builder()
        .commit_latency(Duration::ZERO)
        .start()
        .await
        .expect("emulator");
    let batching = match variant {
        Variant::Unbatched => BatchPolicy::disabled(),
        _ => BatchPolicy::new(),
    };
    let client = Client::builder()
        .instance_url(emu.url())
        .access_token(emu.token())
        .write_policy(WritePolicy::new().batching(batching))
        .build()
        .expect("client");
    let mut latencies = Vec::with_capacity(2 * rounds);
    for pass in ["create", "update"] {
        for i in 0..rounds {
            let key = UpsertKey::new("Task", "uuid__c", format!("lone-{i:05}"));
            let body = json!({"Subject": format!("{pass} {i}")});
            let start = Instant::now();
            match variant {
                Variant::Single => {
                    client.upsert_raw(&key, &body).await.expect("upsert");
                }
                Variant::Collection => {
                    let results = client
                        .upsert_all(&[(key, body)], &CollectionOptions::default())
                        .await
                        .expect("collection");
                    assert!(results[0].is_ok(), "{results:?}");
                }
                Variant::Batched | Variant::Unbatched => {
                    client.upsert(&key, &body).await.expect("upsert");
                }
            }
            latencies.push(start.elapsed());
        }
    }
    if !print {
        return;
    }
    latencies.sort_unstable();
    let mean = latencies.iter().sum::<Duration>() / latencies.len() as u32;
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    let log = emu.request_log();
    let request_bytes: usize = log.iter().map(|r| r.body.len() + r.path.len()).sum();
    println!(
        "{:<34} {:>8} {:>8} {:>8} {:>9} {:>14.0}",
        variant.name(),
        mean.as_micros(),
        at(0.5).as_micros(),
        at(0.99).as_micros(),
        emu.api_usage(),
        request_bytes as f64 / latencies.len() as f64,
    );
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let rounds = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(500);
    println!(
        "{:<34} {:>8} {:>8} {:>8} {:>9} {:>14}",
        "variant", "mean_us", "p50_us", "p99_us", "api_reqs", "req_bytes/write"
    );
    // A first pass warms the process (allocator, connection setup); the second is printed.
    for print in [false, true] {
        for variant in [
            Variant::Single,
            Variant::Collection,
            Variant::Batched,
            Variant::Unbatched,
        ] {
            run(variant, rounds, print).await;
        }
    }
}
