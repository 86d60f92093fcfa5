//! The SOQL parser (winnow over the lexer's tokens): tokens → [`Query`].
//!
//! Grammar (keywords case-insensitive):
//!
//! ```text
//! query     = SELECT item ("," item)* FROM name [WHERE condition]
//!             [ORDER BY key ("," key)*] [LIMIT n] [OFFSET n]
//! item      = COUNT "(" ")" | "(" query ")" | path
//! path      = name ("." name)*
//! condition = unary (AND unary)* | unary (OR unary)*     -- mixing needs parentheses
//! unary     = NOT unary | "(" condition ")" | path op literal | path LIKE literal
//!           | path [NOT] IN "(" literal ("," literal)* ")"
//!           | path (INCLUDES | EXCLUDES) "(" literal ("," literal)* ")"
//! literal   = 'string' | number | date | datetime | TRUE | FALSE | NULL
//!           | DATE_LITERAL | DATE_LITERAL ":" n
//! key       = path [ASC | DESC] [NULLS (FIRST | LAST)]
//! ```
//!
//! Errors are Salesforce's MALFORMED_QUERY `unexpected token: 'X'` at the first token that
//! does not fit (the furthest one reached).

use winnow::combinator::{cut_err, opt, preceded};
use winnow::error::{ErrMode, ParserError};
use winnow::prelude::*;
use winnow::stream::{Stream, TokenSlice};

use super::ast::{
    CompareOp, Condition, Count, Literal, LiteralValue, Name, OrderKey, Path, Query, SelectItem,
};
use super::dates::{DateLiteral, parse_datetime};
use super::error::QueryError;
use super::lexer::{Kind, Token, lex};

type Tokens<'i, 's> = TokenSlice<'i, Token<'s>>;
type PResult<T> = winnow::ModalResult<T, Syntax>;

/// The parser's error: a query error located at a token.
#[derive(Debug)]
pub(crate) struct Syntax(QueryError);

impl<'i, 's> ParserError<Tokens<'i, 's>> for Syntax {
    type Inner = Self;

    fn from_input(input: &Tokens<'i, 's>) -> Self {
        match input.peek_token() {
            Some(t) => Syntax(QueryError::unexpected(t.at, t.raw)),
            None => Syntax(QueryError::unexpected(usize::MAX, "")),
        }
    }

    /// Of two failed branches, the one that got further explains the mistake.
    fn or(self, other: Self) -> Self {
        if other.0.at >= self.0.at { other } else { self }
    }

    fn into_inner(self) -> Result<Self::Inner, Self> {
        Ok(self)
    }
}

/// Clauses Salesforce has and the emulator does not: named in the error instead of a bare
/// "unexpected token".
const UNSUPPORTED: &[&str] = &[
    "GROUP", "HAVING", "WITH", "FOR", "USING", "TYPEOF", "UPDATE",
];

/// Parses one query.
pub(crate) fn parse(text: &str) -> Result<Query, QueryError> {
    let tokens = lex(text)?;
    let mut input = Tokens::new(&tokens);
    let result = (query, end_of_query).parse_next(&mut input);
    match result {
        Ok((query, ())) => Ok(query),
        Err(e) => {
            let Syntax(mut error) = e.into_inner().unwrap_or_else(|e| match e {
                ErrMode::Backtrack(s) | ErrMode::Cut(s) => s,
                ErrMode::Incomplete(_) => Syntax(QueryError::unexpected(text.len(), "")),
            });
            error.at = error.at.map(|at| at.min(text.len()));
            Err(error)
        }
    }
}

fn fail<T>(error: QueryError) -> PResult<T> {
    Err(ErrMode::Cut(Syntax(error)))
}

/// The next token if `pred` accepts it.
fn next_if<'i, 's: 'i>(
    input: &mut Tokens<'i, 's>,
    pred: impl Fn(&Token<'s>) -> bool,
) -> PResult<&'i Token<'s>> {
    match input.peek_token() {
        Some(t) if pred(t) => {
            input.next_token();
            Ok(t)
        }
        _ => Err(ErrMode::from_input(input)),
    }
}

