//! The `sforce-emulator` binary.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn help_lists_the_options() {
    let out = Command::new(env!("CARGO_BIN_EXE_sforce-emulator"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for option in ["--port", "--token", "--latency-ms", "--describe", "--host"] {
        assert!(help.contains(option), "{option} missing from:\n{help}");
    }
}

#[tokio::test]
async fn prints_url_and_token_serves_with_that_token_and_loads_describes() {
    // Under target/tmp (cargo's scratch dir for integration tests): nothing is left in /tmp.
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sforce-emulator-bin-{}.json", std::process::id()));
    std::fs::write(
        &file,
        r#"{"name":"Widget__c","keyPrefix":"a0W","fields":[]}"#,
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sforce-emulator"))
        .args([
            "--port",
            "0",
            "--token",
            "T0K",
            "--latency-ms",
            "0",
            "--describe",
        ])
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut url = None;
    let mut token = None;
    for line in lines.by_ref().take(3) {
        let line = line.unwrap();
        if let Some(u) = line.strip_prefix("SF_INSTANCE_URL=") {
            url = Some(u.to_owned());
        }
        if let Some(t) = line.strip_prefix("SF_ACCESS_TOKEN=") {
            token = Some(t.to_owned());
        }
    }
    let (url, token) = (url.expect("url printed"), token.expect("token printed"));
    assert_eq!(token, "T0K");
    let http = reqwest::Client::new();
    let describe = format!("{url}/services/data/v62.0/sobjects/Task/describe");
    let ok = http.get(&describe).bearer_auth("T0K").send().await.unwrap();
    let refused = http
        .get(&describe)
        .bearer_auth("other")
        .send()
        .await
        .unwrap();
    child.kill().ok();
    child.wait().ok();
    assert_eq!(ok.status(), 200);
    assert_eq!(refused.status(), 401);
}

#[test]
fn startup_errors_are_one_readable_line_and_a_failure_status() {
    // A port that is taken (held by this test) and a describe file that does not exist.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_sforce-emulator"))
        .args(["--port", &port])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!("error: cannot listen on 127.0.0.1:{port}: ")),
        "{stderr}"
    );
    assert!(
        !stderr.contains("Bind {") && !stderr.contains("Os {"),
        "{stderr}"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_sforce-emulator"))
        .args(["--port", "0", "--describe", "/nonexistent/Widget__c.json"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: cannot read describe file /nonexistent/Widget__c.json: "),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
