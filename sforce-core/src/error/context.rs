//! What an error says about its request and the server's error items.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{ErrorCode, MAX_MESSAGE_CHARS, bounded};

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
    /// Builds a context from a method and a path (the query string, if any, is dropped; a
    /// path longer than 2 × [`MAX_MESSAGE_CHARS`] characters is cut and ends with `…`).
    pub fn new(method: reqwest::Method, path: impl Into<String>) -> Self {
        let mut path = path.into();
        if let Some(pos) = path.find('?') {
            path.truncate(pos);
        }
        if path.len() > 2 * MAX_MESSAGE_CHARS {
            path = bounded(&path, 2 * MAX_MESSAGE_CHARS);
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
