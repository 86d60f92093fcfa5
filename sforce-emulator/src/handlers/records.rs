//! Record CRUD by Id: create, read, update, delete.

use axum::body::Bytes;
use axum::extract::{Query, State as AxumState};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sforce_core::describe::SObjectDescribe;

use super::{FieldsQuery, Params, json_response, render_record};
use crate::api_error::ApiError;
use crate::ids::parse_id;
use crate::state::{Shared, State};
use crate::store::{Record, UpdateError};
use crate::validate::{Operation, check_record, check_required, parse_body};

/// The canonical Id of the `id` path segment. A segment that is not Id-shaped is read as an
/// external-ID field name without a value (Salesforce's 404); an Id of another object type
/// is MALFORMED_ID.
pub(crate) fn resolve_id(describe: &SObjectDescribe, segment: &str) -> Result<String, ApiError> {
    let id = parse_id(segment).ok_or_else(|| ApiError::unknown_external_id_field(segment))?;
    let prefix = describe
        .properties
        .key_prefix
        .as_deref()
        .unwrap_or_default();
    if !id.starts_with(prefix) {
        return Err(ApiError::malformed_id(
            &format!("{} ID", describe.label_or_name()),
            "Id",
            segment,
        ));
    }
    Ok(id)
}

trait LabelOrName {
    fn label_or_name(&self) -> &str;
}

impl LabelOrName for SObjectDescribe {
    fn label_or_name(&self) -> &str {
        if self.properties.label.is_empty() {
            &self.name
        } else {
            &self.properties.label
        }
    }
}

/// Validates `raw` and stores a new record; returns its Id. No commit latency: plain creates
/// are checked against the unique index atomically.
pub(crate) fn create_record(
    state: &State,
    describe: &SObjectDescribe,
    raw: &[u8],
) -> Result<String, ApiError> {
    let body = parse_body(raw, describe)?;
    let changes = check_record(state, describe, &body, raw, Operation::Create)?;
    insert_new(state, describe, &changes)
}

/// Checks required fields, fills what Salesforce fills (defaults, system fields, auto numbers,
/// compound fields) and inserts a new record built from validated `changes`.
pub(crate) fn insert_new(
    state: &State,
    describe: &SObjectDescribe,
    changes: &Record,
) -> Result<String, ApiError> {
    check_required(describe, changes)?;
    let prefix = describe.properties.key_prefix.as_deref().unwrap_or("a00");
    let id = state.ids.next(prefix);
    let record = crate::fill::new_record(
        state,
        describe,
        &id,
        changes,
        time::OffsetDateTime::now_utc(),
    );
    state
        .store
        .insert(describe, record)
        .map_err(|c| ApiError::duplicate_value(&c.field, &c.id))?;
    Ok(id)
}

/// Applies validated `changes` to record `id` (with the system fields an update changes).
pub(crate) fn apply_update(
    state: &State,
    describe: &SObjectDescribe,
    id: &str,
    mut changes: Record,
) -> Result<(), ApiError> {
    crate::fill::stamp_update(describe, &mut changes, time::OffsetDateTime::now_utc());
    state
        .store
        .update(describe, id, &changes)
        .map(drop)
        .map_err(|e| match e {
            UpdateError::NotFound => ApiError::not_found(),
            UpdateError::Conflict(c) => ApiError::duplicate_value(&c.field, &c.id),
        })
}

/// `POST /sobjects/{SObject}` → 201 `{"id","success":true,"errors":[]}`.
pub(crate) async fn create(
    AxumState(state): AxumState<Shared>,
    params: Params,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (_, describe) = params.object(&state)?;
    let id = create_record(&state, &describe, &body)?;
    Ok(json_response(
        StatusCode::CREATED,
        json!({"id": id, "success": true, "errors": []}),
    ))
}

/// `GET /sobjects/{SObject}/{id}?fields=A,B`.
pub(crate) async fn get(
    AxumState(state): AxumState<Shared>,
    params: Params,
    Query(query): Query<FieldsQuery>,
) -> Result<Response, ApiError> {
    let (version, describe) = params.object(&state)?;
    let id = resolve_id(&describe, params.get("id"))?;
    let record = state
        .store
        .get(&describe, &id)
        .ok_or_else(ApiError::not_found)?;
    let body = render_record(version, &describe, &record, query.fields.as_deref())?;
    Ok(json_response(StatusCode::OK, body))
}

/// `PATCH /sobjects/{SObject}/{id}` → 204.
pub(crate) async fn update(
    AxumState(state): AxumState<Shared>,
    params: Params,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (_, describe) = params.object(&state)?;
    let id = resolve_id(&describe, params.get("id"))?;
    let mut parsed = parse_body(&body, &describe)?;
    // An `Id` in the body naming the same record is tolerated.
    let same_id = |v: &serde_json::Value| v.as_str().and_then(parse_id).as_deref() == Some(&id);
    if let Some(key) = parsed
        .iter()
        .find(|(k, v)| k.eq_ignore_ascii_case("Id") && same_id(v))
        .map(|(k, _)| k.clone())
    {
        parsed.remove(&key);
    }
    let changes = check_record(&state, &describe, &parsed, &body, Operation::Update)?;
    if !state.store.contains(&describe, &id) {
        return Err(ApiError::not_found());
    }
    apply_update(&state, &describe, &id, changes)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /sobjects/{SObject}/{id}` → 204.
pub(crate) async fn delete(
    AxumState(state): AxumState<Shared>,
    params: Params,
) -> Result<Response, ApiError> {
    let (_, describe) = params.object(&state)?;
    let id = resolve_id(&describe, params.get("id"))?;
    if state.store.delete(&describe, &id) {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::not_found())
    }
}
