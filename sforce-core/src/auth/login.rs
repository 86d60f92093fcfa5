//! Settings shared by the OAuth flows: the login URL and the assumed session lifetime.

use std::time::Duration;

use url::Url;

use super::AuthError;
use super::endpoint::{PRODUCTION_LOGIN_URL, SANDBOX_LOGIN_URL, token_url};

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

    pub(crate) fn token_url(&self) -> Result<Url, AuthError> {
        token_url(self.login_url())
    }
}

/// Requires a builder field.
pub(crate) fn required<T>(value: Option<T>, flow: &str, what: &str) -> Result<T, AuthError> {
    value.ok_or_else(|| AuthError::Config(format!("{flow}: {what} is required")))
}
