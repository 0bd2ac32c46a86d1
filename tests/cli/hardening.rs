//! The store under damage, rollback and careless hands: every case is reported, nothing is
//! papered over, and nothing in the data folder is readable by another user.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::{Setup, setup};

/// Every file's bytes below the data folder, logs aside (a refused command may log).
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    crate::files_below(root)
        .into_iter()
        .filter(|path| !path.starts_with(root.join("logs")))
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect()
}

pub(crate) use crate::folders::copy_folder;

pub(crate) fn restore_folder(s: &Setup, copy: &Path) {
    std::fs::remove_dir_all(&s.data_dir).unwrap();
    copy_folder(copy, &s.data_dir);
}

fn store_with_people(s: &Setup) {
    s.init();
    assert_eq!(s.run(&["worker", "set", "--name", "Rhian Evans", "--role", "aaw"]).code, 0);
    assert_eq!(s.run(&["staff", "add", "--name", "Nia Jones", "--role", "aaw"]).code, 0);
}

fn events(s: &Setup) -> u64 {
    let run = s.run(&["audit", "verify", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()["events"].as_u64().unwrap()
}

fn head_file_count(s: &Setup) -> u64 {
    let text = std::fs::read_to_string(s.data_dir.join("audit-head.json")).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["count"].as_u64().unwrap()
}

#[test]
fn an_empty_database_beside_the_stores_files_is_refused_and_nothing_changes() {
    let s = setup();
    store_with_people(&s);
    std::fs::write(s.data_dir.join("triangulate.db"), b"").unwrap();
    let before = snapshot(&s.data_dir);
    let status = s.run(&["status", "--json"]);
    assert_eq!(status.code, 1);
    assert_eq!(status.json()["state"], "damaged");
    let message = status.json()["message"].as_str().unwrap().to_string();
    assert!(message.contains("is empty") && message.contains("backup"), "{message}");
    for args in
        [&["audit", "verify"][..], &["staff", "add", "--name", "Someone Else", "--role", "aaw"], &["worker", "show"]]
    {
        let run = s.run(args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("is empty"), "{args:?}: {}", run.stderr);
    }
    assert_eq!(snapshot(&s.data_dir), before, "a refused open changed the data folder");
}

#[test]
fn a_missing_or_foreign_database_is_refused_and_init_never_replaces_the_stores_files() {
    let s = setup();
    store_with_people(&s);
    std::fs::remove_file(s.data_dir.join("triangulate.db")).unwrap();
    let before = snapshot(&s.data_dir);
    let status = s.run(&["status", "--json"]);
    assert_eq!(status.code, 1);
    assert_eq!(status.json()["state"], "damaged");
    assert!(status.json()["message"].as_str().unwrap().contains("is missing"));
    let init = s.run(&["init"]);
    assert_eq!(init.code, 1, "{}", init.stdout);
    assert!(init.stderr.contains("never replaced"), "{}", init.stderr);
    assert!(!init.stdout.contains("Recovery phrase"));
    assert_eq!(snapshot(&s.data_dir), before, "init replaced another store's files");

    // A plain SQLite file in its place is not this store's database.
    let mut plain = b"SQLite format 3\0".to_vec();
    plain.resize(4096, 0);
    std::fs::write(s.data_dir.join("triangulate.db"), &plain).unwrap();
    let run = s.run(&["audit", "verify"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("unencrypted SQLite database"), "{}", run.stderr);
    assert_eq!(std::fs::read(s.data_dir.join("triangulate.db")).unwrap(), plain);
}

#[test]
fn a_whole_data_folder_put_back_from_a_copy_is_reported_then_accepted_as_a_restore() {
    let s = setup();
    store_with_people(&s);
    let copy = tempfile::tempdir().unwrap();
    copy_folder(&s.data_dir, copy.path());
    let at_copy = events(&s);
    assert_eq!(s.run(&["staff", "add", "--name", "Gwen Thomas", "--role", "aaw"]).code, 0);
    assert_eq!(s.run(&["staff", "add", "--name", "Dafydd Price", "--role", "aaw"]).code, 0);
    let latest = events(&s);
    assert_eq!(latest, at_copy + 2);

    restore_folder(&s, copy.path());
    let verify = s.run(&["audit", "verify"]);
    assert_eq!(verify.code, 1, "{}", verify.stdout);
    assert!(
        verify.stderr.contains(&format!("holds {at_copy} events, but {latest} were recorded")),
        "{}",
        verify.stderr
    );
    assert!(verify.stderr.contains("accept-restore"), "{}", verify.stderr);
    let status = s.run(&["status", "--json"]);
    assert_eq!(status.code, 1);
    assert_eq!(status.json()["state"], "rolled_back");
    let json_error = s.run(&["request", "list", "--json"]);
    assert_eq!(json_error.code, 1);
    assert_eq!(json_error.json()["error"]["code"], "store_rolled_back");
    let refused = s.run(&["staff", "add", "--name", "Someone New", "--role", "aaw"]);
    assert_eq!(refused.code, 1, "a change was written onto a rolled-back database");

    let unnamed = s.run(&["audit", "accept-restore", "--by", " ", "--reason", ""]);
    assert_eq!(unnamed.code, 2);
    assert!(unnamed.stderr.contains("by:") && unnamed.stderr.contains("reason:"), "{}", unnamed.stderr);

    let accepted = s.run(&[
        "audit",
        "accept-restore",
        "--by",
        "Sam Okafor, IT service desk",
        "--reason",
        "Laptop rebuilt after a disk failure; data folder restored from the backup of 12 November",
        "--json",
    ]);
    assert_eq!(accepted.code, 0, "{}", accepted.stderr);
    let json = accepted.json();
    assert_eq!(json["database"]["count"], at_copy);
    assert_eq!(json["recorded"]["count"], latest);
    assert_eq!(json["head"]["count"], at_copy + 1);
    assert_eq!(json["by"], "Sam Okafor, IT service desk");
    assert_eq!(events(&s), at_copy + 1);
    assert_eq!(s.run(&["staff", "add", "--name", "Someone New", "--role", "aaw"]).code, 0);
    assert_eq!(events(&s), at_copy + 2);
    assert_eq!(head_file_count(&s), at_copy + 2);
    let again = s.run(&["audit", "accept-restore", "--by", "Sam", "--reason", "again"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("no restore to accept"), "{}", again.stderr);
}

/// Puts the recorded head (file and credential store) back to what it was, as a crash
/// between a change's commit and its head's update leaves it.
fn put_back_recorded_head(s: &Setup, file: &[u8], keystore_bytes: &[u8]) {
    std::fs::write(s.data_dir.join("audit-head.json"), file).unwrap();
    let keystore = triangulate_store::Keystore::kernel_keyring().unwrap();
    keystore.set_head(&s.store_id(), keystore_bytes).unwrap();
}

#[test]
fn a_database_one_interrupted_write_ahead_is_accepted_but_further_is_not() {
    let s = setup();
    store_with_people(&s);
    let keystore = triangulate_store::Keystore::kernel_keyring().unwrap();
    let old_file = std::fs::read(s.data_dir.join("audit-head.json")).unwrap();
    let old_keystore = keystore.get_head(&s.store_id()).unwrap().expect("the head is in the credential store");
    let before = events(&s);

    assert_eq!(s.run(&["staff", "add", "--name", "Gwen Thomas", "--role", "aaw"]).code, 0);
    put_back_recorded_head(&s, &old_file, &old_keystore);
    let status = s.run(&["status", "--json"]);
    assert_eq!(status.code, 0, "{}", status.stdout);
    assert_eq!(status.json()["state"], "ready");
    assert_eq!(head_file_count(&s), before + 1, "the head was not brought up");

    assert_eq!(s.run(&["staff", "add", "--name", "Dafydd Price", "--role", "aaw"]).code, 0);
    assert_eq!(s.run(&["staff", "add", "--name", "Ceri Jones", "--role", "aaw"]).code, 0);
    put_back_recorded_head(&s, &old_file, &old_keystore);
    let verify = s.run(&["audit", "verify"]);
    assert_eq!(verify.code, 1);
    assert!(verify.stderr.contains("were never recorded"), "{}", verify.stderr);
}

#[test]
fn parallel_writers_in_several_processes_leave_the_recorded_head_at_the_chain() {
    let s = setup();
    store_with_people(&s);
    let before = events(&s);
    let children: Vec<_> = (0..6)
        .map(|writer| {
            let script = (0..5)
                .map(|n| {
                    format!("\"$0\" --data-dir \"$1\" staff add --name 'Writer {writer}-{n}' --role aaw || exit 1")
                })
                .collect::<Vec<_>>()
                .join("; ");
            std::process::Command::new("sh")
                .arg("-c")
                .arg(script)
                .arg(env!("CARGO_BIN_EXE_triangulate"))
                .arg(&s.data_dir)
                .env("TRIANGULATE_KEYSTORE", "kernel-keyring")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    assert_eq!(events(&s), before + 30);
    assert_eq!(head_file_count(&s), before + 30);
    let keystore = triangulate_store::Keystore::kernel_keyring().unwrap();
    let recorded: serde_json::Value =
        serde_json::from_slice(&keystore.get_head(&s.store_id()).unwrap().unwrap()).unwrap();
    assert_eq!(recorded["count"], before + 30);
}

#[test]
fn a_missing_or_damaged_recovery_file_is_reported_while_the_store_still_opens() {
    let s = setup();
    let (_, phrase) = s.init();
    let recovery = s.data_dir.join("recovery-key.json");
    let good = std::fs::read(&recovery).unwrap();

    std::fs::remove_file(&recovery).unwrap();
    let status = s.run(&["status", "--json"]);
    assert_eq!(status.code, 0);
    let warning = status.json()["recovery_warning"].as_str().unwrap().to_string();
    assert!(warning.contains("is missing") && warning.contains("will be lost"), "{warning}");
    assert!(s.run(&["status"]).stdout.contains("Warning: the recovery file"));

    std::fs::write(&recovery, b"{ not json").unwrap();
    let warning = s.run(&["status", "--json"]).json()["recovery_warning"].as_str().unwrap().to_string();
    assert!(warning.contains("cannot be read"), "{warning}");

    // One bit flipped inside the wrapped key: damaged, not a wrong phrase.
    let mut json: serde_json::Value = serde_json::from_slice(&good).unwrap();
    let wrapped = json["wrapped_key"].as_str().unwrap().to_string();
    let flipped: String =
        wrapped.chars().enumerate().map(|(i, c)| if i == 10 { if c == 'A' { 'B' } else { 'A' } } else { c }).collect();
    json["wrapped_key"] = flipped.into();
    std::fs::write(&recovery, serde_json::to_vec(&json).unwrap()).unwrap();
    assert!(s.run(&["status", "--json"]).json()["recovery_warning"].as_str().unwrap().contains("damaged"));
    let recover = s.run_with_input(&["recover"], &phrase);
    assert_eq!(recover.code, 1);
    assert!(recover.stderr.contains("changed or damaged"), "{}", recover.stderr);
    assert!(!recover.stderr.contains("does not unlock"), "{}", recover.stderr);

    // While the key is still here, a new phrase makes a new recovery file that works.
    let renewed = s.run(&["renew-recovery", "--json"]);
    assert_eq!(renewed.code, 0, "{}", renewed.stderr);
    let new_phrase = renewed.json()["recovery_phrase"].as_str().unwrap().to_string();
    assert_ne!(new_phrase, phrase);
    assert_eq!(s.run(&["status", "--json"]).json()["recovery_warning"], serde_json::Value::Null);
    let keystore = triangulate_store::Keystore::kernel_keyring().unwrap();
    assert!(keystore.delete_key(&s.store_id()).unwrap());
    assert_eq!(s.run_with_input(&["recover"], &phrase).code, 2, "the old phrase still unlocks");
    let recovered = s.run_with_input(&["recover"], &new_phrase);
    assert_eq!(recovered.code, 0, "{}", recovered.stderr);
}

#[test]
fn unbounded_key_derivation_settings_are_refused_before_any_work() {
    let s = setup();
    let (_, phrase) = s.init();
    let recovery = s.data_dir.join("recovery-key.json");
    let mut json: serde_json::Value = serde_json::from_slice(&std::fs::read(&recovery).unwrap()).unwrap();
    json["kdf"]["memory_kib"] = 4_000_000_000u64.into();
    json.as_object_mut().unwrap().remove("checksum");
    std::fs::write(&recovery, serde_json::to_vec(&json).unwrap()).unwrap();
    let started = std::time::Instant::now();
    let run = s.run_with_input(&["recover"], &phrase);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("key-derivation settings"), "{}", run.stderr);
    // Refused before any derivation: well under the quarter second a real one takes.
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn recover_with_another_stores_store_json_reports_no_success() {
    let s = setup();
    let (_, phrase) = s.init();
    let other = setup();
    other.init();
    std::fs::copy(other.data_dir.join("store.json"), s.data_dir.join("store.json")).unwrap();
    let run = s.run_with_input(&["recover"], &phrase);
    assert_ne!(run.code, 0, "{}", run.stdout);
    assert!(!run.stdout.contains("opens again"), "{}", run.stdout);
    assert!(run.stderr.contains("store.json names store"), "{}", run.stderr);
}

#[test]
fn a_store_json_of_an_unknown_format_is_refused() {
    let s = setup();
    s.init();
    let path = s.data_dir.join("store.json");
    let mut json: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    json["format"] = 7.into();
    std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
    let run = s.run(&["audit", "verify"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("format 7"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn the_data_folder_and_its_files_are_private_to_their_owner_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let s = setup();
    let run_with_umask = |args: &str| {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("umask 022; exec \"$0\" --data-dir \"$1\" {args}"))
            .arg(env!("CARGO_BIN_EXE_triangulate"))
            .arg(&s.data_dir)
            .env("TRIANGULATE_KEYSTORE", "kernel-keyring")
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "{args}");
    };
    run_with_umask("init");
    run_with_umask("worker set --name 'Rhian Evans' --role aaw");
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&s.data_dir), 0o700);
    let files = crate::files_below(&s.data_dir);
    for name in ["triangulate.db", "store.json", "recovery-key.json", "audit-head.json", "logs/triangulate.log"] {
        assert!(files.contains(&s.data_dir.join(name)), "{name} was not written");
    }
    for file in &files {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    assert_eq!(mode(&s.data_dir.join("logs")), 0o700);

    // A folder an earlier version left open is made private on the next open.
    std::fs::set_permissions(&s.data_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(s.data_dir.join("recovery-key.json"), std::fs::Permissions::from_mode(0o644)).unwrap();
    run_with_umask("status");
    assert_eq!(mode(&s.data_dir), 0o700);
    assert_eq!(mode(&s.data_dir.join("recovery-key.json")), 0o600);
}
