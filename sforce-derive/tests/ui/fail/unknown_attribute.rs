#[derive(sforce::SObject)]
struct Reading {
    #[sobject(rename = "Sensor__c", readonly)]
    sensor: String,
}

fn main() {}
