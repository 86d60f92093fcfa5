//! Service metadata: the versions list, the resources of a version, limits, describes.

use axum::extract::State as AxumState;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

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

/// `GET /services/data/vXX.X/sobjects`: the global describe.
pub(crate) async fn global_describe(
    AxumState(state): AxumState<Shared>,
    params: Params,
) -> Result<Response, ApiError> {
    params.version(&state)?;
    let global = serde_json::to_value(state.schema.global()).expect("serializable");
    Ok(json_response(StatusCode::OK, global))
}

/// `GET /services/data/vXX.X/sobjects/{SObject}/describe`.
pub(crate) async fn describe(
    AxumState(state): AxumState<Shared>,
    params: Params,
) -> Result<Response, ApiError> {
    let (_, describe) = params.object(&state)?;
    let body = serde_json::to_value(&*describe).expect("serializable");
    Ok(json_response(StatusCode::OK, body))
}

/// `GET /services/data/vXX.X/sobjects/{SObject}`: basic information.
pub(crate) async fn sobject_info(
    AxumState(state): AxumState<Shared>,
    params: Params,
) -> Result<Response, ApiError> {
    let (_, describe) = params.object(&state)?;
    let summary = sforce_core::describe::GlobalSObject::from_describe(&describe);
    Ok(json_response(
        StatusCode::OK,
        json!({"objectDescribe": summary, "recentItems": []}),
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn release_labels() {
        assert_eq!(super::release_label(62), "Winter '25");
        assert_eq!(super::release_label(60), "Spring '24");
        assert_eq!(super::release_label(45), "Spring '19");
    }
}
