//! `retention review | dispose | hold | release` through the binary, reading the clock as
//! every command does: the policy's periods set the boundary (a period of 0 days falls due
//! today, 1 day tomorrow).

use crate::protocol::{step, with_request};

fn policy(s: &crate::Setup, days: u32) {
    std::fs::write(s.data_dir.join("policy.toml"), format!("[retention]\nrefused_or_withdrawn_days = {days}\n"))
        .unwrap();
}

#[test]
fn a_withdrawn_request_falls_due_is_kept_by_a_hold_and_is_disposed_of_with_a_tombstone() {
    let (s, reference) = with_request();
    // The central record of authorisations names the request's people: disposal reaches it.
    let expires = (chrono::Utc::now().date_naive() + chrono::Days::new(60)).to_string();
    let added = s.run(&[
        "authorisation",
        "add",
        &reference,
        "--kind",
        "non-ripa",
        "--reference",
        "NR-1",
        "--officer",
        "Evans, Siân",
        "--granted",
        "2026-11-02",
        "--person",
        "1",
        "--expires",
        &expires,
        "--review",
        &expires,
    ]);
    assert_eq!(added.code, 0, "{}", added.stderr);
    let csv = s.data_dir.parent().unwrap().join("central-record.csv");
    step(&s, &["authorisation", "central-record", "--out", csv.to_str().unwrap()]);
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

    policy(&s, 1);
    let review = s.run(&["retention", "review", "--json"]);
    assert_eq!(review.code, 0, "{}", review.stderr);
    assert_eq!(review.json()["due"], serde_json::json!([]), "kept for the day of the period");

    policy(&s, 0);
    let review = s.run(&["retention", "review", "--json"]).json();
    let due = &review["due"][0];
    assert_eq!(
        (due["kind"].as_str(), due["id"].as_str(), due["rule"].as_str()),
        (Some("request"), Some(reference.as_str()), Some("refused_or_withdrawn"))
    );
    assert!(due["why"].as_str().unwrap().starts_with("withdrawn on "), "{due}");
    assert_eq!(s.run(&["request", "show", &reference, "--json"]).code, 0, "listing deletes nothing");

    // A legal hold keeps it; disposing then removes nothing.
    let bad = s.run(&["retention", "hold", &reference, "--by", "Legal Services", "--reason", " "]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("Enter why"), "{}", bad.stderr);
    assert_eq!(
        s.run(&["retention", "hold", "REQ-2026-9999", "--by", "Legal", "--reason", "Complaint"]).code,
        2,
        "no such request"
    );
    assert_eq!(s.run(&["retention", "hold", &reference, "--by", "Legal Services", "--reason", "A complaint"]).code, 0);
    let held = s.run(&["retention", "review", "--json"]).json();
    assert_eq!(held["due"], serde_json::json!([]));
    assert_eq!(held["held"], serde_json::json!([reference]));
    let none = s.run(&["retention", "dispose", "--by", "Ann Officer", "--json"]).json();
    assert_eq!(none["disposed"], serde_json::json!([]));
    assert_eq!(s.run(&["request", "show", &reference, "--json"]).code, 0);
    assert_eq!(
        s.run(&["retention", "release", &reference, "--by", "Legal Services", "--reason", "Complaint closed"]).code,
        0
    );
    assert_eq!(
        s.run(&["retention", "release", &reference, "--by", "Legal Services", "--reason", "Again"]).code,
        1,
        "not on hold"
    );

    let empty_by = s.run(&["retention", "dispose", "--by", " "]);
    assert_eq!(empty_by.code, 2);
    assert_eq!(s.run(&["request", "show", &reference, "--json"]).code, 0, "a bad input changes nothing");
    let done = s.run(&["retention", "dispose", "--by", "Ann Officer", "--json"]);
    assert_eq!(done.code, 0, "{}", done.stderr);
    let tombstone = &done.json()["disposed"][0];
    assert_eq!(tombstone["object"], reference.as_str());
    assert_eq!(tombstone["disposed_by"], "Ann Officer");
    let digests = tombstone["digests"].as_array().unwrap();
    assert!(!digests.is_empty() && digests.iter().all(|d| d.as_str().unwrap().len() == 64));
    assert_eq!(s.run(&["request", "show", &reference, "--json"]).code, 2, "the request is gone");
    let csv_path = csv.canonicalize().unwrap_or(csv.clone()).display().to_string();
    assert_eq!(done.json()["files"], serde_json::json!([{ "path": csv_path, "outcome": "removed", "why": null }]));
    assert!(!csv.exists(), "the central record that named its people is gone");
    assert_eq!(s.run(&["retention", "review", "--json"]).json()["due"], serde_json::json!([]));
    let audit = s.run(&["audit", "verify"]);
    assert_eq!(audit.code, 0, "{}", audit.stderr);
    assert!(audit.stdout.contains("intact"), "{}", audit.stdout);

    // With the request gone, its events (and those of no request) are past an audit period
    // of 0 years: pruned behind a signed checkpoint, and what is left still verifies.
    std::fs::write(s.data_dir.join("policy.toml"), "[retention]\naudit_years = 0\n").unwrap();
    let events = s.run(&["audit", "verify", "--json"]).json()["events"].as_u64().unwrap();
    let review = s.run(&["retention", "review", "--json"]).json();
    assert_eq!(review["due"].as_array().unwrap().len(), 1, "{review}");
    let due = &review["due"][0];
    assert_eq!((due["kind"].as_str(), due["rule"].as_str()), (Some("audit_events"), Some("audit_events")));
    assert_eq!(due["id"].as_str(), Some(events.to_string().as_str()), "every event so far: {due}");
    let pruned = s.run(&["retention", "dispose", "--by", "Ann Officer", "--json"]);
    assert_eq!(pruned.code, 0, "{}", pruned.stderr);
    assert_eq!(pruned.json()["disposed"][0]["kind"], "audit_events");
    let audit = s.run(&["audit", "verify", "--json"]);
    assert_eq!(audit.code, 0, "{}", audit.stdout);
    assert_eq!(
        audit.json()["events"].as_u64(),
        Some(events + 2),
        "the signing key's making (its first use here) and the pruning's own event follow the checkpoint"
    );
}

