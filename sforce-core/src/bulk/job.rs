//! Bulk API 2.0 job resources: job info, states, operations, and the single-request calls
//! (create, upload, close, abort, delete, get, results, wait).

use std::fmt;
use std::time::Duration;

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::progress::{Progress, ProgressEvent};
use crate::client::Client;
use crate::client::path::check_name;
use crate::client::pipeline::Resend;
use crate::client::request::{BodyChunks, Call, Response};
use crate::error::{Error, Result};

/// The state of a Bulk API 2.0 job.
///
/// Ingest: `Open` → `UploadComplete` → `InProgress` → `JobComplete` | `Failed`, or `Aborted`
/// from any state before completion. Query jobs start at `UploadComplete`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum JobState {
    /// Created; data may be uploaded (ingest only).
    Open,
    /// Data uploaded and the job closed; waiting to be processed.
    UploadComplete,
    /// Being processed.
    InProgress,
    /// Processed; results can be read.
    JobComplete,
    /// Processing failed as a whole (see [`JobInfo::error_message`]).
    Failed,
    /// Aborted by a client; unprocessed rows are in `unprocessedrecords`.
    Aborted,
    /// A state this version of sforce does not know, kept verbatim.
    #[serde(untagged)]
    Other(String),
}

impl JobState {
    /// Whether the job will not change any more (`JobComplete`, `Failed`, `Aborted`).
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            JobState::JobComplete | JobState::Failed | JobState::Aborted
        )
    }

    /// The state as Salesforce writes it.
    pub fn as_str(&self) -> &str {
        match self {
            JobState::Open => "Open",
            JobState::UploadComplete => "UploadComplete",
            JobState::InProgress => "InProgress",
            JobState::JobComplete => "JobComplete",
            JobState::Failed => "Failed",
            JobState::Aborted => "Aborted",
            JobState::Other(s) => s,
        }
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The operation of an ingest job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum IngestOperation {
    /// Create records.
    Insert,
    /// Update records by `Id`.
    Update,
    /// Create or update records by an external ID field.
    Upsert,
    /// Delete records by `Id` (to the recycle bin).
    Delete,
    /// Delete records by `Id` permanently.
    HardDelete,
}

impl IngestOperation {
    /// The operation as Salesforce writes it (`hardDelete`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            IngestOperation::Insert => "insert",
            IngestOperation::Update => "update",
            IngestOperation::Upsert => "upsert",
            IngestOperation::Delete => "delete",
            IngestOperation::HardDelete => "hardDelete",
        }
    }
}

/// The operation of a query job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum QueryOperation {
    /// Live records only.
    Query,
    /// Also deleted and archived records.
    QueryAll,
}

/// The job info Salesforce returns for an ingest or query job (`GET /jobs/ingest/{id}`).
/// Fields a given call does not return are `None` / zero.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct JobInfo {
    /// The job Id (`750...`).
    pub id: String,
    /// `insert`, `upsert`, ..., `query`, `queryAll`.
    #[serde(default)]
    pub operation: String,
    /// The sObject.
    #[serde(default)]
    pub object: String,
    /// The job state.
    pub state: JobState,
    /// The external ID field of an upsert.
    #[serde(default)]
    pub external_id_field_name: Option<String>,
    /// The upload URL of an ingest job (`services/data/vXX.X/jobs/ingest/{id}/batches`).
    #[serde(default)]
    pub content_url: Option<String>,
    /// Records processed so far (successful and failed).
    #[serde(default)]
    pub number_records_processed: u64,
    /// Records failed so far.
    #[serde(default)]
    pub number_records_failed: u64,
    /// Why the job failed, when it did.
    #[serde(default)]
    pub error_message: Option<String>,
    /// Times Salesforce retried the job's chunks.
    #[serde(default)]
    pub retries: u64,
    /// Processing time in milliseconds.
    #[serde(default)]
    pub total_processing_time: u64,
    /// The API version the job was created with (a number on the wire, e.g. `62.0`).
    #[serde(default)]
    pub api_version: Option<serde_json::Value>,
    /// `Parallel`.
    #[serde(default)]
    pub concurrency_mode: Option<String>,
    /// `CSV`.
    #[serde(default)]
    pub content_type: Option<String>,
    /// `LF` or `CRLF`.
    #[serde(default)]
    pub line_ending: Option<String>,
    /// `COMMA`, ...
    #[serde(default)]
    pub column_delimiter: Option<String>,
    /// When the job was created.
    #[serde(default)]
    pub created_date: Option<String>,
    /// When the job last changed.
    #[serde(default)]
    pub system_modstamp: Option<String>,
}

