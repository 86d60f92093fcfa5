//! `#[derive(SObject)]` for sforce. Use it through the `sforce` crate.
extern crate proc_macro;
