//! Fidelity: upsert keys. Salesforce upserts on `externalId` fields and, on standard objects,
//! on any field with the `idLookup` property (Contact and Lead `Email`, Account and Opportunity
//! `Name`, `CaseNumber`, User `Username`), matching by the field's `caseSensitive`. Other fields
//! answer 404. The key in the URL is validated like any stored value.
mod common;

use common::{Api, emulator, segment};
use serde_json::{Value, json};

#[tokio::test]
async fn contact_upserts_by_email_case_insensitively() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let path = |email: &str| format!("/sobjects/Contact/Email/{}", segment(email));

    let created = api
        .patch(&path("Jane.Doe@Example.com"), r#"{"LastName":"Doe"}"#)
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let body = created.json();
    assert_eq!(body["created"], true);
    let id = body["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("003"));

    let updated = api
        .patch(&path("jane.doe@example.COM"), r#"{"FirstName":"Jane"}"#)
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(
        updated.json(),
        json!({"id": id, "success": true, "errors": [], "created": false})
    );
    let records = emu.records("Contact");
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0]["Email"], "Jane.Doe@Example.com",
        "stored as first written"
    );
    assert_eq!(records[0]["Name"], "Jane Doe");

    // Read by the same key.
    let read = api.get(&path("JANE.DOE@EXAMPLE.COM")).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.json()["Id"], id.as_str());
}

#[tokio::test]
async fn name_keys_accounts_and_several_matches_answer_300() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let created = api
        .patch("/sobjects/Account/Name/Acme", r#"{"Site":"HQ"}"#)
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(emu.records("Account")[0]["Name"], "Acme");
    let again = api
        .patch("/sobjects/Account/Name/acme", r#"{"Site":"Branch"}"#)
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(emu.records("Account")[0]["Site"], "Branch");
    // Name is not unique: a second Acme makes the key ambiguous, and nothing is written.
    api.post("/sobjects/Account", r#"{"Name":"ACME"}"#).await;
    let ambiguous = api
        .patch("/sobjects/Account/Name/Acme", r#"{"Site":"Nowhere"}"#)
        .await;
    assert_eq!(ambiguous.status, 300);
    assert_eq!(ambiguous.json().as_array().unwrap().len(), 2);
    assert!(
        emu.records("Account")
            .iter()
            .all(|r| r.get("Site").and_then(Value::as_str) != Some("Nowhere"))
    );
}

#[tokio::test]
async fn auto_number_keys_match_but_never_create() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let id = api.post("/sobjects/Case", "{}").await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let updated = api
        .patch(
            "/sobjects/Case/CaseNumber/00001001",
            r#"{"Subject":"Found"}"#,
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.json()["id"], id.as_str());
    let create = api
        .patch("/sobjects/Case/CaseNumber/77777777", r#"{"Subject":"New"}"#)
        .await;
    assert_eq!(create.status, 400);
    assert_eq!(create.code(), "INVALID_FIELD_FOR_INSERT_UPDATE");
    assert_eq!(emu.records("Case").len(), 1);
}

#[tokio::test]
async fn fields_that_are_neither_external_id_nor_id_lookup_answer_404() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let answer = api
        .patch("/sobjects/Contact/Phone/5550100", r#"{"LastName":"Doe"}"#)
        .await;
    assert_eq!(answer.status, 404);
    assert_eq!(
        answer.json(),
        json!([{"message": "Provided external ID field does not exist or is not accessible: Phone",
                "errorCode": "NOT_FOUND"}])
    );
    assert!(emu.records("Contact").is_empty());
}

#[tokio::test]
async fn the_key_in_the_url_is_validated_like_a_stored_value() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    // A 10 kB key in a 255-character field.
    let long = "k".repeat(10_000);
    let answer = api
        .patch(
            &format!("/sobjects/Task/uuid__c/{long}"),
            r#"{"Subject":"x"}"#,
        )
        .await;
    assert_eq!(
        answer.status,
        400,
        "{}",
        &answer.text[..100.min(answer.text.len())]
    );
    assert_eq!(answer.code(), "STRING_TOO_LONG");
    assert!(answer.message().ends_with("(max length=255)"));
    assert!(emu.records("Task").is_empty());
    // An email key must be an email address.
    let answer = api
        .patch(
            "/sobjects/Contact/Email/not-an-email",
            r#"{"LastName":"Doe"}"#,
        )
        .await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.code(), "INVALID_EMAIL_ADDRESS");
    assert_eq!(answer.json()[0]["fields"], json!(["Email"]));
    assert!(emu.records("Contact").is_empty());
}
