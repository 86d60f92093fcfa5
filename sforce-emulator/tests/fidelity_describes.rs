//! Fidelity: describes. The emulator ships the standard objects integrations touch most with
//! their Object Reference metadata (idLookup, externalId, nillable, createable/updateable,
//! autoNumber, compound fields, relationships); users' describes replace them by name; the
//! global describe lists every key real orgs send; both describes answer `If-Modified-Since`.
mod common;

use common::Api;
use serde_json::Value;
use sforce_core::describe::{FieldType, SObjectDescribe};
use sforce_emulator::Emulator;
use time::OffsetDateTime;
use time::macros::format_description;

/// An HTTP date (`Wed, 03 Jul 2013 19:43:31 GMT`).
fn http_date(at: OffsetDateTime) -> String {
    at.format(format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    ))
    .unwrap()
}

async fn describe(api: &Api, name: &str) -> SObjectDescribe {
    let answer = api.get(&format!("/sobjects/{name}/describe")).await;
    assert_eq!(answer.status, 200, "{name}: {}", answer.text);
    serde_json::from_str(&answer.text).unwrap()
}

#[tokio::test]
async fn standard_objects_ship_with_object_reference_metadata() {
    let emu = Emulator::start().await.unwrap();
    let api = Api::new(&emu);

    let contact = describe(&api, "Contact").await;
    assert_eq!(contact.properties.key_prefix.as_deref(), Some("003"));
    let email = contact.field("Email").unwrap();
    assert_eq!(email.field_type, FieldType::Email);
    assert!(email.id_lookup && !email.external_id && email.nillable && !email.case_sensitive);
    let last = contact.field("LastName").unwrap();
    assert!(last.is_required_on_create());
    assert_eq!(last.compound_field_name.as_deref(), Some("Name"));
    let name = contact.field("Name").unwrap();
    assert!(!name.createable && !name.updateable && name.name_field);
    assert_eq!(
        contact
            .field("MailingCity")
            .unwrap()
            .compound_field_name
            .as_deref(),
        Some("MailingAddress")
    );
    assert_eq!(
        contact.field("MailingAddress").unwrap().field_type,
        FieldType::Address
    );
    let account_id = contact.field("AccountId").unwrap();
    assert_eq!(account_id.reference_to, ["Account"]);
    assert_eq!(account_id.relationship_name.as_deref(), Some("Account"));

    let case = describe(&api, "Case").await;
    let number = case.field("CaseNumber").unwrap();
    assert!(number.auto_number && number.id_lookup && !number.createable);
    let status = case.field("Status").unwrap();
    assert!(status.defaulted_on_create && !status.nillable);

    let account = describe(&api, "Account").await;
    assert!(account.field("Name").unwrap().id_lookup);
    let children: Vec<(&str, &str, Option<&str>)> = account
        .child_relationships
        .iter()
        .map(|c| {
            (
                c.child_sobject.as_str(),
                c.field.as_str(),
                c.relationship_name.as_deref(),
            )
        })
        .collect();
    for expected in [
        ("Contact", "AccountId", Some("Contacts")),
        ("Opportunity", "AccountId", Some("Opportunities")),
        ("Case", "AccountId", Some("Cases")),
    ] {
        assert!(children.contains(&expected), "{expected:?} in {children:?}");
    }

    let lead = describe(&api, "Lead").await;
    assert!(lead.field("Email").unwrap().id_lookup);
    assert!(lead.field("Company").unwrap().is_required_on_create());
    let opportunity = describe(&api, "Opportunity").await;
    assert!(
        opportunity
            .field("StageName")
            .unwrap()
            .is_required_on_create()
    );
    assert_eq!(opportunity.field("Amount").unwrap().scale, 2);
    let user = describe(&api, "User").await;
    assert!(user.field("Username").unwrap().id_lookup);
    let event = describe(&api, "Event").await;
    assert_eq!(event.field("WhatId").unwrap().reference_to.len(), 3);
    // The seed's Task keeps its custom fields.
    let task = describe(&api, "Task").await;
    assert!(task.field("uuid__c").unwrap().external_id);
    assert!(task.field("SystemModstamp").is_some());
}

