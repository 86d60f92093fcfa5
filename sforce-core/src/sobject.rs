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
//! ```ignore
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
//! | `Option<T>` = `None` / [`Field::Unchanged`] | left out |
//! | [`Field::Null`] | `null` (clears the field) |
//! | anything else | its serde value |
//!
//! Whether a field is an `Option` or a [`Field`] is decided from how its type is written (the last
//! path segment, `Option<..>` / `Field<..>`); a type alias for them is treated as a plain value.

use std::fmt;
use std::marker::PhantomData;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::types::Field;

mod ops;
pub use ops::*;

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

    /// The API names a typed read selects: exactly the mapped fields.
    fn select_fields() -> Vec<&'static str> {
        Self::FIELDS.iter().map(|f| f.api_name).collect()
    }
}

const ID: u8 = 1;
const EXTERNAL_ID: u8 = 2;
const CASE_SENSITIVE: u8 = 4;
const READ_ONLY: u8 = 8;

/// Metadata of one mapped field, as declared on the struct.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldMeta {
    api_name: &'static str,
    rust_name: &'static str,
    flags: u8,
}

impl FieldMeta {
    /// A writable field.
    pub const fn new(api_name: &'static str, rust_name: &'static str) -> Self {
        FieldMeta {
            api_name,
            rust_name,
            flags: 0,
        }
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

/// Accumulates a write body. Generated code calls one method per writable field.
#[derive(Debug)]
pub struct WriteBody {
    sobject: &'static str,
    map: Map<String, Value>,
    error: Option<EncodeError>,
}

impl WriteBody {
    /// An empty body for this sObject.
    pub fn new(sobject: &'static str) -> Self {
        WriteBody {
            sobject,
            map: Map::new(),
            error: None,
        }
    }

    /// Writes a plain value.
    pub fn value<T: Serialize + ?Sized>(&mut self, api_name: &'static str, value: &T) {
        match serde_json::to_value(value) {
            Ok(v) => {
                self.map.insert(api_name.to_owned(), v);
            }
            Err(source) => {
                self.error.get_or_insert(EncodeError {
                    sobject: self.sobject,
                    field: api_name,
                    source: source.into(),
                });
            }
        }
    }

    /// Writes `Some(v)`; leaves `None` out.
    pub fn option<T: Serialize>(&mut self, api_name: &'static str, value: &Option<T>) {
        if let Some(v) = value {
            self.value(api_name, v);
        }
    }

    /// Writes `Set(v)` and `Null`; leaves `Unchanged` out.
    pub fn field<T: Serialize>(&mut self, api_name: &'static str, value: &Field<T>) {
        match value {
            Field::Unchanged => {}
            Field::Null => {
                self.map.insert(api_name.to_owned(), Value::Null);
            }
            Field::Set(v) => self.value(api_name, v),
        }
    }

    /// The body, or the first field that failed to serialize.
    pub fn finish(self) -> Result<Map<String, Value>, EncodeError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.map),
        }
    }
}

/// Reads fields out of a record. Generated code calls one method per mapped field.
#[derive(Debug)]
pub struct RecordReader {
    sobject: &'static str,
    map: Map<String, Value>,
}

impl RecordReader {
    /// Wraps a record's JSON object.
    pub fn new(sobject: &'static str, map: Map<String, Value>) -> Self {
        RecordReader { sobject, map }
    }

    fn take(&mut self, api_name: &str) -> Option<Value> {
        if let Some(v) = self.map.remove(api_name) {
            return Some(v);
        }
        // Salesforce answers with the field names as declared; accept a declaration that differs
        // only in case, as Salesforce itself does.
        let key = self
            .map
            .keys()
            .find(|k| k.eq_ignore_ascii_case(api_name))?
            .clone();
        self.map.remove(&key)
    }

