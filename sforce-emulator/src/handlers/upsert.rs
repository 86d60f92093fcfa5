//! Upsert and read by external ID — including the race this project exists to remove.
//!
//! An upsert looks its key up, then waits the commit latency with no lock held, then commits.
//! The commit checks the unique index, so two upserts of one new key inside the window both
//! decide "insert" and the second gets Salesforce's `400 DUPLICATE_VALUE` naming the field and
//! the first record's Id.

use axum::body::Bytes;
use axum::extract::{Query, State as AxumState};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use sforce_core::describe::{FieldDescribe, SObjectDescribe};

use super::records::{apply_update, create_record, insert_new, resolve_id};
use super::{FieldsQuery, Params, json_response, record_url, render_record};
use crate::api_error::ApiError;
use crate::coerce::coerce;
use crate::keys::{KeyUse, upsert_key_field};
use crate::state::{Shared, State};
use crate::store::{Record, normalize};
use crate::validate::{
    Operation, check_field_value, check_record, check_references, check_values, check_writable,
    parse_body,
};

/// The `created` flag exists from API v46.0; updates answer 204 up to v45.0.
const CREATED_FLAG_SINCE: u32 = 46;

/// The key field of a collection upsert (`PATCH /composite/sobjects/{S}/{field}`): an External
/// ID field, an `idLookup` field, or `Id` (see [`crate::keys`]); 404 otherwise.
pub(crate) fn external_id_field<'d>(
    describe: &'d SObjectDescribe,
    name: &str,
) -> Result<&'d FieldDescribe, ApiError> {
    upsert_key_field(describe, name, KeyUse::Collection)
}

/// `300 Multiple Choices`: the matching records' URLs; nothing is written.
fn multiple_choices(version: u32, describe: &SObjectDescribe, ids: &[String]) -> Response {
    let urls: Vec<String> = ids
        .iter()
        .map(|id| record_url(version, &describe.name, id))
        .collect();
    json_response(StatusCode::MULTIPLE_CHOICES, json!(urls))
}

fn created_response(version: u32, id: &str) -> Response {
    let mut body = json!({"id": id, "success": true, "errors": []});
    if version >= CREATED_FLAG_SINCE {
        body["created"] = json!(true);
    }
    json_response(StatusCode::CREATED, body)
}

fn updated_response(version: u32, id: &str) -> Response {
    if version >= CREATED_FLAG_SINCE {
        json_response(
            StatusCode::OK,
            json!({"id": id, "success": true, "errors": [], "created": false}),
        )
    } else {
        StatusCode::NO_CONTENT.into_response()
    }
}

/// The `updateOnly` query parameter.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct UpsertQuery {
    #[serde(rename = "updateOnly")]
    update_only: Option<String>,
}

/// `PATCH /sobjects/{SObject}/{field}/{value}`.
pub(crate) async fn upsert(
    AxumState(state): AxumState<Shared>,
    params: Params,
    Query(query): Query<UpsertQuery>,
    raw: Bytes,
) -> Result<Response, ApiError> {
    let (version, describe) = params.object(&state)?;
    let (field_name, value) = (params.get("field"), params.get("value"));
    if field_name.eq_ignore_ascii_case("Id") {
        return update_by_id(&state, version, &describe, value, &raw);
    }
    let field = upsert_key_field(&describe, field_name, KeyUse::SingleRecord)?;
    let key_value = Value::String(value.to_owned());
    let _in_flight = state
        .in_flight
        .enter(in_flight_key(&describe, field, &key_value));

    let body = parse_body(&raw, &describe)?;
    let changes = check_values(&describe, &body, &raw)?;
    check_references(&state, &describe, &changes)?;
    let update_only = query
        .update_only
        .as_deref()
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let plan = match plan_upsert(&state, &describe, field, &key_value, changes, update_only)? {
        Plan::Several(ids) => return Ok(multiple_choices(version, &describe, &ids)),
        plan => plan,
    };
    commit_window(&state).await;
    let done = commit_upsert(&state, &describe, plan)?;
    Ok(if done.created {
        created_response(version, &done.id)
    } else {
        updated_response(version, &done.id)
    })
}

/// The key under which [`InFlight`](crate::observe::InFlight) counts upserts of one record.
pub(crate) fn in_flight_key(
    describe: &SObjectDescribe,
    field: &FieldDescribe,
    key_value: &Value,
) -> String {
    let key = normalize(field, key_value).unwrap_or_default();
    format!("{}\u{0}{}\u{0}{key}", describe.name, field.name)
}

/// What an upsert decided at lookup time, before the commit window.
#[derive(Debug)]
pub(crate) enum Plan {
    /// One record matched: update it with these changes.
    Update { id: String, changes: Record },
    /// No record matched: insert one with these values (the key included).
    Create { changes: Record },
    /// Several records matched (a non-unique external ID): nothing is written.
    Several(Vec<String>),
}

/// The outcome of a committed upsert.
#[derive(Debug)]
pub(crate) struct Upserted {
    pub(crate) id: String,
    pub(crate) created: bool,
}

