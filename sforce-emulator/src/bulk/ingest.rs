//! Background processing of a closed ingest job: header check, duplicate keys, parallel
//! chunks, result files.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::Semaphore;

use super::job::{Job, JobData, JobState};
use super::row::{Column, apply, columns, error_cell};
use crate::api_error::ApiError;
use crate::state::Shared;
use crate::store::normalize;

/// Writes one CSV record (LF) to `out`.
pub(crate) fn write_line<'a>(out: &mut Vec<u8>, cells: impl IntoIterator<Item = &'a str>) {
    let mut writer = csv::WriterBuilder::new()
        .buffer_capacity(256)
        .from_writer(out);
    // Writing to memory cannot fail.
    let _ = writer.write_record(cells.into_iter().map(str::as_bytes));
    let _ = writer.flush();
}

/// Ends a job as `Failed` with `message`; every uploaded row is unprocessed.
fn fail_job(job: &Job, message: String, upload: &[u8]) {
    let mut data = job.data();
    data.processing = false;
    data.error_message = Some(message);
    data.unprocessed = upload.to_vec();
    Job::set_state(&mut data, JobState::Failed);
}

/// Processes a closed ingest job to its end (`JobComplete`, or `Aborted` when aborted
/// meanwhile: the rows not reached then are unprocessed).
pub(crate) async fn process_ingest(state: Shared, job: Arc<Job>) {
    let upload = {
        let mut data = job.data();
        if data.state == JobState::UploadComplete {
            Job::set_state(&mut data, JobState::InProgress);
        }
        data.processing = true;
        data.upload.take().unwrap_or_default()
    };
    let Some(describe) = state.schema.get(&job.object).cloned() else {
        return fail_job(
            &job,
            format!("InvalidJob : Unknown sObject {}", job.object),
            &upload,
        );
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(&upload[..]);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => return fail_job(&job, format!("InvalidBatch : {e}"), &upload),
    };
    let columns = match columns(&describe, &header) {
        Ok(c) => c,
        Err(message) => return fail_job(&job, message, &upload),
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => rows.push(r),
            Err(e) => return fail_job(&job, format!("InvalidBatch : {e}"), &upload),
        }
    }
    drop(upload);
    {
        let mut data = job.data();
        let success_header = ["sf__Id", "sf__Created"]
            .into_iter()
            .chain(header.iter().map(String::as_str));
        write_line(&mut data.successful, success_header);
        let failed_header = ["sf__Id", "sf__Error"]
            .into_iter()
            .chain(header.iter().map(String::as_str));
        write_line(&mut data.failed_rows, failed_header);
        write_line(&mut data.unprocessed, header.iter().map(String::as_str));
    }

    // The key column, and the keys that appear in more than one row.
    let key_field = job
        .external_id_field
        .as_deref()
        .and_then(|name| describe.field(name))
        .cloned();
    let key_name = match job.operation.as_str() {
        "upsert" => key_field.as_ref().map(|f| f.name.clone()),
        "insert" => None,
        _ => Some("Id".to_owned()),
    };
    let key_at = key_name.as_deref().and_then(|name| {
        columns
            .iter()
            .position(|c| matches!(c, Column::Field(f) if f.eq_ignore_ascii_case(name)))
    });
    let fold = |value: &str| fold_key(key_field.as_ref(), &job.operation, value);
    let mut seen: HashMap<String, u32> = HashMap::new();
    if let Some(at) = key_at {
        for row in &rows {
            if let Some(v) = row.get(at).filter(|v| !v.is_empty()) {
                *seen.entry(fold(v)).or_default() += 1;
            }
        }
    }
    seen.retain(|_, n| *n > 1);

    let config = state.bulk.config();
    let rows = Arc::new(rows);
    let columns = Arc::new(columns);
    let duplicates = Arc::new(seen);
    let permits = Arc::new(Semaphore::new(config.parallelism.max(1)));
    let mut tasks = Vec::new();
    let mut start = 0;
    while start < rows.len() {
        let end = (start + config.chunk_size.max(1)).min(rows.len());
        let chunk = Chunk {
            state: state.clone(),
            job: job.clone(),
            describe: describe.clone(),
            key_field: key_field.clone(),
            key_at,
            columns: columns.clone(),
            rows: rows.clone(),
            duplicates: duplicates.clone(),
            range: start..end,
        };
        let permits = permits.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await;
            if !config.chunk_delay.is_zero() && chunk.job.state() != JobState::Aborted {
                tokio::time::sleep(config.chunk_delay).await;
            }
            chunk.run();
        }));
        start = end;
    }
    for task in tasks {
        let _ = task.await;
    }
    let mut data = job.data();
    data.processing = false;
    if data.state == JobState::InProgress {
        Job::set_state(&mut data, JobState::JobComplete);
    }
}

/// A row's key as the job compares keys: an upsert's external ID as its field matches it, a
/// record Id by its first 15 characters.
fn fold_key(
    key_field: Option<&sforce_core::describe::FieldDescribe>,
    operation: &str,
    value: &str,
) -> String {
    match (key_field, operation) {
        (Some(f), "upsert") => normalize(f, &Value::String(value.to_owned())).unwrap_or_default(),
        _ => value.get(..15).unwrap_or(value).to_owned(),
    }
}

/// One chunk of rows, processed in order.
struct Chunk {
    state: Shared,
    job: Arc<Job>,
    describe: Arc<sforce_core::describe::SObjectDescribe>,
    key_field: Option<sforce_core::describe::FieldDescribe>,
    key_at: Option<usize>,
    columns: Arc<Vec<Column>>,
    rows: Arc<Vec<csv::StringRecord>>,
    duplicates: Arc<HashMap<String, u32>>,
    range: std::ops::Range<usize>,
}

impl Chunk {
    fn run(&self) {
        for row in &self.rows[self.range.clone()] {
            if self.job.state() == JobState::Aborted {
                write_line(&mut self.job.data().unprocessed, row.iter());
                continue;
            }
            let result = self.process(row);
            let mut data = self.job.data();
            record_result(&mut data, row, result);
        }
    }

    fn process(
        &self,
        row: &csv::StringRecord,
    ) -> Result<super::row::Applied, super::row::RowError> {
        if row.len() != self.columns.len() {
            return Err(ApiError::invalid_field_message(
                format!(
                    "Row has {} columns, the header {}",
                    row.len(),
                    self.columns.len()
                ),
                "",
            )
            .into());
        }
        if let Some(value) = self
            .key_at
            .and_then(|at| row.get(at))
            .filter(|v| !v.is_empty())
        {
            let folded = fold_key(self.key_field.as_ref(), &self.job.operation, value);
            if self.duplicates.contains_key(&folded) {
                let field = self.key_field.as_ref().map_or("Id", |f| f.name.as_str());
                return Err(ApiError::duplicate_in_job(field, value).into());
            }
        }
        apply(
            &self.state,
            &self.describe,
            &self.job.operation,
            self.key_field.as_ref(),
            &self.columns,
            row,
        )
    }
}

fn record_result(
    data: &mut JobData,
    row: &csv::StringRecord,
    result: Result<super::row::Applied, super::row::RowError>,
) {
    data.processed += 1;
    match result {
        Ok(applied) => {
            let created = if applied.created { "true" } else { "false" };
            let cells = [applied.id.as_str(), created];
            write_line(&mut data.successful, cells.into_iter().chain(row.iter()));
        }
        Err(failure) => {
            data.failed += 1;
            let error = error_cell(&failure.error);
            let cells = [failure.id.as_str(), error.as_str()];
            write_line(&mut data.failed_rows, cells.into_iter().chain(row.iter()));
        }
    }
}
