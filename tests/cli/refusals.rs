//! A refused command writes nothing: every export command, refused for each reason it can
//! be, leaves no file and no folder behind, and what was already there unchanged.

use std::path::{Path, PathBuf};

use crate::protocol::with_request;
use crate::{Setup, setup};

/// Everything under a folder, files and folders, by path.
fn everything(root: &Path) -> Vec<PathBuf> {
    let mut found = crate::paths_below(root, true);
    found.sort();
    found
}

/// Runs a command that must be refused with `code` (any refusal: `None`), and checks that nothing appeared in or
/// changed under `folder` (the data folder is elsewhere).
fn refused(s: &Setup, folder: &Path, args: &[&str], code: impl Into<Option<i32>>) {
    let before: Vec<(PathBuf, Vec<u8>)> =
        everything(folder).into_iter().map(|p| (p.clone(), std::fs::read(&p).unwrap_or_default())).collect();
    let run = s.run(args);
    match code.into() {
        Some(code) => assert_eq!(run.code, code, "{args:?}: {}{}", run.stdout, run.stderr),
        None => assert!([1, 2].contains(&run.code), "{args:?} should be refused: {}{}", run.stdout, run.stderr),
    }
    let after: Vec<(PathBuf, Vec<u8>)> =
        everything(folder).into_iter().map(|p| (p.clone(), std::fs::read(&p).unwrap_or_default())).collect();
    assert_eq!(
        after.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        before.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        "{args:?} was refused ({}) and wrote something",
        run.stderr.trim()
    );
    assert!(after == before, "{args:?} changed a file that was there");
}

fn at(folder: &Path, name: &str) -> String {
    folder.join(name).to_str().unwrap().to_string()
}

#[test]
fn every_export_command_refused_writes_no_file_and_no_folder() {
    // A laptop with a store but no worker profile: nothing can be recorded as anyone's.
    let bare = setup();
    bare.init();
    let out = bare.data_dir.parent().unwrap().join("out");
    std::fs::create_dir_all(&out).unwrap();
    refused(&bare, &out, &["pilot", "export", "--out", &at(&out, "F.json")], 1);
    refused(&bare, &out, &["pilot", "export", "--out", &at(&out, "F.json"), "--json"], 1);
    refused(&bare, &out, &["authorisation", "central-record", "--out", &at(&out, "central.csv")], 1);
    refused(&bare, &out, &["subject-access", "1", "--out", &at(&out, "sar")], 2);

    // A store with a draft request: its log is not finalised, no capture exists.
    let (s, reference) = with_request();
    let out = s.data_dir.parent().unwrap().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("taken.pdf"), "an earlier file").unwrap();
    let missing = at(&out.join("no-such-folder"), "F");
    for args in [
        vec!["export", "pdf", &reference, "--out", &at(&out, "care.pdf")],
        vec!["export", "pdf", "NO-SUCH-REF", "--out", &at(&out, "care.pdf")],
        vec!["export", "pdf", &reference, "--out", &at(&out, "taken.pdf"), "--draft"],
        vec!["export", "pdf", &reference, "--out", &missing, "--draft"],
        vec!["export", "bundle", &reference, "--out", &at(&out, "bundle.zip")],
        vec!["export", "bundle", "NO-SUCH-REF", "--out", &at(&out, "bundle.zip"), "--draft"],
        vec!["export", "bundle", &reference, "--out", &at(&out, "taken.pdf"), "--draft"],
        vec!["export", "verify-page", "--out", &at(&out, "taken.pdf")],
        vec!["export", "verify-page", "--out", &missing],
        vec!["authorisation", "central-record", "--out", &at(&out, "taken.pdf")],
        vec!["authorisation", "central-record", "--out", &missing],
        vec!["pilot", "export", "--out", &at(&out, "taken.pdf")],
        vec!["pilot", "export", "--out", &missing],
        vec!["pilot", "report", "--from", "someday", "--csv", &at(&out, "report.csv")],
        vec!["pilot", "report", "--import", &at(&out, "none.json"), "--csv", &at(&out, "report.csv")],
        vec!["pilot", "report", "--import", &at(&out, "taken.pdf"), "--pdf", &at(&out, "report.pdf")],
        vec!["pilot", "report", "--pdf", &at(&out, "taken.pdf")],
        vec!["pilot", "report", "--csv", &missing],
        vec!["subject-access", "999", "--out", &at(&out, "sar")],
        vec!["capture", "export", "1", "--out", &at(&out, "capture-1")],
    ] {
        refused(&s, &out, &args, None);
    }
    let busy = out.join("busy");
    std::fs::create_dir_all(&busy).unwrap();
    std::fs::write(busy.join("keep.txt"), "x").unwrap();
    refused(&s, &out, &["subject-access", "1", "--out", busy.to_str().unwrap()], 2);
}
