//! `#[picklist(...)]` options on the enum and on its variants.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Attribute, LitStr};

use crate::attr::{Errors, flag, lit_str, options, set_once_in, unknown};

/// `#[picklist(crate = "...")]` on the enum.
#[derive(Default)]
pub struct Container {
    pub krate: Option<syn::Path>,
}

/// `#[picklist(value = "...", default, other)]` on a variant.
#[derive(Default)]
pub struct VariantAttrs {
    pub value: Option<LitStr>,
    pub default: Option<Span>,
    pub other: Option<Span>,
}

pub fn container(attrs: &[Attribute], errors: &mut Errors) -> Container {
    let mut out = Container::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("picklist")) {
        options(attr, errors, |meta, errors| {
            if meta.path.is_ident("crate") {
                if let Some(lit) = lit_str(&meta, errors)? {
                    match lit.parse::<syn::Path>() {
                        Ok(path) => set_once_in("picklist", &mut out.krate, path, &meta, errors),
                        Err(e) => errors.at(lit.span(), format_args!("invalid crate path: {e}")),
                    }
                }
            } else {
                unknown(
                    &meta,
                    errors,
                    "unknown picklist attribute",
                    format_args!(" on an enum: expected `crate`; values are set on the variants"),
                )?;
            }
            Ok(())
        });
    }
    out
}

pub fn variant(attrs: &[Attribute], errors: &mut Errors) -> VariantAttrs {
    let mut out = VariantAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("picklist")) {
        options(attr, errors, |meta, errors| {
            let span = meta.path.span();
            if meta.path.is_ident("value") {
                if let Some(lit) = lit_str(&meta, errors)? {
                    set_once_in("picklist", &mut out.value, lit, &meta, errors);
                }
            } else if meta.path.is_ident("default") {
                flag(&meta, errors)?;
                set_once_in("picklist", &mut out.default, span, &meta, errors);
            } else if meta.path.is_ident("other") {
                flag(&meta, errors)?;
                set_once_in("picklist", &mut out.other, span, &meta, errors);
            } else {
                unknown(
                    &meta,
                    errors,
                    "unknown picklist attribute",
                    format_args!(" on a variant: expected `value`, `default` or `other`"),
                )?;
            }
            Ok(())
        });
    }
    out
}
