//! The access tokens the emulator accepts, each optionally expiring.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Accepted bearer tokens. Shared with the OAuth endpoint, which issues tokens into it.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    map: Mutex<HashMap<String, Option<Instant>>>,
}

impl Tokens {
    /// Accept `token`, forever or for `ttl`.
    pub(crate) fn add(&self, token: String, ttl: Option<Duration>) {
        let expiry = ttl.map(|t| Instant::now() + t);
        self.lock().insert(token, expiry);
    }

    /// Stop accepting `token`.
    pub(crate) fn revoke(&self, token: &str) {
        self.lock().remove(token);
    }

    /// Whether `token` is accepted now.
    pub(crate) fn is_valid(&self, token: &str) -> bool {
        self.lock()
            .get(token)
            .is_some_and(|expiry| expiry.is_none_or(|at| Instant::now() < at))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Option<Instant>>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }
}
