//! Picklist enums: one variant per active value, in describe order, plus a fallback variant that
//! carries any other value (orgs add values after the code was generated; inactive values can still
//! be read back). `#[derive(sforce::Picklist)]` implements them: the generated code is only the
//! enum.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::Docs;
use crate::names::{self, Case};
use sforce_model::describe::{FieldDescribe, PicklistEntry};

/// Fallback variant candidates, first free one wins.
const FALLBACKS: &[&str] = &["Other", "Unknown", "Unlisted", "OtherValue"];

/// The active values, first occurrence of each value only.
fn active_values(field: &FieldDescribe) -> Vec<&PicklistEntry> {
    let mut seen = std::collections::BTreeSet::new();
    field
        .picklist_values
        .iter()
        .filter(|v| v.active && seen.insert(v.value.as_str()))
        .collect()
}

/// Generates the enum `ident` for a picklist or multipicklist field of `object`.
pub(crate) fn picklist_enum(
    object: &str,
    field: &FieldDescribe,
    ident: &syn::Ident,
    docs: &mut Docs,
) -> TokenStream {
    let values = active_values(field);
    let bases: std::collections::BTreeSet<String> =
        values.iter().map(|v| names::pascal(&v.value)).collect();
    let fallback = FALLBACKS
        .iter()
        .map(|s| (*s).to_owned())
        .chain((2..).map(|n| format!("Other{n}")))
        .find(|c| !bases.contains(c))
        .expect("an unbounded list always has a free name");
    let assigned = names::assign(
        values.iter().map(|v| v.value.as_str()),
        Case::Pascal,
        &[fallback.as_str()],
    );
    let fallback = format_ident!("{}", fallback);

    let variant_idents: Vec<syn::Ident> = values
        .iter()
        .map(|v| format_ident!("{}", assigned[&v.value]))
        .collect();
    let wire: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
    let variant_docs: Vec<TokenStream> = values
        .iter()
        .map(|v| {
            let mut line = crate::emit::code(&v.value);
            if let Some(label) = v.label.as_deref().filter(|l| *l != v.value) {
                line.push_str(&format!(" (label: {})", crate::emit::escape_md(label)));
            }
            if v.default_value {
                line.push_str(", the default");
            }
            docs.attr(&[line])
        })
        .collect();

    // Default: the describe's active default value, else the first active value (the derive's
    // own rule when no variant is marked).
    let declared_default = values.iter().position(|v| v.default_value);
    let default_doc = match (declared_default, variant_idents.first()) {
        (Some(i), _) => format!(
            "`Default` is the picklist's default, [`{ident}::{}`].",
            variant_idents[i]
        ),
        (None, Some(first)) => format!(
            "`Default` is the first value, [`{ident}::{first}`] (the picklist declares no default)."
        ),
        (None, None) => {
            "`Default` is an empty fallback value (the picklist had no active values).".to_owned()
        }
    };
    let restriction = if field.restricted_picklist {
        "Restricted: Salesforce rejects values outside the list when writing."
    } else {
        "Unrestricted: Salesforce accepts other values too."
    };
    let type_doc = docs.attr(&[
        format!(
            "Values of picklist `{object}.{}` ({}).",
            field.name,
            crate::emit::escape_md(&field.label)
        ),
        format!(
            "{restriction} Values that were not active when this code was generated arrive as \
             [`{ident}::{fallback}`]; build values from text with `From<&str>`, which maps known \
             values to their variant. {default_doc}"
        ),
    ]);

    let variant_attrs = wire.iter().enumerate().map(|(i, value)| {
        let mut options = Vec::new();
        if variant_idents[i] != value {
            options.push(quote!(value = #value));
        }
        if declared_default == Some(i) {
            options.push(quote!(default));
        }
        if options.is_empty() {
            quote!()
        } else {
            quote!(#[picklist(#(#options),*)])
        }
    });
    quote! {
        #type_doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::sforce::Picklist)]
        pub enum #ident {
            #( #variant_docs #variant_attrs #variant_idents, )*
            /// A value not in the list when this code was generated.
            #[picklist(other)]
            #fallback(String),
        }
    }
}
