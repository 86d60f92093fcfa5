//! The `SObject` trait implemented by `#[derive(SObject)]`.
