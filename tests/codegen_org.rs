//! Describes fetched from a live org (the emulator, over real HTTP) generate the same code as the
//! same describes read from files; fetching is concurrent within the configured bound.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sforce::client::Client;
use sforce::describe::{GlobalDescribe, GlobalSObject};
use sforce::emulator::Emulator;
use sforce::error::Chain;
use sforce_codegen::{Error, Generator, Options, OrgOptions};
use support::{fixture_describes, fixture_emulator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn org_describes_generate_the_same_code_as_files() {
    let (emu, client) = fixture_emulator().await;

    let options = Options::new().objects(["Task", "Everything__c", "Account"]);
    let mut from_org = Generator::new(options.clone());
    from_org
        .add_org(&client, &OrgOptions::new().concurrency(2).progress(false))
        .await
        .unwrap();
    assert_eq!(
        from_org.object_names(),
        ["Account", "Everything__c", "Task"]
    );

    let mut from_files = Generator::new(options);
    for d in fixture_describes() {
        from_files.add_describe(&d).unwrap();
    }
    assert_eq!(from_org.generate().unwrap(), from_files.generate().unwrap());
    assert_eq!(
        emu.request_count_matching("GET", "/describe"),
        3,
        "only the selected objects are described"
    );

    // Without a selection: every queryable object of the global describe.
    let mut all = Generator::new(Options::new());
    all.add_org(&client, &OrgOptions::new().progress(false))
        .await
        .unwrap();
    assert_eq!(all.object_names().len(), fixture_describes().len());

    // An object the org does not have.
    let mut missing = Generator::new(Options::new().objects(["Nope__c"]));
    let err = missing
        .add_org(&client, &OrgOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::UnknownObject { name, .. } if name == "Nope__c"),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn org_errors_name_what_was_being_fetched() {
    let emu = Emulator::start().await.unwrap();
    let client = Client::builder()
        .instance_url(emu.url())
        .access_token("not-the-token")
        .build()
        .unwrap();
    let err = Generator::new(Options::new())
        .add_org(&client, &OrgOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Org { context, .. } if context == "global describe"),
        "{err:?}"
    );
    assert!(
        !Chain(&err).to_string().contains("not-the-token"),
        "no secret in errors: {}",
        Chain(&err)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describes_are_fetched_concurrently_within_the_bound() {
    let describes = fixture_describes();
    let mut global = GlobalDescribe::default();
    global.sobjects = describes.iter().map(GlobalSObject::from_describe).collect();
    let in_flight = Arc::new(AtomicUsize::new(0));
    let max = Arc::new(AtomicUsize::new(0));
    let mut generator = Generator::new(Options::new());
    generator
        .add_fetched(
            &OrgOptions::new().concurrency(3).progress(false),
            async { Ok(global) },
            |name| {
                let (in_flight, max, describes) =
                    (in_flight.clone(), max.clone(), describes.clone());
                async move {
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    max.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(30)).await;
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    Ok(describes.into_iter().find(|d| d.name == name).unwrap())
                }
            },
        )
        .await
        .unwrap();
    assert_eq!(generator.object_names().len(), describes.len());
    assert_eq!(
        max.load(Ordering::SeqCst),
        3,
        "bounded at 3, and actually concurrent"
    );
}
