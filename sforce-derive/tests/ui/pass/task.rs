//! The seed's Task with every attribute form and the generated API used.
use sforce::{DateTime, Field, Id, Patch, SObject};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum CallType {
    Inbound,
    Internal,
    Outbound,
}

#[derive(sforce::SObject)]
#[sobject(name = "Task")]
pub struct CallLog {
    #[sobject(id)]
    pub id: Option<Id>,
    #[external_id]
    #[sobject(rename = "uuid__c")]
    pub uuid: String,
    #[external_id(case_sensitive)]
    #[sobject(rename = "Code__c")]
    pub code: Option<String>,
    pub description: Option<String>,
    pub call_type: Option<CallType>,
    pub call_duration_in_seconds: Option<i32>,
    pub status: Field<String>,
    #[sobject(read_only)]
    pub created_date: Option<DateTime>,
    #[sobject(skip)]
    pub local_only: u32,
}

async fn use_it(
    client: &sforce::client::Client,
    call: &CallLog,
    id: &Id,
) -> sforce::error::Result<()> {
    let _ = call.upsert_by_uuid(client).await?;
    let _ = call.upsert_by_code(client).await?;
    let _: CallLog = CallLog::get_by_id(client, id).await?;
    let _: CallLog = CallLog::get_by_uuid(client, "K1").await?;
    let _: CallLog = CallLog::get_by_code(client, String::from("c")).await?;
    let patch: Patch<CallLog> = CallLog::patch()
        .set(CallLog::FIELD.description, "x")
        .set(CallLog::FIELD.call_type, CallType::Outbound)
        .null(CallLog::FIELD.call_duration_in_seconds)
        .field(CallLog::FIELD.status, Field::Unchanged);
    patch.update(client, id).await?;
    patch.upsert(client, CallLog::FIELD.uuid, "K1").await?;
    Ok(())
}

fn assert_send<T: Send>(_: T) {}

fn main() {
    assert_eq!(CallLog::API_NAME, "Task");
    assert_eq!(CallLog::FIELDS.len(), 8);
    assert!(CallLog::field("uuid__c").unwrap().is_external_id());
    assert!(CallLog::field("code__c").unwrap().is_case_sensitive());
    assert!(CallLog::field("CreatedDate").unwrap().is_read_only());
    assert_eq!(
        CallLog::field("CallDurationInSeconds").unwrap().rust_name(),
        "call_duration_in_seconds"
    );
    let client = sforce::client::Client::builder()
        .instance_url("http://127.0.0.1:1")
        .access_token("t")
        .build()
        .unwrap();
    let call = CallLog {
        id: None,
        uuid: "K1".into(),
        code: None,
        description: Some("d".into()),
        call_type: None,
        call_duration_in_seconds: Some(5),
        status: Field::Null,
        created_date: None,
        local_only: 7,
    };
    let id = Id::new("00T000000000001EAA").unwrap();
    assert_send(use_it(&client, &call, &id));
    let body = call.to_write_body().unwrap();
    assert_eq!(
        serde_json::Value::Object(body),
        serde_json::json!({"uuid__c": "K1", "Description": "d", "CallDurationInSeconds": 5, "Status": null})
    );
}
