//! OAuth 2.0 username-password flow (being retired by Salesforce).

use futures::future::BoxFuture;

use super::endpoint::TokenEndpoint;
use super::login::{LoginSettings, client_setters, login_setters, required};
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
#[derive(Debug)]
pub struct UsernamePassword {
    client_id: String,
    client_secret: Option<Secret>,
    username: String,
    password: Secret,
    endpoint: TokenEndpoint,
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
    client_setters! {
        /// The consumer secret (required unless the connected app waives it).
        client_secret
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

    login_setters! {
        /// Login URL (default `https://login.salesforce.com`).
        login_url, sandbox
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
            endpoint: self.login.endpoint(FLOW)?,
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
            Ok(self.endpoint.request(&http, &form, None).await?.token)
        })
    }

    fn kind(&self) -> &'static str {
        FLOW
    }

    fn secrets(&self) -> Vec<Secret> {
        let mut out = vec![self.password.clone()];
        out.extend(self.client_secret.clone());
        out
    }
}
