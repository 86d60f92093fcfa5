#[derive(sforce::SObject)]
struct Reading {
    #[external_id]
    #[sobject(rename = "Sensor__c")]
    sensor: f64,
}

fn main() {}
