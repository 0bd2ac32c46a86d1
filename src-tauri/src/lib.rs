//! The Triangulate desktop app: a thin Tauri shell over the IPC contract. Every command in
//! `triangulate_ipc::for_each_command!` becomes a Tauri command that runs its body on a
//! blocking thread (credential stores must not be called on async workers), so the event
//! loop stays free and long work's progress events reach the window while it runs.
//!
//! The same binary is a session's recorder: started as `triangulate-desktop --data-dir DIR
//! --record-session ID` (its order on standard input), it opens no window, owns the
//! session's browser and records its trail, and outlives the window and any reload of it.

use std::path::PathBuf;
use std::sync::Arc;
use triangulate_app::{DataDir, Host, KeptStore, OpenStore, RecorderOrder};
use triangulate_ipc::IpcError;

#[cfg(test)]
mod command_names;

/// The flag that starts the recorder mode.
pub const RECORD_SESSION_FLAG: &str = "--record-session";

/// The event the main window hears when the capture shortcut is pressed anywhere (the
/// worker is looking at the session's browser): the session screen then captures exactly as
/// its button does.
pub const CAPTURE_SHORTCUT_EVENT: &str = "capture-shortcut";

/// The desktop's host: the data folder chosen at start, the system clock, the store kept
/// open for the whole run, this binary's recorder mode, and the app whose main window hears
/// long work's progress.
pub struct DesktopHost {
    data_dir: DataDir,
    store: KeptStore,
    /// The binary whose recorder mode records sessions: this one, unless a test says.
    executable: Option<PathBuf>,
    /// Set once the app has started; progress before then (none) goes nowhere.
    app: std::sync::OnceLock<tauri::AppHandle>,
}

impl DesktopHost {
    pub fn new(data_dir: DataDir) -> DesktopHost {
        DesktopHost { data_dir, store: KeptStore::default(), executable: None, app: std::sync::OnceLock::new() }
    }

    /// A host whose recorders are started from `executable` (the desktop binary under test).
    pub fn with_executable(data_dir: DataDir, executable: PathBuf) -> DesktopHost {
        DesktopHost { executable: Some(executable), ..DesktopHost::new(data_dir) }
    }

    /// The app whose main window is told of long work's progress.
    pub fn attach(&self, app: tauri::AppHandle) {
        let _ = self.app.set(app);
    }
}

impl Host for DesktopHost {
    fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }

    fn clock(&self) -> triangulate_app::host::Clock {
        Arc::new(chrono::Utc::now)
    }

    fn store(&self) -> triangulate_app::Result<OpenStore<'_>> {
        self.store.open(&self.data_dir)
    }

    fn start_recorder(&self, order: &RecorderOrder) -> triangulate_app::Result<()> {
        triangulate_app::spawn_recorder_process(
            &self.data_dir,
            self.executable.as_deref(),
            &["--data-dir".into(), self.data_dir.root().into(), RECORD_SESSION_FLAG.into()],
            order,
        )
    }

    /// Sent to the main window as an event while the command runs on its blocking thread, so
    /// the window draws it as the work goes on.
    fn progress(&self, report: &triangulate_app::Progress) {
        use tauri::Emitter;
        if let Some(app) = self.app.get()
            && let Err(error) = app.emit_to("main", triangulate_ipc::PROGRESS_EVENT, report)
        {
            tracing::debug!("a progress report did not reach the window: {error}");
        }
    }
}

/// What the desktop needs for its whole life.
struct AppState {
    host: Arc<DesktopHost>,
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, IpcError> + Send + 'static,
) -> Result<T, IpcError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| IpcError::internal(format!("the command stopped unexpectedly: {e}")))?
}

macro_rules! desktop_commands {
    ($($name:ident($args:ty) -> $response:ty;)*) => {
        $(
            #[tauri::command]
            async fn $name(state: tauri::State<'_, AppState>, args: $args) -> Result<$response, IpcError> {
                let host = state.host.clone();
                blocking(move || {
                    let result = triangulate_ipc::commands::$name(&*host, args);
                    if let Err(error) = &result {
                        tracing::info!(command = stringify!($name), code = ?error.code, "command refused");
                    }
                    result
                })
                .await
            }
        )*

        fn invoke_handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }
    };
}
triangulate_ipc::for_each_command!(desktop_commands);

/// `--data-dir DIR` or `--data-dir=DIR` from the command line, as the CLI takes it; a flag
/// with no folder is an error, never the default store.
fn data_dir_argument(args: impl IntoIterator<Item = String>) -> Result<Option<PathBuf>, String> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let value = if arg == "--data-dir" {
            args.next().filter(|v| !v.starts_with("--"))
        } else if let Some(value) = arg.strip_prefix("--data-dir=") {
            Some(value.to_string())
        } else {
            continue;
        };
        return match value.filter(|v| !v.trim().is_empty()) {
            Some(value) => Ok(Some(PathBuf::from(value))),
            None => Err("--data-dir needs a folder, for example --data-dir /tmp/triangulate-demo".into()),
        };
    }
    Ok(None)
}

