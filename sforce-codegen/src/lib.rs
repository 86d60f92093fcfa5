//! Salesforce describe output to Rust structs deriving `sforce::SObject`.
//!
//! Give the [`Generator`] describes (JSON files, a directory of them, parsed
//! [`SObjectDescribe`]s, or a live org through [`Generator::add_org`]), then
//! [`generate`](Generator::generate) one module per sObject plus a `mod.rs`, formatted with
//! prettyplease. Output is deterministic: the same describes give byte-identical files whatever
//! their order.
//!
//! Generated once and checked in (reviewable; the `sforce-codegen` CLI does the same):
//!
//! ```no_run
//! use sforce_codegen::{Generator, Options};
//!
//! let mut generator = Generator::new(Options::new().objects(["Task", "Account"]));
//! generator.add_dir("schema/")?;
//! generator.generate()?.write_to("src/sobjects")?;
//! # Ok::<(), sforce_codegen::Error>(())
//! ```
//!
//! with `#[rustfmt::skip] mod sobjects;` in the crate (the output is already formatted, and
//! `sforce-codegen --check` compares it byte for byte). Or from a `build.rs`, as one file:
//!
//! ```no_run
//! # use sforce_codegen::{Generator, Options};
//! let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("sobjects.rs");
//! let mut generator = Generator::new(Options::new());
//! generator.add_dir("schema/")?;
//! generator.generate()?.write_single_file(&out)?;
//! println!("cargo::rerun-if-changed=schema/");
//! # Ok::<(), sforce_codegen::Error>(())
//! ```
//!
//! with `pub mod sobjects { include!(concat!(env!("OUT_DIR"), "/sobjects.rs")); }` in the crate.
//!
//! # Types
//!
//! Fields map as follows (nullable or optional fields are wrapped in `Option`; only fields
//! *required on create* — createable, not nillable, not defaulted — and updateable are plain
//! values, so an upsert that updates never has to send a create-only field):
//!
//! | describe type | Rust type |
//! |---|---|
//! | `id` | `::sforce::Id`, with `#[sobject(id)]` |
//! | `reference` | `::sforce::Id`; targets (polymorphic ones too) listed in the doc comment |
//! | `string`, `textarea`, `email`, `phone`, `url`, `encryptedstring`, `combobox` | `String` |
//! | `boolean` / `int` / `long` | `bool` / `i32` / `i64` |
//! | `double`, `currency`, `percent` | `f64`: Salesforce sends JSON numbers, which serde_json reads as `f64`; a decimal type would force a dependency on every user. Precision above 15 digits is flagged in the docs. |
//! | `date`, `datetime`, `time` | `::sforce::types::{Date, DateTime, Time}` |
//! | `picklist` | an enum of the active values plus an `Other(String)` fallback (or `String` with [`PicklistMode::Strings`]) |
//! | `multipicklist` | `::sforce::types::MultiPicklist<Enum>`: a `Vec` in Rust, `;`-joined on the wire |
//! | `base64` | `::sforce::types::Base64Blob`: bytes written as base64, a URL when read |
//! | `address`, `location` | `::sforce::types::{Address, Geolocation}`: read-only compound structs |
//! | `anyType`, `complexvalue`, `json`, unknown types | `::sforce::types::JsonValue` (raw JSON), the type named in the docs |
//!
//! Flags: every field Salesforce upserts on — `externalId`, and `idLookup` other than the record
//! `Id` (Contact and Lead `Email`, Account `Name`, ...) — → `#[external_id]`
//! (`#[external_id(case_sensitive)]` when `caseSensitive`), so a struct generated from a standard
//! object gets its typed upserts (`upsert_by_email`, ...; a plain `upsert` when the object has
//! exactly one such field); a Number key is typed `::sforce::types::NumberKey`, an integer, because upsert keys
//! are text or integers; a read-only one, such as an auto number, stays a plain read-only field;
//! neither createable nor updateable → `#[sobject(read_only)]` (create-only fields are documented
//! as such: leave them `None` in updates); every field carries `#[sobject(rename = "ApiName")]`.
//! Fields whose API name the derive cannot declare are left out and listed in the struct's docs.
//!
//! Generated files hold only sObject structs and picklist enums. The types they use live in the
//! runtime (`sforce::types`) and every picklist enum is implemented by `#[derive(sforce::Picklist)]`,
//! so modules generated in separate runs share their types.
//!
//! # Names
//!
//! `CallDurationInSeconds` → `call_duration_in_seconds`, `CallStarted__c` → `call_started`,
//! `Invoice__c` → `Invoice` / `invoice`. Keywords get a trailing `_` (`Type` → `type_`). Names
//! that collide after conversion are resolved deterministically: standard names keep the short
//! form, custom ones take their full converted API name (`Status__c` → `status_c`), then numeric
//! suffixes.
#![warn(missing_docs)]

