//! One field of a describe ([`FieldDescribe`]) and its picklist entries.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{FieldType, int_or_default, null_as_default, null_as_true};

/// One field of an sObject describe (Salesforce's `DescribeFieldResult`).
///
/// Every key Salesforce documents for a field that is cheap to model is a named member; any
/// other key is kept in [`extra`](Self::extra). Missing or `null` flags read as `false`,
/// missing numbers as `0`, missing texts as `None`; only `name` and `type` are required.
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
    #[serde(rename = "type", deserialize_with = "FieldType::deserialize")]
    pub field_type: FieldType,
    /// Maximum length in characters for text types (0 otherwise).
    #[serde(default, deserialize_with = "int_or_default")]
    pub length: u32,
    /// Maximum length in bytes.
    #[serde(default, deserialize_with = "int_or_default")]
    pub byte_length: u32,
    /// Total digits for numbers.
    #[serde(default, deserialize_with = "int_or_default")]
    pub precision: u32,
    /// Digits right of the decimal point.
    #[serde(default, deserialize_with = "int_or_default")]
    pub scale: u32,
    /// Maximum digits for integers.
    #[serde(default, deserialize_with = "int_or_default")]
    pub digits: u32,
    /// A custom field (`__c`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub custom: bool,
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
    /// The default value, if any, as raw JSON (a string, boolean or number).
    #[serde(default)]
    pub default_value: Option<Value>,
    /// The formula computing the default value, if any.
    #[serde(default)]
    pub default_value_formula: Option<String>,
    /// Backed by a unique index.
    #[serde(default, deserialize_with = "null_as_default")]
    pub unique: bool,
    /// Values compare case-sensitively (for unique / external-ID matching).
    #[serde(default, deserialize_with = "null_as_default")]
    pub case_sensitive: bool,
    /// Marked External ID: usable as an upsert key.
    #[serde(default, deserialize_with = "null_as_default")]
    pub external_id: bool,
    /// Can identify a record: `Id`, a name field, an external ID, or a standard lookup field
    /// such as Contact `Email`; on standard objects such fields can key an upsert.
    #[serde(default, deserialize_with = "null_as_default")]
    pub id_lookup: bool,
    /// A formula / computed field (read-only).
    #[serde(default, deserialize_with = "null_as_default")]
    pub calculated: bool,
    /// The formula of a calculated field.
    #[serde(default)]
    pub calculated_formula: Option<String>,
    /// An auto-number field (read-only, assigned on create).
    #[serde(default, deserialize_with = "null_as_default")]
    pub auto_number: bool,
    /// The object's name field.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name_field: bool,
    /// Usable in a SOQL `WHERE`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub filterable: bool,
    /// Usable in a SOQL `ORDER BY`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub sortable: bool,
    /// Usable in a SOQL `GROUP BY`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub groupable: bool,
    /// Usable in SOQL aggregate functions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub aggregatable: bool,
    /// Encrypted at rest.
    #[serde(default, deserialize_with = "null_as_default")]
    pub encrypted: bool,
    /// Rich text (HTML).
    #[serde(default, deserialize_with = "null_as_default")]
    pub html_formatted: bool,
    /// Deprecated and hidden: do not use.
    #[serde(default, deserialize_with = "null_as_default")]
    pub deprecated_and_hidden: bool,
    /// Extra type information (`imageurl`, `personname`, `plaintextarea`, ...).
    #[serde(default)]
    pub extra_type_info: Option<String>,
    /// The reference can point to several object types (e.g. `WhatId`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub polymorphic_foreign_key: bool,
    /// For references: the object types it can point to.
    #[serde(default, deserialize_with = "null_as_default")]
    pub reference_to: Vec<String>,
    /// For references: the relationship name (`Owner` for `OwnerId`).
    #[serde(default)]
    pub relationship_name: Option<String>,
    /// For master-detail references: `0` (primary) or `1` (secondary).
    #[serde(default)]
    pub relationship_order: Option<u32>,
    /// For references: the parent's field the reference matches, when not `Id`.
    #[serde(default)]
    pub reference_target_field: Option<String>,
    /// Deleting the referenced record deletes this one.
    #[serde(default, deserialize_with = "null_as_default")]
    pub cascade_delete: bool,
    /// The referenced record cannot be deleted while this one points to it.
    #[serde(default, deserialize_with = "null_as_default")]
    pub restricted_delete: bool,
    /// Writing needs read access to the master record (master-detail).
    #[serde(default, deserialize_with = "null_as_default")]
    pub write_requires_master_read: bool,
    /// The reference's name is the target's name field (polymorphic `What.Name`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub name_pointing: bool,
    /// Picklist / combobox / multipicklist entries.
    #[serde(default, deserialize_with = "null_as_default")]
    pub picklist_values: Vec<PicklistEntry>,
    /// Only the listed picklist values are accepted.
    #[serde(default, deserialize_with = "null_as_default")]
    pub restricted_picklist: bool,
    /// A dependent picklist (its values depend on [`controller_name`](Self::controller_name)).
    #[serde(default, deserialize_with = "null_as_default")]
    pub dependent_picklist: bool,
    /// For dependent picklists: the controlling field.
    #[serde(default)]
    pub controller_name: Option<String>,
    /// Help text.
    #[serde(default)]
    pub inline_help_text: Option<String>,
    /// For components of a compound field (e.g. `BillingCity`): the compound's name.
    #[serde(default)]
    pub compound_field_name: Option<String>,
    /// The SOAP type (`tns:ID`, `xsd:string`, ...).
    #[serde(default)]
    pub soap_type: Option<String>,
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

    /// Whether an upsert can match on this field: External ID fields and, on standard
    /// objects, `idLookup` fields (the SOAP `upsert()` rule).
    pub fn can_key_upsert(&self) -> bool {
        self.external_id || self.id_lookup
    }
}

/// One picklist value: `{"value","label","active","defaultValue","validFor"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PicklistEntry {
    /// The API value (what is written and read).
    pub value: String,
    /// The label shown in the UI.
    #[serde(default)]
    pub label: Option<String>,
    /// Selectable. Salesforce always sends it; an entry listed without it counts as active.
    #[serde(default = "yes", deserialize_with = "null_as_true")]
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

fn yes() -> bool {
    true
}

impl PicklistEntry {
    /// An active, non-default entry whose label is its value.
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        PicklistEntry {
            label: Some(value.clone()),
            value,
            active: true,
            default_value: false,
            valid_for: None,
            extra: Map::new(),
        }
    }
}
