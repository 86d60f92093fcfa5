//! `Client::from_env()`. One test in its own binary: it changes the process environment.

use sforce::client::Client;
use sforce::error::{ConfigError, Error};
use sforce_emulator::Emulator;

#[tokio::test]
async fn from_env_reads_instance_url_token_and_api_version() {
    let emu = Emulator::start().await.unwrap();
    // SAFETY: this test binary has a single test, so no other thread reads the environment.
    unsafe {
        for name in [
            "SF_AUTH_FLOW",
            "SF_CLIENT_ID",
            "SF_REFRESH_TOKEN",
            "SF_TARGET_ORG",
            "SF_USERNAME",
        ] {
            std::env::remove_var(name);
        }
        std::env::set_var("SF_ACCESS_TOKEN", emu.token());
        std::env::remove_var("SF_INSTANCE_URL");
    }
    let err = Client::from_env().unwrap_err();
    assert!(
        matches!(err, Error::Config(ConfigError::MissingEnv { ref name }) if name == "SF_INSTANCE_URL"),
        "{err:?}"
    );

    unsafe {
        std::env::set_var("SF_INSTANCE_URL", emu.url());
        std::env::set_var("SF_API_VERSION", "45.0");
    }
    let client = Client::from_env().unwrap();
    assert_eq!(client.api_version(), "45.0");
    assert_eq!(client.instance_url().as_deref(), Some(emu.url()));
    assert!(!format!("{client:?}").contains(emu.token()));
    let global = client.describe_global().await.unwrap();
    assert!(global.sobjects.iter().any(|s| s.name == "Task"));
    assert!(
        emu.request_log()[0]
            .path
            .starts_with("/services/data/v45.0/")
    );

    unsafe {
        std::env::remove_var("SF_API_VERSION");
        std::env::set_var("SF_INSTANCE_URL", "http://salesforce.example.com");
    }
    let err = Client::from_env().unwrap_err();
    assert!(
        matches!(err, Error::Config(ConfigError::InsecureHttp { .. })),
        "{err:?}"
    );
}
