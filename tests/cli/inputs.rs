//! Hostile and careless inputs: every mistake in a file at once, bounded sizes, no control
//! character in a stored address, and human output that stays inert whatever the store holds.

use serde_json::{Value, json};

use crate::{Setup, setup};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../tests/fixtures/request-example.json");

fn example() -> Value {
    serde_json::from_str(&std::fs::read_to_string(EXAMPLE).unwrap()).unwrap()
}

fn with_worker() -> Setup {
    let s = setup();
    s.init();
    s.staff();
    assert_eq!(s.run(&["worker", "set", "--name", "Sam Patel", "--role", "aaw"]).code, 0);
    s
}

fn write_file(s: &Setup, name: &str, bytes: &[u8]) -> String {
    let path = s.data_dir.parent().unwrap().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

fn events(s: &Setup) -> u64 {
    s.run(&["audit", "verify", "--json"]).json()["events"].as_u64().unwrap()
}

/// The field names of the error, as the command lists them on standard error.
fn fields(run: &crate::Run) -> Vec<String> {
    run.stderr
        .lines()
        .filter_map(|line| line.strip_prefix("  "))
        .filter_map(|line| line.split_once(": ").map(|(field, _)| field.to_string()))
        .collect()
}

#[test]
fn every_mistake_in_a_request_file_is_reported_at_once_parsing_included() {
    let s = with_worker();
    let before = events(&s);
    let mut request = example();
    request["reason"] = "curiosity".into();
    request["case_reference"] = "".into();
    request["period"] = json!({"from": "2026-06-01", "to": "2026-01-01"});
    request["scope"] = "monitoring".into();
    request["subjects"][0]["name"] = Value::Null;
    request["subjects"][0]["profiles"][0]["url"] = "javascript:alert(1)".into();
    request["subjects"][1]["role"] = 7.into();
    request["colour"] = "blue".into();
    let file = write_file(&s, "request.json", request.to_string().as_bytes());
    let run = s.run(&["request", "create", "--file", &file]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let named = fields(&run);
    for field in [
        "reason",
        "case_reference",
        "period.to",
        "monitoring_justification",
        "subjects[1].name",
        "subjects[1].profiles[1].url",
        "subjects[2].role",
        "colour",
    ] {
        assert!(named.iter().any(|f| f == field), "{field} missing from {named:?}");
    }
    assert!(run.stderr.contains("\"curiosity\" is not one of the reasons"), "{}", run.stderr);
    assert_eq!(events(&s), before, "something was written");
}

#[test]
fn a_byte_order_mark_is_accepted_and_a_file_that_is_too_big_is_not_read_whole() {
    let s = with_worker();
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(std::fs::read(EXAMPLE).unwrap());
    let file = write_file(&s, "notepad.json", &bytes);
    let run = s.run(&["request", "create", "--file", &file]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    // An endless file: refused with a file-level message, not read until memory runs out.
    let run = s.run(&["request", "create", "--file", "/dev/zero"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("file:") && run.stderr.contains("MB"), "{}", run.stderr);
}

#[test]
fn the_number_of_people_and_the_length_of_an_address_are_bounded() {
    let s = with_worker();
    let before = events(&s);
    let mut request = example();
    let person = request["subjects"][0].clone();
    request["subjects"] = Value::Array(vec![person; 2_000]);
    request["subjects"][0]["profiles"][0]["url"] = format!("https://www.facebook.com/{}", "a".repeat(3000)).into();
    let file = write_file(&s, "big.json", request.to_string().as_bytes());
    let run = s.run(&["request", "create", "--file", &file]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let named = fields(&run);
    assert!(named.iter().any(|f| f == "subjects"), "{named:?}");
    assert!(named.iter().any(|f| f == "subjects[1].profiles[1].url"), "{named:?}");
    assert!(named.len() < 100, "every person was reported on: {}", named.len());
    assert_eq!(events(&s), before);
}

#[test]
fn control_and_invisible_characters_are_refused_where_they_do_harm() {
    let s = with_worker();
    let before = events(&s);
    let mut request = example();
    request["subjects"][0]["profiles"][0]["url"] = "https://www.facebook.com/anna\u{1b}[2J\u{1b}]0;owned\u{7}".into();
    request["subjects"][1]["profiles"][0]["url"] = "https://www.instagram.com/piotr\nSubject 9: FORGED LINE".into();
    request["subjects"][1]["name"] = "\u{200b}\u{200b}\u{200b}".into();
    request["team_manager"]["name"] = "Gwen \u{202e}samohT".into();
    let file = write_file(&s, "hostile.json", request.to_string().as_bytes());
    let run = s.run(&["request", "create", "--file", &file]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let named = fields(&run);
    for field in ["subjects[1].profiles[1].url", "subjects[2].profiles[1].url", "subjects[2].name", "team_manager.name"]
    {
        assert!(named.iter().any(|f| f == field), "{field} missing from {named:?}");
    }
    assert!(!run.stderr.contains('\u{1b}'), "the message echoed the escape character raw");
    assert_eq!(events(&s), before);
}

#[test]
fn paragraphs_are_kept_in_free_text_and_tabs_are_still_refused() {
    let s = with_worker();
    let mut request = example();
    request["concern"] = "First paragraph.\r\n\r\nSecond paragraph,\nwith a second line.".into();
    let file = write_file(&s, "paragraphs.json", request.to_string().as_bytes());
    let run = s.run(&["request", "create", "--file", &file]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reference = run.stdout.trim().to_string();
    let shown = s.run(&["request", "show", &reference, "--json"]).json();
    assert_eq!(shown["request"]["concern"], "First paragraph.\n\nSecond paragraph,\nwith a second line.");

    request["triangulation"] = "Column\tcolumn".into();
    let file = write_file(&s, "tabs.json", request.to_string().as_bytes());
    let run = s.run(&["request", "create", "--file", &file]);
    assert_eq!(run.code, 2);
    assert_eq!(fields(&run), vec!["triangulation".to_string()]);
}

/// Puts text into a stored request as only someone with the key could: the second wall is
/// for what the first did not stop, or what an earlier version let in.
fn plant(s: &Setup, reference: &str, change: impl Fn(&mut Value)) {
    let keystore = triangulate_store::Keystore::kernel_keyring().unwrap();
    let store = triangulate_store::Store::open(&triangulate_store::DataDir::new(&s.data_dir), &keystore).unwrap();
    let conn = store.connection_for_tests();
    let content: String =
        conn.query_row("SELECT content FROM requests WHERE reference = ?1", [reference], |row| row.get(0)).unwrap();
    let mut value: Value = serde_json::from_str(&content).unwrap();
    change(&mut value);
    conn.execute("UPDATE requests SET content = ?1 WHERE reference = ?2", [value.to_string(), reference.to_string()])
        .unwrap();
}

#[test]
fn human_output_never_prints_a_control_character_raw_whatever_the_store_holds() {
    let s = with_worker();
    let run = s.run(&["request", "create", "--file", EXAMPLE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reference = run.stdout.trim().to_string();
    plant(&s, &reference, |request| {
        request["subjects"][0]["profiles"][0]["url"] =
            "https://www.facebook.com/anna\u{1b}[2J\u{1b}]0;owned\u{7}\nSubject 9: FORGED LINE\u{9b}31m".into();
        request["subjects"][1]["name"] = "\u{202e}kawoN rtoiP".into();
        request["subjects"][0]["name"] = "שרה כהן".into();
        request["case_reference"] = "CASE\r\n1".into();
    });
    let show = s.run(&["request", "show", &reference]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    let raw_control = show.stdout.chars().find(|c| c.is_control() && *c != '\n');
    assert_eq!(raw_control, None, "{:?}", show.stdout);
    assert!(!show.stdout.contains('\u{202e}'), "{:?}", show.stdout);
    assert!(!show.stdout.lines().any(|line| line.starts_with("Subject 9")), "{}", show.stdout);
    assert!(show.stdout.contains("\\u{1b}[2J"), "{}", show.stdout);
    // Right-to-left text is isolated, so it cannot reorder the rest of its line.
    assert!(show.stdout.contains("\u{2068}שרה כהן\u{2069}"), "{}", show.stdout);
    let list = s.run(&["request", "list"]);
    assert_eq!(list.stdout.chars().find(|c| c.is_control() && *c != '\n'), None, "{:?}", list.stdout);
    // The JSON keeps the stored text exactly, with nothing a terminal would act on left raw.
    let json = s.run(&["request", "show", &reference, "--json"]);
    assert!(!json.stdout.chars().any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'));
    assert_eq!(json.json()["request"]["subjects"][1]["name"], "\u{202e}kawoN rtoiP");
}

#[test]
fn a_policy_file_that_is_not_utf8_says_where_and_status_does_not_claim_the_defaults_apply() {
    let s = with_worker();
    let policy = s.data_dir.join("policy.toml");
    std::fs::write(&policy, b"organisation = \"Cyngor \xff Sir\"\n").unwrap();
    let run = s.run(&["policy", "show"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("UTF-8") && run.stderr.contains("line 1"), "{}", run.stderr);
    let status = s.run(&["status", "--json"]).json();
    let message = status["message"].as_str().unwrap();
    assert!(!message.contains("defaults apply"), "{message}");
    assert!(status["policy_problem"].as_str().unwrap().contains("UTF-8"), "{status}");
}

#[test]
fn warnings_on_a_pipe_carry_no_colour_codes() {
    let s = setup();
    s.init();
    // An unreadable head file is warned about (the credential store's copy still counts).
    std::fs::write(s.data_dir.join("audit-head.json"), b"garbage").unwrap();
    let run = s.run(&["status"]);
    assert!(run.stderr.contains("WARN"), "{:?}", run.stderr);
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
}

#[test]
fn a_search_said_to_be_made_before_the_check_was_permitted_is_refused() {
    let s = with_worker();
    s.register_aaw("Sam Patel");
    let run = s.run(&["request", "create", "--file", EXAMPLE]);
    let reference = run.stdout.trim().to_string();
    crate::protocol::authorise(&s, &reference);
    assert_eq!(s.run(&["account", "add", "--platform", "facebook", "--handle", "council.checks"]).code, 0);
    let before = events(&s);
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    let search = |at: &str| {
        s.run(&[
            "log",
            "add-search",
            &reference,
            "--platform",
            "facebook",
            "--account",
            "1",
            "--searched",
            "Anna Kowalska",
            "--result",
            "Profile found",
            "--at",
            at,
        ])
    };
    let early = search(&yesterday);
    assert_eq!(early.code, 2, "{}", early.stderr);
    assert!(
        early.stderr.contains("at: The time of the search must not be before the check was permitted"),
        "{}",
        early.stderr
    );
    assert_eq!(events(&s), before);
    let now = chrono::Utc::now().to_rfc3339();
    assert_eq!(search(&now).code, 0);
}
