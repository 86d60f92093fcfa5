//! Reading describes for the generator: the one describe reader of `sforce-model`, plus the
//! generator's own requirements, with errors that name the source and the place (line/column
//! for syntax, JSON path for shape).
//!
//! The model reader requires names and field types and rejects names Salesforce could never
//! have written; the generator further requires at least one field, because generating a struct
//! from a describe without fields (a global-describe entry, say) would silently produce the
//! wrong API. Unknown keys are kept and unknown field *types* become raw JSON fields.

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sforce_model::describe::SObjectDescribe;
use sforce_model::describe::read::{self, ReadError};

use crate::error::{Error, Result};

/// One sObject, as the generator needs it: the describe and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ObjectSpec {
    pub describe: SObjectDescribe,
    /// Where it came from (file path or `org:Name`), for error messages and the header comment.
    pub source: String,
}

impl Deref for ObjectSpec {
    type Target = SObjectDescribe;
    fn deref(&self) -> &SObjectDescribe {
        &self.describe
    }
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
    let describe = read::describe(bytes).map_err(|e| located(source, e))?;
    spec(source, describe)
}

/// Checks a describe that is already parsed (from a client or the emulator) like a file.
pub(crate) fn from_describe(source: &str, describe: &SObjectDescribe) -> Result<ObjectSpec> {
    read::check(describe).map_err(|e| located(source, e))?;
    spec(source, describe.clone())
}

fn spec(source: &str, mut describe: SObjectDescribe) -> Result<ObjectSpec> {
    if describe.fields.is_empty() {
        return Err(located(
            source,
            ReadError::Shape {
                path: "$.fields".to_owned(),
                message: "no fields (is this the output of `sobjects/{name}/describe`?)".to_owned(),
            },
        ));
    }
    // Labels document the generated items; a describe without them gets the API names.
    if describe.properties.label.is_empty() {
        describe.properties.label.clone_from(&describe.name);
    }
    for field in &mut describe.fields {
        if field.label.is_empty() {
            field.label.clone_from(&field.name);
        }
    }
    Ok(ObjectSpec {
        describe,
        source: source.to_owned(),
    })
}

fn located(source: &str, error: ReadError) -> Error {
    match error {
        ReadError::Syntax {
            line,
            column,
            message,
        } => Error::Json {
            source_name: source.to_owned(),
            line,
            column,
            message,
        },
        ReadError::Shape { path, message } => Error::Describe {
            source_name: source.to_owned(),
            path,
            message,
        },
        other => Error::Describe {
            source_name: source.to_owned(),
            path: "$".to_owned(),
            message: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            "a.json: at $.fields: no fields (is this the output of `sobjects/{name}/describe`?)"
        );
        let e = parse_bytes(
            "a.json",
            br#"{"name":"Task","fields":[{"type":"string"},{}]}"#,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.json: at $.fields[0]: missing field `name`"
        );
        let e = parse_bytes(
            "a.json",
            br#"{"name":"T","fields":[{"name":"A","type":"picklist","picklistValues":[{"value":1}]}]}"#,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.json: at $.fields[0].picklistValues[0].value: invalid type: integer `1`, expected a string"
        );
    }

    #[test]
    fn labels_default_to_names() {
        let spec =
            parse_bytes("t", br#"{"name":"T","fields":[{"name":"A","type":"int"}]}"#).unwrap();
        assert_eq!(
            (
                spec.properties.label.as_str(),
                spec.fields[0].label.as_str()
            ),
            ("T", "A")
        );
    }
}
