//! The domain rules every sforce crate shares: Salesforce API names and their suffixes
//! ([`name`]), the record [`Id`] with its 15 ↔ 18 character checksum, and the describe model
//! with its one reader ([`describe`]).
//!
//! An ordinary crate with light dependencies, so the client (`sforce-core`), the derive
//! (`sforce-derive`), the code generator and the emulator all apply the same rules. Most users
//! reach these types through the `sforce` facade.
#![warn(missing_docs)]

pub mod describe;
pub mod id;
pub mod name;

pub use id::{Id, InvalidId};
