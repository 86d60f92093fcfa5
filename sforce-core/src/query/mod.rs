//! SOQL queries: lazy paginated streams of typed rows, typed selects built from
//! `#[derive(SObject)]` structs, and hand-written SOQL with bound values.
//!
//! | you have | use |
//! |---|---|
//! | a derived struct | `CallLog::select()` / [`Client::select`]: a [`Select`] with typed filters on `CallLog::FIELD` tokens |
//! | any `serde::Deserialize` row type | [`Client::query`] / [`Client::query_all`] with a [`Soql`] |
//! | values from input in a hand-written query | [`soql!`](crate::soql!) or [`SoqlTemplate`]: values are bound, never pasted |
//! | a row count | [`Client::count`], [`Select::count`] (`SELECT COUNT()`, the `totalSize`) |
//!
//! Results arrive as a [`QueryStream`]: pages are requested only as rows are consumed
//! (`nextRecordsUrl`), and dropping the stream sends nothing more. Rows decode into any
//! `DeserializeOwned` type; `attributes` are ignored unless asked for with [`WithAttributes`].
//! Child subqueries decode into [`QueryResult`] (their own `totalSize` / `done` / `records`).
//!
//! Names are never taken from strings at run time: a [`Select`] uses the API names declared on
//! the struct (validated by the derive), and a [`Soql`] is a string literal, a template, or
//! explicitly [`Soql::trusted`]. Values are written by the [`SoqlValue`] rules (see
//! [`literal`](self#values)).
//!
//! # Values
//!
//! Text is quoted with `\n \r \t \b \f \" \' \\` escaped; `LIKE` patterns escape `%` and `_`
//! unless built with [`Like::pattern`]; dates and datetimes are unquoted (`2021-07-20`,
//! `2021-07-20T10:00:00Z`); booleans, `null` and numbers (no locale, no exponent) as is.
//!
//! The field tokens' operators are in [the `filter` table](Condition): a field's Rust type
//! decides which compile (`lt` needs [`Ordered`], `like` needs [`Text`]).

mod filter;
mod literal;
mod page;
mod select;
mod soql;
mod stream;

pub use filter::{Column, Condition, OrderBy, Ordered, Text};
pub use literal::{Like, LiteralError, SoqlValue, to_soql, write_text};
pub use page::{Attributes, QueryResult, WithAttributes};
pub use select::Select;
pub use soql::{Soql, SoqlTemplate};
pub use stream::QueryStream;

use reqwest::Method;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::client::request::Call;
use crate::error::Result;
use crate::sobject::SObject;

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct CountPage {
    total_size: u64,
}

impl Client {
    /// Runs a query (`GET /query?q=`) and streams its rows decoded into `T`, following
    /// `nextRecordsUrl` lazily. See [`QueryStream`].
    ///
    /// ```no_run
    /// # async fn run(client: sforce_core::Client) -> sforce_core::Result<()> {
    /// let subject = "it's";
    /// let soql = sforce_core::soql!("SELECT Id FROM Task WHERE Subject = :subject", subject = subject)?;
    /// let rows: Vec<serde_json::Value> = client.query(soql).collect_all().await?;
    /// # Ok(()) }
    /// ```
    pub fn query<T>(&self, soql: impl Into<Soql>) -> QueryStream<T>
    where
        T: DeserializeOwned + Send + 'static,
    {
        QueryStream::new(
            self,
            soql.into().into_string(),
            false,
            page::decode_serde::<T>,
        )
    }

    /// Like [`query`](Self::query), but deleted and archived rows are included
    /// (`GET /queryAll?q=`; deleted rows have `IsDeleted = true`).
    pub fn query_all<T>(&self, soql: impl Into<Soql>) -> QueryStream<T>
    where
        T: DeserializeOwned + Send + 'static,
    {
        QueryStream::new(
            self,
            soql.into().into_string(),
            true,
            page::decode_serde::<T>,
        )
    }

    /// A typed select of `S` (the same as the generated `S::select()`).
    pub fn select<S: SObject>(&self) -> Select<S> {
        Select::new()
    }

    /// Runs a `SELECT COUNT() FROM ...` query and returns its `totalSize`.
    pub async fn count(&self, soql: impl Into<Soql>) -> Result<u64> {
        self.count_in("query", soql.into()).await
    }

    /// [`count`](Self::count) including deleted and archived rows (`/queryAll`).
    pub async fn count_all(&self, soql: impl Into<Soql>) -> Result<u64> {
        self.count_in("queryAll", soql.into()).await
    }

    async fn count_in(&self, resource: &str, soql: Soql) -> Result<u64> {
        let call = Call::new(Method::GET, self.data_path(resource)).query("q", soql.into_string());
        let page: CountPage = self.execute_ok(&call).await?.json()?;
        Ok(page.total_size)
    }
}
