//! SOQL string literals and LIKE patterns.
//!
//! Escapes: `\n \r \t \b \f \" \' \\` and `\uXXXX` (UTF-16, surrogate pairs combined). Inside a
//! LIKE pattern `\%` and `\_` are a literal `%` and `_`; elsewhere they are kept as written
//! (backslash included: Salesforce's handling there is unconfirmed). Any other escape is
//! malformed.

/// One element of a LIKE pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LikePart {
    /// A character matched case-insensitively (stored lower-cased).
    Char(char),
    /// `_`: any one character.
    One,
    /// `%`: any run of characters, empty included.
    Any,
}

/// Checks every escape of a quoted literal (`raw` includes the quotes). On error: the byte
/// offset of the bad escape within `raw` and the message.
pub(crate) fn check_escapes(raw: &str) -> Result<(), (usize, String)> {
    decode(raw, true, |_, _| {}).map(drop)
}

/// The value of a quoted literal outside LIKE (`raw` includes the quotes; escapes were
/// checked by the lexer).
pub(crate) fn value(raw: &str) -> String {
    let mut out = String::new();
    let _ = decode(raw, false, |c, _| out.push(c));
    out
}

/// A LIKE pattern from a quoted literal.
pub(crate) fn like_pattern(raw: &str) -> Vec<LikePart> {
    let mut parts = Vec::new();
    let _ = decode(raw, true, |c, escaped| {
        parts.push(match c {
            '%' if !escaped => LikePart::Any,
            '_' if !escaped => LikePart::One,
            c => LikePart::Char(lower(c)),
        });
    });
    parts
}

/// Does `text` match `pattern` (case-insensitively)?
pub(crate) fn like_matches(pattern: &[LikePart], text: &str) -> bool {
    let text: Vec<char> = text.chars().map(lower).collect();
    // Greedy matching with one backtrack point (the last `%`), linear in practice.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(LikePart::Any) => {
                star = Some((p, t));
                p += 1;
            }
            Some(LikePart::One) => {
                p += 1;
                t += 1;
            }
            Some(LikePart::Char(c)) if *c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|part| *part == LikePart::Any)
}

/// Case folding for comparisons: the first character of the lower-case mapping.
pub(crate) fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// Walks the body of `raw`, calling `emit(char, escaped)` per character. `in_like` decides
/// what `\%` and `\_` mean.
fn decode(
    raw: &str,
    in_like: bool,
    mut emit: impl FnMut(char, bool),
) -> Result<(), (usize, String)> {
    let body = &raw[1..raw.len() - 1];
    let illegal = |at: usize, seq: &str| {
        (
            1 + at,
            format!(
                "Invalid string literal '{body}'. Illegal character sequence '{seq}' in string \
                 literal."
            ),
        )
    };
    let mut chars = body.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c != '\\' {
            emit(c, false);
            continue;
        }
        let Some((_, e)) = chars.next() else {
            return Err(illegal(at, "\\"));
        };
        match e {
            'n' => emit('\n', true),
            'r' => emit('\r', true),
            't' => emit('\t', true),
            'b' => emit('\u{8}', true),
            'f' => emit('\u{c}', true),
            '"' | '\'' | '\\' => emit(e, true),
            '%' | '_' if in_like => emit(e, true),
            '%' | '_' => {
                emit('\\', true);
                emit(e, true);
            }
            'u' => {
                let unit = hex4(body, at + 2).ok_or_else(|| illegal(at, &body[at..]))?;
                skip(&mut chars, 4);
                let c = if (0xD800..0xDC00).contains(&unit) {
                    let low = body[at + 6..]
                        .strip_prefix("\\u")
                        .and_then(|_| hex4(body, at + 8))
                        .filter(|l| (0xDC00..0xE000).contains(l))
                        .ok_or_else(|| illegal(at, &body[at..at + 6]))?;
                    skip(&mut chars, 6);
                    char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                } else {
                    char::from_u32(unit)
                };
                emit(c.ok_or_else(|| illegal(at, &body[at..at + 6]))?, true);
            }
            other => return Err(illegal(at, &format!("\\{other}"))),
        }
    }
    Ok(())
}

fn hex4(body: &str, at: usize) -> Option<u32> {
    let digits = body.get(at..at + 4)?;
    if !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

fn skip(chars: &mut impl Iterator, n: usize) {
    for _ in 0..n {
        chars.next();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_decode() {
        assert_eq!(
            value(r"'a\nb\rc\td\be\ff\'g\\h\u00e9\uD83D\uDE00\u0041'"),
            "a\nb\rc\td\u{8}e\u{c}f'g\\h\u{e9}\u{1F600}A"
        );
        assert_eq!(value(r"'\%\_ %_'"), r"\%\_ %_");
        assert_eq!(value("'ünï'"), "ünï");
    }

    #[test]
    fn bad_escapes_are_located() {
        assert_eq!(check_escapes(r"'ab\x'").unwrap_err().0, 3);
        assert!(check_escapes(r"'\u12'").is_err());
        assert!(check_escapes(r"'\uD83D'").is_err());
        assert!(check_escapes(r"'\uZZZZ'").is_err());
        assert!(check_escapes(r"'\%\_\u0041'").is_ok());
    }

    #[test]
    fn like_wildcards_and_escapes() {
        let p = like_pattern(r"'100\%_off%'");
        assert!(like_matches(&p, "100%xOFF and more"));
        assert!(!like_matches(&p, "100xxoff"));
        let p = like_pattern("'%a_c%'");
        assert!(like_matches(&p, "ABC"));
        assert!(like_matches(&p, "zzaXczz"));
        assert!(!like_matches(&p, "ac"));
        assert!(like_matches(&like_pattern("'%'"), ""));
        assert!(like_matches(&like_pattern(r"'a\_b'"), "A_B"));
        assert!(!like_matches(&like_pattern(r"'a\_b'"), "AxB"));
        assert!(like_matches(&like_pattern("'%%b'"), "aab"));
        assert!(!like_matches(&like_pattern("'a'"), "ab"));
    }
}
