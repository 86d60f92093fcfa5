//! Bulk API 2.0 CSV: record values as cells, rows in and out, result files, error cells.
//!
//! Cells, as Salesforce reads them:
//!
//! | value | cell |
//! |---|---|
//! | absent (not written) | empty: the field is left unchanged (on insert: not set) |
//! | `null` | `#N/A`: the field is set to null |
//! | text | the text (quoted by the `csv` crate when needed) |
//! | number, boolean | `123`, `1.5`, `true` |
//! | date / datetime / time | as serialized by [`Date`](crate::types::Date), [`DateTime`](crate::types::DateTime) (`2012-07-12T17:49:01.000Z`), [`Time`](crate::types::Time) |
//! | `{"ExtId__c": "K"}` under `Owner` | column `Owner.ExtId__c`, cell `K` (a relationship set by the parent's external ID) |

use serde_json::{Map, Value};

use crate::error::{ApiErrorItem, ErrorCode};
use crate::sobject::json_kind;

/// The cell that sets a field to null.
pub const NULL_CELL: &str = "#N/A";

/// Flattens a write body into `(column, value)` pairs: a nested object under `Rel` becomes
/// `Rel.Field` columns (the REST form of a relationship by external ID); `attributes` keys are
/// dropped.
pub(crate) fn flatten(body: Map<String, Value>) -> Vec<(String, Value)> {
    let mut out = Vec::with_capacity(body.len());
    flatten_into(String::new(), body, &mut out);
    out
}

fn flatten_into(prefix: String, body: Map<String, Value>, out: &mut Vec<(String, Value)>) {
    for (key, value) in body {
        if key == "attributes" {
            continue;
        }
        let column = if prefix.is_empty() {
            key
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Object(inner) => flatten_into(column, inner, out),
            other => out.push((column, other)),
        }
    }
}

/// The cell text of a value; `None` for values that have no CSV form (arrays).
pub(crate) fn cell(value: &Value) -> Result<std::borrow::Cow<'_, str>, String> {
    use std::borrow::Cow;
    match value {
        Value::Null => Ok(Cow::Borrowed(NULL_CELL)),
        Value::String(s) => Ok(Cow::Borrowed(s)),
        Value::Bool(b) => Ok(Cow::Borrowed(if *b { "true" } else { "false" })),
        Value::Number(n) => Ok(Cow::Owned(n.to_string())),
        other => Err(format!("{} has no CSV cell form", json_kind(other))),
    }
}

/// Writes one CSV record (LF line ending) to `out`.
pub(crate) fn write_record<'a>(
    out: &mut Vec<u8>,
    cells: impl IntoIterator<Item = &'a [u8]>,
) -> std::io::Result<()> {
    let mut writer = ::csv::WriterBuilder::new()
        .buffer_capacity(256)
        .from_writer(out);
    writer.write_record(cells)?;
    writer.flush()
}

/// Reads the single CSV record in `line`.
pub(crate) fn read_record(line: &[u8]) -> Option<::csv::ByteRecord> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line);
    let mut record = ::csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => Some(record),
        _ => None,
    }
}

/// A CSV body with a header row, read record by record.
pub(crate) struct CsvTable<'a> {
    headers: Vec<String>,
    reader: ::csv::Reader<&'a [u8]>,
}

impl<'a> CsvTable<'a> {
    /// Parses the header; an empty body is a table without rows.
    pub(crate) fn new(body: &'a [u8]) -> Result<Self, ::csv::Error> {
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(body);
        let headers = if body.is_empty() {
            Vec::new()
        } else {
            reader.headers()?.iter().map(str::to_owned).collect()
        };
        Ok(CsvTable { headers, reader })
    }

    pub(crate) fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The next record, if any.
    pub(crate) fn next_record(&mut self) -> Option<Result<::csv::StringRecord, ::csv::Error>> {
        if self.headers.is_empty() {
            return None;
        }
        let mut record = ::csv::StringRecord::new();
        match self.reader.read_record(&mut record) {
            Ok(true) => Some(Ok(record)),
            Ok(false) => None,
            Err(err) => Some(Err(err)),
        }
    }
}

/// A CSV body with a header row that arrives in chunks (a result file read as it downloads,
/// so that it is never held whole): [`CsvChunks::push`] returns the records a chunk
/// completes, [`CsvChunks::finish`] the rest. A newline inside quotes is data, not a record
/// end (`""` toggles the quote state twice, so escaped quotes keep it right).
#[derive(Debug, Default)]
pub(crate) struct CsvChunks {
    pending: Vec<u8>,
    /// Bytes of `pending` already scanned for record ends.
    scanned: usize,
    in_quotes: bool,
    headers: Option<Vec<String>>,
}

impl CsvChunks {
    /// The header row, once it has arrived.
    pub(crate) fn headers(&self) -> &[String] {
        self.headers.as_deref().unwrap_or_default()
    }

    /// Adds a chunk; returns the records it completed (not the header).
    pub(crate) fn push(&mut self, chunk: &[u8]) -> Result<Vec<::csv::StringRecord>, ::csv::Error> {
        self.pending.extend_from_slice(chunk);
        let mut end = None;
        for (i, &b) in self.pending[self.scanned..].iter().enumerate() {
            match b {
                b'"' => self.in_quotes = !self.in_quotes,
                b'\n' if !self.in_quotes => end = Some(self.scanned + i + 1),
                _ => {}
            }
        }
        self.scanned = self.pending.len();
        let Some(end) = end else {
            return Ok(Vec::new());
        };
        let records = self.parse(end)?;
        self.pending.drain(..end);
        self.scanned -= end;
        Ok(records)
    }

