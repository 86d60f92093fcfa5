//! The describe model: serde types for `sobjects/{name}/describe` and the global describe
//! (`GET /services/data/vXX.X/sobjects`).
//!
//! The same JSON drives three things: the client's `describe` calls, the code generator
//! (describe JSON → Rust structs) and the emulator's schema and validation. The model is
//! deliberately **tolerant**, because Salesforce adds keys and field types with every release:
//!
//! - keys this model does not name are kept in a flattened `extra` map (and written back on
//!   serialization), so nothing is lost in a parse → serialize round trip;
//! - field types this model does not know are kept as [`FieldType::Unknown`] with their wire name;
//! - keys that are missing, or `null` where a plain value is expected, take their default
//!   (`false`, `0`, empty string, empty list).
//!
//! ```
//! use sforce_core::describe::{FieldType, SObjectDescribe};
//!
//! let json = r#"{"name":"Task","keyPrefix":"00T","fields":[
//!     {"name":"uuid__c","type":"string","length":36,"unique":true,"externalId":true},
//!     {"name":"Shape__c","type":"hologram","futureKey":1}]}"#;
//! let task: SObjectDescribe = serde_json::from_str(json).unwrap();
//! assert_eq!(task.key_prefix.as_deref(), Some("00T"));
//! let uuid = task.field("UUID__C").unwrap(); // API names match case-insensitively
//! assert!(uuid.unique && uuid.external_id && !uuid.case_sensitive);
//! assert_eq!(task.fields[1].field_type, FieldType::Unknown("hologram".into()));
//! assert_eq!(task.fields[1].extra["futureKey"], 1);
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// Deserializes `null` (or a missing key, with `#[serde(default)]`) as `T::default()`.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// The describe of one sObject (`GET /sobjects/{name}/describe`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SObjectDescribe {
    /// API name, e.g. `Task` or `Invoice__c`.
    pub name: String,
    /// Singular label.
    #[serde(default, deserialize_with = "null_as_default")]
    pub label: String,
    /// Plural label.
    #[serde(default)]
    pub label_plural: Option<String>,
    /// A custom object (`__c`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub custom: bool,
    /// Records can be created.
    #[serde(default, deserialize_with = "null_as_default")]
    pub createable: bool,
    /// Records can be updated.
    #[serde(default, deserialize_with = "null_as_default")]
    pub updateable: bool,
    /// Records can be deleted.
    #[serde(default, deserialize_with = "null_as_default")]
    pub deletable: bool,
    /// Records can be queried.
    #[serde(default, deserialize_with = "null_as_default")]
    pub queryable: bool,
    /// The three-character Id prefix (`00T` for Task); `None` for objects without one.
    #[serde(default)]
    pub key_prefix: Option<String>,
    /// The fields, in describe order.
    #[serde(default, deserialize_with = "null_as_default")]
    pub fields: Vec<FieldDescribe>,
    /// Relationships from child objects to this one.
    #[serde(default, deserialize_with = "null_as_default")]
    pub child_relationships: Vec<ChildRelationship>,
    /// Record types.
    #[serde(default, deserialize_with = "null_as_default")]
    pub record_type_infos: Vec<RecordTypeInfo>,
    /// Resource URLs by name (`sobject`, `describe`, `rowTemplate`, ...).
    #[serde(default, deserialize_with = "null_as_default")]
    pub urls: Map<String, Value>,
    /// Every other key of the describe, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SObjectDescribe {
    /// An empty describe named `name` (all flags `false`, no fields). Useful for building a
    /// schema in code; most describes come from JSON.
    pub fn new(name: impl Into<String>) -> Self {
        SObjectDescribe {
            name: name.into(),
            ..Default::default()
        }
    }

    /// The field with this API name. Salesforce API names are case-insensitive, and so is this
    /// lookup.
    pub fn field(&self, name: &str) -> Option<&FieldDescribe> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The fields marked External ID: the fields an upsert can match on.
    pub fn external_id_fields(&self) -> impl Iterator<Item = &FieldDescribe> {
        self.fields.iter().filter(|f| f.external_id)
    }
}

