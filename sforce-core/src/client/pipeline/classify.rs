//! The classifier: which attempt outcomes are worth another attempt, and for which requests.

use std::time::Duration;

use reqwest::StatusCode;

use super::super::request::{Response, classify_error};
use crate::error::{Error, ErrorCode, RetryClass};

/// Whether a request may be sent again, set on each call by the operation that builds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resend {
    /// Never resent (e.g. [`Client::upsert_raw`](crate::client::Client::upsert_raw)).
    Never,
    /// Sending it twice has the effect of sending it once: reads, updates and deletes by Id,
    /// queries. Retried after every transient failure.
    Idempotent,
    /// An upsert by external ID on this field: idempotent, and also retried after a
    /// `DUPLICATE_VALUE` on that field (a competing insert of the same key just committed, so
    /// the same upsert now resolves to an update).
    Upsert {
        /// The external-ID field's API name.
        field: String,
    },
    /// Not idempotent (a create): retried only when nothing can have been applied, unless the
    /// policy opts in to retrying creates.
    NotIdempotent,
}

impl Resend {
    /// The default for a method: idempotent for GET, HEAD, PUT, DELETE and OPTIONS (RFC 9110),
    /// not for POST and PATCH.
    pub(crate) fn for_method(method: &reqwest::Method) -> Self {
        use reqwest::Method;
        if [
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
        ]
        .contains(method)
        {
            Resend::Idempotent
        } else {
            Resend::NotIdempotent
        }
    }
}

/// Why an attempt was retried (counted per reason in
/// [`RequestStats`](crate::client::RequestStats)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryReason {
    /// `UNABLE_TO_LOCK_ROW`: another transaction held the record.
    RowLock,
    /// 502, 503 (`SERVER_UNAVAILABLE`) or 504.
    Unavailable,
    /// A concurrency limit (`REQUEST_LIMIT_EXCEEDED` other than the daily quota, or 429).
    Throttled,
    /// The connection could not be established: nothing was sent.
    Connect,
    /// The connection was lost before a response arrived: the request may have been applied.
    Transport,
    /// The per-request timeout elapsed: the request may have been applied.
    Timeout,
    /// `DUPLICATE_VALUE` on the upsert's own external-ID field (a cross-process race).
    DuplicateKey,
}

impl RetryReason {
    /// Every reason, in a fixed order.
    pub const ALL: [RetryReason; 7] = [
        RetryReason::RowLock,
        RetryReason::Unavailable,
        RetryReason::Throttled,
        RetryReason::Connect,
        RetryReason::Transport,
        RetryReason::Timeout,
        RetryReason::DuplicateKey,
    ];

    pub(crate) fn index(self) -> usize {
        Self::ALL
            .iter()
            .position(|r| *r == self)
            .expect("every reason is listed")
    }

    /// A short name for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            RetryReason::RowLock => "row_lock",
            RetryReason::Unavailable => "unavailable",
            RetryReason::Throttled => "throttled",
            RetryReason::Connect => "connect",
            RetryReason::Transport => "transport",
            RetryReason::Timeout => "timeout",
            RetryReason::DuplicateKey => "duplicate_key",
        }
    }

    /// Whether the failure left the request's effect unknown, or cost the server a lot
    /// (charged more to the retry budget).
    pub(crate) fn is_costly(self) -> bool {
        matches!(self, RetryReason::Transport | RetryReason::Timeout)
    }
}

/// What the classifier decided about one attempt.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Return this outcome to the caller.
    Done,
    /// Worth another attempt; `after` is the server's `Retry-After`, if it sent one.
    Retry {
        reason: RetryReason,
        after: Option<Duration>,
    },
}

/// Classifies one attempt's outcome for a request with the given [`Resend`] rule.
pub(crate) fn classify(
    resend: &Resend,
    retry_creates: bool,
    outcome: &Result<Response, Error>,
) -> Verdict {
    let (reason, after) = match outcome {
        Ok(response) if response.status.is_success() => return Verdict::Done,
        Ok(response) => {
            let error = classify_error(response.context.clone(), response.status, &response.body);
            match reason_of_response(response.status, &error, resend) {
                Some(reason) => (reason, response.retry_after),
                None => return Verdict::Done,
            }
        }
        Err(error) => match reason_of_error(error) {
            Some(reason) => (reason, None),
            None => return Verdict::Done,
        },
    };
    let allowed = match resend {
        Resend::Never => false,
        Resend::Idempotent | Resend::Upsert { .. } => true,
        // Nothing was sent, or the server refused before doing anything.
        Resend::NotIdempotent => {
            retry_creates || matches!(reason, RetryReason::Connect | RetryReason::Throttled)
        }
    };
    if allowed {
        Verdict::Retry { reason, after }
    } else {
        Verdict::Done
    }
}

fn reason_of_response(status: StatusCode, error: &Error, resend: &Resend) -> Option<RetryReason> {
    if let Resend::Upsert { field } = resend
        && error.is_duplicate_on_field(field)
    {
        return Some(RetryReason::DuplicateKey);
    }
    if error.has_code(&ErrorCode::UnableToLockRow) {
        return Some(RetryReason::RowLock);
    }
    match error.retry_class() {
        RetryClass::Transient => Some(RetryReason::Unavailable),
        RetryClass::Throttled => Some(RetryReason::Throttled),
        // The daily quota (`TotalRequests Limit exceeded`) is Permanent: not retried. A 429
        // without a Salesforce body is a throttle.
        _ if status == StatusCode::TOO_MANY_REQUESTS => Some(RetryReason::Throttled),
        _ => None,
    }
}

