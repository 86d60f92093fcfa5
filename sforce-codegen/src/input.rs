//! Reading describes: JSON text → the generator's checked model, with errors that name the source
//! and the place (line/column for syntax, JSON path for shape).
//!
//! The checks are stricter than `sforce_core::describe` (which defaults every missing key): a
//! describe without `fields`, a field without `name` or `type`, or a key of the wrong JSON type is
//! an error here, because generating code from such input would silently produce the wrong API.
//! Unknown keys are ignored and unknown field *types* are kept.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// One sObject, as the generator needs it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ObjectSpec {
    pub name: String,
    pub label: String,
    pub custom: bool,
    pub key_prefix: Option<String>,
    pub fields: Vec<FieldSpec>,
    /// Where it came from (file path or `org:Name`), for error messages and the header comment.
    pub source: String,
}

/// One field, as the generator needs it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldSpec {
    pub name: String,
    pub label: String,
    /// The wire `type`, verbatim (`anyType`, `datetime`, or something new).
    pub field_type: String,
    pub nillable: bool,
    pub createable: bool,
    pub updateable: bool,
    pub defaulted_on_create: bool,
    pub unique: bool,
    pub case_sensitive: bool,
    pub external_id: bool,
    /// `idLookup`: Salesforce upserts on it too (Contact `Email`, Account `Name`, ...).
    pub id_lookup: bool,
    pub calculated: bool,
    pub auto_number: bool,
    pub length: Option<i64>,
    pub precision: Option<i64>,
    pub scale: Option<i64>,
    pub picklist_values: Vec<PicklistValue>,
    pub restricted_picklist: bool,
    pub reference_to: Vec<String>,
    pub relationship_name: Option<String>,
    pub inline_help_text: Option<String>,
    pub compound_field_name: Option<String>,
}

impl FieldSpec {
    /// Createable, not nillable and not defaulted on create: a create must set it.
    pub fn required_on_create(&self) -> bool {
        self.createable && !self.nillable && !self.defaulted_on_create
    }
}

/// One picklist entry.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PicklistValue {
    pub value: String,
    pub label: Option<String>,
    pub active: bool,
    pub default_value: bool,
}

/// Reads and checks one describe file.
pub(crate) fn read_file(path: &Path) -> Result<ObjectSpec> {
    let bytes = std::fs::read(path).map_err(|e| Error::Read {
        path: path.to_owned(),
        source: Arc::new(e),
    })?;
    parse_bytes(&path.display().to_string(), &bytes)
}

/// The `*.json` files of a directory (not recursive), sorted by file name.
pub(crate) fn list_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    let read_err = |e| Error::Read {
        path: dir.to_owned(),
        source: Arc::new(e),
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_err)? {
        let path = entry.map_err(read_err)?.path();
        if path.extension().is_some_and(|e| e == "json") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Parses and checks one describe given as bytes; `source` names it in errors.
pub(crate) fn parse_bytes(source: &str, bytes: &[u8]) -> Result<ObjectSpec> {
    if let Some(spec) = crate::fast::parse(source, bytes) {
        return Ok(spec);
    }
    parse_bytes_checked(source, bytes)
}

/// The slow path: a JSON value tree, checked key by key, so errors name their place.
pub(crate) fn parse_bytes_checked(source: &str, bytes: &[u8]) -> Result<ObjectSpec> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| Error::Json {
        source_name: source.to_owned(),
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })?;
    parse_value(source, &value)
}

/// serde_json appends " at line L column C" to its messages; we print the position up front.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// Checks a parsed describe.
pub(crate) fn parse_value(source: &str, value: &Value) -> Result<ObjectSpec> {
    let cx = Cx { source };
    let root = cx.object(value, "$")?;
    let name = cx.req_str(root, "$", "name")?;
    check_api_name(&cx, &name, "$.name")?;
    let fields_value = root.get("fields").ok_or_else(|| {
        cx.err(
            "$",
            "missing key \"fields\" (is this the output of `sobjects/{name}/describe`?)",
        )
    })?;
    let fields_array = fields_value.as_array().ok_or_else(|| {
        cx.err(
            "$.fields",
            format!("expected an array, found {}", kind(fields_value)),
        )
    })?;
    let mut fields = Vec::with_capacity(fields_array.len());
    for (i, f) in fields_array.iter().enumerate() {
        fields.push(parse_field(&cx, f, &format!("$.fields[{i}]"))?);
    }
    let mut seen = std::collections::BTreeMap::new();
    for (i, f) in fields.iter().enumerate() {
        if let Some(first) = seen.insert(f.name.to_ascii_lowercase(), i) {
            return Err(cx.err(
                &format!("$.fields[{i}].name"),
                format!(
                    "field {:?} is described twice (first at $.fields[{first}])",
                    f.name
                ),
            ));
        }
    }
    Ok(ObjectSpec {
        label: cx
            .opt_str(root, "$", "label")?
            .unwrap_or_else(|| name.clone()),
        custom: cx.opt_bool(root, "$", "custom")?,
        key_prefix: cx.opt_str(root, "$", "keyPrefix")?,
        name,
        fields,
        source: source.to_owned(),
    })
}

