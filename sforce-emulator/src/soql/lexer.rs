//! The SOQL lexer (winnow): query text → tokens with their byte offsets.
//!
//! Words (keywords and names alike: SOQL keywords are not reserved as object names, e.g.
//! `FROM Order`), numbers, quoted strings (escapes checked here, decoded by the parser, which
//! knows whether the string is a LIKE pattern), date and datetime literals, punctuation and
//! comparison operators. Whitespace separates tokens and is dropped.

use winnow::ascii::{digit1, multispace0};
use winnow::combinator::{alt, dispatch, fail, opt, peek};
use winnow::prelude::*;
use winnow::stream::Location as _;
use winnow::stream::{LocatingSlice, Stream};
use winnow::token::{any, one_of, take_while};

use super::error::QueryError;
use super::strings;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A keyword or a name: `SELECT`, `Owner`, `uuid__c`, `LAST_N_DAYS`.
    Word,
    /// `42`, `-1.5`.
    Number,
    /// `'text'` (the raw text keeps its quotes and escapes).
    Str,
    /// `2021-07-20`.
    Date,
    /// `2021-07-20T10:00:00Z`, `2021-07-20T10:00:00.000+02:00`.
    DateTime,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `,`
    Comma,
    /// `.`
    Dot,
    /// `:`
    Colon,
    /// `=`, `!=`, `<>`, `<`, `<=`, `>`, `>=`.
    Op,
    /// The end of the text.
    Eof,
}

/// One token: its kind, its text as written and the byte offset where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token<'s> {
    pub(crate) kind: Kind,
    pub(crate) raw: &'s str,
    pub(crate) at: usize,
}

impl Token<'_> {
    /// A word equal to `keyword`, ignoring case.
    pub(crate) fn is_keyword(&self, keyword: &str) -> bool {
        self.kind == Kind::Word && self.raw.eq_ignore_ascii_case(keyword)
    }
}

type Input<'s> = LocatingSlice<&'s str>;

/// Splits `text` into tokens, ending with an [`Kind::Eof`] token.
pub(crate) fn lex(text: &str) -> Result<Vec<Token<'_>>, QueryError> {
    let mut input = LocatingSlice::new(text);
    let mut tokens = Vec::new();
    loop {
        let _ = multispace0::<_, winnow::error::ContextError>.parse_next(&mut input);
        let at = input.current_token_start();
        if input.eof_offset() == 0 {
            tokens.push(Token {
                kind: Kind::Eof,
                raw: "",
                at,
            });
            return Ok(tokens);
        }
        let (kind, raw) = token
            .with_taken()
            .parse_next(&mut input)
            .map_err(|_: winnow::error::ContextError| bad_token(text, at))?;
        if kind == Kind::Str {
            strings::check_escapes(raw)
                .map_err(|(offset, message)| QueryError::malformed(at + offset, message))?;
        }
        tokens.push(Token { kind, raw, at });
    }
}

/// The error for text that starts no token: an unterminated string or a stray character.
fn bad_token(text: &str, at: usize) -> QueryError {
    let rest = &text[at..];
    if rest.starts_with('\'') {
        return QueryError::malformed(at, format!("unterminated string literal: {rest}"));
    }
    let bad: String = rest.chars().take(1).collect();
    QueryError::unexpected(at, &bad)
}

fn token(input: &mut Input<'_>) -> winnow::Result<Kind> {
    dispatch! {peek(any);
        'a'..='z' | 'A'..='Z' | '_' => word,
        '0'..='9' => alt((datetime, date, number)),
        '-' => number,
        '\'' => string,
        '(' => '('.value(Kind::LParen),
        ')' => ')'.value(Kind::RParen),
        ',' => ','.value(Kind::Comma),
        '.' => '.'.value(Kind::Dot),
        ':' => ':'.value(Kind::Colon),
        '=' | '!' | '<' | '>' => operator,
        _ => fail,
    }
    .parse_next(input)
}

fn word(input: &mut Input<'_>) -> winnow::Result<Kind> {
    take_while(1.., |c: char| c.is_ascii_alphanumeric() || c == '_')
        .value(Kind::Word)
        .parse_next(input)
}

