//! The `sforce-codegen` binary: help, generation, `--check`, and one-line errors with a non-zero
//! exit status.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sforce-codegen"))
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/describes")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("sforce-codegen-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn help_describes_every_option() {
    let out = bin().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "Usage: sforce-codegen",
        "--from-dir <DIR>",
        "--from-file <FILE>...",
        "--from-org",
        "--out <DIR>",
        "--objects <A,B>",
        "--exclude-fields <OBJ.FIELD>",
        "--picklists <PICKLISTS>",
        "strings: Plain strings",
        "--check",
        "Examples:",
    ] {
        assert!(help.contains(needle), "--help lacks {needle:?}:\n{help}");
    }
}

#[test]
fn generates_checks_and_detects_staleness() {
    let out_dir = temp_dir("gen");
    let out = bin()
        .args(["--from-dir"])
        .arg(fixtures())
        .arg("--out")
        .arg(&out_dir)
        .args([
            "--objects",
            "Task,Everything__c",
            "--exclude-fields",
            "Task.Description",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("generated 2 sObject modules"),
        "{}",
        stderr(&out)
    );
    let task = std::fs::read_to_string(out_dir.join("task.rs")).unwrap();
    assert!(task.contains("#[sobject(name = \"Task\")]"));
    assert!(!task.contains("\"Description\""));
    assert!(out_dir.join("everything.rs").exists() && out_dir.join("mod.rs").exists());
    assert!(!out_dir.join("account.rs").exists());

    let check = |dir: &Path| {
        bin()
            .args(["--from-dir"])
            .arg(fixtures())
            .arg("--out")
            .arg(dir)
            .args([
                "--objects",
                "Task,Everything__c",
                "--exclude-fields",
                "Task.Description",
                "--check",
            ])
            .output()
            .unwrap()
    };
    let out = check(&out_dir);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::write(out_dir.join("task.rs"), "// edited\n").unwrap();
    let out = check(&out_dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("task.rs"), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&out_dir);
}

#[test]
fn errors_are_one_line_and_exit_non_zero() {
    let bad = temp_dir("bad");
    std::fs::create_dir_all(&bad).unwrap();
    let broken = bad.join("Broken.json");
    std::fs::write(
        &broken,
        "{\"name\": \"Broken\",\n \"fields\": [{\"type\": \"string\"}]}",
    )
    .unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["--from-file".into(), broken.display().to_string()],
            "Broken.json: at $.fields[0]: missing field `name`",
        ),
        (
            vec!["--from-file".into(), "/nonexistent/Task.json".into()],
            "/nonexistent/Task.json: cannot read",
        ),
        (
            vec![
                "--from-dir".into(),
                fixtures().display().to_string(),
                "--objects".into(),
                "Nope".into(),
            ],
            "sObject Nope was requested but not found",
        ),
        (
            vec![
                "--from-dir".into(),
                fixtures().display().to_string(),
                "--exclude-fields".into(),
                "Task".into(),
            ],
            "not of the form Object.Field",
        ),
    ];
    for (args, expected) in cases {
        let out = bin()
            .args(&args)
            .arg("--out")
            .arg(bad.join("out"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(
            err.starts_with("error: ") && err.contains(expected),
            "{err}"
        );
    }
    // Usage errors are clap's (status 2).
    let out = bin().arg("--out").arg(bad.join("out")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&bad);
}

#[test]
fn single_file_output_matches_the_library() {
    let out_dir = temp_dir("single");
    let file = out_dir.join("nested/sobjects.rs");
    let out = bin()
        .arg("--from-file")
        .arg(fixtures().join("Task.json"))
        .arg("--out")
        .arg(&file)
        .arg("--single-file")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut generator = sforce_codegen::Generator::new(sforce_codegen::Options::new());
    generator.add_file(fixtures().join("Task.json")).unwrap();
    let expected = generator.generate().unwrap().single_file();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);
    let out = bin()
        .arg("--from-file")
        .arg(fixtures().join("Task.json"))
        .arg("--out")
        .arg(&file)
        .args(["--single-file", "--check"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&out_dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_org_uses_the_environment_and_matches_the_library() {
    let emu = sforce_emulator::Emulator::start().await.unwrap();
    let out_dir = temp_dir("org");
    let (url, token, dir) = (
        emu.url().to_owned(),
        emu.token().to_owned(),
        out_dir.clone(),
    );
    let out = tokio::task::spawn_blocking(move || {
        bin()
            .env("SF_INSTANCE_URL", url)
            .env("SF_ACCESS_TOKEN", token)
            .args([
                "--from-org",
                "--objects",
                "Task",
                "--concurrency",
                "2",
                "--out",
            ])
            .arg(dir)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("describing ["),
        "no progress bar when stderr is not a terminal"
    );
    let mut generator = sforce_codegen::Generator::new(sforce_codegen::Options::new());
    generator
        .add_describe(&emu.describe("Task").unwrap())
        .unwrap();
    let expected = generator.generate().unwrap();
    assert_eq!(
        std::fs::read_to_string(out_dir.join("task.rs")).unwrap(),
        expected.file("task.rs").unwrap().contents
    );
    assert_eq!(
        emu.request_count_matching("GET", "/sobjects/Task/describe"),
        1
    );

    // A rejected token: non-zero exit, one line, no token in it.
    let url = emu.url().to_owned();
    let out = tokio::task::spawn_blocking(move || {
        bin()
            .env("SF_INSTANCE_URL", url)
            .env("SF_ACCESS_TOKEN", "bogus-token-value")
            .args(["--from-org", "--out", "/tmp/unused-sforce-codegen"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: org: global describe:"), "{err}");
    assert!(!err.contains("bogus-token-value"), "{err}");
    let _ = std::fs::remove_dir_all(&out_dir);
}
