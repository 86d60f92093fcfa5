#[derive(sforce::SObject)]
#[sobject(name = "Task")]
pub struct CallLog {
    #[sobject(id)]
    pub id: Option<sforce::Id>,
    #[external_id]
    #[sobject(rename = "uuid__c")]
    pub uuid: String,
    #[sobject(read_only)]
    pub created_date: Option<sforce::DateTime>,
}

fn main() {
    // Read-only fields have no write token.
    let _ = CallLog::patch().null(CallLog::FIELD.created_date);
}
