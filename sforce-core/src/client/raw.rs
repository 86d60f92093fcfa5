//! The raw request escape hatch: [`Client::request`].

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Client;
use super::pipeline::Resend;
use super::request::{Call, Response};
use crate::error::{Error, RequestContext, Result};

/// A request to any REST resource, built by [`Client::request`].
#[must_use = "a request does nothing until `send` is awaited"]
pub struct RawRequest {
    client: Client,
    call: Result<Call>,
}

impl std::fmt::Debug for RawRequest {
    /// Method and path only: headers and body may hold data the caller considers private.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = f.debug_struct("RawRequest");
        match &self.call {
            Ok(call) => out.field("method", &call.method).field("path", &call.path),
            Err(err) => out.field("error", err),
        };
        out.finish_non_exhaustive()
    }
}

impl RawRequest {
    /// Adds a query parameter (encoded by the client).
    pub fn query(mut self, key: &str, value: impl Into<String>) -> Self {
        self.call = self.call.map(|call| call.query(key, value));
        self
    }

    /// Sets a JSON body. A serialization error is reported by [`RawRequest::send`].
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        self.call = self.call.and_then(|call| call.json(body));
        self
    }

    /// Sets a body of any content type (e.g. `text/csv`), sent as is.
    pub fn body(mut self, content_type: &str, bytes: impl Into<Vec<u8>>) -> Self {
        let bytes = bytes.into();
        self.call = self.call.map(|mut call| {
            call.body = Some((bytes.into(), content_type.to_owned()));
            call
        });
        self
    }

    /// Adds a request header (e.g. `Sforce-Call-Options`, `If-Modified-Since`). `Authorization`
    /// is managed by the client and refused, as are invalid names or values (reported by
    /// [`RawRequest::send`]).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.call = self.call.and_then(|mut call| {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::invalid_input(format!("invalid header name {name:?}")))?;
            if name == AUTHORIZATION {
                return Err(Error::invalid_input(
                    "the Authorization header is set by the client",
                ));
            }
            let mut value = HeaderValue::from_str(value)
                .map_err(|_| Error::invalid_input(format!("invalid value for header {name}")))?;
            value.set_sensitive(true);
            call.headers.append(name, value);
            Ok(call)
        });
        self
    }

    /// Declares whether sending the request twice has the effect of sending it once, so that
    /// the client may retry it after transient failures (lost connection, timeout, 502/503/504,
    /// `UNABLE_TO_LOCK_ROW`). Default: by method, idempotent for GET, HEAD, PUT, DELETE and
    /// OPTIONS, not for POST and PATCH. Retry nothing with `false` on a GET you want sent once.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.call = self.call.map(|call| {
            call.resend(if idempotent {
                Resend::Idempotent
            } else {
                Resend::NotIdempotent
            })
        });
        self
    }

    /// Sends the request. A 2xx response is returned as is; any other status becomes the typed
    /// [`Error`](crate::error::Error) (API error, multiple matches, HTTP error), exactly as for
    /// the typed operations. It goes through the client's request pipeline like every
    /// request: the limit on requests in flight, authentication and session refresh,
    /// `Sforce-Limit-Info` tracking, tracing, and retries when it is
    /// [idempotent](Self::idempotent) (a non-idempotent request is retried only when nothing
    /// was sent).
    pub async fn send(self) -> Result<RawResponse> {
        let call = self.call?;
        let response = self.client.execute_ok(&call).await?;
        Ok(RawResponse { inner: response })
    }
}

/// A successful response to a [`RawRequest`].
#[derive(Debug, Clone)]
pub struct RawResponse {
    inner: Response,
}

impl RawResponse {
    /// The HTTP status (2xx).
    pub fn status(&self) -> u16 {
        self.inner.status.as_u16()
    }

    /// The raw body.
    pub fn body(&self) -> &[u8] {
        &self.inner.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.inner.body).into_owned()
    }

    /// Decodes the body as JSON; a failure is [`Error::Decode`](crate::error::Error::Decode)
    /// with a body excerpt.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        self.inner.json()
    }

    /// The request this responds to.
    pub fn context(&self) -> &RequestContext {
        &self.inner.context
    }
}

impl Client {
    /// Starts a raw request to any REST resource, for what the typed operations do not cover.
    ///
    /// `path` is either relative to the versioned REST root (`"limits"` →
    /// `/services/data/v62.0/limits`) or, when it starts with `/`, relative to the instance
    /// (`"/services/data/"`, or a `nextRecordsUrl`). The path is used as given: percent-encode
    /// values yourself (see [`encode_segment`](super::encode_segment)), or pass them
    /// with [`RawRequest::query`].
    ///
    /// ```no_run
    /// # async fn run(client: sforce_core::client::Client) -> sforce_core::error::Result<()> {
    /// use sforce_core::client::Method;
    /// let limits: serde_json::Value = client.request(Method::GET, "limits").send().await?.json()?;
    /// let soql: serde_json::Value = client
    ///     .request(Method::GET, "query")
    ///     .query("q", "SELECT Id FROM Task LIMIT 1")
    ///     .send()
    ///     .await?
    ///     .json()?;
    /// # Ok(()) }
    /// ```
    pub fn request(&self, method: reqwest::Method, path: &str) -> RawRequest {
        let full = if path.starts_with('/') {
            path.to_owned()
        } else {
            self.data_path(path)
        };
        RawRequest {
            client: self.clone(),
            call: Ok(Call::new(method, full)),
        }
    }
}
