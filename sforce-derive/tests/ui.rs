//! trybuild: compile-fail cases (one misuse per file, with the expected `.stderr`) and pass
//! cases for `#[derive(SObject)]`. Regenerate the `.stderr` files with `TRYBUILD=overwrite`
//! and review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
