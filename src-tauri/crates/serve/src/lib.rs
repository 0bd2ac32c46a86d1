//! The HTTP door over the application layer: every command of the contract (the IPC
//! commands, `triangulate_ipc::for_each_command!`) as `POST /api/{command}` with the command's
//! JSON arguments, answering exactly what the desktop's window is answered — the same JSON,
//! and an error as the same `{code, message, fields, guards, refusals, url}` with an HTTP
//! status for its code. Only the holder of the token it was started with is served: any
//! request without `Authorization: Bearer {token}` gets 401 and an empty body. It listens on
//! this computer's loopback addresses only. Long work's progress, which the desktop's window
//! gets as events, is kept on a board the page reads at `GET /api/events/progress?after=N`
//! (the reports after the `N`th, and the number to ask after next time), behind the same
//! token.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use triangulate_app::Progress;
use triangulate_ipc::{ErrorCode, Host, IpcError};

/// The largest arguments a command is given (a staff directory's CSV, a long log entry).
const MOST_BYTES: usize = 32 * 1024 * 1024;

/// What the door was started with: where it listens, and the token its caller must give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    pub url: String,
    pub token: String,
}

/// Why the door did not start.
#[derive(Debug)]
pub enum ServeError {
    /// The address is not one of this computer's loopback addresses.
    NotLoopback(SocketAddr),
    Io(std::io::Error),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::NotLoopback(address) => write!(
                f,
                "{address} is not an address on this computer alone: listen on 127.0.0.1 or [::1], as 127.0.0.1:8080 (or port 0 for any free port)"
            ),
            ServeError::Io(error) => write!(f, "the address could not be listened on: {error}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// The reports of long work a door's commands made, kept for its page to read: the host the
/// door serves gives each one here (`Host::progress`), as the desktop emits them as events.
#[derive(Clone, Default)]
pub struct ProgressBoard {
    kept: Arc<Mutex<Kept>>,
}

#[derive(Default)]
struct Kept {
    /// How many reports were ever given: the last one's number.
    given: u64,
    reports: VecDeque<(u64, Progress)>,
}

/// How many reports are kept: a page that reads less often than that misses the oldest.
const KEPT_REPORTS: usize = 512;

impl ProgressBoard {
    /// Keeps a report for the page; the oldest goes when there are too many.
    pub fn report(&self, report: &Progress) {
        let mut kept = self.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        kept.given += 1;
        let number = kept.given;
        kept.reports.push_back((number, report.clone()));
        while kept.reports.len() > KEPT_REPORTS {
            kept.reports.pop_front();
        }
    }

    /// The reports after the `after`th (none when not given: only where to start), and the
    /// number to ask after next time.
    pub fn since(&self, after: Option<u64>) -> (Vec<Progress>, u64) {
        let kept = self.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let reports = match after {
            Some(after) => kept.reports.iter().filter(|(n, _)| *n > after).map(|(_, r)| r.clone()).collect(),
            None => Vec::new(),
        };
        (reports, kept.given)
    }
}

struct Door {
    host: Arc<dyn Host>,
    board: ProgressBoard,
    token: String,
    /// The UI's built files, served at `/` when given.
    ui: Option<std::path::PathBuf>,
}

/// A random token: 32 bytes from the operating system, as 64 hex digits.
fn new_token() -> Result<String, ServeError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ServeError::Io(std::io::Error::other(e.to_string())))?;
    Ok(hex::encode(bytes))
}

/// Whether two byte strings are equal, in a time that does not depend on where they differ.
fn same(given: &[u8], expected: &[u8]) -> bool {
    let mut differ = given.len() ^ expected.len();
    for (i, byte) in expected.iter().enumerate() {
        differ |= usize::from(given.get(i).copied().unwrap_or(0) ^ byte);
    }
    differ == 0
}

