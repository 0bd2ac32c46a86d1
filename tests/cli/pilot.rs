//! The pilot's evaluation through the binary: feedback after a check, the six-month re-check
//! and ratings of the authorisation process; one laptop's export, signed and without names;
//! the report merged from several laptops (a tampered export refused, a duplicate counted once)
//! as JSON, CSV and PDF.

use crate::protocol::{authorised_and_searched, step, with_request};
use crate::{Run, Setup};

/// A request taken through the protocol to a finalised log, without a browser.
fn finalised() -> (Setup, String) {
    let (s, reference) = with_request();
    authorised_and_searched(&s, &reference);
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
            "It helped",
        ],
    );
    (s, reference)
}

fn feedback(s: &Setup, reference: &str, extra: &[&str]) -> Run {
    let mut args = vec!["feedback", "give", reference, "--by", "Rhian Evans", "--json"];
    args.extend_from_slice(extra);
    s.run(&args)
}

/// Lists other laptops' keys in this laptop's policy.
fn trust(s: &Setup, fingerprints: &[&str]) {
    let quoted: Vec<String> = fingerprints.iter().map(|f| format!("{f:?}")).collect();
    std::fs::write(s.data_dir.join("policy.toml"), format!("[pilot]\ntrusted_keys = [{}]\n", quoted.join(", ")))
        .unwrap();
}

/// An export signed with a key made for the purpose, holding `records`.
fn forged(records: Vec<triangulate_core::pilot::PilotRecord>, seed: u8) -> (String, String) {
    use triangulate_core::pilot::{PILOT_EXPORT_FORMAT, PilotExport};
    let key = triangulate_evidence::SigningKey::from_bytes(&[seed; 32]);
    let export = PilotExport {
        format: PILOT_EXPORT_FORMAT.into(),
        exported_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        records,
        signing_key: triangulate_evidence::SigningKeyInfo::of(&key),
    };
    let text = export.file_text(&triangulate_evidence::sign_manifest(&key, &export.signed_bytes()));
    (text, export.signing_key.fingerprint)
}

#[test]
fn an_export_signed_by_a_key_the_council_does_not_list_or_with_impossible_figures_is_refused_whole() {
    use triangulate_core::pilot::{FeedbackFigures, PilotRecord, Rating};
    let (s, _) = finalised();
    let folder = s.data_dir.parent().unwrap().to_path_buf();
    let today = chrono::Utc::now().date_naive();
    // Fifty made-up checks, each rated significant, signed with a freshly made key.
    let made_up: Vec<PilotRecord> = (0..50u8)
        .map(|n| {
            let mut r = PilotRecord::new(format!("{n:02x}").repeat(32), today);
            r.checked_on = Some(today);
            r.finalised_on = Some(today);
            r.feedback = Some(FeedbackFigures { time_minutes: 30, useful: 3, unique: 1, rating: Rating::Significant });
            r
        })
        .collect();
    let (text, fingerprint) = forged(made_up, 9);
    let file = folder.join("forged.json");
    std::fs::write(&file, text).unwrap();
    let refused = s.run(&["pilot", "report", "--import", file.to_str().unwrap(), "--json"]);
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    let message = refused.json()["error"]["fields"][0]["message"].as_str().unwrap().to_string();
    assert!(message.contains(&fingerprint) && message.contains("trusted_keys under [pilot]"), "{message}");
    assert!(message.contains("policy.toml"), "where to add it: {message}");
    let plain = s.run(&["pilot", "report", "--import", file.to_str().unwrap()]);
    assert!(plain.stderr.contains(&fingerprint), "{}", plain.stderr);
    let own = s.run(&["pilot", "report", "--json"]).json();
    assert_eq!(own["report"]["checks"], 1, "this laptop's own figures only");

    // A listed laptop's file with figures no check can have is refused whole, each named.
    let mut impossible = PilotRecord::new("ab".repeat(32), today);
    impossible.submitted_on = chrono::NaiveDate::from_ymd_opt(1900, 1, 1);
    impossible.permitted_on = chrono::NaiveDate::from_ymd_opt(2100, 1, 1);
    impossible.finalised_on = Some(today);
    impossible.feedback =
        Some(FeedbackFigures { time_minutes: 30, useful: 4_000_000_000, unique: 1, rating: Rating::Significant });
    let fine = PilotRecord::new("cd".repeat(32), today);
    let (text, fingerprint) = forged(vec![fine, impossible], 10);
    std::fs::write(&file, text).unwrap();
    trust(&s, &[&fingerprint]);
    let refused = s.run(&["pilot", "report", "--import", file.to_str().unwrap(), "--json"]);
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    let fields: Vec<(String, String)> = refused.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap().to_string(), f["message"].as_str().unwrap().to_string()))
        .collect();
    let names: Vec<&str> = fields.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        names,
        [
            "import[1].records[2].submitted_on",
            "import[1].records[2].permitted_on",
            "import[1].records[2].feedback.useful"
        ],
        "{fields:?}"
    );
    assert!(fields.iter().all(|(_, m)| m.contains("forged.json is refused")), "{fields:?}");
    assert!(fields[2].1.contains("4000000000"), "{fields:?}");
    assert_eq!(s.run(&["pilot", "report", "--json"]).json()["report"]["checks"], 1);
}

