//! OAuth 2.0 JWT bearer flow (server-to-server with a certificate).

use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::future::BoxFuture;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

use super::endpoint::TokenEndpoint;
use super::login::{LoginSettings, login_setters, required};
use super::{AccessToken, AuthError, Secret, TokenProvider};
use crate::error::Error;

const FLOW: &str = "jwt-bearer";
const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// Salesforce accepts assertions that expire within 3 minutes.
const ASSERTION_LIFETIME: Duration = Duration::from_secs(180);

/// The OAuth 2.0 JWT bearer flow: an RS256 assertion signed with the connected app's private
/// key (`iss` = consumer key, `sub` = username, `aud` = login URL, `exp` = now + 3 min) is
/// exchanged for an access token. No refresh token is involved: each refresh signs a new
/// assertion.
///
/// ```no_run
/// # fn main() -> Result<(), sforce_core::auth::AuthError> {
/// use sforce_core::auth::JwtBearer;
/// let jwt = JwtBearer::builder()
///     .client_id("3MVG9...")
///     .username("integration@example.com")
///     .private_key_file("server.key")
///     .build()?;
/// # Ok(()) }
/// ```
pub struct JwtBearer {
    client_id: String,
    username: String,
    audience: String,
    key: EncodingKey,
    /// The PEM's base64 lines, for redaction.
    key_lines: Vec<Secret>,
    endpoint: TokenEndpoint,
}

/// Builder of [`JwtBearer`].
#[derive(Debug, Default)]
pub struct JwtBearerBuilder {
    client_id: Option<String>,
    username: Option<String>,
    key: Option<KeySource>,
    audience: Option<String>,
    login: LoginSettings,
}

#[derive(Debug)]
enum KeySource {
    Pem(Secret),
    File(PathBuf),
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    exp: u64,
}

impl JwtBearer {
    /// A builder.
    pub fn builder() -> JwtBearerBuilder {
        JwtBearerBuilder::default()
    }

    /// The signed assertion for the current time.
    fn assertion(&self) -> Result<String, AuthError> {
        let exp = (SystemTime::now() + ASSERTION_LIFETIME)
            .duration_since(UNIX_EPOCH)
            .map_err(|_| AuthError::Config("system clock is before 1970".into()))?
            .as_secs();
        let claims = Claims {
            iss: &self.client_id,
            sub: &self.username,
            aud: &self.audience,
            exp,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.key)
            .map_err(|e| AuthError::Config(format!("{FLOW}: cannot sign the assertion: {e}")))
    }
}

impl JwtBearerBuilder {
    /// The connected app's consumer key (`iss`). Required.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The Salesforce username to act as (`sub`). Required.
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// The RSA private key, PEM text (PKCS#1 or PKCS#8). This or a key file is required.
    pub fn private_key_pem(mut self, pem: impl Into<Secret>) -> Self {
        self.key = Some(KeySource::Pem(pem.into()));
        self
    }

    /// A file holding the RSA private key as PEM.
    pub fn private_key_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.key = Some(KeySource::File(path.into()));
        self
    }

    login_setters! {
        /// Where to send the token request: `https://login.salesforce.com` (default),
        /// `https://test.salesforce.com`, a My Domain URL, or an emulator's URL.
        login_url, sandbox
    }

    /// The `aud` claim. Defaults to the login URL; set it to `https://login.salesforce.com` (or
    /// `https://test.salesforce.com`) when the token request goes to a My Domain URL, or to the
    /// site URL for an Experience Cloud site.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Checks the settings and loads the key.
    pub fn build(self) -> Result<JwtBearer, AuthError> {
        let client_id = required(self.client_id, FLOW, "client_id (consumer key)")?;
        let username = required(self.username, FLOW, "username")?;
        let pem = match required(self.key, FLOW, "a private key (PEM text or file)")? {
            KeySource::Pem(pem) => pem,
            KeySource::File(path) => {
                std::fs::read_to_string(&path)
                    .map(Secret::from)
                    .map_err(|e| {
                        AuthError::Config(format!(
                            "{FLOW}: cannot read private key file {}: {e}",
                            path.display()
                        ))
                    })?
            }
        };
        let key = EncodingKey::from_rsa_pem(pem.expose().as_bytes())
            .map_err(|e| AuthError::Config(format!("{FLOW}: invalid RSA private key PEM: {e}")))?;
        let endpoint = self.login.endpoint(FLOW)?;
        let audience = self
            .audience
            .unwrap_or_else(|| self.login.login_url().trim_end_matches('/').to_owned());
        let key_lines = pem
            .expose()
            .lines()
            .map(str::trim)
            .filter(|line| !line.starts_with("-----") && line.len() >= 16)
            .map(Secret::new)
            .collect();
        Ok(JwtBearer {
            client_id,
            username,
            audience,
            key,
            key_lines,
            endpoint,
        })
    }
}

impl TokenProvider for JwtBearer {
    fn fetch(&self, http: &reqwest::Client) -> BoxFuture<'_, Result<AccessToken, Error>> {
        let http = http.clone();
        Box::pin(async move {
            let assertion = self.assertion()?;
            let form = [("grant_type", GRANT_TYPE), ("assertion", &assertion)];
            Ok(self.endpoint.request(&http, &form, None).await?.token)
        })
    }

    fn kind(&self) -> &'static str {
        FLOW
    }

    /// The private key's base64 lines (an echo of any one of them is redacted).
    fn secrets(&self) -> Vec<Secret> {
        self.key_lines.clone()
    }
}

impl fmt::Debug for JwtBearer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtBearer")
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("audience", &self.audience)
            .field("endpoint", &self.endpoint)
            .field("key", &"[redacted]")
            .finish()
    }
}
