//! Properties of the lexer and parser over generated input: any string literal round-trips
//! as its value (the injection guarantee a client relies on), and no text makes the parser
//! panic or point its caret outside the query.

use proptest::prelude::*;

use super::ast::{Condition, LiteralValue};
use super::error::caret_header;
use super::parser::parse;
use super::strings::{like_matches, like_pattern, value};

/// SOQL literal rules: escape `\ ' " \n \r \t \b \f`, and `% _` inside LIKE.
fn escape(s: &str, like: bool) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\\' => out.push_str(r"\\"),
            '\'' => out.push_str(r"\'"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str(r"\n"),
            '\r' => out.push_str(r"\r"),
            '\t' => out.push_str(r"\t"),
            '\u{8}' => out.push_str(r"\b"),
            '\u{c}' => out.push_str(r"\f"),
            '%' | '_' if like => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn nasty() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just('\''),
            Just('\\'),
            Just('"'),
            Just('%'),
            Just('_'),
            Just('\n'),
            Just('\r'),
            Just('\t'),
            Just('\u{8}'),
            Just('\u{c}'),
            Just('u'),
            Just(' '),
            Just(')'),
            any::<char>(),
        ],
        0..24,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn escaped_strings_are_one_literal_holding_the_value(s in nasty()) {
        let soql = format!("SELECT Id FROM Task WHERE Subject = {} AND Id != null", escape(&s, false));
        let query = parse(&soql).expect("an escaped literal always parses");
        let Some(Condition::And(parts)) = query.filter else { panic!("structure changed: {soql}") };
        prop_assert_eq!(parts.len(), 2);
        let Condition::Compare { value: literal, .. } = &parts[0] else { panic!("{soql}") };
        let LiteralValue::Str(raw) = &literal.value else { panic!("{soql}") };
        prop_assert_eq!(value(raw), s);
    }

    #[test]
    fn escaped_like_patterns_match_exactly_their_value(s in nasty(), other in nasty()) {
        let soql = format!("SELECT Id FROM Task WHERE Subject LIKE {}", escape(&s, true));
        let query = parse(&soql).expect("an escaped pattern always parses");
        let Some(Condition::Like { pattern, .. }) = query.filter else { panic!("{soql}") };
        let LiteralValue::Str(raw) = &pattern.value else { panic!("{soql}") };
        let pattern = like_pattern(raw);
        prop_assert!(like_matches(&pattern, &s));
        let fold = |t: &str| t.chars().map(super::strings::lower).collect::<String>();
        prop_assert_eq!(like_matches(&pattern, &other), fold(&other) == fold(&s));
    }

    #[test]
    fn any_text_parses_or_fails_with_a_caret_inside_it(text in "[ -~\n]{0,60}", prefix in prop_oneof![
        Just(""), Just("SELECT "), Just("SELECT Id FROM Task "), Just("SELECT Id FROM Task WHERE "),
    ]) {
        let soql = format!("{prefix}{text}");
        if let Err(e) = parse(&soql) {
            let at = e.at.expect("syntax errors are located");
            prop_assert!(at <= soql.len());
            let header = caret_header(&soql, at);
            prop_assert!(header.contains("ERROR at Row:"));
        }
    }
}
