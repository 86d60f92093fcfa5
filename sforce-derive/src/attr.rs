//! Attribute parsing with `parse_nested_meta`. Every problem is pushed to [`Errors`] and parsing
//! continues, so all of them are reported at once.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Attribute, LitStr, Meta, Token};

/// Errors collected over the whole derive, combined into one.
#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    pub fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub fn at(&mut self, span: Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    pub fn into_error(self) -> Option<syn::Error> {
        self.0
    }
}

/// `#[sobject(...)]` on the struct.
#[derive(Default)]
pub struct Container {
    pub name: Option<LitStr>,
    pub krate: Option<syn::Path>,
}

/// `#[external_id]` / `#[external_id(case_sensitive)]`.
pub struct ExternalId {
    pub span: Span,
    pub case_sensitive: bool,
}

/// `#[sobject(...)]` and `#[external_id]` on a field.
#[derive(Default)]
pub struct FieldAttrs {
    pub id: Option<Span>,
    pub rename: Option<LitStr>,
    pub read_only: Option<Span>,
    pub skip: Option<Span>,
    /// `#[sobject(relationship)]`: a parent record or child rows, read by queries.
    pub relationship: Option<Span>,
    pub external_id: Option<ExternalId>,
}

/// Stores `value` unless the option was already given.
fn set_once<T>(slot: &mut Option<T>, value: T, meta: &ParseNestedMeta, errors: &mut Errors) {
    set_once_in("sobject", slot, value, meta, errors);
}

/// [`set_once`] for an option of the attribute `attribute` (`sobject`, `picklist`).
pub(crate) fn set_once_in<T>(
    attribute: &str,
    slot: &mut Option<T>,
    value: T,
    meta: &ParseNestedMeta,
    errors: &mut Errors,
) {
    if slot.is_some() {
        errors.push(meta.error(format_args!(
            "duplicate {attribute} attribute `{}`",
            path_str(&meta.path)
        )));
    } else {
        *slot = Some(value);
    }
}

pub(crate) fn path_str(path: &syn::Path) -> String {
    quote::quote!(#path).to_string().replace(' ', "")
}

/// Reads `= "literal"`, reporting a missing or non-string value.
pub(crate) fn lit_str(meta: &ParseNestedMeta, errors: &mut Errors) -> syn::Result<Option<LitStr>> {
    if !meta.input.peek(Token![=]) {
        errors.push(meta.error(format_args!(
            "expected `{} = \"...\"`",
            path_str(&meta.path)
        )));
        skip_rest(meta)?;
        return Ok(None);
    }
    let expr: syn::Expr = meta.value()?.parse()?;
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(lit),
            ..
        }) => Ok(Some(lit)),
        other => {
            errors.push(syn::Error::new_spanned(
                other,
                format_args!("expected a string literal for `{}`", path_str(&meta.path)),
            ));
            Ok(None)
        }
    }
}

/// Consumes the value of an option being rejected (`= expr` or `(...)`), so the next options
/// are still checked.
fn skip_rest(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        let _: syn::Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _group: proc_macro2::Group = meta.input.parse()?;
    }
    Ok(())
}

/// Reports an unknown option: `{what} `{name}`{expected}`; then skips its value.
pub(crate) fn unknown(
    meta: &ParseNestedMeta,
    errors: &mut Errors,
    what: &str,
    expected: std::fmt::Arguments,
) -> syn::Result<()> {
    errors.push(meta.error(format_args!("{what} `{}`{expected}", path_str(&meta.path))));
    skip_rest(meta)
}

/// Parses the options of `attr` with `option`, reporting a parse error rather than stopping.
pub(crate) fn options(
    attr: &Attribute,
    errors: &mut Errors,
    mut option: impl FnMut(ParseNestedMeta, &mut Errors) -> syn::Result<()>,
) {
    if let Err(e) = attr.parse_nested_meta(|meta| option(meta, errors)) {
        errors.push(e);
    }
}

/// Rejects a value after a flag (`read_only = true`).
pub(crate) fn flag(meta: &ParseNestedMeta, errors: &mut Errors) -> syn::Result<()> {
    if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
        errors.push(meta.error(format_args!("`{}` takes no value", path_str(&meta.path))));
        skip_rest(meta)?;
    }
    Ok(())
}

