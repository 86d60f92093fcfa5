#[derive(sforce::SObject)]
struct Reading {
    #[sobject(rename = "Sensor__c")]
    #[sobject(rename = "Probe__c")]
    sensor: String,
}

fn main() {}