fn token<'i, 's: 'i>(kind: Kind) -> impl FnMut(&mut Tokens<'i, 's>) -> PResult<&'i Token<'s>> {
    move |input| next_if(input, |t| t.kind == kind)
}

fn keyword<'i, 's: 'i>(
    word: &'static str,
) -> impl FnMut(&mut Tokens<'i, 's>) -> PResult<&'i Token<'s>> {
    move |input| next_if(input, |t| t.is_keyword(word))
}

fn peek_is(input: &Tokens<'_, '_>, pred: impl Fn(&Token<'_>) -> bool) -> bool {
    input.peek_token().is_some_and(pred)
}

/// Words that cannot name an object, field or relationship.
const RESERVED: &[&str] = &[
    "AND", "ASC", "DESC", "EXCLUDES", "FIRST", "FROM", "GROUP", "HAVING", "IN", "INCLUDES", "LAST",
    "LIKE", "LIMIT", "NOT", "NULL", "NULLS", "OR", "SELECT", "WHERE", "WITH",
];

fn name(input: &mut Tokens<'_, '_>) -> PResult<Name> {
    let t = next_if(input, |t| {
        t.kind == Kind::Word && !RESERVED.iter().any(|r| t.raw.eq_ignore_ascii_case(r))
    })?;
    Ok(Name {
        text: t.raw.to_owned(),
        at: t.at,
    })
}

/// `item (sep item)*`; an item must follow each separator.
fn list<'i, 's: 'i, O>(
    sep: Kind,
    mut item: impl FnMut(&mut Tokens<'i, 's>) -> PResult<O>,
) -> impl FnMut(&mut Tokens<'i, 's>) -> PResult<Vec<O>> {
    move |input| {
        let mut items = vec![item(input)?];
        while opt(token(sep)).parse_next(input)?.is_some() {
            items.push(item(input).map_err(ErrMode::cut)?);
        }
        Ok(items)
    }
}

fn path(input: &mut Tokens<'_, '_>) -> PResult<Path> {
    list(Kind::Dot, name)
        .map(|parts| Path { parts })
        .parse_next(input)
}

fn query(input: &mut Tokens<'_, '_>) -> PResult<Query> {
    keyword("SELECT").parse_next(input)?;
    let select = cut_err(list(Kind::Comma, select_item)).parse_next(input)?;
    cut_err(keyword("FROM")).parse_next(input)?;
    let from = cut_err(name).parse_next(input)?;
    let filter = opt(preceded(keyword("WHERE"), cut_err(condition))).parse_next(input)?;
    let order_by = opt(preceded(
        (keyword("ORDER"), cut_err(keyword("BY"))),
        cut_err(list(Kind::Comma, order_key)),
    ))
    .parse_next(input)?
    .unwrap_or_default();
    let limit = opt(preceded(keyword("LIMIT"), cut_err(count))).parse_next(input)?;
    let offset = opt(preceded(keyword("OFFSET"), cut_err(count))).parse_next(input)?;
    Ok(Query {
        select,
        from,
        filter,
        order_by,
        limit,
        offset,
    })
}

/// The end of the text, naming clauses the emulator does not support.
fn end_of_query(input: &mut Tokens<'_, '_>) -> PResult<()> {
    if let Some(t) = input.peek_token()
        && let Some(clause) = UNSUPPORTED.iter().find(|k| t.is_keyword(k))
    {
        return fail(QueryError::malformed(
            t.at,
            format!("the sforce emulator does not support {clause} clauses"),
        ));
    }
    cut_err(token(Kind::Eof)).void().parse_next(input)
}

