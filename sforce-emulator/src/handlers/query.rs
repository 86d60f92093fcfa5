//! SOQL over REST: `GET /query?q=`, `GET /queryAll?q=` (the recycle bin too) and the pages
//! after the first, `GET /query/<locator>-<offset>` (or `/queryAll/...`).
//!
//! Pages hold 2,000 records unless `Sforce-Query-Options: batchSize=N` asks for another size;
//! N is kept within 200–2,000 (Salesforce treats it as a hint). A page that is not the last
//! carries `nextRecordsUrl`; an unknown, expired or malformed locator answers 400
//! INVALID_QUERY_LOCATOR.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State as AxumState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};

use super::{Params, json_response};
use crate::api_error::ApiError;
use crate::soql;
use crate::state::{Shared, State};

/// Records per page when the client asks for no other size.
pub(crate) const DEFAULT_BATCH_SIZE: usize = 2_000;
/// The smallest page size honoured.
pub(crate) const MIN_BATCH_SIZE: usize = 200;

/// The query routes under `data` (`/services/data/{version}`).
pub(crate) fn routes(data: &str) -> Router<Shared> {
    Router::new()
        .route(&format!("{data}/query"), get(query))
        .route(&format!("{data}/query/"), get(query))
        .route(&format!("{data}/query/{{locator}}"), get(more))
        .route(&format!("{data}/queryAll"), get(query_all))
        .route(&format!("{data}/queryAll/"), get(query_all))
        .route(&format!("{data}/queryAll/{{locator}}"), get(more_all))
}

/// The `q` parameter.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct QueryText {
    q: Option<String>,
}

/// `GET /query?q=SELECT...`
async fn query(
    AxumState(state): AxumState<Shared>,
    params: Params,
    headers: HeaderMap,
    Query(text): Query<QueryText>,
) -> Result<Response, ApiError> {
    first_page(state, &params, &headers, text, false).await
}

/// `GET /queryAll?q=SELECT...`: deleted rows too.
async fn query_all(
    AxumState(state): AxumState<Shared>,
    params: Params,
    headers: HeaderMap,
    Query(text): Query<QueryText>,
) -> Result<Response, ApiError> {
    first_page(state, &params, &headers, text, true).await
}

/// `GET /query/<locator>-<offset>`
async fn more(
    AxumState(state): AxumState<Shared>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    next_page(&state, &params, &headers, false)
}

/// `GET /queryAll/<locator>-<offset>`
async fn more_all(
    AxumState(state): AxumState<Shared>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    next_page(&state, &params, &headers, true)
}

/// Runs the query (on a blocking thread: a large store takes a while to scan) and answers its
/// first page, keeping the rest under a new locator.
async fn first_page(
    state: Shared,
    params: &Params,
    headers: &HeaderMap,
    text: QueryText,
    all: bool,
) -> Result<Response, ApiError> {
    let version = params.version(&state)?;
    let soql_text = text
        .q
        .filter(|q| !q.trim().is_empty())
        .ok_or_else(|| ApiError::query("MALFORMED_QUERY", "A query string has to be specified"))?;
    let runner = state.clone();
    let output = tokio::task::spawn_blocking(move || soql::run(&runner, &soql_text, all, version))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "sforce-emulator: query evaluation panicked");
            ApiError::other(
                StatusCode::INTERNAL_SERVER_ERROR,
                "UNKNOWN_EXCEPTION",
                "An unexpected error occurred.",
                &[],
            )
        })??;
    let batch = batch_size(headers).unwrap_or(DEFAULT_BATCH_SIZE);
    let records = Arc::new(output.records);
    let locator = (records.len() > batch).then(|| {
        let locator = state.ids.next("01g");
        state
            .cursors
            .open(locator.clone(), records.clone(), output.total_size, batch);
        locator
    });
    let page = Page {
        version,
        all,
        locator: locator.as_deref(),
        records: &records,
        offset: 0,
        batch,
        total_size: output.total_size,
    };
    Ok(json_response(StatusCode::OK, page.body()))
}

fn next_page(
    state: &State,
    params: &Params,
    headers: &HeaderMap,
    all: bool,
) -> Result<Response, ApiError> {
    let version = params.version(state)?;
    let invalid = || ApiError::query("INVALID_QUERY_LOCATOR", "invalid query locator");
    let (locator, offset) = params.get("locator").rsplit_once('-').ok_or_else(invalid)?;
    let offset: usize = offset.parse().map_err(|_| invalid())?;
    let cursor = state.cursors.get(locator).ok_or_else(invalid)?;
    if offset > cursor.records.len() {
        return Err(invalid());
    }
    let page = Page {
        version,
        all,
        locator: Some(locator),
        records: &cursor.records,
        offset,
        batch: batch_size(headers).unwrap_or(cursor.batch_size),
        total_size: cursor.total_size,
    };
    Ok(json_response(StatusCode::OK, page.body()))
}

/// One page of a query result.
struct Page<'a> {
    version: u32,
    all: bool,
    locator: Option<&'a str>,
    records: &'a [Value],
    offset: usize,
    batch: usize,
    total_size: usize,
}

impl Page<'_> {
    /// `{"totalSize","done","nextRecordsUrl"?,"records"}`.
    fn body(&self) -> Value {
        let end = (self.offset + self.batch).min(self.records.len());
        let done = end >= self.records.len();
        let mut body = json!({"totalSize": self.total_size, "done": done});
        if let (false, Some(locator)) = (done, self.locator) {
            let resource = if self.all { "queryAll" } else { "query" };
            body["nextRecordsUrl"] = json!(format!(
                "/services/data/v{}.0/{resource}/{locator}-{end}",
                self.version
            ));
        }
        body["records"] = Value::Array(self.records[self.offset..end].to_vec());
        body
    }
}

/// `batchSize=N` from `Sforce-Query-Options`, kept within 200–2,000.
fn batch_size(headers: &HeaderMap) -> Option<usize> {
    let options = headers.get("sforce-query-options")?.to_str().ok()?;
    options.split(',').find_map(|option| {
        let (key, value) = option.split_once('=')?;
        if !key.trim().eq_ignore_ascii_case("batchSize") {
            return None;
        }
        let n: usize = value.trim().parse().ok()?;
        Some(n.clamp(MIN_BATCH_SIZE, DEFAULT_BATCH_SIZE))
    })
}
