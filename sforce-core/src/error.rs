//! The error type of sforce.
//!
//! Every fallible operation returns [`Result<T>`](Result), whose error is the single [`Error`]
//! enum. Errors are cheap to [`Clone`] (non-clonable sources are shared behind an [`Arc`]) so one
//! failure can be handed to every caller it concerns.
//!
//! Errors that come from an HTTP request carry a [`RequestContext`] (method and path, never the
//! query string, headers or token). Salesforce API errors are parsed into [`ApiErrorItem`]s with a
//! typed [`ErrorCode`]; helpers classify them ([`Error::retry_class`],
//! [`Error::is_content_rejection`], [`Error::duplicate_value`]).
//!
//! Sources follow one rule: an error that wraps another returns it from
//! [`source()`](std::error::Error::source) and does not repeat its text in its own `Display`
//! (the convention of the `std::error::Error` documentation and of thiserror). Print the whole
//! chain with [`Chain`], or with your reporting library (`anyhow`'s `{:#}`, ...):
//!
//! ```
//! use sforce_core::error::{Chain, ConfigError, Error};
//!
//! let err = Error::from(ConfigError::MissingToken);
//! assert_eq!(err.to_string(), "invalid configuration");
//! assert!(Chain(&err).to_string().starts_with("invalid configuration: no access token configured"));
//! ```

mod code;
mod context;
mod duplicate;
mod excerpt;

use std::fmt;
use std::sync::Arc;

use crate::auth::AuthError;
pub use crate::executor::ExecutorFailure;
use crate::types::Id;

pub(crate) use excerpt::{bounded, excerpt};

pub use code::ErrorCode;
pub use context::{ApiErrorItem, RequestContext};
pub use duplicate::DuplicateValue;

/// The longest message text an [`Error`] keeps from one source (an input, a server's error
/// item, a parser): longer text is cut and ends with `…`, so an error never carries (or
/// prints) an unbounded echo of a request or response.
pub const MAX_MESSAGE_CHARS: usize = 1000;

fn bounded_message(message: String) -> String {
    if message.len() <= MAX_MESSAGE_CHARS {
        message
    } else {
        bounded(&message, MAX_MESSAGE_CHARS)
    }
}

/// `Result` with sforce's [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A shared, clonable error source.
pub type SharedSource = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// Why a configuration was rejected (see [`Error::Config`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No instance URL was given.
    #[error("no instance URL configured (set it on the builder or in SF_INSTANCE_URL)")]
    MissingInstanceUrl,
    /// No access token or token provider was given.
    #[error("no access token configured (set it on the builder or in SF_ACCESS_TOKEN)")]
    MissingToken,
    /// A required environment variable is not set (or not valid Unicode).
    #[error("environment variable {name} is not set")]
    MissingEnv {
        /// The variable's name.
        name: String,
    },
    /// The instance URL cannot be used.
    #[error("invalid instance URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given (credentials, if any, removed).
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Plain `http://` to a host that is not loopback: the token would travel in clear text.
    #[error(
        "refusing plain http:// instance URL {url:?}: the access token would be sent unencrypted; \
         use https:// (http is only allowed for loopback hosts: 127.0.0.0/8, ::1, localhost)"
    )]
    InsecureHttp {
        /// The URL as given.
        url: String,
    },
    /// The API version is not of the form `NN.N` (e.g. `62.0`).
    #[error("invalid API version {value:?}: expected e.g. \"62.0\"")]
    InvalidApiVersion {
        /// The rejected text.
        value: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {message}")]
    HttpClient {
        /// The underlying message.
        message: String,
    },
}

/// How a caller may react to an error (see [`Error::retry_class`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryClass {
    /// A transient server-side condition (row lock, server unavailable, 502/503/504): retrying
    /// the same request with backoff is expected to succeed.
    Transient,
    /// A rate or concurrency limit: retry later, with a longer backoff.
    Throttled,
    /// The session expired or is invalid: refresh the token, then retry once.
    SessionExpired,
    /// The request may or may not have reached Salesforce (connection dropped, timeout): retry
    /// only if the operation is idempotent (an upsert by external ID is; a create is not).
    Ambiguous,
    /// Retrying the same request will fail the same way.
    Permanent,
}

