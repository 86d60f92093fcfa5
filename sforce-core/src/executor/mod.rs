//! Keyed single-flight execution of writes, independent of HTTP and Salesforce.
//!
//! The contract, point by point, with the tests that break each point, is in `CONTRACT.md`
//! beside this file.
//!
//! An [`Executor`] runs an [`Operation`] (for sforce: one upsert by external ID) for writes
//! submitted under a key, with these guarantees:
//!
//! 1. **Single flight.** One executor, and all its clones, never runs two operations for one
//!    key at a time.
//! 2. **Merging.** Writes submitted while an operation for their key is in flight wait; when
//!    it finishes, every waiting write is folded into one write with [`Merge`] (field by
//!    field, later wins, an explicit null is a value) and sent as ONE operation. A burst of N
//!    writes to one key therefore costs at most two operations (a write that refuses to merge,
//!    see [`Merge::can_merge`], starts a further one). With [`Policy::Serialize`] each write
//!    is its own operation instead, strictly in submission order.
//! 3. **Shared outcomes.** Every caller resolves with the outcome of the operation that
//!    carried its write: the same output or the same error (cloned, unchanged), plus how many
//!    writes that operation carried ([`Completion::merged_writes`]).
//! 4. **Replay.** A merged operation whose error the operation classifies as a content
//!    rejection ([`Operation::is_content_rejection`]) is replayed write by write, in order, so
//!    only the writes that are themselves rejected get an error.
//! 5. **Detached execution.** Operations run on a spawned task, not in the caller's poll:
//!    dropping the future returned by [`Executor::submit`] never cancels the write. A panic in
//!    an operation resolves the callers it concerns with a typed error
//!    ([`ExecutorFailure::Panicked`]) and the key's later writes still run.
//! 6. **Bounded state.** The key map holds only keys with work in flight or waiting; entries
//!    are removed by their own runner, checked by generation, in the same critical section
//!    that finds the queue empty. [`Executor::in_flight_keys`] returns to 0 after a burst.
//! 7. **Isolation.** Each key has its own task; a slow or failing key never delays another.
//!    The mutex guards the key map only and is never held across an `.await`.
//!
//! Submission order is the order of calls to [`Executor::submit`] (the write is queued
//! before `submit` returns), not the order in which the returned futures are first polled.

mod merge;
mod runner;
mod state;
mod stats;

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_faults;
#[cfg(test)]
mod tests_model;
#[cfg(test)]
mod tests_prop;

use std::fmt;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use tokio::runtime::Handle;
use tokio::sync::oneshot;

pub use merge::Merge;
pub use stats::ExecutorStats;

use state::{Enqueued, KeyMap};
use stats::Counters;

/// The work an [`Executor`] runs for a key: for sforce, one upsert by external ID.
///
/// Implementations see one write at a time (possibly the merge of several submitted writes)
/// and never run concurrently for the same key.
pub trait Operation: Send + Sync + 'static {
    /// What identifies the target of a write; writes with equal keys are serialized/merged.
    type Key: Eq + Hash + Clone + fmt::Debug + Send + Sync + 'static;
    /// One write. `Clone` is needed to keep each write of a merged operation for replay.
    type Write: Merge + Clone + Send + 'static;
    /// The success value, cloned to every caller of a merged operation.
    type Output: Clone + Send + 'static;
    /// The error, cloned unchanged to every caller it concerns.
    type Error: Clone + Send + 'static;

    /// What [`Operation::admit`] grants: leave to run one operation (for sforce, a permit of
    /// the client-wide limit on requests in flight), handed to [`Operation::run`]. Use `()`
    /// when operations need no leave.
    type Admission: Send + 'static;

    /// Waits until an operation may start for `key`.
    ///
    /// The key's runner calls this BEFORE it takes the key's waiting writes, so writes
    /// submitted while it waits are merged into the operation that follows: a limit on
    /// operations in flight turns a flood of writes into fewer, larger operations, never
    /// into errors. Called once per operation (a replay of a merged operation is admitted
    /// write by write).
    fn admit(&self, key: &Self::Key) -> impl Future<Output = Self::Admission> + Send;

    /// Performs one write for `key`, under the leave `admission` (release it when the
    /// operation no longer needs it).
    fn run(
        &self,
        key: &Self::Key,
        write: Self::Write,
        admission: Self::Admission,
    ) -> impl Future<Output = Result<Self::Output, Self::Error>> + Send;

    /// Whether `error` rejects the write to `key` *for its content* (a validation or field
    /// error), so that a merged operation failing with it is replayed write by write.
    /// Default: never.
    fn is_content_rejection(&self, key: &Self::Key, error: &Self::Error) -> bool {
        let _ = (key, error);
        false
    }

    /// Called by the key's runner when it stops because nothing waits for `key` any more (its
    /// entry is already gone): release what the operation keeps for the key between two of
    /// its operations. Default: nothing.
    fn idle(&self, key: &Self::Key) {
        let _ = key;
    }

    /// Builds the error given to callers when the executor itself could not complete their
    /// write (the operation panicked, the runtime shut down, no runtime was available).
    fn executor_error(&self, key: &Self::Key, failure: ExecutorFailure) -> Self::Error;
}

