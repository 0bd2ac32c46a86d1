//! Long work's progress bar: drawn on standard error when it is a terminal (run here under
//! a pseudo-terminal by util-linux's `script`), never when standard error is piped, so
//! scripts and `--json` read exactly what they did before. Standard output is never touched.

use crate::{Setup, setup};
use std::path::Path;

/// A request with no log or captures: its exports can only be drafts.
fn draft_request() -> (Setup, String) {
    let s = setup();
    s.init();
    assert_eq!(s.run(&["worker", "set", "--name", "Rhian Evans", "--role", "osw"]).code, 0);
    let file = crate::repo_root().join("tests/fixtures/request-example.json");
    let run = s.run(&["request", "create", "--file", file.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reference = run.stdout.trim().to_string();
    (s, reference)
}

/// Runs the binary with `args` under a pseudo-terminal: what the terminal showed, both
/// streams together, and the exit code.
#[cfg(unix)]
fn on_a_terminal(s: &Setup, args: &[&str]) -> (String, i32) {
    let quote = |a: &str| format!("'{}'", a.replace('\'', r"'\''"));
    let mut line =
        vec![quote(env!("CARGO_BIN_EXE_triangulate")), "--data-dir".into(), quote(s.data_dir.to_str().unwrap())];
    line.extend(args.iter().map(|a| quote(a)));
    let output = std::process::Command::new("script")
        // A terminal wide enough for the whole step.
        .args(["-qefc", &format!("stty rows 50 cols 200; {}", line.join(" ")), "/dev/null"])
        .env("TRIANGULATE_KEYSTORE", "kernel-keyring")
        .env("TERM", "xterm-256color")
        .env_remove("TRIANGULATE_DATA_DIR")
        .env_remove("RUST_LOG")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("util-linux's script runs");
    (String::from_utf8_lossy(&output.stdout).into_owned(), output.status.code().unwrap_or(-1))
}

fn out(s: &Setup, name: &str) -> String {
    s.data_dir.parent().unwrap().join(name).to_str().unwrap().to_string()
}

#[test]
fn piped_standard_error_shows_no_progress_and_standard_output_is_as_before() {
    let (s, reference) = draft_request();
    let pdf = out(&s, "piped.pdf");
    let run = s.run(&["export", "pdf", &reference, "--out", &pdf, "--draft", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "", "nothing on a piped standard error");
    let json = run.json();
    let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["export", "path"], "{json}");
    assert_eq!(json["export"]["draft"], true);
    assert!(Path::new(&pdf).exists());

    let zip = out(&s, "piped.zip");
    let run = s.run(&["export", "bundle", &reference, "--out", &zip, "--draft"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "", "nothing on a piped standard error");
    assert!(!run.stdout.contains("Writing the bundle") && !run.stdout.contains('\u{1b}'), "{}", run.stdout);

    // A refusal says only the error, with its exit code.
    let again = s.run(&["export", "pdf", &reference, "--out", &pdf, "--draft"]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert!(!again.stderr.contains("Stopped") && !again.stderr.contains('\u{1b}'), "{}", again.stderr);
}

#[cfg(unix)]
#[test]
fn a_terminal_sees_the_progress_bar_of_an_export_and_the_result_after_it() {
    let (s, reference) = draft_request();
    let pdf = out(&s, "terminal.pdf");
    let (shown, code) = on_a_terminal(&s, &["export", "pdf", &reference, "--out", &pdf, "--draft"]);
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains(&format!("PDF {reference}: [")), "the bar with its work and request: {shown:?}");
    assert!(shown.contains("Reading the request, log and captures"), "the first step: {shown:?}");
    assert!(shown.contains("/6 "), "steps out of six: {shown:?}");
    assert!(shown.contains(&pdf), "the result after it: {shown:?}");
    assert!(Path::new(&pdf).exists());

    let zip = out(&s, "terminal.zip");
    let (shown, code) = on_a_terminal(&s, &["export", "bundle", &reference, "--out", &zip, "--draft"]);
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains(&format!("Evidence bundle {reference}: [")), "{shown:?}");
    assert!(shown.contains("Checking the audit chain"), "{shown:?}");

    // Refused: the bar is cleared and the error said, with the same exit code as when piped.
    let (shown, code) = on_a_terminal(&s, &["export", "pdf", &reference, "--out", &pdf, "--draft"]);
    assert_eq!(code, 2, "{shown}");
    assert!(shown.contains("already exists"), "{shown:?}");
}
