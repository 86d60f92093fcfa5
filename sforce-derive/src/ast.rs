//! A borrowing view of the derive input, with attributes parsed.

use proc_macro2::Span;
use syn::{Data, DeriveInput, Fields, Generics, Ident, Type, Visibility};

use crate::attr::{self, Errors};
use crate::name::ApiName;

/// The struct being derived.
pub struct Input<'a> {
    pub ident: &'a Ident,
    pub vis: &'a Visibility,
    pub generics: &'a Generics,
    pub attrs: attr::Container,
    pub api_name: ApiName,
    /// `None` when the input is not a struct with named fields (already reported).
    pub fields: Option<Vec<Field<'a>>>,
}

/// One named field.
pub struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a Type,
    pub attrs: attr::FieldAttrs,
    pub api_name: ApiName,
    pub kind: ValueKind<'a>,
}

/// How a field's value is written: decided from how its type is spelled.
#[derive(Clone, Copy)]
pub enum ValueKind<'a> {
    /// Any other type: always written.
    Plain,
    /// `Option<T>`: `None` is left out.
    Option(&'a Type),
    /// `Field<T>`: `Unchanged` is left out, `Null` is written as null.
    Field(&'a Type),
}

impl<'a> ValueKind<'a> {
    /// The type a patch writes: `T` for `Option<T>` / `Field<T>`, the field type otherwise.
    pub fn value_type(self, ty: &'a Type) -> &'a Type {
        match self {
            ValueKind::Plain => ty,
            ValueKind::Option(inner) | ValueKind::Field(inner) => inner,
        }
    }
}

impl<'a> Input<'a> {
    pub fn from_syn(node: &'a DeriveInput, errors: &mut Errors) -> Self {
        let attrs = attr::container(&node.attrs, errors);
        let api_name = match &attrs.name {
            Some(lit) => ApiName::explicit(lit),
            None => ApiName::implicit(node.ident.to_string(), node.ident.span()),
        };
        let fields = match &node.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(named) => Some(
                    named
                        .named
                        .iter()
                        .map(|f| Field::from_syn(f, errors))
                        .collect(),
                ),
                Fields::Unnamed(unnamed) => {
                    errors.push(syn::Error::new_spanned(
                        unnamed,
                        "#[derive(SObject)] needs named fields: a tuple struct cannot name its Salesforce fields",
                    ));
                    None
                }
                Fields::Unit => {
                    errors.push(syn::Error::new(
                        node.ident.span(),
                        "#[derive(SObject)] needs named fields: a unit struct has no Salesforce fields",
                    ));
                    None
                }
            },
            Data::Enum(data) => {
                errors.push(syn::Error::new(
                    data.enum_token.span,
                    "#[derive(SObject)] supports only structs with named fields, not enums",
                ));
                None
            }
            Data::Union(data) => {
                errors.push(syn::Error::new(
                    data.union_token.span,
                    "#[derive(SObject)] supports only structs with named fields, not unions",
                ));
                None
            }
        };
        Input {
            ident: &node.ident,
            vis: &node.vis,
            generics: &node.generics,
            attrs,
            api_name,
            fields,
        }
    }
}

impl<'a> Field<'a> {
    fn from_syn(node: &'a syn::Field, errors: &mut Errors) -> Self {
        let ident = node.ident.as_ref().expect("named field");
        let attrs = attr::field(&node.attrs, errors);
        let api_name = match (&attrs.rename, &attrs.id) {
            (Some(lit), _) => ApiName::explicit(lit),
            (None, Some(span)) => ApiName::implicit("Id".to_owned(), *span),
            (None, None) => ApiName::from_rust(ident),
        };
        Field {
            ident,
            ty: &node.ty,
            kind: value_kind(&node.ty),
            attrs,
            api_name,
        }
    }

    /// The record Id: declared with `#[sobject(id)]`, or any field whose API name is `Id`.
    pub fn is_id(&self) -> bool {
        self.attrs.id.is_some() || self.api_name.value.eq_ignore_ascii_case("Id")
    }

    pub fn is_skipped(&self) -> bool {
        self.attrs.skip.is_some()
    }

    /// Read-only: never written (the Id, `#[sobject(read_only)]`, a relationship).
    pub fn is_read_only(&self) -> bool {
        self.is_id() || self.attrs.read_only.is_some() || self.is_relationship()
    }

    /// `#[sobject(relationship)]`: a parent record or child rows.
    pub fn is_relationship(&self) -> bool {
        self.attrs.relationship.is_some()
    }

    /// The span where errors about this field's API name point.
    pub fn name_span(&self) -> Span {
        self.api_name.span
    }
}

fn value_kind(ty: &Type) -> ValueKind<'_> {
    // A type passed through a `macro_rules!` `$ty:ty` arrives wrapped in an invisible group.
    let path = match ty {
        Type::Path(path) => path,
        Type::Group(group) => return value_kind(&group.elem),
        Type::Paren(paren) => return value_kind(&paren.elem),
        _ => return ValueKind::Plain,
    };
    if path.qself.is_some() {
        return ValueKind::Plain;
    }
    let Some(last) = path.path.segments.last() else {
        return ValueKind::Plain;
    };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return ValueKind::Plain;
    };
    let mut types = args.args.iter().filter_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    let (Some(inner), None) = (types.next(), types.next()) else {
        return ValueKind::Plain;
    };
    if last.ident == "Option" {
        ValueKind::Option(inner)
    } else if last.ident == "Field" {
        ValueKind::Field(inner)
    } else {
        ValueKind::Plain
    }
}
