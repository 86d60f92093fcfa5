//! Typed `WHERE` conditions built on the generated field tokens, and `ORDER BY` terms.
//!
//! Operators are methods of the tokens ([`FieldRef`], [`ExternalIdRef`], [`ReadOnlyRef`]); which
//! ones exist for a field depends on its Rust value type:
//!
//! | operator | values of type `V` |
//! |---|---|
//! | `eq`, `ne`, `in_`, `not_in` | any [`SoqlValue`] (`impl Into<V>`: a `&str` for a `String` field, never for a date) |
//! | `lt`, `le`, `gt`, `ge` | [`Ordered`]: numbers, text, [`Id`], [`Date`], [`DateTime`], [`Time`] (not booleans) |
//! | `like`, `contains`, `starts_with`, `ends_with` | [`Text`]: text fields only |
//! | `is_null`, `is_not_null` | any |

use std::fmt;
use std::marker::PhantomData;

use super::literal::{Like, LiteralError, SoqlValue};
use crate::sobject::{ExternalIdRef, FieldRef, ReadOnlyRef};
use crate::types::{Date, DateTime, Id, Time};

/// A value type with an order in SOQL (`<`, `<=`, `>`, `>=`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` values cannot be compared with `lt`, `le`, `gt` or `ge`",
    label = "this field's type has no order in SOQL",
    note = "ordering comparisons exist for numbers, text, Id, Date, DateTime and Time fields; use `eq`/`ne` for booleans and picklists"
)]
pub trait Ordered: SoqlValue {}

/// A text value type: `LIKE` applies.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a text type: `like` and friends apply only to text fields",
    label = "not a text field",
    note = "`like`, `contains`, `starts_with` and `ends_with` exist for `String` fields"
)]
pub trait Text: SoqlValue {}

macro_rules! marker {
    ($trait:ident: $($t:ty),*) => {$(impl $trait for $t {})*};
}

marker!(Ordered: i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64);
marker!(Ordered: String, Box<str>, std::sync::Arc<str>, Id, Date, DateTime, Time);
marker!(Text: String, Box<str>, std::sync::Arc<str>);

/// A field of `S` that can appear in a query: a generated token.
pub trait Column<S> {
    /// The field's API name.
    fn column(&self) -> &'static str;
}

impl<S, V> Column<S> for FieldRef<S, V> {
    fn column(&self) -> &'static str {
        self.api_name()
    }
}

impl<S, V> Column<S> for ExternalIdRef<S, V> {
    fn column(&self) -> &'static str {
        self.api_name()
    }
}

impl<S, V> Column<S> for ReadOnlyRef<S, V> {
    fn column(&self) -> &'static str {
        self.api_name()
    }
}

#[derive(Clone)]
enum Expr {
    /// A rendered comparison, or why its value has no literal.
    Leaf(Result<String, LiteralError>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
}

impl Expr {
    fn write(&self, out: &mut String) -> Result<(), LiteralError> {
        match self {
            Expr::Leaf(text) => out.push_str(text.as_ref().map_err(Clone::clone)?),
            Expr::And(parts) | Expr::Or(parts) => {
                let op = if matches!(self, Expr::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        out.push_str(op);
                    }
                    part.write_operand(out)?;
                }
            }
            Expr::Not(inner) => {
                out.push_str("NOT ");
                inner.write_operand(out)?;
            }
        }
        Ok(())
    }

    /// Compound operands are parenthesized: SOQL requires it when `AND` and `OR` mix, and it
    /// keeps `NOT` applying to the whole operand.
    fn write_operand(&self, out: &mut String) -> Result<(), LiteralError> {
        if matches!(self, Expr::Leaf(_)) {
            self.write(out)
        } else {
            out.push('(');
            self.write(out)?;
            out.push(')');
            Ok(())
        }
    }
}

