//! sObject Collections over real HTTP: shapes, allOrNone, limits and the upsert race.
mod common;

use std::time::Duration;

use common::{Api, emulator, emulator_with_latency};
use serde_json::{Value, json};

fn task(key: &str, subject: &str) -> Value {
    json!({"attributes": {"type": "Task"}, "uuid__c": key, "Subject": subject})
}

fn batch(all_or_none: bool, records: Vec<Value>) -> String {
    json!({"allOrNone": all_or_none, "records": records}).to_string()
}

const UPSERT: &str = "/composite/sobjects/Task/uuid__c";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_reports_each_record_in_order_with_status_code_inside_errors() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let records = vec![
        json!({"attributes": {"type": "Account"}, "Name": "One"}),
        json!({"attributes": {"type": "Account"}, "Name": null}),
        json!({"attributes": {"type": "Task"}, "Subject": "call"}),
        json!({"Subject": "no type"}),
    ];
    let answer = api
        .post("/composite/sobjects", &batch(false, records))
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let results = answer.json();
    assert_eq!(results[0]["success"], true);
    assert!(results[0]["id"].as_str().unwrap().starts_with("001"));
    assert_eq!(results[0]["errors"], json!([]));
    assert_eq!(results[1]["success"], false);
    assert!(results[1].get("id").is_none(), "{results}");
    assert_eq!(
        results[1]["errors"][0]["statusCode"],
        "REQUIRED_FIELD_MISSING"
    );
    assert_eq!(results[1]["errors"][0]["fields"], json!(["Name"]));
    assert!(results[1]["errors"][0].get("errorCode").is_none());
    assert!(results[2]["id"].as_str().unwrap().starts_with("00T"));
    assert_eq!(results[3]["errors"][0]["statusCode"], "INVALID_TYPE");
    assert_eq!(emu.records("Account").len(), 1);
    assert_eq!(emu.records("Task").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_or_none_rolls_back_and_reports_the_others_rolled_back() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let records = vec![
        json!({"attributes": {"type": "Account"}, "Name": "One"}),
        json!({"attributes": {"type": "Account"}, "Name": "Two", "NoSuchField__c": 1}),
    ];
    let results = api
        .post("/composite/sobjects", &batch(true, records))
        .await
        .json();
    assert_eq!(results[0]["success"], false);
    assert_eq!(
        results[0]["errors"][0]["statusCode"],
        "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    );
    assert_eq!(results[1]["errors"][0]["statusCode"], "INVALID_FIELD");
    assert!(emu.records("Account").is_empty());

    // A failure found only at commit (the unique index) undoes what was already written.
    emu.insert_record(
        "Account",
        json!({"Name": "Taken", "ExtId__c": "TAKEN"})
            .as_object()
            .unwrap()
            .clone(),
    )
    .unwrap();
    let existing = emu.records("Account")[0]["Id"].as_str().unwrap().to_owned();
    let creates = vec![
        json!({"attributes": {"type": "Account"}, "Name": "Three", "ExtId__c": "NEW"}),
        json!({"attributes": {"type": "Account"}, "Name": "Four", "ExtId__c": "taken"}),
    ];
    let results = api
        .post("/composite/sobjects", &batch(true, creates))
        .await
        .json();
    assert_eq!(
        results[0]["errors"][0]["statusCode"],
        "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    );
    assert_eq!(results[1]["errors"][0]["statusCode"], "DUPLICATE_VALUE");
    assert_eq!(
        emu.records("Account").len(),
        1,
        "the created record is rolled back"
    );

    let update = vec![
        json!({"attributes": {"type": "Account"}, "id": existing, "Name": "Renamed"}),
        json!({"attributes": {"type": "Account"}, "id": "001000000000000AAA", "Name": "Gone"}),
    ];
    let results = api
        .send(
            reqwest::Method::PATCH,
            "/composite/sobjects",
            Some(&batch(true, update)),
        )
        .await
        .json();
    assert_eq!(
        results[0]["errors"][0]["statusCode"],
        "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    );
    assert_eq!(results[1]["errors"][0]["statusCode"], "ENTITY_IS_DELETED");
    assert_eq!(
        emu.records("Account")[0]["Name"],
        "Taken",
        "the update is rolled back"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upsert_mixes_created_updated_and_rejected_in_request_order() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let first = api
        .patch(UPSERT, &batch(false, vec![task("K1", "first")]))
        .await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(first.json()[0]["created"], true);
    let id = first.json()[0]["id"].as_str().unwrap().to_owned();

    let too_long = "x".repeat(300);
    let records = vec![
        task("K2", "new"),
        task("k1", "updated through another case"),
        task("K3", &too_long),
        json!({"attributes": {"type": "Task"}, "Subject": "no key"}),
    ];
    let results = api.patch(UPSERT, &batch(false, records)).await.json();
    assert_eq!(results[0]["created"], true);
    assert_eq!(results[1]["created"], false);
    assert_eq!(results[1]["id"], id);
    assert_eq!(results[2]["success"], false);
    assert_eq!(results[2]["errors"][0]["statusCode"], "STRING_TOO_LONG");
    assert_eq!(results[3]["errors"][0]["statusCode"], "MISSING_ARGUMENT");
    let k1 = emu.find_by_external_id("Task", "uuid__c", "K1").unwrap();
    assert_eq!(k1["Subject"], "updated through another case");
    assert!(emu.find_by_external_id("Task", "uuid__c", "K3").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_key_twice_fails_those_rows_only() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let records = vec![task("Dup", "a"), task("Other", "b"), task("dup", "c")];
    let results = api.patch(UPSERT, &batch(false, records)).await.json();
    for i in [0, 2] {
        assert_eq!(results[i]["success"], false);
        assert_eq!(results[i]["errors"][0]["statusCode"], "DUPLICATE_VALUE");
        assert_eq!(results[i]["errors"][0]["fields"], json!(["uuid__c"]));
    }
    assert_eq!(
        results[0]["errors"][0]["message"],
        "Duplicate external id specified: Dup"
    );
    assert_eq!(
        results[2]["errors"][0]["message"],
        "Duplicate external id specified: dup"
    );
    assert_eq!(results[1]["created"], true);
    assert_eq!(emu.records("Task").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_200_records_is_exceeded_id_limit_and_old_versions_are_404() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let records: Vec<Value> = (0..201).map(|i| task(&format!("K{i}"), "s")).collect();
    let answer = api.patch(UPSERT, &batch(false, records.clone())).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.code(), "EXCEEDED_ID_LIMIT");
    let answer = api
        .patch(UPSERT, &batch(false, records[..200].to_vec()))
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(emu.records("Task").len(), 200);

    let v45 = Api::with_version(&emu, "45.0");
    let answer = v45
        .patch(UPSERT, &batch(false, vec![task("Old", "s")]))
        .await;
    assert_eq!(answer.status, 404);
    let v41 = Api::with_version(&emu, "41.0");
    let answer = v41
        .post("/composite/sobjects", &batch(false, vec![task("Old", "s")]))
        .await;
    assert_eq!(answer.status, 404);
    let unknown_field = api
        .patch("/composite/sobjects/Task/Nope__c", &batch(false, vec![]))
        .await;
    assert_eq!(unknown_field.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_commit_window_race_holds_between_collections_and_single_upserts() {
    let emu = emulator_with_latency(Duration::from_millis(200)).await;
    let api = Api::new(&emu);
    // A collection and a single-record upsert of the same new key, inside one window.
    let body = batch(false, vec![task("Race", "c"), task("Calm", "c")]);
    let (collection, single) = tokio::join!(
        api.patch(UPSERT, &body),
        api.patch("/sobjects/Task/uuid__c/Race", r#"{"Subject":"s"}"#),
    );
    let collection = collection.json();
    let single_won = single.status == 201;
    let lost = if single_won {
        &collection[0]["errors"][0]
    } else {
        assert_eq!(single.code(), "DUPLICATE_VALUE");
        &Value::Null
    };
    if single_won {
        assert_eq!(lost["statusCode"], "DUPLICATE_VALUE");
        assert!(
            lost["message"]
                .as_str()
                .unwrap()
                .starts_with("duplicate value found: uuid__c duplicates value on record with id:")
        );
    }
    assert_eq!(
        collection[1]["created"], true,
        "the other record is unaffected"
    );
    assert_eq!(emu.max_in_flight_per_key(), 2);

    // Two collections racing on one new key: exactly one creates it.
    let (body_a, body_b) = (
        batch(false, vec![task("Both", "a")]),
        batch(false, vec![task("Both", "b")]),
    );
    let (a, b) = tokio::join!(api.patch(UPSERT, &body_a), api.patch(UPSERT, &body_b));
    let (a, b) = (a.json(), b.json());
    let created = [&a, &b].iter().filter(|r| r[0]["success"] == true).count();
    assert_eq!(created, 1, "{a} {b}");
    assert_eq!(
        emu.find_all_by_external_id("Task", "uuid__c", "Both").len(),
        1
    );

    // An allOrNone collection that loses the race rolls back its other records.
    let body = batch(true, vec![task("Fresh", "x"), task("Contested", "x")]);
    let (collection, _) = tokio::join!(
        api.patch(UPSERT, &body),
        api.patch("/sobjects/Task/uuid__c/Contested", r#"{"Subject":"s"}"#),
    );
    let collection = collection.json();
    if collection[1]["success"] == false {
        assert_eq!(collection[1]["errors"][0]["statusCode"], "DUPLICATE_VALUE");
        assert_eq!(
            collection[0]["errors"][0]["statusCode"],
            "ALL_OR_NONE_OPERATION_ROLLED_BACK"
        );
        assert!(
            emu.find_by_external_id("Task", "uuid__c", "Fresh")
                .is_none()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_delete_and_retrieve() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let created = api
        .post(
            "/composite/sobjects",
            &batch(
                false,
                vec![
                    json!({"attributes": {"type": "Account"}, "Name": "A"}),
                    json!({"attributes": {"type": "Account"}, "Name": "B"}),
                ],
            ),
        )
        .await
        .json();
    let a = created[0]["id"].as_str().unwrap().to_owned();
    let b = created[1]["id"].as_str().unwrap().to_owned();

    let update = batch(
        false,
        vec![
            json!({"attributes": {"type": "Account"}, "id": a, "Name": "A2"}),
            json!({"attributes": {"type": "Account"}, "id": "bad", "Name": "x"}),
        ],
    );
    let results = api
        .send(reqwest::Method::PATCH, "/composite/sobjects", Some(&update))
        .await
        .json();
    assert_eq!(results[0]["id"], a);
    assert_eq!(results[0]["success"], true);
    assert_eq!(results[1]["success"], false);

    let got = api
        .get(&format!(
            "/composite/sobjects/Account?ids={a},{b},001000000000000AAA&fields=Id,Name"
        ))
        .await
        .json();
    assert_eq!(got[0]["Name"], "A2");
    assert_eq!(got[0]["attributes"]["type"], "Account");
    assert_eq!(got[1]["Name"], "B");
    assert_eq!(got[2], Value::Null);
    let posted = api
        .post(
            "/composite/sobjects/Account",
            &json!({"ids": [b, a], "fields": ["Name"]}).to_string(),
        )
        .await
        .json();
    assert_eq!(posted[0]["Name"], "B");
    assert_eq!(posted[1]["Name"], "A2");
    let missing_fields = api
        .get(&format!("/composite/sobjects/Account?ids={a}"))
        .await;
    assert_eq!(missing_fields.status, 400);

    let deleted = api
        .delete(&format!("/composite/sobjects?ids={a},nope&allOrNone=false"))
        .await
        .json();
    assert_eq!(deleted[0]["id"], a);
    assert_eq!(deleted[0]["success"], true);
    assert_eq!(deleted[1]["errors"][0]["statusCode"], "MALFORMED_ID");
    let again = api
        .delete(&format!("/composite/sobjects?ids={a},{b}&allOrNone=true"))
        .await
        .json();
    assert_eq!(again[0]["errors"][0]["statusCode"], "ENTITY_IS_DELETED");
    assert_eq!(
        again[1]["errors"][0]["statusCode"],
        "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    );
    assert_eq!(
        emu.records("Account").len(),
        1,
        "B survives the rolled-back delete"
    );
}
