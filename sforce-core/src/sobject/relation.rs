//! Relationship fields: a parent record (`Owner`) or the rows of a child relationship
//! (`Contacts`), declared with `#[sobject(relationship)]` and read, never written.

use serde::Deserialize;
use serde_json::Value;

use super::{DecodeError, FieldMeta, Record, RecordReader, SObject};
use crate::query::QueryResult;

/// Which side of a relationship a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RelationKind {
    /// A parent record (`Owner`, `What`): selected as `Owner.Name, ...`.
    Parent,
    /// The rows of a child relationship (`Contacts`): selected as `(SELECT ... FROM Contacts)`.
    Children,
}

/// The type of a `#[sobject(relationship)]` field: `Option<P>` for a parent `P` (`None` when
/// there is no parent), or [`QueryResult<C>`] for the rows of a child relationship (empty when
/// there are none). `P` and `C` are `#[derive(SObject)]` structs; their fields are what the
/// query selects.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a relationship",
    label = "a `#[sobject(relationship)]` field must be `Option<Parent>` or `QueryResult<Child>`",
    note = "`Parent` and `Child` are `#[derive(SObject)]` structs"
)]
pub trait Relationship: Sized {
    /// Parent or children.
    const KIND: RelationKind;

    /// The related struct's fields.
    fn fields() -> &'static [FieldMeta];

    /// Decodes the field's JSON value (`null` when absent).
    fn decode(
        sobject: &'static str,
        field: &'static str,
        value: Value,
    ) -> Result<Self, DecodeError>;
}

impl<P: SObject> Relationship for Option<P> {
    const KIND: RelationKind = RelationKind::Parent;

    fn fields() -> &'static [FieldMeta] {
        P::FIELDS
    }

    fn decode(
        sobject: &'static str,
        field: &'static str,
        value: Value,
    ) -> Result<Self, DecodeError> {
        match value {
            Value::Null => Ok(None),
            Value::Object(map) => {
                P::from_record(&mut RecordReader::new(P::API_NAME, map)).map(Some)
            }
            other => Err(DecodeError::in_field(
                sobject,
                field,
                format_args!(
                    "expected a parent record object, found {}",
                    super::json_kind(&other)
                ),
            )),
        }
    }
}

impl<C: SObject> Relationship for QueryResult<C> {
    const KIND: RelationKind = RelationKind::Children;

    fn fields() -> &'static [FieldMeta] {
        C::FIELDS
    }

    fn decode(
        sobject: &'static str,
        field: &'static str,
        value: Value,
    ) -> Result<Self, DecodeError> {
        if value.is_null() {
            return Ok(QueryResult::default());
        }
        QueryResult::<Record<C>>::deserialize(value)
            .map(|page| page.map(|r| r.0))
            .map_err(|e| DecodeError::in_field(sobject, field, e))
    }
}