/// Every error sforce returns.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Salesforce answered with an error status and a Salesforce error body.
    #[error("{context}: HTTP {status}: {}", DisplayItems(errors))]
    #[non_exhaustive]
    Api {
        /// The request.
        context: RequestContext,
        /// HTTP status code.
        status: u16,
        /// The parsed error entries (at least one).
        errors: Vec<ApiErrorItem>,
    },
    /// An error status whose body is not a Salesforce error body (e.g. a proxy's HTML page).
    #[error("{context}: HTTP {status}: {body_excerpt}")]
    #[non_exhaustive]
    Http {
        /// The request.
        context: RequestContext,
        /// HTTP status code.
        status: u16,
        /// The start of the body (secrets redacted).
        body_excerpt: String,
    },
    /// HTTP 300: an external-ID value matched several records; nothing was written.
    #[error("{context}: external ID matches {} records; nothing was written", urls.len())]
    #[non_exhaustive]
    MultipleMatches {
        /// The request.
        context: RequestContext,
        /// The matched records' URLs, as Salesforce sent them.
        urls: Vec<String>,
        /// The matched records' Ids (the last segment of each URL that is a valid Id).
        ids: Vec<Id>,
    },
    /// The request could not be sent or the response not received (connection refused or
    /// dropped, TLS, protocol error). The request may or may not have been applied. The cause
    /// is the [`source`](std::error::Error::source).
    #[error("{context}: transport error")]
    #[non_exhaustive]
    Transport {
        /// The request.
        context: RequestContext,
        /// The underlying error.
        #[source]
        source: SharedSource,
    },
    /// The write executor, not the request, failed a write: the operation carrying it panicked,
    /// its task stopped before finishing (the runtime shut down), or there was no Tokio runtime
    /// to run it on. The [`ExecutorFailure`] (the source) says which.
    #[error("{context}: write not completed")]
    #[non_exhaustive]
    Executor {
        /// The request the write would have been sent as.
        context: RequestContext,
        /// What happened.
        #[source]
        source: ExecutorFailure,
    },
    /// The request did not complete within the configured timeout. It may or may not have been
    /// applied.
    #[error("{context}: timed out")]
    #[non_exhaustive]
    Timeout {
        /// The request.
        context: RequestContext,
    },
    /// A response (or a value given to sforce) could not be decoded into the expected shape.
    #[error("{context}: cannot decode response (HTTP {status}): {message}; body: {body_excerpt}")]
    #[non_exhaustive]
    Decode {
        /// The request.
        context: RequestContext,
        /// HTTP status code of the response.
        status: u16,
        /// What went wrong (e.g. the serde error).
        message: String,
        /// The start of the body (secrets redacted).
        body_excerpt: String,
    },
    /// The client configuration is invalid; the [`ConfigError`] (the source) says why.
    #[error("invalid configuration")]
    Config(#[source] ConfigError),
    /// Obtaining or refreshing an access token failed; the [`AuthError`] (the source) says why
    /// (OAuth refusal, unreachable token endpoint, missing Salesforce CLI, incomplete
    /// configuration, ...) and never contains a secret.
    #[error("authentication failed")]
    Auth(#[source] AuthError),
    /// An argument was rejected before any request was sent.
    #[error("invalid input: {message}")]
    #[non_exhaustive]
    InvalidInput {
        /// What is wrong.
        message: String,
    },
    /// One collection call names the same record twice where that is refused (an update or
    /// delete of one Id twice); nothing was sent. Salesforce would fail those rows.
    #[error(
        "invalid input: {key} appears twice in one {operation} (positions {first} and {second}); nothing was sent"
    )]
    #[non_exhaustive]
    DuplicateKey {
        /// The collection operation (`update`, `delete`).
        operation: &'static str,
        /// The repeated key, e.g. the record Id.
        key: String,
        /// Position (0-based) of its first occurrence in the input.
        first: usize,
        /// Position of its second occurrence.
        second: usize,
    },
}

/// Displays an error followed by each of its [`source`](std::error::Error::source)s, joined by
/// `: `, e.g. `authentication failed: jwt-bearer: token endpoint returned HTTP 400: ...`.
///
/// sforce's errors do not repeat their source's text (see the [module docs](self)): use this
/// where a message is shown to a person.
#[derive(Clone, Copy)]
pub struct Chain<'a>(pub &'a (dyn std::error::Error + 'static));

impl fmt::Debug for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut next = self.0.source();
        while let Some(source) = next {
            write!(f, ": {source}")?;
            next = source.source();
        }
        Ok(())
    }
}

