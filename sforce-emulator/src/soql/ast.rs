//! The syntax tree of one SOQL query, as written (names not yet checked against a describe).
//! Every name and literal keeps the byte offset where it starts, for the caret in errors.

use super::dates::DateLiteral;

/// A name as written, with its offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Name {
    pub(crate) text: String,
    pub(crate) at: usize,
}

/// `Owner.Name`: one name or several joined by dots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Path {
    pub(crate) parts: Vec<Name>,
}

impl Path {
    /// Where the path starts.
    pub(crate) fn at(&self) -> usize {
        self.parts[0].at
    }
}

/// `SELECT ... FROM ... [WHERE] [ORDER BY] [LIMIT] [OFFSET]` (also a child subquery, whose
/// FROM names a relationship).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Query {
    pub(crate) select: Vec<SelectItem>,
    pub(crate) from: Name,
    pub(crate) filter: Option<Condition>,
    pub(crate) order_by: Vec<OrderKey>,
    pub(crate) limit: Option<Count>,
    pub(crate) offset: Option<Count>,
}

/// A non-negative number with its offset (LIMIT, OFFSET).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Count {
    pub(crate) value: u64,
    pub(crate) at: usize,
}

/// One item of the field list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SelectItem {
    /// A field or a parent field path.
    Field(Path),
    /// `COUNT()` (offset of `COUNT`).
    Count(usize),
    /// `(SELECT ... FROM <ChildRelationship> ...)`.
    Subquery(Box<Query>),
}

/// A WHERE condition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Condition {
    /// All must hold.
    And(Vec<Condition>),
    /// One must hold.
    Or(Vec<Condition>),
    /// Must not hold.
    Not(Box<Condition>),
    /// `field <op> value`.
    Compare {
        field: Path,
        op: CompareOp,
        value: Literal,
    },
    /// `field LIKE 'pattern'`.
    Like { field: Path, pattern: Literal },
    /// `field [NOT] IN (values)`.
    In {
        field: Path,
        negated: bool,
        values: Vec<Literal>,
    },
    /// `field INCLUDES ('a;b', 'c')` (`negated`: EXCLUDES), on multi-select picklists.
    Includes {
        field: Path,
        negated: bool,
        values: Vec<Literal>,
    },
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A literal value with its offset.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Literal {
    pub(crate) value: LiteralValue,
    pub(crate) at: usize,
    /// The text as written (for error messages).
    pub(crate) raw: String,
}

/// The kinds of literal.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LiteralValue {
    Null,
    Bool(bool),
    /// The number as written (`-1.50`) and its value.
    Number(f64),
    /// A quoted string, raw (quotes and escapes included): decoded per use (LIKE or not).
    Str(String),
    Date(time::Date),
    DateTime(time::OffsetDateTime),
    /// `TODAY`, `LAST_N_DAYS:7`, ...
    DateLiteral(DateLiteral),
}

/// One ORDER BY key.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OrderKey {
    pub(crate) field: Path,
    pub(crate) descending: bool,
    /// `Some(true)` = NULLS FIRST, `Some(false)` = NULLS LAST, `None` = the default (first
    /// when ascending, last when descending).
    pub(crate) nulls_first: Option<bool>,
}

impl OrderKey {
    /// Whether nulls sort before the values.
    pub(crate) fn nulls_first(&self) -> bool {
        self.nulls_first.unwrap_or(!self.descending)
    }
}
