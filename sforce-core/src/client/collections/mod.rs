//! sObject Collections: many records per request (create, update, upsert by external ID,
//! delete, retrieve), and the per-record results they answer.
//!
//! Salesforce accepts at most 200 records per create / update / upsert / delete request (2,000
//! Ids per retrieve). These calls take input of any length and send it in chunks of at most
//! [`CollectionOptions::batch_size`] records and [`CollectionOptions::max_request_bytes`] bytes,
//! one request after the other. Results come back per record, in input order, whatever the
//! chunking: `Ok(`[`RecordOutcome`]`)` or the record's error.
//!
//! How errors are reported:
//! - input that cannot be sent (an invalid name, a body that is not an object, the same key
//!   twice where that is refused) fails the whole call before any request, with a typed error;
//! - a record Salesforce rejects inside an accepted request gets [`Error::Api`] with that
//!   record's entries (collections report `statusCode`, read into [`ApiErrorItem::code`]), the
//!   collection request's context and status 400 (404 for `NOT_FOUND`): what the same rejection
//!   of a single-record request carries;
//! - a request that fails as a whole (transport, 5xx, session, ...) gives its error to every
//!   record of that chunk; other chunks are unaffected.
//!
//! `allOrNone` applies per request: a call chunked into several requests is atomic per chunk
//! only.
//!
//! [`ApiErrorItem::code`]: crate::error::ApiErrorItem::code

mod ops;
mod typed;

pub(crate) use ops::{folded, upsert_record};

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::Client;
use super::pipeline::Resend;
use super::request::Call;
use crate::error::{ApiErrorItem, Error, ErrorCode, RequestContext, Result};
use crate::types::Id;

/// Most records Salesforce accepts in one create / update / upsert / delete collection request.
pub const MAX_COLLECTION_RECORDS: usize = 200;

/// Most Ids in one collection retrieve request (`POST`).
pub const MAX_RETRIEVE_IDS: usize = 2_000;

/// The default request-size bound of [`CollectionOptions::max_request_bytes`]: 5 MiB.
///
/// Salesforce documents no size limit specific to sObject Collections; this keeps each request
/// well below the sizes its REST API is known to accept. Change it with
/// [`CollectionOptions::max_request_bytes`].
pub const DEFAULT_MAX_REQUEST_BYTES: usize = 5 * 1024 * 1024;

/// API versions from which collections exist (create, update, delete, retrieve) and from which
/// collection upsert exists.
pub(crate) const COLLECTIONS_SINCE: u32 = 42;
pub(crate) const COLLECTION_UPSERT_SINCE: u32 = 46;

/// Options of a collection call.
///
/// ```
/// use sforce_core::client::CollectionOptions;
/// let options = CollectionOptions::new().all_or_none(true).batch_size(50);
/// assert!(options.is_all_or_none());
/// assert_eq!(options.get_batch_size(), 50);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct CollectionOptions {
    all_or_none: bool,
    batch_size: usize,
    max_request_bytes: usize,
}

impl Default for CollectionOptions {
    /// `allOrNone` false, 200 records and [`DEFAULT_MAX_REQUEST_BYTES`] per request.
    fn default() -> Self {
        CollectionOptions {
            all_or_none: false,
            batch_size: MAX_COLLECTION_RECORDS,
            max_request_bytes: DEFAULT_MAX_REQUEST_BYTES,
        }
    }
}

impl CollectionOptions {
    /// The defaults (see [`CollectionOptions::default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends `allOrNone`: one failed record rolls back every record of its request; the others
    /// report `ALL_OR_NONE_OPERATION_ROLLED_BACK`. Atomic per request (chunk), not per call.
    pub fn all_or_none(mut self, all_or_none: bool) -> Self {
        self.all_or_none = all_or_none;
        self
    }

    /// Records per request, clamped to 1..=200.
    pub fn batch_size(mut self, records: usize) -> Self {
        self.batch_size = records.clamp(1, MAX_COLLECTION_RECORDS);
        self
    }

    /// Upper bound of one request body in bytes (at least 1 KiB). A record bigger than this on
    /// its own is sent alone.
    pub fn max_request_bytes(mut self, bytes: usize) -> Self {
        self.max_request_bytes = bytes.max(1024);
        self
    }

    /// Whether `allOrNone` is sent.
    pub fn is_all_or_none(&self) -> bool {
        self.all_or_none
    }

