//! Queries over real HTTP against the embedded emulator: injection attempts, pagination,
//! lazy requests, typed selects of every value type, relationships, counts, `queryAll`, errors.

mod support;

use std::collections::HashSet;

use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use sforce::query::{Like, QueryResult, Soql, WithAttributes};
use sforce::{Date, DateTime, Error, ErrorCode, Id, Record, SObject};
use support::{HANG, client, emulator, obj};

#[derive(Debug, Clone, PartialEq, SObject)]
#[sobject(name = "Task")]
struct Call {
    #[sobject(id)]
    id: Option<Id>,
    #[external_id]
    #[sobject(rename = "uuid__c")]
    uuid: String,
    subject: Option<String>,
    description: Option<String>,
    status: Option<String>,
    activity_date: Option<Date>,
    call_duration_in_seconds: Option<i32>,
    #[sobject(rename = "isTransfer__c")]
    is_transfer: Option<bool>,
    #[sobject(rename = "LegacyNumber__c")]
    legacy_number: Option<f64>,
    #[sobject(rename = "CallStarted__c")]
    call_started: Option<DateTime>,
    #[sobject(read_only)]
    created_date: Option<DateTime>,
    #[sobject(read_only)]
    is_closed: Option<bool>,
}

/// Only the key, for counting and ordering checks.
#[derive(Debug, Clone, PartialEq, SObject)]
#[sobject(name = "Task")]
struct Key {
    #[external_id]
    #[sobject(rename = "uuid__c")]
    uuid: String,
}

fn call(uuid: &str) -> Call {
    Call {
        id: None,
        uuid: uuid.to_owned(),
        subject: Some(format!("Call {uuid}")),
        description: None,
        status: Some("Completed".into()),
        activity_date: None,
        call_duration_in_seconds: None,
        is_transfer: None,
        legacy_number: None,
        call_started: None,
        created_date: None,
        is_closed: None,
    }
}

fn insert(emu: &sforce_emulator::Emulator, record: &Call) -> Id {
    let body = record.to_write_body().expect("body");
    Id::new(emu.insert_record("Task", body).expect("insert")).expect("id")
}

async fn within<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(HANG, f).await.expect("hung")
}

