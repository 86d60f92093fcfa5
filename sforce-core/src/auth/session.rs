//! [`Session`]: a cached access token with single-flight refresh.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};

use super::{AccessToken, AuthError, TokenProvider};
use crate::error::Error;

/// How long before a known expiry a token is refreshed by default.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// After a fetch the token endpoint refused (an OAuth error such as `invalid_grant`), how long
/// callers get that error again instead of a new fetch, by default.
pub const DEFAULT_FAILURE_COOLDOWN: Duration = Duration::from_secs(5);

/// After a failed proactive refresh, how long the still-valid token is used before trying again.
const PROACTIVE_RETRY_DELAY: Duration = Duration::from_secs(5);

type FlightFuture = Shared<BoxFuture<'static, Result<AccessToken, Error>>>;

/// A [`TokenProvider`] plus the token it last gave, shared by every clone (an `Arc` inside).
///
/// - [`token`](Self::token) returns the cached token, fetching one when there is none or when
///   its known expiry is within the refresh margin (proactive refresh).
/// - [`refresh_after_rejection`](Self::refresh_after_rejection) is called when the server
///   rejected a token (401 `INVALID_SESSION_ID`). Concurrent callers share one fetch
///   (single-flight); a caller whose rejected token was already replaced gets the new token
///   without a fetch. A failed fetch gives every waiter the same typed error; nothing retries
///   in a loop: callers that later report the same rejected token get that error too, and
///   when the token endpoint refused (an OAuth error such as `invalid_grant`), every caller
///   gets it for a short cooldown ([`SessionPolicy::failure_cooldown`]) instead of a new fetch.
///
/// The fetch runs on its own task: a caller that stops waiting does not cancel it for the others.
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

struct Inner {
    provider: Arc<dyn TokenProvider>,
    policy: SessionPolicy,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    current: Option<AccessToken>,
    /// The token whose rejection cleared `current`, until a fetch settles.
    rejected: Option<AccessToken>,
    flight: Option<Flight>,
    next_flight_id: u64,
    proactive_retry_at: Option<Instant>,
    failure: Option<Failure>,
}

/// The last failed fetch (cleared by a successful one).
struct Failure {
    /// The rejected token that led to the fetch, if a rejection did.
    rejected: Option<AccessToken>,
    error: Error,
    at: Instant,
    /// The token endpoint refused (OAuth error): retrying right away is pointless.
    refused: bool,
}

/// How a [`Session`] refreshes its token. Set with [`Session::with_policy`] or
/// [`ClientBuilder::session_policy`](crate::client::ClientBuilder::session_policy).
///
/// ```
/// use std::time::Duration;
/// use sforce_core::auth::SessionPolicy;
/// let policy = SessionPolicy::new().refresh_margin(Duration::from_secs(300));
/// assert_eq!(policy.get_refresh_margin(), Duration::from_secs(300));
/// assert_eq!(policy.get_failure_cooldown(), Duration::from_secs(5));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
#[non_exhaustive]
pub struct SessionPolicy {
    refresh_margin: Duration,
    failure_cooldown: Duration,
}

impl Default for SessionPolicy {
    /// Refresh margin [`DEFAULT_REFRESH_MARGIN`] (60 s), failure cooldown
    /// [`DEFAULT_FAILURE_COOLDOWN`] (5 s).
    fn default() -> Self {
        SessionPolicy {
            refresh_margin: DEFAULT_REFRESH_MARGIN,
            failure_cooldown: DEFAULT_FAILURE_COOLDOWN,
        }
    }
}

impl SessionPolicy {
    /// The default policy (see [`SessionPolicy::default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Refresh a token this long before its known expiry (the provider's session lifetime, or
    /// the `expires_in` of the token response).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// After the token endpoint refused a token request (an OAuth error such as
    /// `invalid_grant`), callers get that error again for this long instead of a new request
    /// (zero disables). Transport errors are not cached.
    pub fn failure_cooldown(mut self, cooldown: Duration) -> Self {
        self.failure_cooldown = cooldown;
        self
    }

    /// How long before a known expiry a token is refreshed.
    pub fn get_refresh_margin(&self) -> Duration {
        self.refresh_margin
    }

    /// How long a refusal from the token endpoint is reported again without a new request.
    pub fn get_failure_cooldown(&self) -> Duration {
        self.failure_cooldown
    }
}

struct Flight {
    id: u64,
    future: FlightFuture,
}

impl Session {
    /// A session over `provider` with the default [`SessionPolicy`].
    pub fn new(provider: Arc<dyn TokenProvider>) -> Self {
        Self::with_policy(provider, SessionPolicy::default())
    }

    /// A session over `provider` that refreshes as `policy` says.
    pub fn with_policy(provider: Arc<dyn TokenProvider>, policy: SessionPolicy) -> Self {
        Session {
            inner: Arc::new(Inner {
                provider,
                policy,
                state: Mutex::new(State::default()),
            }),
        }
    }

    /// The provider this session fetches from.
    pub fn provider(&self) -> &Arc<dyn TokenProvider> {
        &self.inner.provider
    }

    /// The cached token, if any, without fetching.
    pub fn cached(&self) -> Option<AccessToken> {
        self.inner.lock().current.clone()
    }

