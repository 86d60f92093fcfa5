//! sforce: a typed Salesforce SDK for Rust whose upserts do not race.
//!
//! When two upserts of one new external ID reach Salesforce close together, both look the key up,
//! both insert, and the second fails with `DUPLICATE_VALUE`. sforce sends every upsert through a
//! keyed single-flight executor: never two requests for one key in flight, concurrent writes to
//! one key merged into one request, every caller told the true outcome, and cross-process
//! duplicates retried. See the [`executor`] module for the contract.
//!
//! ```no_run
//! use sforce::{Client, DateTime, Id, SObject};
//!
//! #[derive(Debug, SObject)]
//! #[sobject(name = "Task")]
//! struct CallLog {
//!     #[sobject(id)]
//!     id: Option<Id>, // read back, never written
//!     #[external_id]
//!     #[sobject(rename = "uuid__c")]
//!     uuid: String, // the upsert key
//!     subject: Option<String>, // API name "Subject"; None leaves it unchanged
//!     call_duration_in_seconds: Option<i32>, // API name "CallDurationInSeconds"
//!     #[sobject(rename = "CallStarted__c")]
//!     call_started: Option<DateTime>,
//!     #[sobject(read_only)]
//!     created_date: Option<DateTime>, // never reaches a write body
//! }
//!
//! # async fn run(call: CallLog) -> sforce::Result<()> {
//! let client = Client::from_env()?;
//!
//! // PATCH /sobjects/Task/uuid__c/<uuid>, through the single-flight executor.
//! let outcome = call.upsert(&client).await?;
//! println!("{} created={} merged={}", outcome.id(), outcome.created(), outcome.merged_writes());
//!
//! // Typed reads select exactly the struct's fields.
//! let again = CallLog::get_by_uuid(&client, call.uuid.clone()).await?;
//! assert_eq!(again.uuid, call.uuid);
//!
//! // A typed partial write: only these fields are sent; `null` clears a field.
//! CallLog::patch()
//!     .set(CallLog::FIELD.call_duration_in_seconds, 597)
//!     .null(CallLog::FIELD.subject)
//!     .upsert(&client, CallLog::FIELD.uuid, call.uuid.clone())
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! # Where things are
//!
//! | module | what it holds |
//! |---|---|
//! | [`client`] | [`Client`], its builder, upsert keys and outcomes, write policies, raw requests |
//! | [`auth`] | token providers (JWT bearer, client credentials, refresh token, CLI, ...), [`auth::Secret`] |
//! | [`sobject`] | the [`SObject`] trait and derive, typed [`Patch`]es, [`Record`] |
//! | [`types`] | Salesforce value types: [`Id`], [`DateTime`], [`Date`], [`Time`], [`Field`] |
//! | [`error`] | [`Error`], [`Result`], error codes, [`error::Chain`] to print an error with its causes |
//! | [`describe`] | the describe model (`/sobjects/<name>/describe` and the global describe) |
//! | [`bulk`] | Bulk API 2.0 ingest and query jobs |
//! | [`executor`] | the keyed single-flight executor behind [`Client::upsert`] |
//! | `emulator` | (feature `emulator`) an embedded Salesforce on loopback for tests |
//!
//! # Features
//!
//! - `derive` (default): `#[derive(SObject)]`.
//! - `rustls` (default): TLS through rustls. `native-tls` uses the platform's TLS instead
//!   (`default-features = false, features = ["derive", "native-tls"]`).
//! - `emulator`: `sforce::emulator`, the embedded Salesforce emulator, for your tests
//!   (typically `sforce = { version = "..", features = ["emulator"] }` under
//!   `[dev-dependencies]`). It is not part of the default build: production binaries carry no
//!   HTTP server and no test key.
#![warn(missing_docs)]

