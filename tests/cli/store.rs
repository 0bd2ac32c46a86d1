//! init, status, recover, audit verify and the worker profile through the binary.

use crate::{contains, files_below, setup};

#[test]
fn init_shows_a_twelve_word_phrase_once_and_never_replaces_the_store() {
    let s = setup();
    let run = s.run(&["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let phrase_line = run
        .stdout
        .lines()
        .map(str::trim)
        .find(|l| l.split(' ').count() == 12 && l.chars().all(|c| c.is_ascii_lowercase() || c == ' '))
        .unwrap_or_else(|| panic!("no phrase in: {}", run.stdout));
    assert!(run.stdout.contains("shown this once"));

    let again = s.run(&["init"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("never replaced"), "{}", again.stderr);
    assert!(!again.stdout.contains(phrase_line));

    // The phrase is nowhere in the data folder: not in a file, not in a log line.
    for file in files_below(&s.data_dir) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(!contains(&bytes, phrase_line), "{} holds the phrase", file.display());
    }
}

#[test]
fn status_reports_an_open_store_and_its_keystore_as_json() {
    let s = setup();
    let before = s.run(&["status", "--json"]);
    assert_eq!(before.code, 1);
    assert_eq!(before.json()["state"], "not_initialised");
    let (store_id, _) = s.init();
    let run = s.run(&["status", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["state"], "ready");
    assert_eq!(json["store_id"], store_id.as_str());
    assert_eq!(json["keystore"], "Linux kernel keyring");
    assert!(json["keystore_warning"].as_str().unwrap().contains("does not survive a reboot"));
    assert_eq!(json["audit"]["intact"], true);
    assert_eq!(json["protective_marking"], "OFFICIAL-SENSITIVE");
}

#[test]
fn audit_verify_counts_every_change() {
    let s = setup();
    s.init();
    assert_eq!(s.run(&["audit", "verify"]).stdout.trim(), "intact: 1 events");
    assert_eq!(s.run(&["worker", "set", "--name", "Aoife Ní Bhraonáin", "--role", "aaw"]).code, 0);
    assert_eq!(s.run(&["worker", "set", "--name", "Aoife Ní Bhraonáin", "--role", "aaw", "--staff-id", "7"]).code, 0);
    let run = s.run(&["audit", "verify", "--json"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.json(),
        serde_json::json!({"status": "intact", "events": 3, "rollback_ruled_out": true, "head_copies_missing": [], "rollback_warning": null})
    );
}

#[test]
fn commands_on_a_folder_with_no_store_refuse_and_point_to_init() {
    let s = setup();
    for args in [&["audit", "verify"][..], &["worker", "show"], &["worker", "set", "--name", "A", "--role", "tm"]] {
        let run = s.run(args);
        assert_eq!(run.code, 1, "{args:?}");
        assert!(run.stderr.contains("triangulate init"), "{args:?}: {}", run.stderr);
    }
    assert!(!s.data_dir.join("triangulate.db").exists());
}

#[test]
fn bad_worker_input_names_every_field_and_writes_nothing() {
    let s = setup();
    s.init();
    let run = s.run(&["worker", "set", "--name", "  ", "--role", "manager", "--staff-id", &"1".repeat(60)]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("name: Enter the worker's name"), "{}", run.stderr);
    assert!(run.stderr.contains("role: Select the role: Authorised Access Worker"), "{}", run.stderr);
    assert!(run.stderr.contains("staff_id: The staff id must be 50 characters or fewer"), "{}", run.stderr);
    assert_eq!(s.run(&["audit", "verify"]).stdout.trim(), "intact: 1 events");
    assert_eq!(s.run(&["worker", "show"]).code, 1);
}

#[test]
fn no_name_is_in_plaintext_in_the_database_or_the_logs() {
    let s = setup();
    s.init();
    let name = "Bronisława Wójcik-Ó Súilleabháin";
    let run = s.run(&["worker", "set", "--name", name, "--role", "osw", "--staff-id", "STAFF-4471"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains(name) && !run.stderr.contains(name));
    let show = s.run(&["worker", "show", "--json"]);
    assert_eq!(show.json()["name"], name, "the name reads back through the key");
    let logs = s.data_dir.join("logs").join("triangulate.log");
    assert!(std::fs::metadata(&logs).unwrap().len() > 0, "the log has lines to search");
    let files = files_below(&s.data_dir);
    assert!(files.iter().any(|f| f.ends_with("triangulate.db")));
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        for needle in [name, "Bronisława", "Wójcik", "STAFF-4471"] {
            assert!(!contains(&bytes, needle), "{needle} is readable in {}", file.display());
        }
    }
}

#[test]
fn a_lost_key_is_refused_then_recovered_from_the_phrase_read_on_standard_input() {
    let s = setup();
    let (store_id, phrase) = s.init();
    assert_eq!(s.run(&["worker", "set", "--name", "Eilidh MacLeòid", "--role", "aaw"]).code, 0);
    let keystore = triangulate_store::Keystore::kernel_keyring().unwrap();
    assert!(keystore.delete_key(&store_id).unwrap());

    let refused = s.run(&["worker", "show"]);
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("is not in the Linux kernel keyring"), "{}", refused.stderr);
    assert!(refused.stderr.contains("triangulate recover"), "{}", refused.stderr);
    // Never a new empty store in its place.
    assert_eq!(s.run(&["init"]).code, 1);

    let mut words: Vec<&str> = phrase.split(' ').collect();
    let short = words[..11].join(" ");
    let run = s.run_with_input(&["recover"], &short);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("has 11 words; it should have 12"), "{}", run.stderr);

    let original = words[2];
    words[2] = "zzzzzz";
    let run = s.run_with_input(&["recover"], &words.join(" "));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("word 3"), "{}", run.stderr);
    words[2] = original;

    let other = crate::setup();
    let (_, other_phrase) = other.init();
    let run = s.run_with_input(&["recover"], &other_phrase);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("does not unlock"), "{}", run.stderr);
    assert!(!run.stderr.contains(&other_phrase));
    assert_eq!(s.run(&["worker", "show"]).code, 1, "still locked after wrong phrases");

    let run = s.run_with_input(&["recover"], &format!("{}\n", words.join("\n")));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("the store opens again"), "{}", run.stdout);
    let show = s.run(&["worker", "show", "--json"]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert_eq!(show.json()["name"], "Eilidh MacLeòid");
    assert_eq!(s.run(&["audit", "verify"]).stdout.trim(), "intact: 3 events");
}

