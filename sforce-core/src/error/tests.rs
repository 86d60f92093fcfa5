//! Unit tests of the error type.

use super::*;

fn ctx() -> RequestContext {
    RequestContext::new(
        reqwest::Method::PATCH,
        "/services/data/v62.0/sobjects/Task?x=1",
    )
}

#[test]
fn error_is_clone_send_sync_and_small() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<Error>();
    assert!(std::mem::size_of::<Error>() <= 128);
}

#[test]
fn context_drops_query() {
    assert_eq!(ctx().path, "/services/data/v62.0/sobjects/Task");
    assert_eq!(
        ctx().to_string(),
        "PATCH /services/data/v62.0/sobjects/Task"
    );
}

#[test]
fn items_accept_error_code_and_status_code() {
    let single: Vec<ApiErrorItem> = serde_json::from_str(
        r#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#,
    )
    .unwrap();
    assert_eq!(single[0].code, ErrorCode::InvalidSessionId);
    assert!(single[0].fields.is_empty());
    let coll: ApiErrorItem =
        serde_json::from_str(r#"{"statusCode":"MALFORMED_ID","message":"bad","fields":["Id"]}"#)
            .unwrap();
    assert_eq!(coll.code, ErrorCode::MalformedId);
    assert_eq!(coll.fields, vec!["Id"]);
    let other: ApiErrorItem =
        serde_json::from_str(r#"{"errorCode":"SOMETHING_NEW","message":"m"}"#).unwrap();
    assert_eq!(other.code, ErrorCode::Other("SOMETHING_NEW".into()));
    assert_eq!(
        serde_json::to_string(&other).unwrap(),
        r#"{"errorCode":"SOMETHING_NEW","message":"m"}"#
    );
}

#[test]
fn display_has_method_path_and_codes() {
    let err = Error::api(
        ctx(),
        400,
        vec![
            ApiErrorItem::new(
                ErrorCode::RequiredFieldMissing,
                "Required fields are missing: [Name]",
            )
            .with_fields(["Name"]),
        ],
    );
    let text = err.to_string();
    assert!(
        text.contains("PATCH /services/data/v62.0/sobjects/Task"),
        "{text}"
    );
    assert!(text.contains("REQUIRED_FIELD_MISSING"), "{text}");
    assert!(text.contains("fields: Name"), "{text}");
}

#[test]
fn duplicate_value_helpers() {
    let err = Error::api(
        ctx(),
        400,
        vec![ApiErrorItem::new(
            ErrorCode::DuplicateValue,
            "duplicate value found: uuid__c duplicates value on record with id: 00T5g00000AbCdE",
        )],
    );
    let dup = err.duplicate_value().unwrap();
    assert_eq!(dup.field, "uuid__c");
    assert_eq!(dup.record_id.unwrap().as_str(), "00T5g00000AbCdEEAV");
    assert!(err.is_duplicate_on_field("UUID__C"));
    assert!(!err.is_duplicate_on_field("Email__c"));
    assert!(err.is_content_rejection());
    assert_eq!(err.retry_class(), RetryClass::Permanent);
}

#[test]
fn classification() {
    let item = |code: ErrorCode, msg: &str| vec![ApiErrorItem::new(code, msg)];
    let lock = Error::api(
        ctx(),
        400,
        item(ErrorCode::UnableToLockRow, "unable to obtain"),
    );
    assert_eq!(lock.retry_class(), RetryClass::Transient);
    assert!(lock.is_retryable());
    assert!(!lock.is_content_rejection());
    let session = Error::api(
        ctx(),
        401,
        item(ErrorCode::InvalidSessionId, "Session expired"),
    );
    assert!(session.is_session_expired());
    let daily = Error::api(
        ctx(),
        403,
        item(
            ErrorCode::RequestLimitExceeded,
            "TotalRequests Limit exceeded.",
        ),
    );
    assert_eq!(daily.retry_class(), RetryClass::Permanent);
    let conc = Error::api(
        ctx(),
        403,
        item(
            ErrorCode::RequestLimitExceeded,
            "ConcurrentPerOrgLongTxn Limit exceeded",
        ),
    );
    assert_eq!(conc.retry_class(), RetryClass::Throttled);
    let unavailable = Error::api(ctx(), 503, item(ErrorCode::ServerUnavailable, ""));
    assert_eq!(unavailable.retry_class(), RetryClass::Transient);
    let invalid = Error::api(ctx(), 400, item(ErrorCode::InvalidField, "No such column"));
    assert!(invalid.is_content_rejection());
    assert_eq!(invalid.retry_class(), RetryClass::Permanent);
    let not_found = Error::api(ctx(), 404, item(ErrorCode::NotFound, "nope"));
    assert!(!not_found.is_content_rejection());
    assert!(not_found.is_not_found());
    assert_eq!(Error::timeout(ctx()).retry_class(), RetryClass::Ambiguous);
    let gateway = Error::Http {
        context: ctx(),
        status: 502,
        body_excerpt: String::new(),
    };
    assert!(gateway.is_retryable());
}
