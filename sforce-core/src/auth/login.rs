//! Settings shared by the OAuth flows: the login URL and the assumed session lifetime.

use std::time::Duration;

use super::AuthError;
use super::endpoint::{PRODUCTION_LOGIN_URL, SANDBOX_LOGIN_URL, TokenEndpoint, token_url};

/// Login URL and session lifetime, as set on a flow's builder.
#[derive(Debug, Clone, Default)]
pub(crate) struct LoginSettings {
    pub login_url: Option<String>,
    pub session_lifetime: Option<Duration>,
}

impl LoginSettings {
    pub(crate) fn login_url(&self) -> &str {
        self.login_url.as_deref().unwrap_or(PRODUCTION_LOGIN_URL)
    }

    pub(crate) fn set_sandbox(&mut self) {
        self.login_url = Some(SANDBOX_LOGIN_URL.to_owned());
    }

    /// The checked token endpoint of `flow`.
    pub(crate) fn endpoint(&self, flow: &'static str) -> Result<TokenEndpoint, AuthError> {
        Ok(TokenEndpoint {
            flow,
            url: token_url(self.login_url())?,
            lifetime: self.session_lifetime,
        })
    }
}

/// Requires a builder field.
pub(crate) fn required<T>(value: Option<T>, flow: &str, what: &str) -> Result<T, AuthError> {
    value.ok_or_else(|| AuthError::Config(format!("{flow}: {what} is required")))
}

/// The login setters of an OAuth flow's builder, which keeps them in `login: LoginSettings`:
/// `login_url` (documented by the caller), `sandbox` (when given; not for flows that need a My
/// Domain URL) and `session_lifetime`.
macro_rules! login_setters {
    ($(#[$doc:meta])+ login_url, sandbox) => {
        $crate::auth::login::login_setters!($(#[$doc])+ login_url);

        /// Uses the sandbox login URL (`https://test.salesforce.com`).
        pub fn sandbox(mut self) -> Self {
            self.login.set_sandbox();
            self
        }
    };
    ($(#[$doc:meta])+ login_url) => {
        $(#[$doc])+
        pub fn login_url(mut self, url: impl Into<String>) -> Self {
            self.login.login_url = Some(url.into());
            self
        }

        /// How long issued sessions last (the org's session timeout), when known: tokens are
        /// then refreshed shortly before they expire instead of after a 401.
        pub fn session_lifetime(mut self, lifetime: ::std::time::Duration) -> Self {
            self.login.session_lifetime = Some(lifetime);
            self
        }
    };
}
pub(crate) use login_setters;

/// The client setters of an OAuth flow's builder, which keeps them in `client_id:
/// Option<String>` and `client_secret: Option<Secret>`: `client_id` (the consumer key,
/// required) and `client_secret` (documented by the caller: required or not depends on the
/// flow).
macro_rules! client_setters {
    ($(#[$doc:meta])+ client_secret) => {
        /// The consumer key. Required.
        pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
            self.client_id = Some(client_id.into());
            self
        }

        $(#[$doc])+
        pub fn client_secret(mut self, secret: impl Into<$crate::auth::Secret>) -> Self {
            self.client_secret = Some(secret.into());
            self
        }
    };
}
pub(crate) use client_setters;
