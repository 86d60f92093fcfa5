//! Choosing a token provider from environment variables.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::{
    AuthError, ClientCredentials, JwtBearer, RefreshToken, SfCli, StaticToken, TokenProvider,
    UsernamePassword,
};

/// The authentication the environment configures; see [`from_env`].
#[non_exhaustive]
pub struct EnvAuth {
    provider: Arc<dyn TokenProvider>,
    instance_url: Option<String>,
}

impl EnvAuth {
    /// The chosen provider.
    pub fn provider(&self) -> &Arc<dyn TokenProvider> {
        &self.provider
    }

    /// Consumes this, returning the provider.
    pub fn into_provider(self) -> Arc<dyn TokenProvider> {
        self.provider
    }

    /// `SF_INSTANCE_URL`, if set. OAuth flows also report the instance URL with each token
    /// ([`AccessToken::instance_url`](super::AccessToken::instance_url)); a static token needs it.
    pub fn instance_url(&self) -> Option<&str> {
        self.instance_url.as_deref()
    }

    /// The flow chosen (`static`, `jwt-bearer`, `refresh-token`, `username-password`,
    /// `client-credentials`, `sf-cli`).
    pub fn flow(&self) -> &'static str {
        self.provider.kind()
    }
}

impl fmt::Debug for EnvAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvAuth")
            .field("provider", &self.provider)
            .field("instance_url", &self.instance_url)
            .finish()
    }
}

/// Picks a token provider from the process environment. `Client::from_env()` uses it.
///
/// The first matching rule wins (or set `SF_AUTH_FLOW` to one of `static`, `jwt`,
/// `refresh_token`, `password`, `client_credentials`, `cli` to choose explicitly):
///
/// | flow | variables |
/// |---|---|
/// | static token | `SF_ACCESS_TOKEN` (+ `SF_INSTANCE_URL`) |
/// | JWT bearer | `SF_CLIENT_ID`, `SF_USERNAME`, `SF_PRIVATE_KEY` (PEM text) or `SF_PRIVATE_KEY_FILE`; optional `SF_JWT_AUDIENCE` |
/// | refresh token | `SF_CLIENT_ID`, `SF_REFRESH_TOKEN`; optional `SF_CLIENT_SECRET` |
/// | username-password (being retired) | `SF_CLIENT_ID`, `SF_USERNAME`, `SF_PASSWORD`; optional `SF_CLIENT_SECRET`, `SF_SECURITY_TOKEN` |
/// | client credentials | `SF_CLIENT_ID`, `SF_CLIENT_SECRET`; `SF_LOGIN_URL` or `SF_INSTANCE_URL` = My Domain; optional `SF_CLIENT_CREDENTIALS_BASIC=true` |
/// | Salesforce CLI | `SF_TARGET_ORG`; optional `SF_CLI_PATH` |
///
/// Common: `SF_LOGIN_URL` (default `https://login.salesforce.com`; `https://test.salesforce.com`
/// for sandboxes, or a My Domain URL), `SF_SESSION_LIFETIME_SECS` (the org's session timeout,
/// enabling refresh before expiry), `SF_INSTANCE_URL`.
pub fn from_env() -> Result<EnvAuth, AuthError> {
    from_lookup(|name| std::env::var(name).ok())
}