/// One field of an sObject describe.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FieldDescribe {
    /// API name, e.g. `Description` or `uuid__c`.
    pub name: String,
    /// Label shown in the UI (used in some error messages).
    #[serde(default, deserialize_with = "null_as_default")]
    pub label: String,
    /// The data type (`"type"` on the wire).
    #[serde(rename = "type", default)]
    pub field_type: FieldType,
    /// Maximum length in characters for text types (0 otherwise).
    #[serde(default, deserialize_with = "null_as_default")]
    pub length: u32,
    /// Maximum length in bytes.
    #[serde(default, deserialize_with = "null_as_default")]
    pub byte_length: u32,
    /// Total digits for numbers.
    #[serde(default, deserialize_with = "null_as_default")]
    pub precision: u32,
    /// Digits right of the decimal point.
    #[serde(default, deserialize_with = "null_as_default")]
    pub scale: u32,
    /// Maximum digits for integers.
    #[serde(default, deserialize_with = "null_as_default")]
    pub digits: u32,
    /// The field accepts `null` (a non-nillable, createable, not-defaulted field is required
    /// on create: see [`FieldDescribe::is_required_on_create`]).
    #[serde(default, deserialize_with = "null_as_default")]
    pub nillable: bool,
    /// The field can be set on create.
    #[serde(default, deserialize_with = "null_as_default")]
    pub createable: bool,
    /// The field can be set on update.
    #[serde(default, deserialize_with = "null_as_default")]
    pub updateable: bool,
    /// Salesforce fills a value on create when none is given.
    #[serde(default, deserialize_with = "null_as_default")]
    pub defaulted_on_create: bool,
    /// Backed by a unique index.
    #[serde(default, deserialize_with = "null_as_default")]
    pub unique: bool,
    /// Values compare case-sensitively (for unique / external-ID matching).
    #[serde(default, deserialize_with = "null_as_default")]
    pub case_sensitive: bool,
    /// Marked External ID: usable as an upsert key.
    #[serde(default, deserialize_with = "null_as_default")]
    pub external_id: bool,
    /// Can identify a record (Id, Name, external IDs).
    #[serde(default, deserialize_with = "null_as_default")]
    pub id_lookup: bool,
    /// A formula / computed field (read-only).
    #[serde(default, deserialize_with = "null_as_default")]
    pub calculated: bool,
    /// An auto-number field (read-only).
    #[serde(default, deserialize_with = "null_as_default")]
    pub auto_number: bool,
    /// The object's name field.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name_field: bool,
    /// The reference can point to several object types (e.g. `WhatId`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub polymorphic_foreign_key: bool,
    /// Picklist / combobox / multipicklist entries.
    #[serde(default, deserialize_with = "null_as_default")]
    pub picklist_values: Vec<PicklistEntry>,
    /// Only the listed picklist values are accepted.
    #[serde(default, deserialize_with = "null_as_default")]
    pub restricted_picklist: bool,
    /// For references: the object types it can point to.
    #[serde(default, deserialize_with = "null_as_default")]
    pub reference_to: Vec<String>,
    /// For references: the relationship name (`Owner` for `OwnerId`).
    #[serde(default)]
    pub relationship_name: Option<String>,
    /// Help text.
    #[serde(default)]
    pub inline_help_text: Option<String>,
    /// For components of a compound field (e.g. `BillingCity`): the compound's name.
    #[serde(default)]
    pub compound_field_name: Option<String>,
    /// The SOAP type (`tns:ID`, `xsd:string`, ...).
    #[serde(default)]
    pub soap_type: Option<String>,
    /// The default value, if any, as raw JSON.
    #[serde(default)]
    pub default_value: Option<Value>,
    /// Every other key of the field, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl FieldDescribe {
    /// A field named `name` of type `field_type` with every flag `false`. Set the flags you
    /// need on the returned value.
    pub fn new(name: impl Into<String>, field_type: FieldType) -> Self {
        let name = name.into();
        FieldDescribe {
            label: name.clone(),
            name,
            field_type,
            ..Default::default()
        }
    }

    /// Salesforce's rule for "required": createable, not nillable and not defaulted on create.
    /// (Booleans are never nillable but always defaulted, so they are never required.)
    pub fn is_required_on_create(&self) -> bool {
        self.createable && !self.nillable && !self.defaulted_on_create
    }

    /// The active values of a picklist-like field.
    pub fn active_picklist_values(&self) -> impl Iterator<Item = &str> {
        self.picklist_values
            .iter()
            .filter(|p| p.active)
            .map(|p| p.value.as_str())
    }
}

