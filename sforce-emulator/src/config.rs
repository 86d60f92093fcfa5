//! Configuration: [`EmulatorBuilder`] and [`EmulatorError`].

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sforce_core::describe::SObjectDescribe;

use crate::Emulator;

/// The token accepted by default.
pub const DEFAULT_TOKEN: &str = "00D000000000001!emulator-token";
/// The default time between an upsert's lookup and its commit.
pub const DEFAULT_COMMIT_LATENCY: Duration = Duration::from_millis(200);
/// The newest API version served by default (`v62.0`).
pub const DEFAULT_MAX_API_VERSION: u32 = 62;

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A describe file could not be read.
    #[error("cannot read describe file {path}")]
    ReadDescribe {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A describe file is not describe JSON.
    #[error("describe file {path} is not a valid sObject describe")]
    ParseDescribe {
        /// The file.
        path: PathBuf,
        /// What is wrong, and where.
        #[source]
        source: sforce_model::describe::read::ReadError,
    },
    /// The emulator refused a record given to [`Emulator::insert_record`].
    #[error("record rejected: {code}: {message}")]
    Rejected {
        /// Salesforce error code, e.g. `DUPLICATE_VALUE`.
        code: String,
        /// Salesforce error message.
        message: String,
    },
    /// The configuration is inconsistent.
    #[error("invalid emulator configuration: {0}")]
    Config(String),
}

/// Configures and starts an [`Emulator`].
///
/// ```no_run
/// # async fn demo() -> Result<(), sforce_emulator::EmulatorError> {
/// use std::time::Duration;
/// let emu = sforce_emulator::Emulator::builder()
///     .commit_latency(Duration::from_millis(50))
///     .token("my-test-token")
///     .describe_file("describes/Invoice__c.json")
///     .start()
///     .await?;
/// println!("{} {}", emu.url(), emu.token());
/// # Ok(()) }
/// ```
#[derive(Clone)]
#[must_use]
pub struct EmulatorBuilder {
    pub(crate) addr: SocketAddr,
    pub(crate) token: String,
    pub(crate) commit_latency: Duration,
    pub(crate) builtins: bool,
    pub(crate) describes: Vec<SObjectDescribe>,
    pub(crate) describe_files: Vec<PathBuf>,
    pub(crate) max_api_version: u32,
    pub(crate) api_limit: u64,
    pub(crate) oauth: crate::oauth::OAuthConfig,
    pub(crate) bulk: crate::bulk::BulkConfig,
    pub(crate) max_body_bytes: usize,
    pub(crate) request_log_capacity: usize,
    pub(crate) max_logged_body: usize,
}

impl std::fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("addr", &self.addr)
            .field("token", &"[redacted]")
            .field("commit_latency", &self.commit_latency)
            .field("builtins", &self.builtins)
            .field(
                "describes",
                &self.describes.iter().map(|d| &d.name).collect::<Vec<_>>(),
            )
            .field("describe_files", &self.describe_files)
            .field("max_api_version", &self.max_api_version)
            .field("oauth", &self.oauth)
            .finish()
    }
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            token: DEFAULT_TOKEN.to_owned(),
            commit_latency: DEFAULT_COMMIT_LATENCY,
            builtins: true,
            describes: Vec::new(),
            describe_files: Vec::new(),
            max_api_version: DEFAULT_MAX_API_VERSION,
            api_limit: 15_000,
            oauth: crate::oauth::OAuthConfig::default(),
            bulk: crate::bulk::BulkConfig::default(),
            max_body_bytes: crate::intake::DEFAULT_MAX_BODY_BYTES,
            request_log_capacity: crate::observe::DEFAULT_REQUEST_LOG_CAPACITY,
            max_logged_body: crate::intake::DEFAULT_MAX_LOGGED_BODY,
        }
    }
}

impl EmulatorBuilder {
    /// Time between an upsert's lookup and its commit (default 200 ms). Zero closes the race
    /// window (lookup and commit still are separate steps).
    pub fn commit_latency(mut self, latency: Duration) -> Self {
        self.commit_latency = latency;
        self
    }