    /// A usable token: the cached one, or a fresh one when there is none or its known expiry is
    /// near. If a proactive refresh fails while the cached token is still valid, the cached token
    /// is returned (and the refresh retried a few seconds later).
    pub async fn token(&self, http: &reqwest::Client) -> Result<AccessToken, Error> {
        let (flight, proactive) = {
            let mut state = self.inner.lock();
            let mut proactive = false;
            if let Some(current) = &state.current {
                if !current.expires_within(self.inner.policy.refresh_margin) {
                    return Ok(current.clone());
                }
                if !current.is_expired() {
                    let backing_off = state
                        .proactive_retry_at
                        .is_some_and(|at| Instant::now() < at);
                    if backing_off || !self.inner.provider.can_refresh() {
                        return Ok(current.clone());
                    }
                    proactive = true;
                }
            }
            let usable = state.current.as_ref().is_some_and(|c| !c.is_expired());
            if !usable
                && state.flight.is_none()
                && let Some(err) = self.cooling_down(&state)
            {
                return Err(err);
            }
            (self.join_or_start(&mut state, http), proactive)
        };
        match flight.await {
            Ok(token) => Ok(token),
            Err(err) => {
                let mut state = self.inner.lock();
                if proactive {
                    state.proactive_retry_at = Some(Instant::now() + PROACTIVE_RETRY_DELAY);
                }
                match &state.current {
                    Some(current) if proactive && !current.is_expired() => {
                        tracing::warn!(
                            provider = self.inner.provider.kind(),
                            error = %err,
                            "proactive token refresh failed; using the current token until it expires"
                        );
                        Ok(current.clone())
                    }
                    _ => Err(err),
                }
            }
        }
    }

    /// A new token after the server rejected `rejected` (401 `INVALID_SESSION_ID`).
    ///
    /// If the session already holds a different token (another caller refreshed), that token is
    /// returned without a fetch; if a fetch is in flight, its result is shared; otherwise one
    /// fetch starts. A provider that cannot refresh (a static token) gives
    /// [`AuthError::NotRefreshable`].
    pub async fn refresh_after_rejection(
        &self,
        http: &reqwest::Client,
        rejected: &AccessToken,
    ) -> Result<AccessToken, Error> {
        let flight = {
            let mut state = self.inner.lock();
            match &state.current {
                Some(current) if !current.same_token(rejected) => return Ok(current.clone()),
                Some(_) => {
                    if !self.inner.provider.can_refresh() {
                        return Err(AuthError::NotRefreshable {
                            provider: self.inner.provider.kind(),
                        }
                        .into());
                    }
                    tracing::debug!(
                        provider = self.inner.provider.kind(),
                        "access token rejected; refreshing"
                    );
                    state.rejected = state.current.take();
                }
                None if state.flight.is_none() => {
                    // Already failed for this very rejection: share that outcome.
                    if let Some(failure) = &state.failure
                        && failure
                            .rejected
                            .as_ref()
                            .is_some_and(|r| r.same_token(rejected))
                    {
                        return Err(failure.error.clone());
                    }
                    if let Some(err) = self.cooling_down(&state) {
                        return Err(err);
                    }
                }
                None => {}
            }
            self.join_or_start(&mut state, http)
        };
        flight.await
    }

    /// The last failure, while the token endpoint's refusal is within the cooldown.
    fn cooling_down(&self, state: &State) -> Option<Error> {
        let failure = state.failure.as_ref()?;
        (failure.refused && failure.at.elapsed() < self.inner.policy.failure_cooldown)
            .then(|| failure.error.clone())
    }

    /// Joins the fetch in flight or starts one. Called with the state lock held.
    fn join_or_start(&self, state: &mut State, http: &reqwest::Client) -> FlightFuture {
        if let Some(flight) = &state.flight {
            return flight.future.clone();
        }
        let id = state.next_flight_id;
        state.next_flight_id += 1;
        let inner = Arc::clone(&self.inner);
        let http = http.clone();
        let task = tokio::spawn(async move {
            // Clears the flight even if the provider panics, so later callers start a new one.
            let mut guard = FlightGuard {
                inner: &inner,
                id,
                armed: true,
            };
            tracing::debug!(provider = inner.provider.kind(), "fetching access token");
            // A custom provider's error may quote what it holds.
            let result = inner
                .provider
                .fetch(&http)
                .await
                .map_err(|err| crate::redact::redact_error(err, &inner.provider.secrets()));
            let mut state = inner.lock();
            match &result {
                Ok(token) => {
                    state.current = Some(token.clone());
                    state.rejected = None;
                    state.failure = None;
                    state.proactive_retry_at = None;
                }
                Err(err) => {
                    tracing::warn!(provider = inner.provider.kind(), error = %err, "token fetch failed");
                    state.failure = Some(Failure {
                        rejected: state.rejected.take(),
                        error: err.clone(),
                        at: Instant::now(),
                        refused: matches!(err, Error::Auth(AuthError::OAuth { .. })),
                    });
                }
            }
            // Published and removed under the same lock: no gap between the two.
            if state.flight.as_ref().is_some_and(|f| f.id == id) {
                state.flight = None;
            }
            guard.armed = false;
            drop(state);
            drop(guard);
            result
        });
        let future = async move {
            match task.await {
                Ok(result) => result,
                Err(join) => Err(AuthError::RefreshAborted(join.to_string()).into()),
            }
        }
        .boxed()
        .shared();
        state.flight = Some(Flight {
            id,
            future: future.clone(),
        });
        future
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

struct FlightGuard<'a> {
    inner: &'a Inner,
    id: u64,
    armed: bool,
}

impl Drop for FlightGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            let mut state = self.inner.lock();
            if state.flight.as_ref().is_some_and(|f| f.id == self.id) {
                state.flight = None;
            }
        }
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.inner.lock();
        f.debug_struct("Session")
            .field("provider", &self.inner.provider)
            .field("policy", &self.inner.policy)
            .field("current", &state.current)
            .field("refreshing", &state.flight.is_some())
            .finish()
    }
}
