//! Generation speed: 500 sObjects × 100 fields (every field type, picklists with values).
//!
//! ```text
//! cargo run --release -p sforce-codegen --example codegen_bench
//! ```
//!
//! Writes the describes to a temporary directory, then times what `sforce-codegen --from-dir`
//! does: read and parse them, generate and format the code, write it (the issue's target: well
//! under 2 s).

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
    let root = std::env::temp_dir().join(format!("sforce-codegen-bench-{}", std::process::id()));
    let (input, out) = (root.join("describes"), root.join("out"));
    std::fs::create_dir_all(&input).unwrap();
    let mut bytes = 0;
    for o in 0..OBJECTS {
        let json = describe(o).to_string();
        bytes += json.len();
        std::fs::write(input.join(format!("Object{o}__c.json")), json).unwrap();
    }

    // What `sforce-codegen --from-dir DESCRIBES --out OUT` does.
    let cpu_start = cpu_seconds();
    let start = Instant::now();
    let mut generator = Generator::new(Options::new());
    generator.add_dir(&input).expect("valid describes");
    let parsed = start.elapsed();
    let output = generator.generate().expect("generates");
    let generated = start.elapsed();
    output.write_to(&out).expect("writes");
    let total = start.elapsed();
    let cpu = cpu_seconds().zip(cpu_start).map(|(end, start)| end - start);

    let lines: usize = output
        .files()
        .iter()
        .map(|f| f.contents.lines().count())
        .sum();
    println!(
        "{OBJECTS} objects x {FIELDS} fields ({:.1} MB of describe JSON) on {} threads: \
         read + parse {:.0} ms, generate + format {:.0} ms, write {:.0} ms, total {:.0} ms \
         ({} files, {lines} lines)",
        bytes as f64 / 1e6,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        parsed.as_secs_f64() * 1e3,
        (generated - parsed).as_secs_f64() * 1e3,
        (total - generated).as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3,
        output.files().len(),
    );
    if let Some(cpu) = cpu {
        // Wall time depends on what else the machine runs; CPU time (all threads) much less.
        println!("CPU time (user + system, all threads): {:.0} ms", cpu * 1e3);
    }
    // One JSON line for scripts.
    println!(
        "{}",
        json!({
            "bench": "codegen",
            "objects": OBJECTS,
            "fields_per_object": FIELDS,
            "parse_ms": parsed.as_secs_f64() * 1e3,
            "generate_ms": (generated - parsed).as_secs_f64() * 1e3,
            "write_ms": (total - generated).as_secs_f64() * 1e3,
            "total_ms": total.as_secs_f64() * 1e3,
            "cpu_ms": cpu.map(|c| c * 1e3),
            "lines": lines,
        })
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// User + system CPU time of this process so far, from `/proc/self/stat` (Linux; `None`
/// elsewhere). Clock ticks are assumed to be 100 per second, the Linux default.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split(' ').collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}
