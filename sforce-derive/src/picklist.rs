//! `#[derive(Picklist)]`: a picklist enum's conversions from and to its API values.
//!
//! Laid out like the `SObject` derive: [`ast`] is a borrowing view of the enum with its
//! attributes parsed ([`attr`]), [`valid`] checks what spans several variants, [`expand`] writes
//! the impls. Every problem is collected and reported at once, with a fallback impl beside the
//! errors so that uses of the enum elsewhere do not fail too.

mod ast;
mod attr;
mod expand;
mod valid;

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::attr::Errors;

/// The derive over `proc_macro2` tokens (unit-testable).
pub fn derive_picklist(input: TokenStream) -> TokenStream {
    let node: DeriveInput = match syn::parse2(input) {
        Ok(node) => node,
        Err(e) => return e.to_compile_error(),
    };
    let mut errors = Errors::default();
    let input = ast::Input::from_syn(&node, &mut errors);
    valid::check(&input, &mut errors);
    match errors.into_error() {
        Some(error) => {
            let error = error.to_compile_error();
            let fallback = expand::fallback(&input);
            quote!(#error #fallback)
        }
        None => expand::expand(&input),
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::derive_picklist;

    fn errors(input: proc_macro2::TokenStream) -> Vec<String> {
        let output = derive_picklist(input).to_string();
        output
            .split("compile_error !")
            .skip(1)
            .map(|part| {
                let start = part.find('"').unwrap() + 1;
                let end = part[start..].find("\" }").unwrap() + start;
                part[start..end].replace("\\\"", "\"")
            })
            .collect()
    }

    #[test]
    fn expansion_snapshot() {
        let output = derive_picklist(quote! {
            pub enum CallType {
                Inbound,
                #[picklist(value = "Outbound call", default)]
                Outbound,
                #[picklist(other)]
                Other(String),
            }
        });
        let file: syn::File = syn::parse2(output).expect("expansion parses as a file");
        crate::tests::check_snapshot("picklist", &prettyplease::unparse(&file));
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let found = errors(quote! {
            pub enum Bad {
                #[picklist(value = "A")]
                First,
                A,
                Carries(u8),
                #[picklist(value = "")]
                Empty,
                #[picklist(default)]
                D1,
                #[picklist(default, colour = "red")]
                D2,
            }
        });
        let expected = [
            "the value \"A\" is already variant `First`'s",
            "a picklist value is a unit variant",
            "a picklist value cannot be empty",
            "only one variant can be the `#[picklist(default)]`",
            "unknown picklist attribute `colour` on a variant",
            "a picklist needs a variant for values it does not know",
        ];
        for e in expected {
            assert!(found.iter().any(|f| f.contains(e)), "{e} not in {found:#?}");
        }
        assert_eq!(found.len(), expected.len(), "{found:#?}");
    }

    #[test]
    fn shape_errors() {
        let found = errors(quote! { struct NotAnEnum; });
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("works on enums"));
        let found = errors(quote! {
            enum Twice<T> {
                #[picklist(other)]
                A(String),
                #[picklist(other, value = "x")]
                B { text: String, more: T },
            }
        });
        for e in [
            "cannot be generic",
            "`A` is already the `#[picklist(other)]` variant",
            "write it as `Other(String)`",
            "has no value of its own",
        ] {
            assert!(found.iter().any(|f| f.contains(e)), "{e} not in {found:#?}");
        }
    }
}
