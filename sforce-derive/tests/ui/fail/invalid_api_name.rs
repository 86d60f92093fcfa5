#[derive(sforce::SObject)]
#[sobject(name = "Task")]
struct CallLog {
    #[sobject(rename = "Call Started__c")]
    call_started: Option<sforce::DateTime>,
}

fn main() {}
