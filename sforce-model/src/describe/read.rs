//! The one describe reader: JSON bytes → the model, with errors that say where.
//!
//! Well-formed input takes serde_json's direct path (no JSON value tree, no path tracking); only
//! input that fails is read again through `serde_path_to_error` to name the offending place, so
//! the located errors cost nothing on the fast path. Syntax errors carry line and column;
//! shape errors carry a JSON path such as `$.fields[3].name` (a key of the group both describes
//! share, `SObjectProperties`, is located to its object: serde reads that group through a buffer).
//!
//! ```
//! use sforce_model::describe::read::{self, ReadError};
//!
//! let err = read::describe(br#"{"name":"Task","fields":[{"type":"string"}]}"#).unwrap_err();
//! assert_eq!(err.to_string(), "at $.fields[0]: missing field `name`");
//! assert!(matches!(read::describe(b"{\n,").unwrap_err(), ReadError::Syntax { line: 2, .. }));
//! ```

use std::collections::HashMap;

use serde::de::DeserializeOwned;

use super::{GlobalDescribe, SObjectDescribe};
use crate::name::check_api_name;

/// Why a describe could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// Not well-formed JSON: malformed, truncated, or not UTF-8.
    #[error("line {line} column {column}: invalid JSON: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON parser reported.
        message: String,
    },
    /// Well-formed JSON that is not a describe: a missing name, a value of the wrong type, an
    /// invalid API name, a field described twice.
    #[error("at {path}: {message}")]
    Shape {
        /// JSON path of the offending value: `$` for the top level, `$.fields[3].name`.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// Reads one sObject describe (the body of `GET /sobjects/{name}/describe`) and checks it
/// (see [`check`]).
pub fn describe(bytes: &[u8]) -> Result<SObjectDescribe, ReadError> {
    let describe: SObjectDescribe = from_slice(bytes)?;
    check(&describe)?;
    Ok(describe)
}

/// Reads the global describe (the body of `GET /sobjects`).
pub fn global(bytes: &[u8]) -> Result<GlobalDescribe, ReadError> {
    from_slice(bytes)
}

/// Checks what serde cannot: the sObject's and every field's name are API names made of the
/// characters Salesforce allows (ASCII letters, digits, `_`, at most 255), and no field is
/// described twice (API names are case-insensitive). Names with an unknown `__suffix` pass:
/// Salesforce adds suffixes, and the describe still describes them.
pub fn check(describe: &SObjectDescribe) -> Result<(), ReadError> {
    let bad_name = |path: String, name: &str| {
        check_api_name(name)
            .err()
            .filter(|e| e.kind().is_lexical())
            .map(|e| ReadError::Shape {
                path,
                message: format!("{name:?} is not a valid API name: {}", e.kind()),
            })
    };
    if let Some(err) = bad_name("$.name".to_owned(), &describe.name) {
        return Err(err);
    }
    let mut seen = HashMap::with_capacity(describe.fields.len());
    for (i, field) in describe.fields.iter().enumerate() {
        if let Some(err) = bad_name(format!("$.fields[{i}].name"), &field.name) {
            return Err(err);
        }
        if let Some(first) = seen.insert(field.name.to_ascii_lowercase(), i) {
            return Err(ReadError::Shape {
                path: format!("$.fields[{i}].name"),
                message: format!(
                    "field {:?} is described twice (first at $.fields[{first}])",
                    field.name
                ),
            });
        }
    }
    Ok(())
}

/// Reads any part of the model (or any other serde type) from JSON bytes with located errors.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ReadError> {
    // serde_json checks UTF-8 only in the strings it keeps: check all of it up front.
    let text = std::str::from_utf8(bytes).map_err(|e| utf8_error(bytes, e))?;
    match serde_json::from_str(text) {
        Ok(value) => Ok(value),
        Err(e) if e.is_data() => Err(locate::<T>(text)),
        Err(e) => Err(syntax(&e)),
    }
}

