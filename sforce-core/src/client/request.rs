//! One attempt of a request: bearer token, send, `Sforce-Limit-Info`, tracing, one resend
//! after a session refresh, and classification of error responses into [`Error`]. The
//! pipeline around attempts (limit, retries) is in `pipeline`.

use std::sync::Arc;
use std::time::Instant;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::builder::check_instance_url;
use super::limits::ApiUsage;
use super::pipeline::{Permit, Resend, parse_retry_after};
use super::{Client, lock};
use crate::auth::AccessToken;
use crate::error::{ApiErrorItem, Error, ErrorCode, RequestContext, Result, excerpt};
use crate::redact::Redactor;
use crate::types::Id;

/// One HTTP request to the instance, before authentication.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) method: Method,
    /// Instance-relative path starting with `/`, already percent-encoded; may carry a query.
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    /// The body and its content type. `Bytes`, so that resending (and sending at all: reqwest
    /// takes the body by value) shares the buffer instead of copying it: a Bulk API upload
    /// is up to 100 MB.
    pub(crate) body: Option<(bytes::Bytes, String)>,
    /// Extra headers (never `Authorization`).
    pub(crate) headers: HeaderMap,
    /// Whether the pipeline may send it again after a transient failure.
    pub(crate) resend: Resend,
    /// Leave a success body unread, for the caller to read chunk by chunk
    /// ([`Response::chunks`]): Bulk API result files are as large as the upload. The
    /// pipeline's permit ends with the response head; a failure while reading the body is not
    /// retried.
    pub(crate) streamed: bool,
}

impl Call {
    pub(crate) fn new(method: Method, path: String) -> Self {
        Call {
            path,
            query: Vec::new(),
            body: None,
            headers: HeaderMap::new(),
            resend: Resend::for_method(&method),
            streamed: false,
            method,
        }
    }

    /// Leaves a 2xx body unread (see [`Response::chunks`]). Error bodies are still read.
    pub(crate) fn streamed(mut self) -> Self {
        self.streamed = true;
        self
    }

    /// Sets whether the pipeline may send the call again (default: by method, see
    /// [`Resend::for_method`]).
    pub(crate) fn resend(mut self, resend: Resend) -> Self {
        self.resend = resend;
        self
    }

    pub(crate) fn query(mut self, key: &str, value: impl Into<String>) -> Self {
        self.query.push((key.to_owned(), value.into()));
        self
    }

    /// Serializes `body` as the JSON body.
    pub(crate) fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Result<Self> {
        let bytes = serde_json::to_vec(body)
            .map_err(|err| Error::invalid_input(format!("cannot serialize the body: {err}")))?;
        self.body = Some((bytes.into(), "application/json".to_owned()));
        Ok(self)
    }
}

/// A received response (any status).
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub(crate) context: RequestContext,
    pub(crate) status: StatusCode,
    /// The response headers (Bulk API 2.0 query results page with `Sforce-Locator`).
    pub(crate) headers: HeaderMap,
    /// The body as received (shared, not copied). Empty for a success of a
    /// [`Call::streamed`] call: its body is in `unread`.
    pub(crate) body: bytes::Bytes,
    /// The unread body of a success of a [`Call::streamed`] call.
    pub(crate) unread: Option<Unread>,
    /// The `Retry-After` header, when the server sent one.
    pub(crate) retry_after: Option<std::time::Duration>,
    /// Requests the pipeline sent to obtain this response (1 without retries).
    pub(crate) attempts: u32,
    /// The client's redactor, applied to errors built from this response.
    pub(crate) redactor: Option<Arc<Redactor>>,
}

/// A response body not read yet, taken once with [`Response::chunks`]. Shared so that
/// `Response` stays `Clone`.
#[derive(Clone)]
pub(crate) struct Unread(Arc<std::sync::Mutex<Option<UnreadBody>>>);

/// The response still receiving its body, and the permit of the client's limit its request
/// took: the connection stays busy until the body is read, so the permit is released only
/// then (or when the reader is dropped), not when the headers arrive.
struct UnreadBody {
    response: reqwest::Response,
    permit: Option<Permit>,
}

impl std::fmt::Debug for Unread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Unread")
    }
}

/// The body of a [`Call::streamed`] success, read chunk by chunk.
#[derive(Debug)]
pub(crate) struct BodyChunks {
    /// A body already read, handed out as the first chunk.
    first: Option<bytes::Bytes>,
    /// `None` once the body has ended or failed, releasing its permit.
    response: Option<(reqwest::Response, Option<Permit>)>,
    context: RequestContext,
    redactor: Option<Arc<Redactor>>,
}

