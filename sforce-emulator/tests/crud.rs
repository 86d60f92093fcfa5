//! Create, read, update, delete over real HTTP.
mod common;

use common::{Api, SEED_TASK, emulator};
use serde_json::json;

#[tokio::test]
async fn create_read_update_delete() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let created = api
        .post(
            "/sobjects/Account",
            r#"{"Name":"Acme","NumberOfEmployees":12}"#,
        )
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    let body = created.json();
    assert_eq!(
        (body["success"].clone(), body["errors"].clone()),
        (json!(true), json!([]))
    );
    assert!(body.get("created").is_none());
    let id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 18);
    assert!(id.starts_with("001"));

    let read = api.get(&format!("/sobjects/Account/{id}")).await;
    assert_eq!(read.status, 200);
    let record = read.json();
    assert_eq!(record["attributes"]["type"], "Account");
    assert_eq!(
        record["attributes"]["url"],
        format!("/services/data/v62.0/sobjects/Account/{id}")
    );
    assert_eq!(record["Name"], "Acme");
    assert_eq!(record["NumberOfEmployees"], 12);
    assert_eq!(record["Website"], serde_json::Value::Null);
    assert!(record["CreatedDate"].as_str().unwrap().ends_with("+0000"));

    let some = api
        .get(&format!("/sobjects/Account/{id}?fields=Name,Id"))
        .await
        .json();
    let keys: Vec<&String> = some.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["attributes", "Name", "Id"]);

    // The 15-character form of the Id finds the same record.
    let short = api.get(&format!("/sobjects/Account/{}", &id[..15])).await;
    assert_eq!(short.json()["Id"], id.as_str());

    let updated = api
        .patch(&format!("/sobjects/Account/{id}"), r#"{"Name":"Acme 2"}"#)
        .await;
    assert_eq!(updated.status, 204);
    assert_eq!(updated.text, "");
    assert_eq!(emu.record("Account", &id).unwrap()["Name"], "Acme 2");

    let deleted = api.delete(&format!("/sobjects/Account/{id}")).await;
    assert_eq!(deleted.status, 204);
    assert!(emu.records("Account").is_empty());
    let gone = api.get(&format!("/sobjects/Account/{id}")).await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.code(), "NOT_FOUND");
    assert_eq!(
        api.delete(&format!("/sobjects/Account/{id}")).await.status,
        404
    );
    assert_eq!(
        api.patch(&format!("/sobjects/Account/{id}"), "{}")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn seed_task_round_trips_with_salesforce_value_formats() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let up = api
        .patch(
            "/sobjects/Task/uuid__c/a22ac4d6-e2c0-4e53-898d-ea1d0c807775",
            SEED_TASK,
        )
        .await;
    assert_eq!(up.status, 201);
    let read = api
        .get("/sobjects/Task/uuid__c/a22ac4d6-e2c0-4e53-898d-ea1d0c807775")
        .await;
    assert_eq!(read.status, 200);
    let r = read.json();
    assert_eq!(r["Id"], up.json()["id"]);
    assert_eq!(r["uuid__c"], "a22ac4d6-e2c0-4e53-898d-ea1d0c807775");
    assert_eq!(r["CallStarted__c"], "2017-10-31T07:10:51.000+0000");
    assert_eq!(r["CallDurationInSeconds"], 597);
    assert_eq!(r["isTransfer__c"], false);
    // Defaults from the describe.
    assert_eq!(r["Priority"], "Normal");
    assert_eq!(r["IsClosed"], false);
}

#[tokio::test]
async fn post_to_the_id_upsert_resource_creates() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let created = api.post("/sobjects/Task/Id", r#"{"Subject":"Call"}"#).await;
    assert_eq!(created.status, 201);
    assert_eq!(created.json()["created"], true);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let by_id = api
        .patch(&format!("/sobjects/Task/Id/{id}"), r#"{"Subject":"Email"}"#)
        .await;
    assert_eq!(by_id.status, 200);
    assert_eq!(by_id.json()["id"], id.as_str());
    assert_eq!(emu.record("Task", &id).unwrap()["Subject"], "Email");
}

#[tokio::test]
async fn insert_record_seeds_data_and_respects_the_unique_index() {
    let emu = emulator().await;
    let mut fields = serde_json::Map::new();
    fields.insert("uuid__c".into(), json!("SEEDED"));
    fields.insert("CreatedDate".into(), json!("2020-01-01T00:00:00Z"));
    let id = emu.insert_record("Task", fields.clone()).unwrap();
    let record = emu
        .find_by_external_id("Task", "uuid__c", "seeded")
        .unwrap();
    assert_eq!(record["Id"], id.as_str());
    assert_eq!(record["CreatedDate"], "2020-01-01T00:00:00.000+0000");
    let err = emu.insert_record("Task", fields).unwrap_err();
    assert!(err.to_string().contains("DUPLICATE_VALUE"), "{err}");
}
