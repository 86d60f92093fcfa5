#[derive(sforce::SObject)]
#[sobject(name = "Task")]
struct CallLog {
    #[sobject(id)]
    id: Option<sforce::Id>,
    #[sobject(id)]
    record_id: Option<sforce::Id>,
}

fn main() {}
