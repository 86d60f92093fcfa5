//! Explicit collection calls against the emulator over real HTTP: per-record results in input
//! order, chunking at 200 and at the size limit, duplicate keys, allOrNone, typed calls.
mod support;

use serde_json::{Map, Value, json};
use sforce::SObject;
use sforce::client::{CollectionOptions, Method, Subrequest, UpsertKey};
use sforce::error::{Error, ErrorCode};
use sforce::types::Id;
use support::{client, client_builder, emulator, obj, stored_task, windowed};

fn key(value: &str) -> UpsertKey {
    UpsertKey::new("Task", "uuid__c", value)
}

/// The records of every collection request the emulator received on `fragment`.
fn collection_bodies(emu: &sforce_emulator::Emulator, fragment: &str) -> Vec<Vec<Value>> {
    emu.request_log()
        .into_iter()
        .filter(|r| r.path.contains(fragment))
        .map(|r| {
            let body: Value = serde_json::from_str(&r.body).expect("JSON body");
            body["records"].as_array().cloned().unwrap_or_default()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upsert_all_routes_created_updated_and_rejected_to_their_positions() {
    let (emu, client) = windowed().await;
    client
        .upsert(&key("K1"), &json!({"Subject": "before"}))
        .await
        .unwrap();
    let too_long = "x".repeat(300);
    let input = vec![
        (key("K0"), obj(json!({"Subject": "new"}))),
        (key("k1"), obj(json!({"Subject": "updated"}))),
        (key("K2"), obj(json!({"Subject": too_long}))),
        (key("K3"), obj(json!({"NoSuchField__c": 1}))),
    ];
    let results = client
        .upsert_all(&input, &CollectionOptions::new())
        .await
        .unwrap();
    assert_eq!(results.len(), 4);
    let created = results[0].as_ref().unwrap();
    assert!(created.created());
    assert_eq!(
        created.id().as_str(),
        stored_task(&emu, "K0")["Id"].as_str().unwrap()
    );
    assert!(!results[1].as_ref().unwrap().created());
    let too_long = results[2].as_ref().unwrap_err();
    assert_eq!(too_long.api_code(), Some(&ErrorCode::StringTooLong));
    assert_eq!(too_long.status(), Some(400));
    assert_eq!(
        results[3].as_ref().unwrap_err().api_code(),
        Some(&ErrorCode::InvalidField)
    );
    assert_eq!(stored_task(&emu, "K1")["Subject"], "updated");
    assert_eq!(
        emu.request_count_matching("PATCH", "/composite/sobjects/Task/uuid__c"),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chunks_at_200_records_and_at_the_size_limit() {
    let emu = emulator().await;
    let client = client(&emu);
    let input: Vec<(UpsertKey, Map<String, Value>)> = (0..450)
        .map(|i| {
            (
                key(&format!("C{i:03}")),
                obj(json!({"Subject": format!("s{i}")})),
            )
        })
        .collect();
    let results = client
        .upsert_all(&input, &CollectionOptions::new())
        .await
        .unwrap();
    assert!(results.iter().all(Result::is_ok));
    let sizes: Vec<usize> = collection_bodies(&emu, "/composite/sobjects/Task/uuid__c")
        .iter()
        .map(Vec::len)
        .collect();
    assert_eq!(sizes, [200, 200, 50]);
    assert_eq!(emu.records("Task").len(), 450);
    // Results are in input order: each Id is the record of its own key.
    for (i, result) in results.iter().enumerate() {
        let stored = stored_task(&emu, &format!("C{i:03}"));
        assert_eq!(result.as_ref().unwrap().id().as_str(), stored["Id"]);
    }

    emu.clear_request_log();
    let big = "y".repeat(30_000);
    let input: Vec<(UpsertKey, Map<String, Value>)> = (0..10)
        .map(|i| (key(&format!("B{i}")), obj(json!({"Description": big}))))
        .collect();
    let options = CollectionOptions::new().max_request_bytes(100_000);
    let results = client.upsert_all(&input, &options).await.unwrap();
    assert!(results.iter().all(Result::is_ok));
    let log = emu.request_log();
    assert_eq!(log.len(), 4, "3 + 3 + 3 + 1 records of ~30 kB under 100 kB");
    assert!(log.iter().all(|r| r.body.len() <= 100_000));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_key_twice_is_merged_for_upsert_and_refused_for_update_and_delete() {
    let emu = emulator().await;
    let client = client(&emu);
    let input = vec![
        (
            key("Same"),
            obj(json!({"Subject": "first", "Status": "In Progress"})),
        ),
        (key("other"), obj(json!({"Subject": "x"}))),
        (
            key("SAME"),
            obj(json!({"Subject": "second", "Description": null})),
        ),
    ];
    let results = client
        .upsert_all(&input, &CollectionOptions::new())
        .await
        .unwrap();
    assert_eq!(
        results[0].as_ref().unwrap(),
        results[2].as_ref().unwrap(),
        "both positions get the merged record's result"
    );
    let bodies = collection_bodies(&emu, "/composite/sobjects/Task/uuid__c");
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0].len(), 2, "the key is sent once: {:?}", bodies[0]);
    let stored = stored_task(&emu, "same");
    assert_eq!(stored["Subject"], "second");
    assert_eq!(stored["Status"], "In Progress");

    let id = Id::new(stored["Id"].as_str().unwrap()).unwrap();
    emu.clear_request_log();
    let err = client
        .update_all(
            "Task",
            &[
                (id.clone(), json!({"Subject": "a"})),
                (id.clone(), json!({"Subject": "b"})),
            ],
            &CollectionOptions::new(),
        )
        .await
        .unwrap_err();
    match &err {
        Error::DuplicateKey {
            key, first, second, ..
        } => {
            assert_eq!(key, id.as_str());
            assert_eq!((*first, *second), (0, 1));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains(id.as_str()));
    let err = client
        .delete_all(&[id.clone(), id.clone()], &CollectionOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::DuplicateKey { .. }), "{err:?}");
    assert_eq!(emu.request_count(), 0, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_or_none_rolls_back_the_request() {
    let emu = emulator().await;
    let client = client(&emu);
    let records = vec![json!({"Name": "Good"}), json!({"Name": null})];
    let options = CollectionOptions::new().all_or_none(true);
    let results = client
        .create_all("Account", &records, &options)
        .await
        .unwrap();
    assert_eq!(
        results[0].as_ref().unwrap_err().api_code(),
        Some(&ErrorCode::AllOrNoneOperationRolledBack)
    );
    assert_eq!(
        results[1].as_ref().unwrap_err().api_code(),
        Some(&ErrorCode::RequiredFieldMissing)
    );
    assert!(emu.records("Account").is_empty());

    let results = client
        .create_all("Account", &records, &CollectionOptions::new())
        .await
        .unwrap();
    assert!(results[0].as_ref().unwrap().created());
    assert_eq!(emu.records("Account").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_retrieve_and_delete_by_id() {
    let emu = emulator().await;
    let client = client(&emu);
    let names: Vec<Value> = (0..250).map(|i| json!({"Name": format!("A{i}")})).collect();
    let created = client
        .create_all("Account", &names, &CollectionOptions::new())
        .await
        .unwrap();
    let ids: Vec<Id> = created
        .iter()
        .map(|r| r.as_ref().unwrap().id().clone())
        .collect();
    let updates: Vec<(Id, Value)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.clone(), json!({"Name": format!("B{i}")})))
        .collect();
    let updated = client
        .update_all("Account", &updates, &CollectionOptions::new())
        .await
        .unwrap();
    assert!(updated.iter().all(Result::is_ok));

    // 250 Ids: POST retrieve; a missing record reads as None.
    let mut wanted = ids.clone();
    wanted.push(Id::new("001000000000000AAA").unwrap());
    let read: Vec<Option<Map<String, Value>>> = client
        .retrieve_all("Account", &wanted, &["Name"])
        .await
        .unwrap();
    assert_eq!(read.len(), 251);
    assert_eq!(read[7].as_ref().unwrap()["Name"], "B7");
    assert!(read[250].is_none());
    assert_eq!(
        emu.request_count_matching("POST", "/composite/sobjects/Account"),
        1
    );
    let few: Vec<Option<Map<String, Value>>> = client
        .retrieve_all("Account", &ids[..3], &["Name"])
        .await
        .unwrap();
    assert_eq!(few[2].as_ref().unwrap()["Name"], "B2");
    assert_eq!(
        emu.request_count_matching("GET", "/composite/sobjects/Account"),
        1
    );

    let deleted = client
        .delete_all(&ids, &CollectionOptions::new())
        .await
        .unwrap();
    assert!(deleted.iter().all(Result::is_ok));
    assert!(emu.records("Account").is_empty());
    assert_eq!(
        emu.request_count_matching("DELETE", "/composite/sobjects"),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn below_api_46_upsert_all_falls_back_to_single_upserts() {
    let emu = emulator().await;
    let client = client_builder(&emu).api_version("45.0").build().unwrap();
    let input = vec![
        (key("Old1"), obj(json!({"Subject": "a"}))),
        (key("Old2"), obj(json!({"Subject": "b"}))),
    ];
    let results = client
        .upsert_all(&input, &CollectionOptions::new())
        .await
        .unwrap();
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(
        emu.request_count_matching("PATCH", "/sobjects/Task/uuid__c/Old"),
        2
    );
    assert_eq!(emu.request_count_matching("PATCH", "/composite/"), 0);
    let err = client
        .upsert_all(&input, &CollectionOptions::new().all_or_none(true))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
}

#[derive(Debug, Clone, PartialEq, SObject)]
#[sobject(name = "Task")]
struct CallLog {
    #[sobject(id)]
    id: Option<Id>,
    #[external_id]
    #[sobject(rename = "uuid__c")]
    uuid: String,
    subject: Option<String>,
    status: Option<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_records_and_patches() {
    let emu = emulator().await;
    let client = client(&emu);
    let calls: Vec<CallLog> = (0..3)
        .map(|i| CallLog {
            id: None,
            uuid: format!("T{i}"),
            subject: Some(format!("call {i}")),
            status: None,
        })
        .collect();
    let results = client
        .upsert_records(CallLog::FIELD.uuid, &calls, &CollectionOptions::new())
        .await
        .unwrap();
    assert!(results.iter().all(|r| r.as_ref().unwrap().created()));

    let done = CallLog::patch().set(CallLog::FIELD.status, "Completed");
    let patches = vec![("T0".to_owned(), done.clone()), ("T2".to_owned(), done)];
    let results = client
        .upsert_patches(CallLog::FIELD.uuid, patches, &CollectionOptions::new())
        .await
        .unwrap();
    assert!(results.iter().all(|r| !r.as_ref().unwrap().created()));

    let ids: Vec<Id> = ["T0", "T1", "T2"]
        .iter()
        .map(|k| Id::new(stored_task(&emu, k)["Id"].as_str().unwrap()).unwrap())
        .collect();
    let read = client.retrieve_records::<CallLog>(&ids).await.unwrap();
    let read: Vec<CallLog> = read.into_iter().map(Option::unwrap).collect();
    assert_eq!(read[0].status.as_deref(), Some("Completed"));
    assert_eq!(
        read[1].status.as_deref(),
        Some("Not Started"),
        "the default"
    );
    assert_eq!(read[1].subject.as_deref(), Some("call 1"));
    assert_eq!(read[2].id.as_ref(), Some(&ids[2]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn composite_runs_subrequests_with_references() {
    let emu = emulator().await;
    let client = client(&emu);
    let answers = client
        .composite(
            false,
            &[
                Subrequest::new(Method::POST, "sobjects/Account", "NewAccount")
                    .body(json!({"Name": "Acme"})),
                Subrequest::new(
                    Method::GET,
                    "sobjects/Account/@{NewAccount.id}?fields=Name",
                    "Read",
                ),
            ],
        )
        .await
        .unwrap();
    assert_eq!(answers[0].status, 201);
    assert_eq!(answers[1].body["Name"], "Acme");
    assert_eq!(emu.request_count(), 1);
    let too_many: Vec<Subrequest> = (0..26)
        .map(|i| Subrequest::new(Method::GET, "limits", format!("r{i}")))
        .collect();
    let err = client.composite(false, &too_many).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }));
}