/// A typed `WHERE` condition on fields of `S`. Build one from a token's operator
/// (`CallLog::FIELD.status.eq("Completed")`) and combine with [`and`](Self::and),
/// [`or`](Self::or), [`not`](Self::not).
///
/// ```
/// # #[derive(sforce::SObject)]
/// # #[sobject(name = "Task")]
/// # struct CallLog {
/// #     #[sobject(id)] id: Option<sforce::Id>,
/// #     subject: Option<String>,
/// #     call_duration_in_seconds: Option<i32>,
/// #     is_transfer: Option<bool>,
/// # }
/// let cond = CallLog::FIELD
///     .subject
///     .starts_with("Call")
///     .and(CallLog::FIELD.call_duration_in_seconds.ge(60).or(CallLog::FIELD.is_transfer.eq(true)))
///     .and(CallLog::FIELD.subject.ne("Call 'x'").not());
/// assert_eq!(
///     cond.to_soql().unwrap(),
///     r"Subject LIKE 'Call%' AND (CallDurationInSeconds >= 60 OR IsTransfer = true) AND (NOT Subject != 'Call \'x\'')"
/// );
/// ```
pub struct Condition<S> {
    expr: Expr,
    _marker: PhantomData<fn() -> S>,
}

impl<S> Condition<S> {
    fn new(expr: Expr) -> Self {
        Condition {
            expr,
            _marker: PhantomData,
        }
    }

    fn leaf(column: &'static str, op: &str, value: Result<String, LiteralError>) -> Self {
        Condition::new(Expr::Leaf(value.map(|v| format!("{column} {op} {v}"))))
    }

    /// Both conditions.
    pub fn and(self, other: Condition<S>) -> Self {
        Condition::new(match self.expr {
            Expr::And(mut parts) => {
                parts.push(other.expr);
                Expr::And(parts)
            }
            expr => Expr::And(vec![expr, other.expr]),
        })
    }

    /// Either condition.
    pub fn or(self, other: Condition<S>) -> Self {
        Condition::new(match self.expr {
            Expr::Or(mut parts) => {
                parts.push(other.expr);
                Expr::Or(parts)
            }
            expr => Expr::Or(vec![expr, other.expr]),
        })
    }

    /// The negation.
    #[allow(clippy::should_implement_trait)] // also offered as `!cond`
    pub fn not(self) -> Self {
        Condition::new(Expr::Not(Box::new(self.expr)))
    }

    /// The condition as SOQL (what follows `WHERE`), or the value that has no literal.
    pub fn to_soql(&self) -> Result<String, LiteralError> {
        let mut out = String::new();
        self.expr.write(&mut out)?;
        Ok(out)
    }

    pub(crate) fn write(&self, out: &mut String) -> Result<(), LiteralError> {
        self.expr.write(out)
    }
}

impl<S> std::ops::Not for Condition<S> {
    type Output = Condition<S>;
    fn not(self) -> Self {
        Condition::not(self)
    }
}

impl<S> Clone for Condition<S> {
    fn clone(&self) -> Self {
        Condition::new(self.expr.clone())
    }
}

impl<S> fmt::Debug for Condition<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_soql() {
            Ok(text) => write!(f, "Condition({text})"),
            Err(e) => write!(f, "Condition(<{e}>)"),
        }
    }
}

fn literal<V: SoqlValue>(value: V) -> Result<String, LiteralError> {
    super::literal::to_soql(&value)
}

fn list<V: SoqlValue>(values: impl IntoIterator<Item = V>) -> Result<Option<String>, LiteralError> {
    let mut out = String::from("(");
    let mut any = false;
    for value in values {
        if any {
            out.push(',');
        }
        value.write_soql(&mut out)?;
        any = true;
    }
    out.push(')');
    Ok(any.then_some(out))
}