mod emit;
mod error;
mod input;
mod names;
mod org;
mod picklist;
mod types;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use error::{Error, Result};
pub use org::OrgOptions;
use sforce_model::describe::SObjectDescribe;

use crate::input::ObjectSpec;

/// How picklist fields are typed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum PicklistMode {
    /// One enum per picklist: the active values plus a fallback variant carrying other values.
    #[default]
    Enums,
    /// Plain `String`s (multi-select picklists: `MultiPicklist<String>`).
    Strings,
}

/// What to generate. Built with chained methods:
///
/// ```
/// use sforce_codegen::{Options, PicklistMode};
/// let options = Options::new()
///     .objects(["Task", "Account"])
///     .exclude_field("Task", "Description")
///     .picklists(PicklistMode::Strings);
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Options {
    /// Selected objects: lower-cased name → name as given.
    objects: Option<BTreeMap<String, String>>,
    excluded: BTreeSet<(String, String)>,
    picklists: PicklistMode,
}

impl Options {
    /// All objects, all fields, picklists as enums.
    pub fn new() -> Self {
        Self::default()
    }

    /// Generate only these sObjects (API names, matched case-insensitively). Naming an object
    /// that has no describe is an error at [`Generator::generate`].
    pub fn objects<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let map = self.objects.get_or_insert_with(BTreeMap::new);
        for name in names {
            let name = name.as_ref().trim();
            map.insert(name.to_ascii_lowercase(), name.to_owned());
        }
        self
    }

    /// Leave `object.field` out of the generated struct (names matched case-insensitively; a
    /// field that does not exist is an error at [`Generator::generate`]).
    pub fn exclude_field(mut self, object: &str, field: &str) -> Self {
        self.excluded
            .insert((object.to_ascii_lowercase(), field.to_ascii_lowercase()));
        self
    }

    /// [`exclude_field`](Self::exclude_field) from `"Object.Field"` text (the CLI's syntax).
    pub fn exclude_field_spec(self, spec: &str) -> Result<Self> {
        match spec.split_once('.') {
            Some((o, f)) if !o.is_empty() && !f.is_empty() && !f.contains('.') => {
                Ok(self.exclude_field(o, f))
            }
            _ => Err(Error::InvalidOption(format!(
                "field exclusion {spec:?} is not of the form Object.Field"
            ))),
        }
    }

    /// How picklists are typed (default: [`PicklistMode::Enums`]).
    pub fn picklists(mut self, mode: PicklistMode) -> Self {
        self.picklists = mode;
        self
    }

    /// The selected object names as given, `None` for all.
    pub fn selected_objects(&self) -> Option<impl Iterator<Item = &str>> {
        self.objects
            .as_ref()
            .map(|m| m.values().map(String::as_str))
    }

    fn wants(&self, object: &str) -> bool {
        self.objects
            .as_ref()
            .is_none_or(|map| map.contains_key(&object.to_ascii_lowercase()))
    }

    pub(crate) fn is_excluded(&self, object: &str, field: &str) -> bool {
        !self.excluded.is_empty()
            && self
                .excluded
                .contains(&(object.to_ascii_lowercase(), field.to_ascii_lowercase()))
    }
}

/// Collects describes and generates code from them.
#[derive(Debug, Clone)]
pub struct Generator {
    options: Options,
    /// By lower-cased API name.
    objects: BTreeMap<String, ObjectSpec>,
}

