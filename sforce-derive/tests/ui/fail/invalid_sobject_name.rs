#[derive(sforce::SObject)]
#[sobject(name = "Invoice___c")]
struct Invoice {
    #[sobject(rename = "Total__c")]
    total: Option<f64>,
}

fn main() {}
