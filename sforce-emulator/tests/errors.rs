//! Every error code the emulator emits, over real HTTP.
mod common;

use std::time::Duration;

use common::{Answer, Api, emulator};
use serde_json::json;

fn assert_error(answer: &Answer, status: u16, code: &str, message: &str, fields: Option<&[&str]>) {
    assert_eq!(answer.status.as_u16(), status, "{answer:?}");
    let mut expected = json!({"message": message, "errorCode": code});
    if let Some(fields) = fields {
        expected["fields"] = json!(fields);
    }
    assert_eq!(answer.json(), json!([expected]), "{answer:?}");
}

#[tokio::test]
async fn invalid_session_id_for_missing_wrong_and_revoked_tokens() {
    let emu = emulator().await;
    let url = format!("{}/services/data/v62.0/sobjects/Task/describe", emu.url());
    let none = reqwest::get(&url).await.unwrap();
    assert_eq!(none.status(), 401);
    let expected =
        json!([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]);
    assert_eq!(none.json::<serde_json::Value>().await.unwrap(), expected);

    let mut wrong = Api::new(&emu);
    wrong.token = "not-the-token".into();
    let answer = wrong.get("/sobjects/Task/describe").await;
    assert_error(
        &answer,
        401,
        "INVALID_SESSION_ID",
        "Session expired or invalid",
        None,
    );

    let api = Api::new(&emu);
    assert_eq!(api.get("/sobjects/Task/describe").await.status, 200);
    emu.accept_token("short-lived", Some(Duration::from_secs(3600)));
    let mut other = Api::new(&emu);
    other.token = "short-lived".into();
    assert_eq!(other.get("/limits").await.status, 200);
    emu.revoke_token(emu.token());
    assert_eq!(api.get("/sobjects/Task/describe").await.status, 401);
}

#[tokio::test]
async fn not_found_cases() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let missing = "The requested resource does not exist";
    assert_error(
        &api.patch("/sobjects/Nope__c/uuid__c/x", "{}").await,
        404,
        "NOT_FOUND",
        missing,
        None,
    );
    assert_error(
        &api.get("/sobjects/Nope__c/describe").await,
        404,
        "NOT_FOUND",
        missing,
        None,
    );
    assert_error(
        &api.post("/sobjects/Nope__c", "{}").await,
        404,
        "NOT_FOUND",
        missing,
        None,
    );
    assert_error(
        &api.patch("/sobjects/Task/Namez/x", "{}").await,
        404,
        "NOT_FOUND",
        "Provided external ID field does not exist or is not accessible: Namez",
        None,
    );
    // A field that exists but is not an external ID is not usable either.
    assert_error(
        &api.patch("/sobjects/Task/Subject/x", "{}").await,
        404,
        "NOT_FOUND",
        "Provided external ID field does not exist or is not accessible: Subject",
        None,
    );
    assert_error(
        &api.get("/sobjects/Task/uuid__c/nothing").await,
        404,
        "NOT_FOUND",
        missing,
        None,
    );
    assert_error(
        &api.get("/sobjects/Task/00T5g0000000099").await,
        404,
        "NOT_FOUND",
        missing,
        None,
    );
    assert_error(
        &api.get("/no/such/path").await,
        404,
        "NOT_FOUND",
        missing,
        None,
    );
    let future = Api::with_version(&emu, "99.0");
    assert_error(
        &future.get("/sobjects").await,
        404,
        "NOT_FOUND",
        missing,
        None,
    );
    // updateOnly never creates.
    let update_only = api
        .patch("/sobjects/Task/uuid__c/new-key?updateOnly=true", "{}")
        .await;
    assert_error(&update_only, 404, "NOT_FOUND", missing, None);
    assert!(emu.records("Task").is_empty());
}

#[tokio::test]
async fn unknown_field_is_invalid_field() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let answer = api.patch("/sobjects/Task/uuid__c/k", r#"{"foo":1}"#).await;
    assert_error(
        &answer,
        400,
        "INVALID_FIELD",
        "No such column 'foo' on sobject of type Task",
        Some(&[]),
    );
    let read = api.get("/sobjects/Task/uuid__c/k?fields=Subject,bar").await;
    assert_eq!(read.status, 404, "nothing was created by the failed upsert");
    assert!(emu.records("Task").is_empty());
}

