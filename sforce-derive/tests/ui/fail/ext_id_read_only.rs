#[derive(sforce::SObject)]
#[sobject(name = "Task")]
struct CallLog {
    #[external_id]
    #[sobject(rename = "uuid__c", read_only)]
    uuid: String,
    description: Option<String>,
}

fn main() {}
