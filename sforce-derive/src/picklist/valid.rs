//! Checks across variants: one fallback, unit known values, distinct values, one default.

use std::collections::HashMap;

use syn::spanned::Spanned;

use super::ast::Input;
use crate::attr::Errors;

pub fn check(input: &Input, errors: &mut Errors) {
    if let Some(param) = input.generics.params.first() {
        errors.at(param.span(), "a picklist enum cannot be generic");
    }
    let Some(variants) = &input.variants else {
        return;
    };
    let mut fallback = None;
    let mut default = None;
    let mut values: HashMap<&str, &syn::Ident> = HashMap::new();
    for v in variants {
        if let Some(span) = v.attrs.default
            && default.replace(v.ident).is_some()
        {
            errors.at(span, "only one variant can be the `#[picklist(default)]`");
        }
        if let Some(span) = v.attrs.other {
            if let Some(first) = fallback.replace(v.ident) {
                errors.at(
                    span,
                    format_args!("`{first}` is already the `#[picklist(other)]` variant"),
                );
            }
            if !v.has_one_field {
                errors.at(
                    v.span,
                    "the `#[picklist(other)]` variant carries the unknown value: write it as \
                     `Other(String)`",
                );
            }
            if let Some(value) = &v.attrs.value {
                errors.at(
                    value.span(),
                    "the `#[picklist(other)]` variant has no value of its own",
                );
            }
            continue;
        }
        if !v.is_unit {
            errors.at(
                v.span,
                "a picklist value is a unit variant; only the `#[picklist(other)]` variant \
                 carries data",
            );
        }
        if v.value.is_empty() {
            errors.at(v.value_span, "a picklist value cannot be empty");
        } else if let Some(first) = values.insert(&v.value, v.ident) {
            errors.at(
                v.value_span,
                format_args!("the value {:?} is already variant `{first}`'s", v.value),
            );
        }
    }
    if fallback.is_none() {
        errors.at(
            input.ident.span(),
            "a picklist needs a variant for values it does not know (orgs add values): add \
             `#[picklist(other)] Other(String)`",
        );
    }
}
