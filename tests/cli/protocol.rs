//! The whole protocol through the CLI on the encrypted store: Appendix 1, the authorisation
//! steps, accounts, RIPA authorisations, the guards and the investigation log.

use crate::{Setup, setup};

pub(crate) const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../tests/fixtures/request-example.json");

/// A store with an AAW worker profile, registered, and one draft request from the example.
pub(crate) fn with_request() -> (Setup, String) {
    let s = setup();
    s.init();
    s.staff();
    assert_eq!(s.run(&["worker", "set", "--name", "Sam Patel", "--role", "aaw"]).code, 0);
    s.register_aaw("Sam Patel");
    let run = s.run(&["request", "create", "--file", EXAMPLE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reference = run.stdout.trim().to_string();
    (s, reference)
}

pub(crate) fn step(s: &Setup, args: &[&str]) {
    let run = s.run(args);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
}

pub(crate) fn authorise(s: &Setup, reference: &str) {
    step(s, &["request", "submit", reference, "--by", "Rhian Evans", "--evidence", "email EV-1"]);
    step(s, &["request", "agree", reference, "--by", "Gwen Thomas", "--evidence", "email 2026-11-20"]);
    step(
        s,
        &[
            "request",
            "permit",
            reference,
            "--by",
            "Director",
            "--evidence",
            "memo SD/44",
            "--conditions",
            "One-off review only",
        ],
    );
    step(s, &["request", "confirm-legitimacy", reference, "--by", "Sam Patel", "--evidence", "email EV-1"]);
}

/// The request authorised, an account registered, and a first search logged (which starts
/// the access); the account's id.
pub(crate) fn authorised_and_searched(s: &Setup, reference: &str) -> String {
    authorise(s, reference);
    let account = s.run(&["account", "add", "--platform", "facebook", "--handle", "council.safeguarding"]);
    assert_eq!(account.code, 0, "{}", account.stderr);
    let account = account.stdout.trim().to_string();
    let run = search(s, reference, &account, "Anna Kowalska", "Public profile");
    assert_eq!(run.code, 0, "{}", run.stderr);
    account
}

/// `log add-search` on Facebook with the given account.
pub(crate) fn search(s: &Setup, reference: &str, account: &str, searched: &str, result: &str) -> crate::Run {
    s.run(&[
        "log",
        "add-search",
        reference,
        "--platform",
        "facebook",
        "--account",
        account,
        "--searched",
        searched,
        "--result",
        result,
    ])
}

fn state(s: &Setup, reference: &str) -> String {
    s.run(&["request", "show", reference, "--json"]).json()["state"].as_str().unwrap().to_string()
}

fn events(s: &Setup) -> u64 {
    s.run(&["audit", "verify", "--json"]).json()["events"].as_u64().unwrap()
}

#[test]
fn the_whole_protocol_runs_from_request_to_closed_with_every_step_audited() {
    let (s, reference) = with_request();
    assert!(reference.starts_with("REQ-2") && reference.ends_with("-0001"), "{reference}");
    let json = s.run(&["request", "show", &reference, "--json"]).json();
    assert_eq!(json["state"], "draft");
    assert_eq!(json["request"]["subjects"].as_array().unwrap().len(), 3);
    assert_eq!(json["request"]["subjects"][2]["role"], "suspected_associate");
    assert_eq!(json["subjects"][2]["person_id"], serde_json::Value::Null, "an unnamed suspect is no person");

    authorised_and_searched(&s, &reference);
    assert_eq!(state(&s, &reference), "in_progress");
    step(&s, &["log", "add-finding", &reference, "--text", "Photo with Mr Nowak, 3 November"]);
    step(&s, &["log", "complete", &reference, "--by", "Sam Patel", "--evidence", "email EV-1"]);
    step(
        &s,
        &[
            "log",
            "finalise",
            &reference,
            "--by",
            "Rhian Evans",
            "--evidence",
            "email EV-1",
            "--rating",
            "considerable",
            "--assessment",
            "Contradicts the separation",
        ],
    );
    step(&s, &["log", "share", &reference, "--by", "Rhian Evans", "--evidence", "email EV-1", "--with", "tm,sm,sd"]);
    step(&s, &["request", "close", &reference, "--by", "Gwen Thomas", "--evidence", "email EV-1"]);

    let json = s.run(&["request", "show", &reference, "--json"]).json();
    assert_eq!(json["state"], "closed");
    let steps: Vec<&str> = json["decisions"].as_array().unwrap().iter().map(|d| d["step"].as_str().unwrap()).collect();
    assert_eq!(
        steps,
        [
            "submit",
            "agree",
            "permit",
            "confirm-legitimacy",
            "start-access",
            "complete-log",
            "finalise-log",
            "share",
            "close"
        ]
    );
    assert_eq!(json["decisions"][2]["conditions"], "One-off review only");
    assert_eq!(json["decisions"][1]["evidence"], "email 2026-11-20");
    assert_eq!(json["decisions"][1]["decided_by"], "Gwen Thomas");
    assert_eq!(json["decisions"][1]["decider"]["staff_id"], "S-102");
    assert_eq!(json["decisions"][1]["recorded_by"], "Sam Patel");
    assert_eq!(json["decisions"][1]["recorder"]["staff_id"], "S-104");
    let log = s.run(&["log", "show", &reference, "--json"]).json();
    assert_eq!(log["version"]["log"]["assessment"]["rating"], "considerable");
    assert_eq!(log["version"]["log"]["shared"][0]["with"], serde_json::json!(["tm", "sm", "sd"]));
    // init, the staff directory, worker, aaw, request, 4 steps, account, search (with start),
    // finding, complete, finalise, share, close.
    assert_eq!(events(&s), 16);
    let list = s.run(&["request", "list", "--json"]).json();
    assert_eq!(list[0]["reference"], reference.as_str());
    assert_eq!(list[0]["state"], "closed");
}

#[test]
fn an_illegal_step_exits_1_with_the_state_and_the_steps_allowed() {
    let (s, reference) = with_request();
    let before = events(&s);
    let run = s.run(&["request", "permit", &reference, "--by", "Director", "--evidence", "memo"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("the request is draft"), "{}", run.stderr);
    assert!(run.stderr.contains("the steps allowed are: submit, withdraw"), "{}", run.stderr);
    step(
        &s,
        &[
            "request",
            "withdraw",
            &reference,
            "--by",
            "Rhian Evans",
            "--evidence",
            "email EV-1",
            "--note",
            "Family moved away",
        ],
    );
    let run = s.run(&["request", "submit", &reference, "--by", "Rhian Evans", "--evidence", "email EV-1"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no step is allowed"), "{}", run.stderr);
    assert_eq!(events(&s), before + 1);
}

#[test]
fn decisions_need_their_evidence_and_reasons() {
    let (s, reference) = with_request();
    step(&s, &["request", "submit", &reference, "--by", "Rhian Evans", "--evidence", "email EV-1"]);
    let run = s.run(&["request", "agree", &reference, "--by", "Gwen Thomas"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("evidence: Enter the evidence of Gwen Thomas's decision"), "{}", run.stderr);
    let run = s.run(&["request", "refer-back", &reference, "--by", "Gwen Thomas", "--evidence", "email"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("note: Enter why"), "{}", run.stderr);
    step(
        &s,
        &[
            "request",
            "refer-back",
            &reference,
            "--by",
            "Gwen Thomas",
            "--evidence",
            "email",
            "--note",
            "Say how it triangulates",
        ],
    );
    assert_eq!(state(&s, &reference), "referred_back");
    step(&s, &["request", "submit", &reference, "--by", "Rhian Evans", "--evidence", "email EV-1"]);
    step(&s, &["request", "agree", &reference, "--by", "Gwen Thomas", "--evidence", "email 2"]);
    step(&s, &["request", "permit", &reference, "--by", "Director", "--evidence", "memo"]);
    // Only a registered AAW confirms legitimacy; doubts go to the SM and SD.
    let run = s.run(&["request", "confirm-legitimacy", &reference, "--by", "Someone Else", "--evidence", "email EV-1"]);
    assert_eq!(run.code, 2, "nobody of that name in the staff directory");
    step(&s, &["staff", "add", "--name", "Someone Else", "--role", "aaw"]);
    let run = s.run(&["request", "confirm-legitimacy", &reference, "--by", "Someone Else", "--evidence", "email EV-1"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("not in the register"), "{}", run.stderr);
    step(
        &s,
        &[
            "request",
            "raise-doubts",
            &reference,
            "--by",
            "Sam Patel",
            "--evidence",
            "email EV-1",
            "--note",
            "Period looks too long",
        ],
    );
    assert_eq!(state(&s, &reference), "doubts_raised");
    step(
        &s,
        &[
            "request",
            "refuse",
            &reference,
            "--by",
            "Sue Manager",
            "--evidence",
            "email 3",
            "--note",
            "Not proportionate",
        ],
    );
    assert_eq!(state(&s, &reference), "refused");
}

#[test]
fn a_bad_request_file_lists_every_field_error_and_writes_nothing() {
    let (s, _) = with_request();
    let before = events(&s);
    let file = s.data_dir.join("bad.json");
    std::fs::write(
        &file,
        r#"{"case_reference": "", "reason": "misleading_information", "scope": "monitoring",
            "period": {"from": "2026-10-01", "to": "2026-09-01"}, "consent": {"status": "not_sought"},
            "subjects": [{"role": "subject", "profiles": [{"platform": "facebook", "url": "facebook.com/x"}]},
                         {"role": "suspected_associate"}]}"#,
    )
    .unwrap();
    let run = s.run(&["request", "create", "--file", file.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    for expected in [
        "case_reference: Enter the case reference",
        "originating_worker.name:",
        "monitoring_justification: Enter why longer-term monitoring is justified",
        "period.to: The end of the period of interest must be the same as or after its start",
        "consent.reason:",
        "subjects[1].name: Enter the name of person 1",
        "subjects[1].profiles[1].url:",
        "subjects[2].description: Enter a name or a description of suspected associate 2",
    ] {
        assert!(run.stderr.contains(expected), "{expected} missing from: {}", run.stderr);
    }
    assert_eq!(events(&s), before);
    assert_eq!(s.run(&["request", "list", "--json"]).json().as_array().unwrap().len(), 1);
}

#[test]
fn a_known_person_must_be_confirmed_and_a_new_person_found_is_a_linked_request_for_the_sd() {
    let (s, first) = with_request();
    let run = s.run(&["request", "create", "--file", EXAMPLE, "--parent", &first]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("subject 1 may be person 1 (Anna Kowalska, born 1994-02-11)"), "{}", run.stderr);
    let run = s.run(&[
        "request",
        "create",
        "--file",
        EXAMPLE,
        "--parent",
        &first,
        "--same-person",
        "1=1",
        "--new-person",
        "2",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = s.run(&["request", "show", run.stdout.trim(), "--json"]).json();
    assert_eq!(json["parent"], first.as_str());
    assert_eq!(json["flagged_for_sd"], true);
    assert_eq!(json["subjects"][0]["person_id"], 1, "the same person across requests");
    assert_ne!(json["subjects"][1]["person_id"], 2, "confirmed as a new person");
}

#[test]
fn the_session_guard_refuses_searches_outside_the_protocol() {
    let (s, reference) = with_request();
    let account = s
        .run(&["account", "add", "--platform", "facebook", "--handle", "plain.profile", "--not-identifiable"])
        .stdout
        .trim()
        .to_string();
    let search_anna = |s: &Setup| search(s, &reference, &account, "Anna", "found");
    // Before permission: the workflow refuses.
    let run = search_anna(&s);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("start-access is not allowed"), "{}", run.stderr);
    authorise(&s, &reference);
    // A presence not identifiable as the council's needs a CHIS authorisation.
    let run = search_anna(&s);
    assert_eq!(run.code, 1);
    assert!(run.stderr.to_lowercase().contains("chis"), "{}", run.stderr);
    let run = s.run(&[
        "authorisation",
        "add",
        &reference,
        "--kind",
        "chis",
        "--reference",
        "CHIS-2026-7",
        "--officer",
        "Head of Legal",
        "--granted",
        "2026-11-01",
        "--approved",
        "2026-11-02",
        "--account",
        &account,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(search_anna(&s).code, 0);
    // A worker who is not a registered AAW may not search.
    step(&s, &["worker", "set", "--name", "Rhian Evans", "--role", "osw"]);
    let run = search_anna(&s);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("Authorised Access Worker"), "{}", run.stderr);
    // An unregistered account is refused.
    step(&s, &["worker", "set", "--name", "Sam Patel", "--role", "aaw"]);
    let run = search(&s, &reference, "99", "Anna", "found");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("register"), "{}", run.stderr);
}

#[test]
fn authorisations_take_the_policy_term_and_can_be_cancelled_once() {
    let (s, reference) = with_request();
    let run = s.run(&[
        "authorisation",
        "add",
        &reference,
        "--kind",
        "directed-surveillance",
        "--reference",
        "URN-2026-001",
        "--officer",
        "Superintendent Hale",
        "--granted",
        "2026-11-01",
        "--person",
        "1",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let list = s.run(&["authorisation", "list", "--json"]).json();
    assert_eq!(list[0]["expires"], "2027-02-01", "three months by default");
    assert_eq!(list[0]["review_due"], "2026-11-29");
    assert_eq!(list[0]["person_id"], 1);
    let run = s.run(&[
        "authorisation",
        "add",
        &reference,
        "--kind",
        "directed-surveillance",
        "--reference",
        "URN-2",
        "--officer",
        "X",
        "--granted",
        "2026-11-01",
        "--expires",
        "2026-10-01",
        "--person",
        "3",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("expires: The expiry date must be after the date granted"), "{}", run.stderr);
    assert!(run.stderr.contains("person: Subject 3 is an unnamed suspect"), "{}", run.stderr);
    let run = s.run(&[
        "authorisation",
        "add",
        &reference,
        "--kind",
        "directed-surveillance",
        "--reference",
        "URN-2026-001",
        "--officer",
        "X",
        "--granted",
        "2026-11-01",
        "--person",
        "1",
    ]);
    assert_eq!(run.code, 1, "a URN is unique");
    let run =
        s.run(&["authorisation", "renew", "URN-2026-001", "--by", "Superintendent Hale", "--expires", "2027-01-01"]);
    assert_eq!(run.code, 2, "a renewal must move the expiry later");
    assert!(run.stderr.contains("must be after the current one, 2027-02-01"), "{}", run.stderr);
    step(
        &s,
        &[
            "authorisation",
            "renew",
            "URN-2026-001",
            "--by",
            "Superintendent Hale",
            "--expires",
            "2027-05-01",
            "--review",
            "2027-03-01",
        ],
    );
    let list = s.run(&["authorisation", "list", "--json"]).json();
    assert_eq!(list[0]["expires"], "2027-05-01");
    assert_eq!(list[0]["review_due"], "2027-03-01");
    assert_eq!(list[0]["renewals"][0]["previous_expiry"], "2027-02-01");
    let no_reason = s.run(&["authorisation", "cancel", "URN-2026-001", "--by", "Superintendent Hale", "--reason", " "]);
    assert_eq!(no_reason.code, 2, "the reason is required");
    assert!(no_reason.stderr.contains("reason:"), "{}", no_reason.stderr);
    step(&s, &["authorisation", "cancel", "URN-2026-001", "--by", "Superintendent Hale", "--reason", "Check finished"]);
    assert_eq!(s.run(&["authorisation", "renew", "URN-2026-001", "--by", "X", "--expires", "2027-09-01"]).code, 1);
    assert_eq!(s.run(&["authorisation", "cancel", "URN-2026-001", "--by", "X", "--reason", "Again"]).code, 1);
    let list = s.run(&["authorisation", "list", "--json"]).json();
    assert!(list[0]["cancelled_at"].is_string());
    assert_eq!(list[0]["cancel_reason"], "Check finished");
}

#[test]
fn a_finalised_log_is_read_only_and_a_correction_keeps_every_version() {
    let (s, reference) = with_request();
    authorise(&s, &reference);
    let account = s
        .run(&["account", "add", "--platform", "facebook", "--handle", "council.safeguarding"])
        .stdout
        .trim()
        .to_string();
    let run = search(&s, &reference, &account, "Anna", "found");
    assert_eq!(run.code, 0, "{}", run.stderr);
    step(&s, &["log", "add-finding", &reference, "--text", "Photo dated 3 November"]);
    step(&s, &["log", "complete", &reference, "--by", "Sam Patel", "--evidence", "email EV-1"]);
    step(
        &s,
        &[
            "log",
            "finalise",
            &reference,
            "--by",
            "Rhian Evans",
            "--evidence",
            "email EV-1",
            "--rating",
            "some",
            "--assessment",
            "Some value",
        ],
    );
    let run = s.run(&["log", "add-finding", &reference, "--text", "Another"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("read-only"), "{}", run.stderr);
    step(&s, &["log", "correct", &reference, "--note", "The photo was dated 4 November"]);
    step(&s, &["log", "add-finding", &reference, "--text", "Photo dated 4 November"]);
    step(
        &s,
        &[
            "log",
            "finalise",
            &reference,
            "--by",
            "Rhian Evans",
            "--evidence",
            "email EV-1",
            "--rating",
            "significant",
            "--assessment",
            "Corrected",
        ],
    );
    let v1 = s.run(&["log", "show", &reference, "--version", "1", "--json"]).json();
    let v2 = s.run(&["log", "show", &reference, "--json"]).json();
    assert_eq!(v1["version"]["log"]["findings"].as_array().unwrap().len(), 1);
    assert_eq!(v1["version"]["log"]["assessment"]["rating"], "some");
    assert_eq!(v2["version"]["version"], 2);
    assert_eq!(v2["versions"], serde_json::json!([1, 2]));
    assert_eq!(v2["version"]["log"]["findings"].as_array().unwrap().len(), 2);
    assert_eq!(v2["version"]["log"]["correction_note"], "The photo was dated 4 November");
    assert_eq!(state(&s, &reference), "finalised");
    let run = s.run(&[
        "log",
        "finalise",
        &reference,
        "--by",
        "Rhian Evans",
        "--evidence",
        "email EV-1",
        "--rating",
        "huge",
        "--assessment",
        "",
    ]);
    assert_eq!(run.code, 1, "version 2 is finalised now: {}", run.stderr);
}

#[test]
fn the_requests_own_social_worker_may_not_confirm_it_or_search_for_it() {
    let (s, reference) = with_request();
    step(&s, &["request", "submit", &reference, "--by", "Rhian Evans", "--evidence", "email EV-1"]);
    step(&s, &["request", "agree", &reference, "--by", "Gwen Thomas", "--evidence", "email 2026-11-20"]);
    step(&s, &["request", "permit", &reference, "--by", "Director", "--evidence", "memo SD/44"]);
    // The originating social worker, an AAW too, registered, at this laptop, tries.
    let taken = s.run(&["worker", "set", "--name", "Rhian  evans", "--role", "aaw"]);
    assert_eq!(taken.code, 2, "no role is taken by setting up a laptop");
    assert!(
        taken.stderr.contains("Rhian Evans is not an Authorised Access Worker in the staff directory"),
        "{}",
        taken.stderr
    );
    step(&s, &["staff", "update", "Rhian Evans", "--role", "osw", "--role", "aaw"]);
    step(&s, &["worker", "set", "--name", "Rhian  evans", "--role", "aaw"]);
    s.register_aaw("Rhian Evans");
    let before = events(&s);
    let run = s.run(&["request", "confirm-legitimacy", &reference, "--by", "rhian evans", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.json()["error"]["guards"], serde_json::json!(["separation_of_duties"]));
    assert!(run.stderr.contains("Rhian Evans is this request's social worker"), "{}", run.stderr);
    assert_eq!(state(&s, &reference), "permitted");
    assert_eq!(events(&s), before, "nothing recorded");
    let shown = s.run(&["request", "show", &reference, "--json"]);
    assert_eq!(shown.code, 0);
    // Another AAW confirms; the social worker still may not run its searches.
    step(&s, &["worker", "set", "--name", "Sam Patel", "--role", "aaw"]);
    step(&s, &["request", "confirm-legitimacy", &reference, "--by", "Sam Patel"]);
    let account =
        s.run(&["account", "add", "--platform", "facebook", "--handle", "council.checks"]).stdout.trim().to_string();
    step(&s, &["worker", "set", "--name", "Rhian Evans", "--role", "aaw"]);
    let run = search(&s, &reference, &account, "Anna", "found");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("is this request's social worker"), "{}", run.stderr);
    step(&s, &["worker", "set", "--name", "Sam Patel", "--role", "aaw"]);
    assert_eq!(search(&s, &reference, &account, "Anna", "found").code, 0);
}

#[test]
fn a_profile_on_a_platform_the_policy_does_not_allow_is_a_field_error() {
    let s = setup();
    s.init();
    assert_eq!(s.run(&["worker", "set", "--name", "Sam Patel", "--role", "aaw"]).code, 0);
    std::fs::write(s.data_dir.join("policy.toml"), "[platforms]\nallowed = [\"facebook\"]\n").unwrap();
    let run = s.run(&["request", "create", "--file", EXAMPLE]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let problems: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("  ")).collect();
    assert_eq!(
        problems,
        [
            "  subjects[2].profiles[1].platform: Profiles on instagram may not be checked: the local policy allows facebook"
        ]
    );
    assert!(s.run(&["request", "list", "--json"]).json().as_array().unwrap().is_empty(), "nothing created");
    std::fs::write(s.data_dir.join("policy.toml"), "").unwrap();
    assert_eq!(s.run(&["request", "create", "--file", EXAMPLE]).code, 0, "every known platform by default");
}

#[test]
fn a_decision_recorded_later_keeps_the_day_it_was_made() {
    let (s, reference) = with_request();
    step(
        &s,
        &[
            "request",
            "submit",
            &reference,
            "--by",
            "Rhian Evans",
            "--evidence",
            "email EV-1",
            "--decided-on",
            "2026-11-18",
        ],
    );
    let agree = |day: &str| {
        s.run(&[
            "request",
            "agree",
            &reference,
            "--by",
            "Gwen Thomas",
            "--evidence",
            "email of 20 November",
            "--decided-on",
            day,
        ])
    };
    for (day, says) in [
        ("2999-01-01", "must not be in the future"),
        ("2026-11-17", "must not be before the step it follows, decided on 18 November 2026"),
        ("20/11/2026", "must be a real date"),
    ] {
        let run = agree(day);
        assert_eq!(run.code, 2, "{day}: {}", run.stderr);
        assert!(run.stderr.contains("decided_on") && run.stderr.contains(says), "{day}: {}", run.stderr);
    }
    assert_eq!(state(&s, &reference), "submitted", "nothing recorded");
    assert_eq!(agree("2026-11-20").code, 0);
    let shown = s.run(&["request", "show", &reference, "--json"]).json();
    assert_eq!(shown["decisions"][1]["decided_on"], "2026-11-20");
    let recorded = shown["decisions"][1]["at"].as_str().unwrap();
    assert!(!recorded.starts_with("2026-11-20"), "recorded today, not on the day decided: {recorded}");
}

/// Adds an authorisation of `kind` (with `extra` arguments) to `reference`.
fn add_authorisation(s: &Setup, reference: &str, kind: &str, urn: &str, extra: &[&str]) -> crate::Run {
    let mut args = vec!["authorisation", "add", reference, "--kind", kind, "--reference", urn, "--officer"];
    args.extend(["Evans, Siân (Head of Legal)", "--granted", "2026-11-02"]);
    args.extend_from_slice(extra);
    s.run(&args)
}

#[test]
fn the_register_shows_every_authorisation_with_its_approval_reviews_and_state_and_the_central_record_is_a_csv() {
    let s = setup();
    s.init();
    step(&s, &["worker", "set", "--name", "Sam Patel", "--role", "aaw"]);
    let mut request: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(EXAMPLE).unwrap()).unwrap();
    request["subjects"][0]["name"] = "Zoë Łukasiewicz, née Ó Briain".into();
    let file = s.data_dir.parent().unwrap().join("accented.json");
    std::fs::write(&file, request.to_string()).unwrap();
    let created = s.run(&["request", "create", "--file", file.to_str().unwrap()]);
    assert_eq!(created.code, 0, "{}", created.stderr);
    let reference = created.stdout.trim().to_string();

    // A RIPA authorisation waits for a magistrate; non-RIPA has none, and refuses a date approved.
    let today = chrono::Utc::now().date_naive();
    let ds = add_authorisation(&s, &reference, "directed-surveillance", "DS/2026/1", &["--person", "1", "--urgent"]);
    assert_eq!(ds.code, 0, "{}", ds.stderr);
    assert!(ds.stdout.contains("awaiting a magistrate's approval"), "{}", ds.stdout);
    let wrong = add_authorisation(&s, &reference, "non-ripa", "NR-1", &["--person", "2", "--approved", "2026-11-03"]);
    assert_eq!(wrong.code, 2);
    assert!(
        wrong.stderr.contains("approved: A non-RIPA authorisation has no magistrate's approval"),
        "{}",
        wrong.stderr
    );
    let expires = (today + chrono::Days::new(60)).to_string();
    let nr = add_authorisation(
        &s,
        &reference,
        "non-ripa",
        "NR-1",
        &["--person", "2", "--confidential-likely", "--expires", &expires, "--review", &expires],
    );
    assert_eq!(nr.code, 0, "{}", nr.stderr);
    let register = |s: &Setup| s.run(&["authorisation", "register", "--json"]).json();
    let state_of = |r: &serde_json::Value, urn: &str| {
        r.as_array().unwrap().iter().find(|e| e["reference"] == urn).unwrap()["state"].as_str().unwrap().to_string()
    };
    let r = register(&s);
    assert_eq!(state_of(&r, "DS/2026/1"), "awaiting_approval");
    assert_eq!(state_of(&r, "NR-1"), "in_force", "from the day granted, no magistrate");
    let entry = r.as_array().unwrap().iter().find(|e| e["reference"] == "DS/2026/1").unwrap();
    assert_eq!(entry["covers"], "Zoë Łukasiewicz, née Ó Briain");
    assert_eq!((entry["kind"].as_str(), entry["urgent"].as_bool()), (Some("directed_surveillance"), Some(true)));

    // Approval: not for non-RIPA, not before the grant or after today, once.
    assert_eq!(s.run(&["authorisation", "approve", "NR-1", "--approved", "2026-11-03", "--by", "X"]).code, 1);
    let early = s.run(&["authorisation", "approve", "DS/2026/1", "--approved", "2026-11-01", "--by", "X"]);
    assert_eq!(early.code, 2);
    assert!(
        early.stderr.contains("approved: The date approved must be on or after the date granted"),
        "{}",
        early.stderr
    );
    let tomorrow = (today + chrono::Days::new(1)).to_string();
    assert_eq!(s.run(&["authorisation", "approve", "DS/2026/1", "--approved", &tomorrow, "--by", "X"]).code, 2);
    step(&s, &["authorisation", "approve", "DS/2026/1", "--approved", "2026-11-03", "--by", "Legal Services"]);
    assert_eq!(s.run(&["authorisation", "approve", "DS/2026/1", "--approved", "2026-11-03", "--by", "X"]).code, 1);
    let ds_state = state_of(&register(&s), "DS/2026/1");
    assert!(["in_force", "review_due", "review_overdue", "expired"].contains(&ds_state.as_str()), "{ds_state}");

    // A review needs its outcome; the next date may not pass the expiry.
    let bad = s.run(&["authorisation", "review", "NR-1", "--by", "Sue Director", "--outcome", ""]);
    assert_eq!(bad.code, 2);
    let late = (today + chrono::Days::new(61)).to_string();
    assert_eq!(
        s.run(&["authorisation", "review", "NR-1", "--by", "Sue Director", "--outcome", "Go on", "--next", &late]).code,
        2
    );
    let next = (today + chrono::Days::new(30)).to_string();
    step(
        &s,
        &[
            "authorisation",
            "review",
            "NR-1",
            "--by",
            "Sue Director",
            "--outcome",
            "Still needed, and proportionate",
            "--next",
            &next,
        ],
    );
    let r = register(&s);
    let nr = r.as_array().unwrap().iter().find(|e| e["reference"] == "NR-1").unwrap();
    assert_eq!(nr["review_due"], next.as_str());
    assert_eq!(nr["reviews"][0]["outcome"], "Still needed, and proportionate");
    step(&s, &["authorisation", "cancel", "NR-1", "--by", "Sue Director", "--reason", "The check is finished"]);
    assert_eq!(state_of(&register(&s), "NR-1"), "cancelled");

    // The central record: a CSV with the columns in order, names and commas intact; audited.
    let csv_path = s.data_dir.parent().unwrap().join("central-record.csv");
    let written = s.run(&["authorisation", "central-record", "--out", csv_path.to_str().unwrap()]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert!(written.stdout.contains("outside the encrypted store"), "{}", written.stdout);
    assert_eq!(
        s.run(&["authorisation", "central-record", "--out", csv_path.to_str().unwrap()]).code,
        2,
        "never over a file"
    );
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "kind",
            "unique_reference",
            "request",
            "subjects",
            "authorising_officer",
            "date_granted",
            "magistrate_approval",
            "urgency",
            "confidential_or_privileged_likely",
            "reviews",
            "renewals",
            "date_cancelled",
            "state"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let ds = rows.iter().find(|r| &r[1] == "DS/2026/1").unwrap();
    assert_eq!(
        (&ds[0], &ds[2], &ds[3]),
        ("directed-surveillance", reference.as_str(), "Zoë Łukasiewicz, née Ó Briain")
    );
    assert_eq!((&ds[4], &ds[5], &ds[6], &ds[7]), ("Evans, Siân (Head of Legal)", "2026-11-02", "2026-11-03", "urgent"));
    let nr = rows.iter().find(|r| &r[1] == "NR-1").unwrap();
    assert_eq!((&nr[0], &nr[6], &nr[8]), ("non-ripa", "not required", "yes"));
    assert!(nr[9].contains("by Sue Director: Still needed, and proportionate"), "{:?}", &nr[9]);
    assert_eq!((&nr[11], &nr[12]), (today.to_string().as_str(), "cancelled"));
    let audit = s.run(&["audit", "verify"]);
    assert_eq!(audit.code, 0, "{}", audit.stdout);
}
