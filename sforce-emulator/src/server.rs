//! The HTTP server: routes, middleware (request log, failure injection, `Sforce-Limit-Info`,
//! bearer-token check, then the body limit in `intake`) and the accept loop.
//!
//! The accept loop is hand-written (hyper, HTTP/1.1) rather than `axum::serve` so that an
//! injected failure can close one connection without answering.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State as AxumState};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use percent_encoding::percent_decode_str;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

use crate::api_error::ApiError;
use crate::failure::FailureAction;
use crate::handlers::composite::Subrequest;
use crate::handlers::{collections, composite, identity, meta, query, records, upsert};
use crate::intake::{LoggedBody, read_body};
use crate::observe::LoggedRequest;
use crate::state::Shared;

/// Closes the connection a request arrived on (injected connection drops).
#[derive(Clone)]
struct ConnectionKill(Arc<Notify>);

/// All routes, with middleware, ready to serve.
pub(crate) fn router(state: Shared) -> Router {
    let data = "/services/data/{version}";
    let api = Router::new()
        .route(&format!("{data}/"), get(meta::resources))
        .route(data, get(meta::resources))
        .route(&format!("{data}/limits"), get(meta::limits))
        .route(&format!("{data}/limits/"), get(meta::limits))
        .route(
            &format!("{data}/limits/recordCount"),
            get(meta::record_count),
        )
        .route(&format!("{data}/sobjects"), get(meta::global_describe))
        .route(&format!("{data}/sobjects/"), get(meta::global_describe))
        .route(
            &format!("{data}/sobjects/{{sobject}}"),
            get(meta::sobject_info).post(records::create),
        )
        .route(
            &format!("{data}/sobjects/{{sobject}}/describe"),
            get(meta::describe),
        )
        .route(
            &format!("{data}/sobjects/{{sobject}}/{{id}}"),
            get(records::get)
                .patch(records::update)
                .delete(records::delete)
                .post(upsert::create_via_id),
        )
        .route(
            &format!("{data}/sobjects/{{sobject}}/{{field}}/{{value}}"),
            get(upsert::get_by_external_id).patch(upsert::upsert),
        )
        // sObject Collections and composite (issue 11, `handlers::collections` / `composite`).
        .route(
            &format!("{data}/composite/sobjects"),
            axum::routing::post(collections::create)
                .patch(collections::update)
                .delete(collections::delete),
        )
        .route(
            &format!("{data}/composite/sobjects/{{sobject}}"),
            get(collections::retrieve_get).post(collections::retrieve_post),
        )
        .route(
            &format!("{data}/composite/sobjects/{{sobject}}/{{field}}"),
            axum::routing::patch(collections::upsert),
        )
        .route(
            &format!("{data}/composite"),
            axum::routing::post(composite::composite),
        )
        .merge(query::routes(data))
        // Salesforce serves the record resources with a trailing slash too
        // (`POST /sobjects/Account/` creates).
        .route(
            &format!("{data}/sobjects/{{sobject}}/"),
            get(meta::sobject_info).post(records::create),
        )
        .route(
            &format!("{data}/sobjects/{{sobject}}/describe/"),
            get(meta::describe),
        )
        .route(
            &format!("{data}/sobjects/{{sobject}}/{{id}}/"),
            get(records::get)
                .patch(records::update)
                .delete(records::delete)
                .post(upsert::create_via_id),
        )
        // Identity (the `id` URL of token responses) and OpenID Connect userinfo.
        .route("/id/{org}/{user}", get(identity::identity))
        .route("/services/oauth2/userinfo", get(identity::userinfo))
        .merge(crate::handlers::bulk::routes(data))
        // Layers run bottom-up: the token is checked before the body is read.
        .route_layer(middleware::from_fn_with_state(state.clone(), read_body))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token));

    let open = Router::new()
        .route("/services/data", get(meta::versions))
        .route("/services/data/", get(meta::versions));

    // ---- OAuth (issue 6) ------------------------------------------------------------------
    // The token endpoint lives in `crate::oauth` (owned by the auth engineer). Merge its
    // router HERE, outside `require_token` (the token endpoint needs no bearer token), e.g.
    //     let open = open.merge(crate::oauth::router(state.clone()));
    // It can issue tokens with `state.tokens.add(token, Some(ttl))`.
    // -----------------------------------------------------------------------------------------
    let open = open
        .merge(crate::oauth::router(state.clone()))
        .route_layer(middleware::from_fn_with_state(state.clone(), read_body));

    api.merge(open)
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async {
            ApiError::method_not_allowed("this method", "GET, POST, PATCH, DELETE")
        })
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        // `read_body` enforces the limit (after the token check, with a JSON answer).
        .layer(DefaultBodyLimit::disable())
        .with_state(state)
}

/// 401 INVALID_SESSION_ID unless `Authorization: Bearer <accepted token>` (or `OAuth <token>`).
async fn require_token(AxumState(state): AxumState<Shared>, req: Request, next: Next) -> Response {
    let token = req
        .headers()
        .get("authorization")
        .and_then(|h| h.to_str().ok())
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("OAuth "))
        })
        .map(str::trim);
    match token {
        Some(t) if state.tokens.is_valid(t) => next.run(req).await,
        _ => ApiError::invalid_session().into_response(),
    }
}