#[tokio::test]
async fn unknown_field_in_a_read_field_list_is_invalid_field() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let id = api
        .post("/sobjects/Task", r#"{"Subject":"x"}"#)
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let read = api
        .get(&format!("/sobjects/Task/{id}?fields=Subject,bar"))
        .await;
    assert_error(
        &read,
        400,
        "INVALID_FIELD",
        "No such column 'bar' on sobject of type Task",
        Some(&[]),
    );
}

#[tokio::test]
async fn read_only_fields_are_invalid_field_for_insert_update() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let message = "Unable to create/update fields: IsClosed. Please check the security settings of \
                   this field and verify that it is read/write for your profile or permission set.";
    let create = api
        .patch("/sobjects/Task/uuid__c/k", r#"{"IsClosed":true}"#)
        .await;
    assert_error(
        &create,
        400,
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        message,
        Some(&["IsClosed"]),
    );
    let created = api
        .post("/sobjects/Task", r#"{"Subject":"x"}"#)
        .await
        .json();
    let id = created["id"].as_str().unwrap();
    let update = api
        .patch(
            &format!("/sobjects/Task/{id}"),
            r#"{"CreatedDate":"2020-01-01T00:00:00Z"}"#,
        )
        .await;
    assert_eq!(update.code(), "INVALID_FIELD_FOR_INSERT_UPDATE");
    assert_eq!(update.json()[0]["fields"], json!(["CreatedDate"]));
}

#[tokio::test]
async fn malformed_json_and_wrong_types_are_json_parser_error() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let malformed = api
        .patch("/sobjects/Task/uuid__c/k", r#"{"Subject": nope}"#)
        .await;
    assert_eq!(malformed.status, 400);
    assert_eq!(malformed.code(), "JSON_PARSER_ERROR");
    assert!(
        malformed.message().contains("[line:1, column:"),
        "{}",
        malformed.message()
    );
    let empty = api.post("/sobjects/Task", "").await;
    assert_eq!(empty.code(), "JSON_PARSER_ERROR");
    let array = api.post("/sobjects/Task", "[]").await;
    assert_error(
        &array,
        400,
        "JSON_PARSER_ERROR",
        "Cannot deserialize instance of Task from START_ARRAY value [line:1, column:1]",
        Some(&[]),
    );
    let wrong = api
        .patch("/sobjects/Task/uuid__c/k", r#"{"isTransfer__c":"maybe"}"#)
        .await;
    assert_error(
        &wrong,
        400,
        "JSON_PARSER_ERROR",
        "Cannot deserialize instance of boolean from VALUE_STRING value maybe or request may be \
         missing a required field at [line:1, column:18]",
        Some(&[]),
    );
    let list = api
        .patch("/sobjects/Task/uuid__c/k", r#"{"Subject":["a"]}"#)
        .await;
    assert_eq!(list.code(), "JSON_PARSER_ERROR");
    assert!(
        list.message()
            .starts_with("Cannot deserialize instance of combobox from START_ARRAY value")
    );
    let number = api
        .patch(
            "/sobjects/Task/uuid__c/k",
            r#"{"CallDurationInSeconds":"long"}"#,
        )
        .await;
    assert!(
        number
            .message()
            .starts_with("Cannot deserialize instance of int from VALUE_STRING value long")
    );
    let date = api
        .patch(
            "/sobjects/Task/uuid__c/k",
            r#"{"CallStarted__c":"yesterday"}"#,
        )
        .await;
    assert_eq!(date.code(), "JSON_PARSER_ERROR");
    assert!(emu.records("Task").is_empty());
}

#[tokio::test]
async fn over_length_text_is_string_too_long() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let long = "x".repeat(51);
    let body = json!({"AsteriskId__c": long}).to_string();
    let answer = api.patch("/sobjects/Task/uuid__c/k", &body).await;
    let message = format!("Asterisk Id: data value too large: {long} (max length=50)");
    assert_error(
        &answer,
        400,
        "STRING_TOO_LONG",
        &message,
        Some(&["AsteriskId__c"]),
    );
    // Exactly the limit is fine, counted in characters, not bytes.
    let ok = json!({"AsteriskId__c": "ü".repeat(50)}).to_string();
    assert_eq!(api.patch("/sobjects/Task/uuid__c/k", &ok).await.status, 201);
}

#[tokio::test]
async fn missing_required_field_on_create_only() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let answer = api
        .post("/sobjects/Account", r#"{"Website":"example.com"}"#)
        .await;
    assert_error(
        &answer,
        400,
        "REQUIRED_FIELD_MISSING",
        "Required fields are missing: [Name]",
        Some(&["Name"]),
    );
    let upsert = api
        .patch("/sobjects/Account/ExtId__c/A-1", r#"{"Phone":"1"}"#)
        .await;
    assert_eq!(upsert.code(), "REQUIRED_FIELD_MISSING");
    assert_eq!(
        api.patch("/sobjects/Account/ExtId__c/A-1", r#"{"Name":"A"}"#)
            .await
            .status,
        201
    );
    // An update need not repeat it, but cannot null it.
    assert_eq!(
        api.patch("/sobjects/Account/ExtId__c/A-1", r#"{"Phone":"1"}"#)
            .await
            .status,
        200
    );
    let nulled = api
        .patch("/sobjects/Account/ExtId__c/A-1", r#"{"Name":null}"#)
        .await;
    assert_eq!(nulled.code(), "REQUIRED_FIELD_MISSING");
}

#[tokio::test]
async fn restricted_picklist_rejects_unknown_values() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let answer = api
        .patch("/sobjects/Task/uuid__c/k", r#"{"Status":"Bogus"}"#)
        .await;
    assert_error(
        &answer,
        400,
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        "Status: bad value for restricted picklist field: Bogus",
        Some(&["Status"]),
    );
    // A combobox takes any text; an unrestricted picklist takes other values.
    assert_eq!(
        api.patch("/sobjects/Task/uuid__c/k", r#"{"Subject":"Anything"}"#)
            .await
            .status,
        201
    );
    let account = api
        .post("/sobjects/Account", r#"{"Name":"A","Industry":"Mining"}"#)
        .await;
    assert_eq!(account.status, 201);
}

#[tokio::test]
async fn malformed_ids_in_body_and_path() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let answer = api
        .patch("/sobjects/Task/uuid__c/k", r#"{"WhatId":"garbage"}"#)
        .await;
    assert_error(
        &answer,
        400,
        "MALFORMED_ID",
        "Related To ID: id value of incorrect type: garbage",
        Some(&["WhatId"]),
    );
    let account = api
        .post("/sobjects/Account", r#"{"Name":"A"}"#)
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let wrong_type = api.get(&format!("/sobjects/Task/{account}")).await;
    assert_error(
        &wrong_type,
        400,
        "MALFORMED_ID",
        &format!("Task ID: id value of incorrect type: {account}"),
        Some(&["Id"]),
    );
    // A path segment that is not Id-shaped reads as an external-ID field name.
    let not_an_id = api.get("/sobjects/Task/garbage").await;
    assert_eq!(not_an_id.status, 404);
    // A valid reference is stored as the 18-character Id.
    let linked = api
        .patch(
            "/sobjects/Task/uuid__c/k",
            &format!(r#"{{"WhatId":"{}"}}"#, &account[..15]),
        )
        .await;
    assert_eq!(linked.status, 201);
    assert_eq!(
        emu.find_by_external_id("Task", "uuid__c", "k").unwrap()["WhatId"],
        account.as_str()
    );
}

#[tokio::test]
async fn duplicate_value_on_create_and_update() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let first = api
        .post("/sobjects/Task", r#"{"uuid__c":"U1"}"#)
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = api.post("/sobjects/Task", r#"{"uuid__c":"u1"}"#).await;
    let message =
        format!("duplicate value found: uuid__c duplicates value on record with id: {first}");
    assert_error(&second, 400, "DUPLICATE_VALUE", &message, Some(&[]));
    let other = api
        .post("/sobjects/Task", r#"{"uuid__c":"U2"}"#)
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let clash = api
        .patch(&format!("/sobjects/Task/{other}"), r#"{"uuid__c":"U1"}"#)
        .await;
    assert_error(&clash, 400, "DUPLICATE_VALUE", &message, Some(&[]));
}

#[tokio::test]
async fn unsupported_method_is_method_not_allowed() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let answer = api
        .send(reqwest::Method::PUT, "/sobjects/Task/uuid__c/k", Some("{}"))
        .await;
    assert_eq!(answer.status, 405);
    assert_eq!(answer.code(), "METHOD_NOT_ALLOWED");
}
