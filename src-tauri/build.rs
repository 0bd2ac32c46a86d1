// The app's own commands are declared here so that tauri-build generates one permission per
// command; capabilities/main.json then allows exactly these and nothing else.
fn main() {
    let commands: &[&str] = &["store_status", "store_init"];
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("failed to run the Tauri build script");
}
