//! [`QueryJob`]: a SOQL query run as a Bulk API 2.0 query job, its rows streamed page by page.

use std::fmt;
use std::marker::PhantomData;

use futures::{Stream, StreamExt, stream};
use reqwest::Method;
use serde_json::{Map, Value};

use super::csv::{CsvTable, record_object};
use super::job::{JobInfo, JobKind, JobState, PollPolicy, QueryOperation};
use super::progress::{Progress, ProgressEvent};
use crate::client::Client;
use crate::client::request::Call;
use crate::error::{ApiErrorItem, Error, ErrorCode, RequestContext, Result};

/// Rows per results page when none is set: bounds the memory of one page.
pub const DEFAULT_MAX_RECORDS: u64 = 10_000;

type Decode<T> = fn(Map<String, Value>) -> std::result::Result<T, String>;

/// A Bulk API 2.0 query job, built by [`Bulk::query`](super::Bulk::query) (typed rows) or
/// [`Bulk::query_raw`](super::Bulk::query_raw) (JSON objects), run by [`QueryJob::stream`].
///
/// The stream creates the job (`POST /jobs/query`), polls it until `JobComplete`, then reads
/// `GET /jobs/query/{id}/results?maxRecords=N`, following the `Sforce-Locator` response
/// header until it is `null`. One page is in memory at a time. Rows are CSV: empty cells
/// decode as null, text cells into the field's type (`"12"` into an integer field), dotted
/// columns (`Owner.Name`) as nested records.
#[must_use = "a query job does nothing until its stream is polled"]
pub struct QueryJob<T> {
    client: Client,
    soql: String,
    operation: QueryOperation,
    max_records: Option<u64>,
    poll: PollPolicy,
    progress: Progress,
    decode: Decode<T>,
    _marker: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for QueryJob<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QueryJob")
            .field("soql", &self.soql)
            .field("operation", &self.operation)
            .field("max_records", &self.max_records)
            .field("poll", &self.poll)
            .finish_non_exhaustive()
    }
}

struct Pages<T> {
    job: QueryJob<T>,
    /// `None` before the job exists.
    job_id: Option<String>,
    locator: Option<String>,
}

impl<T: Send + 'static> QueryJob<T> {
    pub(crate) fn new(client: Client, soql: &str, decode: Decode<T>) -> Self {
        QueryJob {
            client,
            soql: soql.to_owned(),
            operation: QueryOperation::Query,
            max_records: Some(DEFAULT_MAX_RECORDS),
            poll: PollPolicy::default(),
            progress: Progress::default(),
            decode,
            _marker: PhantomData,
        }
    }

    /// `queryAll`: also deleted and archived records (default: `query`).
    pub fn all(mut self, all: bool) -> Self {
        self.operation = if all {
            QueryOperation::QueryAll
        } else {
            QueryOperation::Query
        };
        self
    }

    /// Rows per results page (`maxRecords`; default [`DEFAULT_MAX_RECORDS`]); `None` lets
    /// Salesforce choose.
    pub fn max_records(mut self, max: Option<u64>) -> Self {
        self.max_records = max.map(|m| m.max(1));
        self
    }

    super::progress::watch_methods!("the job");

    /// The rows, in the order Salesforce returns them. The first poll creates the job; an
    /// error (job creation, a job that ends `Failed` or `Aborted`, a page, a row that does not
    /// decode) is the stream's last item.
    pub fn stream(self) -> impl Stream<Item = Result<T>> + Send + 'static {
        let pages = Pages {
            job: self,
            job_id: None,
            locator: None,
        };
        stream::try_unfold(pages, |mut pages| async move {
            let page = pages.next_page().await?;
            Ok::<_, Error>(page.map(|rows| (rows, pages)))
        })
        .flat_map(|page| match page {
            Ok(rows) => stream::iter(rows).left_stream(),
            Err(err) => stream::iter(vec![Err(err)]).right_stream(),
        })
    }

    /// Creates the job and waits for it; returns its info.
    async fn start(&self) -> Result<JobInfo> {
        let path = self.client.job_path(JobKind::Query, None, "")?;
        let call = Call::new(Method::POST, path.clone()).json(&serde_json::json!({
            "operation": self.operation,
            "query": self.soql,
        }))?;
        // Not idempotent: a retried create would start a second job.
        let job: JobInfo = self.client.execute_ok(&call).await?.json()?;
        let info = self
            .client
            .wait_job(JobKind::Query, &job.id, &self.poll, &self.progress, |_| {})
            .await?;
        if info.state != JobState::JobComplete {
            let message = info
                .error_message
                .clone()
                .unwrap_or_else(|| format!("query job ended {}", info.state));
            let code = format!("BULK_JOB_{}", info.state.as_str().to_ascii_uppercase());
            return Err(Error::api(
                RequestContext::new(Method::GET, format!("{path}/{}", info.id)),
                200,
                vec![ApiErrorItem::new(ErrorCode::Other(code), message)],
            ));
        }
        Ok(info)
    }
}

impl<T: Send + 'static> Pages<T> {
    /// The next page of rows; `None` after the last.
    async fn next_page(&mut self) -> Result<Option<Vec<Result<T>>>> {
        let job_id = match &self.job_id {
            Some(id) => {
                if self.locator.is_none() {
                    return Ok(None);
                }
                id.clone()
            }
            None => {
                let info = self.job.start().await?;
                self.job_id = Some(info.id.clone());
                info.id
            }
        };
        let response = self
            .job
            .client
            .query_results_page(&job_id, self.locator.as_deref(), self.job.max_records)
            .await?;
        self.locator = response
            .headers
            .get("Sforce-Locator")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty() && *v != "null")
            .map(str::to_owned);
        let context = response.context.clone();
        let bad = |message: String| Error::decode(context.clone(), 200, message, b"");
        let mut table = CsvTable::new(&response.body).map_err(|e| bad(e.to_string()))?;
        let headers = table.headers().to_vec();
        let mut rows = Vec::new();
        while let Some(record) = table.next_record() {
            let record = record.map_err(|e| bad(e.to_string()))?;
            let object = record_object(&headers, &record);
            rows.push((self.job.decode)(object).map_err(&bad));
        }
        Ok(Some(rows))
    }
}
