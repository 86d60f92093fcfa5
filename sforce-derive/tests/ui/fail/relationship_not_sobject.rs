#[derive(sforce::SObject)]
#[sobject(name = "Task")]
pub struct Task {
    #[sobject(id)]
    pub id: Option<sforce::Id>,
    // A relationship holds `Option<Parent>` or `QueryResult<Child>` of derived structs.
    #[sobject(relationship)]
    pub owner: Option<String>,
}

fn main() {}