impl Generator {
    /// A generator with no describes yet.
    pub fn new(options: Options) -> Self {
        Generator {
            options,
            objects: BTreeMap::new(),
        }
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    fn insert(&mut self, spec: ObjectSpec) -> Result<&mut Self> {
        let key = spec.name.to_ascii_lowercase();
        if let Some(first) = self.objects.get(&key) {
            return Err(Error::DuplicateObject {
                name: spec.describe.name,
                first: first.source.clone(),
                second: spec.source,
            });
        }
        self.objects.insert(key, spec);
        Ok(self)
    }

    /// Adds one describe JSON file (the output of `GET /sobjects/{name}/describe`).
    pub fn add_file(&mut self, path: impl AsRef<Path>) -> Result<&mut Self> {
        let spec = input::read_file(path.as_ref())?;
        self.insert(spec)
    }

    /// Adds every `*.json` file of a directory (not recursive), one describe per file.
    pub fn add_dir(&mut self, dir: impl AsRef<Path>) -> Result<&mut Self> {
        let files = input::list_dir(dir.as_ref())?;
        // Read and parse on all cores; add in file-name order, so errors are deterministic.
        for spec in parallel_map(&files, |path| input::read_file(path)) {
            self.insert(spec?)?;
        }
        Ok(self)
    }

    /// Adds a describe given as JSON bytes; `source` names it in errors (e.g. a file name).
    pub fn add_json(&mut self, source: &str, json: &[u8]) -> Result<&mut Self> {
        let spec = input::parse_bytes(source, json)?;
        self.insert(spec)
    }

    /// Adds a parsed describe (e.g. from `Client::describe`, or the emulator's built-ins).
    pub fn add_describe(&mut self, describe: &SObjectDescribe) -> Result<&mut Self> {
        self.add_describe_from(&format!("describe:{}", describe.name), describe)
    }

    fn add_describe_from(&mut self, source: &str, describe: &SObjectDescribe) -> Result<&mut Self> {
        let spec = input::from_describe(source, describe)?;
        self.insert(spec)
    }

    /// API names of the describes added so far, sorted case-insensitively.
    pub fn object_names(&self) -> Vec<&str> {
        self.objects.values().map(|o| o.name.as_str()).collect()
    }

    /// Generates the code. Fails on an unknown selected object or excluded field.
    pub fn generate(&self) -> Result<Output> {
        if let Some(wanted) = &self.options.objects {
            for (key, name) in wanted {
                if !self.objects.contains_key(key) {
                    return Err(Error::UnknownObject {
                        name: name.clone(),
                        available: available(self.object_names()),
                    });
                }
            }
        }
        for (object, field) in &self.options.excluded {
            let known = self
                .objects
                .get(object)
                .map(|o| o.fields.iter().any(|f| f.name.eq_ignore_ascii_case(field)));
            if known != Some(true) {
                return Err(Error::UnknownField {
                    object: self
                        .objects
                        .get(object)
                        .map_or_else(|| object.clone(), |o| o.name.clone()),
                    field: field.clone(),
                });
            }
        }
        // Objects the derive cannot name: an error when asked for, otherwise left out.
        if let Some(wanted) = &self.options.objects {
            for key in wanted.keys() {
                let obj = &self.objects[key];
                if !names::derive_accepts(&obj.name) {
                    return Err(Error::InvalidOption(format!(
                        "sObject {} has an API name sforce's derive cannot declare",
                        obj.name
                    )));
                }
            }
        }
        let selected: Vec<&ObjectSpec> = self
            .objects
            .values()
            .filter(|o| self.options.wants(&o.name) && names::derive_accepts(&o.name))
            .collect();
        if selected.is_empty() {
            return Err(Error::NoInput);
        }
        let apis: Vec<&str> = selected.iter().map(|o| o.name.as_str()).collect();
        let names = emit::object_names(&apis);
        let by_name: BTreeMap<&str, &ObjectSpec> =
            selected.iter().map(|o| (o.name.as_str(), *o)).collect();
        let jobs: Vec<(&ObjectSpec, &str, &str)> = names
            .iter()
            .map(|(api, module, ty)| (by_name[api.as_str()], module.as_str(), ty.as_str()))
            .collect();
        let mut files = generate_parallel(&jobs, &self.options)?;
        files.push(GeneratedFile {
            path: PathBuf::from("mod.rs"),
            contents: emit::mod_file(&names)?,
        });
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(Output { files })
    }
}

/// Formats object modules on all cores (formatting dominates the cost), in order.
fn generate_parallel(
    jobs: &[(&ObjectSpec, &str, &str)],
    options: &Options,
) -> Result<Vec<GeneratedFile>> {
    parallel_map(jobs, |(obj, module, ty)| {
        Ok(GeneratedFile {
            path: PathBuf::from(format!("{module}.rs")),
            contents: emit::object_file(obj, ty, options)?,
        })
    })
    .into_iter()
    .collect()
}

/// `items.iter().map(f)` on all cores, results in input order.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || items.len() < 8 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for handle in handles {
            match handle.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

fn available(names: Vec<&str>) -> String {
    const SHOWN: usize = 20;
    let mut text = names
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(", ... ({} in all)", names.len()));
    }
    if text.is_empty() {
        text.push_str("none");
    }
    text
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GeneratedFile {
    /// Path relative to the output directory (`task.rs`, `mod.rs`).
    pub path: PathBuf,
    /// The Rust source.
    pub contents: String,
}