#[test]
fn a_wrong_key_is_refused_clearly() {
    let first = setup();
    first.init();
    let second = setup();
    second.init();
    std::fs::copy(second.data_dir.join("store.json"), first.data_dir.join("store.json")).unwrap();
    let run = first.run(&["audit", "verify"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("does not open the store"), "{}", run.stderr);
    assert!(!run.stderr.contains("x'"), "{}", run.stderr);
    assert!(!run.stderr.contains("ERROR CORE"), "SQLCipher's own log stays quiet: {}", run.stderr);
}

fn keyring() -> triangulate_store::Keystore {
    triangulate_store::Keystore::kernel_keyring().unwrap()
}

/// The count of the head's copy in the credential store, if it has one.
fn keyring_head(s: &crate::Setup) -> Option<u64> {
    let bytes = keyring().get_head(&s.store_id()).unwrap()?;
    serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()["count"].as_u64()
}

/// The count of the head's copy in the data folder, if it has one.
fn file_head(s: &crate::Setup) -> Option<u64> {
    let text = std::fs::read_to_string(s.data_dir.join("audit-head.json")).ok()?;
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["count"].as_u64()
}

fn events(s: &crate::Setup) -> u64 {
    let run = s.run(&["audit", "verify", "--json"]);
    run.json()["events"].as_u64().unwrap()
}

/// `audit verify` and `status` say that a rollback cannot be ruled out, naming the copy.
fn says_rollback_cannot_be_ruled_out(s: &crate::Setup, copy: &str, named: &str) {
    let verify = s.run(&["audit", "verify"]);
    assert_eq!(verify.code, 1, "a script must not read this as good: {}", verify.stdout);
    assert!(verify.stdout.starts_with("intact: "), "{}", verify.stdout);
    assert!(verify.stderr.contains("can no longer be ruled out") && verify.stderr.contains(named), "{}", verify.stderr);
    assert!(verify.stderr.contains("triangulate audit accept-head --by NAME --reason TEXT"), "{}", verify.stderr);
    let json = s.run(&["audit", "verify", "--json"]);
    assert_eq!(json.code, 1);
    let json = json.json();
    assert_eq!(json["status"], "intact");
    assert_eq!(json["rollback_ruled_out"], false);
    assert_eq!(json["head_copies_missing"], serde_json::json!([copy]));
    let status = s.run(&["status", "--json"]);
    assert_eq!(status.code, 0, "the store is usable: {}", status.stderr);
    let status = status.json();
    assert_eq!(status["state"], "ready");
    let warning = status["rollback_warning"].as_str().unwrap_or_else(|| panic!("no rollback_warning: {status}"));
    assert!(warning.contains("can no longer be ruled out") && warning.contains(named), "{warning}");
    let text = s.run(&["status"]).stdout;
    assert!(text.contains("Warning: a rollback to an earlier copy"), "{text}");
    assert!(text.contains("triangulate audit accept-head --by NAME --reason TEXT"), "{text}");
}

#[test]
fn a_rollback_is_never_ruled_out_silently_when_the_credential_stores_head_is_gone() {
    let s = setup();
    s.init();
    assert_eq!(s.run(&["worker", "set", "--name", "Rhian Evans", "--role", "aaw"]).code, 0);
    let copy = tempfile::tempdir().unwrap();
    crate::hardening::copy_folder(&s.data_dir, copy.path());
    let at_copy = events(&s);
    for name in ["Gwen Thomas", "Dafydd Price", "Ceri Jones"] {
        assert_eq!(s.run(&["staff", "add", "--name", name, "--role", "aaw"]).code, 0);
    }
    // The folder put back from the copy, and the credential store's copy gone, as a restart
    // of a laptop on the kernel keyring leaves it.
    crate::hardening::restore_folder(&s, copy.path());
    keyring().delete_head(&s.store_id()).unwrap();
    assert_eq!(events(&s), at_copy, "the chain is whole: only the head could tell");
    says_rollback_cannot_be_ruled_out(&s, "credential_store", "Linux kernel keyring (which loses it at every restart)");
    assert_eq!(keyring_head(&s), None, "no command made the copy again");

    // Changes go on; the copy that is there follows them, the missing one stays missing.
    assert_eq!(s.run(&["staff", "add", "--name", "Someone New", "--role", "aaw"]).code, 0);
    assert_eq!(keyring_head(&s), None);
    assert_eq!(file_head(&s), Some(at_copy + 1));
    says_rollback_cannot_be_ruled_out(&s, "credential_store", "Linux kernel keyring");

    let restore = s.run(&["audit", "accept-restore", "--by", "Sam", "--reason", "restart"]);
    assert_eq!(restore.code, 1, "no restore shows: nothing to accept as one");
    assert!(restore.stderr.contains("accept-head"), "{}", restore.stderr);
    assert_eq!(keyring_head(&s), None);
    let unnamed = s.run(&["audit", "accept-head", "--by", " ", "--reason", ""]);
    assert_eq!(unnamed.code, 2);
    assert!(unnamed.stderr.contains("by:") && unnamed.stderr.contains("reason:"), "{}", unnamed.stderr);
    assert_eq!(keyring_head(&s), None);
    let accepted = s.run(&[
        "audit",
        "accept-head",
        "--by",
        "Sam Okafor, IT service desk",
        "--reason",
        "Laptop restarted; the data folder was not restored",
        "--json",
    ]);
    assert_eq!(accepted.code, 0, "{}", accepted.stderr);
    let json = accepted.json();
    assert_eq!(json["by"], "Sam Okafor, IT service desk");
    assert_eq!(json["missing"], serde_json::json!(["credential_store"]));
    assert_eq!(json["database"]["count"], at_copy + 1);
    assert_eq!(json["head"]["count"], at_copy + 2, "the acceptance is in the chain");
    assert_eq!(keyring_head(&s), Some(at_copy + 2));
    assert_eq!(file_head(&s), Some(at_copy + 2));
    let verify = s.run(&["audit", "verify", "--json"]);
    assert_eq!(verify.code, 0, "{}", verify.stderr);
    assert_eq!(
        verify.json(),
        serde_json::json!({"status": "intact", "events": at_copy + 2, "rollback_ruled_out": true, "head_copies_missing": [], "rollback_warning": null})
    );
    assert_eq!(s.run(&["status", "--json"]).json()["rollback_warning"], serde_json::Value::Null);
    let again = s.run(&["audit", "accept-head", "--by", "Sam", "--reason", "again"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("nothing to accept"), "{}", again.stderr);
}

#[test]
fn a_missing_head_file_is_said_and_the_credential_stores_copy_still_catches_a_rollback() {
    let s = setup();
    s.init();
    assert_eq!(s.run(&["worker", "set", "--name", "Rhian Evans", "--role", "aaw"]).code, 0);
    let copy = tempfile::tempdir().unwrap();
    crate::hardening::copy_folder(&s.data_dir, copy.path());
    std::fs::remove_file(s.data_dir.join("audit-head.json")).unwrap();
    says_rollback_cannot_be_ruled_out(&s, "data_folder", "audit-head.json");
    assert_eq!(s.run(&["staff", "add", "--name", "Gwen Thomas", "--role", "aaw"]).code, 0);
    assert!(!s.data_dir.join("audit-head.json").exists(), "no command made the copy again");
    let latest = events(&s);
    assert_eq!(keyring_head(&s), Some(latest), "the credential store's copy follows the chain");

    // Put back from the copy: the credential store's copy still shows it.
    crate::hardening::restore_folder(&s, copy.path());
    std::fs::remove_file(s.data_dir.join("audit-head.json")).unwrap();
    let verify = s.run(&["audit", "verify"]);
    assert_eq!(verify.code, 1);
    assert!(verify.stderr.contains(&format!("but {latest} were recorded")), "{}", verify.stderr);
    let refused = s.run(&["audit", "accept-head", "--by", "Sam", "--reason", "restart"]);
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("accept-restore"), "{}", refused.stderr);
    assert_eq!(s.run(&["status", "--json"]).json()["state"], "rolled_back");
}

#[test]
fn after_a_restart_on_the_kernel_keyring_the_store_is_recovered_and_usable_and_says_what_it_cannot_rule_out() {
    let s = setup();
    let (store_id, phrase) = s.init();
    assert_eq!(s.run(&["worker", "set", "--name", "Rhian Evans", "--role", "aaw"]).code, 0);
    // A restart empties the kernel keyring: the key and the head's copy both go.
    assert!(keyring().delete_key(&store_id).unwrap());
    keyring().delete_head(&store_id).unwrap();
    let run = s.run_with_input(&["recover"], &phrase);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("the store opens again"), "{}", run.stdout);
    assert!(run.stdout.contains("Warning: a rollback to an earlier copy"), "{}", run.stdout);
    assert!(run.stdout.contains("triangulate audit accept-head"), "{}", run.stdout);
    assert_eq!(keyring_head(&s), None, "recovering the key does not vouch for the folder");
    says_rollback_cannot_be_ruled_out(&s, "credential_store", "which loses it at every restart");
    assert_eq!(
        s.run(&["staff", "add", "--name", "Gwen Thomas", "--role", "aaw"]).code,
        0,
        "the store is usable meanwhile"
    );
    let accepted = s.run(&["audit", "accept-head", "--by", "Rhian Evans", "--reason", "Restarted the laptop"]);
    assert_eq!(accepted.code, 0, "{}", accepted.stderr);
    assert!(accepted.stdout.contains("both copies of the audit head are made again"), "{}", accepted.stdout);
    assert_eq!(s.run(&["audit", "verify"]).code, 0);
}

