//! Reading request bodies, AFTER the bearer-token check: a size limit answered with a
//! Salesforce-shaped JSON error, and the (truncated) text kept for the request log.
//!
//! Nothing is buffered before the token check: an unauthenticated request's body is never
//! read, so large unauthenticated uploads cost nothing. The limit (default
//! [`DEFAULT_MAX_BODY_BYTES`], 160 MiB: room for a Bulk API 2.0 upload of 150 MB, the largest
//! body Salesforce documents) is checked while reading; the answer to an oversized body is
//! 413 `[{"errorCode":"REQUEST_ENTITY_TOO_LARGE",...}]` (the code Salesforce uses here is
//! unconfirmed).

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State as AxumState};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::state::Shared;

/// Largest request body accepted by default (160 MiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 160 * 1024 * 1024;

/// Longest body text kept per logged request by default; longer ones are cut (and say so).
pub(crate) const DEFAULT_MAX_LOGGED_BODY: usize = 16 * 1024;

/// The logged text of a request's body, handed to the request log through the response.
#[derive(Clone, Debug)]
pub(crate) struct LoggedBody(pub(crate) String);

/// Reads the body within the limit, then runs the handler; the response carries the logged
/// body text. Token requests carry secrets: their text is never kept.
pub(crate) async fn read_body(
    AxumState(state): AxumState<Shared>,
    req: Request,
    next: Next,
) -> Response {
    let secret = req.uri().path().starts_with("/services/oauth2");
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, state.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => return too_large(state.max_body_bytes),
    };
    let logged = if secret {
        "[redacted]".to_owned()
    } else {
        logged_text(&bytes, state.max_logged_body)
    };
    let mut response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    response.extensions_mut().insert(LoggedBody(logged));
    response
}

fn logged_text(bytes: &[u8], max: usize) -> String {
    if bytes.len() <= max {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let mut text = String::from_utf8_lossy(&bytes[..max]).into_owned();
    text.push_str(&format!("… ({} bytes in all)", bytes.len()));
    text
}

/// 413 with a Salesforce-shaped JSON body (also for a body that failed to read).
fn too_large(limit: usize) -> Response {
    let body = json!([{
        "message": format!("The request body exceeds the limit of {limit} bytes"),
        "errorCode": "REQUEST_ENTITY_TOO_LARGE",
    }]);
    (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(body)).into_response()
}
