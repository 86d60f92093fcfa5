//! The [`SObject`] trait implemented by `#[derive(SObject)]`, and the typed partial update
//! [`Patch`].
//!
//! # One source of truth for API names
//!
//! The derive is the only place a field's Salesforce API name is declared (`#[sobject(rename =
//! "...")]`, or the default derived from the Rust name). Write bodies ([`SObject::write_fields`]),
//! reads ([`SObject::from_record`]), the `fields=` list of typed reads ([`SObject::FIELDS`]), the
//! upsert key and the [`FieldRef`] tokens of a [`Patch`] all come from that one declaration, so
//! reads and writes cannot disagree. The struct does not need to derive serde (if it does, serde
//! attributes are ignored by sforce); each field's *type* needs `Serialize + DeserializeOwned`.
//!
//! # The derive
//!
//! ```
//! #[derive(sforce::SObject)]
//! #[sobject(name = "Task")]                      // sObject API name; default: the struct name
//! pub struct CallLog {
//!     #[sobject(id)] pub id: Option<sforce::Id>,  // the record Id: read, never written
//!     #[external_id] #[sobject(rename = "uuid__c")] pub uuid: String,
//!     #[external_id(case_sensitive)] #[sobject(rename = "Code__c")] pub code: Option<String>,
//!     pub description: Option<String>,            // API name "Description" (PascalCase default)
//!     pub status: sforce::Field<String>,          // unchanged / null / set
//!     #[sobject(read_only)] pub created_date: Option<sforce::DateTime>,
//!     #[sobject(skip)] pub local_only: u32,       // not mapped; filled with Default on reads
//! }
//! # fn main() {}
//! ```
//!
//! generates, besides this trait's impl (with the struct's visibility):
//!
//! | item | what it does |
//! |---|---|
//! | `call.upsert(&client)` | only with exactly one external ID: upsert keyed by it |
//! | `call.upsert_by_uuid(&client)`, `call.upsert_by_code(&client)` | upsert keyed by that external ID |
//! | `CallLog::get_by_id(&client, &id)` | typed read selecting exactly the mapped fields |
//! | `CallLog::get_by_uuid(&client, "K1")`, `get_by_code` | the same by external ID |
//! | `CallLog::select()` | a typed query ([`Select`](crate::query::Select)) of exactly the mapped fields |
//! | `CallLog::patch()` | an empty [`Patch<CallLog>`](Patch) |
//! | `CallLog::FIELD.description`, `CallLog::FIELD.uuid` | typed tokens ([`FieldRef`], [`ExternalIdRef`]) in a generated `CallLogFields` struct |
//!
//! The returned futures borrow neither the record nor the client (they can be spawned); an
//! upsert's body is built and submitted to the client's write executor when the method is called.
//!
//! # Write bodies
//!
//! | field | in a write body |
//! |---|---|
//! | `#[sobject(id)]`, `#[sobject(read_only)]`, `#[sobject(skip)]` | never |
//! | the external ID the upsert is keyed on | never (it is in the URL) |
//! | other `#[external_id]` fields | like any other field |
//! | `Option<T>` = `None` / [`Field::Unchanged`](crate::types::Field::Unchanged) | left out |
//! | [`Field::Null`](crate::types::Field::Null) | `null` (clears the field) |
//! | anything else | its serde value |
//!
//! Whether a field is an `Option` or a [`Field`](crate::types::Field) is decided from how its type is written (the last
//! path segment, `Option<..>` / `Field<..>`); a type alias for them is treated as a plain value.
//!
//! [`Field`]: crate::types::Field
//! [`Field::Unchanged`]: crate::types::Field::Unchanged
//! [`Field::Null`]: crate::types::Field::Null

use std::fmt;

use serde_json::{Map, Value};

mod body;
mod column;
mod ops;
mod patch;
mod relation;

pub use body::{DecodeError, EncodeError, RecordReader, WriteBody};
pub use column::ReadOnlyRef;
pub use ops::*;
pub use patch::{ExternalIdRef, FieldRef, Patch};
pub use relation::{RelationKind, Relationship};

/// A Salesforce object type mapped to a Rust struct. Implement it with `#[derive(SObject)]`.
///
/// The trait holds the metadata and the (de)serialization; the derive also generates typed
/// inherent methods (`upsert`, `upsert_by_<field>`, `get_by_id`, `get_by_<field>`, `patch`) and
/// the typed field tokens `<Name>::FIELD`; see the [module docs](self).
pub trait SObject: Sized {
    /// The sObject API name, e.g. `"Task"` or `"Invoice__c"`.
    const API_NAME: &'static str;