fn parse_field(cx: &Cx<'_>, value: &Value, path: &str) -> Result<FieldSpec> {
    let obj = cx.object(value, path)?;
    let name = cx.req_str(obj, path, "name")?;
    check_api_name(cx, &name, &format!("{path}.name"))?;
    let field_type = cx.req_str(obj, path, "type")?;
    let picklist_values = cx.opt_array(obj, path, "picklistValues", |e, p| {
        let entry = cx.object(e, p)?;
        Ok(PicklistValue {
            value: cx.req_str(entry, p, "value")?,
            label: cx.opt_str(entry, p, "label")?,
            active: cx.opt_bool_or(entry, p, "active", true)?,
            default_value: cx.opt_bool(entry, p, "defaultValue")?,
        })
    })?;
    let reference_to = cx.opt_array(obj, path, "referenceTo", |v, p| {
        v.as_str()
            .map(str::to_owned)
            .ok_or_else(|| cx.err(p, format!("expected a string, found {}", kind(v))))
    })?;
    Ok(FieldSpec {
        label: cx
            .opt_str(obj, path, "label")?
            .unwrap_or_else(|| name.clone()),
        field_type,
        nillable: cx.opt_bool(obj, path, "nillable")?,
        createable: cx.opt_bool(obj, path, "createable")?,
        updateable: cx.opt_bool(obj, path, "updateable")?,
        defaulted_on_create: cx.opt_bool(obj, path, "defaultedOnCreate")?,
        unique: cx.opt_bool(obj, path, "unique")?,
        case_sensitive: cx.opt_bool(obj, path, "caseSensitive")?,
        external_id: cx.opt_bool(obj, path, "externalId")?,
        id_lookup: cx.opt_bool(obj, path, "idLookup")?,
        calculated: cx.opt_bool(obj, path, "calculated")?,
        auto_number: cx.opt_bool(obj, path, "autoNumber")?,
        length: cx.opt_int(obj, path, "length")?,
        precision: cx.opt_int(obj, path, "precision")?,
        scale: cx.opt_int(obj, path, "scale")?,
        picklist_values,
        restricted_picklist: cx.opt_bool(obj, path, "restrictedPicklist")?,
        reference_to,
        relationship_name: cx.opt_str(obj, path, "relationshipName")?,
        inline_help_text: cx.opt_str(obj, path, "inlineHelpText")?,
        compound_field_name: cx.opt_str(obj, path, "compoundFieldName")?,
        name,
    })
}

/// API names are ASCII letters, digits and underscores; anything else would also be unusable in
/// a URL path or SOQL, so reject it here rather than generate a `rename` that can never work.
fn check_api_name(cx: &Cx<'_>, name: &str, path: &str) -> Result<()> {
    if is_api_name(name) {
        Ok(())
    } else {
        Err(cx.err(
            path,
            format!("{name:?} is not a valid API name (ASCII letters, digits, `_`)"),
        ))
    }
}

/// ASCII letters, digits and `_`, 1 to 255 of them.
pub(crate) fn is_api_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Error-building context.
struct Cx<'a> {
    source: &'a str,
}

