//! What a derive speaking another version of the generated-code interface would emit (here a
//! future `__private::v2`): against this runtime it fails to compile instead of misbehaving.

struct Call;

impl ::sforce::__private::v2::SObject for Call {}

fn main() {}
