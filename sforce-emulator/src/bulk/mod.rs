//! Bulk API 2.0: ingest and query jobs, their state machines, and background processing.
//!
//! Ingest: `Open` → (one upload) → `UploadComplete` → `InProgress` → `JobComplete`, or
//! `Aborted` from `Open`, `UploadComplete` or `InProgress`. Anything else answers 400
//! `INVALIDJOBSTATE`. A closed job is processed in the background in chunks of
//! [`BulkConfig::chunk_size`] rows, [`BulkConfig::parallelism`] chunks at a time, each chunk
//! after [`BulkConfig::chunk_delay`] (the "speed" knob). Rows are validated like REST writes
//! (same describe-driven checks and error codes); one key (external ID of an upsert, `Id` of
//! an update or delete) appearing in several rows of one job fails all of those rows, as
//! Salesforce's parallel chunks would (the exact code Salesforce uses there is unconfirmed:
//! the emulator answers `DUPLICATE_VALUE` `Duplicate external id specified: <value>`).
//!
//! Query: evaluated when created (`crate::soql::run`, the evaluator behind `/query`; a bad
//! query answers 400 then), `UploadComplete`, then `InProgress` and `JobComplete` in the
//! background after one chunk delay; the rows are kept for `results` pages.

mod ingest;
mod job;
mod query;
mod row;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub(crate) use ingest::process_ingest;
pub(crate) use job::{Job, JobKind, JobState};
pub(crate) use query::{evaluate, process_query, results_page};

/// Bulk processing knobs (set with the `EmulatorBuilder` and `Emulator` bulk setters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BulkConfig {
    pub(crate) chunk_size: usize,
    pub(crate) parallelism: usize,
    pub(crate) chunk_delay: Duration,
}

impl Default for BulkConfig {
    fn default() -> Self {
        BulkConfig {
            chunk_size: 2_000,
            parallelism: 4,
            chunk_delay: Duration::ZERO,
        }
    }
}

/// Every job of the emulator, and the processing knobs.
#[derive(Debug, Default)]
pub(crate) struct BulkJobs {
    jobs: Mutex<HashMap<String, Arc<Job>>>,
    config: Mutex<BulkConfig>,
    next: std::sync::atomic::AtomicU64,
}

impl BulkJobs {
    pub(crate) fn config(&self) -> BulkConfig {
        *self.config.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn set_config(&self, f: impl FnOnce(&mut BulkConfig)) {
        f(&mut self.config.lock().unwrap_or_else(|e| e.into_inner()));
    }

    /// A fresh job Id (`750` prefix, 18 characters, like real job Ids).
    pub(crate) fn next_id(&self) -> String {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        format!("7505g{n:010}AAA")
    }

    pub(crate) fn insert(&self, job: Arc<Job>) {
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(job.id.clone(), job);
    }

    pub(crate) fn get(&self, id: &str) -> Option<Arc<Job>> {
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .cloned()
    }

    pub(crate) fn remove(&self, id: &str) -> Option<Arc<Job>> {
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id)
    }

    /// Every job, oldest first.
    pub(crate) fn all(&self) -> Vec<Arc<Job>> {
        let mut jobs: Vec<Arc<Job>> = self
            .jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect();
        jobs.sort_by(|a, b| a.id.cmp(&b.id));
        jobs
    }
}
