//! Binding: the syntax tree checked against the schema, giving a [`Plan`]. Unknown objects
//! answer INVALID_TYPE, unknown fields and relationships INVALID_FIELD, literals of the wrong
//! type for their field INVALID_FIELD, each with the caret at the offending name or value.

use std::sync::Arc;

use sforce_core::describe::SObjectDescribe;
use time::{OffsetDateTime, Time};

use super::ast::{Condition, Literal, LiteralValue, Path, Query, SelectItem};
use super::error::QueryError;
use super::plan::{
    ChildPlan, Column, FieldRef, Filter, Hop, Kind, NAME_FIELDS, Operand, Plan, Scalar, SortKey,
    Target, Test,
};
use super::strings;
use crate::ids::parse_id;
use crate::schema::Schema;

/// The largest OFFSET Salesforce accepts.
const MAX_OFFSET: u64 = 2_000;

/// Binds `query` (top level) against `schema`; `today` resolves date literals.
pub(crate) fn bind(schema: &Schema, query: &Query, today: time::Date) -> Result<Plan, QueryError> {
    let object = schema
        .get(&query.from.text)
        .cloned()
        .ok_or_else(|| QueryError::invalid_type(query.from.at, &query.from.text))?;
    Binder { schema, today }.plan(query, object, true)
}

struct Binder<'a> {
    schema: &'a Schema,
    today: time::Date,
}