struct DisplayItems<'a>(&'a [ApiErrorItem]);

impl fmt::Display for DisplayItems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{item}")?;
        }
        Ok(())
    }
}

impl From<ConfigError> for Error {
    fn from(value: ConfigError) -> Self {
        Error::Config(value)
    }
}

impl Error {
    /// An API error (used by the client and the executor; public for tests and extensions).
    /// Each item's message is cut to [`MAX_MESSAGE_CHARS`] (a server may echo a whole value).
    pub fn api(context: RequestContext, status: u16, mut errors: Vec<ApiErrorItem>) -> Self {
        for item in &mut errors {
            item.message = bounded_message(std::mem::take(&mut item.message));
        }
        Error::Api {
            context,
            status,
            errors,
        }
    }

    /// A transport error wrapping any error source.
    pub fn transport(
        context: RequestContext,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Transport {
            context,
            source: Arc::new(source),
        }
    }

    /// A timeout.
    pub fn timeout(context: RequestContext) -> Self {
        Error::Timeout { context }
    }

    /// A decode error; `body` is shortened and redacted into the excerpt.
    pub fn decode(
        context: RequestContext,
        status: u16,
        message: impl Into<String>,
        body: &[u8],
    ) -> Self {
        Error::Decode {
            context,
            status,
            message: bounded_message(message.into()),
            body_excerpt: excerpt(body),
        }
    }

    /// An executor failure for the write that would have been sent as `context`.
    pub fn executor(context: RequestContext, failure: ExecutorFailure) -> Self {
        Error::Executor {
            context,
            source: failure,
        }
    }

