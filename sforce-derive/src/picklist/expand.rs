//! Code generation: the `Picklist` impl and the conversions, all naming the runtime through
//! `::sforce::__private` (or `#[picklist(crate = "...")]`).

use proc_macro2::TokenStream;
use quote::quote;

use super::ast::Input;

fn private(input: &Input) -> TokenStream {
    match &input.attrs.krate {
        Some(path) => quote!(#path::__private::v1),
        None => quote!(::sforce::__private::v1),
    }
}

pub fn expand(input: &Input) -> TokenStream {
    let p = private(input);
    let ident = input.ident;
    let other = input.other().expect("checked: one fallback variant").ident;
    let known: Vec<&syn::Ident> = input.known().map(|v| v.ident).collect();
    let values: Vec<&str> = input.known().map(|v| v.value.as_str()).collect();
    let default_variant = input
        .variants
        .as_deref()
        .unwrap_or_default()
        .iter()
        .find(|v| v.attrs.default.is_some())
        .or_else(|| input.known().next());
    let default = match default_variant {
        Some(v) if v.attrs.other.is_none() => {
            let v = v.ident;
            quote!(Self::#v)
        }
        _ => quote!(Self::#other(::core::convert::From::from(::std::string::String::new()))),
    };
    let picklist = quote! {
        #[automatically_derived]
        impl #p::Picklist for #ident {
            const KNOWN: &'static [Self] = &[#(Self::#known),*];

            fn as_str(&self) -> &str {
                match self {
                    #(Self::#known => #values,)*
                    Self::#other(value) => ::core::convert::AsRef::<str>::as_ref(value),
                }
            }

            fn known(value: &str) -> ::core::option::Option<Self> {
                match value {
                    #(#values => ::core::option::Option::Some(Self::#known),)*
                    _ => ::core::option::Option::None,
                }
            }

            fn other(value: ::std::string::String) -> Self {
                Self::#other(::core::convert::From::from(value))
            }

            fn is_known(&self) -> bool {
                !::core::matches!(self, Self::#other(_))
            }
        }

        #[automatically_derived]
        impl ::core::default::Default for #ident {
            fn default() -> Self {
                #default
            }
        }
    };
    let conversions = conversions(&p, ident);
    quote!(#picklist #conversions)
}

/// What every picklist gets through its `Picklist` impl: text conversions and serde.
fn conversions(p: &TokenStream, ident: &syn::Ident) -> TokenStream {
    quote! {
        #[automatically_derived]
        impl ::core::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                <Self as #p::Picklist>::from_api(value)
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<::std::string::String> for #ident {
            fn from(value: ::std::string::String) -> Self {
                <Self as #p::Picklist>::from_api_string(value)
            }
        }

        #[automatically_derived]
        impl ::core::str::FromStr for #ident {
            type Err = ::core::convert::Infallible;

            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(<Self as #p::Picklist>::from_api(value))
            }
        }

        #[automatically_derived]
        impl ::core::convert::AsRef<str> for #ident {
            fn as_ref(&self) -> &str {
                <Self as #p::Picklist>::as_str(self)
            }
        }

        #[automatically_derived]
        impl ::core::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(<Self as #p::Picklist>::as_str(self))
            }
        }

        #[automatically_derived]
        impl #p::SoqlValue for #ident {
            fn write_soql(
                &self,
                out: &mut ::std::string::String,
            ) -> ::core::result::Result<(), #p::LiteralError> {
                #p::write_soql_text(out, <Self as #p::Picklist>::as_str(self));
                ::core::result::Result::Ok(())
            }
        }

        #[automatically_derived]
        impl #p::serde::Serialize for #ident {
            fn serialize<S: #p::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                #p::serialize_picklist(self, serializer)
            }
        }

        #[automatically_derived]
        impl<'de> #p::serde::Deserialize<'de> for #ident {
            fn deserialize<D: #p::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                #p::deserialize_picklist(deserializer)
            }
        }
    }
}

/// Beside errors: impls that satisfy the compiler (for a non-generic enum), so uses of the enum
/// elsewhere report nothing more.
pub fn fallback(input: &Input) -> TokenStream {
    if input.variants.is_none() || !input.generics.params.is_empty() {
        return TokenStream::new();
    }
    let p = private(input);
    let ident = input.ident;
    let conversions = conversions(&p, ident);
    quote! {
        #[automatically_derived]
        impl #p::Picklist for #ident {
            const KNOWN: &'static [Self] = &[];
            fn as_str(&self) -> &str {
                ""
            }
            fn known(_: &str) -> ::core::option::Option<Self> {
                ::core::option::Option::None
            }
            fn other(_: ::std::string::String) -> Self {
                ::core::unimplemented!("#[derive(Picklist)] failed")
            }
            fn is_known(&self) -> bool {
                false
            }
        }

        #conversions
    }
}
