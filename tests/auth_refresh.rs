//! Session refresh through the client against the emulator: one shared refresh for a burst of
//! 401s, typed failures without loops, refresh-token rotation, proactive refresh.

mod auth_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use auth_support::create_account;
use sforce::auth::{ClientCredentials, Secret, SessionPolicy, StaticToken, TokenProvider};
use sforce::client::Client;
use sforce::emulator::oauth::{DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN};
use sforce::emulator::{Emulator, OAuthConfig};
use sforce::error::Error;

const TOKEN_PATH: &str = "/services/oauth2/token";

fn client_credentials(emu: &Emulator) -> ClientCredentials {
    auth_support::client_credentials(emu.url()).build().unwrap()
}

fn unauthorized(emu: &Emulator) -> usize {
    emu.request_log().iter().filter(|r| r.status == 401).count()
}

/// Runs `n` concurrent creates of Accounts; returns their results.
async fn burst(client: &Client, n: usize) -> Vec<Result<(), Error>> {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { create_account(&client, &format!("burst-{i}")).await })
        })
        .collect();
    let mut results = Vec::with_capacity(n);
    for task in tasks {
        results.push(task.await.expect("task did not panic"));
    }
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundred_concurrent_requests_on_an_expired_token_share_one_refresh() {
    let emu = Emulator::start().await.unwrap();
    let client = Client::builder()
        .token_provider(client_credentials(&emu))
        .build()
        .unwrap();
    create_account(&client, "warm-up").await.unwrap();
    assert_eq!(emu.oauth_token_requests(), 1);
    let first = client.session().cached().unwrap();

    emu.expire_oauth_tokens();
    let results = burst(&client, 100).await;

    let failed: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(failed.is_empty(), "failed calls: {failed:?}");
    assert_eq!(
        emu.oauth_token_requests(),
        2,
        "exactly one token request for the burst"
    );
    assert_eq!(
        emu.request_count_matching("POST", TOKEN_PATH),
        2,
        "request log agrees"
    );
    assert_eq!(emu.records("Account").len(), 101);
    assert!(
        unauthorized(&emu) >= 1,
        "the burst did see the expired token"
    );
    let second = client.session().cached().unwrap();
    assert_ne!(first.expose(), second.expose());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failed_refresh_is_typed_shared_and_never_loops() {
    let emu = Emulator::start().await.unwrap();
    let rt = auth_support::refresh_token(emu.url()).build().unwrap();
    let client = Client::builder().token_provider(rt).build().unwrap();
    create_account(&client, "warm-up").await.unwrap();

    emu.expire_oauth_tokens();
    emu.revoke_refresh_token(DEFAULT_REFRESH_TOKEN);
    let results = burst(&client, 100).await;

    for result in &results {
        match result {
            Err(Error::Auth(auth)) => {
                assert_eq!(auth.oauth_error(), Some("invalid_grant"));
                assert_eq!(
                    auth.error_description(),
                    Some("expired access/refresh token")
                );
            }
            other => panic!("expected the typed auth error, got {other:?}"),
        }
    }
    assert_eq!(
        emu.oauth_token_requests(),
        2,
        "one failed refresh, no retries"
    );
    // Each call sent its request at most once: no loop.
    assert!(unauthorized(&emu) <= 100);
    assert_eq!(emu.records("Account").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rotated_refresh_token_is_handed_back_and_used() {
    let emu = Emulator::builder()
        .oauth(OAuthConfig::new().rotate_refresh_tokens(true))
        .start()
        .await
        .unwrap();
    let seen: Arc<Mutex<Vec<Secret>>> = Arc::default();
    let sink = seen.clone();
    let rt = Arc::new(
        auth_support::refresh_token(emu.url())
            .client_secret(DEFAULT_CLIENT_SECRET)
            .on_rotation(move |new| sink.lock().unwrap().push(new.clone()))
            .build()
            .unwrap(),
    );
    let client = Client::builder()
        .shared_token_provider(rt.clone())
        .build()
        .unwrap();
    create_account(&client, "one").await.unwrap();
    let rotated = seen.lock().unwrap().clone();
    assert_eq!(rotated.len(), 1);
    assert_eq!(rt.current_refresh_token(), rotated[0]);
    assert!(!emu.is_refresh_token_valid(DEFAULT_REFRESH_TOKEN));
    assert!(emu.is_refresh_token_valid(rotated[0].expose()));

    // The next refresh (after a 401) uses the rotated token and rotates again.
    emu.expire_oauth_tokens();
    create_account(&client, "two").await.unwrap();
    let rotated = seen.lock().unwrap().clone();
    assert_eq!(rotated.len(), 2);
    assert_ne!(rotated[0], rotated[1]);
    assert_eq!(rt.current_refresh_token(), rotated[1]);
    assert_eq!(emu.oauth_token_requests_for("refresh_token"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn tokens_expire_after_the_configured_lifetime_and_are_refreshed() {
    let emu = Emulator::builder()
        .oauth(OAuthConfig::new().token_lifetime(Duration::ZERO))
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .token_provider(client_credentials(&emu))
        .build()
        .unwrap();
    // Every token is expired on arrival: each call gets a 401, refreshes once, retries once,
    // and then reports the 401 rather than looping.
    let err = create_account(&client, "x").await.unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
    assert_eq!(emu.oauth_token_requests(), 2);
    assert_eq!(unauthorized(&emu), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn known_lifetime_refreshes_before_expiry_without_a_401() {
    let emu = Emulator::start().await.unwrap();
    // A lifetime shorter than the refresh margin (60 s): every call refreshes proactively.
    let cc = auth_support::client_credentials(emu.url())
        .session_lifetime(Duration::from_secs(30))
        .build()
        .unwrap();
    let client = Client::builder().token_provider(cc).build().unwrap();
    for name in ["a", "b", "c"] {
        create_account(&client, name).await.unwrap();
    }
    assert_eq!(emu.oauth_token_requests(), 3);
    assert_eq!(unauthorized(&emu), 0);
    assert!(client.session().cached().unwrap().expires_at().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn static_token_rejection_is_reported_not_retried() {
    let emu = Emulator::start().await.unwrap();
    let client = Client::builder()
        .instance_url(emu.url())
        .token_provider(StaticToken::new("00D000000000001!not-accepted"))
        .build()
        .unwrap();
    let err = create_account(&client, "x").await.unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
    assert_eq!(unauthorized(&emu), 1);
    assert_eq!(emu.oauth_token_requests(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn client_builder_sets_the_refresh_margin() {
    let emu = Emulator::start().await.unwrap();
    // A 10-minute lifetime is far from the default 60 s margin, but within a 20-minute one:
    // with that margin, every call refreshes proactively.
    let cc: Arc<dyn TokenProvider> = Arc::new(
        auth_support::client_credentials(emu.url())
            .session_lifetime(Duration::from_secs(600))
            .build()
            .unwrap(),
    );
    let default_margin = auth_support::client(cc.clone());
    let wide_margin = Client::builder()
        .shared_token_provider(cc)
        .session_policy(SessionPolicy::new().refresh_margin(Duration::from_secs(1200)))
        .build()
        .unwrap();
    for name in ["a", "b", "c"] {
        create_account(&default_margin, name).await.unwrap();
    }
    assert_eq!(
        emu.oauth_token_requests(),
        1,
        "the default margin reuses the token"
    );
    for name in ["d", "e", "f"] {
        create_account(&wide_margin, name).await.unwrap();
    }
    assert_eq!(
        emu.oauth_token_requests(),
        4,
        "every call inside the margin refreshes"
    );
    assert_eq!(unauthorized(&emu), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn client_builder_sets_the_failure_cooldown() {
    let emu = Emulator::start().await.unwrap();
    emu.revoke_refresh_token(DEFAULT_REFRESH_TOKEN);
    let refused = |cooldown: Option<Duration>| {
        let mut builder = Client::builder()
            .token_provider(auth_support::refresh_token(emu.url()).build().unwrap());
        if let Some(cooldown) = cooldown {
            builder = builder.session_policy(SessionPolicy::new().failure_cooldown(cooldown));
        }
        builder.build().unwrap()
    };
    // Default cooldown (5 s): the refusal is reported again without a new token request.
    let client = refused(None);
    for name in ["a", "b", "c"] {
        let err = create_account(&client, name).await.unwrap_err();
        assert_eq!(err.oauth_error(), Some("invalid_grant"), "{err}");
    }
    assert_eq!(emu.oauth_token_requests(), 1);
    // Zero disables the cooldown: each call asks the token endpoint again.
    let client = refused(Some(Duration::ZERO));
    for name in ["a", "b", "c"] {
        let err = create_account(&client, name).await.unwrap_err();
        assert_eq!(err.oauth_error(), Some("invalid_grant"), "{err}");
    }
    assert_eq!(emu.oauth_token_requests(), 4);
    assert!(emu.records("Account").is_empty());
}