    /// An invalid-input error. The message is cut to [`MAX_MESSAGE_CHARS`] (it may quote
    /// the input).
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Error::InvalidInput {
            message: bounded_message(message.into()),
        }
    }

    /// Maps a `reqwest` error to [`Error::Timeout`] or [`Error::Transport`].
    pub(crate) fn from_reqwest(context: RequestContext, err: reqwest::Error) -> Self {
        if err.is_timeout() {
            Error::Timeout { context }
        } else {
            // The URL holds no secret, but it is already in the context: drop the duplicate.
            Error::transport(context, err.without_url())
        }
    }

    /// The request this error belongs to, if it came from one.
    pub fn context(&self) -> Option<&RequestContext> {
        match self {
            Error::Api { context, .. }
            | Error::Http { context, .. }
            | Error::MultipleMatches { context, .. }
            | Error::Transport { context, .. }
            | Error::Executor { context, .. }
            | Error::Timeout { context }
            | Error::Decode { context, .. } => Some(context),
            Error::Config(_)
            | Error::Auth(_)
            | Error::InvalidInput { .. }
            | Error::DuplicateKey { .. } => None,
        }
    }

    /// The HTTP status of the response, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::Http { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            Error::MultipleMatches { .. } => Some(300),
            _ => None,
        }
    }

    /// Why authentication failed, if this is [`Error::Auth`].
    pub fn auth_error(&self) -> Option<&AuthError> {
        match self {
            Error::Auth(err) => Some(err),
            _ => None,
        }
    }

    /// Salesforce's OAuth `error` code (`invalid_grant`, `invalid_client`, ...), if this is an
    /// [`Error::Auth`] from a token endpoint refusal.
    pub fn oauth_error(&self) -> Option<&str> {
        self.auth_error().and_then(AuthError::oauth_error)
    }

    /// The API error entries (empty unless this is [`Error::Api`]).
    pub fn api_errors(&self) -> &[ApiErrorItem] {
        match self {
            Error::Api { errors, .. } => errors,
            _ => &[],
        }
    }

    /// The code of the first API error entry, if this is [`Error::Api`].
    pub fn api_code(&self) -> Option<&ErrorCode> {
        self.api_errors().first().map(|item| &item.code)
    }

    /// Whether any API error entry has `code`.
    pub fn has_code(&self, code: &ErrorCode) -> bool {
        self.api_errors().iter().any(|item| &item.code == code)
    }

    /// The unique-index collision of a `DUPLICATE_VALUE` error: the field and the Id of the
    /// record already holding the value, parsed from the message
    /// `duplicate value found: <Field> duplicates value on record with id: <Id>`.
    ///
    /// `None` for other errors, including the collection-only form
    /// `Duplicate external id specified: <value>` (the same key twice in one request).
    pub fn duplicate_value(&self) -> Option<DuplicateValue> {
        self.api_errors()
            .iter()
            .filter(|item| item.code == ErrorCode::DuplicateValue)
            .find_map(|item| DuplicateValue::parse(&item.message))
    }

    /// Whether this is a `DUPLICATE_VALUE` unique-index collision on `field` (compared
    /// case-insensitively, as Salesforce API names are). For an upsert by external ID on `field`
    /// this means a competing insert of the same key just committed: the same upsert, sent
    /// again, resolves to an update.
    pub fn is_duplicate_on_field(&self, field: &str) -> bool {
        self.duplicate_value()
            .is_some_and(|dup| dup.field.eq_ignore_ascii_case(field))
    }

    /// Whether Salesforce rejected the request because of what it wrote: an HTTP 400 whose
    /// entries are all validation or field errors (`INVALID_FIELD`, `STRING_TOO_LONG`,
    /// `REQUIRED_FIELD_MISSING`, `FIELD_CUSTOM_VALIDATION_EXCEPTION`, `DUPLICATE_VALUE`, unknown
    /// codes, ...), as opposed to a transient condition (`UNABLE_TO_LOCK_ROW`), a limit, or a
    /// session problem.
    ///
    /// A request carrying several callers' fields that is rejected for its content can be split
    /// to find whose fields caused it. Note that a `DUPLICATE_VALUE` on an upsert's **own**
    /// external-ID field is a race with another writer, not a content problem: check
    /// [`Error::is_duplicate_on_field`] first.
    pub fn is_content_rejection(&self) -> bool {
        match self {
            Error::Api { status, errors, .. } => {
                *status == 400
                    && !errors.is_empty()
                    && errors.iter().all(|item| item.code.is_content_error())
            }
            _ => false,
        }
    }

    /// Classifies the error for retrying (see [`RetryClass`]).
    pub fn retry_class(&self) -> RetryClass {
        match self {
            Error::Api { status, errors, .. } => {
                if errors.iter().any(|i| i.code == ErrorCode::InvalidSessionId) {
                    RetryClass::SessionExpired
                } else if errors.iter().any(is_concurrency_limit) {
                    RetryClass::Throttled
                } else if errors.iter().any(|i| {
                    matches!(
                        i.code,
                        ErrorCode::UnableToLockRow | ErrorCode::ServerUnavailable
                    )
                }) {
                    RetryClass::Transient
                } else if errors
                    .iter()
                    .any(|i| i.code == ErrorCode::RequestLimitExceeded)
                {
                    // The daily quota (`TotalRequests Limit exceeded`): retrying burns nothing
                    // but does not help until the quota resets.
                    RetryClass::Permanent
                } else {
                    status_class(*status)
                }
            }
            Error::Http { status, .. } => status_class(*status),
            Error::Transport { .. } | Error::Timeout { .. } => RetryClass::Ambiguous,
            // The task stopped with the request possibly sent; a panic or a missing runtime
            // will happen again.
            Error::Executor {
                source: ExecutorFailure::Abandoned,
                ..
            } => RetryClass::Ambiguous,
            _ => RetryClass::Permanent,
        }
    }

    /// Whether retrying the same request later is expected to help regardless of idempotency
    /// ([`RetryClass::Transient`] or [`RetryClass::Throttled`]).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.retry_class(),
            RetryClass::Transient | RetryClass::Throttled
        )
    }

    /// Whether the session expired or is invalid (401 `INVALID_SESSION_ID`).
    pub fn is_session_expired(&self) -> bool {
        self.retry_class() == RetryClass::SessionExpired
    }

    /// Whether this is a 404 / `NOT_FOUND`.
    pub fn is_not_found(&self) -> bool {
        self.has_code(&ErrorCode::NotFound) || self.status() == Some(404)
    }
}

fn status_class(status: u16) -> RetryClass {
    match status {
        401 => RetryClass::SessionExpired,
        429 => RetryClass::Throttled,
        502..=504 => RetryClass::Transient,
        _ => RetryClass::Permanent,
    }
}

/// `REQUEST_LIMIT_EXCEEDED` for the concurrent long-running request limit (as opposed to the
/// daily quota): e.g. `ConcurrentPerOrgLongTxn Limit exceeded`.
fn is_concurrency_limit(item: &ApiErrorItem) -> bool {
    item.code == ErrorCode::RequestLimitExceeded && item.message.contains("Concurrent")
}

#[cfg(test)]
mod tests;
