#[derive(sforce::SObject)]
struct CallLog(String, Option<String>);

fn main() {}
