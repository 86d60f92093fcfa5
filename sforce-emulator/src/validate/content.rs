//! Checks of one coerced value against its field: length, restricted picklist, email format,
//! numeric range (precision and scale).

use serde_json::{Number, Value};
use sforce_core::describe::{FieldDescribe, FieldType};

use crate::api_error::ApiError;

/// Checks a coerced value against its field and returns what is stored: numbers with more
/// decimals than the field's scale are rounded (half away from zero), as Salesforce stores them.
pub(crate) fn check_field_value(field: &FieldDescribe, value: Value) -> Result<Value, ApiError> {
    match &value {
        Value::String(s) => check_text(field, s)?,
        Value::Number(n) => return check_number(field, n).map(Value::Number),
        _ => {}
    }
    Ok(value)
}

fn check_text(field: &FieldDescribe, s: &str) -> Result<(), ApiError> {
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
    if field.field_type == FieldType::Email && !is_email(s) {
        return Err(ApiError::invalid_email(&field.label, &field.name, s));
    }
    Ok(())
}

/// `local@domain.tld`: a local part of letters, digits and ``!#$%&'*+/=?^_`{|}~.-`` (no leading,
/// trailing or doubled dot) and a domain of at least two dot-separated labels of letters,
/// digits and hyphens. Salesforce's exact rule is not published; this accepts what its UI
/// accepts in practice and rejects the usual typos (unconfirmed at the edges).
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    local_ok && domain_ok
}

/// NUMBER_OUTSIDE_VALID_RANGE when the integer part has more digits than the field allows
/// (`precision - scale` for decimals, `digits` for integers); decimals beyond `scale` are
/// rounded. Fields without a precision (0) are not limited.
fn check_number(field: &FieldDescribe, n: &Number) -> Result<Number, ApiError> {
    let out_of_range = || ApiError::number_outside_range(&field.label, &field.name, &n.to_string());
    match field.field_type {
        FieldType::Int | FieldType::Long if field.digits > 0 => {
            let v = n.as_f64().unwrap_or(0.0);
            if v.abs() >= 10f64.powi(field.digits as i32) {
                return Err(out_of_range());
            }
            Ok(n.clone())
        }
        FieldType::Double | FieldType::Currency | FieldType::Percent if field.precision > 0 => {
            let v = n.as_f64().unwrap_or(0.0);
            let int_digits = field.precision.saturating_sub(field.scale);
            if v.abs() >= 10f64.powi(int_digits as i32) {
                return Err(out_of_range());
            }
            Ok(round_to_scale(v, field.scale)
                .and_then(Number::from_f64)
                .unwrap_or_else(|| n.clone()))
        }
        _ => Ok(n.clone()),
    }
}

/// `v` rounded to `scale` decimals, when that is exact in an `f64` and changes something.
fn round_to_scale(v: f64, scale: u32) -> Option<f64> {
    let factor = 10f64.powi(scale as i32);
    let scaled = v * factor;
    if scale > 15 || scaled.abs() >= 9.0e15 || scaled.fract() == 0.0 {
        return None;
    }
    Some(scaled.round() / factor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn emails() {
        for ok in ["a@b.co", "first.last+tag@example.co.uk", "o'hara@x-y.org"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "plain", "@b.co", "a@b", "a@@b.co", "a b@c.co", "a@b..co", ".a@b.co",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn numbers_follow_precision_and_scale() {
        let mut amount = FieldDescribe::new("Amount", FieldType::Currency);
        amount.precision = 5;
        amount.scale = 2;
        assert_eq!(
            check_field_value(&amount, json!(999.994)).unwrap(),
            json!(999.99)
        );
        assert_eq!(
            check_field_value(&amount, json!(-12.5)).unwrap(),
            json!(-12.5)
        );
        let err = check_field_value(&amount, json!(1000.0)).unwrap_err();
        assert_eq!(err.code, "NUMBER_OUTSIDE_VALID_RANGE");
        let mut employees = FieldDescribe::new("NumberOfEmployees", FieldType::Int);
        employees.digits = 8;
        assert!(check_field_value(&employees, json!(99_999_999)).is_ok());
        assert!(check_field_value(&employees, json!(100_000_000)).is_err());
        let unlimited = FieldDescribe::new("D", FieldType::Double);
        assert!(check_field_value(&unlimited, json!(1e300)).is_ok());
    }
}
