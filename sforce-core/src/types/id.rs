//! Salesforce record Ids.

use std::fmt;

/// A Salesforce record Id: 15 (case-sensitive) or 18 (case-safe) alphanumeric characters.
///
/// The first three characters are the object's key prefix (`00T` for Task, `001` for Account).
///
/// ```
/// let id = sforce_core::types::Id::new("00T5g00000AbCdEEAV").unwrap();
/// assert_eq!(id.key_prefix(), "00T");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(String);

/// The text given to [`Id::new`] is not a Salesforce Id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed Salesforce Id {value:?}: expected 15 or 18 ASCII letters and digits")]
pub struct InvalidId {
    /// The rejected text.
    pub value: String,
}

impl Id {
    /// Validates and wraps an Id.
    pub fn new(value: impl Into<String>) -> Result<Self, InvalidId> {
        let value = value.into();
        let valid =
            matches!(value.len(), 15 | 18) && value.bytes().all(|b| b.is_ascii_alphanumeric());
        if valid {
            Ok(Id(value))
        } else {
            Err(InvalidId { value })
        }
    }

    /// The Id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The three-character key prefix naming the object type.
    pub fn key_prefix(&self) -> &str {
        &self.0[..3]
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.0)
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for Id {
    type Err = InvalidId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Id::new(s)
    }
}

impl serde::Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Id {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Id::new(text).map_err(serde::de::Error::custom)
    }
}
