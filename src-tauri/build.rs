// The app's own commands are declared here so that tauri-build generates one permission per
// command; capabilities/main.json then allows exactly these and nothing else.
include!("src/command_names.rs");

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run the Tauri build script");
}
