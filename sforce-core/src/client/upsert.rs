//! Upsert by external ID: [`UpsertOutcome`] and the single-request HTTP upsert.

use std::future::Future;

use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde_json::{Map, Value};

use super::path::{check_name, encode_segment};
use super::pipeline::{Permit, Resend};
use super::request::Call;
use super::{Client, UpsertKey};
use crate::error::{Error, Result};
use crate::sobject::json_kind;
use crate::types::Id;

/// The result of an upsert.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UpsertOutcome {
    pub(crate) id: Id,
    pub(crate) created: bool,
    pub(crate) merged_writes: usize,
    pub(crate) attempts: u32,
}

impl UpsertOutcome {
    /// An outcome of one write, obtained with `attempts` requests.
    pub(crate) fn new(id: Id, created: bool, attempts: u32) -> Self {
        UpsertOutcome {
            id,
            created,
            merged_writes: 1,
            attempts,
        }
    }

    /// The record's Id (always present, including for a v45.0-and-older update answered 204).
    pub fn id(&self) -> &Id {
        &self.id
    }

    /// Whether the request created the record (`false`: it updated an existing one).
    pub fn created(&self) -> bool {
        self.created
    }

    /// How many callers' writes were merged into the request that carried this write (1 for
    /// [`Client::upsert_raw`]).
    pub fn merged_writes(&self) -> usize {
        self.merged_writes
    }

    /// How many upsert requests the request pipeline sent to obtain this outcome (1 without
    /// retries; see [`RetryPolicy`](super::RetryPolicy)).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

#[derive(serde::Deserialize)]
struct UpsertResponse {
    id: Id,
    #[serde(default)]
    created: Option<bool>,
}

#[derive(serde::Deserialize)]
struct IdOnly {
    #[serde(rename = "Id")]
    id: Id,
}

/// Serializes a body into a JSON object.
pub(crate) fn to_object<B: Serialize + ?Sized>(body: &B) -> Result<Map<String, Value>> {
    match serde_json::to_value(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(Error::invalid_input(format!(
            "a record body must serialize to a JSON object, not {}",
            json_kind(&other)
        ))),
        Err(err) => Err(Error::invalid_input(format!(
            "cannot serialize the body: {err}"
        ))),
    }
}

/// The body actually sent: the external-ID field (when it repeats the key's value) and a null
/// `Id` are left out, as Salesforce clients do. A different external-ID value or a non-null `Id`
/// is an error, since the key alone identifies the record.
pub(super) fn upsert_body(
    key: &UpsertKey,
    mut body: Map<String, Value>,
) -> Result<Map<String, Value>> {
    let is_key = |name: &str| name.eq_ignore_ascii_case(key.field());
    let is_id = |name: &str| name.eq_ignore_ascii_case("Id");
    for (name, value) in &body {
        if is_key(name) && !same_key_value(key, value) {
            return Err(Error::invalid_input(format!(
                "the body sets {name} to {value} but the upsert key is {key}"
            )));
        }
        if !is_key(name) && is_id(name) && !value.is_null() {
            return Err(Error::invalid_input(
                "an upsert body must not set Id: the external-ID key identifies the record",
            ));
        }
    }
    // In place: the caller's map, fields kept in their order, nothing copied.
    body.retain(|name, _| !is_key(name) && !is_id(name));
    Ok(body)
}

fn same_key_value(key: &UpsertKey, value: &Value) -> bool {
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        _ => return false,
    };
    // A number in the body matches a number key whatever its spelling.
    let number = key.is_number() || value.is_number();
    let same_key = UpsertKey::new(key.sobject(), key.field(), text)
        .case_sensitive(key.is_case_sensitive())
        .number(number);
    same_key.same_record(&key.clone().number(number))
}