pub fn run() {
    let argument = data_dir_argument(std::env::args().skip(1)).unwrap_or_else(|error| {
        eprintln!("triangulate-desktop: {error}");
        std::process::exit(2);
    });
    let data_dir = match DataDir::resolve(argument) {
        Ok(dir) => dir,
        Err(error) => {
            eprintln!("triangulate-desktop: {error}");
            std::process::exit(2);
        }
    };
    let _ = std::fs::create_dir_all(data_dir.root());
    triangulate_app::init_logging(&data_dir);
    if std::env::args().any(|a| a == RECORD_SESSION_FLAG) {
        // The recorder mode: no window.
        let host = DesktopHost::new(data_dir);
        if let Err(error) = triangulate_app::recorder::run_from_stdin(host.data_dir(), host.clock()) {
            eprintln!("triangulate-desktop: {error}");
            std::process::exit(1);
        }
        return;
    }
    tracing::info!(data_dir = %data_dir.root().display(), "desktop app starting");
    let host = Arc::new(DesktopHost::new(data_dir));
    let attached = host.clone();
    // The policy's capture shortcut; a policy that cannot be read leaves the embedded one.
    let shortcut = host.policy().map(|p| p.capture.shortcut).unwrap_or_else(|error| {
        tracing::warn!("the capture shortcut is the embedded one: {error}");
        triangulate_core::Policy::default().capture.shortcut
    });
    tauri::Builder::default()
        // The save dialog for exports and opening an exported PDF: granted to the main window
        // only, the opener for PDF files only (capabilities/main.json).
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        // The capture shortcut, registered here from the policy; the page cannot register
        // or unregister any (no global-shortcut permission is granted to it).
        .plugin(
            tauri_plugin_global_shortcut::Builder::new()
                .with_handler(|app, _shortcut, event| {
                    use tauri::Emitter;
                    if event.state == tauri_plugin_global_shortcut::ShortcutState::Pressed {
                        let _ = app.emit_to("main", CAPTURE_SHORTCUT_EVENT, ());
                    }
                })
                .build(),
        )
        .setup(move |app| {
            use tauri_plugin_global_shortcut::GlobalShortcutExt;
            attached.attach(app.handle().clone());
            match app.global_shortcut().register(shortcut.as_str()) {
                Ok(()) => tracing::info!(shortcut, "capture shortcut registered"),
                Err(error) => tracing::warn!(shortcut, "the capture shortcut could not be registered: {error}"),
            }
            Ok(())
        })
        .manage(AppState { host })
        .invoke_handler(invoke_handler())
        .run(tauri::generate_context!())
        .expect("the desktop app failed to start");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_main_window_may_call_exactly_the_apps_own_commands() {
        let capability: serde_json::Value = serde_json::from_str(include_str!("../capabilities/main.json")).unwrap();
        let permissions = capability["permissions"].as_array().unwrap();
        let allowed: Vec<String> =
            permissions.iter().filter_map(|p| p.as_str()).filter(|p| !p.contains(':')).map(str::to_string).collect();
        let declared: Vec<String> =
            triangulate_ipc::COMMANDS.iter().map(|c| format!("allow-{}", c.replace('_', "-"))).collect();
        assert_eq!(allowed, declared, "the capability allows exactly the contract's commands, in its order");
        // Of the plugins, the save and open dialogs, and opening PDF files; of the core, hearing the
        // capture shortcut's event and keeping the window on top during a session: nothing else.
        let plugin: Vec<&serde_json::Value> =
            permissions.iter().filter(|p| p.as_str().is_none_or(|p| p.contains(':'))).collect();
        assert_eq!(
            plugin,
            [
                &serde_json::json!("dialog:allow-save"),
                &serde_json::json!("dialog:allow-open"),
                &serde_json::json!({ "identifier": "opener:allow-open-path", "allow": [{ "path": "**/*.[pP][dD][fF]" }] }),
                &serde_json::json!("core:event:allow-listen"),
                &serde_json::json!("core:event:allow-unlisten"),
                &serde_json::json!("core:window:allow-set-always-on-top"),
            ]
        );
        assert_eq!(command_names::COMMANDS, triangulate_ipc::COMMANDS, "build.rs names the same commands");
        assert_eq!(capability["windows"], serde_json::json!(["main"]));
        let files: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/capabilities"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(files, ["main.json"], "Tauri loads every file in capabilities/: there is one");
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
    fn the_only_plugins_are_the_dialog_the_opener_and_the_global_shortcut() {
        let manifest = include_str!("../Cargo.toml");
        let plugins: Vec<&str> =
            manifest.lines().filter(|l| l.starts_with("tauri-plugin")).map(|l| l.split(' ').next().unwrap()).collect();
        assert_eq!(
            plugins,
            ["tauri-plugin-dialog", "tauri-plugin-opener", "tauri-plugin-global-shortcut"],
            "no shell, file-system or other plugin"
        );
    }

    #[test]
    fn the_data_dir_argument_takes_both_forms() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(data_dir_argument(args(&["--data-dir", "/a"])), Ok(Some(PathBuf::from("/a"))));
        assert_eq!(data_dir_argument(args(&["x", "--data-dir=/b"])), Ok(Some(PathBuf::from("/b"))));
        assert!(data_dir_argument(args(&["--data-dir"])).is_err());
        assert!(data_dir_argument(args(&["--data-dir="])).is_err());
        assert!(data_dir_argument(args(&["--data-dir", "--other"])).is_err());
        assert_eq!(data_dir_argument(args(&[])), Ok(None));
    }
}
