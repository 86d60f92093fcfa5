//! Query jobs: the query evaluated in the background, rows kept as CSV lines, results served
//! in pages with `Sforce-Locator` / `Sforce-NumberOfRecords`.

use std::sync::Arc;

use serde_json::Value;

use super::ingest::write_line;
use super::job::{Job, JobState};
use crate::api_error::ApiError;
use crate::soql;
use crate::state::{Shared, State};

/// Rows per page when the request sets no `maxRecords`.
const DEFAULT_PAGE: usize = 50_000;

/// Moves a created query job (rows already evaluated) through `InProgress` to
/// `JobComplete`, after one chunk delay (the processing speed).
pub(crate) async fn process_query(state: Shared, job: Arc<Job>) {
    {
        let mut data = job.data();
        if data.state != JobState::UploadComplete {
            return;
        }
        Job::set_state(&mut data, JobState::InProgress);
    }
    let delay = state.bulk.config().chunk_delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let mut data = job.data();
    if data.state == JobState::InProgress {
        data.processed = data.query_rows.len() as u64;
        Job::set_state(&mut data, JobState::JobComplete);
    }
}

/// Runs a query job's SOQL with the emulator's evaluator (`crate::soql::run`, the one
/// `/query` uses) and keeps the rows as CSV lines. Called when the job is created, so a bad
/// query answers 400 there, as Salesforce does; the rows are a snapshot of that moment.
pub(crate) fn evaluate(state: &State, job: &Job) -> Result<(), ApiError> {
    let soql = job.query.as_deref().unwrap_or_default();
    let output = soql::run(state, soql, job.operation == "queryAll", job.api_version)?;
    if output.has_subqueries {
        return Err(ApiError::invalid_job(
            "FeatureNotEnabled : Nested queries are not supported in Bulk API 2.0 query jobs",
        ));
    }
    let mut data = job.data();
    write_line(
        &mut data.query_header,
        output.columns.iter().map(String::as_str),
    );
    for record in &output.records {
        let cells: Vec<String> = output
            .columns
            .iter()
            .map(|c| cell(soql::column_value(record, c)))
            .collect();
        let mut line = Vec::new();
        write_line(&mut line, cells.iter().map(String::as_str));
        data.query_rows.push(line);
    }
    Ok(())
}

/// A value as a CSV cell: empty for null, text as is, numbers and booleans as written.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One page of a finished query job: the CSV body, the next locator (`None` at the end) and
/// the number of rows in the page.
pub(crate) fn results_page(
    job: &Job,
    locator: Option<&str>,
    max_records: Option<usize>,
) -> Result<(Vec<u8>, Option<String>, usize), ApiError> {
    let data = job.data();
    if data.state != JobState::JobComplete {
        return Err(ApiError::invalid_job_state(format!(
            "Job {} is not complete: {}",
            job.id,
            data.state.as_str()
        )));
    }
    let start = match locator {
        None => 0,
        Some(text) => decode_locator(text)
            .filter(|&n| n <= data.query_rows.len())
            .ok_or_else(|| ApiError::invalid_job(format!("Invalid locator: {text}")))?,
    };
    let page = max_records.unwrap_or(DEFAULT_PAGE).max(1);
    let end = (start + page).min(data.query_rows.len());
    let mut body = data.query_header.clone();
    for line in &data.query_rows[start..end] {
        body.extend_from_slice(line);
    }
    let next = (end < data.query_rows.len()).then(|| encode_locator(end));
    Ok((body, next, end - start))
}

/// Locators are opaque to clients; here, the next row's position in base 36.
fn encode_locator(position: usize) -> String {
    let mut n = position;
    let mut digits = Vec::new();
    loop {
        let d = (n % 36) as u8;
        digits.push(if d < 10 { b'0' + d } else { b'A' + d - 10 });
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    format!("L{}", String::from_utf8(digits).unwrap_or_default())
}

fn decode_locator(text: &str) -> Option<usize> {
    usize::from_str_radix(text.strip_prefix('L')?, 36).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locators_round_trip() {
        for n in [0, 1, 35, 36, 100_000] {
            assert_eq!(decode_locator(&encode_locator(n)), Some(n));
        }
        assert_eq!(decode_locator("nope"), None);
    }
}