impl Client {
    /// Upserts a record by external ID: creates it when no record has the key's value, updates
    /// it when exactly one does.
    ///
    /// `body` is any `Serialize` producing a JSON object of field API names to values. The
    /// external-ID field itself may be omitted (it is removed when present with the key's
    /// value); `Id` must not be set.
    ///
    /// Outcomes, per Salesforce's answer to `PATCH /sobjects/{sobject}/{field}/{value}`:
    /// - 201: created, [`UpsertOutcome::created`] is `true`;
    /// - 200 (API 46.0+): updated, `created` is `false`;
    /// - 204 (API 45.0 and older, no body): updated; the client then sends ONE extra
    ///   `GET /sobjects/{sobject}/{field}/{value}?fields=Id` so that the outcome always carries
    ///   the Id (if that read fails, its error is returned although the update was applied);
    /// - 300: [`Error::MultipleMatches`] with the matched Ids; nothing was written;
    /// - 404 (unknown sObject or field, or update-only without a match) and 400 (validation):
    ///   [`Error::Api`] with the typed codes.
    ///
    /// The upsert goes through the client's write executor (shared by its clones; see
    /// [`WritePolicy`](super::WritePolicy)): one client never has two requests for one record in
    /// flight; writes to a record that arrive while a request for it is in flight are merged
    /// field by field (later wins, explicit null kept) into one request sent when it finishes,
    /// and each caller gets the outcome of the request that carried its fields
    /// ([`UpsertOutcome::merged_writes`]). A merged request rejected for its content is replayed
    /// write by write, so only the write at fault gets the error. A `DUPLICATE_VALUE` on the
    /// key's own field (a competing insert by another process) is retried with backoff
    /// ([`UpsertOutcome::attempts`]).
    ///
    /// The write is queued when this is called, so calls take effect in call order; the
    /// returned future only waits for the outcome. Dropping it does not cancel the write. Must
    /// be called within a Tokio runtime (or on a client built within one).
    pub fn upsert<B: Serialize + ?Sized>(
        &self,
        key: &UpsertKey,
        body: &B,
    ) -> impl Future<Output = Result<UpsertOutcome>> + Send + 'static + use<B> {
        self.submit_upsert(key, to_object(body))
    }

    /// Upserts with exactly one HTTP request (plus the Id lookup after a 204, see
    /// [`Client::upsert`]): no coalescing with other writes to the same key, no retry (the
    /// request still waits for the client's limit on requests in flight). Two concurrent raw
    /// upserts of one new key can race: one creates the record, the other fails with
    /// `DUPLICATE_VALUE` ([`Error::duplicate_value`]).
    pub async fn upsert_raw<B: Serialize + ?Sized>(
        &self,
        key: &UpsertKey,
        body: &B,
    ) -> Result<UpsertOutcome> {
        let body = to_object(body)?;
        self.send_upsert(key, body, Resend::Never, None).await
    }

    /// The single HTTP upsert behind [`Client::upsert_raw`] and the write executor, sent
    /// through the pipeline with `resend` (the executor passes its admission `permit`).
    pub(crate) async fn send_upsert(
        &self,
        key: &UpsertKey,
        body: Map<String, Value>,
        resend: Resend,
        permit: Option<Permit>,
    ) -> Result<UpsertOutcome> {
        check_name("sObject", key.sobject())?;
        check_name("field", key.field())?;
        let segment = encode_segment(key.value())?;
        let body = upsert_body(key, body)?;
        let mut call = Call::new(
            Method::PATCH,
            self.data_path(&format!(
                "sobjects/{}/{}/{segment}",
                key.sobject(),
                key.field()
            )),
        )
        .json(&body)?
        .resend(resend);
        if key.is_update_only() {
            call = call.query("updateOnly", "true");
        }
        let response = self
            .execute_admitted(&call, permit)
            .await?
            .error_for_status()?;
        let attempts = response.attempts;
        match response.status {
            StatusCode::CREATED | StatusCode::OK => {
                let parsed: UpsertResponse = response.json()?;
                let created =
                    response.status == StatusCode::CREATED || parsed.created == Some(true);
                Ok(UpsertOutcome::new(parsed.id, created, attempts))
            }
            StatusCode::NO_CONTENT => {
                // API 45.0 and older: an update answers 204 without a body. Read the Id back.
                let lookup =
                    self.external_id_get(key.sobject(), key.field(), key.value(), &["Id"])?;
                let record: IdOnly = self.execute_ok(&lookup).await?.json()?;
                Ok(UpsertOutcome::new(record.id, false, attempts))
            }
            other => Err(Error::decode(
                response.context.clone(),
                other.as_u16(),
                "unexpected success status for an upsert",
                &response.body,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn body_drops_key_field_and_null_id() {
        let key = UpsertKey::new("Task", "uuid__c", "ABC");
        let body = map(json!({"UUID__c": "abc", "Id": null, "Subject": "x"}));
        assert_eq!(
            upsert_body(&key, body.clone()).unwrap(),
            map(json!({"Subject": "x"}))
        );
        let key = UpsertKey::new("Account", "Num__c", "123");
        let body = map(json!({"Num__c": 123.0}));
        assert!(upsert_body(&key, body.clone()).unwrap().is_empty());
    }

    #[test]
    fn body_rejects_conflicting_key_or_id() {
        let key = UpsertKey::new("Task", "Code__c", "ABC").case_sensitive(true);
        assert!(upsert_body(&key, map(json!({"Code__c": "abc"}))).is_err());
        assert!(upsert_body(&key, map(json!({"Id": "00T000000000001EAA"}))).is_err());
    }

    #[test]
    fn body_must_be_an_object() {
        assert!(to_object(&json!([1])).is_err());
        assert!(to_object(&json!({"a": 1})).is_ok());
    }
}
