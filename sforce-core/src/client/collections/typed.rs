//! Collection calls over `#[derive(SObject)]` structs and typed [`Patch`]es.

use serde_json::{Map, Value};

use super::super::Client;
use super::{CollectionOptions, RecordResult};
use crate::UpsertKey;
use crate::error::{Error, Result};
use crate::sobject::{ExternalIdRef, ExternalIdValue, Patch, Record, SObject};
use crate::types::Id;

fn key_of<S: SObject, V>(key: ExternalIdRef<S, V>, value: String) -> UpsertKey {
    UpsertKey::new(S::API_NAME, key.api_name(), value).case_sensitive(key.is_case_sensitive())
}

fn no_key<S: SObject, V>(key: ExternalIdRef<S, V>, position: usize) -> Error {
    Error::invalid_input(format!(
        "record {position}: the external ID {}.{} has no value: cannot use it as a key",
        S::API_NAME,
        key.api_name()
    ))
}

fn encoding(position: usize, err: impl std::fmt::Display) -> Error {
    Error::invalid_input(format!("record {position}: {err}"))
}

impl Client {
    /// Upserts typed records keyed by their external ID `key`, as one collection call
    /// ([`Client::upsert_all`]): chunks of at most 200, the same key twice merged, results in
    /// input order.
    ///
    /// ```no_run
    /// # use sforce::{Client, SObject};
    /// # use sforce::client::CollectionOptions;
    /// # #[derive(SObject)]
    /// # #[sobject(name = "Task")]
    /// # struct CallLog {
    /// #     #[external_id] #[sobject(rename = "uuid__c")] uuid: String,
    /// #     subject: Option<String>,
    /// # }
    /// # async fn run(client: Client, calls: Vec<CallLog>) -> sforce::Result<()> {
    /// let results = client
    ///     .upsert_records(CallLog::FIELD.uuid, &calls, &CollectionOptions::new())
    ///     .await?;
    /// for (call, result) in calls.iter().zip(results) {
    ///     match result {
    ///         Ok(saved) => println!("{} -> {} created={}", call.uuid, saved.id(), saved.created()),
    ///         Err(err) => println!("{} failed: {err}", call.uuid),
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn upsert_records<S: SObject, V>(
        &self,
        key: ExternalIdRef<S, V>,
        records: &[S],
        options: &CollectionOptions,
    ) -> Result<Vec<RecordResult>> {
        let mut input: Vec<(UpsertKey, Map<String, Value>)> = Vec::with_capacity(records.len());
        for (position, record) in records.iter().enumerate() {
            let value = record
                .external_id(key.api_name())
                .ok_or_else(|| no_key(key, position))?;
            let body = record
                .to_write_body()
                .map_err(|err| encoding(position, err))?;
            input.push((key_of(key, value), body));
        }
        self.upsert_all(&input, options).await
    }

    /// Upserts typed patches, each keyed by its external-ID value, as one collection call
    /// ([`Client::upsert_all`]). Patches of one key are merged in order (later wins).
    ///
    /// ```no_run
    /// # use sforce::{Client, SObject};
    /// # use sforce::client::CollectionOptions;
    /// # #[derive(SObject)]
    /// # #[sobject(name = "Task")]
    /// # struct CallLog {
    /// #     #[external_id] #[sobject(rename = "uuid__c")] uuid: String,
    /// #     status: Option<String>,
    /// # }
    /// # async fn run(client: Client) -> sforce::Result<()> {
    /// let done = CallLog::patch().set(CallLog::FIELD.status, "Completed");
    /// let patches = vec![("K1".to_owned(), done.clone()), ("K2".to_owned(), done)];
    /// client
    ///     .upsert_patches(CallLog::FIELD.uuid, patches, &CollectionOptions::new())
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn upsert_patches<S: SObject, V: ExternalIdValue>(
        &self,
        key: ExternalIdRef<S, V>,
        patches: impl IntoIterator<Item = (V, Patch<S>)>,
        options: &CollectionOptions,
    ) -> Result<Vec<RecordResult>> {
        let mut input: Vec<(UpsertKey, Map<String, Value>)> = Vec::new();
        for (position, (value, patch)) in patches.into_iter().enumerate() {
            let value = value
                .to_external_id()
                .ok_or_else(|| no_key(key, position))?;
            let body = patch.body().map_err(|err| encoding(position, err))?.clone();
            input.push((key_of(key, value), body));
        }
        self.upsert_all(&input, options).await
    }

    /// Creates typed records as one collection call ([`Client::create_all`]).
    pub async fn create_records<S: SObject>(
        &self,
        records: &[S],
        options: &CollectionOptions,
    ) -> Result<Vec<RecordResult>> {
        let bodies = records
            .iter()
            .enumerate()
            .map(|(position, record)| {
                record
                    .to_write_body()
                    .map_err(|err| encoding(position, err))
            })
            .collect::<Result<Vec<_>>>()?;
        self.create_all(S::API_NAME, &bodies, options).await
    }

    /// Reads typed records by Id as one collection call ([`Client::retrieve_all`]), selecting
    /// exactly `S`'s mapped fields; `None` where Salesforce answers `null`.
    pub async fn retrieve_records<S: SObject>(&self, ids: &[Id]) -> Result<Vec<Option<S>>> {
        let fields = S::select_fields();
        let records: Vec<Option<Record<S>>> = self.retrieve_all(S::API_NAME, ids, &fields).await?;
        Ok(records.into_iter().map(|r| r.map(|r| r.0)).collect())
    }
}
