//! The running emulator: its address and token, runtime knobs, and the inspection API for tests.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};
use sforce_core::describe::SObjectDescribe;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::{EmulatorBuilder, EmulatorError};
use crate::failure::Failure;
use crate::observe::LoggedRequest;
use crate::schema::Schema;
use crate::state::{Shared, State};
use crate::store::normalize;

/// An embedded Salesforce: a real HTTP server on loopback, serving the REST API from describe
/// JSON, with Salesforce's upsert race. Stops when dropped.
///
/// ```no_run
/// # async fn demo() -> Result<(), sforce_emulator::EmulatorError> {
/// let emu = sforce_emulator::Emulator::start().await?;
/// // Point any Salesforce client at emu.url() with bearer token emu.token().
/// assert!(emu.url().starts_with("http://127.0.0.1:"));
/// # Ok(()) }
/// ```
pub struct Emulator {
    state: Shared,
    addr: SocketAddr,
    url: String,
    token: String,
    shutdown: watch::Sender<bool>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("url", &self.url)
            .field("token", &"[redacted]")
            .field("commit_latency", &self.commit_latency())
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Starts an emulator with the defaults: the built-in standard objects (see
    /// [`builtin_describes`](crate::builtin_describes)), commit latency 200 ms,
    /// token [`DEFAULT_TOKEN`](crate::DEFAULT_TOKEN), API versions 20.0 to 62.0, an ephemeral
    /// port on 127.0.0.1.
    pub async fn start() -> Result<Emulator, EmulatorError> {
        Self::builder().start().await
    }

    /// A builder for a configured emulator.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    pub(crate) async fn start_with(config: EmulatorBuilder) -> Result<Emulator, EmulatorError> {
        let schema = Schema::new(config.load_describes()?);
        let mut state = State::new(
            schema,
            config.commit_latency,
            config.max_api_version,
            config.api_limit,
        );
        state.max_body_bytes = config.max_body_bytes;
        state.log = crate::observe::RequestLog::with_capacity(config.request_log_capacity);
        let state = Arc::new(state);
        state.tokens.add(config.token.clone(), None);
        state.oauth.configure(config.oauth.clone());
        crate::fill::seed_running_user(&state);
        let bulk = config.bulk;
        state.bulk.set_config(|c| *c = bulk);
        let listener =
            TcpListener::bind(config.addr)
                .await
                .map_err(|source| EmulatorError::Bind {
                    addr: config.addr,
                    source,
                })?;
        let addr = listener
            .local_addr()
            .map_err(|source| EmulatorError::Bind {
                addr: config.addr,
                source,
            })?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let app = crate::server::router(state.clone());
        tokio::spawn(crate::server::serve(listener, app, shutdown_rx));
        tracing::info!(%addr, "sforce-emulator listening");
        Ok(Emulator {
            state,
            addr,
            url: format!("http://{addr}"),
            token: config.token,
            shutdown,
        })
    }

    /// The shared state (used by `crate::oauth`).
    pub(crate) fn shared(&self) -> &Shared {
        &self.state
    }

    /// The base URL, e.g. `http://127.0.0.1:40123` (the "instance URL").
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The bearer token accepted since start.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Accept another bearer token, forever (`ttl` = `None`) or until `ttl` has passed.
    pub fn accept_token(&self, token: impl Into<String>, ttl: Option<Duration>) {
        self.state.tokens.add(token.into(), ttl);
    }

    /// Stop accepting a token (requests with it get 401 INVALID_SESSION_ID).
    pub fn revoke_token(&self, token: &str) {
        self.state.tokens.revoke(token);
    }

    /// The current commit latency.
    pub fn commit_latency(&self) -> Duration {
        self.state.commit_latency()
    }

    /// Change the commit latency; applies to upserts that start their commit wait afterwards.
    pub fn set_commit_latency(&self, latency: Duration) {
        self.state.set_commit_latency(latency);
    }

    /// The describe served for `sobject` (case-insensitive name).
    pub fn describe(&self, sobject: &str) -> Option<SObjectDescribe> {
        self.state.schema.get(sobject).map(|d| (**d).clone())
    }

    /// Every stored record of `sobject`, in creation order (empty for an unknown sObject).
    /// Records are maps of API name → value including `Id`; fields never set are absent.
    pub fn records(&self, sobject: &str) -> Vec<Map<String, Value>> {
        self.state
            .schema
            .get(sobject)
            .map(|d| self.state.store.all(d))
            .unwrap_or_default()
    }

    /// The deleted records of `sobject` (the recycle bin, which only `queryAll` answers
    /// from), in creation order, each with `IsDeleted: true`.
    pub fn deleted_records(&self, sobject: &str) -> Vec<Map<String, Value>> {
        self.state
            .schema
            .get(sobject)
            .map(|d| self.state.store.deleted(d))
            .unwrap_or_default()
    }

    /// The record with this Id (15 or 18 characters).
    pub fn record(&self, sobject: &str, id: &str) -> Option<Map<String, Value>> {
        let describe = self.state.schema.get(sobject)?;
        let id = crate::ids::parse_id(id)?;
        self.state.store.get(describe, &id)
    }

    /// The first record (in creation order) whose `field` matches `value` under the field's
    /// case sensitivity, as an upsert would match it.
    pub fn find_by_external_id(
        &self,
        sobject: &str,
        field: &str,
        value: &str,
    ) -> Option<Map<String, Value>> {
        self.find_all_by_external_id(sobject, field, value)
            .into_iter()
            .next()
    }

