//! The per-key runner task: waits for admission, takes batches from the key map, runs them,
//! publishes outcomes.

use std::any::Any;
use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures::FutureExt as _;
use tokio::runtime::Handle;
use tokio::sync::oneshot;

use super::stats::Counters;
use super::{Completion, ExecutorFailure, Merge as _, Operation, Pending, Reply, Shared};

/// Longest panic message kept (a panic payload can be arbitrarily large).
const MAX_PANIC_MESSAGE: usize = 500;

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
            // Nothing waits: the entry is removed in this same critical section, so a write
            // enqueued after it starts a new runner.
            if !self
                .shared
                .lock()
                .has_work_or_remove(&self.key, self.generation)
            {
                self.finished = true;
                self.go_idle();
                return;
            }
            // Leave first, batch second: writes arriving while this waits join the batch.
            // Boxed (here and in `run_one`): a runner waits far longer than it runs, and an
            // inline HTTP future would size every waiting key's task for the request it has
            // not sent yet (50,000 waiting keys: ~300 MB).
            let admission = Box::pin(self.shared.op.admit(&self.key)).await;
            let batch = self.take_batch();
            let Some(batch) = batch else {
                // Only this runner drains its entry; reached only if the entry went stale.
                self.finished = true;
                return;
            };
            let last = self.execute_batch(batch, admission).await;
            // Remove the entry BEFORE answering the batch's last write when nothing else
            // waits, so a caller that got the last reply never sees the key still in flight.
            let idle = !self
                .shared
                .lock()
                .has_work_or_remove(&self.key, self.generation);
            if idle {
                self.finished = true;
            }
            self.answer_next(last);
            #[cfg(test)]
            self.shared.hooks.after_publish();
            if idle {
                self.go_idle();
                return;
            }
        }
    }

    /// Nothing waits: tells the operation (a panic there is counted, not propagated).
    fn go_idle(&self) {
        tracing::trace!(key = ?self.key, generation = self.generation, "executor: key idle");
        let shared = &*self.shared;
        if let Err(payload) =
            std::panic::catch_unwind(AssertUnwindSafe(|| shared.op.idle(&self.key)))
        {
            note_panic(shared, &self.key, payload.as_ref(), "Operation::idle");
        }
    }

    /// Takes the next batch; a panicking [`Merge::can_merge`](super::Merge::can_merge) is
    /// counted and treated as "do not merge".
    fn take_batch(&self) -> Option<Vec<Pending<Op>>> {
        let shared = &*self.shared;
        shared.lock().take_batch(
            &self.key,
            self.generation,
            shared.max_merged,
            |first, later| {
                std::panic::catch_unwind(AssertUnwindSafe(|| first.write.can_merge(&later.write)))
                    .unwrap_or_else(|payload| {
                        note_panic(shared, &self.key, payload.as_ref(), "Merge::can_merge");
                        false
                    })
            },
        )
    }

    /// Runs one batch and answers every write in it but the last, in submission order; the
    /// last write's reply is returned (its slot stays in `self.replies` until answered).
    async fn execute_batch(
        &mut self,
        batch: Vec<Pending<Op>>,
        admission: Op::Admission,
    ) -> Reply<Op> {
        let shared = Arc::clone(&self.shared);
        let count = batch.len();
        let mut writes = Vec::with_capacity(count);
        for pending in batch {
            writes.push(pending.write);
            self.replies.push_back(pending.reply);
        }
        if count == 1 {
            let write = writes.pop().expect("batch of one");
            let result = run_one(&shared, &self.key, write, admission).await;
            return result.map(|output| completion(output, 1, false));
        }

        let merged = match merge_all(&shared, &self.key, &writes) {
            Ok(merged) => merged,
            Err(error) => {
                drop(admission);
                Counters::add(&shared.counters.failed_operations, 1);
                return self.answer_all_but_last(count, Err(error));
            }
        };
        Counters::add(&shared.counters.writes_merged, count as u64 - 1);
        tracing::debug!(key = ?self.key, writes = count, "executor: merged waiting writes into one operation");
        match run_one(&shared, &self.key, merged, admission).await {
            Ok(output) => self.answer_all_but_last(count, Ok(completion(output, count, false))),
            Err(error) if shared.op.is_content_rejection(&self.key, &error) => {
                Counters::add(&shared.counters.replays, 1);
                tracing::info!(
                    key = ?self.key,
                    writes = count,
                    "executor: merged operation rejected for its content; replaying write by write"
                );
                // Each write is answered as soon as its own replay finishes; the others stay
                // in `self.replies`, so a drop mid-replay still fails them.
                let mut last = None;
                for (i, write) in writes.into_iter().enumerate() {
                    Counters::add(&shared.counters.replayed_writes, 1);
                    let admission = Box::pin(shared.op.admit(&self.key)).await;
                    let result = run_one(&shared, &self.key, write, admission).await;
                    let reply = result.map(|output| completion(output, 1, true));
                    if i + 1 == count {
                        last = Some(reply);
                    } else {
                        self.answer_next(reply);
                    }
                }
                last.expect("a merged batch has writes")
            }
            Err(error) => self.answer_all_but_last(count, Err(error)),
        }
    }

    /// Answers `count - 1` writes with clones of `reply` and returns it for the last one.
    fn answer_all_but_last(&mut self, count: usize, reply: Reply<Op>) -> Reply<Op> {
        for _ in 1..count {
            self.answer_next(reply.clone());
        }
        reply
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
            // A panic here, possibly while already unwinding, would abort the process: a
            // panicking `executor_error` leaves the sender unanswered instead (its caller then
            // sees a closed channel and builds the error in its own task).
            let error = std::panic::catch_unwind(AssertUnwindSafe(|| {
                self.shared.op.executor_error(&self.key, failure.clone())
            }));
            if let Ok(error) = error {
                let _ = sender.send(Err(error));
            }
        }
        // The key has no runner any more: what the operation keeps for it goes too.
        let _ = std::panic::catch_unwind(AssertUnwindSafe(|| self.shared.op.idle(&self.key)));
    }
}