pub mod client {
    //! The REST client: [`Client`], its [`ClientBuilder`], upserts through the write executor,
    //! CRUD, describes, limits, and raw requests.
    pub use sforce_core::client::collections::{
        DEFAULT_MAX_REQUEST_BYTES, MAX_COLLECTION_RECORDS, MAX_RETRIEVE_IDS,
    };
    pub use sforce_core::client::{
        ApiUsage, BatchPolicy, Client, ClientBuilder, CollectionOptions, CreateOutcome,
        DEFAULT_API_VERSION, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_IN_FLIGHT, DEFAULT_TIMEOUT,
        MAX_PATH_BYTES, MAX_SUBREQUESTS, Method, PerAppUsage, RawRequest, RawResponse,
        RecordOutcome, RecordResult, RequestStats, RetryBudget, RetryPolicy, RetryReason,
        SubResponse, Subrequest, UpsertKey, UpsertOutcome, WritePolicy, WriteStats, encode_segment,
    };
}

pub mod query {
    //! SOQL queries: typed selects with type-checked filters, raw SOQL with binds, and streams
    //! of results across pages.
    pub use sforce_core::query::{
        Attributes, Column, Condition, Like, LiteralError, OrderBy, Ordered, QueryResult,
        QueryStream, Select, Soql, SoqlTemplate, SoqlValue, Text, WithAttributes, to_soql,
        write_text,
    };
}

pub mod bulk {
    //! Bulk API 2.0: ingest jobs ([`Load`]) and query jobs ([`QueryJob`]), typed and streamed.
    pub use sforce_core::bulk::{
        Bulk, DEFAULT_MAX_RECORDS, DEFAULT_MAX_UPLOAD_BYTES, IngestOperation, JobInfo, JobState,
        Load, LoadOutcome, LoadReport, LoadResult, PollPolicy, ProgressEvent, QueryJob,
        QueryOperation, ResultFile,
    };

    pub mod csv {
        //! The CSV dialect of Bulk API 2.0 jobs.
        pub use sforce_core::bulk::csv::{NULL_CELL, parse_error_cell};
    }
}

pub mod auth {
    //! Authentication: access tokens, the providers that obtain them, and the [`Session`] that
    //! caches and refreshes them (configured through
    //! [`ClientBuilder`](crate::client::ClientBuilder)).
    pub use sforce_core::auth::{
        AccessToken, AuthError, ClientCredentials, ClientCredentialsBuilder,
        DEFAULT_FAILURE_COOLDOWN, DEFAULT_REFRESH_MARGIN, EnvAuth, JwtBearer, JwtBearerBuilder,
        PRODUCTION_LOGIN_URL, RefreshToken, RefreshTokenBuilder, SANDBOX_LOGIN_URL, Secret,
        Session, SessionPolicy, SfCli, StaticToken, TOKEN_PATH, TokenProvider, UsernamePassword,
        UsernamePasswordBuilder, from_env, from_lookup,
    };
    /// The `reqwest` sforce is built with: [`TokenProvider::fetch`] takes its
    /// [`reqwest::Client`], so implement custom providers against this re-export.
    pub use sforce_core::reqwest;
}

pub mod sobject {
    //! Typed sObjects: the [`SObject`] trait (implemented by `#[derive(SObject)]`), typed
    //! field tokens, typed partial writes ([`Patch`]) and [`Record`] for decoding with serde.
    pub use sforce_core::sobject::{
        DecodeError, EncodeError, ExternalIdRef, ExternalIdValue, FieldMeta, FieldRef, Patch,
        Record, RecordReader, SObject, WriteBody,
    };
    /// `#[derive(SObject)]`: see the [crate docs](crate) for an example.
    #[cfg(feature = "derive")]
    pub use sforce_derive::SObject;
}

pub mod types {
    //! Salesforce value types: [`Id`] (15 or 18 characters, both forms of one record equal),
    //! [`DateTime`], [`Date`], [`Time`], and [`Field`] for "unchanged / null / set" in writes.
    pub use sforce_core::types::{
        Address, Base64Blob, Date, DateTime, Field, Geolocation, Id, InvalidDateTime, InvalidId,
        JsonValue, MultiPicklist, NumberKey, Picklist, Time,
    };
    /// `#[derive(Picklist)]`: a picklist enum with a fallback variant for unknown values.
    #[cfg(feature = "derive")]
    pub use sforce_derive::Picklist;
}

