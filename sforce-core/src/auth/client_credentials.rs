//! OAuth 2.0 client credentials flow.

use std::fmt;
use std::time::Duration;

use futures::future::BoxFuture;
use url::Url;

use super::endpoint::TokenRequest;
use super::login::{LoginSettings, required};
use super::{AccessToken, AuthError, Secret, TokenProvider};
use crate::error::Error;

const FLOW: &str = "client-credentials";

/// The OAuth 2.0 client credentials flow: the connected app's consumer key and secret are
/// exchanged for a token of the app's configured "run as" user. Salesforce accepts it only on
/// the org's My Domain URL (not `login.salesforce.com`).
///
/// The credentials go in the form body by default, or in an HTTP Basic header with
/// [`ClientCredentialsBuilder::basic_auth`].
pub struct ClientCredentials {
    client_id: String,
    client_secret: Secret,
    basic_auth: bool,
    token_url: Url,
    session_lifetime: Option<Duration>,
}

/// Builder of [`ClientCredentials`].
#[derive(Debug, Default)]
pub struct ClientCredentialsBuilder {
    client_id: Option<String>,
    client_secret: Option<Secret>,
    basic_auth: bool,
    login: LoginSettings,
}

impl ClientCredentials {
    /// A builder.
    pub fn builder() -> ClientCredentialsBuilder {
        ClientCredentialsBuilder::default()
    }
}

impl ClientCredentialsBuilder {
    /// The consumer key. Required.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The consumer secret. Required.
    pub fn client_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }

    /// Sends the credentials as HTTP Basic authentication instead of form fields.
    pub fn basic_auth(mut self, basic: bool) -> Self {
        self.basic_auth = basic;
        self
    }

    /// The org's My Domain URL (e.g. `https://myorg.my.salesforce.com`), or an emulator's URL.
    pub fn login_url(mut self, url: impl Into<String>) -> Self {
        self.login.login_url = Some(url.into());
        self
    }

    /// How long issued sessions last, when known (enables refresh before expiry).
    pub fn session_lifetime(mut self, lifetime: Duration) -> Self {
        self.login.session_lifetime = Some(lifetime);
        self
    }

    /// Checks the settings.
    pub fn build(self) -> Result<ClientCredentials, AuthError> {
        Ok(ClientCredentials {
            client_id: required(self.client_id, FLOW, "client_id (consumer key)")?,
            client_secret: required(self.client_secret, FLOW, "client_secret")?,
            basic_auth: self.basic_auth,
            token_url: self.login.token_url()?,
            session_lifetime: self.login.session_lifetime,
        })
    }
}

impl TokenProvider for ClientCredentials {
    fn fetch(&self, http: &reqwest::Client) -> BoxFuture<'_, Result<AccessToken, Error>> {
        let http = http.clone();
        Box::pin(async move {
            let mut form = vec![("grant_type", "client_credentials")];
            let mut basic = None;
            if self.basic_auth {
                basic = Some((self.client_id.as_str(), &self.client_secret));
            } else {
                form.push(("client_id", &self.client_id));
                form.push(("client_secret", self.client_secret.expose()));
            }
            let granted = TokenRequest {
                flow: FLOW,
                url: &self.token_url,
                form,
                basic,
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

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("basic_auth", &self.basic_auth)
            .field("token_url", &self.token_url.as_str())
            .field("session_lifetime", &self.session_lifetime)
            .finish()
    }
}
