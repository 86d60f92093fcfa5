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
use crate::validate::{
    Operation, build_new_record, check_values, check_writable, parse_body, stamp,
};

/// The canonical Id of the `id` path segment. A segment that is not Id-shaped is read as an
/// external-ID field name without a value (Salesforce's 404); an Id of another object type
/// is MALFORMED_ID.
pub(crate) fn resolve_id(describe: &SObjectDescribe, segment: &str) -> Result<String, ApiError> {
    let id = parse_id(segment).ok_or_else(|| ApiError::unknown_external_id_field(segment))?;
    let prefix = describe.key_prefix.as_deref().unwrap_or_default();
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
        if self.label.is_empty() {
            &self.name
        } else {
            &self.label
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
    let changes = check_values(describe, &body, raw)?;
    check_writable(describe, &changes, Operation::Create)?;
    insert_new(state, describe, &changes)
}

/// Builds (defaults, required check, system fields) and inserts a new record.
pub(crate) fn insert_new(
    state: &State,
    describe: &SObjectDescribe,
    changes: &Record,
) -> Result<String, ApiError> {
    let prefix = describe.key_prefix.as_deref().unwrap_or("a00");
    let id = state.ids.next(prefix);
    let record = build_new_record(describe, &id, changes, time::OffsetDateTime::now_utc())?;
    state
        .store
        .insert(describe, record)
        .map_err(|c| ApiError::duplicate_value(&c.field, &c.id))?;
    Ok(id)
}

/// Applies validated `changes` to record `id`.
pub(crate) fn apply_update(
    state: &State,
    describe: &SObjectDescribe,
    id: &str,
    mut changes: Record,
) -> Result<(), ApiError> {
    stamp(
        describe,
        &mut changes,
        time::OffsetDateTime::now_utc(),
        false,
    );
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
    let parsed = parse_body(&body, &describe)?;
    let mut changes = check_values(&describe, &parsed, &body)?;
    // An `Id` in the body naming the same record is tolerated.
    if changes.get("Id").and_then(|v| v.as_str()) == Some(id.as_str()) {
        changes.remove("Id");
    }
    check_writable(&describe, &changes, Operation::Update)?;
    if state.store.get(&describe, &id).is_none() {
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
