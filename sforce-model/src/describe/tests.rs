//! Unit tests of the describe model (split out of `describe.rs` to keep it short).

use super::*;
use serde_json::json;

const OWNER_ID: &str = r#"{"name":"OwnerId","type":"reference","length":18,"nillable":false,
    "createable":true,"updateable":true,"defaultedOnCreate":true,"unique":false,
    "caseSensitive":false,"externalId":false,"idLookup":false,"referenceTo":["Group","User"],
    "relationshipName":"Owner","polymorphicForeignKey":true,"picklistValues":[],
    "calculated":false,"autoNumber":false,"precision":0,"scale":0,"digits":0,
    "soapType":"tns:ID","label":"Assigned To","inlineHelpText":null}"#;

#[test]
fn parses_a_real_field() {
    let f: FieldDescribe = serde_json::from_str(OWNER_ID).unwrap();
    assert_eq!(f.name, "OwnerId");
    assert_eq!(f.label, "Assigned To");
    assert_eq!(f.field_type, FieldType::Reference);
    assert_eq!(f.length, 18);
    assert!(f.createable && f.updateable && f.defaulted_on_create && !f.nillable);
    assert!(!f.is_required_on_create());
    assert_eq!(f.reference_to, ["Group", "User"]);
    assert_eq!(f.relationship_name.as_deref(), Some("Owner"));
    assert!(f.polymorphic_foreign_key);
    assert_eq!(f.soap_type.as_deref(), Some("tns:ID"));
    assert_eq!(f.inline_help_text, None);
    assert!(f.extra.is_empty(), "all keys are modelled: {:?}", f.extra);
}

#[test]
fn unknown_type_and_keys_are_kept_and_round_trip() {
    let json = json!({"name":"Geo__c","type":"hologram","length":0,"sparkle":{"a":[1,2]}});
    let f: FieldDescribe = serde_json::from_value(json).unwrap();
    assert_eq!(f.field_type, FieldType::Unknown("hologram".into()));
    assert_eq!(f.extra["sparkle"], json!({"a":[1,2]}));
    let back = serde_json::to_value(&f).unwrap();
    assert_eq!(back["type"], "hologram");
    assert_eq!(back["sparkle"], json!({"a":[1,2]}));
    let again: FieldDescribe = serde_json::from_value(back).unwrap();
    assert_eq!(again, f);
}

#[test]
fn missing_and_null_keys_default() {
    let f: FieldDescribe = serde_json::from_value(
        json!({"name":"X","type":"string","length":null,"picklistValues":null}),
    )
    .unwrap();
    assert_eq!(f.field_type, FieldType::String);
    assert_eq!(f.length, 0);
    assert!(f.picklist_values.is_empty());
    assert!(!f.createable && !f.unique && !f.case_sensitive);
    let d: SObjectDescribe = serde_json::from_value(json!({"name":"Thing"})).unwrap();
    assert_eq!(d, SObjectDescribe::new("Thing"));
    assert!(serde_json::from_value::<SObjectDescribe>(json!({"label":"no name"})).is_err());
    // A field's name and type are required; an entry without `active` is active.
    assert!(serde_json::from_value::<FieldDescribe>(json!({"name":"X"})).is_err());
    let e: PicklistEntry = serde_json::from_value(json!({"value":"A","active":null})).unwrap();
    assert!(e.active);
    // Counts accept integral floats (re-serialized describes) but nothing else.
    let f: FieldDescribe =
        serde_json::from_value(json!({"name":"X","type":"string","length":255.0})).unwrap();
    assert_eq!(f.length, 255);
    assert!(
        serde_json::from_value::<FieldDescribe>(json!({"name":"X","type":"int","scale":1.5}))
            .is_err()
    );
}

#[test]
fn every_known_type_round_trips_through_its_wire_name() {
    for (name, ty) in FieldType::KNOWN {
        assert_eq!(ty.as_str(), *name);
        assert_eq!(FieldType::from_wire(name), *ty);
        let v = serde_json::to_value(ty).unwrap();
        assert_eq!(serde_json::from_value::<FieldType>(v).unwrap(), *ty);
    }
    assert_eq!(FieldType::from_wire("anytype"), FieldType::AnyType);
    assert_eq!(
        "datetime".parse::<FieldType>().unwrap(),
        FieldType::Datetime
    );
    assert_eq!(FieldType::Unknown("x".into()).to_string(), "x");
}

#[test]
fn sobject_describe_with_nested_parts() {
    let json = json!({
        "name":"Task","label":"Task","labelPlural":"Tasks","custom":false,"createable":true,
        "updateable":true,"deletable":true,"queryable":true,"keyPrefix":"00T",
        "fields":[serde_json::from_str::<Value>(OWNER_ID).unwrap(),
            {"name":"Status","type":"picklist","restrictedPicklist":true,"picklistValues":[
                {"value":"Completed","label":"Completed","active":true,"defaultValue":false,"validFor":null},
                {"value":"Old","label":"Old","active":false,"defaultValue":false}]}],
        "childRelationships":[{"childSObject":"Attachment","field":"ParentId",
            "relationshipName":"Attachments","cascadeDelete":true,"deprecatedAndHidden":false}],
        "recordTypeInfos":[{"name":"Master","available":true,"master":true,
            "recordTypeId":"012000000000000AAA","developerName":"Master"}],
        "urls":{"sobject":"/services/data/v62.0/sobjects/Task"},
        "layoutable":true
    });
    let d: SObjectDescribe = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(d.properties.label_plural.as_deref(), Some("Tasks"));
    assert_eq!(d.properties.key_prefix.as_deref(), Some("00T"));
    assert_eq!(
        d.field("status").unwrap().active_picklist_values().count(),
        1
    );
    assert!(d.field("Status").unwrap().restricted_picklist);
    assert_eq!(d.child_relationships[0].child_sobject, "Attachment");
    assert!(d.child_relationships[0].cascade_delete);
    assert!(!d.child_relationships[0].deprecated_and_hidden);
    assert!(d.record_type_infos[0].master);
    assert_eq!(
        d.properties.urls["sobject"],
        "/services/data/v62.0/sobjects/Task"
    );
    assert!(d.properties.layoutable);
    assert!(d.field("Nope").is_none());
    let back: SObjectDescribe = serde_json::from_value(serde_json::to_value(&d).unwrap()).unwrap();
    assert_eq!(back, d);
    let g = GlobalSObject::from_describe(&d);
    assert_eq!((g.name.as_str(), g.properties.queryable), ("Task", true));
}

#[test]
fn global_describe() {
    let g: GlobalDescribe = serde_json::from_value(json!({
        "encoding":"UTF-8","maxBatchSize":200,
        "sobjects":[{"name":"Account","label":"Account","custom":false,"queryable":true,
            "keyPrefix":"001","activateable":false}]}))
    .unwrap();
    assert_eq!((g.encoding.as_str(), g.max_batch_size), ("UTF-8", 200));
    assert_eq!(g.sobjects[0].properties.key_prefix.as_deref(), Some("001"));
    assert!(!g.sobjects[0].properties.activateable);
    assert!(g.sobjects[0].extra.is_empty());
}

#[test]
fn builders_in_code() {
    let mut f = FieldDescribe::new("Name", FieldType::String);
    f.createable = true;
    assert!(f.is_required_on_create());
    f.nillable = true;
    assert!(!f.is_required_on_create());
    assert_eq!(PicklistEntry::new("Open").label.as_deref(), Some("Open"));
}