/// Most writes merged into one operation by default (see [`Executor::with_max_merged`]).
pub const DEFAULT_MAX_MERGED_WRITES: usize = 200;

/// How waiting writes for one key are turned into operations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Policy {
    /// All writes waiting when the in-flight operation finishes are merged into one (default).
    #[default]
    Merge,
    /// Each write is its own operation, strictly in submission order.
    Serialize,
}

/// Why the executor, rather than the operation, failed a write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExecutorFailure {
    /// The operation carrying the write panicked.
    #[error("write operation panicked: {message}")]
    Panicked {
        /// The panic payload, when it was a string.
        message: String,
    },
    /// The key's task was dropped before it could finish the write (runtime shutting down,
    /// or a panic outside the operation).
    #[error("write abandoned: the executor task stopped before completing it")]
    Abandoned,
    /// `submit` was called outside a Tokio runtime and the executor was created outside one.
    #[error("no Tokio runtime to run the write on")]
    NoRuntime,
}

/// The successful outcome of a submitted write.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Completion<O> {
    /// The output of the operation that carried the write.
    pub output: O,
    /// How many submitted writes that operation carried (1 when not merged).
    pub merged_writes: usize,
    /// Whether the write was sent alone after its merged operation was rejected for content.
    pub replayed: bool,
}

impl<O> Completion<O> {
    /// The output of the operation that carried the write.
    pub fn output(&self) -> &O {
        &self.output
    }

    /// Consumes the completion, returning the output.
    pub fn into_output(self) -> O {
        self.output
    }

    /// How many submitted writes the operation carried (1 when not merged).
    pub fn merged_writes(&self) -> usize {
        self.merged_writes
    }

    /// Whether the write was replayed alone after a content rejection of its merged operation.
    pub fn replayed(&self) -> bool {
        self.replayed
    }
}

/// What a caller of [`Executor::submit`] receives.
pub type Reply<Op> = Result<Completion<<Op as Operation>::Output>, <Op as Operation>::Error>;

/// One submitted write waiting for (or riding in) an operation.
struct Pending<Op: Operation> {
    write: Op::Write,
    reply: oneshot::Sender<Reply<Op>>,
}

/// State shared by an executor and its clones.
struct Shared<Op: Operation> {
    op: Op,
    policy: Policy,
    /// Most writes folded into one operation.
    max_merged: usize,
    map: Mutex<KeyMap<Op::Key, Pending<Op>>>,
    counters: Counters,
    /// Runtime captured at construction, used when `submit` is called outside a runtime.
    handle: Option<Handle>,
    #[cfg(test)]
    hooks: testing::Hooks,
}

