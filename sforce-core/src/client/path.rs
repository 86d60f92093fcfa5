//! Building request paths: percent-encoding of external-ID values and validation of API names.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::{Error, Result};

/// Everything but the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) is escaped, so a
/// value is always exactly ONE path segment: `/` → `%2F`, `%` → `%25`, space → `%20`, `+` →
/// `%2B` (Salesforce does not decode `+` to a space), `?` → `%3F`, `#` → `%23`, non-ASCII as the
/// percent-escaped UTF-8 bytes.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The longest request path and query, percent-encoded, that sforce sends (64 KiB). Longer ones
/// are refused with [`Error::InvalidInput`] before anything is sent: servers and proxies
/// reject URLs far shorter, and an error must not carry (or echo) such a path.
pub const MAX_PATH_BYTES: usize = 64 * 1024;

/// Refuses a request path (with its encoded query) longer than [`MAX_PATH_BYTES`].
pub(crate) fn check_path_len(path_and_query_bytes: usize) -> Result<()> {
    if path_and_query_bytes > MAX_PATH_BYTES {
        return Err(Error::invalid_input(format!(
            "the request path is {path_and_query_bytes} bytes once percent-encoded; \
             sforce sends at most {MAX_PATH_BYTES} (nothing was sent)"
        )));
    }
    Ok(())
}

/// Percent-encodes `value` as one path segment.
///
/// `""`, `"."` and `".."` cannot be sent as a segment (the first changes the resource, the
/// others are removed by URL normalization, even when escaped), so they are rejected, as is a
/// value whose encoding exceeds [`MAX_PATH_BYTES`].
pub fn encode_segment(value: &str) -> Result<String> {
    if value.is_empty() {
        return Err(Error::invalid_input(
            "an external ID value must not be empty",
        ));
    }
    if value == "." || value == ".." {
        return Err(Error::invalid_input(format!(
            "the external ID value {value:?} cannot be sent in a URL path"
        )));
    }
    let encoded = utf8_percent_encode(value, SEGMENT).to_string();
    check_path_len(encoded.len())?;
    Ok(encoded)
}

/// Checks an sObject or field API name with [`sforce_model::name::check_api_name`] (the rule
/// the derive applies too). Names cannot be escaped, so anything else is rejected before a
/// request is built.
pub fn check_name(kind: &str, name: &str) -> Result<()> {
    sforce_model::name::check_api_name(name)
        .map_err(|e| Error::invalid_input(format!("invalid {kind} API name: {e}")))
}

/// Checks and joins a field list for the `fields` query parameter. Relationship paths
/// (`Owner.Name`) are allowed.
pub fn field_list(fields: &[&str]) -> Result<Option<String>> {
    if fields.is_empty() {
        return Ok(None);
    }
    for field in fields {
        for part in field.split('.') {
            check_name("field", part)?;
        }
    }
    Ok(Some(fields.join(",")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_and_non_ascii_as_one_segment() {
        let cases = [
            ("abc-DEF_1.2~", "abc-DEF_1.2~"),
            ("a/b", "a%2Fb"),
            ("100%", "100%25"),
            ("a b", "a%20b"),
            ("a+b", "a%2Bb"),
            ("a?b=c", "a%3Fb%3Dc"),
            ("a#b", "a%23b"),
            ("é", "%C3%A9"),
            ("日本", "%E6%97%A5%E6%9C%AC"),
            ("😀", "%F0%9F%98%80"),
            ("a&b;c,d:e@f", "a%26b%3Bc%2Cd%3Ae%40f"),
            ("%2F", "%252F"),
            ("...", "..."),
            ("\\", "%5C"),
        ];
        for (value, expected) in cases {
            assert_eq!(encode_segment(value).unwrap(), expected, "{value:?}");
        }
    }

    #[test]
    fn encoding_round_trips_through_percent_decoding() {
        let value = "x/ y%+?#é\u{0}\"<>'{}|^`[]";
        let encoded = encode_segment(value).unwrap();
        assert!(
            encoded
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b))
        );
        let decoded = percent_encoding::percent_decode_str(&encoded)
            .decode_utf8()
            .unwrap();
        assert_eq!(decoded, value);
    }

    #[test]
    fn rejects_unsendable_values() {
        for value in ["", ".", ".."] {
            assert!(matches!(
                encode_segment(value),
                Err(Error::InvalidInput { .. })
            ));
        }
    }

    #[test]
    fn names() {
        for ok in ["Task", "uuid__c", "ns__Thing__c", "A1"] {
            check_name("sObject", ok).unwrap();
        }
        for bad in [
            "", "1Task", "Task/..", "Task?x", "Ta sk", "_x", "é", "a___b",
        ] {
            assert!(check_name("sObject", bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            field_list(&["Id", "Owner.Name"]).unwrap().as_deref(),
            Some("Id,Owner.Name")
        );
        assert_eq!(field_list(&[]).unwrap(), None);
        assert!(field_list(&["Id,Name"]).is_err());
    }
}
