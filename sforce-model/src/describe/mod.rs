//! The describe model: serde types for `sobjects/{name}/describe` and the global describe
//! (`GET /services/data/vXX.X/sobjects`), and [`read`]: the one way to read them from JSON with
//! errors that say where.
//!
//! The same JSON drives three things: the client's `describe` calls, the code generator
//! (describe JSON → Rust structs) and the emulator's schema and validation. The model is
//! deliberately **tolerant**, because Salesforce adds keys and field types with every release:
//!
//! - keys this model does not name are kept in a flattened `extra` map (and written back on
//!   serialization), so nothing is lost in a parse → serialize round trip;
//! - field types this model does not know are kept as [`FieldType::Unknown`] with their wire name;
//! - keys that are missing, or `null` where a plain value is expected, take their default
//!   (`false`, `0`, empty string, empty list); only names and field types are required.
//!
//! ```
//! use sforce_model::describe::{FieldType, SObjectDescribe};
//!
//! let json = r#"{"name":"Task","keyPrefix":"00T","fields":[
//!     {"name":"uuid__c","type":"string","length":36,"unique":true,"externalId":true},
//!     {"name":"Shape__c","type":"hologram","futureKey":1}]}"#;
//! let task = sforce_model::describe::read::describe(json.as_bytes()).unwrap();
//! assert_eq!(task.properties.key_prefix.as_deref(), Some("00T"));
//! let uuid = task.field("UUID__C").unwrap(); // API names match case-insensitively
//! assert!(uuid.unique && uuid.external_id && !uuid.case_sensitive);
//! assert_eq!(task.fields[1].field_type, FieldType::Unknown("hologram".into()));
//! assert_eq!(task.fields[1].extra["futureKey"], 1);
//! ```

mod field;
mod field_type;
pub mod read;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

pub use field::{FieldDescribe, PicklistEntry};
pub use field_type::FieldType;

/// Deserializes `null` (or a missing key, with `#[serde(default)]`) as `T::default()`.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Deserializes `null` as `true` (for flags that default to `true`).
fn null_as_true<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(deserializer)?.unwrap_or(true))
}

/// A count (length, precision, ...): `null` reads as 0, and an integral float such as `255.0`
/// as the integer (some tools re-serialize describes with floats).
fn int_or_default<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    use serde::de::Error;
    match Option::<serde_json::Number>::deserialize(deserializer)? {
        None => Ok(0),
        Some(n) => {
            let value = match n.as_u64() {
                Some(i) => Some(i),
                None => n
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= f64::from(u32::MAX))
                    .map(|f| f as u64),
            };
            value
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(|| D::Error::custom(format!("expected a count, found {n}")))
        }
    }
}

/// The describe of one sObject (`GET /sobjects/{name}/describe`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SObjectDescribe {
    /// API name, e.g. `Task` or `Invoice__c`.
    pub name: String,
    /// The fields, in describe order.
    #[serde(default, deserialize_with = "null_as_default")]
    pub fields: Vec<FieldDescribe>,
    /// Relationships from child objects to this one.
    #[serde(default, deserialize_with = "null_as_default")]
    pub child_relationships: Vec<ChildRelationship>,
    /// Record types.
    #[serde(default, deserialize_with = "null_as_default")]
    pub record_type_infos: Vec<RecordTypeInfo>,
    /// Labels, flags, key prefix, URLs: what the global describe shares with this one.
    #[serde(flatten)]
    pub properties: SObjectProperties,
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

/// What the global describe's entries and the full describe share besides the name
/// (Salesforce's `DescribeGlobalSObjectResult`): labels, data-access flags, the key prefix, the
/// URLs and the object's other properties.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SObjectProperties {
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
    /// Resource URLs by name (`sobject`, `describe`, `rowTemplate`, ...).
    #[serde(default, deserialize_with = "null_as_default")]
    pub urls: Map<String, Value>,
    /// Records can be activated (process instances).
    #[serde(default, deserialize_with = "null_as_default")]
    pub activateable: bool,
    /// For associated objects (feeds, shares, history): the kind (`Feed`, `Share`, ...).
    #[serde(default)]
    pub associate_entity_type: Option<String>,
    /// For associated objects: the parent object.
    #[serde(default)]
    pub associate_parent_entity: Option<String>,
    /// A custom setting.
    #[serde(default, deserialize_with = "null_as_default")]
    pub custom_setting: bool,
    /// Records can be deep-cloned.
    #[serde(default, deserialize_with = "null_as_default")]
    pub deep_cloneable: bool,
    /// Deprecated and hidden: do not use.
    #[serde(default, deserialize_with = "null_as_default")]
    pub deprecated_and_hidden: bool,
    /// Chatter feeds are enabled.
    #[serde(default, deserialize_with = "null_as_default")]
    pub feed_enabled: bool,
    /// Has subtypes (e.g. Account with person accounts).
    #[serde(default, deserialize_with = "null_as_default")]
    pub has_subtypes: bool,
    /// An interface object.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_interface: bool,
    /// A subtype of another object.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_subtype: bool,
    /// Has page layouts.
    #[serde(default, deserialize_with = "null_as_default")]
    pub layoutable: bool,
    /// Records can be merged.
    #[serde(default, deserialize_with = "null_as_default")]
    pub mergeable: bool,
    /// Most-recently-used lists are enabled.
    #[serde(default, deserialize_with = "null_as_default")]
    pub mru_enabled: bool,
    /// Can be replicated (`getUpdated`/`getDeleted`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub replicateable: bool,
    /// Records can be retrieved by Id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub retrieveable: bool,
    /// Records can be searched (SOSL).
    #[serde(default, deserialize_with = "null_as_default")]
    pub searchable: bool,
    /// Apex triggers are supported.
    #[serde(default, deserialize_with = "null_as_default")]
    pub triggerable: bool,
    /// Deleted records can be undeleted.
    #[serde(default, deserialize_with = "null_as_default")]
    pub undeletable: bool,
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
    /// The parent cannot be deleted while children point to it.
    #[serde(default, deserialize_with = "null_as_default")]
    pub restricted_delete: bool,
    /// Deprecated and hidden: do not use.
    #[serde(default, deserialize_with = "null_as_default")]
    pub deprecated_and_hidden: bool,
    /// For junction objects: the names of the Id lists.
    #[serde(default, deserialize_with = "null_as_default")]
    pub junction_id_list_names: Vec<String>,
    /// For junction objects: the objects referenced.
    #[serde(default, deserialize_with = "null_as_default")]
    pub junction_reference_to: Vec<String>,
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
    /// Labels, flags, key prefix, URLs: what the full describe shares with this entry.
    #[serde(flatten)]
    pub properties: SObjectProperties,
    /// Every other key, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl GlobalSObject {
    /// The global-describe entry summarising a full describe (name, labels, flags, prefix, urls).
    pub fn from_describe(describe: &SObjectDescribe) -> Self {
        GlobalSObject {
            name: describe.name.clone(),
            properties: describe.properties.clone(),
            extra: Map::new(),
        }
    }
}

#[cfg(test)]
mod tests;
