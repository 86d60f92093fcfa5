//! [`AccessToken`]: an OAuth access token with what is known about it.

use std::fmt;
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderValue;

use super::{AuthError, Secret};

/// An OAuth access token, the instance it is valid for, and its expiry when known.
///
/// Salesforce's token endpoint does not say when a token expires (the session timeout is an org
/// setting); `expires_at` is set only when a provider was told the lifetime or the server sent
/// `expires_in`. Without it, expiry is discovered by a 401 `INVALID_SESSION_ID`.
#[derive(Clone)]
#[non_exhaustive]
pub struct AccessToken {
    token: Secret,
    instance_url: Option<String>,
    issued_at: Option<SystemTime>,
    expires_at: Option<SystemTime>,
}

impl AccessToken {
    /// A token with no known instance URL or expiry.
    pub fn new(token: impl Into<Secret>) -> Self {
        Self {
            token: token.into(),
            instance_url: None,
            issued_at: None,
            expires_at: None,
        }
    }

    /// Sets the instance URL the token is valid for (e.g. `https://myorg.my.salesforce.com`).
    pub fn with_instance_url(mut self, url: impl Into<String>) -> Self {
        self.instance_url = Some(url.into());
        self
    }

    /// Sets when the token was issued.
    pub fn with_issued_at(mut self, at: SystemTime) -> Self {
        self.issued_at = Some(at);
        self
    }

    /// Sets when the token expires.
    pub fn with_expires_at(mut self, at: SystemTime) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// The token itself (redacted in `Debug`).
    pub fn secret(&self) -> &Secret {
        &self.token
    }

    /// The raw token, for the `Authorization` header only.
    pub fn expose(&self) -> &str {
        self.token.expose()
    }

    /// The instance URL the token endpoint returned, if any.
    pub fn instance_url(&self) -> Option<&str> {
        self.instance_url.as_deref()
    }

    /// When the token was issued, if known (`issued_at`).
    pub fn issued_at(&self) -> Option<SystemTime> {
        self.issued_at
    }

    /// When the token expires, if known.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }

    /// Whether the token is known to expire within `margin` from now. `false` when the expiry
    /// is unknown.
    pub fn expires_within(&self, margin: Duration) -> bool {
        match self.expires_at {
            Some(at) => SystemTime::now() + margin >= at,
            None => false,
        }
    }

    /// Whether the token is known to have expired.
    pub fn is_expired(&self) -> bool {
        self.expires_within(Duration::ZERO)
    }

    /// `Bearer <token>` as a header value marked sensitive (hyper and reqwest then keep it out
    /// of their debug output).
    pub fn authorization_header(&self) -> Result<HeaderValue, AuthError> {
        let mut value =
            HeaderValue::try_from(format!("Bearer {}", self.token.expose())).map_err(|_| {
                AuthError::Config("access token contains invalid header characters".into())
            })?;
        value.set_sensitive(true);
        Ok(value)
    }

    /// Whether two tokens carry the same token string.
    pub(crate) fn same_token(&self, other: &AccessToken) -> bool {
        self.token == other.token
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &self.token)
            .field("instance_url", &self.instance_url)
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}
