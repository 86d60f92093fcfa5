//! Redaction by value: every secret a client holds is replaced by `[redacted]` wherever text
//! leaves the library (errors and their `Display`/`Debug`, body excerpts, parse errors, token
//! endpoint descriptions, logs).
//!
//! Redacting by key name (`"access_token": "..."`) misses a token echoed anywhere else: in an
//! HTML error page, an API error message, a `Bearer ...` header quoted back, a `sid` cookie. So
//! the client remembers the values themselves (the access tokens it used, and what its
//! provider holds: refresh token, client secret, password, private key, see
//! [`TokenProvider::secrets`]) and replaces each occurrence, raw, percent-encoded (as in a
//! form body) or JSON-escaped. Values shorter than [`MIN_SECRET_CHARS`] are not searched for
//! (they would match ordinary text).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use crate::auth::{AuthError, Secret, TokenProvider};
use crate::error::{ApiErrorItem, Error};

/// What replaces a secret.
pub(crate) const REDACTED: &str = "[redacted]";

/// Secrets shorter than this are not searched for.
pub(crate) const MIN_SECRET_CHARS: usize = 6;

/// Access tokens remembered per client (the current one and a few it replaced).
const TOKENS_KEPT: usize = 8;

/// The redactor of one client (shared by its clones).
pub(crate) struct Redactor {
    provider: Arc<dyn TokenProvider>,
    tokens: Mutex<VecDeque<Secret>>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Redactor")
    }
}

impl Redactor {
    pub(crate) fn new(provider: Arc<dyn TokenProvider>) -> Self {
        Redactor {
            provider,
            tokens: Mutex::new(VecDeque::new()),
        }
    }

    /// Remembers an access token the client is about to use.
    pub(crate) fn note_token(&self, token: &Secret) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if tokens.iter().any(|t| t == token) {
            return;
        }
        if tokens.len() == TOKENS_KEPT {
            tokens.pop_front();
        }
        tokens.push_back(token.clone());
    }

    fn secrets(&self) -> Vec<Secret> {
        let mut all = self.provider.secrets();
        all.extend(
            self.tokens
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .cloned(),
        );
        all
    }

    /// `error` with every secret replaced.
    pub(crate) fn error(&self, error: Error) -> Error {
        redact_error(error, &self.secrets())
    }

    /// `body` with every secret replaced.
    pub(crate) fn bytes(&self, body: Vec<u8>) -> Vec<u8> {
        let secrets = self.secrets();
        match std::str::from_utf8(&body) {
            Ok(text) => match redact(text, &secrets) {
                Some(clean) => clean.into_bytes(),
                None => body,
            },
            // Not UTF-8: compare bytes.
            Err(_) => redact_raw_bytes(body, &secrets),
        }
    }
}

/// The forms in which a secret may appear in text: raw, percent-encoded, JSON-escaped.
fn forms(secret: &str) -> Vec<String> {
    let mut out = vec![secret.to_owned()];
    let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let json = serde_json::to_string(secret).unwrap_or_default();
    let json = json.trim_matches('"').to_owned();
    for form in [encoded, json] {
        if !out.contains(&form) {
            out.push(form);
        }
    }
    out
}

/// `text` with every occurrence of every secret (in any of its forms) replaced; `None` when
/// there was none.
pub(crate) fn redact(text: &str, secrets: &[Secret]) -> Option<String> {
    let mut out: Option<String> = None;
    for secret in secrets {
        let value = secret.expose();
        if value.chars().count() < MIN_SECRET_CHARS {
            continue;
        }
        for form in forms(value) {
            let current = out.as_deref().unwrap_or(text);
            if current.contains(&form) {
                out = Some(current.replace(&form, REDACTED));
            }
        }
    }
    out
}

fn redact_raw_bytes(mut body: Vec<u8>, secrets: &[Secret]) -> Vec<u8> {
    for secret in secrets {
        let needle = secret.expose().as_bytes();
        if needle.len() < MIN_SECRET_CHARS {
            continue;
        }
        while let Some(at) = body.windows(needle.len()).position(|w| w == needle) {
            body.splice(at..at + needle.len(), REDACTED.bytes());
        }
    }
    body
}

fn clean(text: &mut String, secrets: &[Secret]) {
    if let Some(redacted) = redact(text, secrets) {
        *text = redacted;
    }
}

/// A source whose text held a secret, replaced by its redacted text.
#[derive(Debug)]
struct RedactedSource(String);

impl std::fmt::Display for RedactedSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RedactedSource {}

/// The text of an error and its sources, joined by `: `.
fn chain_text(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(source) = next {
        text.push_str(": ");
        text.push_str(&source.to_string());
        next = source.source();
    }
    text
}

/// `error` with every secret replaced in every string it carries.
pub(crate) fn redact_error(mut error: Error, secrets: &[Secret]) -> Error {
    if secrets.is_empty() {
        return error;
    }
    match &mut error {
        Error::Api { errors, .. } => {
            for ApiErrorItem {
                message, fields, ..
            } in errors.iter_mut()
            {
                clean(message, secrets);
                for field in fields {
                    clean(field, secrets);
                }
            }
        }
        Error::Http { body_excerpt, .. } => clean(body_excerpt, secrets),
        Error::Decode {
            message,
            body_excerpt,
            ..
        } => {
            clean(message, secrets);
            clean(body_excerpt, secrets);
        }
        Error::Transport { source, .. } => {
            if let Some(text) = redact(&chain_text(source.as_ref()), secrets) {
                *source = Arc::new(RedactedSource(text));
            }
        }
        Error::InvalidInput { message, .. } => clean(message, secrets),
        Error::Auth(auth) => redact_auth(auth, secrets),
        _ => {}
    }
    error
}

/// `error` with every secret replaced in every string it carries.
pub(crate) fn redact_auth(error: &mut AuthError, secrets: &[Secret]) {
    match error {
        AuthError::OAuth {
            error, description, ..
        } => {
            clean(error, secrets);
            if let Some(description) = description {
                clean(description, secrets);
            }
        }
        AuthError::InvalidResponse { message, .. }
        | AuthError::Config(message)
        | AuthError::Cli { message }
        | AuthError::RefreshAborted(message) => clean(message, secrets),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_every_secret_is_replaced() {
        let secrets = [Secret::new("00D!tok/en+1"), Secret::new("short")];
        let text = "a 00D!tok/en+1 b 00D%21tok%2Fen%2B1 c Bearer 00D!tok/en+1 short";
        let out = redact(text, &secrets).unwrap();
        assert_eq!(
            out, "a [redacted] b [redacted] c Bearer [redacted] short",
            "short values are left alone"
        );
        assert_eq!(redact("nothing here", &secrets), None);
        let quoted = Secret::new("pa\"ss\\word");
        assert_eq!(
            redact(r#"{"p":"pa\"ss\\word"}"#, &[quoted]).unwrap(),
            r#"{"p":"[redacted]"}"#
        );
    }
}
