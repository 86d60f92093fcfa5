//! Records and the unique index.
//!
//! One table per sObject: records by Id (Ids sort in creation order) and an index over every
//! unique or external-ID field, keyed by the *normalized* value (case-folded unless the field
//! is case-sensitive; numbers compared numerically). The lock is a plain mutex held only for
//! map operations, never across an `.await`: the commit-latency race lives in the handlers.
//!
//! Records are kept as their JSON text ([`Stored`]) and parsed when read: a parsed record (a map
//! of owned names and values, with spare capacity) of a Task with 16 fields set takes about
//! 3.5 KB, its text about 600 bytes, and a test writing a million records should not need
//! gigabytes for the emulator beside it.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};
use sforce_core::describe::{FieldDescribe, SObjectDescribe};

use crate::journal::{self, Change};

/// A stored record: API name → JSON value, including `Id`.
pub(crate) type Record = Map<String, Value>;

/// The unique index refused a write: `field` already holds the value on record `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Conflict {
    pub(crate) field: String,
    pub(crate) id: String,
}

/// Why an update failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UpdateError {
    /// No record with that Id (deleted in the meantime).
    NotFound,
    /// The unique index refused the new values.
    Conflict(Conflict),
}

/// The comparison form of an external-ID or unique value; `None` for null.
pub(crate) fn normalize(field: &FieldDescribe, value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) if field.field_type.is_numeric() => Some(
            s.trim()
                .parse::<f64>()
                .map_or_else(|_| s.clone(), |n| n.to_string()),
        ),
        Value::String(s) if field.case_sensitive => Some(s.clone()),
        Value::String(s) => Some(s.to_lowercase()),
        Value::Number(n) => Some(n.as_f64().map_or_else(|| n.to_string(), |f| f.to_string())),
        other => Some(other.to_string()),
    }
}

/// A record as a table keeps it: its JSON text (see the module documentation). The text
/// always reads back exactly: field values are scalars or the emulator's own compound objects
/// (every write is checked by field type), and serde_json's `float_roundtrip` is on.
#[derive(Debug)]
struct Stored(Box<str>);

impl Stored {
    fn pack(record: &Record) -> Self {
        // A map of JSON values always serializes.
        Stored(
            serde_json::to_string(record)
                .expect("a JSON object serializes")
                .into_boxed_str(),
        )
    }

    fn unpack(&self) -> Record {
        serde_json::from_str(&self.0).expect("a stored record is the text of a JSON object")
    }
}

/// The Ids holding one indexed value, in creation order (Ids sort in creation order). Almost
/// always one: a plain sorted `Vec` is a tenth of the size of a one-element `BTreeSet`.
#[derive(Debug, Default)]
struct Ids(Vec<String>);

impl Ids {
    fn insert(&mut self, id: &str) {
        if let Err(at) = self.0.binary_search_by(|probe| probe.as_str().cmp(id)) {
            self.0.insert(at, id.to_owned());
        }
    }

    fn remove(&mut self, id: &str) {
        if let Ok(at) = self.0.binary_search_by(|probe| probe.as_str().cmp(id)) {
            self.0.remove(at);
        }
    }
}

#[derive(Debug, Default)]
struct Table {
    records: BTreeMap<String, Stored>,
    /// The recycle bin: deleted records (with `IsDeleted: true`), seen only by `queryAll`.
    deleted: BTreeMap<String, Stored>,
    /// lower-case field name → normalized value → record Ids.
    index: HashMap<String, HashMap<String, Ids>>,
}

fn indexed(field: &FieldDescribe) -> bool {
    field.unique || field.external_id
}

impl Table {
    fn index_record(&mut self, describe: &SObjectDescribe, id: &str, record: &Record, add: bool) {
        for field in describe.fields.iter().filter(|f| indexed(f)) {
            let Some(key) = record.get(&field.name).and_then(|v| normalize(field, v)) else {
                continue;
            };
            let values = self.index.entry(field.name.to_lowercase()).or_default();
            if add {
                values.entry(key).or_default().insert(id);
            } else if let Some(ids) = values.get_mut(&key) {
                ids.remove(id);
                if ids.0.is_empty() {
                    values.remove(&key);
                }
            }
        }
    }

    /// The first unique field whose value in `record` is held by another record.
    fn unique_conflict(
        &self,
        describe: &SObjectDescribe,
        self_id: &str,
        record: &Record,
    ) -> Option<Conflict> {
        describe
            .fields
            .iter()
            .filter(|f| f.unique)
            .find_map(|field| {
                let key = record.get(&field.name).and_then(|v| normalize(field, v))?;
                let ids = self.index.get(&field.name.to_lowercase())?.get(&key)?;
                let other = ids.0.iter().find(|id| id.as_str() != self_id)?;
                Some(Conflict {
                    field: field.name.clone(),
                    id: other.clone(),
                })
            })
    }
}

