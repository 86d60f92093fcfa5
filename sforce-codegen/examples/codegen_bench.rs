//! Generation speed: 500 sObjects × 100 fields (every field type, picklists with values).
//!
//! ```text
//! cargo run --release -p sforce-codegen --example codegen_bench
//! ```
//!
//! Prints the time to parse the describe JSON and the time to generate and format the code
//! (the issue's target: well under 2 s for both together).

use std::time::Instant;

use serde_json::{Value, json};
use sforce_codegen::{Generator, Options};

const OBJECTS: usize = 500;
const FIELDS: usize = 100;

const TYPES: &[&str] = &[
    "string",
    "textarea",
    "boolean",
    "int",
    "long",
    "double",
    "currency",
    "percent",
    "date",
    "datetime",
    "time",
    "picklist",
    "multipicklist",
    "combobox",
    "reference",
    "email",
    "phone",
    "url",
    "base64",
    "encryptedstring",
    "anyType",
    "json",
    "hologram",
];

fn describe(o: usize) -> Value {
    let mut fields = vec![json!({"name": "Id", "type": "id", "label": "Record ID",
        "nillable": false, "createable": false, "updateable": false, "defaultedOnCreate": true})];
    for f in 1..FIELDS {
        let t = TYPES[(o + f) % TYPES.len()];
        let picklist: Vec<Value> = if t.ends_with("picklist") || t == "combobox" {
            (0..8)
                .map(|v| {
                    json!({"value": format!("Value {v} of {f}"), "label": format!("Value {v}"),
                    "active": v != 7, "defaultValue": v == 0})
                })
                .collect()
        } else {
            Vec::new()
        };
        fields.push(json!({
            "name": format!("Field{f}Number{o}__c"), "type": t, "label": format!("Field {f}"),
            "length": 255, "precision": 18, "scale": 2, "nillable": f % 7 != 0, "createable": true,
            "updateable": f % 11 != 0, "defaultedOnCreate": false, "externalId": f == 1,
            "unique": f == 1, "caseSensitive": false, "picklistValues": picklist,
            "restrictedPicklist": f % 2 == 0,
            "referenceTo": if t == "reference" { json!(["Account", "Contact"]) } else { json!([]) },
            "inlineHelpText": if f % 5 == 0 { json!("Some help text for this field.") } else { Value::Null },
        }));
    }
    json!({"name": format!("Object{o}__c"), "label": format!("Object {o}"), "custom": true,
        "keyPrefix": format!("a{:02}", o % 100), "fields": fields})
}

fn main() {
    let inputs: Vec<(String, Vec<u8>)> = (0..OBJECTS)
        .map(|o| {
            (
                format!("Object{o}__c.json"),
                describe(o).to_string().into_bytes(),
            )
        })
        .collect();
    let bytes: usize = inputs.iter().map(|(_, b)| b.len()).sum();

    let start = Instant::now();
    let mode = if std::env::var_os("BENCH_STRINGS").is_some() {
        sforce_codegen::PicklistMode::Strings
    } else {
        sforce_codegen::PicklistMode::Enums
    };
    let mut generator = Generator::new(Options::new().picklists(mode));
    for (name, json) in &inputs {
        generator.add_json(name, json).expect("valid describe");
    }
    let parsed = start.elapsed();
    let output = generator.generate().expect("generates");
    let total = start.elapsed();

    let lines: usize = output
        .files()
        .iter()
        .map(|f| f.contents.lines().count())
        .sum();
    println!(
        "{OBJECTS} objects x {FIELDS} fields ({:.1} MB of describe JSON): parse {:.0} ms, \
         generate + format {:.0} ms, total {:.0} ms; {} files, {lines} lines; {} threads",
        bytes as f64 / 1e6,
        parsed.as_secs_f64() * 1e3,
        (total - parsed).as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3,
        output.files().len(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
}
