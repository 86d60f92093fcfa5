//! The OAuth token endpoint (`/services/oauth2/token`): request and response handling shared by
//! the OAuth flows.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use url::Url;

use super::{AccessToken, AuthError, Secret};

/// Login URL of production orgs and Developer Edition (the default).
pub const PRODUCTION_LOGIN_URL: &str = "https://login.salesforce.com";
/// Login URL of sandboxes.
pub const SANDBOX_LOGIN_URL: &str = "https://test.salesforce.com";

/// Path of the token endpoint on a login host or My Domain.
pub const TOKEN_PATH: &str = "/services/oauth2/token";

/// Checks a login URL and returns its token endpoint. `https` is required except on loopback
/// hosts (an emulator), where `http` is allowed.
pub(crate) fn token_url(login_url: &str) -> Result<Url, AuthError> {
    let url = Url::parse(login_url.trim_end_matches('/'))
        .map_err(|e| AuthError::Config(format!("invalid login URL {login_url:?}: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(AuthError::Config(format!(
                "refusing plain http:// login URL {login_url:?}: credentials would be sent \
                 unencrypted (http is only allowed for loopback hosts)"
            )));
        }
        other => {
            return Err(AuthError::Config(format!(
                "invalid login URL {login_url:?}: unsupported scheme {other:?}"
            )));
        }
    }
    if url.host_str().is_none() || !url.username().is_empty() || url.password().is_some() {
        return Err(AuthError::Config(format!(
            "invalid login URL {:?}: expected e.g. https://login.salesforce.com",
            url.origin().ascii_serialization()
        )));
    }
    let base = url.as_str().trim_end_matches('/');
    Url::parse(&format!("{base}{TOKEN_PATH}"))
        .map_err(|e| AuthError::Config(format!("invalid login URL {login_url:?}: {e}")))
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Where a flow asks for tokens: the flow's name, its token endpoint and the assumed session
/// lifetime (the endpoint does not report one). Every OAuth flow sends its requests through
/// [`TokenEndpoint::request`].
pub(crate) struct TokenEndpoint {
    pub flow: &'static str,
    pub url: Url,
    pub lifetime: Option<Duration>,
}

/// A successful token response.
#[derive(Debug)]
pub(crate) struct Granted {
    pub token: AccessToken,
    /// A refresh token, when the endpoint sent one (rotation, or scopes that grant one).
    pub refresh_token: Option<Secret>,
}

impl TokenEndpoint {
    /// Sends one token request (a form POST, optionally with HTTP Basic client
    /// authentication) and parses the answer.
    pub(crate) async fn request(
        &self,
        http: &reqwest::Client,
        form: &[(&str, &str)],
        basic: Option<(&str, &Secret)>,
    ) -> Result<Granted, AuthError> {
        let flow = self.flow;
        tracing::debug!(flow, url = %self.url, "requesting access token");
        let mut request = http
            .post(self.url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .form(form);
        if let Some((user, secret)) = basic {
            request = request.basic_auth(user, Some(secret.expose()));
        }
        let transport = |e: reqwest::Error| AuthError::Transport {
            flow,
            url: self.url.to_string(),
            source: Arc::new(e.without_url()),
        };
        let response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(transport)?;
        let mut granted = parse_response(flow, status, &body, self.lifetime);
        if let Err(error) = &mut granted {
            // A refusal may echo what was sent (password, client secret, refresh token).
            let sent: Vec<Secret> = form
                .iter()
                .filter(|(name, _)| SECRET_FORM_FIELDS.contains(name))
                .map(|(_, value)| Secret::new(*value))
                .chain(basic.map(|(_, secret)| secret.clone()))
                .collect();
            crate::redact::redact_auth(error, &sent);
        }
        match &granted {
            Ok(g) => tracing::debug!(
                flow,
                instance_url = g.token.instance_url().unwrap_or(""),
                rotated_refresh_token = g.refresh_token.is_some(),
                "access token granted"
            ),
            Err(e) => tracing::warn!(flow, status, error = %e, "token request failed"),
        }
        granted
    }
}

impl fmt::Debug for TokenEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenEndpoint")
            .field("token_url", &self.url.as_str())
            .field("session_lifetime", &self.lifetime)
            .finish()
    }
}

/// Token request form fields whose values are secrets.
const SECRET_FORM_FIELDS: &[&str] = &[
    "password",
    "client_secret",
    "refresh_token",
    "assertion",
    "client_assertion",
    "code_verifier",
];

