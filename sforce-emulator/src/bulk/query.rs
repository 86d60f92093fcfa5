//! Query jobs: the query evaluated in the background, rows kept as CSV lines, results served
//! in pages with `Sforce-Locator` / `Sforce-NumberOfRecords`.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::ingest::write_line;
use super::job::{Job, JobState};
use crate::api_error::ApiError;
use crate::state::Shared;

/// Rows per page when the request sets no `maxRecords`.
const DEFAULT_PAGE: usize = 50_000;

/// Evaluates a query job's SOQL and keeps its rows (or fails the job with the query's error).
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
    let soql = job.query.clone().unwrap_or_default();
    let all = job.operation == "queryAll";
    let result = evaluate(&state, &soql, all);
    let mut data = job.data();
    if data.state != JobState::InProgress {
        return;
    }
    match result {
        Ok((columns, records)) => {
            write_line(&mut data.query_header, columns.iter().map(String::as_str));
            for record in &records {
                let cells: Vec<String> = columns.iter().map(|c| cell(record, c)).collect();
                let mut line = Vec::new();
                write_line(&mut line, cells.iter().map(String::as_str));
                data.query_rows.push(line);
            }
            data.processed = data.query_rows.len() as u64;
            Job::set_state(&mut data, JobState::JobComplete);
        }
        Err(error) => {
            data.error_message = Some(format!("{}: {}", error.code, error.message));
            Job::set_state(&mut data, JobState::Failed);
        }
    }
}

/// The columns (as selected, dotted for parents) and records of a query.
fn evaluate(
    state: &Shared,
    soql: &str,
    all: bool,
) -> Result<(Vec<String>, Vec<Map<String, Value>>), ApiError> {
    let _ = all;
    let (columns, object) = select_list(soql)?;
    let describe = state.schema.get(&object).ok_or_else(|| {
        ApiError::invalid_job(format!("sObject type '{object}' is not supported."))
    })?;
    Ok((columns, state.store.all(describe)))
}

/// The select list and object of `SELECT a, b FROM X`.
fn select_list(soql: &str) -> Result<(Vec<String>, String), ApiError> {
    let malformed = || ApiError::invalid_job(format!("MALFORMED_QUERY: {soql}"));
    let rest = soql
        .trim()
        .strip_prefix("SELECT ")
        .or_else(|| soql.trim().strip_prefix("select "))
        .ok_or_else(malformed)?;
    let upper = rest.to_ascii_uppercase();
    let at = upper.find(" FROM ").ok_or_else(malformed)?;
    let columns = rest[..at].split(',').map(|c| c.trim().to_owned()).collect();
    let object = rest[at + 6..]
        .split_whitespace()
        .next()
        .ok_or_else(malformed)?
        .to_owned();
    Ok((columns, object))
}

/// The cell of column `path` (`Owner.Name` follows nested records): empty for null.
fn cell(record: &Map<String, Value>, path: &str) -> String {
    let mut value: Option<&Value> = None;
    let mut map = Some(record);
    for part in path.split('.') {
        value = map.and_then(|m| {
            m.get(part).or_else(|| {
                m.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(part))
                    .map(|(_, v)| v)
            })
        });
        map = value.and_then(Value::as_object);
    }
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => other.to_string(),
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
