//! Parsing of `DUPLICATE_VALUE` messages.

use crate::types::Id;

/// A unique-index collision reported by `DUPLICATE_VALUE`: which field collided and which record
/// already holds the value.
///
/// Parsed from `duplicate value found: <Field> duplicates value on record with id: <Id>`. The Id
/// is 18 characters in current API versions and 15 in old ones; the parser does not rely on the
/// length. Salesforce writes `<unknown>` for the field or Id when the user cannot see them: the
/// field is then `"<unknown>"` and `record_id` is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DuplicateValue {
    /// API name of the field whose unique index collided (e.g. `uuid__c`).
    pub field: String,
    /// The record already holding the value, when the message names a valid Id.
    pub record_id: Option<Id>,
}

const PREFIX: &str = "duplicate value found: ";
const MIDDLE: &str = " duplicates value on record with id: ";

impl DuplicateValue {
    /// Parses a `DUPLICATE_VALUE` message; `None` if it is not the unique-index form.
    ///
    /// ```
    /// use sforce_core::error::DuplicateValue;
    /// let dup = DuplicateValue::parse(
    ///     "duplicate value found: uuid__c duplicates value on record with id: 00T5g00000AbCdEEAV",
    /// )
    /// .unwrap();
    /// assert_eq!(dup.field, "uuid__c");
    /// assert_eq!(dup.record_id.unwrap().as_str(), "00T5g00000AbCdEEAV");
    /// ```
    pub fn parse(message: &str) -> Option<Self> {
        let message = message.trim();
        let start = find_ignore_ascii_case(message, PREFIX)?;
        let rest = &message[start + PREFIX.len()..];
        let middle = find_ignore_ascii_case(rest, MIDDLE)?;
        let field = rest[..middle].trim();
        if field.is_empty() || field.contains(char::is_whitespace) {
            return None;
        }
        let after = rest[middle + MIDDLE.len()..].trim_start();
        // The Id runs to the first character that cannot be part of one (end, space, dot, ...).
        let id_text: &str = after
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or_default();
        Some(DuplicateValue {
            field: field.to_owned(),
            record_id: Id::new(id_text).ok(),
        })
    }
}

fn find_ignore_ascii_case(haystack: &str, needle: &str) -> Option<usize> {
    let hay = haystack.as_bytes();
    let needle = needle.as_bytes();
    (0..=hay.len().checked_sub(needle.len())?)
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::DuplicateValue;

    #[test]
    fn eighteen_and_fifteen_char_ids() {
        let dup = DuplicateValue::parse(
            "duplicate value found: uuid__c duplicates value on record with id: 00T5g00000AbCdEEAV",
        )
        .unwrap();
        assert_eq!(dup.field, "uuid__c");
        assert_eq!(dup.record_id.unwrap().as_str(), "00T5g00000AbCdEEAV");
        let dup = DuplicateValue::parse(
            "duplicate value found: Code__c duplicates value on record with id: 00T5g00000AbCdE",
        )
        .unwrap();
        assert_eq!(dup.field, "Code__c");
        // The 15-character form is the same record as the 18-character one.
        let id = dup.record_id.unwrap();
        assert_eq!(id.as_15(), "00T5g00000AbCdE");
        assert_eq!(id.as_str(), "00T5g00000AbCdEEAV");
    }

    #[test]
    fn trailing_text_and_case() {
        let dup = DuplicateValue::parse(
            "Duplicate value found: ns__Key__c duplicates value on record with id: 001000000000001AAA.",
        )
        .unwrap();
        assert_eq!(dup.field, "ns__Key__c");
        assert_eq!(dup.record_id.unwrap().as_str(), "001000000000001AAA");
    }

    #[test]
    fn unknown_parts() {
        let dup = DuplicateValue::parse(
            "duplicate value found: <unknown> duplicates value on record with id: <unknown>",
        )
        .unwrap();
        assert_eq!(dup.field, "<unknown>");
        assert_eq!(dup.record_id, None);
    }

    #[test]
    fn other_messages() {
        assert_eq!(
            DuplicateValue::parse("Duplicate external id specified: abc"),
            None
        );
        assert_eq!(DuplicateValue::parse(""), None);
        assert_eq!(
            DuplicateValue::parse("duplicate value found: uuid__c"),
            None
        );
    }
}
