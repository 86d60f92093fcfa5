//! Field-by-field merging of writes that wait for the same key.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

/// A write that can absorb a later write to the same key.
///
/// The executor folds every write that waited while a request for its key was in flight into
/// one write, in submission order: `first.merge(second); first.merge(third); ...`. The result
/// must have the effect of applying the writes one after the other:
///
/// * a field present in `later` replaces the same field of `self` (later wins);
/// * a field absent from `later` is left as it is in `self`;
/// * an explicit null in `later` is a value like any other: it replaces, it does not erase
///   the field from the write (for JSON bodies, `{"A": null}` after `{"A": 1}` must send
///   `{"A": null}`, not `{}`).
///
/// ```
/// use sforce_core::executor::Merge;
/// use serde_json::{json, Map, Value};
///
/// let mut first: Map<String, Value> = json!({"Subject": "Call", "Status": "Open"})
///     .as_object().unwrap().clone();
/// let later = json!({"Status": "Completed", "Description": null}).as_object().unwrap().clone();
/// first.merge(later);
/// assert_eq!(Value::Object(first), json!({"Subject": "Call", "Status": "Completed", "Description": null}));
/// ```
pub trait Merge {
    /// Folds `later` (submitted after `self`) into `self`, field by field, later wins.
    fn merge(&mut self, later: Self);

    /// Whether `later` may be merged into a batch that starts with `self`. Default: always.
    ///
    /// A write that cannot be merged (for sforce: an update-only upsert behind a
    /// create-or-update one) ends the batch; it starts the next operation instead, so order
    /// is kept.
    fn can_merge(&self, later: &Self) -> bool {
        let _ = later;
        true
    }
}

impl Merge for serde_json::Map<String, serde_json::Value> {
    fn merge(&mut self, later: Self) {
        // With `preserve_order`, `insert` keeps an existing key in place and appends new
        // ones, so the merged body lists fields in first-seen order.
        for (field, value) in later {
            self.insert(field, value);
        }
    }
}

impl<K: Eq + Hash, V, S: BuildHasher> Merge for HashMap<K, V, S> {
    fn merge(&mut self, later: Self) {
        self.extend(later);
    }
}

impl<K: Ord, V> Merge for BTreeMap<K, V> {
    fn merge(&mut self, later: Self) {
        self.extend(later);
    }
}

#[cfg(test)]
mod tests {
    use super::Merge;
    use serde_json::{Map, Value, json};

    fn obj(value: Value) -> Map<String, Value> {
        value.as_object().cloned().expect("object")
    }

    #[test]
    fn later_wins_and_absent_fields_are_kept() {
        let mut a = obj(json!({"A": 1, "B": 2}));
        a.merge(obj(json!({"B": 3, "C": 4})));
        assert_eq!(Value::Object(a), json!({"A": 1, "B": 3, "C": 4}));
    }

    #[test]
    fn explicit_null_is_a_value() {
        let mut a = obj(json!({"A": 1}));
        a.merge(obj(json!({"A": null})));
        assert_eq!(Value::Object(a), json!({"A": null}));
        let mut b = obj(json!({"A": null}));
        b.merge(obj(json!({"A": 5})));
        assert_eq!(Value::Object(b), json!({"A": 5}));
    }

    #[test]
    fn field_order_is_first_seen() {
        let mut a = obj(json!({"Z": 1, "A": 2}));
        a.merge(obj(json!({"M": 3, "Z": 4})));
        let keys: Vec<&str> = a.keys().map(String::as_str).collect();
        assert_eq!(keys, ["Z", "A", "M"]);
    }
}