/// One picklist value: `{"value","label","active","defaultValue","validFor"}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PicklistEntry {
    /// The API value (what is written and read).
    pub value: String,
    /// The label shown in the UI.
    #[serde(default)]
    pub label: Option<String>,
    /// Selectable.
    #[serde(default, deserialize_with = "null_as_default")]
    pub active: bool,
    /// The default selection.
    #[serde(default, deserialize_with = "null_as_default")]
    pub default_value: bool,
    /// Dependent-picklist bitmap (base64), if any.
    #[serde(default)]
    pub valid_for: Option<String>,
    /// Every other key, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PicklistEntry {
    /// An active, non-default entry whose label is its value.
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        PicklistEntry {
            label: Some(value.clone()),
            value,
            active: true,
            ..Default::default()
        }
    }
}

/// A relationship from a child object: `{"childSObject","field","relationshipName",...}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChildRelationship {
    /// The child object's API name.
    #[serde(rename = "childSObject", default, deserialize_with = "null_as_default")]
    pub child_sobject: String,
    /// The child's reference field pointing here.
    #[serde(default, deserialize_with = "null_as_default")]
    pub field: String,
    /// The relationship name used in SOQL subqueries.
    #[serde(default)]
    pub relationship_name: Option<String>,
    /// Deleting the parent deletes the children.
    #[serde(default, deserialize_with = "null_as_default")]
    pub cascade_delete: bool,
    /// Every other key, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A record type of an sObject.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RecordTypeInfo {
    /// Label.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// API name.
    #[serde(default)]
    pub developer_name: Option<String>,
    /// The record type's Id.
    #[serde(default)]
    pub record_type_id: Option<String>,
    /// Usable by the current user.
    #[serde(default, deserialize_with = "null_as_default")]
    pub available: bool,
    /// The user's default.
    #[serde(default, deserialize_with = "null_as_default")]
    pub default_record_type_mapping: bool,
    /// The master record type.
    #[serde(default, deserialize_with = "null_as_default")]
    pub master: bool,
    /// Every other key, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The global describe (`GET /sobjects`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GlobalDescribe {
    /// Character encoding, normally `UTF-8`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub encoding: String,
    /// Maximum records per batch (200).
    #[serde(default, deserialize_with = "null_as_default")]
    pub max_batch_size: u32,
    /// One entry per sObject.
    #[serde(default, deserialize_with = "null_as_default")]
    pub sobjects: Vec<GlobalSObject>,
    /// Every other key, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One sObject in the global describe.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GlobalSObject {
    /// API name.
    pub name: String,
    /// Singular label.
    #[serde(default, deserialize_with = "null_as_default")]
    pub label: String,
    /// Plural label.
    #[serde(default)]
    pub label_plural: Option<String>,
    /// A custom object.
    #[serde(default, deserialize_with = "null_as_default")]
    pub custom: bool,
    /// Records can be created.
    #[serde(default, deserialize_with = "null_as_default")]
    pub createable: bool,
    /// Records can be updated.
    #[serde(default, deserialize_with = "null_as_default")]
    pub updateable: bool,
    /// Records can be deleted.
    #[serde(default, deserialize_with = "null_as_default")]
    pub deletable: bool,
    /// Records can be queried.
    #[serde(default, deserialize_with = "null_as_default")]
    pub queryable: bool,
    /// Id prefix.
    #[serde(default)]
    pub key_prefix: Option<String>,
    /// Resource URLs by name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub urls: Map<String, Value>,
    /// Every other key, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl GlobalSObject {
    /// The global-describe entry summarising a full describe (name, labels, flags, prefix, urls).
    pub fn from_describe(describe: &SObjectDescribe) -> Self {
        GlobalSObject {
            name: describe.name.clone(),
            label: describe.label.clone(),
            label_plural: describe.label_plural.clone(),
            custom: describe.custom,
            createable: describe.createable,
            updateable: describe.updateable,
            deletable: describe.deletable,
            queryable: describe.queryable,
            key_prefix: describe.key_prefix.clone(),
            urls: describe.urls.clone(),
            extra: Map::new(),
        }
    }
}

