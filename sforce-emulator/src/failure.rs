//! Scripted failures: "the next N matching requests answer this" (or lose their connection).

use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Value, json};

/// What an injected failure does to a request.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FailureAction {
    /// Answer with this status and JSON body.
    Respond {
        /// HTTP status.
        status: u16,
        /// JSON body.
        body: Value,
    },
    /// Close the connection without sending a response.
    DropConnection,
    /// Wait this long, then process and answer normally (a slow server: for client timeouts).
    Delay(Duration),
}

/// A failure to inject with [`Emulator::fail_next`](crate::Emulator::fail_next).
///
/// By default it applies to the next request (any method, any path) and answers *instead of*
/// processing it (nothing is written). Narrow it with [`Failure::for_path_containing`] and
/// [`Failure::for_method`], repeat it with [`Failure::times`], and use
/// [`Failure::after_processing`] to let the request take effect and only then fail the answer
/// (the "did my write land?" case).
///
/// ```
/// use sforce_emulator::Failure;
/// let f = Failure::status(500).for_path_containing("uuid__c/K1").times(2);
/// let lock = Failure::unable_to_lock_row().for_method("PATCH");
/// let gone = Failure::drop_connection().after_processing();
/// # let _ = (f, lock, gone);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Failure {
    /// What happens to a matching request.
    pub action: FailureAction,
    /// Only requests with this method (upper case), if set.
    pub method: Option<String>,
    /// Only requests whose path (raw or percent-decoded) contains this, if set.
    pub path_contains: Option<String>,
    /// How many matching requests it applies to.
    pub times: usize,
    /// Process the request first, then replace the answer.
    pub after_processing: bool,
    /// Headers added to an injected answer (e.g. `Retry-After`).
    pub headers: Vec<(String, String)>,
    /// Applies to each matching request with this probability (see [`Failure::randomly`]).
    pub probability: Option<f64>,
}

impl Failure {
    fn new(action: FailureAction) -> Self {
        Failure {
            action,
            method: None,
            path_contains: None,
            times: 1,
            after_processing: false,
            headers: Vec::new(),
            probability: None,
        }
    }

    /// Answer with `status` and a Salesforce-shaped body for it (500 `UNKNOWN_EXCEPTION`,
    /// 503 `SERVER_UNAVAILABLE`, 403 `REQUEST_LIMIT_EXCEEDED`, 401 `INVALID_SESSION_ID`,
    /// otherwise `UNKNOWN_EXCEPTION`). Replace the body with [`Failure::body`].
    pub fn status(status: u16) -> Self {
        let (code, message) = match status {
            401 => ("INVALID_SESSION_ID", "Session expired or invalid"),
            403 => ("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."),
            503 => ("SERVER_UNAVAILABLE", "Server temporarily unavailable"),
            _ => (
                "UNKNOWN_EXCEPTION",
                "An unexpected error occurred. Please include this ErrorId if you contact support: 0-0 (-0)",
            ),
        };
        Self::new(FailureAction::Respond {
            status,
            body: json!([{"message": message, "errorCode": code}]),
        })
    }

    /// 400 `UNABLE_TO_LOCK_ROW` (the status Salesforce uses is unconfirmed: change it with
    /// [`Failure::with_status`]).
    pub fn unable_to_lock_row() -> Self {
        Self::status(400).body(json!([{
            "message": "unable to obtain exclusive access to this record or 1 records: 00T000000000000AAA",
            "errorCode": "UNABLE_TO_LOCK_ROW",
            "fields": []
        }]))
    }

    /// 503 `SERVER_UNAVAILABLE`.
    pub fn server_unavailable() -> Self {
        Self::status(503)
    }

    /// 403 `REQUEST_LIMIT_EXCEEDED`.
    pub fn request_limit_exceeded() -> Self {
        Self::status(403)
    }

    /// Close the connection without answering.
    pub fn drop_connection() -> Self {
        Self::new(FailureAction::DropConnection)
    }