impl Binder<'_> {
    fn plan(
        &self,
        query: &Query,
        object: Arc<SObjectDescribe>,
        top: bool,
    ) -> Result<Plan, QueryError> {
        let mut columns = Vec::new();
        let mut count_at = None;
        for item in &query.select {
            match item {
                SelectItem::Count(at) => count_at = Some(*at),
                SelectItem::Field(path) => {
                    let field = self.field(&object, path)?;
                    let duplicate = columns.iter().any(|c| {
                        matches!(c, Column::Field(f) if f.column_name().eq_ignore_ascii_case(&field.column_name()))
                    });
                    if !duplicate {
                        columns.push(Column::Field(field));
                    }
                }
                SelectItem::Subquery(sub) if top => columns.push(self.child(&object, sub)?),
                SelectItem::Subquery(sub) => {
                    return Err(QueryError::malformed(
                        sub.from.at,
                        "Nesting of semi join sub-selects is not supported",
                    ));
                }
            }
        }
        if let Some(at) = count_at
            && (query.select.len() > 1 || !top)
        {
            return Err(QueryError::malformed(
                at,
                "COUNT() must be the only element in the SELECT list of a top-level query",
            ));
        }
        let filter = query
            .filter
            .as_ref()
            .map(|c| self.condition(&object, c))
            .transpose()?;
        let order = query
            .order_by
            .iter()
            .map(|key| {
                Ok(SortKey {
                    field: self.field(&object, &key.field)?,
                    descending: key.descending,
                    nulls_first: key.nulls_first(),
                })
            })
            .collect::<Result<_, QueryError>>()?;
        if let Some(offset) = query.offset.filter(|o| o.value > MAX_OFFSET) {
            return Err(QueryError::out_of_range(
                offset.at,
                format!("Maximum SOQL offset allowed is {MAX_OFFSET}"),
            ));
        }
        Ok(Plan {
            object,
            columns,
            count_only: count_at.is_some(),
            filter,
            order,
            limit: query.limit.map(|l| l.value),
            offset: query.offset.map_or(0, |o| o.value),
        })
    }

    /// `(SELECT ... FROM Contacts)`: a child relationship named in the parent's describe.
    fn child(&self, parent: &SObjectDescribe, sub: &Query) -> Result<Column, QueryError> {
        let unknown = || {
            QueryError::invalid_type_message(
                sub.from.at,
                format!(
                    "Didn't understand relationship '{}' in FROM part of query call. If you are \
                     attempting to use a custom relationship, be sure to append the '__r' after \
                     the custom relationship name. Please reference your WSDL or the describe \
                     call for the appropriate names.",
                    sub.from.text
                ),
            )
        };
        let relationship = parent
            .child_relationships
            .iter()
            .find(|r| {
                r.relationship_name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&sub.from.text))
            })
            .ok_or_else(unknown)?;
        let child = self
            .schema
            .get(&relationship.child_sobject)
            .cloned()
            .ok_or_else(unknown)?;
        let plan = self.plan(sub, child, false)?;
        Ok(Column::Child(ChildPlan {
            relationship: relationship.relationship_name.clone().unwrap_or_default(),
            parent_field: relationship.field.clone(),
            plan,
        }))
    }

    /// Resolves `Owner.Name` from `object`.
    fn field(&self, object: &Arc<SObjectDescribe>, path: &Path) -> Result<FieldRef, QueryError> {
        let mut parts = path.parts.as_slice();
        // `SELECT Task.Subject FROM Task`: the object's own name may qualify a field.
        if parts.len() > 1
            && parts[0].text.eq_ignore_ascii_case(&object.name)
            && relationship(object, &parts[0].text).is_none()
        {
            parts = &parts[1..];
        }
        let (last, hops_written) = parts.split_last().expect("a path has a name");
        let mut hops: Vec<Hop> = Vec::new();
        let mut current = object.clone();
        for part in hops_written {
            if matches!(
                hops.last(),
                Some(Hop {
                    target: Target::Name,
                    ..
                })
            ) {
                return Err(no_relationship(path, &part.text));
            }
            let reference = relationship(&current, &part.text)
                .ok_or_else(|| no_relationship(path, &part.text))?;
            let target = match reference.reference_to.as_slice() {
                [one] => self
                    .schema
                    .get(one)
                    .map_or(Target::Name, |d| Target::Object(d.clone())),
                _ => Target::Name,
            };
            hops.push(Hop {
                relationship: reference.relationship_name.clone().unwrap_or_default(),
                id_field: reference.name.clone(),
                target: target.clone(),
            });
            if let Target::Object(d) = target {
                current = d;
            }
        }
        let target = hops
            .last()
            .map_or_else(|| Target::Object(object.clone()), |h| h.target.clone());
        let (name, kind) = match &target {
            Target::Object(d) => match d.field(&last.text) {
                Some(f) => (f.name.clone(), Kind::of(&f.field_type)),
                None if last.text.eq_ignore_ascii_case("IsDeleted") => {
                    ("IsDeleted".to_owned(), Kind::Bool)
                }
                None if last.text.eq_ignore_ascii_case("Id") => ("Id".to_owned(), Kind::Id),
                None => return Err(QueryError::no_such_column(path.at(), &last.text, &d.name)),
            },
            Target::Name => NAME_FIELDS
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(&last.text))
                .map(|(n, k)| ((*n).to_owned(), *k))
                .ok_or_else(|| QueryError::no_such_column(path.at(), &last.text, "Name"))?,
        };
        Ok(FieldRef { hops, name, kind })
    }

    fn condition(
        &self,
        object: &Arc<SObjectDescribe>,
        c: &Condition,
    ) -> Result<Filter, QueryError> {
        let all = |cs: &[Condition]| {
            cs.iter()
                .map(|c| self.condition(object, c))
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(match c {
            Condition::And(cs) => Filter::And(all(cs)?),
            Condition::Or(cs) => Filter::Or(all(cs)?),
            Condition::Not(c) => Filter::Not(Box::new(self.condition(object, c)?)),
            Condition::Compare { field, op, value } => {
                let f = self.field(object, field)?;
                let operand = self.operand(object, &f, field, value)?;
                Filter::Test(f, Test::Compare(*op, operand))
            }
            Condition::Like { field, pattern } => {
                let f = self.field(object, field)?;
                let LiteralValue::Str(raw) = &pattern.value else {
                    return Err(wrong_type(pattern, &f, "string"));
                };
                if !matches!(f.kind, Kind::Text | Kind::MultiText | Kind::Id) {
                    return Err(QueryError::filter_operator(
                        field.at(),
                        format!("invalid operator on {} field: LIKE", f.kind.type_name(None)),
                    ));
                }
                Filter::Test(f, Test::Like(strings::like_pattern(raw)))
            }
            Condition::In {
                field,
                negated,
                values,
            } => {
                let f = self.field(object, field)?;
                let values = values
                    .iter()
                    .map(|v| self.operand(object, &f, field, v))
                    .collect::<Result<_, _>>()?;
                Filter::Test(
                    f,
                    Test::In {
                        negated: *negated,
                        values,
                    },
                )
            }
            Condition::Includes {
                field,
                negated,
                values,
            } => {
                let f = self.field(object, field)?;
                if f.kind != Kind::MultiText {
                    return Err(QueryError::filter_operator(
                        field.at(),
                        "includes or excludes operator only valid on multipicklist field",
                    ));
                }
                let sets = values
                    .iter()
                    .map(|v| match &v.value {
                        LiteralValue::Str(raw) => Ok(multi(&strings::value(raw))),
                        _ => Err(wrong_type(v, &f, "string")),
                    })
                    .collect::<Result<_, _>>()?;
                Filter::Test(
                    f,
                    Test::Includes {
                        negated: *negated,
                        sets,
                    },
                )
            }
        })
    }

    /// Types `literal` for comparison with `field`.
    fn operand(
        &self,
        object: &SObjectDescribe,
        field: &FieldRef,
        path: &Path,
        literal: &Literal,
    ) -> Result<Operand, QueryError> {
        let described = (field.hops.is_empty())
            .then(|| object.field(&field.name))
            .flatten()
            .map(|f| &f.field_type);
        let type_name = field.kind.type_name(described);
        let wrong = || wrong_type(literal, field, type_name);
        let midnight = |d: time::Date| OffsetDateTime::new_utc(d, Time::MIDNIGHT);
        if field.kind == Kind::Opaque {
            return Err(QueryError::invalid_field(
                path.at(),
                format!("field '{}' can not be filtered in a query call", field.name),
            ));
        }
        Ok(match (&literal.value, field.kind) {
            (LiteralValue::Null, _) => Operand::Null,
            (LiteralValue::Str(raw), Kind::Text) => {
                Operand::Value(Scalar::Text(fold(&strings::value(raw))))
            }
            (LiteralValue::Str(raw), Kind::MultiText) => {
                Operand::Value(Scalar::MultiText(multi(&strings::value(raw))))
            }
            (LiteralValue::Str(raw), Kind::Id) => {
                let text = strings::value(raw);
                match parse_id(&text) {
                    Some(id) => Operand::Value(Scalar::Id(id)),
                    None => {
                        return Err(QueryError::filter_operator(
                            literal.at,
                            format!("invalid ID field: {text}"),
                        ));
                    }
                }
            }
            (LiteralValue::Bool(b), Kind::Bool) => Operand::Value(Scalar::Bool(*b)),
            (LiteralValue::Number(n), Kind::Number) => Operand::Value(Scalar::Number(*n)),
            (LiteralValue::Date(d), Kind::Date) => Operand::Value(Scalar::Date(*d)),
            (LiteralValue::DateTime(d), Kind::DateTime) => Operand::Value(Scalar::DateTime(*d)),
            (LiteralValue::DateLiteral(d), Kind::Date) => {
                let (start, end) = d.range(self.today);
                Operand::DateRange(start, end)
            }
            (LiteralValue::DateLiteral(d), Kind::DateTime) => {
                let (start, end) = d.range(self.today);
                Operand::DateTimeRange(midnight(start), midnight(end))
            }
            (LiteralValue::Str(_), Kind::Number | Kind::Bool | Kind::Date | Kind::DateTime) => {
                return Err(wrong());
            }
            _ => return Err(wrong()),
        })
    }
}

