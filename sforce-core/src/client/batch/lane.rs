//! Lanes and their flushers: who waits for a seat, when a batch is formed, what it holds.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use tokio::sync::{Notify, mpsc, oneshot};

use super::{Batcher, Filler, LaneKey, Pending, Seat};
use crate::client::UpsertOutcome;
use crate::error::Result;

/// Most flushers (collection requests in flight) per lane; the client's limit on requests in
/// flight applies on top.
const MAX_FLUSHERS_PER_LANE: usize = 8;

/// Most `yield_now`s a flusher makes while seats keep being asked for before it forms a batch.
/// Each lets tasks that are already runnable reach the lane; the flusher stops early once
/// nothing new arrived over two yields or a batch is full. (The drivers a returning batch
/// woke are waited for exactly, before: see [`Lane::returning`].)
const MAX_GATHER_YIELDS: usize = 32;

/// `{"allOrNone":false,"records":[` + `]}`
const BODY_OVERHEAD: usize = 40;

/// One (sObject, field): what waits for a batch, and its flushers.
#[derive(Default)]
pub(super) struct Lane {
    /// Records already built (race retries, records a batch's size bound left out); they go
    /// first in the next batch.
    pub(super) ready: VecDeque<Pending>,
    /// Drivers waiting for a seat, in arrival order.
    pub(super) seats: VecDeque<oneshot::Sender<Seat>>,
    /// Flushers alive (forming or sending a batch).
    flushers: usize,
    /// Flushers forming a batch (not yet granted their seats).
    forming: usize,
    /// Drivers a returning batch has answered that have neither asked for their next seat nor
    /// gone idle yet ([`Returning`]). Each is runnable and does one or the other as soon as it
    /// runs. A flusher forming a batch waits for them, so the writes that waited while their
    /// record was in flight go out together, not split by how the runtime (or the OS)
    /// happened to schedule their drivers.
    returning: usize,
    /// Wakes a flusher waiting for the returning drivers: notified when `returning` drops to
    /// 0 and when a full batch is waiting.
    settled: Arc<Notify>,
}

impl Lane {
    fn waiting(&self) -> usize {
        self.ready.len() + self.seats.len()
    }

    /// One returning driver asked for its seat or went idle.
    fn settle_one(&mut self) {
        self.returning = self.returning.saturating_sub(1);
        if self.returning == 0 {
            self.settled.notify_waiters();
        }
    }

    /// Nothing waits, runs or is about to ask for a seat: the lane can go.
    fn is_unused(&self) -> bool {
        self.flushers == 0 && self.waiting() == 0 && self.returning == 0
    }

    /// Whether a new flusher is needed: none is forming a batch, and the lane is idle or a
    /// full batch waits while every flusher is sending.
    fn wants_flusher(&self, max_records: usize) -> bool {
        self.forming == 0
            && (self.flushers == 0
                || (self.waiting() >= max_records && self.flushers < MAX_FLUSHERS_PER_LANE))
    }
}

impl Batcher {
    /// Adds work to a lane (under the lock) and starts a flusher if the lane needs one.
    pub(super) fn arrive(self: &Arc<Self>, lane_key: LaneKey, add: impl FnOnce(&mut Lane)) {
        let start = {
            let mut lanes = self.lock();
            let lane = lanes.entry(lane_key.clone()).or_default();
            add(lane);
            if lane.waiting() >= self.policy.max_records {
                lane.settled.notify_waiters();
            }
            self.claim_flusher(lane)
        };
        if start {
            tokio::spawn(Arc::clone(self).flush(lane_key));
        }
    }

    /// Counts a new flusher in `lane` if it needs one; the caller then spawns it.
    fn claim_flusher(&self, lane: &mut Lane) -> bool {
        let start = lane.wants_flusher(self.policy.max_records);
        if start {
            lane.flushers += 1;
            lane.forming += 1;
        }
        start
    }

    /// Queues a built record (a race retry, or a record whose seat's flusher is gone).
    pub(super) fn enqueue_ready(self: &Arc<Self>, pending: Pending) {
        let key = super::lane_key(pending.key.sobject(), pending.key.field());
        self.arrive(key, |lane| lane.ready.push_back(pending));
    }

