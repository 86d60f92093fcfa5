//! SOQL literals: how a Rust value is written into a query.
//!
//! Rules (Salesforce's SOQL reference, "Quoted String Escape Sequences" and "Date Formats and Date
//! Literals"):
//! - text is single-quoted with `\n \r \t \b \f \" \' \\` escaped, any other control character as
//!   `\uXXXX`; everything else (including non-ASCII) is kept as is;
//! - inside `LIKE`, `%` and `_` are wildcards; [`Like`] escapes them as `\%` / `\_` unless the
//!   caller asked for a raw pattern;
//! - dates (`2021-07-20`), datetimes (`2021-07-20T10:00:00Z`, always in UTC) and times are
//!   unquoted;
//! - booleans are `true` / `false`, a missing value is `null`, numbers are written without locale
//!   (a non-finite float is rejected: SOQL has no literal for it).

use std::fmt::Write as _;

use crate::types::{Date, DateTime, Id, Time};

/// A value that cannot be written as a SOQL literal (a NaN or infinite number, a year outside
/// 0000–9999).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot write {what} as a SOQL literal")]
pub struct LiteralError {
    what: String,
}

impl LiteralError {
    pub(crate) fn new(what: impl Into<String>) -> Self {
        LiteralError { what: what.into() }
    }
}

/// A Rust value that has a SOQL literal form. Implemented for text, numbers, booleans, [`Id`],
/// [`Date`], [`DateTime`], [`Time`], `Option` of those (`None` is `null`) and references.
///
/// Picklist enums and other text-like types implement it by writing their API value with
/// [`write_text`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no SOQL literal form",
    label = "this value cannot be written into a SOQL query",
    note = "SOQL values are text, numbers, booleans, Id, Date, DateTime, Time, picklist values or Option of those"
)]
pub trait SoqlValue {
    /// Appends the literal to `out`.
    fn write_soql(&self, out: &mut String) -> Result<(), LiteralError>;
}

/// Renders one value as a SOQL literal.
///
/// ```
/// use sforce_core::query::to_soql;
/// assert_eq!(to_soql(&"O'Brien\n").unwrap(), r"'O\'Brien\n'");
/// assert_eq!(to_soql(&Some(42)).unwrap(), "42");
/// assert_eq!(to_soql(&None::<bool>).unwrap(), "null");
/// ```
pub fn to_soql<T: SoqlValue + ?Sized>(value: &T) -> Result<String, LiteralError> {
    let mut out = String::new();
    value.write_soql(&mut out)?;
    Ok(out)
}

/// Writes `text` as a quoted SOQL string literal (`'...'`, escaped).
pub fn write_text(out: &mut String, text: &str) {
    out.push('\'');
    escape_into(out, text, false);
    out.push('\'');
}

/// Escapes `text` for the inside of a quoted literal; `like` also escapes the LIKE wildcards.
fn escape_into(out: &mut String, text: &str, like: bool) {
    out.reserve(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '%' if like => out.push_str("\\%"),
            '_' if like => out.push_str("\\_"),
            c if c.is_control() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
}

impl SoqlValue for str {
    fn write_soql(&self, out: &mut String) -> Result<(), LiteralError> {
        write_text(out, self);
        Ok(())
    }
}

impl SoqlValue for String {
    fn write_soql(&self, out: &mut String) -> Result<(), LiteralError> {
        write_text(out, self);
        Ok(())
    }
}

impl SoqlValue for std::borrow::Cow<'_, str> {
    fn write_soql(&self, out: &mut String) -> Result<(), LiteralError> {
        write_text(out, self);
        Ok(())
    }
}

impl SoqlValue for Box<str> {
    fn write_soql(&self, out: &mut String) -> Result<(), LiteralError> {
        write_text(out, self);
        Ok(())
    }
}

impl SoqlValue for std::sync::Arc<str> {
    fn write_soql(&self, out: &mut String) -> Result<(), LiteralError> {
        write_text(out, self);
        Ok(())
    }
}

impl SoqlValue for Id {
    fn write_soql(&self, out: &mut String) -> Result<(), LiteralError> {
        // An Id holds only letters and digits: quoting is enough.
        write_text(out, self.as_str());
        Ok(())
    }
}

