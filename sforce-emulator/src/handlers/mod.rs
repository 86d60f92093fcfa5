//! HTTP handlers, one module per concern: service metadata, record CRUD, upsert by external ID,
//! SOQL queries.

pub(crate) mod bulk;
pub(crate) mod collections;
pub(crate) mod composite;
pub(crate) mod identity;
pub(crate) mod meta;
pub(crate) mod query;
pub(crate) mod records;
pub(crate) mod upsert;

use std::sync::Arc;

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use sforce_core::describe::SObjectDescribe;

use crate::api_error::ApiError;
use crate::state::{MIN_API_VERSION, State};
use crate::store::Record;

/// Path parameters, each percent-decoded exactly once as one segment (`%2F` → `/`,
/// `%252F` → `%2F`, `+` stays `+`). axum's router does the decoding; a segment that is not
/// UTF-8 after decoding answers 404.
pub(crate) struct Params(Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found())?;
        Ok(Params(
            raw.iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        ))
    }
}

impl Params {
    /// The decoded value of parameter `name` (empty if absent).
    pub(crate) fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The API version of the path (`v62.0` → 62). Unknown versions answer 404.
    pub(crate) fn version(&self, state: &State) -> Result<u32, ApiError> {
        let text = self.get("version");
        let (major, minor) = text
            .strip_prefix('v')
            .and_then(|v| v.split_once('.'))
            .ok_or_else(ApiError::not_found)?;
        let major: u32 = major.parse().map_err(|_| ApiError::not_found())?;
        if minor != "0" || !(MIN_API_VERSION..=state.max_api_version).contains(&major) {
            return Err(ApiError::not_found());
        }
        Ok(major)
    }

    /// The version and the describe of the `sobject` parameter (404 when unknown).
    pub(crate) fn object(&self, state: &State) -> Result<(u32, Arc<SObjectDescribe>), ApiError> {
        let version = self.version(state)?;
        let describe = state
            .schema
            .get(self.get("sobject"))
            .cloned()
            .ok_or_else(ApiError::not_found)?;
        Ok((version, describe))
    }
}

/// `/services/data/v62.0/sobjects/Task/00T...`
pub(crate) fn record_url(version: u32, sobject: &str, id: &str) -> String {
    format!("/services/data/v{version}.0/sobjects/{sobject}/{id}")
}

/// A JSON answer.
pub(crate) fn json_response(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// A record as Salesforce returns it: `attributes` first, then the requested fields (all
/// described fields, in describe order, when `fields` is `None`).
pub(crate) fn render_record(
    version: u32,
    describe: &SObjectDescribe,
    record: &Record,
    fields: Option<&str>,
) -> Result<Value, ApiError> {
    let id = record.get("Id").and_then(Value::as_str).unwrap_or_default();
    let mut out = Map::new();
    out.insert(
        "attributes".into(),
        json!({"type": describe.name, "url": record_url(version, &describe.name, id)}),
    );
    let names: Vec<String> = match fields.filter(|f| !f.trim().is_empty()) {
        Some(list) => list
            .split(',')
            .map(|name| {
                let name = name.trim();
                if name.eq_ignore_ascii_case("Id") {
                    return Ok("Id".to_owned());
                }
                describe
                    .field(name)
                    .map(|f| f.name.clone())
                    .ok_or_else(|| ApiError::invalid_field(name, &describe.name))
            })
            .collect::<Result<_, _>>()?,
        None => {
            let mut all: Vec<String> = describe.fields.iter().map(|f| f.name.clone()).collect();
            if !all.iter().any(|n| n == "Id") {
                all.insert(0, "Id".into());
            }
            all
        }
    };
    for name in names {
        let value = record.get(&name).cloned().unwrap_or(Value::Null);
        out.insert(name, value);
    }
    Ok(Value::Object(out))
}

/// The `fields` query parameter.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct FieldsQuery {
    pub(crate) fields: Option<String>,
}
