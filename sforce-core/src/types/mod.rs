//! Salesforce value types: record Ids, dates and times, write-field states, and the types
//! generated sObject structs use (picklists, compound fields, base64 content, number keys).

mod blob;
mod compound;
mod datetime;
mod field;
mod number_key;
pub mod picklist;

pub use blob::Base64Blob;
pub use compound::{Address, Geolocation};
pub use datetime::{Date, DateTime, InvalidDateTime, Time};
pub use field::Field;
pub use number_key::NumberKey;
pub use picklist::{MultiPicklist, Picklist};

/// Raw JSON, for fields whose Salesforce type has no fixed shape (`anyType`, `complexvalue`,
/// `json`) or is unknown to this version.
pub type JsonValue = serde_json::Value;
/// Record Ids (from `sforce-model`): both forms of one record's Id compare equal.
pub use sforce_model::id::{Id, InvalidId};
