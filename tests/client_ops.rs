//! Record operations, describe, raw requests, `Sforce-Limit-Info`, and session refresh after a
//! 401 — over real HTTP against the emulator.

mod support;

use serde::Deserialize;
use serde_json::{Map, Value, json};
use sforce::Id;
use sforce::auth::RefreshToken;
use sforce::client::{Client, Method};
use sforce::describe::FieldType;
use sforce::emulator::oauth::{DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN};
use sforce::error::ErrorCode;
use sforce_emulator::{Emulator, Failure};
use support::{client, emulator};

#[derive(Debug, Deserialize)]
struct AccountRow {
    #[serde(rename = "Id")]
    id: Id,
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Website", default)]
    website: Option<String>,
}

#[tokio::test]
async fn create_get_update_delete_round_trip() {
    let emu = emulator().await;
    let client = client(&emu);
    let created = client
        .create(
            "Account",
            &json!({"Name": "Acme", "Website": "https://acme.example"}),
        )
        .await
        .unwrap();
    assert_eq!(created.id().key_prefix(), "001");
    assert!(emu.record("Account", created.id().as_str()).is_some());

    let row: AccountRow = client
        .get("Account", created.id(), &["Id", "Name", "Website"])
        .await
        .unwrap();
    assert_eq!(&row.id, created.id());
    assert_eq!(row.name, "Acme");
    assert_eq!(row.website.as_deref(), Some("https://acme.example"));
    let raw: Map<String, Value> = client
        .get("Account", created.id(), &["Name"])
        .await
        .unwrap();
    assert_eq!(raw["attributes"]["type"], "Account");
    assert!(
        !raw.contains_key("Website"),
        "only the requested fields: {raw:?}"
    );
    assert_eq!(
        emu.request_log().last().unwrap().query.as_deref(),
        Some("fields=Name")
    );

    client
        .update(
            "Account",
            created.id(),
            &json!({"Name": "Acme Corp", "Website": null}),
        )
        .await
        .unwrap();
    let row: AccountRow = client.get("Account", created.id(), &[]).await.unwrap();
    assert_eq!(row.name, "Acme Corp");
    assert_eq!(row.website, None);
    assert_eq!(
        emu.request_log()
            .iter()
            .filter(|r| r.method == "PATCH")
            .map(|r| r.status)
            .collect::<Vec<_>>(),
        vec![204]
    );

    client.delete("Account", created.id()).await.unwrap();
    assert!(emu.record("Account", created.id().as_str()).is_none());
    let err = client
        .get::<Value>("Account", created.id(), &[])
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(&ErrorCode::NotFound));
    let err = client.delete("Account", created.id()).await.unwrap_err();
    assert_eq!(err.api_code(), Some(&ErrorCode::NotFound));
}

#[tokio::test]
async fn get_by_external_id_with_a_field_list() {
    let emu = emulator().await;
    let client = client(&emu);
    let created = client
        .create("Account", &json!({"Name": "Ext", "ExtId__c": "EXT-1"}))
        .await
        .unwrap();
    let row: AccountRow = client
        .get_by_external_id("Account", "ExtId__c", "ext-1", &["Id", "Name"])
        .await
        .unwrap();
    assert_eq!(&row.id, created.id());
    assert_eq!(row.name, "Ext");
}

#[tokio::test]
async fn describe_and_describe_global() {
    let emu = emulator().await;
    let client = client(&emu);
    let task = client.describe("Task").await.unwrap();
    assert_eq!(task.name, "Task");
    assert_eq!(task.properties.key_prefix.as_deref(), Some("00T"));
    let uuid = task.field("uuid__c").unwrap();
    assert!(uuid.external_id && uuid.unique && !uuid.case_sensitive);
    assert_eq!(
        task.field("CallType").unwrap().field_type,
        FieldType::Picklist
    );
    assert!(task.field("Code__c").unwrap().case_sensitive);

    let global = client.describe_global().await.unwrap();
    let names: Vec<&str> = global.sobjects.iter().map(|s| s.name.as_str()).collect();
    assert!(
        names.contains(&"Task") && names.contains(&"Account"),
        "{names:?}"
    );
}

