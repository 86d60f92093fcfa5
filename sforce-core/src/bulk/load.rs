//! [`Load`]: a stream of records through Bulk API 2.0 ingest jobs, one job after another.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::sync::Arc;

use futures::{Stream, StreamExt};
use serde_json::Value;

use super::buffer::{Added, JobBuffer, JoinIndex, KeyFold, RowKey, Spare};
use super::csv::{CsvChunks, cell, parse_error_cell};
use super::guard::JobGuard;
use super::job::{
    IngestJobRequest, IngestOperation, JobInfo, JobKind, JobState, PollPolicy, ResultsKind,
};
use super::progress::{Progress, ProgressEvent};
use super::results::{LoadOutcome, LoadReport, LoadResult};
use crate::client::Client;
use crate::client::path::check_name;
use crate::error::{ApiErrorItem, Error, ErrorCode, Result};
use crate::types::Id;

/// The default upload limit: 32 MiB of CSV per job.
///
/// Salesforce accepts up to 100 MB of CSV in one upload (150 MB after base64 encoding), but a
/// job's CSV is buffered in memory (merging writes to one key needs the job's rows at hand),
/// with a per-row index beside it: with short rows a load peaks near 3× its upload limit. At
/// 32 MiB that is about 100 MB whatever the number of records; at 100 MB it would pass 300 MB.
/// Smaller jobs cost a few more requests (create, upload, close, polls and result reads: about
/// ten a job) and nothing in throughput, since Salesforce processes every job in chunks of
/// 10,000 records anyway. Raise it with [`Load::max_upload_bytes`] when memory allows.
pub const DEFAULT_MAX_UPLOAD_BYTES: usize = 32 * 1024 * 1024;

type Encode<T> = Arc<dyn Fn(T) -> std::result::Result<Vec<(String, Value)>, String> + Send + Sync>;
type ResultSink = Box<dyn FnMut(LoadResult) + Send>;

/// A bulk load: records in, one typed result per record out. Built by
/// [`Bulk::upsert`](super::Bulk::upsert), [`insert`](super::Bulk::insert),
/// [`update`](super::Bulk::update), [`delete`](super::Bulk::delete),
/// [`hard_delete`](super::Bulk::hard_delete) or [`raw`](super::Bulk::raw); started with
/// [`Load::run`].
///
/// What a load does, job after job:
///
/// 1. reads records from the input and writes them as CSV rows of the current job; writes to
///    one key (the external ID of an upsert, the `Id` of an update or delete) are merged into
///    the key's row field by field, later wins, an explicit null (`#N/A`) is a value, so **no
///    job holds one key twice**;
/// 2. when the next new key would take the job past [`max_upload_bytes`](Load::max_upload_bytes),
///    creates the job (`POST /jobs/ingest`), uploads the CSV once
///    (`PUT /jobs/ingest/{id}/batches`), closes it (`UploadComplete`), polls it with
///    [`PollPolicy`] until it is `JobComplete`, `Failed` or `Aborted`;
/// 3. reads `successfulResults`, `failedResults` and `unprocessedrecords` and hands one
///    [`LoadResult`] per input record to [`on_result`](Load::on_result) (joined by key, or
///    by row content for inserts), then starts the next job.
///
/// # Memory
///
/// Flat in the number of records: the current job's CSV (at most `max_upload_bytes`) plus 40
/// to 60 bytes per row of it (a 64-bit hash of each key, never the key, and the row's input
/// position; the key set is per job, emptied when the job is done, its allocations reused by
/// the next job). Result files are read as they
/// download, a chunk at a time, and each record's [`LoadResult`] goes to
/// [`on_result`](Load::on_result) at once: nothing is kept per record across jobs (except by
/// [`Load::run_collect`], which collects them). With short rows, expect a peak near three
/// times the upload limit (see [`DEFAULT_MAX_UPLOAD_BYTES`]).
///
/// # Jobs run one after another
///
/// A key may be written in two jobs of one load (writes are merged inside a job only, so the
/// key set stays per job). Jobs run one at a time, the next created only once the previous one
/// is `JobComplete`, so the later job's write lands last: later wins across jobs too. The
/// next job's upload is not overlapped with the previous job's processing on purpose: two
/// jobs processed at once could hold one key, and which lands last would not be defined (or
/// they would fail on the row lock).
///
/// # Concurrency with REST upserts
///
/// A load does not go through the client's write executor: a [`Client::upsert`] of a key
/// while a job holding that key is being processed is not merged with it. Salesforce applies
/// both; which lands last is not defined, and a concurrent insert of one new key makes one of
/// them fail with `DUPLICATE_VALUE` (the REST upsert retries it as an update; the bulk row is
/// reported as [`LoadOutcome::Failed`]). Do not write the same keys by REST during a load
/// when their order matters.
///
/// # Dropping the future
///
/// Dropping the future returned by [`Load::run`] stops reading input and polling at once. A
/// job still `Open` (created, maybe uploaded, not closed) is aborted (`PATCH state=Aborted`,
/// sent from a spawned task); a job already closed keeps running on Salesforce, and nobody
/// reads its results. Either way a [`ProgressEvent::JobAbandoned`] is emitted and a `tracing`
/// warning names the job: a load never leaves a job behind silently.
#[must_use = "a load does nothing until `run` is awaited"]
pub struct Load<T> {
    client: Client,
    sobject: String,
    operation: IngestOperation,
    key: RowKey,
    columns: Vec<String>,
    encode: Encode<T>,
    max_upload_bytes: usize,
    poll: PollPolicy,
    delete_jobs: bool,
    progress: Progress,
    on_result: Option<ResultSink>,
}

