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
    step(&s, &["log", "complete", &reference, "--by", "Sam Patel"]);
    step(&s, &["log", "finalise", &reference, "--by", "Rhian Evans", "--rating", "some", "--assessment", "It helped"]);
    (s, reference)
}

fn feedback(s: &Setup, reference: &str, extra: &[&str]) -> Run {
    let mut args = vec!["feedback", "give", reference, "--by", "Rhian Evans", "--json"];
    args.extend_from_slice(extra);
    s.run(&args)
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
