//! No secret in `tracing` output, `Debug`, `Display` or errors: every auth type and a full run
//! of every flow (including failures and a refresh) with TRACE logging captured.

mod auth_support;

use std::sync::Arc;

use auth_support::{Capture, client, create_account};
use sforce::auth::{
    AccessToken, AuthError, ClientCredentials, JwtBearer, RefreshToken, Secret, Session, SfCli,
    StaticToken, TokenProvider, UsernamePassword,
};
use sforce::emulator::oauth::{
    DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PASSWORD, DEFAULT_REFRESH_TOKEN,
    DEFAULT_USERNAME, TEST_PRIVATE_KEY_PEM,
};
use sforce::emulator::{Emulator, OAuthConfig};
use sforce::error::Chain;

/// A `MakeWriter` appending everything to a shared buffer.
/// A line of the private key's base64 body (the key as it would leak).
fn key_fragment() -> &'static str {
    TEST_PRIVATE_KEY_PEM.lines().nth(3).unwrap()
}

fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "{what} contains the secret {secret:?}:\n{text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_tracing_output_or_debug() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let emu = Emulator::builder()
        .oauth(
            OAuthConfig::new()
                .client(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
                .user("sec@example.com", "USER-PASSWORD-789SECURITY-TOKEN-123")
                .rotate_refresh_tokens(true),
        )
        .start()
        .await
        .unwrap();
    let url = emu.url();

    let jwt = auth_support::jwt(url)
        .private_key_pem(TEST_PRIVATE_KEY_PEM)
        .build()
        .unwrap();
    let cc = auth_support::client_credentials(url)
        .basic_auth(true)
        .build()
        .unwrap();
    let rt = Arc::new(
        auth_support::refresh_token(url)
            .client_secret(DEFAULT_CLIENT_SECRET)
            .build()
            .unwrap(),
    );
    let up = auth_support::username_password(url)
        .username("sec@example.com")
        .password("USER-PASSWORD-789")
        .security_token("SECURITY-TOKEN-123")
        .build()
        .unwrap();
    let bad = auth_support::username_password(url)
        .username(DEFAULT_USERNAME)
        .password("WRONG-PASSWORD-456")
        .build()
        .unwrap();

    let mut debug = vec![
        format!("{jwt:?}"),
        format!("{cc:?}"),
        format!("{rt:?}"),
        format!("{up:?}"),
        format!("{:?}", StaticToken::new(emu.token())),
        format!("{:?}", SfCli::new("my-org")),
        format!("{:?}", Secret::new(DEFAULT_CLIENT_SECRET)),
        format!("{}", Secret::new(DEFAULT_CLIENT_SECRET)),
        format!(
            "{:?}",
            JwtBearer::builder().private_key_pem(TEST_PRIVATE_KEY_PEM)
        ),
        format!(
            "{:?}",
            ClientCredentials::builder().client_secret(DEFAULT_CLIENT_SECRET)
        ),
        format!(
            "{:?}",
            RefreshToken::builder().refresh_token(DEFAULT_REFRESH_TOKEN)
        ),
        format!(
            "{:?}",
            UsernamePassword::builder()
                .password(DEFAULT_PASSWORD)
                .security_token("SECURITY-TOKEN-123")
        ),
    ];

    let mut issued = Vec::new();
    let providers: Vec<Arc<dyn TokenProvider>> =
        vec![Arc::new(jwt), Arc::new(cc), rt.clone(), Arc::new(up)];
    for provider in providers {
        let client = client(provider);
        create_account(&client, "one").await.unwrap();
        // Force a 401 and a refresh (rotating the refresh token for the refresh flow).
        emu.expire_oauth_tokens();
        create_account(&client, "two").await.unwrap();
        let token = client.session().cached().unwrap();
        debug.push(format!("{token:?} {:?} {client:?}", client.session()));
        issued.push(token.expose().to_owned());
    }
    let err = create_account(&client(Arc::new(bad)), "x")
        .await
        .unwrap_err();
    debug.push(format!("{err:?} {}", Chain(&err)));
    let auth_err = AuthError::Config("x".into());
    debug.push(format!("{auth_err:?} {auth_err}"));
    let token = AccessToken::new(issued[0].clone()).with_instance_url(url);
    debug.push(format!(
        "{token:?} {:?}",
        Session::new(Arc::new(StaticToken::from(token.clone())))
    ));

    let rotated = rt.current_refresh_token();
    assert_ne!(rotated.expose(), DEFAULT_REFRESH_TOKEN, "rotation happened");
    let mut secrets: Vec<&str> = vec![
        DEFAULT_CLIENT_SECRET,
        DEFAULT_PASSWORD,
        "SECURITY-TOKEN-123",
        "USER-PASSWORD-789",
        "WRONG-PASSWORD-456",
        DEFAULT_REFRESH_TOKEN,
        rotated.expose(),
        key_fragment(),
        emu.token(),
    ];
    secrets.extend(issued.iter().map(String::as_str));

    for text in &debug {
        assert_clean("Debug/Display output", text, &secrets);
    }
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("access token granted"),
        "tracing was captured: {logs}"
    );
    assert!(logs.contains("refreshing"), "the refresh was logged");
    assert_clean("tracing output", &logs, &secrets);
}
