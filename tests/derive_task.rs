//! The seed's Task as a typed `#[derive(SObject)]` struct, against the embedded emulator:
//! concurrent typed upserts of a new key, partial updates, explicit nulls, typed reads.

mod support;

use serde_json::{Value, json};
use sforce::client::UpsertKey;
use sforce::emulator::Emulator;
use sforce::{Date, DateTime, Field, Id, SObject};
use support::windowed;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
enum CallType {
    Inbound,
    Internal,
    Outbound,
}

/// The call-log Task of the README (upserted by its `uuid__c` external ID), typed.
#[derive(Debug, Clone, PartialEq, Default, SObject)]
#[sobject(name = "Task")]
struct CallLog {
    #[sobject(id)]
    id: Option<Id>,
    #[external_id]
    #[sobject(rename = "uuid__c")]
    uuid: String,
    #[external_id(case_sensitive)]
    #[sobject(rename = "Code__c")]
    code: Option<String>,
    subject: Option<String>,
    description: Option<String>,
    status: Option<String>,
    call_type: Option<CallType>,
    call_duration_in_seconds: Option<i32>,
    activity_date: Option<Date>,
    #[sobject(rename = "isTransfer__c")]
    is_transfer: Option<bool>,
    #[sobject(rename = "AudioFile__c")]
    audio_file: Option<String>,
    #[sobject(rename = "CallStarted__c")]
    call_started: Option<DateTime>,
    #[sobject(rename = "CallHangup__c")]
    call_hangup: Option<DateTime>,
    #[sobject(read_only)]
    is_closed: Option<bool>,
    #[sobject(read_only)]
    created_date: Option<DateTime>,
    #[sobject(skip)]
    local_note: String,
}

/// The same Task seen through `Field<T>`: unchanged / null / set per field.
#[derive(Debug, Default, SObject)]
#[sobject(name = "Task")]
struct CallNote {
    #[external_id]
    #[sobject(rename = "uuid__c")]
    uuid: String,
    subject: Field<String>,
    description: Field<String>,
}

fn dt(text: &str) -> DateTime {
    text.parse().unwrap()
}

fn seed_call(uuid: &str) -> CallLog {
    CallLog {
        uuid: uuid.to_owned(),
        subject: Some("Call".into()),
        description: Some("Called C to discuss the reinstall.".into()),
        status: Some("Completed".into()),
        call_type: Some(CallType::Outbound),
        call_duration_in_seconds: Some(597),
        is_transfer: Some(false),
        audio_file: Some("outgoing/2017-10-31/03-10-59_ID-123.mp3".into()),
        call_started: Some(dt("2017-10-31T07:10:51Z")),
        call_hangup: Some(dt("2017-10-31T09:20:56.250+02:00")),
        ..CallLog::default()
    }
}