    /// Every mapped field (skipped fields excluded), in declaration order.
    const FIELDS: &'static [FieldMeta];

    /// Writes the writable fields (see the module docs) into `body`.
    fn write_fields(&self, body: &mut WriteBody);

    /// Builds the struct from a record returned by Salesforce, taking the fields it needs.
    fn from_record(record: &mut RecordReader) -> Result<Self, DecodeError>;

    /// The value of the external ID field with this API name, as it goes in the upsert URL;
    /// `None` if the field is not an external ID of this struct or holds no value.
    fn external_id(&self, api_name: &str) -> Option<String>;

    /// The write body of this record (no upsert key removed).
    fn to_write_body(&self) -> Result<Map<String, Value>, EncodeError> {
        let mut body = WriteBody::new(Self::API_NAME);
        self.write_fields(&mut body);
        body.finish()
    }

    /// Decodes a record from JSON (the `attributes` key and unknown fields are ignored).
    fn from_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Object(map) => Self::from_record(&mut RecordReader::new(Self::API_NAME, map)),
            other => Err(DecodeError::not_an_object(Self::API_NAME, &other)),
        }
    }

    /// The metadata of the field with this API name (compared case-insensitively, like Salesforce).
    fn field(api_name: &str) -> Option<&'static FieldMeta> {
        Self::FIELDS
            .iter()
            .find(|f| f.api_name.eq_ignore_ascii_case(api_name))
    }

    /// The `#[sobject(id)]` field, if any.
    fn id_field() -> Option<&'static FieldMeta> {
        Self::FIELDS.iter().find(|f| f.is_id())
    }

    /// The external ID fields, in declaration order.
    fn external_id_fields() -> impl Iterator<Item = &'static FieldMeta> {
        Self::FIELDS.iter().filter(|f| f.is_external_id())
    }

    /// The API names a typed read by Id selects: exactly the mapped fields, relationship
    /// fields excepted (those are read by a [`Select`](crate::query::Select)).
    fn select_fields() -> Vec<&'static str> {
        Self::FIELDS
            .iter()
            .filter(|f| f.relation.is_none())
            .map(|f| f.api_name)
            .collect()
    }

    /// A typed query selecting exactly this struct's fields; see [`Select`](crate::query::Select).
    fn select() -> crate::query::Select<Self> {
        crate::query::Select::new()
    }
}

const ID: u8 = 1;
const EXTERNAL_ID: u8 = 2;
const CASE_SENSITIVE: u8 = 4;
const READ_ONLY: u8 = 8;

/// Metadata of one mapped field, as declared on the struct.
#[derive(Clone, Copy)]
pub struct FieldMeta {
    api_name: &'static str,
    rust_name: &'static str,
    flags: u8,
    relation: Option<(RelationKind, RelatedFields)>,
}

/// The fields of the struct on the other side of a relationship (a function, so that a struct
/// can relate to itself).
type RelatedFields = fn() -> &'static [FieldMeta];

/// Compares the declaration (names, flags, relationship kind), not the related struct's
/// function pointer.
impl PartialEq for FieldMeta {
    fn eq(&self, other: &Self) -> bool {
        self.api_name == other.api_name
            && self.rust_name == other.rust_name
            && self.flags == other.flags
            && self.relation.map(|r| r.0) == other.relation.map(|r| r.0)
    }
}

impl Eq for FieldMeta {}

impl std::hash::Hash for FieldMeta {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.api_name.hash(state);
        self.rust_name.hash(state);
        self.flags.hash(state);
        self.relation.map(|r| r.0).hash(state);
    }
}

impl FieldMeta {
    /// A writable field.
    pub const fn new(api_name: &'static str, rust_name: &'static str) -> Self {
        FieldMeta {
            api_name,
            rust_name,
            flags: 0,
            relation: None,
        }
    }

    /// Marks a relationship field (read-only) whose type `R` is `Option<Parent>` or
    /// `QueryResult<Child>`.
    pub const fn relationship<R: Relationship>(mut self) -> Self {
        self.flags |= READ_ONLY;
        self.relation = Some((R::KIND, R::fields));
        self
    }

    /// For a relationship field: parent or children, and the related struct's fields.
    pub fn relation(&self) -> Option<(RelationKind, &'static [FieldMeta])> {
        self.relation.map(|(kind, fields)| (kind, fields()))
    }