impl SoqlValue for bool {
    fn write_soql(&self, out: &mut String) -> Result<(), LiteralError> {
        out.push_str(if *self { "true" } else { "false" });
        Ok(())
    }
}

macro_rules! integer_literal {
    ($($t:ty)*) => {$(
        impl SoqlValue for $t {
            fn write_soql(&self, out: &mut String) -> Result<(), LiteralError> {
                let _ = write!(out, "{self}");
                Ok(())
            }
        }
    )*};
}

integer_literal!(i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize);

macro_rules! float_literal {
    ($($t:ty)*) => {$(
        impl SoqlValue for $t {
            fn write_soql(&self, out: &mut String) -> Result<(), LiteralError> {
                if !self.is_finite() {
                    return Err(LiteralError::new(format!("the number {self}")));
                }
                // `Display` for floats never uses an exponent nor a locale.
                let _ = write!(out, "{self}");
                Ok(())
            }
        }
    )*};
}

float_literal!(f32 f64);

fn check_year(year: i32, value: &dyn std::fmt::Display) -> Result<(), LiteralError> {
    if (0..=9999).contains(&year) {
        Ok(())
    } else {
        Err(LiteralError::new(format!("the date {value}")))
    }
}

impl SoqlValue for Date {
    fn write_soql(&self, out: &mut String) -> Result<(), LiteralError> {
        check_year(self.get().year(), self)?;
        let _ = write!(out, "{self}");
        Ok(())
    }
}

impl SoqlValue for DateTime {
    /// In UTC, with milliseconds only when they are not zero: `2021-07-20T10:00:00Z`.
    fn write_soql(&self, out: &mut String) -> Result<(), LiteralError> {
        let utc = self.get().to_offset(time::UtcOffset::UTC);
        check_year(utc.year(), self)?;
        let (d, t) = (utc.date(), utc.time());
        let _ = write!(
            out,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            d.year(),
            u8::from(d.month()),
            d.day(),
            t.hour(),
            t.minute(),
            t.second()
        );
        if t.millisecond() != 0 {
            let _ = write!(out, ".{:03}", t.millisecond());
        }
        out.push('Z');
        Ok(())
    }
}

impl SoqlValue for Time {
    fn write_soql(&self, out: &mut String) -> Result<(), LiteralError> {
        let _ = write!(out, "{self}");
        Ok(())
    }
}

impl<T: SoqlValue> SoqlValue for Option<T> {
    fn write_soql(&self, out: &mut String) -> Result<(), LiteralError> {
        match self {
            Some(v) => v.write_soql(out),
            None => {
                out.push_str("null");
                Ok(())
            }
        }
    }
}

impl<T: SoqlValue + ?Sized> SoqlValue for &T {
    fn write_soql(&self, out: &mut String) -> Result<(), LiteralError> {
        (**self).write_soql(out)
    }
}

/// A `LIKE` pattern. The constructors say whether `%` and `_` in the text are meant literally
/// ([`contains`](Like::contains), [`starts_with`](Like::starts_with),
/// [`ends_with`](Like::ends_with), [`exact`](Like::exact)) or as wildcards
/// ([`pattern`](Like::pattern)). Quotes and backslashes are always escaped.
///
/// ```
/// use sforce_core::query::Like;
/// assert_eq!(Like::contains("50%_off").to_soql(), r"'%50\%\_off%'");
/// assert_eq!(Like::pattern("Call_%").to_soql(), "'Call_%'");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Like {
    text: String,
    prefix: bool,
    suffix: bool,
    raw: bool,
}

impl Like {
    fn new(text: impl Into<String>, prefix: bool, suffix: bool, raw: bool) -> Self {
        Like {
            text: text.into(),
            prefix,
            suffix,
            raw,
        }
    }

    /// Matches values containing `text` (`%` and `_` in it match themselves).
    pub fn contains(text: impl Into<String>) -> Self {
        Like::new(text, true, true, false)
    }

    /// Matches values starting with `text`.
    pub fn starts_with(text: impl Into<String>) -> Self {
        Like::new(text, false, true, false)
    }

