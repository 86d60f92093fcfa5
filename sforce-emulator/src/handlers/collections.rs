//! sObject Collections (`/composite/sobjects`): create, update, upsert by external ID, delete
//! and retrieve up to 200 records (retrieve: 2,000) of one request.
//!
//! Shapes follow Salesforce's documentation: the answer is always 200 once the request is well
//! formed, with one result per record in request order, `{"id","success","errors"}` (plus
//! `created` for upserts), and errors inside results carry `statusCode` (not `errorCode`). A
//! failed item has no `id`. With `allOrNone` one failure rolls back the whole request and every
//! other record reports `ALL_OR_NONE_OPERATION_ROLLED_BACK`. More than 200 records answer 400
//! `EXCEEDED_ID_LIMIT`. The same external-ID value twice in one upsert fails those rows with
//! `DUPLICATE_VALUE` `Duplicate external id specified: <value>`.
//!
//! Collection upserts reuse the single-record upsert's plan/commit steps (`handlers::upsert`):
//! every key is looked up, ONE commit window passes with no lock held, then the records commit
//! in order against the unique index. So the upsert race (both requests insert one new key, the
//! second fails with `DUPLICATE_VALUE`) holds between concurrent collection requests and between
//! a collection and a single-record upsert.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State as AxumState};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};
use sforce_core::describe::SObjectDescribe;

use super::records::{apply_update, insert_new, resolve_id};
use super::upsert::{
    Plan, commit_upsert, commit_window, external_id_field, in_flight_key, plan_upsert,
};
use super::{Params, json_response, render_record};
use crate::api_error::ApiError;
use crate::ids::parse_id;
use crate::journal;
use crate::state::{Shared, State};
use crate::store::{Record, normalize};
use crate::validate::{Operation, check_references, check_values, check_writable};

/// Most records in one create / update / upsert / delete request.
pub(crate) const MAX_RECORDS: usize = 200;
/// Most Ids in one retrieve request.
const MAX_RETRIEVE: usize = 2_000;
/// sObject Collections exist from API v42.0, collection upsert from v46.0.
const COLLECTIONS_SINCE: u32 = 42;
const UPSERT_SINCE: u32 = 46;

/// One record's result: `Ok` carries the result object's extra keys (`id`, maybe `created`).
type Outcome = Result<Map<String, Value>, ApiError>;

/// The request body of create / update / upsert.
#[derive(Debug)]
struct Batch {
    all_or_none: bool,
    records: Vec<Value>,
}

fn parse_batch(raw: &[u8]) -> Result<Batch, ApiError> {
    let value: Value = serde_json::from_slice(raw)
        .map_err(|e| ApiError::json_parser(format!("Unexpected character ({e})")))?;
    let all_or_none = match value.get("allOrNone") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(ApiError::json_parser(format!(
                "Cannot deserialize instance of boolean from {other}"
            )));
        }
    };
    let records = match value.get("records") {
        Some(Value::Array(records)) => records.clone(),
        _ => {
            return Err(ApiError::bad_request(
                "INVALID_FIELD",
                "The 'records' field is required and must be an array",
            ));
        }
    };
    check_count(records.len(), MAX_RECORDS)?;
    Ok(Batch {
        all_or_none,
        records,
    })
}

fn check_count(count: usize, max: usize) -> Result<(), ApiError> {
    if count > max {
        return Err(ApiError::bad_request(
            "EXCEEDED_ID_LIMIT",
            format!("record limit reached. cannot submit more than {max} records into this call"),
        ));
    }
    Ok(())
}

fn check_version(params: &Params, state: &State, since: u32) -> Result<u32, ApiError> {
    let version = params.version(state)?;
    if version < since {
        return Err(ApiError::not_found());
    }
    Ok(version)
}

