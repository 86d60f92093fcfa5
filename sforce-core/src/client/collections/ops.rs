//! The untyped collection calls on [`Client`].

use std::collections::HashMap;

use futures::future::join_all;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::super::Client;
use super::super::path::check_name;
use super::super::pipeline::Resend;
use super::super::request::Call;
use super::super::upsert::{to_object, upsert_body};
use super::{
    COLLECTION_UPSERT_SINCE, COLLECTIONS_SINCE, CollectionOptions, Encoded, MAX_COLLECTION_RECORDS,
    MAX_RETRIEVE_IDS, RecordOutcome, RecordResult, chunk_body, chunks, encode, major_version,
    require_version, with_type,
};
use crate::UpsertKey;
use crate::error::{Error, Result};
use crate::executor::Merge as _;
use crate::types::Id;

/// The collection record of an upsert: `attributes.type`, the external-ID field (with the
/// body's own value when it has one, e.g. a number, else the key's text) and the other fields.
pub(crate) fn upsert_record(
    key: &UpsertKey,
    body: &Map<String, Value>,
) -> Result<Map<String, Value>> {
    let typed_key = body
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(key.field()))
        .map(|(_, value)| value.clone())
        .filter(|value| !value.is_null());
    let fields = upsert_body(key, body.clone())?;
    let mut record = with_type(key.sobject(), &Map::new());
    record.insert(
        key.field().to_owned(),
        typed_key.unwrap_or_else(|| Value::String(key.value().to_owned())),
    );
    record.extend(fields);
    Ok(record)
}

/// The fold of a key for "the same record twice in one request": equal for every key that MAY
/// name the same record (case-folded even for a declared case-sensitive key, numbers
/// canonical), since Salesforce compares by the field's own definition.
pub(crate) fn folded(key: &UpsertKey) -> String {
    key.conservative_value()
}

/// Spreads the results of unique records back over the input positions.
fn spread(results: Vec<RecordResult>, positions: &[usize]) -> Vec<RecordResult> {
    positions.iter().map(|&p| results[p].clone()).collect()
}

/// The first repeated item: (key, first position, second position).
fn first_repeat<'a>(keys: impl Iterator<Item = &'a str>) -> Option<(String, usize, usize)> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, key) in keys.enumerate() {
        if let Some(&first) = seen.get(key) {
            return Some((key.to_owned(), first, i));
        }
        seen.insert(key, i);
    }
    None
}

fn refuse_repeats<'a>(operation: &'static str, keys: impl Iterator<Item = &'a str>) -> Result<()> {
    match first_repeat(keys) {
        Some((key, first, second)) => Err(Error::DuplicateKey {
            operation,
            key,
            first,
            second,
        }),
        None => Ok(()),
    }
}

impl Client {
    /// Sends `records` in chunks to `path` with `method`; results in input order.
    async fn send_chunks(
        &self,
        method: Method,
        path: String,
        records: &[Encoded],
        options: &CollectionOptions,
        resend: Resend,
    ) -> Vec<RecordResult> {
        let mut results: Vec<Option<RecordResult>> = vec![None; records.len()];
        for chunk in chunks(records, options) {
            let body = chunk_body(chunk.iter().map(|&i| &records[i]), options.all_or_none);
            let answer = self
                .send_collection(
                    method.clone(),
                    path.clone(),
                    Some(body),
                    &[],
                    chunk.len(),
                    resend.clone(),
                )
                .await;
            fill(&mut results, &chunk, answer);
        }
        results
            .into_iter()
            .map(|r| r.expect("every record answered"))
            .collect()
    }

    /// Creates records of `sobject`: `POST /composite/sobjects` in chunks of at most 200.
    /// Results in input order; see the [module docs](super) for errors and `allOrNone`.
    pub async fn create_all<B: Serialize>(
        &self,
        sobject: &str,
        records: &[B],
        options: &CollectionOptions,
    ) -> Result<Vec<RecordResult>> {
        require_version(self, COLLECTIONS_SINCE, "sObject Collections")?;
        check_name("sObject", sobject)?;
        let encoded = records
            .iter()
            .map(|record| {
                let fields = to_object(record)?;
                if fields.keys().any(|name| name.eq_ignore_ascii_case("Id")) {
                    return Err(Error::invalid_input("a record to create must not set Id"));
                }
                encode(&with_type(sobject, &fields), None)
            })
            .collect::<Result<Vec<_>>>()?;
        let path = self.data_path("composite/sobjects");
        Ok(self
            .send_chunks(Method::POST, path, &encoded, options, Resend::NotIdempotent)
            .await)
    }

