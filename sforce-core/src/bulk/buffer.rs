//! The CSV of one ingest job being built: rows, writes to one key merged, and the index that
//! joins results back to input positions.
//!
//! Memory: the job's CSV (at most the upload limit, plus merged-away rows until they are
//! compacted in place, which happens once they outweigh the live rows) and, per row, 40 to 60
//! bytes: a 24-byte slot and a hash-map entry (a 64-bit hash of the key, never the key itself;
//! the map keeps 1/8 to 1/2 of its buckets free). The key set is per job: it is emptied when
//! the job is done (its allocations reused by the next job, see [`Spare`]), so a load's memory
//! is flat in its number of records.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

use super::csv::{read_record, write_record};

/// How rows are keyed: which writes are "the same record".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RowKey {
    /// By the cell of this column: upsert (external ID) or update/delete (`Id`). Writes with
    /// the same key are merged.
    Column {
        name: String,
        /// Case-folded unless the field is case-sensitive; an `Id` compares by its first 15
        /// characters.
        fold: KeyFold,
    },
    /// Insert: every input is its own row; results are joined by the row's content.
    Content,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyFold {
    Exact,
    Lowercase,
    RecordId,
}

impl KeyFold {
    pub(crate) fn normalize(self, value: &str) -> String {
        match self {
            KeyFold::Exact => value.to_owned(),
            KeyFold::Lowercase => value.to_lowercase(),
            KeyFold::RecordId => value.get(..15).unwrap_or(value).to_owned(),
        }
    }
}

/// One row of the job (a record after merging).
#[derive(Debug, Clone)]
struct Slot {
    start: usize,
    len: u32,
    /// Input position of the first write in the row.
    first_input: u64,
    /// Next row with the same hash (insert rows with identical content), or `u32::MAX`.
    next_same: u32,
}

const NONE: u32 = u32::MAX;

/// Why a row could not be added to this job.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// The job is full: start another one.
    Full,
    /// Another key with the same 64-bit hash is in this job (astronomically rare): start
    /// another job, which keeps "one key once per job" exact.
    HashCollision,
}

/// The outcome of adding a row.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Added {
    New,
    /// Merged into the row of an earlier write to the same key.
    Merged,
}

/// The rows of one job.
pub(crate) struct JobBuffer {
    columns: Vec<String>,
    by_name: HashMap<String, usize>,
    /// Columns already in the header line at the start of `data`.
    header_columns: usize,
    key: RowKey,
    key_column: Option<usize>,
    data: Vec<u8>,
    slots: Vec<Slot>,
    by_hash: HashMap<u64, u32>,
    /// Inputs merged into a row other than its first: (row, input).
    extra_inputs: Vec<(u32, u64)>,
    garbage: usize,
    /// Where the header line ends (rows start there).
    header_end: usize,
    /// The fewest cells any row was written with (rows written before a column was added
    /// are padded when the job is finished).
    narrowest: usize,
    /// Per column: whether any row has a non-empty cell in it.
    used: Vec<bool>,
    limit: usize,
    hasher: std::collections::hash_map::RandomState,
    /// Empty: the join index's answered flags, kept for their allocation.
    done: Vec<bool>,
}

/// The allocations of a finished job, emptied, for the next job of the load. Reusing them
/// (rather than freeing and allocating again) keeps the load's memory flat from job to job:
/// freeing blocks of several MB raises glibc's mmap threshold, and later jobs' blocks then
/// come from the heap, which fragments and grows (measured: +50% RSS over 2M records).
#[derive(Debug, Default)]
pub(crate) struct Spare {
    data: Vec<u8>,
    slots: Vec<Slot>,
    by_hash: HashMap<u64, u32>,
    done: Vec<bool>,
}

impl Spare {
    /// Gives back the CSV buffer after its upload.
    pub(crate) fn with_data(mut self, data: Vec<u8>) -> Self {
        self.data = data;
        self.data.clear();
        self
    }
}