/// The reference field of `object` whose relationship name is `name`.
fn relationship<'d>(
    object: &'d SObjectDescribe,
    name: &str,
) -> Option<&'d sforce_core::describe::FieldDescribe> {
    object.fields.iter().find(|f| {
        f.relationship_name
            .as_deref()
            .is_some_and(|r| r.eq_ignore_ascii_case(name))
    })
}

fn no_relationship(path: &Path, name: &str) -> QueryError {
    QueryError::invalid_field(
        path.at(),
        format!(
            "Didn't understand relationship '{name}' in field path. If you are attempting to use \
             a custom relationship, be sure to append the '__r' after the custom relationship \
             name. Please reference your WSDL or the describe call for the appropriate names."
        ),
    )
}

/// "value of filter criterion for field 'X' must be of type T and should [not] be enclosed in
/// quotes".
fn wrong_type(literal: &Literal, field: &FieldRef, type_name: &str) -> QueryError {
    let should = if type_name == "string" || type_name == "id" {
        "should be enclosed in quotes"
    } else {
        "should not be enclosed in quotes"
    };
    QueryError::invalid_field(
        literal.at,
        format!(
            "value of filter criterion for field '{}' must be of type {type_name} and {should}",
            field.name
        ),
    )
}

/// Case folding for text comparisons (Salesforce compares text case-insensitively).
pub(crate) fn fold(s: &str) -> String {
    s.chars().map(strings::lower).collect()
}

/// A multi-select picklist value as a sorted set of folded values.
pub(crate) fn multi(s: &str) -> Vec<String> {
    let mut values: Vec<String> = s
        .split(';')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(fold)
        .collect();
    values.sort();
    values.dedup();
    values
}