fn reason_of_error(error: &Error) -> Option<RetryReason> {
    match error {
        Error::Timeout { .. } => Some(RetryReason::Timeout),
        Error::Transport { source, .. } => {
            let connect = source
                .downcast_ref::<reqwest::Error>()
                .is_some_and(reqwest::Error::is_connect);
            Some(if connect {
                RetryReason::Connect
            } else {
                RetryReason::Transport
            })
        }
        _ => None,
    }
}

/// Parses `Retry-After`: delay-seconds, or an HTTP date (RFC 9110 §10.2.3).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at =
        time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc2822).ok()?;
    let wait = at - time::OffsetDateTime::now_utc();
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::RequestContext;
    use reqwest::Method;

    fn response(status: u16, body: &str) -> Result<Response, Error> {
        Ok(Response {
            context: RequestContext::new(Method::PATCH, "/services/data/v62.0/sobjects/Task/x"),
            status: StatusCode::from_u16(status).unwrap(),
            headers: Default::default(),
            body: body.as_bytes().to_vec().into(),
            unread: None,
            retry_after: None,
            attempts: 1,
            redactor: None,
        })
    }

    fn upsert() -> Resend {
        Resend::Upsert {
            field: "uuid__c".into(),
        }
    }

    #[test]
    fn transient_failures_are_retried_for_idempotent_requests_only() {
        let lock = response(
            400,
            r#"[{"errorCode":"UNABLE_TO_LOCK_ROW","message":"unable to obtain exclusive access"}]"#,
        );
        let unavailable = response(503, r#"[{"errorCode":"SERVER_UNAVAILABLE","message":"x"}]"#);
        let gateway = response(502, "<html>bad gateway</html>");
        for (outcome, reason) in [
            (&lock, RetryReason::RowLock),
            (&unavailable, RetryReason::Unavailable),
            (&gateway, RetryReason::Unavailable),
        ] {
            for resend in [Resend::Idempotent, upsert()] {
                assert_eq!(
                    classify(&resend, false, outcome),
                    Verdict::Retry {
                        reason,
                        after: None
                    }
                );
            }
            assert_eq!(
                classify(&Resend::NotIdempotent, false, outcome),
                Verdict::Done
            );
            assert_eq!(classify(&Resend::Never, true, outcome), Verdict::Done);
            assert!(matches!(
                classify(&Resend::NotIdempotent, true, outcome),
                Verdict::Retry { .. }
            ));
        }
    }

    #[test]
    fn duplicate_value_only_on_the_upserts_own_field() {
        let own = response(
            400,
            r#"[{"errorCode":"DUPLICATE_VALUE","message":"duplicate value found: uuid__c duplicates value on record with id: 00T000000000001AAA"}]"#,
        );
        let other = response(
            400,
            r#"[{"errorCode":"DUPLICATE_VALUE","message":"duplicate value found: Code__c duplicates value on record with id: 00T000000000001AAA"}]"#,
        );
        assert!(matches!(
            classify(&upsert(), false, &own),
            Verdict::Retry {
                reason: RetryReason::DuplicateKey,
                ..
            }
        ));
        assert_eq!(classify(&upsert(), false, &other), Verdict::Done);
        assert_eq!(classify(&Resend::Idempotent, false, &own), Verdict::Done);
    }

    #[test]
    fn daily_limit_session_and_content_errors_are_final() {
        for (status, body) in [
            (
                403,
                r#"[{"errorCode":"REQUEST_LIMIT_EXCEEDED","message":"TotalRequests Limit exceeded."}]"#,
            ),
            (
                401,
                r#"[{"errorCode":"INVALID_SESSION_ID","message":"Session expired or invalid"}]"#,
            ),
            (
                400,
                r#"[{"errorCode":"INVALID_FIELD","message":"No such column"}]"#,
            ),
            (500, r#"[{"errorCode":"UNKNOWN_EXCEPTION","message":"x"}]"#),
            (201, r#"{"id":"x"}"#),
        ] {
            assert_eq!(
                classify(&Resend::Idempotent, true, &response(status, body)),
                Verdict::Done,
                "{status} {body}"
            );
        }
        let concurrent = response(
            403,
            r#"[{"errorCode":"REQUEST_LIMIT_EXCEEDED","message":"ConcurrentPerOrgLongTxn Limit exceeded"}]"#,
        );
        assert!(matches!(
            classify(&Resend::NotIdempotent, false, &concurrent),
            Verdict::Retry {
                reason: RetryReason::Throttled,
                ..
            }
        ));
    }

    #[test]
    fn timeouts_are_ambiguous() {
        let timeout = Err(Error::timeout(RequestContext::new(Method::GET, "/x")));
        assert!(matches!(
            classify(&Resend::Idempotent, false, &timeout),
            Verdict::Retry {
                reason: RetryReason::Timeout,
                ..
            }
        ));
        assert_eq!(
            classify(&Resend::NotIdempotent, false, &timeout),
            Verdict::Done
        );
        let invalid = Err(Error::invalid_input("x"));
        assert_eq!(classify(&Resend::Idempotent, true, &invalid), Verdict::Done);
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
