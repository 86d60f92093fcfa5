//! Every date literal, on a date field and a datetime field, with every operator.
//!
//! Records sit on every day from 800 days before today to 800 days after (UTC, the
//! emulator's clock); each literal's expected days are computed here from the calendar
//! (same month, same Sunday-started week, ...), independently of the emulator's arithmetic.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use time::{Date, Duration, OffsetDateTime};

use super::common::{Api, emulator};
use super::{insert, query};

const SPAN: i64 = 800;

fn week_start(d: Date) -> Date {
    d - Duration::days(i64::from(d.weekday().number_days_from_sunday()))
}

fn month_index(d: Date) -> i64 {
    i64::from(d.year()) * 12 + i64::from(u8::from(d.month())) - 1
}

fn quarter_index(d: Date) -> i64 {
    month_index(d).div_euclid(3)
}

/// Whether a day (first) is covered when today is the second.
type Covers = Box<dyn Fn(Date, Date) -> bool>;

/// `(literal, predicate on a day given today)` for every literal form.
fn literals() -> Vec<(String, Covers)> {
    let mut all: Vec<(String, Covers)> = vec![
        ("TODAY".into(), Box::new(|d, t| d == t)),
        ("YESTERDAY".into(), Box::new(|d, t| d == t - Duration::DAY)),
        ("TOMORROW".into(), Box::new(|d, t| d == t + Duration::DAY)),
        (
            "THIS_WEEK".into(),
            Box::new(|d, t| week_start(d) == week_start(t)),
        ),
        (
            "LAST_WEEK".into(),
            Box::new(|d, t| week_start(d) == week_start(t) - Duration::weeks(1)),
        ),
        (
            "NEXT_WEEK".into(),
            Box::new(|d, t| week_start(d) == week_start(t) + Duration::weeks(1)),
        ),
        (
            "THIS_MONTH".into(),
            Box::new(|d, t| month_index(d) == month_index(t)),
        ),
        (
            "LAST_MONTH".into(),
            Box::new(|d, t| month_index(d) == month_index(t) - 1),
        ),
        (
            "NEXT_MONTH".into(),
            Box::new(|d, t| month_index(d) == month_index(t) + 1),
        ),
        (
            "THIS_QUARTER".into(),
            Box::new(|d, t| quarter_index(d) == quarter_index(t)),
        ),
        (
            "LAST_QUARTER".into(),
            Box::new(|d, t| quarter_index(d) == quarter_index(t) - 1),
        ),
        (
            "NEXT_QUARTER".into(),
            Box::new(|d, t| quarter_index(d) == quarter_index(t) + 1),
        ),
        (
            "THIS_FISCAL_QUARTER".into(),
            Box::new(|d, t| quarter_index(d) == quarter_index(t)),
        ),
        ("THIS_YEAR".into(), Box::new(|d, t| d.year() == t.year())),
        (
            "LAST_YEAR".into(),
            Box::new(|d, t| d.year() == t.year() - 1),
        ),
        (
            "NEXT_YEAR".into(),
            Box::new(|d, t| d.year() == t.year() + 1),
        ),
        (
            "LAST_FISCAL_YEAR".into(),
            Box::new(|d, t| d.year() == t.year() - 1),
        ),
        (
            "LAST_90_DAYS".into(),
            Box::new(|d, t| (t - Duration::days(90)..=t).contains(&d)),
        ),
        (
            "NEXT_90_DAYS".into(),
            Box::new(|d, t| d > t && d <= t + Duration::days(90)),
        ),
    ];
    for n in [0_i64, 2, 40] {
        let days = Duration::days(n);
        let weeks = Duration::weeks(n);
        all.push((
            format!("LAST_N_DAYS:{n}"),
            Box::new(move |d, t| d >= t - days && d <= t),
        ));
        all.push((
            format!("NEXT_N_DAYS:{n}"),
            Box::new(move |d, t| d > t && d <= t + days),
        ));
        all.push((
            format!("N_DAYS_AGO:{n}"),
            Box::new(move |d, t| d == t - days),
        ));
        all.push((
            format!("LAST_N_WEEKS:{n}"),
            Box::new(move |d, t| {
                week_start(d) >= week_start(t) - weeks && week_start(d) < week_start(t)
            }),
        ));
        all.push((
            format!("NEXT_N_WEEKS:{n}"),
            Box::new(move |d, t| {
                week_start(d) > week_start(t) && week_start(d) <= week_start(t) + weeks
            }),
        ));
        all.push((
            format!("N_WEEKS_AGO:{n}"),
            Box::new(move |d, t| week_start(d) == week_start(t) - weeks),
        ));
        for (unit, index) in [
            ("MONTHS", month_index as fn(Date) -> i64),
            ("QUARTERS", quarter_index),
            ("YEARS", |d: Date| i64::from(d.year())),
        ] {
            all.push((
                format!("LAST_N_{unit}:{n}"),
                Box::new(move |d, t| index(d) >= index(t) - n && index(d) < index(t)),
            ));
            all.push((
                format!("NEXT_N_{unit}:{n}"),
                Box::new(move |d, t| index(d) > index(t) && index(d) <= index(t) + n),
            ));
            all.push((
                format!("N_{unit}_AGO:{n}"),
                Box::new(move |d, t| index(d) == index(t) - n),
            ));
        }
    }
    all
}

