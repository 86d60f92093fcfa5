//! Redaction by value, over real HTTP: a server that echoes the access token (in an API error
//! message, an HTML page, a `Bearer` header, a `sid` cookie, a body that fails to decode) or a
//! token endpoint whose `error_description` echoes the password and the client secret never
//! gets a secret into `Display`, `Debug` or the logs (TRACE captured).

mod auth_support;

use std::sync::Arc;

use auth_support::Capture;
use serde_json::json;
use sforce::client::{Client, RetryPolicy};
use sforce::emulator::oauth::DEFAULT_CLIENT_SECRET;
use sforce::emulator::{Emulator, Failure};
use sforce::error::{Chain, Error};

fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{what} leaks {secret:?}:\n{text}");
    }
}

/// Every text form of an error: Display, the source chain, Debug.
fn texts(err: &Error) -> String {
    format!("{err}\n{}\n{err:?}", Chain(err))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echoed_secrets_never_leave_the_library() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let token = "00D000000000001!ZZ.echoed-token-value";
    let emu = Emulator::builder().token(token).start().await.unwrap();
    let client = Client::builder()
        .instance_url(emu.url())
        .access_token(token)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let mut errors = Vec::new();
    // An API error message quoting the token.
    emu.fail_next(Failure::status(400).body(json!([{
        "errorCode": "INVALID_FIELD",
        "message": format!("No such column 'x' (session {token})"),
    }])));
    errors.push(client.describe_global().await.unwrap_err());
    // A proxy's page: not JSON; the token as a header echo and a cookie.
    emu.fail_next(Failure::status(502).body(json!(format!(
        "<html>Authorization: Bearer {token}; Cookie: sid={token}</html>"
    ))));
    errors.push(client.describe_global().await.unwrap_err());
    // A 2xx body that does not decode, with the token under a key no list would know.
    emu.fail_next(Failure::status(200).body(json!({"sessionThing": token, "encoding": 7})));
    errors.push(client.describe_global().await.unwrap_err());
    assert!(matches!(errors[2], Error::Decode { .. }), "{:?}", errors[2]);
    for err in &errors {
        assert_clean("error", &texts(err), &[token]);
    }
    assert!(
        texts(&errors[0]).contains("[redacted]"),
        "{}",
        texts(&errors[0])
    );

    // A token endpoint refusal whose description echoes the password and the client secret.
    let password = "hunter2-PASSWORD-secret";
    emu.fail_next(
        Failure::status(400)
            .body(json!({
                "error": "invalid_grant",
                "error_description": format!(
                    "authentication failure for password={password} client_secret={DEFAULT_CLIENT_SECRET}"
                ),
            }))
            .for_path_containing("/services/oauth2/token"),
    );
    let provider = auth_support::username_password(emu.url())
        .username("someone@example.com")
        .password(password)
        .build()
        .unwrap();
    let oauth_client = auth_support::client(Arc::new(provider));
    let err = auth_support::create_account(&oauth_client, "x")
        .await
        .unwrap_err();
    assert_eq!(err.oauth_error(), Some("invalid_grant"));
    let text = texts(&err);
    assert_clean("auth error", &text, &[password, DEFAULT_CLIENT_SECRET]);
    assert!(text.contains("[redacted]"), "{text}");

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("token request failed"), "the WARN was logged");
    assert_clean("logs", &logs, &[token, password, DEFAULT_CLIENT_SECRET]);
}
