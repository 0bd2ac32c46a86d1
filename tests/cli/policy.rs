//! `policy show`: the embedded defaults, a local file over them, and a bad file's line.

use crate::setup;

#[test]
fn the_embedded_defaults_are_shown_when_there_is_no_policy_file() {
    let s = setup();
    let run = s.run(&["policy", "show"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("embedded defaults"));
    assert!(run.stdout.contains("protective_marking = \"OFFICIAL-SENSITIVE\""), "{}", run.stdout);
    let json = s.run(&["policy", "show", "--json"]).json();
    assert_eq!(json["source"], serde_json::Value::Null);
    assert_eq!(json["policy"]["repeat_viewing"]["max_views"], 2);
    assert_eq!(json["policy"]["repeat_viewing"]["window_days"], 30);
    assert_eq!(json["policy"]["authorisation"]["term_months"], 3);
}

#[test]
fn a_local_policy_file_overrides_what_it_names() {
    let s = setup();
    std::fs::create_dir_all(&s.data_dir).unwrap();
    std::fs::write(
        s.data_dir.join("policy.toml"),
        "organisation = \"Wakefield Council\"\n[repeat_viewing]\nmax_views = 3\n[legal_advice]\nrequired_for_parent_or_carer = true\n",
    )
    .unwrap();
    let json = s.run(&["policy", "show", "--json"]).json();
    assert_eq!(json["policy"]["organisation"], "Wakefield Council");
    assert_eq!(json["policy"]["repeat_viewing"]["max_views"], 3);
    assert_eq!(json["policy"]["repeat_viewing"]["window_days"], 30);
    assert_eq!(json["policy"]["legal_advice"]["required_for_parent_or_carer"], true);
    assert!(json["source"].as_str().unwrap().ends_with("policy.toml"));
}

#[test]
fn a_bad_policy_file_gives_its_line_and_reason_and_exit_code_2() {
    let s = setup();
    std::fs::create_dir_all(&s.data_dir).unwrap();
    std::fs::write(s.data_dir.join("policy.toml"), "organisation = \"A\"\n\n[repeat_viewing]\nwindow_days = 0\n")
        .unwrap();
    let run = s.run(&["policy", "show"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("policy.toml is not valid: line 4"), "{}", run.stderr);
    assert!(run.stderr.contains("repeat_viewing.window_days must be between 1 and 3660, not 0"), "{}", run.stderr);
}
