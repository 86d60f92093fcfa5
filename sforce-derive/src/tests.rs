//! Expansion snapshot: the derive run over `proc_macro2` tokens, formatted with prettyplease and
//! compared with `snapshots/call_log.expanded.rs`. Set `TRYBUILD=overwrite` (the
//! workspace's one bless variable, shared with trybuild) to rewrite it.

use std::path::Path;

use quote::quote;

use crate::expand::derive_sobject;

fn expand_pretty(input: proc_macro2::TokenStream) -> String {
    let output = derive_sobject(input);
    let file: syn::File = syn::parse2(output).expect("expansion parses as a file");
    prettyplease::unparse(&file)
}

pub(crate) fn check_snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("snapshots")
        .join(format!("{name}.expanded.rs"));
    if std::env::var("TRYBUILD").is_ok_and(|v| v == "overwrite") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing snapshot {}; run with TRYBUILD=overwrite",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "expansion differs from {} (run with TRYBUILD=overwrite and review the diff):\n{actual}",
        path.display()
    );
}

#[test]
fn call_log_expansion() {
    let input = quote! {
        #[sobject(name = "Task")]
        pub struct CallLog {
            #[sobject(id)]
            pub id: Option<sforce::Id>,
            #[external_id]
            #[sobject(rename = "uuid__c")]
            pub uuid: String,
            #[external_id(case_sensitive)]
            #[sobject(rename = "Code__c")]
            pub code: Option<String>,
            pub description: Option<String>,
            pub status: sforce::Field<String>,
            pub call_duration_in_seconds: i32,
            #[sobject(read_only)]
            pub created_date: Option<sforce::DateTime>,
            #[sobject(skip)]
            pub local_only: u32,
        }
    };
    check_snapshot("call_log", &expand_pretty(input));
}

#[test]
fn generic_expansion() {
    let input = quote! {
        struct Wrapper<'a, T> where T: Clone {
            #[external_id]
            #[sobject(rename = "Key__c")]
            key: std::borrow::Cow<'a, str>,
            #[sobject(rename = "Value__c")]
            value: Option<T>,
        }
    };
    check_snapshot("generic", &expand_pretty(input));
}

#[test]
fn errors_are_collected_with_a_fallback_impl() {
    let input = quote! {
        #[sobject(nme = "Task")]
        struct Broken {
            #[sobject(rename = "Bad Name")]
            a: String,
            #[external_id]
            #[sobject(skip)]
            b: String,
            #[sobject(rename = "A")]
            c: String,
        }
    };
    let output = derive_sobject(input).to_string();
    assert_eq!(output.matches("compile_error").count(), 3, "{output}");
    assert!(
        output.contains("unknown sobject attribute `nme`"),
        "{output}"
    );
    assert!(output.contains("cannot be skipped"), "{output}");
    assert!(output.contains("not a valid API name"), "{output}");
    assert!(output.contains("SObject for Broken"), "{output}");
}