impl<T> fmt::Debug for Load<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Load")
            .field("sobject", &self.sobject)
            .field("operation", &self.operation)
            .field("key", &self.key)
            .field("max_upload_bytes", &self.max_upload_bytes)
            .field("poll", &self.poll)
            .finish_non_exhaustive()
    }
}

impl<T: Send> Load<T> {
    pub(crate) fn new(
        client: Client,
        sobject: &str,
        operation: IngestOperation,
        key: RowKey,
        columns: Vec<String>,
        encode: Encode<T>,
    ) -> Self {
        Load {
            client,
            sobject: sobject.to_owned(),
            operation,
            key,
            columns,
            encode,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            poll: PollPolicy::default(),
            delete_jobs: false,
            progress: Progress::default(),
            on_result: None,
        }
    }

    /// The largest CSV uploaded to one job (default [`DEFAULT_MAX_UPLOAD_BYTES`]); more data
    /// goes to further jobs. A single row larger than this still gets its own job.
    pub fn max_upload_bytes(mut self, bytes: usize) -> Self {
        self.max_upload_bytes = bytes.max(1);
        self
    }

    super::progress::watch_methods!("the load's jobs");

    /// Delete each job (`DELETE /jobs/ingest/{id}`) once its results are read (default
    /// `false`: Salesforce keeps finished jobs for 7 days).
    pub fn delete_jobs(mut self, delete: bool) -> Self {
        self.delete_jobs = delete;
        self
    }

    /// Calls `f` with the result of every input record, job by job (records never sent,
    /// [`LoadOutcome::Invalid`], at once).
    pub fn on_result(mut self, f: impl FnMut(LoadResult) + Send + 'static) -> Self {
        self.on_result = Some(Box::new(f));
        self
    }

    /// Runs the load over an iterator of records.
    pub async fn run_iter<I>(self, records: I) -> Result<LoadReport>
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: Send,
    {
        self.run(futures::stream::iter(records)).await
    }

    /// Runs the load and also returns every record's result, sorted by input position. This
    /// keeps one result per record in memory: for large loads use [`Load::on_result`].
    pub async fn run_collect<St>(mut self, records: St) -> Result<(LoadReport, Vec<LoadResult>)>
    where
        St: Stream<Item = T> + Send,
    {
        let collected = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = collected.clone();
        let mut previous = self.on_result.take();
        self.on_result = Some(Box::new(move |result: LoadResult| {
            if let Some(f) = previous.as_mut() {
                f(result.clone());
            }
            sink.lock().unwrap_or_else(|e| e.into_inner()).push(result);
        }));
        let report = self.run(records).await?;
        let mut results = std::mem::take(&mut *collected.lock().unwrap_or_else(|e| e.into_inner()));
        results.sort_by_key(|r| r.index);
        Ok((report, results))
    }

