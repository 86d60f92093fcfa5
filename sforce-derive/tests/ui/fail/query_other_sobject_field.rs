#[derive(sforce::SObject)]
#[sobject(name = "Task")]
pub struct Task {
    #[sobject(id)]
    pub id: Option<sforce::Id>,
    pub subject: Option<String>,
}

#[derive(sforce::SObject)]
#[sobject(name = "Account")]
pub struct Account {
    #[sobject(id)]
    pub id: Option<sforce::Id>,
    pub name: Option<String>,
}

fn main() {
    // A query on Task filters on Task's fields only.
    let _ = Task::select().filter(Account::FIELD.name.eq("Acme"));
}