    /// Updates records of `sobject` by Id: `PATCH /composite/sobjects` in chunks of at most 200.
    /// One Id twice in `records` is refused with [`Error::DuplicateKey`] before anything is
    /// sent. Results in input order.
    pub async fn update_all<B: Serialize>(
        &self,
        sobject: &str,
        records: &[(Id, B)],
        options: &CollectionOptions,
    ) -> Result<Vec<RecordResult>> {
        require_version(self, COLLECTIONS_SINCE, "sObject Collections")?;
        check_name("sObject", sobject)?;
        refuse_repeats("update", records.iter().map(|(id, _)| id.as_str()))?;
        let encoded = records
            .iter()
            .map(|(id, body)| {
                let mut fields = to_object(body)?;
                fields.retain(|name, _| !name.eq_ignore_ascii_case("Id"));
                let mut record = with_type(sobject, &Map::new());
                record.insert("id".into(), Value::String(id.as_str().to_owned()));
                record.extend(fields);
                encode(&record, None)
            })
            .collect::<Result<Vec<_>>>()?;
        let path = self.data_path("composite/sobjects");
        Ok(self
            .send_chunks(Method::PATCH, path, &encoded, options, Resend::Idempotent)
            .await)
    }

    /// Upserts records by external ID: `PATCH /composite/sobjects/{sObject}/{field}` (API
    /// 46.0+) in chunks of at most 200. Every key must name the same sObject and field, and
    /// none may be update-only (collections have no `updateOnly`).
    ///
    /// Records with the same key (compared as [`UpsertKey::normalized_value`]) are merged field
    /// by field (later wins, explicit null kept) into one record, and every position of that
    /// key gets its result; keys differing only in case (under a case-sensitive key) go in
    /// different requests. Below API 46.0 each record is sent as a single-record upsert through
    /// [`Client::upsert`] instead (then `allOrNone` cannot be honoured and is refused).
    pub async fn upsert_all<B: Serialize>(
        &self,
        records: &[(UpsertKey, B)],
        options: &CollectionOptions,
    ) -> Result<Vec<RecordResult>> {
        let Some((first, _)) = records.first() else {
            return Ok(Vec::new());
        };
        check_name("sObject", first.sobject())?;
        check_name("field", first.field())?;
        // Merge repeated keys, keeping first-occurrence order.
        let mut unique: Vec<(UpsertKey, Map<String, Value>)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut positions = Vec::with_capacity(records.len());
        for (key, body) in records {
            if !key.sobject().eq_ignore_ascii_case(first.sobject())
                || !key.field().eq_ignore_ascii_case(first.field())
            {
                return Err(Error::invalid_input(format!(
                    "one collection upsert writes one sObject by one external ID: {key} differs from {first}"
                )));
            }
            if key.is_update_only() {
                return Err(Error::invalid_input(format!(
                    "collection upsert has no update-only mode: {key}"
                )));
            }
            let body = to_object(body)?;
            let normalized = key.normalized_value().into_owned();
            match index.get(&normalized) {
                Some(&at) => {
                    unique[at].1.merge(body);
                    unique[at].0 = key.clone();
                    positions.push(at);
                }
                None => {
                    index.insert(normalized, unique.len());
                    positions.push(unique.len());
                    unique.push((key.clone(), body));
                }
            }
        }
        if major_version(self) < COLLECTION_UPSERT_SINCE {
            if options.all_or_none {
                return Err(Error::invalid_input(format!(
                    "allOrNone upserts need collection upsert (API {COLLECTION_UPSERT_SINCE}.0+); this client uses {}",
                    self.api_version()
                )));
            }
            let singles = unique.iter().map(|(key, body)| self.upsert(key, body));
            let results = join_all(singles)
                .await
                .into_iter()
                .map(|r| r.map(|o| RecordOutcome::new(o.id().clone(), o.created())))
                .collect();
            return Ok(spread(results, &positions));
        }
        let encoded = unique
            .iter()
            .map(|(key, body)| encode(&upsert_record(key, body)?, Some(folded(key))))
            .collect::<Result<Vec<_>>>()?;
        let path = self.data_path(&format!(
            "composite/sobjects/{}/{}",
            first.sobject(),
            first.field()
        ));
        let results = self
            .send_chunks(Method::PATCH, path, &encoded, options, Resend::Idempotent)
            .await;
        Ok(spread(results, &positions))
    }

