//! The staff directory and who may take each step: decisions in each person's own name,
//! separation of duties over the whole request, and the register as the service director's
//! decision, through the command line as scripts use it (exit codes, guard codes, JSON keys).

use crate::protocol::EXAMPLE;
use crate::{Run, Setup, setup};

/// Everyone the table is tried with, in its columns' order, and the laptop's worker.
const DIRECTORY: &str = "staff_id,name,roles,team
P1,Siân Social,osw,North
P3,Owen Other,osw,North
P4,Tomasz Agreed,tm;sd,North
P5,Tia Manager,tm,North
P6,Tom South,tm,South
P7,Sue Director,sd,
P8,Sol Manager,sm,
P9,Ana Access,aaw,Access
P11,Nia Unregistered,aaw,Access
P12,Cai Completer,aaw,Access
P13,Lou Legal,legal,
P14,Lee Left,tm,North
";

/// The columns: staff IDs, as `--by` takes them.
const PEOPLE: [&str; 12] = ["P1", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P11", "P12", "P13", "P14"];

fn ok(run: &Run, what: &str) {
    assert_eq!(run.code, 0, "{what}: {}{}", run.stdout, run.stderr);
}

/// A store whose directory is [`DIRECTORY`], Ana Access at the laptop (a registered access
/// worker), Lee Left gone since 1 January, and one sanctioned account.
fn directory() -> Setup {
    let s = setup();
    s.init();
    let file = s.data_dir.parent().unwrap().join("staff.csv");
    std::fs::write(&file, DIRECTORY).unwrap();
    ok(&s.run(&["staff", "import", "--file", file.to_str().unwrap()]), "import");
    ok(&s.run(&["worker", "set", "--name", "Ana Access", "--role", "aaw", "--staff-id", "P9"]), "worker");
    for aaw in ["P9", "P12"] {
        let args =
            ["worker", "register-aaw", aaw, "--decided-by", "P7", "--evidence", "SD-1", "--trained", "2026-01-05"];
        ok(&s.run(&args), "register");
    }
    ok(&s.run(&["staff", "leave", "P14", "--on", "2026-01-01"]), "leave");
    ok(&s.run(&["account", "add", "--platform", "facebook", "--handle", "council.checks"]), "account");
    s
}

/// A request for a check asked for by Siân Social, brought to `state` by the people allowed.
fn request_in(s: &Setup, state: &str) -> String {
    let mut file: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(EXAMPLE).unwrap()).unwrap();
    file["originating_worker"] = serde_json::json!({ "name": "Siân Social", "team": "North" });
    let path = s.data_dir.parent().unwrap().join("request.json");
    std::fs::write(&path, file.to_string()).unwrap();
    let created =
        s.run(&["request", "create", "--file", path.to_str().unwrap(), "--new-person", "1", "--new-person", "2"]);
    ok(&created, "create");
    let reference = created.stdout.trim().to_string();
    let path: &[(&str, &[&str])] = &[
        ("submitted", &["request", "submit", "--by", "P1"]),
        ("agreed", &["request", "agree", "--by", "P4"]),
        ("permitted", &["request", "permit", "--by", "P7"]),
        ("legitimacy_confirmed", &["request", "confirm-legitimacy", "--by", "P9"]),
        (
            "in_progress",
            &[
                "log",
                "add-search",
                "--platform",
                "facebook",
                "--account",
                "1",
                "--searched",
                "Anna",
                "--result",
                "Found",
            ],
        ),
        ("log_completed", &["log", "complete", "--by", "P12"]),
        ("finalised", &["log", "finalise", "--by", "P1", "--rating", "some", "--assessment", "It helped"]),
        ("shared", &["log", "share", "--by", "P1", "--with", "tm"]),
    ];
    let doubts = state == "doubts_raised";
    for (reached, args) in path {
        if *reached == "legitimacy_confirmed" && doubts {
            ok(&s.run(&["request", "raise-doubts", &reference, "--by", "P9", "--note", "Unsure"]), "doubts");
            break;
        }
        if state == "draft" {
            break;
        }
        let mut args: Vec<&str> = args.to_vec();
        args.insert(2, &reference);
        if args.contains(&"--by") {
            args.extend(["--evidence", "email EV-1"]);
        }
        ok(&s.run(&args), reached);
        if *reached == state {
            break;
        }
    }
    reference
}

