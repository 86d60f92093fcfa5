//! Upsert by external ID over real HTTP against the embedded emulator: every status of the
//! upsert as Salesforce's REST API Developer Guide documents it ("Insert or Update (Upsert) a
//! Record Using an External ID"), the raw race, API-version differences, hostile values and key
//! matching.

mod support;

use std::time::Duration;

use serde_json::{Map, Value, json};
use sforce::client::{Client, UpsertKey};
use sforce::error::{Error, ErrorCode};
use sforce_emulator::Emulator;
use support::{client, client_builder, emulator, emulator_with_latency};

fn client_v(emu: &Emulator, version: &str) -> Client {
    client_builder(emu)
        .api_version(version)
        .build()
        .expect("client")
}

fn task_body(description: &str) -> Value {
    json!({"Subject": "Call", "Description": description, "CallType": "Outbound"})
}

#[tokio::test]
async fn upsert_created_201_then_updated_200_same_id() {
    let emu = emulator().await;
    let client = client(&emu);
    let key = UpsertKey::new("Task", "uuid__c", "a22ac4d6-e2c0-4e53-898d-ea1d0c807775");

    let first = client.upsert(&key, &task_body("first")).await.unwrap();
    assert!(first.created());
    assert_eq!(first.id().key_prefix(), "00T");
    assert_eq!(first.attempts(), 1);
    assert_eq!(first.merged_writes(), 1);

    let second = client.upsert(&key, &task_body("second")).await.unwrap();
    assert!(!second.created());
    assert_eq!(second.id(), first.id());

    let statuses: Vec<u16> = emu
        .request_log()
        .iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, vec![201, 200]);
    let stored = emu.record("Task", first.id().as_str()).unwrap();
    assert_eq!(stored["Description"], "second");
    assert_eq!(emu.records("Task").len(), 1);
}