    /// Deletes records by Id: `DELETE /composite/sobjects?ids=...` in chunks of at most 200.
    /// One Id twice is refused with [`Error::DuplicateKey`] before anything is sent.
    pub async fn delete_all(
        &self,
        ids: &[Id],
        options: &CollectionOptions,
    ) -> Result<Vec<RecordResult>> {
        require_version(self, COLLECTIONS_SINCE, "sObject Collections")?;
        refuse_repeats("delete", ids.iter().map(Id::as_str))?;
        let mut results: Vec<Option<RecordResult>> = vec![None; ids.len()];
        let positions: Vec<usize> = (0..ids.len()).collect();
        for chunk in positions.chunks(options.batch_size.min(MAX_COLLECTION_RECORDS)) {
            let list: Vec<&str> = chunk.iter().map(|&i| ids[i].as_str()).collect();
            let query = [
                ("ids", list.join(",")),
                ("allOrNone", options.all_or_none.to_string()),
            ];
            let path = self.data_path("composite/sobjects");
            let answer = self
                .send_collection(
                    Method::DELETE,
                    path,
                    None,
                    &query,
                    chunk.len(),
                    Resend::Idempotent,
                )
                .await;
            fill(&mut results, chunk, answer);
        }
        Ok(results
            .into_iter()
            .map(|r| r.expect("every Id answered"))
            .collect())
    }

    /// Reads records of `sobject` by Id: `GET /composite/sobjects/{sObject}?ids=&fields=` for up
    /// to 200 Ids, else `POST` in chunks of 2,000. One entry per Id, in order: `None` where
    /// Salesforce answers `null` (no such record, no access, or an Id of another type).
    /// `fields` must not be empty.
    pub async fn retrieve_all<T: DeserializeOwned>(
        &self,
        sobject: &str,
        ids: &[Id],
        fields: &[&str],
    ) -> Result<Vec<Option<T>>> {
        require_version(self, COLLECTIONS_SINCE, "sObject Collections")?;
        check_name("sObject", sobject)?;
        let Some(field_list) = super::super::path::field_list(fields)? else {
            return Err(Error::invalid_input(
                "a collection retrieve needs at least one field",
            ));
        };
        let path = self.data_path(&format!("composite/sobjects/{sobject}"));
        let mut out = Vec::with_capacity(ids.len());
        let per_request = if ids.len() <= MAX_COLLECTION_RECORDS {
            MAX_COLLECTION_RECORDS
        } else {
            MAX_RETRIEVE_IDS
        };
        for chunk in ids.chunks(per_request) {
            let list: Vec<&str> = chunk.iter().map(Id::as_str).collect();
            let call = if ids.len() <= MAX_COLLECTION_RECORDS {
                Call::new(Method::GET, path.clone())
                    .query("ids", list.join(","))
                    .query("fields", field_list.clone())
            } else {
                let body = serde_json::json!({"ids": list, "fields": fields});
                // A read, although sent as POST.
                Call::new(Method::POST, path.clone())
                    .json(&body)?
                    .resend(Resend::Idempotent)
            };
            let response = self.execute_ok(&call).await?;
            let values: Vec<Value> = response.json()?;
            if values.len() != chunk.len() {
                return Err(Error::decode(
                    response.context.clone(),
                    response.status.as_u16(),
                    format!("expected {} records, got {}", chunk.len(), values.len()),
                    &response.body,
                ));
            }
            for value in values {
                out.push(match value {
                    Value::Null => None,
                    value => Some(serde_json::from_value(value).map_err(|err| {
                        Error::decode(
                            response.context.clone(),
                            response.status.as_u16(),
                            err.to_string(),
                            &response.body,
                        )
                    })?),
                });
            }
        }
        Ok(out)
    }
}

/// Stores one chunk's answer at its records' positions (a request-level error goes to each).
fn fill(results: &mut [Option<RecordResult>], chunk: &[usize], answer: Result<Vec<RecordResult>>) {
    match answer {
        Ok(per_record) => {
            for (&i, result) in chunk.iter().zip(per_record) {
                results[i] = Some(result);
            }
        }
        Err(error) => {
            for &i in chunk {
                results[i] = Some(Err(error.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn upsert_record_keeps_a_typed_key_and_drops_the_key_from_the_fields() {
        let key = UpsertKey::new("Task", "LegacyNumber__c", "123");
        let body = json!({"legacynumber__c": 123, "Subject": "s"});
        let record = upsert_record(&key, body.as_object().unwrap()).unwrap();
        assert_eq!(
            Value::Object(record),
            json!({"attributes": {"type": "Task"}, "LegacyNumber__c": 123, "Subject": "s"})
        );
        let key = UpsertKey::new("Task", "uuid__c", "K1");
        let record = upsert_record(&key, json!({"Subject": "s"}).as_object().unwrap()).unwrap();
        assert_eq!(record["uuid__c"], "K1");
    }

    #[test]
    fn first_repeat_names_the_key_and_both_positions() {
        assert_eq!(
            first_repeat(["a", "b", "c", "b"].into_iter()),
            Some(("b".to_owned(), 1, 3))
        );
        assert_eq!(first_repeat(["a", "b"].into_iter()), None);
    }
}
