//! `triangulate serve`: the HTTP door (`triangulate_serve`) over this data folder, until the
//! process is stopped. It prints one JSON line, `{"url": …, "token": …}`, on standard output
//! once it listens; each request is answered as the desktop's window is.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;

use triangulate_app::{AppError, KeptStore, StoreError};
use triangulate_core::FieldError;

use crate::{CliHost, Result, progress};

pub(crate) fn serve(listen: &str, ui: Option<&std::path::Path>, host: &CliHost) -> Result<()> {
    let address: SocketAddr = listen.trim().parse().map_err(|_| {
        AppError::fields_error(vec![FieldError::new(
            "listen",
            format!("{listen:?} is not an address and port, as 127.0.0.1:8080 (or 127.0.0.1:0 for any free port)"),
        )])
    })?;
    if let Some(folder) = ui
        && !folder.join("index.html").is_file()
    {
        return Err(AppError::fields_error(vec![FieldError::new(
            "ui",
            format!("{} holds no index.html: give the UI's built folder, as ui/dist", folder.display()),
        )]));
    }
    if !address.ip().is_loopback() {
        return Err(AppError::fields_error(vec![FieldError::new(
            "listen",
            triangulate_serve::ServeError::NotLoopback(address).to_string(),
        )]));
    }
    let board = triangulate_serve::ProgressBoard::default();
    let door: Arc<dyn triangulate_app::Host> = Arc::new(CliHost {
        data_dir: host.data_dir.clone(),
        store: KeptStore::default(),
        bar: progress::Bar::on_stderr(),
        clock: host.clock.clone(),
        board: Some(board.clone()),
    });
    let ready = |started: &triangulate_serve::Started| {
        let line = serde_json::json!({ "url": started.url, "token": started.token });
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{line}");
        let _ = stdout.flush();
    };
    triangulate_serve::serve_until_stopped(door, board, address, ui.map(std::path::Path::to_path_buf), ready).map_err(|error| match error {
            triangulate_serve::ServeError::Io(source) => AppError::Store(StoreError::Io { path: listen.into(), source }),
            other => AppError::Internal(other.to_string()),
        })
}
