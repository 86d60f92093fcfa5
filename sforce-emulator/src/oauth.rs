//! The OAuth 2.0 token endpoint, `POST /services/oauth2/token`, for every grant the SDK uses:
//! JWT bearer (RS256 assertions verified against a configured public key), client credentials
//! (form fields or HTTP Basic), refresh token (optional rotation) and username-password.
//!
//! Issued access tokens are accepted by the REST API until they expire
//! ([`OAuthConfig::token_lifetime`]) or [`Emulator::expire_oauth_tokens`] is called, so tests
//! can force 401 `INVALID_SESSION_ID`. Errors have Salesforce's shape:
//! `400 {"error":"invalid_grant","error_description":"expired access/refresh token"}`.
//!
//! Error codes and descriptions follow Salesforce's documented ones; which description
//! Salesforce gives for each JWT failure is **(unconfirmed)**.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Form;
use axum::Json;
use axum::Router;
use axum::extract::State as AxumState;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::Emulator;
use crate::state::Shared;

/// TEST-ONLY RSA private key (PEM), checked into the repository and therefore public: it
/// protects nothing. Signs JWT bearer assertions the emulator accepts by default.
pub const TEST_PRIVATE_KEY_PEM: &str = include_str!("../testdata/jwt-test-private-key.pem");
/// TEST-ONLY RSA public key (PEM) matching [`TEST_PRIVATE_KEY_PEM`]; the emulator's default
/// JWT verification key.
pub const TEST_PUBLIC_KEY_PEM: &str = include_str!("../testdata/jwt-test-public-key.pem");

/// Default consumer key.
pub const DEFAULT_CLIENT_ID: &str = "emulator-client-id";
/// Default consumer secret.
pub const DEFAULT_CLIENT_SECRET: &str = "emulator-client-secret";
/// Default user (JWT `sub`, username-password flow).
pub const DEFAULT_USERNAME: &str = "emulator@example.com";
/// Default password of [`DEFAULT_USERNAME`].
pub const DEFAULT_PASSWORD: &str = "emulator-password";
/// Default valid refresh token.
pub const DEFAULT_REFRESH_TOKEN: &str = "5Aep861emulator-refresh-token";
/// Default access token lifetime (Salesforce's default session timeout).
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(2 * 60 * 60);

pub(crate) const ORG_ID: &str = "00D000000000001EAA";
pub(crate) const USER_ID: &str = "005000000000001AAA";

/// OAuth settings of the emulator (see [`EmulatorBuilder::oauth`](crate::EmulatorBuilder::oauth)).
/// The defaults accept [`DEFAULT_CLIENT_ID`] / [`DEFAULT_CLIENT_SECRET`], the user
/// [`DEFAULT_USERNAME`] / [`DEFAULT_PASSWORD`], the refresh token [`DEFAULT_REFRESH_TOKEN`]
/// (not rotated), and JWTs signed with [`TEST_PRIVATE_KEY_PEM`].
#[derive(Clone)]
#[must_use]
pub struct OAuthConfig {
    client_id: String,
    client_secret: String,
    public_key_pem: Option<String>,
    audiences: Vec<String>,
    users: Vec<(String, String)>,
    refresh_tokens: Vec<String>,
    rotate_refresh_tokens: bool,
    token_lifetime: Duration,
}

impl Default for OAuthConfig {
    fn default() -> Self {
        OAuthConfig {
            client_id: DEFAULT_CLIENT_ID.to_owned(),
            client_secret: DEFAULT_CLIENT_SECRET.to_owned(),
            public_key_pem: Some(TEST_PUBLIC_KEY_PEM.to_owned()),
            audiences: vec![
                "https://login.salesforce.com".to_owned(),
                "https://test.salesforce.com".to_owned(),
            ],
            users: vec![(DEFAULT_USERNAME.to_owned(), DEFAULT_PASSWORD.to_owned())],
            refresh_tokens: vec![DEFAULT_REFRESH_TOKEN.to_owned()],
            rotate_refresh_tokens: false,
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
        }
    }
}

impl OAuthConfig {
    /// The defaults (see the type's docs).
    pub fn new() -> Self {
        Self::default()
    }

    /// The connected app's consumer key and secret.
    pub fn client(mut self, client_id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.client_id = client_id.into();
        self.client_secret = secret.into();
        self
    }

    /// The RSA public key (PEM) that verifies JWT bearer assertions; `None` rejects them all.
    pub fn jwt_public_key_pem(mut self, pem: Option<String>) -> Self {
        self.public_key_pem = pem;
        self
    }

    /// Also accept this JWT `aud` (besides login/test.salesforce.com and the emulator's URL).
    pub fn jwt_audience(mut self, audience: impl Into<String>) -> Self {
        self.audiences.push(audience.into());
        self
    }

    /// Adds a user (JWT `sub`; username-password flow).
    pub fn user(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.users.push((username.into(), password.into()));
        self
    }

    /// Adds a valid refresh token.
    pub fn refresh_token(mut self, token: impl Into<String>) -> Self {
        self.refresh_tokens.push(token.into());
        self
    }

