//! The state of one field in a write: unchanged, null, or set.

/// The state of one field in a write: leave it as it is, clear it, or set it.
///
/// `Option<T>` can only say "omit" (`None`) or "set"; `Field<T>` adds an explicit null, which
/// Salesforce applies as "clear this field".
///
/// | value | in a write body |
/// |---|---|
/// | `Field::Unchanged` (the default) | the key is left out |
/// | `Field::Null` | `"Key": null` |
/// | `Field::Set(v)` | `"Key": v` |
///
/// In a `#[derive(SObject)]` struct the derive leaves `Unchanged` fields out of write bodies.
/// Serializing a `Field` on its own writes `Unchanged` as `null`: in a hand-written serde struct use
/// `#[serde(default, skip_serializing_if = "Field::is_unchanged")]`. Deserializing reads `null` as
/// `Null` and any other value as `Set` (a missing key is `Unchanged` with `#[serde(default)]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Field<T> {
    /// Leave the field as it is (not sent).
    #[default]
    Unchanged,
    /// Clear the field (sent as `null`).
    Null,
    /// Set the field to this value.
    Set(T),
}

impl<T> Field<T> {
    /// `true` for [`Field::Unchanged`]; for `skip_serializing_if`.
    pub fn is_unchanged(&self) -> bool {
        matches!(self, Field::Unchanged)
    }

    /// `true` for [`Field::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Field::Null)
    }

    /// The value if [`Field::Set`].
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Field::Set(v) => Some(v),
            _ => None,
        }
    }

    /// `Field<&T>` from `&Field<T>`.
    pub fn as_ref(&self) -> Field<&T> {
        match self {
            Field::Unchanged => Field::Unchanged,
            Field::Null => Field::Null,
            Field::Set(v) => Field::Set(v),
        }
    }

    /// Applies `f` to a set value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Field<U> {
        match self {
            Field::Unchanged => Field::Unchanged,
            Field::Null => Field::Null,
            Field::Set(v) => Field::Set(f(v)),
        }
    }

    /// `None` when unchanged, `Some(None)` when null, `Some(Some(v))` when set.
    pub fn into_write(self) -> Option<Option<T>> {
        match self {
            Field::Unchanged => None,
            Field::Null => Some(None),
            Field::Set(v) => Some(Some(v)),
        }
    }
}

impl<T> From<T> for Field<T> {
    fn from(value: T) -> Self {
        Field::Set(value)
    }
}

impl<T> From<Option<T>> for Field<T> {
    /// `Some(v)` sets, `None` clears (an explicit null, not "unchanged").
    fn from(value: Option<T>) -> Self {
        match value {
            Some(v) => Field::Set(v),
            None => Field::Null,
        }
    }
}

impl<T: serde::Serialize> serde::Serialize for Field<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Set(v) => serializer.serialize_some(v),
            Field::Unchanged | Field::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Field<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Field::from)
    }
}

#[cfg(test)]
mod tests {
    use super::Field;

    #[test]
    fn serde_forms() {
        let f: Field<i32> = serde_json::from_str("null").unwrap();
        assert_eq!(f, Field::Null);
        let f: Field<i32> = serde_json::from_str("5").unwrap();
        assert_eq!(f, Field::Set(5));
        assert_eq!(serde_json::to_string(&Field::Set(5)).unwrap(), "5");
        assert_eq!(serde_json::to_string(&Field::<i32>::Null).unwrap(), "null");
    }
}