impl<Op: Operation> Shared<Op> {
    fn lock(&self) -> MutexGuard<'_, KeyMap<Op::Key, Pending<Op>>> {
        // The map is only mutated by non-panicking code; a poisoned lock still holds
        // consistent data.
        self.map.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Keyed single-flight executor: see the [module documentation](self).
///
/// Cloning is cheap and clones share everything: the key map, the operation and the stats.
pub struct Executor<Op: Operation> {
    shared: Arc<Shared<Op>>,
}

impl<Op: Operation> Clone for Executor<Op> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<Op: Operation> fmt::Debug for Executor<Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Executor")
            .field("policy", &self.shared.policy)
            .field("in_flight_keys", &self.in_flight_keys())
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl<Op: Operation> Executor<Op> {
    /// An executor with the default [`Policy::Merge`].
    pub fn new(op: Op) -> Self {
        Self::with_policy(op, Policy::default())
    }

    /// An executor with the given policy.
    ///
    /// If called inside a Tokio runtime, that runtime is remembered and used for writes
    /// submitted from outside any runtime.
    pub fn with_policy(op: Op, policy: Policy) -> Self {
        Self {
            shared: Arc::new(Shared {
                op,
                policy,
                max_merged: if policy == Policy::Serialize {
                    1
                } else {
                    DEFAULT_MAX_MERGED_WRITES
                },
                map: Mutex::new(KeyMap::new()),
                counters: Counters::default(),
                handle: Handle::try_current().ok(),
                #[cfg(test)]
                hooks: testing::Hooks::default(),
            }),
        }
    }

    /// An executor merging at most `max_merged_writes` writes into one operation (at least 1;
    /// [`Policy::Serialize`] always sends one). Writes beyond the cap wait for the next
    /// operation, still in order.
    pub fn with_max_merged(op: Op, policy: Policy, max_merged_writes: usize) -> Self {
        let executor = Self::with_policy(op, policy);
        let mut shared = Arc::into_inner(executor.shared).expect("not shared yet");
        if policy == Policy::Merge {
            shared.max_merged = max_merged_writes.max(1);
        }
        Self {
            shared: Arc::new(shared),
        }
    }

    /// Most writes merged into one operation.
    pub fn max_merged_writes(&self) -> usize {
        self.shared.max_merged
    }

    /// The operation this executor runs.
    pub fn operation(&self) -> &Op {
        &self.shared.op
    }

    /// The merge policy.
    pub fn policy(&self) -> Policy {
        self.shared.policy
    }

    /// Submits a write for `key`.
    ///
    /// The write is queued before this returns, so submission order is call order. The
    /// returned future resolves with the outcome of the operation that carried the write;
    /// dropping it does not cancel the write. The operation runs on the current Tokio runtime
    /// (or the one the executor was created in).
    pub fn submit(&self, key: Op::Key, write: Op::Write) -> Submitted<Op> {
        let shared = &self.shared;
        Counters::add(&shared.counters.writes_submitted, 1);
        let Some(handle) = Handle::try_current().ok().or_else(|| shared.handle.clone()) else {
            let error = shared.op.executor_error(&key, ExecutorFailure::NoRuntime);
            return Submitted::ready(Err(error));
        };
        let (reply, receiver) = oneshot::channel();
        // A joined write keeps the map's copy of the key (for an `Arc` key, one allocation
        // per key instead of one per write while a flood waits).
        let (enqueued, key) = shared.lock().enqueue(key, Pending { write, reply });
        if let Enqueued::Started(generation) = enqueued {
            tracing::trace!(key = ?key, generation, "executor: key started");
            runner::spawn(&handle, Arc::clone(shared), key.clone(), generation);
        }
        Submitted {
            state: SubmittedState::Waiting {
                receiver,
                shared: Arc::clone(shared),
                key,
            },
        }
    }

    /// Number of keys with work in flight or waiting (0 once every submitted write resolved).
    pub fn in_flight_keys(&self) -> usize {
        self.shared.lock().len()
    }

    /// Whether no key has work in flight or waiting.
    pub fn is_idle(&self) -> bool {
        self.in_flight_keys() == 0
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> ExecutorStats {
        self.shared.counters.snapshot()
    }
}

/// The future returned by [`Executor::submit`]: resolves with the outcome of the operation
/// that carried the write. Dropping it does not cancel the write.
#[must_use = "the write is already queued; await this to learn its outcome"]
pub struct Submitted<Op: Operation> {
    state: SubmittedState<Op>,
}

enum SubmittedState<Op: Operation> {
    /// Boxed: a reply known at submission is rare, and a flood holds one `Submitted` per write.
    Ready(Option<Box<Reply<Op>>>),
    Waiting {
        receiver: oneshot::Receiver<Reply<Op>>,
        shared: Arc<Shared<Op>>,
        key: Op::Key,
    },
}

impl<Op: Operation> Submitted<Op> {
    /// A future that resolves at once with `reply`: for a write refused before it reached
    /// the executor (invalid input), so the caller awaits one type either way.
    pub(crate) fn ready(reply: Reply<Op>) -> Self {
        Self {
            state: SubmittedState::Ready(Some(Box::new(reply))),
        }
    }
}

impl<Op: Operation> fmt::Debug for Submitted<Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Submitted").finish_non_exhaustive()
    }
}

// No field is ever pinned: the receiver is polled through `Pin::new`, the rest is plain data.
impl<Op: Operation> Unpin for Submitted<Op> {}

impl<Op: Operation> Future for Submitted<Op> {
    type Output = Reply<Op>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.get_mut().state {
            SubmittedState::Ready(reply) => {
                Poll::Ready(*reply.take().expect("Submitted polled after completion"))
            }
            SubmittedState::Waiting {
                receiver,
                shared,
                key,
            } => Pin::new(receiver).poll(cx).map(|received| {
                // The runner always replies before dropping a sender (its drop guard fails
                // what it could not finish); a closed channel is the last line of defence.
                received.unwrap_or_else(|_| {
                    Err(shared.op.executor_error(key, ExecutorFailure::Abandoned))
                })
            }),
        }
    }
}
