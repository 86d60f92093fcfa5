//! [`Soql`], a finished query text, and [`SoqlTemplate`]: hand-written SOQL whose values are
//! bound, never pasted.

use std::fmt;

use super::literal::{Like, LiteralError, SoqlValue};
use crate::error::{Error, Result};

/// The text of a SOQL query, ready to send.
///
/// Build one from a string literal (`Soql::from("SELECT Id FROM Task")`), from a
/// [`SoqlTemplate`] / [`soql!`](crate::soql!) with bound values, or from a typed
/// [`Select`](super::Select). [`Soql::trusted`] takes any `String` for text you built and
/// checked yourself.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Soql {
    text: String,
}

impl Soql {
    /// Wraps query text that you built yourself and vouch for: no value in it came from
    /// unchecked input. Prefer [`SoqlTemplate`] or [`Select`](super::Select).
    pub fn trusted(text: impl Into<String>) -> Self {
        Soql { text: text.into() }
    }

    /// A template with placeholders (`:name` or `?`) for values. See [`SoqlTemplate`].
    pub fn template(template: &'static str) -> SoqlTemplate {
        SoqlTemplate::new(template)
    }

    /// The query text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The query text.
    pub fn into_string(self) -> String {
        self.text
    }
}

/// A string literal is query structure written by the programmer, not input.
impl From<&'static str> for Soql {
    fn from(text: &'static str) -> Self {
        Soql {
            text: text.to_owned(),
        }
    }
}

impl fmt::Display for Soql {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Soql {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Soql({:?})", self.text)
    }
}

/// Hand-written SOQL with bound values. The template is a `&'static str` (query structure comes
/// from the program, never from input); each placeholder is replaced by the SOQL literal of its
/// bound value, so a value can never change the query's structure.
///
/// Placeholders, outside quoted strings in the template:
/// - `:name` (a letter or `_`, then letters, digits, `_`), bound with [`bind`](Self::bind),
///   [`bind_list`](Self::bind_list) (for `IN :name`) or [`bind_like`](Self::bind_like);
///   `LAST_N_DAYS:7` is not a placeholder (a digit follows the colon);
/// - `?`, bound in order with [`arg`](Self::arg).
///
/// [`build`](Self::build) fails with [`Error::InvalidInput`] when a placeholder has no value, a
/// value has no placeholder, or a value has no SOQL literal (NaN).
///
/// ```
/// use sforce_core::query::{Like, Soql};
/// let soql = Soql::template(
///     "SELECT Id FROM Task WHERE Subject = :subject AND Status IN :statuses \
///      AND Description LIKE :text AND CallDurationInSeconds > ?",
/// )
/// .bind("subject", "x' OR Subject != 'y")
/// .bind_list("statuses", ["Completed", "Deferred"])
/// .bind_like("text", Like::contains("50%"))
/// .arg(60)
/// .build()?;
/// assert_eq!(
///     soql.as_str(),
///     r"SELECT Id FROM Task WHERE Subject = 'x\' OR Subject != \'y' AND Status IN ('Completed','Deferred') AND Description LIKE '%50\%%' AND CallDurationInSeconds > 60",
/// );
/// # Ok::<(), sforce_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SoqlTemplate {
    template: &'static str,
    named: Vec<(String, std::result::Result<String, LiteralError>)>,
    positional: Vec<std::result::Result<String, LiteralError>>,
}

impl SoqlTemplate {
    /// A template; see the type docs for placeholders.
    pub fn new(template: &'static str) -> Self {
        SoqlTemplate {
            template,
            named: Vec::new(),
            positional: Vec::new(),
        }
    }

    /// Binds `:name` to a value.
    pub fn bind(mut self, name: &str, value: impl SoqlValue) -> Self {
        self.named
            .push((name.to_owned(), super::literal::to_soql(&value)));
        self
    }