    /// Matches values ending with `text`.
    pub fn ends_with(text: impl Into<String>) -> Self {
        Like::new(text, true, false, false)
    }

    /// Matches values equal to `text` (case-insensitively, as `LIKE` does).
    pub fn exact(text: impl Into<String>) -> Self {
        Like::new(text, false, false, false)
    }

    /// A pattern whose `%` (any run of characters) and `_` (one character) are wildcards.
    /// Quotes and backslashes in it are still escaped, so it cannot end the literal.
    pub fn pattern(pattern: impl Into<String>) -> Self {
        Like::new(pattern, false, false, true)
    }

    /// The quoted literal.
    pub fn to_soql(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + 4);
        self.write(&mut out);
        out
    }

    pub(crate) fn write(&self, out: &mut String) {
        out.push('\'');
        if self.prefix {
            out.push('%');
        }
        if self.raw {
            // Wildcards stay; a backslash the caller wrote is escaped (it would otherwise
            // escape the next character).
            escape_into(out, &self.text, false);
        } else {
            escape_into(out, &self.text, true);
        }
        if self.suffix {
            out.push('%');
        }
        out.push('\'');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_every_special_character() {
        let cases = [
            ("plain", "'plain'"),
            ("O'Brien", r"'O\'Brien'"),
            (r#"say "hi""#, r#"'say \"hi\"'"#),
            (r"back\slash", r"'back\\slash'"),
            ("a\nb\rc\td", r"'a\nb\rc\td'"),
            ("\u{8}\u{c}", r"'\b\f'"),
            ("\u{0}\u{1f}\u{7f}", r"'\u0000\u001f\u007f'"),
            ("ünïcødé ✓ 🦀", "'ünïcødé ✓ 🦀'"),
            ("50% _x_", "'50% _x_'"),
            (r"\u0027", r"'\\u0027'"),
            ("' OR Name != '", r"'\' OR Name != \''"),
        ];
        for (input, expected) in cases {
            assert_eq!(to_soql(input).unwrap(), expected, "{input:?}");
        }
    }

    #[test]
    fn like_escapes_wildcards_unless_raw() {
        assert_eq!(Like::contains("a%b_c").to_soql(), r"'%a\%b\_c%'");
        assert_eq!(Like::starts_with("x'").to_soql(), r"'x\'%'");
        assert_eq!(Like::ends_with("y").to_soql(), "'%y'");
        assert_eq!(Like::exact("_").to_soql(), r"'\_'");
        assert_eq!(Like::pattern(r"a%b_\'").to_soql(), r"'a%b_\\\''");
    }

    #[test]
    fn scalars() {
        assert_eq!(to_soql(&true).unwrap(), "true");
        assert_eq!(to_soql(&-12i64).unwrap(), "-12");
        assert_eq!(to_soql(&1.5f64).unwrap(), "1.5");
        assert_eq!(to_soql(&1e21f64).unwrap(), "1000000000000000000000");
        assert_eq!(to_soql(&0.000001f64).unwrap(), "0.000001");
        assert!(to_soql(&f64::NAN).is_err());
        assert!(to_soql(&f32::INFINITY).is_err());
        assert_eq!(to_soql(&None::<String>).unwrap(), "null");
        let id = Id::new("00T5g00000AbCdEEAV").unwrap();
        assert_eq!(to_soql(&id).unwrap(), "'00T5g00000AbCdEEAV'");
    }

    #[test]
    fn dates_are_unquoted_and_datetimes_in_utc() {
        let d: Date = "2021-07-20".parse().unwrap();
        assert_eq!(to_soql(&d).unwrap(), "2021-07-20");
        let dt: DateTime = "2021-07-20T12:00:00+02:00".parse().unwrap();
        assert_eq!(to_soql(&dt).unwrap(), "2021-07-20T10:00:00Z");
        let dt: DateTime = "2012-07-12T17:49:01.250+0000".parse().unwrap();
        assert_eq!(to_soql(&dt).unwrap(), "2012-07-12T17:49:01.250Z");
        let t: Time = "22:12:30.999Z".parse().unwrap();
        assert_eq!(to_soql(&t).unwrap(), "22:12:30.999Z");
    }
}
