//! Fidelity: records. `sobjects/{S}/` with a trailing slash is served; a create fills what
//! Salesforce fills (system fields, auto numbers, defaults, compound fields built from their
//! components) and an update refreshes the modification stamps and compounds.
mod common;

use common::{Api, emulator};
use serde_json::{Value, json};
use sforce_core::describe::{FieldDescribe, FieldType, SObjectDescribe};
use sforce_emulator::Emulator;

/// The running user every token acts as.
const USER_ID: &str = "005000000000001AAA";

async fn read(api: &Api, sobject: &str, id: &str) -> Value {
    let answer = api.get(&format!("/sobjects/{sobject}/{id}")).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json()
}

fn is_timestamp(v: &Value) -> bool {
    // Salesforce's read form: 2012-07-12T17:49:01.000+0000
    v.as_str()
        .is_some_and(|s| s.len() == 28 && s.ends_with("+0000") && s.as_bytes()[10] == b'T')
}

#[tokio::test]
async fn trailing_slash_is_served_like_no_slash() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let created = api.post("/sobjects/Account/", r#"{"Name":"Slash"}"#).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(emu.records("Account").len(), 1);
    let read = api.get(&format!("/sobjects/Account/{id}/")).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.json()["Name"], "Slash");
    let updated = api
        .patch(&format!("/sobjects/Account/{id}/"), r#"{"Site":"HQ"}"#)
        .await;
    assert_eq!(updated.status, 204);
    assert_eq!(
        api.get("/sobjects/Account/describe/").await.json()["name"],
        "Account"
    );
    assert_eq!(api.get("/sobjects/Account/").await.status, 200);
    assert_eq!(
        api.delete(&format!("/sobjects/Account/{id}/")).await.status,
        204
    );
    assert!(emu.records("Account").is_empty());
}

#[tokio::test]
async fn a_record_created_with_only_required_fields_reads_back_filled() {
    let emu = emulator().await;
    let api = Api::new(&emu);

    // Case: nothing is required.
    let case_id = api.create("Case", &json!({})).await;
    let case = read(&api, "Case", &case_id).await;
    assert_eq!(case["CaseNumber"], "00001001", "auto number");
    assert_eq!(case["Status"], "New", "default picklist value");
    assert_eq!(case["Priority"], "Medium", "default picklist value");
    assert_eq!(case["IsEscalated"], false, "defaultValue");
    assert_eq!(case["IsDeleted"], false);
    for user_field in ["OwnerId", "CreatedById", "LastModifiedById"] {
        assert_eq!(case[user_field], USER_ID, "{user_field}");
    }
    for stamp in ["CreatedDate", "LastModifiedDate", "SystemModstamp"] {
        assert!(is_timestamp(&case[stamp]), "{stamp}: {}", case[stamp]);
    }
    assert_eq!(case["CreatedDate"], case["SystemModstamp"]);
    let second = api.create("Case", &json!({"Subject": "again"})).await;
    assert_eq!(read(&api, "Case", &second).await["CaseNumber"], "00001002");

    // Contact: LastName is required; Name is built from the name parts.
    let contact_id = api.create("Contact", &json!({"LastName": "Doe"})).await;
    let contact = read(&api, "Contact", &contact_id).await;
    assert_eq!(contact["Name"], "Doe");
    assert_eq!(contact["MailingAddress"], Value::Null, "no component set");
    assert_eq!(contact["HasOptedOutOfEmail"], false);
    assert_eq!(contact["OwnerId"], USER_ID);
    assert!(is_timestamp(&contact["SystemModstamp"]));

    // Lead: LastName and Company.
    let lead_id = api.create("Lead", &json!({"LastName": "Roe", "FirstName": "Rita", "Salutation": "Dr.", "Company": "Acme"}),
    )
    .await;
    let lead = read(&api, "Lead", &lead_id).await;
    assert_eq!(lead["Name"], "Rita Roe");
    assert_eq!(lead["Status"], "Open - Not Contacted");
    assert_eq!(lead["IsConverted"], false);
}

