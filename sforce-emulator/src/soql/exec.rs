//! Running a [`Plan`] over the store and rendering records in Salesforce's shape: `attributes`
//! first, then the selected fields in SELECT order; parents nested with their own
//! `attributes` (or `null`), child subqueries as `{"totalSize","done","records"}` (or `null`).

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{Map, Value, json};
use sforce_core::describe::SObjectDescribe;

use super::eval::{Row, parent, passes, sort, stored_value};
use super::plan::{ChildPlan, Column, FieldRef, Hop, Plan, Target};
use crate::handlers::record_url;
use crate::state::State;
use crate::store::Record;

/// The rows of `object` the store holds (with the recycle bin when `include_deleted`), in
/// creation order.
fn stored_rows(state: &State, object: &SObjectDescribe, include_deleted: bool) -> Vec<Row> {
    if include_deleted {
        state
            .store
            .all_with_deleted(object)
            .into_iter()
            .map(|(record, deleted)| Row { record, deleted })
            .collect()
    } else {
        state
            .store
            .all(object)
            .into_iter()
            .map(|record| Row {
                record,
                deleted: false,
            })
            .collect()
    }
}

/// WHERE, ORDER BY, OFFSET and LIMIT applied to `rows`.
fn select(state: &State, plan: &Plan, mut rows: Vec<Row>) -> Vec<Row> {
    if let Some(filter) = &plan.filter {
        rows.retain(|row| passes(state, &plan.object, row, filter));
    }
    sort(state, &plan.object, &mut rows, &plan.order);
    let offset = usize::try_from(plan.offset).unwrap_or(usize::MAX);
    let limit = plan
        .limit
        .map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
    rows.into_iter().skip(offset).take(limit).collect()
}

/// The matching rows of a top-level plan, rendered; for `COUNT()` only the count.
pub(crate) fn execute(
    state: &State,
    plan: &Plan,
    include_deleted: bool,
    version: u32,
) -> (usize, Vec<Value>) {
    let rows = select(
        state,
        plan,
        stored_rows(state, &plan.object, include_deleted),
    );
    if plan.count_only {
        return (rows.len(), Vec::new());
    }
    let children: Vec<Option<HashMap<String, Vec<Row>>>> = plan
        .columns
        .iter()
        .map(|c| match c {
            Column::Child(child) => Some(group_children(state, child, include_deleted)),
            Column::Field(_) => None,
        })
        .collect();
    let renderer = Renderer {
        state,
        version,
        children: &children,
    };
    let records = rows
        .iter()
        .map(|row| renderer.row(plan, row, true))
        .collect();
    (rows.len(), records)
}

/// The child rows of a subquery, grouped by (lower-cased) parent Id.
fn group_children(
    state: &State,
    child: &ChildPlan,
    include_deleted: bool,
) -> HashMap<String, Vec<Row>> {
    let mut groups: HashMap<String, Vec<Row>> = HashMap::new();
    for row in stored_rows(state, &child.plan.object, include_deleted) {
        if let Some(id) = row.record.get(&child.parent_field).and_then(Value::as_str) {
            groups.entry(id.to_ascii_lowercase()).or_default().push(row);
        }
    }
    groups
}

struct Renderer<'a> {
    state: &'a State,
    version: u32,
    /// Per column of the top-level plan: the grouped children of a subquery column.
    children: &'a [Option<HashMap<String, Vec<Row>>>],
}

impl Renderer<'_> {
    fn attributes(&self, object: &str, id: &str) -> Value {
        json!({"type": object, "url": record_url(self.version, object, id)})
    }

    /// One record: `attributes`, then the columns in order.
    fn row(&self, plan: &Plan, row: &Row, top: bool) -> Value {
        let mut out = Map::new();
        out.insert(
            "attributes".into(),
            self.attributes(&plan.object.name, row.id()),
        );
        for (i, column) in plan.columns.iter().enumerate() {
            match column {
                Column::Field(field) => self.field(&plan.object, row, field, &mut out),
                Column::Child(child) => {
                    let group = top
                        .then(|| self.children.get(i))
                        .flatten()
                        .and_then(Option::as_ref)
                        .and_then(|g| g.get(&row.id().to_ascii_lowercase()));
                    let value = self.child(child, group.cloned().unwrap_or_default());
                    out.insert(child.relationship.clone(), value);
                }
            }
        }
        Value::Object(out)
    }

    /// A child subquery's result for one parent, `null` when no child matches.
    fn child(&self, child: &ChildPlan, rows: Vec<Row>) -> Value {
        let rows = select(self.state, &child.plan, rows);
        if rows.is_empty() {
            return Value::Null;
        }
        let records: Vec<Value> = rows
            .iter()
            .map(|row| self.row(&child.plan, row, false))
            .collect();
        json!({"totalSize": records.len(), "done": true, "records": records})
    }

    /// Inserts `field` into `out`, nesting parent records (created on first use).
    fn field(
        &self,
        object: &SObjectDescribe,
        row: &Row,
        field: &FieldRef,
        out: &mut Map<String, Value>,
    ) {
        if field.hops.is_empty() {
            let value = stored_value(&row.record, &field.name, &object.name, false, row.deleted);
            out.insert(field.name.clone(), value);
            return;
        }
        let mut map = out;
        let mut record: Cow<'_, Record> = Cow::Borrowed(&row.record);
        let mut object_name = object.name.clone();
        for hop in &field.hops {
            let found = parent(self.state, &record, hop);
            let entry = map
                .entry(hop.relationship.clone())
                .or_insert_with(|| match &found {
                    Some((d, r)) => {
                        let id = r.get("Id").and_then(Value::as_str).unwrap_or_default();
                        json!({"attributes": self.attributes(&d.name, id)})
                    }
                    None => Value::Null,
                });
            match (found, entry) {
                (Some((d, r)), Value::Object(next)) => {
                    object_name.clone_from(&d.name);
                    record = Cow::Owned(r);
                    map = next;
                }
                _ => return,
            }
        }
        let via_name = matches!(
            field.hops.last(),
            Some(Hop {
                target: Target::Name,
                ..
            })
        );
        let value = stored_value(&record, &field.name, &object_name, via_name, false);
        map.insert(field.name.clone(), value);
    }
}
