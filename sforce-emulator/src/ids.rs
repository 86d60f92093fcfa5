//! Salesforce record Ids: generation (key prefix + counter + case-safe suffix) and parsing.
//!
//! The emulator always answers with 18-character Ids and accepts both forms; the checksum is
//! [`sforce_model::Id`]'s.

use std::sync::atomic::{AtomicU64, Ordering};

use sforce_model::Id;

/// Base-62 digits in ASCII order, so fixed-width encodings sort like the numbers they encode.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Generates unique Ids, in creation order.
#[derive(Debug, Default)]
pub(crate) struct IdGenerator {
    next: AtomicU64,
}

impl IdGenerator {
    /// A fresh 18-character Id for an object with this key prefix. Ids from one generator sort
    /// (as strings) in creation order within a prefix.
    pub(crate) fn next(&self, key_prefix: &str) -> String {
        let n = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        // 3 (prefix) + 2 (pod, as in real orgs: "5g") + 10 (record number) = 15.
        let mut id = String::with_capacity(18);
        id.push_str(key_prefix);
        id.push_str("5g");
        let mut digits = [b'0'; 10];
        let mut rest = n;
        for slot in digits.iter_mut().rev() {
            *slot = BASE62[(rest % 62) as usize];
            rest /= 62;
        }
        id.push_str(std::str::from_utf8(&digits).expect("ASCII"));
        Id::new(&id)
            .unwrap_or_else(|e| panic!("generated Id: {e}"))
            .to_string()
    }
}

/// Parses a 15- or 18-character Id into its canonical 18-character form (see
/// [`sforce_model::Id`]). `None` when the text is not an Id.
pub(crate) fn parse_id(text: &str) -> Option<String> {
    Id::new(text).ok().map(|id| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_suffix() {
        // A real Salesforce Id pair.
        assert_eq!(
            parse_id("001A0000006Vm9r").as_deref(),
            Some("001A0000006Vm9rIAC")
        );
        assert_eq!(
            parse_id("001A0000006Vm9rIAC").as_deref(),
            Some("001A0000006Vm9rIAC")
        );
        assert_eq!(parse_id("001A0000006Vm9rXXX"), None);
        assert_eq!(parse_id("not-an-id"), None);
    }

    #[test]
    fn generated_ids_are_valid_and_ordered() {
        let ids = IdGenerator::default();
        let a = ids.next("00T");
        let b = ids.next("00T");
        assert_eq!(a.len(), 18);
        assert!(a.starts_with("00T"));
        assert!(a < b);
        assert_eq!(parse_id(&a).as_deref(), Some(a.as_str()));
    }
}
