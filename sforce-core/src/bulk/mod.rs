//! Bulk API 2.0: ingest and query jobs, typed and streamed.
//!
//! [`Client::bulk`] returns a [`Bulk`] handle. For records of a `#[derive(SObject)]` struct:
//!
//! | call | job | input items |
//! |---|---|---|
//! | [`Bulk::upsert`]`(CallLog::FIELD.uuid)` | `upsert` by that external ID | `CallLog` |
//! | [`Bulk::insert`]`::<CallLog>()` | `insert` | `CallLog` |
//! | [`Bulk::update`]`::<CallLog>()` | `update` by Id | `(Id, CallLog)` |
//! | [`Bulk::delete`]`::<CallLog>()`, [`Bulk::hard_delete`] | `delete`, `hardDelete` | [`Id`] |
//! | [`Bulk::raw`] | any | `serde_json::Map` rows |
//! | [`Bulk::query`]`::<CallLog>(soql)` | `query` / `queryAll` | rows out as `CallLog` |
//!
//! Each ingest call returns a [`Load`], which takes any `Stream` (or, with
//! [`Load::run_iter`], iterator) of items, splits them into jobs of at most
//! [`Load::max_upload_bytes`] of CSV, merges writes to one key inside a job (so no job holds
//! a key twice), and reports one [`LoadResult`] per input record. See [`Load`] for the
//! details, the memory it uses, what happens when its future is dropped, and what holds
//! against concurrent REST upserts.
//!
//! ```no_run
//! # use sforce::{Client, SObject};
//! # #[derive(SObject)]
//! # #[sobject(name = "Task")]
//! # struct CallLog {
//! #     #[external_id] #[sobject(rename = "uuid__c")] uuid: String,
//! #     subject: Option<String>,
//! # }
//! # async fn run(client: Client, calls: Vec<CallLog>) -> sforce::Result<()> {
//! use futures::TryStreamExt;
//! let report = client
//!     .bulk()
//!     .upsert(CallLog::FIELD.uuid)
//!     .on_progress(|event| eprintln!("{event:?}"))
//!     .on_result(|result| {
//!         if !result.outcome.is_success() {
//!             eprintln!("record #{}: {:?}", result.index, result.outcome);
//!         }
//!     })
//!     .run_iter(calls)
//!     .await?;
//! println!("{} created, {} updated, {} failed", report.created, report.updated, report.failed);
//!
//! let calls: Vec<CallLog> = client
//!     .bulk()
//!     .query::<CallLog>("SELECT uuid__c, Subject FROM Task")
//!     .stream()
//!     .try_collect()
//!     .await?;
//! # let _ = calls; Ok(()) }
//! ```
//!
//! The lower-level job calls ([`Bulk::create_job`], [`Bulk::upload`], [`Bulk::close`],
//! [`Bulk::abort`], [`Bulk::delete_job`], [`Bulk::job`], [`Bulk::wait`], [`Bulk::results`])
//! are there for callers that manage jobs themselves.

mod buffer;
pub mod csv;
mod guard;
mod job;
mod load;
mod progress;
mod query;
mod results;

use serde_json::{Map, Value};

pub use job::{IngestOperation, JobInfo, JobState, PollPolicy, QueryOperation};
pub use load::{DEFAULT_MAX_UPLOAD_BYTES, Load};
pub use progress::ProgressEvent;
pub use query::{DEFAULT_MAX_RECORDS, QueryJob};
pub use results::{LoadOutcome, LoadReport, LoadResult};

use crate::client::Client;
use crate::error::Result;
use crate::sobject::{ExternalIdRef, RecordReader, SObject};
use crate::types::Id;
use buffer::RowKey;
use job::{IngestJobRequest, JobKind, ResultsKind};
use load::{external_id_key, id_key};

/// Which result file of an ingest job to read with [`Bulk::results`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResultFile {
    /// `successfulResults`: `sf__Id`, `sf__Created`, then the input columns.
    Successful,
    /// `failedResults`: `sf__Id`, `sf__Error`, then the input columns.
    Failed,
    /// `unprocessedrecords`: the input columns.
    Unprocessed,
}

/// Bulk API 2.0 operations of a [`Client`]; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct Bulk {
    client: Client,
}

