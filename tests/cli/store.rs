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
    assert_eq!(run.json(), serde_json::json!({"status": "intact", "events": 3}));
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
