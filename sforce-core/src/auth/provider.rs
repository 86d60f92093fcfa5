//! The [`TokenProvider`] trait and [`StaticToken`].

use futures::future::BoxFuture;

use super::AccessToken;
use crate::error::Error;

/// Something that can obtain an access token: a fixed token, an OAuth flow, the Salesforce CLI.
///
/// [`Session`](super::Session) calls `fetch` (at most one call in flight per session) and caches
/// the result; implementations need no caching or locking of their own.
pub trait TokenProvider: Send + Sync + std::fmt::Debug + 'static {
    /// Obtains a fresh access token.
    fn fetch(&self, http: &reqwest::Client) -> BoxFuture<'_, Result<AccessToken, Error>>;

    /// Whether calling [`fetch`](Self::fetch) again can give a different token. `false` for a
    /// fixed token: a rejected one is then reported instead of retried.
    fn can_refresh(&self) -> bool {
        true
    }

    /// A short name for logs (`static`, `jwt-bearer`, ...).
    fn kind(&self) -> &'static str {
        "custom"
    }

    /// The secret values this provider holds (refresh token, client secret, password, private
    /// key, a fixed token). The client replaces each of them by `[redacted]` wherever text
    /// leaves the library (errors, logs), whatever key it appears under. Default: none.
    fn secrets(&self) -> Vec<super::Secret> {
        Vec::new()
    }
}

/// A fixed access token (e.g. from `SF_ACCESS_TOKEN`). It cannot be refreshed.
#[derive(Debug, Clone)]
pub struct StaticToken(AccessToken);

impl StaticToken {
    /// A fixed token.
    pub fn new(token: impl Into<super::Secret>) -> Self {
        Self(AccessToken::new(token))
    }

    /// Sets the instance URL reported with the token.
    pub fn with_instance_url(self, url: impl Into<String>) -> Self {
        Self(self.0.with_instance_url(url))
    }

    /// The token.
    pub fn token(&self) -> &AccessToken {
        &self.0
    }
}

impl From<AccessToken> for StaticToken {
    fn from(token: AccessToken) -> Self {
        Self(token)
    }
}

impl TokenProvider for StaticToken {
    fn fetch(&self, _http: &reqwest::Client) -> BoxFuture<'_, Result<AccessToken, Error>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }

    fn can_refresh(&self) -> bool {
        false
    }

    fn kind(&self) -> &'static str {
        "static"
    }

    fn secrets(&self) -> Vec<super::Secret> {
        vec![self.0.secret().clone()]
    }
}
