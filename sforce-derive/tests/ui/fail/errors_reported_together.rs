// Several mistakes: each is reported at its own token, and the fallback impl keeps the use of the
// trait below from adding errors.
use sforce::SObject;

#[derive(sforce::SObject)]
#[sobject(nam = "Task")]
struct CallLog {
    #[external_id(case_insensitive)]
    #[sobject(rename = "uuid__c")]
    uuid: String,
    #[sobject(rename = 42)]
    description: Option<String>,
}

fn main() {
    let _ = CallLog::API_NAME;
}
