//! OAuth 2.0 client credentials flow.

use futures::future::BoxFuture;

use super::endpoint::TokenEndpoint;
use super::login::{LoginSettings, client_setters, login_setters, required};
use super::{AccessToken, AuthError, Secret, TokenProvider};
use crate::error::Error;

const FLOW: &str = "client-credentials";

/// The OAuth 2.0 client credentials flow: the connected app's consumer key and secret are
/// exchanged for a token of the app's configured "run as" user. Salesforce accepts it only on
/// the org's My Domain URL (not `login.salesforce.com`).
///
/// The credentials go in the form body by default, or in an HTTP Basic header with
/// [`ClientCredentialsBuilder::basic_auth`].
#[derive(Debug)]
pub struct ClientCredentials {
    client_id: String,
    client_secret: Secret,
    basic_auth: bool,
    endpoint: TokenEndpoint,
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
    client_setters! {
        /// The consumer secret. Required.
        client_secret
    }

    /// Sends the credentials as HTTP Basic authentication instead of form fields.
    pub fn basic_auth(mut self, basic: bool) -> Self {
        self.basic_auth = basic;
        self
    }

    login_setters! {
        /// The org's My Domain URL (e.g. `https://myorg.my.salesforce.com`), or an emulator's URL.
        login_url
    }

    /// Checks the settings.
    pub fn build(self) -> Result<ClientCredentials, AuthError> {
        Ok(ClientCredentials {
            client_id: required(self.client_id, FLOW, "client_id (consumer key)")?,
            client_secret: required(self.client_secret, FLOW, "client_secret")?,
            basic_auth: self.basic_auth,
            endpoint: self.login.endpoint(FLOW)?,
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
            Ok(self.endpoint.request(&http, &form, basic).await?.token)
        })
    }

    fn kind(&self) -> &'static str {
        FLOW
    }

    fn secrets(&self) -> Vec<Secret> {
        vec![self.client_secret.clone()]
    }
}
