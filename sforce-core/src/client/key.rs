//! [`UpsertKey`]: which record an upsert writes, and how sforce compares two keys.

use std::borrow::Cow;
use std::fmt;

/// Identifies the record an upsert writes: sObject, external-ID field and value.
///
/// Two keys name the same record when their sObject and field match (API names are
/// case-insensitive) and their values are equal under the field's rules, which the key
/// declares: text is compared case-insensitively unless [`case_sensitive`](Self::case_sensitive)
/// (Salesforce's default for a unique text external ID is case-insensitive), and a
/// [`number`](Self::number) field compares values as numbers (`"1000"`, `"1000.0"` and
/// `"1e3"` are one record, as Salesforce stores a number external ID as a double).
///
/// ```
/// use sforce_core::client::UpsertKey;
/// let key = UpsertKey::new("Task", "uuid__c", "A22AC4D6").update_only(false);
/// assert_eq!(key.normalized_value(), "a22ac4d6");
/// assert_eq!(key.clone().case_sensitive(true).normalized_value(), "A22AC4D6");
/// let num = UpsertKey::new("Account", "Num__c", "1000.0").number(true);
/// assert_eq!(num.normalized_value(), "1000");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UpsertKey {
    sobject: String,
    field: String,
    value: String,
    case_sensitive: bool,
    number: bool,
    update_only: bool,
}

impl UpsertKey {
    /// A key for `sobject`'s external-ID `field` holding `value` (text; numbers as their
    /// decimal form). Case-insensitive text and create-or-update by default.
    pub fn new(
        sobject: impl Into<String>,
        field: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        UpsertKey {
            sobject: sobject.into(),
            field: field.into(),
            value: value.into(),
            case_sensitive: false,
            number: false,
            update_only: false,
        }
    }

    /// Declares whether the external-ID field is case-sensitive (Salesforce's default for a
    /// unique text external ID is case-insensitive). This only affects how sforce compares keys
    /// ([`UpsertKey::normalized_value`]); Salesforce matches according to the field's definition.
    pub fn case_sensitive(mut self, case_sensitive: bool) -> Self {
        self.case_sensitive = case_sensitive;
        self
    }

    /// Declares that the external-ID field is a number: values are compared as numbers
    /// (`"1000"` and `"1000.0"` are one record). A value that is not a decimal number is
    /// compared as text.
    pub fn number(mut self, number: bool) -> Self {
        self.number = number;
        self
    }

    /// Makes the upsert update-only (`?updateOnly=true`): it never creates a record, and fails
    /// with `NOT_FOUND` when no record matches.
    pub fn update_only(mut self, update_only: bool) -> Self {
        self.update_only = update_only;
        self
    }

    /// The sObject API name.
    pub fn sobject(&self) -> &str {
        &self.sobject
    }

    /// The external-ID field API name.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The external-ID value, as given.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Whether the field was declared case-sensitive.
    pub fn is_case_sensitive(&self) -> bool {
        self.case_sensitive
    }

    /// Whether the field was declared a number.
    pub fn is_number(&self) -> bool {
        self.number
    }

    /// Whether the upsert is update-only.
    pub fn is_update_only(&self) -> bool {
        self.update_only
    }

    /// The value as Salesforce compares it under the declared rules: a number field's value
    /// in canonical decimal form, text lowercased unless the key is case-sensitive.
    pub fn normalized_value(&self) -> Cow<'_, str> {
        if self.number
            && let Some(canonical) = canonical_number(&self.value)
        {
            return Cow::Owned(canonical);
        }
        if self.case_sensitive {
            Cow::Borrowed(&self.value)
        } else {
            Cow::Owned(self.value.to_lowercase())
        }
    }

    /// Whether `self` and `other` name the same record under the declared rules.
    pub fn same_record(&self, other: &UpsertKey) -> bool {
        self.sobject.eq_ignore_ascii_case(&other.sobject)
            && self.field.eq_ignore_ascii_case(&other.field)
            && self.number == other.number
            && self.case_sensitive == other.case_sensitive
            && self.normalized_value() == other.normalized_value()
    }

    /// A value that is equal for every key that MAY name the same record, whatever the
    /// declared rules (numbers canonical, everything else case-folded). The write executor
    /// serializes requests per such value, so a wrongly declared rule can cost concurrency,
    /// never two requests for one record in flight.
    pub(crate) fn conservative_value(&self) -> String {
        canonical_number(&self.value).unwrap_or_else(|| self.value.to_lowercase())
    }
}

