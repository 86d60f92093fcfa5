//! Salesforce API names: what a valid one looks like, and the `__suffix`es.
//!
//! A valid API name is one or more `__`-separated parts, at most 255 characters in all. Every
//! part starts with an ASCII letter and continues with letters, digits and single underscores,
//! and does not end with an underscore (`Bad_`, `A___B`, `_x` are rejected). With more than one
//! part, the last one is a Salesforce suffix ([`SUFFIXES`], case-insensitive), and at most four
//! parts are allowed, which covers `Field__c`, `ns__Field__c`, `Account__r`, `ns__Obj__mdt` and
//! geolocation components like `ns__Loc__Latitude__s`.
//!
//! The client checks names with [`check_api_name`] before putting them in a URL (names cannot
//! be escaped), the derive checks them at compile time, codegen leaves out fields the derive
//! would reject, and the describe reader rejects names with characters Salesforce never uses.
//!
//! ```
//! use sforce_model::name::{check_api_name, is_custom, suffix};
//!
//! assert!(check_api_name("ns__Invoice__c").is_ok());
//! assert_eq!(suffix("ns__Invoice__c"), Some("c"));
//! assert!(is_custom("CallStarted__c") && !is_custom("Subject"));
//! let err = check_api_name("Bad Name").unwrap_err();
//! assert!(err.kind().is_lexical());
//! assert!(check_api_name("Thing__zz").is_err()); // not a Salesforce suffix
//! ```

use std::fmt;

/// The longest API name Salesforce accepts (object and field names are far shorter in practice).
pub const MAX_LEN: usize = 255;

/// The `__suffix`es Salesforce uses (lower case; matched case-insensitively).
pub const SUFFIXES: &[&str] = &[
    // custom object / field, relationship, external object, platform event, big object,
    // compound-field component (geolocation `__Latitude__s`), custom metadata type
    "c",
    "r",
    "x",
    "e",
    "b",
    "s",
    "mdt",
    // knowledge article / version, sharing, field history, feed, tags
    "kav",
    "ka",
    "share",
    "history",
    "feed",
    "tag",
    // change data capture channel and events
    "chn",
    "changeevent",
    // person-account fields and relationships, historical trending
    "pc",
    "pr",
    "hd",
    // Data Cloud model, lake and calculated-insight objects
    "dlm",
    "dll",
    "dlo",
    "cio",
    // Salesforce-to-Salesforce and knowledge article companions
    "xo",
    "datacategoryselection",
    "viewstat",
    "votestat",
];

/// Why a name is not a valid API name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidKind {
    /// The name is empty.
    Empty,
    /// Longer than [`MAX_LEN`].
    TooLong,
    /// A character other than ASCII letters, digits and `_`.
    Character(char),
    /// A `__`-separated part does not start with a letter, or ends with `_`.
    Part,
    /// More than four `__`-separated parts.
    TooManyParts,
    /// The last part is not one of [`SUFFIXES`].
    UnknownSuffix(String),
}

impl InvalidKind {
    /// Empty, too long, or a character Salesforce never uses in names: no Salesforce object or
    /// field can have this name (unlike an unknown suffix, which a newer release may add).
    pub fn is_lexical(&self) -> bool {
        matches!(
            self,
            InvalidKind::Empty | InvalidKind::TooLong | InvalidKind::Character(_)
        )
    }
}

impl fmt::Display for InvalidKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidKind::Empty => f.write_str("an API name cannot be empty"),
            InvalidKind::TooLong => write!(f, "longer than {MAX_LEN} characters"),
            InvalidKind::Character(c) => write!(
                f,
                "`{}` is not allowed (only ASCII letters, digits and `_`)",
                c.escape_debug()
            ),
            InvalidKind::Part => f.write_str(
                "it must start with a letter, and not end with `_` or contain `___`; \
                 `__` separates a namespace or suffix",
            ),
            InvalidKind::TooManyParts => f.write_str("too many `__`-separated parts"),
            InvalidKind::UnknownSuffix(suffix) => write!(
                f,
                "`__{suffix}` is not a Salesforce suffix (expected one of `__c`, `__r`, `__x`, \
                 `__e`, `__b`, `__s`, `__mdt`, ...)"
            ),
        }
    }
}

/// A name rejected by [`check_api_name`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InvalidApiName {
    name: String,
    kind: InvalidKind,
}

impl InvalidApiName {
    /// The rejected name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Why it was rejected.
    pub fn kind(&self) -> &InvalidKind {
        &self.kind
    }
}

impl fmt::Display for InvalidApiName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            InvalidKind::Empty => write!(f, "{}", self.kind),
            _ => write!(f, "`{}` is not a valid API name: {}", self.name, self.kind),
        }
    }
}

