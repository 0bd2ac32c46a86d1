// The app's own IPC commands by name, for build.rs: it turns each into a permission
// (`allow-<name with dashes>`), and capabilities/main.json must allow exactly these. The
// contract (src-tauri/crates/ipc) declares them; a test there checks this list against it.
pub const COMMANDS: &[&str] = &[
    "store_status",
    "store_init",
    "store_renew_recovery",
    "worker_profile_get",
    "worker_profile_set",
    "aaw_list",
    "aaw_register",
    "request_list",
    "request_get",
    "request_step",
    "draft_start",
    "draft_get",
    "draft_save",
    "draft_check",
    "draft_commit",
    "draft_discard",
    "account_list",
    "account_add",
    "authorisation_add",
    "session_start",
    "session_get",
    "session_resume",
    "session_end",
    "capture_take",
];