/// Runs the binary as `Setup::run` does, with its clock moved by `offset` (faketime's
/// `-f` form: `-1d`, `+2d`).
fn run_at(s: &crate::Setup, offset: &str, args: &[&str]) -> crate::Run {
    let output = std::process::Command::new("faketime")
        .args(["-f", offset, env!("CARGO_BIN_EXE_triangulate"), "--data-dir"])
        .arg(&s.data_dir)
        .args(args)
        .env("TRIANGULATE_KEYSTORE", "kernel-keyring")
        .env_remove("TRIANGULATE_DATA_DIR")
        .env_remove("RUST_LOG")
        .output()
        .expect("faketime (Debian package faketime) runs the binary");
    crate::Run::from(output)
}

#[test]
fn disposal_refuses_a_clock_behind_the_audit_trail_or_a_day_off_the_time_stamping_authority() {
    let (s, reference) = with_request();
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
    let latest = s.run(&["audit", "verify", "--json"]).json();
    let dispose = ["retention", "dispose", "--by", "Ann Officer", "--json"];

    // A clock set back behind the latest audit event: refused, both times named, nothing gone.
    policy(&s, 0);
    let back = run_at(&s, "-1d", &dispose);
    assert_eq!(back.code, 1, "{}{}", back.stdout, back.stderr);
    let message = back.json()["error"]["message"].as_str().unwrap().to_string();
    let yesterday = (chrono::Utc::now() - chrono::TimeDelta::days(1)).date_naive().to_string();
    let today = chrono::Utc::now().date_naive().to_string();
    assert!(message.contains("earlier than the latest audit event"), "{message}");
    assert!(message.contains(&yesterday) && message.contains(&today), "both times: {message}");
    assert_eq!(s.run(&["request", "show", &reference, "--json"]).code, 0, "nothing is disposed of");
    assert_eq!(s.run(&["audit", "verify", "--json"]).json()["events"], latest["events"], "nothing is written");

    // With a time-stamping authority: a clock two days ahead is refused, naming both times.
    let tsa = crate::bundle::Tsa::start();
    std::fs::copy(tsa.dir.path().join("ca.crt"), s.data_dir.join("tsa-ca.pem")).unwrap();
    std::fs::write(
        s.data_dir.join("policy.toml"),
        format!(
            "[retention]\nrefused_or_withdrawn_days = 0\n[timestamp]\nurl = \"{}\"\nca_certificate = \"tsa-ca.pem\"\n",
            tsa.url
        ),
    )
    .unwrap();
    let ahead = run_at(&s, "+2d", &dispose);
    assert_eq!(ahead.code, 1, "{}{}", ahead.stdout, ahead.stderr);
    let message = ahead.json()["error"]["message"].as_str().unwrap().to_string();
    let later = (chrono::Utc::now() + chrono::TimeDelta::days(2)).date_naive().to_string();
    assert!(message.contains("differ by more than a day"), "{message}");
    assert!(message.contains(&later) && message.contains(&today) && message.contains(&tsa.url), "{message}");
    assert_eq!(s.run(&["request", "show", &reference, "--json"]).code, 0, "nothing is disposed of");

    // The right clock: disposed of, dated by the authority, its answer kept with the tombstone.
    let done = s.run(&dispose);
    assert_eq!(done.code, 0, "{}", done.stderr);
    let done = done.json();
    let tombstone = &done["disposed"][0];
    assert_eq!(tombstone["object"], reference.as_str());
    assert_eq!(tombstone["time_source"], "tsa");
    assert_eq!(tombstone["timestamped_at"], done["dating"]["timestamped_at"]);
    assert_eq!(done["dating"]["source"], "tsa");
    let list_text = done["dating"]["stamped_list"].as_str().unwrap().to_string();
    let list: serde_json::Value = serde_json::from_str(&list_text).unwrap();
    assert_eq!(list["records"][0]["object"], reference.as_str());
    assert_eq!(list["records"][0]["digests"], tombstone["digests"], "the list stamped is what the tombstone keeps");
    let store = triangulate_store::Store::open(
        &triangulate_store::DataDir::new(&s.data_dir),
        &triangulate_store::Keystore::kernel_keyring().unwrap(),
    )
    .unwrap();
    let kept = store.disposal_stamps().unwrap();
    drop(store);
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].document, list_text);
    assert_eq!(Some(kept[0].answer.as_str()), done["dating"]["timestamp"].as_str());
    // OpenSSL accepts the kept answer over the kept list.
    use base64::Engine;
    let work = s.data_dir.parent().unwrap();
    std::fs::write(work.join("disposed.json"), &kept[0].document).unwrap();
    std::fs::write(
        work.join("disposed.tsr"),
        base64::engine::general_purpose::STANDARD.decode(&kept[0].answer).unwrap(),
    )
    .unwrap();
    let verified = std::process::Command::new("openssl")
        .args(["ts", "-verify", "-data"])
        .arg(work.join("disposed.json"))
        .arg("-in")
        .arg(work.join("disposed.tsr"))
        .arg("-CAfile")
        .arg(tsa.dir.path().join("ca.crt"))
        .arg("-untrusted")
        .arg(tsa.dir.path().join("tsa.crt"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&verified.stdout);
    assert!(
        verified.status.success() && said.contains("Verification: OK"),
        "{said}{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    let audit = s.run(&["audit", "verify"]);
    assert!(audit.stdout.contains("intact"), "{}", audit.stdout);

    // Without an authority a clock far ahead cannot be caught: the date it believes is said,
    // and the tombstone records that the laptop's own clock dated it.
    // Its people went with the first request, so nobody is matched.
    let second = s.run(&["request", "create", "--file", crate::protocol::EXAMPLE]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    let second = second.stdout.trim().to_string();
    step(
        &s,
        &[
            "request",
            "withdraw",
            &second,
            "--by",
            "Rhian Evans",
            "--evidence",
            "email EV-1",
            "--note",
            "Family moved away",
        ],
    );
    policy(&s, 0);
    let ahead = run_at(&s, "+2200d", &["retention", "dispose", "--by", "Ann Officer"]);
    assert_eq!(ahead.code, 0, "{}", ahead.stderr);
    let year = (chrono::Utc::now() + chrono::TimeDelta::days(2200)).date_naive().to_string();
    assert!(
        ahead.stdout.contains(&format!(
            "Dated by this laptop's own clock, which no time-stamping authority checked: it is {year}"
        )),
        "{}",
        ahead.stdout
    );
    let store = triangulate_store::Store::open(
        &triangulate_store::DataDir::new(&s.data_dir),
        &triangulate_store::Keystore::kernel_keyring().unwrap(),
    )
    .unwrap();
    let tombstones = store.disposals().unwrap();
    assert_eq!(tombstones.last().unwrap().object, second);
    assert_eq!(tombstones.last().unwrap().time_source, "laptop_clock");
}

/// Exports a draft care-record PDF of the request to `pdf`; its text, words joined by spaces.
fn draft_pdf_text(s: &crate::Setup, reference: &str, pdf: &std::path::Path) -> String {
    let exported = s.run(&["export", "pdf", reference, "--out", pdf.to_str().unwrap(), "--draft"]);
    assert_eq!(exported.code, 0, "{}", exported.stderr);
    tool("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn tool(program: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn subject_access_gathers_a_person_across_two_requests_and_flags_third_parties_for_redaction() {
    let (s, first) = with_request();
    let second =
        s.run(&["request", "create", "--file", crate::protocol::EXAMPLE, "--same-person", "1=1", "--new-person", "2"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    let second = second.stdout.trim().to_string();
    let shown = s.run(&["request", "show", &second, "--json"]).json();
    let person = shown["subjects"][0]["person_id"].as_i64().unwrap();

    // A folder that is not empty is refused, and nothing is written.
    let busy = s.data_dir.parent().unwrap().join("busy");
    std::fs::create_dir_all(&busy).unwrap();
    std::fs::write(busy.join("keep.txt"), "x").unwrap();
    let refused = s.run(&["subject-access", &person.to_string(), "--out", busy.to_str().unwrap()]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert_eq!(std::fs::read_dir(&busy).unwrap().count(), 1);
    assert_eq!(s.run(&["subject-access", "999", "--out", "/tmp/none"]).code, 2, "no such person");

    let out = s.data_dir.parent().unwrap().join("sar");
    let run = s.run(&["subject-access", &person.to_string(), "--out", out.to_str().unwrap(), "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    let pdf = json["pdf"].as_str().unwrap();
    let text = tool("pdftotext", &["-enc", "UTF-8", pdf, "-"]);
    assert!(text.contains("Anna Kowalska"), "{text}");
    assert!(text.contains(&first) && text.contains(&second), "both requests that name her");
    assert!(text.contains("Flagged for redaction before disclosure"));
    let flagged: Vec<&str> = json["flagged"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert!(flagged.iter().any(|f| f.contains("third party named, Piotr Nowak")), "{flagged:?}");
    assert!(
        !flagged.iter().any(|f| f.contains("third party named, Anna Kowalska")),
        "she is not a third party to herself"
    );
    tool("qpdf", &["--check", pdf]);
    let audit = s.run(&["audit", "verify"]);
    assert!(audit.stdout.contains("intact"), "{}", audit.stdout);
    let again = s.run(&["subject-access", &person.to_string(), "--out", out.to_str().unwrap()]);
    assert_eq!(again.code, 2, "never over an earlier export");
}

#[test]
fn incidents_and_disputes_are_recorded_and_travel_into_the_care_record_and_the_subject_access_export() {
    let (s, reference) = with_request();
    crate::protocol::authorise(&s, &reference);
    let account = s.run(&["account", "add", "--platform", "facebook", "--handle", "council.checks"]);
    assert_eq!(account.code, 0, "{}", account.stderr);
    let searched = crate::protocol::search(&s, &reference, account.stdout.trim(), "Anna Kowalska", "Profile found");
    assert_eq!(searched.code, 0, "{}", searched.stderr);
    step(&s, &["log", "add-finding", &reference, "--text", "A photo with Mr Nowak, 3 November"]);

    // A dispute of the finding: bad names and blank answers change nothing.
    let finding = format!("{reference}:1");
    for (args, why) in [
        (vec!["--finding", reference.as_str()], "no number"),
        (vec!["--finding", &format!("{reference}:9")], "no such finding"),
    ] {
        let mut all = vec!["dispute", "record"];
        all.extend(args);
        all.extend(["--by", "Anna Kowalska", "--text", "Not me"]);
        assert_eq!(s.run(&all).code, 2, "{why}");
    }
    assert_eq!(s.run(&["dispute", "record", "--finding", &finding, "--by", " ", "--text", "x"]).code, 2);
    assert_eq!(s.run(&["dispute", "list", "--json"]).json(), serde_json::json!([]));
    let disputed = s.run(&[
        "dispute",
        "record",
        "--finding",
        &finding,
        "--by",
        "Anna Kowalska",
        "--text",
        "That photo is from 2019, before we separated",
    ]);
    assert_eq!(disputed.code, 0, "{}", disputed.stderr);

    // An incident: a day in the future is refused; the people affected are named.
    let incident = |on: &str| {
        s.run(&[
            "incident",
            "record",
            "--what",
            "The profile was opened from a personal phone",
            "--on",
            on,
            "--reported-by",
            "Sue Manager",
            "--person",
            "Anna Kowalska",
            "--person",
            "Tom Bystander",
            "--action",
            "Reported to the data protection officer; the worker retrained",
            "--request",
            &reference,
            "--json",
        ])
    };
    assert_eq!(incident("2099-01-01").code, 2);
    let recorded = incident("2026-11-20");
    assert_eq!(recorded.code, 0, "{}", recorded.stderr);
    assert_eq!(recorded.json()["incident"]["people"], serde_json::json!(["Anna Kowalska", "Tom Bystander"]));
    assert_eq!(s.run(&["incident", "list", "--json"]).json().as_array().unwrap().len(), 1);

    // The dispute travels with the finding into the care record.
    let pdf = s.data_dir.parent().unwrap().join("care-record.pdf");
    let text = draft_pdf_text(&s, &reference, &pdf);
    assert!(text.contains("Disputed by Anna Kowalska"), "{text}");
    assert!(text.contains("That photo is from 2019, before we separated"));

    // And into what she is given: the dispute, the incident, and the bystander flagged.
    let out = s.data_dir.parent().unwrap().join("sar");
    let json = s.run(&["subject-access", "1", "--out", out.to_str().unwrap(), "--json"]).json();
    let flagged: Vec<&str> = json["flagged"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert!(flagged.contains(&"Incident 1: third party named, Tom Bystander"), "{flagged:?}");
    let given = tool("pdftotext", &["-enc", "UTF-8", json["pdf"].as_str().unwrap(), "-"])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(given.contains("That photo is from 2019"), "{given}");
    assert!(given.contains("The profile was opened from a personal phone"));
    let audit = s.run(&["audit", "verify"]);
    assert!(audit.stdout.contains("intact"), "{}", audit.stdout);

    // The incident keeps its own period (six years by default), then falls due with the
    // people it names; a hold on its request keeps it.
    let due_incidents = |s: &crate::Setup| -> Vec<serde_json::Value> {
        let review = s.run(&["retention", "review", "--json"]).json();
        review["due"].as_array().unwrap().iter().filter(|d| d["kind"] == "incident").cloned().collect()
    };
    assert_eq!(due_incidents(&s), Vec::<serde_json::Value>::new(), "kept for its period");
    std::fs::write(s.data_dir.join("policy.toml"), "[retention]\nincident_years = 0\n").unwrap();
    let due = due_incidents(&s);
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!((due[0]["id"].as_str(), due[0]["rule"].as_str()), (Some("1"), Some("incident")));
    step(&s, &["retention", "hold", &reference, "--by", "Evans, Siân", "--reason", "Care proceedings"]);
    assert_eq!(due_incidents(&s), Vec::<serde_json::Value>::new(), "held with its request");
    step(&s, &["retention", "release", &reference, "--by", "Evans, Siân", "--reason", "Proceedings ended"]);
    let disposed = s.run(&["retention", "dispose", "--by", "Sue Manager", "--json"]);
    assert_eq!(disposed.code, 0, "{}", disposed.stderr);
    let tombstones = disposed.json()["disposed"].as_array().unwrap().clone();
    let tombstone = tombstones.iter().find(|d| d["kind"] == "incident").expect("the incident's tombstone");
    assert_eq!((tombstone["object"].as_str(), tombstone["request"].as_str()), (Some("1"), Some(reference.as_str())));
    assert_eq!(tombstone["digests"].as_array().unwrap().len(), 1, "the digest of what was removed");
    assert_eq!(s.run(&["incident", "list", "--json"]).json(), serde_json::json!([]), "the incident is gone");
    assert_eq!(s.run(&["request", "show", &reference, "--json"]).code, 0, "its request is not");
    assert!(s.run(&["audit", "verify"]).stdout.contains("intact"));
}

fn file_holds(path: &std::path::Path, needle: &str) -> bool {
    std::fs::read(path).map(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes())).unwrap_or(false)
}

/// Every file below `root` that holds `needle` as UTF-8 or as UTF-16LE bytes.
fn files_holding(root: &std::path::Path, needle: &str) -> Vec<String> {
    let utf16: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    crate::files_below(root)
        .into_iter()
        .filter(|path| {
            let bytes = std::fs::read(path).unwrap_or_default();
            crate::contains(&bytes, needle) || bytes.windows(utf16.len()).any(|w| w == utf16.as_slice())
        })
        .map(|path| path.strip_prefix(root).unwrap().display().to_string())
        .collect()
}

#[test]
fn disposal_reaches_the_accounts_browser_and_the_files_exported_but_never_a_request_being_recorded() {
    let site = crate::fixture_site::start();
    let (s, reference) = crate::capture::ready_with(&site, None, |_| {});
    std::fs::write(s.data_dir.join("policy.toml"), "[retention]\nstalled_request_days = 0\n").unwrap();
    let profile = format!("{}/profile/jane", site.base);
    let about = format!("{}/profile/jane/about", site.base);
    let login = format!("{}/login", site.base);
    let session = crate::capture::start(&s, &reference, &[]);
    // The account signs in (a cookie kept for a month), and pages are visited, one of which
    // writes its own address into the browser's storage, as sites do.
    crate::capture::in_the_sessions_tab(&session, &login, "document.title");
    crate::capture::in_the_sessions_tab(
        &session,
        &about,
        "localStorage.setItem('last', location.href); sessionStorage.setItem('last', location.href)",
    );
    crate::capture::in_the_sessions_tab(&session, &profile, "document.title");
    let taken = crate::capture::capture(&s, &session, &["--url", &profile]);
    let review = s.run(&["retention", "review", "--json"]).json();
    assert_eq!(review["due"], serde_json::json!([]), "nothing of a request is due while its session records");

    let ended = s.run(&["session", "end", &session.id]);
    assert_eq!(ended.code, 0, "{}", ended.stderr);
    let browser = s.data_dir.join("browser-profiles/account-1");
    let history = browser.join("Default/History");
    let visited = profile.trim_start_matches("http://");
    assert!(
        (0..50).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(100));
            file_holds(&history, visited)
        }),
        "the browser kept the page in its history"
    );
    let cookies = browser.join("Default/Cookies");
    assert!(
        (0..50).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(100));
            file_holds(&cookies, "fixture_login")
        }),
        "the browser keeps its log-in in its profile"
    );

    // Every file an export writes is known: a PDF, a capture's folder, a subject access folder.
    let outside = s.data_dir.parent().unwrap();
    let pdf = outside.join("draft.pdf");
    assert_eq!(s.run(&["export", "pdf", &reference, "--out", pdf.to_str().unwrap(), "--draft"]).code, 0);
    let capture_folder = outside.join("capture-export");
    let exported =
        s.run(&["capture", "export", &taken["capture_id"].to_string(), "--out", capture_folder.to_str().unwrap()]);
    assert_eq!(exported.code, 0, "{}", exported.stderr);
    let sar = outside.join("sar");
    let given = s.run(&["subject-access", "1", "--out", sar.to_str().unwrap(), "--json"]);
    assert_eq!(given.code, 0, "{}", given.stderr);
    let sar_pdf = std::path::PathBuf::from(given.json()["pdf"].as_str().unwrap());
    // One exported file is changed afterwards: it is not what the app wrote, so it stays.
    let changed = crate::files_below(&capture_folder)
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("the capture's manifest was exported");
    let mut bytes = std::fs::read(&changed).unwrap();
    bytes.extend_from_slice(b"\n");
    std::fs::write(&changed, bytes).unwrap();
    let before: Vec<_> = crate::files_below(&capture_folder).into_iter().chain(crate::files_below(&sar)).collect();
    assert!(before.len() >= 6, "{before:?}");

    let review = s.run(&["retention", "review", "--json"]).json();
    assert_eq!(review["due"][0]["rule"], "stalled");
    let done = s.run(&["retention", "dispose", "--by", "Ann Officer", "--json"]);
    assert_eq!(done.code, 0, "{}", done.stderr);
    let done = done.json();
    assert_eq!(done["disposed"][0]["object"], reference.as_str());
    // Without a time-stamping authority the laptop's own date is said, and kept.
    assert_eq!(done["dating"]["source"], "laptop_clock", "{done}");
    let today = chrono::Utc::now().date_naive();
    let said: chrono::NaiveDate = done["dating"]["laptop_date"].as_str().unwrap().parse().unwrap();
    assert!((said - today).num_days().abs() <= 1, "the UK date by the laptop's clock: {done}");
    assert!(done["dating"]["laptop_time"].as_str().unwrap().starts_with(&today.to_string()), "{done}");
    assert_eq!(done["disposed"][0]["time_source"], "laptop_clock");
    let cleaned = &done["browser_profiles"][0];
    assert_eq!(cleaned["account"], 1);
    assert!(cleaned["history_entries"].as_u64().unwrap() >= 1, "{cleaned}");

    // As an examiner would look: no file anywhere in the account's profile holds a disposed
    // page's address, as UTF-8 or UTF-16, whole or as host and path.
    for address in [&profile, &about, &login] {
        for form in [address.as_str(), address.trim_start_matches("http://")] {
            let holding = files_holding(&browser, form);
            assert!(holding.is_empty(), "{form} is still in {holding:?}; the cleanup said {cleaned}");
        }
    }
    assert!(file_holds(&cookies, "fixture_login"), "the log-in is never removed");

    // The files exported from it: each removed where it is still what was written; the one
    // changed since is left, and named.
    let files = done["files"].as_array().unwrap();
    let outcome = |path: &std::path::Path| {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf()).display().to_string();
        files.iter().find(|f| f["path"] == path.as_str()).map(|f| f["outcome"].as_str().unwrap().to_string())
    };
    assert_eq!(outcome(&pdf).as_deref(), Some("removed"), "{files:?}");
    assert!(!pdf.exists(), "the PDF exported from it is gone");
    assert_eq!(outcome(&changed).as_deref(), Some("changed"), "{files:?}");
    assert!(changed.exists(), "a file changed since it was exported is left in place");
    for path in before.iter().filter(|p| **p != changed) {
        assert!(!path.exists(), "{} is gone", path.display());
        assert_eq!(outcome(path).as_deref(), Some("removed"), "{}: {files:?}", path.display());
    }
    assert!(!sar_pdf.exists() && !sar.exists(), "the subject access folder is gone whole");
    assert!(capture_folder.exists(), "the folder holding the changed file stays");
    let audit = s.run(&["audit", "verify"]);
    assert!(audit.stdout.contains("intact"), "{}", audit.stdout);
    // The log lines hold ids, never the page or the person: nothing there to dispose of.
    let log = s.data_dir.join("logs/triangulate.log");
    assert!(
        file_holds(&log, "bundle") || file_holds(&log, "capture") || file_holds(&log, "dispos"),
        "the log is written"
    );
    for disposed in [visited, "Anna Kowalska", "Sam Patel"] {
        assert!(!file_holds(&log, disposed), "{disposed} is not in the log file");
    }
}

/// The pixels of a PNG as RGB triples, row by row, with its size.
fn rgb(path: &std::path::Path) -> (u32, u32, Vec<[u8; 3]>) {
    let mut reader =
        png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap())).read_info().unwrap();
    let mut data = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut data).unwrap();
    let channels = match frame.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("{other:?}"),
    };
    let pixels = data[..frame.buffer_size()].chunks(channels).map(|p| [p[0], p[1], p[2]]).collect();
    (frame.width, frame.height, pixels)
}

