//! The review page's HTTP server, on 127.0.0.1 only.
//!
//! `GET /` and the page's script and style (built into the binary), `GET /api/call` (what does
//! not change while reviewing: transcript, field tables, requirements), `GET /api/state` (the
//! corrected handoff, what is missing, orphans), `POST /api/corrections` and `POST
//! /api/finalize` (both answer with the new state; JSON from the page's own origin only), and
//! `GET /audio` (the recording, with ranges).

use super::call::Call;
use super::{audio, report_unshared};
use anyhow::{Context, Result};
use axum::extract::{Request as HttpRequest, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use handoff_review::{Current, Request, Review, SessionError, ACCOUNT, CATEGORIES, COMMON};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The page: plain HTML, CSS and JS, so nothing needs building or fetching at run time.
const ASSETS: [(&str, &str, &str); 3] = [
    ("/", "text/html; charset=utf-8", include_str!("../../assets/review/index.html")),
    ("/review.js", "text/javascript; charset=utf-8", include_str!("../../assets/review/review.js")),
    ("/review.css", "text/css; charset=utf-8", include_str!("../../assets/review/review.css")),
];

struct Shared {
    /// Corrections are applied one at a time, in the order they arrive.
    review: Mutex<Review>,
    reviewer: String,
    call: Value,
    recording: Option<PathBuf>,
    /// The `Host` header values this server answers to.
    hosts: [String; 2],
}

type AppState = Arc<Shared>;

/// Serves the page until Ctrl-C; `ready` gets the page's address once it is listening.
pub fn serve(review: Review, call: Call, reviewer: String, port: u16, ready: impl FnOnce(&str)) -> Result<()> {
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the review server")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
            .await
            .with_context(|| format!("cannot listen on 127.0.0.1:{port}; pick another --port or 0 for any free one"))?;
        let address = listener.local_addr()?;
        let state = Arc::new(Shared {
            call: call_view(&review, &call, &reviewer),
            review: Mutex::new(review),
            reviewer,
            recording: call.recording.ok(),
            hosts: [format!("127.0.0.1:{}", address.port()), format!("localhost:{}", address.port())],
        });
        ready(&format!("http://{address}/"));
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async {
                // Without a signal handler the server simply runs until killed.
                if tokio::signal::ctrl_c().await.is_err() {
                    std::future::pending::<()>().await;
                }
            })
            .await
            .context("the review server stopped")
    })
}

fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for (path, content_type, body) in ASSETS {
        router = router.route(path, get(move || async move { ([(header::CONTENT_TYPE, content_type)], body) }));
    }
    router
        .route("/api/call", get(|State(state): State<AppState>| async move { Json(state.call.clone()) }))
        .route("/api/state", get(state_view))
        .route("/api/corrections", post(correct))
        .route("/api/finalize", post(finalize))
        .route("/audio", get(recording))
        .layer(middleware::from_fn_with_state(state.clone(), from_the_page))
        .layer(middleware::from_fn_with_state(state.clone(), local_only))
        .with_state(state)
}

/// Refuses requests addressed to any other host name: a web page elsewhere could otherwise reach
/// this server through a DNS name it points at 127.0.0.1 and read or change the review.
async fn local_only(State(state): State<AppState>, request: HttpRequest, next: Next) -> Response {
    let host = request.headers().get(header::HOST).and_then(|host| host.to_str().ok());
    if host.is_some_and(|host| state.hosts.iter().any(|known| known == host)) {
        next.run(request).await
    } else {
        (StatusCode::FORBIDDEN, "the review page is served on 127.0.0.1 only").into_response()
    }
}

/// Refuses changes that another web page open in the reviewer's browser could send. Any page may
/// POST a form or a `no-cors` fetch to 127.0.0.1, but only as `text/plain`, form data or with no
/// body; `application/json` from another site needs a CORS preflight, which this server never
/// grants. Browsers also name the sending page in `Origin`, so a foreign one is refused outright.
/// Reads (`GET`) change nothing and the audio player sends no `Origin`, so they pass.
async fn from_the_page(State(state): State<AppState>, request: HttpRequest, next: Next) -> Response {
    if request.method().is_safe() {
        return next.run(request).await;
    }
    let headers = request.headers();
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("(not text)");
        if !state.hosts.iter().any(|host| origin.strip_prefix("http://") == Some(host.as_str())) {
            let reason = format!(
                "refused: the web page at {origin} asked to change this review; only the review page at http://{}/ may",
                state.hosts[0]
            );
            return (StatusCode::FORBIDDEN, Json(json!({"error": reason}))).into_response();
        }
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or_default();
    let media_type = content_type.split(';').next().unwrap_or_default().trim();
    if !media_type.eq_ignore_ascii_case("application/json") {
        let sent = if content_type.is_empty() { "no Content-Type" } else { content_type };
        let reason =
            format!("refused: changes must be sent as Content-Type: application/json with a JSON body, not {sent}");
        return (StatusCode::UNSUPPORTED_MEDIA_TYPE, Json(json!({"error": reason}))).into_response();
    }
    next.run(request).await
}