#[test]
fn feedback_is_given_once_after_finalisation_and_every_bad_field_is_named() {
    let (s, draft) = with_request();
    let early = feedback(&s, &draft, &["--time-minutes", "30", "--useful", "2", "--unique", "1", "--rating", "some"]);
    assert_eq!(early.code, 1, "not before the log is finalised: {}", early.stdout);

    let (s, reference) = finalised();
    let bad = feedback(&s, &reference, &["--time-minutes", "0", "--useful", "2", "--unique", "3", "--rating", "huge"]);
    assert_eq!(bad.code, 2, "{}", bad.stdout);
    let fields: Vec<String> = bad.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["time_minutes", "unique", "rating"]);
    // The form keeps the bounds an import is checked against, so no laptop records a figure
    // that another would refuse.
    let beyond =
        feedback(&s, &reference, &["--time-minutes", "40321", "--useful", "1001", "--unique", "0", "--rating", "some"]);
    assert_eq!(beyond.code, 2, "{}", beyond.stdout);
    let fields: Vec<String> = beyond.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["time_minutes", "useful"]);
    let given = feedback(
        &s,
        &reference,
        &[
            "--time-minutes",
            "45",
            "--useful",
            "3",
            "--unique",
            "1",
            "--rating",
            "considerable",
            "--comments",
            "Confirmed the partner",
        ],
    );
    assert_eq!(given.code, 0, "{}", given.stderr);
    assert_eq!(given.json()["feedback"]["useful"], 3);
    let again =
        feedback(&s, &reference, &["--time-minutes", "5", "--useful", "0", "--unique", "0", "--rating", "little"]);
    assert_eq!(again.code, 1, "given once");

    // The re-check, and the process rated by two people, not twice by one.
    let recheck =
        s.run(&["feedback", "recheck", &reference, "--rating", "significant", "--by", "Rhian Evans", "--json"]);
    assert_eq!(recheck.code, 0, "{}", recheck.stderr);
    let bad = s.run(&["feedback", "process", &reference, "--ease", "6", "--effectiveness", "4", "--by", "Gwen Thomas"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("ease: Rate how easy the process was from 1 (poor) to 5"), "{}", bad.stderr);
    step(&s, &["feedback", "process", &reference, "--ease", "4", "--effectiveness", "5", "--by", "Gwen Thomas"]);
    step(&s, &["feedback", "process", &reference, "--ease", "2", "--effectiveness", "3", "--by", "Rhian Evans"]);
    let twice =
        s.run(&["feedback", "process", &reference, "--ease", "3", "--effectiveness", "3", "--by", "gwen thomas"]);
    assert_eq!(twice.code, 1);

    let report = s.run(&["pilot", "report", "--json"]);
    assert_eq!(report.code, 0, "{}", report.stderr);
    let r = &report.json()["report"];
    assert_eq!((r["requests"].as_u64(), r["checks"].as_u64()), (Some(1), Some(1)));
    assert_eq!(
        (r["minutes_total"].as_u64(), r["useful_total"].as_u64(), r["unique_total"].as_u64()),
        (Some(45), Some(3), Some(1))
    );
    assert_eq!(r["ratings_at_finalisation"][2]["count"], 1, "considerable");
    assert_eq!(r["ratings_at_six_months"][3]["count"], 1, "significant");
    assert_eq!((r["process_ratings"].as_u64(), r["process_ease_mean"].as_f64()), (Some(2), Some(3.0)));
    assert_eq!(r["permissions"], 1);
    assert_eq!(s.run(&["audit", "verify"]).code, 0);
}

