//! Issue 13's acceptance: code generated from a standard object's describe has typed upserts
//! on its `idLookup` fields, and code generated from a user's describe on its External ID
//! fields, and both work against the emulator.
//!
//! The module under `tests/fidelity_generated/` is generated from the emulator's shipped
//! `Contact` describe and from `tests/fidelity_fixtures/Account.json` (a user's Account with an
//! External ID custom field `Erp_Id__c`, replacing the shipped Account). It is checked in,
//! compiled here, and must be what the generator produces now (regenerate with
//! `SFORCE_BLESS=1 cargo test --test fidelity_codegen`).

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use sforce::sobject::SObject;
use sforce_codegen::{Generator, Options};
use sforce_emulator::Emulator;

#[path = "fidelity_generated/mod.rs"]
#[allow(dead_code, unused_imports)]
#[rustfmt::skip]
mod generated;

use generated::{Account, Contact};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn user_account_describe() -> PathBuf {
    root().join("tests/fidelity_fixtures/Account.json")
}

#[test]
fn generated_module_is_up_to_date() {
    let mut generator = Generator::new(Options::new());
    generator
        .add_file(root().join("sforce-emulator/describes/Contact.json"))
        .unwrap();
    generator.add_file(user_account_describe()).unwrap();
    let output = generator.generate().unwrap();
    let dir = root().join("tests/fidelity_generated");
    if std::env::var_os("SFORCE_BLESS").is_some() {
        output.write_to(&dir).unwrap();
    }
    for file in output.files() {
        let old = std::fs::read_to_string(dir.join(&file.path)).unwrap_or_default();
        assert!(
            old == file.contents,
            "tests/fidelity_generated/{} is out of date: rerun with SFORCE_BLESS=1",
            file.path.display()
        );
    }
}

async fn emulator() -> Emulator {
    Emulator::builder()
        .commit_latency(Duration::ZERO)
        .describe_file(user_account_describe())
        .start()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_generated_from_the_shipped_describe_upserts_by_email() {
    let emu = emulator().await;
    let client = support::client(&emu);
    let jane = Contact {
        last_name: "Doe".into(),
        email: Some("Jane.Doe@Example.com".into()),
        ..Contact::default()
    };
    let created = jane.upsert_by_email(&client).await.unwrap();
    assert!(created.created());

    // Email is case-insensitive: another spelling of the address is the same key.
    let again = Contact {
        last_name: "Doe".into(),
        first_name: Some("Jane".into()),
        email: Some("jane.doe@example.com".into()),
        ..Contact::default()
    };
    let updated = again.upsert(&client).await.unwrap();
    assert!(!updated.created());
    assert_eq!(updated.id(), created.id());
    assert_eq!(
        emu.request_count_matching("PATCH", "/sobjects/Contact/Email/"),
        2
    );

    let stored = emu.records("Contact");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["Name"], "Jane Doe");
    // Read back through the typed read on the same key.
    let read = Contact::get_by_email(&client, "JANE.DOE@EXAMPLE.COM")
        .await
        .unwrap();
    assert_eq!(read.id.as_ref(), Some(created.id()));
    assert_eq!(read.name.as_deref(), Some("Jane Doe"));
    assert_eq!(read.first_name.as_deref(), Some("Jane"));
    assert!(read.created_date.is_some() && read.system_modstamp.is_some());
    assert_eq!(read.is_deleted, Some(false));
    // The typed key field is declared with its case rule.
    assert!(!Contact::FIELD.email.is_case_sensitive());
    assert_eq!(Contact::API_NAME, "Contact");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_generated_from_a_user_describe_upserts_by_its_external_id() {
    let emu = emulator().await;
    let client = support::client(&emu);
    assert!(
        emu.describe("Account")
            .unwrap()
            .field("Erp_Id__c")
            .is_some(),
        "the user's describe replaces the shipped Account"
    );
    let acme = Account {
        name: "Acme".into(),
        erp_id: Some("ERP-001".into()),
        billing_city: Some("Paris".into()),
        ..Account::default()
    };
    let created = acme.upsert_by_erp_id(&client).await.unwrap();
    assert!(created.created());
    let renamed = Account {
        name: "Acme Corp".into(),
        erp_id: Some("erp-001".into()),
        ..Account::default()
    };
    let updated = renamed.upsert_by_erp_id(&client).await.unwrap();
    assert!(!updated.created());
    assert_eq!(updated.id(), created.id());
    // Name is idLookup on Account: it keys an upsert too.
    let by_name = Account {
        name: "Acme Corp".into(),
        billing_country: Some("France".into()),
        ..Account::default()
    };
    let outcome = by_name.upsert_by_name(&client).await.unwrap();
    assert_eq!(outcome.id(), created.id());

    let stored = emu.records("Account");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["Erp_Id__c"], "ERP-001");
    assert_eq!(stored[0]["Name"], "Acme Corp");
    assert_eq!(stored[0]["BillingAddress"]["city"], "Paris");
    assert_eq!(stored[0]["BillingAddress"]["country"], "France");
    assert_eq!(stored[0]["OwnerId"], "005000000000001AAA");
}