    /// Binds `:name` to a list, written `('a','b')` (for `IN :name` / `NOT IN :name`). An empty
    /// list is rejected by [`build`](Self::build): SOQL has no empty list.
    pub fn bind_list<I>(mut self, name: &str, values: I) -> Self
    where
        I: IntoIterator,
        I::Item: SoqlValue,
    {
        self.named.push((name.to_owned(), list(values)));
        self
    }

    /// Binds `:name` to a `LIKE` pattern.
    pub fn bind_like(mut self, name: &str, pattern: Like) -> Self {
        self.named.push((name.to_owned(), Ok(pattern.to_soql())));
        self
    }

    /// Binds the next `?`.
    pub fn arg(mut self, value: impl SoqlValue) -> Self {
        self.positional.push(super::literal::to_soql(&value));
        self
    }

    /// The query, or [`Error::InvalidInput`] naming the first problem.
    pub fn build(self) -> Result<Soql> {
        let mut out = String::with_capacity(self.template.len() + 32);
        let mut used: Vec<&str> = Vec::new();
        let mut next_positional = 0;
        let bytes = self.template.as_bytes();
        let mut quote = false;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if quote {
                // Inside a quoted string of the template: copied verbatim, `\x` skipped.
                let len = if b == b'\\' && i + 1 < bytes.len() {
                    2
                } else {
                    1
                };
                if b == b'\'' {
                    quote = false;
                }
                out.push_str(&self.template[i..i + len]);
                i += len;
                continue;
            }
            match b {
                b'\'' => {
                    quote = true;
                    out.push('\'');
                    i += 1;
                }
                b':' if bytes
                    .get(i + 1)
                    .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') =>
                {
                    let start = i + 1;
                    let mut end = start;
                    while bytes
                        .get(end)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                    {
                        end += 1;
                    }
                    let name = &self.template[start..end];
                    let index = self
                        .named
                        .iter()
                        .rposition(|(n, _)| n == name)
                        .ok_or_else(|| invalid(format!("the placeholder :{name} has no value")))?;
                    used.push(name);
                    out.push_str(literal(&self.named[index].1, name)?);
                    i = end;
                }
                b'?' => {
                    let value = self.positional.get(next_positional).ok_or_else(|| {
                        invalid(format!(
                            "the placeholder ? number {} has no value",
                            next_positional + 1
                        ))
                    })?;
                    out.push_str(literal(value, "?")?);
                    next_positional += 1;
                    i += 1;
                }
                _ => {
                    let len = utf8_len(b);
                    out.push_str(&self.template[i..i + len]);
                    i += len;
                }
            }
        }
        if quote {
            return Err(invalid("the template has an unterminated string literal"));
        }
        if let Some((name, _)) = self.named.iter().find(|(n, _)| !used.contains(&n.as_str())) {
            return Err(invalid(format!(
                "the value bound to :{name} has no placeholder"
            )));
        }
        if next_positional < self.positional.len() {
            return Err(invalid(format!(
                "{} values for ? but only {next_positional} placeholders",
                self.positional.len()
            )));
        }
        Ok(Soql { text: out })
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0..0x80 => 1,
        0xC0..0xE0 => 2,
        0xE0..0xF0 => 3,
        _ => 4,
    }
}

fn list<I>(values: I) -> std::result::Result<String, LiteralError>
where
    I: IntoIterator,
    I::Item: SoqlValue,
{
    let mut out = String::from("(");
    let mut empty = true;
    for value in values {
        if !empty {
            out.push(',');
        }
        value.write_soql(&mut out)?;
        empty = false;
    }
    if empty {
        return Err(LiteralError::new(
            "an empty list (SOQL has no empty IN list)",
        ));
    }
    out.push(')');
    Ok(out)
}

fn literal<'a>(
    value: &'a std::result::Result<String, LiteralError>,
    name: &str,
) -> Result<&'a str> {
    value
        .as_deref()
        .map_err(|e| invalid(format!("the value for {name}: {e}")))
}

fn invalid(message: impl Into<String>) -> Error {
    Error::invalid_input(message)
}

