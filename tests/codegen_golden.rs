//! The code generated from the fixtures in `sforce-codegen/tests/fixtures/describes` is checked in
//! under `tests/codegen_generated/` and compiled as a module of this test (so a change to the
//! generator that breaks compilation fails the suite), must be byte-identical to what the
//! generator produces now (golden test; regenerate with `TRYBUILD=overwrite cargo test --test
//! codegen_golden`, the workspace's one bless variable), and must behave as documented.

mod support;

use std::path::{Path, PathBuf};

use sforce::sobject::SObject;
use sforce_codegen::{Generator, Options, PicklistMode};
use support::fixtures_dir;

#[path = "codegen_generated/mod.rs"]
#[allow(dead_code, unused_imports)]
#[rustfmt::skip]
mod generated;

/// Generated in another run (from other describes), for the interoperability test.
#[path = "fidelity_generated/mod.rs"]
#[allow(dead_code, unused_imports)]
#[rustfmt::skip]
mod fidelity;

/// The single-file layout (for `include!` from `OUT_DIR`), generated from the bundled Task.
#[allow(dead_code, unused_imports)]
#[rustfmt::skip]
mod single {
    include!("codegen_single/sobjects.rs");
}

use generated::everything::{Colors, Mood, Stage};
use generated::{Everything, Task};
use sforce::types::{MultiPicklist, NumberKey, Picklist};

/// Whether to rewrite the checked-in files: `TRYBUILD=overwrite`, the bless variable of every
/// expected-output test in the workspace (trybuild's own).
fn bless() -> bool {
    std::env::var("TRYBUILD").is_ok_and(|v| v == "overwrite")
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/codegen_generated")
}

fn generate(options: Options) -> sforce_codegen::Output {
    let mut generator = Generator::new(options);
    generator.add_dir(fixtures_dir()).unwrap();
    generator.generate().unwrap()
}

