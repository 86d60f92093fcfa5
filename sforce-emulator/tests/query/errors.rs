//! Query errors as Salesforce sends them: code, caret header, message; no `fields` key.

use super::common::{Api, emulator};
use super::query_error;

const CUSTOM_FIELD_HINT: &str = "If you are attempting to use a custom field, be sure to append \
    the '__c' after the custom field name. Please reference your WSDL or the describe call for \
    the appropriate names.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_queries_name_the_unexpected_token() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let (code, message) = query_error(&api, "SELECT Id FORM Task").await;
    assert_eq!(code, "MALFORMED_QUERY");
    assert_eq!(
        message,
        "\nSELECT Id FORM Task\n          ^\nERROR at Row:1:Column:11\nunexpected token: 'FORM'"
    );
    for (soql, token) in [
        ("SELECT Id FROM Task WHERE", "<EOF>"),
        (
            "SELECT Id FROM Task WHERE Subject = 'a' AND Status = 'b' OR Priority = 'c'",
            "OR",
        ),
        ("SELECT Id FROM Task LIMIT ten", "ten"),
        ("SELECT Id,, Subject FROM Task", ","),
        ("SELECT Id FROM Task WHERE Subject == 'x'", "="),
    ] {
        let (code, message) = query_error(&api, soql).await;
        assert_eq!(code, "MALFORMED_QUERY", "{soql}");
        assert!(
            message.ends_with(&format!("unexpected token: '{token}'")),
            "{soql}: {message}"
        );
    }
    let (code, message) = query_error(&api, "SELECT Id FROM Task WHERE Subject = 'open").await;
    assert_eq!(code, "MALFORMED_QUERY");
    assert!(message.contains("ERROR at Row:1:Column:37"), "{message}");
    let (code, message) = query_error(&api, r"SELECT Id FROM Task WHERE Subject = 'a\qb'").await;
    assert_eq!(code, "MALFORMED_QUERY");
    assert!(
        message.contains(r"Illegal character sequence '\q'"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_fields_are_invalid_field_with_the_caret() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let (code, message) = query_error(&api, "SELECT Foo FROM Task").await;
    assert_eq!(code, "INVALID_FIELD");
    assert_eq!(
        message,
        format!(
            "\nSELECT Foo FROM Task\n       ^\nERROR at Row:1:Column:8\nNo such column 'Foo' on \
             entity 'Task'. {CUSTOM_FIELD_HINT}"
        )
    );
    // In WHERE and ORDER BY, on a second line, and through a relationship.
    let (code, message) = query_error(&api, "SELECT Id FROM Task\nWHERE Bar__c = 1").await;
    assert_eq!(code, "INVALID_FIELD");
    assert!(
        message.starts_with("\nWHERE Bar__c = 1\n      ^\nERROR at Row:2:Column:7\nNo such column 'Bar__c' on entity 'Task'."),
        "{message}"
    );
    let (code, message) = query_error(&api, "SELECT Id FROM Task ORDER BY Nope").await;
    assert_eq!(code, "INVALID_FIELD");
    assert!(
        message.contains("No such column 'Nope' on entity 'Task'"),
        "{message}"
    );
    let (code, message) = query_error(&api, "SELECT What.Nope FROM Task").await;
    assert_eq!(code, "INVALID_FIELD");
    assert!(
        message.contains("No such column 'Nope' on entity 'Name'"),
        "{message}"
    );
    let (code, message) = query_error(&api, "SELECT Boss.Name FROM Task").await;
    assert_eq!(code, "INVALID_FIELD");
    assert!(
        message.contains("Didn't understand relationship 'Boss' in field path"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_objects_are_invalid_type() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let (code, message) = query_error(&api, "SELECT Id FROM Foo").await;
    assert_eq!(code, "INVALID_TYPE");
    assert_eq!(
        message,
        "\nSELECT Id FROM Foo\n               ^\nERROR at Row:1:Column:16\nsObject type 'Foo' is not \
         supported. If you are attempting to use a custom object, be sure to append the '__c' \
         after the entity name. Please reference your WSDL or the describe call for the \
         appropriate names."
    );
    let (code, message) =
        query_error(&api, "SELECT Id, (SELECT Id FROM Nothing) FROM Account").await;
    assert_eq!(code, "INVALID_TYPE");
    assert!(
        message.contains("Didn't understand relationship 'Nothing'"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn literals_of_the_wrong_type_are_refused() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    for (soql, code, text) in [
        (
            "SELECT Id FROM Task WHERE CallDurationInSeconds = '5'",
            "INVALID_FIELD",
            "value of filter criterion for field 'CallDurationInSeconds' must be of type integer and should not be enclosed in quotes",
        ),
        (
            "SELECT Id FROM Task WHERE Subject = 5",
            "INVALID_FIELD",
            "value of filter criterion for field 'Subject' must be of type string and should be enclosed in quotes",
        ),
        (
            "SELECT Id FROM Task WHERE IsClosed = 'true'",
            "INVALID_FIELD",
            "must be of type boolean",
        ),
        (
            "SELECT Id FROM Task WHERE ActivityDate = 2021-07-20T10:00:00Z",
            "INVALID_FIELD",
            "must be of type date",
        ),
        (
            "SELECT Id FROM Task WHERE CreatedDate > 2021-07-20",
            "INVALID_FIELD",
            "must be of type dateTime",
        ),
        (
            "SELECT Id FROM Task WHERE WhatId = 'not-an-id'",
            "INVALID_QUERY_FILTER_OPERATOR",
            "invalid ID field: not-an-id",
        ),
        (
            "SELECT Id FROM Task WHERE CallDurationInSeconds LIKE '5%'",
            "INVALID_QUERY_FILTER_OPERATOR",
            "LIKE",
        ),
        (
            "SELECT Id FROM Task OFFSET 2001",
            "NUMBER_OUTSIDE_VALID_RANGE",
            "Maximum SOQL offset allowed is 2000",
        ),
    ] {
        let (got, message) = query_error(&api, soql).await;
        assert_eq!(got, code, "{soql}: {message}");
        assert!(message.contains(text), "{soql}: {message}");
        assert!(
            message.contains("ERROR at Row:1:Column:"),
            "{soql}: {message}"
        );
    }
}
