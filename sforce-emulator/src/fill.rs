//! The values Salesforce fills itself: defaults on create (`defaultValue`, the default picklist
//! value, `false` for defaulted checkboxes), system fields (`OwnerId` = the running user unless
//! given, `CreatedById`, `CreatedDate`, `LastModifiedById`, `LastModifiedDate`,
//! `SystemModstamp`, `IsDeleted` = false), auto-number fields, and compound fields (addresses,
//! geolocations, person names) rebuilt from their components after every write.
//!
//! Only fields the describe has are filled: a user's describe without `SystemModstamp` gets none.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::{Map, Value};
use sforce_core::describe::{FieldDescribe, FieldType, SObjectDescribe};
use time::OffsetDateTime;

use crate::coerce::format_datetime;
use crate::oauth::{DEFAULT_USERNAME, USER_ID};
use crate::state::State;
use crate::store::Record;

/// First value of every auto-number field, shown with 8 digits (`00001001`) — the format of
/// Case's `CaseNumber` in a new org. Salesforce does not describe a field's display format or
/// starting number, so custom auto-number fields get the same (unconfirmed).
const AUTO_NUMBER_START: u64 = 1001;
const AUTO_NUMBER_DIGITS: usize = 8;

/// Next value of each auto-number field, by `object\0field` (lower case).
#[derive(Debug, Default)]
pub(crate) struct AutoNumbers {
    next: Mutex<HashMap<String, u64>>,
}

impl AutoNumbers {
    /// The next number of `field` on `describe`, formatted.
    fn next(&self, describe: &SObjectDescribe, field: &FieldDescribe) -> String {
        let key = format!("{}\u{0}{}", describe.name, field.name).to_lowercase();
        let mut map = self.next.lock().unwrap_or_else(|e| e.into_inner());
        let slot = map.entry(key).or_insert(AUTO_NUMBER_START);
        let n = *slot;
        *slot += 1;
        format!("{n:0width$}", width = AUTO_NUMBER_DIGITS)
    }
}

/// The record a create stores: defaults, then system fields, then the written values (which win:
/// [`crate::Emulator::insert_record`] may set read-only fields), then auto numbers not given and
/// the compound fields.
pub(crate) fn new_record(
    state: &State,
    describe: &SObjectDescribe,
    id: &str,
    changes: &Record,
    now: OffsetDateTime,
) -> Record {
    let mut record = Record::new();
    record.insert("Id".into(), Value::String(id.to_owned()));
    for field in &describe.fields {
        if let Some(default) = default_value(field) {
            record.insert(field.name.clone(), default);
        }
    }
    let at = Value::String(format_datetime(now));
    let user = Value::String(USER_ID.to_owned());
    for (name, value) in [
        ("OwnerId", &user),
        ("CreatedById", &user),
        ("LastModifiedById", &user),
        ("CreatedDate", &at),
        ("LastModifiedDate", &at),
        ("SystemModstamp", &at),
        ("IsDeleted", &Value::Bool(false)),
    ] {
        set_if_described(describe, &mut record, name, value.clone());
    }
    for (k, v) in changes {
        record.insert(k.clone(), v.clone());
    }
    for field in describe.fields.iter().filter(|f| f.auto_number) {
        if record.get(&field.name).is_none_or(Value::is_null) {
            let number = state.auto_numbers.next(describe, field);
            record.insert(field.name.clone(), Value::String(number));
        }
    }
    rebuild_compounds(describe, &mut record);
    record
}

/// Adds what an update changes besides the written values: `LastModifiedDate`,
/// `SystemModstamp` and `LastModifiedById` (the running user).
pub(crate) fn stamp_update(describe: &SObjectDescribe, changes: &mut Record, now: OffsetDateTime) {
    let at = Value::String(format_datetime(now));
    set_if_described(describe, changes, "LastModifiedDate", at.clone());
    set_if_described(describe, changes, "SystemModstamp", at);
    set_if_described(
        describe,
        changes,
        "LastModifiedById",
        Value::String(USER_ID.to_owned()),
    );
}

fn set_if_described(describe: &SObjectDescribe, record: &mut Record, name: &str, value: Value) {
    if let Some(field) = describe.field(name) {
        record.insert(field.name.clone(), value);
    }
}

/// The value a create gives a field it does not set: the describe's `defaultValue`, else the
/// default picklist value, else `false` for a defaulted checkbox.
fn default_value(field: &FieldDescribe) -> Option<Value> {
    if let Some(value) = field.default_value.as_ref().filter(|v| !v.is_null()) {
        return Some(value.clone());
    }
    if let Some(p) = field
        .picklist_values
        .iter()
        .find(|p| p.active && p.default_value)
    {
        return Some(Value::String(p.value.clone()));
    }
    (field.field_type == FieldType::Boolean && field.defaulted_on_create)
        .then_some(Value::Bool(false))
}

