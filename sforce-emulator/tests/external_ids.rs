//! External-ID values: one percent-decoded path segment, case rules, several matches, numbers.
mod common;

use common::{Api, emulator, segment};
use serde_json::json;

#[tokio::test]
async fn hostile_values_round_trip_as_one_segment() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    for value in [
        "a/b",
        "100%",
        "two words",
        "a+b",
        "what?",
        "#hash",
        "ünïcödé",
        "/ % + ? # ü",
        "%2F",
        "%25",
        "..x",
        "back\\slash",
        "日本語-😀",
    ] {
        let path = format!("/sobjects/Task/uuid__c/{}", segment(value));
        let up = api.patch(&path, r#"{"Subject":"Call"}"#).await;
        assert_eq!(up.status, 201, "{value:?}: {up:?}");
        let id = up.json()["id"].clone();
        let read = api.get(&path).await;
        assert_eq!(read.status, 200, "{value:?}");
        assert_eq!(read.json()["Id"], id, "{value:?}");
        assert_eq!(read.json()["uuid__c"], value, "{value:?}");
        let again = api.patch(&path, r#"{"Subject":"Email"}"#).await;
        assert_eq!(
            (again.status.as_u16(), again.json()["id"].clone()),
            (200, id),
            "{value:?}"
        );
        assert!(
            emu.find_by_external_id("Task", "uuid__c", value).is_some(),
            "{value:?}"
        );
    }
    assert_eq!(emu.records("Task").len(), 13);
}

#[tokio::test]
async fn plus_is_not_a_space() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    assert_eq!(
        api.patch("/sobjects/Task/uuid__c/a+b", "{}").await.status,
        201
    );
    assert_eq!(api.get("/sobjects/Task/uuid__c/a%20b").await.status, 404);
    assert_eq!(api.get("/sobjects/Task/uuid__c/a%2Bb").await.status, 200);
    assert_eq!(emu.records("Task")[0]["uuid__c"], "a+b");
}

#[tokio::test]
async fn case_insensitive_field_matches_any_case() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let created = api.patch("/sobjects/Task/uuid__c/ABC123", "{}").await;
    assert_eq!(created.status, 201);
    let updated = api
        .patch("/sobjects/Task/uuid__c/abc123", r#"{"Subject":"x"}"#)
        .await;
    assert_eq!(updated.status, 200);
    assert_eq!(updated.json()["id"], created.json()["id"]);
    assert_eq!(api.get("/sobjects/Task/uuid__c/AbC123").await.status, 200);
    // The stored value keeps the case it was created with.
    assert_eq!(emu.records("Task")[0]["uuid__c"], "ABC123");
}

#[tokio::test]
async fn case_sensitive_field_keeps_abc_and_abc_apart() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let upper = api.patch("/sobjects/Task/Code__c/ABC", "{}").await;
    let lower = api.patch("/sobjects/Task/Code__c/abc", "{}").await;
    assert_eq!((upper.status.as_u16(), lower.status.as_u16()), (201, 201));
    assert_ne!(upper.json()["id"], lower.json()["id"]);
    let read = api.get("/sobjects/Task/Code__c/abc").await.json();
    assert_eq!(read["Id"], lower.json()["id"]);
    assert_eq!(api.get("/sobjects/Task/Code__c/Abc").await.status, 404);
    assert_eq!(
        emu.find_all_by_external_id("Task", "Code__c", "ABC").len(),
        1
    );
}

#[tokio::test]
async fn several_matches_answer_300_with_record_urls_and_write_nothing() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let a = api
        .post("/sobjects/Task", r#"{"BatchRef__c":"B-1","Subject":"one"}"#)
        .await
        .json()["id"]
        .clone();
    let b = api
        .post("/sobjects/Task", r#"{"BatchRef__c":"b-1","Subject":"two"}"#)
        .await
        .json()["id"]
        .clone();
    let urls = json!([
        format!("/services/data/v62.0/sobjects/Task/{}", a.as_str().unwrap()),
        format!("/services/data/v62.0/sobjects/Task/{}", b.as_str().unwrap()),
    ]);
    let upsert = api
        .patch("/sobjects/Task/BatchRef__c/B-1", r#"{"Subject":"three"}"#)
        .await;
    assert_eq!(upsert.status, 300, "{upsert:?}");
    assert_eq!(upsert.json(), urls);
    let read = api.get("/sobjects/Task/BatchRef__c/B-1").await;
    assert_eq!(read.status, 300);
    assert_eq!(read.json(), urls);
    let subjects: Vec<_> = emu
        .records("Task")
        .iter()
        .map(|r| r["Subject"].clone())
        .collect();
    assert_eq!(subjects, [json!("one"), json!("two")]);
    // One match of a non-unique external ID upserts normally.
    assert_eq!(
        api.patch("/sobjects/Task/BatchRef__c/B-2", "{}")
            .await
            .status,
        201
    );
    assert_eq!(
        api.patch("/sobjects/Task/BatchRef__c/B-2", "{}")
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn number_external_id_reads_back_as_double() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let created = api.patch("/sobjects/Task/LegacyNumber__c/123", "{}").await;
    assert_eq!(created.status, 201);
    let read = api
        .get("/sobjects/Task/LegacyNumber__c/123?fields=LegacyNumber__c")
        .await;
    assert!(
        read.text.contains(r#""LegacyNumber__c":123.0"#),
        "{}",
        read.text
    );
    // 123.0 and 123 are the same key.
    let again = api
        .patch("/sobjects/Task/LegacyNumber__c/123.0", "{}")
        .await;
    assert_eq!(
        (again.status.as_u16(), again.json()["id"].clone()),
        (200, created.json()["id"].clone())
    );
}

#[tokio::test]
async fn the_key_may_be_repeated_in_the_body_only_with_the_same_value() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let same = api
        .patch("/sobjects/Task/uuid__c/K9", r#"{"uuid__c":"k9"}"#)
        .await;
    assert_eq!(same.status, 201);
    let different = api
        .patch("/sobjects/Task/uuid__c/K9", r#"{"uuid__c":"other"}"#)
        .await;
    assert_eq!(different.status, 400);
    assert_eq!(different.code(), "INVALID_FIELD");
    assert_eq!(emu.records("Task")[0]["uuid__c"], "K9");
}
