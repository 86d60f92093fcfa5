//! One CSV row of an ingest job applied to the store, with the same describe-driven checks as
//! REST writes: `validate::check_record` (values, references, field-level security), then the
//! same create / update / upsert commit paths (required fields, unique index).

use serde_json::{Map, Value};
use sforce_core::describe::{FieldDescribe, SObjectDescribe};

use crate::api_error::ApiError;
use crate::handlers::records::{apply_update, insert_new, resolve_id};
use crate::handlers::upsert::{Plan, commit_upsert, in_flight_key, plan_upsert};
use crate::state::State;
use crate::store::normalize;
use crate::validate::{Operation, check_record, check_references, check_values};

/// The cell that sets a field to null.
pub(crate) const NULL_CELL: &str = "#N/A";

/// A column of the upload: a field, or a parent set by one of its external IDs
/// (`Owner.ExtId__c`).
#[derive(Debug, Clone)]
pub(crate) enum Column {
    Field(String),
    Parent {
        /// The reference field (`OwnerId`).
        field: String,
        /// The objects it may point to.
        targets: Vec<String>,
        /// The parent's external-ID field.
        parent_field: String,
    },
}

/// Resolves the header against the describe; the first unknown column is the error message
/// Salesforce puts in `errorMessage` (`InvalidBatch : Field name not found : X`).
pub(crate) fn columns(
    describe: &SObjectDescribe,
    header: &[String],
) -> Result<Vec<Column>, String> {
    header
        .iter()
        .map(|name| {
            let not_found = || format!("InvalidBatch : Field name not found : {name}");
            match name.split_once('.') {
                None => describe
                    .field(name)
                    .map(|f| Column::Field(f.name.clone()))
                    .ok_or_else(not_found),
                Some((relationship, parent_field)) => describe
                    .fields
                    .iter()
                    .find(|f| {
                        f.relationship_name
                            .as_deref()
                            .is_some_and(|r| r.eq_ignore_ascii_case(relationship))
                    })
                    .map(|f| Column::Parent {
                        field: f.name.clone(),
                        targets: f.reference_to.clone(),
                        parent_field: parent_field.to_owned(),
                    })
                    .ok_or_else(not_found),
            }
        })
        .collect()
}

/// What a processed row did.
pub(crate) struct Applied {
    pub(crate) id: String,
    pub(crate) created: bool,
}

/// A failed row: the error and the record Id when one is known.
pub(crate) struct RowError {
    pub(crate) id: String,
    pub(crate) error: ApiError,
}

impl From<ApiError> for RowError {
    fn from(error: ApiError) -> Self {
        RowError {
            id: String::new(),
            error,
        }
    }
}

/// The `sf__Error` cell: `CODE:message`, then `:Field1,Field2 --` when the error names fields.
pub(crate) fn error_cell(error: &ApiError) -> String {
    match error.fields.as_deref() {
        Some(fields) if !fields.is_empty() => {
            format!("{}:{}:{} --", error.code, error.message, fields.join(","))
        }
        _ => format!("{}:{}", error.code, error.message),
    }
}

/// The JSON body a row stands for: empty cells left out, `#N/A` null, parents resolved.
fn body(
    state: &State,
    columns: &[Column],
    cells: &csv::StringRecord,
) -> Result<Map<String, Value>, ApiError> {
    let mut body = Map::new();
    for (column, cell) in columns.iter().zip(cells.iter()) {
        if cell.is_empty() {
            continue;
        }
        let value = if cell == NULL_CELL {
            Value::Null
        } else {
            Value::String(cell.to_owned())
        };
        match column {
            Column::Field(name) => {
                body.insert(name.clone(), value);
            }
            Column::Parent {
                field,
                targets,
                parent_field,
            } => {
                let id = if value.is_null() {
                    Value::Null
                } else {
                    Value::String(find_parent(state, targets, parent_field, cell)?)
                };
                body.insert(field.clone(), id);
            }
        }
    }
    Ok(body)
}

fn find_parent(
    state: &State,
    targets: &[String],
    parent_field: &str,
    value: &str,
) -> Result<String, ApiError> {
    for target in targets {
        let Some(describe) = state.schema.get(target) else {
            continue;
        };
        let Some(field) = describe
            .field(parent_field)
            .filter(|f| f.external_id || f.id_lookup)
        else {
            continue;
        };
        let key = normalize(field, &Value::String(value.to_owned())).unwrap_or_default();
        if let Some(id) = state.store.find(describe, field, &key).into_iter().next() {
            return Ok(id);
        }
    }
    Err(ApiError::invalid_field_message(
        format!(
            "Foreign key external ID: {value} not found for field {parent_field} in entity {}",
            targets.join(", ")
        ),
        parent_field,
    ))
}

/// Applies one row of a job's `operation`.
pub(crate) fn apply(
    state: &State,
    describe: &SObjectDescribe,
    operation: &str,
    key_field: Option<&FieldDescribe>,
    columns: &[Column],
    cells: &csv::StringRecord,
) -> Result<Applied, RowError> {
    let mut body = body(state, columns, cells)?;
    match operation {
        "insert" => {
            let changes = check_record(state, describe, &body, b"", Operation::Create)?;
            let id = insert_new(state, describe, &changes)?;
            Ok(Applied { id, created: true })
        }
        "upsert" => {
            let field = key_field.expect("upsert jobs have a key field");
            let key_value = body
                .get(&field.name)
                .filter(|v| v.is_string())
                .cloned()
                .ok_or_else(|| ApiError::required_missing(&[&field.name]))?;
            let _in_flight = state
                .in_flight
                .enter(in_flight_key(describe, field, &key_value));
            let changes = check_values(describe, &body, b"")?;
            check_references(state, describe, &changes)?;
            // The same lookup and commit as REST and collection upserts, without the commit
            // window: a job's rows hold distinct keys (duplicates fail before this).
            let plan = plan_upsert(state, describe, field, &key_value, changes, false)?;
            let target = match &plan {
                Plan::Update { id, .. } => id.clone(),
                _ => String::new(),
            };
            let done = commit_upsert(state, describe, plan).map_err(|e| with_id(e, &target))?;
            Ok(Applied {
                id: done.id,
                created: done.created,
            })
        }
        "update" => {
            let id = record_id(describe, &mut body)?;
            let changes = check_record(state, describe, &body, b"", Operation::Update)
                .map_err(|e| with_id(e, &id))?;
            if !state.store.contains(describe, &id) {
                return Err(with_id(ApiError::entity_is_deleted(), &id));
            }
            apply_update(state, describe, &id, changes).map_err(|e| with_id(e, &id))?;
            Ok(Applied { id, created: false })
        }
        _ => {
            // delete, hardDelete (the emulator has no recycle bin).
            let id = record_id(describe, &mut body)?;
            if state.store.delete(describe, &id) {
                Ok(Applied { id, created: false })
            } else {
                Err(with_id(ApiError::entity_is_deleted(), &id))
            }
        }
    }
}

fn with_id(error: ApiError, id: &str) -> RowError {
    RowError {
        id: id.to_owned(),
        error,
    }
}

fn record_id(
    describe: &SObjectDescribe,
    body: &mut Map<String, Value>,
) -> Result<String, RowError> {
    let value = body
        .remove("Id")
        .and_then(|v| v.as_str().map(str::to_owned))
        .ok_or_else(|| ApiError::required_missing(&["Id"]))?;
    Ok(resolve_id(describe, &value)?)
}