/// Looks the key up and checks the validated `changes` for the operation it implies. Shared by
/// the single-record upsert and collection upserts, so both race the same way.
pub(crate) fn plan_upsert(
    state: &State,
    describe: &SObjectDescribe,
    field: &FieldDescribe,
    key_value: &Value,
    mut changes: Record,
    update_only: bool,
) -> Result<Plan, ApiError> {
    let key = normalize(field, key_value).unwrap_or_default();
    // The key may be repeated in the body only with the same value (Salesforce's answer to a
    // different value is unconfirmed; this mirrors the documented "leave it out").
    if let Some(in_body) = changes.remove(&field.name)
        && normalize(field, &in_body).as_deref() != Some(key.as_str())
    {
        return Err(ApiError::invalid_field_message(
            format!(
                "The value of {} in the body does not match the URL",
                field.name
            ),
            &field.name,
        ));
    }
    let matches = state.store.find(describe, field, &key);
    if matches.len() > 1 {
        return Ok(Plan::Several(matches));
    }
    match matches.into_iter().next() {
        Some(id) => {
            check_writable(describe, &changes, Operation::Update)?;
            Ok(Plan::Update { id, changes })
        }
        None if update_only => Err(ApiError::not_found()),
        None => {
            check_writable(describe, &changes, Operation::Create)?;
            // Creating writes the key too: a key Salesforce fills itself (an idLookup
            // auto number such as `CaseNumber`) can match but never create.
            if !field.createable {
                return Err(ApiError::not_writable(&field.name));
            }
            let stored_key = coerce(field, key_value).map_err(|_| {
                ApiError::json_parser(format!(
                    "Cannot deserialize instance of {} from VALUE_STRING value {}",
                    field.field_type,
                    key_value.as_str().unwrap_or_default()
                ))
            })?;
            // The key is stored like any value: a 10 kB key in a 255-character field is
            // STRING_TOO_LONG, a malformed email INVALID_EMAIL_ADDRESS.
            let stored_key = check_field_value(field, stored_key)?;
            changes.insert(field.name.clone(), stored_key);
            // A competing insert armed by a test commits inside this upsert's window.
            if let Some(fields) = state.competing.take(&describe.name, &field.name, &key) {
                let stored = crate::competing::insert_direct(state, &describe.name, fields);
                tracing::debug!(ok = stored.is_ok(), %key, "sforce-emulator: competing insert");
            }
            Ok(Plan::Create { changes })
        }
    }
}

/// Commits a plan after the commit window. The unique index is checked here: a competing
/// insert of the same key that committed during the window makes a create DUPLICATE_VALUE.
pub(crate) fn commit_upsert(
    state: &State,
    describe: &SObjectDescribe,
    plan: Plan,
) -> Result<Upserted, ApiError> {
    match plan {
        Plan::Update { id, changes } => {
            apply_update(state, describe, &id, changes)?;
            Ok(Upserted { id, created: false })
        }
        Plan::Create { changes } => {
            let id = insert_new(state, describe, &changes)?;
            Ok(Upserted { id, created: true })
        }
        Plan::Several(_) => Err(ApiError::duplicate_external_id()),
    }
}

/// The time between lookup and commit. No lock is held.
pub(crate) async fn commit_window(state: &State) {
    let latency = state.commit_latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
}

/// `PATCH /sobjects/{SObject}/Id/{id}`: update by Id (404 when there is no such record).
fn update_by_id(
    state: &State,
    version: u32,
    describe: &SObjectDescribe,
    segment: &str,
    raw: &[u8],
) -> Result<Response, ApiError> {
    let id = resolve_id(describe, segment)?;
    let body = parse_body(raw, describe)?;
    let changes = check_record(state, describe, &body, raw, Operation::Update)?;
    if !state.store.contains(describe, &id) {
        return Err(ApiError::not_found());
    }
    apply_update(state, describe, &id, changes)?;
    Ok(updated_response(version, &id))
}

/// `POST /sobjects/{SObject}/Id`: create through the upsert resource (v37.0+).
pub(crate) async fn create_via_id(
    AxumState(state): AxumState<Shared>,
    params: Params,
    raw: Bytes,
) -> Result<Response, ApiError> {
    let (version, describe) = params.object(&state)?;
    if !params.get("id").eq_ignore_ascii_case("Id") {
        return Err(ApiError::method_not_allowed("POST", "GET, PATCH, DELETE"));
    }
    let id = create_record(&state, &describe, &raw)?;
    Ok(created_response(version, &id))
}

/// `GET /sobjects/{SObject}/{field}/{value}?fields=A,B`.
pub(crate) async fn get_by_external_id(
    AxumState(state): AxumState<Shared>,
    params: Params,
    Query(query): Query<FieldsQuery>,
) -> Result<Response, ApiError> {
    let (version, describe) = params.object(&state)?;
    let field = upsert_key_field(&describe, params.get("field"), KeyUse::SingleRecord)?;
    let ids = if field.name == "Id" {
        let id = resolve_id(&describe, params.get("value"))?;
        vec![id]
    } else {
        let key =
            normalize(field, &Value::String(params.get("value").to_owned())).unwrap_or_default();
        state.store.find(&describe, field, &key)
    };
    match ids.as_slice() {
        [] => Err(ApiError::not_found()),
        [id] => {
            let record = state
                .store
                .get(&describe, id)
                .ok_or_else(ApiError::not_found)?;
            let body = render_record(version, &describe, &record, query.fields.as_deref())?;
            Ok(json_response(StatusCode::OK, body))
        }
        several => Ok(multiple_choices(version, &describe, several)),
    }
}
