//! Query cursors: the rest of a query's result, kept for `nextRecordsUrl`
//! (`/query/<locator>-<offset>`).
//!
//! A cursor is a snapshot (later writes do not change its pages) and can be read at any
//! offset, any number of times, until it expires (15 minutes unused, as Salesforce documents)
//! or is evicted: at most [`MAX_CURSORS`] are kept, the least recently used going first.
//! Salesforce keeps 10 per user; the emulator keeps more so that parallel tests do not evict
//! each other's cursors.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// How many cursors are kept.
pub(crate) const MAX_CURSORS: usize = 64;
/// How long an unused cursor lives.
pub(crate) const CURSOR_TTL: Duration = Duration::from_secs(15 * 60);

/// A query's result kept for paging.
#[derive(Debug, Clone)]
pub(crate) struct Cursor {
    pub(crate) records: Arc<Vec<Value>>,
    /// `totalSize` of every page.
    pub(crate) total_size: usize,
    /// The page size asked for by the query that opened the cursor.
    pub(crate) batch_size: usize,
    last_used: Instant,
    /// Use order (for eviction; `Instant`s can tie).
    tick: u64,
}

/// The open cursors, by locator Id.
#[derive(Debug, Default)]
pub(crate) struct Cursors {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    open: HashMap<String, Cursor>,
    ticks: u64,
}

impl Cursors {
    /// Keeps `records` under `locator`.
    pub(crate) fn open(
        &self,
        locator: String,
        records: Arc<Vec<Value>>,
        total_size: usize,
        batch_size: usize,
    ) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.ticks += 1;
        let tick = inner.ticks;
        let open = &mut inner.open;
        let now = Instant::now();
        open.retain(|_, c| now.duration_since(c.last_used) < CURSOR_TTL);
        while open.len() >= MAX_CURSORS {
            let oldest = open
                .iter()
                .min_by_key(|(_, c)| c.tick)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => open.remove(&k),
                None => break,
            };
        }
        open.insert(
            locator,
            Cursor {
                records,
                total_size,
                batch_size,
                last_used: now,
                tick,
            },
        );
    }

    /// The cursor under `locator`, if it is still open.
    pub(crate) fn get(&self, locator: &str) -> Option<Cursor> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.ticks += 1;
        let tick = inner.ticks;
        let now = Instant::now();
        let cursor = inner.open.get_mut(locator)?;
        if now.duration_since(cursor.last_used) >= CURSOR_TTL {
            inner.open.remove(locator);
            return None;
        }
        cursor.last_used = now;
        cursor.tick = tick;
        Some(cursor.clone())
    }

    /// How many cursors are open.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .open
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_recently_used_cursors_are_evicted() {
        let cursors = Cursors::default();
        let records = Arc::new(vec![Value::Null]);
        for i in 0..MAX_CURSORS {
            cursors.open(format!("c{i}"), records.clone(), 1, 200);
        }
        assert!(cursors.get("c0").is_some()); // now the most recently used
        cursors.open("new".into(), records, 1, 200);
        assert_eq!(cursors.len(), MAX_CURSORS);
        assert!(cursors.get("c0").is_some());
        assert!(cursors.get("c1").is_none());
        assert_eq!(cursors.get("new").unwrap().batch_size, 200);
    }
}
