//! A query bound to the schema: every name resolved against the describes (spelled as the
//! describe spells it), every literal typed by the field it is compared with.

use std::sync::Arc;

use sforce_core::describe::{FieldType, SObjectDescribe};
use time::{Date, OffsetDateTime};

use super::ast::CompareOp;
use super::strings::LikePart;

/// A bound query (top level or child subquery).
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) object: Arc<SObjectDescribe>,
    pub(crate) columns: Vec<Column>,
    /// `SELECT COUNT()`: only the number of rows is answered.
    pub(crate) count_only: bool,
    pub(crate) filter: Option<Filter>,
    pub(crate) order: Vec<SortKey>,
    pub(crate) limit: Option<u64>,
    pub(crate) offset: u64,
}

/// One output column.
#[derive(Debug, Clone)]
pub(crate) enum Column {
    Field(FieldRef),
    Child(ChildPlan),
}

/// A child subquery: the children whose `parent_field` holds the parent row's Id.
#[derive(Debug, Clone)]
pub(crate) struct ChildPlan {
    /// The relationship name as the parent's describe spells it (`Contacts`).
    pub(crate) relationship: String,
    /// The child's reference field (`AccountId`).
    pub(crate) parent_field: String,
    pub(crate) plan: Plan,
}

/// A field, possibly reached through parent relationships (`Owner.Name`).
#[derive(Debug, Clone)]
pub(crate) struct FieldRef {
    pub(crate) hops: Vec<Hop>,
    /// The field's API name as its describe spells it.
    pub(crate) name: String,
    pub(crate) kind: Kind,
}

impl FieldRef {
    /// `Owner.Name`, spelled as the describes spell it.
    pub(crate) fn column_name(&self) -> String {
        let mut out = String::new();
        for hop in &self.hops {
            out.push_str(&hop.relationship);
            out.push('.');
        }
        out.push_str(&self.name);
        out
    }
}

/// One step from a record to its parent.
#[derive(Debug, Clone)]
pub(crate) struct Hop {
    /// The relationship name (`Owner`), as the describe spells it.
    pub(crate) relationship: String,
    /// The reference field holding the parent's Id (`OwnerId`).
    pub(crate) id_field: String,
    pub(crate) target: Target,
}

/// What a relationship leads to.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// One known sObject.
    Object(Arc<SObjectDescribe>),
    /// A polymorphic relationship (or one to an sObject the schema lacks): Salesforce's
    /// `Name` pseudo-object, with the fields in [`NAME_FIELDS`].
    Name,
}

/// The fields of the `Name` pseudo-object that polymorphic relationships (`What`, `Who`,
/// `Owner`) reach, with their kinds. `Type` is the parent's sObject name.
pub(crate) const NAME_FIELDS: &[(&str, Kind)] = &[
    ("Id", Kind::Id),
    ("Name", Kind::Text),
    ("Type", Kind::Text),
    ("FirstName", Kind::Text),
    ("LastName", Kind::Text),
    ("Alias", Kind::Text),
    ("Email", Kind::Text),
    ("Title", Kind::Text),
    ("Phone", Kind::Text),
    ("Username", Kind::Text),
    ("IsActive", Kind::Bool),
    ("UserRoleId", Kind::Id),
    ("ProfileId", Kind::Id),
    ("RecordTypeId", Kind::Id),
    ("LastReferencedDate", Kind::DateTime),
    ("LastViewedDate", Kind::DateTime),
];

/// How a field's values compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Case-insensitive text.
    Text,
    /// A multi-select picklist: `;`-separated values, compared as a set.
    MultiText,
    /// Record Ids (15 or 18 characters compare equal).
    Id,
    Number,
    Bool,
    Date,
    DateTime,
    /// Compound and binary fields: selectable, not filterable.
    Opaque,
}

impl Kind {
    /// The kind of a described field type.
    pub(crate) fn of(field_type: &FieldType) -> Kind {
        match field_type {
            FieldType::Id | FieldType::Reference => Kind::Id,
            FieldType::Multipicklist => Kind::MultiText,
            FieldType::Boolean => Kind::Bool,
            FieldType::Date => Kind::Date,
            FieldType::Datetime => Kind::DateTime,
            t if t.is_numeric() => Kind::Number,
            t if t.is_text() => Kind::Text,
            FieldType::Time => Kind::Text,
            _ => Kind::Opaque,
        }
    }

    /// The type name Salesforce uses in "must be of type X" messages.
    pub(crate) fn type_name(self, field_type: Option<&FieldType>) -> &'static str {
        match (self, field_type) {
            (Kind::Number, Some(FieldType::Int)) => "integer",
            (Kind::Number, Some(FieldType::Long)) => "long",
            (Kind::Number, Some(FieldType::Currency)) => "currency",
            (Kind::Number, _) => "double",
            (Kind::Bool, _) => "boolean",
            (Kind::Date, _) => "date",
            (Kind::DateTime, _) => "dateTime",
            (Kind::Id, _) => "id",
            _ => "string",
        }
    }
}

/// A bound WHERE condition.
#[derive(Debug, Clone)]
pub(crate) enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    Test(FieldRef, Test),
}

/// What a field is tested for.
#[derive(Debug, Clone)]
pub(crate) enum Test {
    Compare(CompareOp, Operand),
    Like(Vec<LikePart>),
    In {
        negated: bool,
        values: Vec<Operand>,
    },
    /// INCLUDES (EXCLUDES when `negated`): one of the sets is a subset of the field's values.
    Includes {
        negated: bool,
        sets: Vec<Vec<String>>,
    },
}

/// A literal typed for the field it is compared with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Operand {
    Null,
    Value(Scalar),
    /// A date literal on a date field: `[start, end)`.
    DateRange(Date, Date),
    /// A date literal on a datetime field: `[start, end)`.
    DateTimeRange(OffsetDateTime, OffsetDateTime),
}

/// A non-null value in comparable form (a field's value or a literal).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
    Bool(bool),
    Number(f64),
    /// Case-folded text.
    Text(String),
    /// Case-folded `;`-separated values, sorted and deduplicated.
    MultiText(Vec<String>),
    /// An 18-character Id.
    Id(String),
    Date(Date),
    DateTime(OffsetDateTime),
}

/// One ORDER BY key.
#[derive(Debug, Clone)]
pub(crate) struct SortKey {
    pub(crate) field: FieldRef,
    pub(crate) descending: bool,
    pub(crate) nulls_first: bool,
}
