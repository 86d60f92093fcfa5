//! Literals: injection-style strings round-trip as values, every operator on every kind of
//! field.

use serde_json::{Value, json};

use super::common::{Api, emulator};
use super::{column, fixture_emulator, insert, query, query_error};

/// Values a caller might pass that must stay values: quotes, backslashes, escapes spelled out,
/// wildcards, control characters, non-ASCII.
const NASTY: &[&str] = &[
    "O'Brien",
    r"back\slash",
    r#"say "hi""#,
    "50% off_now",
    "%",
    "_",
    r"\",
    "''",
    "' OR Subject != '",
    r"\' OR Id != null OR Subject = \'",
    r"\u0041 is not A",
    "line1\nline2\r\n\ttabbed",
    "bell\u{8}feed\u{c}",
    "ünïcödé 日本語 😀",
    "LAST_N_DAYS:7",
];

/// A SOQL string literal for `value`; `like` also escapes the wildcards; `unicode_escapes`
/// spells every non-ASCII character as `\uXXXX` (UTF-16 units).
fn literal(value: &str, like: bool, unicode_escapes: bool) -> String {
    let mut out = String::from("'");
    for c in value.chars() {
        match c {
            '\\' => out.push_str(r"\\"),
            '\'' => out.push_str(r"\'"),
            '"' => out.push_str(r#"\""#),
            '\n' => out.push_str(r"\n"),
            '\r' => out.push_str(r"\r"),
            '\t' => out.push_str(r"\t"),
            '\u{8}' => out.push_str(r"\b"),
            '\u{c}' => out.push_str(r"\f"),
            '%' | '_' if like => {
                out.push('\\');
                out.push(c);
            }
            c if unicode_escapes && !c.is_ascii() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injection_attempts_round_trip_as_literal_values() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let ids: Vec<String> = NASTY
        .iter()
        .map(|v| insert(&emu, "Task", json!({"Subject": v})))
        .collect();
    insert(&emu, "Task", json!({"Subject": "decoy"}));

    for (value, id) in NASTY.iter().zip(&ids) {
        for unicode in [false, true] {
            for (op, like) in [("=", false), ("LIKE", true), ("IN (", false)] {
                let lit = literal(value, like, unicode);
                let soql = match op {
                    "IN (" => format!("SELECT Id, Subject FROM Task WHERE Subject IN ({lit})"),
                    op => format!("SELECT Id, Subject FROM Task WHERE Subject {op} {lit}"),
                };
                let body = query(&api, &soql).await;
                assert_eq!(column(&body, "Id"), [json!(id)], "{soql}");
                assert_eq!(column(&body, "Subject"), [json!(value)], "{soql}");
            }
        }
    }
    // The wildcards work when they are meant.
    let body = query(
        &api,
        "SELECT Subject FROM Task WHERE Subject LIKE '50\\% off%'",
    )
    .await;
    assert_eq!(column(&body, "Subject"), [json!("50% off_now")]);
    let body = query(&api, "SELECT Subject FROM Task WHERE Subject LIKE '_'").await;
    assert_eq!(
        column(&body, "Subject"),
        [json!("%"), json!("_"), json!("\\")]
    );
}

/// Inserts Tasks from `(Subject, CallDurationInSeconds, LegacyNumber__c, isTransfer__c)`.
fn numbers(emu: &sforce_emulator::Emulator) {
    for (subject, duration, legacy, transfer) in [
        ("alpha", json!(10), json!(1.5), json!(true)),
        ("Bravo", json!(20), json!(-2.25), json!(false)),
        ("charlie", json!(30), json!(100), json!(true)),
        ("delta", Value::Null, Value::Null, json!(false)),
    ] {
        insert(
            emu,
            "Task",
            json!({"Subject": subject, "CallDurationInSeconds": duration,
                   "LegacyNumber__c": legacy, "isTransfer__c": transfer}),
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operator_on_numbers_text_and_booleans() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    numbers(&emu);
    for (condition, expected) in [
        ("CallDurationInSeconds = 20", &["Bravo"][..]),
        (
            "CallDurationInSeconds != 20",
            &["alpha", "charlie", "delta"],
        ),
        (
            "CallDurationInSeconds <> 20",
            &["alpha", "charlie", "delta"],
        ),
        ("CallDurationInSeconds < 20", &["alpha"]),
        ("CallDurationInSeconds <= 20", &["alpha", "Bravo"]),
        ("CallDurationInSeconds > 20", &["charlie"]),
        ("CallDurationInSeconds >= 20.0", &["Bravo", "charlie"]),
        ("CallDurationInSeconds = null", &["delta"]),
        (
            "CallDurationInSeconds != null",
            &["alpha", "Bravo", "charlie"],
        ),
        ("CallDurationInSeconds IN (10, 30)", &["alpha", "charlie"]),
        ("CallDurationInSeconds NOT IN (10, 30)", &["Bravo", "delta"]),
        ("CallDurationInSeconds IN (null, 20)", &["Bravo", "delta"]),
        ("LegacyNumber__c < 0", &["Bravo"]),
        ("LegacyNumber__c >= 1.5", &["alpha", "charlie"]),
        ("LegacyNumber__c = 100", &["charlie"]),
        ("Subject = 'BRAVO'", &["Bravo"]),
        ("Subject != 'bravo'", &["alpha", "charlie", "delta"]),
        ("Subject > 'b'", &["Bravo", "charlie", "delta"]),
        ("Subject < 'BRAVO'", &["alpha"]),
        ("Subject >= 'bravo'", &["Bravo", "charlie", "delta"]),
        ("Subject <= 'c'", &["alpha", "Bravo"]),
        (
            "Subject LIKE '%A%'",
            &["alpha", "Bravo", "charlie", "delta"],
        ),
        ("Subject LIKE 'b%'", &["Bravo"]),
        ("Subject LIKE '_elta'", &["delta"]),
        ("Subject IN ('ALPHA', 'Delta')", &["alpha", "delta"]),
        ("isTransfer__c = true", &["alpha", "charlie"]),
        ("isTransfer__c = FALSE", &["Bravo", "delta"]),
        ("isTransfer__c != true", &["Bravo", "delta"]),
        ("NOT Subject LIKE 'b%'", &["alpha", "charlie", "delta"]),
        (
            "NOT (CallDurationInSeconds > 10 AND isTransfer__c = true)",
            &["alpha", "Bravo", "delta"],
        ),
        (
            "Subject = 'alpha' OR Subject = 'delta' OR CallDurationInSeconds = 20",
            &["alpha", "Bravo", "delta"],
        ),
        (
            "(Subject = 'alpha' OR Subject = 'Bravo') AND isTransfer__c = false",
            &["Bravo"],
        ),
        (
            "Subject = 'alpha' AND (CallDurationInSeconds = 10 OR NOT isTransfer__c = true)",
            &["alpha"],
        ),
        (
            "Id != null AND Subject != null AND CallType = null",
            &["alpha", "Bravo", "charlie", "delta"],
        ),
    ] {
        let soql = format!("SELECT Subject FROM Task WHERE {condition}");
        let body = query(&api, &soql).await;
        assert_eq!(
            column(&body, "Subject"),
            expected.iter().map(|s| json!(s)).collect::<Vec<_>>(),
            "{condition}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_by_keys_directions_and_nulls() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    numbers(&emu);
    for (order, expected) in [
        (
            "CallDurationInSeconds",
            ["delta", "alpha", "Bravo", "charlie"],
        ),
        (
            "CallDurationInSeconds ASC NULLS LAST",
            ["alpha", "Bravo", "charlie", "delta"],
        ),
        (
            "CallDurationInSeconds DESC",
            ["charlie", "Bravo", "alpha", "delta"],
        ),
        (
            "CallDurationInSeconds DESC NULLS FIRST",
            ["delta", "charlie", "Bravo", "alpha"],
        ),
        ("Subject DESC", ["delta", "charlie", "Bravo", "alpha"]),
        (
            "isTransfer__c, Subject DESC",
            ["delta", "Bravo", "charlie", "alpha"],
        ),
        (
            "LegacyNumber__c DESC NULLS LAST, Subject",
            ["charlie", "alpha", "Bravo", "delta"],
        ),
    ] {
        let body = query(&api, &format!("SELECT Subject FROM Task ORDER BY {order}")).await;
        assert_eq!(
            column(&body, "Subject"),
            expected.map(|s| json!(s)),
            "{order}"
        );
    }
    let body = query(
        &api,
        "SELECT Subject FROM Task ORDER BY Subject LIMIT 2 OFFSET 1",
    )
    .await;
    assert_eq!(column(&body, "Subject"), [json!("Bravo"), json!("charlie")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dates_datetimes_and_ids() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let a = insert(
        &emu,
        "Task",
        json!({"Subject": "a", "ActivityDate": "2021-07-20", "CallStarted__c": "2021-07-20T10:00:00Z"}),
    );
    insert(
        &emu,
        "Task",
        json!({"Subject": "b", "ActivityDate": "2021-07-21", "CallStarted__c": "2021-07-20T12:30:00.000+0200"}),
    );
    insert(&emu, "Task", json!({"Subject": "c"}));
    for (condition, expected) in [
        ("ActivityDate = 2021-07-20", &["a"][..]),
        ("ActivityDate > 2021-07-20", &["b"]),
        ("ActivityDate <= 2021-07-21", &["a", "b"]),
        ("ActivityDate != 2021-07-20", &["b", "c"]),
        ("ActivityDate = null", &["c"]),
        ("CallStarted__c = 2021-07-20T10:00:00Z", &["a"]),
        ("CallStarted__c = 2021-07-20T12:00:00+02:00", &["a"]),
        ("CallStarted__c > 2021-07-20T10:00:00.000Z", &["b"]),
        ("CallStarted__c < 2021-07-20T10:30:00Z", &["a"]),
        ("CallStarted__c <= 2021-07-20T10:30:00.000Z", &["a", "b"]),
        ("CallStarted__c >= 2021-07-20T06:00:00-04:00", &["a", "b"]),
        ("CallStarted__c > 2021-07-20T06:00:00-0400", &["b"]),
    ] {
        let body = query(&api, &format!("SELECT Subject FROM Task WHERE {condition}")).await;
        assert_eq!(
            column(&body, "Subject"),
            expected.iter().map(|s| json!(s)).collect::<Vec<_>>(),
            "{condition}"
        );
    }
    // Ids match in 18 and 15 characters, in IN lists too.
    let short = &a[..15];
    for condition in [
        format!("Id = '{a}'"),
        format!("Id = '{short}'"),
        format!("Id IN ('{short}')"),
    ] {
        let body = query(&api, &format!("SELECT Subject FROM Task WHERE {condition}")).await;
        assert_eq!(column(&body, "Subject"), [json!("a")], "{condition}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_select_picklists_compare_as_sets() {
    let emu = fixture_emulator().await;
    let api = Api::new(&emu);
    for (name, tags) in [
        ("rg", json!("Red;Green")),
        ("b", json!("Blue")),
        ("gbr", json!("Green;Blue;Red")),
        ("none", Value::Null),
    ] {
        insert(&emu, "Invoice__c", json!({"Name": name, "Tags__c": tags}));
    }
    for (condition, expected) in [
        ("Tags__c INCLUDES ('red')", &["rg", "gbr"][..]),
        ("Tags__c INCLUDES ('Red;Blue')", &["gbr"]),
        ("Tags__c INCLUDES ('Red;Blue', 'blue')", &["b", "gbr"]),
        ("Tags__c EXCLUDES ('Red')", &["b", "none"]),
        ("Tags__c EXCLUDES ('Red;Blue')", &["rg", "b", "none"]),
        ("Tags__c = 'green;RED'", &["rg"]),
        ("Tags__c != 'Blue'", &["rg", "gbr", "none"]),
        ("Tags__c = null", &["none"]),
    ] {
        let body = query(
            &api,
            &format!("SELECT Name FROM Invoice__c WHERE {condition}"),
        )
        .await;
        let expected: Vec<Value> = expected.iter().map(|s| json!(s)).collect();
        assert_eq!(column(&body, "Name"), expected, "{condition}");
    }
    let (code, message) =
        query_error(&api, "SELECT Id FROM Invoice__c WHERE Name INCLUDES ('x')").await;
    assert_eq!(code, "INVALID_QUERY_FILTER_OPERATOR", "{message}");
}
