//! Shared helpers for the emulator's HTTP tests (plain reqwest, no sforce client).
#![allow(dead_code)]

use std::time::Duration;

use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::Value;
use sforce_emulator::Emulator;

/// An emulator whose upserts hold their commit window open for `latency`.
pub async fn emulator_with_latency(latency: Duration) -> Emulator {
    Emulator::builder()
        .commit_latency(latency)
        .start()
        .await
        .unwrap()
}

/// An emulator that commits at once.
pub async fn emulator() -> Emulator {
    emulator_with_latency(Duration::ZERO).await
}

/// One HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }

    /// The `errorCode` of a single-error answer.
    pub fn code(&self) -> String {
        self.json()[0]["errorCode"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn message(&self) -> String {
        self.json()[0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

/// A client for one emulator and API version.
#[derive(Clone)]
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
    pub version: String,
}

impl Api {
    pub fn new(emu: &Emulator) -> Self {
        Self::with_version(emu, "62.0")
    }

    pub fn with_version(emu: &Emulator, version: &str) -> Self {
        Api {
            http: reqwest::Client::new(),
            base: emu.url().to_owned(),
            token: emu.token().to_owned(),
            version: version.to_owned(),
        }
    }

    /// The request, not sent yet (for tests that expect a transport error). `path` is appended
    /// to `/services/data/vXX.X` (starting with `/`), or used as is when it starts with
    /// `/services`.
    pub fn request(&self, method: Method, path: &str, body: Option<&str>) -> RequestBuilder {
        let url = if path.starts_with("/services") {
            format!("{}{path}", self.base)
        } else {
            format!("{}/services/data/v{}{path}", self.base, self.version)
        };
        let mut req = self.http.request(method, url).bearer_auth(&self.token);
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_owned());
        }
        req
    }

    /// Sends [`Api::request`] and reads the whole answer.
    pub async fn send(&self, method: Method, path: &str, body: Option<&str>) -> Answer {
        let resp = self
            .request(method, path, body)
            .send()
            .await
            .expect("request");
        Answer {
            status: resp.status(),
            headers: resp.headers().clone(),
            text: resp.text().await.expect("body"),
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &str) -> Answer {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: &str) -> Answer {
        self.send(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None).await
    }

    /// Creates a `sobject` record from `body` (`POST /sobjects/{sobject}`), asserting 201, and
    /// returns its Id.
    pub async fn create(&self, sobject: &str, body: &Value) -> String {
        let answer = self
            .post(&format!("/sobjects/{sobject}"), &body.to_string())
            .await;
        assert_eq!(
            answer.status,
            StatusCode::CREATED,
            "{sobject}: {}",
            answer.text
        );
        answer.json()["id"].as_str().expect("id").to_owned()
    }
}

/// Percent-encodes `value` as one path segment.
pub fn segment(value: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(value, SET).to_string()
}

/// The seed's Task body (the README's call log), without the external ID.
pub const SEED_TASK: &str = r#"{"Description":"Called C to discuss the reinstall.","CallType":"Outbound",
 "Status":"Completed","Subject":"Call","isTransfer__c":false,"CallDurationInSeconds":597,
 "AudioFile__c":"outgoing/2017-10-31/03-10-59_ID-123.mp3","CallStarted__c":"2017-10-31T07:10:51Z",
 "CallHangup__c":"2017-10-31T07:20:56Z","AsteriskId__c":"7794786","ReasonText__c":"Success call"}"#;
