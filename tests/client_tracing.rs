//! The `tracing` span of every request. Alone in its binary: tracing caches per-callsite
//! interest process-wide, so a scoped subscriber only sees every span when no other test runs
//! concurrently.

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::json;
use support::{client, emulator};

/// Captured spans: name → list of recorded fields.
#[derive(Clone, Default)]
struct Captured {
    spans: Arc<Mutex<Vec<HashMap<String, String>>>>,
    everything: Arc<Mutex<String>>,
}

mod capture {
    use std::collections::HashMap;
    use std::fmt::Debug;

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Subscriber};
    use tracing_subscriber::layer::{Context, Layer};
    use tracing_subscriber::registry::LookupSpan;

    use super::Captured;

    struct Fields(HashMap<String, String>);

    impl Visit for Fields {
        fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
            self.0.insert(field.name().to_owned(), format!("{value:?}"));
        }
        fn record_str(&mut self, field: &Field, value: &str) {
            self.0.insert(field.name().to_owned(), value.to_owned());
        }
    }

    impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Captured {
        fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
            let mut fields = Fields(HashMap::new());
            attrs.record(&mut fields);
            fields
                .0
                .insert("name".into(), attrs.metadata().name().to_owned());
            self.everything
                .lock()
                .unwrap()
                .push_str(&format!("{:?}", fields.0));
            if let Some(span) = ctx.span(id) {
                span.extensions_mut().insert(fields);
            }
        }

        fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
            if let Some(span) = ctx.span(id)
                && let Some(fields) = span.extensions_mut().get_mut::<Fields>()
            {
                values.record(fields);
                self.everything
                    .lock()
                    .unwrap()
                    .push_str(&format!("{:?}", fields.0));
            }
        }

        fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
            let mut fields = Fields(HashMap::new());
            event.record(&mut fields);
            self.everything
                .lock()
                .unwrap()
                .push_str(&format!("{:?}", fields.0));
        }

        fn on_close(&self, id: Id, ctx: Context<'_, S>) {
            if let Some(span) = ctx.span(&id)
                && let Some(fields) = span.extensions_mut().remove::<Fields>()
                && fields.0.get("name").map(String::as_str) == Some("sforce.request")
            {
                self.spans.lock().unwrap().push(fields.0);
            }
        }
    }
}

#[tokio::test]
async fn every_request_has_a_span_with_method_path_status_and_duration_and_no_token() {
    use tracing_subscriber::layer::SubscriberExt;

    let captured = Captured::default();
    let subscriber = tracing_subscriber::registry().with(captured.clone());
    let _guard = tracing::subscriber::set_default(subscriber);

    let emu = emulator().await;
    let client = client(&emu);
    client
        .create("Account", &json!({"Name": "Traced"}))
        .await
        .unwrap();
    let _ = client.describe("Nope__c").await.unwrap_err();

    let spans = captured.spans.lock().unwrap().clone();
    assert_eq!(spans.len(), 2, "{spans:?}");
    assert_eq!(spans[0]["method"], "POST");
    assert_eq!(spans[0]["path"], "/services/data/v62.0/sobjects/Account");
    assert_eq!(spans[0]["status"], "201");
    assert!(spans[0]["duration_ms"].parse::<u64>().is_ok(), "{spans:?}");
    assert_eq!(spans[1]["method"], "GET");
    assert_eq!(
        spans[1]["path"],
        "/services/data/v62.0/sobjects/Nope__c/describe"
    );
    assert_eq!(spans[1]["status"], "404");
    let everything = captured.everything.lock().unwrap().clone();
    assert!(
        !everything.contains(emu.token()),
        "token in traces: {everything}"
    );
}