impl JobBuffer {
    pub(crate) fn new(
        columns: &[String],
        key: RowKey,
        limit: usize,
        hasher: std::collections::hash_map::RandomState,
        spare: Spare,
    ) -> Self {
        let mut buffer = JobBuffer {
            columns: Vec::new(),
            by_name: HashMap::new(),
            header_columns: 0,
            key,
            key_column: None,
            data: spare.data,
            slots: spare.slots,
            by_hash: spare.by_hash,
            extra_inputs: Vec::new(),
            garbage: 0,
            header_end: 0,
            narrowest: usize::MAX,
            used: Vec::new(),
            limit,
            hasher,
            done: spare.done,
        };
        for column in columns {
            buffer.column_index(column);
        }
        if !buffer.columns.is_empty() {
            write_record(
                &mut buffer.data,
                buffer.columns.iter().map(|c| c.as_bytes()),
            )
            .expect("writing to memory");
            buffer.header_columns = buffer.columns.len();
            buffer.header_end = buffer.data.len();
        }
        buffer
    }

    pub(crate) fn rows(&self) -> usize {
        self.slots.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub(crate) fn columns(&self) -> &[String] {
        &self.columns
    }

    pub(crate) fn key(&self) -> &RowKey {
        &self.key
    }

    /// The index of a column, added when new (API names are case-insensitive).
    pub(crate) fn column_index(&mut self, name: &str) -> usize {
        let folded = name.to_ascii_lowercase();
        if let Some(&i) = self.by_name.get(&folded) {
            return i;
        }
        let i = self.columns.len();
        self.columns.push(name.to_owned());
        self.used.push(false);
        self.by_name.insert(folded, i);
        if let RowKey::Column { name: key, .. } = &self.key
            && key.eq_ignore_ascii_case(name)
        {
            self.key_column = Some(i);
        }
        i
    }

    fn live_bytes(&self) -> usize {
        self.data.len() - self.garbage
    }

    /// The join hash of a row: its key, or (insert) its non-empty cells with their column
    /// names, so a row reads the same with or without padding and dropped columns.
    pub(crate) fn hash_row<'a>(&self, cells: impl IntoIterator<Item = &'a str>) -> Option<u64> {
        let mut h = self.hasher.build_hasher();
        match &self.key {
            RowKey::Column { fold, .. } => {
                let value = cells.into_iter().nth(self.key_column?)?;
                if value.is_empty() || value == super::csv::NULL_CELL {
                    return None;
                }
                h.write(fold.normalize(value).as_bytes());
            }
            RowKey::Content => content_hash(&mut h, &self.columns, cells),
        }
        Some(h.finish())
    }

    /// The key value of the row `slot`, normalized (for collision checks).
    fn key_of_slot(&self, slot: &Slot) -> Option<String> {
        let RowKey::Column { fold, .. } = &self.key else {
            return None;
        };
        let line = &self.data[slot.start..slot.start + slot.len as usize];
        let record = read_record(line)?;
        let cell = record.get(self.key_column?)?;
        Some(fold.normalize(std::str::from_utf8(cell).ok()?))
    }

    /// Adds the row `cells` (one per column, `""` = unchanged) of input `input`.
    pub(crate) fn add(&mut self, input: u64, cells: &[String]) -> Result<Added, Refused> {
        for (used, cell) in self.used.iter_mut().zip(cells) {
            *used |= !cell.is_empty();
        }
        let hash = self
            .hash_row(cells.iter().map(String::as_str))
            .expect("rows without a key are rejected before");
        let merge_into = match (&self.key, self.by_hash.get(&hash)) {
            (RowKey::Column { fold, .. }, Some(&row)) => {
                let existing = self.key_of_slot(&self.slots[row as usize]);
                let key = cells[self.key_column.expect("key column")].as_str();
                if existing.as_deref() != Some(fold.normalize(key).as_str()) {
                    return Err(Refused::HashCollision);
                }
                Some(row)
            }
            _ => None,
        };
        if let Some(row) = merge_into {
            let slot = self.slots[row as usize].clone();
            let old = read_record(&self.data[slot.start..slot.start + slot.len as usize])
                .expect("rows written by this buffer read back");
            let merged: Vec<&[u8]> = (0..cells.len())
                .map(|i| {
                    if cells[i].is_empty() {
                        old.get(i).unwrap_or_default()
                    } else {
                        cells[i].as_bytes()
                    }
                })
                .collect();
            let start = self.data.len();
            write_record(&mut self.data, merged).expect("writing to memory");
            self.garbage += slot.len as usize;
            let new = &mut self.slots[row as usize];
            new.start = start;
            new.len = (self.data.len() - start) as u32;
            self.extra_inputs.push((row, input));
            if self.garbage > self.live_bytes() {
                self.compact_in_place();
            }
            return Ok(Added::Merged);
        }
        let start = self.data.len();
        write_record(&mut self.data, cells.iter().map(|c| c.as_bytes()))
            .expect("writing to memory");
        let len = self.data.len() - start;
        self.narrowest = self.narrowest.min(cells.len());
        let header = if self.header_columns == self.columns.len() {
            0
        } else {
            // The header will be rewritten with every column.
            self.columns.iter().map(|c| c.len() + 1).sum()
        };
        if !self.slots.is_empty() && self.live_bytes() + header > self.limit {
            self.data.truncate(start);
            return Err(Refused::Full);
        }
        let row = self.slots.len() as u32;
        let next_same = match self.key {
            RowKey::Content => self.by_hash.get(&hash).copied().unwrap_or(NONE),
            RowKey::Column { .. } => NONE,
        };
        self.slots.push(Slot {
            start,
            len: len as u32,
            first_input: input,
            next_same,
        });
        self.by_hash.insert(hash, row);
        Ok(Added::New)
    }