fn select_item(input: &mut Tokens<'_, '_>) -> PResult<SelectItem> {
    if peek_is(input, |t| t.kind == Kind::LParen) {
        token(Kind::LParen).parse_next(input)?;
        let sub = cut_err(query).parse_next(input)?;
        if let Some(SelectItem::Subquery(nested)) = sub
            .select
            .iter()
            .find(|i| matches!(i, SelectItem::Subquery(_)))
        {
            return fail(QueryError::malformed(
                nested.from.at,
                "Nesting of semi join sub-selects is not supported",
            ));
        }
        cut_err(token(Kind::RParen)).parse_next(input)?;
        return Ok(SelectItem::Subquery(Box::new(sub)));
    }
    let field = path.parse_next(input)?;
    if peek_is(input, |t| t.kind == Kind::LParen) {
        let function = &field.parts[0];
        if field.parts.len() == 1 && function.text.eq_ignore_ascii_case("COUNT") {
            token(Kind::LParen).parse_next(input)?;
            if !peek_is(input, |t| t.kind == Kind::RParen) {
                return fail(QueryError::malformed(
                    function.at,
                    "the sforce emulator supports COUNT() only, not aggregate functions",
                ));
            }
            token(Kind::RParen).parse_next(input)?;
            return Ok(SelectItem::Count(function.at));
        }
        return fail(QueryError::malformed(
            function.at,
            format!(
                "the sforce emulator does not support the function {}",
                function.text
            ),
        ));
    }
    Ok(SelectItem::Field(field))
}

fn condition(input: &mut Tokens<'_, '_>) -> PResult<Condition> {
    let first = unary.parse_next(input)?;
    for (word, join) in [
        ("AND", Condition::And as fn(Vec<Condition>) -> Condition),
        ("OR", Condition::Or),
    ] {
        if peek_is(input, |t| t.is_keyword(word)) {
            let mut all = vec![first];
            while opt(keyword(word)).parse_next(input)?.is_some() {
                all.push(cut_err(unary).parse_next(input)?);
            }
            return Ok(join(all));
        }
    }
    Ok(first)
}

fn unary(input: &mut Tokens<'_, '_>) -> PResult<Condition> {
    if opt(keyword("NOT")).parse_next(input)?.is_some() {
        return Ok(Condition::Not(Box::new(cut_err(unary).parse_next(input)?)));
    }
    if opt(token(Kind::LParen)).parse_next(input)?.is_some() {
        let inner = cut_err(condition).parse_next(input)?;
        cut_err(token(Kind::RParen)).parse_next(input)?;
        return Ok(inner);
    }
    let field = path.parse_next(input)?;
    if let Some(op) = opt(token(Kind::Op)).parse_next(input)? {
        let op = match op.raw {
            "=" => CompareOp::Eq,
            "!=" | "<>" => CompareOp::Ne,
            "<" => CompareOp::Lt,
            "<=" => CompareOp::Le,
            ">" => CompareOp::Gt,
            _ => CompareOp::Ge,
        };
        let value = cut_err(literal).parse_next(input)?;
        return Ok(Condition::Compare { field, op, value });
    }
    if opt(keyword("LIKE")).parse_next(input)?.is_some() {
        let pattern = cut_err(literal).parse_next(input)?;
        return Ok(Condition::Like { field, pattern });
    }
    for (word, negated) in [("INCLUDES", false), ("EXCLUDES", true)] {
        if opt(keyword(word)).parse_next(input)?.is_some() {
            let values = cut_err(parenthesized_literals).parse_next(input)?;
            return Ok(Condition::Includes {
                field,
                negated,
                values,
            });
        }
    }
    let negated = opt(keyword("NOT")).parse_next(input)?.is_some();
    cut_err(keyword("IN")).parse_next(input)?;
    let values = cut_err(parenthesized_literals).parse_next(input)?;
    Ok(Condition::In {
        field,
        negated,
        values,
    })
}

/// `( literal, ... )`; a subquery there is named as unsupported.
fn parenthesized_literals(input: &mut Tokens<'_, '_>) -> PResult<Vec<Literal>> {
    token(Kind::LParen).parse_next(input)?;
    if let Some(t) = input.peek_token().filter(|t| t.is_keyword("SELECT")) {
        return fail(QueryError::malformed(
            t.at,
            "the sforce emulator does not support semi-join subqueries",
        ));
    }
    let values = cut_err(list(Kind::Comma, literal)).parse_next(input)?;
    cut_err(token(Kind::RParen)).parse_next(input)?;
    Ok(values)
}

