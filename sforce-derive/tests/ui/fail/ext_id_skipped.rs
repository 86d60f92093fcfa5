#[derive(sforce::SObject)]
#[sobject(name = "Task")]
struct CallLog {
    #[external_id]
    #[sobject(skip)]
    uuid: String,
    description: Option<String>,
}

fn main() {}
