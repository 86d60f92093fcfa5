//! The Salesforce CLI provider against a fake `sf` script that answers like the real one
//! (including the redacted placeholder of current versions), then the REST API of the emulator.
//!
//! One test function: writing and executing a script while other test threads fork can fail
//! with "text file busy", so this binary runs the scenarios sequentially.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::json;
use sforce::auth::{AuthError, SfCli, TokenProvider};
use sforce::client::Client;
use sforce::emulator::Emulator;
use sforce::error::{Chain, Error};

/// Writes a fake `sf` answering for org `my-org` (redacted token in `org display`, the real one
/// from `org auth show-access-token`) and `old-cli-org` (token printed by `org display`, no
/// `show-access-token`). Other orgs get the CLI's NoOrgFound error. Calls are appended to
/// `calls.log` next to the script.
fn fake_sf(dir: &PathBuf, url: &str, token: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let log = dir.join("calls.log");
    let script = format!(
        r#"#!/bin/sh
echo "$*" >> '{log}'
case "$*" in
  "org display --json --target-org my-org")
    echo '{{"status":0,"result":{{"id":"00D000000000001EAA","instanceUrl":"{url}","accessToken":"[REDACTED] Use sf org auth show-access-token to view","username":"dev@example.com"}},"warnings":[]}}' ;;
  "org auth show-access-token --target-org my-org --json")
    echo '{{"status":0,"result":{{"accessToken":"{token}"}}}}' ;;
  "org display --json --target-org old-cli-org")
    echo '{{"status":0,"result":{{"instanceUrl":"{url}","accessToken":"{token}"}}}}' ;;
  *)
    echo '{{"status":1,"name":"NoOrgFound","message":"No authorization information found for nope."}}'
    exit 1 ;;
esac
"#,
        log = log.display()
    );
    let path = dir.join("sf");
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn client(provider: SfCli) -> Client {
    Client::builder()
        .shared_token_provider(Arc::new(provider) as Arc<dyn TokenProvider>)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sf_cli_flow() {
    let emu = Emulator::start().await.unwrap();
    let dir = std::env::temp_dir().join(format!("sforce-auth-cli-{}", std::process::id()));
    let sf = fake_sf(&dir, emu.url(), emu.token());
    let calls = || std::fs::read_to_string(dir.join("calls.log")).unwrap_or_default();

    // Current CLI: redacted placeholder, then show-access-token.
    let c = client(SfCli::new("my-org").program(&sf));
    c.create("Account", &json!({"Name": "cli"})).await.unwrap();
    assert_eq!(c.instance_url().as_deref(), Some(emu.url()));
    assert!(calls().contains("org auth show-access-token --target-org my-org --json"));

    // Older CLI: the token is in `org display`; no second command.
    std::fs::remove_file(dir.join("calls.log")).unwrap();
    let c = client(SfCli::new("old-cli-org").program(&sf));
    c.create("Account", &json!({"Name": "old"})).await.unwrap();
    assert_eq!(calls().lines().count(), 1);
    assert_eq!(emu.records("Account").len(), 2);

    // Unknown org: the CLI's own error, typed as an auth error.
    let err = client(SfCli::new("nope").program(&sf))
        .create("Account", &json!({"Name": "x"}))
        .await
        .unwrap_err();
    match &err {
        Error::Auth(AuthError::Cli { message }) => {
            assert!(message.contains("NoOrgFound"), "{err}");
            assert!(
                message.contains("No authorization information found"),
                "{err}"
            );
        }
        other => panic!("expected Error::Auth, got {other:?}"),
    }

    // No CLI installed: a clear error naming the program and SF_CLI_PATH.
    let missing = dir.join("not-installed-sf");
    let err = client(SfCli::new("my-org").program(&missing))
        .create("Account", &json!({"Name": "x"}))
        .await
        .unwrap_err();
    let text = Chain(&err).to_string();
    // The kind is matchable through `Client`: the CLI is missing, not refusing.
    match &err {
        Error::Auth(AuthError::CliNotFound { program }) => {
            assert!(program.contains("not-installed-sf"), "{program}");
        }
        other => panic!("expected AuthError::CliNotFound, got {other:?}"),
    }
    assert!(err.auth_error().is_some() && err.oauth_error().is_none());
    assert!(
        text.contains("was not found") && text.contains("SF_CLI_PATH"),
        "{text}"
    );
    assert!(text.contains("not-installed-sf"), "{text}");

    // The token never shows in errors or Debug.
    assert!(!format!("{err:?} {text}").contains(emu.token()));
    let _ = std::fs::remove_dir_all(&dir);
}