/// Hand-written SOQL with bound values: `soql!("template", name = value, ...)` is
/// [`SoqlTemplate`] with [`bind`](SoqlTemplate::bind) for each `name = value`, built. The
/// template must be a string literal. Returns `Result<Soql>`.
///
/// ```
/// let subject = "'; DELETE";
/// let soql = sforce_core::soql!(
///     "SELECT Id FROM Task WHERE Subject = :subject AND IsClosed = :closed",
///     subject = subject,
///     closed = false,
/// )?;
/// assert_eq!(soql.as_str(), r"SELECT Id FROM Task WHERE Subject = '\'; DELETE' AND IsClosed = false");
/// # Ok::<(), sforce_core::Error>(())
/// ```
#[macro_export]
macro_rules! soql {
    ($template:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::query::SoqlTemplate::new($template)
            $(.bind(::core::stringify!($name), $value))*
            .build()
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_inside_template_strings_are_text() {
        let soql = Soql::template("SELECT Id FROM Task WHERE Subject = ':x ?' AND Status = :x")
            .bind("x", "a")
            .build()
            .unwrap();
        assert_eq!(
            soql.as_str(),
            "SELECT Id FROM Task WHERE Subject = ':x ?' AND Status = 'a'"
        );
    }

    #[test]
    fn date_literal_colons_are_not_placeholders() {
        let soql = Soql::template(
            "SELECT Id FROM Task WHERE CreatedDate = LAST_N_DAYS:7 AND CreatedDate < 2021-01-01T00:00:00Z AND Subject = ?",
        )
        .arg("ü")
        .build()
        .unwrap();
        assert!(soql.as_str().ends_with("Subject = 'ü'"));
        assert!(soql.as_str().contains("LAST_N_DAYS:7"));
    }

    #[test]
    fn missing_and_extra_values_are_errors() {
        let missing = Soql::template("SELECT Id FROM Task WHERE Subject = :s").build();
        assert!(matches!(missing, Err(Error::InvalidInput { .. })));
        let extra = Soql::template("SELECT Id FROM Task").bind("s", 1).build();
        assert!(extra.is_err());
        let too_many = Soql::template("SELECT Id FROM Task WHERE A = ?")
            .arg(1)
            .arg(2)
            .build();
        assert!(too_many.is_err());
        let too_few = Soql::template("SELECT Id FROM Task WHERE A = ? AND B = ?")
            .arg(1)
            .build();
        assert!(too_few.is_err());
        let empty = Soql::template("SELECT Id FROM Task WHERE Status IN :s")
            .bind_list("s", Vec::<String>::new())
            .build();
        assert!(empty.is_err());
        let nan = Soql::template("SELECT Id FROM X WHERE N = ?")
            .arg(f64::NAN)
            .build();
        assert!(nan.is_err());
        let open = Soql::template("SELECT Id FROM X WHERE N = 'abc").build();
        assert!(open.is_err());
    }

    #[test]
    fn hostile_values_stay_inside_their_literal() {
        let hostile = [
            "' OR Id != null OR Name = '",
            "\\' OR 1=1 --",
            "\\",
            "\u{0}\n\r\t",
            "%_%",
            "\\u0027",
            "🦀'",
        ];
        for value in hostile {
            let soql = Soql::template("SELECT Id FROM Task WHERE Subject = :v")
                .bind("v", value)
                .build()
                .unwrap();
            let literal = soql
                .as_str()
                .strip_prefix("SELECT Id FROM Task WHERE Subject = ")
                .unwrap();
            assert_eq!(unquote(literal), Some(value.to_owned()), "{literal}");
        }
    }

    /// A minimal SOQL string-literal reader: the whole input must be one literal.
    fn unquote(literal: &str) -> Option<String> {
        let inner = literal.strip_prefix('\'')?;
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\'' => return chars.next().is_none().then_some(out),
                '\\' => match chars.next()? {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'u' => {
                        let hex: String = chars.by_ref().take(4).collect();
                        out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                    }
                    other => out.push(other),
                },
                c => out.push(c),
            }
        }
        None
    }
}
