//! Salesforce-shaped error answers: `[{"message","errorCode","fields"}]` with an HTTP status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// One error answer. Converts into the HTTP response Salesforce would send.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    /// `None` omits the `fields` key (as Salesforce does for NOT_FOUND and INVALID_SESSION_ID).
    pub(crate) fields: Option<Vec<String>>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            fields: Some(Vec::new()),
        }
    }

    fn with_fields(mut self, fields: &[&str]) -> Self {
        self.fields = Some(fields.iter().map(|f| (*f).to_owned()).collect());
        self
    }

    fn without_fields(mut self) -> Self {
        self.fields = None;
        self
    }

    /// 401 INVALID_SESSION_ID.
    pub(crate) fn invalid_session() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "INVALID_SESSION_ID",
            "Session expired or invalid",
        )
        .without_fields()
    }

    /// 404 NOT_FOUND for an unknown resource, sObject, record or API version.
    pub(crate) fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "The requested resource does not exist",
        )
        .without_fields()
    }

    /// 404 NOT_FOUND for an upsert / read on a field that is not an accessible external ID.
    pub(crate) fn unknown_external_id_field(field: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            format!("Provided external ID field does not exist or is not accessible: {field}"),
        )
        .without_fields()
    }

    /// 400 DUPLICATE_VALUE from the unique index.
    pub(crate) fn duplicate_value(field: &str, existing_id: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "DUPLICATE_VALUE",
            format!(
                "duplicate value found: {field} duplicates value on record with id: {existing_id}"
            ),
        )
    }

    /// 400 JSON_PARSER_ERROR.
    pub(crate) fn json_parser(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "JSON_PARSER_ERROR", message)
    }

    /// 400 INVALID_FIELD for an unknown column.
    pub(crate) fn invalid_field(field: &str, sobject: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "INVALID_FIELD",
            format!("No such column '{field}' on sobject of type {sobject}"),
        )
    }

    /// 400 INVALID_FIELD with a free message.
    pub(crate) fn invalid_field_message(message: impl Into<String>, field: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALID_FIELD", message).with_fields(&[field])
    }

    /// 400 INVALID_FIELD_FOR_INSERT_UPDATE for a field that is not createable / updateable.
    pub(crate) fn not_writable(field: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            format!(
                "Unable to create/update fields: {field}. Please check the security settings of \
                 this field and verify that it is read/write for your profile or permission set."
            ),
        )
        .with_fields(&[field])
    }

    /// 400 STRING_TOO_LONG.
    pub(crate) fn string_too_long(label: &str, field: &str, value: &str, max: u32) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "STRING_TOO_LONG",
            format!("{label}: data value too large: {value} (max length={max})"),
        )
        .with_fields(&[field])
    }

    /// 400 REQUIRED_FIELD_MISSING listing every missing field.
    pub(crate) fn required_missing(fields: &[&str]) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "REQUIRED_FIELD_MISSING",
            format!("Required fields are missing: [{}]", fields.join(", ")),
        )
        .with_fields(fields)
    }

    /// 400 INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST.
    pub(crate) fn bad_picklist(label: &str, field: &str, value: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            format!("{label}: bad value for restricted picklist field: {value}"),
        )
        .with_fields(&[field])
    }

    /// 400 MALFORMED_ID. `label` is the field label ("Related To ID") or `<Object> ID`.
    pub(crate) fn malformed_id(label: &str, field: &str, value: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "MALFORMED_ID",
            format!("{label}: id value of incorrect type: {value}"),
        )
        .with_fields(&[field])
    }

    /// 400 for a failed query (MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE, ...): query
    /// errors carry no `fields` key.
    pub(crate) fn query(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message).without_fields()
    }

    /// 400 NUMBER_OUTSIDE_VALID_RANGE. How Salesforce formats `<value>` (e.g. `1.0E10` for a
    /// double) is unconfirmed; the value is shown as JSON writes it.
    pub(crate) fn number_outside_range(label: &str, field: &str, value: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "NUMBER_OUTSIDE_VALID_RANGE",
            // unconfirmed: how <value> is formatted (JSON's form here).
            format!("{label}: value outside of valid range on numeric field: {value}"),
        )
        .with_fields(&[field])
    }

    /// 400 INVALID_EMAIL_ADDRESS.
    pub(crate) fn invalid_email(label: &str, field: &str, value: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "INVALID_EMAIL_ADDRESS",
            format!("{label}: invalid email address: {value}"),
        )
        .with_fields(&[field])
    }

    /// 400 FIELD_INTEGRITY_EXCEPTION: a reference to a record of an object the field does not
    /// refer to. The code is unconfirmed (Salesforce may answer MALFORMED_ID); the message is
    /// the one Salesforce gives for Ids of the wrong type.
    pub(crate) fn field_integrity(label: &str, field: &str, value: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            // unconfirmed: this code (rather than MALFORMED_ID) for an Id of the wrong object.
            "FIELD_INTEGRITY_EXCEPTION",
            format!("{label}: id value of incorrect type: {value}"),
        )
        .with_fields(&[field])
    }

    /// 400 INVALID_CROSS_REFERENCE_KEY: a well-formed Id of the right type naming no record.
    /// Whether Salesforce lists the field in `fields` is unconfirmed; it is listed here.
    pub(crate) fn invalid_cross_reference(field: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "INVALID_CROSS_REFERENCE_KEY",
            "invalid cross reference id",
        )
        // unconfirmed: whether `fields` names the reference field.
        .with_fields(&[field])
    }

    /// The JSON body: a one-element array.
    pub(crate) fn body(&self) -> Value {
        let mut item = json!({"message": self.message, "errorCode": self.code});
        if let Some(fields) = &self.fields {
            item["fields"] = json!(fields);
        }
        json!([item])
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}