#[tokio::test]
async fn a_users_describe_replaces_the_shipped_one() {
    let mut mine = SObjectDescribe::new("Contact");
    mine.properties.label = "Person".into();
    let emu = Emulator::builder().describe(mine).start().await.unwrap();
    let contact = describe(&Api::new(&emu), "Contact").await;
    assert_eq!(contact.properties.label, "Person");
    assert!(contact.fields.is_empty());
}

/// The keys of a global-describe entry, as real orgs send them.
const GLOBAL_KEYS: [&str; 28] = [
    "activateable",
    "associateEntityType",
    "associateParentEntity",
    "createable",
    "custom",
    "customSetting",
    "deepCloneable",
    "deletable",
    "deprecatedAndHidden",
    "feedEnabled",
    "hasSubtypes",
    "isInterface",
    "isSubtype",
    "keyPrefix",
    "label",
    "labelPlural",
    "layoutable",
    "mergeable",
    "mruEnabled",
    "name",
    "queryable",
    "replicateable",
    "retrieveable",
    "searchable",
    "triggerable",
    "undeletable",
    "updateable",
    "urls",
];

#[tokio::test]
async fn global_describe_entries_carry_every_key() {
    let mut custom = SObjectDescribe::new("Invoice__c");
    custom.properties.custom = true;
    let emu = Emulator::builder().describe(custom).start().await.unwrap();
    let api = Api::with_version(&emu, "58.0");
    let global = api.get("/sobjects").await.json();
    let entries = global["sobjects"].as_array().unwrap();
    assert_eq!(entries.len(), 9);
    for entry in entries {
        let keys: Vec<&str> = entry
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, GLOBAL_KEYS, "{}", entry["name"]);
        let name = entry["name"].as_str().unwrap();
        assert_eq!(
            entry["urls"]["sobject"],
            format!("/services/data/v58.0/sobjects/{name}")
        );
        assert_eq!(
            entry["urls"]["describe"],
            format!("/services/data/v58.0/sobjects/{name}/describe")
        );
    }
    let account = entries.iter().find(|e| e["name"] == "Account").unwrap();
    assert_eq!(account["retrieveable"], true);
    assert_eq!(account["searchable"], true);
    assert_eq!(account["layoutable"], true);
    assert_eq!(account["customSetting"], false);
    assert_eq!(account["activateable"], false);
    assert_eq!(account["associateEntityType"], Value::Null);
    assert_eq!(account["keyPrefix"], "001");
    // A user's describe answers with its own values.
    let invoice = entries.iter().find(|e| e["name"] == "Invoice__c").unwrap();
    assert_eq!(invoice["custom"], true);
    assert_eq!(invoice["retrieveable"], false);
    // `GET /sobjects/{S}` summarises the object with the same keys.
    let info = api.get("/sobjects/Account").await.json();
    let keys: Vec<&str> = info["objectDescribe"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, GLOBAL_KEYS);
}

#[tokio::test]
async fn describes_answer_304_when_unchanged_since_if_modified_since() {
    let emu = Emulator::start().await.unwrap();
    let api = Api::new(&emu);
    let later = http_date(OffsetDateTime::now_utc() + time::Duration::hours(1));
    let earlier = "Wed, 03 Jul 2013 19:43:31 GMT";
    for path in ["/sobjects", "/sobjects/Account/describe"] {
        let unchanged = api
            .request(reqwest::Method::GET, path, None)
            .header("If-Modified-Since", &later)
            .send()
            .await
            .unwrap();
        assert_eq!(unchanged.status(), 304, "{path}");
        assert_eq!(unchanged.text().await.unwrap(), "", "{path}: empty body");
        let changed = api
            .request(reqwest::Method::GET, path, None)
            .header("If-Modified-Since", earlier)
            .send()
            .await
            .unwrap();
        assert_eq!(changed.status(), 200, "{path}");
        assert!(changed.json::<Value>().await.unwrap().is_object());
    }
    // Without the header: the full answer.
    assert_eq!(api.get("/sobjects/Contact/describe").await.status, 200);
}
