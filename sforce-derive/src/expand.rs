//! Code generation. Generated code names the runtime only through `::sforce::__private` (or the
//! path given with `#[sobject(crate = "...")]`) and keeps bodies to one call per field; the logic
//! lives in generic functions of `sforce_core::sobject`.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{DeriveInput, GenericParam, Type};

use crate::ast::{Field, Input, ValueKind};
use crate::attr::Errors;
use crate::valid;

mod query;

/// The derive over `proc_macro2` tokens (unit-testable).
pub fn derive_sobject(input: TokenStream) -> TokenStream {
    let node: DeriveInput = match syn::parse2(input) {
        Ok(node) => node,
        Err(e) => return e.to_compile_error(),
    };
    let mut errors = Errors::default();
    let input = Input::from_syn(&node, &mut errors);
    valid::check(&input, &mut errors);
    match errors.into_error() {
        Some(error) => {
            let fallback = fallback(&input);
            let error = error.to_compile_error();
            quote!(#error #fallback)
        }
        None => expand(&input, input.fields.as_deref().unwrap_or_default()),
    }
}

fn private(input: &Input) -> TokenStream {
    match &input.attrs.krate {
        Some(path) => quote!(#path::__private::v1),
        None => quote!(::sforce::__private::v1),
    }
}

/// A trait impl that satisfies the compiler without doing anything, emitted beside errors so uses
/// of the struct elsewhere do not fail with "SObject is not implemented".
fn fallback(input: &Input) -> TokenStream {
    let p = private(input);
    let ident = input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #p::SObject for #ident #ty_generics #where_clause {
            const API_NAME: &'static str = "";
            const FIELDS: &'static [#p::FieldMeta] = &[];
            fn write_fields(&self, _: &mut #p::WriteBody) {}
            fn from_record(_: &mut #p::RecordReader) -> ::core::result::Result<Self, #p::DecodeError> {
                ::core::unimplemented!("#[derive(SObject)] failed")
            }
            fn external_id(&self, _: &str) -> ::core::option::Option<::std::string::String> {
                ::core::option::Option::None
            }
        }
    }
}

fn expand(input: &Input, fields: &[Field]) -> TokenStream {
    let p = private(input);
    let ident = input.ident;
    let api_name = &input.api_name.value;
    let mapped: Vec<&Field> = fields.iter().filter(|f| !f.is_skipped()).collect();
    let external: Vec<&Field> = mapped
        .iter()
        .copied()
        .filter(|f| f.attrs.external_id.is_some())
        .collect();

    let mut generics = input.generics.clone();
    add_bounds(&mut generics, fields, &p);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();

    let metas = mapped.iter().map(|f| {
        let api = &f.api_name.value;
        let rust = f.ident.unraw().to_string();
        let mut meta = quote!(#p::FieldMeta::new(#api, #rust));
        if let Some(relationship) = query::relationship_meta(f) {
            meta.extend(relationship);
        } else if f.is_id() {
            meta.extend(quote!(.id()));
        } else if f.attrs.read_only.is_some() {
            meta.extend(quote!(.read_only()));
        }
        if let Some(ext) = &f.attrs.external_id {
            let cs = ext.case_sensitive;
            meta.extend(quote!(.external_id(#cs)));
        }
        meta
    });

    let (body, record, this, v) = (
        local("__body"),
        local("__record"),
        quote!(self),
        local("__v"),
    );
    let writes = mapped.iter().filter(|f| !f.is_read_only()).map(|f| {
        let api = &f.api_name.value;
        let member = f.ident;
        let method = match f.kind {
            ValueKind::Plain => quote!(value),
            ValueKind::Option(_) => quote!(option),
            ValueKind::Field(_) => quote!(field),
        };
        quote_spanned!(at(f.ty)=> #body.#method(#api, { &#this.#member });)
    });

    let reads = fields.iter().map(|f| {
        let member = f.ident;
        let api = &f.api_name.value;
        if f.is_skipped() {
            quote_spanned!(at(f.ty)=> #member: ::core::default::Default::default())
        } else if let Some(read) = query::relationship_read(f) {
            read
        } else if let ValueKind::Field(_) = f.kind {
            quote_spanned!(at(f.ty)=> #member: #record.read_field(#api)?)
        } else {
            quote_spanned!(at(f.ty)=> #member: #record.read(#api)?)
        }
    });

    let ext_arms = external.iter().map(|f| {
        let member = f.ident;
        let api = &f.api_name.value;
        // Spanned at the field type, and identical to the conversion in `get_by_<field>`, so a type
        // that cannot be an external ID is reported once, at the field.
        let value = quote_spanned!(at(f.ty)=> #p::ExternalIdValue::to_external_id({ #v }));
        quote! {
            if __api_name.eq_ignore_ascii_case(#api) {
                let __v = &self.#member;
                return #value;
            }
        }
    });

    let trait_impl = quote! {
        #[automatically_derived]
        #[allow(unused_braces)] // the blocks that carry field-type spans, see `at`
        impl #impl_generics #p::SObject for #ident #ty_generics #where_clause {
            const API_NAME: &'static str = #api_name;
            const FIELDS: &'static [#p::FieldMeta] = &[#(#metas),*];
            #[inline]
            fn write_fields(&self, __body: &mut #p::WriteBody) {
                #(#writes)*
            }
            #[inline]
            fn from_record(
                __record: &mut #p::RecordReader,
            ) -> ::core::result::Result<Self, #p::DecodeError> {
                ::core::result::Result::Ok(Self { #(#reads),* })
            }
            #[inline]
            fn external_id(&self, __api_name: &str) -> ::core::option::Option<::std::string::String> {
                #(#ext_arms)*
                ::core::option::Option::None
            }
        }
    };

    let inherent = inherent(input, &mapped, &external, &generics, &p);
    quote!(#trait_impl #inherent)
}

fn inherent(
    input: &Input,
    mapped: &[&Field],
    external: &[&Field],
    generics: &syn::Generics,
    p: &TokenStream,
) -> TokenStream {
    let ident = input.ident;
    let vis = input.vis;
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    // Every generic parameter in scope goes in `use<..>` on the returned futures, so the captures
    // are the same whatever the edition of the user's crate. Lifetimes come first in `use<..>`: the struct's lifetimes, then the method's own type
    // parameter (if any), then the struct's type and const parameters. The futures borrow
    // neither `self` nor the client: they can be spawned.
    let mut lifetimes: Vec<TokenStream> = Vec::new();
    let mut params: Vec<TokenStream> = Vec::new();
    for param in &generics.params {
        match param {
            GenericParam::Lifetime(l) => {
                let l = &l.lifetime;
                lifetimes.push(quote!(#l));
            }
            GenericParam::Type(t) => {
                let t = &t.ident;
                params.push(quote!(#t));
            }
            GenericParam::Const(c) => {
                let c = &c.ident;
                params.push(quote!(#c));
            }
        }
    }

    // The typed field tokens live in one struct per sObject struct (`CallLogFields`) held by
    // one constant (`CallLog::FIELD`): one item to type-check instead of one per field, which
    // matters for compile time with hundreds of fields.
    let tokens_ident = format_ident!("{}Fields", ident);
    let (_, plain_ty_generics, plain_where) = input.generics.split_for_impl();
    let self_ty = quote!(#ident #plain_ty_generics);
    let mut token_fields = Vec::new();
    let mut token_values = Vec::new();
    for f in mapped.iter().filter(|f| !f.is_relationship()) {
        let member = f.ident;
        let api = &f.api_name.value;
        let vt = f.kind.value_type(f.ty);
        let read_only = query::read_only_token(f, &self_ty, p);
        let (ty, value, doc) = match (&f.attrs.external_id, read_only) {
            (_, Some(token)) => token,
            (Some(ext), None) => {
                let cs = ext.case_sensitive;
                (
                    quote!(#p::ExternalIdRef<#self_ty, #vt>),
                    quote!(#p::ExternalIdRef::__new(#api, #cs)),
                    format!(" The external ID `{api}`: a key for `Patch::upsert`."),
                )
            }
            (None, None) => (
                quote!(#p::FieldRef<#self_ty, #vt>),
                quote!(#p::FieldRef::__new(#api)),
                format!(" `{api}`, for `Patch::set` / `Patch::null`."),
            ),
        };
        token_fields.push(quote!(#[doc = #doc] #vis #member: #ty));
        token_values.push(quote!(#member: #value));
    }
    let tokens_doc = format!(
        " Typed tokens for the fields of [`{ident}`], as `{ident}::FIELD` (relationships excepted)."
    );
    let tokens_struct = quote! {
        #[doc = #tokens_doc]
        #vis struct #tokens_ident #impl_generics #plain_where {
            #(#token_fields,)*
        }
    };

    let mut methods = Vec::new();
    let outcome = quote!(impl ::core::future::Future<Output = #p::Result<#p::UpsertOutcome>> + use<#(#lifetimes,)* #(#params),*>);
    for f in external {
        let member = f.ident;
        let api = &f.api_name.value;
        let vt = f.kind.value_type(f.ty);
        let field_name = f.ident.unraw();
        // The key value comes from `SObject::external_id`.
        let upsert_body = quote!(#p::upsert(client, self, Self::FIELD.#member));
        let upsert_by = format_ident!("upsert_by_{}", field_name);
        let doc = format!(
            " Upserts this record by `{api}` (`PATCH {}/{api}/<value>`), race-free within this client.",
            input.api_name.value
        );
        methods.push(quote! {
            #[doc = #doc]
            #[inline]
            #vis fn #upsert_by(&self, client: &#p::Client) -> #outcome {
                #upsert_body
            }
        });
        if external.len() == 1 {
            methods.push(quote! {
                #[doc = #doc]
                #[inline]
                #vis fn upsert(&self, client: &#p::Client) -> #outcome {
                    #upsert_body
                }
            });
        }
        let v = local("__v");
        let get_key = quote_spanned!(at(f.ty)=> #p::ExternalIdValue::to_external_id({ #v }));
        let get_by = format_ident!("get_by_{}", field_name);
        let doc = format!(
            " Reads the record whose `{api}` is `value`, selecting exactly this struct's fields."
        );
        methods.push(quote! {
            #[doc = #doc]
            #[inline]
            #vis fn #get_by<__V: ::core::convert::Into<#vt>>(
                client: &#p::Client,
                value: __V,
            ) -> impl ::core::future::Future<Output = #p::Result<Self>> + use<#(#lifetimes,)* __V, #(#params),*> {
                let value: #vt = value.into();
                let __v = &value;
                #p::get_by_external_id(client, Self::FIELD.#member, #get_key)
            }
        });
    }

    let fields_doc = format!(" Typed field tokens: `{ident}::FIELD.<field>`.");
    let select = query::select_method(vis, p);
    quote! {
        #tokens_struct
        #[automatically_derived]
        #[allow(unused_braces)]
        impl #impl_generics #ident #ty_generics #where_clause {
            #[doc = #fields_doc]
            #vis const FIELD: #tokens_ident #ty_generics = #tokens_ident { #(#token_values,)* };
            #(#methods)*
            /// Reads the record with this Id, selecting exactly this struct's fields.
            #[inline]
            #vis fn get_by_id(
                client: &#p::Client,
                id: &#p::Id,
            ) -> impl ::core::future::Future<Output = #p::Result<Self>> + use<#(#lifetimes,)* #(#params),*> {
                #p::get_by_id(client, id)
            }
            #select
            /// A typed partial write: every field starts unchanged.
            #[inline]
            #vis fn patch() -> #p::Patch<Self> {
                #p::Patch::new()
            }
        }
    }
}

/// Where errors about a field's type point. Code spanned there names generated locals and
/// `self` only through [`local`] idents, resolved at the call site, so they still resolve when the
/// struct comes from a `macro_rules!` (whose spans have their own hygiene); such arguments are
/// wrapped in a block spanned at the type, so that an unsatisfied bound is reported there.
fn at(ty: &Type) -> Span {
    ty.span()
}

fn local(name: &str) -> TokenStream {
    let ident = Ident::new(name, Span::call_site());
    quote!(#ident)
}

/// Adds `Serialize + DeserializeOwned` (and `ExternalIdValue`, `Default`) bounds for field types
/// that mention a type parameter, spanned at the field type.
fn add_bounds(generics: &mut syn::Generics, fields: &[Field], p: &TokenStream) {
    let params: Vec<Ident> = generics.type_params().map(|t| t.ident.clone()).collect();
    if params.is_empty() {
        return;
    }
    let mut predicates: Vec<TokenStream> = Vec::new();
    for f in fields {
        if !mentions(f.ty, &params) {
            continue;
        }
        let ty = f.ty;
        let span = at(ty);
        if f.is_skipped() {
            predicates.push(quote_spanned!(span=> #ty: ::core::default::Default));
            continue;
        }
        predicates.push(quote_spanned!(span=> #ty: #p::Serialize + #p::DeserializeOwned));
        let vt = f.kind.value_type(ty);
        if !f.is_read_only() && f.attrs.external_id.is_none() {
            predicates.push(quote_spanned!(span=> #vt: #p::Serialize));
        }
        if f.attrs.external_id.is_some() {
            predicates.push(quote_spanned!(span=> #ty: #p::ExternalIdValue));
            predicates.push(quote_spanned!(span=> #vt: #p::ExternalIdValue));
        }
    }
    let where_clause = generics.make_where_clause();
    for predicate in predicates {
        where_clause
            .predicates
            .push(syn::parse2(predicate).expect("valid predicate"));
    }
}

fn mentions(ty: &Type, params: &[Ident]) -> bool {
    fn walk(tokens: TokenStream, params: &[Ident]) -> bool {
        tokens.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => params.contains(&i),
            proc_macro2::TokenTree::Group(g) => walk(g.stream(), params),
            _ => false,
        })
    }
    walk(quote!(#ty), params)
}
