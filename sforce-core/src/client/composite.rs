//! `POST /composite`: up to 25 subrequests in one API request (untyped).

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Client;
use super::request::Call;
use crate::error::{Error, Result};

/// Most subrequests in one composite request.
pub const MAX_SUBREQUESTS: usize = 25;

/// One subrequest of [`Client::composite`].
///
/// A later subrequest can use an earlier one's answer with `@{referenceId.path}` in its URL or
/// body, e.g. `@{NewAccount.id}`.
///
/// ```
/// use sforce_core::client::{Method, Subrequest};
/// let create = Subrequest::new(Method::POST, "sobjects/Account", "NewAccount")
///     .body(serde_json::json!({"Name": "Acme"}));
/// let read = Subrequest::new(Method::GET, "sobjects/Account/@{NewAccount.id}", "Read");
/// # let _ = (create, read);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Subrequest {
    method: Method,
    url: String,
    reference_id: String,
    body: Option<Value>,
}

impl Subrequest {
    /// A subrequest. `url` is either a full path (`/services/data/v62.0/sobjects/Account`) or
    /// relative to the client's versioned REST root (`sobjects/Account`).
    pub fn new(method: Method, url: impl Into<String>, reference_id: impl Into<String>) -> Self {
        Subrequest {
            method,
            url: url.into(),
            reference_id: reference_id.into(),
            body: None,
        }
    }

    /// Sets the JSON body.
    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
}

/// One subrequest's answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct SubResponse {
    /// The subrequest's reference Id.
    #[serde(rename = "referenceId")]
    pub reference_id: String,
    /// Its HTTP status.
    #[serde(rename = "httpStatusCode")]
    pub status: u16,
    /// Its body (`null` when empty).
    #[serde(default)]
    pub body: Value,
    /// Its headers (e.g. `Location`).
    #[serde(rename = "httpHeaders", default)]
    pub headers: Map<String, Value>,
}

#[derive(Serialize)]
struct WireSubrequest<'a> {
    method: &'a str,
    url: String,
    #[serde(rename = "referenceId")]
    reference_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a Value>,
}

#[derive(Deserialize)]
struct CompositeAnswer {
    #[serde(rename = "compositeResponse")]
    responses: Vec<SubResponse>,
}

impl Client {
    /// Sends up to 25 subrequests as one API request (`POST /composite`), in order; with
    /// `all_or_none`, one failure rolls them all back. Each subrequest's answer comes back
    /// as it is (a failed subrequest is a [`SubResponse`] with its status, not an `Err`);
    /// `Err` means the composite request itself failed, or more than 25 were given.
    pub async fn composite(
        &self,
        all_or_none: bool,
        requests: &[Subrequest],
    ) -> Result<Vec<SubResponse>> {
        if requests.len() > MAX_SUBREQUESTS {
            return Err(Error::invalid_input(format!(
                "a composite request holds at most {MAX_SUBREQUESTS} subrequests, not {}",
                requests.len()
            )));
        }
        let wire: Vec<WireSubrequest<'_>> = requests
            .iter()
            .map(|r| WireSubrequest {
                method: r.method.as_str(),
                url: if r.url.starts_with('/') {
                    r.url.clone()
                } else {
                    self.data_path(&r.url)
                },
                reference_id: &r.reference_id,
                body: r.body.as_ref(),
            })
            .collect();
        let body = serde_json::json!({"allOrNone": all_or_none, "compositeRequest": wire});
        let call = Call::new(Method::POST, self.data_path("composite")).json(&body)?;
        let answer: CompositeAnswer = self.execute_ok(&call).await?.json()?;
        Ok(answer.responses)
    }
}