/// Logs every request, applies injected failures and adds `Sforce-Limit-Info`.
///
/// The request is handled on its own task: a client that disconnects (or times out) does not
/// cancel it, so a write can still complete after its caller gave up, as on Salesforce.
async fn observe(AxumState(state): AxumState<Shared>, req: Request, next: Next) -> Response {
    // A composite's subrequests are part of the composite request: not logged or counted apart.
    if req.extensions().get::<Subrequest>().is_some() {
        return next.run(req).await;
    }
    let kill = req.extensions().get::<ConnectionKill>().cloned();
    let handled = tokio::spawn(handle(state, req, next)).await;
    match handled {
        Ok(Some(response)) => response,
        // Dropped (injected), or the handler panicked: close the connection unanswered.
        Ok(None) | Err(_) => {
            if let Some(kill) = kill {
                kill.0.notify_one();
            }
            std::future::pending().await
        }
    }
}

/// Everything `observe` does for one request, to completion; `None` = drop the connection.
async fn handle(state: Shared, req: Request, next: Next) -> Option<Response> {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    let decoded = percent_decode_str(&path).decode_utf8_lossy().into_owned();

    // Every response but the versions list carries the API usage.
    let counted = path.starts_with("/services/data/v");
    let usage = if counted {
        state.api_usage.fetch_add(1, Ordering::Relaxed) + 1
    } else {
        0
    };
    let mut log = LoggedRequest {
        method: method.clone(),
        path: path.clone(),
        query,
        status: 0,
        body: String::new(),
        received: std::time::Instant::now(),
        answered: std::time::Instant::now(),
    };

    let _handling = state.concurrency.enter();
    let jitter = state.latency_jitter_nanos.load(Ordering::Relaxed);
    if jitter > 0 {
        tokio::time::sleep(std::time::Duration::from_nanos(fastrand::u64(0..=jitter))).await;
    }
    // A request refused by an injected failure was not processed: an after-processing
    // failure must wait for a request that was.
    let response = match state.failures.take(&method, &path, &decoded, false) {
        Some((FailureAction::Delay(delay), _)) => {
            tokio::time::sleep(delay).await;
            let response = next.run(req).await;
            log_body(&mut log, &response);
            process_then_fail(&state, response, &method, &path, &decoded).await
        }
        Some((action, headers)) => failure_response(action, headers),
        None => {
            let response = next.run(req).await;
            log_body(&mut log, &response);
            process_then_fail(&state, response, &method, &path, &decoded).await
        }
    };
    let Some(mut response) = response else {
        tracing::debug!(%method, %path, "sforce-emulator: dropping connection (injected)");
        log.answered = std::time::Instant::now();
        state.log.push(log);
        return None;
    };
    if counted {
        let value = format!("api-usage={usage}/{}", state.api_limit);
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().insert("sforce-limit-info", v);
        }
    }
    log.status = response.status().as_u16();
    log.answered = std::time::Instant::now();
    tracing::debug!(%method, %path, status = log.status, "sforce-emulator request");
    state.log.push(log);
    Some(response)
}

/// Takes the body text `read_body` attached to the response (empty when it never read one).
fn log_body(log: &mut LoggedRequest, response: &Response) {
    if let Some(LoggedBody(text)) = response.extensions().get::<LoggedBody>() {
        log.body = text.clone();
    }
}

/// A processed request's response, unless an after-processing failure replaces it
/// (`None` = drop the connection).
async fn process_then_fail(
    state: &Shared,
    response: Response,
    method: &str,
    path: &str,
    decoded: &str,
) -> Option<Response> {
    match state.failures.take(method, path, decoded, true) {
        Some((FailureAction::Delay(delay), _)) => {
            tokio::time::sleep(delay).await;
            Some(response)
        }
        Some((action, headers)) => failure_response(action, headers),
        None => Some(response),
    }
}

/// The response of an injected failure; `None` = drop the connection.
fn failure_response(action: FailureAction, headers: Vec<(String, String)>) -> Option<Response> {
    match action {
        FailureAction::Respond { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = (status, axum::Json(body)).into_response();
            for (name, value) in headers {
                if let (Ok(name), Ok(value)) = (
                    axum::http::HeaderName::from_bytes(name.as_bytes()),
                    HeaderValue::from_str(&value),
                ) {
                    response.headers_mut().append(name, value);
                }
            }
            Some(response)
        }
        FailureAction::DropConnection => None,
        FailureAction::Delay(_) => unreachable!("delays are applied by `observe`"),
    }
}

/// Serves `app` on `listener` until `shutdown` turns `true`; then open connections are closed.
pub(crate) async fn serve(listener: TcpListener, app: Router, mut shutdown: watch::Receiver<bool>) {
    loop {
        let accepted = tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(error) => {
                // EMFILE/ENFILE and the like persist until connections close: back off
                // instead of spinning on accept.
                tracing::warn!(%error, "sforce-emulator: accept failed; retrying in 50 ms");
                tokio::select! {
                    _ = shutdown.changed() => break,
                    _ = tokio::time::sleep(std::time::Duration::from_millis(50)) => {}
                }
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let kill = Arc::new(Notify::new());
        let service = TowerToHyperService::new(
            app.clone()
                .layer(axum::Extension(ConnectionKill(kill.clone()))),
        );
        let mut shutdown = shutdown.clone();
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = kill.notified() => {}
                _ = shutdown.changed() => {}
            }
        });
    }
}
