//! Long work reports its progress through the host: a capture (at once and by scrolling), a
//! PDF, an evidence bundle, a subject access export and a disposal, each watched by a host
//! that records every report. Each run starts at none done, never goes back, and ends with
//! one finished report: every step done when it succeeded, failed where it stopped when not.

#[path = "../../../../tests/cli/fixture_site.rs"]
#[allow(dead_code)]
mod fixture_site;
mod support;
use support::{TestHost, decision};

use chrono::Utc;
use triangulate_app::captures::{self, CaptureOrder};
use triangulate_app::export::PdfOrder;
use triangulate_app::sessions::{self, BrowserChoice};
use triangulate_app::{Progress, Work, bundle, export, register, requests, retention, subject_access};
use triangulate_core::evidence::{Attribution, JudgementInput};
use triangulate_core::workflow::Step;

/// One run of a piece of work, checked: one work and subject, none done at first, `done`
/// never back nor past `total`, `total` never smaller, one finished report and it last.
/// Returns the steps in order.
fn one_run(reports: &[Progress], work: Work, about: &str, succeeded: bool) -> Vec<String> {
    assert!(reports.len() >= 2, "a start and an end at least: {reports:#?}");
    assert_eq!(reports[0].done, 0, "{reports:#?}");
    for pair in reports.windows(2) {
        assert!(pair[1].done >= pair[0].done, "done went back: {pair:#?}");
        assert!(pair[1].total >= pair[0].total, "total shrank: {pair:#?}");
    }
    for r in reports {
        assert_eq!(r.work, work, "{r:?}");
        assert_eq!(r.about, about, "{r:?}");
        assert!(r.done <= r.total, "{r:?}");
    }
    let (last, before) = reports.split_last().unwrap();
    assert!(last.finished, "the last report is finished: {last:?}");
    assert!(before.iter().all(|r| !r.finished && !r.failed), "{reports:#?}");
    if succeeded {
        assert!(!last.failed, "{last:?}");
        assert_eq!(last.done, last.total, "{last:?}");
        // Every step counted: the one before the end was the last.
        assert_eq!(before.last().unwrap().done, last.total - 1, "{reports:#?}");
        // Each step is one more than the step before it (details say the same step again).
        let mut done: Vec<u32> = reports.iter().map(|r| r.done).collect();
        done.dedup();
        assert_eq!(done, (0..=last.total).collect::<Vec<_>>(), "{reports:#?}");
    } else {
        assert!(last.failed, "{last:?}");
        assert!(last.done < last.total, "{last:?}");
        assert!(last.step.starts_with("Stopped: "), "{last:?}");
    }
    reports.iter().map(|r| r.step.clone()).collect()
}

