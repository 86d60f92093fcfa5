//! An embedded Salesforce REST emulator: real HTTP on loopback, Salesforce's JSON shapes, and
//! its upsert race.
//!
//! Start one per test with [`Emulator::start`] (or [`Emulator::builder`]), point any
//! Salesforce client at [`Emulator::url`] with bearer token [`Emulator::token`], and inspect
//! what happened with [`Emulator::records`], [`Emulator::request_log`] and
//! [`Emulator::max_in_flight_per_key`].
//!
//! # What it serves
//!
//! | request | answer |
//! |---|---|
//! | `GET /services/data/` | API versions (no token needed) |
//! | `GET /services/data/vXX.X/limits` | `DailyApiRequests` and a few more |
//! | `GET .../sobjects` | global describe |
//! | `GET .../sobjects/{S}/describe` | the describe JSON |
//! | `POST .../sobjects/{S}` | create → 201 |
//! | `GET/PATCH/DELETE .../sobjects/{S}/{id}` | read (`?fields=`) → 200, update → 204, delete → 204 |
//! | `PATCH .../sobjects/{S}/{field}/{value}` | upsert → 201 / 200 (204 up to v45.0) / 300 / 404 |
//! | `GET .../sobjects/{S}/{field}/{value}` | read by external ID → 200 / 300 / 404 |
//! | `POST .../sobjects/{S}/Id` | create through the upsert resource → 201 |
//! | `POST / PATCH .../composite/sobjects` | sObject Collections create / update (≤ 200 records, `allOrNone`) |
//! | `PATCH .../composite/sobjects/{S}/{field}` | collection upsert by external ID (v46.0+) |
//! | `DELETE .../composite/sobjects?ids=&allOrNone=` | collection delete |
//! | `GET .../composite/sobjects/{S}?ids=&fields=`, `POST` with `{"ids","fields"}` | collection retrieve (≤ 2,000) |
//! | `POST .../composite` | up to 25 subrequests, `@{ref.field}` references, `allOrNone` |
//! | `GET .../limits/recordCount?sObjects=A,B` | `{"sObjects":[{"count","name"}]}` |
//! | `GET /id/{orgId}/{userId}`, `GET /services/oauth2/userinfo` | the running user (token needed) |
//! | `GET .../query?q=` | SOQL → `{"totalSize","done","nextRecordsUrl"?,"records"}`, pages of 2,000 (`Sforce-Query-Options: batchSize=N`, 200–2,000) |
//! | `GET .../queryAll?q=` | the same, deleted records included (`IsDeleted: true`) |
//! | `GET .../query/{locator}-{offset}`, `.../queryAll/...` | the next page; unknown or expired → 400 `INVALID_QUERY_LOCATOR` |
//!
//! The record resources also answer with a trailing slash (`POST .../sobjects/Account/`), as
//! Salesforce does. Both describes answer `304 Not Modified` (empty body) when the schema has
//! not changed since the request's `If-Modified-Since`. Upserts key on `externalId` fields and on
//! fields with the `idLookup` property (Contact `Email`, Account `Name`, ...), matched by the
//! field's `caseSensitive`.
//!
//! Every answer to `/services/data/vXX.X/...` carries `Sforce-Limit-Info: api-usage=N/15000`.
//! A missing or unknown bearer token answers 401 `INVALID_SESSION_ID`.
//!
//! # The race
//!
//! An upsert looks its key up, waits the commit latency (default 200 ms, see
//! [`EmulatorBuilder::commit_latency`] and [`Emulator::set_commit_latency`]) holding no lock,
//! then commits, checking the unique index. Two upserts of one new key inside that window both
//! decide to insert; the second answers exactly what Salesforce answers:
//!
//! ```text
//! 400 [{"message":"duplicate value found: uuid__c duplicates value on record with id: 00T5g0000000001AAA",
//!       "errorCode":"DUPLICATE_VALUE","fields":[]}]
//! ```
//!
//! Collection upserts look every key up, wait ONE commit latency, then commit in order, so the
//! race also holds between collections and single-record upserts.
//!
//! Only upserts by external ID (single or collection) wait the commit latency; plain creates, updates by Id and
//! deletes commit at once (creates still check the unique index).
//!
//! # Schema and validation
//!
//! The schema is describe JSON ([`sforce_core::describe`]): built-in standard objects `Task`,
//! `Account`, `Contact`, `Lead`, `Opportunity`, `Case`, `Event` and `User`, written from
//! Salesforce's Object Reference (see [`builtin_describes`]), plus any the user loads (a user's
//! describe replaces a built-in one of the same name). Writes are validated from it:
//! `INVALID_FIELD`, `INVALID_FIELD_FOR_INSERT_UPDATE`, `JSON_PARSER_ERROR` (malformed JSON and
//! values of the wrong JSON type, as Salesforce's REST reader answers), `STRING_TOO_LONG`,
//! `REQUIRED_FIELD_MISSING`, `INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST`,
//! `NUMBER_OUTSIDE_VALID_RANGE` (precision and scale; extra decimals are rounded),
//! `INVALID_EMAIL_ADDRESS`, `MALFORMED_ID`, `FIELD_INTEGRITY_EXCEPTION` (a reference to a record
//! of the wrong object), `INVALID_CROSS_REFERENCE_KEY` (a reference to no record),
//! `DUPLICATE_VALUE`. Ids are 18 characters with the object's key prefix and a valid
//! case-safe suffix.
//!
//! A create fills what Salesforce fills: `defaultValue`s and default picklist values, the system
//! fields (`OwnerId` = the running user unless given, `CreatedById`, `CreatedDate`,
//! `LastModifiedById`, `LastModifiedDate`, `SystemModstamp`, `IsDeleted`), auto numbers
//! (`CaseNumber` `00001001`, ...) and compound fields built from their components (`Name` of
//! Contact and Lead, addresses, geolocations), kept current by updates. The running user
//! (`005000000000001AAA`, [`oauth::DEFAULT_USERNAME`]) is a `User` record.
//!
//! # SOQL
//!
//! Queries are parsed (field lists, `COUNT()`, parent paths such as `Owner.Name` or
//! `What.Type`, child subqueries on the describe's `childRelationships`, `WHERE` with every
//! comparison, `LIKE`, `IN`, `INCLUDES`, `AND`/`OR`/`NOT`, all literal kinds and date literals,
//! `ORDER BY ... NULLS FIRST|LAST`, `LIMIT`, `OFFSET`), checked against the describes, and
//! answered in Salesforce's shapes, with its `MALFORMED_QUERY`, `INVALID_FIELD` and
//! `INVALID_TYPE` messages (caret header included). Aggregates other than `COUNT()`,
//! `GROUP BY`, semi-joins, `TYPEOF` and `WITH`/`FOR`/`USING SCOPE` clauses are refused with a
//! `MALFORMED_QUERY` naming the missing feature. Deleted records stay in a recycle bin that
//! only `queryAll` reads ([`Emulator::deleted_records`]).
//!
//! # For tests
//!
//! - State: [`Emulator::records`], [`Emulator::record`], [`Emulator::find_by_external_id`],
//!   [`Emulator::insert_record`] (seed data).
//! - Traffic: [`Emulator::request_log`] ([`LoggedRequest`]: method, path, query, status, body,
//!   when received and answered; whole bodies up to [`EmulatorBuilder::max_logged_body`]),
//!   [`Emulator::request_count`], [`Emulator::request_count_matching`],
//!   [`Emulator::max_in_flight_per_key`] (most concurrent upserts ever seen for one key).
//! - Failures: [`Emulator::fail_next`] with a [`Failure`]: a status and body (500, 503,
//!   `UNABLE_TO_LOCK_ROW`, ...), a dropped connection, or a delay; before or after the request
//!   takes effect; for the next N requests matching a method and path fragment.
//! - Races: [`Emulator::insert_during_commit_window`] stores another process's record right
//!   after an upsert looked its key up, so that upsert's create fails with `DUPLICATE_VALUE`.
//! - Knobs: [`Emulator::set_commit_latency`], [`Emulator::accept_token`],
//!   [`Emulator::revoke_token`].
//!
//! Behaviours that could not be confirmed against Salesforce are marked "unconfirmed" in the
//! docs of the item that implements them.
#![warn(missing_docs)]

mod api_error;
mod bulk;
mod coerce;
mod competing;
mod config;
mod emulator;
mod failure;
mod fill;
mod handlers;
mod ids;
mod intake;
mod journal;
mod keys;
pub mod oauth;
mod observe;
mod schema;
mod server;
mod soql;
mod state;
mod store;
mod tokens;
mod validate;

pub use config::{
    DEFAULT_COMMIT_LATENCY, DEFAULT_MAX_API_VERSION, DEFAULT_TOKEN, EmulatorBuilder, EmulatorError,
};
pub use emulator::Emulator;
pub use failure::{Failure, FailureAction};
pub use intake::DEFAULT_MAX_BODY_BYTES;
pub use oauth::OAuthConfig;
pub use observe::DEFAULT_REQUEST_LOG_CAPACITY;
pub use observe::LoggedRequest;
pub use schema::builtin_describes;