#[tokio::test]
async fn upsert_v45_created_201_then_updated_204_same_id_via_one_lookup() {
    let emu = emulator().await;
    let client = client_v(&emu, "45.0");
    assert_eq!(client.api_version(), "45.0");
    let key = UpsertKey::new("Task", "uuid__c", "old-api-key");

    let first = client.upsert_raw(&key, &task_body("first")).await.unwrap();
    assert!(first.created());
    let second = client.upsert_raw(&key, &task_body("second")).await.unwrap();
    assert!(!second.created());
    assert_eq!(second.id(), first.id());

    let log: Vec<(String, u16)> = emu
        .request_log()
        .iter()
        .map(|r| (r.method.clone(), r.status))
        .collect();
    assert_eq!(
        log,
        vec![
            ("PATCH".to_owned(), 201),
            ("PATCH".to_owned(), 204),
            ("GET".to_owned(), 200),
        ],
        "a 204 is followed by exactly one GET by external ID"
    );
    let lookup = &emu.request_log()[2];
    assert!(
        lookup
            .path
            .contains("/services/data/v45.0/sobjects/Task/uuid__c/old-api-key")
    );
    assert_eq!(lookup.query.as_deref(), Some("fields=Id"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn raw_upsert_race_gives_one_created_and_one_duplicate_value() {
    let emu = emulator_with_latency(Duration::from_secs(1)).await;
    let client = client(&emu);
    let key = UpsertKey::new("Task", "uuid__c", "race-key-1");
    let (a, b) = tokio::join!(
        {
            let (client, key) = (client.clone(), key.clone());
            tokio::spawn(async move { client.upsert_raw(&key, &task_body("a")).await })
        },
        {
            let (client, key) = (client.clone(), key.clone());
            tokio::spawn(async move { client.upsert_raw(&key, &task_body("b")).await })
        },
    );
    let results = [a.unwrap(), b.unwrap()];
    let created: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    let failed: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(created.len(), 1, "{results:?}");
    assert_eq!(failed.len(), 1, "{results:?}");
    assert!(created[0].created());

    let err = failed[0];
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.api_code(), Some(&ErrorCode::DuplicateValue));
    let dup = err.duplicate_value().expect("parsed DUPLICATE_VALUE");
    assert_eq!(dup.field, "uuid__c");
    assert_eq!(dup.record_id.as_ref(), Some(created[0].id()));
    assert!(err.is_duplicate_on_field("uuid__c"));
    assert!(!err.is_duplicate_on_field("Code__c"));
    let context = err.context().unwrap();
    assert_eq!(context.method, sforce::client::Method::PATCH);
    assert_eq!(
        context.path,
        "/services/data/v62.0/sobjects/Task/uuid__c/race-key-1"
    );
    match err {
        Error::Api { errors, .. } => {
            assert_eq!(
                errors[0].message,
                format!(
                    "duplicate value found: uuid__c duplicates value on record with id: {}",
                    created[0].id()
                )
            );
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    assert_eq!(emu.records("Task").len(), 1);
}

#[tokio::test]
async fn upsert_multiple_matches_300_carries_ids_and_writes_nothing() {
    let emu = emulator().await;
    let mut ids = Vec::new();
    for subject in ["one", "two"] {
        let mut fields = Map::new();
        fields.insert("Subject".into(), json!(subject));
        fields.insert("BatchRef__c".into(), json!("BATCH-7"));
        ids.push(emu.insert_record("Task", fields).unwrap());
    }
    let client = client(&emu);
    let key = UpsertKey::new("Task", "BatchRef__c", "batch-7");
    let err = client
        .upsert(&key, &json!({"Subject": "changed"}))
        .await
        .unwrap_err();
    let Error::MultipleMatches { urls, ids: got, .. } = &err else {
        panic!("expected MultipleMatches, got {err:?}");
    };
    assert_eq!(urls.len(), 2);
    let mut got: Vec<String> = got.iter().map(|id| id.to_string()).collect();
    got.sort();
    ids.sort();
    assert_eq!(got, ids);
    assert_eq!(err.status(), Some(300));
    assert!(
        emu.records("Task")
            .iter()
            .all(|r| r["Subject"] != "changed"),
        "nothing written"
    );

    // Reading by that value is ambiguous the same way.
    let err = client
        .get_by_external_id::<Value>("Task", "BatchRef__c", "BATCH-7", &[])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::MultipleMatches { ref ids, .. } if ids.len() == 2));
}

#[tokio::test]
async fn upsert_unknown_external_id_field_is_404_not_found() {
    let emu = emulator().await;
    let client = client(&emu);
    let err = client
        .upsert(&UpsertKey::new("Account", "Namez", "x"), &json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.api_code(), Some(&ErrorCode::NotFound));
    assert!(err.is_not_found());
    assert_eq!(
        err.api_errors()[0].message,
        "Provided external ID field does not exist or is not accessible: Namez"
    );
    assert!(!err.is_content_rejection());
}

#[tokio::test]
async fn upsert_unknown_sobject_is_404_not_found() {
    let emu = emulator().await;
    let client = client(&emu);
    let err = client
        .upsert(&UpsertKey::new("Nope__c", "Key__c", "x"), &json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.api_code(), Some(&ErrorCode::NotFound));
    assert_eq!(
        err.api_errors()[0].message,
        "The requested resource does not exist"
    );
}

#[tokio::test]
async fn upsert_validation_failure_is_400_typed() {
    let emu = emulator().await;
    let client = client(&emu);
    let err = client
        .upsert(
            &UpsertKey::new("Task", "uuid__c", "bad-picklist"),
            &json!({"CallType": "Sideways"}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(
        err.api_code(),
        Some(&ErrorCode::InvalidOrNullForRestrictedPicklist)
    );
    assert_eq!(err.api_errors()[0].fields, vec!["CallType"]);
    assert!(err.is_content_rejection());
    assert!(emu.records("Task").is_empty());
}

#[tokio::test]
async fn update_only_upsert_without_match_is_not_found_and_with_match_updates() {
    let emu = emulator().await;
    let client = client(&emu);
    let key = UpsertKey::new("Task", "uuid__c", "update-only").update_only(true);
    let err = client.upsert(&key, &task_body("x")).await.unwrap_err();
    assert_eq!(err.api_code(), Some(&ErrorCode::NotFound));
    assert!(emu.records("Task").is_empty());
    assert_eq!(
        emu.request_log()[0].query.as_deref(),
        Some("updateOnly=true")
    );

    let created = client
        .upsert(&key.clone().update_only(false), &task_body("x"))
        .await
        .unwrap();
    let updated = client.upsert(&key, &task_body("y")).await.unwrap();
    assert_eq!(updated.id(), created.id());
    assert!(!updated.created());
}

/// Values that break naive URL building: each must be ONE path segment and round-trip.
const HOSTILE: &[&str] = &[
    "a/b",
    "100%",
    "%2F",
    "with space",
    "a+b",
    "what?x=1",
    "hash#tag",
    "ünïcödé",
    "日本語-😀",
    "all / % + ? # é together",
    "..x",
    "back\\slash",
];

#[tokio::test]
async fn hostile_external_ids_round_trip_upsert_then_read() {
    let emu = emulator().await;
    let client = client(&emu);
    let mut ids = Vec::new();
    for value in HOSTILE {
        let key = UpsertKey::new("Task", "uuid__c", *value);
        let outcome = client.upsert(&key, &task_body(value)).await.unwrap();
        assert!(outcome.created(), "{value:?}");
        let stored = emu
            .find_by_external_id("Task", "uuid__c", value)
            .unwrap_or_else(|| panic!("{value:?} not stored under its exact value"));
        assert_eq!(stored["uuid__c"], json!(value));
        let read: Map<String, Value> = client
            .get_by_external_id("Task", "uuid__c", value, &["Id", "uuid__c", "Description"])
            .await
            .unwrap();
        assert_eq!(read["Id"], json!(outcome.id().as_str()), "{value:?}");
        assert_eq!(read["uuid__c"], json!(value));
        assert_eq!(read["Description"], json!(value));
        // Upserting the same value again finds the same record.
        let again = client.upsert(&key, &task_body("again")).await.unwrap();
        assert_eq!(again.id(), outcome.id(), "{value:?}");
        assert!(!again.created());
        ids.push(outcome.id().clone());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), HOSTILE.len(), "every value is its own record");
    // Each value was sent as exactly one encoded segment.
    let plus = emu
        .request_log()
        .into_iter()
        .find(|r| r.method == "PATCH" && r.path.ends_with("/uuid__c/a%2Bb"));
    assert!(plus.is_some(), "`+` is sent as %2B");
}

#[tokio::test]
async fn case_insensitive_external_id_matches_any_case() {
    let emu = emulator().await;
    let client = client(&emu);
    let created = client
        .upsert(
            &UpsertKey::new("Task", "uuid__c", "ABC-123"),
            &task_body("x"),
        )
        .await
        .unwrap();
    let updated = client
        .upsert(
            &UpsertKey::new("Task", "uuid__c", "abc-123"),
            &task_body("y"),
        )
        .await
        .unwrap();
    assert!(created.created());
    assert!(!updated.created());
    assert_eq!(updated.id(), created.id());
    let read: Map<String, Value> = client
        .get_by_external_id("Task", "uuid__c", "aBc-123", &["Id"])
        .await
        .unwrap();
    assert_eq!(read["Id"], json!(created.id().as_str()));
    assert_eq!(emu.records("Task").len(), 1);
}

#[tokio::test]
async fn case_sensitive_external_id_keeps_abc_and_lowercase_apart() {
    let emu = emulator().await;
    let client = client(&emu);
    let upper = UpsertKey::new("Task", "Code__c", "ABC").case_sensitive(true);
    let lower = UpsertKey::new("Task", "Code__c", "abc").case_sensitive(true);
    assert_ne!(upper.normalized_value(), lower.normalized_value());
    let a = client.upsert(&upper, &task_body("upper")).await.unwrap();
    let b = client.upsert(&lower, &task_body("lower")).await.unwrap();
    assert!(a.created() && b.created());
    assert_ne!(a.id(), b.id());
    let read: Map<String, Value> = client
        .get_by_external_id("Task", "Code__c", "abc", &["Id", "Description"])
        .await
        .unwrap();
    assert_eq!(read["Id"], json!(b.id().as_str()));
    assert_eq!(read["Description"], "lower");
    let again = client.upsert(&upper, &task_body("upper 2")).await.unwrap();
    assert_eq!(again.id(), a.id());
    assert!(!again.created());
}

#[tokio::test]
async fn number_external_id_reads_back_as_a_double() {
    let emu = emulator().await;
    let client = client(&emu);
    let key = UpsertKey::new("Task", "LegacyNumber__c", "123");
    let created = client.upsert(&key, &task_body("n")).await.unwrap();
    let read: Map<String, Value> = client
        .get_by_external_id("Task", "LegacyNumber__c", "123", &["Id", "LegacyNumber__c"])
        .await
        .unwrap();
    assert_eq!(read["Id"], json!(created.id().as_str()));
    assert_eq!(read["LegacyNumber__c"], json!(123.0));
}

#[tokio::test]
async fn upsert_body_key_field_is_stripped_and_conflicts_are_refused_before_sending() {
    let emu = emulator().await;
    let client = client(&emu);
    let key = UpsertKey::new("Task", "uuid__c", "Strip-Me");
    client
        .upsert(
            &key,
            &json!({"uuid__c": "strip-me", "Subject": "s", "Id": null}),
        )
        .await
        .unwrap();
    let sent = &emu.request_log()[0].body;
    assert_eq!(sent, r#"{"Subject":"s"}"#);

    let before = emu.request_count();
    let err = client
        .upsert(&key, &json!({"uuid__c": "another"}))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    let err = client
        .upsert(&key, &json!({"Id": "00T000000000001EAA"}))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    let err = client.upsert(&key, &json!(["not", "an", "object"])).await;
    assert!(matches!(err, Err(Error::InvalidInput { .. })));
    for bad in [
        UpsertKey::new("Task", "uuid__c", ""),
        UpsertKey::new("Task", "uuid__c", ".."),
        UpsertKey::new("Task/../Account", "uuid__c", "x"),
        UpsertKey::new("Task", "uuid__c?x=1", "x"),
    ] {
        let err = client.upsert(&bad, &json!({})).await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput { .. }), "{bad}: {err:?}");
    }
    assert_eq!(emu.request_count(), before, "nothing was sent");
}
