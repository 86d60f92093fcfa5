//! [`FieldType`]: a field's data type, tolerant of types newer than this crate.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field's data type: the describe's `"type"`.
///
/// Serialized as Salesforce's wire name (`"string"`, `"datetime"`, `"anyType"`, ...). A wire name
/// this enum does not know becomes [`FieldType::Unknown`] holding it verbatim, and serializes back
/// unchanged: new Salesforce releases never break parsing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldType {
    /// `id`: the record Id.
    Id,
    /// `string`: single-line text.
    #[default]
    String,
    /// `textarea`: multi-line or long text.
    Textarea,
    /// `boolean`.
    Boolean,
    /// `int`: 32-bit integer.
    Int,
    /// `long`: 64-bit integer.
    Long,
    /// `double`: floating point (also Number custom fields).
    Double,
    /// `currency`.
    Currency,
    /// `percent`.
    Percent,
    /// `date`: `"2021-07-20"`.
    Date,
    /// `datetime`: written as RFC 3339, read as `2012-07-12T17:49:01.000+0000`.
    Datetime,
    /// `time`: `"22:12:30.999Z"`.
    Time,
    /// `picklist`: one of a list of values.
    Picklist,
    /// `multipicklist`: values joined by `;`.
    Multipicklist,
    /// `combobox`: free text with suggested values.
    Combobox,
    /// `reference`: the Id of another record.
    Reference,
    /// `email`.
    Email,
    /// `phone`.
    Phone,
    /// `url`.
    Url,
    /// `base64`: binary content.
    Base64,
    /// `address`: compound, read-only.
    Address,
    /// `location`: compound geolocation, read-only.
    Location,
    /// `encryptedstring`.
    Encryptedstring,
    /// `anyType`: the value's type varies per record.
    AnyType,
    /// `complexvalue`.
    Complexvalue,
    /// `json`.
    Json,
    /// `datacategorygroupreference`.
    Datacategorygroupreference,
    /// A type this version of sforce does not know, with its wire name.
    Unknown(String),
}

impl FieldType {
    pub(crate) const KNOWN: &'static [(&'static str, FieldType)] = &[
        ("id", FieldType::Id),
        ("string", FieldType::String),
        ("textarea", FieldType::Textarea),
        ("boolean", FieldType::Boolean),
        ("int", FieldType::Int),
        ("long", FieldType::Long),
        ("double", FieldType::Double),
        ("currency", FieldType::Currency),
        ("percent", FieldType::Percent),
        ("date", FieldType::Date),
        ("datetime", FieldType::Datetime),
        ("time", FieldType::Time),
        ("picklist", FieldType::Picklist),
        ("multipicklist", FieldType::Multipicklist),
        ("combobox", FieldType::Combobox),
        ("reference", FieldType::Reference),
        ("email", FieldType::Email),
        ("phone", FieldType::Phone),
        ("url", FieldType::Url),
        ("base64", FieldType::Base64),
        ("address", FieldType::Address),
        ("location", FieldType::Location),
        ("encryptedstring", FieldType::Encryptedstring),
        ("anyType", FieldType::AnyType),
        ("complexvalue", FieldType::Complexvalue),
        ("json", FieldType::Json),
        (
            "datacategorygroupreference",
            FieldType::Datacategorygroupreference,
        ),
    ];

    /// The wire name (`"string"`, `"anyType"`, or the unknown name verbatim).
    pub fn as_str(&self) -> &str {
        if let FieldType::Unknown(name) = self {
            return name;
        }
        FieldType::KNOWN
            .iter()
            .find(|(_, t)| t == self)
            .map(|(name, _)| *name)
            .expect("every known FieldType is in KNOWN")
    }

    /// Parses a wire name; never fails (unknown names become [`FieldType::Unknown`]).
    /// Matching is exact except that `anytype` is also accepted for `anyType`.
    pub fn from_wire(name: &str) -> Self {
        FieldType::KNOWN
            .iter()
            .find(|(n, _)| *n == name || (*n == "anyType" && name.eq_ignore_ascii_case(n)))
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| FieldType::Unknown(name.to_owned()))
    }

    /// Text-like types whose JSON value is a string limited by the field's `length`.
    pub fn is_text(&self) -> bool {
        matches!(
            self,
            FieldType::String
                | FieldType::Textarea
                | FieldType::Picklist
                | FieldType::Multipicklist
                | FieldType::Combobox
                | FieldType::Email
                | FieldType::Phone
                | FieldType::Url
                | FieldType::Encryptedstring
        )
    }

    /// Numeric types whose JSON value is a number.
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            FieldType::Int
                | FieldType::Long
                | FieldType::Double
                | FieldType::Currency
                | FieldType::Percent
        )
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FieldType {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(FieldType::from_wire(s))
    }
}

impl Serialize for FieldType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FieldType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = Option::<String>::deserialize(deserializer)?;
        Ok(name.map_or_else(FieldType::default, |n| FieldType::from_wire(&n)))
    }
}
