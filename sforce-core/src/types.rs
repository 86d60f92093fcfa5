//! Salesforce value types: Id, dates and times, and write-field states.
