//! [`Base64Blob`]: the value of a `base64` field.

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Padding optional on read (some tools strip it), always written.
const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// The value of a `base64` field.
///
/// Written as standard base64 (RFC 4648 alphabet, padded). On read Salesforce does not inline the
/// content: it returns the URL of the blob (`/services/data/vXX.X/sobjects/Attachment/00P.../Body`),
/// which is kept as [`Base64Blob::Url`]; fetch it separately for the bytes.
///
/// ```
/// use sforce::types::Base64Blob;
///
/// let blob = Base64Blob::from(b"hi!".to_vec());
/// assert_eq!(serde_json::to_string(&blob).unwrap(), "\"aGkh\"");
/// let read: Base64Blob =
///     serde_json::from_str("\"/services/data/v62.0/sobjects/Attachment/00P/Body\"").unwrap();
/// assert!(matches!(read, Base64Blob::Url(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
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

impl Base64Blob {
    /// Decodes base64 text: the standard or URL-safe alphabet, padding optional, line breaks
    /// ignored. `None` when it is not base64.
    pub fn decode(text: &str) -> Option<Vec<u8>> {
        let compact: String;
        let text = if text.bytes().any(|b| b.is_ascii_whitespace()) {
            compact = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            &compact
        } else {
            text
        };
        STANDARD
            .decode(text)
            .or_else(|_| URL_SAFE.decode(text))
            .ok()
    }
}

impl Serialize for Base64Blob {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Base64Blob::Bytes(bytes) => serializer.serialize_str(&STANDARD.encode(bytes)),
            Base64Blob::Url(url) => serializer.serialize_str(url),
        }
    }
}

impl<'de> Deserialize<'de> for Base64Blob {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text.starts_with("/services/")
            || text.starts_with("https://")
            || text.starts_with("http://")
        {
            return Ok(Base64Blob::Url(text));
        }
        Base64Blob::decode(&text)
            .map(Base64Blob::Bytes)
            .ok_or_else(|| D::Error::custom("base64 field: neither base64 content nor a blob URL"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<Base64Blob, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn round_trips_every_length_mod_three() {
        for bytes in [&b""[..], b"a", b"ab", b"abc", b"\x00\xff\xfe\x10"] {
            let blob = Base64Blob::from(bytes.to_vec());
            let json = serde_json::to_string(&blob).unwrap();
            assert_eq!(read(&json).unwrap(), blob, "{json}");
        }
        assert_eq!(
            serde_json::to_string(&Base64Blob::from(b"ab".to_vec())).unwrap(),
            "\"YWI=\""
        );
    }

    #[test]
    fn lenient_reads() {
        let hi = Base64Blob::Bytes(b"hi?>".to_vec());
        for text in [
            "\"aGk/Pg==\"",
            "\"aGk/Pg\"",
            "\"aGk_Pg==\"",
            "\"aGk/\\nPg==\"",
        ] {
            assert_eq!(read(text).unwrap(), hi, "{text}");
        }
        assert_eq!(
            read("\"https://x.my.salesforce.com/b\"").unwrap(),
            Base64Blob::Url("https://x.my.salesforce.com/b".into())
        );
        assert!(read("\"not base64!\"").is_err());
        assert!(read("1").is_err());
        assert_eq!(Base64Blob::default(), Base64Blob::Bytes(Vec::new()));
    }
}