/// A field's data type: the describe's `"type"`.
///
/// Serialized as Salesforce's wire name (`"string"`, `"datetime"`, `"anyType"`, ...). A wire name
/// this enum does not know becomes [`FieldType::Unknown`] holding it verbatim, and serializes back
/// unchanged: new Salesforce releases never break parsing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldType {
    /// `id`: the record Id.
    Id,
    /// `string`: single-line text.
    #[default]
    String,
    /// `textarea`: multi-line or long text.
    Textarea,
    /// `boolean`.
    Boolean,
    /// `int`: 32-bit integer.
    Int,
    /// `long`: 64-bit integer.
    Long,
    /// `double`: floating point (also Number custom fields).
    Double,
    /// `currency`.
    Currency,
    /// `percent`.
    Percent,
    /// `date`: `"2021-07-20"`.
    Date,
    /// `datetime`: written as RFC 3339, read as `2012-07-12T17:49:01.000+0000`.
    Datetime,
    /// `time`: `"22:12:30.999Z"`.
    Time,
    /// `picklist`: one of a list of values.
    Picklist,
    /// `multipicklist`: values joined by `;`.
    Multipicklist,
    /// `combobox`: free text with suggested values.
    Combobox,
    /// `reference`: the Id of another record.
    Reference,
    /// `email`.
    Email,
    /// `phone`.
    Phone,
    /// `url`.
    Url,
    /// `base64`: binary content.
    Base64,
    /// `address`: compound, read-only.
    Address,
    /// `location`: compound geolocation, read-only.
    Location,
    /// `encryptedstring`.
    Encryptedstring,
    /// `anyType`: the value's type varies per record.
    AnyType,
    /// `complexvalue`.
    Complexvalue,
    /// `json`.
    Json,
    /// `datacategorygroupreference`.
    Datacategorygroupreference,
    /// A type this version of sforce does not know, with its wire name.
    Unknown(String),
}

impl FieldType {
    const KNOWN: &'static [(&'static str, FieldType)] = &[
        ("id", FieldType::Id),
        ("string", FieldType::String),
        ("textarea", FieldType::Textarea),
        ("boolean", FieldType::Boolean),
        ("int", FieldType::Int),
        ("long", FieldType::Long),
        ("double", FieldType::Double),
        ("currency", FieldType::Currency),
        ("percent", FieldType::Percent),
        ("date", FieldType::Date),
        ("datetime", FieldType::Datetime),
        ("time", FieldType::Time),
        ("picklist", FieldType::Picklist),
        ("multipicklist", FieldType::Multipicklist),
        ("combobox", FieldType::Combobox),
        ("reference", FieldType::Reference),
        ("email", FieldType::Email),
        ("phone", FieldType::Phone),
        ("url", FieldType::Url),
        ("base64", FieldType::Base64),
        ("address", FieldType::Address),
        ("location", FieldType::Location),
        ("encryptedstring", FieldType::Encryptedstring),
        ("anyType", FieldType::AnyType),
        ("complexvalue", FieldType::Complexvalue),
        ("json", FieldType::Json),
        (
            "datacategorygroupreference",
            FieldType::Datacategorygroupreference,
        ),
    ];

    /// The wire name (`"string"`, `"anyType"`, or the unknown name verbatim).
    pub fn as_str(&self) -> &str {
        if let FieldType::Unknown(name) = self {
            return name;
        }
        FieldType::KNOWN
            .iter()
            .find(|(_, t)| t == self)
            .map(|(name, _)| *name)
            .expect("every known FieldType is in KNOWN")
    }

    /// Parses a wire name; never fails (unknown names become [`FieldType::Unknown`]).
    /// Matching is exact except that `anytype` is also accepted for `anyType`.
    pub fn from_wire(name: &str) -> Self {
        FieldType::KNOWN
            .iter()
            .find(|(n, _)| *n == name || (*n == "anyType" && name.eq_ignore_ascii_case(n)))
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| FieldType::Unknown(name.to_owned()))
    }

    /// Text-like types whose JSON value is a string limited by the field's `length`.
    pub fn is_text(&self) -> bool {
        matches!(
            self,
            FieldType::String
                | FieldType::Textarea
                | FieldType::Picklist
                | FieldType::Multipicklist
                | FieldType::Combobox
                | FieldType::Email
                | FieldType::Phone
                | FieldType::Url
                | FieldType::Encryptedstring
        )
    }

    /// Numeric types whose JSON value is a number.
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            FieldType::Int
                | FieldType::Long
                | FieldType::Double
                | FieldType::Currency
                | FieldType::Percent
        )
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FieldType {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(FieldType::from_wire(s))
    }
}

impl Serialize for FieldType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FieldType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = Option::<String>::deserialize(deserializer)?;
        Ok(name.map_or_else(FieldType::default, |n| FieldType::from_wire(&n)))
    }
}

#[cfg(test)]
#[path = "describe_tests.rs"]
mod tests;