impl Cx<'_> {
    fn err(&self, path: &str, message: impl Into<String>) -> Error {
        Error::Describe {
            source_name: self.source.to_owned(),
            path: path.to_owned(),
            message: message.into(),
        }
    }

    fn object<'v>(&self, v: &'v Value, path: &str) -> Result<&'v Map<String, Value>> {
        v.as_object()
            .ok_or_else(|| self.err(path, format!("expected an object, found {}", kind(v))))
    }

    fn req_str(&self, obj: &Map<String, Value>, path: &str, key: &str) -> Result<String> {
        match obj.get(key) {
            Some(Value::String(s)) => Ok(s.clone()),
            None | Some(Value::Null) => Err(self.err(path, format!("missing key {key:?}"))),
            Some(other) => Err(self.err(
                &format!("{path}.{key}"),
                format!("expected a string, found {}", kind(other)),
            )),
        }
    }

    fn opt_str(&self, obj: &Map<String, Value>, path: &str, key: &str) -> Result<Option<String>> {
        match obj.get(key) {
            Some(Value::String(s)) => Ok(Some(s.clone())),
            None | Some(Value::Null) => Ok(None),
            Some(other) => Err(self.err(
                &format!("{path}.{key}"),
                format!("expected a string, found {}", kind(other)),
            )),
        }
    }

    /// The array under `key` (absent or null: empty), each item read by `item` (item, its path).
    fn opt_array<T>(
        &self,
        obj: &Map<String, Value>,
        path: &str,
        key: &str,
        mut item: impl FnMut(&Value, &str) -> Result<T>,
    ) -> Result<Vec<T>> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| item(v, &format!("{path}.{key}[{i}]")))
                .collect(),
            Some(other) => Err(self.err(
                &format!("{path}.{key}"),
                format!("expected an array, found {}", kind(other)),
            )),
        }
    }

    fn opt_bool(&self, obj: &Map<String, Value>, path: &str, key: &str) -> Result<bool> {
        self.opt_bool_or(obj, path, key, false)
    }

    fn opt_bool_or(
        &self,
        obj: &Map<String, Value>,
        path: &str,
        key: &str,
        default: bool,
    ) -> Result<bool> {
        match obj.get(key) {
            Some(Value::Bool(b)) => Ok(*b),
            None | Some(Value::Null) => Ok(default),
            Some(other) => Err(self.err(
                &format!("{path}.{key}"),
                format!("expected a boolean, found {}", kind(other)),
            )),
        }
    }

    fn opt_int(&self, obj: &Map<String, Value>, path: &str, key: &str) -> Result<Option<i64>> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(i) => Ok(Some(i)),
                // Salesforce sends integers; accept an integral float, reject anything else.
                None => match n.as_f64() {
                    Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
                    _ => Err(self.err(
                        &format!("{path}.{key}"),
                        format!("expected an integer, found {n}"),
                    )),
                },
            },
            Some(other) => Err(self.err(
                &format!("{path}.{key}"),
                format!("expected a number, found {}", kind(other)),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/describes");
        std::fs::read(dir.join(name)).unwrap()
    }

    #[test]
    fn fast_and_checked_paths_agree() {
        for name in [
            "Task.json",
            "Everything__c.json",
            "Account.json",
            "Address.json",
        ] {
            let bytes = fixture(name);
            let fast = crate::fast::parse(name, &bytes).expect("fast path accepts the fixture");
            assert_eq!(fast, parse_bytes_checked(name, &bytes).unwrap(), "{name}");
        }
        // Escaped strings cannot be borrowed; integral floats are integers; nulls are absent.
        let json = br#"{"name":"T","label":"\u0054ab","fields":[{"name":"A","type":"string",
            "length":255.0,"label":null,"picklistValues":null,"referenceTo":["X\n"]}]}"#;
        let fast = crate::fast::parse("t", json).unwrap();
        assert_eq!(fast, parse_bytes_checked("t", json).unwrap());
        assert_eq!(fast.label, "Tab");
        assert_eq!(fast.fields[0].length, Some(255));
    }

    proptest::proptest! {
        /// Whatever the fast path accepts, the checked path accepts with the same result.
        #[test]
        fn fast_path_never_accepts_more(
            file in proptest::sample::select(vec!["Task.json", "Everything__c.json"]),
            cut in 0usize..4000,
            flip in 0usize..100_000,
            x in 1u8..=255,
        ) {
            let mut bytes = fixture(file);
            let i = flip % bytes.len();
            bytes[i] ^= x;
            bytes.truncate(bytes.len() - cut % 8);
            if let Some(fast) = crate::fast::parse("t", &bytes) {
                proptest::prop_assert_eq!(Some(fast), parse_bytes_checked("t", &bytes).ok());
            }
        }
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let err =
            parse_bytes("t.json", b"{\n  \"name\": \"Task\",\n  \"fields\": [\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("t.json:4:"), "{msg}");
        assert!(matches!(err, Error::Json { line: 4, .. }), "{err:?}");
    }

    #[test]
    fn shape_errors_have_paths() {
        let e = parse_bytes("a.json", br#"{"name":"Task"}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.json: at $: missing key \"fields\" (is this the output of `sobjects/{name}/describe`?)"
        );
        let e = parse_bytes(
            "a.json",
            br#"{"name":"Task","fields":[{"type":"string"},{}]}"#,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.json: at $.fields[0]: missing key \"name\""
        );
        let e = parse_bytes(
            "a.json",
            br#"{"name":"T","fields":[{"name":"A","type":"picklist","picklistValues":[{"value":1}]}]}"#,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.json: at $.fields[0].picklistValues[0].value: expected a string, found a number"
        );
    }
}
