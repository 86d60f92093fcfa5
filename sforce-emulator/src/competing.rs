//! Competing inserts: another process storing a record inside an upsert's commit window, for
//! tests that must force that race deterministically (see
//! [`Emulator::insert_during_commit_window`](crate::Emulator::insert_during_commit_window)).

use std::sync::Mutex;

use serde_json::{Map, Value};

use crate::config::EmulatorError;
use crate::state::State;

/// Armed competing inserts, each waiting for the upsert that looks its key up.
#[derive(Debug, Default)]
pub(crate) struct Competing {
    armed: Mutex<Vec<Armed>>,
}

#[derive(Debug)]
struct Armed {
    sobject: String,
    field: String,
    /// The key as the store normalizes it.
    key: String,
    fields: Map<String, Value>,
}

impl Competing {
    pub(crate) fn arm(&self, sobject: &str, field: &str, key: String, fields: Map<String, Value>) {
        self.lock().push(Armed {
            sobject: sobject.to_owned(),
            field: field.to_owned(),
            key,
            fields,
        });
    }

    /// The fields of the insert armed for this key (disarmed), if any.
    pub(crate) fn take(&self, sobject: &str, field: &str, key: &str) -> Option<Map<String, Value>> {
        let mut armed = self.lock();
        let at = armed.iter().position(|a| {
            a.sobject.eq_ignore_ascii_case(sobject)
                && a.field.eq_ignore_ascii_case(field)
                && a.key == key
        })?;
        Some(armed.remove(at).fields)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Armed>> {
        self.armed.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Stores a record directly (test setup, or a competing process): values are checked and
/// converted as on create, but read-only fields may be set, references are not checked, the
/// unique index still applies, and there is no commit latency. Returns the new Id.
pub(crate) fn insert_direct(
    state: &State,
    sobject: &str,
    fields: Map<String, Value>,
) -> Result<String, EmulatorError> {
    let rejected = |e: crate::api_error::ApiError| EmulatorError::Rejected {
        code: e.code.to_owned(),
        message: e.message,
    };
    let describe = state
        .schema
        .get(sobject)
        .ok_or_else(|| EmulatorError::Config(format!("unknown sObject {sobject}")))?;
    let raw = serde_json::to_vec(&fields).expect("serializable");
    let changes = crate::validate::check_values(describe, &fields, &raw).map_err(rejected)?;
    let prefix = describe.properties.key_prefix.as_deref().unwrap_or("a00");
    crate::validate::check_required(describe, &changes).map_err(rejected)?;
    let id = state.ids.next(prefix);
    let record = crate::fill::new_record(
        state,
        describe,
        &id,
        &changes,
        time::OffsetDateTime::now_utc(),
    );
    state
        .store
        .insert(describe, record)
        .map_err(|c| rejected(crate::api_error::ApiError::duplicate_value(&c.field, &c.id)))?;
    Ok(id)
}
