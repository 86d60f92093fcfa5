//! The key map: which keys have work in flight or waiting, and the waiting writes.
//!
//! Plain data behind the executor's mutex; nothing here awaits or does I/O. An entry exists
//! exactly while its key has a runner task, which is the only one allowed to remove it, and
//! every removal is checked against the entry's generation so a late or stale remover can
//! never delete a newer entry for the same key.

use std::collections::{HashMap, VecDeque, hash_map};
use std::hash::Hash;

/// Capacity above which an emptied map gives its memory back.
const SHRINK_ABOVE: usize = 256;

/// One key's state: the writes waiting for the in-flight operation to finish.
#[derive(Debug)]
struct Entry<P> {
    generation: u64,
    waiting: VecDeque<P>,
}

/// Map from key to its waiting writes; `P` is one pending write (write + reply slot).
#[derive(Debug)]
pub(super) struct KeyMap<K, P> {
    entries: HashMap<K, Entry<P>>,
    next_generation: u64,
}

/// What [`KeyMap::enqueue`] did.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Enqueued {
    /// The key had no entry: one was created with this generation, and the caller must start
    /// the key's runner for it.
    Started(u64),
    /// The key already has a runner; the write waits in its queue.
    Joined,
}

impl<K: Eq + Hash + Clone, P> KeyMap<K, P> {
    pub(super) fn new() -> Self {
        Self {
            entries: HashMap::new(),
            next_generation: 1,
        }
    }

    /// Number of keys with work in flight or waiting.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Adds a write behind the key's queue, creating the entry when the key has none. Returns
    /// what it did and a clone of the key as the map holds it (`key` itself when it started
    /// the entry).
    pub(super) fn enqueue(&mut self, key: K, pending: P) -> (Enqueued, K) {
        match self.entries.entry(key) {
            hash_map::Entry::Occupied(mut held) => {
                held.get_mut().waiting.push_back(pending);
                (Enqueued::Joined, held.key().clone())
            }
            hash_map::Entry::Vacant(slot) => {
                let generation = self.next_generation;
                self.next_generation += 1;
                let key = slot.key().clone();
                let mut waiting = VecDeque::with_capacity(1);
                waiting.push_back(pending);
                slot.insert(Entry {
                    generation,
                    waiting,
                });
                (Enqueued::Started(generation), key)
            }
        }
    }

    /// Whether the key's entry `generation` has writes waiting. When it has none, the entry
    /// is removed in the same critical section (the runner must stop). A stale generation
    /// gets `false` and removes nothing.
    pub(super) fn has_work_or_remove(&mut self, key: &K, generation: u64) -> bool {
        match self.entries.get(key) {
            Some(entry) if entry.generation == generation => {
                if entry.waiting.is_empty() {
                    self.remove_if_current(key, generation);
                    false
                } else {
                    true
                }
            }
            _ => false,
        }
    }

    /// The runner of `generation` takes its next batch: the oldest waiting write and, with the
    /// merge policy, the writes after it that `mergeable(first, later)` accepts, up to the
    /// first one it refuses and at most `max` in all. When nothing waits, the entry is removed
    /// in the same critical section and `None` is returned: the runner must stop. A runner
    /// whose generation is not the key's current one gets `None` and removes nothing.
    pub(super) fn take_batch(
        &mut self,
        key: &K,
        generation: u64,
        max: usize,
        mergeable: impl Fn(&P, &P) -> bool,
    ) -> Option<Vec<P>> {
        if !self.has_work_or_remove(key, generation) {
            return None;
        }
        let entry = self.entries.get_mut(key)?;
        let first = &entry.waiting[0];
        let len = 1 + entry
            .waiting
            .iter()
            .skip(1)
            .take(max.saturating_sub(1))
            .take_while(|later| mergeable(first, later))
            .count();
        Some(entry.waiting.drain(..len).collect())
    }

