//! Parent paths (single-target and polymorphic, several levels) and child subqueries.

use serde_json::json;

use super::common::Api;
use super::{column, fixture_emulator as emulator, insert, query, query_error};

fn url(sobject: &str, id: &str) -> String {
    format!("/services/data/v62.0/sobjects/{sobject}/{id}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polymorphic_parent_fields_nest_with_attributes_or_null() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let acme = insert(&emu, "Account", json!({"Name": "Acme"}));
    let linked = insert(&emu, "Task", json!({"Subject": "linked", "WhatId": acme}));
    insert(&emu, "Task", json!({"Subject": "alone"}));

    let body = query(
        &api,
        "SELECT Subject, What.Name, what.type, WHAT.Id, Id FROM Task ORDER BY Subject DESC",
    )
    .await;
    assert_eq!(
        body["records"][0],
        json!({
            "attributes": {"type": "Task", "url": url("Task", &linked)},
            "Subject": "linked",
            "What": {"attributes": {"type": "Account", "url": url("Account", &acme)},
                     "Name": "Acme", "Type": "Account", "Id": acme},
            "Id": linked,
        })
    );
    assert_eq!(body["records"][1]["What"], json!(null));
    // Filter and sort on parent fields.
    let body = query(&api, "SELECT Subject FROM Task WHERE What.Name = 'ACME'").await;
    assert_eq!(column(&body, "Subject"), [json!("linked")]);
    let body = query(
        &api,
        "SELECT Subject FROM Task WHERE What.Type != 'Account'",
    )
    .await;
    assert_eq!(column(&body, "Subject"), [json!("alone")]);
    let body = query(
        &api,
        "SELECT Subject FROM Task ORDER BY What.Name NULLS LAST",
    )
    .await;
    assert_eq!(column(&body, "Subject"), [json!("linked"), json!("alone")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parents_several_levels_up() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let acme = insert(
        &emu,
        "Account",
        json!({"Name": "Acme", "Industry": "Energy"}),
    );
    let inv = insert(
        &emu,
        "Invoice__c",
        json!({"Name": "INV-1", "Customer__c": acme}),
    );
    let orphan = insert(&emu, "Invoice__c", json!({"Name": "INV-2"}));
    let l1 = insert(
        &emu,
        "Line__c",
        json!({"Name": "L1", "Amount__c": 5, "Invoice__c": inv}),
    );
    insert(
        &emu,
        "Line__c",
        json!({"Name": "L2", "Amount__c": 7, "Invoice__c": orphan}),
    );
    insert(&emu, "Line__c", json!({"Name": "L3"}));

    let body = query(
        &api,
        "SELECT Name, invoice__r.Name, Invoice__r.Customer__r.Name, Invoice__r.Customer__r.Industry \
         FROM Line__c ORDER BY Name",
    )
    .await;
    assert_eq!(
        body["records"][0],
        json!({
            "attributes": {"type": "Line__c", "url": url("Line__c", &l1)},
            "Name": "L1",
            "Invoice__r": {
                "attributes": {"type": "Invoice__c", "url": url("Invoice__c", &inv)},
                "Name": "INV-1",
                "Customer__r": {
                    "attributes": {"type": "Account", "url": url("Account", &acme)},
                    "Name": "Acme", "Industry": "Energy",
                },
            },
        })
    );
    assert_eq!(
        body["records"][1]["Invoice__r"],
        json!({"attributes": {"type": "Invoice__c", "url": url("Invoice__c", &orphan)},
               "Name": "INV-2", "Customer__r": null})
    );
    assert_eq!(body["records"][2]["Invoice__r"], json!(null));
    let body = query(
        &api,
        "SELECT Name FROM Line__c WHERE Invoice__r.Customer__r.Industry = 'energy' OR Amount__c > 6",
    )
    .await;
    assert_eq!(column(&body, "Name"), [json!("L1"), json!("L2")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_subqueries_nest_results_or_null() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let acme = insert(&emu, "Account", json!({"Name": "Acme"}));
    let inv = insert(
        &emu,
        "Invoice__c",
        json!({"Name": "INV-1", "Customer__c": acme}),
    );
    insert(&emu, "Invoice__c", json!({"Name": "INV-2"}));
    let small = insert(
        &emu,
        "Line__c",
        json!({"Name": "small", "Amount__c": 5, "Invoice__c": inv}),
    );
    let big = insert(
        &emu,
        "Line__c",
        json!({"Name": "big", "Amount__c": 50, "Invoice__c": inv}),
    );
    insert(
        &emu,
        "Line__c",
        json!({"Name": "tiny", "Amount__c": 1, "Invoice__c": inv}),
    );

    let body = query(
        &api,
        "SELECT Name, (SELECT Name, Amount__c, Invoice__r.Name FROM lines__r WHERE Amount__c > 2 \
         ORDER BY Amount__c DESC) FROM Invoice__c ORDER BY Name",
    )
    .await;
    assert_eq!(body["totalSize"], 2);
    assert_eq!(
        body["records"][0]["Lines__r"],
        json!({"totalSize": 2, "done": true, "records": [
            {"attributes": {"type": "Line__c", "url": url("Line__c", &big)}, "Name": "big", "Amount__c": 50.0,
             "Invoice__r": {"attributes": {"type": "Invoice__c", "url": url("Invoice__c", &inv)}, "Name": "INV-1"}},
            {"attributes": {"type": "Line__c", "url": url("Line__c", &small)}, "Name": "small", "Amount__c": 5.0,
             "Invoice__r": {"attributes": {"type": "Invoice__c", "url": url("Invoice__c", &inv)}, "Name": "INV-1"}},
        ]})
    );
    assert_eq!(body["records"][1]["Lines__r"], json!(null));
    let keys: Vec<&String> = body["records"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["attributes", "Name", "Lines__r"]);

    // The built-in Account describe names its Tasks; LIMIT applies per parent.
    insert(&emu, "Task", json!({"Subject": "first", "WhatId": acme}));
    insert(&emu, "Task", json!({"Subject": "second", "WhatId": acme}));
    let body = query(
        &api,
        "SELECT Name, (SELECT Subject FROM Tasks ORDER BY Subject DESC LIMIT 1) FROM Account",
    )
    .await;
    let tasks = &body["records"][0]["Tasks"];
    assert_eq!(
        (tasks["totalSize"].clone(), tasks["done"].clone()),
        (json!(1), json!(true))
    );
    assert_eq!(tasks["records"][0]["Subject"], "second");

    // Child relationships are not fields, and fields are not child relationships.
    let (code, _) = query_error(&api, "SELECT Lines__r FROM Invoice__c").await;
    assert_eq!(code, "INVALID_FIELD");
    let (code, _) = query_error(
        &api,
        "SELECT Name, (SELECT Id FROM Customer__r) FROM Invoice__c",
    )
    .await;
    assert_eq!(code, "INVALID_TYPE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standard_objects_relate_through_their_shipped_describes() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let acme = insert(&emu, "Account", json!({"Name": "Acme"}));
    let ann = insert(
        &emu,
        "Contact",
        json!({"FirstName": "Ann", "LastName": "Lee", "AccountId": acme}),
    );
    insert(&emu, "Contact", json!({"LastName": "Solo"}));
    insert(
        &emu,
        "Task",
        json!({"Subject": "call Ann", "WhoId": ann, "WhatId": acme}),
    );

    // Single-target parents, two levels up, and the running user as every record's owner.
    let body = query(
        &api,
        "SELECT LastName, Account.Name, Account.Owner.Name, Owner.Username FROM Contact \
         ORDER BY LastName",
    )
    .await;
    let user = body["records"][0]["Owner"]["attributes"]["url"].clone();
    assert_eq!(
        body["records"][0],
        json!({
            "attributes": {"type": "Contact", "url": url("Contact", &ann)},
            "LastName": "Lee",
            "Account": {
                "attributes": {"type": "Account", "url": url("Account", &acme)},
                "Name": "Acme",
                "Owner": {"attributes": {"type": "User", "url": user}, "Name": "Emulator User"},
            },
            "Owner": {"attributes": {"type": "User", "url": user}, "Username": body["records"][0]["Owner"]["Username"]},
        })
    );
    assert!(
        user.as_str()
            .unwrap()
            .ends_with("/sobjects/User/005000000000001AAA")
    );
    assert_eq!(body["records"][1]["Account"], json!(null));

    // Polymorphic parents: Who is a Contact, Owner a User, both through the Name object.
    let body = query(
        &api,
        "SELECT Who.Name, Who.Type, Owner.Name, Owner.Type FROM Task",
    )
    .await;
    let task = &body["records"][0];
    assert_eq!(
        (task["Who"]["Name"].clone(), task["Who"]["Type"].clone()),
        (json!("Ann Lee"), json!("Contact"))
    );
    assert_eq!(
        (task["Owner"]["Name"].clone(), task["Owner"]["Type"].clone()),
        (json!("Emulator User"), json!("User"))
    );

    // Children of Account named in its describe.
    let body = query(
        &api,
        "SELECT Name, (SELECT LastName FROM Contacts), (SELECT Subject, Who.Name FROM Tasks) FROM Account",
    )
    .await;
    let account = &body["records"][0];
    assert_eq!(account["Contacts"]["totalSize"], 1);
    assert_eq!(account["Contacts"]["records"][0]["LastName"], "Lee");
    assert_eq!(account["Tasks"]["records"][0]["Who"]["Name"], "Ann Lee");
    let body = query(
        &api,
        "SELECT LastName FROM Contact WHERE Account.Name LIKE 'ac%'",
    )
    .await;
    assert_eq!(column(&body, "LastName"), [json!("Lee")]);
}