impl BodyChunks {
    /// The next chunk of the body; `None` at its end. A read error ends the body (the
    /// request is not resent: part of it was already handed out).
    pub(crate) async fn chunk(&mut self) -> Result<Option<bytes::Bytes>> {
        if let Some(first) = self.first.take() {
            return Ok(Some(first));
        }
        let Some((response, _permit)) = self.response.as_mut() else {
            return Ok(None);
        };
        match response.chunk().await {
            Ok(Some(chunk)) => Ok(Some(chunk)),
            Ok(None) => {
                self.response = None;
                Ok(None)
            }
            Err(err) => {
                self.response = None;
                let error = Error::from_reqwest(self.context.clone(), err);
                Err(match &self.redactor {
                    Some(redactor) => redactor.error(error),
                    None => error,
                })
            }
        }
    }
}

impl Response {
    /// The body, chunk by chunk: the unread body of a [`Call::streamed`] success (taken
    /// once), else the body already read as one chunk.
    pub(crate) fn chunks(self) -> BodyChunks {
        let response = self
            .unread
            .and_then(|u| u.0.lock().unwrap_or_else(|e| e.into_inner()).take())
            .map(|unread| (unread.response, unread.permit));
        BodyChunks {
            first: (!self.body.is_empty()).then_some(self.body),
            response,
            context: self.context,
            redactor: self.redactor,
        }
    }

    /// Keeps `permit` until the unread body of a [`Call::streamed`] success is read or
    /// dropped; any other response releases it now.
    pub(crate) fn hold_until_read(&self, permit: Permit) {
        if let Some(unread) = &self.unread
            && let Some(body) = unread.0.lock().unwrap_or_else(|e| e.into_inner()).as_mut()
        {
            body.permit = Some(permit);
        }
    }

    /// Decodes the body as JSON, or a [`Error::Decode`] with a body excerpt.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|err| {
            self.redacted(Error::decode(
                self.context.clone(),
                self.status.as_u16(),
                err.to_string(),
                &self.body,
            ))
        })
    }

    /// `error` with the client's secrets replaced.
    pub(crate) fn redacted(&self, error: Error) -> Error {
        match &self.redactor {
            Some(redactor) => redactor.error(error),
            None => error,
        }
    }

    /// `Ok(self)` for a 2xx status; otherwise the typed error the response carries.
    pub(crate) fn error_for_status(self) -> Result<Self> {
        if self.status.is_success() {
            Ok(self)
        } else {
            let error = classify_error(self.context.clone(), self.status, &self.body);
            Err(self.redacted(error))
        }
    }
}

/// Turns a non-2xx response into an [`Error`]:
/// - a Salesforce error array (or single error object) → [`Error::Api`];
/// - 300 with an array of record URLs → [`Error::MultipleMatches`];
/// - anything else → [`Error::Http`] with a body excerpt.
pub(crate) fn classify_error(context: RequestContext, status: StatusCode, body: &[u8]) -> Error {
    if status == StatusCode::MULTIPLE_CHOICES
        && let Ok(urls) = serde_json::from_slice::<Vec<String>>(body)
    {
        let ids = urls
            .iter()
            .filter_map(|url| url.rsplit('/').next())
            .filter_map(|last| Id::new(last).ok())
            .collect();
        return Error::MultipleMatches { context, urls, ids };
    }
    if let Some(errors) = parse_error_items(body) {
        return Error::api(context, status.as_u16(), errors);
    }
    Error::Http {
        context,
        status: status.as_u16(),
        body_excerpt: excerpt(body),
    }
}

fn parse_error_items(body: &[u8]) -> Option<Vec<ApiErrorItem>> {
    if let Ok(items) = serde_json::from_slice::<Vec<ApiErrorItem>>(body) {
        return (!items.is_empty()).then_some(items);
    }
    serde_json::from_slice::<ApiErrorItem>(body)
        .ok()
        .map(|item| vec![item])
}

fn is_invalid_session(response: &Response) -> bool {
    response.status == StatusCode::UNAUTHORIZED
        && parse_error_items(&response.body)
            .is_some_and(|items| items.iter().any(|i| i.code == ErrorCode::InvalidSessionId))
}

impl Client {
    /// The instance-relative path of a resource under the versioned REST root, e.g.
    /// `data_path("sobjects/Task")` → `/services/data/v62.0/sobjects/Task`.
    pub(crate) fn data_path(&self, rest: &str) -> String {
        format!("/services/data/v{}/{rest}", self.inner.api_version)
    }

    /// One attempt: sends a call and returns the response whatever its status.
    ///
    /// On 401 `INVALID_SESSION_ID`, when the token provider can refresh, the session is asked
    /// for a new token (one fetch shared by all concurrent rejections) and the request is sent
    /// once more with it. With a fixed token the 401 response is returned as is.
    pub(super) async fn attempt(&self, call: &Call) -> Result<Response> {
        self.attempt_unredacted(call)
            .await
            .map_err(|err| self.inner.redactor.error(err))
    }