    /// The records after the last newline (a body without a final newline).
    pub(crate) fn finish(&mut self) -> Result<Vec<::csv::StringRecord>, ::csv::Error> {
        let records = self.parse(self.pending.len())?;
        self.pending.clear();
        self.scanned = 0;
        Ok(records)
    }

    fn parse(&mut self, end: usize) -> Result<Vec<::csv::StringRecord>, ::csv::Error> {
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&self.pending[..end]);
        let mut records = Vec::new();
        for record in reader.records() {
            let record = record?;
            if self.headers.is_none() {
                self.headers = Some(record.iter().map(str::to_owned).collect());
            } else {
                records.push(record);
            }
        }
        Ok(records)
    }
}

/// A record of a query result as the JSON object typed decoding reads: empty cells are null,
/// other cells text, and dotted columns (`Owner.Name`) nested objects.
pub(crate) fn record_object(
    headers: &[String],
    record: &::csv::StringRecord,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, text) in headers.iter().zip(record.iter()) {
        let value = if text.is_empty() {
            Value::Null
        } else {
            Value::String(text.to_owned())
        };
        insert_path(&mut out, name, value);
    }
    out
}

fn insert_path(map: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            map.insert(path.to_owned(), value);
        }
        Some((head, rest)) => {
            let slot = map
                .entry(head.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            if let Value::Object(inner) = slot {
                insert_path(inner, rest, value);
            }
        }
    }
}

/// Parses an `sf__Error` cell: `CODE:message`, optionally followed by `:Field1,Field2 --`
/// (the fields the error concerns), as Salesforce writes it.
pub fn parse_error_cell(cell: &str) -> ApiErrorItem {
    let (code, rest) = match cell.split_once(':') {
        Some((code, rest))
            if !code.is_empty()
                && code
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b == b'_' || b.is_ascii_digit()) =>
        {
            (code, rest)
        }
        _ => return ApiErrorItem::new(ErrorCode::Other("UNKNOWN".into()), cell),
    };
    let mut message = rest;
    let mut fields = Vec::new();
    if let Some(body) = rest.strip_suffix(" --") {
        message = body;
        if let Some((text, list)) = body.rsplit_once(':')
            && (!list.contains(' ') || list.trim().is_empty())
        {
            message = text;
            fields = list
                .split(',')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(str::to_owned)
                .collect();
        }
    }
    ApiErrorItem::new(ErrorCode::from_wire(code), message).with_fields(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cells_and_relationships() {
        let body = json!({"Subject": "a,b \"q\"", "Done__c": true, "N": 1.5, "Gone": null,
            "Owner": {"attributes": {"type": "User"}, "Ext__c": "U1"}});
        let Value::Object(map) = body else {
            unreachable!()
        };
        let flat = flatten(map);
        let names: Vec<&str> = flat.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["Subject", "Done__c", "N", "Gone", "Owner.Ext__c"]);
        let cells: Vec<String> = flat
            .iter()
            .map(|(_, v)| cell(v).unwrap().into_owned())
            .collect();
        assert_eq!(cells, ["a,b \"q\"", "true", "1.5", "#N/A", "U1"]);
        assert!(cell(&json!([1])).is_err());
        let mut out = Vec::new();
        write_record(&mut out, cells.iter().map(|c| c.as_bytes())).unwrap();
        assert_eq!(out, b"\"a,b \"\"q\"\"\",true,1.5,#N/A,U1\n");
        let back = read_record(&out).unwrap();
        assert_eq!(&back[0], b"a,b \"q\"");
    }

    #[test]
    fn error_cells() {
        let e =
            parse_error_cell("REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --");
        assert_eq!(e.code, ErrorCode::RequiredFieldMissing);
        assert_eq!(e.message, "Required fields are missing: [Name]");
        assert_eq!(e.fields, ["Name"]);
        let e = parse_error_cell(
            "DUPLICATE_VALUE:duplicate value found: uuid__c duplicates value on record with id: 00T5g0000000001AAA",
        );
        assert_eq!(e.code, ErrorCode::DuplicateValue);
        assert!(e.message.ends_with("00T5g0000000001AAA"));
        assert!(e.fields.is_empty());
        let e = parse_error_cell("something odd");
        assert_eq!(e.message, "something odd");
    }

    #[test]
    fn query_records_nest_relationships() {
        let mut table = CsvTable::new(b"Id,Subject,Owner.Name\n00T1,,Ann\n").unwrap();
        let headers = table.headers().to_vec();
        let record = table.next_record().unwrap().unwrap();
        assert_eq!(
            Value::Object(record_object(&headers, &record)),
            json!({"Id": "00T1", "Subject": null, "Owner": {"Name": "Ann"}})
        );
        assert!(table.next_record().is_none());
    }

    #[test]
    fn chunked_csv_splits_records_at_newlines_outside_quotes() {
        let body = "sf__Id,sf__Error,Subject\n1,\"a\nb\",\"say \"\"hi\"\"\"\n2,,last";
        for size in 1..body.len() {
            let mut rows = CsvChunks::default();
            let mut got = Vec::new();
            for chunk in body.as_bytes().chunks(size) {
                got.extend(rows.push(chunk).unwrap());
            }
            got.extend(rows.finish().unwrap());
            assert_eq!(rows.headers(), ["sf__Id", "sf__Error", "Subject"]);
            let got: Vec<Vec<&str>> = got.iter().map(|r| r.iter().collect()).collect();
            assert_eq!(
                got,
                [vec!["1", "a\nb", "say \"hi\""], vec!["2", "", "last"]],
                "{size}"
            );
        }
    }
}
