//! Service metadata: the versions list, the resources of a version, limits, record counts,
//! describes (with `If-Modified-Since`).

use std::time::SystemTime;

use axum::extract::{Query, State as AxumState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc2822;

use super::{Params, json_response};
use crate::api_error::ApiError;
use crate::state::{MIN_API_VERSION, Shared};

/// The release name of an API version (`62` → `Winter '25`).
fn release_label(version: u32) -> String {
    let k = version.saturating_sub(20);
    let season = ["Winter", "Spring", "Summer"][(k % 3) as usize];
    format!("{season} '{:02}", 11 + k / 3)
}

/// `GET /services/data/`: every served version, oldest first. Needs no token and carries no
/// `Sforce-Limit-Info`, as on Salesforce.
pub(crate) async fn versions(AxumState(state): AxumState<Shared>) -> Response {
    let list: Vec<Value> = (MIN_API_VERSION..=state.max_api_version)
        .map(|v| {
            json!({"label": release_label(v), "url": format!("/services/data/v{v}.0"), "version": format!("{v}.0")})
        })
        .collect();
    json_response(StatusCode::OK, Value::Array(list))
}

/// `GET /services/data/vXX.X/`: the resources of a version.
pub(crate) async fn resources(
    AxumState(state): AxumState<Shared>,
    params: Params,
) -> Result<Response, ApiError> {
    let v = params.version(&state)?;
    let base = format!("/services/data/v{v}.0");
    Ok(json_response(
        StatusCode::OK,
        json!({
            "limits": format!("{base}/limits"),
            "sobjects": format!("{base}/sobjects"),
            "composite": format!("{base}/composite"),
            "query": format!("{base}/query"),
        }),
    ))
}

/// `GET /services/data/vXX.X/limits`.
pub(crate) async fn limits(
    AxumState(state): AxumState<Shared>,
    params: Params,
) -> Result<Response, ApiError> {
    params.version(&state)?;
    let used = state.api_usage.load(std::sync::atomic::Ordering::Relaxed);
    let max = state.api_limit;
    Ok(json_response(
        StatusCode::OK,
        json!({
            "DailyApiRequests": {"Max": max, "Remaining": max.saturating_sub(used)},
            "ConcurrentPerOrgLongTxn": {"Max": 25, "Remaining": 25},
            "DailyBulkV2QueryJobs": {"Max": 10000, "Remaining": 10000},
            "DataStorageMB": {"Max": 5, "Remaining": 5},
        }),
    ))
}

/// The `sObjects` parameter of `limits/recordCount`.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct RecordCountQuery {
    #[serde(rename = "sObjects")]
    sobjects: Option<String>,
}

/// `GET /services/data/vXX.X/limits/recordCount?sObjects=A,B` →
/// `{"sObjects":[{"count":3,"name":"A"},...]}`. Without `sObjects`, every object. Names the
/// schema does not know are left out, and known objects without records are listed with count
/// 0 (both unconfirmed: Salesforce computes these counts from storage statistics).
pub(crate) async fn record_count(
    AxumState(state): AxumState<Shared>,
    params: Params,
    Query(query): Query<RecordCountQuery>,
) -> Result<Response, ApiError> {
    params.version(&state)?;
    let describes: Vec<_> = match query.sobjects.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(list) => list
            .split(',')
            .filter_map(|name| state.schema.get(name.trim()).cloned())
            .collect(),
        None => state.schema.all().to_vec(),
    };
    let counts: Vec<Value> = describes
        .iter()
        .map(|d| {
            let count = state
                .store
                .all(d)
                .iter()
                .filter(|r| r.get("IsDeleted") != Some(&Value::Bool(true)))
                .count();
            json!({"count": count, "name": d.name})
        })
        .collect();
    Ok(json_response(StatusCode::OK, json!({ "sObjects": counts })))
}

/// `304 Not Modified` with an empty body when the request's `If-Modified-Since` is not older
/// than `modified` (compared in whole seconds, the header's resolution). An unparseable date
/// is ignored, as HTTP prescribes.
fn not_modified(headers: &HeaderMap, modified: SystemTime) -> Option<Response> {
    let since = headers.get("if-modified-since")?.to_str().ok()?;
    let since = OffsetDateTime::parse(since.trim(), &Rfc2822).ok()?;
    let modified = OffsetDateTime::from(modified).unix_timestamp();
    (since.unix_timestamp() >= modified).then(|| StatusCode::NOT_MODIFIED.into_response())
}

/// `GET /services/data/vXX.X/sobjects`: the global describe; 304 when unchanged since
/// `If-Modified-Since`.
pub(crate) async fn global_describe(
    AxumState(state): AxumState<Shared>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let version = params.version(&state)?;
    if let Some(answer) = not_modified(&headers, state.schema.modified_at()) {
        return Ok(answer);
    }
    let mut global = serde_json::to_value(state.schema.global(version)).expect("serializable");
    // Real orgs list each entry's keys alphabetically.
    if let Some(entries) = global.get_mut("sobjects").and_then(Value::as_array_mut) {
        for entry in entries {
            if let Value::Object(map) = entry {
                let mut keys: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
                keys.sort_by(|a, b| a.0.cmp(&b.0));
                *map = keys.into_iter().collect::<Map<_, _>>();
            }
        }
    }
    Ok(json_response(StatusCode::OK, global))
}

/// `GET /services/data/vXX.X/sobjects/{SObject}/describe`; 304 when unchanged since
/// `If-Modified-Since`.
pub(crate) async fn describe(
    AxumState(state): AxumState<Shared>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (_, describe) = params.object(&state)?;
    if let Some(answer) = not_modified(&headers, state.schema.modified_at()) {
        return Ok(answer);
    }
    let body = serde_json::to_value(&*describe).expect("serializable");
    Ok(json_response(StatusCode::OK, body))
}

/// `GET /services/data/vXX.X/sobjects/{SObject}`: basic information.
pub(crate) async fn sobject_info(
    AxumState(state): AxumState<Shared>,
    params: Params,
) -> Result<Response, ApiError> {
    let (version, describe) = params.object(&state)?;
    let summary = crate::schema::global_entry(&describe, version);
    Ok(json_response(
        StatusCode::OK,
        json!({"objectDescribe": summary, "recentItems": []}),
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn http_dates_parse() {
        use super::*;
        let mut headers = HeaderMap::new();
        headers.insert(
            "if-modified-since",
            "Wed, 3 Jul 2013 19:43:31 GMT".parse().unwrap(),
        );
        let at = |secs| SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs);
        assert!(not_modified(&headers, at(1_372_880_611)).is_some());
        assert!(not_modified(&headers, at(1_372_880_612)).is_none());
        headers.insert("if-modified-since", "yesterday".parse().unwrap());
        assert!(not_modified(&headers, at(0)).is_none());
    }

    #[test]
    fn release_labels() {
        assert_eq!(super::release_label(62), "Winter '25");
        assert_eq!(super::release_label(60), "Spring '24");
        assert_eq!(super::release_label(45), "Spring '19");
    }
}