/// Every table of the emulator.
#[derive(Debug, Default)]
pub(crate) struct Store {
    tables: Mutex<HashMap<String, Table>>,
}

impl Store {
    fn with_table<R>(&self, describe: &SObjectDescribe, f: impl FnOnce(&mut Table) -> R) -> R {
        let mut tables = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        f(tables.entry(describe.name.to_lowercase()).or_default())
    }

    /// Ids of the records whose `field` has the normalized value `key`, in creation order.
    pub(crate) fn find(
        &self,
        describe: &SObjectDescribe,
        field: &FieldDescribe,
        key: &str,
    ) -> Vec<String> {
        self.with_table(describe, |t| {
            if indexed(field) {
                t.index
                    .get(&field.name.to_lowercase())
                    .and_then(|values| values.get(key))
                    .map(|ids| ids.0.clone())
                    .unwrap_or_default()
            } else {
                t.records
                    .iter()
                    .filter(|(_, r)| {
                        r.unpack()
                            .get(&field.name)
                            .and_then(|v| normalize(field, v))
                            .as_deref()
                            == Some(key)
                    })
                    .map(|(id, _)| id.clone())
                    .collect()
            }
        })
    }

    /// The record with this (canonical 18-character) Id.
    pub(crate) fn get(&self, describe: &SObjectDescribe, id: &str) -> Option<Record> {
        self.with_table(describe, |t| t.records.get(id).map(Stored::unpack))
    }

    /// Whether a live record has this Id (without reading it).
    pub(crate) fn contains(&self, describe: &SObjectDescribe, id: &str) -> bool {
        self.with_table(describe, |t| t.records.contains_key(id))
    }

    /// Every record, in creation order.
    pub(crate) fn all(&self, describe: &SObjectDescribe) -> Vec<Record> {
        self.with_table(describe, |t| {
            t.records.values().map(Stored::unpack).collect()
        })
    }

    /// Inserts `record` (which carries its `Id`) unless the unique index refuses it.
    pub(crate) fn insert(
        &self,
        describe: &SObjectDescribe,
        record: Record,
    ) -> Result<(), Conflict> {
        let id = record_id(&record);
        self.with_table(describe, |t| {
            if let Some(conflict) = t.unique_conflict(describe, &id, &record) {
                return Err(conflict);
            }
            t.index_record(describe, &id, &record, true);
            journal::note(|| Change::Inserted {
                describe: Arc::new(describe.clone()),
                id: id.clone(),
            });
            t.records.insert(id, Stored::pack(&record));
            Ok(())
        })
    }

    /// Applies `changes` to record `id` unless it is gone or the unique index refuses them.
    /// Returns the updated record.
    pub(crate) fn update(
        &self,
        describe: &SObjectDescribe,
        id: &str,
        changes: &Record,
    ) -> Result<Record, UpdateError> {
        self.with_table(describe, |t| {
            let old = t
                .records
                .get(id)
                .map(Stored::unpack)
                .ok_or(UpdateError::NotFound)?;
            let mut new = old.clone();
            for (k, v) in changes {
                new.insert(k.clone(), v.clone());
            }
            crate::fill::rebuild_compounds(describe, &mut new);
            if let Some(conflict) = t.unique_conflict(describe, id, &new) {
                return Err(UpdateError::Conflict(conflict));
            }
            t.index_record(describe, id, &old, false);
            t.index_record(describe, id, &new, true);
            t.records.insert(id.to_owned(), Stored::pack(&new));
            journal::note(|| Change::Replaced {
                describe: Arc::new(describe.clone()),
                old,
            });
            Ok(new)
        })
    }

    /// Deletes record `id` into the recycle bin (where only `queryAll` sees it, with
    /// `IsDeleted: true`); `false` if there was no live record.
    pub(crate) fn delete(&self, describe: &SObjectDescribe, id: &str) -> bool {
        self.with_table(describe, |t| {
            match t.records.remove(id).as_ref().map(Stored::unpack) {
                Some(mut old) => {
                    t.index_record(describe, id, &old, false);
                    journal::note(|| Change::Replaced {
                        describe: Arc::new(describe.clone()),
                        old: old.clone(),
                    });
                    old.insert("IsDeleted".into(), Value::Bool(true));
                    t.deleted.insert(id.to_owned(), Stored::pack(&old));
                    true
                }
                None => false,
            }
        })
    }

    /// Rollback of an `allOrNone` request: record `id` becomes `old` again (`None`: removed),
    /// without unique-index check (it held before) and without journaling. A record restored
    /// after a delete leaves the recycle bin.
    pub(crate) fn restore(&self, describe: &SObjectDescribe, id: &str, old: Option<Record>) {
        self.with_table(describe, |t| {
            if old.is_some() {
                t.deleted.remove(id);
            }
            if let Some(current) = t.records.remove(id) {
                t.index_record(describe, id, &current.unpack(), false);
            }
            if let Some(old) = old {
                t.index_record(describe, id, &old, true);
                t.records.insert(id.to_owned(), Stored::pack(&old));
            }
        });
    }