    /// Records per request.
    pub fn get_batch_size(&self) -> usize {
        self.batch_size
    }

    /// Upper bound of one request body in bytes.
    pub fn get_max_request_bytes(&self) -> usize {
        self.max_request_bytes
    }
}

/// A record written by a collection call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordOutcome {
    id: Id,
    created: bool,
}

impl RecordOutcome {
    pub(crate) fn new(id: Id, created: bool) -> Self {
        RecordOutcome { id, created }
    }

    /// The record's Id.
    pub fn id(&self) -> &Id {
        &self.id
    }

    /// Whether the record was created (always for a create, never for an update or delete;
    /// for an upsert, Salesforce's `created`).
    pub fn created(&self) -> bool {
        self.created
    }
}

/// One record's result in a collection call.
pub type RecordResult = Result<RecordOutcome, Error>;

/// One item of a collection answer.
#[derive(Debug, Deserialize)]
struct ResultItem {
    #[serde(default)]
    id: Option<Id>,
    #[serde(default)]
    success: bool,
    #[serde(default)]
    errors: Vec<ApiErrorItem>,
    #[serde(default)]
    created: Option<bool>,
}

/// One serialized record waiting to be sent, with its position in the caller's input.
#[derive(Debug, Clone)]
pub(crate) struct Encoded {
    pub(crate) bytes: Vec<u8>,
    /// Folded external-ID value when the operation has one: no chunk holds one twice.
    pub(crate) key: Option<String>,
}

