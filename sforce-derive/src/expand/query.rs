//! Generated items for typed queries: relationship metadata and reads, the tokens of read-only
//! fields, and the inherent `select()`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use super::{at, local};
use crate::ast::Field;

/// `.relationship::<Type>()` on the field's `FieldMeta`, for `#[sobject(relationship)]`.
pub fn relationship_meta(f: &Field) -> Option<TokenStream> {
    f.is_relationship().then(|| {
        let ty = f.ty;
        quote_spanned!(at(ty)=> .relationship::<#ty>())
    })
}

/// The read of a relationship field in `from_record`.
pub fn relationship_read(f: &Field) -> Option<TokenStream> {
    f.is_relationship().then(|| {
        let (member, api, record) = (f.ident, &f.api_name.value, local("__record"));
        quote_spanned!(at(f.ty)=> #member: #record.read_relationship(#api)?)
    })
}

/// The token of a read-only field that is not an external ID (the Id, `read_only`): a
/// `ReadOnlyRef`, usable in filters, not in patches. Relationship fields have none.
pub fn read_only_token(
    f: &Field,
    self_ty: &TokenStream,
    p: &TokenStream,
) -> Option<(TokenStream, TokenStream, String)> {
    if !f.is_read_only() || f.is_relationship() || f.attrs.external_id.is_some() {
        return None;
    }
    let api = &f.api_name.value;
    let vt = f.kind.value_type(f.ty);
    Some((
        quote!(#p::ReadOnlyRef<#self_ty, #vt>),
        quote!(#p::ReadOnlyRef::__new(#api)),
        format!(" `{api}` (read-only), for query filters and ordering."),
    ))
}

/// `select()`: a typed query selecting exactly the struct's fields.
pub fn select_method(vis: &syn::Visibility, p: &TokenStream) -> TokenStream {
    quote! {
        /// A typed query selecting exactly this struct's fields (`SELECT ... FROM ...`), with
        /// filters on `FIELD` tokens.
        #[inline]
        #vis fn select() -> #p::Select<Self> {
            #p::Select::new()
        }
    }
}