    /// Drops merged-away rows without a second buffer: live rows move down in byte order
    /// (never past their old position), so the job's memory stays one CSV plus 16 bytes a
    /// row for the sort.
    fn compact_in_place(&mut self) {
        let mut order: Vec<(usize, u32)> = self
            .slots
            .iter()
            .enumerate()
            .map(|(i, s)| (s.start, i as u32))
            .collect();
        order.sort_unstable();
        let mut cursor = self.header_end;
        for (start, i) in order {
            let slot = &mut self.slots[i as usize];
            let len = slot.len as usize;
            self.data.copy_within(start..start + len, cursor);
            slot.start = cursor;
            cursor += len;
        }
        self.data.truncate(cursor);
        self.garbage = 0;
    }

    /// Rewrites `data` with only the live rows, every row as wide as the header, and only
    /// the columns in `keep` (all when `None`).
    fn compact(&mut self, keep: Option<&[bool]>) {
        let mut data = Vec::with_capacity(self.live_bytes() + 64);
        let kept = |i: usize| keep.is_none_or(|k| k[i]);
        let header = self.columns.iter().enumerate().filter(|(i, _)| kept(*i));
        write_record(&mut data, header.map(|(_, c)| c.as_bytes())).expect("memory");
        let header_end = data.len();
        let width = self.columns.len();
        for slot in &mut self.slots {
            let line = &self.data[slot.start..slot.start + slot.len as usize];
            let start = data.len();
            if keep.is_some() || count_cells(line) < width {
                let record = read_record(line).expect("own rows read back");
                let padded = record
                    .iter()
                    .chain(std::iter::repeat(&b""[..]))
                    .take(width)
                    .enumerate()
                    .filter(|(i, _)| kept(*i))
                    .map(|(_, c)| c);
                write_record(&mut data, padded).expect("memory");
            } else {
                data.extend_from_slice(line);
            }
            slot.start = start;
            slot.len = (data.len() - start) as u32;
        }
        self.data = data;
        self.garbage = 0;
        self.header_columns = width;
        self.header_end = header_end;
        self.narrowest = width;
    }

    /// The CSV to upload (header and rows, every row as wide as the header), and what is
    /// needed to join results back.
    ///
    /// A column never used whose name is the relationship of a used dotted column (`What`
    /// beside `What.ExtId__c`: a typed field holding a parent reference) is left out.
    pub(crate) fn finish(mut self) -> (Vec<u8>, JoinIndex) {
        let keep: Vec<bool> = (0..self.columns.len())
            .map(|i| {
                self.used[i]
                    || !self.columns.iter().enumerate().any(|(j, c)| {
                        self.used[j]
                            && c.len() > self.columns[i].len()
                            && c.as_bytes()[self.columns[i].len()] == b'.'
                            && c[..self.columns[i].len()].eq_ignore_ascii_case(&self.columns[i])
                    })
            })
            .collect();
        if keep.iter().any(|k| !k) {
            self.compact(Some(&keep));
            let mut i = 0;
            self.columns.retain(|_| {
                i += 1;
                keep[i - 1]
            });
        } else if self.header_columns != self.columns.len() || self.narrowest < self.columns.len() {
            self.compact(None);
        } else if self.garbage > 0 {
            self.compact_in_place();
        }
        let mut extra: HashMap<u32, Vec<u64>> = HashMap::new();
        for (row, input) in self.extra_inputs {
            extra.entry(row).or_default().push(input);
        }
        let index = JoinIndex {
            key: self.key,
            columns: self.columns,
            done: {
                let mut done = self.done;
                done.resize(self.slots.len(), false);
                done
            },
            slots: self.slots,
            by_hash: self.by_hash,
            extra,
            hasher: self.hasher,
        };
        (self.data, index)
    }
}