/// The router of the door: `POST /api/{command}`, behind the token; and, when given, the UI's
/// built files (`ui/dist`: the app's code, which holds no data) read with GET at any other
/// path, for anyone on this computer, so that its page and the commands share one origin.
fn router(door: Arc<Door>) -> Router {
    let router = Router::new().route("/api/{command}", post(command)).route("/api/events/progress", get(progress));
    let router = match &door.ui {
        Some(folder) => router.fallback_service(tower_http::services::ServeDir::new(folder)),
        None => router.fallback(|| async { StatusCode::NOT_FOUND }),
    };
    router
        .layer(axum::extract::DefaultBodyLimit::max(MOST_BYTES))
        .layer(middleware::from_fn_with_state(door.clone(), token))
        .with_state(door)
}

/// Anything without the token gets 401 and nothing else.
async fn token(State(door): State<Arc<Door>>, request: Request, next: Next) -> Response {
    let reads_the_ui = door.ui.is_some()
        && !request.uri().path().starts_with("/api/")
        && matches!(*request.method(), axum::http::Method::GET | axum::http::Method::HEAD);
    if reads_the_ui {
        return next.run(request).await;
    }
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.as_bytes().strip_prefix(b"Bearer "))
        .unwrap_or_default();
    if !same(given, door.token.as_bytes()) {
        return (StatusCode::UNAUTHORIZED, Body::empty()).into_response();
    }
    next.run(request).await
}

/// The HTTP status an error's code is answered with.
pub fn status(code: ErrorCode) -> StatusCode {
    use ErrorCode::*;
    match code {
        InvalidInput => StatusCode::BAD_REQUEST,
        InvalidFields | UnknownStaff | InvalidPolicy => StatusCode::UNPROCESSABLE_ENTITY,
        NotFound => StatusCode::NOT_FOUND,
        NotInitialised | AlreadyInitialised | KeyMissing | WrongKey | KeystoreUnavailable | RecoveryFailed
        | StoreDamaged | StoreRolledBack | JournalMissing | NewerSchema | Refused | GuardRefused | IllegalStep
        | RecordingStopped | OutsideScope | LogNotFinalised | CapturesUnjudged => StatusCode::CONFLICT,
        DiskFull => StatusCode::INSUFFICIENT_STORAGE,
        IoFailed | DatabaseFailed | BrowserFailed | Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn answer_error(error: IpcError) -> Response {
    (status(error.code), axum::Json(error)).into_response()
}

async fn command(State(door): State<Arc<Door>>, Path(name): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let json_given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("application/json"));
    if !json_given {
        return answer_error(IpcError {
            code: ErrorCode::InvalidInput,
            message: "the arguments must be JSON (Content-Type: application/json)".into(),
            ..IpcError::internal("")
        });
    }
    let args = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Null
    } else {
        match serde_json::from_slice(&body) {
            Ok(args) => args,
            Err(error) => {
                return answer_error(IpcError {
                    code: ErrorCode::InvalidInput,
                    message: format!("the arguments of {name} are not JSON: {error}"),
                    ..IpcError::internal("")
                });
            }
        }
    };
    let started = Instant::now();
    let host = door.host.clone();
    let command = name.clone();
    let ran = tokio::task::spawn_blocking(move || triangulate_ipc::dispatch::dispatch(&*host, &command, args)).await;
    let answer = match ran {
        Ok(Some(answer)) => answer,
        Ok(None) => {
            return answer_error(IpcError {
                code: ErrorCode::NotFound,
                message: format!("there is no command {name}"),
                ..IpcError::internal("")
            });
        }
        Err(error) => Err(IpcError::internal(format!("the command stopped unexpectedly: {error}"))),
    };
    let ms = started.elapsed().as_millis() as u64;
    match answer {
        Ok(value) => {
            tracing::debug!(command = %name, ms, "command answered");
            axum::Json(value).into_response()
        }
        Err(error) => {
            tracing::info!(command = %name, code = ?error.code, ms, "command refused");
            answer_error(error)
        }
    }
}

