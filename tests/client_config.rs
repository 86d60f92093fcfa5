//! Client configuration: URL policy, API version, Debug redaction.

mod support;

use std::time::Duration;

use serde_json::json;
use sforce::client::{Client, ClientBuilder, DEFAULT_API_VERSION, UpsertKey};
use sforce::error::{Chain, ConfigError, Error};
use support::{client_builder, emulator};

const TOKEN: &str = "00D000000000001!AQ-very-secret-token-value";

fn build(url: &str) -> Result<Client, Error> {
    Client::builder()
        .instance_url(url)
        .access_token(TOKEN)
        .build()
}

#[test]
fn plain_http_to_a_non_loopback_host_is_refused() {
    for url in [
        "http://example.my.salesforce.com",
        "http://10.1.2.3:8080",
        "http://[2001:db8::1]",
        "http://localhost.example.com",
    ] {
        let err = build(url).unwrap_err();
        assert!(
            matches!(err, Error::Config(ConfigError::InsecureHttp { .. })),
            "{url}: {err:?}"
        );
        let text = Chain(&err).to_string();
        assert!(text.contains("http://"), "{text}");
        assert!(
            text.contains("https://"),
            "the message says what to do: {text}"
        );
        assert!(!text.contains(TOKEN));
    }
}

#[test]
fn https_and_loopback_http_are_accepted() {
    for url in [
        "https://example.my.salesforce.com",
        "https://example.my.salesforce.com/",
        "http://127.0.0.1:1",
        "http://127.42.0.1",
        "http://[::1]:8080",
        "http://localhost:9999",
    ] {
        let client = build(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert!(!client.instance_url().unwrap().ends_with('/'));
    }
}

#[test]
fn other_bad_configurations_are_typed() {
    let err = Client::builder().access_token(TOKEN).build().unwrap_err();
    assert!(
        matches!(err, Error::Config(ConfigError::MissingInstanceUrl)),
        "{err:?}"
    );
    let err = Client::builder()
        .instance_url("https://x.my.salesforce.com")
        .build()
        .unwrap_err();
    assert!(
        matches!(err, Error::Config(ConfigError::MissingToken)),
        "{err:?}"
    );
    let err = build("ftp://x.my.salesforce.com").unwrap_err();
    assert!(
        matches!(err, Error::Config(ConfigError::InvalidUrl { .. })),
        "{err:?}"
    );
    let err = build("https://user:hunter2@x.my.salesforce.com").unwrap_err();
    assert!(
        matches!(err, Error::Config(ConfigError::InvalidUrl { .. })),
        "{err:?}"
    );
    assert!(!Chain(&err).to_string().contains("hunter2"));
    let err = Client::builder()
        .instance_url("https://x.my.salesforce.com")
        .access_token(TOKEN)
        .api_version("sixty")
        .build()
        .unwrap_err();
    assert!(
        matches!(err, Error::Config(ConfigError::InvalidApiVersion { .. })),
        "{err:?}"
    );
}

#[test]
fn api_version_defaults_to_62_and_accepts_a_v_prefix() {
    assert_eq!(DEFAULT_API_VERSION, "62.0");
    let client = build("https://x.my.salesforce.com").unwrap();
    assert_eq!(client.api_version(), "62.0");
    let client = Client::builder()
        .instance_url("https://x.my.salesforce.com")
        .access_token(TOKEN)
        .api_version("v41.0")
        .build()
        .unwrap();
    assert_eq!(client.api_version(), "41.0");
}

#[test]
fn debug_of_client_and_builder_shows_no_token() {
    let builder: ClientBuilder = Client::builder()
        .instance_url("https://x.my.salesforce.com")
        .access_token(TOKEN)
        .timeout(Duration::from_secs(5))
        .user_agent("my-app/1.0");
    let builder_debug = format!("{builder:?} {builder:#?}");
    assert!(!builder_debug.contains(TOKEN), "{builder_debug}");
    assert!(!builder_debug.contains("very-secret"), "{builder_debug}");
    assert!(builder_debug.contains("[redacted]"), "{builder_debug}");

    let client = builder.build().unwrap();
    let debug = format!("{client:?} {client:#?}");
    assert!(!debug.contains(TOKEN), "{debug}");
    assert!(!debug.contains("very-secret"), "{debug}");
    assert!(debug.contains("https://x.my.salesforce.com"), "{debug}");
    assert!(debug.contains("[redacted]"), "{debug}");
    let clone = client.clone();
    assert!(!format!("{clone:?}").contains(TOKEN));
}

#[tokio::test]
async fn api_errors_name_method_and_path_but_never_the_token() {
    let emu = emulator().await;
    let client = client_builder(&emu)
        .user_agent("sforce-test/1.0")
        .build()
        .unwrap();
    let err = client
        .upsert(
            &UpsertKey::new("Task", "uuid__c", "k"),
            &json!({"Subject": "x", "Nope__c": 1}),
        )
        .await
        .unwrap_err();
    let text = format!("{} {err:?}", Chain(&err));
    assert!(!text.contains(emu.token()), "{text}");
    assert!(
        text.contains("PATCH /services/data/v62.0/sobjects/Task/uuid__c/k"),
        "{text}"
    );
}