    /// Runs the load: reads every record of `records`, runs the jobs, and returns the totals
    /// once the last job's results are read.
    ///
    /// An error of a job request (create, upload, close, status, results) ends the load with
    /// that error. The rows of a job that was never closed are reported as
    /// [`LoadOutcome::Unprocessed`] first (and the job aborted); rows of a job that was
    /// closed get no result, since Salesforce may still process them.
    pub async fn run<St>(mut self, records: St) -> Result<LoadReport>
    where
        St: Stream<Item = T> + Send,
    {
        if self.operation == IngestOperation::Upsert && !matches!(self.key, RowKey::Column { .. }) {
            return Err(Error::invalid_input(
                "an upsert load needs an external ID field",
            ));
        }
        check_name("sObject", &self.sobject)?;
        let hasher = RandomState::new();
        let mut report = LoadReport::default();
        let mut buffer = self.new_buffer(&hasher, Spare::default());
        let mut records = std::pin::pin!(records);
        let mut index = 0u64;
        while let Some(item) = records.next().await {
            let input = index;
            index += 1;
            report.records += 1;
            let pairs = match self.cells(item) {
                Ok(pairs) => pairs,
                Err(message) => {
                    self.invalid(&mut report, input, message);
                    continue;
                }
            };
            loop {
                let row = match layout(&mut buffer, &pairs) {
                    Ok(row) => row,
                    Err(message) => {
                        self.invalid(&mut report, input, message);
                        break;
                    }
                };
                match buffer.add(input, &row) {
                    Ok(Added::New) => break,
                    Ok(Added::Merged) => {
                        report.merged += 1;
                        break;
                    }
                    Err(_) => {
                        let empty = self.new_buffer(&hasher, Spare::default());
                        let full = std::mem::replace(&mut buffer, empty);
                        let spare = self.run_job(full, &mut report).await?;
                        buffer = self.new_buffer(&hasher, spare);
                    }
                }
            }
        }
        if !buffer.is_empty() {
            self.run_job(buffer, &mut report).await?;
        }
        Ok(report)
    }

    fn new_buffer(&self, hasher: &RandomState, spare: Spare) -> JobBuffer {
        JobBuffer::new(
            &self.columns,
            self.key.clone(),
            self.max_upload_bytes,
            hasher.clone(),
            spare,
        )
    }

    /// A record's (column, cell) pairs.
    fn cells(&self, item: T) -> std::result::Result<Vec<(String, String)>, String> {
        let pairs = (self.encode)(item)?;
        pairs
            .into_iter()
            .map(|(column, value)| {
                for part in column.split('.') {
                    check_name("field", part).map_err(|e| e.to_string())?;
                }
                let text = cell(&value).map_err(|e| format!("{column}: {e}"))?;
                Ok((column, text.into_owned()))
            })
            .collect()
    }

    fn invalid(&mut self, report: &mut LoadReport, input: u64, message: String) {
        self.deliver(
            report,
            LoadResult {
                index: input,
                outcome: LoadOutcome::Invalid { message },
                merged: 1,
                job_id: None,
            },
        );
    }

    fn deliver(&mut self, report: &mut LoadReport, result: LoadResult) {
        report.count(&result.outcome);
        if let Some(f) = self.on_result.as_mut() {
            f(result);
        }
    }

    fn deliver_all(
        &mut self,
        report: &mut LoadReport,
        inputs: Vec<u64>,
        outcome: LoadOutcome,
        job_id: &str,
    ) {
        let merged = u32::try_from(inputs.len()).unwrap_or(u32::MAX);
        for input in inputs {
            self.deliver(
                report,
                LoadResult {
                    index: input,
                    outcome: outcome.clone(),
                    merged,
                    job_id: Some(job_id.to_owned()),
                },
            );
        }
    }

