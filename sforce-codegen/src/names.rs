//! Rust identifiers from Salesforce API names.
//!
//! Rules (all deterministic, independent of input order):
//! - fields and modules are `snake_case`, types and enum variants `PascalCase`;
//! - a trailing `__c` (custom object / field) is dropped: `CallStarted__c` → `call_started`;
//! - Rust keywords get a trailing underscore (`Type` → `type_`, `Self` → `Self_`);
//! - names that collide after conversion are resolved by [`assign`]: uncontested names keep their
//!   base form, contested ones are handed out in API-name order (standard before custom), the first
//!   keeps the base, the others get their full converted API name (`Status__c` → `status_c`), and
//!   numeric suffixes (`_2`, `_3`, ...) break any remaining tie.

use std::collections::{BTreeMap, BTreeSet};

/// Rust keywords (strict, reserved and 2018+), which cannot be used as plain identifiers.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "union",
];

/// Type names the generated code uses unqualified (or that would shadow the prelude), which an
/// sObject or picklist type must therefore never take.
pub(crate) const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "From",
    "Into",
    "AsRef",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "ToString",
    "ToOwned",
    "Self",
    "SObject",
];

/// Module names reserved in the generated `mod.rs` (besides keywords).
pub(crate) const RESERVED_MODULES: &[&str] = &["std", "core", "alloc", "sforce"];

/// Whether `#[derive(sforce::SObject)]` accepts `api` as an sObject or field API name (the rule
/// of [`sforce_model::name`]). Names it rejects are left out of the generated code (and listed
/// in its docs) rather than generating code that does not compile.
pub(crate) fn derive_accepts(api: &str) -> bool {
    sforce_model::name::is_valid_api_name(api)
}

/// Splits an identifier-like string into words at `_`, non-alphanumerics, lower→upper
/// transitions and acronym ends (`SLAExpiry` → `SLA`, `Expiry`).
fn words(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !cur.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `snake_case` of an arbitrary name (no keyword handling). Never empty, never starts with a digit.
pub(crate) fn snake(s: &str) -> String {
    let joined = words(s)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    fix_start(joined, "field_")
}

/// `PascalCase` of an arbitrary name (no keyword handling). Words that are all capitals are
/// lowered after their first letter (`SLA` → `Sla`), as Rust style asks. Digit-only words are joined
/// with `_` to a preceding digit so `1-10` stays readable (`V1_10`).
pub(crate) fn pascal(s: &str) -> String {
    let mut out = String::new();
    for w in words(s) {
        if w.chars().next().is_some_and(|c| c.is_ascii_digit())
            && out.chars().last().is_some_and(|c| c.is_ascii_digit())
        {
            out.push('_');
        }
        let all_upper = !w.chars().any(|c| c.is_ascii_lowercase());
        let mut chars = w.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            if all_upper {
                out.extend(chars.map(|c| c.to_ascii_lowercase()));
            } else {
                out.extend(chars);
            }
        }
    }
    fix_start(out, "V")
}

fn fix_start(s: String, prefix: &str) -> String {
    if s.is_empty() {
        prefix.trim_end_matches('_').to_owned()
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{prefix}{s}")
    } else {
        s
    }
}

/// `true` if `s` is a Rust keyword.
pub(crate) fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Appends `_` to keywords.
pub(crate) fn escape_keyword(s: String) -> String {
    if is_keyword(&s) { s + "_" } else { s }
}

/// What kind of identifier [`assign`] produces.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Case {
    /// `snake_case` (fields, modules).
    Snake,
    /// `PascalCase` (structs, enums).
    Pascal,
}

fn convert(s: &str, case: Case) -> String {
    match case {
        Case::Snake => snake(s),
        Case::Pascal => pascal(s),
    }
}

