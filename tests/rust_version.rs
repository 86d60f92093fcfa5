//! The workspace's `rust-version` is what Cargo.lock really needs: the highest `rust-version`
//! declared by any locked dependency (as `cargo metadata` reports it).

use std::process::Command;

use serde_json::Value;

/// `"1.88"` / `"1.88.0"` → `(1, 88, 0)`.
fn parse(version: &str) -> (u64, u64, u64) {
    let mut parts = version.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    let mut next = || parts.next().unwrap_or(0);
    (next(), next(), next())
}

#[test]
fn rust_version_is_what_the_lockfile_needs() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: Value = serde_json::from_slice(&out.stdout).unwrap();
    let members = metadata["workspace_members"].as_array().unwrap();
    let packages = metadata["packages"].as_array().unwrap();
    let declared = packages
        .iter()
        .find(|p| p["name"] == "sforce")
        .and_then(|p| p["rust_version"].as_str())
        .expect("the workspace declares a rust-version");
    let (needed, by) = packages
        .iter()
        .filter(|p| !members.contains(&p["id"]))
        .filter_map(|p| Some((parse(p["rust_version"].as_str()?), p["name"].as_str()?)))
        .max()
        .expect("dependencies declare rust-versions");
    assert_eq!(
        (parse(declared).0, parse(declared).1),
        (needed.0, needed.1),
        "rust-version is {declared}, but {by} needs {}.{}: set [workspace.package] rust-version \
         (and the README's toolchain line) to what the lockfile needs",
        needed.0,
        needed.1
    );
}
