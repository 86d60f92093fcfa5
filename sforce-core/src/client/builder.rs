//! [`ClientBuilder`]: configuration of a [`Client`].

use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use url::{Host, Url};

use super::pipeline::{DEFAULT_MAX_IN_FLIGHT, Pipeline};
use super::{Client, Inner, RetryBudget, RetryPolicy, WritePolicy};
use crate::auth::{Secret, Session, SessionPolicy, StaticToken, TokenProvider};
use crate::error::{ConfigError, Result};

/// The API version used when none is configured.
pub const DEFAULT_API_VERSION: &str = "62.0";
/// Default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole request (connect, send, receive the body).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Builds a [`Client`]. Obtain one with [`Client::builder`].
///
/// ```no_run
/// # fn main() -> sforce_core::error::Result<()> {
/// use std::time::Duration;
/// let client = sforce_core::client::Client::builder()
///     .instance_url("https://example.my.salesforce.com")
///     .access_token("00D...!AQ...")
///     .api_version("62.0")
///     .timeout(Duration::from_secs(30))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
#[must_use]
pub struct ClientBuilder {
    instance_url: Option<String>,
    access_token: Option<Secret>,
    token_provider: Option<Arc<dyn TokenProvider>>,
    api_version: String,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    write_policy: WritePolicy,
    session_policy: SessionPolicy,
    max_in_flight: usize,
    retry_policy: RetryPolicy,
    retry_budget: RetryBudget,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("instance_url", &self.instance_url)
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| "[redacted]"),
            )
            .field(
                "token_provider",
                &self.token_provider.as_ref().map(|p| p.kind()),
            )
            .field("api_version", &self.api_version)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("write_policy", &self.write_policy)
            .field("session_policy", &self.session_policy)
            .field("max_in_flight", &self.max_in_flight)
            .field("retry_policy", &self.retry_policy)
            .field("retry_budget", &self.retry_budget)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            instance_url: None,
            access_token: None,
            token_provider: None,
            api_version: DEFAULT_API_VERSION.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: concat!("sforce/", env!("CARGO_PKG_VERSION")).to_owned(),
            write_policy: WritePolicy::default(),
            session_policy: SessionPolicy::default(),
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            retry_policy: RetryPolicy::default(),
            retry_budget: RetryBudget::default(),
        }
    }
}

impl ClientBuilder {
    /// A builder with defaults: API version [`DEFAULT_API_VERSION`], timeouts
    /// [`DEFAULT_TIMEOUT`] and [`DEFAULT_CONNECT_TIMEOUT`], user agent `sforce/<version>`.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder filled from the environment: the token provider chosen by
    /// [`crate::auth::from_env`] (`SF_ACCESS_TOKEN` for a fixed token, or the variables of an
    /// OAuth flow), `SF_INSTANCE_URL` (required with a fixed token; OAuth flows report it with
    /// the token), and `SF_API_VERSION` (optional). Other settings can still be changed.
    pub fn from_env() -> Result<Self> {
        let auth = crate::auth::from_env()?;
        let mut builder = Self::new();
        match auth.instance_url() {
            Some(url) => builder = builder.instance_url(url),
            None if !auth.provider().can_refresh() => {
                return Err(ConfigError::MissingEnv {
                    name: "SF_INSTANCE_URL".to_owned(),
                }
                .into());
            }
            None => {}
        }
        builder = builder.shared_token_provider(auth.into_provider());
        if let Some(version) = read_env("SF_API_VERSION") {
            builder = builder.api_version(version);
        }
        Ok(builder)
    }

    /// The org's instance URL, e.g. `https://example.my.salesforce.com`. Must be `https://`;
    /// plain `http://` is accepted only for loopback hosts (`127.0.0.0/8`, `::1`, `localhost`),
    /// e.g. the embedded emulator.
    pub fn instance_url(mut self, url: impl Into<String>) -> Self {
        self.instance_url = Some(url.into());
        self
    }

    /// A fixed OAuth access token (session id), sent as `Authorization: Bearer`. It cannot be
    /// refreshed: a 401 `INVALID_SESSION_ID` is returned as the error it is. Replaces any
    /// [`token_provider`](Self::token_provider).
    pub fn access_token(mut self, token: impl Into<Secret>) -> Self {
        self.access_token = Some(token.into());
        self.token_provider = None;
        self
    }