/// Hashes a row by its non-empty cells and their column names, so that padding and columns
/// no row uses do not change it.
fn content_hash<'a>(
    h: &mut impl Hasher,
    columns: &[String],
    cells: impl IntoIterator<Item = &'a str>,
) {
    for (column, cell) in columns.iter().zip(cells) {
        if !cell.is_empty() {
            h.write(column.to_ascii_lowercase().as_bytes());
            h.write_u8(0);
            h.write(cell.as_bytes());
            h.write_u8(0xff);
        }
    }
}

/// Cells in one CSV line (rows written here never contain raw newlines outside quotes).
fn count_cells(line: &[u8]) -> usize {
    read_record(line).map_or(0, |r| r.len())
}

/// Joins result rows back to input positions after the CSV was handed over.
pub(crate) struct JoinIndex {
    key: RowKey,
    columns: Vec<String>,
    /// Per row: first input position, next row with the same hash.
    slots: Vec<Slot>,
    by_hash: HashMap<u64, u32>,
    extra: HashMap<u32, Vec<u64>>,
    done: Vec<bool>,
    hasher: std::collections::hash_map::RandomState,
}

impl JoinIndex {
    pub(crate) fn rows(&self) -> usize {
        self.slots.len()
    }

    /// The input positions of the row whose input cells (in upload column order) are
    /// `cells`, marking it answered; `None` when no unanswered row matches.
    pub(crate) fn take<'a>(
        &mut self,
        cells: impl IntoIterator<Item = &'a str>,
    ) -> Option<Vec<u64>> {
        let mut h = self.hasher.build_hasher();
        match &self.key {
            RowKey::Column { name, fold } => {
                let at = self
                    .columns
                    .iter()
                    .position(|c| c.eq_ignore_ascii_case(name))?;
                let value = cells.into_iter().nth(at)?;
                h.write(fold.normalize(value).as_bytes());
            }
            RowKey::Content => content_hash(&mut h, &self.columns, cells),
        }
        let mut row = *self.by_hash.get(&h.finish())?;
        while self.done[row as usize] {
            row = self.slots[row as usize].next_same;
            if row == NONE {
                return None;
            }
        }
        self.done[row as usize] = true;
        let mut inputs = vec![self.slots[row as usize].first_input];
        if let Some(more) = self.extra.remove(&row) {
            inputs.extend(more);
        }
        Some(inputs)
    }

    /// Rows no result file mentioned, with their input positions.
    pub(crate) fn unanswered(&mut self) -> Vec<Vec<u64>> {
        let mut out = Vec::new();
        for row in 0..self.slots.len() {
            if !self.done[row] {
                self.done[row] = true;
                let mut inputs = vec![self.slots[row].first_input];
                if let Some(more) = self.extra.remove(&(row as u32)) {
                    inputs.extend(more);
                }
                out.push(inputs);
            }
        }
        out
    }

    /// The upload's columns, in order.
    pub(crate) fn columns(&self) -> &[String] {
        &self.columns
    }

    /// This index's allocations, emptied, for the next job.
    pub(crate) fn recycle(mut self) -> Spare {
        self.slots.clear();
        self.by_hash.clear();
        self.done.clear();
        Spare {
            data: Vec::new(),
            slots: self.slots,
            by_hash: self.by_hash,
            done: self.done,
        }
    }
}

#[cfg(test)]
#[path = "buffer_tests.rs"]
mod tests;