#[test]
fn a_redacted_copy_is_signed_and_linked_to_its_sealed_original_and_the_pdf_holds_none_of_the_pixels_beneath() {
    let site = crate::fixture_site::start();
    let (s, reference) = crate::capture::ready_with(&site, None, |_| {});
    let session = crate::capture::start(&s, &reference, &[]);
    let taken = crate::capture::capture(&s, &session, &["--url", &format!("{}/profile/jane", site.base)]);
    let id = taken["capture_id"].to_string();
    let before = crate::capture::show(&s, &taken["capture_id"]);
    let viewport =
        before["artefacts"].as_array().unwrap().iter().find(|a| a["kind"] == "viewport_png").unwrap().clone();

    // Bad boxes and a bad picture name change nothing.
    for bad in [
        vec!["--picture", "viewport", "--box", "1,2,3"],
        vec!["--picture", "viewport", "--box", "0,0,99999,10"],
        vec!["--picture", "whole", "--box", "0,0,10,10"],
    ] {
        let mut args = vec!["capture", "redact", id.as_str()];
        args.extend(bad);
        args.extend(["--reason", "A child's face", "--by", "Sam Patel"]);
        assert_eq!(s.run(&args).code, 2, "{args:?}");
    }
    let run = s.run(&[
        "capture",
        "redact",
        &id,
        "--picture",
        "viewport",
        "--box",
        "0,0,200,120",
        "--box",
        "300,10,50,50",
        "--reason",
        "The face of another child",
        "--by",
        "Sam Patel",
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let redaction = run.json();
    assert_eq!(redaction["manifest"]["original_sha256"], viewport["sha256"], "linked to its sealed original");
    let manifest = triangulate_evidence::canonical_json(&redaction["manifest"]);
    let verified =
        triangulate_evidence::redaction::verify_redaction(&manifest, redaction["signature"].as_str().unwrap()).unwrap();
    assert_eq!(verified.boxes.len(), 2);
    assert_eq!(verified.redacted_sha256, redaction["sha256"].as_str().unwrap());
    let after = crate::capture::show(&s, &taken["capture_id"]);
    assert_eq!(after["signature_valid"], true, "the original's signature still verifies");
    assert_eq!(after["stored_hashes_match"], true);
    assert_eq!(after["artefacts"], before["artefacts"], "the original is never changed");

    // The care-record PDF shows the redacted copy, says so, and holds none of the pixels beneath.
    let judged =
        s.run(&["capture", "judge", &id, "--relevant", "yes", "--useful", "yes", "--attribution", "unverified"]);
    assert_eq!(judged.code, 0, "{}", judged.stderr);
    let folder = s.data_dir.parent().unwrap().join("pdf");
    std::fs::create_dir_all(&folder).unwrap();
    let pdf = folder.join("care-record.pdf");
    let text = draft_pdf_text(&s, &reference, &pdf);
    assert!(text.contains("Redacted copy of exhibit 1's viewport"), "{text}");
    assert!(text.contains(viewport["sha256"].as_str().unwrap()), "the sealed original is named by its digest");
    tool("pdfimages", &["-png", pdf.to_str().unwrap(), folder.join("image").to_str().unwrap()]);
    let (w, h) = (viewport["width"].as_u64().unwrap() as u32, viewport["height"].as_u64().unwrap() as u32);
    let mut seen = 0;
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "png") {
            continue;
        }
        let (iw, ih, pixels) = rgb(&path);
        if (iw, ih) != (w, h) {
            continue;
        }
        seen += 1;
        for (bx, by, bw, bh) in [(0u32, 0u32, 200u32, 120u32), (300, 10, 50, 50)] {
            for y in by..by + bh {
                for x in bx..bx + bw {
                    assert_eq!(
                        pixels[(y * iw + x) as usize],
                        [0, 0, 0],
                        "({x},{y}) of the viewport in the PDF is hidden"
                    );
                }
            }
        }
    }
    assert_eq!(seen, 1, "the viewport is in the PDF once, redacted");

    // What the person is given shows the redacted copy too, and says so.
    let out = s.data_dir.parent().unwrap().join("sar");
    let given = s.run(&["subject-access", "1", "--out", out.to_str().unwrap(), "--json"]);
    assert_eq!(given.code, 0, "{}", given.stderr);
    let given_pdf = given.json()["pdf"].as_str().unwrap().to_string();
    // Beside it, the redacted copy and not the original; the manifest that signs the capture.
    let originals = out.join("originals").join(format!("capture-{id}"));
    assert!(!originals.join(format!("capture-{id}-viewport-png.png")).exists(), "the original is withheld");
    let copy =
        std::fs::read(originals.join(format!("capture-{id}-viewport-png-redacted-{}.png", redaction["redaction_id"])))
            .unwrap();
    assert_eq!(triangulate_evidence::sha256_hex(&copy), redaction["sha256"].as_str().unwrap());
    let signed = std::fs::read_to_string(originals.join(format!("capture-{id}-manifest.json"))).unwrap();
    let signature = std::fs::read_to_string(originals.join(format!("capture-{id}-manifest.sig"))).unwrap();
    triangulate_evidence::verify_manifest(&signed, signature.trim()).unwrap();
    let text = tool("pdftotext", &["-enc", "UTF-8", &given_pdf, "-"]).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("a redacted copy"), "{text}");
    let images = s.data_dir.parent().unwrap().join("sar-images");
    std::fs::create_dir_all(&images).unwrap();
    tool("pdfimages", &["-png", &given_pdf, images.join("image").to_str().unwrap()]);
    for entry in std::fs::read_dir(&images).unwrap() {
        let (iw, ih, pixels) = rgb(&entry.unwrap().path());
        if (iw, ih) == (w, h) {
            assert_eq!(pixels[0], [0, 0, 0], "the person's copy hides the box too");
        }
    }

    // The legal team's bundle carries the original and the redacted copy, with their link.
    let zip = s.data_dir.parent().unwrap().join("bundle.zip");
    let made = s.run(&["export", "bundle", &reference, "--out", zip.to_str().unwrap(), "--draft", "--json"]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let unzip = |args: &[&str]| std::process::Command::new("unzip").args(args).arg(&zip).output().unwrap();
    assert!(unzip(&["-t"]).status.success());
    let listing = String::from_utf8(unzip(&["-Z1"]).stdout).unwrap();
    let copy_id = redaction["redaction_id"].to_string();
    for entry in [
        format!("captures/{id}/viewport-png.png"),
        format!("captures/{id}/redacted-{copy_id}-viewport-png.png"),
        format!("captures/{id}/redacted-{copy_id}.json"),
        format!("captures/{id}/redacted-{copy_id}.sig"),
    ] {
        assert!(listing.lines().any(|l| l == entry), "{entry} in {listing}");
    }
    let verified = s.run(&["verify", zip.to_str().unwrap(), "--json"]);
    assert_eq!(verified.code, 0, "{}{}", verified.stdout, verified.stderr);
    assert_eq!(verified.json()["redactions"], 1, "the copy's link to its original verifies");
    let plain = s.run(&["verify", zip.to_str().unwrap()]).stdout;
    assert!(plain.contains("redacted copies: 1"), "{plain}");
    let original = std::process::Command::new("unzip")
        .args(["-p", zip.to_str().unwrap(), &format!("captures/{id}/viewport-png.png")])
        .output()
        .unwrap()
        .stdout;
    let digest = triangulate_evidence::sha256_hex(&original);
    assert_eq!(digest, viewport["sha256"].as_str().unwrap(), "the original, as sealed");

    // A link that does not hold is refused by both verifiers even when every file matches its
    // digest and both signatures are sound: bundles re-signed with the installation's own key
    // around a copy that names another original, another capture, or a copy file not its own.
    let work = s.data_dir.parent().unwrap().join("relinked");
    std::fs::create_dir_all(&work).unwrap();
    let mut store = triangulate_store::Store::open(
        &triangulate_store::DataDir::new(&s.data_dir),
        &triangulate_store::Keystore::kernel_keyring().unwrap(),
    )
    .unwrap();
    let now = chrono::Utc::now();
    let mut relinked = |name: &str, change: &dyn Fn(&mut serde_json::Value, &mut serde_json::Value)| {
        let folder = work.join(name);
        let unzipped =
            std::process::Command::new("unzip").args(["-q", zip.to_str().unwrap(), "-d"]).arg(&folder).status();
        assert!(unzipped.unwrap().success());
        let read = |path: &str| -> serde_json::Value {
            serde_json::from_slice(&std::fs::read(folder.join(path)).unwrap()).unwrap()
        };
        let mut bundle = read("manifest.json");
        let entry = bundle["redactions"][0].clone();
        let mut signed = read(entry["manifest"].as_str().unwrap());
        change(&mut bundle, &mut signed);
        let text = triangulate_evidence::canonical_json(&signed);
        let (signature, _) = store.sign_with_installation_key(&text, now).unwrap();
        for (path, bytes) in [("manifest", text.into_bytes()), ("signature", format!("{signature}\n").into_bytes())] {
            let path = entry[path].as_str().unwrap();
            std::fs::write(folder.join(path), &bytes).unwrap();
            let listed = bundle["files"].as_array_mut().unwrap().iter_mut().find(|f| f["path"] == path).unwrap();
            listed["sha256"] = triangulate_evidence::sha256_hex(&bytes).into();
            listed["size"] = bytes.len().into();
        }
        let text = serde_json::to_string_pretty(&bundle).unwrap();
        let (signature, _) = store.sign_with_installation_key(&text, now).unwrap();
        std::fs::write(folder.join("manifest.json"), text).unwrap();
        std::fs::write(folder.join("manifest.sig"), format!("{signature}\n")).unwrap();
        let out = work.join(format!("{name}.zip"));
        let zipped = std::process::Command::new("zip")
            .args(["-q", "-r", "-X", "-D"])
            .arg(&out)
            .arg(".")
            .current_dir(&folder)
            .status();
        assert!(zipped.unwrap().success());
        out
    };
    let other_original = relinked("other-original", &|_, signed| signed["original_sha256"] = "ab".repeat(32).into());
    let other_capture = relinked("other-capture", &|_, signed| {
        signed["capture_id"] = (signed["capture_id"].as_i64().unwrap() + 1).into()
    });
    let not_the_copy = relinked("not-the-copy", &|bundle, _| {
        bundle["redactions"][0]["copy"] = bundle["redactions"][0]["original"].clone()
    });
    drop(store);
    let cases = [
        (&other_original, "it does not link to the sealed original"),
        (&other_capture, "names another capture or copy"),
        (&not_the_copy, "the copy is not the picture its signed manifest names"),
    ];
    for (bundle, why) in cases {
        let run = s.run(&["verify", bundle.to_str().unwrap(), "--json"]);
        assert_eq!(run.code, 1, "{} is refused: {}", bundle.display(), run.stdout);
        assert!(run.stdout.contains(why), "{why}: {}", run.stdout);
    }
    // The offline page checks the same links.
    let page = work.join("verify.html");
    assert_eq!(s.run(&["export", "verify-page", "--out", page.to_str().unwrap()]).code, 0);
    let mut zips = vec![zip.clone()];
    zips.extend(cases.iter().map(|c| c.0.clone()));
    let listed: Vec<serde_json::Value> = zips.iter().map(|z| serde_json::json!({ "zip": z })).collect();
    let results = crate::bundle::verify_html(&work.join("cases.json"), &page, &listed);
    assert_eq!(results[0]["state"], "intact", "{}", results[0]);
    assert!(
        results[0]["factList"].as_array().unwrap().iter().any(|f| f
            == "redacted copies: 1, each signed and linked to its sealed original by the original's SHA-256"),
        "{}",
        results[0]
    );
    for (result, (_, why)) in results[1..].iter().zip(cases) {
        assert_eq!(result["state"], "not-intact", "{result}");
        assert!(result["problems"].to_string().contains(why), "{why}: {result}");
    }
}