/// Folds the writes of a batch into one, in order. A panic in the user's
/// [`Merge::merge`](super::Merge::merge) fails the batch with its message (nothing is sent).
fn merge_all<Op: Operation>(
    shared: &Shared<Op>,
    key: &Op::Key,
    writes: &[Op::Write],
) -> Result<Op::Write, Op::Error> {
    std::panic::catch_unwind(AssertUnwindSafe(|| {
        let mut merged = writes[0].clone();
        for later in &writes[1..] {
            merged.merge(later.clone());
        }
        merged
    }))
    .map_err(|payload| {
        let message = note_panic(shared, key, payload.as_ref(), "Merge::merge");
        shared
            .op
            .executor_error(key, ExecutorFailure::Panicked { message })
    })
}

/// Runs the operation once, turning a panic into the operation's executor error.
async fn run_one<Op: Operation>(
    shared: &Shared<Op>,
    key: &Op::Key,
    write: Op::Write,
    admission: Op::Admission,
) -> Result<Op::Output, Op::Error> {
    Counters::add(&shared.counters.operations, 1);
    let result = match AssertUnwindSafe(Box::pin(shared.op.run(key, write, admission)))
        .catch_unwind()
        .await
    {
        Ok(result) => result,
        Err(payload) => {
            let message = note_panic(shared, key, payload.as_ref(), "Operation::run");
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

/// Counts and logs a caught panic; returns its (bounded) message.
fn note_panic<Op: Operation>(
    shared: &Shared<Op>,
    key: &Op::Key,
    payload: &(dyn Any + Send),
    place: &'static str,
) -> String {
    Counters::add(&shared.counters.panics, 1);
    let message = panic_message(payload);
    tracing::error!(key = ?key, %message, place, "executor: panic in user code caught");
    message
}

fn completion<O>(output: O, merged_writes: usize, replayed: bool) -> Completion<O> {
    Completion {
        output,
        merged_writes,
        replayed,
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    let text = if let Some(s) = payload.downcast_ref::<&'static str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.as_str()
    } else {
        "non-string panic payload"
    };
    crate::error::bounded(text, MAX_PANIC_MESSAGE)
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
