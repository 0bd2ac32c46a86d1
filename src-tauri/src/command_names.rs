// The app's own IPC commands, named once: build.rs turns each into a permission
// (`allow-<name with dashes>`), and capabilities/main.json must allow exactly these.
pub const COMMANDS: &[&str] = &["store_status", "store_init"];
