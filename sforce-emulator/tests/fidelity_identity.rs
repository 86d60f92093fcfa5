//! Fidelity: identity and org information. Token responses carry the identity URL (`id`); that
//! URL and `/services/oauth2/userinfo` describe the running user (a bearer token is needed);
//! `limits/recordCount` counts records per object.
mod common;

use common::{Api, emulator};
use serde_json::Value;
use sforce_emulator::oauth::{
    DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PASSWORD, DEFAULT_USERNAME,
};

async fn token(emu: &sforce_emulator::Emulator) -> Value {
    let answer = reqwest::Client::new()
        .post(format!("{}/services/oauth2/token", emu.url()))
        .form(&[
            ("grant_type", "password"),
            ("client_id", DEFAULT_CLIENT_ID),
            ("client_secret", DEFAULT_CLIENT_SECRET),
            ("username", DEFAULT_USERNAME),
            ("password", DEFAULT_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

async fn get_json(http: &reqwest::Client, url: &str, token: &str) -> Value {
    let answer = http.get(url).bearer_auth(token).send().await.unwrap();
    assert_eq!(answer.status(), 200, "{url}");
    answer.json().await.unwrap()
}

#[tokio::test]
async fn the_identity_url_of_a_token_describes_the_user() {
    let emu = emulator().await;
    let token = token(&emu).await;
    let id_url = token["id"].as_str().unwrap();
    assert!(
        id_url.starts_with(&format!("{}/id/00D", emu.url())),
        "{id_url}"
    );
    let access = token["access_token"].as_str().unwrap();
    let http = reqwest::Client::new();

    let identity = get_json(&http, id_url, access).await;
    assert_eq!(identity["id"], id_url, "{identity}");
    assert_eq!(identity["username"], DEFAULT_USERNAME);
    assert_eq!(identity["user_id"], "005000000000001AAA");
    assert_eq!(identity["organization_id"], "00D000000000001EAA");
    assert_eq!(identity["display_name"], "Emulator User");
    assert_eq!(identity["active"], true);
    assert_eq!(
        identity["urls"]["rest"],
        format!("{}/services/data/v{{version}}/", emu.url())
    );
    assert!(identity["urls"]["sobjects"].is_string());
    assert!(identity["urls"]["query"].is_string());

    let userinfo = get_json(
        &http,
        &format!("{}/services/oauth2/userinfo", emu.url()),
        access,
    )
    .await;
    assert_eq!(userinfo["sub"], id_url);
    assert_eq!(userinfo["preferred_username"], DEFAULT_USERNAME);
    assert_eq!(userinfo["email"], DEFAULT_USERNAME);
    assert_eq!(userinfo["organization_id"], "00D000000000001EAA");

    // The user is a record too: references to it resolve.
    assert_eq!(
        emu.record("User", "005000000000001AAA").unwrap()["Username"],
        DEFAULT_USERNAME
    );

    // No token, no identity; someone else's Id is not served.
    let anonymous = http.get(id_url).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let other = http
        .get(format!(
            "{}/id/00D000000000001EAA/005000000000002AAA",
            emu.url()
        ))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
}

#[tokio::test]
async fn record_count_counts_live_records_per_object() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    for name in ["A", "B", "C"] {
        api.post("/sobjects/Account", &format!(r#"{{"Name":"{name}"}}"#))
            .await;
    }
    let contact = api
        .post("/sobjects/Contact", r#"{"LastName":"Doe"}"#)
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    api.post("/sobjects/Contact", r#"{"LastName":"Roe"}"#).await;
    api.delete(&format!("/sobjects/Contact/{contact}")).await;

    let answer = api
        .get("/limits/recordCount?sObjects=Account,Contact")
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(
        answer.json(),
        serde_json::json!({"sObjects": [{"count": 3, "name": "Account"},
                                        {"count": 1, "name": "Contact"}]})
    );
    let all = api.get("/limits/recordCount").await.json();
    let users = all["sObjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "User")
        .unwrap()
        .clone();
    assert_eq!(users["count"], 1, "the running user");
}