/// `IN` / `NOT IN` over a list. SOQL has no empty list: an empty `IN` is written as the
/// always-false `Id = null`, an empty `NOT IN` as the always-true `Id != null`.
fn in_list<S, V: SoqlValue>(
    column: &'static str,
    negated: bool,
    values: impl IntoIterator<Item = V>,
) -> Condition<S> {
    let op = if negated { "NOT IN" } else { "IN" };
    let text = list(values).map(|list| match list {
        Some(list) => format!("{column} {op} {list}"),
        None if negated => "Id != null".to_owned(),
        None => "Id = null".to_owned(),
    });
    Condition::new(Expr::Leaf(text))
}

/// The direction of an `ORDER BY` term and where nulls go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    Asc,
    Desc,
}

/// One `ORDER BY` term: a token's [`asc`](FieldRef::asc) / [`desc`](FieldRef::desc), with
/// optional [`nulls_first`](Self::nulls_first) / [`nulls_last`](Self::nulls_last). A token
/// alone orders ascending.
pub struct OrderBy<S> {
    column: &'static str,
    direction: Direction,
    nulls_first: Option<bool>,
    _marker: PhantomData<fn() -> S>,
}

impl<S> OrderBy<S> {
    fn new(column: &'static str, direction: Direction) -> Self {
        OrderBy {
            column,
            direction,
            nulls_first: None,
            _marker: PhantomData,
        }
    }

    /// Nulls before values.
    pub fn nulls_first(mut self) -> Self {
        self.nulls_first = Some(true);
        self
    }

    /// Nulls after values.
    pub fn nulls_last(mut self) -> Self {
        self.nulls_first = Some(false);
        self
    }

    pub(crate) fn write(&self, out: &mut String) {
        out.push_str(self.column);
        out.push_str(match self.direction {
            Direction::Asc => " ASC",
            Direction::Desc => " DESC",
        });
        match self.nulls_first {
            Some(true) => out.push_str(" NULLS FIRST"),
            Some(false) => out.push_str(" NULLS LAST"),
            None => {}
        }
    }
}

impl<S> Clone for OrderBy<S> {
    fn clone(&self) -> Self {
        OrderBy {
            column: self.column,
            direction: self.direction,
            nulls_first: self.nulls_first,
            _marker: PhantomData,
        }
    }
}

impl<S> fmt::Debug for OrderBy<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.write(&mut out);
        write!(f, "OrderBy({out})")
    }
}