    /// Obtains tokens from `provider` (JWT bearer, refresh token, ... see [`crate::auth`]).
    /// Tokens are cached in a [`Session`]; when Salesforce answers 401 `INVALID_SESSION_ID` the
    /// token is refreshed (one fetch shared by all concurrent requests) and the request is sent
    /// once more. Without an [`instance_url`](Self::instance_url), the instance URL the token
    /// endpoint reports is used. Replaces any [`access_token`](Self::access_token).
    pub fn token_provider(self, provider: impl TokenProvider) -> Self {
        self.shared_token_provider(Arc::new(provider))
    }

    /// As [`token_provider`](Self::token_provider), for a provider already behind an `Arc`
    /// (e.g. from [`crate::auth::from_env`]).
    pub fn shared_token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.token_provider = Some(provider);
        self.access_token = None;
        self
    }

    /// The REST API version, e.g. `"62.0"` (a leading `v` is accepted). Default
    /// [`DEFAULT_API_VERSION`]. Versions 45.0 and older answer an upsert that updates with 204
    /// and no body; the client then looks the Id up (see [`Client::upsert`]).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// Time allowed for a whole request: connecting, sending, and receiving the full response.
    /// Default [`DEFAULT_TIMEOUT`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to establish a connection. Default [`DEFAULT_CONNECT_TIMEOUT`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header. Default `sforce/<version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// How [`Client::upsert`] coalesces writes to one record (see [`WritePolicy`]). Default:
    /// merge waiting writes, at most
    /// [`DEFAULT_MAX_MERGED_WRITES`](crate::executor::DEFAULT_MAX_MERGED_WRITES) per request.
    pub fn write_policy(mut self, policy: WritePolicy) -> Self {
        self.write_policy = policy;
        self
    }

    /// How the client's session refreshes its token: how long before a known expiry, and
    /// how long a refusal from the token endpoint is reported again without a new token
    /// request (see [`SessionPolicy`]; default [`SessionPolicy::default`]).
    pub fn session_policy(mut self, policy: SessionPolicy) -> Self {
        self.session_policy = policy;
        self
    }

    /// The most requests this client and its clones send at once (at least 1). Default
    /// [`DEFAULT_MAX_IN_FLIGHT`] (64). Further requests wait, first come first served, and
    /// upserts waiting for their turn keep merging with later writes to the same record, so a
    /// flood of writes becomes fewer, larger requests rather than errors. The connection pool
    /// keeps at most this many idle connections, so the limit also bounds open connections.
    pub fn max_in_flight(mut self, limit: usize) -> Self {
        self.max_in_flight = limit.max(1);
        self
    }

    /// How requests are retried after transient failures (see [`RetryPolicy`]; default
    /// [`RetryPolicy::default`]). [`RetryPolicy::disabled`] sends every request once.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// The retry budget shared by this client and its clones (see [`RetryBudget`]; default
    /// [`RetryBudget::default`]).
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.retry_budget = budget;
        self
    }

    /// Validates the configuration and builds the client.
    ///
    /// Fails with [`Error::Config`](crate::error::Error::Config) when the token is missing, the
    /// instance URL is missing (allowed with a token provider, whose tokens report it), the URL is not `https://` (or `http://` to a loopback host), contains
    /// credentials, a query or a fragment, or the API version is malformed.
    pub fn build(self) -> Result<Client> {
        let instance_url = self
            .instance_url
            .as_deref()
            .map(check_instance_url)
            .transpose()?;
        let provider: Arc<dyn TokenProvider> = match (self.access_token, self.token_provider) {
            (_, Some(provider)) => provider,
            (Some(token), None) if !token.expose().trim().is_empty() => {
                if instance_url.is_none() {
                    return Err(ConfigError::MissingInstanceUrl.into());
                }
                Arc::new(StaticToken::new(token))
            }
            _ => return Err(ConfigError::MissingToken.into()),
        };
        let api_version = check_api_version(&self.api_version)?;
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent.clone())
            // The REST API does not redirect; never carry the token elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            // Requests in flight are bounded by the pipeline's limit; idle connections too.
            .pool_max_idle_per_host(self.max_in_flight)
            .build()
            .map_err(|err| ConfigError::HttpClient {
                message: err.to_string(),
            })?;
        let redactor = Arc::new(crate::redact::Redactor::new(Arc::clone(&provider)));
        let pipeline = Pipeline::new(self.max_in_flight, self.retry_policy, self.retry_budget);
        let writes =
            super::write::Writes::new(&self.write_policy, &api_version, pipeline.limiter());
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                instance_url,
                api_version,
                user_agent: self.user_agent,
                session: Session::with_policy(provider, self.session_policy),
                discovered_instance_url: Mutex::new(None),
                api_usage: Mutex::new(None),
                redactor,
                pipeline,
                writes,
            }),
        })
    }
}

