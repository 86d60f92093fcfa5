//! Identity: the Identity URL `GET /id/<orgId>/<userId>` (the `id` of every token response) and
//! OpenID Connect's `GET /services/oauth2/userinfo`, both for the running user and both needing
//! a valid bearer token.
//!
//! Keys follow Salesforce's "Identity URLs" and "UserInfo Endpoint" documentation; values come
//! from the running user's `User` record when the schema has `User`. The emulator's identity
//! URL is served by the emulator itself (`http://127.0.0.1:<port>/id/...`), where Salesforce
//! uses the login host.
//!
//! A missing or invalid token answers like the REST API, 401 `INVALID_SESSION_ID`
//! (unconfirmed: Salesforce's identity service may answer differently, e.g. 403).

use axum::extract::State as AxumState;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::{Params, json_response};
use crate::api_error::ApiError;
use crate::oauth::{ORG_ID, USER_ID};
use crate::state::{Shared, State};

/// The API version the identity `urls` templates point at.
const URL_VERSION: &str = "{version}";

/// The base URL the request reached (the emulator's instance URL).
fn instance_url(headers: &HeaderMap) -> String {
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

/// The running user's record, or the defaults when the schema has no `User`.
fn running_user(state: &State) -> Map<String, Value> {
    state
        .schema
        .get("User")
        .and_then(|d| state.store.get(d, USER_ID))
        .unwrap_or_else(crate::fill::running_user_defaults)
}

fn text(user: &Map<String, Value>, key: &str) -> Value {
    user.get(key).cloned().unwrap_or(Value::Null)
}

/// `urls` of both answers: Salesforce's templates with `{version}` left for the caller.
fn urls(base: &str) -> Value {
    let data = format!("{base}/services/data/v{URL_VERSION}");
    json!({
        "enterprise": format!("{base}/services/Soap/c/{URL_VERSION}/{ORG_ID}"),
        "metadata": format!("{base}/services/Soap/m/{URL_VERSION}/{ORG_ID}"),
        "partner": format!("{base}/services/Soap/u/{URL_VERSION}/{ORG_ID}"),
        "rest": format!("{data}/"),
        "sobjects": format!("{data}/sobjects/"),
        "search": format!("{data}/search/"),
        "query": format!("{data}/query/"),
        "recent": format!("{data}/recent/"),
        "tooling_soap": format!("{base}/services/Soap/T/{URL_VERSION}/{ORG_ID}"),
        "tooling_rest": format!("{data}/tooling/"),
        "profile": format!("{base}/{USER_ID}"),
        "feeds": format!("{data}/chatter/feeds"),
        "groups": format!("{data}/chatter/groups"),
        "users": format!("{data}/chatter/users"),
        "feed_items": format!("{data}/chatter/feed-items"),
        "feed_elements": format!("{data}/chatter/feed-elements"),
        "custom_domain": base,
    })
}

/// The user as both answers describe it.
struct Person {
    user: Map<String, Value>,
    base: String,
}

impl Person {
    fn new(state: &State, headers: &HeaderMap) -> Self {
        Person {
            user: running_user(state),
            base: instance_url(headers),
        }
    }

    fn identity_url(&self) -> String {
        format!("{}/id/{ORG_ID}/{USER_ID}", self.base)
    }

    fn display_name(&self) -> Value {
        text(&self.user, "Name")
    }

    fn photos(&self) -> Value {
        json!({
            "picture": format!("{}/profilephoto/005/F", self.base),
            "thumbnail": format!("{}/profilephoto/005/T", self.base),
        })
    }
}

/// An identity answer being built.
struct Answer(Value);

impl Answer {
    /// The keys both answers end with: `urls`, the account's state and locale, the last
    /// modification (named `modified_key`), `is_app_installed`.
    fn with_account_keys(mut self, p: &Person, modified_key: &str) -> Self {
        let u = &p.user;
        if let Value::Object(map) = &mut self.0 {
            for (key, value) in [
                ("urls", urls(&p.base)),
                ("active", text(u, "IsActive")),
                ("user_type", json!("STANDARD")),
                ("language", text(u, "LanguageLocaleKey")),
                ("locale", text(u, "LocaleSidKey")),
                ("utcOffset", json!(0)),
                (modified_key, text(u, "LastModifiedDate")),
                ("is_app_installed", json!(true)),
            ] {
                map.insert(key.to_owned(), value);
            }
        }
        self
    }

    fn into_response(self) -> Response {
        json_response(StatusCode::OK, self.0)
    }
}

/// `GET /id/{orgId}/{userId}`: the Identity URL answer. Another org or user answers 404
/// NOT_FOUND (unconfirmed: Salesforce's answer for a foreign Id is not documented).
pub(crate) async fn identity(
    AxumState(state): AxumState<Shared>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // Compared on the case-sensitive 15-character form (the suffix only adds case safety).
    let same = |given: &str, ours: &str| {
        matches!(given.len(), 15 | 18) && given.get(..15) == ours.get(..15)
    };
    if !same(params.get("org"), ORG_ID) || !same(params.get("user"), USER_ID) {
        // unconfirmed: Salesforce's status and body for another org's or user's Id.
        return Err(ApiError::not_found());
    }
    let p = Person::new(&state, &headers);
    let u = &p.user;
    Ok(Answer(json!({
        "id": p.identity_url(),
        "asserted_user": true,
        "user_id": USER_ID,
        "organization_id": ORG_ID,
        "username": text(u, "Username"),
        "nick_name": text(u, "CommunityNickname"),
        "display_name": p.display_name(),
        "email": text(u, "Email"),
        "email_verified": true,
        "first_name": text(u, "FirstName"),
        "last_name": text(u, "LastName"),
        "timezone": text(u, "TimeZoneSidKey"),
        "photos": p.photos(),
        "addr_street": null, "addr_city": null, "addr_state": null,
        "addr_country": null, "addr_zip": null,
        "mobile_phone": null,
        "mobile_phone_verified": false,
        "is_lightning_login_user": false,
        "status": {"created_date": null, "body": null},
    }))
    .with_account_keys(&p, "last_modified_date")
    .into_response())
}

/// `GET /services/oauth2/userinfo`: OpenID Connect's view of the running user.
pub(crate) async fn userinfo(AxumState(state): AxumState<Shared>, headers: HeaderMap) -> Response {
    let p = Person::new(&state, &headers);
    let u = &p.user;
    Answer(json!({
        "sub": p.identity_url(),
        "user_id": USER_ID,
        "organization_id": ORG_ID,
        "preferred_username": text(u, "Username"),
        "nickname": text(u, "CommunityNickname"),
        "name": p.display_name(),
        "email": text(u, "Email"),
        "email_verified": true,
        "given_name": text(u, "FirstName"),
        "family_name": text(u, "LastName"),
        "zoneinfo": text(u, "TimeZoneSidKey"),
        "photos": p.photos(),
        "profile": format!("{}/{USER_ID}", p.base),
        "picture": format!("{}/profilephoto/005/F", p.base),
        "address": {},
        "is_salesforce_integration_user": false,
    }))
    .with_account_keys(&p, "updated_at")
    .into_response()
}
