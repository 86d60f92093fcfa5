//! The emulator's schema: the describes it serves and validates against.
//!
//! Built in: the standard objects integrations touch most, `Task`, `Account`, `Contact`, `Lead`,
//! `Opportunity`, `Case`, `Event` and `User` (JSON files under `sforce-emulator/describes/`,
//! written from Salesforce's Object Reference by `describes/gen_describes.py`, compiled in).
//! Users add or replace objects with their own describe JSON.

use std::sync::Arc;
use std::time::SystemTime;

use serde_json::Value;
use sforce_core::describe::{GlobalDescribe, GlobalSObject, SObjectDescribe};

/// The built-in describe files, compiled into the emulator.
const BUILTIN: &[(&str, &str)] = &[
    ("Task.json", include_str!("../describes/Task.json")),
    ("Account.json", include_str!("../describes/Account.json")),
    ("Contact.json", include_str!("../describes/Contact.json")),
    ("Lead.json", include_str!("../describes/Lead.json")),
    (
        "Opportunity.json",
        include_str!("../describes/Opportunity.json"),
    ),
    ("Case.json", include_str!("../describes/Case.json")),
    ("Event.json", include_str!("../describes/Event.json")),
    ("User.json", include_str!("../describes/User.json")),
];

/// The built-in describes (Task, Account, Contact, Lead, Opportunity, Case, Event, User), parsed.
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
    /// When the describes were loaded: what `If-Modified-Since` is compared with.
    loaded_at: Option<SystemTime>,
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
            .filter_map(|o| o.properties.key_prefix.clone())
            .collect();
        let mut next_prefix = 0u32;
        for o in &mut objects {
            if o.properties
                .key_prefix
                .as_deref()
                .is_none_or(|p| p.len() != 3)
            {
                let prefix = loop {
                    let candidate = format!("a{next_prefix:02}");
                    next_prefix += 1;
                    if !taken.contains(&candidate) && !is_standard_prefix(&candidate) {
                        break candidate;
                    }
                };
                taken.push(prefix.clone());
                o.properties.key_prefix = Some(prefix);
            }
        }
        Schema {
            objects: objects.into_iter().map(Arc::new).collect(),
            loaded_at: Some(SystemTime::now()),
        }
    }

    /// When the schema last changed (it is fixed at start).
    pub(crate) fn modified_at(&self) -> SystemTime {
        self.loaded_at.unwrap_or(SystemTime::UNIX_EPOCH)
    }

    /// The describe of `name` (case-insensitive).
    pub(crate) fn get(&self, name: &str) -> Option<&Arc<SObjectDescribe>> {
        self.objects
            .iter()
            .find(|o| o.name.eq_ignore_ascii_case(name))
    }

    /// The describe whose key prefix starts `id`.
    pub(crate) fn by_id_prefix(&self, id: &str) -> Option<&Arc<SObjectDescribe>> {
        self.objects.iter().find(|o| {
            o.properties
                .key_prefix
                .as_deref()
                .is_some_and(|p| id.starts_with(p))
        })
    }

    /// Every describe, in load order.
    pub(crate) fn all(&self) -> &[Arc<SObjectDescribe>] {
        &self.objects
    }

    /// The global describe of this schema, for API version `version`: one entry per object.
    pub(crate) fn global(&self, version: u32) -> GlobalDescribe {
        let mut g = GlobalDescribe::default();
        g.encoding = "UTF-8".into();
        g.max_batch_size = 200;
        g.sobjects = self
            .objects
            .iter()
            .map(|o| global_entry(o, version))
            .collect();
        g
    }
}

/// One global-describe entry: the describe's own top-level keys (the 28 keys real orgs send,
/// see `GlobalSObject`) with `urls` for the requested version.
pub(crate) fn global_entry(describe: &SObjectDescribe, version: u32) -> GlobalSObject {
    let mut entry = GlobalSObject::from_describe(describe);
    let base = format!("/services/data/v{version}.0/sobjects/{}", describe.name);
    entry.properties.urls = [
        ("rowTemplate", format!("{base}/{{ID}}")),
        (
            "defaultValues",
            format!("{base}/defaultValues?recordTypeId&fields"),
        ),
        ("describe", format!("{base}/describe")),
        ("sobject", base.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), Value::String(v)))
    .collect();
    entry
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
        assert_eq!(task.properties.key_prefix.as_deref(), Some("00T"));
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
        for name in ["Contact", "Lead", "Opportunity", "Case", "Event", "User"] {
            assert!(schema.get(name).is_some(), "{name} is built in");
        }
    }

    #[test]
    fn later_describe_replaces_and_prefix_is_generated() {
        let mut custom = SObjectDescribe::new("Invoice__c");
        custom.properties.custom = true;
        let schema = Schema::new(
            builtin_describes()
                .into_iter()
                .chain([custom, SObjectDescribe::new("task")]),
        );
        assert_eq!(schema.all().len(), builtin_describes().len() + 1);
        assert!(schema.get("Task").unwrap().fields.is_empty());
        assert_eq!(
            schema
                .get("invoice__c")
                .unwrap()
                .properties
                .key_prefix
                .as_deref(),
            Some("a00")
        );
    }
}