    /// Reads a field; a missing key reads as `null` (so `Option` fields become `None`).
    ///
    /// Salesforce returns Number fields (including number external IDs) as doubles (`123.0`):
    /// when an integral double does not decode, it is decoded again as an integer, so integer
    /// field types work.
    pub fn read<T: DeserializeOwned>(&mut self, api_name: &'static str) -> Result<T, DecodeError> {
        let value = self.take(api_name).unwrap_or(Value::Null);
        let as_integer = integral(&value);
        serde_json::from_value(value)
            .or_else(|err| match as_integer {
                Some(int) => serde_json::from_value(int).map_err(|_| err),
                None => Err(err),
            })
            .map_err(|source| DecodeError {
                sobject: self.sobject,
                field: Some(api_name),
                source: source.into(),
            })
    }

    /// Reads a [`Field`]: missing is `Unchanged`, `null` is `Null`.
    pub fn read_field<T: DeserializeOwned>(
        &mut self,
        api_name: &'static str,
    ) -> Result<Field<T>, DecodeError> {
        if self.take_peek(api_name) {
            self.read(api_name)
        } else {
            Ok(Field::Unchanged)
        }
    }

    fn take_peek(&self, api_name: &str) -> bool {
        self.map.contains_key(api_name) || self.map.keys().any(|k| k.eq_ignore_ascii_case(api_name))
    }

    /// What is left of the record (fields not read, `attributes`).
    pub fn into_rest(self) -> Map<String, Value> {
        self.map
    }
}

/// `123.0` as the integer `123`, if the value is an integral double in range.
fn integral(value: &Value) -> Option<Value> {
    let Value::Number(n) = value else {
        return None;
    };
    if n.is_i64() || n.is_u64() {
        return None;
    }
    let f = n.as_f64()?;
    if f.fract() != 0.0 || !f.is_finite() {
        return None;
    }
    if f >= 0.0 && f < u64::MAX as f64 {
        Some(Value::from(f as u64))
    } else if f < 0.0 && f >= i64::MIN as f64 {
        Some(Value::from(f as i64))
    } else {
        None
    }
}

/// A write body could not be serialized.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot serialize {sobject}.{field}: {source}")]
pub struct EncodeError {
    /// The sObject API name.
    pub sobject: &'static str,
    /// The field API name.
    pub field: &'static str,
    /// The serde error.
    pub source: std::sync::Arc<serde_json::Error>,
}

/// A record could not be decoded into the struct.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot decode {sobject}{}: {source}", field.map(|f| format!(".{f}")).unwrap_or_default())]
pub struct DecodeError {
    /// The sObject API name.
    pub sobject: &'static str,
    /// The field API name, if the error concerns one field.
    pub field: Option<&'static str>,
    /// The serde error.
    pub source: std::sync::Arc<serde_json::Error>,
}

impl DecodeError {
    fn not_an_object(sobject: &'static str, value: &Value) -> Self {
        let kind = match value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        DecodeError {
            sobject,
            field: None,
            source: std::sync::Arc::new(<serde_json::Error as serde::de::Error>::custom(
                format_args!("expected a record object, found {kind}"),
            )),
        }
    }
}

/// A typed token for a writable field of `S` whose values are `V`; generated as an associated
/// field of the generated `CallLog::FIELD` (`CallLog::FIELD.description`). For `Option<T>` and `Field<T>` fields,
/// `V` is `T`.
pub struct FieldRef<S, V> {
    api_name: &'static str,
    _marker: PhantomData<fn() -> (S, V)>,
}

impl<S, V> FieldRef<S, V> {
    #[doc(hidden)]
    pub const fn __new(api_name: &'static str) -> Self {
        FieldRef {
            api_name,
            _marker: PhantomData,
        }
    }

    /// The field's API name.
    pub const fn api_name(&self) -> &'static str {
        self.api_name
    }
}

impl<S, V> Clone for FieldRef<S, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S, V> Copy for FieldRef<S, V> {}

impl<S, V> fmt::Debug for FieldRef<S, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FieldRef({})", self.api_name)
    }
}

/// A typed token for an external ID field of `S` whose values are `V`; generated as an associated
/// field of `CallLog::FIELD` (`CallLog::FIELD.uuid`). Used as the key of [`Patch::upsert`].
pub struct ExternalIdRef<S, V> {
    api_name: &'static str,
    case_sensitive: bool,
    _marker: PhantomData<fn() -> (S, V)>,
}

