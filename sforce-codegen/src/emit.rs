//! Code emission: one module per sObject, and `mod.rs`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::{Error, Result};
use sforce_model::describe::FieldDescribe;

use crate::input::ObjectSpec;
use crate::names::{self, Case};
use crate::picklist::picklist_enum;
use crate::types::{self, ExternalKey, Kind};
use crate::{Options, PicklistMode};

/// Escapes text for a Markdown doc comment: no links, HTML, code spans or escapes can sneak in
/// (an indented or fenced block would even become a doctest in the user's crate).
pub(crate) fn escape_md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '[' | ']' | '<' | '>' | '*' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Text in a code span, or escaped plain text if it cannot be one.
pub(crate) fn code(text: &str) -> String {
    if text.is_empty() || text.contains(['`', '\n', '\r']) {
        format!("\"{}\"", escape_md(text))
    } else {
        format!("`{text}`")
    }
}

/// Doc comment lines for paragraphs (separated by an empty line), wrapped and trimmed so no
/// paragraph can turn into an indented code block.
fn doc_lines(paragraphs: &[String]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for p in paragraphs {
        let para: Vec<String> = p
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .flat_map(|l| wrap(l, DOC_WIDTH))
            .collect();
        if para.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(para);
    }
    lines
}

/// The doc comments of one file, kept out of the token stream.
///
/// Parsing is the expensive part of formatting, and doc attributes are most of the lines: each
/// doc block goes through syn and prettyplease as one short marker attribute (`///<N>`), which
/// [`finish`] replaces with the real `///` lines. A marker cannot clash with real text, whose
/// lines always start with a space and never contain an unescaped `<`.
#[derive(Default)]
pub(crate) struct Docs(Vec<Vec<String>>);

impl Docs {
    /// A `#[doc]` marker attribute standing for these paragraphs.
    pub(crate) fn attr(&mut self, paragraphs: &[String]) -> TokenStream {
        let lines = doc_lines(paragraphs);
        if lines.is_empty() {
            return TokenStream::new();
        }
        let marker = format!("<{}>", self.0.len());
        self.0.push(lines);
        quote!(#[doc = #marker])
    }

    /// The doc lines for a marker line (`    ///<N>`), if it is one.
    fn expand<'a>(&'a self, line: &'a str) -> Option<(&'a str, &'a [String])> {
        let trimmed = line.trim_start();
        let index: usize = trimmed
            .strip_prefix("///<")?
            .strip_suffix('>')?
            .parse()
            .ok()?;
        let indent = &line[..line.len() - trimmed.len()];
        self.0.get(index).map(|l| (indent, l.as_slice()))
    }
}

/// Doc comment text width (the `///` and indentation come on top).
const DOC_WIDTH: usize = 90;

