struct NotSerde;

#[derive(sforce::SObject)]
#[sobject(name = "Task")]
struct CallLog {
    #[sobject(rename = "Thing__c")]
    thing: Option<NotSerde>,
}

fn main() {}
