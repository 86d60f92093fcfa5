//! Each OAuth flow end to end against the emulator's token endpoint, including its failure:
//! the typed error carries Salesforce's `error` and `error_description`.

mod auth_support;

use std::sync::Arc;

use auth_support::{client, create_account};
use serde_json::json;
use sforce::auth::{AuthError, JwtBearer, Secret};
use sforce::emulator::Emulator;
use sforce::emulator::oauth::{
    DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PASSWORD, DEFAULT_REFRESH_TOKEN,
    DEFAULT_USERNAME, TEST_PRIVATE_KEY_PEM,
};
use sforce::error::Error;

const JWT_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

fn key_path(name: &str) -> String {
    format!(
        "{}/sforce-emulator/testdata/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Asserts `err` is the typed auth error with Salesforce's `error` and `error_description`.
fn assert_oauth_error(err: &Error, code: &str, description: &str) {
    match err {
        Error::Auth(auth) => {
            assert!(matches!(auth, AuthError::OAuth { .. }), "{err:?}");
            assert_eq!(auth.oauth_error(), Some(code), "{err}");
            assert_eq!(auth.error_description(), Some(description), "{err}");
        }
        other => panic!("expected Error::Auth, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwt_bearer_with_key_file() {
    let emu = Emulator::start().await.unwrap();
    let jwt = auth_support::jwt(emu.url())
        .private_key_file(key_path("jwt-test-private-key.pem"))
        .build()
        .unwrap();
    let client = client(Arc::new(jwt));
    create_account(&client, "jwt").await.unwrap();
    assert_eq!(client.instance_url().as_deref(), Some(emu.url()));
    assert_eq!(emu.oauth_token_requests_for(JWT_GRANT), 1);
    assert_eq!(emu.records("Account").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwt_bearer_with_pem_text_and_salesforce_audience() {
    let emu = Emulator::start().await.unwrap();
    let jwt = auth_support::jwt(emu.url())
        .private_key_pem(TEST_PRIVATE_KEY_PEM)
        .audience(sforce::auth::PRODUCTION_LOGIN_URL)
        .build()
        .unwrap();
    create_account(&client(Arc::new(jwt)), "jwt-pem")
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwt_bearer_wrong_key_is_invalid_grant() {
    let emu = Emulator::start().await.unwrap();
    let jwt = auth_support::jwt(emu.url())
        .private_key_file(key_path("jwt-test-other-private-key.pem"))
        .build()
        .unwrap();
    let err = create_account(&client(Arc::new(jwt)), "x")
        .await
        .unwrap_err();
    assert_oauth_error(&err, "invalid_grant", "invalid assertion");
    assert!(emu.records("Account").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwt_bearer_unknown_client_id() {
    let emu = Emulator::start().await.unwrap();
    let jwt = auth_support::jwt(emu.url())
        .client_id("some-other-app")
        .private_key_pem(TEST_PRIVATE_KEY_PEM)
        .build()
        .unwrap();
    let err = create_account(&client(Arc::new(jwt)), "x")
        .await
        .unwrap_err();
    assert_oauth_error(&err, "invalid_client_id", "client identifier invalid");
}

#[test]
fn jwt_bearer_rejects_a_bad_key_at_build() {
    let err = JwtBearer::builder()
        .client_id("id")
        .username("u")
        .private_key_pem("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("invalid RSA private key"), "{err}");
    assert!(!err.to_string().contains("not a key"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_credentials_in_body_and_basic() {
    let emu = Emulator::start().await.unwrap();
    for basic in [false, true] {
        let cc = auth_support::client_credentials(emu.url())
            .basic_auth(basic)
            .build()
            .unwrap();
        create_account(&client(Arc::new(cc)), "cc").await.unwrap();
    }
    assert_eq!(emu.oauth_token_requests_for("client_credentials"), 2);
    // The second one really sent the credentials in an HTTP Basic header.
    assert_eq!(emu.oauth_basic_auth_requests(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_credentials_wrong_secret_is_invalid_client() {
    let emu = Emulator::start().await.unwrap();
    for basic in [false, true] {
        let cc = auth_support::client_credentials(emu.url())
            .client_secret("wrong-secret")
            .basic_auth(basic)
            .build()
            .unwrap();
        let err = create_account(&client(Arc::new(cc)), "x")
            .await
            .unwrap_err();
        assert_oauth_error(&err, "invalid_client", "invalid client credentials");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_token_flow() {
    let emu = Emulator::start().await.unwrap();
    let rt = auth_support::refresh_token(emu.url())
        .client_secret(DEFAULT_CLIENT_SECRET)
        .build()
        .unwrap();
    create_account(&client(Arc::new(rt)), "rt").await.unwrap();
    assert_eq!(emu.oauth_token_requests_for("refresh_token"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_refresh_token_is_invalid_grant() {
    let emu = Emulator::start().await.unwrap();
    emu.revoke_refresh_token(DEFAULT_REFRESH_TOKEN);
    let rt = auth_support::refresh_token(emu.url()).build().unwrap();
    let err = create_account(&client(Arc::new(rt)), "x")
        .await
        .unwrap_err();
    assert_oauth_error(&err, "invalid_grant", "expired access/refresh token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn username_password_flow_and_wrong_password() {
    let emu = Emulator::start().await.unwrap();
    let good = auth_support::username_password(emu.url())
        .username(DEFAULT_USERNAME)
        .password(DEFAULT_PASSWORD)
        .build()
        .unwrap();
    create_account(&client(Arc::new(good)), "up").await.unwrap();

    let bad = auth_support::username_password(emu.url())
        .username(DEFAULT_USERNAME)
        .password("wrong")
        .security_token("tok")
        .build()
        .unwrap();
    let err = create_account(&client(Arc::new(bad)), "x")
        .await
        .unwrap_err();
    assert_oauth_error(&err, "invalid_grant", "authentication failure");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_lookup_configures_jwt_end_to_end() {
    let emu = Emulator::start().await.unwrap();
    let key = key_path("jwt-test-private-key.pem");
    let vars = [
        ("SF_CLIENT_ID", DEFAULT_CLIENT_ID),
        ("SF_USERNAME", DEFAULT_USERNAME),
        ("SF_PRIVATE_KEY_FILE", key.as_str()),
        ("SF_LOGIN_URL", emu.url()),
    ];
    let auth = sforce::auth::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    })
    .unwrap();
    assert_eq!(auth.flow(), "jwt-bearer");
    create_account(&client(auth.into_provider()), "env")
        .await
        .unwrap();
    assert_eq!(emu.oauth_token_requests_for(JWT_GRANT), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsupported_grant_type_is_typed() {
    let emu = Emulator::start().await.unwrap();
    let response = reqwest_post(emu.url(), "grant_type=authorization_code&code=x").await;
    assert_eq!(response.0, 400);
    assert_eq!(
        response.1,
        json!({"error":"unsupported_grant_type","error_description":"grant type not supported"})
    );
    // A Secret never prints its value.
    let s = Secret::new("shh");
    assert_eq!(format!("{s:?}/{s}"), "[redacted]/[redacted]");
}

/// Posts a raw form to the emulator's token endpoint (plain HTTP/1.1 over a socket).
async fn reqwest_post(base: &str, body: &str) -> (u16, serde_json::Value) {
    use std::io::{Read, Write};
    let addr = base.trim_start_matches("http://").to_owned();
    let request = format!(
        "POST /services/oauth2/token HTTP/1.1\r\nHost: {addr}\r\nContent-Type: \
         application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let raw = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut raw = String::new();
        stream.read_to_string(&mut raw).unwrap();
        raw
    })
    .await
    .unwrap();
    let status = raw[9..12].parse().unwrap();
    let body = &raw[raw.find("\r\n\r\n").unwrap() + 4..];
    (status, serde_json::from_str(body.trim()).unwrap())
}
