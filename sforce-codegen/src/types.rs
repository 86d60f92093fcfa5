//! Field type mapping: Salesforce describe `type` → Rust type, plus the notes documenting it.
//!
//! | describe type | Rust type |
//! |---|---|
//! | `id` | `::sforce::Id` (the field gets `#[sobject(id)]`) |
//! | `reference` | `::sforce::Id`; targets (and polymorphism) documented on the field |
//! | `string`, `textarea`, `email`, `phone`, `url`, `encryptedstring`, `combobox`, `datacategorygroupreference` | `String` |
//! | `boolean` | `bool` |
//! | `int` | `i32` |
//! | `long` | `i64` |
//! | `double`, `currency`, `percent` | `f64` (see below) |
//! | `date`, `datetime`, `time` | `::sforce::types::{Date, DateTime, Time}` |
//! | `picklist` | a generated enum (active values + `Other(String)` fallback), or `String` |
//! | `multipicklist` | `::sforce::types::MultiPicklist<Enum>` (`;`-joined on the wire), or `MultiPicklist<String>` |
//! | `base64` | `::sforce::types::Base64Blob` (bytes, base64 on the wire; a URL on read) |
//! | `address`, `location` | `::sforce::types::Address`, `::sforce::types::Geolocation`, read-only |
//! | `anyType`, `complexvalue`, `json`, anything unknown | `::sforce::types::JsonValue` (raw JSON) |
//!
//! Numbers: Salesforce sends `double`, `currency` and `percent` values as JSON numbers, and
//! serde_json reads JSON numbers as `f64`; a decimal type would only add a dependency to every
//! user crate while the value has already been through a float on Salesforce's side of most
//! integrations. Fields with more than 15 significant digits (`precision` > 15) say so in their
//! doc comment, because `f64` cannot hold them exactly.

use proc_macro2::TokenStream;
use quote::quote;

use sforce_model::describe::{FieldDescribe, FieldType};

/// The kinds of Rust type a describe type maps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Id,
    Reference,
    Text,
    Bool,
    Int,
    Long,
    Double,
    Date,
    DateTime,
    Time,
    Picklist,
    MultiPicklist,
    Base64,
    Address,
    Location,
    /// Raw JSON; `known` is false for types this generator has never heard of.
    Json {
        known: bool,
    },
}

impl Kind {
    /// The kind of a describe `type`.
    pub(crate) fn of(field_type: &FieldType) -> Kind {
        match field_type {
            FieldType::Id => Kind::Id,
            FieldType::Reference => Kind::Reference,
            FieldType::String
            | FieldType::Textarea
            | FieldType::Email
            | FieldType::Phone
            | FieldType::Url
            | FieldType::Encryptedstring
            | FieldType::Combobox
            | FieldType::Datacategorygroupreference => Kind::Text,
            FieldType::Boolean => Kind::Bool,
            FieldType::Int => Kind::Int,
            FieldType::Long => Kind::Long,
            FieldType::Double | FieldType::Currency | FieldType::Percent => Kind::Double,
            FieldType::Date => Kind::Date,
            FieldType::Datetime => Kind::DateTime,
            FieldType::Time => Kind::Time,
            FieldType::Picklist => Kind::Picklist,
            FieldType::Multipicklist => Kind::MultiPicklist,
            FieldType::Base64 => Kind::Base64,
            FieldType::Address => Kind::Address,
            FieldType::Location => Kind::Location,
            FieldType::AnyType | FieldType::Complexvalue | FieldType::Json => {
                Kind::Json { known: true }
            }
            FieldType::Unknown(wire) => Kind::of_wire(wire),
            // A type added to the model later: raw JSON until mapped here.
            _ => Kind::Json { known: false },
        }
    }

    /// The kind of a wire name the model does not know, matched case-insensitively (a
    /// `DateTime` written by some tool is still a datetime).
    fn of_wire(wire: &str) -> Kind {
        // Lower-cased on the stack: this runs for every field, several times.
        let mut buf = [0u8; 32];
        let Some(lower) = buf.get_mut(..wire.len()) else {
            return Kind::Json { known: false };
        };
        lower.copy_from_slice(wire.as_bytes());
        lower.make_ascii_lowercase();
        match std::str::from_utf8(lower).unwrap_or("") {
            "id" => Kind::Id,
            "reference" => Kind::Reference,
            "string"
            | "textarea"
            | "email"
            | "phone"
            | "url"
            | "encryptedstring"
            | "combobox"
            | "datacategorygroupreference" => Kind::Text,
            "boolean" => Kind::Bool,
            "int" => Kind::Int,
            "long" => Kind::Long,
            "double" | "currency" | "percent" => Kind::Double,
            "date" => Kind::Date,
            "datetime" => Kind::DateTime,
            "time" => Kind::Time,
            "picklist" => Kind::Picklist,
            "multipicklist" => Kind::MultiPicklist,
            "base64" => Kind::Base64,
            "address" => Kind::Address,
            "location" => Kind::Location,
            "anytype" | "complexvalue" | "json" => Kind::Json { known: true },
            _ => Kind::Json { known: false },
        }
    }

