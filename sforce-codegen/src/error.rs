//! The codegen error type.

use std::path::PathBuf;
use std::sync::Arc;

/// Everything that can go wrong while reading describes or generating code.
///
/// Every variant about an input names its source (a file path, or `org:<sObject>` for a describe
/// fetched from an org) and, where it applies, the place inside it: a line and column for JSON
/// syntax errors, a JSON path (`fields[3].name`) for a describe of the wrong shape.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be read.
    #[error("{}: cannot read", path.display())]
    Read {
        /// The path that failed.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: Arc<std::io::Error>,
    },
    /// An output file or directory could not be written.
    #[error("{}: cannot write", path.display())]
    Write {
        /// The path that failed.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: Arc<std::io::Error>,
    },
    /// The input is not well-formed JSON (malformed, truncated, not UTF-8).
    #[error("{source_name}:{line}:{column}: invalid JSON: {message}")]
    Json {
        /// The input's name (file path).
        source_name: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the JSON parser reported.
        message: String,
    },
    /// The input is JSON but not a describe of the expected shape (missing `fields`, a field
    /// without `name`, a key of the wrong type, ...).
    #[error("{source_name}: at {path}: {message}")]
    Describe {
        /// The input's name (file path).
        source_name: String,
        /// JSON path of the offending value, e.g. `$.fields[3].name`.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Two inputs describe the same sObject.
    #[error("sObject {name} is described twice: in {first} and in {second}")]
    DuplicateObject {
        /// The sObject API name.
        name: String,
        /// The first source.
        first: String,
        /// The second source.
        second: String,
    },
    /// An object named in [`Options::objects`](crate::Options::objects) has no describe.
    #[error("sObject {name} was requested but not found among the describes (have: {available})")]
    UnknownObject {
        /// The requested name.
        name: String,
        /// Comma-separated names that are available (possibly shortened).
        available: String,
    },
    /// A field named in [`Options::exclude_field`](crate::Options::exclude_field) does not exist.
    #[error("field {object}.{field} was excluded but {object} has no such field")]
    UnknownField {
        /// The sObject API name.
        object: String,
        /// The field API name.
        field: String,
    },
    /// An option value is invalid (e.g. an `--exclude-fields` entry without a dot).
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// There is nothing to generate.
    #[error("no sObject describes to generate from")]
    NoInput,
    /// Talking to the org failed.
    #[error("org: {context}")]
    Org {
        /// What was being fetched (`global describe`, `describe Task`).
        context: String,
        /// The client's error (boxed: it is large).
        #[source]
        source: Box<sforce_core::error::Error>,
    },
    /// Generated code failed to parse: a bug in sforce-codegen (please report it).
    #[error("internal error generating {object}: {message}")]
    Internal {
        /// The sObject being generated.
        object: String,
        /// The parser's message.
        message: String,
    },
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
