//! `queryAll`: deleted rows (the recycle bin) with `IsDeleted = true`, invisible elsewhere.

use reqwest::Method;
use serde_json::json;

use super::common::{Api, emulator};
use super::{column, insert, query, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_all_includes_deleted_rows_nothing_else_does() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let kept = insert(&emu, "Task", json!({"Subject": "kept", "uuid__c": "K-1"}));
    let gone = insert(&emu, "Task", json!({"Subject": "gone", "uuid__c": "K-2"}));
    assert_eq!(
        api.delete(&format!("/sobjects/Task/{gone}")).await.status,
        204
    );

    // Only queryAll sees the deleted row, flagged.
    let body = query(&api, "SELECT Id, Subject, IsDeleted FROM Task").await;
    assert_eq!(column(&body, "Id"), [json!(kept)]);
    assert_eq!(column(&body, "IsDeleted"), [json!(false)]);
    let all = run(
        &api,
        "queryAll",
        "SELECT Id, Subject, IsDeleted FROM Task",
        None,
    )
    .await;
    assert_eq!(all.status, 200);
    let all = all.json();
    assert_eq!(all["totalSize"], 2);
    assert_eq!(column(&all, "Id"), [json!(kept), json!(gone)]);
    assert_eq!(column(&all, "IsDeleted"), [json!(false), json!(true)]);
    let deleted = run(
        &api,
        "queryAll",
        "SELECT Subject FROM Task WHERE IsDeleted = true",
        None,
    )
    .await;
    assert_eq!(column(&deleted.json(), "Subject"), [json!("gone")]);
    let count = run(&api, "queryAll", "SELECT COUNT() FROM Task", None).await;
    assert_eq!(count.json()["totalSize"], 2);

    // Not by Id, not by external ID, not in the emulator's own view; its key is free again.
    assert_eq!(api.get(&format!("/sobjects/Task/{gone}")).await.status, 404);
    assert_eq!(api.get("/sobjects/Task/uuid__c/K-2").await.status, 404);
    assert_eq!(
        api.delete(&format!("/sobjects/Task/{gone}")).await.status,
        404
    );
    assert_eq!(emu.records("Task").len(), 1);
    assert_eq!(emu.deleted_records("Task").len(), 1);
    let upsert = api
        .send(
            Method::PATCH,
            "/sobjects/Task/uuid__c/K-2",
            Some(r#"{"Subject":"new"}"#),
        )
        .await;
    assert_eq!(upsert.status, 201, "{}", upsert.text);
    let all = run(
        &api,
        "queryAll",
        "SELECT Subject, IsDeleted FROM Task ORDER BY Subject",
        None,
    )
    .await;
    assert_eq!(
        column(&all.json(), "Subject"),
        [json!("gone"), json!("kept"), json!("new")]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_all_pages_through_its_own_locator() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let ids: Vec<String> = (0..450)
        .map(|i| insert(&emu, "Task", json!({"Subject": format!("S{i}")})))
        .collect();
    for id in ids.iter().step_by(3) {
        assert_eq!(
            api.delete(&format!("/sobjects/Task/{id}")).await.status,
            204
        );
    }
    let first = run(
        &api,
        "queryAll",
        "SELECT Id, IsDeleted FROM Task",
        Some(200),
    )
    .await
    .json();
    let next = first["nextRecordsUrl"].as_str().unwrap().to_owned();
    assert!(next.contains("/queryAll/"), "{next}");
    let mut seen = column(&first, "Id");
    let mut deleted = column(&first, "IsDeleted");
    let mut url = Some(next);
    while let Some(u) = url {
        let page = api.get(&u).await.json();
        seen.extend(column(&page, "Id"));
        deleted.extend(column(&page, "IsDeleted"));
        url = page["nextRecordsUrl"].as_str().map(str::to_owned);
    }
    assert_eq!(seen, ids.iter().map(|i| json!(i)).collect::<Vec<_>>());
    let flags: Vec<bool> = (0..450).map(|i| i % 3 == 0).collect();
    assert_eq!(deleted, flags.iter().map(|b| json!(b)).collect::<Vec<_>>());
    let live = run(&api, "query", "SELECT COUNT() FROM Task", None)
        .await
        .json();
    assert_eq!(live["totalSize"], 300);
}