    /// Creates, uploads, closes and waits for one job, then delivers its results; returns
    /// the job's allocations for the next one.
    async fn run_job(&mut self, buffer: JobBuffer, report: &mut LoadReport) -> Result<Spare> {
        let rows = buffer.rows() as u64;
        let (csv, mut index) = buffer.finish();
        let bytes = csv.len() as u64;
        let request = IngestJobRequest {
            object: &self.sobject,
            operation: self.operation,
            external_id_field_name: match (&self.key, self.operation) {
                (RowKey::Column { name, .. }, IngestOperation::Upsert) => Some(name),
                _ => None,
            },
            content_type: "CSV",
            line_ending: "LF",
            column_delimiter: "COMMA",
        };
        let client = self.client.clone();
        let job = match client.create_ingest_job(&request).await {
            Ok(job) => job,
            Err(err) => {
                self.unprocessed(report, &mut index, "");
                return Err(err);
            }
        };
        let mut guard = JobGuard::new(&client, &job.id, &self.progress);
        report.jobs.push(job.id.clone());
        tracing::info!(job = %job.id, rows, bytes, "sforce.bulk: job created");
        let csv = match client.upload_job_data(&job.id, csv).await {
            Ok(csv) => csv,
            Err(err) => {
                self.unprocessed(report, &mut index, &job.id);
                return Err(err);
            }
        };
        report.rows += rows;
        report.bytes += bytes;
        self.progress.emit(ProgressEvent::JobUploaded {
            job_id: job.id.clone(),
            records: rows,
            bytes,
        });
        if let Err(err) = client
            .set_job_state(JobKind::Ingest, &job.id, JobState::UploadComplete)
            .await
        {
            self.unprocessed(report, &mut index, &job.id);
            return Err(err);
        }
        guard.state = JobState::UploadComplete;
        let info = client
            .wait_job(
                JobKind::Ingest,
                &job.id,
                &self.poll,
                &self.progress,
                |info| {
                    guard.state = info.state.clone();
                },
            )
            .await?;
        self.join_results(&info, &mut index, report).await?;
        guard.disarm();
        if self.delete_jobs {
            client.delete_job(JobKind::Ingest, &job.id).await?;
        }
        Ok(index.recycle().with_data(csv))
    }

    fn unprocessed(&mut self, report: &mut LoadReport, index: &mut JoinIndex, job_id: &str) {
        for inputs in index.unanswered() {
            self.deliver_all(report, inputs, LoadOutcome::Unprocessed, job_id);
        }
    }

    async fn join_results(
        &mut self,
        info: &JobInfo,
        index: &mut JoinIndex,
        report: &mut LoadReport,
    ) -> Result<()> {
        let rows = index.rows() as u64;
        let succeeded = info
            .number_records_processed
            .saturating_sub(info.number_records_failed);
        let mut files = Vec::new();
        if succeeded > 0 {
            files.push(ResultsKind::Successful);
        }
        if info.number_records_failed > 0 {
            files.push(ResultsKind::Failed);
        }
        if info.number_records_processed < rows {
            files.push(ResultsKind::Unprocessed);
        }
        for kind in files {
            self.join_file(&info.id, kind, index, report).await?;
        }
        let missing = index.unanswered();
        if !missing.is_empty() && info.state == JobState::JobComplete {
            tracing::warn!(job = %info.id, rows = missing.len(), "sforce.bulk: rows missing from every result file; reported as unprocessed");
        }
        for inputs in missing {
            self.deliver_all(report, inputs, LoadOutcome::Unprocessed, &info.id);
        }
        Ok(())
    }

    /// Reads one result file as it downloads and delivers the result of each of its rows.
    async fn join_file(
        &mut self,
        job_id: &str,
        kind: ResultsKind,
        index: &mut JoinIndex,
        report: &mut LoadReport,
    ) -> Result<()> {
        let bad = |e: ::csv::Error| {
            Error::invalid_input(format!(
                "job {job_id}: unreadable {kind:?} results CSV: {e}"
            ))
        };
        let mut body = self.client.job_results(job_id, kind).await?;
        let mut rows = CsvChunks::default();
        let mut columns = None;
        loop {
            let (records, last) = match body.chunk().await? {
                Some(chunk) => (rows.push(&chunk).map_err(bad)?, false),
                None => (rows.finish().map_err(bad)?, true),
            };
            if !records.is_empty() {
                let columns = columns
                    .get_or_insert_with(|| ResultColumns::new(rows.headers(), index.columns()));
                for record in &records {
                    self.join_row(job_id, kind, columns, record, index, report);
                }
            }
            if last {
                return Ok(());
            }
        }
    }