/// Sets every compound field of `record` from its components (fields whose
/// `compoundFieldName` names it): an address or geolocation object, `null` when every
/// component is null, and a person's `Name` from `FirstName`, `MiddleName`, `LastName`,
/// `Suffix`.
pub(crate) fn rebuild_compounds(describe: &SObjectDescribe, record: &mut Record) {
    for compound in &describe.fields {
        let parts: Vec<&FieldDescribe> = describe
            .fields
            .iter()
            .filter(|f| f.compound_field_name.as_deref() == Some(compound.name.as_str()))
            .collect();
        if parts.is_empty() {
            continue;
        }
        let value = match compound.field_type {
            FieldType::Address | FieldType::Location => structured(compound, &parts, record),
            _ => person_name(&parts, record),
        };
        record.insert(compound.name.clone(), value);
    }
}

/// `{"city":..,"country":..,"geocodeAccuracy":..,"latitude":..,...}` (keys in alphabetical
/// order, as Salesforce sends them), or `null` when every component is null.
fn structured(compound: &FieldDescribe, parts: &[&FieldDescribe], record: &Record) -> Value {
    let mut keys: Vec<(String, Value)> = parts
        .iter()
        .map(|part| {
            let value = record.get(&part.name).cloned().unwrap_or(Value::Null);
            (component_key(&compound.name, &part.name), value)
        })
        .collect();
    if keys.iter().all(|(_, v)| v.is_null()) {
        return Value::Null;
    }
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Object(keys.into_iter().collect::<Map<_, _>>())
}

/// The key of a component inside its compound's value: `BillingPostalCode` in `BillingAddress`
/// → `postalCode`; `Loc__Latitude__s` in `Loc__c` → `latitude`.
fn component_key(compound: &str, part: &str) -> String {
    let stem = compound
        .strip_suffix("Address")
        .or_else(|| compound.strip_suffix("__c"))
        .unwrap_or(compound);
    let rest = part.strip_prefix(stem).unwrap_or(part);
    let rest = rest
        .strip_suffix("__s")
        .unwrap_or(rest)
        .trim_start_matches('_');
    let mut chars = rest.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_lowercase().to_string() + chars.as_str()
    })
}

/// A person's full name as the API returns `Name`: first, middle, last name and suffix joined
/// by spaces. The salutation is a component of `Name` in the describe but is not part of the
/// value read back through the API (unconfirmed).
fn person_name(parts: &[&FieldDescribe], record: &Record) -> Value {
    let text = |suffix: &str| {
        parts
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(suffix))
            .and_then(|p| record.get(&p.name))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let words: Vec<&str> = ["FirstName", "MiddleName", "LastName", "Suffix"]
        .into_iter()
        .filter_map(text)
        .collect();
    if words.is_empty() {
        Value::Null
    } else {
        Value::String(words.join(" "))
    }
}

/// The running user's field values (the user every token acts as).
pub(crate) fn running_user_defaults() -> Record {
    let text = |s: &str| Value::String(s.to_owned());
    let mut user = Record::new();
    for (name, value) in [
        ("Id", text(USER_ID)),
        ("Username", text(DEFAULT_USERNAME)),
        ("FirstName", text("Emulator")),
        ("LastName", text("User")),
        ("Name", text("Emulator User")),
        ("Email", text(DEFAULT_USERNAME)),
        ("Alias", text("emu")),
        ("CommunityNickname", text("emulator")),
        ("IsActive", Value::Bool(true)),
        ("TimeZoneSidKey", text("GMT")),
        ("LocaleSidKey", text("en_US")),
        ("EmailEncodingKey", text("UTF-8")),
        ("LanguageLocaleKey", text("en_US")),
        ("ProfileId", text("00e000000000001AAA")),
    ] {
        user.insert(name.to_owned(), value);
    }
    user
}

/// Stores the running user as a `User` record (when the schema has `User`), so that `OwnerId`
/// and the other user references resolve.
pub(crate) fn seed_running_user(state: &State) {
    let Some(describe) = state.schema.get("User") else {
        return;
    };
    let defaults = running_user_defaults();
    let known: Record = defaults
        .into_iter()
        .filter(|(name, _)| name != "Id" && describe.field(name).is_some())
        .collect();
    let record = new_record(state, describe, USER_ID, &known, OffsetDateTime::now_utc());
    if let Err(conflict) = state.store.insert(describe, record) {
        tracing::warn!(?conflict, "sforce-emulator: running user not stored");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_keys() {
        assert_eq!(
            component_key("BillingAddress", "BillingPostalCode"),
            "postalCode"
        );
        assert_eq!(
            component_key("BillingAddress", "BillingGeocodeAccuracy"),
            "geocodeAccuracy"
        );
        assert_eq!(component_key("Address", "Street"), "street");
        assert_eq!(component_key("Loc__c", "Loc__Latitude__s"), "latitude");
    }
}
