//! Salesforce API names: the default derived from a Rust name, and validation with the rule
//! every sforce crate shares (`sforce_model::name`: letters, digits and single underscores,
//! `__`-separated parts, a known Salesforce suffix).

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

/// Why `name` is not a valid API name (the rule of [`sforce_model::name`]), if it is not.
pub fn invalid_reason(name: &str) -> Option<String> {
    sforce_model::name::check_api_name(name)
        .err()
        .map(|e| e.to_string())
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
    fn validation_reports_the_shared_rule() {
        // The rule itself is tested in sforce_model::name; this checks the wrapper.
        assert_eq!(invalid_reason("uuid__c"), None);
        let reason = invalid_reason("Has Space").expect("invalid");
        assert!(reason.contains("` ` is not allowed"), "{reason}");
    }
}