/// Checks `name` against the rules of this module.
pub fn check_api_name(name: &str) -> Result<(), InvalidApiName> {
    invalid_kind(name).map_or(Ok(()), |kind| {
        Err(InvalidApiName {
            name: name.to_owned(),
            kind,
        })
    })
}

/// Whether [`check_api_name`] accepts `name`.
pub fn is_valid_api_name(name: &str) -> bool {
    invalid_kind(name).is_none()
}

fn invalid_kind(name: &str) -> Option<InvalidKind> {
    if name.is_empty() {
        return Some(InvalidKind::Empty);
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Some(InvalidKind::Character(c));
    }
    if name.len() > MAX_LEN {
        return Some(InvalidKind::TooLong);
    }
    let mut parts = 0;
    for part in name.split("__") {
        parts += 1;
        if !part.starts_with(|c: char| c.is_ascii_alphabetic()) || part.ends_with('_') {
            return Some(InvalidKind::Part);
        }
    }
    if parts > 4 {
        return Some(InvalidKind::TooManyParts);
    }
    match suffix(name) {
        Some(s) if !SUFFIXES.iter().any(|known| known.eq_ignore_ascii_case(s)) => {
            Some(InvalidKind::UnknownSuffix(s.to_owned()))
        }
        _ => None,
    }
}

/// The `__suffix` of a name with more than one part, without the underscores (`"c"` for
/// `Invoice__c`), as written.
pub fn suffix(name: &str) -> Option<&str> {
    name.rsplit_once("__").map(|(_, s)| s)
}

/// A custom object or field: the name ends in `__c` (case-insensitive).
pub fn is_custom(name: &str) -> bool {
    suffix(name).is_some_and(|s| s.eq_ignore_ascii_case("c"))
}

/// The name without a trailing `__c` (`CallStarted__c` → `CallStarted`); other names unchanged.
pub fn strip_custom_suffix(name: &str) -> &str {
    match name.strip_suffix("__c") {
        Some(rest) if !rest.is_empty() => rest,
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid_names() {
        for ok in [
            "Task",
            "uuid__c",
            "ns__Field__c",
            "Account__r",
            "ns__Loc__Latitude__s",
            "Call_Type__c",
            "Obj__mdt",
            "X1",
            "Invoice__ChangeEvent",
        ] {
            assert_eq!(check_api_name(ok), Ok(()), "{ok}");
        }
        let cases = [
            ("", InvalidKind::Empty),
            ("1Task", InvalidKind::Part),
            ("Has Space", InvalidKind::Character(' ')),
            ("trail_", InvalidKind::Part),
            ("a___b", InvalidKind::Part),
            ("__c", InvalidKind::Part),
            ("x__zz", InvalidKind::UnknownSuffix("zz".into())),
            ("Bad-Name", InvalidKind::Character('-')),
            ("a__b__c__d__c", InvalidKind::TooManyParts),
            ("é", InvalidKind::Character('é')),
        ];
        for (bad, kind) in cases {
            let err = check_api_name(bad).unwrap_err();
            assert_eq!(err.kind(), &kind, "{bad}");
            assert_eq!(err.name(), bad);
            assert!(!is_valid_api_name(bad));
        }
        assert_eq!(check_api_name(&"A".repeat(255)), Ok(()));
        assert_eq!(
            check_api_name(&"A".repeat(256)).unwrap_err().kind(),
            &InvalidKind::TooLong
        );
    }

    #[test]
    fn messages_name_the_problem() {
        assert_eq!(
            check_api_name("Bad-Name").unwrap_err().to_string(),
            "`Bad-Name` is not a valid API name: `-` is not allowed (only ASCII letters, digits and `_`)"
        );
        assert_eq!(
            check_api_name("").unwrap_err().to_string(),
            "an API name cannot be empty"
        );
        assert!(
            check_api_name("x__zz")
                .unwrap_err()
                .to_string()
                .contains("`__zz` is not a Salesforce suffix")
        );
    }

    #[test]
    fn suffixes() {
        assert_eq!(suffix("Task"), None);
        assert_eq!(suffix("ns__Loc__Latitude__s"), Some("s"));
        assert!(is_custom("A__C"));
        assert!(!is_custom("A__r"));
        assert_eq!(strip_custom_suffix("CallStarted__c"), "CallStarted");
        assert_eq!(strip_custom_suffix("__c"), "__c");
        assert_eq!(strip_custom_suffix("Task"), "Task");
        for s in SUFFIXES {
            assert_eq!(*s, s.to_ascii_lowercase());
        }
    }
}