pub mod error {
    //! [`Error`], the one error type, with its parts and classification helpers.
    //!
    //! Errors that wrap another return it from [`source()`](std::error::Error::source) and do
    //! not repeat it in their `Display`; print an error with its causes with [`Chain`].
    pub use sforce_core::auth::AuthError;
    pub use sforce_core::error::{
        ApiErrorItem, Chain, ConfigError, DuplicateValue, Error, ErrorCode, ExecutorFailure,
        MAX_MESSAGE_CHARS, RequestContext, Result, RetryClass, SharedSource,
    };
}

pub mod describe {
    //! The describe model: what `GET /sobjects/<name>/describe` and the global describe return,
    //! as read by [`Client::describe`](crate::Client::describe), the emulator and codegen.
    pub use sforce_core::describe::read;
    pub use sforce_core::describe::{
        ChildRelationship, FieldDescribe, FieldType, GlobalDescribe, GlobalSObject, PicklistEntry,
        RecordTypeInfo, SObjectDescribe, SObjectProperties,
    };
}

pub mod executor {
    //! The keyed single-flight executor behind [`Client::upsert`](crate::Client::upsert),
    //! usable for any keyed operation. Its contract is documented on [`Executor`].
    pub use sforce_core::executor::{
        Completion, DEFAULT_MAX_MERGED_WRITES, Executor, ExecutorFailure, ExecutorStats, Merge,
        Operation, Policy, Reply, Submitted,
    };
}

#[cfg(feature = "emulator")]
pub mod emulator {
    //! The embedded Salesforce emulator (real HTTP on loopback), for tests and examples.
    //! Feature `emulator`.
    pub use sforce_emulator::{
        DEFAULT_COMMIT_LATENCY, DEFAULT_MAX_API_VERSION, DEFAULT_TOKEN, Emulator, EmulatorBuilder,
        EmulatorError, Failure, FailureAction, LoggedRequest, OAuthConfig, builtin_describes,
    };

    pub mod oauth {
        //! The emulator's OAuth token endpoint: its default credentials and the **test-only**
        //! JWT key pair (public; it protects nothing).
        pub use sforce_emulator::oauth::{
            DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PASSWORD, DEFAULT_REFRESH_TOKEN,
            DEFAULT_TOKEN_LIFETIME, DEFAULT_USERNAME, OAuthConfig, TEST_PRIVATE_KEY_PEM,
            TEST_PUBLIC_KEY_PEM,
        };
    }
}

pub use client::{Client, ClientBuilder, UpsertKey, UpsertOutcome};
pub use error::{Error, ErrorCode, Result};
pub use sobject::{Patch, Record, SObject};
pub use types::{Date, DateTime, Field, Id, Picklist, Time};

/// `soql!`: a SOQL statement with typed binds; see [`query::Soql`].
pub use sforce_core::soql;

/// Items the code generated by `#[derive(SObject)]` refers to. Not public API.
///
/// Versioned: the derive names `__private::v1`, so a derive and a runtime that disagree on
/// what generated code may use fail to compile instead of misbehaving.
#[doc(hidden)]
pub mod __private {
    /// Version 1 of the generated-code interface.
    pub mod v1 {
        /// serde itself, for the impls in code generated by sforce-codegen.
        pub use serde;
        pub use serde::Serialize;
        pub use serde::de::DeserializeOwned;
        pub use serde_json;
        pub use sforce_core::client::{Client, UpsertOutcome};
        pub use sforce_core::error::Result;
        pub use sforce_core::query::{
            LiteralError, Select, SoqlValue, write_text as write_soql_text,
        };
        pub use sforce_core::sobject::{
            DecodeError, ExternalIdRef, ExternalIdValue, FieldMeta, FieldRef, Patch, ReadOnlyRef,
            RecordReader, SObject, WriteBody, get_by_external_id, get_by_id, upsert,
        };
        pub use sforce_core::types::Id;
        pub use sforce_core::types::Picklist;
        pub use sforce_core::types::picklist::{
            deserialize as deserialize_picklist, serialize as serialize_picklist,
        };
    }
}

/// The README's code blocks, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