fn number(input: &mut Input<'_>) -> winnow::Result<Kind> {
    (opt('-'), digit1, opt(('.', digit1)))
        .value(Kind::Number)
        .parse_next(input)
}

fn digits<'s>(n: usize) -> impl Parser<Input<'s>, &'s str, winnow::error::ContextError> {
    take_while(n..=n, |c: char| c.is_ascii_digit())
}

fn date(input: &mut Input<'_>) -> winnow::Result<Kind> {
    (digits(4), '-', digits(2), '-', digits(2))
        .value(Kind::Date)
        .parse_next(input)
}

fn datetime(input: &mut Input<'_>) -> winnow::Result<Kind> {
    let zone = alt((
        one_of(['Z', 'z']).void(),
        (one_of(['+', '-']), digits(2), opt(':'), digits(2)).void(),
    ));
    (
        date,
        one_of(['T', 't']),
        (digits(2), ':', digits(2), ':', digits(2)),
        opt(('.', digit1)),
        zone,
    )
        .value(Kind::DateTime)
        .parse_next(input)
}

fn string(input: &mut Input<'_>) -> winnow::Result<Kind> {
    '\''.parse_next(input)?;
    loop {
        match any.parse_next(input)? {
            '\\' => {
                any.parse_next(input)?;
            }
            '\'' => return Ok(Kind::Str),
            _ => {}
        }
    }
}

fn operator(input: &mut Input<'_>) -> winnow::Result<Kind> {
    alt(("!=", "<>", "<=", ">=", "=", "<", ">"))
        .value(Kind::Op)
        .parse_next(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        lex(text)
            .unwrap()
            .into_iter()
            .map(|t| (t.kind, t.raw))
            .collect()
    }

    #[test]
    fn splits_every_kind_of_token() {
        use Kind::*;
        assert_eq!(
            kinds(
                "SELECT Id,Owner.Name FROM Task WHERE (a!=-1.5 AND b<>'it''s') OR d >= 2021-07-20 OR e<2021-07-20T10:00:00.5+02:00 OR f = LAST_N_DAYS:3"
            ),
            [
                (Word, "SELECT"),
                (Word, "Id"),
                (Comma, ","),
                (Word, "Owner"),
                (Dot, "."),
                (Word, "Name"),
                (Word, "FROM"),
                (Word, "Task"),
                (Word, "WHERE"),
                (LParen, "("),
                (Word, "a"),
                (Op, "!="),
                (Number, "-1.5"),
                (Word, "AND"),
                (Word, "b"),
                (Op, "<>"),
                (Str, "'it'"),
                (Str, "'s'"),
                (RParen, ")"),
                (Word, "OR"),
                (Word, "d"),
                (Op, ">="),
                (Date, "2021-07-20"),
                (Word, "OR"),
                (Word, "e"),
                (Op, "<"),
                (DateTime, "2021-07-20T10:00:00.5+02:00"),
                (Word, "OR"),
                (Word, "f"),
                (Op, "="),
                (Word, "LAST_N_DAYS"),
                (Colon, ":"),
                (Number, "3"),
                (Eof, ""),
            ]
        );
    }

    #[test]
    fn strings_keep_escapes_and_offsets() {
        let tokens = lex(r"Name = 'a\'b\\' ").unwrap();
        assert_eq!(tokens[2].raw, r"'a\'b\\'");
        assert_eq!(tokens[2].at, 7);
        assert_eq!(tokens[3].at, 16);
    }

    #[test]
    fn bad_text_is_malformed() {
        let e = lex("SELECT Id FROM Task WHERE Name = 'open").unwrap_err();
        assert_eq!((e.code, e.at), ("MALFORMED_QUERY", Some(33)));
        let e = lex("SELECT Id FROM Task;").unwrap_err();
        assert_eq!(e.message, "unexpected token: ';'");
        let e = lex(r"SELECT Id FROM Task WHERE Name = 'a\qb'").unwrap_err();
        assert_eq!(e.at, Some(35));
        assert!(e.message.contains(r"\q"), "{}", e.message);
    }
}
