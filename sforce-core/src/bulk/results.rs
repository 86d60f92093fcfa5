//! The outcome of a bulk load, per input record and in total.

use crate::error::ApiErrorItem;
use crate::types::Id;

/// What happened to one input record of a load.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadOutcome {
    /// The row that carried the record created a record.
    Created {
        /// The new record's Id.
        id: Id,
    },
    /// The row that carried the record updated an existing record (upsert, update).
    Updated {
        /// The record's Id.
        id: Id,
    },
    /// The row that carried the record deleted it (delete, hardDelete).
    Deleted {
        /// The record's Id.
        id: Id,
    },
    /// Salesforce rejected the row that carried the record (`failedResults`).
    Failed {
        /// The record's Id when Salesforce reported one.
        id: Option<Id>,
        /// The error, parsed from `sf__Error`.
        error: ApiErrorItem,
    },
    /// The row was not processed (job aborted or failed; `unprocessedrecords`), or no result
    /// file mentioned it.
    Unprocessed,
    /// The record was never sent: it could not be written as a CSV row (no value for the key,
    /// a value without a CSV form, a serialization error).
    Invalid {
        /// Why.
        message: String,
    },
}

impl LoadOutcome {
    /// The record Id, for created, updated, deleted (and failed rows that have one).
    pub fn id(&self) -> Option<&Id> {
        match self {
            LoadOutcome::Created { id }
            | LoadOutcome::Updated { id }
            | LoadOutcome::Deleted { id } => Some(id),
            LoadOutcome::Failed { id, .. } => id.as_ref(),
            _ => None,
        }
    }

    /// Whether the record was written (created, updated or deleted).
    pub fn is_success(&self) -> bool {
        matches!(
            self,
            LoadOutcome::Created { .. } | LoadOutcome::Updated { .. } | LoadOutcome::Deleted { .. }
        )
    }
}

/// The outcome of one input record, joined back to it by its position in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadResult {
    /// The record's 0-based position in the input stream or iterator.
    pub index: u64,
    /// What happened to it.
    pub outcome: LoadOutcome,
    /// How many input records the row that carried this one merged (1: not merged). Writes to
    /// one key inside one job are merged field by field, later wins; each of them gets the
    /// outcome of the merged row.
    pub merged: u32,
    /// The job that carried the row (`None` for [`LoadOutcome::Invalid`]).
    pub job_id: Option<String>,
}

/// Totals of a finished load.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadReport {
    /// The jobs the load created, in order.
    pub jobs: Vec<String>,
    /// Input records read.
    pub records: u64,
    /// CSV rows uploaded (input records minus merged and invalid ones).
    pub rows: u64,
    /// Input records folded into another record's row (writes to one key merged).
    pub merged: u64,
    /// Input records whose row created a record.
    pub created: u64,
    /// Input records whose row updated a record.
    pub updated: u64,
    /// Input records whose row deleted a record.
    pub deleted: u64,
    /// Input records whose row failed.
    pub failed: u64,
    /// Input records whose row was not processed.
    pub unprocessed: u64,
    /// Input records never sent ([`LoadOutcome::Invalid`]).
    pub invalid: u64,
    /// Bytes of CSV uploaded.
    pub bytes: u64,
}

impl LoadReport {
    pub(crate) fn count(&mut self, outcome: &LoadOutcome) {
        let slot = match outcome {
            LoadOutcome::Created { .. } => &mut self.created,
            LoadOutcome::Updated { .. } => &mut self.updated,
            LoadOutcome::Deleted { .. } => &mut self.deleted,
            LoadOutcome::Failed { .. } => &mut self.failed,
            LoadOutcome::Unprocessed => &mut self.unprocessed,
            LoadOutcome::Invalid { .. } => &mut self.invalid,
        };
        *slot += 1;
    }

    /// Whether every input record was written.
    pub fn all_succeeded(&self) -> bool {
        self.failed == 0 && self.unprocessed == 0 && self.invalid == 0
    }
}
