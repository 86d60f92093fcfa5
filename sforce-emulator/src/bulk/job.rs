//! One Bulk API 2.0 job: its info fields, state, uploaded data and result files.

use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use axum::body::Bytes;
use serde_json::{Value, json};

use crate::coerce::format_datetime;

/// A job state: the client's type, so that both sides name states alike.
pub(crate) use sforce_core::bulk::JobState;

/// Ingest or query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobKind {
    Ingest,
    Query,
}

/// The mutable part of a job.
#[derive(Debug)]
pub(crate) struct JobData {
    pub(crate) state: JobState,
    pub(crate) modstamp: String,
    pub(crate) processed: u64,
    pub(crate) failed: u64,
    pub(crate) error_message: Option<String>,
    pub(crate) processing_ms: u64,
    /// The one upload (ingest).
    pub(crate) upload: Option<Bytes>,
    /// Result files, each starting with its header line once the job is processed.
    pub(crate) successful: Vec<u8>,
    pub(crate) failed_rows: Vec<u8>,
    pub(crate) unprocessed: Vec<u8>,
    /// Query results: the header line and one CSV line per row.
    pub(crate) query_header: Vec<u8>,
    pub(crate) query_rows: Vec<Vec<u8>>,
    pub(crate) started: Option<Instant>,
    /// A processing task still holds rows (an aborted job's result files are complete only
    /// once it is done).
    pub(crate) processing: bool,
}

/// One job.
#[derive(Debug)]
pub(crate) struct Job {
    pub(crate) id: String,
    pub(crate) kind: JobKind,
    /// The sObject API name as described (ingest), or the queried object (query).
    pub(crate) object: String,
    pub(crate) operation: String,
    pub(crate) external_id_field: Option<String>,
    pub(crate) query: Option<String>,
    pub(crate) api_version: u32,
    pub(crate) created: String,
    data: Mutex<JobData>,
}

impl Job {
    pub(crate) fn new(
        id: String,
        kind: JobKind,
        object: String,
        operation: String,
        external_id_field: Option<String>,
        query: Option<String>,
        api_version: u32,
    ) -> Self {
        let now = format_datetime(time::OffsetDateTime::now_utc());
        let state = match kind {
            JobKind::Ingest => JobState::Open,
            JobKind::Query => JobState::UploadComplete,
        };
        Job {
            id,
            kind,
            object,
            operation,
            external_id_field,
            query,
            api_version,
            created: now.clone(),
            data: Mutex::new(JobData {
                state,
                modstamp: now,
                processed: 0,
                failed: 0,
                error_message: None,
                processing_ms: 0,
                upload: None,
                successful: Vec::new(),
                failed_rows: Vec::new(),
                unprocessed: Vec::new(),
                query_header: Vec::new(),
                query_rows: Vec::new(),
                started: None,
                processing: false,
            }),
        }
    }

    /// The mutable state (a std mutex: never held across an `.await`).
    pub(crate) fn data(&self) -> MutexGuard<'_, JobData> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn state(&self) -> JobState {
        self.data().state.clone()
    }

    /// Moves to `state`, stamping `systemModstamp` (and the processing time when it ends).
    pub(crate) fn set_state(data: &mut JobData, state: JobState) {
        data.modstamp = format_datetime(time::OffsetDateTime::now_utc());
        if state == JobState::InProgress {
            data.started = Some(Instant::now());
        }
        if state.is_terminal()
            && let Some(started) = data.started
        {
            data.processing_ms = started.elapsed().as_millis() as u64;
        }
        data.state = state;
    }

    /// The job info JSON (`GET /jobs/{ingest|query}/{id}`); `detail` adds the counters.
    pub(crate) fn info(&self, detail: bool) -> Value {
        let data = self.data();
        let mut info = json!({
            "id": self.id,
            "operation": self.operation,
            "object": self.object,
            "createdById": "0055g0000000001AAA",
            "createdDate": self.created,
            "systemModstamp": data.modstamp,
            "state": data.state.as_str(),
            "concurrencyMode": "Parallel",
            "contentType": "CSV",
            "apiVersion": f64::from(self.api_version),
            "lineEnding": "LF",
            "columnDelimiter": "COMMA",
        });
        if self.kind == JobKind::Ingest {
            info["externalIdFieldName"] = json!(self.external_id_field);
            info["contentUrl"] = json!(format!(
                "services/data/v{}.0/jobs/ingest/{}/batches",
                self.api_version, self.id
            ));
        } else {
            info["query"] = json!(self.query);
        }
        if detail {
            info["numberRecordsProcessed"] = json!(data.processed);
            info["retries"] = json!(0);
            info["totalProcessingTime"] = json!(data.processing_ms);
            if self.kind == JobKind::Ingest {
                info["numberRecordsFailed"] = json!(data.failed);
                info["errorMessage"] = json!(data.error_message);
                info["apexProcessingTime"] = json!(0);
                info["apiActiveProcessingTime"] = json!(data.processing_ms);
            }
        }
        info
    }
}
