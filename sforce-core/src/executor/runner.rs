//! The per-key runner task: takes batches from the key map, runs them, publishes outcomes.

use std::any::Any;
use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures::FutureExt as _;
use tokio::runtime::Handle;
use tokio::sync::oneshot;

use super::stats::Counters;
use super::{Completion, ExecutorFailure, Merge as _, Operation, Pending, Reply, Shared};

/// Starts the runner of `key`'s entry `generation` on `handle`.
///
/// The guard is built before spawning and moved into the task, so the key's waiters are
/// failed (not stranded) even if the task is dropped before its first poll (for example when
/// the runtime is shutting down).
pub(super) fn spawn<Op: Operation>(
    handle: &Handle,
    shared: Arc<Shared<Op>>,
    key: Op::Key,
    generation: u64,
) {
    let guard = Runner {
        shared,
        key,
        generation,
        replies: VecDeque::new(),
        finished: false,
    };
    handle.spawn(guard.run());
}

/// Owns one key's entry while it exists. Dropping it unfinished fails the writes it holds and
/// the writes still waiting, and removes the entry (generation-checked).
struct Runner<Op: Operation> {
    shared: Arc<Shared<Op>>,
    key: Op::Key,
    generation: u64,
    /// Reply slots of the writes of the operation in progress, in submission order, until
    /// each is answered.
    replies: VecDeque<oneshot::Sender<Reply<Op>>>,
    finished: bool,
}

impl<Op: Operation> Runner<Op> {
    async fn run(mut self) {
        loop {
            // Take the next batch, or (nothing waits) remove the entry, in ONE critical
            // section: a write enqueued after this either is in the batch, or finds no entry
            // and starts a new runner. Nothing is awaited between the previous batch's
            // publication and this check.
            let batch = self.shared.lock().take_batch(
                &self.key,
                self.generation,
                self.shared.policy,
                |first, later| first.write.can_merge(&later.write),
            );
            let Some(batch) = batch else {
                self.finished = true;
                tracing::trace!(key = ?self.key, generation = self.generation, "executor: key idle");
                return;
            };
            self.execute_batch(batch).await;
            #[cfg(test)]
            self.shared.hooks.after_publish();
        }
    }

    /// Runs one batch and answers every write in it, in submission order.
    async fn execute_batch(&mut self, batch: Vec<Pending<Op>>) {
        let shared = Arc::clone(&self.shared);
        let count = batch.len();
        let mut writes = Vec::with_capacity(count);
        for pending in batch {
            writes.push(pending.write);
            self.replies.push_back(pending.reply);
        }
        if count == 1 {
            let write = writes.pop().expect("batch of one");
            let result = run_one(&shared, &self.key, write).await;
            self.answer_next(result.map(|output| completion(output, 1, false)));
            return;
        }

        let mut merged = writes[0].clone();
        for later in &writes[1..] {
            merged.merge(later.clone());
        }
        Counters::add(&shared.counters.writes_merged, count as u64 - 1);
        tracing::debug!(key = ?self.key, writes = count, "executor: merged waiting writes into one operation");
        match run_one(&shared, &self.key, merged).await {
            Ok(output) => {
                for _ in 0..count {
                    self.answer_next(Ok(completion(output.clone(), count, false)));
                }
            }
            Err(error) if shared.op.is_content_rejection(&self.key, &error) => {
                Counters::add(&shared.counters.replays, 1);
                tracing::info!(
                    key = ?self.key,
                    writes = count,
                    "executor: merged operation rejected for its content; replaying write by write"
                );
                // Each write is answered as soon as its own replay finishes; the others stay
                // in `self.replies`, so a drop mid-replay still fails them.
                for write in writes {
                    Counters::add(&shared.counters.replayed_writes, 1);
                    let result = run_one(&shared, &self.key, write).await;
                    self.answer_next(result.map(|output| completion(output, 1, true)));
                }
            }
            Err(error) => {
                for _ in 0..count {
                    self.answer_next(Err(error.clone()));
                }
            }
        }
    }

    /// Answers the oldest unanswered write of the current batch.
    fn answer_next(&mut self, reply: Reply<Op>) {
        let sender = self.replies.pop_front().expect("one reply slot per write");
        // A caller that stopped waiting simply does not receive it.
        let _ = sender.send(reply);
    }
}

impl<Op: Operation> Drop for Runner<Op> {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let failure = if std::thread::panicking() {
            ExecutorFailure::Panicked {
                message: "panic in the executor task outside the operation".to_owned(),
            }
        } else {
            ExecutorFailure::Abandoned
        };
        let waiting = self
            .shared
            .lock()
            .remove_if_current(&self.key, self.generation)
            .unwrap_or_default();
        tracing::warn!(
            key = ?self.key,
            in_progress = self.replies.len(),
            waiting = waiting.len(),
            %failure,
            "executor: key task stopped before finishing its writes"
        );
        let senders = self
            .replies
            .drain(..)
            .chain(waiting.into_iter().map(|p| p.reply));
        for sender in senders {
            let error = self.shared.op.executor_error(&self.key, failure.clone());
            let _ = sender.send(Err(error));
        }
    }
}

/// Runs the operation once, turning a panic into the operation's executor error.
async fn run_one<Op: Operation>(
    shared: &Shared<Op>,
    key: &Op::Key,
    write: Op::Write,
) -> Result<Op::Output, Op::Error> {
    Counters::add(&shared.counters.operations, 1);
    let result = match AssertUnwindSafe(shared.op.run(key, write))
        .catch_unwind()
        .await
    {
        Ok(result) => result,
        Err(payload) => {
            Counters::add(&shared.counters.panics, 1);
            let message = panic_message(payload.as_ref());
            tracing::error!(key = ?key, %message, "executor: write operation panicked");
            Err(shared
                .op
                .executor_error(key, ExecutorFailure::Panicked { message }))
        }
    };
    if result.is_err() {
        Counters::add(&shared.counters.failed_operations, 1);
    }
    result
}

fn completion<O>(output: O, merged_writes: usize, replayed: bool) -> Completion<O> {
    Completion {
        output,
        merged_writes,
        replayed,
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}

/// Drops an unfinished runner for `generation`, as a late drop guard of an old entry would.
#[cfg(test)]
pub(super) fn drop_stale_runner<Op: Operation>(
    shared: Arc<Shared<Op>>,
    key: Op::Key,
    generation: u64,
) {
    drop(Runner {
        shared,
        key,
        generation,
        replies: VecDeque::new(),
        finished: false,
    });
}
