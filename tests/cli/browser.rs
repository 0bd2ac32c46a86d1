//! The browser for captures through the command line, as scripts use it: `browser show`,
//! `set PATH` and `forget` (exit codes, JSON keys), the choice kept in the worker's name and
//! audited, TRIANGULATE_BROWSER and --browser before it, and a session start with no browser
//! at all refused before anything is written.

use std::path::{Path, PathBuf};

use crate::fixture_site;
use crate::{Run, Setup, setup};

/// The command on a machine whose environment names no browser and whose PATH has none.
fn bare(s: &Setup, args: &[&str], empty: &Path) -> Run {
    Run::from(s.command(args).env_remove("TRIANGULATE_BROWSER").env("PATH", empty).output().unwrap())
}

/// A program file at `path`.
fn program(path: PathBuf) -> PathBuf {
    std::fs::write(&path, b"#!/bin/sh\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    path
}

/// A folder with nothing in it, for PATH.
fn nothing(s: &Setup) -> PathBuf {
    let empty = s.data_dir.parent().unwrap().join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    empty
}

/// The audit chain's actions, oldest first.
fn actions(s: &Setup) -> Vec<String> {
    let store = triangulate_store::Store::open(
        &triangulate_store::DataDir::new(&s.data_dir),
        &triangulate_store::Keystore::kernel_keyring().unwrap(),
    )
    .unwrap();
    let mut statement = store.connection_for_tests().prepare("SELECT action FROM audit_events ORDER BY seq").unwrap();
    statement.query_map([], |row| row.get(0)).unwrap().map(Result::unwrap).collect()
}

#[test]
fn a_browser_chosen_for_the_laptop_is_shown_kept_in_the_workers_name_audited_and_forgotten() {
    let s = setup();
    s.init();
    s.staff();
    assert_eq!(s.run(&["worker", "set", "--name", "Sam Patel", "--role", "aaw"]).code, 0);
    let folder = s.data_dir.parent().unwrap().to_path_buf();
    let empty = nothing(&s);
    let edge = program(folder.join("msedge.exe"));

    // Nothing found and nothing chosen: exit 1, the JSON says why, the hint says how.
    let run = bare(&s, &["browser", "show", "--json"], &empty);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let shown = run.json();
    assert_eq!(shown["in_use"], serde_json::Value::Null);
    assert_eq!(shown["chosen"], serde_json::Value::Null);
    assert_eq!(shown["found"], serde_json::Value::Null);
    assert!(shown["problem"].as_str().unwrap().contains("install Microsoft Edge or Google Chrome"), "{shown}");
    assert!(run.stderr.contains("`triangulate browser set PATH`"), "{}", run.stderr);

    // A file that is not there is refused on its field (exit 2), and nothing is kept.
    let before = actions(&s).len();
    let missing = folder.join("chrome.exe");
    let run = bare(&s, &["browser", "set", missing.to_str().unwrap(), "--json"], &empty);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let error = &run.json()["error"];
    assert_eq!(error["code"], "invalid_fields");
    assert_eq!(error["fields"][0]["field"], "path");
    assert!(error["fields"][0]["message"].as_str().unwrap().contains("There is no file at"), "{error}");
    let run = bare(&s, &["browser", "set", folder.to_str().unwrap()], &empty);
    assert_eq!(run.code, 2, "a folder: {}", run.stderr);
    assert!(run.stderr.contains("is a folder"), "{}", run.stderr);
    assert_eq!(actions(&s).len(), before, "nothing was written");

    // Chosen: kept whole (a relative path from the folder it was typed in), in Sam's name.
    let run = Run::from(
        s.command(&["browser", "set", "msedge.exe", "--json"])
            .current_dir(&folder)
            .env_remove("TRIANGULATE_BROWSER")
            .env("PATH", &empty)
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = run.json();
    assert_eq!(shown["in_use"]["source"], "chosen");
    assert_eq!(shown["in_use"]["browser"]["name"], "Microsoft Edge");
    assert_eq!(shown["in_use"]["browser"]["path"], edge.to_str().unwrap());
    assert_eq!(shown["in_use"]["in_words"], format!("Captures will use Microsoft Edge at {}", edge.display()));
    assert_eq!(shown["chosen"]["chosen_by"]["name"], "Sam Patel");
    assert_eq!(shown["chosen"]["chosen_by"]["staff_id"], "S-104");
    assert_eq!(shown["chosen"]["present"], true);
    assert_eq!(actions(&s).last().unwrap(), "browser.choose");
    let run = bare(&s, &["browser", "show"], &empty);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(&format!("Captures will use Microsoft Edge at {}.", edge.display())), "{}", run.stdout);
    assert!(run.stdout.contains("It is the one chosen for this laptop."), "{}", run.stdout);

    // TRIANGULATE_BROWSER comes before the choice, which is kept behind it.
    let chromium = program(folder.join("chromium"));
    let run = Run::from(
        s.command(&["browser", "show", "--json"])
            .env("TRIANGULATE_BROWSER", &chromium)
            .env("PATH", &empty)
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = run.json();
    assert_eq!(shown["in_use"]["source"], "environment");
    assert_eq!(shown["environment"]["path"], chromium.to_str().unwrap());
    assert_eq!(shown["chosen"]["browser"]["path"], edge.to_str().unwrap());

    // Forgotten: the first installed again (here, none); forgetting nothing is refused.
    let run = bare(&s, &["browser", "forget", "--json"], &empty);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["chosen"], serde_json::Value::Null);
    assert_eq!(actions(&s).last().unwrap(), "browser.forget");
    let run = bare(&s, &["browser", "forget"], &empty);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("no browser has been chosen"), "{}", run.stderr);
    assert_eq!(bare(&s, &["browser", "show"], &empty).code, 1);
    assert_eq!(s.run(&["audit", "verify"]).code, 0);
}

#[test]
fn a_session_start_with_no_browser_is_refused_before_anything_is_written_and_the_given_one_comes_first() {
    let site = fixture_site::start();
    let (s, reference) = crate::capture::ready_with(&site, None, |_| {});
    let empty = nothing(&s);
    let start =
        ["session", "start", &reference, "--subject", "1", "--account", "1", "--headless", "--confirm-conditions"];
    let before = actions(&s).len();

    let run = bare(&s, &[&start[..], &["--json"]].concat(), &empty);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let error = &run.json()["error"];
    assert_eq!(error["code"], "browser_failed");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("no browser for captures was found on this laptop"), "{message}");
    assert!(message.contains("in Settings, under \"Browser for captures\""), "{message}");
    assert!(!message.contains("--browser"), "the message names no flag: {message}");
    assert!(error["hint"].as_str().unwrap().contains("`triangulate browser set PATH`"), "{error}");
    assert_eq!(actions(&s).len(), before, "no session was recorded");
    let shown = s.run(&["request", "show", &reference, "--json"]).json();
    assert_eq!(shown["state"], "legitimacy_confirmed");

    // A browser given to the command comes before the laptop's choice: one that is not there
    // is refused by its path, never swapped for the chosen one.
    let chosen = program(s.data_dir.parent().unwrap().join("chrome.exe"));
    assert_eq!(bare(&s, &["browser", "set", chosen.to_str().unwrap()], &empty).code, 0);
    let before = actions(&s).len();
    let run = bare(&s, &[&start[..], &["--browser", "/no/such/browser"]].concat(), &empty);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("the browser given, /no/such/browser, is not a file on this laptop"), "{}", run.stderr);
    assert_eq!(actions(&s).len(), before, "no session was recorded");
}