/// The slow second reading of input that failed for its shape: the same deserializer, tracked.
fn locate<T: DeserializeOwned>(text: &str) -> ReadError {
    let mut de = serde_json::Deserializer::from_str(text);
    let Err(err) = serde_path_to_error::deserialize::<_, T>(&mut de) else {
        // Unreachable in practice: the untracked reading failed on the same input.
        return ReadError::Shape {
            path: "$".to_owned(),
            message: "not a describe".to_owned(),
        };
    };
    let mut path = String::from("$");
    for segment in err.path().iter() {
        use serde_path_to_error::Segment;
        match segment {
            Segment::Seq { index } => path.push_str(&format!("[{index}]")),
            Segment::Map { key } => {
                path.push('.');
                path.push_str(key);
            }
            Segment::Enum { variant } => {
                path.push('.');
                path.push_str(variant);
            }
            Segment::Unknown => path.push_str(".?"),
        }
    }
    ReadError::Shape {
        path,
        message: strip_position(&err.into_inner().to_string()),
    }
}

/// serde_json appends " at line L column C" to its messages; shape errors give a path instead.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn syntax(e: &serde_json::Error) -> ReadError {
    ReadError::Syntax {
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    }
}

fn utf8_error(bytes: &[u8], e: std::str::Utf8Error) -> ReadError {
    let before = &bytes[..e.valid_up_to()];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    ReadError::Syntax {
        line,
        column: e.valid_up_to() - line_start + 1,
        message: "invalid UTF-8".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(json: &str) -> (String, String) {
        match describe(json.as_bytes()).unwrap_err() {
            ReadError::Shape { path, message } => (path, message),
            other => panic!("expected a shape error, got {other:?}"),
        }
    }

    #[test]
    fn shape_errors_name_the_path() {
        let (path, message) = shape(r#"{"name":"T","fields":[{"name":"A","type":"string"},{}]}"#);
        assert_eq!(
            (path.as_str(), message.as_str()),
            ("$.fields[1]", "missing field `name`")
        );
        let (path, message) = shape(
            r#"{"name":"T","fields":[{"name":"A","type":"picklist","picklistValues":[{"value":1}]}]}"#,
        );
        assert_eq!(path, "$.fields[0].picklistValues[0].value");
        assert!(
            message.starts_with("invalid type: integer `1`"),
            "{message}"
        );
        let (path, _) = shape(r#"{"name":"T","fields":[{"name":"A","type":"int","scale":-1}]}"#);
        assert_eq!(path, "$.fields[0].scale");
        let (path, _) = shape(r#"[1,2]"#);
        assert_eq!(path, "$");
        let (path, message) = shape(r#"{"name":"T","fields":[{"name":"A b","type":"string"}]}"#);
        assert_eq!(path, "$.fields[0].name");
        assert!(
            message.starts_with("\"A b\" is not a valid API name"),
            "{message}"
        );
        let (path, message) = shape(
            r#"{"name":"T","fields":[{"name":"A","type":"string"},{"name":"a","type":"int"}]}"#,
        );
        assert_eq!(path, "$.fields[1].name");
        assert_eq!(
            message,
            "field \"a\" is described twice (first at $.fields[0])"
        );
        // An unknown suffix is not the reader's business.
        assert!(describe(br#"{"name":"T__new","fields":[]}"#).is_ok());
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let err = describe(b"{\n  \"name\": \"Task\",\n  \"fields\": [\n").unwrap_err();
        assert!(matches!(err, ReadError::Syntax { line: 4, .. }), "{err:?}");
        let err = describe(b"{\"name\":\"T\",\n \"label\":\"\xff\"}").unwrap_err();
        assert_eq!(
            err,
            ReadError::Syntax {
                line: 2,
                column: 11,
                message: "invalid UTF-8".into()
            }
        );
    }

    #[test]
    fn global_describe_reads_with_paths() {
        let g = global(br#"{"encoding":"UTF-8","maxBatchSize":200,"sobjects":[{"name":"Task"}]}"#)
            .unwrap();
        assert_eq!(g.sobjects[0].name, "Task");
        let err = global(br#"{"sobjects":[{"name":5}]}"#).unwrap_err();
        assert!(
            matches!(&err, ReadError::Shape { path, .. } if path == "$.sobjects[0].name"),
            "{err:?}"
        );
        // The keys both describes share are one flattened group: located to their object.
        let err = global(br#"{"sobjects":[{"name":"Task","custom":"no"}]}"#).unwrap_err();
        assert!(
            matches!(&err, ReadError::Shape { path, message } if path == "$.sobjects[0]" && message.contains("boolean")),
            "{err:?}"
        );
    }
}
