//! Salesforce describe output to Rust structs deriving `sforce::SObject`.
#![warn(missing_docs)]
