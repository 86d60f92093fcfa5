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

mod code;
mod duplicate;

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::types::Id;

pub use code::ErrorCode;
pub use duplicate::DuplicateValue;

/// `Result` with sforce's [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A shared, clonable error source.
pub type SharedSource = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// The request an error belongs to: HTTP method and path (no query string, no headers).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestContext {
    /// HTTP method.
    pub method: reqwest::Method,
    /// Path of the request on the instance, e.g. `/services/data/v62.0/sobjects/Task/uuid__c/K1`.
    pub path: String,
}

impl RequestContext {
    /// Builds a context from a method and a path (the query string, if any, is dropped).
    pub fn new(method: reqwest::Method, path: impl Into<String>) -> Self {
        let mut path = path.into();
        if let Some(pos) = path.find('?') {
            path.truncate(pos);
        }
        RequestContext { method, path }
    }
}

impl fmt::Display for RequestContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// One entry of a Salesforce error body.
///
/// Single-record REST errors use the key `errorCode`; sObject Collections results use
/// `statusCode`. Both are accepted when deserializing; serializing writes `errorCode`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiErrorItem {
    /// The error code.
    #[serde(rename = "errorCode", alias = "statusCode")]
    pub code: ErrorCode,
    /// Human-readable message.
    #[serde(default)]
    pub message: String,
    /// Fields the error concerns (absent on the wire for some codes; then empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

impl ApiErrorItem {
    /// Builds an item without fields.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiErrorItem {
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// Sets the fields the error concerns.
    pub fn with_fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.fields = fields.into_iter().map(Into::into).collect();
        self
    }
}

impl fmt::Display for ApiErrorItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if !self.fields.is_empty() {
            write!(f, " (fields: {})", self.fields.join(", "))?;
        }
        Ok(())
    }
}

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
    /// dropped, TLS, protocol error). The request may or may not have been applied.
    #[error("{context}: transport error: {source}")]
    #[non_exhaustive]
    Transport {
        /// The request.
        context: RequestContext,
        /// The underlying error.
        source: SharedSource,
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
    /// The client configuration is invalid.
    #[error("configuration error: {0}")]
    Config(ConfigError),
    /// Obtaining or refreshing an access token failed.
    #[error("authentication failed: {}{message}", error.as_deref().map(|e| format!("{e}: ")).unwrap_or_default())]
    #[non_exhaustive]
    Auth {
        /// The OAuth error code (`invalid_grant`, `invalid_client`, ...) when the server sent one.
        error: Option<String>,
        /// Description (never contains a secret).
        message: String,
    },
    /// An argument was rejected before any request was sent.
    #[error("invalid input: {message}")]
    #[non_exhaustive]
    InvalidInput {
        /// What is wrong.
        message: String,
    },
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
    pub fn api(context: RequestContext, status: u16, errors: Vec<ApiErrorItem>) -> Self {
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
            message: message.into(),
            body_excerpt: excerpt(body),
        }
    }

    /// An authentication error. `error` is the OAuth error code, if any. Never pass a secret.
    pub fn auth(error: Option<String>, message: impl Into<String>) -> Self {
        Error::Auth {
            error,
            message: message.into(),
        }
    }

    /// An invalid-input error.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Error::InvalidInput {
            message: message.into(),
        }
    }

    /// Maps a `reqwest` error to [`Error::Timeout`] or [`Error::Transport`].
    #[allow(dead_code)] // used by the client request pipeline
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
            | Error::Timeout { context }
            | Error::Decode { context, .. } => Some(context),
            Error::Config(_) | Error::Auth { .. } | Error::InvalidInput { .. } => None,
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

/// Maximum number of characters of a body kept in an error.
const EXCERPT_CHARS: usize = 300;

/// Keys whose string values are replaced by `[redacted]` in body excerpts.
const SECRET_KEYS: &[&str] = &[
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "password",
    "assertion",
    "sessionId",
];

/// The start of a body for an error message: lossy UTF-8, at most [`EXCERPT_CHARS`] characters,
/// values of well-known secret keys (`access_token`, `refresh_token`, ...) redacted.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let redacted = redact_secret_values(&text);
    let mut out: String = redacted.chars().take(EXCERPT_CHARS).collect();
    if redacted.chars().nth(EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    out
}

fn redact_secret_values(text: &str) -> String {
    let mut out = text.to_owned();
    for key in SECRET_KEYS {
        let needle = format!("\"{key}\"");
        let mut search_from = 0;
        while let Some(found) = out[search_from..].find(&needle) {
            let after_key = search_from + found + needle.len();
            // Skip whitespace and the colon, then expect a string value.
            let rest = &out[after_key..];
            let trimmed = rest.trim_start();
            let Some(after_colon) = trimmed.strip_prefix(':') else {
                search_from = after_key;
                continue;
            };
            let value = after_colon.trim_start();
            if !value.starts_with('"') {
                search_from = after_key;
                continue;
            }
            let value_start = out.len() - value.len() + 1;
            let value_end = find_string_end(&out[value_start..]).map(|n| value_start + n);
            let end = value_end.unwrap_or(out.len());
            out.replace_range(value_start..end, "[redacted]");
            search_from = value_start + "[redacted]".len();
        }
    }
    out
}

