//! A record of every field type round-trips through the emulator loaded with the same describes
//! the code was generated from (`sforce-codegen/tests/fixtures/describes`).

mod support;

use sforce::types::{Date, DateTime, Time};
use support::fixture_emulator;

#[path = "codegen_generated/mod.rs"]
#[allow(dead_code, unused_imports)]
#[rustfmt::skip]
mod generated;

use generated::account::Type as AccountType;
use generated::everything::{Colors, Mood, Stage, Type as SinkType};
use generated::{Account, Everything};
use sforce::types::{Base64Blob, JsonValue, MultiPicklist, NumberKey};

fn sample(account: &sforce::Id) -> Everything {
    Everything {
        name: "Kitchen sink".into(),
        key: Some("SINK-1".into()),
        code: Some("AbC".into()),
        text: Some("text with ; and \"quotes\" and ünïcödé".into()),
        long_text: Some("line 1\nline 2".into()),
        email: Some("someone@example.com".into()),
        phone: Some("+1 555 0100".into()),
        url: Some("https://example.com/a?b=c".into()),
        secret: Some("s3cret".into()),
        combo: Some("Not suggested".into()),
        category: Some("Geography".into()),
        flag: Some(true),
        count: Some(-42),
        big_count: Some(9_007_199_254_740_000),
        ratio: Some(0.1234),
        amount: Some(1234.56),
        share: Some(12.5),
        day: Some(Date::from_ymd(2021, 7, 20).unwrap()),
        moment: Some("2012-07-12T17:49:01.000Z".parse::<DateTime>().unwrap()),
        clock: Some("22:12:30.999Z".parse::<Time>().unwrap()),
        stage: Some(Stage::InProgress2),
        mood: Some(Mood::Other("Ecstatic".into())),
        empty: None,
        colors: Some(MultiPicklist(vec![Colors::Red, Colors::Blue])),
        account: Some(account.clone()),
        parent: Some(account.clone()),
        blob: None,
        ship_street: Some("1 Main St".into()),
        ship_city: Some("Springfield".into()),
        where_latitude_s: Some(48.8566),
        where_longitude_s: Some(2.3522),
        anything: Some(JsonValue::from("any")),
        type_: Some("keyword field".into()),
        type_c: Some(SinkType::B),
        match_: Some("match".into()),
        self_: Some("self".into()),
        status: Some("standard".into()),
        status_c: Some("shouting".into()),
        status_c_2: Some("custom".into()),
        status_c_c: Some("custom c".into()),
        create_only: Some("once".into()),
        legacy_number: Some(NumberKey(77)),
        id_c: Some("not the record id".into()),
        ..Everything::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_structs_round_trip_through_the_emulator() {
    let (emu, client) = fixture_emulator().await;
    emu.set_commit_latency(std::time::Duration::ZERO);

    let account = Account {
        name: "Acme".into(),
        type_: Some(AccountType::from("Customer - Direct")),
        account_number: Some("ACME-1".into()),
        ..Account::default()
    };
    assert_eq!(account.type_, Some(AccountType::CustomerDirect));
    let created = account.upsert_by_account_number(&client).await.unwrap();
    assert!(created.created());
    let account_id = created.id().clone();

    let sink = sample(&account_id);
    let outcome = sink.upsert_by_key(&client).await.unwrap();
    assert!(outcome.created());

    let stored = emu
        .find_by_external_id("Everything__c", "Key__c", "SINK-1")
        .unwrap();
    assert_eq!(
        stored["Stage__c"], "In-Progress",
        "picklist written as its API value"
    );
    assert_eq!(stored["Colors__c"], "Red;Blue", "multipicklist joined by ;");
    assert_eq!(
        stored["Type"], "keyword field",
        "keyword field keeps its API name"
    );
    assert_eq!(
        stored["Status__c"], "custom",
        "collided names keep their API names"
    );
    assert!(!stored.contains_key("Total__c") || stored["Total__c"].is_null());

    let read = Everything::get_by_key(&client, "sink-1").await.unwrap();
    let expected = Everything {
        id: Some(outcome.id().clone()),
        created_date: read.created_date,
        system_modstamp: read.system_modstamp,
        number: read.number.clone(),
        total: read.total,
        ship_address: read.ship_address.clone(),
        where_: read.where_,
        flag: Some(true),
        ..sink.clone()
    };
    assert_eq!(read, expected);
    assert!(
        read.created_date.is_some(),
        "read-only system field read back"
    );

    // Update through the same key: unknown picklist values and base64 content are written as-is.
    let update = Everything {
        mood: Some(Mood::Sad),
        blob: Some(Base64Blob::Bytes(b"\x00binary\xff".to_vec())),
        // Create-only (createable, not updateable): an update must leave it out.
        create_only: None,
        ..sink.clone()
    };
    let outcome = update.upsert_by_key(&client).await.unwrap();
    assert!(!outcome.created());
    let stored = emu
        .find_by_external_id("Everything__c", "Key__c", "SINK-1")
        .unwrap();
    assert_eq!(stored["Mood__c"], "Sad");
    assert_eq!(stored["Blob__c"], "AGJpbmFyef8=");
    let read = Everything::get_by_id(&client, outcome.id()).await.unwrap();
    assert_eq!(read.mood, Some(Mood::Sad));
    assert_eq!(read.create_only.as_deref(), Some("once"));
    // The emulator inlines base64 content on read (Salesforce returns a blob URL instead, which
    // decodes as `Base64Blob::Url`; see `support_types_round_trip` in codegen_golden.rs).
    assert_eq!(
        read.blob,
        Some(Base64Blob::Bytes(b"\x00binary\xff".to_vec()))
    );

    // A second object keyed by a Number external ID, typed as an integer key.
    let by_number = Everything {
        name: "by number".into(),
        legacy_number: Some(NumberKey(12345)),
        ..Everything::default()
    };
    assert!(
        by_number
            .upsert_by_legacy_number(&client)
            .await
            .unwrap()
            .created()
    );
    let read = Everything::get_by_legacy_number(&client, NumberKey(12345))
        .await
        .unwrap();
    assert_eq!(read.name, "by number");
    assert_eq!(read.legacy_number, Some(NumberKey(12345)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_structs_work_with_typed_select() {
    let (emu, client) = fixture_emulator().await;
    emu.set_commit_latency(std::time::Duration::ZERO);
    let account = Account {
        name: "Acme".into(),
        account_number: Some("ACME-1".into()),
        ..Account::default()
    };
    let account_id = account
        .upsert_by_account_number(&client)
        .await
        .unwrap()
        .id()
        .clone();
    let sink = sample(&account_id);
    let id = sink.upsert_by_key(&client).await.unwrap().id().clone();
    let other = Everything {
        name: "other".into(),
        key: Some("SINK-2".into()),
        ..Everything::default()
    };
    other.upsert_by_key(&client).await.unwrap();

    let f = Everything::FIELD;
    let select = Everything::select()
        .filter(f.stage.eq(Stage::InProgress2))
        .filter(f.mood.eq(Mood::Other("Ecstatic".into())))
        .filter(f.type_c.in_([SinkType::B]))
        .filter(f.colors.eq(MultiPicklist(vec![Colors::Red, Colors::Blue])))
        .filter(f.text.eq("text with ; and \"quotes\" and ünïcödé"))
        .filter(f.long_text.contains("line 1\nline"))
        .filter(f.flag.eq(true))
        .filter(f.count.lt(0).and(f.big_count.gt(9_000_000_000_000_000_i64)))
        .filter(
            f.ratio
                .ge(0.1234)
                .and(f.amount.le(1234.56))
                .and(f.share.eq(12.5)),
        )
        .filter(f.day.eq(Date::from_ymd(2021, 7, 20).unwrap()))
        .filter(
            f.moment
                .eq("2012-07-12T17:49:01.000Z".parse::<DateTime>().unwrap()),
        )
        .filter(f.account.eq(account_id.clone()))
        .filter(f.empty.is_null())
        .filter(f.created_date.is_not_null())
        .order_by(f.name.desc());
    let rows = select.all(&client).await.unwrap();
    assert_eq!(rows.len(), 1, "{}", select.to_soql().unwrap());
    // The query decodes every field type (picklists, multi-select, compound read-only
    // address and location, base64) exactly as a read by Id does.
    let by_id = Everything::get_by_id(&client, &id).await.unwrap();
    assert_eq!(rows[0], by_id);
    assert_eq!(rows[0].stage, Some(Stage::InProgress2));
    assert_eq!(
        rows[0].colors,
        Some(MultiPicklist(vec![Colors::Red, Colors::Blue]))
    );
    // A filter that excludes the sink finds the other record only.
    let rows = Everything::select()
        .filter(f.stage.ne(Stage::InProgress2))
        .all(&client)
        .await
        .unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["other"]);
}