/// Greedy word wrap at spaces; words longer than `width` stay whole.
fn wrap(line: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        if !cur.is_empty() && cur.len() + 1 + word.len() > width {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Finishes prettyplease output: expands the doc markers of [`Docs`], and adds the blank lines
/// prettyplease leaves out (after every top-level item, between the members of `impl` blocks) as
/// rustfmt-formatted hand-written code has them.
fn finish(src: &str, docs: &Docs) -> String {
    let lines: Vec<&str> = src.lines().collect();
    let group = |l: &str| {
        if l.starts_with("//!") {
            0
        } else if l.starts_with("pub mod ") {
            1
        } else if l.starts_with("pub use ") {
            2
        } else {
            3
        }
    };
    let mut out = String::with_capacity(src.len() + src.len() / 16);
    for (i, line) in lines.iter().enumerate() {
        match docs.expand(line) {
            Some((indent, doc)) => {
                for l in doc {
                    out.push_str(indent);
                    out.push_str("///");
                    if !l.is_empty() {
                        out.push(' ');
                        out.push_str(l);
                    }
                    out.push('\n');
                }
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
        let Some(next) = lines.get(i + 1) else { break };
        let top_level_end = (*line == "}" || line.ends_with(';')) && !line.starts_with(' ');
        let member_end = (*line == "    }" || *line == "    ];" || line.starts_with("    type "))
            && next.starts_with("    ")
            && !next.starts_with("    }");
        let group_change = !line.starts_with(' ')
            && !next.starts_with(' ')
            && group(line) != group(next)
            && (group(line) != 3 || top_level_end);
        let ends_item = top_level_end && group(line) == 3;
        if !next.is_empty() && (ends_item || member_end || group_change) {
            out.push('\n');
        }
    }
    out
}

/// Field order in generated structs: `Id` first, then by API name (case-insensitively).
fn field_order_key(f: &FieldDescribe) -> (bool, String, String) {
    (
        Kind::of(&f.field_type) != Kind::Id,
        f.name.to_ascii_lowercase(),
        f.name.clone(),
    )
}

/// Formats generated tokens with prettyplease.
fn format(tokens: TokenStream, object: &str, docs: &Docs) -> Result<String> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Internal {
        object: object.to_owned(),
        message: e.to_string(),
    })?;
    Ok(finish(&prettyplease::unparse(&file), docs))
}

/// Kinds whose `Default` exists, so a struct whose required fields are all of these kinds can
/// derive `Default` (`..Default::default()` is how one fills a 100-field struct).
fn has_default(kind: Kind) -> bool {
    !matches!(
        kind,
        Kind::Id | Kind::Reference | Kind::Date | Kind::DateTime | Kind::Time
    )
}

/// The source of one sObject module.
pub(crate) fn object_file(obj: &ObjectSpec, type_name: &str, options: &Options) -> Result<String> {
    let mut fields: Vec<&FieldDescribe> = obj
        .fields
        .iter()
        .filter(|f| !options.is_excluded(&obj.name, &f.name))
        .collect();
    let mut unmappable: Vec<String> = fields
        .iter()
        .filter(|f| !names::derive_accepts(&f.name))
        .map(|f| code(&f.name))
        .collect();
    unmappable.sort();
    fields.retain(|f| names::derive_accepts(&f.name));
    fields.sort_by_cached_key(|f| field_order_key(f));

    // `id` belongs to the record Id (the derive derives `get_by_id` from it), whatever else exists.
    let mut field_idents = names::assign(
        fields
            .iter()
            .filter(|f| Kind::of(&f.field_type) != Kind::Id)
            .map(|f| f.name.as_str()),
        Case::Snake,
        &["id"],
    );
    for f in fields
        .iter()
        .filter(|f| Kind::of(&f.field_type) == Kind::Id)
    {
        // Only `Id` can be the derive's `#[sobject(id)]`; another `id`-typed field is plain.
        let ident = if f.name == "Id" {
            "id".to_owned()
        } else {
            names::snake(&f.name) + "_id"
        };
        field_idents.insert(f.name.clone(), ident);
    }
    let enums_wanted = options.picklists == PicklistMode::Enums;
    let picklist_fields: Vec<&str> = fields
        .iter()
        .filter(|f| {
            enums_wanted
                && matches!(
                    Kind::of(&f.field_type),
                    Kind::Picklist | Kind::MultiPicklist
                )
        })
        .map(|f| f.name.as_str())
        .collect();
    let mut reserved: Vec<&str> = names::RESERVED_TYPES.to_vec();
    reserved.push(type_name);
    let enum_names = names::assign(picklist_fields.iter().copied(), Case::Pascal, &reserved);

    let mut doc_table = Docs::default();
    let mut field_tokens = Vec::with_capacity(fields.len());
    let mut enum_tokens = Vec::new();
    let mut derive_default = true;
    for f in &fields {
        let kind = Kind::of(&f.field_type);
        let enum_ident = enum_names.get(&f.name).map(|n| format_ident!("{}", n));
        if let Some(ident) = &enum_ident {
            enum_tokens.push(picklist_enum(&obj.name, f, ident, &mut doc_table));
        }
        let read_only = kind.is_compound() || (!f.createable && !f.updateable);
        let external = types::external_key(f, kind, read_only);
        let inner = if external == ExternalKey::NumberKey {
            quote!(::sforce::types::NumberKey)
        } else {
            types::rust_type(kind, enum_ident.as_ref())
        };
        let optional = types::is_optional(f, kind);
        if !optional && !has_default(kind) {
            derive_default = false;
        }
        let ty = if optional {
            quote!(Option<#inner>)
        } else {
            inner
        };
        let mut docs = vec![escape_md(&f.label)];
        if let Some(help) = f
            .inline_help_text
            .as_deref()
            .filter(|h| !h.trim().is_empty())
        {
            docs.push(escape_md(help));
        }
        docs.extend(types::notes(f, kind, read_only));
        let docs = doc_table.attr(&docs);
        let mut attrs = Vec::new();
        if kind == Kind::Id && f.name == "Id" {
            attrs.push(quote!(#[sobject(id)]));
        } else if read_only {
            attrs.push(quote!(#[sobject(read_only)]));
        }
        match external {
            ExternalKey::Key {
                case_sensitive: true,
            } => attrs.push(quote!(#[external_id(case_sensitive)])),
            ExternalKey::Key { .. } | ExternalKey::NumberKey => attrs.push(quote!(#[external_id])),
            ExternalKey::No | ExternalKey::Unusable(_) => {}
        }
        let api = &f.name;
        attrs.push(quote!(#[sobject(rename = #api)]));
        let ident = format_ident!("{}", field_idents[&f.name]);
        field_tokens.push(quote! {
            #docs
            #( #attrs )*
            pub #ident: #ty,
        });
    }

    let mut header = format!("API name `{}`", obj.name);
    if obj.properties.custom {
        header.push_str(", custom object");
    }
    if let Some(prefix) = obj
        .properties
        .key_prefix
        .as_deref()
        .filter(|p| !p.is_empty())
    {
        header.push_str(&format!(", Id prefix {}", code(prefix)));
    }
    header.push('.');
    let mut struct_paragraphs = vec![escape_md(&obj.properties.label), header];
    if !unmappable.is_empty() {
        struct_paragraphs.push(format!(
            "Not mapped (API names sforce's derive cannot declare): {}.",
            unmappable.join(", ")
        ));
    }
    let struct_docs = doc_table.attr(&struct_paragraphs);
    let module_doc = format!(
        " `{}` ({}): generated by sforce-codegen. Do not edit; regenerate instead.",
        obj.name,
        escape_md(&obj.properties.label)
    );
    let ident = format_ident!("{}", type_name);
    let api = &obj.name;
    let default = derive_default.then(|| quote!(Default,));
    let tokens = quote! {
        #![doc = #module_doc]

        #struct_docs
        #[derive(Debug, Clone, PartialEq, #default ::sforce::SObject)]
        #[sobject(name = #api)]
        pub struct #ident {
            #( #field_tokens )*
        }

        #( #enum_tokens )*
    };
    format(tokens, &obj.name, &doc_table)
}

/// The source of `mod.rs`: module declarations and re-exports of the structs.
pub(crate) fn mod_file(objects: &[(String, String, String)]) -> Result<String> {
    let count = objects.len();
    let doc = format!(
        " sObject types generated by sforce-codegen from {count} describe{}. Do not edit; \
         regenerate instead.",
        if count == 1 { "" } else { "s" }
    );
    let modules: Vec<syn::Ident> = objects
        .iter()
        .map(|(_, m, _)| format_ident!("{}", m))
        .collect();
    let types: Vec<syn::Ident> = objects
        .iter()
        .map(|(_, _, t)| format_ident!("{}", t))
        .collect();
    let tokens = quote! {
        #![doc = #doc]

        #( pub mod #modules; )*

        #( pub use self::#modules::#types; )*
    };
    format(tokens, "mod.rs", &Docs::default())
}

/// Module and type names for every object: `(api name, module, type)`, sorted by API name.
pub(crate) fn object_names(apis: &[&str]) -> Vec<(String, String, String)> {
    let modules = names::assign(apis.iter().copied(), Case::Snake, names::RESERVED_MODULES);
    let types = names::assign(apis.iter().copied(), Case::Pascal, names::RESERVED_TYPES);
    let mut out: Vec<(String, String, String)> = apis
        .iter()
        .map(|a| ((*a).to_owned(), modules[*a].clone(), types[*a].clone()))
        .collect();
    out.sort();
    out
}