    /// Every record whose `field` matches `value` (several for a non-unique external ID).
    pub fn find_all_by_external_id(
        &self,
        sobject: &str,
        field: &str,
        value: &str,
    ) -> Vec<Map<String, Value>> {
        let Some(describe) = self.state.schema.get(sobject) else {
            return Vec::new();
        };
        let Some(field) = describe.field(field) else {
            return Vec::new();
        };
        let Some(key) = normalize(field, &Value::String(value.to_owned())) else {
            return Vec::new();
        };
        let store = &self.state.store;
        store
            .find(describe, field, &key)
            .iter()
            .filter_map(|id| store.get(describe, id))
            .collect()
    }

    /// Stores a record directly (test setup): values are checked and converted as on create,
    /// but read-only fields may be set, references are not checked against stored records, the
    /// unique index still applies, and there is no commit latency. Defaults, system fields,
    /// auto numbers and compound fields are filled as on create (values given win). Returns the
    /// new Id.
    pub fn insert_record(
        &self,
        sobject: &str,
        fields: Map<String, Value>,
    ) -> Result<String, EmulatorError> {
        let rejected = |e: crate::api_error::ApiError| EmulatorError::Rejected {
            code: e.code.to_owned(),
            message: e.message,
        };
        let describe = self
            .state
            .schema
            .get(sobject)
            .ok_or_else(|| EmulatorError::Config(format!("unknown sObject {sobject}")))?;
        let raw = serde_json::to_vec(&fields).expect("serializable");
        let changes = crate::validate::check_values(describe, &fields, &raw).map_err(rejected)?;
        let prefix = describe.properties.key_prefix.as_deref().unwrap_or("a00");
        crate::validate::check_required(describe, &changes).map_err(rejected)?;
        let id = self.state.ids.next(prefix);
        let record = crate::fill::new_record(
            &self.state,
            describe,
            &id,
            &changes,
            time::OffsetDateTime::now_utc(),
        );
        self.state
            .store
            .insert(describe, record)
            .map_err(|c| rejected(crate::api_error::ApiError::duplicate_value(&c.field, &c.id)))?;
        Ok(id)
    }

    /// Every request answered so far (method, path, query, status, body), in order.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.state.log.snapshot()
    }

    /// How many requests were answered (or dropped) so far.
    pub fn request_count(&self) -> usize {
        self.state.log.len()
    }

    /// How many logged requests had this method and a path containing `path_fragment`
    /// (raw or percent-decoded).
    pub fn request_count_matching(&self, method: &str, path_fragment: &str) -> usize {
        self.state
            .log
            .snapshot()
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method))
            .filter(|r| {
                r.path.contains(path_fragment)
                    || percent_encoding::percent_decode_str(&r.path)
                        .decode_utf8_lossy()
                        .contains(path_fragment)
            })
            .count()
    }

    /// Forget the request log.
    pub fn clear_request_log(&self) {
        self.state.log.clear();
    }

    /// The most upsert requests ever in flight at once for one key (sObject, field,
    /// normalized value). A client that never overlaps requests for one key keeps this at 1.
    pub fn max_in_flight_per_key(&self) -> usize {
        self.state.in_flight.max()
    }

    /// Reset [`Emulator::max_in_flight_per_key`] to 0.
    pub fn reset_max_in_flight(&self) {
        self.state.in_flight.reset();
    }

    /// Every request first waits a random time in `[0, max]` (default zero): a server whose
    /// latency varies, for soak tests. Applies to requests arriving afterwards.
    pub fn set_latency_jitter(&self, max: Duration) {
        let nanos = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX);
        self.state
            .latency_jitter_nanos
            .store(nanos, std::sync::atomic::Ordering::Relaxed);
    }

    /// The most requests (of any kind) ever handled at once: what a client's limit on requests
    /// in flight keeps low.
    pub fn max_requests_in_flight(&self) -> usize {
        self.state.concurrency.max()
    }

    /// Reset [`Emulator::max_requests_in_flight`] to the number in flight now.
    pub fn reset_max_requests_in_flight(&self) {
        self.state.concurrency.reset();
    }

    /// Inject a failure for upcoming requests (queued after earlier ones; the first matching
    /// failure applies).
    pub fn fail_next(&self, failure: Failure) {
        self.state.failures.push(failure);
    }

    /// Remove every pending injected failure.
    pub fn clear_failures(&self) {
        self.state.failures.clear();
    }

    /// API requests counted so far (what `Sforce-Limit-Info` reports).
    pub fn api_usage(&self) -> u64 {
        self.state
            .api_usage
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Change the wait before each Bulk API chunk; applies to chunks that start afterwards.
    pub fn set_bulk_chunk_delay(&self, delay: Duration) {
        self.state.bulk.set_config(|c| c.chunk_delay = delay);
    }

    /// The info of every Bulk API 2.0 job (ingest and query, not deleted), oldest first, as
    /// `GET /jobs/{ingest|query}/{id}` answers it.
    pub fn bulk_jobs(&self) -> Vec<Value> {
        self.state.bulk.all().iter().map(|j| j.info(true)).collect()
    }

    /// Stops the server and closes open connections (also done on drop).
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

#[cfg(test)]
mod tests {
    fn send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn public_types_are_send_and_sync() {
        send_sync::<super::Emulator>();
        send_sync::<crate::EmulatorBuilder>();
        send_sync::<crate::Failure>();
        send_sync::<crate::LoggedRequest>();
    }
}
