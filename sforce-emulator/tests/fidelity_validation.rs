//! Fidelity: field validation, with Salesforce's codes, messages and `fields`: text length
//! (STRING_TOO_LONG), restricted picklists (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST), numbers
//! beyond precision and scale (NUMBER_OUTSIDE_VALID_RANGE; extra decimals are rounded), email
//! format (INVALID_EMAIL_ADDRESS), references (MALFORMED_ID, FIELD_INTEGRITY_EXCEPTION for an Id
//! of the wrong object, INVALID_CROSS_REFERENCE_KEY for an Id of no record), and field-level
//! security (INVALID_FIELD_FOR_INSERT_UPDATE). Nothing is stored when a check fails.
mod common;

use common::{Answer, Api, emulator};
use serde_json::json;

fn assert_error(answer: &Answer, code: &str, message: &str, field: &str) {
    assert_eq!(answer.status, 400, "{}", answer.text);
    assert_eq!(
        answer.json(),
        json!([{"message": message, "errorCode": code, "fields": [field]}])
    );
}

#[tokio::test]
async fn text_longer_than_the_field_is_string_too_long() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let long = "x".repeat(10_240);
    let answer = api
        .post("/sobjects/Contact", &json!({"LastName": long}).to_string())
        .await;
    assert_error(
        &answer,
        "STRING_TOO_LONG",
        &format!("Last Name: data value too large: {long} (max length=80)"),
        "LastName",
    );
    assert!(emu.records("Contact").is_empty());
}

#[tokio::test]
async fn restricted_picklists_reject_other_values() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let answer = api
        .post(
            "/sobjects/Event",
            r#"{"ShowAs":"Sometimes","DurationInMinutes":30}"#,
        )
        .await;
    assert_error(
        &answer,
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        "Show Time As: bad value for restricted picklist field: Sometimes",
        "ShowAs",
    );
    assert!(emu.records("Event").is_empty());
}

#[tokio::test]
async fn numbers_must_fit_precision_and_are_rounded_to_scale() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let base = json!({"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2026-12-01"});
    let mut too_big = base.clone();
    too_big["Amount"] = json!(1.0e17);
    let answer = api
        .post("/sobjects/Opportunity", &too_big.to_string())
        .await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.code(), "NUMBER_OUTSIDE_VALID_RANGE");
    assert!(
        answer
            .message()
            .starts_with("Amount: value outside of valid range on numeric field: "),
        "{}",
        answer.message()
    );
    let answer = api
        .post(
            "/sobjects/Account",
            r#"{"Name":"Big","NumberOfEmployees":100000000}"#,
        )
        .await;
    assert_error(
        &answer,
        "NUMBER_OUTSIDE_VALID_RANGE",
        "Employees: value outside of valid range on numeric field: 100000000",
        "NumberOfEmployees",
    );
    let mut fine = base.clone();
    fine["Amount"] = json!(1234.567);
    let id = api.create("Opportunity", &fine).await;
    assert_eq!(emu.record("Opportunity", &id).unwrap()["Amount"], 1234.57);
    assert_eq!(emu.records("Opportunity").len(), 1);
    assert!(emu.records("Account").is_empty());
}

#[tokio::test]
async fn email_fields_need_an_email_address() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let answer = api
        .post(
            "/sobjects/Contact",
            r#"{"LastName":"Doe","Email":"jane.doe.example.com"}"#,
        )
        .await;
    assert_error(
        &answer,
        "INVALID_EMAIL_ADDRESS",
        "Email: invalid email address: jane.doe.example.com",
        "Email",
    );
    api.create(
        "Contact",
        &json!({"LastName": "Doe", "Email": "jane.doe@example.com"}),
    )
    .await;
    assert_eq!(emu.records("Contact").len(), 1);
}

