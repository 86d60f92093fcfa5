//! The client's view of credentials.
//!
//! Until `crate::auth::Session` is available this holds a fixed access token in a redacting
//! wrapper; the request pipeline only uses [`Credentials::token`] and
//! [`Credentials::refresh_after_rejection`], which map one-to-one onto the session's methods.

use std::fmt;

use crate::error::Result;

/// An access token that never prints itself.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct BearerToken(String);

impl BearerToken {
    pub(crate) fn new(token: String) -> Self {
        BearerToken(token)
    }

    /// The token, for the `Authorization` header only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Where the client gets its bearer token from.
#[derive(Debug)]
pub(crate) struct Credentials {
    token: BearerToken,
}

impl Credentials {
    pub(crate) fn fixed(token: String) -> Self {
        Credentials {
            token: BearerToken::new(token),
        }
    }

    /// The token to send.
    pub(crate) async fn token(&self, _http: &reqwest::Client) -> Result<BearerToken> {
        Ok(self.token.clone())
    }

    /// Called once after a 401 `INVALID_SESSION_ID`: a new token to retry with, or `None` when
    /// the credentials cannot be refreshed (a fixed token).
    pub(crate) async fn refresh_after_rejection(
        &self,
        _http: &reqwest::Client,
        _rejected: &BearerToken,
    ) -> Result<Option<BearerToken>> {
        Ok(None)
    }
}
