//! OAuth 2.0 refresh token flow, with refresh-token rotation.

use std::fmt;
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;

use super::endpoint::TokenEndpoint;
use super::login::{LoginSettings, client_setters, login_setters, required};
use super::{AccessToken, AuthError, Secret, TokenProvider};
use crate::error::Error;

const FLOW: &str = "refresh-token";

type RotationCallback = Arc<dyn Fn(&Secret) + Send + Sync>;

/// The OAuth 2.0 refresh token flow: a stored refresh token (from a web-server or device
/// flow done once by a person) is exchanged for access tokens.
///
/// When the connected app rotates refresh tokens, each response carries a new refresh token and
/// the old one stops working. The new one is kept for the next refresh and handed to the
/// application, which must persist it: register [`RefreshTokenBuilder::on_rotation`], or read
/// [`RefreshToken::current_refresh_token`] before shutting down.
pub struct RefreshToken {
    client_id: String,
    client_secret: Option<Secret>,
    refresh_token: Mutex<Secret>,
    on_rotation: Option<RotationCallback>,
    endpoint: TokenEndpoint,
}

/// Builder of [`RefreshToken`].
#[derive(Default)]
pub struct RefreshTokenBuilder {
    client_id: Option<String>,
    client_secret: Option<Secret>,
    refresh_token: Option<Secret>,
    on_rotation: Option<RotationCallback>,
    login: LoginSettings,
}

impl RefreshToken {
    /// A builder.
    pub fn builder() -> RefreshTokenBuilder {
        RefreshTokenBuilder::default()
    }

    /// The refresh token the next refresh will use (the latest rotated one).
    pub fn current_refresh_token(&self) -> Secret {
        self.refresh_token
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl RefreshTokenBuilder {
    client_setters! {
        /// The consumer secret, if the connected app requires it for refresh.
        client_secret
    }

    /// The refresh token. Required.
    pub fn refresh_token(mut self, token: impl Into<Secret>) -> Self {
        self.refresh_token = Some(token.into());
        self
    }

    /// Called with the new refresh token whenever the server rotates it. Persist it: the old
    /// one no longer works. Runs on the refresh task; keep it quick and non-blocking.
    pub fn on_rotation(mut self, callback: impl Fn(&Secret) + Send + Sync + 'static) -> Self {
        self.on_rotation = Some(Arc::new(callback));
        self
    }

    login_setters! {
        /// Login URL (default `https://login.salesforce.com`; the My Domain URL works too).
        login_url, sandbox
    }

    /// Checks the settings.
    pub fn build(self) -> Result<RefreshToken, AuthError> {
        Ok(RefreshToken {
            client_id: required(self.client_id, FLOW, "client_id (consumer key)")?,
            client_secret: self.client_secret,
            refresh_token: Mutex::new(required(self.refresh_token, FLOW, "refresh_token")?),
            on_rotation: self.on_rotation,
            endpoint: self.login.endpoint(FLOW)?,
        })
    }
}

impl TokenProvider for RefreshToken {
    fn fetch(&self, http: &reqwest::Client) -> BoxFuture<'_, Result<AccessToken, Error>> {
        let http = http.clone();
        Box::pin(async move {
            let refresh_token = self.current_refresh_token();
            let mut form = vec![
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token.expose()),
                ("client_id", self.client_id.as_str()),
            ];
            if let Some(secret) = &self.client_secret {
                form.push(("client_secret", secret.expose()));
            }
            let granted = self.endpoint.request(&http, &form, None).await?;
            if let Some(new) = granted.refresh_token.filter(|new| *new != refresh_token) {
                tracing::info!(flow = FLOW, "refresh token rotated");
                *self.refresh_token.lock().unwrap_or_else(|p| p.into_inner()) = new.clone();
                if let Some(callback) = &self.on_rotation {
                    callback(&new);
                }
            }
            Ok(granted.token)
        })
    }

    fn kind(&self) -> &'static str {
        FLOW
    }

    fn secrets(&self) -> Vec<Secret> {
        let mut out = vec![self.current_refresh_token()];
        out.extend(self.client_secret.clone());
        out
    }
}

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshToken")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("refresh_token", &"[redacted]")
            .field("on_rotation", &self.on_rotation.is_some())
            .field("endpoint", &self.endpoint)
            .finish()
    }
}

impl fmt::Debug for RefreshTokenBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshTokenBuilder")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("refresh_token", &self.refresh_token)
            .field("on_rotation", &self.on_rotation.is_some())
            .field("login", &self.login)
            .finish()
    }
}