    /// Every record, live or deleted (`true`), in creation order.
    pub(crate) fn all_with_deleted(&self, describe: &SObjectDescribe) -> Vec<(Record, bool)> {
        self.with_table(describe, |t| {
            let mut all: Vec<(&String, &Stored, bool)> = t
                .records
                .iter()
                .map(|(id, r)| (id, r, false))
                .chain(t.deleted.iter().map(|(id, r)| (id, r, true)))
                .collect();
            // Ids sort in creation order within a table.
            all.sort_by_key(|(id, _, _)| *id);
            all.into_iter()
                .map(|(_, r, deleted)| (r.unpack(), deleted))
                .collect()
        })
    }

    /// The records in the recycle bin, in creation order.
    pub(crate) fn deleted(&self, describe: &SObjectDescribe) -> Vec<Record> {
        self.with_table(describe, |t| {
            t.deleted.values().map(Stored::unpack).collect()
        })
    }
}

fn record_id(record: &Record) -> String {
    record
        .get("Id")
        .and_then(Value::as_str)
        .expect("stored records carry their Id")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use sforce_core::describe::FieldType;

    fn describe() -> SObjectDescribe {
        let mut d = SObjectDescribe::new("T");
        let mut key = FieldDescribe::new("Key__c", FieldType::String);
        key.unique = true;
        key.external_id = true;
        let mut cs = FieldDescribe::new("Code__c", FieldType::String);
        cs.unique = true;
        cs.case_sensitive = true;
        d.fields = vec![key, cs];
        d
    }

    fn rec(v: Value) -> Record {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn unique_index_is_checked_on_insert_and_update() {
        let d = describe();
        let store = Store::default();
        store
            .insert(&d, rec(json!({"Id":"a","Key__c":"ABC"})))
            .unwrap();
        let err = store
            .insert(&d, rec(json!({"Id":"b","Key__c":"abc"})))
            .unwrap_err();
        assert_eq!(
            err,
            Conflict {
                field: "Key__c".into(),
                id: "a".into()
            }
        );
        store
            .insert(&d, rec(json!({"Id":"b","Key__c":"x","Code__c":"abc"})))
            .unwrap();
        store
            .insert(&d, rec(json!({"Id":"c","Code__c":"ABC"})))
            .unwrap();
        let err = store
            .update(&d, "c", &rec(json!({"Key__c":"X"})))
            .unwrap_err();
        assert_eq!(
            err,
            UpdateError::Conflict(Conflict {
                field: "Key__c".into(),
                id: "b".into()
            })
        );
        assert_eq!(store.find(&d, &d.fields[0], "abc"), ["a"]);
        assert!(store.delete(&d, "a"));
        assert!(store.find(&d, &d.fields[0], "abc").is_empty());
        assert!(store.get(&d, "a").is_none() && !store.contains(&d, "a"));
        assert!(!store.delete(&d, "a"));
        assert_eq!(store.deleted(&d)[0]["IsDeleted"], true);
        let ids: Vec<(String, bool)> = store
            .all_with_deleted(&d)
            .into_iter()
            .map(|(r, deleted)| (record_id(&r), deleted))
            .collect();
        assert_eq!(
            ids,
            [("a".into(), true), ("b".into(), false), ("c".into(), false)]
        );
        // The deleted key is free again.
        store
            .insert(&d, rec(json!({"Id":"d","Key__c":"ABC"})))
            .unwrap();
        assert_eq!(
            store.update(&d, "a", &Record::new()),
            Err(UpdateError::NotFound)
        );
    }

    #[test]
    fn a_stored_record_reads_back_exactly() {
        let record = rec(json!({
            "Id": "a", "Z": 1, "A": 1.5, "Big": 9007199254740993_u64, "Neg": -3,
            "Null": null, "Flag": true, "Text": "é/% \"q\" ✓",
            "Address": {"city": "Paris", "lat": 48.85}, "List": [1, "x", null]
        }));
        let stored = Stored::pack(&record);
        let back = stored.unpack();
        assert_eq!(back, record);
        // Field order and number kinds survive.
        assert!(back.keys().eq(record.keys()));
        assert!(back["Z"].is_i64() && back["A"].is_f64() && back["Big"].is_u64());
        // A double serde_json's default parser would read one unit in the last place off.
        let double = -1.0729132283643165e-38_f64;
        let back = Stored::pack(&rec(json!({"Id": "b", "D": double}))).unpack();
        assert_eq!(back["D"].as_f64().unwrap().to_bits(), double.to_bits());
    }

    #[test]
    fn numbers_normalize_numerically() {
        let mut f = FieldDescribe::new("N__c", FieldType::Double);
        f.external_id = true;
        assert_eq!(normalize(&f, &json!(123.0)), normalize(&f, &json!("123")));
        assert_eq!(normalize(&f, &Value::Null), None);
    }
}
