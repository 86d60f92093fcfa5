//! [`AuthError`]: why a token could not be obtained.

use std::sync::Arc;

/// Why an access token could not be obtained. Reaches users as `Error::Auth`.
///
/// Never contains a secret: token endpoint bodies are parsed, not echoed, and request bodies
/// (which carry credentials) are never included.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The token endpoint answered with an OAuth error, e.g.
    /// `{"error":"invalid_grant","error_description":"expired access/refresh token"}`.
    #[error("{flow}: token endpoint returned HTTP {status}: {error}: {}", description.as_deref().unwrap_or("(no description)"))]
    OAuth {
        /// The flow that asked (`jwt-bearer`, `client-credentials`, ...).
        flow: &'static str,
        /// HTTP status of the token response.
        status: u16,
        /// Salesforce's `error` (`invalid_grant`, `invalid_client_id`, `invalid_client`, ...).
        error: String,
        /// Salesforce's `error_description`.
        description: Option<String>,
    },
    /// The token endpoint could not be reached.
    #[error("{flow}: could not reach the token endpoint {url}")]
    Transport {
        /// The flow that asked.
        flow: &'static str,
        /// The token endpoint URL (never carries credentials).
        url: String,
        /// The transport error.
        #[source]
        source: Arc<reqwest::Error>,
    },
    /// The token endpoint answered something that is neither a token nor an OAuth error.
    #[error("{flow}: unexpected token endpoint response (HTTP {status}): {message}")]
    InvalidResponse {
        /// The flow that asked.
        flow: &'static str,
        /// HTTP status of the response.
        status: u16,
        /// What was wrong (never the body itself, which may hold a token).
        message: String,
    },
    /// The configuration is incomplete or invalid (missing variable, unreadable key, bad URL).
    #[error("auth configuration: {0}")]
    Config(String),
    /// The Salesforce CLI executable could not be started.
    #[error(
        "the Salesforce CLI `{program}` was not found: install it (https://developer.salesforce.com/tools/salesforcecli) or set SF_CLI_PATH"
    )]
    CliNotFound {
        /// The program that was tried.
        program: String,
    },
    /// The Salesforce CLI ran but did not give a usable token.
    #[error("the Salesforce CLI failed: {message}")]
    Cli {
        /// What went wrong (the CLI's own message when it printed one).
        message: String,
    },
    /// The server rejected the token and the provider cannot issue a new one (a static token).
    #[error("the access token was rejected and the {provider} provider cannot refresh it")]
    NotRefreshable {
        /// The provider kind.
        provider: &'static str,
    },
    /// The refresh task stopped without a result (it panicked).
    #[error("token refresh did not complete: {0}")]
    RefreshAborted(String),
}

impl AuthError {
    /// Salesforce's OAuth `error` code, when the token endpoint sent one.
    pub fn oauth_error(&self) -> Option<&str> {
        match self {
            AuthError::OAuth { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Salesforce's `error_description`, when the token endpoint sent one.
    pub fn error_description(&self) -> Option<&str> {
        match self {
            AuthError::OAuth { description, .. } => description.as_deref(),
            _ => None,
        }
    }
}

impl From<AuthError> for crate::error::Error {
    fn from(err: AuthError) -> Self {
        crate::error::Error::Auth(err)
    }
}
