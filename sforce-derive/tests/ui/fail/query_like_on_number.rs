#[derive(sforce::SObject)]
#[sobject(name = "Task")]
pub struct Task {
    #[sobject(id)]
    pub id: Option<sforce::Id>,
    pub call_duration_in_seconds: Option<i32>,
}

fn main() {
    // LIKE applies to text fields only.
    let _ = Task::select().filter(Task::FIELD.call_duration_in_seconds.contains("9"));
}
