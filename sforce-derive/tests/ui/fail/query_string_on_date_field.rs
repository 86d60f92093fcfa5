#[derive(sforce::SObject)]
#[sobject(name = "Task")]
pub struct Task {
    #[sobject(id)]
    pub id: Option<sforce::Id>,
    pub activity_date: Option<sforce::Date>,
}

fn main() {
    // A date field compares with a `Date`, never with text.
    let _ = Task::select().filter(Task::FIELD.activity_date.eq("2021-07-20"));
}