/// The generated files, sorted by path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    files: Vec<GeneratedFile>,
}

impl Output {
    /// The files, sorted by path.
    pub fn files(&self) -> &[GeneratedFile] {
        &self.files
    }

    /// The file at `path` (relative, e.g. `"task.rs"`).
    pub fn file(&self, path: &str) -> Option<&GeneratedFile> {
        self.files.iter().find(|f| f.path == Path::new(path))
    }

    /// All modules in one file, for `include!` (e.g. from a `build.rs` into `OUT_DIR`): each
    /// sObject module inlined as `pub mod name { ... }`, and no inner attributes (which
    /// `include!` rejects). Same items, same paths as the multi-file layout.
    pub fn single_file(&self) -> String {
        let mut out = String::new();
        let mod_rs = self.file("mod.rs").map_or("", |f| f.contents.as_str());
        for line in mod_rs.lines() {
            if let Some(doc) = line.strip_prefix("//!") {
                out.push_str("//");
                out.push_str(doc);
                out.push('\n');
                continue;
            }
            let module = line
                .strip_prefix("pub mod ")
                .and_then(|rest| rest.strip_suffix(';'));
            let Some(module) = module else {
                out.push_str(line);
                out.push('\n');
                continue;
            };
            out.push_str(&format!("pub mod {module} {{\n"));
            let path = format!("{}.rs", module.trim_start_matches("r#"));
            let contents = self.file(&path).map_or("", |f| f.contents.as_str());
            for inner in contents.lines() {
                let inner = match inner.strip_prefix("//!") {
                    Some(doc) => format!("//{doc}"),
                    None => inner.to_owned(),
                };
                if !inner.is_empty() {
                    out.push_str("    ");
                    out.push_str(&inner);
                }
                out.push('\n');
            }
            out.push_str("}\n\n");
        }
        out
    }

    /// Writes [`single_file`](Self::single_file) to `path` (parent directories created), unless
    /// it already holds exactly that. Returns whether it wrote.
    pub fn write_single_file(&self, path: impl AsRef<Path>) -> Result<bool> {
        let path = path.as_ref();
        let contents = self.single_file();
        if std::fs::read(path).is_ok_and(|old| old == contents.as_bytes()) {
            return Ok(false);
        }
        let write_err = |e| Error::Write {
            path: path.to_owned(),
            source: Arc::new(e),
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(write_err)?;
        }
        std::fs::write(path, contents).map_err(write_err)?;
        Ok(true)
    }

    /// Writes the files into `dir` (created if missing). Files whose content is unchanged are not
    /// rewritten, so a `build.rs` does not trigger needless rebuilds. Other files in `dir` are
    /// left alone. Returns how many files were written.
    pub fn write_to(&self, dir: impl AsRef<Path>) -> Result<usize> {
        let dir = dir.as_ref();
        let write_err = |path: &Path| {
            let path = path.to_owned();
            move |e| Error::Write {
                path,
                source: Arc::new(e),
            }
        };
        std::fs::create_dir_all(dir).map_err(write_err(dir))?;
        let mut written = 0;
        for file in &self.files {
            let path = dir.join(&file.path);
            if std::fs::read(&path).is_ok_and(|old| old == file.contents.as_bytes()) {
                continue;
            }
            std::fs::write(&path, &file.contents).map_err(write_err(&path))?;
            written += 1;
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_file_inlines_every_module_without_inner_attributes() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/describes");
        let mut generator = Generator::new(Options::new());
        generator.add_dir(dir).unwrap();
        let output = generator.generate().unwrap();
        let single = output.single_file();
        let file = syn::parse_file(&single).expect("valid Rust");
        assert!(file.attrs.is_empty(), "no inner attributes");
        let modules: Vec<String> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Mod(m) => {
                    assert!(m.content.is_some(), "inline module");
                    Some(m.ident.to_string())
                }
                _ => None,
            })
            .collect();
        assert_eq!(modules.len(), output.files().len() - 1);
        assert!(modules.contains(&"match_".to_owned()));
        assert!(single.contains("    pub struct Task {"));
    }
}
