//! Bad input gives a typed error naming the file and the place inside it, never a panic.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use sforce_codegen::{Error, Generator, Options};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/describes")
}

fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).unwrap()
}

fn write_temp(name: &str, contents: &[u8]) -> PathBuf {
    // Under target/tmp (cargo's scratch dir for integration tests): nothing is left in /tmp.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sforce-codegen-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn truncated_json_names_file_line_and_column() {
    let bytes = fixture_bytes("Task.json");
    let path = write_temp("truncated.json", &bytes[..bytes.len() / 2]);
    let err = Generator::new(Options::new()).add_file(&path).unwrap_err();
    let Error::Json {
        source_name, line, ..
    } = &err
    else {
        panic!("expected a JSON error, got {err:?}");
    };
    assert_eq!(source_name, &path.display().to_string());
    assert!(*line > 1);
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("{}:{line}:", path.display())),
        "{msg}"
    );
    assert!(msg.contains("EOF"), "{msg}");
}

#[test]
fn malformed_json_names_the_position() {
    let path = write_temp("malformed.json", b"{\"name\": \"Task\",\n \"fields\": [,]}");
    let err = Generator::new(Options::new()).add_file(&path).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Json {
                line: 2,
                column: 13,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn describe_without_fields_is_rejected() {
    let path = write_temp("nofields.json", br#"{"name":"Task","label":"Task"}"#);
    let err = Generator::new(Options::new()).add_file(&path).unwrap_err();
    assert!(
        matches!(&err, Error::Describe { path: p, .. } if p == "$.fields"),
        "{err:?}"
    );
    assert!(err.to_string().contains("no fields"), "{err}");
    assert!(err.to_string().starts_with(&path.display().to_string()));
}

#[test]
fn field_without_name_names_its_json_path() {
    let mut value: serde_json::Value = serde_json::from_slice(&fixture_bytes("Task.json")).unwrap();
    value["fields"][4].as_object_mut().unwrap().remove("name");
    let err = Generator::new(Options::new())
        .add_json("Task.json", value.to_string().as_bytes())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Task.json: at $.fields[4]: missing field `name`"
    );
}

#[test]
fn wrong_types_and_bad_names_are_rejected_with_paths() {
    let cases: &[(&str, &str)] = &[
        (
            r#"{"name":"T","fields":{}}"#,
            "$.fields: invalid type: map, expected a sequence",
        ),
        (
            r#"{"name":"T","fields":[{"name":"A","type":7}]}"#,
            "$.fields[0].type: invalid type: integer `7`, expected a string",
        ),
        (
            r#"{"name":"T","fields":[{"name":"A b","type":"string"}]}"#,
            "$.fields[0].name: \"A b\" is not a valid API name",
        ),
        (
            r#"{"name":"T","fields":[{"name":"A","type":"string","nillable":"yes"}]}"#,
            "$.fields[0].nillable: invalid type: string \"yes\", expected a boolean",
        ),
        (
            r#"{"name":"T","fields":[{"name":"A","type":"string"},{"name":"a","type":"int"}]}"#,
            "$.fields[1].name: field \"a\" is described twice",
        ),
        (r#"[1,2]"#, "at $: invalid type: sequence, expected"),
    ];
    for (json, expected) in cases {
        let err = Generator::new(Options::new())
            .add_json("x.json", json.as_bytes())
            .unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("x.json: at "), "{msg}");
        assert!(msg.contains(expected), "{msg} should contain {expected}");
    }
}

#[test]
fn duplicate_objects_and_unknown_selections_are_errors() {
    let mut generator = Generator::new(Options::new().objects(["Task", "Nope"]));
    generator.add_file(fixtures().join("Task.json")).unwrap();
    let err = generator
        .add_json("again.json", &fixture_bytes("Task.json"))
        .unwrap_err();
    assert!(matches!(err, Error::DuplicateObject { .. }), "{err:?}");
    let err = generator.generate().unwrap_err();
    assert!(
        matches!(&err, Error::UnknownObject { name, .. } if name == "Nope"),
        "{err:?}"
    );

    let mut generator = Generator::new(Options::new().exclude_field("Task", "NoSuchField"));
    generator.add_file(fixtures().join("Task.json")).unwrap();
    let err = generator.generate().unwrap_err();
    assert!(matches!(err, Error::UnknownField { .. }), "{err:?}");
    assert!(
        Options::new()
            .exclude_field_spec("TaskDescription")
            .is_err()
    );
}

#[test]
fn missing_file_and_directory_are_read_errors() {
    let err = Generator::new(Options::new())
        .add_file("/nonexistent/Task.json")
        .unwrap_err();
    assert!(matches!(err, Error::Read { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("/nonexistent/Task.json: cannot read")
    );
    let err = Generator::new(Options::new())
        .add_dir("/nonexistent")
        .unwrap_err();
    assert!(matches!(err, Error::Read { .. }), "{err:?}");
}

/// A mangling of a describe's JSON text or structure.
#[derive(Debug, Clone)]
enum Mangle {
    Truncate(usize),
    FlipByte(usize, u8),
    RemoveKey(usize),
    ReplaceWithNull(usize),
}

fn mangle() -> impl Strategy<Value = Mangle> {
    prop_oneof![
        any::<usize>().prop_map(Mangle::Truncate),
        (any::<usize>(), 1..=255u8).prop_map(|(i, x)| Mangle::FlipByte(i, x)),
        any::<usize>().prop_map(Mangle::RemoveKey),
        any::<usize>().prop_map(Mangle::ReplaceWithNull),
    ]
}

/// Every (object, key) position in the JSON tree, depth first.
fn positions(v: &serde_json::Value, out: &mut Vec<Vec<String>>, path: Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, child) in map {
                let mut p = path.clone();
                p.push(k.clone());
                out.push(p.clone());
                positions(child, out, p);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let mut p = path.clone();
                p.push(i.to_string());
                positions(child, out, p);
            }
        }
        _ => {}
    }
}

fn edit(v: &mut serde_json::Value, path: &[String], remove: bool) {
    let (last, parents) = path.split_last().unwrap();
    let mut cur = v;
    for p in parents {
        cur = match cur {
            serde_json::Value::Object(m) => m.get_mut(p).unwrap(),
            serde_json::Value::Array(a) => &mut a[p.parse::<usize>().unwrap()],
            _ => unreachable!(),
        };
    }
    let map = cur.as_object_mut().unwrap();
    if remove {
        map.remove(last);
    } else {
        map.insert(last.clone(), serde_json::Value::Null);
    }
}

fn apply(bytes: &[u8], m: &Mangle) -> Vec<u8> {
    match *m {
        Mangle::Truncate(i) => bytes[..i % bytes.len()].to_vec(),
        Mangle::FlipByte(i, x) => {
            let mut b = bytes.to_vec();
            let i = i % b.len();
            b[i] ^= x;
            b
        }
        Mangle::RemoveKey(i) | Mangle::ReplaceWithNull(i) => {
            let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            let mut all = Vec::new();
            positions(&v, &mut all, Vec::new());
            let path = &all[i % all.len()];
            edit(&mut v, path, matches!(m, Mangle::RemoveKey(_)));
            serde_json::to_vec(&v).unwrap()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    /// Mangled describes never panic; a rejection names the file; an accepted one generates.
    #[test]
    fn mangled_describes_never_panic(
        file in prop::sample::select(vec!["Task.json", "Everything__c.json", "Account.json"]),
        mangles in prop::collection::vec(mangle(), 1..4),
    ) {
        let mut bytes = fixture_bytes(file);
        for m in &mangles {
            if bytes.is_empty() {
                break;
            }
            if serde_json::from_slice::<serde_json::Value>(&bytes).is_err()
                && matches!(m, Mangle::RemoveKey(_) | Mangle::ReplaceWithNull(_))
            {
                continue;
            }
            bytes = apply(&bytes, m);
        }
        let name = format!("mangled/{file}");
        let mut generator = Generator::new(Options::new());
        match generator.add_json(&name, &bytes) {
            Err(err) => {
                let msg = err.to_string();
                prop_assert!(msg.starts_with(&name), "error does not name the file: {}", msg);
            }
            Ok(_) => {
                // Accepted input generates, unless the mangled object name is one the derive
                // cannot declare (then it is left out, and there is nothing to generate).
                let output = generator.generate();
                prop_assert!(
                    matches!(output, Ok(_) | Err(Error::NoInput)),
                    "accepted input failed to generate: {:?}",
                    output.err()
                );
            }
        }
    }
}
