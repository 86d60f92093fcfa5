//! The domain rules every sforce crate shares: Salesforce API names and their suffixes
//! ([`name`]), the record [`Id`] with its 15 ↔ 18 character checksum, and the describe model
//! with its one reader ([`describe`]).
//!
//! An ordinary crate with light dependencies, so the client (`sforce-core`), the derive
//! (`sforce-derive`), the code generator and the emulator all apply the same rules. Most users
//! reach these types through the `sforce` facade. The default feature `describe` brings the
//! describe model, its reader and serde support for [`Id`]; the proc-macro crate turns it off.
#![warn(missing_docs)]

#[cfg(feature = "describe")]
pub mod describe;
pub mod id;
pub mod name;

pub use id::{Id, InvalidId};