/// Everything the page needs that corrections do not change.
fn call_view(review: &Review, call: &Call, reviewer: &str) -> Value {
    json!({
        "name": review.files.name(),
        "reviewer": reviewer,
        "files": {
            "draft": review.files.draft,
            "log": review.files.log,
            "final_json": review.files.final_json,
            "final_md": review.files.final_md,
        },
        "transcript": {
            "segments": call.transcript.segments,
            "duration_ms": call.transcript.source.duration_ms,
        },
        "recording": match &call.recording {
            Ok(path) => json!({"available": true, "file": path}),
            Err(reason) => json!({"available": false, "problem": reason}),
        },
        "common_fields": COMMON,
        "categories": CATEGORIES,
        "account_fields": ACCOUNT,
        "requirements": review.requirements().requirements,
    })
}

fn state_json(review: &Review, current: &Current) -> Value {
    json!({
        "handoff": current.handoff,
        "rejected": current.rejected,
        "missing": current.missing,
        "orphans": current.orphans,
        "stats": current.stats,
        "corrections": review.log.corrections.len(),
        "finalized": review.log.finalized,
    })
}

/// A JSON error the page shows as is, with the state to redraw when there is one.
fn failure(status: StatusCode, message: String, state: Option<Value>) -> Response {
    (status, Json(json!({"error": message, "state": state}))).into_response()
}

fn respond(review: &Review, result: Result<Current, SessionError>) -> Response {
    match result {
        Ok(current) => {
            report_unshared(&current);
            Json(state_json(review, &current)).into_response()
        }
        Err(error) => {
            let (status, message) = match error {
                SessionError::Refused(refused) => (StatusCode::UNPROCESSABLE_ENTITY, refused.reason),
                SessionError::NotReady(not_ready) => (StatusCode::CONFLICT, not_ready.to_string()),
                error => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
            };
            let state = review.current().ok().map(|current| state_json(review, &current));
            failure(status, message, state)
        }
    }
}

// Each handler starts from the log on disk, so the page shows what other pages and scripts
// recorded; changes re-read it under the log's lock (see `Review::record_from`).

/// Runs `change` on the review on tokio's blocking threads and answers with the new state. It
/// reads, writes and fsyncs files, and may wait for another process's lock on the log: on the
/// server's single thread that would stall every other request, the audio player's included.
async fn with_review(
    state: AppState,
    change: impl FnOnce(&mut Review, &Shared) -> Result<Current, SessionError> + Send + 'static,
) -> Response {
    let changed = tokio::task::spawn_blocking(move || {
        let mut review = state.review.lock().expect("a review is never left half-changed");
        let result = change(&mut review, &state);
        respond(&review, result)
    });
    changed.await.unwrap_or_else(|error| {
        failure(StatusCode::INTERNAL_SERVER_ERROR, format!("the review could not be changed: {error}"), None)
    })
}

async fn state_view(State(state): State<AppState>) -> Response {
    with_review(state, |review, _| review.reload().and_then(|()| review.current())).await
}

async fn correct(State(state): State<AppState>, Json(request): Json<Request>) -> Response {
    with_review(state, |review, state| {
        review.record_from(|review, current| Ok(vec![review.correction(current, request, &state.reviewer)?]))
    })
    .await
}

async fn finalize(State(state): State<AppState>) -> Response {
    with_review(state, |review, state| review.sign_off(&state.reviewer)).await
}

async fn recording(State(state): State<AppState>, request: HttpRequest) -> Response {
    match &state.recording {
        Some(path) => audio::serve(path, request).await,
        None => (StatusCode::NOT_FOUND, "the recording was not found").into_response(),
    }
}
