//! The emulator's schema: the describes it serves and validates against.
//!
//! Built in: `Task` and `Account` (JSON files under `sforce-emulator/describes/`, compiled in).
//! Users add or replace objects with their own describe JSON.

use std::sync::Arc;

use sforce_core::describe::{GlobalDescribe, GlobalSObject, SObjectDescribe};

/// The built-in describe files, compiled into the emulator.
const BUILTIN: &[(&str, &str)] = &[
    ("Task.json", include_str!("../describes/Task.json")),
    ("Account.json", include_str!("../describes/Account.json")),
];

/// The built-in describes (Task, Account), parsed.
pub fn builtin_describes() -> Vec<SObjectDescribe> {
    BUILTIN
        .iter()
        .map(|(file, json)| {
            sforce_model::describe::read::describe(json.as_bytes())
                .unwrap_or_else(|e| panic!("built-in describe {file} is invalid: {e}"))
        })
        .collect()
}

/// The sObjects the emulator knows, looked up case-insensitively by API name or by key prefix.
#[derive(Debug, Clone, Default)]
pub(crate) struct Schema {
    objects: Vec<Arc<SObjectDescribe>>,
}

impl Schema {
    /// Builds a schema; a later describe replaces an earlier one of the same name. Objects
    /// without a key prefix get a generated one (`a00`, `a01`, ...), as custom objects have.
    pub(crate) fn new(describes: impl IntoIterator<Item = SObjectDescribe>) -> Self {
        let mut objects: Vec<SObjectDescribe> = Vec::new();
        for d in describes {
            objects.retain(|o| !o.name.eq_ignore_ascii_case(&d.name));
            objects.push(d);
        }
        let mut taken: Vec<String> = objects
            .iter()
            .filter_map(|o| o.key_prefix.clone())
            .collect();
        let mut next_prefix = 0u32;
        for o in &mut objects {
            if o.key_prefix.as_deref().is_none_or(|p| p.len() != 3) {
                let prefix = loop {
                    let candidate = format!("a{next_prefix:02}");
                    next_prefix += 1;
                    if !taken.contains(&candidate) && !is_standard_prefix(&candidate) {
                        break candidate;
                    }
                };
                taken.push(prefix.clone());
                o.key_prefix = Some(prefix);
            }
        }
        Schema {
            objects: objects.into_iter().map(Arc::new).collect(),
        }
    }

    /// The describe of `name` (case-insensitive).
    pub(crate) fn get(&self, name: &str) -> Option<&Arc<SObjectDescribe>> {
        self.objects
            .iter()
            .find(|o| o.name.eq_ignore_ascii_case(name))
    }

    /// The describe whose key prefix starts `id`.
    pub(crate) fn by_id_prefix(&self, id: &str) -> Option<&Arc<SObjectDescribe>> {
        self.objects
            .iter()
            .find(|o| o.key_prefix.as_deref().is_some_and(|p| id.starts_with(p)))
    }

    /// Every describe, in load order.
    #[cfg(test)]
    pub(crate) fn all(&self) -> &[Arc<SObjectDescribe>] {
        &self.objects
    }

    /// The global describe of this schema.
    pub(crate) fn global(&self) -> GlobalDescribe {
        let mut g = GlobalDescribe::default();
        g.encoding = "UTF-8".into();
        g.max_batch_size = 200;
        g.sobjects = self
            .objects
            .iter()
            .map(|o| GlobalSObject::from_describe(o))
            .collect();
        g
    }
}

/// Key prefixes of standard objects that generated prefixes must avoid.
fn is_standard_prefix(candidate: &str) -> bool {
    matches!(
        candidate,
        "001" | "003" | "005" | "006" | "00Q" | "00T" | "500"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_parse_with_the_seed_fields() {
        let schema = Schema::new(builtin_describes());
        let task = schema.get("task").unwrap();
        assert_eq!(task.key_prefix.as_deref(), Some("00T"));
        let uuid = task.field("uuid__c").unwrap();
        assert!(uuid.unique && uuid.external_id && !uuid.case_sensitive);
        assert!(task.field("Code__c").unwrap().case_sensitive);
        assert!(!task.field("BatchRef__c").unwrap().unique);
        for f in &task.fields {
            assert!(
                f.extra.is_empty() || f.extra.contains_key("custom"),
                "{f:?}"
            );
        }
        assert!(
            schema
                .get("Account")
                .unwrap()
                .field("Name")
                .unwrap()
                .is_required_on_create()
        );
        assert_eq!(schema.by_id_prefix("001xx").unwrap().name, "Account");
    }

    #[test]
    fn later_describe_replaces_and_prefix_is_generated() {
        let mut custom = SObjectDescribe::new("Invoice__c");
        custom.custom = true;
        let schema = Schema::new(
            builtin_describes()
                .into_iter()
                .chain([custom, SObjectDescribe::new("task")]),
        );
        assert_eq!(schema.all().len(), 3);
        assert!(schema.get("Task").unwrap().fields.is_empty());
        assert_eq!(
            schema.get("invoice__c").unwrap().key_prefix.as_deref(),
            Some("a00")
        );
    }
}