    /// Rotate refresh tokens: each refresh answers a new `refresh_token` and revokes the one used.
    pub fn rotate_refresh_tokens(mut self, rotate: bool) -> Self {
        self.rotate_refresh_tokens = rotate;
        self
    }

    /// How long issued access tokens are accepted (default 2 h).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }
}

impl fmt::Debug for OAuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("jwt_public_key", &self.public_key_pem.is_some())
            .field("audiences", &self.audiences)
            .field(
                "users",
                &self.users.iter().map(|u| &u.0).collect::<Vec<_>>(),
            )
            .field("refresh_tokens", &self.refresh_tokens.len())
            .field("rotate_refresh_tokens", &self.rotate_refresh_tokens)
            .field("token_lifetime", &self.token_lifetime)
            .finish()
    }
}

/// The token endpoint's state (part of the emulator's shared state).
#[derive(Default)]
pub(crate) struct OAuthState {
    config: Mutex<OAuthConfig>,
    refresh_tokens: Mutex<HashSet<String>>,
    issued: Mutex<Vec<String>>,
    requests: AtomicU64,
    basic_auth: AtomicU64,
    grants: Mutex<HashMap<String, u64>>,
}

impl fmt::Debug for OAuthState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthState")
            .field("config", &*lock(&self.config))
            .field("requests", &self.requests.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl OAuthState {
    /// Applies a configuration (at start).
    pub(crate) fn configure(&self, config: OAuthConfig) {
        *lock(&self.refresh_tokens) = config.refresh_tokens.iter().cloned().collect();
        *lock(&self.config) = config;
    }
}

/// The token endpoint's routes; merged by the server outside the bearer-token check.
pub(crate) fn router(_state: Shared) -> Router<Shared> {
    Router::new().route("/services/oauth2/token", post(token))
}

/// An OAuth error answer: `{"error","error_description"}`.
struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: &'static str,
}

fn oauth_error(error: &'static str, description: &'static str) -> OAuthError {
    OAuthError {
        status: StatusCode::BAD_REQUEST,
        error,
        description,
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.error, "error_description": self.description});
        (self.status, Json(body)).into_response()
    }
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    sub: String,
}

async fn token(
    AxumState(state): AxumState<Shared>,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let oauth = &state.oauth;
    oauth.requests.fetch_add(1, Ordering::SeqCst);
    let Ok(Form(form)) = form else {
        return oauth_error("invalid_request", "invalid request body").into_response();
    };
    let grant = form.get("grant_type").map(String::as_str).unwrap_or("");
    *lock(&oauth.grants).entry(grant.to_owned()).or_default() += 1;
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let instance_url = format!("http://{host}");
    let config = lock(&oauth.config).clone();
    let result = match grant {
        "urn:ietf:params:oauth:grant-type:jwt-bearer" => jwt_grant(&config, &form, &instance_url),
        "client_credentials" => client_credentials_grant(&state, &config, &form, &headers),
        "refresh_token" => refresh_grant(&state, &config, &form),
        "password" => password_grant(&config, &form),
        _ => Err(oauth_error(
            "unsupported_grant_type",
            "grant type not supported",
        )),
    };
    let extra = match result {
        Ok(extra) => extra,
        Err(err) => {
            tracing::debug!(
                grant,
                error = err.error,
                "sforce-emulator: token request refused"
            );
            return err.into_response();
        }
    };
    let access_token = format!("00D000000000001!{}", random_text(48));
    state
        .tokens
        .add(access_token.clone(), Some(config.token_lifetime));
    lock(&oauth.issued).push(access_token.clone());
    let mut body = json!({
        "access_token": access_token,
        "scope": "api",
        "instance_url": instance_url,
        "id": format!("{instance_url}/id/{ORG_ID}/{USER_ID}"),
        "token_type": "Bearer",
    });
    if grant != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
        let issued_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        body["issued_at"] = Value::String(issued_ms.to_string());
        body["signature"] = Value::String(random_text(43) + "=");
    }
    if let Some(refresh) = extra {
        body["refresh_token"] = Value::String(refresh);
    }
    tracing::debug!(grant, "sforce-emulator: access token issued");
    (StatusCode::OK, Json(body)).into_response()
}

/// A successful grant: `Some(refresh token)` to include in the answer.
type Grant = Result<Option<String>, OAuthError>;

fn jwt_grant(config: &OAuthConfig, form: &HashMap<String, String>, instance_url: &str) -> Grant {
    let assertion = form
        .get("assertion")
        .ok_or_else(|| oauth_error("invalid_grant", "invalid assertion"))?;
    let key = config
        .public_key_pem
        .as_deref()
        .and_then(|pem| DecodingKey::from_rsa_pem(pem.as_bytes()).ok())
        .ok_or_else(|| oauth_error("invalid_grant", "invalid assertion"))?;
    let mut validation = Validation::new(Algorithm::RS256);
    let mut audiences: Vec<&str> = config.audiences.iter().map(String::as_str).collect();
    audiences.push(instance_url);
    validation.set_audience(&audiences);
    validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
    let data = jsonwebtoken::decode::<Claims>(assertion, &key, &validation).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind;
        match e.kind() {
            ErrorKind::ExpiredSignature => oauth_error("invalid_grant", "expired assertion"),
            ErrorKind::InvalidAudience => oauth_error("invalid_grant", "audience is invalid"),
            _ => oauth_error("invalid_grant", "invalid assertion"),
        }
    })?;
    if data.claims.iss != config.client_id {
        return Err(oauth_error(
            "invalid_client_id",
            "client identifier invalid",
        ));
    }
    if !config.users.iter().any(|(u, _)| *u == data.claims.sub) {
        return Err(oauth_error(
            "invalid_grant",
            "user hasn't approved this consumer",
        ));
    }
    Ok(None)
}