/// Parses a token endpoint response: a token on 2xx, `{"error","error_description"}` otherwise.
/// Error messages never quote the body (it may hold a token).
pub(crate) fn parse_response(
    flow: &'static str,
    status: u16,
    body: &[u8],
    lifetime: Option<Duration>,
) -> Result<Granted, AuthError> {
    let invalid = |message: String| AuthError::InvalidResponse {
        flow,
        status,
        message,
    };
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let field = |name: &str| -> Option<&str> { json.as_ref()?.get(name)?.as_str() };
    if !(200..300).contains(&status) {
        return match field("error") {
            Some(error) => Err(AuthError::OAuth {
                flow,
                status,
                error: error.to_owned(),
                description: field("error_description").map(str::to_owned),
            }),
            None => Err(invalid(format!(
                "not an OAuth error body ({} bytes)",
                body.len()
            ))),
        };
    }
    let Some(access_token) = field("access_token").filter(|t| !t.is_empty()) else {
        return Err(invalid(
            "the response has no \"access_token\" string".to_owned(),
        ));
    };
    let mut token = AccessToken::new(access_token);
    if let Some(url) = field("instance_url") {
        token = token.with_instance_url(url.trim_end_matches('/'));
    }
    let issued_at = match field("issued_at") {
        Some(ms) => Some(
            ms.parse::<u64>()
                .map(|ms| UNIX_EPOCH + Duration::from_millis(ms))
                .map_err(|_| invalid("\"issued_at\" is not epoch milliseconds".to_owned()))?,
        ),
        None => None,
    };
    if let Some(at) = issued_at {
        token = token.with_issued_at(at);
    }
    // Salesforce does not send `expires_in` on these grants; honour it if a server does.
    let expires_in = json
        .as_ref()
        .and_then(|j| j.get("expires_in"))
        .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
        .map(Duration::from_secs);
    if let Some(life) = expires_in.or(lifetime) {
        // Count from issue time when known, but never from a server clock ahead of ours.
        let start = issued_at
            .filter(|at| *at <= SystemTime::now())
            .unwrap_or_else(SystemTime::now);
        token = token.with_expires_at(start + life);
    }
    Ok(Granted {
        token,
        refresh_token: field("refresh_token").map(Secret::from),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_token_response() {
        let body = br#"{"access_token":"00Dxx!tok","instance_url":"https://na1.salesforce.com/","id":"https://login.salesforce.com/id/00D/005","token_type":"Bearer","issued_at":"1278448832702","signature":"abc"}"#;
        let g = parse_response("test", 200, body, None).unwrap();
        assert_eq!(g.token.expose(), "00Dxx!tok");
        assert_eq!(g.token.instance_url(), Some("https://na1.salesforce.com"));
        assert_eq!(
            g.token.issued_at(),
            Some(UNIX_EPOCH + Duration::from_millis(1_278_448_832_702))
        );
        assert!(g.token.expires_at().is_none());
        assert!(g.refresh_token.is_none());
    }

    #[test]
    fn lifetime_sets_expiry() {
        let body = br#"{"access_token":"t","refresh_token":"rt2"}"#;
        let g = parse_response("test", 200, body, Some(Duration::from_secs(7200))).unwrap();
        assert!(g.token.expires_at().is_some());
        assert!(!g.token.expires_within(Duration::from_secs(3600)));
        assert_eq!(g.refresh_token.unwrap().expose(), "rt2");
    }

    #[test]
    fn parses_an_oauth_error() {
        let body =
            br#"{"error":"invalid_grant","error_description":"expired access/refresh token"}"#;
        let err = parse_response("test", 400, body, None).unwrap_err();
        assert_eq!(err.oauth_error(), Some("invalid_grant"));
        assert_eq!(
            err.error_description(),
            Some("expired access/refresh token")
        );
    }

    #[test]
    fn never_quotes_the_body() {
        let body = br#"{"access_token":"","leak":"SECRET-TOKEN"}"#;
        let err = parse_response("test", 200, body, None).unwrap_err();
        assert!(!format!("{err} {err:?}").contains("SECRET"));
        let err = parse_response("test", 500, b"<html>SECRET-TOKEN</html>", None).unwrap_err();
        assert!(!format!("{err} {err:?}").contains("SECRET"));
    }

    #[test]
    fn login_urls() {
        assert_eq!(
            token_url("https://login.salesforce.com/").unwrap().as_str(),
            "https://login.salesforce.com/services/oauth2/token"
        );
        assert_eq!(
            token_url("http://127.0.0.1:8080").unwrap().as_str(),
            "http://127.0.0.1:8080/services/oauth2/token"
        );
        assert!(token_url("http://example.com").is_err());
        assert!(token_url("not a url").is_err());
    }
}
