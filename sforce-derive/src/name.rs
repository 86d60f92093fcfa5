//! Salesforce API names: the default derived from a Rust name, and validation.
//!
//! A valid API name is one or more `__`-separated segments. Every segment starts with an ASCII
//! letter, continues with letters, digits and single underscores, and does not end with an
//! underscore (`Bad_`, `A___B`, `_x` are rejected). With more than one segment, the last one is
//! a Salesforce suffix — `c`, `r`, `x`, `e`, `b`, `s`, `mdt`, `kav`, `ka`, `share`, `history`,
//! `feed`, `tag`, `chn`, `changeevent` (case-insensitive) — and at most four segments are
//! allowed, which covers `Field__c`, `ns__Field__c`, `Account__r`, `ns__Obj__mdt` and geolocation
//! components like `ns__Loc__Latitude__s`.

use proc_macro2::Span;
use syn::ext::IdentExt;

/// A field or sObject API name and where errors about it point.
pub struct ApiName {
    pub value: String,
    pub span: Span,
    /// Given explicitly (`name`/`rename`) rather than derived from the Rust name.
    pub explicit: bool,
}

impl ApiName {
    pub fn explicit(lit: &syn::LitStr) -> Self {
        ApiName {
            value: lit.value(),
            span: lit.span(),
            explicit: true,
        }
    }

    pub fn implicit(value: String, span: Span) -> Self {
        ApiName {
            value,
            span,
            explicit: false,
        }
    }

    pub fn from_rust(ident: &syn::Ident) -> Self {
        ApiName::implicit(pascal_case(&ident.unraw().to_string()), ident.span())
    }
}

/// `call_duration_in_seconds` → `CallDurationInSeconds`: split at `_`, upper-case the first
/// letter of each part, keep the rest as written.
pub fn pascal_case(rust: &str) -> String {
    let mut out = String::with_capacity(rust.len());
    for part in rust.split('_') {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

const SUFFIXES: &[&str] = &[
    "c",
    "r",
    "x",
    "e",
    "b",
    "s",
    "mdt",
    "kav",
    "ka",
    "share",
    "history",
    "feed",
    "tag",
    "chn",
    "changeevent",
    // Person-account fields and relationships, historical trending, Data Cloud objects
    // (added for sforce-codegen: real orgs' describes use them).
    "pc",
    "pr",
    "hd",
    "dlm",
    "dll",
];

/// Why `name` is not a valid API name, if it is not.
pub fn invalid_reason(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("an API name cannot be empty".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Some(format!(
            "`{name}` is not a valid API name: `{}` is not allowed (only ASCII letters, digits and `_`)",
            c.escape_debug()
        ));
    }
    let segments: Vec<&str> = name.split("__").collect();
    for segment in &segments {
        let valid =
            segment.starts_with(|c: char| c.is_ascii_alphabetic()) && !segment.ends_with('_');
        if !valid {
            return Some(format!(
                "`{name}` is not a valid API name: it must start with a letter, and not end with `_` or contain `___`; `__` separates a namespace or suffix"
            ));
        }
    }
    if segments.len() > 4 {
        return Some(format!(
            "`{name}` is not a valid API name: too many `__`-separated parts"
        ));
    }
    if segments.len() > 1 {
        let suffix = segments[segments.len() - 1];
        if !SUFFIXES.iter().any(|s| s.eq_ignore_ascii_case(suffix)) {
            return Some(format!(
                "`{name}` is not a valid API name: `__{suffix}` is not a Salesforce suffix (expected one of `__c`, `__r`, `__x`, `__e`, `__b`, `__s`, `__mdt`, ...)"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names() {
        assert_eq!(
            pascal_case("call_duration_in_seconds"),
            "CallDurationInSeconds"
        );
        assert_eq!(pascal_case("what_id"), "WhatId");
        assert_eq!(pascal_case("id"), "Id");
        assert_eq!(pascal_case("address2"), "Address2");
        assert_eq!(pascal_case("_private"), "Private");
    }

    #[test]
    fn validation() {
        for ok in [
            "Task",
            "uuid__c",
            "ns__Field__c",
            "Account__r",
            "ns__Loc__Latitude__s",
            "Call_Type__c",
            "Obj__mdt",
            "X1",
        ] {
            assert_eq!(invalid_reason(ok), None, "{ok}");
        }
        for bad in [
            "",
            "1Task",
            "Has Space",
            "trail_",
            "a___b",
            "__c",
            "x__zz",
            "Bad-Name",
            "a__b__c__d__c",
            "é",
        ] {
            assert!(invalid_reason(bad).is_some(), "{bad}");
        }
    }
}
