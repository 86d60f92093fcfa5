//! Every Salesforce value type as a field, integer and text external IDs, and the write body.
use sforce::{Date, DateTime, Field, Id, SObject, Time};

#[derive(Debug, sforce::SObject)]
#[sobject(name = "Everything__c")]
pub struct Everything {
    #[sobject(id)]
    pub record_id: Option<Id>,
    #[external_id]
    #[sobject(rename = "Number__c")]
    pub number: u64,
    #[external_id(case_sensitive)]
    #[sobject(rename = "Email__c")]
    pub email: Option<String>,
    #[external_id]
    #[sobject(rename = "Signed__c")]
    pub signed: Option<i64>,
    pub name: String,
    #[sobject(rename = "Flag__c")]
    pub flag: bool,
    #[sobject(rename = "Count__c")]
    pub count: Option<i32>,
    #[sobject(rename = "Amount__c")]
    pub amount: Option<f64>,
    #[sobject(rename = "Due__c")]
    pub due: Option<Date>,
    #[sobject(rename = "At__c")]
    pub at: Field<DateTime>,
    #[sobject(rename = "Opens__c")]
    pub opens: Option<Time>,
    pub owner_id: Option<Id>,
    #[sobject(rename = "Tags__c")]
    pub tags: Option<String>,
    #[sobject(rename = "Raw__c")]
    pub raw: Option<serde_json::Value>,
    pub r#type: Option<String>,
    #[sobject(read_only)]
    pub is_deleted: bool,
    #[sobject(read_only, rename = "Formula__c")]
    pub formula: Option<f64>,
}

fn main() {
    let record = Everything {
        record_id: None,
        number: 42,
        email: Some("a@b.c".into()),
        signed: None,
        name: "n".into(),
        flag: true,
        count: None,
        amount: Some(1.5),
        due: Some("2021-07-20".parse().unwrap()),
        at: Field::Set("2012-07-12T17:49:01.000+0000".parse().unwrap()),
        opens: Some("08:30:00Z".parse().unwrap()),
        owner_id: Some(Id::new("005000000000001AAA").unwrap()),
        tags: None,
        raw: Some(serde_json::json!({"a": 1})),
        r#type: Some("T".into()),
        is_deleted: false,
        formula: Some(2.0),
    };
    let body = record.to_write_body().unwrap();
    assert_eq!(
        serde_json::Value::Object(body),
        serde_json::json!({
            "Number__c": 42, "Email__c": "a@b.c", "Name": "n", "Flag__c": true, "Amount__c": 1.5,
            "Due__c": "2021-07-20", "At__c": "2012-07-12T17:49:01.000Z", "Opens__c": "08:30:00.000Z",
            "OwnerId": "005000000000001AAA", "Raw__c": {"a": 1}, "Type": "T"
        })
    );
    assert_eq!(record.external_id("number__c").as_deref(), Some("42"));
    assert_eq!(record.external_id("Signed__c"), None);
    assert_eq!(Everything::external_id_fields().count(), 3);
    assert_eq!(Everything::id_field().unwrap().rust_name(), "record_id");
    let _ = Everything::FIELD.r#type;

    let read = Everything::from_value(serde_json::json!({
        "attributes": {"type": "Everything__c"},
        "Id": "a00000000000001AAA", "Number__c": 42.0, "Name": "n", "Flag__c": false,
        "At__c": null, "IsDeleted": true, "Formula__c": 3.0
    }))
    .unwrap();
    // A Number external ID reads back as a double (42.0) and still decodes into `u64`.
    assert_eq!(read.number, 42);
    assert_eq!(read.record_id.unwrap().as_str(), "a00000000000001AAA");
    assert!(read.at.is_null());
    assert!(read.is_deleted);
    assert_eq!(read.formula, Some(3.0));
    assert_eq!(read.count, None);
    let err =
        Everything::from_value(serde_json::json!({"Number__c": "x", "Name": "n"})).unwrap_err();
    assert_eq!(err.field, Some("Number__c"));
}
