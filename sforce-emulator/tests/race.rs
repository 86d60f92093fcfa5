//! The upsert race over real HTTP.
mod common;

use std::time::Duration;

use common::{Api, SEED_TASK, emulator, emulator_with_latency};
use sforce_emulator::Emulator;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_concurrent_upserts_of_a_new_key_give_201_and_duplicate_value() {
    let emu = Emulator::start().await.unwrap();
    let api = Api::new(&emu);
    let path = "/sobjects/Task/uuid__c/a22ac4d6-e2c0-4e53-898d-ea1d0c807775";
    let (a, b) = tokio::join!(api.patch(path, SEED_TASK), api.patch(path, SEED_TASK));
    let (created, failed) = if a.status == 201 { (a, b) } else { (b, a) };
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(created.json()["created"], true);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(failed.status, 400, "{failed:?}");
    assert_eq!(
        failed.json(),
        serde_json::json!([{
            "message": format!("duplicate value found: uuid__c duplicates value on record with id: {id}"),
            "errorCode": "DUPLICATE_VALUE",
            "fields": []
        }])
    );
    assert_eq!(emu.records("Task").len(), 1);
    assert_eq!(emu.max_in_flight_per_key(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sequential_upserts_create_then_update_the_same_record() {
    let emu = emulator_with_latency(Duration::from_millis(10)).await;
    let api = Api::new(&emu);
    let path = "/sobjects/Task/uuid__c/K-1";
    let first = api.patch(path, SEED_TASK).await;
    assert_eq!(first.status, 201);
    let second = api.patch(path, r#"{"Description":"updated"}"#).await;
    assert_eq!(second.status, 200, "{second:?}");
    assert_eq!(second.json()["created"], false);
    assert_eq!(second.json()["id"], first.json()["id"]);
    let record = emu.find_by_external_id("Task", "uuid__c", "k-1").unwrap();
    assert_eq!(record["Description"], "updated");
    assert_eq!(record["CallType"], "Outbound");
    assert_eq!(emu.max_in_flight_per_key(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn api_v45_answers_201_without_created_then_204() {
    let emu = emulator().await;
    let api = Api::with_version(&emu, "45.0");
    let path = "/sobjects/Task/uuid__c/old-api";
    let first = api.patch(path, SEED_TASK).await;
    assert_eq!(first.status, 201);
    assert!(first.json().get("created").is_none(), "{:?}", first.text);
    let second = api.patch(path, r#"{"Subject":"Email"}"#).await;
    assert_eq!(second.status, 204);
    assert_eq!(second.text, "");
    let id = first.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(emu.record("Task", &id).unwrap()["Subject"], "Email");
    // v46.0 is the first version with the flag.
    let v46 = Api::with_version(&emu, "46.0");
    let third = v46.patch(path, r#"{"Subject":"Call"}"#).await;
    assert_eq!(
        (third.status.as_u16(), third.json()["created"].clone()),
        (200, false.into())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_second_racer_names_the_first_id_even_with_many_racers() {
    let emu = emulator_with_latency(Duration::from_millis(300)).await;
    let api = Api::new(&emu);
    let path = "/sobjects/Task/uuid__c/MANY";
    let answers =
        futures::future::join_all((0..5).map(|_| api.patch(path, r#"{"Subject":"Call"}"#))).await;
    let created: Vec<_> = answers.iter().filter(|a| a.status == 201).collect();
    assert_eq!(created.len(), 1);
    let id = created[0].json()["id"].as_str().unwrap().to_owned();
    for failed in answers.iter().filter(|a| a.status != 201) {
        assert_eq!(failed.status, 400);
        assert_eq!(failed.code(), "DUPLICATE_VALUE");
        assert!(failed.message().ends_with(&format!("record with id: {id}")));
    }
    assert_eq!(emu.max_in_flight_per_key(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn commit_latency_changes_at_runtime_and_case_variants_race_for_one_key() {
    let emu = emulator().await;
    assert_eq!(emu.commit_latency(), Duration::ZERO);
    emu.set_commit_latency(Duration::from_millis(250));
    assert_eq!(emu.commit_latency(), Duration::from_millis(250));
    let api = Api::new(&emu);
    // uuid__c is case-insensitive: ABC and abc are one key, so they race.
    let (a, b) = tokio::join!(
        api.patch("/sobjects/Task/uuid__c/ABC", "{}"),
        api.patch("/sobjects/Task/uuid__c/abc", "{}")
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [201, 400]);
    assert_eq!(emu.max_in_flight_per_key(), 2);
    emu.reset_max_in_flight();
    assert_eq!(emu.max_in_flight_per_key(), 0);
}
