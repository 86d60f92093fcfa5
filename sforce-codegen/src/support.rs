//! The shared types every generated `mod.rs` carries, so generated code needs nothing beyond the
//! `sforce` crate: `JsonValue`, `MultiPicklist<T>`, `CompoundAddress`, `Geolocation`, `Base64Blob`,
//! `NumberKey`, and the `picklist!` macro.

/// Rust source appended verbatim to every generated `mod.rs`. It is formatted by hand (as
/// rustfmt would), because prettyplease cannot lay out the body of a `macro_rules!`.
pub(crate) const SUPPORT: &str = r#"
/// Implements a generated picklist enum: `KNOWN`, `as_str`, `is_known`, `Default`, the
/// conversions from text (`From<&str>`, `From<String>`, `FromStr`; unknown values go to the
/// fallback variant), `AsRef<str>`, `Display`, and serde as the API value.
///
/// Arguments: the enum, its fallback variant, the default value, then `Variant = "API value",`
/// for each known value.
macro_rules! picklist {
    (
        $ty:ident, $fallback:ident, default = $default:expr,
        $($variant:ident = $wire:literal,)*
    ) => {
        impl $ty {
            /// The values known when this code was generated, in describe order.
            pub const KNOWN: &'static [$ty] = &[$($ty::$variant),*];

            /// The API value, as sent to and read from Salesforce.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::$fallback(value) => value.as_str(),
                }
            }

            /// `false` for the fallback variant.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::$fallback(_))
            }
        }

        impl Default for $ty {
            fn default() -> Self {
                $default
            }
        }

        impl From<&str> for $ty {
            fn from(value: &str) -> Self {
                $(if value == $wire {
                    return Self::$variant;
                })*
                Self::$fallback(value.to_owned())
            }
        }

        impl From<String> for $ty {
            fn from(value: String) -> Self {
                let known = Self::from(value.as_str());
                if known.is_known() {
                    known
                } else {
                    Self::$fallback(value)
                }
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::core::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::str::FromStr for $ty {
            type Err = ::core::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::sforce::__private::serde::Serialize for $ty {
            fn serialize<S: ::sforce::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::sforce::__private::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::sforce::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                <String as ::sforce::__private::serde::Deserialize>::deserialize(deserializer)
                    .map(Self::from)
            }
        }

        impl ::sforce::__private::SoqlValue for $ty {
            fn write_soql(&self, out: &mut String) -> Result<(), ::sforce::__private::LiteralError> {
                ::sforce::__private::write_soql_text(out, self.as_str());
                Ok(())
            }
        }
    };
}

pub(crate) use picklist;
/// Raw JSON, for fields whose Salesforce type has no fixed shape (`anyType`, `complexvalue`,
/// `json`) or was unknown to sforce-codegen.
pub type JsonValue = ::sforce::__private::serde_json::Value;

/// The values of a multi-select picklist: a list in Rust, joined by `;` on the wire
/// (`"Red;Blue"`). Empty segments are dropped when reading.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MultiPicklist<T>(pub Vec<T>);

impl<T> MultiPicklist<T> {
    /// The values, in wire order.
    pub fn values(&self) -> &[T] {
        &self.0
    }
}

impl<T> Default for MultiPicklist<T> {
    fn default() -> Self {
        MultiPicklist(Vec::new())
    }
}

impl<T> ::core::ops::Deref for MultiPicklist<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> ::core::ops::DerefMut for MultiPicklist<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.0
    }
}

impl<T> From<Vec<T>> for MultiPicklist<T> {
    fn from(values: Vec<T>) -> Self {
        MultiPicklist(values)
    }
}

impl<T> FromIterator<T> for MultiPicklist<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        MultiPicklist(iter.into_iter().collect())
    }
}

impl<T> IntoIterator for MultiPicklist<T> {
    type Item = T;
    type IntoIter = ::std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<T: AsRef<str>> ::sforce::__private::serde::Serialize for MultiPicklist<T> {
    fn serialize<S: ::sforce::__private::serde::Serializer>(
        &self,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let parts: Vec<&str> = self.0.iter().map(AsRef::as_ref).collect();
        serializer.serialize_str(&parts.join(";"))
    }
}

impl<'de, T: From<String>> ::sforce::__private::serde::Deserialize<'de> for MultiPicklist<T> {
    fn deserialize<D: ::sforce::__private::serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let text = <String as ::sforce::__private::serde::Deserialize>::deserialize(deserializer)?;
        Ok(text
            .split(';')
            .filter(|part| !part.is_empty())
            .map(|part| T::from(part.to_owned()))
            .collect())
    }
}

/// In a typed query, the values joined by `;` (SOQL compares them as a set).
impl<T: AsRef<str>> ::sforce::__private::SoqlValue for MultiPicklist<T> {
    fn write_soql(&self, out: &mut String) -> Result<(), ::sforce::__private::LiteralError> {
        let parts: Vec<&str> = self.0.iter().map(AsRef::as_ref).collect();
        ::sforce::__private::write_soql_text(out, &parts.join(";"));
        Ok(())
    }
}

