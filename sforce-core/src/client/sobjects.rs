//! Record operations by Id and reads by external ID.

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Client;
use super::path::{check_name, encode_segment, field_list};
use super::pipeline::Resend;
use super::request::Call;
use crate::error::Result;
use crate::types::Id;

/// The result of [`Client::create`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateOutcome {
    id: Id,
}

impl CreateOutcome {
    /// The new record's Id.
    pub fn id(&self) -> &Id {
        &self.id
    }
}

#[derive(serde::Deserialize)]
struct SaveResult {
    id: Id,
}

impl Client {
    /// Creates a record: `POST /sobjects/{sobject}` with `body` (any `Serialize` producing a
    /// JSON object of field API names to values). Not retried after failures that may have
    /// created the record, unless [`RetryPolicy::retry_creates`](super::RetryPolicy::retry_creates)
    /// opts in.
    pub async fn create<B: Serialize + ?Sized>(
        &self,
        sobject: &str,
        body: &B,
    ) -> Result<CreateOutcome> {
        check_name("sObject", sobject)?;
        let call =
            Call::new(Method::POST, self.data_path(&format!("sobjects/{sobject}"))).json(body)?;
        let saved: SaveResult = self.execute_ok(&call).await?.json()?;
        Ok(CreateOutcome { id: saved.id })
    }

    /// Reads a record by Id: `GET /sobjects/{sobject}/{id}?fields=...`. An empty `fields` reads
    /// all fields. The record (including its `attributes`) is decoded into `T`, e.g.
    /// `serde_json::Map<String, Value>` or a struct.
    pub async fn get<T: DeserializeOwned>(
        &self,
        sobject: &str,
        id: &Id,
        fields: &[&str],
    ) -> Result<T> {
        check_name("sObject", sobject)?;
        let mut call = Call::new(
            Method::GET,
            self.data_path(&format!("sobjects/{sobject}/{id}")),
        );
        if let Some(list) = field_list(fields)? {
            call = call.query("fields", list);
        }
        self.execute_ok(&call).await?.json()
    }

    /// Reads a record by external ID: `GET /sobjects/{sobject}/{field}/{value}?fields=...`.
    ///
    /// `value` is percent-encoded as one path segment. When the value matches several records
    /// (a non-unique external ID) the error is
    /// [`Error::MultipleMatches`](crate::error::Error::MultipleMatches).
    pub async fn get_by_external_id<T: DeserializeOwned>(
        &self,
        sobject: &str,
        field: &str,
        value: &str,
        fields: &[&str],
    ) -> Result<T> {
        let call = self.external_id_get(sobject, field, value, fields)?;
        self.execute_ok(&call).await?.json()
    }

    pub(crate) fn external_id_get(
        &self,
        sobject: &str,
        field: &str,
        value: &str,
        fields: &[&str],
    ) -> Result<Call> {
        check_name("sObject", sobject)?;
        check_name("field", field)?;
        let segment = encode_segment(value)?;
        let mut call = Call::new(
            Method::GET,
            self.data_path(&format!("sobjects/{sobject}/{field}/{segment}")),
        );
        if let Some(list) = field_list(fields)? {
            call = call.query("fields", list);
        }
        Ok(call)
    }

    /// Updates a record by Id: `PATCH /sobjects/{sobject}/{id}` with `body` (only the fields to
    /// change). Salesforce answers 204. Setting fields is idempotent, so the request is retried
    /// after transient failures (see [`RetryPolicy`](super::RetryPolicy)).
    pub async fn update<B: Serialize + ?Sized>(
        &self,
        sobject: &str,
        id: &Id,
        body: &B,
    ) -> Result<()> {
        check_name("sObject", sobject)?;
        let call = Call::new(
            Method::PATCH,
            self.data_path(&format!("sobjects/{sobject}/{id}")),
        )
        .json(body)?
        .resend(Resend::Idempotent);
        self.execute_ok(&call).await?;
        Ok(())
    }

    /// Deletes a record by Id: `DELETE /sobjects/{sobject}/{id}`.
    pub async fn delete(&self, sobject: &str, id: &Id) -> Result<()> {
        check_name("sObject", sobject)?;
        let call = Call::new(
            Method::DELETE,
            self.data_path(&format!("sobjects/{sobject}/{id}")),
        );
        self.execute_ok(&call).await?;
        Ok(())
    }
}
