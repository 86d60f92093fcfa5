//! Converting a JSON value to what a field of a given type stores, as Salesforce's JSON reader
//! does: strings for text, numbers as numbers (doubles for floating types), canonical date and
//! time text, 18-character Ids. A value of the wrong JSON type yields the Jackson token name that
//! Salesforce puts in its `JSON_PARSER_ERROR` message.

use serde_json::{Number, Value};
use sforce_core::describe::{FieldDescribe, FieldType};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, Time, UtcOffset};

use crate::ids::parse_id;

/// Why a value cannot be stored in a field.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Rejection {
    /// Wrong JSON type (or unparseable text for a typed field): the Jackson token name.
    WrongType(&'static str),
    /// Not an Id (reference / id fields).
    MalformedId,
}

/// The Jackson token name of a JSON value (as used in Salesforce's parser messages).
pub(crate) fn token_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "VALUE_NULL",
        Value::Bool(true) => "VALUE_TRUE",
        Value::Bool(false) => "VALUE_FALSE",
        Value::Number(n) if n.is_f64() => "VALUE_NUMBER_FLOAT",
        Value::Number(_) => "VALUE_NUMBER_INT",
        Value::String(_) => "VALUE_STRING",
        Value::Array(_) => "START_ARRAY",
        Value::Object(_) => "START_OBJECT",
    }
}

/// The stored form of `value` for `field`. Empty strings become `null`, as in Salesforce.
pub(crate) fn coerce(field: &FieldDescribe, value: &Value) -> Result<Value, Rejection> {
    let wrong = || Rejection::WrongType(token_name(value));
    if value.is_null() || value.as_str() == Some("") {
        return Ok(Value::Null);
    }
    let text = || -> Result<String, Rejection> {
        match value {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            _ => Err(wrong()),
        }
    };
    match &field.field_type {
        FieldType::Id | FieldType::Reference => {
            let s = text()?;
            parse_id(&s)
                .map(Value::String)
                .ok_or(Rejection::MalformedId)
        }
        FieldType::Boolean => match value {
            Value::Bool(_) => Ok(value.clone()),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            _ => Err(wrong()),
        },
        FieldType::Int | FieldType::Long => {
            let n = match value {
                Value::Number(n) => n
                    .as_i64()
                    .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
                Value::String(s) => s.trim().parse::<i64>().ok(),
                _ => None,
            };
            let n = n.ok_or_else(wrong)?;
            if field.field_type == FieldType::Int && i32::try_from(n).is_err() {
                return Err(wrong());
            }
            Ok(Value::Number(n.into()))
        }
        FieldType::Double | FieldType::Currency | FieldType::Percent => {
            let n = match value {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().parse::<f64>().ok(),
                _ => None,
            };
            // Stored as a double: reads back as `123.0`, as Salesforce answers.
            n.and_then(Number::from_f64)
                .map(Value::Number)
                .ok_or_else(wrong)
        }
        FieldType::Date => {
            let s = text()?;
            canonical_date(&s).map(Value::String).ok_or_else(wrong)
        }
        FieldType::Datetime => {
            let s = text()?;
            canonical_datetime(&s).map(Value::String).ok_or_else(wrong)
        }
        FieldType::Time => {
            let s = text()?;
            canonical_time(&s).map(Value::String).ok_or_else(wrong)
        }
        t if t.is_text() || matches!(t, FieldType::Base64) => text().map(Value::String),
        // Compound, anyType, json and unknown types: kept as sent.
        _ => Ok(value.clone()),
    }
}

/// `2021-07-20` (a datetime's date part is accepted too).
fn canonical_date(s: &str) -> Option<String> {
    let format = format_description!("[year]-[month]-[day]");
    let date = Date::parse(s.get(..10)?, format).ok()?;
    (s.len() == 10 || s.as_bytes()[10] == b'T').then(|| date.format(format).ok())?
}

/// A datetime written as RFC 3339 (`Z` or `+02:00`), with a colon-less offset (`+0000`), or with
/// no offset (UTC); stored as Salesforce reads it back: `2012-07-12T17:49:01.000+0000`.
pub(crate) fn canonical_datetime(s: &str) -> Option<String> {
    let parsed = OffsetDateTime::parse(s, &Rfc3339).ok().or_else(|| {
        let bytes = s.as_bytes();
        let n = bytes.len();
        // `+hhmm` → `+hh:mm`
        if n > 5
            && matches!(bytes[n - 5], b'+' | b'-')
            && bytes[n - 4..].iter().all(u8::is_ascii_digit)
        {
            let fixed = format!("{}:{}", &s[..n - 2], &s[n - 2..]);
            return OffsetDateTime::parse(&fixed, &Rfc3339).ok();
        }
        OffsetDateTime::parse(&format!("{s}Z"), &Rfc3339).ok()
    })?;
    Some(format_datetime(parsed))
}

/// Salesforce's read form of an instant: UTC, milliseconds, `+0000`.
pub(crate) fn format_datetime(at: OffsetDateTime) -> String {
    let utc = at.to_offset(UtcOffset::UTC);
    let format = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]+0000"
    );
    utc.format(format).expect("formattable datetime")
}

/// `22:12:30.999Z` (seconds fraction and `Z` optional on input).
fn canonical_time(s: &str) -> Option<String> {
    let body = s.strip_suffix('Z').unwrap_or(s);
    let parsed = Time::parse(
        body,
        format_description!("[hour]:[minute]:[second].[subsecond]"),
    )
    .or_else(|_| Time::parse(body, format_description!("[hour]:[minute]:[second]")))
    .ok()?;
    parsed
        .format(format_description!(
            "[hour]:[minute]:[second].[subsecond digits:3]Z"
        ))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(t: FieldType) -> FieldDescribe {
        FieldDescribe::new("F", t)
    }

    #[test]
    fn coercions() {
        assert_eq!(
            coerce(&field(FieldType::Double), &json!(123)),
            Ok(json!(123.0))
        );
        assert_eq!(coerce(&field(FieldType::Int), &json!("12")), Ok(json!(12)));
        assert_eq!(
            coerce(&field(FieldType::Int), &json!("x")),
            Err(Rejection::WrongType("VALUE_STRING"))
        );
        assert_eq!(
            coerce(&field(FieldType::Boolean), &json!({})),
            Err(Rejection::WrongType("START_OBJECT"))
        );
        assert_eq!(coerce(&field(FieldType::String), &json!(5)), Ok(json!("5")));
        assert_eq!(
            coerce(&field(FieldType::String), &json!("")),
            Ok(Value::Null)
        );
        assert_eq!(
            coerce(&field(FieldType::Reference), &json!("nope")),
            Err(Rejection::MalformedId)
        );
        assert_eq!(
            coerce(
                &field(FieldType::Datetime),
                &json!("2012-07-12T19:49:01+02:00")
            ),
            Ok(json!("2012-07-12T17:49:01.000+0000"))
        );
        assert_eq!(
            coerce(
                &field(FieldType::Datetime),
                &json!("2012-07-12T17:49:01.000+0000")
            ),
            Ok(json!("2012-07-12T17:49:01.000+0000"))
        );
        assert!(coerce(&field(FieldType::Datetime), &json!("2012-13-12T17:49:01Z")).is_err());
        assert_eq!(
            coerce(&field(FieldType::Date), &json!("2021-07-20")),
            Ok(json!("2021-07-20"))
        );
        assert_eq!(
            coerce(&field(FieldType::Time), &json!("22:12:30Z")),
            Ok(json!("22:12:30.000Z"))
        );
    }
}
