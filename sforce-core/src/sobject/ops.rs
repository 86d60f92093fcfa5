//! Operations on typed records: the generic functions the generated inherent methods call
//! (through `sforce::__private`), [`Patch`]'s writes, and [`Record`] for decoding with serde.

use std::fmt;
use std::future::Future;

use futures::future::{self, Either};

use serde::de::{Deserialize, Deserializer};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::{EncodeError, ExternalIdRef, ExternalIdValue, Patch, RecordReader, SObject};
use crate::client::{Client, UpsertKey, UpsertOutcome};
use crate::error::{Chain, Error, Result};
use crate::types::Id;

/// A typed record that (de)serializes with serde: deserializes from a record object through
/// [`SObject::from_record`] (so it works in any serde input, e.g. `Vec<Record<CallLog>>` for query
/// results), serializes as the record's write body.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Record<S>(pub S);

impl<S: fmt::Debug> fmt::Debug for Record<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de, S: SObject> Deserialize<'de> for Record<S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let map = Map::<String, Value>::deserialize(deserializer)?;
        S::from_record(&mut RecordReader::new(S::API_NAME, map))
            .map(Record)
            .map_err(|e| serde::de::Error::custom(Chain(&e)))
    }
}

impl<S: SObject> Serialize for Record<S> {
    fn serialize<Ser: Serializer>(
        &self,
        serializer: Ser,
    ) -> std::result::Result<Ser::Ok, Ser::Error> {
        self.0
            .to_write_body()
            .map_err(|e| serde::ser::Error::custom(Chain(&e)))?
            .serialize(serializer)
    }
}

fn encode_error(e: EncodeError) -> Error {
    Error::invalid_input(Chain(&e).to_string())
}

fn missing_key(sobject: &str, field: &str) -> Error {
    Error::invalid_input(format!(
        "the external ID {sobject}.{field} has no value: cannot use it as a key"
    ))
}

/// The key and body of a typed upsert: the key field is left out of the body; the Id and
/// read-only fields never are in it.
fn prepare_upsert<S: SObject, V>(
    record: &S,
    key: ExternalIdRef<S, V>,
) -> Result<(UpsertKey, Map<String, Value>)> {
    let value = record
        .external_id(key.api_name())
        .ok_or_else(|| missing_key(S::API_NAME, key.api_name()))?;
    let mut body = record.to_write_body().map_err(encode_error)?;
    body.retain(|name, _| !name.eq_ignore_ascii_case(key.api_name()));
    let upsert_key =
        UpsertKey::new(S::API_NAME, key.api_name(), value).case_sensitive(key.is_case_sensitive());
    Ok((upsert_key, body))
}

/// Upserts `record` keyed by its external ID `key`, through [`Client::upsert`] (coalesced and
/// race-free per key).
///
/// The body is built and the write submitted when this is called; the returned future does not
/// borrow `record` or `client` (it can be spawned).
pub fn upsert<S: SObject, V>(
    client: &Client,
    record: &S,
    key: ExternalIdRef<S, V>,
) -> impl Future<Output = Result<UpsertOutcome>> + use<S, V> {
    match prepare_upsert(record, key) {
        Ok((key, body)) => Either::Left(client.upsert(&key, &body)),
        Err(e) => Either::Right(future::ready(Err(e))),
    }
}

/// Reads the record with this Id, selecting exactly `S`'s mapped fields. The future owns a
/// clone of the client (cheap) and of the Id.
pub fn get_by_id<S: SObject>(client: &Client, id: &Id) -> impl Future<Output = Result<S>> + use<S> {
    let client = client.clone();
    let id = id.clone();
    async move {
        let fields = S::select_fields();
        let record: Record<S> = client.get(S::API_NAME, &id, &fields).await?;
        Ok(record.0)
    }
}

/// Reads the record whose external ID `key` is `value`, selecting exactly `S`'s mapped fields.
pub fn get_by_external_id<S: SObject, V>(
    client: &Client,
    key: ExternalIdRef<S, V>,
    value: Option<String>,
) -> impl Future<Output = Result<S>> + use<S, V> {
    let client = client.clone();
    async move {
        let value = value.ok_or_else(|| missing_key(S::API_NAME, key.api_name()))?;
        let fields = S::select_fields();
        let record: Record<S> = client
            .get_by_external_id(S::API_NAME, key.api_name(), &value, &fields)
            .await?;
        Ok(record.0)
    }
}

impl<S: SObject> Patch<S> {
    /// Writes the patch to the record with this Id (`PATCH /sobjects/{S}/{id}`).
    pub async fn update(&self, client: &Client, id: &Id) -> Result<()> {
        let body = self.body().map_err(encode_error)?;
        client.update(S::API_NAME, id, body).await
    }

    /// Upserts the patch keyed by an external ID of `S` (`PATCH /sobjects/{S}/{field}/{value}`),
    /// through [`Client::upsert`]: concurrent writes to one key are merged field by field.
    ///
    /// Like [`Client::upsert`], the write is queued when this is called, so two patches take
    /// effect in call order whatever order their futures are polled in, and dropping the
    /// returned future does not cancel the write. The future borrows neither the patch nor the
    /// client.
    pub fn upsert<V: ExternalIdValue, T: Into<V>>(
        &self,
        client: &Client,
        key: ExternalIdRef<S, V>,
        value: T,
    ) -> impl Future<Output = Result<UpsertOutcome>> + Send + 'static + use<S, V, T> {
        let prepared = value
            .into()
            .to_external_id()
            .ok_or_else(|| missing_key(S::API_NAME, key.api_name()))
            .and_then(|value| {
                let mut body = self.body().map_err(encode_error)?.clone();
                body.retain(|name, _| !name.eq_ignore_ascii_case(key.api_name()));
                let upsert_key = UpsertKey::new(S::API_NAME, key.api_name(), value)
                    .case_sensitive(key.is_case_sensitive());
                Ok((upsert_key, body))
            });
        match prepared {
            Ok((key, body)) => Either::Left(client.upsert(&key, &body)),
            Err(e) => Either::Right(future::ready(Err(e))),
        }
    }
}