    /// Marks the record Id field (read-only).
    pub const fn id(mut self) -> Self {
        self.flags |= ID | READ_ONLY;
        self
    }

    /// Marks an external ID; `case_sensitive` as declared on the Salesforce field.
    pub const fn external_id(mut self, case_sensitive: bool) -> Self {
        self.flags |= EXTERNAL_ID;
        if case_sensitive {
            self.flags |= CASE_SENSITIVE;
        }
        self
    }

    /// Marks a read-only field (never written).
    pub const fn read_only(mut self) -> Self {
        self.flags |= READ_ONLY;
        self
    }

    /// The Salesforce API name.
    pub const fn api_name(&self) -> &'static str {
        self.api_name
    }

    /// The Rust field name.
    pub const fn rust_name(&self) -> &'static str {
        self.rust_name
    }

    /// The record Id field.
    pub const fn is_id(&self) -> bool {
        self.flags & ID != 0
    }

    /// An external ID field.
    pub const fn is_external_id(&self) -> bool {
        self.flags & EXTERNAL_ID != 0
    }

    /// An external ID matched case-sensitively (only meaningful with [`is_external_id`](Self::is_external_id)).
    pub const fn is_case_sensitive(&self) -> bool {
        self.flags & CASE_SENSITIVE != 0
    }

    /// Never written (the Id, or `#[sobject(read_only)]`).
    pub const fn is_read_only(&self) -> bool {
        self.flags & READ_ONLY != 0
    }

    /// Written in write bodies (except as the key of an upsert).
    pub const fn is_writable(&self) -> bool {
        !self.is_read_only()
    }
}

impl fmt::Debug for FieldMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("FieldMeta");
        d.field("api_name", &self.api_name)
            .field("rust_name", &self.rust_name);
        if self.is_id() {
            d.field("id", &true);
        }
        if self.is_external_id() {
            d.field("external_id", &true)
                .field("case_sensitive", &self.is_case_sensitive());
        }
        if let Some((kind, _)) = self.relation {
            d.field("relation", &kind);
        }
        d.field("read_only", &self.is_read_only()).finish()
    }
}

/// A value that can be an external ID in an upsert URL: text (`String`, `&str`, `Cow<str>`,
/// `Box<str>`, `Arc<str>`), integers, and `Option` of those (`None` = no key).
///
/// Salesforce external IDs are Text, Number, Email or Auto Number fields. Floats are not accepted:
/// a Number external ID is matched by its text, and `1.0` vs `1` is ambiguous.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a Salesforce external ID",
    label = "external ID fields must be text or integers",
    note = "use `String`, `&str`, an integer type, or an `Option` of one (external IDs are Text, Number, Email or Auto Number fields)"
)]
pub trait ExternalIdValue {
    /// The value as it goes (before percent-encoding) in the upsert URL; `None` when absent.
    fn to_external_id(&self) -> Option<String>;
}

impl ExternalIdValue for str {
    fn to_external_id(&self) -> Option<String> {
        Some(self.to_owned())
    }
}

impl ExternalIdValue for String {
    fn to_external_id(&self) -> Option<String> {
        Some(self.clone())
    }
}

impl ExternalIdValue for std::borrow::Cow<'_, str> {
    fn to_external_id(&self) -> Option<String> {
        Some(self.to_string())
    }
}

impl ExternalIdValue for Box<str> {
    fn to_external_id(&self) -> Option<String> {
        Some(self.to_string())
    }
}

impl ExternalIdValue for std::sync::Arc<str> {
    fn to_external_id(&self) -> Option<String> {
        Some(self.to_string())
    }
}

impl ExternalIdValue for std::rc::Rc<str> {
    fn to_external_id(&self) -> Option<String> {
        Some(self.to_string())
    }
}

impl<T: ExternalIdValue + ?Sized> ExternalIdValue for &T {
    fn to_external_id(&self) -> Option<String> {
        (**self).to_external_id()
    }
}

impl<T: ExternalIdValue> ExternalIdValue for Option<T> {
    fn to_external_id(&self) -> Option<String> {
        self.as_ref().and_then(T::to_external_id)
    }
}

macro_rules! int_external_id {
    ($($t:ty)*) => {$(
        impl ExternalIdValue for $t {
            fn to_external_id(&self) -> Option<String> {
                Some(self.to_string())
            }
        }
    )*};
}

int_external_id!(i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize);

/// The kind of a JSON value with its article (`a string`, `null`), for error messages.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
