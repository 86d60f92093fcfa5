//! [`JobGuard`]: a load dropped while a job is unfinished says so, and aborts the job when
//! it is still open.

use super::job::{JobKind, JobState};
use super::progress::{Progress, ProgressEvent};
use crate::client::Client;

/// Makes sure a dropped load says what it leaves behind (see [`Load`](super::Load)).
pub(crate) struct JobGuard {
    client: Client,
    id: String,
    progress: Progress,
    /// The last state the load saw (kept up to date by the load).
    pub(crate) state: JobState,
    armed: bool,
}

impl JobGuard {
    pub(crate) fn new(client: &Client, id: &str, progress: &Progress) -> Self {
        JobGuard {
            client: client.clone(),
            id: id.to_owned(),
            progress: progress.clone(),
            state: JobState::Open,
            armed: true,
        }
    }

    pub(crate) fn disarm(&mut self) {
        self.armed = false;
    }
}

impl Drop for JobGuard {
    fn drop(&mut self) {
        if !self.armed || self.state.is_terminal() {
            return;
        }
        let mut aborted = false;
        if self.state == JobState::Open
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            let client = self.client.clone();
            let id = self.id.clone();
            runtime.spawn(async move {
                    if let Err(err) = client.set_job_state(JobKind::Ingest, &id, JobState::Aborted).await {
                        tracing::warn!(job = %id, error = %err, "sforce.bulk: could not abort an abandoned open job");
                    }
                });
            aborted = true;
        }
        tracing::warn!(
            job = %self.id,
            state = %self.state,
            aborted,
            "sforce.bulk: load stopped before its job finished; {}",
            if aborted { "the open job is being aborted" } else { "the job keeps running on Salesforce and its results are not read" }
        );
        self.progress.emit(ProgressEvent::JobAbandoned {
            job_id: self.id.clone(),
            state: self.state.clone(),
            aborted,
        });
    }
}
