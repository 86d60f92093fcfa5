//! `#[sobject(crate = "...")]`: the generated code reaches the runtime through another path
//! (for a crate that re-exports sforce under another name).
mod reexport {
    pub use ::sforce as renamed;
}

use reexport::renamed::SObject;

#[derive(reexport::renamed::SObject)]
#[sobject(name = "Account", crate = "crate::reexport::renamed")]
pub struct Account {
    #[external_id]
    #[sobject(rename = "AccountNumber")]
    pub number: String,
    pub name: String,
}

fn main() {
    assert_eq!(Account::API_NAME, "Account");
    assert_eq!(Account::FIELD.name.api_name(), "Name");
}