    async fn attempt_unredacted(&self, call: &Call) -> Result<Response> {
        let http = &self.inner.http;
        let session = &self.inner.session;
        let token = session.token(http).await?;
        let response = self.send_once(call, &token).await?;
        if !is_invalid_session(&response) || !session.provider().can_refresh() {
            return Ok(response);
        }
        tracing::debug!(path = %response.context.path, "session rejected; refreshing the token and retrying once");
        let fresh = session.refresh_after_rejection(http, &token).await?;
        self.send_once(call, &fresh).await
    }

    /// The instance URL to send to: the configured one, else the token's.
    fn base_url(&self, token: &AccessToken) -> Result<String> {
        if let Some(url) = &self.inner.instance_url {
            return Ok(url.clone());
        }
        let reported = token
            .instance_url()
            .ok_or(crate::error::ConfigError::MissingInstanceUrl)?;
        let url = check_instance_url(reported)?;
        *lock(&self.inner.discovered_instance_url) = Some(url.clone());
        Ok(url)
    }

    async fn send_once(&self, call: &Call, token: &AccessToken) -> Result<Response> {
        let context = RequestContext::new(call.method.clone(), call.path.clone());
        let span = tracing::info_span!(
            "sforce.request",
            method = %call.method,
            path = %context.path,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        self.inner.pipeline.counters().sent();
        let redactor = &self.inner.redactor;
        redactor.note_token(token.secret());
        let result = self
            .send_inner(call, token, context)
            .instrument(span.clone())
            .await
            .map(|mut response| {
                // Error bodies become error text: no secret may survive in them.
                if !response.status.is_success() {
                    response.body = redactor.bytes(response.body.to_vec()).into();
                }
                response
            })
            .map_err(|err| redactor.error(err));
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        span.record("duration_ms", duration_ms);
        let _entered = span.enter();
        match &result {
            Ok(response) => {
                span.record("status", response.status.as_u16());
                tracing::debug!(status = response.status.as_u16(), duration_ms, "response");
            }
            Err(err) => tracing::debug!(error = %err, duration_ms, "request failed"),
        }
        result
    }

    async fn send_inner(
        &self,
        call: &Call,
        token: &AccessToken,
        context: RequestContext,
    ) -> Result<Response> {
        let url = format!("{}{}", self.base_url(token)?, call.path);
        let auth = token.authorization_header()?;
        let mut request = self
            .inner
            .http
            .request(call.method.clone(), url)
            .header(AUTHORIZATION, auth)
            .header(ACCEPT, "application/json");
        if !call.query.is_empty() {
            request = request.query(&call.query);
        }
        if !call.headers.is_empty() {
            request = request.headers(call.headers.clone());
        }
        if let Some((body, content_type)) = &call.body {
            request = request
                .header(CONTENT_TYPE, content_type.as_str())
                .body(body.clone());
        }
        let response = request
            .send()
            .await
            .map_err(|err| Error::from_reqwest(context.clone(), err))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(parse_retry_after);
        let headers = response.headers().clone();
        if let Some(usage) = response
            .headers()
            .get("Sforce-Limit-Info")
            .and_then(|value| value.to_str().ok())
            .and_then(ApiUsage::parse)
        {
            *lock(&self.inner.api_usage) = Some(usage);
        }
        let (body, unread) = if call.streamed && status.is_success() {
            let unread = Unread(Arc::new(std::sync::Mutex::new(Some(UnreadBody {
                response,
                permit: None,
            }))));
            (bytes::Bytes::new(), Some(unread))
        } else {
            let body = response
                .bytes()
                .await
                .map_err(|err| Error::from_reqwest(context.clone(), err))?;
            (body, None)
        };
        Ok(Response {
            context,
            status,
            headers,
            body,
            unread,
            retry_after,
            attempts: 1,
            redactor: Some(Arc::clone(&self.inner.redactor)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> RequestContext {
        RequestContext::new(
            Method::GET,
            "/services/data/v62.0/sobjects/Contact/Ext__c/x",
        )
    }

    #[test]
    fn multiple_choices_carry_urls_and_ids() {
        let body = br#"["/services/data/v60.0/sobjects/Contact/003000000000001AAA","/services/data/v60.0/sobjects/Contact/003000000000002"]"#;
        match classify_error(ctx(), StatusCode::MULTIPLE_CHOICES, body) {
            Error::MultipleMatches { urls, ids, .. } => {
                assert_eq!(urls.len(), 2);
                let ids: Vec<&str> = ids.iter().map(Id::as_str).collect();
                // Both forms read as the 18-character Id.
                assert_eq!(ids, ["003000000000001AAA", "003000000000002AAA"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn error_bodies() {
        let single = br#"{"errorCode":"NOT_FOUND","message":"gone"}"#;
        let err = classify_error(ctx(), StatusCode::NOT_FOUND, single);
        assert_eq!(err.api_code(), Some(&ErrorCode::NotFound));
        for body in [&b"<html>Bad Gateway</html>"[..], b"[]", b""] {
            let err = classify_error(ctx(), StatusCode::BAD_GATEWAY, body);
            assert!(matches!(err, Error::Http { status: 502, .. }), "{err:?}");
        }
    }
}