impl Client {
    /// Bulk API 2.0 ingest and query jobs.
    pub fn bulk(&self) -> Bulk {
        Bulk {
            client: self.clone(),
        }
    }
}

/// The writable fields of `S`, in declaration order: the columns of its loads.
fn writable_columns<S: SObject>() -> Vec<String> {
    S::FIELDS
        .iter()
        .filter(|f| f.is_writable())
        .map(|f| f.api_name().to_owned())
        .collect()
}

fn body_of<S: SObject>(record: &S) -> std::result::Result<Vec<(String, Value)>, String> {
    let body = record.to_write_body().map_err(|e| e.to_string())?;
    Ok(csv::flatten(body))
}

impl Bulk {
    /// Upserts records of `S` by the external ID `key` (`CallLog::FIELD.uuid`). Columns: every
    /// writable field of `S`; a `None` / [`Field::Unchanged`](crate::types::Field) field is
    /// an empty cell (left unchanged), [`Field::Null`](crate::types::Field) is `#N/A`. Writes
    /// to one key (compared as the field declares: case-insensitive by default) are merged.
    pub fn upsert<S: SObject + Send, V>(&self, key: ExternalIdRef<S, V>) -> Load<S> {
        Load::new(
            self.client.clone(),
            S::API_NAME,
            IngestOperation::Upsert,
            external_id_key(key.api_name(), key.is_case_sensitive()),
            writable_columns::<S>(),
            std::sync::Arc::new(|record: S| body_of(&record)),
        )
    }

    /// Inserts records of `S`. Inserts have no key: nothing is merged, and results are joined
    /// back by the rows' content.
    pub fn insert<S: SObject + Send>(&self) -> Load<S> {
        Load::new(
            self.client.clone(),
            S::API_NAME,
            IngestOperation::Insert,
            RowKey::Content,
            writable_columns::<S>(),
            std::sync::Arc::new(|record: S| body_of(&record)),
        )
    }

    /// Updates records of `S` by Id. Writes to one Id are merged.
    pub fn update<S: SObject + Send>(&self) -> Load<(Id, S)> {
        let mut columns = vec!["Id".to_owned()];
        columns.extend(writable_columns::<S>());
        Load::new(
            self.client.clone(),
            S::API_NAME,
            IngestOperation::Update,
            id_key(),
            columns,
            std::sync::Arc::new(|(id, record): (Id, S)| {
                let mut pairs = vec![("Id".to_owned(), Value::String(id.as_str().to_owned()))];
                pairs.extend(
                    body_of(&record)?
                        .into_iter()
                        .filter(|(name, _)| !name.eq_ignore_ascii_case("Id")),
                );
                Ok(pairs)
            }),
        )
    }

    /// Deletes records of `S` by Id (to the recycle bin).
    pub fn delete<S: SObject>(&self) -> Load<Id> {
        self.delete_with(S::API_NAME, IngestOperation::Delete)
    }

    /// Deletes records of `S` by Id permanently (`hardDelete`; needs the "Bulk API Hard
    /// Delete" permission).
    pub fn hard_delete<S: SObject>(&self) -> Load<Id> {
        self.delete_with(S::API_NAME, IngestOperation::HardDelete)
    }

    fn delete_with(&self, sobject: &str, operation: IngestOperation) -> Load<Id> {
        Load::new(
            self.client.clone(),
            sobject,
            operation,
            id_key(),
            vec!["Id".to_owned()],
            std::sync::Arc::new(|id: Id| {
                Ok(vec![(
                    "Id".to_owned(),
                    Value::String(id.as_str().to_owned()),
                )])
            }),
        )
    }

    /// A load of untyped rows (field API name → value; a nested object under `Owner` becomes
    /// `Owner.<field>` columns). Columns are the union of the rows' keys, per job. An upsert
    /// needs `external_id_field` (compared case-insensitively); update and delete rows need
    /// `Id`.
    pub fn raw(
        &self,
        sobject: &str,
        operation: IngestOperation,
        external_id_field: Option<&str>,
    ) -> Load<Map<String, Value>> {
        let key = match (operation, external_id_field) {
            (IngestOperation::Upsert, Some(field)) => external_id_key(field, false),
            (IngestOperation::Upsert, None) => RowKey::Content,
            (IngestOperation::Insert, _) => RowKey::Content,
            _ => id_key(),
        };
        Load::new(
            self.client.clone(),
            sobject,
            operation,
            key,
            Vec::new(),
            std::sync::Arc::new(|row: Map<String, Value>| Ok(csv::flatten(row))),
        )
    }

