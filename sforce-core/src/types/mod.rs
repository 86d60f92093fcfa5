//! Salesforce value types: record Ids, dates and times, and write-field states.

mod datetime;
mod field;

pub use datetime::{Date, DateTime, InvalidDateTime, Time};
pub use field::Field;
/// Record Ids (from `sforce-model`): both forms of one record's Id compare equal.
pub use sforce_model::id::{Id, InvalidId};
