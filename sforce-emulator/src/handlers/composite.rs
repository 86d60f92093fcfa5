//! `POST /composite`: up to 25 subrequests run in order, one API request in all.
//!
//! Each subrequest goes through the emulator's own router (same handlers, same validation),
//! marked as a [`Subrequest`] so it is neither logged nor counted on its own. A later
//! subrequest can use an earlier one's answer with `@{referenceId.path}` in its URL or body
//! (`@{NewAccount.id}`, `@{Reads.records[0].Id}`). With `allOrNone`, the first failure rolls
//! every subrequest's writes back and the others answer `PROCESSING_HALTED`.
//!
//! Unconfirmed against Salesforce: the exact error code and message for more than 25
//! subrequests, and the exact wording of `PROCESSING_HALTED` for an unresolvable reference.

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State as AxumState};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use hyper::service::Service as _;
use hyper_util::service::TowerToHyperService;
use serde_json::{Map, Value, json};

use super::{Params, json_response};
use crate::api_error::ApiError;
use crate::journal;
use crate::state::Shared;

/// Most subrequests in one composite request.
const MAX_SUBREQUESTS: usize = 25;
/// Largest subrequest answer read back.
const MAX_SUBRESPONSE: usize = 64 * 1024 * 1024;

/// Marks a request dispatched by `POST /composite`: the server does not log or count it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Subrequest;

#[derive(Debug, serde::Deserialize)]
struct CompositeBody {
    #[serde(rename = "allOrNone", default)]
    all_or_none: bool,
    #[serde(rename = "compositeRequest")]
    requests: Vec<SubrequestSpec>,
}

#[derive(Debug, serde::Deserialize)]
struct SubrequestSpec {
    method: String,
    url: String,
    #[serde(rename = "referenceId")]
    reference_id: String,
    #[serde(default)]
    body: Option<Value>,
}

/// One subrequest's answer.
struct Answer {
    reference_id: String,
    status: u16,
    body: Value,
    headers: Map<String, Value>,
}

impl Answer {
    fn to_json(&self) -> Value {
        json!({
            "body": self.body,
            "httpHeaders": self.headers,
            "httpStatusCode": self.status,
            "referenceId": self.reference_id,
        })
    }

    fn failed(&self) -> bool {
        self.status >= 400
    }

    fn halted(reference_id: &str, message: String) -> Answer {
        Answer {
            reference_id: reference_id.to_owned(),
            status: 400,
            body: json!([{"errorCode": "PROCESSING_HALTED", "message": message}]),
            headers: Map::new(),
        }
    }
}

/// `POST /services/data/vXX.X/composite`.
pub(crate) async fn composite(
    AxumState(state): AxumState<Shared>,
    params: Params,
    headers: HeaderMap,
    raw: Bytes,
) -> Result<Response, ApiError> {
    params.version(&state)?;
    let body: CompositeBody = serde_json::from_slice(&raw)
        .map_err(|e| ApiError::json_parser(format!("Unexpected character ({e})")))?;
    if body.requests.len() > MAX_SUBREQUESTS {
        return Err(ApiError::bad_request(
            "INVALID_BATCH_REQUEST",
            format!("Limit of {MAX_SUBREQUESTS} subrequests exceeded"),
        ));
    }
    let authorization = headers.get(AUTHORIZATION).cloned();
    let all_or_none = body.all_or_none;
    let (mut answers, changes) = journal::recorded(async {
        let mut answers: Vec<Answer> = Vec::with_capacity(body.requests.len());
        for spec in &body.requests {
            if all_or_none && answers.iter().any(Answer::failed) {
                break;
            }
            let answer = match resolve_spec(spec, &answers) {
                Ok((url, sub_body)) => {
                    dispatch(&state, spec, &url, sub_body, authorization.clone()).await
                }
                Err(message) => Answer::halted(&spec.reference_id, message),
            };
            answers.push(answer);
        }
        answers
    })
    .await;
    if all_or_none && answers.iter().any(Answer::failed) {
        journal::rollback(&state.store, changes);
        let halted = "The transaction was rolled back since another operation in the same \
                      transaction failed.";
        for answer in answers.iter_mut().filter(|a| !a.failed()) {
            *answer = Answer::halted(&answer.reference_id, halted.to_owned());
        }
        for spec in &body.requests[answers.len()..] {
            answers.push(Answer::halted(&spec.reference_id, halted.to_owned()));
        }
    }
    let items: Vec<Value> = answers.iter().map(Answer::to_json).collect();
    Ok(json_response(
        StatusCode::OK,
        json!({"compositeResponse": items}),
    ))
}

/// The subrequest's URL and body with every `@{reference.path}` replaced.
fn resolve_spec(
    spec: &SubrequestSpec,
    answers: &[Answer],
) -> Result<(String, Option<Value>), String> {
    let url = substitute(&spec.url, answers)?;
    let body = match &spec.body {
        Some(body) => Some(substitute_value(body, answers)?),
        None => None,
    };
    Ok((url, body))
}

