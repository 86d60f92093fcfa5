//! Request-body validation driven by the describe, with Salesforce's error codes and messages.
//!
//! Every write path (single-record REST, collections, bulk) validates a record with
//! [`check_record`] (or, when the operation is decided later, as an upsert does, with
//! [`check_values`] and [`check_references`] then [`check_writable`]); a create also checks
//! [`check_required`].
//!
//! Order of checks (the first failure answers): JSON syntax (`JSON_PARSER_ERROR`), then per field
//! in body order: unknown field (`INVALID_FIELD`), wrong JSON type (`JSON_PARSER_ERROR`, as
//! Salesforce's REST reader answers; `INVALID_TYPE_ON_FIELD_IN_RECORD` is what collections and
//! Apex report, not single-record REST), malformed Id (`MALFORMED_ID`), too long
//! (`STRING_TOO_LONG`), restricted picklist (`INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST`), number
//! out of range for its precision and scale (`NUMBER_OUTSIDE_VALID_RANGE`), email format
//! (`INVALID_EMAIL_ADDRESS`); then references (`FIELD_INTEGRITY_EXCEPTION` for an Id of the
//! wrong object, `INVALID_CROSS_REFERENCE_KEY` for an Id of no record); then, once the operation
//! is known, not createable / updateable (`INVALID_FIELD_FOR_INSERT_UPDATE`) and required fields
//! (`REQUIRED_FIELD_MISSING`).

mod content;
mod references;

use serde_json::{Map, Value};
use sforce_core::describe::{FieldType, SObjectDescribe};

use crate::api_error::ApiError;
use crate::coerce::{Rejection, coerce, token_name};
use crate::state::State;
use crate::store::Record;

pub(crate) use content::check_field_value;
pub(crate) use references::check_references;

/// Whether a write creates or updates a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    Create,
    Update,
}

/// Parses a request body as a JSON object.
pub(crate) fn parse_body(
    raw: &[u8],
    describe: &SObjectDescribe,
) -> Result<Map<String, Value>, ApiError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::json_parser(
            "No content to map to Object due to end of input",
        ));
    }
    let value: Value = serde_json::from_slice(raw).map_err(|e| {
        let text = e.to_string();
        let reason = text.split(" at line ").next().unwrap_or(&text);
        ApiError::json_parser(format!(
            "Unexpected character ({reason}) at [line:{}, column:{}]",
            e.line(),
            e.column()
        ))
    })?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(ApiError::json_parser(format!(
            "Cannot deserialize instance of {} from {} value [line:1, column:1]",
            describe.name,
            token_name(&other)
        ))),
    }
}

/// Line and column (1-based) where the value of `key` starts in the raw body, for messages.
fn position_of(raw: &[u8], key: &str) -> (usize, usize) {
    let text = String::from_utf8_lossy(raw);
    let needle = format!("\"{key}\"");
    let Some(at) = text.find(&needle) else {
        return (1, 1);
    };
    let after = &text[at + needle.len()..];
    let skipped = after.len()
        - after
            .trim_start_matches(|c: char| c.is_whitespace() || c == ':')
            .len();
    let offset = at + needle.len() + skipped;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Checks every body field against the describe and returns the values to store, keyed by
/// the fields' API names (case as in the describe). `attributes` is ignored.
pub(crate) fn check_values(
    describe: &SObjectDescribe,
    body: &Map<String, Value>,
    raw: &[u8],
) -> Result<Record, ApiError> {
    let mut out = Record::new();
    for (key, value) in body {
        if key == "attributes" {
            continue;
        }
        let field = describe
            .field(key)
            .ok_or_else(|| ApiError::invalid_field(key, &describe.name))?;
        let stored = coerce(field, value).map_err(|r| match r {
            Rejection::MalformedId => {
                ApiError::malformed_id(&field.label, &field.name, &display(value))
            }
            Rejection::WrongType(token) => {
                let (line, column) = position_of(raw, key);
                let scalar = !matches!(value, Value::Array(_) | Value::Object(_));
                ApiError::json_parser(if scalar {
                    format!(
                        "Cannot deserialize instance of {} from {token} value {} or request may \
                         be missing a required field at [line:{line}, column:{column}]",
                        field.field_type,
                        display(value)
                    )
                } else {
                    format!(
                        "Cannot deserialize instance of {} from {token} value [line:{line}, column:{column}]",
                        field.field_type
                    )
                })
            }
        })?;
        let stored = check_field_value(field, stored)?;
        out.insert(field.name.clone(), stored);
    }
    Ok(out)
}

fn display(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

/// Field-level security: every field written must be createable (create) or updateable
/// (update), and a non-nillable field cannot be set to null.
pub(crate) fn check_writable(
    describe: &SObjectDescribe,
    changes: &Record,
    op: Operation,
) -> Result<(), ApiError> {
    for (name, value) in changes {
        let field = describe.field(name).expect("checked by check_values");
        let writable = match op {
            Operation::Create => field.createable,
            Operation::Update => field.updateable,
        };
        if !writable {
            return Err(ApiError::not_writable(&field.name));
        }
        if value.is_null() && !field.nillable && field.field_type != FieldType::Boolean {
            if field.restricted_picklist {
                return Err(ApiError::bad_picklist(&field.label, &field.name, ""));
            }
            return Err(ApiError::required_missing(&[&field.name]));
        }
    }
    Ok(())
}

/// REQUIRED_FIELD_MISSING listing every required field (createable, not nillable, not
/// defaulted on create) that `changes` leaves without a value.
pub(crate) fn check_required(describe: &SObjectDescribe, changes: &Record) -> Result<(), ApiError> {
    let missing: Vec<&str> = describe
        .fields
        .iter()
        .filter(|f| f.is_required_on_create() && f.field_type != FieldType::Boolean)
        .filter(|f| changes.get(&f.name).is_none_or(Value::is_null))
        .map(|f| f.name.as_str())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ApiError::required_missing(&missing))
    }
}

/// Every check of one record written with `op`: values ([`check_values`]), references
/// ([`check_references`]) and field-level security ([`check_writable`]). Returns the values to
/// store; a create then goes through `handlers::records::insert_new`, which checks
/// [`check_required`] against them. `raw` is the record's JSON
/// text, used for positions in `JSON_PARSER_ERROR` messages (empty when there is none).
pub(crate) fn check_record(
    state: &State,
    describe: &SObjectDescribe,
    body: &Map<String, Value>,
    raw: &[u8],
    op: Operation,
) -> Result<Record, ApiError> {
    let changes = check_values(describe, body, raw)?;
    check_references(state, describe, &changes)?;
    check_writable(describe, &changes, op)?;
    Ok(changes)
}
