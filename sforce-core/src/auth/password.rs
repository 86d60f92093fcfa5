//! OAuth 2.0 username-password flow (being retired by Salesforce).

use std::fmt;
use std::time::Duration;

use futures::future::BoxFuture;
use url::Url;

use super::endpoint::TokenRequest;
use super::login::{LoginSettings, required};
use super::{AccessToken, AuthError, Secret, TokenProvider};
use crate::error::Error;

const FLOW: &str = "username-password";

/// The OAuth 2.0 username-password flow (`grant_type=password`).
///
/// **Being retired by Salesforce:** it is blocked by default in orgs created since Summer '23
/// and Salesforce recommends against it. Prefer [`JwtBearer`](super::JwtBearer) or
/// [`ClientCredentials`](super::ClientCredentials) for integrations. (This is the OAuth grant,
/// not the SOAP `login()` call, which is also being retired and is not supported.)
///
/// When the org requires it, the user's security token is appended to the password
/// ([`UsernamePasswordBuilder::security_token`]).
pub struct UsernamePassword {
    client_id: String,
    client_secret: Option<Secret>,
    username: String,
    password: Secret,
    token_url: Url,
    session_lifetime: Option<Duration>,
}

/// Builder of [`UsernamePassword`].
#[derive(Debug, Default)]
pub struct UsernamePasswordBuilder {
    client_id: Option<String>,
    client_secret: Option<Secret>,
    username: Option<String>,
    password: Option<Secret>,
    security_token: Option<Secret>,
    login: LoginSettings,
}

impl UsernamePassword {
    /// A builder.
    pub fn builder() -> UsernamePasswordBuilder {
        UsernamePasswordBuilder::default()
    }
}

impl UsernamePasswordBuilder {
    /// The consumer key. Required.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The consumer secret (required unless the connected app waives it).
    pub fn client_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }

    /// The username. Required.
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// The password. Required.
    pub fn password(mut self, password: impl Into<Secret>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// The user's security token, appended to the password.
    pub fn security_token(mut self, token: impl Into<Secret>) -> Self {
        self.security_token = Some(token.into());
        self
    }

    /// Login URL (default `https://login.salesforce.com`).
    pub fn login_url(mut self, url: impl Into<String>) -> Self {
        self.login.login_url = Some(url.into());
        self
    }

    /// Uses the sandbox login URL (`https://test.salesforce.com`).
    pub fn sandbox(mut self) -> Self {
        self.login.set_sandbox();
        self
    }

    /// How long issued sessions last, when known (enables refresh before expiry).
    pub fn session_lifetime(mut self, lifetime: Duration) -> Self {
        self.login.session_lifetime = Some(lifetime);
        self
    }

    /// Checks the settings.
    pub fn build(self) -> Result<UsernamePassword, AuthError> {
        let password = required(self.password, FLOW, "password")?;
        let password = match self.security_token {
            Some(token) => Secret::new(format!("{}{}", password.expose(), token.expose())),
            None => password,
        };
        Ok(UsernamePassword {
            client_id: required(self.client_id, FLOW, "client_id (consumer key)")?,
            client_secret: self.client_secret,
            username: required(self.username, FLOW, "username")?,
            password,
            token_url: self.login.token_url()?,
            session_lifetime: self.login.session_lifetime,
        })
    }
}

impl TokenProvider for UsernamePassword {
    fn fetch(&self, http: &reqwest::Client) -> BoxFuture<'_, Result<AccessToken, Error>> {
        let http = http.clone();
        Box::pin(async move {
            let mut form = vec![
                ("grant_type", "password"),
                ("client_id", self.client_id.as_str()),
                ("username", self.username.as_str()),
                ("password", self.password.expose()),
            ];
            if let Some(secret) = &self.client_secret {
                form.push(("client_secret", secret.expose()));
            }
            let granted = TokenRequest {
                flow: FLOW,
                url: &self.token_url,
                form,
                basic: None,
                lifetime: self.session_lifetime,
            }
            .send(&http)
            .await?;
            Ok(granted.token)
        })
    }

    fn kind(&self) -> &'static str {
        FLOW
    }
}

impl fmt::Debug for UsernamePassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UsernamePassword")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("username", &self.username)
            .field("password", &self.password)
            .field("token_url", &self.token_url.as_str())
            .field("session_lifetime", &self.session_lifetime)
            .finish()
    }
}
