//! The upsert race over real HTTP.
mod common;

use std::time::Duration;

use common::{Api, SEED_TASK};
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
    let emu = Emulator::builder()
        .commit_latency(Duration::from_millis(10))
        .start()
        .await
        .unwrap();
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