/// The step's command for `who`, with the evidence of a decision recorded for them.
fn attempt(s: &Setup, command: &[&str], reference: &str, who: &str) -> Run {
    let mut args: Vec<&str> = command[..2].to_vec();
    args.extend([reference, "--by", who, "--evidence", "email EV-2"]);
    args.extend(&command[2..]);
    args.push("--json");
    s.run(&args)
}

fn guards(run: &Run) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_default();
    json["error"]["guards"]
        .as_array()
        .map(|g| g.iter().map(|c| c.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

fn code_of(letter: char) -> &'static str {
    match letter {
        'S' => "separation_of_duties",
        'R' => "role_not_held",
        'N' => "not_the_requests_social_worker",
        'P' => "same_manager_agrees_and_permits",
        'C' => "same_person_completes_and_finalises",
        'U' => "not_registered_aaw",
        'L' => "staff_member_left",
        other => panic!("no code {other}"),
    }
}

#[test]
fn every_cell_of_the_table_of_who_may_take_each_step_through_the_command_line() {
    let s = directory();
    // Each row: the state, the command (and what it needs besides who), then each person's
    // refusals in the order of PEOPLE ("." may); letters as in core's table.
    #[rustfmt::skip]
    let table: &[(&str, &[&str], [&str; 12])] = &[
        //                                                               sw    osw   tmA   tm    tmS   sd    sm    aaw   aawN  cmp   legal left
        ("draft", &["request", "submit"],                               [".",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "LN"]),
        ("submitted", &["request", "agree"],                            ["RS", "R",  ".",  ".",  ".",  "R",  "R",  "R",  "R",  "R",  "R",  "L"]),
        ("submitted", &["request", "refuse", "--note", "No"],           ["RS", "R",  ".",  ".",  ".",  "R",  "R",  "R",  "R",  "R",  "R",  "L"]),
        ("submitted", &["request", "refer-back", "--note", "No"],       ["RS", "R",  ".",  ".",  ".",  "R",  "R",  "R",  "R",  "R",  "R",  "L"]),
        ("submitted", &["request", "withdraw", "--note", "Gone"],       [".",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "LN"]),
        ("agreed", &["request", "permit"],                              ["RS", "R",  "P",  "R",  "R",  ".",  "R",  "R",  "R",  "R",  "R",  "LR"]),
        ("agreed", &["request", "refuse", "--note", "No"],              ["RS", "R",  ".",  "R",  "R",  ".",  "R",  "R",  "R",  "R",  "R",  "LR"]),
        ("agreed", &["request", "refer-back", "--note", "No"],          ["RS", "R",  ".",  "R",  "R",  ".",  "R",  "R",  "R",  "R",  "R",  "LR"]),
        ("permitted", &["request", "confirm-legitimacy"],               ["US", "U",  "U",  "U",  "U",  "U",  "U",  ".",  "U",  ".",  "U",  "LU"]),
        ("permitted", &["request", "raise-doubts", "--note", "?"],      ["US", "U",  "U",  "U",  "U",  "U",  "U",  ".",  "U",  ".",  "U",  "LU"]),
        ("doubts_raised", &["request", "refuse", "--note", "No"],       ["RS", "R",  ".",  "R",  "R",  ".",  ".",  "R",  "R",  "R",  "R",  "LR"]),
        ("doubts_raised", &["request", "refer-back", "--note", "No"],   ["RS", "R",  ".",  "R",  "R",  ".",  ".",  "R",  "R",  "R",  "R",  "LR"]),
        ("doubts_raised", &["request", "confirm-legitimacy"],           ["US", "U",  "U",  "U",  "U",  "U",  "U",  ".",  "U",  ".",  "U",  "LU"]),
        ("in_progress", &["log", "complete"],                           ["US", "U",  "U",  "U",  "U",  "U",  "U",  ".",  "U",  ".",  "U",  "LU"]),
        ("log_completed", &["log", "finalise", "--rating", "some", "--assessment", "It helped"], [".",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "NC", "N",  "LN"]),
        ("finalised", &["log", "share", "--with", "tm"],                [".",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "LN"]),
        ("shared", &["request", "close"],                               ["R",  "R",  ".",  ".",  ".",  ".",  "R",  "R",  "R",  "R",  "R",  "L"]),
    ];
    let mut cells = 0;
    for (state, command, row) in table {
        let reference = request_in(&s, state);
        let before = s.run(&["audit", "verify", "--json"]).json()["events"].as_u64().unwrap();
        let mut allowed = Vec::new();
        for (who, expected) in PEOPLE.iter().zip(row) {
            cells += 1;
            if *expected == "." {
                allowed.push(*who);
                continue;
            }
            let run = attempt(&s, command, &reference, who);
            let codes: Vec<String> = expected.chars().map(|c| code_of(c).to_string()).collect();
            assert_eq!((run.code, guards(&run)), (1, codes), "{command:?} from {state} by {who}: {}", run.stderr);
        }
        let after = s.run(&["audit", "verify", "--json"]).json()["events"].as_u64().unwrap();
        assert_eq!(before, after, "a refused step records nothing");
        // Each person who may take it takes it, on a request of their own in that state.
        for who in allowed {
            let reference = request_in(&s, state);
            let run = attempt(&s, command, &reference, who);
            assert_eq!(run.code, 0, "{command:?} from {state} by {who}: {}", run.stderr);
            let record = s.run(&["request", "show", &reference, "--json"]).json();
            let last = record["decisions"].as_array().unwrap().last().unwrap().clone();
            assert_eq!(last["decider"]["staff_id"], *who, "{command:?} by {who}");
            assert_eq!(last["recorder"]["staff_id"], "P9", "recorded by the laptop's worker");
        }
    }
    assert_eq!(cells, table.len() * PEOPLE.len());
}

#[test]
fn the_access_is_started_only_by_a_registered_access_worker_other_than_the_social_worker() {
    let s = directory();
    // The first search starts the access in the name of the laptop's worker.
    for (name, role, staff_id, expected) in [
        ("Siân Social", "osw", "P1", vec!["not_registered_aaw", "separation_of_duties"]),
        ("Tia Manager", "tm", "P5", vec!["not_registered_aaw"]),
        ("Nia Unregistered", "aaw", "P11", vec!["not_registered_aaw"]),
    ] {
        let reference = request_in(&s, "legitimacy_confirmed");
        ok(&s.run(&["worker", "set", "--name", name, "--role", role, "--staff-id", staff_id]), "worker");
        let run = s.run(&[
            "log",
            "add-search",
            &reference,
            "--platform",
            "facebook",
            "--account",
            "1",
            "--searched",
            "Anna",
            "--result",
            "Found",
            "--json",
        ]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert!(run.stderr.contains("the search cannot be recorded"), "{}", run.stderr);
        assert_eq!(guards(&run), expected, "{name}: the rules' codes");
        for code in &expected {
            assert!(
                run.stderr.contains(match *code {
                    "separation_of_duties" => "is this request's social worker",
                    _ => "registered access worker",
                }),
                "{name}: {}",
                run.stderr
            );
        }
        ok(&s.run(&["worker", "set", "--name", "Ana Access", "--role", "aaw", "--staff-id", "P9"]), "back");
    }
    let refused = s.run(&["worker", "set", "--name", "Lee Left", "--role", "tm"]);
    assert_eq!(refused.code, 1, "a person who left is no laptop's worker: {}", refused.stderr);
}

#[test]
fn the_directory_is_added_to_imported_whole_or_not_at_all_and_listed() {
    let s = setup();
    s.init();
    let bad = s.data_dir.parent().unwrap().join("bad.csv");
    std::fs::write(
        &bad,
        "staff_id,name,roles,team\nA1,Ana Access,aaw,Access\nA2, ,osw,North\nA1,Bo Twice,boss;tm,\nA4,Cy Nobody,,\n",
    )
    .unwrap();
    let run = s.run(&["staff", "import", "--file", bad.to_str().unwrap(), "--json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let fields: Vec<String> = run.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["rows[3].name", "rows[4].roles", "rows[5].roles"], "every bad row at once");
    for line in ["Row 3: Enter the person's name", "Row 4: \"boss\" is not a role", "Row 5: Give at least one role"] {
        assert!(run.stderr.contains(line), "{line}: {}", run.stderr);
    }
    let listed = s.run(&["staff", "list", "--json"]).json();
    assert_eq!(listed["staff"].as_array().unwrap().len(), 0, "nothing added on any error");
    // A staff ID used twice in the file is a problem of the second row, once the rows are good.
    std::fs::write(&bad, "staff_id,name,roles,team\nA1,Ana Access,aaw,Access\nA1,Bo Twice,tm,\n").unwrap();
    let run = s.run(&["staff", "import", "--file", bad.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("Row 3: Staff ID A1 is already Ana Access's"), "{}", run.stderr);

    let added = s.run(&[
        "staff",
        "add",
        "--name",
        "Tomasz Wiśniewski",
        "--role",
        "tm",
        "--role",
        "sd",
        "--staff-id",
        "T7",
        "--team",
        "North",
        "--json",
    ]);
    assert_eq!(added.code, 0, "{}", added.stderr);
    let person = added.json();
    assert_eq!((person["name"].as_str(), person["staff_id"].as_str()), (Some("Tomasz Wiśniewski"), Some("T7")));
    assert_eq!(person["roles"], serde_json::json!(["tm", "sd"]));
    let twice = s.run(&["staff", "add", "--name", "tomasz wisniewski", "--role", "osw"]);
    assert_eq!(twice.code, 2, "the same person under another spelling, with no staff ID to tell them apart");
    assert!(twice.stderr.contains("already in the staff directory"), "{}", twice.stderr);
    let no_role = s.run(&["staff", "add", "--name", "Nobody", "--json"]);
    assert_eq!(no_role.code, 2);
    assert_eq!(no_role.json()["error"]["fields"][0]["field"], "roles");
    // The council's list read again brings people up to date: nobody is added twice.
    let again = s.data_dir.parent().unwrap().join("again.csv");
    std::fs::write(&again, "staff_id,name,roles,team\nT7,Tomasz Wiśniewski,tm;sd,South\nA9,Ana Access,aaw,Access\n")
        .unwrap();
    let imported = s.run(&["staff", "import", "--file", again.to_str().unwrap(), "--json"]);
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    let imported = imported.json();
    assert_eq!((imported["added"].as_array().unwrap().len(), imported["updated"].as_array().unwrap().len()), (1, 1));
    assert_eq!(imported["updated"][0]["team"], "South");
    let twice = s.run(&["staff", "import", "--file", again.to_str().unwrap(), "--json"]);
    assert_eq!(twice.json()["added"].as_array().unwrap().len(), 0, "a file read again adds no one");
    assert_eq!(s.run(&["staff", "list", "--json"]).json()["staff"].as_array().unwrap().len(), 2);
    let left = s.run(&["staff", "leave", "tomasz wisniewski", "--on", "2026-11-30", "--json"]);
    assert_eq!(left.code, 0, "{}", left.stderr);
    assert_eq!(left.json()["left_on"], "2026-11-30");
    let listed = s.run(&["staff", "list"]);
    assert!(
        listed.stdout.contains(
            "Tomasz Wiśniewski (staff ID T7): team manager, service director; team South; left on 30 November 2026"
        ),
        "{}",
        listed.stdout
    );
}

#[test]
fn a_name_not_in_the_directory_is_a_field_error_naming_the_close_matches_and_changes_nothing() {
    let s = directory();
    let reference = request_in(&s, "draft");
    let before = s.run(&["audit", "verify", "--json"]).json()["events"].as_u64().unwrap();
    let run = s.run(&["request", "submit", &reference, "--by", "Sian Socail", "--evidence", "EV", "--json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let error = &run.json()["error"];
    assert_eq!(error["code"], "unknown_staff");
    assert_eq!(error["fields"][0]["field"], "by");
    let message = error["fields"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("Sian Socail is not in the staff directory. Did you mean Siân Social (staff ID P1)?"),
        "{message}"
    );
    assert!(error["hint"].as_str().unwrap().contains("triangulate staff add"), "{error}");
    let proxy = s.run(&["request", "submit", &reference, "--by", "Siân Social", "--json"]);
    assert_eq!(proxy.code, 2, "recorded for someone else without the email it came in");
    assert_eq!(proxy.json()["error"]["fields"][0]["field"], "evidence");
    assert_eq!(s.run(&["audit", "verify", "--json"]).json()["events"].as_u64().unwrap(), before, "nothing written");

    // The register is the service director's decision: all three, from the directory.
    let run = s.run(&["worker", "register-aaw", "P11", "--json"]);
    assert_eq!(run.code, 2);
    let json = run.json();
    let fields: Vec<&str> =
        json["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["decided_by", "evidence", "trained"]);
    let manager = s.run(&[
        "worker",
        "register-aaw",
        "P11",
        "--decided-by",
        "Tia Manager",
        "--evidence",
        "E",
        "--trained",
        "2026-02-01",
    ]);
    assert_eq!(manager.code, 2);
    assert!(manager.stderr.contains("Tia Manager is not a service director"), "{}", manager.stderr);
    let not_aaw =
        s.run(&["worker", "register-aaw", "P3", "--decided-by", "P7", "--evidence", "E", "--trained", "2026-02-01"]);
    assert_eq!(not_aaw.code, 2);
    assert!(
        not_aaw.stderr.contains("Owen Other is not an Authorised Access Worker in the staff directory"),
        "{}",
        not_aaw.stderr
    );
    let registered = s.run(&[
        "worker",
        "register-aaw",
        "Nia Unregistered",
        "--decided-by",
        "Sue Director",
        "--evidence",
        "SD-2",
        "--trained",
        "2026-02-01",
    ]);
    assert_eq!(registered.code, 0, "{}", registered.stderr);
    assert!(registered.stdout.contains("on the decision of Sue Director"), "{}", registered.stdout);
}

#[test]
fn one_person_in_two_incompatible_roles_is_refused_whichever_spelling_of_their_name() {
    let s = directory();
    ok(&s.run(&["staff", "update", "P1", "--role", "osw", "--role", "tm", "--role", "aaw"]), "roles");
    ok(
        &s.run(&[
            "worker",
            "register-aaw",
            "P1",
            "--decided-by",
            "P7",
            "--evidence",
            "SD-3",
            "--trained",
            "2026-01-05",
        ]),
        "register",
    );
    let reference = request_in(&s, "submitted");
    for spelling in ["Sian Social", "SIÂN  SOCIAL", "sian-social", "p1"] {
        let run = s.run(&["request", "agree", &reference, "--by", spelling, "--evidence", "EV", "--json"]);
        assert_eq!(
            (run.code, guards(&run)),
            (1, vec!["separation_of_duties".to_string()]),
            "{spelling}: {}",
            run.stderr
        );
    }
    ok(&s.run(&["request", "agree", &reference, "--by", "Tia Manager", "--evidence", "EV"]), "agree");
    ok(&s.run(&["request", "permit", &reference, "--by", "Sue Director", "--evidence", "EV"]), "permit");
    let run =
        s.run(&["request", "confirm-legitimacy", &reference, "--by", "Sian Social", "--evidence", "EV", "--json"]);
    assert_eq!((run.code, guards(&run)), (1, vec!["separation_of_duties".to_string()]), "{}", run.stderr);
    assert!(run.stderr.contains("Siân Social is this request's social worker"), "{}", run.stderr);
}

#[test]
fn a_request_taken_through_by_five_people_names_each_of_them_in_its_record_and_on_its_pdf() {
    let s = directory();
    let reference = request_in(&s, "shared");
    ok(&s.run(&["request", "close", &reference, "--by", "Tom South", "--evidence", "email CL-1"]), "close");
    let record = s.run(&["request", "show", &reference, "--json"]).json();
    let deciders: Vec<&str> =
        record["decisions"].as_array().unwrap().iter().map(|d| d["decided_by"].as_str().unwrap()).collect();
    assert_eq!(
        deciders,
        [
            "Siân Social",
            "Tomasz Agreed",
            "Sue Director",
            "Ana Access",
            "Ana Access",
            "Cai Completer",
            "Siân Social",
            "Siân Social",
            "Tom South"
        ]
    );
    let agreed = &record["decisions"][1];
    assert_eq!(agreed["evidence"], "email EV-1");
    assert_eq!(agreed["recorded_by"], "Ana Access");
    assert!(agreed["decided_on"].as_str().unwrap().starts_with("20"), "{agreed}");
    let words = agreed["in_words"].as_str().unwrap();
    assert!(
        words.starts_with("Tomasz Agreed (team manager) agreed on ")
            && words.contains(", by email EV-1; recorded by Ana Access on "),
        "{words}"
    );
    let own = record["decisions"][3]["in_words"].as_str().unwrap();
    assert!(
        own.starts_with("Ana Access (Authorised Access Worker) confirmed the request is legitimate on ")
            && !own.contains("recorded by"),
        "{own}"
    );
    assert_eq!(record["log_versions"][0]["completed_by"], "Cai Completer");
    assert_eq!(record["log_versions"][0]["finalised_by"], "Siân Social");
    let shown = s.run(&["request", "show", &reference]);
    assert!(shown.stdout.contains("Tom South (team manager) closed the request on "), "{}", shown.stdout);
    assert!(shown.stdout.contains("Investigation log Version 1: completed by Cai Completer on "), "{}", shown.stdout);

    // A correction, finalised again by the social worker, is said everywhere.
    ok(&s.run(&["log", "correct", &reference, "--note", "The date was wrong"]), "correct");
    ok(
        &s.run(&[
            "log",
            "finalise",
            &reference,
            "--by",
            "P1",
            "--evidence",
            "email EV-9",
            "--rating",
            "some",
            "--assessment",
            "Still helped",
        ]),
        "again",
    );
    let completer = s.run(&[
        "log",
        "finalise",
        &reference,
        "--by",
        "P12",
        "--evidence",
        "EV",
        "--rating",
        "some",
        "--assessment",
        "x",
        "--json",
    ]);
    assert_eq!(completer.code, 1, "version 2 is finalised already: {}", completer.stderr);
    let record = s.run(&["request", "show", &reference, "--json"]).json();
    let last = record["decisions"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["step"].as_str(), last["log_version"].as_u64()), (Some("finalise-log"), Some(2)));
    assert_eq!(record["log_versions"][1]["finalised_by"], "Siân Social");

    let pdf = s.data_dir.parent().unwrap().join("record.pdf");
    let export = s.run(&["export", "pdf", &reference, "--out", pdf.to_str().unwrap()]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    let text = std::process::Command::new("pdftotext").args(["-layout", pdf.to_str().unwrap(), "-"]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    for name in [
        "Siân Social (social worker) submitted the request",
        "Tomasz Agreed (team manager) agreed",
        "Sue Director (service director) permitted",
        "Ana Access (Authorised Access Worker) confirmed the request is legitimate",
        "Cai Completer (Authorised Access Worker) completed version 1 of the log",
        "Tom South (team manager) closed the request",
        "This PDF carries version 2 of 2",
        "Version 2: a correction by Ana Access on",
    ] {
        assert!(text.contains(name), "{name} not on the PDF");
    }
    assert!(text.contains("finalised version 2 of the log"), "the correction's finalisation is on the PDF");
}

#[test]
fn a_session_shows_the_service_directors_conditions_and_starts_only_once_they_are_confirmed() {
    let s = directory();
    let reference = request_in(&s, "agreed");
    ok(
        &s.run(&[
            "request",
            "permit",
            &reference,
            "--by",
            "P7",
            "--evidence",
            "EV",
            "--conditions",
            "One look at each profile",
        ]),
        "permit",
    );
    ok(&s.run(&["request", "confirm-legitimacy", &reference, "--by", "P9"]), "confirm");
    let run = s.run(&["session", "start", &reference, "--subject", "1", "--account", "1", "--headless", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(guards(&run), ["conditions_not_confirmed"]);
    assert!(
        run.stderr.contains("One look at each profile") && run.stderr.contains("--confirm-conditions"),
        "{}",
        run.stderr
    );
    assert_eq!(
        s.run(&["request", "show", &reference, "--json"]).json()["state"],
        "legitimacy_confirmed",
        "nothing started"
    );
}

#[test]
fn a_directed_surveillance_authorisation_awaiting_approval_holds_back_a_session_on_its_person() {
    let s = directory();
    let reference = request_in(&s, "legitimacy_confirmed");
    let today = chrono::Utc::now().date_naive().to_string();
    let add = s.run(&[
        "authorisation",
        "add",
        &reference,
        "--kind",
        "directed-surveillance",
        "--reference",
        "URN-2026-19",
        "--officer",
        "Superintendent Hale",
        "--granted",
        &today,
        "--person",
        "1",
    ]);
    assert_eq!(add.code, 0, "{}", add.stderr);
    let run = s.run(&["session", "start", &reference, "--subject", "1", "--account", "1", "--headless", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(guards(&run), ["authorisation_not_in_force"]);
    assert!(
        run.stderr.contains(
            "the directed surveillance authorisation URN-2026-19 is not in force: it awaits a magistrate's approval"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        s.run(&["request", "show", &reference, "--json"]).json()["state"],
        "legitimacy_confirmed",
        "nothing started"
    );
}