#[tokio::test]
async fn addresses_are_built_from_their_components_and_kept_current() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let id = api
        .create(
            "Account",
            &json!({"Name": "Acme", "BillingCity": "Paris", "BillingCountry": "France",
               "BillingLatitude": 48.8566}),
        )
        .await;
    let account = read(&api, "Account", &id).await;
    assert_eq!(
        account["BillingAddress"],
        json!({"city": "Paris", "country": "France", "geocodeAccuracy": null,
               "latitude": 48.8566, "longitude": null, "postalCode": null, "state": null,
               "street": null})
    );
    assert_eq!(account["ShippingAddress"], Value::Null);
    let keys: Vec<&String> = account["BillingAddress"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        keys, sorted,
        "keys in alphabetical order, as Salesforce sends them"
    );

    let created = account["CreatedDate"].clone();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let answer = api
        .patch(
            &format!("/sobjects/Account/{id}"),
            r#"{"BillingStreet":"1 Rue de Rivoli","BillingCity":null}"#,
        )
        .await;
    assert_eq!(answer.status, 204, "{}", answer.text);
    let account = read(&api, "Account", &id).await;
    assert_eq!(account["BillingAddress"]["street"], "1 Rue de Rivoli");
    assert_eq!(account["BillingAddress"]["city"], Value::Null);
    assert_eq!(account["CreatedDate"], created, "create stamp kept");
    assert_ne!(
        account["SystemModstamp"], created,
        "modification stamp moved"
    );
    assert_eq!(account["LastModifiedDate"], account["SystemModstamp"]);

    // The person name follows its parts too.
    let contact = api.create("Contact", &json!({"LastName": "Doe"})).await;
    api.patch(
        &format!("/sobjects/Contact/{contact}"),
        r#"{"FirstName":"Jane"}"#,
    )
    .await;
    assert_eq!(read(&api, "Contact", &contact).await["Name"], "Jane Doe");
    // And the stored record (what queries see) holds them as well.
    assert_eq!(emu.record("Contact", &contact).unwrap()["Name"], "Jane Doe");
}

#[tokio::test]
async fn geolocations_and_describe_defaults_of_a_users_object() {
    let mut site = SObjectDescribe::new("Site__c");
    site.properties.custom = true;
    let mut name = FieldDescribe::new("Name", FieldType::String);
    name.createable = true;
    name.updateable = true;
    name.length = 80;
    let mut lat = FieldDescribe::new("Loc__Latitude__s", FieldType::Double);
    lat.createable = true;
    lat.updateable = true;
    lat.nillable = true;
    lat.precision = 18;
    lat.scale = 15;
    lat.compound_field_name = Some("Loc__c".into());
    let mut lon = lat.clone();
    lon.name = "Loc__Longitude__s".into();
    let loc = FieldDescribe::new("Loc__c", FieldType::Location);
    let mut active = FieldDescribe::new("Active__c", FieldType::Boolean);
    active.createable = true;
    active.updateable = true;
    active.defaulted_on_create = true;
    active.default_value = Some(json!(true));
    let mut tier = FieldDescribe::new("Tier__c", FieldType::Picklist);
    tier.createable = true;
    tier.updateable = true;
    tier.nillable = true;
    tier.length = 40;
    let mut gold = sforce_core::describe::PicklistEntry::new("Gold");
    gold.default_value = true;
    tier.picklist_values = vec![sforce_core::describe::PicklistEntry::new("Silver"), gold];
    site.fields = vec![
        FieldDescribe::new("Id", FieldType::Id),
        name,
        lat,
        lon,
        loc,
        active,
        tier,
    ];
    let emu = Emulator::builder()
        .commit_latency(std::time::Duration::ZERO)
        .describe(site)
        .start()
        .await
        .unwrap();
    let api = Api::new(&emu);
    let id = api
        .create(
            "Site__c",
            &json!({"Name": "Tower", "Loc__Latitude__s": 48.8584, "Loc__Longitude__s": 2.2945}),
        )
        .await;
    let site = read(&api, "Site__c", &id).await;
    assert_eq!(
        site["Loc__c"],
        json!({"latitude": 48.8584, "longitude": 2.2945})
    );
    assert_eq!(site["Active__c"], true, "the describe's defaultValue");
    assert_eq!(site["Tier__c"], "Gold", "the default picklist value");
    let off = api
        .create("Site__c", &json!({"Name": "Off", "Active__c": false}))
        .await;
    assert_eq!(
        read(&api, "Site__c", &off).await["Active__c"],
        false,
        "given wins"
    );
}
