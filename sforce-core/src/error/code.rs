//! [`ErrorCode`]: Salesforce's error codes as a typed enum.

use std::fmt;
use std::str::FromStr;

macro_rules! error_codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $wire:literal, content = $content:literal; )*) => {
        /// A Salesforce error code (`errorCode` / `statusCode` on the wire).
        ///
        /// Known codes have their own variant; any other code is kept verbatim in
        /// [`ErrorCode::Other`], never rejected. New variants may be added in minor releases (a
        /// code previously reported as `Other` then gets its own variant).
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[doc = $doc])* #[doc = concat!("\n\nWire name: `", $wire, "`.")] $variant, )*
            /// A code without its own variant, kept verbatim.
            Other(String),
        }

        impl ErrorCode {
            /// The code as Salesforce writes it, e.g. `"DUPLICATE_VALUE"`.
            pub fn as_str(&self) -> &str {
                match self {
                    $( ErrorCode::$variant => $wire, )*
                    ErrorCode::Other(code) => code,
                }
            }

            /// Parses a wire code; unknown codes become [`ErrorCode::Other`].
            pub fn from_wire(code: &str) -> Self {
                match code {
                    $( $wire => ErrorCode::$variant, )*
                    other => ErrorCode::Other(other.to_owned()),
                }
            }

            /// Whether the code describes a problem with the data written (validation, field or
            /// type errors, unique-index collisions) rather than a transient condition, a limit,
            /// a session problem or a missing resource. Unknown codes count as content errors.
            pub(crate) fn is_content_error(&self) -> bool {
                match self {
                    $( ErrorCode::$variant => $content, )*
                    ErrorCode::Other(_) => true,
                }
            }
        }
    };
}

error_codes! {
    /// A unique index already holds the value (or, in collections, the same external ID appears
    /// twice in one request).
    DuplicateValue = "DUPLICATE_VALUE", content = true;
    /// An external ID matched several existing records (collections).
    DuplicateExternalId = "DUPLICATE_EXTERNAL_ID", content = true;
    /// The record is locked by another transaction; retry with backoff.
    UnableToLockRow = "UNABLE_TO_LOCK_ROW", content = false;
    /// The server is temporarily unavailable (HTTP 503); retry.
    ServerUnavailable = "SERVER_UNAVAILABLE", content = false;
    /// An API request limit was exceeded (HTTP 403): the daily quota or a concurrency limit.
    RequestLimitExceeded = "REQUEST_LIMIT_EXCEEDED", content = false;
    /// The session expired or the token is invalid (HTTP 401).
    InvalidSessionId = "INVALID_SESSION_ID", content = false;
    /// A field does not exist on the sObject.
    InvalidField = "INVALID_FIELD", content = true;
    /// A required field is missing.
    RequiredFieldMissing = "REQUIRED_FIELD_MISSING", content = true;
    /// A string is longer than the field allows.
    StringTooLong = "STRING_TOO_LONG", content = true;
    /// An Id is malformed or of the wrong type.
    MalformedId = "MALFORMED_ID", content = true;
    /// A field cannot be created or updated (read-only, calculated, ...).
    InvalidFieldForInsertUpdate = "INVALID_FIELD_FOR_INSERT_UPDATE", content = true;
    /// A validation rule rejected the record.
    FieldCustomValidationException = "FIELD_CUSTOM_VALIDATION_EXCEPTION", content = true;
    /// The request body is not valid JSON.
    JsonParserError = "JSON_PARSER_ERROR", content = true;
    /// The resource does not exist (HTTP 404).
    NotFound = "NOT_FOUND", content = false;
    /// A value is not allowed by a restricted picklist.
    InvalidOrNullForRestrictedPicklist = "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", content = true;
    /// A field value has the wrong JSON type for the field.
    InvalidTypeOnFieldInRecord = "INVALID_TYPE_ON_FIELD_IN_RECORD", content = true;
    /// Another record of an all-or-none collection request failed, so this one was rolled back.
    AllOrNoneOperationRolledBack = "ALL_OR_NONE_OPERATION_ROLLED_BACK", content = false;
    /// Too many records in one collection request (more than 200).
    ExceededIdLimit = "EXCEEDED_ID_LIMIT", content = true;
    /// The SOQL query is malformed.
    MalformedQuery = "MALFORMED_QUERY", content = true;
    /// An unknown sObject type (e.g. in SOQL).
    InvalidType = "INVALID_TYPE", content = true;
    /// A field's value violates the integrity of the record (e.g. wrong reference type).
    FieldIntegrityException = "FIELD_INTEGRITY_EXCEPTION", content = true;
    /// A referenced record does not exist or is of the wrong type.
    InvalidCrossReferenceKey = "INVALID_CROSS_REFERENCE_KEY", content = true;
    /// The user may not perform the operation on the record.
    InsufficientAccessOrReadonly = "INSUFFICIENT_ACCESS_OR_READONLY", content = false;
    /// The record was deleted.
    EntityIsDeleted = "ENTITY_IS_DELETED", content = false;
    /// The HTTP method is not allowed on the resource (HTTP 405).
    MethodNotAllowed = "METHOD_NOT_ALLOWED", content = false;
    /// The API is disabled for the org or user.
    ApiDisabledForOrg = "API_DISABLED_FOR_ORG", content = false;
    /// An unexpected server error (HTTP 500), reported with an ErrorId.
    UnknownException = "UNKNOWN_EXCEPTION", content = false;
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ErrorCode {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(ErrorCode::from_wire(s))
    }
}

impl From<&str> for ErrorCode {
    fn from(value: &str) -> Self {
        ErrorCode::from_wire(value)
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = std::borrow::Cow::<str>::deserialize(deserializer)?;
        Ok(ErrorCode::from_wire(&code))
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn wire_round_trip() {
        for wire in [
            "DUPLICATE_VALUE",
            "DUPLICATE_EXTERNAL_ID",
            "UNABLE_TO_LOCK_ROW",
            "SERVER_UNAVAILABLE",
            "REQUEST_LIMIT_EXCEEDED",
            "INVALID_SESSION_ID",
            "INVALID_FIELD",
            "REQUIRED_FIELD_MISSING",
            "STRING_TOO_LONG",
            "MALFORMED_ID",
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            "FIELD_CUSTOM_VALIDATION_EXCEPTION",
            "JSON_PARSER_ERROR",
            "NOT_FOUND",
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            "INVALID_TYPE_ON_FIELD_IN_RECORD",
            "ALL_OR_NONE_OPERATION_ROLLED_BACK",
            "EXCEEDED_ID_LIMIT",
            "MALFORMED_QUERY",
            "METHOD_NOT_ALLOWED",
            "UNKNOWN_EXCEPTION",
        ] {
            let code = ErrorCode::from_wire(wire);
            assert!(
                !matches!(code, ErrorCode::Other(_)),
                "{wire} has no variant"
            );
            assert_eq!(code.as_str(), wire);
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{wire}\""));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
        assert_eq!(
            ErrorCode::from_wire("BRAND_NEW"),
            ErrorCode::Other("BRAND_NEW".into())
        );
        assert_eq!(
            ErrorCode::Other("BRAND_NEW".into()).to_string(),
            "BRAND_NEW"
        );
    }
}