/// The bytes of a PNG's image data (its IDAT chunks, joined).
fn idat(png: &[u8]) -> Vec<u8> {
    let mut data = Vec::new();
    let mut at = 8;
    while at + 8 <= png.len() {
        let length = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
        if &png[at + 4..at + 8] == b"IDAT" {
            data.extend_from_slice(&png[at + 8..at + 8 + length]);
        }
        at += 12 + length;
    }
    data
}

fn holds(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The marker in UTF-8, UTF-16 (both byte orders) and as the MHTML's quoted-printable keeps it.
fn marker_forms(marker: &str) -> Vec<Vec<u8>> {
    let utf16 = |big: bool| -> Vec<u8> {
        marker.encode_utf16().flat_map(|u| if big { u.to_be_bytes() } else { u.to_le_bytes() }).collect()
    };
    vec![marker.as_bytes().to_vec(), utf16(false), utf16(true)]
}

#[test]
fn a_subject_access_export_holds_only_the_persons_own_captures_and_nothing_a_redaction_hides() {
    use crate::fixture_site::HIDDEN_MARKER;
    let site = crate::fixture_site::start();
    let base = site.base.clone();
    let (s, reference) = crate::capture::ready_with(&site, None, |request| {
        request["subjects"][1]["profiles"] =
            serde_json::json!([{ "platform": "facebook", "url": format!("{base}/profile/second") }]);
    });
    let shown = s.run(&["request", "show", &reference, "--json"]).json();
    let first = shown["subjects"][0]["person_id"].as_i64().unwrap().to_string();
    let second = shown["subjects"][1]["person_id"].as_i64().unwrap().to_string();
    // One session, on the first person; the second person's page captured in it too.
    let session = crate::capture::start(&s, &reference, &[]);
    let marked = crate::capture::capture(&s, &session, &["--url", &format!("{}/profile/jane/marked", site.base)]);
    let theirs = crate::capture::capture(
        &s,
        &session,
        &["--url", &format!("{}/profile/second", site.base), "--outside-scope-reason", "Her partner's page"],
    );
    let (marked_id, theirs_id) = (marked["capture_id"].to_string(), theirs["capture_id"].to_string());
    let before = crate::capture::show(&s, &marked["capture_id"]);
    let viewport = before["artefacts"].as_array().unwrap().iter().find(|a| a["kind"] == "viewport_png").unwrap();
    let original_digest = viewport["sha256"].as_str().unwrap().to_string();
    // The original picture's bytes, from the capture's own export (elsewhere).
    let sealed = s.data_dir.parent().unwrap().join("sealed");
    assert_eq!(s.run(&["capture", "export", &marked_id, "--out", sealed.to_str().unwrap()]).code, 0);
    let original = std::fs::read(sealed.join(format!("capture-{marked_id}-viewport-png.png"))).unwrap();
    assert_eq!(triangulate_evidence::sha256_hex(&original), original_digest);
    let mhtml = std::fs::read(sealed.join(format!("capture-{marked_id}-mhtml.mhtml"))).unwrap();
    assert!(holds(&mhtml, HIDDEN_MARKER.as_bytes()), "the saved copy holds the marker: the search can find it");
    let image = idat(&original);
    let sample = &image[image.len() / 2..image.len() / 2 + 64];

    let redacted = s.run(&[
        "capture",
        "redact",
        &marked_id,
        "--picture",
        "viewport",
        "--box",
        "0,0,600,100",
        "--reason",
        "Hidden for the test",
        "--by",
        "Sam Patel",
        "--json",
    ]);
    assert_eq!(redacted.code, 0, "{}", redacted.stderr);

    let export = |person: &str, name: &str| {
        let out = s.data_dir.parent().unwrap().join(name);
        let run = s.run(&["subject-access", person, "--out", out.to_str().unwrap(), "--json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        (out, run.json())
    };
    let (out, json) = export(&first, "sar-first");
    let files = crate::files_below(&out);
    assert!(files.len() > 3, "{files:?}");
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        for form in marker_forms(HIDDEN_MARKER) {
            assert!(!holds(&bytes, &form), "{} holds the text under the box", file.display());
        }
        assert_ne!(triangulate_evidence::sha256_hex(&bytes), original_digest, "{} is the original", file.display());
        assert!(!holds(&bytes, sample), "{} holds the original picture's data", file.display());
        if file.extension().is_some_and(|e| e == "pdf") {
            let text = tool("pdftotext", &["-enc", "UTF-8", file.to_str().unwrap(), "-"]);
            assert!(!text.contains(HIDDEN_MARKER), "the PDF's text");
        }
    }
    // Their own capture, as its redacted copy; the other person's, withheld.
    let folders: Vec<String> = std::fs::read_dir(out.join("originals"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(folders, [format!("capture-{marked_id}")]);
    let withheld: Vec<(String, String)> = json["withheld"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["capture"].to_string(), w["item"].as_str().unwrap().to_string()))
        .collect();
    for expected in [(&marked_id, "mhtml"), (&marked_id, "warc"), (&theirs_id, "capture")] {
        assert!(withheld.contains(&(expected.0.clone(), expected.1.to_string())), "{expected:?} in {withheld:?}");
    }
    let pdf = json["pdf"].as_str().unwrap();
    let text = tool("pdftotext", &["-enc", "UTF-8", pdf, "-"]).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Held but not in this export"), "{text}");
    assert!(text.contains(&format!("Capture {theirs_id} it is of another person's page")), "{text}");
    assert!(text.contains(&format!("Capture {marked_id}: the web archive (WARC)")), "{text}");

    // The second person's export holds their page, taken in a session on the first person.
    let (out, json) = export(&second, "sar-second");
    let folders: Vec<String> = std::fs::read_dir(out.join("originals"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(folders, [format!("capture-{theirs_id}")]);
    assert!(out.join(format!("originals/capture-{theirs_id}/capture-{theirs_id}-viewport-png.png")).exists());
    assert_eq!(json["withheld"], serde_json::json!([]), "nothing of theirs is redacted or another's");

    // One capture time, labelled the same, in the capture's own view and both PDFs.
    let view = s.run(&["capture", "show", &theirs_id]);
    let line =
        view.stdout.lines().find(|l| l.starts_with("Captured at: ")).unwrap_or_else(|| panic!("{}", view.stdout));
    let time = line.trim_start_matches("Captured at: ").to_string();
    assert!(time.ends_with(" (UK time)") && (time.contains(" GMT ") || time.contains(" BST ")), "{time}");
    let started = show(&s, &theirs_id)["manifest"]["provenance"]["capture_started_at"].as_str().unwrap().to_string();
    assert_eq!(show(&s, &theirs_id)["captured_at"], started.as_str(), "the pictures' time, in the JSON too");
    let text = tool("pdftotext", &["-enc", "UTF-8", json["pdf"].as_str().unwrap(), "-"])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains(&format!("Captured at {time}")), "{time} in {text}");
    assert_eq!(
        s.run(&["capture", "judge", &theirs_id, "--relevant", "yes", "--useful", "yes", "--attribution", "unverified"])
            .code,
        0
    );
    let care = s.data_dir.parent().unwrap().join("care.pdf");
    let text = draft_pdf_text(&s, &reference, &care);
    assert!(text.contains(&format!("Captured at {time}")), "{time} in {text}");
}

fn show(s: &crate::Setup, id: &str) -> serde_json::Value {
    let run = s.run(&["capture", "show", id, "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()
}