/// The describe named by a record's `attributes.type`. A missing or unknown type fails the
/// record (`INVALID_TYPE`; the exact wording Salesforce uses is unconfirmed).
fn record_type(
    state: &State,
    record: &Map<String, Value>,
) -> Result<Arc<SObjectDescribe>, ApiError> {
    let name = record
        .get("attributes")
        .and_then(|a| a.get("type"))
        .and_then(Value::as_str)
        .ok_or_else(|| invalid_type("Must specify a type in attributes"))?;
    state
        .schema
        .get(name)
        .cloned()
        .ok_or_else(|| invalid_type(&format!("sObject type '{name}' is not supported.")))
}

fn invalid_type(message: &str) -> ApiError {
    ApiError::bad_request("INVALID_TYPE", message)
}

/// A record of a collection: its describe (from `attributes.type`) and its fields without
/// `attributes`.
fn typed_record(
    state: &State,
    record: &Value,
) -> Result<(Arc<SObjectDescribe>, Map<String, Value>), ApiError> {
    let mut record = as_object(record)?;
    let describe = record_type(state, &record)?;
    record.remove("attributes");
    Ok((describe, record))
}

fn as_object(record: &Value) -> Result<Map<String, Value>, ApiError> {
    record.as_object().cloned().ok_or_else(|| {
        ApiError::json_parser("Cannot deserialize instance of SObject from a non-object value")
    })
}

/// Validates a record's fields (`attributes` and, for updates, `id` excluded) and references,
/// as single-record writes do.
fn record_changes(
    state: &State,
    describe: &SObjectDescribe,
    record: &Map<String, Value>,
) -> Result<Record, ApiError> {
    let raw = serde_json::to_vec(record).unwrap_or_default();
    let changes = check_values(describe, record, &raw)?;
    check_references(state, describe, &changes)?;
    Ok(changes)
}

fn rolled_back() -> ApiError {
    ApiError::bad_request(
        "ALL_OR_NONE_OPERATION_ROLLED_BACK",
        "Record rolled back because not all records were valid and the request was using AllOrNone header",
    )
}

/// The JSON answer: one result per record, in request order.
fn results(outcomes: Vec<Outcome>) -> Response {
    let items: Vec<Value> = outcomes
        .into_iter()
        .map(|outcome| match outcome {
            Ok(mut extra) => {
                let mut item = Map::new();
                if let Some(id) = extra.remove("id") {
                    item.insert("id".into(), id);
                }
                item.insert("success".into(), Value::Bool(true));
                item.insert("errors".into(), json!([]));
                item.extend(extra);
                Value::Object(item)
            }
            Err(error) => json!({"success": false, "errors": [error.collection_item()]}),
        })
        .collect();
    json_response(StatusCode::OK, Value::Array(items))
}

/// With `allOrNone`, a request with any failed record fails every other record with
/// `ALL_OR_NONE_OPERATION_ROLLED_BACK`.
fn all_or_none_failed(outcomes: &mut [Outcome]) -> bool {
    if !outcomes.iter().any(Result::is_err) {
        return false;
    }
    for outcome in outcomes.iter_mut() {
        if outcome.is_ok() {
            *outcome = Err(rolled_back());
        }
    }
    true
}

/// Runs the commit step of every record still `Ok`: `commit(i)` writes record `i`. With
/// `allOrNone`, the request's own changes are undone when any record fails.
async fn commit_all(
    state: &State,
    all_or_none: bool,
    outcomes: &mut [Outcome],
    mut commit: impl FnMut(usize) -> Outcome,
) {
    if all_or_none && all_or_none_failed(outcomes) {
        return;
    }
    let pending: Vec<usize> = (0..outcomes.len())
        .filter(|&i| outcomes[i].is_ok())
        .collect();
    if !all_or_none {
        // Nothing to undo: no journal of its own (an enclosing composite's, if any, still
        // records the changes).
        for i in pending {
            outcomes[i] = commit(i);
        }
        return;
    }
    let ((), changes) = journal::recorded(async {
        for i in pending {
            outcomes[i] = commit(i);
            if outcomes[i].is_err() {
                break;
            }
        }
    })
    .await;
    if all_or_none_failed(outcomes) {
        journal::rollback(&state.store, changes);
    }
}