    /// Answer normally, but only after `delay` (before processing; with
    /// [`Failure::after_processing`], after processing and before answering).
    pub fn delay(delay: Duration) -> Self {
        Self::new(FailureAction::Delay(delay))
    }

    /// Use this HTTP status (keeps the body).
    pub fn with_status(mut self, status: u16) -> Self {
        if let FailureAction::Respond { status: s, .. } = &mut self.action {
            *s = status;
        }
        self
    }

    /// Use this JSON body (keeps the status; turns a connection drop or delay into a 500
    /// answer).
    pub fn body(mut self, body: Value) -> Self {
        self.action = match self.action {
            FailureAction::Respond { status, .. } => FailureAction::Respond { status, body },
            FailureAction::DropConnection | FailureAction::Delay(_) => {
                FailureAction::Respond { status: 500, body }
            }
        };
        self
    }

    /// Adds a header to the injected answer, e.g. `("Retry-After", "1")`.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// 403 `REQUEST_LIMIT_EXCEEDED` for the concurrent-request limit (not the daily quota),
    /// with `Retry-After: <seconds>`.
    pub fn concurrent_limit_exceeded(retry_after_seconds: u64) -> Self {
        Self::status(403)
            .body(json!([{
                "message": "ConcurrentPerOrgLongTxn Limit exceeded.",
                "errorCode": "REQUEST_LIMIT_EXCEEDED"
            }]))
            .header("Retry-After", retry_after_seconds.to_string())
    }

    /// Only requests whose path contains `fragment` (compared with the raw path and with the
    /// percent-decoded path).
    pub fn for_path_containing(mut self, fragment: impl Into<String>) -> Self {
        self.path_contains = Some(fragment.into());
        self
    }

    /// Only requests with this HTTP method (`"PATCH"`, case-insensitive).
    pub fn for_method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into().to_ascii_uppercase());
        self
    }

    /// Apply to each matching request with probability `p` (0.0 to 1.0), for as long as the
    /// failure stays queued (it is never used up): fault soaks. Combine several: the first
    /// queued failure that matches and wins its draw applies.
    pub fn randomly(mut self, p: f64) -> Self {
        self.probability = Some(p.clamp(0.0, 1.0));
        self.times = usize::MAX;
        self
    }

    /// Apply to the next `n` matching requests (default 1).
    pub fn times(mut self, n: usize) -> Self {
        self.times = n;
        self
    }

    /// Let the request take effect, then replace its answer.
    pub fn after_processing(mut self) -> Self {
        self.after_processing = true;
        self
    }

    fn matches(&self, method: &str, raw_path: &str, decoded_path: &str, after: bool) -> bool {
        self.times > 0
            && self.after_processing == after
            && self.method.as_deref().is_none_or(|m| m == method)
            && self
                .path_contains
                .as_deref()
                .is_none_or(|p| raw_path.contains(p) || decoded_path.contains(p))
    }
}

/// The queue of pending failures.
#[derive(Debug, Default)]
pub(crate) struct Failures {
    queue: Mutex<Vec<Failure>>,
}

impl Failures {
    pub(crate) fn push(&self, failure: Failure) {
        self.lock().push(failure);
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    /// Consumes one use of the first failure matching this request, if any.
    pub(crate) fn take(
        &self,
        method: &str,
        raw_path: &str,
        decoded_path: &str,
        after: bool,
    ) -> Option<(FailureAction, Vec<(String, String)>)> {
        let mut queue = self.lock();
        let at = queue.iter().position(|f| {
            f.matches(method, raw_path, decoded_path, after)
                && f.probability.is_none_or(|p| fastrand::f64() < p)
        })?;
        if queue[at].probability.is_some() {
            return Some((queue[at].action.clone(), queue[at].headers.clone()));
        }
        queue[at].times -= 1;
        let taken = (queue[at].action.clone(), queue[at].headers.clone());
        if queue[at].times == 0 {
            queue.remove(at);
        }
        Some(taken)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Failure>> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}