#[test]
fn checked_in_code_is_what_the_generator_produces() {
    let output = generate(Options::new());
    if bless() {
        output.write_to(golden_dir()).unwrap();
    }
    let mut on_disk: Vec<String> = std::fs::read_dir(golden_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let generated: Vec<String> = output
        .files()
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    assert_eq!(
        on_disk, generated,
        "stale or missing files in tests/codegen_generated"
    );
    for file in output.files() {
        let old = std::fs::read_to_string(golden_dir().join(&file.path)).unwrap();
        assert!(
            old == file.contents,
            "tests/codegen_generated/{} is out of date: rerun with TRYBUILD=overwrite",
            file.path.display()
        );
    }
}

#[test]
fn output_does_not_depend_on_input_order() {
    let expected = generate(Options::new());
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.reverse();
    let mut generator = Generator::new(Options::new());
    for f in &files {
        // Re-serialized with reversed field order, too.
        let mut value: serde_json::Value =
            serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap();
        value["fields"].as_array_mut().unwrap().reverse();
        generator
            .add_json(&f.display().to_string(), value.to_string().as_bytes())
            .unwrap();
    }
    assert_eq!(generator.generate().unwrap(), expected);
    assert_eq!(generate(Options::new()), expected, "two runs differ");
}

#[test]
fn options_select_objects_exclude_fields_and_type_picklists_as_strings() {
    let output = generate(
        Options::new()
            .objects(["everything__c", "TASK"])
            .exclude_field("Everything__c", "Secret__c")
            .picklists(PicklistMode::Strings),
    );
    let names: Vec<String> = output
        .files()
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    assert_eq!(names, ["everything.rs", "mod.rs", "task.rs"]);
    let sink = &output.file("everything.rs").unwrap().contents;
    assert!(!sink.contains("Secret__c"));
    assert!(sink.contains("pub stage: Option<String>,"), "{sink}");
    assert!(sink.contains("pub colors: Option<::sforce::types::MultiPicklist<String>>,"));
    assert!(!sink.contains("pub enum"));
}

#[test]
fn derive_metadata_matches_the_describe_flags() {
    assert_eq!(Everything::API_NAME, "Everything__c");
    let field = |api| Everything::field(api).unwrap_or_else(|| panic!("no field {api}"));
    assert!(field("Id").is_id());
    assert!(field("Key__c").is_external_id() && !field("Key__c").is_case_sensitive());
    assert!(field("Code__c").is_external_id() && field("Code__c").is_case_sensitive());
    assert!(field("LegacyNumber__c").is_external_id());
    for read_only in [
        "Total__c",
        "Number__c",
        "CreatedDate",
        "ShipAddress__c",
        "Where__c",
    ] {
        assert!(field(read_only).is_read_only(), "{read_only}");
    }
    assert!(
        !field("Number__c").is_external_id(),
        "read-only external IDs are not upsert keys"
    );
    assert!(field("Text__c").is_writable());
    // Renames keep the exact API names, including after keyword and collision handling.
    assert_eq!(field("Type").rust_name(), "type_");
    assert_eq!(field("self").rust_name(), "self_");
    assert_eq!(field("Status").rust_name(), "status");
    assert_eq!(field("STATUS_c").rust_name(), "status_c");
    assert_eq!(field("Status__c").rust_name(), "status_c_2");
    assert_eq!(field("Status_C__c").rust_name(), "status_c_c");
    assert_eq!(field("Id__c").rust_name(), "id_c");
    assert!(
        Everything::field("Future__zz").is_none(),
        "a name the derive rejects is left out"
    );
    assert_eq!(
        generated::Account::field("PersonBirthdate__pc")
            .unwrap()
            .rust_name(),
        "person_birthdate_pc"
    );
    assert_eq!(Task::select_fields().len(), 20);
}

#[test]
fn picklists_keep_unknown_values_and_use_api_values_on_the_wire() {
    assert_eq!(Stage::from("In Progress"), Stage::InProgress);
    assert_eq!(Stage::from("In-Progress"), Stage::InProgress2);
    assert_eq!(
        Stage::from("Other"),
        Stage::Other,
        "a value named Other is a real variant"
    );
    assert_eq!(
        Stage::from("Retired"),
        Stage::Unknown("Retired".into()),
        "inactive value"
    );
    assert_eq!(Stage::default(), Stage::New, "describe default");
    assert_eq!(
        Mood::default(),
        Mood::Happy,
        "first value without a default"
    );
    assert_eq!(serde_json::to_value(Stage::V1_10).unwrap(), "1-10");
    assert_eq!(
        serde_json::to_value(Stage::WithTick).unwrap(),
        "with `tick`"
    );
    let unknown: Mood = serde_json::from_value("Ecstatic".into()).unwrap();
    assert_eq!(unknown, Mood::Other("Ecstatic".into()));
    assert_eq!(serde_json::to_value(&unknown).unwrap(), "Ecstatic");
    assert!(!unknown.is_known() && Mood::Sad.is_known());
    assert_eq!(Stage::KNOWN.len(), 10);

    let colors: MultiPicklist<Colors> = vec![Colors::Red, Colors::from("Mauve")].into();
    assert_eq!(serde_json::to_value(&colors).unwrap(), "Red;Mauve");
    let back: MultiPicklist<Colors> = serde_json::from_value("Blue;;Green".into()).unwrap();
    assert_eq!(back.values(), [Colors::Blue, Colors::Green]);
}

#[test]
fn generated_code_holds_no_runtime() {
    // Only sObject structs and picklist enums: no macro, no support type, in any layout.
    let output = generate(Options::new());
    for file in output.files() {
        let text = &file.contents;
        assert!(!text.contains("macro_rules!"), "{}", file.path.display());
        // Every top-level item is a struct, an enum, or (in mod.rs) a module or re-export.
        for line in text.lines() {
            let top_level = !line.is_empty()
                && !line.starts_with([' ', '}', '#', '/', ')'])
                && !line.starts_with("pub struct ")
                && !line.starts_with("pub enum ")
                && !line.starts_with("pub mod ")
                && !line.starts_with("pub use ");
            assert!(
                !top_level,
                "{}: unexpected item {line}",
                file.path.display()
            );
        }
    }
    assert!(!output.single_file().contains("macro_rules!"));
}

#[test]
fn modules_generated_in_separate_runs_share_the_runtime_types() {
    // `generated` (every fixture) and `single` (Task alone) come from two runs.
    let a: generated::Task = Task::from_value(serde_json::json!({
        "attributes": {"type": "Task"}, "Id": "00T000000000001EAA", "Subject": "Call",
        "ActivityDate": "2021-07-20", "CallType": "Outbound"
    }))
    .unwrap();
    let mut b = single::task::Task::from_value(serde_json::json!({
        "attributes": {"type": "Task"}, "Subject": "other"
    }))
    .unwrap();
    // Runtime types are one type across runs: values move between the two modules as they are.
    b.id = a.id.clone();
    b.activity_date = a.activity_date;
    // Picklist enums are per-module types, converted through their API value.
    b.call_type = a.call_type.as_ref().map(|t| t.as_str().into());
    assert_eq!(b.id, a.id);
    assert_eq!(b.call_type.as_ref().map(Picklist::as_str), Some("Outbound"));
    // Compound fields of two Account modules generated from different describes: one type.
    let mut billing = sforce::types::Address::default();
    billing.city = Some("Springfield".into());
    let mut ours = generated::account::Account::from_value(serde_json::json!({
        "attributes": {"type": "Account"}, "Name": "A"
    }))
    .unwrap();
    ours.billing_address = Some(billing.clone());
    let mut theirs = fidelity::account::Account::from_value(serde_json::json!({
        "attributes": {"type": "Account"}, "Name": "B"
    }))
    .unwrap();
    theirs.billing_address = ours.billing_address.clone();
    assert_eq!(theirs.billing_address, Some(billing));

    let colors: Option<MultiPicklist<String>> = Some(vec!["Red".to_owned()].into());
    let mut everything = Everything::from_value(serde_json::json!({
        "attributes": {"type": "Everything__c"}, "Name": "x", "LegacyNumber__c": 7
    }))
    .unwrap();
    let key: Option<NumberKey> = everything.legacy_number;
    assert_eq!(key, Some(NumberKey(7)));
    everything.colors = colors.map(|c| {
        c.iter()
            .map(|v| generated::everything::Colors::from(v.as_str()))
            .collect()
    });
    assert_eq!(
        everything.colors.unwrap().values(),
        [generated::everything::Colors::Red]
    );
}

#[test]
fn records_decode_into_generated_structs() {
    let record = serde_json::json!({
        "attributes": {"type": "Everything__c"},
        "Id": "a01000000000001AAA",
        "Name": "sink",
        "Stage__c": "Done",
        "Colors__c": "Red;Blue",
        "ShipAddress__c": {"street": "1 Main St", "city": "Springfield", "latitude": 1.5},
        "Where__c": {"latitude": 48.85, "longitude": 2.35},
        "Hologram__c": {"depth": 3},
        "Moment__c": "2012-07-12T17:49:01.000+0000",
        "LegacyNumber__c": 42.0,
        "Type": "plain",
    });
    let sink = Everything::from_value(record).unwrap();
    assert_eq!(sink.name, "sink", "required on create: a plain String");
    assert_eq!(sink.stage, Some(Stage::Done));
    assert_eq!(
        sink.colors.as_deref(),
        Some(&vec![Colors::Red, Colors::Blue])
    );
    assert_eq!(
        sink.ship_address.unwrap().city.as_deref(),
        Some("Springfield")
    );
    assert_eq!(sink.where_.unwrap().longitude, Some(2.35));
    assert_eq!(sink.hologram.unwrap()["depth"], 3);
    assert_eq!(sink.legacy_number, Some(NumberKey(42)));
    assert_eq!(sink.type_.as_deref(), Some("plain"));
    assert!(sink.moment.is_some());
}

#[test]
fn example_module_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut from_file = Generator::new(Options::new());
    from_file
        .add_file(root.join("sforce-emulator/describes/Task.json"))
        .unwrap();
    let output = from_file.generate().unwrap();
    let task = sforce::emulator::builtin_describes()
        .into_iter()
        .find(|d| d.name == "Task")
        .unwrap();
    let mut from_model = Generator::new(Options::new());
    from_model.add_describe(&task).unwrap();
    assert_eq!(
        from_model.generate().unwrap(),
        output,
        "a parsed describe and its JSON file generate the same code"
    );
    let dir = root.join("examples/codegen_generated");
    let single = root.join("tests/codegen_single/sobjects.rs");
    if bless() {
        output.write_to(&dir).unwrap();
        output.write_single_file(&single).unwrap();
    }
    assert!(
        std::fs::read_to_string(&single).unwrap() == output.single_file(),
        "tests/codegen_single/sobjects.rs is out of date: rerun with TRYBUILD=overwrite"
    );
    // The single-file module is the same code: same paths, same behaviour.
    let task = single::Task {
        status: Some(single::task::Status::Completed),
        ..single::Task::default()
    };
    assert_eq!(
        sforce::sobject::SObject::to_write_body(&task).unwrap()["Status"],
        "Completed"
    );
    for file in output.files() {
        let old = std::fs::read_to_string(dir.join(&file.path)).unwrap();
        assert!(
            old == file.contents,
            "examples/codegen_generated/{} is out of date: rerun with TRYBUILD=overwrite",
            file.path.display()
        );
    }
}
