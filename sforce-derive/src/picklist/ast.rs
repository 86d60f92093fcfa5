//! A borrowing view of the picklist enum, with attributes parsed.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Generics, Ident};

use super::attr::{self, VariantAttrs};
use crate::attr::Errors;

/// The enum being derived.
pub struct Input<'a> {
    pub ident: &'a Ident,
    pub generics: &'a Generics,
    pub attrs: attr::Container,
    /// `None` when the input is not an enum (already reported).
    pub variants: Option<Vec<Variant<'a>>>,
}

/// One variant.
pub struct Variant<'a> {
    pub ident: &'a Ident,
    pub attrs: VariantAttrs,
    /// The API value: `#[picklist(value = "...")]`, else the variant's name.
    pub value: String,
    /// Where errors about the value point.
    pub value_span: Span,
    /// Exactly one unnamed field (what the fallback variant must have).
    pub has_one_field: bool,
    /// No fields (what known values must be).
    pub is_unit: bool,
    pub span: Span,
}

impl<'a> Input<'a> {
    pub fn from_syn(node: &'a DeriveInput, errors: &mut Errors) -> Self {
        let attrs = attr::container(&node.attrs, errors);
        let variants = match &node.data {
            Data::Enum(data) => Some(
                data.variants
                    .iter()
                    .map(|v| {
                        let attrs = attr::variant(&v.attrs, errors);
                        let (value, value_span) = match &attrs.value {
                            Some(lit) => (lit.value(), lit.span()),
                            None => (v.ident.to_string(), v.ident.span()),
                        };
                        Variant {
                            ident: &v.ident,
                            value,
                            value_span,
                            has_one_field: matches!(&v.fields, Fields::Unnamed(f) if f.unnamed.len() == 1),
                            is_unit: matches!(v.fields, Fields::Unit),
                            span: v.span(),
                            attrs,
                        }
                    })
                    .collect(),
            ),
            _ => {
                errors.at(
                    node.ident.span(),
                    "#[derive(Picklist)] works on enums: one unit variant per value, plus a \
                     `#[picklist(other)] Other(String)` variant for values it does not know",
                );
                None
            }
        };
        Input {
            ident: &node.ident,
            generics: &node.generics,
            attrs,
            variants,
        }
    }

    /// The fallback variant (`#[picklist(other)]`), if exactly determinable.
    pub fn other(&self) -> Option<&Variant<'a>> {
        self.variants
            .as_deref()?
            .iter()
            .find(|v| v.attrs.other.is_some())
    }

    /// The known-value variants (all but the fallback).
    pub fn known(&self) -> impl Iterator<Item = &Variant<'a>> {
        self.variants
            .as_deref()
            .unwrap_or_default()
            .iter()
            .filter(|v| v.attrs.other.is_none())
    }
}
