//! Logging: warnings and errors to standard error, and information and detail appended to
//! `logs/triangulate.log` in the data folder. Log lines carry ids, never names or secrets.

use std::io::IsTerminal;
use std::sync::Arc;

use tracing_subscriber::filter::{EnvFilter, LevelFilter};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, fmt};

use crate::DataDir;

/// Sets up logging once per process. `RUST_LOG` refines the standard-error level.
pub fn init_logging(data_dir: &DataDir) {
    // The DevTools client logs protocol noise, and its messages may quote page content.
    let stderr_filter = EnvFilter::builder()
        .with_default_directive(LevelFilter::WARN.into())
        .from_env_lossy()
        .add_directive("chromiumoxide=off".parse().expect("a valid directive"));
    // Colour only for a person at a terminal: never escape codes in a file or a pipe.
    let stderr = fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .without_time()
        .with_filter(stderr_filter);
    let file = data_dir.root().exists().then(|| {
        let folder = data_dir.logs();
        crate::private::create_dir_all(&folder).ok()?;
        crate::private::append(&folder.join("triangulate.log")).ok()
    });
    let file_layer = file.flatten().map(|file| {
        fmt::layer()
            .with_writer(Arc::new(file))
            .with_ansi(false)
            .with_filter(EnvFilter::new("info,triangulate_store=debug,chromiumoxide=off"))
    });
    let _ = tracing_subscriber::registry().with(stderr).with(file_layer).try_init();
}