/// A compound address field (read-only: write the component fields such as `BillingStreet`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    Default,
    ::sforce::__private::serde::Serialize,
    ::sforce::__private::serde::Deserialize,
)]
#[serde(crate = "::sforce::__private::serde", rename_all = "camelCase")]
pub struct CompoundAddress {
    /// Street.
    pub street: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State or province.
    pub state: Option<String>,
    /// State code (with state and country picklists enabled).
    pub state_code: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// Country code (with state and country picklists enabled).
    pub country_code: Option<String>,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
    /// Accuracy of the geocode (`Address`, `Street`, `City`, ...).
    pub geocode_accuracy: Option<String>,
}

/// A compound geolocation field (read-only: write its `__Latitude__s` / `__Longitude__s`
/// components).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Default,
    ::sforce::__private::serde::Serialize,
    ::sforce::__private::serde::Deserialize,
)]
#[serde(crate = "::sforce::__private::serde")]
pub struct Geolocation {
    /// Latitude in degrees.
    pub latitude: Option<f64>,
    /// Longitude in degrees.
    pub longitude: Option<f64>,
}

/// The value of a Number field that is an external ID: an integer in Rust (external-ID values
/// must be text or integers), read from the `123.0` Salesforce returns for Number fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct NumberKey(pub i64);

impl From<i64> for NumberKey {
    fn from(value: i64) -> Self {
        NumberKey(value)
    }
}

impl ::core::fmt::Display for NumberKey {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        ::core::fmt::Display::fmt(&self.0, f)
    }
}

impl ::sforce::sobject::ExternalIdValue for NumberKey {
    fn to_external_id(&self) -> Option<String> {
        Some(self.0.to_string())
    }
}

impl ::sforce::__private::serde::Serialize for NumberKey {
    fn serialize<S: ::sforce::__private::serde::Serializer>(
        &self,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

impl<'de> ::sforce::__private::serde::Deserialize<'de> for NumberKey {
    fn deserialize<D: ::sforce::__private::serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let value =
            <JsonValue as ::sforce::__private::serde::Deserialize>::deserialize(deserializer)?;
        value
            .as_i64()
            .or_else(|| {
                value
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            })
            .map(NumberKey)
            .ok_or_else(|| {
                <D::Error as ::sforce::__private::serde::de::Error>::custom(
                    "expected an integral number for a Number external ID",
                )
            })
    }
}

/// The value of a `base64` field.
///
/// Written as standard base64 (RFC 4648 alphabet, padded). On read Salesforce does not inline the
/// content: it returns the URL of the blob (`/services/data/vXX.X/sobjects/Attachment/00P.../Body`),
/// which is kept as [`Base64Blob::Url`]; fetch it separately for the bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Base64Blob {
    /// The content.
    Bytes(Vec<u8>),
    /// A URL (absolute, or relative to the instance) where the content can be fetched.
    Url(String),
}

impl Default for Base64Blob {
    fn default() -> Self {
        Base64Blob::Bytes(Vec::new())
    }
}

impl From<Vec<u8>> for Base64Blob {
    fn from(bytes: Vec<u8>) -> Self {
        Base64Blob::Bytes(bytes)
    }
}

const BASE64_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let n = (u32::from(chunk[0]) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(
                    BASE64_ALPHABET[((n >> (18 - 6 * i)) & 63) as usize],
                ));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text
        .trim_end_matches('=')
        .bytes()
        .filter(|c| !c.is_ascii_whitespace())
    {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

impl ::sforce::__private::serde::Serialize for Base64Blob {
    fn serialize<S: ::sforce::__private::serde::Serializer>(
        &self,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match self {
            Base64Blob::Bytes(bytes) => serializer.serialize_str(&base64_encode(bytes)),
            Base64Blob::Url(url) => serializer.serialize_str(url),
        }
    }
}

impl<'de> ::sforce::__private::serde::Deserialize<'de> for Base64Blob {
    fn deserialize<D: ::sforce::__private::serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let text = <String as ::sforce::__private::serde::Deserialize>::deserialize(deserializer)?;
        if text.starts_with("/services/")
            || text.starts_with("https://")
            || text.starts_with("http://")
        {
            return Ok(Base64Blob::Url(text));
        }
        base64_decode(&text).map(Base64Blob::Bytes).ok_or_else(|| {
            <D::Error as ::sforce::__private::serde::de::Error>::custom(
                "base64 field: neither base64 content nor a blob URL",
            )
        })
    }
}
"#;

#[cfg(test)]
mod tests {
    #[test]
    fn support_code_parses() {
        let file: syn::File = syn::parse_str(super::SUPPORT).unwrap();
        assert!(file.items.len() > 10);
        assert!(super::SUPPORT.starts_with('\n') && super::SUPPORT.ends_with("}\n"));
    }
}