#[tokio::test]
async fn references_must_name_a_record_of_the_right_object() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let account = api.create("Account", &json!({"Name": "Acme"})).await;
    let contact = api.create("Contact", &json!({"LastName": "Doe"})).await;

    let malformed = api
        .post(
            "/sobjects/Contact",
            r#"{"LastName":"X","AccountId":"garbage"}"#,
        )
        .await;
    assert_error(
        &malformed,
        "MALFORMED_ID",
        "Account ID: id value of incorrect type: garbage",
        "AccountId",
    );
    let wrong_object = api
        .post(
            "/sobjects/Contact",
            &json!({"LastName": "X", "AccountId": contact}).to_string(),
        )
        .await;
    assert_error(
        &wrong_object,
        "FIELD_INTEGRITY_EXCEPTION",
        &format!("Account ID: id value of incorrect type: {contact}"),
        "AccountId",
    );
    // A well-formed Account Id of no record.
    let missing = api
        .post(
            "/sobjects/Contact",
            r#"{"LastName":"X","AccountId":"001000000000999AAA"}"#,
        )
        .await;
    assert_error(
        &missing,
        "INVALID_CROSS_REFERENCE_KEY",
        "invalid cross reference id",
        "AccountId",
    );
    // Polymorphic: WhatId takes an Account, not a Contact; OwnerId takes the running user.
    let task = api
        .post("/sobjects/Task", &json!({"WhatId": contact}).to_string())
        .await;
    assert_eq!(task.code(), "FIELD_INTEGRITY_EXCEPTION");
    api.create(
        "Task",
        &json!({"WhatId": account, "WhoId": contact, "OwnerId": "005000000000001AAA"}),
    )
    .await;
    // A deleted record is no longer a valid target.
    assert_eq!(
        api.delete(&format!("/sobjects/Account/{account}"))
            .await
            .status,
        204
    );
    let dangling = api
        .patch(
            &format!("/sobjects/Contact/{contact}"),
            &json!({"AccountId": account}).to_string(),
        )
        .await;
    assert_eq!(dangling.code(), "INVALID_CROSS_REFERENCE_KEY");
    assert_eq!(emu.records("Contact").len(), 1);
    assert_eq!(emu.records("Task").len(), 1);
}

#[tokio::test]
async fn fields_that_are_not_createable_or_updateable_are_refused() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let answer = api
        .post("/sobjects/Case", r#"{"CaseNumber":"00000042"}"#)
        .await;
    assert_eq!(answer.code(), "INVALID_FIELD_FOR_INSERT_UPDATE");
    assert_eq!(answer.json()[0]["fields"], json!(["CaseNumber"]));
    let answer = api
        .post(
            "/sobjects/Contact",
            r#"{"LastName":"Doe","SystemModstamp":"2020-01-01T00:00:00Z"}"#,
        )
        .await;
    assert_eq!(answer.code(), "INVALID_FIELD_FOR_INSERT_UPDATE");
    // Create-only: Lead.IsConverted can be set on create, not on update.
    let lead = api
        .create(
            "Lead",
            &json!({"LastName": "Roe", "Company": "Acme", "IsConverted": false}),
        )
        .await;
    let answer = api
        .patch(&format!("/sobjects/Lead/{lead}"), r#"{"IsConverted":true}"#)
        .await;
    assert_eq!(answer.code(), "INVALID_FIELD_FOR_INSERT_UPDATE");
    assert_eq!(answer.json()[0]["fields"], json!(["IsConverted"]));
    assert_eq!(emu.record("Lead", &lead).unwrap()["IsConverted"], false);
    assert!(emu.records("Case").is_empty());
}

#[tokio::test]
async fn collections_validate_each_record_the_same_way() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let contact = api.create("Contact", &json!({"LastName": "Doe"})).await;
    let body = json!({"allOrNone": false, "records": [
        {"attributes": {"type": "Contact"}, "LastName": "Ok", "Email": "ok@example.com"},
        {"attributes": {"type": "Contact"}, "LastName": "X", "Email": "nope"},
        {"attributes": {"type": "Contact"}, "LastName": "Y", "AccountId": contact},
    ]});
    let answer = api.post("/composite/sobjects", &body.to_string()).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let results = answer.json();
    assert_eq!(results[0]["success"], true);
    assert_eq!(
        results[1]["errors"][0]["statusCode"],
        "INVALID_EMAIL_ADDRESS"
    );
    assert_eq!(
        results[2]["errors"][0]["statusCode"],
        "FIELD_INTEGRITY_EXCEPTION"
    );
    assert_eq!(results[2]["errors"][0]["fields"], json!(["AccountId"]));
    assert_eq!(emu.records("Contact").len(), 2);
}
