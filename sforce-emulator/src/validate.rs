//! Request-body validation driven by the describe, with Salesforce's error codes and messages.
//!
//! Order of checks (the first failure answers): JSON syntax (`JSON_PARSER_ERROR`), then per field
//! in body order: unknown field (`INVALID_FIELD`), wrong JSON type (`JSON_PARSER_ERROR`, as
//! Salesforce's REST reader answers; `INVALID_TYPE_ON_FIELD_IN_RECORD` is what collections and
//! Apex report, not single-record REST), malformed Id (`MALFORMED_ID`), too long
//! (`STRING_TOO_LONG`), restricted picklist (`INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST`); then,
//! once the operation is known, not createable / updateable (`INVALID_FIELD_FOR_INSERT_UPDATE`)
//! and required fields (`REQUIRED_FIELD_MISSING`).

use serde_json::{Map, Value};
use sforce_core::describe::{FieldDescribe, FieldType, SObjectDescribe};

use crate::api_error::ApiError;
use crate::coerce::{Rejection, coerce, format_datetime, token_name};
use crate::store::Record;

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
        check_content(field, &stored)?;
        out.insert(field.name.clone(), stored);
    }
    Ok(out)
}

fn display(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

/// Length and picklist checks of a coerced value.
fn check_content(field: &FieldDescribe, value: &Value) -> Result<(), ApiError> {
    let Some(s) = value.as_str() else {
        return Ok(());
    };
    if field.field_type.is_text() && field.length > 0 && s.chars().count() > field.length as usize {
        return Err(ApiError::string_too_long(
            &field.label,
            &field.name,
            s,
            field.length,
        ));
    }
    if field.restricted_picklist {
        let allowed = |v: &str| field.active_picklist_values().any(|p| p == v);
        let ok = match field.field_type {
            FieldType::Multipicklist => s.split(';').all(|part| allowed(part.trim())),
            _ => allowed(s),
        };
        if !ok {
            return Err(ApiError::bad_picklist(&field.label, &field.name, s));
        }
    }
    Ok(())
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

/// The record a create stores: describe defaults, then the written values, then system fields.
/// Fails with REQUIRED_FIELD_MISSING listing every required field without a value.
pub(crate) fn build_new_record(
    describe: &SObjectDescribe,
    id: &str,
    changes: &Record,
    now: time::OffsetDateTime,
) -> Result<Record, ApiError> {
    let missing: Vec<&str> = describe
        .fields
        .iter()
        .filter(|f| f.is_required_on_create() && f.field_type != FieldType::Boolean)
        .filter(|f| changes.get(&f.name).is_none_or(Value::is_null))
        .map(|f| f.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::required_missing(&missing));
    }
    let mut record = Record::new();
    record.insert("Id".into(), Value::String(id.to_owned()));
    for field in &describe.fields {
        if let Some(default) = default_value(field) {
            record.insert(field.name.clone(), default);
        }
    }
    for (k, v) in changes {
        record.insert(k.clone(), v.clone());
    }
    stamp(describe, &mut record, now, true);
    Ok(record)
}

/// Sets `CreatedDate` (on create) and `LastModifiedDate` / `SystemModstamp` when described.
pub(crate) fn stamp(
    describe: &SObjectDescribe,
    record: &mut Record,
    now: time::OffsetDateTime,
    create: bool,
) {
    let at = Value::String(format_datetime(now));
    let mut names = vec!["LastModifiedDate", "SystemModstamp"];
    if create {
        names.push("CreatedDate");
    }
    for name in names {
        if let Some(field) = describe.field(name) {
            record.insert(field.name.clone(), at.clone());
        }
    }
}

fn default_value(field: &FieldDescribe) -> Option<Value> {
    if field.field_type == FieldType::Boolean && field.defaulted_on_create {
        return Some(Value::Bool(false));
    }
    field
        .picklist_values
        .iter()
        .find(|p| p.active && p.default_value)
        .map(|p| Value::String(p.value.clone()))
}