/// [`from_env`] over any variable lookup (for tests and configuration files).
pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<EnvAuth, AuthError> {
    let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
    let has = |name: &str| var(name).is_some();
    let need = |name: &str, flow: &str| {
        var(name).ok_or_else(|| AuthError::Config(format!("{flow}: {name} is not set")))
    };
    let instance_url = var("SF_INSTANCE_URL");
    let login_url = var("SF_LOGIN_URL");
    let lifetime = match var("SF_SESSION_LIFETIME_SECS") {
        Some(v) => Some(Duration::from_secs(v.trim().parse().map_err(|_| {
            AuthError::Config(format!(
                "SF_SESSION_LIFETIME_SECS must be a number of seconds, got {v:?}"
            ))
        })?)),
        None => None,
    };

    let flow = match var("SF_AUTH_FLOW") {
        Some(flow) => flow.trim().to_ascii_lowercase().replace('-', "_"),
        None if has("SF_ACCESS_TOKEN") => "static".into(),
        None if has("SF_CLIENT_ID")
            && has("SF_USERNAME")
            && (has("SF_PRIVATE_KEY") || has("SF_PRIVATE_KEY_FILE")) =>
        {
            "jwt".into()
        }
        None if has("SF_CLIENT_ID") && has("SF_REFRESH_TOKEN") => "refresh_token".into(),
        None if has("SF_CLIENT_ID") && has("SF_USERNAME") && has("SF_PASSWORD") => {
            "password".into()
        }
        None if has("SF_CLIENT_ID") && has("SF_CLIENT_SECRET") => "client_credentials".into(),
        None if has("SF_TARGET_ORG") => "cli".into(),
        None => {
            return Err(AuthError::Config(
                "no credentials in the environment: set SF_ACCESS_TOKEN (+ SF_INSTANCE_URL), \
                 SF_CLIENT_ID + SF_USERNAME + SF_PRIVATE_KEY_FILE (JWT bearer), SF_CLIENT_ID + \
                 SF_REFRESH_TOKEN, SF_CLIENT_ID + SF_CLIENT_SECRET (client credentials), \
                 SF_CLIENT_ID + SF_USERNAME + SF_PASSWORD, or SF_TARGET_ORG (Salesforce CLI)"
                    .into(),
            ));
        }
    };

    let provider: Arc<dyn TokenProvider> = match flow.as_str() {
        "static" => {
            let mut token = StaticToken::new(need("SF_ACCESS_TOKEN", "static token")?);
            if let Some(url) = &instance_url {
                token = token.with_instance_url(url.trim_end_matches('/'));
            }
            Arc::new(token)
        }
        "jwt" | "jwt_bearer" => {
            let f = "JWT bearer";
            let mut b = JwtBearer::builder()
                .client_id(need("SF_CLIENT_ID", f)?)
                .username(need("SF_USERNAME", f)?);
            b = match (var("SF_PRIVATE_KEY"), var("SF_PRIVATE_KEY_FILE")) {
                // Accept PEM text with literal "\n" (common in CI secret stores).
                (Some(pem), _) => b.private_key_pem(pem.replace("\\n", "\n")),
                (None, Some(file)) => b.private_key_file(file),
                (None, None) => {
                    return Err(AuthError::Config(
                        "JWT bearer: SF_PRIVATE_KEY or SF_PRIVATE_KEY_FILE is not set".into(),
                    ));
                }
            };
            if let Some(url) = &login_url {
                b = b.login_url(url);
            }
            if let Some(aud) = var("SF_JWT_AUDIENCE") {
                b = b.audience(aud);
            }
            if let Some(l) = lifetime {
                b = b.session_lifetime(l);
            }
            Arc::new(b.build()?)
        }
        "refresh_token" | "refresh" => {
            let f = "refresh token";
            let mut b = RefreshToken::builder()
                .client_id(need("SF_CLIENT_ID", f)?)
                .refresh_token(need("SF_REFRESH_TOKEN", f)?);
            if let Some(secret) = var("SF_CLIENT_SECRET") {
                b = b.client_secret(secret);
            }
            if let Some(url) = &login_url {
                b = b.login_url(url);
            }
            if let Some(l) = lifetime {
                b = b.session_lifetime(l);
            }
            Arc::new(b.build()?)
        }
        "password" | "username_password" => {
            let f = "username-password";
            let mut b = UsernamePassword::builder()
                .client_id(need("SF_CLIENT_ID", f)?)
                .username(need("SF_USERNAME", f)?)
                .password(need("SF_PASSWORD", f)?);
            if let Some(secret) = var("SF_CLIENT_SECRET") {
                b = b.client_secret(secret);
            }
            if let Some(token) = var("SF_SECURITY_TOKEN") {
                b = b.security_token(token);
            }
            if let Some(url) = &login_url {
                b = b.login_url(url);
            }
            if let Some(l) = lifetime {
                b = b.session_lifetime(l);
            }
            Arc::new(b.build()?)
        }
        "client_credentials" => {
            let f = "client credentials";
            let url = login_url
                .clone()
                .or_else(|| instance_url.clone())
                .ok_or_else(|| {
                    AuthError::Config(
                    "client credentials: set SF_LOGIN_URL (or SF_INSTANCE_URL) to the org's My \
                     Domain URL"
                        .into(),
                )
                })?;
            let basic = var("SF_CLIENT_CREDENTIALS_BASIC")
                .is_some_and(|v| matches!(v.trim(), "1" | "true" | "TRUE" | "yes"));
            let mut b = ClientCredentials::builder()
                .client_id(need("SF_CLIENT_ID", f)?)
                .client_secret(need("SF_CLIENT_SECRET", f)?)
                .login_url(url)
                .basic_auth(basic);
            if let Some(l) = lifetime {
                b = b.session_lifetime(l);
            }
            Arc::new(b.build()?)
        }
        "cli" | "sf" | "sf_cli" => {
            let mut cli = SfCli::new(need("SF_TARGET_ORG", "Salesforce CLI")?);
            if let Some(path) = var("SF_CLI_PATH") {
                cli = cli.program(path);
            }
            Arc::new(cli)
        }
        other => {
            return Err(AuthError::Config(format!(
                "SF_AUTH_FLOW={other:?} is not one of static, jwt, refresh_token, password, \
                 client_credentials, cli"
            )));
        }
    };
    tracing::debug!(
        flow = provider.kind(),
        "authentication chosen from the environment"
    );
    Ok(EnvAuth {
        provider,
        instance_url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn pick(vars: &[(&str, &str)]) -> Result<EnvAuth, AuthError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn picks_each_flow() {
        let flow = |vars: &[(&str, &str)]| pick(vars).map(|e| e.flow());
        assert_eq!(flow(&[("SF_ACCESS_TOKEN", "t")]).unwrap(), "static");
        assert_eq!(
            flow(&[
                ("SF_CLIENT_ID", "id"),
                ("SF_REFRESH_TOKEN", "rt"),
                ("SF_CLIENT_SECRET", "s")
            ])
            .unwrap(),
            "refresh-token"
        );
        assert_eq!(
            flow(&[
                ("SF_CLIENT_ID", "id"),
                ("SF_CLIENT_SECRET", "s"),
                ("SF_USERNAME", "u"),
                ("SF_PASSWORD", "p")
            ])
            .unwrap(),
            "username-password"
        );
        assert_eq!(
            flow(&[
                ("SF_CLIENT_ID", "id"),
                ("SF_CLIENT_SECRET", "s"),
                ("SF_LOGIN_URL", "https://x.my.salesforce.com")
            ])
            .unwrap(),
            "client-credentials"
        );
        assert_eq!(flow(&[("SF_TARGET_ORG", "dev")]).unwrap(), "sf-cli");
        assert!(flow(&[]).is_err());
        // Client credentials need a My Domain URL.
        assert!(flow(&[("SF_CLIENT_ID", "id"), ("SF_CLIENT_SECRET", "s")]).is_err());
        // An unreadable key file is a config error naming the file, not the key.
        let err = pick(&[
            ("SF_CLIENT_ID", "id"),
            ("SF_USERNAME", "u"),
            ("SF_PRIVATE_KEY_FILE", "/nonexistent/key.pem"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("/nonexistent/key.pem"), "{err}");
    }

    #[test]
    fn debug_hides_secrets() {
        let env = pick(&[
            ("SF_CLIENT_ID", "id"),
            ("SF_CLIENT_SECRET", "very-secret-value"),
            ("SF_USERNAME", "u"),
            ("SF_PASSWORD", "hunter2-password"),
        ])
        .unwrap();
        let debug = format!("{env:?}");
        assert!(!debug.contains("very-secret-value") && !debug.contains("hunter2"));
    }
}