fn substitute_value(value: &Value, answers: &[Answer]) -> Result<Value, String> {
    Ok(match value {
        Value::String(s) => Value::String(substitute(s, answers)?),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| substitute_value(v, answers))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), substitute_value(v, answers)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

/// Replaces every `@{ref.path}` in `text` by the referenced value's text.
fn substitute(text: &str, answers: &[Answer]) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("@{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("Invalid reference specified: {rest}"))?;
        let value = lookup(&after[..end], answers)?;
        match value {
            Value::String(s) => out.push_str(&s),
            other => out.push_str(&other.to_string()),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The value at `reference` = `refId.seg.seg[n]...` in an earlier successful answer.
fn lookup(reference: &str, answers: &[Answer]) -> Result<Value, String> {
    let (reference_id, path) = reference.split_once('.').unwrap_or((reference, ""));
    let missing = || {
        format!(
            "Invalid reference specified. No value for {reference} found in {reference_id}. \
             Provided referenceId ('{reference_id}') must be a valid referenceId of an earlier \
             successful subrequest."
        )
    };
    let answer = answers
        .iter()
        .find(|a| a.reference_id == reference_id && !a.failed())
        .ok_or_else(missing)?;
    let mut current = &answer.body;
    for segment in path.split('.').filter(|s| !s.is_empty()) {
        let (name, indexes) = match segment.find('[') {
            Some(at) => (&segment[..at], &segment[at..]),
            None => (segment, ""),
        };
        if !name.is_empty() {
            current = current.get(name).ok_or_else(missing)?;
        }
        for index in indexes.split('[').filter(|s| !s.is_empty()) {
            let n: usize = index.trim_end_matches(']').parse().map_err(|_| missing())?;
            current = current.get(n).ok_or_else(missing)?;
        }
    }
    Ok(current.clone())
}

/// Runs one subrequest through the router with the caller's authorization.
async fn dispatch(
    state: &Shared,
    spec: &SubrequestSpec,
    url: &str,
    body: Option<Value>,
    authorization: Option<axum::http::HeaderValue>,
) -> Answer {
    let reference_id = spec.reference_id.clone();
    let bad = |message: String| Answer {
        reference_id: reference_id.clone(),
        status: 400,
        body: json!([{"errorCode": "INVALID_URL", "message": message}]),
        headers: Map::new(),
    };
    if !url.starts_with("/services/data/v") {
        return bad(format!("The URL must start with /services/data/: {url}"));
    }
    let Ok(method) = Method::from_bytes(spec.method.to_ascii_uppercase().as_bytes()) else {
        return bad(format!("Unsupported method {}", spec.method));
    };
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let mut builder = Request::builder().method(method).uri(url);
    if let Some(auth) = authorization {
        builder = builder.header(AUTHORIZATION, auth);
    }
    if !payload.is_empty() {
        builder = builder.header(CONTENT_TYPE, "application/json");
    }
    let Ok(mut request) = builder.body(Body::from(payload)) else {
        return bad(format!("Invalid URL {url}"));
    };
    request.extensions_mut().insert(Subrequest);
    let service = TowerToHyperService::new(crate::server::router(state.clone()));
    let response = match service.call(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let status = response.status().as_u16();
    let mut headers = Map::new();
    if let Some(location) = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
    {
        headers.insert("Location".into(), Value::String(location.to_owned()));
    }
    let bytes = to_bytes(response.into_body(), MAX_SUBRESPONSE)
        .await
        .unwrap_or_default();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    Answer {
        reference_id,
        status,
        body,
        headers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(reference_id: &str, status: u16, body: Value) -> Answer {
        Answer {
            reference_id: reference_id.to_owned(),
            status,
            body,
            headers: Map::new(),
        }
    }

    #[test]
    fn references_resolve_paths_and_indexes() {
        let answers = [
            answer("NewAccount", 201, json!({"id": "001A", "success": true})),
            answer("Reads", 200, json!({"records": [{"Id": "003B", "N": 7}]})),
            answer("Failed", 400, json!([{"errorCode": "X"}])),
        ];
        assert_eq!(
            substitute("/sobjects/Account/@{NewAccount.id}", &answers).unwrap(),
            "/sobjects/Account/001A"
        );
        assert_eq!(
            substitute("@{Reads.records[0].Id}-@{Reads.records[0].N}", &answers).unwrap(),
            "003B-7"
        );
        assert!(substitute("@{Failed.id}", &answers).is_err());
        assert!(substitute("@{Nope.id}", &answers).is_err());
        assert!(substitute("@{NewAccount.missing}", &answers).is_err());
        assert_eq!(substitute("no refs", &answers).unwrap(), "no refs");
    }
}
