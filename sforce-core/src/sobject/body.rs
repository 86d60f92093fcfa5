//! Write bodies and record decoding: what the generated `SObject` impls call per field.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::types::Field;

/// Accumulates a write body. Generated code calls one method per writable field.
#[derive(Debug)]
pub struct WriteBody {
    sobject: &'static str,
    map: Map<String, Value>,
    error: Option<EncodeError>,
}

impl WriteBody {
    /// An empty body for this sObject.
    pub fn new(sobject: &'static str) -> Self {
        WriteBody {
            sobject,
            map: Map::new(),
            error: None,
        }
    }

    /// Writes a plain value.
    pub fn value<T: Serialize + ?Sized>(&mut self, api_name: &'static str, value: &T) {
        match serde_json::to_value(value) {
            Ok(v) => {
                self.map.insert(api_name.to_owned(), v);
            }
            Err(source) => {
                self.error.get_or_insert(EncodeError {
                    sobject: self.sobject,
                    field: api_name,
                    source: source.into(),
                });
            }
        }
    }

    /// Writes `Some(v)`; leaves `None` out.
    pub fn option<T: Serialize>(&mut self, api_name: &'static str, value: &Option<T>) {
        if let Some(v) = value {
            self.value(api_name, v);
        }
    }

    /// Writes `Set(v)` and `Null`; leaves `Unchanged` out.
    pub fn field<T: Serialize>(&mut self, api_name: &'static str, value: &Field<T>) {
        match value {
            Field::Unchanged => {}
            Field::Null => {
                self.map.insert(api_name.to_owned(), Value::Null);
            }
            Field::Set(v) => self.value(api_name, v),
        }
    }

    /// The body, or the first field that failed to serialize.
    pub fn finish(self) -> Result<Map<String, Value>, EncodeError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.map),
        }
    }
}

/// Reads fields out of a record. Generated code calls one method per mapped field.
#[derive(Debug)]
pub struct RecordReader {
    sobject: &'static str,
    map: Map<String, Value>,
    /// Values arrive as text (Bulk API CSV): a text value that does not decode is decoded
    /// again as the number or boolean it spells.
    text: bool,
}

impl RecordReader {
    /// Wraps a record's JSON object.
    pub fn new(sobject: &'static str, map: Map<String, Value>) -> Self {
        RecordReader {
            sobject,
            map,
            text: false,
        }
    }

    /// Wraps a record whose values are all text (a Bulk API 2.0 CSV row): `"12"` then reads
    /// into an integer field and `"true"` into a boolean one; text fields read the text.
    pub fn from_text(sobject: &'static str, map: Map<String, Value>) -> Self {
        RecordReader {
            sobject,
            map,
            text: true,
        }
    }

    fn take(&mut self, api_name: &str) -> Option<Value> {
        if let Some(v) = self.map.remove(api_name) {
            return Some(v);
        }
        // Salesforce answers with the field names as declared; accept a declaration that differs
        // only in case, as Salesforce itself does.
        let key = self
            .map
            .keys()
            .find(|k| k.eq_ignore_ascii_case(api_name))?
            .clone();
        self.map.remove(&key)
    }

    /// Reads a field; a missing key reads as `null` (so `Option` fields become `None`).
    ///
    /// Salesforce returns Number fields (including number external IDs) as doubles (`123.0`):
    /// when an integral double does not decode, it is decoded again as an integer, so integer
    /// field types work.
    pub fn read<T: DeserializeOwned>(&mut self, api_name: &'static str) -> Result<T, DecodeError> {
        let value = self.take(api_name).unwrap_or(Value::Null);
        let as_integer = integral(&value);
        let as_scalar = if self.text {
            scalar_in_text(&value)
        } else {
            None
        };
        serde_json::from_value(value)
            .or_else(|err| match as_integer.or(as_scalar) {
                Some(other) => serde_json::from_value(other).map_err(|_| err),
                None => Err(err),
            })
            .map_err(|source| DecodeError {
                sobject: self.sobject,
                field: Some(api_name),
                source: source.into(),
            })
    }

    /// Reads a [`Field`]: missing is `Unchanged`, `null` is `Null`.
    pub fn read_field<T: DeserializeOwned>(
        &mut self,
        api_name: &'static str,
    ) -> Result<Field<T>, DecodeError> {
        if self.take_peek(api_name) {
            self.read(api_name)
        } else {
            Ok(Field::Unchanged)
        }
    }

    fn take_peek(&self, api_name: &str) -> bool {
        self.map.contains_key(api_name) || self.map.keys().any(|k| k.eq_ignore_ascii_case(api_name))
    }

    /// Reads a `#[sobject(relationship)]` field (a parent record or child rows).
    pub fn read_relationship<R: super::Relationship>(
        &mut self,
        api_name: &'static str,
    ) -> Result<R, DecodeError> {
        let value = self.take(api_name).unwrap_or(Value::Null);
        R::decode(self.sobject, api_name, value)
    }

    /// What is left of the record (fields not read, `attributes`).
    pub fn into_rest(self) -> Map<String, Value> {
        self.map
    }
}

/// The number or boolean a text value spells (`"12"`, `"1.5"`, `"true"`), for text-mode reads.
fn scalar_in_text(value: &Value) -> Option<Value> {
    let Value::String(text) = value else {
        return None;
    };
    match serde_json::from_str::<Value>(text.trim()).ok()? {
        Value::Number(n) => Some(integral(&Value::Number(n.clone())).unwrap_or(Value::Number(n))),
        Value::Bool(b) => Some(Value::Bool(b)),
        _ => None,
    }
}

/// `123.0` as the integer `123`, if the value is an integral double in range.
fn integral(value: &Value) -> Option<Value> {
    let Value::Number(n) = value else {
        return None;
    };
    if n.is_i64() || n.is_u64() {
        return None;
    }
    let f = n.as_f64()?;
    if f.fract() != 0.0 || !f.is_finite() {
        return None;
    }
    if f >= 0.0 && f < u64::MAX as f64 {
        Some(Value::from(f as u64))
    } else if f < 0.0 && f >= i64::MIN as f64 {
        Some(Value::from(f as i64))
    } else {
        None
    }
}

/// A write body could not be serialized.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot serialize {sobject}.{field}")]
pub struct EncodeError {
    /// The sObject API name.
    pub sobject: &'static str,
    /// The field API name.
    pub field: &'static str,
    /// The serde error (the [`source`](std::error::Error::source)).
    pub source: std::sync::Arc<serde_json::Error>,
}

/// A record could not be decoded into the struct.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot decode {sobject}{}", field.map(|f| format!(".{f}")).unwrap_or_default())]
pub struct DecodeError {
    /// The sObject API name.
    pub sobject: &'static str,
    /// The field API name, if the error concerns one field.
    pub field: Option<&'static str>,
    /// The serde error.
    pub source: std::sync::Arc<serde_json::Error>,
}

impl DecodeError {
    pub(crate) fn in_field(
        sobject: &'static str,
        field: &'static str,
        message: impl std::fmt::Display,
    ) -> Self {
        DecodeError {
            sobject,
            field: Some(field),
            source: std::sync::Arc::new(<serde_json::Error as serde::de::Error>::custom(message)),
        }
    }

    pub(crate) fn not_an_object(sobject: &'static str, value: &Value) -> Self {
        let kind = super::json_kind(value);
        DecodeError {
            sobject,
            field: None,
            source: std::sync::Arc::new(<serde_json::Error as serde::de::Error>::custom(
                format_args!("expected a record object, found {kind}"),
            )),
        }
    }
}