    /// A flusher: forms and sends batches of its lane until the lane has nothing waiting.
    async fn flush(self: Arc<Self>, lane_key: LaneKey) {
        let mut guard = FlusherGuard {
            batcher: Arc::clone(&self),
            lane_key: lane_key.clone(),
            forming: true,
            finished: false,
        };
        if !self.policy.linger.is_zero() {
            tokio::time::sleep(self.policy.linger).await;
        }
        loop {
            self.gather(&lane_key).await;
            let (filler, mut filled) = mpsc::unbounded_channel();
            let granted = self.grant(&lane_key, &filler);
            guard.forming = false;
            let Some(mut batch) = granted else {
                guard.finished = true;
                return;
            };
            // Every granted seat is filled or dropped (a driver stopped): the channel closes
            // once the last one is.
            drop(filler);
            while let Some(record) = filled.recv().await {
                batch.extend(record);
            }
            let batch = self.fit(&lane_key, batch);
            if !batch.is_empty() {
                self.send(batch).await;
            }
            if !self.reform(&lane_key) {
                guard.finished = true;
                return;
            }
            guard.forming = true;
        }
    }

    /// Lets the drivers that will ask for a seat now ask before a batch is formed: first every
    /// driver a returning batch answered ([`Lane::returning`], an exact count: the wait ends
    /// when the last of them has asked for its seat or gone idle, or when a full batch waits),
    /// then whatever else is runnable (see [`MAX_GATHER_YIELDS`]).
    async fn gather(&self, lane_key: &LaneKey) {
        self.wait_for_returning(lane_key).await;
        let waiting = || self.lock().get(lane_key).map_or(0, Lane::waiting);
        let mut seen = waiting();
        let mut quiet = 0;
        for _ in 0..MAX_GATHER_YIELDS {
            if seen >= self.policy.max_records || quiet >= 2 {
                return;
            }
            tokio::task::yield_now().await;
            let now = waiting();
            quiet = if now == seen { quiet + 1 } else { 0 };
            seen = now;
        }
    }

    /// Waits (woken by [`Lane::settled`], no polling) until no answered driver of the lane is
    /// still to run, or a full batch waits. Each such driver is runnable, so this ends as soon
    /// as the runtime has run them, however it schedules them.
    async fn wait_for_returning(&self, lane_key: &LaneKey) {
        loop {
            let Some(settled) = self.lock().get(lane_key).map(|l| Arc::clone(&l.settled)) else {
                return;
            };
            let notified = settled.notified();
            tokio::pin!(notified);
            // Registered before the check: a change right after it still wakes this flusher.
            notified.as_mut().enable();
            let done = self.lock().get(lane_key).is_none_or(|lane| {
                lane.returning == 0 || lane.waiting() >= self.policy.max_records
            });
            if done {
                return;
            }
            notified.await;
        }
    }

    /// Answers one driver of a batch of `lane_key` with `result`, counting it as returning
    /// until it reads the answer (see [`Lane::returning`]).
    pub(super) fn answer(
        self: &Arc<Self>,
        lane_key: &LaneKey,
        reply: oneshot::Sender<Answer>,
        result: Result<UpsertOutcome>,
    ) {
        if let Some(lane) = self.lock().get_mut(lane_key) {
            lane.returning += 1;
        }
        let returning = Returning {
            batcher: Some(Arc::clone(self)),
            lane_key: lane_key.clone(),
        };
        // A driver that is gone drops the answer, and with it the token.
        let _ = reply.send(Answer { result, returning });
    }

    /// Forms the next batch: the lane's built records first, then seats granted (through
    /// `filler`) up to the record bound. With nothing waiting, this flusher leaves the lane in
    /// the same critical section and `None` is returned.
    fn grant(self: &Arc<Self>, lane_key: &LaneKey, filler: &Filler) -> Option<Vec<Pending>> {
        let max = self.policy.max_records;
        let (batch, another) = {
            let mut lanes = self.lock();
            let lane = lanes.get_mut(lane_key)?;
            lane.forming -= 1;
            if lane.waiting() == 0 {
                lane.flushers -= 1;
                if lane.is_unused() {
                    lanes.remove(lane_key);
                }
                return None;
            }
            let take = lane.ready.len().min(max);
            let batch: Vec<Pending> = lane.ready.drain(..take).collect();
            let mut seats = batch.len();
            while seats < max {
                let Some(grant) = lane.seats.pop_front() else {
                    break;
                };
                // A driver that stopped waiting returns the seat, whose drop tells the filler.
                let _ = grant.send(Seat {
                    batcher: Arc::clone(self),
                    filler: Some(filler.clone()),
                });
                seats += 1;
            }
            // A full batch still waits: it need not wait for this one's reply.
            (batch, self.claim_flusher(lane))
        };
        if another {
            tokio::spawn(Arc::clone(self).flush(lane_key.clone()));
        }
        Some(batch)
    }

