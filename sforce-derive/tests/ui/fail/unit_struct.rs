#[derive(sforce::SObject)]
struct Nothing;

fn main() {}
