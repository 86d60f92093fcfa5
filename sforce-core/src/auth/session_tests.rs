//! Unit tests of [`Session`] with a counting fake provider.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;

use super::*;
use crate::error::Error;

/// Hands out `tok-1`, `tok-2`, ... after a short delay, or fails while `fail` is set.
#[derive(Debug, Default)]
struct Counting {
    fetches: AtomicUsize,
    fail: std::sync::atomic::AtomicBool,
    lifetime: Option<Duration>,
}

impl TokenProvider for Counting {
    fn fetch(&self, _http: &reqwest::Client) -> BoxFuture<'_, Result<AccessToken, Error>> {
        Box::pin(async move {
            let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::time::sleep(Duration::from_millis(20)).await;
            if self.fail.load(Ordering::SeqCst) {
                return Err(AuthError::OAuth {
                    flow: "fake",
                    status: 400,
                    error: "invalid_grant".into(),
                    description: Some("expired access/refresh token".into()),
                }
                .into());
            }
            let mut token = AccessToken::new(format!("tok-{n}"));
            if let Some(lifetime) = self.lifetime {
                token = token.with_expires_at(SystemTime::now() + lifetime);
            }
            Ok(token)
        })
    }
}

/// `(OAuth error code, description or else the error's text)` of an [`Error::Auth`].
fn auth_error(err: &Error) -> (Option<&str>, String) {
    match err {
        Error::Auth(auth) => (
            auth.oauth_error(),
            auth.error_description()
                .map_or_else(|| auth.to_string(), str::to_owned),
        ),
        other => panic!("expected an auth error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn token_is_cached() {
    let provider = Arc::new(Counting::default());
    let session = Session::new(provider.clone());
    let http = reqwest::Client::new();
    let a = session.token(&http).await.unwrap();
    let b = session.token(&http).await.unwrap();
    assert_eq!(a.expose(), "tok-1");
    assert_eq!(b.expose(), "tok-1");
    assert_eq!(provider.fetches.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_first_use_fetches_once() {
    let provider = Arc::new(Counting::default());
    let session = Session::new(provider.clone());
    let http = reqwest::Client::new();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (s, h) = (session.clone(), http.clone());
            tokio::spawn(async move { s.token(&h).await.unwrap().expose().to_owned() })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), "tok-1");
    }
    assert_eq!(provider.fetches.load(Ordering::SeqCst), 1);
}

/// `n` callers reject `old` at the same moment; their results.
async fn reject_together(
    session: &Session,
    http: &reqwest::Client,
    old: &AccessToken,
    n: usize,
) -> Vec<Result<AccessToken, Error>> {
    let barrier = Arc::new(tokio::sync::Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (s, h, old, b) = (session.clone(), http.clone(), old.clone(), barrier.clone());
            tokio::spawn(async move {
                b.wait().await;
                s.refresh_after_rejection(&h, &old).await
            })
        })
        .collect();
    let mut results = Vec::with_capacity(n);
    for t in tasks {
        results.push(t.await.unwrap());
    }
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_rejections_share_one_refresh() {
    let provider = Arc::new(Counting::default());
    let session = Session::new(provider.clone());
    let http = reqwest::Client::new();
    let first = session.token(&http).await.unwrap();
    for result in reject_together(&session, &http, &first, 100).await {
        assert_eq!(result.unwrap().expose(), "tok-2");
    }
    assert_eq!(provider.fetches.load(Ordering::SeqCst), 2);
    // A late caller rejecting the old token gets the new one without a fetch.
    let late = session
        .refresh_after_rejection(&http, &first)
        .await
        .unwrap();
    assert_eq!(late.expose(), "tok-2");
    assert_eq!(provider.fetches.load(Ordering::SeqCst), 2);
}

/// 20 callers reject the same token while the provider fails: one fetch, the same typed
/// error for all, including callers that arrive after the failure.
async fn reject_while_failing(session: &Session, provider: &Counting) -> AccessToken {
    let http = reqwest::Client::new();
    let first = session.token(&http).await.unwrap();
    provider.fail.store(true, Ordering::SeqCst);
    for result in reject_together(session, &http, &first, 20).await {
        let err = result.unwrap_err();
        assert_eq!(
            auth_error(&err),
            (
                Some("invalid_grant"),
                "expired access/refresh token".to_owned()
            )
        );
    }
    let late = session
        .refresh_after_rejection(&http, &first)
        .await
        .unwrap_err();
    assert_eq!(auth_error(&late).0, Some("invalid_grant"));
    assert_eq!(
        provider.fetches.load(Ordering::SeqCst),
        2,
        "one failed fetch, no loop"
    );
    first
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failed_refresh_reaches_every_waiter_once() {
    let provider = Arc::new(Counting::default());
    let session = Session::new(provider.clone());
    reject_while_failing(&session, &provider).await;
    // Within the cooldown a refused fetch is not retried, even by new callers.
    provider.fail.store(false, Ordering::SeqCst);
    let http = reqwest::Client::new();
    assert!(session.token(&http).await.is_err());
    assert_eq!(provider.fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn session_recovers_after_failed_refresh() {
    let provider = Arc::new(Counting::default());
    let session = Session::with_policy(
        provider.clone(),
        SessionPolicy::new().failure_cooldown(Duration::ZERO),
    );
    let first = reject_while_failing(&session, &provider).await;
    provider.fail.store(false, Ordering::SeqCst);
    let http = reqwest::Client::new();
    assert_eq!(session.token(&http).await.unwrap().expose(), "tok-3");
    // The old rejection now resolves to the new token.
    let again = session
        .refresh_after_rejection(&http, &first)
        .await
        .unwrap();
    assert_eq!(again.expose(), "tok-3");
    assert_eq!(provider.fetches.load(Ordering::SeqCst), 3);
}

/// A provider whose tokens last `lifetime`, and a session with a refresh margin larger than
/// that: every cached token counts as "about to expire".
fn expiring_session(lifetime: Duration) -> (Arc<Counting>, Session) {
    let provider = Arc::new(Counting {
        lifetime: Some(lifetime),
        ..Counting::default()
    });
    let session = Session::with_policy(
        provider.clone(),
        SessionPolicy::new().refresh_margin(Duration::from_secs(3600)),
    );
    (provider, session)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn proactive_refresh_near_known_expiry() {
    let (provider, session) = expiring_session(Duration::from_secs(30));
    let http = reqwest::Client::new();
    assert_eq!(session.token(&http).await.unwrap().expose(), "tok-1");
    assert_eq!(session.token(&http).await.unwrap().expose(), "tok-2");
    assert_eq!(provider.fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failed_proactive_refresh_keeps_valid_token() {
    let (provider, session) = expiring_session(Duration::from_secs(600));
    let http = reqwest::Client::new();
    assert_eq!(session.token(&http).await.unwrap().expose(), "tok-1");
    provider.fail.store(true, Ordering::SeqCst);
    assert_eq!(session.token(&http).await.unwrap().expose(), "tok-1");
    // Backing off: no second fetch right away.
    assert_eq!(session.token(&http).await.unwrap().expose(), "tok-1");
    assert_eq!(provider.fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn static_token_is_not_refreshed() {
    let session = Session::new(Arc::new(StaticToken::new("fixed-secret-token")));
    let http = reqwest::Client::new();
    let t = session.token(&http).await.unwrap();
    assert_eq!(t.expose(), "fixed-secret-token");
    let err = session
        .refresh_after_rejection(&http, &t)
        .await
        .unwrap_err();
    assert!(auth_error(&err).1.contains("cannot refresh"), "{err}");
    assert!(
        matches!(
            err,
            Error::Auth(AuthError::NotRefreshable { provider: "static" })
        ),
        "{err:?}"
    );
    assert!(!format!("{session:?} {err} {err:?}").contains("fixed-secret-token"));
}

/// Panics on the first fetch, then succeeds.
#[derive(Debug, Default)]
struct PanicsOnce(AtomicUsize);

impl TokenProvider for PanicsOnce {
    fn fetch(&self, _http: &reqwest::Client) -> BoxFuture<'_, Result<AccessToken, Error>> {
        Box::pin(async move {
            if self.0.fetch_add(1, Ordering::SeqCst) == 0 {
                panic!("provider bug");
            }
            Ok(AccessToken::new("after-panic"))
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn panicking_provider_does_not_strand_the_session() {
    let session = Session::new(Arc::new(PanicsOnce::default()));
    let http = reqwest::Client::new();
    let err = session.token(&http).await.unwrap_err();
    assert!(auth_error(&err).1.contains("did not complete"), "{err}");
    assert!(
        matches!(err, Error::Auth(AuthError::RefreshAborted(_))),
        "{err:?}"
    );
    assert_eq!(session.token(&http).await.unwrap().expose(), "after-panic");
}