    /// Keeps what fits one request (the size bound; a record at most once) and puts the rest
    /// back at the front of the lane, in order.
    fn fit(&self, lane_key: &LaneKey, batch: Vec<Pending>) -> Vec<Pending> {
        let mut keys = HashSet::new();
        let mut bytes = BODY_OVERHEAD;
        let (mut kept, mut left) = (Vec::with_capacity(batch.len()), Vec::new());
        for pending in batch {
            let size = pending.record.bytes.len() + 1;
            let fits = kept.is_empty() || bytes + size <= self.policy.max_request_bytes;
            let key = pending.record.key.clone().unwrap_or_default();
            if fits && !keys.contains(&key) {
                bytes += size;
                keys.insert(key);
                kept.push(pending);
            } else {
                left.push(pending);
            }
        }
        if !left.is_empty() {
            // This flusher still counts in the lane, so the lane exists.
            let mut lanes = self.lock();
            let lane = lanes.entry(lane_key.clone()).or_default();
            for pending in left.into_iter().rev() {
                lane.ready.push_front(pending);
            }
        }
        kept
    }

    /// A flusher that sent its batch forms the next one, unless another flusher is forming
    /// one, or other batches of the lane are still in flight and no full batch waits: then
    /// it leaves, and what is ready goes with the last of those to return (group commit:
    /// one partial batch per round trip, not one per returning request). Returns whether
    /// it forms.
    fn reform(&self, lane_key: &LaneKey) -> bool {
        let mut lanes = self.lock();
        let Some(lane) = lanes.get_mut(lane_key) else {
            return false;
        };
        let others_sending = lane.flushers - lane.forming - 1;
        if lane.forming > 0 || (others_sending > 0 && lane.waiting() < self.policy.max_records) {
            lane.flushers -= 1;
            return false;
        }
        lane.forming += 1;
        true
    }
}

/// A driver answered by a batch that has not yet asked for its next seat nor gone idle (see
/// [`Lane::returning`]). It travels with the answer to the driver, which keeps it until it
/// asks for its next seat ([`Returning::settle`], in the same critical section that queues
/// the seat) or goes idle (dropped). Dropped with the answer if the driver is gone.
pub(crate) struct Returning {
    /// `None` once settled.
    batcher: Option<Arc<Batcher>>,
    lane_key: LaneKey,
}

impl Returning {
    /// The driver asks for its next seat in `lane` (whose lock the caller holds).
    /// Never drops an armed token: its `Drop` would take the lock the caller holds.
    pub(super) fn settle(mut self, lane_key: &LaneKey, lane: &mut Lane) {
        // One record, one lane: the seat's lane is the answer's.
        debug_assert_eq!(*lane_key, self.lane_key);
        self.batcher = None;
        lane.settle_one();
    }
}

impl std::fmt::Debug for Returning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Returning")
            .field("lane", &self.lane_key)
            .finish_non_exhaustive()
    }
}

impl Drop for Returning {
    fn drop(&mut self) {
        let Some(batcher) = self.batcher.take() else {
            return;
        };
        let mut lanes = batcher.lock();
        if let Some(lane) = lanes.get_mut(&self.lane_key) {
            lane.settle_one();
            if lane.is_unused() {
                lanes.remove(&self.lane_key);
            }
        }
    }
}

/// What a driver's record got from its batch.
pub(super) struct Answer {
    pub(super) result: Result<UpsertOutcome>,
    pub(super) returning: Returning,
}

/// Leaves the lane if a flusher stops without doing so (its task dropped or panicked), and
/// hands what still waits to a new flusher.
struct FlusherGuard {
    batcher: Arc<Batcher>,
    lane_key: LaneKey,
    forming: bool,
    finished: bool,
}

impl Drop for FlusherGuard {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let restart = {
            let mut lanes = self.batcher.lock();
            let Some(lane) = lanes.get_mut(&self.lane_key) else {
                return;
            };
            lane.flushers -= 1;
            if self.forming {
                lane.forming -= 1;
            }
            if lane.is_unused() {
                lanes.remove(&self.lane_key);
                false
            } else {
                self.batcher.claim_flusher(lane)
            }
        };
        if restart && tokio::runtime::Handle::try_current().is_ok() {
            tokio::spawn(Arc::clone(&self.batcher).flush(self.lane_key.clone()));
        }
    }
}