/// Checks each record of a request on its own: what passed is kept for the commit (its outcome
/// filled in then), what failed already has its row's error.
fn check_each<T>(
    records: &[Value],
    mut check: impl FnMut(&Value) -> Result<T, ApiError>,
) -> (Vec<Option<T>>, Vec<Outcome>) {
    records
        .iter()
        .map(|record| match check(record) {
            Ok(ready) => (Some(ready), Ok(Map::new())),
            Err(error) => (None, Err(error)),
        })
        .unzip()
}

fn id_result(id: &str) -> Map<String, Value> {
    let mut extra = Map::new();
    extra.insert("id".into(), Value::String(id.to_owned()));
    extra
}

/// `POST /composite/sobjects`: creates records of any types given by `attributes.type`.
pub(crate) async fn create(
    AxumState(state): AxumState<Shared>,
    params: Params,
    raw: Bytes,
) -> Result<Response, ApiError> {
    check_version(&params, &state, COLLECTIONS_SINCE)?;
    let batch = parse_batch(&raw)?;
    let (prepared, mut outcomes) = check_each(&batch.records, |record| {
        let (describe, record) = typed_record(&state, record)?;
        if record.keys().any(|k| k.eq_ignore_ascii_case("id")) {
            return Err(ApiError::other(
                StatusCode::BAD_REQUEST,
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                "cannot specify Id in an insert call",
                &["Id"],
            ));
        }
        let changes = record_changes(&state, &describe, &record)?;
        check_writable(&describe, &changes, Operation::Create)?;
        Ok((describe, changes))
    });
    commit_all(&state, batch.all_or_none, &mut outcomes, |i| {
        let (describe, changes) = prepared[i].as_ref().expect("prepared when Ok");
        insert_new(&state, describe, changes).map(|id| id_result(&id))
    })
    .await;
    Ok(results(outcomes))
}

/// `PATCH /composite/sobjects`: updates records by the `id` each carries.
pub(crate) async fn update(
    AxumState(state): AxumState<Shared>,
    params: Params,
    raw: Bytes,
) -> Result<Response, ApiError> {
    check_version(&params, &state, COLLECTIONS_SINCE)?;
    let batch = parse_batch(&raw)?;
    let (prepared, mut outcomes) = check_each(&batch.records, |record| {
        let (describe, mut record) = typed_record(&state, record)?;
        let id_key = record
            .keys()
            .find(|k| k.eq_ignore_ascii_case("id"))
            .cloned();
        let id_value = id_key.and_then(|k| record.remove(&k));
        let id_text = id_value.as_ref().and_then(Value::as_str).ok_or_else(|| {
            ApiError::bad_request("MISSING_ARGUMENT", "Id not specified in an update call")
        })?;
        let id = resolve_id(&describe, id_text)?;
        let changes = record_changes(&state, &describe, &record)?;
        check_writable(&describe, &changes, Operation::Update)?;
        Ok((describe, id, changes))
    });
    // The same Id twice fails those rows (Salesforce's exact code here is unconfirmed; this is
    // the SOAP API's answer).
    let ids: Vec<Option<&str>> = prepared
        .iter()
        .map(|p| p.as_ref().map(|(_, id, _)| id.as_str()))
        .collect();
    for (i, repeated) in repeated_keys(&ids).into_iter().enumerate() {
        if repeated {
            outcomes[i] = Err(ApiError::bad_request(
                "INVALID_ID_FIELD",
                "Duplicate Id specified",
            ));
        }
    }
    commit_all(&state, batch.all_or_none, &mut outcomes, |i| {
        let (describe, id, changes) = prepared[i].as_ref().expect("prepared when Ok");
        if !state.store.contains(describe, id) {
            return Err(entity_is_deleted());
        }
        apply_update(&state, describe, id, changes.clone()).map(|()| id_result(id))
    })
    .await;
    Ok(results(outcomes))
}

fn entity_is_deleted() -> ApiError {
    ApiError::bad_request("ENTITY_IS_DELETED", "entity is deleted")
}