fn client_credentials_grant(
    state: &Shared,
    config: &OAuthConfig,
    form: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Grant {
    let (id, secret) = match basic_credentials(headers) {
        Some(pair) => {
            state.oauth.basic_auth.fetch_add(1, Ordering::SeqCst);
            pair
        }
        None => (
            form.get("client_id").cloned().unwrap_or_default(),
            form.get("client_secret").cloned().unwrap_or_default(),
        ),
    };
    check_client(config, &id, Some(&secret))?;
    Ok(None)
}

fn check_client(config: &OAuthConfig, id: &str, secret: Option<&str>) -> Result<(), OAuthError> {
    if id != config.client_id {
        return Err(oauth_error(
            "invalid_client_id",
            "client identifier invalid",
        ));
    }
    match secret {
        Some(s) if s != config.client_secret => {
            Err(oauth_error("invalid_client", "invalid client credentials"))
        }
        _ => Ok(()),
    }
}

fn refresh_grant(state: &Shared, config: &OAuthConfig, form: &HashMap<String, String>) -> Grant {
    let id = form.get("client_id").map(String::as_str).unwrap_or("");
    check_client(config, id, form.get("client_secret").map(String::as_str))?;
    let presented = form.get("refresh_token").map(String::as_str).unwrap_or("");
    let mut valid = lock(&state.oauth.refresh_tokens);
    if !valid.contains(presented) {
        return Err(oauth_error("invalid_grant", "expired access/refresh token"));
    }
    if !config.rotate_refresh_tokens {
        return Ok(None);
    }
    valid.remove(presented);
    let next = format!("5Aep861{}", random_text(40));
    valid.insert(next.clone());
    Ok(Some(next))
}

fn password_grant(config: &OAuthConfig, form: &HashMap<String, String>) -> Grant {
    let id = form.get("client_id").map(String::as_str).unwrap_or("");
    check_client(config, id, form.get("client_secret").map(String::as_str))?;
    let username = form.get("username").map(String::as_str).unwrap_or("");
    let password = form.get("password").map(String::as_str).unwrap_or("");
    if config
        .users
        .iter()
        .any(|(u, p)| u == username && p == password)
    {
        Ok(None)
    } else {
        Err(oauth_error("invalid_grant", "authentication failure"))
    }
}

/// `Authorization: Basic base64(id:secret)`.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?.trim();
    let decoded = String::from_utf8(base64_decode(encoded)?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// Standard base64 (with or without padding).
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn random_text(len: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..len)
        .map(|_| CHARS[fastrand::usize(..CHARS.len())] as char)
        .collect()
}

/// OAuth inspection and control, for tests.
impl Emulator {
    /// How many requests reached `/services/oauth2/token` (any grant, any outcome).
    pub fn oauth_token_requests(&self) -> u64 {
        self.shared().oauth.requests.load(Ordering::SeqCst)
    }

    /// How many token requests carried `grant_type` (e.g. `"refresh_token"`).
    pub fn oauth_token_requests_for(&self, grant_type: &str) -> u64 {
        lock(&self.shared().oauth.grants)
            .get(grant_type)
            .copied()
            .unwrap_or(0)
    }

    /// How many client-credentials requests authenticated the client with HTTP Basic.
    pub fn oauth_basic_auth_requests(&self) -> u64 {
        self.shared().oauth.basic_auth.load(Ordering::SeqCst)
    }

    /// Makes every access token issued by the token endpoint invalid (as if expired): requests
    /// with them get 401 `INVALID_SESSION_ID`. The emulator's own token is unaffected.
    pub fn expire_oauth_tokens(&self) {
        let state = self.shared();
        for token in lock(&state.oauth.issued).drain(..) {
            state.tokens.revoke(&token);
        }
    }

    /// Revokes a refresh token: using it answers `invalid_grant` / `expired access/refresh token`.
    pub fn revoke_refresh_token(&self, token: &str) {
        lock(&self.shared().oauth.refresh_tokens).remove(token);
    }

    /// Whether `token` is a currently valid refresh token.
    pub fn is_refresh_token_valid(&self, token: &str) -> bool {
        lock(&self.shared().oauth.refresh_tokens).contains(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64() {
        assert_eq!(base64_decode("aWQ6c2VjcmV0").unwrap(), b"id:secret");
        assert_eq!(base64_decode("YQ==").unwrap(), b"a");
        assert!(base64_decode("a*b").is_none());
    }
}
