#[derive(sforce::SObject)]
#[sobject(name = "Task")]
struct CallLog {
    description: Option<String>,
    #[sobject(rename = "description")]
    notes: Option<String>,
}

fn main() {}
