#[derive(sforce::SObject)]
#[sobject(name = "Task")]
pub struct CallLog {
    #[external_id]
    #[sobject(rename = "uuid__c")]
    pub uuid: String,
    pub description: Option<String>,
}

#[derive(sforce::SObject)]
pub struct Account {
    #[external_id]
    #[sobject(rename = "Number__c")]
    pub number: String,
    pub description: Option<String>,
}

fn main() {
    // A token of Account cannot write a CallLog.
    let _ = CallLog::patch().set(Account::FIELD.description, "x");
}
