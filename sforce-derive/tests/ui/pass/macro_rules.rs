//! A struct produced by `macro_rules!`: generated locals and `self` must still resolve.
macro_rules! sobject {
    ($name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        #[derive(sforce::SObject)]
        #[sobject(name = "Task")]
        pub struct $name {
            #[external_id]
            #[sobject(rename = "uuid__c")]
            pub uuid: String,
            $(pub $field: $ty,)*
        }
    };
}

sobject!(CallLog {
    description: Option<String>,
    status: sforce::Field<String>,
});

fn main() {
    use sforce::SObject;
    let call = CallLog {
        uuid: "K1".into(),
        description: None,
        status: sforce::Field::Null,
    };
    assert_eq!(call.external_id("uuid__c").as_deref(), Some("K1"));
    assert_eq!(
        serde_json::Value::Object(call.to_write_body().unwrap()),
        serde_json::json!({"uuid__c": "K1", "Status": null})
    );
    let _ = CallLog::get_by_uuid::<&str>;
    let _ = CallLog::FIELD.description;
}
