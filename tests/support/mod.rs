//! Shared setup for the root integration tests: the embedded emulator, a client for it, and
//! small helpers. Every `tests/*.rs` is its own crate and uses only part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Map, Value};
use sforce::client::{Client, ClientBuilder};
use sforce::describe::SObjectDescribe;
use sforce_emulator::Emulator;

/// Bound that turns a hang into a failure (not a timing assertion).
pub const HANG: Duration = Duration::from_secs(60);

/// An emulator whose upserts hold their commit window open for `latency`.
pub async fn emulator_with_latency(latency: Duration) -> Emulator {
    Emulator::builder()
        .commit_latency(latency)
        .start()
        .await
        .expect("emulator")
}

/// An emulator that commits at once.
pub async fn emulator() -> Emulator {
    emulator_with_latency(Duration::ZERO).await
}

/// A client builder for `emu`: its URL and token, nothing else.
pub fn client_builder(emu: &Emulator) -> ClientBuilder {
    Client::builder()
        .instance_url(emu.url())
        .access_token(emu.token())
}

/// A client for `emu` with the default configuration.
pub fn client(emu: &Emulator) -> Client {
    client_builder(emu).build().expect("client")
}

/// An emulator with its 200 ms commit window open, so that concurrent writes overlap.
pub async fn windowed_emulator() -> Emulator {
    emulator_with_latency(Duration::from_millis(200)).await
}

/// [`windowed_emulator`] and a client for it.
pub async fn windowed() -> (Emulator, Client) {
    let emu = windowed_emulator().await;
    let client = client(&emu);
    (emu, client)
}

/// Waits until the client's write executor is empty.
pub async fn wait_idle(client: &Client) {
    tokio::time::timeout(HANG, async {
        while client.writes_in_flight() != 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the executor never emptied");
}

/// The JSON object `value` as a map.
pub fn obj(value: Value) -> Map<String, Value> {
    value.as_object().cloned().expect("object")
}

/// The Task stored under `uuid__c` = `value`.
pub fn stored_task(emu: &Emulator, value: &str) -> Map<String, Value> {
    emu.find_by_external_id("Task", "uuid__c", value)
        .unwrap_or_else(|| panic!("no record for {value}"))
}

/// The codegen fixture describes (`sforce-codegen/tests/fixtures/describes`).
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sforce-codegen/tests/fixtures/describes")
}

/// Every codegen fixture describe, by object name.
pub fn fixture_describes() -> Vec<SObjectDescribe> {
    let mut out: Vec<SObjectDescribe> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| serde_json::from_slice(&std::fs::read(e.unwrap().path()).unwrap()).unwrap())
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// An emulator that knows exactly the codegen fixture describes, and a client for it.
pub async fn fixture_emulator() -> (Emulator, Client) {
    let mut builder = Emulator::builder().without_builtin_describes();
    for describe in fixture_describes() {
        builder = builder.describe(describe);
    }
    let emu = builder.start().await.expect("emulator");
    let client = client(&emu);
    (emu, client)
}

/// Bulk job polling for the emulator: 5 ms growing to 50 ms.
pub fn fast_poll() -> sforce::bulk::PollPolicy {
    sforce::bulk::PollPolicy::new()
        .initial(Duration::from_millis(5))
        .max(Duration::from_millis(50))
}