/// For each key, whether it appears more than once (`None` never counts).
fn repeated_keys(keys: &[Option<&str>]) -> Vec<bool> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for key in keys.iter().flatten() {
        *counts.entry(key).or_default() += 1;
    }
    keys.iter()
        .map(|key| key.is_some_and(|k| counts[k] > 1))
        .collect()
}

/// `PATCH /composite/sobjects/{SObject}/{field}` (v46.0+): upsert by external ID.
pub(crate) async fn upsert(
    AxumState(state): AxumState<Shared>,
    params: Params,
    raw: Bytes,
) -> Result<Response, ApiError> {
    check_version(&params, &state, UPSERT_SINCE)?;
    let (_, describe) = params.object(&state)?;
    let field = external_id_field(&describe, params.get("field"))?;
    let batch = parse_batch(&raw)?;

    // Validate every record and find its key.
    let (keyed, mut outcomes) = check_each(&batch.records, |record| {
        let (declared, record) = typed_record(&state, record)?;
        if !declared.name.eq_ignore_ascii_case(&describe.name) {
            return Err(invalid_type(&format!(
                "Record type {} does not match the URL's sObject {}",
                declared.name, describe.name
            )));
        }
        let key_name = record
            .keys()
            .find(|k| k.eq_ignore_ascii_case(&field.name))
            .cloned();
        let key_value = key_name
            .and_then(|k| record.get(&k).cloned())
            .filter(|v| !v.is_null())
            .ok_or_else(|| {
                ApiError::bad_request("MISSING_ARGUMENT", format!("{} not specified", field.name))
            })?;
        let changes = record_changes(&state, &describe, &record)?;
        Ok((key_value, changes))
    });

    // The same key twice in one request fails those rows, never the others.
    let normalized: Vec<Option<String>> = keyed
        .iter()
        .map(|k| k.as_ref().and_then(|(value, _)| normalize(field, value)))
        .collect();
    let refs: Vec<Option<&str>> = normalized.iter().map(Option::as_deref).collect();
    for (i, repeated) in repeated_keys(&refs).into_iter().enumerate() {
        if repeated {
            let (value, _) = keyed[i].as_ref().expect("keyed when normalized");
            let shown = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            outcomes[i] = Err(ApiError::other(
                StatusCode::BAD_REQUEST,
                "DUPLICATE_VALUE",
                format!("Duplicate external id specified: {shown}"),
                &[&field.name],
            ));
        }
    }

    // Per-key in-flight accounting, shared with single-record upserts.
    let _in_flight: Vec<_> = keyed
        .iter()
        .zip(&outcomes)
        .filter(|(_, outcome)| outcome.is_ok())
        .filter_map(|(k, _)| k.as_ref())
        .map(|(value, _)| {
            state
                .in_flight
                .enter(in_flight_key(&describe, field, value))
        })
        .collect();

    // Look every key up, then one commit window, then commit in order.
    let mut plans: Vec<Option<Plan>> = Vec::with_capacity(keyed.len());
    for (i, entry) in keyed.into_iter().enumerate() {
        let plan = match (entry, &outcomes[i]) {
            (Some((value, changes)), Ok(_)) => {
                plan_upsert(&state, &describe, field, &value, changes, false)
            }
            _ => {
                plans.push(None);
                continue;
            }
        };
        match plan {
            Ok(plan) => plans.push(Some(plan)),
            Err(error) => {
                outcomes[i] = Err(error);
                plans.push(None);
            }
        }
    }
    if !(batch.all_or_none && outcomes.iter().any(Result::is_err))
        && plans.iter().any(Option::is_some)
    {
        commit_window(&state).await;
    }
    commit_all(&state, batch.all_or_none, &mut outcomes, |i| {
        let plan = plans[i].take().expect("planned when Ok");
        commit_upsert(&state, &describe, plan).map(|done| {
            let mut extra = id_result(&done.id);
            extra.insert("created".into(), Value::Bool(done.created));
            extra
        })
    })
    .await;
    Ok(results(outcomes))
}

/// The query of `DELETE /composite/sobjects`.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct DeleteQuery {
    ids: Option<String>,
    #[serde(rename = "allOrNone")]
    all_or_none: Option<String>,
}

