//! Picklist enums: one variant per active value, in describe order, plus a fallback variant that
//! carries any other value (orgs add values after the code was generated; inactive values can still
//! be read back). Serialization is hand-written so the wire value is exactly the API value.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::doc_attrs;
use crate::input::{FieldSpec, PicklistValue};
use crate::names::{self, Case};

/// Fallback variant candidates, first free one wins.
const FALLBACKS: &[&str] = &["Other", "Unknown", "Unlisted", "OtherValue"];

/// The active values, first occurrence of each value only.
fn active_values(field: &FieldSpec) -> Vec<&PicklistValue> {
    let mut seen = std::collections::BTreeSet::new();
    field
        .picklist_values
        .iter()
        .filter(|v| v.active && seen.insert(v.value.as_str()))
        .collect()
}

/// Generates the enum `ident` for a picklist or multipicklist field of `object`.
pub(crate) fn picklist_enum(object: &str, field: &FieldSpec, ident: &syn::Ident) -> TokenStream {
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
            doc_attrs(&[line])
        })
        .collect();

    let restriction = if field.restricted_picklist {
        "Restricted: Salesforce rejects values outside the list when writing."
    } else {
        "Unrestricted: Salesforce accepts other values too."
    };
    let type_doc = doc_attrs(&[
        format!(
            "Values of picklist `{object}.{}` ({}).",
            field.name,
            crate::emit::escape_md(&field.label)
        ),
        format!(
            "{restriction} Values that were not active when this code was generated arrive as \
             [`{ident}::{fallback}`]; build values from text with `From<&str>`, which maps known \
             values to their variant."
        ),
    ]);

    // Default: the describe's active default value, else the first active value.
    let default_body = match values
        .iter()
        .position(|v| v.default_value)
        .or(if values.is_empty() { None } else { Some(0) })
    {
        Some(i) => {
            let v = &variant_idents[i];
            quote!(Self::#v)
        }
        None => quote!(Self::#fallback(String::new())),
    };
    let default_doc = doc_attrs(&[if values.iter().any(|v| v.default_value) {
        "The picklist's default value.".to_owned()
    } else if values.is_empty() {
        "An empty fallback value (the picklist had no active values).".to_owned()
    } else {
        "The first value (the picklist declares no default).".to_owned()
    }]);

    // A match with only the catch-all arm would be flagged by clippy in the user's crate.
    let (from_str_body, from_string_body) = if values.is_empty() {
        (
            quote!(Self::#fallback(value.to_owned())),
            quote!(Self::#fallback(value)),
        )
    } else {
        (
            quote! {
                match value {
                    #( #wire => Self::#variant_idents, )*
                    other => Self::#fallback(other.to_owned()),
                }
            },
            quote! {
                match value.as_str() {
                    #( #wire => Self::#variant_idents, )*
                    _ => Self::#fallback(value),
                }
            },
        )
    };
    let serde = quote!(::sforce::__private::serde);
    quote! {
        #type_doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #ident {
            #( #variant_docs #variant_idents, )*
            /// A value not in the list when this code was generated.
            #fallback(String),
        }

        impl #ident {
            /// The values known when this code was generated, in describe order.
            pub const KNOWN: &'static [#ident] = &[ #( #ident::#variant_idents ),* ];

            /// The API value, as sent to and read from Salesforce.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variant_idents => #wire, )*
                    Self::#fallback(value) => value.as_str(),
                }
            }

            /// `false` for the fallback variant.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::#fallback(_))
            }
        }

        impl Default for #ident {
            #default_doc
            fn default() -> Self {
                #default_body
            }
        }

        impl From<&str> for #ident {
            fn from(value: &str) -> Self {
                #from_str_body
            }
        }

        impl From<String> for #ident {
            fn from(value: String) -> Self {
                #from_string_body
            }
        }

        impl AsRef<str> for #ident {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::core::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::str::FromStr for #ident {
            type Err = ::core::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl #serde::Serialize for #ident {
            fn serialize<S: #serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> #serde::Deserialize<'de> for #ident {
            fn deserialize<D: #serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <String as #serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    }
}