impl<S, V> ExternalIdRef<S, V> {
    #[doc(hidden)]
    pub const fn __new(api_name: &'static str, case_sensitive: bool) -> Self {
        ExternalIdRef {
            api_name,
            case_sensitive,
            _marker: PhantomData,
        }
    }

    /// The field's API name.
    pub const fn api_name(&self) -> &'static str {
        self.api_name
    }

    /// Whether the field matches case-sensitively.
    pub const fn is_case_sensitive(&self) -> bool {
        self.case_sensitive
    }
}

impl<S, V> Clone for ExternalIdRef<S, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S, V> Copy for ExternalIdRef<S, V> {}

impl<S, V> fmt::Debug for ExternalIdRef<S, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExternalIdRef({})", self.api_name)
    }
}

/// A typed partial write of an `S`: each field is left unchanged (not mentioned), set, or set to
/// null. Field tokens are the generated [`FieldRef`] constants, so only writable fields of `S`
/// with values of the right type can be written.
///
/// ```ignore
/// let patch = CallLog::patch()
///     .set(CallLog::FIELD.status, "Completed")
///     .null(CallLog::FIELD.description);
/// patch.update(&client, &id).await?;            // PATCH Task/<id>
/// patch.upsert(&client, CallLog::FIELD.uuid, "K1").await?; // PATCH Task/uuid__c/K1
/// ```
pub struct Patch<S> {
    body: Map<String, Value>,
    error: Option<EncodeError>,
    _marker: PhantomData<fn() -> S>,
}

impl<S: SObject> Patch<S> {
    /// An empty patch (every field unchanged).
    pub fn new() -> Self {
        Patch {
            body: Map::new(),
            error: None,
            _marker: PhantomData,
        }
    }

    /// Sets a field.
    pub fn set<V: Serialize>(mut self, field: FieldRef<S, V>, value: impl Into<V>) -> Self {
        match serde_json::to_value(value.into()) {
            Ok(v) => {
                self.body.insert(field.api_name.to_owned(), v);
            }
            Err(source) => {
                self.error.get_or_insert(EncodeError {
                    sobject: S::API_NAME,
                    field: field.api_name,
                    source: source.into(),
                });
            }
        }
        self
    }

    /// Sets a field to null (clears it).
    pub fn null<V>(mut self, field: FieldRef<S, V>) -> Self {
        self.body.insert(field.api_name.to_owned(), Value::Null);
        self
    }

    /// Applies a [`Field`] state: `Unchanged` removes the field from the patch.
    pub fn field<V: Serialize>(self, field: FieldRef<S, V>, value: Field<V>) -> Self {
        match value {
            Field::Unchanged => self.unchanged(field),
            Field::Null => self.null(field),
            Field::Set(v) => self.set(field, v),
        }
    }

    /// Leaves a field unchanged (removes it from the patch).
    pub fn unchanged<V>(mut self, field: FieldRef<S, V>) -> Self {
        self.body.shift_remove(field.api_name);
        self
    }

    /// Whether no field is written.
    pub fn is_empty(&self) -> bool {
        self.body.is_empty()
    }

    /// The body to send, or the first value that failed to serialize.
    pub fn body(&self) -> Result<&Map<String, Value>, EncodeError> {
        match &self.error {
            Some(e) => Err(e.clone()),
            None => Ok(&self.body),
        }
    }
}

impl<S: SObject> Default for Patch<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S> Clone for Patch<S> {
    fn clone(&self) -> Self {
        Patch {
            body: self.body.clone(),
            error: self.error.clone(),
            _marker: PhantomData,
        }
    }
}

impl<S: SObject> fmt::Debug for Patch<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Patch")
            .field("sobject", &S::API_NAME)
            .field("body", &self.body)
            .finish()
    }
}

/// Serializes as the body map. A value that failed to serialize is reported as a serde error.
impl<S> Serialize for Patch<S> {
    fn serialize<Ser: serde::Serializer>(&self, serializer: Ser) -> Result<Ser::Ok, Ser::Error> {
        if let Some(e) = &self.error {
            return Err(serde::ser::Error::custom(e));
        }
        self.body.serialize(serializer)
    }
}
