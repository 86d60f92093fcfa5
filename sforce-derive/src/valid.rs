//! Checks across attributes and fields. Every violation is reported, each at its own span.

use std::collections::HashMap;

use syn::ext::IdentExt;

use crate::ast::{Field, Input};
use crate::attr::Errors;
use crate::name;

pub fn check(input: &Input, errors: &mut Errors) {
    check_name(&input.api_name, "sObject", errors);
    let Some(fields) = &input.fields else {
        return;
    };
    for field in fields {
        check_field(field, errors);
    }

    let mut id_field: Option<&Field> = None;
    let mut by_name: HashMap<String, &Field> = HashMap::new();
    for field in fields.iter().filter(|f| !f.is_skipped()) {
        if field.is_id() {
            match id_field {
                Some(first) => errors.at(
                    field.attrs.id.unwrap_or(field.api_name.span),
                    format_args!(
                        "only one field can be the record Id; `{}` already is",
                        first.ident
                    ),
                ),
                None => id_field = Some(field),
            }
            if id_field.is_some_and(|first| !std::ptr::eq(first, field)) {
                continue; // already reported: not also a duplicate `Id` API name
            }
        }
        let key = field.api_name.value.to_ascii_lowercase();
        if let Some(first) = by_name.get(&key) {
            errors.at(
                field.name_span(),
                format_args!(
                    "duplicate API name `{}`: field `{}` already maps to `{}` (API names are case-insensitive)",
                    field.api_name.value, first.ident, first.api_name.value
                ),
            );
        } else {
            by_name.insert(key, field);
        }
    }
}

fn check_name(api: &name::ApiName, what: &str, errors: &mut Errors) {
    if let Some(reason) = name::invalid_reason(&api.value) {
        if api.explicit {
            errors.at(api.span, reason);
        } else {
            let attr = if what == "sObject" { "name" } else { "rename" };
            errors.at(
                api.span,
                format_args!(
                    "the default {what} API name `{}` is not valid; set it with #[sobject({attr} = \"...\")]",
                    api.value
                ),
            );
        }
    }
}

fn check_field(field: &Field, errors: &mut Errors) {
    let attrs = &field.attrs;
    if let Some(skip) = attrs.skip {
        // A skipped field is not mapped: any other sforce attribute on it is a mistake.
        if let Some(ext) = &attrs.external_id {
            errors.at(
                ext.span,
                "an external ID cannot be skipped: the upsert key must be a mapped field",
            );
        }
        for (span, what) in [
            (attrs.id, "id"),
            (attrs.read_only, "read_only"),
            (attrs.relationship, "relationship"),
            (attrs.rename.as_ref().map(|l| l.span()), "rename"),
        ] {
            if let Some(span) = span {
                errors.at(
                    span,
                    format_args!("`{what}` has no effect on a skipped field"),
                );
            }
        }
        let _ = skip;
        return;
    }
    check_name(&field.api_name, "field", errors);
    if field.attrs.id.is_some() && !field.api_name.value.eq_ignore_ascii_case("Id") {
        errors.at(
            field.api_name.span,
            format_args!(
                "the record Id field's API name is `Id`, not `{}`",
                field.api_name.value
            ),
        );
    }
    if let Some(span) = attrs.relationship {
        let conflict = [
            (attrs.id.is_some(), "the record Id"),
            (attrs.external_id.is_some(), "an external ID"),
            (
                attrs.read_only.is_some(),
                "marked read_only (relationships always are)",
            ),
        ];
        for (_, what) in conflict.iter().filter(|(set, _)| *set) {
            errors.at(
                span,
                format_args!("a relationship field cannot also be {what}"),
            );
        }
        return;
    }
    if let Some(ext) = &attrs.external_id {
        if field.is_id() {
            errors.at(
                ext.span,
                "the record Id cannot be an external ID: use `get_by_id`, and upsert by a real external ID field",
            );
        } else if field.ident.unraw() == "id" {
            errors.at(
                field.ident.span(),
                "rename this Rust field: an external ID named `id` would generate `get_by_id`, which reads by record Id",
            );
        } else if attrs.read_only.is_some() {
            errors.at(
                ext.span,
                "an external ID cannot be read-only: it must be written to create the record",
            );
        }
    }
}
