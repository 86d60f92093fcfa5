//! Evaluation over stored rows: field values (through parent relationships), WHERE tests and
//! ORDER BY comparisons.
//!
//! Comparisons follow Salesforce: text case-insensitively, numbers numerically, dates and
//! datetimes chronologically, Ids in either length. A test against a null value is false,
//! except `= null` and `!=` (which, unlike SQL, holds for null values too).

use std::cmp::Ordering;
use std::sync::Arc;

use serde_json::Value;
use sforce_core::describe::SObjectDescribe;

use super::ast::CompareOp;
use super::bind::{fold, multi};
use super::dates::parse_datetime;
use super::plan::{FieldRef, Filter, Hop, Kind, Operand, Scalar, SortKey, Target, Test};
use super::strings::like_matches;
use crate::state::State;
use crate::store::Record;

/// A stored record and whether it is in the recycle bin.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) record: Record,
    pub(crate) deleted: bool,
}

impl Row {
    /// The row's Id.
    pub(crate) fn id(&self) -> &str {
        self.record
            .get("Id")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
}

/// A parent record found through a relationship.
pub(crate) type Parent = Option<(Arc<SObjectDescribe>, Record)>;

/// The parent reached from `record` through `hop` (`None`: no Id, or no live record).
pub(crate) fn parent(state: &State, record: &Record, hop: &Hop) -> Parent {
    let id = record.get(&hop.id_field)?.as_str()?;
    let describe = match &hop.target {
        Target::Object(d) => d.clone(),
        Target::Name => state.schema.by_id_prefix(id)?.clone(),
    };
    let parent = state.store.get(&describe, id)?;
    Some((describe, parent))
}

/// The JSON value of `name` on a record of `object` (`Type` of the `Name` pseudo-object is
/// the parent's sObject; `IsDeleted` defaults to whether the row is deleted).
pub(crate) fn stored_value(
    record: &Record,
    name: &str,
    object: &str,
    via_name: bool,
    deleted: bool,
) -> Value {
    if via_name && name == "Type" {
        return Value::String(object.to_owned());
    }
    match record.get(name) {
        Some(v) => v.clone(),
        None if name == "IsDeleted" => Value::Bool(deleted),
        None => Value::Null,
    }
}

/// The value of `field` for `row` of `object`, following parent relationships.
pub(crate) fn value(state: &State, object: &SObjectDescribe, row: &Row, field: &FieldRef) -> Value {
    let Some((first, rest)) = field.hops.split_first() else {
        return stored_value(&row.record, &field.name, &object.name, false, row.deleted);
    };
    let Some((mut describe, mut record)) = parent(state, &row.record, first) else {
        return Value::Null;
    };
    for hop in rest {
        match parent(state, &record, hop) {
            Some((d, r)) => (describe, record) = (d, r),
            None => return Value::Null,
        }
    }
    let via_name = matches!(
        field.hops.last(),
        Some(Hop {
            target: Target::Name,
            ..
        })
    );
    stored_value(&record, &field.name, &describe.name, via_name, false)
}

/// The comparable form of a stored value (`None` for null).
pub(crate) fn scalar(kind: Kind, value: &Value) -> Option<Scalar> {
    let text = || match value {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    };
    match kind {
        Kind::Text | Kind::Opaque => text().map(|s| Scalar::Text(fold(&s))),
        Kind::MultiText => text().map(|s| Scalar::MultiText(multi(&s))),
        Kind::Id => text().map(Scalar::Id),
        Kind::Number => match value {
            Value::Number(n) => n.as_f64().map(Scalar::Number),
            Value::String(s) => s.trim().parse().ok().map(Scalar::Number),
            _ => None,
        },
        Kind::Bool => match value {
            Value::Bool(b) => Some(Scalar::Bool(*b)),
            Value::String(s) => s.parse().ok().map(Scalar::Bool),
            _ => None,
        },
        Kind::Date => value
            .as_str()
            .and_then(|s| time::Date::parse(s.get(..10)?, DATE).ok())
            .map(Scalar::Date),
        Kind::DateTime => value
            .as_str()
            .and_then(parse_datetime)
            .map(Scalar::DateTime),
    }
}

const DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// Orders two values of one kind.
pub(crate) fn compare(a: &Scalar, b: &Scalar) -> Ordering {
    match (a, b) {
        (Scalar::Bool(a), Scalar::Bool(b)) => a.cmp(b),
        (Scalar::Number(a), Scalar::Number(b)) => a.total_cmp(b),
        (Scalar::Text(a), Scalar::Text(b)) => a.cmp(b),
        (Scalar::MultiText(a), Scalar::MultiText(b)) => a.cmp(b),
        (Scalar::Id(a), Scalar::Id(b)) => id_key(a).cmp(&id_key(b)),
        (Scalar::Date(a), Scalar::Date(b)) => a.cmp(b),
        (Scalar::DateTime(a), Scalar::DateTime(b)) => a.cmp(b),
        _ => Ordering::Equal,
    }
}

/// Ids compare on their 18-character form, case-insensitively (the suffix encodes case).
fn id_key(id: &str) -> String {
    crate::ids::parse_id(id)
        .unwrap_or_else(|| id.to_owned())
        .to_ascii_lowercase()
}

/// Does `value` satisfy `op operand`?
fn holds(value: Option<&Scalar>, op: CompareOp, operand: &Operand) -> bool {
    use CompareOp::*;
    let Some(value) = value else {
        return match operand {
            Operand::Null => op == Eq,
            _ => op == Ne,
        };
    };
    let within = |ord_start: Ordering, ord_end: Ordering| match op {
        Eq => ord_start != Ordering::Less && ord_end == Ordering::Less,
        Ne => !(ord_start != Ordering::Less && ord_end == Ordering::Less),
        Lt => ord_start == Ordering::Less,
        Le => ord_end == Ordering::Less,
        Gt => ord_end != Ordering::Less,
        Ge => ord_start != Ordering::Less,
    };
    match (operand, value) {
        (Operand::Null, _) => op == Ne,
        (Operand::DateRange(start, end), Scalar::Date(d)) => within(d.cmp(start), d.cmp(end)),
        (Operand::DateTimeRange(start, end), Scalar::DateTime(d)) => {
            within(d.cmp(start), d.cmp(end))
        }
        (Operand::Value(literal), value) => {
            let ord = compare(value, literal);
            match op {
                Eq => ord == Ordering::Equal,
                Ne => ord != Ordering::Equal,
                Lt => ord == Ordering::Less,
                Le => ord != Ordering::Greater,
                Gt => ord == Ordering::Greater,
                Ge => ord != Ordering::Less,
            }
        }
        _ => false,
    }
}

/// Does `row` pass `filter`?
pub(crate) fn passes(state: &State, object: &SObjectDescribe, row: &Row, filter: &Filter) -> bool {
    match filter {
        Filter::And(all) => all.iter().all(|f| passes(state, object, row, f)),
        Filter::Or(any) => any.iter().any(|f| passes(state, object, row, f)),
        Filter::Not(f) => !passes(state, object, row, f),
        Filter::Test(field, test) => {
            let raw = value(state, object, row, field);
            match test {
                Test::Compare(op, operand) => {
                    holds(scalar(field.kind, &raw).as_ref(), *op, operand)
                }
                Test::Like(pattern) => match &raw {
                    Value::String(s) => like_matches(pattern, s),
                    _ => false,
                },
                Test::Includes { negated, sets } => {
                    let have = match scalar(Kind::MultiText, &raw) {
                        Some(Scalar::MultiText(values)) => values,
                        _ => Vec::new(),
                    };
                    let found = sets.iter().any(|set| set.iter().all(|v| have.contains(v)));
                    found != *negated
                }
                Test::In { negated, values } => {
                    let s = scalar(field.kind, &raw);
                    let found = values.iter().any(|v| holds(s.as_ref(), CompareOp::Eq, v));
                    found != *negated
                }
            }
        }
    }
}

/// Sorts `rows` by `keys` (stable: ties keep creation order).
pub(crate) fn sort(state: &State, object: &SObjectDescribe, rows: &mut Vec<Row>, keys: &[SortKey]) {
    if keys.is_empty() {
        return;
    }
    let mut keyed: Vec<(Vec<Option<Scalar>>, Row)> = rows
        .drain(..)
        .map(|row| {
            let k = keys
                .iter()
                .map(|key| scalar(key.field.kind, &value(state, object, &row, &key.field)))
                .collect();
            (k, row)
        })
        .collect();
    keyed.sort_by(|(a, _), (b, _)| {
        for ((x, y), key) in a.iter().zip(b).zip(keys) {
            let ord = match (x, y) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) if key.nulls_first => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) if key.nulls_first => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(x), Some(y)) if key.descending => compare(y, x),
                (Some(x), Some(y)) => compare(x, y),
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    });
    rows.extend(keyed.into_iter().map(|(_, row)| row));
}
