//! Salesforce record Ids and their 15 ↔ 18 character forms.
//!
//! A 15-character Id is case-sensitive. The 18-character form appends three characters that
//! encode which of the first 15 are upper case (five per character, as a bit set indexed into
//! `A`–`Z`, `0`–`5`), so the Id survives systems that ignore case. Both forms name the same
//! record: [`Id`] holds the 18-character form, compares and hashes by it, and displays it.

use std::fmt;
use std::hash::Hash;

/// The alphabet of the case-safe suffix: the character for each 5-bit mask.
const SUFFIX: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/// A Salesforce record Id, kept in its 18-character case-safe form.
///
/// [`Id::new`] takes either form: a 15-character Id gets its suffix computed; an 18-character Id
/// has the case of its first 15 characters restored from the suffix, so an Id that went through
/// a case-insensitive system is still the same Id. The two forms of one record are equal, hash
/// alike, and display as 18 characters. The first three characters are the object's key prefix
/// (`00T` for Task, `001` for Account).
///
/// ```
/// use sforce_model::Id;
///
/// let short = Id::new("001A0000006Vm9r").unwrap();
/// let long = Id::new("001A0000006Vm9rIAC").unwrap();
/// assert_eq!(short, long);
/// assert_eq!(short.to_string(), "001A0000006Vm9rIAC");
/// assert_eq!(long.as_15(), "001A0000006Vm9r");
/// assert_eq!(Id::new("001a0000006vm9riac").unwrap(), long); // case restored from the suffix
/// assert_eq!(long.key_prefix(), "001");
/// assert!(Id::new("001A0000006Vm9rXXX").is_err()); // the suffix marks a digit as upper case
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id([u8; 18]);

/// The text given to [`Id::new`] is not a Salesforce Id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "malformed Salesforce Id {value:?}: expected 15 or 18 ASCII letters and digits \
     (an 18-character Id ending in its case-safe suffix)"
)]
pub struct InvalidId {
    /// The rejected text.
    pub value: String,
}

impl Id {
    /// Validates an Id in either form.
    pub fn new(value: impl AsRef<str>) -> Result<Self, InvalidId> {
        let text = value.as_ref();
        Id::parse(text.as_bytes()).ok_or_else(|| InvalidId {
            value: text.to_owned(),
        })
    }

    fn parse(bytes: &[u8]) -> Option<Id> {
        if !matches!(bytes.len(), 15 | 18) || !bytes.iter().all(u8::is_ascii_alphanumeric) {
            return None;
        }
        let mut id = [0u8; 18];
        id[..15].copy_from_slice(&bytes[..15]);
        if bytes.len() == 15 {
            let tail = suffix(&id[..15]);
            id[15..].copy_from_slice(&tail);
            return Some(Id(id));
        }
        for (chunk, code) in bytes[15..].iter().enumerate() {
            let code = code.to_ascii_uppercase();
            let mask = SUFFIX.iter().position(|c| *c == code)?;
            for (i, byte) in id[chunk * 5..chunk * 5 + 5].iter_mut().enumerate() {
                if mask & (1 << i) != 0 {
                    if !byte.is_ascii_alphabetic() {
                        return None;
                    }
                    byte.make_ascii_uppercase();
                } else {
                    byte.make_ascii_lowercase();
                }
            }
            id[15 + chunk] = code;
        }
        Some(Id(id))
    }

    /// The 18-character form.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("an Id is ASCII")
    }

    /// The 15-character (case-sensitive) form.
    pub fn as_15(&self) -> &str {
        &self.as_str()[..15]
    }

    /// The three-character key prefix naming the object type.
    pub fn key_prefix(&self) -> &str {
        &self.as_str()[..3]
    }
}

/// The three suffix characters of a 15-character Id.
fn suffix(id15: &[u8]) -> [u8; 3] {
    let mut out = [0u8; 3];
    for (slot, chunk) in out.iter_mut().zip(id15.chunks(5)) {
        let mask = chunk
            .iter()
            .enumerate()
            .filter(|(_, b)| b.is_ascii_uppercase())
            .fold(0usize, |acc, (i, _)| acc | (1 << i));
        *slot = SUFFIX[mask];
    }
    out
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.as_str())
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::str::FromStr for Id {
    type Err = InvalidId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Id::new(s)
    }
}

impl TryFrom<&str> for Id {
    type Error = InvalidId;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Id::new(s)
    }
}

impl TryFrom<String> for Id {
    type Error = InvalidId;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Id::new(s)
    }
}

impl PartialEq<str> for Id {
    /// Equal when `other` is an Id of the same record, in either form.
    fn eq(&self, other: &str) -> bool {
        Id::parse(other.as_bytes()).is_some_and(|id| id == *self)
    }
}

impl PartialEq<&str> for Id {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

#[cfg(feature = "describe")]
impl serde::Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(feature = "describe")]
impl<'de> serde::Deserialize<'de> for Id {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a 15- or 18-character Salesforce Id")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Id, E> {
                Id::new(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn both_forms_are_one_id() {
        let short = Id::new("001A0000006Vm9r").unwrap();
        let long = Id::new("001A0000006Vm9rIAC").unwrap();
        assert_eq!(short, long);
        let set: HashSet<Id> = [short.clone(), long.clone()].into_iter().collect();
        assert_eq!(set.len(), 1);
        assert_eq!(short.as_str(), "001A0000006Vm9rIAC");
        assert_eq!(format!("{short:?}"), "Id(001A0000006Vm9rIAC)");
        assert!(long == "001A0000006Vm9r" && long == *"001A0000006Vm9rIAC");
    }

    #[test]
    fn case_is_restored_from_the_suffix() {
        let long = Id::new("00T5g00000AbCdEEAV").unwrap();
        for folded in ["00t5g00000abcdeeav", "00T5G00000ABCDEEAV"] {
            assert_eq!(Id::new(folded).unwrap(), long, "{folded}");
        }
        // A different 15-character Id is a different record.
        assert_ne!(Id::new("00T5g00000abcde").unwrap(), long);
    }

    #[test]
    fn malformed_ids_are_rejected() {
        for bad in [
            "",
            "not-an-id",
            "001A0000006Vm9",
            "001A0000006Vm9rIA",
            "001A0000006Vm9rXXX", // marks digits as upper case
            "001A0000006Vm9rIA9", // 9 is not a suffix character
            "001A0000006Vm9rIAC0",
            "001A0000006Vm9é",
        ] {
            let err = Id::new(bad).unwrap_err();
            assert_eq!(err.value, bad);
        }
    }

    #[test]
    fn every_mask_round_trips() {
        // For each 5-bit mask, an Id whose first chunk has exactly those upper-case letters.
        for (mask, code) in SUFFIX.iter().enumerate() {
            let chunk: String = (0..5)
                .map(|i| if mask & (1 << i) != 0 { 'K' } else { 'k' })
                .collect();
            let id15 = format!("{chunk}0000000000");
            let id = Id::new(&id15).unwrap();
            assert_eq!(id.as_15(), id15);
            assert_eq!(id.as_str().as_bytes()[15], *code);
            assert_eq!(Id::new(id.as_str().to_ascii_lowercase()).unwrap(), id);
        }
    }

    #[cfg(feature = "describe")]
    #[test]
    fn serde_reads_both_forms_and_writes_18() {
        let id: Id = serde_json::from_str("\"001A0000006Vm9r\"").unwrap();
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"001A0000006Vm9rIAC\""
        );
        assert!(serde_json::from_str::<Id>("\"nope\"").is_err());
        assert!(serde_json::from_str::<Id>("12").is_err());
    }
}