fn read_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `"62.0"` or `"v62.0"` → `"62.0"`.
fn check_api_version(value: &str) -> Result<String, ConfigError> {
    let trimmed = value.trim();
    let version = trimmed.strip_prefix(['v', 'V']).unwrap_or(trimmed);
    let valid = version.split_once('.').is_some_and(|(major, minor)| {
        !major.is_empty()
            && !minor.is_empty()
            && major.bytes().all(|b| b.is_ascii_digit())
            && minor.bytes().all(|b| b.is_ascii_digit())
    });
    if valid {
        Ok(version.to_owned())
    } else {
        Err(ConfigError::InvalidApiVersion {
            value: value.to_owned(),
        })
    }
}

/// Validates the instance URL and returns it without a trailing slash.
pub(crate) fn check_instance_url(raw: &str) -> Result<String, ConfigError> {
    let invalid = |shown: &str, reason: &str| ConfigError::InvalidUrl {
        url: shown.to_owned(),
        reason: reason.to_owned(),
    };
    let url = Url::parse(raw.trim()).map_err(|err| {
        // Do not echo anything that might be userinfo.
        let shown = raw.rsplit_once('@').map_or(raw, |(_, host)| host);
        invalid(shown, &err.to_string())
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        let mut shown = url.clone();
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        return Err(invalid(shown.as_str(), "must not contain credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(url.as_str(), "must not have a query or fragment"));
    }
    let Some(host) = url.host() else {
        return Err(invalid(url.as_str(), "has no host"));
    };
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => {
            return Err(ConfigError::InsecureHttp {
                url: url.as_str().to_owned(),
            });
        }
        other => {
            return Err(invalid(
                url.as_str(),
                &format!("unsupported scheme {other:?} (use https)"),
            ));
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => {
            IpAddr::V6(*ip).is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_https_and_loopback_http() {
        for (raw, expected) in [
            ("https://x.my.salesforce.com", "https://x.my.salesforce.com"),
            (
                "https://x.my.salesforce.com/",
                "https://x.my.salesforce.com",
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://127.9.9.9:1/", "http://127.9.9.9:1"),
            ("http://[::1]:8080", "http://[::1]:8080"),
            ("http://localhost:3000", "http://localhost:3000"),
            ("http://LOCALHOST", "http://localhost"),
        ] {
            assert_eq!(check_instance_url(raw).unwrap(), expected, "{raw}");
        }
    }

    #[test]
    fn refuses_plain_http_elsewhere() {
        for raw in [
            "http://x.my.salesforce.com",
            "http://10.0.0.1",
            "http://128.0.0.1",
            "http://[::2]",
            "http://localhost.evil.com",
            "http://0.0.0.0",
        ] {
            assert!(
                matches!(
                    check_instance_url(raw),
                    Err(ConfigError::InsecureHttp { .. })
                ),
                "{raw}"
            );
        }
    }

    #[test]
    fn refuses_malformed() {
        for raw in [
            "x.my.salesforce.com",
            "ftp://x",
            "https://x?y=1",
            "https://x#frag",
            "",
        ] {
            assert!(
                matches!(check_instance_url(raw), Err(ConfigError::InvalidUrl { .. })),
                "{raw}"
            );
        }
        let err = check_instance_url("https://user:hunter2@x.com").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn api_versions() {
        assert_eq!(check_api_version("62.0").unwrap(), "62.0");
        assert_eq!(check_api_version("v45.0").unwrap(), "45.0");
        for bad in ["62", "62.", ".0", "v", "6x.0", "62.0.1"] {
            assert!(check_api_version(bad).is_err(), "{bad}");
        }
    }
}