#[tokio::test]
async fn raw_requests_relative_absolute_and_with_query() {
    let emu = emulator().await;
    let client = client(&emu);
    let limits: Value = client
        .request(Method::GET, "limits")
        .send()
        .await
        .unwrap()
        .json()
        .unwrap();
    assert!(
        limits["DailyApiRequests"]["Max"].as_u64().is_some(),
        "{limits}"
    );
    let versions = client
        .request(Method::GET, "/services/data/")
        .send()
        .await
        .unwrap();
    assert_eq!(versions.status(), 200);
    let versions: Vec<Map<String, Value>> = versions.json().unwrap();
    assert!(versions.iter().any(|v| v["version"] == "62.0"));

    let created = client
        .request(Method::POST, "sobjects/Account")
        .json(&json!({"Name": "Raw"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(
        created.context().path,
        "/services/data/v62.0/sobjects/Account"
    );
    let id: String = created.json::<Map<String, Value>>().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let read: Map<String, Value> = client
        .request(Method::GET, &format!("sobjects/Account/{id}"))
        .query("fields", "Name")
        .send()
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(read["Name"], "Raw");

    let err = client
        .request(Method::GET, "sobjects/Nope__c/describe")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(&ErrorCode::NotFound));
}

#[tokio::test]
async fn api_usage_tracks_the_last_limit_info_header() {
    let emu = emulator().await;
    let client = client(&emu);
    assert_eq!(client.api_usage(), None);
    client.describe_global().await.unwrap();
    let first = client.api_usage().expect("Sforce-Limit-Info parsed");
    assert_eq!(first.max, 15000);
    assert!(first.used >= 1);
    assert_eq!(first.remaining(), first.max - first.used);
    client.clone().describe("Task").await.unwrap();
    let second = client.api_usage().unwrap();
    assert!(second.used > first.used, "{first:?} then {second:?}");
    assert_eq!(second.used, emu.api_usage());
}

/// A client with no instance URL and a refresh-token provider against the emulator's OAuth
/// endpoint: the instance URL comes from the token response.
fn oauth_client(emu: &Emulator) -> Client {
    let provider = RefreshToken::builder()
        .client_id(DEFAULT_CLIENT_ID)
        .client_secret(DEFAULT_CLIENT_SECRET)
        .refresh_token(DEFAULT_REFRESH_TOKEN)
        .login_url(emu.url())
        .build()
        .unwrap();
    Client::builder().token_provider(provider).build().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_session_is_refreshed_once_and_the_request_retried_once() {
    let emu = emulator().await;
    let client = oauth_client(&emu);
    assert_eq!(client.instance_url(), None);
    client.describe_global().await.unwrap();
    assert_eq!(client.instance_url().as_deref(), Some(emu.url()));
    assert_eq!(emu.oauth_token_requests_for("refresh_token"), 1);

    emu.expire_oauth_tokens();
    emu.clear_request_log();
    let created = client
        .create("Account", &json!({"Name": "After refresh"}))
        .await
        .unwrap();
    assert!(emu.record("Account", created.id().as_str()).is_some());
    assert_eq!(emu.oauth_token_requests_for("refresh_token"), 2);
    let statuses: Vec<u16> = emu
        .request_log()
        .iter()
        .filter(|r| r.path.starts_with("/services/data/"))
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, vec![401, 201], "one rejection, one retry");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_rejections_share_one_refresh() {
    let emu = emulator().await;
    let client = oauth_client(&emu);
    client.describe_global().await.unwrap();
    emu.expire_oauth_tokens();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.describe("Account").await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(
        emu.oauth_token_requests_for("refresh_token"),
        2,
        "one initial fetch and one shared refresh"
    );
}

#[tokio::test]
async fn a_refresh_that_keeps_failing_is_retried_only_once() {
    let emu = emulator().await;
    let client = oauth_client(&emu);
    client.describe_global().await.unwrap();
    emu.expire_oauth_tokens();
    // The refreshed token is rejected too: the client must not loop.
    emu.fail_next(
        Failure::status(401)
            .for_path_containing("/services/data/v62.0/sobjects")
            .times(2),
    );
    emu.clear_request_log();
    let err = client.describe_global().await.unwrap_err();
    assert_eq!(err.api_code(), Some(&ErrorCode::InvalidSessionId));
    assert_eq!(
        emu.request_log().iter().filter(|r| r.status == 401).count(),
        2
    );
    assert_eq!(emu.oauth_token_requests_for("refresh_token"), 2);
}