/// Bulk API 2.0 answers and row errors.
impl ApiError {
    /// 400 INVALIDJOBSTATE: a transition or upload the job's state does not allow.
    pub(crate) fn invalid_job_state(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALIDJOBSTATE", message).without_fields()
    }

    /// 400 INVALIDJOB: a job request that cannot be accepted.
    pub(crate) fn invalid_job(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALIDJOB", message).without_fields()
    }

    /// 400 FEATURENOTENABLED-like refusal of a body that is not CSV text.
    pub(crate) fn invalid_content(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALIDCONTENT", message).without_fields()
    }

    /// Row error: the key appears in several rows of one job.
    pub(crate) fn duplicate_in_job(field: &str, value: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "DUPLICATE_VALUE",
            format!("Duplicate external id specified: {value}"),
        )
        .with_fields(&[field])
    }

    /// Row error: the record of an update or delete does not exist (any more).
    pub(crate) fn entity_is_deleted() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "ENTITY_IS_DELETED",
            "entity is deleted",
        )
    }
}

impl ApiError {
    /// 405 METHOD_NOT_ALLOWED.
    pub(crate) fn method_not_allowed(method: &str, allowed: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            format!("HTTP Method '{method}' not allowed. Allowed are {allowed}"),
        )
        .without_fields()
    }
}

/// Errors of sObject Collections and `POST /composite` (`handlers::collections`,
/// `handlers::composite`).
impl ApiError {
    /// 400 with this code and message, no fields.
    pub(crate) fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// Any error with the given status, code, message and fields.
    pub(crate) fn other(
        status: StatusCode,
        code: &'static str,
        message: impl Into<String>,
        fields: &[&str],
    ) -> Self {
        Self::new(status, code, message).with_fields(fields)
    }

    /// An upsert key matched several records where a single answer is expected (collections
    /// report it per record instead of the single-record 300).
    pub(crate) fn duplicate_external_id() -> Self {
        Self::new(
            StatusCode::MULTIPLE_CHOICES,
            "DUPLICATE_EXTERNAL_ID",
            "more than one record found for external id field",
        )
    }

    /// The entry of a collection result: `{"statusCode","message","fields"}` (collections use
    /// `statusCode` where single-record errors use `errorCode`).
    pub(crate) fn collection_item(&self) -> Value {
        json!({
            "statusCode": self.code,
            "message": self.message,
            "fields": self.fields.clone().unwrap_or_default(),
        })
    }
}