    /// Largest request body accepted (default
    /// [`DEFAULT_MAX_BODY_BYTES`](crate::DEFAULT_MAX_BODY_BYTES)). Checked after the bearer
    /// token, while reading; a larger body is answered 413 with a JSON error body.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// How many requests the request log keeps (default
    /// [`DEFAULT_REQUEST_LOG_CAPACITY`](crate::DEFAULT_REQUEST_LOG_CAPACITY)); older entries are
    /// dropped, [`Emulator::request_count`](crate::Emulator::request_count) still counts them.
    pub fn request_log_capacity(mut self, entries: usize) -> Self {
        self.request_log_capacity = entries;
        self
    }

    /// Longest body text the request log keeps per request (default 16 KiB); longer bodies
    /// are cut and say so. Raise it to inspect whole collection requests.
    pub fn max_logged_body(mut self, bytes: usize) -> Self {
        self.max_logged_body = bytes;
        self
    }

    /// The bearer token to accept (default [`DEFAULT_TOKEN`]).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = token.into();
        self
    }

    /// Listen on this port of 127.0.0.1 (default: an ephemeral port).
    pub fn port(mut self, port: u16) -> Self {
        self.addr.set_port(port);
        self
    }

    /// Listen on this address (default 127.0.0.1:0).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Add (or replace, by name) an sObject.
    pub fn describe(mut self, describe: SObjectDescribe) -> Self {
        self.describes.push(describe);
        self
    }

    /// Add (or replace, by name) an sObject from a describe JSON file (the body of
    /// `GET /sobjects/{name}/describe`). Read when the emulator starts.
    pub fn describe_file(mut self, path: impl AsRef<Path>) -> Self {
        self.describe_files.push(path.as_ref().to_owned());
        self
    }

    /// Leave out the built-in standard objects (Task, Account, Contact, Lead, Opportunity, Case,
    /// Event, User).
    pub fn without_builtin_describes(mut self) -> Self {
        self.builtins = false;
        self
    }

    /// The newest API version served (default 62, i.e. `v62.0`); versions 20.0 up to it work.
    pub fn max_api_version(mut self, major: u32) -> Self {
        self.max_api_version = major;
        self
    }

    /// The daily API request limit reported in `Sforce-Limit-Info` (default 15000).
    pub fn api_limit(mut self, limit: u64) -> Self {
        self.api_limit = limit;
        self
    }

    /// OAuth token endpoint settings: client id/secret, JWT public key, users, refresh tokens
    /// (and rotation), access token lifetime. See [`OAuthConfig`](crate::OAuthConfig).
    pub fn oauth(mut self, config: crate::oauth::OAuthConfig) -> Self {
        self.oauth = config;
        self
    }

    /// Bulk API 2.0 ingest jobs are processed in chunks of this many rows (default 2000).
    pub fn bulk_chunk_size(mut self, rows: usize) -> Self {
        self.bulk.chunk_size = rows.max(1);
        self
    }

    /// How many chunks of one bulk job are processed at once (default 4).
    pub fn bulk_parallelism(mut self, chunks: usize) -> Self {
        self.bulk.parallelism = chunks.max(1);
        self
    }

    /// A wait before each bulk chunk (and before a query job is evaluated): the processing
    /// speed (default zero). See also [`Emulator::set_bulk_chunk_delay`].
    pub fn bulk_chunk_delay(mut self, delay: Duration) -> Self {
        self.bulk.chunk_delay = delay;
        self
    }

    /// Starts the emulator on the current tokio runtime.
    pub async fn start(self) -> Result<Emulator, EmulatorError> {
        Emulator::start_with(self).await
    }

    /// Every describe to serve: built-ins, then `describe(..)` values, then files.
    pub(crate) fn load_describes(&self) -> Result<Vec<SObjectDescribe>, EmulatorError> {
        if self.max_api_version < crate::state::MIN_API_VERSION {
            return Err(EmulatorError::Config(format!(
                "max_api_version {} is below the oldest served version 20",
                self.max_api_version
            )));
        }
        let mut all = if self.builtins {
            crate::schema::builtin_describes()
        } else {
            Vec::new()
        };
        all.extend(self.describes.iter().cloned());
        for path in &self.describe_files {
            let bytes = std::fs::read(path).map_err(|source| EmulatorError::ReadDescribe {
                path: path.clone(),
                source,
            })?;
            let describe = sforce_model::describe::read::describe(&bytes).map_err(|source| {
                EmulatorError::ParseDescribe {
                    path: path.clone(),
                    source,
                }
            })?;
            all.push(describe);
        }
        Ok(all)
    }
}