fn stored(emu: &Emulator, uuid: &str) -> serde_json::Map<String, Value> {
    let all = emu.find_all_by_external_id("Task", "uuid__c", uuid);
    assert_eq!(all.len(), 1, "exactly one record for {uuid}: {all:?}");
    all.into_iter().next().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_typed_upserts_of_a_new_key() {
    let (emu, client) = windowed().await;
    let uuid = "a22ac4d6-e2c0-4e53-898d-ea1d0c807775";
    // The telephony system: the call is created, and updated a moment later (within the
    // emulator's 200 ms commit window, where a plain client gets DUPLICATE_VALUE).
    let first = CallLog {
        status: Some("In Progress".into()),
        call_duration_in_seconds: None,
        call_hangup: None,
        ..seed_call(uuid)
    };
    let second = CallLog {
        subject: None,
        description: Some("Success call".into()),
        status: Some("Completed".into()),
        call_duration_in_seconds: Some(605),
        ..CallLog::default()
    };
    let second = CallLog {
        uuid: uuid.to_owned(),
        ..second
    };
    let (a, b) = tokio::join!(
        first.upsert_by_uuid(&client),
        second.upsert_by_uuid(&client)
    );
    let a = a.expect("first typed upsert succeeds");
    let b = b.expect("second typed upsert succeeds");
    assert_eq!(a.id(), b.id(), "both writes reach the same record");
    assert!(a.created() || b.created());

    let record = stored(&emu, uuid);
    assert_eq!(record["Description"], "Success call", "{record:?}");
    assert_eq!(record["Status"], "Completed");
    assert_eq!(record["CallDurationInSeconds"], 605);
    // A field only the first write set is kept (None in the second write = left unchanged).
    assert_eq!(record["Subject"], "Call");
    assert_eq!(record["CallType"], "Outbound");
    // A burst of N writes to a new key costs at most 2 requests.
    assert!(emu.request_count_matching("PATCH", uuid) <= 2);
    assert_eq!(emu.max_in_flight_per_key(), 1);

    // Control: the same two writes sent raw (no executor) do race in this emulator, so the
    // assertions above would catch a typed upsert that bypassed the executor.
    let raw_key = UpsertKey::new("Task", "uuid__c", "RAW-RACE-1");
    let raw_a = seed_call("RAW-RACE-1").to_write_body().unwrap();
    let raw_b = CallLog::patch().set(CallLog::FIELD.status, "Completed");
    let (ra, rb) = tokio::join!(
        client.upsert_raw(&raw_key, &raw_a),
        client.upsert_raw(&raw_key, &raw_b)
    );
    assert!(
        ra.is_err() || rb.is_err(),
        "raw concurrent upserts of a new key must race in the emulator"
    );

    // And with one more concurrent pair on another key, in the other order of fields.
    let other = "B-KEY-2";
    let (c, d) = tokio::join!(
        seed_call(other).upsert_by_uuid(&client),
        CallLog {
            uuid: other.into(),
            status: Some("Deferred".into()),
            ..CallLog::default()
        }
        .upsert_by_uuid(&client)
    );
    c.expect("third upsert");
    d.expect("fourth upsert");
    assert_eq!(stored(&emu, other)["Status"], "Deferred");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_update_changes_only_its_fields() {
    let (emu, client) = windowed().await;
    let created = seed_call("PARTIAL-1")
        .upsert_by_uuid(&client)
        .await
        .unwrap();
    let before = stored(&emu, "PARTIAL-1");

    CallLog::patch()
        .set(CallLog::FIELD.status, "Deferred")
        .set(CallLog::FIELD.call_duration_in_seconds, 42)
        .update(&client, created.id())
        .await
        .unwrap();

    let after = stored(&emu, "PARTIAL-1");
    assert_eq!(after["Status"], "Deferred");
    assert_eq!(after["CallDurationInSeconds"], 42);
    for (key, value) in &before {
        if !matches!(
            key.as_str(),
            "Status" | "CallDurationInSeconds" | "LastModifiedDate" | "SystemModstamp"
        ) {
            assert_eq!(after.get(key), Some(value), "{key} must be unchanged");
        }
    }

    // The same through the external ID key (coalesced upsert path).
    let outcome = CallLog::patch()
        .set(CallLog::FIELD.subject, "Follow-up")
        .upsert(&client, CallLog::FIELD.uuid, "partial-1") // case-insensitive key
        .await
        .unwrap();
    assert_eq!(outcome.id(), created.id());
    assert!(!outcome.created());
    let read = CallLog::get_by_id(&client, created.id()).await.unwrap();
    assert_eq!(read.subject.as_deref(), Some("Follow-up"));
    assert_eq!(read.status.as_deref(), Some("Deferred"));
    assert_eq!(read.description, seed_call("x").description);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explicit_null_clears_a_field() {
    let (emu, client) = windowed().await;
    let created = seed_call("NULL-1").upsert_by_uuid(&client).await.unwrap();

    // A patch: null clears, unmentioned fields stay.
    CallLog::patch()
        .null(CallLog::FIELD.audio_file)
        .update(&client, created.id())
        .await
        .unwrap();
    let record = stored(&emu, "NULL-1");
    assert!(
        record.get("AudioFile__c").is_none_or(Value::is_null),
        "{record:?}"
    );
    assert_eq!(record["Description"], "Called C to discuss the reinstall.");

    // A struct with Field<T>: Null is sent as null, Unchanged is not sent.
    let note = CallNote {
        uuid: "NULL-1".into(),
        subject: Field::Unchanged,
        description: Field::Null,
    };
    assert_eq!(
        Value::Object(note.to_write_body().unwrap()),
        json!({"uuid__c": "NULL-1", "Description": null})
    );
    note.upsert(&client).await.unwrap();
    let read = CallLog::get_by_uuid(&client, "NULL-1").await.unwrap();
    assert_eq!(read.description, None);
    assert_eq!(read.subject.as_deref(), Some("Call"));
    assert_eq!(read.audio_file, None);

    // Option::None, by contrast, leaves the field unchanged.
    CallLog {
        uuid: "NULL-1".into(),
        ..CallLog::default()
    }
    .upsert_by_uuid(&client)
    .await
    .unwrap();
    assert_eq!(stored(&emu, "NULL-1")["Subject"], "Call");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_reads_round_trip() {
    let (emu, client) = windowed().await;
    let mut call = seed_call("READ-1");
    call.code = Some("CaseSensitive-7".into());
    call.activity_date = Some("2017-10-31".parse().unwrap());
    // Read-only fields in the struct never reach the write body (the emulator rejects writes
    // to them with INVALID_FIELD_FOR_INSERT_UPDATE).
    call.is_closed = Some(true);
    call.created_date = Some(dt("2001-01-01T00:00:00Z"));
    call.local_note = "not mapped".into();
    let created = call.upsert_by_code(&client).await.unwrap();
    assert!(created.created());

    // The body sent: no Id, no read-only field, no skipped field, not the key field (it is in
    // the URL); the other external ID is written.
    let sent = emu
        .request_log()
        .into_iter()
        .rfind(|r| r.method == "PATCH" && r.path.contains("/Code__c/"))
        .expect("the upsert by Code__c was sent");
    let body: serde_json::Map<String, Value> = serde_json::from_str(&sent.body).unwrap();
    for absent in [
        "Id",
        "IsClosed",
        "CreatedDate",
        "Code__c",
        "local_note",
        "LocalNote",
    ] {
        assert!(!body.contains_key(absent), "{absent} in {body:?}");
    }
    assert_eq!(body["uuid__c"], "READ-1");
    assert_eq!(body["CallStarted__c"], "2017-10-31T07:10:51.000Z");
    assert_eq!(body["CallHangup__c"], "2017-10-31T09:20:56.250+02:00");
    assert_eq!(body["ActivityDate"], "2017-10-31");

    let stored = stored(&emu, "READ-1");
    assert_eq!(stored["CallStarted__c"], "2017-10-31T07:10:51.000+0000");
    assert_eq!(stored["CallHangup__c"], "2017-10-31T07:20:56.250+0000");

    let by_id = CallLog::get_by_id(&client, created.id()).await.unwrap();
    // The read selects exactly the struct's mapped fields.
    let read = emu.request_log().pop().unwrap();
    assert_eq!(read.method, "GET");
    let select: Vec<&str> = CallLog::FIELDS.iter().map(|f| f.api_name()).collect();
    let query = read.query.unwrap_or_default().replace("%2C", ",");
    assert_eq!(query, format!("fields={}", select.join(",")));
    let by_uuid = CallLog::get_by_uuid(&client, "read-1").await.unwrap();
    let by_code = CallLog::get_by_code(&client, "CaseSensitive-7")
        .await
        .unwrap();
    assert_eq!(by_id, by_uuid);
    assert_eq!(by_id, by_code);

    assert_eq!(by_id.id.as_ref(), Some(created.id()));
    assert_eq!(by_id.call_started, call.call_started);
    // The same instant, read back in Salesforce's `+0000` form.
    assert_eq!(by_id.call_hangup, call.call_hangup);
    assert_eq!(
        by_id.call_hangup.unwrap().to_string(),
        "2017-10-31T07:20:56.250Z"
    );
    assert_eq!(by_id.activity_date, call.activity_date);
    assert_eq!(by_id.call_type, Some(CallType::Outbound));
    assert_eq!(by_id.is_closed, Some(false), "server value, not ours");
    assert!(by_id.created_date.is_some());
    assert_ne!(by_id.created_date, call.created_date);
    assert_eq!(by_id.local_note, "");
    let expected = CallLog {
        id: Some(created.id().clone()),
        is_closed: by_id.is_closed,
        created_date: by_id.created_date,
        local_note: String::new(),
        ..call
    };
    assert_eq!(by_id, expected);

    // A missing key value is refused before any request.
    let before = emu.request_count();
    let err = CallLog {
        uuid: "READ-2".into(),
        ..CallLog::default()
    }
    .upsert_by_code(&client)
    .await
    .unwrap_err();
    assert!(err.to_string().contains("Code__c"), "{err}");
    assert_eq!(emu.request_count(), before);
}

#[test]
fn metadata_consts() {
    assert_eq!(CallLog::API_NAME, "Task");
    let names: Vec<_> = CallLog::FIELDS.iter().map(|f| f.api_name()).collect();
    assert_eq!(
        names,
        [
            "Id",
            "uuid__c",
            "Code__c",
            "Subject",
            "Description",
            "Status",
            "CallType",
            "CallDurationInSeconds",
            "ActivityDate",
            "isTransfer__c",
            "AudioFile__c",
            "CallStarted__c",
            "CallHangup__c",
            "IsClosed",
            "CreatedDate"
        ]
    );
    let writable: Vec<_> = CallLog::FIELDS
        .iter()
        .filter(|f| f.is_writable())
        .map(|f| f.rust_name())
        .collect();
    assert!(!writable.contains(&"id") && !writable.contains(&"created_date"));
    assert!(CallLog::field("UUID__C").unwrap().is_external_id());
    assert!(!CallLog::field("uuid__c").unwrap().is_case_sensitive());
    assert!(CallLog::field("Code__c").unwrap().is_case_sensitive());
}

#[test]
fn query_results_decode_through_record() {
    // `Record<S>` decodes any record JSON through the derive (e.g. the `records` of a query).
    let records: Vec<sforce::Record<CallLog>> = serde_json::from_value(json!([
        {"attributes": {"type": "Task"}, "Id": "00T000000000001EAA", "uuid__c": "Q1",
         "CallStarted__c": "2017-10-31T07:10:51.000+0000", "CallDurationInSeconds": 597.0},
        {"attributes": {"type": "Task"}, "Id": "00T000000000002EAA", "uuid__c": "Q2"}
    ]))
    .unwrap();
    assert_eq!(records[0].0.uuid, "Q1");
    assert_eq!(records[0].0.call_duration_in_seconds, Some(597));
    assert_eq!(records[0].0.call_started, Some(dt("2017-10-31T07:10:51Z")));
    assert_eq!(records[1].0.description, None);
    let err = serde_json::from_value::<sforce::Record<CallLog>>(json!({"uuid__c": 5})).unwrap_err();
    assert!(err.to_string().contains("Task.uuid__c"), "{err}");
}