macro_rules! token_ops {
    ($($token:ident),*) => {$(
        impl<S, V> From<$token<S, V>> for OrderBy<S> {
            fn from(token: $token<S, V>) -> Self {
                OrderBy::new(token.api_name(), Direction::Asc)
            }
        }

        /// Query operators (see [`crate::query`]); which exist depends on the value type `V`.
        impl<S, V: SoqlValue> $token<S, V> {
            /// `Field = value`.
            pub fn eq(self, value: impl Into<V>) -> Condition<S> {
                Condition::leaf(self.api_name(), "=", literal(value.into()))
            }

            /// `Field != value`.
            pub fn ne(self, value: impl Into<V>) -> Condition<S> {
                Condition::leaf(self.api_name(), "!=", literal(value.into()))
            }

            /// `Field IN (values)`; an empty list matches nothing.
            pub fn in_<I>(self, values: I) -> Condition<S>
            where
                I: IntoIterator,
                I::Item: Into<V>,
            {
                in_list(self.api_name(), false, values.into_iter().map(Into::into))
            }

            /// `Field NOT IN (values)`; an empty list matches everything.
            pub fn not_in<I>(self, values: I) -> Condition<S>
            where
                I: IntoIterator,
                I::Item: Into<V>,
            {
                in_list(self.api_name(), true, values.into_iter().map(Into::into))
            }

            /// `Field = null`.
            pub fn is_null(self) -> Condition<S> {
                Condition::leaf(self.api_name(), "=", Ok("null".to_owned()))
            }

            /// `Field != null`.
            pub fn is_not_null(self) -> Condition<S> {
                Condition::leaf(self.api_name(), "!=", Ok("null".to_owned()))
            }

            /// Ascending order on this field.
            pub fn asc(self) -> OrderBy<S> {
                OrderBy::new(self.api_name(), Direction::Asc)
            }

            /// Descending order on this field.
            pub fn desc(self) -> OrderBy<S> {
                OrderBy::new(self.api_name(), Direction::Desc)
            }
        }

        impl<S, V: Ordered> $token<S, V> {
            /// `Field < value`.
            pub fn lt(self, value: impl Into<V>) -> Condition<S> {
                Condition::leaf(self.api_name(), "<", literal(value.into()))
            }

            /// `Field <= value`.
            pub fn le(self, value: impl Into<V>) -> Condition<S> {
                Condition::leaf(self.api_name(), "<=", literal(value.into()))
            }

            /// `Field > value`.
            pub fn gt(self, value: impl Into<V>) -> Condition<S> {
                Condition::leaf(self.api_name(), ">", literal(value.into()))
            }

            /// `Field >= value`.
            pub fn ge(self, value: impl Into<V>) -> Condition<S> {
                Condition::leaf(self.api_name(), ">=", literal(value.into()))
            }
        }

        impl<S, V: Text> $token<S, V> {
            /// `Field LIKE pattern`; see [`Like`] for literal text vs wildcards.
            pub fn like(self, pattern: Like) -> Condition<S> {
                Condition::leaf(self.api_name(), "LIKE", Ok(pattern.to_soql()))
            }

            /// Values containing `text` literally (`%` and `_` in it are not wildcards).
            pub fn contains(self, text: impl Into<String>) -> Condition<S> {
                self.like(Like::contains(text))
            }

            /// Values starting with `text` literally.
            pub fn starts_with(self, text: impl Into<String>) -> Condition<S> {
                self.like(Like::starts_with(text))
            }

            /// Values ending with `text` literally.
            pub fn ends_with(self, text: impl Into<String>) -> Condition<S> {
                self.like(Like::ends_with(text))
            }
        }
    )*};
}

token_ops!(FieldRef, ExternalIdRef, ReadOnlyRef);

#[cfg(test)]
mod tests {
    use super::*;

    struct T;
    const SUBJECT: FieldRef<T, String> = FieldRef::__new("Subject");
    const N: ReadOnlyRef<T, f64> = ReadOnlyRef::__new("Amount");
    const D: FieldRef<T, Date> = FieldRef::__new("ActivityDate");

    #[test]
    fn nesting_is_parenthesized() {
        let c = SUBJECT
            .eq("a")
            .or(SUBJECT.eq("b"))
            .and(N.gt(1.5).not())
            .or(D.is_null());
        assert_eq!(
            c.to_soql().unwrap(),
            "((Subject = 'a' OR Subject = 'b') AND (NOT Amount > 1.5)) OR ActivityDate = null"
        );
    }

    #[test]
    fn lists_and_empty_lists() {
        assert_eq!(
            SUBJECT.in_(["a", "b'"]).to_soql().unwrap(),
            r"Subject IN ('a','b\'')"
        );
        assert_eq!(
            SUBJECT.in_(Vec::<String>::new()).to_soql().unwrap(),
            "Id = null"
        );
        assert_eq!(
            SUBJECT.not_in(Vec::<&str>::new()).to_soql().unwrap(),
            "Id != null"
        );
        let d = Date::from_ymd(2021, 7, 20).unwrap();
        assert_eq!(
            D.not_in([d]).to_soql().unwrap(),
            "ActivityDate NOT IN (2021-07-20)"
        );
    }

    #[test]
    fn a_value_without_literal_fails_the_whole_condition() {
        let c = SUBJECT.eq("a").and(N.lt(f64::NAN));
        assert!(c.to_soql().is_err());
    }

    #[test]
    fn order_terms() {
        let mut out = String::new();
        N.desc().nulls_last().write(&mut out);
        out.push_str(", ");
        OrderBy::from(SUBJECT).nulls_first().write(&mut out);
        assert_eq!(out, "Amount DESC NULLS LAST, Subject ASC NULLS FIRST");
    }
}