    /// Removes the key's entry if it is still `generation`'s, returning the writes that were
    /// waiting in it. A stale generation removes nothing.
    pub(super) fn remove_if_current(&mut self, key: &K, generation: u64) -> Option<VecDeque<P>> {
        match self.entries.get(key) {
            Some(entry) if entry.generation == generation => {}
            _ => return None,
        }
        let entry = self.entries.remove(key)?;
        if self.entries.is_empty() && self.entries.capacity() > SHRINK_ABOVE {
            self.entries.shrink_to_fit();
        }
        Some(entry.waiting)
    }

    #[cfg(test)]
    pub(super) fn capacity(&self) -> usize {
        self.entries.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::{Enqueued, KeyMap};

    #[test]
    fn stale_generation_never_removes_a_newer_entry() {
        let mut map: KeyMap<&str, u32> = KeyMap::new();
        let Enqueued::Started(old) = map.enqueue("k", 1).0 else {
            panic!("first write must start the key")
        };
        assert_eq!(
            map.take_batch(&"k", old, usize::MAX, |_, _| true),
            Some(vec![1])
        );
        // The old runner finishes: nothing waits, so the entry goes.
        assert_eq!(map.take_batch(&"k", old, usize::MAX, |_, _| true), None);
        assert_eq!(map.len(), 0);
        // A new write starts a new entry with a new generation.
        let Enqueued::Started(new) = map.enqueue("k", 2).0 else {
            panic!("write after removal must start the key again")
        };
        assert_ne!(old, new);
        // A late remover from the old generation (an unconditional remove would delete the
        // new entry and lose write 2).
        assert_eq!(map.remove_if_current(&"k", old), None);
        assert_eq!(map.take_batch(&"k", old, usize::MAX, |_, _| true), None);
        assert_eq!(map.len(), 1);
        assert_eq!(
            map.take_batch(&"k", new, usize::MAX, |_, _| true),
            Some(vec![2])
        );
    }

    #[test]
    fn serialize_takes_one_merge_takes_all() {
        let mut map: KeyMap<u8, u32> = KeyMap::new();
        let Enqueued::Started(generation) = map.enqueue(7, 1).0 else {
            panic!()
        };
        assert_eq!(map.enqueue(7, 2).0, Enqueued::Joined);
        assert_eq!(map.enqueue(7, 3).0, Enqueued::Joined);
        assert_eq!(
            map.take_batch(&7, generation, 1, |_, _| true),
            Some(vec![1])
        );
        assert_eq!(
            map.take_batch(&7, generation, usize::MAX, |_, _| true),
            Some(vec![2, 3])
        );
        assert_eq!(
            map.take_batch(&7, generation, usize::MAX, |_, _| true),
            None
        );
        assert_eq!(map.len(), 0);
    }

    #[test]
    fn merge_stops_at_the_first_unmergeable_write() {
        let mut map: KeyMap<u8, u32> = KeyMap::new();
        let Enqueued::Started(generation) = map.enqueue(1, 10).0 else {
            panic!()
        };
        for write in [12, 14, 15, 16] {
            map.enqueue(1, write);
        }
        let same_parity = |a: &u32, b: &u32| a % 2 == b % 2;
        assert_eq!(
            map.take_batch(&1, generation, usize::MAX, same_parity),
            Some(vec![10, 12, 14])
        );
        assert_eq!(
            map.take_batch(&1, generation, usize::MAX, same_parity),
            Some(vec![15])
        );
        assert_eq!(
            map.take_batch(&1, generation, usize::MAX, same_parity),
            Some(vec![16])
        );
        assert_eq!(
            map.take_batch(&1, generation, usize::MAX, same_parity),
            None
        );
    }

    #[test]
    fn emptied_map_returns_its_memory() {
        let mut map: KeyMap<u32, ()> = KeyMap::new();
        let generations: Vec<u64> = (0..10_000)
            .map(|k| match map.enqueue(k, ()).0 {
                Enqueued::Started(g) => g,
                Enqueued::Joined => panic!(),
            })
            .collect();
        assert!(map.capacity() >= 10_000);
        for (k, g) in (0..10_000).zip(generations) {
            assert!(map.remove_if_current(&k, g).is_some());
        }
        assert_eq!(map.len(), 0);
        assert!(map.capacity() < 10_000, "capacity {}", map.capacity());
    }
}
