//! The Salesforce REST client.
//!
//! [`Client`] is built with [`Client::builder`] (or [`Client::from_env`]) and is cheap to clone:
//! clones share one connection pool, one credential cache and one API-usage record.
//!
//! Operations:
//! - records: [`Client::upsert`] / [`Client::upsert_raw`] by external ID ([`UpsertKey`]),
//!   [`Client::create`], [`Client::get`], [`Client::get_by_external_id`], [`Client::update`],
//!   [`Client::delete`];
//! - many records per request ([`collections`]): [`Client::create_all`], [`Client::update_all`],
//!   [`Client::upsert_all`], [`Client::delete_all`], [`Client::retrieve_all`], and typed
//!   [`Client::upsert_records`], [`Client::upsert_patches`], [`Client::create_records`],
//!   [`Client::retrieve_records`];
//! - [`Client::composite`]: up to 25 subrequests in one request (untyped);
//! - metadata: [`Client::describe`], [`Client::describe_global`];
//! - anything else: [`Client::request`], a raw request under the same authentication, error
//!   handling, limit tracking and tracing;
//! - [`Client::api_usage`]: the last `Sforce-Limit-Info` seen.
//!
//! Every request runs in a `tracing` span `sforce.request` with `method`, `path`, `status` and
//! `duration_ms`. The access token never appears in `Debug` output, logs or errors.

mod batch;
mod builder;
pub mod collections;
mod composite;
mod describe;
mod key;
mod limits;
pub(crate) mod path;
pub(crate) mod pipeline;
mod raw;
pub(crate) mod request;
mod sobjects;
mod upsert;
mod write;

use std::fmt;
use std::sync::{Arc, Mutex};

pub use batch::BatchPolicy;
pub use builder::{ClientBuilder, DEFAULT_API_VERSION, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
pub use collections::{CollectionOptions, RecordOutcome, RecordResult};
pub use composite::{MAX_SUBREQUESTS, SubResponse, Subrequest};
pub use key::UpsertKey;
pub use limits::{ApiUsage, PerAppUsage};
pub use path::{MAX_PATH_BYTES, encode_segment};
pub use pipeline::{DEFAULT_MAX_IN_FLIGHT, RequestStats, RetryBudget, RetryPolicy, RetryReason};
pub use raw::{RawRequest, RawResponse};
pub use reqwest::Method;
pub use sobjects::CreateOutcome;
pub use upsert::UpsertOutcome;
pub use write::{WritePolicy, WriteStats};

use crate::auth::Session;
use crate::error::Result;

/// A Salesforce REST API client. Cheap to [`Clone`]; clones share all state.
///
/// ```no_run
/// # async fn run() -> sforce_core::error::Result<()> {
/// use sforce_core::client::{Client, UpsertKey};
/// let client = Client::from_env()?;
/// let key = UpsertKey::new("Task", "uuid__c", "a22ac4d6-e2c0-4e53-898d-ea1d0c807775");
/// let outcome = client
///     .upsert(&key, &serde_json::json!({"Subject": "Call", "Status": "Completed"}))
///     .await?;
/// println!("{} created={}", outcome.id(), outcome.created());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// Configured instance URL, without a trailing slash. `None`: taken from the token.
    instance_url: Option<String>,
    /// The instance URL last reported with a token (used when none is configured).
    discovered_instance_url: Mutex<Option<String>>,
    /// Without the leading `v`, e.g. `62.0`.
    api_version: String,
    user_agent: String,
    session: Session,
    api_usage: Mutex<Option<ApiUsage>>,
    /// Replaces the client's secrets in everything that leaves it (see `crate::redact`).
    redactor: Arc<crate::redact::Redactor>,
    /// The request pipeline every request goes through (limit, retry policy, budget, stats).
    pipeline: pipeline::Pipeline,
    /// The write executor behind [`Client::upsert`] (see `write.rs`).
    writes: write::Writes,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("instance_url", &self.instance_url())
            .field("api_version", &self.inner.api_version)
            .field("user_agent", &self.inner.user_agent)
            .field("token_provider", &self.inner.session.provider().kind())
            .field("access_token", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A [`ClientBuilder`] with defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from the environment: `SF_INSTANCE_URL`, `SF_ACCESS_TOKEN` (or the
    /// variables of an OAuth flow, see [`crate::auth::from_env`]) and, optionally,
    /// `SF_API_VERSION`. See [`ClientBuilder::from_env`].
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_env()?.build()
    }

    /// The instance URL (without a trailing slash): the configured one, or else the one last
    /// reported with a token (`None` before the first token when none is configured).
    pub fn instance_url(&self) -> Option<String> {
        self.inner
            .instance_url
            .clone()
            .or_else(|| lock(&self.inner.discovered_instance_url).clone())
    }

    /// The session caching this client's tokens (shared by its clones).
    pub fn session(&self) -> &Session {
        &self.inner.session
    }

    /// The REST API version in use, e.g. `"62.0"`.
    pub fn api_version(&self) -> &str {
        &self.inner.api_version
    }

    /// The org's API usage from the last `Sforce-Limit-Info` header received by this client or
    /// any of its clones; `None` before the first response carrying one.
    pub fn api_usage(&self) -> Option<ApiUsage> {
        lock(&self.inner.api_usage).clone()
    }
}

/// Locks a mutex guarding plain data (never held across an `.await`); a panic elsewhere cannot
/// leave that data inconsistent, so poisoning is ignored.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
