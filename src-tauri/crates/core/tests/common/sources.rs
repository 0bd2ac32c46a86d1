//! Reading the crates' own code, for the tests of what it may name (the core's no IO here, the
//! command line's flags in `cli/src/flags.rs`, which includes this file).

use std::path::{Path, PathBuf};

/// Every `.rs` file under `folder`, added to `into`.
pub fn sources(folder: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// The lines of a file's code, numbered from 1, that are neither comments nor test code: an
/// item marked `#[cfg(test)]` is left out, a test module with everything inside it (counted by
/// its braces), so that code after a test module is read too.
pub fn code(text: &str) -> Vec<(usize, &str)> {
    let mut lines = Vec::new();
    let mut in_tests: Option<i64> = None;
    let mut marked = false;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let braces = line.matches('{').count() as i64 - line.matches('}').count() as i64;
        if let Some(depth) = in_tests.as_mut() {
            *depth += braces;
            if *depth <= 0 {
                in_tests = None;
            }
            continue;
        }
        if trimmed == "#[cfg(test)]" {
            marked = true;
            continue;
        }
        if marked {
            // Attributes of the marked item come before it.
            if trimmed.starts_with("#[") {
                continue;
            }
            marked = false;
            if braces > 0 {
                in_tests = Some(braces);
            }
            continue;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        lines.push((n + 1, line));
    }
    lines
}
