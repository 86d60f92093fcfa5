//! [`NumberKey`]: a Number field used as an external ID.

use std::fmt;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::sobject::ExternalIdValue;

/// The value of a Number field that is an external ID: an integer in Rust (external-ID values
/// must be text or integers), read from the `123.0` Salesforce returns for Number fields.
///
/// ```
/// use sforce::types::NumberKey;
///
/// let key: NumberKey = serde_json::from_str("123.0").unwrap();
/// assert_eq!(key, NumberKey(123));
/// assert!(serde_json::from_str::<NumberKey>("1.5").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct NumberKey(pub i64);

impl From<i64> for NumberKey {
    fn from(value: i64) -> Self {
        NumberKey(value)
    }
}

impl fmt::Display for NumberKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl ExternalIdValue for NumberKey {
    fn to_external_id(&self) -> Option<String> {
        Some(self.0.to_string())
    }
}

impl Serialize for NumberKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for NumberKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let number = serde_json::Number::deserialize(deserializer)?;
        number
            .as_i64()
            .or_else(|| {
                // Integral doubles below 2^53 are exact.
                number
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            })
            .map(NumberKey)
            .ok_or_else(|| {
                D::Error::custom(format!(
                    "expected an integral number for a Number external ID, found {number}"
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_integers_and_integral_doubles_only() {
        for (json, value) in [("7", 7), ("-3", -3), ("123.0", 123), ("1e3", 1000)] {
            assert_eq!(
                serde_json::from_str::<NumberKey>(json).unwrap(),
                NumberKey(value)
            );
        }
        for bad in ["1.5", "\"12\"", "null", "1e300"] {
            assert!(serde_json::from_str::<NumberKey>(bad).is_err(), "{bad}");
        }
        assert_eq!(serde_json::to_string(&NumberKey(42)).unwrap(), "42");
        assert_eq!(NumberKey(42).to_external_id().as_deref(), Some("42"));
        assert_eq!(NumberKey::from(5).to_string(), "5");
    }
}