    fn join_row(
        &mut self,
        job_id: &str,
        kind: ResultsKind,
        columns: &ResultColumns,
        record: &::csv::StringRecord,
        index: &mut JoinIndex,
        report: &mut LoadReport,
    ) {
        let cell = |at: Option<usize>| at.and_then(|p| record.get(p));
        let cells = columns.inputs.iter().map(|&p| cell(p).unwrap_or(""));
        let Some(inputs) = index.take(cells) else {
            tracing::warn!(job = %job_id, ?kind, "sforce.bulk: a result row matches no uploaded row");
            return;
        };
        let id = cell(columns.id)
            .filter(|s| !s.is_empty())
            .and_then(|s| Id::new(s).ok());
        let delete = matches!(
            self.operation,
            IngestOperation::Delete | IngestOperation::HardDelete
        );
        let outcome = match kind {
            ResultsKind::Unprocessed => LoadOutcome::Unprocessed,
            ResultsKind::Failed => LoadOutcome::Failed {
                id,
                error: parse_error_cell(cell(columns.error).unwrap_or("")),
            },
            ResultsKind::Successful => match id {
                None => LoadOutcome::Failed {
                    id: None,
                    error: ApiErrorItem::new(
                        ErrorCode::Other("UNKNOWN".into()),
                        "successful result row without a valid sf__Id",
                    ),
                },
                Some(id) if delete => LoadOutcome::Deleted { id },
                Some(id)
                    if cell(columns.created).is_some_and(|c| c.eq_ignore_ascii_case("true")) =>
                {
                    LoadOutcome::Created { id }
                }
                Some(id) if self.operation == IngestOperation::Insert => {
                    LoadOutcome::Created { id }
                }
                Some(id) => LoadOutcome::Updated { id },
            },
        };
        self.deliver_all(report, inputs, outcome, job_id);
    }
}

/// Where a result file has the columns a join reads.
struct ResultColumns {
    id: Option<usize>,
    created: Option<usize>,
    error: Option<usize>,
    /// The upload's columns, in upload order.
    inputs: Vec<Option<usize>>,
}

impl ResultColumns {
    fn new(headers: &[String], uploaded: &[String]) -> Self {
        let at = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
        ResultColumns {
            id: at("sf__Id"),
            created: at("sf__Created"),
            error: at("sf__Error"),
            inputs: uploaded.iter().map(|c| at(c)).collect(),
        }
    }
}

/// Lays a record's pairs out as one cell per column of `buffer` (adding new columns), and
/// checks that it has a key when the load is keyed.
fn layout(
    buffer: &mut JobBuffer,
    pairs: &[(String, String)],
) -> std::result::Result<Vec<String>, String> {
    let positions: Vec<usize> = pairs.iter().map(|(c, _)| buffer.column_index(c)).collect();
    let mut row = vec![String::new(); buffer.columns().len()];
    for ((_, text), at) in pairs.iter().zip(positions) {
        row[at] = text.clone();
    }
    if buffer.hash_row(row.iter().map(String::as_str)).is_none() {
        let RowKey::Column { name, .. } = buffer.key() else {
            unreachable!("content keys always hash")
        };
        return Err(format!("no value for the key field {name}"));
    }
    Ok(row)
}

/// The key of a typed load keyed by an external ID.
pub(crate) fn external_id_key(field: &str, case_sensitive: bool) -> RowKey {
    RowKey::Column {
        name: field.to_owned(),
        fold: if case_sensitive {
            KeyFold::Exact
        } else {
            KeyFold::Lowercase
        },
    }
}

/// The key of a load keyed by record Id.
pub(crate) fn id_key() -> RowKey {
    RowKey::Column {
        name: "Id".to_owned(),
        fold: KeyFold::RecordId,
    }
}