fn days(body: &Value, field: &str) -> BTreeSet<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| Date::parse(&r[field].as_str().unwrap()[..10], format).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_date_literal_on_dates_and_datetimes() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    let today = OffsetDateTime::now_utc().date();
    let all_days: Vec<Date> = (-SPAN..=SPAN).map(|i| today + Duration::days(i)).collect();
    for d in &all_days {
        insert(
            &emu,
            "Task",
            json!({"ActivityDate": d.to_string(), "CallStarted__c": format!("{d}T23:59:59Z")}),
        );
    }
    // Guard against the UTC day changing while the test runs.
    let check_day = || {
        assert_eq!(
            OffsetDateTime::now_utc().date(),
            today,
            "the day changed mid-test"
        )
    };

    for (literal, holds) in literals() {
        let expected: BTreeSet<Date> = all_days
            .iter()
            .copied()
            .filter(|d| holds(*d, today))
            .collect();
        let body = query(
            &api,
            &format!("SELECT ActivityDate FROM Task WHERE ActivityDate = {literal}"),
        )
        .await;
        check_day();
        assert_eq!(
            days(&body, "ActivityDate"),
            expected,
            "ActivityDate = {literal}"
        );
        let body = query(
            &api,
            &format!("SELECT CallStarted__c FROM Task WHERE CallStarted__c = {literal}"),
        )
        .await;
        assert_eq!(
            days(&body, "CallStarted__c"),
            expected,
            "CallStarted__c = {literal}"
        );
        if expected.is_empty() {
            continue;
        }
        let (first, last) = (*expected.first().unwrap(), *expected.last().unwrap());
        for (op, keep) in [
            (
                "<",
                Box::new(move |d: Date| d < first) as Box<dyn Fn(Date) -> bool>,
            ),
            ("<=", Box::new(move |d: Date| d <= last)),
            (">", Box::new(move |d: Date| d > last)),
            (">=", Box::new(move |d: Date| d >= first)),
            ("!=", Box::new(move |d: Date| d < first || d > last)),
        ] {
            let expected: BTreeSet<Date> = all_days.iter().copied().filter(|d| keep(*d)).collect();
            let body = query(
                &api,
                &format!("SELECT COUNT() FROM Task WHERE ActivityDate {op} {literal}"),
            )
            .await;
            assert_eq!(
                body["totalSize"],
                expected.len(),
                "ActivityDate {op} {literal}"
            );
            let body = query(
                &api,
                &format!("SELECT COUNT() FROM Task WHERE CallStarted__c {op} {literal}"),
            )
            .await;
            assert_eq!(
                body["totalSize"],
                expected.len(),
                "CallStarted__c {op} {literal}"
            );
        }
    }
    check_day();
    // IN lists take date literals too.
    let body = query(
        &api,
        "SELECT ActivityDate FROM Task WHERE ActivityDate IN (YESTERDAY, TOMORROW)",
    )
    .await;
    assert_eq!(
        days(&body, "ActivityDate"),
        [today - Duration::DAY, today + Duration::DAY].into()
    );
}