/// Assigns a unique Rust identifier to every API name, avoiding `reserved`.
///
/// Returns a map API name → identifier. The result depends only on the *set* of API names.
pub(crate) fn assign<'a>(
    apis: impl IntoIterator<Item = &'a str>,
    case: Case,
    reserved: &[&str],
) -> BTreeMap<String, String> {
    let apis: BTreeSet<&str> = apis.into_iter().collect();
    let base_of =
        |api: &str| escape_keyword(convert(sforce_model::name::strip_custom_suffix(api), case));
    let full_of = |api: &str| escape_keyword(convert(api, case));
    let mut taken: BTreeSet<String> = reserved.iter().map(|s| (*s).to_owned()).collect();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for api in &apis {
        *counts.entry(base_of(api)).or_default() += 1;
    }
    let mut out = BTreeMap::new();
    // Pass 1: uncontested base names.
    for api in &apis {
        let base = base_of(api);
        if counts[&base] == 1 && !taken.contains(&base) {
            taken.insert(base.clone());
            out.insert((*api).to_owned(), base);
        }
    }
    // Pass 2: contested names, standard (no `__`) before custom, then by API name.
    let mut rest: Vec<&str> = apis
        .iter()
        .copied()
        .filter(|a| !out.contains_key(*a))
        .collect();
    rest.sort_by_key(|a| (a.contains("__"), a.to_ascii_lowercase(), *a));
    for api in rest {
        let sep = if case == Case::Snake { "_" } else { "" };
        let name = [base_of(api), full_of(api)]
            .into_iter()
            .find(|c| !taken.contains(c))
            .unwrap_or_else(|| {
                let full = full_of(api);
                (2..)
                    .map(|n| format!("{full}{sep}{n}"))
                    .find(|c| !taken.contains(c))
                    .expect("an unbounded range always yields a free name")
            });
        taken.insert(name.clone());
        out.insert(api.to_owned(), name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_cases() {
        assert_eq!(snake("CallDurationInSeconds"), "call_duration_in_seconds");
        assert_eq!(snake("SLAExpirationDate"), "sla_expiration_date");
        assert_eq!(snake("ns__My_Field"), "ns_my_field");
        assert_eq!(snake("Field1"), "field1");
        assert_eq!(snake("Address2Line"), "address2_line");
        assert_eq!(snake("1st"), "field_1st");
        assert_eq!(snake("__"), "field");
    }

    #[test]
    fn pascal_cases() {
        assert_eq!(pascal("Not Started"), "NotStarted");
        assert_eq!(pascal("Waiting on someone else"), "WaitingOnSomeoneElse");
        assert_eq!(pascal("1-10"), "V1_10");
        assert_eq!(pascal("N/A"), "NA");
        assert_eq!(pascal("ABC corp"), "AbcCorp");
        assert_eq!(pascal("Invoice"), "Invoice");
        assert_eq!(pascal("???"), "V");
    }

    #[test]
    fn collisions_resolve_deterministically() {
        let names = ["Status", "Status__c", "status_c", "Type", "Type__c", "self"];
        let a = assign(names, Case::Snake, &[]);
        assert_eq!(a["Status"], "status");
        assert_eq!(a["status_c"], "status_c");
        assert_eq!(a["Status__c"], "status_c_2");
        assert_eq!(a["Type"], "type_");
        assert_eq!(a["Type__c"], "type_c");
        assert_eq!(a["self"], "self_");
        let mut reversed = names;
        reversed.reverse();
        assert_eq!(assign(reversed, Case::Snake, &[]), a);
    }

    #[test]
    fn derive_name_rules() {
        for ok in [
            "Task",
            "uuid__c",
            "ns__Field__c",
            "ns__Loc__Latitude__s",
            "Foo__pc",
            "X1",
        ] {
            assert!(derive_accepts(ok), "{ok}");
        }
        for bad in [
            "",
            "1Task",
            "trail_",
            "a___b",
            "__c",
            "x__zz",
            "a__b__c__d__c",
            "é",
        ] {
            assert!(!derive_accepts(bad), "{bad}");
        }
    }

    #[test]
    fn reserved_type_names_are_avoided() {
        let a = assign(["Option__c", "Self"], Case::Pascal, RESERVED_TYPES);
        assert_eq!(a["Option__c"], "OptionC");
        assert_eq!(a["Self"], "Self_");
    }
}
