#[derive(sforce::SObject)]
#[sobject(name = "User")]
pub struct User {
    pub name: Option<String>,
}

#[derive(sforce::SObject)]
#[sobject(name = "Task")]
pub struct Task {
    // A relationship is read through queries, never a key.
    #[external_id]
    #[sobject(relationship)]
    pub owner: Option<User>,
}

fn main() {}
