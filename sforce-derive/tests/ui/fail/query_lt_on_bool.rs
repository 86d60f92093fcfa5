#[derive(sforce::SObject)]
#[sobject(name = "Task")]
pub struct Task {
    #[sobject(id)]
    pub id: Option<sforce::Id>,
    #[sobject(rename = "isTransfer__c")]
    pub is_transfer: Option<bool>,
}

fn main() {
    // Booleans have no order in SOQL: `lt` does not exist for them.
    let _ = Task::select().filter(Task::FIELD.is_transfer.lt(true));
}