impl fmt::Display for UpsertKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}={:?}", self.sobject, self.field, self.value)
    }
}

/// The canonical decimal form of a number written as `[+-]digits[.digits][(e|E)[+-]digits]`
/// (either side of the point may be empty, not both): no leading or trailing zeros, no
/// exponent, `-` only for non-zero values. `None` when `text` is not such a number.
/// Exact for any length (no floating point).
pub(crate) fn canonical_number(text: &str) -> Option<String> {
    let text = text.trim();
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits_only(int) || !digits_only(frac) {
        return None;
    }
    let exponent: i64 = match exponent {
        Some(e) => {
            let unsigned = e.strip_prefix(['+', '-']).unwrap_or(e);
            if unsigned.is_empty() || !digits_only(unsigned) || unsigned.len() > 6 {
                return None;
            }
            e.parse().ok()?
        }
        None => 0,
    };
    // All digits, and where the point goes (counted from the left of `digits`).
    let digits: String = format!("{int}{frac}");
    let point = i64::try_from(int.len()).ok()? + exponent;
    let first = digits.find(|c| c != '0');
    let Some(first) = first else {
        return Some("0".to_owned());
    };
    let last = digits.rfind(|c| c != '0').expect("a non-zero digit exists") + 1;
    let significant = &digits[first..last];
    // The point's position relative to the first significant digit.
    let point = point - i64::try_from(first).ok()?;
    let len = i64::try_from(significant.len()).ok()?;
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', usize::try_from(-point).ok()?));
        out.push_str(significant);
    } else if point >= len {
        out.push_str(significant);
        out.extend(std::iter::repeat_n('0', usize::try_from(point - len).ok()?));
    } else {
        let split = usize::try_from(point).ok()?;
        out.push_str(&significant[..split]);
        out.push('.');
        out.push_str(&significant[split..]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_one_canonical_form() {
        for (text, canonical) in [
            ("1000", "1000"),
            ("1000.0", "1000"),
            ("1000.", "1000"),
            ("01000.000", "1000"),
            ("1e3", "1000"),
            ("1.5E+3", "1500"),
            ("+1000", "1000"),
            ("-0.0", "0"),
            ("0", "0"),
            (".5", "0.5"),
            ("0.050", "0.05"),
            ("5e-3", "0.005"),
            ("-12.340", "-12.34"),
            ("123456789012345678", "123456789012345678"),
        ] {
            assert_eq!(canonical_number(text).as_deref(), Some(canonical), "{text}");
        }
        for text in [
            "",
            ".",
            "-",
            "1e",
            "abc",
            "1,000",
            "1.2.3",
            "0x10",
            "1e99999999",
            "١٢",
        ] {
            assert_eq!(canonical_number(text), None, "{text}");
        }
    }

    #[test]
    fn same_record_follows_the_declared_rules() {
        let n = |v: &str| UpsertKey::new("Account", "Num__c", v).number(true);
        assert!(n("1000").same_record(&n("1000.0")));
        assert!(!n("1000").same_record(&n("1001")));
        let t = |v: &str| UpsertKey::new("Task", "uuid__c", v);
        assert!(t("ABC").same_record(&t("abc")));
        assert!(UpsertKey::new("task", "UUID__C", "x").same_record(&t("X")));
        let cs = |v: &str| t(v).case_sensitive(true);
        assert!(!cs("ABC").same_record(&cs("abc")));
        // Text "1000" and "1000.0" are different records, but may be one: same class.
        assert!(!t("1000").same_record(&t("1000.0")));
        assert_eq!(
            t("1000").conservative_value(),
            t("1000.0").conservative_value()
        );
        assert_eq!(
            cs("ABC").conservative_value(),
            cs("abc").conservative_value()
        );
    }
}
