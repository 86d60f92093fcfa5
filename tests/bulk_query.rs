//! Bulk API 2.0 query jobs against the embedded emulator: locator pagination, queryAll,
//! typed rows from CSV, and query errors.

mod support;

use futures::TryStreamExt;
use serde_json::json;
use sforce::{ErrorCode, SObject};
use support::{HANG, client, emulator, fast_poll, obj};

#[derive(Debug, Clone, PartialEq, SObject)]
#[sobject(name = "Task")]
struct Row {
    #[external_id]
    #[sobject(rename = "uuid__c")]
    uuid: String,
    call_duration_in_seconds: Option<i64>,
    #[sobject(rename = "isTransfer__c")]
    is_transfer: Option<bool>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_follow_the_locator_page_by_page() {
    let emu = emulator().await;
    let client = client(&emu);
    for i in 0..25 {
        emu.insert_record(
            "Task",
            obj(json!({"uuid__c": format!("Q-{i:02}"), "CallDurationInSeconds": i, "isTransfer__c": i % 2 == 0})),
        )
        .unwrap();
    }
    let rows: Vec<Row> = tokio::time::timeout(
        HANG,
        client
            .bulk()
            .query::<Row>(
                "SELECT uuid__c, CallDurationInSeconds, isTransfer__c FROM Task ORDER BY uuid__c",
            )
            .max_records(Some(10))
            .poll(fast_poll())
            .stream()
            .try_collect(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(rows.len(), 25);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.uuid, format!("Q-{i:02}"));
        assert_eq!(row.call_duration_in_seconds, Some(i as i64));
        assert_eq!(row.is_transfer, Some(i % 2 == 0));
    }
    let pages: Vec<_> = emu
        .request_log()
        .into_iter()
        .filter(|r| r.path.ends_with("/results"))
        .collect();
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(pages[0].query.as_deref().unwrap().contains("maxRecords=10"));
    assert!(!pages[0].query.as_deref().unwrap().contains("locator"));
    assert!(pages[1].query.as_deref().unwrap().contains("locator="));
    assert!(pages[2].query.as_deref().unwrap().contains("locator="));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_all_sees_deleted_rows_and_bad_soql_is_a_typed_error() {
    let emu = emulator().await;
    let client = client(&emu);
    let id = emu
        .insert_record("Task", obj(json!({"uuid__c": "GONE"})))
        .unwrap();
    emu.insert_record("Task", obj(json!({"uuid__c": "KEPT"})))
        .unwrap();
    client
        .delete("Task", &sforce::Id::new(id).unwrap())
        .await
        .unwrap();
    let live: Vec<_> = client
        .bulk()
        .query_raw("SELECT uuid__c FROM Task")
        .poll(fast_poll())
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(live, vec![obj(json!({"uuid__c": "KEPT"}))]);
    let all: Vec<_> = client
        .bulk()
        .query_raw("SELECT uuid__c, IsDeleted FROM Task ORDER BY uuid__c")
        .all(true)
        .poll(fast_poll())
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(all[0], obj(json!({"uuid__c": "GONE", "IsDeleted": "true"})));

    let err = client
        .bulk()
        .query_raw("SELECT Nope__c FROM Task")
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(&ErrorCode::InvalidField), "{err}");
}