pub fn container(attrs: &[Attribute], errors: &mut Errors) -> Container {
    let mut out = Container::default();
    for attr in attrs {
        if attr.path().is_ident("external_id") {
            errors.at(
                attr.span(),
                "#[external_id] goes on a field, not on the struct",
            );
        }
        if !attr.path().is_ident("sobject") {
            continue;
        }
        options(attr, errors, |meta, errors| {
            if meta.path.is_ident("name") {
                if let Some(lit) = lit_str(&meta, errors)? {
                    set_once(&mut out.name, lit, &meta, errors);
                }
            } else if meta.path.is_ident("crate") {
                if let Some(lit) = lit_str(&meta, errors)? {
                    match lit.parse::<syn::Path>() {
                        Ok(path) => set_once(&mut out.krate, path, &meta, errors),
                        Err(e) => errors.at(lit.span(), format_args!("invalid crate path: {e}")),
                    }
                }
            } else {
                let hint = if meta.path.is_ident("rename") {
                    "; the sObject API name is set with `name = \"...\"`"
                } else {
                    ""
                };
                unknown(
                    &meta,
                    errors,
                    "unknown sobject attribute",
                    format_args!(" on a struct: expected `name` or `crate`{hint}"),
                )?;
            }
            Ok(())
        });
    }
    out
}

pub fn field(attrs: &[Attribute], errors: &mut Errors) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs {
        if attr.path().is_ident("external_id") {
            external_id(attr, &mut out, errors);
            continue;
        }
        if !attr.path().is_ident("sobject") {
            continue;
        }
        options(attr, errors, |meta, errors| {
            let span = meta.path.span();
            if meta.path.is_ident("id") {
                flag(&meta, errors)?;
                set_once(&mut out.id, span, &meta, errors);
            } else if meta.path.is_ident("read_only") {
                flag(&meta, errors)?;
                set_once(&mut out.read_only, span, &meta, errors);
            } else if meta.path.is_ident("relationship") {
                flag(&meta, errors)?;
                set_once(&mut out.relationship, span, &meta, errors);
            } else if meta.path.is_ident("skip") {
                flag(&meta, errors)?;
                set_once(&mut out.skip, span, &meta, errors);
            } else if meta.path.is_ident("rename") {
                if let Some(lit) = lit_str(&meta, errors)? {
                    set_once(&mut out.rename, lit, &meta, errors);
                }
            } else {
                let hint = if meta.path.is_ident("name") {
                    "; a field's API name is set with `rename = \"...\"`"
                } else if meta.path.is_ident("external_id") {
                    "; external IDs are marked with a separate `#[external_id]` attribute"
                } else {
                    ""
                };
                unknown(
                    &meta,
                    errors,
                    "unknown sobject attribute",
                    format_args!(
                        " on a field: expected `id`, `rename`, `read_only`, `relationship` or `skip`{hint}"
                    ),
                )?;
            }
            Ok(())
        });
    }
    out
}

fn external_id(attr: &Attribute, out: &mut FieldAttrs, errors: &mut Errors) {
    let span = attr.path().span();
    let mut case_sensitive = None::<Span>;
    match &attr.meta {
        Meta::Path(_) => {}
        Meta::List(_) => {
            options(attr, errors, |meta, errors| {
                if meta.path.is_ident("case_sensitive") {
                    flag(&meta, errors)?;
                    set_once(&mut case_sensitive, meta.path.span(), &meta, errors);
                } else {
                    unknown(
                        &meta,
                        errors,
                        "unknown external_id option",
                        format_args!(": expected `case_sensitive`"),
                    )?;
                }
                Ok(())
            });
        }
        Meta::NameValue(nv) => errors.push(syn::Error::new_spanned(
            nv,
            "expected `#[external_id]` or `#[external_id(case_sensitive)]`",
        )),
    }
    if out.external_id.is_some() {
        errors.at(span, "duplicate attribute `#[external_id]`");
        return;
    }
    out.external_id = Some(ExternalId {
        span,
        case_sensitive: case_sensitive.is_some(),
    });
}