/// How to wait for a job: the delay between two status reads grows from `initial` by
/// `factor` up to `max`. Reads are idempotent GETs.
///
/// ```
/// use std::time::Duration;
/// use sforce_core::bulk::PollPolicy;
/// let poll = PollPolicy::new().initial(Duration::from_millis(200)).max(Duration::from_secs(5));
/// assert_eq!(poll.delay(0), Duration::from_millis(200));
/// assert_eq!(poll.delay(30), Duration::from_secs(5));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use]
pub struct PollPolicy {
    initial: Duration,
    max: Duration,
    factor: f64,
}

impl Default for PollPolicy {
    /// 500 ms, growing by 1.5× up to 10 s.
    fn default() -> Self {
        PollPolicy {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(10),
            factor: 1.5,
        }
    }
}

impl PollPolicy {
    /// The default policy.
    pub fn new() -> Self {
        Self::default()
    }

    /// The first delay.
    pub fn initial(mut self, delay: Duration) -> Self {
        self.initial = delay;
        self
    }

    /// The largest delay.
    pub fn max(mut self, delay: Duration) -> Self {
        self.max = delay;
        self
    }

    /// The growth factor (at least 1).
    pub fn factor(mut self, factor: f64) -> Self {
        self.factor = if factor.is_finite() {
            factor.max(1.0)
        } else {
            1.0
        };
        self
    }

    /// The delay before status read number `attempt + 1`.
    pub fn delay(&self, attempt: u32) -> Duration {
        let grown = self.initial.as_secs_f64() * self.factor.powi(attempt.min(64) as i32);
        Duration::from_secs_f64(grown.min(self.max.as_secs_f64()))
    }
}

/// What to create: `POST /jobs/ingest`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct IngestJobRequest<'a> {
    pub(crate) object: &'a str,
    pub(crate) operation: IngestOperation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) external_id_field_name: Option<&'a str>,
    pub(crate) content_type: &'static str,
    pub(crate) line_ending: &'static str,
    pub(crate) column_delimiter: &'static str,
}

/// Which results file of an ingest job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResultsKind {
    Successful,
    Failed,
    Unprocessed,
}

impl ResultsKind {
    fn resource(self) -> &'static str {
        match self {
            ResultsKind::Successful => "successfulResults",
            ResultsKind::Failed => "failedResults",
            ResultsKind::Unprocessed => "unprocessedrecords",
        }
    }
}

/// Whether a job is an ingest or a query job (their resources differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobKind {
    Ingest,
    Query,
}

impl JobKind {
    fn segment(self) -> &'static str {
        match self {
            JobKind::Ingest => "ingest",
            JobKind::Query => "query",
        }
    }
}

/// Job Ids go in URL paths: they must be plain alphanumerics.
pub(crate) fn check_job_id(id: &str) -> Result<()> {
    if !id.is_empty() && id.len() <= 18 && id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(Error::invalid_input(format!(
            "invalid Bulk API job Id {id:?}"
        )))
    }
}

impl Client {
    pub(crate) fn job_path(&self, kind: JobKind, id: Option<&str>, rest: &str) -> Result<String> {
        let mut path = format!("jobs/{}", kind.segment());
        if let Some(id) = id {
            check_job_id(id)?;
            path.push('/');
            path.push_str(id);
        }
        if !rest.is_empty() {
            path.push('/');
            path.push_str(rest);
        }
        Ok(self.data_path(&path))
    }

    pub(crate) async fn create_ingest_job(
        &self,
        request: &IngestJobRequest<'_>,
    ) -> Result<JobInfo> {
        check_name("sObject", request.object)?;
        if let Some(field) = request.external_id_field_name {
            check_name("field", field)?;
        }
        let call =
            Call::new(Method::POST, self.job_path(JobKind::Ingest, None, "")?).json(request)?;
        // A POST: not idempotent (a resent create would open a second job), so the pipeline
        // resends it only when it cannot have arrived.
        self.execute_ok(&call).await?.json()
    }

    /// Uploads a job's CSV; returns the CSV's buffer (emptied by the caller), or an empty one
    /// when it is still shared.
    pub(crate) async fn upload_job_data(&self, id: &str, csv: Vec<u8>) -> Result<Vec<u8>> {
        // A PUT, but not idempotent here: Salesforce refuses a second upload to one job, so
        // the pipeline may resend it only when the first cannot have arrived.
        let mut call = Call::new(
            Method::PUT,
            self.job_path(JobKind::Ingest, Some(id), "batches")?,
        )
        .resend(Resend::NotIdempotent);
        call.body = Some((csv.into(), "text/csv".to_owned()));
        self.execute_ok(&call).await?;
        // The buffer back for the next job, when nothing else holds it any more.
        let body = call.body.take().map(|(body, _)| body).unwrap_or_default();
        Ok(body.try_into_mut().map(Vec::from).unwrap_or_default())
    }

