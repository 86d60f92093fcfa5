//! SOQL: a lexer and parser (winnow), binding against the describes, and evaluation over the
//! store. The REST endpoints (`/query`, `/queryAll`, locators) live in
//! `crate::handlers::query`; Bulk API 2.0 query jobs call [`run`] directly.
//!
//! # Supported
//!
//! - `SELECT` field lists, `COUNT()` (alone), parent paths of any depth (`Owner.Name`,
//!   `Account.Owner.Name`), polymorphic parents through Salesforce's `Name` pseudo-object
//!   (`What.Type`, `What.Name`, `Who.Id`, ...), child subqueries on the parent describe's
//!   `childRelationships` (`SELECT Id, (SELECT Id FROM Tasks WHERE ... ORDER BY ... LIMIT n)
//!   FROM Account`), a field qualified by the object's own name (`Task.Subject`).
//! - `WHERE` with `= != <> < <= > >=`, `LIKE` (`%`, `_`, `\%`, `\_`), `IN`, `NOT IN`,
//!   `INCLUDES`/`EXCLUDES` (multi-select picklists; `=` compares them as sets), `AND`,
//!   `OR` (mixing them needs parentheses, as in Salesforce), `NOT`, parentheses; literals
//!   `null`, `true`/`false`, numbers, quoted strings with every SOQL escape, dates
//!   (`2021-07-20`), datetimes (`2021-07-20T10:00:00Z`, fraction and `±hh:mm` allowed) and the
//!   date literals `YESTERDAY TODAY TOMORROW`, `LAST/THIS/NEXT_WEEK|MONTH|QUARTER|YEAR`,
//!   `LAST_90_DAYS NEXT_90_DAYS`, `LAST_N_/NEXT_N_DAYS|WEEKS|MONTHS|QUARTERS|YEARS:n`,
//!   `N_DAYS|WEEKS|MONTHS|QUARTERS|YEARS_AGO:n` and their `FISCAL` forms.
//! - `ORDER BY` with several keys, `ASC`/`DESC`, `NULLS FIRST`/`NULLS LAST` (default: nulls
//!   first ascending, last descending); ties keep creation order. `LIMIT`, `OFFSET` (at most
//!   2,000, as in Salesforce).
//! - Keywords and names case-insensitive; output keys spelled as the describe spells them.
//! - Comparisons by field type: text case-insensitively, numbers numerically, dates and
//!   datetimes in time, Ids in 15 or 18 characters; `!=` and `NOT IN` match null values.
//! - `IsDeleted` on every object (true only for recycle-bin rows, which only `queryAll` sees).
//!
//! # Not supported (answered with MALFORMED_QUERY naming the feature)
//!
//! Aggregate functions other than `COUNT()` (`COUNT(Id)`, `SUM`, ...), `GROUP BY`, `HAVING`,
//! `TYPEOF`, `WITH` (security enforced, data category), `FOR VIEW/REFERENCE/UPDATE`,
//! `USING SCOPE`, semi-join and anti-join subqueries (`Id IN (SELECT
//! ...)`), field aliases, `FIELDS(ALL)`, bind variables, `convertCurrency()`, `toLabel()`,
//! `FORMAT()`, date functions (`CALENDAR_YEAR(...)`), and nested child subqueries.
//!
//! # Approximations
//!
//! - Date literals use UTC days (Salesforce uses the running user's time zone); weeks start
//!   on Sunday; the fiscal year is the calendar year.
//! - A parent the store does not hold (e.g. an `OwnerId` naming a User when no User describe
//!   is loaded) renders as `null`.
//! - A field selected twice is answered once (Salesforce rejects the query; unconfirmed).
//! - The caret header shows long lines as a window around the error; the width Salesforce
//!   uses is unconfirmed.

mod ast;
mod bind;
pub(crate) mod cursor;
mod dates;
mod error;
mod eval;
mod exec;
mod lexer;
mod parser;
mod plan;
#[cfg(test)]
mod proptests;
mod strings;

use serde_json::Value;

use crate::api_error::ApiError;
use crate::state::State;

pub(crate) use error::QueryError;

/// The result of [`run`]: every matching record, rendered as `/query` renders it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QueryOutput {
    /// The queried sObject, as its describe spells it.
    pub(crate) sobject: String,
    /// The selected columns in SELECT order: `Subject`, `Owner.Name` (dotted for parents), or
    /// a child relationship name (`Tasks`). Empty for `COUNT()`.
    pub(crate) columns: Vec<String>,
    /// The number of matching rows (after OFFSET and LIMIT): `totalSize`.
    pub(crate) total_size: usize,
    /// The records (empty for `COUNT()`), each `{"attributes":{...}, <columns>...}` with
    /// parents nested (or `null`) and child results as `{"totalSize","done","records"}`.
    pub(crate) records: Vec<Value>,
    /// Whether the query has child subqueries (Bulk API 2.0 refuses those).
    pub(crate) has_subqueries: bool,
}

/// Runs one SOQL query against the emulator's store.
///
/// This is the emulator-internal entry point shared by `GET /query` and `/queryAll` (which
/// page the records) and Bulk API 2.0 query jobs (which write them as CSV, see
/// [`column_value`]). `include_deleted` adds the recycle bin (`queryAll`); `version` is the
/// API version used in the records' `attributes.url`.
///
/// Errors are Salesforce's 400 answers: MALFORMED_QUERY, INVALID_TYPE, INVALID_FIELD,
/// INVALID_QUERY_FILTER_OPERATOR, NUMBER_OUTSIDE_VALID_RANGE (messages with the caret header).
pub(crate) fn run(
    state: &State,
    soql: &str,
    include_deleted: bool,
    version: u32,
) -> Result<QueryOutput, ApiError> {
    run_at(state, soql, include_deleted, version, today()).map_err(|e| e.to_api_error(soql))
}

/// [`run`] with an explicit "today" for date literals.
fn run_at(
    state: &State,
    soql: &str,
    include_deleted: bool,
    version: u32,
    today: time::Date,
) -> Result<QueryOutput, QueryError> {
    let query = parser::parse(soql)?;
    let plan = bind::bind(&state.schema, &query, today)?;
    let (total_size, records) = exec::execute(state, &plan, include_deleted, version);
    let columns = plan
        .columns
        .iter()
        .map(|c| match c {
            plan::Column::Field(f) => f.column_name(),
            plan::Column::Child(c) => c.relationship.clone(),
        })
        .collect();
    let has_subqueries = plan
        .columns
        .iter()
        .any(|c| matches!(c, plan::Column::Child(_)));
    Ok(QueryOutput {
        sobject: plan.object.name.clone(),
        columns,
        total_size,
        records,
        has_subqueries,
    })
}

/// The value of a dotted `column` (from [`QueryOutput::columns`]) in one of
/// [`QueryOutput::records`]: `Owner.Name` reads `record["Owner"]["Name"]`; a missing parent
/// gives `Value::Null`. Bulk query results flatten records with it.
pub(crate) fn column_value<'r>(record: &'r Value, column: &str) -> &'r Value {
    column
        .split('.')
        .try_fold(record, |v, key| v.get(key).filter(|v| !v.is_null()))
        .unwrap_or(&Value::Null)
}

/// Today in UTC (the emulator's clock for date literals).
fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}
