//! [`Select`]: a typed query built from a derived struct, selecting exactly its fields.

use std::fmt;
use std::marker::PhantomData;

use super::filter::{Condition, OrderBy};
use super::page::decode_sobject;
use super::soql::Soql;
use super::stream::QueryStream;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::sobject::{FieldMeta, RelationKind, SObject};

/// A typed SOQL query over `S`: `SELECT <exactly S's fields> FROM <S> [WHERE] [ORDER BY]
/// [LIMIT] [OFFSET]`. Start one with the generated `S::select()` or [`Client::select`].
///
/// Every name in the query comes from the derive (checked there against Salesforce's API-name
/// rules); every value is a SOQL literal. Parent relationship fields select the parent struct's
/// fields (`Owner.Name`), child relationship fields a subquery (`(SELECT Id FROM Contacts)`).
///
/// ```no_run
/// # use futures::TryStreamExt;
/// #[derive(Debug, sforce::SObject)]
/// #[sobject(name = "Task")]
/// struct CallLog {
///     #[sobject(id)] id: Option<sforce::Id>,
///     subject: Option<String>,
///     call_duration_in_seconds: Option<i32>,
///     #[sobject(read_only)] created_date: Option<sforce::DateTime>,
/// }
///
/// # async fn run(client: sforce::Client) -> sforce::Result<()> {
/// let query = CallLog::select()
///     .filter(CallLog::FIELD.subject.starts_with("Call"))
///     .filter(CallLog::FIELD.call_duration_in_seconds.ge(60))
///     .order_by(CallLog::FIELD.created_date.desc().nulls_last())
///     .limit(10);
/// assert_eq!(
///     query.to_soql()?.as_str(),
///     "SELECT Id, Subject, CallDurationInSeconds, CreatedDate FROM Task \
///      WHERE Subject LIKE 'Call%' AND CallDurationInSeconds >= 60 \
///      ORDER BY CreatedDate DESC NULLS LAST LIMIT 10"
/// );
/// let calls: Vec<CallLog> = query.all(&client).await?;
/// let mut stream = query.stream(&client);
/// while let Some(call) = stream.try_next().await? {
///     println!("{call:?}");
/// }
/// let n: u64 = query.count(&client).await?;
/// # Ok(()) }
/// ```
pub struct Select<S> {
    filter: Option<Condition<S>>,
    order: Vec<OrderBy<S>>,
    limit: Option<u64>,
    offset: Option<u64>,
    all_rows: bool,
    batch_size: Option<u16>,
    _marker: PhantomData<fn() -> S>,
}

impl<S: SObject> Select<S> {
    /// Every row of `S`, every mapped field.
    pub fn new() -> Self {
        Select {
            filter: None,
            order: Vec::new(),
            limit: None,
            offset: None,
            all_rows: false,
            batch_size: None,
            _marker: PhantomData,
        }
    }

    /// Adds a `WHERE` condition; several calls are combined with `AND`.
    pub fn filter(mut self, condition: Condition<S>) -> Self {
        self.filter = Some(match self.filter.take() {
            Some(existing) => existing.and(condition),
            None => condition,
        });
        self
    }

    /// Adds an `ORDER BY` term: a token (ascending) or `token.asc()` / `token.desc()` with
    /// `nulls_first()` / `nulls_last()`.
    pub fn order_by(mut self, term: impl Into<OrderBy<S>>) -> Self {
        self.order.push(term.into());
        self
    }

    /// `LIMIT n`.
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// `OFFSET n` (Salesforce allows at most 2,000).
    pub fn offset(mut self, n: u64) -> Self {
        self.offset = Some(n);
        self
    }

    /// Also returns deleted and archived rows (`/queryAll`).
    pub fn include_deleted(mut self) -> Self {
        self.all_rows = true;
        self
    }

    /// Page size hint (`Sforce-Query-Options: batchSize=N`, 200 to 2,000).
    pub fn batch_size(mut self, size: u16) -> Self {
        self.batch_size = Some(size);
        self
    }

    /// The query text, or [`Error::InvalidInput`] when a value has no SOQL literal (or a
    /// hand-written `SObject` impl declares a name that is not a valid API name).
    pub fn to_soql(&self) -> Result<Soql> {
        check_names(S::API_NAME, S::FIELDS)?;
        let mut out = String::from("SELECT ");
        write_columns(S::FIELDS, "", true, &mut out);
        self.write_tail(&mut out)?;
        Ok(Soql::trusted(out))
    }

