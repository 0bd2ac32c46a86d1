//! The Triangulate desktop app: a thin Tauri shell. Commands parse what the UI sends, call
//! the store on a blocking thread (credential stores must not be called on async workers),
//! and return DTOs; errors cross as `{code, message, fields}`.

use chrono::Utc;
use serde::Serialize;
use std::path::PathBuf;
use triangulate_core::FieldError;
use triangulate_store::{DataDir, Keystore, Store, StoreError, StoreStatus};

mod command_names;

/// What the desktop needs for its whole life: the data folder chosen at start.
struct AppState {
    data_dir: DataDir,
}

/// An error as the UI sees it: a machine code to act on, a message to show, field errors.
#[derive(Debug, Serialize)]
pub struct IpcError {
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<FieldError>,
}

impl From<StoreError> for IpcError {
    fn from(error: StoreError) -> Self {
        let fields = match &error {
            StoreError::Fields(fields) => fields.clone(),
            _ => Vec::new(),
        };
        IpcError { code: error.code(), message: error.to_string(), fields }
    }
}

#[derive(Debug, Serialize)]
pub struct InitialisedStore {
    pub recovery_phrase: Vec<String>,
    pub status: StoreStatus,
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, IpcError> + Send + 'static,
) -> Result<T, IpcError> {
    tauri::async_runtime::spawn_blocking(work).await.map_err(|e| IpcError {
        code: "internal",
        message: format!("the command stopped unexpectedly: {e}"),
        fields: Vec::new(),
    })?
}

#[tauri::command]
async fn store_status(state: tauri::State<'_, AppState>) -> Result<StoreStatus, IpcError> {
    let data_dir = state.data_dir.clone();
    blocking(move || Ok(triangulate_store::store_status(&data_dir, &Keystore::from_environment()))).await
}

#[tauri::command]
async fn store_init(state: tauri::State<'_, AppState>) -> Result<InitialisedStore, IpcError> {
    let data_dir = state.data_dir.clone();
    blocking(move || {
        let keystore = Keystore::from_environment()?;
        let (store, phrase) = Store::init(&data_dir, &keystore, Utc::now())?;
        drop(store);
        Ok(InitialisedStore {
            recovery_phrase: phrase.words(),
            status: triangulate_store::store_status(&data_dir, &Ok(keystore)),
        })
    })
    .await
}

/// `--data-dir DIR` or `--data-dir=DIR` from the command line, as the CLI takes it.
fn data_dir_argument(args: impl IntoIterator<Item = String>) -> Option<PathBuf> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(value) = arg.strip_prefix("--data-dir=") {
            return Some(PathBuf::from(value));
        }
    }
    None
}

pub fn run() {
    let data_dir = match DataDir::resolve(data_dir_argument(std::env::args().skip(1))) {
        Ok(dir) => dir,
        Err(error) => {
            eprintln!("triangulate-desktop: {error}");
            std::process::exit(2);
        }
    };
    let _ = std::fs::create_dir_all(data_dir.root());
    triangulate_store::init_logging(&data_dir);
    tracing::info!(data_dir = %data_dir.root().display(), "desktop app starting");
    tauri::Builder::default()
        .manage(AppState { data_dir })
        .invoke_handler(tauri::generate_handler![store_status, store_init])
        .run(tauri::generate_context!())
        .expect("the desktop app failed to start");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_main_window_may_call_exactly_the_apps_own_commands() {
        let capability: serde_json::Value = serde_json::from_str(include_str!("../capabilities/main.json")).unwrap();
        let mut allowed: Vec<String> =
            capability["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
        let mut declared: Vec<String> =
            command_names::COMMANDS.iter().map(|c| format!("allow-{}", c.replace('_', "-"))).collect();
        allowed.sort();
        declared.sort();
        assert_eq!(allowed, declared);
        assert_eq!(capability["windows"], serde_json::json!(["main"]));
    }

    #[test]
    fn the_csp_allows_only_the_apps_own_origin() {
        let config: serde_json::Value = serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        let csp = &config["app"]["security"]["csp"];
        assert_eq!(csp["default-src"], "'self'");
        assert_eq!(csp["script-src"], "'self'");
        assert_eq!(csp["object-src"], "'none'");
        assert_eq!(config["app"]["withGlobalTauri"], false);
    }

    #[test]
    fn the_data_dir_argument_takes_both_forms() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(data_dir_argument(args(&["--data-dir", "/a"])), Some(PathBuf::from("/a")));
        assert_eq!(data_dir_argument(args(&["x", "--data-dir=/b"])), Some(PathBuf::from("/b")));
        assert_eq!(data_dir_argument(args(&["--data-dir"])), None);
        assert_eq!(data_dir_argument(args(&[])), None);
    }
}
