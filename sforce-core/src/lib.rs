//! Runtime of [sforce](https://docs.rs/sforce): the Salesforce REST client, its typed errors,
//! the keyed single-flight write executor, and the describe model shared with the emulator and
//! codegen. Most users depend on the `sforce` facade crate instead of this one.
#![warn(missing_docs)]

pub mod auth;
pub mod bulk;
pub mod client;
pub mod error;
pub mod executor;
pub mod query;
mod redact;
pub mod sobject;
pub mod types;

/// The describe model and its reader (from `sforce-model`, shared with codegen and the emulator).
pub use sforce_model::describe;

/// The `reqwest` this crate is built with: [`auth::TokenProvider::fetch`] takes its
/// [`reqwest::Client`], so implement custom providers against this re-export.
pub use reqwest;

pub use client::{Client, ClientBuilder, UpsertKey, UpsertOutcome};
pub use error::{Error, ErrorCode, Result};
pub use query::{QueryResult, QueryStream, Select, Soql};
pub use sobject::{ExternalIdRef, FieldRef, Patch, ReadOnlyRef, Record, SObject};
pub use types::{Date, DateTime, Field, Id, Picklist, Time};
