//! An embedded Salesforce REST emulator: real HTTP on loopback, Salesforce's JSON shapes, and its
//! upsert race.
#![warn(missing_docs)]
