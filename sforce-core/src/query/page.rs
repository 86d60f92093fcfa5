//! The wire shapes of query results: a page (also the shape of a child subquery) and record
//! `attributes`.

use serde::de::{Deserialize, DeserializeOwned, Deserializer};
use serde_json::{Map, Value};

use crate::sobject::{Record, SObject};

/// One page of query results, and the shape of a child subquery's value
/// (`{"totalSize","done","records"}`, with `nextRecordsUrl` while not `done`).
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct QueryResult<T> {
    /// How many rows the whole query matched (all pages).
    pub total_size: u64,
    /// No more pages after this one.
    pub done: bool,
    /// The next page's path, while not `done`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_records_url: Option<String>,
    /// The rows of this page.
    #[serde(default = "Vec::new")]
    pub records: Vec<T>,
}

impl<T> QueryResult<T> {
    /// The page with each record converted.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> QueryResult<U> {
        QueryResult {
            total_size: self.total_size,
            done: self.done,
            next_records_url: self.next_records_url,
            records: self.records.into_iter().map(f).collect(),
        }
    }
}

impl<T> Default for QueryResult<T> {
    /// An empty, finished result (what a `null` child subquery means).
    fn default() -> Self {
        QueryResult {
            total_size: 0,
            done: true,
            next_records_url: None,
            records: Vec::new(),
        }
    }
}

/// The `attributes` of a record: its sObject type and URL.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[non_exhaustive]
pub struct Attributes {
    /// The sObject API name, e.g. `Task`.
    #[serde(rename = "type")]
    pub sobject: String,
    /// The record's REST path (absent for aggregate rows).
    #[serde(default)]
    pub url: Option<String>,
}

/// A record with its [`Attributes`]: `client.query::<WithAttributes<T>>(..)`. `T` never needs an
/// `attributes` field; for a derived struct use `WithAttributes<Record<CallLog>>`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WithAttributes<T> {
    /// The record's `attributes`, when the response carried them.
    pub attributes: Option<Attributes>,
    /// The record.
    pub record: T,
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for WithAttributes<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut map = Map::<String, Value>::deserialize(deserializer)?;
        let attributes = match map.shift_remove("attributes") {
            Some(Value::Null) | None => None,
            Some(value) => Some(Attributes::deserialize(value).map_err(serde::de::Error::custom)?),
        };
        let record = T::deserialize(Value::Object(map)).map_err(serde::de::Error::custom)?;
        Ok(WithAttributes { attributes, record })
    }
}

/// How a query's rows are decoded into `T`: chosen once per stream.
pub(crate) type Decode<T> = fn(&[u8]) -> serde_json::Result<QueryResult<T>>;

pub(crate) fn decode_serde<T: DeserializeOwned>(body: &[u8]) -> serde_json::Result<QueryResult<T>> {
    serde_json::from_slice(body)
}

pub(crate) fn decode_sobject<S: SObject>(body: &[u8]) -> serde_json::Result<QueryResult<S>> {
    let page: QueryResult<Record<S>> = serde_json::from_slice(body)?;
    Ok(page.map(|r| r.0))
}
