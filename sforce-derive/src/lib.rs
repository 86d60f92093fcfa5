//! `#[derive(SObject)]` for sforce. Use it through the `sforce` crate: `#[derive(sforce::SObject)]`.
//!
//! The layout follows thiserror's impl crate: `ast` is a borrowing view of the input with its
//! attributes parsed by `attr`, `valid` checks the combinations, `expand` generates code.
//! Every error is collected (one [`syn::Error`] combined from all of them, each with its span), and
//! a fallback impl of the trait is emitted beside them so one mistake does not cascade into
//! "trait not implemented" errors everywhere the struct is used.
#![warn(missing_docs)]

extern crate proc_macro;

mod ast;
mod attr;
mod expand;
mod name;
mod picklist;
mod valid;

#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Implements `sforce::SObject` for a struct with named fields and generates typed methods.
///
/// ```
/// #[derive(sforce::SObject)]
/// #[sobject(name = "Task")]                            // default: the struct name
/// pub struct CallLog {
///     #[sobject(id)] pub id: Option<sforce::Id>,        // the record Id: read, never written
///     #[external_id] #[sobject(rename = "uuid__c")] pub uuid: String,
///     #[external_id(case_sensitive)] #[sobject(rename = "Code__c")] pub code: Option<String>,
///     pub description: Option<String>,                  // API name "Description"
///     pub status: sforce::Field<String>,                // unchanged / null / set
///     #[sobject(read_only)] pub created_date: Option<sforce::DateTime>,
///     #[sobject(skip)] pub local_only: u32,             // not mapped; needs Default
/// }
/// # fn main() {}
/// ```
///
/// Container attributes: `#[sobject(name = "ApiName", crate = "path::to::sforce")]`.
/// Field attributes: `#[sobject(id)]`, `#[sobject(rename = "ApiName")]`, `#[sobject(read_only)]`,
/// `#[sobject(skip)]`, `#[sobject(relationship)]` (a parent `Option<Parent>` or the child rows
/// `QueryResult<Child>` of other derived structs: read by queries, never written),
/// `#[external_id]`, `#[external_id(case_sensitive)]`.
///
/// `#[external_id]` marks a field Salesforce can upsert on: a field marked External ID
/// (`externalId: true` in the describe; custom objects have only these), or, on standard
/// objects, a field with the `idLookup` property (Contact and Lead `Email`, Account and
/// Opportunity `Name`, User `Username`, ...). Add `(case_sensitive)` when the describe says
/// `caseSensitive: true` (values then match exactly; otherwise case-insensitively). The
/// record Id keys upserts by itself (`#[sobject(id)]`), and read-only fields (auto numbers)
/// cannot be keys, since an upsert that creates must write the key.
///
/// The default API name of a field is its Rust name in PascalCase (`call_duration_in_seconds` →
/// `CallDurationInSeconds`); custom fields (`__c`) always need `rename`.
///
/// Generated inherent items (with the struct's visibility):
/// - `upsert(&self, &Client)` when there is exactly one external ID, and `upsert_by_<field>` for
///   each external ID;
/// - `get_by_id(&Client, &Id)` and `get_by_<field>(&Client, value)` for each external ID: typed
///   reads selecting exactly the mapped fields;
/// - `select() -> Select<Self>`: a typed SOQL query selecting exactly the mapped fields, with
///   filters on the `FIELD` tokens (`CallLog::FIELD.status.eq("Completed")`);
/// - `patch() -> Patch<Self>`, and `FIELD: <Name>Fields`, a constant whose fields are typed tokens:
///   a `FieldRef` per writable field (`CallLog::FIELD.description`), an `ExternalIdRef` per
///   external ID (`CallLog::FIELD.uuid`), for `Patch::set` / `null` / `upsert`, and a
///   `ReadOnlyRef` per other read-only field (the Id, `read_only`), for query filters only. The struct
///   `<Name>Fields` is generated next to the input struct, with its visibility.
#[proc_macro_derive(SObject, attributes(sobject, external_id))]
pub fn derive_sobject(input: TokenStream) -> TokenStream {
    expand::derive_sobject(input.into()).into()
}

/// Implements `sforce::Picklist` for an enum of picklist values, with `Default`, `From<&str>`,
/// `From<String>`, `FromStr`, `AsRef<str>`, `Display`, and serde as the API value.
///
/// ```
/// use sforce::Picklist;
///
/// #[derive(Debug, Clone, PartialEq, Eq, Hash, Picklist)]
/// pub enum Status {
///     #[picklist(value = "Not Started", default)]   // default: the first value
///     NotStarted,
///     Completed,                                     // API value "Completed"
///     #[picklist(other)]                             // any other value, kept as text
///     Other(String),
/// }
///
/// assert_eq!(Status::from("Not Started"), Status::NotStarted);
/// assert_eq!(Status::from("Deferred"), Status::Other("Deferred".into()));
/// assert_eq!(Status::Completed.to_string(), "Completed");
/// ```
///
/// Enum attribute: `#[picklist(crate = "path::to::sforce")]`. Variant attributes:
/// `#[picklist(value = "API value")]` (default: the variant's name), `#[picklist(default)]`
/// (the `Default`; otherwise the first value), `#[picklist(other)]` on the one variant that
/// carries values the enum does not list (required: orgs add values after code is written).
#[proc_macro_derive(Picklist, attributes(picklist))]
pub fn derive_picklist(input: TokenStream) -> TokenStream {
    picklist::derive_picklist(input.into()).into()
}
