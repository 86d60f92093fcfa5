//! Versions, describes, limits and the Sforce-Limit-Info header.
mod common;

use common::Api;
use sforce_core::describe::{FieldDescribe, FieldType, GlobalDescribe, SObjectDescribe};
use sforce_emulator::Emulator;

#[tokio::test]
async fn versions_list_needs_no_token_and_has_no_limit_header() {
    let emu = Emulator::start().await.unwrap();
    let resp = reqwest::get(format!("{}/services/data/", emu.url()))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers().get("sforce-limit-info").is_none());
    let list: Vec<serde_json::Value> = resp.json().await.unwrap();
    assert_eq!(list.first().unwrap()["version"], "20.0");
    let last = list.last().unwrap();
    assert_eq!(last["version"], "62.0");
    assert_eq!(last["url"], "/services/data/v62.0");
    assert_eq!(last["label"], "Winter '25");
    assert_eq!(emu.api_usage(), 0);
}

#[tokio::test]
async fn every_api_answer_carries_the_usage_and_limits_reports_it() {
    let emu = Emulator::start().await.unwrap();
    let api = Api::new(&emu);
    let first = api.get("/sobjects").await;
    assert_eq!(first.headers["sforce-limit-info"], "api-usage=1/15000");
    let missing = api.get("/sobjects/Nope/describe").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.headers["sforce-limit-info"], "api-usage=2/15000");
    let limits = api.get("/limits").await;
    assert_eq!(limits.headers["sforce-limit-info"], "api-usage=3/15000");
    let body = limits.json();
    assert_eq!(body["DailyApiRequests"]["Max"], 15000);
    assert_eq!(body["DailyApiRequests"]["Remaining"], 15000 - 3);
    assert_eq!(
        api.get("/").await.json()["sobjects"],
        "/services/data/v62.0/sobjects"
    );
}

#[tokio::test]
async fn describe_and_global_describe_parse_with_the_core_model() {
    let emu = Emulator::start().await.unwrap();
    let api = Api::new(&emu);
    let global: GlobalDescribe = serde_json::from_str(&api.get("/sobjects").await.text).unwrap();
    let names: Vec<&str> = global.sobjects.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Task",
            "Account",
            "Contact",
            "Lead",
            "Opportunity",
            "Case",
            "Event",
            "User"
        ]
    );
    assert_eq!(global.max_batch_size, 200);
    let task: SObjectDescribe =
        serde_json::from_str(&api.get("/sobjects/task/describe").await.text).unwrap();
    assert_eq!(task, emu.describe("Task").unwrap());
    let uuid = task.field("uuid__c").unwrap();
    assert!(uuid.unique && uuid.external_id && !uuid.case_sensitive);
    assert_eq!(
        task.field("CallType").unwrap().field_type,
        FieldType::Picklist
    );
    let info = api.get("/sobjects/Account").await.json();
    assert_eq!(info["objectDescribe"]["keyPrefix"], "001");
}

#[tokio::test]
async fn user_describes_from_code_and_files() {
    let mut invoice = SObjectDescribe::new("Invoice__c");
    invoice.properties.label = "Invoice".into();
    let mut number = FieldDescribe::new("Number__c", FieldType::String);
    number.external_id = true;
    number.unique = true;
    number.createable = true;
    number.updateable = true;
    number.nillable = true;
    number.length = 10;
    invoice.fields = vec![number];
    let dir = std::env::temp_dir().join(format!("sforce-emulator-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("Gadget__c.json");
    std::fs::write(
        &file,
        r#"{"name":"Gadget__c","label":"Gadget","keyPrefix":"a0G","custom":true,"futureKey":[1],
            "fields":[{"name":"Id","type":"id","length":18},
                      {"name":"Serial__c","type":"string","length":20,"externalId":true,"unique":true,
                       "createable":true,"updateable":true,"nillable":true},
                      {"name":"Shape__c","type":"hologram","createable":true,"nillable":true}]}"#,
    )
    .unwrap();
    let emu = Emulator::builder()
        .describe(invoice)
        .describe_file(&file)
        .start()
        .await
        .unwrap();
    let api = Api::new(&emu);
    let inv = api
        .patch("/sobjects/Invoice__c/Number__c/INV-1", "{}")
        .await;
    assert_eq!(inv.status, 201);
    assert_eq!(inv.json()["id"].as_str().unwrap().len(), 18);
    let gadget = api
        .post(
            "/sobjects/Gadget__c",
            r#"{"Serial__c":"S1","Shape__c":{"any":"thing"}}"#,
        )
        .await;
    assert_eq!(gadget.status, 201, "{gadget:?}");
    assert!(gadget.json()["id"].as_str().unwrap().starts_with("a0G"));
    let read = api.get("/sobjects/Gadget__c/Serial__c/S1").await.json();
    assert_eq!(read["Shape__c"]["any"], "thing");
    let describe = api.get("/sobjects/Gadget__c/describe").await.json();
    assert_eq!(describe["futureKey"], serde_json::json!([1]));
    assert_eq!(describe["fields"][2]["type"], "hologram");
    // Built-ins are still there.
    assert_eq!(api.get("/sobjects/Task/describe").await.status, 200);

    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{not json").unwrap();
    let err = Emulator::builder()
        .describe_file(&bad)
        .start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("bad.json"), "{err}");
    let err = Emulator::builder()
        .describe_file(dir.join("missing.json"))
        .start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("missing.json"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn without_builtins_only_user_objects_exist() {
    let emu = Emulator::builder()
        .without_builtin_describes()
        .describe(SObjectDescribe::new("Thing__c"))
        .start()
        .await
        .unwrap();
    let api = Api::new(&emu);
    assert_eq!(api.get("/sobjects/Task/describe").await.status, 404);
    assert_eq!(api.get("/sobjects/Thing__c/describe").await.status, 200);
}