    pub(crate) async fn set_job_state(
        &self,
        kind: JobKind,
        id: &str,
        state: JobState,
    ) -> Result<JobInfo> {
        let call = Call::new(Method::PATCH, self.job_path(kind, Some(id), "")?)
            .json(&serde_json::json!({ "state": state }))?;
        self.execute_ok(&call).await?.json()
    }

    pub(crate) async fn job_info(&self, kind: JobKind, id: &str) -> Result<JobInfo> {
        let call = Call::new(Method::GET, self.job_path(kind, Some(id), "")?);
        self.execute_ok(&call).await?.json()
    }

    pub(crate) async fn delete_job(&self, kind: JobKind, id: &str) -> Result<()> {
        let call = Call::new(Method::DELETE, self.job_path(kind, Some(id), "")?);
        self.execute_ok(&call).await.map(drop)
    }

    /// A result file of an ingest job, chunk by chunk as it downloads (it is as large as
    /// the upload: never held whole).
    pub(crate) async fn job_results(&self, id: &str, which: ResultsKind) -> Result<BodyChunks> {
        let call = Call::new(
            Method::GET,
            self.job_path(JobKind::Ingest, Some(id), which.resource())?,
        )
        .streamed();
        Ok(self.execute_ok(&call).await?.chunks())
    }

    pub(crate) async fn query_results_page(
        &self,
        id: &str,
        locator: Option<&str>,
        max_records: Option<u64>,
    ) -> Result<Response> {
        let mut call = Call::new(
            Method::GET,
            self.job_path(JobKind::Query, Some(id), "results")?,
        );
        if let Some(locator) = locator {
            call = call.query("locator", locator);
        }
        if let Some(max) = max_records {
            call = call.query("maxRecords", max.to_string());
        }
        self.execute_ok(&call).await
    }

    /// Polls a job with `poll`'s backoff until it is terminal, reporting each state change.
    pub(crate) async fn wait_job(
        &self,
        kind: JobKind,
        id: &str,
        poll: &PollPolicy,
        progress: &Progress,
        mut on_info: impl FnMut(&JobInfo),
    ) -> Result<JobInfo> {
        let mut attempt = 0u32;
        let mut last: Option<(JobState, u64, u64)> = None;
        loop {
            let info = self.job_info(kind, id).await?;
            on_info(&info);
            let now = (
                info.state.clone(),
                info.number_records_processed,
                info.number_records_failed,
            );
            if last.as_ref() != Some(&now) {
                progress.emit(ProgressEvent::JobStatus {
                    job: Box::new(info.clone()),
                });
                last = Some(now);
            }
            if info.state.is_terminal() {
                return Ok(info);
            }
            tokio::time::sleep(poll.delay(attempt)).await;
            attempt = attempt.saturating_add(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_info_reads_the_documented_shape() {
        let info: JobInfo = serde_json::from_str(
            r#"{"id":"7505g000001AbCdAAK","operation":"upsert","object":"Task","createdById":"005",
            "createdDate":"2024-01-01T00:00:00.000+0000","systemModstamp":"2024-01-01T00:00:00.000+0000",
            "state":"Open","externalIdFieldName":"uuid__c","concurrencyMode":"Parallel",
            "contentType":"CSV","apiVersion":62.0,"contentUrl":"services/data/v62.0/jobs/ingest/7505g000001AbCdAAK/batches",
            "lineEnding":"LF","columnDelimiter":"COMMA"}"#,
        )
        .unwrap();
        assert_eq!(info.state, JobState::Open);
        assert_eq!(info.external_id_field_name.as_deref(), Some("uuid__c"));
        let odd: JobState = serde_json::from_str("\"Queued\"").unwrap();
        assert_eq!(odd, JobState::Other("Queued".into()));
        assert!(!odd.is_terminal());
        assert_eq!(
            serde_json::to_string(&JobState::UploadComplete).unwrap(),
            "\"UploadComplete\""
        );
        assert_eq!(
            serde_json::to_string(&IngestOperation::HardDelete).unwrap(),
            "\"hardDelete\""
        );
    }

    #[test]
    fn job_ids_are_checked() {
        check_job_id("7505g000001AbCdAAK").unwrap();
        for bad in ["", "../x", "750 1", "7505g000001AbCdAAKxx"] {
            assert!(check_job_id(bad).is_err(), "{bad}");
        }
    }
}
