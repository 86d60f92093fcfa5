//! The fast path for reading a describe: serde straight into borrowed structs, skipping the JSON
//! value tree. It accepts only input that [`crate::input::parse_value`] accepts and produces the
//! same result; on anything it does not accept it returns `None`, and the caller runs the slow,
//! path-reporting checker on the same bytes to explain the problem.

use std::borrow::Cow;

use serde::Deserialize;

use crate::input::{FieldSpec, ObjectSpec, PicklistValue};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawObject<'a> {
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    label: Option<Cow<'a, str>>,
    custom: Option<bool>,
    #[serde(borrow)]
    key_prefix: Option<Cow<'a, str>>,
    #[serde(borrow)]
    fields: Option<Vec<RawField<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawField<'a> {
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    label: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "type")]
    field_type: Option<Cow<'a, str>>,
    nillable: Option<bool>,
    createable: Option<bool>,
    updateable: Option<bool>,
    defaulted_on_create: Option<bool>,
    unique: Option<bool>,
    case_sensitive: Option<bool>,
    external_id: Option<bool>,
    id_lookup: Option<bool>,
    calculated: Option<bool>,
    auto_number: Option<bool>,
    length: Option<serde_json::Number>,
    precision: Option<serde_json::Number>,
    scale: Option<serde_json::Number>,
    #[serde(borrow)]
    picklist_values: Option<Vec<RawPicklist<'a>>>,
    restricted_picklist: Option<bool>,
    #[serde(borrow)]
    reference_to: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow)]
    relationship_name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    inline_help_text: Option<Cow<'a, str>>,
    #[serde(borrow)]
    compound_field_name: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPicklist<'a> {
    #[serde(borrow)]
    value: Option<Cow<'a, str>>,
    #[serde(borrow)]
    label: Option<Cow<'a, str>>,
    active: Option<bool>,
    default_value: Option<bool>,
}

fn owned(s: Option<Cow<'_, str>>) -> Option<String> {
    s.map(Cow::into_owned)
}

/// An integer as the slow path reads it (integral floats accepted).
fn int(n: Option<serde_json::Number>) -> Option<Option<i64>> {
    match n {
        None => Some(None),
        Some(n) => match n.as_i64() {
            Some(i) => Some(Some(i)),
            None => match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(Some(f as i64)),
                _ => None,
            },
        },
    }
}

/// The describe in `bytes`, if it passes every check of the slow path; `None` otherwise.
pub(crate) fn parse(source: &str, bytes: &[u8]) -> Option<ObjectSpec> {
    // serde_json checks UTF-8 only in the strings it keeps, not in the ones it skips: check all
    // of it first, as the value-tree path does.
    let text = std::str::from_utf8(bytes).ok()?;
    let raw: RawObject<'_> = serde_json::from_str(text).ok()?;
    let name = owned(raw.name)?;
    if !crate::input::is_api_name(&name) {
        return None;
    }
    let mut fields = Vec::with_capacity(raw.fields.as_ref()?.len());
    let mut seen = std::collections::BTreeSet::new();
    for f in raw.fields? {
        let name = owned(f.name)?;
        if !crate::input::is_api_name(&name) || !seen.insert(name.to_ascii_lowercase()) {
            return None;
        }
        let picklist_values = f
            .picklist_values
            .unwrap_or_default()
            .into_iter()
            .map(|p| {
                Some(PicklistValue {
                    value: owned(p.value)?,
                    label: owned(p.label),
                    active: p.active.unwrap_or(true),
                    default_value: p.default_value.unwrap_or(false),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        fields.push(FieldSpec {
            label: owned(f.label).unwrap_or_else(|| name.clone()),
            field_type: owned(f.field_type)?,
            nillable: f.nillable.unwrap_or(false),
            createable: f.createable.unwrap_or(false),
            updateable: f.updateable.unwrap_or(false),
            defaulted_on_create: f.defaulted_on_create.unwrap_or(false),
            unique: f.unique.unwrap_or(false),
            case_sensitive: f.case_sensitive.unwrap_or(false),
            external_id: f.external_id.unwrap_or(false),
            id_lookup: f.id_lookup.unwrap_or(false),
            calculated: f.calculated.unwrap_or(false),
            auto_number: f.auto_number.unwrap_or(false),
            length: int(f.length)?,
            precision: int(f.precision)?,
            scale: int(f.scale)?,
            picklist_values,
            restricted_picklist: f.restricted_picklist.unwrap_or(false),
            reference_to: f
                .reference_to
                .unwrap_or_default()
                .into_iter()
                .map(Cow::into_owned)
                .collect(),
            relationship_name: owned(f.relationship_name),
            inline_help_text: owned(f.inline_help_text),
            compound_field_name: owned(f.compound_field_name),
            name,
        });
    }
    Some(ObjectSpec {
        label: owned(raw.label).unwrap_or_else(|| name.clone()),
        custom: raw.custom.unwrap_or(false),
        key_prefix: owned(raw.key_prefix),
        name,
        fields,
        source: source.to_owned(),
    })
}
