//! Bulk API 2.0 resources: `/jobs/ingest` and `/jobs/query` (see `crate::bulk` for the
//! state machines and processing).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State as AxumState};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Params, json_response};
use crate::api_error::ApiError;
use crate::bulk::{Job, JobKind, JobState, evaluate, process_ingest, process_query, results_page};
use crate::state::{Shared, State};

/// The largest upload Salesforce accepts for one job: 150 MB.
const MAX_UPLOAD: usize = 150 * 1024 * 1024;

/// The Bulk API 2.0 routes, relative to `/services/data/{version}`.
pub(crate) fn routes(data: &str) -> Router<Shared> {
    Router::new()
        .route(
            &format!("{data}/jobs/ingest"),
            post(create_ingest).get(of_kind(list, JobKind::Ingest)),
        )
        .route(
            &format!("{data}/jobs/ingest/{{job}}"),
            get(of_kind(info, JobKind::Ingest))
                .patch(ingest_state)
                .delete(of_kind(delete, JobKind::Ingest)),
        )
        .route(
            &format!("{data}/jobs/ingest/{{job}}/{{resource}}"),
            get(ingest_results)
                .put(upload)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
        .route(
            &format!("{data}/jobs/query"),
            post(create_query).get(of_kind(list, JobKind::Query)),
        )
        .route(
            &format!("{data}/jobs/query/{{job}}"),
            get(of_kind(info, JobKind::Query))
                .patch(query_state)
                .delete(of_kind(delete, JobKind::Query)),
        )
        .route(
            &format!("{data}/jobs/query/{{job}}/results"),
            get(query_results),
        )
}

/// A handler running `f` for jobs of `kind`: listing, reading and deleting a job are the same
/// for ingest and query jobs.
fn of_kind(
    f: fn(&State, &Params, JobKind) -> Result<Response, ApiError>,
    kind: JobKind,
) -> impl Fn(AxumState<Shared>, Params) -> std::future::Ready<Result<Response, ApiError>>
+ Clone
+ Send
+ Sync
+ 'static {
    move |AxumState(state), params| std::future::ready(f(&state, &params, kind))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct IngestRequest {
    object: Option<String>,
    operation: Option<String>,
    external_id_field_name: Option<String>,
    content_type: Option<String>,
    line_ending: Option<String>,
    column_delimiter: Option<String>,
}

fn parse<T: for<'de> Deserialize<'de>>(raw: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(raw).map_err(|e| ApiError::json_parser(e.to_string()))
}

/// The job `job` of `kind` (404 when unknown).
fn find(state: &State, params: &Params, kind: JobKind) -> Result<Arc<Job>, ApiError> {
    params.version(state)?;
    state
        .bulk
        .get(params.get("job"))
        .filter(|j| j.kind == kind)
        .ok_or_else(ApiError::not_found)
}

/// `POST /jobs/ingest`.
async fn create_ingest(
    AxumState(state): AxumState<Shared>,
    params: Params,
    raw: Bytes,
) -> Result<Response, ApiError> {
    let version = params.version(&state)?;
    let request: IngestRequest = parse(&raw)?;
    let object = request
        .object
        .ok_or_else(|| ApiError::invalid_job("Object is required"))?;
    let describe = state
        .schema
        .get(&object)
        .ok_or_else(|| ApiError::invalid_job(format!("Unable to find object: {object}")))?;
    let operation = request.operation.unwrap_or_default();
    if !["insert", "update", "upsert", "delete", "hardDelete"].contains(&operation.as_str()) {
        return Err(ApiError::invalid_job(format!(
            "Invalid operation: {operation}"
        )));
    }
    let external_id = match (operation.as_str(), request.external_id_field_name) {
        ("upsert", None) => {
            return Err(ApiError::invalid_job(
                "External ID was blank for upsert operation",
            ));
        }
        ("upsert", Some(name)) => {
            let field = describe
                .field(&name)
                .filter(|f| f.external_id || f.id_lookup || f.name == "Id")
                .ok_or_else(|| {
                    ApiError::invalid_job(format!(
                        "InvalidJob : Field name provided, {name} does not match an External ID, Salesforce Id, or indexed field for {}",
                        describe.name
                    ))
                })?;
            Some(field.name.clone())
        }
        (_, _) => None,
    };
    for (what, value, allowed) in [
        ("contentType", request.content_type, &["CSV"][..]),
        ("lineEnding", request.line_ending, &["LF", "CRLF"][..]),
        ("columnDelimiter", request.column_delimiter, &["COMMA"][..]),
    ] {
        if let Some(v) = value.filter(|v| !allowed.contains(&v.as_str())) {
            return Err(ApiError::invalid_job(format!(
                "The emulator supports {what} {allowed:?}, not {v}"
            )));
        }
    }
    let job = Arc::new(Job::new(
        state.bulk.next_id(),
        JobKind::Ingest,
        describe.name.clone(),
        operation,
        external_id,
        None,
        version,
    ));
    state.bulk.insert(job.clone());
    Ok(json_response(StatusCode::OK, job.info(false)))
}

/// `GET /jobs/{ingest|query}`: every job of `kind`.
fn list(state: &State, params: &Params, kind: JobKind) -> Result<Response, ApiError> {
    params.version(state)?;
    let records: Vec<Value> = state
        .bulk
        .all()
        .iter()
        .filter(|j| j.kind == kind)
        .map(|j| j.info(false))
        .collect();
    Ok(json_response(
        StatusCode::OK,
        json!({"done": true, "records": records, "nextRecordsUrl": null}),
    ))
}

/// `GET /jobs/{ingest|query}/{id}`.
fn info(state: &State, params: &Params, kind: JobKind) -> Result<Response, ApiError> {
    let job = find(state, params, kind)?;
    Ok(json_response(StatusCode::OK, job.info(true)))
}

/// `PUT /jobs/ingest/{id}/batches`: the one upload of a job.
async fn upload(
    AxumState(state): AxumState<Shared>,
    params: Params,
    headers: HeaderMap,
    raw: Bytes,
) -> Result<Response, ApiError> {
    let job = find(&state, &params, JobKind::Ingest)?;
    if params.get("resource") != "batches" {
        return Err(ApiError::not_found());
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with("text/csv") {
        return Err(ApiError::invalid_content(format!(
            "Content-Type must be text/csv, not {content_type:?}"
        )));
    }
    let mut data = job.data();
    if data.state != JobState::Open {
        return Err(ApiError::invalid_job_state(format!(
            "Job {} is not open for uploads: {}",
            job.id,
            data.state.as_str()
        )));
    }
    if data.upload.is_some() {
        return Err(ApiError::invalid_job_state(format!(
            "Found multiple contents for job: <{}>, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job.",
            job.id
        )));
    }
    data.upload = Some(raw);
    Ok(StatusCode::CREATED.into_response())
}

#[derive(Debug, Deserialize)]
struct StateRequest {
    state: Option<String>,
}

/// `PATCH /jobs/ingest/{id}` `{"state": "UploadComplete" | "Aborted"}`.
async fn ingest_state(
    AxumState(state): AxumState<Shared>,
    params: Params,
    raw: Bytes,
) -> Result<Response, ApiError> {
    let job = find(&state, &params, JobKind::Ingest)?;
    let wanted = parse::<StateRequest>(&raw)?.state.unwrap_or_default();
    let mut data = job.data();
    let from = data.state.clone();
    match (wanted.as_str(), &from) {
        ("UploadComplete", JobState::Open) => {
            Job::set_state(&mut data, JobState::UploadComplete);
            data.processing = true;
            drop(data);
            tokio::spawn(process_ingest(state.clone(), job.clone()));
        }
        ("Aborted", JobState::Open) => {
            data.unprocessed = data.upload.take().map(|b| b.to_vec()).unwrap_or_default();
            Job::set_state(&mut data, JobState::Aborted);
            drop(data);
        }
        ("Aborted", JobState::UploadComplete | JobState::InProgress) => {
            Job::set_state(&mut data, JobState::Aborted);
            drop(data);
        }
        _ => {
            return Err(ApiError::invalid_job_state(format!(
                "Invalid state transition of job {} from {} to {wanted}",
                job.id,
                from.as_str()
            )));
        }
    }
    // `info` locks the job data again.
    Ok(json_response(StatusCode::OK, job.info(false)))
}

/// `PATCH /jobs/query/{id}` `{"state": "Aborted"}`.
async fn query_state(
    AxumState(state): AxumState<Shared>,
    params: Params,
    raw: Bytes,
) -> Result<Response, ApiError> {
    let job = find(&state, &params, JobKind::Query)?;
    let wanted = parse::<StateRequest>(&raw)?.state.unwrap_or_default();
    let mut data = job.data();
    if wanted != "Aborted" || data.state.is_terminal() {
        return Err(ApiError::invalid_job_state(format!(
            "Invalid state transition of job {} from {} to {wanted}",
            job.id,
            data.state.as_str()
        )));
    }
    Job::set_state(&mut data, JobState::Aborted);
    drop(data);
    Ok(json_response(StatusCode::OK, job.info(false)))
}

/// `DELETE /jobs/{ingest|query}/{id}`: a finished job.
fn delete(state: &State, params: &Params, kind: JobKind) -> Result<Response, ApiError> {
    let job = find(state, params, kind)?;
    let current = job.state();
    if !(current.is_terminal() || current == JobState::UploadComplete) {
        return Err(ApiError::invalid_job_state(format!(
            "Job {} cannot be deleted while {}",
            job.id,
            current.as_str()
        )));
    }
    state.bulk.remove(&job.id);
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn csv_response(body: Vec<u8>) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=UTF-8"),
    );
    response
}

/// `GET /jobs/ingest/{id}/successfulResults | failedResults | unprocessedrecords`.
async fn ingest_results(
    AxumState(state): AxumState<Shared>,
    params: Params,
) -> Result<Response, ApiError> {
    let job = find(&state, &params, JobKind::Ingest)?;
    // An aborted job's rows still held by its processing task are moved to
    // `unprocessedrecords` promptly: wait for that before answering.
    for _ in 0..1_000 {
        if !job.data().processing {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    let data = job.data();
    if !data.state.is_terminal() {
        return Err(ApiError::invalid_job_state(format!(
            "Job {} is not finished: {}",
            job.id,
            data.state.as_str()
        )));
    }
    let body = match params.get("resource") {
        "successfulResults" => data.successful.clone(),
        "failedResults" => data.failed_rows.clone(),
        "unprocessedrecords" => data.unprocessed.clone(),
        _ => return Err(ApiError::not_found()),
    };
    Ok(csv_response(body))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueryRequest {
    operation: Option<String>,
    query: Option<String>,
}

/// `POST /jobs/query` `{"operation": "query" | "queryAll", "query": "SELECT ..."}`.
async fn create_query(
    AxumState(state): AxumState<Shared>,
    params: Params,
    raw: Bytes,
) -> Result<Response, ApiError> {
    let version = params.version(&state)?;
    let request: QueryRequest = parse(&raw)?;
    let operation = request.operation.unwrap_or_else(|| "query".into());
    if operation != "query" && operation != "queryAll" {
        return Err(ApiError::invalid_job(format!(
            "Invalid operation: {operation}"
        )));
    }
    let soql = request
        .query
        .filter(|q| !q.trim().is_empty())
        .ok_or_else(|| ApiError::invalid_job("Query is required"))?;
    let job = Arc::new(Job::new(
        state.bulk.next_id(),
        JobKind::Query,
        String::new(),
        operation,
        None,
        Some(soql),
        version,
    ));
    evaluate(&state, &job)?;
    state.bulk.insert(job.clone());
    tokio::spawn(process_query(state.clone(), job.clone()));
    Ok(json_response(StatusCode::OK, job.info(false)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageQuery {
    locator: Option<String>,
    max_records: Option<usize>,
}

/// `GET /jobs/query/{id}/results?locator=&maxRecords=`.
async fn query_results(
    AxumState(state): AxumState<Shared>,
    params: Params,
    Query(page): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let job = find(&state, &params, JobKind::Query)?;
    let (body, next, count) = results_page(&job, page.locator.as_deref(), page.max_records)?;
    let mut response = csv_response(body);
    let headers = response.headers_mut();
    let locator = next.unwrap_or_else(|| "null".to_owned());
    if let Ok(v) = HeaderValue::from_str(&locator) {
        headers.insert("Sforce-Locator", v);
    }
    headers.insert("Sforce-NumberOfRecords", HeaderValue::from(count));
    Ok(response)
}
