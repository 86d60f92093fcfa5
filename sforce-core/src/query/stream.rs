//! [`QueryStream`]: the rows of a query, page by page, requested lazily.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::{FutureExt, Stream, TryStreamExt};
use reqwest::Method;
use reqwest::header::HeaderValue;

use super::page::{Decode, QueryResult};
use crate::client::Client;
use crate::client::request::Call;
use crate::error::{Error, Result};

/// What the next request is.
enum Next {
    /// The query itself (`/query` or `/queryAll`), not sent yet.
    First { text: String, all: bool },
    /// A `nextRecordsUrl`.
    Page(String),
    /// Nothing more: the last page was read, or an error was returned.
    Done,
}

/// The rows of a query as an async [`Stream`] of `Result<T>`.
///
/// Nothing is sent until the stream is first polled. Each page is requested only when the rows
/// of the previous one have been consumed, following `nextRecordsUrl` until `done`; dropping the
/// stream sends no further request. After an error the stream ends.
///
/// Built by [`Client::query`], [`Client::query_all`] and [`Select::stream`](super::Select::stream).
///
/// ```no_run
/// # async fn run(client: sforce_core::Client) -> sforce_core::Result<()> {
/// use futures::TryStreamExt;
/// #[derive(serde::Deserialize)]
/// #[serde(rename_all = "PascalCase")]
/// struct Row { id: String, subject: Option<String> }
///
/// let mut rows = client.query::<Row>("SELECT Id, Subject FROM Task").batch_size(500);
/// while let Some(row) = rows.try_next().await? {
///     println!("{} {:?}", row.id, row.subject);
/// }
/// # Ok(()) }
/// ```
#[must_use = "a query stream sends nothing until polled"]
pub struct QueryStream<T> {
    client: Client,
    next: Next,
    batch_size: Option<u16>,
    decode: Decode<T>,
    in_flight: Option<BoxFuture<'static, Result<QueryResult<T>>>>,
    rows: VecDeque<T>,
    total_size: Option<u64>,
    pages: u64,
}

impl<T: Send + 'static> QueryStream<T> {
    pub(crate) fn new(client: &Client, text: String, all: bool, decode: Decode<T>) -> Self {
        QueryStream {
            client: client.clone(),
            next: Next::First { text, all },
            batch_size: None,
            decode,
            in_flight: None,
            rows: VecDeque::new(),
            total_size: None,
            pages: 0,
        }
    }

    /// A stream that fails with `error` when first polled (a query that could not be built).
    pub(crate) fn failed(client: &Client, error: Error, decode: Decode<T>) -> Self {
        let mut stream = QueryStream::new(client, String::new(), false, decode);
        stream.next = Next::Done;
        stream.in_flight = Some(futures::future::ready(Err(error)).boxed());
        stream
    }

    /// Asks for pages of `size` rows (`Sforce-Query-Options: batchSize=N`). Salesforce takes
    /// 200 to 2,000 and treats it as a hint; values are clamped to that range.
    pub fn batch_size(mut self, size: u16) -> Self {
        self.batch_size = Some(size.clamp(200, 2000));
        self
    }

    /// How many rows the query matched in all, known once the first page arrived.
    pub fn total_size(&self) -> Option<u64> {
        self.total_size
    }

    /// How many pages have been received so far.
    pub fn pages_received(&self) -> u64 {
        self.pages
    }

    /// Reads every page and returns all rows.
    pub async fn collect_all(self) -> Result<Vec<T>> {
        self.try_collect().await
    }

    fn start(&mut self) -> Option<Result<Call>> {
        let call = match std::mem::replace(&mut self.next, Next::Done) {
            Next::Done => return None,
            Next::First { text, all } => {
                let resource = if all { "queryAll" } else { "query" };
                Call::new(Method::GET, self.client.data_path(resource)).query("q", text)
            }
            Next::Page(url) => {
                // The locator is a path on the same instance; anything else is not followed.
                if !url.starts_with("/services/data/") {
                    return Some(Err(Error::invalid_input(format!(
                        "the query response's nextRecordsUrl {url:?} is not a REST path"
                    ))));
                }
                Call::new(Method::GET, url)
            }
        };
        let mut call = call;
        if let Some(size) = self.batch_size {
            let value = HeaderValue::from_str(&format!("batchSize={size}"))
                .expect("a header value of ASCII digits");
            call.headers.insert("Sforce-Query-Options", value);
        }
        Some(Ok(call))
    }
}

/// Sends one page request and decodes it.
async fn fetch<T>(client: Client, call: Call, decode: Decode<T>) -> Result<QueryResult<T>> {
    let response = client.execute_ok(&call).await?;
    decode(&response.body).map_err(|err| {
        Error::decode(
            response.context.clone(),
            response.status.as_u16(),
            err.to_string(),
            &response.body,
        )
    })
}

impl<T: Send + 'static> Stream for QueryStream<T> {
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        let this = self.get_mut();
        loop {
            if let Some(row) = this.rows.pop_front() {
                return Poll::Ready(Some(Ok(row)));
            }
            if let Some(fut) = this.in_flight.as_mut() {
                let page = futures::ready!(fut.poll_unpin(cx));
                this.in_flight = None;
                match page {
                    Ok(page) => {
                        this.pages += 1;
                        this.total_size = Some(page.total_size);
                        if let (false, Some(url)) = (page.done, page.next_records_url) {
                            this.next = Next::Page(url);
                        }
                        this.rows = page.records.into();
                        continue;
                    }
                    Err(e) => {
                        this.next = Next::Done;
                        return Poll::Ready(Some(Err(e)));
                    }
                }
            }
            match this.start() {
                None => return Poll::Ready(None),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                Some(Ok(call)) => {
                    this.in_flight = Some(fetch(this.client.clone(), call, this.decode).boxed());
                }
            }
        }
    }
}

// No field is pinned: rows are moved out, and the in-flight future is boxed.
impl<T> Unpin for QueryStream<T> {}

impl<T> fmt::Debug for QueryStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QueryStream")
            .field("pages_received", &self.pages)
            .field("buffered_rows", &self.rows.len())
            .field("total_size", &self.total_size)
            .field("in_flight", &self.in_flight.is_some())
            .finish_non_exhaustive()
    }
}