#[test]
fn an_event_dated_before_the_one_before_it_is_reported_by_audit_verify_and_the_store_still_opens() {
    let s = setup();
    s.init();
    assert_eq!(s.run(&["worker", "set", "--name", "Rhian Evans", "--role", "aaw"]).code, 0);
    let faked = crate::Run::from(
        s.command(&["staff", "add", "--name", "Gwen Thomas", "--role", "aaw"])
            .env("LD_PRELOAD", "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")
            .env("FAKETIME", "+2200d")
            .output()
            .unwrap(),
    );
    assert_eq!(faked.code, 0, "{}", faked.stderr);
    assert_eq!(s.run(&["staff", "add", "--name", "Dafydd Price", "--role", "aaw"]).code, 0);
    let later = (chrono::Utc::now() + chrono::Duration::days(2200)).format("%Y-%m-%d").to_string();
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let verify = s.run(&["audit", "verify"]);
    assert_eq!(verify.code, 1, "{}", verify.stdout);
    let line = verify.stdout.trim();
    assert!(line.starts_with("broken at event 4: event 4 is dated "), "{line}");
    assert!(
        line.contains(&format!("event 4 is dated {today}"))
            && line.contains(&format!("event 3 before it, dated {later}")),
        "{line}"
    );
    // The store opens and works; status says it in its audit line.
    let status = s.run(&["status", "--json"]);
    assert_eq!(status.code, 0);
    let status = status.json();
    assert_eq!(status["state"], "ready");
    assert_eq!(status["audit"]["intact"], false);
    assert!(status["audit"]["message"].as_str().unwrap().contains("the clock was set back"), "{status}");
    assert_eq!(s.run(&["worker", "show"]).code, 0);
}
