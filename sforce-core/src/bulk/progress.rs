//! Progress events of bulk jobs, delivered to a caller's callback.

use std::fmt;
use std::sync::Arc;

use super::job::{JobInfo, JobState};

/// Something that happened to a job of a bulk load or query; see
/// [`Load::on_progress`](super::Load::on_progress) and
/// [`QueryJob::on_progress`](super::QueryJob::on_progress).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ProgressEvent {
    /// An ingest job was created and its data uploaded (it is still `Open`).
    JobUploaded {
        /// The job Id.
        job_id: String,
        /// Rows in the upload (after merging writes to one key).
        records: u64,
        /// Bytes of CSV uploaded.
        bytes: u64,
    },
    /// A job's state or counters changed (every status read that differs from the previous
    /// one). The last one of a job has a terminal state.
    JobStatus {
        /// The job info as read.
        job: Box<JobInfo>,
    },
    /// The load was dropped before this job finished: nobody reads its results. A job still
    /// `Open` (data possibly uploaded, not closed) is aborted (`aborted` = whether the abort
    /// request was sent); a job already closed keeps running on Salesforce.
    JobAbandoned {
        /// The job Id.
        job_id: String,
        /// The last state the load saw.
        state: JobState,
        /// Whether an abort was sent for it.
        aborted: bool,
    },
}

type Callback = Arc<dyn Fn(&ProgressEvent) + Send + Sync>;

/// A progress callback (or none).
#[derive(Clone, Default)]
pub(crate) struct Progress(Option<Callback>);

impl Progress {
    pub(crate) fn new(f: impl Fn(&ProgressEvent) + Send + Sync + 'static) -> Self {
        Progress(Some(Arc::new(f)))
    }

    pub(crate) fn emit(&self, event: ProgressEvent) {
        tracing::debug!(?event, "sforce.bulk progress");
        if let Some(f) = &self.0 {
            f(&event);
        }
    }
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(callback)"
        } else {
            "Progress(none)"
        })
    }
}

/// The `poll` and `on_progress` builder methods of [`Load`](super::Load) and
/// [`QueryJob`](super::QueryJob), which wait for their jobs alike (fields `poll` and
/// `progress`); `$what` names what is polled, for the docs.
macro_rules! watch_methods {
    ($what:literal) => {
        #[doc = concat!("How to poll ", $what, " (default [`PollPolicy::default`]).")]
        pub fn poll(mut self, poll: PollPolicy) -> Self {
            self.poll = poll;
            self
        }

        #[doc = concat!("Calls `f` for every [`ProgressEvent`] of ", $what, ".")]
        pub fn on_progress(mut self, f: impl Fn(&ProgressEvent) + Send + Sync + 'static) -> Self {
            self.progress = Progress::new(f);
            self
        }
    };
}

pub(crate) use watch_methods;
