#[derive(sforce::SObject)]
enum CallType {
    Inbound,
    Outbound,
}

fn main() {}