    /// A query job whose rows decode into `S` (select `S`'s fields, e.g. built from
    /// [`SObject::select_fields`]).
    pub fn query<S: SObject + Send + 'static>(&self, soql: &str) -> QueryJob<S> {
        QueryJob::new(self.client.clone(), soql, |object| {
            S::from_record(&mut RecordReader::from_text(S::API_NAME, object))
                .map_err(|e| e.to_string())
        })
    }

    /// A query job whose rows are JSON objects of text cells (`null` for empty cells).
    pub fn query_raw(&self, soql: &str) -> QueryJob<Map<String, Value>> {
        QueryJob::new(self.client.clone(), soql, Ok)
    }

    /// Creates an ingest job (`POST /jobs/ingest`, CSV, LF, comma). Not retried: a repeated
    /// create would open a second job.
    pub async fn create_job(
        &self,
        sobject: &str,
        operation: IngestOperation,
        external_id_field: Option<&str>,
    ) -> Result<JobInfo> {
        self.client
            .create_ingest_job(&IngestJobRequest {
                object: sobject,
                operation,
                external_id_field_name: external_id_field,
                content_type: "CSV",
                line_ending: "LF",
                column_delimiter: "COMMA",
            })
            .await
    }

    /// Uploads a job's CSV (`PUT /jobs/ingest/{id}/batches`, `text/csv`). Salesforce accepts
    /// one upload per job.
    pub async fn upload(&self, job_id: &str, csv: Vec<u8>) -> Result<()> {
        self.client.upload_job_data(job_id, csv).await.map(drop)
    }

    /// Closes an ingest job (`state: UploadComplete`): Salesforce starts processing it.
    pub async fn close(&self, job_id: &str) -> Result<JobInfo> {
        self.client
            .set_job_state(JobKind::Ingest, job_id, JobState::UploadComplete)
            .await
    }

    /// Aborts an ingest job (`state: Aborted`).
    pub async fn abort(&self, job_id: &str) -> Result<JobInfo> {
        self.client
            .set_job_state(JobKind::Ingest, job_id, JobState::Aborted)
            .await
    }

    /// Aborts a query job.
    pub async fn abort_query(&self, job_id: &str) -> Result<JobInfo> {
        self.client
            .set_job_state(JobKind::Query, job_id, JobState::Aborted)
            .await
    }

    /// Deletes a finished ingest job.
    pub async fn delete_job(&self, job_id: &str) -> Result<()> {
        self.client.delete_job(JobKind::Ingest, job_id).await
    }

    /// Deletes a finished query job.
    pub async fn delete_query_job(&self, job_id: &str) -> Result<()> {
        self.client.delete_job(JobKind::Query, job_id).await
    }

    /// Reads an ingest job's info.
    pub async fn job(&self, job_id: &str) -> Result<JobInfo> {
        self.client.job_info(JobKind::Ingest, job_id).await
    }

    /// Reads a query job's info.
    pub async fn query_job(&self, job_id: &str) -> Result<JobInfo> {
        self.client.job_info(JobKind::Query, job_id).await
    }

    /// Polls an ingest job with `poll` until it is `JobComplete`, `Failed` or `Aborted`.
    pub async fn wait(&self, job_id: &str, poll: &PollPolicy) -> Result<JobInfo> {
        self.client
            .wait_job(JobKind::Ingest, job_id, poll, &Default::default(), |_| {})
            .await
    }

    /// Reads one result file of an ingest job, as CSV.
    pub async fn results(&self, job_id: &str, file: ResultFile) -> Result<Vec<u8>> {
        let kind = match file {
            ResultFile::Successful => ResultsKind::Successful,
            ResultFile::Failed => ResultsKind::Failed,
            ResultFile::Unprocessed => ResultsKind::Unprocessed,
        };
        let mut body = self.client.job_results(job_id, kind).await?;
        let mut csv = Vec::new();
        while let Some(chunk) = body.chunk().await? {
            csv.extend_from_slice(&chunk);
        }
        Ok(csv)
    }
}