#[test]
fn long_work_reports_its_steps_through_the_host() {
    // SAFETY: set before any store is opened, to the same value by every test here.
    unsafe { std::env::set_var(triangulate_app::KEYSTORE_ENV, "kernel-keyring") };
    let site = fixture_site::start();
    let temp = tempfile::tempdir().unwrap();
    let host = TestHost::new(&temp.path().join("data"), Utc::now());

    let reference = support::staffed_with_a_request(&host, &site.base);
    requests::take_step(&host, &reference, Step::Submit, &decision("Rhian Evans", Some("email 19/11"))).unwrap();
    requests::take_step(&host, &reference, Step::Agree, &decision("Gwen Thomas", Some("email 20/11"))).unwrap();
    requests::take_step(&host, &reference, Step::Permit, &decision("Director", Some("memo SD/44"))).unwrap();
    requests::take_step(&host, &reference, Step::ConfirmLegitimacy, &decision("Sam Patel", None)).unwrap();
    let account = register::add_account(&host, "fixture", "council.checks", Some(true)).unwrap();
    let headless = BrowserChoice { headless: true, ..Default::default() };
    let id = sessions::start(&host, &reference, 1, account.id, &headless, false).unwrap().session.id;
    assert!(host.take().is_empty(), "no progress for short work");
    let session = format!("access session {id}");

    // A capture taken at once: its four steps.
    let order = CaptureOrder {
        url: Some(format!("{}/profile/jane", site.base)),
        statement: Some("Visible to anyone without logging in".into()),
        ..CaptureOrder::default()
    };
    let first = captures::take_capture(&host, id, &order).unwrap();
    let steps = one_run(&host.take(), Work::Capture, &session, true);
    assert_eq!(
        steps,
        [
            "Checking the session",
            "Waiting for the session's recorder",
            "Taking the page",
            "Storing and signing the capture",
            &format!("Capture {} stored", first.record.id),
        ]
    );

    // A capture by scrolling says its screens as it goes; the worker stops it once they are seen.
    let timeline = CaptureOrder {
        url: Some(format!("{}/profile/jane/virtual", site.base)),
        scroll: true,
        ..CaptureOrder::default()
    };
    let second = std::thread::scope(|scope| {
        let running = scope.spawn(|| captures::take_capture(&host, id, &timeline));
        for _ in 0..2400 {
            if host.seen("screens so far") && captures::progress(&host, id).screens >= 2 {
                // A second capture meanwhile is refused and reports nothing (checked below:
                // its reports would break the first's order).
                assert!(captures::take_capture(&host, id, &order).is_err());
                captures::stop(&host, id).unwrap();
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        running.join().unwrap().unwrap()
    });
    let reports = host.take();
    let steps = one_run(&reports, Work::Capture, &session, true);
    let scrolling: Vec<&Progress> =
        reports.iter().filter(|r| r.step.starts_with("Taking the page by scrolling")).collect();
    assert!(!scrolling.is_empty(), "{steps:#?}");
    assert!(scrolling.iter().all(|r| r.done == 2), "said as the same step: {scrolling:#?}");
    assert_eq!(steps.last().unwrap(), &format!("Capture {} stored", second.record.id));

    for capture in [first.record.id, second.record.id] {
        captures::judge(
            &host,
            capture,
            &JudgementInput {
                relevant: Some(true),
                attribution: Some(Attribution::Unverified),
                useful_and_unique: Some(true),
                ..Default::default()
            },
        )
        .unwrap();
    }
    sessions::end(&host, id).unwrap();
    host.take();

    // A PDF: six steps, the pages counted once laid out.
    let out = temp.path().join("care-record.pdf");
    let pdf_order = PdfOrder { reference: reference.clone(), out: out.clone(), draft: true, only: None };
    let pdf = export::export_pdf(&host, &pdf_order).unwrap();
    let pages = pdf.export.pages;
    let steps = one_run(&host.take(), Work::ExportPdf, &reference, true);
    assert_eq!(
        steps,
        [
            "Reading the request, log and captures".to_string(),
            "Reading the 4 pictures".into(),
            "Laying out the pages".into(),
            format!("Drawing {pages} pages"),
            "Writing the PDF".into(),
            "Recording the export in the audit trail".into(),
            format!("PDF written: {pages} pages"),
        ]
    );

    // The same file again is refused before any work: the run still ends, failed.
    assert!(export::export_pdf(&host, &pdf_order).is_err());
    let steps = one_run(&host.take(), Work::ExportPdf, &reference, false);
    assert_eq!(steps, ["Reading the request, log and captures", "Stopped: reading the request, log and captures"]);

    // A bundle: a step for each capture's files, counted once the captures are known.
    let zip = temp.path().join("bundle.zip");
    let made = bundle::export_bundle(&host, &reference, &zip, true).unwrap();
    let reports = host.take();
    let steps = one_run(&reports, Work::Bundle, &reference, true);
    assert_eq!(reports.last().unwrap().total, 9 + 2, "nine steps and one for each of the two captures");
    let first_files = format!("Writing capture {}'s files (1 of 2)", first.record.id);
    let second_files = format!("Writing capture {}'s files (2 of 2)", second.record.id);
    for step in ["Checking the audit chain", "Reading the 4 pictures", first_files.as_str(), second_files.as_str()] {
        assert!(steps.iter().any(|s| s == step), "{step} in {steps:#?}");
    }
    let at = |words: &str| steps.iter().position(|s| s == words).unwrap();
    assert!(at(&first_files) < at(&second_files) && at(&second_files) < at("Signing the manifest"), "{steps:#?}");
    assert!(at("Signing the manifest") < at("Writing the bundle"), "{steps:#?}");
    assert_eq!(steps.last().unwrap(), &format!("Evidence bundle written: {} files", made.files));

    // A subject access export: seven steps, each capture said as it is read.
    let person = requests::show(&host, &reference).unwrap().subjects[0].person_id.unwrap();
    let folder = temp.path().join("sar");
    let sar = subject_access::export(&host, person, &folder).unwrap();
    let steps = one_run(&host.take(), Work::SubjectAccess, &format!("person {person}"), true);
    assert_eq!(steps.first().unwrap(), "Reading what is held about them");
    assert!(steps.contains(&"Reading the 2 captures".to_string()), "{steps:#?}");
    assert!(steps.contains(&format!("Reading the captures: capture {} (2 of 2)", second.record.id)), "{steps:#?}");
    assert!(steps.contains(&format!("Drawing {} pages", sar.pages)), "{steps:#?}");
    assert_eq!(
        steps.last().unwrap(),
        &format!("Subject access export written: {} pages and {} original files", sar.pages, sar.originals.len())
    );

    // A disposal: four steps, with nothing due today.
    let disposed = retention::dispose(&host, "Sam Patel").unwrap();
    assert!(disposed.disposed.is_empty());
    let steps = one_run(&host.take(), Work::Disposal, "records due", true);
    assert_eq!(
        steps,
        [
            "Working out what is due",
            "Deleting what is due: 0 records",
            "Clearing the disposed pages from the browser profiles",
            "Removing the exported files that held them",
            "Disposed of 0 records",
        ]
    );
    // Refused for want of who disposes: ended, failed, at its first step.
    assert!(retention::dispose(&host, " ").is_err());
    let steps = one_run(&host.take(), Work::Disposal, "records due", false);
    assert_eq!(steps, ["Working out what is due", "Stopped: working out what is due"]);
}
