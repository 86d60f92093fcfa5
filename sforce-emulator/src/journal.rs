//! Undo journal for `allOrNone` requests (sObject Collections and `POST /composite`).
//!
//! A request that must be atomic runs its writes inside [`recorded`]; every store mutation made
//! by that task while the scope is open is recorded with the record's previous state, so the
//! request can [`rollback`] exactly its own changes (never another request's). Scopes nest: a
//! collection inside a composite hands its changes on to the composite's journal.

use std::sync::{Arc, Mutex};

use crate::store::{Record, Store};
use sforce_core::describe::SObjectDescribe;

/// One store mutation and what undoes it.
#[derive(Debug, Clone)]
pub(crate) enum Change {
    /// A record was inserted: undo by deleting it.
    Inserted {
        describe: Arc<SObjectDescribe>,
        id: String,
    },
    /// A record was updated or deleted: undo by putting the old record back.
    Replaced {
        describe: Arc<SObjectDescribe>,
        old: Record,
    },
}

type Journal = Arc<Mutex<Vec<Change>>>;

tokio::task_local! {
    static JOURNAL: Journal;
}

/// Records `change` in the innermost open journal of the current task, if any.
pub(crate) fn note(change: impl FnOnce() -> Change) {
    let _ = JOURNAL.try_with(|journal| lock(journal).push(change()));
}

/// Runs `fut` with a fresh journal; returns its output and the changes it made. The changes
/// are also handed to an enclosing journal, so an outer rollback undoes them too.
pub(crate) async fn recorded<F: Future>(fut: F) -> (F::Output, Vec<Change>) {
    let journal: Journal = Arc::default();
    let output = JOURNAL.scope(journal.clone(), fut).await;
    let changes = std::mem::take(&mut *lock(&journal));
    let _ = JOURNAL.try_with(|outer| lock(outer).extend(changes.iter().cloned()));
    (output, changes)
}

/// Undoes `changes`, newest first. Changes undone here are not journaled again.
pub(crate) fn rollback(store: &Store, changes: Vec<Change>) {
    for change in changes.into_iter().rev() {
        match change {
            Change::Inserted { describe, id } => {
                store.restore(&describe, &id, None);
            }
            Change::Replaced { describe, old } => {
                let id = old
                    .get("Id")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned();
                store.restore(&describe, &id, Some(old));
            }
        }
    }
}

fn lock(journal: &Journal) -> std::sync::MutexGuard<'_, Vec<Change>> {
    journal.lock().unwrap_or_else(|e| e.into_inner())
}