const HOSTILE: &[&str] = &[
    "O'Brien",
    "' OR Subject != '",
    "\\' OR Id != null OR Subject = '",
    "back\\slash\\",
    "\\",
    "quote \" double",
    "line\nbreak\r\ttab",
    "\u{8}bell\u{c}feed",
    "\\u0027 escaped",
    "50% off_now",
    "%",
    "_",
    "ünïcødé ✓ 🦀 日本",
    "'; DELETE FROM Task; --",
    ")) OR ((Subject = 'x'",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injection_attempts_round_trip_as_literal_values() {
    let emu = emulator().await;
    let client = client(&emu);
    for (i, hostile) in HOSTILE.iter().enumerate() {
        let mut record = call(&format!("H{i}"));
        record.subject = Some((*hostile).to_owned());
        record.description = Some(format!("prefix {hostile} suffix"));
        insert(&emu, &record);
    }
    // Decoys that a broken escape (or an unescaped wildcard) would also match.
    for (i, decoy) in ["O", "x", "50X offXnow", "anything", "Z"]
        .iter()
        .enumerate()
    {
        let mut record = call(&format!("D{i}"));
        record.subject = Some((*decoy).to_owned());
        record.description = Some(format!("prefix {decoy} suffix"));
        insert(&emu, &record);
    }
    let descriptions: Vec<(String, String)> = emu
        .records("Task")
        .iter()
        .map(|r| {
            let text = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
            (text("uuid__c"), text("Description"))
        })
        .collect();

    for (i, hostile) in HOSTILE.iter().enumerate() {
        let expected = format!("H{i}");
        // Typed select: equality.
        let rows: Vec<Call> = within(
            Call::select()
                .filter(Call::FIELD.subject.eq(*hostile))
                .all(&client),
        )
        .await
        .unwrap_or_else(|e| panic!("{hostile:?}: {e}"));
        let keys: Vec<&str> = rows.iter().map(|r| r.uuid.as_str()).collect();
        assert_eq!(keys, [expected.as_str()], "eq {hostile:?}");
        assert_eq!(rows[0].subject.as_deref(), Some(*hostile));

        // Typed select: LIKE with the value meant literally (`%` and `_` too). LIKE is
        // case-insensitive; every stored description containing the text matches.
        let rows: Vec<Call> = within(
            Call::select()
                .filter(Call::FIELD.description.contains(*hostile))
                .all(&client),
        )
        .await
        .unwrap_or_else(|e| panic!("{hostile:?}: {e}"));
        let got: HashSet<String> = rows.into_iter().map(|r| r.uuid).collect();
        assert_eq!(
            got,
            containing(&descriptions, hostile),
            "contains {hostile:?}"
        );

        // Raw SOQL with a bound value.
        let soql = sforce::soql!(
            "SELECT uuid__c FROM Task WHERE Subject = :subject AND Description LIKE :text",
            subject = *hostile,
        );
        assert!(soql.is_err(), "an unbound placeholder must be an error");
        let soql = Soql::template(
            "SELECT uuid__c, Subject FROM Task WHERE Subject = :subject AND Description LIKE :text",
        )
        .bind("subject", *hostile)
        .bind_like("text", Like::contains(*hostile))
        .build()
        .unwrap();
        let rows: Vec<Value> = within(client.query(soql).collect_all()).await.unwrap();
        assert_eq!(rows.len(), 1, "template {hostile:?}: {rows:?}");
        assert_eq!(rows[0]["uuid__c"], json!(expected));
        assert_eq!(rows[0]["Subject"], json!(hostile));
    }
}

/// The keys whose description contains `text`, case-insensitively (as LIKE matches).
fn containing(descriptions: &[(String, String)], text: &str) -> HashSet<String> {
    descriptions
        .iter()
        .filter(|(_, d)| d.to_lowercase().contains(&text.to_lowercase()))
        .map(|(k, _)| k.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pagination_yields_every_record_once_in_order() {
    let emu = emulator().await;
    let client = client(&emu);
    const N: usize = 10_005;
    for i in 0..N {
        emu.insert_record(
            "Task",
            obj(json!({"uuid__c": format!("K{i:05}"), "Subject": "p"})),
        )
        .unwrap();
    }
    emu.clear_request_log();
    let mut stream = Key::select()
        .order_by(Key::FIELD.uuid)
        .batch_size(200)
        .stream(&client);
    let mut seen = Vec::with_capacity(N);
    while let Some(row) = within(stream.try_next()).await.unwrap() {
        seen.push(row.uuid);
    }
    let expected: Vec<String> = (0..N).map(|i| format!("K{i:05}")).collect();
    assert_eq!(seen.len(), N);
    assert!(seen == expected, "records out of order or repeated");
    assert_eq!(stream.total_size(), Some(N as u64));
    // 200 rows a page: 51 requests, the first to /query, the rest to locators.
    assert_eq!(stream.pages_received(), 51);
    let log = emu.request_log();
    assert_eq!(log.len(), 51, "one request per page");
    assert!(log.iter().all(|r| r.method == "GET" && r.status == 200));
    assert_eq!(emu.request_count_matching("GET", "/query/"), 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_stream_sends_no_further_request() {
    let emu = emulator().await;
    let client = client(&emu);
    for i in 0..1_000 {
        emu.insert_record(
            "Task",
            obj(json!({"uuid__c": format!("K{i:04}"), "Subject": "d"})),
        )
        .unwrap();
    }
    emu.clear_request_log();
    let stream = client
        .query::<Value>("SELECT uuid__c FROM Task ORDER BY uuid__c")
        .batch_size(200);
    assert_eq!(
        emu.request_count(),
        0,
        "nothing is sent before the first poll"
    );
    // 250 rows: the first page and the second one.
    let rows: Vec<Value> = within(stream.take(250).try_collect()).await.unwrap();
    assert_eq!(rows.len(), 250);
    assert_eq!(rows[249]["uuid__c"], json!("K0249"));
    // The stream is dropped here. Nothing runs in the background, so any further request would
    // have to come from a task; give one a chance to run, then check the log.
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
    let log = emu.request_log();
    assert_eq!(
        log.len(),
        2,
        "{:?}",
        log.iter().map(|r| &r.path).collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_select_of_every_value_type() {
    let emu = emulator().await;
    let client = client(&emu);
    let day = Date::from_ymd(2021, 7, 20).unwrap();
    let started: DateTime = "2021-07-20T10:00:00Z".parse().unwrap();
    let mut a = call("A");
    a.description = Some("first".into());
    a.activity_date = Some(day);
    a.call_duration_in_seconds = Some(597);
    a.is_transfer = Some(true);
    a.legacy_number = Some(12.0); // scale 0: stored rounded
    a.call_started = Some(started);
    let a_id = insert(&emu, &a);
    let mut b = call("B");
    b.status = Some("Deferred".into());
    b.activity_date = Some(Date::from_ymd(2022, 1, 1).unwrap());
    b.call_duration_in_seconds = Some(10);
    b.is_transfer = Some(false);
    b.legacy_number = Some(-1.0);
    b.call_started = Some("2021-07-20T12:00:00+02:00".parse().unwrap()); // = 10:00Z
    insert(&emu, &b);
    insert(&emu, &call("C")); // every optional field null

    let f = Call::FIELD;
    let keys = |cond| {
        let client = client.clone();
        async move {
            let rows: Vec<Call> = within(Call::select().filter(cond).order_by(f.uuid).all(&client))
                .await
                .unwrap();
            rows.into_iter().map(|r| r.uuid).collect::<Vec<_>>()
        }
    };
    assert_eq!(keys(f.id.eq(a_id.clone())).await, ["A"]);
    assert_eq!(keys(f.id.ne(a_id.clone())).await, ["B", "C"]);
    assert_eq!(keys(f.status.in_(["Completed"])).await, ["A", "C"]);
    assert_eq!(keys(f.status.not_in(["Completed"])).await, ["B"]);
    assert_eq!(keys(f.activity_date.eq(day)).await, ["A"]);
    assert_eq!(keys(f.activity_date.gt(day)).await, ["B"]);
    assert_eq!(keys(f.activity_date.is_null()).await, ["C"]);
    assert_eq!(keys(f.call_duration_in_seconds.ge(597)).await, ["A"]);
    assert_eq!(keys(f.call_duration_in_seconds.lt(597)).await, ["B"]);
    assert_eq!(keys(f.is_transfer.eq(true)).await, ["A"]);
    // A checkbox is never null: C's reads false.
    assert_eq!(keys(f.is_transfer.eq(false).not()).await, ["A"]);
    assert_eq!(keys(f.is_transfer.ne(true)).await, ["B", "C"]);
    assert_eq!(keys(f.legacy_number.le(-0.5)).await, ["B"]);
    assert_eq!(keys(f.call_started.eq(started)).await, ["A", "B"]);
    assert_eq!(
        keys(
            f.created_date
                .is_not_null()
                .and(f.is_closed.eq(false).or(f.is_closed.is_null()))
        )
        .await,
        ["A", "B", "C"]
    );
    assert_eq!(
        keys(f.uuid.in_(Vec::<String>::new())).await,
        Vec::<String>::new()
    );
    assert_eq!(
        keys(f.subject.like(Like::pattern("Call _"))).await,
        ["A", "B", "C"]
    );

    // Every field decodes to what was stored.
    let rows: Vec<Call> = within(Call::select().filter(f.uuid.eq("A")).all(&client))
        .await
        .unwrap();
    let got = &rows[0];
    assert_eq!(got.id.as_ref(), Some(&a_id));
    assert_eq!(got.activity_date, Some(day));
    assert_eq!(got.call_duration_in_seconds, Some(597));
    assert_eq!(got.is_transfer, Some(true));
    assert_eq!(got.legacy_number, Some(12.0));
    assert_eq!(got.call_started, Some(started));
    assert!(got.created_date.is_some());

    // ORDER BY, NULLS LAST, LIMIT, OFFSET.
    let rows: Vec<Call> = within(
        Call::select()
            .order_by(f.activity_date.desc().nulls_last())
            .limit(2)
            .offset(1)
            .all(&client),
    )
    .await
    .unwrap();
    let order: Vec<&str> = rows.iter().map(|r| r.uuid.as_str()).collect();
    assert_eq!(order, ["A", "C"]);
    let rows: Vec<Call> = within(
        Call::select()
            .order_by(f.activity_date.asc().nulls_first())
            .all(&client),
    )
    .await
    .unwrap();
    let order: Vec<&str> = rows.iter().map(|r| r.uuid.as_str()).collect();
    assert_eq!(order, ["C", "A", "B"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_query_all_and_attributes() {
    let emu = emulator().await;
    let client = client(&emu);
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(insert(&emu, &call(&format!("C{i}"))));
    }
    within(client.delete("Task", &ids[0])).await.unwrap();

    assert_eq!(
        within(client.count("SELECT COUNT() FROM Task"))
            .await
            .unwrap(),
        4
    );
    assert_eq!(
        within(client.count_all("SELECT COUNT() FROM Task"))
            .await
            .unwrap(),
        5
    );
    let select = Call::select().filter(Call::FIELD.uuid.ne("C1"));
    assert_eq!(within(select.count(&client)).await.unwrap(), 3);
    assert_eq!(
        within(select.clone().include_deleted().count(&client))
            .await
            .unwrap(),
        4
    );

    // queryAll returns the deleted row with IsDeleted = true.
    let rows: Vec<Value> = within(
        client
            .query_all("SELECT uuid__c, IsDeleted FROM Task WHERE IsDeleted = true")
            .collect_all(),
    )
    .await
    .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["uuid__c"], json!("C0"));
    let live: Vec<Key> = within(Key::select().all(&client)).await.unwrap();
    assert_eq!(live.len(), 4);
    let all: Vec<Key> = within(Key::select().include_deleted().all(&client))
        .await
        .unwrap();
    assert_eq!(all.len(), 5);

    // Attributes on request, for serde types and for derived structs.
    let rows: Vec<WithAttributes<Record<Key>>> = within(
        client
            .query("SELECT uuid__c FROM Task ORDER BY uuid__c LIMIT 1")
            .collect_all(),
    )
    .await
    .unwrap();
    let attributes = rows[0].attributes.as_ref().expect("attributes");
    assert_eq!(attributes.sobject, "Task");
    assert!(
        attributes
            .url
            .as_deref()
            .unwrap()
            .contains("/sobjects/Task/")
    );
    assert_eq!(rows[0].record.0.uuid, "C1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_errors_are_typed() {
    let emu = emulator().await;
    let client = client(&emu);
    let err = within(client.query::<Value>("SELECT Id FORM Task").collect_all())
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(&ErrorCode::MalformedQuery), "{err:?}");
    let err = within(client.query::<Value>("SELECT Foo FROM Task").collect_all())
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(&ErrorCode::InvalidField), "{err:?}");
    let err = within(client.count("SELECT COUNT() FROM Nope__c"))
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(&ErrorCode::InvalidType), "{err:?}");
    // A value without a literal fails before any request.
    emu.clear_request_log();
    let err = within(
        Call::select()
            .filter(Call::FIELD.legacy_number.gt(f64::NAN))
            .all(&client),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert_eq!(emu.request_count(), 0);
    // A record that does not decode names the field.
    emu.insert_record("Task", obj(json!({"uuid__c": "X", "Subject": "s"})))
        .unwrap();
    #[derive(Debug, SObject)]
    #[sobject(name = "Task")]
    struct Wrong {
        subject: Option<i64>,
    }
    let err = within(Wrong::select().all(&client)).await.unwrap_err();
    assert!(err.to_string().contains("Subject"), "{err}");
}

#[derive(Debug, Clone, PartialEq, SObject)]
#[sobject(name = "Account")]
struct AccountName {
    name: String,
}

#[derive(Debug, Clone, PartialEq, SObject)]
#[sobject(name = "Task")]
struct TaskWithParent {
    #[external_id]
    #[sobject(rename = "uuid__c")]
    uuid: String,
    #[sobject(relationship)]
    what: Option<AccountName>,
}

#[derive(Debug, Clone, PartialEq, SObject)]
#[sobject(name = "Task")]
struct TaskRow {
    #[sobject(id)]
    id: Option<Id>,
    subject: Option<String>,
}

#[derive(Debug, Clone, PartialEq, SObject)]
#[sobject(name = "Account")]
struct AccountWithTasks {
    #[sobject(id)]
    id: Option<Id>,
    name: String,
    #[sobject(relationship)]
    tasks: QueryResult<TaskRow>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parent_and_child_relationships() {
    let emu = emulator().await;
    let client = client(&emu);
    let acme = emu
        .insert_record("Account", obj(json!({"Name": "Acme"})))
        .unwrap();
    let empty = emu
        .insert_record("Account", obj(json!({"Name": "Empty"})))
        .unwrap();
    for (uuid, what) in [("T1", Some(&acme)), ("T2", Some(&acme)), ("T3", None)] {
        let mut fields = obj(json!({"uuid__c": uuid, "Subject": format!("S {uuid}")}));
        if let Some(what) = what {
            fields.insert("WhatId".into(), json!(what));
        }
        emu.insert_record("Task", fields).unwrap();
    }

    let select = TaskWithParent::select().order_by(TaskWithParent::FIELD.uuid);
    assert_eq!(
        select.to_soql().unwrap().as_str(),
        "SELECT uuid__c, What.Name FROM Task ORDER BY uuid__c ASC"
    );
    let rows = within(select.all(&client)).await.unwrap();
    let acme_name = Some(AccountName {
        name: "Acme".into(),
    });
    assert_eq!(
        rows,
        [
            TaskWithParent {
                uuid: "T1".into(),
                what: acme_name.clone()
            },
            TaskWithParent {
                uuid: "T2".into(),
                what: acme_name
            },
            TaskWithParent {
                uuid: "T3".into(),
                what: None
            },
        ]
    );

    let select = AccountWithTasks::select().order_by(AccountWithTasks::FIELD.id);
    assert_eq!(
        select.to_soql().unwrap().as_str(),
        "SELECT Id, Name, (SELECT Id, Subject FROM Tasks) FROM Account ORDER BY Id ASC"
    );
    let rows = within(select.all(&client)).await.unwrap();
    assert_eq!(rows.len(), 2);
    let by_name = |n: &str| rows.iter().find(|a| a.name == n).unwrap();
    let acme_row = by_name("Acme");
    assert_eq!(
        acme_row.id.as_ref().map(Id::as_str),
        Some(Id::new(&acme).unwrap().as_str())
    );
    assert_eq!(acme_row.tasks.total_size, 2);
    assert!(acme_row.tasks.done);
    let mut subjects: Vec<_> = acme_row
        .tasks
        .records
        .iter()
        .map(|t| t.subject.clone().unwrap())
        .collect();
    subjects.sort();
    assert_eq!(subjects, ["S T1", "S T2"]);
    let empty_row = by_name("Empty");
    assert_eq!(
        empty_row.id.as_ref().map(Id::as_str),
        Some(Id::new(&empty).unwrap().as_str())
    );
    assert_eq!(empty_row.tasks.total_size, 0);
    assert!(empty_row.tasks.records.is_empty());
}