/// Byte offset of the closing quote of a JSON string whose content starts at `s[0]`.
fn find_string_end(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> RequestContext {
        RequestContext::new(
            reqwest::Method::PATCH,
            "/services/data/v62.0/sobjects/Task?x=1",
        )
    }

    #[test]
    fn error_is_clone_send_sync_and_small() {
        fn assert_traits<T: Clone + Send + Sync + 'static>() {}
        assert_traits::<Error>();
        assert!(std::mem::size_of::<Error>() <= 128);
    }

    #[test]
    fn context_drops_query() {
        assert_eq!(ctx().path, "/services/data/v62.0/sobjects/Task");
        assert_eq!(
            ctx().to_string(),
            "PATCH /services/data/v62.0/sobjects/Task"
        );
    }

    #[test]
    fn items_accept_error_code_and_status_code() {
        let single: Vec<ApiErrorItem> = serde_json::from_str(
            r#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#,
        )
        .unwrap();
        assert_eq!(single[0].code, ErrorCode::InvalidSessionId);
        assert!(single[0].fields.is_empty());
        let coll: ApiErrorItem = serde_json::from_str(
            r#"{"statusCode":"MALFORMED_ID","message":"bad","fields":["Id"]}"#,
        )
        .unwrap();
        assert_eq!(coll.code, ErrorCode::MalformedId);
        assert_eq!(coll.fields, vec!["Id"]);
        let other: ApiErrorItem =
            serde_json::from_str(r#"{"errorCode":"SOMETHING_NEW","message":"m"}"#).unwrap();
        assert_eq!(other.code, ErrorCode::Other("SOMETHING_NEW".into()));
        assert_eq!(
            serde_json::to_string(&other).unwrap(),
            r#"{"errorCode":"SOMETHING_NEW","message":"m"}"#
        );
    }

    #[test]
    fn display_has_method_path_and_codes() {
        let err = Error::api(
            ctx(),
            400,
            vec![
                ApiErrorItem::new(
                    ErrorCode::RequiredFieldMissing,
                    "Required fields are missing: [Name]",
                )
                .with_fields(["Name"]),
            ],
        );
        let text = err.to_string();
        assert!(
            text.contains("PATCH /services/data/v62.0/sobjects/Task"),
            "{text}"
        );
        assert!(text.contains("REQUIRED_FIELD_MISSING"), "{text}");
        assert!(text.contains("fields: Name"), "{text}");
    }

    #[test]
    fn duplicate_value_helpers() {
        let err = Error::api(
            ctx(),
            400,
            vec![ApiErrorItem::new(
                ErrorCode::DuplicateValue,
                "duplicate value found: uuid__c duplicates value on record with id: 00T5g00000AbCdE",
            )],
        );
        let dup = err.duplicate_value().unwrap();
        assert_eq!(dup.field, "uuid__c");
        assert_eq!(dup.record_id.unwrap().as_str(), "00T5g00000AbCdE");
        assert!(err.is_duplicate_on_field("UUID__C"));
        assert!(!err.is_duplicate_on_field("Email__c"));
        assert!(err.is_content_rejection());
        assert_eq!(err.retry_class(), RetryClass::Permanent);
    }

    #[test]
    fn classification() {
        let item = |code: ErrorCode, msg: &str| vec![ApiErrorItem::new(code, msg)];
        let lock = Error::api(
            ctx(),
            400,
            item(ErrorCode::UnableToLockRow, "unable to obtain"),
        );
        assert_eq!(lock.retry_class(), RetryClass::Transient);
        assert!(lock.is_retryable());
        assert!(!lock.is_content_rejection());
        let session = Error::api(
            ctx(),
            401,
            item(ErrorCode::InvalidSessionId, "Session expired"),
        );
        assert!(session.is_session_expired());
        let daily = Error::api(
            ctx(),
            403,
            item(
                ErrorCode::RequestLimitExceeded,
                "TotalRequests Limit exceeded.",
            ),
        );
        assert_eq!(daily.retry_class(), RetryClass::Permanent);
        let conc = Error::api(
            ctx(),
            403,
            item(
                ErrorCode::RequestLimitExceeded,
                "ConcurrentPerOrgLongTxn Limit exceeded",
            ),
        );
        assert_eq!(conc.retry_class(), RetryClass::Throttled);
        let unavailable = Error::api(ctx(), 503, item(ErrorCode::ServerUnavailable, ""));
        assert_eq!(unavailable.retry_class(), RetryClass::Transient);
        let invalid = Error::api(ctx(), 400, item(ErrorCode::InvalidField, "No such column"));
        assert!(invalid.is_content_rejection());
        assert_eq!(invalid.retry_class(), RetryClass::Permanent);
        let not_found = Error::api(ctx(), 404, item(ErrorCode::NotFound, "nope"));
        assert!(!not_found.is_content_rejection());
        assert!(not_found.is_not_found());
        assert_eq!(Error::timeout(ctx()).retry_class(), RetryClass::Ambiguous);
        let gateway = Error::Http {
            context: ctx(),
            status: 502,
            body_excerpt: String::new(),
        };
        assert!(gateway.is_retryable());
    }

    #[test]
    fn excerpt_redacts_and_truncates() {
        let body = br#"{"access_token" : "00D!secret\"x", "instance_url":"https://x","refresh_token":"r1"}"#;
        let text = excerpt(body);
        assert!(!text.contains("secret"), "{text}");
        assert!(!text.contains("r1"), "{text}");
        assert!(text.contains(r#""access_token" : "[redacted]""#), "{text}");
        assert!(text.contains("https://x"), "{text}");
        let long = "é".repeat(1000);
        let text = excerpt(long.as_bytes());
        assert_eq!(text.chars().count(), EXCERPT_CHARS + 1);
        assert_eq!(excerpt(b"\xff\xfeabc"), "\u{fffd}\u{fffd}abc");
    }
}