/// `DELETE /composite/sobjects?ids=a,b&allOrNone=false`.
pub(crate) async fn delete(
    AxumState(state): AxumState<Shared>,
    params: Params,
    Query(query): Query<DeleteQuery>,
) -> Result<Response, ApiError> {
    check_version(&params, &state, COLLECTIONS_SINCE)?;
    let ids = split_list(query.ids.as_deref().unwrap_or_default());
    check_count(ids.len(), MAX_RECORDS)?;
    let all_or_none = query
        .all_or_none
        .as_deref()
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let mut targets = Vec::with_capacity(ids.len());
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(ids.len());
    for text in &ids {
        let target = parse_id(text)
            .and_then(|id| state.schema.by_id_prefix(&id).map(|d| (d.clone(), id)))
            .ok_or_else(|| ApiError::bad_request("MALFORMED_ID", format!("malformed id {text}")));
        match target {
            Ok(target) => {
                targets.push(Some(target));
                outcomes.push(Ok(Map::new()));
            }
            Err(error) => {
                targets.push(None);
                outcomes.push(Err(error));
            }
        }
    }
    commit_all(&state, all_or_none, &mut outcomes, |i| {
        let (describe, id) = targets[i].as_ref().expect("parsed when Ok");
        if state.store.delete(describe, id) {
            Ok(id_result(id))
        } else {
            Err(entity_is_deleted())
        }
    })
    .await;
    Ok(results(outcomes))
}

fn split_list(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The query of `GET /composite/sobjects/{SObject}`.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct RetrieveQuery {
    ids: Option<String>,
    fields: Option<String>,
}

/// `GET /composite/sobjects/{SObject}?ids=&fields=`.
pub(crate) async fn retrieve_get(
    AxumState(state): AxumState<Shared>,
    params: Params,
    Query(query): Query<RetrieveQuery>,
) -> Result<Response, ApiError> {
    let ids = split_list(query.ids.as_deref().unwrap_or_default());
    let fields = split_list(query.fields.as_deref().unwrap_or_default());
    retrieve(&state, &params, &ids, &fields)
}

/// `POST /composite/sobjects/{SObject}` with `{"ids":[...],"fields":[...]}`.
pub(crate) async fn retrieve_post(
    AxumState(state): AxumState<Shared>,
    params: Params,
    raw: Bytes,
) -> Result<Response, ApiError> {
    let body: Value = serde_json::from_slice(&raw)
        .map_err(|e| ApiError::json_parser(format!("Unexpected character ({e})")))?;
    let list = |name: &str| -> Vec<String> {
        body.get(name)
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    retrieve(&state, &params, &list("ids"), &list("fields"))
}

/// Records in the order of `ids`; `null` for an Id that is malformed, of another type or of
/// no record. Both lists are required.
fn retrieve(
    state: &State,
    params: &Params,
    ids: &[String],
    fields: &[String],
) -> Result<Response, ApiError> {
    let version = check_version(params, state, COLLECTIONS_SINCE)?;
    let (_, describe) = params.object(state)?;
    if ids.is_empty() || fields.is_empty() {
        return Err(ApiError::bad_request(
            "MISSING_ARGUMENT",
            "Both ids and fields are required",
        ));
    }
    check_count(ids.len(), MAX_RETRIEVE)?;
    let field_list = fields.join(",");
    let mut out = Vec::with_capacity(ids.len());
    for text in ids {
        let record = resolve_id(&describe, text)
            .ok()
            .and_then(|id| state.store.get(&describe, &id));
        out.push(match record {
            Some(record) => render_record(version, &describe, &record, Some(&field_list))?,
            None => Value::Null,
        });
    }
    Ok(json_response(StatusCode::OK, Value::Array(out)))
}

#[cfg(test)]
mod tests {
    use super::repeated_keys;

    #[test]
    fn repeated_keys_mark_every_occurrence() {
        let keys = [Some("a"), Some("b"), None, Some("a"), None];
        assert_eq!(repeated_keys(&keys), [true, false, false, true, false]);
    }
}
