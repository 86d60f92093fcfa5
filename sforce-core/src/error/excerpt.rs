//! Body excerpts for error messages, with secret values redacted.

/// Maximum number of characters of a body kept in an error.
const EXCERPT_CHARS: usize = 300;

/// Keys whose string values are replaced by `[redacted]` in body excerpts.
const SECRET_KEYS: &[&str] = &[
    "access_token",
    "accessToken",
    "sid",
    "token",
    "refresh_token",
    "id_token",
    "client_secret",
    "password",
    "assertion",
    "sessionId",
];

/// The start of a body for an error message: lossy UTF-8, at most [`EXCERPT_CHARS`] characters,
/// values of well-known secret keys (`access_token`, `refresh_token`, ...) redacted.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let redacted = redact_secret_values(&text);
    let mut out: String = redacted.chars().take(EXCERPT_CHARS).collect();
    if redacted.chars().nth(EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// `text` cut to at most `max` characters, with `…` appended when it was longer.
pub(crate) fn bounded(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

fn redact_secret_values(text: &str) -> String {
    let mut out = text.to_owned();
    for key in SECRET_KEYS {
        let needle = format!("\"{key}\"");
        let mut search_from = 0;
        while let Some(found) = out[search_from..].find(&needle) {
            let after_key = search_from + found + needle.len();
            // Skip whitespace and the colon, then expect a string value.
            let rest = &out[after_key..];
            let trimmed = rest.trim_start();
            let Some(after_colon) = trimmed.strip_prefix(':') else {
                search_from = after_key;
                continue;
            };
            let value = after_colon.trim_start();
            if !value.starts_with('"') {
                search_from = after_key;
                continue;
            }
            let value_start = out.len() - value.len() + 1;
            let value_end = find_string_end(&out[value_start..]).map(|n| value_start + n);
            let end = value_end.unwrap_or(out.len());
            out.replace_range(value_start..end, "[redacted]");
            search_from = value_start + "[redacted]".len();
        }
    }
    out
}

/// Byte offset of the closing quote of a JSON string whose content starts at `s[0]`.
fn find_string_end(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_redacts_and_truncates() {
        let body = br#"{"access_token" : "00D!secret\"x", "instance_url":"https://x","refresh_token":"r1"}"#;
        let text = excerpt(body);
        assert!(!text.contains("secret"), "{text}");
        assert!(!text.contains("r1"), "{text}");
        assert!(text.contains(r#""access_token" : "[redacted]""#), "{text}");
        assert!(text.contains("https://x"), "{text}");
        let long = "é".repeat(1000);
        let text = excerpt(long.as_bytes());
        assert_eq!(text.chars().count(), EXCERPT_CHARS + 1);
        assert_eq!(excerpt(b"\xff\xfeabc"), "\u{fffd}\u{fffd}abc");
    }
}