/// Splits records into chunks of at most `options.batch_size` records and
/// `options.max_request_bytes` bytes, keeping input order; a chunk never holds one folded key
/// twice. Returns index ranges into `records`.
pub(crate) fn chunks(records: &[Encoded], options: &CollectionOptions) -> Vec<Vec<usize>> {
    // `{"allOrNone":false,"records":[` + `]}`
    const OVERHEAD: usize = 40;
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut bytes = OVERHEAD;
    let mut keys = std::collections::HashSet::new();
    for (i, record) in records.iter().enumerate() {
        let size = record.bytes.len() + 1;
        let repeated = record.key.as_ref().is_some_and(|k| keys.contains(k));
        if !current.is_empty()
            && (current.len() >= options.batch_size
                || bytes + size > options.max_request_bytes
                || repeated)
        {
            out.push(std::mem::take(&mut current));
            bytes = OVERHEAD;
            keys.clear();
        }
        current.push(i);
        bytes += size;
        if let Some(key) = &record.key {
            keys.insert(key.clone());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The JSON body of one chunk.
pub(crate) fn chunk_body<'a>(
    records: impl IntoIterator<Item = &'a Encoded>,
    all_or_none: bool,
) -> Vec<u8> {
    let records: Vec<&Encoded> = records.into_iter().collect();
    let size: usize = records.iter().map(|r| r.bytes.len() + 1).sum();
    let mut body = Vec::with_capacity(size + 40);
    body.extend_from_slice(b"{\"allOrNone\":");
    body.extend_from_slice(if all_or_none { b"true" } else { b"false" });
    body.extend_from_slice(b",\"records\":[");
    for (n, record) in records.iter().enumerate() {
        if n > 0 {
            body.push(b',');
        }
        body.extend_from_slice(&record.bytes);
    }
    body.extend_from_slice(b"]}");
    body
}

/// A record's JSON with `attributes.type` first.
pub(crate) fn with_type(sobject: &str, fields: &Map<String, Value>) -> Map<String, Value> {
    let mut record = Map::with_capacity(fields.len() + 1);
    let mut attributes = Map::new();
    attributes.insert("type".into(), Value::String(sobject.to_owned()));
    record.insert("attributes".into(), Value::Object(attributes));
    for (name, value) in fields {
        if name != "attributes" {
            record.insert(name.clone(), value.clone());
        }
    }
    record
}

pub(crate) fn encode(record: &Map<String, Value>, key: Option<String>) -> Result<Encoded> {
    let bytes = serde_json::to_vec(record)
        .map_err(|err| Error::invalid_input(format!("cannot serialize a record: {err}")))?;
    Ok(Encoded { bytes, key })
}

/// The major API version of a client (`"62.0"` → 62).
pub(crate) fn major_version(client: &Client) -> u32 {
    client
        .api_version()
        .split('.')
        .next()
        .and_then(|major| major.parse().ok())
        .unwrap_or(0)
}

pub(crate) fn require_version(client: &Client, since: u32, what: &str) -> Result<()> {
    if major_version(client) < since {
        return Err(Error::invalid_input(format!(
            "{what} needs API version {since}.0 or later; this client uses {}",
            client.api_version()
        )));
    }
    Ok(())
}

/// The error of a record rejected inside an accepted collection request.
pub(crate) fn record_error(context: &RequestContext, errors: Vec<ApiErrorItem>) -> Error {
    let status = if errors.iter().any(|e| e.code == ErrorCode::NotFound) {
        404
    } else {
        400
    };
    let errors = if errors.is_empty() {
        vec![ApiErrorItem::new(
            ErrorCode::Other("UNKNOWN_ERROR".into()),
            "the record failed without an error entry",
        )]
    } else {
        errors
    };
    Error::api(context.clone(), status, errors)
}

impl Client {
    /// Sends one collection request and reads one result per record. `Err` is a request-level
    /// failure (every record of the chunk failed with it).
    pub(crate) async fn send_collection(
        &self,
        method: Method,
        path: String,
        body: Option<Vec<u8>>,
        query: &[(&str, String)],
        expected: usize,
        resend: Resend,
    ) -> Result<Vec<RecordResult>> {
        let mut call = Call::new(method, path).resend(resend);
        for (name, value) in query {
            call = call.query(name, value.clone());
        }
        if let Some(body) = body {
            call.body = Some((body.into(), "application/json".to_owned()));
        }
        let response = self.execute_ok(&call).await?;
        let items: Vec<ResultItem> = response.json()?;
        if items.len() != expected {
            return Err(Error::decode(
                response.context.clone(),
                response.status.as_u16(),
                format!(
                    "expected {expected} results (one per record), got {}",
                    items.len()
                ),
                &response.body,
            ));
        }
        let creates = call.method == Method::POST;
        Ok(items
            .into_iter()
            .map(|item| match (item.success, item.id) {
                (true, Some(id)) => Ok(RecordOutcome::new(id, item.created.unwrap_or(creates))),
                _ => Err(record_error(&response.context, item.errors)),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(size: usize, key: Option<&str>) -> Encoded {
        Encoded {
            bytes: vec![b' '; size],
            key: key.map(str::to_owned),
        }
    }

    #[test]
    fn chunks_respect_count_size_and_repeated_keys() {
        let records: Vec<Encoded> = (0..450).map(|_| encoded(10, None)).collect();
        let sizes: Vec<usize> = chunks(&records, &CollectionOptions::new())
            .iter()
            .map(Vec::len)
            .collect();
        assert_eq!(sizes, [200, 200, 50]);

        let big: Vec<Encoded> = (0..10).map(|_| encoded(400, None)).collect();
        let options = CollectionOptions::new().max_request_bytes(1024);
        let sizes: Vec<usize> = chunks(&big, &options).iter().map(Vec::len).collect();
        assert_eq!(sizes, [2, 2, 2, 2, 2]);
        for chunk in chunks(&big, &options) {
            assert!(chunk_body(chunk.iter().map(|&i| &big[i]), false).len() <= 1024);
        }

        let huge = [encoded(5000, None), encoded(10, None)];
        let sizes: Vec<usize> = chunks(&huge, &options).iter().map(Vec::len).collect();
        assert_eq!(sizes, [1, 1], "an oversized record goes alone");

        let keyed = [
            encoded(1, Some("a")),
            encoded(1, Some("b")),
            encoded(1, Some("a")),
        ];
        let got = chunks(&keyed, &CollectionOptions::new());
        assert_eq!(got, [vec![0, 1], vec![2]]);
    }

    #[test]
    fn chunk_body_is_the_documented_shape() {
        let records = [
            Encoded {
                bytes: br#"{"a":1}"#.to_vec(),
                key: None,
            },
            Encoded {
                bytes: br#"{"b":2}"#.to_vec(),
                key: None,
            },
        ];
        let body = chunk_body(&records, true);
        let value: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"allOrNone": true, "records": [{"a": 1}, {"b": 2}]})
        );
    }

    #[test]
    fn options_clamp() {
        assert_eq!(CollectionOptions::new().batch_size(0).get_batch_size(), 1);
        assert_eq!(
            CollectionOptions::new().batch_size(999).get_batch_size(),
            200
        );
        assert_eq!(
            CollectionOptions::new()
                .max_request_bytes(1)
                .get_max_request_bytes(),
            1024
        );
    }
}