    /// `SELECT COUNT() FROM ...` with this query's filter (order, limit and offset are kept only
    /// where SOQL allows them with `COUNT()`: limit).
    pub fn to_count_soql(&self) -> Result<Soql> {
        let mut out = String::from("SELECT COUNT() FROM ");
        out.push_str(S::API_NAME);
        self.write_where(&mut out)?;
        if let Some(n) = self.limit {
            out.push_str(&format!(" LIMIT {n}"));
        }
        Ok(Soql::trusted(out))
    }

    fn write_where(&self, out: &mut String) -> Result<()> {
        if let Some(filter) = &self.filter {
            out.push_str(" WHERE ");
            filter
                .write(out)
                .map_err(|e| Error::invalid_input(format!("query on {}: {e}", S::API_NAME)))?;
        }
        Ok(())
    }

    fn write_tail(&self, out: &mut String) -> Result<()> {
        out.push_str(" FROM ");
        out.push_str(S::API_NAME);
        self.write_where(out)?;
        for (i, term) in self.order.iter().enumerate() {
            out.push_str(if i == 0 { " ORDER BY " } else { ", " });
            term.write(out);
        }
        if let Some(n) = self.limit {
            out.push_str(&format!(" LIMIT {n}"));
        }
        if let Some(n) = self.offset {
            out.push_str(&format!(" OFFSET {n}"));
        }
        Ok(())
    }

    /// The rows as a lazy stream (see [`QueryStream`]).
    pub fn stream(&self, client: &Client) -> QueryStream<S>
    where
        S: Send + 'static,
    {
        let stream = match self.to_soql() {
            Ok(soql) => QueryStream::new(
                client,
                soql.into_string(),
                self.all_rows,
                decode_sobject::<S>,
            ),
            Err(e) => QueryStream::failed(client, e, decode_sobject::<S>),
        };
        match self.batch_size {
            Some(size) => stream.batch_size(size),
            None => stream,
        }
    }

    /// Every row (all pages).
    pub async fn all(&self, client: &Client) -> Result<Vec<S>>
    where
        S: Send + 'static,
    {
        self.stream(client).collect_all().await
    }

    /// How many rows match (`SELECT COUNT()`, the response's `totalSize`).
    pub async fn count(&self, client: &Client) -> Result<u64> {
        let soql = self.to_count_soql()?;
        if self.all_rows {
            client.count_all(soql).await
        } else {
            client.count(soql).await
        }
    }
}

/// Names cannot be escaped in SOQL: the derive validates them; this catches hand-written impls.
fn check_names(sobject: &str, fields: &[FieldMeta]) -> Result<()> {
    let check = |name: &str| {
        sforce_model::name::check_api_name(name).map_err(|e| Error::invalid_input(e.to_string()))
    };
    check(sobject)?;
    for field in fields {
        check(field.api_name())?;
        if let Some((_, nested)) = field.relation() {
            for f in nested {
                check(f.api_name())?;
            }
        }
    }
    Ok(())
}

/// Writes the select list of `fields`: plain fields as `prefix + name`, parent relationships as
/// their struct's fields under `Name.`, child relationships (at the top level) as a subquery.
pub(crate) fn write_columns(fields: &[FieldMeta], prefix: &str, top: bool, out: &mut String) {
    let mut first = true;
    for field in fields {
        let mut sep = |out: &mut String| {
            if !first {
                out.push_str(", ");
            }
            first = false;
        };
        match field.relation() {
            None => {
                sep(out);
                out.push_str(prefix);
                out.push_str(field.api_name());
            }
            Some((RelationKind::Parent, nested)) => {
                if nested.is_empty() {
                    continue;
                }
                sep(out);
                let prefix = format!("{prefix}{}.", field.api_name());
                write_columns(nested, &prefix, false, out);
            }
            Some((RelationKind::Children, nested)) => {
                // SOQL allows child subqueries only at the top level.
                if !top || nested.is_empty() {
                    continue;
                }
                sep(out);
                out.push_str("(SELECT ");
                write_columns(nested, "", false, out);
                out.push_str(" FROM ");
                out.push_str(field.api_name());
                out.push(')');
            }
        }
    }
}

impl<S: SObject> Default for Select<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S> Clone for Select<S> {
    fn clone(&self) -> Self {
        Select {
            filter: self.filter.clone(),
            order: self.order.clone(),
            limit: self.limit,
            offset: self.offset,
            all_rows: self.all_rows,
            batch_size: self.batch_size,
            _marker: PhantomData,
        }
    }
}

impl<S: SObject> fmt::Debug for Select<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_soql() {
            Ok(soql) => write!(f, "Select({soql})"),
            Err(e) => write!(f, "Select(<{e}>)"),
        }
    }
}