fn literal(input: &mut Tokens<'_, '_>) -> PResult<Literal> {
    let t = next_if(input, |t| {
        matches!(
            t.kind,
            Kind::Str | Kind::Number | Kind::Date | Kind::DateTime | Kind::Word
        )
    })?;
    let value = match t.kind {
        Kind::Str => LiteralValue::Str(t.raw.to_owned()),
        Kind::Number => match t.raw.parse::<f64>() {
            Ok(n) if n.is_finite() => LiteralValue::Number(n),
            _ => {
                return fail(QueryError::malformed(
                    t.at,
                    format!("invalid number: {}", t.raw),
                ));
            }
        },
        Kind::Date => match time::Date::parse(t.raw, &DATE) {
            Ok(d) => LiteralValue::Date(d),
            Err(_) => return fail(invalid_date(t)),
        },
        Kind::DateTime => match parse_datetime(t.raw) {
            Some(d) => LiteralValue::DateTime(d),
            None => return fail(invalid_date(t)),
        },
        _ => return word_literal(input, t),
    };
    Ok(Literal {
        value,
        at: t.at,
        raw: t.raw.to_owned(),
    })
}

/// `TRUE`, `FALSE`, `NULL`, `TODAY`, `LAST_N_DAYS:7`.
fn word_literal(input: &mut Tokens<'_, '_>, t: &Token<'_>) -> PResult<Literal> {
    let at = t.at;
    let simple = |value| {
        Ok(Literal {
            value,
            at,
            raw: t.raw.to_owned(),
        })
    };
    match t.raw.to_ascii_uppercase().as_str() {
        "TRUE" => return simple(LiteralValue::Bool(true)),
        "FALSE" => return simple(LiteralValue::Bool(false)),
        "NULL" => return simple(LiteralValue::Null),
        _ => {}
    }
    if let Some(d) = DateLiteral::fixed(t.raw) {
        return simple(LiteralValue::DateLiteral(d));
    }
    if !DateLiteral::takes_n(t.raw) {
        return fail(QueryError::unexpected(at, t.raw));
    }
    cut_err(token(Kind::Colon)).parse_next(input)?;
    let n = cut_err(token(Kind::Number)).parse_next(input)?;
    let value = n
        .raw
        .parse::<i64>()
        .ok()
        .filter(|n| (0..=100_000).contains(n))
        .and_then(|n| DateLiteral::with_n(t.raw, n));
    match value {
        Some(d) => Ok(Literal {
            value: LiteralValue::DateLiteral(d),
            at,
            raw: format!("{}:{}", t.raw, n.raw),
        }),
        None => fail(QueryError::malformed(
            n.at,
            format!("Invalid date literal value: {}:{}", t.raw, n.raw),
        )),
    }
}

const DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

fn invalid_date(t: &Token<'_>) -> QueryError {
    QueryError::malformed(t.at, format!("invalid date: {}", t.raw))
}

fn count(input: &mut Tokens<'_, '_>) -> PResult<Count> {
    let t = token(Kind::Number).parse_next(input)?;
    match t.raw.parse::<u64>() {
        Ok(value) => Ok(Count { value, at: t.at }),
        Err(_) => fail(QueryError::unexpected(t.at, t.raw)),
    }
}

fn order_key(input: &mut Tokens<'_, '_>) -> PResult<OrderKey> {
    let field = path.parse_next(input)?;
    let descending = if opt(keyword("DESC")).parse_next(input)?.is_some() {
        true
    } else {
        opt(keyword("ASC")).parse_next(input)?;
        false
    };
    let nulls_first = match opt(keyword("NULLS")).parse_next(input)? {
        Some(_) => {
            let first = cut_err(nulls_position).parse_next(input)?;
            Some(first)
        }
        None => None,
    };
    Ok(OrderKey {
        field,
        descending,
        nulls_first,
    })
}

/// `FIRST` (true) or `LAST` (false) after `NULLS`.
fn nulls_position(input: &mut Tokens<'_, '_>) -> PResult<bool> {
    next_if(input, |t| t.is_keyword("FIRST") || t.is_keyword("LAST")).map(|t| t.is_keyword("FIRST"))
}

#[cfg(test)]
#[path = "parser_tests.rs"]
mod tests;
