//! Counters of an executor and their snapshot.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// A point-in-time snapshot of an [`Executor`](super::Executor)'s counters.
///
/// Counters only grow; subtract two snapshots to measure an interval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExecutorStats {
    /// Writes handed to [`Executor::submit`](super::Executor::submit).
    pub writes_submitted: u64,
    /// Operations started (merged operations, single writes and replays each count one).
    pub operations: u64,
    /// Writes that rode in an operation together with at least one other write, minus one per
    /// such operation: the number of operations saved by merging.
    pub writes_merged: u64,
    /// Merged operations rejected for their content and replayed write by write.
    pub replays: u64,
    /// Operations sent while replaying (one per write of a replayed merged operation).
    pub replayed_writes: u64,
    /// Operations that resolved with an error (including panics).
    pub failed_operations: u64,
    /// Operations that panicked.
    pub panics: u64,
}

#[derive(Debug, Default)]
pub(super) struct Counters {
    pub(super) writes_submitted: AtomicU64,
    pub(super) operations: AtomicU64,
    pub(super) writes_merged: AtomicU64,
    pub(super) replays: AtomicU64,
    pub(super) replayed_writes: AtomicU64,
    pub(super) failed_operations: AtomicU64,
    pub(super) panics: AtomicU64,
}

impl Counters {
    pub(super) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Relaxed);
    }

    pub(super) fn snapshot(&self) -> ExecutorStats {
        ExecutorStats {
            writes_submitted: self.writes_submitted.load(Relaxed),
            operations: self.operations.load(Relaxed),
            writes_merged: self.writes_merged.load(Relaxed),
            replays: self.replays.load(Relaxed),
            replayed_writes: self.replayed_writes.load(Relaxed),
            failed_operations: self.failed_operations.load(Relaxed),
            panics: self.panics.load(Relaxed),
        }
    }
}