#[test]
fn laptops_exports_merge_into_one_report_each_signature_checked_and_each_request_counted_once() {
    let (a, first) = finalised();
    assert_eq!(
        feedback(&a, &first, &["--time-minutes", "40", "--useful", "2", "--unique", "1", "--rating", "some"]).code,
        0
    );
    let (b, second) = finalised();
    assert_eq!(
        feedback(&b, &second, &["--time-minutes", "20", "--useful", "4", "--unique", "2", "--rating", "significant"])
            .code,
        0
    );
    let folder = a.data_dir.parent().unwrap().to_path_buf();
    let export = |s: &Setup, name: &str| {
        let out = folder.join(name);
        let run = s.run(&["pilot", "export", "--out", out.to_str().unwrap(), "--json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        (out, run.json())
    };
    let (from_b, written) = export(&b, "laptop-b.json");
    assert_eq!(written["records"], 1);
    let text = std::fs::read_to_string(&from_b).unwrap();
    for name in ["Anna Kowalska", "Rhian Evans", &second] {
        assert!(!text.contains(name), "no name or reference leaves the laptop: {name}");
    }
    assert_eq!(b.run(&["pilot", "export", "--out", from_b.to_str().unwrap()]).code, 2, "never over a file");
    let (again_b, _) = export(&b, "laptop-b-again.json");

    // B's export counts on A only once A's policy lists B's key.
    let untrusted = a.run(&["pilot", "report", "--import", from_b.to_str().unwrap(), "--json"]);
    assert_eq!(untrusted.code, 2, "{}", untrusted.stdout);
    trust(&a, &[written["fingerprint"].as_str().unwrap()]);

    // A and B, with B's figures imported twice: B's request counts once.
    let report = a.run(&[
        "pilot",
        "report",
        "--import",
        from_b.to_str().unwrap(),
        "--import",
        again_b.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(report.code, 0, "{}", report.stderr);
    let page = report.json();
    assert_eq!((page["report"]["requests"].as_u64(), page["duplicates"].as_u64()), (Some(2), Some(1)));
    // How they add up: every request the sources hold, less those seen twice, less those made
    // outside the period.
    assert_eq!((page["in_sources"].as_u64(), page["outside_period"].as_u64()), (Some(3), Some(0)));
    assert_eq!(page["report"]["minutes_total"], 60);
    assert_eq!(page["report"]["useful_total"], 6);
    assert_eq!(page["sources"].as_array().unwrap().len(), 3);
    assert_ne!(page["sources"][0]["fingerprint"], page["sources"][1]["fingerprint"], "each laptop's own key");

    // A changed figure is refused, with the file named, and nothing is reported.
    let tampered = folder.join("laptop-b-tampered.json");
    std::fs::write(&tampered, text.replacen("\"useful\": 4", "\"useful\": 40", 1)).unwrap();
    assert_ne!(std::fs::read_to_string(&tampered).unwrap(), text);
    let refused = a.run(&["pilot", "report", "--import", tampered.to_str().unwrap(), "--json"]);
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    let message = refused.json()["error"]["fields"][0]["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("laptop-b-tampered.json") && message.contains("changed after it was exported"),
        "{message}"
    );

    // CSV parsed back, and a PDF poppler reads.
    let csv_path = folder.join("report.csv");
    let run = a.run(&["pilot", "report", "--import", from_b.to_str().unwrap(), "--csv", csv_path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), ["section", "item", "value"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let value = |section: &str, item: &str| {
        rows.iter().find(|r| &r[0] == section && &r[1] == item).map(|r| r[2].to_string()).unwrap()
    };
    assert_eq!(value("information", "useful_total"), "6");
    assert_eq!(value("time", "minutes_per_check"), "30");
    assert_eq!(value("rating_at_finalisation", "significant"), "1");
    let pdf = folder.join("report.pdf");
    let run = a.run(&["pilot", "report", "--import", from_b.to_str().unwrap(), "--pdf", pdf.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out =
        std::process::Command::new("pdftotext").args(["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("The pilot's evaluation") && text.contains("Useful pieces of information 6"), "{text}");
    assert!(text.contains("Checks done each month"), "the monthly chart: {text}");
    assert!(text.contains("Ratings at finalisation and six months on At finalisation Six months on"), "{text}");
    let checked = std::process::Command::new("qpdf").args(["--check", pdf.to_str().unwrap()]).output().unwrap();
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stdout));
    // For people to look at.
    let looks = crate::repo_root().join("tests/out/pdf");
    std::fs::create_dir_all(&looks).unwrap();
    let drawn = std::process::Command::new("pdftoppm")
        .args(["-r", "60", "-png", pdf.to_str().unwrap()])
        .arg(looks.join("pilot-report"))
        .status()
        .unwrap();
    assert!(drawn.success());

    // A bad period is named.
    let bad = a.run(&["pilot", "report", "--from", "2026-12-01", "--to", "2026-11-01"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("to: The end of the period must not be before its start"), "{}", bad.stderr);
}