    /// Compound fields are always read-only.
    pub(crate) fn is_compound(self) -> bool {
        matches!(self, Kind::Address | Kind::Location)
    }
}

/// The Rust type of a field, without the `Option` wrapper.
///
/// `picklist` is the generated enum's name for picklist / multipicklist fields when picklists are
/// generated as enums, `None` for plain strings.
pub(crate) fn rust_type(kind: Kind, picklist: Option<&syn::Ident>) -> TokenStream {
    match kind {
        Kind::Id | Kind::Reference => quote!(::sforce::Id),
        Kind::Text => quote!(String),
        Kind::Bool => quote!(bool),
        Kind::Int => quote!(i32),
        Kind::Long => quote!(i64),
        Kind::Double => quote!(f64),
        Kind::Date => quote!(::sforce::types::Date),
        Kind::DateTime => quote!(::sforce::types::DateTime),
        Kind::Time => quote!(::sforce::types::Time),
        Kind::Picklist => match picklist {
            Some(ident) => quote!(#ident),
            None => quote!(String),
        },
        Kind::MultiPicklist => match picklist {
            Some(ident) => quote!(::sforce::types::MultiPicklist<#ident>),
            None => quote!(::sforce::types::MultiPicklist<String>),
        },
        Kind::Base64 => quote!(::sforce::types::Base64Blob),
        Kind::Address => quote!(::sforce::types::Address),
        Kind::Location => quote!(::sforce::types::Geolocation),
        Kind::Json { .. } => quote!(::sforce::types::JsonValue),
    }
}

/// How an upsert-key field (`externalId`, or `idLookup` other than the record Id) is declared
/// to the derive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ExternalKey {
    /// Not an external ID.
    No,
    /// `#[external_id]`, typed as usual.
    Key { case_sensitive: bool },
    /// `#[external_id]` on a Number field: typed `::sforce::types::NumberKey` (an integer read from
    /// Salesforce's `123.0`), because external-ID values must be text or integers.
    NumberKey,
    /// An external ID in Salesforce that cannot be an upsert key here; the reason is documented.
    Unusable(&'static str),
}

/// Whether Salesforce upserts on the field: External ID fields, and fields with the `idLookup`
/// property (on standard objects: Contact and Lead `Email`, Account `Name`, ...). The record
/// `Id` is idLookup too, but it is the derive's `#[sobject(id)]`, never an `#[external_id]`.
pub(crate) fn is_upsert_key(field: &FieldDescribe, kind: Kind) -> bool {
    field.external_id || (field.id_lookup && kind != Kind::Id)
}

/// The external-ID declaration of a field.
pub(crate) fn external_key(field: &FieldDescribe, kind: Kind, read_only: bool) -> ExternalKey {
    if !is_upsert_key(field, kind) {
        return ExternalKey::No;
    }
    if read_only {
        return ExternalKey::Unusable(
            "it is read-only here (e.g. an auto number), so it cannot key an upsert; read by it \
             with `client.get_by_external_id`",
        );
    }
    match kind {
        Kind::Text | Kind::Int | Kind::Long => ExternalKey::Key {
            case_sensitive: field.case_sensitive,
        },
        Kind::Double if field.scale == 0 => ExternalKey::NumberKey,
        _ => ExternalKey::Unusable(
            "its type cannot key a typed upsert (external-ID values are text or integers); use \
             `client.upsert` with an explicit key",
        ),
    }
}

/// Whether the field is `Option<T>` or a plain `T`. Plain only when a create must set it
/// (createable, not nillable, not defaulted on create) and an update may send it again
/// (updateable): a create-only field (a master-detail reference, say) is an `Option` so that an
/// upsert that updates can leave it out.
pub(crate) fn is_optional(field: &FieldDescribe, kind: Kind) -> bool {
    !(field.is_required_on_create() && field.updateable && !kind.is_compound() && kind != Kind::Id)
}

fn code_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Doc lines describing the field's Salesforce type and flags (Markdown, already escaped).
pub(crate) fn notes(field: &FieldDescribe, kind: Kind, read_only: bool) -> Vec<String> {
    let mut head = format!("API name `{}`, type `{}`", field.name, field.field_type);
    match kind {
        Kind::Text | Kind::Picklist | Kind::MultiPicklist if field.length > 0 => {
            head.push_str(&format!(", max length {}", field.length));
        }
        Kind::Double | Kind::Int | Kind::Long if field.precision > 0 => {
            head.push_str(&format!(
                ", precision {}, scale {}",
                field.precision, field.scale
            ));
        }
        _ => {}
    }
    head.push('.');
    let mut out = vec![head];
    match kind {
        Kind::Reference => {
            let mut line = match field.reference_to.len() {
                0 => "Reference to a record.".to_owned(),
                1 => format!("Reference to {}.", code_list(&field.reference_to)),
                _ => format!(
                    "Polymorphic reference: the Id may point to any of {}.",
                    code_list(&field.reference_to)
                ),
            };
            if let Some(rel) = &field.relationship_name {
                line.push_str(&format!(" Relationship name `{rel}`."));
            }
            out.push(line);
        }
        Kind::Picklist | Kind::MultiPicklist => {
            let mut line = if field.restricted_picklist {
                "Restricted picklist: Salesforce rejects values outside the list.".to_owned()
            } else {
                "Unrestricted picklist: other values are accepted and read back.".to_owned()
            };
            if kind == Kind::MultiPicklist {
                line.push_str(" Several values, joined by `;` on the wire.");
            }
            out.push(line);
        }
        Kind::Double
            if field.precision > 15
                && external_key(field, kind, read_only) != ExternalKey::NumberKey =>
        {
            out.push(
                "Held as `f64`: values with more than 15 significant digits are not exact."
                    .to_owned(),
            )
        }
        Kind::Base64 => out.push(
            "Binary content: written as standard base64 (RFC 4648, padded); on read Salesforce \
             returns the URL of the blob instead of its content."
                .to_owned(),
        ),
        Kind::Address | Kind::Location => {
            out.push("Compound field (read-only): write its component fields instead.".to_owned())
        }
        Kind::Json { known } => out.push(if known {
            format!(
                "Raw JSON: Salesforce type `{}` has no fixed shape.",
                field.field_type
            )
        } else {
            format!(
                "Raw JSON: Salesforce type `{}` is unknown to sforce-codegen.",
                field.field_type
            )
        }),
        _ => {}
    }
    let mut flags = Vec::new();
    if field.is_required_on_create() && kind != Kind::Id {
        flags.push("Required on create.".to_owned());
    }
    if read_only && kind != Kind::Id && !kind.is_compound() {
        let why = if field.calculated {
            " (formula)"
        } else if field.auto_number {
            " (auto number)"
        } else {
            ""
        };
        flags.push(format!("Read-only{why}: never written."));
    } else if field.createable && !field.updateable {
        flags.push("Create-only: cannot be updated.".to_owned());
    }
    let key = external_key(field, kind, read_only);
    if let ExternalKey::Unusable(why) = key {
        let what = if field.external_id {
            "External ID"
        } else {
            "Upsert key (idLookup)"
        };
        flags.push(format!("{what} in Salesforce, but {why}."));
    } else if key == ExternalKey::NumberKey {
        flags.push(format!(
            "External ID (Number, typed as an integer key{}).",
            if field.unique { ", unique" } else { "" }
        ));
    } else if is_upsert_key(field, kind) {
        flags.push(format!(
            "{} ({}{}).",
            if field.external_id {
                "External ID"
            } else {
                "Upsert key (idLookup)"
            },
            if field.case_sensitive {
                "case-sensitive"
            } else {
                "case-insensitive"
            },
            if field.unique { ", unique" } else { "" }
        ));
    } else if field.unique {
        flags.push("Unique.".to_owned());
    }
    if let Some(compound) = &field.compound_field_name {
        flags.push(format!("Part of compound field `{compound}`."));
    }
    if !flags.is_empty() {
        out.push(flags.join(" "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let of = |wire: &str| Kind::of(&FieldType::from_wire(wire));
        assert_eq!(of("anyType"), Kind::Json { known: true });
        assert_eq!(of("hologram"), Kind::Json { known: false });
        assert_eq!(of("DateTime"), Kind::DateTime);
        assert_eq!(of("combobox"), Kind::Text);
        assert!(of("address").is_compound());
    }
}