/// The progress reports after the one numbered by `?after=N`: `{"reports": […], "next": M}`.
async fn progress(State(door): State<Arc<Door>>, uri: axum::http::Uri) -> Response {
    let after = uri.query().unwrap_or_default().split('&').find_map(|pair| pair.strip_prefix("after="));
    let after = match after.map(str::parse::<u64>) {
        None => None,
        Some(Ok(after)) => Some(after),
        Some(Err(_)) => {
            return answer_error(IpcError {
                code: ErrorCode::InvalidInput,
                message: "after= must be the number a previous answer gave as next".into(),
                ..IpcError::internal("")
            });
        }
    };
    let (reports, next) = door.board.since(after);
    axum::Json(serde_json::json!({ "reports": reports, "next": next })).into_response()
}

/// Listens on `address` (a loopback address; port 0 for any free one), tells `ready` where
/// and with which token, then serves until `stop` resolves.
pub async fn serve(
    host: Arc<dyn Host>,
    board: ProgressBoard,
    address: SocketAddr,
    ui: Option<std::path::PathBuf>,
    ready: impl FnOnce(&Started),
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    if !address.ip().is_loopback() {
        return Err(ServeError::NotLoopback(address));
    }
    let listener = tokio::net::TcpListener::bind(address).await.map_err(ServeError::Io)?;
    let bound = listener.local_addr().map_err(ServeError::Io)?;
    let started = Started { url: format!("http://{bound}"), token: new_token()? };
    let door = Arc::new(Door { host, board, token: started.token.clone(), ui });
    tracing::info!(address = %bound, "serving the commands over HTTP");
    ready(&started);
    axum::serve(listener, router(door)).with_graceful_shutdown(stop).await.map_err(ServeError::Io)
}

/// Serves on a runtime of its own until the process is asked to stop (Ctrl+C, SIGTERM): the
/// command line's `triangulate serve`.
pub fn serve_until_stopped(
    host: Arc<dyn Host>,
    board: ProgressBoard,
    address: SocketAddr,
    ui: Option<std::path::PathBuf>,
    ready: impl FnOnce(&Started),
) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(ServeError::Io)?;
    runtime.block_on(serve(host, board, address, ui, ready, stopped()))
}

/// Resolves when the process is asked to stop: Ctrl+C, or (on Unix) SIGTERM.
pub async fn stopped() {
    let interrupted = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        let terminated = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = interrupted => {},
            () = terminated => {},
        }
    }
    #[cfg(not(unix))]
    interrupted.await;
    tracing::info!("the HTTP door stops");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_compared_whole() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abd", b"abc") && !same(b"ab", b"abc") && !same(b"abcd", b"abc") && !same(b"", b"abc"));
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b, "a new token each start");
    }

    #[test]
    fn the_board_gives_the_reports_after_the_one_asked_and_keeps_the_last_ones() {
        let board = ProgressBoard::default();
        let report = |done: u32| Progress {
            work: triangulate_app::Work::ExportPdf,
            about: "REQ-2026-0001".into(),
            step: format!("step {done}"),
            done,
            total: 1000,
            finished: false,
            failed: false,
        };
        assert_eq!(board.since(None), (Vec::new(), 0), "nothing yet, and where to start");
        board.report(&report(1));
        board.report(&report(2));
        assert_eq!(board.since(Some(1)), (vec![report(2)], 2));
        assert_eq!(board.since(None).0, Vec::new(), "a page starts from now");
        for done in 3..=600 {
            board.report(&report(done));
        }
        let (all, next) = board.since(Some(0));
        assert_eq!((all.len(), next), (KEPT_REPORTS, 600), "the last ones are kept");
        assert_eq!(all[0].done, 600 - KEPT_REPORTS as u32 + 1);
    }

    #[test]
    fn a_refusal_is_a_client_error_and_a_fault_a_server_error() {
        assert_eq!(status(ErrorCode::InvalidFields), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(status(ErrorCode::GuardRefused), StatusCode::CONFLICT);
        assert_eq!(status(ErrorCode::NotFound), StatusCode::NOT_FOUND);
        assert!(status(ErrorCode::Internal).is_server_error());
    }
}
