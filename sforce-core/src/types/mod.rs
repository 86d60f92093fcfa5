//! Salesforce value types: record Ids, dates and times, and write-field states.

mod datetime;
mod field;
mod id;

pub use datetime::{Date, DateTime, InvalidDateTime, Time};
pub use field::Field;
pub use id::{Id, InvalidId};
