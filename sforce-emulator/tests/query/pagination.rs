//! Pagination: `nextRecordsUrl`, `Sforce-Query-Options: batchSize=N`, locators.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::common::{Api, emulator};
use super::{insert, run};

/// Follows `nextRecordsUrl` from `first` to the end; every page's body.
async fn follow(api: &Api, first: Value, batch: Option<usize>) -> Vec<Value> {
    let mut pages = vec![first];
    while let Some(next) = pages.last().unwrap()["nextRecordsUrl"].as_str() {
        assert_eq!(pages.last().unwrap()["done"], false);
        let mut req = api.request(reqwest::Method::GET, next, None);
        if let Some(n) = batch {
            req = req.header("Sforce-Query-Options", format!("batchSize={n}"));
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), 200);
        pages.push(resp.json().await.unwrap());
        assert!(pages.len() < 1_000, "runaway pagination");
    }
    assert_eq!(pages.last().unwrap()["done"], true);
    pages
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_and_five_records_in_pages_of_200_each_once_in_order() {
    const N: usize = 10_005;
    let emu = emulator().await;
    let api = Api::new(&emu);
    let ids: Vec<String> = (0..N)
        .map(|i| insert(&emu, "Task", json!({"Subject": format!("T{i:05}")})))
        .collect();

    let first = run(&api, "query", "SELECT Id, Subject FROM Task", Some(200)).await;
    assert_eq!(first.status, 200);
    let first = first.json();
    assert_eq!(first["totalSize"], N);
    let next = first["nextRecordsUrl"].as_str().unwrap().to_owned();
    assert!(
        next.starts_with("/services/data/v62.0/query/01g") && next.ends_with("-200"),
        "{next}"
    );
    let pages = follow(&api, first, None).await;
    assert_eq!(pages.len(), N.div_ceil(200));
    let mut seen = Vec::new();
    for page in &pages {
        assert_eq!(page["totalSize"], N);
        let records = page["records"].as_array().unwrap();
        assert!(!records.is_empty() && records.len() <= 200);
        seen.extend(records.iter().map(|r| r["Id"].as_str().unwrap().to_owned()));
    }
    assert_eq!(seen, ids, "every record once, in creation order");
    assert_eq!(
        pages.last().unwrap()["records"].as_array().unwrap().len(),
        N % 200
    );

    // A page can be read again (a retried request gets the same records).
    let again = api.get(&next).await.json();
    assert_eq!(again, pages[1]);

    // Ordered by a field, descending: the same set, in that order.
    let first = run(
        &api,
        "query",
        "SELECT Subject FROM Task ORDER BY Subject DESC",
        None,
    )
    .await;
    let pages = follow(&api, first.json(), None).await;
    assert_eq!(pages.len(), 6);
    let subjects: Vec<String> = pages
        .iter()
        .flat_map(|p| p["records"].as_array().unwrap().clone())
        .map(|r| r["Subject"].as_str().unwrap().to_owned())
        .collect();
    let expected: Vec<String> = (0..N).rev().map(|i| format!("T{i:05}")).collect();
    assert_eq!(subjects, expected);
    assert_eq!(subjects.iter().collect::<HashSet<_>>().len(), N);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_size_defaults_to_2000_and_is_kept_within_200_to_2000() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    for i in 0..2_500 {
        insert(&emu, "Task", json!({"Subject": format!("S{i}")}));
    }
    for (asked, page) in [
        (None, 2_000),
        (Some(50), 200),
        (Some(700), 700),
        (Some(9_999), 2_000),
    ] {
        let body = run(&api, "query", "SELECT Id FROM Task", asked)
            .await
            .json();
        assert_eq!(body["records"].as_array().unwrap().len(), page, "{asked:?}");
        assert!(
            body["nextRecordsUrl"]
                .as_str()
                .unwrap()
                .ends_with(&format!("-{page}"))
        );
    }
    // Exactly one page: no locator.
    let body = run(&api, "query", "SELECT Id FROM Task LIMIT 2000", None)
        .await
        .json();
    assert_eq!(body["done"], true);
    assert!(body.get("nextRecordsUrl").is_none());
    // A follow-up page honours a batch size given on it.
    let body = run(&api, "query", "SELECT Id FROM Task", Some(200))
        .await
        .json();
    let all = follow(&api, body, Some(1_000)).await;
    let sizes: Vec<usize> = all
        .iter()
        .map(|p| p["records"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [200, 1_000, 1_000, 300]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_or_malformed_locators_are_invalid_query_locator() {
    let emu = emulator().await;
    let api = Api::new(&emu);
    for _ in 0..300 {
        insert(&emu, "Task", json!({}));
    }
    let body = run(&api, "query", "SELECT Id FROM Task", Some(200))
        .await
        .json();
    let next = body["nextRecordsUrl"].as_str().unwrap();
    let (locator, _) = next.rsplit_once('-').unwrap();
    for bad in [
        "/query/01g5g0000000000AAA-200".to_owned(),
        "/query/nonsense".to_owned(),
        format!("{locator}-x"),
        format!("{locator}-100000"),
        "/queryAll/01g5g0000000000AAA-200".to_owned(),
    ] {
        let answer = api.get(&bad).await;
        assert_eq!(answer.status, 400, "{bad}: {}", answer.text);
        assert_eq!(
            answer.json(),
            json!([{"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}]),
            "{bad}"
        );
    }
    // Any offset within the result can be read.
    let tail = api.get(&format!("{locator}-250")).await.json();
    assert_eq!(tail["records"].as_array().unwrap().len(), 50);
    assert_eq!(tail["done"], true);
}
