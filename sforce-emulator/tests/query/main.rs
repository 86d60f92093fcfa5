//! SOQL over real HTTP: `/query`, `/queryAll` and locators, against the embedded emulator.

#[path = "../common/mod.rs"]
mod common;

mod basic;
mod dates;
mod errors;
mod literals;
mod pagination;
mod query_all;
mod relationships;

use common::{Answer, Api};
use reqwest::Method;
use serde_json::{Map, Value};
use sforce_emulator::Emulator;

/// `GET /<resource>?q=<soql>` (resource `query` or `queryAll`), with an optional
/// `Sforce-Query-Options: batchSize=N`.
pub async fn run(api: &Api, resource: &str, soql: &str, batch: Option<usize>) -> Answer {
    let mut req = api
        .request(Method::GET, &format!("/{resource}"), None)
        .query(&[("q", soql)]);
    if let Some(n) = batch {
        req = req.header("Sforce-Query-Options", format!("batchSize={n}"));
    }
    let resp = req.send().await.expect("request");
    Answer {
        status: resp.status(),
        headers: resp.headers().clone(),
        text: resp.text().await.expect("body"),
    }
}

/// `GET /query?q=<soql>`, expecting 200; the body.
pub async fn query(api: &Api, soql: &str) -> Value {
    let answer = run(api, "query", soql, None).await;
    assert_eq!(answer.status, 200, "{soql}: {}", answer.text);
    answer.json()
}

/// `GET /query?q=<soql>`, expecting a 400; (errorCode, message).
pub async fn query_error(api: &Api, soql: &str) -> (String, String) {
    let answer = run(api, "query", soql, None).await;
    assert_eq!(answer.status, 400, "{soql}: {}", answer.text);
    let body = answer.json();
    assert!(body[0].get("fields").is_none(), "{body}");
    (answer.code(), answer.message())
}

/// The values of `field` in a query answer's records.
pub fn column(body: &Value, field: &str) -> Vec<Value> {
    body["records"]
        .as_array()
        .unwrap_or_else(|| panic!("no records: {body}"))
        .iter()
        .map(|r| r[field].clone())
        .collect()
}

/// The built-in Task and Account plus `Invoice__c` (→ Account as `Customer__r`, children
/// `Lines__r`, multi-select `Tags__c`) and `Line__c` (→ Invoice__c as `Invoice__r`).
pub async fn fixture_emulator() -> Emulator {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/query/fixtures");
    Emulator::builder()
        .commit_latency(std::time::Duration::ZERO)
        .describe_file(format!("{fixtures}/Invoice__c.json"))
        .describe_file(format!("{fixtures}/Line__c.json"))
        .start()
        .await
        .unwrap()
}

/// Stores a record (test setup); its Id.
pub fn insert(emu: &Emulator, sobject: &str, fields: Value) -> String {
    let map: Map<String, Value> = fields.as_object().expect("an object").clone();
    emu.insert_record(sobject, map).expect("insert")
}
