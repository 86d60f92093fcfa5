//! Upsert keys and bad input against the emulator over real HTTP: the merged request's key
//! spelling, keys normalized by field type and case rule, `Patch::upsert` queued at call
//! time, and oversized paths refused before anything is sent.

mod support;

use std::time::Duration;

use serde_json::json;
use sforce::SObject;
use sforce::client::{Client, Method, UpsertKey};
use sforce::error::{Error, MAX_MESSAGE_CHARS};
use support::{client_builder, emulator, wait_idle, windowed_emulator};

#[derive(Debug, Default, SObject)]
#[sobject(name = "Task")]
struct Call {
    #[external_id]
    #[sobject(rename = "uuid__c")]
    uuid: String,
    subject: Option<String>,
}

/// Holds the client's only permit with a slow upsert of another key, so the writes submitted
/// meanwhile wait for admission together (and merge).
async fn blocked_client(emu: &sforce::emulator::Emulator) -> (Client, impl Future<Output = ()>) {
    // Per-key admission merging (batching hands writes to the batcher without waiting for
    // admission, see tests/batching.rs).
    let client = client_builder(emu)
        .max_in_flight(1)
        .write_policy(
            sforce::client::WritePolicy::new().batching(sforce::client::BatchPolicy::disabled()),
        )
        .build()
        .unwrap();
    let blocker = client.upsert(
        &UpsertKey::new("Task", "uuid__c", "blocker"),
        &json!({"Subject": "hold the permit"}),
    );
    // The blocker holds the permit through the emulator's 200 ms commit window.
    tokio::time::timeout(Duration::from_secs(30), async {
        while client.request_stats().in_flight == 0 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    })
    .await
    .unwrap();
    (client, async move {
        blocker.await.unwrap();
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_merged_request_carries_the_first_callers_key_spelling() {
    let emu = windowed_emulator().await;
    let (client, blocker) = blocked_client(&emu).await;
    let upper = client.upsert(
        &UpsertKey::new("Task", "uuid__c", "ABC-1"),
        &json!({"Subject": "first"}),
    );
    let lower = client.upsert(
        &UpsertKey::new("Task", "uuid__c", "abc-1"),
        &json!({"Description": "second"}),
    );
    blocker.await;
    let (upper, lower) = (upper.await.unwrap(), lower.await.unwrap());
    assert_eq!((upper.merged_writes(), lower.merged_writes()), (2, 2));
    assert_eq!(upper.id(), lower.id());
    // Sequentially, "ABC-1" creates the record and "abc-1" updates it: the stored key is the
    // first spelling, sent as the path of the one request.
    let stored = emu.find_by_external_id("Task", "uuid__c", "abc-1").unwrap();
    assert_eq!(stored["uuid__c"], json!("ABC-1"));
    assert_eq!(stored["Subject"], json!("first"));
    assert_eq!(stored["Description"], json!("second"));
    assert_eq!(emu.request_count_matching("PATCH", "uuid__c/ABC-1"), 1);
    assert_eq!(emu.request_count_matching("PATCH", "uuid__c/abc-1"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn case_sensitive_keys_never_merge_and_each_caller_gets_its_own_record() {
    let emu = windowed_emulator().await;
    let (client, blocker) = blocked_client(&emu).await;
    let key = |v: &str| UpsertKey::new("Task", "Code__c", v).case_sensitive(true);
    let upper = client.upsert(&key("XY"), &json!({"Subject": "upper"}));
    let lower = client.upsert(&key("xy"), &json!({"Subject": "lower"}));
    blocker.await;
    let (upper, lower) = (upper.await.unwrap(), lower.await.unwrap());
    assert_ne!(upper.id(), lower.id());
    assert_eq!((upper.merged_writes(), lower.merged_writes()), (1, 1));
    let find = |v: &str| emu.find_by_external_id("Task", "Code__c", v).unwrap();
    assert_eq!(find("XY")["Subject"], json!("upper"));
    assert_eq!(find("xy")["Subject"], json!("lower"));
    // One class for both spellings: never two requests for it in flight.
    assert_eq!(emu.max_in_flight_per_key(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn number_keys_are_one_record_whatever_their_spelling() {
    let emu = windowed_emulator().await;
    emu.set_commit_latency(Duration::from_millis(20));
    let client = client_builder(&emu).build().unwrap();
    for round in 0..8 {
        let base = 1000 + round;
        let spellings = [
            format!("{base}"),
            format!("{base}.0"),
            format!("{base}.000"),
            format!("{base}e0"),
        ];
        // Declared or not, the spellings of one number never overlap.
        let pending: Vec<_> = spellings
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let key = UpsertKey::new("Task", "LegacyNumber__c", v).number(i % 2 == 0);
                client.upsert(&key, &json!({"Subject": format!("w{i}")}))
            })
            .collect();
        for p in pending {
            p.await.unwrap();
        }
        let stored = emu
            .find_by_external_id("Task", "LegacyNumber__c", &base.to_string())
            .unwrap();
        assert_eq!(
            stored["Subject"],
            json!("w3"),
            "round {round}: last write wins"
        );
    }
    assert_eq!(emu.records("Task").len(), 8);
    assert_eq!(emu.max_in_flight_per_key(), 1);
    assert_eq!(client.write_stats().duplicate_retries, 0);
    wait_idle(&client).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn patch_upsert_queues_at_call_time_and_survives_a_dropped_future() {
    let emu = windowed_emulator().await;
    let client = client_builder(&emu).build().unwrap();
    let first =
        Call::patch()
            .set(Call::FIELD.subject, "first")
            .upsert(&client, Call::FIELD.uuid, "P-1");
    let second =
        Call::patch()
            .set(Call::FIELD.subject, "second")
            .upsert(&client, Call::FIELD.uuid, "P-1");
    // Polled in reverse order: the writes still apply in call order.
    second.await.unwrap();
    first.await.unwrap();
    wait_idle(&client).await;
    let stored = emu.find_by_external_id("Task", "uuid__c", "P-1").unwrap();
    assert_eq!(stored["Subject"], json!("second"));

    // Never polled: the write still lands.
    drop(Call::patch().set(Call::FIELD.subject, "dropped").upsert(
        &client,
        Call::FIELD.uuid,
        "P-2",
    ));
    wait_idle(&client).await;
    let stored = emu.find_by_external_id("Task", "uuid__c", "P-2").unwrap();
    assert_eq!(stored["Subject"], json!("dropped"));
}

fn assert_bounded_invalid_input(err: &Error) {
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.chars().count() <= MAX_MESSAGE_CHARS + 100,
        "{} chars",
        text.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_oversized_path_is_invalid_input_and_nothing_is_sent() {
    let emu = emulator().await;
    let client = client_builder(&emu).build().unwrap();
    // 30,000 characters that percent-encode to 3 bytes each: 90 kB of path.
    let huge = "/".repeat(30_000);
    let key = UpsertKey::new("Task", "uuid__c", huge.clone());
    let err = client
        .upsert(&key, &json!({"Subject": "x"}))
        .await
        .unwrap_err();
    assert_bounded_invalid_input(&err);
    let err = client
        .upsert_raw(&key, &json!({"Subject": "x"}))
        .await
        .unwrap_err();
    assert_bounded_invalid_input(&err);
    let err = client
        .get_by_external_id::<serde_json::Value>("Task", "uuid__c", &huge, &[])
        .await
        .unwrap_err();
    assert_bounded_invalid_input(&err);
    let err = client
        .request(Method::GET, "query")
        .query("q", format!("SELECT Id FROM Task WHERE Subject = '{huge}'"))
        .send()
        .await
        .unwrap_err();
    assert_bounded_invalid_input(&err);
    // A body that repeats the key with another huge value: rejected, message bounded.
    let err = client
        .upsert(
            &UpsertKey::new("Task", "uuid__c", "k"),
            &json!({"uuid__c": "x".repeat(100_000)}),
        )
        .await
        .unwrap_err();
    assert_bounded_invalid_input(&err);
    assert_eq!(emu.request_count(), 0, "nothing was sent");
    assert_eq!(client.writes_in_flight(), 0);
}
